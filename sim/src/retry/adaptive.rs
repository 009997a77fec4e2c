//! The AWS SDK "adaptive" retry mode's client-side rate limiter: a token bucket whose fill
//! rate follows TCP CUBIC.
//!
//! Mirrors smithy-rs `aws-smithy-runtime/src/client/retries/client_rate_limiter.rs` (and
//! aws-sdk-go-v2 `aws/retry/adaptive_ratelimit.go`, botocore `retries/adaptive.py`,
//! `throttling.py`, `bucket.py`); constants and test vectors are in `reference/sim-facts.md`
//! §4.3–§4.4.
//!
//! - Every request first asks [`ClientRateLimiter::acquire`] how long it must wait. The bucket
//!   is disabled (every request goes at once) until the first throttling response.
//! - Every response is reported to [`ClientRateLimiter::update`], which measures the send rate
//!   (requests counted in 0.5 s buckets, EWMA with smoothing 0.8) and moves the fill rate
//!   along the CUBIC curve: `rate(t) = C·(t − t_throttle − K)³ + W_max`, with
//!   `K = ∛(W_max·(1 − β)/C)`; a throttle sets `W_max` to the rate then in use and cuts the
//!   rate to `β·W_max`. The fill rate is then `max(min(rate, 2 × measured), 0.5)` and the
//!   capacity `max(min(rate, 2 × measured), 1)`.
//!
//! Time is virtual, integer nanoseconds since the start of the run; the CUBIC arithmetic is
//! done in `f64` seconds, as the SDKs do, so that their published vectors reproduce.

/// Fraction of the rate kept after a throttling response (CUBIC β).
pub const BETA: f64 = 0.7;
/// How fast the rate grows back after a throttle (CUBIC C) [requests/s⁴].
pub const SCALE_CONSTANT: f64 = 0.4;
/// Lowest fill rate of the bucket [requests/s].
pub const MIN_FILL_RATE_RPS: f64 = 0.5;
/// Lowest capacity of the bucket [tokens].
pub const MIN_CAPACITY_TOKENS: f64 = 1.0;
/// Weight of the newest bucket in the measured send rate (EWMA smoothing).
pub const SMOOTH: f64 = 0.8;
/// Width of the buckets the send rate is measured in [ns].
pub const MEASUREMENT_BUCKET_NS: u64 = 500_000_000;

const SECOND_NS: u64 = 1_000_000_000;

/// Why a request is sent; it sets what the request costs the bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    /// A first attempt: 1 token.
    Initial,
    /// A retry after an error other than a timeout: 5 tokens.
    Retry,
    /// A retry after a timeout: 10 tokens.
    TimeoutRetry,
}

impl RequestKind {
    /// What a request of this kind takes from the bucket [tokens].
    #[must_use]
    pub const fn cost_tokens(self) -> f64 {
        match self {
            Self::Initial => 1.0,
            Self::Retry => 5.0,
            Self::TimeoutRetry => 10.0,
        }
    }
}

/// CUBIC's `K`: how long after a throttle the rate is back at `max_rate_rps` [s].
#[must_use]
pub fn calculate_time_window(max_rate_rps: f64, beta: f64, scale_constant: f64) -> f64 {
    // `powf(1/3)`, not `cbrt`: the SDKs' vectors were computed this way.
    ((max_rate_rps * (1.0 - beta)) / scale_constant).powf(1.0 / 3.0)
}

/// The CUBIC rate `since_throttle_s` seconds after the last throttle, which happened while
/// sending at `max_rate_rps` (`W_max`) [requests/s].
#[must_use]
pub fn cubic_success(since_throttle_s: f64, max_rate_rps: f64) -> f64 {
    let k_s = calculate_time_window(max_rate_rps, BETA, SCALE_CONSTANT);
    SCALE_CONSTANT * (since_throttle_s - k_s).powi(3) + max_rate_rps
}

/// The rate right after a throttle received while sending at `rate_rps` [requests/s].
#[must_use]
pub fn cubic_throttle(rate_rps: f64) -> f64 {
    rate_rps * BETA
}

#[expect(clippy::cast_precision_loss, reason = "exact below 2^53 ns, about 104 days")]
fn seconds(ns: u64) -> f64 {
    ns as f64 / 1e9
}

