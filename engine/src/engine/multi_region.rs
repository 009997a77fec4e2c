//! Multi-Region keys: ReplicateKey, UpdatePrimaryRegion, and the replication messages that
//! carry shared properties between Regions (see `crate::replication`).
//!
//! The primary drives: every change of shared state (a replica added or deleted, a
//! rotation, the rotation schedule) bumps its version and sends the whole state to every
//! replica. UpdatePrimaryRegion demotes the primary at once (it is `Updating`), sends a
//! `Promote` to the chosen replica, and the new primary's first sync, which names it, ends
//! the old primary's `Updating`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::{Value, json};

use super::{Audited, Due, Engine, Touched};
use crate::api::*;
use crate::engine::CallContext;
use crate::error::{ErrorKind, KmsError};
use crate::id::{AccountId, KeyArn, KeyId, Region};
use crate::key::{KeyMaterial, KeyRecord, MultiRegion, RotationSchedule};
use crate::replication::{MessageKind, ReplicaCreate, ReplicationMessage, SharedState};
use crate::spec::{KeyManager, KeyState, MultiRegionKeyType};
use crate::time::Timestamp;

fn shared_state(
    key: &KeyRecord,
    family: &MultiRegion,
    create: Option<ReplicaCreate>,
) -> SharedState {
    SharedState {
        spec: key.spec,
        usage: key.usage,
        origin: key.origin,
        primary_region: family.primary_region,
        replica_regions: family.replica_regions.iter().copied().collect(),
        materials: key.materials.clone(),
        rotation: key.rotation.map(|s| (s.period_in_days, s.next_rotation)),
        create,
    }
}

/// Whether `key` is a multi-Region replica (whose shared properties its primary sets).
pub(super) fn is_replica(key: &KeyRecord) -> bool {
    key.multi_region.as_ref().is_some_and(|family| family.role == MultiRegionKeyType::Replica)
}

/// After a change of shared state on a primary: a new version, sent to every replica.
pub(super) fn sync_replicas(engine: &mut Engine, key_id: KeyId, at: Timestamp) {
    let Some(family) = engine.store.keys.get_mut(&key_id).and_then(|k| k.multi_region.as_mut())
    else {
        return;
    };
    if family.role != MultiRegionKeyType::Primary {
        return;
    }
    family.version += 1;
    let Some(key) = engine.store.keys.get(&key_id) else { return };
    let Some(family) = key.multi_region.as_ref() else { return };
    for &region in &family.replica_regions {
        let create = family.replica_create.get(&region).cloned();
        engine.outbox.push(ReplicationMessage {
            source_region: engine.region,
            destination_region: region,
            account: key.arn.account,
            key_id,
            sent_at: at,
            version: family.version,
            kind: MessageKind::Sync(shared_state(key, family, create)),
            hops: 0,
        });
    }
}

/// The rotation schedule a replica shows: its primary's (it does not rotate on its own).
fn schedule(rotation: Option<(u32, Timestamp)>) -> Option<RotationSchedule> {
    rotation.map(|(period_in_days, next_rotation)| RotationSchedule {
        period_in_days,
        next_rotation,
        overdue: false,
    })
}

/// Takes a newer shared state's materials and rotation schedule, and ends an
/// UpdatePrimaryRegion this key was waiting on.
fn take_shared(
    key: &mut KeyRecord,
    materials: Vec<KeyMaterial>,
    rotation: Option<(u32, Timestamp)>,
) {
    merge_materials(&mut key.materials, materials);
    key.rotation = schedule(rotation);
    if key.state == KeyState::Updating
        && let Some(before) = key.state_before_update.take()
    {
        key.state = before;
    }
}

/// Merges material versions by id: nothing the receiver holds is ever dropped, and the
/// sender's current material stays current (versions only the receiver has go first).
fn merge_materials(local: &mut Vec<KeyMaterial>, incoming: Vec<KeyMaterial>) {
    let mut merged: Vec<KeyMaterial> =
        local.drain(..).filter(|m| !incoming.iter().any(|i| i.id == m.id)).collect();
    merged.extend(incoming);
    *local = merged;
}

