//! The RustCrypto provider's key pairs: `rsa`, `p256`, `p384`, `p521`, `k256` (through
//! `ecdsa`), `ed25519-dalek`, `ml-dsa` and `ml-kem`.
//!
//! Every output is a function of the caller's generator alone: key generation, RSASSA-PSS
//! salts, RSA blinding and ML-DSA's hedging randomness come from `rng` (for signatures through
//! the 32-byte per-call seed of [`sign_seed`]), ECDSA nonces from RFC 6979.
//!
//! Key generation and the public-key half of the KEMs ([`generate_key_pair`], [`kem_encrypt`])
//! are shared with the aws-lc-rs provider, whose backend cannot draw from a caller's generator.

use ml_dsa::{MlDsa44, MlDsa65, MlDsa87};
use ml_kem::{MlKem768, MlKem1024};
use pkcs8::{
    DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _, EncodePublicKey as _,
};
use rand_chacha::ChaCha20Rng;
use rand_core::{CryptoRng, SeedableRng as _};
use sha2::Digest as _;
use signature::Keypair as _;
use signature::hazmat::{PrehashSigner as _, PrehashVerifier as _};
use zeroize::Zeroizing;

use super::super::asymmetric::{
    self, Asymmetric, AsymmetricError, EcCurve, KeyPair, MlDsaLevel, SM2, ShaHash, SignInput,
    SignatureScheme, sign_seed,
};
use super::super::{Aes256Gcm, HkdfSha256, OaepHash, RsaBits, kem_dem};
use super::{RustCryptoAesGcm, RustCryptoHkdf};
use crate::secret::Plaintext;
use crate::spec::{EncryptionAlgorithmSpec, KeySpec, MessageType, SigningAlgorithmSpec};

const FAILED: AsymmetricError = AsymmetricError::Failed;

/// The RustCrypto implementation of [`Asymmetric`].
pub(in crate::crypto) struct RustCryptoAsymmetric;

/// `hash` of `message` with the `sha2` crate.
fn sha2_digest(hash: ShaHash, message: &[u8]) -> Vec<u8> {
    match hash {
        ShaHash::Sha256 => sha2::Sha256::digest(message).to_vec(),
        ShaHash::Sha384 => sha2::Sha384::digest(message).to_vec(),
        ShaHash::Sha512 => sha2::Sha512::digest(message).to_vec(),
    }
}

/// Draws a fixed-size secret from `rng`.
fn draw<const N: usize>(rng: &mut dyn CryptoRng) -> Zeroizing<[u8; N]> {
    let mut bytes = Zeroizing::new([0u8; N]);
    rng.fill_bytes(bytes.as_mut_slice());
    bytes
}

fn pair(private: &pkcs8::SecretDocument, public: &spki::Document) -> KeyPair {
    KeyPair {
        private_pkcs8: Plaintext::new(private.as_bytes().to_vec()),
        public_spki: public.as_bytes().to_vec(),
    }
}

/// An EC key pair of curve `C` from `rng` (rejection sampling of the scalar, as
/// `elliptic-curve` does).
macro_rules! ec_generate {
    ($curve:ty, $rng:expr) => {{
        use p256::elliptic_curve::Generate as _;
        let secret = p256::elliptic_curve::SecretKey::<$curve>::try_generate_from_rng($rng)
            .map_err(|_| FAILED)?;
        let private = secret.to_pkcs8_der().map_err(|_| FAILED)?;
        let public = secret.public_key().to_public_key_der().map_err(|_| FAILED)?;
        Ok(pair(&private, &public))
    }};
}

/// An ML-KEM key pair from the 64-byte seed d ‖ z drawn from `rng`. (A macro: `ml-kem` keeps
/// its parameter-set trait private.)
macro_rules! ml_kem_generate {
    ($params:ty, $rng:expr) => {{
        let seed = draw::<{ kem_dem::ML_KEM_SEED_LEN }>($rng);
        let key = ml_kem::DecapsulationKey::<$params>::from_seed((*seed).into());
        let private = key.to_pkcs8_der().map_err(|_| FAILED)?;
        let public = key.encapsulation_key().to_public_key_der().map_err(|_| FAILED)?;
        Ok(pair(&private, &public))
    }};
}

