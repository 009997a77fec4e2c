//! The aws-lc-rs provider's key pairs.
//!
//! Every private-key operation runs on AWS-LC: signing, RSA-OAEP decryption, ECDH, ML-KEM
//! decapsulation (and the hybrid's ECDH half). Three things run on the RustCrypto crates
//! instead, each because aws-lc-rs takes no randomness from a caller and the engine must be
//! reproducible from its seed:
//!
//! - key generation ([`rust_crypto::generate_key_pair`]); every generated key is then loaded
//!   into AWS-LC, which must derive the same public key, so a key AWS-LC would refuse is never
//!   handed out;
//! - encryption to a public key (RSA-OAEP, ML-KEM encapsulation, the hybrid's ephemeral
//!   ECDH), which involves no secret of the key's owner; HKDF and AES-GCM are AWS-LC's;
//! - the expansion of an ML-KEM seed into the decapsulation key AWS-LC loads: aws-lc-rs 1.19
//!   builds an ML-KEM `DecapsulationKey` from the expanded encoding only.
//!
//! What aws-lc-rs 1.19 does not offer is [`AsymmetricError::Unsupported`], never a silent
//! switch to RustCrypto: Ed25519ph (ED25519_PH_SHA_512) and ML-DSA with EXTERNAL_MU (it signs
//! and verifies whole messages only), and SM2.
//!
//! Signatures of the randomised schemes (RSASSA-PSS, ECDSA, ML-DSA) are not reproducible from
//! the engine's seed: AWS-LC draws the salt, nonce or hedge itself, and aws-lc-rs ignores the
//! generator argument it takes for ring compatibility. Their validity and length
//! distribution are the same as RustCrypto's; the bytes differ from run to run.

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::signature::{self, KeyPair as _};
use aws_lc_rs::{agreement, digest, kem};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::super::asymmetric::{
    self, Asymmetric, AsymmetricError, EcCurve, KeyPair, MlDsaLevel, SM2, ShaHash, SignInput,
    SignatureScheme, sign_seed,
};
use super::super::{RsaOaep as _, kem_dem, rust_crypto};
use super::{AwsLcAesGcm, AwsLcHkdf, AwsLcRsaOaep};
use crate::secret::Plaintext;
use crate::spec::{EncryptionAlgorithmSpec, KeySpec, MessageType, SigningAlgorithmSpec};

const FAILED: AsymmetricError = AsymmetricError::Failed;

/// What aws-lc-rs 1.19 lacks, as [`AsymmetricError::Unsupported`] names it.
const ED25519PH: &str = "Ed25519ph (ED25519_PH_SHA_512): aws-lc-rs 1.19 has pure Ed25519 only";
const ML_DSA_EXTERNAL_MU: &str =
    "ML-DSA with EXTERNAL_MU: aws-lc-rs 1.19 signs and verifies whole messages only";

/// The aws-lc-rs implementation of [`Asymmetric`].
pub(in crate::crypto) struct AwsLcAsymmetric;

fn aws_digest_algorithm(hash: ShaHash) -> &'static digest::Algorithm {
    match hash {
        ShaHash::Sha256 => &digest::SHA256,
        ShaHash::Sha384 => &digest::SHA384,
        ShaHash::Sha512 => &digest::SHA512,
    }
}

/// The digest an RSA or ECDSA signature covers, hashed by AWS-LC for RAW.
fn signed_digest(hash: ShaHash, input: SignInput<'_>) -> Result<digest::Digest, AsymmetricError> {
    let algorithm = aws_digest_algorithm(hash);
    let bytes = asymmetric::message_digest(hash, input, |_, message| {
        digest::digest(algorithm, message).as_ref().to_vec()
    })?;
    digest::Digest::import_less_safe(&bytes, algorithm).map_err(|_| FAILED)
}

fn ecdsa_signing(curve: EcCurve) -> &'static signature::EcdsaSigningAlgorithm {
    match curve {
        EcCurve::P256 => &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        EcCurve::P384 => &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
        EcCurve::P521 => &signature::ECDSA_P521_SHA512_ASN1_SIGNING,
        EcCurve::Secp256k1 => &signature::ECDSA_P256K1_SHA256_ASN1_SIGNING,
    }
}