impl Audited for ReplicateKeyRequest {
    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "replicaRegion": self.replica_region.as_str(),
            "description": self.description,
            // Not secret: CloudTrail records it, as for PutKeyPolicy.
            "policy": self.policy,
            "bypassPolicyLockoutSafetyCheck": self.bypass_policy_lockout_safety_check,
        })
    }
}

pub(super) fn replicate_key(
    engine: &mut Engine,
    ctx: &CallContext,
    req: ReplicateKeyRequest,
    touched: &mut Touched,
) -> Result<ReplicateKeyResponse, KmsError> {
    let description = req.description.clone().unwrap_or_default();
    super::lifecycle::check_description(&description)?;
    let tags = super::tags::validated_tags(&req.tags, engine.limits.tags_per_key)?;
    let region = req.replica_region;
    if region == engine.region {
        return Err(KmsError::new(
            ErrorKind::Validation,
            format!("The replica Region {region} is the primary key's own Region."),
        ));
    }
    if region.partition() != engine.region.partition() {
        return Err(KmsError::new(
            ErrorKind::Validation,
            format!(
                "The replica Region {region} is not in the primary key's partition, {}.",
                engine.region.partition()
            ),
        ));
    }
    let key_id = engine.resolve(ctx, &req.key_id, false)?;
    let key = Engine::authorize(&engine.store, ctx, Operation::ReplicateKey, key_id, touched)?;
    let arn = key.arn;
    let family = key.multi_region.as_ref().ok_or_else(|| {
        KmsError::new(ErrorKind::UnsupportedOperation, format!("{arn} is not a multi-Region key."))
    })?;
    if family.role != MultiRegionKeyType::Primary {
        return Err(KmsError::new(
            ErrorKind::UnsupportedOperation,
            format!("{arn} is a replica key: only a primary key can be replicated."),
        ));
    }
    if family.replica_regions.contains(&region) {
        return Err(KmsError::new(
            ErrorKind::AlreadyExists,
            format!("{arn} already has a replica in {region}."),
        ));
    }
    // The replica's policy is checked here, as PutKeyPolicy would check it on the replica
    // (its ARN, attributes and tags), so a refusal changes nothing in either Region.
    let replica_arn = KeyArn { region, ..arn };
    let policy = match &req.policy {
        None => None,
        Some(text) => {
            let resource = replica_arn.to_string();
            let replica = super::policies::NewPolicyKey {
                resource: &resource,
                account: arn.account,
                spec: key.spec,
                usage: key.usage,
                origin: key.origin,
                multi_region: true,
                tags: &tags,
            };
            let bypass = req.bypass_policy_lockout_safety_check;
            let document =
                super::policies::parse_new_policy(&engine.store, ctx, text, bypass, &replica)?;
            Some(Arc::new(document))
        }
    };
    let mut replica_key_metadata = key.metadata();

    let Some(family) = engine.store.keys.get_mut(&key_id).and_then(|k| k.multi_region.as_mut())
    else {
        return Err(KmsError::internal());
    };
    family.replica_regions.insert(region);
    let generation = family.version + 1;
    family.replica_create.insert(
        region,
        ReplicaCreate { generation, description: description.clone(), tags, policy },
    );
    let replica_regions: Vec<Region> = family.replica_regions.iter().copied().collect();
    sync_replicas(engine, key_id, ctx.now);

    replica_key_metadata.arn = replica_arn;
    replica_key_metadata.creation_date = ctx.now;
    replica_key_metadata.description = description;
    replica_key_metadata.key_state = KeyState::Creating;
    replica_key_metadata.enabled = false;
    replica_key_metadata.deletion_date = None;
    replica_key_metadata.pending_deletion_window_in_days = None;
    replica_key_metadata.multi_region_configuration = Some(MultiRegionConfiguration {
        multi_region_key_type: MultiRegionKeyType::Replica,
        primary_key: MultiRegionKey { arn, region: arn.region },
        replica_keys: replica_regions
            .into_iter()
            .map(|r| MultiRegionKey { arn: KeyArn { region: r, ..arn }, region: r })
            .collect(),
    });
    Ok(ReplicateKeyResponse {
        replica_key_metadata,
        replica_policy: req
            .policy
            .unwrap_or_else(|| crate::policy::default_key_policy_for(region, arn.account)),
        replica_tags: req.tags,
    })
}