/// A key pair of `spec` drawn from `rng` alone, in the encodings [`KeyPair`] documents.
///
/// What each spec draws, in order: RSA, the `rsa` crate's prime search; ECC, one scalar by
/// rejection sampling; Ed25519, the 32-byte seed (RFC 8032 §5.1.5); ML-DSA, the 32-byte seed ξ
/// (FIPS 204 Algorithm 1); ML-KEM, the 64-byte seed d ‖ z (FIPS 203 Algorithm 19); the hybrid,
/// the ML-KEM seed, then the P-256 scalar.
///
/// Shared with the aws-lc-rs provider, which has no generation from a caller's generator.
///
/// # Errors
/// [`AsymmetricError::Unsupported`] for SM2; [`AsymmetricError::Failed`] for a symmetric or
/// HMAC spec or a backend failure.
pub(in crate::crypto) fn generate_key_pair(
    spec: KeySpec,
    rng: &mut dyn CryptoRng,
) -> Result<KeyPair, AsymmetricError> {
    if let Some(bits) = asymmetric::rsa_bits(spec) {
        let rsa = super::rsa_generate(bits, rng)?;
        return Ok(KeyPair { private_pkcs8: rsa.private_pkcs8, public_spki: rsa.public_spki });
    }
    match spec {
        KeySpec::EccNistP256 => ec_generate!(p256::NistP256, rng),
        KeySpec::EccNistP384 => ec_generate!(p384::NistP384, rng),
        KeySpec::EccNistP521 => ec_generate!(p521::NistP521, rng),
        KeySpec::EccSecgP256k1 => ec_generate!(k256::Secp256k1, rng),
        KeySpec::EccNistEdwards25519 => {
            let seed = draw::<32>(rng);
            let key = ed25519_dalek::SigningKey::from_bytes(&seed);
            // PKCS#8 v1 (RFC 8410 §7: the seed alone). `ed25519-dalek` writes v2 with the
            // public key, which OpenSSL 3.0 cannot read.
            let mut v1 = ed25519_dalek::pkcs8::KeypairBytes::from(&key);
            v1.public_key = None;
            let private = v1.to_pkcs8_der().map_err(|_| FAILED)?;
            let public = key.verifying_key().to_public_key_der().map_err(|_| FAILED)?;
            Ok(pair(&private, &public))
        }
        KeySpec::MlDsa44 => ml_dsa_generate::<MlDsa44>(rng),
        KeySpec::MlDsa65 => ml_dsa_generate::<MlDsa65>(rng),
        KeySpec::MlDsa87 => ml_dsa_generate::<MlDsa87>(rng),
        KeySpec::KmsimMlKem768 => ml_kem_generate!(MlKem768, rng),
        KeySpec::KmsimMlKem1024 => ml_kem_generate!(MlKem1024, rng),
        KeySpec::KmsimEccNistP256MlKem768 => {
            use p256::elliptic_curve::Generate as _;
            let ml_kem_seed = draw::<{ kem_dem::ML_KEM_SEED_LEN }>(rng);
            let p256 = p256::SecretKey::try_generate_from_rng(rng).map_err(|_| FAILED)?;
            let mut p256_scalar = Zeroizing::new([0u8; kem_dem::P256_SCALAR_LEN]);
            p256_scalar.copy_from_slice(&p256.to_bytes());
            let dk = ml_kem::DecapsulationKey::<MlKem768>::from_seed((*ml_kem_seed).into());
            let ek = ml_kem::KeyExport::to_bytes(dk.encapsulation_key());
            let point = p256.public_key().to_sec1_bytes();
            let public_spki = kem_dem::hybrid_public_spki(&ek, &point)?;
            let private = kem_dem::HybridPrivate { ml_kem_seed, p256_scalar };
            Ok(KeyPair { private_pkcs8: kem_dem::hybrid_private_pkcs8(&private)?, public_spki })
        }
        KeySpec::Sm2 => Err(AsymmetricError::Unsupported(SM2)),
        _ => Err(FAILED),
    }
}

fn ml_dsa_generate<P>(rng: &mut dyn CryptoRng) -> Result<KeyPair, AsymmetricError>
where
    P: ml_dsa::MlDsaParams
        + spki::AssociatedAlgorithmIdentifier<Params = pkcs8::der::AnyRef<'static>>,
{
    let seed = draw::<32>(rng);
    let key = ml_dsa::SigningKey::<P>::from_seed(&(*seed).into());
    let private = key.to_pkcs8_der().map_err(|_| FAILED)?;
    let public = key.verifying_key().to_public_key_der().map_err(|_| FAILED)?;
    Ok(pair(&private, &public))
}

