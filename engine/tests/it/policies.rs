//! Key policies and identity policies, enforced by the engine: GetKeyPolicy, PutKeyPolicy,
//! ListKeyPolicies, CreateKey's `Policy`, the lockout check, and authorization under the
//! `AllowAll` and `Explicit` identity models.

use engine::api::{
    CreateGrantRequest, CreateKeyRequest, DescribeKeyRequest, EncryptRequest,
    GenerateRandomRequest, GetKeyPolicyRequest, ListKeyPoliciesRequest, ListKeysRequest,
    PutKeyPolicyRequest,
};
use engine::audit::AuditSink;
use engine::policy::{LOCKOUT_MESSAGE, MAX_KEY_POLICY_BYTES, default_key_policy_for};
use engine::quota::QuotaConfig;
use engine::spec::GrantOperation;
use engine::{CallContext, Engine, EngineConfig, ErrorKind, IdentityModel, KeyArn, KeyId, Region};

use crate::support::*;

const ALICE: &str = "arn:aws:iam::111122223333:role/alice";
const BOB: &str = "arn:aws:iam::111122223333:role/bob";
const CAROL: &str = "arn:aws:iam::111122223333:role/carol";
const MALLORY: &str = "arn:aws:iam::444455556666:role/mallory";
const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}"#;

fn caller(arn: &str) -> CallContext {
    CallContext::new(arn.parse().unwrap(), T0)
}

/// An engine where only registered identity policies count; alice may do anything.
fn explicit() -> Engine {
    let mut kms = Engine::new(
        EngineConfig::new(Region::US_EAST_1, 7)
            .with_audit_sink(AuditSink::KeepAll)
            .with_quotas(QuotaConfig::disabled())
            .with_identity(IdentityModel::Explicit),
    );
    kms.put_identity_policy(ALICE, "admin", ALLOW_ALL).unwrap();
    kms
}

fn arn_of(account: &CallContext, key: KeyId) -> KeyArn {
    KeyArn { region: Region::US_EAST_1, account: account.account(), key_id: key }
}

/// A key policy: alice administers the key, then `statements`.
fn policy_with(statements: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [
            {{"Sid": "Admin", "Effect": "Allow", "Principal": {{"AWS": "{ALICE}"}}, "Action": "kms:*", "Resource": "*"}}
            {statements}]}}"#
    )
}

fn key_with_policy(kms: &mut Engine, policy: &str) -> KeyId {
    kms.create_key(&alice(), CreateKeyRequest::new().with_policy(policy)).unwrap().key_id()
}

fn encrypt(kms: &mut Engine, ctx: &CallContext, key: KeyArn) -> Result<(), engine::KmsError> {
    kms.encrypt(ctx, EncryptRequest::new(key, "x")).map(|_| ())
}

#[test]
fn a_new_key_has_the_default_policy_text() {
    let mut kms = engine();
    let key = symmetric_key(&mut kms, &alice());
    let got = kms.get_key_policy(&alice(), GetKeyPolicyRequest::new(key)).unwrap();
    assert_eq!(got.policy, default_key_policy_for(Region::US_EAST_1, alice().account()));
    assert_eq!(got.policy_name, "default");
    let listed = kms.list_key_policies(&alice(), ListKeyPoliciesRequest::new(key)).unwrap();
    assert_eq!(listed.policy_names, ["default"]);
    assert!(!listed.page_info.truncated);
    let other =
        kms.get_key_policy(&alice(), GetKeyPolicyRequest::new(key).with_policy_name("other"));
    assert_eq!(other.unwrap_err().kind, ErrorKind::NotFound);
}

#[test]
fn get_key_policy_returns_what_create_key_and_put_key_policy_set() {
    let mut kms = engine();
    let first = policy_with("");
    let key = key_with_policy(&mut kms, &first);
    assert_eq!(kms.get_key_policy(&alice(), GetKeyPolicyRequest::new(key)).unwrap().policy, first);
    let second = policy_with(
        r#", {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/bob"}, "Action": "kms:Encrypt", "Resource": "*"}"#,
    );
    kms.put_key_policy(&alice(), PutKeyPolicyRequest::new(key, second.clone())).unwrap();
    assert_eq!(kms.get_key_policy(&alice(), GetKeyPolicyRequest::new(key)).unwrap().policy, second);
}

