//! AWS managed keys (`alias/aws/<service>`): created on first use, usable only through
//! their service by their account, with a fixed policy and a yearly rotation nobody can
//! change, not counted as customer keys, listed by ListAliases before they exist.

use engine::api::{
    CreateAliasRequest, CreateGrantRequest, CreateKeyRequest, DecryptRequest, DescribeKeyRequest,
    DisableKeyRequest, DisableKeyRotationRequest, EnableKeyRotationRequest, EncryptRequest,
    GenerateDataKeyRequest, GetKeyPolicyRequest, GetKeyRotationStatusRequest, ListAliasesRequest,
    ListKeyRotationsRequest, ListKeysRequest, Page, PutKeyPolicyRequest,
    ScheduleKeyDeletionRequest, Tag, TagResourceRequest, UpdateKeyDescriptionRequest,
};
use engine::error::ErrorKind;
use engine::policy::default_key_policy;
use engine::spec::{DataKeySpec, GrantOperation, KeyManager, KeyState};
use engine::{CallContext, Engine, EngineConfig, EngineLimits, KeyRef, Region};

use crate::support::{T0, alice, engine, mallory};

fn key_ref(text: &str) -> KeyRef {
    text.parse().unwrap()
}

/// `ctx` calling through S3 in us-east-1.
fn through_s3(ctx: CallContext) -> CallContext {
    ctx.with_service("s3.amazonaws.com", "s3.us-east-1.amazonaws.com")
}

fn s3_aliases(kms: &mut Engine, ctx: &CallContext) -> Vec<(String, Option<String>)> {
    kms.list_aliases(ctx, ListAliasesRequest::new())
        .unwrap()
        .aliases
        .into_iter()
        .filter(|entry| entry.alias_name.as_str() == "alias/aws/s3")
        .map(|entry| (entry.alias_name.to_string(), entry.target_key_id.map(|k| k.to_string())))
        .collect()
}

