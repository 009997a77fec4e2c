//! `crypto/asymmetric/<provider>/<key spec>/{sign,verify,decrypt,derive}`: the engine's
//! key-pair operations through each provider's `Asymmetric` (DER keys in, as the engine stores
//! them, so each figure includes parsing the key), and `crypto/ml-kem/raw-vs-provider`: ML-KEM-768
//! bare (the `ml-kem` crate and aws-lc-rs' `kem`) beside kmsim's KEM-DEM through each provider.
//!
//! What each benchmark measures:
//! - sign / verify: the spec's first AWS signing algorithm (RSASSA-PSS-SHA-256 on RSA,
//!   ECDSA with the curve's hash, pure Ed25519, ML-DSA), message type RAW, a 64-byte message.
//! - decrypt: RSAES-OAEP-SHA-256 of a 32-byte data key on RSA; the KEM-DEM of a 32-byte data key
//!   on the `KMSIM_ML_KEM_*` specs.
//! - derive: ECDH (DeriveSharedSecret) with a peer SPKI on the NIST curves.
//!
//! Keys are generated once per spec, lazily, from a seeded generator (RSA-4096 takes about a
//! second), and shared by both providers; nothing is generated for a group that does not run.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::{Mutex, OnceLock};

use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion, Throughput};
use engine::crypto::ProviderKind;
use engine::crypto::asymmetric::{KeyPair, SignInput};
use engine::spec::{EncryptionAlgorithmSpec, KeySpec, MessageType, SigningAlgorithmSpec};
use ml_kem::kem::{Decapsulate, Encapsulate};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

/// The data key encrypted and the message signed.
pub(crate) const PAYLOAD: [u8; 32] = [0x5a; 32];
pub(crate) const MESSAGE: [u8; 64] = [0xa5; 64];

pub(crate) fn rng(tag: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([tag; 32])
}

/// The key pair of `spec`, generated on first use.
pub(crate) fn key_pair(spec: KeySpec) -> KeyPair {
    static PAIRS: OnceLock<Mutex<BTreeMap<KeySpec, KeyPair>>> = OnceLock::new();
    let pairs = PAIRS.get_or_init(|| Mutex::new(BTreeMap::new()));
    let mut pairs = pairs.lock().unwrap();
    pairs
        .entry(spec)
        .or_insert_with(|| {
            ProviderKind::RustCrypto.provider().asymmetric.generate(spec, &mut rng(1)).unwrap()
        })
        .clone()
}

/// The signing algorithm benchmarked on `spec`, if it signs.
pub(crate) const fn signing_algorithm(spec: KeySpec) -> Option<SigningAlgorithmSpec> {
    use SigningAlgorithmSpec as S;
    Some(match spec {
        KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => S::RsassaPssSha256,
        KeySpec::EccNistP256 | KeySpec::EccSecgP256k1 => S::EcdsaSha256,
        KeySpec::EccNistP384 => S::EcdsaSha384,
        KeySpec::EccNistP521 => S::EcdsaSha512,
        KeySpec::EccNistEdwards25519 => S::Ed25519Sha512,
        KeySpec::MlDsa44 | KeySpec::MlDsa65 | KeySpec::MlDsa87 => S::MlDsaShake256,
        _ => return None,
    })
}

/// The encryption algorithm benchmarked on `spec`, if it encrypts.
pub(crate) const fn encryption_algorithm(spec: KeySpec) -> Option<EncryptionAlgorithmSpec> {
    match spec {
        KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => {
            Some(EncryptionAlgorithmSpec::RsaesOaepSha256)
        }
        KeySpec::KmsimMlKem768 | KeySpec::KmsimMlKem1024 | KeySpec::KmsimEccNistP256MlKem768 => {
            Some(EncryptionAlgorithmSpec::KmsimMlKemHkdfAes256Gcm)
        }
        _ => None,
    }
}

