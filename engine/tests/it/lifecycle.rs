//! CreateKey, DescribeKey, ListKeys, Enable/DisableKey, UpdateKeyDescription,
//! Schedule/CancelKeyDeletion, and what `advance_to` does when a deletion window ends.

use engine::api::*;
use engine::audit::AuditSink;
use engine::spec::{KeyManager, KeySpec, KeyState, KeyUsage, MultiRegionKeyType, OriginType};
use engine::{CallContext, EngineConfig, EngineEvent, EngineLimits, ErrorKind, Region, Timestamp};

use crate::support::*;

#[test]
fn create_key_defaults_and_metadata() {
    let (mut kms, ctx) = (engine(), alice());
    let created = kms
        .create_key(&ctx, CreateKeyRequest::new().with_description("orders"))
        .unwrap()
        .key_metadata;
    assert_eq!(created.key_spec, KeySpec::SymmetricDefault);
    assert_eq!(created.key_usage, KeyUsage::EncryptDecrypt);
    assert_eq!(created.origin, OriginType::AwsKms);
    assert_eq!(created.key_manager, KeyManager::Customer);
    assert_eq!((created.key_state, created.enabled), (KeyState::Enabled, true));
    assert_eq!(created.creation_date, T0);
    assert_eq!(created.description, "orders");
    assert_eq!(created.aws_account_id, ctx.account());
    assert!(!created.multi_region && created.multi_region_configuration.is_none());
    assert_eq!(created.key_id.to_string().len(), 36);
    let described =
        kms.describe_key(&ctx, DescribeKeyRequest::new(created.key_id)).unwrap().key_metadata;
    assert_eq!(described, created);

    let mrk =
        kms.create_key(&ctx, CreateKeyRequest::new().with_multi_region(true)).unwrap().key_metadata;
    assert!(mrk.key_id.to_string().starts_with("mrk-") && mrk.multi_region);
    let config = mrk.multi_region_configuration.unwrap();
    assert_eq!(config.multi_region_key_type, MultiRegionKeyType::Primary);
    assert_eq!(config.primary_key.region, Region::US_EAST_1);
}

#[test]
fn create_key_rejects_what_aws_rejects() {
    let (mut kms, ctx) = (engine(), alice());
    let kind = |kms: &mut engine::Engine, req| kms.create_key(&ctx, req).unwrap_err().kind;
    assert_eq!(
        kind(&mut kms, CreateKeyRequest::new().with_key_spec(KeySpec::Hmac256)),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(&mut kms, CreateKeyRequest::new().with_key_usage(KeyUsage::SignVerify)),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(&mut kms, CreateKeyRequest::new().with_description("d".repeat(8193))),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(&mut kms, CreateKeyRequest::new().with_tags(vec![Tag::new("aws:x", "y")])),
        ErrorKind::Tag
    );
    assert_eq!(
        kind(
            &mut kms,
            CreateKeyRequest::new().with_tags(vec![Tag::new("a", "1"), Tag::new("a", "2")])
        ),
        ErrorKind::Tag
    );
    let e =
        kms.create_key(&ctx, CreateKeyRequest::new().with_key_spec(KeySpec::Rsa2048)).unwrap_err();
    // A key pair needs its KeyUsage (issue 10; key_pairs tests the rest).
    assert_eq!(e.kind, ErrorKind::Validation);
    assert!(e.message.contains("RSA_2048"), "{e}");
    assert_eq!(
        kind(&mut kms, CreateKeyRequest::hmac(KeySpec::Hmac256).with_origin(OriginType::External)),
        ErrorKind::UnsupportedOperation
    );
    kms.create_key(&ctx, CreateKeyRequest::new().with_description("d".repeat(8192))).unwrap();
    assert_eq!(kms.key_count(), 1, "failed calls created nothing");
}

