//! Scenario files: TOML in, a [`Scenario`] out, or an error that names the file, the line
//! and the column and says what was expected. `--set path=value` overrides edit the parsed
//! document before it is checked, so an override is checked exactly like the file.
//!
//! Units are in the key names (`duration_s`, `rate_per_s`, `median_ms`); scenarios/README.md
//! documents every key with its unit and default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use engine::alarms::{AlarmRule, KEY_STATE_WINDOW_S};
use engine::crypto::ProviderKind;
use engine::id::PrincipalArn;
use engine::policy::PolicyDocument;
use engine::quota::{QuotaClass, QuotaConfig, RequestRate};
use engine::spec::{DataKeyPairSpec, KeySpec, KeyUsage};
use engine::{AccountId, ErrorKind, Region};
use serde::Deserialize;
use toml::Spanned;

use crate::dist::{Dist, round};
use crate::pricing::{Catalog, FileError, line_column};
use crate::retry::RetryConfig;
use crate::scenario::{
    Action, ActionKind, Arrivals, AzConfig, ClientConfig, DataKeyCache, Fault, FaultKind,
    IdentityPolicy, KeyChoice, KeyGroup, OpKind, RegionConfig, RegionLink, RetryMode, Scenario,
    Workload, World,
};

/// The schema version this build reads.
pub const SCHEMA_VERSION: u32 = 1;

/// The longest `grant_propagation_ms` accepted, one hour [ms]: AWS's delay is "usually
/// less than five minutes", and a longer one is more likely a unit mistake.
const MAX_GRANT_PROPAGATION_MS: f64 = 3_600_000.0;

/// A scenario file, read and checked.
#[derive(Clone, Debug)]
pub struct ScenarioFile {
    /// The scenario.
    pub scenario: Scenario,
    /// The seed the file pins, if it does.
    pub seed: Option<u64>,
    /// What question it answers (its `description`).
    pub description: String,
    /// The exact text read (overrides not included), for the manifest's hash.
    pub text: String,
}

/// Reads `path`, applies `overrides` (`path=value`, TOML values; a bare word is a string),
/// and checks the result.
///
/// # Errors
/// [`FileError`] naming the file, line and column (the override, for an override's error).
pub fn load(path: &Path, overrides: &[String]) -> Result<ScenarioFile, FileError> {
    let (source, text) = read(path, "the scenario")?;
    parse(&text, &source, path.parent().unwrap_or(Path::new(".")), overrides)
}

/// `path` as errors name it, and its text; a read failure says it could not read `what`.
fn read(path: &Path, what: &str) -> Result<(String, String), FileError> {
    let source = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((source, text)),
        Err(e) => Err(FileError {
            source,
            line: None,
            column: None,
            message: format!("cannot read {what}: {e}"),
        }),
    }
}

/// Parses scenario `text` (named `source` in errors; relative paths inside resolve from
/// `base`), applying `overrides`.
///
/// # Errors
/// [`FileError`] naming `source`, line and column, and what was expected.
pub fn parse(
    text: &str,
    source: &str,
    base: &Path,
    overrides: &[String],
) -> Result<ScenarioFile, FileError> {
    let at = |span: Option<std::ops::Range<usize>>, text: &str, message: String| {
        let (line, column) = span.map(|s| line_column(text, s.start)).unzip();
        FileError { source: source.to_owned(), line, column, message }
    };
    // With overrides, the edited document is re-rendered and parsed again, so every error
    // still has a position; an error inside an override names the override.
    let mut effective = text.to_owned();
    if !overrides.is_empty() {
        // The file as written must be well formed on its own, so its errors keep their
        // positions.
        if let Err(e) = toml::from_str::<FileRoot>(text) {
            return Err(at(e.span(), text, e.message().to_owned()));
        }
        let mut document: toml::Table = toml::from_str(text)
            .map_err(|e: toml::de::Error| at(e.span(), text, e.message().to_owned()))?;
        for o in overrides {
            apply_override(&mut document, o).map_err(|message| FileError {
                source: format!("--set {o}"),
                line: None,
                column: None,
                message,
            })?;
        }
        effective = toml::to_string(&document).map_err(|e| at(None, text, e.to_string()))?;
    }
    // Positions are only meaningful in the file as written: with overrides, an error names
    // them instead (the file without them was checked above to be well formed).
    let with_overrides = |message: String| FileError {
        source: format!("{source} with --set {}", overrides.join(" --set ")),
        line: None,
        column: None,
        message,
    };
    let position = |span: Option<std::ops::Range<usize>>, message: String| {
        if overrides.is_empty() { at(span, &effective, message) } else { with_overrides(message) }
    };
    let file: FileRoot = toml::from_str(&effective)
        .map_err(|e: toml::de::Error| position(e.span(), e.message().to_owned()))?;
    let error = |span: std::ops::Range<usize>, message: String| position(Some(span), message);
    let scenario = file.build(base, &error)?;
    Ok(ScenarioFile {
        seed: file.seed,
        description: file.description.unwrap_or_default(),
        text: text.to_owned(),
        scenario,
    })
}

