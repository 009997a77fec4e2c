//! AWS KMS's two-layer wrapping algorithms for imported key material,
//! `RSA_AES_KEY_WRAP_SHA_1` and `RSA_AES_KEY_WRAP_SHA_256` (PKCS #11 `CKM_RSA_AES_KEY_WRAP`).
//!
//! ```text
//!  EncryptedKeyMaterial = RSAES-OAEP(wrapping public key, SHA-x, MGF1-SHA-x, empty label)(K)
//!                       ‖ AES-KWP(K, key material)                        (RFC 5649)
//!  K: a fresh AES key (AWS's instructions draw 32 bytes); the first part is exactly as long as
//!     the wrapping key's modulus (256, 384 or 512 bytes)
//! ```
//!
//! The other import wrapping algorithms (`RSAES_OAEP_SHA_1`, `RSAES_OAEP_SHA_256`) are plain
//! [`RsaOaep`](super::RsaOaep) calls.

use rand_core::CryptoRng;

use super::{CryptoError, CryptoProvider, OaepHash};
use crate::secret::Plaintext;

/// The length of the ephemeral AES key [`wrap_rsa_aes`] draws [bytes]: AES-256, as in AWS's
/// import instructions (`openssl rand -out aes-key.bin 32`).
pub const EPHEMERAL_KEY_LEN: usize = 32;

/// Wraps `material` for the RSA key pair whose public key is `public_spki`: a fresh AES-256 key
/// and the OAEP seed are drawn from `rng`.
///
/// This is what a client does before ImportKeyMaterial; kmsim's tests and simulated clients use
/// it. The same provider, generator state and inputs give the same bytes.
///
/// # Errors
/// [`CryptoError`] if `public_spki` is not an RSA public key or `material` is empty.
pub fn wrap_rsa_aes(
    provider: &CryptoProvider,
    public_spki: &[u8],
    hash: OaepHash,
    material: &[u8],
    rng: &mut dyn CryptoRng,
) -> Result<Vec<u8>, CryptoError> {
    let mut kek = Plaintext::new(vec![0; EPHEMERAL_KEY_LEN]);
    rng.fill_bytes(kek.expose_mut());
    let mut blob = provider.rsa_oaep.encrypt(public_spki, hash, kek.expose(), rng)?;
    blob.extend_from_slice(&provider.aes_key_wrap.wrap(kek.expose(), material)?);
    Ok(blob)
}

/// Unwraps an `RSA_AES_KEY_WRAP_SHA_*` blob with the wrapping key pair's private key: splits it
/// at the modulus length read from `private_pkcs8`, decrypts the AES key with RSA-OAEP, then
/// unwraps the key material with AES-KWP.
///
/// The AES key may be 16 or 32 bytes (whatever [`AesKeyWrap`](super::AesKeyWrap) accepts), not
/// only the 32 that [`wrap_rsa_aes`] draws.
///
/// # Errors
/// [`CryptoError`] for a malformed key, a blob no longer than the modulus, a failed OAEP check,
/// an AES key of another length, or a failed KWP check. Nothing tells these apart.
pub fn unwrap_rsa_aes(
    provider: &CryptoProvider,
    private_pkcs8: &[u8],
    hash: OaepHash,
    blob: &[u8],
) -> Result<Plaintext, CryptoError> {
    let modulus_len = provider.rsa_oaep.modulus_len(private_pkcs8)?;
    let (encrypted_kek, wrapped_material) =
        blob.split_at_checked(modulus_len).ok_or(CryptoError)?;
    let kek = provider.rsa_oaep.decrypt(private_pkcs8, hash, encrypted_kek)?;
    provider.aes_key_wrap.unwrap(kek.expose(), wrapped_material)
}
