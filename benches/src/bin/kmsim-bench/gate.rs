//! The instruction-count gate: each workload run under `valgrind --tool=callgrind`, counted
//! only inside its measured region, compared with a committed baseline.
//!
//! Instruction counts do not depend on the machine's load, so a tolerance of a few percent
//! separates a real regression from noise where wall-clock timings on a shared 2-core CI
//! host cannot. Valgrind presents its own synthetic CPU (no AVX-512, no SHA extensions), so
//! aws-lc and the RustCrypto crates take the same code paths on every x86-64 host that has
//! AVX2, and the counts carry from one CI machine to the next.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};

use crate::workloads::{self, MEASURED_SYMBOL, Workload};

/// The committed baseline's format version.
pub(crate) const BASELINE_SCHEMA_VERSION: u32 = 1;

/// The committed baseline: instructions per workload and what made them.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Baseline {
    pub(crate) schema_version: u32,
    /// A workload whose count grows by more than this fails the gate [%].
    pub(crate) tolerance_pct: f64,
    /// `rustc -V` and `valgrind --version` when the baseline was taken: counts move with
    /// either, so a mismatch is reported beside any failure.
    pub(crate) rustc: String,
    pub(crate) valgrind: String,
    pub(crate) workloads: BTreeMap<String, Entry>,
}

/// One workload's recorded count.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entry {
    /// Operations the workload ran.
    pub(crate) operations: u64,
    /// Instructions counted in the measured region.
    pub(crate) instructions: u64,
}

impl Baseline {
    /// Reads and checks a baseline file.
    pub(crate) fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the baseline {}", path.display()))?;
        let baseline: Self = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a gate baseline", path.display()))?;
        if baseline.schema_version != BASELINE_SCHEMA_VERSION {
            bail!(
                "{}: schema_version {} (this tool reads {BASELINE_SCHEMA_VERSION})",
                path.display(),
                baseline.schema_version
            );
        }
        if !(baseline.tolerance_pct.is_finite() && baseline.tolerance_pct >= 0.0) {
            bail!("{}: tolerance_pct must be a non-negative number", path.display());
        }
        Ok(baseline)
    }

    /// Writes the baseline, pretty-printed with a final newline (it is reviewed in diffs).
    pub(crate) fn save(&self, path: &Path) -> anyhow::Result<()> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
    }
}

/// One workload measured now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Measurement {
    pub(crate) name: String,
    pub(crate) operations: u64,
    pub(crate) instructions: u64,
}

/// How one measurement compares with its baseline entry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Verdict {
    /// Within the tolerance.
    Ok { change_pct: f64 },
    /// Slower than the baseline by more than the tolerance: fails the gate.
    Regressed { change_pct: f64 },
    /// Faster by more than the tolerance: passes, and the baseline should be updated so the
    /// gain is kept.
    Improved { change_pct: f64 },
    /// The baseline has no entry, or one for another operation count: fails until updated.
    NoBaseline,
}

impl Verdict {
    /// Whether the gate fails on this verdict.
    pub(crate) const fn fails(self) -> bool {
        matches!(self, Self::Regressed { .. } | Self::NoBaseline)
    }
}

/// Compares one measurement with the baseline.
pub(crate) fn judge(baseline: &Baseline, now: &Measurement) -> Verdict {
    let Some(entry) = baseline.workloads.get(&now.name) else {
        return Verdict::NoBaseline;
    };
    if entry.operations != now.operations || entry.instructions == 0 {
        return Verdict::NoBaseline;
    }
    // Decided in whole instructions, so a change of exactly the tolerance passes whatever
    // the float rounding of the percentage.
    #[expect(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a slack of a few percent of a count far below 2^53"
    )]
    let slack = (entry.instructions as f64 * baseline.tolerance_pct / 100.0).floor() as u64;
    #[expect(clippy::cast_precision_loss, reason = "a percentage for display")]
    let change_pct = (now.instructions as f64 / entry.instructions as f64 - 1.0) * 100.0;
    if now.instructions > entry.instructions.saturating_add(slack) {
        Verdict::Regressed { change_pct }
    } else if now.instructions < entry.instructions.saturating_sub(slack) {
        Verdict::Improved { change_pct }
    } else {
        Verdict::Ok { change_pct }
    }
}

