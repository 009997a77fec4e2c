//! `engine/{sign,verify,encrypt,decrypt,derive-shared-secret}/<key spec>/<provider>`: the key-pair
//! operations end to end through `Engine` (request checks, key resolution, authorization,
//! the key-state check, the provider, the audit count), per key spec and provider;
//! `engine/generate-data-key-pair/<key pair spec>/<provider>`: GenerateDataKeyPair under a
//! symmetric key (the pair's generation, its DER encoding, the private key's encryption), which
//! calibrates the simulator's service times of both GenerateDataKeyPair operations; and
//! `engine/ml-kem/raw-vs-engine`: ML-KEM-768 decryption bare, through the provider seam and
//! through the engine, side by side.
//!
//! Each benchmark does what its `crypto/asymmetric/<provider>/<spec>/<operation>` twin does
//! (the spec's first signing algorithm on a 64-byte RAW message; RSAES-OAEP-SHA-256 or
//! kmsim's KEM-DEM of a 32-byte data key; ECDH), and is followed by that twin,
//! `…/<spec>/<provider>/seam` (the provider's `Asymmetric` alone, DER keys in), so the two
//! differ by the engine's own work and are measured seconds apart.
//!
//! Keys are created lazily, inside the first run of the first benchmark that needs them, and
//! kept for the others (one engine per provider): a filtered run generates only the keys it
//! uses, and a run generates each (provider, spec, usage) key once, outside every timed loop.
//! So are the signatures Verify checks and the ciphertexts Decrypt opens: criterion calls a
//! benchmark's closure once per sample, and RSA-4096 on RustCrypto takes 20 ms a signature.

use std::collections::BTreeMap;
use std::hint::black_box;

use ::engine::api::{
    CreateKeyRequest, DecryptRequest, DeriveSharedSecretRequest, EncryptRequest,
    GenerateDataKeyPairRequest, SignRequest, VerifyRequest,
};
use ::engine::audit::AuditSink;
use ::engine::crypto::ProviderKind;
use ::engine::crypto::asymmetric::SignInput;
use ::engine::spec::{
    DataKeyPairSpec, EncryptionAlgorithmSpec, KeyAgreementAlgorithmSpec, KeySpec, KeyUsage,
    MessageType, SigningAlgorithmSpec,
};
use ::engine::{CallContext, Engine, KeyId};
use criterion::{BatchSize, Bencher, BenchmarkId, Criterion, SamplingMode, Throughput};

use crate::asymmetric::{
    MESSAGE, PAYLOAD, SPECS, define_provider_ml_kem_768_decrypt, define_raw_ml_kem_768,
    encryption_algorithm, key_pair, rng, signing_algorithm,
};
use crate::engine::BATCH;

/// One provider's engine and what its benchmarks made so far.
struct Fixture {
    kind: ProviderKind,
    kms: Engine,
    ctx: CallContext,
    /// A SYMMETRIC_DEFAULT key, which wraps data key pairs.
    symmetric: KeyId,
    keys: BTreeMap<(KeySpec, KeyUsage), KeyId>,
    /// A signature of [`MESSAGE`] per signing key spec.
    signatures: BTreeMap<KeySpec, Vec<u8>>,
    /// A ciphertext of [`PAYLOAD`] per encryption key spec.
    ciphertexts: BTreeMap<KeySpec, Vec<u8>>,
}

impl Fixture {
    fn new(kind: ProviderKind) -> Self {
        let (kms, ctx, symmetric) = crate::engine::engine(kind, AuditSink::CountOnly);
        Self {
            kind,
            kms,
            ctx,
            symmetric,
            keys: BTreeMap::new(),
            signatures: BTreeMap::new(),
            ciphertexts: BTreeMap::new(),
        }
    }

    /// The engine's key of `spec` for `usage`, created on first use.
    fn key(&mut self, spec: KeySpec, usage: KeyUsage) -> KeyId {
        if let Some(&key) = self.keys.get(&(spec, usage)) {
            return key;
        }
        let request = CreateKeyRequest::new().with_key_spec(spec).with_key_usage(usage);
        let key = self.kms.create_key(&self.ctx, request).unwrap().key_id();
        self.keys.insert((spec, usage), key);
        key
    }

