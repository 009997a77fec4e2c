//! Scenario files and the `kmsim` commands that run them: every shipped scenario runs, broken
//! files get one clear error, `compare`, `plan`, `sweep` shards and `merge`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sim::Simulation;
use sim::scenario_file::{load, parse};

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
}

fn kmsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kmsim")).args(args).output().expect("kmsim runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A fresh folder for one test's outputs.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kmsim-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn every_shipped_scenario_parses_validates_and_runs_shortened() {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(scenarios_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let full = load(&path, &[]).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !full.description.is_empty(),
            "{}: a description says which question it answers",
            path.display()
        );
        // Shortened to at most a minute (the cost example to an hour), keeping its faults
        // and actions inside the run.
        let seconds = (full.scenario.duration_ns / 1_000_000_000)
            .min(if full.scenario.name == "cost-example" { 3_600 } else { 70 });
        let file =
            load(&path, &[format!("duration_s={seconds}")]).unwrap_or_else(|e| panic!("{e}"));
        let report = Simulation::new(file.scenario, file.seed.unwrap_or(1)).unwrap().run();
        assert!(report.counters.completed > 0, "{}", path.display());
        assert_eq!(report.counters.unfinished, 0, "{}", path.display());
        names.push(full.scenario.name);
    }
    names.sort();
    assert_eq!(
        names,
        [
            "alarms",
            "az-failure",
            "cloudhsm-custom-key-store",
            "cost-example",
            "key-pairs",
            "key-policies",
            "multi-region-dr",
            "multi-tenant-1000-cmks",
            "quickstart",
            "rotation-at-scale",
            "s3-envelope-1m-objects",
            "signing",
            "throttling-and-retries"
        ]
    );
}

/// The error for `quickstart.toml` with `from` replaced by `to`, as `file:line:column: message`.
fn broken(from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(scenarios_dir().join("quickstart.toml")).unwrap();
    assert!(text.contains(from), "{from}");
    parse(&text.replacen(from, to, 1), "quickstart.toml", &scenarios_dir(), &[])
        .unwrap_err()
        .to_string()
}