#[test]
fn keys_per_account_limit() {
    let limits = EngineLimits { keys_per_account: 2, ..EngineLimits::default() };
    let mut kms = engine::Engine::new(EngineConfig::new(Region::US_EAST_1, 1).with_limits(limits));
    let ctx = alice();
    symmetric_key(&mut kms, &ctx);
    symmetric_key(&mut kms, &ctx);
    assert_eq!(
        kms.create_key(&ctx, CreateKeyRequest::new()).unwrap_err().kind,
        ErrorKind::LimitExceeded
    );
    symmetric_key(&mut kms, &mallory()); // another account has its own quota
}

#[test]
fn list_keys_paginates_per_account() {
    let (mut kms, ctx) = (engine(), alice());
    let mut ids: Vec<_> = (0..7).map(|_| symmetric_key(&mut kms, &ctx)).collect();
    symmetric_key(&mut kms, &mallory());
    ids.sort();
    let mut seen = Vec::new();
    let mut marker = None;
    loop {
        let page = kms
            .list_keys(&ctx, ListKeysRequest::new().with_page(Page { limit: Some(3), marker }))
            .unwrap();
        assert!(page.keys.len() <= 3);
        seen.extend(page.keys.iter().map(|k| k.key_id));
        assert!(
            page.keys
                .iter()
                .all(|k| k.key_arn.key_id == k.key_id && k.key_arn.account == ctx.account())
        );
        if !page.page_info.truncated {
            assert!(page.page_info.next_marker.is_none());
            break;
        }
        marker = page.page_info.next_marker;
    }
    assert_eq!(seen, ids);
    let default = kms.list_keys(&ctx, ListKeysRequest::new()).unwrap();
    assert_eq!((default.keys.len(), default.page_info.truncated), (7, false));
    for limit in [0, 1001] {
        let e = kms
            .list_keys(
                &ctx,
                ListKeysRequest::new().with_page(Page { limit: Some(limit), marker: None }),
            )
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Validation);
    }
    let bad = Page { limit: None, marker: Some("not-a-marker".to_owned()) };
    assert_eq!(
        kms.list_keys(&ctx, ListKeysRequest::new().with_page(bad)).unwrap_err().kind,
        ErrorKind::InvalidMarker
    );
    for shape in [String::new(), "m".repeat(1025), "snow\u{2603}".to_owned()] {
        let bad = Page { limit: None, marker: Some(shape) };
        assert_eq!(
            kms.list_keys(&ctx, ListKeysRequest::new().with_page(bad)).unwrap_err().kind,
            ErrorKind::Validation
        );
    }
}

#[test]
fn enable_disable_and_describe() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    kms.disable_key(&ctx, DisableKeyRequest::new(key)).unwrap();
    let metadata = kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata;
    assert_eq!((metadata.key_state, metadata.enabled), (KeyState::Disabled, false));
    let e = kms.encrypt(&ctx, EncryptRequest::new(key, "x")).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("DisabledException: arn:aws:kms:us-east-1:111122223333:key/{key} is disabled.")
    );
    kms.enable_key(&ctx, EnableKeyRequest::new(key)).unwrap();
    kms.encrypt(&ctx, EncryptRequest::new(key, "x")).unwrap();
    // Management operations take a key id or key ARN, never an alias.
    kms.create_alias(&ctx, CreateAliasRequest::new("alias/k".parse().unwrap(), key)).unwrap();
    let e = kms
        .disable_key(&ctx, DisableKeyRequest::new("alias/k".parse::<engine::KeyRef>().unwrap()))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    kms.update_key_description(&ctx, UpdateKeyDescriptionRequest::new(key, "new")).unwrap();
    assert_eq!(
        kms.describe_key(
            &ctx,
            DescribeKeyRequest::new("alias/k".parse::<engine::KeyRef>().unwrap())
        )
        .unwrap()
        .key_metadata
        .description,
        "new"
    );
    let e = kms
        .update_key_description(&ctx, UpdateKeyDescriptionRequest::new(key, "d".repeat(8193)))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Validation);
    assert_eq!(
        kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata.description,
        "new"
    );
}

