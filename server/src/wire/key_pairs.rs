//! Key pairs: GetPublicKey, Sign, Verify, DeriveSharedSecret, GenerateDataKeyPair and
//! GenerateDataKeyPairWithoutPlaintext. Blobs (`Message`, `Signature`, `PublicKey`,
//! `PrivateKeyCiphertextBlob`, `PrivateKeyPlaintext`, `SharedSecret`) are base64, as every
//! blob of the protocol; secrets are decoded into and written from `Plaintext`.

use engine::api::{
    DeriveSharedSecretRequest, DeriveSharedSecretResponse, GenerateDataKeyPairRequest,
    GenerateDataKeyPairResponse, GenerateDataKeyPairWithoutPlaintextRequest,
    GenerateDataKeyPairWithoutPlaintextResponse, GetPublicKeyRequest, GetPublicKeyResponse,
    SignRequest, SignResponse, VerifyRequest, VerifyResponse,
};

use super::WireError;
use super::request_body::{Members, parse};
use super::response_body::ObjectWriter;

/// `GetPublicKey`.
pub(super) fn get_public_key(m: &Members<'_, '_>) -> Result<GetPublicKeyRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let grant_tokens = m.strings("GrantTokens")?.unwrap_or_default();
    require!(m; key_id = "KeyId");
    Ok(GetPublicKeyRequest { key_id: parse(key_id)?, grant_tokens })
}

/// `Sign`.
pub(super) fn sign(m: &Members<'_, '_>) -> Result<SignRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let message = m.secret_blob("Message")?;
    let message_type = m.aws_enum("MessageType")?;
    let signing_algorithm = m.aws_enum("SigningAlgorithm")?;
    let grant_tokens = m.strings("GrantTokens")?.unwrap_or_default();
    let dry_run = m.bool("DryRun")?.unwrap_or(false);
    require!(m; key_id = "KeyId", message = "Message", signing_algorithm = "SigningAlgorithm");
    Ok(SignRequest {
        key_id: parse(key_id)?,
        message,
        message_type,
        signing_algorithm,
        grant_tokens,
        dry_run,
    })
}

/// `Verify`.
pub(super) fn verify(m: &Members<'_, '_>) -> Result<VerifyRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let message = m.secret_blob("Message")?;
    let message_type = m.aws_enum("MessageType")?;
    let signature = m.blob("Signature")?;
    let signing_algorithm = m.aws_enum("SigningAlgorithm")?;
    let grant_tokens = m.strings("GrantTokens")?.unwrap_or_default();
    let dry_run = m.bool("DryRun")?.unwrap_or(false);
    require!(
        m;
        key_id = "KeyId",
        message = "Message",
        signature = "Signature",
        signing_algorithm = "SigningAlgorithm",
    );
    Ok(VerifyRequest {
        key_id: parse(key_id)?,
        message,
        message_type,
        signature,
        signing_algorithm,
        grant_tokens,
        dry_run,
    })
}

/// `DeriveSharedSecret`.
pub(super) fn derive_shared_secret(
    m: &Members<'_, '_>,
) -> Result<DeriveSharedSecretRequest, WireError> {
    // Ignoring a Recipient would return the shared secret in the clear.
    m.unsupported("Recipient")?;
    let key_id = m.str("KeyId")?;
    let key_agreement_algorithm = m.aws_enum("KeyAgreementAlgorithm")?;
    let public_key = m.blob("PublicKey")?;
    let grant_tokens = m.strings("GrantTokens")?.unwrap_or_default();
    let dry_run = m.bool("DryRun")?.unwrap_or(false);
    require!(
        m;
        key_id = "KeyId",
        key_agreement_algorithm = "KeyAgreementAlgorithm",
        public_key = "PublicKey",
    );
    Ok(DeriveSharedSecretRequest {
        key_id: parse(key_id)?,
        key_agreement_algorithm,
        public_key,
        grant_tokens,
        dry_run,
    })
}

fn data_key_pair_request(m: &Members<'_, '_>) -> Result<GenerateDataKeyPairRequest, WireError> {
    let key_id = m.str("KeyId")?;
    let key_pair_spec = m.aws_enum("KeyPairSpec")?;
    let encryption_context = m.context("EncryptionContext")?.unwrap_or_default();
    let grant_tokens = m.strings("GrantTokens")?.unwrap_or_default();
    let dry_run = m.bool("DryRun")?.unwrap_or(false);
    require!(m; key_id = "KeyId", key_pair_spec = "KeyPairSpec");
    Ok(GenerateDataKeyPairRequest {
        key_id: parse(key_id)?,
        key_pair_spec,
        encryption_context,
        grant_tokens,
        dry_run,
    })
}

