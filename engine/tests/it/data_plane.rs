//! Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext), GenerateRandom,
//! GenerateMac and VerifyMac: results, validation and AWS's exceptions.

use engine::api::*;
use engine::crypto::blob;
use engine::spec::{DataKeySpec, EncryptionAlgorithmSpec, KeySpec, MacAlgorithmSpec};
use engine::{ErrorKind, KeyArn, KeyRef, KmsError, Region};

use crate::support::*;

#[track_caller]
fn assert_kind<T: std::fmt::Debug>(result: Result<T, KmsError>, kind: ErrorKind) -> KmsError {
    match result {
        Err(e) => {
            assert_eq!(e.kind, kind, "{e}");
            e
        }
        Ok(v) => panic!("expected {kind}, got {v:?}"),
    }
}

#[test]
fn encrypt_decrypt_round_trip_and_response_members() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    let ec = context(&[("order", "42")]);
    let sealed = kms
        .encrypt(&ctx, EncryptRequest::new(key, "secret").with_encryption_context(ec.clone()))
        .unwrap();
    assert_eq!(sealed.key_id.key_id, key);
    assert_eq!(sealed.key_id.to_string(), format!("arn:aws:kms:us-east-1:111122223333:key/{key}"));
    assert_eq!(sealed.encryption_algorithm, EncryptionAlgorithmSpec::SymmetricDefault);
    assert_eq!(sealed.ciphertext_blob.len(), blob::OVERHEAD + 6);

    let opened = kms
        .decrypt(
            &ctx,
            DecryptRequest::new(sealed.ciphertext_blob.clone()).with_encryption_context(ec),
        )
        .unwrap();
    assert_eq!(opened.plaintext.expose(), b"secret");
    assert_eq!(opened.key_id, sealed.key_id);
    let described = kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata;
    assert_eq!(Some(opened.key_material_id), described.current_key_material_id);

    // Two encryptions of the same plaintext differ (fresh salt and nonce).
    let again = kms.encrypt(&ctx, EncryptRequest::new(key, "secret")).unwrap();
    assert_ne!(again.ciphertext_blob, sealed.ciphertext_blob);
}

#[test]
fn decrypt_checks_the_context_exactly() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    let blob = kms
        .encrypt(
            &ctx,
            EncryptRequest::new(key, "x").with_encryption_context(context(&[("Dept", "IT")])),
        )
        .unwrap()
        .ciphertext_blob;
    for wrong in [
        context(&[]),
        context(&[("dept", "IT")]),
        context(&[("Dept", "it")]),
        context(&[("Dept", "IT"), ("x", "y")]),
    ] {
        let e = assert_kind(
            kms.decrypt(&ctx, DecryptRequest::new(blob.clone()).with_encryption_context(wrong)),
            ErrorKind::InvalidCiphertext,
        );
        assert!(e.message.is_empty(), "decryption failures are opaque: {e}");
    }
}

#[test]
fn decrypt_with_key_id_names_the_encrypting_key_or_fails() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    let other = symmetric_key(&mut kms, &ctx);
    kms.create_alias(&ctx, CreateAliasRequest::new("alias/app".parse().unwrap(), key)).unwrap();
    let blob = kms.encrypt(&ctx, EncryptRequest::new(key, "x")).unwrap().ciphertext_blob;

    for right in [
        KeyRef::from(key),
        "alias/app".parse().unwrap(),
        KeyRef::from(KeyArn { region: Region::US_EAST_1, account: ctx.account(), key_id: key }),
    ] {
        kms.decrypt(&ctx, DecryptRequest::new(blob.clone()).with_key_id(right)).unwrap();
    }
    let e = assert_kind(
        kms.decrypt(&ctx, DecryptRequest::new(blob.clone()).with_key_id(other)),
        ErrorKind::IncorrectKey,
    );
    assert_eq!(
        e.message,
        "The key ID in the request does not identify a CMK that can perform this operation."
    );
    assert_kind(
        kms.decrypt(
            &ctx,
            DecryptRequest::new(blob).with_key_id("alias/missing".parse::<KeyRef>().unwrap()),
        ),
        ErrorKind::NotFound,
    );
}

