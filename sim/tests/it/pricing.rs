//! Price rules, one test each, the calculator's worked example, the envelope comparison by
//! hand, and a simulation's accrued cost against the calculator's.

use std::collections::BTreeMap;

use engine::Region;
use sim::cost::{CostSpec, HsmLine, KeySpecLine, RequestLine, compare_envelope};
use sim::pricing::{Catalog, KeyUsage, RequestClass, RequestUsage, Usage, price, usd};
use sim::scenario::*;
use sim::{Scenario, Simulation};

const MONTH: u64 = 30 * 24 * 3_600;

fn keys(count: u64) -> KeySpecLine {
    CostSpec::simple(count, 0).keys.remove(0)
}

fn requests(class: RequestClass, per_month: u64, region: &str) -> RequestLine {
    RequestLine { class, per_month, region: region.to_owned(), account: "111122223333".to_owned() }
}

fn spec(keys: Vec<KeySpecLine>, requests: Vec<RequestLine>) -> CostSpec {
    CostSpec { keys, requests, ..CostSpec::simple(0, 0) }
}

#[test]
fn the_study_guide_example_costs_thirteen_dollars() {
    let bill = CostSpec::simple(10, 1_000_000).price(&Catalog::seed());
    assert_eq!((bill.keys_micro_usd, bill.requests_micro_usd), (10_000_000, 3_000_000));
    assert_eq!(usd(bill.total_micro_usd), "$13.00");
    // The current list prices take the free tier off.
    assert_eq!(
        usd(CostSpec::simple(10, 1_000_000).price(&Catalog::aws_2026()).total_micro_usd),
        "$12.94"
    );
}

#[test]
fn key_storage_is_prorated_by_the_started_hour() {
    let key = |seconds| KeyUsage {
        account: "a".into(),
        region: "r".into(),
        count: 1,
        seconds,
        ..KeyUsage::default()
    };
    let usage = Usage {
        period_seconds: MONTH,
        keys: vec![key(90 * 60), key(3_600), key(MONTH)],
        ..Usage::default()
    };
    let bill = price(&Catalog::aws_2026(), &usage, MONTH, "none");
    // 2 + 1 + 720 key-hours of a 720-hour month at $1: 723/720 dollars, rounded half up.
    assert_eq!(bill.lines[0].quantity, 723);
    assert_eq!(bill.keys_micro_usd, 1_004_167);
}

#[test]
fn rotations_add_a_dollar_each_up_to_the_second() {
    let monthly = |rotations| {
        let line = KeySpecLine { rotations, ..keys(1) };
        spec(vec![line], vec![]).price(&Catalog::aws_2026()).total_micro_usd
    };
    let dollars: Vec<i64> = [0, 1, 2, 3, 10].into_iter().map(|n| monthly(n) / 1_000_000).collect();
    assert_eq!(dollars, [1, 2, 3, 3, 3]);
    // The simplified table has no surcharge.
    let seed = spec(vec![KeySpecLine { rotations: 5, ..keys(1) }], vec![]).price(&Catalog::seed());
    assert_eq!(seed.total_micro_usd, 1_000_000);
}

#[test]
fn each_multi_region_replica_is_billed_as_a_key() {
    let line = KeySpecLine { replicas: vec!["us-west-2".into(), "eu-west-1".into()], ..keys(4) };
    let bill = spec(vec![line], vec![]).price(&Catalog::aws_2026());
    assert_eq!(bill.keys_micro_usd, 12_000_000);
    assert_eq!(bill.by_region["eu-west-1"], 4_000_000);
}

#[test]
fn keys_pending_deletion_and_aws_managed_keys_are_not_billed() {
    let pending = KeySpecLine { pending_deletion: true, ..keys(3) };
    let managed = KeySpecLine { aws_managed: true, ..keys(5) };
    let bill = spec(vec![keys(1), pending.clone(), managed], vec![]).price(&Catalog::aws_2026());
    assert_eq!(bill.keys_micro_usd, 1_000_000);
    // The simplified table bills a key while it waits.
    assert_eq!(spec(vec![pending], vec![]).price(&Catalog::seed()).keys_micro_usd, 3_000_000);
}

