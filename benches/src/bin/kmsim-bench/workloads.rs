//! The gate's fixed set of workloads: representative paths whose instruction counts CI
//! tracks. Each builds its inputs first, then runs its operations inside [`measured`], the
//! one function callgrind counts (`--toggle-collect`), and checks every result afterwards.

use std::hint::black_box;

use engine::api::{CreateKeyRequest, DecryptRequest, EncryptRequest, GenerateDataKeyRequest};
use engine::audit::AuditSink;
use engine::crypto::ProviderKind;
use engine::quota::QuotaConfig;
use engine::spec::{DataKeySpec, MacAlgorithmSpec};
use engine::{CallContext, Engine, EngineConfig, KeyId, Region, Timestamp};
use sim::station::simulate;
use sim::{Scenario, Simulation};

/// The symbol callgrind's `--toggle-collect` matches: only what runs inside is counted.
pub(crate) const MEASURED_SYMBOL: &str = "*kmsim_bench::workloads::measured*";

/// Runs `work` where callgrind counts it. Never inlined, so the symbol exists.
#[inline(never)]
fn measured(work: &mut dyn FnMut()) {
    work();
}

/// One tracked workload.
#[derive(Debug)]
pub(crate) struct Workload {
    /// Stable name, the key of the baseline: `area/operation/parameters/provider`.
    pub(crate) name: &'static str,
    /// Operations per run; the gate reports instructions per operation.
    pub(crate) operations: u64,
    run: fn(operations: u64),
}

impl Workload {
    /// Runs the workload with `operations` operations inside the measured region (more than
    /// [`Workload::operations`] to slow it down on purpose).
    pub(crate) fn run(&self, operations: u64) {
        (self.run)(operations);
    }
}

/// Every workload, in report order.
pub(crate) const ALL: &[Workload] = &[
    Workload { name: "crypto/aes-256-gcm-seal/1KiB/aws-lc-rs", operations: 200, run: aes_gcm_seal },
    Workload { name: "crypto/hkdf-sha256/32B/aws-lc-rs", operations: 200, run: hkdf },
    Workload { name: "crypto/hmac-sha256/1KiB/aws-lc-rs", operations: 200, run: hmac },
    Workload { name: "engine/Encrypt/1KiB/aws-lc-rs", operations: 200, run: encrypt_aws_lc },
    Workload { name: "engine/Encrypt/1KiB/rustcrypto", operations: 200, run: encrypt_rustcrypto },
    Workload {
        name: "engine/Encrypt/1KiB/insecure-modelling",
        operations: 200,
        run: encrypt_modelling,
    },
    Workload { name: "engine/Decrypt/1KiB/aws-lc-rs", operations: 200, run: decrypt },
    Workload { name: "engine/GenerateDataKey/aws-lc-rs", operations: 200, run: generate_data_key },
    Workload { name: "envelope/64KiB-object/aws-lc-rs", operations: 20, run: envelope },
    Workload { name: "sim/events/mm1", operations: 20_000, run: mm1 },
    Workload { name: "sim/kms/insecure-modelling", operations: 5_000, run: sim_kms_modelling },
    Workload { name: "sim/kms/aws-lc-rs", operations: 2_000, run: sim_kms_aws_lc },
];

/// The workload called `name`.
pub(crate) fn find(name: &str) -> Option<&'static Workload> {
    ALL.iter().find(|w| w.name == name)
}

const KEY: [u8; 32] = [7; 32];
const NONCE: [u8; 12] = [9; 12];

fn aes_gcm_seal(operations: u64) {
    let aead = ProviderKind::AwsLcRs.provider().aes_256_gcm;
    let mut buffers: Vec<Vec<u8>> = (0..operations).map(|_| vec![5u8; 1024]).collect();
    let mut tags = Vec::with_capacity(buffers.len());
    measured(&mut || {
        for buffer in &mut buffers {
            tags.push(aead.seal(&KEY, &NONCE, b"", black_box(buffer)));
        }
    });
    assert!(tags.iter().all(Result::is_ok));
    assert!(buffers.iter().all(|b| b == &buffers[0] && b != &[5u8; 1024]));
}

fn hkdf(operations: u64) {
    let kdf = ProviderKind::AwsLcRs.provider().hkdf_sha256;
    let mut keys = vec![[0u8; 32]; usize::try_from(operations).unwrap_or(usize::MAX)];
    let mut results = Vec::with_capacity(keys.len());
    measured(&mut || {
        for (salt, okm) in (0u64..).zip(&mut keys) {
            results.push(kdf.derive(&salt.to_le_bytes(), &KEY, b"info", black_box(okm)));
        }
    });
    assert!(results.iter().all(Result::is_ok));
    assert!(keys.len() < 2 || keys[0] != keys[1]);
}

fn hmac(operations: u64) {
    let mac = ProviderKind::AwsLcRs.provider().hmac;
    let message = vec![3u8; 1024];
    let mut tags = Vec::new();
    measured(&mut || {
        for _ in 0..operations {
            tags.push(mac.sign(MacAlgorithmSpec::HmacSha256, &KEY, black_box(&message)));
        }
    });
    assert!(tags.iter().all(|t| t.len() == 32 && *t == tags[0]));
}

