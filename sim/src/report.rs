//! A run's results folder: `manifest.json`, `summary.json`, CSV files, serialised
//! histograms, plots and `report.md`. The files are documented, column by column, in
//! results/README.md; their schema is versioned by `RESULTS_SCHEMA_VERSION`.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::plot;
use crate::pricing::usd;
use crate::scenario::{FaultKind, Scenario};
use crate::simulation::Report;

/// The version of the results files' schema.
pub const RESULTS_SCHEMA_VERSION: u32 = 1;

/// Where a run came from, for `manifest.json`.
#[derive(Clone, Debug, Serialize)]
pub struct Manifest {
    /// The results schema version.
    pub schema_version: u32,
    /// The master seed.
    pub seed: u64,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario file, if the run came from one.
    pub scenario_file: Option<String>,
    /// SHA-256 of the scenario file's bytes, hex (`built-in` for a built-in scenario).
    pub scenario_sha256: String,
    /// `--set` overrides, in order.
    pub overrides: Vec<String>,
    /// The command line.
    pub command: Vec<String>,
    /// The git commit of the build, if known.
    pub commit: Option<String>,
    /// kmsim's version.
    pub kmsim_version: &'static str,
    /// The crypto provider.
    pub provider: &'static str,
}

/// Writes the results of `report` (a run of `scenario`) into `dir`.
///
/// # Errors
/// The first file that could not be written.
pub fn write(
    dir: &Path,
    scenario: &Scenario,
    report: &Report,
    manifest: &Manifest,
) -> std::io::Result<()> {
    let io = |e: plot::PlotError| std::io::Error::other(e.0);
    std::fs::create_dir_all(if scenario.outputs.plots {
        dir.join("plots")
    } else {
        dir.to_path_buf()
    })?;
    std::fs::write(dir.join("manifest.json"), serde_json::to_string_pretty(manifest)? + "\n")?;
    let mut summary = serde_json::to_value(report)?;
    if let Some(object) = summary.as_object_mut() {
        object.remove("time_series");
        object.remove("histograms");
        object.insert("schema_version".to_owned(), RESULTS_SCHEMA_VERSION.into());
    }
    std::fs::write(dir.join("summary.json"), serde_json::to_string_pretty(&summary)? + "\n")?;
    if scenario.outputs.histograms {
        std::fs::write(
            dir.join("histograms.json"),
            serde_json::to_string(&report.histograms)? + "\n",
        )?;
    }

    let mut latency = String::from(
        "operation,region,outcome,count,latency_us_mean,latency_us_p50,latency_us_p90,latency_us_p99,latency_us_p999,latency_us_max\n",
    );
    for r in &report.latency {
        let _ = writeln!(
            latency,
            "{},{},{},{},{},{},{},{},{},{}",
            r.operation,
            r.region,
            r.outcome,
            r.count,
            r.latency_us_mean,
            r.latency_us_p50,
            r.latency_us_p90,
            r.latency_us_p99,
            r.latency_us_p999,
            r.latency_us_max
        );
    }
    std::fs::write(dir.join("latency.csv"), latency)?;

    let mut series = String::from(
        "start_s,region,completed,ok,errors,attempts,throttles,retries,timeouts,queue_length,hsm_utilisation_permille,latency_us_p50,latency_us_p99\n",
    );
    for row in &report.time_series {
        let errors: u64 = row.errors.values().sum();
        let _ = writeln!(
            series,
            "{},{},{},{},{},{},{},{},{},{},{},{},{}",
            row.start_ns as f64 / 1e9,
            row.region,
            row.completed,
            row.ok,
            errors,
            row.attempts,
            row.throttles,
            row.retries,
            row.timeouts,
            row.queue_length,
            row.hsm_utilisation_permille,
            row.latency_us_p50,
            row.latency_us_p99
        );
    }
    if scenario.outputs.time_series {
        std::fs::write(dir.join("timeseries.csv"), series)?;
    }

    let mut cost = String::from("account,region,item,quantity,unit,amount_micro_usd\n");
    for line in &report.cost.lines {
        let _ = writeln!(
            cost,
            "{},{},{},{},{},{}",
            line.account, line.region, line.item, line.quantity, line.unit, line.amount_micro_usd
        );
    }
    std::fs::write(dir.join("cost.csv"), cost)?;

    let faults = fault_windows(scenario, report);
    if scenario.outputs.plots {
        // Plots.
        let curves = latency_curves(report);
        plot::latency_cdf(
            &curves,
            &format!("{}: latency CDF (successful requests)", report.scenario),
            &dir.join("plots/latency-cdf"),
        )
        .map_err(io)?;
        plot::time_series(
            &per_second(report),
            &faults,
            &format!("{}: throughput, errors and throttles", report.scenario),
            &dir.join("plots/timeseries"),
        )
        .map_err(io)?;
        plot::cost_breakdown(&report.cost, &report.scenario, &dir.join("plots/cost-breakdown"))
            .map_err(io)?;
    }
    let alarm_rules = !scenario.alarms.is_empty();
    std::fs::write(
        dir.join("report.md"),
        markdown(report, &faults, scenario.outputs.plots, alarm_rules),
    )?;
    Ok(())
}