    /// The engine's signature of [`MESSAGE`] under its `spec` signing key.
    fn signature(&mut self, spec: KeySpec, algorithm: SigningAlgorithmSpec) -> Vec<u8> {
        if let Some(signature) = self.signatures.get(&spec) {
            return signature.clone();
        }
        let key = self.key(spec, KeyUsage::SignVerify);
        let request = SignRequest::new(key, MESSAGE.to_vec(), algorithm);
        let signature = self.kms.sign(&self.ctx, request).unwrap().signature;
        self.signatures.insert(spec, signature.clone());
        signature
    }

    /// The engine's encryption of [`PAYLOAD`] under its `spec` encryption key.
    fn ciphertext(&mut self, spec: KeySpec, algorithm: EncryptionAlgorithmSpec) -> Vec<u8> {
        if let Some(ciphertext) = self.ciphertexts.get(&spec) {
            return ciphertext.clone();
        }
        let key = self.key(spec, KeyUsage::EncryptDecrypt);
        let request =
            EncryptRequest::new(key, PAYLOAD.to_vec()).with_encryption_algorithm(algorithm);
        let ciphertext = self.kms.encrypt(&self.ctx, request).unwrap().ciphertext_blob;
        self.ciphertexts.insert(spec, ciphertext.clone());
        ciphertext
    }
}

/// The specs DeriveSharedSecret takes (SM2 aside: neither provider implements it).
const AGREEMENT_SPECS: [KeySpec; 3] =
    [KeySpec::EccNistP256, KeySpec::EccNistP384, KeySpec::EccNistP521];

/// Runs `call` on a fresh clone of `request` per iteration, the clones made outside the
/// timing in batches of [`BATCH`], and the request hidden from the optimiser.
fn each_call<R: Clone, O>(b: &mut Bencher<'_>, request: &R, mut call: impl FnMut(R) -> O) {
    b.iter_batched(
        || request.clone(),
        |request| call(black_box(request)),
        BatchSize::NumIterations(BATCH),
    );
}

