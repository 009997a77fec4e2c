//! `sim`: a deterministic discrete-event simulator that drives one KMS engine per Region
//! through a scenario.
//!
//! ```
//! use engine::Region;
//! use sim::scenario::{KeyGroup, OpKind, SECOND_NS, Workload, World};
//! use sim::{Scenario, Simulation};
//!
//! // One Region, three AZs of 4 HSMs, 10 keys, 500 requests/s for 5 simulated seconds.
//! let mut scenario = Scenario::new("example", World::standard(&[Region::US_EAST_1], 4), 5 * SECOND_NS);
//! scenario.keys.push(KeyGroup::symmetric("app", 10, Region::US_EAST_1));
//! scenario.workloads.push(
//!     Workload::poisson("web", Region::US_EAST_1, "app", 500.0)
//!         .with_mix(&[(OpKind::Encrypt, 1), (OpKind::Decrypt, 1)]),
//! );
//! let report = Simulation::new(scenario, 42)?.run();
//! assert_eq!(report.counters.ok, report.counters.requests);
//! # Ok::<(), sim::SimError>(())
//! ```
//!
//! ```text
//!  workload ─arrival─▶ SDK client ─network─▶ front door ─────────▶ AZ: HSM queue ─▶ engine call
//!  (open/closed loop,  (retry quota,          (quota admission:     (servers, FIFO,   at virtual
//!   key choice, mix,    backoff, adaptive      Engine::admit;        bound → Throttling) time `now`
//!   data-key cache)     limiter, failover)     least-loaded AZ)           │
//!      ▲                                                                    │
//!      └──────── latency from the intended send time ◀──network◀────────────┘
//!  engine outboxes ─▶ sampled lag (held by partitions, Region outages) ─▶ other engines
//! ```
//!
//! - [`scenario`]: what to simulate, as plain data (world, keys, workloads, faults, actions,
//!   clients); [`dist`]: the distributions in it.
//! - [`simulation`]: [`Simulation::new`], [`Simulation::step_until`], [`Simulation::run`] and
//!   the [`Report`]; [`metrics`]: histograms, time series, usage counters.
//! - The kernel: [`time`] (integer-nanosecond virtual time), [`queue`] (events ordered by
//!   time, then insertion), [`rng`] (named streams of one master seed).
//! - [`retry`]: the AWS SDK retry modes (standard, its 2026 update, adaptive).
//! - [`station`]: a bare c-server FIFO station, checked against queueing theory.
//! - [`smoke`]: a deterministic mix of calls against one engine (`kmsim smoke`).

pub mod cost;
pub mod dist;
pub mod metrics;
mod node;
pub mod plot;
pub mod pricing;
pub mod queue;
pub mod report;
pub mod retry;
pub mod rng;
pub mod scenario;
pub mod scenario_file;
pub mod simulation;
pub mod station;
mod tally;
pub mod time;
mod workload;

pub use scenario::Scenario;
pub use simulation::{Report, SimError, Simulation};

use std::collections::BTreeMap;

use engine::api::*;
use engine::audit::AuditSink;
use engine::crypto::ProviderKind;
use engine::spec::{DataKeySpec, KeySpec, MacAlgorithmSpec};
use engine::{CallContext, Engine, EngineConfig, KeyId, Region, Request, Response, Timestamp};
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng as _, SeedableRng as _};
use serde::Serialize;

/// What to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SmokeConfig {
    /// Master seed: the engine's generator and the workload's draws derive from it.
    pub seed: u64,
    /// Crypto provider of the engine.
    pub provider: ProviderKind,
    /// Symmetric keys to create.
    pub keys: u32,
    /// Data-plane requests to make.
    pub requests: u32,
}

/// The start of the run: 2026-11-30T00:00:00Z.
const START: Timestamp = Timestamp::from_unix_seconds(1_796_000_000);
/// Virtual time between two CreateKey calls of the setup [ns]: CreateKey's quota is 5/s.
const CREATE_KEY_SPACING_NS: u64 = 200_000_000;
/// Virtual time between two requests [ns].
const REQUEST_SPACING_NS: u64 = 1_000_000;

