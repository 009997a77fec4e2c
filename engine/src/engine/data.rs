//! The data plane: Encrypt, Decrypt, ReEncrypt (symmetric keys here; key pairs through
//! `key_pairs`), GenerateDataKey(WithoutPlaintext), GenerateRandom.

use serde_json::{Value, json};

use super::aws_managed::FirstUse;
use super::{
    Access, Audited, Engine, QuotaKey, Store, Touched, check_blob_len, check_grant_tokens,
    key_pairs, random_array,
};
use crate::api::*;
use crate::crypto::blob::{self, BlobHeader, EncryptionContext};
use crate::engine::CallContext;
use crate::error::{ErrorKind, KmsError};
use crate::id::KeyRef;
use crate::key::{KeyMaterial, KeyRecord};
use crate::secret::Plaintext;
use crate::spec::EncryptionAlgorithmSpec;

/// Largest `Plaintext` [bytes].
const PLAINTEXT_MAX_LEN: usize = 4096;
/// Largest `CiphertextBlob` [bytes].
const CIPHERTEXT_MAX_LEN: usize = 6144;
/// Largest `NumberOfBytes` of GenerateDataKey and GenerateRandom.
const NUMBER_OF_BYTES_MAX: u32 = 1024;

/// Checks that `key` can encrypt or decrypt with `algorithm` (default SYMMETRIC_DEFAULT).
fn check_symmetric(
    key: &KeyRecord,
    operation: Operation,
    algorithm: Option<EncryptionAlgorithmSpec>,
) -> Result<(), KmsError> {
    if !key.is_symmetric_encryption() {
        return Err(KmsError::new(
            ErrorKind::InvalidKeyUsage,
            format!("{} key usage is {} which is not valid for {operation}.", key.arn, key.usage),
        ));
    }
    match algorithm {
        None | Some(EncryptionAlgorithmSpec::SymmetricDefault) => Ok(()),
        Some(other) => Err(KmsError::new(
            ErrorKind::InvalidKeyUsage,
            format!(
                "Encryption algorithm {other} is not valid for {}; it supports SYMMETRIC_DEFAULT.",
                key.arn
            ),
        )),
    }
}

/// Finds and checks the key a symmetric operation encrypts under.
fn encrypting_key<'s>(
    engine: &'s Engine,
    ctx: &CallContext,
    access: &Access<'_>,
    key_ref: &KeyRef,
    algorithm: Option<EncryptionAlgorithmSpec>,
    touched: &mut Touched,
) -> Result<(&'s KeyRecord, &'s KeyMaterial), KmsError> {
    let key_id = engine.resolve(ctx, key_ref, true)?;
    let key = Engine::authorize(&engine.store, ctx, access.named_by(key_ref), key_id, touched)?;
    check_symmetric(key, access.operation, algorithm)?;
    Ok((key, key.current_material()?))
}

/// Checks a ciphertext and finds the key and material that can open it.
fn decrypting_key<'s>(
    engine: &'s Engine,
    ctx: &CallContext,
    access: &Access<'_>,
    blob: &[u8],
    key_ref: Option<&KeyRef>,
    algorithm: Option<EncryptionAlgorithmSpec>,
    touched: &mut Touched,
) -> Result<(&'s KeyRecord, &'s KeyMaterial), KmsError> {
    check_blob_len("ciphertextBlob", blob.len(), CIPHERTEXT_MAX_LEN)?;
    let requested = key_ref.map(|key_ref| engine.resolve(ctx, key_ref, true)).transpose()?;
    let store: &Store = &engine.store;
    // Whatever is wrong with the blob itself is opaque: InvalidCiphertextException.
    let header = BlobHeader::parse(blob).ok_or_else(KmsError::invalid_ciphertext)?;
    if !store.keys.contains_key(&header.key_id) {
        return Err(KmsError::invalid_ciphertext());
    }
    if requested.is_some_and(|requested| requested != header.key_id) {
        return Err(KmsError::new(
            ErrorKind::IncorrectKey,
            "The key ID in the request does not identify a CMK that can perform this operation.",
        ));
    }
    let access = match key_ref {
        Some(key_ref) => access.named_by(key_ref),
        None => *access,
    };
    let key = Engine::authorize(store, ctx, access, header.key_id, touched)?;
    check_symmetric(key, access.operation, algorithm)?;
    let material =
        key.material(&header.key_material_id).ok_or_else(KmsError::invalid_ciphertext)?;
    Ok((key, material))
}

