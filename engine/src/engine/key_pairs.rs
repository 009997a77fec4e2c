//! Key pairs: GetPublicKey, Sign, Verify, DeriveSharedSecret, GenerateDataKeyPair(WithoutPlaintext),
//! and the asymmetric halves of Encrypt, Decrypt and ReEncrypt (called from `data`).
//!
//! Every request is checked against AWS's rules (`crate::key_pair`) before the provider sees
//! it, so every provider refuses the same requests with the same exceptions; the provider
//! only does the cryptography.

use serde_json::{Value, json};

use super::{
    Access, Audited, Engine, QuotaKey, Touched, asymmetric_error, check_blob_len,
    check_grant_tokens,
};
use crate::api::*;
use crate::crypto::asymmetric::SignInput;
use crate::crypto::blob::EncryptionContext;
use crate::engine::CallContext;
use crate::error::{ErrorKind, KmsError};
use crate::id::{KeyArn, KeyRef};
use crate::key::KeyRecord;
use crate::key_pair;
use crate::secret::Plaintext;
use crate::spec::{EncryptionAlgorithmSpec, KeySpec, KeyUsage, MessageType, SigningAlgorithmSpec};

/// Largest `Message` of Sign and Verify [bytes].
const MESSAGE_MAX_LEN: usize = 4096;
/// Largest `Signature` [bytes] (AWS's CiphertextType).
const SIGNATURE_MAX_LEN: usize = 6144;
/// Largest `PublicKey` of DeriveSharedSecret [bytes].
const PUBLIC_KEY_MAX_LEN: usize = 8192;

/// `InvalidKeyUsageException` for a key whose usage does not allow `operation`, in AWS's
/// words.
pub(super) fn wrong_usage(key: &KeyRecord, operation: Operation) -> KmsError {
    KmsError::new(
        ErrorKind::InvalidKeyUsage,
        format!("{} key usage is {} which is not valid for {operation}.", key.arn, key.usage),
    )
}

/// `InvalidKeyUsageException` for an algorithm the key's spec does not have, in AWS's words
/// ("Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_4096.").
pub(super) fn wrong_algorithm(algorithm: impl std::fmt::Display, spec: KeySpec) -> KmsError {
    KmsError::new(
        ErrorKind::InvalidKeyUsage,
        format!("Algorithm {algorithm} is incompatible with key spec {spec}."),
    )
}

/// Resolves and authorizes a key-pair operation on `key_ref`, and checks the key's usage.
fn pair_key<'e>(
    engine: &'e Engine,
    ctx: &CallContext,
    access: &Access<'_>,
    key_ref: &KeyRef,
    usage: KeyUsage,
    touched: &mut Touched,
) -> Result<&'e KeyRecord, KmsError> {
    let key_id = engine.resolve(ctx, key_ref, true)?;
    let key = Engine::authorize(&engine.store, ctx, access.named_by(key_ref), key_id, touched)?;
    if key.usage != usage || !key.spec.is_asymmetric() {
        return Err(wrong_usage(key, access.operation));
    }
    Ok(key)
}

impl Audited for GetPublicKeyRequest {
    fn audit_parameters(&self) -> Value {
        json!({ "keyId": self.key_id.to_string() })
    }
}

pub(super) fn get_public_key(
    engine: &mut Engine,
    ctx: &CallContext,
    req: GetPublicKeyRequest,
    touched: &mut Touched,
) -> Result<GetPublicKeyResponse, KmsError> {
    check_grant_tokens(&req.grant_tokens)?;
    let access = Access::new(Operation::GetPublicKey)
        .with_grant_tokens(&req.grant_tokens)
        .named_by(&req.key_id);
    let key_id = engine.resolve(ctx, &req.key_id, true)?;
    let key = Engine::authorize(&engine.store, ctx, access, key_id, touched)?;
    if !key.spec.is_asymmetric() {
        // AWS: "GetPublicKey … the KMS key must be asymmetric"; a symmetric or HMAC key has
        // no public key.
        return Err(KmsError::new(
            ErrorKind::UnsupportedOperation,
            format!("{} key spec {} is not asymmetric: it has no public key.", key.arn, key.spec),
        ));
    }
    let (_, public_key) = key.key_pair()?;
    let metadata = key.metadata();
    Ok(GetPublicKeyResponse {
        key_id: key.arn,
        public_key: public_key.to_vec(),
        customer_master_key_spec: key.spec,
        key_spec: key.spec,
        key_usage: key.usage,
        encryption_algorithms: metadata.encryption_algorithms,
        signing_algorithms: metadata.signing_algorithms,
        key_agreement_algorithms: metadata.key_agreement_algorithms,
    })
}

