//! `engine/…`: operations end to end through the engine API, per provider.
//!
//! Each iteration times the call alone: the request is built in setup and the response is
//! dropped outside the measurement (`iter_batched`). Dropping the consumed request, which
//! zeroizes its plaintext, is the engine's work and is timed.

use std::hint::black_box;

use ::engine::api::{
    CreateKeyRequest, DecryptRequest, EncryptRequest, GenerateDataKeyRequest,
    GenerateDataKeyWithoutPlaintextRequest, GenerateMacRequest, GenerateRandomRequest,
    ReEncryptRequest, VerifyMacRequest,
};
use ::engine::audit::AuditSink;
use ::engine::crypto::ProviderKind;
use ::engine::crypto::blob;
use ::engine::spec::{DataKeySpec, KeySpec, MacAlgorithmSpec};
use ::engine::{CallContext, Engine, EngineConfig, Region, Timestamp};
use ::engine::{Request, Response};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput};

use crate::crypto::SIZES;

/// Requests built per batch. Small, so the batch's buffers stay in the allocator's caches:
/// with criterion's `SmallInput` the batch is large enough that freeing it hands pages back
/// to the kernel and the timed calls then pay page faults that a server reusing its
/// buffers never would.
pub(crate) const BATCH: u64 = 32;

pub(crate) fn engine(
    provider: ProviderKind,
    sink: AuditSink,
) -> (Engine, CallContext, ::engine::KeyId) {
    let mut kms = Engine::new(
        // Quotas off: every iteration calls at the same instant, and quotas are not what
        // these benchmarks measure.
        EngineConfig::new(Region::US_EAST_1, 1)
            .with_provider(provider)
            .with_audit_sink(sink)
            .with_quotas(::engine::quota::QuotaConfig::disabled()),
    );
    let ctx = CallContext::new(
        "arn:aws:iam::111122223333:role/bench".parse().unwrap(),
        Timestamp::from_unix_seconds(1_796_000_000),
    );
    let key = kms.create_key(&ctx, CreateKeyRequest::new()).unwrap().key_id();
    (kms, ctx, key)
}

