//! Alarms on the audit stream: every rule kind fires when it should and not otherwise, at
//! the threshold's boundary and the window's edge; alarms grow, then re-arm; per key and per
//! account; with the count-only sink; deterministic; and never holding a secret.

use engine::alarms::{Alarm, AlarmKind, AlarmRule, validate};
use engine::api::*;
use engine::audit::AuditSink;
use engine::quota::{QuotaClass, QuotaConfig, RequestRate};
use engine::spec::DataKeySpec;
use engine::{CallContext, Engine, EngineConfig, ErrorKind, KeyArn, KeyId, Region, Timestamp};

use crate::support::*;

/// `T0` plus `seconds`.
fn at(seconds: u64) -> Timestamp {
    T0.plus_nanos(seconds * 1_000_000_000)
}

/// `T0` plus `millis`.
fn at_ms(millis: u64) -> Timestamp {
    T0.plus_nanos(millis * 1_000_000)
}

/// An engine like the fixtures' (every record kept, quotas off) with `rules`.
fn engine_with_rules(rules: Vec<AlarmRule>) -> Engine {
    engine_with_rules_and_sink(rules, AuditSink::KeepAll)
}

fn engine_with_rules_and_sink(rules: Vec<AlarmRule>, sink: AuditSink) -> Engine {
    validate(&rules).unwrap();
    Engine::new(
        EngineConfig::new(Region::US_EAST_1, 7)
            .with_audit_sink(sink)
            .with_quotas(QuotaConfig::disabled())
            .with_alarm_rules(rules),
    )
}

fn decrypt_denied(threshold: u64, window_s: u64, per_key: bool) -> AlarmRule {
    AlarmRule::ErrorRate {
        name: "decrypt denied".to_owned(),
        error_code: ErrorKind::AccessDenied,
        operation: Some(Operation::Decrypt),
        threshold,
        window_s,
        per_key,
    }
}

fn pending_deletion_used() -> AlarmRule {
    AlarmRule::KeyPendingDeletionUsed {
        name: "pending deletion used".to_owned(),
        operation: None,
        window_s: 300,
    }
}

fn disabled_used(operation: Option<Operation>) -> AlarmRule {
    AlarmRule::DisabledKeyUsed { name: "disabled used".to_owned(), operation, window_s: 300 }
}

fn volume(threshold: u64, window_s: u64, per_key: bool) -> AlarmRule {
    AlarmRule::CallVolume {
        name: "volume".to_owned(),
        operation: None,
        threshold,
        window_s,
        per_key,
    }
}

/// `rule` under another name.
fn renamed(mut rule: AlarmRule, new_name: &str) -> AlarmRule {
    match &mut rule {
        AlarmRule::ErrorRate { name, .. }
        | AlarmRule::KeyPendingDeletionUsed { name, .. }
        | AlarmRule::DisabledKeyUsed { name, .. }
        | AlarmRule::CallVolume { name, .. } => *name = new_name.to_owned(),
    }
    rule
}

fn arn(kms: &mut Engine, key: KeyId) -> KeyArn {
    kms.describe_key(&alice(), DescribeKeyRequest::new(key)).unwrap().key_metadata.arn
}

/// Alice's new key and one ciphertext under it.
fn key_and_blob(kms: &mut Engine) -> (KeyId, Vec<u8>) {
    let key = symmetric_key(kms, &alice());
    let blob = kms.encrypt(&alice(), EncryptRequest::new(key, "x")).unwrap().ciphertext_blob;
    (key, blob)
}

/// Mallory (another account) tries to decrypt `blob` at `when`: AccessDeniedException.
fn mallory_decrypts(kms: &mut Engine, blob: &[u8], when: Timestamp) {
    let denied = kms.decrypt(&mallory().at(when), DecryptRequest::new(blob.to_vec())).unwrap_err();
    assert_eq!(denied.kind, ErrorKind::AccessDenied);
}

fn times(alarm: &Alarm) -> (Timestamp, Timestamp, Timestamp, u64) {
    (alarm.raised_time, alarm.first_event_time, alarm.last_event_time, alarm.count)
}