/// Seals `plaintext` under `material` with a fresh salt and nonce from the engine's RNG.
pub(super) fn seal(
    engine: &mut Engine,
    key_id: crate::id::KeyId,
    context: &EncryptionContext,
    plaintext: Plaintext,
) -> Result<(Vec<u8>, crate::id::KeyMaterialId), KmsError> {
    let key = engine.store.keys.get(&key_id).ok_or_else(KmsError::internal)?;
    let material = key.current_material()?;
    let header = BlobHeader {
        key_id,
        key_material_id: material.id,
        salt: random_array(&mut engine.rng),
        nonce: random_array(&mut engine.rng),
    };
    let blob = blob::seal(engine.provider, material.bytes.expose(), &header, context, plaintext)
        .map_err(|_| KmsError::internal())?;
    Ok((blob, material.id))
}

fn context_json(context: &EncryptionContext) -> Value {
    if context.is_empty() { Value::Null } else { json!(context) }
}

impl Audited for EncryptRequest {
    fn quota_key(&self) -> QuotaKey<'_> {
        QuotaKey::Ref(&self.key_id)
    }

    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "encryptionAlgorithm": self.encryption_algorithm.unwrap_or(EncryptionAlgorithmSpec::SymmetricDefault),
            "encryptionContext": context_json(&self.encryption_context),
            "dryRun": self.dry_run.then_some(true),
        })
    }
}

pub(super) fn encrypt(
    engine: &mut Engine,
    ctx: &CallContext,
    req: EncryptRequest,
    touched: &mut Touched,
) -> Result<EncryptResponse, KmsError> {
    check_blob_len("plaintext", req.plaintext.len(), PLAINTEXT_MAX_LEN)?;
    check_grant_tokens(&req.grant_tokens)?;
    let access = Access::new(Operation::Encrypt)
        .with_context(&req.encryption_context)
        .with_grant_tokens(&req.grant_tokens)
        .with_encryption_algorithm(req.encryption_algorithm)
        .named_by(&req.key_id);
    engine.create_aws_managed_key_on_first_use(ctx, &req.key_id, FirstUse::ThroughService);
    let key_id = engine.resolve(ctx, &req.key_id, true)?;
    let key = Engine::authorize(&engine.store, ctx, access, key_id, touched)?;
    let key_arn = key.arn;
    if key.spec.is_asymmetric() {
        let algorithm = key_pairs::check_pair_encryption(
            key,
            Operation::Encrypt,
            req.encryption_algorithm,
            &req.encryption_context,
        )?;
        key_pairs::check_pair_plaintext(key, algorithm, req.plaintext.len())?;
        if req.dry_run {
            return Err(KmsError::dry_run());
        }
        let ciphertext_blob = key_pairs::pair_encrypt(engine, key_arn, algorithm, &req.plaintext)?;
        return Ok(EncryptResponse {
            ciphertext_blob,
            key_id: key_arn,
            encryption_algorithm: algorithm,
        });
    }
    check_symmetric(key, Operation::Encrypt, req.encryption_algorithm)?;
    key.current_material()?;
    if req.dry_run {
        return Err(KmsError::dry_run());
    }
    let (ciphertext_blob, _) =
        seal(engine, key_arn.key_id, &req.encryption_context, req.plaintext)?;
    Ok(EncryptResponse {
        ciphertext_blob,
        key_id: key_arn,
        encryption_algorithm: EncryptionAlgorithmSpec::SymmetricDefault,
    })
}

