//! Key lifecycle: create, describe, list, enable, disable, describe, delete.

use super::tags::Tag;
use super::{Page, PageInfo};
use crate::id::{AccountId, KeyArn, KeyId, KeyMaterialId, KeyRef, Region};
use crate::spec::{
    EncryptionAlgorithmSpec, KeyManager, KeySpec, KeyState, KeyUsage, MacAlgorithmSpec,
    MultiRegionKeyType, OriginType,
};
use crate::time::Timestamp;

/// `CreateKey` request.
#[derive(Clone, Debug, Default)]
pub struct CreateKeyRequest {
    /// `Description`, up to 8192 characters.
    pub description: Option<String>,
    /// `KeyUsage`; defaults by key spec (ENCRYPT_DECRYPT for SYMMETRIC_DEFAULT; HMAC specs
    /// require GENERATE_VERIFY_MAC to be given).
    pub key_usage: Option<KeyUsage>,
    /// `KeySpec`, default SYMMETRIC_DEFAULT.
    pub key_spec: Option<KeySpec>,
    /// `Origin`, default AWS_KMS.
    pub origin: Option<OriginType>,
    /// `Tags`.
    pub tags: Vec<Tag>,
    /// `MultiRegion`, default false.
    pub multi_region: bool,
    /// `CustomKeyStoreId`: create the key in this store (Origin AWS_CLOUDHSM or
    /// EXTERNAL_KEY_STORE).
    pub custom_key_store_id: Option<String>,
    /// `XksKeyId`: the external key, for Origin EXTERNAL_KEY_STORE.
    pub xks_key_id: Option<String>,
    /// `Policy`: the key policy (at most 32,768 bytes); AWS's default policy when omitted.
    pub policy: Option<String>,
    /// `BypassPolicyLockoutSafetyCheck`, default false.
    pub bypass_policy_lockout_safety_check: bool,
}

impl CreateKeyRequest {
    /// A request for a symmetric encryption key with every default.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `KeySpec`.
    #[must_use]
    pub fn with_key_spec(mut self, key_spec: KeySpec) -> Self {
        self.key_spec = Some(key_spec);
        self
    }

    /// Sets `KeyUsage`.
    #[must_use]
    pub fn with_key_usage(mut self, key_usage: KeyUsage) -> Self {
        self.key_usage = Some(key_usage);
        self
    }

    /// Sets `Description`.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets `Origin`.
    #[must_use]
    pub fn with_origin(mut self, origin: OriginType) -> Self {
        self.origin = Some(origin);
        self
    }

    /// Sets `Tags`.
    #[must_use]
    pub fn with_tags(mut self, tags: Vec<Tag>) -> Self {
        self.tags = tags;
        self
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

    /// Sets `MultiRegion`.
    #[must_use]
    pub fn with_multi_region(mut self, multi_region: bool) -> Self {
        self.multi_region = multi_region;
        self
    }

    /// A key in the custom key store `custom_key_store_id` with `origin` AWS_CLOUDHSM or
    /// EXTERNAL_KEY_STORE (then `xks_key_id` names the external key).
    #[must_use]
    pub fn in_custom_key_store(
        mut self,
        origin: OriginType,
        custom_key_store_id: impl Into<String>,
        xks_key_id: Option<String>,
    ) -> Self {
        self.origin = Some(origin);
        self.custom_key_store_id = Some(custom_key_store_id.into());
        self.xks_key_id = xks_key_id;
        self
    }

    /// An HMAC key of `key_spec` (GENERATE_VERIFY_MAC).
    #[must_use]
    pub fn hmac(key_spec: KeySpec) -> Self {
        Self::new().with_key_spec(key_spec).with_key_usage(KeyUsage::GenerateVerifyMac)
    }
}

/// The primary key of a multi-Region key (`MultiRegionKey`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultiRegionKey {
    /// `Arn`.
    pub arn: KeyArn,
    /// `Region`.
    pub region: Region,
}

/// `MultiRegionConfiguration`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultiRegionConfiguration {
    /// `MultiRegionKeyType`.
    pub multi_region_key_type: MultiRegionKeyType,
    /// `PrimaryKey`.
    pub primary_key: MultiRegionKey,
    /// `ReplicaKeys`.
    pub replica_keys: Vec<MultiRegionKey>,
}

