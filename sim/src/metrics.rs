//! What a run measured: latency histograms per (operation, Region, outcome), a time series
//! per Region and interval, and the usage counters the cost model reads.
//!
//! Latency is measured from the *intended* send time (an open-loop arrival, or the end of a
//! closed-loop client's think time) to the final answer, retries and client-side waits
//! included, so a slow server cannot hide its queue by slowing its callers (no coordinated
//! omission). Histograms serialise as sparse bucket lists, so runs and shards merge exactly.

use std::collections::BTreeMap;

use engine::Region;
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Lowest latency a histogram tells apart [ns].
const LOWEST_NS: u64 = 1_000;
/// Highest latency a histogram holds [ns]: one day; larger values are clamped to it.
const HIGHEST_NS: u64 = 86_400_000_000_000;
/// Significant decimal digits kept: values are exact to 0.1%.
const SIGNIFICANT_DIGITS: u8 = 3;

/// A latency histogram [ns].
#[derive(Clone, Debug)]
pub struct Latency {
    histogram: Histogram<u64>,
}

impl Default for Latency {
    fn default() -> Self {
        Self::new()
    }
}

impl PartialEq for Latency {
    fn eq(&self, other: &Self) -> bool {
        self.to_buckets() == other.to_buckets()
    }
}

impl Latency {
    /// An empty histogram.
    ///
    /// # Panics
    /// Never: the bounds are constants hdrhistogram accepts.
    #[must_use]
    pub fn new() -> Self {
        let histogram = Histogram::new_with_bounds(LOWEST_NS, HIGHEST_NS, SIGNIFICANT_DIGITS)
            .expect("constant bounds are valid");
        Self { histogram }
    }

    /// Records one latency [ns], clamped to the histogram's range.
    pub fn record(&mut self, ns: u64) {
        self.histogram.saturating_record(ns.min(HIGHEST_NS));
    }

    /// Adds every value of `other`.
    ///
    /// # Panics
    /// Never: both histograms have the same constant bounds.
    pub fn merge(&mut self, other: &Self) {
        self.histogram.add(&other.histogram).expect("same bounds");
    }

    /// Values recorded.
    #[must_use]
    pub fn count(&self) -> u64 {
        self.histogram.len()
    }

    /// The value at quantile `q` (0 to 1) [ns], to 0.1%.
    #[must_use]
    pub fn quantile_ns(&self, q: f64) -> u64 {
        self.histogram.value_at_quantile(q)
    }

    /// The mean [ns].
    #[must_use]
    pub fn mean_ns(&self) -> f64 {
        self.histogram.mean()
    }

    /// The largest value [ns], to 0.1%.
    #[must_use]
    pub fn max_ns(&self) -> u64 {
        self.histogram.max()
    }

    /// Forgets every value.
    pub fn reset(&mut self) {
        self.histogram.reset();
    }

    /// The sparse form: (a value that falls in the bucket, count) for every non-empty
    /// bucket, ascending. Recording each count at its value rebuilds the histogram exactly.
    #[must_use]
    pub fn to_buckets(&self) -> Vec<(u64, u64)> {
        self.histogram
            .iter_recorded()
            .map(|bucket| (bucket.value_iterated_to(), bucket.count_at_value()))
            .collect()
    }

    /// The histogram of a sparse form made by [`Latency::to_buckets`].
    #[must_use]
    pub fn from_buckets(buckets: &[(u64, u64)]) -> Self {
        let mut latency = Self::new();
        for &(value, count) in buckets {
            // Saturating: the value came from a histogram of the same bounds.
            latency.histogram.saturating_record_n(value.min(HIGHEST_NS), count);
        }
        latency
    }
}

/// What the histograms are keyed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LatencyKey {
    /// The client-level operation (`Encrypt`, `EnvelopeEncrypt`, …).
    pub operation: &'static str,
    /// The Region that gave the final answer (the client's own when none did).
    pub region: Region,
    /// `OK`, an AWS exception name, `ClientTimeout` or `ConnectionError`.
    pub outcome: &'static str,
}

/// One row of the time series: one Region, one interval.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntervalRow {
    /// Start of the interval [ns from the start of the run].
    pub start_ns: u64,
    /// The Region.
    pub region: String,
    /// Requests that completed (final answers, after retries).
    pub completed: u64,
    /// Completed successfully.
    pub ok: u64,
    /// Final errors by outcome name.
    pub errors: BTreeMap<String, u64>,
    /// Attempts the Region's endpoint received.
    pub attempts: u64,
    /// Attempts answered `ThrottlingException` (quota or a full HSM queue).
    pub throttles: u64,
    /// Retries clients scheduled after an attempt to this Region failed.
    pub retries: u64,
    /// Attempts that timed out on the client.
    pub timeouts: u64,
    /// Requests waiting for an HSM at the end of the interval, all AZs.
    pub queue_length: u64,
    /// Share of HSM time busy over the interval [‰], HSMs in service only.
    pub hsm_utilisation_permille: u64,
    /// Median latency of the requests completed in the interval [µs].
    pub latency_us_p50: u64,
    /// 99th percentile latency of the requests completed in the interval [µs].
    pub latency_us_p99: u64,
}

/// The usage the cost model prices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageCounters {
    /// Requests the engines served (admitted through the quota front door), by account,
    /// Region and operation.
    pub requests: BTreeMap<String, BTreeMap<String, BTreeMap<String, u64>>>,
    /// Requests refused by a quota, by account, Region and operation (AWS does not bill
    /// them; capacity planning wants them).
    pub throttled: BTreeMap<String, BTreeMap<String, BTreeMap<String, u64>>>,
    /// Key-seconds: keys present (any state), integrated over time, by Region [key·s].
    pub key_seconds: BTreeMap<String, u64>,
    /// Key rotations (automatic and on demand), by Region.
    pub rotations: BTreeMap<String, u64>,
    /// HSM-seconds in service, by Region [HSM·s].
    pub hsm_seconds: BTreeMap<String, u64>,
}

