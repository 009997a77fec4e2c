//! The aws-lc-rs provider (the default).

use aws_lc_rs::{aead, hkdf, hmac};

use super::{Aes256Gcm, CryptoError, CryptoProvider, HkdfSha256, Hmac, ProviderKind};
use crate::spec::MacAlgorithmSpec;

/// The aws-lc-rs provider.
pub static PROVIDER: CryptoProvider = CryptoProvider {
    kind: ProviderKind::AwsLcRs,
    aes_256_gcm: &AwsLcAesGcm,
    hkdf_sha256: &AwsLcHkdf,
    hmac: &AwsLcHmac,
};

struct AwsLcAesGcm;

fn gcm_key(key: &[u8; 32]) -> Result<aead::LessSafeKey, CryptoError> {
    // LessSafeKey: the nonce comes from the blob format (fresh key per request), not from
    // aws-lc-rs' nonce sequence.
    aead::UnboundKey::new(&aead::AES_256_GCM, key)
        .map(aead::LessSafeKey::new)
        .map_err(|_| CryptoError)
}

impl Aes256Gcm for AwsLcAesGcm {
    fn seal(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<[u8; 16], CryptoError> {
        let tag = gcm_key(key)?
            .seal_in_place_separate_tag(
                aead::Nonce::assume_unique_for_key(*nonce),
                aead::Aad::from(aad),
                in_out,
            )
            .map_err(|_| CryptoError)?;
        tag.as_ref().try_into().map_err(|_| CryptoError)
    }

    fn open(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        ciphertext_and_tag: &mut [u8],
    ) -> Result<(), CryptoError> {
        gcm_key(key)?
            .open_in_place(
                aead::Nonce::assume_unique_for_key(*nonce),
                aead::Aad::from(aad),
                ciphertext_and_tag,
            )
            .map(|_| ())
            .map_err(|_| CryptoError)
    }
}

struct AwsLcHkdf;

/// An output length for aws-lc-rs' HKDF expand.
struct OkmLen(usize);

impl hkdf::KeyType for OkmLen {
    fn len(&self) -> usize {
        self.0
    }
}

impl HkdfSha256 for AwsLcHkdf {
    fn derive(
        &self,
        salt: &[u8],
        ikm: &[u8],
        info: &[u8],
        okm: &mut [u8],
    ) -> Result<(), CryptoError> {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(ikm);
        let info = [info];
        prk.expand(&info, OkmLen(okm.len())).and_then(|o| o.fill(okm)).map_err(|_| CryptoError)
    }
}

struct AwsLcHmac;

const fn hmac_algorithm(algorithm: MacAlgorithmSpec) -> hmac::Algorithm {
    match algorithm {
        MacAlgorithmSpec::HmacSha224 => hmac::HMAC_SHA224,
        MacAlgorithmSpec::HmacSha256 => hmac::HMAC_SHA256,
        MacAlgorithmSpec::HmacSha384 => hmac::HMAC_SHA384,
        MacAlgorithmSpec::HmacSha512 => hmac::HMAC_SHA512,
    }
}

impl Hmac for AwsLcHmac {
    fn sign(&self, algorithm: MacAlgorithmSpec, key: &[u8], message: &[u8]) -> Vec<u8> {
        let key = hmac::Key::new(hmac_algorithm(algorithm), key);
        hmac::sign(&key, message).as_ref().to_vec()
    }

    fn verify(&self, algorithm: MacAlgorithmSpec, key: &[u8], message: &[u8], mac: &[u8]) -> bool {
        let key = hmac::Key::new(hmac_algorithm(algorithm), key);
        hmac::verify(&key, message, mac).is_ok()
    }
}
