//! `kmsim run`, `validate`, `list`, `compare`, `sweep`, `merge` and `plan`: everything that
//! runs scenario files.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context as _, bail};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use sim::report::Manifest;
use sim::scenario_file::{self, ScenarioFile};
use sim::time::SimTime;
use sim::{Report, Simulation};

/// The quickstart, built in, so `kmsim run` works from anywhere.
pub(crate) const QUICKSTART: &str = include_str!("../../../../scenarios/quickstart.toml");

/// A scenario file, or the built-in quickstart.
pub(crate) fn load(
    path: Option<&Path>,
    overrides: &[String],
) -> anyhow::Result<(ScenarioFile, String, String)> {
    match path {
        Some(path) => {
            let file = scenario_file::load(path, overrides)?;
            let digest = sha256_hex(file.text.as_bytes());
            Ok((file, path.display().to_string(), digest))
        }
        None => {
            let file = scenario_file::parse(
                QUICKSTART,
                "quickstart.toml (built in)",
                Path::new("."),
                overrides,
            )?;
            let digest = sha256_hex(QUICKSTART.as_bytes());
            Ok((file, "quickstart.toml (built in)".to_owned(), digest))
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A bar on stderr for `total` steps, hidden with `--quiet` or when stderr is not a terminal.
fn bar(total: u64, quiet: bool, what: &str) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    // indicatif draws nothing when stderr is not a terminal.
    let bar = ProgressBar::new(total);
    let template = format!("{what} [{{bar:30}}] {{pos}}/{{len}} {{msg}} ({{eta}} left)");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Runs `file` with `seed`, advancing a bar second by simulated second.
fn simulate(file: &ScenarioFile, seed: u64, quiet: bool) -> anyhow::Result<Report> {
    let mut simulation = Simulation::new(file.scenario.clone(), seed)?;
    let seconds = file.scenario.duration_ns.div_ceil(1_000_000_000);
    let progress = bar(seconds, quiet, "simulating");
    for second in 1..=seconds {
        simulation.step_until(SimTime::from_secs(second));
        progress.set_position(second);
    }
    simulation.step_until(SimTime(u64::MAX));
    progress.finish_and_clear();
    Ok(simulation.report())
}

/// The git commit being run: `KMSIM_COMMIT` if set, else the working directory's HEAD
/// (and whether files differ from it), if it is a git checkout.
fn commit() -> Option<String> {
    if let Ok(commit) = std::env::var("KMSIM_COMMIT") {
        return Some(commit);
    }
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let head = git(&["rev-parse", "HEAD"])?;
    let dirty =
        git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    Some(if dirty { format!("{head}+modified") } else { head })
}

pub(crate) struct RunArgs<'a> {
    pub(crate) scenario: Option<&'a Path>,
    pub(crate) seed: Option<u64>,
    pub(crate) out: Option<&'a Path>,
    pub(crate) overrides: &'a [String],
    pub(crate) quiet: bool,
    pub(crate) json: bool,
}

/// `kmsim run`.
pub(crate) fn run(
    args: &RunArgs<'_>,
    draw_seed: impl Fn() -> anyhow::Result<u64>,
) -> anyhow::Result<u8> {
    let (file, source, digest) = load(args.scenario, args.overrides)?;
    let seed = match (args.seed, file.seed) {
        (Some(seed), _) | (None, Some(seed)) => seed,
        (None, None) => draw_seed()?,
    };
    let mut stdout = std::io::stdout().lock();
    // The seed first, so even an interrupted run can be reproduced.
    if !args.json {
        writeln!(stdout, "seed {seed}: {} ({source})", file.scenario.name)?;
        stdout.flush()?;
    }
    let report = simulate(&file, seed, args.quiet)?;
    let out = args.out.map_or_else(
        || PathBuf::from(format!("results/runs/{}-{seed}", file.scenario.name)),
        Path::to_path_buf,
    );
    let manifest = Manifest {
        schema_version: sim::report::RESULTS_SCHEMA_VERSION,
        seed,
        scenario: file.scenario.name.clone(),
        scenario_file: Some(source),
        scenario_sha256: digest,
        overrides: args.overrides.to_vec(),
        command: std::env::args().collect(),
        commit: commit(),
        kmsim_version: env!("CARGO_PKG_VERSION"),
        provider: file.scenario.provider.as_str(),
    };
    sim::report::write(&out, &file.scenario, &report, &manifest)
        .with_context(|| format!("writing results to {}", out.display()))?;
    if args.json {
        let summary = std::fs::read_to_string(out.join("summary.json"))?;
        write!(stdout, "{summary}")?;
    } else {
        let c = &report.counters;
        writeln!(
            stdout,
            "{} requests, {} ok, {} retries, {} throttled attempts; cost {} a month",
            c.requests,
            c.ok,
            c.retries,
            c.throttles,
            sim::pricing::usd(report.cost.total_micro_usd)
        )?;
        writeln!(stdout, "report: {}", out.join("report.md").display())?;
    }
    Ok(0)
}

/// `kmsim validate`.
pub(crate) fn validate(path: &Path, overrides: &[String], json: bool) -> anyhow::Result<u8> {
    let (file, source, _) = load(Some(path), overrides)?;
    // Building the simulation runs the semantic checks the file format cannot express.
    Simulation::new(file.scenario.clone(), file.seed.unwrap_or(0))?;
    let mut stdout = std::io::stdout().lock();
    if json {
        writeln!(
            stdout,
            "{}",
            serde_json::json!({ "file": source, "name": file.scenario.name, "valid": true })
        )?;
    } else {
        writeln!(stdout, "{source}: ok ({})", file.scenario.name)?;
    }
    Ok(0)
}

/// `kmsim list`.
pub(crate) fn list(dir: &Path, json: bool) -> anyhow::Result<u8> {
    let mut entries: Vec<(String, String)> = Vec::new();
    let read = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    let mut paths: Vec<PathBuf> = read
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    for path in paths {
        let description = match scenario_file::load(&path, &[]) {
            Ok(file) => file.description,
            Err(e) => format!("INVALID: {e}"),
        };
        entries.push((path.display().to_string(), description));
    }
    let mut stdout = std::io::stdout().lock();
    if json {
        let list: Vec<_> = entries
            .iter()
            .map(|(f, d)| serde_json::json!({ "file": f, "description": d }))
            .collect();
        writeln!(stdout, "{}", serde_json::to_string_pretty(&list)?)?;
    } else {
        for (file, description) in &entries {
            writeln!(stdout, "{file:<45} {description}")?;
        }
    }
    Ok(0)
}

/// One compared metric.
#[derive(Debug, Serialize)]
struct Difference {
    metric: String,
    before: f64,
    after: f64,
    change_percent: f64,
    regressed: bool,
}

/// `kmsim compare`: exit 1 when a metric of `after` regressed beyond `tolerance` (a
/// fraction) against `before`.
pub(crate) fn compare(
    before: &Path,
    after: &Path,
    tolerance: f64,
    json: bool,
) -> anyhow::Result<u8> {
    let read = |dir: &Path| -> anyhow::Result<serde_json::Value> {
        let path = dir.join("summary.json");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    };
    let (a, b) = (read(before)?, read(after)?);
    let number = |v: &serde_json::Value| v.as_f64().unwrap_or(0.0);
    let mut differences = Vec::new();
    let mut push = |metric: String, before: f64, after: f64, higher_is_worse: bool, floor: f64| {
        let change = if before.abs() > 0.0 {
            (after - before) / before.abs()
        } else if after.abs() > 0.0 {
            1.0
        } else {
            0.0
        };
        let worse = if higher_is_worse { after - before } else { before - after };
        // A change must pass both the relative tolerance and an absolute floor, so tiny
        // counts cannot trip the gate.
        let regressed = worse > tolerance * before.abs().max(floor) && worse > floor * tolerance;
        if (after - before).abs() > 0.0 {
            differences.push(Difference {
                metric,
                before,
                after,
                change_percent: change * 100.0,
                regressed,
            });
        }
    };
    let rate = |v: &serde_json::Value| {
        let c = &v["counters"];
        let completed = number(&c["completed"]).max(1.0);
        (completed - number(&c["ok"])) / completed
    };
    push("error rate".to_owned(), rate(&a), rate(&b), true, 0.001);
    push(
        "cost per month [µ$]".to_owned(),
        number(&a["cost"]["total_micro_usd"]),
        number(&b["cost"]["total_micro_usd"]),
        true,
        1.0,
    );
    push(
        "requests completed".to_owned(),
        number(&a["counters"]["completed"]),
        number(&b["counters"]["completed"]),
        false,
        1.0,
    );
    let rows = |v: &serde_json::Value| -> Vec<(String, serde_json::Value)> {
        v["latency"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|r| {
                        (
                            format!(
                                "{} {} {}",
                                r["operation"].as_str().unwrap_or(""),
                                r["region"].as_str().unwrap_or(""),
                                r["outcome"].as_str().unwrap_or("")
                            ),
                            r.clone(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let after_rows = rows(&b);
    for (key, row) in rows(&a) {
        let Some((_, other)) = after_rows.iter().find(|(k, _)| *k == key) else { continue };
        if !key.ends_with(" OK") || number(&row["count"]) < 100.0 {
            continue;
        }
        for field in ["latency_us_p50", "latency_us_p99"] {
            push(format!("{key} {field}"), number(&row[field]), number(&other[field]), true, 1.0);
        }
    }
    let regressed = differences.iter().any(|d| d.regressed);
    let mut stdout = std::io::stdout().lock();
    if json {
        writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "regressed": regressed, "tolerance": tolerance, "differences": differences })
            )?
        )?;
    } else if differences.is_empty() {
        writeln!(stdout, "no difference between {} and {}", before.display(), after.display())?;
    } else {
        writeln!(
            stdout,
            "{:<46}{:>18}{:>18}{:>10}  verdict",
            "metric", "before", "after", "change"
        )?;
        let show = |x: f64| if x.abs() >= 1_000.0 { format!("{x:.0}") } else { format!("{x:.5}") };
        for d in &differences {
            let verdict = if d.regressed { "REGRESSED" } else { "ok" };
            writeln!(
                stdout,
                "{:<46}{:>18}{:>18}{:>9.1}%  {verdict}",
                d.metric,
                show(d.before),
                show(d.after),
                d.change_percent
            )?;
        }
        writeln!(
            stdout,
            "tolerance {:.1}%: {}",
            tolerance * 100.0,
            if regressed { "regression" } else { "no regression" }
        )?;
    }
    Ok(u8::from(regressed))
}

/// One point of a sweep, as written to `points/<index>.json`.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct Point {
    index: usize,
    overrides: Vec<String>,
    seed: u64,
    requests: u64,
    ok: u64,
    error_rate: f64,
    latency_us_p50: u64,
    latency_us_p99: u64,
    cost_micro_usd: i64,
}

/// The overall latency (every operation and Region, every outcome) of a report [µs].
fn overall(report: &Report) -> (u64, u64) {
    let mut total = sim::metrics::Latency::new();
    for h in &report.histograms {
        total.merge(&sim::metrics::Latency::from_buckets(&h.buckets_ns));
    }
    (total.quantile_ns(0.5) / 1_000, total.quantile_ns(0.99) / 1_000)
}

fn point(index: usize, overrides: Vec<String>, seed: u64, report: &Report) -> Point {
    let (p50, p99) = overall(report);
    let c = &report.counters;
    #[expect(clippy::cast_precision_loss, reason = "a rate for a report")]
    let error_rate = (c.completed - c.ok) as f64 / c.completed.max(1) as f64;
    Point {
        index,
        overrides,
        seed,
        requests: c.requests,
        ok: c.ok,
        error_rate,
        latency_us_p50: p50,
        latency_us_p99: p99,
        cost_micro_usd: report.cost.total_micro_usd,
    }
}

/// The grid of a sweep: every combination of the `path=v1,v2,…` parameters, first
/// parameter slowest, each with every seed.
fn grid(params: &[String], seeds: &[u64]) -> anyhow::Result<Vec<(Vec<String>, u64)>> {
    let mut points: Vec<Vec<String>> = vec![Vec::new()];
    for param in params {
        let (path, values) = param.split_once('=').context("a --param is path=v1,v2,…")?;
        let mut next = Vec::new();
        for prefix in &points {
            for value in values.split(',') {
                let mut p = prefix.clone();
                p.push(format!("{path}={value}"));
                next.push(p);
            }
        }
        points = next;
    }
    Ok(points.into_iter().flat_map(|p| seeds.iter().map(move |&s| (p.clone(), s))).collect())
}

pub(crate) struct SweepArgs<'a> {
    pub(crate) scenario: &'a Path,
    pub(crate) overrides: &'a [String],
    pub(crate) params: &'a [String],
    pub(crate) seeds: &'a [u64],
    pub(crate) jobs: usize,
    pub(crate) shard: Option<(usize, usize)>,
    pub(crate) out: &'a Path,
    pub(crate) quiet: bool,
}

/// `kmsim sweep`: runs the grid (or the deterministic slice `shard` of it: points whose
/// index ≡ i − 1 mod n) on `jobs` threads, one point per simulation, and writes
/// `points/<index>.json` and, unsharded, `sweep.csv`.
pub(crate) fn sweep(args: &SweepArgs<'_>) -> anyhow::Result<u8> {
    let grid: Vec<(Vec<String>, u64)> = grid(args.params, args.seeds)?
        .into_iter()
        .map(|(point, seed)| ([args.overrides, &point].concat(), seed))
        .collect();
    // Check every point's overrides before running any.
    for (overrides, _) in &grid {
        scenario_file::load(args.scenario, overrides)?;
    }
    let mine: Vec<usize> = (0..grid.len())
        .filter(|i| args.shard.is_none_or(|(shard, of)| i % of == shard - 1))
        .collect();
    let points_dir = args.out.join("points");
    if std::fs::read_dir(&points_dir).is_ok_and(|mut entries| entries.next().is_some()) {
        bail!("{} already holds a sweep's points: choose an empty --out", points_dir.display());
    }
    std::fs::create_dir_all(&points_dir)?;
    let progress = bar(mine.len() as u64, args.quiet, "sweep");
    let next = AtomicUsize::new(0);
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..args.jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&index) = mine.get(k) else { break };
                    let (overrides, seed) = &grid[index];
                    let result = scenario_file::load(args.scenario, overrides)
                        .map_err(anyhow::Error::from)
                        .and_then(|file| Ok(Simulation::new(file.scenario, *seed)?.run()))
                        .and_then(|report| {
                            let p = point(index, overrides.clone(), *seed, &report);
                            let path = args.out.join(format!("points/{index:05}.json"));
                            std::fs::write(&path, serde_json::to_string_pretty(&p)? + "\n")?;
                            Ok(())
                        });
                    if let Err(e) = result
                        && let Ok(mut slot) = failure.lock()
                    {
                        slot.get_or_insert(e);
                    }
                    progress.inc(1);
                }
            });
        }
    });
    progress.finish_and_clear();
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    if args.shard.is_none() {
        write_table(args.out, &read_points(&[args.out.to_path_buf()])?)?;
    }
    Ok(0)
}