#[test]
fn malformed_too_large_and_lockout_policies_are_refused_with_aws_exceptions() {
    let mut kms = engine();
    let before = kms.key_count();
    let malformed = kms.create_key(&alice(), CreateKeyRequest::new().with_policy("my policy"));
    assert_eq!(malformed.unwrap_err().kind, ErrorKind::MalformedPolicyDocument);
    let huge = format!("{{\"Sid\": \"{}\"}}", "x".repeat(MAX_KEY_POLICY_BYTES));
    let too_large = kms.create_key(&alice(), CreateKeyRequest::new().with_policy(huge.clone()));
    assert_eq!(too_large.unwrap_err().kind, ErrorKind::LimitExceeded);
    // Only bob would be allowed PutKeyPolicy: alice would lock herself out.
    let lockout = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:role/bob"}, "Action": "kms:*", "Resource": "*"}]}"#;
    let refused =
        kms.create_key(&alice(), CreateKeyRequest::new().with_policy(lockout)).unwrap_err();
    assert_eq!(
        (refused.kind, refused.message.as_str()),
        (ErrorKind::MalformedPolicyDocument, LOCKOUT_MESSAGE)
    );
    assert_eq!(kms.key_count(), before, "a refused CreateKey creates nothing");
    let bypassed =
        CreateKeyRequest::new().with_policy(lockout).with_bypass_policy_lockout_safety_check(true);
    kms.create_key(&alice(), bypassed).unwrap();

    // PutKeyPolicy: each refusal leaves the policy as it was.
    let key = symmetric_key(&mut kms, &alice());
    let original = kms.get_key_policy(&alice(), GetKeyPolicyRequest::new(key)).unwrap().policy;
    for (text, kind) in [
        ("my policy", ErrorKind::MalformedPolicyDocument),
        (huge.as_str(), ErrorKind::LimitExceeded),
        (lockout, ErrorKind::MalformedPolicyDocument),
    ] {
        let refused = kms.put_key_policy(&alice(), PutKeyPolicyRequest::new(key, text));
        assert_eq!(refused.unwrap_err().kind, kind, "{text:.40}");
        let now = kms.get_key_policy(&alice(), GetKeyPolicyRequest::new(key)).unwrap().policy;
        assert_eq!(now, original);
    }
    // Bypassed, alice locks herself out for real.
    let put = PutKeyPolicyRequest::new(key, lockout).with_bypass_policy_lockout_safety_check(true);
    kms.put_key_policy(&alice(), put).unwrap();
    let denied = kms.get_key_policy(&alice(), GetKeyPolicyRequest::new(key)).unwrap_err();
    assert_eq!(denied.kind, ErrorKind::AccessDenied);
    assert!(
        denied
            .message
            .ends_with("because no resource-based policy allows the kms:GetKeyPolicy action")
    );
}

#[test]
fn a_restrictive_key_policy_allows_the_named_role_and_denies_others_under_explicit() {
    let mut kms = explicit();
    kms.put_identity_policy(CAROL, "all", ALLOW_ALL).unwrap();
    let policy = policy_with(&format!(
        r#", {{"Effect": "Allow", "Principal": {{"AWS": "{BOB}"}}, "Action": "kms:Encrypt", "Resource": "*"}}"#
    ));
    let key = arn_of(&alice(), key_with_policy(&mut kms, &policy));
    // Bob, named by the key policy, needs no identity policy in his own account.
    encrypt(&mut kms, &caller(BOB), key).unwrap();
    let bob_describe = kms.describe_key(&caller(BOB), DescribeKeyRequest::new(key)).unwrap_err();
    assert_eq!(bob_describe.kind, ErrorKind::AccessDenied);
    // Carol's identity policy allows everything, but the key policy does not enable IAM.
    let denied = encrypt(&mut kms, &caller(CAROL), key).unwrap_err();
    assert_eq!(denied.kind, ErrorKind::AccessDenied);
    assert_eq!(
        denied.message,
        format!(
            "User: {CAROL} is not authorized to perform: kms:Encrypt on resource: {key} because no resource-based policy allows the kms:Encrypt action"
        )
    );
    // With the default policy (IAM enabled), carol's identity policy is enough, bob has none.
    let default_key = arn_of(&alice(), symmetric_key(&mut kms, &alice()));
    encrypt(&mut kms, &caller(CAROL), default_key).unwrap();
    let bob = encrypt(&mut kms, &caller(BOB), default_key).unwrap_err();
    assert!(
        bob.message.ends_with("because no identity-based policy allows the kms:Encrypt action")
    );
}

#[test]
fn an_explicit_deny_in_the_key_policy_beats_a_grant() {
    let mut kms = engine();
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": [
            {{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::111122223333:root"}}, "Action": "kms:*", "Resource": "*"}},
            {{"Effect": "Deny", "Principal": {{"AWS": ["{BOB}", "{MALLORY}"]}}, "Action": "kms:Encrypt", "Resource": "*"}}]}}"#
    );
    let key = arn_of(&alice(), key_with_policy(&mut kms, &policy));
    for grantee in [BOB, MALLORY] {
        kms.create_grant(
            &alice(),
            CreateGrantRequest::new(key, grantee, vec![GrantOperation::Encrypt]),
        )
        .unwrap();
        let denied = encrypt(&mut kms, &caller(grantee), key).unwrap_err();
        assert_eq!(denied.kind, ErrorKind::AccessDenied);
        assert!(
            denied.message.ends_with("with an explicit deny in a resource-based policy"),
            "{}",
            denied.message
        );
    }
    // Without the deny the same grant allows mallory.
    let open = arn_of(&alice(), symmetric_key(&mut kms, &alice()));
    kms.create_grant(
        &alice(),
        CreateGrantRequest::new(open, MALLORY, vec![GrantOperation::Encrypt]),
    )
    .unwrap();
    encrypt(&mut kms, &caller(MALLORY), open).unwrap();
}

