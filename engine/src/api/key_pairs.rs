//! Key pairs: GetPublicKey, Sign, Verify, DeriveSharedSecret, GenerateDataKeyPair and
//! GenerateDataKeyPairWithoutPlaintext. (Encrypt, Decrypt and ReEncrypt with key pairs use
//! the requests of [`super::crypto`].)

use crate::crypto::blob::EncryptionContext;
use crate::id::{KeyArn, KeyMaterialId, KeyRef};
use crate::secret::Plaintext;
use crate::spec::{
    DataKeyPairSpec, EncryptionAlgorithmSpec, KeyAgreementAlgorithmSpec, KeySpec, KeyUsage,
    MessageType, OriginType, SigningAlgorithmSpec,
};

/// `GetPublicKey` request.
#[derive(Clone, Debug)]
pub struct GetPublicKeyRequest {
    /// `KeyId`: key id, key ARN, alias name or alias ARN.
    pub key_id: KeyRef,
    /// `GrantTokens`, at most 10.
    pub grant_tokens: Vec<String>,
}

impl GetPublicKeyRequest {
    /// The public key of `key_id`.
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

/// `GetPublicKey` response.
#[derive(Clone, Debug)]
pub struct GetPublicKeyResponse {
    /// `KeyId`: the key's ARN.
    pub key_id: KeyArn,
    /// `PublicKey`: DER `SubjectPublicKeyInfo` (RFC 5280).
    pub public_key: Vec<u8>,
    /// `CustomerMasterKeySpec` (deprecated, equal to `KeySpec`).
    pub customer_master_key_spec: KeySpec,
    /// `KeySpec`.
    pub key_spec: KeySpec,
    /// `KeyUsage`.
    pub key_usage: KeyUsage,
    /// `EncryptionAlgorithms`, for ENCRYPT_DECRYPT keys.
    pub encryption_algorithms: Vec<EncryptionAlgorithmSpec>,
    /// `SigningAlgorithms`, for SIGN_VERIFY keys.
    pub signing_algorithms: Vec<SigningAlgorithmSpec>,
    /// `KeyAgreementAlgorithms`, for KEY_AGREEMENT keys.
    pub key_agreement_algorithms: Vec<KeyAgreementAlgorithmSpec>,
}

/// `Sign` request.
#[derive(Clone, Debug)]
pub struct SignRequest {
    /// `KeyId`: key id, key ARN, alias name or alias ARN.
    pub key_id: KeyRef,
    /// `Message`, 1..4096 bytes: the message, its digest or ML-DSA's μ, per `message_type`.
    pub message: Plaintext,
    /// `MessageType`, default RAW.
    pub message_type: Option<MessageType>,
    /// `SigningAlgorithm`.
    pub signing_algorithm: SigningAlgorithmSpec,
    /// `GrantTokens`, at most 10.
    pub grant_tokens: Vec<String>,
    /// `DryRun`.
    pub dry_run: bool,
}

impl SignRequest {
    /// Signs `message` (RAW) with `key_id` and `signing_algorithm`.
    #[must_use]
    pub fn new(
        key_id: impl Into<KeyRef>,
        message: impl Into<Plaintext>,
        signing_algorithm: SigningAlgorithmSpec,
    ) -> Self {
        Self {
            key_id: key_id.into(),
            message: message.into(),
            message_type: None,
            signing_algorithm,
            grant_tokens: Vec::new(),
            dry_run: false,
        }
    }

    /// Sets `MessageType`.
    #[must_use]
    pub fn with_message_type(mut self, message_type: MessageType) -> Self {
        self.message_type = Some(message_type);
        self
    }

    /// Sets `GrantTokens`.
    #[must_use]
    pub fn with_grant_tokens(mut self, grant_tokens: Vec<String>) -> Self {
        self.grant_tokens = grant_tokens;
        self
    }

