//! The server's KMS: one engine per Region, created on first use, behind one lock, and the
//! path of one call from its wire form to its wire answer. No HTTP here, so it is tested
//! without sockets.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

use engine::alarms::{Alarm, AlarmRule};
use engine::audit::AuditSink;
use engine::crypto::ProviderKind;
use engine::id::{AccountId, PrincipalArn};
use engine::replication::ReplicationMessage;
use engine::{CallContext, Engine, EngineConfig, Region, Timestamp};

use crate::journal::{Entry, Journal, JournalError};
use crate::sigv4::{self, Credentials};
use crate::wire::{self, WireError};

/// Audit records each Region's engine keeps (the newest; older ones are dropped).
const AUDIT_RECORDS_KEPT: usize = 10_000;

/// What the server is: its Regions' defaults, its accounts, its randomness.
#[derive(Clone, Debug)]
pub struct KmsConfig {
    /// The Region of a request without a SigV4 credential scope.
    pub default_region: Region,
    /// The account of a request whose access key is not in `access_keys` (or unsigned).
    pub default_account: AccountId,
    /// Access key id → account, as the SigV4 credential names the caller (without a
    /// secret: with `sigv4::Mode::Off` the signature is not checked).
    pub access_keys: BTreeMap<String, AccountId>,
    /// Access keys with their secrets and accounts. An access key here acts in its entry's
    /// account (in either mode); with [`sigv4::Mode::Strict`] only these are accepted.
    pub credentials: Credentials,
    /// Whether signatures are checked (by the HTTP layer, which has the whole request).
    pub sigv4: sigv4::Mode,
    /// Seed of every engine's generator (each Region's engine gets its own stream of it).
    /// Drawn from the OS by the binary unless the user fixes it.
    pub seed: u64,
    /// Crypto provider of every engine.
    pub provider: ProviderKind,
    /// How long a multi-Region key's change takes to reach the other Regions' engines
    /// [ns]; delivered on the first call at or after it is due. 0: at once.
    pub replication_lag_ns: u64,
    /// Alarm rules every Region's engine evaluates over its calls (`kmsim serve --alarms`).
    pub alarm_rules: Vec<AlarmRule>,
    /// How long a new, retired or revoked grant takes to take effect for callers that
    /// present no grant token [ns]. 0: at once. Not journaled: a restart with another
    /// value replays earlier grant changes with the new one.
    pub grant_propagation_ns: u64,
}

impl KmsConfig {
    /// `us-east-1`, account 123456789012 (the account the AWS SDKs' and moto's examples
    /// use), no access keys mapped, signatures not checked, the default provider.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self {
            default_region: Region::US_EAST_1,
            default_account: "123456789012"
                .parse::<AccountId>()
                .unwrap_or_else(|_| unreachable!("a literal 12-digit account id")),
            access_keys: BTreeMap::new(),
            credentials: Credentials::new(),
            sigv4: sigv4::Mode::Off,
            seed,
            provider: ProviderKind::default(),
            replication_lag_ns: 0,
            alarm_rules: Vec::new(),
            grant_propagation_ns: 0,
        }
    }
}

/// The kmsim extension header that marks a call as made through an AWS service: its value
/// is the service endpoint, `kms:ViaService` (e.g. `s3.us-east-1.amazonaws.com`). Not an
/// AWS header: real AWS KMS learns this from the service's forward access session.
pub const VIA_SERVICE_HEADER: &str = "x-kmsim-via-service";

/// Who calls and where: what the HTTP layer reads from the request's signature (and
/// kmsim's [`VIA_SERVICE_HEADER`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Caller {
    /// The SigV4 access key id, if the request was signed.
    pub access_key: Option<String>,
    /// The Region of the SigV4 credential scope, if signed.
    pub region: Option<String>,
    /// The AWS service endpoint the call came through (`kms:ViaService`), from
    /// [`VIA_SERVICE_HEADER`]; `None` for a direct call.
    pub via_service: Option<String>,
}