#[test]
fn the_free_tier_spans_regions_and_excludes_asymmetric_requests() {
    let usage = spec(
        vec![],
        vec![
            requests(RequestClass::Symmetric, 15_000, "us-east-1"),
            requests(RequestClass::Symmetric, 15_000, "eu-west-1"),
            requests(RequestClass::AsymmetricOther, 20_000, "us-east-1"),
            requests(RequestClass::GenerateDataKeyPairRsa, 10, "us-east-1"),
        ],
    );
    let bill = usage.price(&Catalog::aws_2026());
    // 30,000 symmetric less 20,000 free = 10,000 at $0.03; 20,000 asymmetric at $0.15 per
    // 10,000 with no free tier; 10 RSA key pairs at $12 per 10,000.
    assert_eq!(bill.requests_micro_usd, 30_000 + 300_000 + 12_000);
    let free: Vec<_> = bill.lines.iter().filter(|l| l.item == "free tier").collect();
    assert_eq!(free.len(), 1);
    assert_eq!(
        (free[0].quantity, free[0].amount_micro_usd, free[0].region.as_str()),
        (20_000, -60_000, "all")
    );
}

#[test]
fn each_request_class_has_its_price() {
    let catalog = Catalog::aws_2026();
    let expected = [
        (RequestClass::Symmetric, 30_000),
        (RequestClass::AsymmetricRsa2048, 30_000),
        (RequestClass::AsymmetricOther, 150_000),
        (RequestClass::GenerateDataKeyPairEcc, 100_000),
        (RequestClass::GenerateDataKeyPairRsa, 12_000_000),
    ];
    for (class, per_10k) in expected {
        // 30,000 requests; the free tier (symmetric only) takes 20,000 off the first.
        let bill = spec(vec![], vec![requests(class, 30_000, "us-east-1")]).price(&catalog);
        let free = if class == RequestClass::Symmetric { 2 * per_10k } else { 0 };
        assert_eq!(bill.requests_micro_usd, 3 * per_10k - free, "{class}");
    }
    // Which class a request is in.
    use engine::api::Operation;
    use engine::spec::KeySpec;
    assert_eq!(
        RequestClass::of(Operation::Encrypt, Some(KeySpec::SymmetricDefault), None),
        RequestClass::Symmetric
    );
    assert_eq!(
        RequestClass::of(Operation::GenerateMac, Some(KeySpec::Hmac256), None),
        RequestClass::Symmetric
    );
    assert_eq!(
        RequestClass::of(Operation::Decrypt, Some(KeySpec::Rsa2048), None),
        RequestClass::AsymmetricRsa2048
    );
    assert_eq!(
        RequestClass::of(Operation::Decrypt, Some(KeySpec::Rsa4096), None),
        RequestClass::AsymmetricOther
    );
    // Management calls are symmetric requests whatever the key's spec, RSA_2048 included.
    for operation in [Operation::DescribeKey, Operation::TagResource, Operation::DisableKey] {
        for spec in [KeySpec::EccNistP256, KeySpec::Rsa2048, KeySpec::Rsa4096] {
            assert_eq!(
                RequestClass::of(operation, Some(spec), None),
                RequestClass::Symmetric,
                "{operation:?} on {spec:?}"
            );
        }
    }
    // GetPublicKey on a key pair is an asymmetric request of the key's class (kms-facts §9:
    // excluded from the free tier with Sign, Verify, Encrypt and Decrypt).
    assert_eq!(
        RequestClass::of(Operation::GetPublicKey, Some(KeySpec::Rsa2048), None),
        RequestClass::AsymmetricRsa2048
    );
    for spec in [KeySpec::Rsa3072, KeySpec::EccNistP256, KeySpec::MlDsa65] {
        assert_eq!(
            RequestClass::of(Operation::GetPublicKey, Some(spec), None),
            RequestClass::AsymmetricOther,
            "{spec:?}"
        );
    }
    assert_eq!(
        RequestClass::of(Operation::Sign, Some(KeySpec::Rsa2048), None),
        RequestClass::AsymmetricRsa2048
    );
    assert!(!Catalog::aws_2026().free_classes.contains(&RequestClass::AsymmetricRsa2048));
    assert!(!Catalog::aws_2026().free_classes.contains(&RequestClass::AsymmetricOther));
    assert_eq!(
        RequestClass::of(Operation::CreateKey, None, Some(KeySpec::Rsa3072)),
        RequestClass::GenerateDataKeyPairRsa
    );
    assert_eq!(
        RequestClass::of(Operation::CreateKey, None, Some(KeySpec::EccNistP384)),
        RequestClass::GenerateDataKeyPairEcc
    );
}

