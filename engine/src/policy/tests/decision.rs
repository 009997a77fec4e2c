//! The decision table: (key policy, identity policies, grant, caller, action, request values)
//! → decision, one row per rule of KMS's authorization and per condition operator (each
//! with a request that satisfies it and one that does not).

use std::net::IpAddr;

use crate::id::AccountId;
use crate::policy::{
    Caller, ContextValue, Decision, PolicyDocument, PolicySet, PolicyType, RequestContext,
    StatementRef, check_lockout, default_key_policy, default_key_policy_for, evaluate,
    evaluate_identity_only,
};
use crate::time::Timestamp;

const OWNER: u64 = 111_122_223_333;
const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ROOT: &str = "arn:aws:iam::111122223333:root";
const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
const APP: &str = "arn:aws:sts::111122223333:assumed-role/app/s1";
const EVE: &str = "arn:aws:iam::444455556666:user/eve";
const OTHER_ROOT: &str = "arn:aws:iam::444455556666:root";
/// A caller name starting with `service:` is a service principal.
const S3: &str = "service:s3.amazonaws.com";

const ALLOW: Decision = Decision::Allow;
const NO_KEY_POLICY: Decision = Decision::ImplicitDeny(PolicyType::ResourceBased);
const NO_IDENTITY_POLICY: Decision = Decision::ImplicitDeny(PolicyType::IdentityBased);

const fn key_deny(statement_index: usize) -> Decision {
    Decision::ExplicitDeny(StatementRef {
        policy_type: PolicyType::ResourceBased,
        policy_index: 0,
        statement_index,
    })
}

const fn identity_deny(policy_index: usize, statement_index: usize) -> Decision {
    Decision::ExplicitDeny(StatementRef {
        policy_type: PolicyType::IdentityBased,
        policy_index,
        statement_index,
    })
}

fn owner() -> AccountId {
    AccountId::new(OWNER).unwrap()
}

/// A 2012-10-17 document of `statements`.
fn doc(statements: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#)
}

/// The key policy allowing Alice everything, if `condition` holds.
fn alice_if(condition: &str) -> String {
    doc(&format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "{ALICE}"}}, "Action": "kms:*", "Resource": "*", "Condition": {condition}}}"#
    ))
}