/// One client's adaptive rate limiter (smithy-rs shares one per retry partition).
#[derive(Clone, Debug)]
pub struct ClientRateLimiter {
    /// Rate the bucket refills at [requests/s].
    fill_rate_rps: f64,
    /// Most the bucket holds [tokens].
    max_capacity_tokens: f64,
    /// What the bucket holds; negative while admitted requests wait for their tokens [tokens].
    capacity_tokens: f64,
    /// When the bucket was last refilled [ns].
    last_refill_ns: Option<u64>,
    /// Whether a throttling response has been seen.
    enabled: bool,
    /// Smoothed send rate [requests/s].
    measured_rate_rps: f64,
    /// Start of the measurement bucket requests are being counted in [ns].
    last_bucket_ns: u64,
    /// Responses counted since `last_bucket_ns`.
    bucket_requests: u64,
    /// `W_max`: the rate in use at the last throttle [requests/s].
    last_max_rate_rps: f64,
    /// When the last throttle was received [ns].
    last_throttle_ns: u64,
}

impl ClientRateLimiter {
    /// A disabled limiter created at `now_ns` [ns].
    ///
    /// As smithy-rs's `ClientRateLimiter::new`, the measured rate starts at 0.5 requests/s
    /// (botocore and Go start at 0), the first measurement bucket at the whole second at or
    /// before `now_ns`, and the CUBIC clock at `now_ns` with `W_max` = 0.
    #[must_use]
    pub const fn new(now_ns: u64) -> Self {
        Self::with_measured_rate(now_ns, MIN_FILL_RATE_RPS)
    }

    const fn with_measured_rate(now_ns: u64, measured_rate_rps: f64) -> Self {
        Self {
            // Neither is read before the first `update` sets it.
            fill_rate_rps: MIN_FILL_RATE_RPS,
            max_capacity_tokens: MIN_CAPACITY_TOKENS,
            capacity_tokens: 0.0,
            last_refill_ns: None,
            enabled: false,
            measured_rate_rps,
            last_bucket_ns: now_ns / SECOND_NS * SECOND_NS,
            bucket_requests: 0,
            last_max_rate_rps: 0.0,
            last_throttle_ns: now_ns,
        }
    }

    /// How long a request of `kind` that is ready at `now_ns` must wait before it is sent [ns];
    /// 0 sends it at once.
    ///
    /// As in smithy-rs, the tokens are taken now even when the bucket is short, so the bucket
    /// may go negative and later requests queue behind this one: the caller sends after the
    /// returned delay and does not call `acquire` again for this request.
    #[must_use]
    pub fn acquire(&mut self, now_ns: u64, kind: RequestKind) -> u64 {
        if !self.enabled {
            return 0;
        }
        let cost_tokens = kind.cost_tokens();
        self.refill(now_ns);
        let delay_ns = if cost_tokens > self.capacity_tokens {
            Self::ceil_ns((cost_tokens - self.capacity_tokens) / self.fill_rate_rps)
        } else {
            0
        };
        self.capacity_tokens -= cost_tokens;
        delay_ns
    }

    /// Records a response received at `now_ns` [ns]; `throttled` is true for a throttling
    /// error, false for anything else (success or another error).
    pub fn update(&mut self, now_ns: u64, throttled: bool) {
        self.measure(now_ns);
        let rate_rps = if throttled {
            let rate_to_use_rps = if self.enabled {
                self.measured_rate_rps.min(self.fill_rate_rps)
            } else {
                self.measured_rate_rps
            };
            self.last_max_rate_rps = rate_to_use_rps;
            self.last_throttle_ns = now_ns;
            self.enabled = true;
            cubic_throttle(rate_to_use_rps)
        } else {
            // Subtracted in f64 seconds, as smithy-rs does, so its vectors match bit for bit.
            let since_s = seconds(now_ns) - seconds(self.last_throttle_ns);
            cubic_success(since_s, self.last_max_rate_rps)
        };
        let new_rate_rps = rate_rps.min(2.0 * self.measured_rate_rps);
        // Tokens earned so far accrue at the old rate.
        self.refill(now_ns);
        self.fill_rate_rps = new_rate_rps.max(MIN_FILL_RATE_RPS);
        self.max_capacity_tokens = new_rate_rps.max(MIN_CAPACITY_TOKENS);
        self.capacity_tokens = self.capacity_tokens.min(self.max_capacity_tokens);
    }

    /// Whether the bucket gates requests (a throttling response has been seen).
    #[must_use]
    pub const fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Rate the bucket refills at [requests/s].
    #[must_use]
    pub const fn fill_rate_rps(&self) -> f64 {
        self.fill_rate_rps
    }

    /// Most the bucket holds [tokens].
    #[must_use]
    pub const fn max_capacity_tokens(&self) -> f64 {
        self.max_capacity_tokens
    }

    /// What the bucket held at its last refill; negative while requests wait [tokens].
    #[must_use]
    pub const fn capacity_tokens(&self) -> f64 {
        self.capacity_tokens
    }