#[test]
fn cloudhsm_is_billed_per_hsm_hour() {
    let mut spec = CostSpec::simple(0, 0);
    spec.hsms.push(HsmLine {
        count: 2,
        region: "us-east-1".into(),
        account: "111122223333".into(),
    });
    let bill = spec.price(&Catalog::seed());
    assert_eq!(bill.cloudhsm_micro_usd, 2 * 720 * 1_450_000);
    assert_eq!(usd(bill.total_micro_usd), "$2,088.00");
}

#[test]
fn the_calling_account_pays_for_requests_the_owner_for_keys() {
    let owner = KeySpecLine { account: "111111111111".into(), ..keys(1) };
    let caller = RequestLine {
        account: "222222222222".into(),
        ..requests(RequestClass::Symmetric, 1_000_000, "us-east-1")
    };
    let bill = spec(vec![owner], vec![caller]).price(&Catalog::seed());
    assert_eq!(bill.by_account["111111111111"], 1_000_000);
    assert_eq!(bill.by_account["222222222222"], 3_000_000);
}

#[test]
fn catalogs_are_data_and_a_malformed_one_names_file_line_and_expectation() {
    assert_eq!(Catalog::aws_2026().name, "aws-2026");
    let mut text = sim::pricing::AWS_2026_TOML.replace("symmetric = 0.03", "symmetric = \"cheap\"");
    let error = Catalog::parse(&text, "mine.toml").unwrap_err();
    // `symmetric = 0.03` is on line 26 of the built-in file; the value starts at column 13.
    assert_eq!(
        (error.source.as_str(), error.line, error.column),
        ("mine.toml", Some(26), Some(13))
    );
    assert!(error.to_string().starts_with("mine.toml:26:13: invalid type"), "{error}");
    assert!(error.message.contains("expected"), "{error}");
    text = sim::pricing::AWS_2026_TOML.replace("[cloudhsm]", "[cloudhsm]\nhsm_day_usd = 3");
    let error = Catalog::parse(&text, "mine.toml").unwrap_err();
    assert!(error.message.contains("unknown field `hsm_day_usd`"), "{error}");
    text = sim::pricing::AWS_2026_TOML.replace("key_month_usd = 1.00", "key_month_usd = 1.0000001");
    let error = Catalog::parse(&text, "mine.toml").unwrap_err();
    assert!(error.message.contains("six decimal places"), "{error}");
    let path = std::env::temp_dir().join("kmsim-catalog-test.toml");
    std::fs::write(&path, sim::pricing::SEED_TOML.replace("name = \"seed\"", "name = \"mine\""))
        .unwrap();
    assert_eq!(Catalog::named_or_file(path.to_str().unwrap()).unwrap().name, "mine");
}

#[test]
fn the_envelope_comparison_agrees_with_hand_calculation() {
    let cache =
        DataKeyCache { max_age_ns: 300 * SECOND_NS, max_messages: 1_000, max_bytes: u64::MAX };
    let rows = compare_envelope(&Catalog::aws_2026(), 1, 1_000_000, 1 << 20, cache, MONTH);
    let requests: Vec<u64> = rows.iter().map(|r| r.kms_requests).collect();
    // Direct: 1 MiB in 4 KiB Encrypts is 256 calls an object. Envelope: one GenerateDataKey
    // an object. Cached: objects arrive at 1,000,000 / 2,592,000 s = 0.386/s, so a 5-minute
    // cache entry serves floor(115.7) = 115 of them: ceil(1,000,000 / 115) = 8,696 calls.
    assert_eq!(requests, [256_000_000, 1_000_000, 8_696]);
    // $1 of key, then (requests − 20,000 free) × $0.03 per 10,000.
    let totals: Vec<i64> = rows.iter().map(|r| r.total_micro_usd).collect();
    assert_eq!(totals, [1_000_000 + 767_940_000, 1_000_000 + 2_940_000, 1_000_000]);
    assert!((rows[0].kms_requests_per_second - 98.765).abs() < 0.001);
}