/// Signs a digest with an RSA private key: PSS (salt = hash length, MGF1 of the same hash,
/// salt and blinding from `op_rng`) or PKCS#1 v1.5 (blinding from `op_rng`).
fn rsa_sign(
    private_pkcs8: &[u8],
    scheme: SignatureScheme,
    digest: &[u8],
    op_rng: &mut ChaCha20Rng,
) -> Result<Vec<u8>, AsymmetricError> {
    let (bits, hash, pss) = match scheme {
        SignatureScheme::RsaPss(bits, hash) => (bits, hash, true),
        SignatureScheme::RsaPkcs1(bits, hash) => (bits, hash, false),
        _ => return Err(FAILED),
    };
    let key = rsa::PrivateKey::from_pkcs8_der(private_pkcs8).map_err(|_| FAILED)?;
    if rsa::traits::PublicKeyParts::size(&key) != bits.modulus_len() {
        return Err(FAILED);
    }
    let signed = match (pss, hash) {
        (true, ShaHash::Sha256) => {
            key.sign_with_rng(op_rng, rsa::Pss::<sha2::Sha256>::new(), digest)
        }
        (true, ShaHash::Sha384) => {
            key.sign_with_rng(op_rng, rsa::Pss::<sha2::Sha384>::new(), digest)
        }
        (true, ShaHash::Sha512) => {
            key.sign_with_rng(op_rng, rsa::Pss::<sha2::Sha512>::new(), digest)
        }
        (false, ShaHash::Sha256) => {
            key.sign_with_rng(op_rng, rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), digest)
        }
        (false, ShaHash::Sha384) => {
            key.sign_with_rng(op_rng, rsa::Pkcs1v15Sign::new::<sha2::Sha384>(), digest)
        }
        (false, ShaHash::Sha512) => {
            key.sign_with_rng(op_rng, rsa::Pkcs1v15Sign::new::<sha2::Sha512>(), digest)
        }
    };
    signed.map_err(|_| FAILED)
}

fn rsa_verify(
    public_spki: &[u8],
    scheme: SignatureScheme,
    digest: &[u8],
    signature: &[u8],
) -> Result<bool, AsymmetricError> {
    let (bits, hash, pss) = match scheme {
        SignatureScheme::RsaPss(bits, hash) => (bits, hash, true),
        SignatureScheme::RsaPkcs1(bits, hash) => (bits, hash, false),
        _ => return Err(FAILED),
    };
    asymmetric::spki_key_bits(KeySpec::Rsa2048, public_spki)?;
    let key = rsa::PublicKey::from_public_key_der(public_spki).map_err(|_| FAILED)?;
    if rsa::traits::PublicKeyParts::size(&key) != bits.modulus_len() {
        return Err(FAILED);
    }
    let verified = match (pss, hash) {
        (true, ShaHash::Sha256) => key.verify(rsa::Pss::<sha2::Sha256>::new(), digest, signature),
        (true, ShaHash::Sha384) => key.verify(rsa::Pss::<sha2::Sha384>::new(), digest, signature),
        (true, ShaHash::Sha512) => key.verify(rsa::Pss::<sha2::Sha512>::new(), digest, signature),
        (false, ShaHash::Sha256) => {
            key.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), digest, signature)
        }
        (false, ShaHash::Sha384) => {
            key.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha384>(), digest, signature)
        }
        (false, ShaHash::Sha512) => {
            key.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha512>(), digest, signature)
        }
    };
    Ok(verified.is_ok())
}

/// ECDSA over a digest with RFC 6979 nonces; the DER signature.
macro_rules! ecdsa_sign {
    ($curve:ty, $pkcs8:expr, $digest:expr) => {{
        let key = ecdsa::SigningKey::<$curve>::from_pkcs8_der($pkcs8).map_err(|_| FAILED)?;
        let signature: ecdsa::der::Signature<$curve> =
            key.sign_prehash($digest).map_err(|_| FAILED)?;
        Ok(signature.as_bytes().to_vec())
    }};
}