/// Finds and checks the key pair an asymmetric ciphertext names by `key_ref`, and opens the
/// ciphertext: (the key's ARN, its current material id, the plaintext, the algorithm).
fn open_with_key_pair(
    engine: &Engine,
    ctx: &CallContext,
    access: &Access<'_>,
    blob: &[u8],
    key_ref: &KeyRef,
    algorithm: Option<EncryptionAlgorithmSpec>,
    context: &EncryptionContext,
    touched: &mut Touched,
) -> Result<
    (crate::id::KeyArn, crate::id::KeyMaterialId, Plaintext, EncryptionAlgorithmSpec),
    KmsError,
> {
    check_blob_len("ciphertextBlob", blob.len(), CIPHERTEXT_MAX_LEN)?;
    let key_id = engine.resolve(ctx, key_ref, true)?;
    // A kmsim blob of another key given to a key pair: the request names the wrong key.
    if let Some(header) = BlobHeader::parse(blob)
        && header.key_id != key_id
        && engine.store.keys.contains_key(&header.key_id)
    {
        return Err(KmsError::new(
            ErrorKind::IncorrectKey,
            "The key ID in the request does not identify a CMK that can perform this operation.",
        ));
    }
    let key = Engine::authorize(&engine.store, ctx, access.named_by(key_ref), key_id, touched)?;
    let algorithm = key_pairs::check_pair_encryption(key, access.operation, algorithm, context)?;
    let plaintext = key_pairs::pair_decrypt(engine, key, algorithm, blob)?;
    Ok((key.arn, key.current_material()?.id, plaintext, algorithm))
}

impl Audited for DecryptRequest {
    fn quota_key(&self) -> QuotaKey<'_> {
        self.key_id.as_ref().map_or(QuotaKey::Blob(&self.ciphertext_blob), QuotaKey::Ref)
    }

    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.as_ref().map(ToString::to_string),
            "encryptionAlgorithm": self.encryption_algorithm.unwrap_or(EncryptionAlgorithmSpec::SymmetricDefault),
            "encryptionContext": context_json(&self.encryption_context),
            "dryRun": self.dry_run.then_some(true),
        })
    }
}

pub(super) fn decrypt(
    engine: &mut Engine,
    ctx: &CallContext,
    req: DecryptRequest,
    touched: &mut Touched,
) -> Result<DecryptResponse, KmsError> {
    check_grant_tokens(&req.grant_tokens)?;
    let access = Access::new(Operation::Decrypt)
        .with_context(&req.encryption_context)
        .with_grant_tokens(&req.grant_tokens)
        .with_encryption_algorithm(req.encryption_algorithm);
    // A ciphertext of a key pair carries no header: the KeyId names its key (and a key that
    // cannot decrypt at all is refused before its ciphertext is read).
    if let Some(key_ref) = req.key_id.as_ref()
        && key_pairs::names_non_symmetric_key(engine, ctx, key_ref)
    {
        let (key_id, key_material_id, plaintext, encryption_algorithm) = open_with_key_pair(
            engine,
            ctx,
            &access,
            &req.ciphertext_blob,
            key_ref,
            req.encryption_algorithm,
            &req.encryption_context,
            touched,
        )?;
        if req.dry_run {
            return Err(KmsError::dry_run());
        }
        return Ok(DecryptResponse { key_id, plaintext, encryption_algorithm, key_material_id });
    }
    let (key, material) = decrypting_key(
        engine,
        ctx,
        &access,
        &req.ciphertext_blob,
        req.key_id.as_ref(),
        req.encryption_algorithm,
        touched,
    )?;
    // A dry run checks the ciphertext too (AWS skips that only with IGNORE_CIPHERTEXT).
    let plaintext = blob::open_owned(
        engine.provider,
        material.bytes.expose(),
        req.ciphertext_blob,
        &req.encryption_context,
    )
    .map_err(|_| KmsError::invalid_ciphertext())?;
    if req.dry_run {
        return Err(KmsError::dry_run());
    }
    Ok(DecryptResponse {
        key_id: key.arn,
        plaintext,
        encryption_algorithm: EncryptionAlgorithmSpec::SymmetricDefault,
        key_material_id: material.id,
    })
}