    /// Smoothed send rate [requests/s].
    #[must_use]
    pub const fn measured_rate_rps(&self) -> f64 {
        self.measured_rate_rps
    }

    fn refill(&mut self, now_ns: u64) {
        if let Some(last_ns) = self.last_refill_ns {
            let fill_tokens = seconds(now_ns.saturating_sub(last_ns)) * self.fill_rate_rps;
            self.capacity_tokens = self.max_capacity_tokens.min(self.capacity_tokens + fill_tokens);
        }
        self.last_refill_ns = Some(self.last_refill_ns.map_or(now_ns, |last| last.max(now_ns)));
    }

    fn measure(&mut self, now_ns: u64) {
        let bucket_ns = now_ns / MEASUREMENT_BUCKET_NS * MEASUREMENT_BUCKET_NS;
        self.bucket_requests += 1;
        if bucket_ns > self.last_bucket_ns {
            #[expect(clippy::cast_precision_loss, reason = "a request count is far below 2^53")]
            let requests = self.bucket_requests as f64;
            let current_rps = requests / seconds(bucket_ns - self.last_bucket_ns);
            self.measured_rate_rps = current_rps * SMOOTH + self.measured_rate_rps * (1.0 - SMOOTH);
            self.bucket_requests = 0;
            self.last_bucket_ns = bucket_ns;
        }
    }

    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "the delay is positive; `as` saturates a non-finite or huge one"
    )]
    fn ceil_ns(delay_s: f64) -> u64 {
        (delay_s * 1e9).ceil() as u64
    }
}

#[cfg(test)]
#[expect(clippy::unreadable_literal, reason = "the vectors as the SDKs publish them")]
mod tests {
    use super::*;

    /// Equal, or within the relative tolerance smithy-rs's `assert_relative_eq!` allows.
    #[track_caller]
    fn check(actual: f64, expected: f64) {
        let tolerance = f64::EPSILON * expected.abs().max(actual.abs());
        assert!((actual - expected).abs() <= tolerance, "got {actual}, expected {expected}");
    }

    /// sim-facts §4.4, first vector: `W_max` = 10, throttled at t = 5 s, then successes.
    #[test]
    fn successes_follow_the_cubic_curve() {
        check(cubic_throttle(10.0), 7.0);
        let expected = [
            (5.0, 7.0),
            (6.0, 9.64893600966),
            (7.0, 10.000030849917364),
            (8.0, 10.453284520772092),
            (9.0, 13.408697022224185),
            (10.0, 21.26626835427364),
            (11.0, 36.425998516920465),
        ];
        for (t_s, rate_rps) in expected {
            check(cubic_success(t_s - 5.0, 10.0), rate_rps);
        }
    }

    /// sim-facts §4.4, second vector. Like the Go test smithy-rs ported, each throttle cuts the
    /// previous *computed* rate and then takes the cut rate as `W_max`.
    #[test]
    fn throttles_then_successes_follow_the_sdk_vector() {
        let steps = [
            (false, 5.0, 7.0),
            (false, 6.0, 9.64893600966),
            (true, 7.0, 6.754255206761999),
            (true, 8.0, 4.727978644733399),
            (false, 9.0, 4.670125557970046),
            (false, 10.0, 4.770870456867401),
            (false, 11.0, 6.011819748005445),
            (false, 12.0, 10.792973431384178),
        ];
        let (mut w_max_rps, mut throttle_s, mut rate_rps) = (10.0, 5.0, 0.0);
        for (throttled, t_s, expected_rps) in steps {
            if throttled {
                rate_rps = cubic_throttle(rate_rps);
                (w_max_rps, throttle_s) = (rate_rps, t_s);
            } else {
                rate_rps = cubic_success(t_s - throttle_s, w_max_rps);
            }
            check(rate_rps, expected_rps);
        }
    }