#[test]
fn an_encryption_context_condition_decides_encrypt() {
    let mut kms = engine();
    let policy = policy_with(&format!(
        r#", {{"Effect": "Allow", "Principal": {{"AWS": "{BOB}"}}, "Action": "kms:Encrypt", "Resource": "*",
              "Condition": {{"StringEquals": {{"kms:EncryptionContext:Dept": "Finance"}}}}}}"#
    ));
    let key = arn_of(&alice(), key_with_policy(&mut kms, &policy));
    let with = |pairs: &[(&str, &str)]| {
        EncryptRequest::new(key, "x").with_encryption_context(context(pairs))
    };
    kms.encrypt(&caller(BOB), with(&[("Dept", "Finance")])).unwrap();
    kms.encrypt(&caller(BOB), with(&[("dept", "Finance"), ("app", "ledger")])).unwrap();
    for pairs in [&[("Dept", "HR")][..], &[("Dept", "finance")], &[]] {
        let denied = kms.encrypt(&caller(BOB), with(pairs)).unwrap_err();
        assert_eq!(denied.kind, ErrorKind::AccessDenied, "{pairs:?}");
    }
}

#[test]
fn a_via_service_condition_allows_only_through_the_service() {
    let mut kms = engine();
    let policy = policy_with(&format!(
        r#", {{"Effect": "Allow", "Principal": {{"AWS": "{BOB}"}}, "Action": "kms:Encrypt", "Resource": "*",
              "Condition": {{"StringEquals": {{"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}}}}"#
    ));
    let key = arn_of(&alice(), key_with_policy(&mut kms, &policy));
    assert_eq!(encrypt(&mut kms, &caller(BOB), key).unwrap_err().kind, ErrorKind::AccessDenied);
    let via_s3 = caller(BOB).with_service("s3.amazonaws.com", "s3.us-east-1.amazonaws.com");
    encrypt(&mut kms, &via_s3, key).unwrap();
    let via_ebs = caller(BOB).with_service("ec2.amazonaws.com", "ec2.us-east-1.amazonaws.com");
    assert_eq!(encrypt(&mut kms, &via_ebs, key).unwrap_err().kind, ErrorKind::AccessDenied);
}

#[test]
fn cross_account_needs_the_key_policy_and_the_callers_identity_policy_or_a_grant() {
    let mut kms = explicit();
    let names_other_account = policy_with(
        r#", {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "kms:Encrypt", "Resource": "*"}"#,
    );
    let shared = arn_of(&alice(), key_with_policy(&mut kms, &names_other_account));
    let private = arn_of(&alice(), symmetric_key(&mut kms, &alice()));
    // The key policy alone: mallory's account has not allowed her.
    let denied = encrypt(&mut kms, &mallory(), shared).unwrap_err();
    assert!(
        denied.message.ends_with("because no identity-based policy allows the kms:Encrypt action")
    );
    kms.put_identity_policy(MALLORY, "kms", ALLOW_ALL).unwrap();
    encrypt(&mut kms, &mallory(), shared).unwrap();
    // Her identity policy alone does not open a key whose policy does not name her account.
    let denied = encrypt(&mut kms, &mallory(), private).unwrap_err();
    assert!(
        denied.message.ends_with("because no resource-based policy allows the kms:Encrypt action")
    );
    // A grant does.
    kms.create_grant(
        &alice(),
        CreateGrantRequest::new(private, MALLORY, vec![GrantOperation::Encrypt]),
    )
    .unwrap();
    encrypt(&mut kms, &mallory(), private).unwrap();
    // Under AllowAll the other account's identity side is implicit: the key policy decides.
    let mut open = engine();
    let shared = arn_of(&alice(), key_with_policy(&mut open, &names_other_account));
    encrypt(&mut open, &mallory(), shared).unwrap();
}

#[test]
fn key_less_operations_are_free_under_allow_all_and_need_an_identity_policy_under_explicit() {
    let mut open = engine();
    let bob = caller(BOB);
    open.create_key(&bob, CreateKeyRequest::new()).unwrap();
    open.list_keys(&bob, ListKeysRequest::new()).unwrap();
    open.generate_random(&bob, GenerateRandomRequest::new(16)).unwrap();

    let mut kms = explicit();
    let denied = kms.create_key(&bob, CreateKeyRequest::new()).unwrap_err();
    assert_eq!(
        (denied.kind, denied.message.as_str()),
        (
            ErrorKind::AccessDenied,
            "User: arn:aws:iam::111122223333:role/bob is not authorized to perform: kms:CreateKey on resource: * because no identity-based policy allows the kms:CreateKey action"
        )
    );
    assert_eq!(
        kms.list_keys(&bob, ListKeysRequest::new()).unwrap_err().kind,
        ErrorKind::AccessDenied
    );
    kms.put_identity_policy(
        BOB,
        "create",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:CreateKey","kms:ListKeys"],"Resource":"*"}]}"#,
    )
    .unwrap();
    kms.create_key(&bob, CreateKeyRequest::new()).unwrap();
    kms.list_keys(&bob, ListKeysRequest::new()).unwrap();
    let random = kms.generate_random(&bob, GenerateRandomRequest::new(16)).unwrap_err();
    assert_eq!(random.kind, ErrorKind::AccessDenied);
    // The account root needs no identity policy.
    let root = caller("arn:aws:iam::111122223333:root");
    kms.generate_random(&root, GenerateRandomRequest::new(16)).unwrap();
}

#[test]
fn a_roles_identity_policies_apply_to_its_sessions() {
    let mut kms = explicit();
    let key = arn_of(&alice(), symmetric_key(&mut kms, &alice()));
    let session = caller("arn:aws:sts::111122223333:assumed-role/app/s-1");
    assert_eq!(encrypt(&mut kms, &session, key).unwrap_err().kind, ErrorKind::AccessDenied);
    kms.put_identity_policy(
        "arn:aws:iam::111122223333:role/app",
        "encrypt",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}"#,
    )
    .unwrap();
    encrypt(&mut kms, &session, key).unwrap();
    assert_eq!(
        kms.identity_policies("arn:aws:iam::111122223333:role/app").len(),
        1,
        "registered under the role"
    );
    kms.delete_identity_policy("arn:aws:iam::111122223333:role/app", "encrypt").unwrap();
    assert_eq!(encrypt(&mut kms, &session, key).unwrap_err().kind, ErrorKind::AccessDenied);
    // Refusals: a session is not a policy holder; a malformed document.
    let on_session = kms.put_identity_policy(session.principal.as_str(), "p", ALLOW_ALL);
    assert_eq!(on_session.unwrap_err().kind, ErrorKind::Validation);
    let malformed = kms.put_identity_policy(BOB, "p", "my policy");
    assert_eq!(malformed.unwrap_err().kind, ErrorKind::MalformedPolicyDocument);
    let missing = kms.delete_identity_policy(BOB, "p");
    assert_eq!(missing.unwrap_err().kind, ErrorKind::NotFound);
}

#[test]
fn an_identity_deny_wins_even_under_allow_all() {
    let mut kms = engine();
    let key = arn_of(&alice(), symmetric_key(&mut kms, &alice()));
    kms.put_identity_policy(
        BOB,
        "no-encrypt",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"},
            {"Effect":"Deny","Action":"kms:Encrypt","Resource":"*"}]}"#,
    )
    .unwrap();
    let denied = encrypt(&mut kms, &caller(BOB), key).unwrap_err();
    assert!(denied.message.ends_with("with an explicit deny in an identity-based policy"));
    kms.describe_key(&caller(BOB), DescribeKeyRequest::new(key)).unwrap();
    // Alice has no registered policy: the implicit allow-all still applies to her.
    encrypt(&mut kms, &alice(), key).unwrap();
}

#[test]
fn an_access_denied_call_is_audited() {
    let mut kms = explicit();
    let key = arn_of(&alice(), symmetric_key(&mut kms, &alice()));
    let denied = encrypt(&mut kms, &caller(BOB), key).unwrap_err();
    let record = kms.audit_log().records().last().unwrap();
    assert_eq!(record.event_name, "Encrypt");
    assert_eq!(record.error_code, Some("AccessDeniedException"));
    assert_eq!(record.error_message.as_deref(), Some(denied.message.as_str()));
    assert_eq!(record.user_identity.arn.as_deref(), Some(BOB));
}

#[test]
fn schedule_key_deletion_and_rotation_conditions_see_request_defaults() {
    use engine::api::{EnableKeyRotationRequest, ScheduleKeyDeletionRequest};
    let mut kms = engine();
    let policy = policy_with(&format!(
        r#", {{"Effect": "Allow", "Principal": {{"AWS": "{BOB}"}}, "Action": "kms:ScheduleKeyDeletion", "Resource": "*",
              "Condition": {{"NumericGreaterThanEquals": {{"kms:ScheduleKeyDeletionPendingWindowInDays": "30"}}}}}},
            {{"Effect": "Allow", "Principal": {{"AWS": "{BOB}"}}, "Action": "kms:EnableKeyRotation", "Resource": "*",
              "Condition": {{"NumericLessThanEquals": {{"kms:RotationPeriodInDays": "365"}}}}}}"#
    ));
    let key = arn_of(&alice(), key_with_policy(&mut kms, &policy));
    let short = ScheduleKeyDeletionRequest::new(key).with_pending_window_in_days(7);
    assert_eq!(
        kms.schedule_key_deletion(&caller(BOB), short).unwrap_err().kind,
        ErrorKind::AccessDenied
    );
    let long = EnableKeyRotationRequest::new(key).with_rotation_period_in_days(400);
    assert_eq!(
        kms.enable_key_rotation(&caller(BOB), long).unwrap_err().kind,
        ErrorKind::AccessDenied
    );
    kms.enable_key_rotation(&caller(BOB), EnableKeyRotationRequest::new(key)).unwrap();
    kms.schedule_key_deletion(&caller(BOB), ScheduleKeyDeletionRequest::new(key)).unwrap();
    // Key policies stay readable and writable while the key is pending deletion.
    kms.get_key_policy(&alice(), GetKeyPolicyRequest::new(key)).unwrap();
}

