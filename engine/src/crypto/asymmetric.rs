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

use spki::ObjectIdentifier;
use zeroize::Zeroizing;

use super::{CryptoError, RsaBits};
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
    /// Every provider draws exactly 32 bytes from `rng` per call, whatever the algorithm, so
    /// the engine's stream stays aligned across providers. Whether the signature bytes are
    /// then a function of the seed is the provider's: RustCrypto's are; aws-lc-rs draws the
    /// PSS salt, the ECDSA nonce and ML-DSA's randomness from AWS-LC's own generator.
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

/// The SHA-2 hash of a signing algorithm: what RAW messages are hashed with and how long a
/// DIGEST must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ShaHash {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl ShaHash {
    /// The digest length [bytes].
    pub(crate) const fn output_len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }
}

/// An elliptic curve of the ECC key specs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EcCurve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
    /// NIST P-521 (secp521r1).
    P521,
    /// SECG secp256k1.
    Secp256k1,
}

impl EcCurve {
    /// The curve of an ECDSA or ECDH key spec.
    pub(crate) const fn of(spec: KeySpec) -> Option<Self> {
        match spec {
            KeySpec::EccNistP256 => Some(Self::P256),
            KeySpec::EccNistP384 => Some(Self::P384),
            KeySpec::EccNistP521 => Some(Self::P521),
            KeySpec::EccSecgP256k1 => Some(Self::Secp256k1),
            _ => None,
        }
    }

    /// The `namedCurve` OID in the key's `AlgorithmIdentifier` parameters (RFC 5480).
    pub(crate) const fn oid(self) -> ObjectIdentifier {
        match self {
            Self::P256 => ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7"),
            Self::P384 => ObjectIdentifier::new_unwrap("1.3.132.0.34"),
            Self::P521 => ObjectIdentifier::new_unwrap("1.3.132.0.35"),
            Self::Secp256k1 => ObjectIdentifier::new_unwrap("1.3.132.0.10"),
        }
    }
}

/// An ML-DSA parameter set (FIPS 204 §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MlDsaLevel {
    /// ML-DSA-44.
    MlDsa44,
    /// ML-DSA-65.
    MlDsa65,
    /// ML-DSA-87.
    MlDsa87,
}

/// What a (key spec, signing algorithm) pair computes. The engine checks the pair against
/// AWS's table first; a provider refuses a pair that does not fit with
/// [`AsymmetricError::Failed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SignatureScheme {
    /// RSASSA-PSS, MGF1 of the same hash, salt as long as the hash (RFC 8017 §8.1).
    RsaPss(RsaBits, ShaHash),
    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2).
    RsaPkcs1(RsaBits, ShaHash),
    /// ECDSA with a DER `Ecdsa-Sig-Value` signature (RFC 3279 §2.2.3).
    Ecdsa(EcCurve, ShaHash),
    /// Pure Ed25519 (RFC 8032 §5.1): the message itself, RAW only.
    Ed25519,
    /// Ed25519ph (RFC 8032 §5.1, HashEdDSA, empty context): the 64-byte SHA-512 of the
    /// message, DIGEST only; the digest is signed as given, never hashed again.
    Ed25519ph,
    /// ML-DSA (FIPS 204 Algorithm 2 with an empty context for RAW, or the 64-byte μ of §6.2
    /// for EXTERNAL_MU).
    MlDsa(MlDsaLevel),
}

/// The RSA modulus size of an RSA key spec.
pub(crate) const fn rsa_bits(spec: KeySpec) -> Option<RsaBits> {
    match spec {
        KeySpec::Rsa2048 => Some(RsaBits::Rsa2048),
        KeySpec::Rsa3072 => Some(RsaBits::Rsa3072),
        KeySpec::Rsa4096 => Some(RsaBits::Rsa4096),
        _ => None,
    }
}

/// The ML-DSA parameter set of an ML-DSA key spec.
pub(crate) const fn ml_dsa_level(spec: KeySpec) -> Option<MlDsaLevel> {
    match spec {
        KeySpec::MlDsa44 => Some(MlDsaLevel::MlDsa44),
        KeySpec::MlDsa65 => Some(MlDsaLevel::MlDsa65),
        KeySpec::MlDsa87 => Some(MlDsaLevel::MlDsa87),
        _ => None,
    }
}