fn ecdsa_verification(curve: EcCurve) -> &'static signature::EcdsaVerificationAlgorithm {
    match curve {
        EcCurve::P256 => &signature::ECDSA_P256_SHA256_ASN1,
        EcCurve::P384 => &signature::ECDSA_P384_SHA384_ASN1,
        EcCurve::P521 => &signature::ECDSA_P521_SHA512_ASN1,
        EcCurve::Secp256k1 => &signature::ECDSA_P256K1_SHA256_ASN1,
    }
}

fn ecdh_algorithm(curve: EcCurve) -> Option<&'static agreement::Algorithm> {
    match curve {
        EcCurve::P256 => Some(&agreement::ECDH_P256),
        EcCurve::P384 => Some(&agreement::ECDH_P384),
        EcCurve::P521 => Some(&agreement::ECDH_P521),
        EcCurve::Secp256k1 => None,
    }
}

fn ml_dsa_signing(level: MlDsaLevel) -> &'static signature::PqdsaSigningAlgorithm {
    match level {
        MlDsaLevel::MlDsa44 => &signature::ML_DSA_44_SIGNING,
        MlDsaLevel::MlDsa65 => &signature::ML_DSA_65_SIGNING,
        MlDsaLevel::MlDsa87 => &signature::ML_DSA_87_SIGNING,
    }
}

fn ml_dsa_verification(level: MlDsaLevel) -> &'static signature::PqdsaVerificationAlgorithm {
    match level {
        MlDsaLevel::MlDsa44 => &signature::ML_DSA_44,
        MlDsaLevel::MlDsa65 => &signature::ML_DSA_65,
        MlDsaLevel::MlDsa87 => &signature::ML_DSA_87,
    }
}

/// The RSA verification parameters of a scheme. aws-lc-rs' `RSA_PSS_*` take the salt as long
/// as the hash, as AWS KMS does.
fn rsa_verification(scheme: SignatureScheme) -> Option<&'static signature::RsaParameters> {
    Some(match scheme {
        SignatureScheme::RsaPss(_, ShaHash::Sha256) => &signature::RSA_PSS_2048_8192_SHA256,
        SignatureScheme::RsaPss(_, ShaHash::Sha384) => &signature::RSA_PSS_2048_8192_SHA384,
        SignatureScheme::RsaPss(_, ShaHash::Sha512) => &signature::RSA_PSS_2048_8192_SHA512,
        SignatureScheme::RsaPkcs1(_, ShaHash::Sha256) => &signature::RSA_PKCS1_2048_8192_SHA256,
        SignatureScheme::RsaPkcs1(_, ShaHash::Sha384) => &signature::RSA_PKCS1_2048_8192_SHA384,
        SignatureScheme::RsaPkcs1(_, ShaHash::Sha512) => &signature::RSA_PKCS1_2048_8192_SHA512,
        _ => return None,
    })
}

fn rsa_signing(scheme: SignatureScheme) -> Option<&'static dyn signature::RsaEncoding> {
    Some(match scheme {
        SignatureScheme::RsaPss(_, ShaHash::Sha256) => &signature::RSA_PSS_SHA256,
        SignatureScheme::RsaPss(_, ShaHash::Sha384) => &signature::RSA_PSS_SHA384,
        SignatureScheme::RsaPss(_, ShaHash::Sha512) => &signature::RSA_PSS_SHA512,
        SignatureScheme::RsaPkcs1(_, ShaHash::Sha256) => &signature::RSA_PKCS1_SHA256,
        SignatureScheme::RsaPkcs1(_, ShaHash::Sha384) => &signature::RSA_PKCS1_SHA384,
        SignatureScheme::RsaPkcs1(_, ShaHash::Sha512) => &signature::RSA_PKCS1_SHA512,
        _ => return None,
    })
}

/// The modulus size an RSA public key must have for `spec`'s scheme; a key of another size is
/// a wrong key.
fn rsa_public_fits(public_spki: &[u8], modulus_len: usize) -> Result<(), AsymmetricError> {
    let key = aws_lc_rs::rsa::PublicEncryptingKey::from_der(public_spki).map_err(|_| FAILED)?;
    if key.key_size_bytes() == modulus_len { Ok(()) } else { Err(FAILED) }
}

