//! The simulator end to end: determinism, AZ failure, replication lag, envelope caching,
//! the adaptive client under throttling.

use engine::Region;
use sim::dist::Dist;
use sim::retry::RetryConfig;
use sim::scenario::*;
use sim::{Report, Scenario, Simulation};

const S: u64 = SECOND_NS;
const MS: u64 = MILLISECOND_NS;
const EAST: Region = Region::US_EAST_1;
const WEST: Region = Region::US_WEST_2;

fn mixed(seconds: u64) -> Scenario {
    let mut scenario = Scenario::new("mixed", World::standard(&[EAST], 4), seconds * S);
    scenario.keys.push(KeyGroup::symmetric("app", 20, EAST));
    let mut web = Workload::poisson("web", EAST, "app", 2_000.0).with_mix(&[
        (OpKind::Encrypt, 4),
        (OpKind::Decrypt, 4),
        (OpKind::GenerateDataKey, 1),
        (OpKind::ReEncrypt, 1),
    ]);
    web.context_tenants = 8;
    web.key_choice = KeyChoice::Zipf { exponent: 1.1 };
    scenario.workloads.push(web);
    scenario
}

fn json(report: &Report) -> String {
    serde_json::to_string(report).unwrap()
}

#[test]
fn same_scenario_and_seed_give_byte_identical_results() {
    let first = json(&Simulation::new(mixed(5), 7).unwrap().run());
    let second = json(&Simulation::new(mixed(5), 7).unwrap().run());
    assert_eq!(first, second);
    let other = json(&Simulation::new(mixed(5), 8).unwrap().run());
    assert_ne!(first, other);
    // The real work happened: every request answered, decrypts checked against their
    // plaintexts inside the run.
    let report = Simulation::new(mixed(5), 7).unwrap().run();
    assert_eq!(report.counters.completed, report.counters.requests);
    assert_eq!(report.counters.ok, report.counters.requests);
    let decrypts: u64 =
        report.latency.iter().filter(|r| r.operation == "Decrypt").map(|r| r.count).sum();
    assert!(decrypts > 3_000, "{decrypts}");
    // Five events per request (arrival, front door, AZ, end of service, reply): the
    // attempts' timeout deadlines wait in a FIFO and cost no event each once answered.
    let events_per_request = report.counters.events as f64 / report.counters.requests as f64;
    assert!(events_per_request < 5.05, "{events_per_request} events per request");
}

#[test]
fn step_until_pauses_and_resumes_without_changing_the_outcome() {
    let mut stepped = Simulation::new(mixed(3), 11).unwrap();
    for second in 1..=20 {
        stepped.step_until(sim::time::SimTime::from_secs(second));
        assert!(stepped.now() <= sim::time::SimTime::from_secs(second));
    }
    stepped.step_until(sim::time::SimTime(u64::MAX));
    assert!(stepped.is_finished());
    assert_eq!(json(&stepped.report()), json(&Simulation::new(mixed(3), 11).unwrap().run()));
}

/// One Region, three AZs of `hsms_per_az` HSMs with a bounded queue, 5,000 requests/s, and
/// us-east-1a lost at 20 s of 60.
fn az_loss(hsms_per_az: u32) -> Report {
    let mut world = World::standard(&[EAST], hsms_per_az);
    for az in &mut world.regions[0].azs {
        az.queue_limit = Some(64);
    }
    world.regions[0].detection_delay_ns = 2 * S;
    let mut scenario = Scenario::new("az-failure", world, 60 * S);
    scenario.provider = engine::crypto::ProviderKind::InsecureModelling;
    scenario.client.attempt_timeout_ns = S;
    scenario.keys.push(KeyGroup::symmetric("app", 10, EAST));
    // A fleet of 100 processes, 50 requests/s each, each with its own retry quota.
    let mut web = Workload::poisson("web", EAST, "app", 5_000.0)
        .with_mix(&[(OpKind::Encrypt, 1), (OpKind::Decrypt, 1)]);
    web.sdk_clients = 100;
    scenario.workloads.push(web);
    scenario.faults.push(Fault {
        start_ns: 20 * S,
        end_ns: u64::MAX,
        kind: FaultKind::AzDown { region: EAST, az: "us-east-1a".to_owned() },
    });
    Simulation::new(scenario, 42).unwrap().run()
}

/// The worst per-second p99 latency after the load balancer drained the lost AZ and the
/// attempts it swallowed timed out and retried [µs].
fn p99_after_failover_us(report: &Report) -> u64 {
    report
        .time_series
        .iter()
        .filter(|row| row.start_ns >= 30 * S && row.start_ns < 60 * S)
        .map(|row| row.latency_us_p99)
        .max()
        .unwrap()
}

