//! Key lifecycle: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey,
//! CancelKeyDeletion, UpdateKeyDescription, ScheduleKeyDeletion, GetKeyLastUsage.

use engine::api::{
    CancelKeyDeletionRequest, CancelKeyDeletionResponse, CreateKeyRequest, CreateKeyResponse,
    DescribeKeyRequest, DescribeKeyResponse, DisableKeyRequest, EnableKeyRequest,
    GetKeyLastUsageRequest, GetKeyLastUsageResponse, KeyLastUsage, KeyListEntry, KeyMetadata,
    ListKeysRequest, ListKeysResponse, MultiRegionConfiguration, MultiRegionKey, PageInfo,
    ScheduleKeyDeletionRequest, ScheduleKeyDeletionResponse, UpdateKeyDescriptionRequest,
};
use engine::spec::KeySpec;
use engine::{ErrorKind, KeyRef, KmsError};

use super::WireError;
use super::request_body::{Members, parse};
use super::response_body::ObjectWriter;

/// `CreateKey`.
pub(super) fn create_key(m: &Members<'_, '_>) -> Result<CreateKeyRequest, WireError> {
    let key_spec = m.aws_enum::<KeySpec>("KeySpec")?;
    let legacy_key_spec = m.aws_enum::<KeySpec>("CustomerMasterKeySpec")?;
    let key_spec = match (key_spec, legacy_key_spec) {
        (Some(_), Some(_)) => {
            return Err(KmsError::new(
                ErrorKind::Validation,
                "KeySpec and CustomerMasterKeySpec cannot both be specified; use KeySpec",
            )
            .into());
        }
        // `CustomerMasterKeySpec` is AWS's deprecated name for `KeySpec`.
        (key_spec, legacy) => key_spec.or(legacy),
    };
    Ok(CreateKeyRequest {
        description: m.string("Description")?,
        key_usage: m.aws_enum("KeyUsage")?,
        key_spec,
        origin: m.aws_enum("Origin")?,
        tags: m.tags("Tags")?.unwrap_or_default(),
        multi_region: m.bool("MultiRegion")?.unwrap_or(false),
        custom_key_store_id: m.string("CustomKeyStoreId")?,
        xks_key_id: m.string("XksKeyId")?,
        policy: m.string("Policy")?,
        bypass_policy_lockout_safety_check: m
            .bool("BypassPolicyLockoutSafetyCheck")?
            .unwrap_or(false),
    })
}

/// `DescribeKey`.
pub(super) fn describe_key(m: &Members<'_, '_>) -> Result<DescribeKeyRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let grant_tokens = m.strings("GrantTokens")?.unwrap_or_default();
    require!(m; key_id = "KeyId");
    Ok(DescribeKeyRequest { key_id: parse(key_id)?, grant_tokens })
}

/// `ListKeys`.
pub(super) fn list_keys(m: &Members<'_, '_>) -> Result<ListKeysRequest, WireError> {
    Ok(ListKeysRequest { page: m.page()? })
}

/// The required `KeyId` of the operations that take nothing else.
pub(super) fn key_id_only(m: &Members<'_, '_>) -> Result<KeyRef, WireError> {
    let key_id = m.str("KeyId")?;
    require!(m; key_id = "KeyId");
    parse(key_id)
}

/// `EnableKey`.
pub(super) fn enable_key(m: &Members<'_, '_>) -> Result<EnableKeyRequest, WireError> {
    Ok(EnableKeyRequest { key_id: key_id_only(m)? })
}

/// `DisableKey`.
pub(super) fn disable_key(m: &Members<'_, '_>) -> Result<DisableKeyRequest, WireError> {
    Ok(DisableKeyRequest { key_id: key_id_only(m)? })
}

/// `CancelKeyDeletion`.
pub(super) fn cancel_key_deletion(
    m: &Members<'_, '_>,
) -> Result<CancelKeyDeletionRequest, WireError> {
    Ok(CancelKeyDeletionRequest { key_id: key_id_only(m)? })
}

