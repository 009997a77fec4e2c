//! Alarm rules in scenarios: `scenarios/alarms.toml` raises each alarm when its condition
//! begins, the same seed writes byte-identical results, and broken `[[alarms]]` tables get
//! one clear error with file, line and column.

use std::path::{Path, PathBuf};

use sim::Simulation;
use sim::report::{Manifest, RESULTS_SCHEMA_VERSION};
use sim::scenario_file::{ScenarioFile, load, parse};
use sim::simulation::AlarmRow;

const SECOND_NS: u64 = 1_000_000_000;

fn alarms_toml() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/alarms.toml")
}

fn scenario(overrides: &[&str]) -> ScenarioFile {
    let overrides: Vec<String> = overrides.iter().map(|&o| o.to_owned()).collect();
    load(&alarms_toml(), &overrides).unwrap_or_else(|e| panic!("{e}"))
}

fn the<'a>(alarms: &'a [AlarmRow], rule: &str) -> &'a AlarmRow {
    let mut matching = alarms.iter().filter(|a| a.rule == rule);
    let alarm = matching.next().unwrap_or_else(|| panic!("no `{rule}` alarm: {alarms:#?}"));
    assert!(matching.next().is_none(), "one `{rule}` alarm: {alarms:#?}");
    alarm
}

/// `ns` lies in [`from_s`, `to_s`) seconds.
#[track_caller]
fn within(ns: u64, from_s: u64, to_s: u64) {
    assert!(
        (from_s * SECOND_NS..to_s * SECOND_NS).contains(&ns),
        "{ns} ns not in [{from_s} s, {to_s} s)"
    );
}

#[test]
fn each_alarm_is_raised_when_its_condition_begins() {
    let file = scenario(&[]);
    let report = Simulation::new(file.scenario, file.seed.unwrap()).unwrap().run();
    let alarms = &report.alarms;
    assert_eq!(alarms.len(), 5, "{alarms:#?}");
    let raised: Vec<u64> = alarms.iter().map(|a| a.raised_ns).collect();
    assert!(raised.is_sorted(), "in the order they were raised: {raised:?}");

    // The legacy key is disabled at 20 s and enabled at 60 s; its client calls twice a second.
    let disabled = the(alarms, "disabled key still used");
    assert_eq!(disabled.kind, "disabled_key_used");
    assert_eq!(disabled.error_code, Some("DisabledException"));
    assert_eq!(disabled.principal_arn, "arn:aws:iam::111122223333:role/legacy-reports");
    within(disabled.raised_ns, 20, 22);
    assert_eq!(disabled.first_event_ns, disabled.raised_ns, "the first refused call raises it");
    within(disabled.last_event_ns, 58, 60);
    assert!(disabled.count > 40, "every refused call while disabled: {disabled:?}");

    // The orders key is scheduled for deletion at 30 s and refused from then to the end.
    let pending = the(alarms, "key pending deletion still used");
    assert_eq!(pending.kind, "key_pending_deletion_used");
    assert_eq!(pending.error_code, Some("KMSInvalidStateException"));
    assert_eq!(pending.principal_arn, "arn:aws:iam::111122223333:role/orders-service");
    within(pending.raised_ns, 30, 31);
    within(pending.last_event_ns, 89, 90);
    assert_ne!(pending.key_arn, disabled.key_arn);

    // 21 refused Decrypts (three quarters of 4/s) take about 7 s.
    let decrypts = the(alarms, "decrypts refused by key state");
    assert_eq!((decrypts.kind, decrypts.event_name), ("error_rate", "Decrypt"));
    assert_eq!(decrypts.key_arn, pending.key_arn);
    within(decrypts.raised_ns, 33, 45);
    assert!(decrypts.first_event_ns >= pending.raised_ns && decrypts.count >= 21);

    // The batch job bursts from 45 s to 55 s over its account's quota of 60/s.
    let throttled = the(alarms, "account throttled");
    assert_eq!((throttled.key_arn.as_deref(), throttled.account.as_str()), (None, "444455556666"));
    assert_eq!(throttled.error_code, Some("ThrottlingException"));
    within(throttled.raised_ns, 45, 48);
    assert_eq!(throttled.count, report.counters.throttles, "every throttle was the batch job's");
    let runaway = the(alarms, "runaway client");
    assert_eq!((runaway.kind, runaway.account.as_str()), ("call_volume", "444455556666"));
    assert!(runaway.key_arn.as_deref().is_some_and(|arn| arn.contains(":444455556666:key/")));
    within(runaway.raised_ns, 46, 55);
}

