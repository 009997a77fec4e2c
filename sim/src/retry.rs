//! The AWS SDK client retry model: which errors are retried, how long a client waits, and
//! the retry quota that makes a client give up fast when a service is failing.
//!
//! Constants are the SDKs' published ones (AWS SDKs and Tools Reference Guide, "Retry
//! behavior"; botocore `retries/standard.py` and `quota.py`; smithy-rs `standard.rs`),
//! collected in `reference/sim-facts.md` §4:
//!
//! | | standard (pre-2026) | standard, 2026 update |
//! |---|---|---|
//! | max attempts | 3 | 3 |
//! | base delay | 1 s | 50 ms transient, 1 s throttling |
//! | max backoff | 20 s | 20 s |
//! | retry quota | 500 tokens | 500 tokens |
//! | retry cost | 5; 10 after a timeout | 14 transient; 5 throttling; timeouts not special |
//!
//! The delay before retry `i` (from 0) is `U · min(base · 2^i, max backoff)` with `U` uniform
//! on [0, 1) ("full jitter"). A success that needed no retry returns 1 token to the quota; a
//! success after retries returns what the last retry cost; the quota never exceeds its
//! capacity; a retry the quota cannot pay is not made. Adaptive mode (the CUBIC client rate
//! limiter) is in [`adaptive`].

pub mod adaptive;

use crate::rng::SimRng;
use engine::ErrorKind;
use rand_core::Rng as _;

/// How an SDK classifies a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// A throttling error: `ThrottlingException`, and `LimitExceededException`, which KMS
    /// uses for resource quotas but botocore lists among its throttling codes.
    Throttling,
    /// A transient server fault (HTTP 5xx): `DependencyTimeoutException`,
    /// `KMSInternalException`, `KeyUnavailableException`.
    Transient,
    /// The attempt timed out on the client (no answer in time).
    Timeout,
    /// Not retried: every other AWS exception.
    NotRetryable,
}

/// How an AWS exception is treated by an SDK.
#[must_use]
pub const fn classify(kind: ErrorKind) -> ErrorClass {
    match kind {
        ErrorKind::Throttling | ErrorKind::LimitExceeded => ErrorClass::Throttling,
        ErrorKind::DependencyTimeout | ErrorKind::KmsInternal | ErrorKind::KeyUnavailable => {
            ErrorClass::Transient
        }
        _ => ErrorClass::NotRetryable,
    }
}

/// A retry mode's constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Base delay after a transient error or a timeout [ns].
    pub transient_base_ns: u64,
    /// Base delay after a throttling error [ns].
    pub throttling_base_ns: u64,
    /// Cap on the delay before jitter [ns].
    pub max_backoff_ns: u64,
    /// Retry quota capacity [tokens].
    pub quota_capacity: u32,
    /// What a retry after a transient error costs [tokens].
    pub transient_retry_cost: u32,
    /// What a retry after a throttling error costs [tokens].
    pub throttling_retry_cost: u32,
    /// What a retry after a timeout costs [tokens].
    pub timeout_retry_cost: u32,
    /// What a success without retries returns [tokens].
    pub no_retry_increment: u32,
}

const SECOND_NS: u64 = 1_000_000_000;

impl RetryConfig {
    /// Standard mode as the SDKs have shipped it until 2026.
    #[must_use]
    pub const fn standard() -> Self {
        Self {
            max_attempts: 3,
            transient_base_ns: SECOND_NS,
            throttling_base_ns: SECOND_NS,
            max_backoff_ns: 20 * SECOND_NS,
            quota_capacity: 500,
            transient_retry_cost: 5,
            throttling_retry_cost: 5,
            timeout_retry_cost: 10,
            no_retry_increment: 1,
        }
    }

    /// Standard mode with the 2026 update (`AWS_NEW_RETRIES_2026`).
    #[must_use]
    pub const fn standard_2026() -> Self {
        Self {
            max_attempts: 3,
            transient_base_ns: 50_000_000,
            throttling_base_ns: SECOND_NS,
            max_backoff_ns: 20 * SECOND_NS,
            quota_capacity: 500,
            transient_retry_cost: 14,
            throttling_retry_cost: 5,
            timeout_retry_cost: 14,
            no_retry_increment: 1,
        }
    }

    /// The base delay and the quota cost of retrying after an error of `class`; `None` if
    /// it is not retried at all.
    const fn base_and_cost(&self, class: ErrorClass) -> Option<(u64, u32)> {
        match class {
            ErrorClass::Throttling => Some((self.throttling_base_ns, self.throttling_retry_cost)),
            ErrorClass::Transient => Some((self.transient_base_ns, self.transient_retry_cost)),
            ErrorClass::Timeout => Some((self.transient_base_ns, self.timeout_retry_cost)),
            ErrorClass::NotRetryable => None,
        }
    }

