//! Bencher Metric Format (BMF) JSON: `{ "<benchmark>": { "<measure>": { "value": …,
//! "lower_value": …, "upper_value": … } } }`, the format `bencher run --adapter json` and
//! other trackers read (<https://bencher.dev/docs/reference/bencher-metric-format/>).
//!
//! Two sources: criterion's saved estimates (`latency` in ns, and `throughput` in elements
//! per second or `bytes-per-second` where the benchmark declares one), and the gate's
//! `instructions` per operation.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::gate::Measurement;

/// One measure's value with optional bounds.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub(crate) struct Metric {
    pub(crate) value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) lower_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) upper_value: Option<f64>,
}

/// Benchmark name → measure name → metric, in name order (stable output).
pub(crate) type Bmf = BTreeMap<String, BTreeMap<&'static str, Metric>>;

#[derive(Deserialize)]
struct CriterionBenchmark {
    full_id: String,
    throughput: Option<CriterionThroughput>,
}

#[derive(Deserialize)]
enum CriterionThroughput {
    Bytes(u64),
    BytesDecimal(u64),
    Elements(u64),
    // Criterion writes other kinds in newer versions; they carry no export.
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct Estimates {
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

/// Every benchmark with saved estimates under criterion's output folder
/// (`target/criterion`), from each one's latest run (`new/`).
pub(crate) fn from_criterion(root: &Path) -> anyhow::Result<Bmf> {
    let mut bmf = Bmf::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?;
        for entry in entries {
            let path = entry?.path();
            if !path.is_dir() {
                continue;
            }
            // Criterion's own bookkeeping folders hold no benchmark of their own.
            if path.file_name().is_some_and(|n| n == "report" || n == "base" || n == "change") {
                continue;
            }
            let benchmark_file = path.join("benchmark.json");
            if path.file_name().is_some_and(|n| n == "new") && benchmark_file.is_file() {
                let (name, metrics) = read_benchmark(&path)?;
                bmf.insert(name, metrics);
            } else {
                pending.push(path);
            }
        }
    }
    anyhow::ensure!(
        !bmf.is_empty(),
        "no criterion results under {} (run `cargo bench -p benches` first)",
        root.display()
    );
    Ok(bmf)
}

fn read_benchmark(dir: &Path) -> anyhow::Result<(String, BTreeMap<&'static str, Metric>)> {
    let read = |file: &str| {
        let path = dir.join(file);
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
    };
    let benchmark: CriterionBenchmark = serde_json::from_str(&read("benchmark.json")?)
        .with_context(|| format!("{}: not criterion's benchmark.json", dir.display()))?;
    let estimates: Estimates = serde_json::from_str(&read("estimates.json")?)
        .with_context(|| format!("{}: not criterion's estimates.json", dir.display()))?;
    let median = estimates.median;
    let mut metrics = BTreeMap::new();
    metrics.insert(
        "latency",
        Metric {
            value: median.point_estimate,
            lower_value: Some(median.confidence_interval.lower_bound),
            upper_value: Some(median.confidence_interval.upper_bound),
        },
    );
    let per_second = |n: u64| {
        #[expect(clippy::cast_precision_loss, reason = "a rate")]
        let n = n as f64;
        let rate = |ns: f64| if ns > 0.0 { n * 1e9 / ns } else { 0.0 };
        Metric {
            value: rate(median.point_estimate),
            // The slowest time bounds the rate from below.
            lower_value: Some(rate(median.confidence_interval.upper_bound)),
            upper_value: Some(rate(median.confidence_interval.lower_bound)),
        }
    };
    match benchmark.throughput {
        Some(CriterionThroughput::Elements(n)) => {
            metrics.insert("throughput", per_second(n));
        }
        Some(CriterionThroughput::Bytes(n) | CriterionThroughput::BytesDecimal(n)) => {
            metrics.insert("bytes-per-second", per_second(n));
        }
        Some(CriterionThroughput::Other) | None => {}
    }
    Ok((benchmark.full_id, metrics))
}

/// The gate's measurements: `instructions` per operation.
pub(crate) fn from_gate(measurements: &[Measurement]) -> Bmf {
    measurements
        .iter()
        .map(|m| {
            #[expect(clippy::cast_precision_loss, reason = "a per-operation average")]
            let per_operation = m.instructions as f64 / m.operations.max(1) as f64;
            let metric = Metric { value: per_operation, lower_value: None, upper_value: None };
            (m.name.clone(), BTreeMap::from([("instructions", metric)]))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, file: &str, text: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(file), text).unwrap();
    }

    #[test]
    fn exports_criterion_estimates_with_latency_and_throughput() {
        let root = std::env::temp_dir().join(format!("kmsim-bmf-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let estimates = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":3.0},"point_estimate":2.0,"standard_error":0.1},
            "median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":400.0,"upper_bound":800.0},"point_estimate":500.0,"standard_error":1.0}}"#;
        let seal = root.join("crypto_seal/aws-lc-rs/new");
        write(&seal, "estimates.json", estimates);
        write(
            &seal,
            "benchmark.json",
            r#"{"group_id":"crypto/seal","function_id":"aws-lc-rs","value_str":null,"throughput":{"Bytes":1000},"full_id":"crypto/seal/aws-lc-rs","directory_name":"crypto_seal/aws-lc-rs","title":"crypto/seal/aws-lc-rs"}"#,
        );
        let mm1 = root.join("sim_events/mm1/new");
        write(&mm1, "estimates.json", estimates);
        write(
            &mm1,
            "benchmark.json",
            r#"{"group_id":"sim/events","function_id":"mm1","value_str":null,"throughput":{"Elements":5},"full_id":"sim/events/mm1","directory_name":"sim_events/mm1","title":"sim/events/mm1"}"#,
        );
        // Criterion's previous run and its HTML report are not exported.
        write(&root.join("sim_events/mm1/base"), "estimates.json", estimates);
        write(&root.join("report"), "index.html", "");

        let bmf = from_criterion(&root).unwrap();
        assert_eq!(bmf.keys().collect::<Vec<_>>(), ["crypto/seal/aws-lc-rs", "sim/events/mm1"]);
        let seal = &bmf["crypto/seal/aws-lc-rs"];
        assert_eq!(
            seal["latency"],
            Metric { value: 500.0, lower_value: Some(400.0), upper_value: Some(800.0) }
        );
        let bytes = seal["bytes-per-second"];
        assert!((bytes.value - 2e9).abs() < 1.0, "{bytes:?}");
        assert!((bytes.lower_value.unwrap() - 1.25e9).abs() < 1.0);
        assert!((bytes.upper_value.unwrap() - 2.5e9).abs() < 1.0);
        assert!((bmf["sim/events/mm1"]["throughput"].value - 1e7).abs() < 1e-3);
        assert!(!seal.contains_key("throughput"));

        let json = serde_json::to_string(&bmf).unwrap();
        assert!(json.starts_with(r#"{"crypto/seal/aws-lc-rs":{"bytes-per-second":{"value":"#));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn an_empty_folder_is_an_error_not_an_empty_export() {
        let root = std::env::temp_dir().join(format!("kmsim-bmf-empty-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        let error = from_criterion(&root).unwrap_err().to_string();
        assert!(error.contains("cargo bench"), "{error}");
        std::fs::remove_dir_all(&root).unwrap();
        assert!(from_criterion(&root).is_err(), "a missing folder is an error too");
    }

    #[test]
    fn exports_instructions_per_operation() {
        let m = Measurement { name: "sim/events/mm1".into(), operations: 4, instructions: 10 };
        let bmf = from_gate(&[m]);
        assert_eq!(bmf["sim/events/mm1"]["instructions"].value, 2.5);
        assert_eq!(
            serde_json::to_string(&bmf).unwrap(),
            r#"{"sim/events/mm1":{"instructions":{"value":2.5}}}"#
        );
    }
}