/// An alias name for tests.
fn alias(name: &str) -> engine::AliasName {
    name.parse().unwrap()
}

/// What a caller is answered, as a table row expects it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Allow,
    Deny,
}

#[track_caller]
fn expect<T: std::fmt::Debug>(result: Result<T, engine::KmsError>, expected: Expect, row: &str) {
    match (result, expected) {
        (Ok(_), Expect::Allow) => {}
        (Err(error), Expect::Deny) => {
            assert_eq!(error.kind, ErrorKind::AccessDenied, "{row}: {error}");
            assert!(
                error.message.starts_with(&format!("User: {BOB} is not authorized to perform: ")),
                "{row}: {}",
                error.message
            );
        }
        (result, expected) => panic!("{row}: expected {expected:?}, got {result:?}"),
    }
}

/// `kms:RequestAlias` is the alias name the request used (given as an alias name or an alias
/// ARN), and absent for a key id or key ARN; ReEncrypt's destination reads its own.
#[test]
fn request_alias_is_the_alias_the_request_named() {
    use engine::AliasArn;
    use engine::api::{CreateAliasRequest, DescribeKeyRequest, ReEncryptRequest};
    let mut kms = engine();
    let policy = policy_with(&format!(
        r#", {{"Effect": "Allow", "Principal": {{"AWS": "{BOB}"}}, "Action": ["kms:Encrypt", "kms:ReEncryptTo"], "Resource": "*",
              "Condition": {{"StringLike": {{"kms:RequestAlias": "alias/db-*"}}}}}},
            {{"Effect": "Allow", "Principal": {{"AWS": "{BOB}"}}, "Action": "kms:ReEncryptFrom", "Resource": "*"}},
            {{"Effect": "Allow", "Principal": {{"AWS": "{BOB}"}}, "Action": "kms:DescribeKey", "Resource": "*",
              "Condition": {{"Null": {{"kms:RequestAlias": "true"}}}}}}"#
    ));
    let key_id = key_with_policy(&mut kms, &policy);
    let key = arn_of(&alice(), key_id);
    kms.create_alias(&alice(), CreateAliasRequest::new(alias("alias/db-1"), key_id)).unwrap();
    kms.create_alias(&alice(), CreateAliasRequest::new(alias("alias/web-1"), key_id)).unwrap();
    let alias_arn = AliasArn {
        region: Region::US_EAST_1,
        account: alice().account(),
        name: alias("alias/db-1"),
    };
    let bob = caller(BOB);
    let rows: [(&str, engine::KeyRef, Expect); 5] = [
        ("alias name", alias("alias/db-1").into(), Expect::Allow),
        ("alias ARN", engine::KeyRef::AliasArn(alias_arn), Expect::Allow),
        ("another alias", alias("alias/web-1").into(), Expect::Deny),
        ("key id", key_id.into(), Expect::Deny),
        ("key ARN", key.into(), Expect::Deny),
    ];
    for (row, key_ref, expected) in &rows {
        let encrypted = kms.encrypt(&bob, EncryptRequest::new(key_ref.clone(), "x"));
        expect(encrypted, *expected, row);
        // DescribeKey is allowed only without an alias in the request.
        let described = kms.describe_key(&bob, DescribeKeyRequest::new(key_ref.clone()));
        let opposite = if *expected == Expect::Allow { Expect::Deny } else { Expect::Allow };
        let opposite = if *row == "another alias" { Expect::Deny } else { opposite };
        expect(described, opposite, row);
    }
    // ReEncrypt: the destination is read from its own KeyId member.
    let blob = kms.encrypt(&alice(), EncryptRequest::new(key, "x")).unwrap().ciphertext_blob;
    kms.re_encrypt(&bob, ReEncryptRequest::new(blob.clone(), alias("alias/db-1"))).unwrap();
    let denied = kms.re_encrypt(&bob, ReEncryptRequest::new(blob, key)).unwrap_err();
    assert_eq!(
        denied.message,
        format!(
            "User: {BOB} is not authorized to perform: kms:ReEncryptTo on resource: {key} because no resource-based policy allows the kms:ReEncryptTo action"
        )
    );
    let audited = kms.audit_log().records().last().unwrap();
    assert_eq!(
        (audited.event_name, audited.error_code),
        ("ReEncrypt", Some("AccessDeniedException"))
    );
}

