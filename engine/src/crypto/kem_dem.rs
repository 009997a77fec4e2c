//! kmsim's post-quantum encryption, an extension beyond AWS KMS: a KEM-DEM construction
//! (ML-KEM encapsulation → HKDF-SHA-256 → AES-256-GCM) for the `KMSIM_ML_KEM_768` and
//! `KMSIM_ML_KEM_1024` key specs, and a hybrid P-256 ECDH + ML-KEM-768 variant for
//! `KMSIM_ECC_NIST_P256_ML_KEM_768`. ARCHITECTURE.md documents the same formats.
//!
//! # Ciphertext (algorithm `KMSIM_ML_KEM_HKDF_SHA_256_AES_256_GCM`, version 1)
//!
//! ```text
//! ciphertext = kem_part ‖ nonce (12) ‖ AES-256-GCM(key, nonce, aad = "", plaintext) ‖ tag (16)
//! kem_part   = ML-KEM ciphertext                         (ML-KEM-768: 1088, ML-KEM-1024: 1568)
//!            | ML-KEM-768 ciphertext (1088) ‖ ephemeral P-256 public point, SEC1
//!              uncompressed (65)                                                (the hybrid)
//! key        = HKDF-SHA-256(salt = "", ikm, info, 32 bytes)
//! ikm        = ss_mlkem (32)                                  (ML-KEM)
//!            | ss_mlkem (32) ‖ ss_ecdh (32, the x-coordinate)  (the hybrid)
//! info       = "kmsim/v1/kem-dem" ‖ 0x00 ‖ key spec name (e.g. "KMSIM_ML_KEM_768") ‖ 0x00
//!              ‖ kem_part ‖ recipient_binding
//! recipient_binding = ""                                       (ML-KEM)
//!                   | the recipient's P-256 public point, SEC1 uncompressed (65) (the hybrid)
//! ```
//!
//! Every length is fixed by the key spec, which `info` names, so the concatenations are
//! unambiguous. The data key is fresh for every message (a fresh encapsulation), so the random
//! nonce guards nothing but costs 12 bytes; it is kept so the DEM is plain AES-GCM with the
//! usual layout. Binding the KEM ciphertext and, in the hybrid, the ephemeral and recipient
//! ECDH keys into `info` follows X-Wing (draft-connolly-cfrg-xwing-kem) and the TLS hybrid
//! design (draft-ietf-tls-hybrid-design): the key depends on both shared secrets and on the
//! exact transcript, so the hybrid is as strong as the stronger of its two parts.
//!
//! # Hybrid key encoding
//!
//! Algorithm identifier: [`OID_HYBRID_P256_ML_KEM_768`] = 1.3.6.1.4.1.32473.1.1, with no
//! parameters. 32473 is IANA's example enterprise number for documentation (RFC 5612): kmsim
//! owns no arc, and this OID must not be mistaken for a registered composite-KEM OID.
//!
//! - Public key: `SubjectPublicKeyInfo` whose `subjectPublicKey` BIT STRING holds the ML-KEM-768
//!   encapsulation key (1184 bytes) ‖ the P-256 public point, SEC1 uncompressed (65 bytes).
//! - Private key: PKCS#8 v1 `PrivateKeyInfo` whose `privateKey` OCTET STRING holds the
//!   ML-KEM-768 seed d ‖ z (64 bytes, FIPS 203 §6.1) ‖ the P-256 private scalar, big-endian
//!   (32 bytes).

use spki::ObjectIdentifier;
use spki::der::Encode as _;
use spki::der::asn1::{BitStringRef, OctetStringRef};
use zeroize::Zeroizing;

use super::asymmetric::AsymmetricError;
use super::{Aes256Gcm, HkdfSha256};
use crate::secret::Plaintext;
use crate::spec::KeySpec;

/// The algorithm OID of kmsim's hybrid P-256 + ML-KEM-768 key pair, under IANA's example
/// enterprise number (RFC 5612); see the module docs.
pub const OID_HYBRID_P256_ML_KEM_768: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.32473.1.1");

/// The versioned label at the start of HKDF's `info`.
const INFO_LABEL_V1: &[u8] = b"kmsim/v1/kem-dem";

/// The AES-GCM nonce length [bytes].
pub const NONCE_LEN: usize = 12;
/// The AES-GCM tag length [bytes].
pub const TAG_LEN: usize = 16;
/// The length of an ML-KEM shared secret and of a P-256 ECDH shared secret [bytes].
pub const SHARED_SECRET_LEN: usize = 32;
/// The length of an ML-KEM seed d ‖ z (FIPS 203 §6.1) [bytes].
pub const ML_KEM_SEED_LEN: usize = 64;
/// The length of a P-256 private scalar [bytes].
pub const P256_SCALAR_LEN: usize = 32;
/// The length of a SEC1 uncompressed P-256 point [bytes].
pub const P256_POINT_LEN: usize = 65;
/// The length of an ML-KEM-768 encapsulation key [bytes].
pub const ML_KEM_768_PUBLIC_LEN: usize = 1184;