    /// The delay before retry `retry_index` (0 for the first retry) after an error of
    /// `class`, before jitter: `min(base · 2^i, max backoff)` [ns].
    #[must_use]
    pub fn backoff_cap_ns(&self, class: ErrorClass, retry_index: u32) -> u64 {
        let base = self.base_and_cost(class).map_or(0, |(base, _)| base);
        let factor = 1u64.checked_shl(retry_index).unwrap_or(u64::MAX);
        base.saturating_mul(factor).min(self.max_backoff_ns)
    }
}

/// A client's retry quota (one per client and partition in the SDKs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryQuota {
    tokens: u32,
    capacity: u32,
}

impl RetryQuota {
    /// A full quota of `config`.
    #[must_use]
    pub const fn new(config: &RetryConfig) -> Self {
        Self { tokens: config.quota_capacity, capacity: config.quota_capacity }
    }

    /// Tokens left.
    #[must_use]
    pub const fn tokens(&self) -> u32 {
        self.tokens
    }

    fn acquire(&mut self, cost: u32) -> bool {
        if self.tokens >= cost {
            self.tokens -= cost;
            true
        } else {
            false
        }
    }

    fn release(&mut self, amount: u32) {
        self.tokens = self.tokens.saturating_add(amount).min(self.capacity);
    }
}

/// What a client does after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long [ns], then try again; the retry took `cost` tokens.
    Retry {
        /// Delay before the next attempt [ns].
        delay_ns: u64,
        /// Tokens the retry took from the quota.
        cost: u32,
    },
    /// Return the error to the caller.
    GiveUp,
}

/// One request's retry bookkeeping.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attempts {
    /// Attempts made so far.
    pub made: u32,
    /// What the last retry cost, if there was one.
    pub last_cost: Option<u32>,
}

impl Attempts {
    /// After attempt `self.made` failed with `class`: retry (drawing the jitter from `rng`)
    /// or give up. A retry is counted as the next attempt.
    pub fn after_failure(
        &mut self,
        config: &RetryConfig,
        quota: &mut RetryQuota,
        class: ErrorClass,
        rng: &mut SimRng,
    ) -> Decision {
        let Some((_, cost)) = config.base_and_cost(class) else { return Decision::GiveUp };
        if self.made >= config.max_attempts || !quota.acquire(cost) {
            return Decision::GiveUp;
        }
        let cap = config.backoff_cap_ns(class, self.made.saturating_sub(1));
        // Full jitter: U · cap with U uniform on [0, 1), in integers (53 random bits).
        let jitter = u128::from(rng.next_u64() >> 11);
        let delay_ns = u64::try_from((u128::from(cap) * jitter) >> 53).unwrap_or(cap);
        self.made += 1;
        self.last_cost = Some(cost);
        Decision::Retry { delay_ns, cost }
    }

    /// The request succeeded: the quota gets back 1 token, or what the last retry cost.
    pub fn after_success(&self, config: &RetryConfig, quota: &mut RetryQuota) {
        quota.release(self.last_cost.unwrap_or(config.no_retry_increment));
    }
}

#[cfg(test)]
mod tests {
    use rand_core::SeedableRng as _;

    use super::*;

    fn fail(
        config: &RetryConfig,
        quota: &mut RetryQuota,
        class: ErrorClass,
        rng: &mut SimRng,
    ) -> Decision {
        Attempts { made: 1, last_cost: None }.after_failure(config, quota, class, rng)
    }

    #[test]
    fn kms_errors_are_classified_as_the_sdks_do() {
        assert_eq!(classify(ErrorKind::Throttling), ErrorClass::Throttling);
        assert_eq!(classify(ErrorKind::LimitExceeded), ErrorClass::Throttling, "botocore's quirk");
        for kind in
            [ErrorKind::DependencyTimeout, ErrorKind::KmsInternal, ErrorKind::KeyUnavailable]
        {
            assert_eq!(classify(kind), ErrorClass::Transient);
            assert!(kind.is_retryable());
        }
        for kind in [
            ErrorKind::NotFound,
            ErrorKind::Disabled,
            ErrorKind::KmsInvalidState,
            ErrorKind::InvalidCiphertext,
            ErrorKind::AccessDenied,
        ] {
            assert_eq!(classify(kind), ErrorClass::NotRetryable);
        }
    }