/// ECDSA verification of a DER signature over a digest. The signature is normalised to low-S
/// first: (r, s) verifies exactly when (r, n − s) does, and `k256` alone refuses high-S (the
/// Bitcoin rule), which AWS KMS and AWS-LC do not.
macro_rules! ecdsa_verify {
    ($curve:ty, $spki:expr, $digest:expr, $signature:expr) => {{
        let key = ecdsa::VerifyingKey::<$curve>::from_public_key_der($spki).map_err(|_| FAILED)?;
        let Ok(der) = ecdsa::der::Signature::<$curve>::from_bytes($signature) else {
            return Ok(false);
        };
        let Ok(signature) = ecdsa::Signature::<$curve>::try_from(der) else {
            return Ok(false);
        };
        Ok(key.verify_prehash($digest, &signature.normalize_s()).is_ok())
    }};
}

/// ECDH: the x-coordinate of the private scalar times the peer's point.
macro_rules! ecdh {
    ($curve:ty, $pkcs8:expr, $peer:expr) => {{
        let secret = p256::elliptic_curve::SecretKey::<$curve>::from_pkcs8_der($pkcs8)
            .map_err(|_| FAILED)?;
        // Decoding checks that the point is on the curve and not the identity.
        let peer = p256::elliptic_curve::PublicKey::<$curve>::from_public_key_der($peer)
            .map_err(|_| FAILED)?;
        let shared = secret.diffie_hellman(&peer);
        Ok(Plaintext::new(shared.raw_secret_bytes().to_vec()))
    }};
}

/// A SHA-512 "hasher" that already holds its output: Ed25519ph's prehash as the caller gave
/// it (MessageType DIGEST), so `ed25519-dalek`, which takes the prehash as a `Digest`, signs it
/// without hashing it again. Absorbing more input is a logic error and changes nothing.
#[derive(Clone)]
struct PrecomputedSha512([u8; asymmetric::PREHASH_64_LEN]);

impl Default for PrecomputedSha512 {
    fn default() -> Self {
        Self([0; asymmetric::PREHASH_64_LEN])
    }
}

impl sha2::digest::HashMarker for PrecomputedSha512 {}

impl sha2::digest::OutputSizeUser for PrecomputedSha512 {
    type OutputSize = sha2::digest::consts::U64;
}

impl sha2::digest::Update for PrecomputedSha512 {
    fn update(&mut self, _: &[u8]) {}
}

impl sha2::digest::FixedOutput for PrecomputedSha512 {
    fn finalize_into(self, out: &mut sha2::digest::Output<Self>) {
        out.copy_from_slice(&self.0);
    }
}

fn prehash_64(message: &[u8]) -> Result<[u8; asymmetric::PREHASH_64_LEN], AsymmetricError> {
    message.try_into().map_err(|_| FAILED)
}

fn ed25519_sign(
    private_pkcs8: &[u8],
    scheme: SignatureScheme,
    message: &[u8],
) -> Result<Vec<u8>, AsymmetricError> {
    use ed25519_dalek::Signer as _;
    let key = ed25519_dalek::SigningKey::from_pkcs8_der(private_pkcs8).map_err(|_| FAILED)?;
    let signature = if scheme == SignatureScheme::Ed25519ph {
        key.sign_prehashed(PrecomputedSha512(prehash_64(message)?), None).map_err(|_| FAILED)?
    } else {
        key.sign(message)
    };
    Ok(signature.to_bytes().to_vec())
}

fn ed25519_verify(
    public_spki: &[u8],
    scheme: SignatureScheme,
    message: &[u8],
    signature: &[u8],
) -> Result<bool, AsymmetricError> {
    let key = ed25519_dalek::VerifyingKey::from_public_key_der(public_spki).map_err(|_| FAILED)?;
    let Ok(signature) = ed25519_dalek::Signature::from_slice(signature) else {
        return Ok(false);
    };
    Ok(if scheme == SignatureScheme::Ed25519ph {
        key.verify_prehashed(PrecomputedSha512(prehash_64(message)?), None, &signature).is_ok()
    } else {
        key.verify_strict(message, &signature).is_ok()
    })
}