/// Checks a Sign or Verify message against `algorithm` and its message type; returns the
/// message type in force (RAW when omitted).
fn check_message(
    spec: KeySpec,
    algorithm: SigningAlgorithmSpec,
    message_type: Option<MessageType>,
    message: &[u8],
) -> Result<MessageType, KmsError> {
    check_blob_len("message", message.len(), MESSAGE_MAX_LEN)?;
    if !key_pair::signing_algorithms(spec).contains(&algorithm) {
        return Err(wrong_algorithm(algorithm, spec));
    }
    let message_type = message_type.unwrap_or(MessageType::Raw);
    let refuse = |why: &str| {
        Err(KmsError::new(
            ErrorKind::Validation,
            format!("MessageType {message_type} is not valid for algorithm {algorithm}: {why}"),
        ))
    };
    match (algorithm, message_type) {
        // ED25519_SHA_512 signs the message itself, ED25519_PH_SHA_512 its SHA-512 digest:
        // "These message types cannot be used interchangeably."
        (SigningAlgorithmSpec::Ed25519Sha512, MessageType::Raw) => Ok(message_type),
        (SigningAlgorithmSpec::Ed25519Sha512, _) => refuse("ED25519_SHA_512 requires RAW"),
        (SigningAlgorithmSpec::Ed25519PhSha512, MessageType::Raw | MessageType::ExternalMu) => {
            refuse("ED25519_PH_SHA_512 requires DIGEST")
        }
        (SigningAlgorithmSpec::MlDsaShake256, MessageType::Digest) => {
            refuse("ML_DSA_SHAKE_256 takes RAW or EXTERNAL_MU")
        }
        (SigningAlgorithmSpec::MlDsaShake256, MessageType::ExternalMu) => {
            if message.len() == key_pair::EXTERNAL_MU_LEN {
                Ok(message_type)
            } else {
                Err(KmsError::new(
                    ErrorKind::Validation,
                    format!(
                        "An EXTERNAL_MU message must be {} bytes long.",
                        key_pair::EXTERNAL_MU_LEN
                    ),
                ))
            }
        }
        (_, MessageType::ExternalMu) => refuse("EXTERNAL_MU is for ML_DSA_SHAKE_256 only"),
        (_, MessageType::Digest) => {
            if key_pair::digest_len(algorithm) == Some(message.len()) {
                Ok(message_type)
            } else {
                Err(KmsError::new(
                    ErrorKind::Validation,
                    format!("Digest is invalid length for algorithm {algorithm}."),
                ))
            }
        }
        (_, MessageType::Raw) => Ok(message_type),
    }
}

impl Audited for SignRequest {
    fn quota_key(&self) -> QuotaKey<'_> {
        QuotaKey::Ref(&self.key_id)
    }

    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "signingAlgorithm": self.signing_algorithm,
            "messageType": self.message_type.unwrap_or(MessageType::Raw),
            "dryRun": self.dry_run.then_some(true),
        })
    }
}

pub(super) fn sign(
    engine: &mut Engine,
    ctx: &CallContext,
    req: SignRequest,
    touched: &mut Touched,
) -> Result<SignResponse, KmsError> {
    check_blob_len("message", req.message.len(), MESSAGE_MAX_LEN)?;
    check_grant_tokens(&req.grant_tokens)?;
    let requested_type = req.message_type.unwrap_or(MessageType::Raw);
    let access = Access::new(Operation::Sign)
        .with_grant_tokens(&req.grant_tokens)
        .with_signing(req.signing_algorithm, requested_type);
    let key = pair_key(engine, ctx, &access, &req.key_id, KeyUsage::SignVerify, touched)?;
    let message_type =
        check_message(key.spec, req.signing_algorithm, req.message_type, req.message.expose())?;
    if req.dry_run {
        return Err(KmsError::dry_run());
    }
    let (spec, arn) = (key.spec, key.arn);
    // Looked up again through the store alone, so the generator can be borrowed beside it.
    let key = engine.store.keys.get(&arn.key_id).ok_or_else(KmsError::internal)?;
    let (private, _) = key.key_pair()?;
    let input = SignInput { message: req.message.expose(), message_type };
    let signature = engine
        .provider
        .asymmetric
        .sign(spec, req.signing_algorithm, private, input, &mut engine.rng)
        .map_err(|e| asymmetric_error(engine.provider.kind, spec, e))?;
    Ok(SignResponse { key_id: arn, signature, signing_algorithm: req.signing_algorithm })
}

