//! What AWS allows each key-pair spec to do: its key usages, its algorithms, the message
//! lengths Sign and Encrypt accept (kms-facts §1.3 and §2). Pure facts, no cryptography: the
//! engine checks requests against them before any provider sees a byte, so every provider
//! refuses exactly the same requests with exactly the same AWS exceptions.

use crate::spec::{
    EncryptionAlgorithmSpec as E, KeyAgreementAlgorithmSpec, KeySpec, KeyUsage,
    SigningAlgorithmSpec as S,
};

/// The key usages a key of `spec` may have (kms-facts §2's table), in AWS's order. HMAC
/// and SYMMETRIC_DEFAULT are included so callers can ask about any spec.
#[must_use]
pub const fn usages(spec: KeySpec) -> &'static [KeyUsage] {
    use KeyUsage as U;
    match spec {
        KeySpec::SymmetricDefault => &[U::EncryptDecrypt],
        KeySpec::Hmac224 | KeySpec::Hmac256 | KeySpec::Hmac384 | KeySpec::Hmac512 => {
            &[U::GenerateVerifyMac]
        }
        KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => {
            &[U::EncryptDecrypt, U::SignVerify]
        }
        KeySpec::EccNistP256 | KeySpec::EccNistP384 | KeySpec::EccNistP521 => {
            &[U::SignVerify, U::KeyAgreement]
        }
        KeySpec::EccSecgP256k1
        | KeySpec::EccNistEdwards25519
        | KeySpec::MlDsa44
        | KeySpec::MlDsa65
        | KeySpec::MlDsa87 => &[U::SignVerify],
        KeySpec::Sm2 => &[U::EncryptDecrypt, U::SignVerify, U::KeyAgreement],
        KeySpec::KmsimMlKem768 | KeySpec::KmsimMlKem1024 | KeySpec::KmsimEccNistP256MlKem768 => {
            &[U::EncryptDecrypt]
        }
    }
}

/// The signing algorithms of a SIGN_VERIFY key of `spec` (DescribeKey's
/// `SigningAlgorithms`); empty for specs that cannot sign.
#[must_use]
pub const fn signing_algorithms(spec: KeySpec) -> &'static [S] {
    match spec {
        KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => &[
            S::RsassaPssSha256,
            S::RsassaPssSha384,
            S::RsassaPssSha512,
            S::RsassaPkcs1V15Sha256,
            S::RsassaPkcs1V15Sha384,
            S::RsassaPkcs1V15Sha512,
        ],
        KeySpec::EccNistP256 | KeySpec::EccSecgP256k1 => &[S::EcdsaSha256],
        KeySpec::EccNistP384 => &[S::EcdsaSha384],
        KeySpec::EccNistP521 => &[S::EcdsaSha512],
        KeySpec::EccNistEdwards25519 => &[S::Ed25519Sha512, S::Ed25519PhSha512],
        KeySpec::MlDsa44 | KeySpec::MlDsa65 | KeySpec::MlDsa87 => &[S::MlDsaShake256],
        KeySpec::Sm2 => &[S::Sm2Dsa],
        _ => &[],
    }
}

/// The signing algorithm a caller that has no preference uses with a SIGN_VERIFY key of
/// `spec`: the first of [`signing_algorithms`], with a RAW message. RSA: RSASSA_PSS_SHA_256;
/// ECC_NIST_P256 and ECC_SECG_P256K1: ECDSA_SHA_256; P-384: ECDSA_SHA_384; P-521:
/// ECDSA_SHA_512; ECC_NIST_EDWARDS25519: ED25519_SHA_512; ML-DSA: ML_DSA_SHAKE_256; SM2:
/// SM2DSA. `None` for specs that cannot sign. (The simulator signs with it.)
#[must_use]
pub const fn default_signing_algorithm(spec: KeySpec) -> Option<S> {
    match signing_algorithms(spec) {
        [first, ..] => Some(*first),
        [] => None,
    }
}

/// The encryption algorithms of an ENCRYPT_DECRYPT key of `spec` (DescribeKey's
/// `EncryptionAlgorithms`).
#[must_use]
pub const fn encryption_algorithms(spec: KeySpec) -> &'static [E] {
    match spec {
        KeySpec::SymmetricDefault => &[E::SymmetricDefault],
        KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => {
            &[E::RsaesOaepSha1, E::RsaesOaepSha256]
        }
        KeySpec::Sm2 => &[E::Sm2Pke],
        KeySpec::KmsimMlKem768 | KeySpec::KmsimMlKem1024 | KeySpec::KmsimEccNistP256MlKem768 => {
            &[E::KmsimMlKemHkdfAes256Gcm]
        }
        _ => &[],
    }
}

/// The key agreement algorithms of a KEY_AGREEMENT key of `spec`.
#[must_use]
pub const fn key_agreement_algorithms(spec: KeySpec) -> &'static [KeyAgreementAlgorithmSpec] {
    match spec {
        KeySpec::EccNistP256 | KeySpec::EccNistP384 | KeySpec::EccNistP521 | KeySpec::Sm2 => {
            &[KeyAgreementAlgorithmSpec::Ecdh]
        }
        _ => &[],
    }
}