/// The DER SPKI of an EC key loaded into AWS-LC.
fn ec_public_spki(curve: EcCurve, private_pkcs8: &[u8]) -> Result<Vec<u8>, AsymmetricError> {
    let key = signature::EcdsaKeyPair::from_pkcs8(ecdsa_signing(curve), private_pkcs8)
        .map_err(|_| FAILED)?;
    Ok(key.public_key().as_der().map_err(|_| FAILED)?.as_ref().to_vec())
}

/// AWS-LC's decapsulation key for an ML-KEM seed: the seed expanded by `ml-kem` (aws-lc-rs 1.19
/// loads only the expanded form, FIPS 203 Algorithm 16's dk).
fn ml_kem_decapsulation_key(
    spec: KeySpec,
    seed: &[u8; kem_dem::ML_KEM_SEED_LEN],
) -> Result<kem::DecapsulationKey, AsymmetricError> {
    // `ExpandedKeyEncoding` is deprecated as a storage format; here it is only the hand-over
    // to AWS-LC, and nothing stores it. (A macro: `ml-kem` keeps its parameter trait private.)
    macro_rules! expanded {
        ($params:ty) => {{
            #[expect(
                deprecated,
                reason = "the expanded key is only handed to AWS-LC, never stored"
            )]
            let bytes = {
                use ml_kem::ExpandedKeyEncoding as _;
                let key = ml_kem::DecapsulationKey::<$params>::from_seed((*seed).into());
                Zeroizing::new(key.to_expanded_bytes().to_vec())
            };
            bytes
        }};
    }
    let (algorithm, expanded) = match spec {
        KeySpec::KmsimMlKem768 | KeySpec::KmsimEccNistP256MlKem768 => {
            (&kem::ML_KEM_768, expanded!(ml_kem::MlKem768))
        }
        KeySpec::KmsimMlKem1024 => (&kem::ML_KEM_1024, expanded!(ml_kem::MlKem1024)),
        _ => return Err(FAILED),
    };
    kem::DecapsulationKey::new(algorithm, &expanded).map_err(|_| FAILED)
}

/// The encapsulation key inside the decapsulation key AWS-LC holds: FIPS 203's dk is
/// dk_pke (384·k bytes) ‖ ek ‖ H(ek) ‖ z (32 + 32 bytes). aws-lc-rs 1.19 cannot derive the
/// encapsulation key of a decapsulation key loaded from bytes, so it is read from the key
/// AWS-LC marshals back, which shows AWS-LC loaded the key that holds this ek.
fn ml_kem_public_of(key: &kem::DecapsulationKey) -> Result<Vec<u8>, AsymmetricError> {
    let dk = key.key_bytes().map_err(|_| FAILED)?;
    let dk = dk.as_ref();
    // len(dk) = 384·k + (384·k + 32) + 64 = 768·k + 96.
    let k = dk.len().checked_sub(96).ok_or(FAILED)? / 768;
    let start = 384 * k;
    let end = start + 384 * k + 32;
    Ok(dk.get(start..end).ok_or(FAILED)?.to_vec())
}

/// The seed of an ML-KEM seed-form PKCS#8 (`[0] IMPLICIT OCTET STRING`, the IETF LAMPS
/// format): parsed as DER structure only, no cryptography.
fn ml_kem_seed(
    spec: KeySpec,
    private_pkcs8: &[u8],
) -> Result<Zeroizing<[u8; kem_dem::ML_KEM_SEED_LEN]>, AsymmetricError> {
    use pkcs8::der::Decode as _;
    let info = pkcs8::PrivateKeyInfoRef::from_der(private_pkcs8).map_err(|_| FAILED)?;
    if Some(info.algorithm.oid) != asymmetric::key_oid(spec) || info.algorithm.parameters.is_some()
    {
        return Err(FAILED);
    }
    // [0] IMPLICIT OCTET STRING of 64 bytes: tag 0x80, length 0x40.
    let body = info.private_key.as_bytes();
    let [0x80, 0x40, seed @ ..] = body else {
        return Err(FAILED);
    };
    let mut out = Zeroizing::new([0u8; kem_dem::ML_KEM_SEED_LEN]);
    if seed.len() != out.len() {
        return Err(FAILED);
    }
    out.copy_from_slice(seed);
    Ok(out)
}

