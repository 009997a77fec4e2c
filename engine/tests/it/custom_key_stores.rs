//! Custom key stores: lifecycle, connection states, keys that become Unavailable, quotas.

use engine::api::*;
use engine::quota::{QuotaClass, QuotaConfig, RequestRate};
use engine::spec::{ConnectionErrorCode, ConnectionState, KeyState, OriginType};
use engine::{Engine, EngineConfig, ErrorKind, Region};

use crate::support::*;

fn cloud_hsm(kms: &mut Engine, ctx: &engine::CallContext, name: &str, hsms: u32) -> String {
    kms.create_custom_key_store(
        ctx,
        CreateCustomKeyStoreRequest::cloud_hsm(name, format!("cluster-{name}abcdefgh"), hsms),
    )
    .unwrap()
    .custom_key_store_id
}

fn describe(kms: &mut Engine, ctx: &engine::CallContext, id: &str) -> CustomKeyStoresListEntry {
    let request = DescribeCustomKeyStoresRequest {
        custom_key_store_id: Some(id.to_owned()),
        ..Default::default()
    };
    kms.describe_custom_key_stores(ctx, request).unwrap().custom_key_stores.remove(0)
}

fn in_store(store: &str) -> CreateKeyRequest {
    CreateKeyRequest::new().in_custom_key_store(OriginType::AwsCloudhsm, store, None)
}

#[test]
fn keys_in_a_disconnected_store_are_unavailable() {
    let (mut kms, ctx) = (engine(), alice());
    let store = cloud_hsm(&mut kms, &ctx, "hsm", 2);
    assert!(store.starts_with("cks-") && store.len() == 21, "{store}");
    assert_eq!(describe(&mut kms, &ctx, &store).connection_state, ConnectionState::Disconnected);
    let e = kms.create_key(&ctx, in_store(&store)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::CustomKeyStoreInvalidState);

    kms.connect_custom_key_store(&ctx, ConnectCustomKeyStoreRequest::new(&store)).unwrap();
    assert_eq!(describe(&mut kms, &ctx, &store).connection_state, ConnectionState::Connected);
    let created = kms.create_key(&ctx, in_store(&store)).unwrap().key_metadata;
    assert_eq!(
        (created.origin, created.custom_key_store_id.as_deref()),
        (OriginType::AwsCloudhsm, Some(store.as_str()))
    );
    assert_eq!(created.cloud_hsm_cluster_id.as_deref(), Some("cluster-hsmabcdefgh"));
    let key = created.key_id;
    let blob = kms.encrypt(&ctx, EncryptRequest::new(key, "in the HSM")).unwrap().ciphertext_blob;

    kms.disconnect_custom_key_store(&ctx, DisconnectCustomKeyStoreRequest::new(&store)).unwrap();
    let e = kms.decrypt(&ctx, DecryptRequest::new(blob.clone())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::KmsInvalidState);
    assert!(e.message.ends_with("is unavailable."), "{e}");
    assert_eq!(
        kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata.key_state,
        KeyState::Unavailable
    );
    // DisableKey succeeds while Unavailable and takes effect when the store is back.
    kms.disable_key(&ctx, DisableKeyRequest::new(key)).unwrap();
    kms.connect_custom_key_store(&ctx, ConnectCustomKeyStoreRequest::new(&store)).unwrap();
    assert_eq!(
        kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata.key_state,
        KeyState::Disabled
    );
    kms.enable_key(&ctx, EnableKeyRequest::new(key)).unwrap();
    assert_eq!(
        kms.decrypt(&ctx, DecryptRequest::new(blob)).unwrap().plaintext.expose(),
        b"in the HSM"
    );
    // Keys in custom key stores do not rotate.
    assert_eq!(
        kms.enable_key_rotation(&ctx, EnableKeyRotationRequest::new(key)).unwrap_err().kind,
        ErrorKind::UnsupportedOperation
    );
}

