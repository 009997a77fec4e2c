//! Cryptography behind the engine: a provider struct of small traits (as rustls'
//! `CryptoProvider`), two complete providers, and the ciphertext blob format.
//!
//! Randomness is not part of a provider: the engine owns one seeded ChaCha20 generator and
//! passes random bytes in, so both providers give byte-identical results for the same seed.

pub mod aws_lc;
pub mod blob;
pub mod rust_crypto;

use std::fmt;
use std::str::FromStr;

use crate::error::{ErrorKind, KmsError};
use crate::spec::MacAlgorithmSpec;

/// A primitive failed. Carries no detail, so it cannot leak anything about secrets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CryptoError;

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cryptographic operation failed")
    }
}

impl std::error::Error for CryptoError {}

/// AES-256-GCM with a 96-bit nonce and a 128-bit tag.
pub trait Aes256Gcm: Send + Sync {
    /// Encrypts `in_out` in place and returns the tag.
    ///
    /// # Errors
    /// [`CryptoError`] if the backend refuses the input (e.g. it is too long).
    fn seal(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<[u8; 16], CryptoError>;

    /// Decrypts `ciphertext_and_tag` (the ciphertext followed by its 16-byte tag) in place
    /// after checking the tag; the plaintext is then `ciphertext_and_tag[..len - 16]`.
    ///
    /// # Errors
    /// [`CryptoError`] if the input is shorter than a tag or the tag does not verify; the
    /// buffer's contents are then unspecified.
    fn open(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        ciphertext_and_tag: &mut [u8],
    ) -> Result<(), CryptoError>;
}

/// HKDF with SHA-256 (RFC 5869): extract, then expand to `okm.len()` bytes.
pub trait HkdfSha256: Send + Sync {
    /// Fills `okm` with key material derived from `ikm`, `salt` and `info`.
    ///
    /// # Errors
    /// [`CryptoError`] if `okm` is longer than 255 × 32 bytes.
    fn derive(
        &self,
        salt: &[u8],
        ikm: &[u8],
        info: &[u8],
        okm: &mut [u8],
    ) -> Result<(), CryptoError>;
}

/// HMAC (RFC 2104) with the SHA-2 family.
pub trait Hmac: Send + Sync {
    /// The MAC of `message` under `key`.
    fn sign(&self, algorithm: MacAlgorithmSpec, key: &[u8], message: &[u8]) -> Vec<u8>;

    /// Whether `mac` is the MAC of `message` under `key`, compared in constant time.
    fn verify(&self, algorithm: MacAlgorithmSpec, key: &[u8], message: &[u8], mac: &[u8]) -> bool;
}

/// A set of primitive implementations. Choose one with [`ProviderKind`].
pub struct CryptoProvider {
    /// Which provider this is.
    pub kind: ProviderKind,
    /// AES-256-GCM.
    pub aes_256_gcm: &'static dyn Aes256Gcm,
    /// HKDF-SHA-256.
    pub hkdf_sha256: &'static dyn HkdfSha256,
    /// HMAC-SHA-224/256/384/512.
    pub hmac: &'static dyn Hmac,
}

impl fmt::Debug for CryptoProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CryptoProvider").field("kind", &self.kind).finish_non_exhaustive()
    }
}

/// The crypto providers, selectable at run time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProviderKind {
    /// aws-lc-rs (AWS-LC): the default; the fastest measured on our machines, constant-time,
    /// FIPS-capable.
    #[default]
    AwsLcRs,
    /// The pure-Rust RustCrypto crates (`aes-gcm`, `hkdf`, `hmac`, `sha2`).
    RustCrypto,
}

impl ProviderKind {
    /// Every provider.
    pub const ALL: [Self; 2] = [Self::AwsLcRs, Self::RustCrypto];

    /// The provider's name as used on command lines and in results: `aws-lc-rs`, `rustcrypto`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AwsLcRs => "aws-lc-rs",
            Self::RustCrypto => "rustcrypto",
        }
    }

    /// The provider's primitives.
    #[must_use]
    pub const fn provider(self) -> &'static CryptoProvider {
        match self {
            Self::AwsLcRs => &aws_lc::PROVIDER,
            Self::RustCrypto => &rust_crypto::PROVIDER,
        }
    }
}

impl FromStr for ProviderKind {
    type Err = KmsError;
    fn from_str(s: &str) -> Result<Self, KmsError> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == s).ok_or_else(|| {
            KmsError::new(
                ErrorKind::Validation,
                format!("unknown crypto provider '{s}': expected aws-lc-rs or rustcrypto"),
            )
        })
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
