//! The symmetric data plane: Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext),
//! GenerateRandom.

use crate::crypto::blob::EncryptionContext;
use crate::id::{KeyArn, KeyMaterialId, KeyRef};
use crate::secret::Plaintext;
use crate::spec::{DataKeySpec, EncryptionAlgorithmSpec};

/// `Encrypt` request.
#[derive(Clone, Debug)]
pub struct EncryptRequest {
    /// `KeyId`: key id, key ARN, alias name or alias ARN.
    pub key_id: KeyRef,
    /// `Plaintext`, 1..4096 bytes.
    pub plaintext: Plaintext,
    /// `EncryptionContext`.
    pub encryption_context: EncryptionContext,
    /// `GrantTokens`, at most 10.
    pub grant_tokens: Vec<String>,
    /// `EncryptionAlgorithm`, default SYMMETRIC_DEFAULT.
    pub encryption_algorithm: Option<EncryptionAlgorithmSpec>,
    /// `DryRun`.
    pub dry_run: bool,
}

impl EncryptRequest {
    /// Encrypts `plaintext` under `key_id`.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>, plaintext: impl Into<Plaintext>) -> Self {
        Self {
            key_id: key_id.into(),
            plaintext: plaintext.into(),
            encryption_context: EncryptionContext::new(),
            grant_tokens: Vec::new(),
            encryption_algorithm: None,
            dry_run: false,
        }
    }

    /// Sets `EncryptionContext`.
    #[must_use]
    pub fn with_encryption_context(mut self, context: EncryptionContext) -> Self {
        self.encryption_context = context;
        self
    }

    /// Sets `EncryptionAlgorithm`.
    #[must_use]
    pub fn with_encryption_algorithm(mut self, algorithm: EncryptionAlgorithmSpec) -> Self {
        self.encryption_algorithm = Some(algorithm);
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

/// `Encrypt` response.
#[derive(Clone, Debug)]
pub struct EncryptResponse {
    /// `CiphertextBlob`.
    pub ciphertext_blob: Vec<u8>,
    /// `KeyId`: the ARN of the key that encrypted.
    pub key_id: KeyArn,
    /// `EncryptionAlgorithm`.
    pub encryption_algorithm: EncryptionAlgorithmSpec,
}

/// `Decrypt` request.
#[derive(Clone, Debug)]
pub struct DecryptRequest {
    /// `CiphertextBlob`, 1..6144 bytes.
    pub ciphertext_blob: Vec<u8>,
    /// `EncryptionContext`: must equal the one given to Encrypt.
    pub encryption_context: EncryptionContext,
    /// `GrantTokens`, at most 10.
    pub grant_tokens: Vec<String>,
    /// `KeyId`: optional for symmetric ciphertexts; if given it must name the key that
    /// encrypted, else IncorrectKeyException.
    pub key_id: Option<KeyRef>,
    /// `EncryptionAlgorithm`, default SYMMETRIC_DEFAULT.
    pub encryption_algorithm: Option<EncryptionAlgorithmSpec>,
    /// `DryRun`.
    pub dry_run: bool,
}

impl DecryptRequest {
    /// Decrypts `ciphertext_blob`.
    #[must_use]
    pub fn new(ciphertext_blob: impl Into<Vec<u8>>) -> Self {
        Self {
            ciphertext_blob: ciphertext_blob.into(),
            encryption_context: EncryptionContext::new(),
            grant_tokens: Vec::new(),
            key_id: None,
            encryption_algorithm: None,
            dry_run: false,
        }
    }

    /// Sets `EncryptionContext`.
    #[must_use]
    pub fn with_encryption_context(mut self, context: EncryptionContext) -> Self {
        self.encryption_context = context;
        self
    }

    /// Sets `KeyId`.
    #[must_use]
    pub fn with_key_id(mut self, key_id: impl Into<KeyRef>) -> Self {
        self.key_id = Some(key_id.into());
        self
    }

    /// Sets `EncryptionAlgorithm`.
    #[must_use]
    pub fn with_encryption_algorithm(mut self, algorithm: EncryptionAlgorithmSpec) -> Self {
        self.encryption_algorithm = Some(algorithm);
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

/// `Decrypt` response.
#[derive(Clone, Debug)]
pub struct DecryptResponse {
    /// `KeyId`: the ARN of the key that decrypted.
    pub key_id: KeyArn,
    /// `Plaintext`.
    pub plaintext: Plaintext,
    /// `EncryptionAlgorithm`.
    pub encryption_algorithm: EncryptionAlgorithmSpec,
    /// `KeyMaterialId`: the material version that decrypted.
    pub key_material_id: KeyMaterialId,
}

/// `ReEncrypt` request.
#[derive(Clone, Debug)]
pub struct ReEncryptRequest {
    /// `CiphertextBlob`, 1..6144 bytes.
    pub ciphertext_blob: Vec<u8>,
    /// `SourceEncryptionContext`.
    pub source_encryption_context: EncryptionContext,
    /// `SourceKeyId`: optional for symmetric ciphertexts.
    pub source_key_id: Option<KeyRef>,
    /// `DestinationKeyId`: key id, key ARN, alias name or alias ARN.
    pub destination_key_id: KeyRef,
    /// `DestinationEncryptionContext`.
    pub destination_encryption_context: EncryptionContext,
    /// `SourceEncryptionAlgorithm`, default SYMMETRIC_DEFAULT.
    pub source_encryption_algorithm: Option<EncryptionAlgorithmSpec>,
    /// `DestinationEncryptionAlgorithm`, default SYMMETRIC_DEFAULT.
    pub destination_encryption_algorithm: Option<EncryptionAlgorithmSpec>,
    /// `GrantTokens`, at most 10.
    pub grant_tokens: Vec<String>,
    /// `DryRun`.
    pub dry_run: bool,
}

impl ReEncryptRequest {
    /// Re-encrypts `ciphertext_blob` under `destination_key_id`.
    #[must_use]
    pub fn new(ciphertext_blob: impl Into<Vec<u8>>, destination_key_id: impl Into<KeyRef>) -> Self {
        Self {
            ciphertext_blob: ciphertext_blob.into(),
            source_encryption_context: EncryptionContext::new(),
            source_key_id: None,
            destination_key_id: destination_key_id.into(),
            destination_encryption_context: EncryptionContext::new(),
            source_encryption_algorithm: None,
            destination_encryption_algorithm: None,
            grant_tokens: Vec::new(),
            dry_run: false,
        }
    }

    /// Sets `SourceEncryptionContext`.
    #[must_use]
    pub fn with_source_encryption_context(mut self, context: EncryptionContext) -> Self {
        self.source_encryption_context = context;
        self
    }

    /// Sets `DestinationEncryptionContext`.
    #[must_use]
    pub fn with_destination_encryption_context(mut self, context: EncryptionContext) -> Self {
        self.destination_encryption_context = context;
        self
    }

    /// Sets `SourceEncryptionAlgorithm` (required for a key pair's ciphertext).
    #[must_use]
    pub fn with_source_encryption_algorithm(mut self, algorithm: EncryptionAlgorithmSpec) -> Self {
        self.source_encryption_algorithm = Some(algorithm);
        self
    }

    /// Sets `DestinationEncryptionAlgorithm` (required for a key pair destination).
    #[must_use]
    pub fn with_destination_encryption_algorithm(
        mut self,
        algorithm: EncryptionAlgorithmSpec,
    ) -> Self {
        self.destination_encryption_algorithm = Some(algorithm);
        self
    }

    /// Sets `SourceKeyId`.
    #[must_use]
    pub fn with_source_key_id(mut self, key_id: impl Into<KeyRef>) -> Self {
        self.source_key_id = Some(key_id.into());
        self
    }

    /// Sets `DryRun`.
    #[must_use]
    pub fn with_dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// Sets `GrantTokens`.
    #[must_use]
    pub fn with_grant_tokens(mut self, grant_tokens: Vec<String>) -> Self {
        self.grant_tokens = grant_tokens;
        self
    }
}

/// `ReEncrypt` response.
#[derive(Clone, Debug)]
pub struct ReEncryptResponse {
    /// `CiphertextBlob`: the new ciphertext.
    pub ciphertext_blob: Vec<u8>,
    /// `SourceKeyId`: the ARN of the key that decrypted.
    pub source_key_id: KeyArn,
    /// `KeyId`: the ARN of the key that encrypted.
    pub key_id: KeyArn,
    /// `SourceEncryptionAlgorithm`.
    pub source_encryption_algorithm: EncryptionAlgorithmSpec,
    /// `DestinationEncryptionAlgorithm`.
    pub destination_encryption_algorithm: EncryptionAlgorithmSpec,
    /// `SourceKeyMaterialId`.
    pub source_key_material_id: KeyMaterialId,
    /// `DestinationKeyMaterialId`.
    pub destination_key_material_id: KeyMaterialId,
}

/// `GenerateDataKey` request: exactly one of `key_spec` and `number_of_bytes`.
#[derive(Clone, Debug)]
pub struct GenerateDataKeyRequest {
    /// `KeyId`: key id, key ARN, alias name or alias ARN.
    pub key_id: KeyRef,
    /// `KeySpec`: AES_256 or AES_128.
    pub key_spec: Option<DataKeySpec>,
    /// `NumberOfBytes`, 1..1024.
    pub number_of_bytes: Option<u32>,
    /// `EncryptionContext`.
    pub encryption_context: EncryptionContext,
    /// `GrantTokens`, at most 10.
    pub grant_tokens: Vec<String>,
    /// `DryRun`.
    pub dry_run: bool,
}

impl GenerateDataKeyRequest {
    /// A data key of `key_spec` under `key_id`.
    #[must_use]
    pub fn new(key_id: impl Into<KeyRef>, key_spec: DataKeySpec) -> Self {
        Self {
            key_id: key_id.into(),
            key_spec: Some(key_spec),
            number_of_bytes: None,
            encryption_context: EncryptionContext::new(),
            grant_tokens: Vec::new(),
            dry_run: false,
        }
    }

    /// A data key of `number_of_bytes` bytes under `key_id`.
    #[must_use]
    pub fn of_bytes(key_id: impl Into<KeyRef>, number_of_bytes: u32) -> Self {
        Self {
            key_spec: None,
            number_of_bytes: Some(number_of_bytes),
            ..Self::new(key_id, DataKeySpec::Aes256)
        }
    }

    /// Sets `EncryptionContext`.
    #[must_use]
    pub fn with_encryption_context(mut self, context: EncryptionContext) -> Self {
        self.encryption_context = context;
        self
    }

    /// Sets `DryRun`.
    #[must_use]
    pub fn with_dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// Sets `GrantTokens`.
    #[must_use]
    pub fn with_grant_tokens(mut self, grant_tokens: Vec<String>) -> Self {
        self.grant_tokens = grant_tokens;
        self
    }
}

/// `GenerateDataKey` response.
#[derive(Clone, Debug)]
pub struct GenerateDataKeyResponse {
    /// `CiphertextBlob`: the data key encrypted under the KMS key.
    pub ciphertext_blob: Vec<u8>,
    /// `Plaintext`: the data key.
    pub plaintext: Plaintext,
    /// `KeyId`: the key ARN.
    pub key_id: KeyArn,
    /// `KeyMaterialId`.
    pub key_material_id: KeyMaterialId,
}

/// `GenerateDataKeyWithoutPlaintext` request: the same members as GenerateDataKey.
#[derive(Clone, Debug)]
pub struct GenerateDataKeyWithoutPlaintextRequest(pub GenerateDataKeyRequest);

impl From<GenerateDataKeyRequest> for GenerateDataKeyWithoutPlaintextRequest {
    fn from(req: GenerateDataKeyRequest) -> Self {
        Self(req)
    }
}

/// `GenerateDataKeyWithoutPlaintext` response.
#[derive(Clone, Debug)]
pub struct GenerateDataKeyWithoutPlaintextResponse {
    /// `CiphertextBlob`.
    pub ciphertext_blob: Vec<u8>,
    /// `KeyId`: the key ARN.
    pub key_id: KeyArn,
    /// `KeyMaterialId`.
    pub key_material_id: KeyMaterialId,
}

/// `GenerateRandom` request.
#[derive(Clone, Debug)]
pub struct GenerateRandomRequest {
    /// `NumberOfBytes`, 1..1024.
    pub number_of_bytes: u32,
    /// `CustomKeyStoreId`: draw from a CloudHSM key store's HSMs.
    pub custom_key_store_id: Option<String>,
}

impl GenerateRandomRequest {
    /// `number_of_bytes` random bytes.
    #[must_use]
    pub const fn new(number_of_bytes: u32) -> Self {
        Self { number_of_bytes, custom_key_store_id: None }
    }
}

/// `GenerateRandom` response.
#[derive(Clone, Debug)]
pub struct GenerateRandomResponse {
    /// `Plaintext`: the random bytes.
    pub plaintext: Plaintext,
}
