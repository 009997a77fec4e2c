//! Imported key material: GetParametersForImport, ImportKeyMaterial,
//! DeleteImportedKeyMaterial, and expiry at `ValidTo` (`advance_to`).
//!
//! GetParametersForImport draws an RSA wrapping key pair from the engine's generator and
//! keeps its private half with the import token; ImportKeyMaterial unwraps for real
//! (RSA-OAEP, or RSA-OAEP then AES key wrap with padding) through the crypto provider.
//! The material's id is an HMAC of the material under the key id, so the same material
//! imported again gets the same id, older ciphertexts find it, and other material is
//! recognised as such (IncorrectKeyMaterialException).

use serde_json::{Value, json};

use super::{Audited, Due, Engine, Touched, random_array};
use crate::api::*;
use crate::crypto::{OaepHash, RsaBits, wrap};
use crate::engine::CallContext;
use crate::error::{ErrorKind, KmsError};
use crate::id::{KeyId, KeyMaterialId};
use crate::key::{Imported, KeyMaterial, KeyRecord};
use crate::secret::Plaintext;
use crate::spec::{
    ExpirationModel, KeyState, MacAlgorithmSpec, OriginType, WrappingAlgorithm, WrappingKeySpec,
};
use crate::time::{NANOS_PER_DAY, Timestamp};

/// How long import parameters stay valid [ns]: 24 hours.
const IMPORT_TOKEN_LIFETIME_NS: u64 = NANOS_PER_DAY;
/// The latest `ValidTo` AWS accepts, from now [days].
const VALID_TO_MAX_DAYS: u32 = 365;
/// The length of symmetric key material [bytes].
const SYMMETRIC_MATERIAL_LEN: usize = 32;
/// Import tokens are this prefix and a random id.
const TOKEN_PREFIX: &[u8] = b"kmsim-import-token-v1:";

/// A wrapping key pair waiting for ImportKeyMaterial.
#[derive(Clone, Debug)]
pub(crate) struct ImportParameters {
    pub(crate) key_id: KeyId,
    pub(crate) private_pkcs8: Plaintext,
    pub(crate) algorithm: WrappingAlgorithm,
    pub(crate) valid_to: Timestamp,
}

fn check_external(key: &KeyRecord) -> Result<(), KmsError> {
    if key.origin != OriginType::External {
        return Err(KmsError::new(
            ErrorKind::UnsupportedOperation,
            format!("{} origin is {} which is not valid for this operation.", key.arn, key.origin),
        ));
    }
    Ok(())
}

impl Audited for GetParametersForImportRequest {
    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "wrappingAlgorithm": self.wrapping_algorithm,
            "wrappingKeySpec": self.wrapping_key_spec,
        })
    }
}

pub(super) fn get_parameters_for_import(
    engine: &mut Engine,
    ctx: &CallContext,
    req: GetParametersForImportRequest,
    touched: &mut Touched,
) -> Result<GetParametersForImportResponse, KmsError> {
    let bits = match req.wrapping_key_spec {
        WrappingKeySpec::Rsa2048 => RsaBits::Rsa2048,
        WrappingKeySpec::Rsa3072 => RsaBits::Rsa3072,
        WrappingKeySpec::Rsa4096 => RsaBits::Rsa4096,
        WrappingKeySpec::Sm2 => {
            return Err(KmsError::new(
                ErrorKind::UnsupportedOperation,
                "WrappingKeySpec SM2 is available only in China Regions",
            ));
        }
    };
    match req.wrapping_algorithm {
        WrappingAlgorithm::RsaesOaepSha1
        | WrappingAlgorithm::RsaesOaepSha256
        | WrappingAlgorithm::RsaAesKeyWrapSha1
        | WrappingAlgorithm::RsaAesKeyWrapSha256 => {}
        other => {
            return Err(KmsError::new(
                ErrorKind::UnsupportedOperation,
                format!(
                    "WrappingAlgorithm {other} is not supported: use RSAES_OAEP_SHA_* or RSA_AES_KEY_WRAP_SHA_*"
                ),
            ));
        }
    }
    let key_id = engine.resolve(ctx, &req.key_id, false)?;
    let key =
        Engine::authorize(&engine.store, ctx, Operation::GetParametersForImport, key_id, touched)?;
    check_external(key)?;
    let key_arn = key.arn;
    let pair = engine
        .provider
        .rsa_oaep
        .generate(bits, &mut engine.rng)
        .map_err(|_| KmsError::internal())?;
    let token_id: [u8; 32] = random_array(&mut engine.rng);
    let valid_to = ctx.now.plus_nanos(IMPORT_TOKEN_LIFETIME_NS);
    // Expired wrapping keys are of no further use: drop them.
    engine.store.import_tokens.retain(|_, parameters| parameters.valid_to >= ctx.now);
    engine.store.import_tokens.insert(
        token_id,
        ImportParameters {
            key_id,
            private_pkcs8: pair.private_pkcs8,
            algorithm: req.wrapping_algorithm,
            valid_to,
        },
    );
    let mut import_token = TOKEN_PREFIX.to_vec();
    import_token.extend_from_slice(&token_id);
    Ok(GetParametersForImportResponse {
        key_id: key_arn,
        import_token,
        public_key: pair.public_spki,
        parameters_valid_to: valid_to,
    })
}