/// The comparison table, one line per measurement, and whether the gate passes.
pub(crate) fn report(baseline: &Baseline, measurements: &[Measurement]) -> (String, bool) {
    let mut out = String::new();
    let width = measurements.iter().map(|m| m.name.len()).max().unwrap_or(8).max(8);
    let _ = writeln!(
        out,
        "{:<width$}  {:>14}  {:>14}  {:>10}  {:>8}  verdict",
        "workload", "baseline", "now", "per op", "change"
    );
    let mut pass = true;
    for m in measurements {
        let verdict = judge(baseline, m);
        pass &= !verdict.fails();
        let base = baseline
            .workloads
            .get(&m.name)
            .map_or_else(|| "-".to_owned(), |e| group_thousands(e.instructions));
        let (change, word) = match verdict {
            Verdict::Ok { change_pct } => (format!("{change_pct:+.2}%"), "ok"),
            Verdict::Regressed { change_pct } => (format!("{change_pct:+.2}%"), "REGRESSED"),
            Verdict::Improved { change_pct } => {
                (format!("{change_pct:+.2}%"), "improved: update the baseline to keep it")
            }
            Verdict::NoBaseline => ("-".to_owned(), "NO BASELINE for this operation count"),
        };
        let _ = writeln!(
            out,
            "{:<width$}  {:>14}  {:>14}  {:>10}  {:>8}  {word}",
            m.name,
            base,
            group_thousands(m.instructions),
            group_thousands(m.instructions / m.operations.max(1)),
            change
        );
    }
    (out, pass)
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Reads the instruction total from a callgrind output file (`totals:` or `summary:` line).
pub(crate) fn parse_callgrind_total(text: &str) -> Option<u64> {
    text.lines()
        .filter_map(|line| line.strip_prefix("totals:").or_else(|| line.strip_prefix("summary:")))
        .find_map(|rest| rest.split_whitespace().next()?.parse().ok())
}

/// Runs valgrind and the workload programs.
pub(crate) struct Runner {
    /// This executable, which runs one workload when called as `workload NAME`.
    pub(crate) exe: PathBuf,
    pub(crate) valgrind: PathBuf,
    pub(crate) scratch: PathBuf,
}

impl Runner {
    /// Counts the instructions of `workload` run with `operations` operations.
    pub(crate) fn measure(&self, workload: &Workload, operations: u64) -> anyhow::Result<u64> {
        let out_file = self.scratch.join(format!("{}.callgrind", workload.name.replace('/', "_")));
        let output = Command::new(&self.valgrind)
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out_file.display()))
            .arg(format!("--toggle-collect={MEASURED_SYMBOL}"))
            .arg(&self.exe)
            .args(["workload", workload.name, "--operations", &operations.to_string()])
            // Nothing from the caller's environment reaches the measured program: the same
            // inputs give the same count (aws-lc, for one, reads OPENSSL_ia32cap).
            .env_clear()
            .output()
            .with_context(|| format!("running {}", self.valgrind.display()))?;
        if !output.status.success() {
            bail!(
                "{} under valgrind failed ({}):\n{}",
                workload.name,
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let text = std::fs::read_to_string(&out_file)
            .with_context(|| format!("reading {}", out_file.display()))?;
        let total = parse_callgrind_total(&text)
            .with_context(|| format!("{}: no instruction total", out_file.display()))?;
        if total == 0 {
            bail!(
                "{}: callgrind counted nothing; the measured symbol {MEASURED_SYMBOL} was not \
                 found (is the binary stripped?)",
                workload.name
            );
        }
        Ok(total)
    }
}

/// What to run: every workload, or the named ones.
pub(crate) fn select(only: &[String]) -> anyhow::Result<Vec<&'static Workload>> {
    if only.is_empty() {
        return Ok(workloads::ALL.iter().collect());
    }
    only.iter()
        .map(|name| {
            workloads::find(name).with_context(|| {
                let names: Vec<_> = workloads::ALL.iter().map(|w| w.name).collect();
                format!("no workload '{name}'; there are: {}", names.join(", "))
            })
        })
        .collect()
}

