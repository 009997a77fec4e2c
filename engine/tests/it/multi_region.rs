//! Multi-Region keys with two (and three) engines: replication as messages delivered late,
//! shuffled and duplicated; rotation reaching replicas; UpdatePrimaryRegion; deletion rules.

use engine::api::*;
use engine::replication::ReplicationMessage;
use engine::spec::{KeyState, MultiRegionKeyType};
use engine::{Engine, ErrorKind, KeyId, Region, Timestamp};

use crate::support::*;

/// Alice of [`alice`], and bob of her account.
const ALICE: &str = "arn:aws:iam::111122223333:role/alice";
const BOB: &str = "arn:aws:iam::111122223333:role/bob";

fn in_region(region: Region, seed: u64) -> Engine {
    use engine::audit::AuditSink;
    use engine::quota::QuotaConfig;
    Engine::new(
        engine::EngineConfig::new(region, seed)
            .with_audit_sink(AuditSink::KeepAll)
            .with_quotas(QuotaConfig::disabled()),
    )
}

/// Delivers every message to its destination, in the order given, at `now`.
fn deliver(messages: Vec<ReplicationMessage>, engines: &mut [&mut Engine], now: Timestamp) {
    for message in messages {
        let engine = engines
            .iter_mut()
            .find(|e| e.region() == message.destination_region)
            .expect("a destination");
        engine.apply_replication(message, now).unwrap();
    }
}

/// A deterministic shuffle with duplicates: every message twice, in a scrambled order.
fn shuffled_and_duplicated(
    messages: Vec<ReplicationMessage>,
    seed: u64,
) -> Vec<ReplicationMessage> {
    let mut doubled: Vec<_> = messages.clone();
    doubled.extend(messages);
    let mut state = seed | 1;
    for i in (1..doubled.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        doubled.swap(i, usize::try_from(state % (i as u64 + 1)).unwrap());
    }
    doubled
}

fn materials(
    kms: &mut Engine,
    ctx: &engine::CallContext,
    key: KeyId,
) -> Vec<engine::KeyMaterialId> {
    use engine::spec::IncludeKeyMaterial;
    let request = ListKeyRotationsRequest::new(key)
        .with_include_key_material(IncludeKeyMaterial::AllKeyMaterial);
    kms.list_key_rotations(ctx, request)
        .unwrap()
        .rotations
        .iter()
        .map(|r| r.key_material_id)
        .collect()
}

#[test]
fn replicas_converge_whatever_the_delivery_order() {
    let (mut east, mut west) = (in_region(Region::US_EAST_1, 1), in_region(Region::EU_WEST_1, 2));
    let ctx = alice();
    let key =
        east.create_key(&ctx, CreateKeyRequest::new().with_multi_region(true)).unwrap().key_id();
    let replicated = east
        .replicate_key(
            &ctx,
            ReplicateKeyRequest::new(key, Region::EU_WEST_1).with_description("dr"),
        )
        .unwrap();
    let replica = replicated.replica_key_metadata;
    assert_eq!(
        (replica.key_state, replica.arn.region, replica.key_id),
        (KeyState::Creating, Region::EU_WEST_1, key)
    );
    assert_eq!(
        replica.multi_region_configuration.unwrap().multi_region_key_type,
        MultiRegionKeyType::Replica
    );
    // Before delivery the replica Region has no such key.
    assert_eq!(
        west.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap_err().kind,
        ErrorKind::NotFound
    );

    let blob_v1 = east.encrypt(&ctx, EncryptRequest::new(key, "v1")).unwrap().ciphertext_blob;
    east.rotate_key_on_demand(&ctx, RotateKeyOnDemandRequest::new(key)).unwrap();
    east.rotate_key_on_demand(&ctx, RotateKeyOnDemandRequest::new(key)).unwrap();
    let blob_v3 = east.encrypt(&ctx, EncryptRequest::new(key, "v3")).unwrap().ciphertext_blob;
    let messages = east.drain_outbox();
    assert_eq!(messages.len(), 3, "ReplicateKey and two rotations each send the whole state");

    // Only the oldest message arrives first: the replica exists, with the first material.
    deliver(vec![messages[0].clone()], &mut [&mut west], T0);
    assert_eq!(
        west.decrypt(&ctx, DecryptRequest::new(blob_v1.clone())).unwrap().plaintext.expose(),
        b"v1"
    );
    let e = west.decrypt(&ctx, DecryptRequest::new(blob_v3.clone())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidCiphertext, "material not yet replicated");

    // Then everything, shuffled and twice over.
    deliver(shuffled_and_duplicated(messages, 7), &mut [&mut west], T0);
    assert_eq!(materials(&mut west, &ctx, key), materials(&mut east, &ctx, key));
    assert_eq!(materials(&mut east, &ctx, key).len(), 3);
    for blob in [&blob_v1, &blob_v3] {
        west.decrypt(&ctx, DecryptRequest::new(blob.clone())).unwrap();
    }
    // A ciphertext made in the replica Region decrypts in the primary's, and back.
    let from_west =
        west.encrypt(&ctx, EncryptRequest::new(key, "from west")).unwrap().ciphertext_blob;
    assert_eq!(
        east.decrypt(&ctx, DecryptRequest::new(from_west)).unwrap().plaintext.expose(),
        b"from west"
    );

    let metadata = west.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata;
    assert_eq!((metadata.key_state, metadata.description.as_str()), (KeyState::Enabled, "dr"));
    let config = metadata.multi_region_configuration.unwrap();
    assert_eq!(
        (config.multi_region_key_type, config.primary_key.region),
        (MultiRegionKeyType::Replica, Region::US_EAST_1)
    );
    assert_eq!(
        config.replica_keys.iter().map(|r| r.region).collect::<Vec<_>>(),
        [Region::EU_WEST_1]
    );
    assert!(
        west.audit_log()
            .records()
            .any(|r| r.event_name == "CreateKey" && r.event_type == "AwsServiceEvent")
    );
}

