//! Cryptography behind the engine: a provider struct of small traits (as rustls'
//! `CryptoProvider`), two complete providers, and the ciphertext blob format.
//!
//! Randomness is not part of a provider: the engine owns one seeded ChaCha20 generator and
//! passes random bytes (or the generator itself, as a [`CryptoRng`]) in, so both providers give
//! byte-identical results for the same seed.
//!
//! Importing key material (GetParametersForImport + ImportKeyMaterial) uses [`RsaOaep`] for the
//! wrapping key pair, [`AesKeyWrap`] and the two-layer RSA_AES_KEY_WRAP format in [`wrap`].

pub mod asymmetric;
pub mod aws_lc;
pub mod blob;
pub mod insecure;
pub mod kem_dem;
pub mod offline;
pub mod rust_crypto;
pub mod wrap;

use std::fmt;
use std::str::FromStr;

use rand_core::CryptoRng;

use crate::error::{ErrorKind, KmsError};
use crate::secret::Plaintext;
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

/// The modulus size of an RSA key pair (GetParametersForImport's `WrappingKeySpec` RSA values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RsaBits {
    /// A 2048-bit modulus.
    Rsa2048,
    /// A 3072-bit modulus.
    Rsa3072,
    /// A 4096-bit modulus.
    Rsa4096,
}

impl RsaBits {
    /// Every size, smallest first.
    pub const ALL: [Self; 3] = [Self::Rsa2048, Self::Rsa3072, Self::Rsa4096];

    /// The modulus size [bits].
    #[must_use]
    pub const fn bits(self) -> usize {
        match self {
            Self::Rsa2048 => 2048,
            Self::Rsa3072 => 3072,
            Self::Rsa4096 => 4096,
        }
    }

    /// The modulus size, which is also the length of every OAEP ciphertext [bytes].
    #[must_use]
    pub const fn modulus_len(self) -> usize {
        self.bits() / 8
    }
}

/// The hash of RSAES-OAEP (RFC 8017 §7.1). MGF1 uses the same hash and the label is empty, as in
/// AWS KMS's `RSAES_OAEP_SHA_1` / `RSAES_OAEP_SHA_256` and the RSA layer of
/// `RSA_AES_KEY_WRAP_SHA_1` / `RSA_AES_KEY_WRAP_SHA_256`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OaepHash {
    /// SHA-1 (and MGF1-SHA-1).
    Sha1,
    /// SHA-256 (and MGF1-SHA-256).
    Sha256,
}

impl OaepHash {
    /// Every hash.
    pub const ALL: [Self; 2] = [Self::Sha1, Self::Sha256];

    /// The hash's output length [bytes].
    #[must_use]
    pub const fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
        }
    }

    /// The longest plaintext OAEP can encrypt under a key of `bits`: `k - 2·hLen - 2` [bytes]
    /// (RSA_2048: 214 with SHA-1, 190 with SHA-256; RSA_4096: 470 and 446).
    #[must_use]
    pub const fn max_plaintext_len(self, bits: RsaBits) -> usize {
        bits.modulus_len() - 2 * self.output_len() - 2
    }
}

/// An RSA key pair in the encodings AWS KMS exchanges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RsaKeyPair {
    /// The private key: DER PKCS#8 `PrivateKeyInfo` (RFC 5208), public exponent 65537.
    pub private_pkcs8: Plaintext,
    /// The public key: DER X.509 `SubjectPublicKeyInfo` (RFC 5280), what GetParametersForImport
    /// returns as `PublicKey`.
    pub public_spki: Vec<u8>,
}

/// RSAES-OAEP (RFC 8017) with MGF1 of the same hash and an empty label, plus deterministic key
/// generation.
///
/// Every method that needs randomness takes the caller's generator, so the same seed gives the
/// same keys and ciphertexts in both providers. Keys arrive DER-encoded (what the engine
/// stores); malformed keys, wrong sizes and failed padding checks are all the opaque
/// [`CryptoError`].
pub trait RsaOaep: Send + Sync {
    /// A new key pair with a modulus of `bits` and public exponent 65537, drawn from `rng` alone.
    ///
    /// # Errors
    /// [`CryptoError`] if the generator or the backend fails.
    fn generate(&self, bits: RsaBits, rng: &mut dyn CryptoRng) -> Result<RsaKeyPair, CryptoError>;

    /// The DER `SubjectPublicKeyInfo` of the private key `private_pkcs8`.
    ///
    /// # Errors
    /// [`CryptoError`] if `private_pkcs8` is not an RSA private key the backend accepts.
    fn public_key(&self, private_pkcs8: &[u8]) -> Result<Vec<u8>, CryptoError>;

    /// The modulus length of the private key `private_pkcs8`, which is the length of its OAEP
    /// ciphertexts [bytes].
    ///
    /// # Errors
    /// [`CryptoError`] if `private_pkcs8` is not an RSA private key the backend accepts.
    fn modulus_len(&self, private_pkcs8: &[u8]) -> Result<usize, CryptoError>;

    /// Encrypts `plaintext` to the public key `public_spki`, the OAEP seed drawn from `rng`.
    ///
    /// # Errors
    /// [`CryptoError`] if the key is malformed or `plaintext` is longer than
    /// [`OaepHash::max_plaintext_len`].
    fn encrypt(
        &self,
        public_spki: &[u8],
        hash: OaepHash,
        plaintext: &[u8],
        rng: &mut dyn CryptoRng,
    ) -> Result<Vec<u8>, CryptoError>;

