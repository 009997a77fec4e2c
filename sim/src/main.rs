//! `kmsim`: the command line of kmsim.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use engine::crypto::ProviderKind;

/// kmsim: a benchmark and simulation harness for cloud key management.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
    /// Simulate the built-in steady load (one Region, three AZs with HSMs for 50% load,
    /// 100 keys, Encrypt/Decrypt/GenerateDataKey) and print a JSON report.
    Run {
        /// Master seed; drawn from the OS (and printed first) when absent.
        #[arg(long)]
        seed: Option<u64>,
        /// Crypto provider: aws-lc-rs, rustcrypto or insecure-modelling (no security; for
        /// very large runs).
        #[arg(long, default_value = "aws-lc-rs", value_parser = parse_provider)]
        provider: ProviderKind,
        /// Request rate [requests/s].
        #[arg(long, default_value_t = 2_000.0)]
        rate: f64,
        /// Simulated duration [s].
        #[arg(long, default_value_t = 60)]
        duration_s: u64,
        /// Print everything: the time series and the serialised histograms too.
        #[arg(long)]
        full: bool,
    },
}

fn parse_provider(s: &str) -> Result<ProviderKind, String> {
    s.parse().map_err(|e: engine::KmsError| e.message)
}

/// The one place kmsim reads the OS's randomness: a seed for a run that was given none.
#[expect(clippy::disallowed_methods, reason = "the binary is the edge that seeds from the OS")]
fn seed_from_os() -> anyhow::Result<u64> {
    getrandom::u64().context("drawing a seed from the operating system")
}

fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
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
        Command::Run { seed, provider, rate, duration_s, full } => {
            let seed = match seed {
                Some(seed) => seed,
                None => seed_from_os()?,
            };
            anyhow::ensure!(rate.is_finite() && rate > 0.0, "--rate must be a positive number");
            let mut stdout = std::io::stdout().lock();
            // The seed first, so even an interrupted run can be reproduced.
            writeln!(stdout, "{{\"seed\": {seed}}}")?;
            stdout.flush()?;
            let duration_ns = duration_s.saturating_mul(1_000_000_000);
            let mut scenario = sim::Scenario::steady("steady", rate, duration_ns);
            scenario.provider = provider;
            let report = sim::Simulation::new(scenario, seed)?.run();
            let mut value = serde_json::to_value(&report)?;
            if !full && let Some(object) = value.as_object_mut() {
                object.remove("time_series");
                object.remove("histograms");
            }
            serde_json::to_writer_pretty(&mut stdout, &value)?;
            writeln!(stdout)?;
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            #[expect(clippy::print_stderr, reason = "the binary reports its own failure")]
            {
                eprintln!("kmsim: {error:#}");
            }
            ExitCode::FAILURE
        }
    }
}