#[test]
fn automatic_rotation_and_its_schedule_reach_replicas() {
    let (mut east, mut west) = (in_region(Region::US_EAST_1, 1), in_region(Region::EU_WEST_1, 2));
    let ctx = alice();
    let key =
        east.create_key(&ctx, CreateKeyRequest::new().with_multi_region(true)).unwrap().key_id();
    east.replicate_key(&ctx, ReplicateKeyRequest::new(key, Region::EU_WEST_1)).unwrap();
    east.enable_key_rotation(
        &ctx,
        EnableKeyRotationRequest::new(key).with_rotation_period_in_days(90),
    )
    .unwrap();
    deliver(east.drain_outbox(), &mut [&mut west], T0);
    let status = west.get_key_rotation_status(&ctx, GetKeyRotationStatusRequest::new(key)).unwrap();
    assert_eq!((status.key_rotation_enabled, status.rotation_period_in_days), (true, Some(90)));
    // Rotation is set on the primary only.
    let e = west.rotate_key_on_demand(&ctx, RotateKeyOnDemandRequest::new(key)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnsupportedOperation);

    let later = T0.plus_days(90);
    east.advance_to(later);
    west.advance_to(later);
    assert_eq!(materials(&mut west, &ctx, key).len(), 1, "replicas do not rotate on their own");
    deliver(east.drain_outbox(), &mut [&mut west], later);
    assert_eq!(materials(&mut west, &ctx, key), materials(&mut east, &ctx, key));
    assert_eq!(materials(&mut west, &ctx, key).len(), 2);
}

#[test]
fn replicate_key_rules() {
    let mut east = in_region(Region::US_EAST_1, 1);
    let ctx = alice();
    let single = symmetric_key(&mut east, &ctx);
    let e =
        east.replicate_key(&ctx, ReplicateKeyRequest::new(single, Region::EU_WEST_1)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnsupportedOperation);
    let key =
        east.create_key(&ctx, CreateKeyRequest::new().with_multi_region(true)).unwrap().key_id();
    assert_eq!(
        east.replicate_key(&ctx, ReplicateKeyRequest::new(key, Region::US_EAST_1))
            .unwrap_err()
            .kind,
        ErrorKind::Validation
    );
    let china: Region = "cn-north-1".parse().unwrap();
    assert_eq!(
        east.replicate_key(&ctx, ReplicateKeyRequest::new(key, china)).unwrap_err().kind,
        ErrorKind::Validation
    );
    east.replicate_key(&ctx, ReplicateKeyRequest::new(key, Region::EU_WEST_1)).unwrap();
    let e = east.replicate_key(&ctx, ReplicateKeyRequest::new(key, Region::EU_WEST_1)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::AlreadyExists);
    // The failed calls sent nothing.
    assert_eq!(east.drain_outbox().len(), 1);
    // A replica cannot be replicated.
    let mut west = in_region(Region::EU_WEST_1, 2);
    let mut messages = east.drain_outbox();
    messages.extend(
        east.replicate_key(&ctx, ReplicateKeyRequest::new(key, Region::US_WEST_2))
            .map(|_| east.drain_outbox())
            .unwrap(),
    );
    deliver(
        messages.into_iter().filter(|m| m.destination_region == Region::EU_WEST_1).collect(),
        &mut [&mut west],
        T0,
    );
    let e = west
        .replicate_key(&ctx, ReplicateKeyRequest::new(key, Region::AP_SOUTHEAST_1))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnsupportedOperation);
    // Every replica learns of every other.
    let config = west
        .describe_key(&ctx, DescribeKeyRequest::new(key))
        .unwrap()
        .key_metadata
        .multi_region_configuration
        .unwrap();
    assert_eq!(
        config.replica_keys.iter().map(|r| r.region).collect::<Vec<_>>(),
        [Region::EU_WEST_1, Region::US_WEST_2]
    );
}