    #[test]
    fn backoff_is_full_jitter_under_a_doubling_cap() {
        let config = RetryConfig::standard();
        let caps: Vec<_> =
            (0..6).map(|i| config.backoff_cap_ns(ErrorClass::Transient, i)).collect();
        assert_eq!(caps, [1, 2, 4, 8, 16, 20].map(|s| s * SECOND_NS));
        assert_eq!(
            RetryConfig::standard_2026().backoff_cap_ns(ErrorClass::Transient, 0),
            50_000_000
        );
        assert_eq!(
            RetryConfig::standard_2026().backoff_cap_ns(ErrorClass::Throttling, 0),
            SECOND_NS
        );
        // Mean delays 0.5, 1, 2, 4, 8 s for retries 1..5: U is uniform on [0, 1).
        let mut rng = SimRng::seed_from_u64(1);
        let unlimited = RetryConfig { max_attempts: u32::MAX, quota_capacity: u32::MAX, ..config };
        for (retry, expected_mean_s) in [(1u32, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0)] {
            let mut quota = RetryQuota::new(&unlimited);
            let n = 200_000u32;
            let total: u128 = (0..n)
                .map(|_| {
                    match (Attempts { made: retry, last_cost: None }).after_failure(
                        &unlimited,
                        &mut quota,
                        ErrorClass::Transient,
                        &mut rng,
                    ) {
                        Decision::Retry { delay_ns, .. } => {
                            assert!(
                                delay_ns
                                    < unlimited.backoff_cap_ns(ErrorClass::Transient, retry - 1)
                            );
                            u128::from(delay_ns)
                        }
                        Decision::GiveUp => panic!("an unlimited quota always retries"),
                    }
                })
                .sum();
            #[expect(clippy::cast_precision_loss, reason = "a test mean")]
            let mean_s = total as f64 / f64::from(n) / 1e9;
            assert!(
                (mean_s - expected_mean_s).abs() / expected_mean_s < 0.01,
                "retry {retry}: mean {mean_s} s"
            );
        }
    }

    #[test]
    fn the_quota_allows_100_retries_or_50_after_timeouts() {
        let mut rng = SimRng::seed_from_u64(2);
        for (config, class, expected) in [
            (RetryConfig::standard(), ErrorClass::Throttling, 100),
            (RetryConfig::standard(), ErrorClass::Transient, 100),
            (RetryConfig::standard(), ErrorClass::Timeout, 50),
            (RetryConfig::standard_2026(), ErrorClass::Transient, 35),
            (RetryConfig::standard_2026(), ErrorClass::Throttling, 100),
            (RetryConfig::standard_2026(), ErrorClass::Timeout, 35),
        ] {
            let mut quota = RetryQuota::new(&config);
            let retries = std::iter::from_fn(|| match fail(&config, &mut quota, class, &mut rng) {
                Decision::Retry { .. } => Some(()),
                Decision::GiveUp => None,
            })
            .count();
            assert_eq!(retries, expected, "{class:?} under {config:?}");
        }
    }

    #[test]
    fn attempts_are_capped_and_successes_refill_the_quota() {
        let config = RetryConfig::standard();
        let mut quota = RetryQuota::new(&config);
        let mut rng = SimRng::seed_from_u64(3);
        let mut attempts = Attempts { made: 1, last_cost: None };
        assert!(matches!(
            attempts.after_failure(&config, &mut quota, ErrorClass::Throttling, &mut rng),
            Decision::Retry { cost: 5, .. }
        ));
        assert!(matches!(
            attempts.after_failure(&config, &mut quota, ErrorClass::Timeout, &mut rng),
            Decision::Retry { cost: 10, .. }
        ));
        assert_eq!(
            attempts.after_failure(&config, &mut quota, ErrorClass::Throttling, &mut rng),
            Decision::GiveUp,
            "3 attempts in all"
        );
        assert_eq!(quota.tokens(), 485);
        attempts.after_success(&config, &mut quota);
        assert_eq!(quota.tokens(), 495, "a success after retries returns the last retry's cost");
        Attempts::default().after_success(&config, &mut quota);
        assert_eq!(quota.tokens(), 496, "a success without retries returns 1");
        for _ in 0..10 {
            Attempts::default().after_success(&config, &mut quota);
        }
        assert_eq!(quota.tokens(), 500, "never above capacity");
        let mut never = Attempts { made: 1, last_cost: None };
        assert_eq!(
            never.after_failure(&config, &mut quota, ErrorClass::NotRetryable, &mut rng),
            Decision::GiveUp
        );
        assert_eq!(quota.tokens(), 500);
    }
}