/// `UpdateKeyDescription`.
pub(super) fn update_key_description(
    m: &Members<'_, '_>,
) -> Result<UpdateKeyDescriptionRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let description = m.string("Description")?;
    require!(m; key_id = "KeyId", description = "Description");
    Ok(UpdateKeyDescriptionRequest { key_id: parse(key_id)?, description })
}

/// `ScheduleKeyDeletion`.
pub(super) fn schedule_key_deletion(
    m: &Members<'_, '_>,
) -> Result<ScheduleKeyDeletionRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let pending_window_in_days = m.integer("PendingWindowInDays", 1)?;
    require!(m; key_id = "KeyId");
    Ok(ScheduleKeyDeletionRequest { key_id: parse(key_id)?, pending_window_in_days })
}

/// `GetKeyLastUsage`.
pub(super) fn get_key_last_usage(m: &Members<'_, '_>) -> Result<GetKeyLastUsageRequest, WireError> {
    Ok(GetKeyLastUsageRequest { key_id: key_id_only(m)? })
}

/// `KeyMetadata`, in the model's member order.
pub(super) fn write_key_metadata(w: &mut ObjectWriter<'_>, metadata: &KeyMetadata) {
    // Destructured, so a member added to the engine's metadata fails to compile here until
    // it is written.
    let KeyMetadata {
        aws_account_id,
        key_id,
        arn,
        creation_date,
        enabled,
        description,
        key_usage,
        key_state,
        deletion_date,
        origin,
        key_manager,
        customer_master_key_spec,
        key_spec,
        encryption_algorithms,
        mac_algorithms,
        signing_algorithms,
        key_agreement_algorithms,
        multi_region,
        multi_region_configuration,
        pending_deletion_window_in_days,
        current_key_material_id,
        custom_key_store_id,
        cloud_hsm_cluster_id,
        xks_key_id,
        valid_to,
        expiration_model,
    } = metadata;
    w.display("AWSAccountId", aws_account_id);
    w.display("KeyId", key_id);
    w.display("Arn", arn);
    w.timestamp("CreationDate", *creation_date);
    w.bool("Enabled", *enabled);
    w.str("Description", description);
    w.str("KeyUsage", key_usage.as_str());
    w.str("KeyState", key_state.as_str());
    w.opt_timestamp("DeletionDate", *deletion_date);
    w.opt_timestamp("ValidTo", *valid_to);
    w.str("Origin", origin.as_str());
    w.opt_str("CustomKeyStoreId", custom_key_store_id.as_deref());
    w.opt_str("CloudHsmClusterId", cloud_hsm_cluster_id.as_deref());
    w.opt_str("ExpirationModel", expiration_model.map(|model| model.as_str()));
    w.str("KeyManager", key_manager.as_str());
    w.str("CustomerMasterKeySpec", customer_master_key_spec.as_str());
    w.str("KeySpec", key_spec.as_str());
    // AWS lists algorithms only for the keys that have them.
    if !encryption_algorithms.is_empty() {
        w.strs("EncryptionAlgorithms", encryption_algorithms.iter().map(|a| a.as_str()));
    }
    w.bool("MultiRegion", *multi_region);
    if let Some(configuration) = multi_region_configuration {
        w.object("MultiRegionConfiguration", |w| {
            write_multi_region_configuration(w, configuration);
        });
    }
    w.opt_integer("PendingDeletionWindowInDays", *pending_deletion_window_in_days);
    if !mac_algorithms.is_empty() {
        w.strs("MacAlgorithms", mac_algorithms.iter().map(|a| a.as_str()));
    }
    if !signing_algorithms.is_empty() {
        w.strs("SigningAlgorithms", signing_algorithms.iter().map(|a| a.as_str()));
    }
    if !key_agreement_algorithms.is_empty() {
        w.strs("KeyAgreementAlgorithms", key_agreement_algorithms.iter().map(|a| a.as_str()));
    }
    if let Some(xks_key_id) = xks_key_id {
        w.object("XksKeyConfiguration", |w| w.str("Id", xks_key_id));
    }
    w.opt_display("CurrentKeyMaterialId", current_key_material_id.as_ref());
}

