//! Distributions of durations and sizes, sampled from a named stream.
//!
//! Everything a scenario makes random (a network delay, a service time, a payload size)
//! is one [`Dist`]. Samples are integer nanoseconds (or bytes): floats exist only inside a
//! sampler and are rounded on the way out, so they never order events.

use crate::rng::SimRng;
use rand_core::Rng as _;
use rand_distr::Distribution as _;
use serde::{Deserialize, Serialize};

/// The standard normal quantile at 0.99: a lognormal's p99 is `median · e^(σ·Z99)`.
const Z_99: f64 = 2.326_347_874_040_841;

/// A distribution of non-negative integers: durations [ns] or sizes [bytes].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Dist {
    /// Always `value`.
    Constant {
        /// The value [ns or bytes].
        value: u64,
    },
    /// Exponential with mean `mean`.
    Exponential {
        /// The mean [ns or bytes].
        mean: f64,
    },
    /// Lognormal, given by its median and 99th percentile (the way latency is reported).
    Lognormal {
        /// The median [ns or bytes].
        median: f64,
        /// The 99th percentile [ns or bytes]; at least the median.
        p99: f64,
    },
    /// Uniform on `[low, high]`.
    Uniform {
        /// Smallest value [ns or bytes].
        low: u64,
        /// Largest value [ns or bytes].
        high: u64,
    },
    /// Empirical: the inverse of the CDF that interpolates linearly between the sorted
    /// observations, so any measured sample (a latency capture) can be replayed.
    Empirical {
        /// Observations, sorted ascending [ns or bytes]; at least one.
        sorted: Vec<u64>,
    },
}

impl Dist {
    /// A constant.
    #[must_use]
    pub const fn constant(value: u64) -> Self {
        Self::Constant { value }
    }

    /// A lognormal with this median and p99, both in milliseconds, sampled in [ns].
    #[must_use]
    pub fn lognormal_ms(median_ms: f64, p99_ms: f64) -> Self {
        Self::Lognormal { median: median_ms * 1e6, p99: p99_ms * 1e6 }
    }

    /// An exponential with this mean in milliseconds, sampled in [ns].
    #[must_use]
    pub fn exponential_ms(mean_ms: f64) -> Self {
        Self::Exponential { mean: mean_ms * 1e6 }
    }

    /// An empirical distribution of `observations` (sorted here).
    #[must_use]
    pub fn empirical(mut observations: Vec<u64>) -> Self {
        observations.sort_unstable();
        Self::Empirical { sorted: observations }
    }

    /// Why this distribution cannot be sampled, if it cannot.
    ///
    /// # Errors
    /// A message naming the bad parameter and what was expected.
    pub fn validate(&self) -> Result<(), String> {
        let positive = |name: &str, x: f64| {
            if x.is_finite() && x > 0.0 {
                Ok(())
            } else {
                Err(format!("{name} must be a positive finite number, got {x}"))
            }
        };
        match self {
            Self::Constant { .. } => Ok(()),
            Self::Exponential { mean } => positive("mean", *mean),
            Self::Lognormal { median, p99 } => {
                positive("median", *median)?;
                positive("p99", *p99)?;
                if p99 < median {
                    return Err(format!("p99 ({p99}) must be at least the median ({median})"));
                }
                Ok(())
            }
            Self::Uniform { low, high } if low > high => {
                Err(format!("low ({low}) must not exceed high ({high})"))
            }
            Self::Uniform { .. } => Ok(()),
            Self::Empirical { sorted } if sorted.is_empty() => {
                Err("an empirical distribution needs at least one observation".to_owned())
            }
            Self::Empirical { sorted } if !sorted.is_sorted() => {
                Err("empirical observations must be sorted ascending".to_owned())
            }
            Self::Empirical { .. } => Ok(()),
        }
    }