impl Audited for VerifyRequest {
    fn quota_key(&self) -> QuotaKey<'_> {
        QuotaKey::Ref(&self.key_id)
    }

    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "signingAlgorithm": self.signing_algorithm,
            "messageType": self.message_type.unwrap_or(MessageType::Raw),
            "dryRun": self.dry_run.then_some(true),
        })
    }
}

pub(super) fn verify(
    engine: &mut Engine,
    ctx: &CallContext,
    req: VerifyRequest,
    touched: &mut Touched,
) -> Result<VerifyResponse, KmsError> {
    check_blob_len("message", req.message.len(), MESSAGE_MAX_LEN)?;
    check_blob_len("signature", req.signature.len(), SIGNATURE_MAX_LEN)?;
    check_grant_tokens(&req.grant_tokens)?;
    let requested_type = req.message_type.unwrap_or(MessageType::Raw);
    let access = Access::new(Operation::Verify)
        .with_grant_tokens(&req.grant_tokens)
        .with_signing(req.signing_algorithm, requested_type);
    let key = pair_key(engine, ctx, &access, &req.key_id, KeyUsage::SignVerify, touched)?;
    let message_type =
        check_message(key.spec, req.signing_algorithm, req.message_type, req.message.expose())?;
    if req.dry_run {
        return Err(KmsError::dry_run());
    }
    let (_, public) = key.key_pair()?;
    let input = SignInput { message: req.message.expose(), message_type };
    let valid = engine
        .provider
        .asymmetric
        .verify(key.spec, req.signing_algorithm, public, input, &req.signature)
        .map_err(|e| asymmetric_error(engine.provider.kind, key.spec, e))?;
    if !valid {
        return Err(KmsError::new(
            ErrorKind::KmsInvalidSignature,
            "The signature that was provided is not valid for the message, key and signing algorithm.",
        ));
    }
    Ok(VerifyResponse {
        key_id: key.arn,
        signature_valid: true,
        signing_algorithm: req.signing_algorithm,
    })
}

impl Audited for DeriveSharedSecretRequest {
    fn quota_key(&self) -> QuotaKey<'_> {
        QuotaKey::Ref(&self.key_id)
    }

    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "keyAgreementAlgorithm": self.key_agreement_algorithm,
            "dryRun": self.dry_run.then_some(true),
        })
    }
}

pub(super) fn derive_shared_secret(
    engine: &mut Engine,
    ctx: &CallContext,
    req: DeriveSharedSecretRequest,
    touched: &mut Touched,
) -> Result<DeriveSharedSecretResponse, KmsError> {
    check_blob_len("publicKey", req.public_key.len(), PUBLIC_KEY_MAX_LEN)?;
    check_grant_tokens(&req.grant_tokens)?;
    let access = Access::new(Operation::DeriveSharedSecret)
        .with_grant_tokens(&req.grant_tokens)
        .with_key_agreement_algorithm(req.key_agreement_algorithm);
    let key = pair_key(engine, ctx, &access, &req.key_id, KeyUsage::KeyAgreement, touched)?;
    if !key_pair::key_agreement_algorithms(key.spec).contains(&req.key_agreement_algorithm) {
        return Err(wrong_algorithm(req.key_agreement_algorithm, key.spec));
    }
    if req.dry_run {
        return Err(KmsError::dry_run());
    }
    let (private, _) = key.key_pair()?;
    let shared_secret = engine
        .provider
        .asymmetric
        .derive_shared_secret(key.spec, private, &req.public_key)
        .map_err(|e| match e {
            // The peer's key is the caller's input: a key that does not parse, or is on
            // another curve, is the request's fault, not the service's.
            crate::crypto::asymmetric::AsymmetricError::Failed => KmsError::new(
                ErrorKind::Validation,
                format!(
                    "PublicKey must be a DER-encoded SubjectPublicKeyInfo of a point on the curve of key spec {}.",
                    key.spec
                ),
            ),
            unsupported => asymmetric_error(engine.provider.kind, key.spec, unsupported),
        })?;
    Ok(DeriveSharedSecretResponse {
        key_id: key.arn,
        shared_secret,
        key_agreement_algorithm: req.key_agreement_algorithm,
        key_origin: key.origin,
    })
}