fn read_points(dirs: &[PathBuf]) -> anyhow::Result<Vec<Point>> {
    let mut points = Vec::new();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("points"))
            .with_context(|| format!("reading {}", dir.join("points").display()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file)?;
            points.push(
                serde_json::from_str::<Point>(&text)
                    .with_context(|| format!("parsing {}", file.display()))?,
            );
        }
    }
    points.sort_by_key(|p| p.index);
    Ok(points)
}

fn write_table(out: &Path, points: &[Point]) -> anyhow::Result<()> {
    let mut csv = String::from(
        "index,overrides,seed,requests,ok,error_rate,latency_us_p50,latency_us_p99,cost_micro_usd\n",
    );
    for p in points {
        csv.push_str(&format!(
            "{},{},{},{},{},{:.6},{},{},{}\n",
            p.index,
            p.overrides.join(";"),
            p.seed,
            p.requests,
            p.ok,
            p.error_rate,
            p.latency_us_p50,
            p.latency_us_p99,
            p.cost_micro_usd
        ));
    }
    std::fs::write(out.join("sweep.csv"), csv)?;
    Ok(())
}

/// `kmsim merge`: the points of shard folders into one sweep folder, as an unsharded sweep
/// would have written it.
pub(crate) fn merge(shards: &[PathBuf], out: &Path) -> anyhow::Result<u8> {
    let points = read_points(shards)?;
    let mut seen = std::collections::BTreeSet::new();
    if let Some(dup) = points.iter().find(|p| !seen.insert(p.index)) {
        bail!("point {} appears in more than one shard", dup.index);
    }
    // Points are numbered from 0: a gap means a shard is missing.
    if let Some(missing) = (0..points.len()).find(|i| !seen.contains(i)) {
        bail!("point {missing} is in none of the shards: merge every shard of the sweep");
    }
    std::fs::create_dir_all(out.join("points"))?;
    for p in &points {
        std::fs::write(
            out.join(format!("points/{:05}.json", p.index)),
            serde_json::to_string_pretty(p)? + "\n",
        )?;
    }
    write_table(out, &points)?;
    Ok(0)
}