    /// Sets `DryRun`.
    #[must_use]
    pub fn with_dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
}

/// `Sign` response.
#[derive(Clone, Debug)]
pub struct SignResponse {
    /// `KeyId`: the key's ARN.
    pub key_id: KeyArn,
    /// `Signature` (ECDSA: DER; RSA: modulus-long; Ed25519: 64 bytes; ML-DSA: FIPS 204).
    pub signature: Vec<u8>,
    /// `SigningAlgorithm`.
    pub signing_algorithm: SigningAlgorithmSpec,
}

/// `Verify` request.
#[derive(Clone, Debug)]
pub struct VerifyRequest {
    /// `KeyId`: key id, key ARN, alias name or alias ARN.
    pub key_id: KeyRef,
    /// `Message`, 1..4096 bytes.
    pub message: Plaintext,
    /// `MessageType`, default RAW.
    pub message_type: Option<MessageType>,
    /// `Signature`, 1..6144 bytes.
    pub signature: Vec<u8>,
    /// `SigningAlgorithm`.
    pub signing_algorithm: SigningAlgorithmSpec,
    /// `GrantTokens`, at most 10.
    pub grant_tokens: Vec<String>,
    /// `DryRun`.
    pub dry_run: bool,
}

impl VerifyRequest {
    /// Verifies `signature` of `message` (RAW) with `key_id` and `signing_algorithm`.
    #[must_use]
    pub fn new(
        key_id: impl Into<KeyRef>,
        message: impl Into<Plaintext>,
        signature: impl Into<Vec<u8>>,
        signing_algorithm: SigningAlgorithmSpec,
    ) -> Self {
        Self {
            key_id: key_id.into(),
            message: message.into(),
            message_type: None,
            signature: signature.into(),
            signing_algorithm,
            grant_tokens: Vec::new(),
            dry_run: false,
        }
    }

    /// Sets `MessageType`.
    #[must_use]
    pub fn with_message_type(mut self, message_type: MessageType) -> Self {
        self.message_type = Some(message_type);
        self
    }

    /// Sets `GrantTokens`.
    #[must_use]
    pub fn with_grant_tokens(mut self, grant_tokens: Vec<String>) -> Self {
        self.grant_tokens = grant_tokens;
        self
    }

    /// Sets `DryRun`.
    #[must_use]
    pub fn with_dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
}

/// `Verify` response. A signature that does not verify is `KMSInvalidSignatureException`,
/// never `signature_valid: false`.
#[derive(Clone, Debug)]
pub struct VerifyResponse {
    /// `KeyId`: the key's ARN.
    pub key_id: KeyArn,
    /// `SignatureValid`: always true.
    pub signature_valid: bool,
    /// `SigningAlgorithm`.
    pub signing_algorithm: SigningAlgorithmSpec,
}

/// `DeriveSharedSecret` request.
#[derive(Clone, Debug)]
pub struct DeriveSharedSecretRequest {
    /// `KeyId`: key id, key ARN, alias name or alias ARN.
    pub key_id: KeyRef,
    /// `KeyAgreementAlgorithm`: `ECDH`.
    pub key_agreement_algorithm: KeyAgreementAlgorithmSpec,
    /// `PublicKey`: the peer's DER `SubjectPublicKeyInfo`, same curve, 1..8192 bytes.
    pub public_key: Vec<u8>,
    /// `GrantTokens`, at most 10.
    pub grant_tokens: Vec<String>,
    /// `DryRun`.
    pub dry_run: bool,
}

impl DeriveSharedSecretRequest {
    /// ECDH between `key_id`'s private key and the peer's `public_key`.
    #[must_use]
    pub fn new(
        key_id: impl Into<KeyRef>,
        key_agreement_algorithm: KeyAgreementAlgorithmSpec,
        public_key: impl Into<Vec<u8>>,
    ) -> Self {
        Self {
            key_id: key_id.into(),
            key_agreement_algorithm,
            public_key: public_key.into(),
            grant_tokens: Vec::new(),
            dry_run: false,
        }
    }

    /// Sets `GrantTokens`.
    #[must_use]
    pub fn with_grant_tokens(mut self, grant_tokens: Vec<String>) -> Self {
        self.grant_tokens = grant_tokens;
        self
    }