#[test]
fn size_limits_are_validation_errors() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    kms.encrypt(&ctx, EncryptRequest::new(key, vec![0u8; 4096])).unwrap();
    let e = assert_kind(
        kms.encrypt(&ctx, EncryptRequest::new(key, vec![0u8; 4097])),
        ErrorKind::Validation,
    );
    assert_eq!(
        e.message,
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096"
    );
    assert_kind(kms.encrypt(&ctx, EncryptRequest::new(key, Vec::new())), ErrorKind::Validation);
    assert_kind(kms.decrypt(&ctx, DecryptRequest::new(vec![1u8; 6145])), ErrorKind::Validation);
    assert_kind(kms.decrypt(&ctx, DecryptRequest::new(Vec::new())), ErrorKind::Validation);
    assert_kind(
        kms.decrypt(&ctx, DecryptRequest::new(vec![1u8; 6144])),
        ErrorKind::InvalidCiphertext,
    );
    // At most 10 grant tokens, each a token of a grant the engine knows.
    let grant = CreateGrantRequest::new(
        key,
        "arn:aws:iam::111122223333:role/app",
        vec![engine::spec::GrantOperation::Encrypt],
    );
    let token = kms.create_grant(&ctx, grant).unwrap().grant_token;
    assert_kind(
        kms.encrypt(&ctx, EncryptRequest::new(key, "x").with_grant_tokens(vec![token.clone(); 11])),
        ErrorKind::Validation,
    );
    kms.encrypt(&ctx, EncryptRequest::new(key, "x").with_grant_tokens(vec![token; 10])).unwrap();
    assert_kind(
        kms.encrypt(&ctx, EncryptRequest::new(key, "x").with_grant_tokens(vec!["t".to_owned()])),
        ErrorKind::InvalidGrantToken,
    );
}

#[test]
fn generate_data_key_spec_xor_number_of_bytes() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    assert_eq!(
        kms.generate_data_key(&ctx, GenerateDataKeyRequest::new(key, DataKeySpec::Aes128))
            .unwrap()
            .plaintext
            .len(),
        16
    );
    assert_eq!(
        kms.generate_data_key(&ctx, GenerateDataKeyRequest::of_bytes(key, 1))
            .unwrap()
            .plaintext
            .len(),
        1
    );
    assert_eq!(
        kms.generate_data_key(&ctx, GenerateDataKeyRequest::of_bytes(key, 1024))
            .unwrap()
            .plaintext
            .len(),
        1024
    );
    for bad in [0, 1025] {
        assert_kind(
            kms.generate_data_key(&ctx, GenerateDataKeyRequest::of_bytes(key, bad)),
            ErrorKind::Validation,
        );
    }
    let mut both = GenerateDataKeyRequest::new(key, DataKeySpec::Aes256);
    both.number_of_bytes = Some(32);
    assert_kind(kms.generate_data_key(&ctx, both), ErrorKind::Validation);
    let mut neither = GenerateDataKeyRequest::new(key, DataKeySpec::Aes256);
    neither.key_spec = None;
    assert_kind(kms.generate_data_key(&ctx, neither), ErrorKind::Validation);

    // The encrypted data key decrypts to the data key, under the same context.
    let ec = context(&[("bucket", "b")]);
    let dk = kms
        .generate_data_key(
            &ctx,
            GenerateDataKeyRequest::new(key, DataKeySpec::Aes256)
                .with_encryption_context(ec.clone()),
        )
        .unwrap();
    let opened = kms
        .decrypt(&ctx, DecryptRequest::new(dk.ciphertext_blob).with_encryption_context(ec.clone()))
        .unwrap();
    assert_eq!(opened.plaintext, dk.plaintext);
    let no_plaintext = kms
        .generate_data_key_without_plaintext(
            &ctx,
            GenerateDataKeyRequest::new(key, DataKeySpec::Aes256)
                .with_encryption_context(ec.clone())
                .into(),
        )
        .unwrap();
    assert_eq!(
        kms.decrypt(
            &ctx,
            DecryptRequest::new(no_plaintext.ciphertext_blob).with_encryption_context(ec)
        )
        .unwrap()
        .plaintext
        .len(),
        32
    );
}

#[test]
fn re_encrypt_moves_a_ciphertext_between_keys_and_contexts() {
    let (mut kms, ctx) = (engine(), alice());
    let (a, b) = (symmetric_key(&mut kms, &ctx), symmetric_key(&mut kms, &ctx));
    let blob = kms
        .encrypt(
            &ctx,
            EncryptRequest::new(a, "move me").with_encryption_context(context(&[("v", "1")])),
        )
        .unwrap()
        .ciphertext_blob;
    let moved = kms
        .re_encrypt(
            &ctx,
            ReEncryptRequest::new(blob.clone(), b)
                .with_source_encryption_context(context(&[("v", "1")]))
                .with_destination_encryption_context(context(&[("v", "2")])),
        )
        .unwrap();
    assert_eq!((moved.source_key_id.key_id, moved.key_id.key_id), (a, b));
    let opened = kms
        .decrypt(
            &ctx,
            DecryptRequest::new(moved.ciphertext_blob)
                .with_encryption_context(context(&[("v", "2")])),
        )
        .unwrap();
    assert_eq!(opened.plaintext.expose(), b"move me");
    assert_kind(
        kms.re_encrypt(&ctx, ReEncryptRequest::new(blob.clone(), b)),
        ErrorKind::InvalidCiphertext,
    );
    assert_kind(
        kms.re_encrypt(&ctx, ReEncryptRequest::new(blob, b).with_source_key_id(b)),
        ErrorKind::IncorrectKey,
    );
}

