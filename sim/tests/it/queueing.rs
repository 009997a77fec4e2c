//! The kernel against queueing theory: M/M/1, M/M/c (Erlang C) and M/D/1 mean waits within
//! the simulation's 95% confidence interval and 2% of the closed form; the M/M/1 response
//! time's p99; Little's law on the station's own counters.

use sim::station::{Duration, StationConfig, StationStats, simulate};

/// Mean service time [ns]: 1 ms, so μ = 1 per ms.
const SERVICE_MEAN_NS: f64 = 1_000_000.0;

fn config(rho: f64, servers: u32, service: Duration, customers: u64) -> StationConfig {
    let interarrival_mean = SERVICE_MEAN_NS / (rho * f64::from(servers));
    StationConfig {
        interarrival: Duration::Exponential { mean_ns: interarrival_mean },
        service,
        servers,
        customers,
        warmup: customers / 20,
        batches: 20,
    }
}

/// Erlang C: the probability that an arrival waits, for `c` servers at offered load `a`.
fn erlang_c(c: u32, a: f64) -> f64 {
    let rho = a / f64::from(c);
    let mut term = 1.0; // a^k / k!
    let mut sum = 1.0;
    for k in 1..c {
        term *= a / f64::from(k);
        sum += term;
    }
    let last = term * a / f64::from(c) / (1.0 - rho);
    last / (sum + last)
}

#[track_caller]
fn check_wait(what: &str, stats: &StationStats, theory_ns: f64) {
    let error = (stats.mean_wait_ns - theory_ns).abs();
    assert!(
        error <= stats.wait_ci95_half_width_ns,
        "{what}: mean wait {:.0} ns, theory {theory_ns:.0} ns, outside the 95% CI ±{:.0} ns",
        stats.mean_wait_ns,
        stats.wait_ci95_half_width_ns
    );
    assert!(error / theory_ns < 0.02, "{what}: relative error {:.4} ≥ 2%", error / theory_ns);
    // Little's law on the station's own counters: L = λ W.
    let little = stats.arrival_rate_per_ns * stats.mean_response_ns;
    assert!(
        (stats.mean_in_system - little).abs() / little < 0.02,
        "{what}: L = {:.4}, λW = {little:.4}",
        stats.mean_in_system
    );
}

#[test]
fn mm1_matches_theory() {
    for (rho, customers, seed) in [(0.5, 1_000_000, 1), (0.8, 3_000_000, 2), (0.9, 8_000_000, 3)] {
        let service = Duration::Exponential { mean_ns: SERVICE_MEAN_NS };
        let stats = simulate(&config(rho, 1, service, customers), seed);
        let mu = 1.0 / SERVICE_MEAN_NS;
        let lambda = rho * mu;
        check_wait(&format!("M/M/1 rho={rho}"), &stats, rho / (mu - lambda));
        // Response time is exponential with rate μ − λ: p99 = ln(100)/(μ − λ).
        let p99 = 100f64.ln() / (mu - lambda);
        #[expect(clippy::cast_precision_loss, reason = "latencies far below 2^53 ns")]
        let relative = (stats.response_ns_p99 as f64 - p99).abs() / p99;
        assert!(
            relative < 0.03,
            "M/M/1 rho={rho}: p99 {} ns vs {p99:.0} ns",
            stats.response_ns_p99
        );
    }
}

#[test]
fn mmc_matches_erlang_c() {
    for (servers, rho, seed) in [(2, 0.8, 4), (4, 0.8, 5), (10, 0.9, 6)] {
        let service = Duration::Exponential { mean_ns: SERVICE_MEAN_NS };
        let stats = simulate(&config(rho, servers, service, 3_000_000), seed);
        let mu = 1.0 / SERVICE_MEAN_NS;
        let a = rho * f64::from(servers);
        let theory = erlang_c(servers, a) / (f64::from(servers) * mu - a * mu);
        check_wait(&format!("M/M/{servers} rho={rho}"), &stats, theory);
    }
}

#[test]
fn md1_matches_pollaczek_khinchine() {
    let service = Duration::Constant { ns: 1_000_000 };
    let rho = 0.8;
    let stats = simulate(&config(rho, 1, service, 2_000_000), 7);
    let mu = 1.0 / SERVICE_MEAN_NS;
    check_wait("M/D/1 rho=0.8", &stats, rho / (2.0 * mu * (1.0 - rho)));
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let service = Duration::Exponential { mean_ns: SERVICE_MEAN_NS };
    let a = simulate(&config(0.7, 2, service, 50_000), 42);
    assert_eq!(a, simulate(&config(0.7, 2, service, 50_000), 42));
    assert_ne!(a.mean_wait_ns, simulate(&config(0.7, 2, service, 50_000), 43).mean_wait_ns);
}