    /// Decrypts `ciphertext` with the private key `private_pkcs8`. Uses no randomness from
    /// outside the engine.
    ///
    /// # Errors
    /// [`CryptoError`] if the key is malformed, `ciphertext` is not exactly as long as the
    /// modulus, or the padding does not check (wrong hash, wrong key, non-empty label, …).
    fn decrypt(
        &self,
        private_pkcs8: &[u8],
        hash: OaepHash,
        ciphertext: &[u8],
    ) -> Result<Plaintext, CryptoError>;
}

/// AES key wrap with padding (KWP: RFC 5649, NIST SP 800-38F §6.3), deterministic.
///
/// The key-encryption key is AES-128 or AES-256 (16 or 32 bytes). AES-192 is refused by both
/// providers alike: aws-lc-rs' `key_wrap` offers no AES-192, and a provider choice must never
/// change an outcome. The wrapped key is 1 byte or longer; its wrapping is the key padded with
/// zeros to a multiple of 8 bytes, plus 8.
pub trait AesKeyWrap: Send + Sync {
    /// Wraps `key` under `kek`.
    ///
    /// # Errors
    /// [`CryptoError`] if `kek` is not 16 or 32 bytes or `key` is empty.
    fn wrap(&self, kek: &[u8], key: &[u8]) -> Result<Vec<u8>, CryptoError>;

    /// Unwraps `wrapped` under `kek`, checking the integrity value, the length and the padding.
    ///
    /// # Errors
    /// [`CryptoError`] if `kek` is not 16 or 32 bytes, `wrapped` is shorter than 16 bytes or not
    /// a multiple of 8, or any check fails.
    fn unwrap(&self, kek: &[u8], wrapped: &[u8]) -> Result<Plaintext, CryptoError>;
}

/// Whether `kek` has a length both providers' key wrap accepts [bytes]: 16 or 32.
const fn kwp_kek_ok(kek: &[u8]) -> bool {
    matches!(kek.len(), 16 | 32)
}

/// The shape checks of a KWP wrap, shared so both providers refuse exactly the same inputs.
fn kwp_check_wrap(kek: &[u8], key: &[u8]) -> Result<(), CryptoError> {
    // RFC 5649 wraps 1 to 2^32 - 1 bytes (the length indicator is 32 bits).
    let key_ok = !key.is_empty() && u32::try_from(key.len()).is_ok();
    if kwp_kek_ok(kek) && key_ok { Ok(()) } else { Err(CryptoError) }
}

/// The shape checks of a KWP unwrap: at least two semiblocks, whole semiblocks only.
fn kwp_check_unwrap(kek: &[u8], wrapped: &[u8]) -> Result<(), CryptoError> {
    let shape_ok = wrapped.len() >= 16 && wrapped.len().is_multiple_of(8);
    if kwp_kek_ok(kek) && shape_ok { Ok(()) } else { Err(CryptoError) }
}

/// The length of the KWP wrapping of `key_len` bytes [bytes].
const fn kwp_wrapped_len(key_len: usize) -> usize {
    key_len.div_ceil(8) * 8 + 8
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
    /// RSAES-OAEP with SHA-1 or SHA-256, and RSA key generation.
    pub rsa_oaep: &'static dyn RsaOaep,
    /// AES key wrap with padding (RFC 5649).
    pub aes_key_wrap: &'static dyn AesKeyWrap,
    /// Key pairs: RSA, ECC, ML-DSA and kmsim's ML-KEM specs.
    pub asymmetric: &'static dyn asymmetric::Asymmetric,
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
    /// The pure-Rust RustCrypto crates (`aes-gcm`, `hkdf`, `hmac`, `sha2`, `rsa`, `aes-kw`).
    RustCrypto,
    /// NO SECURITY: the modelling provider of [`insecure`], for simulations too large to run
    /// real cryptography on every request. Same sizes and outcomes, no protection at all.
    InsecureModelling,
}

impl ProviderKind {
    /// Every real provider: the ones that protect data and pass the known-answer tests.
    /// [`ProviderKind::InsecureModelling`] is not among them.
    pub const ALL: [Self; 2] = [Self::AwsLcRs, Self::RustCrypto];

    /// The provider's name as used on command lines and in results: `aws-lc-rs`,
    /// `rustcrypto`, `insecure-modelling`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AwsLcRs => "aws-lc-rs",
            Self::RustCrypto => "rustcrypto",
            Self::InsecureModelling => "insecure-modelling",
        }
    }

    /// The provider's primitives.
    #[must_use]
    pub const fn provider(self) -> &'static CryptoProvider {
        match self {
            Self::AwsLcRs => &aws_lc::PROVIDER,
            Self::RustCrypto => &rust_crypto::PROVIDER,
            Self::InsecureModelling => &insecure::PROVIDER,
        }
    }
}

impl FromStr for ProviderKind {
    type Err = KmsError;
    fn from_str(s: &str) -> Result<Self, KmsError> {
        let every = [Self::AwsLcRs, Self::RustCrypto, Self::InsecureModelling];
        every.into_iter().find(|kind| kind.as_str() == s).ok_or_else(|| {
            KmsError::new(
                ErrorKind::Validation,
                format!(
                    "unknown crypto provider '{s}': expected aws-lc-rs, rustcrypto or insecure-modelling"
                ),
            )
        })
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