/// ML-DSA's μ as the request gave it (EXTERNAL_MU).
fn mu_of(
    message: &[u8],
) -> Result<ml_dsa::common::array::Array<u8, ml_dsa::common::array::typenum::U64>, AsymmetricError>
{
    let mu: [u8; asymmetric::PREHASH_64_LEN] = message.try_into().map_err(|_| FAILED)?;
    Ok(mu.into())
}

fn ml_dsa_sign<P>(
    private_pkcs8: &[u8],
    input: SignInput<'_>,
    op_rng: &mut ChaCha20Rng,
) -> Result<Vec<u8>, AsymmetricError>
where
    P: ml_dsa::MlDsaParams
        + spki::AssociatedAlgorithmIdentifier<Params = pkcs8::der::AnyRef<'static>>,
{
    let key = ml_dsa::SigningKey::<P>::from_pkcs8_der(private_pkcs8).map_err(|_| FAILED)?;
    let expanded = key.expanded_key();
    let signature = match input.message_type {
        MessageType::Raw => expanded.sign_randomized(input.message, &[], op_rng),
        MessageType::ExternalMu => {
            let mu = mu_of(input.message)?;
            expanded.sign_mu_randomized(&mu, op_rng)
        }
        MessageType::Digest => return Err(FAILED),
    };
    Ok(signature.map_err(|_| FAILED)?.encode().to_vec())
}

fn ml_dsa_verify<P>(
    public_spki: &[u8],
    input: SignInput<'_>,
    signature: &[u8],
) -> Result<bool, AsymmetricError>
where
    P: ml_dsa::MlDsaParams
        + spki::AssociatedAlgorithmIdentifier<Params = pkcs8::der::AnyRef<'static>>,
{
    let key = ml_dsa::VerifyingKey::<P>::from_public_key_der(public_spki).map_err(|_| FAILED)?;
    let Ok(signature) = ml_dsa::Signature::<P>::try_from(signature) else {
        return Ok(false);
    };
    match input.message_type {
        MessageType::Raw => Ok(key.verify_with_context(input.message, &[], &signature)),
        MessageType::ExternalMu => {
            let mu = mu_of(input.message)?;
            Ok(key.verify_mu(&mu, &signature))
        }
        MessageType::Digest => Err(FAILED),
    }
}

/// The ML-KEM encapsulation to `encapsulation_key` (raw bytes) with `rng`: (ciphertext,
/// shared secret).
macro_rules! ml_kem_encapsulate {
    ($params:ty, $encapsulation_key:expr, $rng:expr) => {{
        use ml_kem::Encapsulate as _;
        let key = ml_kem::Key::<ml_kem::EncapsulationKey<$params>>::try_from($encapsulation_key)
            .map_err(|_| FAILED)?;
        let key = ml_kem::EncapsulationKey::<$params>::new(&key).map_err(|_| FAILED)?;
        let (ciphertext, shared) = key.encapsulate_with_rng($rng);
        (ciphertext.to_vec(), Zeroizing::new(shared.to_vec()))
    }};
}

/// Encrypts with kmsim's KEM-DEM (see [`kem_dem`]). Draws, in order: the ML-KEM message m
/// (32 bytes); for the hybrid, the ephemeral P-256 scalar; the AES-GCM nonce.
///
/// Shared with the aws-lc-rs provider, whose ML-KEM encapsulation draws from AWS-LC's own
/// generator; `hkdf` and `gcm` are the calling provider's own.
pub(in crate::crypto) fn kem_encrypt(
    hkdf: &dyn HkdfSha256,
    gcm: &dyn Aes256Gcm,
    spec: KeySpec,
    public_spki: &[u8],
    plaintext: &[u8],
    rng: &mut dyn CryptoRng,
) -> Result<Vec<u8>, AsymmetricError> {
    match spec {
        KeySpec::KmsimMlKem768 | KeySpec::KmsimMlKem1024 => {
            let bits = asymmetric::spki_key_bits(spec, public_spki)?;
            let (ciphertext, shared) = if spec == KeySpec::KmsimMlKem768 {
                ml_kem_encapsulate!(MlKem768, bits, rng)
            } else {
                ml_kem_encapsulate!(MlKem1024, bits, rng)
            };
            kem_dem::seal(hkdf, gcm, spec, &shared, &ciphertext, &[], plaintext, rng)
        }
        KeySpec::KmsimEccNistP256MlKem768 => {
            use p256::elliptic_curve::Generate as _;
            let public = kem_dem::hybrid_public(public_spki)?;
            let recipient = p256::PublicKey::from_sec1_bytes(public.p256).map_err(|_| FAILED)?;
            let (ciphertext, ss_ml_kem) = ml_kem_encapsulate!(MlKem768, public.ml_kem, rng);
            let ephemeral = p256::SecretKey::try_generate_from_rng(rng).map_err(|_| FAILED)?;
            let ss_ecdh = ephemeral.diffie_hellman(&recipient);
            let kem_part = [&ciphertext[..], &ephemeral.public_key().to_sec1_bytes()].concat();
            let ikm = Zeroizing::new([&ss_ml_kem[..], &ss_ecdh.raw_secret_bytes()[..]].concat());
            kem_dem::seal(hkdf, gcm, spec, &ikm, &kem_part, public.p256, plaintext, rng)
        }
        _ => Err(FAILED),
    }
}