#[test]
fn the_same_seed_writes_byte_identical_alarms() {
    let run = |seed: u64| {
        let file = scenario(&["outputs={plots=false}"]);
        (file.scenario.clone(), Simulation::new(file.scenario, seed).unwrap().run())
    };
    let (scenario, one) = run(11);
    let (_, two) = run(11);
    assert_eq!(
        serde_json::to_string(&one.alarms).unwrap(),
        serde_json::to_string(&two.alarms).unwrap()
    );
    let (_, other) = run(12);
    assert_ne!(one.alarms, other.alarms, "another seed, other times");
    // Written out: every results file but the manifest is byte-identical.
    let manifest = Manifest {
        schema_version: RESULTS_SCHEMA_VERSION,
        seed: 11,
        scenario: scenario.name.clone(),
        scenario_file: None,
        scenario_sha256: "built-in".to_owned(),
        overrides: Vec::new(),
        command: Vec::new(),
        commit: None,
        kmsim_version: "test",
        provider: scenario.provider.as_str(),
    };
    let dirs: Vec<PathBuf> = ["one", "two"]
        .iter()
        .map(|name| {
            let dir =
                std::env::temp_dir().join(format!("kmsim-it-alarms-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            dir
        })
        .collect();
    sim::report::write(&dirs[0], &scenario, &one, &manifest).unwrap();
    sim::report::write(&dirs[1], &scenario, &two, &manifest).unwrap();
    let summary = std::fs::read_to_string(dirs[0].join("summary.json")).unwrap();
    assert!(summary.contains("\"rule\": \"key pending deletion still used\""), "{summary}");
    let report_md = std::fs::read_to_string(dirs[0].join("report.md")).unwrap();
    assert!(report_md.contains("## Alarms") && report_md.contains("| runaway client |"));
    let mut names: Vec<_> = std::fs::read_dir(&dirs[0])
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|name| name != "manifest.json")
        .collect();
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    for name in names {
        let read = |dir: &PathBuf| std::fs::read(dir.join(&name)).unwrap();
        assert!(read(&dirs[0]) == read(&dirs[1]), "{name:?} differs between runs");
    }
    for dir in dirs {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// The error for `alarms.toml` with `from` replaced by `to`, as `file:line:column: message`.
fn broken(from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(alarms_toml()).unwrap();
    assert!(text.contains(from), "{from}");
    parse(&text.replacen(from, to, 1), "alarms.toml", Path::new("."), &[]).unwrap_err().to_string()
}

#[test]
fn broken_alarm_tables_get_one_clear_error_with_file_line_and_column() {
    assert_eq!(
        broken("kind = \"call_volume\"", "kind = \"call_rate\""),
        "alarms.toml:107:8: unknown alarm `call_rate`: expected error_rate, key_pending_deletion_used, disabled_key_used or call_volume"
    );
    assert_eq!(
        broken("threshold = 300\n", ""),
        "alarms.toml:107:8: a `call_volume` alarm needs `threshold`"
    );
    assert_eq!(
        broken("\"ThrottlingException\"", "\"ThrottledException\""),
        "alarms.toml:114:14: unknown error code `ThrottledException`: expected an AWS KMS exception name such as AccessDeniedException"
    );
    assert_eq!(
        broken("operation = \"Decrypt\"", "operation = \"Decipher\""),
        "alarms.toml:101:13: unknown operation `Decipher`: expected an AWS KMS operation name such as Decrypt"
    );
    assert_eq!(
        broken("kind = \"disabled_key_used\"", "kind = \"disabled_key_used\"\nthreshold = 3"),
        "alarms.toml:95:13: a `disabled_key_used` alarm takes no `threshold`: it fires on the first refused call of a key"
    );
    assert_eq!(
        broken("name = \"runaway client\"", "name = \"account throttled\""),
        "alarms.toml:112:8: another alarm rule is named `account throttled`: names identify the alarms"
    );
    assert_eq!(
        broken("window_s = 10", "window_s = 0"),
        "alarms.toml:109:12: expected a window of at least 1 s"
    );
    assert!(
        broken("per_key = false", "per_account = true").starts_with(
            "alarms.toml:117:1: unknown field `per_account`, expected one of `name`, `kind`, `error_code`, `operation`, `threshold`, `window_s`, `per_key`"
        ),
    );
    assert_eq!(
        broken("kind = \"enable_key\"", "kind = \"unplug_key\""),
        "alarms.toml:84:8: unknown action `unplug_key`: expected rotate_on_demand, schedule_key_deletion, cancel_key_deletion, disable_key or enable_key"
    );
}

#[test]
fn every_regions_engine_evaluates_the_rules() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/multi-region-dr.toml");
    let rule = "alarms=[{name=\"busy\",kind=\"call_volume\",threshold=1000000,window_s=1}]";
    let file = load(&path, &[rule.to_owned()]).unwrap_or_else(|e| panic!("{e}"));
    let regions: Vec<engine::Region> =
        file.scenario.world.regions.iter().map(|r| r.region).collect();
    assert!(regions.len() > 1);
    let simulation = Simulation::new(file.scenario, 1).unwrap();
    for region in regions {
        let rules = simulation.engine(region).unwrap().alarm_rules();
        assert_eq!(rules.len(), 1, "{region}");
        assert_eq!(rules[0].name(), "busy");
    }
}
