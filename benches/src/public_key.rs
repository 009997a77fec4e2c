//! `crypto/<algorithm>/<operation>/<implementation>`: the public-key primitives a KMS serves
//! (RSA-OAEP and RSA-PSS, ECDSA and ECDH on P-256, ML-KEM), aws-lc-rs beside the pure-Rust
//! RustCrypto crates (`rustcrypto`: `rsa`, `p256`, `ml-kem`) and, for P-256, ring.
//!
//! What each benchmark measures:
//! - RSA: OAEP-SHA-256 (MGF1-SHA-256, no label) of a 32-byte payload (a data key); PSS-SHA-256
//!   with salt length = digest length over a 64-byte message. aws-lc-rs and `rsa` use the same
//!   key, generated once from a seeded generator. Both blind private-key operations.
//! - ECDSA: P-256 with SHA-256 over a 64-byte message, fixed-size (r ‖ s, 64-byte) signatures.
//!   Signing hashes the message and uses a random nonce (RustCrypto: RFC 6979 hedged with the
//!   seeded generator). `verify` uses a pre-parsed public key where the API has one (aws-lc-rs
//!   `ParsedPublicKey`, p256 `VerifyingKey`); ring and `aws-lc-rs+parse` parse the SEC1 point on
//!   every call.
//! - ECDH: one agreement, P-256, including the parse of the peer's 65-byte SEC1 point; the peer
//!   is an aws-lc-rs key, so every implementation is checked against it.
//! - ML-KEM (FIPS 203): key generation, encapsulation, decapsulation.
//!
//! Randomness: the RustCrypto crates draw from a seeded `ChaCha20Rng` passed explicitly (the
//! workspace forbids ambient generators). aws-lc-rs and ring draw from their own system-seeded
//! generators internally; their `SecureRandom` arguments are required by the API (aws-lc-rs
//! ignores them). That is fine for benchmarks: only the timing, not the output, must be stable.
//!
//! Key generation is slow (RSA-4096 takes about a second, with a wide spread), so its groups
//! take 10 samples of equal iteration counts, at least one each (`SamplingMode::Flat`).

use std::hint::black_box;

use aws_lc_rs::{agreement as lc_agreement, kem as lc_kem, rsa as lc_rsa, signature as lc_sig};
use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion, SamplingMode, Throughput};
use ml_kem::kem::{Decapsulate, Decapsulator, Encapsulate, Generate, Kem, KeyExport};
use p256::ecdsa::signature::{RandomizedSigner, Verifier};
use p256::elliptic_curve::sec1::ToSec1Point;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use rsa::pkcs8::EncodePrivateKey;
use rsa::traits::PublicKeyParts;
use sha2::Sha256;

/// An RSA-OAEP payload: a 256-bit data key.
const PAYLOAD: [u8; 32] = [0x5a; 32];
/// A message to sign: 64 bytes, as in the measured figures of the reference.
const MESSAGE: [u8; 64] = [0xa5; 64];
/// Seed of the RustCrypto generators: the benchmarked keys are the same on every run.
const SEED: u64 = 0x6b6d_7369_6d00_0001;

/// RSA modulus sizes in bits, with aws-lc-rs's name for each.
const RSA_SIZES: [(usize, lc_rsa::KeySize); 3] = [
    (2048, lc_rsa::KeySize::Rsa2048),
    (3072, lc_rsa::KeySize::Rsa3072),
    (4096, lc_rsa::KeySize::Rsa4096),
];

pub(crate) fn define(c: &mut Criterion) {
    for (bits, size) in RSA_SIZES {
        define_rsa(c, bits, size);
    }
    define_ecdsa(c);
    define_ecdh(c);
    define_ml_kem::<ml_kem::MlKem512>(c, "ml-kem-512", &lc_kem::ML_KEM_512, 800, 768);
    define_ml_kem::<ml_kem::MlKem768>(c, "ml-kem-768", &lc_kem::ML_KEM_768, 1184, 1088);
    define_ml_kem::<ml_kem::MlKem1024>(c, "ml-kem-1024", &lc_kem::ML_KEM_1024, 1568, 1568);
}

/// A group of single operations: `crypto/<algorithm>/<operation>`.
fn group<'c>(
    c: &'c mut Criterion,
    algorithm: &str,
    operation: &str,
) -> BenchmarkGroup<'c, WallTime> {
    let mut group = c.benchmark_group(format!("crypto/{algorithm}/{operation}"));
    group.throughput(Throughput::Elements(1));
    group
}

