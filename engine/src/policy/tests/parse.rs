//! The grammar: every form KMS accepts, and every refusal with its message.

use crate::policy::{
    Effect, MAX_KEY_POLICY_BYTES, PolicyDocument, PolicyError, PolicyErrorKind, PolicyKind,
};

/// A 2012-10-17 key policy with `statements` (the inside of the list).
fn policy(statements: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#)
}

/// One Allow statement for everyone with `extra` members added.
fn allow_all(extra: &str) -> String {
    policy(&format!(
        r#"{{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"{extra}}}"#
    ))
}

/// One Allow statement with `principal` as its `Principal`.
fn principal(principal: &str) -> String {
    policy(&format!(
        r#"{{"Effect": "Allow", "Principal": {principal}, "Action": "kms:*", "Resource": "*"}}"#
    ))
}

/// One Allow statement with `condition` as its `Condition`.
fn condition(condition: &str) -> String {
    allow_all(&format!(r#", "Condition": {condition}"#))
}

#[test]
fn accepts_every_form() {
    let table: Vec<(&str, String)> = vec![
        (
            "statement as an object",
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}}"#.into(),
        ),
        ("statement list", allow_all("")),
        ("empty statement list", policy("")),
        (
            "version 2008-10-17 and an Id",
            r#"{"Version": "2008-10-17", "Id": "key-consolepolicy-3", "Statement": []}"#.into(),
        ),
        ("no version", r#"{"Statement": []}"#.into()),
        ("Sid with spaces", allow_all(r#", "Sid": "Enable IAM User Permissions""#)),
        ("principal * object", principal(r#"{"AWS": "*"}"#)),
        ("account id", principal(r#"{"AWS": "111122223333"}"#)),
        ("account root ARN", principal(r#"{"AWS": "arn:aws:iam::111122223333:root"}"#)),
        ("user ARN with a path", principal(r#"{"AWS": "arn:aws:iam::111122223333:user/ops/alice"}"#)),
        ("role ARN", principal(r#"{"AWS": "arn:aws:iam::111122223333:role/app"}"#)),
        (
            "assumed-role session ARN",
            principal(r#"{"AWS": "arn:aws:sts::111122223333:assumed-role/app/session-1"}"#),
        ),
        ("federated user", principal(r#"{"AWS": "arn:aws:sts::111122223333:federated-user/bob"}"#)),
        (
            "list of AWS principals",
            principal(r#"{"AWS": ["111122223333", "arn:aws:iam::444455556666:role/r"]}"#),
        ),
        ("service", principal(r#"{"Service": "s3.amazonaws.com"}"#)),
        (
            "services and AWS together",
            principal(r#"{"Service": ["s3.amazonaws.com", "logs.us-east-1.amazonaws.com"], "AWS": "*"}"#),
        ),
        ("China partition", principal(r#"{"AWS": "arn:aws-cn:iam::111122223333:root"}"#)),
        (
            "NotPrincipal with Deny",
            policy(r#"{"Effect": "Deny", "NotPrincipal": {"AWS": ["111122223333"]}, "Action": "kms:*", "Resource": "*"}"#),
        ),
        (
            "action list and wildcards",
            policy(r#"{"Effect": "Allow", "Principal": "*", "Action": ["kms:Get*", "kms:?ncrypt", "KMS:Decrypt", "*", "kms:*Key*"], "Resource": "*"}"#),
        ),
        (
            "NotAction and NotResource",
            policy(r#"{"Effect": "Allow", "Principal": "*", "NotAction": "kms:ScheduleKeyDeletion", "NotResource": ["arn:aws:kms:*:111122223333:key/*"]}"#),
        ),
        (
            "resource ARN with wildcards",
            policy(r#"{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "arn:aws:kms:us-?ast-1:*:key/*"}"#),
        ),
        (
            "no Action: accepted, matches nothing",
            policy(r#"{"Effect": "Allow", "Principal": "*", "Resource": "*"}"#),
        ),
        (
            "no Resource: accepted, matches nothing",
            policy(r#"{"Effect": "Allow", "Principal": "*", "Action": "kms:*"}"#),
        ),
        ("string operators", condition(r#"{"StringEquals": {"kms:EncryptionContext:Dept": "IT"}, "StringNotEquals": {"kms:ViaService": ["a", "b"]}, "StringEqualsIgnoreCase": {"kms:RequestAlias": "alias/X"}, "StringNotEqualsIgnoreCase": {"kms:KeySpec": "rsa_2048"}, "StringLike": {"kms:ViaService": "*.amazonaws.com"}, "StringNotLike": {"kms:RequestAlias": "alias/?x*"}}"#)),
        ("ARN operators", condition(r#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}, "ArnNotEquals": {"aws:SourceArn": "*"}, "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}, "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::444455556666:*"}}"#)),
        ("numeric operators", condition(r#"{"NumericEquals": {"kms:RotationPeriodInDays": 90}, "NumericNotEquals": {"test:n": "-1.5"}, "NumericLessThan": {"test:n": "1e3"}, "NumericLessThanEquals": {"test:n": 7}, "NumericGreaterThan": {"test:n": "0"}, "NumericGreaterThanEquals": {"test:n": [1, "2"]}}"#)),
        ("date operators", condition(r#"{"DateEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}, "DateNotEquals": {"aws:CurrentTime": "2026-01-01"}, "DateLessThan": {"aws:CurrentTime": "2026-01-01T12:00+01:00"}, "DateLessThanEquals": {"aws:CurrentTime": "1767225600"}, "DateGreaterThan": {"aws:CurrentTime": 1767225600}, "DateGreaterThanEquals": {"aws:CurrentTime": "2026-01-01T00:00:00.123Z"}}"#)),
        ("Bool, Null, Binary, IP", condition(r#"{"Bool": {"kms:MultiRegion": true, "aws:SecureTransport": "FALSE"}, "Null": {"aws:SourceVpce": "true"}, "BinaryEquals": {"test:b": "QmluYXJ5"}, "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64", "192.0.2.1"]}, "NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#)),
        ("set qualifiers and IfExists", condition(r#"{"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": ["a", "b"]}, "ForAllValues:StringLike": {"kms:ResourceAliases": "alias/*"}, "StringEqualsIfExists": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}, "ForAllValues:StringEqualsIfExists": {"kms:GrantOperations": "Decrypt"}, "NumericLessThanIfExists": {"test:n": 3}, "forallvalues:stringequals": {"kms:GrantOperations": "Encrypt"}}"#)),
        ("operator names in any case", condition(r#"{"stringequals": {"kms:CallerAccount": "111122223333"}, "STRINGLIKEIFEXISTS": {"kms:ViaService": "*"}}"#)),
        ("ForAnyValue with an encryption-context key", condition(r#"{"ForAnyValue:StringEquals": {"kms:EncryptionContext:dept": ["IT", "HR"]}}"#)),
        ("Latin-1 and whitespace", allow_all(",\n\t\"Sid\": \"café ñ ÿ\"\r\n")),
        ("escaped wildcards in 2012-10-17", condition(r#"{"StringEquals": {"kms:EncryptionContext:k": "a${*}b${?}${$}"}}"#)),
        (
            "a ${…} is literal in 2008-10-17",
            r#"{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"StringEquals": {"test:k": "${aws:username}"}}}}"#.into(),
        ),
        (
            "exactly the size limit",
            {
                let base = allow_all(r#", "Sid": """#);
                let pad = "x".repeat(MAX_KEY_POLICY_BYTES - base.len());
                allow_all(&format!(r#", "Sid": "{pad}""#))
            },
        ),
    ];
    for (name, text) in &table {
        if let Err(e) = PolicyDocument::parse_key_policy(text) {
            panic!("{name}: refused: {e}\n{text}");
        }
    }
}

#[test]
fn compiles_what_it_read() {
    let doc = PolicyDocument::parse_key_policy(&allow_all(r#", "Sid": "All""#)).unwrap();
    assert_eq!(doc.kind(), PolicyKind::Key);
    assert_eq!(doc.version(), Some("2012-10-17"));
    assert_eq!(doc.id(), None);
    assert_eq!(doc.statements().len(), 1);
    assert_eq!(doc.statements()[0].sid(), Some("All"));
    assert_eq!(doc.statements()[0].effect(), Effect::Allow);
    assert_eq!(doc.text(), allow_all(r#", "Sid": "All""#));
    let identity = PolicyDocument::parse_identity_policy(
        r#"{"Statement": [{"Effect": "Deny", "Action": "kms:*", "Resource": "*"}]}"#,
    )
    .unwrap();
    assert_eq!(identity.kind(), PolicyKind::Identity);
    assert_eq!(identity.statements()[0].effect(), Effect::Deny);
}

#[track_caller]
fn refuse(kind: PolicyKind, text: &str, expected_kind: PolicyErrorKind, message: &str) {
    match PolicyDocument::parse(text, kind) {
        Ok(_) => panic!("accepted, expected {message:?}:\n{text}"),
        Err(PolicyError { kind, message: actual }) => {
            assert_eq!(kind, expected_kind, "{actual}");
            assert!(actual.contains(message), "message {actual:?} lacks {message:?}\n{text}");
        }
    }
}

#[test]
fn refusals_say_what_and_where() {
    use PolicyErrorKind::{Malformed, TooLarge};
    let stmt = |body: &str| policy(&format!("{{{body}}}"));
    let table: Vec<(String, PolicyErrorKind, &str)> = vec![
        (
            allow_all(&format!(r#", "Sid": "{}""#, "x".repeat(MAX_KEY_POLICY_BYTES))),
            TooLarge,
            "more than the 32768 bytes",
        ),
        (allow_all(r#", "Sid": "日本""#), Malformed, "character U+65E5"),
        (allow_all(", \"Sid\": \"\u{7}\""), Malformed, "character U+0007"),
        ("{\"Statement\": [".into(), Malformed, "not valid JSON"),
        ("".into(), Malformed, "not valid JSON"),
        ("[]".into(), Malformed, "must be a JSON object, not a list"),
        (r#"{"Version": "2012-10-17"}"#.into(), Malformed, "no Statement"),
        (
            r#"{"Version": "2012-10-18", "Statement": []}"#.into(),
            Malformed,
            "Version must be \"2012-10-17\" or \"2008-10-17\"",
        ),
        (r#"{"Version": 2012, "Statement": []}"#.into(), Malformed, "Version must be a string"),
        (
            r#"{"Statement": [], "Statment": []}"#.into(),
            Malformed,
            "unknown policy element \"Statment\"",
        ),
        (
            r#"{"Statement": [], "Statement": []}"#.into(),
            Malformed,
            "policy has \"Statement\" more than once",
        ),
        (r#"{"Statement": "x"}"#.into(), Malformed, "Statement must be an object or a list"),
        (policy(r#""x""#), Malformed, "Statement[0] must be an object"),
        (
            stmt(r#""Principal": "*", "Action": "kms:*", "Resource": "*""#),
            Malformed,
            "Statement[0]: the statement has no Effect",
        ),
        (
            policy(
                r#"{"Effect": "Allow", "Principal": "*"}, {"Sid": "Second", "Effect": "allow", "Principal": "*"}"#,
            ),
            Malformed,
            "Statement[1] (Sid \"Second\"): Effect must be \"Allow\" or \"Deny\", not \"allow\"",
        ),
        (stmt(r#""Effect": true, "Principal": "*""#), Malformed, "Effect must be a string"),
        (stmt(r#""Sid": 1, "Effect": "Allow""#), Malformed, "Statement[0]: Sid must be a string"),
        (
            stmt(r#""Effect": "Allow", "Effect": "Deny", "Principal": "*""#),
            Malformed,
            "the statement has \"Effect\" more than once",
        ),
        (
            stmt(r#""Effect": "Allow", "Principal": "*", "Actions": "kms:*""#),
            Malformed,
            "unknown statement element \"Actions\"",
        ),
        (
            stmt(r#""Effect": "Allow", "Action": "kms:*", "Resource": "*""#),
            Malformed,
            "needs a Principal or a NotPrincipal",
        ),
        (
            stmt(r#""Effect": "Deny", "Principal": "*", "NotPrincipal": "*""#),
            Malformed,
            "a Principal or a NotPrincipal, not both",
        ),
        (
            stmt(r#""Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"}"#),
            Malformed,
            "NotPrincipal can be used only with \"Effect\": \"Deny\"",
        ),
        (
            stmt(r#""Effect": "Allow", "Principal": "111122223333""#),
            Malformed,
            "Principal must be \"*\" or an object",
        ),
        (stmt(r#""Effect": "Allow", "Principal": {}"#), Malformed, "Principal names no principal"),
        (
            stmt(r#""Effect": "Allow", "Principal": {"AWS": []}"#),
            Malformed,
            "Principal.AWS must not be an empty list",
        ),
        (
            stmt(r#""Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/*"}"#),
            Malformed,
            "is not a valid principal",
        ),
        (
            stmt(
                r#""Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:group/admins"}"#,
            ),
            Malformed,
            "one or more invalid principals",
        ),
        (
            stmt(r#""Effect": "Allow", "Principal": {"AWS": "1111"}"#),
            Malformed,
            "Principal.AWS: \"1111\" is not a valid principal",
        ),
        (
            stmt(r#""Effect": "Allow", "Principal": {"AWS": 111122223333}"#),
            Malformed,
            "Principal.AWS must be a string or a list of strings, not a number",
        ),
        (
            stmt(r#""Effect": "Allow", "Principal": {"Service": "*"}"#),
            Malformed,
            "Principal.Service: \"*\" is not a valid principal",
        ),
        (
            stmt(
                r#""Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}"#,
            ),
            Malformed,
            "Federated principals cannot use a KMS key",
        ),
        (
            stmt(r#""Effect": "Allow", "Principal": {"Aws": "*"}"#),
            Malformed,
            "unknown principal type \"Aws\"",
        ),
        (
            stmt(
                r#""Effect": "Allow", "Principal": "*", "Action": "kms:*", "NotAction": "kms:Encrypt""#,
            ),
            Malformed,
            "an Action or a NotAction, not both",
        ),
        (
            stmt(r#""Effect": "Allow", "Principal": "*", "Resource": "*", "NotResource": "*""#),
            Malformed,
            "a Resource or a NotResource, not both",
        ),
        (
            stmt(r#""Effect": "Allow", "Principal": "*", "Action": "Encrypt""#),
            Malformed,
            "Action \"Encrypt\" must be \"*\" or service:action",
        ),
        (
            stmt(r#""Effect": "Allow", "Principal": "*", "Action": []"#),
            Malformed,
            "Action must not be an empty list",
        ),
        (
            stmt(r#""Effect": "Allow", "Principal": "*", "Action": ["kms:Encrypt", 5]"#),
            Malformed,
            "Action must be a string or a list of strings, not a number",
        ),
        (
            stmt(r#""Effect": "Allow", "Principal": "*", "Resource": "key/1234""#),
            Malformed,
            "Resource \"key/1234\" must be \"*\" or an ARN",
        ),
        (
            stmt(
                r#""Effect": "Allow", "Principal": "*", "Resource": "arn:aws:s3:::bucket/${aws:username}""#,
            ),
            Malformed,
            "policy variables such as ${aws:username} are not supported",
        ),
        (condition(r#""x""#), Malformed, "Condition must be an object of operators, not a string"),
        (
            condition(r#"{"StringEquals": "x"}"#),
            Malformed,
            "Condition operator \"StringEquals\" must map condition keys to values",
        ),
        (condition(r#"{"StringEquals": {}}"#), Malformed, "names no condition key"),
        (
            condition(r#"{"StringEqual": {"kms:ViaService": "x"}}"#),
            Malformed,
            "unknown condition operator \"StringEqual\"",
        ),
        (
            condition(r#"{"ForSomeValues:StringEquals": {"kms:ViaService": "x"}}"#),
            Malformed,
            "unknown condition operator \"ForSomeValues:StringEquals\"",
        ),
        (
            condition(r#"{"NullIfExists": {"kms:ViaService": "true"}}"#),
            Malformed,
            "Null takes neither IfExists nor a set qualifier",
        ),
        (
            condition(r#"{"StringEquals": {"ViaService": "x"}}"#),
            Malformed,
            "condition key \"ViaService\" under \"StringEquals\" must be prefixed by a service",
        ),
        (
            condition(r#"{"StringEquals": {"kms:ViaService": []}}"#),
            Malformed,
            "the list of values is empty",
        ),
        (
            condition(r#"{"StringEquals": {"kms:ViaService": null}}"#),
            Malformed,
            "must be a string, a number or a boolean, not null",
        ),
        (condition(r#"{"StringEquals": {"kms:ViaService": [["x"]]}}"#), Malformed, "not a list"),
        (
            condition(r#"{"StringEquals": {"kms:ViaService": "x", "kms:ViaService": "y"}}"#),
            Malformed,
            "has \"kms:ViaService\" more than once",
        ),
        (
            condition(r#"{"NumericLessThan": {"kms:RotationPeriodInDays": "ninety"}}"#),
            Malformed,
            "\"ninety\" is not a number",
        ),
        (
            condition(r#"{"DateLessThan": {"aws:CurrentTime": "2026-02-30"}}"#),
            Malformed,
            "\"2026-02-30\" is not an ISO 8601 date",
        ),
        (
            condition(r#"{"Bool": {"kms:MultiRegion": "yes"}}"#),
            Malformed,
            "\"yes\" is not \"true\" or \"false\"",
        ),
        (
            condition(r#"{"Null": {"kms:ViaService": "maybe"}}"#),
            Malformed,
            "\"maybe\" is not \"true\" or \"false\"",
        ),
        (
            condition(r#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/33"}}"#),
            Malformed,
            "is not an IPv4 or IPv6 address or CIDR block",
        ),
        (
            condition(r#"{"StringLike": {"s3:prefix": "home/${aws:username}/*"}}"#),
            Malformed,
            "policy variables such as ${aws:username}",
        ),
        (
            condition(r#"{"ForAllValues:StringEquals": {"kms:EncryptionContext:dept": "IT"}}"#),
            Malformed,
            "OverlyPermissiveCondition: Using the ForAllValues set operator with a single-valued condition key matches requests without the specified encryption context or with an unspecified encryption context. To fix, remove ForAllValues.",
        ),
        (
            condition(r#"{"ForAllValues:StringLikeIfExists": {"AWS:RequestTag/Project": "x*"}}"#),
            Malformed,
            "OverlyPermissiveCondition: Using the ForAllValues set operator with a single-valued condition key matches requests without the specified tag or with an unspecified tag.",
        ),
    ];
    for (text, kind, message) in &table {
        refuse(PolicyKind::Key, text, *kind, message);
    }
}

#[test]
fn identity_policies_name_no_principal_and_have_no_kms_size_limit() {
    refuse(
        PolicyKind::Identity,
        &allow_all(""),
        PolicyErrorKind::Malformed,
        "Statement[0]: an identity-based policy names no Principal or NotPrincipal",
    );
    let long_sid = "x".repeat(MAX_KEY_POLICY_BYTES);
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Sid": "{long_sid}", "Effect": "Allow", "Action": "kms:*", "Resource": "*"}}}}"#
    );
    assert!(PolicyDocument::parse_identity_policy(&text).is_ok());
    refuse(PolicyKind::Key, &text, PolicyErrorKind::TooLarge, "bytes");
}

#[test]
fn errors_map_to_aws_exceptions() {
    let too_large =
        PolicyDocument::parse_key_policy(&"x".repeat(MAX_KEY_POLICY_BYTES + 1)).unwrap_err();
    assert_eq!(too_large.aws_code(), "LimitExceededException");
    assert_eq!(too_large.to_kms_error().kind, crate::ErrorKind::LimitExceeded);
    let malformed = PolicyDocument::parse_key_policy("{}").unwrap_err();
    assert_eq!(malformed.aws_code(), "MalformedPolicyDocumentException");
    assert_eq!(malformed.to_kms_error().kind, crate::ErrorKind::MalformedPolicyDocument);
    assert_eq!(malformed.to_string(), "MalformedPolicyDocumentException: policy has no Statement");
}
