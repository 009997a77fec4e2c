//! Static analysis: for each finding kind, policies that trigger it and near-identical ones
//! that do not; AWS's default and console policies; order and JSON.

use serde_json::json;

use crate::id::{AccountId, Region};
use crate::policy::analyze::{
    Finding, FindingKind, GrantSummary, Location, Severity, analyze_key_policy, grant_findings,
};
use crate::policy::{PolicyDocument, default_key_policy, default_key_policy_for};

use FindingKind::{
    CrossAccountAccess as Cross, DestructiveActionToBroadPrincipal as Destructive, ExternalGrant,
    GrantCanRegrant, PrivilegeEscalation as Escalation, PublicAccess as Public,
    WildcardAction as Wildcard,
};
use Severity::{Critical, High, Medium};

const OWNER: u64 = 111_122_223_333;
const OTHER: u64 = 444_455_556_666;
const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ROLE: &str = "arn:aws:iam::111122223333:role/app";
const OTHER_ROLE: &str = "arn:aws:iam::444455556666:role/reader";

fn owner() -> AccountId {
    AccountId::new(OWNER).unwrap()
}

fn other() -> AccountId {
    AccountId::new(OTHER).unwrap()
}

/// A 2012-10-17 document of `statements`.
fn doc(statements: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#)
}