#[test]
fn dry_run_answers_dry_run_operation_only_when_the_call_would_succeed() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    let mac_key = hmac_key(&mut kms, &ctx, KeySpec::Hmac256);
    let blob = kms.encrypt(&ctx, EncryptRequest::new(key, "x")).unwrap().ciphertext_blob;
    let mac = kms
        .generate_mac(&ctx, GenerateMacRequest::new(mac_key, "m", MacAlgorithmSpec::HmacSha256))
        .unwrap()
        .mac;
    let before = kms.audit_log().counts().total;

    let e = assert_kind(
        kms.encrypt(&ctx, EncryptRequest::new(key, "x").with_dry_run(true)),
        ErrorKind::DryRunOperation,
    );
    assert_eq!(e.message, "The request would have succeeded, but the DryRun option is set.");
    assert_kind(
        kms.decrypt(&ctx, DecryptRequest::new(blob.clone()).with_dry_run(true)),
        ErrorKind::DryRunOperation,
    );
    assert_kind(
        kms.re_encrypt(&ctx, ReEncryptRequest::new(blob.clone(), key).with_dry_run(true)),
        ErrorKind::DryRunOperation,
    );
    assert_kind(
        kms.generate_data_key(
            &ctx,
            GenerateDataKeyRequest::new(key, DataKeySpec::Aes256).with_dry_run(true),
        ),
        ErrorKind::DryRunOperation,
    );
    assert_kind(
        kms.generate_mac(
            &ctx,
            GenerateMacRequest::new(mac_key, "m", MacAlgorithmSpec::HmacSha256).with_dry_run(true),
        ),
        ErrorKind::DryRunOperation,
    );
    assert_kind(
        kms.verify_mac(
            &ctx,
            VerifyMacRequest::new(mac_key, "m", MacAlgorithmSpec::HmacSha256, mac)
                .with_dry_run(true),
        ),
        ErrorKind::DryRunOperation,
    );
    // A dry run that would fail fails as the real call would.
    assert_kind(
        kms.decrypt(&ctx, DecryptRequest::new(vec![9u8; 200]).with_dry_run(true)),
        ErrorKind::InvalidCiphertext,
    );
    // A bad tag or a wrong context fails a dry run too.
    let mut bad_tag = blob.clone();
    *bad_tag.last_mut().unwrap() ^= 1;
    assert_kind(
        kms.decrypt(&ctx, DecryptRequest::new(bad_tag).with_dry_run(true)),
        ErrorKind::InvalidCiphertext,
    );
    let wrong_context = DecryptRequest::new(blob).with_encryption_context(context(&[("x", "y")]));
    assert_kind(kms.decrypt(&ctx, wrong_context.with_dry_run(true)), ErrorKind::InvalidCiphertext);
    kms.disable_key(&ctx, DisableKeyRequest::new(key)).unwrap();
    assert_kind(
        kms.encrypt(&ctx, EncryptRequest::new(key, "x").with_dry_run(true)),
        ErrorKind::Disabled,
    );
    assert_eq!(kms.audit_log().counts().total, before + 11, "dry runs are audited like any call");
}

#[test]
fn key_usage_and_algorithm_mismatches() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    let mac_key = hmac_key(&mut kms, &ctx, KeySpec::Hmac512);
    assert_kind(kms.encrypt(&ctx, EncryptRequest::new(mac_key, "x")), ErrorKind::InvalidKeyUsage);
    assert_kind(
        kms.generate_data_key(&ctx, GenerateDataKeyRequest::new(mac_key, DataKeySpec::Aes256)),
        ErrorKind::InvalidKeyUsage,
    );
    assert_kind(
        kms.encrypt(
            &ctx,
            EncryptRequest::new(key, "x")
                .with_encryption_algorithm(EncryptionAlgorithmSpec::RsaesOaepSha256),
        ),
        ErrorKind::InvalidKeyUsage,
    );
    assert_kind(
        kms.generate_mac(&ctx, GenerateMacRequest::new(key, "m", MacAlgorithmSpec::HmacSha256)),
        ErrorKind::InvalidKeyUsage,
    );
    assert_kind(
        kms.generate_mac(&ctx, GenerateMacRequest::new(mac_key, "m", MacAlgorithmSpec::HmacSha256)),
        ErrorKind::InvalidKeyUsage,
    );
}

