//! Workloads at run time: when the next request arrives, which key and operation it uses,
//! and the envelope client's data-key cache.

use std::collections::BTreeMap;

use crate::rng::SimRng;
use rand_distr::Distribution as _;

use crate::dist::{open_unit, uniform_below};
#[cfg(test)]
use crate::scenario::SECOND_NS;
use crate::scenario::{Arrivals, DataKeyCache, KeyChoice, OpKind};
use crate::time::SimTime;

/// The open-loop arrival process of one workload.
#[derive(Debug)]
pub(crate) struct ArrivalProcess {
    arrivals: Arrivals,
    /// Position in a trace.
    next_trace: usize,
    /// The next evenly spaced arrival, for constant rates [ns].
    next_constant_ns: f64,
}

impl ArrivalProcess {
    pub(crate) const fn new(arrivals: Arrivals) -> Self {
        Self { arrivals, next_trace: 0, next_constant_ns: 0.0 }
    }

    /// The rate at `t` [requests/ns] of a Poisson process, and its upper bound for thinning.
    fn rate_per_ns(&self, t: SimTime) -> (f64, f64) {
        let per_ns = |per_s: f64| per_s.max(0.0) / 1e9;
        match &self.arrivals {
            Arrivals::Poisson { rate_per_s } => (per_ns(*rate_per_s), per_ns(*rate_per_s)),
            Arrivals::Diurnal { mean_per_s, amplitude, period_ns, peak_at_ns } => {
                #[expect(clippy::cast_precision_loss, reason = "times far below 2^53 ns")]
                let phase = (t.as_nanos() as f64 - *peak_at_ns as f64) / (*period_ns).max(1) as f64;
                let amplitude = amplitude.clamp(0.0, 1.0);
                let factor = 1.0 + amplitude * (std::f64::consts::TAU * phase).cos();
                (per_ns(mean_per_s * factor), per_ns(mean_per_s * (1.0 + amplitude)))
            }
            Arrivals::Bursts { base_per_s, burst_per_s, period_ns, length_ns, first_at_ns } => {
                let in_burst = t.as_nanos() >= *first_at_ns
                    && (t.as_nanos() - first_at_ns) % (*period_ns).max(1) < *length_ns;
                let rate = if in_burst { *burst_per_s } else { *base_per_s };
                (per_ns(rate), per_ns(base_per_s.max(*burst_per_s)))
            }
            Arrivals::Constant { .. } | Arrivals::Trace { .. } | Arrivals::Closed { .. } => {
                (0.0, 0.0)
            }
        }
    }

    /// The first arrival after `now`, or `None` when the process has no more.
    pub(crate) fn next_after(&mut self, now: SimTime, rng: &mut SimRng) -> Option<SimTime> {
        match &self.arrivals {
            Arrivals::Closed { .. } => None,
            Arrivals::Trace { times_ns } => {
                // Arrivals before `now` (before the workload's window opened) are skipped.
                while times_ns.get(self.next_trace).is_some_and(|&at| at < now.as_nanos()) {
                    self.next_trace += 1;
                }
                let at = *times_ns.get(self.next_trace)?;
                self.next_trace += 1;
                Some(SimTime(at))
            }
            Arrivals::Constant { rate_per_s } => {
                if *rate_per_s <= 0.0 {
                    return None;
                }
                // Kept in floats so a rate that does not divide a second does not drift; the
                // first arrival is one spacing after the window opens.
                #[expect(clippy::cast_precision_loss, reason = "times far below 2^53 ns")]
                let now_ns = now.as_nanos() as f64;
                self.next_constant_ns = self.next_constant_ns.max(now_ns) + 1e9 / rate_per_s;
                Some(SimTime(crate::dist::round(self.next_constant_ns)))
            }
            _ => {
                // Lewis–Shedler thinning: candidates at the peak rate, each kept with
                // probability rate(t)/peak; exact for a Poisson rate, which keeps all.
                let (_, peak) = self.rate_per_ns(now);
                if peak <= 0.0 {
                    return None;
                }
                let mut t = now;
                loop {
                    let gap = crate::dist::round(-open_unit(rng).ln() / peak).max(1);
                    t = t.plus_nanos(gap);
                    let (rate, _) = self.rate_per_ns(t);
                    if rate >= peak || open_unit(rng) * peak <= rate {
                        return Some(t);
                    }
                }
            }
        }
    }
}