#[test]
fn losing_an_az_is_absorbed_when_statically_stable_and_hurts_when_not() {
    // A symmetric call holds an HSM 1.19 ms on average (lognormal, median 1 ms, p99 4 ms):
    // one HSM serves ~840/s. 5 per AZ keep two AZs at 60% busy; 3 per AZ put two AZs at
    // 99%, the edge of saturation.
    let stable = az_loss(5);
    let under = az_loss(3);
    for report in [&stable, &under] {
        assert!(report.counters.dropped_by_az_loss > 0, "the AZ loss swallowed requests");
        assert!(report.counters.timeouts > 0 && report.counters.retries > 0);
    }
    let error_rate =
        |r: &Report| (r.counters.completed - r.counters.ok) as f64 / r.counters.completed as f64;
    assert!(error_rate(&stable) < 0.001, "errors after retries {}", error_rate(&stable));
    assert!(p99_after_failover_us(&stable) < 50_000, "p99 {} µs", p99_after_failover_us(&stable));
    // Under-provisioned: the surviving AZs queue, fill, throttle, and clients retry.
    assert!(under.counters.throttles > 1_000, "throttles {}", under.counters.throttles);
    assert!(under.counters.retries > 2 * stable.counters.retries);
    let peak_queue = under.time_series.iter().map(|row| row.queue_length).max().unwrap();
    assert!(peak_queue > 50, "queue {peak_queue}");
    assert!(p99_after_failover_us(&under) > 10 * p99_after_failover_us(&stable));
    // Before the failure both were healthy.
    for report in [&stable, &under] {
        let early = report.time_series.iter().filter(|row| row.start_ns < 19 * S);
        assert!(early.clone().all(|row| row.throttles == 0 && row.timeouts == 0));
    }
}

#[test]
fn replica_decrypts_of_new_ciphertexts_fail_until_the_rotated_material_arrives() {
    const KEYS: u32 = 40;
    let mut world = World::standard(&[EAST, WEST], 4);
    world.inter_region.push(RegionLink { a: EAST, b: WEST, one_way: Dist::constant(40 * MS) });
    world.replication_delay = Dist::exponential_ms(1_000.0);
    let mut scenario = Scenario::new("replication-lag", world, 60 * S);
    scenario.keys.push(KeyGroup::symmetric("mrk", KEYS, EAST).with_replicas(&[WEST]));
    let rate_per_key = 20.0;
    scenario.workloads.push(Workload::poisson(
        "writer",
        EAST,
        "mrk",
        rate_per_key * f64::from(KEYS),
    ));
    scenario.workloads.push(
        Workload::poisson("reader", WEST, "mrk", rate_per_key * f64::from(KEYS))
            .with_mix(&[(OpKind::Decrypt, 1)]),
    );
    scenario.actions.push(Action {
        at_ns: 20 * S,
        kind: ActionKind::RotateOnDemand { keys: "mrk".to_owned() },
    });
    let report = Simulation::new(scenario, 5).unwrap().run();
    assert_eq!(report.counters.action_errors, 0);
    assert_eq!(report.usage.rotations.get("us-east-1"), Some(&u64::from(KEYS)));

    // The rotations' trips east → west, and when each arrived.
    let rotations: Vec<_> = report
        .replication
        .iter()
        .filter(|t| t.source_region == "us-east-1" && t.sent_ns >= 20 * S)
        .collect();
    assert_eq!(rotations.len(), KEYS as usize);
    let lags_s: Vec<f64> =
        rotations.iter().map(|t| (t.delivered_ns - t.sent_ns) as f64 / 1e9).collect();
    let mean_lag_s = lags_s.iter().sum::<f64>() / lags_s.len() as f64;
    // The lag is the 40 ms link plus an exponential with mean 1 s: mean 1.04 s, standard
    // error 1/√40 = 0.16 s.
    assert!((mean_lag_s - 1.04).abs() < 3.0 * 0.16, "mean lag {mean_lag_s}");

    // Failures: a reader's Decrypt of a ciphertext under the new material, before the
    // material arrived. Per key the window opens when the first new ciphertext is pooled
    // (the next Encrypt after the rotation, mean 1/20 s, plus its round trip, ~10 ms) and
    // closes at delivery; a reader's request reaches the west endpoint ~5 ms after it
    // leaves. Expected: 20/s × Σ (lag − 0.06 s).
    let expected: f64 = lags_s.iter().map(|lag| rate_per_key * (lag - 0.06).max(0.0)).sum();
    let failures = report.counters.replica_decrypt_failures as f64;
    assert!(failures > 100.0, "{failures}");
    assert!(
        (failures / expected - 1.0).abs() < 0.15,
        "{failures} failures, expected {expected:.0}"
    );
    // They stop once the last material arrived, and never happened before the rotation.
    let last = rotations.iter().map(|t| t.delivered_ns).max().unwrap();
    for row in report.time_series.iter().filter(|row| row.region == "us-west-2") {
        let failed = row.errors.get("InvalidCiphertextException").copied().unwrap_or(0);
        if row.start_ns < 20 * S || row.start_ns > last + S {
            assert_eq!(failed, 0, "at {} s", row.start_ns / S);
        }
    }
}

