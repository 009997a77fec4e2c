//! Rotation: automatic (through `advance_to`) and on demand, listing, limits, conflicts, and
//! how rotation follows key state.

use engine::api::*;
use engine::spec::{IncludeKeyMaterial, KeyMaterialState, KeySpec, RotationType};
use engine::{
    EngineConfig, EngineEvent, EngineLimits, ErrorKind, KeyMaterialId, Region, Timestamp,
};

use crate::support::*;

fn current_material(
    kms: &mut engine::Engine,
    ctx: &engine::CallContext,
    key: engine::KeyId,
) -> KeyMaterialId {
    kms.describe_key(ctx, DescribeKeyRequest::new(key))
        .unwrap()
        .key_metadata
        .current_key_material_id
        .unwrap()
}

#[test]
fn every_ciphertext_decrypts_after_automatic_and_on_demand_rotations() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    let first = current_material(&mut kms, &ctx, key);
    let before = kms.encrypt(&ctx, EncryptRequest::new(key, "first")).unwrap().ciphertext_blob;
    kms.enable_key_rotation(
        &ctx,
        EnableKeyRotationRequest::new(key).with_rotation_period_in_days(90),
    )
    .unwrap();
    let status = kms.get_key_rotation_status(&ctx, GetKeyRotationStatusRequest::new(key)).unwrap();
    assert!(status.key_rotation_enabled);
    assert_eq!(
        (status.rotation_period_in_days, status.next_rotation_date),
        (Some(90), Some(T0.plus_days(90)))
    );

    // Nothing happens a nanosecond early; the rotation happens exactly on time.
    kms.advance_to(Timestamp::from_unix_nanos(T0.plus_days(90).unix_nanos() - 1));
    assert!(kms.drain_events().is_empty());
    kms.advance_to(T0.plus_days(90));
    let events = kms.drain_events();
    let [
        EngineEvent::KeyRotated {
            key_material_id: second,
            rotation_type: RotationType::Automatic,
            at,
            ..
        },
    ] = events[..]
    else {
        panic!("one automatic rotation expected, got {events:?}")
    };
    assert_eq!(at, T0.plus_days(90));
    let later = ctx.at(T0.plus_days(100));
    assert_eq!(current_material(&mut kms, &later, key), second);
    assert_ne!(second, first);
    let middle = kms.encrypt(&later, EncryptRequest::new(key, "second")).unwrap().ciphertext_blob;

    kms.rotate_key_on_demand(&later, RotateKeyOnDemandRequest::new(key)).unwrap();
    let third = current_material(&mut kms, &later, key);
    assert!(third != first && third != second);
    let after = kms.encrypt(&later, EncryptRequest::new(key, "third")).unwrap().ciphertext_blob;

    for (blob, plaintext, material) in
        [(before, "first", first), (middle, "second", second), (after, "third", third)]
    {
        let opened = kms.decrypt(&later, DecryptRequest::new(blob)).unwrap();
        assert_eq!(opened.plaintext.expose(), plaintext.as_bytes());
        assert_eq!(opened.key_material_id, material, "Decrypt names the material that decrypted");
    }

    // On-demand rotation does not move the automatic schedule.
    let status =
        kms.get_key_rotation_status(&later, GetKeyRotationStatusRequest::new(key)).unwrap();
    assert_eq!(status.next_rotation_date, Some(T0.plus_days(180)));

    let rotations =
        kms.list_key_rotations(&later, ListKeyRotationsRequest::new(key)).unwrap().rotations;
    let summary: Vec<_> = rotations
        .iter()
        .map(|r| (r.key_material_id, r.rotation_type, r.rotation_date, r.key_material_state))
        .collect();
    assert_eq!(
        summary,
        [
            (
                second,
                Some(RotationType::Automatic),
                Some(T0.plus_days(90)),
                KeyMaterialState::NonCurrent
            ),
            (
                third,
                Some(RotationType::OnDemand),
                Some(T0.plus_days(100)),
                KeyMaterialState::Current
            ),
        ]
    );
    let all = kms
        .list_key_rotations(
            &later,
            ListKeyRotationsRequest::new(key)
                .with_include_key_material(IncludeKeyMaterial::AllKeyMaterial),
        )
        .unwrap()
        .rotations;
    assert_eq!(all.len(), 3);
    assert_eq!(
        (all[0].key_material_id, all[0].rotation_type, all[0].rotation_date),
        (first, None, None)
    );

    let records: Vec<_> =
        kms.audit_log().records().filter(|r| r.event_name == "RotateKey").collect();
    assert_eq!(records.len(), 2, "each rotation is recorded as RotateKey");
    assert_eq!(records[0].event_type, "AwsServiceEvent");
}

