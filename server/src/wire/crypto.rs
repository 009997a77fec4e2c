//! The symmetric data plane: Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext),
//! GenerateRandom.

use engine::api::{
    DecryptRequest, DecryptResponse, EncryptRequest, EncryptResponse, GenerateDataKeyRequest,
    GenerateDataKeyResponse, GenerateDataKeyWithoutPlaintextRequest,
    GenerateDataKeyWithoutPlaintextResponse, GenerateRandomRequest, GenerateRandomResponse,
    ReEncryptRequest, ReEncryptResponse,
};

use super::WireError;
use super::request_body::{Members, parse, parse_optional};
use super::response_body::ObjectWriter;

/// `Encrypt`.
pub(super) fn encrypt(m: &Members<'_, '_>) -> Result<EncryptRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let plaintext = m.secret_blob("Plaintext")?;
    let encryption_context = m.context("EncryptionContext")?.unwrap_or_default();
    let grant_tokens = m.strings("GrantTokens")?.unwrap_or_default();
    let encryption_algorithm = m.aws_enum("EncryptionAlgorithm")?;
    let dry_run = m.bool("DryRun")?.unwrap_or(false);
    require!(m; key_id = "KeyId", plaintext = "Plaintext");
    Ok(EncryptRequest {
        key_id: parse(key_id)?,
        plaintext,
        encryption_context,
        grant_tokens,
        encryption_algorithm,
        dry_run,
    })
}

/// `Decrypt`.
pub(super) fn decrypt(m: &Members<'_, '_>) -> Result<DecryptRequest, WireError> {
    // Refused, not ignored: a Recipient asks for the plaintext encrypted to an enclave,
    // and ignoring it would send the plaintext in the clear.
    m.unsupported("Recipient")?;
    m.unsupported("DryRunModifiers")?;
    let ciphertext_blob = m.blob("CiphertextBlob")?;
    let encryption_context = m.context("EncryptionContext")?.unwrap_or_default();
    let grant_tokens = m.strings("GrantTokens")?.unwrap_or_default();
    let key_id = m.str("KeyId")?;
    let encryption_algorithm = m.aws_enum("EncryptionAlgorithm")?;
    let dry_run = m.bool("DryRun")?.unwrap_or(false);
    require!(m; ciphertext_blob = "CiphertextBlob");
    Ok(DecryptRequest {
        ciphertext_blob,
        encryption_context,
        grant_tokens,
        key_id: parse_optional(key_id)?,
        encryption_algorithm,
        dry_run,
    })
}

/// `ReEncrypt`.
pub(super) fn re_encrypt(m: &Members<'_, '_>) -> Result<ReEncryptRequest, WireError> {
    m.unsupported("DryRunModifiers")?;
    let ciphertext_blob = m.blob("CiphertextBlob")?;
    let source_encryption_context = m.context("SourceEncryptionContext")?.unwrap_or_default();
    let source_key_id = m.str("SourceKeyId")?;
    let destination_key_id = m.str("DestinationKeyId")?;
    let destination_encryption_context =
        m.context("DestinationEncryptionContext")?.unwrap_or_default();
    let source_encryption_algorithm = m.aws_enum("SourceEncryptionAlgorithm")?;
    let destination_encryption_algorithm = m.aws_enum("DestinationEncryptionAlgorithm")?;
    let grant_tokens = m.strings("GrantTokens")?.unwrap_or_default();
    let dry_run = m.bool("DryRun")?.unwrap_or(false);
    require!(m; ciphertext_blob = "CiphertextBlob", destination_key_id = "DestinationKeyId");
    Ok(ReEncryptRequest {
        ciphertext_blob,
        source_encryption_context,
        source_key_id: parse_optional(source_key_id)?,
        destination_key_id: parse(destination_key_id)?,
        destination_encryption_context,
        source_encryption_algorithm,
        destination_encryption_algorithm,
        grant_tokens,
        dry_run,
    })
}

/// The members GenerateDataKey and GenerateDataKeyWithoutPlaintext share.
fn data_key_request(m: &Members<'_, '_>) -> Result<GenerateDataKeyRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let encryption_context = m.context("EncryptionContext")?.unwrap_or_default();
    let number_of_bytes = m.integer("NumberOfBytes", 1)?;
    let key_spec = m.aws_enum("KeySpec")?;
    let grant_tokens = m.strings("GrantTokens")?.unwrap_or_default();
    let dry_run = m.bool("DryRun")?.unwrap_or(false);
    require!(m; key_id = "KeyId");
    Ok(GenerateDataKeyRequest {
        key_id: parse(key_id)?,
        key_spec,
        number_of_bytes,
        encryption_context,
        grant_tokens,
        dry_run,
    })
}