#[test]
fn a_simulation_accrues_what_the_calculator_charges_for_the_same_counts() {
    let mut scenario = Scenario::new(
        "cost",
        World::standard(&[Region::US_EAST_1, Region::US_WEST_2], 4),
        20 * SECOND_NS,
    );
    let mut app =
        KeyGroup::symmetric("app", 10, Region::US_EAST_1).with_replicas(&[Region::US_WEST_2]);
    app.tags.push(("team".into(), "payments".into()));
    scenario.keys.push(app);
    scenario.keys.push(KeyGroup::symmetric("spare", 3, Region::US_EAST_1));
    scenario.workloads.push(
        Workload::poisson("web", Region::US_EAST_1, "app", 300.0)
            .with_mix(&[(OpKind::Encrypt, 3), (OpKind::Decrypt, 1)]),
    );
    scenario.actions.push(Action {
        at_ns: 5 * SECOND_NS,
        kind: ActionKind::RotateOnDemand { keys: "app".into() },
    });
    // Three keys scheduled for deletion, one cancelled... every one of the group here.
    scenario.actions.push(Action {
        at_ns: 4 * SECOND_NS,
        kind: ActionKind::ScheduleKeyDeletion { keys: "spare".into(), pending_window_days: 7 },
    });
    scenario.actions.push(Action {
        at_ns: 10 * SECOND_NS,
        kind: ActionKind::CancelKeyDeletion { keys: "spare".into() },
    });
    let simulation = Simulation::new(scenario, 8).unwrap();
    let report = simulation.run();
    assert_eq!(report.counters.action_errors, 0);
    let bill = &report.cost;
    assert!(bill.projection.starts_with("linear"), "{}", bill.projection);

    // The same month by hand: 10 keys + 10 replicas, rotated once (1 s of 20 in effect...
    // projected: a rotation at 5 s of 20 is in effect three quarters of the month), 3 keys
    // whose deletion was cancelled (billed as if never scheduled), and the requests counted.
    let projected = |n: u64| n * MONTH / 20;
    let counted = &report.usage.requests["111122223333"]["us-east-1"];
    let mut calculator = CostSpec::simple(0, 0);
    calculator.keys.push(KeySpecLine {
        replicas: vec!["us-west-2".into()],
        tags: BTreeMap::from([("team".into(), "payments".into())]),
        ..keys(10)
    });
    calculator.keys.push(keys(3));
    let total_requests: u64 = counted.values().sum();
    calculator.requests.push(requests(
        RequestClass::Symmetric,
        projected(total_requests),
        "us-east-1",
    ));
    let by_hand = calculator.price(&Catalog::aws_2026());
    // The rotation surcharge: key i rotates at 5 s + 0.2 s × i (actions pace themselves at
    // the per-API quota), so its rotation is in effect for 15 − 0.2 i s of the 20, rounded
    // up to whole seconds, projected, rounded up to hours; primary and replica each.
    let rotation_hours: u64 =
        (0..10u64).map(|i| 2 * projected((15_000 - 200 * i).div_ceil(1_000)).div_ceil(3_600)).sum();
    let rotations_micro = (rotation_hours * 1_000_000 * 2 + 720) / (2 * 720);
    assert_eq!(bill.keys_micro_usd, by_hand.keys_micro_usd);
    assert_eq!(bill.requests_micro_usd, by_hand.requests_micro_usd);
    assert_eq!(bill.rotations_micro_usd, i64::try_from(rotations_micro).unwrap());
    assert_eq!(bill.total_micro_usd, by_hand.total_micro_usd + bill.rotations_micro_usd);
    assert!(bill.by_tag["team=payments"] > by_hand.keys_micro_usd * 20 / 23 - 1);
}

#[test]
fn kmsim_cost_prints_the_worked_example() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kmsim"))
        .args(["cost", "--pricing", "seed", "--keys", "10", "--requests", "1000000"])
        .output()
        .expect("kmsim runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let line = |name: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(name))
            .map(|l| l.split_whitespace().last().unwrap().to_owned())
    };
    assert_eq!(line("total").as_deref(), Some("$13.00"), "{stdout}");
    assert_eq!(line("keys").as_deref(), Some("$10.00"));
    assert_eq!(line("requests").as_deref(), Some("$3.00"));
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_kmsim"))
        .args(["cost", "--pricing", "/nonexistent/catalog.toml", "--keys", "1"])
        .output()
        .expect("kmsim runs");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("/nonexistent/catalog.toml"));
}

