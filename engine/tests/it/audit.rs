//! The audit log records every call and event, and nothing secret reaches a record, a
//! `Debug` output or an error message.

use engine::api::*;
use engine::spec::{DataKeySpec, KeySpec, MacAlgorithmSpec};
use engine::{ErrorKind, KmsError};
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng as _, SeedableRng as _};

use crate::support::*;

const SECRET: &str = "TOP-SECRET-PLAINTEXT-c0ffee";

/// Every way a byte string could appear in text we produce.
fn renderings(bytes: &[u8]) -> Vec<String> {
    let prefix = &bytes[..bytes.len().min(12)];
    vec![
        hex::encode(prefix),
        hex::encode_upper(prefix),
        format!("{:?}", prefix).trim_end_matches(']').to_owned(),
        base64_prefix(bytes),
        String::from_utf8_lossy(prefix).into_owned(),
    ]
}

/// Standard base64 of the first 12 bytes (16 characters, no padding involved).
fn base64_prefix(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    bytes[..bytes.len().min(12)]
        .chunks(3)
        .flat_map(|c| {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            (0..4).map(move |i| ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char)
        })
        .collect()
}

#[track_caller]
pub(crate) fn assert_absent(haystack: &str, secret_name: &str, secret: &[u8]) {
    for rendering in renderings(secret) {
        // Short renderings of random bytes could match by chance; ours are >= 16 characters.
        if rendering.len() >= 12 {
            assert!(!haystack.contains(&rendering), "{secret_name} leaked as {rendering:?}");
        }
    }
}

#[test]
fn no_secret_reaches_records_debug_output_or_errors() {
    let seed = 4242;
    let mut kms = engine_with(engine::crypto::ProviderKind::default(), seed);
    let ctx = alice();
    let key = symmetric_key(&mut kms, &ctx);
    let mac_key = hmac_key(&mut kms, &ctx, KeySpec::Hmac256);

    // Rebuild the engine's generator to learn the key material it drew (id, then material).
    let mut rng =
        ChaCha20Rng::from_seed(engine::EngineConfig::new(engine::Region::US_EAST_1, seed).seed);
    rng.set_stream(0);
    let mut key_id = [0u8; 16];
    rng.fill_bytes(&mut key_id);
    let mut material = [0u8; 32];
    rng.fill_bytes(&mut material);
    assert_eq!(&key_id[9..], &key.as_bytes()[9..], "the rebuilt generator matches the engine's");

    let mut text = String::new();
    let mut note = |s: String| {
        text.push_str(&s);
        text.push('\n');
    };
    let ec = context(&[("purpose", "leak-test")]);
    let sealed = kms
        .encrypt(&ctx, EncryptRequest::new(key, SECRET).with_encryption_context(ec.clone()))
        .unwrap();
    note(format!("{sealed:?}"));
    let opened = kms
        .decrypt(
            &ctx,
            DecryptRequest::new(sealed.ciphertext_blob.clone()).with_encryption_context(ec.clone()),
        )
        .unwrap();
    note(format!("{opened:?}"));
    let data_key =
        kms.generate_data_key(&ctx, GenerateDataKeyRequest::new(key, DataKeySpec::Aes256)).unwrap();
    note(format!("{data_key:?}"));
    let mac = kms
        .generate_mac(&ctx, GenerateMacRequest::new(mac_key, SECRET, MacAlgorithmSpec::HmacSha256))
        .unwrap();
    let moved = kms
        .re_encrypt(
            &ctx,
            ReEncryptRequest::new(sealed.ciphertext_blob.clone(), key)
                .with_source_encryption_context(ec),
        )
        .unwrap();
    note(format!("{moved:?}"));
    let random = kms.generate_random(&ctx, GenerateRandomRequest::new(32)).unwrap();
    note(format!("{random:?}"));
    // Failures that carry the secret in the request.
    let errors: Vec<KmsError> = vec![
        kms.encrypt(&ctx, EncryptRequest::new(key, SECRET.repeat(200))).unwrap_err(),
        kms.decrypt(&ctx, DecryptRequest::new(sealed.ciphertext_blob.clone())).unwrap_err(),
        kms.verify_mac(
            &ctx,
            VerifyMacRequest::new(mac_key, SECRET, MacAlgorithmSpec::HmacSha256, vec![0u8; 32]),
        )
        .unwrap_err(),
        kms.encrypt(&ctx, EncryptRequest::new(key, SECRET).with_dry_run(true)).unwrap_err(),
    ];
    assert_eq!(
        errors.iter().map(|e| e.kind).collect::<Vec<_>>(),
        [
            ErrorKind::Validation,
            ErrorKind::InvalidCiphertext,
            ErrorKind::KmsInvalidMac,
            ErrorKind::DryRunOperation
        ]
    );
    for e in &errors {
        note(format!("{e} {e:?}"));
    }
    note(format!("{kms:?}"));
    note(format!("{:?}", engine::EngineConfig::new(engine::Region::US_EAST_1, seed)));
    // Requests as data (traces, replays) print no secret either.
    let requests: Vec<Request> = vec![
        EncryptRequest::new(key, SECRET).into(),
        GenerateMacRequest::new(mac_key, SECRET, MacAlgorithmSpec::HmacSha256).into(),
        VerifyMacRequest::new(mac_key, SECRET, MacAlgorithmSpec::HmacSha256, vec![1u8; 32]).into(),
    ];
    note(format!("{requests:?}"));
    let records =
        serde_json::to_string_pretty(&kms.audit_log().records().collect::<Vec<_>>()).unwrap();
    note(records.clone());

    assert_absent(&text, "plaintext", SECRET.as_bytes());
    assert_absent(&text, "data key", data_key.plaintext.expose());
    assert_absent(&text, "random bytes", random.plaintext.expose());
    assert_absent(&text, "key material", &material);
    let seed_bytes = engine::EngineConfig::new(engine::Region::US_EAST_1, seed).seed;
    assert_absent(&text, "seed", &seed_bytes);
    assert_absent(&records, "ciphertext", &sealed.ciphertext_blob[78..]);
    assert_absent(&records, "MAC", &mac.mac);
    assert!(text.contains(engine::secret::REDACTED), "secrets print as the redaction");
    // The records do hold what CloudTrail holds: the context, the key, the outcome.
    assert!(records.contains("leak-test") && records.contains(&key.to_string()));
    assert!(records.contains("\"errorCode\": \"KMSInvalidMacException\""));
}