/// ReEncrypt's source: a key pair's ciphertext is opened as soon as its key is checked; a
/// kmsim blob once the destination is checked too (its material is kept meanwhile).
enum Source {
    Opened(Plaintext),
    Sealed(Plaintext),
}

impl Audited for ReEncryptRequest {
    // Charged once, by the source key's type (the quota module's `class_for` takes one).
    fn quota_key(&self) -> QuotaKey<'_> {
        self.source_key_id.as_ref().map_or(QuotaKey::Blob(&self.ciphertext_blob), QuotaKey::Ref)
    }

    fn audit_parameters(&self) -> Value {
        json!({
            "sourceKeyId": self.source_key_id.as_ref().map(ToString::to_string),
            "destinationKeyId": self.destination_key_id.to_string(),
            "sourceEncryptionContext": context_json(&self.source_encryption_context),
            "destinationEncryptionContext": context_json(&self.destination_encryption_context),
            "sourceEncryptionAlgorithm": self.source_encryption_algorithm.unwrap_or(EncryptionAlgorithmSpec::SymmetricDefault),
            "destinationEncryptionAlgorithm": self.destination_encryption_algorithm.unwrap_or(EncryptionAlgorithmSpec::SymmetricDefault),
            "dryRun": self.dry_run.then_some(true),
        })
    }
}