/// The length of the KEM part of a ciphertext of `spec` [bytes], or `None` for a spec that is
/// not one of kmsim's KEM specs.
#[must_use]
pub const fn kem_part_len(spec: KeySpec) -> Option<usize> {
    match spec {
        KeySpec::KmsimMlKem768 => Some(1088),
        KeySpec::KmsimMlKem1024 => Some(1568),
        KeySpec::KmsimEccNistP256MlKem768 => Some(1088 + P256_POINT_LEN),
        _ => None,
    }
}

/// The ciphertext length for a plaintext of `plaintext_len` bytes under `spec` [bytes].
#[must_use]
pub const fn ciphertext_len(spec: KeySpec, plaintext_len: usize) -> Option<usize> {
    match kem_part_len(spec) {
        Some(kem) => Some(kem + NONCE_LEN + plaintext_len + TAG_LEN),
        None => None,
    }
}

/// HKDF's `info` for `spec`, `kem_part` and `recipient_binding` (see the module docs).
fn info(spec: KeySpec, kem_part: &[u8], recipient_binding: &[u8]) -> Vec<u8> {
    let name = spec.as_str().as_bytes();
    let mut info = Vec::with_capacity(
        INFO_LABEL_V1.len() + 2 + name.len() + kem_part.len() + recipient_binding.len(),
    );
    info.extend_from_slice(INFO_LABEL_V1);
    info.push(0);
    info.extend_from_slice(name);
    info.push(0);
    info.extend_from_slice(kem_part);
    info.extend_from_slice(recipient_binding);
    info
}

/// The DEM's AES-256 key.
fn dem_key(
    hkdf: &dyn HkdfSha256,
    spec: KeySpec,
    ikm: &[u8],
    kem_part: &[u8],
    recipient_binding: &[u8],
) -> Result<Zeroizing<[u8; 32]>, AsymmetricError> {
    let mut key = Zeroizing::new([0u8; 32]);
    hkdf.derive(&[], ikm, &info(spec, kem_part, recipient_binding), key.as_mut_slice())?;
    Ok(key)
}

/// The ciphertext of `plaintext` once the KEM has run: `kem_part` ‖ nonce ‖ AES-GCM ‖ tag.
/// The nonce is drawn from `rng` after the KEM's own draws.
pub(crate) fn seal(
    hkdf: &dyn HkdfSha256,
    gcm: &dyn Aes256Gcm,
    spec: KeySpec,
    ikm: &[u8],
    kem_part: &[u8],
    recipient_binding: &[u8],
    plaintext: &[u8],
    rng: &mut dyn rand_core::CryptoRng,
) -> Result<Vec<u8>, AsymmetricError> {
    let key = dem_key(hkdf, spec, ikm, kem_part, recipient_binding)?;
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill_bytes(&mut nonce);
    let mut out = Vec::with_capacity(kem_part.len() + NONCE_LEN + plaintext.len() + TAG_LEN);
    out.extend_from_slice(kem_part);
    out.extend_from_slice(&nonce);
    let body_start = out.len();
    out.extend_from_slice(plaintext);
    let tag = gcm.seal(&key, &nonce, &[], &mut out[body_start..])?;
    out.extend_from_slice(&tag);
    Ok(out)
}

/// A ciphertext split into its KEM part and the rest, checked for length only.
pub(crate) struct Split<'c> {
    /// The KEM ciphertext (and, in the hybrid, the ephemeral point).
    pub(crate) kem_part: &'c [u8],
    /// nonce ‖ AES-GCM ciphertext ‖ tag.
    pub(crate) dem_part: &'c [u8],
}

/// Splits `ciphertext` of `spec`.
///
/// # Errors
/// [`AsymmetricError::Failed`] if `spec` is no KEM spec or `ciphertext` is too short.
pub(crate) fn split(spec: KeySpec, ciphertext: &[u8]) -> Result<Split<'_>, AsymmetricError> {
    let kem_len = kem_part_len(spec).ok_or(AsymmetricError::Failed)?;
    if ciphertext.len() < kem_len + NONCE_LEN + TAG_LEN {
        return Err(AsymmetricError::Failed);
    }
    let (kem_part, dem_part) = ciphertext.split_at(kem_len);
    Ok(Split { kem_part, dem_part })
}