/// A key-generation group: cheap enough for `cargo test --benches`, and for a real run.
fn keygen_group<'c>(c: &'c mut Criterion, algorithm: &str) -> BenchmarkGroup<'c, WallTime> {
    let mut group = group(c, algorithm, "keygen");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group
}

fn define_rsa(c: &mut Criterion, bits: usize, size: lc_rsa::KeySize) {
    let algorithm = format!("rsa-{bits}");
    let len = bits / 8;
    // One generator per function, outside the closures: criterion calls a closure once per
    // sample, and a generator re-seeded there would time the same key or nonce every sample.
    let mut rng = ChaCha20Rng::seed_from_u64(SEED);

    let mut keygen = keygen_group(c, &algorithm);
    keygen.bench_function("aws-lc-rs", |b| {
        let mut last = None;
        b.iter(|| {
            last = black_box(Some(lc_sig::RsaKeyPair::generate(black_box(size)).unwrap()));
        });
        assert_eq!(last.unwrap().public_modulus_len(), len);
    });
    keygen.bench_function("rustcrypto", |b| {
        let mut last = None;
        b.iter(|| {
            last = black_box(Some(rsa::PrivateKey::new(&mut rng, black_box(bits)).unwrap()));
        });
        assert_eq!(last.unwrap().size(), len);
    });
    keygen.finish();

    // One key for both implementations, the same on every run.
    let rc_private = rsa::PrivateKey::new(&mut ChaCha20Rng::seed_from_u64(SEED), bits).unwrap();
    let rc_public = rc_private.to_public_key();
    let pkcs8 = rc_private.to_pkcs8_der().unwrap();
    let lc_signer = lc_sig::RsaKeyPair::from_pkcs8(pkcs8.as_bytes()).unwrap();
    let lc_verifier = lc_sig::ParsedPublicKey::new(
        &lc_sig::RSA_PSS_2048_8192_SHA256,
        lc_sig::KeyPair::public_key(&lc_signer).as_ref(),
    )
    .unwrap();
    let lc_private = lc_rsa::PrivateDecryptingKey::from_pkcs8(pkcs8.as_bytes()).unwrap();
    let lc_encrypter = lc_rsa::OaepPublicEncryptingKey::new(lc_private.public_key()).unwrap();
    let lc_decrypter = lc_rsa::OaepPrivateDecryptingKey::new(lc_private).unwrap();
    let oaep = &lc_rsa::OAEP_SHA256_MGF1SHA256;
    let aws_lc_decrypt = |ciphertext: &[u8]| {
        let mut plaintext = vec![0u8; lc_decrypter.min_output_size()];
        lc_decrypter.decrypt(oaep, ciphertext, &mut plaintext, None).unwrap().to_vec()
    };
    let system_random = lc_sig_rng();

    let mut encrypt = group(c, &algorithm, "oaep-encrypt");
    encrypt.bench_function("aws-lc-rs", |b| {
        let mut ciphertext = vec![0u8; lc_encrypter.ciphertext_size()];
        b.iter(|| {
            let out = lc_encrypter.encrypt(oaep, black_box(&PAYLOAD), &mut ciphertext, None);
            assert_eq!(out.unwrap().len(), len);
        });
        // The other implementation decrypts what this one encrypted.
        let plaintext =
            rc_private.oaep_decrypt_with_rng::<Sha256, _>(&mut rng, &ciphertext).unwrap();
        assert_eq!(plaintext, PAYLOAD);
    });
    encrypt.bench_function("rustcrypto", |b| {
        let mut last = Vec::new();
        b.iter(|| {
            last = rc_public
                .oaep_encrypt_with_rng::<Sha256, _>(&mut rng, black_box(&PAYLOAD))
                .unwrap();
            assert_eq!(last.len(), len);
        });
        assert_eq!(aws_lc_decrypt(&last), PAYLOAD);
    });
    encrypt.finish();

    let mut ciphertext = vec![0u8; lc_encrypter.ciphertext_size()];
    lc_encrypter.encrypt(oaep, &PAYLOAD, &mut ciphertext, None).unwrap();
    let mut decrypt = group(c, &algorithm, "oaep-decrypt");
    decrypt.bench_function("aws-lc-rs", |b| {
        let mut plaintext = vec![0u8; lc_decrypter.min_output_size()];
        b.iter(|| {
            let out = lc_decrypter.decrypt(oaep, black_box(&ciphertext), &mut plaintext, None);
            assert_eq!(out.unwrap(), PAYLOAD);
        });
    });
    decrypt.bench_function("rustcrypto", |b| {
        b.iter(|| {
            let plaintext = rc_private
                .oaep_decrypt_with_rng::<Sha256, _>(&mut rng, black_box(&ciphertext))
                .unwrap();
            assert_eq!(plaintext, PAYLOAD);
        });
    });
    decrypt.finish();

    let mut sign = group(c, &algorithm, "pss-sign");
    sign.bench_function("aws-lc-rs", |b| {
        let mut signature = vec![0u8; lc_signer.public_modulus_len()];
        b.iter(|| {
            lc_signer
                .sign(&lc_sig::RSA_PSS_SHA256, &system_random, black_box(&MESSAGE), &mut signature)
                .unwrap();
        });
        // `rsa` requires salt length = digest length, so this also checks aws-lc-rs's salt.
        rc_public.pss_verify::<Sha256>(&MESSAGE, &signature).unwrap();
    });
    sign.bench_function("rustcrypto", |b| {
        let mut last = Vec::new();
        b.iter(|| {
            last =
                rc_private.pss_sign_with_rng::<Sha256, _>(&mut rng, black_box(&MESSAGE)).unwrap();
            assert_eq!(last.len(), len);
        });
        lc_verifier.verify_sig(&MESSAGE, &last).unwrap();
    });
    sign.finish();

    let mut signature = vec![0u8; len];
    lc_signer.sign(&lc_sig::RSA_PSS_SHA256, &system_random, &MESSAGE, &mut signature).unwrap();
    let mut verify = group(c, &algorithm, "pss-verify");
    verify.bench_function("aws-lc-rs", |b| {
        b.iter(|| lc_verifier.verify_sig(black_box(&MESSAGE), black_box(&signature)).unwrap());
    });
    verify.bench_function("rustcrypto", |b| {
        b.iter(|| {
            rc_public.pss_verify::<Sha256>(black_box(&MESSAGE), black_box(&signature)).unwrap();
        });
    });
    verify.finish();
}