#[test]
fn error_rate_fires_on_one_more_than_the_threshold_not_on_the_threshold() {
    let mut kms = engine_with_rules(vec![decrypt_denied(3, 60, true)]);
    let (key, blob) = key_and_blob(&mut kms);
    let key_arn = arn(&mut kms, key);
    // Denied Encrypts are another operation: the rule does not count them.
    for _ in 0..10 {
        let denied = kms.encrypt(&mallory(), EncryptRequest::new(key_arn, "x"));
        assert_eq!(denied.unwrap_err().kind, ErrorKind::AccessDenied);
    }
    // Exactly the threshold within a minute: normal.
    for s in [0, 10, 20] {
        mallory_decrypts(&mut kms, &blob, at(s));
    }
    assert!(kms.alarms().is_empty(), "{:?}", kms.alarms());
    // One more: the alarm.
    mallory_decrypts(&mut kms, &blob, at(30));
    let [alarm] = kms.alarms() else { panic!("one alarm: {:?}", kms.alarms()) };
    assert_eq!((alarm.rule.as_str(), alarm.kind), ("decrypt denied", AlarmKind::ErrorRate));
    assert_eq!(alarm.region, Region::US_EAST_1);
    assert_eq!(alarm.key_arn, Some(key_arn));
    assert_eq!(alarm.account, alice().account(), "a per-key alarm is the key owner's");
    assert_eq!(times(alarm), (at(30), at(0), at(30), 4));
    assert_eq!(alarm.sample.event_name, "Decrypt");
    assert_eq!(alarm.sample.error_code, Some("AccessDeniedException"));
    assert_eq!(alarm.sample.principal_arn, mallory().principal);
    // Alice's own successful decrypts are not failures.
    kms.decrypt(&alice().at(at(31)), DecryptRequest::new(blob)).unwrap();
    assert_eq!(kms.alarms()[0].count, 4);
}

#[test]
fn events_spread_wider_than_the_window_do_not_fire() {
    let mut kms = engine_with_rules(vec![decrypt_denied(2, 60, true)]);
    let (_, blob) = key_and_blob(&mut kms);
    // Every window (t - 60 s, t] holds at most two: at 60 s the event at 0 s has just left.
    for s in [0, 30, 60, 90, 120] {
        mallory_decrypts(&mut kms, &blob, at(s));
    }
    assert!(kms.alarms().is_empty(), "{:?}", kms.alarms());
    // 90, 120 and 121 fit in one minute.
    mallory_decrypts(&mut kms, &blob, at(121));
    assert_eq!(times(&kms.alarms()[0]), (at(121), at(90), at(121), 3));
}

#[test]
fn an_alarm_grows_while_its_condition_lasts_and_re_arms_after_a_quiet_window() {
    let mut kms = engine_with_rules(vec![decrypt_denied(2, 10, true)]);
    let (_, blob) = key_and_blob(&mut kms);
    for s in [0, 1, 2] {
        mallory_decrypts(&mut kms, &blob, at(s));
    }
    assert_eq!(times(&kms.alarms()[0]), (at(2), at(0), at(2), 3));
    // At 11 s only two events are in the window, but the condition held less than a window
    // ago (at 2 s): the incident is still open, and the event adds to it.
    mallory_decrypts(&mut kms, &blob, at(11));
    assert_eq!(times(&kms.alarms()[0]), (at(2), at(0), at(11), 4));
    // At 13 s a window has passed since then: the rule re-arms, and the condition does not
    // hold (11 s and 13 s); at 14 s it holds again, and that is a new incident.
    mallory_decrypts(&mut kms, &blob, at(13));
    assert_eq!(kms.alarms().len(), 1);
    mallory_decrypts(&mut kms, &blob, at(14));
    assert_eq!(kms.alarms().len(), 2);
    assert_eq!(times(&kms.alarms()[0]), (at(2), at(0), at(11), 4), "the first is closed");
    assert_eq!(times(&kms.alarms()[1]), (at(14), at(11), at(14), 3));
}