    /// The mean [ns or bytes].
    #[must_use]
    pub fn mean(&self) -> f64 {
        match self {
            #[expect(clippy::cast_precision_loss, reason = "durations far below 2^53")]
            Self::Constant { value } => *value as f64,
            Self::Exponential { mean } => *mean,
            Self::Lognormal { median, p99 } => {
                let sigma = (p99 / median).ln() / Z_99;
                median * (sigma * sigma / 2.0).exp()
            }
            #[expect(clippy::cast_precision_loss, reason = "as above")]
            Self::Uniform { low, high } => (*low as f64 + *high as f64) / 2.0,
            #[expect(clippy::cast_precision_loss, reason = "as above")]
            Self::Empirical { sorted } => match sorted.as_slice() {
                [] => 0.0,
                [only] => *only as f64,
                // The mean of the piecewise-linear inverse CDF: the trapezoid rule.
                _ => {
                    let pairs = sorted.windows(2).map(|w| (w[0] as f64 + w[1] as f64) / 2.0);
                    pairs.sum::<f64>() / (sorted.len() - 1) as f64
                }
            },
        }
    }

    /// One sample, rounded to an integer [ns or bytes]. Parameters that
    /// [`Dist::validate`] refuses sample as 0. On a hot path, prepare a [`Sampler`] once.
    pub fn sample(&self, rng: &mut SimRng) -> u64 {
        self.sampler().sample(rng)
    }

    /// The distribution prepared for sampling: what costs a logarithm is computed once.
    #[must_use]
    pub fn sampler(&self) -> Sampler {
        match self {
            Self::Constant { value } => Sampler::Constant(*value),
            Self::Exponential { mean } => Sampler::Exponential { mean: *mean },
            Self::Lognormal { median, p99 } => {
                let sigma = (p99 / median).ln() / Z_99;
                if median.is_finite() && *median > 0.0 && sigma.is_finite() && sigma >= 0.0 {
                    Sampler::Lognormal { mu: median.ln(), sigma }
                } else {
                    Sampler::Constant(0)
                }
            }
            Self::Uniform { low, high } => {
                Sampler::Uniform { low: *low, span: high.saturating_sub(*low).saturating_add(1) }
            }
            Self::Empirical { sorted } => Sampler::Empirical(sorted.clone()),
        }
    }
}

/// A [`Dist`] ready to sample: `Dist::sampler` makes one.
#[derive(Clone, Debug, PartialEq)]
pub enum Sampler {
    /// Always this value.
    Constant(u64),
    /// Exponential with this mean.
    Exponential {
        /// The mean.
        mean: f64,
    },
    /// `e^(mu + sigma·Z)`, Z standard normal.
    Lognormal {
        /// The log of the median.
        mu: f64,
        /// The standard deviation of the log.
        sigma: f64,
    },
    /// `low` plus a uniform integer below `span`.
    Uniform {
        /// Smallest value.
        low: u64,
        /// Number of values.
        span: u64,
    },
    /// Linear interpolation between sorted observations.
    Empirical(Vec<u64>),
}

impl Sampler {
    /// One sample, rounded to an integer [ns or bytes].
    pub fn sample(&self, rng: &mut SimRng) -> u64 {
        match self {
            Self::Constant(value) => *value,
            Self::Exponential { mean } => round(-mean * open_unit(rng).ln()),
            Self::Lognormal { mu, sigma } => {
                let z: f64 = rand_distr::StandardNormal.sample(rng);
                round((mu + sigma * z).exp())
            }
            Self::Uniform { low, span } => low + uniform_below(rng, *span),
            Self::Empirical(sorted) => {
                let Some(last) = sorted.len().checked_sub(1) else { return 0 };
                #[expect(clippy::cast_precision_loss, reason = "sample counts far below 2^53")]
                let position = open_unit(rng) * last as f64;
                #[expect(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "0 <= position <= last"
                )]
                let index = (position.floor() as usize).min(last);
                let (low, high) = (sorted[index], sorted[(index + 1).min(last)]);
                #[expect(clippy::cast_precision_loss, reason = "durations far below 2^53")]
                let value = low as f64 + (position - position.floor()) * (high as f64 - low as f64);
                round(value)
            }
        }
    }
}