pub(crate) fn define(c: &mut Criterion) {
    // Each provider with records counted (a simulation's configuration), and the default
    // provider keeping CloudTrail-shaped records, to show what records cost.
    let variants = [
        ("aws-lc-rs", ProviderKind::AwsLcRs, AuditSink::CountOnly),
        ("rustcrypto", ProviderKind::RustCrypto, AuditSink::CountOnly),
        ("aws-lc-rs+audit-records", ProviderKind::AwsLcRs, AuditSink::Ring { capacity: 1024 }),
        // The engine without cryptography's cost: its own floor per call.
        ("insecure-modelling", ProviderKind::InsecureModelling, AuditSink::CountOnly),
    ];
    let mut encrypt = c.benchmark_group("engine/encrypt/SYMMETRIC_DEFAULT");
    for (len, label) in SIZES {
        encrypt.throughput(Throughput::Bytes(len as u64));
        for (name, provider, sink) in variants {
            let (mut kms, ctx, key) = engine(provider, sink);
            let request = EncryptRequest::new(key, vec![7u8; len]);
            encrypt.bench_function(BenchmarkId::new(name, label), |b| {
                b.iter_batched(
                    || request.clone(),
                    |request| {
                        let response = kms.encrypt(&ctx, black_box(request)).unwrap();
                        assert_eq!(response.ciphertext_blob.len(), len + blob::OVERHEAD);
                        response
                    },
                    BatchSize::NumIterations(BATCH),
                );
            });
        }
    }
    encrypt.finish();

    let mut decrypt = c.benchmark_group("engine/decrypt/SYMMETRIC_DEFAULT");
    for (len, label) in SIZES {
        decrypt.throughput(Throughput::Bytes(len as u64));
        for provider in ProviderKind::ALL {
            let (mut kms, ctx, key) = engine(provider, AuditSink::CountOnly);
            let sealed = kms.encrypt(&ctx, EncryptRequest::new(key, vec![7u8; len])).unwrap();
            let request = DecryptRequest::new(sealed.ciphertext_blob);
            decrypt.bench_function(BenchmarkId::new(provider.as_str(), label), |b| {
                b.iter_batched(
                    || request.clone(),
                    |request| {
                        let response = kms.decrypt(&ctx, black_box(request)).unwrap();
                        assert_eq!(response.plaintext.len(), len);
                        response
                    },
                    BatchSize::NumIterations(BATCH),
                );
            });
        }
    }
    decrypt.finish();

    // The other data-plane operations, 32-byte data keys and messages, per provider.
    let mut ops = c.benchmark_group("engine/data-plane");
    for provider in ProviderKind::ALL {
        let (mut kms, ctx, key) = engine(provider, AuditSink::CountOnly);
        let mac_key =
            kms.create_key(&ctx, CreateKeyRequest::hmac(KeySpec::Hmac256)).unwrap().key_id();
        let sealed =
            kms.encrypt(&ctx, EncryptRequest::new(key, vec![7u8; 32])).unwrap().ciphertext_blob;
        let mac = kms
            .generate_mac(
                &ctx,
                GenerateMacRequest::new(mac_key, vec![5u8; 32], MacAlgorithmSpec::HmacSha256),
            )
            .unwrap()
            .mac;
        let name = provider.as_str();
        let requests: [(&str, Request); 6] = [
            (
                "GenerateDataKey",
                Request::GenerateDataKey(GenerateDataKeyRequest::new(key, DataKeySpec::Aes256)),
            ),
            (
                "GenerateDataKeyWithoutPlaintext",
                Request::GenerateDataKeyWithoutPlaintext(GenerateDataKeyWithoutPlaintextRequest(
                    GenerateDataKeyRequest::new(key, DataKeySpec::Aes256),
                )),
            ),
            ("ReEncrypt", Request::ReEncrypt(ReEncryptRequest::new(sealed.clone(), key))),
            (
                "GenerateMac",
                Request::GenerateMac(GenerateMacRequest::new(
                    mac_key,
                    vec![5u8; 32],
                    MacAlgorithmSpec::HmacSha256,
                )),
            ),
            (
                "VerifyMac",
                Request::VerifyMac(VerifyMacRequest::new(
                    mac_key,
                    vec![5u8; 32],
                    MacAlgorithmSpec::HmacSha256,
                    mac.clone(),
                )),
            ),
            ("GenerateRandom", Request::GenerateRandom(GenerateRandomRequest::new(32))),
        ];
        for (operation, request) in requests {
            ops.bench_function(BenchmarkId::new(operation, name), |b| {
                b.iter_batched(
                    || request.clone(),
                    |request| {
                        let response = kms.handle(&ctx, black_box(request)).unwrap();
                        // Each response is the right operation's, and a MAC verified.
                        match &response {
                            Response::VerifyMac(out) => assert!(out.mac_valid),
                            Response::GenerateDataKey(out) => assert_eq!(out.plaintext.len(), 32),
                            Response::GenerateRandom(out) => assert_eq!(out.plaintext.len(), 32),
                            Response::GenerateDataKeyWithoutPlaintext(out) => {
                                assert_eq!(out.ciphertext_blob.len(), 32 + blob::OVERHEAD);
                            }
                            Response::ReEncrypt(out) => {
                                assert_eq!(out.ciphertext_blob.len(), 32 + blob::OVERHEAD);
                            }
                            Response::GenerateMac(out) => assert_eq!(out.mac.len(), 32),
                            other => panic!("{operation} answered {other:?}"),
                        }
                        response
                    },
                    BatchSize::NumIterations(BATCH),
                );
            });
        }
    }
    ops.finish();
}