/// `kms:ResourceAliases` holds the key's aliases, whatever the request named it by, and
/// follows CreateAlias and DeleteAlias.
#[test]
fn resource_aliases_are_the_keys_aliases() {
    use engine::api::{CreateAliasRequest, DeleteAliasRequest};
    let mut kms = engine();
    let policy = policy_with(&format!(
        r#", {{"Effect": "Allow", "Principal": {{"AWS": "{BOB}"}}, "Action": "kms:Encrypt", "Resource": "*",
              "Condition": {{"ForAnyValue:StringEquals": {{"kms:ResourceAliases": "alias/finance"}}}}}}"#
    ));
    let key_id = key_with_policy(&mut kms, &policy);
    let key = arn_of(&alice(), key_id);
    let bob = caller(BOB);
    expect(encrypt(&mut kms, &bob, key), Expect::Deny, "no alias yet");
    kms.create_alias(&alice(), CreateAliasRequest::new(alias("alias/other"), key_id)).unwrap();
    expect(encrypt(&mut kms, &bob, key), Expect::Deny, "another alias");
    kms.create_alias(&alice(), CreateAliasRequest::new(alias("alias/finance"), key_id)).unwrap();
    expect(encrypt(&mut kms, &bob, key), Expect::Allow, "the alias, by key ARN");
    expect(
        kms.encrypt(&bob, EncryptRequest::new(alias("alias/other"), "x")),
        Expect::Allow,
        "the alias, by another alias",
    );
    kms.delete_alias(&alice(), DeleteAliasRequest::new(alias("alias/finance"))).unwrap();
    expect(encrypt(&mut kms, &bob, key), Expect::Deny, "the alias deleted");
    // Another key's alias does not count.
    let other = symmetric_key(&mut kms, &alice());
    kms.create_alias(&alice(), CreateAliasRequest::new(alias("alias/finance"), other)).unwrap();
    expect(encrypt(&mut kms, &bob, key), Expect::Deny, "the alias on another key");
}