#[test]
fn a_steady_rate_just_over_the_threshold_is_one_incident() {
    // Six a minute, evenly spaced, against "more than five a minute": every event pushes the
    // oldest out and the condition holds at each one; it never flaps.
    let mut kms = engine_with_rules(vec![decrypt_denied(5, 60, true)]);
    let (_, blob) = key_and_blob(&mut kms);
    for s in (0..600).step_by(10) {
        mallory_decrypts(&mut kms, &blob, at(s));
    }
    let [alarm] = kms.alarms() else { panic!("one alarm: {:?}", kms.alarms()) };
    assert_eq!(times(alarm), (at(50), at(0), at(590), 60));
}

#[test]
fn per_account_rules_add_up_a_callers_keys_and_per_key_rules_do_not() {
    let per_account = renamed(decrypt_denied(2, 60, false), "denied in an account");
    let mut kms = engine_with_rules(vec![decrypt_denied(2, 60, true), per_account]);
    for s in 0..3 {
        let (_, blob) = key_and_blob(&mut kms);
        mallory_decrypts(&mut kms, &blob, at(s));
    }
    let [alarm] = kms.alarms() else { panic!("one alarm: {:?}", kms.alarms()) };
    assert_eq!(alarm.rule, "denied in an account");
    assert_eq!((alarm.key_arn, alarm.account), (None, mallory().account()), "the caller's");
    assert_eq!(times(alarm), (at(2), at(0), at(2), 3));
}

#[test]
fn calls_that_name_no_key_count_only_per_account() {
    let throttled = |per_key| AlarmRule::ErrorRate {
        name: format!("throttled per key {per_key}"),
        error_code: ErrorKind::Throttling,
        operation: None,
        threshold: 0,
        window_s: 60,
        per_key,
    };
    let quotas =
        QuotaConfig::default().with_rate(QuotaClass::CryptoSymmetric, RequestRate::per_second(2));
    let mut kms = Engine::new(
        EngineConfig::new(Region::US_EAST_1, 7)
            .with_audit_sink(AuditSink::CountOnly)
            .with_quotas(quotas)
            .with_alarm_rules(vec![throttled(true), throttled(false)]),
    );
    let key = symmetric_key(&mut kms, &alice());
    let outcomes: Vec<_> =
        (0..3).map(|_| kms.encrypt(&alice(), EncryptRequest::new(key, "x")).map(|_| ())).collect();
    assert_eq!(outcomes[2].as_ref().unwrap_err().kind, ErrorKind::Throttling);
    // A throttled call's record names no key, so only the per-account rule sees it.
    let [alarm] = kms.alarms() else { panic!("one alarm: {:?}", kms.alarms()) };
    assert_eq!(alarm.rule, "throttled per key false");
    assert_eq!((alarm.key_arn, alarm.account), (None, alice().account()));
    assert_eq!(alarm.sample.error_code, Some("ThrottlingException"));
}

#[test]
fn a_key_pending_deletion_alarms_on_refused_calls_only() {
    let mut kms = engine_with_rules(vec![pending_deletion_used(), disabled_used(None)]);
    let (key, blob) = key_and_blob(&mut kms);
    let key_arn = arn(&mut kms, key);
    let ctx = alice();
    kms.schedule_key_deletion(&ctx.at(at(1)), ScheduleKeyDeletionRequest::new(key)).unwrap();
    // What the state allows is the operator, not a dependent: no alarm.
    kms.describe_key(&ctx.at(at(2)), DescribeKeyRequest::new(key)).unwrap();
    kms.list_resource_tags(&ctx.at(at(2)), ListResourceTagsRequest::new(key)).unwrap();
    assert!(kms.alarms().is_empty(), "{:?}", kms.alarms());
    // A client still decrypting: refused, and the alarm.
    let refused = kms.decrypt(&ctx.at(at(5)), DecryptRequest::new(blob.clone())).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::KmsInvalidState);
    let refused = kms
        .generate_data_key(&ctx.at(at(6)), GenerateDataKeyRequest::new(key, DataKeySpec::Aes256))
        .unwrap_err();
    assert_eq!(refused.kind, ErrorKind::KmsInvalidState);
    let [alarm] = kms.alarms() else { panic!("one alarm: {:?}", kms.alarms()) };
    assert_eq!(alarm.kind, AlarmKind::KeyPendingDeletionUsed);
    assert_eq!(alarm.key_arn, Some(key_arn));
    assert_eq!(times(alarm), (at(5), at(5), at(6), 2));
    assert_eq!(
        (alarm.sample.event_name, alarm.sample.error_code),
        ("Decrypt", Some("KMSInvalidStateException"))
    );
    // Five quiet minutes re-arm it; the next refused call is a new incident.
    kms.decrypt(&ctx.at(at(400)), DecryptRequest::new(blob.clone())).unwrap_err();
    assert_eq!(kms.alarms().len(), 2);
    assert_eq!(times(&kms.alarms()[1]), (at(400), at(400), at(400), 1));
    // Cancelled, the key is Disabled: the disabled rule takes over.
    kms.cancel_key_deletion(&ctx.at(at(401)), CancelKeyDeletionRequest::new(key)).unwrap();
    kms.decrypt(&ctx.at(at(402)), DecryptRequest::new(blob)).unwrap_err();
    assert_eq!(kms.alarms().len(), 3);
    assert_eq!(kms.alarms()[2].kind, AlarmKind::DisabledKeyUsed);
}