/// Per operation (successes, every Region merged): (latency [ms], quantile) on a grid
/// dense in the tail.
fn latency_curves(report: &Report) -> Vec<plot::Curve> {
    let histograms: crate::metrics::LatencyHistograms = report
        .histograms
        .iter()
        .filter_map(|h| {
            let key = crate::metrics::LatencyKey {
                operation: crate::scenario::OpKind::ALL
                    .iter()
                    .find(|k| k.as_str() == h.operation)?
                    .as_str(),
                region: h.region.parse().ok()?,
                outcome: if h.outcome == "OK" { "OK" } else { "error" },
            };
            Some((key, crate::metrics::Latency::from_buckets(&h.buckets_ns)))
        })
        .collect();
    let mut operations: Vec<&'static str> =
        histograms.iter().filter(|(k, _)| k.outcome == "OK").map(|(k, _)| k.operation).collect();
    operations.dedup();
    operations.sort_unstable();
    operations.dedup();
    operations
        .into_iter()
        .map(|op| {
            let merged = histograms.total(|k| k.operation == op && k.outcome == "OK");
            let grid = (0..=100)
                .map(|i| f64::from(i) / 100.0)
                .chain((1..=9).map(|i| 0.99 + f64::from(i) / 1000.0))
                .chain([0.9999]);
            #[expect(clippy::cast_precision_loss, reason = "plot points")]
            let points = grid.map(|q| (merged.quantile_ns(q) as f64 / 1e6, q)).collect();
            (op.to_owned(), points)
        })
        .collect()
}

/// Completed, errors and throttles per second, all Regions summed.
fn per_second(report: &Report) -> Vec<plot::Series> {
    let mut rows: std::collections::BTreeMap<u64, (u64, u64, u64)> =
        std::collections::BTreeMap::new();
    for row in &report.time_series {
        let slot = rows.entry(row.start_ns).or_default();
        slot.0 += row.completed;
        slot.1 += row.errors.values().sum::<u64>();
        slot.2 += row.throttles;
    }
    #[expect(clippy::cast_precision_loss, reason = "plot points")]
    let series = |pick: fn(&(u64, u64, u64)) -> u64| {
        rows.iter().map(|(&t, v)| (t as f64 / 1e9, pick(v) as f64)).collect()
    };
    vec![
        ("completed".to_owned(), series(|v| v.0)),
        ("errors (final)".to_owned(), series(|v| v.1)),
        ("throttled attempts".to_owned(), series(|v| v.2)),
    ]
}

/// The scenario's faults as shaded windows [s].
fn fault_windows(scenario: &Scenario, report: &Report) -> Vec<(f64, f64, String)> {
    #[expect(clippy::cast_precision_loss, reason = "plot coordinates")]
    let s = |ns: u64| ns.min(report.ended_ns) as f64 / 1e9;
    scenario
        .faults
        .iter()
        .map(|f| {
            let label = match &f.kind {
                FaultKind::AzDown { az, .. } => format!("{az} down"),
                FaultKind::GrayAz { az, .. } => format!("{az} gray"),
                FaultKind::RegionDown { region } => format!("{region} down"),
                FaultKind::HsmDegraded { az, .. } => format!("{az} HSMs degraded"),
                FaultKind::Partition { a, b } => format!("{a} | {b}"),
                FaultKind::ReplicationDelay { .. } => "replication delayed".to_owned(),
            };
            (s(f.start_ns), s(f.end_ns.min(scenario.duration_ns)), label)
        })
        .collect()
}

