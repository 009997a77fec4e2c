//! Request-rate quotas through the engine: the documented bucket semantics, independence of
//! classes and accounts, and that a throttled call changes nothing.

use engine::api::*;
use engine::audit::AuditSink;
use engine::quota::{QuotaClass, QuotaConfig, RequestRate};
use engine::{Engine, EngineConfig, ErrorKind, Region};

use crate::support::*;

/// An engine with AWS's quotas, the symmetric one set to 10,000/s.
fn engine_10k() -> Engine {
    let quotas = QuotaConfig::default()
        .with_rate(QuotaClass::CryptoSymmetric, RequestRate::per_second(10_000));
    Engine::new(
        EngineConfig::new(Region::US_EAST_1, 1)
            .with_audit_sink(AuditSink::CountOnly)
            .with_quotas(quotas),
    )
}

/// Sends `n` Encrypts at `now`; returns how many were throttled.
fn burst(kms: &mut Engine, ctx: &engine::CallContext, key: engine::KeyId, n: u32) -> u32 {
    let mut throttled = 0;
    for _ in 0..n {
        match kms.encrypt(ctx, EncryptRequest::new(key, "x")) {
            Ok(_) => {}
            Err(e) if e.kind == ErrorKind::Throttling => throttled += 1,
            Err(e) => panic!("unexpected {e}"),
        }
    }
    throttled
}

#[test]
fn a_burst_beyond_one_second_of_quota_throttles_exactly_the_excess() {
    let mut kms = engine_10k();
    let ctx = alice();
    let key = symmetric_key(&mut kms, &ctx);
    // A full bucket holds one second of the rate: 10,000 pass at one instant, 2,000 do not.
    assert_eq!(burst(&mut kms, &ctx, key, 12_000), 2_000);
    // Refill is linear: 100 ms later exactly 1,000 more pass.
    let later = ctx.at(T0.plus_nanos(100_000_000));
    assert_eq!(burst(&mut kms, &later, key, 1_500), 500);
    // After a second of quiet the bucket is full again, and no fuller.
    let much_later = ctx.at(T0.plus_days(1));
    assert_eq!(burst(&mut kms, &much_later, key, 10_001), 1);
}

#[test]
fn quota_classes_and_accounts_are_independent() {
    let mut kms = engine_10k();
    let (ctx, other) = (alice(), mallory());
    let key = symmetric_key(&mut kms, &ctx);
    let other_key = symmetric_key(&mut kms, &other);
    assert_eq!(burst(&mut kms, &ctx, key, 10_001), 1);
    // Another account has its own bucket; management calls have their own quotas.
    assert_eq!(burst(&mut kms, &other, other_key, 10_000), 0);
    kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap();
    // GenerateDataKey, GenerateMac and GenerateRandom share the symmetric bucket.
    let e = kms.generate_random(&ctx, GenerateRandomRequest::new(16)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Throttling);
    assert_eq!(
        e.message,
        "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls."
    );
    assert!(e.is_retryable());
}

#[test]
fn per_api_quotas_follow_aws_defaults() {
    let mut kms =
        Engine::new(EngineConfig::new(Region::US_EAST_1, 1).with_audit_sink(AuditSink::KeepAll));
    let ctx = alice();
    // CreateKey: 5 per second.
    for _ in 0..5 {
        symmetric_key(&mut kms, &ctx);
    }
    let e = kms.create_key(&ctx, CreateKeyRequest::new()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Throttling);
    assert_eq!(kms.key_count(), 5, "a throttled call changes nothing");
    let record = kms.audit_log().records().last().unwrap();
    assert_eq!((record.event_name, record.error_code), ("CreateKey", Some("ThrottlingException")));
    // 200 ms later one more fits.
    kms.create_key(&ctx.at(T0.plus_nanos(200_000_000)), CreateKeyRequest::new()).unwrap();
    // us-east-1's symmetric quota is 100,000/s.
    let mut counting =
        Engine::new(EngineConfig::new(Region::US_EAST_1, 1).with_audit_sink(AuditSink::CountOnly));
    let counting_key = symmetric_key(&mut counting, &ctx);
    assert_eq!(burst(&mut counting, &ctx, counting_key, 100_001), 1);
}

#[test]
fn disabled_quotas_never_throttle() {
    let mut kms = engine();
    let ctx = alice();
    for _ in 0..50 {
        symmetric_key(&mut kms, &ctx);
    }
    assert_eq!(kms.key_count(), 50);
}

#[test]
fn admit_then_handle_admitted_counts_a_request_once() {
    let mut kms = engine_10k();
    let ctx = alice();
    let key = symmetric_key(&mut kms, &ctx);
    let request = || Request::Encrypt(EncryptRequest::new(key, "x"));
    // 10,000 admitted at the front door, served later without a second count.
    for _ in 0..10_000 {
        kms.admit(&ctx, &request()).unwrap();
    }
    let refused = kms.admit(&ctx, &request()).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::Throttling);
    let served = ctx.at(T0.plus_nanos(1));
    for _ in 0..100 {
        kms.handle_admitted(&served, request()).unwrap();
    }
    // The bucket is still empty (1 ns refills 0.01 of a request): a plain call is refused.
    assert_eq!(kms.handle(&served, request()).unwrap_err().kind, ErrorKind::Throttling);
    // The refusal at the front door was counted as a failed Encrypt.
    let counts = kms.audit_log().counts();
    assert_eq!((counts.by_event_name["Encrypt"], counts.errors), (102, 2));
}