pub(crate) const SPECS: [KeySpec; 15] = [
    KeySpec::Rsa2048,
    KeySpec::Rsa3072,
    KeySpec::Rsa4096,
    KeySpec::EccNistP256,
    KeySpec::EccNistP384,
    KeySpec::EccNistP521,
    KeySpec::EccSecgP256k1,
    KeySpec::EccNistEdwards25519,
    KeySpec::MlDsa44,
    KeySpec::MlDsa65,
    KeySpec::MlDsa87,
    KeySpec::KmsimMlKem768,
    KeySpec::KmsimMlKem1024,
    KeySpec::KmsimEccNistP256MlKem768,
    KeySpec::Sm2,
];

pub(crate) fn define(c: &mut Criterion) {
    for kind in ProviderKind::ALL {
        for spec in SPECS {
            define_spec(c, kind, spec);
        }
    }
    define_ml_kem_raw_vs_provider(c);
}

fn define_spec(c: &mut Criterion, kind: ProviderKind, spec: KeySpec) {
    let asymmetric = kind.provider().asymmetric;
    let derives =
        matches!(spec, KeySpec::EccNistP256 | KeySpec::EccNistP384 | KeySpec::EccNistP521);
    let (signing, encryption) = (signing_algorithm(spec), encryption_algorithm(spec));
    if signing.is_none() && encryption.is_none() {
        return; // SM2: neither provider implements it.
    }
    let mut group = c.benchmark_group(format!("crypto/asymmetric/{kind}/{spec}"));
    group.throughput(Throughput::Elements(1));
    if let Some(algorithm) = signing {
        let pair = key_pair(spec);
        let input = SignInput { message: &MESSAGE, message_type: MessageType::Raw };
        let private = pair.private_pkcs8.expose().to_vec();
        let signature = asymmetric.sign(spec, algorithm, &private, input, &mut rng(2)).unwrap();
        let mut sign_rng = rng(3);
        group.bench_function("sign", |b| {
            b.iter(|| {
                let signature = asymmetric
                    .sign(spec, algorithm, black_box(&private), input, &mut sign_rng)
                    .unwrap();
                assert!(!signature.is_empty());
                signature
            });
        });
        group.bench_function("verify", |b| {
            b.iter(|| {
                let ok = asymmetric
                    .verify(spec, algorithm, black_box(&pair.public_spki), input, &signature)
                    .unwrap();
                assert!(ok);
            });
        });
    }
    if let Some(algorithm) = encryption {
        let pair = key_pair(spec);
        let ciphertext =
            asymmetric.encrypt(spec, algorithm, &pair.public_spki, &PAYLOAD, &mut rng(4)).unwrap();
        group.bench_function("decrypt", |b| {
            b.iter(|| {
                let plaintext = asymmetric
                    .decrypt(spec, algorithm, pair.private_pkcs8.expose(), black_box(&ciphertext))
                    .unwrap();
                assert_eq!(plaintext.expose(), PAYLOAD);
            });
        });
    }
    if derives {
        let pair = key_pair(spec);
        let peer = asymmetric.generate(spec, &mut rng(5)).unwrap();
        group.bench_function("derive", |b| {
            b.iter(|| {
                let secret = asymmetric
                    .derive_shared_secret(
                        spec,
                        pair.private_pkcs8.expose(),
                        black_box(&peer.public_spki),
                    )
                    .unwrap();
                assert!(!secret.is_empty());
            });
        });
    }
    group.finish();
}

/// ML-KEM-768 bare vs through the providers' KEM-DEM (32-byte payload).
fn define_ml_kem_raw_vs_provider(c: &mut Criterion) {
    let spec = KeySpec::KmsimMlKem768;
    let algorithm = EncryptionAlgorithmSpec::KmsimMlKemHkdfAes256Gcm;
    let pair = key_pair(spec);
    let mut group = c.benchmark_group("crypto/ml-kem/raw-vs-provider");
    group.throughput(Throughput::Elements(1));
    define_raw_ml_kem_768(&mut group, true);
    for kind in ProviderKind::ALL {
        let asymmetric = kind.provider().asymmetric;
        let mut encrypt_rng = rng(8);
        group.bench_function(format!("provider/{kind}/encrypt"), |b| {
            b.iter(|| {
                asymmetric
                    .encrypt(
                        spec,
                        algorithm,
                        black_box(&pair.public_spki),
                        &PAYLOAD,
                        &mut encrypt_rng,
                    )
                    .unwrap()
            });
        });
        define_provider_ml_kem_768_decrypt(&mut group, kind);
    }
    group.finish();
}