#[test]
fn a_data_key_cache_saves_kms_calls_as_configured() {
    let mut scenario = Scenario::new("envelope", World::standard(&[EAST], 4), 300 * S);
    scenario.keys.push(KeyGroup::symmetric("bucket", 1, EAST));
    let mut uploads = Workload::poisson("uploads", EAST, "bucket", 10.0)
        .with_mix(&[(OpKind::EnvelopeEncrypt, 1)]);
    uploads.payload_bytes = Dist::constant(64 * 1024);
    // At most 100 objects per data key: one GenerateDataKey per 100 objects.
    uploads.data_key_cache =
        Some(DataKeyCache { max_age_ns: 300 * S, max_messages: 100, max_bytes: u64::MAX });
    scenario.workloads.push(uploads);
    let report = Simulation::new(scenario, 3).unwrap().run();
    let calls = report.usage.requests["111122223333"]["us-east-1"]["GenerateDataKey"];
    let objects = report.counters.requests;
    assert_eq!(report.counters.cache_hits + calls, objects);
    // As in the Encryption SDK, an object that arrives while a refresh is in flight misses
    // too (~8% of refreshes at 10/s and ~8 ms per call), so slightly more than one call
    // per 100 objects.
    let per_call = objects as f64 / calls as f64;
    assert!((80.0..=100.0).contains(&per_call), "{per_call} objects per call");
}

#[test]
fn bursts_over_quota_throttle_and_adaptive_clients_back_off() {
    let run = |retry: RetryMode| {
        let mut world = World::standard(&[Region::from_static("eu-north-1")], 8);
        world.regions[0].quotas = engine::quota::QuotaConfig::default().with_rate(
            engine::quota::QuotaClass::CryptoSymmetric,
            engine::quota::RequestRate::per_second(1_000),
        );
        let mut scenario = Scenario::new("bursts", world, 30 * S);
        scenario.client.retry = retry;
        scenario.keys.push(KeyGroup::symmetric("app", 5, world_region()));
        let mut bursty = Workload::poisson("batch", world_region(), "app", 0.0);
        bursty.arrivals = Arrivals::Bursts {
            base_per_s: 200.0,
            burst_per_s: 3_000.0,
            period_ns: 10 * S,
            length_ns: 3 * S,
            first_at_ns: 5 * S,
        };
        scenario.workloads.push(bursty);
        Simulation::new(scenario, 9).unwrap().run()
    };
    let standard = run(RetryMode::Standard(RetryConfig::standard()));
    let adaptive = run(RetryMode::Adaptive(RetryConfig::standard()));
    assert!(standard.counters.throttles > 1_000, "{}", standard.counters.throttles);
    // The adaptive client limits its own send rate after the first throttles, so the
    // service sees fewer over-quota attempts.
    assert!(
        adaptive.counters.throttles < standard.counters.throttles / 2,
        "adaptive {} vs standard {}",
        adaptive.counters.throttles,
        standard.counters.throttles
    );
}

fn world_region() -> Region {
    Region::from_static("eu-north-1")
}

/// Multi-Region keys in us-east-1 (primary) and us-west-2, a client fleet in us-east-1.
fn two_regions(seconds: u64, failover: bool) -> Scenario {
    let mut scenario =
        Scenario::new("multi-region", World::standard(&[EAST, WEST], 4), seconds * S);
    scenario.client.failover = failover;
    scenario.client.attempt_timeout_ns = 2 * S;
    scenario.keys.push(KeyGroup::symmetric("mrk", 10, EAST).with_replicas(&[WEST]));
    let mut app = Workload::poisson("app", EAST, "mrk", 500.0)
        .with_mix(&[(OpKind::Encrypt, 1), (OpKind::Decrypt, 1)]);
    app.sdk_clients = 20;
    scenario.workloads.push(app);
    scenario
}

#[test]
fn clients_fail_over_to_the_replica_region_when_the_primary_is_lost() {
    let outage = |scenario: &mut Scenario| {
        scenario.faults.push(Fault {
            start_ns: 10 * S,
            end_ns: 20 * S,
            kind: FaultKind::RegionDown { region: EAST },
        });
    };
    let mut with = two_regions(30, true);
    outage(&mut with);
    let mut without = two_regions(30, false);
    outage(&mut without);
    let (with, without) =
        (Simulation::new(with, 1).unwrap().run(), Simulation::new(without, 1).unwrap().run());
    let served_west = |r: &Report| {
        r.latency
            .iter()
            .filter(|row| row.region == "us-west-2" && row.outcome == "OK")
            .map(|row| row.count)
            .sum::<u64>()
    };
    assert!(with.counters.failovers > 1_000, "{}", with.counters.failovers);
    assert!(served_west(&with) > 1_000);
    assert_eq!((without.counters.failovers, served_west(&without)), (0, 0));
    let failed = |r: &Report| r.counters.completed - r.counters.ok;
    // Without failover the outage's requests fail once their retries run out (connection
    // errors, then the retry quota); with it, they succeed in us-west-2.
    assert!(failed(&without) > 2_000, "{}", failed(&without));
    assert!(failed(&with) < failed(&without) / 20, "{} vs {}", failed(&with), failed(&without));
}

#[test]
fn a_partition_holds_replication_and_replicas_converge_when_it_heals() {
    let mut scenario = two_regions(40, false);
    scenario.workloads.push(
        Workload::poisson("west-reader", WEST, "mrk", 200.0).with_mix(&[(OpKind::Decrypt, 1)]),
    );
    scenario.faults.push(Fault {
        start_ns: 10 * S,
        end_ns: 30 * S,
        kind: FaultKind::Partition { a: EAST, b: WEST },
    });
    scenario.actions.push(Action {
        at_ns: 15 * S,
        kind: ActionKind::RotateOnDemand { keys: "mrk".to_owned() },
    });
    // The run's end-of-run invariant checks that every replica decrypts what its primary
    // encrypts now, so reaching the report means the replicas converged.
    let report = Simulation::new(scenario, 2).unwrap().run();
    let rotations: Vec<_> = report.replication.iter().filter(|t| t.sent_ns >= 15 * S).collect();
    assert_eq!(rotations.len(), 10);
    assert!(rotations.iter().all(|t| t.delivered_ns >= 30 * S), "held until the partition healed");
    assert!(
        report.counters.replica_decrypt_failures > 100,
        "{}",
        report.counters.replica_decrypt_failures
    );
}