#[test]
fn every_call_and_event_is_recorded_in_cloudtrail_shape() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    kms.encrypt(&ctx, EncryptRequest::new(key, "x")).unwrap();
    kms.disable_key(&ctx, DisableKeyRequest::new(key)).unwrap();
    kms.encrypt(&ctx, EncryptRequest::new(key, "x")).unwrap_err();
    kms.schedule_key_deletion(
        &ctx,
        ScheduleKeyDeletionRequest::new(key).with_pending_window_in_days(7),
    )
    .unwrap();
    kms.advance_to(T0.plus_days(7));
    let records: Vec<_> = kms.audit_log().records().collect();
    let names: Vec<_> = records.iter().map(|r| r.event_name).collect();
    assert_eq!(
        names,
        ["CreateKey", "Encrypt", "DisableKey", "Encrypt", "ScheduleKeyDeletion", "DeleteKey"]
    );
    let encrypt = serde_json::to_value(records[1]).unwrap();
    assert_eq!(encrypt["eventSource"], "kms.amazonaws.com");
    assert_eq!(encrypt["eventTime"], "2026-11-30T00:53:20Z");
    assert_eq!(encrypt["awsRegion"], "us-east-1");
    assert_eq!(encrypt["readOnly"], true);
    assert_eq!(encrypt["eventType"], "AwsApiCall");
    assert_eq!(encrypt["userIdentity"]["type"], "AssumedRole");
    assert_eq!(encrypt["userIdentity"]["arn"], "arn:aws:iam::111122223333:role/alice");
    assert_eq!(encrypt["requestParameters"]["encryptionAlgorithm"], "SYMMETRIC_DEFAULT");
    assert_eq!(encrypt["resources"][0]["type"], "AWS::KMS::Key");
    assert_eq!(
        encrypt["resources"][0]["ARN"],
        format!("arn:aws:kms:us-east-1:111122223333:key/{key}")
    );
    assert!(encrypt.get("errorCode").is_none());
    assert!(encrypt["requestParameters"].get("dryRun").is_none(), "absent members are left out");
    assert!(encrypt["requestParameters"].get("encryptionContext").is_none());
    let failed = serde_json::to_value(records[3]).unwrap();
    assert_eq!(failed["errorCode"], "DisabledException");
    assert!(failed["errorMessage"].as_str().unwrap().ends_with("is disabled."));
    let deleted = serde_json::to_value(records[5]).unwrap();
    assert_eq!(deleted["eventType"], "AwsServiceEvent");
    assert_eq!(deleted["userIdentity"]["invokedBy"], "kms.amazonaws.com");
    let ids: std::collections::BTreeSet<_> = records.iter().map(|r| r.request_id.clone()).collect();
    assert_eq!(ids.len(), records.len(), "request ids are unique");
}

#[test]
fn a_ring_keeps_the_latest_records() {
    use engine::audit::AuditSink;
    let mut kms = engine::Engine::new(
        engine::EngineConfig::new(engine::Region::US_EAST_1, 1)
            .with_audit_sink(AuditSink::Ring { capacity: 3 }),
    );
    let ctx = alice();
    let key = symmetric_key(&mut kms, &ctx);
    for _ in 0..5 {
        kms.generate_data_key(&ctx, GenerateDataKeyRequest::new(key, DataKeySpec::Aes256)).unwrap();
    }
    kms.list_keys(&ctx, ListKeysRequest::new()).unwrap();
    let names: Vec<_> = kms.audit_log().records().map(|r| r.event_name).collect();
    assert_eq!(names, ["GenerateDataKey", "GenerateDataKey", "ListKeys"]);
    assert_eq!(kms.audit_log().counts().total, 7);
}