/// ML-KEM decapsulation with the seed-form PKCS#8 `private_pkcs8`: the shared secret.
macro_rules! ml_kem_decapsulate {
    ($params:ty, $private_pkcs8:expr, $ciphertext:expr) => {{
        use ml_kem::Decapsulate as _;
        let key = ml_kem::DecapsulationKey::<$params>::from_pkcs8_der($private_pkcs8)
            .map_err(|_| FAILED)?;
        let shared = key.decapsulate_slice($ciphertext).map_err(|_| FAILED)?;
        Zeroizing::new(shared.to_vec())
    }};
}

fn kem_decrypt(
    spec: KeySpec,
    private_pkcs8: &[u8],
    ciphertext: &[u8],
) -> Result<Plaintext, AsymmetricError> {
    let split = kem_dem::split(spec, ciphertext)?;
    match spec {
        KeySpec::KmsimMlKem768 | KeySpec::KmsimMlKem1024 => {
            let shared = if spec == KeySpec::KmsimMlKem768 {
                ml_kem_decapsulate!(MlKem768, private_pkcs8, split.kem_part)
            } else {
                ml_kem_decapsulate!(MlKem1024, private_pkcs8, split.kem_part)
            };
            kem_dem::open(&RustCryptoHkdf, &RustCryptoAesGcm, spec, &shared, &split, &[])
        }
        KeySpec::KmsimEccNistP256MlKem768 => {
            use ml_kem::Decapsulate as _;
            let private = kem_dem::hybrid_private(private_pkcs8)?;
            let (ml_kem_ct, ephemeral) = split
                .kem_part
                .split_at(kem_dem::kem_part_len(KeySpec::KmsimMlKem768).ok_or(FAILED)?);
            let dk = ml_kem::DecapsulationKey::<MlKem768>::from_seed((*private.ml_kem_seed).into());
            let ss_ml_kem = dk.decapsulate_slice(ml_kem_ct).map_err(|_| FAILED)?;
            let secret =
                p256::SecretKey::from_slice(private.p256_scalar.as_slice()).map_err(|_| FAILED)?;
            let ephemeral = p256::PublicKey::from_sec1_bytes(ephemeral).map_err(|_| FAILED)?;
            let ss_ecdh = secret.diffie_hellman(&ephemeral);
            let ikm = Zeroizing::new([&ss_ml_kem[..], &ss_ecdh.raw_secret_bytes()[..]].concat());
            let recipient = secret.public_key().to_sec1_bytes();
            kem_dem::open(&RustCryptoHkdf, &RustCryptoAesGcm, spec, &ikm, &split, &recipient)
        }
        _ => Err(FAILED),
    }
}

/// The OAEP hash of an RSA encryption algorithm.
pub(in crate::crypto) const fn oaep_hash(algorithm: EncryptionAlgorithmSpec) -> Option<OaepHash> {
    match algorithm {
        EncryptionAlgorithmSpec::RsaesOaepSha1 => Some(OaepHash::Sha1),
        EncryptionAlgorithmSpec::RsaesOaepSha256 => Some(OaepHash::Sha256),
        _ => None,
    }
}

/// Whether (spec, algorithm) is an encryption pair a provider implements, and which.
pub(in crate::crypto) enum EncryptionScheme {
    /// RSAES-OAEP on a key of this size.
    RsaOaep(RsaBits, OaepHash),
    /// kmsim's KEM-DEM.
    KemDem,
}

