//! Imported key material: GetParametersForImport, ImportKeyMaterial,
//! DeleteImportedKeyMaterial.

use crate::id::{KeyArn, KeyMaterialId, KeyRef};
use crate::spec::{ExpirationModel, WrappingAlgorithm, WrappingKeySpec};
use crate::time::Timestamp;

/// `GetParametersForImport` request.
#[derive(Clone, Debug)]
pub struct GetParametersForImportRequest {
    /// `KeyId`: a key id or key ARN of a key with Origin EXTERNAL.
    pub key_id: KeyRef,
    /// `WrappingAlgorithm`.
    pub wrapping_algorithm: WrappingAlgorithm,
    /// `WrappingKeySpec`.
    pub wrapping_key_spec: WrappingKeySpec,
}

impl GetParametersForImportRequest {
    /// A wrapping key of `spec` for `algorithm`.
    #[must_use]
    pub fn new(
        key_id: impl Into<KeyRef>,
        algorithm: WrappingAlgorithm,
        spec: WrappingKeySpec,
    ) -> Self {
        Self { key_id: key_id.into(), wrapping_algorithm: algorithm, wrapping_key_spec: spec }
    }
}

/// `GetParametersForImport` response.
#[derive(Clone, Debug)]
pub struct GetParametersForImportResponse {
    /// `KeyId`: the key ARN.
    pub key_id: KeyArn,
    /// `ImportToken`: pass to ImportKeyMaterial. Opaque, not secret.
    pub import_token: Vec<u8>,
    /// `PublicKey`: the wrapping key, DER SubjectPublicKeyInfo.
    pub public_key: Vec<u8>,
    /// `ParametersValidTo`: 24 hours after the call.
    pub parameters_valid_to: Timestamp,
}

/// `ImportKeyMaterial` request.
#[derive(Clone, Debug)]
pub struct ImportKeyMaterialRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
    /// `ImportToken` from GetParametersForImport.
    pub import_token: Vec<u8>,
    /// `EncryptedKeyMaterial`: the material wrapped with the token's public key.
    pub encrypted_key_material: Vec<u8>,
    /// `ValidTo`: when the material expires (with KEY_MATERIAL_EXPIRES).
    pub valid_to: Option<Timestamp>,
    /// `ExpirationModel`; by default KEY_MATERIAL_EXPIRES when `valid_to` is given, else
    /// KEY_MATERIAL_DOES_NOT_EXPIRE.
    pub expiration_model: Option<ExpirationModel>,
}

impl ImportKeyMaterialRequest {
    /// Imports `encrypted_key_material` with `import_token`; it does not expire.
    #[must_use]
    pub fn new(
        key_id: impl Into<KeyRef>,
        import_token: Vec<u8>,
        encrypted_key_material: Vec<u8>,
    ) -> Self {
        Self {
            key_id: key_id.into(),
            import_token,
            encrypted_key_material,
            valid_to: None,
            expiration_model: None,
        }
    }

    /// The material expires at `valid_to`.
    #[must_use]
    pub fn with_valid_to(mut self, valid_to: Timestamp) -> Self {
        self.valid_to = Some(valid_to);
        self.expiration_model = Some(ExpirationModel::KeyMaterialExpires);
        self
    }
}

/// `ImportKeyMaterial` response.
#[derive(Clone, Debug)]
pub struct ImportKeyMaterialResponse {
    /// `KeyId`: the key ARN.
    pub key_id: KeyArn,
    /// `KeyMaterialId`: the same for the same material, so re-imports are recognised.
    pub key_material_id: KeyMaterialId,
}

/// `DeleteImportedKeyMaterial` request.
#[derive(Clone, Debug)]
pub struct DeleteImportedKeyMaterialRequest {
    /// `KeyId`: a key id or key ARN.
    pub key_id: KeyRef,
}

impl DeleteImportedKeyMaterialRequest {
    /// Deletes `key_id`'s imported material.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>) -> Self {
        Self { key_id: key_id.into() }
    }
}

/// `DeleteImportedKeyMaterial` response.
#[derive(Clone, Debug)]
pub struct DeleteImportedKeyMaterialResponse {
    /// `KeyId`: the key ARN.
    pub key_id: KeyArn,
}