#[test]
fn update_primary_region_swaps_roles() {
    let (mut east, mut west) = (in_region(Region::US_EAST_1, 1), in_region(Region::EU_WEST_1, 2));
    let ctx = alice();
    let key =
        east.create_key(&ctx, CreateKeyRequest::new().with_multi_region(true)).unwrap().key_id();
    east.replicate_key(&ctx, ReplicateKeyRequest::new(key, Region::EU_WEST_1)).unwrap();
    deliver(east.drain_outbox(), &mut [&mut west], T0);

    east.update_primary_region(&ctx, UpdatePrimaryRegionRequest::new(key, Region::EU_WEST_1))
        .unwrap();
    let state = |kms: &mut Engine| {
        kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata
    };
    assert_eq!(state(&mut east).key_state, KeyState::Updating);
    east.encrypt(&ctx, EncryptRequest::new(key, "still works while Updating")).unwrap();
    // The old primary cannot be updated again while it waits.
    assert_eq!(
        east.update_primary_region(&ctx, UpdatePrimaryRegionRequest::new(key, Region::EU_WEST_1))
            .unwrap_err()
            .kind,
        ErrorKind::UnsupportedOperation
    );
    deliver(east.drain_outbox(), &mut [&mut west], T0);
    let promoted = state(&mut west).multi_region_configuration.unwrap();
    assert_eq!(
        (promoted.multi_region_key_type, promoted.primary_key.region),
        (MultiRegionKeyType::Primary, Region::EU_WEST_1)
    );
    deliver(west.drain_outbox(), &mut [&mut east], T0);
    let demoted = state(&mut east);
    assert_eq!(demoted.key_state, KeyState::Enabled, "the new primary's sync ends Updating");
    assert_eq!(
        demoted.multi_region_configuration.unwrap().multi_region_key_type,
        MultiRegionKeyType::Replica
    );
    // The new primary now rotates and replicates.
    west.rotate_key_on_demand(&ctx, RotateKeyOnDemandRequest::new(key)).unwrap();
    deliver(west.drain_outbox(), &mut [&mut east], T0);
    assert_eq!(materials(&mut east, &ctx, key), materials(&mut west, &ctx, key));
    assert_eq!(
        east.update_primary_region(&ctx, UpdatePrimaryRegionRequest::new(key, Region::US_WEST_2))
            .unwrap_err()
            .kind,
        ErrorKind::UnsupportedOperation,
        "only the primary's Region can move the primary"
    );
}