fn engine(provider: ProviderKind) -> (Engine, CallContext, KeyId) {
    let mut kms = Engine::new(
        EngineConfig::new(Region::US_EAST_1, 1)
            .with_provider(provider)
            .with_audit_sink(AuditSink::CountOnly)
            .with_quotas(QuotaConfig::disabled()),
    );
    let ctx = CallContext::new(
        "arn:aws:iam::111122223333:role/gate".parse().expect("a valid ARN"),
        Timestamp::from_unix_seconds(1_796_000_000),
    );
    let key = kms.create_key(&ctx, CreateKeyRequest::new()).expect("a new key").key_id();
    (kms, ctx, key)
}

fn encrypt_with(provider: ProviderKind, operations: u64) {
    let (mut kms, ctx, key) = engine(provider);
    let mut requests: Vec<EncryptRequest> =
        (0..operations).map(|_| EncryptRequest::new(key, vec![7u8; 1024])).collect();
    let mut responses = Vec::with_capacity(requests.len());
    measured(&mut || {
        for request in requests.drain(..) {
            responses.push(kms.encrypt(&ctx, black_box(request)));
        }
    });
    assert_eq!(responses.len() as u64, operations);
    for response in responses {
        let blob = response.expect("Encrypt succeeds").ciphertext_blob;
        assert_eq!(blob.len(), 1024 + engine::crypto::blob::OVERHEAD);
    }
}

fn encrypt_aws_lc(operations: u64) {
    encrypt_with(ProviderKind::AwsLcRs, operations);
}

fn encrypt_rustcrypto(operations: u64) {
    encrypt_with(ProviderKind::RustCrypto, operations);
}

fn encrypt_modelling(operations: u64) {
    encrypt_with(ProviderKind::InsecureModelling, operations);
}

fn decrypt(operations: u64) {
    let (mut kms, ctx, key) = engine(ProviderKind::AwsLcRs);
    let blob = kms.encrypt(&ctx, EncryptRequest::new(key, vec![7u8; 1024])).expect("sealed");
    let mut requests: Vec<DecryptRequest> =
        (0..operations).map(|_| DecryptRequest::new(blob.ciphertext_blob.clone())).collect();
    let mut responses = Vec::with_capacity(requests.len());
    measured(&mut || {
        for request in requests.drain(..) {
            responses.push(kms.decrypt(&ctx, black_box(request)));
        }
    });
    for response in responses {
        assert_eq!(response.expect("Decrypt succeeds").plaintext.expose(), [7u8; 1024]);
    }
}

fn generate_data_key(operations: u64) {
    let (mut kms, ctx, key) = engine(ProviderKind::AwsLcRs);
    let mut responses = Vec::new();
    measured(&mut || {
        for _ in 0..operations {
            let request = GenerateDataKeyRequest::new(key, DataKeySpec::Aes256);
            responses.push(kms.generate_data_key(&ctx, black_box(request)));
        }
    });
    for response in responses {
        assert_eq!(response.expect("GenerateDataKey succeeds").plaintext.len(), 32);
    }
}

/// One 64 KiB object per operation: a GenerateDataKey, then AES-GCM under the data key.
fn envelope(operations: u64) {
    let (mut kms, ctx, key) = engine(ProviderKind::AwsLcRs);
    let aead = ProviderKind::AwsLcRs.provider().aes_256_gcm;
    let mut objects: Vec<Vec<u8>> = (0..operations).map(|_| vec![1u8; 64 * 1024]).collect();
    let mut sealed = Vec::new();
    measured(&mut || {
        for object in &mut objects {
            let request = GenerateDataKeyRequest::new(key, DataKeySpec::Aes256);
            let data_key = kms.generate_data_key(&ctx, request).expect("a data key");
            let key: [u8; 32] = data_key.plaintext.expose().try_into().expect("32 bytes");
            sealed.push((aead.seal(&key, &NONCE, b"", object), data_key.ciphertext_blob));
        }
    });
    assert!(sealed.iter().all(|(tag, blob)| tag.is_ok() && !blob.is_empty()));
}

fn mm1(operations: u64) {
    let config = benches::mm1_station(operations);
    let mut events = 0;
    measured(&mut || events = simulate(black_box(&config), 1).events);
    assert_eq!(events, 2 * operations);
}

/// The benches' steady scenario (one Region, three AZs, 100 keys, a mixed load at
/// 10,000 requests/s), as long as `requests` takes.
fn sim_kms(provider: ProviderKind, requests: u64) {
    let duration_ns = requests * 100_000;
    let mut scenario = Scenario::steady("gate", 10_000.0, duration_ns);
    scenario.provider = provider;
    let mut simulation = Some(Simulation::new(scenario, 1).expect("a valid scenario"));
    let mut report = None;
    measured(&mut || report = simulation.take().map(Simulation::run));
    let counters = report.expect("the run finished").counters;
    assert!(counters.requests > requests / 2, "{} requests", counters.requests);
    assert_eq!(counters.ok, counters.requests);
}

fn sim_kms_modelling(requests: u64) {
    sim_kms(ProviderKind::InsecureModelling, requests);
}

fn sim_kms_aws_lc(requests: u64) {
    sim_kms(ProviderKind::AwsLcRs, requests);
}