/// Opens the DEM part once the KEM has given `ikm`.
pub(crate) fn open(
    hkdf: &dyn HkdfSha256,
    gcm: &dyn Aes256Gcm,
    spec: KeySpec,
    ikm: &[u8],
    split: &Split<'_>,
    recipient_binding: &[u8],
) -> Result<Plaintext, AsymmetricError> {
    let key = dem_key(hkdf, spec, ikm, split.kem_part, recipient_binding)?;
    let (nonce, body) = split.dem_part.split_at(NONCE_LEN);
    let nonce: &[u8; NONCE_LEN] = nonce.try_into().map_err(|_| AsymmetricError::Failed)?;
    let mut body = Plaintext::new(body.to_vec());
    gcm.open(&key, nonce, &[], body.expose_mut())?;
    let len = body.len() - TAG_LEN;
    body.truncate(len);
    Ok(body)
}

/// The hybrid's public key: ML-KEM-768 encapsulation key and P-256 point.
pub(crate) struct HybridPublic<'k> {
    /// The ML-KEM-768 encapsulation key (1184 bytes).
    pub(crate) ml_kem: &'k [u8],
    /// The P-256 point, SEC1 uncompressed (65 bytes).
    pub(crate) p256: &'k [u8],
}

/// Encodes the hybrid's `SubjectPublicKeyInfo`.
pub(crate) fn hybrid_public_spki(
    ml_kem: &[u8],
    p256_point: &[u8],
) -> Result<Vec<u8>, AsymmetricError> {
    if ml_kem.len() != ML_KEM_768_PUBLIC_LEN || p256_point.len() != P256_POINT_LEN {
        return Err(AsymmetricError::Failed);
    }
    let bits = [ml_kem, p256_point].concat();
    let info = spki::SubjectPublicKeyInfoRef {
        algorithm: spki::AlgorithmIdentifierRef {
            oid: OID_HYBRID_P256_ML_KEM_768,
            parameters: None,
        },
        subject_public_key: BitStringRef::from_bytes(&bits).map_err(|_| AsymmetricError::Failed)?,
    };
    info.to_der().map_err(|_| AsymmetricError::Failed)
}

/// Decodes the hybrid's `SubjectPublicKeyInfo`.
pub(crate) fn hybrid_public(spki_der: &[u8]) -> Result<HybridPublic<'_>, AsymmetricError> {
    let bits = super::asymmetric::spki_key_bits(KeySpec::KmsimEccNistP256MlKem768, spki_der)?;
    if bits.len() != ML_KEM_768_PUBLIC_LEN + P256_POINT_LEN {
        return Err(AsymmetricError::Failed);
    }
    let (ml_kem, p256) = bits.split_at(ML_KEM_768_PUBLIC_LEN);
    Ok(HybridPublic { ml_kem, p256 })
}

/// The hybrid's private key: ML-KEM-768 seed and P-256 scalar.
pub(crate) struct HybridPrivate {
    /// d ‖ z (64 bytes).
    pub(crate) ml_kem_seed: Zeroizing<[u8; ML_KEM_SEED_LEN]>,
    /// The P-256 private scalar, big-endian (32 bytes).
    pub(crate) p256_scalar: Zeroizing<[u8; P256_SCALAR_LEN]>,
}

/// Encodes the hybrid's PKCS#8.
pub(crate) fn hybrid_private_pkcs8(private: &HybridPrivate) -> Result<Plaintext, AsymmetricError> {
    let mut key = Zeroizing::new(Vec::with_capacity(ML_KEM_SEED_LEN + P256_SCALAR_LEN));
    key.extend_from_slice(private.ml_kem_seed.as_slice());
    key.extend_from_slice(private.p256_scalar.as_slice());
    let info = pkcs8::PrivateKeyInfoRef::new(
        spki::AlgorithmIdentifierRef { oid: OID_HYBRID_P256_ML_KEM_768, parameters: None },
        OctetStringRef::new(&key).map_err(|_| AsymmetricError::Failed)?,
    );
    info.to_der().map(Plaintext::new).map_err(|_| AsymmetricError::Failed)
}

/// Decodes the hybrid's PKCS#8.
pub(crate) fn hybrid_private(pkcs8_der: &[u8]) -> Result<HybridPrivate, AsymmetricError> {
    use spki::der::Decode as _;
    let info =
        pkcs8::PrivateKeyInfoRef::from_der(pkcs8_der).map_err(|_| AsymmetricError::Failed)?;
    if info.algorithm.oid != OID_HYBRID_P256_ML_KEM_768 || info.algorithm.parameters.is_some() {
        return Err(AsymmetricError::Failed);
    }
    let key = info.private_key.as_bytes();
    if key.len() != ML_KEM_SEED_LEN + P256_SCALAR_LEN {
        return Err(AsymmetricError::Failed);
    }
    let (seed, scalar) = key.split_at(ML_KEM_SEED_LEN);
    let mut private = HybridPrivate {
        ml_kem_seed: Zeroizing::new([0; ML_KEM_SEED_LEN]),
        p256_scalar: Zeroizing::new([0; P256_SCALAR_LEN]),
    };
    private.ml_kem_seed.copy_from_slice(seed);
    private.p256_scalar.copy_from_slice(scalar);
    Ok(private)
}