#[test]
fn a_primary_waits_for_its_replicas_to_be_deleted() {
    let (mut east, mut west) = (in_region(Region::US_EAST_1, 1), in_region(Region::EU_WEST_1, 2));
    let ctx = alice();
    let key =
        east.create_key(&ctx, CreateKeyRequest::new().with_multi_region(true)).unwrap().key_id();
    east.replicate_key(&ctx, ReplicateKeyRequest::new(key, Region::EU_WEST_1)).unwrap();
    deliver(east.drain_outbox(), &mut [&mut west], T0);
    let primary = east
        .schedule_key_deletion(
            &ctx,
            ScheduleKeyDeletionRequest::new(key).with_pending_window_in_days(7),
        )
        .unwrap();
    assert_eq!(
        (primary.key_state, primary.deletion_date),
        (KeyState::PendingReplicaDeletion, None)
    );
    east.schedule_key_deletion(
        &ctx,
        ScheduleKeyDeletionRequest::new(key).with_pending_window_in_days(7),
    )
    .unwrap_err();
    west.schedule_key_deletion(
        &ctx,
        ScheduleKeyDeletionRequest::new(key).with_pending_window_in_days(7),
    )
    .unwrap();

    // Day 7: the replica goes, and tells the primary, whose own 7 days start then.
    let day7 = T0.plus_days(7);
    west.advance_to(day7);
    let replica_gone = west.drain_outbox();
    assert_eq!(
        replica_gone.iter().map(ReplicationMessage::kind_name).collect::<Vec<_>>(),
        ["ReplicaDeleted"]
    );
    east.advance_to(day7);
    assert_eq!(
        east.describe_key(&ctx.at(day7), DescribeKeyRequest::new(key))
            .unwrap()
            .key_metadata
            .key_state,
        KeyState::PendingReplicaDeletion
    );
    deliver(replica_gone, &mut [&mut east], day7);
    let metadata =
        east.describe_key(&ctx.at(day7), DescribeKeyRequest::new(key)).unwrap().key_metadata;
    assert_eq!(
        (metadata.key_state, metadata.deletion_date),
        (KeyState::PendingDeletion, Some(T0.plus_days(14)))
    );
    east.advance_to(T0.plus_days(14));
    assert_eq!(
        east.describe_key(&ctx.at(T0.plus_days(14)), DescribeKeyRequest::new(key))
            .unwrap_err()
            .kind,
        ErrorKind::NotFound
    );
}

#[test]
fn a_late_message_does_not_revive_a_deleted_replica() {
    let (mut east, mut west) = (in_region(Region::US_EAST_1, 1), in_region(Region::EU_WEST_1, 2));
    let ctx = alice();
    let key =
        east.create_key(&ctx, CreateKeyRequest::new().with_multi_region(true)).unwrap().key_id();
    east.replicate_key(&ctx, ReplicateKeyRequest::new(key, Region::EU_WEST_1)).unwrap();
    let first = east.drain_outbox();
    deliver(first.clone(), &mut [&mut west], T0);
    west.schedule_key_deletion(
        &ctx,
        ScheduleKeyDeletionRequest::new(key).with_pending_window_in_days(7),
    )
    .unwrap();
    west.advance_to(T0.plus_days(7));
    deliver(first, &mut [&mut west], T0.plus_days(8));
    assert_eq!(
        west.describe_key(&ctx.at(T0.plus_days(8)), DescribeKeyRequest::new(key)).unwrap_err().kind,
        ErrorKind::NotFound
    );
    // Replicating again (a newer version) does create it.
    deliver(west.drain_outbox(), &mut [&mut east], T0.plus_days(8));
    east.replicate_key(&ctx.at(T0.plus_days(8)), ReplicateKeyRequest::new(key, Region::EU_WEST_1))
        .unwrap();
    deliver(east.drain_outbox(), &mut [&mut west], T0.plus_days(8));
    west.describe_key(&ctx.at(T0.plus_days(8)), DescribeKeyRequest::new(key)).unwrap();
}

#[test]
fn a_replica_is_creating_for_the_configured_time() {
    use engine::quota::QuotaConfig;
    let mut east = in_region(Region::US_EAST_1, 1);
    let mut west = Engine::new(
        engine::EngineConfig::new(Region::EU_WEST_1, 2)
            .with_replica_creation_ns(3_000_000_000)
            .with_quotas(QuotaConfig::disabled()),
    );
    let ctx = alice();
    let key =
        east.create_key(&ctx, CreateKeyRequest::new().with_multi_region(true)).unwrap().key_id();
    east.replicate_key(&ctx, ReplicateKeyRequest::new(key, Region::EU_WEST_1)).unwrap();
    deliver(east.drain_outbox(), &mut [&mut west], T0);
    let e = west.encrypt(&ctx, EncryptRequest::new(key, "x")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::KmsInvalidState);
    assert!(e.message.ends_with("is creating."), "{e}");
    west.encrypt(&ctx.at(T0.plus_nanos(3_000_000_000)), EncryptRequest::new(key, "x")).unwrap();
    let misrouted = east
        .replicate_key(&ctx, ReplicateKeyRequest::new(key, Region::US_WEST_2))
        .map(|_| east.drain_outbox())
        .unwrap();
    assert_eq!(
        west.apply_replication(misrouted[1].clone(), T0).unwrap_err().kind,
        ErrorKind::Validation
    );
}

