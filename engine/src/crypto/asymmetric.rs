//! Key pairs: RSA, ECC (NIST curves, secp256k1, Ed25519), ML-DSA, and kmsim's ML-KEM
//! extension specs, behind one provider trait.
//!
//! Keys cross this seam DER-encoded, as the engine stores them and as AWS hands them out:
//! private keys as PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (RFC 5208, RFC 5958), public
//! keys as X.509 `SubjectPublicKeyInfo` (RFC 5280), which is GetPublicKey's `PublicKey` and
//! GenerateDataKeyPair's `PublicKey`.
//!
//! Key generation draws from the caller's generator alone, so the same seed gives the same key
//! pairs in both providers. Which (key spec, algorithm, message type) combinations are allowed,
//! and the message-length rules, are the engine's business (it answers with AWS's exceptions);
//! a provider refuses anything else with [`AsymmetricError::Failed`] rather than guessing.

use std::fmt;

use rand_core::CryptoRng;

use super::CryptoError;
use crate::secret::Plaintext;
use crate::spec::{EncryptionAlgorithmSpec, KeySpec, MessageType, SigningAlgorithmSpec};

/// A key pair in the encodings the engine stores and AWS exchanges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPair {
    /// The private key, DER PKCS#8 (for ML-KEM and ML-DSA, the seed form of the IETF LAMPS
    /// drafts; for the hybrid spec, the format ARCHITECTURE.md documents).
    pub private_pkcs8: Plaintext,
    /// The public key, DER `SubjectPublicKeyInfo`.
    pub public_spki: Vec<u8>,
}

/// Why a key-pair operation did not happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsymmetricError {
    /// This provider does not implement the algorithm; the text names it. The engine reports
    /// it and never switches to another provider behind the caller's back.
    Unsupported(&'static str),
    /// A key, input or ciphertext was refused. Carries no detail, so it cannot leak anything
    /// about secrets.
    Failed,
}

impl fmt::Display for AsymmetricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unsupported(what) => write!(f, "this crypto provider does not implement {what}"),
            Self::Failed => CryptoError.fmt(f),
        }
    }
}

impl std::error::Error for AsymmetricError {}

impl From<CryptoError> for AsymmetricError {
    fn from(_: CryptoError) -> Self {
        Self::Failed
    }
}

/// The message a Sign or Verify covers, as the request gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignInput<'m> {
    /// The message bytes: the message itself, its digest, or ML-DSA's μ.
    pub message: &'m [u8],
    /// What [`Self::message`] is. A DIGEST is never hashed again.
    pub message_type: MessageType,
}

/// Key-pair cryptography for the asymmetric key specs ([`KeySpec::is_asymmetric`]).
pub trait Asymmetric: Send + Sync {
    /// A new key pair of `spec`, drawn from `rng` alone.
    ///
    /// # Errors
    /// [`AsymmetricError::Unsupported`] for a spec this provider cannot generate (SM2, say);
    /// [`AsymmetricError::Failed`] if the generator or the backend fails.
    fn generate(&self, spec: KeySpec, rng: &mut dyn CryptoRng) -> Result<KeyPair, AsymmetricError>;

    /// Signs `input` with the private key `private_pkcs8` of `spec`. Randomised algorithms
    /// (RSASSA-PSS salt, ML-DSA's hedged mode) draw from `rng`; ECDSA is deterministic
    /// (RFC 6979) where the backend allows it.
    ///
    /// # Errors
    /// [`AsymmetricError::Unsupported`] for an algorithm this provider lacks;
    /// [`AsymmetricError::Failed`] for a malformed key or an input the algorithm refuses.
    fn sign(
        &self,
        spec: KeySpec,
        algorithm: SigningAlgorithmSpec,
        private_pkcs8: &[u8],
        input: SignInput<'_>,
        rng: &mut dyn CryptoRng,
    ) -> Result<Vec<u8>, AsymmetricError>;