/// `aws:RequestTag/<key>` and `aws:TagKeys` on TagResource, `aws:TagKeys` on
/// UntagResource; a refused call leaves the tags as they were.
#[test]
fn tag_conditions_see_the_request_tags() {
    use engine::api::{ListResourceTagsRequest, Tag, TagResourceRequest, UntagResourceRequest};
    let mut kms = engine();
    let policy = policy_with(&format!(
        r#", {{"Effect": "Allow", "Principal": {{"AWS": "{BOB}"}}, "Action": "kms:TagResource", "Resource": "*",
              "Condition": {{"StringEquals": {{"aws:RequestTag/Project": "Alpha"}},
                             "ForAllValues:StringEquals": {{"aws:TagKeys": ["Project", "Team"]}}}}}},
            {{"Effect": "Allow", "Principal": {{"AWS": "{BOB}"}}, "Action": "kms:UntagResource", "Resource": "*",
              "Condition": {{"ForAllValues:StringEquals": {{"aws:TagKeys": "Team"}}}}}}"#
    ));
    let key = arn_of(&alice(), key_with_policy(&mut kms, &policy));
    let bob = caller(BOB);
    let tags_of = |kms: &mut Engine| {
        kms.list_resource_tags(&alice(), ListResourceTagsRequest::new(key)).unwrap().tags
    };
    let tag = |pairs: &[(&str, &str)]| {
        TagResourceRequest::new(key, pairs.iter().map(|(k, v)| Tag::new(*k, *v)).collect())
    };
    type Row<'a> = (&'a str, &'a [(&'a str, &'a str)], Expect);
    let rows: [Row<'_>; 4] = [
        ("another value", &[("Project", "Beta")], Expect::Deny),
        ("a key outside TagKeys", &[("Project", "Alpha"), ("Owner", "bob")], Expect::Deny),
        ("without the required tag", &[("Team", "db")], Expect::Deny),
        ("the allowed tags", &[("Project", "Alpha"), ("Team", "db")], Expect::Allow),
    ];
    for (row, pairs, expected) in rows {
        let before = tags_of(&mut kms);
        expect(kms.tag_resource(&bob, tag(pairs)), expected, row);
        if expected == Expect::Deny {
            assert_eq!(tags_of(&mut kms), before, "{row}: a refused TagResource changes nothing");
        }
    }
    let untag = |keys: &[&str]| {
        UntagResourceRequest::new(key, keys.iter().map(|k| (*k).to_owned()).collect())
    };
    expect(kms.untag_resource(&bob, untag(&["Project"])), Expect::Deny, "untag Project");
    assert_eq!(tags_of(&mut kms).len(), 2, "a refused UntagResource changes nothing");
    expect(kms.untag_resource(&bob, untag(&["Team"])), Expect::Allow, "untag Team");
    assert_eq!(tags_of(&mut kms), [Tag::new("Project", "Alpha")]);
}