/// The service principal of the endpoint `via_service`
/// (`<service>.<region>.amazonaws.com[.cn]` → `<service>.amazonaws.com[.cn]`), or the
/// ValidationException that refuses a value of another shape.
///
/// # Errors
/// `ValidationException` naming the header when `via_service` is not such an endpoint.
pub fn via_service_principal(via_service: &str) -> Result<String, WireError> {
    let refuse = || {
        WireError::new(
            "ValidationException",
            format!(
                "The {VIA_SERVICE_HEADER} header must be an AWS service endpoint such as s3.us-east-1.amazonaws.com, not '{via_service}'"
            ),
            400,
        )
    };
    let (rest, suffix) = if let Some(rest) = via_service.strip_suffix(".amazonaws.com") {
        (rest, "amazonaws.com")
    } else if let Some(rest) = via_service.strip_suffix(".amazonaws.com.cn") {
        (rest, "amazonaws.com.cn")
    } else {
        return Err(refuse());
    };
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    // `<service>.<region>`: at least two labels before the suffix.
    let labels: Vec<&str> = rest.split('.').collect();
    if via_service.len() > 253 || labels.len() < 2 || !labels.iter().all(|l| label_ok(l)) {
        return Err(refuse());
    }
    Ok(format!("{}.{suffix}", labels[0]))
}

/// Where and as whom a call runs.
#[derive(Clone, Debug)]
struct Located {
    region: Region,
    account: AccountId,
    /// The service principal and endpoint the call came through.
    via_service: Option<(String, String)>,
}

/// A finished call: HTTP status and JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status: 200, or the exception's.
    pub status: u16,
    /// The JSON body: the operation's output, or `{"__type", "message"}`.
    pub body: Vec<u8>,
}

/// The server's engines.
pub struct Kms {
    config: KmsConfig,
    state: Mutex<State>,
}

struct State {
    engines: BTreeMap<Region, Engine>,
    /// With `--state-dir`: every call is appended here before it runs.
    journal: Option<Journal>,
    /// The last time handed to an engine: the wall clock may step back, engine time must
    /// not.
    last_now: Timestamp,
    /// How far `POST /kmsim/clock` has moved the server's clock ahead of the wall clock
    /// [ns].
    clock_offset_ns: u64,
    /// The replication lag in force [ns] (the configuration's, or a journal's while it is
    /// replayed).
    replication_lag_ns: u64,
    /// Replication messages on their way, in the order they are due (the lag is the same
    /// for every message, so sending order is due order).
    in_transit: VecDeque<(Timestamp, ReplicationMessage)>,
}

impl std::fmt::Debug for Kms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The engines hold key material: only the configuration is shown.
        f.debug_struct("Kms").field("config", &self.config).finish_non_exhaustive()
    }
}

impl Kms {
    /// A server's KMS with no keys; each Region's engine is created on its first call.
    #[must_use]
    pub fn new(config: KmsConfig) -> Self {
        let replication_lag_ns = config.replication_lag_ns;
        Self {
            config,
            state: Mutex::new(State {
                engines: BTreeMap::new(),
                journal: None,
                last_now: Timestamp::UNIX_EPOCH,
                clock_offset_ns: 0,
                replication_lag_ns,
                in_transit: VecDeque::new(),
            }),
        }
    }

    /// A durable server's KMS: replays `entries` (what [`Journal::open`] read) through
    /// fresh engines seeded by the journal's seed, rebuilding the state every acknowledged
    /// answer was given from, then journals every call from now on.
    ///
    /// # Errors
    /// The journal cannot record a change of the replication lag.
    pub fn with_journal(
        mut config: KmsConfig,
        mut journal: Journal,
        entries: Vec<Entry>,
    ) -> Result<Self, JournalError> {
        config.seed = journal.seed();
        let configured_lag_ns = config.replication_lag_ns;
        let kms = Self::new(config);
        {
            let mut state = kms.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            // The journal replays with the lags it was written with: 0 until it says
            // otherwise.
            state.replication_lag_ns = 0;
            for entry in entries {
                match entry {
                    Entry::Call { now, caller, operation, body } => {
                        // The answer was given before the crash; only the state matters.
                        if let (Ok(located), Ok(request)) =
                            (kms.locate(&caller), wire::decode(&operation, &body))
                        {
                            let _ = kms.execute(&mut state, located, request, now);
                        }
                    }
                    Entry::Reset { now } => {
                        state.forget_all();
                        state.last_now = state.last_now.max(now);
                    }
                    Entry::Advance { by_ns } => {
                        state.clock_offset_ns = state.clock_offset_ns.saturating_add(by_ns);
                    }
                    Entry::ReplicationLag { lag_ns } => state.replication_lag_ns = lag_ns,
                }
            }
            if state.replication_lag_ns != configured_lag_ns {
                journal.append_replication_lag(configured_lag_ns)?;
                state.replication_lag_ns = configured_lag_ns;
            }
            state.journal = Some(journal);
        }
        Ok(kms)
    }