impl Audited for GenerateDataKeyPairRequest {
    fn quota_key(&self) -> QuotaKey<'_> {
        QuotaKey::Ref(&self.key_id)
    }

    fn quota_spec(&self) -> Option<KeySpec> {
        Some(self.key_pair_spec.key_spec())
    }

    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "keyPairSpec": self.key_pair_spec,
            "encryptionContext": if self.encryption_context.is_empty() { Value::Null } else { json!(self.encryption_context) },
            "dryRun": self.dry_run.then_some(true),
        })
    }
}

impl Audited for GenerateDataKeyPairWithoutPlaintextRequest {
    fn quota_key(&self) -> QuotaKey<'_> {
        self.0.quota_key()
    }

    fn quota_spec(&self) -> Option<KeySpec> {
        self.0.quota_spec()
    }

    fn audit_parameters(&self) -> Value {
        self.0.audit_parameters()
    }
}

/// GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext share everything but the
/// output.
fn new_data_key_pair(
    engine: &mut Engine,
    ctx: &CallContext,
    operation: Operation,
    req: GenerateDataKeyPairRequest,
    touched: &mut Touched,
) -> Result<GenerateDataKeyPairResponse, KmsError> {
    check_grant_tokens(&req.grant_tokens)?;
    let pair_spec = req.key_pair_spec.key_spec();
    let access = Access::new(operation)
        .with_context(&req.encryption_context)
        .with_grant_tokens(&req.grant_tokens)
        .with_data_key_pair_spec(req.key_pair_spec)
        .named_by(&req.key_id);
    let key_id = engine.resolve(ctx, &req.key_id, true)?;
    let key = Engine::authorize(&engine.store, ctx, access, key_id, touched)?;
    if !key.is_symmetric_encryption() {
        return Err(wrong_usage(key, operation));
    }
    if key.custom_key_store.is_some() {
        // "The wrapping key must be a symmetric encryption key NOT in a custom key store."
        return Err(KmsError::new(
            ErrorKind::UnsupportedOperation,
            format!(
                "{} is in a custom key store: {operation} requires a key whose material AWS KMS holds.",
                key.arn
            ),
        ));
    }
    if !key_pair::allowed_in(pair_spec, engine.region.partition()) {
        return Err(KmsError::new(
            ErrorKind::UnsupportedOperation,
            format!("KeyPairSpec {pair_spec} is supported only in the China Regions"),
        ));
    }
    let key_arn = key.arn;
    if req.dry_run {
        return Err(KmsError::dry_run());
    }
    let pair = engine
        .provider
        .asymmetric
        .generate(pair_spec, &mut engine.rng)
        .map_err(|e| asymmetric_error(engine.provider.kind, pair_spec, e))?;
    let private_key_plaintext = pair.private_pkcs8;
    // The private key is sealed exactly as Encrypt would seal it (kms-facts: Decrypt opens
    // a PrivateKeyCiphertextBlob with the same encryption context).
    let (private_key_ciphertext_blob, key_material_id) = super::data::seal(
        engine,
        key_arn.key_id,
        &req.encryption_context,
        private_key_plaintext.clone(),
    )?;
    Ok(GenerateDataKeyPairResponse {
        private_key_ciphertext_blob,
        private_key_plaintext,
        public_key: pair.public_spki,
        key_id: key_arn,
        key_pair_spec: req.key_pair_spec,
        key_material_id,
    })
}

pub(super) fn generate_data_key_pair(
    engine: &mut Engine,
    ctx: &CallContext,
    req: GenerateDataKeyPairRequest,
    touched: &mut Touched,
) -> Result<GenerateDataKeyPairResponse, KmsError> {
    new_data_key_pair(engine, ctx, Operation::GenerateDataKeyPair, req, touched)
}

pub(super) fn generate_data_key_pair_without_plaintext(
    engine: &mut Engine,
    ctx: &CallContext,
    req: GenerateDataKeyPairWithoutPlaintextRequest,
    touched: &mut Touched,
) -> Result<GenerateDataKeyPairWithoutPlaintextResponse, KmsError> {
    let response = new_data_key_pair(
        engine,
        ctx,
        Operation::GenerateDataKeyPairWithoutPlaintext,
        req.0,
        touched,
    )?;
    Ok(GenerateDataKeyPairWithoutPlaintextResponse {
        private_key_ciphertext_blob: response.private_key_ciphertext_blob,
        public_key: response.public_key,
        key_id: response.key_id,
        key_pair_spec: response.key_pair_spec,
        key_material_id: response.key_material_id,
    })
}