/// The `SecureRandom` aws-lc-rs's signing API asks for (and ignores: AWS-LC draws internally).
fn lc_sig_rng() -> aws_lc_rs::rand::SystemRandom {
    aws_lc_rs::rand::SystemRandom::new()
}

fn define_ecdsa(c: &mut Criterion) {
    let lc_random = lc_sig_rng();
    let ring_random = ring::rand::SystemRandom::new();
    let lc_key = lc_sig::EcdsaKeyPair::generate(&lc_sig::ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
    let lc_public = lc_sig::KeyPair::public_key(&lc_key).as_ref().to_vec();
    let lc_verifier =
        lc_sig::ParsedPublicKey::new(&lc_sig::ECDSA_P256_SHA256_FIXED, &lc_public).unwrap();
    let ring_pkcs8 = ring::signature::EcdsaKeyPair::generate_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &ring_random,
    )
    .unwrap();
    let ring_key = ring::signature::EcdsaKeyPair::from_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        ring_pkcs8.as_ref(),
        &ring_random,
    )
    .unwrap();
    let ring_public = ring::signature::KeyPair::public_key(&ring_key).as_ref().to_vec();
    let ring_verifier = ring::signature::UnparsedPublicKey::new(
        &ring::signature::ECDSA_P256_SHA256_FIXED,
        &ring_public,
    );
    let mut rng = ChaCha20Rng::seed_from_u64(SEED);
    let rc_key = p256::ecdsa::SigningKey::generate_from_rng(&mut ChaCha20Rng::seed_from_u64(SEED));
    let rc_verifier = *rc_key.verifying_key();

    let mut sign = group(c, "p256", "ecdsa-sign");
    sign.bench_function("aws-lc-rs", |b| {
        let mut last = None;
        b.iter(|| {
            let signature = lc_key.sign(&lc_random, black_box(&MESSAGE)).unwrap();
            assert_eq!(signature.as_ref().len(), 64);
            last = black_box(Some(signature));
        });
        lc_verifier.verify_sig(&MESSAGE, last.unwrap().as_ref()).unwrap();
    });
    sign.bench_function("ring", |b| {
        let mut last = None;
        b.iter(|| {
            let signature = ring_key.sign(&ring_random, black_box(&MESSAGE)).unwrap();
            assert_eq!(signature.as_ref().len(), 64);
            last = black_box(Some(signature));
        });
        ring_verifier.verify(&MESSAGE, last.unwrap().as_ref()).unwrap();
    });
    sign.bench_function("rustcrypto", |b| {
        let mut last = None;
        b.iter(|| {
            let signature: p256::ecdsa::Signature =
                rc_key.sign_with_rng(&mut rng, black_box(&MESSAGE));
            last = black_box(Some(signature));
        });
        rc_verifier.verify(&MESSAGE, &last.unwrap()).unwrap();
    });
    sign.finish();

    let lc_signature = lc_key.sign(&lc_random, &MESSAGE).unwrap();
    let ring_signature = ring_key.sign(&ring_random, &MESSAGE).unwrap();
    let rc_signature: p256::ecdsa::Signature = rc_key.sign_with_rng(&mut rng, &MESSAGE);
    // The formats agree: p256 verifies aws-lc-rs's fixed-size signature.
    let lc_as_rc = p256::ecdsa::Signature::from_slice(lc_signature.as_ref()).unwrap();
    p256::ecdsa::VerifyingKey::from_sec1_bytes(&lc_public)
        .unwrap()
        .verify(&MESSAGE, &lc_as_rc)
        .unwrap();

    let mut verify = group(c, "p256", "ecdsa-verify");
    verify.bench_function("aws-lc-rs", |b| {
        b.iter(|| lc_verifier.verify_sig(black_box(&MESSAGE), lc_signature.as_ref()).unwrap());
    });
    verify.bench_function("aws-lc-rs+parse", |b| {
        b.iter(|| {
            lc_sig::UnparsedPublicKey::new(&lc_sig::ECDSA_P256_SHA256_FIXED, black_box(&lc_public))
                .verify(black_box(&MESSAGE), lc_signature.as_ref())
                .unwrap();
        });
    });
    verify.bench_function("ring", |b| {
        // ring has no parsed public key: this includes the SEC1 point's parse and check.
        b.iter(|| ring_verifier.verify(black_box(&MESSAGE), ring_signature.as_ref()).unwrap());
    });
    verify.bench_function("rustcrypto", |b| {
        b.iter(|| rc_verifier.verify(black_box(&MESSAGE), &rc_signature).unwrap());
    });
    verify.finish();
}