/// Reads a file of `[[alarms]]` tables, as a scenario writes them (`kmsim serve --alarms`).
///
/// # Errors
/// [`FileError`] naming the file, line and column.
pub fn load_alarms(path: &Path) -> Result<Vec<AlarmRule>, FileError> {
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct AlarmsRoot {
        #[serde(default)]
        alarms: Vec<AlarmFile>,
    }
    let (source, text) = read(path, "the alarm rules")?;
    let at = |span: Option<std::ops::Range<usize>>, message: String| {
        let (line, column) = span.map(|s| line_column(&text, s.start)).unzip();
        FileError { source: source.clone(), line, column, message }
    };
    let root: AlarmsRoot =
        toml::from_str(&text).map_err(|e: toml::de::Error| at(e.span(), e.message().to_owned()))?;
    let error = |span: std::ops::Range<usize>, message: String| at(Some(span), message);
    root.alarms.iter().enumerate().map(|(index, a)| a.rule(&root.alarms[..index], &error)).collect()
}

/// Sets `path=value` in `document`: `path` is dotted keys and array indices
/// (`workloads.0.arrivals.rate_per_s`); `value` is a TOML value, or a string if it is not one.
fn apply_override(document: &mut toml::Table, assignment: &str) -> Result<(), String> {
    let (path, raw) = assignment
        .split_once('=')
        .ok_or_else(|| "expected path=value, e.g. duration_s=60".to_owned())?;
    let value: toml::Value = toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_owned()));
    let parts: Vec<&str> = path.trim().split('.').collect();
    let mut root = toml::Value::Table(std::mem::take(document));
    let result = set(&mut root, &parts, value, path);
    if let toml::Value::Table(table) = root {
        *document = table;
    }
    result
}

/// Puts `new` at `path` under `value`; the last key of a table may be new (the schema check
/// then judges it), every other step must exist.
fn set(value: &mut toml::Value, path: &[&str], new: toml::Value, full: &str) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        *value = new;
        return Ok(());
    };
    let next = match value {
        toml::Value::Table(table) => {
            if rest.is_empty() {
                table.insert((*first).to_owned(), new);
                return Ok(());
            }
            table.get_mut(*first).ok_or_else(|| format!("no `{first}` in `{full}`"))?
        }
        toml::Value::Array(array) => first
            .parse::<usize>()
            .ok()
            .and_then(|i| array.get_mut(i))
            .ok_or_else(|| format!("`{first}` in `{full}` is not an index of the list"))?,
        _ => return Err(format!("`{full}` goes through a value that is not a table or a list")),
    };
    set(next, rest, new, full)
}