#[test]
fn the_twenty_sixth_on_demand_rotation_exceeds_the_limit() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    for i in 0..25 {
        kms.rotate_key_on_demand(&ctx.at(T0.plus_nanos(i)), RotateKeyOnDemandRequest::new(key))
            .unwrap();
    }
    let e = kms
        .rotate_key_on_demand(&ctx.at(T0.plus_days(1)), RotateKeyOnDemandRequest::new(key))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
    let all = ListKeyRotationsRequest::new(key)
        .with_include_key_material(IncludeKeyMaterial::AllKeyMaterial);
    assert_eq!(
        kms.list_key_rotations(&ctx, all).unwrap().rotations.len(),
        26,
        "the failed call added nothing"
    );

    // The limit is configurable (AWS's was 10 until 2025).
    let limits = EngineLimits { on_demand_rotations_per_key: 10, ..EngineLimits::default() };
    let config = EngineConfig::new(Region::US_EAST_1, 1).with_limits(limits);
    let mut old = engine::Engine::new(config.with_quotas(engine::quota::QuotaConfig::disabled()));
    let key = symmetric_key(&mut old, &ctx);
    for _ in 0..10 {
        old.rotate_key_on_demand(&ctx, RotateKeyOnDemandRequest::new(key)).unwrap();
    }
    assert_eq!(
        old.rotate_key_on_demand(&ctx, RotateKeyOnDemandRequest::new(key)).unwrap_err().kind,
        ErrorKind::LimitExceeded
    );
}

#[test]
fn on_demand_rotation_conflicts() {
    let mut kms = engine::Engine::new(
        EngineConfig::new(Region::US_EAST_1, 1).with_on_demand_rotation_ns(30 * 1_000_000_000),
    );
    let ctx = alice();
    let key = symmetric_key(&mut kms, &ctx);
    kms.rotate_key_on_demand(&ctx, RotateKeyOnDemandRequest::new(key)).unwrap();
    let status = kms.get_key_rotation_status(&ctx, GetKeyRotationStatusRequest::new(key)).unwrap();
    assert_eq!(status.on_demand_rotation_start_date, Some(T0), "in progress for 30 s");
    let e = kms
        .rotate_key_on_demand(
            &ctx.at(T0.plus_nanos(1_000_000_000)),
            RotateKeyOnDemandRequest::new(key),
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Conflict);
    assert_eq!(e.aws_code(), "ConflictException");
    let done = ctx.at(T0.plus_nanos(30 * 1_000_000_000));
    let status = kms.get_key_rotation_status(&done, GetKeyRotationStatusRequest::new(key)).unwrap();
    assert_eq!(status.on_demand_rotation_start_date, None);
    assert_eq!(
        kms.list_key_rotations(&done, ListKeyRotationsRequest::new(key)).unwrap().rotations.len(),
        1
    );

    // An automatic rotation due within 20 minutes blocks on-demand rotation.
    kms.enable_key_rotation(
        &done,
        EnableKeyRotationRequest::new(key).with_rotation_period_in_days(90),
    )
    .unwrap();
    let due = T0.plus_nanos(30 * 1_000_000_000).plus_days(90);
    let almost = ctx.at(Timestamp::from_unix_nanos(due.unix_nanos() - 20 * 60 * 1_000_000_000));
    assert_eq!(
        kms.rotate_key_on_demand(&almost, RotateKeyOnDemandRequest::new(key)).unwrap_err().kind,
        ErrorKind::Conflict
    );
    let earlier = ctx.at(Timestamp::from_unix_nanos(due.unix_nanos() - 21 * 60 * 1_000_000_000));
    kms.rotate_key_on_demand(&earlier, RotateKeyOnDemandRequest::new(key)).unwrap();
}

#[test]
fn rotation_validation_and_unsupported_keys() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    for bad in [0, 89, 2561] {
        let e = kms
            .enable_key_rotation(
                &ctx,
                EnableKeyRotationRequest::new(key).with_rotation_period_in_days(bad),
            )
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Validation, "{bad}");
    }
    kms.enable_key_rotation(
        &ctx,
        EnableKeyRotationRequest::new(key).with_rotation_period_in_days(2560),
    )
    .unwrap();
    kms.enable_key_rotation(&ctx, EnableKeyRotationRequest::new(key)).unwrap();
    let status = kms.get_key_rotation_status(&ctx, GetKeyRotationStatusRequest::new(key)).unwrap();
    assert_eq!(
        (status.rotation_period_in_days, status.next_rotation_date),
        (Some(365), Some(T0.plus_days(365)))
    );
    kms.disable_key_rotation(&ctx, DisableKeyRotationRequest::new(key)).unwrap();
    let status = kms.get_key_rotation_status(&ctx, GetKeyRotationStatusRequest::new(key)).unwrap();
    assert_eq!((status.key_rotation_enabled, status.next_rotation_date), (false, None));
    kms.advance_to(T0.plus_days(400));
    assert!(kms.drain_events().is_empty(), "a disabled schedule never fires");

    let mac = hmac_key(&mut kms, &ctx, KeySpec::Hmac256);
    for result in [
        kms.enable_key_rotation(&ctx, EnableKeyRotationRequest::new(mac)).map(drop),
        kms.disable_key_rotation(&ctx, DisableKeyRotationRequest::new(mac)).map(drop),
        kms.get_key_rotation_status(&ctx, GetKeyRotationStatusRequest::new(mac)).map(drop),
        kms.rotate_key_on_demand(&ctx, RotateKeyOnDemandRequest::new(mac)).map(drop),
        kms.list_key_rotations(&ctx, ListKeyRotationsRequest::new(mac)).map(drop),
    ] {
        assert_eq!(result.unwrap_err().kind, ErrorKind::UnsupportedOperation);
    }
}