#[test]
fn a_disabled_key_alarms_on_refused_calls_of_the_rules_operation() {
    let decrypt_only =
        renamed(disabled_used(Some(Operation::Decrypt)), "decrypt of a disabled key");
    let mut kms = engine_with_rules(vec![disabled_used(None), decrypt_only]);
    let (key, blob) = key_and_blob(&mut kms);
    let other = symmetric_key(&mut kms, &alice());
    let ctx = alice();
    kms.disable_key(&ctx.at(at(1)), DisableKeyRequest::new(key)).unwrap();
    kms.describe_key(&ctx.at(at(2)), DescribeKeyRequest::new(key)).unwrap();
    kms.encrypt(&ctx.at(at(2)), EncryptRequest::new(other, "x")).unwrap();
    assert!(kms.alarms().is_empty(), "{:?}", kms.alarms());
    let refused = kms.encrypt(&ctx.at(at(3)), EncryptRequest::new(key, "x")).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::Disabled);
    let [alarm] = kms.alarms() else { panic!("one alarm: {:?}", kms.alarms()) };
    assert_eq!((alarm.rule.as_str(), alarm.kind), ("disabled used", AlarmKind::DisabledKeyUsed));
    assert_eq!(alarm.sample.error_code, Some("DisabledException"));
    kms.decrypt(&ctx.at(at(4)), DecryptRequest::new(blob.clone())).unwrap_err();
    assert_eq!(kms.alarms().len(), 2, "the Decrypt-only rule fires on the Decrypt");
    assert_eq!(times(&kms.alarms()[0]), (at(3), at(3), at(4), 2));
    assert_eq!(kms.alarms()[1].rule, "decrypt of a disabled key");
    // Re-enabled, the key works again and nothing more is counted.
    kms.enable_key(&ctx.at(at(5)), EnableKeyRequest::new(key)).unwrap();
    kms.decrypt(&ctx.at(at(6)), DecryptRequest::new(blob)).unwrap();
    assert_eq!(kms.alarms()[0].count, 2);
}