type ErrorAt<'a> = dyn Fn(std::ops::Range<usize>, String) -> FileError + 'a;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRoot {
    schema_version: Spanned<u32>,
    name: String,
    description: Option<String>,
    seed: Option<u64>,
    duration_s: Spanned<f64>,
    #[serde(default)]
    provider: Option<Spanned<String>>,
    #[serde(default)]
    pricing: Option<Spanned<String>>,
    #[serde(default = "one_second")]
    interval_s: Spanned<f64>,
    #[serde(default = "thirty_days")]
    month_days: Spanned<u64>,
    #[serde(default)]
    grant_propagation_ms: Option<Spanned<f64>>,
    #[serde(default)]
    client: ClientFile,
    world: WorldFile,
    #[serde(default)]
    keys: Vec<KeysFile>,
    #[serde(default)]
    workloads: Vec<WorkloadFile>,
    #[serde(default)]
    faults: Vec<FaultFile>,
    #[serde(default)]
    actions: Vec<ActionFile>,
    #[serde(default)]
    alarms: Vec<AlarmFile>,
    #[serde(default)]
    identity_policies: Vec<IdentityPolicyFile>,
    #[serde(default)]
    outputs: OutputsFile,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutputsFile {
    #[serde(default = "yes")]
    plots: bool,
    #[serde(default = "yes")]
    histograms: bool,
    #[serde(default = "yes")]
    time_series: bool,
}

impl Default for OutputsFile {
    fn default() -> Self {
        Self { plots: true, histograms: true, time_series: true }
    }
}

const fn yes() -> bool {
    true
}

fn one_second() -> Spanned<f64> {
    Spanned::new(0..0, 1.0)
}

fn thirty_days() -> Spanned<u64> {
    Spanned::new(0..0, 30)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientFile {
    #[serde(default = "standard")]
    retry: Spanned<String>,
    #[serde(default = "ten_seconds")]
    attempt_timeout_ms: Spanned<f64>,
    #[serde(default)]
    failover: bool,
}

impl Default for ClientFile {
    fn default() -> Self {
        Self { retry: standard(), attempt_timeout_ms: ten_seconds(), failover: false }
    }
}

fn standard() -> Spanned<String> {
    Spanned::new(0..0, "standard".to_owned())
}

fn ten_seconds() -> Spanned<f64> {
    Spanned::new(0..0, 10_000.0)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorldFile {
    regions: Vec<RegionFile>,
    #[serde(default)]
    links: Vec<LinkFile>,
    #[serde(default)]
    replication_delay: Option<DurationFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionFile {
    name: Spanned<String>,
    #[serde(default = "three")]
    azs: u32,
    hsms_per_az: Spanned<u32>,
    queue_limit: Option<u32>,
    client_latency: Option<DurationFile>,
    inter_az_latency: Option<DurationFile>,
    detection_delay_s: Option<f64>,
    /// Overrides of request quotas [requests/s]: `symmetric`, `rsa`, `ecc`, `ml_dsa`, `ml_kem`,
    /// `generate_data_key_pair_<KEY_PAIR_SPEC>`, or an API name.
    #[serde(default)]
    quotas: BTreeMap<String, Spanned<f64>>,
    #[serde(default)]
    quotas_enabled: Option<bool>,
    #[serde(default)]
    service_ms: BTreeMap<String, DurationFile>,
    /// Per key spec, per operation: `{ RSA_4096 = { Sign = … } }`.
    #[serde(default)]
    service_ms_per_key_spec: BTreeMap<String, BTreeMap<String, DurationFile>>,
    cloudhsm_account: Option<Spanned<String>>,
}

const fn three() -> u32 {
    3
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkFile {
    a: Spanned<String>,
    b: Spanned<String>,
    one_way: DurationFile,
}

/// A duration distribution in milliseconds.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum DurationFile {
    Constant { ms: f64 },
    Exponential { mean_ms: f64 },
    Lognormal { median_ms: f64, p99_ms: f64 },
    Uniform { low_ms: f64, high_ms: f64 },
    Empirical { ms: Vec<f64> },
}

impl DurationFile {
    fn dist(&self) -> Dist {
        let ns = |ms: f64| round(ms * 1e6);
        match self {
            Self::Constant { ms } => Dist::constant(ns(*ms)),
            Self::Exponential { mean_ms } => Dist::exponential_ms(*mean_ms),
            Self::Lognormal { median_ms, p99_ms } => Dist::lognormal_ms(*median_ms, *p99_ms),
            Self::Uniform { low_ms, high_ms } => {
                Dist::Uniform { low: ns(*low_ms), high: ns(*high_ms) }
            }
            Self::Empirical { ms } => Dist::empirical(ms.iter().map(|&m| ns(m)).collect()),
        }
    }
}

/// A size in bytes: a number, or a distribution.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum SizeFile {
    Bytes(u64),
    Dist(SizeDistFile),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum SizeDistFile {
    Uniform { low_bytes: u64, high_bytes: u64 },
    Exponential { mean_bytes: f64 },
    Empirical { bytes: Vec<u64> },
}

impl SizeFile {
    fn dist(&self) -> Dist {
        match self {
            Self::Bytes(n) => Dist::constant(*n),
            Self::Dist(SizeDistFile::Uniform { low_bytes, high_bytes }) => {
                Dist::Uniform { low: *low_bytes, high: *high_bytes }
            }
            Self::Dist(SizeDistFile::Exponential { mean_bytes }) => {
                Dist::Exponential { mean: *mean_bytes }
            }
            Self::Dist(SizeDistFile::Empirical { bytes }) => Dist::empirical(bytes.clone()),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    name: String,
    count: u32,
    region: Spanned<String>,
    #[serde(default)]
    replicas: Vec<Spanned<String>>,
    #[serde(default)]
    spec: Option<Spanned<String>>,
    #[serde(default)]
    usage: Option<Spanned<String>>,
    account: Option<Spanned<String>>,
    rotation_period_days: Option<u32>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
    policy: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityPolicyFile {
    principal: Spanned<String>,
    #[serde(default = "scenario_policy_name")]
    name: Spanned<String>,
    policy: Spanned<String>,
}

fn scenario_policy_name() -> Spanned<String> {
    Spanned::new(0..0, "scenario".to_owned())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkloadFile {
    name: String,
    region: Spanned<String>,
    keys: Spanned<String>,
    arrivals: ArrivalsFile,
    mix: BTreeMap<String, Spanned<u32>>,
    #[serde(default)]
    key_choice: Option<KeyChoiceFile>,
    #[serde(default)]
    payload_bytes: Option<SizeFile>,
    #[serde(default)]
    context_tenants: u32,
    data_key_cache: Option<CacheFile>,
    #[serde(default = "one_u32")]
    sdk_clients: u32,
    key_pair_spec: Option<Spanned<String>>,
    start_s: Option<f64>,
    end_s: Option<f64>,
}

const fn one_u32() -> u32 {
    1
}

/// Arrivals: `kind` says which fields apply (a flat table, so every value keeps its
/// position for error messages).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArrivalsFile {
    kind: Spanned<String>,
    rate_per_s: Option<Spanned<f64>>,
    mean_per_s: Option<Spanned<f64>>,
    amplitude: Option<f64>,
    period_s: Option<f64>,
    peak_at_s: Option<f64>,
    base_per_s: Option<Spanned<f64>>,
    burst_per_s: Option<Spanned<f64>>,
    length_s: Option<f64>,
    first_at_s: Option<f64>,
    file: Option<Spanned<String>>,
    clients: Option<u32>,
    think: Option<DurationFile>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum KeyChoiceFile {
    Uniform,
    Zipf { exponent: f64 },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CacheFile {
    max_age_s: f64,
    max_messages: u64,
    #[serde(default = "no_limit")]
    max_bytes: u64,
}

const fn no_limit() -> u64 {
    u64::MAX
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultFile {
    kind: Spanned<String>,
    start_s: Spanned<f64>,
    end_s: Option<Spanned<f64>>,
    region: Option<Spanned<String>>,
    az: Option<Spanned<String>>,
    a: Option<Spanned<String>>,
    b: Option<Spanned<String>>,
    extra_latency: Option<DurationFile>,
    error_ppm: Option<u32>,
    slowdown_permille: Option<u32>,
    extra: Option<DurationFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionFile {
    at_s: Spanned<f64>,
    kind: Spanned<String>,
    keys: Spanned<String>,
    pending_window_days: Option<u32>,
}

/// An alarm rule: `kind` says which fields apply (a flat table, so every value keeps its
/// position for error messages); it becomes an `engine::alarms::AlarmRule`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AlarmFile {
    name: Spanned<String>,
    kind: Spanned<String>,
    error_code: Option<Spanned<String>>,
    operation: Option<Spanned<String>>,
    threshold: Option<Spanned<u64>>,
    window_s: Option<Spanned<u64>>,
    per_key: Option<Spanned<bool>>,
}

/// The operation called `name` (`Encrypt`).
fn operation(name: &str) -> Option<engine::api::Operation> {
    engine::api::Operation::ALL.iter().copied().find(|o| o.as_str() == name)
}

fn seconds_ns(s: f64) -> u64 {
    round(s * 1e9)
}

impl FileRoot {
    fn build(&self, base: &Path, error: &ErrorAt<'_>) -> Result<Scenario, FileError> {
        let span = |s: &Spanned<f64>| s.span();
        if *self.schema_version.get_ref() != SCHEMA_VERSION {
            return Err(error(
                self.schema_version.span(),
                format!("expected schema_version = {SCHEMA_VERSION}"),
            ));
        }
        let duration = *self.duration_s.get_ref();
        if !(duration.is_finite() && duration > 0.0) {
            return Err(error(
                span(&self.duration_s),
                "expected a positive duration in seconds".to_owned(),
            ));
        }
        let duration_ns = seconds_ns(duration);
        let region = |name: &Spanned<String>| -> Result<Region, FileError> {
            let parsed: Region = name.get_ref().parse().map_err(|_| {
                error(
                    name.span(),
                    format!(
                        "unknown Region `{}`: expected a Region name such as us-east-1",
                        name.get_ref()
                    ),
                )
            })?;
            if self.world.regions.iter().any(|r| r.name.get_ref() == name.get_ref()) {
                Ok(parsed)
            } else {
                Err(error(
                    name.span(),
                    format!(
                        "Region `{}` is not in [world]: expected one of its regions",
                        name.get_ref()
                    ),
                ))
            }
        };
        let positive = |value: &Spanned<f64>, what: &str| -> Result<f64, FileError> {
            let v = *value.get_ref();
            if v.is_finite() && v >= 0.0 {
                Ok(v)
            } else {
                Err(error(value.span(), format!("expected {what} ≥ 0, got {v}")))
            }
        };
        let account = |value: &Spanned<String>| -> Result<AccountId, FileError> {
            value
                .get_ref()
                .parse()
                .map_err(|_| error(value.span(), "expected a 12-digit account id".to_owned()))
        };

        // The world.
        let mut regions = Vec::new();
        for r in &self.world.regions {
            let name: Region = r.name.get_ref().parse().map_err(|_| {
                error(
                    r.name.span(),
                    format!(
                        "unknown Region `{}`: expected a Region name such as us-east-1",
                        r.name.get_ref()
                    ),
                )
            })?;
            if *r.hsms_per_az.get_ref() == 0 {
                return Err(error(
                    r.hsms_per_az.span(),
                    "expected at least 1 HSM per AZ".to_owned(),
                ));
            }
            let mut config = RegionConfig::three_azs(name, *r.hsms_per_az.get_ref());
            config.azs = (0..r.azs)
                .map(|i| AzConfig {
                    name: format!("{name}{}", char::from(b'a' + u8::try_from(i % 26).unwrap_or(0))),
                    hsms: *r.hsms_per_az.get_ref(),
                    queue_limit: r.queue_limit,
                })
                .collect();
            if let Some(d) = &r.client_latency {
                config.client_latency = d.dist();
            }
            if let Some(d) = &r.inter_az_latency {
                config.inter_az_latency = d.dist();
            }
            if let Some(s) = r.detection_delay_s {
                config.detection_delay_ns = seconds_ns(s);
            }
            let mut quotas = if r.quotas_enabled == Some(false) {
                QuotaConfig::disabled()
            } else {
                QuotaConfig::default()
            };
            for (class, rate) in &r.quotas {
                let per_s = positive(rate, "a quota in requests per second")?;
                let unknown = |name: &str| {
                    error(
                        rate.span(),
                        format!(
                            "unknown quota `{name}`: expected symmetric, rsa, ecc, ml_dsa, ml_kem, generate_data_key_pair_<KEY_PAIR_SPEC> (as generate_data_key_pair_RSA_2048) or an operation name"
                        ),
                    )
                };
                let class = match class.as_str() {
                    "symmetric" => QuotaClass::CryptoSymmetric,
                    "rsa" => QuotaClass::CryptoRsa,
                    "ecc" => QuotaClass::CryptoEcc,
                    "ml_dsa" => QuotaClass::CryptoMlDsa,
                    "ml_kem" => QuotaClass::CryptoKmsimMlKem,
                    name => match name.strip_prefix("generate_data_key_pair_") {
                        // Both GenerateDataKeyPair operations share the pair spec's quota.
                        Some(pair) => QuotaClass::GenerateDataKeyPair(
                            pair.parse::<DataKeyPairSpec>().map_err(|_| unknown(name))?.key_spec(),
                        ),
                        None => QuotaClass::Api(operation(name).ok_or_else(|| unknown(name))?),
                    },
                };
                quotas =
                    quotas.with_rate(class, RequestRate::per_second_milli(round(per_s * 1_000.0)));
            }
            config.quotas = quotas;
            // An operation's time replaces its defaults for every key spec; per-spec times
            // then override it for one spec.
            for (op, d) in &r.service_ms {
                let operation = operation(op).ok_or_else(|| {
                    error(r.name.span(), format!("service_ms: unknown operation `{op}`"))
                })?;
                config.service_times.set(operation, d.dist());
            }
            for (spec, times) in &r.service_ms_per_key_spec {
                let key_spec = spec.parse::<KeySpec>().map_err(|_| {
                    error(
                        r.name.span(),
                        format!("service_ms_per_key_spec: unknown key spec `{spec}`"),
                    )
                })?;
                for (op, d) in times {
                    let operation = operation(op).ok_or_else(|| {
                        error(
                            r.name.span(),
                            format!("service_ms_per_key_spec.{spec}: unknown operation `{op}`"),
                        )
                    })?;
                    config.service_times.set_for_key_spec(operation, key_spec, d.dist());
                }
            }
            if let Some(acct) = &r.cloudhsm_account {
                config.cloudhsm_account = Some(account(acct)?);
            }
            regions.push(config);
        }
        let mut world = World {
            regions,
            inter_region: Vec::new(),
            replication_delay: Dist::lognormal_ms(500.0, 2_000.0),
        };
        for link in &self.world.links {
            world.inter_region.push(RegionLink {
                a: region(&link.a)?,
                b: region(&link.b)?,
                one_way: link.one_way.dist(),
            });
        }
        if let Some(d) = &self.world.replication_delay {
            world.replication_delay = d.dist();
        }
        let mut scenario = Scenario::new(self.name.clone(), world, duration_ns);
        let interval = *self.interval_s.get_ref();
        if !(interval.is_finite() && interval >= 0.001) {
            return Err(error(
                self.interval_s.span(),
                format!("expected an interval of at least 0.001 s, got {interval}"),
            ));
        }
        scenario.interval_ns = seconds_ns(interval);
        let month_days = *self.month_days.get_ref();
        if !(1..=3_650).contains(&month_days) {
            return Err(error(
                self.month_days.span(),
                format!("expected month_days from 1 to 3650, got {month_days}"),
            ));
        }
        scenario.month_seconds = month_days * 86_400;
        if let Some(delay) = &self.grant_propagation_ms {
            let ms = *delay.get_ref();
            if !(ms.is_finite() && (0.0..=MAX_GRANT_PROPAGATION_MS).contains(&ms)) {
                return Err(error(
                    delay.span(),
                    format!(
                        "expected a grant propagation delay from 0 to {MAX_GRANT_PROPAGATION_MS} ms, got {ms}"
                    ),
                ));
            }
            scenario.grant_propagation_ns = round(ms * 1e6);
        }
        scenario.outputs = crate::scenario::Outputs {
            plots: self.outputs.plots,
            histograms: self.outputs.histograms,
            time_series: self.outputs.time_series,
        };
        if let Some(p) = &self.provider {
            scenario.provider =
                p.get_ref().parse::<ProviderKind>().map_err(|e| error(p.span(), e.message))?;
        }
        if let Some(p) = &self.pricing {
            let name = p.get_ref();
            let resolved = if matches!(name.as_str(), "seed" | "aws-2026") {
                name.clone()
            } else {
                base.join(name).display().to_string()
            };
            scenario.pricing =
                Catalog::named_or_file(&resolved).map_err(|e| error(p.span(), e.to_string()))?;
        }
        scenario.client = ClientConfig {
            retry: match self.client.retry.get_ref().as_str() {
                "off" => RetryMode::Off,
                "standard" => RetryMode::Standard(RetryConfig::standard()),
                "standard-2026" => RetryMode::Standard(RetryConfig::standard_2026()),
                "adaptive" => RetryMode::Adaptive(RetryConfig::standard()),
                other => {
                    return Err(error(
                        self.client.retry.span(),
                        format!(
                            "unknown retry mode `{other}`: expected off, standard, standard-2026 or adaptive"
                        ),
                    ));
                }
            },
            attempt_timeout_ns: {
                let ms = *self.client.attempt_timeout_ms.get_ref();
                if !(ms.is_finite() && ms >= 0.001) {
                    return Err(error(
                        self.client.attempt_timeout_ms.span(),
                        format!("expected a timeout of at least 0.001 ms, got {ms}"),
                    ));
                }
                round(ms * 1e6)
            },
            failover: self.client.failover,
        };

        // Keys.
        for k in &self.keys {
            let spec = match &k.spec {
                Some(s) => s
                    .get_ref()
                    .parse::<KeySpec>()
                    .map_err(|_| error(s.span(), format!("unknown key spec `{}`", s.get_ref())))?,
                None => KeySpec::SymmetricDefault,
            };
            let mut group = KeyGroup::symmetric(k.name.clone(), k.count, region(&k.region)?);
            group.spec = spec;
            if let Some(u) = &k.usage {
                group.usage = Some(u.get_ref().parse::<KeyUsage>().map_err(|_| {
                    error(
                        u.span(),
                        format!(
                            "unknown key usage `{}`: expected SIGN_VERIFY, ENCRYPT_DECRYPT, KEY_AGREEMENT or GENERATE_VERIFY_MAC",
                            u.get_ref()
                        ),
                    )
                })?);
            }
            group.rotation_period_days = k.rotation_period_days;
            // Where the problem is: the usage if one is given, else the spec, else the name.
            let at =
                k.usage.as_ref().or(k.spec.as_ref()).map_or_else(|| k.region.span(), Spanned::span);
            group.check().map_err(|e| error(at, format!("key group `{}`: {e}", k.name)))?;
            group.replicas = k.replicas.iter().map(&region).collect::<Result<_, _>>()?;
            if let Some(a) = &k.account {
                group.account = account(a)?;
            }
            group.tags = k.tags.iter().map(|(a, b)| (a.clone(), b.clone())).collect();
            if let Some(policy) = &k.policy {
                // Checked here so a mistake names the line; the lockout safety check runs
                // when the simulation creates the keys.
                PolicyDocument::parse_key_policy(policy.get_ref()).map_err(|e| {
                    error(policy.span(), format!("key group `{}`: policy: {e}", k.name))
                })?;
                group.policy = Some(policy.get_ref().clone());
            }
            scenario.keys.push(group);
        }

        // Workloads.
        for w in &self.workloads {
            if !self.keys.iter().any(|k| &k.name == w.keys.get_ref()) {
                return Err(error(
                    w.keys.span(),
                    format!(
                        "no key group `{}`: expected the name of a [[keys]] entry",
                        w.keys.get_ref()
                    ),
                ));
            }
            let a = &w.arrivals;
            let kind = a.kind.get_ref().as_str();
            let missing =
                |field: &str| error(a.kind.span(), format!("`{kind}` arrivals need `{field}`"));
            let rate = |value: &Option<Spanned<f64>>, field: &str| -> Result<f64, FileError> {
                positive(
                    value.as_ref().ok_or_else(|| missing(field))?,
                    "a rate in requests per second",
                )
            };
            let number = |value: Option<f64>, field: &str| value.ok_or_else(|| missing(field));
            let arrivals = match kind {
                "poisson" => Arrivals::Poisson { rate_per_s: rate(&a.rate_per_s, "rate_per_s")? },
                "constant" => Arrivals::Constant { rate_per_s: rate(&a.rate_per_s, "rate_per_s")? },
                "diurnal" => Arrivals::Diurnal {
                    mean_per_s: rate(&a.mean_per_s, "mean_per_s")?,
                    amplitude: number(a.amplitude, "amplitude")?,
                    period_ns: seconds_ns(number(a.period_s, "period_s")?),
                    peak_at_ns: seconds_ns(a.peak_at_s.unwrap_or(0.0)),
                },
                "bursts" => Arrivals::Bursts {
                    base_per_s: rate(&a.base_per_s, "base_per_s")?,
                    burst_per_s: rate(&a.burst_per_s, "burst_per_s")?,
                    period_ns: seconds_ns(number(a.period_s, "period_s")?),
                    length_ns: seconds_ns(number(a.length_s, "length_s")?),
                    first_at_ns: seconds_ns(a.first_at_s.unwrap_or(0.0)),
                },
                "trace" => {
                    let file = a.file.as_ref().ok_or_else(|| missing("file"))?;
                    let path: PathBuf = base.join(file.get_ref());
                    let csv = std::fs::read_to_string(&path).map_err(|e| {
                        error(file.span(), format!("cannot read trace {}: {e}", path.display()))
                    })?;
                    Arrivals::trace_from_csv(&csv)
                        .map_err(|e| error(file.span(), format!("trace {}: {e}", path.display())))?
                }
                "closed" => Arrivals::Closed {
                    clients: a.clients.ok_or_else(|| missing("clients"))?,
                    think: a.think.as_ref().ok_or_else(|| missing("think"))?.dist(),
                },
                other => {
                    return Err(error(
                        a.kind.span(),
                        format!(
                            "unknown arrivals `{other}`: expected poisson, constant, diurnal, bursts, trace or closed"
                        ),
                    ));
                }
            };
            let key_pair_spec = w
                .key_pair_spec
                .as_ref()
                .map(|s| {
                    s.get_ref().parse::<DataKeyPairSpec>().map_err(|_| {
                        let names: Vec<&str> =
                            DataKeyPairSpec::ALL.iter().map(|p| p.as_str()).collect();
                        error(
                            s.span(),
                            format!(
                                "unknown key pair spec `{}`: expected one of {}",
                                s.get_ref(),
                                names.join(", ")
                            ),
                        )
                    })
                })
                .transpose()?;
            let mut mix = Vec::new();
            for (op, weight) in &w.mix {
                let kind =
                    OpKind::ALL.iter().copied().find(|k| k.as_str() == op).ok_or_else(|| {
                        let names: Vec<&str> = OpKind::ALL.iter().map(|k| k.as_str()).collect();
                        error(
                            weight.span(),
                            format!(
                                "unknown operation `{op}` in mix: expected one of {}",
                                names.join(", ")
                            ),
                        )
                    })?;
                // An operation the key group cannot do is refused here, at its line.
                if *weight.get_ref() > 0
                    && let Some(group) = scenario.keys.iter().find(|g| &g.name == w.keys.get_ref())
                    && let Some(refusal) = group.refuses(kind)
                {
                    return Err(error(weight.span(), format!("workload `{}`: {refusal}", w.name)));
                }
                if *weight.get_ref() > 0 && kind.makes_key_pair() && key_pair_spec.is_none() {
                    return Err(error(
                        weight.span(),
                        format!(
                            "workload `{}`: {op} needs the pair's spec: expected key_pair_spec = \"ECC_NIST_P256\" (or another KeyPairSpec) in the workload",
                            w.name
                        ),
                    ));
                }
                mix.push((kind, *weight.get_ref()));
            }
            let mut workload = Workload::poisson(
                w.name.clone(),
                region(&w.region)?,
                w.keys.get_ref().clone(),
                0.0,
            );
            workload.arrivals = arrivals;
            workload.mix = mix;
            workload.key_choice = match w.key_choice {
                None | Some(KeyChoiceFile::Uniform) => KeyChoice::Uniform,
                Some(KeyChoiceFile::Zipf { exponent }) => KeyChoice::Zipf { exponent },
            };
            if let Some(size) = &w.payload_bytes {
                workload.payload_bytes = size.dist();
            }
            workload.context_tenants = w.context_tenants;
            workload.data_key_cache = w.data_key_cache.as_ref().map(|c| DataKeyCache {
                max_age_ns: seconds_ns(c.max_age_s),
                max_messages: c.max_messages,
                max_bytes: c.max_bytes,
            });
            workload.sdk_clients = w.sdk_clients.max(1);
            workload.key_pair_spec = key_pair_spec;
            if w.start_s.is_some() || w.end_s.is_some() {
                workload.window_ns = Some((
                    seconds_ns(w.start_s.unwrap_or(0.0)),
                    w.end_s.map_or(duration_ns, seconds_ns),
                ));
            }
            scenario.workloads.push(workload);
        }

        // Faults, inside the run.
        for f in &self.faults {
            let start = positive(&f.start_s, "a start time in seconds")?;
            if seconds_ns(start) >= duration_ns {
                return Err(error(
                    span(&f.start_s),
                    format!("the fault starts at {start} s, after the run ends at {duration} s"),
                ));
            }
            let end_ns = match &f.end_s {
                Some(end) => {
                    let e = positive(end, "an end time in seconds")?;
                    if e <= start {
                        return Err(error(
                            span(end),
                            format!("the fault ends at {e} s, not after its start at {start} s"),
                        ));
                    }
                    seconds_ns(e)
                }
                None => u64::MAX,
            };
            let need = |field: &Option<Spanned<String>>,
                        name: &str|
             -> Result<Spanned<String>, FileError> {
                field.clone().ok_or_else(|| {
                    error(f.kind.span(), format!("a `{}` fault needs `{name}`", f.kind.get_ref()))
                })
            };
            let az = |f: &FaultFile| -> Result<(Region, String), FileError> {
                let r = need(&f.region, "region")?;
                let region_name = region(&r)?;
                let az = need(&f.az, "az")?;
                // The AZs as built above, names and all.
                let config = scenario.world.regions.iter().find(|c| c.region == region_name);
                let known = config.is_some_and(|c| c.azs.iter().any(|a| a.name == *az.get_ref()));
                if !known {
                    return Err(error(
                        az.span(),
                        format!(
                            "no AZ `{}` in {region_name}: expected {region_name}a, {region_name}b, …",
                            az.get_ref()
                        ),
                    ));
                }
                Ok((region_name, az.get_ref().clone()))
            };
            let kind = match f.kind.get_ref().as_str() {
                "az_down" => {
                    let (region, az) = az(f)?;
                    FaultKind::AzDown { region, az }
                }
                "gray_az" => {
                    let (region, az) = az(f)?;
                    FaultKind::GrayAz {
                        region,
                        az,
                        extra_latency: f
                            .extra_latency
                            .as_ref()
                            .map_or(Dist::constant(0), DurationFile::dist),
                        error_ppm: f.error_ppm.unwrap_or(0),
                    }
                }
                "hsm_degraded" => {
                    let (region, az) = az(f)?;
                    FaultKind::HsmDegraded {
                        region,
                        az,
                        slowdown_permille: f.slowdown_permille.unwrap_or(2_000),
                    }
                }
                "region_down" => {
                    FaultKind::RegionDown { region: region(&need(&f.region, "region")?)? }
                }
                "partition" => FaultKind::Partition {
                    a: region(&need(&f.a, "a")?)?,
                    b: region(&need(&f.b, "b")?)?,
                },
                "replication_delay" => FaultKind::ReplicationDelay {
                    extra: f.extra.as_ref().map_or(Dist::constant(0), DurationFile::dist),
                },
                other => {
                    return Err(error(
                        f.kind.span(),
                        format!(
                            "unknown fault `{other}`: expected az_down, gray_az, hsm_degraded, region_down, partition or replication_delay"
                        ),
                    ));
                }
            };
            scenario.faults.push(Fault { start_ns: seconds_ns(start), end_ns, kind });
        }

        // Actions.
        for a in &self.actions {
            let at = positive(&a.at_s, "a time in seconds")?;
            if seconds_ns(at) >= duration_ns {
                return Err(error(
                    span(&a.at_s),
                    format!("the action at {at} s is after the run ends at {duration} s"),
                ));
            }
            if !self.keys.iter().any(|k| &k.name == a.keys.get_ref()) {
                return Err(error(a.keys.span(), format!("no key group `{}`", a.keys.get_ref())));
            }
            let keys = a.keys.get_ref().clone();
            let kind = match a.kind.get_ref().as_str() {
                "rotate_on_demand" => ActionKind::RotateOnDemand { keys },
                "schedule_key_deletion" => ActionKind::ScheduleKeyDeletion {
                    keys,
                    pending_window_days: a.pending_window_days.unwrap_or(30),
                },
                "cancel_key_deletion" => ActionKind::CancelKeyDeletion { keys },
                "disable_key" => ActionKind::DisableKey { keys },
                "enable_key" => ActionKind::EnableKey { keys },
                other => {
                    return Err(error(
                        a.kind.span(),
                        format!(
                            "unknown action `{other}`: expected rotate_on_demand, schedule_key_deletion, cancel_key_deletion, disable_key or enable_key"
                        ),
                    ));
                }
            };
            scenario.actions.push(Action { at_ns: seconds_ns(at), kind });
        }

        // Alarms.
        for (index, a) in self.alarms.iter().enumerate() {
            scenario.alarms.push(a.rule(&self.alarms[..index], error)?);
        }

        // Identity policies.
        for p in &self.identity_policies {
            let principal = p.principal.get_ref();
            principal.parse::<PrincipalArn>().map_err(|e| {
                error(
                    p.principal.span(),
                    format!("expected an IAM user or role ARN: {}", e.message),
                )
            })?;
            PolicyDocument::parse_identity_policy(p.policy.get_ref())
                .map_err(|e| error(p.policy.span(), format!("identity policy: {e}")))?;
            let name = p.name.get_ref().clone();
            let taken = scenario
                .identity_policies
                .iter()
                .any(|other| other.principal == *principal && other.name == name);
            if taken {
                return Err(error(
                    p.name.span(),
                    format!("`{principal}` already has an identity policy named `{name}`"),
                ));
            }
            scenario.identity_policies.push(IdentityPolicy {
                principal: principal.clone(),
                name,
                document: p.policy.get_ref().clone(),
            });
        }
        Ok(scenario)
    }
}

impl AlarmFile {
    /// The engine's rule, or the first thing wrong with it (`earlier` are the rules before
    /// it, whose names it must not reuse).
    fn rule(&self, earlier: &[Self], error: &ErrorAt<'_>) -> Result<AlarmRule, FileError> {
        let name = self.name.get_ref();
        if name.is_empty() {
            return Err(error(self.name.span(), "expected a name for the alarm rule".to_owned()));
        }
        if earlier.iter().any(|other| other.name.get_ref() == name) {
            return Err(error(
                self.name.span(),
                format!("another alarm rule is named `{name}`: names identify the alarms"),
            ));
        }
        let kind = self.kind.get_ref().as_str();
        let missing =
            |field: &str| error(self.kind.span(), format!("a `{kind}` alarm needs `{field}`"));
        let operation = match &self.operation {
            None => None,
            Some(op) => Some(operation(op.get_ref()).ok_or_else(|| {
                error(
                    op.span(),
                    format!(
                        "unknown operation `{}`: expected an AWS KMS operation name such as Decrypt",
                        op.get_ref()
                    ),
                )
            })?),
        };
        let window_s = match &self.window_s {
            Some(w) if *w.get_ref() == 0 => {
                return Err(error(w.span(), "expected a window of at least 1 s".to_owned()));
            }
            Some(w) => Some(*w.get_ref()),
            None => None,
        };
        let per_key = self.per_key.as_ref().is_none_or(|p| *p.get_ref());
        // The key-state rules fire on the first event and always per key: a field that
        // would mean otherwise is refused rather than ignored.
        let state_rule = |field: &str, span: Option<std::ops::Range<usize>>| match span {
            Some(span) => Err(error(
                span,
                format!(
                    "a `{kind}` alarm takes no `{field}`: it fires on the first refused call of a key"
                ),
            )),
            None => Ok(()),
        };
        let rule = match kind {
            "error_rate" => {
                let code = self.error_code.as_ref().ok_or_else(|| missing("error_code"))?;
                let error_code = ErrorKind::from_aws_code(code.get_ref()).ok_or_else(|| {
                    error(
                        code.span(),
                        format!(
                            "unknown error code `{}`: expected an AWS KMS exception name such as AccessDeniedException",
                            code.get_ref()
                        ),
                    )
                })?;
                AlarmRule::ErrorRate {
                    name: name.clone(),
                    error_code,
                    operation,
                    threshold: *self
                        .threshold
                        .as_ref()
                        .ok_or_else(|| missing("threshold"))?
                        .get_ref(),
                    window_s: window_s.ok_or_else(|| missing("window_s"))?,
                    per_key,
                }
            }
            "call_volume" => {
                if let Some(code) = &self.error_code {
                    return Err(error(
                        code.span(),
                        "a `call_volume` alarm counts every outcome: it takes no `error_code`"
                            .to_owned(),
                    ));
                }
                AlarmRule::CallVolume {
                    name: name.clone(),
                    operation,
                    threshold: *self
                        .threshold
                        .as_ref()
                        .ok_or_else(|| missing("threshold"))?
                        .get_ref(),
                    window_s: window_s.ok_or_else(|| missing("window_s"))?,
                    per_key,
                }
            }
            "key_pending_deletion_used" | "disabled_key_used" => {
                state_rule("threshold", self.threshold.as_ref().map(Spanned::span))?;
                state_rule("per_key", self.per_key.as_ref().map(Spanned::span))?;
                state_rule("error_code", self.error_code.as_ref().map(Spanned::span))?;
                let window_s = window_s.unwrap_or(KEY_STATE_WINDOW_S);
                if kind == "disabled_key_used" {
                    AlarmRule::DisabledKeyUsed { name: name.clone(), operation, window_s }
                } else {
                    AlarmRule::KeyPendingDeletionUsed { name: name.clone(), operation, window_s }
                }
            }
            other => {
                return Err(error(
                    self.kind.span(),
                    format!(
                        "unknown alarm `{other}`: expected error_rate, key_pending_deletion_used, disabled_key_used or call_volume"
                    ),
                ));
            }
        };
        Ok(rule)
    }
}