#[test]
fn a_new_period_keeps_the_anchor() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    kms.enable_key_rotation(
        &ctx,
        EnableKeyRotationRequest::new(key).with_rotation_period_in_days(365),
    )
    .unwrap();
    let later = ctx.at(T0.plus_days(100));
    kms.enable_key_rotation(
        &later,
        EnableKeyRotationRequest::new(key).with_rotation_period_in_days(180),
    )
    .unwrap();
    let status =
        kms.get_key_rotation_status(&later, GetKeyRotationStatusRequest::new(key)).unwrap();
    assert_eq!(status.next_rotation_date, Some(T0.plus_days(180)));
    // A period shorter than the time since the anchor rotates at once.
    let much_later = ctx.at(T0.plus_days(170));
    kms.enable_key_rotation(
        &much_later,
        EnableKeyRotationRequest::new(key).with_rotation_period_in_days(90),
    )
    .unwrap();
    kms.advance_to(T0.plus_days(170));
    assert!(
        matches!(kms.drain_events()[..], [EngineEvent::KeyRotated { at, .. }] if at == T0.plus_days(170))
    );
    let status =
        kms.get_key_rotation_status(&much_later, GetKeyRotationStatusRequest::new(key)).unwrap();
    assert_eq!(status.next_rotation_date, Some(T0.plus_days(260)));
}

#[test]
fn rotation_waits_while_the_key_is_disabled_or_pending_deletion() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    kms.enable_key_rotation(
        &ctx,
        EnableKeyRotationRequest::new(key).with_rotation_period_in_days(90),
    )
    .unwrap();
    kms.disable_key(&ctx, DisableKeyRequest::new(key)).unwrap();
    kms.advance_to(T0.plus_days(120));
    assert!(kms.drain_events().is_empty(), "a disabled key is not rotated");
    let enabled_at = ctx.at(T0.plus_days(120));
    kms.enable_key(&enabled_at, EnableKeyRequest::new(key)).unwrap();
    assert!(
        matches!(kms.drain_events()[..], [EngineEvent::KeyRotated { at, rotation_type: RotationType::Automatic, .. }] if at == T0.plus_days(120)),
        "the overdue rotation happens when the key is enabled again"
    );
    let status =
        kms.get_key_rotation_status(&enabled_at, GetKeyRotationStatusRequest::new(key)).unwrap();
    assert_eq!(status.next_rotation_date, Some(T0.plus_days(210)));

    // Pending deletion: the status reads disabled, and cancelling restores it.
    kms.schedule_key_deletion(&enabled_at, ScheduleKeyDeletionRequest::new(key)).unwrap();
    let status =
        kms.get_key_rotation_status(&enabled_at, GetKeyRotationStatusRequest::new(key)).unwrap();
    assert!(!status.key_rotation_enabled);
    kms.cancel_key_deletion(&enabled_at, CancelKeyDeletionRequest::new(key)).unwrap();
    let status =
        kms.get_key_rotation_status(&enabled_at, GetKeyRotationStatusRequest::new(key)).unwrap();
    assert_eq!((status.key_rotation_enabled, status.rotation_period_in_days), (true, Some(90)));
}

#[test]
fn list_key_rotations_paginates() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    for _ in 0..5 {
        kms.rotate_key_on_demand(&ctx, RotateKeyOnDemandRequest::new(key)).unwrap();
    }
    let mut seen = Vec::new();
    let mut marker = None;
    loop {
        let page = kms
            .list_key_rotations(
                &ctx,
                ListKeyRotationsRequest::new(key).with_page(Page { limit: Some(2), marker }),
            )
            .unwrap();
        seen.extend(page.rotations.iter().map(|r| r.key_material_id));
        if !page.page_info.truncated {
            break;
        }
        marker = page.page_info.next_marker;
    }
    assert_eq!(seen.len(), 5);
    let all = kms.list_key_rotations(&ctx, ListKeyRotationsRequest::new(key)).unwrap().rotations;
    assert_eq!(seen, all.iter().map(|r| r.key_material_id).collect::<Vec<_>>());
    let bad = Page { limit: None, marker: Some("00".repeat(32)) };
    assert_eq!(
        kms.list_key_rotations(&ctx, ListKeyRotationsRequest::new(key).with_page(bad))
            .unwrap_err()
            .kind,
        ErrorKind::InvalidMarker
    );
}