#[test]
fn gray_and_degraded_azs_cost_latency_and_retries_but_not_errors() {
    let run = |fault: Option<FaultKind>| {
        let mut scenario = Scenario::new("gray", World::standard(&[EAST], 3), 30 * S);
        scenario.keys.push(KeyGroup::symmetric("app", 5, EAST));
        let mut app = Workload::poisson("app", EAST, "app", 1_000.0);
        app.sdk_clients = 10;
        scenario.workloads.push(app);
        if let Some(kind) = fault {
            scenario.faults.push(Fault { start_ns: 10 * S, end_ns: 20 * S, kind });
        }
        Simulation::new(scenario, 4).unwrap().run()
    };
    let healthy = run(None);
    let gray = run(Some(FaultKind::GrayAz {
        region: EAST,
        az: "us-east-1b".to_owned(),
        extra_latency: Dist::constant(20 * MS),
        error_ppm: 100_000,
    }));
    let degraded = run(Some(FaultKind::HsmDegraded {
        region: EAST,
        az: "us-east-1c".to_owned(),
        slowdown_permille: 3_000,
    }));
    assert_eq!(healthy.counters.retries, 0);
    // The gray AZ holds each request 20 ms longer, so the least-loaded routing sends it
    // fewer requests; a tenth of those fail and are retried, and a retry fails again with
    // probability ~1/30 at most, so hardly any request runs out of attempts.
    let arrivals = |r: &Report, az: &str| r.little.iter().find(|l| l.az == az).unwrap().arrivals;
    assert!(arrivals(&gray, "us-east-1b") < arrivals(&gray, "us-east-1a") * 9 / 10);
    assert!(gray.counters.retries > 30, "{}", gray.counters.retries);
    assert!(gray.counters.completed - gray.counters.ok < 3);
    let p99 = |r: &Report| {
        r.time_series
            .iter()
            .filter(|row| (11 * S..19 * S).contains(&row.start_ns))
            .map(|row| row.latency_us_p99)
            .max()
            .unwrap()
    };
    assert!(p99(&gray) > p99(&healthy) + 15_000, "{} vs {}", p99(&gray), p99(&healthy));
    let utilisation = |r: &Report| {
        r.time_series
            .iter()
            .filter(|row| (11 * S..19 * S).contains(&row.start_ns))
            .map(|row| row.hsm_utilisation_permille)
            .sum::<u64>()
    };
    assert!(
        utilisation(&degraded) > utilisation(&healthy) * 5 / 4,
        "{} vs {}",
        utilisation(&degraded),
        utilisation(&healthy)
    );
    assert_eq!(degraded.counters.completed, degraded.counters.ok);
}

#[test]
fn inconsistent_scenarios_are_refused_with_what_is_wrong() {
    let refused = |edit: &dyn Fn(&mut Scenario)| {
        let mut scenario = mixed(1);
        edit(&mut scenario);
        Simulation::new(scenario, 1).unwrap_err().message
    };
    let message = refused(&|s| s.workloads[0].keys = "nope".to_owned());
    assert_eq!(message, "workload web: no key group nope");
    let message = refused(&|s| s.keys[0].replicas = vec![WEST]);
    assert!(message.contains("Region us-west-2 is not in the world"), "{message}");
    let message = refused(&|s| s.workloads[0].mix = vec![(OpKind::GenerateMac, 1)]);
    assert!(message.contains("GenerateMac needs an HMAC key"), "{message}");
    let message = refused(&|s| s.world.regions[0].client_latency = Dist::lognormal_ms(5.0, 1.0));
    assert!(message.contains("client_latency") && message.contains("p99"), "{message}");
    let message = refused(&|s| s.world.regions[0].azs[1].hsms = 0);
    assert_eq!(message, "AZ us-east-1b has no HSM");
    // Key pairs: a usage is required, one the spec allows, and operations must fit.
    let pair = |s: &mut Scenario| s.keys[0].spec = engine::spec::KeySpec::EccNistP256;
    let message = refused(&|s| pair(s));
    assert!(message.contains("a key pair needs a usage"), "{message}");
    let message = refused(&|s| {
        pair(s);
        s.keys[0].usage = Some(engine::spec::KeyUsage::EncryptDecrypt);
    });
    assert_eq!(
        message,
        "key group app: usage ENCRYPT_DECRYPT is not allowed for ECC_NIST_P256: expected SIGN_VERIFY or KEY_AGREEMENT"
    );
    let message = refused(&|s| {
        pair(s);
        s.keys[0].usage = Some(engine::spec::KeyUsage::KeyAgreement);
    });
    assert_eq!(
        message,
        "workload web: Encrypt needs a SYMMETRIC_DEFAULT key or an ENCRYPT_DECRYPT key pair, and key group app has ECC_NIST_P256 KEY_AGREEMENT keys"
    );
    // GenerateDataKeyPair needs the pair's spec.
    let message = refused(&|s| s.workloads[0].mix = vec![(OpKind::GenerateDataKeyPair, 1)]);
    assert_eq!(message, "workload web: GenerateDataKeyPair needs the workload's key_pair_spec");
    let message = refused(&|s| {
        pair(s);
        s.keys[0].usage = Some(engine::spec::KeyUsage::SignVerify);
    });
    assert_eq!(
        message,
        "workload web: Encrypt needs a SYMMETRIC_DEFAULT key or an ENCRYPT_DECRYPT key pair, and key group app has ECC_NIST_P256 SIGN_VERIFY keys"
    );
    let message = refused(&|s| s.workloads[0].mix = vec![(OpKind::Sign, 1)]);
    assert!(message.contains("Sign needs a SIGN_VERIFY key pair"), "{message}");
}