#[test]
fn call_volume_counts_every_outcome_per_key_or_per_account() {
    let per_account = renamed(volume(8, 1, false), "account volume");
    let mut kms = engine_with_rules(vec![volume(5, 1, true), per_account]);
    let (busy, _) = key_and_blob(&mut kms);
    let quiet = symmetric_key(&mut kms, &alice());
    let ctx = alice();
    // Setup made three calls at T0; the windows start from 10 s.
    // Five calls on the busy key within a second, one of them refused: at the threshold.
    for ms in [0, 100, 200, 300] {
        kms.encrypt(&ctx.at(at_ms(10_000 + ms)), EncryptRequest::new(busy, "x")).unwrap();
    }
    kms.encrypt(&ctx.at(at_ms(10_400)), EncryptRequest::new(busy, "x").with_dry_run(true))
        .unwrap_err();
    // Three on the other key: per key nothing, per account 8.
    for ms in [500, 600, 700] {
        kms.encrypt(&ctx.at(at_ms(10_000 + ms)), EncryptRequest::new(quiet, "x")).unwrap();
    }
    assert!(kms.alarms().is_empty(), "{:?}", kms.alarms());
    // The sixth on the busy key trips both.
    kms.encrypt(&ctx.at(at_ms(10_999)), EncryptRequest::new(busy, "x")).unwrap();
    let [key_alarm, account_alarm] = kms.alarms() else { panic!("two alarms: {:?}", kms.alarms()) };
    assert_eq!((key_alarm.kind, key_alarm.count), (AlarmKind::CallVolume, 6));
    assert_eq!(key_alarm.first_event_time, at_ms(10_000));
    assert_eq!(key_alarm.sample.error_code, None);
    assert_eq!((account_alarm.key_arn, account_alarm.count), (None, 9));
}

/// The same calls, with `rules`, on a fresh engine with `sink`.
fn scripted(rules: Vec<AlarmRule>, sink: AuditSink) -> (Engine, Vec<u8>) {
    let mut kms = engine_with_rules_and_sink(rules, sink);
    let (key, blob) = key_and_blob(&mut kms);
    for s in 0..5 {
        mallory_decrypts(&mut kms, &blob, at(s));
    }
    kms.disable_key(&alice().at(at(10)), DisableKeyRequest::new(key)).unwrap();
    kms.encrypt(&alice().at(at(11)), EncryptRequest::new(key, "x")).unwrap_err();
    kms.enable_key(&alice().at(at(12)), EnableKeyRequest::new(key)).unwrap();
    kms.schedule_key_deletion(&alice().at(at(13)), ScheduleKeyDeletionRequest::new(key)).unwrap();
    kms.decrypt(&alice().at(at(14)), DecryptRequest::new(blob.clone())).unwrap_err();
    let fresh = symmetric_key(&mut kms, &alice().at(at(15)));
    let sealed = kms.encrypt(&alice().at(at(15)), EncryptRequest::new(fresh, "y")).unwrap();
    (kms, sealed.ciphertext_blob)
}

fn every_rule() -> Vec<AlarmRule> {
    vec![
        decrypt_denied(2, 60, true),
        pending_deletion_used(),
        disabled_used(None),
        volume(3, 60, true),
    ]
}

#[test]
fn the_count_only_sink_raises_the_same_alarms() {
    let (kept, _) = scripted(every_rule(), AuditSink::KeepAll);
    let (counted, _) = scripted(every_rule(), AuditSink::CountOnly);
    assert_eq!(counted.audit_log().records().len(), 0);
    let kinds: Vec<AlarmKind> = kept.alarms().iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [
            AlarmKind::CallVolume,
            AlarmKind::ErrorRate,
            AlarmKind::DisabledKeyUsed,
            AlarmKind::KeyPendingDeletionUsed
        ]
    );
    assert_eq!(kept.alarms(), counted.alarms());
}

#[test]
fn alarms_are_deterministic_and_change_no_response() {
    let (one, sealed_one) = scripted(every_rule(), AuditSink::KeepAll);
    let (two, sealed_two) = scripted(every_rule(), AuditSink::KeepAll);
    assert_eq!(
        serde_json::to_string(one.alarms()).unwrap(),
        serde_json::to_string(two.alarms()).unwrap()
    );
    let (none, sealed_none) = scripted(Vec::new(), AuditSink::KeepAll);
    assert!(none.alarms().is_empty() && none.alarm_rules().is_empty());
    assert_eq!(sealed_one, sealed_two);
    assert_eq!(sealed_one, sealed_none, "rules draw no randomness and change no answer");
    assert_eq!(
        one.audit_log().records().map(|r| r.event_id.clone()).collect::<Vec<_>>(),
        none.audit_log().records().map(|r| r.event_id.clone()).collect::<Vec<_>>()
    );
}

