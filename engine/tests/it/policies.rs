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