#[test]
fn store_lifecycle_rules() {
    let (mut kms, ctx) = (engine(), alice());
    let store = cloud_hsm(&mut kms, &ctx, "a", 2);
    let same_name = kms.create_custom_key_store(
        &ctx,
        CreateCustomKeyStoreRequest::cloud_hsm("a", "cluster-otherabcdefg", 2),
    );
    assert_eq!(same_name.unwrap_err().kind, ErrorKind::CustomKeyStoreNameInUse);
    let same_cluster = kms.create_custom_key_store(
        &ctx,
        CreateCustomKeyStoreRequest::cloud_hsm("b", "cluster-aabcdefgh", 2),
    );
    assert_eq!(same_cluster.unwrap_err().kind, ErrorKind::CloudHsmClusterInUse);
    let mut no_password = CreateCustomKeyStoreRequest::cloud_hsm("c", "cluster-cabcdefgh", 2);
    no_password.key_store_password = None;
    assert_eq!(
        kms.create_custom_key_store(&ctx, no_password).unwrap_err().kind,
        ErrorKind::Validation
    );

    kms.connect_custom_key_store(&ctx, ConnectCustomKeyStoreRequest::new(&store)).unwrap();
    let key = kms.create_key(&ctx, in_store(&store)).unwrap().key_id();
    // Renaming works while connected; the password only while disconnected.
    let mut rename = UpdateCustomKeyStoreRequest::new(&store);
    rename.new_custom_key_store_name = Some("renamed".into());
    kms.update_custom_key_store(&ctx, rename).unwrap();
    let mut password = UpdateCustomKeyStoreRequest::new(&store);
    password.key_store_password = Some("new-password".into());
    assert_eq!(
        kms.update_custom_key_store(&ctx, password.clone()).unwrap_err().kind,
        ErrorKind::CustomKeyStoreInvalidState
    );
    assert_eq!(
        kms.delete_custom_key_store(&ctx, DeleteCustomKeyStoreRequest::new(&store))
            .unwrap_err()
            .kind,
        ErrorKind::CustomKeyStoreInvalidState
    );
    kms.disconnect_custom_key_store(&ctx, DisconnectCustomKeyStoreRequest::new(&store)).unwrap();
    kms.update_custom_key_store(&ctx, password).unwrap();
    assert_eq!(
        kms.delete_custom_key_store(&ctx, DeleteCustomKeyStoreRequest::new(&store))
            .unwrap_err()
            .kind,
        ErrorKind::CustomKeyStoreHasCmks
    );
    kms.schedule_key_deletion(
        &ctx,
        ScheduleKeyDeletionRequest::new(key).with_pending_window_in_days(7),
    )
    .unwrap();
    // A key pending deletion stays PendingDeletion in a disconnected store (AWS footnote 13).
    assert_eq!(
        kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata.key_state,
        KeyState::PendingDeletion
    );
    kms.advance_to(T0.plus_days(7));
    kms.delete_custom_key_store(&ctx.at(T0.plus_days(7)), DeleteCustomKeyStoreRequest::new(&store))
        .unwrap();
    let gone = kms.describe_custom_key_stores(
        &ctx,
        DescribeCustomKeyStoresRequest { custom_key_store_id: Some(store), ..Default::default() },
    );
    assert_eq!(gone.unwrap_err().kind, ErrorKind::CustomKeyStoreNotFound);
    // Another account sees none of this account's stores.
    assert!(
        kms.describe_custom_key_stores(&mallory(), DescribeCustomKeyStoresRequest::default())
            .unwrap()
            .custom_key_stores
            .is_empty()
    );
}

#[test]
fn connection_takes_time_and_fails_without_hsms() {
    let mut kms = Engine::new(
        EngineConfig::new(Region::US_EAST_1, 1)
            .with_custom_key_store_connect_ns(60_000_000_000)
            .with_quotas(QuotaConfig::disabled()),
    );
    let ctx = alice();
    let store = cloud_hsm(&mut kms, &ctx, "slow", 2);
    kms.connect_custom_key_store(&ctx, ConnectCustomKeyStoreRequest::new(&store)).unwrap();
    assert_eq!(describe(&mut kms, &ctx, &store).connection_state, ConnectionState::Connecting);
    let minute = ctx.at(T0.plus_nanos(60_000_000_000));
    assert_eq!(describe(&mut kms, &minute, &store).connection_state, ConnectionState::Connected);

    let empty = cloud_hsm(&mut kms, &minute, "empty", 0);
    kms.connect_custom_key_store(&minute, ConnectCustomKeyStoreRequest::new(&empty)).unwrap();
    let later = ctx.at(T0.plus_nanos(120_000_000_000));
    let failed = describe(&mut kms, &later, &empty);
    assert_eq!(
        (failed.connection_state, failed.connection_error_code),
        (ConnectionState::Failed, Some(ConnectionErrorCode::InsufficientCloudhsmHsms))
    );
    assert_eq!(
        kms.connect_custom_key_store(&later, ConnectCustomKeyStoreRequest::new(&empty))
            .unwrap_err()
            .kind,
        ErrorKind::CustomKeyStoreInvalidState
    );
    // One HSM connects but cannot hold new keys.
    let one = cloud_hsm(&mut kms, &later, "one", 1);
    kms.connect_custom_key_store(&later, ConnectCustomKeyStoreRequest::new(&one)).unwrap();
    let connected = ctx.at(T0.plus_nanos(180_000_000_000));
    assert_eq!(
        kms.create_key(&connected, in_store(&one)).unwrap_err().kind,
        ErrorKind::CloudHsmClusterInvalidConfiguration
    );
}

