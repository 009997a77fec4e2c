//! Shared fixtures: engines, callers and times.

use engine::audit::AuditSink;
use engine::crypto::ProviderKind;
use engine::quota::QuotaConfig;
use engine::{CallContext, Engine, EngineConfig, KeyId, Region, Timestamp};

/// 2026-11-30T00:53:20Z, the time most tests call at.
pub(crate) const T0: Timestamp = Timestamp::from_unix_seconds(1_796_000_000);

/// An engine in us-east-1 keeping every audit record, with request quotas off (the
/// `quotas` module tests them; elsewhere tests make many calls at one instant).
pub(crate) fn engine_with(provider: ProviderKind, seed: u64) -> Engine {
    Engine::new(
        EngineConfig::new(Region::US_EAST_1, seed)
            .with_provider(provider)
            .with_audit_sink(AuditSink::KeepAll)
            .with_quotas(QuotaConfig::disabled()),
    )
}

/// An engine with the default provider.
pub(crate) fn engine() -> Engine {
    engine_with(ProviderKind::default(), 7)
}

/// A role in account 111122223333 calling at [`T0`].
pub(crate) fn alice() -> CallContext {
    CallContext::new("arn:aws:iam::111122223333:role/alice".parse().unwrap(), T0)
}

/// A role in another account, 444455556666, calling at [`T0`].
pub(crate) fn mallory() -> CallContext {
    CallContext::new("arn:aws:iam::444455556666:role/mallory".parse().unwrap(), T0)
}

/// A new symmetric encryption key of `ctx`'s account.
pub(crate) fn symmetric_key(kms: &mut Engine, ctx: &CallContext) -> KeyId {
    kms.create_key(ctx, engine::api::CreateKeyRequest::new()).unwrap().key_id()
}

/// A new HMAC key of `spec` in `ctx`'s account.
pub(crate) fn hmac_key(kms: &mut Engine, ctx: &CallContext, spec: engine::spec::KeySpec) -> KeyId {
    kms.create_key(ctx, engine::api::CreateKeyRequest::hmac(spec)).unwrap().key_id()
}

/// An encryption context from pairs.
pub(crate) fn context(pairs: &[(&str, &str)]) -> engine::crypto::blob::EncryptionContext {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// Imports `material` into the EXTERNAL key `key`: GetParametersForImport (RSA_2048,
/// RSAES_OAEP_SHA_256), a real RSA-OAEP wrap, ImportKeyMaterial.
pub(crate) fn import_material(
    kms: &mut Engine,
    ctx: &CallContext,
    key: KeyId,
    material: &[u8],
    valid_to: Option<Timestamp>,
) -> Result<engine::api::ImportKeyMaterialResponse, engine::KmsError> {
    use engine::api::{GetParametersForImportRequest, ImportKeyMaterialRequest};
    use engine::spec::{WrappingAlgorithm, WrappingKeySpec};
    use rand_core::SeedableRng as _;
    let parameters = kms.get_parameters_for_import(
        ctx,
        GetParametersForImportRequest::new(
            key,
            WrappingAlgorithm::RsaesOaepSha256,
            WrappingKeySpec::Rsa2048,
        ),
    )?;
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
    let wrapped = ProviderKind::RustCrypto
        .provider()
        .rsa_oaep
        .encrypt(&parameters.public_key, engine::crypto::OaepHash::Sha256, material, &mut rng)
        .unwrap();
    let mut request = ImportKeyMaterialRequest::new(key, parameters.import_token, wrapped);
    if let Some(valid_to) = valid_to {
        request = request.with_valid_to(valid_to);
    }
    kms.import_key_material(ctx, request)
}

/// A new key with Origin EXTERNAL (PendingImport until material is imported).
pub(crate) fn external_key(kms: &mut Engine, ctx: &CallContext) -> KeyId {
    let request =
        engine::api::CreateKeyRequest::new().with_origin(engine::spec::OriginType::External);
    kms.create_key(ctx, request).unwrap().key_id()
}

/// A Decrypt of a key-pair ciphertext: AWS requires the key and the algorithm.
pub(crate) fn key_pair_decrypt(
    ciphertext: &[u8],
    key: KeyId,
    algorithm: engine::spec::EncryptionAlgorithmSpec,
) -> engine::api::DecryptRequest {
    engine::api::DecryptRequest::new(ciphertext.to_vec())
        .with_key_id(key)
        .with_encryption_algorithm(algorithm)
}
