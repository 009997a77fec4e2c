//! HMAC keys: GenerateMac and VerifyMac.

use serde_json::{Value, json};

use super::{Access, Audited, Engine, QuotaKey, Touched, check_blob_len, check_grant_tokens};
use crate::api::*;
use crate::engine::CallContext;
use crate::error::{ErrorKind, KmsError};
use crate::id::{KeyArn, KeyRef};
use crate::spec::{KeyUsage, MacAlgorithmSpec};

/// Largest `Message` [bytes].
const MESSAGE_MAX_LEN: usize = 4096;
/// Largest `Mac` [bytes].
const MAC_MAX_LEN: usize = 6144;

/// Finds an HMAC key usable with `algorithm`; returns its ARN and current material.
fn mac_key<'e>(
    engine: &'e Engine,
    ctx: &CallContext,
    access: &Access<'_>,
    key_ref: &KeyRef,
    algorithm: MacAlgorithmSpec,
    touched: &mut Touched,
) -> Result<(KeyArn, &'e [u8]), KmsError> {
    let operation = access.operation;
    let key_id = engine.resolve(ctx, key_ref, true)?;
    let key = Engine::authorize(&engine.store, ctx, access.named_by(key_ref), key_id, touched)?;
    if key.usage != KeyUsage::GenerateVerifyMac {
        return Err(KmsError::new(
            ErrorKind::InvalidKeyUsage,
            format!("{} key usage is {} which is not valid for {operation}.", key.arn, key.usage),
        ));
    }
    if key.spec.mac_algorithm() != Some(algorithm) {
        return Err(KmsError::new(
            ErrorKind::InvalidKeyUsage,
            format!(
                "MAC algorithm {algorithm} is not valid for {} of key spec {}.",
                key.arn, key.spec
            ),
        ));
    }
    Ok((key.arn, key.current_material()?.bytes.expose()))
}

impl Audited for GenerateMacRequest {
    fn quota_key(&self) -> QuotaKey<'_> {
        QuotaKey::Ref(&self.key_id)
    }

    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "macAlgorithm": self.mac_algorithm,
            "dryRun": self.dry_run.then_some(true),
        })
    }
}

pub(super) fn generate_mac(
    engine: &mut Engine,
    ctx: &CallContext,
    req: GenerateMacRequest,
    touched: &mut Touched,
) -> Result<GenerateMacResponse, KmsError> {
    check_blob_len("message", req.message.len(), MESSAGE_MAX_LEN)?;
    check_grant_tokens(&req.grant_tokens)?;
    let access = Access::new(Operation::GenerateMac).with_grant_tokens(&req.grant_tokens);
    let (key_id, material) =
        mac_key(engine, ctx, &access, &req.key_id, req.mac_algorithm, touched)?;
    if req.dry_run {
        return Err(KmsError::dry_run());
    }
    let mac = engine.provider.hmac.sign(req.mac_algorithm, material, req.message.expose());
    Ok(GenerateMacResponse { mac, mac_algorithm: req.mac_algorithm, key_id })
}

impl Audited for VerifyMacRequest {
    fn quota_key(&self) -> QuotaKey<'_> {
        QuotaKey::Ref(&self.key_id)
    }

    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "macAlgorithm": self.mac_algorithm,
            "dryRun": self.dry_run.then_some(true),
        })
    }
}

pub(super) fn verify_mac(
    engine: &mut Engine,
    ctx: &CallContext,
    req: VerifyMacRequest,
    touched: &mut Touched,
) -> Result<VerifyMacResponse, KmsError> {
    check_blob_len("message", req.message.len(), MESSAGE_MAX_LEN)?;
    check_blob_len("mac", req.mac.len(), MAC_MAX_LEN)?;
    check_grant_tokens(&req.grant_tokens)?;
    let access = Access::new(Operation::VerifyMac).with_grant_tokens(&req.grant_tokens);
    let (key_id, material) =
        mac_key(engine, ctx, &access, &req.key_id, req.mac_algorithm, touched)?;
    if req.dry_run {
        return Err(KmsError::dry_run());
    }
    // The provider compares in constant time.
    if !engine.provider.hmac.verify(req.mac_algorithm, material, req.message.expose(), &req.mac) {
        return Err(KmsError::new(
            ErrorKind::KmsInvalidMac,
            "The MAC that was provided is not valid for the message and key.",
        ));
    }
    Ok(VerifyMacResponse { key_id, mac_valid: true, mac_algorithm: req.mac_algorithm })
}