    /// Sets `DryRun`.
    #[must_use]
    pub fn with_dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
}

/// `DeriveSharedSecret` response.
#[derive(Clone, Debug)]
pub struct DeriveSharedSecretResponse {
    /// `KeyId`: the key's ARN.
    pub key_id: KeyArn,
    /// `SharedSecret`: the raw ECDH x-coordinate.
    pub shared_secret: Plaintext,
    /// `KeyAgreementAlgorithm`.
    pub key_agreement_algorithm: KeyAgreementAlgorithmSpec,
    /// `KeyOrigin`.
    pub key_origin: OriginType,
}

/// `GenerateDataKeyPair` request; GenerateDataKeyPairWithoutPlaintext takes the same.
#[derive(Clone, Debug)]
pub struct GenerateDataKeyPairRequest {
    /// `KeyId`: the symmetric encryption key that wraps the private key.
    pub key_id: KeyRef,
    /// `KeyPairSpec`.
    pub key_pair_spec: DataKeyPairSpec,
    /// `EncryptionContext`, bound to the wrapped private key.
    pub encryption_context: EncryptionContext,
    /// `GrantTokens`, at most 10.
    pub grant_tokens: Vec<String>,
    /// `DryRun`.
    pub dry_run: bool,
}

impl GenerateDataKeyPairRequest {
    /// A new pair of `key_pair_spec`, its private key wrapped under `key_id`.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>, key_pair_spec: DataKeyPairSpec) -> Self {
        Self {
            key_id: key_id.into(),
            key_pair_spec,
            encryption_context: EncryptionContext::new(),
            grant_tokens: Vec::new(),
            dry_run: false,
        }
    }

    /// Sets `EncryptionContext`.
    #[must_use]
    pub fn with_encryption_context(mut self, context: EncryptionContext) -> Self {
        self.encryption_context = context;
        self
    }

    /// Sets `GrantTokens`.
    #[must_use]
    pub fn with_grant_tokens(mut self, grant_tokens: Vec<String>) -> Self {
        self.grant_tokens = grant_tokens;
        self
    }

    /// Sets `DryRun`.
    #[must_use]
    pub fn with_dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
}

/// `GenerateDataKeyPair` response.
#[derive(Clone, Debug)]
pub struct GenerateDataKeyPairResponse {
    /// `PrivateKeyCiphertextBlob`: the PKCS#8 private key, encrypted as Encrypt would under
    /// `key_id` with the request's encryption context (Decrypt opens it).
    pub private_key_ciphertext_blob: Vec<u8>,
    /// `PrivateKeyPlaintext`: DER PKCS#8.
    pub private_key_plaintext: Plaintext,
    /// `PublicKey`: DER `SubjectPublicKeyInfo`.
    pub public_key: Vec<u8>,
    /// `KeyId`: the wrapping key's ARN.
    pub key_id: KeyArn,
    /// `KeyPairSpec`.
    pub key_pair_spec: DataKeyPairSpec,
    /// `KeyMaterialId`: the wrapping key's material that encrypted the private key.
    pub key_material_id: KeyMaterialId,
}

/// `GenerateDataKeyPairWithoutPlaintext` request: as GenerateDataKeyPair's.
#[derive(Clone, Debug)]
pub struct GenerateDataKeyPairWithoutPlaintextRequest(pub GenerateDataKeyPairRequest);

impl GenerateDataKeyPairWithoutPlaintextRequest {
    /// A new pair of `key_pair_spec`, its private key wrapped under `key_id`.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>, key_pair_spec: DataKeyPairSpec) -> Self {
        Self(GenerateDataKeyPairRequest::new(key_id, key_pair_spec))
    }
}

/// `GenerateDataKeyPairWithoutPlaintext` response.
#[derive(Clone, Debug)]
pub struct GenerateDataKeyPairWithoutPlaintextResponse {
    /// `PrivateKeyCiphertextBlob`.
    pub private_key_ciphertext_blob: Vec<u8>,
    /// `PublicKey`: DER `SubjectPublicKeyInfo`.
    pub public_key: Vec<u8>,
    /// `KeyId`: the wrapping key's ARN.
    pub key_id: KeyArn,
    /// `KeyPairSpec`.
    pub key_pair_spec: DataKeyPairSpec,
    /// `KeyMaterialId`.
    pub key_material_id: KeyMaterialId,
}