/// `ForAllValues` with `aws:RequestTag/*` matches requests without the tag: AWS refuses
/// such a policy (OverlyPermissiveCondition), in a key policy and an identity policy.
#[test]
fn for_all_values_on_request_tags_is_refused_as_overly_permissive() {
    let mut kms = engine();
    let key = symmetric_key(&mut kms, &alice());
    let before = kms.get_key_policy(&alice(), GetKeyPolicyRequest::new(key)).unwrap().policy;
    let overly = policy_with(&format!(
        r#", {{"Effect": "Allow", "Principal": {{"AWS": "{BOB}"}}, "Action": "kms:TagResource", "Resource": "*",
              "Condition": {{"ForAllValues:StringEquals": {{"aws:RequestTag/Project": "Alpha"}}}}}}"#
    ));
    let refused = kms.put_key_policy(&alice(), PutKeyPolicyRequest::new(key, overly)).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::MalformedPolicyDocument);
    assert!(refused.message.contains("OverlyPermissiveCondition"), "{}", refused.message);
    let after = kms.get_key_policy(&alice(), GetKeyPolicyRequest::new(key)).unwrap().policy;
    assert_eq!(after, before);
    let identity = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:CreateKey","Resource":"*",
        "Condition":{"ForAllValues:StringLike":{"aws:RequestTag/Env":"dev*"}}}]}"#;
    let refused = kms.put_identity_policy(BOB, "tags", identity).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::MalformedPolicyDocument);
    assert!(kms.identity_policies(BOB).is_empty());
}

/// CreateKey names no key: identity policies alone decide it, and they see its request
/// members, an omitted one as its default (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT, AWS_KMS,
/// single-Region, no bypass), and its tags. A refusal creates nothing and is audited.
#[test]
fn create_key_conditions_see_the_request_and_its_defaults() {
    use engine::api::Tag;
    use engine::spec::{KeySpec, KeyUsage, OriginType};
    let mut kms = explicit();
    kms.put_identity_policy(
        BOB,
        "create",
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"kms:CreateKey","Resource":"*","Condition":{
                "StringEquals":{"kms:KeySpec":"SYMMETRIC_DEFAULT","kms:KeyUsage":"ENCRYPT_DECRYPT","kms:KeyOrigin":"AWS_KMS"},
                "Bool":{"kms:MultiRegion":"false","kms:BypassPolicyLockoutSafetyCheck":"false"}}},
            {"Effect":"Deny","Action":"kms:CreateKey","Resource":"*","Condition":{
                "StringEquals":{"aws:RequestTag/Env":"prod"}}},
            {"Effect":"Deny","Action":"kms:CreateKey","Resource":"*","Condition":{
                "ForAnyValue:StringEquals":{"aws:TagKeys":"Forbidden"}}}]}"#,
    )
    .unwrap();
    let bob = caller(BOB);
    let lockout_free = policy_with(&format!(
        r#", {{"Effect": "Allow", "Principal": {{"AWS": "{BOB}"}}, "Action": "kms:*", "Resource": "*"}}"#
    ));
    let tagged =
        |key: &str, value: &str| CreateKeyRequest::new().with_tags(vec![Tag::new(key, value)]);
    let rows: Vec<(&str, CreateKeyRequest, Option<&str>)> = vec![
        ("every member omitted", CreateKeyRequest::new(), None),
        (
            "the defaults given",
            CreateKeyRequest::new()
                .with_key_spec(KeySpec::SymmetricDefault)
                .with_key_usage(KeyUsage::EncryptDecrypt)
                .with_origin(OriginType::AwsKms)
                .with_multi_region(false),
            None,
        ),
        ("a tag that is allowed", tagged("Env", "dev"), None),
        (
            "an HMAC key",
            CreateKeyRequest::new()
                .with_key_spec(KeySpec::Hmac256)
                .with_key_usage(KeyUsage::GenerateVerifyMac),
            Some("because no identity-based policy allows the kms:CreateKey action"),
        ),
        (
            "a multi-Region key",
            CreateKeyRequest::new().with_multi_region(true),
            Some("because no identity-based policy allows the kms:CreateKey action"),
        ),
        (
            "imported key material",
            CreateKeyRequest::new().with_origin(OriginType::External),
            Some("because no identity-based policy allows the kms:CreateKey action"),
        ),
        (
            "the lockout check bypassed",
            CreateKeyRequest::new()
                .with_policy(lockout_free)
                .with_bypass_policy_lockout_safety_check(true),
            Some("because no identity-based policy allows the kms:CreateKey action"),
        ),
        (
            "a denied tag value",
            tagged("Env", "prod"),
            Some("with an explicit deny in an identity-based policy"),
        ),
        (
            "a denied tag key",
            tagged("Forbidden", ""),
            Some("with an explicit deny in an identity-based policy"),
        ),
    ];
    for (row, request, refusal) in rows {
        let before = kms.key_count();
        let result = kms.create_key(&bob, request);
        match refusal {
            None => {
                result.unwrap_or_else(|e| panic!("{row}: {e}"));
                assert_eq!(kms.key_count(), before + 1, "{row}");
            }
            Some(ending) => {
                let denied = result.unwrap_err();
                assert_eq!(denied.kind, ErrorKind::AccessDenied, "{row}");
                assert_eq!(
                    denied.message,
                    format!(
                        "User: {BOB} is not authorized to perform: kms:CreateKey on resource: * {ending}"
                    ),
                    "{row}"
                );
                assert_eq!(kms.key_count(), before, "{row}: a refused CreateKey creates nothing");
                let record = kms.audit_log().records().last().unwrap();
                assert_eq!(
                    (record.event_name, record.error_code),
                    ("CreateKey", Some("AccessDeniedException")),
                    "{row}"
                );
            }
        }
    }
}