// ----- key pairs: signing capacity, service times per key spec, price classes -----

/// One Region of three AZs with `hsms_per_az` HSMs each, ten SIGN_VERIFY keys of `spec` on
/// the modelling provider (this branch's real providers have no key pairs yet), and a
/// Poisson stream of Sign at `rate_per_s` for `seconds`. No retries and a 10-minute attempt
/// timeout, so every request is answered once and counted where it completes; the RSA and
/// ECC quotas raised far above the load unless `quota_per_s` says otherwise.
fn signing(
    spec: engine::spec::KeySpec,
    hsms_per_az: u32,
    rate_per_s: f64,
    seconds: u64,
    quota_per_s: Option<u64>,
) -> Scenario {
    use engine::quota::{QuotaClass, QuotaConfig, RequestRate};
    let mut world = World::standard(&[EAST], hsms_per_az);
    let quota = RequestRate::per_second(quota_per_s.unwrap_or(1_000_000));
    world.regions[0].quotas = QuotaConfig::default()
        .with_rate(QuotaClass::CryptoEcc, quota)
        .with_rate(QuotaClass::CryptoRsa, quota);
    let mut scenario = Scenario::new("signing", world, seconds * S);
    scenario.provider = engine::crypto::ProviderKind::InsecureModelling;
    scenario.client.retry = RetryMode::Off;
    scenario.client.attempt_timeout_ns = 600 * S;
    scenario.keys.push(KeyGroup::key_pair(
        "signers",
        10,
        EAST,
        spec,
        engine::spec::KeyUsage::SignVerify,
    ));
    let mut issuer =
        Workload::poisson("issuer", EAST, "signers", rate_per_s).with_mix(&[(OpKind::Sign, 1)]);
    issuer.payload_bytes = Dist::constant(512);
    issuer.sdk_clients = 10;
    scenario.workloads.push(issuer);
    scenario
}

/// What a run sustained from `from_s` to the end of its workload: successes per second, and
/// the mean HSM utilisation [‰].
fn sustained(report: &Report, from_s: u64) -> (f64, f64) {
    let rows: Vec<_> = report
        .time_series
        .iter()
        .filter(|row| row.start_ns >= from_s * S && row.start_ns < report.duration_ns)
        .collect();
    let n = rows.len() as f64;
    let ok = rows.iter().map(|row| row.ok).sum::<u64>() as f64 / n;
    let busy = rows.iter().map(|row| row.hsm_utilisation_permille).sum::<u64>() as f64 / n;
    (ok, busy)
}

#[track_caller]
fn within(what: &str, measured: f64, expected: f64, tolerance: f64) {
    let error = (measured - expected).abs() / expected;
    assert!(
        error <= tolerance,
        "{what}: {measured:.1} vs {expected:.1}, off by {:.2}% > {:.0}%",
        error * 100.0,
        tolerance * 100.0
    );
}

#[test]
fn a_signing_workload_saturates_at_the_hsms_capacity_from_its_service_time() {
    use engine::api::Operation;
    use engine::spec::KeySpec;
    // c = 2 HSMs in each of 3 AZs, Sign holding an HSM S = 2 ms: capacity c·AZs/S = 3,000/s.
    const HSMS: u32 = 2;
    const AZS: f64 = 3.0;
    let service_s = 0.002;
    let capacity = f64::from(HSMS) * AZS / service_s;
    for (name, service) in [
        ("deterministic", Dist::constant(2 * MS)),
        ("exponential", Dist::exponential_ms(service_s * 1e3)),
    ] {
        let run = |rate: f64| {
            let mut scenario = signing(KeySpec::EccNistP256, HSMS, rate, 12, None);
            scenario.world.regions[0].service_times.set(Operation::Sign, service.clone());
            Simulation::new(scenario, 3).unwrap().run()
        };
        // Offered 1.5 × capacity: the HSMs bind, not the quota (nothing throttled), and
        // throughput is the capacity within 3%.
        let over = run(1.5 * capacity);
        let (throughput, busy) = sustained(&over, 2);
        within(&format!("{name}: saturated Sign/s"), throughput, capacity, 0.03);
        assert!(busy >= 990.0, "{name}: HSMs {busy}‰ busy at saturation");
        assert_eq!(over.counters.throttles, 0, "{name}: the quota does not bind");
        let backlog = over.time_series.iter().map(|row| row.queue_length).max().unwrap();
        assert!(backlog > 1_000, "{name}: the AZ queues grow, {backlog}");
        assert_eq!(over.counters.ok, over.counters.requests, "{name}: the backlog drains");
        // Offered 0.8 × capacity: everything completes, at the offered rate, the HSMs 80%
        // busy.
        let under = run(0.8 * capacity);
        assert_eq!(under.counters.ok, under.counters.requests, "{name}");
        assert_eq!(under.counters.throttles + under.counters.timeouts, 0, "{name}");
        let (throughput, busy) = sustained(&under, 2);
        within(&format!("{name}: Sign/s below capacity"), throughput, 0.8 * capacity, 0.03);
        within(&format!("{name}: utilisation below capacity"), busy, 800.0, 0.03);
    }
}

