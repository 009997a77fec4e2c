//! The hot path of `Engine::authorize` against the full evaluator.

use super::*;
use crate::crypto::blob::EncryptionContext;
use crate::engine::{EngineConfig, NewGrant};
use crate::quota::QuotaConfig;
use crate::spec::GrantOperation;
use crate::time::Timestamp;

/// Wherever `authorize` skips evaluation (default key policy, the key's own account,
/// `AllowAll` with nothing registered, no grant tokens), the evaluator, given the very
/// context and policies the slow path would build, allows: for every operation, every kind
/// of caller, with and without the request values conditions read.
#[test]
fn the_hot_path_answers_what_evaluation_answers() {
    let now = Timestamp::from_unix_seconds(1_796_000_000);
    let mut kms =
        Engine::new(EngineConfig::new(Region::US_EAST_1, 1).with_quotas(QuotaConfig::disabled()));
    let pairs: EncryptionContext =
        [("Dept".to_owned(), "Finance".to_owned())].into_iter().collect();
    let operations = [GrantOperation::Encrypt, GrantOperation::Decrypt];
    let new_grant = NewGrant {
        operations: &operations,
        constraints: None,
        grantee: Some("arn:aws:iam::111122223333:role/bob"),
    };
    let tags = [Tag::new("team", "payments")];
    let tag_keys = ["team".to_owned()];
    let by_alias = crate::id::KeyRef::AliasName("alias/app".parse().expect("an alias name"));
    let mut checked = 0;
    for principal in [
        "arn:aws:iam::111122223333:root",
        "arn:aws:iam::111122223333:user/ops/alice",
        "arn:aws:iam::111122223333:role/alice",
        "arn:aws:sts::111122223333:assumed-role/app/session-1",
    ] {
        let plain = CallContext::new(principal.parse().expect("a principal"), now);
        let via = plain
            .clone()
            .with_service("s3.amazonaws.com", "s3.us-east-1.amazonaws.com")
            .with_source_ip("203.0.113.9".parse().expect("an IP"))
            .with_source_vpce("vpce-1a2b3c4d");
        for ctx in [plain, via] {
            let request = CreateKeyRequest::new().with_multi_region(true).with_tags(tags.to_vec());
            let key_id = kms.create_key(&ctx, request).expect("CreateKey").key_id();
            let key = &kms.store.keys[&key_id];
            assert!(key.policy_is_default && key.arn.account == ctx.account());
            assert!(kms.store.identities.allow_everyone());
            let mut accesses: Vec<Access<'_>> = Vec::new();
            for &operation in Operation::ALL {
                accesses.push(Access::new(operation));
                accesses.push(
                    Access::new(operation)
                        .with_context(&pairs)
                        .with_encryption_algorithm(Some(EncryptionAlgorithmSpec::SymmetricDefault))
                        .with_pending_window_in_days(Some(7))
                        .with_rotation_period_in_days(Some(90)),
                );
            }
            accesses.push(Access::re_encrypt_from().with_context(&pairs));
            accesses.push(Access::new(Operation::Encrypt).named_by(&by_alias));
            accesses.push(
                Access::new(Operation::TagResource).with_request_tags(RequestTags::Tags(&tags)),
            );
            accesses.push(
                Access::new(Operation::UntagResource)
                    .with_request_tags(RequestTags::Keys(&tag_keys)),
            );
            accesses.push(Access::re_encrypt_to());
            accesses.push(Access::new(Operation::CreateGrant).creating(new_grant));
            for access in &accesses {
                let resource = key.arn.to_string();
                let request = request_context(
                    Caller::from_principal(&ctx.principal),
                    &ctx,
                    access,
                    key,
                    &resource,
                    None,
                );
                let policies = PolicySet {
                    key_policy: &key.policy,
                    key_account: key.arn.account,
                    identity_policies: kms.store.identities.for_caller(request.caller()),
                    grant_allows: false,
                };
                assert_eq!(
                    policy::evaluate(&policies, &request),
                    Decision::Allow,
                    "{principal} {:?}",
                    access.operation
                );
                let mut touched = Touched::default();
                decide(&kms.store, &ctx, access, key, &mut touched).expect("the slow path allows");
                assert!(touched.grant.is_none());
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 8 * (2 * Operation::ALL.len() + 6));
}

/// The parsed default policy is AWS's text, shared by the account's keys.
#[test]
fn keys_share_their_accounts_parsed_default_policy() {
    let now = Timestamp::from_unix_seconds(1_796_000_000);
    let mut kms =
        Engine::new(EngineConfig::new(Region::US_EAST_1, 1).with_quotas(QuotaConfig::disabled()));
    let ctx = CallContext::new("arn:aws:iam::111122223333:role/alice".parse().expect("arn"), now);
    let a = kms.create_key(&ctx, CreateKeyRequest::new()).expect("CreateKey").key_id();
    let b = kms.create_key(&ctx, CreateKeyRequest::new()).expect("CreateKey").key_id();
    let (a, b) = (&kms.store.keys[&a], &kms.store.keys[&b]);
    assert!(Arc::ptr_eq(&a.policy, &b.policy));
    assert_eq!(a.policy.text(), default_key_policy_for(Region::US_EAST_1, ctx.account()));
}