/// Draws keys from a group of `n`.
#[derive(Debug)]
pub(crate) enum KeyPicker {
    Uniform(u64),
    /// Zipf over up to [`ZIPF_TABLE_MAX`] keys: cumulative integer weights, searched by
    /// bisection (one uniform draw and no `pow` per pick).
    ZipfTable(Vec<u64>),
    Zipf(rand_distr::Zipf<f64>),
}

/// The largest group whose Zipf weights are tabulated (512 KiB of table); larger groups
/// draw by rejection sampling.
const ZIPF_TABLE_MAX: u32 = 1 << 16;

/// The scale of a tabulated Zipf distribution's integer weights: 2^52, so every weight of a
/// table of [`ZIPF_TABLE_MAX`] keys keeps at least 36 significant bits.
const ZIPF_TABLE_SCALE: f64 = 4_503_599_627_370_496.0;

impl KeyPicker {
    /// A picker over `n` keys.
    ///
    /// # Errors
    /// What is wrong with the Zipf exponent.
    pub(crate) fn new(choice: KeyChoice, n: u32) -> Result<Self, String> {
        match choice {
            KeyChoice::Uniform => Ok(Self::Uniform(u64::from(n))),
            KeyChoice::Zipf { exponent } => {
                let zipf = rand_distr::Zipf::new(f64::from(n), exponent)
                    .map_err(|e| format!("zipf exponent {exponent}: {e}"))?;
                if n > ZIPF_TABLE_MAX {
                    return Ok(Self::Zipf(zipf));
                }
                let weights: Vec<f64> =
                    (1..=n).map(|rank| f64::from(rank).powf(-exponent)).collect();
                let total: f64 = weights.iter().sum();
                let mut cumulative = 0u64;
                let table = weights
                    .iter()
                    .map(|w| {
                        // At least 1, so every key keeps a non-zero chance.
                        cumulative += crate::dist::round(w / total * ZIPF_TABLE_SCALE).max(1);
                        cumulative
                    })
                    .collect();
                Ok(Self::ZipfTable(table))
            }
        }
    }

    /// The index of a key, from 0.
    pub(crate) fn pick(&self, rng: &mut SimRng) -> u32 {
        let index = match self {
            Self::Uniform(n) => uniform_below(rng, *n),
            // Index 0 (rank 1) is the hottest key.
            Self::ZipfTable(cumulative) => {
                let roll = uniform_below(rng, cumulative.last().copied().unwrap_or(1));
                cumulative.partition_point(|&upper| upper <= roll) as u64
            }
            // Zipf samples 1..=n as floats; rank 1 is the hottest key.
            Self::Zipf(zipf) => crate::dist::round(zipf.sample(rng)).saturating_sub(1),
        };
        u32::try_from(index).unwrap_or(u32::MAX)
    }
}

/// Draws an operation from integer weights.
#[derive(Debug)]
pub(crate) struct MixPicker {
    cumulative: Vec<(u64, OpKind)>,
    total: u64,
}

impl MixPicker {
    pub(crate) fn new(mix: &[(OpKind, u32)]) -> Self {
        let mut total = 0u64;
        let cumulative = mix
            .iter()
            .filter(|(_, weight)| *weight > 0)
            .map(|&(op, weight)| {
                total += u64::from(weight);
                (total, op)
            })
            .collect();
        Self { cumulative, total }
    }

    pub(crate) fn pick(&self, rng: &mut SimRng) -> OpKind {
        let roll = uniform_below(rng, self.total);
        self.cumulative
            .iter()
            .find(|(upper, _)| roll < *upper)
            .map_or(OpKind::Encrypt, |&(_, op)| op)
    }
}

