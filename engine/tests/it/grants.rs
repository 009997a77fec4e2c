//! Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant, and
//! what grants allow: cross-account use, constraints, eventual consistency, tokens.

use engine::api::*;
use engine::audit::AuditSink;
use engine::crypto::blob::EncryptionContext;
use engine::quota::QuotaConfig;
use engine::spec::{DataKeySpec, GrantOperation as G, KeySpec, MacAlgorithmSpec};
use engine::{
    CallContext, Engine, EngineConfig, EngineLimits, ErrorKind, GrantId, KeyArn, KmsError, Region,
};

use crate::support::*;

/// The key owner's account, 123456789012.
const OWNER: &str = "arn:aws:iam::123456789012:role/owner";
/// A principal of another account, 111122223333, that uses the owner's keys by ARN.
const USER: &str = "arn:aws:iam::111122223333:role/app";
/// A third account's principal, allowed nothing.
const STRANGER: &str = "arn:aws:iam::444455556666:role/stranger";

/// One second [ns].
const SECOND: u64 = 1_000_000_000;
/// The propagation delay of the engines that model it: AWS's "usually less than five
/// minutes".
const PROPAGATION: u64 = 300 * SECOND;

fn caller(arn: &str) -> CallContext {
    CallContext::new(arn.parse().unwrap(), T0)
}

fn owner() -> CallContext {
    caller(OWNER)
}

fn user() -> CallContext {
    caller(USER)
}

/// An engine whose grant changes take `propagation_ns` to take effect, with `limits`.
fn engine_with(propagation_ns: u64, limits: EngineLimits) -> Engine {
    Engine::new(
        EngineConfig::new(Region::US_EAST_1, 7)
            .with_audit_sink(AuditSink::KeepAll)
            .with_quotas(QuotaConfig::disabled())
            .with_grant_propagation_ns(propagation_ns)
            .with_limits(limits),
    )
}

/// A symmetric encryption key of the owner; its ARN.
fn owner_key(kms: &mut Engine) -> KeyArn {
    kms.create_key(&owner(), CreateKeyRequest::new()).unwrap().arn()
}

fn grant_to(
    kms: &mut Engine,
    ctx: &CallContext,
    key: KeyArn,
    grantee: &str,
    operations: &[G],
) -> CreateGrantResponse {
    kms.create_grant(ctx, CreateGrantRequest::new(key, grantee, operations.to_vec())).unwrap()
}

fn ec(pairs: &[(&str, &str)]) -> EncryptionContext {
    context(pairs)
}

#[track_caller]
fn assert_kind<T: std::fmt::Debug>(result: Result<T, KmsError>, kind: ErrorKind) -> KmsError {
    let error = result.expect_err("the call should fail");
    assert_eq!(error.kind, kind, "{error}");
    error
}

fn grant_ids(kms: &mut Engine, ctx: &CallContext, key: KeyArn) -> Vec<GrantId> {
    kms.list_grants(ctx, ListGrantsRequest::new(key))
        .unwrap()
        .grants
        .iter()
        .map(|g| g.grant_id)
        .collect()
}

fn encrypt(kms: &mut Engine, ctx: &CallContext, key: KeyArn) -> Result<EncryptResponse, KmsError> {
    kms.encrypt(ctx, EncryptRequest::new(key, "x"))
}