impl Audited for UpdatePrimaryRegionRequest {
    fn audit_parameters(&self) -> Value {
        json!({ "keyId": self.key_id.to_string(), "primaryRegion": self.primary_region.as_str() })
    }
}

pub(super) fn update_primary_region(
    engine: &mut Engine,
    ctx: &CallContext,
    req: UpdatePrimaryRegionRequest,
    touched: &mut Touched,
) -> Result<UpdatePrimaryRegionResponse, KmsError> {
    let region = req.primary_region;
    let this_region = engine.region;
    let key = engine.key_mut(ctx, Operation::UpdatePrimaryRegion, &req.key_id, touched)?;
    let arn = key.arn;
    let Some(family) = key.multi_region.as_mut() else {
        return Err(KmsError::new(
            ErrorKind::UnsupportedOperation,
            format!("{arn} is not a multi-Region key."),
        ));
    };
    if family.role != MultiRegionKeyType::Primary {
        return Err(KmsError::new(
            ErrorKind::UnsupportedOperation,
            format!(
                "{arn} is a replica key: call UpdatePrimaryRegion in the primary's Region, {}.",
                family.primary_region
            ),
        ));
    }
    if !family.replica_regions.contains(&region) {
        return Err(KmsError::new(
            ErrorKind::NotFound,
            format!("{arn} has no replica in {region}."),
        ));
    }
    // Demote at once; `Updating` until the new primary's first sync arrives.
    // The Promote carries the replica's creation, in case it arrives first.
    let create = family.replica_create.get(&region).cloned();
    family.role = MultiRegionKeyType::Replica;
    family.primary_region = region;
    family.replica_regions.remove(&region);
    family.replica_regions.insert(this_region);
    family.replica_create.clear();
    family.version += 1;
    let version = family.version;
    key.state_before_update = Some(key.state);
    key.state = KeyState::Updating;
    if let Some(schedule) = key.rotation {
        engine.store.due.remove(&(schedule.next_rotation, Due::AutomaticRotation, arn.key_id));
    }
    let Some(key) = engine.store.keys.get(&arn.key_id) else { return Err(KmsError::internal()) };
    let Some(family) = key.multi_region.as_ref() else { return Err(KmsError::internal()) };
    let state = shared_state(key, family, create);
    engine.outbox.push(ReplicationMessage {
        source_region: this_region,
        destination_region: region,
        account: arn.account,
        key_id: arn.key_id,
        sent_at: ctx.now,
        version,
        kind: MessageKind::Promote(state),
        hops: 0,
    });
    Ok(UpdatePrimaryRegionResponse {})
}

/// Applies a message addressed to this engine's Region.
pub(super) fn apply(engine: &mut Engine, message: ReplicationMessage, now: Timestamp) {
    let (account, key_id, version) = (message.account, message.key_id, message.version);
    match message.kind {
        MessageKind::Sync(state) => apply_sync(engine, account, key_id, version, state, now),
        MessageKind::Promote(state) => apply_promote(engine, account, key_id, version, state, now),
        MessageKind::ReplicaDeleted => {
            replica_deleted(engine, account, key_id, message.source_region, message.hops, now);
        }
    }
}

fn local_key(engine: &mut Engine, account: AccountId, key_id: KeyId) -> Option<&mut KeyRecord> {
    engine.store.keys.get_mut(&key_id).filter(|key| key.arn.account == account)
}