fn write_multi_region_configuration(
    w: &mut ObjectWriter<'_>,
    configuration: &MultiRegionConfiguration,
) {
    let MultiRegionConfiguration { multi_region_key_type, primary_key, replica_keys } =
        configuration;
    w.str("MultiRegionKeyType", multi_region_key_type.as_str());
    w.object("PrimaryKey", |w| write_multi_region_key(w, primary_key));
    w.objects("ReplicaKeys", replica_keys, write_multi_region_key);
}

fn write_multi_region_key(w: &mut ObjectWriter<'_>, key: &MultiRegionKey) {
    let MultiRegionKey { arn, region } = key;
    w.display("Arn", arn);
    w.str("Region", region.as_str());
}

/// `NextMarker` (on a truncated page) and `Truncated`.
pub(super) fn write_page_info(w: &mut ObjectWriter<'_>, page_info: &PageInfo) {
    let PageInfo { next_marker, truncated } = page_info;
    w.opt_str("NextMarker", next_marker.as_deref());
    w.bool("Truncated", *truncated);
}

/// `CreateKey`.
pub(super) fn write_create_key(mut w: ObjectWriter<'_>, response: &CreateKeyResponse) {
    let CreateKeyResponse { key_metadata } = response;
    w.object("KeyMetadata", |w| write_key_metadata(w, key_metadata));
    w.close();
}

/// `DescribeKey`.
pub(super) fn write_describe_key(mut w: ObjectWriter<'_>, response: &DescribeKeyResponse) {
    let DescribeKeyResponse { key_metadata } = response;
    w.object("KeyMetadata", |w| write_key_metadata(w, key_metadata));
    w.close();
}

/// `ListKeys`.
pub(super) fn write_list_keys(mut w: ObjectWriter<'_>, response: &ListKeysResponse) {
    let ListKeysResponse { keys, page_info } = response;
    w.objects("Keys", keys, |w, entry| {
        let KeyListEntry { key_id, key_arn } = entry;
        w.display("KeyId", key_id);
        w.display("KeyArn", key_arn);
    });
    write_page_info(&mut w, page_info);
    w.close();
}

/// `CancelKeyDeletion`.
pub(super) fn write_cancel_key_deletion(
    mut w: ObjectWriter<'_>,
    response: &CancelKeyDeletionResponse,
) {
    let CancelKeyDeletionResponse { key_id } = response;
    w.display("KeyId", key_id);
    w.close();
}

/// `ScheduleKeyDeletion`.
pub(super) fn write_schedule_key_deletion(
    mut w: ObjectWriter<'_>,
    response: &ScheduleKeyDeletionResponse,
) {
    let ScheduleKeyDeletionResponse { key_id, deletion_date, key_state, pending_window_in_days } =
        response;
    w.display("KeyId", key_id);
    w.opt_timestamp("DeletionDate", *deletion_date);
    w.str("KeyState", key_state.as_str());
    w.integer("PendingWindowInDays", *pending_window_in_days);
    w.close();
}

/// `GetKeyLastUsage`. The engine's response has no `KeyId`, so the body has none either.
pub(super) fn write_get_key_last_usage(
    mut w: ObjectWriter<'_>,
    response: &GetKeyLastUsageResponse,
) {
    let GetKeyLastUsageResponse { key_last_usage, tracking_start_date, key_creation_date } =
        response;
    if let Some(usage) = key_last_usage {
        w.object("KeyLastUsage", |w| {
            let KeyLastUsage { operation, timestamp, cloud_trail_event_id, kms_request_id } = usage;
            w.str("Operation", operation.as_str());
            w.timestamp("Timestamp", *timestamp);
            w.str("CloudTrailEventId", cloud_trail_event_id);
            w.str("KmsRequestId", kms_request_id);
        });
    }
    w.timestamp("TrackingStartDate", *tracking_start_date);
    w.timestamp("KeyCreationDate", *key_creation_date);
    w.close();
}