/// `KeyMetadata`, as DescribeKey and CreateKey return it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyMetadata {
    /// `AWSAccountId`.
    pub aws_account_id: AccountId,
    /// `KeyId`.
    pub key_id: KeyId,
    /// `Arn`.
    pub arn: KeyArn,
    /// `CreationDate`.
    pub creation_date: Timestamp,
    /// `Enabled`: whether the key state is Enabled.
    pub enabled: bool,
    /// `Description`.
    pub description: String,
    /// `KeyUsage`.
    pub key_usage: KeyUsage,
    /// `KeyState`.
    pub key_state: KeyState,
    /// `DeletionDate`, while the key is pending deletion.
    pub deletion_date: Option<Timestamp>,
    /// `Origin`.
    pub origin: OriginType,
    /// `KeyManager`.
    pub key_manager: KeyManager,
    /// `CustomerMasterKeySpec` (deprecated by AWS; always equal to `key_spec`).
    pub customer_master_key_spec: KeySpec,
    /// `KeySpec`.
    pub key_spec: KeySpec,
    /// `EncryptionAlgorithms`, for encryption keys.
    pub encryption_algorithms: Vec<EncryptionAlgorithmSpec>,
    /// `MacAlgorithms`, for HMAC keys.
    pub mac_algorithms: Vec<MacAlgorithmSpec>,
    /// `SigningAlgorithms`: for SIGN_VERIFY keys, the algorithms Sign and Verify take.
    pub signing_algorithms: Vec<crate::spec::SigningAlgorithmSpec>,
    /// `KeyAgreementAlgorithms`: for KEY_AGREEMENT keys, `ECDH`.
    pub key_agreement_algorithms: Vec<crate::spec::KeyAgreementAlgorithmSpec>,
    /// `MultiRegion`.
    pub multi_region: bool,
    /// `MultiRegionConfiguration`, for multi-Region keys.
    pub multi_region_configuration: Option<MultiRegionConfiguration>,
    /// `PendingDeletionWindowInDays`, while the key is pending deletion.
    pub pending_deletion_window_in_days: Option<u32>,
    /// `CurrentKeyMaterialId`, for symmetric encryption keys.
    pub current_key_material_id: Option<KeyMaterialId>,
    /// `CustomKeyStoreId`, for keys in a custom key store.
    pub custom_key_store_id: Option<String>,
    /// `CloudHsmClusterId`, for keys in a CloudHSM key store.
    pub cloud_hsm_cluster_id: Option<String>,
    /// `XksKeyConfiguration.Id`, for keys in an external key store.
    pub xks_key_id: Option<String>,
    /// `ValidTo`: when imported material expires.
    pub valid_to: Option<Timestamp>,
    /// `ExpirationModel`, for keys with imported material.
    pub expiration_model: Option<crate::spec::ExpirationModel>,
}

/// `CreateKey` response.
#[derive(Clone, Debug)]
pub struct CreateKeyResponse {
    /// `KeyMetadata`.
    pub key_metadata: KeyMetadata,
}

impl CreateKeyResponse {
    /// The new key's id.
    #[must_use]
    pub const fn key_id(&self) -> KeyId {
        self.key_metadata.key_id
    }

    /// The new key's ARN.
    #[must_use]
    pub const fn arn(&self) -> KeyArn {
        self.key_metadata.arn
    }
}

/// `DescribeKey` request.
#[derive(Clone, Debug)]
pub struct DescribeKeyRequest {
    /// `KeyId`: key id, key ARN, alias name or alias ARN.
    pub key_id: KeyRef,
    /// `GrantTokens`.
    pub grant_tokens: Vec<String>,
}

impl DescribeKeyRequest {
    /// Describes `key_id`.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>) -> Self {
        Self { key_id: key_id.into(), grant_tokens: Vec::new() }
    }

    /// Sets `GrantTokens`.
    #[must_use]
    pub fn with_grant_tokens(mut self, grant_tokens: Vec<String>) -> Self {
        self.grant_tokens = grant_tokens;
        self
    }
}

/// `DescribeKey` response.
#[derive(Clone, Debug)]
pub struct DescribeKeyResponse {
    /// `KeyMetadata`.
    pub key_metadata: KeyMetadata,
}

/// `ListKeys` request (Limit 1..1000, default 100).
#[derive(Clone, Debug, Default)]
pub struct ListKeysRequest {
    /// `Limit` and `Marker`.
    pub page: Page,
}

impl ListKeysRequest {
    /// The first page with the default limit.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `Limit` and `Marker`.
    #[must_use]
    pub fn with_page(mut self, page: Page) -> Self {
        self.page = page;
        self
    }
}