/// ECDH on AWS-LC between `private` and a peer public key (DER SPKI or, for the hybrid's
/// ephemeral key, a SEC1 point).
fn aws_ecdh(
    private: &agreement::PrivateKey,
    algorithm: &'static agreement::Algorithm,
    peer: &[u8],
) -> Result<Plaintext, AsymmetricError> {
    let peer = agreement::UnparsedPublicKey::new(algorithm, peer);
    agreement::agree(private, peer, FAILED, |shared| Ok(Plaintext::new(shared.to_vec())))
}

impl AwsLcAsymmetric {
    /// The public key AWS-LC derives from `private_pkcs8` of `spec`, to check a generated pair.
    fn public_spki(&self, spec: KeySpec, pair: &KeyPair) -> Result<Vec<u8>, AsymmetricError> {
        let private = pair.private_pkcs8.expose();
        if asymmetric::rsa_bits(spec).is_some() {
            return Ok(AwsLcRsaOaep.public_key(private)?);
        }
        if let Some(curve) = EcCurve::of(spec) {
            return ec_public_spki(curve, private);
        }
        if let Some(level) = asymmetric::ml_dsa_level(spec) {
            let key = signature::PqdsaKeyPair::from_pkcs8(ml_dsa_signing(level), private)
                .map_err(|_| FAILED)?;
            return Ok(key.public_key().as_der().map_err(|_| FAILED)?.as_ref().to_vec());
        }
        match spec {
            KeySpec::EccNistEdwards25519 => {
                let key = signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(private)
                    .map_err(|_| FAILED)?;
                Ok(key.public_key().as_der().map_err(|_| FAILED)?.as_ref().to_vec())
            }
            KeySpec::KmsimMlKem768 | KeySpec::KmsimMlKem1024 => {
                let key = ml_kem_decapsulation_key(spec, &*ml_kem_seed(spec, private)?)?;
                let raw = ml_kem_public_of(&key)?;
                // The SPKI around the raw key is the generated one's, checked bit for bit.
                let bits = asymmetric::spki_key_bits(spec, &pair.public_spki)?;
                if bits == raw.as_slice() { Ok(pair.public_spki.clone()) } else { Err(FAILED) }
            }
            KeySpec::KmsimEccNistP256MlKem768 => {
                let hybrid = kem_dem::hybrid_private(private)?;
                let key = ml_kem_decapsulation_key(spec, &hybrid.ml_kem_seed)?;
                let ml_kem_public = ml_kem_public_of(&key)?;
                let ecdh = agreement::PrivateKey::from_private_key(
                    &agreement::ECDH_P256,
                    hybrid.p256_scalar.as_slice(),
                )
                .map_err(|_| FAILED)?;
                let point = ecdh.compute_public_key().map_err(|_| FAILED)?;
                kem_dem::hybrid_public_spki(&ml_kem_public, point.as_ref())
            }
            KeySpec::Sm2 => Err(AsymmetricError::Unsupported(SM2)),
            _ => Err(FAILED),
        }
    }

