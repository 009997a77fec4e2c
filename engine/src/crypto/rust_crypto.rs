//! The RustCrypto provider: `aes-gcm`, `hkdf`, `hmac`, `sha2`, pure Rust.

use aes_gcm::aead::{AeadInOut, KeyInit};
use hmac::Mac as _;

use super::{Aes256Gcm, CryptoError, CryptoProvider, HkdfSha256, Hmac, ProviderKind};
use crate::spec::MacAlgorithmSpec;

/// The RustCrypto provider.
pub static PROVIDER: CryptoProvider = CryptoProvider {
    kind: ProviderKind::RustCrypto,
    aes_256_gcm: &RustCryptoAesGcm,
    hkdf_sha256: &RustCryptoHkdf,
    hmac: &RustCryptoHmac,
};

struct RustCryptoAesGcm;

impl Aes256Gcm for RustCryptoAesGcm {
    fn seal(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<[u8; 16], CryptoError> {
        let cipher = aes_gcm::Aes256Gcm::new(key.into());
        let tag = cipher
            .encrypt_inout_detached(nonce.into(), aad, in_out.into())
            .map_err(|_| CryptoError)?;
        Ok(tag.into())
    }

    fn open(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        ciphertext_and_tag: &mut [u8],
    ) -> Result<(), CryptoError> {
        let split = ciphertext_and_tag.len().checked_sub(16).ok_or(CryptoError)?;
        let (ciphertext, tag) = ciphertext_and_tag.split_at_mut(split);
        let tag: &[u8; 16] = (&*tag).try_into().map_err(|_| CryptoError)?;
        let cipher = aes_gcm::Aes256Gcm::new(key.into());
        cipher
            .decrypt_inout_detached(nonce.into(), aad, ciphertext.into(), tag.into())
            .map_err(|_| CryptoError)
    }
}

struct RustCryptoHkdf;

impl HkdfSha256 for RustCryptoHkdf {
    fn derive(
        &self,
        salt: &[u8],
        ikm: &[u8],
        info: &[u8],
        okm: &mut [u8],
    ) -> Result<(), CryptoError> {
        hkdf::Hkdf::<sha2::Sha256>::new(Some(salt), ikm).expand(info, okm).map_err(|_| CryptoError)
    }
}

struct RustCryptoHmac;

fn mac_with<M: hmac::Mac + KeyInit>(key: &[u8], message: &[u8]) -> M {
    // HMAC accepts keys of any length (RFC 2104 hashes long keys), so this cannot fail.
    let mut mac = <M as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(message);
    mac
}

impl Hmac for RustCryptoHmac {
    fn sign(&self, algorithm: MacAlgorithmSpec, key: &[u8], message: &[u8]) -> Vec<u8> {
        match algorithm {
            MacAlgorithmSpec::HmacSha224 => {
                mac_with::<hmac::Hmac<sha2::Sha224>>(key, message).finalize().into_bytes().to_vec()
            }
            MacAlgorithmSpec::HmacSha256 => {
                mac_with::<hmac::Hmac<sha2::Sha256>>(key, message).finalize().into_bytes().to_vec()
            }
            MacAlgorithmSpec::HmacSha384 => {
                mac_with::<hmac::Hmac<sha2::Sha384>>(key, message).finalize().into_bytes().to_vec()
            }
            MacAlgorithmSpec::HmacSha512 => {
                mac_with::<hmac::Hmac<sha2::Sha512>>(key, message).finalize().into_bytes().to_vec()
            }
        }
    }

    fn verify(&self, algorithm: MacAlgorithmSpec, key: &[u8], message: &[u8], mac: &[u8]) -> bool {
        // verify_slice compares in constant time and rejects a tag of the wrong length.
        match algorithm {
            MacAlgorithmSpec::HmacSha224 => {
                mac_with::<hmac::Hmac<sha2::Sha224>>(key, message).verify_slice(mac).is_ok()
            }
            MacAlgorithmSpec::HmacSha256 => {
                mac_with::<hmac::Hmac<sha2::Sha256>>(key, message).verify_slice(mac).is_ok()
            }
            MacAlgorithmSpec::HmacSha384 => {
                mac_with::<hmac::Hmac<sha2::Sha384>>(key, message).verify_slice(mac).is_ok()
            }
            MacAlgorithmSpec::HmacSha512 => {
                mac_with::<hmac::Hmac<sha2::Sha512>>(key, message).verify_slice(mac).is_ok()
            }
        }
    }
}
