//! The simulation: the event loop that drives one engine per Region through a scenario.
//!
//! ```text
//!  workload ──arrival──▶ client ──network──▶ Region front door ──▶ AZ (HSM queue) ──▶ engine
//!     ▲                    │  ▲               (quota admission,      (servers, FIFO)   call at
//!     │                    │  └──retry/backoff─ routing to a                            `now`
//!     │                    │     failover       healthy AZ)                               │
//!     └──latency recorded◀─┴◀─────────────────────────network────────────────────────────┘
//!
//!  engine outboxes ──sampled lag, held during partitions──▶ other Regions' engines
//! ```
//!
//! Every random draw comes from a named stream of the master seed (`network`, `service`,
//! `faults`, `workload/<name>`, `arrivals/<name>`, `retry/<name>`), so the same scenario and
//! seed give byte-identical results.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::rng::SimRng;
use engine::alarms::Alarm;
use engine::api::*;
use engine::audit::AuditSink;
use engine::crypto::blob::EncryptionContext;
use engine::quota::QuotaClass;
use engine::replication::ReplicationMessage;
use engine::spec::{
    DataKeyPairSpec, DataKeySpec, EncryptionAlgorithmSpec, KeyAgreementAlgorithmSpec, KeySpec,
    KeyUsage, SigningAlgorithmSpec,
};
use engine::{
    AccountId, CallContext, Engine, EngineConfig, ErrorKind, KeyId, KmsError, PrincipalArn, Region,
    Request, Response, Timestamp,
};
use rand_core::Rng as _;
use serde::Serialize;

use crate::dist::{Dist, Sampler, uniform_below};
use crate::metrics::{
    IntervalRow, Latency, LatencyHistograms, LatencyKey, LatencyRow, SerialisedHistogram,
    UsageCounters,
};
use crate::node::{Leg, Legs, LittleCounters, RegionNode};
use crate::pricing;
use crate::queue::EventQueue;
use crate::retry::adaptive::{ClientRateLimiter, RequestKind};
use crate::retry::{Attempts, Decision, ErrorClass, RetryConfig, RetryQuota, classify};
use crate::rng::Streams;
use crate::scenario::{
    ActionKind, Arrivals, FaultKind, MILLISECOND_NS, OpKind, RetryMode, SECOND_NS, Scenario,
    Workload,
};
use crate::tally::Tally;
use crate::time::SimTime;
use crate::workload::{ArrivalProcess, KeyCache, KeyPicker, MixPicker};

/// The engine time of the start of every run: 2026-11-30T00:00:00Z.
pub const START: Timestamp = Timestamp::from_unix_seconds(1_796_000_000);
/// Engine time between two setup calls [ns]: the per-API quotas of CreateKey, ReplicateKey
/// and EnableKeyRotation are 5 per second.
const SETUP_SPACING_NS: u64 = 200_000_000;
/// How long a run may go on after its duration to let requests in flight finish [ns].
const DRAIN_LIMIT_NS: u64 = 300 * SECOND_NS;
/// Ciphertexts (signatures) kept per key for Decrypt and ReEncrypt (Verify).
const POOL_PER_KEY: usize = 4;
/// The message a signing key signs when it is created, as (token, length [bytes]): no
/// request has token 0.
const SETUP_MESSAGE: (u64, u32) = (0, 32);
/// No closed-loop caller.
const NO_THREAD: u32 = u32::MAX;
/// The longest payload built for a request [bytes]: one more than Encrypt and GenerateMac
/// accept, so a larger size still gets the ValidationException a real KMS returns without
/// allocating the whole object.
const BUILT_PAYLOAD_MAX: u32 = 4_097;
/// How fast a client encrypts an object locally under a cached data key [bytes/ns]:
/// AES-256-GCM at about 2 GB/s.
const LOCAL_BYTES_PER_NS: u64 = 2;

/// A scenario that cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimError {
    /// What is wrong, naming the scenario item.
    pub message: String,
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SimError {}

fn invalid(message: impl Into<String>) -> SimError {
    SimError { message: message.into() }
}

/// An event: 16 bytes, so a pending one with its (time, sequence) key is 32. What a trip
/// through an AZ needs is in its [`Leg`], not in the events.
#[derive(Clone, Copy, Debug)]
enum Event {
    Arrival {
        workload: u32,
    },
    Think {
        workload: u32,
        thread: u32,
    },
    /// An attempt is due to leave the client (after a backoff).
    Send {
        slot: u32,
    },
    /// The attempt leaves now (the rate limiter has been paid).
    Transmit {
        slot: u32,
    },
    FrontDoor {
        slot: u32,
        attempt: u64,
    },
    /// An attempt reaches the AZ its leg names.
    AtAz {
        leg: u32,
    },
    /// An HSM has finished the attempt of a leg.
    ServiceDone {
        leg: u32,
    },
    Reply {
        slot: u32,
        attempt: u64,
    },
    /// The earliest pending attempt deadline is due.
    Timeouts,
    Replicate {
        message: u32,
    },
    FaultStart {
        fault: u32,
    },
    FaultEnd {
        fault: u32,
    },
    Drain {
        region: u16,
        az: u16,
        epoch: u32,
    },
    Action {
        action: u32,
        key: u32,
    },
    Tick,
    End,
}

// The event kernel moves entries of the key and an event on every heap level: keep them 32
// bytes.
const _: () = assert!(size_of::<Event>() == 16);

/// What an attempt came back with. A success is reduced, when the engine answers, to what
/// the client keeps of it, so the slot never holds a whole `Response`.
#[derive(Debug)]
enum Answer {
    /// Success, with the ciphertext or signature the client pools for later calls, if any.
    Ok(Option<Pooled>),
    Err(KmsError),
    ConnectionError,
}

/// What a decrypted plaintext must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// The payload made from this token.
    Payload { token: u64, len: u32 },
    /// A data key with this fingerprint.
    DataKey(u64),
}

/// An acknowledged ciphertext.
#[derive(Clone, Debug)]
struct Pooled {
    /// Shared: a request takes a reference when it picks the ciphertext, and copies the
    /// bytes only into the request it sends (the engine decrypts in that copy).
    blob: Arc<Vec<u8>>,
    tenant: u32,
    expect: Expect,
    origin: u16,
}

/// One request, from arrival to its final answer.
#[derive(Debug)]
struct InFlight {
    workload: u32,
    thread: u32,
    /// The SDK client instance of the workload that sends it.
    client: u32,
    op: OpKind,
    key: u32,
    payload_len: u32,
    token: u64,
    tenant: u32,
    intended: SimTime,
    /// The current attempt's id; answers to older attempts are ignored.
    attempt: u64,
    outstanding: bool,
    attempts: Attempts,
    limiter_kind: RequestKind,
    /// Index into the key's Regions of the Region tried now.
    region_choice: u8,
    failovers: u8,
    target: u16,
    /// The ciphertext a Decrypt or ReEncrypt works on.
    source: Option<Pooled>,
    request: Option<Request>,
    answer: Option<Answer>,
}

impl InFlight {
    /// A slot before its first request: [`Simulation::new_request`] sets every field.
    const fn vacant() -> Self {
        Self {
            workload: 0,
            thread: 0,
            client: 0,
            op: OpKind::Encrypt,
            key: 0,
            payload_len: 0,
            token: 0,
            tenant: 0,
            intended: SimTime::ZERO,
            attempt: 0,
            outstanding: false,
            attempts: Attempts { made: 0, last_cost: None },
            limiter_kind: RequestKind::Initial,
            region_choice: 0,
            failovers: 0,
            target: 0,
            source: None,
            request: None,
            answer: None,
        }
    }
}

#[derive(Debug)]
struct SimKey {
    id: KeyId,
    spec: KeySpec,
    account: AccountId,
    /// Region indices, primary first.
    regions: Vec<u16>,
    /// Its key group's index.
    group: u32,
    /// What billing needs: deletion windows, deletion, rotations.
    ledger: KeyLedger,
    /// A KEY_AGREEMENT key's client side, which DeriveSharedSecret calls use.
    peer: Option<Peer>,
}

/// The client side of ECDH with a KEY_AGREEMENT key: a peer key pair's public key, and a
/// fingerprint of the secret the peer derives offline from the key's public key (the one
/// every DeriveSharedSecret must return).
#[derive(Debug)]
struct Peer {
    public_key: Vec<u8>,
    secret: u64,
}

/// A key's billable history within the run.
#[derive(Debug, Default)]
struct KeyLedger {
    /// Deletion windows: (scheduled, cancelled); an open one ended in deletion or is still
    /// running.
    pending: Vec<(SimTime, Option<SimTime>)>,
    deleted: Option<SimTime>,
    /// Rotation times (automatic and on demand).
    rotations: Vec<SimTime>,
}

#[derive(Debug)]
struct KeyGroupInfo {
    name: String,
    first: u32,
    count: u32,
}

#[derive(Debug)]
struct WorkloadState {
    config: Workload,
    home: u16,
    first_key: u32,
    key_count: u32,
    keys: KeyPicker,
    mix: MixPicker,
    arrivals: ArrivalProcess,
    rng: SimRng,
    arrival_rng: SimRng,
    retry_rng: SimRng,
    /// The SDK client instances requests are spread over, round robin.
    clients: Vec<SdkClient>,
    next_client: u32,
    cache: KeyCache,
    /// Payload sizes, prepared.
    payload: Sampler,
    ctx: CallContext,
    /// The account of the workload's keys, and their group's index.
    account: AccountId,
    group: u32,
    end: SimTime,
}

/// One SDK client instance: its retry quota and, in adaptive mode, its rate limiter.
#[derive(Debug)]
struct SdkClient {
    retry_quota: RetryQuota,
    limiter: Option<ClientRateLimiter>,
}

/// Per-Region accumulators of the current interval.
#[derive(Debug, Default)]
struct IntervalAcc {
    completed: u64,
    ok: u64,
    errors: BTreeMap<&'static str, u64>,
    attempts: u64,
    throttles: u64,
    retries: u64,
    timeouts: u64,
    latency: Latency,
}

/// One replication message's trip.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReplicationTrip {
    /// The multi-Region key.
    pub key_id: String,
    /// From.
    pub source_region: String,
    /// To.
    pub destination_region: String,
    /// `Sync`, `Promote` or `ReplicaDeleted`.
    pub kind: &'static str,
    /// The shared-state version it carried.
    pub version: u64,
    /// When the source engine sent it [ns from the start].
    pub sent_ns: u64,
    /// When the destination engine applied it [ns from the start].
    pub delivered_ns: u64,
}

/// Whole-run counters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RunCounters {
    /// Events processed.
    pub events: u64,
    /// Requests that arrived.
    pub requests: u64,
    /// Requests with a final answer.
    pub completed: u64,
    /// Completed successfully.
    pub ok: u64,
    /// Attempts sent.
    pub attempts: u64,
    /// Retries scheduled.
    pub retries: u64,
    /// Attempts answered `ThrottlingException`.
    pub throttles: u64,
    /// Attempts that timed out on the client.
    pub timeouts: u64,
    /// Requests that moved to another Region after the SDK gave up on one.
    pub failovers: u64,
    /// Envelope objects encrypted under a cached data key.
    pub cache_hits: u64,
    /// Envelope objects that needed a GenerateDataKey.
    pub cache_misses: u64,
    /// Decrypts of an acknowledged ciphertext that failed in another Region than the one
    /// that made it (its material had not arrived yet).
    pub replica_decrypt_failures: u64,
    /// Requests dropped by an AZ that went down while holding them.
    pub dropped_by_az_loss: u64,
    /// Replication messages delivered.
    pub replication_delivered: u64,
    /// Control-plane actions that failed.
    pub action_errors: u64,
    /// Requests still unanswered when the drain limit ended the run.
    pub unfinished: u64,
}

/// Little's law on one AZ's counters, over the whole run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LittleCheck {
    /// The Region.
    pub region: String,
    /// The AZ.
    pub az: String,
    /// Requests that entered the AZ.
    pub arrivals: u64,
    /// Time-average number in the AZ (L).
    pub mean_in_system: f64,
    /// Arrival rate × mean time in the AZ (λW).
    pub arrival_rate_times_mean_sojourn: f64,
}