/// One cached data key's use so far.
#[derive(Clone, Copy, Debug)]
struct CacheEntry {
    created: SimTime,
    messages: u64,
    bytes: u64,
}

/// The envelope client's data-key cache, one entry per KMS key (as the caching CMM keys
/// entries by the materials request).
#[derive(Debug, Default)]
pub(crate) struct KeyCache {
    entries: BTreeMap<u32, CacheEntry>,
    pub(crate) hits: u64,
    pub(crate) misses: u64,
}

impl KeyCache {
    /// Whether an object of `bytes` under `key` can use a cached data key at `now`; if so,
    /// the use is counted against the entry's limits.
    pub(crate) fn try_use(
        &mut self,
        limits: &DataKeyCache,
        key: u32,
        bytes: u64,
        now: SimTime,
    ) -> bool {
        let Some(entry) = self.entries.get_mut(&key) else {
            self.misses += 1;
            return false;
        };
        let fresh = now.nanos_since(entry.created) < limits.max_age_ns;
        let fits = entry.messages < limits.max_messages
            && entry.bytes.saturating_add(bytes) <= limits.max_bytes;
        if fresh && fits {
            entry.messages += 1;
            entry.bytes += bytes;
            self.hits += 1;
            true
        } else {
            self.entries.remove(&key);
            self.misses += 1;
            false
        }
    }