/// The encryption scheme of (spec, algorithm).
///
/// # Errors
/// [`AsymmetricError::Unsupported`] for SM2PKE; [`AsymmetricError::Failed`] for a pair that
/// does not fit.
pub(in crate::crypto) fn encryption_scheme(
    spec: KeySpec,
    algorithm: EncryptionAlgorithmSpec,
) -> Result<EncryptionScheme, AsymmetricError> {
    match (asymmetric::rsa_bits(spec), oaep_hash(algorithm), algorithm) {
        (_, _, EncryptionAlgorithmSpec::Sm2Pke) => Err(AsymmetricError::Unsupported(SM2)),
        (Some(bits), Some(hash), _) => Ok(EncryptionScheme::RsaOaep(bits, hash)),
        (None, None, EncryptionAlgorithmSpec::KmsimMlKemHkdfAes256Gcm)
            if kem_dem::kem_part_len(spec).is_some() =>
        {
            Ok(EncryptionScheme::KemDem)
        }
        _ => Err(FAILED),
    }
}

/// The size check every OAEP operation makes, so a key of another size is a wrong key.
fn oaep_key_fits(public_spki: &[u8], bits: RsaBits) -> Result<(), AsymmetricError> {
    asymmetric::spki_key_bits(KeySpec::Rsa2048, public_spki)?;
    let key = rsa::PublicKey::from_public_key_der(public_spki).map_err(|_| FAILED)?;
    if rsa::traits::PublicKeyParts::size(&key) == bits.modulus_len() { Ok(()) } else { Err(FAILED) }
}

impl Asymmetric for RustCryptoAsymmetric {
    fn generate(&self, spec: KeySpec, rng: &mut dyn CryptoRng) -> Result<KeyPair, AsymmetricError> {
        generate_key_pair(spec, rng)
    }

    fn sign(
        &self,
        spec: KeySpec,
        algorithm: SigningAlgorithmSpec,
        private_pkcs8: &[u8],
        input: SignInput<'_>,
        rng: &mut dyn CryptoRng,
    ) -> Result<Vec<u8>, AsymmetricError> {
        let scheme = asymmetric::signature_scheme(spec, algorithm, input.message_type)?;
        let mut op_rng = ChaCha20Rng::from_seed(*sign_seed(rng));
        match scheme {
            SignatureScheme::RsaPss(_, hash) | SignatureScheme::RsaPkcs1(_, hash) => {
                let digest = asymmetric::message_digest(hash, input, sha2_digest)?;
                rsa_sign(private_pkcs8, scheme, &digest, &mut op_rng)
            }
            SignatureScheme::Ecdsa(curve, hash) => {
                let digest = asymmetric::message_digest(hash, input, sha2_digest)?;
                match curve {
                    EcCurve::P256 => ecdsa_sign!(p256::NistP256, private_pkcs8, &digest),
                    EcCurve::P384 => ecdsa_sign!(p384::NistP384, private_pkcs8, &digest),
                    EcCurve::P521 => ecdsa_sign!(p521::NistP521, private_pkcs8, &digest),
                    EcCurve::Secp256k1 => ecdsa_sign!(k256::Secp256k1, private_pkcs8, &digest),
                }
            }
            SignatureScheme::Ed25519 | SignatureScheme::Ed25519ph => {
                ed25519_sign(private_pkcs8, scheme, input.message)
            }
            SignatureScheme::MlDsa(MlDsaLevel::MlDsa44) => {
                ml_dsa_sign::<MlDsa44>(private_pkcs8, input, &mut op_rng)
            }
            SignatureScheme::MlDsa(MlDsaLevel::MlDsa65) => {
                ml_dsa_sign::<MlDsa65>(private_pkcs8, input, &mut op_rng)
            }
            SignatureScheme::MlDsa(MlDsaLevel::MlDsa87) => {
                ml_dsa_sign::<MlDsa87>(private_pkcs8, input, &mut op_rng)
            }
        }
    }

