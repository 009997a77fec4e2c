//! `kmsim`: the command line of kmsim.
//!
//! Exit codes: 0 success; 1 a check did not pass (`compare` found a regression, `plan` found
//! no capacity that meets the SLO); 2 bad input (a command line, scenario, catalog or spec
//! that cannot be used); 3 anything else (an I/O failure).

mod analyze;
mod load;
mod scenarios;

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use engine::crypto::ProviderKind;

/// The simulated request path allocates a buffer or two per request through the engine's
/// API; mimalloc serves them faster than the system allocator (see the workspace manifest).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// kmsim: a benchmark and simulation harness for cloud key management.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// No progress bars.
    #[arg(long, global = true)]
    quiet: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Drive one engine through a deterministic mix of calls and print a JSON summary.
    Smoke {
        /// Master seed; drawn from the OS (and printed first) when absent.
        #[arg(long)]
        seed: Option<u64>,
        /// Crypto provider: aws-lc-rs or rustcrypto.
        #[arg(long, default_value = "aws-lc-rs", value_parser = parse_provider)]
        provider: ProviderKind,
        /// Symmetric keys to create.
        #[arg(long, default_value_t = 10)]
        keys: u32,
        /// Data-plane requests to make.
        #[arg(long, default_value_t = 10_000)]
        requests: u32,
    },
    /// Run a scenario (the quickstart without one), write its results folder and print
    /// where its report is.
    Run {
        /// The scenario file; the built-in quickstart when absent.
        scenario: Option<std::path::PathBuf>,
        /// Master seed; the scenario's, else drawn from the OS (and printed first).
        #[arg(long)]
        seed: Option<u64>,
        /// The results folder [default: results/runs/<scenario>-<seed>].
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Override any scenario key: `--set duration_s=30 --set workloads.0.sdk_clients=4`.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        overrides: Vec<String>,
        /// Print summary.json instead of the short summary.
        #[arg(long)]
        json: bool,
    },
    /// Check a scenario file (and its overrides) without running it.
    Validate {
        /// The scenario file.
        scenario: std::path::PathBuf,
        /// Overrides, as for `run`.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        overrides: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the scenarios in a folder, with the question each answers.
    List {
        /// The folder.
        #[arg(default_value = "scenarios")]
        dir: std::path::PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Compare two results folders; exit 1 if a metric of the second regressed.
    Compare {
        /// The baseline results folder.
        before: std::path::PathBuf,
        /// The results folder to judge.
        after: std::path::PathBuf,
        /// Allowed relative worsening (0.05 = 5%).
        #[arg(long, default_value_t = 0.05)]
        tolerance: f64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run a scenario over a grid of parameters, one simulation per point.
    Sweep {
        /// The scenario file.
        scenario: std::path::PathBuf,
        /// A swept key and its values: `world.regions.0.hsms_per_az=2,3,4`; repeatable.
        #[arg(long = "param", value_name = "PATH=V1,V2,…", required = true)]
        params: Vec<String>,
        /// Seeds to run each point with.
        #[arg(long, value_delimiter = ',', default_value = "1")]
        seeds: Vec<u64>,
        /// Points run in parallel.
        #[arg(long, default_value_t = 1)]
        jobs: usize,
        /// Overrides applied to every point, as for `run`.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        overrides: Vec<String>,
        /// Run only the slice i of n (`2/4`): points whose index is i − 1 modulo n.
        #[arg(long, value_parser = parse_shard)]
        shard: Option<(usize, usize)>,
        /// The sweep folder.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Combine the folders of a sharded sweep into one, as if it had run unsharded.
    Merge {
        /// The shard folders.
        #[arg(required = true)]
        shards: Vec<std::path::PathBuf>,
        /// The merged folder.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Find the smallest capacity that meets an SLO through a scenario's faults.
    Plan {
        /// The scenario file.
        scenario: std::path::PathBuf,
        /// The capacity key: `world.regions.0.hsms_per_az`, or a quota such as
        /// `world.regions.0.quotas.symmetric`.
        #[arg(long, default_value = "world.regions.0.hsms_per_az")]
        capacity: String,
        /// Smallest capacity to try.
        #[arg(long, default_value_t = 1)]
        min: u64,
        /// Largest capacity to try.
        #[arg(long, default_value_t = 32)]
        max: u64,
        /// SLO: p99 latency of every request, from intended send to final answer [ms].
        #[arg(long, default_value_t = 100.0)]
        slo_p99_ms: f64,
        /// SLO: share of requests that fail after retries.
        #[arg(long, default_value_t = 0.001)]
        slo_error_rate: f64,
        /// Seed; the scenario's by default.
        #[arg(long)]
        seed: Option<u64>,
        /// Overrides applied to every probe, as for `run`.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        overrides: Vec<String>,
        /// Where to write `plan.json` and the plot of the SLO metric against capacity.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Price a month of KMS usage without simulating (from flags or a spec file), or
    /// compare strategies: `envelope`, `sweep`, `break-even`.
    #[command(args_conflicts_with_subcommands = true)]
    Cost(CostArgs),
    /// Serve the engine over AWS KMS's wire protocol (JSON 1.1 over HTTP, or HTTPS with
    /// --tls-cert) for the AWS SDKs, the AWS CLI and other KMS clients, checking SigV4 with
    /// --sigv4 strict. Prints the address it listens on, then serves until interrupted.
    Serve(ServeArgs),
    /// Drive Encrypt calls at the in-process engine or a running server (kmsim serve,
    /// moto_server, any AWS KMS endpoint) and report operations per second and latency
    /// percentiles.
    Load(load::LoadArgs),
    /// Read every key's policy, grants, rotation and last use through the KMS API of a
    /// running endpoint and report who can do what they should not: public and
    /// cross-account access, wildcard actions, grants to other accounts, unused keys, keys
    /// without rotation; each finding with its cause and a least-privilege fix.
    Analyze(analyze::AnalyzeArgs),
}

#[derive(Debug, clap::Args)]
struct CostArgs {
    #[command(subcommand)]
    compare: Option<Compare>,
    /// Price catalog: seed, aws-2026, or a catalog file.
    #[arg(long, global = true, default_value = "aws-2026")]
    pricing: String,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    json: bool,
    /// Symmetric KMS keys in us-east-1.
    #[arg(long, default_value_t = 0)]
    keys: u64,
    /// Symmetric requests a month (`1000000`, `1M`, `2G`).
    #[arg(long, default_value = "0", value_parser = parse_count)]
    requests: u64,
    /// Rotations each key has had (aws-2026 bills the first two).
    #[arg(long, default_value_t = 0)]
    rotations: u32,
    /// Multi-Region replicas of each key (us-west-2, eu-west-1, … in turn).
    #[arg(long, default_value_t = 0)]
    replicas: u32,
    /// CloudHSM HSMs in service all month (a custom key store's cluster).
    #[arg(long, default_value_t = 0)]
    hsms: u64,
    /// A cost spec file (TOML: keys, requests by class, HSMs); replaces the flags above.
    #[arg(long)]
    spec: Option<std::path::PathBuf>,
    /// Also write `bill.json` and the breakdown chart (`cost-breakdown.svg`, `.png`) here.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Compare {
    /// Direct Encrypt vs envelope encryption vs envelope with a data-key cache.
    Envelope {
        /// Objects protected a month (`1M`).
        #[arg(long, value_parser = parse_count)]
        objects: u64,
        /// Size of each object (`1MiB`, `64KiB`, bytes).
        #[arg(long, value_parser = parse_size)]
        object_size: u64,
        /// KMS keys.
        #[arg(long, default_value_t = 1)]
        keys: u64,
        /// Cache: objects one data key may encrypt.
        #[arg(long, default_value_t = 1_000)]
        cache_max_messages: u64,
        /// Cache: age after which a data key is not reused [s].
        #[arg(long, default_value_t = 300)]
        cache_max_age_s: u64,
        /// Cache: bytes one data key may encrypt (`1GiB`).
        #[arg(long, default_value = "1TiB", value_parser = parse_size)]
        cache_max_bytes: u64,
    },
    /// Monthly cost for every key count × monthly requests; writes `sweep.csv` and the
    /// heatmap (`sweep-heatmap.svg`, `.png`) with `--out`.
    Sweep {
        /// Key counts, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,10,100,1k,10k", value_parser = parse_count)]
        keys: Vec<u64>,
        /// Requests a month, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "100k,1M,10M,100M,1G,2G", value_parser = parse_count)]
        requests: Vec<u64>,
        /// Where to write the table and the heatmap.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Where a CloudHSM cluster's flat price meets KMS's per-request price.
    BreakEven {
        /// HSMs in the cluster (at least 2 for a custom key store).
        #[arg(long, default_value_t = 2)]
        hsms: u64,
    },
}

/// `1000`, `10k`, `1M`, `2G` (decimal multipliers).
fn parse_count(s: &str) -> Result<u64, String> {
    let (digits, multiplier) = match s.trim().char_indices().last() {
        Some((i, 'k' | 'K')) => (&s[..i], 1_000),
        Some((i, 'M')) => (&s[..i], 1_000_000),
        Some((i, 'G')) => (&s[..i], 1_000_000_000),
        _ => (s.trim(), 1),
    };
    digits
        .replace('_', "")
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(|| format!("expected a count such as 1000000, 10k, 1M or 2G, got `{s}`"))
}

/// `4096`, `64KiB`, `1MiB`, `1GiB`, `1TiB` (binary multipliers) [bytes].
fn parse_size(s: &str) -> Result<u64, String> {
    let units =
        [("TiB", 1u64 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("B", 1)];
    let (digits, multiplier) =
        units.iter().find_map(|&(unit, m)| s.strip_suffix(unit).map(|d| (d, m))).unwrap_or((s, 1));
    digits
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(|| format!("expected a size such as 4096, 64KiB, 1MiB or 1GiB, got `{s}`"))
}

fn parse_provider(s: &str) -> Result<ProviderKind, String> {
    s.parse().map_err(|e: engine::KmsError| e.message)
}

/// The one place kmsim reads the OS's randomness: a seed for a run that was given none.
#[expect(clippy::disallowed_methods, reason = "the binary is the edge that seeds from the OS")]
fn seed_from_os() -> anyhow::Result<u64> {
    getrandom::u64().context("drawing a seed from the operating system")
}

/// `1/2` → (1, 2), with 1 ≤ i ≤ n.
fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (i, n) = s.split_once('/').ok_or_else(|| format!("expected i/n such as 1/2, got `{s}`"))?;
    match (i.parse::<usize>(), n.parse::<usize>()) {
        (Ok(i), Ok(n)) if (1..=n).contains(&i) => Ok((i, n)),
        _ => Err(format!("expected i/n with 1 ≤ i ≤ n, got `{s}`")),
    }
}

fn run() -> anyhow::Result<u8> {
    let cli = Cli::parse();
    let quiet = cli.quiet;
    match cli.command {
        Command::Smoke { seed, provider, keys, requests } => {
            let seed = match seed {
                Some(seed) => seed,
                None => seed_from_os()?,
            };
            let mut stdout = std::io::stdout().lock();
            let summary = sim::smoke(sim::SmokeConfig { seed, provider, keys, requests });
            serde_json::to_writer_pretty(&mut stdout, &summary)?;
            writeln!(stdout)?;
        }
        Command::Run { scenario, seed, out, overrides, json } => {
            let args = scenarios::RunArgs {
                scenario: scenario.as_deref(),
                seed,
                out: out.as_deref(),
                overrides: &overrides,
                quiet,
                json,
            };
            return scenarios::run(&args, seed_from_os);
        }
        Command::Validate { scenario, overrides, json } => {
            return scenarios::validate(&scenario, &overrides, json);
        }
        Command::List { dir, json } => return scenarios::list(&dir, json),
        Command::Compare { before, after, tolerance, json } => {
            return scenarios::compare(&before, &after, tolerance, json);
        }
        Command::Sweep { scenario, params, seeds, jobs, overrides, shard, out } => {
            let args = scenarios::SweepArgs {
                scenario: &scenario,
                overrides: &overrides,
                params: &params,
                seeds: &seeds,
                jobs,
                shard,
                out: &out,
                quiet,
            };
            return scenarios::sweep(&args);
        }
        Command::Merge { shards, out } => return scenarios::merge(&shards, &out),
        Command::Plan {
            scenario,
            capacity,
            min,
            max,
            slo_p99_ms,
            slo_error_rate,
            seed,
            overrides,
            out,
            json,
        } => {
            let args = scenarios::PlanArgs {
                scenario: &scenario,
                overrides: &overrides,
                capacity: &capacity,
                min,
                max,
                slo_p99_ms,
                slo_error_rate,
                seed,
                out: out.as_deref(),
                quiet,
                json,
            };
            return scenarios::plan(&args);
        }
        Command::Cost(args) => cost(&args)?,
        Command::Serve(args) => serve(&args)?,
        Command::Load(args) => load::main(&args)?,
        Command::Analyze(args) => analyze::main(&args)?,
    }
    Ok(0)
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = server::http::DEFAULT_LISTEN)]
    listen: std::net::SocketAddr,
    /// Seed of the engines' generators; drawn from the OS when absent. Fixed, the same
    /// calls give the same key ids and ciphertexts.
    #[arg(long)]
    seed: Option<u64>,
    /// Crypto provider: aws-lc-rs or rustcrypto.
    #[arg(long, default_value = "aws-lc-rs", value_parser = parse_provider)]
    provider: ProviderKind,
    /// Region of unsigned requests.
    #[arg(long, default_value = "us-east-1")]
    region: engine::Region,
    /// Account of unsigned requests and of access keys in neither --credentials nor
    /// --access-key.
    #[arg(long, default_value = "123456789012")]
    account: engine::id::AccountId,
    /// ACCESS_KEY_ID=ACCOUNT: requests signed with this access key act in this account
    /// (repeatable). No secret: with --sigv4 strict, use --credentials.
    #[arg(long = "access-key", value_parser = parse_access_key)]
    access_keys: Vec<(String, engine::id::AccountId)>,
    /// SigV4: `off` reads the access key and Region from the Authorization header without
    /// checking the signature (unsigned requests are served in --region and --account);
    /// `strict` checks every request's signature, the admin endpoints' too, against
    /// --credentials and answers AWS's errors.
    #[arg(long, default_value = "off", value_name = "off|strict")]
    sigv4: server::sigv4::Mode,
    /// File of access keys: one `ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID [SESSION_TOKEN]`
    /// a line, `#` comments. Their requests act in their accounts; with --sigv4 strict they
    /// are the only ones accepted. Secrets are never printed.
    #[arg(long)]
    credentials: Option<std::path::PathBuf>,
    /// PEM certificate chain, leaf first: serve HTTPS (TLS 1.3 and 1.2; X25519MLKEM768,
    /// X25519, secp256r1). Needs --tls-key.
    #[arg(long, requires = "tls_key", value_name = "CERT.pem")]
    tls_cert: Option<std::path::PathBuf>,
    /// PEM private key of --tls-cert (PKCS #8, SEC1 or PKCS #1).
    #[arg(long, requires = "tls_cert", value_name = "KEY.pem")]
    tls_key: Option<std::path::PathBuf>,
    /// Keep state in this directory: every call is journaled (encrypted under the root key)
    /// and flushed before it is answered, and replayed on start. In memory when absent.
    #[arg(long)]
    state_dir: Option<std::path::PathBuf>,
    /// File holding the 32-byte root key as 64 hex digits (else the KMSIM_ROOT_KEY
    /// environment variable); required with --state-dir.
    #[arg(long)]
    root_key_file: Option<std::path::PathBuf>,
    /// How long a multi-Region key's change takes to reach the other Regions [ms]; 0 (the
    /// default) delivers at once.
    #[arg(long, default_value_t = 0)]
    replication_lag_ms: u64,
    /// How long a new, retired or revoked grant takes to take effect for callers that
    /// present no grant token [ms]; 0 (the default) is at once. AWS: usually under five
    /// minutes.
    #[arg(long, default_value_t = 0)]
    grant_propagation_ms: u64,
    /// A TOML file of `[[alarms]]` tables (as in a scenario): rules every Region's engine
    /// evaluates over its calls; `GET /kmsim/alarms` lists what they raise.
    #[arg(long, value_name = "FILE")]
    alarms: Option<std::path::PathBuf>,
}

/// A refusal of the user's input (exit code 2).
#[derive(Debug)]
struct BadInput(String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

impl From<server::journal::JournalError> for BadInput {
    fn from(error: server::journal::JournalError) -> Self {
        Self(error.to_string())
    }
}

/// The root key from `--root-key-file`, else `KMSIM_ROOT_KEY`.
fn root_key(file: Option<&std::path::Path>) -> anyhow::Result<server::journal::RootKey> {
    let text = match file {
        Some(path) => zeroize::Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|e| BadInput(format!("{}: {e}", path.display())))?,
        ),
        None => zeroize::Zeroizing::new(std::env::var("KMSIM_ROOT_KEY").map_err(|_| {
            BadInput(
                "--state-dir needs a root key: --root-key-file FILE or KMSIM_ROOT_KEY \
                 (64 hex digits; `openssl rand -hex 32` makes one)"
                    .to_owned(),
            )
        })?),
    };
    Ok(server::journal::RootKey::from_hex(&text).map_err(BadInput::from)?)
}

fn parse_access_key(s: &str) -> Result<(String, engine::id::AccountId), String> {
    let (key, account) =
        s.split_once('=').ok_or_else(|| format!("expected ACCESS_KEY_ID=ACCOUNT, got `{s}`"))?;
    let account = account.parse().map_err(|e: engine::KmsError| e.message)?;
    Ok((key.to_owned(), account))
}

fn serve(args: &ServeArgs) -> anyhow::Result<()> {
    let drawn_seed = match args.seed {
        Some(seed) => seed,
        None => seed_from_os()?,
    };
    let mut config = server::kms::KmsConfig::new(drawn_seed);
    config.default_region = args.region;
    config.default_account = args.account;
    config.provider = args.provider;
    config.access_keys = args.access_keys.iter().cloned().collect();
    config.credentials = credentials(args)?;
    config.sigv4 = args.sigv4;
    config.replication_lag_ns = args.replication_lag_ms.saturating_mul(1_000_000);
    config.grant_propagation_ns = args.grant_propagation_ms.saturating_mul(1_000_000);
    if let Some(path) = &args.alarms {
        config.alarm_rules =
            sim::scenario_file::load_alarms(path).map_err(|e| BadInput(e.to_string()))?;
    }
    // Read before anything is opened or bound, so a bad file is bad input (exit 2).
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            Some(server::tls::server_config(cert, key).map_err(|e| BadInput(e.to_string()))?)
        }
        // clap requires both or neither.
        _ => None,
    };
    let kms = match &args.state_dir {
        None => server::kms::Kms::new(config),
        Some(dir) => {
            let root = root_key(args.root_key_file.as_deref())?;
            let file_id = [seed_from_os()?.to_le_bytes(), seed_from_os()?.to_le_bytes()].concat();
            let file_id: [u8; 16] = file_id.try_into().unwrap_or_default();
            let (journal, entries) =
                server::journal::Journal::open(dir, &root, drawn_seed, file_id)
                    .map_err(BadInput::from)?;
            if let Some(asked) = args.seed
                && asked != journal.seed()
            {
                return Err(BadInput(format!(
                    "{}: the journal there was started with seed {}; drop --seed or pass that one",
                    dir.display(),
                    journal.seed()
                ))
                .into());
            }
            server::kms::Kms::with_journal(config, journal, entries).map_err(BadInput::from)?
        }
    };
    let seed = kms.config().seed;
    let kms = std::sync::Arc::new(kms);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        let address = listener.local_addr()?;
        {
            let scheme = if tls.is_some() { "https" } else { "http" };
            let keys = kms.config().credentials.len();
            let sigv4 = match kms.config().sigv4 {
                server::sigv4::Mode::Off => String::new(),
                server::sigv4::Mode::Strict => {
                    let plural = if keys == 1 { "" } else { "s" };
                    format!("; SigV4 strict, {keys} access key{plural}")
                }
            };
            let mut stdout = std::io::stdout().lock();
            writeln!(
                stdout,
                "kmsim serve: listening on {scheme}://{address} (seed {seed}{sigv4})"
            )?;
            stdout.flush()?;
        }
        let shutdown = async {
            // Without a signal handler the process simply ends on Ctrl-C as well.
            let _ = tokio::signal::ctrl_c().await;
        };
        match tls {
            None => server::http::serve(listener, kms, shutdown).await,
            Some(tls) => server::http::serve_tls(listener, kms, tls, shutdown).await,
        }
        .context("serving")
    })
}