fn markdown(
    report: &Report,
    faults: &[(f64, f64, String)],
    plots: bool,
    alarm_rules: bool,
) -> String {
    let c = &report.counters;
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", report.scenario);
    #[expect(clippy::cast_precision_loss, reason = "a report")]
    let (seconds, ok_percent) = (
        report.duration_ns as f64 / 1e9,
        if c.completed == 0 { 100.0 } else { c.ok as f64 * 100.0 / c.completed as f64 },
    );
    let _ = writeln!(
        md,
        "Seed {}, {} s simulated, provider {}.\n",
        report.seed, seconds, report.provider
    );
    let _ = writeln!(
        md,
        "{} requests, {} answered, {ok_percent:.3}% successfully; {} attempts, {} retries, {} throttled attempts, {} client timeouts, {} failovers.\n",
        c.requests, c.completed, c.attempts, c.retries, c.throttles, c.timeouts, c.failovers
    );
    if !faults.is_empty() {
        let _ = writeln!(md, "Faults:\n");
        for (start, end, label) in faults {
            let _ = writeln!(md, "- {label}: {start} s to {end} s");
        }
        let _ = writeln!(md);
    }
    let _ = writeln!(
        md,
        "## Latency\n\nFrom the intended send time to the final answer, retries included [ms].\n"
    );
    let _ = writeln!(
        md,
        "| operation | Region | outcome | count | p50 | p99 | p99.9 | max |\n|---|---|---|---:|---:|---:|---:|---:|"
    );
    for r in &report.latency {
        let ms = |us: u64| format!("{:.1}", us as f64 / 1_000.0);
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            r.operation,
            r.region,
            r.outcome,
            r.count,
            ms(r.latency_us_p50),
            ms(r.latency_us_p99),
            ms(r.latency_us_p999),
            ms(r.latency_us_max)
        );
    }
    if plots {
        let _ = writeln!(
            md,
            "\n![latency CDF](plots/latency-cdf.svg)\n\n## Over time\n\n![throughput, errors and throttles](plots/timeseries.svg)\n"
        );
    } else {
        let _ = writeln!(md);
    }
    if alarm_rules {
        alarms_markdown(&mut md, report);
    }
    let _ = writeln!(
        md,
        "## Cost\n\n{} a month ({}; {}).\n",
        usd(report.cost.total_micro_usd),
        report.cost.catalog,
        report.cost.projection
    );
    let _ = writeln!(md, "| item | amount |\n|---|---:|");
    for (item, amount) in [
        ("keys", report.cost.keys_micro_usd),
        ("rotations", report.cost.rotations_micro_usd),
        ("requests", report.cost.requests_micro_usd),
        ("CloudHSM", report.cost.cloudhsm_micro_usd),
    ] {
        let _ = writeln!(md, "| {item} | {} |", usd(amount));
    }
    if plots {
        let _ = writeln!(md, "\n![cost breakdown](plots/cost-breakdown.svg)");
    }
    let _ = writeln!(md);
    let _ = writeln!(
        md,
        "Files: `summary.json`, `latency.csv`, `timeseries.csv`, `cost.csv`, `histograms.json`, `manifest.json` (see results/README.md)."
    );
    md
}

/// The alarms the scenario's rules raised, as a table [s from the start].
fn alarms_markdown(md: &mut String, report: &Report) {
    let _ = writeln!(md, "## Alarms\n");
    if report.alarms.is_empty() {
        let _ = writeln!(md, "No alarm was raised.\n");
        return;
    }
    let _ = writeln!(
        md,
        "| raised [s] | rule | kind | Region | key or account | events | first [s] | last [s] | sample |\n|---:|---|---|---|---|---:|---:|---:|---|"
    );
    #[expect(clippy::cast_precision_loss, reason = "a report")]
    let s = |ns: u64| format!("{:.3}", ns as f64 / 1e9);
    for a in &report.alarms {
        let sample = match a.error_code {
            Some(code) => format!("{} {code}", a.event_name),
            None => a.event_name.to_owned(),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {sample} |",
            s(a.raised_ns),
            a.rule,
            a.kind,
            a.region,
            a.key_arn.as_deref().unwrap_or(&a.account),
            a.count,
            s(a.first_event_ns),
            s(a.last_event_ns),
        );
    }
    let _ = writeln!(md);
}