/// `kms:GrantIsForAWSResource` is true when an AWS service integrated with KMS makes the
/// CreateGrant, ListGrants or RevokeGrant call on the caller's behalf, false for a direct
/// call: the console default policy's "Allow attachment of persistent resources"
/// statement lets bob manage grants only through a service.
#[test]
fn grant_is_for_aws_resource_allows_grant_management_only_through_a_service() {
    use engine::api::{ListGrantsRequest, RevokeGrantRequest};
    let mut kms = engine();
    let policy = policy_with(&format!(
        r#", {{"Sid": "Allow attachment of persistent resources", "Effect": "Allow",
              "Principal": {{"AWS": "{BOB}"}},
              "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], "Resource": "*",
              "Condition": {{"Bool": {{"kms:GrantIsForAWSResource": "true"}}}}}}"#
    ));
    let key = arn_of(&alice(), key_with_policy(&mut kms, &policy));
    let direct = caller(BOB);
    let via_ebs = caller(BOB).with_service("ec2.amazonaws.com", "ec2.us-east-1.amazonaws.com");
    let grant = || CreateGrantRequest::new(key, CAROL, vec![GrantOperation::Decrypt]);

    let denied = kms.create_grant(&direct, grant()).unwrap_err();
    assert_eq!(
        (denied.kind, denied.message),
        (
            ErrorKind::AccessDenied,
            format!(
                "User: {BOB} is not authorized to perform: kms:CreateGrant on resource: {key} because no resource-based policy allows the kms:CreateGrant action"
            )
        )
    );
    let created = kms.create_grant(&via_ebs, grant()).unwrap();

    expect(
        kms.list_grants(&direct, ListGrantsRequest::new(key)),
        Expect::Deny,
        "direct ListGrants",
    );
    let listed = kms.list_grants(&via_ebs, ListGrantsRequest::new(key)).unwrap();
    assert_eq!(listed.grants.len(), 1);

    let revoke = || RevokeGrantRequest::new(key, created.grant_id);
    expect(kms.revoke_grant(&direct, revoke()), Expect::Deny, "direct RevokeGrant");
    expect(kms.revoke_grant(&via_ebs, revoke()), Expect::Allow, "RevokeGrant through EC2");

    // The statement is about grant management: it allows bob nothing else, even through
    // a service.
    expect(encrypt(&mut kms, &via_ebs, key), Expect::Deny, "Encrypt through EC2");

    // A direct call reads false: a Deny on false leaves only service-made grants.
    let deny_direct = format!(
        r#"{{"Version": "2012-10-17", "Statement": [
            {{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::111122223333:root"}}, "Action": "kms:*", "Resource": "*"}},
            {{"Effect": "Deny", "Principal": {{"AWS": "{BOB}"}}, "Action": "kms:CreateGrant", "Resource": "*",
              "Condition": {{"Bool": {{"kms:GrantIsForAWSResource": false}}}}}}]}}"#
    );
    let key = arn_of(&alice(), key_with_policy(&mut kms, &deny_direct));
    let grant = CreateGrantRequest::new(key, CAROL, vec![GrantOperation::Decrypt]);
    let denied = kms.create_grant(&direct, grant.clone()).unwrap_err();
    assert!(denied.message.ends_with("with an explicit deny in a resource-based policy"));
    kms.create_grant(&via_ebs, grant).unwrap();
}