    /// The configuration it was built with.
    #[must_use]
    pub const fn config(&self) -> &KmsConfig {
        &self.config
    }

    /// Every alarm raised so far, in every Region, in the order they were raised (Regions
    /// in name order among alarms raised at the same instant).
    pub fn alarms(&self) -> Vec<Alarm> {
        let state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut alarms: Vec<Alarm> =
            state.engines.values().flat_map(|engine| engine.alarms().iter().cloned()).collect();
        alarms.sort_by_key(|alarm| alarm.raised_time);
        alarms
    }

    /// Forgets every key, alias and store in every Region, as if the server had just
    /// started (moto's `POST /moto-api/reset`, which test suites call between tests).
    /// Engine time still never steps back.
    pub fn reset(&self) {
        let mut state = match self.state.lock() {
            Ok(state) => state,
            // Nothing of the old state survives a reset, so a poisoned lock is cured by it.
            Err(poisoned) => poisoned.into_inner(),
        };
        let now = state.last_now;
        if let Some(journal) = &mut state.journal {
            // A reset that cannot be made durable is not made.
            if journal.append_reset(now).is_err() {
                return;
            }
        }
        state.forget_all();
        self.state.clear_poison();
    }

    /// Moves the server's clock `by_ns` ahead (never back), so rotations, deletion windows
    /// and imported-material expiry fall due without waiting; returns the server's time
    /// at wall time `wall_now`.
    ///
    /// # Errors
    /// The journal could not record the move (it is then not made).
    pub fn advance_clock(&self, by_ns: u64, wall_now: Timestamp) -> Result<Timestamp, WireError> {
        let mut state = self.state.lock().map_err(|_| poisoned())?;
        if let Some(journal) = &mut state.journal {
            journal.append_advance(by_ns).map_err(|error| persist_failed(&error))?;
        }
        state.clock_offset_ns = state.clock_offset_ns.saturating_add(by_ns);
        Ok(server_time(&state, wall_now))
    }

    /// The server's time at wall time `wall_now`: the wall clock plus the moves of
    /// [`Kms::advance_clock`], never before the last call's.
    #[must_use]
    pub fn server_time(&self, wall_now: Timestamp) -> Timestamp {
        let state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        server_time(&state, wall_now)
    }

    /// Runs `TrentService.<operation>` with a JSON `body` for `caller` at wall time `now`.
    pub fn call(&self, caller: &Caller, operation: &str, body: &[u8], now: Timestamp) -> Answer {
        match self.try_call(caller, operation, body, now) {
            Ok(body) => Answer { status: 200, body },
            Err(error) => Answer { status: error.status, body: error.body() },
        }
    }

    fn try_call(
        &self,
        caller: &Caller,
        operation: &str,
        body: &[u8],
        now: Timestamp,
    ) -> Result<Vec<u8>, WireError> {
        // Refused requests change nothing, so they are neither run nor journaled.
        let located = self.locate(caller)?;
        let request = wire::decode(operation, body)?;

        // A poisoned lock means a call panicked midway; the engines' invariants may not
        // hold, so every later call fails rather than serving from broken state.
        let mut state = self.state.lock().map_err(|_| poisoned())?;
        let now = server_time(&state, now);
        if let Some(journal) = &mut state.journal {
            journal
                .append_call(now, caller, operation, body)
                .map_err(|error| persist_failed(&error))?;
        }
        self.execute(&mut state, located, request, now)
    }