#[test]
fn a_store_has_its_own_request_quota() {
    let quotas = QuotaConfig::default()
        .with_rate(QuotaClass::CryptoSymmetric, RequestRate::per_second(10_000))
        .with_custom_key_store_rate(RequestRate::per_second(1_800));
    let mut kms = Engine::new(EngineConfig::new(Region::US_EAST_1, 1).with_quotas(quotas));
    let ctx = alice();
    let store = cloud_hsm(&mut kms, &ctx, "q", 2);
    kms.connect_custom_key_store(&ctx, ConnectCustomKeyStoreRequest::new(&store)).unwrap();
    let in_hsm = kms.create_key(&ctx, in_store(&store)).unwrap().key_id();
    let plain = symmetric_key(&mut kms, &ctx);
    let throttled =
        (0..2_000).filter(|_| kms.encrypt(&ctx, EncryptRequest::new(in_hsm, "x")).is_err()).count();
    assert_eq!(throttled, 200, "1,800 per second through the store");
    // The account's symmetric quota was charged only for what the store admitted.
    let throttled =
        (0..8_201).filter(|_| kms.encrypt(&ctx, EncryptRequest::new(plain, "x")).is_err()).count();
    assert_eq!(throttled, 1);
    // GenerateRandom from the store counts against it too.
    let mut from_store = GenerateRandomRequest::new(16);
    from_store.custom_key_store_id = Some(store);
    assert_eq!(kms.generate_random(&ctx, from_store).unwrap_err().kind, ErrorKind::Throttling);
}

#[test]
fn external_key_stores() {
    let (mut kms, ctx) = (engine(), alice());
    let proxy = XksProxySettings {
        connectivity: engine::spec::XksProxyConnectivity::PublicEndpoint,
        uri_endpoint: "https://xks.example.com".into(),
        uri_path: "/kms/xks/v1".into(),
        vpc_endpoint_service_name: None,
        access_key_id: "AKIAEXAMPLE0000000000".into(),
        raw_secret_access_key: "a-secret-access-key-of-forty-three-chars-x".into(),
    };
    let store = kms
        .create_custom_key_store(&ctx, CreateCustomKeyStoreRequest::external("xks", proxy))
        .unwrap()
        .custom_key_store_id;
    kms.connect_custom_key_store(&ctx, ConnectCustomKeyStoreRequest::new(&store)).unwrap();
    let missing_xks_key =
        CreateKeyRequest::new().in_custom_key_store(OriginType::ExternalKeyStore, &store, None);
    assert_eq!(kms.create_key(&ctx, missing_xks_key).unwrap_err().kind, ErrorKind::Validation);
    let wrong_origin =
        CreateKeyRequest::new().in_custom_key_store(OriginType::AwsCloudhsm, &store, None);
    assert_eq!(
        kms.create_key(&ctx, wrong_origin).unwrap_err().kind,
        ErrorKind::UnsupportedOperation
    );
    let request = CreateKeyRequest::new().in_custom_key_store(
        OriginType::ExternalKeyStore,
        &store,
        Some("ext-key-1".into()),
    );
    let metadata = kms.create_key(&ctx, request).unwrap().key_metadata;
    assert_eq!(metadata.xks_key_id.as_deref(), Some("ext-key-1"));
    let described = describe(&mut kms, &ctx, &store);
    let shown = format!("{described:?}");
    assert!(!shown.contains("forty-three"), "the proxy's secret is never described");
    let mut random = GenerateRandomRequest::new(8);
    random.custom_key_store_id = Some(store);
    assert_eq!(
        kms.generate_random(&ctx, random).unwrap_err().kind,
        ErrorKind::UnsupportedOperation
    );
}