#[test]
fn schedule_and_cancel_deletion() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    for bad in [0, 6, 31, 365] {
        let e = kms
            .schedule_key_deletion(
                &ctx,
                ScheduleKeyDeletionRequest::new(key).with_pending_window_in_days(bad),
            )
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Validation, "{bad} days");
        assert!(e.message.contains(&format!("Value '{bad}' at 'pendingWindowInDays'")), "{e}");
    }
    let scheduled = kms.schedule_key_deletion(&ctx, ScheduleKeyDeletionRequest::new(key)).unwrap();
    assert_eq!(scheduled.pending_window_in_days, 30);
    assert_eq!(scheduled.deletion_date, Some(T0.plus_days(30)));
    assert_eq!(scheduled.key_state, KeyState::PendingDeletion);
    let metadata = kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata;
    assert_eq!(
        (metadata.deletion_date, metadata.pending_deletion_window_in_days),
        (Some(T0.plus_days(30)), Some(30))
    );

    kms.cancel_key_deletion(&ctx, CancelKeyDeletionRequest::new(key)).unwrap();
    let metadata = kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata;
    assert_eq!(
        metadata.key_state,
        KeyState::Disabled,
        "a cancelled deletion leaves the key Disabled"
    );
    assert_eq!((metadata.deletion_date, metadata.pending_deletion_window_in_days), (None, None));
    // The cancelled deletion never happens.
    kms.advance_to(T0.plus_days(31));
    assert!(kms.drain_events().is_empty());
    kms.describe_key(&ctx.at(T0.plus_days(31)), DescribeKeyRequest::new(key)).unwrap();
}

#[test]
fn deletion_happens_exactly_at_the_end_of_the_window() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    let keep = symmetric_key(&mut kms, &ctx);
    kms.create_alias(&ctx, CreateAliasRequest::new("alias/doomed".parse().unwrap(), key)).unwrap();
    kms.create_alias(&ctx, CreateAliasRequest::new("alias/kept".parse().unwrap(), keep)).unwrap();
    let blob = kms.encrypt(&ctx, EncryptRequest::new(key, "x")).unwrap().ciphertext_blob;
    let due = kms
        .schedule_key_deletion(
            &ctx,
            ScheduleKeyDeletionRequest::new(key).with_pending_window_in_days(7),
        )
        .unwrap()
        .deletion_date
        .unwrap();

    let just_before = Timestamp::from_unix_nanos(due.unix_nanos() - 1);
    kms.advance_to(just_before);
    assert!(kms.drain_events().is_empty());
    let e = kms.decrypt(&ctx.at(just_before), DecryptRequest::new(blob.clone())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::KmsInvalidState);
    assert!(e.message.ends_with("is pending deletion."), "{e}");

    kms.advance_to(due);
    let events = kms.drain_events();
    assert_eq!(events.len(), 1);
    assert!(
        matches!(&events[0], EngineEvent::KeyDeleted { key: arn, at } if arn.key_id == key && *at == due)
    );
    let after = ctx.at(due);
    assert_eq!(
        kms.describe_key(&after, DescribeKeyRequest::new(key)).unwrap_err().kind,
        ErrorKind::NotFound
    );
    // Of the customer's aliases only the other key's is left (AWS's predefined ones stay).
    let aliases = kms.list_aliases(&after, ListAliasesRequest::new()).unwrap().aliases;
    let names: Vec<&str> = aliases
        .iter()
        .filter(|a| !a.alias_name.is_aws_reserved())
        .map(|a| a.alias_name.as_str())
        .collect();
    assert_eq!(names, ["alias/kept"]);
    assert_eq!(
        kms.decrypt(&after, DecryptRequest::new(blob)).unwrap_err().kind,
        ErrorKind::InvalidCiphertext
    );
    let deletes: Vec<_> =
        kms.audit_log().records().filter(|r| r.event_name == "DeleteKey").collect();
    assert_eq!(deletes.len(), 1);
    assert_eq!((deletes[0].event_type, deletes[0].event_time), ("AwsServiceEvent", due));
}