fn define_ecdh(c: &mut Criterion) {
    // The peer everyone agrees with; its side of each agreement is the expected secret.
    let peer = lc_agreement::PrivateKey::generate(&lc_agreement::ECDH_P256).unwrap();
    let peer_public = peer.compute_public_key().unwrap().as_ref().to_vec();
    let peer_secret = |public: &[u8]| {
        let public = lc_agreement::UnparsedPublicKey::new(&lc_agreement::ECDH_P256, public);
        lc_agreement::agree(&peer, public, (), |secret| Ok(secret.to_vec())).unwrap()
    };

    let mut rng = ChaCha20Rng::seed_from_u64(SEED);
    let mut ecdh = group(c, "p256", "ecdh");
    ecdh.bench_function("aws-lc-rs", |b| {
        let mine = lc_agreement::PrivateKey::generate(&lc_agreement::ECDH_P256).unwrap();
        let expected = peer_secret(mine.compute_public_key().unwrap().as_ref());
        b.iter(|| {
            let public = lc_agreement::UnparsedPublicKey::new(
                &lc_agreement::ECDH_P256,
                black_box(&peer_public),
            );
            let equal = lc_agreement::agree(&mine, public, (), |secret| Ok(secret == expected));
            assert!(equal.unwrap());
        });
    });
    let ring_random = ring::rand::SystemRandom::new();
    ecdh.bench_function("ring", |b| {
        // ring's agreement consumes its ephemeral key, so each one is made outside the timing.
        b.iter_batched(
            || {
                let mine = ring::agreement::EphemeralPrivateKey::generate(
                    &ring::agreement::ECDH_P256,
                    &ring_random,
                )
                .unwrap();
                let expected = peer_secret(mine.compute_public_key().unwrap().as_ref());
                (mine, expected)
            },
            |(mine, expected)| {
                let public = ring::agreement::UnparsedPublicKey::new(
                    &ring::agreement::ECDH_P256,
                    black_box(&peer_public),
                );
                let equal =
                    ring::agreement::agree_ephemeral(mine, &public, |secret| secret == expected);
                assert!(equal.unwrap());
            },
            BatchSize::SmallInput,
        );
    });
    ecdh.bench_function("rustcrypto", |b| {
        let mine = p256::ecdh::EphemeralSecret::generate_from_rng(&mut rng);
        let expected = peer_secret(mine.public_key().to_sec1_point(false).as_bytes());
        b.iter(|| {
            let public = p256::PublicKey::from_sec1_bytes(black_box(&peer_public)).unwrap();
            let secret = mine.diffie_hellman(&public);
            assert_eq!(secret.raw_secret_bytes().as_slice(), expected);
        });
    });
    ecdh.finish();
}