#[test]
fn macs_verify_and_mismatches_are_invalid_mac() {
    let (mut kms, ctx) = (engine(), alice());
    for (spec, algorithm) in [
        (KeySpec::Hmac224, MacAlgorithmSpec::HmacSha224),
        (KeySpec::Hmac256, MacAlgorithmSpec::HmacSha256),
        (KeySpec::Hmac384, MacAlgorithmSpec::HmacSha384),
        (KeySpec::Hmac512, MacAlgorithmSpec::HmacSha512),
    ] {
        let key = hmac_key(&mut kms, &ctx, spec);
        let metadata = kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata;
        assert_eq!(metadata.mac_algorithms, vec![algorithm]);
        let mac =
            kms.generate_mac(&ctx, GenerateMacRequest::new(key, "message", algorithm)).unwrap().mac;
        assert_eq!(mac.len(), algorithm.output_len());
        let ok = kms
            .verify_mac(&ctx, VerifyMacRequest::new(key, "message", algorithm, mac.clone()))
            .unwrap();
        assert!(ok.mac_valid);
        let e = assert_kind(
            kms.verify_mac(&ctx, VerifyMacRequest::new(key, "messagE", algorithm, mac.clone())),
            ErrorKind::KmsInvalidMac,
        );
        assert_eq!(e.aws_code(), "KMSInvalidMacException");
        assert_kind(
            kms.verify_mac(
                &ctx,
                VerifyMacRequest::new(key, "message", algorithm, mac[..mac.len() - 1].to_vec()),
            ),
            ErrorKind::KmsInvalidMac,
        );
    }
}

#[test]
fn generate_random() {
    let (mut kms, ctx) = (engine(), alice());
    let a = kms.generate_random(&ctx, GenerateRandomRequest::new(1024)).unwrap().plaintext;
    let b = kms.generate_random(&ctx, GenerateRandomRequest::new(1024)).unwrap().plaintext;
    assert_eq!(a.len(), 1024);
    assert_ne!(a, b);
    for bad in [0, 1025] {
        assert_kind(
            kms.generate_random(&ctx, GenerateRandomRequest::new(bad)),
            ErrorKind::Validation,
        );
    }
    let mut from_store = GenerateRandomRequest::new(16);
    from_store.custom_key_store_id = Some("cks-1234567890abcdef0".to_owned());
    assert_kind(kms.generate_random(&ctx, from_store), ErrorKind::CustomKeyStoreNotFound);
}

#[test]
fn another_accounts_key_is_denied_under_the_default_policy() {
    let (mut kms, owner, other) = (engine(), alice(), mallory());
    let key = symmetric_key(&mut kms, &owner);
    let arn = KeyArn { region: Region::US_EAST_1, account: owner.account(), key_id: key };
    // A bare key id resolves in the caller's own account, where there is no such key.
    assert_kind(kms.encrypt(&other, EncryptRequest::new(key, "x")), ErrorKind::NotFound);
    let e =
        assert_kind(kms.encrypt(&other, EncryptRequest::new(arn, "x")), ErrorKind::AccessDenied);
    assert!(e.message.contains("is not authorized to perform: kms:Encrypt"), "{e}");
    let blob = kms.encrypt(&owner, EncryptRequest::new(key, "x")).unwrap().ciphertext_blob;
    assert_kind(kms.decrypt(&other, DecryptRequest::new(blob)), ErrorKind::AccessDenied);
    assert_kind(kms.disable_key(&other, DisableKeyRequest::new(arn)), ErrorKind::AccessDenied);
    assert!(kms.describe_key(&owner, DescribeKeyRequest::new(key)).unwrap().key_metadata.enabled);
}

#[test]
fn a_key_in_another_region_is_not_found() {
    let (mut kms, ctx) = (engine(), alice());
    let key = symmetric_key(&mut kms, &ctx);
    let elsewhere = KeyArn { region: Region::EU_WEST_1, account: ctx.account(), key_id: key };
    assert_kind(kms.encrypt(&ctx, EncryptRequest::new(elsewhere, "x")), ErrorKind::NotFound);
}