pub(super) fn re_encrypt(
    engine: &mut Engine,
    ctx: &CallContext,
    req: ReEncryptRequest,
    touched: &mut Touched,
) -> Result<ReEncryptResponse, KmsError> {
    check_grant_tokens(&req.grant_tokens)?;
    engine.create_aws_managed_key_on_first_use(
        ctx,
        &req.destination_key_id,
        FirstUse::ThroughService,
    );
    let source_access = Access::re_encrypt_from()
        .with_context(&req.source_encryption_context)
        .with_grant_tokens(&req.grant_tokens)
        .with_encryption_algorithm(req.source_encryption_algorithm);
    // The source: a key pair's ciphertext (named by SourceKeyId) or a kmsim blob.
    let (source_arn, source_key_material_id, source, source_encryption_algorithm) =
        match req.source_key_id.as_ref() {
            Some(key_ref) if key_pairs::names_non_symmetric_key(engine, ctx, key_ref) => {
                let (arn, material_id, plaintext, algorithm) = open_with_key_pair(
                    engine,
                    ctx,
                    &source_access,
                    &req.ciphertext_blob,
                    key_ref,
                    req.source_encryption_algorithm,
                    &req.source_encryption_context,
                    touched,
                )?;
                (arn, material_id, Source::Opened(plaintext), algorithm)
            }
            source_key_id => {
                let (source, material) = decrypting_key(
                    engine,
                    ctx,
                    &source_access,
                    &req.ciphertext_blob,
                    source_key_id,
                    req.source_encryption_algorithm,
                    touched,
                )?;
                // Opened only once the destination is checked too, as before key pairs.
                let sealed = Source::Sealed(material.bytes.clone());
                (source.arn, material.id, sealed, EncryptionAlgorithmSpec::SymmetricDefault)
            }
        };
    let destination_access = Access::re_encrypt_to()
        .with_context(&req.destination_encryption_context)
        .with_grant_tokens(&req.grant_tokens)
        .with_encryption_algorithm(req.destination_encryption_algorithm)
        .named_by(&req.destination_key_id);
    let destination_id = engine.resolve(ctx, &req.destination_key_id, true)?;
    let destination =
        Engine::authorize(&engine.store, ctx, destination_access, destination_id, touched)?;
    let destination_arn = destination.arn;
    let destination_key_material_id = destination.current_material()?.id;
    let destination_encryption_algorithm = if destination.spec.is_asymmetric() {
        let algorithm = key_pairs::check_pair_encryption(
            destination,
            Operation::ReEncrypt,
            req.destination_encryption_algorithm,
            &req.destination_encryption_context,
        )?;
        Some(algorithm)
    } else {
        check_symmetric(destination, Operation::ReEncrypt, req.destination_encryption_algorithm)?;
        None
    };
    let plaintext = match source {
        Source::Opened(plaintext) => plaintext,
        Source::Sealed(material) => blob::open(
            engine.provider,
            material.expose(),
            &req.ciphertext_blob,
            &req.source_encryption_context,
        )
        .map_err(|_| KmsError::invalid_ciphertext())?,
    };
    if let Some(algorithm) = destination_encryption_algorithm {
        let destination = engine.store.keys.get(&destination_id).ok_or_else(KmsError::internal)?;
        key_pairs::check_pair_plaintext(destination, algorithm, plaintext.len())?;
    }
    if req.dry_run {
        return Err(KmsError::dry_run());
    }
    let (ciphertext_blob, destination_encryption_algorithm) = match destination_encryption_algorithm
    {
        Some(algorithm) => {
            (key_pairs::pair_encrypt(engine, destination_arn, algorithm, &plaintext)?, algorithm)
        }
        None => {
            let (blob, _) = seal(
                engine,
                destination_arn.key_id,
                &req.destination_encryption_context,
                plaintext,
            )?;
            (blob, EncryptionAlgorithmSpec::SymmetricDefault)
        }
    };
    Ok(ReEncryptResponse {
        ciphertext_blob,
        source_key_id: source_arn,
        key_id: destination_arn,
        source_encryption_algorithm,
        destination_encryption_algorithm,
        source_key_material_id,
        destination_key_material_id,
    })
}

impl Audited for GenerateDataKeyRequest {
    fn quota_key(&self) -> QuotaKey<'_> {
        QuotaKey::Ref(&self.key_id)
    }

    fn audit_parameters(&self) -> Value {
        json!({
            "keyId": self.key_id.to_string(),
            "keySpec": self.key_spec,
            "numberOfBytes": self.number_of_bytes,
            "encryptionContext": context_json(&self.encryption_context),
            "dryRun": self.dry_run.then_some(true),
        })
    }
}

impl Audited for GenerateDataKeyWithoutPlaintextRequest {
    fn quota_key(&self) -> QuotaKey<'_> {
        self.0.quota_key()
    }

    fn audit_parameters(&self) -> Value {
        self.0.audit_parameters()
    }
}

/// The data key length [bytes] a GenerateDataKey request asks for.
fn data_key_len(req: &GenerateDataKeyRequest) -> Result<usize, KmsError> {
    match (req.key_spec, req.number_of_bytes) {
        (Some(spec), None) => Ok(spec.len_bytes()),
        (None, Some(n)) if (1..=NUMBER_OF_BYTES_MAX).contains(&n) => Ok(n as usize),
        (None, Some(n)) if n == 0 => Err(KmsError::validation_value(
            "numberOfBytes",
            n,
            "Member must have value greater than or equal to 1",
        )),
        (None, Some(n)) => Err(KmsError::validation_value(
            "numberOfBytes",
            n,
            "Member must have value less than or equal to 1024",
        )),
        (None, None) => Err(KmsError::new(
            ErrorKind::Validation,
            "Please specify either number of bytes or key spec.",
        )),
        (Some(_), Some(_)) => Err(KmsError::new(
            ErrorKind::Validation,
            "Please specify either number of bytes or key spec, not both.",
        )),
    }
}