/// `engine/authorize/…`: DescribeKey, the cheapest authorized call, under key policies of
/// growing size and with a cross-account caller authorized by the last of 50,000 grants;
/// and `policy::evaluate` alone with the default policy.
pub(crate) fn define_authorize(c: &mut Criterion) {
    use ::engine::api::{CreateGrantRequest, DescribeKeyRequest};
    use ::engine::policy::{
        Caller, PolicyDocument, PolicySet, RequestContext, default_key_policy, evaluate,
    };
    use ::engine::spec::GrantOperation;

    const BENCH_ROLE: &str = "arn:aws:iam::111122223333:role/bench";
    /// A key policy of `n` Allow statements with conditions, the one naming the caller last.
    fn policy_of(n: usize) -> String {
        let mut statements: Vec<String> = (1..n)
            .map(|i| {
                // Compact, as 100 of them must fit in a key policy's 32,768 bytes.
                format!(
                    r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:role/app-{i}"}},"Action":["kms:Encrypt","kms:Decrypt","kms:DescribeKey"],"Resource":"*","Condition":{{"StringEquals":{{"kms:ViaService":"s3.us-east-1.amazonaws.com","kms:EncryptionContext:app":"app-{i}"}}}}}}"#
                )
            })
            .collect();
        statements.push(format!(
            r#"{{"Sid": "Bench", "Effect": "Allow", "Principal": {{"AWS": "{BENCH_ROLE}"}}, "Action": "kms:*", "Resource": "*",
               "Condition": {{"StringEquals": {{"kms:CallerAccount": "111122223333"}}, "Bool": {{"kms:MultiRegion": "false"}}}}}}"#
        ));
        format!(r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#, statements.join(","))
    }

    let mut group = c.benchmark_group("engine/authorize");
    let describe = |group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
                    name: &str,
                    kms: &mut Engine,
                    ctx: &CallContext,
                    key: ::engine::KeyArn| {
        group.bench_function(BenchmarkId::new("DescribeKey", name), |b| {
            b.iter(|| {
                let out = kms.describe_key(ctx, black_box(DescribeKeyRequest::new(key))).unwrap();
                assert_eq!(out.key_metadata.arn, key);
            });
        });
    };
    let arn_of = |kms: &Engine, ctx: &CallContext, key| ::engine::KeyArn {
        region: kms.region(),
        account: ctx.account(),
        key_id: key,
    };

    // (a) The default policy on the hot path.
    let (mut kms, ctx, key) = engine(ProviderKind::default(), AuditSink::CountOnly);
    let key = arn_of(&kms, &ctx, key);
    describe(&mut group, "default-policy/hot-path", &mut kms, &ctx, key);
    // (b) The same through the full evaluator: a policy registered for someone else turns
    // the hot path off, the caller keeps its implicit allow-all.
    kms.put_identity_policy(
        "arn:aws:iam::111122223333:role/other",
        "kms",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}"#,
    )
    .unwrap();
    describe(&mut group, "default-policy/evaluated", &mut kms, &ctx, key);
    // (c), (d) Key policies of 10 and 100 statements, the matching one last.
    for n in [10, 100] {
        let (mut kms, ctx, _) = engine(ProviderKind::default(), AuditSink::CountOnly);
        let request = CreateKeyRequest::new().with_policy(policy_of(n));
        let key = kms.create_key(&ctx, request).unwrap().key_id();
        let key = arn_of(&kms, &ctx, key);
        describe(&mut group, &format!("key-policy-{n}-statements"), &mut kms, &ctx, key);
    }
    // (e) A caller of another account allowed by the last of 50,000 grants on the key.
    let (mut kms, ctx, key) = engine(ProviderKind::default(), AuditSink::CountOnly);
    let key = arn_of(&kms, &ctx, key);
    for i in 1..50_000 {
        let grantee = format!("arn:aws:iam::111122223333:role/app-{i}");
        kms.create_grant(
            &ctx,
            CreateGrantRequest::new(key, grantee, vec![GrantOperation::DescribeKey]),
        )
        .unwrap();
    }
    let other = "arn:aws:iam::444455556666:role/partner";
    kms.create_grant(&ctx, CreateGrantRequest::new(key, other, vec![GrantOperation::DescribeKey]))
        .unwrap();
    let partner = CallContext::new(other.parse().unwrap(), ctx.now);
    describe(&mut group, "cross-account/last-of-50000-grants", &mut kms, &partner, key);

    // The evaluator alone: the default policy, a role with the implicit allow-all.
    let account = ctx.account();
    let key_policy = PolicyDocument::parse_key_policy(&default_key_policy(account)).unwrap();
    let allow_all = [PolicyDocument::parse_identity_policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}"#,
    )
    .unwrap()];
    let resource = key.to_string();
    let request =
        RequestContext::new(Caller::from_principal(&ctx.principal), "kms:DescribeKey", &resource);
    let policies = PolicySet {
        key_policy: &key_policy,
        key_account: account,
        identity_policies: &allow_all,
        grant_allows: false,
    };
    group.bench_function("evaluate/default-policy", |b| {
        b.iter(|| assert!(evaluate(black_box(&policies), black_box(&request)).is_allowed()));
    });
    group.finish();
}