pub(crate) struct PlanArgs<'a> {
    pub(crate) scenario: &'a Path,
    pub(crate) overrides: &'a [String],
    pub(crate) capacity: &'a str,
    pub(crate) min: u64,
    pub(crate) max: u64,
    pub(crate) slo_p99_ms: f64,
    pub(crate) slo_error_rate: f64,
    pub(crate) seed: Option<u64>,
    pub(crate) out: Option<&'a Path>,
    pub(crate) quiet: bool,
    pub(crate) json: bool,
}

/// One probe of `kmsim plan`.
#[derive(Debug, Serialize)]
struct Probe {
    capacity: u64,
    latency_ms_p99: f64,
    error_rate: f64,
    meets_slo: bool,
}

/// `kmsim plan`: the smallest value of the capacity parameter in [min, max] whose run meets
/// the SLO (overall p99 latency and final error rate through the scenario's faults), by
/// bisection; exit 1 if even `max` does not.
pub(crate) fn plan(args: &PlanArgs<'_>) -> anyhow::Result<u8> {
    if args.min > args.max {
        bail!("--min {} is above --max {}", args.min, args.max);
    }
    let base = scenario_file::load(args.scenario, args.overrides)?;
    let seed = args.seed.or(base.seed).unwrap_or(1);
    let probes: Mutex<Vec<Probe>> = Mutex::new(Vec::new());
    let steps = u64::from(64 - args.max.saturating_sub(args.min).saturating_add(1).leading_zeros());
    let progress = bar(steps.saturating_add(1), args.quiet, "plan");
    let probe = |capacity: u64| -> anyhow::Result<bool> {
        let mut overrides = args.overrides.to_vec();
        overrides.push(format!("{}={capacity}", args.capacity));
        let file = scenario_file::load(args.scenario, &overrides)?;
        let report = Simulation::new(file.scenario, seed)?.run();
        let (_, p99_us) = overall(&report);
        let c = &report.counters;
        #[expect(clippy::cast_precision_loss, reason = "rates for a report")]
        let (p99_ms, error_rate) =
            (p99_us as f64 / 1_000.0, (c.completed - c.ok) as f64 / c.completed.max(1) as f64);
        let meets = p99_ms <= args.slo_p99_ms && error_rate <= args.slo_error_rate;
        if let Ok(mut list) = probes.lock() {
            list.push(Probe { capacity, latency_ms_p99: p99_ms, error_rate, meets_slo: meets });
        }
        progress.inc(1);
        Ok(meets)
    };
    let answer = if !probe(args.max)? {
        None
    } else if probe(args.min)? {
        Some(args.min)
    } else {
        // Invariant: `low` fails, `high` meets.
        let (mut low, mut high) = (args.min, args.max);
        while high - low > 1 {
            let middle = low + (high - low) / 2;
            if probe(middle)? { high = middle } else { low = middle }
        }
        Some(high)
    };
    progress.finish_and_clear();
    let mut probes = probes.into_inner().unwrap_or_default();
    probes.sort_by_key(|p| p.capacity);
    if let Some(dir) = args.out {
        std::fs::create_dir_all(dir)?;
        let points: Vec<(f64, f64)> =
            probes.iter().map(|p| (p.capacity as f64, p.latency_ms_p99)).collect();
        let title = format!(
            "{}: p99 latency by {} (SLO {} ms)",
            base.scenario.name, args.capacity, args.slo_p99_ms
        );
        sim::plot::slo_curve(&points, args.slo_p99_ms, &title, args.capacity, &dir.join("plan"))?;
        std::fs::write(
            dir.join("plan.json"),
            serde_json::to_string_pretty(
                &serde_json::json!({ "capacity": args.capacity, "answer": answer, "probes": probes }),
            )? + "\n",
        )?;
    }
    let mut stdout = std::io::stdout().lock();
    if args.json {
        writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "capacity": args.capacity, "answer": answer, "seed": seed, "probes": probes })
            )?
        )?;
    } else {
        writeln!(
            stdout,
            "{:>10}{:>14}{:>14}  SLO (p99 ≤ {} ms, errors ≤ {})",
            "capacity", "p99 [ms]", "error rate", args.slo_p99_ms, args.slo_error_rate
        )?;
        for p in &probes {
            writeln!(
                stdout,
                "{:>10}{:>14.1}{:>14.5}  {}",
                p.capacity,
                p.latency_ms_p99,
                p.error_rate,
                if p.meets_slo { "meets" } else { "misses" }
            )?;
        }
        match answer {
            Some(c) => writeln!(stdout, "smallest {} that meets the SLO: {c}", args.capacity)?,
            None => writeln!(stdout, "no {} up to {} meets the SLO", args.capacity, args.max)?,
        }
    }
    Ok(if answer.is_some() { 0 } else { 1 })
}