    fn kem_decrypt(
        &self,
        spec: KeySpec,
        private_pkcs8: &[u8],
        ciphertext: &[u8],
    ) -> Result<Plaintext, AsymmetricError> {
        let split = kem_dem::split(spec, ciphertext)?;
        match spec {
            KeySpec::KmsimMlKem768 | KeySpec::KmsimMlKem1024 => {
                let key = ml_kem_decapsulation_key(spec, &*ml_kem_seed(spec, private_pkcs8)?)?;
                let shared =
                    key.decapsulate(kem::Ciphertext::from(split.kem_part)).map_err(|_| FAILED)?;
                kem_dem::open(&AwsLcHkdf, &AwsLcAesGcm, spec, shared.as_ref(), &split, &[])
            }
            KeySpec::KmsimEccNistP256MlKem768 => {
                let hybrid = kem_dem::hybrid_private(private_pkcs8)?;
                let ml_kem_len = kem_dem::kem_part_len(KeySpec::KmsimMlKem768).ok_or(FAILED)?;
                let (ml_kem_ct, ephemeral) = split.kem_part.split_at(ml_kem_len);
                let key = ml_kem_decapsulation_key(spec, &hybrid.ml_kem_seed)?;
                let ss_ml_kem =
                    key.decapsulate(kem::Ciphertext::from(ml_kem_ct)).map_err(|_| FAILED)?;
                let ecdh = agreement::PrivateKey::from_private_key(
                    &agreement::ECDH_P256,
                    hybrid.p256_scalar.as_slice(),
                )
                .map_err(|_| FAILED)?;
                // The ephemeral key must be an uncompressed point (the format says so); AWS-LC
                // would also take a compressed one, RustCrypto's decoder too, but the length
                // check of the split already pinned 65 bytes.
                if ephemeral.first() != Some(&0x04) {
                    return Err(FAILED);
                }
                let ss_ecdh = aws_ecdh(&ecdh, &agreement::ECDH_P256, ephemeral)?;
                let ikm = Zeroizing::new([ss_ml_kem.as_ref(), ss_ecdh.expose()].concat());
                let recipient = ecdh.compute_public_key().map_err(|_| FAILED)?;
                kem_dem::open(&AwsLcHkdf, &AwsLcAesGcm, spec, &ikm, &split, recipient.as_ref())
            }
            _ => Err(FAILED),
        }
    }
}