#[test]
fn no_secret_reaches_an_alarm() {
    const SECRET: &str = "ALARM-SECRET-PLAINTEXT-5eed";
    let per_account = renamed(volume(0, 60, false), "account volume");
    let mut kms = engine_with_rules(vec![volume(0, 60, true), per_account]);
    let ctx: CallContext = alice().with_source_ip("192.0.2.7".parse().unwrap());
    let key = symmetric_key(&mut kms, &ctx);
    let sealed = kms.encrypt(&ctx, EncryptRequest::new(key, SECRET)).unwrap();
    let data_key =
        kms.generate_data_key(&ctx, GenerateDataKeyRequest::new(key, DataKeySpec::Aes256)).unwrap();
    kms.decrypt(&ctx, DecryptRequest::new(sealed.ciphertext_blob.clone())).unwrap();
    kms.decrypt(&ctx, DecryptRequest::new(data_key.ciphertext_blob.clone())).unwrap();
    let text = format!("{:?}\n{}", kms.alarms(), serde_json::to_string(kms.alarms()).unwrap());
    assert_eq!(kms.alarms().len(), 2);
    assert_eq!(kms.alarms()[0].sample.source_ip_address.as_deref(), Some("192.0.2.7"));
    crate::audit::assert_absent(&text, "plaintext", SECRET.as_bytes());
    crate::audit::assert_absent(&text, "data key", data_key.plaintext.expose());
    crate::audit::assert_absent(&text, "ciphertext", &sealed.ciphertext_blob[78..]);
    crate::audit::assert_absent(&text, "data key ciphertext", &data_key.ciphertext_blob[78..]);
}

#[test]
fn rules_read_from_json_and_are_checked() {
    let rules: Vec<AlarmRule> = serde_json::from_str(
        r#"[
            {"kind": "error_rate", "name": "decrypt denied", "error_code": "AccessDeniedException",
             "operation": "Decrypt", "threshold": 3, "window_s": 60},
            {"kind": "key_pending_deletion_used", "name": "pending deletion used"},
            {"kind": "disabled_key_used", "name": "disabled used", "window_s": 300},
            {"kind": "call_volume", "name": "volume", "threshold": 5, "window_s": 1}
        ]"#,
    )
    .unwrap();
    assert_eq!(
        rules,
        [
            decrypt_denied(3, 60, true),
            pending_deletion_used(),
            disabled_used(None),
            volume(5, 1, true)
        ]
    );
    // And back: what a server would show.
    let json = serde_json::to_string(&rules[0]).unwrap();
    assert_eq!(
        json,
        r#"{"kind":"error_rate","name":"decrypt denied","error_code":"AccessDeniedException","operation":"Decrypt","threshold":3,"window_s":60,"per_key":true}"#
    );
    let refused = |json: &str| serde_json::from_str::<AlarmRule>(json).unwrap_err().to_string();
    assert!(
        refused(r#"{"kind": "error_rate", "name": "x", "error_code": "Denied", "threshold": 1, "window_s": 1}"#)
            .starts_with("unknown error code `Denied`: expected an AWS KMS exception name"),
    );
    assert!(
        refused(r#"{"kind": "call_volume", "name": "x", "operation": "Crypt", "threshold": 1, "window_s": 1}"#)
            .starts_with("unknown operation `Crypt`"),
    );
    assert!(
        refused(r#"{"kind": "disabled_key_used", "name": "x", "threshold": 1}"#)
            .starts_with("unknown field `threshold`"),
    );
    assert!(refused(r#"{"kind": "louder", "name": "x"}"#).starts_with("unknown variant `louder`"));
    assert_eq!(
        validate(&[volume(1, 1, true), volume(2, 2, true)]).unwrap_err(),
        "two alarm rules are named `volume`: names identify the alarms they raise"
    );
    assert_eq!(
        validate(&[volume(1, 0, true)]).unwrap_err(),
        "alarm rule `volume`: window_s must be at least 1"
    );
    assert!(
        format!("{:?}", EngineConfig::new(Region::US_EAST_1, 1).with_alarm_rules(rules))
            .contains("alarm_rules: [ErrorRate { name: \"decrypt denied\"")
    );
}
