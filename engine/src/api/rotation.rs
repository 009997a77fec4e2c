//! Rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus,
//! RotateKeyOnDemand, ListKeyRotations.

use super::{Page, PageInfo};
use crate::id::{KeyArn, KeyMaterialId, KeyRef};
use crate::spec::{IncludeKeyMaterial, KeyMaterialState, RotationType};
use crate::time::Timestamp;

/// `EnableKeyRotation` request.
#[derive(Clone, Debug)]
pub struct EnableKeyRotationRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
    /// `RotationPeriodInDays`, 90..2560, default 365 [days].
    pub rotation_period_in_days: Option<u32>,
}

impl EnableKeyRotationRequest {
    /// Rotates `key_id` yearly.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>) -> Self {
        Self { key_id: key_id.into(), rotation_period_in_days: None }
    }

    /// Sets `RotationPeriodInDays` [days].
    #[must_use]
    pub fn with_rotation_period_in_days(mut self, days: u32) -> Self {
        self.rotation_period_in_days = Some(days);
        self
    }
}

/// `EnableKeyRotation` response (empty).
#[derive(Clone, Debug, Default)]
pub struct EnableKeyRotationResponse {}

/// `DisableKeyRotation` request.
#[derive(Clone, Debug)]
pub struct DisableKeyRotationRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
}

impl DisableKeyRotationRequest {
    /// Stops rotating `key_id` automatically.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>) -> Self {
        Self { key_id: key_id.into() }
    }
}

/// `DisableKeyRotation` response (empty).
#[derive(Clone, Debug, Default)]
pub struct DisableKeyRotationResponse {}

/// `GetKeyRotationStatus` request.
#[derive(Clone, Debug)]
pub struct GetKeyRotationStatusRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
}

impl GetKeyRotationStatusRequest {
    /// The rotation status of `key_id`.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>) -> Self {
        Self { key_id: key_id.into() }
    }
}

/// `GetKeyRotationStatus` response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetKeyRotationStatusResponse {
    /// `KeyRotationEnabled`: false while the key is pending deletion.
    pub key_rotation_enabled: bool,
    /// `KeyId`: the key ARN.
    pub key_id: KeyArn,
    /// `RotationPeriodInDays`, when automatic rotation is enabled [days].
    pub rotation_period_in_days: Option<u32>,
    /// `NextRotationDate`, when automatic rotation is enabled.
    pub next_rotation_date: Option<Timestamp>,
    /// `OnDemandRotationStartDate`, while an on-demand rotation is in progress.
    pub on_demand_rotation_start_date: Option<Timestamp>,
}

/// `RotateKeyOnDemand` request.
#[derive(Clone, Debug)]
pub struct RotateKeyOnDemandRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
}

impl RotateKeyOnDemandRequest {
    /// Rotates `key_id` now.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>) -> Self {
        Self { key_id: key_id.into() }
    }
}

/// `RotateKeyOnDemand` response.
#[derive(Clone, Debug)]
pub struct RotateKeyOnDemandResponse {
    /// `KeyId`: the key ARN.
    pub key_id: KeyArn,
}

/// `ListKeyRotations` request (Limit 1..1000, default 100).
#[derive(Clone, Debug)]
pub struct ListKeyRotationsRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
    /// `IncludeKeyMaterial`, default ROTATIONS_ONLY.
    pub include_key_material: Option<IncludeKeyMaterial>,
    /// `Limit` and `Marker`.
    pub page: Page,
}

impl ListKeyRotationsRequest {
    /// The first page of `key_id`'s rotations.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>) -> Self {
        Self { key_id: key_id.into(), include_key_material: None, page: Page::default() }
    }

    /// Sets `IncludeKeyMaterial`.
    #[must_use]
    pub fn with_include_key_material(mut self, include: IncludeKeyMaterial) -> Self {
        self.include_key_material = Some(include);
        self
    }

    /// Sets `Limit` and `Marker`.
    #[must_use]
    pub fn with_page(mut self, page: Page) -> Self {
        self.page = page;
        self
    }
}

/// One entry of `ListKeyRotations` (`RotationsListEntry`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotationsListEntry {
    /// `KeyId`: the key ARN.
    pub key_id: KeyArn,
    /// `KeyMaterialId`.
    pub key_material_id: KeyMaterialId,
    /// `KeyMaterialState`.
    pub key_material_state: KeyMaterialState,
    /// `RotationDate`: when this material became current; none for the first material.
    pub rotation_date: Option<Timestamp>,
    /// `RotationType`: none for the first material.
    pub rotation_type: Option<RotationType>,
}

/// `ListKeyRotations` response.
#[derive(Clone, Debug)]
pub struct ListKeyRotationsResponse {
    /// `Rotations`, oldest first.
    pub rotations: Vec<RotationsListEntry>,
    /// `NextMarker` and `Truncated`.
    pub page_info: PageInfo,
}
