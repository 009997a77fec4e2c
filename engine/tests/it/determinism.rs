//! Same seed and same calls ⇒ same key ids, key material, ciphertexts and audit records.

use engine::api::*;
use engine::crypto::ProviderKind;
use engine::spec::{DataKeySpec, KeySpec, MacAlgorithmSpec};
use engine::{Engine, Response};

use crate::support::*;

/// A fixed script of calls touching every kind of randomness the engine draws.
fn script(kms: &mut Engine) -> Vec<String> {
    let ctx = alice();
    let mut out = Vec::new();
    let key = symmetric_key(kms, &ctx);
    let mrk =
        kms.create_key(&ctx, CreateKeyRequest::new().with_multi_region(true)).unwrap().key_id();
    let mac_key = hmac_key(kms, &ctx, KeySpec::Hmac256);
    out.push(format!("{key} {mrk} {mac_key}"));
    let requests: Vec<Request> = vec![
        EncryptRequest::new(key, "same calls")
            .with_encryption_context(context(&[("a", "b")]))
            .into(),
        EncryptRequest::new(mrk, vec![7u8; 4096]).into(),
        GenerateDataKeyRequest::new(key, DataKeySpec::Aes256).into(),
        GenerateRandomRequest::new(64).into(),
        GenerateMacRequest::new(mac_key, "m", MacAlgorithmSpec::HmacSha256).into(),
        EncryptRequest::new(key, Vec::new()).into(), // fails: changes nothing, draws nothing
        EncryptRequest::new(key, "after a failure").into(),
    ];
    for request in requests {
        out.push(match kms.handle(&ctx, request) {
            Ok(Response::Encrypt(r)) => hex::encode(r.ciphertext_blob),
            Ok(Response::GenerateDataKey(r)) => {
                format!("{} {}", hex::encode(r.plaintext.expose()), hex::encode(r.ciphertext_blob))
            }
            Ok(Response::GenerateRandom(r)) => hex::encode(r.plaintext.expose()),
            Ok(Response::GenerateMac(r)) => hex::encode(r.mac),
            Ok(other) => format!("{other:?}"),
            Err(e) => e.to_string(),
        });
    }
    out.push(serde_json::to_string(&kms.audit_log().records().collect::<Vec<_>>()).unwrap());
    out
}

#[test]
fn same_seed_same_calls_same_bytes() {
    for provider in ProviderKind::ALL {
        let first = script(&mut engine_with(provider, 2026));
        let second = script(&mut engine_with(provider, 2026));
        assert_eq!(first, second, "{provider}");
        let other_seed = script(&mut engine_with(provider, 2027));
        assert_ne!(first[0], other_seed[0], "another seed gives other key ids");
        assert_ne!(first[1], other_seed[1]);
    }
}

/// Key material is never exposed, so show it is identical by decrypting one engine's
/// ciphertexts and verifying its MACs in the other.
#[test]
fn same_seed_same_key_material() {
    let (mut a, mut b) =
        (engine_with(ProviderKind::AwsLcRs, 11), engine_with(ProviderKind::AwsLcRs, 11));
    let ctx = alice();
    let key = symmetric_key(&mut a, &ctx);
    assert_eq!(symmetric_key(&mut b, &ctx), key);
    let mac_key = hmac_key(&mut a, &ctx, KeySpec::Hmac512);
    assert_eq!(hmac_key(&mut b, &ctx, KeySpec::Hmac512), mac_key);
    // Advance one engine's generator so the two no longer draw the same salts.
    a.generate_random(&ctx, GenerateRandomRequest::new(100)).unwrap();
    let blob = a.encrypt(&ctx, EncryptRequest::new(key, "material")).unwrap().ciphertext_blob;
    assert_eq!(b.decrypt(&ctx, DecryptRequest::new(blob)).unwrap().plaintext.expose(), b"material");
    let mac = a
        .generate_mac(&ctx, GenerateMacRequest::new(mac_key, "m", MacAlgorithmSpec::HmacSha512))
        .unwrap()
        .mac;
    b.verify_mac(&ctx, VerifyMacRequest::new(mac_key, "m", MacAlgorithmSpec::HmacSha512, mac))
        .unwrap();

    // A different seed: different material, so the blob does not open there.
    let mut c = engine_with(ProviderKind::AwsLcRs, 12);
    let other = symmetric_key(&mut c, &ctx);
    let blob = a.encrypt(&ctx, EncryptRequest::new(key, "x")).unwrap().ciphertext_blob;
    assert_ne!(other, key);
    assert!(c.decrypt(&ctx, DecryptRequest::new(blob)).is_err());
}

#[test]
fn the_audit_sink_does_not_change_keys_or_ciphertexts() {
    use engine::audit::AuditSink;
    use engine::{EngineConfig, Region};
    let run = |sink| {
        let mut kms = Engine::new(EngineConfig::new(Region::US_EAST_1, 5).with_audit_sink(sink));
        let mut out = script(&mut kms);
        out.pop(); // the records themselves differ by sink
        out
    };
    assert_eq!(run(AuditSink::KeepAll), run(AuditSink::CountOnly));
}