/// `raw/{rustcrypto,aws-lc-rs}/decapsulate` (and `encapsulate` if `encapsulate`): ML-KEM-768
/// bare, the floor under kmsim's KEM-DEM.
pub(crate) fn define_raw_ml_kem_768(group: &mut BenchmarkGroup<'_, WallTime>, encapsulate: bool) {
    let pair = key_pair(KeySpec::KmsimMlKem768);
    // The same key, bare: `ml-kem` from the 64-byte seed at the end of the seed-form PKCS#8.
    let private = pair.private_pkcs8.expose();
    let seed: [u8; 64] = private[private.len() - 64..].try_into().unwrap();
    let dk = ml_kem::DecapsulationKey::<ml_kem::MlKem768>::from_seed(seed.into());
    let ek = dk.encapsulation_key().clone();
    let mut raw_rng = rng(6);
    if encapsulate {
        group.bench_function("raw/rustcrypto/encapsulate", |b| {
            b.iter(|| ek.encapsulate_with_rng(&mut raw_rng));
        });
    }
    let (ct, shared) = ek.encapsulate_with_rng(&mut rng(7));
    group.bench_function("raw/rustcrypto/decapsulate", |b| {
        b.iter(|| {
            let k = dk.decapsulate(black_box(&ct));
            assert_eq!(k, shared);
        });
    });
    // aws-lc-rs' own key (it cannot load ours from the seed) of the same parameter set.
    let lc_dk = aws_lc_rs::kem::DecapsulationKey::generate(&aws_lc_rs::kem::ML_KEM_768).unwrap();
    let lc_ek = lc_dk.encapsulation_key().unwrap();
    if encapsulate {
        group.bench_function("raw/aws-lc-rs/encapsulate", |b| {
            b.iter(|| lc_ek.encapsulate().unwrap());
        });
    }
    let (lc_ct, lc_shared) = lc_ek.encapsulate().unwrap();
    let lc_ct = lc_ct.as_ref().to_vec();
    group.bench_function("raw/aws-lc-rs/decapsulate", |b| {
        b.iter(|| {
            let k = lc_dk.decapsulate(black_box(lc_ct.as_slice()).into()).unwrap();
            assert_eq!(k.as_ref(), lc_shared.as_ref());
        });
    });
}

/// `provider/<kind>/decrypt`: kmsim's KEM-DEM on ML-KEM-768 through `kind`'s `Asymmetric`.
pub(crate) fn define_provider_ml_kem_768_decrypt(
    group: &mut BenchmarkGroup<'_, WallTime>,
    kind: ProviderKind,
) {
    let spec = KeySpec::KmsimMlKem768;
    let algorithm = EncryptionAlgorithmSpec::KmsimMlKemHkdfAes256Gcm;
    let pair = key_pair(spec);
    let asymmetric = kind.provider().asymmetric;
    let ciphertext =
        asymmetric.encrypt(spec, algorithm, &pair.public_spki, &PAYLOAD, &mut rng(9)).unwrap();
    group.bench_function(format!("provider/{kind}/decrypt"), |b| {
        b.iter_batched_ref(
            || ciphertext.clone(),
            |ciphertext| {
                let plaintext = asymmetric
                    .decrypt(spec, algorithm, pair.private_pkcs8.expose(), ciphertext)
                    .unwrap();
                assert_eq!(plaintext.expose(), PAYLOAD);
            },
            BatchSize::SmallInput,
        );
    });
}