/// Checks an asymmetric Encrypt or Decrypt: ENCRYPT_DECRYPT usage, an algorithm of the
/// key's spec (required: omitting it means SYMMETRIC_DEFAULT, which no key pair has), no
/// encryption context. Returns the algorithm.
pub(super) fn check_pair_encryption(
    key: &KeyRecord,
    operation: Operation,
    algorithm: Option<EncryptionAlgorithmSpec>,
    context: &EncryptionContext,
) -> Result<EncryptionAlgorithmSpec, KmsError> {
    if key.usage != KeyUsage::EncryptDecrypt {
        return Err(wrong_usage(key, operation));
    }
    let algorithm = algorithm.unwrap_or(EncryptionAlgorithmSpec::SymmetricDefault);
    if !key_pair::encryption_algorithms(key.spec).contains(&algorithm) {
        return Err(wrong_algorithm(algorithm, key.spec));
    }
    if !context.is_empty() {
        // "Encryption context is accepted only with symmetric encryption keys"; AWS's exact
        // message is not documented.
        return Err(KmsError::new(
            ErrorKind::Validation,
            "encryption context is not supported for this key type",
        ));
    }
    Ok(algorithm)
}

/// Checks that `len` bytes fit `algorithm` under `key` (RSA_2048 with RSAES_OAEP_SHA_256:
/// 190 bytes).
pub(super) fn check_pair_plaintext(
    key: &KeyRecord,
    algorithm: EncryptionAlgorithmSpec,
    len: usize,
) -> Result<(), KmsError> {
    let max = key_pair::max_plaintext_len(key.spec, algorithm).unwrap_or(0);
    if len > max {
        // AWS documents the limits, not its message for exceeding one.
        return Err(KmsError::new(
            ErrorKind::Validation,
            format!(
                "Plaintext is {len} bytes long; {algorithm} under a {} key takes at most {max} bytes.",
                key.spec
            ),
        ));
    }
    Ok(())
}

/// Encrypts `plaintext` to the public key of the key pair `key_arn` (already checked with
/// [`check_pair_encryption`] and [`check_pair_plaintext`]).
pub(super) fn pair_encrypt(
    engine: &mut Engine,
    key_arn: KeyArn,
    algorithm: EncryptionAlgorithmSpec,
    plaintext: &Plaintext,
) -> Result<Vec<u8>, KmsError> {
    let key = engine.store.keys.get(&key_arn.key_id).ok_or_else(KmsError::internal)?;
    let (_, public) = key.key_pair()?;
    engine
        .provider
        .asymmetric
        .encrypt(key.spec, algorithm, public, plaintext.expose(), &mut engine.rng)
        .map_err(|e| asymmetric_error(engine.provider.kind, key.spec, e))
}

/// Decrypts an asymmetric `ciphertext` with the private key of `key`: anything wrong with
/// the ciphertext is the opaque InvalidCiphertextException.
pub(super) fn pair_decrypt(
    engine: &Engine,
    key: &KeyRecord,
    algorithm: EncryptionAlgorithmSpec,
    ciphertext: &[u8],
) -> Result<Plaintext, KmsError> {
    let (private, _) = key.key_pair()?;
    engine.provider.asymmetric.decrypt(key.spec, algorithm, private, ciphertext).map_err(
        |e| match e {
            crate::crypto::asymmetric::AsymmetricError::Failed => KmsError::invalid_ciphertext(),
            unsupported => asymmetric_error(engine.provider.kind, key.spec, unsupported),
        },
    )
}

/// Whether `key_ref` (resolved in the caller's view) names a key that is not a symmetric
/// encryption key: Decrypt and ReEncrypt then take the key-pair path, whose ciphertexts
/// carry no header, and which refuses any other key (HMAC, SIGN_VERIFY, KEY_AGREEMENT) with
/// InvalidKeyUsageException before reading the ciphertext.
pub(super) fn names_non_symmetric_key(
    engine: &Engine,
    ctx: &CallContext,
    key_ref: &KeyRef,
) -> bool {
    engine
        .resolve(ctx, key_ref, true)
        .ok()
        .and_then(|id| engine.store.keys.get(&id))
        .is_some_and(|key| !key.is_symmetric_encryption())
}