/// The access keys of `--credentials`, checked against `--sigv4` and `--access-key`.
fn credentials(args: &ServeArgs) -> anyhow::Result<server::sigv4::Credentials> {
    let credentials = match &args.credentials {
        Some(path) => {
            server::sigv4::Credentials::read(path).map_err(|e| BadInput(e.to_string()))?
        }
        None => server::sigv4::Credentials::new(),
    };
    let strict = args.sigv4 == server::sigv4::Mode::Strict;
    if strict && credentials.is_empty() {
        let why = match &args.credentials {
            Some(path) => format!(
                "{}: no access keys in it; --sigv4 strict would refuse every request",
                path.display()
            ),
            None => {
                "--sigv4 strict needs access keys to check signatures against: --credentials FILE \
                     (one `ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID` a line)"
                    .to_owned()
            }
        };
        return Err(BadInput(why).into());
    }
    for (key, account) in &args.access_keys {
        match credentials.account(key) {
            Some(other) if other != *account => {
                return Err(BadInput(format!(
                    "--access-key {key}={account}: --credentials gives {key} the account {other}"
                ))
                .into());
            }
            None if strict => {
                return Err(BadInput(format!(
                    "--access-key {key}={account}: {key} has no secret in --credentials, so \
                     --sigv4 strict would refuse every request it signs"
                ))
                .into());
            }
            _ => {}
        }
    }
    Ok(credentials)
}