/// `NAME=PCT`: run workload NAME with PCT% more operations, a deliberate slowdown.
pub(crate) fn parse_slowdown(spec: &str) -> anyhow::Result<(&'static Workload, u64)> {
    let (name, pct) =
        spec.split_once('=').context("--slowdown takes NAME=PERCENT, e.g. sim/events/mm1=10")?;
    let workload = workloads::find(name).with_context(|| format!("no workload '{name}'"))?;
    let pct: u64 = pct.parse().with_context(|| format!("'{pct}' is not a whole percentage"))?;
    if pct == 0 || pct > 1_000 {
        bail!("--slowdown percentage must be 1 to 1000, got {pct}");
    }
    Ok((workload, pct))
}

/// A command's first line of output, or `unknown`.
pub(crate) fn version_of(program: &str, arg: &str) -> String {
    Command::new(program)
        .arg(arg)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline(entries: &[(&str, u64, u64)]) -> Baseline {
        Baseline {
            schema_version: BASELINE_SCHEMA_VERSION,
            tolerance_pct: 3.0,
            rustc: "rustc 1.95.0".into(),
            valgrind: "valgrind-3.19.0".into(),
            workloads: entries
                .iter()
                .map(|&(n, operations, instructions)| {
                    (n.to_owned(), Entry { operations, instructions })
                })
                .collect(),
        }
    }

    fn now(name: &str, operations: u64, instructions: u64) -> Measurement {
        Measurement { name: name.into(), operations, instructions }
    }

    #[test]
    fn judges_against_the_tolerance_both_ways() {
        let b = baseline(&[("a", 100, 1_000_000)]);
        assert!(matches!(judge(&b, &now("a", 100, 1_000_000)), Verdict::Ok { .. }));
        assert!(matches!(judge(&b, &now("a", 100, 1_030_000)), Verdict::Ok { .. }));
        assert!(matches!(judge(&b, &now("a", 100, 1_030_001)), Verdict::Regressed { .. }));
        assert!(matches!(judge(&b, &now("a", 100, 969_999)), Verdict::Improved { .. }));
        assert_eq!(judge(&b, &now("a", 200, 1_000_000)), Verdict::NoBaseline);
        assert_eq!(judge(&b, &now("b", 100, 1_000_000)), Verdict::NoBaseline);
        assert!(!judge(&b, &now("a", 100, 1)).fails(), "an improvement passes");
    }

    #[test]
    fn the_report_fails_when_any_workload_regresses() {
        let b = baseline(&[("fast", 10, 1_000), ("slow", 10, 1_000)]);
        let (table, pass) = report(&b, &[now("fast", 10, 1_000), now("slow", 10, 1_100)]);
        assert!(!pass);
        assert!(table.contains("REGRESSED"), "{table}");
        assert!(table.contains("+10.00%"), "{table}");
        let (_, pass) = report(&b, &[now("fast", 10, 1_000), now("slow", 10, 1_020)]);
        assert!(pass);
    }

    #[test]
    fn reads_callgrind_totals() {
        let text = "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\nfn=(1) main\n0 5\n\
                    totals: 123456\n";
        assert_eq!(parse_callgrind_total(text), Some(123_456));
        assert_eq!(parse_callgrind_total("summary: 42\n"), Some(42));
        assert_eq!(parse_callgrind_total("events: Ir\n"), None);
    }

    #[test]
    fn slowdowns_and_selections_name_real_workloads() {
        assert_eq!(parse_slowdown("sim/events/mm1=10").unwrap().1, 10);
        assert!(parse_slowdown("sim/events/mm1").is_err());
        assert!(parse_slowdown("nope=10").is_err());
        assert!(parse_slowdown("sim/events/mm1=0").is_err());
        assert!(select(&["nope".into()]).unwrap_err().to_string().contains("sim/events/mm1"));
        assert_eq!(select(&[]).unwrap().len(), workloads::ALL.len());
    }

    #[test]
    fn the_committed_baseline_covers_every_workload() {
        let b = Baseline::load(Path::new(crate::DEFAULT_BASELINE)).unwrap();
        for w in workloads::ALL {
            let entry = b.workloads.get(w.name).unwrap_or_else(|| panic!("{} missing", w.name));
            assert_eq!(entry.operations, w.operations, "{}", w.name);
        }
        assert_eq!(b.workloads.len(), workloads::ALL.len(), "stale entries in the baseline");
    }

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_000), "1,000");
        assert_eq!(group_thousands(12_345_678), "12,345,678");
    }
}
