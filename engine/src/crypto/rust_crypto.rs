//! The RustCrypto provider: `aes-gcm`, `hkdf`, `hmac`, `sha2`, `rsa`, `aes-kw`, and for key
//! pairs `p256`, `p384`, `p521`, `k256`, `ecdsa`, `ed25519-dalek`, `ml-dsa`, `ml-kem`; pure Rust.

mod asymmetric;

pub(super) use asymmetric::{EncryptionScheme, encryption_scheme, generate_key_pair, kem_encrypt};

use aes_gcm::aead::{AeadInOut, KeyInit};
use hmac::Mac as _;
use rand_core::{CryptoRng, SeedableRng as _};
use rsa::pkcs8::EncodePublicKey as _;
use rsa::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _};
use rsa::traits::PublicKeyParts as _;

use super::{
    Aes256Gcm, AesKeyWrap, CryptoError, CryptoProvider, HkdfSha256, Hmac, OaepHash, ProviderKind,
    RsaBits, RsaKeyPair, RsaOaep,
};
use crate::secret::Plaintext;
use crate::spec::MacAlgorithmSpec;

/// The RustCrypto provider.
pub static PROVIDER: CryptoProvider = CryptoProvider {
    kind: ProviderKind::RustCrypto,
    aes_256_gcm: &RustCryptoAesGcm,
    hkdf_sha256: &RustCryptoHkdf,
    hmac: &RustCryptoHmac,
    rsa_oaep: &RustCryptoRsaOaep,
    aes_key_wrap: &RustCryptoAesKeyWrap,
    asymmetric: &asymmetric::RustCryptoAsymmetric,
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

struct RustCryptoRsaOaep;

/// Generates an RSA key pair with the `rsa` crate from `rng` alone.
///
/// Shared with the aws-lc-rs provider, whose backend generates RSA keys only from AWS-LC's own
/// generator: both providers therefore give the same key pair for the same generator state.
pub(super) fn rsa_generate(
    bits: RsaBits,
    rng: &mut dyn CryptoRng,
) -> Result<RsaKeyPair, CryptoError> {
    let key = rsa::PrivateKey::new(rng, bits.bits()).map_err(|_| CryptoError)?;
    // `to_pkcs8_der` gives a zeroizing `SecretDocument`; the copy goes straight into a
    // `Plaintext`.
    let private = key.to_pkcs8_der().map_err(|_| CryptoError)?;
    let public = key.as_public_key().to_public_key_der().map_err(|_| CryptoError)?;
    Ok(RsaKeyPair {
        private_pkcs8: Plaintext::new(private.as_bytes().to_vec()),
        public_spki: public.into_vec(),
    })
}

/// RSAES-OAEP encryption with the `rsa` crate, the seed drawn from `rng`.
///
/// Shared with the aws-lc-rs provider, whose OAEP encryption draws its seed from AWS-LC's own
/// generator and so could not be reproduced from the engine's seed.
pub(super) fn rsa_oaep_encrypt(
    public_spki: &[u8],
    hash: OaepHash,
    plaintext: &[u8],
    rng: &mut dyn CryptoRng,
) -> Result<Vec<u8>, CryptoError> {
    let key = rsa::PublicKey::from_public_key_der(public_spki).map_err(|_| CryptoError)?;
    match hash {
        OaepHash::Sha1 => key.oaep_encrypt_with_rng::<sha1::Sha1, _>(rng, plaintext),
        OaepHash::Sha256 => key.oaep_encrypt_with_rng::<sha2::Sha256, _>(rng, plaintext),
    }
    .map_err(|_| CryptoError)
}

fn rsa_private_key(private_pkcs8: &[u8]) -> Result<rsa::PrivateKey, CryptoError> {
    rsa::PrivateKey::from_pkcs8_der(private_pkcs8).map_err(|_| CryptoError)
}

/// The generator that blinds one RSA private-key operation: ChaCha20 seeded with
/// HMAC-SHA-256(key = the private key's PKCS#8, "kmsim/v1/rsa-blinding" ‖ ciphertext).
///
/// `rsa` blinds with a caller's generator or not at all (its system-RNG default is compiled out:
/// the `getrandom` feature is off). Deriving the blinding factor from the secret key and the
/// input keeps it unpredictable to whoever chose the ciphertext, as blinding needs, while the
/// engine draws nothing from the OS and nothing from its own seeded streams, so decryption
/// leaves them untouched. The plaintext does not depend on the blinding factor.
fn blinding_rng(private_pkcs8: &[u8], ciphertext: &[u8]) -> rand_chacha::ChaCha20Rng {
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(private_pkcs8)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(b"kmsim/v1/rsa-blinding");
    mac.update(ciphertext);
    rand_chacha::ChaCha20Rng::from_seed(mac.finalize().into_bytes().into())
}

impl RsaOaep for RustCryptoRsaOaep {
    fn generate(&self, bits: RsaBits, rng: &mut dyn CryptoRng) -> Result<RsaKeyPair, CryptoError> {
        rsa_generate(bits, rng)
    }

    fn public_key(&self, private_pkcs8: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let key = rsa_private_key(private_pkcs8)?;
        let public = key.as_public_key().to_public_key_der().map_err(|_| CryptoError)?;
        Ok(public.into_vec())
    }

    fn modulus_len(&self, private_pkcs8: &[u8]) -> Result<usize, CryptoError> {
        Ok(rsa_private_key(private_pkcs8)?.size())
    }

    fn encrypt(
        &self,
        public_spki: &[u8],
        hash: OaepHash,
        plaintext: &[u8],
        rng: &mut dyn CryptoRng,
    ) -> Result<Vec<u8>, CryptoError> {
        rsa_oaep_encrypt(public_spki, hash, plaintext, rng)
    }

    /// `rsa` 0.10 ignores the first octet of the decoded OAEP block (draft-irtf-cfrg-rsa-guidance
    /// §7), so it accepts Wycheproof's "first byte is 1" vectors that AWS-LC rejects. Such a
    /// block never comes from a correct encryptor; the key-wrap layer above still authenticates
    /// what is unwrapped.
    fn decrypt(
        &self,
        private_pkcs8: &[u8],
        hash: OaepHash,
        ciphertext: &[u8],
    ) -> Result<Plaintext, CryptoError> {
        let key = rsa_private_key(private_pkcs8)?;
        let mut blinding = blinding_rng(private_pkcs8, ciphertext);
        match hash {
            OaepHash::Sha1 => key.oaep_decrypt_with_rng::<sha1::Sha1, _>(&mut blinding, ciphertext),
            OaepHash::Sha256 => {
                key.oaep_decrypt_with_rng::<sha2::Sha256, _>(&mut blinding, ciphertext)
            }
        }
        .map(Plaintext::new)
        .map_err(|_| CryptoError)
    }
}

struct RustCryptoAesKeyWrap;

fn kwp_wrap<C>(kek: &[u8], key: &[u8]) -> Result<Vec<u8>, CryptoError>
where
    aes_kw::AesKwp<C>: KeyInit,
    C: aes_kw::cipher::BlockCipherEncrypt<BlockSize = aes_kw::cipher::consts::U16>,
{
    let kwp = <aes_kw::AesKwp<C> as KeyInit>::new_from_slice(kek).map_err(|_| CryptoError)?;
    let mut wrapped = vec![0; super::kwp_wrapped_len(key.len())];
    let len = kwp.wrap_key(key, &mut wrapped).map_err(|_| CryptoError)?.len();
    wrapped.truncate(len);
    Ok(wrapped)
}

fn kwp_unwrap<C>(kek: &[u8], wrapped: &[u8]) -> Result<Plaintext, CryptoError>
where
    aes_kw::AesKwp<C>: KeyInit,
    C: aes_kw::cipher::BlockCipherDecrypt<BlockSize = aes_kw::cipher::consts::U16>,
{
    let kwp = <aes_kw::AesKwp<C> as KeyInit>::new_from_slice(kek).map_err(|_| CryptoError)?;
    // The checks ran first, so `wrapped` is at least 16 bytes.
    let mut key = Plaintext::new(vec![0; wrapped.len() - 8]);
    let len = kwp.unwrap_key(wrapped, key.expose_mut()).map_err(|_| CryptoError)?.len();
    key.truncate(len);
    Ok(key)
}

impl AesKeyWrap for RustCryptoAesKeyWrap {
    fn wrap(&self, kek: &[u8], key: &[u8]) -> Result<Vec<u8>, CryptoError> {
        super::kwp_check_wrap(kek, key)?;
        match kek.len() {
            16 => kwp_wrap::<aes_kw::aes::Aes128>(kek, key),
            32 => kwp_wrap::<aes_kw::aes::Aes256>(kek, key),
            _ => Err(CryptoError),
        }
    }

    fn unwrap(&self, kek: &[u8], wrapped: &[u8]) -> Result<Plaintext, CryptoError> {
        super::kwp_check_unwrap(kek, wrapped)?;
        match kek.len() {
            16 => kwp_unwrap::<aes_kw::aes::Aes128>(kek, wrapped),
            32 => kwp_unwrap::<aes_kw::aes::Aes256>(kek, wrapped),
            _ => Err(CryptoError),
        }
    }
}