impl Audited for ImportKeyMaterialRequest {
    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "validTo": self.valid_to.map(|t| t.to_string()),
            "expirationModel": self.expiration_model,
        })
    }
}

/// The id of `material` as material of `key_id`: stable across re-imports.
fn material_id(engine: &Engine, key_id: KeyId, material: &[u8]) -> KeyMaterialId {
    let mac = engine.provider.hmac.sign(MacAlgorithmSpec::HmacSha256, key_id.as_bytes(), material);
    let mut id = [0u8; 32];
    id.copy_from_slice(&mac[..32]);
    KeyMaterialId(id)
}

pub(super) fn import_key_material(
    engine: &mut Engine,
    ctx: &CallContext,
    req: ImportKeyMaterialRequest,
    touched: &mut Touched,
) -> Result<ImportKeyMaterialResponse, KmsError> {
    super::check_blob_len("encryptedKeyMaterial", req.encrypted_key_material.len(), 6144)?;
    let expiration_model = req.expiration_model.unwrap_or(if req.valid_to.is_some() {
        ExpirationModel::KeyMaterialExpires
    } else {
        ExpirationModel::KeyMaterialDoesNotExpire
    });
    let valid_to = match (expiration_model, req.valid_to) {
        (ExpirationModel::KeyMaterialExpires, None) => {
            return Err(KmsError::new(
                ErrorKind::Validation,
                "ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES",
            ));
        }
        (ExpirationModel::KeyMaterialDoesNotExpire, Some(_)) => {
            return Err(KmsError::new(
                ErrorKind::Validation,
                "ValidTo must be omitted when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE",
            ));
        }
        (_, Some(valid_to))
            if valid_to <= ctx.now || valid_to > ctx.now.plus_days(VALID_TO_MAX_DAYS) =>
        {
            return Err(KmsError::new(
                ErrorKind::Validation,
                format!(
                    "ValidTo {valid_to} must be after the time of the request and at most {VALID_TO_MAX_DAYS} days later"
                ),
            ));
        }
        (_, valid_to) => valid_to,
    };
    let key_id = engine.resolve(ctx, &req.key_id, false)?;
    let key = Engine::authorize(&engine.store, ctx, Operation::ImportKeyMaterial, key_id, touched)?;
    check_external(key)?;
    let key_arn = key.arn;
    let previous_id = key.imported.and_then(|i| i.material_id);

    let token_id: Option<[u8; 32]> =
        req.import_token.strip_prefix(TOKEN_PREFIX).and_then(|rest| rest.try_into().ok());
    let parameters = token_id
        .and_then(|id| engine.store.import_tokens.get(&id))
        .filter(|p| p.key_id == key_id)
        .ok_or_else(|| {
            KmsError::new(
                ErrorKind::InvalidImportToken,
                format!("The import token is not valid for {key_arn}."),
            )
        })?;
    if ctx.now > parameters.valid_to {
        return Err(KmsError::new(
            ErrorKind::ExpiredImportToken,
            format!(
                "The import token expired at {}; call GetParametersForImport again.",
                parameters.valid_to
            ),
        ));
    }
    let private = parameters.private_pkcs8.expose();
    let provider = engine.provider;
    let unwrapped = match parameters.algorithm {
        WrappingAlgorithm::RsaesOaepSha1 => {
            provider.rsa_oaep.decrypt(private, OaepHash::Sha1, &req.encrypted_key_material)
        }
        WrappingAlgorithm::RsaesOaepSha256 => {
            provider.rsa_oaep.decrypt(private, OaepHash::Sha256, &req.encrypted_key_material)
        }
        WrappingAlgorithm::RsaAesKeyWrapSha1 => {
            wrap::unwrap_rsa_aes(provider, private, OaepHash::Sha1, &req.encrypted_key_material)
        }
        _ => wrap::unwrap_rsa_aes(provider, private, OaepHash::Sha256, &req.encrypted_key_material),
    };
    let material = unwrapped.map_err(|_| KmsError::invalid_ciphertext())?;
    if material.len() != SYMMETRIC_MATERIAL_LEN {
        return Err(KmsError::new(
            ErrorKind::Validation,
            format!(
                "Key material for SYMMETRIC_DEFAULT keys must be 256 bits; this is {} bits",
                material.len() * 8
            ),
        ));
    }
    let id = material_id(engine, key_id, material.expose());
    if previous_id.is_some_and(|previous| previous != id) {
        return Err(KmsError::new(
            ErrorKind::IncorrectKeyMaterial,
            format!("The key material is not the material previously imported into {key_arn}."),
        ));
    }

    // Every check passed.
    let Some(key) = engine.store.keys.get_mut(&key_id) else { return Err(KmsError::internal()) };
    if let Some(old) = key.imported.and_then(|i| i.valid_to) {
        engine.store.due.remove(&(old, Due::MaterialExpires, key_id));
    }
    key.imported = Some(Imported {
        material_id: Some(id),
        valid_to,
        expiration_model: Some(expiration_model),
    });
    if key.materials.is_empty() {
        key.materials.push(KeyMaterial { id, bytes: material, public_key: None, rotation: None });
    }
    if key.state == KeyState::PendingImport {
        key.state = KeyState::Enabled;
    }
    if let Some(valid_to) = valid_to {
        engine.store.due.insert((valid_to, Due::MaterialExpires, key_id));
    }
    Ok(ImportKeyMaterialResponse { key_id: key_arn, key_material_id: id })
}