/// A uniform float on (0, 1]: 53 random bits, never 0 (so `ln` is finite).
pub(crate) fn open_unit(rng: &mut SimRng) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "53-bit mantissa by construction")]
    let unit = ((rng.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64;
    unit
}

/// A uniform integer in `[0, n)` (0 if `n` is 0), without modulo bias worth measuring:
/// a 64×64 → 128-bit multiply (Lemire).
pub(crate) fn uniform_below(rng: &mut SimRng, n: u64) -> u64 {
    u64::try_from((u128::from(rng.next_u64()) * u128::from(n)) >> 64).unwrap_or(0)
}

/// A non-negative float rounded to an integer (halves away from zero, as `f64::round`);
/// negative, NaN and infinite give 0 or saturate.
///
/// Truncate, then add the carry of the fraction: the same result as `f64::round`, which on
/// the baseline x86-64 target (no SSE4.1) is a library call that cost the simulated request
/// path more than the rest of its sampling arithmetic.
pub(crate) fn round(x: f64) -> u64 {
    if x.is_finite() && x > 0.0 {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "finite and positive; `as` saturates above u64::MAX"
        )]
        let whole = x as u64;
        #[expect(clippy::cast_precision_loss, reason = "below 2^53 exact; above, x is whole")]
        let fraction = x - whole as f64;
        whole.saturating_add(u64::from(fraction >= 0.5))
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_matches_f64_round() {
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "test")]
        let reference = |x: f64| if x.is_finite() && x > 0.0 { x.round() as u64 } else { 0 };
        let mut cases = vec![
            0.0,
            -0.0,
            -1.5,
            0.49999999999999994,
            0.5,
            1.5,
            2.5,
            2.4999999999,
            1e15 + 0.5,
            4_503_599_627_370_495.5,
            4_503_599_627_370_497.0,
            9_007_199_254_740_993.0,
            1.8e19,
            1e300,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..100_000 {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            cases.push(f64::from_bits(state >> 2));
            #[expect(clippy::cast_precision_loss, reason = "test")]
            cases.push((state >> 20) as f64 / 1024.0);
        }
        for x in cases {
            assert_eq!(round(x), reference(x), "{x:e}");
        }
    }
    use crate::rng::Streams;

    fn mean_of(dist: &Dist, n: u32) -> f64 {
        let mut rng = Streams::new(1).get("dist");
        #[expect(clippy::cast_precision_loss, reason = "test sums")]
        let sum: f64 = (0..n).map(|_| dist.sample(&mut rng) as f64).sum();
        sum / f64::from(n)
    }

    #[test]
    fn samples_have_the_stated_shape() {
        for dist in [
            Dist::exponential_ms(2.0),
            Dist::lognormal_ms(1.0, 4.0),
            Dist::Uniform { low: 1_000, high: 3_000 },
            Dist::empirical(vec![100, 200, 400, 800]),
        ] {
            dist.validate().unwrap();
            let (expected, got) = (dist.mean(), mean_of(&dist, 200_000));
            assert!((got - expected).abs() / expected < 0.01, "{dist:?}: {got} vs {expected}");
        }
        // A lognormal's p99 is the one configured.
        let dist = Dist::lognormal_ms(1.0, 4.0);
        let mut rng = Streams::new(2).get("dist");
        let mut samples: Vec<u64> = (0..100_000).map(|_| dist.sample(&mut rng)).collect();
        samples.sort_unstable();
        #[expect(clippy::cast_precision_loss, reason = "test values")]
        let (median, p99) = (samples[50_000] as f64, samples[99_000] as f64);
        assert!((median / 1e6 - 1.0).abs() < 0.02, "median {median}");
        assert!((p99 / 4e6 - 1.0).abs() < 0.03, "p99 {p99}");
    }

    #[test]
    fn bad_parameters_are_named() {
        assert!(Dist::lognormal_ms(4.0, 1.0).validate().unwrap_err().contains("p99"));
        assert!(Dist::Exponential { mean: -1.0 }.validate().unwrap_err().contains("mean"));
        assert!(Dist::Empirical { sorted: vec![] }.validate().is_err());
        assert!(Dist::Uniform { low: 2, high: 1 }.validate().is_err());
    }
}