#[test]
fn describe_key_on_a_predefined_alias_creates_the_key() {
    let (mut kms, ctx) = (engine(), alice());
    assert_eq!(s3_aliases(&mut kms, &ctx), [("alias/aws/s3".to_owned(), None)]);
    let first = kms.describe_key(&ctx, DescribeKeyRequest::new(key_ref("alias/aws/s3"))).unwrap();
    let metadata = first.key_metadata;
    assert_eq!(metadata.key_manager, KeyManager::Aws);
    assert_eq!(metadata.key_state, KeyState::Enabled);
    assert_eq!(
        metadata.description,
        "Default key that protects my S3 objects when no other key is defined"
    );
    let again = kms.describe_key(&ctx, DescribeKeyRequest::new(key_ref("alias/aws/s3"))).unwrap();
    assert_eq!(again.key_metadata.arn, metadata.arn, "the second use finds the same key");
    assert_eq!(
        s3_aliases(&mut kms, &ctx),
        [("alias/aws/s3".to_owned(), Some(metadata.arn.key_id.to_string()))]
    );
    // Its policy is AWS's fixed one, readable by the account (Get*).
    let policy = kms.get_key_policy(&ctx, GetKeyPolicyRequest::new(metadata.arn)).unwrap().policy;
    assert!(policy.contains(r#""kms:ViaService" : "s3.us-east-1.amazonaws.com""#), "{policy}");
    assert!(policy.contains(r#""kms:CallerAccount" : "111122223333""#), "{policy}");
    // Only the account's own alias: another account has its own, not created yet.
    assert_eq!(s3_aliases(&mut kms, &mallory()), [("alias/aws/s3".to_owned(), None)]);
}

#[test]
fn a_call_through_the_service_creates_and_uses_the_key() {
    let (mut kms, ctx) = (engine(), through_s3(alice()));
    let encrypted =
        kms.encrypt(&ctx, EncryptRequest::new(key_ref("alias/aws/s3"), "object key")).unwrap();
    let decrypted =
        kms.decrypt(&ctx, DecryptRequest::new(encrypted.ciphertext_blob.clone())).unwrap();
    assert_eq!(decrypted.plaintext.expose(), b"object key");
    kms.generate_data_key(
        &ctx,
        GenerateDataKeyRequest::new(key_ref("alias/aws/s3"), DataKeySpec::Aes256),
    )
    .unwrap();
    // The same principal calling KMS directly is refused by the key policy.
    let direct = kms.decrypt(&alice(), DecryptRequest::new(encrypted.ciphertext_blob)).unwrap_err();
    assert_eq!(direct.kind, ErrorKind::AccessDenied);
    assert!(
        direct.message.ends_with("because no resource-based policy allows the kms:Decrypt action"),
        "{}",
        direct.message
    );
    let direct =
        kms.encrypt(&alice(), EncryptRequest::new(key_ref("alias/aws/s3"), "x")).unwrap_err();
    assert_eq!(direct.kind, ErrorKind::AccessDenied);
}

#[test]
fn only_its_own_service_creates_the_key() {
    let mut kms = engine();
    let keys_before = kms.key_count();
    // Directly: the alias names no key yet.
    let direct =
        kms.encrypt(&alice(), EncryptRequest::new(key_ref("alias/aws/s3"), "x")).unwrap_err();
    assert_eq!(direct.kind, ErrorKind::NotFound);
    assert_eq!(
        direct.message,
        "Alias 'arn:aws:kms:us-east-1:111122223333:alias/aws/s3' is not found."
    );
    // Through another service.
    let through_ec2 = alice().with_service("ec2.amazonaws.com", "ec2.us-east-1.amazonaws.com");
    let other = kms.encrypt(&through_ec2, EncryptRequest::new(key_ref("alias/aws/s3"), "x"));
    assert_eq!(other.unwrap_err().kind, ErrorKind::NotFound);
    // Through the service but in another Region's endpoint.
    let elsewhere = alice().with_service("s3.amazonaws.com", "s3.eu-west-1.amazonaws.com");
    let other = kms.encrypt(&elsewhere, EncryptRequest::new(key_ref("alias/aws/s3"), "x"));
    assert_eq!(other.unwrap_err().kind, ErrorKind::NotFound);
    assert_eq!(kms.key_count(), keys_before, "no key was created");
    // EBS calls through EC2's endpoint.
    let ebs = kms.encrypt(&through_ec2, EncryptRequest::new(key_ref("alias/aws/ebs"), "x"));
    assert!(ebs.is_ok(), "{ebs:?}");
    assert_eq!(kms.key_count(), keys_before + 1);
}

#[test]
fn nobody_can_manage_it() {
    let mut kms = engine();
    let root = CallContext::new("arn:aws:iam::111122223333:root".parse().unwrap(), T0);
    let arn = kms
        .describe_key(&root, DescribeKeyRequest::new(key_ref("alias/aws/ebs")))
        .unwrap()
        .key_metadata
        .arn;
    let policy_before = kms.get_key_policy(&root, GetKeyPolicyRequest::new(arn)).unwrap().policy;
    for ctx in [alice(), root.clone()] {
        let refusals = [
            ("DisableKey", kms.disable_key(&ctx, DisableKeyRequest::new(arn)).map(drop)),
            (
                "ScheduleKeyDeletion",
                kms.schedule_key_deletion(&ctx, ScheduleKeyDeletionRequest::new(arn)).map(drop),
            ),
            (
                "PutKeyPolicy",
                kms.put_key_policy(
                    &ctx,
                    PutKeyPolicyRequest::new(arn, default_key_policy(ctx.account())),
                )
                .map(drop),
            ),
            (
                "EnableKeyRotation",
                kms.enable_key_rotation(
                    &ctx,
                    EnableKeyRotationRequest::new(arn).with_rotation_period_in_days(90),
                )
                .map(drop),
            ),
            (
                "DisableKeyRotation",
                kms.disable_key_rotation(&ctx, DisableKeyRotationRequest::new(arn)).map(drop),
            ),
            (
                "TagResource",
                kms.tag_resource(&ctx, TagResourceRequest::new(arn, vec![Tag::new("k", "v")]))
                    .map(drop),
            ),
            (
                "UpdateKeyDescription",
                kms.update_key_description(&ctx, UpdateKeyDescriptionRequest::new(arn, "mine"))
                    .map(drop),
            ),
            (
                "CreateAlias",
                kms.create_alias(&ctx, CreateAliasRequest::new("alias/mine".parse().unwrap(), arn))
                    .map(drop),
            ),
            (
                "CreateGrant",
                kms.create_grant(
                    &ctx,
                    CreateGrantRequest::new(
                        arn,
                        "arn:aws:iam::111122223333:role/bob",
                        vec![GrantOperation::Decrypt],
                    ),
                )
                .map(drop),
            ),
        ];
        for (operation, refused) in refusals {
            let error = refused.expect_err(operation);
            assert_eq!(error.kind, ErrorKind::AccessDenied, "{operation}: {}", error.message);
            assert!(
                error.message.contains(&format!("kms:{operation} on resource: {arn}")),
                "{operation}: {}",
                error.message
            );
        }
    }
    // Nothing changed: enabled, rotating yearly, its own policy, description and no tags.
    let metadata = kms.describe_key(&root, DescribeKeyRequest::new(arn)).unwrap().key_metadata;
    assert_eq!(metadata.key_state, KeyState::Enabled);
    assert!(metadata.description.contains("EBS volumes"));
    let status = kms.get_key_rotation_status(&root, GetKeyRotationStatusRequest::new(arn)).unwrap();
    assert!(status.key_rotation_enabled);
    assert_eq!(status.rotation_period_in_days, Some(365));
    assert_eq!(status.next_rotation_date, Some(T0.plus_days(365)));
    let policy = kms.get_key_policy(&root, GetKeyPolicyRequest::new(arn)).unwrap().policy;
    assert_eq!(policy, policy_before);
    assert!(
        kms.list_aliases(&root, ListAliasesRequest::new().with_key_id(arn))
            .unwrap()
            .aliases
            .iter()
            .all(|entry| entry.alias_name.as_str() == "alias/aws/ebs")
    );
}

#[test]
fn another_account_cannot_use_it_even_through_the_service() {
    let mut kms = engine();
    let ctx = through_s3(alice());
    let arn = kms
        .describe_key(&ctx, DescribeKeyRequest::new(key_ref("alias/aws/s3")))
        .unwrap()
        .key_metadata
        .arn;
    let refused = kms.encrypt(&through_s3(mallory()), EncryptRequest::new(arn, "x")).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::AccessDenied);
    // Another account's alias ARN creates nothing in that account.
    let alias_arn = key_ref("arn:aws:kms:us-east-1:111122223333:alias/aws/lambda");
    let through_lambda =
        mallory().with_service("lambda.amazonaws.com", "lambda.us-east-1.amazonaws.com");
    let refused = kms.encrypt(&through_lambda, EncryptRequest::new(alias_arn, "x")).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::NotFound);
}

#[test]
fn it_rotates_every_year() {
    let (mut kms, ctx) = (engine(), through_s3(alice()));
    let encrypted =
        kms.encrypt(&ctx, EncryptRequest::new(key_ref("alias/aws/s3"), "before")).unwrap();
    let arn = encrypted.key_id;
    let later = ctx.at(T0.plus_days(366));
    kms.advance_to(later.now);
    let rotations =
        kms.list_key_rotations(&alice().at(later.now), ListKeyRotationsRequest::new(arn)).unwrap();
    assert_eq!(rotations.rotations.len(), 1, "one automatic rotation after a year");
    // What was encrypted before the rotation still decrypts through the service.
    let decrypted = kms.decrypt(&later, DecryptRequest::new(encrypted.ciphertext_blob)).unwrap();
    assert_eq!(decrypted.plaintext.expose(), b"before");
}

#[test]
fn list_aliases_shows_the_predefined_aliases() {
    let (mut kms, ctx) = (engine(), alice());
    kms.create_key(&ctx, CreateKeyRequest::new()).unwrap();
    let aliases = kms.list_aliases(&ctx, ListAliasesRequest::new()).unwrap().aliases;
    let names: Vec<&str> = aliases.iter().map(|entry| entry.alias_name.as_str()).collect();
    assert_eq!(names.len(), 14, "{names:?}");
    for name in ["alias/aws/ebs", "alias/aws/s3", "alias/aws/redshift", "alias/aws/rds"] {
        assert!(names.contains(&name), "{name}");
    }
    assert!(names.windows(2).all(|pair| pair[0] < pair[1]), "in name order: {names:?}");
    for entry in &aliases {
        assert_eq!(
            entry.alias_arn.to_string(),
            format!("arn:aws:kms:us-east-1:111122223333:{}", entry.alias_name)
        );
        assert_eq!((entry.target_key_id, entry.creation_date), (None, None));
    }
    // A customer alias sorts among them; pages of 5 walk the same list.
    let key = kms.create_key(&ctx, CreateKeyRequest::new()).unwrap().key_id();
    kms.create_alias(&ctx, CreateAliasRequest::new("alias/b-app".parse().unwrap(), key)).unwrap();
    let all: Vec<String> = kms
        .list_aliases(&ctx, ListAliasesRequest::new())
        .unwrap()
        .aliases
        .iter()
        .map(|entry| entry.alias_name.to_string())
        .collect();
    assert_eq!(all.len(), 15);
    let mut paged = Vec::new();
    let mut marker = None;
    loop {
        let page = Page { limit: Some(5), marker: marker.take() };
        let response = kms.list_aliases(&ctx, ListAliasesRequest::new().with_page(page)).unwrap();
        paged.extend(response.aliases.iter().map(|entry| entry.alias_name.to_string()));
        match response.page_info.next_marker {
            Some(next) => marker = Some(next),
            None => break,
        }
    }
    assert_eq!(paged, all);
    // Filtered by a key, only that key's aliases.
    let mine = kms.list_aliases(&ctx, ListAliasesRequest::new().with_key_id(key)).unwrap().aliases;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].alias_name.as_str(), "alias/b-app");
}

#[test]
fn it_is_not_a_customer_managed_key() {
    let limits = EngineLimits { keys_per_account: 1, ..EngineLimits::default() };
    let mut kms = Engine::new(EngineConfig::new(Region::US_EAST_1, 7).with_limits(limits));
    let ctx = alice();
    kms.describe_key(&ctx, DescribeKeyRequest::new(key_ref("alias/aws/s3"))).unwrap();
    // The account's one customer managed key still fits.
    kms.create_key(&ctx, CreateKeyRequest::new()).unwrap();
    let second = kms.create_key(&ctx, CreateKeyRequest::new()).unwrap_err();
    assert_eq!(second.kind, ErrorKind::LimitExceeded);
    // ListKeys shows both, as AWS does.
    assert_eq!(kms.list_keys(&ctx, ListKeysRequest::new()).unwrap().keys.len(), 2);
}