pub(crate) fn define(c: &mut Criterion) {
    let mut fixtures: Vec<Fixture> = ProviderKind::ALL.into_iter().map(Fixture::new).collect();
    let id = |spec: KeySpec, fixture: &Fixture| BenchmarkId::new(spec.as_str(), fixture.kind);
    // The same operation through the provider's `Asymmetric` alone, right after the engine's
    // (the asymmetric benches' key of the spec): on this shared machine only benchmarks a
    // few seconds apart give a ratio worth reading.
    let seam = |spec: KeySpec, fixture: &Fixture| {
        BenchmarkId::new(spec.as_str(), format!("{}/seam", fixture.kind))
    };

    let mut sign = c.benchmark_group("engine/sign");
    sign.throughput(Throughput::Elements(1));
    for spec in SPECS {
        let Some(algorithm) = signing_algorithm(spec) else { continue };
        for fx in &mut fixtures {
            sign.bench_function(id(spec, fx), |b| {
                let key = fx.key(spec, KeyUsage::SignVerify);
                let request = SignRequest::new(key, MESSAGE.to_vec(), algorithm);
                each_call(b, &request, |request| {
                    let out = fx.kms.sign(&fx.ctx, request).unwrap();
                    assert!(!out.signature.is_empty());
                    out
                });
            });
            let asymmetric = fx.kind.provider().asymmetric;
            let mut sign_rng = rng(3);
            sign.bench_function(seam(spec, fx), |b| {
                let pair = key_pair(spec);
                let input = SignInput { message: &MESSAGE, message_type: MessageType::Raw };
                b.iter(|| {
                    let private = pair.private_pkcs8.expose();
                    let signature = asymmetric
                        .sign(spec, algorithm, black_box(private), input, &mut sign_rng)
                        .unwrap();
                    assert!(!signature.is_empty());
                    signature
                });
            });
        }
    }
    sign.finish();

    let mut verify = c.benchmark_group("engine/verify");
    verify.throughput(Throughput::Elements(1));
    for spec in SPECS {
        let Some(algorithm) = signing_algorithm(spec) else { continue };
        for fx in &mut fixtures {
            verify.bench_function(id(spec, fx), |b| {
                let signature = fx.signature(spec, algorithm);
                let key = fx.key(spec, KeyUsage::SignVerify);
                let request = VerifyRequest::new(key, MESSAGE.to_vec(), signature, algorithm);
                each_call(b, &request, |request| {
                    let out = fx.kms.verify(&fx.ctx, request).unwrap();
                    assert!(out.signature_valid);
                    out
                });
            });
            let asymmetric = fx.kind.provider().asymmetric;
            let mut signature = None;
            verify.bench_function(seam(spec, fx), |b| {
                let pair = key_pair(spec);
                let input = SignInput { message: &MESSAGE, message_type: MessageType::Raw };
                let private = pair.private_pkcs8.expose();
                let signature = signature.get_or_insert_with(|| {
                    asymmetric.sign(spec, algorithm, private, input, &mut rng(2)).unwrap()
                });
                b.iter(|| {
                    let public = black_box(pair.public_spki.as_slice());
                    assert!(asymmetric.verify(spec, algorithm, public, input, signature).unwrap());
                });
            });
        }
    }
    verify.finish();

    // Encryption to the public key: not in the list, but the simulator's Encrypt
    // service times on key pairs come from it.
    let mut encrypt = c.benchmark_group("engine/encrypt");
    encrypt.throughput(Throughput::Elements(1));
    for spec in SPECS {
        let Some(algorithm) = encryption_algorithm(spec) else { continue };
        for fx in &mut fixtures {
            encrypt.bench_function(id(spec, fx), |b| {
                let key = fx.key(spec, KeyUsage::EncryptDecrypt);
                let request =
                    EncryptRequest::new(key, PAYLOAD.to_vec()).with_encryption_algorithm(algorithm);
                each_call(b, &request, |request| {
                    let out = fx.kms.encrypt(&fx.ctx, request).unwrap();
                    assert!(out.ciphertext_blob.len() > PAYLOAD.len());
                    out
                });
            });
            let asymmetric = fx.kind.provider().asymmetric;
            let mut encrypt_rng = rng(4);
            encrypt.bench_function(seam(spec, fx), |b| {
                let pair = key_pair(spec);
                b.iter(|| {
                    let public = black_box(pair.public_spki.as_slice());
                    let ciphertext = asymmetric
                        .encrypt(spec, algorithm, public, &PAYLOAD, &mut encrypt_rng)
                        .unwrap();
                    assert!(ciphertext.len() > PAYLOAD.len());
                    ciphertext
                });
            });
        }
    }
    encrypt.finish();

    let mut decrypt = c.benchmark_group("engine/decrypt");
    decrypt.throughput(Throughput::Elements(1));
    for spec in SPECS {
        let Some(algorithm) = encryption_algorithm(spec) else { continue };
        for fx in &mut fixtures {
            decrypt.bench_function(id(spec, fx), |b| {
                let request = decrypt_request(fx, spec, algorithm);
                each_call(b, &request, |request| {
                    let out = fx.kms.decrypt(&fx.ctx, request).unwrap();
                    assert_eq!(out.plaintext.expose(), PAYLOAD);
                    out
                });
            });
            let asymmetric = fx.kind.provider().asymmetric;
            let mut ciphertext = None;
            decrypt.bench_function(seam(spec, fx), |b| {
                let pair = key_pair(spec);
                let ciphertext = ciphertext.get_or_insert_with(|| {
                    asymmetric
                        .encrypt(spec, algorithm, &pair.public_spki, &PAYLOAD, &mut rng(4))
                        .unwrap()
                });
                b.iter(|| {
                    let private = pair.private_pkcs8.expose();
                    let plaintext = asymmetric
                        .decrypt(spec, algorithm, private, black_box(ciphertext))
                        .unwrap();
                    assert_eq!(plaintext.expose(), PAYLOAD);
                });
            });
        }
    }
    decrypt.finish();

    let mut derive = c.benchmark_group("engine/derive-shared-secret");
    derive.throughput(Throughput::Elements(1));
    for spec in AGREEMENT_SPECS {
        for fx in &mut fixtures {
            derive.bench_function(id(spec, fx), |b| {
                let key = fx.key(spec, KeyUsage::KeyAgreement);
                // The peer: the asymmetric benches' key pair of the same curve.
                let peer = key_pair(spec).public_spki;
                let request =
                    DeriveSharedSecretRequest::new(key, KeyAgreementAlgorithmSpec::Ecdh, peer);
                each_call(b, &request, |request| {
                    let out = fx.kms.derive_shared_secret(&fx.ctx, request).unwrap();
                    assert!(!out.shared_secret.expose().is_empty());
                    out
                });
            });
            let asymmetric = fx.kind.provider().asymmetric;
            let mut peer = None;
            derive.bench_function(seam(spec, fx), |b| {
                let pair = key_pair(spec);
                // A peer of the curve other than the key itself, made once.
                let peer = peer.get_or_insert_with(|| {
                    asymmetric.generate(spec, &mut rng(5)).unwrap().public_spki
                });
                b.iter(|| {
                    let private = pair.private_pkcs8.expose();
                    let secret =
                        asymmetric.derive_shared_secret(spec, private, black_box(peer)).unwrap();
                    assert!(!secret.is_empty());
                });
            });
        }
    }
    derive.finish();

    // A key generation per call: RSA-4096 takes about half a second and varies by ±40%
    // (a random prime search), so ten samples of equal length (criterion's flat sampling,
    // for long benchmarks); SM2 is refused outside China.
    let mut pairs = c.benchmark_group("engine/generate-data-key-pair");
    pairs.throughput(Throughput::Elements(1));
    pairs.sample_size(10);
    pairs.sampling_mode(SamplingMode::Flat);
    for pair_spec in DataKeyPairSpec::ALL.iter().copied().filter(|&s| s != DataKeyPairSpec::Sm2) {
        for fx in &mut fixtures {
            let request = GenerateDataKeyPairRequest::new(fx.symmetric, pair_spec);
            pairs.bench_function(BenchmarkId::new(pair_spec.as_str(), fx.kind), |b| {
                b.iter_batched(
                    || request.clone(),
                    |request| {
                        let out =
                            fx.kms.generate_data_key_pair(&fx.ctx, black_box(request)).unwrap();
                        assert!(!out.public_key.is_empty());
                        assert!(!out.private_key_plaintext.expose().is_empty());
                        out
                    },
                    BatchSize::PerIteration,
                );
            });
        }
    }
    pairs.finish();

    // ML-KEM-768: the bare decapsulation, kmsim's KEM-DEM through the provider seam, and
    // Decrypt through the engine, in one group so their ratios come from one run.
    let spec = KeySpec::KmsimMlKem768;
    let algorithm = EncryptionAlgorithmSpec::KmsimMlKemHkdfAes256Gcm;
    let mut group = c.benchmark_group("engine/ml-kem/raw-vs-engine");
    group.throughput(Throughput::Elements(1));
    define_raw_ml_kem_768(&mut group, false);
    for fx in &mut fixtures {
        define_provider_ml_kem_768_decrypt(&mut group, fx.kind);
        group.bench_function(format!("engine/{}/decrypt", fx.kind), |b| {
            let request = decrypt_request(fx, spec, algorithm);
            each_call(b, &request, |request| {
                let out = fx.kms.decrypt(&fx.ctx, request).unwrap();
                assert_eq!(out.plaintext.expose(), PAYLOAD);
                out
            });
        });
    }
    group.finish();
}

/// A Decrypt of the engine's ciphertext under its `spec` key: the key and the algorithm
/// named, as AWS requires for asymmetric keys.
fn decrypt_request(
    fx: &mut Fixture,
    spec: KeySpec,
    algorithm: EncryptionAlgorithmSpec,
) -> DecryptRequest {
    let ciphertext = fx.ciphertext(spec, algorithm);
    let key = fx.key(spec, KeyUsage::EncryptDecrypt);
    DecryptRequest::new(ciphertext).with_key_id(key).with_encryption_algorithm(algorithm)
}