/// `GenerateDataKey`.
pub(super) fn generate_data_key(m: &Members<'_, '_>) -> Result<GenerateDataKeyRequest, WireError> {
    // As for Decrypt: ignoring a Recipient would return the data key in the clear.
    m.unsupported("Recipient")?;
    data_key_request(m)
}

/// `GenerateDataKeyWithoutPlaintext` (AWS defines no `Recipient` for it).
pub(super) fn generate_data_key_without_plaintext(
    m: &Members<'_, '_>,
) -> Result<GenerateDataKeyWithoutPlaintextRequest, WireError> {
    data_key_request(m).map(GenerateDataKeyWithoutPlaintextRequest)
}

/// `GenerateRandom`.
///
/// `NumberOfBytes` is optional in AWS's model but the engine needs a length, so its
/// absence is AWS's missing-member `ValidationException`.
pub(super) fn generate_random(m: &Members<'_, '_>) -> Result<GenerateRandomRequest, WireError> {
    m.unsupported("Recipient")?;
    let number_of_bytes = m.integer("NumberOfBytes", 1)?;
    let custom_key_store_id = m.string("CustomKeyStoreId")?;
    require!(m; number_of_bytes = "NumberOfBytes");
    Ok(GenerateRandomRequest { number_of_bytes, custom_key_store_id })
}

/// `Encrypt`.
pub(super) fn write_encrypt(mut w: ObjectWriter<'_>, response: &EncryptResponse) {
    let EncryptResponse { ciphertext_blob, key_id, encryption_algorithm } = response;
    w.blob("CiphertextBlob", ciphertext_blob);
    w.display("KeyId", key_id);
    w.str("EncryptionAlgorithm", encryption_algorithm.as_str());
    w.close();
}

/// `Decrypt`: the plaintext goes last (see [`ObjectWriter::close_with_secret`]).
pub(super) fn write_decrypt(mut w: ObjectWriter<'_>, response: &DecryptResponse) {
    let DecryptResponse { key_id, plaintext, encryption_algorithm, key_material_id } = response;
    w.display("KeyId", key_id);
    w.str("EncryptionAlgorithm", encryption_algorithm.as_str());
    w.display("KeyMaterialId", key_material_id);
    w.close_with_secret("Plaintext", plaintext);
}

/// `ReEncrypt`.
pub(super) fn write_re_encrypt(mut w: ObjectWriter<'_>, response: &ReEncryptResponse) {
    let ReEncryptResponse {
        ciphertext_blob,
        source_key_id,
        key_id,
        source_encryption_algorithm,
        destination_encryption_algorithm,
        source_key_material_id,
        destination_key_material_id,
    } = response;
    w.blob("CiphertextBlob", ciphertext_blob);
    w.display("SourceKeyId", source_key_id);
    w.display("KeyId", key_id);
    w.str("SourceEncryptionAlgorithm", source_encryption_algorithm.as_str());
    w.str("DestinationEncryptionAlgorithm", destination_encryption_algorithm.as_str());
    w.display("SourceKeyMaterialId", source_key_material_id);
    w.display("DestinationKeyMaterialId", destination_key_material_id);
    w.close();
}

/// `GenerateDataKey`: the data key goes last.
pub(super) fn write_generate_data_key(mut w: ObjectWriter<'_>, response: &GenerateDataKeyResponse) {
    let GenerateDataKeyResponse { ciphertext_blob, plaintext, key_id, key_material_id } = response;
    w.blob("CiphertextBlob", ciphertext_blob);
    w.display("KeyId", key_id);
    w.display("KeyMaterialId", key_material_id);
    w.close_with_secret("Plaintext", plaintext);
}

/// `GenerateDataKeyWithoutPlaintext`.
pub(super) fn write_generate_data_key_without_plaintext(
    mut w: ObjectWriter<'_>,
    response: &GenerateDataKeyWithoutPlaintextResponse,
) {
    let GenerateDataKeyWithoutPlaintextResponse { ciphertext_blob, key_id, key_material_id } =
        response;
    w.blob("CiphertextBlob", ciphertext_blob);
    w.display("KeyId", key_id);
    w.display("KeyMaterialId", key_material_id);
    w.close();
}

/// `GenerateRandom`: the random bytes are secret too.
pub(super) fn write_generate_random(w: ObjectWriter<'_>, response: &GenerateRandomResponse) {
    let GenerateRandomResponse { plaintext } = response;
    w.close_with_secret("Plaintext", plaintext);
}