#[test]
fn create_list_retire_and_revoke_round_trip() {
    let mut kms = engine_with(0, EngineLimits::default());
    let key = owner_key(&mut kms);
    assert!(grant_ids(&mut kms, &owner(), key).is_empty());

    let created = kms
        .create_grant(
            &owner(),
            CreateGrantRequest::new(key.key_id, USER, vec![G::Decrypt, G::Encrypt])
                .with_name("app-grant")
                .with_retiring_principal(OWNER)
                .with_constraints(GrantConstraints::subset(ec(&[("purpose", "orders")]))),
        )
        .unwrap();
    let id = created.grant_id.to_string();
    assert_eq!(id.len(), 64);
    assert!(id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{id}");
    assert!(!created.grant_token.is_empty());

    let listed = kms.list_grants(&owner(), ListGrantsRequest::new(key)).unwrap();
    assert_eq!(listed.page_info, PageInfo::default());
    assert_eq!(
        listed.grants,
        [GrantListEntry {
            key_id: key,
            grant_id: created.grant_id,
            name: Some("app-grant".to_owned()),
            creation_date: T0,
            grantee_principal: Some(USER.to_owned()),
            grantee_service_principal: None,
            retiring_principal: Some(OWNER.to_owned()),
            retiring_service_principal: None,
            issuing_account: "arn:aws:iam::123456789012:root".parse().unwrap(),
            operations: vec![G::Decrypt, G::Encrypt],
            constraints: Some(GrantConstraints::subset(ec(&[("purpose", "orders")]))),
        }]
    );
    let second = grant_to(&mut kms, &owner(), key, STRANGER, &[G::DescribeKey]);
    // Filters: by grant id and by grantee.
    let by_id = ListGrantsRequest::new(key).with_grant_id(second.grant_id);
    assert_eq!(
        kms.list_grants(&owner(), by_id)
            .unwrap()
            .grants
            .iter()
            .map(|g| g.grant_id)
            .collect::<Vec<_>>(),
        [second.grant_id]
    );
    let by_grantee = ListGrantsRequest::new(key).with_grantee_principal(USER);
    assert_eq!(kms.list_grants(&owner(), by_grantee).unwrap().grants.len(), 1);
    let unknown = ListGrantsRequest::new(key).with_grant_id("ab".repeat(32).parse().unwrap());
    assert!(kms.list_grants(&owner(), unknown).unwrap().grants.is_empty());
    // ListRetirableGrants: the grants the principal may retire, on any key.
    let retirable =
        kms.list_retirable_grants(&owner(), ListRetirableGrantsRequest::new(OWNER)).unwrap();
    assert_eq!(retirable.grants, listed.grants);

    // Retire by token, revoke by id: both leave the listings at once.
    kms.retire_grant(&owner(), RetireGrantRequest::by_token(created.grant_token.clone())).unwrap();
    assert_eq!(grant_ids(&mut kms, &owner(), key), [second.grant_id]);
    assert!(
        kms.list_retirable_grants(&owner(), ListRetirableGrantsRequest::new(OWNER))
            .unwrap()
            .grants
            .is_empty()
    );
    kms.revoke_grant(&owner(), RevokeGrantRequest::new(key.key_id, second.grant_id)).unwrap();
    assert!(grant_ids(&mut kms, &owner(), key).is_empty());

    // A grant that is gone is not found, by id or by token.
    let e = assert_kind(
        kms.revoke_grant(&owner(), RevokeGrantRequest::new(key, second.grant_id)),
        ErrorKind::NotFound,
    );
    assert_eq!(e.message, format!("Grant ID {} not found", second.grant_id));
    assert_kind(
        kms.retire_grant(&owner(), RetireGrantRequest::by_id(key, created.grant_id)),
        ErrorKind::NotFound,
    );
    assert_kind(
        kms.retire_grant(&owner(), RetireGrantRequest::by_token(created.grant_token)),
        ErrorKind::InvalidGrantToken,
    );
}

#[test]
fn listings_page_with_markers() {
    let mut kms = engine_with(0, EngineLimits::default());
    let keys = [owner_key(&mut kms), owner_key(&mut kms)];
    let mut all = Vec::new();
    for key in keys {
        for _ in 0..3 {
            let request =
                CreateGrantRequest::new(key, USER, vec![G::Decrypt]).with_retiring_principal(OWNER);
            all.push((key, kms.create_grant(&owner(), request).unwrap().grant_id));
        }
    }
    let page = |limit, marker: Option<String>| Page { limit: Some(limit), marker };
    // ListGrants: two pages of one key's three grants.
    let first = kms.list_grants(&owner(), ListGrantsRequest::new(keys[0]).with_page(page(2, None)));
    let first = first.unwrap();
    assert!(first.page_info.truncated);
    let rest = ListGrantsRequest::new(keys[0]).with_page(page(2, first.page_info.next_marker));
    let rest = kms.list_grants(&owner(), rest).unwrap();
    assert!(!rest.page_info.truncated);
    assert_eq!(rest.page_info.next_marker, None);
    let mut seen: Vec<GrantId> =
        first.grants.iter().chain(&rest.grants).map(|g| g.grant_id).collect();
    let mut expected: Vec<GrantId> =
        all.iter().filter(|(k, _)| *k == keys[0]).map(|(_, g)| *g).collect();
    seen.sort();
    expected.sort();
    assert_eq!(seen, expected);
    // ListRetirableGrants: all six, across both keys, four at a time.
    let mut listed = Vec::new();
    let mut marker = None;
    loop {
        let request = ListRetirableGrantsRequest::new(OWNER).with_page(page(4, marker));
        let response = kms.list_retirable_grants(&owner(), request).unwrap();
        listed.extend(response.grants.iter().map(|g| (g.key_id, g.grant_id)));
        if !response.page_info.truncated {
            break;
        }
        marker = response.page_info.next_marker;
    }
    listed.sort();
    all.sort();
    assert_eq!(listed, all);
    // Limits and markers are checked.
    for limit in [0, 101] {
        let request = ListGrantsRequest::new(keys[0]).with_page(page(limit, None));
        assert_kind(kms.list_grants(&owner(), request), ErrorKind::Validation);
    }
    let bad = ListGrantsRequest::new(keys[0]).with_page(page(1, Some("nope".to_owned())));
    assert_kind(kms.list_grants(&owner(), bad), ErrorKind::InvalidMarker);
    let bad = ListRetirableGrantsRequest::new(OWNER).with_page(page(1, Some("x/y".to_owned())));
    assert_kind(kms.list_retirable_grants(&owner(), bad), ErrorKind::InvalidMarker);
    // A principal of another account is not the caller's to ask about.
    assert_kind(
        kms.list_retirable_grants(&owner(), ListRetirableGrantsRequest::new(USER)),
        ErrorKind::AccessDenied,
    );
}

#[test]
fn a_name_makes_create_grant_idempotent() {
    let mut kms = engine_with(0, EngineLimits::default());
    let key = owner_key(&mut kms);
    let named = || CreateGrantRequest::new(key, USER, vec![G::Encrypt, G::Decrypt]).with_name("n");
    let first = kms.create_grant(&owner(), named()).unwrap();
    // The same name and parameters (operations in any order): the same grant, a new token.
    let again = kms
        .create_grant(
            &owner(),
            CreateGrantRequest::new(key, USER, vec![G::Decrypt, G::Encrypt]).with_name("n"),
        )
        .unwrap();
    assert_eq!(again.grant_id, first.grant_id);
    assert_ne!(again.grant_token, first.grant_token);
    assert_eq!(grant_ids(&mut kms, &owner(), key), [first.grant_id]);
    // Every token of the grant works, and retires it.
    for token in [&first.grant_token, &again.grant_token] {
        let request = EncryptRequest::new(key, "x").with_grant_tokens(vec![token.clone()]);
        kms.encrypt(&user(), request).unwrap();
    }
    // The same name with other parameters is another grant (names are not unique).
    let other = kms.create_grant(&owner(), named().with_retiring_principal(OWNER)).unwrap();
    assert_ne!(other.grant_id, first.grant_id);
    let other_ops = kms.create_grant(
        &owner(),
        CreateGrantRequest::new(key, USER, vec![G::Encrypt]).with_name("n"),
    );
    assert_ne!(other_ops.unwrap().grant_id, first.grant_id);
    // Without a name, every call makes a grant.
    let plain = || CreateGrantRequest::new(key, USER, vec![G::Encrypt]);
    let (a, b) =
        (kms.create_grant(&owner(), plain()).unwrap(), kms.create_grant(&owner(), plain()));
    assert_ne!(a.grant_id, b.unwrap().grant_id);
    assert_eq!(grant_ids(&mut kms, &owner(), key).len(), 5);
    // A retired grant is not returned again: the name makes a new one.
    kms.retire_grant(&owner(), RetireGrantRequest::by_token(again.grant_token)).unwrap();
    assert_ne!(kms.create_grant(&owner(), named()).unwrap().grant_id, first.grant_id);
}

#[test]
fn a_key_holds_at_most_its_limit_of_grants() {
    let limits = EngineLimits { grants_per_key: 3, ..EngineLimits::default() };
    let mut kms = engine_with(0, limits);
    let key = owner_key(&mut kms);
    let named = |name: &str| CreateGrantRequest::new(key, USER, vec![G::Decrypt]).with_name(name);
    let ids: Vec<GrantId> = ["a", "b", "c"]
        .iter()
        .map(|n| kms.create_grant(&owner(), named(n)).unwrap().grant_id)
        .collect();
    let e = assert_kind(kms.create_grant(&owner(), named("d")), ErrorKind::LimitExceeded);
    assert_eq!(e.message, format!("{key} already has 3 grants, the most a key may have"));
    // Retrying a grant that exists creates nothing, so the limit does not apply.
    assert_eq!(kms.create_grant(&owner(), named("a")).unwrap().grant_id, ids[0]);
    // Another key has its own count; a retired grant frees its place.
    let other = owner_key(&mut kms);
    kms.create_grant(&owner(), CreateGrantRequest::new(other, USER, vec![G::Decrypt])).unwrap();
    kms.revoke_grant(&owner(), RevokeGrantRequest::new(key, ids[1])).unwrap();
    kms.create_grant(&owner(), named("d")).unwrap();
    assert_kind(kms.create_grant(&owner(), named("e")), ErrorKind::LimitExceeded);
    assert_eq!(EngineLimits::default().grants_per_key, 50_000);
}

#[test]
fn operations_must_suit_the_key_type() {
    let mut kms = engine_with(0, EngineLimits::default());
    let symmetric = owner_key(&mut kms);
    let hmac = kms.create_key(&owner(), CreateKeyRequest::hmac(KeySpec::Hmac256)).unwrap().arn();
    let symmetric_ops = [
        G::Decrypt,
        G::Encrypt,
        G::GenerateDataKey,
        G::GenerateDataKeyWithoutPlaintext,
        G::GenerateDataKeyPair,
        G::GenerateDataKeyPairWithoutPlaintext,
        G::ReEncryptFrom,
        G::ReEncryptTo,
        G::CreateGrant,
        G::RetireGrant,
        G::DescribeKey,
    ];
    let hmac_ops = [G::GenerateMac, G::VerifyMac, G::CreateGrant, G::RetireGrant, G::DescribeKey];
    for (key, valid) in [(symmetric, &symmetric_ops[..]), (hmac, &hmac_ops[..])] {
        for &operation in G::ALL {
            let request = CreateGrantRequest::new(key, USER, vec![operation]);
            let outcome = kms.create_grant(&owner(), request);
            if valid.contains(&operation) {
                outcome.unwrap_or_else(|e| panic!("{operation} on {key}: {e}"));
            } else {
                assert_eq!(
                    outcome.map(drop).unwrap_err().kind,
                    ErrorKind::Validation,
                    "{operation} on {key}"
                );
            }
        }
        // All valid operations at once.
        kms.create_grant(&owner(), CreateGrantRequest::new(key, USER, valid.to_vec())).unwrap();
    }
    let e = kms
        .create_grant(
            &owner(),
            CreateGrantRequest::new(hmac, USER, vec![G::GenerateMac, G::Encrypt]),
        )
        .unwrap_err();
    assert_eq!(
        e.message,
        format!(
            "Grant operation Encrypt is not valid for {hmac} (HMAC_256 key with key usage GENERATE_VERIFY_MAC); its valid grant operations are GenerateMac, VerifyMac, CreateGrant, RetireGrant, DescribeKey"
        )
    );
    // Encryption context constraints: only for symmetric encryption keys.
    let constrained = CreateGrantRequest::new(hmac, USER, vec![G::GenerateMac])
        .with_constraints(GrantConstraints::subset(ec(&[("a", "1")])));
    assert_kind(kms.create_grant(&owner(), constrained), ErrorKind::Validation);
}

#[test]
fn malformed_create_grant_requests_are_validation_errors() {
    let mut kms = engine_with(0, EngineLimits::default());
    let key = owner_key(&mut kms);
    let base = || CreateGrantRequest::new(key, USER, vec![G::Decrypt]);
    let nine_pairs: Vec<(String, String)> =
        (0..9).map(|i| (format!("k{i}"), "v".to_owned())).collect();
    let long_value = "v".repeat(385);
    let cases = [
        (
            CreateGrantRequest::new(key, USER, Vec::new()),
            "1 validation error detected: Value at 'operations' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ),
        (
            CreateGrantRequest::new(key, "", vec![G::Decrypt]),
            "1 validation error detected: Value at 'granteePrincipal' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ),
        (
            CreateGrantRequest::new(key, "no spaces", vec![G::Decrypt]),
            "1 validation error detected: Value 'no spaces' at 'granteePrincipal' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\w+=,.@:/-]+$",
        ),
        (
            base().with_retiring_principal("x".repeat(257)),
            "1 validation error detected: Value at 'retiringPrincipal' failed to satisfy constraint: Member must have length less than or equal to 256",
        ),
        (
            base().with_name("bad name"),
            "1 validation error detected: Value 'bad name' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
        ),
        (
            base().with_constraints(GrantConstraints {
                encryption_context_subset: Some(ec(&[("a", "1")])),
                encryption_context_equals: Some(ec(&[("a", "1")])),
                source_arn: None,
            }),
            "More than one constraint supplied",
        ),
        (
            base().with_constraints(GrantConstraints::subset(nine_pairs.into_iter().collect())),
            "1 validation error detected: Value at 'constraints.encryptionContextSubset' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 8]",
        ),
        (
            base().with_constraints(GrantConstraints::equals(ec(&[("a", long_value.as_str())]))),
            "1 validation error detected: Value at 'constraints.encryptionContextEquals' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 384]",
        ),
    ];
    for (request, message) in cases {
        let e = assert_kind(kms.create_grant(&owner(), request), ErrorKind::Validation);
        assert_eq!(e.message, message);
    }
    // An empty constraint map is no constraint (the listing shows none).
    let empty = base().with_constraints(GrantConstraints::subset(EncryptionContext::new()));
    let id = kms.create_grant(&owner(), empty).unwrap().grant_id;
    let listed = kms.list_grants(&owner(), ListGrantsRequest::new(key).with_grant_id(id)).unwrap();
    assert_eq!(listed.grants[0].constraints, None);
    assert_eq!(grant_ids(&mut kms, &owner(), key).len(), 1, "failed calls created nothing");
}

#[test]
fn another_account_uses_a_key_only_through_a_grant() {
    let mut kms = engine_with(PROPAGATION, EngineLimits::default());
    let key = owner_key(&mut kms);
    // The bare key id resolves in the caller's own account: not found there.
    assert_kind(kms.encrypt(&user(), EncryptRequest::new(key.key_id, "x")), ErrorKind::NotFound);
    let e = assert_kind(encrypt(&mut kms, &user(), key), ErrorKind::AccessDenied);
    assert_eq!(
        e.message,
        format!(
            "User: {USER} is not authorized to perform: kms:Encrypt on resource: {key} because no resource-based policy allows the kms:Encrypt action"
        )
    );
    let grant = grant_to(&mut kms, &owner(), key, USER, &[G::Encrypt, G::Decrypt, G::DescribeKey]);
    let t1 = T0.plus_nanos(PROPAGATION);
    let user = user().at(t1);
    let sealed = encrypt(&mut kms, &user, key).unwrap();
    let opened = kms.decrypt(&user, DecryptRequest::new(sealed.ciphertext_blob.clone())).unwrap();
    assert_eq!(opened.plaintext.expose(), b"x");
    assert_eq!(
        kms.describe_key(&user, DescribeKeyRequest::new(key)).unwrap().key_metadata.arn,
        key
    );
    // What the grant does not include stays denied, and only the grantee is allowed.
    let e = assert_kind(
        kms.generate_data_key(&user, GenerateDataKeyRequest::new(key, DataKeySpec::Aes256)),
        ErrorKind::AccessDenied,
    );
    assert!(e.message.contains("kms:GenerateDataKey "), "{}", e.message);
    assert_kind(encrypt(&mut kms, &caller(STRANGER).at(t1), key), ErrorKind::AccessDenied);
    // The grantee may not manage the key or its grants.
    assert_kind(kms.list_grants(&user, ListGrantsRequest::new(key)), ErrorKind::AccessDenied);
    assert_kind(
        kms.revoke_grant(&user, RevokeGrantRequest::new(key, grant.grant_id)),
        ErrorKind::AccessDenied,
    );
    assert_kind(kms.disable_key(&user, DisableKeyRequest::new(key)), ErrorKind::AccessDenied);
    // The grant is in the audit record of what it allowed.
    let record = kms.audit_log().records().filter(|r| r.event_name == "Decrypt").last().unwrap();
    assert_eq!(record.additional_event_data["grantId"], grant.grant_id.to_string());
    let own = kms.audit_log().records().find(|r| r.event_name == "CreateKey").unwrap();
    assert!(own.additional_event_data.is_null());

    // Revoked: gone from the listing at once, still allowing until the change propagates.
    let t2 = t1.plus_nanos(10 * SECOND);
    kms.revoke_grant(&owner().at(t2), RevokeGrantRequest::new(key, grant.grant_id)).unwrap();
    assert!(grant_ids(&mut kms, &owner().at(t2), key).is_empty());
    let just_before = t2.plus_nanos(PROPAGATION - 1);
    encrypt(&mut kms, &user.at(just_before), key).unwrap();
    let after = t2.plus_nanos(PROPAGATION);
    assert_kind(encrypt(&mut kms, &user.at(after), key), ErrorKind::AccessDenied);
    assert_kind(
        kms.decrypt(&user.at(after), DecryptRequest::new(sealed.ciphertext_blob)),
        ErrorKind::AccessDenied,
    );
}

#[test]
fn a_grant_to_an_account_or_a_role_covers_its_principals_and_sessions() {
    let mut kms = engine_with(0, EngineLimits::default());
    let key = owner_key(&mut kms);
    grant_to(&mut kms, &owner(), key, "arn:aws:iam::111122223333:root", &[G::Encrypt]);
    grant_to(&mut kms, &owner(), key, "arn:aws:iam::444455556666:role/svc", &[G::Encrypt]);
    for principal in [
        "arn:aws:iam::111122223333:user/bob",
        "arn:aws:sts::111122223333:assumed-role/anything/s",
        "arn:aws:sts::444455556666:assumed-role/svc/session-1",
        "arn:aws:iam::444455556666:role/svc",
    ] {
        encrypt(&mut kms, &caller(principal), key).unwrap_or_else(|e| panic!("{principal}: {e}"));
    }
    for principal in ["arn:aws:iam::444455556666:role/other", "arn:aws:iam::777788889999:root"] {
        assert_kind(encrypt(&mut kms, &caller(principal), key), ErrorKind::AccessDenied);
    }
}

#[test]
fn constraints_compare_keys_without_case_and_values_exactly() {
    let mut kms = engine_with(0, EngineLimits::default());
    let subset_key = owner_key(&mut kms);
    let equals_key = owner_key(&mut kms);
    let operations = vec![G::Encrypt, G::Decrypt, G::GenerateDataKey, G::DescribeKey];
    kms.create_grant(
        &owner(),
        CreateGrantRequest::new(subset_key, USER, operations.clone())
            .with_constraints(GrantConstraints::subset(ec(&[("Dept", "IT")]))),
    )
    .unwrap();
    kms.create_grant(
        &owner(),
        CreateGrantRequest::new(equals_key, USER, operations)
            .with_constraints(GrantConstraints::equals(ec(&[("Dept", "IT"), ("app", "x")]))),
    )
    .unwrap();
    /// A key, the request's context, and whether the grant allows it.
    type Case<'a> = (KeyArn, &'a [(&'a str, &'a str)], bool);
    let cases: [Case<'_>; 9] = [
        (subset_key, &[("Dept", "IT")], true),
        (subset_key, &[("dept", "IT"), ("more", "y")], true),
        (subset_key, &[("DEPT", "IT")], true),
        (subset_key, &[("Dept", "it")], false),
        (subset_key, &[], false),
        (equals_key, &[("DEPT", "IT"), ("App", "x")], true),
        (equals_key, &[("Dept", "IT")], false),
        (equals_key, &[("Dept", "IT"), ("app", "x"), ("more", "y")], false),
        (equals_key, &[("Dept", "IT"), ("app", "X")], false),
    ];
    for (key, pairs, allowed) in cases {
        let request = EncryptRequest::new(key, "x").with_encryption_context(ec(pairs));
        let outcome = kms.encrypt(&user(), request);
        match outcome {
            Ok(sealed) => {
                assert!(allowed, "{pairs:?} on {key} should be denied");
                // Decrypt needs the context the ciphertext was made with: the same pairs.
                let open =
                    DecryptRequest::new(sealed.ciphertext_blob).with_encryption_context(ec(pairs));
                kms.decrypt(&user(), open).unwrap();
                let data_key = GenerateDataKeyRequest::new(key, DataKeySpec::Aes256)
                    .with_encryption_context(ec(pairs));
                kms.generate_data_key(&user(), data_key).unwrap();
            }
            Err(e) => {
                assert!(!allowed, "{pairs:?} on {key}: {e}");
                assert_eq!(e.kind, ErrorKind::AccessDenied);
            }
        }
    }
    // DescribeKey takes no encryption context: the constraint does not apply to it.
    kms.describe_key(&user(), DescribeKeyRequest::new(subset_key)).unwrap();
}

#[test]
fn re_encrypt_needs_re_encrypt_from_on_the_source_and_re_encrypt_to_on_the_destination() {
    let mut kms = engine_with(0, EngineLimits::default());
    let (source, destination) = (owner_key(&mut kms), owner_key(&mut kms));
    let sealed = encrypt(&mut kms, &owner(), source).unwrap().ciphertext_blob;
    let re_encrypt = |kms: &mut Engine| {
        kms.re_encrypt(&user(), ReEncryptRequest::new(sealed.clone(), destination))
    };
    let e = assert_kind(re_encrypt(&mut kms), ErrorKind::AccessDenied);
    assert!(e.message.contains("kms:ReEncryptFrom"), "{}", e.message);
    // ReEncryptTo on the source and ReEncryptFrom on the destination are the wrong halves.
    grant_to(&mut kms, &owner(), source, USER, &[G::ReEncryptTo]);
    grant_to(&mut kms, &owner(), destination, USER, &[G::ReEncryptFrom]);
    assert_kind(re_encrypt(&mut kms), ErrorKind::AccessDenied);
    grant_to(&mut kms, &owner(), source, USER, &[G::ReEncryptFrom]);
    let e = assert_kind(re_encrypt(&mut kms), ErrorKind::AccessDenied);
    assert!(e.message.contains("kms:ReEncryptTo"), "{}", e.message);
    grant_to(&mut kms, &owner(), destination, USER, &[G::ReEncryptTo]);
    let moved = re_encrypt(&mut kms).unwrap();
    assert_eq!(moved.key_id, destination);
}

#[test]
fn a_new_grant_needs_its_token_until_it_propagates() {
    let mut kms = engine_with(PROPAGATION, EngineLimits::default());
    let key = owner_key(&mut kms);
    let created = grant_to(&mut kms, &owner(), key, USER, &[G::Encrypt]);
    let with_token =
        |token: &str| EncryptRequest::new(key, "x").with_grant_tokens(vec![token.to_owned()]);
    // Listed at once, but not yet in force without its token.
    assert_eq!(grant_ids(&mut kms, &owner(), key), [created.grant_id]);
    assert_kind(encrypt(&mut kms, &user(), key), ErrorKind::AccessDenied);
    kms.encrypt(&user(), with_token(&created.grant_token)).unwrap();
    // The token of another grant does not stand in for this one.
    let other_key = owner_key(&mut kms);
    let other = grant_to(&mut kms, &owner(), other_key, USER, &[G::Encrypt]);
    assert_kind(kms.encrypt(&user(), with_token(&other.grant_token)), ErrorKind::AccessDenied);
    // Consistent: no token needed.
    let later = user().at(T0.plus_nanos(PROPAGATION));
    assert_kind(
        encrypt(&mut kms, &user().at(T0.plus_nanos(PROPAGATION - 1)), key),
        ErrorKind::AccessDenied,
    );
    encrypt(&mut kms, &later, key).unwrap();

    // Retired: unlisted at once, allowing (with or without its token) until it propagates,
    // then gone, and its token with it.
    let t1 = T0.plus_nanos(PROPAGATION);
    kms.retire_grant(&owner().at(t1), RetireGrantRequest::by_id(key, created.grant_id)).unwrap();
    assert!(grant_ids(&mut kms, &owner().at(t1), key).is_empty());
    let almost = user().at(t1.plus_nanos(PROPAGATION - 1));
    encrypt(&mut kms, &almost, key).unwrap();
    kms.encrypt(&almost, with_token(&created.grant_token)).unwrap();
    let gone = user().at(t1.plus_nanos(PROPAGATION));
    assert_kind(encrypt(&mut kms, &gone, key), ErrorKind::AccessDenied);
    assert_kind(kms.encrypt(&gone, with_token(&created.grant_token)), ErrorKind::InvalidGrantToken);
}

#[test]
fn grant_tokens_must_be_tokens_of_known_grants() {
    let mut kms = engine_with(0, EngineLimits::default());
    let key = owner_key(&mut kms);
    let mac_key = kms.create_key(&owner(), CreateKeyRequest::hmac(KeySpec::Hmac256)).unwrap().arn();
    // A well-formed token of a grant this engine never made: one from another engine.
    let mut elsewhere = engine_with(0, EngineLimits::default());
    let foreign_key = owner_key(&mut elsewhere);
    let foreign = grant_to(&mut elsewhere, &owner(), foreign_key, USER, &[G::Encrypt]).grant_token;
    let sealed = encrypt(&mut kms, &owner(), key).unwrap().ciphertext_blob;
    for token in [
        "garbled",
        "AQpAM2RhZTk1MGMyNTk2ZmZmMzEyYWVhOWViN2I1MWM4Mzc0MWFiYjc0ZDE1ODkyNGFlNTIzODZhMzgyZjBlNDkxOAF4",
        &foreign,
    ] {
        let tokens = vec![token.to_owned()];
        let outcomes: [(&str, Result<(), KmsError>); 6] = [
            (
                "Encrypt",
                kms.encrypt(
                    &owner(),
                    EncryptRequest::new(key, "x").with_grant_tokens(tokens.clone()),
                )
                .map(drop),
            ),
            (
                "Decrypt",
                kms.decrypt(
                    &owner(),
                    DecryptRequest::new(sealed.clone()).with_grant_tokens(tokens.clone()),
                )
                .map(drop),
            ),
            (
                "GenerateDataKey",
                kms.generate_data_key(
                    &owner(),
                    GenerateDataKeyRequest::new(key, DataKeySpec::Aes256)
                        .with_grant_tokens(tokens.clone()),
                )
                .map(drop),
            ),
            (
                "GenerateMac",
                kms.generate_mac(
                    &owner(),
                    GenerateMacRequest::new(mac_key, "m", MacAlgorithmSpec::HmacSha256)
                        .with_grant_tokens(tokens.clone()),
                )
                .map(drop),
            ),
            (
                "CreateGrant",
                kms.create_grant(
                    &owner(),
                    CreateGrantRequest::new(key, USER, vec![G::Decrypt])
                        .with_grant_tokens(tokens.clone()),
                )
                .map(drop),
            ),
            (
                "RetireGrant",
                kms.retire_grant(&owner(), RetireGrantRequest::by_token(token)).map(drop),
            ),
        ];
        for (operation, outcome) in outcomes {
            let e = outcome.expect_err(operation);
            assert_eq!(
                (e.kind, e.message.as_str()),
                (ErrorKind::InvalidGrantToken, "Invalid grant token"),
                "{operation} with {token}"
            );
        }
    }
    // DescribeKey's error list has no InvalidGrantTokenException: it ignores them.
    for token in ["garbled", &foreign] {
        let request = DescribeKeyRequest::new(key).with_grant_tokens(vec![token.to_owned()]);
        kms.describe_key(&owner(), request).unwrap();
    }
    assert!(grant_ids(&mut kms, &owner(), key).is_empty(), "failed calls created nothing");
}

#[test]
fn who_may_retire_a_grant() {
    const RETIRER: &str = "arn:aws:iam::777788889999:role/retirer";
    let mut kms = engine_with(0, EngineLimits::default());
    let key = owner_key(&mut kms);
    let make = |kms: &mut Engine, operations: &[G]| {
        let request = CreateGrantRequest::new(key, USER, operations.to_vec())
            .with_retiring_principal(RETIRER);
        kms.create_grant(&owner(), request).unwrap().grant_id
    };
    let retire = |kms: &mut Engine, who: &str, id| {
        kms.retire_grant(&caller(who), RetireGrantRequest::by_id(key, id)).map(drop)
    };
    // A stranger, and the grantee of a grant without RetireGrant, may not.
    let plain = make(&mut kms, &[G::Decrypt]);
    let e = assert_kind(retire(&mut kms, STRANGER, plain), ErrorKind::AccessDenied);
    assert!(
        e.message.starts_with(&format!(
            "User: {STRANGER} is not authorized to perform: kms:RetireGrant on resource: {key}"
        )),
        "{}",
        e.message
    );
    assert_kind(retire(&mut kms, USER, plain), ErrorKind::AccessDenied);
    // The retiring principal may, and so may the grantee of a grant that allows it, and
    // any principal of the account that created the grant.
    retire(&mut kms, RETIRER, plain).unwrap();
    let retirable = make(&mut kms, &[G::Decrypt, G::RetireGrant]);
    retire(&mut kms, USER, retirable).unwrap();
    let by_owner = make(&mut kms, &[G::Decrypt]);
    retire(&mut kms, "arn:aws:iam::123456789012:user/admin", by_owner).unwrap();
    // RetireGrant names the grant by token, or by key and grant id; not by both, not half.
    let token = grant_to(&mut kms, &owner(), key, USER, &[G::Decrypt]).grant_token;
    for request in [
        RetireGrantRequest::default(),
        RetireGrantRequest { key_id: Some(key.into()), ..RetireGrantRequest::default() },
        RetireGrantRequest {
            grant_token: Some(token),
            key_id: Some(key.into()),
            ..RetireGrantRequest::default()
        },
    ] {
        assert_kind(kms.retire_grant(&owner(), request), ErrorKind::Validation);
    }
    assert_eq!(grant_ids(&mut kms, &owner(), key).len(), 1);
    // RevokeGrant is for the key's account (the key policy), never a grantee's.
    let id = grant_ids(&mut kms, &owner(), key)[0];
    assert_kind(
        kms.revoke_grant(&user(), RevokeGrantRequest::new(key, id)),
        ErrorKind::AccessDenied,
    );
    assert_kind(
        kms.revoke_grant(&caller(RETIRER), RevokeGrantRequest::new(key, id)),
        ErrorKind::AccessDenied,
    );
    kms.revoke_grant(&owner(), RevokeGrantRequest::new(key, id)).unwrap();
    // Grant ids that are not grant ids.
    for bad in ["aabbccdd", &"AB".repeat(32)] {
        let e = bad.parse::<GrantId>().unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidGrantId, "{bad}");
    }
    assert_eq!("".parse::<GrantId>().unwrap_err().kind, ErrorKind::Validation);
}

#[test]
fn a_grantee_creates_only_grants_no_wider_than_its_own() {
    const SUB: &str = "arn:aws:iam::444455556666:role/sub";
    let mut kms = engine_with(0, EngineLimits::default());
    let key = owner_key(&mut kms);
    kms.create_grant(
        &owner(),
        CreateGrantRequest::new(key, USER, vec![G::CreateGrant, G::Encrypt, G::Decrypt])
            .with_constraints(GrantConstraints::subset(ec(&[("tenant", "a")]))),
    )
    .unwrap();
    let sub = |operations: &[G], constraints: Option<GrantConstraints>| {
        let request = CreateGrantRequest::new(key, SUB, operations.to_vec());
        match constraints {
            Some(c) => request.with_constraints(c),
            None => request,
        }
    };
    let denied = [
        sub(&[G::Encrypt], None),
        sub(
            &[G::Encrypt, G::GenerateDataKey],
            Some(GrantConstraints::subset(ec(&[("tenant", "a")]))),
        ),
        sub(&[G::Encrypt], Some(GrantConstraints::subset(ec(&[("tenant", "b")])))),
        sub(&[G::Encrypt], Some(GrantConstraints::equals(ec(&[("other", "a")])))),
    ];
    for request in denied {
        let e = assert_kind(kms.create_grant(&user(), request.clone()), ErrorKind::AccessDenied);
        assert!(e.message.contains("kms:CreateGrant"), "{request:?}: {}", e.message);
    }
    let allowed = [
        sub(&[G::Encrypt], Some(GrantConstraints::subset(ec(&[("Tenant", "a")])))),
        sub(
            &[G::Decrypt, G::Encrypt],
            Some(GrantConstraints::subset(ec(&[("tenant", "a"), ("x", "y")]))),
        ),
        sub(&[G::Encrypt], Some(GrantConstraints::equals(ec(&[("tenant", "a"), ("x", "y")])))),
    ];
    let mut made = Vec::new();
    for request in allowed {
        made.push(kms.create_grant(&user(), request).unwrap().grant_id);
    }
    // The grantee's grants are issued by its account, which may retire them.
    let listed = kms.list_grants(&owner(), ListGrantsRequest::new(key).with_grantee_principal(SUB));
    for entry in listed.unwrap().grants {
        assert_eq!(entry.issuing_account.as_str(), "arn:aws:iam::111122223333:root");
    }
    kms.retire_grant(&user(), RetireGrantRequest::by_id(key, made[0])).unwrap();
    // The new grantee can use what it was given, under its constraint.
    let request =
        EncryptRequest::new(key, "x").with_encryption_context(ec(&[("tenant", "a"), ("x", "y")]));
    kms.encrypt(&caller(SUB), request).unwrap();
    assert_kind(encrypt(&mut kms, &caller(SUB), key), ErrorKind::AccessDenied);
    // The key's own account creates what it likes.
    kms.create_grant(&owner(), sub(&[G::GenerateDataKey], None)).unwrap();
}

#[test]
fn a_dry_run_and_a_failed_call_change_nothing() {
    let run = |failures: bool| {
        let mut kms = engine_with(0, EngineLimits::default());
        let key = owner_key(&mut kms);
        let grant = grant_to(&mut kms, &owner(), key, USER, &[G::Decrypt]);
        if failures {
            let create = || CreateGrantRequest::new(key, USER, vec![G::Encrypt]);
            assert_kind(kms.create_grant(&user(), create()), ErrorKind::AccessDenied);
            assert_kind(
                kms.create_grant(&owner(), CreateGrantRequest::new(key, USER, vec![G::Sign])),
                ErrorKind::Validation,
            );
            let retry = CreateGrantRequest::new(key, USER, vec![G::Decrypt]).with_dry_run(true);
            assert_kind(kms.create_grant(&owner(), retry), ErrorKind::DryRunOperation);
            let retire = RetireGrantRequest::by_id(key, grant.grant_id).with_dry_run(true);
            assert_kind(kms.retire_grant(&owner(), retire), ErrorKind::DryRunOperation);
            let revoke = RevokeGrantRequest::new(key, grant.grant_id).with_dry_run(true);
            assert_kind(kms.revoke_grant(&owner(), revoke), ErrorKind::DryRunOperation);
            assert_kind(
                kms.retire_grant(&caller(STRANGER), RetireGrantRequest::by_id(key, grant.grant_id)),
                ErrorKind::AccessDenied,
            );
            kms.disable_key(&owner(), DisableKeyRequest::new(key)).unwrap();
            let e = assert_kind(
                kms.create_grant(
                    &owner(),
                    CreateGrantRequest::new(key, USER, vec![G::Decrypt]).with_name("x"),
                ),
                ErrorKind::Disabled,
            );
            assert_eq!(e.message, format!("{key} is disabled."));
            kms.enable_key(&owner(), EnableKeyRequest::new(key)).unwrap();
        }
        let listed = kms.list_grants(&owner(), ListGrantsRequest::new(key)).unwrap().grants;
        kms.revoke_grant(&owner(), RevokeGrantRequest::new(key, grant.grant_id)).unwrap();
        // The generator is where it was: the next grant is the same either way.
        let next = grant_to(&mut kms, &owner(), key, USER, &[G::Decrypt]);
        (listed, next.grant_id, next.grant_token)
    };
    let (clean, with_failures) = (run(false), run(true));
    assert_eq!(clean.0.len(), 1);
    assert_eq!(clean, with_failures);
}

#[test]
fn the_same_seed_gives_the_same_grant_ids_and_tokens() {
    let run = |seed: u64| {
        let mut kms = Engine::new(
            EngineConfig::new(Region::US_EAST_1, seed).with_quotas(QuotaConfig::disabled()),
        );
        let key = owner_key(&mut kms);
        (0..3)
            .map(|_| {
                let grant = grant_to(&mut kms, &owner(), key, USER, &[G::Decrypt]);
                (grant.grant_id, grant.grant_token)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(42), run(42));
    assert_ne!(run(42), run(43));
}

#[test]
fn grants_go_with_their_key_and_do_not_follow_it_to_other_regions() {
    let mut kms = engine_with(0, EngineLimits::default());
    let key = owner_key(&mut kms);
    let request =
        CreateGrantRequest::new(key, USER, vec![G::Decrypt]).with_retiring_principal(OWNER);
    kms.create_grant(&owner(), request).unwrap();
    kms.schedule_key_deletion(
        &owner(),
        ScheduleKeyDeletionRequest::new(key).with_pending_window_in_days(7),
    )
    .unwrap();
    // Pending deletion: listed and retirable still, but no new grant.
    assert_eq!(grant_ids(&mut kms, &owner(), key).len(), 1);
    assert_kind(
        kms.create_grant(&owner(), CreateGrantRequest::new(key, USER, vec![G::Decrypt])),
        ErrorKind::KmsInvalidState,
    );
    let after = owner().at(T0.plus_days(8));
    kms.advance_to(after.now);
    assert_kind(kms.list_grants(&after, ListGrantsRequest::new(key)), ErrorKind::NotFound);
    let retirable = kms.list_retirable_grants(&after, ListRetirableGrantsRequest::new(OWNER));
    assert!(retirable.unwrap().grants.is_empty());

    // A multi-Region key's replica has grants of its own: none of the primary's.
    let mut east = engine_with(0, EngineLimits::default());
    let mut west =
        Engine::new(EngineConfig::new(Region::US_WEST_2, 8).with_quotas(QuotaConfig::disabled()));
    let primary =
        east.create_key(&owner(), CreateKeyRequest::new().with_multi_region(true)).unwrap().arn();
    grant_to(&mut east, &owner(), primary, USER, &[G::Decrypt, G::Encrypt]);
    east.replicate_key(&owner(), ReplicateKeyRequest::new(primary, Region::US_WEST_2)).unwrap();
    for message in east.drain_outbox() {
        west.apply_replication(message, T0).unwrap();
    }
    let replica = KeyArn { region: Region::US_WEST_2, ..primary };
    assert!(grant_ids(&mut west, &owner(), replica).is_empty());
    assert_kind(encrypt(&mut west, &user(), replica), ErrorKind::AccessDenied);
    encrypt(&mut east, &user(), primary).unwrap();
    let replica_grant = grant_to(&mut west, &owner(), replica, USER, &[G::Encrypt]);
    encrypt(&mut west, &user(), replica).unwrap();
    assert_eq!(grant_ids(&mut west, &owner(), replica), [replica_grant.grant_id]);
    assert_eq!(grant_ids(&mut east, &owner(), primary).len(), 1);
}

#[test]
fn grant_calls_are_audited_without_their_tokens() {
    let mut kms = engine_with(0, EngineLimits::default());
    let key = owner_key(&mut kms);
    let created = kms
        .create_grant(
            &owner(),
            CreateGrantRequest::new(key, USER, vec![G::Encrypt])
                .with_name("audited")
                .with_constraints(GrantConstraints::subset(ec(&[("a", "1")]))),
        )
        .unwrap();
    kms.list_grants(&owner(), ListGrantsRequest::new(key)).unwrap();
    kms.retire_grant(&owner(), RetireGrantRequest::by_token(created.grant_token.clone())).unwrap();
    let records: Vec<_> = kms.audit_log().records().cloned().collect();
    let create = records.iter().find(|r| r.event_name == "CreateGrant").unwrap();
    assert_eq!(
        create.request_parameters,
        serde_json::json!({
            "keyId": key.to_string(),
            "granteePrincipal": USER,
            "operations": ["Encrypt"],
            "constraints": {"encryptionContextSubset": {"a": "1"}},
            "name": "audited",
        })
    );
    assert_eq!(
        create.response_elements,
        serde_json::json!({"grantId": created.grant_id.to_string(), "keyId": key.to_string()})
    );
    let list = records.iter().find(|r| r.event_name == "ListGrants").unwrap();
    assert!(list.read_only);
    let retire = records.iter().find(|r| r.event_name == "RetireGrant").unwrap();
    assert_eq!(retire.request_parameters, serde_json::json!({}));
    assert_eq!(
        retire.additional_event_data,
        serde_json::json!({"grantId": created.grant_id.to_string()})
    );
    assert_eq!(retire.resources.len(), 1);
    let text = serde_json::to_string(&records).unwrap();
    assert!(!text.contains(&created.grant_token), "a token reached a record");
}

/// The service principal of the service-principal grant tests.
const LOGS: &str = "logs.us-east-1.amazonaws.com";
/// The resource the service calls about.
const LOG_GROUP: &str = "arn:aws:logs:us-east-1:123456789012:log-group:app";

/// `logs` calling as itself about `source_arn`, for the owner's account.
fn service(name: &str, source_arn: &str) -> CallContext {
    CallContext::for_service_principal(name, source_arn, owner().account(), T0)
}

/// A grant to the logs service principal, bound to [`LOG_GROUP`], retired by the owner.
fn logs_grant(key: KeyArn, operations: &[G]) -> CreateGrantRequest {
    CreateGrantRequest::for_service_principal(key, LOGS, operations.to_vec())
        .with_constraints(GrantConstraints::source_arn(LOG_GROUP))
        .with_retiring_principal(OWNER)
}

/// A grant to a service principal allows that service, calling as itself about the
/// grant's source ARN, and nobody else; listings show the service principals; the
/// service's calls are audited as an AWS service's, its denials too.
#[test]
fn a_grant_to_a_service_principal_allows_that_service_from_its_source_arn_only() {
    let mut kms = engine_with(0, EngineLimits::default());
    let key = owner_key(&mut kms);
    let logs = service(LOGS, LOG_GROUP);
    // No grant yet: a service principal is no principal of the account, so the default
    // key policy does not allow it (and the hot path must not either).
    let denied = assert_kind(encrypt(&mut kms, &logs, key), ErrorKind::AccessDenied);
    assert_eq!(
        denied.message,
        format!(
            "User: {LOGS} is not authorized to perform: kms:Encrypt on resource: {key} because no resource-based policy allows the kms:Encrypt action"
        )
    );
    let created = kms.create_grant(&owner(), logs_grant(key, &[G::Encrypt, G::Decrypt])).unwrap();
    let blob = encrypt(&mut kms, &logs, key).unwrap().ciphertext_blob;
    kms.decrypt(&logs, DecryptRequest::new(blob)).unwrap();
    let record = kms.audit_log().records().last().unwrap();
    assert_eq!(record.user_identity.identity_type, Some("AWSService"));
    assert_eq!(record.user_identity.invoked_by.as_deref(), Some(LOGS));
    assert_eq!(record.additional_event_data["grantId"], created.grant_id.to_string());
    let refused = [
        (
            "another source ARN",
            service(LOGS, "arn:aws:logs:us-east-1:123456789012:log-group:other"),
        ),
        ("another service", service("s3.amazonaws.com", LOG_GROUP)),
        (
            "the owner's role, through the service",
            owner().with_service(LOGS, "logs.us-east-1.amazonaws.com").with_source_arn(LOG_GROUP),
        ),
    ];
    for (row, ctx) in &refused {
        let before = kms.audit_log().records().len();
        let grantee_is_principal = ctx.calling_service().is_none();
        let result = encrypt(&mut kms, ctx, key);
        if grantee_is_principal {
            // The owner's own role is allowed by the key policy: the grant is not what
            // allows it.
            result.unwrap();
            let record = kms.audit_log().records().last().unwrap();
            assert_eq!(record.additional_event_data, serde_json::Value::Null, "{row}");
            continue;
        }
        let error = assert_kind(result, ErrorKind::AccessDenied);
        assert!(error.message.contains("kms:Encrypt"), "{row}: {error}");
        assert_eq!(kms.audit_log().records().len(), before + 1, "{row}: the denial is audited");
        assert_eq!(
            kms.audit_log().records().last().unwrap().error_code,
            Some("AccessDeniedException"),
            "{row}"
        );
    }
    // Listings show the service principal and the constraint.
    let listed = kms.list_grants(&owner(), ListGrantsRequest::new(key)).unwrap().grants;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].grantee_principal, None);
    assert_eq!(listed[0].grantee_service_principal.as_deref(), Some(LOGS));
    assert_eq!(listed[0].retiring_principal.as_deref(), Some(OWNER));
    assert_eq!(listed[0].constraints, Some(GrantConstraints::source_arn(LOG_GROUP)));
    let by_service = ListGrantsRequest::new(key).with_grantee_service_principal(LOGS);
    assert_eq!(kms.list_grants(&owner(), by_service).unwrap().grants, listed);
    for filter in [
        ListGrantsRequest::new(key).with_grantee_service_principal("s3.amazonaws.com"),
        ListGrantsRequest::new(key).with_grantee_principal(LOGS),
    ] {
        assert!(kms.list_grants(&owner(), filter).unwrap().grants.is_empty());
    }
    // A grant to the service does not allow an IAM principal named like it.
    assert_kind(
        encrypt(&mut kms, &caller("arn:aws:iam::444455556666:role/logs"), key),
        ErrorKind::AccessDenied,
    );
}

/// CreateGrant's rules for service principals and SourceArn; each refusal creates nothing.
#[test]
fn create_grant_refuses_service_principal_grants_without_their_requirements() {
    let mut kms = engine_with(0, EngineLimits::default());
    let key = owner_key(&mut kms);
    let base = || CreateGrantRequest::for_service_principal(key, LOGS, vec![G::Encrypt]);
    let cases: Vec<(&str, CreateGrantRequest, &str)> = vec![
        (
            "no SourceArn",
            base().with_retiring_principal(OWNER),
            "A grant to the service principal logs.us-east-1.amazonaws.com requires a SourceArn constraint",
        ),
        (
            "no retiring principal",
            base().with_constraints(GrantConstraints::source_arn(LOG_GROUP)),
            "A grant to the service principal logs.us-east-1.amazonaws.com requires a RetiringPrincipal or RetiringServicePrincipal",
        ),
        (
            "both grantees",
            CreateGrantRequest {
                grantee_principal: Some(USER.to_owned()),
                ..logs_grant(key, &[G::Encrypt])
            },
            "Specify either GranteePrincipal or GranteeServicePrincipal, not both",
        ),
        (
            "no grantee",
            CreateGrantRequest {
                grantee_service_principal: None,
                ..logs_grant(key, &[G::Encrypt])
            },
            "Specify the grantee: GranteePrincipal or GranteeServicePrincipal",
        ),
        (
            "both retiring principals",
            logs_grant(key, &[G::Encrypt]).with_retiring_service_principal(LOGS),
            "Specify either RetiringPrincipal or RetiringServicePrincipal, not both",
        ),
        (
            "a service principal too long",
            CreateGrantRequest::for_service_principal(key, "s".repeat(129), vec![G::Encrypt])
                .with_constraints(GrantConstraints::source_arn(LOG_GROUP))
                .with_retiring_principal(OWNER),
            "1 validation error detected: Value at 'granteeServicePrincipal' failed to satisfy constraint: Member must have length less than or equal to 128",
        ),
        (
            "a SourceArn too short",
            base()
                .with_retiring_principal(OWNER)
                .with_constraints(GrantConstraints::source_arn("arn:aws:s3:::b")),
            "1 validation error detected: Value at 'constraints.sourceArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
        ),
        (
            "a SourceArn too long",
            base().with_retiring_principal(OWNER).with_constraints(GrantConstraints::source_arn(
                format!("arn:aws:s3:::{}", "b".repeat(510)),
            )),
            "1 validation error detected: Value at 'constraints.sourceArn' failed to satisfy constraint: Member must have length less than or equal to 512",
        ),
        (
            "a SourceArn that is no ARN",
            base()
                .with_retiring_principal(OWNER)
                .with_constraints(GrantConstraints::source_arn("logs:us-east-1:log-group:app")),
            "1 validation error detected: Value 'logs:us-east-1:log-group:app' at 'constraints.sourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws[a-zA-Z0-9-]*:[^:\\s]+:[^:\\s]*:[^:\\s]*:\\S+$",
        ),
    ];
    for (row, request, message) in cases {
        let error = assert_kind(kms.create_grant(&owner(), request), ErrorKind::Validation);
        assert_eq!(error.message, message, "{row}");
        assert!(grant_ids(&mut kms, &owner(), key).is_empty(), "{row}: nothing created");
    }
    // A SourceArn constraint is no encryption context constraint: key pairs take it.
    let signing = kms
        .create_key(
            &owner(),
            CreateKeyRequest::new()
                .with_key_spec(KeySpec::EccNistP256)
                .with_key_usage(engine::spec::KeyUsage::SignVerify),
        )
        .unwrap()
        .arn();
    kms.create_grant(&owner(), logs_grant(signing, &[G::Sign])).unwrap();
}

/// A SourceArn constraint binds a grant to an IAM principal too, except for RetireGrant;
/// a grant that allows CreateGrant under it creates only grants bound to the same ARN.
#[test]
fn a_source_arn_constraint_binds_every_operation_but_retire_grant() {
    let mut kms = engine_with(0, EngineLimits::default());
    let key = owner_key(&mut kms);
    let bound =
        CreateGrantRequest::new(key, USER, vec![G::Encrypt, G::CreateGrant, G::RetireGrant])
            .with_constraints(GrantConstraints::source_arn(LOG_GROUP));
    let created = kms.create_grant(&owner(), bound).unwrap();
    assert_kind(encrypt(&mut kms, &user(), key), ErrorKind::AccessDenied);
    let from_elsewhere = user().with_source_arn("arn:aws:logs:us-east-1:123456789012:log-group:x");
    assert_kind(encrypt(&mut kms, &from_elsewhere, key), ErrorKind::AccessDenied);
    let from_source = user().with_source_arn(LOG_GROUP);
    encrypt(&mut kms, &from_source, key).unwrap();
    // Re-granting: only as bound as itself.
    let child = |constraints: Option<GrantConstraints>| {
        let request = CreateGrantRequest::new(key, STRANGER, vec![G::Encrypt]);
        match constraints {
            Some(c) => request.with_constraints(c),
            None => request,
        }
    };
    assert_kind(kms.create_grant(&from_source, child(None)), ErrorKind::AccessDenied);
    let elsewhere = GrantConstraints::source_arn("arn:aws:logs:us-east-1:123456789012:log-group:x");
    assert_kind(kms.create_grant(&from_source, child(Some(elsewhere))), ErrorKind::AccessDenied);
    kms.create_grant(&from_source, child(Some(GrantConstraints::source_arn(LOG_GROUP)))).unwrap();
    // RetireGrant ignores the constraint.
    kms.retire_grant(&user(), RetireGrantRequest::by_token(created.grant_token)).unwrap();
    assert_eq!(grant_ids(&mut kms, &owner(), key).len(), 1);
}

/// ListRetirableGrants and RetireGrant for a retiring service principal; a retiring
/// principal spelled like it is another party.
#[test]
fn a_retiring_service_principal_lists_and_retires_its_grants() {
    let mut kms = engine_with(0, EngineLimits::default());
    let key = owner_key(&mut kms);
    let by_service = CreateGrantRequest::for_service_principal(key, LOGS, vec![G::Encrypt])
        .with_constraints(GrantConstraints::source_arn(LOG_GROUP))
        .with_retiring_service_principal(LOGS);
    let service_retires = kms.create_grant(&owner(), by_service).unwrap();
    let spelled_alike =
        CreateGrantRequest::new(key, USER, vec![G::Encrypt]).with_retiring_principal(LOGS);
    let principal_retires = kms.create_grant(&owner(), spelled_alike).unwrap();
    let retirable = kms
        .list_retirable_grants(&owner(), ListRetirableGrantsRequest::for_service_principal(LOGS))
        .unwrap()
        .grants;
    assert_eq!(retirable.len(), 1);
    assert_eq!(retirable[0].grant_id, service_retires.grant_id);
    assert_eq!(retirable[0].retiring_service_principal.as_deref(), Some(LOGS));
    let by_principal =
        kms.list_retirable_grants(&owner(), ListRetirableGrantsRequest::new(LOGS)).unwrap().grants;
    assert_eq!(
        by_principal.iter().map(|g| g.grant_id).collect::<Vec<_>>(),
        [principal_retires.grant_id]
    );
    let both = ListRetirableGrantsRequest {
        retiring_service_principal: Some(LOGS.to_owned()),
        ..ListRetirableGrantsRequest::new(LOGS)
    };
    assert_kind(kms.list_retirable_grants(&owner(), both), ErrorKind::Validation);
    let neither = ListRetirableGrantsRequest {
        retiring_principal: None,
        ..ListRetirableGrantsRequest::new(LOGS)
    };
    assert_kind(kms.list_retirable_grants(&owner(), neither), ErrorKind::Validation);
    // Another service may not retire it; the service may, from any source ARN.
    let s3 = service("s3.amazonaws.com", LOG_GROUP);
    assert_kind(
        kms.retire_grant(&s3, RetireGrantRequest::by_id(key, service_retires.grant_id)),
        ErrorKind::AccessDenied,
    );
    // The service may not retire the grant whose RetiringPrincipal merely spells its name.
    let logs_elsewhere = service(LOGS, "arn:aws:logs:us-east-1:123456789012:log-group:other");
    assert_kind(
        kms.retire_grant(
            &logs_elsewhere,
            RetireGrantRequest::by_id(key, principal_retires.grant_id),
        ),
        ErrorKind::AccessDenied,
    );
    kms.retire_grant(&logs_elsewhere, RetireGrantRequest::by_id(key, service_retires.grant_id))
        .unwrap();
    let retirable = kms
        .list_retirable_grants(&owner(), ListRetirableGrantsRequest::for_service_principal(LOGS))
        .unwrap()
        .grants;
    assert!(retirable.is_empty());
    assert_eq!(grant_ids(&mut kms, &owner(), key), [principal_retires.grant_id]);
}

/// A grant constraint, as a decision-table row names it.
#[derive(Clone, Copy, Debug)]
enum Constraint {
    None,
    /// `EncryptionContextEquals` with these pairs.
    Equals(&'static [(&'static str, &'static str)]),
    /// `EncryptionContextSubset` with these pairs.
    Subset(&'static [(&'static str, &'static str)]),
    /// `SourceArn`.
    SourceArn(&'static str),
}

/// The operations a decision-table row calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Call {
    Encrypt,
    Decrypt,
    GenerateDataKey,
    DescribeKey,
}

/// One row of the grant decision table: what the owner granted to [`USER`], when and how
/// the caller calls, and whether the call is allowed. Every call is cross-account (the
/// default key policy does not name [`USER`]'s account), so only the grant can allow it.
#[derive(Clone, Copy, Debug)]
struct Row {
    /// The grant's operations; `None`: no grant.
    grant: Option<&'static [G]>,
    constraint: Constraint,
    /// Whether the call comes [`PROPAGATION`] after CreateGrant, or at once.
    propagated: bool,
    /// Whether the request presents the grant's token.
    token: bool,
    caller: &'static str,
    /// The caller's `aws:SourceArn`, if it calls about a resource.
    source_arn: Option<&'static str>,
    call: Call,
    /// The request's encryption context (Decrypt: also the ciphertext's).
    context: &'static [(&'static str, &'static str)],
    allowed: bool,
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.grant {
            None => write!(f, "no grant")?,
            Some(operations) => {
                write!(f, "grant {operations:?} with constraint {:?}", self.constraint)?;
            }
        }
        let when = if self.propagated { "propagated" } else { "not yet propagated" };
        let token = if self.token { "token presented" } else { "no token" };
        write!(f, ", {when}, {token}; {} calls {:?}", self.caller, self.call)?;
        if let Some(arn) = self.source_arn {
            write!(f, " about {arn}")?;
        }
        write!(f, " with context {:?}", self.context)?;
        write!(f, ": expected {}", if self.allowed { "allow" } else { "deny" })
    }
}

/// A row of the table with its defaults: a propagated unconstrained Encrypt grant, no
/// token, [`USER`] calling Encrypt without a context, allowed.
const ROW: Row = Row {
    grant: Some(&[G::Encrypt]),
    constraint: Constraint::None,
    propagated: true,
    token: false,
    caller: USER,
    source_arn: None,
    call: Call::Encrypt,
    context: &[],
    allowed: true,
};

/// Builds `row` through a fresh engine (with a grant propagation delay): CreateGrant, then
/// the row's call, and checks the decision.
#[track_caller]
fn check(row: &Row) {
    let mut kms = engine_with(PROPAGATION, EngineLimits::default());
    let key = owner_key(&mut kms);
    let context = ec(row.context);
    // Decrypt's ciphertext, made by the owner under the request's context.
    let blob = (row.call == Call::Decrypt).then(|| {
        let request = EncryptRequest::new(key, "x").with_encryption_context(context.clone());
        kms.encrypt(&owner(), request).unwrap().ciphertext_blob
    });
    let mut tokens = Vec::new();
    if let Some(operations) = row.grant {
        let mut request = CreateGrantRequest::new(key, USER, operations.to_vec());
        request = match row.constraint {
            Constraint::None => request,
            Constraint::Equals(pairs) => {
                request.with_constraints(GrantConstraints::equals(ec(pairs)))
            }
            Constraint::Subset(pairs) => {
                request.with_constraints(GrantConstraints::subset(ec(pairs)))
            }
            Constraint::SourceArn(arn) => {
                request.with_constraints(GrantConstraints::source_arn(arn))
            }
        };
        let created = kms.create_grant(&owner(), request).unwrap();
        if row.token {
            tokens.push(created.grant_token);
        }
    }
    let now = if row.propagated { T0.plus_nanos(PROPAGATION) } else { T0 };
    let mut ctx = caller(row.caller).at(now);
    if let Some(arn) = row.source_arn {
        ctx = ctx.with_source_arn(arn);
    }
    let result = match row.call {
        Call::Encrypt => kms
            .encrypt(
                &ctx,
                EncryptRequest::new(key, "x")
                    .with_encryption_context(context)
                    .with_grant_tokens(tokens),
            )
            .map(drop),
        Call::Decrypt => kms
            .decrypt(
                &ctx,
                DecryptRequest::new(blob.unwrap_or_default())
                    .with_encryption_context(context)
                    .with_grant_tokens(tokens),
            )
            .map(drop),
        Call::GenerateDataKey => kms
            .generate_data_key(
                &ctx,
                GenerateDataKeyRequest::new(key, DataKeySpec::Aes256)
                    .with_encryption_context(context)
                    .with_grant_tokens(tokens),
            )
            .map(drop),
        Call::DescribeKey => {
            kms.describe_key(&ctx, DescribeKeyRequest::new(key).with_grant_tokens(tokens)).map(drop)
        }
    };
    match result {
        Ok(()) => assert!(row.allowed, "{row}, but it was allowed"),
        Err(error) => {
            assert!(!row.allowed, "{row}, but: {error}");
            assert_eq!(error.kind, ErrorKind::AccessDenied, "{row}, but: {error}");
            assert!(
                error.message.starts_with(&format!("User: {} is not authorized", row.caller)),
                "{row}: {}",
                error.message
            );
        }
    }
}

/// The decision table for grants: (grant with its constraint, propagated or not, token
/// presented or not, caller, operation, request encryption context) → allow or deny,
/// each row through the real engine with a grant propagation delay.
#[test]
fn grant_decision_table() {
    const IT: &[(&str, &str)] = &[("Dept", "IT")];
    const EQUALS_IT: Constraint = Constraint::Equals(IT);
    const SUBSET_IT: Constraint = Constraint::Subset(IT);
    const SOURCE: Constraint = Constraint::SourceArn(LOG_GROUP);
    const OTHER_LOG_GROUP: &str = "arn:aws:logs:us-east-1:123456789012:log-group:other";
    let unpropagated = Row { propagated: false, ..ROW };
    let rows = [
        // Without a grant the key policy decides: it does not name the other account.
        Row { grant: None, allowed: false, ..ROW },
        Row { grant: None, token: false, propagated: false, allowed: false, ..ROW },
        // An unconstrained grant: in force once propagated, or at once with its token.
        ROW,
        Row { allowed: false, ..unpropagated },
        Row { token: true, ..unpropagated },
        Row { token: true, ..ROW },
        // Only the grantee, and only the granted operations.
        Row { caller: STRANGER, allowed: false, ..ROW },
        Row { caller: STRANGER, token: true, allowed: false, ..unpropagated },
        Row { call: Call::GenerateDataKey, allowed: false, ..ROW },
        Row { call: Call::DescribeKey, token: true, allowed: false, ..unpropagated },
        Row { grant: Some(&[G::Encrypt, G::Decrypt]), call: Call::Decrypt, ..ROW },
        // EncryptionContextSubset: the pairs, keys in any case, values exactly, more allowed.
        Row { constraint: SUBSET_IT, context: IT, ..ROW },
        Row { constraint: SUBSET_IT, context: &[("dept", "IT"), ("app", "x")], ..ROW },
        Row { constraint: SUBSET_IT, context: &[("DEPT", "IT")], ..ROW },
        Row { constraint: SUBSET_IT, context: &[("Dept", "it")], allowed: false, ..ROW },
        Row { constraint: SUBSET_IT, context: &[("app", "x")], allowed: false, ..ROW },
        Row { constraint: SUBSET_IT, context: &[], allowed: false, ..ROW },
        Row {
            grant: Some(&[G::GenerateDataKey]),
            constraint: SUBSET_IT,
            call: Call::GenerateDataKey,
            context: &[("dept", "IT")],
            ..ROW
        },
        // A token stands in for propagation, not for the constraint.
        Row { constraint: SUBSET_IT, context: IT, token: true, ..unpropagated },
        Row {
            constraint: SUBSET_IT,
            context: &[("Dept", "HR")],
            token: true,
            allowed: false,
            ..unpropagated
        },
        Row { constraint: SUBSET_IT, context: IT, allowed: false, ..unpropagated },
        // EncryptionContextEquals: exactly the pairs, keys in any case.
        Row { constraint: EQUALS_IT, context: &[("DEPT", "IT")], ..ROW },
        Row {
            constraint: EQUALS_IT,
            context: &[("Dept", "IT"), ("app", "x")],
            allowed: false,
            ..ROW
        },
        Row { constraint: EQUALS_IT, context: &[("Dept", "It")], allowed: false, ..ROW },
        Row { constraint: EQUALS_IT, context: &[], allowed: false, ..ROW },
        Row {
            grant: Some(&[G::Decrypt]),
            constraint: EQUALS_IT,
            call: Call::Decrypt,
            context: &[("dept", "IT")],
            ..ROW
        },
        Row {
            grant: Some(&[G::Decrypt]),
            constraint: EQUALS_IT,
            call: Call::Decrypt,
            context: &[("Dept", "HR")],
            allowed: false,
            ..ROW
        },
        Row {
            grant: Some(&[G::Decrypt]),
            constraint: EQUALS_IT,
            call: Call::Decrypt,
            context: IT,
            token: true,
            ..unpropagated
        },
        // DescribeKey takes no encryption context: the constraint does not apply to it.
        Row {
            grant: Some(&[G::DescribeKey]),
            constraint: EQUALS_IT,
            call: Call::DescribeKey,
            ..ROW
        },
        // SourceArn: the caller must call about that resource, for every operation.
        Row { constraint: SOURCE, source_arn: Some(LOG_GROUP), ..ROW },
        Row { constraint: SOURCE, allowed: false, ..ROW },
        Row { constraint: SOURCE, source_arn: Some(OTHER_LOG_GROUP), allowed: false, ..ROW },
        Row {
            constraint: SOURCE,
            source_arn: Some(LOG_GROUP),
            context: &[("any", "thing")],
            ..ROW
        },
        Row { constraint: SOURCE, source_arn: Some(LOG_GROUP), token: true, ..unpropagated },
        Row { constraint: SOURCE, token: true, allowed: false, ..unpropagated },
        Row {
            grant: Some(&[G::DescribeKey]),
            constraint: SOURCE,
            call: Call::DescribeKey,
            allowed: false,
            ..ROW
        },
        Row {
            grant: Some(&[G::DescribeKey]),
            constraint: SOURCE,
            source_arn: Some(LOG_GROUP),
            call: Call::DescribeKey,
            ..ROW
        },
    ];
    for row in &rows {
        check(row);
    }
}

/// A key of the owner with `spec` and `usage`; its ARN.
fn owner_key_of(kms: &mut Engine, spec: KeySpec, usage: engine::spec::KeyUsage) -> KeyArn {
    kms.create_key(&owner(), CreateKeyRequest::new().with_key_spec(spec).with_key_usage(usage))
        .unwrap()
        .arn()
}

/// Grants authorise the key-pair, HMAC and data-key-pair operations too: the default key
/// policy does not name [`USER`]'s account, so each call is AccessDenied until a grant of
/// that one operation allows it.
#[test]
fn grants_authorise_the_asymmetric_hmac_and_data_key_pair_operations() {
    use engine::spec::{
        DataKeyPairSpec, EncryptionAlgorithmSpec, KeyAgreementAlgorithmSpec, KeyUsage,
        SigningAlgorithmSpec,
    };
    let mut kms = engine_with(0, EngineLimits::default());
    let signing = owner_key_of(&mut kms, KeySpec::EccNistP256, KeyUsage::SignVerify);
    let rsa = owner_key_of(&mut kms, KeySpec::Rsa2048, KeyUsage::EncryptDecrypt);
    let agreement = owner_key_of(&mut kms, KeySpec::EccNistP256, KeyUsage::KeyAgreement);
    let peer = owner_key_of(&mut kms, KeySpec::EccNistP256, KeyUsage::KeyAgreement);
    let hmac = owner_key_of(&mut kms, KeySpec::Hmac256, KeyUsage::GenerateVerifyMac);
    let symmetric = owner_key(&mut kms);

    // What the owner makes for the grantee's Verify, Decrypt, DeriveSharedSecret, VerifyMac.
    let ecdsa = SigningAlgorithmSpec::EcdsaSha256;
    let oaep = EncryptionAlgorithmSpec::RsaesOaepSha256;
    let signature = kms.sign(&owner(), SignRequest::new(signing, "msg", ecdsa)).unwrap().signature;
    let rsa_ciphertext = kms
        .encrypt(&owner(), EncryptRequest::new(rsa, "msg").with_encryption_algorithm(oaep))
        .unwrap()
        .ciphertext_blob;
    let peer_public =
        kms.get_public_key(&owner(), GetPublicKeyRequest::new(peer)).unwrap().public_key;
    let mac = kms
        .generate_mac(&owner(), GenerateMacRequest::new(hmac, "msg", MacAlgorithmSpec::HmacSha256))
        .unwrap()
        .mac;

    type Attempt<'a> = Box<dyn Fn(&mut Engine) -> Result<(), KmsError> + 'a>;
    let user = user();
    let cases: Vec<(G, KeyArn, Attempt<'_>)> = vec![
        (
            G::Sign,
            signing,
            Box::new(|kms| kms.sign(&user, SignRequest::new(signing, "msg", ecdsa)).map(drop)),
        ),
        (
            G::Verify,
            signing,
            Box::new(|kms| {
                let request = VerifyRequest::new(signing, "msg", signature.clone(), ecdsa);
                let verified = kms.verify(&user, request)?;
                assert!(verified.signature_valid);
                Ok(())
            }),
        ),
        (
            G::GetPublicKey,
            signing,
            Box::new(|kms| kms.get_public_key(&user, GetPublicKeyRequest::new(signing)).map(drop)),
        ),
        (
            G::Encrypt,
            rsa,
            Box::new(|kms| {
                let request = EncryptRequest::new(rsa, "msg").with_encryption_algorithm(oaep);
                kms.encrypt(&user, request).map(drop)
            }),
        ),
        (
            G::Decrypt,
            rsa,
            Box::new(|kms| {
                let request = DecryptRequest::new(rsa_ciphertext.clone())
                    .with_key_id(rsa)
                    .with_encryption_algorithm(oaep);
                let opened = kms.decrypt(&user, request)?;
                assert_eq!(opened.plaintext.expose(), b"msg");
                Ok(())
            }),
        ),
        (
            G::DeriveSharedSecret,
            agreement,
            Box::new(|kms| {
                let request = DeriveSharedSecretRequest::new(
                    agreement,
                    KeyAgreementAlgorithmSpec::Ecdh,
                    peer_public.clone(),
                );
                kms.derive_shared_secret(&user, request).map(drop)
            }),
        ),
        (
            G::GenerateMac,
            hmac,
            Box::new(|kms| {
                let request = GenerateMacRequest::new(hmac, "msg", MacAlgorithmSpec::HmacSha256);
                kms.generate_mac(&user, request).map(drop)
            }),
        ),
        (
            G::VerifyMac,
            hmac,
            Box::new(|kms| {
                let request =
                    VerifyMacRequest::new(hmac, "msg", MacAlgorithmSpec::HmacSha256, mac.clone());
                let verified = kms.verify_mac(&user, request)?;
                assert!(verified.mac_valid);
                Ok(())
            }),
        ),
        (
            G::GenerateDataKeyPair,
            symmetric,
            Box::new(|kms| {
                let request =
                    GenerateDataKeyPairRequest::new(symmetric, DataKeyPairSpec::EccNistP256);
                kms.generate_data_key_pair(&user, request).map(drop)
            }),
        ),
        (
            G::GenerateDataKeyPairWithoutPlaintext,
            symmetric,
            Box::new(|kms| {
                let request = GenerateDataKeyPairWithoutPlaintextRequest::new(
                    symmetric,
                    DataKeyPairSpec::EccNistP256,
                );
                kms.generate_data_key_pair_without_plaintext(&user, request).map(drop)
            }),
        ),
    ];
    for (operation, key, attempt) in &cases {
        let denied = attempt(&mut kms).expect_err(&format!("{operation:?} without a grant"));
        assert_eq!(denied.kind, ErrorKind::AccessDenied, "{operation:?}: {denied}");
        let action = format!("kms:{}", operation.as_str());
        assert_eq!(
            denied.message,
            format!(
                "User: {USER} is not authorized to perform: {action} on resource: {key} because no resource-based policy allows the {action} action"
            ),
            "{operation:?}"
        );
        let grant = grant_to(&mut kms, &owner(), *key, USER, &[*operation]);
        attempt(&mut kms).unwrap_or_else(|e| panic!("{operation:?} with a grant: {e}"));
        let record = kms.audit_log().records().last().unwrap();
        assert_eq!(
            record.additional_event_data["grantId"],
            grant.grant_id.to_string(),
            "{operation:?}: the audit record names the grant"
        );
    }
}