/// The length a DIGEST message must have for `algorithm` [bytes]: the output of its hash
/// (SHA-256/384/512; SM3 for SM2DSA). `None` for ML-DSA, which takes no DIGEST (RAW or
/// EXTERNAL_MU), and for pure Ed25519 (RAW only).
#[must_use]
pub const fn digest_len(algorithm: S) -> Option<usize> {
    match algorithm {
        S::RsassaPssSha256 | S::RsassaPkcs1V15Sha256 | S::EcdsaSha256 | S::Sm2Dsa => Some(32),
        S::RsassaPssSha384 | S::RsassaPkcs1V15Sha384 | S::EcdsaSha384 => Some(48),
        S::RsassaPssSha512 | S::RsassaPkcs1V15Sha512 | S::EcdsaSha512 | S::Ed25519PhSha512 => {
            Some(64)
        }
        S::MlDsaShake256 | S::Ed25519Sha512 => None,
    }
}

/// The length of ML-DSA's externally computed μ (FIPS 204 §6.2) [bytes].
pub const EXTERNAL_MU_LEN: usize = 64;

/// The RSA modulus of `spec` [bytes], or `None` for other specs.
#[must_use]
pub const fn rsa_modulus_len(spec: KeySpec) -> Option<usize> {
    match spec {
        KeySpec::Rsa2048 => Some(256),
        KeySpec::Rsa3072 => Some(384),
        KeySpec::Rsa4096 => Some(512),
        _ => None,
    }
}

/// The longest plaintext Encrypt takes with `algorithm` under a key of `spec` [bytes]:
/// RSAES-OAEP's `k - 2·hLen - 2` (RSA_2048: 214 with SHA-1, 190 with SHA-256), SM2PKE's
/// 1024, and for kmsim's ML-KEM algorithm the 4096 of every Encrypt. `None` if the pair
/// does not go together.
#[must_use]
pub const fn max_plaintext_len(spec: KeySpec, algorithm: E) -> Option<usize> {
    match (rsa_modulus_len(spec), algorithm) {
        (Some(k), E::RsaesOaepSha1) => Some(k - 2 * 20 - 2),
        (Some(k), E::RsaesOaepSha256) => Some(k - 2 * 32 - 2),
        (None, E::Sm2Pke) if matches!(spec, KeySpec::Sm2) => Some(1024),
        (None, E::KmsimMlKemHkdfAes256Gcm) if spec.is_kmsim_extension() => Some(4096),
        _ => None,
    }
}

/// Whether AWS allows keys of `spec` in `region`'s partition: SM2 exists only in the China
/// Regions (`aws-cn`), every other spec everywhere.
#[must_use]
pub fn allowed_in(spec: KeySpec, partition: &str) -> bool {
    !matches!(spec, KeySpec::Sm2) || partition == "aws-cn"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oaep_limits_are_awss() {
        let limits: Vec<_> = [KeySpec::Rsa2048, KeySpec::Rsa3072, KeySpec::Rsa4096]
            .into_iter()
            .map(|spec| {
                (
                    max_plaintext_len(spec, E::RsaesOaepSha1),
                    max_plaintext_len(spec, E::RsaesOaepSha256),
                )
            })
            .collect();
        assert_eq!(
            limits,
            [(Some(214), Some(190)), (Some(342), Some(318)), (Some(470), Some(446))]
        );
        assert_eq!(max_plaintext_len(KeySpec::EccNistP256, E::RsaesOaepSha1), None);
        assert_eq!(max_plaintext_len(KeySpec::Rsa2048, E::SymmetricDefault), None);
    }

    #[test]
    fn default_signing_algorithms_are_the_usual_ones() {
        let defaults: Vec<_> = [
            KeySpec::Rsa2048,
            KeySpec::Rsa4096,
            KeySpec::EccNistP256,
            KeySpec::EccNistP384,
            KeySpec::EccNistP521,
            KeySpec::EccSecgP256k1,
            KeySpec::EccNistEdwards25519,
            KeySpec::MlDsa65,
            KeySpec::SymmetricDefault,
        ]
        .into_iter()
        .map(default_signing_algorithm)
        .collect();
        assert_eq!(
            defaults,
            [
                Some(S::RsassaPssSha256),
                Some(S::RsassaPssSha256),
                Some(S::EcdsaSha256),
                Some(S::EcdsaSha384),
                Some(S::EcdsaSha512),
                Some(S::EcdsaSha256),
                Some(S::Ed25519Sha512),
                Some(S::MlDsaShake256),
                None,
            ]
        );
        for &spec in KeySpec::ALL {
            if let Some(algorithm) = default_signing_algorithm(spec) {
                // RAW is always allowed with the default algorithm.
                assert!(signing_algorithms(spec).contains(&algorithm), "{spec}");
            }
        }
    }

    #[test]
    fn every_algorithm_a_spec_lists_goes_with_a_usage_it_allows() {
        for &spec in KeySpec::ALL {
            let allowed = usages(spec);
            if !signing_algorithms(spec).is_empty() {
                assert!(allowed.contains(&KeyUsage::SignVerify), "{spec}");
            }
            if !encryption_algorithms(spec).is_empty() {
                assert!(allowed.contains(&KeyUsage::EncryptDecrypt), "{spec}");
            }
            if !key_agreement_algorithms(spec).is_empty() {
                assert!(allowed.contains(&KeyUsage::KeyAgreement), "{spec}");
            }
        }
    }
}