#[test]
fn a_newer_message_of_a_deleted_replica_does_not_revive_it_either() {
    let (mut east, mut west) = (in_region(Region::US_EAST_1, 1), in_region(Region::EU_WEST_1, 2));
    let ctx = alice();
    let key =
        east.create_key(&ctx, CreateKeyRequest::new().with_multi_region(true)).unwrap().key_id();
    east.replicate_key(&ctx, ReplicateKeyRequest::new(key, Region::EU_WEST_1)).unwrap();
    let created = east.drain_outbox();
    east.rotate_key_on_demand(&ctx, RotateKeyOnDemandRequest::new(key)).unwrap();
    let rotation_in_flight = east.drain_outbox();
    deliver(created, &mut [&mut west], T0);
    west.schedule_key_deletion(
        &ctx,
        ScheduleKeyDeletionRequest::new(key).with_pending_window_in_days(7),
    )
    .unwrap();
    let day7 = T0.plus_days(7);
    west.advance_to(day7);
    let deleted = west.drain_outbox();
    // The newer rotation message arrives after the deletion: no revival, and the primary is told.
    deliver(rotation_in_flight, &mut [&mut west], day7);
    assert_eq!(
        west.describe_key(&ctx.at(day7), DescribeKeyRequest::new(key)).unwrap_err().kind,
        ErrorKind::NotFound
    );
    let answers = west.drain_outbox();
    assert_eq!(
        answers.iter().map(ReplicationMessage::kind_name).collect::<Vec<_>>(),
        ["ReplicaDeleted"]
    );
    deliver(deleted.into_iter().chain(answers).collect(), &mut [&mut east], day7);
    let config = east
        .describe_key(&ctx.at(day7), DescribeKeyRequest::new(key))
        .unwrap()
        .key_metadata
        .multi_region_configuration
        .unwrap();
    assert!(config.replica_keys.is_empty());
}

#[test]
fn a_promote_that_overtakes_the_replicas_creation_still_makes_one_primary() {
    let (mut east, mut west) = (in_region(Region::US_EAST_1, 1), in_region(Region::EU_WEST_1, 2));
    let ctx = alice();
    let key =
        east.create_key(&ctx, CreateKeyRequest::new().with_multi_region(true)).unwrap().key_id();
    east.replicate_key(&ctx, ReplicateKeyRequest::new(key, Region::EU_WEST_1)).unwrap();
    east.update_primary_region(&ctx, UpdatePrimaryRegionRequest::new(key, Region::EU_WEST_1))
        .unwrap();
    let mut messages = east.drain_outbox();
    messages.reverse(); // the Promote first
    deliver(messages, &mut [&mut west], T0);
    deliver(west.drain_outbox(), &mut [&mut east], T0);
    let role = |kms: &mut Engine| {
        let metadata = kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata;
        (metadata.multi_region_configuration.unwrap().multi_region_key_type, metadata.key_state)
    };
    assert_eq!(role(&mut west), (MultiRegionKeyType::Primary, KeyState::Enabled));
    assert_eq!(role(&mut east), (MultiRegionKeyType::Replica, KeyState::Enabled));
}

#[test]
fn rotation_at_the_end_of_time_does_not_loop() {
    let mut east = in_region(Region::US_EAST_1, 1);
    let ctx = alice();
    let key = east.create_key(&ctx, CreateKeyRequest::new()).unwrap().key_id();
    east.enable_key_rotation(&ctx, EnableKeyRotationRequest::new(key)).unwrap();
    let end = ctx.at(Timestamp::from_unix_nanos(u64::MAX));
    east.describe_key(&end, DescribeKeyRequest::new(key)).unwrap();
    // Yearly until the last representable instant, where the next date saturates and the
    // schedule stops instead of firing forever.
    let year_ns = 365 * 86_400 * 1_000_000_000_u64;
    let yearly = (u64::MAX - T0.unix_nanos()) / year_ns;
    assert_eq!(east.drain_events().len() as u64, yearly + 1);
}