impl Asymmetric for AwsLcAsymmetric {
    /// Generated by the RustCrypto crates from `rng` (see the module docs), then loaded into
    /// AWS-LC, which must derive the same public key.
    fn generate(&self, spec: KeySpec, rng: &mut dyn CryptoRng) -> Result<KeyPair, AsymmetricError> {
        let pair = rust_crypto::generate_key_pair(spec, rng)?;
        if self.public_spki(spec, &pair)? != pair.public_spki {
            return Err(FAILED);
        }
        Ok(pair)
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
        // Drawn and dropped: AWS-LC randomises with its own generator (module docs).
        drop(sign_seed(rng));
        match scheme {
            SignatureScheme::RsaPss(bits, hash) | SignatureScheme::RsaPkcs1(bits, hash) => {
                let encoding = rsa_signing(scheme).ok_or(FAILED)?;
                let key = aws_lc_rs::rsa::KeyPair::from_pkcs8(private_pkcs8).map_err(|_| FAILED)?;
                if key.public_modulus_len() != bits.modulus_len() {
                    return Err(FAILED);
                }
                let digest = signed_digest(hash, input)?;
                let mut signature = vec![0; key.public_modulus_len()];
                key.sign_digest(encoding, &digest, &mut signature).map_err(|_| FAILED)?;
                Ok(signature)
            }
            SignatureScheme::Ecdsa(curve, hash) => {
                let key = signature::EcdsaKeyPair::from_pkcs8(ecdsa_signing(curve), private_pkcs8)
                    .map_err(|_| FAILED)?;
                let digest = signed_digest(hash, input)?;
                Ok(key.sign_digest(&digest).map_err(|_| FAILED)?.as_ref().to_vec())
            }
            SignatureScheme::Ed25519 => {
                let key = signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(private_pkcs8)
                    .map_err(|_| FAILED)?;
                Ok(key.sign(input.message).as_ref().to_vec())
            }
            SignatureScheme::Ed25519ph => Err(AsymmetricError::Unsupported(ED25519PH)),
            SignatureScheme::MlDsa(level) => {
                if input.message_type == MessageType::ExternalMu {
                    return Err(AsymmetricError::Unsupported(ML_DSA_EXTERNAL_MU));
                }
                let algorithm = ml_dsa_signing(level);
                let key = signature::PqdsaKeyPair::from_pkcs8(algorithm, private_pkcs8)
                    .map_err(|_| FAILED)?;
                let mut signature = vec![0; algorithm.signature_len()];
                let len = key.sign(input.message, &mut signature).map_err(|_| FAILED)?;
                signature.truncate(len);
                Ok(signature)
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
        // AWS-LC also takes bare points and PKCS#1 keys; only a SubjectPublicKeyInfo of the
        // spec's key type gets past here, as in the RustCrypto provider.
        asymmetric::spki_key_bits(spec, public_spki)?;
        match scheme {
            SignatureScheme::RsaPss(bits, hash) | SignatureScheme::RsaPkcs1(bits, hash) => {
                rsa_public_fits(public_spki, bits.modulus_len())?;
                let digest = signed_digest(hash, input)?;
                let key = signature::UnparsedPublicKey::new(
                    rsa_verification(scheme).ok_or(FAILED)?,
                    public_spki,
                );
                Ok(key.verify_digest(&digest, signature).is_ok())
            }
            SignatureScheme::Ecdsa(curve, hash) => {
                let digest = signed_digest(hash, input)?;
                let key = signature::ParsedPublicKey::new(ecdsa_verification(curve), public_spki)
                    .map_err(|_| FAILED)?;
                Ok(key.verify_digest_sig(&digest, signature).is_ok())
            }
            SignatureScheme::Ed25519 => {
                let key = signature::ParsedPublicKey::new(&signature::ED25519, public_spki)
                    .map_err(|_| FAILED)?;
                Ok(key.verify_sig(input.message, signature).is_ok())
            }
            SignatureScheme::Ed25519ph => Err(AsymmetricError::Unsupported(ED25519PH)),
            SignatureScheme::MlDsa(level) => {
                if input.message_type == MessageType::ExternalMu {
                    return Err(AsymmetricError::Unsupported(ML_DSA_EXTERNAL_MU));
                }
                let key = signature::ParsedPublicKey::new(ml_dsa_verification(level), public_spki)
                    .map_err(|_| FAILED)?;
                Ok(key.verify_sig(input.message, signature).is_ok())
            }
        }
    }

    /// RSA-OAEP through the provider's [`RsaOaep`](super::super::RsaOaep) (whose encryption
    /// runs on the `rsa` crate, as documented there); kmsim's KEM-DEM with RustCrypto's
    /// encapsulation and AWS-LC's HKDF and AES-GCM.
    fn encrypt(
        &self,
        spec: KeySpec,
        algorithm: EncryptionAlgorithmSpec,
        public_spki: &[u8],
        plaintext: &[u8],
        rng: &mut dyn CryptoRng,
    ) -> Result<Vec<u8>, AsymmetricError> {
        match rust_crypto::encryption_scheme(spec, algorithm)? {
            rust_crypto::EncryptionScheme::RsaOaep(bits, hash) => {
                asymmetric::spki_key_bits(spec, public_spki)?;
                rsa_public_fits(public_spki, bits.modulus_len())?;
                Ok(AwsLcRsaOaep.encrypt(public_spki, hash, plaintext, rng)?)
            }
            rust_crypto::EncryptionScheme::KemDem => rust_crypto::kem_encrypt(
                &AwsLcHkdf,
                &AwsLcAesGcm,
                spec,
                public_spki,
                plaintext,
                rng,
            ),
        }
    }

    fn decrypt(
        &self,
        spec: KeySpec,
        algorithm: EncryptionAlgorithmSpec,
        private_pkcs8: &[u8],
        ciphertext: &[u8],
    ) -> Result<Plaintext, AsymmetricError> {
        match rust_crypto::encryption_scheme(spec, algorithm)? {
            rust_crypto::EncryptionScheme::RsaOaep(bits, hash) => {
                if AwsLcRsaOaep.modulus_len(private_pkcs8)? != bits.modulus_len() {
                    return Err(FAILED);
                }
                Ok(AwsLcRsaOaep.decrypt(private_pkcs8, hash, ciphertext)?)
            }
            rust_crypto::EncryptionScheme::KemDem => {
                self.kem_decrypt(spec, private_pkcs8, ciphertext)
            }
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
        let algorithm = EcCurve::of(spec).and_then(ecdh_algorithm).ok_or(FAILED)?;
        // AWS-LC also takes a bare SEC1 point; DeriveSharedSecret takes an SPKI only.
        asymmetric::spki_key_bits(spec, peer_spki)?;
        let private = agreement::PrivateKey::from_private_key_der(algorithm, private_pkcs8)
            .map_err(|_| FAILED)?;
        aws_ecdh(&private, algorithm, peer_spki)
    }
}