/// One row of the latency summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatencyRow {
    /// The client-level operation.
    pub operation: String,
    /// The Region.
    pub region: String,
    /// The outcome.
    pub outcome: String,
    /// Requests.
    pub count: u64,
    /// Mean [µs].
    pub latency_us_mean: u64,
    /// Median [µs].
    pub latency_us_p50: u64,
    /// 90th percentile [µs].
    pub latency_us_p90: u64,
    /// 99th percentile [µs].
    pub latency_us_p99: u64,
    /// 99.9th percentile [µs].
    pub latency_us_p999: u64,
    /// Largest [µs].
    pub latency_us_max: u64,
}

/// Every histogram of a run, by (operation, Region, outcome).
///
/// Each key gets a slot when first recorded, and keeps it: the simulator records most answers
/// by slot ([`LatencyHistograms::record_in`]) instead of looking the key up in a map of
/// string-keyed entries for every answer.
#[derive(Clone, Debug, Default)]
pub struct LatencyHistograms {
    /// The slot of each key, in key order.
    slots: BTreeMap<LatencyKey, usize>,
    histograms: Vec<Latency>,
}

impl PartialEq for LatencyHistograms {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl FromIterator<(LatencyKey, Latency)> for LatencyHistograms {
    /// Histograms under the same key are merged.
    fn from_iter<I: IntoIterator<Item = (LatencyKey, Latency)>>(iter: I) -> Self {
        let mut histograms = Self::default();
        for (key, latency) in iter {
            let slot = histograms.slot(key);
            histograms.histograms[slot].merge(&latency);
        }
        histograms
    }
}

impl LatencyHistograms {
    /// Records one final answer.
    pub fn record(&mut self, key: LatencyKey, ns: u64) {
        let slot = self.slot(key);
        self.histograms[slot].record(ns);
    }

    /// The slot of `key`'s histogram (an empty one when the key is new). A slot stays
    /// `key`'s for the life of these histograms.
    pub fn slot(&mut self, key: LatencyKey) -> usize {
        *self.slots.entry(key).or_insert_with(|| {
            self.histograms.push(Latency::new());
            self.histograms.len() - 1
        })
    }

    /// Records one final answer in the histogram of `slot` (from [`LatencyHistograms::slot`]).
    ///
    /// # Panics
    /// If `slot` was not handed out by these histograms.
    pub fn record_in(&mut self, slot: usize, ns: u64) {
        self.histograms[slot].record(ns);
    }

    /// Every (key, histogram), in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&LatencyKey, &Latency)> {
        self.slots.iter().map(|(key, &slot)| (key, &self.histograms[slot]))
    }

    /// Adds every histogram of `other` (another run or shard of the same scenario).
    pub fn merge(&mut self, other: &Self) {
        for (key, latency) in other.iter() {
            let slot = self.slot(*key);
            self.histograms[slot].merge(latency);
        }
    }

    /// The summary table, sorted by key.
    #[must_use]
    pub fn rows(&self) -> Vec<LatencyRow> {
        let us = |ns: u64| ns / 1_000;
        self.iter()
            .map(|(key, h)| LatencyRow {
                operation: key.operation.to_owned(),
                region: key.region.to_string(),
                outcome: key.outcome.to_owned(),
                count: h.count(),
                latency_us_mean: crate::dist::round(h.mean_ns() / 1_000.0),
                latency_us_p50: us(h.quantile_ns(0.5)),
                latency_us_p90: us(h.quantile_ns(0.9)),
                latency_us_p99: us(h.quantile_ns(0.99)),
                latency_us_p999: us(h.quantile_ns(0.999)),
                latency_us_max: us(h.max_ns()),
            })
            .collect()
    }

    /// The sparse serialised form, one entry per key.
    #[must_use]
    pub fn to_serialised(&self) -> Vec<SerialisedHistogram> {
        self.iter()
            .map(|(key, h)| SerialisedHistogram {
                operation: key.operation.to_owned(),
                region: key.region.to_string(),
                outcome: key.outcome.to_owned(),
                buckets_ns: h.to_buckets(),
            })
            .collect()
    }

    /// The merged total of the histograms whose key satisfies `keep`.
    #[must_use]
    pub fn total(&self, keep: impl Fn(&LatencyKey) -> bool) -> Latency {
        let mut total = Latency::new();
        for (_, h) in self.iter().filter(|(key, _)| keep(key)) {
            total.merge(h);
        }
        total
    }
}

/// One histogram in serialised form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SerialisedHistogram {
    /// The client-level operation.
    pub operation: String,
    /// The Region.
    pub region: String,
    /// The outcome.
    pub outcome: String,
    /// (value in the bucket [ns], count), ascending.
    pub buckets_ns: Vec<(u64, u64)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialised_histograms_merge_exactly() {
        let (mut a, mut b) = (Latency::new(), Latency::new());
        for i in 1..10_000u64 {
            a.record(i * 7_919);
            b.record(i * i * 13);
        }
        let mut merged = a.clone();
        merged.merge(&b);
        let mut rebuilt = Latency::from_buckets(&a.to_buckets());
        rebuilt.merge(&Latency::from_buckets(&b.to_buckets()));
        assert_eq!(rebuilt.to_buckets(), merged.to_buckets());
        assert_eq!(rebuilt.quantile_ns(0.99), merged.quantile_ns(0.99));
        assert_eq!(rebuilt.count(), 19_998);
    }
}