fn apply_sync(
    engine: &mut Engine,
    account: AccountId,
    key_id: KeyId,
    version: u64,
    state: SharedState,
    now: Timestamp,
) {
    let this_region = engine.region;
    let Some(key) = local_key(engine, account, key_id) else {
        create_replica(engine, account, key_id, version, state, now, false);
        return;
    };
    let Some(family) = key.multi_region.as_mut() else { return };
    if version <= family.version {
        return; // a duplicate or an older state
    }
    family.version = version;
    family.role = if state.primary_region == this_region {
        MultiRegionKeyType::Primary
    } else {
        MultiRegionKeyType::Replica
    };
    family.primary_region = state.primary_region;
    family.replica_regions = state.replica_regions.into_iter().collect();
    // The new primary's sync ends this (old primary's) UpdatePrimaryRegion.
    take_shared(key, state.materials, state.rotation);
    let arn = key.arn;
    engine.service_event("SynchronizeMultiRegionKey", now, &arn, json!({ "version": version }));
}

fn create_replica(
    engine: &mut Engine,
    account: AccountId,
    key_id: KeyId,
    version: u64,
    state: SharedState,
    now: Timestamp,
    promoting: bool,
) {
    let Some(create) = state.create else { return };
    if state.primary_region == engine.region && !promoting {
        return;
    }
    // A replica deleted here is created again only by a later ReplicateKey; a late message
    // of the deleted one is answered with ReplicaDeleted, so the primary forgets it.
    if engine
        .store
        .replica_tombstones
        .get(&(account, key_id))
        .is_some_and(|&g| g >= create.generation)
    {
        engine.outbox.push(ReplicationMessage {
            source_region: engine.region,
            destination_region: state.primary_region,
            account,
            key_id,
            sent_at: now,
            version,
            kind: MessageKind::ReplicaDeleted,
            hops: 0,
        });
        return;
    }
    let arn = KeyArn { region: engine.region, account, key_id };
    let creating = engine.replica_creation_ns > 0;
    let record = KeyRecord {
        arn,
        creation_date: now,
        description: create.description,
        spec: state.spec,
        usage: state.usage,
        origin: state.origin,
        manager: KeyManager::Customer,
        state: if creating { KeyState::Creating } else { KeyState::Enabled },
        deletion_date: None,
        pending_window_in_days: None,
        tags: create.tags,
        alias_count: 0,
        materials: state.materials,
        rotation: schedule(state.rotation),
        on_demand_rotations: 0,
        on_demand_rotation_start: None,
        last_usage: None,
        multi_region: Some(MultiRegion {
            role: MultiRegionKeyType::Replica,
            primary_region: state.primary_region,
            replica_regions: state.replica_regions.into_iter().collect::<BTreeSet<_>>(),
            replica_create: BTreeMap::new(),
            version,
            generation: create.generation,
        }),
        state_before_update: None,
        custom_key_store: None,
        imported: None,
        grants: crate::grant::Grants::default(),
        policy_is_default: create.policy.is_none(),
        policy: match create.policy {
            Some(policy) => policy,
            None => super::policies::default_policy(&mut engine.store, engine.region, account),
        },
    };
    engine.store.insert_key(record);
    engine.store.replica_tombstones.remove(&(account, key_id));
    if creating {
        engine.store.due.insert((
            now.plus_nanos(engine.replica_creation_ns),
            Due::ReplicaCreated,
            key_id,
        ));
    }
    // AWS logs the replica's creation in its Region as CreateKey.
    engine.service_event(
        "CreateKey",
        now,
        &arn,
        json!({ "multiRegion": true, "version": version }),
    );
}