#[test]
fn store_names_limits_and_lookups() {
    let (mut kms, ctx) = (engine(), alice());
    let first = cloud_hsm(&mut kms, &ctx, "s0", 2);
    for i in 1..10 {
        cloud_hsm(&mut kms, &ctx, &format!("s{i}"), 2);
    }
    let e = kms
        .create_custom_key_store(
            &ctx,
            CreateCustomKeyStoreRequest::cloud_hsm("s10", "cluster-s10abcdefgh", 2),
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "10 stores per account and Region");
    let mut rename = UpdateCustomKeyStoreRequest::new(&first);
    rename.new_custom_key_store_name = Some("s1".into());
    assert_eq!(
        kms.update_custom_key_store(&ctx, rename).unwrap_err().kind,
        ErrorKind::CustomKeyStoreNameInUse
    );
    let by_name = DescribeCustomKeyStoresRequest {
        custom_key_store_name: Some("nope".into()),
        ..Default::default()
    };
    assert_eq!(
        kms.describe_custom_key_stores(&ctx, by_name).unwrap_err().kind,
        ErrorKind::CustomKeyStoreNotFound
    );
    let by_name = DescribeCustomKeyStoresRequest {
        custom_key_store_name: Some("s3".into()),
        ..Default::default()
    };
    assert_eq!(
        kms.describe_custom_key_stores(&ctx, by_name).unwrap().custom_key_stores[0]
            .custom_key_store_name,
        "s3"
    );
    // Pages of 4 list all 10, in id order.
    let mut seen = Vec::new();
    let mut marker = None;
    loop {
        let request = DescribeCustomKeyStoresRequest {
            page: Page { limit: Some(4), marker },
            ..Default::default()
        };
        let page = kms.describe_custom_key_stores(&ctx, request).unwrap();
        seen.extend(page.custom_key_stores.into_iter().map(|s| s.custom_key_store_id));
        if !page.page_info.truncated {
            break;
        }
        marker = page.page_info.next_marker;
    }
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!((seen.len(), &seen), (10, &sorted));
    assert_eq!(
        kms.connect_custom_key_store(&mallory(), ConnectCustomKeyStoreRequest::new(&first))
            .unwrap_err()
            .kind,
        ErrorKind::CustomKeyStoreNotFound
    );
}

#[test]
fn another_accounts_store_quota_cannot_be_drained() {
    let quotas = QuotaConfig::default().with_custom_key_store_rate(RequestRate::per_second(10));
    let mut kms = Engine::new(EngineConfig::new(Region::US_EAST_1, 1).with_quotas(quotas));
    let (owner, other) = (alice(), mallory());
    let store = cloud_hsm(&mut kms, &owner, "mine", 2);
    kms.connect_custom_key_store(&owner, ConnectCustomKeyStoreRequest::new(&store)).unwrap();
    let mut request = GenerateRandomRequest::new(8);
    request.custom_key_store_id = Some(store);
    for _ in 0..20 {
        assert_eq!(
            kms.generate_random(&other, request.clone()).unwrap_err().kind,
            ErrorKind::CustomKeyStoreNotFound
        );
    }
    kms.generate_random(&owner, request).unwrap();
}

#[test]
fn store_ids_do_not_depend_on_the_audit_sink() {
    use engine::audit::AuditSink;
    let ids = |sink| {
        let mut kms = Engine::new(
            EngineConfig::new(Region::US_EAST_1, 9)
                .with_audit_sink(sink)
                .with_quotas(QuotaConfig::disabled()),
        );
        let ctx = alice();
        let key = symmetric_key(&mut kms, &ctx);
        kms.schedule_key_deletion(
            &ctx,
            ScheduleKeyDeletionRequest::new(key).with_pending_window_in_days(7),
        )
        .unwrap();
        kms.advance_to(T0.plus_days(7));
        (0..3)
            .map(|i| cloud_hsm(&mut kms, &ctx.at(T0.plus_days(7)), &format!("s{i}"), 2))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(AuditSink::KeepAll), ids(AuditSink::CountOnly));
}