#[test]
fn default_sign_service_times_depend_on_the_key_spec_and_set_the_capacity() {
    use engine::api::Operation;
    use engine::spec::KeySpec;
    let defaults = ServiceTimes::default();
    let mean_s = |spec| defaults.of_key_spec(Operation::Sign, spec).mean() / 1e9;
    // The measured costs on top of the HSM overhead: RSA_4096 signatures cost milliseconds,
    // three times RSA_2048's; P-256 adds tens of microseconds.
    assert!(mean_s(KeySpec::Rsa4096) > 3.0 * mean_s(KeySpec::Rsa2048));
    assert!(mean_s(KeySpec::EccNistP256) < mean_s(KeySpec::Rsa2048));
    assert!(mean_s(KeySpec::Rsa4096) > 0.005, "{}", mean_s(KeySpec::Rsa4096));
    // With the default (lognormal) times, one HSM per AZ saturates at 3/mean.
    for spec in [KeySpec::Rsa4096, KeySpec::EccNistP256] {
        let capacity = 3.0 / mean_s(spec);
        let report = Simulation::new(signing(spec, 1, 1.5 * capacity, 12, None), 5).unwrap().run();
        let (throughput, busy) = sustained(&report, 2);
        within(&format!("{spec}: saturated Sign/s"), throughput, capacity, 0.03);
        assert!(busy >= 990.0, "{spec}: {busy}‰");
        assert_eq!(report.counters.throttles, 0, "{spec}");
    }
}

#[test]
fn below_hsm_capacity_the_ecc_quota_binds_a_signing_workload() {
    use engine::spec::KeySpec;
    // 1,500 signatures/s offered, 3,000/s of HSMs, the ECC quota at its default 1,000/s.
    let mut scenario = signing(KeySpec::EccNistP256, 2, 1_500.0, 12, Some(1_000));
    scenario.world.regions[0]
        .service_times
        .set(engine::api::Operation::Sign, Dist::constant(2 * MS));
    let report = Simulation::new(scenario, 8).unwrap().run();
    let (throughput, busy) = sustained(&report, 2);
    within("Sign/s under the ECC quota", throughput, 1_000.0, 0.03);
    assert!(busy < 400.0, "the HSMs do not bind: {busy}‰");
    assert!(report.counters.throttles > 4_000, "{}", report.counters.throttles);
    assert_eq!(report.counters.ok + report.counters.throttles, report.counters.requests);
}

#[test]
fn signatures_verify_and_are_billed_by_the_signing_keys_price_class() {
    use engine::spec::KeySpec;
    use sim::pricing::RequestClass;
    let mut scenario = signing(KeySpec::Rsa2048, 2, 100.0, 10, None);
    scenario.keys[0].tags = vec![("app".into(), "code".into())];
    let mut tokens = KeyGroup::key_pair(
        "tokens",
        3,
        EAST,
        KeySpec::EccNistP256,
        engine::spec::KeyUsage::SignVerify,
    );
    tokens.tags = vec![("app".into(), "jwt".into())];
    scenario.keys.push(tokens);
    scenario.workloads[0].mix =
        vec![(OpKind::Sign, 3), (OpKind::Verify, 1), (OpKind::GetPublicKey, 1)];
    scenario.workloads.push(Workload::poisson("jwt", EAST, "tokens", 50.0).with_mix(&[
        (OpKind::Sign, 1),
        (OpKind::Verify, 1),
        (OpKind::GetPublicKey, 1),
    ]));
    let mut sim = Simulation::new(scenario, 9).unwrap();
    sim.step_until(sim::time::SimTime(u64::MAX));
    let report = sim.report();
    // Every Verify checked a signature the engine made (the run asserts it), and passed.
    assert_eq!(report.counters.ok, report.counters.requests);
    let ok = |op: &str| -> u64 {
        report
            .latency
            .iter()
            .filter(|r| r.operation == op && r.outcome == "OK")
            .map(|r| r.count)
            .sum()
    };
    assert!(ok("Verify") > 300 && ok("GetPublicKey") > 200);
    // The RSA_2048 group's Sign, Verify and GetPublicKey are the RSA_2048 class; P-256's
    // are "other asymmetric". GetPublicKey on a key pair is an asymmetric request, outside
    // the free tier (kms-facts §9), so nothing here is symmetric.
    let usage = sim.pricing_usage();
    let count = |class| {
        usage.requests.iter().filter(|r| r.class == Some(class)).map(|r| r.count).sum::<u64>()
    };
    for request in &usage.requests {
        let expected = match request.tags.get("app").map(String::as_str) {
            Some("code") => RequestClass::AsymmetricRsa2048,
            Some("jwt") => RequestClass::AsymmetricOther,
            other => panic!("a request on an untagged key: {other:?}"),
        };
        assert_eq!(request.class, Some(expected), "{request:?}");
    }
    assert_eq!(count(RequestClass::Symmetric), 0);
    assert_eq!(
        count(RequestClass::AsymmetricRsa2048) + count(RequestClass::AsymmetricOther),
        ok("Sign") + ok("Verify") + ok("GetPublicKey")
    );
    assert!(
        count(RequestClass::AsymmetricRsa2048) > 900,
        "{}",
        count(RequestClass::AsymmetricRsa2048)
    );
    assert!(count(RequestClass::AsymmetricOther) > 250);
    assert!(
        report.cost.lines.iter().all(|l| l.item != "free tier"),
        "asymmetric requests get no free tier: {:?}",
        report.cost.lines
    );
    // The bill has an RSA_2048 line, priced at the catalog's RSA_2048 rate.
    let line = report
        .cost
        .lines
        .iter()
        .find(|l| l.item == "asymmetric_rsa_2048 requests")
        .expect("an RSA_2048 line");
    let month_over_run = report.cost.month_seconds / 10;
    assert_eq!(line.quantity, count(RequestClass::AsymmetricRsa2048) * month_over_run);
    let rate = sim::pricing::Catalog::aws_2026().requests_per_10k_micro_usd
        [&RequestClass::AsymmetricRsa2048];
    assert_eq!(line.amount_micro_usd, i64::try_from(line.quantity * rate / 10_000).unwrap());
}

