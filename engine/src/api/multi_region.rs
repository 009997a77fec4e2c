//! Multi-Region keys: ReplicateKey and UpdatePrimaryRegion.

use super::keys::KeyMetadata;
use super::tags::Tag;
use crate::id::{KeyRef, Region};

/// `ReplicateKey` request.
#[derive(Clone, Debug)]
pub struct ReplicateKeyRequest {
    /// `KeyId`: the primary key's id or ARN.
    pub key_id: KeyRef,
    /// `ReplicaRegion`: where the replica goes (same partition, another Region).
    pub replica_region: Region,
    /// `Description` of the replica.
    pub description: Option<String>,
    /// `Tags` of the replica.
    pub tags: Vec<Tag>,
    /// `Policy`: the replica's key policy, validated as PutKeyPolicy validates one; the
    /// account's default key policy when omitted.
    pub policy: Option<String>,
    /// `BypassPolicyLockoutSafetyCheck` for `policy`.
    pub bypass_policy_lockout_safety_check: bool,
}

impl ReplicateKeyRequest {
    /// Replicates `key_id` into `replica_region`.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>, replica_region: Region) -> Self {
        Self {
            key_id: key_id.into(),
            replica_region,
            description: None,
            tags: Vec::new(),
            policy: None,
            bypass_policy_lockout_safety_check: false,
        }
    }

    /// Sets `Policy`.
    #[must_use]
    pub fn with_policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// Sets `BypassPolicyLockoutSafetyCheck`.
    #[must_use]
    pub const fn with_bypass_policy_lockout_safety_check(mut self, bypass: bool) -> Self {
        self.bypass_policy_lockout_safety_check = bypass;
        self
    }

    /// Sets `Description`.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets `Tags`.
    #[must_use]
    pub fn with_tags(mut self, tags: Vec<Tag>) -> Self {
        self.tags = tags;
        self
    }
}

/// `ReplicateKey` response.
#[derive(Clone, Debug)]
pub struct ReplicateKeyResponse {
    /// `ReplicaKeyMetadata`: the replica as it starts, `Creating`.
    pub replica_key_metadata: KeyMetadata,
    /// `ReplicaPolicy`: the replica's key policy, the request's `Policy` or AWS's default
    /// policy.
    pub replica_policy: String,
    /// `ReplicaTags`.
    pub replica_tags: Vec<Tag>,
}

/// `UpdatePrimaryRegion` request.
#[derive(Clone, Debug)]
pub struct UpdatePrimaryRegionRequest {
    /// `KeyId`: the primary key's id or ARN, in its current primary Region.
    pub key_id: KeyRef,
    /// `PrimaryRegion`: a Region that holds a replica.
    pub primary_region: Region,
}

impl UpdatePrimaryRegionRequest {
    /// Makes the replica in `primary_region` the primary.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>, primary_region: Region) -> Self {
        Self { key_id: key_id.into(), primary_region }
    }
}

/// `UpdatePrimaryRegion` response (empty).
#[derive(Clone, Debug, Default)]
pub struct UpdatePrimaryRegionResponse {}
