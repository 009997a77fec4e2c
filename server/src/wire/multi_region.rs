//! Multi-Region keys: ReplicateKey and UpdatePrimaryRegion.

use engine::api::{ReplicateKeyRequest, ReplicateKeyResponse, UpdatePrimaryRegionRequest};

use super::WireError;
use super::keys::write_key_metadata;
use super::request_body::{Members, parse};
use super::response_body::ObjectWriter;
use super::tags::write_tags;

/// `ReplicateKey`.
pub(super) fn replicate_key(m: &Members<'_, '_>) -> Result<ReplicateKeyRequest, WireError> {
    let policy = m.string("Policy")?;
    let bypass_policy_lockout_safety_check =
        m.bool("BypassPolicyLockoutSafetyCheck")?.unwrap_or(false);
    let key_id = m.str("KeyId")?;
    let replica_region = m.str("ReplicaRegion")?;
    let description = m.string("Description")?;
    let tags = m.tags("Tags")?.unwrap_or_default();
    require!(m; key_id = "KeyId", replica_region = "ReplicaRegion");
    Ok(ReplicateKeyRequest {
        key_id: parse(key_id)?,
        replica_region: parse(replica_region)?,
        description,
        tags,
        policy,
        bypass_policy_lockout_safety_check,
    })
}

/// `UpdatePrimaryRegion`.
pub(super) fn update_primary_region(
    m: &Members<'_, '_>,
) -> Result<UpdatePrimaryRegionRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let primary_region = m.str("PrimaryRegion")?;
    require!(m; key_id = "KeyId", primary_region = "PrimaryRegion");
    Ok(UpdatePrimaryRegionRequest {
        key_id: parse(key_id)?,
        primary_region: parse(primary_region)?,
    })
}

/// `ReplicateKey`.
pub(super) fn write_replicate_key(mut w: ObjectWriter<'_>, response: &ReplicateKeyResponse) {
    let ReplicateKeyResponse { replica_key_metadata, replica_policy, replica_tags } = response;
    w.object("ReplicaKeyMetadata", |w| write_key_metadata(w, replica_key_metadata));
    w.str("ReplicaPolicy", replica_policy);
    write_tags(&mut w, "ReplicaTags", replica_tags);
    w.close();
}