/// One Region of three AZs with `hsms_per_az` HSMs each, two SYMMETRIC_DEFAULT wrapping keys
/// and a Poisson stream of GenerateDataKeyPairWithoutPlaintext of `pair` pairs at
/// `rate_per_s` for `seconds`, on the modelling provider. No retries and a 10-minute attempt
/// timeout, as in [`signing`]; the pair spec's quota at AWS's default unless `quota_per_s`
/// says otherwise.
fn data_key_pairs(
    pair: engine::spec::DataKeyPairSpec,
    hsms_per_az: u32,
    rate_per_s: f64,
    seconds: u64,
    quota_per_s: Option<u64>,
) -> Scenario {
    use engine::quota::{QuotaClass, QuotaConfig, RequestRate};
    let mut world = World::standard(&[EAST], hsms_per_az);
    if let Some(quota) = quota_per_s {
        world.regions[0].quotas = QuotaConfig::default().with_rate(
            QuotaClass::GenerateDataKeyPair(pair.key_spec()),
            RequestRate::per_second(quota),
        );
    }
    let mut scenario = Scenario::new("data-key-pairs", world, seconds * S);
    scenario.provider = engine::crypto::ProviderKind::InsecureModelling;
    scenario.client.retry = RetryMode::Off;
    scenario.client.attempt_timeout_ns = 600 * S;
    scenario.keys.push(KeyGroup::symmetric("wrapping", 2, EAST));
    let mut enrolment = Workload::poisson("enrolment", EAST, "wrapping", rate_per_s)
        .with_mix(&[(OpKind::GenerateDataKeyPairWithoutPlaintext, 1)]);
    enrolment.key_pair_spec = Some(pair);
    enrolment.sdk_clients = 10;
    scenario.workloads.push(enrolment);
    scenario
}

#[test]
fn data_key_pairs_saturate_the_hsms_or_their_pair_specs_quota_whichever_is_lower() {
    use engine::api::Operation;
    use engine::spec::DataKeyPairSpec;
    // ECC_NIST_P256 pairs, their quota raised out of the way: c = 1 HSM in each of 3 AZs,
    // each pair holding an HSM S = 5 ms, so the capacity is c·AZs/S = 600/s.
    let capacity = 3.0 / 0.005;
    let mut scenario =
        data_key_pairs(DataKeyPairSpec::EccNistP256, 1, 1.5 * capacity, 12, Some(1_000_000));
    scenario.world.regions[0]
        .service_times
        .set(Operation::GenerateDataKeyPairWithoutPlaintext, Dist::constant(5 * MS));
    let report = Simulation::new(scenario, 12).unwrap().run();
    let (throughput, busy) = sustained(&report, 2);
    within("saturated GenerateDataKeyPairWithoutPlaintext/s", throughput, capacity, 0.03);
    assert!(busy >= 990.0, "HSMs {busy}‰ busy at saturation");
    assert_eq!(report.counters.throttles, 0, "the quota does not bind");

    // RSA_2048 pairs with the default service time (the HSM overhead plus the benched key
    // generation, about 60 ms: some 50 pairs/s on three HSMs): AWS's default quota of 20/s
    // for the spec binds first, and the pair's quota is what counts, not the wrapping
    // key's symmetric one (100,000/s in us-east-1).
    let mean_s = ServiceTimes::default()
        .of_key_spec(Operation::GenerateDataKeyPairWithoutPlaintext, engine::spec::KeySpec::Rsa2048)
        .mean()
        / 1e9;
    assert!(3.0 / mean_s > 40.0 && 3.0 / mean_s < 60.0, "{mean_s}");
    let report = Simulation::new(data_key_pairs(DataKeyPairSpec::Rsa2048, 1, 40.0, 12, None), 13)
        .unwrap()
        .run();
    let (throughput, busy) = sustained(&report, 2);
    within("RSA_2048 pairs/s under their quota", throughput, 20.0, 0.03);
    assert!(busy < 500.0, "the HSMs do not bind: {busy}‰");
    assert!(report.counters.throttles > 150, "{}", report.counters.throttles);
    assert_eq!(report.counters.ok + report.counters.throttles, report.counters.requests);
}