/// ReplicateKey's `Policy` becomes the replica's key policy (enforced there, not on the
/// primary); without one the replica gets AWS's default; a policy PutKeyPolicy would refuse
/// (malformed, too large, locking the caller out unless bypassed) refuses the call, which
/// then changes nothing in either Region.
#[test]
fn replicate_key_applies_its_policy_to_the_replica() {
    use engine::policy::{LOCKOUT_MESSAGE, MAX_KEY_POLICY_BYTES, default_key_policy_for};
    let (mut east, mut west) = (in_region(Region::US_EAST_1, 1), in_region(Region::EU_WEST_1, 2));
    let (ctx, bob) = (alice(), engine::CallContext::new(BOB.parse().unwrap(), T0));
    let key =
        east.create_key(&ctx, CreateKeyRequest::new().with_multi_region(true)).unwrap().key_id();
    // Alice administers the replica; bob may only encrypt with it.
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": [
            {{"Effect": "Allow", "Principal": {{"AWS": "{ALICE}"}}, "Action": "kms:*", "Resource": "*"}},
            {{"Effect": "Allow", "Principal": {{"AWS": "{BOB}"}}, "Action": "kms:Encrypt", "Resource": "*"}}]}}"#
    );
    let lockout = format!(
        r#"{{"Version": "2012-10-17", "Statement": [
            {{"Effect": "Allow", "Principal": {{"AWS": "{BOB}"}}, "Action": "kms:*", "Resource": "*"}}]}}"#
    );
    let huge = format!("{{\"Sid\": \"{}\"}}", "x".repeat(MAX_KEY_POLICY_BYTES));
    for (text, kind, message) in [
        ("my policy", ErrorKind::MalformedPolicyDocument, None),
        (huge.as_str(), ErrorKind::LimitExceeded, None),
        (lockout.as_str(), ErrorKind::MalformedPolicyDocument, Some(LOCKOUT_MESSAGE)),
    ] {
        let request = ReplicateKeyRequest::new(key, Region::EU_WEST_1).with_policy(text);
        let refused = east.replicate_key(&ctx, request).unwrap_err();
        assert_eq!(refused.kind, kind, "{text:.40}");
        if let Some(message) = message {
            assert_eq!(refused.message, message);
        }
        assert!(east.drain_outbox().is_empty(), "{text:.40}: nothing sent");
        let primary = east.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata;
        assert!(primary.multi_region_configuration.unwrap().replica_keys.is_empty());
    }
    let replicated = east
        .replicate_key(&ctx, ReplicateKeyRequest::new(key, Region::EU_WEST_1).with_policy(&policy))
        .unwrap();
    assert_eq!(replicated.replica_policy, policy);
    deliver(east.drain_outbox(), &mut [&mut west], T0);
    let got = west.get_key_policy(&ctx, GetKeyPolicyRequest::new(key)).unwrap().policy;
    assert_eq!(got, policy);
    let replica_arn =
        engine::KeyArn { region: Region::EU_WEST_1, account: ctx.account(), key_id: key };
    west.encrypt(&bob, EncryptRequest::new(replica_arn, "x")).unwrap();
    let denied = west.describe_key(&bob, DescribeKeyRequest::new(replica_arn)).unwrap_err();
    assert_eq!(denied.kind, ErrorKind::AccessDenied);
    // The primary keeps its own (default) policy: policies are per Region.
    let primary_policy = east.get_key_policy(&ctx, GetKeyPolicyRequest::new(key)).unwrap().policy;
    assert_eq!(primary_policy, default_key_policy_for(Region::US_EAST_1, ctx.account()));

    // Without a Policy: AWS's default, the same text GetKeyPolicy then returns; a lockout
    // policy is accepted when bypassed.
    let mut south = in_region(Region::AP_SOUTHEAST_1, 3);
    let default = east.replicate_key(&ctx, ReplicateKeyRequest::new(key, south.region())).unwrap();
    assert_eq!(default.replica_policy, default_key_policy_for(south.region(), ctx.account()));
    deliver(east.drain_outbox(), &mut [&mut west, &mut south], T0);
    let got = south.get_key_policy(&ctx, GetKeyPolicyRequest::new(key)).unwrap().policy;
    assert_eq!(got, default.replica_policy);
    let bypassed = ReplicateKeyRequest::new(key, Region::US_WEST_2)
        .with_policy(&lockout)
        .with_bypass_policy_lockout_safety_check(true);
    assert_eq!(east.replicate_key(&ctx, bypassed).unwrap().replica_policy, lockout);
}