#[test]
fn a_call_performs_overdue_deletions_first() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    kms.schedule_key_deletion(
        &ctx,
        ScheduleKeyDeletionRequest::new(key).with_pending_window_in_days(7),
    )
    .unwrap();
    // No explicit advance_to: a call at a later `now` still sees the key gone.
    let later = ctx.at(T0.plus_days(8));
    assert_eq!(
        kms.enable_key(&later, EnableKeyRequest::new(key)).unwrap_err().kind,
        ErrorKind::NotFound
    );
    assert_eq!(kms.drain_events().len(), 1);
    assert_eq!(kms.clock(), T0.plus_days(8));
}

#[test]
fn count_only_sink_counts_without_records() {
    let mut kms = engine::Engine::new(
        EngineConfig::new(Region::US_EAST_1, 3).with_audit_sink(AuditSink::CountOnly),
    );
    let ctx: CallContext = alice();
    let key = symmetric_key(&mut kms, &ctx);
    kms.encrypt(&ctx, EncryptRequest::new(key, "x")).unwrap();
    kms.encrypt(&ctx, EncryptRequest::new(key, Vec::new())).unwrap_err();
    assert_eq!(kms.audit_log().records().len(), 0);
    let counts = kms.audit_log().counts();
    assert_eq!((counts.total, counts.errors), (3, 1));
    assert_eq!(counts.by_event_name.get("Encrypt"), Some(&2));
}

#[test]
fn get_key_last_usage_tracks_successful_cryptographic_calls() {
    let (mut kms, ctx) = (engine(), alice());
    let (a, b) = (symmetric_key(&mut kms, &ctx), symmetric_key(&mut kms, &ctx));
    let fresh = kms.get_key_last_usage(&ctx, GetKeyLastUsageRequest::new(a)).unwrap();
    assert_eq!(
        (fresh.key_last_usage, fresh.key_creation_date, fresh.tracking_start_date),
        (None, T0, T0)
    );

    let t1 = ctx.at(T0.plus_days(1));
    let blob = kms.encrypt(&t1, EncryptRequest::new(a, "x")).unwrap().ciphertext_blob;
    let usage = kms
        .get_key_last_usage(&t1, GetKeyLastUsageRequest::new(a))
        .unwrap()
        .key_last_usage
        .unwrap();
    assert_eq!((usage.operation, usage.timestamp), (Operation::Encrypt, T0.plus_days(1)));
    let record = kms.audit_log().records().find(|r| r.event_name == "Encrypt").unwrap();
    assert_eq!(
        (&usage.cloud_trail_event_id, &usage.kms_request_id),
        (&record.event_id, &record.request_id)
    );

    // Failed calls and non-cryptographic calls do not count.
    let t2 = ctx.at(T0.plus_days(2));
    kms.decrypt(
        &t2,
        DecryptRequest::new(blob.clone()).with_encryption_context(context(&[("x", "y")])),
    )
    .unwrap_err();
    kms.describe_key(&t2, DescribeKeyRequest::new(a)).unwrap();
    let usage = kms
        .get_key_last_usage(&t2, GetKeyLastUsageRequest::new(a))
        .unwrap()
        .key_last_usage
        .unwrap();
    assert_eq!(usage.operation, Operation::Encrypt);

    // ReEncrypt records on both keys.
    let t3 = ctx.at(T0.plus_days(3));
    kms.re_encrypt(&t3, ReEncryptRequest::new(blob, b)).unwrap();
    for key in [a, b] {
        let usage = kms
            .get_key_last_usage(&t3, GetKeyLastUsageRequest::new(key))
            .unwrap()
            .key_last_usage
            .unwrap();
        assert_eq!((usage.operation, usage.timestamp), (Operation::ReEncrypt, T0.plus_days(3)));
    }
}