/// A key policy that lets the roles `roles` of the default account (a workload calls as
/// `role/<its name>`) use the keys with `app_actions`, and the root administer them.
fn app_policy(roles: &[&str], app_actions: &str) -> String {
    let roles: Vec<String> =
        roles.iter().map(|r| format!(r#""arn:aws:iam::111122223333:role/{r}""#)).collect();
    let roles = roles.join(", ");
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [
            {{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::111122223333:root"}},
              "Action": ["kms:Describe*", "kms:Put*", "kms:Get*", "kms:List*", "kms:Enable*",
                         "kms:ReplicateKey", "kms:ScheduleKeyDeletion"],
              "Resource": "*"}},
            {{"Effect": "Allow", "Principal": {{"AWS": [{roles}]}},
              "Action": {app_actions}, "Resource": "*"}}
        ]}}"#
    )
}

/// How many of the run's calls of `operation` in `region` ended with `outcome`.
fn calls(report: &Report, operation: &str, region: &str, outcome: &str) -> u64 {
    report
        .latency
        .iter()
        .filter(|row| row.operation == operation && row.region == region && row.outcome == outcome)
        .map(|row| row.count)
        .sum()
}

#[test]
fn a_key_group_s_policy_decides_in_every_region_of_its_multi_region_keys() {
    // The roles may Decrypt but not Encrypt, in the primary's Region and in the replica's.
    let run = |actions: &str| {
        let mut scenario = Scenario::new("policies", World::standard(&[EAST, WEST], 2), 5 * S);
        let mut keys = KeyGroup::symmetric("mrk", 4, EAST).with_replicas(&[WEST]);
        keys.policy = Some(app_policy(&["east", "west"], actions));
        scenario.keys.push(keys);
        for (name, region) in [("east", EAST), ("west", WEST)] {
            scenario.workloads.push(
                Workload::poisson(name, region, "mrk", 200.0).with_mix(&[(OpKind::Encrypt, 1)]),
            );
        }
        Simulation::new(scenario, 3).unwrap().run()
    };
    let denied = run(r#""kms:Decrypt""#);
    for region in ["us-east-1", "us-west-2"] {
        assert_eq!(calls(&denied, "Encrypt", region, "OK"), 0, "{region}");
        assert!(calls(&denied, "Encrypt", region, "AccessDeniedException") > 500, "{region}");
    }
    // Allowed, both Regions serve every call.
    let allowed = run(r#"["kms:Encrypt", "kms:Decrypt"]"#);
    for region in ["us-east-1", "us-west-2"] {
        assert_eq!(calls(&allowed, "Encrypt", region, "AccessDeniedException"), 0, "{region}");
        assert!(calls(&allowed, "Encrypt", region, "OK") > 500, "{region}");
    }
}

#[test]
fn an_identity_policy_s_explicit_deny_refuses_what_the_key_policy_allows() {
    let mut scenario = Scenario::new("identity", World::standard(&[EAST], 2), 5 * S);
    let mut keys = KeyGroup::symmetric("k", 4, EAST);
    keys.policy = Some(app_policy(&["app"], r#"["kms:Encrypt", "kms:GenerateDataKey"]"#));
    scenario.keys.push(keys);
    scenario.workloads.push(
        Workload::poisson("app", EAST, "k", 400.0)
            .with_mix(&[(OpKind::Encrypt, 1), (OpKind::GenerateDataKey, 1)]),
    );
    scenario.identity_policies.push(IdentityPolicy {
        principal: "arn:aws:iam::111122223333:role/app".to_owned(),
        name: "no-data-keys".to_owned(),
        document: r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "kms:GenerateDataKey*", "Resource": "*"}]}"#
            .to_owned(),
    });
    let report = Simulation::new(scenario.clone(), 5).unwrap().run();
    assert_eq!(calls(&report, "GenerateDataKey", "us-east-1", "OK"), 0);
    assert!(calls(&report, "GenerateDataKey", "us-east-1", "AccessDeniedException") > 500);
    assert_eq!(calls(&report, "Encrypt", "us-east-1", "AccessDeniedException"), 0);
    assert!(calls(&report, "Encrypt", "us-east-1", "OK") > 500);

    // A policy the engine refuses stops the simulation before it starts, naming it.
    scenario.identity_policies[0].document = r#"{"Version": "2012-10-17"}"#.to_owned();
    let error = Simulation::new(scenario, 5).unwrap_err().to_string();
    assert!(error.contains("identity policy no-data-keys"), "{error}");
}