/// `GenerateDataKeyPair`.
pub(super) fn generate_data_key_pair(
    m: &Members<'_, '_>,
) -> Result<GenerateDataKeyPairRequest, WireError> {
    // As for GenerateDataKey: ignoring a Recipient would return the private key in the clear.
    m.unsupported("Recipient")?;
    data_key_pair_request(m)
}

/// `GenerateDataKeyPairWithoutPlaintext` (AWS defines no `Recipient` for it).
pub(super) fn generate_data_key_pair_without_plaintext(
    m: &Members<'_, '_>,
) -> Result<GenerateDataKeyPairWithoutPlaintextRequest, WireError> {
    data_key_pair_request(m).map(GenerateDataKeyPairWithoutPlaintextRequest)
}

/// `GetPublicKey`.
pub(super) fn write_get_public_key(mut w: ObjectWriter<'_>, response: &GetPublicKeyResponse) {
    let GetPublicKeyResponse {
        key_id,
        public_key,
        customer_master_key_spec,
        key_spec,
        key_usage,
        encryption_algorithms,
        signing_algorithms,
        key_agreement_algorithms,
    } = response;
    w.display("KeyId", key_id);
    w.blob("PublicKey", public_key);
    w.str("CustomerMasterKeySpec", customer_master_key_spec.as_str());
    w.str("KeySpec", key_spec.as_str());
    w.str("KeyUsage", key_usage.as_str());
    // AWS lists algorithms only for the usage the key has.
    if !encryption_algorithms.is_empty() {
        w.strs("EncryptionAlgorithms", encryption_algorithms.iter().map(|a| a.as_str()));
    }
    if !signing_algorithms.is_empty() {
        w.strs("SigningAlgorithms", signing_algorithms.iter().map(|a| a.as_str()));
    }
    if !key_agreement_algorithms.is_empty() {
        w.strs("KeyAgreementAlgorithms", key_agreement_algorithms.iter().map(|a| a.as_str()));
    }
    w.close();
}

/// `Sign`.
pub(super) fn write_sign(mut w: ObjectWriter<'_>, response: &SignResponse) {
    let SignResponse { key_id, signature, signing_algorithm } = response;
    w.display("KeyId", key_id);
    w.blob("Signature", signature);
    w.str("SigningAlgorithm", signing_algorithm.as_str());
    w.close();
}

/// `Verify`.
pub(super) fn write_verify(mut w: ObjectWriter<'_>, response: &VerifyResponse) {
    let VerifyResponse { key_id, signature_valid, signing_algorithm } = response;
    w.display("KeyId", key_id);
    w.bool("SignatureValid", *signature_valid);
    w.str("SigningAlgorithm", signing_algorithm.as_str());
    w.close();
}

/// `DeriveSharedSecret`: the secret is written last, into the body's final allocation.
pub(super) fn write_derive_shared_secret(
    mut w: ObjectWriter<'_>,
    response: &DeriveSharedSecretResponse,
) {
    let DeriveSharedSecretResponse { key_id, shared_secret, key_agreement_algorithm, key_origin } =
        response;
    w.display("KeyId", key_id);
    w.str("KeyAgreementAlgorithm", key_agreement_algorithm.as_str());
    w.str("KeyOrigin", key_origin.as_str());
    w.close_with_secret("SharedSecret", shared_secret);
}

/// `GenerateDataKeyPair`: the private key is written last, as a secret.
pub(super) fn write_generate_data_key_pair(
    mut w: ObjectWriter<'_>,
    response: &GenerateDataKeyPairResponse,
) {
    let GenerateDataKeyPairResponse {
        private_key_ciphertext_blob,
        private_key_plaintext,
        public_key,
        key_id,
        key_pair_spec,
        key_material_id,
    } = response;
    w.blob("PrivateKeyCiphertextBlob", private_key_ciphertext_blob);
    w.blob("PublicKey", public_key);
    w.display("KeyId", key_id);
    w.str("KeyPairSpec", key_pair_spec.as_str());
    w.display("KeyMaterialId", key_material_id);
    w.close_with_secret("PrivateKeyPlaintext", private_key_plaintext);
}

/// `GenerateDataKeyPairWithoutPlaintext`.
pub(super) fn write_generate_data_key_pair_without_plaintext(
    mut w: ObjectWriter<'_>,
    response: &GenerateDataKeyPairWithoutPlaintextResponse,
) {
    let GenerateDataKeyPairWithoutPlaintextResponse {
        private_key_ciphertext_blob,
        public_key,
        key_id,
        key_pair_spec,
        key_material_id,
    } = response;
    w.blob("PrivateKeyCiphertextBlob", private_key_ciphertext_blob);
    w.blob("PublicKey", public_key);
    w.display("KeyId", key_id);
    w.str("KeyPairSpec", key_pair_spec.as_str());
    w.display("KeyMaterialId", key_material_id);
    w.close();
}
