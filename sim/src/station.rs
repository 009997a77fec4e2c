//! A service station: `c` identical servers and one FIFO queue, the building block of the
//! HSM pools, and the model that checks the kernel against queueing theory (M/M/1, M/M/c,
//! M/D/1: see the `queueing` tests).

use std::collections::VecDeque;

use crate::rng::SimRng;
use hdrhistogram::Histogram;
use rand_core::Rng as _;

use crate::queue::EventQueue;
use crate::rng::Streams;
use crate::time::SimTime;

/// A distribution of durations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Duration {
    /// Exponential with this mean [ns].
    Exponential {
        /// Mean [ns].
        mean_ns: f64,
    },
    /// Always this long [ns].
    Constant {
        /// Duration [ns].
        ns: u64,
    },
}

impl Duration {
    /// One sample [ns], rounded to the nanosecond.
    pub fn sample(&self, rng: &mut SimRng) -> u64 {
        match *self {
            Self::Exponential { mean_ns } => {
                // Inverse transform on (0, 1]: 53 random bits, never ln(0).
                #[expect(clippy::cast_precision_loss, reason = "53-bit mantissa by construction")]
                let u = ((rng.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64;
                crate::dist::round(-mean_ns * u.ln())
            }
            Self::Constant { ns } => ns,
        }
    }
}

/// What to simulate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StationConfig {
    /// Time between arrivals.
    pub interarrival: Duration,
    /// Service time.
    pub service: Duration,
    /// Servers.
    pub servers: u32,
    /// Customers measured, after the warm-up.
    pub customers: u64,
    /// Customers discarded first, while the queue reaches its steady state.
    pub warmup: u64,
    /// Batches for the batch-means confidence interval.
    pub batches: u32,
}

/// What happened, over the measured customers.
#[derive(Clone, Debug, PartialEq)]
pub struct StationStats {
    /// Mean time in queue [ns].
    pub mean_wait_ns: f64,
    /// Half-width of the 95% confidence interval of the mean wait, by batch means [ns].
    pub wait_ci95_half_width_ns: f64,
    /// Mean time in the system (queue and service) [ns].
    pub mean_response_ns: f64,
    /// 99th percentile of the time in the system [ns].
    pub response_ns_p99: u64,
    /// Time-average number in the system over the measured span (Little's L).
    pub mean_in_system: f64,
    /// Arrival rate over the measured span [customers/ns].
    pub arrival_rate_per_ns: f64,
    /// Events processed.
    pub events: u64,
}

#[derive(Clone, Copy, Debug)]
enum Event {
    Arrival,
    Departure,
}

/// Student's t quantile, 0.975, for `df` degrees of freedom (the batch counts we use).
fn t_975(df: u32) -> f64 {
    match df {
        0..=9 => 2.262,
        10..=19 => 2.093,
        20..=29 => 2.045,
        30..=59 => 2.000,
        _ => 1.96,
    }
}

/// Runs the station for `config` with the master `seed`.
///
/// # Panics
/// If `config` asks for no server or no batch, or a latency overflows the histogram.
#[must_use]
pub fn simulate(config: &StationConfig, seed: u64) -> StationStats {
    assert!(config.servers > 0 && config.batches > 1, "a station needs servers and batches");
    let streams = Streams::new(seed);
    let (mut arrivals, mut services) = (streams.get("arrivals"), streams.get("service"));
    let total = config.warmup + config.customers;
    let mut queue: EventQueue<Event> = EventQueue::with_capacity(1024);
    let mut waiting: VecDeque<(u64, SimTime)> = VecDeque::new();
    let mut free = config.servers;
    let mut arrived = 0u64;
    let mut histogram = Histogram::<u64>::new(3).expect("3 significant digits is valid");
    let per_batch = (config.customers / u64::from(config.batches)).max(1);
    let mut batch_sums = vec![0.0f64; config.batches as usize];
    let (mut wait_sum, mut response_sum) = (0.0f64, 0.0f64);
    // Little's law over the measured span: area under the number-in-system curve.
    let (mut in_system, mut area, mut last_change) = (0u64, 0.0f64, SimTime::ZERO);
    let (mut measure_from, mut measure_to): (Option<SimTime>, SimTime) = (None, SimTime::ZERO);
    let mut measured_arrivals = 0u64;
    let mut events = 0u64;

    queue.schedule(SimTime::ZERO, Event::Arrival);
    // Starts service for customer `index`, who arrived at `arrived_at`, at `now`.
    let mut start = |index: u64,
                     arrived_at: SimTime,
                     now: SimTime,
                     queue: &mut EventQueue<Event>,
                     services: &mut SimRng| {
        let service = config.service.sample(services);
        queue.schedule(now.plus_nanos(service), Event::Departure);
        if index >= config.warmup {
            let measured = index - config.warmup;
            #[expect(clippy::cast_precision_loss, reason = "waits are far below 2^53 ns")]
            let wait = now.nanos_since(arrived_at) as f64;
            wait_sum += wait;
            #[expect(clippy::cast_precision_loss, reason = "as above")]
            let response = wait + service as f64;
            response_sum += response;
            histogram
                .record(now.nanos_since(arrived_at) + service)
                .expect("latencies fit the histogram");
            let batch = usize::try_from(measured / per_batch).unwrap_or(usize::MAX);
            if let Some(sum) = batch_sums.get_mut(batch) {
                *sum += wait;
            }
        }
    };
    while let Some((now, event)) = queue.pop() {
        events += 1;
        // The measured span runs from the first measured arrival to the last arrival.
        if measure_from.is_some() && arrived < total {
            #[expect(clippy::cast_precision_loss, reason = "counts and spans far below 2^53")]
            let slice = in_system as f64 * now.nanos_since(last_change) as f64;
            area += slice;
        }
        last_change = now;
        match event {
            Event::Arrival => {
                let index = arrived;
                arrived += 1;
                if index == config.warmup {
                    measure_from = Some(now);
                }
                if index >= config.warmup && index < total {
                    measured_arrivals += 1;
                }
                if arrived < total {
                    queue.schedule(
                        now.plus_nanos(config.interarrival.sample(&mut arrivals)),
                        Event::Arrival,
                    );
                } else {
                    measure_to = now;
                }
                in_system += 1;
                if free > 0 {
                    free -= 1;
                    start(index, now, now, &mut queue, &mut services);
                } else {
                    waiting.push_back((index, now));
                }
            }
            Event::Departure => {
                in_system -= 1;
                if let Some((index, arrived_at)) = waiting.pop_front() {
                    start(index, arrived_at, now, &mut queue, &mut services);
                } else {
                    free += 1;
                }
            }
        }
    }
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^53")]
    let n = config.customers as f64;
    #[expect(clippy::cast_precision_loss, reason = "as above")]
    let batch_means: Vec<f64> = batch_sums.iter().map(|s| s / per_batch as f64).collect();
    #[expect(clippy::cast_precision_loss, reason = "small")]
    let b = batch_means.len() as f64;
    let grand = batch_means.iter().sum::<f64>() / b;
    let variance = batch_means.iter().map(|m| (m - grand).powi(2)).sum::<f64>() / (b - 1.0);
    let span = measure_to.nanos_since(measure_from.unwrap_or(SimTime::ZERO));
    #[expect(clippy::cast_precision_loss, reason = "spans far below 2^53 ns")]
    let span = span as f64;
    StationStats {
        mean_wait_ns: wait_sum / n,
        wait_ci95_half_width_ns: t_975(config.batches - 1) * (variance / b).sqrt(),
        mean_response_ns: response_sum / n,
        response_ns_p99: histogram.value_at_quantile(0.99),
        mean_in_system: if span > 0.0 { area / span } else { 0.0 },
        #[expect(clippy::cast_precision_loss, reason = "counts far below 2^53")]
        arrival_rate_per_ns: if span > 0.0 {
            measured_arrivals.saturating_sub(1) as f64 / span
        } else {
            0.0
        },
        events,
    }
}