/// One alarm an engine raised (see `engine::alarms` for when it starts, grows and ends),
/// with times from the start of the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AlarmRow {
    /// The rule's name.
    pub rule: String,
    /// `error_rate`, `key_pending_deletion_used`, `disabled_key_used` or `call_volume`.
    pub kind: &'static str,
    /// The Region whose engine raised it.
    pub region: String,
    /// The key, for a per-key rule.
    pub key_arn: Option<String>,
    /// The key's account, or the calling account for a per-account rule.
    pub account: String,
    /// When the event that raised it happened [ns from the start; setup calls before the
    /// start count as 0].
    pub raised_ns: u64,
    /// When the oldest event of the window that raised it happened [ns from the start].
    pub first_event_ns: u64,
    /// When the latest event counted in it happened [ns from the start].
    pub last_event_ns: u64,
    /// Matching events from the first to the last.
    pub count: u64,
    /// The raising event's operation (`eventName`).
    pub event_name: &'static str,
    /// The raising event's error code, if it failed.
    pub error_code: Option<&'static str>,
    /// The raising event's caller.
    pub principal_arn: String,
}

impl AlarmRow {
    fn new(alarm: &Alarm) -> Self {
        let ns = |t: Timestamp| t.unix_nanos().saturating_sub(START.unix_nanos());
        Self {
            rule: alarm.rule.clone(),
            kind: alarm.kind.as_str(),
            region: alarm.region.to_string(),
            key_arn: alarm.key_arn.map(|arn| arn.to_string()),
            account: alarm.account.to_string(),
            raised_ns: ns(alarm.raised_time),
            first_event_ns: ns(alarm.first_event_time),
            last_event_ns: ns(alarm.last_event_time),
            count: alarm.count,
            event_name: alarm.sample.event_name,
            error_code: alarm.sample.error_code,
            principal_arn: alarm.sample.principal_arn.to_string(),
        }
    }
}

/// What a run produced: everything is deterministic in (scenario, seed).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The master seed.
    pub seed: u64,
    /// The scenario's name.
    pub scenario: String,
    /// The crypto provider.
    pub provider: &'static str,
    /// Simulated workload duration [ns].
    pub duration_ns: u64,
    /// When the last request was answered or replication message delivered, at least the
    /// duration [ns].
    pub ended_ns: u64,
    /// Whole-run counters.
    pub counters: RunCounters,
    /// Latency by (operation, Region, outcome).
    pub latency: Vec<LatencyRow>,
    /// The time series, by interval then Region.
    pub time_series: Vec<IntervalRow>,
    /// What the cost model prices.
    pub usage: UsageCounters,
    /// Every replication message's trip.
    pub replication: Vec<ReplicationTrip>,
    /// Little's law per AZ.
    pub little: Vec<LittleCheck>,
    /// The alarms the scenario's rules raised, in every Region, in the order they were
    /// raised.
    pub alarms: Vec<AlarmRow>,
    /// The histograms, serialised (merge exactly across runs and shards).
    pub histograms: Vec<SerialisedHistogram>,
    /// What the run cost in a month: scaled linearly from the run (the bill says how).
    pub cost: pricing::Bill,
}

/// A run in progress. See the module docs for the request path.
#[derive(Debug)]
pub struct Simulation {
    seed: u64,
    scenario: Scenario,
    now: SimTime,
    queue: EventQueue<Event>,
    regions: Vec<RegionNode>,
    /// One-way latency from a client in Region `i` to the endpoint of Region `j` [ns].
    paths: Vec<Vec<Sampler>>,
    /// The control plane's part of replication lag, prepared.
    replication_delay: Sampler,
    keys: Vec<SimKey>,
    groups: Vec<KeyGroupInfo>,
    pools: Vec<Vec<Pooled>>,
    workloads: Vec<WorkloadState>,
    /// The encryption context of each tenant (index 0: none), built once: cloning is
    /// cheaper than formatting one per attempt.
    contexts: Vec<EncryptionContext>,
    slots: Vec<InFlight>,
    /// Attempts on their way through an AZ.
    legs: Legs,
    free_slots: Vec<u32>,
    /// Attempt deadlines, in order: (when, slot, attempt).
    deadlines: std::collections::VecDeque<(SimTime, u32, u64)>,
    /// Whether a `Timeouts` event is pending (one at a time).
    timeouts_scheduled: bool,
    in_flight: u64,
    next_attempt: u64,
    next_token: u64,
    messages: Vec<Option<ReplicationMessage>>,
    free_messages: Vec<u32>,
    held: Vec<u32>,
    partitions: Vec<(u16, u16)>,
    replication_spikes: Vec<(u32, Dist)>,
    network_rng: SimRng,
    service_rng: SimRng,
    fault_rng: SimRng,
    histograms: LatencyHistograms,
    /// The histogram slot of each (operation, Region)'s successes, by
    /// `operation * Regions + Region`; `usize::MAX` until first used.
    ok_histogram_slots: Vec<usize>,
    intervals: Vec<IntervalAcc>,
    rows: Vec<IntervalRow>,
    interval_start: SimTime,
    usage: UsageCounters,
    /// Served and throttled requests by (account, Region, operation), as plain keys on the
    /// hot path; spelled out as strings only in the report.
    requests_by: Tally,
    throttled_by: Tally,
    /// Key index by key id, for the engines' events.
    key_index: BTreeMap<KeyId, u32>,
    key_ns: Vec<u128>,
    hsm_ns: Vec<u128>,
    counters: RunCounters,
    trips: Vec<ReplicationTrip>,
    quota_window: u64,
    /// Admitted requests in the current one-second quota window.
    quota_counts: Tally,
    ending: bool,
    finished: bool,
    /// The last answer or replication delivery, for the report's end time.
    last_activity: SimTime,
}

fn engine_time(t: SimTime) -> Timestamp {
    START.plus_nanos(t.as_nanos())
}

/// The payload of request `token`: cheap to make and to check again later. Word `i` is
/// `token ^ i * PAYLOAD_STEP`.
fn payload(token: u64, len: u32) -> Vec<u8> {
    // Room for what a blob adds, so the engine seals an Encrypt's payload into its
    // ciphertext blob in the same buffer.
    let mut bytes = Vec::with_capacity(len as usize + engine::crypto::blob::OVERHEAD);
    bytes.resize(len as usize, 0);
    let mut words = bytes.chunks_exact_mut(8);
    // The multiple is added up rather than multiplied, so the loop vectorises.
    let mut multiple = 0u64;
    for chunk in &mut words {
        chunk.copy_from_slice(&(token ^ multiple).to_le_bytes());
        multiple = multiple.wrapping_add(PAYLOAD_STEP);
    }
    let tail = words.into_remainder();
    let last = (token ^ multiple).to_le_bytes();
    tail.copy_from_slice(&last[..tail.len()]);
    bytes
}

/// The odd constant that makes each payload word differ from its neighbours.
const PAYLOAD_STEP: u64 = 0x9e37_79b9_7f4a_7c15;

/// Whether `bytes` is the payload of `token` of `len` bytes (without building it).
fn is_payload(bytes: &[u8], token: u64, len: u32) -> bool {
    if bytes.len() != len as usize {
        return false;
    }
    let mut words = bytes.chunks_exact(8);
    let mut multiple = 0u64;
    // Differences are ORed together rather than returned at the first, so the loop
    // vectorises; a mismatch is an invariant failure, never the common case.
    let mut difference = 0u64;
    for chunk in &mut words {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        difference |= word ^ token ^ multiple;
        multiple = multiple.wrapping_add(PAYLOAD_STEP);
    }
    let tail = words.remainder();
    difference == 0 && tail == &(token ^ multiple).to_le_bytes()[..tail.len()]
}

/// 64-bit FNV-1a (not a security function): a data key's fingerprint.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

fn context(tenant: u32) -> EncryptionContext {
    if tenant == 0 {
        EncryptionContext::new()
    } else {
        [("tenant".to_owned(), format!("tenant-{tenant}"))].into()
    }
}

