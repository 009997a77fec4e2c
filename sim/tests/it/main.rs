//! Integration tests of the `sim` crate and the `kmsim` binary.

// Helpers outside `#[test]` functions unwrap too: a failure there is the test failing.
#![expect(clippy::unwrap_used, reason = "test helpers; a panic is the test failing")]

mod alarms;
mod pricing;
mod queueing;
mod scenarios;
mod serve;
mod simulation;

use engine::crypto::ProviderKind;
use sim::{SmokeConfig, smoke};

fn config(seed: u64, provider: ProviderKind) -> SmokeConfig {
    SmokeConfig { seed, provider, keys: 4, requests: 400 }
}

#[test]
fn smoke_is_deterministic_and_seed_sensitive() {
    let first = smoke(config(9, ProviderKind::AwsLcRs));
    assert_eq!(first, smoke(config(9, ProviderKind::AwsLcRs)));
    let other = smoke(config(10, ProviderKind::AwsLcRs));
    assert_ne!(first.response_fingerprint, other.response_fingerprint);
    // The providers compute the same bytes from the same seed.
    let rust_crypto = smoke(config(9, ProviderKind::RustCrypto));
    assert_eq!(first.response_fingerprint, rust_crypto.response_fingerprint);
}

#[test]
fn smoke_exercises_the_call_path() {
    let summary = smoke(config(3, ProviderKind::AwsLcRs));
    let ok = |op: &str| summary.outcomes.get(op).and_then(|o| o.get("OK")).copied().unwrap_or(0);
    assert!(ok("Encrypt") > 0 && ok("Decrypt") > 0 && ok("GenerateDataKey") > 0);
    assert_eq!(ok("GenerateMac"), ok("VerifyMac"));
    assert!(summary.outcomes["Decrypt"]["InvalidCiphertextException"] > 0, "wrong contexts fail");
    assert_eq!(summary.keys_deleted, 1);
    assert!(
        summary.outcomes["Encrypt"].contains_key("NotFoundException"),
        "the deleted key is gone"
    );
    assert_eq!(summary.audit_events_total, summary.requests_total + summary.keys_deleted);
}

#[test]
fn kmsim_smoke_prints_the_seed_first() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kmsim"))
        .args(["smoke", "--seed", "5", "--requests", "50"])
        .output()
        .expect("kmsim runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(stdout.trim_start().starts_with("{\n  \"seed\": 5,"), "{stdout}");
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_kmsim"))
        .args(["smoke", "--provider", "openssl"])
        .output()
        .expect("kmsim runs");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown crypto provider 'openssl'"));
}
