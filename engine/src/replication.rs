//! Multi-Region replication as messages: the engine never talks to another Region.
//!
//! A primary key's engine puts a [`ReplicationMessage`] into its outbox whenever shared
//! properties change (ReplicateKey, a rotation, the rotation schedule, UpdatePrimaryRegion);
//! the caller (the simulator) takes them with `Engine::drain_outbox`, delays them as the
//! network would, and hands each to the destination Region's engine with
//! `Engine::apply_replication`.
//!
//! Every message carries the whole shared state and a version that only grows, so delivery
//! may duplicate and reorder messages: a receiver applies a message only if it is newer than
//! what it holds, and merges material versions by id, so no version is ever lost or rolled
//! back.

use std::collections::BTreeMap;
use std::fmt;

use crate::id::{AccountId, KeyId, Region};
use crate::key::KeyMaterial;
use crate::spec::{KeySpec, KeyUsage, OriginType};
use crate::time::Timestamp;

/// One message from one Region's engine to another's.
#[derive(Clone)]
pub struct ReplicationMessage {
    /// The Region that sent it.
    pub source_region: Region,
    /// The Region it must be delivered to.
    pub destination_region: Region,
    /// The account that owns the key.
    pub account: AccountId,
    /// The multi-Region key (`mrk-…`), the same in every Region.
    pub key_id: KeyId,
    /// When it was sent.
    pub sent_at: Timestamp,
    pub(crate) version: u64,
    pub(crate) kind: MessageKind,
    /// How many engines forwarded it (a ReplicaDeleted that reached a former primary goes
    /// on to the primary it knows); dropped after a few, so stale views cannot loop it.
    pub(crate) hops: u8,
}

impl ReplicationMessage {
    /// The version of the key's shared state it carries (grows with every change).
    #[must_use]
    pub const fn version(&self) -> u64 {
        self.version
    }

    /// What it does: `Sync`, `Promote` or `ReplicaDeleted`.
    #[must_use]
    pub const fn kind_name(&self) -> &'static str {
        match self.kind {
            MessageKind::Sync(_) => "Sync",
            MessageKind::Promote(_) => "Promote",
            MessageKind::ReplicaDeleted => "ReplicaDeleted",
        }
    }
}

/// Key material travels in these messages, so `Debug` shows only what routing needs.
impl fmt::Debug for ReplicationMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplicationMessage")
            .field("kind", &self.kind_name())
            .field("source_region", &self.source_region)
            .field("destination_region", &self.destination_region)
            .field("key_id", &self.key_id)
            .field("version", &self.version)
            .field("sent_at", &self.sent_at)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug)]
pub(crate) enum MessageKind {
    /// The primary's shared state; creates the replica if it does not exist yet.
    Sync(SharedState),
    /// The destination replica becomes the primary (UpdatePrimaryRegion).
    Promote(SharedState),
    /// The source replica was deleted; the primary forgets it.
    ReplicaDeleted,
}

/// What every Region's copy of a multi-Region key shares.
#[derive(Clone, Debug)]
pub(crate) struct SharedState {
    pub(crate) spec: KeySpec,
    pub(crate) usage: KeyUsage,
    pub(crate) origin: OriginType,
    pub(crate) primary_region: Region,
    pub(crate) replica_regions: Vec<Region>,
    /// Every material version, oldest first.
    pub(crate) materials: Vec<KeyMaterial>,
    /// The automatic rotation setting: period [days] and next date.
    pub(crate) rotation: Option<(u32, Timestamp)>,
    /// How to create the destination replica if it does not exist (its independent
    /// properties, given to ReplicateKey).
    pub(crate) create: Option<ReplicaCreate>,
}

/// The independent properties a replica starts with.
#[derive(Clone, Debug)]
pub(crate) struct ReplicaCreate {
    /// Which ReplicateKey made this replica: the primary's version at the time. A deleted
    /// replica's tombstone keeps it, so only a later ReplicateKey can create it again.
    pub(crate) generation: u64,
    pub(crate) description: String,
    pub(crate) tags: BTreeMap<String, String>,
    /// ReplicateKey's `Policy`, checked by the primary's engine; `None`: the account's
    /// default key policy.
    pub(crate) policy: Option<std::sync::Arc<crate::policy::PolicyDocument>>,
}

/// A policy document is compiled from its text and nothing else, so two creations with
/// the same policy text are the same creation (the compiled form has floats, no `Eq`).
impl PartialEq for ReplicaCreate {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation
            && self.description == other.description
            && self.tags == other.tags
            && self.policy.as_ref().map(|p| p.text()) == other.policy.as_ref().map(|p| p.text())
    }
}

impl Eq for ReplicaCreate {}