fn define_ml_kem<K>(
    c: &mut Criterion,
    algorithm: &str,
    lc_algorithm: &'static lc_kem::Algorithm,
    encapsulation_key_len: usize,
    ciphertext_len: usize,
) where
    K: Kem,
    K::DecapsulationKey: Decapsulate,
{
    let mut rng = ChaCha20Rng::seed_from_u64(SEED);
    let mut keygen = keygen_group(c, algorithm);
    keygen.bench_function("aws-lc-rs", |b| {
        let mut last = None;
        b.iter(|| {
            last = black_box(Some(lc_kem::DecapsulationKey::generate(lc_algorithm).unwrap()));
        });
        let encapsulation_key = last.unwrap().encapsulation_key().unwrap();
        assert_eq!(encapsulation_key.key_bytes().unwrap().as_ref().len(), encapsulation_key_len);
    });
    keygen.bench_function("rustcrypto", |b| {
        let mut last = None;
        b.iter(|| {
            last = black_box(Some(<K::DecapsulationKey as Generate>::generate_from_rng(&mut rng)));
        });
        let encapsulation_key = last.unwrap().encapsulation_key().to_bytes();
        assert_eq!(encapsulation_key.len(), encapsulation_key_len);
    });
    keygen.finish();

    let lc_decapsulation = lc_kem::DecapsulationKey::generate(lc_algorithm).unwrap();
    let lc_encapsulation = lc_decapsulation.encapsulation_key().unwrap();
    let rc_decapsulation =
        <K::DecapsulationKey as Generate>::generate_from_rng(&mut ChaCha20Rng::seed_from_u64(SEED));
    let rc_encapsulation = rc_decapsulation.encapsulation_key().clone();

    let mut encapsulate = group(c, algorithm, "encapsulate");
    encapsulate.bench_function("aws-lc-rs", |b| {
        let mut last = None;
        b.iter(|| {
            let (ciphertext, secret) = black_box(&lc_encapsulation).encapsulate().unwrap();
            assert_eq!(ciphertext.as_ref().len(), ciphertext_len);
            last = black_box(Some((ciphertext, secret)));
        });
        let (ciphertext, secret) = last.unwrap();
        let decapsulated = lc_decapsulation.decapsulate(ciphertext).unwrap();
        assert_eq!(decapsulated.as_ref(), secret.as_ref());
    });
    encapsulate.bench_function("rustcrypto", |b| {
        let mut last = None;
        b.iter(|| {
            last = black_box(Some(black_box(&rc_encapsulation).encapsulate_with_rng(&mut rng)));
        });
        let (ciphertext, secret) = last.unwrap();
        assert_eq!(ciphertext.len(), ciphertext_len);
        assert_eq!(rc_decapsulation.decapsulate(&ciphertext), secret);
    });
    encapsulate.finish();

    let (lc_ciphertext, lc_secret) = lc_encapsulation.encapsulate().unwrap();
    let (rc_ciphertext, rc_secret) = rc_encapsulation.encapsulate_with_rng(&mut rng);
    let mut decapsulate = group(c, algorithm, "decapsulate");
    decapsulate.bench_function("aws-lc-rs", |b| {
        b.iter(|| {
            let ciphertext = lc_kem::Ciphertext::from(black_box(lc_ciphertext.as_ref()));
            let secret = lc_decapsulation.decapsulate(ciphertext).unwrap();
            assert_eq!(secret.as_ref(), lc_secret.as_ref());
        });
    });
    decapsulate.bench_function("rustcrypto", |b| {
        b.iter(|| assert_eq!(rc_decapsulation.decapsulate(black_box(&rc_ciphertext)), rc_secret));
    });
    decapsulate.finish();
}