#[test]
fn broken_scenarios_get_one_clear_error_with_file_line_and_column() {
    // A misspelt key.
    assert_eq!(
        broken("duration_s = 60", "duraton_s = 60"),
        "quickstart.toml:9:1: unknown field `duraton_s`, expected one of `schema_version`, `name`, `description`, `seed`, `duration_s`, `provider`, `pricing`, `interval_s`, `month_days`, `grant_propagation_ms`, `client`, `world`, `keys`, `workloads`, `faults`, `actions`, `alarms`, `identity_policies`, `outputs`"
    );
    // A wrong type.
    assert_eq!(
        broken("count = 100", "count = \"many\""),
        "quickstart.toml:18:9: invalid type: string \"many\", expected u32"
    );
    // A negative rate.
    assert_eq!(
        broken("rate_per_s = 2000", "rate_per_s = -5"),
        "quickstart.toml:25:45: expected a rate in requests per second ≥ 0, got -5"
    );
    // An unknown Region: not a Region name, or not one of the world's.
    assert_eq!(
        broken("region = \"us-east-1\"\n\n[[workloads]]", "region = \"Mars\"\n\n[[workloads]]"),
        "quickstart.toml:19:10: unknown Region `Mars`: expected a Region name such as us-east-1"
    );
    assert_eq!(
        broken(
            "region = \"us-east-1\"\n\n[[workloads]]",
            "region = \"us-middle-1\"\n\n[[workloads]]"
        ),
        "quickstart.toml:19:10: Region `us-middle-1` is not in [world]: expected one of its regions"
    );
    // A fault outside the run.
    let text = std::fs::read_to_string(scenarios_dir().join("az-failure.toml")).unwrap();
    let error = parse(
        &text.replace("start_s = 20", "start_s = 90"),
        "az-failure.toml",
        &scenarios_dir(),
        &[],
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "az-failure.toml:41:11: the fault starts at 90 s, after the run ends at 60 s"
    );
    // An override is checked like the file, and a path that does not exist is named.
    let error = load(
        &scenarios_dir().join("quickstart.toml"),
        &["workloads.0.arrivals.rate_per_s=-1".into()],
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("expected a rate in requests per second ≥ 0, got -1"),
        "{error}"
    );
    let error =
        load(&scenarios_dir().join("quickstart.toml"), &["world.planets.0=1".into()]).unwrap_err();
    assert_eq!(error.to_string(), "--set world.planets.0=1: no `planets` in `world.planets.0`");
    // The binary exits 2 on bad input.
    let bad = scratch("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("bad.toml"), "schema_version = 1\nname = 3\n").unwrap();
    let output = kmsim(&["validate", bad.join("bad.toml").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("bad.toml:2:8: invalid type: integer `3`, expected a string")
    );
}

#[test]
fn key_policies_refuse_what_aws_would_and_a_broken_policy_names_its_line() {
    let file = load(&scenarios_dir().join("key-policies.toml"), &[]).unwrap();
    let report = Simulation::new(file.scenario, file.seed.unwrap()).unwrap().run();
    let calls = |operation: &str, outcome: &str| {
        report
            .latency
            .iter()
            .filter(|row| row.operation == operation && row.outcome == outcome)
            .map(|row| row.count)
            .sum::<u64>()
    };
    // role/orders: allowed under a tenant context.
    assert!(calls("Encrypt", "OK") > 4_000);
    assert_eq!(calls("Encrypt", "AccessDeniedException"), 0);
    assert_eq!(calls("GenerateDataKey", "AccessDeniedException"), 0);
    // role/batch is in no statement, and the root's statement has no cryptographic action.
    assert_eq!(calls("GenerateDataKeyWithoutPlaintext", "OK"), 0);
    assert!(calls("GenerateDataKeyWithoutPlaintext", "AccessDeniedException") > 400);
    // role/analytics: its identity policy denies tenant-1, one tenant of four.
    let (denied, ok) = (calls("Decrypt", "AccessDeniedException"), calls("Decrypt", "OK"));
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^53")]
    let denied_share = denied as f64 / (denied + ok) as f64;
    assert!((0.2..0.3).contains(&denied_share), "{denied} of {}", denied + ok);

    // A policy that is not a policy is refused at its line, naming the key group.
    let text = std::fs::read_to_string(scenarios_dir().join("key-policies.toml")).unwrap();
    let broken = text.replacen(r#""Effect": "Allow","#, r#""Effect": "Perhaps","#, 1);
    let error = parse(&broken, "key-policies.toml", &scenarios_dir(), &[]).unwrap_err();
    let error = error.to_string();
    assert!(error.starts_with("key-policies.toml:25:10: key group `orders`: policy: "), "{error}");
    assert!(error.contains("MalformedPolicyDocumentException"), "{error}");
    // A principal that is not an IAM ARN is refused at its position.
    let broken = text.replacen(
        r#"principal = "arn:aws:iam::111122223333:role/analytics""#,
        r#"principal = "analytics""#,
        1,
    );
    let error = parse(&broken, "key-policies.toml", &scenarios_dir(), &[]).unwrap_err();
    assert!(error.to_string().starts_with("key-policies.toml:63:13: "), "{error}");
}

#[test]
fn key_pair_groups_and_their_operations_are_checked_at_their_line() {
    let text = std::fs::read_to_string(scenarios_dir().join("signing.toml")).unwrap();
    let broken = |from: &str, to: &str| {
        assert!(text.contains(from), "{from}");
        parse(&text.replacen(from, to, 1), "signing.toml", &scenarios_dir(), &[])
            .unwrap_err()
            .to_string()
    };
    // An operation the keys cannot do is refused, not changed into another.
    assert_eq!(
        broken("mix = { Sign = 97, GetPublicKey = 3 }", "mix = { Sign = 97, Encrypt = 3 }"),
        "signing.toml:44:30: workload `issuer`: Encrypt needs a SYMMETRIC_DEFAULT key or an ENCRYPT_DECRYPT key pair, and key group jwt has ECC_NIST_P256 SIGN_VERIFY keys"
    );
    assert_eq!(
        broken("spec = \"ECC_NIST_P256\"", "spec = \"SYMMETRIC_DEFAULT\""),
        "signing.toml:30:9: key group `jwt`: usage SIGN_VERIFY is not allowed for SYMMETRIC_DEFAULT: expected ENCRYPT_DECRYPT"
    );
    // A key pair needs its usage, as CreateKey does.
    assert_eq!(
        broken("usage = \"SIGN_VERIFY\"\n", ""),
        "signing.toml:29:8: key group `jwt`: a key pair needs a usage (CreateKey requires KeyUsage for ECC_NIST_P256): expected usage = \"SIGN_VERIFY\" or \"KEY_AGREEMENT\""
    );
    assert_eq!(
        broken("usage = \"SIGN_VERIFY\"", "usage = \"SIGN\""),
        "signing.toml:30:9: unknown key usage `SIGN`: expected SIGN_VERIFY, ENCRYPT_DECRYPT, KEY_AGREEMENT or GENERATE_VERIFY_MAC"
    );
    // Service times per operation and per (operation, key spec): an operation's time
    // replaces its per-spec defaults, a per-spec time then overrides it for one spec.
    let file = load(
        &scenarios_dir().join("signing.toml"),
        &[
            "world.regions.0.service_ms={Sign={kind=\"constant\",ms=3}}".to_owned(),
            "world.regions.0.service_ms_per_key_spec={RSA_2048={Sign={kind=\"constant\",ms=5}}}"
                .to_owned(),
        ],
    )
    .unwrap();
    let times = &file.scenario.world.regions[0].service_times;
    let sign = engine::api::Operation::Sign;
    use engine::spec::KeySpec;
    assert_eq!(
        times.of_key_spec(sign, KeySpec::EccNistP256),
        &sim::dist::Dist::constant(3_000_000)
    );
    assert_eq!(times.of_key_spec(sign, KeySpec::Rsa4096), &sim::dist::Dist::constant(3_000_000));
    assert_eq!(times.of_key_spec(sign, KeySpec::Rsa2048), &sim::dist::Dist::constant(5_000_000));
    let error = load(
        &scenarios_dir().join("signing.toml"),
        &["world.regions.0.service_ms_per_key_spec={RSA_1024={Sign={kind=\"constant\",ms=5}}}"
            .to_owned()],
    )
    .unwrap_err();
    assert!(error.message.contains("unknown key spec `RSA_1024`"), "{error}");
}

#[test]
fn key_pair_operations_are_checked_and_billed_by_their_price_class() {
    use sim::pricing::RequestClass;
    let file =
        load(&scenarios_dir().join("key-pairs.toml"), &["duration_s=20".to_owned()]).unwrap();
    let mut sim = Simulation::new(file.scenario, file.seed.unwrap()).unwrap();
    sim.step_until(sim::time::SimTime(u64::MAX));
    let report = sim.report();
    let calls = |operation: &str, outcome: &str| -> u64 {
        report
            .latency
            .iter()
            .filter(|row| row.operation == operation && row.outcome == outcome)
            .map(|row| row.count)
            .sum()
    };
    // Every ECDH secret matched its peer's and every Decrypt (of a wrapped private key, an
    // RSA_3072 or an ML-KEM ciphertext) its plaintext: the run asserts both.
    assert!(calls("DeriveSharedSecret", "OK") > 6_000, "{}", calls("DeriveSharedSecret", "OK"));
    assert!(calls("Decrypt", "OK") > 1_800, "{}", calls("Decrypt", "OK"));
    for operation in ["DeriveSharedSecret", "Decrypt", "Encrypt"] {
        let failed: u64 = report
            .latency
            .iter()
            .filter(|row| row.operation == operation && row.outcome != "OK")
            .map(|row| row.count)
            .sum();
        assert_eq!(failed, 0, "{operation}");
    }
    // 150 enrolments/s against the ECC_NIST_P256 pairs' quota of 100/s: throttled.
    let throttled: u64 =
        report.usage.throttled.values().flat_map(|r| r.values()).flat_map(|o| o.values()).sum();
    assert!(throttled > 500, "{throttled}");
    assert!(calls("GenerateDataKeyPairWithoutPlaintext", "OK") > 1_000);
    // GenerateDataKeyPair is priced by the pair generated, not as a symmetric request on
    // its wrapping key; ECDH, RSA_3072 and ML-KEM requests as "other asymmetric".
    let usage = sim.pricing_usage();
    let count = |class| {
        usage.requests.iter().filter(|r| r.class == Some(class)).map(|r| r.count).sum::<u64>()
    };
    let served = |operation: &str| -> u64 {
        report
            .usage
            .requests
            .values()
            .flat_map(|r| r.values())
            .filter_map(|o| o.get(operation))
            .sum()
    };
    let pairs = served("GenerateDataKeyPair") + served("GenerateDataKeyPairWithoutPlaintext");
    let (rsa_pairs, ecc_pairs) =
        (count(RequestClass::GenerateDataKeyPairRsa), count(RequestClass::GenerateDataKeyPairEcc));
    assert_eq!(rsa_pairs + ecc_pairs, pairs);
    // legacy-rsa: Poisson at 2/s for 20 s.
    assert!((20..=60).contains(&rsa_pairs), "{rsa_pairs}");
    // The rest: Decrypt (and Encrypt, while there is nothing to decrypt) on the wrapping keys
    // are symmetric, ECDH and the RSA_3072 and ML-KEM escrow "other asymmetric".
    let rest = served("DeriveSharedSecret") + served("Encrypt") + served("Decrypt");
    assert_eq!(count(RequestClass::AsymmetricOther) + count(RequestClass::Symmetric), rest);
    assert!(count(RequestClass::AsymmetricOther) > served("DeriveSharedSecret"));
    assert!(count(RequestClass::Symmetric) > 300, "{}", count(RequestClass::Symmetric));
    assert_eq!(count(RequestClass::AsymmetricRsa2048), 0);
    let line = report
        .cost
        .lines
        .iter()
        .find(|l| l.item == "generate_data_key_pair_rsa requests")
        .expect("an RSA data key pair line");
    let rate = sim::pricing::Catalog::aws_2026().requests_per_10k_micro_usd
        [&RequestClass::GenerateDataKeyPairRsa];
    assert_eq!(rate, 12_000_000);
    assert_eq!(line.amount_micro_usd, i64::try_from(line.quantity * rate / 10_000).unwrap());
}

#[test]
fn data_key_pair_specs_and_quotas_are_checked_at_their_line() {
    let text = std::fs::read_to_string(scenarios_dir().join("key-pairs.toml")).unwrap();
    let broken = |from: &str, to: &str| {
        assert!(text.contains(from), "{from}");
        parse(&text.replacen(from, to, 1), "key-pairs.toml", &scenarios_dir(), &[])
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        broken("key_pair_spec = \"ECC_NIST_P256\"", "key_pair_spec = \"ECC_NIST_P255\""),
        "key-pairs.toml:59:17: unknown key pair spec `ECC_NIST_P255`: expected one of RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, SM2, ECC_NIST_EDWARDS25519, KMSIM_ML_KEM_768, KMSIM_ML_KEM_1024"
    );
    assert_eq!(
        broken("key_pair_spec = \"ECC_NIST_P256\"\n", ""),
        "key-pairs.toml:58:72: workload `enrolment`: GenerateDataKeyPair needs the pair's spec: expected key_pair_spec = \"ECC_NIST_P256\" (or another KeyPairSpec) in the workload"
    );
    assert_eq!(
        broken("mix = { DeriveSharedSecret = 1 }", "mix = { DeriveSharedSecret = 1, Sign = 1 }"),
        "key-pairs.toml:82:40: workload `sessions`: Sign needs a SIGN_VERIFY key pair, and key group sessions has ECC_NIST_P256 KEY_AGREEMENT keys"
    );
    assert_eq!(
        broken(
            "hsms_per_az = 2\n",
            "hsms_per_az = 2\nquotas = { generate_data_key_pair_RSA_1024 = 5 }\n"
        ),
        "key-pairs.toml:26:46: unknown quota `generate_data_key_pair_RSA_1024`: expected symmetric, rsa, ecc, ml_dsa, ml_kem, generate_data_key_pair_<KEY_PAIR_SPEC> (as generate_data_key_pair_RSA_2048) or an operation name"
    );
    // A pair spec's quota is set by its name; both GenerateDataKeyPair operations share it.
    let file = load(
        &scenarios_dir().join("key-pairs.toml"),
        &["world.regions.0.quotas={generate_data_key_pair_ECC_NIST_P256=250,ml_kem=50}".to_owned()],
    )
    .unwrap();
    let quotas = &file.scenario.world.regions[0].quotas;
    use engine::quota::{QuotaClass, RequestRate};
    use engine::spec::KeySpec;
    assert_eq!(
        quotas.overrides.get(&QuotaClass::GenerateDataKeyPair(KeySpec::EccNistP256)),
        Some(&RequestRate::per_second(250))
    );
    assert_eq!(
        quotas.overrides.get(&QuotaClass::CryptoKmsimMlKem),
        Some(&RequestRate::per_second(50))
    );
}

#[test]
fn kmsim_run_writes_a_report_and_says_where() {
    let out = scratch("run");
    let output =
        kmsim(&["run", "--set", "duration_s=3", "--out", out.to_str().unwrap(), "--quiet"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = stdout(&output);
    assert!(text.starts_with("seed 42: quickstart"), "{text}");
    assert!(text.contains(&format!("report: {}", out.join("report.md").display())), "{text}");
    for file in [
        "manifest.json",
        "summary.json",
        "latency.csv",
        "timeseries.csv",
        "cost.csv",
        "histograms.json",
        "report.md",
        "plots/latency-cdf.png",
        "plots/timeseries.svg",
        "plots/cost-breakdown.png",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
    // Outputs can be switched off.
    let lean = scratch("run-lean");
    let output = kmsim(&[
        "run",
        "--set",
        "duration_s=2",
        "--set",
        "outputs={plots=false,histograms=false}",
        "--out",
        lean.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(!lean.join("plots").exists() && !lean.join("histograms.json").exists());
    assert!(
        lean.join("timeseries.csv").is_file()
            && !std::fs::read_to_string(lean.join("report.md")).unwrap().contains("plots/")
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 42);
    assert_eq!(manifest["overrides"][0], "duration_s=3");
    assert_eq!(manifest["scenario_sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn compare_finds_no_difference_in_a_rerun_and_fails_a_slowed_configuration() {
    let (a, b, slow) = (scratch("cmp-a"), scratch("cmp-b"), scratch("cmp-slow"));
    let scenario = scenarios_dir().join("quickstart.toml");
    let scenario = scenario.to_str().unwrap();
    for (dir, extra) in [
        (&a, None),
        (&b, None),
        (
            &slow,
            Some("world.regions.0.service_ms={Encrypt={kind=\"lognormal\",median_ms=4,p99_ms=12}}"),
        ),
    ] {
        let mut args = vec![
            "run",
            scenario,
            "--set",
            "duration_s=5",
            "--out",
            dir.to_str().unwrap(),
            "--quiet",
        ];
        if let Some(extra) = extra {
            args.extend(["--set", extra]);
        }
        let output = kmsim(&args);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let same = kmsim(&["compare", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(same.status.code(), Some(0));
    assert!(stdout(&same).starts_with("no difference"), "{}", stdout(&same));
    let slowed = kmsim(&["compare", a.to_str().unwrap(), slow.to_str().unwrap()]);
    assert_eq!(slowed.status.code(), Some(1), "{}", stdout(&slowed));
    let table = stdout(&slowed);
    let row = table
        .lines()
        .find(|l| l.starts_with("Encrypt us-east-1 OK latency_us_p50"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(row.ends_with("REGRESSED"), "{table}");
    assert!(table.trim_end().ends_with("tolerance 5.0%: regression"), "{table}");
}

#[test]
fn plan_finds_the_smallest_capacity_that_holds_the_slo_through_an_az_loss() {
    let scenario = scenarios_dir().join("az-failure.toml");
    let output = kmsim(&[
        "plan",
        scenario.to_str().unwrap(),
        "--min",
        "2",
        "--max",
        "8",
        "--slo-p99-ms",
        "3000",
        "--slo-error-rate",
        "0.001",
        "--set",
        "duration_s=40",
        "--json",
        "--quiet",
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let plan: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let answer = plan["answer"].as_u64().unwrap();
    // Check both sides independently of the search: the answer holds, one less does not.
    let error_rate = |hsms: u64| {
        let file = load(
            &scenario,
            &["duration_s=40".into(), format!("world.regions.0.hsms_per_az={hsms}")],
        )
        .unwrap();
        let report = Simulation::new(file.scenario, file.seed.unwrap()).run_checked();
        (report.counters.completed - report.counters.ok) as f64 / report.counters.completed as f64
    };
    assert!(error_rate(answer) <= 0.001, "{answer}: {}", error_rate(answer));
    assert!(error_rate(answer - 1) > 0.001, "{}: {}", answer - 1, error_rate(answer - 1));
}

trait RunChecked {
    fn run_checked(self) -> sim::Report;
}

impl RunChecked for Result<Simulation, sim::SimError> {
    fn run_checked(self) -> sim::Report {
        self.unwrap().run()
    }
}

#[test]
fn sharded_sweeps_merge_into_exactly_the_unsharded_sweep() {
    let scenario = scenarios_dir().join("quickstart.toml");
    let scenario = scenario.to_str().unwrap();
    let (whole, one, two, merged) =
        (scratch("sw-whole"), scratch("sw-1"), scratch("sw-2"), scratch("sw-merged"));
    let sweep = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            "sweep",
            scenario,
            "--param",
            "world.regions.0.hsms_per_az=1,2",
            "--param",
            "workloads.0.arrivals.rate_per_s=500,1000",
            "--seeds",
            "1,2",
            "--set",
            "duration_s=2",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ];
        args.extend_from_slice(extra);
        let output = kmsim(&args);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    };
    sweep(&whole, &["--jobs", "2"]);
    sweep(&one, &["--shard", "1/2"]);
    sweep(&two, &["--shard", "2/2"]);
    let output = kmsim(&[
        "merge",
        one.to_str().unwrap(),
        two.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let table = std::fs::read_to_string(whole.join("sweep.csv")).unwrap();
    assert_eq!(table.lines().count(), 1 + 8);
    assert_eq!(std::fs::read_to_string(merged.join("sweep.csv")).unwrap(), table);
    for index in 0..8 {
        let name = format!("points/{index:05}.json");
        assert_eq!(
            std::fs::read(merged.join(&name)).unwrap(),
            std::fs::read(whole.join(&name)).unwrap(),
            "{name}"
        );
    }
}

/// `grant_propagation_ms` becomes the engines' grant propagation delay; a value that is
/// not a number from 0 to one hour is refused at its line and column.
#[test]
fn grant_propagation_ms_is_read_and_checked() {
    let text = std::fs::read_to_string(scenarios_dir().join("quickstart.toml")).unwrap();
    let with = |value: &str| {
        let edited = text.replacen(
            "duration_s = 60\n",
            &format!("duration_s = 60\ngrant_propagation_ms = {value}\n"),
            1,
        );
        parse(&edited, "quickstart.toml", &scenarios_dir(), &[])
    };
    let absent = parse(&text, "quickstart.toml", &scenarios_dir(), &[]).unwrap();
    assert_eq!(absent.scenario.grant_propagation_ns, 0, "at once by default");
    assert_eq!(with("1500").unwrap().scenario.grant_propagation_ns, 1_500_000_000);
    assert_eq!(with("0.5").unwrap().scenario.grant_propagation_ns, 500_000);
    for (value, message) in [
        (
            "-1",
            "quickstart.toml:10:24: expected a grant propagation delay from 0 to 3600000 ms, got -1",
        ),
        (
            "7200000",
            "quickstart.toml:10:24: expected a grant propagation delay from 0 to 3600000 ms, got 7200000",
        ),
        (
            "nan",
            "quickstart.toml:10:24: expected a grant propagation delay from 0 to 3600000 ms, got NaN",
        ),
        ("\"soon\"", "quickstart.toml:10:24: invalid type: string \"soon\", expected f64"),
    ] {
        assert_eq!(with(value).unwrap_err().to_string(), message, "{value}");
    }
    let overridden =
        load(&scenarios_dir().join("quickstart.toml"), &["grant_propagation_ms=250".to_owned()])
            .unwrap();
    assert_eq!(overridden.scenario.grant_propagation_ns, 250_000_000);
}

#[test]
fn nonsense_settings_are_refused_not_run() {
    let quickstart = scenarios_dir().join("quickstart.toml");
    let refused = |set: &str| load(&quickstart, &[set.to_owned()]).unwrap_err().message;
    assert_eq!(refused("interval_s=0"), "expected an interval of at least 0.001 s, got 0");
    assert_eq!(refused("month_days=0"), "expected month_days from 1 to 3650, got 0");
    let az = scenarios_dir().join("az-failure.toml");
    let error = load(&az, &["client.attempt_timeout_ms=0".to_owned()]).unwrap_err();
    assert_eq!(error.message, "expected a timeout of at least 0.001 ms, got 0");
    assert!(
        error.source.ends_with("az-failure.toml with --set client.attempt_timeout_ms=0"),
        "{error}"
    );
    let output =
        kmsim(&["plan", quickstart.to_str().unwrap(), "--min", "9", "--max", "3", "--quiet"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--min 9 is above --max 3"));
}

#[test]
fn a_key_deleted_mid_run_ends_its_traffic_without_breaking_an_invariant() {
    let text = r#"
schema_version = 1
name = "deletion"
seed = 4
duration_s = 691200
interval_s = 3600
[world]
[[world.regions]]
name = "us-east-1"
hsms_per_az = 1
[[keys]]
name = "doomed"
count = 1
region = "us-east-1"
[[workloads]]
name = "app"
region = "us-east-1"
keys = "doomed"
arrivals = { kind = "poisson", rate_per_s = 0.05 }
mix = { Encrypt = 1, Decrypt = 2 }
[[actions]]
at_s = 3600
kind = "schedule_key_deletion"
keys = "doomed"
pending_window_days = 7
"#;
    let file = parse(text, "deletion.toml", Path::new("."), &[]).unwrap();
    let report = Simulation::new(file.scenario, 4).unwrap().run();
    // Before the window: successes; during it: KMSInvalidState; after: NotFound.
    let outcome = |name: &str| {
        report.latency.iter().filter(|r| r.outcome == name).map(|r| r.count).sum::<u64>()
    };
    assert!(
        outcome("OK") > 100 && outcome("KMSInvalidStateException") > 1_000,
        "{:?}",
        report.latency
    );
    assert!(outcome("NotFoundException") > 100, "{:?}", report.latency);
    // Billed for the hour before the deletion was scheduled: 3,600 of 691,200 s, projected
    // to a 30-day month, rounded up to whole hours.
    assert_eq!(report.cost.lines[0].quantity, (3_600 * 2_592_000 / 691_200_u64).div_ceil(3_600));
}