/// An identity policy allowing `action` on every resource.
fn iam_allow(action: &str) -> String {
    doc(&format!(r#"{{"Effect": "Allow", "Action": "{action}", "Resource": "*"}}"#))
}

fn caller(name: &str) -> Caller<'static> {
    match name.strip_prefix("service:") {
        Some(service) => Caller::service(service).into_owned(),
        None => Caller::from_principal(&name.parse().unwrap()).into_owned(),
    }
}

fn at(iso: &str) -> Timestamp {
    let nanos = super::super::condition::parse_date(iso).unwrap();
    Timestamp::from_unix_nanos(u64::try_from(nanos).unwrap())
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

type With = for<'a> fn(RequestContext<'a>) -> RequestContext<'a>;

struct Row {
    name: &'static str,
    key_policy: String,
    identity_policies: Vec<String>,
    grant_allows: bool,
    caller: &'static str,
    action: &'static str,
    with: With,
    expected: Decision,
}

impl Row {
    fn new(
        name: &'static str,
        key_policy: String,
        caller: &'static str,
        expected: Decision,
    ) -> Self {
        Self {
            name,
            key_policy,
            identity_policies: Vec::new(),
            grant_allows: false,
            caller,
            action: "kms:Encrypt",
            with: |ctx| ctx,
            expected,
        }
    }

    fn iam(mut self, policy: String) -> Self {
        self.identity_policies.push(policy);
        self
    }

    const fn grant(mut self) -> Self {
        self.grant_allows = true;
        self
    }

    const fn action(mut self, action: &'static str) -> Self {
        self.action = action;
        self
    }

    const fn with(mut self, with: With) -> Self {
        self.with = with;
        self
    }
}

#[track_caller]
fn check(row: &Row) {
    let key_policy = PolicyDocument::parse_key_policy(&row.key_policy)
        .unwrap_or_else(|e| panic!("{}: key policy: {e}", row.name));
    let identity_policies: Vec<PolicyDocument> = row
        .identity_policies
        .iter()
        .map(|p| {
            PolicyDocument::parse_identity_policy(p)
                .unwrap_or_else(|e| panic!("{}: identity policy: {e}", row.name))
        })
        .collect();
    let ctx = (row.with)(RequestContext::new(caller(row.caller), row.action, KEY));
    let policies = PolicySet {
        key_policy: &key_policy,
        key_account: owner(),
        identity_policies: &identity_policies,
        grant_allows: row.grant_allows,
    };
    let decision = evaluate(&policies, &ctx);
    assert_eq!(decision, row.expected, "{}", row.name);
    // The same inputs, built again with a caller borrowed from its principal (whose role
    // ARN is compared piece by piece, not built), decide the same.
    let principal = row
        .caller
        .strip_prefix("service:")
        .is_none()
        .then(|| row.caller.parse::<crate::id::PrincipalArn>().unwrap());
    let borrowed = match (&principal, row.caller.strip_prefix("service:")) {
        (Some(principal), _) => Caller::from_principal(principal),
        (None, service) => Caller::service(service.unwrap_or_default()),
    };
    let again = (row.with)(RequestContext::new(borrowed, row.action, KEY));
    assert_eq!(evaluate(&policies, &again), decision, "{}: not deterministic", row.name);
    if let Decision::ExplicitDeny(statement) = decision {
        let statement = policies.statement(statement);
        assert!(statement.is_some(), "{}: the deny names no statement", row.name);
    }
}

#[expect(clippy::too_many_lines, reason = "one row per rule: the table is the specification")]
fn principal_rows() -> Vec<Row> {
    let default = default_key_policy(owner());
    let allow_alice = doc(&format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "{ALICE}"}}, "Action": "kms:*", "Resource": "*"}}"#
    ));
    let allow_role = doc(
        r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": "kms:*", "Resource": "*"}"#,
    );
    let allow_other_account = doc(
        r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
           {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}"#,
    );
    let allow_eve = doc(&format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "{EVE}"}}, "Action": "kms:Encrypt", "Resource": "*"}}"#
    ));
    let allow_everyone =
        doc(r#"{"Effect": "Allow", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*"}"#);
    let allow_s3 = doc(
        r#"{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "kms:Decrypt", "Resource": "*"}"#,
    );
    let root_and_deny_alice = doc(&format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "{ROOT}"}}, "Action": "kms:*", "Resource": "*"}},
           {{"Sid": "NoAlice", "Effect": "Deny", "Principal": {{"AWS": "{ALICE}"}}, "Action": "kms:Encrypt", "Resource": "*"}}"#
    ));
    let deny_account_deletion = doc(
        r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:*", "Resource": "*"},
           {"Effect": "Deny", "Principal": {"AWS": "111122223333"}, "Action": "kms:ScheduleKeyDeletion", "Resource": "*"}"#,
    );
    let deny_everyone_encrypt =
        doc(r#"{"Effect": "Deny", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*"},
           {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}"#);
    let not_principal = |listed: &str| {
        doc(&format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": "{ROOT}"}}, "Action": "kms:*", "Resource": "*"}},
               {{"Effect": "Deny", "NotPrincipal": {{"AWS": [{listed}]}}, "Action": "kms:Decrypt", "Resource": "*"}}"#
        ))
    };
    let not_action = doc(&format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "{ALICE}"}}, "NotAction": "kms:ScheduleKeyDeletion", "Resource": "*"}}"#
    ));
    let deny_not_action = doc(&format!(
        r#"{{"Effect": "Deny", "Principal": "*", "NotAction": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}},
           {{"Effect": "Allow", "Principal": {{"AWS": "{ALICE}"}}, "Action": "kms:*", "Resource": "*"}}"#
    ));
    let not_resource = |resource: &str| {
        doc(&format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": "{ALICE}"}}, "Action": "kms:*", "NotResource": "{resource}"}}"#
        ))
    };
    let alice_action = |action: &str| {
        doc(&format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": "{ALICE}"}}, "Action": "{action}", "Resource": "*"}}"#
        ))
    };
    let alice_resource = |resource: &str| {
        doc(&format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": "{ALICE}"}}, "Action": "kms:*", "Resource": "{resource}"}}"#
        ))
    };
    let iam_resource = |resource: &str, negated: bool| {
        let element = if negated { "NotResource" } else { "Resource" };
        doc(&format!(r#"{{"Effect": "Allow", "Action": "kms:*", "{element}": "{resource}"}}"#))
    };
    let iam_allow_and_deny_encrypt =
        doc(r#"{"Effect": "Allow", "Action": "kms:*", "Resource": "*"},
           {"Effect": "Deny", "Action": "kms:Encrypt", "Resource": "*"}"#);
    vec![
        // The default key policy: the root user directly, everyone else through IAM.
        Row::new(
            "default policy, user without IAM policy",
            default.clone(),
            ALICE,
            NO_IDENTITY_POLICY,
        ),
        Row::new("default policy, user with IAM allow", default.clone(), ALICE, ALLOW)
            .iam(iam_allow("kms:Encrypt")),
        Row::new(
            "default policy, IAM allows another action",
            default.clone(),
            ALICE,
            NO_IDENTITY_POLICY,
        )
        .iam(iam_allow("kms:Decrypt")),
        Row::new("default policy, IAM allows with a wildcard", default.clone(), APP, ALLOW)
            .iam(iam_allow("kms:*")),
        Row::new("default policy, root user needs no IAM policy", default.clone(), ROOT, ALLOW),
        Row::new("default policy, second IAM policy allows", default.clone(), ALICE, ALLOW)
            .iam(iam_allow("kms:Decrypt"))
            .iam(iam_allow("kms:Encrypt")),
        Row::new("default policy, grant alone allows", default.clone(), ALICE, ALLOW).grant(),
        // Explicit denies win, wherever they are.
        Row::new(
            "identity policy deny beats its own allow",
            default.clone(),
            ALICE,
            identity_deny(0, 1),
        )
        .iam(iam_allow_and_deny_encrypt.clone()),
        Row::new(
            "identity policy deny in the second policy",
            default.clone(),
            ALICE,
            identity_deny(1, 1),
        )
        .iam(iam_allow("kms:Encrypt"))
        .iam(iam_allow_and_deny_encrypt.clone()),
        Row::new(
            "identity deny beats a direct key-policy allow",
            allow_alice.clone(),
            ALICE,
            identity_deny(0, 1),
        )
        .iam(iam_allow_and_deny_encrypt.clone()),
        Row::new(
            "identity deny without IAM enabled by the key policy",
            allow_role.clone(),
            APP,
            identity_deny(0, 1),
        )
        .iam(iam_allow_and_deny_encrypt),
        Row::new("key policy deny names the user", root_and_deny_alice.clone(), ALICE, key_deny(1))
            .iam(iam_allow("kms:*")),
        Row::new("key policy deny spares other users", root_and_deny_alice.clone(), APP, ALLOW)
            .iam(iam_allow("kms:*")),
        Row::new("key policy deny spares other actions", root_and_deny_alice, ALICE, ALLOW)
            .iam(iam_allow("kms:*"))
            .action("kms:Decrypt"),
        Row::new(
            "deny naming the account denies its roles",
            deny_account_deletion.clone(),
            APP,
            key_deny(1),
        )
        .iam(iam_allow("kms:*"))
        .action("kms:ScheduleKeyDeletion"),
        Row::new(
            "deny naming the account denies its root",
            deny_account_deletion,
            ROOT,
            key_deny(1),
        )
        .action("kms:ScheduleKeyDeletion"),
        Row::new("explicit deny beats a grant", deny_everyone_encrypt.clone(), ALICE, key_deny(0))
            .grant(),
        Row::new(
            "explicit deny beats a direct allow",
            deny_everyone_encrypt.clone(),
            ALICE,
            key_deny(0),
        ),
        Row::new("deny * denies services too", deny_everyone_encrypt, S3, key_deny(0)),
        // A key policy that names principals directly.
        Row::new("direct allow needs no IAM policy", allow_alice, ALICE, ALLOW),
        Row::new("role ARN matches its sessions", allow_role.clone(), APP, ALLOW),
        Row::new(
            "without the account statement IAM policies do not allow",
            allow_role.clone(),
            ALICE,
            NO_KEY_POLICY,
        )
        .iam(iam_allow("kms:*")),
        Row::new(
            "without the account statement the root user is denied",
            allow_role,
            ROOT,
            NO_KEY_POLICY,
        ),
        Row::new("principal * in the same account", allow_everyone.clone(), ALICE, ALLOW),
        // Cross-account: both the key policy and the caller's identity policy (or a grant).
        Row::new("default policy refuses another account", default.clone(), EVE, NO_KEY_POLICY)
            .iam(iam_allow("kms:*")),
        Row::new(
            "other account allowed by the key policy, no IAM policy",
            allow_other_account.clone(),
            EVE,
            NO_IDENTITY_POLICY,
        ),
        Row::new("other account allowed by both", allow_other_account.clone(), EVE, ALLOW)
            .iam(iam_allow("kms:Encrypt")),
        Row::new(
            "other account, action the key policy does not allow",
            allow_other_account.clone(),
            EVE,
            NO_KEY_POLICY,
        )
        .iam(iam_allow("kms:*"))
        .action("kms:DisableKey"),
        Row::new(
            "other account's root needs no IAM policy",
            allow_other_account,
            OTHER_ROOT,
            ALLOW,
        ),
        Row::new(
            "other-account user named directly, no IAM policy",
            allow_eve.clone(),
            EVE,
            NO_IDENTITY_POLICY,
        ),
        Row::new("other-account user named directly, with IAM policy", allow_eve, EVE, ALLOW)
            .iam(iam_allow("kms:Encrypt")),
        Row::new(
            "principal * from another account needs IAM",
            allow_everyone.clone(),
            EVE,
            NO_IDENTITY_POLICY,
        ),
        Row::new("principal * from another account with IAM", allow_everyone.clone(), EVE, ALLOW)
            .iam(iam_allow("kms:*")),
        Row::new("grant allows another account", default.clone(), EVE, ALLOW).grant(),
        // Service principals.
        Row::new("service named in the key policy", allow_s3.clone(), S3, ALLOW)
            .action("kms:Decrypt"),
        Row::new("service, action not allowed", allow_s3, S3, NO_KEY_POLICY),
        Row::new("account statement does not name services", default.clone(), S3, NO_KEY_POLICY),
        Row::new("service with a grant", default, S3, ALLOW).grant(),
        Row::new("principal * names services", allow_everyone, S3, ALLOW),
        // NotPrincipal (Deny only): excluded only when the account and the principal are both listed.
        Row::new(
            "NotPrincipal lists user and account",
            not_principal(&format!(r#""{ALICE}", "111122223333""#)),
            ALICE,
            ALLOW,
        )
        .iam(iam_allow("kms:Decrypt"))
        .action("kms:Decrypt"),
        Row::new(
            "NotPrincipal denies everyone else",
            not_principal(&format!(r#""{ALICE}", "111122223333""#)),
            APP,
            key_deny(1),
        )
        .iam(iam_allow("kms:Decrypt"))
        .action("kms:Decrypt"),
        Row::new(
            "NotPrincipal without the account still denies",
            not_principal(&format!(r#""{ALICE}""#)),
            ALICE,
            key_deny(1),
        )
        .iam(iam_allow("kms:Decrypt"))
        .action("kms:Decrypt"),
        Row::new(
            "NotPrincipal role covers its sessions",
            not_principal(r#""arn:aws:iam::111122223333:role/app", "111122223333""#),
            APP,
            ALLOW,
        )
        .iam(iam_allow("kms:Decrypt"))
        .action("kms:Decrypt"),
        Row::new(
            "NotPrincipal leaves other actions alone",
            not_principal(&format!(r#""{ALICE}""#)),
            ALICE,
            ALLOW,
        )
        .iam(iam_allow("kms:*")),
        // NotAction, NotResource, wildcards, missing elements.
        Row::new("NotAction allows what it does not list", not_action.clone(), ALICE, ALLOW),
        Row::new("NotAction excludes what it lists", not_action, ALICE, NO_KEY_POLICY)
            .action("kms:ScheduleKeyDeletion"),
        Row::new("Deny NotAction spares the listed actions", deny_not_action.clone(), ALICE, ALLOW),
        Row::new("Deny NotAction denies the rest", deny_not_action, ALICE, key_deny(0))
            .action("kms:DisableKey"),
        Row::new(
            "NotResource: another key is excluded",
            not_resource("arn:aws:kms:*:111122223333:key/other"),
            ALICE,
            ALLOW,
        ),
        Row::new(
            "NotResource: this key is excluded",
            not_resource("arn:aws:kms:*:111122223333:key/*"),
            ALICE,
            NO_KEY_POLICY,
        ),
        Row::new(
            "Resource ARN pattern matches the key",
            alice_resource("arn:aws:kms:us-*:111122223333:key/*"),
            ALICE,
            ALLOW,
        ),
        Row::new(
            "Resource ARN pattern for another account",
            alice_resource("arn:aws:kms:*:444455556666:key/*"),
            ALICE,
            NO_KEY_POLICY,
        ),
        Row::new(
            "identity Resource names the key's account",
            default_key_policy(owner()),
            ALICE,
            ALLOW,
        )
        .iam(iam_resource("arn:aws:kms:us-east-1:111122223333:key/*", false)),
        Row::new(
            "identity Resource names another key",
            default_key_policy(owner()),
            ALICE,
            NO_IDENTITY_POLICY,
        )
        .iam(iam_resource("arn:aws:kms:us-east-1:111122223333:key/other", false)),
        Row::new(
            "identity NotResource names the key",
            default_key_policy(owner()),
            ALICE,
            NO_IDENTITY_POLICY,
        )
        .iam(iam_resource("arn:aws:kms:*:*:key/1234abcd-*", true)),
        Row::new("action prefix wildcard", alice_action("kms:Get*"), ALICE, ALLOW)
            .action("kms:GetKeyPolicy"),
        Row::new(
            "action prefix wildcard, other action",
            alice_action("kms:Get*"),
            ALICE,
            NO_KEY_POLICY,
        ),
        Row::new("action match ignores case", alice_action("KMS:encrypt"), ALICE, ALLOW),
        Row::new("action ? wildcard", alice_action("kms:?ncrypt"), ALICE, ALLOW),
        Row::new("action inner wildcard", alice_action("kms:*Key*"), ALICE, ALLOW)
            .action("kms:DescribeKey"),
        Row::new(
            "action inner wildcard, no match",
            alice_action("kms:*Key*"),
            ALICE,
            NO_KEY_POLICY,
        ),
        Row::new("action * of every service", alice_action("*"), ALICE, ALLOW),
        Row::new("another service's action", alice_action("s3:*"), ALICE, NO_KEY_POLICY),
        Row::new(
            "statement without Action matches nothing",
            doc(&format!(
                r#"{{"Effect": "Allow", "Principal": {{"AWS": "{ALICE}"}}, "Resource": "*"}}"#
            )),
            ALICE,
            NO_KEY_POLICY,
        ),
        Row::new(
            "deny without Resource denies nothing",
            doc(&format!(
                r#"{{"Effect": "Deny", "Principal": "*", "Action": "kms:*"}}, {{"Effect": "Allow", "Principal": {{"AWS": "{ALICE}"}}, "Action": "kms:*", "Resource": "*"}}"#
            )),
            ALICE,
            ALLOW,
        ),
        Row::new("empty key policy", doc(""), ROOT, NO_KEY_POLICY),
    ]
}

#[test]
fn principals_and_policy_types() {
    for row in principal_rows() {
        check(&row);
    }
}

/// A row where the key policy allows Alice directly under `condition`: `expected` is
/// whether the request built by `with` is allowed.
fn cond(name: &'static str, condition: &str, with: With, allowed: bool) -> Row {
    Row::new(name, alice_if(condition), ALICE, if allowed { ALLOW } else { NO_KEY_POLICY })
        .with(with)
}

#[expect(
    clippy::too_many_lines,
    reason = "one row per operator and case: the table is the specification"
)]
fn condition_rows() -> Vec<Row> {
    vec![
        // String operators.
        cond(
            "StringEquals matches",
            r#"{"StringEquals": {"kms:EncryptionContext:dept": "IT"}}"#,
            |c| c.with_encryption_context([("dept", "IT")]),
            true,
        ),
        cond(
            "StringEquals is case-sensitive in the value",
            r#"{"StringEquals": {"kms:EncryptionContext:dept": "IT"}}"#,
            |c| c.with_encryption_context([("dept", "it")]),
            false,
        ),
        cond(
            "StringEquals on an absent key",
            r#"{"StringEquals": {"kms:EncryptionContext:dept": "IT"}}"#,
            |c| c,
            false,
        ),
        cond(
            "StringEquals ORs its values",
            r#"{"StringEquals": {"kms:EncryptionContext:dept": ["HR", "IT"]}}"#,
            |c| c.with_encryption_context([("dept", "IT")]),
            true,
        ),
        cond(
            "StringNotEquals: none of the values",
            r#"{"StringNotEquals": {"kms:EncryptionContext:dept": ["HR", "Legal"]}}"#,
            |c| c.with_encryption_context([("dept", "IT")]),
            true,
        ),
        cond(
            "StringNotEquals: one of the values",
            r#"{"StringNotEquals": {"kms:EncryptionContext:dept": ["HR", "Legal"]}}"#,
            |c| c.with_encryption_context([("dept", "Legal")]),
            false,
        ),
        cond(
            "StringNotEquals on an absent key is true",
            r#"{"StringNotEquals": {"kms:EncryptionContext:dept": "HR"}}"#,
            |c| c,
            true,
        ),
        cond(
            "StringEqualsIgnoreCase matches",
            r#"{"StringEqualsIgnoreCase": {"kms:ViaService": "S3.US-EAST-1.AMAZONAWS.COM"}}"#,
            |c| c.with_via_service("s3.us-east-1.amazonaws.com"),
            true,
        ),
        cond(
            "StringEqualsIgnoreCase, other value",
            r#"{"StringEqualsIgnoreCase": {"kms:ViaService": "S3.US-EAST-1.AMAZONAWS.COM"}}"#,
            |c| c.with_via_service("ec2.us-east-1.amazonaws.com"),
            false,
        ),
        cond(
            "StringEqualsIgnoreCase folds Latin-1",
            r#"{"StringEqualsIgnoreCase": {"kms:EncryptionContext:city": "ZÜRICH"}}"#,
            |c| c.with_encryption_context([("city", "zürich")]),
            true,
        ),
        cond(
            "StringNotEqualsIgnoreCase, other value",
            r#"{"StringNotEqualsIgnoreCase": {"kms:ViaService": "EC2.US-EAST-1.AMAZONAWS.COM"}}"#,
            |c| c.with_via_service("s3.us-east-1.amazonaws.com"),
            true,
        ),
        cond(
            "StringNotEqualsIgnoreCase, same value",
            r#"{"StringNotEqualsIgnoreCase": {"kms:ViaService": "EC2.US-EAST-1.AMAZONAWS.COM"}}"#,
            |c| c.with_via_service("ec2.us-east-1.amazonaws.com"),
            false,
        ),
        cond(
            "StringLike matches",
            r#"{"StringLike": {"kms:ViaService": "*.us-east-1.amazonaws.com"}}"#,
            |c| c.with_via_service("s3.us-east-1.amazonaws.com"),
            true,
        ),
        cond(
            "StringLike, no match",
            r#"{"StringLike": {"kms:ViaService": "*.us-east-1.amazonaws.com"}}"#,
            |c| c.with_via_service("s3.us-west-2.amazonaws.com"),
            false,
        ),
        cond(
            "StringLike ? takes one character",
            r#"{"StringLike": {"kms:RequestAlias": "alias/db-?"}}"#,
            |c| c.with_request_alias("alias/db-1"),
            true,
        ),
        cond(
            "StringLike ? takes exactly one",
            r#"{"StringLike": {"kms:RequestAlias": "alias/db-?"}}"#,
            |c| c.with_request_alias("alias/db-12"),
            false,
        ),
        cond(
            "StringNotLike, no match",
            r#"{"StringNotLike": {"kms:RequestAlias": "alias/prod-*"}}"#,
            |c| c.with_request_alias("alias/dev-db"),
            true,
        ),
        cond(
            "StringNotLike, match",
            r#"{"StringNotLike": {"kms:RequestAlias": "alias/prod-*"}}"#,
            |c| c.with_request_alias("alias/prod-db"),
            false,
        ),
        // ARN operators.
        cond(
            "ArnEquals matches",
            &format!(r#"{{"ArnEquals": {{"aws:PrincipalArn": "{ALICE}"}}}}"#),
            |c| c,
            true,
        ),
        cond(
            "ArnEquals, other ARN",
            r#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/bob"}}"#,
            |c| c,
            false,
        ),
        cond(
            "ArnLike matches part by part",
            r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/al*"}}"#,
            |c| c,
            true,
        ),
        cond(
            "ArnLike, no match",
            r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}"#,
            |c| c,
            false,
        ),
        cond(
            "ArnNotEquals, other ARN",
            r#"{"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/bob"}}"#,
            |c| c,
            true,
        ),
        cond(
            "ArnNotEquals, same ARN",
            &format!(r#"{{"ArnNotEquals": {{"aws:PrincipalArn": "{ALICE}"}}}}"#),
            |c| c,
            false,
        ),
        cond(
            "ArnNotLike, no match",
            r#"{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::444455556666:*"}}"#,
            |c| c,
            true,
        ),
        cond(
            "ArnNotLike, match",
            r#"{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:*"}}"#,
            |c| c,
            false,
        ),
        // Bool.
        cond(
            "Bool true",
            r#"{"Bool": {"kms:MultiRegion": "true"}}"#,
            |c| c.with_multi_region(true),
            true,
        ),
        cond(
            "Bool, other value",
            r#"{"Bool": {"kms:MultiRegion": "true"}}"#,
            |c| c.with_multi_region(false),
            false,
        ),
        cond(
            "Bool with a JSON boolean",
            r#"{"Bool": {"kms:GrantIsForAWSResource": false}}"#,
            |c| c.with_grant_is_for_aws_resource(false),
            true,
        ),
        // Numeric operators.
        cond(
            "NumericEquals",
            r#"{"NumericEquals": {"kms:RotationPeriodInDays": 90}}"#,
            |c| c.with_rotation_period_in_days(90),
            true,
        ),
        cond(
            "NumericEquals, other number",
            r#"{"NumericEquals": {"kms:RotationPeriodInDays": 90}}"#,
            |c| c.with_rotation_period_in_days(180),
            false,
        ),
        cond(
            "NumericNotEquals, none of them",
            r#"{"NumericNotEquals": {"kms:RotationPeriodInDays": ["90", "365"]}}"#,
            |c| c.with_rotation_period_in_days(180),
            true,
        ),
        cond(
            "NumericNotEquals, one of them",
            r#"{"NumericNotEquals": {"kms:RotationPeriodInDays": ["90", "365"]}}"#,
            |c| c.with_rotation_period_in_days(365),
            false,
        ),
        cond(
            "NumericLessThan",
            r#"{"NumericLessThan": {"kms:ScheduleKeyDeletionPendingWindowInDays": "30"}}"#,
            |c| c.with_schedule_key_deletion_pending_window_in_days(7),
            true,
        ),
        cond(
            "NumericLessThan, equal",
            r#"{"NumericLessThan": {"kms:ScheduleKeyDeletionPendingWindowInDays": "30"}}"#,
            |c| c.with_schedule_key_deletion_pending_window_in_days(30),
            false,
        ),
        cond(
            "NumericLessThanEquals, equal",
            r#"{"NumericLessThanEquals": {"kms:ScheduleKeyDeletionPendingWindowInDays": 30}}"#,
            |c| c.with_schedule_key_deletion_pending_window_in_days(30),
            true,
        ),
        cond(
            "NumericLessThanEquals, above",
            r#"{"NumericLessThanEquals": {"kms:ScheduleKeyDeletionPendingWindowInDays": 30}}"#,
            |c| c.with_schedule_key_deletion_pending_window_in_days(31),
            false,
        ),
        cond(
            "NumericGreaterThan",
            r#"{"NumericGreaterThan": {"kms:ScheduleKeyDeletionPendingWindowInDays": 7}}"#,
            |c| c.with_schedule_key_deletion_pending_window_in_days(8),
            true,
        ),
        cond(
            "NumericGreaterThan, equal",
            r#"{"NumericGreaterThan": {"kms:ScheduleKeyDeletionPendingWindowInDays": 7}}"#,
            |c| c.with_schedule_key_deletion_pending_window_in_days(7),
            false,
        ),
        cond(
            "NumericGreaterThanEquals, equal",
            r#"{"NumericGreaterThanEquals": {"kms:ScheduleKeyDeletionPendingWindowInDays": "7.0"}}"#,
            |c| c.with_schedule_key_deletion_pending_window_in_days(7),
            true,
        ),
        cond(
            "NumericGreaterThanEquals, below",
            r#"{"NumericGreaterThanEquals": {"kms:ScheduleKeyDeletionPendingWindowInDays": "7.0"}}"#,
            |c| c.with_schedule_key_deletion_pending_window_in_days(6),
            false,
        ),
        cond(
            "Numeric on a non-number value",
            r#"{"NumericEquals": {"kms:EncryptionContext:n": 5}}"#,
            |c| c.with_encryption_context([("n", "five")]),
            false,
        ),
        cond(
            "Numeric on a numeric string",
            r#"{"NumericEquals": {"kms:EncryptionContext:n": 5}}"#,
            |c| c.with_encryption_context([("n", "5.0")]),
            true,
        ),
        // Date operators, ISO 8601 and epoch seconds.
        cond(
            "DateEquals",
            r#"{"DateEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#,
            |c| c.with_current_time(at("2026-01-01T00:00:00Z")),
            true,
        ),
        cond(
            "DateEquals, a second later",
            r#"{"DateEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#,
            |c| c.with_current_time(at("2026-01-01T00:00:01Z")),
            false,
        ),
        cond(
            "DateNotEquals, a second later",
            r#"{"DateNotEquals": {"aws:CurrentTime": "2026-01-01"}}"#,
            |c| c.with_current_time(at("2026-01-01T00:00:01Z")),
            true,
        ),
        cond(
            "DateNotEquals, equal",
            r#"{"DateNotEquals": {"aws:CurrentTime": "2026-01-01"}}"#,
            |c| c.with_current_time(at("2026-01-01T00:00:00Z")),
            false,
        ),
        cond(
            "DateLessThan",
            r#"{"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#,
            |c| c.with_current_time(at("2025-12-31T23:59:59Z")),
            true,
        ),
        cond(
            "DateLessThan, equal",
            r#"{"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#,
            |c| c.with_current_time(at("2026-01-01T00:00:00Z")),
            false,
        ),
        cond(
            "DateLessThanEquals, equal, other zone",
            r#"{"DateLessThanEquals": {"aws:CurrentTime": "2026-01-01T01:00:00+01:00"}}"#,
            |c| c.with_current_time(at("2026-01-01T00:00:00Z")),
            true,
        ),
        cond(
            "DateLessThanEquals, later",
            r#"{"DateLessThanEquals": {"aws:CurrentTime": "2026-01-01T01:00:00+01:00"}}"#,
            |c| c.with_current_time(at("2026-01-01T00:00:01Z")),
            false,
        ),
        cond(
            "DateGreaterThan epoch seconds",
            r#"{"DateGreaterThan": {"aws:CurrentTime": "1767225600"}}"#,
            |c| c.with_current_time(at("2026-01-01T00:00:01Z")),
            true,
        ),
        cond(
            "DateGreaterThan epoch seconds, equal",
            r#"{"DateGreaterThan": {"aws:CurrentTime": "1767225600"}}"#,
            |c| c.with_current_time(at("2026-01-01T00:00:00Z")),
            false,
        ),
        cond(
            "DateGreaterThanEquals, equal",
            r#"{"DateGreaterThanEquals": {"aws:CurrentTime": "2026-01-01"}}"#,
            |c| c.with_current_time(at("2026-01-01T00:00:00Z")),
            true,
        ),
        cond(
            "DateGreaterThanEquals, earlier",
            r#"{"DateGreaterThanEquals": {"aws:CurrentTime": "2026-01-01"}}"#,
            |c| c.with_current_time(at("2025-12-31T23:59:59Z")),
            false,
        ),
        cond(
            "Date operator on aws:EpochTime",
            r#"{"DateLessThan": {"aws:EpochTime": "2027-01-01T00:00:00Z"}}"#,
            |c| c.with_current_time(at("2026-06-01T00:00:00Z")),
            true,
        ),
        cond(
            "Date operator on aws:EpochTime, later",
            r#"{"DateLessThan": {"aws:EpochTime": "2027-01-01T00:00:00Z"}}"#,
            |c| c.with_current_time(at("2027-06-01T00:00:00Z")),
            false,
        ),
        // IP addresses.
        cond(
            "IpAddress IPv4 block",
            r#"{"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}"#,
            |c| c.with_source_ip(ip("203.0.113.7")),
            true,
        ),
        cond(
            "IpAddress IPv6 block",
            r#"{"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}"#,
            |c| c.with_source_ip(ip("2001:db8:ffff::1")),
            true,
        ),
        cond(
            "IpAddress outside",
            r#"{"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}"#,
            |c| c.with_source_ip(ip("198.51.100.1")),
            false,
        ),
        cond(
            "IpAddress without a source IP",
            r#"{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"#,
            |c| c,
            false,
        ),
        cond(
            "NotIpAddress outside",
            r#"{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#,
            |c| c.with_source_ip(ip("198.51.100.1")),
            true,
        ),
        cond(
            "NotIpAddress inside",
            r#"{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#,
            |c| c.with_source_ip(ip("203.0.113.1")),
            false,
        ),
        // Null.
        cond(
            "Null false: a context is required, present",
            r#"{"Null": {"kms:EncryptionContextKeys": "false"}}"#,
            |c| c.with_encryption_context([("a", "b")]),
            true,
        ),
        cond(
            "Null false: a context is required, absent",
            r#"{"Null": {"kms:EncryptionContextKeys": "false"}}"#,
            |c| c,
            false,
        ),
        cond(
            "Null true: no VPC endpoint, absent",
            r#"{"Null": {"aws:SourceVpce": true}}"#,
            |c| c,
            true,
        ),
        cond(
            "Null true: no VPC endpoint, present",
            r#"{"Null": {"aws:SourceVpce": true}}"#,
            |c| c.with_source_vpce("vpce-1a2b3c4d"),
            false,
        ),
        // BinaryEquals compares the base64 text.
        cond(
            "BinaryEquals",
            r#"{"BinaryEquals": {"test:blob": "QmluYXJ5"}}"#,
            |c| c.with("test:blob", "QmluYXJ5"),
            true,
        ),
        cond(
            "BinaryEquals, other bytes",
            r#"{"BinaryEquals": {"test:blob": "QmluYXJ5"}}"#,
            |c| c.with("test:blob", "QmluYXJ6"),
            false,
        ),
        // Set qualifiers on multi-valued keys.
        cond(
            "ForAnyValue, one matches",
            r#"{"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": ["app", "dept"]}}"#,
            |c| c.with_encryption_context([("dept", "x"), ("other", "y")]),
            true,
        ),
        cond(
            "ForAnyValue, none matches",
            r#"{"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": ["app", "dept"]}}"#,
            |c| c.with_encryption_context([("other", "y")]),
            false,
        ),
        cond(
            "ForAnyValue over an empty set is false",
            r#"{"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": ["app", "dept"]}}"#,
            |c| c,
            false,
        ),
        cond(
            "ForAllValues, all match",
            r#"{"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["app", "dept"]}}"#,
            |c| c.with_encryption_context([("app", "x"), ("dept", "y")]),
            true,
        ),
        cond(
            "ForAllValues, one does not",
            r#"{"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["app", "dept"]}}"#,
            |c| c.with_encryption_context([("app", "x"), ("other", "y")]),
            false,
        ),
        cond(
            "ForAllValues over an empty set is true",
            r#"{"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["app", "dept"]}}"#,
            |c| c,
            true,
        ),
        cond(
            "ForAllValues over an explicitly empty set",
            r#"{"ForAllValues:StringLike": {"kms:ResourceAliases": "alias/prod-*"}}"#,
            |c| c.with_resource_aliases(Vec::<String>::new()),
            true,
        ),
        cond(
            "ForAllValues:StringLike, one outside",
            r#"{"ForAllValues:StringLike": {"kms:ResourceAliases": "alias/prod-*"}}"#,
            |c| c.with_resource_aliases(["alias/prod-a", "alias/dev"]),
            false,
        ),
        cond(
            "ForAnyValue with a negated operator",
            r#"{"ForAnyValue:StringNotEquals": {"kms:GrantOperations": "Decrypt"}}"#,
            |c| c.with_grant_operations(["Decrypt", "Encrypt"]),
            true,
        ),
        cond(
            "ForAnyValue with a negated operator, all listed",
            r#"{"ForAnyValue:StringNotEquals": {"kms:GrantOperations": "Decrypt"}}"#,
            |c| c.with_grant_operations(["Decrypt"]),
            false,
        ),
        cond(
            "ForAllValues with a negated operator",
            r#"{"ForAllValues:StringNotEquals": {"kms:GrantOperations": ["CreateGrant", "RetireGrant"]}}"#,
            |c| c.with_grant_operations(["Decrypt", "Encrypt"]),
            true,
        ),
        cond(
            "ForAllValues with a negated operator, one listed",
            r#"{"ForAllValues:StringNotEquals": {"kms:GrantOperations": ["CreateGrant", "RetireGrant"]}}"#,
            |c| c.with_grant_operations(["Decrypt", "CreateGrant"]),
            false,
        ),
        cond(
            "multi-valued key without qualifier: any value",
            r#"{"StringEquals": {"kms:ResourceAliases": "alias/a"}}"#,
            |c| c.with_resource_aliases(["alias/b", "alias/a"]),
            true,
        ),
        cond(
            "multi-valued key, negated without qualifier: no value may match",
            r#"{"StringNotEquals": {"kms:ResourceAliases": "alias/a"}}"#,
            |c| c.with_resource_aliases(["alias/b", "alias/a"]),
            false,
        ),
        cond(
            "ForAnyValue on an encryption-context key",
            r#"{"ForAnyValue:StringEquals": {"kms:EncryptionContext:dept": ["IT", "HR"]}}"#,
            |c| c.with_encryption_context([("dept", "HR")]),
            true,
        ),
        // IfExists.
        cond(
            "IfExists, key absent",
            r#"{"StringEqualsIfExists": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}"#,
            |c| c,
            true,
        ),
        cond(
            "IfExists, key present and matching",
            r#"{"StringEqualsIfExists": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}"#,
            |c| c.with_via_service("s3.us-east-1.amazonaws.com"),
            true,
        ),
        cond(
            "IfExists, key present, not matching",
            r#"{"StringEqualsIfExists": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}"#,
            |c| c.with_via_service("ec2.us-east-1.amazonaws.com"),
            false,
        ),
        cond(
            "ForAnyValue…IfExists, key absent",
            r#"{"ForAnyValue:StringEqualsIfExists": {"kms:GrantOperations": "Decrypt"}}"#,
            |c| c,
            true,
        ),
        cond(
            "NumericLessThanIfExists, key absent",
            r#"{"NumericLessThanIfExists": {"kms:RotationPeriodInDays": 100}}"#,
            |c| c,
            true,
        ),
        cond(
            "NumericLessThanIfExists, too large",
            r#"{"NumericLessThanIfExists": {"kms:RotationPeriodInDays": 100}}"#,
            |c| c.with_rotation_period_in_days(365),
            false,
        ),
        // Keys are case-insensitive (the encryption-context key part too); values are not.
        cond(
            "condition key in another case",
            r#"{"StringEquals": {"KMS:encryptioncontext:DEPT": "IT"}}"#,
            |c| c.with_encryption_context([("Dept", "IT")]),
            true,
        ),
        cond(
            "condition key in another case, value case differs",
            r#"{"StringEquals": {"KMS:encryptioncontext:DEPT": "IT"}}"#,
            |c| c.with_encryption_context([("Dept", "it")]),
            false,
        ),
        cond(
            "kms:CallerAccount in any case",
            r#"{"StringEquals": {"kms:callerACCOUNT": "111122223333"}}"#,
            |c| c,
            true,
        ),
        cond(
            "request-parameter default: KeySpec",
            r#"{"StringEquals": {"kms:KeySpec": "SYMMETRIC_DEFAULT"}}"#,
            |c| c.with_key_spec(crate::spec::KeySpec::SymmetricDefault),
            true,
        ),
        cond(
            "KeyUsage and KeyOrigin",
            r#"{"StringEquals": {"kms:KeyUsage": "ENCRYPT_DECRYPT", "kms:KeyOrigin": "AWS_KMS"}}"#,
            |c| {
                c.with_key_usage(crate::spec::KeyUsage::EncryptDecrypt)
                    .with_key_origin(crate::spec::OriginType::AwsKms)
            },
            true,
        ),
        cond(
            "EncryptionAlgorithm",
            r#"{"StringEquals": {"kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}}"#,
            |c| c.with_encryption_algorithm(crate::spec::EncryptionAlgorithmSpec::SymmetricDefault),
            true,
        ),
        cond(
            "SigningAlgorithm, other",
            r#"{"StringEquals": {"kms:SigningAlgorithm": "ECDSA_SHA_256"}}"#,
            |c| c.with_signing_algorithm("ECDSA_SHA_384"),
            false,
        ),
        cond(
            "GranteePrincipal",
            r#"{"StringEquals": {"kms:GranteePrincipal": "arn:aws:iam::111122223333:role/app"}}"#,
            |c| c.with_grantee_principal("arn:aws:iam::111122223333:role/app"),
            true,
        ),
        cond(
            "ResourceTag",
            r#"{"StringEquals": {"aws:ResourceTag/Project": "Alpha"}}"#,
            |c| c.with_resource_tags([("project", "Alpha")]),
            true,
        ),
        cond(
            "RequestTag and TagKeys",
            r#"{"StringEquals": {"aws:RequestTag/Project": "Alpha"}, "ForAllValues:StringEquals": {"aws:TagKeys": ["Project", "Owner"]}}"#,
            |c| c.with_request_tags([("Project", "Alpha")]),
            true,
        ),
        cond(
            "SourceVpce",
            r#"{"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#,
            |c| c.with_source_vpce("vpce-1a2b3c4d"),
            true,
        ),
        cond(
            "BypassPolicyLockoutSafetyCheck",
            r#"{"Bool": {"kms:BypassPolicyLockoutSafetyCheck": "true"}}"#,
            |c| c.with_bypass_policy_lockout_safety_check(false),
            false,
        ),
        // String operators on typed values compare their text.
        cond(
            "StringEquals on a boolean",
            r#"{"StringEquals": {"kms:MultiRegion": "true"}}"#,
            |c| c.with_multi_region(true),
            true,
        ),
        cond(
            "StringEquals on a number",
            r#"{"StringEquals": {"kms:RotationPeriodInDays": "90"}}"#,
            |c| c.with_rotation_period_in_days(90),
            true,
        ),
        cond(
            "StringLike on an IP address",
            r#"{"StringLike": {"aws:SourceIp": "203.0.113.*"}}"#,
            |c| c.with_source_ip(ip("203.0.113.9")),
            true,
        ),
        // Blocks: keys and operators are ANDed.
        cond(
            "two keys, both hold",
            r#"{"StringEquals": {"kms:CallerAccount": "111122223333", "kms:ViaService": "s3.us-east-1.amazonaws.com"}}"#,
            |c| c.with_via_service("s3.us-east-1.amazonaws.com"),
            true,
        ),
        cond(
            "two keys, one fails",
            r#"{"StringEquals": {"kms:CallerAccount": "111122223333", "kms:ViaService": "s3.us-east-1.amazonaws.com"}}"#,
            |c| c,
            false,
        ),
        cond(
            "two operators, one fails",
            r#"{"StringEquals": {"kms:CallerAccount": "111122223333"}, "Bool": {"kms:MultiRegion": "true"}}"#,
            |c| c.with_multi_region(false),
            false,
        ),
        // Escapes and policy versions.
        cond(
            "${*} is a literal star",
            r#"{"StringEquals": {"kms:EncryptionContext:k": "a${*}"}}"#,
            |c| c.with_encryption_context([("k", "a*")]),
            true,
        ),
        cond(
            "${*} is not a wildcard",
            r#"{"StringLike": {"kms:EncryptionContext:k": "a${*}"}}"#,
            |c| c.with_encryption_context([("k", "ab")]),
            false,
        ),
    ]
}

/// The rows of the condition keys the engine fills from the request beyond the
/// operators' table: `kms:RequestAlias` (absent for a key id or ARN),
/// `kms:ResourceAliases` (absent over the aliases quota), the request's tags and
/// `aws:SourceArn`.
fn request_key_rows() -> Vec<Row> {
    vec![
        cond(
            "StringLike, the request named no alias",
            r#"{"StringLike": {"kms:RequestAlias": "alias/*"}}"#,
            |c| c,
            false,
        ),
        cond(
            "Null true: the request named no alias",
            r#"{"Null": {"kms:RequestAlias": "true"}}"#,
            |c| c,
            true,
        ),
        cond(
            "ForAnyValue over an absent key (a key over the aliases quota)",
            r#"{"ForAnyValue:StringLike": {"kms:ResourceAliases": "alias/*"}}"#,
            |c| c,
            false,
        ),
        cond(
            "ForAnyValue:StringEquals, one of the aliases",
            r#"{"ForAnyValue:StringEquals": {"kms:ResourceAliases": "alias/finance"}}"#,
            |c| c.with_resource_aliases(["alias/app", "alias/finance"]),
            true,
        ),
        cond(
            "RequestTag, another value",
            r#"{"StringEquals": {"aws:RequestTag/Project": "Alpha"}}"#,
            |c| c.with_request_tags([("Project", "Beta")]),
            false,
        ),
        cond(
            "TagKeys, a key outside the set",
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["Project"]}}"#,
            |c| c.with_request_tags([("Project", "Alpha"), ("Owner", "bob")]),
            false,
        ),
        cond(
            "Null false on TagKeys: a request without tags",
            r#"{"Null": {"aws:TagKeys": "false"}}"#,
            |c| c,
            false,
        ),
        cond(
            "SourceArn, ArnLike",
            r#"{"ArnLike": {"aws:SourceArn": "arn:aws:logs:us-east-1:111122223333:log-group:*"}}"#,
            |c| c.with("aws:SourceArn", "arn:aws:logs:us-east-1:111122223333:log-group:app"),
            true,
        ),
        cond(
            "SourceArn, absent",
            r#"{"ArnLike": {"aws:SourceArn": "arn:aws:logs:us-east-1:111122223333:log-group:*"}}"#,
            |c| c,
            false,
        ),
    ]
}

#[test]
fn condition_operators() {
    for row in condition_rows().iter().chain(&request_key_rows()) {
        check(row);
    }
}

#[test]
fn a_2008_policy_reads_variables_literally() {
    let policy = format!(
        r#"{{"Version": "2008-10-17", "Statement": {{"Effect": "Allow", "Principal": {{"AWS": "{ALICE}"}}, "Action": "kms:*", "Resource": "*", "Condition": {{"StringEquals": {{"kms:EncryptionContext:k": "${{aws:username}}"}}}}}}}}"#
    );
    check(
        &Row::new("literal", policy.clone(), ALICE, ALLOW)
            .with(|c| c.with_encryption_context([("k", "${aws:username}")])),
    );
    check(
        &Row::new("literal only", policy, ALICE, NO_KEY_POLICY)
            .with(|c| c.with_encryption_context([("k", "alice")])),
    );
}

#[test]
fn role_paths_come_from_the_caller() {
    let policy = doc(
        r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/team/app"}, "Action": "kms:*", "Resource": "*"}"#,
    );
    let key_policy = PolicyDocument::parse_key_policy(&policy).unwrap();
    let session = caller(APP);
    let policies = PolicySet::key_policy_only(&key_policy, owner());
    let without_path = RequestContext::new(session.clone(), "kms:Encrypt", KEY);
    assert_eq!(evaluate(&policies, &without_path), NO_KEY_POLICY);
    let with_path = RequestContext::new(
        session.with_role_arn("arn:aws:iam::111122223333:role/team/app"),
        "kms:Encrypt",
        KEY,
    );
    assert_eq!(evaluate(&policies, &with_path), ALLOW);
    assert_eq!(
        with_path.value("aws:PrincipalArn"),
        Some(ContextValue::from("arn:aws:iam::111122223333:role/team/app"))
    );
}

#[test]
fn access_denied_messages() {
    let key_policy = PolicyDocument::parse_key_policy(&default_key_policy(owner())).unwrap();
    let deny = PolicyDocument::parse_identity_policy(&doc(
        r#"{"Effect": "Deny", "Action": "kms:*", "Resource": "*"}"#,
    ))
    .unwrap();
    let ctx = RequestContext::new(caller(EVE), "kms:Encrypt", KEY);
    let head = format!("User: {EVE} is not authorized to perform: kms:Encrypt on resource: {KEY}");
    let message = |d: Decision| d.access_denied_message(&ctx);
    assert_eq!(
        message(evaluate(&PolicySet::key_policy_only(&key_policy, owner()), &ctx)).unwrap(),
        format!("{head} because no resource-based policy allows the kms:Encrypt action")
    );
    assert_eq!(
        message(NO_IDENTITY_POLICY).unwrap(),
        format!("{head} because no identity-based policy allows the kms:Encrypt action")
    );
    assert_eq!(
        message(key_deny(0)).unwrap(),
        format!("{head} with an explicit deny in a resource-based policy")
    );
    let policies = PolicySet {
        key_policy: &key_policy,
        key_account: owner(),
        identity_policies: std::slice::from_ref(&deny),
        grant_allows: true,
    };
    assert_eq!(
        message(evaluate(&policies, &ctx)).unwrap(),
        format!("{head} with an explicit deny in an identity-based policy")
    );
    assert_eq!(message(ALLOW), None);
    assert_eq!(ALLOW.to_string(), "allow");
    assert_eq!(NO_KEY_POLICY.to_string(), "implicit deny: no resource-based policy allows");
}

#[test]
fn requests_without_a_key() {
    let allow = PolicyDocument::parse_identity_policy(&iam_allow("kms:Create*")).unwrap();
    let deny = PolicyDocument::parse_identity_policy(&doc(
        r#"{"Effect": "Deny", "Action": "kms:CreateKey", "Resource": "*"}"#,
    ))
    .unwrap();
    let ctx = |who| RequestContext::new(caller(who), "kms:CreateKey", "*");
    assert_eq!(evaluate_identity_only(std::slice::from_ref(&allow), &ctx(ALICE)), ALLOW);
    assert_eq!(evaluate_identity_only(&[], &ctx(ALICE)), NO_IDENTITY_POLICY);
    assert_eq!(evaluate_identity_only(&[], &ctx(ROOT)), ALLOW);
    assert_eq!(evaluate_identity_only(&[allow, deny], &ctx(APP)), identity_deny(1, 0));
    assert_eq!(evaluate_identity_only(&[], &ctx(S3)), NO_IDENTITY_POLICY);
    // A resource pattern for keys does not cover a request without a resource.
    let keys_only = PolicyDocument::parse_identity_policy(&doc(
        r#"{"Effect": "Allow", "Action": "kms:*", "Resource": "arn:aws:kms:*:*:key/*"}"#,
    ))
    .unwrap();
    assert_eq!(evaluate_identity_only(&[keys_only], &ctx(ALICE)), NO_IDENTITY_POLICY);
}

#[test]
fn the_default_key_policy_is_what_get_key_policy_returns() {
    assert_eq!(
        default_key_policy(owner()),
        "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {\n    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::111122223333:root\"\n    },\n    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}"
    );
    let china = default_key_policy_for("cn-north-1".parse().unwrap(), owner());
    assert!(china.contains("\"arn:aws-cn:iam::111122223333:root\""), "{china}");
    let parsed = PolicyDocument::parse_key_policy(&default_key_policy(owner())).unwrap();
    assert_eq!(parsed.id(), Some("key-default-1"));
    assert_eq!(parsed.statements()[0].sid(), Some("Enable IAM User Permissions"));
}

#[test]
fn lockout_safety_check() {
    let check = |policy: &str, who: &str| {
        let policy = PolicyDocument::parse_key_policy(policy).unwrap();
        check_lockout(&policy, owner(), &RequestContext::new(caller(who), "kms:CreateKey", KEY))
    };
    let default = default_key_policy(owner());
    assert_eq!(check(&default, ALICE), Ok(()));
    assert_eq!(check(&default, ROOT), Ok(()));
    let admins = doc(
        r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": ["kms:Put*", "kms:Describe*"], "Resource": "*"}"#,
    );
    assert_eq!(check(&admins, APP), Ok(()));
    let locked = check(&admins, ALICE).unwrap_err();
    assert_eq!(
        locked.message,
        "The new key policy will not allow you to update the key policy in the future."
    );
    assert_eq!(locked.aws_code(), "MalformedPolicyDocumentException");
    let users_only = doc(
        r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}"#,
    );
    assert!(check(&users_only, ALICE).is_err());
    let denied = doc(
        r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:*", "Resource": "*"},
           {"Effect": "Deny", "Principal": "*", "Action": "kms:PutKeyPolicy", "Resource": "*"}"#,
    );
    assert!(check(&denied, ROOT).is_err());
    assert!(check(&default, EVE).is_err(), "another account cannot put a key policy");
    assert!(check(&doc(""), ROOT).is_err());
}

/// Evaluation reads compiled data only; this is a smoke check that the default policy's
/// hot path stays cheap enough to run a hundred thousand times in a unit test. Timings
/// belong in the benches.
#[test]
fn default_policy_evaluation_is_cheap() {
    let key_policy = PolicyDocument::parse_key_policy(&default_key_policy(owner())).unwrap();
    let iam = PolicyDocument::parse_identity_policy(&iam_allow("kms:*")).unwrap();
    let policies = PolicySet {
        key_policy: &key_policy,
        key_account: owner(),
        identity_policies: std::slice::from_ref(&iam),
        grant_allows: false,
    };
    let ctx = RequestContext::new(caller(APP), "kms:Encrypt", KEY)
        .with_encryption_context([("app", "orders")]);
    let allowed = (0..100_000).filter(|_| evaluate(&policies, &ctx).is_allowed()).count();
    assert_eq!(allowed, 100_000);
}