/// One entry of `ListKeys` (`KeyListEntry`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyListEntry {
    /// `KeyId`.
    pub key_id: KeyId,
    /// `KeyArn`.
    pub key_arn: KeyArn,
}

/// `ListKeys` response.
#[derive(Clone, Debug)]
pub struct ListKeysResponse {
    /// `Keys`.
    pub keys: Vec<KeyListEntry>,
    /// `NextMarker` and `Truncated`.
    pub page_info: PageInfo,
}

macro_rules! key_id_only_request {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name {
            /// `KeyId`: a key id or key ARN (not an alias).
            pub key_id: KeyRef,
        }

        impl $name {
            /// A request for `key_id`.
            #[must_use]
            pub fn new(key_id: impl Into<KeyRef>) -> Self {
                Self { key_id: key_id.into() }
            }
        }
    };
}

key_id_only_request!(
    /// `EnableKey` request.
    EnableKeyRequest
);
key_id_only_request!(
    /// `DisableKey` request.
    DisableKeyRequest
);
key_id_only_request!(
    /// `CancelKeyDeletion` request.
    CancelKeyDeletionRequest
);

/// `EnableKey` response (empty).
#[derive(Clone, Debug, Default)]
pub struct EnableKeyResponse {}

/// `DisableKey` response (empty).
#[derive(Clone, Debug, Default)]
pub struct DisableKeyResponse {}

/// `CancelKeyDeletion` response.
#[derive(Clone, Debug)]
pub struct CancelKeyDeletionResponse {
    /// `KeyId`: the key ARN.
    pub key_id: KeyArn,
}

/// `UpdateKeyDescription` request.
#[derive(Clone, Debug)]
pub struct UpdateKeyDescriptionRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
    /// `Description`, up to 8192 characters (may be empty).
    pub description: String,
}

impl UpdateKeyDescriptionRequest {
    /// Sets `key_id`'s description.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>, description: impl Into<String>) -> Self {
        Self { key_id: key_id.into(), description: description.into() }
    }
}

/// `UpdateKeyDescription` response (empty).
#[derive(Clone, Debug, Default)]
pub struct UpdateKeyDescriptionResponse {}

/// `ScheduleKeyDeletion` request.
#[derive(Clone, Debug)]
pub struct ScheduleKeyDeletionRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
    /// `PendingWindowInDays`, 7..30, default 30 [days].
    pub pending_window_in_days: Option<u32>,
}

impl ScheduleKeyDeletionRequest {
    /// Schedules `key_id` for deletion after the default 30 days.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>) -> Self {
        Self { key_id: key_id.into(), pending_window_in_days: None }
    }

    /// Sets `PendingWindowInDays` [days].
    #[must_use]
    pub fn with_pending_window_in_days(mut self, days: u32) -> Self {
        self.pending_window_in_days = Some(days);
        self
    }
}

/// `ScheduleKeyDeletion` response.
#[derive(Clone, Debug)]
pub struct ScheduleKeyDeletionResponse {
    /// `KeyId`: the key ARN.
    pub key_id: KeyArn,
    /// `DeletionDate`; absent while a primary waits for its replicas to be deleted.
    pub deletion_date: Option<Timestamp>,
    /// `KeyState`: PendingDeletion, or PendingReplicaDeletion for a multi-Region primary
    /// that still has replicas.
    pub key_state: KeyState,
    /// `PendingWindowInDays` [days].
    pub pending_window_in_days: u32,
}

/// `GetKeyLastUsage` request.
#[derive(Clone, Debug)]
pub struct GetKeyLastUsageRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
}

impl GetKeyLastUsageRequest {
    /// When `key_id` was last used.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>) -> Self {
        Self { key_id: key_id.into() }
    }
}

/// `KeyLastUsage`: the last successful cryptographic use of a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyLastUsage {
    /// `Operation`.
    pub operation: super::Operation,
    /// `Timestamp`.
    pub timestamp: Timestamp,
    /// `CloudTrailEventId`: the `eventID` of the call's audit record.
    pub cloud_trail_event_id: String,
    /// `KmsRequestId`: the `requestID` of the call.
    pub kms_request_id: String,
}

/// `GetKeyLastUsage` response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetKeyLastUsageResponse {
    /// `KeyLastUsage`; absent if the key was never used since tracking started.
    pub key_last_usage: Option<KeyLastUsage>,
    /// `TrackingStartDate`: when tracking started for this key (its creation, in kmsim).
    pub tracking_start_date: Timestamp,
    /// `KeyCreationDate`.
    pub key_creation_date: Timestamp,
}