/// GenerateDataKey and GenerateDataKeyWithoutPlaintext share everything but the output.
fn new_data_key(
    engine: &mut Engine,
    ctx: &CallContext,
    operation: Operation,
    req: GenerateDataKeyRequest,
    touched: &mut Touched,
) -> Result<GenerateDataKeyResponse, KmsError> {
    let len = data_key_len(&req)?;
    check_grant_tokens(&req.grant_tokens)?;
    let access = Access::new(operation)
        .with_context(&req.encryption_context)
        .with_grant_tokens(&req.grant_tokens);
    engine.create_aws_managed_key_on_first_use(ctx, &req.key_id, FirstUse::ThroughService);
    let (key, _) = encrypting_key(engine, ctx, &access, &req.key_id, None, touched)?;
    let key_arn = key.arn;
    if req.dry_run {
        return Err(KmsError::dry_run());
    }
    let mut data_key = Plaintext::new(vec![0u8; len]);
    rand_core::Rng::fill_bytes(&mut engine.rng, data_key.expose_mut());
    let (ciphertext_blob, key_material_id) =
        seal(engine, key_arn.key_id, &req.encryption_context, data_key.clone())?;
    Ok(GenerateDataKeyResponse {
        ciphertext_blob,
        plaintext: data_key,
        key_id: key_arn,
        key_material_id,
    })
}

pub(super) fn generate_data_key(
    engine: &mut Engine,
    ctx: &CallContext,
    req: GenerateDataKeyRequest,
    touched: &mut Touched,
) -> Result<GenerateDataKeyResponse, KmsError> {
    new_data_key(engine, ctx, Operation::GenerateDataKey, req, touched)
}

pub(super) fn generate_data_key_without_plaintext(
    engine: &mut Engine,
    ctx: &CallContext,
    req: GenerateDataKeyWithoutPlaintextRequest,
    touched: &mut Touched,
) -> Result<GenerateDataKeyWithoutPlaintextResponse, KmsError> {
    let response =
        new_data_key(engine, ctx, Operation::GenerateDataKeyWithoutPlaintext, req.0, touched)?;
    Ok(GenerateDataKeyWithoutPlaintextResponse {
        ciphertext_blob: response.ciphertext_blob,
        key_id: response.key_id,
        key_material_id: response.key_material_id,
    })
}

impl Audited for GenerateRandomRequest {
    fn quota_store(&self) -> Option<&str> {
        self.custom_key_store_id.as_deref()
    }

    fn audit_parameters(&self) -> Value {
        json!({ "numberOfBytes": self.number_of_bytes, "customKeyStoreId": self.custom_key_store_id })
    }
}

pub(super) fn generate_random(
    engine: &mut Engine,
    ctx: &CallContext,
    req: GenerateRandomRequest,
    _touched: &mut Touched,
) -> Result<GenerateRandomResponse, KmsError> {
    let n = req.number_of_bytes;
    if n == 0 {
        return Err(KmsError::validation_value(
            "numberOfBytes",
            n,
            "Member must have value greater than or equal to 1",
        ));
    }
    if n > NUMBER_OF_BYTES_MAX {
        return Err(KmsError::validation_value(
            "numberOfBytes",
            n,
            "Member must have value less than or equal to 1024",
        ));
    }
    if let Some(store_id) = &req.custom_key_store_id {
        if store_id.is_empty() || store_id.len() > 64 {
            return Err(KmsError::validation(
                "customKeyStoreId",
                "Member must have length between 1 and 64",
            ));
        }
        super::custom_key_stores::check_random_source(engine, ctx, store_id)?;
    }
    let mut plaintext = Plaintext::new(vec![0u8; n as usize]);
    rand_core::Rng::fill_bytes(&mut engine.rng, plaintext.expose_mut());
    Ok(GenerateRandomResponse { plaintext })
}