impl Audited for DeleteImportedKeyMaterialRequest {
    fn audit_parameters(&self) -> Value {
        json!({ "keyId": self.key_id.to_string() })
    }
}

/// Removes a key's imported material; the key waits for it again (PendingImport), unless it
/// is pending deletion.
fn remove_material(key: &mut KeyRecord) -> Option<Timestamp> {
    key.materials.clear();
    if key.state != KeyState::PendingDeletion {
        key.state = KeyState::PendingImport;
    }
    key.imported.as_mut().and_then(|i| {
        i.expiration_model = None;
        i.valid_to.take()
    })
}

pub(super) fn delete_imported_key_material(
    engine: &mut Engine,
    ctx: &CallContext,
    req: DeleteImportedKeyMaterialRequest,
    touched: &mut Touched,
) -> Result<DeleteImportedKeyMaterialResponse, KmsError> {
    let key = engine.key_mut(ctx, Operation::DeleteImportedKeyMaterial, &req.key_id, touched)?;
    check_external(key)?;
    let key_arn = key.arn;
    if let Some(valid_to) = remove_material(key) {
        engine.store.due.remove(&(valid_to, Due::MaterialExpires, key_arn.key_id));
    }
    Ok(DeleteImportedKeyMaterialResponse { key_id: key_arn })
}

/// `ValidTo` arrived: the material is deleted and recorded as DeleteExpiredKeyMaterial.
pub(super) fn material_expired(engine: &mut Engine, key_id: KeyId, at: Timestamp) {
    let Some(key) = engine.store.keys.get_mut(&key_id) else { return };
    if key.imported.and_then(|i| i.valid_to) != Some(at) {
        return;
    }
    remove_material(key);
    let arn = key.arn;
    engine.service_event("DeleteExpiredKeyMaterial", at, &arn, json!(null));
    engine.events.push(super::EngineEvent::KeyMaterialExpired { key: arn, at });
}