    /// smithy-rs `test_client_sending_rates` (Go `TestAdaptiveRateLimit_Update`): one response
    /// every 200 ms from a limiter whose measured rate starts at 0.
    #[test]
    fn updates_follow_the_sdk_sending_rates_vector() {
        let steps = [
            (false, 0.0, 0.5),
            (false, 0.0, 0.5),
            (false, 4.800000000000001, 0.5),
            (false, 4.800000000000001, 0.5),
            (false, 4.16, 0.5),
            (false, 4.16, 0.6912),
            (false, 4.16, 1.0975999999999997),
            (false, 5.632000000000001, 1.6384000000000005),
            (false, 5.632000000000001, 2.3328),
            (true, 4.3264, 3.0284799999999996),
            (false, 4.3264, 3.48663917347026),
            (false, 4.3264, 3.821874416040255),
            (false, 5.66528, 4.053385727709987),
            (false, 5.66528, 4.200373108479454),
            (false, 4.333056, 4.282036558348658),
            (true, 4.333056, 2.99742559084406),
            (false, 4.333056, 3.4522263943863463),
        ];
        let mut limiter = ClientRateLimiter::with_measured_rate(0, 0.0);
        for (now_ns, (throttled, measured_rps, fill_rps)) in
            (1..).map(|i| i * 200_000_000).zip(steps)
        {
            limiter.update(now_ns, throttled);
            check(limiter.measured_rate_rps(), measured_rps);
            check(limiter.fill_rate_rps(), fill_rps);
        }
    }

    #[test]
    fn the_bucket_is_disabled_until_the_first_throttle() {
        let mut limiter = ClientRateLimiter::new(0);
        for i in 0..1_000 {
            assert_eq!(limiter.acquire(i * 1_000_000, RequestKind::TimeoutRetry), 0);
            limiter.update(i * 1_000_000, false);
        }
        assert!(!limiter.is_enabled());
        limiter.update(1_000_000_000, true);
        assert!(limiter.is_enabled());
    }

    /// Capacity 10, cost 5: two permits, then a wait of (cost − tokens) / fill rate; a fourth
    /// request queues behind the third.
    #[test]
    fn a_full_bucket_of_ten_admits_two_retries() {
        let mut limiter = ClientRateLimiter::new(0);
        limiter.enabled = true;
        (limiter.fill_rate_rps, limiter.max_capacity_tokens, limiter.capacity_tokens) =
            (4.0, 10.0, 10.0);
        let now_ns = 3 * SECOND_NS;
        assert_eq!(limiter.acquire(now_ns, RequestKind::Retry), 0);
        assert_eq!(limiter.acquire(now_ns, RequestKind::Retry), 0);
        assert_eq!(limiter.acquire(now_ns, RequestKind::Retry), 1_250_000_000);
        assert_eq!(limiter.acquire(now_ns, RequestKind::Retry), 2_500_000_000);
        // 2.5 s later the debt is paid: a 1-token request waits exactly 1 / 4 s.
        assert_eq!(limiter.acquire(now_ns + 2_500_000_000, RequestKind::Initial), 250_000_000);
    }

    /// A client that would send 200 requests/s against a server admitting 50 per whole second
    /// (the rest are throttled) settles into a CUBIC sawtooth that sends less than 50
    /// requests/s on average and is rarely throttled.
    #[test]
    fn the_send_rate_settles_below_the_server_limit() {
        const LIMIT_PER_S: u32 = 50;
        let mut limiter = ClientRateLimiter::new(0);
        let (mut now_ns, mut window_s, mut admitted) = (0, 0, 0);
        // Over the last 60 s: requests, throttles, seconds, and fill rate at each second.
        let (mut late_requests, mut late_throttles, mut late_seconds) = (0, 0, 0);
        let (mut fill_sum_rps, mut fill_max_rps) = (0.0, 0.0_f64);
        while now_ns < 120 * SECOND_NS {
            now_ns += limiter.acquire(now_ns, RequestKind::Initial);
            let late = now_ns >= 60 * SECOND_NS;
            if now_ns / SECOND_NS != window_s {
                (window_s, admitted) = (now_ns / SECOND_NS, 0);
                if late {
                    late_seconds += 1;
                    fill_sum_rps += limiter.fill_rate_rps();
                }
            }
            let throttled = admitted >= LIMIT_PER_S;
            admitted += u32::from(!throttled);
            limiter.update(now_ns, throttled);
            if late {
                late_requests += 1;
                late_throttles += u32::from(throttled);
                fill_max_rps = fill_max_rps.max(limiter.fill_rate_rps());
            }
            now_ns += 5_000_000;
        }
        let (requests, throttles) = (late_requests, late_throttles);
        assert!((60 * 20..60 * LIMIT_PER_S).contains(&requests), "{requests} requests in 60 s");
        assert!(throttles * 20 < requests, "{throttles} of {requests} requests throttled");
        let fill_mean_rps = fill_sum_rps / f64::from(late_seconds);
        assert!(fill_mean_rps < f64::from(LIMIT_PER_S), "mean fill rate {fill_mean_rps}");
        // CUBIC probes above the limit, but at most to twice the measured rate.
        assert!(fill_max_rps < 2.0 * f64::from(LIMIT_PER_S), "peak fill rate {fill_max_rps}");
    }
}