    /// A new data key for `key`, which encrypted its first object of `bytes` at `now`.
    pub(crate) fn insert(&mut self, key: u32, bytes: u64, now: SimTime) {
        self.entries.insert(key, CacheEntry { created: now, messages: 1, bytes });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Streams;

    const fn seconds(s: u64) -> u64 {
        s * SECOND_NS
    }

    #[test]
    fn tabulated_zipf_draws_each_rank_with_its_probability() {
        // Rank k of n has probability k^-s / H(n, s); both pickers must agree with it.
        let (n, exponent, draws) = (50u32, 1.1, 400_000u32);
        let harmonic: f64 = (1..=n).map(|k| f64::from(k).powf(-exponent)).sum();
        let table = KeyPicker::new(KeyChoice::Zipf { exponent }, n).unwrap();
        assert!(matches!(table, KeyPicker::ZipfTable(_)));
        let sampler = KeyPicker::Zipf(rand_distr::Zipf::new(f64::from(n), exponent).unwrap());
        for picker in [table, sampler] {
            let mut rng = Streams::new(9).get("keys");
            let mut counts = vec![0u32; n as usize];
            for _ in 0..draws {
                counts[picker.pick(&mut rng) as usize] += 1;
            }
            for (rank, &count) in [1u32, 2, 5, 20, 50].iter().map(|&k| (k, &counts[k as usize - 1]))
            {
                let p = f64::from(rank).powf(-exponent) / harmonic;
                let expected = p * f64::from(draws);
                let sigma = (expected * (1.0 - p)).sqrt();
                assert!(
                    (f64::from(count) - expected).abs() < 5.0 * sigma,
                    "{picker:?} rank {rank}: {count} draws, expected {expected:.0} ± {sigma:.0}"
                );
            }
        }
    }

    #[test]
    fn arrival_processes_have_their_rates() {
        let count = |arrivals: Arrivals, horizon_s: u64| {
            let mut process = ArrivalProcess::new(arrivals);
            let mut rng = Streams::new(3).get("arrivals");
            let (mut t, mut n) = (SimTime::ZERO, 0u64);
            while let Some(next) = process.next_after(t, &mut rng) {
                if next.as_nanos() >= seconds(horizon_s) {
                    break;
                }
                (t, n) = (next, n + 1);
            }
            n
        };
        let poisson = count(Arrivals::Poisson { rate_per_s: 1_000.0 }, 100);
        assert!((poisson as f64 / 100_000.0 - 1.0).abs() < 0.01, "{poisson}");
        assert_eq!(count(Arrivals::Constant { rate_per_s: 3.0 }, 10), 29);
        // A window that opens later starts there.
        let mut late = ArrivalProcess::new(Arrivals::Constant { rate_per_s: 10.0 });
        let mut rng = Streams::new(3).get("arrivals");
        assert_eq!(
            late.next_after(SimTime(seconds(30)), &mut rng),
            Some(SimTime(seconds(30) + 100_000_000))
        );
        let mut trace = ArrivalProcess::new(Arrivals::Trace { times_ns: vec![1, 2, seconds(40)] });
        assert_eq!(trace.next_after(SimTime(seconds(30)), &mut rng), Some(SimTime(seconds(40))));
        // A diurnal curve averages its mean over whole periods.
        let diurnal = Arrivals::Diurnal {
            mean_per_s: 500.0,
            amplitude: 0.8,
            period_ns: seconds(20),
            peak_at_ns: 0,
        };
        let n = count(diurnal, 200);
        assert!((n as f64 / 100_000.0 - 1.0).abs() < 0.02, "{n}");
        // 1 s bursts at 5,000/s every 10 s over a 100/s base.
        let bursts = Arrivals::Bursts {
            base_per_s: 100.0,
            burst_per_s: 5_000.0,
            period_ns: seconds(10),
            length_ns: seconds(1),
            first_at_ns: 0,
        };
        let expected = 10.0 * (5_000.0 + 9.0 * 100.0);
        let n = count(bursts, 100);
        assert!((n as f64 / expected - 1.0).abs() < 0.02, "{n} vs {expected}");
        let trace = Arrivals::trace_from_csv("time_ms\n0.5\n1\n1000\n").unwrap();
        assert_eq!(count(trace, 10), 3);
    }

    #[test]
    fn traces_with_errors_name_the_line() {
        assert!(Arrivals::trace_from_csv("t\n1\n").unwrap_err().contains("line 1"));
        assert!(Arrivals::trace_from_csv("time_ms\n1\nx\n").unwrap_err().contains("line 3"));
        assert!(Arrivals::trace_from_csv("time_ms\n2\n1\n").unwrap_err().contains("backwards"));
    }

    #[test]
    fn zipf_favours_the_first_keys_and_uniform_does_not() {
        let mut rng = Streams::new(4).get("keys");
        let zipf = KeyPicker::new(KeyChoice::Zipf { exponent: 1.0 }, 100).unwrap();
        let uniform = KeyPicker::new(KeyChoice::Uniform, 100).unwrap();
        let (mut hot_zipf, mut hot_uniform) = (0, 0);
        for _ in 0..100_000 {
            hot_zipf += u32::from(zipf.pick(&mut rng) == 0);
            hot_uniform += u32::from(uniform.pick(&mut rng) == 0);
            assert!(zipf.pick(&mut rng) < 100);
        }
        // P(rank 1) = 1/H(100) = 0.193 for s = 1; 0.01 for uniform.
        assert!((f64::from(hot_zipf) / 100_000.0 - 0.193).abs() < 0.01, "{hot_zipf}");
        assert!((f64::from(hot_uniform) / 100_000.0 - 0.01).abs() < 0.002, "{hot_uniform}");
    }

    #[test]
    fn the_cache_honours_age_messages_and_bytes() {
        let limits = DataKeyCache { max_age_ns: seconds(60), max_messages: 3, max_bytes: 1_000 };
        let mut cache = KeyCache::default();
        assert!(!cache.try_use(&limits, 1, 100, SimTime::ZERO));
        cache.insert(1, 100, SimTime::ZERO);
        assert!(cache.try_use(&limits, 1, 100, SimTime(1)));
        assert!(cache.try_use(&limits, 1, 100, SimTime(2)));
        assert!(!cache.try_use(&limits, 1, 100, SimTime(3)), "three messages used");
        cache.insert(1, 900, SimTime(4));
        assert!(!cache.try_use(&limits, 1, 101, SimTime(5)), "over the byte limit");
        cache.insert(1, 1, SimTime(6));
        assert!(!cache.try_use(&limits, 1, 1, SimTime(6 + seconds(60))), "too old");
        assert_eq!((cache.hits, cache.misses), (2, 4));
    }
}