    /// Whether `signature` is a valid signature of `input` under the public key `public_spki`.
    /// A wrong or malformed signature is `Ok(false)`.
    ///
    /// # Errors
    /// [`AsymmetricError::Unsupported`] for an algorithm this provider lacks;
    /// [`AsymmetricError::Failed`] for a malformed key.
    fn verify(
        &self,
        spec: KeySpec,
        algorithm: SigningAlgorithmSpec,
        public_spki: &[u8],
        input: SignInput<'_>,
        signature: &[u8],
    ) -> Result<bool, AsymmetricError>;

    /// Encrypts `plaintext` to the public key `public_spki` (RSAES-OAEP, or kmsim's ML-KEM
    /// KEM-DEM), the randomness drawn from `rng`.
    ///
    /// # Errors
    /// [`AsymmetricError::Failed`] for a malformed key or a plaintext too long for the
    /// algorithm.
    fn encrypt(
        &self,
        spec: KeySpec,
        algorithm: EncryptionAlgorithmSpec,
        public_spki: &[u8],
        plaintext: &[u8],
        rng: &mut dyn CryptoRng,
    ) -> Result<Vec<u8>, AsymmetricError>;

    /// Decrypts `ciphertext` with the private key `private_pkcs8`.
    ///
    /// # Errors
    /// [`AsymmetricError::Failed`] for a malformed key or a ciphertext that does not decrypt.
    fn decrypt(
        &self,
        spec: KeySpec,
        algorithm: EncryptionAlgorithmSpec,
        private_pkcs8: &[u8],
        ciphertext: &[u8],
    ) -> Result<Plaintext, AsymmetricError>;

    /// ECDH between the private key `private_pkcs8` and the peer's public key `peer_spki` on
    /// the same curve: the raw shared x-coordinate, as DeriveSharedSecret returns it.
    ///
    /// # Errors
    /// [`AsymmetricError::Failed`] for a malformed key, a peer key on another curve, or a
    /// point not on the curve.
    fn derive_shared_secret(
        &self,
        spec: KeySpec,
        private_pkcs8: &[u8],
        peer_spki: &[u8],
    ) -> Result<Plaintext, AsymmetricError>;
}

/// Placeholder while the key-pair providers are being built (issue 10): refuses everything as
/// unsupported. Each provider replaces it with its own implementation.
pub(crate) struct NotBuilt;

impl Asymmetric for NotBuilt {
    fn generate(&self, _: KeySpec, _: &mut dyn CryptoRng) -> Result<KeyPair, AsymmetricError> {
        Err(AsymmetricError::Unsupported("key pairs"))
    }
    fn sign(
        &self,
        _: KeySpec,
        _: SigningAlgorithmSpec,
        _: &[u8],
        _: SignInput<'_>,
        _: &mut dyn CryptoRng,
    ) -> Result<Vec<u8>, AsymmetricError> {
        Err(AsymmetricError::Unsupported("key pairs"))
    }
    fn verify(
        &self,
        _: KeySpec,
        _: SigningAlgorithmSpec,
        _: &[u8],
        _: SignInput<'_>,
        _: &[u8],
    ) -> Result<bool, AsymmetricError> {
        Err(AsymmetricError::Unsupported("key pairs"))
    }
    fn encrypt(
        &self,
        _: KeySpec,
        _: EncryptionAlgorithmSpec,
        _: &[u8],
        _: &[u8],
        _: &mut dyn CryptoRng,
    ) -> Result<Vec<u8>, AsymmetricError> {
        Err(AsymmetricError::Unsupported("key pairs"))
    }
    fn decrypt(
        &self,
        _: KeySpec,
        _: EncryptionAlgorithmSpec,
        _: &[u8],
        _: &[u8],
    ) -> Result<Plaintext, AsymmetricError> {
        Err(AsymmetricError::Unsupported("key pairs"))
    }
    fn derive_shared_secret(
        &self,
        _: KeySpec,
        _: &[u8],
        _: &[u8],
    ) -> Result<Plaintext, AsymmetricError> {
        Err(AsymmetricError::Unsupported("key pairs"))
    }
}