fn apply_promote(
    engine: &mut Engine,
    account: AccountId,
    key_id: KeyId,
    version: u64,
    state: SharedState,
    now: Timestamp,
) {
    let this_region = engine.region;
    if local_key(engine, account, key_id).is_none() {
        // The Promote overtook the replica's creation: create it, then promote it.
        create_replica(
            engine,
            account,
            key_id,
            version.saturating_sub(1),
            state.clone(),
            now,
            true,
        );
    }
    let Some(key) = local_key(engine, account, key_id) else { return };
    let Some(family) = key.multi_region.as_mut() else { return };
    if version <= family.version {
        return;
    }
    family.version = version;
    family.role = MultiRegionKeyType::Primary;
    family.primary_region = this_region;
    family.replica_regions =
        state.replica_regions.into_iter().filter(|&r| r != this_region).collect();
    family.replica_create.clear();
    // A swap back ends this key's own earlier Updating.
    take_shared(key, state.materials, state.rotation);
    // A primary has replicas: one pending deletion now waits for them.
    if key.state == KeyState::PendingDeletion {
        if let Some(due) = key.deletion_date.take() {
            engine.store.due.remove(&(due, Due::Delete, key_id));
        }
        if let Some(key) = engine.store.keys.get_mut(&key_id) {
            key.state = KeyState::PendingReplicaDeletion;
        }
    }
    let Some(key) = engine.store.keys.get_mut(&key_id) else { return };
    // The new primary drives the rotation schedule from now on.
    if let Some(schedule) = key.rotation {
        engine.store.due.insert((schedule.next_rotation.max(now), Due::AutomaticRotation, key_id));
        if let Some(key) = engine.store.keys.get_mut(&key_id)
            && let Some(schedule) = key.rotation.as_mut()
        {
            schedule.next_rotation = schedule.next_rotation.max(now);
        }
    }
    // Its first sync names it primary everywhere and ends the old primary's Updating.
    sync_replicas(engine, key_id, now);
}

/// At the primary: a replica was deleted. A former primary passes the news on.
fn replica_deleted(
    engine: &mut Engine,
    account: AccountId,
    key_id: KeyId,
    region: Region,
    hops: u8,
    now: Timestamp,
) {
    /// Enough for any chain of primaries a real sequence of UpdatePrimaryRegion makes.
    const MAX_HOPS: u8 = 4;
    let this_region = engine.region;
    let Some(key) = local_key(engine, account, key_id) else { return };
    let Some(family) = key.multi_region.as_mut() else { return };
    if family.role != MultiRegionKeyType::Primary {
        if hops < MAX_HOPS && family.primary_region != this_region {
            let (primary, version) = (family.primary_region, family.version);
            engine.outbox.push(ReplicationMessage {
                source_region: region,
                destination_region: primary,
                account,
                key_id,
                sent_at: now,
                version,
                kind: MessageKind::ReplicaDeleted,
                hops: hops + 1,
            });
        }
        return;
    }
    if !family.replica_regions.remove(&region) {
        return;
    }
    family.replica_create.remove(&region);
    // A primary waiting for its replicas starts its own window when the last one is gone.
    if key.state == KeyState::PendingReplicaDeletion && family.replica_regions.is_empty() {
        let days = key.pending_window_in_days.unwrap_or(30);
        let due = now.plus_days(days);
        key.state = KeyState::PendingDeletion;
        key.deletion_date = Some(due);
        engine.store.due.insert((due, Due::Delete, key_id));
    }
    sync_replicas(engine, key_id, now);
}

/// A deleted replica tells its primary, and is remembered so late messages do not revive it.
pub(super) fn key_deleted(engine: &mut Engine, key: &KeyRecord, at: Timestamp) {
    let Some(family) = key.multi_region.as_ref() else { return };
    if family.role != MultiRegionKeyType::Replica {
        return;
    }
    engine.store.replica_tombstones.insert((key.arn.account, key.arn.key_id), family.generation);
    engine.outbox.push(ReplicationMessage {
        source_region: engine.region,
        destination_region: family.primary_region,
        account: key.arn.account,
        key_id: key.arn.key_id,
        sent_at: at,
        version: family.version,
        kind: MessageKind::ReplicaDeleted,
        hops: 0,
    });
}

/// A replica finishes `Creating`.
pub(super) fn replica_created(engine: &mut Engine, key_id: KeyId) {
    if let Some(key) = engine.store.keys.get_mut(&key_id)
        && key.state == KeyState::Creating
    {
        key.state = KeyState::Enabled;
    }
}