/// What happened, by operation and outcome. Every field is deterministic in the config.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SmokeSummary {
    /// The master seed (first, so a run can always be reproduced).
    pub seed: u64,
    /// The crypto provider.
    pub provider: &'static str,
    /// The Region of the engine.
    pub region: String,
    /// Requests made, including setup calls.
    pub requests_total: u64,
    /// Outcome counts: operation → (`OK` or the AWS exception name) → count.
    pub outcomes: BTreeMap<&'static str, BTreeMap<&'static str, u64>>,
    /// Bytes of ciphertext produced by Encrypt and GenerateDataKey.
    pub ciphertext_bytes_total: u64,
    /// Audit events counted by the engine (calls plus time-driven events).
    pub audit_events_total: u64,
    /// Keys deleted when their deletion window ended.
    pub keys_deleted: u64,
    /// A fingerprint of every response (FNV-1a over ciphertexts, MACs, plaintexts and data
    /// keys), so two runs can be compared byte for byte without printing a secret.
    pub response_fingerprint: String,
}

/// 64-bit FNV-1a: a cheap, stable fingerprint (not a security function).
fn fnv1a(state: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(state, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Runs the smoke mix: creates keys, then `requests` draws of Encrypt (40%), Decrypt of an
/// earlier ciphertext (25%), GenerateDataKey (20%), GenerateMac + VerifyMac (10%) and a
/// Decrypt under the wrong encryption context (5%); three quarters through, one key is
/// scheduled for deletion and time jumps past its 7-day window.
///
/// # Panics
/// If the engine rejects a setup call (creating keys), which would be an engine bug.
#[must_use]
pub fn smoke(config: SmokeConfig) -> SmokeSummary {
    let mut kms = Engine::new(
        EngineConfig::new(Region::US_EAST_1, config.seed)
            .with_provider(config.provider)
            .with_audit_sink(AuditSink::CountOnly),
    );
    // The workload draws from its own stream, so the engine's draws do not shift it.
    let mut workload = ChaCha8Rng::seed_from_u64(config.seed);
    workload.set_stream(1);
    let principal = "arn:aws:iam::111122223333:role/smoke".parse().expect("a valid principal ARN");
    let mut ctx = CallContext::new(principal, START);

    let mut summary = SmokeSummary {
        seed: config.seed,
        provider: config.provider.as_str(),
        region: Region::US_EAST_1.to_string(),
        requests_total: 0,
        outcomes: BTreeMap::new(),
        ciphertext_bytes_total: 0,
        audit_events_total: 0,
        keys_deleted: 0,
        response_fingerprint: String::new(),
    };
    let mut fingerprint = 0xcbf2_9ce4_8422_2325_u64;

    // Setup calls are spaced to stay within CreateKey's 5 requests/s quota.
    let mut create = |request: CreateKeyRequest| {
        ctx.now = ctx.now.plus_nanos(CREATE_KEY_SPACING_NS);
        kms.create_key(&ctx, request).expect("CreateKey succeeds within its quota").key_id()
    };
    let keys: Vec<KeyId> =
        (0..config.keys.max(1)).map(|_| create(CreateKeyRequest::new())).collect();
    let mac_key = create(CreateKeyRequest::hmac(KeySpec::Hmac256));
    let start = ctx.now;
    summary.requests_total += keys.len() as u64 + 1;

    let mut ciphertexts: Vec<(Vec<u8>, engine::crypto::blob::EncryptionContext)> = Vec::new();
    let deletion_at = u64::from(config.requests) * 3 / 4;
    for i in 0..u64::from(config.requests) {
        ctx.now = start.plus_nanos(i * REQUEST_SPACING_NS);
        if i == deletion_at && keys.len() > 1 {
            let request = ScheduleKeyDeletionRequest::new(keys[0]).with_pending_window_in_days(7);
            summary.requests_total += 1;
            record(
                &mut summary,
                "ScheduleKeyDeletion",
                kms.schedule_key_deletion(&ctx, request).map(|_| ()),
            );
            kms.advance_to(ctx.now.plus_days(7));
            summary.keys_deleted += kms.drain_events().len() as u64;
        }
        if i >= deletion_at {
            ctx.now = ctx.now.plus_days(7);
        }
        let key = keys[(workload.next_u32() as usize) % keys.len()];
        let roll = workload.next_u32() % 100;
        let tenant = format!("tenant-{}", workload.next_u32() % 8);
        let ec: engine::crypto::blob::EncryptionContext = [("tenant".to_owned(), tenant)].into();
        let request: Request = match roll {
            0..40 => {
                let mut plaintext = vec![0u8; 1 + (workload.next_u32() % 4096) as usize];
                workload.fill_bytes(&mut plaintext);
                EncryptRequest::new(key, plaintext).with_encryption_context(ec.clone()).into()
            }
            40..65 if !ciphertexts.is_empty() => {
                let (blob, ec) = &ciphertexts[(workload.next_u32() as usize) % ciphertexts.len()];
                DecryptRequest::new(blob.clone()).with_encryption_context(ec.clone()).into()
            }
            40..85 => GenerateDataKeyRequest::new(key, DataKeySpec::Aes256)
                .with_encryption_context(ec.clone())
                .into(),
            85..95 => GenerateMacRequest::new(
                mac_key,
                ec["tenant"].as_bytes(),
                MacAlgorithmSpec::HmacSha256,
            )
            .into(),
            _ if !ciphertexts.is_empty() => {
                let (blob, _) = &ciphertexts[(workload.next_u32() as usize) % ciphertexts.len()];
                DecryptRequest::new(blob.clone())
                    .with_encryption_context([("tenant".to_owned(), "wrong".to_owned())].into())
                    .into()
            }
            _ => GenerateRandomRequest::new(32).into(),
        };
        let operation = request.operation();
        summary.requests_total += 1;
        let response = kms.handle(&ctx, request);
        match &response {
            Ok(Response::Encrypt(r)) => {
                summary.ciphertext_bytes_total += r.ciphertext_blob.len() as u64;
                fingerprint = fnv1a(fingerprint, &r.ciphertext_blob);
                ciphertexts.push((r.ciphertext_blob.clone(), ec));
            }
            Ok(Response::GenerateDataKey(r)) => {
                summary.ciphertext_bytes_total += r.ciphertext_blob.len() as u64;
                fingerprint = fnv1a(fingerprint, &r.ciphertext_blob);
                fingerprint = fnv1a(fingerprint, r.plaintext.expose());
            }
            Ok(Response::Decrypt(r)) => {
                fingerprint = fnv1a(fingerprint, r.plaintext.expose());
            }
            Ok(Response::GenerateRandom(r)) => {
                fingerprint = fnv1a(fingerprint, r.plaintext.expose());
            }
            Ok(Response::GenerateMac(r)) => {
                fingerprint = fnv1a(fingerprint, &r.mac);
                let verify = VerifyMacRequest::new(
                    mac_key,
                    ec["tenant"].as_bytes(),
                    MacAlgorithmSpec::HmacSha256,
                    r.mac.clone(),
                );
                summary.requests_total += 1;
                record(&mut summary, "VerifyMac", kms.verify_mac(&ctx, verify).map(|_| ()));
            }
            Ok(_) | Err(_) => {}
        }
        record(&mut summary, operation.as_str(), response.map(|_| ()));
    }
    summary.audit_events_total = kms.audit_log().counts().total;
    summary.response_fingerprint = format!("{fingerprint:016x}");
    summary
}

fn record(
    summary: &mut SmokeSummary,
    operation: &'static str,
    outcome: Result<(), engine::KmsError>,
) {
    let outcome = match outcome {
        Ok(()) => "OK",
        Err(e) => e.aws_code(),
    };
    *summary.outcomes.entry(operation).or_default().entry(outcome).or_default() += 1;
}
