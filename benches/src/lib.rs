//! What the criterion benches (the `main` bench target) and `kmsim-bench`'s gate workloads
//! share, so the two measure the same models.

use sim::station::{Duration, StationConfig};

/// The M/M/1 micro-model of `sim/events/mm1`: one server at utilisation 0.8 (1 ms mean
/// service), `customers` customers, no warm-up.
#[must_use]
pub fn mm1_station(customers: u64) -> StationConfig {
    StationConfig {
        interarrival: Duration::Exponential { mean_ns: 1_000_000.0 / 0.8 },
        service: Duration::Exponential { mean_ns: 1_000_000.0 },
        servers: 1,
        customers,
        warmup: 0,
        batches: 10,
    }
}