/// Which scheme `algorithm` is on a key of `spec`, and whether `message_type` fits it.
///
/// # Errors
/// [`AsymmetricError::Unsupported`] for SM2DSA (no provider implements SM2);
/// [`AsymmetricError::Failed`] for a pair or message type the algorithm does not take.
pub(crate) fn signature_scheme(
    spec: KeySpec,
    algorithm: SigningAlgorithmSpec,
    message_type: MessageType,
) -> Result<SignatureScheme, AsymmetricError> {
    use SigningAlgorithmSpec as A;
    let hashed = matches!(message_type, MessageType::Raw | MessageType::Digest);
    let scheme = match (algorithm, rsa_bits(spec), EcCurve::of(spec)) {
        (A::Sm2Dsa, ..) => return Err(AsymmetricError::Unsupported(SM2)),
        (A::RsassaPssSha256, Some(bits), _) => SignatureScheme::RsaPss(bits, ShaHash::Sha256),
        (A::RsassaPssSha384, Some(bits), _) => SignatureScheme::RsaPss(bits, ShaHash::Sha384),
        (A::RsassaPssSha512, Some(bits), _) => SignatureScheme::RsaPss(bits, ShaHash::Sha512),
        (A::RsassaPkcs1V15Sha256, Some(bits), _) => {
            SignatureScheme::RsaPkcs1(bits, ShaHash::Sha256)
        }
        (A::RsassaPkcs1V15Sha384, Some(bits), _) => {
            SignatureScheme::RsaPkcs1(bits, ShaHash::Sha384)
        }
        (A::RsassaPkcs1V15Sha512, Some(bits), _) => {
            SignatureScheme::RsaPkcs1(bits, ShaHash::Sha512)
        }
        (A::EcdsaSha256, _, Some(curve @ (EcCurve::P256 | EcCurve::Secp256k1))) => {
            SignatureScheme::Ecdsa(curve, ShaHash::Sha256)
        }
        (A::EcdsaSha384, _, Some(EcCurve::P384)) => {
            SignatureScheme::Ecdsa(EcCurve::P384, ShaHash::Sha384)
        }
        (A::EcdsaSha512, _, Some(EcCurve::P521)) => {
            SignatureScheme::Ecdsa(EcCurve::P521, ShaHash::Sha512)
        }
        (A::Ed25519Sha512, ..) if spec == KeySpec::EccNistEdwards25519 => {
            return if message_type == MessageType::Raw {
                Ok(SignatureScheme::Ed25519)
            } else {
                Err(AsymmetricError::Failed)
            };
        }
        (A::Ed25519PhSha512, ..) if spec == KeySpec::EccNistEdwards25519 => {
            return if message_type == MessageType::Digest {
                Ok(SignatureScheme::Ed25519ph)
            } else {
                Err(AsymmetricError::Failed)
            };
        }
        (A::MlDsaShake256, ..) => {
            let level = ml_dsa_level(spec).ok_or(AsymmetricError::Failed)?;
            return if matches!(message_type, MessageType::Raw | MessageType::ExternalMu) {
                Ok(SignatureScheme::MlDsa(level))
            } else {
                Err(AsymmetricError::Failed)
            };
        }
        _ => return Err(AsymmetricError::Failed),
    };
    // RSA and ECDSA take RAW or DIGEST.
    if hashed { Ok(scheme) } else { Err(AsymmetricError::Failed) }
}

/// The length of ML-DSA's μ and of Ed25519ph's SHA-512 prehash [bytes].
pub(crate) const PREHASH_64_LEN: usize = 64;

