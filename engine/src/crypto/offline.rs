//! Client-side encryption to a public key, as a client of kmsim would do offline with what
//! GetPublicKey returned, then send the ciphertext to Decrypt.
//!
//! AWS KMS leaves offline encryption to the caller's own library (OpenSSL, the AWS SDKs'
//! crypto). For kmsim's ML-KEM extension no such library knows the format, so kmsim ships this
//! helper; it does RSAES-OAEP too, so a client needs one call for every encryption key pair.
//!
//! ```
//! use engine::crypto::offline::encrypt_to_public_key;
//! use engine::crypto::ProviderKind;
//! use engine::spec::{EncryptionAlgorithmSpec, KeySpec};
//! use rand_core::SeedableRng as _;
//!
//! let mut rng = rand_chacha::ChaCha20Rng::from_seed([7; 32]);
//! let provider = ProviderKind::RustCrypto.provider();
//! let spec = KeySpec::KmsimMlKem768;
//! let algorithm = EncryptionAlgorithmSpec::KmsimMlKemHkdfAes256Gcm;
//! let pair = provider.asymmetric.generate(spec, &mut rng)?;
//! let ciphertext = encrypt_to_public_key(spec, algorithm, &pair.public_spki, b"hello", &mut rng)?;
//! let plaintext =
//!     provider.asymmetric.decrypt(spec, algorithm, pair.private_pkcs8.expose(), &ciphertext)?;
//! assert_eq!(plaintext.expose(), b"hello");
//! # Ok::<(), engine::crypto::asymmetric::AsymmetricError>(())
//! ```

use rand_core::CryptoRng;

use super::asymmetric::AsymmetricError;
use crate::spec::{EncryptionAlgorithmSpec, KeySpec};

/// Encrypts `plaintext` to the public key `public_spki` (DER `SubjectPublicKeyInfo`, as
/// GetPublicKey returns it) of a key of `spec` with `algorithm`: RSAES-OAEP with SHA-1 or
/// SHA-256 on RSA keys, or kmsim's KEM-DEM (`KMSIM_ML_KEM_HKDF_SHA_256_AES_256_GCM`, format in
/// [`super::kem_dem`]) on the `KMSIM_ML_KEM_*` keys. The randomness comes from `rng`.
///
/// The result is what Decrypt takes as `CiphertextBlob` for that key and algorithm. Runs on the
/// RustCrypto crates (pure Rust, no secret involved), whichever provider the engine uses.
///
/// # Errors
/// [`AsymmetricError::Failed`] for a key that is not a public key of `spec`, a (spec,
/// algorithm) pair that does not encrypt, or an RSA plaintext longer than OAEP allows
/// ([`super::OaepHash::max_plaintext_len`]); [`AsymmetricError::Unsupported`] for SM2PKE.
pub fn encrypt_to_public_key(
    spec: KeySpec,
    algorithm: EncryptionAlgorithmSpec,
    public_spki: &[u8],
    plaintext: &[u8],
    rng: &mut dyn CryptoRng,
) -> Result<Vec<u8>, AsymmetricError> {
    super::rust_crypto::PROVIDER.asymmetric.encrypt(spec, algorithm, public_spki, plaintext, rng)
}