/// One Allow statement with Sid "S" on Resource "*"; `condition` is a `Condition` object or
/// empty.
fn allow(principal: &str, action: &str, condition: &str) -> String {
    let condition =
        if condition.is_empty() { String::new() } else { format!(r#", "Condition": {condition}"#) };
    doc(&format!(
        r#"{{"Sid": "S", "Effect": "Allow", "Principal": {principal}, "Action": {action}, "Resource": "*"{condition}}}"#
    ))
}

/// Everyone, Encrypt and Decrypt, if `condition` (empty: no condition).
fn everyone_if(condition: &str) -> String {
    allow(r#""*""#, r#"["kms:Encrypt", "kms:Decrypt"]"#, condition)
}

/// (statement index, kind, severity), in the order the analysis returns them.
type Expected = &'static [(usize, FindingKind, Severity)];

#[track_caller]
fn check(name: &str, policy: &str, expected: Expected) -> Vec<Finding> {
    let document = PolicyDocument::parse_key_policy(policy)
        .unwrap_or_else(|e| panic!("{name}: does not parse: {e}"));
    let findings = analyze_key_policy(&document, owner());
    let got: Vec<(usize, FindingKind, Severity)> =
        findings.iter().map(|f| (f.statement_index().unwrap(), f.kind, f.severity)).collect();
    assert_eq!(got, expected, "{name}: {findings:#?}");
    for finding in &findings {
        let location = finding.location.to_string();
        let sid = document.statements()[finding.statement_index().unwrap()].sid();
        if let Some(sid) = sid {
            assert!(location.contains(&format!("(Sid \"{sid}\")")), "{name}: {location}");
        }
        assert!(finding.message.starts_with(&location), "{name}: {}", finding.message);
        assert!(finding.suggestion.contains(&location), "{name}: {}", finding.suggestion);
        assert!(!finding.actions.is_empty(), "{name}: {finding:?}");
        assert!(!finding.principals.is_empty(), "{name}: {finding:?}");
    }
    assert_eq!(analyze_key_policy(&document, owner()), findings, "{name}: not deterministic");
    findings
}

#[test]
fn each_kind_with_a_near_miss() {
    let cond = |op: &str, key: &str, value: &str| format!(r#"{{"{op}": {{"{key}": {value}}}}}"#);
    let table: Vec<(&str, String, Expected)> = vec![
        // public-access
        ("everyone", everyone_if(""), &[(0, Public, Critical)]),
        (
            "everyone, AWS form",
            allow(r#"{"AWS": "*"}"#, r#"["kms:Encrypt", "kms:Decrypt"]"#, ""),
            &[(0, Public, Critical)],
        ),
        (
            "everyone in the key's account (kms:CallerAccount)",
            everyone_if(&cond("StringEquals", "kms:CallerAccount", r#""111122223333""#)),
            &[],
        ),
        (
            "operator and key in another case",
            everyone_if(&cond("stringequals", "KMS:CALLERACCOUNT", r#"["111122223333"]"#)),
            &[],
        ),
        (
            "aws:PrincipalAccount",
            everyone_if(&cond("StringEquals", "aws:PrincipalAccount", r#""111122223333""#)),
            &[],
        ),
        (
            "StringLike * pins nothing",
            everyone_if(&cond("StringLike", "kms:CallerAccount", r#""*""#)),
            &[(0, Public, Critical)],
        ),
        (
            "a wildcard account pins nothing",
            everyone_if(&cond("StringLike", "kms:CallerAccount", r#"["111122223333", "1111*"]"#)),
            &[(0, Public, Critical)],
        ),
        (
            "IfExists pins nothing",
            everyone_if(&cond("StringEqualsIfExists", "kms:CallerAccount", r#""111122223333""#)),
            &[(0, Public, Critical)],
        ),
        (
            "a negated operator pins nothing",
            everyone_if(&cond("StringNotEquals", "kms:CallerAccount", r#""444455556666""#)),
            &[(0, Public, Critical)],
        ),
        (
            "ForAllValues pins nothing",
            everyone_if(&cond(
                "ForAllValues:StringEquals",
                "kms:CallerAccount",
                r#""111122223333""#,
            )),
            &[(0, Public, Critical)],
        ),
        (
            "organization",
            everyone_if(&cond("StringEquals", "aws:PrincipalOrgID", r#""o-a1b2c3d4e5""#)),
            &[],
        ),
        (
            "organization pattern",
            everyone_if(&cond("StringLike", "aws:PrincipalOrgID", r#""o-*""#)),
            &[(0, Public, Critical)],
        ),
        (
            "principal ARN pattern with the account literal",
            everyone_if(&cond(
                "ArnLike",
                "aws:PrincipalArn",
                r#""arn:aws:iam::111122223333:role/*""#,
            )),
            &[],
        ),
        (
            "principal ARN StringLike with the account literal",
            everyone_if(&cond(
                "StringLike",
                "aws:PrincipalArn",
                r#""arn:aws:iam::111122223333:role/*""#,
            )),
            &[],
        ),
        (
            "principal ARN with any account",
            everyone_if(&cond("ArnLike", "aws:PrincipalArn", r#""arn:aws:iam::*:role/app""#)),
            &[(0, Public, Critical)],
        ),
        (
            "source account",
            everyone_if(&cond("StringEquals", "aws:SourceAccount", r#""111122223333""#)),
            &[],
        ),
        (
            "source ARN of a bucket (no account field, literal)",
            everyone_if(&cond("ArnEquals", "aws:SourceArn", r#""arn:aws:s3:::my-bucket""#)),
            &[],
        ),
        (
            "source ARN of any account",
            everyone_if(&cond("ArnLike", "aws:SourceArn", r#""arn:aws:sns:*:*:alerts""#)),
            &[(0, Public, Critical)],
        ),
        (
            "VPC endpoint",
            everyone_if(&cond("StringEquals", "aws:SourceVpce", r#""vpce-1a2b3c4d""#)),
            &[],
        ),
        (
            "kms:ViaService alone limits the path, not the caller",
            everyone_if(&cond("StringEquals", "kms:ViaService", r#""s3.us-east-1.amazonaws.com""#)),
            &[(0, Public, High)],
        ),
        (
            "kms:ViaService with kms:CallerAccount (AWS managed key pattern)",
            everyone_if(
                r#"{"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com", "kms:CallerAccount": "111122223333"}}"#,
            ),
            &[],
        ),
        (
            "source IP is not an identity",
            everyone_if(&cond("IpAddress", "aws:SourceIp", r#""203.0.113.0/24""#)),
            &[(0, Public, Critical)],
        ),
        (
            "a Deny for everyone is not access",
            doc(r#"{"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*"}"#),
            &[],
        ),
        (
            "everyone, but no KMS key action",
            allow(r#""*""#, r#"["s3:GetObject", "kms:CreateKey"]"#, ""),
            &[],
        ),
        // cross-account-access
        (
            "another account as a whole",
            allow(r#"{"AWS": "444455556666"}"#, r#"["kms:Encrypt", "kms:Decrypt"]"#, ""),
            &[(0, Cross, High)],
        ),
        (
            "another account, read-only",
            allow(
                r#"{"AWS": "arn:aws:iam::444455556666:root"}"#,
                r#"["kms:DescribeKey", "kms:GetPublicKey", "kms:List*"]"#,
                "",
            ),
            &[(0, Cross, Medium)],
        ),
        (
            "a role of another account",
            allow(&format!(r#"{{"AWS": "{OTHER_ROLE}"}}"#), r#""kms:Decrypt""#, ""),
            &[(0, Cross, High)],
        ),
        (
            "the key's own account",
            allow(r#"{"AWS": "111122223333"}"#, r#"["kms:Encrypt", "kms:Decrypt"]"#, ""),
            &[],
        ),
        (
            "a role of the key's account",
            allow(&format!(r#"{{"AWS": "{ROLE}"}}"#), r#"["kms:Encrypt", "kms:Decrypt"]"#, ""),
            &[],
        ),
        (
            "a service principal",
            allow(
                r#"{"Service": "logs.amazonaws.com"}"#,
                r#"["kms:Encrypt*", "kms:Decrypt*"]"#,
                "",
            ),
            &[],
        ),
        (
            "everyone pinned to another account",
            everyone_if(&cond("StringEquals", "kms:CallerAccount", r#""444455556666""#)),
            &[(0, Cross, High)],
        ),
        (
            "another account that its condition rules out",
            allow(
                r#"{"AWS": "444455556666"}"#,
                r#""kms:Decrypt""#,
                &cond("StringEquals", "kms:CallerAccount", r#""111122223333""#),
            ),
            &[],
        ),
        // wildcard-action (a condition keeps privilege-escalation out of these rows)
        (
            "kms:* to a role",
            allow(
                &format!(r#"{{"AWS": "{ROLE}"}}"#),
                r#""kms:*""#,
                &cond("Bool", "aws:SecureTransport", "true"),
            ),
            &[(0, Wildcard, Medium)],
        ),
        (
            "* to a role",
            allow(
                &format!(r#"{{"AWS": "{ROLE}"}}"#),
                r#""*""#,
                &cond("Bool", "aws:SecureTransport", "true"),
            ),
            &[(0, Wildcard, Medium)],
        ),
        (
            "NotAction to a role",
            doc(&format!(
                r#"{{"Sid": "S", "Effect": "Allow", "Principal": {{"AWS": "{ROLE}"}}, "NotAction": "kms:ScheduleKeyDeletion", "Resource": "*", "Condition": {{"Bool": {{"aws:SecureTransport": "true"}}}}}}"#
            )),
            &[(0, Wildcard, Medium)],
        ),
        (
            "kms:* to the account root and a role",
            allow(
                &format!(r#"{{"AWS": ["arn:aws:iam::111122223333:root", "{ROLE}"]}}"#),
                r#""kms:*""#,
                &cond("Bool", "aws:SecureTransport", "true"),
            ),
            &[(0, Wildcard, Medium)],
        ),
        (
            "kms:* to everyone in the key's account",
            everyone_if(&cond("StringEquals", "kms:CallerAccount", r#""111122223333""#))
                .replace(r#"["kms:Encrypt", "kms:Decrypt"]"#, r#""kms:*""#),
            &[(0, Wildcard, Medium)],
        ),
        (
            "kms:* to the account root only",
            allow(r#"{"AWS": "arn:aws:iam::111122223333:root"}"#, r#""kms:*""#, ""),
            &[],
        ),
        (
            "named actions to a role",
            allow(
                &format!(r#"{{"AWS": "{ROLE}"}}"#),
                r#"["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"]"#,
                &cond("Bool", "aws:SecureTransport", "true"),
            ),
            &[],
        ),
        // privilege-escalation
        (
            "CreateGrant to a role, no condition",
            allow(&format!(r#"{{"AWS": "{ROLE}"}}"#), r#"["kms:Encrypt", "kms:CreateGrant"]"#, ""),
            &[(0, Escalation, High)],
        ),
        (
            "CreateGrant only for AWS resources",
            allow(
                &format!(r#"{{"AWS": "{ROLE}"}}"#),
                r#"["kms:Encrypt", "kms:CreateGrant"]"#,
                &cond("Bool", "kms:GrantIsForAWSResource", "true"),
            ),
            &[],
        ),
        (
            "PutKeyPolicy through kms:Put* to a role",
            allow(&format!(r#"{{"AWS": "{ROLE}"}}"#), r#"["kms:Describe*", "kms:Put*"]"#, ""),
            &[(0, Escalation, High)],
        ),
        (
            "PutKeyPolicy to a role on the key's own ARN",
            doc(&format!(
                r#"{{"Sid": "S", "Effect": "Allow", "Principal": {{"AWS": "{ROLE}"}}, "Action": "kms:PutKeyPolicy", "Resource": "{KEY}"}}"#
            )),
            &[],
        ),
        (
            "PutKeyPolicy to the account root",
            allow(r#"{"AWS": "111122223333"}"#, r#""kms:PutKeyPolicy""#, ""),
            &[],
        ),
        (
            "kms:* to a role, no condition",
            allow(&format!(r#"{{"AWS": "{ROLE}"}}"#), r#""kms:*""#, ""),
            &[(0, Wildcard, Medium), (0, Escalation, High)],
        ),
        // destructive-action-to-broad-principal
        (
            "deletion to another account",
            allow(
                r#"{"AWS": "444455556666"}"#,
                r#"["kms:DisableKey", "kms:ScheduleKeyDeletion"]"#,
                "",
            ),
            &[(0, Cross, High), (0, Destructive, High)],
        ),
        (
            "deletion to everyone",
            allow(r#""*""#, r#""kms:ScheduleKeyDeletion""#, ""),
            &[(0, Public, Critical), (0, Destructive, Critical)],
        ),
        (
            "deletion to everyone in the key's account",
            allow(
                r#""*""#,
                r#""kms:ScheduleKeyDeletion""#,
                &cond("StringEquals", "kms:CallerAccount", r#""111122223333""#),
            ),
            &[],
        ),
        (
            "deletion to a role of the key's account",
            allow(
                &format!(r#"{{"AWS": "{ROLE}"}}"#),
                r#"["kms:DisableKey", "kms:ScheduleKeyDeletion"]"#,
                "",
            ),
            &[],
        ),
        (
            "everything to everyone",
            allow(r#""*""#, r#""kms:*""#, ""),
            &[
                (0, Public, Critical),
                (0, Wildcard, High),
                (0, Escalation, High),
                (0, Destructive, Critical),
            ],
        ),
    ];
    for (name, policy, expected) in &table {
        check(name, policy, expected);
    }
}

#[test]
fn default_policies_have_no_findings() {
    check("default key policy", &default_key_policy(owner()), &[]);
    let china = Region::from_static("cn-north-1");
    check("default key policy in aws-cn", &default_key_policy_for(china, owner()), &[]);
    // The same text for a key of another account names that account: cross-account.
    let document = PolicyDocument::parse_key_policy(&default_key_policy(other())).unwrap();
    let findings = analyze_key_policy(&document, owner());
    let kinds: Vec<FindingKind> = findings.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [Cross, Wildcard, Escalation, Destructive], "{findings:#?}");
}

/// The console's default policy with key administrators and key users (kms-facts §6), all
/// of the key's account.
fn console_policy() -> String {
    doc(r#"
        {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
         "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "Allow access for Key Administrators", "Effect": "Allow",
         "Principal": {"AWS": "arn:aws:iam::111122223333:role/KeyAdmin"},
         "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*",
                    "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*",
                    "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
                    "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand"],
         "Resource": "*"},
        {"Sid": "Allow use of the key", "Effect": "Allow",
         "Principal": {"AWS": ["arn:aws:iam::111122223333:role/KeyUser", "arn:aws:iam::111122223333:user/alice"]},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
         "Resource": "*"},
        {"Sid": "Allow attachment of persistent resources", "Effect": "Allow",
         "Principal": {"AWS": ["arn:aws:iam::111122223333:role/KeyUser", "arn:aws:iam::111122223333:user/alice"]},
         "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], "Resource": "*",
         "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}
    "#)
}

#[test]
fn console_policy_reports_only_the_administrators_escalation() {
    let findings = check("console policy", &console_policy(), &[(1, Escalation, High)]);
    let finding = &findings[0];
    assert_eq!(
        finding.location,
        Location::Statement {
            index: 1,
            sid: Some("Allow access for Key Administrators".to_owned())
        }
    );
    assert_eq!(finding.actions, ["kms:CreateGrant", "kms:PutKeyPolicy"]);
    assert_eq!(finding.principals, ["arn:aws:iam::111122223333:role/KeyAdmin"]);
    assert!(finding.external_accounts.is_empty());
    // Both actions come from wildcards (kms:Create*, kms:Put*): the fix says so.
    assert!(finding.suggestion.contains("kms:GrantIsForAWSResource"), "{}", finding.suggestion);
    assert!(finding.suggestion.contains("list the actions the principals need instead"));

    // Sharing the key-user statements with another account's role adds exactly that.
    let shared = console_policy().replace(
        r#"["arn:aws:iam::111122223333:role/KeyUser", "arn:aws:iam::111122223333:user/alice"]"#,
        &format!(r#"["arn:aws:iam::111122223333:role/KeyUser", "{OTHER_ROLE}"]"#),
    );
    let findings = check(
        "console policy shared",
        &shared,
        &[(1, Escalation, High), (2, Cross, High), (3, Cross, High)],
    );
    assert_eq!(findings[1].external_accounts, [other()]);
    assert_eq!(findings[1].principals, [OTHER_ROLE]);
    assert!(findings[1].message.contains("(that principal only)"), "{}", findings[1].message);
    // The grant statement gives the other account key-management actions: the fix names them.
    assert!(
        findings[2].suggestion.contains("(kms:CreateGrant, kms:RevokeGrant)"),
        "{}",
        findings[2].suggestion
    );
}

#[test]
fn cross_account_says_whole_account_or_principal() {
    let whole = check(
        "whole",
        &allow(
            &format!(
                r#"{{"AWS": ["444455556666", "{OTHER_ROLE}", "arn:aws:iam::777788889999:user/bob"]}}"#
            ),
            r#""kms:Decrypt""#,
            "",
        ),
        &[(0, Cross, High)],
    );
    let finding = &whole[0];
    assert_eq!(finding.external_accounts, [other(), AccountId::new(777_788_889_999).unwrap()]);
    assert!(finding.message.contains("account 444455556666 as a whole"), "{}", finding.message);
    assert!(finding.message.contains("arn:aws:iam::777788889999:user/bob (that principal only)"));
    assert!(finding.suggestion.contains("name the role ARN instead of the account"));
    assert!(finding.suggestion.contains("arn:aws:iam::444455556666:role/<role-name>"));
    assert!(finding.suggestion.contains("kms:EncryptionContext"), "{}", finding.suggestion);
    assert_eq!(finding.actions, ["kms:Decrypt"]);

    // A statement without Sid is named by its index.
    let no_sid = doc(
        r#"{"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "kms:Encrypt", "Resource": "*"}"#,
    );
    let findings = check("no sid", &no_sid, &[(0, Cross, High)]);
    assert!(findings[0].message.starts_with("Statement[0] allows"), "{}", findings[0].message);
}

#[test]
fn public_message_and_fix() {
    let findings = check("public", &everyone_if(""), &[(0, Public, Critical)]);
    let finding = &findings[0];
    assert_eq!(finding.principals, ["*"]);
    assert_eq!(finding.actions, ["kms:Decrypt", "kms:Encrypt"]);
    assert!(finding.suggestion.contains("StringEquals kms:CallerAccount = 111122223333"));
    let via = check(
        "via",
        &everyone_if(r#"{"StringLike": {"kms:ViaService": "ec2.*.amazonaws.com"}}"#),
        &[(0, Public, High)],
    );
    assert!(via[0].message.contains("through ec2.*.amazonaws.com"), "{}", via[0].message);
    assert!(via[0].suggestion.contains("kms:CallerAccount = 111122223333"));
}

#[test]
fn wildcard_fix_names_the_actions() {
    let findings = check(
        "wildcard",
        &allow(
            &format!(r#"{{"AWS": "{ROLE}"}}"#),
            r#""kms:*""#,
            r#"{"Bool": {"aws:SecureTransport": "true"}}"#,
        ),
        &[(0, Wildcard, Medium)],
    );
    let suggestion = &findings[0].suggestion;
    assert!(suggestion.contains(r#"replace Action "kms:*" with"#), "{suggestion}");
    assert!(suggestion.contains("kms:Encrypt, kms:Decrypt, kms:GenerateDataKey*"), "{suggestion}");
    assert!(findings[0].message.contains("including kms:PutKeyPolicy"), "{}", findings[0].message);
}

#[test]
fn order_is_by_statement_then_kind() {
    // Statements in an order whose findings' kinds are not sorted by statement.
    let policy = doc(&format!(
        r#"{{"Sid": "Delete", "Effect": "Allow", "Principal": {{"AWS": "444455556666"}}, "Action": "kms:ScheduleKeyDeletion", "Resource": "*"}},
           {{"Sid": "Root", "Effect": "Allow", "Principal": {{"AWS": "111122223333"}}, "Action": "kms:*", "Resource": "*"}},
           {{"Sid": "All", "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}},
           {{"Sid": "Grant", "Effect": "Allow", "Principal": {{"AWS": "{ROLE}"}}, "Action": "kms:CreateGrant", "Resource": "*"}},
           {{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}}"#
    ));
    let findings = check(
        "order",
        &policy,
        &[
            (0, Cross, High),
            (0, Destructive, High),
            (2, Public, Critical),
            (2, Wildcard, High),
            (2, Escalation, High),
            (2, Destructive, Critical),
            (3, Escalation, High),
            (4, Public, Critical),
        ],
    );
    let json = serde_json::to_string(&findings).unwrap();
    let document = PolicyDocument::parse_key_policy(&policy).unwrap();
    let again = serde_json::to_string(&analyze_key_policy(&document, owner())).unwrap();
    assert_eq!(json, again);
}

#[test]
fn findings_serialize_for_a_cli() {
    let findings = check(
        "json",
        &allow(r#"{"AWS": "444455556666"}"#, r#""kms:Decrypt""#, ""),
        &[(0, Cross, High)],
    );
    let value = serde_json::to_value(&findings[0]).unwrap();
    assert_eq!(value["kind"], "cross-account-access");
    assert_eq!(value["severity"], "high");
    assert_eq!(value["location"], json!({"type": "statement", "index": 0, "sid": "S"}));
    assert_eq!(value["external_accounts"], json!(["444455556666"]));
    assert_eq!(value["principals"], json!(["444455556666"]));
    assert_eq!(value["actions"], json!(["kms:Decrypt"]));
    assert!(value["message"].as_str().unwrap().starts_with(r#"Statement[0] (Sid "S")"#));
    let shown = findings[0].to_string();
    assert!(shown.starts_with("[high] cross-account-access: Statement[0]"), "{shown}");

    let names: Vec<&str> = FindingKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "public-access",
            "cross-account-access",
            "wildcard-action",
            "privilege-escalation",
            "destructive-action-to-broad-principal",
            "external-grant",
            "grant-can-regrant",
        ]
    );
    assert!(Medium < High && High < Critical);
}

/// (name, grantee, operations, has constraints, expected findings).
type GrantRow =
    (&'static str, &'static str, &'static [&'static str], bool, &'static [(FindingKind, Severity)]);

#[test]
fn grants() {
    const ID: &str = "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60";
    let table: Vec<GrantRow> = vec![
        ("external use", OTHER_ROLE, &["Decrypt", "Encrypt"], false, &[(ExternalGrant, High)]),
        ("external read-only", OTHER_ROLE, &["DescribeKey"], false, &[(ExternalGrant, Medium)]),
        ("own role", ROLE, &["Decrypt", "Encrypt"], false, &[]),
        (
            "own role regrants",
            ROLE,
            &["Decrypt", "CreateGrant"],
            false,
            &[(GrantCanRegrant, Medium)],
        ),
        ("own role regrants, constrained", ROLE, &["Decrypt", "CreateGrant"], true, &[]),
        (
            "external regrants",
            "arn:aws:sts::444455556666:assumed-role/reader/s1",
            &["kms:Decrypt", "kms:CreateGrant"],
            false,
            &[(ExternalGrant, High), (GrantCanRegrant, High)],
        ),
        ("external, constrained", OTHER_ROLE, &["Decrypt"], true, &[(ExternalGrant, High)]),
        ("service grantee", "s3.amazonaws.com", &["Decrypt", "CreateGrant"], true, &[]),
    ];
    for (name, grantee, operations, has_constraints, expected) in table {
        let grant =
            GrantSummary { grant_id: ID, grantee_principal: grantee, operations, has_constraints };
        let findings = grant_findings(&grant, owner());
        let got: Vec<(FindingKind, Severity)> =
            findings.iter().map(|f| (f.kind, f.severity)).collect();
        assert_eq!(got, expected, "{name}: {findings:#?}");
        for finding in &findings {
            assert_eq!(finding.location, Location::Grant { grant_id: ID.to_owned() }, "{name}");
            assert_eq!(finding.statement_index(), None);
            assert!(finding.message.contains(ID), "{name}: {}", finding.message);
            assert!(finding.suggestion.contains(ID), "{name}: {}", finding.suggestion);
            if finding.kind == ExternalGrant {
                assert_eq!(finding.external_accounts, [other()], "{name}");
                assert_eq!(
                    finding.suggestion.contains("EncryptionContextSubset"),
                    !has_constraints,
                    "{name}: {}",
                    finding.suggestion
                );
            }
        }
    }
}