fn u16_index(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn u32_index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl Simulation {
    /// Builds the world of `scenario`, creates its keys (before the start, spaced to stay
    /// within the control-plane quotas, replicas delivered and created), and schedules the
    /// workloads, faults and actions.
    ///
    /// # Errors
    /// [`SimError`] naming what in the scenario is inconsistent: an unknown Region, AZ or
    /// key group, a bad distribution, a workload without operations.
    pub fn new(scenario: Scenario, seed: u64) -> Result<Self, SimError> {
        validate(&scenario)?;
        let streams = Streams::new(seed);
        let region_index =
            |r: Region| scenario.world.regions.iter().position(|c| c.region == r).map(u16_index);
        let mut regions: Vec<RegionNode> = scenario
            .world
            .regions
            .iter()
            .map(|config| {
                let engine_seed = streams.get(&format!("engine/{}", config.region)).next_u64();
                let engine = Engine::new(
                    EngineConfig::new(config.region, engine_seed)
                        .with_provider(scenario.provider)
                        .with_audit_sink(AuditSink::CountOnly)
                        .with_quotas(config.quotas.clone())
                        .with_alarm_rules(scenario.alarms.clone())
                        .with_grant_propagation_ns(scenario.grant_propagation_ns),
                );
                RegionNode::new(config.clone(), engine)
            })
            .collect();
        for node in &mut regions {
            for p in &scenario.identity_policies {
                node.engine.put_identity_policy(&p.principal, &p.name, &p.document).map_err(
                    |e| invalid(format!("identity policy {} of {}: {e}", p.name, p.principal)),
                )?;
            }
        }
        let paths = scenario
            .world
            .regions
            .iter()
            .map(|from| {
                scenario
                    .world
                    .regions
                    .iter()
                    .map(|to| {
                        if from.region == to.region {
                            from.client_latency.sampler()
                        } else {
                            scenario.world.link(from.region, to.region).sampler()
                        }
                    })
                    .collect()
            })
            .collect();

        let mut peer_rng = streams.cryptographic("peers");
        let (keys, groups, pools) =
            create_keys(&scenario, &mut regions, &region_index, &mut peer_rng)?;
        let key_index = keys.iter().enumerate().map(|(i, k)| (k.id, u32_index(i))).collect();
        let retry_config = retry_config(scenario.client.retry);
        let mut workloads = Vec::new();
        for config in &scenario.workloads {
            let (group_index, group) =
                groups.iter().enumerate().find(|(_, g)| g.name == config.keys).ok_or_else(
                    || invalid(format!("workload {}: no key group {}", config.name, config.keys)),
                )?;
            let home = region_index(config.region).ok_or_else(|| {
                invalid(format!(
                    "workload {}: Region {} is not in the world",
                    config.name, config.region
                ))
            })?;
            let keys = KeyPicker::new(config.key_choice, group.count)
                .map_err(|e| invalid(format!("workload {}: {e}", config.name)))?;
            let account = keys_account(&scenario, &config.keys);
            let principal: PrincipalArn =
                format!("arn:aws:iam::{account}:role/{}", config.name).parse().map_err(
                    |e: KmsError| invalid(format!("workload {}: {}", config.name, e.message)),
                )?;
            let end = config
                .window_ns
                .map_or(scenario.duration_ns, |(_, end)| end.min(scenario.duration_ns));
            workloads.push(WorkloadState {
                home,
                first_key: group.first,
                key_count: group.count,
                keys,
                mix: MixPicker::new(&config.mix),
                arrivals: ArrivalProcess::new(config.arrivals.clone()),
                rng: streams.get(&format!("workload/{}", config.name)),
                arrival_rng: streams.get(&format!("arrivals/{}", config.name)),
                retry_rng: streams.get(&format!("retry/{}", config.name)),
                clients: (0..config.sdk_clients.max(1))
                    .map(|_| SdkClient {
                        retry_quota: RetryQuota::new(&retry_config),
                        limiter: matches!(scenario.client.retry, RetryMode::Adaptive(_))
                            .then(|| ClientRateLimiter::new(0)),
                    })
                    .collect(),
                next_client: 0,
                cache: KeyCache::default(),
                payload: config.payload_bytes.sampler(),
                ctx: CallContext::new(principal, START),
                account,
                group: u32_index(group_index),
                end: SimTime(end),
                config: config.clone(),
            });
        }

        let region_count = regions.len();
        let workload_count = workloads.len();
        let most_tenants = scenario.workloads.iter().map(|w| w.context_tenants).max().unwrap_or(0);
        let mut sim = Self {
            seed,
            now: SimTime::ZERO,
            queue: EventQueue::with_capacity(1 << 16),
            regions,
            paths,
            replication_delay: scenario.world.replication_delay.sampler(),
            keys,
            groups,
            pools,
            workloads,
            contexts: (0..=most_tenants).map(context).collect(),
            slots: Vec::new(),
            legs: Legs::default(),
            free_slots: Vec::new(),
            deadlines: std::collections::VecDeque::new(),
            timeouts_scheduled: false,
            in_flight: 0,
            next_attempt: 1,
            next_token: 1,
            messages: Vec::new(),
            free_messages: Vec::new(),
            held: Vec::new(),
            partitions: Vec::new(),
            replication_spikes: Vec::new(),
            network_rng: streams.get("network"),
            service_rng: streams.get("service"),
            fault_rng: streams.get("faults"),
            histograms: LatencyHistograms::default(),
            ok_histogram_slots: Vec::new(),
            intervals: (0..region_count).map(|_| IntervalAcc::default()).collect(),
            rows: Vec::new(),
            interval_start: SimTime::ZERO,
            usage: UsageCounters::default(),
            requests_by: Tally::new(workload_count, region_count),
            throttled_by: Tally::new(workload_count, region_count),
            key_index,
            key_ns: vec![0; region_count],
            hsm_ns: vec![0; region_count],
            counters: RunCounters::default(),
            trips: Vec::new(),
            quota_window: 0,
            quota_counts: Tally::new(workload_count, region_count),
            ending: false,
            finished: false,
            last_activity: SimTime::ZERO,
            scenario,
        };
        sim.schedule_start();
        Ok(sim)
    }

    fn schedule_start(&mut self) {
        for index in 0..self.workloads.len() {
            let w = &mut self.workloads[index];
            let start = SimTime(w.config.window_ns.map_or(0, |(start, _)| start));
            let workload = u32_index(index);
            if let Arrivals::Closed { clients, think } = &w.config.arrivals {
                for thread in 0..*clients {
                    let at = start.plus_nanos(think.sample(&mut w.arrival_rng));
                    if at < w.end {
                        self.queue.schedule(at, Event::Think { workload, thread });
                    }
                }
            } else if let Some(at) = w.arrivals.next_after(start, &mut w.arrival_rng)
                && at < w.end
            {
                self.queue.schedule(at, Event::Arrival { workload });
            }
        }
        for (index, fault) in self.scenario.faults.iter().enumerate() {
            self.queue
                .schedule(SimTime(fault.start_ns), Event::FaultStart { fault: u32_index(index) });
            if fault.end_ns != u64::MAX {
                self.queue
                    .schedule(SimTime(fault.end_ns), Event::FaultEnd { fault: u32_index(index) });
            }
        }
        for (index, action) in self.scenario.actions.iter().enumerate() {
            self.queue.schedule(
                SimTime(action.at_ns),
                Event::Action { action: u32_index(index), key: 0 },
            );
        }
        self.queue.schedule(SimTime(self.scenario.interval_ns), Event::Tick);
        self.queue.schedule(SimTime(self.scenario.duration_ns), Event::End);
    }

    /// The master seed.
    #[must_use]
    pub const fn seed(&self) -> u64 {
        self.seed
    }

    /// The current simulated time.
    #[must_use]
    pub const fn now(&self) -> SimTime {
        self.now
    }

    /// Whether the run has ended (duration reached and requests drained).
    #[must_use]
    pub const fn is_finished(&self) -> bool {
        self.finished
    }

    /// The engine of `region`, to inspect (tests read keys and audit counts through it).
    #[must_use]
    pub fn engine(&self, region: Region) -> Option<&Engine> {
        self.regions.iter().find(|r| r.region() == region).map(|r| &r.engine)
    }

    /// Processes every event up to and including `until`.
    ///
    /// # Panics
    /// If an invariant breaks (the message names the seed).
    pub fn step_until(&mut self, until: SimTime) {
        while let Some(at) = self.queue.peek_time() {
            if at > until {
                break;
            }
            let Some((at, event)) = self.queue.pop() else { break };
            self.now = at;
            self.counters.events += 1;
            self.dispatch(event);
        }
        if self.queue.is_empty() && !self.finished {
            self.finish();
        }
    }

    /// Runs to the end (the duration, then a drain of what is in flight, faults healed) and
    /// reports.
    ///
    /// # Panics
    /// If an invariant breaks (the message names the seed).
    pub fn run(mut self) -> Report {
        self.step_until(SimTime(u64::MAX));
        self.report()
    }

    fn dispatch(&mut self, event: Event) {
        match event {
            Event::Arrival { workload } => self.on_arrival(workload),
            Event::Think { workload, thread } => self.new_request(workload, thread),
            Event::Send { slot } => self.on_send(slot),
            Event::Transmit { slot } => self.transmit(slot),
            Event::FrontDoor { slot, attempt } => self.on_front_door(slot, attempt),
            Event::AtAz { leg } => self.on_at_az(leg),
            Event::ServiceDone { leg } => self.on_service_done(leg),
            Event::Reply { slot, attempt } => self.on_reply(slot, attempt),
            Event::Timeouts => self.on_timeouts(),
            Event::Replicate { message } => self.on_replicate(message),
            Event::FaultStart { fault } => self.apply_fault(fault, true),
            Event::FaultEnd { fault } => self.apply_fault(fault, false),
            Event::Drain { region, az, epoch } => {
                let az = &mut self.regions[usize::from(region)].azs[usize::from(az)];
                if !az.up && az.epoch == epoch {
                    az.drained = true;
                }
            }
            Event::Action { action, key } => self.on_action(action, key),
            Event::Tick => self.on_tick(),
            Event::End => self.on_end(),
        }
    }

    // ----- workloads and clients -----

    fn on_arrival(&mut self, workload: u32) {
        let w = &mut self.workloads[workload as usize];
        if let Some(at) = w.arrivals.next_after(self.now, &mut w.arrival_rng)
            && at < w.end
        {
            self.queue.schedule(at, Event::Arrival { workload });
        }
        self.new_request(workload, NO_THREAD);
    }

    fn new_request(&mut self, workload: u32, thread: u32) {
        self.counters.requests += 1;
        let now = self.now;
        let w = &mut self.workloads[workload as usize];
        let key = w.first_key + w.keys.pick(&mut w.rng).min(w.key_count - 1);
        let mut op = w.mix.pick(&mut w.rng);
        let payload_len = u32::try_from(w.payload.sample(&mut w.rng)).unwrap_or(u32::MAX);
        let tenant = if w.config.context_tenants == 0 {
            0
        } else {
            1 + u32::try_from(uniform_below(&mut w.rng, u64::from(w.config.context_tenants)))
                .unwrap_or(0)
        };
        if op == OpKind::EnvelopeEncrypt
            && let Some(limits) = w.config.data_key_cache
            && w.cache.try_use(&limits, key, u64::from(payload_len), now)
        {
            // The object is encrypted locally under a cached data key: no KMS call, only
            // the local AES-GCM time (at least a microsecond).
            let local_ns = (u64::from(payload_len) / LOCAL_BYTES_PER_NS).max(1_000);
            self.counters.cache_hits += 1;
            self.counters.completed += 1;
            self.counters.ok += 1;
            let home = w.home;
            let histogram = self.ok_histogram_slot(op, home);
            self.histograms.record_in(histogram, local_ns);
            let acc = &mut self.intervals[usize::from(home)];
            acc.completed += 1;
            acc.ok += 1;
            acc.latency.record(local_ns);
            self.next_cycle(workload, thread, local_ns);
            return;
        }
        if op == OpKind::EnvelopeEncrypt {
            self.counters.cache_misses += 1;
        }
        let source = if matches!(op, OpKind::Decrypt | OpKind::ReEncrypt | OpKind::Verify) {
            let newest = self.pools[key as usize].last().cloned();
            if newest.is_none() {
                // Nothing to decrypt yet (a signing key's pool starts with its setup
                // signature, and empties only when the key is deleted).
                op = if op == OpKind::Verify { OpKind::Sign } else { OpKind::Encrypt };
            }
            newest
        } else {
            None
        };
        if op == OpKind::GenerateMac && !self.keys[key as usize].spec.is_hmac() {
            op = OpKind::Encrypt;
        }
        let token = self.next_token;
        self.next_token += 1;
        let w = &self.workloads[workload as usize];
        let k = &self.keys[key as usize];
        // An MRK is called in the client's Region when it has a copy there, else at its
        // primary.
        let region_choice = k.regions.iter().position(|&r| r == w.home).unwrap_or(0);
        let w = &mut self.workloads[workload as usize];
        let client =
            if thread == NO_THREAD { w.next_client } else { thread } % u32_index(w.clients.len());
        w.next_client = (w.next_client + 1) % u32_index(w.clients.len());
        let (region_choice, target) =
            (u8::try_from(region_choice).unwrap_or(0), k.regions[region_choice]);
        let slot = self.free_slots.pop().unwrap_or_else(|| {
            self.slots.push(InFlight::vacant());
            u32_index(self.slots.len() - 1)
        });
        // Set in place: a slot is large (its request), and moving a whole new one in cost
        // two copies of it per request. A freed slot holds no source, request or answer.
        let r = &mut self.slots[slot as usize];
        r.workload = workload;
        r.thread = thread;
        r.client = client;
        r.op = op;
        r.key = key;
        r.payload_len = payload_len;
        r.token = token;
        r.tenant = tenant;
        r.intended = now;
        r.attempt = 0;
        r.outstanding = false;
        r.attempts = Attempts { made: 1, last_cost: None };
        r.limiter_kind = RequestKind::Initial;
        r.region_choice = region_choice;
        r.failovers = 0;
        r.target = target;
        r.source = source;
        self.in_flight += 1;
        self.on_send(slot);
    }

    /// Builds the engine request of the slot's current attempt.
    fn build_request(&self, slot: u32) -> Request {
        let context = |tenant: u32| {
            self.contexts.get(tenant as usize).cloned().unwrap_or_else(|| context(tenant))
        };
        let r = &self.slots[slot as usize];
        let key = &self.keys[r.key as usize];
        let key_id = key.id;
        let ec = || context(r.tenant);
        // Key pairs take no encryption context, and name their algorithm (and, to decrypt,
        // the key), as AWS requires.
        let pair_algorithm = key.spec.is_asymmetric().then(|| encryption_algorithm(key.spec));
        match r.op {
            OpKind::Encrypt => {
                let plaintext = payload(r.token, r.payload_len.min(BUILT_PAYLOAD_MAX));
                let request = EncryptRequest::new(key_id, plaintext);
                Request::Encrypt(match pair_algorithm {
                    Some(algorithm) => request.with_encryption_algorithm(algorithm),
                    None => request.with_encryption_context(ec()),
                })
            }
            OpKind::Decrypt => {
                let source = r.source.as_ref().map_or_else(Vec::new, |s| s.blob.to_vec());
                let request = DecryptRequest::new(source);
                Request::Decrypt(match pair_algorithm {
                    Some(algorithm) => {
                        request.with_key_id(key_id).with_encryption_algorithm(algorithm)
                    }
                    None => request.with_encryption_context(context(
                        r.source.as_ref().map_or(0, |s| s.tenant),
                    )),
                })
            }
            OpKind::ReEncrypt => {
                let source = r.source.as_ref().map_or_else(Vec::new, |s| s.blob.to_vec());
                let source_ec = context(r.source.as_ref().map_or(0, |s| s.tenant));
                Request::ReEncrypt(
                    ReEncryptRequest::new(source, key_id)
                        .with_source_encryption_context(source_ec)
                        .with_destination_encryption_context(ec()),
                )
            }
            OpKind::GenerateDataKey | OpKind::EnvelopeEncrypt => Request::GenerateDataKey(
                GenerateDataKeyRequest::new(key_id, DataKeySpec::Aes256)
                    .with_encryption_context(ec()),
            ),
            OpKind::GenerateDataKeyWithoutPlaintext => {
                Request::GenerateDataKeyWithoutPlaintext(GenerateDataKeyWithoutPlaintextRequest(
                    GenerateDataKeyRequest::new(key_id, DataKeySpec::Aes256)
                        .with_encryption_context(ec()),
                ))
            }
            OpKind::GenerateMac => {
                let algorithm = self.keys[r.key as usize]
                    .spec
                    .mac_algorithm()
                    .unwrap_or(engine::spec::MacAlgorithmSpec::HmacSha256);
                Request::GenerateMac(GenerateMacRequest::new(
                    key_id,
                    payload(r.token, r.payload_len.min(BUILT_PAYLOAD_MAX)),
                    algorithm,
                ))
            }
            OpKind::DescribeKey => Request::DescribeKey(DescribeKeyRequest::new(key_id)),
            OpKind::GenerateRandom => Request::GenerateRandom(GenerateRandomRequest::new(32)),
            OpKind::Sign => Request::Sign(SignRequest::new(
                key_id,
                payload(r.token, r.payload_len.min(BUILT_PAYLOAD_MAX)),
                signing_algorithm(self.keys[r.key as usize].spec),
            )),
            OpKind::Verify => {
                let (signature, message) = match &r.source {
                    Some(Pooled { blob, expect: Expect::Payload { token, len }, .. }) => {
                        (blob.to_vec(), payload(*token, *len))
                    }
                    _ => (Vec::new(), Vec::new()),
                };
                Request::Verify(VerifyRequest::new(
                    key_id,
                    message,
                    signature,
                    signing_algorithm(self.keys[r.key as usize].spec),
                ))
            }
            OpKind::GetPublicKey => Request::GetPublicKey(GetPublicKeyRequest::new(key_id)),
            OpKind::GenerateDataKeyPair | OpKind::GenerateDataKeyPairWithoutPlaintext => {
                // `validate` made sure the workload names its pair spec.
                let pair = self.workloads[r.workload as usize]
                    .config
                    .key_pair_spec
                    .unwrap_or(DataKeyPairSpec::EccNistP256);
                let request =
                    GenerateDataKeyPairRequest::new(key_id, pair).with_encryption_context(ec());
                if r.op == OpKind::GenerateDataKeyPair {
                    Request::GenerateDataKeyPair(request)
                } else {
                    Request::GenerateDataKeyPairWithoutPlaintext(
                        GenerateDataKeyPairWithoutPlaintextRequest(request),
                    )
                }
            }
            OpKind::DeriveSharedSecret => {
                Request::DeriveSharedSecret(DeriveSharedSecretRequest::new(
                    key_id,
                    KeyAgreementAlgorithmSpec::Ecdh,
                    key.peer.as_ref().map_or_else(Vec::new, |p| p.public_key.clone()),
                ))
            }
        }
    }

    /// The key spec whose service time an HSM spends on the slot's request: the pair
    /// generated for GenerateDataKeyPair(WithoutPlaintext), else the key's.
    fn service_key_spec(&self, slot: u32) -> KeySpec {
        let r = &self.slots[slot as usize];
        let pair = self.workloads[r.workload as usize].config.key_pair_spec;
        match pair {
            Some(pair) if r.op.makes_key_pair() => pair.key_spec(),
            _ => self.keys[r.key as usize].spec,
        }
    }

    fn on_send(&mut self, slot: u32) {
        let r = &self.slots[slot as usize];
        let w = &mut self.workloads[r.workload as usize];
        let delay_ns = w.clients[r.client as usize]
            .limiter
            .as_mut()
            .map_or(0, |limiter| limiter.acquire(self.now.as_nanos(), r.limiter_kind));
        if delay_ns == 0 {
            self.transmit(slot);
        } else {
            self.queue.schedule(self.now.plus_nanos(delay_ns), Event::Transmit { slot });
        }
    }

    fn transmit(&mut self, slot: u32) {
        let request = self.build_request(slot);
        let attempt = self.next_attempt;
        self.next_attempt += 1;
        let timeout_ns = self.scenario.client.attempt_timeout_ns;
        let r = &mut self.slots[slot as usize];
        r.attempt = attempt;
        r.outstanding = true;
        r.request = Some(request);
        r.answer = None;
        let home = self.workloads[r.workload as usize].home;
        let target = r.target;
        self.counters.attempts += 1;
        self.intervals[usize::from(target)].attempts += 1;
        let delay =
            self.paths[usize::from(home)][usize::from(target)].sample(&mut self.network_rng);
        self.queue.schedule(self.now.plus_nanos(delay), Event::FrontDoor { slot, attempt });
        if timeout_ns > 0 {
            // Every attempt has the same timeout, so deadlines come in send order: a FIFO
            // and one pending event for the oldest attempt still unanswered, instead of
            // one event per attempt.
            let deadline = self.now.plus_nanos(timeout_ns);
            self.forget_answered_deadlines();
            if !self.timeouts_scheduled {
                self.queue.schedule(deadline, Event::Timeouts);
                self.timeouts_scheduled = true;
            }
            self.deadlines.push_back((deadline, slot, attempt));
        }
    }

    /// Whether clients in `from` can reach the endpoint of `to`.
    fn reachable(&self, from: u16, to: u16) -> bool {
        self.regions[usize::from(to)].up
            && (from == to
                || !self
                    .partitions
                    .iter()
                    .any(|&(a, b)| (a, b) == (from, to) || (a, b) == (to, from)))
    }

    /// Sends the answer of `attempt` back to the client.
    fn answer(&mut self, slot: u32, attempt: u64, answer: Answer) {
        let r = &mut self.slots[slot as usize];
        if r.attempt != attempt {
            return;
        }
        r.answer = Some(answer);
        let home = self.workloads[r.workload as usize].home;
        let delay =
            self.paths[usize::from(home)][usize::from(r.target)].sample(&mut self.network_rng);
        self.queue.schedule(self.now.plus_nanos(delay), Event::Reply { slot, attempt });
    }

    // ----- the Region: front door, AZs, HSMs -----

    fn on_front_door(&mut self, slot: u32, attempt: u64) {
        let r = &self.slots[slot as usize];
        if r.attempt != attempt {
            return;
        }
        let (target, home) = (r.target, self.workloads[r.workload as usize].home);
        if !self.reachable(home, target) {
            // The connection fails; the client learns it one way later.
            self.answer(slot, attempt, Answer::ConnectionError);
            return;
        }
        let now = engine_time(self.now);
        let w = &mut self.workloads[r.workload as usize];
        w.ctx.now = now;
        let Some(request) = r.request.as_ref() else { return };
        let operation = request.operation();
        let node = &mut self.regions[usize::from(target)];
        let workload = r.workload;
        if let Err(throttled) = node.engine.admit(&w.ctx, request) {
            self.counters.throttles += 1;
            self.intervals[usize::from(target)].throttles += 1;
            self.throttled_by.add(workload, target, operation);
            self.answer(slot, attempt, Answer::Err(throttled));
            return;
        }
        self.requests_by.add(workload, target, operation);
        self.count_admitted(workload, target, operation);
        let node = &mut self.regions[usize::from(target)];
        let Some(az) = node.route() else {
            let error = KmsError::new(ErrorKind::KmsInternal, "no Availability Zone is in service");
            self.answer(slot, attempt, Answer::Err(error));
            return;
        };
        let epoch = node.azs[az].epoch;
        let delay = node.inter_az.sample(&mut self.network_rng);
        let leg = self.legs.open(Leg {
            slot,
            attempt,
            region: target,
            az: u16_index(az),
            epoch,
            arrived: SimTime::ZERO,
        });
        self.queue.schedule(self.now.plus_nanos(delay), Event::AtAz { leg });
    }

    /// Counts an admitted request in its one-second quota window, and checks the window
    /// that just closed: a token bucket admits at most its capacity (one second of the
    /// rate) plus one second of refill in any one-second window.
    fn count_admitted(&mut self, workload: u32, region: u16, operation: Operation) {
        let window = self.now.as_nanos() / SECOND_NS;
        if window != self.quota_window {
            self.check_quota_window();
            self.quota_window = window;
        }
        self.quota_counts.add(workload, region, operation);
    }

    fn check_quota_window(&mut self) {
        let mut by_class = BTreeMap::<(u16, AccountId, QuotaClass), u64>::new();
        for (workload, region, operation, admitted) in self.quota_counts.iter() {
            let w = &self.workloads[workload as usize];
            let spec = quota_key_spec(w, operation, self.keys.get(w.first_key as usize));
            if let Some(class) = engine::quota::class_for(operation, spec) {
                *by_class.entry((region, w.account, class)).or_default() += admitted;
            }
        }
        for (&(region, account, class), &admitted) in &by_class {
            let node = &self.regions[usize::from(region)];
            let Some(rate) = node.engine.quota_rate(class) else { continue };
            // capacity + refill over 1 s, in whole requests (rates are milli-requests/s).
            let bound = (rate.milli_per_second().div_ceil(1_000)).max(1) * 2;
            assert!(
                admitted <= bound,
                "invariant broken (seed {}): {admitted} {class} requests of {account} admitted in \
                 {} within one second, over the quota's bound of {bound}",
                self.seed,
                node.region()
            );
        }
        self.quota_counts.clear();
    }

    fn on_at_az(&mut self, leg: u32) {
        let now = self.now;
        let Leg { slot, attempt, region, az: az_index, epoch, .. } = self.legs[leg];
        let node = &mut self.regions[usize::from(region)];
        let az = &mut node.azs[usize::from(az_index)];
        if !az.up || az.epoch != epoch {
            // A lost AZ answers nothing: the client's timeout will notice.
            self.counters.dropped_by_az_loss += 1;
            self.legs.close(leg);
            return;
        }
        if let Some(limit) = az.config.queue_limit
            && az.busy >= az.config.hsms
            && az.queue.len() >= limit as usize
        {
            self.counters.throttles += 1;
            self.intervals[usize::from(region)].throttles += 1;
            self.legs.close(leg);
            let busy = KmsError::new(ErrorKind::Throttling, engine::quota::THROTTLING_MESSAGE);
            self.answer(slot, attempt, Answer::Err(busy));
            return;
        }
        az.account(now);
        az.little.arrivals += 1;
        self.legs[leg].arrived = now;
        if az.busy < az.config.hsms {
            az.busy += 1;
            self.start_service(leg);
        } else {
            az.queue.push_back(leg);
        }
    }

    fn start_service(&mut self, leg: u32) {
        let Leg { slot, region, az: az_index, arrived, .. } = self.legs[leg];
        let r = &self.slots[slot as usize];
        let operation = r.request.as_ref().map_or(Operation::Encrypt, Request::operation);
        let spec = self.service_key_spec(slot);
        let node = &mut self.regions[usize::from(region)];
        node.azs[usize::from(az_index)].in_service_arrivals_ns += u128::from(arrived.as_nanos());
        let node = &self.regions[usize::from(region)];
        let az = &node.azs[usize::from(az_index)];
        let base = node.service_time(operation, spec).sample(&mut self.service_rng);
        let slowed = u64::try_from(u128::from(base) * u128::from(az.slowdown_permille) / 1_000)
            .unwrap_or(u64::MAX);
        let extra = az.gray.as_ref().map_or(0, |(extra, _)| extra.sample(&mut self.fault_rng));
        self.queue.schedule(
            self.now.plus_nanos(slowed.saturating_add(extra)),
            Event::ServiceDone { leg },
        );
    }

    fn on_service_done(&mut self, leg: u32) {
        let Leg { slot, attempt, region, az: az_index, epoch, arrived } = self.legs[leg];
        self.legs.close(leg);
        let now = self.now;
        let node = &mut self.regions[usize::from(region)];
        let az = &mut node.azs[usize::from(az_index)];
        if az.epoch != epoch {
            return; // The AZ went down meanwhile and dropped this request.
        }
        az.account(now);
        az.depart(arrived, now);
        az.in_service_arrivals_ns -= u128::from(arrived.as_nanos());
        if let Some(next) = az.queue.pop_front() {
            self.start_service(next);
        } else {
            az.busy -= 1;
        }
        let node = &mut self.regions[usize::from(region)];
        let az = &node.azs[usize::from(az_index)];
        let gray_error = az.gray.as_ref().is_some_and(|&(_, ppm)| {
            uniform_below(&mut self.fault_rng, 1_000_000) < u64::from(ppm)
        });
        let r = &mut self.slots[slot as usize];
        if r.attempt != attempt || !node.up {
            // Abandoned by its client (timed out), or its Region went down with it: no
            // answer comes back.
            return;
        }
        let Some(request) = r.request.take() else { return };
        if gray_error {
            let error = KmsError::new(
                ErrorKind::KmsInternal,
                "The request was rejected because an internal exception occurred.",
            );
            self.answer(slot, attempt, Answer::Err(error));
            return;
        }
        let w = &mut self.workloads[r.workload as usize];
        w.ctx.now = engine_time(now);
        let result = node.engine.handle_admitted(&w.ctx, request);
        let answer = match result {
            Ok(response) => Answer::Ok(self.keep(slot, response)),
            Err(error) => Answer::Err(error),
        };
        self.forward_outbox(region);
        let delay = self.regions[usize::from(region)].inter_az.sample(&mut self.network_rng);
        // The answer crosses back to the front end, then the network.
        let r = &mut self.slots[slot as usize];
        r.answer = Some(answer);
        let home = self.workloads[r.workload as usize].home;
        let back =
            self.paths[usize::from(home)][usize::from(r.target)].sample(&mut self.network_rng);
        self.queue.schedule(
            self.now.plus_nanos(delay.saturating_add(back)),
            Event::Reply { slot, attempt },
        );
    }

    // ----- the client's side of an answer -----

    fn on_reply(&mut self, slot: u32, attempt: u64) {
        let r = &mut self.slots[slot as usize];
        if r.attempt != attempt || !r.outstanding {
            return;
        }
        r.outstanding = false;
        let Some(answer) = r.answer.take() else { return };
        match answer {
            Answer::Ok(kept) => self.succeed(slot, kept),
            Answer::Err(error) => {
                let class = classify(error.kind);
                self.fail(slot, class, error.aws_code(), Some(error.kind));
            }
            Answer::ConnectionError => {
                self.fail(slot, ErrorClass::Transient, "ConnectionError", None);
            }
        }
    }

    /// Drops the deadlines at the front of the FIFO whose attempts were answered: they can
    /// never expire (an attempt id is never reused), so neither memory nor a `Timeouts`
    /// event is spent on them. This keeps the FIFO about as long as the attempts in
    /// flight, and the `Timeouts` events down to the ones that may find an expired attempt.
    fn forget_answered_deadlines(&mut self) {
        while let Some(&(_, slot, attempt)) = self.deadlines.front() {
            let r = &self.slots[slot as usize];
            if r.attempt == attempt && r.outstanding {
                return;
            }
            self.deadlines.pop_front();
        }
    }

    fn on_timeouts(&mut self) {
        // `timeouts_scheduled` stays set while this runs, so a retry sent from here (a
        // failover) does not schedule its later deadline ahead of the front's.
        loop {
            self.forget_answered_deadlines();
            let Some(&(deadline, slot, _)) = self.deadlines.front() else {
                self.timeouts_scheduled = false;
                return;
            };
            if deadline > self.now {
                self.queue.schedule(deadline, Event::Timeouts);
                return;
            }
            self.deadlines.pop_front();
            let r = &mut self.slots[slot as usize];
            r.outstanding = false;
            self.counters.timeouts += 1;
            self.intervals[usize::from(r.target)].timeouts += 1;
            self.fail(slot, ErrorClass::Timeout, "ClientTimeout", None);
        }
    }

    /// Checks a successful response against the run's invariants when the engine gives
    /// it, and keeps what the client pools once the answer arrives: a ciphertext with what
    /// it must decrypt to, or a signature with its message.
    fn keep(&self, slot: u32, response: Response) -> Option<Pooled> {
        let r = &self.slots[slot as usize];
        let (tenant, origin) = (r.tenant, r.target);
        let pooled = |blob, expect| Some(Pooled { blob: Arc::new(blob), tenant, expect, origin });
        match response {
            Response::Encrypt(out) => {
                pooled(out.ciphertext_blob, Expect::Payload { token: r.token, len: r.payload_len })
            }
            Response::GenerateDataKey(out) => {
                pooled(out.ciphertext_blob, Expect::DataKey(fnv1a(out.plaintext.expose())))
            }
            Response::ReEncrypt(out) => {
                r.source.as_ref().and_then(|source| pooled(out.ciphertext_blob, source.expect))
            }
            // The wrapped private key decrypts to the PKCS#8 returned beside it.
            Response::GenerateDataKeyPair(out) => pooled(
                out.private_key_ciphertext_blob,
                Expect::DataKey(fnv1a(out.private_key_plaintext.expose())),
            ),
            Response::DeriveSharedSecret(out) => {
                let expected = self.keys[r.key as usize].peer.as_ref().map(|p| p.secret);
                assert!(
                    expected == Some(fnv1a(out.shared_secret.expose())),
                    "invariant broken (seed {}): a DeriveSharedSecret at {} returned another secret than its peer derives",
                    self.seed,
                    self.now
                );
                None
            }
            Response::Sign(out) => Some(Pooled {
                blob: Arc::new(out.signature),
                tenant: 0,
                expect: Expect::Payload { token: r.token, len: r.payload_len },
                origin,
            }),
            Response::Verify(out) => {
                assert!(
                    out.signature_valid,
                    "invariant broken (seed {}): a Verify at {} answered SignatureValid = false",
                    self.seed, self.now
                );
                None
            }
            Response::Decrypt(out) => {
                if let Some(source) = &r.source {
                    let matches = match source.expect {
                        Expect::Payload { token, len } => {
                            is_payload(out.plaintext.expose(), token, len)
                        }
                        Expect::DataKey(fingerprint) => {
                            fnv1a(out.plaintext.expose()) == fingerprint
                        }
                    };
                    assert!(
                        matches,
                        "invariant broken (seed {}): a Decrypt at {} returned another plaintext than was encrypted",
                        self.seed, self.now
                    );
                }
                None
            }
            _ => None,
        }
    }

    fn succeed(&mut self, slot: u32, kept: Option<Pooled>) {
        let now = self.now;
        let r = &self.slots[slot as usize];
        let w = &mut self.workloads[r.workload as usize];
        let client = &mut w.clients[r.client as usize];
        if let Some(limiter) = client.limiter.as_mut() {
            limiter.update(now.as_nanos(), false);
        }
        let retry_config = retry_config(self.scenario.client.retry);
        r.attempts.after_success(&retry_config, &mut client.retry_quota);
        if r.op == OpKind::EnvelopeEncrypt && w.config.data_key_cache.is_some() {
            w.cache.insert(r.key, u64::from(r.payload_len), now);
        }
        if let Some(pooled) = kept {
            self.pool(r.key as usize, pooled);
        }
        self.complete(slot, "OK");
    }

    fn pool(&mut self, key: usize, pooled: Pooled) {
        let pool = &mut self.pools[key];
        if pool.len() >= POOL_PER_KEY {
            pool.remove(0);
        }
        pool.push(pooled);
    }

    fn fail(
        &mut self,
        slot: u32,
        class: ErrorClass,
        outcome: &'static str,
        kind: Option<ErrorKind>,
    ) {
        let now = self.now;
        let retry = self.scenario.client.retry;
        let r = &mut self.slots[slot as usize];
        let w = &mut self.workloads[r.workload as usize];
        let client = &mut w.clients[r.client as usize];
        if let Some(limiter) = client.limiter.as_mut() {
            limiter.update(now.as_nanos(), class == ErrorClass::Throttling);
        }
        // An acknowledged ciphertext must decrypt in the Region that made it.
        // (A key whose deletion was scheduled and not cancelled may be gone: its
        // ciphertexts no longer decrypt, as in AWS.)
        let may_be_deleted = self.keys[r.key as usize]
            .ledger
            .pending
            .last()
            .is_some_and(|(_, cancelled)| cancelled.is_none());
        if let (Some(source), Some(ErrorKind::InvalidCiphertext | ErrorKind::IncorrectKey), false) =
            (&r.source, kind, may_be_deleted)
        {
            assert!(
                source.origin != r.target,
                "invariant broken (seed {}): an acknowledged ciphertext failed to decrypt in the Region that made it, at {}",
                self.seed,
                now
            );
            self.counters.replica_decrypt_failures += 1;
        }
        // A signature the engine made verifies, in every Region of its key (key pairs do not
        // rotate, and replicas share the material).
        assert!(
            !(r.op == OpKind::Verify && kind == Some(ErrorKind::KmsInvalidSignature)),
            "invariant broken (seed {}): a signature the engine made failed to verify, at {}",
            self.seed,
            now
        );
        let decision = match retry {
            RetryMode::Off => Decision::GiveUp,
            RetryMode::Standard(config) | RetryMode::Adaptive(config) => {
                r.attempts.after_failure(&config, &mut client.retry_quota, class, &mut w.retry_rng)
            }
        };
        match decision {
            Decision::Retry { delay_ns, .. } => {
                self.counters.retries += 1;
                self.intervals[usize::from(r.target)].retries += 1;
                r.limiter_kind = if class == ErrorClass::Timeout {
                    RequestKind::TimeoutRetry
                } else {
                    RequestKind::Retry
                };
                self.queue.schedule(now.plus_nanos(delay_ns), Event::Send { slot });
            }
            Decision::GiveUp => {
                let regions = &self.keys[r.key as usize].regions;
                let retryable = class != ErrorClass::NotRetryable;
                if self.scenario.client.failover
                    && retryable
                    && usize::from(r.failovers) + 1 < regions.len()
                {
                    // The application moves on to the key's next Region with a fresh SDK
                    // retry budget for the request.
                    r.failovers += 1;
                    r.region_choice =
                        u8::try_from((usize::from(r.region_choice) + 1) % regions.len())
                            .unwrap_or(0);
                    r.target = regions[usize::from(r.region_choice)];
                    r.attempts = Attempts { made: 1, last_cost: None };
                    r.limiter_kind = RequestKind::Initial;
                    self.counters.failovers += 1;
                    self.on_send(slot);
                } else {
                    self.complete(slot, outcome);
                }
            }
        }
    }

    /// The request has its final answer.
    fn complete(&mut self, slot: u32, outcome: &'static str) {
        let r = &self.slots[slot as usize];
        let latency = self.now.nanos_since(r.intended);
        self.last_activity = self.now;
        if outcome == "OK" {
            let histogram = self.ok_histogram_slot(r.op, r.target);
            self.histograms.record_in(histogram, latency);
        } else {
            let region = self.regions[usize::from(r.target)].region();
            let key = LatencyKey { operation: r.op.as_str(), region, outcome };
            self.histograms.record(key, latency);
        }
        let r = &self.slots[slot as usize];
        let acc = &mut self.intervals[usize::from(r.target)];
        acc.completed += 1;
        acc.latency.record(latency);
        self.counters.completed += 1;
        if outcome == "OK" {
            acc.ok += 1;
            self.counters.ok += 1;
        } else {
            *acc.errors.entry(outcome).or_default() += 1;
        }
        let (workload, thread) = (r.workload, r.thread);
        let r = &mut self.slots[slot as usize];
        r.source = None;
        r.request = None;
        r.answer = None;
        r.attempt = 0;
        self.free_slots.push(slot);
        self.in_flight -= 1;
        self.next_cycle(workload, thread, 0);
    }

    /// The histogram slot of successful `op`s answered by `region`, looked up once per pair.
    fn ok_histogram_slot(&mut self, op: OpKind, region: u16) -> usize {
        let index = op as usize * self.regions.len() + usize::from(region);
        if index >= self.ok_histogram_slots.len() {
            self.ok_histogram_slots.resize(index + 1, usize::MAX);
        }
        if self.ok_histogram_slots[index] == usize::MAX {
            let region = self.regions[usize::from(region)].region();
            let key = LatencyKey { operation: op.as_str(), region, outcome: "OK" };
            self.ok_histogram_slots[index] = self.histograms.slot(key);
        }
        self.ok_histogram_slots[index]
    }

    /// A closed-loop caller, busy `busy_ns` more with the answer, thinks, then sends again.
    fn next_cycle(&mut self, workload: u32, thread: u32, busy_ns: u64) {
        if thread == NO_THREAD {
            return;
        }
        let w = &mut self.workloads[workload as usize];
        if let Arrivals::Closed { think, .. } = &w.config.arrivals {
            let at = self.now.plus_nanos(busy_ns).plus_nanos(think.sample(&mut w.arrival_rng));
            if at < w.end {
                self.queue.schedule(at, Event::Think { workload, thread });
            }
        }
    }

    // ----- replication -----

    fn blocked(&self, a: u16, b: u16) -> bool {
        !self.regions[usize::from(a)].up
            || !self.regions[usize::from(b)].up
            || self.partitions.iter().any(|&(x, y)| (x, y) == (a, b) || (x, y) == (b, a))
    }

    /// Sends what `region`'s engine put in its outbox.
    fn forward_outbox(&mut self, region: u16) {
        let outbox = self.regions[usize::from(region)].engine.drain_outbox();
        for message in outbox {
            let Some(to) = self.region_of(message.destination_region) else {
                continue; // A Region outside the world: nowhere to deliver.
            };
            let slot = if let Some(slot) = self.free_messages.pop() {
                self.messages[slot as usize] = Some(message);
                slot
            } else {
                self.messages.push(Some(message));
                u32_index(self.messages.len() - 1)
            };
            self.send_message(slot, region, to);
        }
    }

    fn send_message(&mut self, slot: u32, from: u16, to: u16) {
        if self.blocked(from, to) {
            self.held.push(slot);
            return;
        }
        // The network between the Regions, then the control plane applying the change.
        let mut lag = self.paths[usize::from(from)][usize::from(to)].sample(&mut self.network_rng);
        lag = lag.saturating_add(self.replication_delay.sample(&mut self.network_rng));
        for (_, extra) in &self.replication_spikes {
            lag = lag.saturating_add(extra.sample(&mut self.fault_rng));
        }
        self.queue.schedule(self.now.plus_nanos(lag), Event::Replicate { message: slot });
    }

    fn on_replicate(&mut self, slot: u32) {
        let Some((from, to)) = self.endpoints(slot) else { return };
        if self.blocked(from, to) {
            self.held.push(slot);
            return;
        }
        let Some(message) = self.messages[slot as usize].take() else { return };
        self.free_messages.push(slot);
        self.trips.push(ReplicationTrip {
            key_id: message.key_id.to_string(),
            source_region: message.source_region.to_string(),
            destination_region: message.destination_region.to_string(),
            kind: message.kind_name(),
            version: message.version(),
            sent_ns: message.sent_at.unix_nanos().saturating_sub(START.unix_nanos()),
            delivered_ns: self.now.as_nanos(),
        });
        self.counters.replication_delivered += 1;
        self.last_activity = self.now;
        let now = engine_time(self.now);
        // A message for this Region cannot be refused: the destination was checked above.
        let _ = self.regions[usize::from(to)].engine.apply_replication(message, now);
        self.forward_outbox(to);
    }

    /// Sends again what partitions and Region outages held, where it can go now.
    fn release_held(&mut self) {
        for slot in std::mem::take(&mut self.held) {
            if let Some((from, to)) = self.endpoints(slot) {
                self.send_message(slot, from, to);
            }
        }
    }

    // ----- faults and actions -----

    fn find_az(&self, region: Region, az: &str) -> Option<(u16, u16)> {
        let r = self.regions.iter().position(|n| n.region() == region)?;
        let a = self.regions[r].az_index(az)?;
        Some((u16_index(r), u16_index(a)))
    }

    fn region_of(&self, region: Region) -> Option<u16> {
        self.regions.iter().position(|n| n.region() == region).map(u16_index)
    }

    /// The (source, destination) Region indices of pending replication message `slot`.
    fn endpoints(&self, slot: u32) -> Option<(u16, u16)> {
        let message = self.messages.get(slot as usize)?.as_ref()?;
        Some((self.region_of(message.source_region)?, self.region_of(message.destination_region)?))
    }

    fn apply_fault(&mut self, fault: u32, starting: bool) {
        let kind = self.scenario.faults[fault as usize].kind.clone();
        let now = self.now;
        match kind {
            FaultKind::AzDown { region, az } => {
                let Some((r, a)) = self.find_az(region, &az) else { return };
                let detection = self.regions[usize::from(r)].config.detection_delay_ns;
                let node = &mut self.regions[usize::from(r)].azs[usize::from(a)];
                node.account(now);
                if starting {
                    node.up = false;
                    node.epoch += 1;
                    // Everything the AZ held is lost; it leaves the system now.
                    let dropped = node.queue.len() as u64 + u64::from(node.busy);
                    for leg in std::mem::take(&mut node.queue) {
                        node.depart(self.legs[leg].arrived, now);
                        self.legs.close(leg);
                    }
                    node.little.departures += u64::from(node.busy);
                    node.little.sojourn_ns += u128::from(node.busy) * u128::from(now.as_nanos())
                        - node.in_service_arrivals_ns;
                    node.in_service_arrivals_ns = 0;
                    node.busy = 0;
                    self.counters.dropped_by_az_loss += dropped;
                    let epoch = node.epoch;
                    self.queue.schedule(
                        now.plus_nanos(detection),
                        Event::Drain { region: r, az: a, epoch },
                    );
                } else {
                    node.up = true;
                    node.drained = false;
                }
            }
            FaultKind::GrayAz { region, az, extra_latency, error_ppm } => {
                let Some((r, a)) = self.find_az(region, &az) else { return };
                self.regions[usize::from(r)].azs[usize::from(a)].gray =
                    starting.then_some((extra_latency, error_ppm));
            }
            FaultKind::HsmDegraded { region, az, slowdown_permille } => {
                let Some((r, a)) = self.find_az(region, &az) else { return };
                self.regions[usize::from(r)].azs[usize::from(a)].slowdown_permille =
                    if starting { slowdown_permille } else { 1_000 };
            }
            FaultKind::RegionDown { region } => {
                let Some(r) = self.region_of(region) else { return };
                self.regions[usize::from(r)].up = !starting;
                if !starting {
                    self.release_held();
                }
            }
            FaultKind::Partition { a, b } => {
                let (Some(a), Some(b)) = (self.region_of(a), self.region_of(b)) else { return };
                if starting {
                    self.partitions.push((a, b));
                } else if let Some(i) = self.partitions.iter().position(|&p| p == (a, b)) {
                    self.partitions.remove(i);
                    self.release_held();
                }
            }
            FaultKind::ReplicationDelay { extra } => {
                if starting {
                    self.replication_spikes.push((fault, extra));
                } else {
                    self.replication_spikes.retain(|(f, _)| *f != fault);
                }
            }
        }
    }

    fn on_action(&mut self, action: u32, key: u32) {
        // Operators stop with the workloads: what is left of a paced action is not done.
        if self.ending {
            return;
        }
        let kind = &self.scenario.actions[action as usize].kind;
        let Some(group) = self.groups.iter().find(|g| g.name == kind.keys()) else { return };
        if key >= group.count {
            return;
        }
        let index = (group.first + key) as usize;
        let (key_id, account, primary) = {
            let k = &self.keys[index];
            (k.id, k.account, k.regions[0])
        };
        let principal = PrincipalArn::root(account);
        let ctx = CallContext::new(principal, engine_time(self.now));
        let node = &mut self.regions[usize::from(primary)];
        // An operator cannot reach a Region that is down.
        let done = node.up
            && match kind {
                ActionKind::RotateOnDemand { .. } => node
                    .engine
                    .rotate_key_on_demand(&ctx, RotateKeyOnDemandRequest::new(key_id))
                    .is_ok(),
                ActionKind::ScheduleKeyDeletion { pending_window_days, .. } => {
                    let request = ScheduleKeyDeletionRequest::new(key_id)
                        .with_pending_window_in_days(*pending_window_days);
                    let done = node.engine.schedule_key_deletion(&ctx, request).is_ok();
                    if done {
                        self.keys[index].ledger.pending.push((self.now, None));
                    }
                    done
                }
                ActionKind::CancelKeyDeletion { .. } => {
                    let done = node
                        .engine
                        .cancel_key_deletion(&ctx, CancelKeyDeletionRequest::new(key_id))
                        .is_ok();
                    if done && let Some(window) = self.keys[index].ledger.pending.last_mut() {
                        window.1 = Some(self.now);
                    }
                    done
                }
                // A disabled key is still billed, so the ledger does not change.
                ActionKind::DisableKey { .. } => {
                    node.engine.disable_key(&ctx, DisableKeyRequest::new(key_id)).is_ok()
                }
                ActionKind::EnableKey { .. } => {
                    node.engine.enable_key(&ctx, EnableKeyRequest::new(key_id)).is_ok()
                }
            };
        if !done {
            self.counters.action_errors += 1;
        }
        self.forward_outbox(primary);
        // One key per step, spaced to stay within the per-API quota.
        self.queue.schedule(
            self.now.plus_nanos(SETUP_SPACING_NS),
            Event::Action { action, key: key + 1 },
        );
    }

    /// What the run used, over its duration, for the cost model: each key's (and
    /// replica's) billable seconds, deletion windows and rotations; requests by calling
    /// account, Region and price class; customer HSM-seconds.
    #[must_use]
    pub fn pricing_usage(&self) -> pricing::Usage {
        let end = SimTime(self.scenario.duration_ns);
        let seconds = |ns: u64| ns.div_ceil(SECOND_NS);
        let tags_of = |group: u32| -> BTreeMap<String, String> {
            self.scenario
                .keys
                .get(group as usize)
                .map(|g| g.tags.iter().cloned().collect())
                .unwrap_or_default()
        };
        let mut keys = Vec::new();
        for k in &self.keys {
            let gone = k.ledger.deleted.map_or(end, |at| at.min(end));
            // Open windows (ended in deletion, or still running) are not billable;
            // cancelled ones are, as if never scheduled.
            let pending: u64 = k
                .ledger
                .pending
                .iter()
                .filter(|(_, cancelled)| cancelled.is_none())
                .map(|(from, _)| gone.nanos_since((*from).min(gone)))
                .sum();
            let rotation_seconds: Vec<u64> = k
                .ledger
                .rotations
                .iter()
                .filter(|&&at| at <= gone)
                .map(|&at| seconds(gone.nanos_since(at)))
                .collect();
            for (i, &region) in k.regions.iter().enumerate() {
                keys.push(pricing::KeyUsage {
                    account: k.account.to_string(),
                    region: self.regions[usize::from(region)].region().to_string(),
                    label: k.id.to_string(),
                    replica: i > 0,
                    aws_managed: false,
                    tags: tags_of(k.group),
                    count: 1,
                    seconds: seconds(gone.as_nanos() - pending),
                    pending_deletion_seconds: seconds(pending),
                    rotation_seconds: rotation_seconds.clone(),
                });
            }
        }
        // By workload first: GenerateDataKeyPair is priced by the pair a workload generates,
        // not by its wrapping key. Kept per operation and key group, as the cost model rounds
        // each entry's tag amounts.
        let mut counts =
            BTreeMap::<(AccountId, Region, Operation, u32, pricing::RequestClass), u64>::new();
        for (workload, region, operation, count) in self.requests_by.iter() {
            let w = &self.workloads[workload as usize];
            let spec = self.scenario.keys.get(w.group as usize).map(|g| g.spec);
            let pair =
                quota_key_spec(w, operation, None).filter(|_| is_key_pair_generation(operation));
            let class = pricing::RequestClass::of(operation, spec, pair);
            let region = self.regions[usize::from(region)].region();
            *counts.entry((w.account, region, operation, w.group, class)).or_default() += count;
        }
        let requests = counts
            .into_iter()
            .map(|((account, region, _, group, class), count)| pricing::RequestUsage {
                account: account.to_string(),
                region: region.to_string(),
                class: Some(class),
                tags: tags_of(group),
                count,
            })
            .collect();
        let hsms = self
            .regions
            .iter()
            .enumerate()
            .filter_map(|(index, node)| {
                let account = node.config.cloudhsm_account?;
                let hsm_seconds =
                    u64::try_from(self.hsm_ns[index] / u128::from(SECOND_NS)).unwrap_or(u64::MAX);
                Some(pricing::HsmUsage {
                    account: account.to_string(),
                    region: node.region().to_string(),
                    hsm_seconds,
                })
            })
            .collect();
        pricing::Usage { period_seconds: seconds(self.scenario.duration_ns), keys, requests, hsms }
    }

    // ----- time: ticks and the end -----

    fn on_tick(&mut self) {
        let now = self.now;
        let interval = now.nanos_since(self.interval_start);
        // Usage (key-hours, HSM-hours) is counted over the scenario's duration only.
        let end = SimTime(self.scenario.duration_ns);
        let billed = now.min(end).nanos_since(self.interval_start.min(end));
        for index in 0..self.regions.len() {
            let node = &mut self.regions[index];
            node.engine.advance_to(engine_time(now));
            let mut rotations = 0u64;
            for event in node.engine.drain_events() {
                let (key, at, rotated) = match event {
                    engine::EngineEvent::KeyRotated { key, at, .. } => (key, at, true),
                    engine::EngineEvent::KeyDeleted { key, at } => (key, at, false),
                    engine::EngineEvent::KeyMaterialExpired { .. } => continue,
                };
                let Some(&k) = self.key_index.get(&key.key_id) else { continue };
                let at = SimTime(at.unix_nanos().saturating_sub(START.unix_nanos()));
                let ledger = &mut self.keys[k as usize].ledger;
                if rotated {
                    rotations += 1;
                    // A multi-Region key rotates at its primary; one entry per key.
                    if ledger.rotations.last() != Some(&at) {
                        ledger.rotations.push(at);
                    }
                } else if ledger.deleted.is_none() {
                    ledger.deleted = Some(at);
                    // Its ciphertexts cannot be decrypted any more: stop sending them.
                    self.pools[k as usize].clear();
                }
            }
            if rotations > 0 {
                *self.usage.rotations.entry(node.region().to_string()).or_default() += rotations;
            }
            self.key_ns[index] += u128::from(billed) * node.engine.key_count() as u128;
            let (mut busy_area, mut capacity, mut queue_length) = (0u128, 0u128, 0u64);
            for az in &mut node.azs {
                az.account(now);
                busy_area += std::mem::take(&mut az.busy_area_interval);
                capacity += std::mem::take(&mut az.capacity_area_interval);
                queue_length += az.queue.len() as u64;
            }
            // HSM time is billed over the scenario's duration only, like key time.
            if interval > 0 {
                self.hsm_ns[index] += capacity * u128::from(billed) / u128::from(interval);
            }
            let utilisation = (busy_area * 1_000)
                .checked_div(capacity)
                .map_or(0, |permille| u64::try_from(permille).unwrap_or(0));
            let acc = std::mem::take(&mut self.intervals[index]);
            self.rows.push(IntervalRow {
                start_ns: self.interval_start.as_nanos(),
                region: node.region().to_string(),
                completed: acc.completed,
                ok: acc.ok,
                errors: acc.errors.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
                attempts: acc.attempts,
                throttles: acc.throttles,
                retries: acc.retries,
                timeouts: acc.timeouts,
                queue_length,
                hsm_utilisation_permille: utilisation,
                latency_us_p50: acc.latency.quantile_ns(0.5) / 1_000,
                latency_us_p99: acc.latency.quantile_ns(0.99) / 1_000,
            });
            self.forward_outbox(u16_index(index));
        }
        self.interval_start = now;
        let messages_pending = self.messages.len() > self.free_messages.len();
        let more = !self.ending || self.in_flight > 0 || messages_pending;
        let limit = self.scenario.duration_ns.saturating_add(DRAIN_LIMIT_NS);
        if more && now.as_nanos() < limit {
            self.queue.schedule(now.plus_nanos(self.scenario.interval_ns), Event::Tick);
        } else if now.as_nanos() >= limit {
            // Whatever is still pending is abandoned; the run ends here.
            self.counters.unfinished = self.in_flight;
            while self.queue.pop().is_some() {}
        }
    }

    /// The workloads are over: heal every fault (the liveness phase) and let what is in
    /// flight finish.
    fn on_end(&mut self) {
        self.ending = true;
        for (index, fault) in self.scenario.faults.clone().iter().enumerate() {
            if fault.start_ns <= self.now.as_nanos() && fault.end_ns > self.now.as_nanos() {
                self.apply_fault(u32_index(index), false);
            }
        }
    }

    /// End-of-run invariants: replicas converged; Little's law on every AZ.
    fn finish(&mut self) {
        self.finished = true;
        self.check_quota_window();
        self.check_convergence();
        for node in &mut self.regions {
            for az in &mut node.azs {
                az.account(self.now);
                if az.in_system() == 0 && self.counters.unfinished == 0 {
                    // Every request that entered has left, so the area under the
                    // number-in-system curve is exactly the sum of the times in system.
                    assert!(
                        az.little.area == az.little.sojourn_ns
                            || az.little.departures != az.little.arrivals,
                        "invariant broken (seed {}): Little's law in {}: area {} != total time in system {}",
                        self.seed,
                        az.config.name,
                        az.little.area,
                        az.little.sojourn_ns
                    );
                }
            }
        }
        for (index, node) in self.regions.iter().enumerate() {
            let seconds = |ns: u128| u64::try_from(ns / u128::from(SECOND_NS)).unwrap_or(u64::MAX);
            self.usage.key_seconds.insert(node.region().to_string(), seconds(self.key_ns[index]));
            self.usage.hsm_seconds.insert(node.region().to_string(), seconds(self.hsm_ns[index]));
        }
    }

    /// Once faults heal and messages drain, every replica holds its primary's material: a
    /// ciphertext made now at the primary decrypts in every replica.
    fn check_convergence(&mut self) {
        if self.counters.unfinished > 0 {
            return;
        }
        let at = engine_time(self.now.plus_nanos(SECOND_NS));
        for k in &self.keys {
            if k.regions.len() < 2 {
                continue;
            }
            let ctx = CallContext::new(PrincipalArn::root(k.account), at);
            let primary = &mut self.regions[usize::from(k.regions[0])].engine;
            let Ok(sealed) = primary.encrypt(&ctx, EncryptRequest::new(k.id, "convergence")) else {
                continue;
            };
            for &replica in &k.regions[1..] {
                let engine = &mut self.regions[usize::from(replica)].engine;
                let opened =
                    engine.decrypt(&ctx, DecryptRequest::new(sealed.ciphertext_blob.clone()));
                assert!(
                    opened.is_ok_and(|d| d.plaintext.expose() == b"convergence"),
                    "invariant broken (seed {}): replica of {} in {} has not converged after the faults healed",
                    self.seed,
                    k.id,
                    engine.region()
                );
            }
        }
    }

    /// What the run produced so far.
    #[must_use]
    pub fn report(&self) -> Report {
        let counters = self.counters.clone();
        let little = self
            .regions
            .iter()
            .flat_map(|node| node.azs.iter().map(move |az| (node, az)))
            .map(|(node, az)| little_check(node.region(), &az.config.name, az.little, self.now))
            .collect();
        Report {
            seed: self.seed,
            scenario: self.scenario.name.clone(),
            provider: self.scenario.provider.as_str(),
            duration_ns: self.scenario.duration_ns,
            ended_ns: self.last_activity.as_nanos().max(self.scenario.duration_ns),
            counters,
            latency: self.histograms.rows(),
            time_series: self.rows.clone(),
            usage: UsageCounters {
                requests: nest(&self.by_account(&self.requests_by)),
                throttled: nest(&self.by_account(&self.throttled_by)),
                ..self.usage.clone()
            },
            replication: self.trips.clone(),
            little,
            alarms: self.alarms(),
            histograms: self.histograms.to_serialised(),
            cost: pricing::price_period(
                &self.scenario.pricing,
                &self.pricing_usage(),
                self.scenario.month_seconds,
            ),
        }
    }

    /// The latency histograms.
    #[must_use]
    pub const fn histograms(&self) -> &LatencyHistograms {
        &self.histograms
    }

    /// Every Region's alarms, ordered by when they were raised (Regions in the world's
    /// order at the same instant).
    fn alarms(&self) -> Vec<AlarmRow> {
        let mut rows: Vec<AlarmRow> = self
            .regions
            .iter()
            .flat_map(|node| node.engine.alarms().iter().map(AlarmRow::new))
            .collect();
        // Stable: ties keep the Regions' order, then each engine's own.
        rows.sort_by_key(|row| row.raised_ns);
        rows
    }
}

fn little_check(region: Region, az: &str, little: LittleCounters, now: SimTime) -> LittleCheck {
    #[expect(clippy::cast_precision_loss, reason = "reporting only")]
    let (span, area, sojourn) =
        (now.as_nanos().max(1) as f64, little.area as f64, little.sojourn_ns as f64);
    #[expect(clippy::cast_precision_loss, reason = "reporting only")]
    let (arrivals, departures) = (little.arrivals as f64, little.departures.max(1) as f64);
    LittleCheck {
        region: region.to_string(),
        az: az.to_owned(),
        arrivals: little.arrivals,
        mean_in_system: area / span,
        arrival_rate_times_mean_sojourn: (arrivals / span) * (sojourn / departures),
    }
}

/// Counts by (account, Region, operation) as nested maps of strings, for the report.
type Nested = BTreeMap<String, BTreeMap<String, BTreeMap<String, u64>>>;

impl Simulation {
    /// `tally` keyed as the report reads it: by (account, Region, operation, key group).
    fn by_account(&self, tally: &Tally) -> BTreeMap<(AccountId, Region, Operation, u32), u64> {
        let mut counts = BTreeMap::new();
        for (workload, region, operation, n) in tally.iter() {
            let w = &self.workloads[workload as usize];
            let region = self.regions[usize::from(region)].region();
            *counts.entry((w.account, region, operation, w.group)).or_default() += n;
        }
        counts
    }
}

fn nest(counts: &BTreeMap<(AccountId, Region, Operation, u32), u64>) -> Nested {
    let mut nested = Nested::new();
    for (&(account, region, operation, _), &n) in counts {
        *nested
            .entry(account.to_string())
            .or_default()
            .entry(region.to_string())
            .or_default()
            .entry(operation.as_str().to_owned())
            .or_default() += n;
    }
    nested
}

fn retry_config(mode: RetryMode) -> RetryConfig {
    match mode {
        RetryMode::Off => RetryConfig::standard(),
        RetryMode::Standard(config) | RetryMode::Adaptive(config) => config,
    }
}

fn keys_account(scenario: &Scenario, group: &str) -> AccountId {
    scenario
        .keys
        .iter()
        .find(|g| g.name == group)
        .map_or(crate::scenario::DEFAULT_ACCOUNT, |g| g.account)
}

/// Checks what [`Simulation::new`] relies on.
fn validate(scenario: &Scenario) -> Result<(), SimError> {
    let world = &scenario.world;
    if world.regions.is_empty() {
        return Err(invalid("the world has no Region"));
    }
    if scenario.interval_ns < MILLISECOND_NS {
        return Err(invalid("the time-series interval must be at least 1 ms"));
    }
    if scenario.client.attempt_timeout_ns == 0 {
        return Err(invalid(
            "the attempt timeout must be positive: a lost request is only noticed by it",
        ));
    }
    if !(1..=3_650 * 86_400).contains(&scenario.month_seconds) {
        return Err(invalid("the billing month must be 1 s to 3,650 days long"));
    }
    for (i, group) in scenario.keys.iter().enumerate() {
        if scenario.keys[..i].iter().any(|other| other.name == group.name) {
            return Err(invalid(format!("key group {} appears twice", group.name)));
        }
    }
    engine::alarms::validate(&scenario.alarms).map_err(invalid)?;
    for (i, w) in scenario.workloads.iter().enumerate() {
        if scenario.workloads[..i].iter().any(|other| other.name == w.name) {
            return Err(invalid(format!(
                "workload {} appears twice: names select random streams",
                w.name
            )));
        }
    }
    for (i, r) in world.regions.iter().enumerate() {
        if world.regions[..i].iter().any(|other| other.region == r.region) {
            return Err(invalid(format!("Region {} appears twice", r.region)));
        }
        if r.azs.is_empty() {
            return Err(invalid(format!("Region {} has no AZ", r.region)));
        }
        for az in &r.azs {
            if az.hsms == 0 {
                return Err(invalid(format!("AZ {} has no HSM", az.name)));
            }
        }
        for (what, dist) in
            [("client_latency", &r.client_latency), ("inter_az_latency", &r.inter_az_latency)]
        {
            dist.validate().map_err(|e| invalid(format!("Region {} {what}: {e}", r.region)))?;
        }
    }
    world.replication_delay.validate().map_err(|e| invalid(format!("replication_delay: {e}")))?;
    for group in &scenario.keys {
        if group.count == 0 {
            return Err(invalid(format!("key group {} has no keys", group.name)));
        }
        group.check().map_err(|e| invalid(format!("key group {}: {e}", group.name)))?;
        for region in std::iter::once(&group.region).chain(&group.replicas) {
            if !world.regions.iter().any(|r| r.region == *region) {
                return Err(invalid(format!(
                    "key group {}: Region {region} is not in the world",
                    group.name
                )));
            }
        }
    }
    for w in &scenario.workloads {
        if w.mix.iter().all(|(_, weight)| *weight == 0) {
            return Err(invalid(format!("workload {} has no operation with a weight", w.name)));
        }
        w.payload_bytes
            .validate()
            .map_err(|e| invalid(format!("workload {} payload_bytes: {e}", w.name)))?;
        let Some(group) = scenario.keys.iter().find(|g| g.name == w.keys) else { continue };
        for (op, weight) in &w.mix {
            if *weight == 0 {
                continue;
            }
            if op.makes_key_pair() && w.key_pair_spec.is_none() {
                return Err(invalid(format!(
                    "workload {}: {} needs the workload's key_pair_spec",
                    w.name,
                    op.as_str()
                )));
            }
            if let Some(refusal) = group.refuses(*op) {
                return Err(invalid(format!("workload {}: {refusal}", w.name)));
            }
        }
    }
    Ok(())
}

/// The signing algorithm the simulator signs with on a key of `spec`.
fn signing_algorithm(spec: KeySpec) -> SigningAlgorithmSpec {
    // Only SIGN_VERIFY key pairs reach a Sign (`validate`); the fallback is never used.
    engine::key_pair::default_signing_algorithm(spec).unwrap_or(SigningAlgorithmSpec::EcdsaSha256)
}

/// The encryption algorithm the simulator encrypts with on an ENCRYPT_DECRYPT key pair of
/// `spec`: RSAES_OAEP_SHA_256 on RSA (AWS's recommended one), kmsim's KEM-DEM on the
/// `KMSIM_ML_KEM` specs.
fn encryption_algorithm(spec: KeySpec) -> EncryptionAlgorithmSpec {
    let algorithms = engine::key_pair::encryption_algorithms(spec);
    // Only ENCRYPT_DECRYPT key pairs reach an Encrypt (`validate`); the fallback is never used.
    algorithms
        .iter()
        .copied()
        .find(|&a| a == EncryptionAlgorithmSpec::RsaesOaepSha256)
        .or_else(|| algorithms.first().copied())
        .unwrap_or(EncryptionAlgorithmSpec::RsaesOaepSha256)
}

/// The key spec a workload's `operation` counts against in the quotas: the pair generated
/// for GenerateDataKeyPair(WithoutPlaintext) (AWS's per-spec quotas), else its keys'.
fn quota_key_spec(
    w: &WorkloadState,
    operation: Operation,
    key: Option<&SimKey>,
) -> Option<KeySpec> {
    if is_key_pair_generation(operation) {
        w.config.key_pair_spec.map(DataKeyPairSpec::key_spec)
    } else {
        key.map(|k| k.spec)
    }
}

const fn is_key_pair_generation(operation: Operation) -> bool {
    matches!(
        operation,
        Operation::GenerateDataKeyPair | Operation::GenerateDataKeyPairWithoutPlaintext
    )
}

/// What [`create_keys`] made: the keys, their groups, and each key's starting pool (a
/// signing key's setup signature).
type CreatedKeys = (Vec<SimKey>, Vec<KeyGroupInfo>, Vec<Vec<Pooled>>);

/// Creates every key group before the start, spaced to stay within the control-plane
/// quotas; replicas are delivered at once and given time to leave `Creating`. Each
/// KEY_AGREEMENT key gets a peer key pair drawn from `peer_rng`, on the scenario's provider.
fn create_keys(
    scenario: &Scenario,
    regions: &mut [RegionNode],
    region_index: &dyn Fn(Region) -> Option<u16>,
    peer_rng: &mut rand_chacha::ChaCha8Rng,
) -> Result<CreatedKeys, SimError> {
    let calls: u64 = scenario
        .keys
        .iter()
        .map(|g| {
            let signs = OpKind::Sign.fits(g.spec, g.effective_usage()).is_ok();
            let agrees = OpKind::DeriveSharedSecret.fits(g.spec, g.effective_usage()).is_ok();
            u64::from(g.count)
                * (1 + g.replicas.len() as u64 * (1 + u64::from(g.policy.is_some()))
                    + u64::from(g.rotation_period_days.is_some())
                    + u64::from(signs)
                    + u64::from(agrees))
        })
        .sum();
    let mut t = START.unix_nanos().saturating_sub((calls + 10) * SETUP_SPACING_NS);
    let mut keys = Vec::new();
    let mut groups = Vec::new();
    let mut pools = Vec::new();
    for group in &scenario.keys {
        let principal = PrincipalArn::root(group.account);
        let primary = region_index(group.region)
            .ok_or_else(|| invalid(format!("key group {}: unknown Region", group.name)))?;
        groups.push(KeyGroupInfo {
            name: group.name.clone(),
            first: u32_index(keys.len()),
            count: group.count,
        });
        for _ in 0..group.count {
            t += SETUP_SPACING_NS;
            let ctx = CallContext::new(principal.clone(), Timestamp::from_unix_nanos(t));
            let mut request = if group.spec.is_hmac() {
                CreateKeyRequest::hmac(group.spec)
            } else if let Some(usage) = group.usage.filter(|_| group.spec.is_asymmetric()) {
                CreateKeyRequest::new().with_key_spec(group.spec).with_key_usage(usage)
            } else {
                CreateKeyRequest::new()
            };
            request = request.with_multi_region(!group.replicas.is_empty());
            if let Some(policy) = &group.policy {
                request = request.with_policy(policy.clone());
            }
            if !group.tags.is_empty() {
                let tags = group.tags.iter().map(|(k, v)| Tag::new(k.clone(), v.clone())).collect();
                request = request.with_tags(tags);
            }
            let engine = &mut regions[usize::from(primary)].engine;
            let created = engine
                .create_key(&ctx, request)
                .map_err(|e| invalid(format!("key group {}: CreateKey failed: {e}", group.name)))?;
            let id = created.key_id();
            let mut key_regions = vec![primary];
            for &replica in &group.replicas {
                t += SETUP_SPACING_NS;
                let ctx = ctx.at(Timestamp::from_unix_nanos(t));
                let engine = &mut regions[usize::from(primary)].engine;
                engine.replicate_key(&ctx, ReplicateKeyRequest::new(id, replica)).map_err(|e| {
                    invalid(format!("key group {}: ReplicateKey failed: {e}", group.name))
                })?;
                let to = region_index(replica).ok_or_else(|| invalid("unknown replica Region"))?;
                for message in regions[usize::from(primary)].engine.drain_outbox() {
                    let _ = regions[usize::from(to)]
                        .engine
                        .apply_replication(message, Timestamp::from_unix_nanos(t));
                }
                if let Some(policy) = &group.policy {
                    // A replica starts with the default policy; the group's applies to it
                    // too. Policies are not shared properties, so it is set in its Region.
                    t += SETUP_SPACING_NS;
                    let ctx = ctx.at(Timestamp::from_unix_nanos(t));
                    regions[usize::from(to)]
                        .engine
                        .put_key_policy(&ctx, PutKeyPolicyRequest::new(id, policy.clone()))
                        .map_err(|e| {
                            invalid(format!("key group {}: PutKeyPolicy failed: {e}", group.name))
                        })?;
                }
                key_regions.push(to);
            }
            if let Some(days) = group.rotation_period_days {
                t += SETUP_SPACING_NS;
                let ctx = ctx.at(Timestamp::from_unix_nanos(t));
                let engine = &mut regions[usize::from(primary)].engine;
                engine
                    .enable_key_rotation(
                        &ctx,
                        EnableKeyRotationRequest::new(id).with_rotation_period_in_days(days),
                    )
                    .map_err(|e| {
                        invalid(format!("key group {}: EnableKeyRotation failed: {e}", group.name))
                    })?;
                // The rotation schedule travels to the replicas too.
                let messages = regions[usize::from(primary)].engine.drain_outbox();
                for message in messages {
                    if let Some(to) = region_index(message.destination_region) {
                        let _ = regions[usize::from(to)]
                            .engine
                            .apply_replication(message, Timestamp::from_unix_nanos(t));
                    }
                }
            }
            // A signing key starts with one signature, of the setup message, for Verify.
            let mut pool = Vec::new();
            if OpKind::Sign.fits(group.spec, group.effective_usage()).is_ok() {
                t += SETUP_SPACING_NS;
                let ctx = ctx.at(Timestamp::from_unix_nanos(t));
                let engine = &mut regions[usize::from(primary)].engine;
                let (token, len) = SETUP_MESSAGE;
                let signed = engine
                    .sign(
                        &ctx,
                        SignRequest::new(id, payload(token, len), signing_algorithm(group.spec)),
                    )
                    .map_err(|e| invalid(format!("key group {}: Sign failed: {e}", group.name)))?;
                pool.push(Pooled {
                    blob: Arc::new(signed.signature),
                    tenant: 0,
                    expect: Expect::Payload { token, len },
                    origin: primary,
                });
            }
            // A key-agreement key gets its client's key pair, and the secret both must agree on.
            let mut peer = None;
            if group.effective_usage() == Some(KeyUsage::KeyAgreement) {
                t += SETUP_SPACING_NS;
                let ctx = ctx.at(Timestamp::from_unix_nanos(t));
                let engine = &mut regions[usize::from(primary)].engine;
                let public = engine
                    .get_public_key(&ctx, GetPublicKeyRequest::new(id))
                    .map_err(|e| {
                        invalid(format!("key group {}: GetPublicKey failed: {e}", group.name))
                    })?
                    .public_key;
                peer = Some(new_peer(scenario, group, &public, peer_rng)?);
            }
            pools.push(pool);
            keys.push(SimKey {
                id,
                spec: group.spec,
                account: group.account,
                regions: key_regions,
                group: u32_index(groups.len() - 1),
                ledger: KeyLedger::default(),
                peer,
            });
        }
    }
    // Replicas leave `Creating` by the start.
    for node in regions.iter_mut() {
        node.engine.advance_to(START);
        let _ = node.engine.drain_events();
    }
    Ok((keys, groups, pools))
}

/// A peer key pair for the KEY_AGREEMENT key of `group` whose public key is `public`: the
/// key pair a client would hold, made with the scenario's provider (so the modelling
/// provider's keys meet the modelling provider's), and the secret it derives offline.
fn new_peer(
    scenario: &Scenario,
    group: &crate::scenario::KeyGroup,
    public: &[u8],
    rng: &mut rand_chacha::ChaCha8Rng,
) -> Result<Peer, SimError> {
    let asymmetric = scenario.provider.provider().asymmetric;
    let failed = |what: &str, e: engine::crypto::asymmetric::AsymmetricError| {
        invalid(format!("key group {}: the peer's {what} failed: {e}", group.name))
    };
    let pair = asymmetric.generate(group.spec, rng).map_err(|e| failed("key generation", e))?;
    let secret = asymmetric
        .derive_shared_secret(group.spec, pair.private_pkcs8.expose(), public)
        .map_err(|e| failed("key agreement", e))?;
    Ok(Peer { public_key: pair.public_spki, secret: fnv1a(secret.expose()) })
}