    /// Runs one call against the engines in `state`: the live path and the replay alike, so
    /// a replayed journal rebuilds exactly what was served.
    fn execute(
        &self,
        state: &mut State,
        Located { region, account, via_service }: Located,
        request: engine::Request,
        now: Timestamp,
    ) -> Result<Vec<u8>, WireError> {
        let now = now.max(state.last_now);
        state.last_now = now;
        self.deliver_due(state, now);
        let mut ctx = CallContext::new(PrincipalArn::root(account), now);
        if let Some((service_principal, endpoint)) = via_service {
            ctx = ctx.with_service(service_principal, endpoint);
        }
        let engine = state.engine(&self.config, region);
        let response = engine.handle(&ctx, request);
        let messages = engine.drain_outbox();
        engine.drain_events();
        let due = now.plus_nanos(state.replication_lag_ns);
        state.in_transit.extend(messages.into_iter().map(|message| (due, message)));
        self.deliver_due(state, now);
        Ok(wire::encode(&response?))
    }

    /// Hands the replication messages due by `now` to their Regions' engines.
    fn deliver_due(&self, state: &mut State, now: Timestamp) {
        while state.in_transit.front().is_some_and(|(due, _)| *due <= now) {
            let Some((_, message)) = state.in_transit.pop_front() else { break };
            let replica = state.engine(&self.config, message.destination_region);
            // A message the destination refuses is for another Region by construction of
            // `destination_region`; nothing to report to this caller.
            let _ = replica.apply_replication(message, now);
            replica.drain_events();
            // Applying may reply (a replica's acknowledgement to its primary).
            let replies = replica.drain_outbox();
            let due = now.plus_nanos(state.replication_lag_ns);
            state.in_transit.extend(replies.into_iter().map(|reply| (due, reply)));
        }
    }

    /// Where and as whom a caller acts: its Region, its account, and the service it calls
    /// through.
    fn locate(&self, caller: &Caller) -> Result<Located, WireError> {
        let (region, account) = self.region_and_account(caller)?;
        let via_service = match &caller.via_service {
            None => None,
            Some(endpoint) => Some((via_service_principal(endpoint)?, endpoint.clone())),
        };
        Ok(Located { region, account, via_service })
    }

    /// The Region and account a caller acts in.
    fn region_and_account(&self, caller: &Caller) -> Result<(Region, AccountId), WireError> {
        let region = match caller.region.as_deref() {
            None => self.config.default_region,
            Some(name) => name.parse().map_err(|_| {
                WireError::new(
                    "InvalidSignatureException",
                    format!("Credential should be scoped to a valid region, not '{name}'."),
                    400,
                )
            })?,
        };
        let account = caller
            .access_key
            .as_deref()
            .and_then(|key| {
                self.config
                    .credentials
                    .account(key)
                    .or_else(|| self.config.access_keys.get(key).copied())
            })
            .unwrap_or(self.config.default_account);
        Ok((region, account))
    }
}

fn server_time(state: &State, wall_now: Timestamp) -> Timestamp {
    wall_now.plus_nanos(state.clock_offset_ns).max(state.last_now)
}

fn poisoned() -> WireError {
    WireError::internal("The server failed an earlier request and stopped serving.")
}

fn persist_failed(error: &JournalError) -> WireError {
    WireError::internal(format!("The request was not run: it could not be made durable ({error})."))
}

impl State {
    /// Every engine and every message in transit: what a reset forgets.
    fn forget_all(&mut self) {
        self.engines.clear();
        self.in_transit.clear();
    }

    fn engine(&mut self, config: &KmsConfig, region: Region) -> &mut Engine {
        self.engines.entry(region).or_insert_with(|| {
            Engine::new(
                EngineConfig::new(region, region_seed(config.seed, region))
                    .with_provider(config.provider)
                    .with_audit_sink(AuditSink::Ring { capacity: AUDIT_RECORDS_KEPT })
                    .with_alarm_rules(config.alarm_rules.clone())
                    .with_grant_propagation_ns(config.grant_propagation_ns),
            )
        })
    }
}

/// Each Region's engine seed: the master seed mixed with the Region's name (FNV-1a), so
/// Regions never share a key-id stream.
fn region_seed(seed: u64, region: Region) -> u64 {
    region.as_str().bytes().fold(seed ^ 0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