/// The digest a hashed signature scheme signs: `input.message` hashed with `hash` by
/// `hash_with` for RAW, `input.message` itself for DIGEST (whose length must then be the
/// hash's: a DIGEST is never hashed again).
///
/// # Errors
/// [`AsymmetricError::Failed`] for a DIGEST of the wrong length or any other message type.
pub(crate) fn message_digest(
    hash: ShaHash,
    input: SignInput<'_>,
    hash_with: impl FnOnce(ShaHash, &[u8]) -> Vec<u8>,
) -> Result<Vec<u8>, AsymmetricError> {
    match input.message_type {
        MessageType::Raw => Ok(hash_with(hash, input.message)),
        MessageType::Digest if input.message.len() == hash.output_len() => {
            Ok(input.message.to_vec())
        }
        MessageType::Digest | MessageType::ExternalMu => Err(AsymmetricError::Failed),
    }
}

/// What SM2 is called in [`AsymmetricError::Unsupported`]: neither provider implements it
/// (aws-lc-rs has no SM2; no maintained RustCrypto SM2 crate is among our dependencies).
pub(crate) const SM2: &str = "SM2 (key generation, SM2DSA, SM2PKE and SM2 ECDH)";

/// `rsaEncryption` (RFC 8017 Appendix C).
pub(crate) const OID_RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// `id-ecPublicKey` (RFC 5480 §2.1.1).
pub(crate) const OID_EC_PUBLIC_KEY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");

/// The DER `SubjectPublicKeyInfo` `spki`, checked for exactly the key type of `spec`: the
/// algorithm OID, the curve for ECC keys, and nothing after the structure. Returns the
/// `subjectPublicKey` bits.
///
/// Backends differ in what else they accept as a "public key" (aws-lc-rs also takes a bare
/// SEC1 point or a PKCS#1 `RSAPublicKey`); both providers call this first, so an input is
/// refused or accepted alike whichever provider runs.
///
/// # Errors
/// [`AsymmetricError::Failed`] if `spki` is not such a structure.
pub(crate) fn spki_key_bits(spec: KeySpec, spki: &[u8]) -> Result<&[u8], AsymmetricError> {
    use spki::der::Decode as _;
    let info =
        spki::SubjectPublicKeyInfoRef::from_der(spki).map_err(|_| AsymmetricError::Failed)?;
    let params_oid =
        info.algorithm.parameters.as_ref().map(|any| any.decode_as::<ObjectIdentifier>());
    let oid = info.algorithm.oid;
    let ok = if rsa_bits(spec).is_some() {
        oid == OID_RSA_ENCRYPTION
    } else if let Some(curve) = EcCurve::of(spec) {
        oid == OID_EC_PUBLIC_KEY && matches!(params_oid, Some(Ok(named)) if named == curve.oid())
    } else {
        // Ed25519, ML-DSA, ML-KEM and the hybrid: the OID alone names the key, with no
        // parameters (RFC 8410 §3, the LAMPS ML-DSA and ML-KEM certificate drafts).
        key_oid(spec).is_some_and(|expected| oid == expected) && params_oid.is_none()
    };
    let bits = info.subject_public_key.as_bytes().ok_or(AsymmetricError::Failed)?;
    if ok { Ok(bits) } else { Err(AsymmetricError::Failed) }
}

/// The algorithm OID of a key spec whose OID takes no parameters.
pub(crate) const fn key_oid(spec: KeySpec) -> Option<ObjectIdentifier> {
    match spec {
        KeySpec::EccNistEdwards25519 => Some(ObjectIdentifier::new_unwrap("1.3.101.112")),
        KeySpec::MlDsa44 => Some(ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.17")),
        KeySpec::MlDsa65 => Some(ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.18")),
        KeySpec::MlDsa87 => Some(ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.19")),
        KeySpec::KmsimMlKem768 => Some(ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.4.2")),
        KeySpec::KmsimMlKem1024 => Some(ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.4.3")),
        KeySpec::KmsimEccNistP256MlKem768 => Some(super::kem_dem::OID_HYBRID_P256_ML_KEM_768),
        _ => None,
    }
}

/// Draws the 32 bytes every [`Asymmetric::sign`] takes from the caller's generator, in every
/// provider and for every algorithm, so that the engine's stream advances alike whichever
/// provider signs and whichever algorithm it uses.
pub(crate) fn sign_seed(rng: &mut dyn CryptoRng) -> Zeroizing<[u8; 32]> {
    let mut seed = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(seed.as_mut_slice());
    seed
}