/// Replica Regions handed out in turn by `--replicas`.
const REPLICA_REGIONS: [&str; 5] =
    ["us-west-2", "eu-west-1", "ap-southeast-1", "eu-central-1", "ap-northeast-1"];

fn cost(args: &CostArgs) -> anyhow::Result<()> {
    use sim::cost::{CostSpec, cloudhsm_break_even, compare_envelope, sweep};
    use sim::pricing::{Catalog, usd};

    let catalog = Catalog::named_or_file(&args.pricing)?;
    let mut stdout = std::io::stdout().lock();
    let month = sim::cost::MONTH_SECONDS;
    match &args.compare {
        None => {
            let spec = if let Some(path) = &args.spec {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                CostSpec::parse(&text, &path.display().to_string())?
            } else {
                let mut spec = CostSpec::simple(args.keys, args.requests);
                if let Some(keys) = spec.keys.first_mut() {
                    keys.rotations = args.rotations;
                    keys.replicas = (0..args.replicas as usize)
                        .map(|i| REPLICA_REGIONS[i % REPLICA_REGIONS.len()].to_owned())
                        .collect();
                }
                if args.hsms > 0 {
                    spec.hsms.push(sim::cost::HsmLine {
                        count: args.hsms,
                        region: sim::cost::DEFAULT_REGION.to_owned(),
                        account: sim::cost::DEFAULT_ACCOUNT.to_owned(),
                    });
                }
                spec
            };
            let bill = spec.price(&catalog);
            if let Some(dir) = &args.out {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                std::fs::write(dir.join("bill.json"), serde_json::to_string_pretty(&bill)? + "\n")?;
                sim::plot::cost_breakdown(&bill, "KMS cost", &dir.join("cost-breakdown"))?;
            }
            if args.json {
                serde_json::to_writer_pretty(&mut stdout, &bill)?;
                writeln!(stdout)?;
            } else {
                writeln!(stdout, "pricing: {} ({})", catalog.name, catalog.description)?;
                writeln!(stdout, "month: {} days", spec.month_days)?;
                writeln!(stdout)?;
                writeln!(
                    stdout,
                    "{:<14}{:<12}{:<38}{:>12} {:<16}{:>12}",
                    "account", "region", "item", "quantity", "unit", "amount"
                )?;
                for line in &bill.lines {
                    writeln!(
                        stdout,
                        "{:<14}{:<12}{:<38}{:>12} {:<16}{:>12}",
                        line.account,
                        line.region,
                        line.item,
                        line.quantity,
                        line.unit,
                        usd(line.amount_micro_usd)
                    )?;
                }
                writeln!(stdout)?;
                for (name, amount) in [
                    ("keys", bill.keys_micro_usd),
                    ("rotations", bill.rotations_micro_usd),
                    ("requests", bill.requests_micro_usd),
                    ("CloudHSM", bill.cloudhsm_micro_usd),
                    ("total", bill.total_micro_usd),
                ] {
                    writeln!(stdout, "{name:<12}{:>14}", usd(amount))?;
                }
            }
        }
        Some(Compare::Envelope {
            objects,
            object_size,
            keys,
            cache_max_messages,
            cache_max_age_s,
            cache_max_bytes,
        }) => {
            let cache = sim::scenario::DataKeyCache {
                max_age_ns: cache_max_age_s.saturating_mul(1_000_000_000),
                max_messages: *cache_max_messages,
                max_bytes: *cache_max_bytes,
            };
            let strategies =
                compare_envelope(&catalog, *keys, *objects, *object_size, cache, month);
            if args.json {
                serde_json::to_writer_pretty(&mut stdout, &strategies)?;
                writeln!(stdout)?;
            } else {
                writeln!(
                    stdout,
                    "{objects} objects of {object_size} bytes a month, {keys} key(s), pricing {}",
                    catalog.name
                )?;
                writeln!(
                    stdout,
                    "{:<20}{:>16}{:>16}{:>16}",
                    "strategy", "KMS requests", "requests/s", "monthly cost"
                )?;
                for s in &strategies {
                    writeln!(
                        stdout,
                        "{:<20}{:>16}{:>16.3}{:>16}",
                        s.name,
                        s.kms_requests,
                        s.kms_requests_per_second,
                        usd(s.total_micro_usd)
                    )?;
                }
            }
        }
        Some(Compare::Sweep { keys, requests, out }) => {
            let cells = sweep(&catalog, keys, requests);
            if let Some(dir) = out {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                let mut csv = String::from("keys,requests_per_month,total_micro_usd\n");
                for c in &cells {
                    csv.push_str(&format!(
                        "{},{},{}\n",
                        c.keys, c.requests_per_month, c.total_micro_usd
                    ));
                }
                std::fs::write(dir.join("sweep.csv"), csv)?;
                let title = format!("KMS cost per month ({})", catalog.name);
                sim::plot::sweep_heatmap(&cells, &title, &dir.join("sweep-heatmap"))?;
            }
            if args.json {
                serde_json::to_writer_pretty(&mut stdout, &cells)?;
                writeln!(stdout)?;
            } else {
                write!(stdout, "{:>10}", "keys")?;
                for r in requests {
                    write!(stdout, "{:>16}", format!("{r} req"))?;
                }
                writeln!(stdout)?;
                for &k in keys {
                    write!(stdout, "{k:>10}")?;
                    for c in cells.iter().filter(|c| c.keys == k) {
                        write!(stdout, "{:>16}", usd(c.total_micro_usd))?;
                    }
                    writeln!(stdout)?;
                }
            }
        }
        Some(Compare::BreakEven { hsms }) => {
            let even = cloudhsm_break_even(&catalog, *hsms, month);
            if args.json {
                serde_json::to_writer_pretty(&mut stdout, &even)?;
                writeln!(stdout)?;
            } else {
                writeln!(
                    stdout,
                    "pricing {}: {} HSMs cost {} a month.",
                    catalog.name,
                    even.hsms,
                    usd(even.hsm_month_micro_usd)
                )?;
                writeln!(
                    stdout,
                    "A CloudHSM custom key store costs that much more than standard KMS at every volume (the same key and request fees, plus the HSMs)."
                )?;
                writeln!(
                    stdout,
                    "Above {} symmetric requests a month ({:.1} requests/s on average), KMS's request fees alone exceed the HSMs' price.",
                    even.break_even_requests_per_month, even.break_even_requests_per_second
                )?;
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            #[expect(clippy::print_stderr, reason = "the binary reports its own failure")]
            {
                eprintln!("kmsim: {error:#}");
            }
            // Bad input is 2, like clap's usage errors; anything else 3.
            let bad_input = error.downcast_ref::<sim::pricing::FileError>().is_some()
                || error.downcast_ref::<sim::SimError>().is_some()
                || error.downcast_ref::<BadInput>().is_some();
            ExitCode::from(if bad_input { 2 } else { 3 })
        }
    }
}