#[test]
fn usage_projects_linearly() {
    let usage = Usage {
        period_seconds: 60,
        keys: vec![KeyUsage {
            count: 1,
            seconds: 60,
            rotation_seconds: vec![30],
            ..KeyUsage::default()
        }],
        requests: vec![RequestUsage {
            count: 1_000,
            class: Some(RequestClass::Symmetric),
            ..RequestUsage::default()
        }],
        hsms: vec![],
    };
    let month = usage.projected(MONTH);
    assert_eq!((month.keys[0].seconds, month.keys[0].rotation_seconds[0]), (MONTH, MONTH / 2));
    assert_eq!(month.requests[0].count, 1_000 * MONTH / 60);
}

#[test]
fn the_committed_reference_bill_is_what_the_spec_costs_today() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../results/cost-2026-11-30");
    let text = std::fs::read_to_string(format!("{dir}/spec.toml")).unwrap();
    let bill = CostSpec::parse(&text, "spec.toml").unwrap().price(&Catalog::aws_2026());
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/bill.json")).unwrap())
            .unwrap();
    assert_eq!(committed["total_micro_usd"], bill.total_micro_usd);
    assert_eq!(usd(bill.total_micro_usd), "$2,633.94");
    // A malformed spec names the file, the line and what was expected.
    let error =
        CostSpec::parse(&text.replace("count = 5", "count = \"five\""), "spec.toml").unwrap_err();
    assert!(error.to_string().starts_with("spec.toml:23:9: invalid type"), "{error}");
}

#[test]
fn a_simulated_key_waiting_for_deletion_stops_being_billed() {
    let mut scenario =
        Scenario::new("deletion", World::standard(&[Region::US_EAST_1], 2), 20 * SECOND_NS);
    scenario.keys.push(KeyGroup::symmetric("doomed", 1, Region::US_EAST_1));
    scenario.actions.push(Action {
        at_ns: 5 * SECOND_NS,
        kind: ActionKind::ScheduleKeyDeletion { keys: "doomed".into(), pending_window_days: 7 },
    });
    let report = Simulation::new(scenario, 1).unwrap().run();
    // Billed for the 5 s before the deletion was scheduled: a quarter of the month.
    assert_eq!(report.cost.lines[0].quantity, 180, "{:?}", report.cost.lines);
    assert_eq!(report.cost.keys_micro_usd, 250_000);
    // The simplified table bills the waiting time too: the whole month.
    let mut scenario_seed =
        Scenario::new("deletion", World::standard(&[Region::US_EAST_1], 2), 20 * SECOND_NS);
    scenario_seed.pricing = Catalog::seed();
    scenario_seed.keys.push(KeyGroup::symmetric("doomed", 1, Region::US_EAST_1));
    scenario_seed.actions.push(Action {
        at_ns: 5 * SECOND_NS,
        kind: ActionKind::ScheduleKeyDeletion { keys: "doomed".into(), pending_window_days: 7 },
    });
    assert_eq!(Simulation::new(scenario_seed, 1).unwrap().run().cost.keys_micro_usd, 1_000_000);
}

#[test]
fn a_cost_spec_names_an_unknown_key_spec() {
    let text = "schema_version = 1\n[[keys]]\ncount = 1\nspec = \"RSA_1024\"\n";
    let error = CostSpec::parse(text, "mine.toml").unwrap_err();
    assert_eq!(
        error.to_string(),
        "mine.toml:4:8: unknown key spec `RSA_1024`: expected an AWS KeySpec such as SYMMETRIC_DEFAULT or RSA_2048"
    );
    let text = "schema_version = 1\n[[keys]]\ncount = 1\nspec = \"RSA_2048\"\n";
    assert_eq!(
        CostSpec::parse(text, "mine.toml").unwrap().price(&Catalog::aws_2026()).keys_micro_usd,
        1_000_000
    );
}

#[test]
fn the_free_tier_is_monthly_over_longer_periods() {
    let usage = Usage {
        period_seconds: 2 * MONTH,
        requests: vec![RequestUsage {
            count: 50_000,
            class: Some(RequestClass::Symmetric),
            ..RequestUsage::default()
        }],
        ..Usage::default()
    };
    // Two months: 40,000 free, 10,000 at $0.03 per 10,000.
    assert_eq!(price(&Catalog::aws_2026(), &usage, MONTH, "none").requests_micro_usd, 30_000);
}
