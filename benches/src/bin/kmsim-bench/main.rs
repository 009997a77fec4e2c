//! `kmsim-bench`: the CI instruction-count gate and the export of bench results.
//!
//! ```text
//! kmsim-bench gate                      # every workload under callgrind vs the baseline
//! kmsim-bench gate --update             # record a new baseline, on purpose
//! kmsim-bench gate --only NAME --slowdown NAME=10   # a deliberate slowdown: must fail
//! kmsim-bench export [--criterion DIR]  # criterion's latest results as BMF JSON
//! kmsim-bench list                      # the workloads
//! kmsim-bench workload NAME             # one workload, as the gate runs it under valgrind
//! ```
//!
//! Exit codes: 0 pass, 1 a regression (or a workload without a baseline), 2 bad input or a
//! missing tool.

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool: its tables and messages are its interface"
)]

// The same allocator as the kmsim binary and the criterion benches, so the gate counts the
// instructions users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bmf;
mod gate;
mod workloads;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

/// The committed baseline.
pub(crate) const DEFAULT_BASELINE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/gate/baseline.json");

#[derive(Parser)]
#[command(name = "kmsim-bench", about = "kmsim's instruction-count gate and bench export")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Counts each workload's instructions under callgrind and compares them with the
    /// baseline; fails on a regression beyond the baseline's tolerance.
    Gate {
        /// The baseline file.
        #[arg(long, default_value = DEFAULT_BASELINE)]
        baseline: PathBuf,
        /// Only these workloads (repeatable).
        #[arg(long)]
        only: Vec<String>,
        /// Record the counts as the new baseline instead of comparing (keeps the
        /// tolerance; with --only, replaces only those entries).
        #[arg(long, conflicts_with = "slowdown")]
        update: bool,
        /// NAME=PERCENT: run workload NAME with PERCENT% more operations than the baseline
        /// counted, a deliberate slowdown the gate must catch.
        #[arg(long)]
        slowdown: Option<String>,
        /// Also write the counts as Bencher Metric Format JSON (instructions per operation).
        #[arg(long)]
        bmf: Option<PathBuf>,
        /// The valgrind executable.
        #[arg(long, default_value = "valgrind")]
        valgrind: PathBuf,
    },
    /// Writes criterion's latest results (`cargo bench -p benches`) as Bencher Metric
    /// Format JSON: latency [ns] and throughput per benchmark.
    Export {
        /// Criterion's output folder.
        #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/criterion"))]
        criterion: PathBuf,
        /// Where to write; standard output if absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Lists the gate's workloads with their operation counts.
    List,
    /// Runs one workload (what the gate runs under valgrind).
    Workload {
        name: String,
        /// Operations to run; the workload's own count if absent.
        #[arg(long)]
        operations: Option<u64>,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("kmsim-bench: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<bool> {
    match cli.command {
        Command::Gate { baseline, only, update, slowdown, bmf, valgrind } => {
            run_gate(&baseline, &only, update, slowdown.as_deref(), bmf.as_deref(), valgrind)
        }
        Command::Export { criterion, out } => {
            let json = serde_json::to_string_pretty(&bmf::from_criterion(&criterion)?)? + "\n";
            write_or_print(out.as_deref(), &json)?;
            Ok(true)
        }
        Command::List => {
            for w in workloads::ALL {
                println!("{:<44} {:>7} operations", w.name, w.operations);
            }
            Ok(true)
        }
        Command::Workload { name, operations } => {
            let workload =
                workloads::find(&name).with_context(|| format!("no workload '{name}'"))?;
            workload.run(operations.unwrap_or(workload.operations));
            Ok(true)
        }
    }
}

fn write_or_print(path: Option<&std::path::Path>, text: &str) -> anyhow::Result<()> {
    match path {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
        }
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

fn run_gate(
    baseline_path: &std::path::Path,
    only: &[String],
    update: bool,
    slowdown: Option<&str>,
    bmf_path: Option<&std::path::Path>,
    valgrind: PathBuf,
) -> anyhow::Result<bool> {
    let valgrind_version = gate::version_of(&valgrind.to_string_lossy(), "--version");
    anyhow::ensure!(
        valgrind_version.starts_with("valgrind"),
        "{} not found: install valgrind (Debian: apt-get install valgrind)",
        valgrind.display()
    );
    let rustc_version = gate::version_of("rustc", "-V");
    let slowdown = slowdown.map(gate::parse_slowdown).transpose()?;
    let mut selected = gate::select(only)?;
    if let Some((workload, _)) = slowdown
        && !selected.iter().any(|w| w.name == workload.name)
    {
        selected.push(workload);
    }
    let baseline = if baseline_path.exists() || !update {
        Some(gate::Baseline::load(baseline_path)?)
    } else {
        None
    };

    let scratch = std::env::temp_dir().join(format!("kmsim-gate-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let runner = gate::Runner { exe: std::env::current_exe()?, valgrind, scratch: scratch.clone() };
    let mut measurements = Vec::new();
    for workload in selected {
        let operations = match slowdown {
            Some((slowed, pct)) if slowed.name == workload.name => {
                eprintln!("{}: deliberately slowed down, {pct}% more operations", workload.name);
                workload.operations * (100 + pct) / 100
            }
            _ => workload.operations,
        };
        let instructions = runner.measure(workload, operations)?;
        // Judged against the baseline's operation count: the extra operations are the
        // slowdown, not a different workload.
        measurements.push(gate::Measurement {
            name: workload.name.to_owned(),
            operations: workload.operations,
            instructions,
        });
    }
    let _ = std::fs::remove_dir_all(&scratch);

    if let Some(path) = bmf_path {
        let json = serde_json::to_string_pretty(&bmf::from_gate(&measurements))? + "\n";
        write_or_print(Some(path), &json)?;
    }

    if update {
        let mut next = baseline.unwrap_or(gate::Baseline {
            schema_version: gate::BASELINE_SCHEMA_VERSION,
            tolerance_pct: 3.0,
            rustc: String::new(),
            valgrind: String::new(),
            workloads: std::collections::BTreeMap::new(),
        });
        if only.is_empty() {
            next.workloads.clear();
        }
        next.rustc = rustc_version;
        next.valgrind = valgrind_version;
        for m in &measurements {
            next.workloads.insert(
                m.name.clone(),
                gate::Entry { operations: m.operations, instructions: m.instructions },
            );
        }
        next.save(baseline_path)?;
        println!(
            "baseline written: {} ({} workloads)",
            baseline_path.display(),
            measurements.len()
        );
        return Ok(true);
    }

    let baseline = baseline.context("no baseline")?;
    let (table, pass) = gate::report(&baseline, &measurements);
    print!("{table}");
    println!("tolerance: +{}% instructions", baseline.tolerance_pct);
    if baseline.rustc != rustc_version || baseline.valgrind != valgrind_version {
        println!(
            "note: the baseline was taken with {} and {}; this is {rustc_version} and \
             {valgrind_version}, and counts move with either",
            baseline.rustc, baseline.valgrind
        );
    }
    if pass {
        println!("gate: pass");
    } else {
        println!(
            "gate: FAIL. If the change is intended, record it: cargo run --release -p benches \
             --bin kmsim-bench -- gate --update"
        );
    }
    Ok(pass)
}