    fn verify(
        &self,
        spec: KeySpec,
        algorithm: SigningAlgorithmSpec,
        public_spki: &[u8],
        input: SignInput<'_>,
        signature: &[u8],
    ) -> Result<bool, AsymmetricError> {
        let scheme = asymmetric::signature_scheme(spec, algorithm, input.message_type)?;
        asymmetric::spki_key_bits(spec, public_spki)?;
        match scheme {
            SignatureScheme::RsaPss(_, hash) | SignatureScheme::RsaPkcs1(_, hash) => {
                let digest = asymmetric::message_digest(hash, input, sha2_digest)?;
                rsa_verify(public_spki, scheme, &digest, signature)
            }
            SignatureScheme::Ecdsa(curve, hash) => {
                let digest = asymmetric::message_digest(hash, input, sha2_digest)?;
                match curve {
                    EcCurve::P256 => ecdsa_verify!(p256::NistP256, public_spki, &digest, signature),
                    EcCurve::P384 => ecdsa_verify!(p384::NistP384, public_spki, &digest, signature),
                    EcCurve::P521 => ecdsa_verify!(p521::NistP521, public_spki, &digest, signature),
                    EcCurve::Secp256k1 => {
                        ecdsa_verify!(k256::Secp256k1, public_spki, &digest, signature)
                    }
                }
            }
            SignatureScheme::Ed25519 | SignatureScheme::Ed25519ph => {
                ed25519_verify(public_spki, scheme, input.message, signature)
            }
            SignatureScheme::MlDsa(MlDsaLevel::MlDsa44) => {
                ml_dsa_verify::<MlDsa44>(public_spki, input, signature)
            }
            SignatureScheme::MlDsa(MlDsaLevel::MlDsa65) => {
                ml_dsa_verify::<MlDsa65>(public_spki, input, signature)
            }
            SignatureScheme::MlDsa(MlDsaLevel::MlDsa87) => {
                ml_dsa_verify::<MlDsa87>(public_spki, input, signature)
            }
        }
    }

    fn encrypt(
        &self,
        spec: KeySpec,
        algorithm: EncryptionAlgorithmSpec,
        public_spki: &[u8],
        plaintext: &[u8],
        rng: &mut dyn CryptoRng,
    ) -> Result<Vec<u8>, AsymmetricError> {
        match encryption_scheme(spec, algorithm)? {
            EncryptionScheme::RsaOaep(bits, hash) => {
                oaep_key_fits(public_spki, bits)?;
                Ok(super::rsa_oaep_encrypt(public_spki, hash, plaintext, rng)?)
            }
            EncryptionScheme::KemDem => {
                kem_encrypt(&RustCryptoHkdf, &RustCryptoAesGcm, spec, public_spki, plaintext, rng)
            }
        }
    }

    fn decrypt(
        &self,
        spec: KeySpec,
        algorithm: EncryptionAlgorithmSpec,
        private_pkcs8: &[u8],
        ciphertext: &[u8],
    ) -> Result<Plaintext, AsymmetricError> {
        use super::super::RsaOaep as _;
        match encryption_scheme(spec, algorithm)? {
            EncryptionScheme::RsaOaep(bits, hash) => {
                let oaep = super::RustCryptoRsaOaep;
                if oaep.modulus_len(private_pkcs8)? != bits.modulus_len() {
                    return Err(FAILED);
                }
                Ok(oaep.decrypt(private_pkcs8, hash, ciphertext)?)
            }
            EncryptionScheme::KemDem => kem_decrypt(spec, private_pkcs8, ciphertext),
        }
    }

    fn derive_shared_secret(
        &self,
        spec: KeySpec,
        private_pkcs8: &[u8],
        peer_spki: &[u8],
    ) -> Result<Plaintext, AsymmetricError> {
        if spec == KeySpec::Sm2 {
            return Err(AsymmetricError::Unsupported(SM2));
        }
        asymmetric::spki_key_bits(spec, peer_spki)?;
        match EcCurve::of(spec) {
            Some(EcCurve::P256) => ecdh!(p256::NistP256, private_pkcs8, peer_spki),
            Some(EcCurve::P384) => ecdh!(p384::NistP384, private_pkcs8, peer_spki),
            Some(EcCurve::P521) => ecdh!(p521::NistP521, private_pkcs8, peer_spki),
            // AWS KMS offers KEY_AGREEMENT on the NIST curves (and SM2) only.
            Some(EcCurve::Secp256k1) | None => Err(FAILED),
        }
    }
}
