//! Imported key material: real RSA-OAEP and RSA-AES key wrap, expiry at ValidTo, re-import,
//! tokens and the errors AWS documents.

use engine::api::*;
use engine::crypto::{OaepHash, ProviderKind, wrap};
use engine::spec::{ExpirationModel, KeyState, OriginType, WrappingAlgorithm, WrappingKeySpec};
use engine::{EngineEvent, ErrorKind, Timestamp};
use rand_core::SeedableRng as _;

use crate::support::*;

fn rng() -> rand_chacha::ChaCha20Rng {
    rand_chacha::ChaCha20Rng::seed_from_u64(11)
}

#[test]
fn imported_material_decrypts_until_valid_to_and_again_after_reimport() {
    let (mut kms, ctx) = (engine(), alice());
    let key = external_key(&mut kms, &ctx);
    let created = kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata;
    assert_eq!(
        (created.key_state, created.origin),
        (KeyState::PendingImport, OriginType::External)
    );
    assert_eq!(
        kms.encrypt(&ctx, EncryptRequest::new(key, "x")).unwrap_err().kind,
        ErrorKind::KmsInvalidState
    );

    let material = [0x42u8; 32];
    let valid_to = T0.plus_days(10);
    let imported = import_material(&mut kms, &ctx, key, &material, Some(valid_to)).unwrap();
    let metadata = kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata;
    assert_eq!((metadata.key_state, metadata.valid_to), (KeyState::Enabled, Some(valid_to)));
    assert_eq!(metadata.expiration_model, Some(ExpirationModel::KeyMaterialExpires));
    let blob = kms.encrypt(&ctx, EncryptRequest::new(key, "imported")).unwrap().ciphertext_blob;
    let opened = kms.decrypt(&ctx, DecryptRequest::new(blob.clone())).unwrap();
    assert_eq!(opened.key_material_id, imported.key_material_id);

    // Exactly at ValidTo the material is gone.
    kms.advance_to(Timestamp::from_unix_nanos(valid_to.unix_nanos() - 1));
    assert!(kms.drain_events().is_empty());
    kms.advance_to(valid_to);
    assert!(
        matches!(kms.drain_events()[..], [EngineEvent::KeyMaterialExpired { at, .. }] if at == valid_to)
    );
    let expired = ctx.at(valid_to);
    assert_eq!(
        kms.describe_key(&expired, DescribeKeyRequest::new(key)).unwrap().key_metadata.key_state,
        KeyState::PendingImport
    );
    let e = kms.decrypt(&expired, DecryptRequest::new(blob.clone())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::KmsInvalidState);
    assert!(e.message.ends_with("is pending import."), "{e}");
    assert!(kms.audit_log().records().any(|r| r.event_name == "DeleteExpiredKeyMaterial"));

    // Other material is refused; the same material restores the key and its ciphertexts.
    let e = import_material(&mut kms, &expired, key, &[0x43; 32], None).unwrap_err();
    assert_eq!(e.kind, ErrorKind::IncorrectKeyMaterial);
    let again = import_material(&mut kms, &expired, key, &material, None).unwrap();
    assert_eq!(again.key_material_id, imported.key_material_id);
    assert_eq!(
        kms.decrypt(&expired, DecryptRequest::new(blob)).unwrap().plaintext.expose(),
        b"imported"
    );
    let metadata = kms.describe_key(&expired, DescribeKeyRequest::new(key)).unwrap().key_metadata;
    assert_eq!(
        (metadata.valid_to, metadata.expiration_model),
        (None, Some(ExpirationModel::KeyMaterialDoesNotExpire))
    );
}

#[test]
fn every_wrapping_algorithm_unwraps_for_real() {
    for provider in ProviderKind::ALL {
        let mut kms = engine_with(provider, 21);
        let ctx = alice();
        for (algorithm, spec) in [
            (WrappingAlgorithm::RsaesOaepSha1, WrappingKeySpec::Rsa2048),
            (WrappingAlgorithm::RsaesOaepSha256, WrappingKeySpec::Rsa3072),
            (WrappingAlgorithm::RsaAesKeyWrapSha1, WrappingKeySpec::Rsa2048),
            (WrappingAlgorithm::RsaAesKeyWrapSha256, WrappingKeySpec::Rsa2048),
        ] {
            let key = external_key(&mut kms, &ctx);
            let parameters = kms
                .get_parameters_for_import(
                    &ctx,
                    GetParametersForImportRequest::new(key, algorithm, spec),
                )
                .unwrap();
            assert_eq!(parameters.parameters_valid_to, T0.plus_days(1));
            let material = [0x17u8; 32];
            let client = ProviderKind::RustCrypto.provider();
            let wrapped = match algorithm {
                WrappingAlgorithm::RsaesOaepSha1 => client.rsa_oaep.encrypt(
                    &parameters.public_key,
                    OaepHash::Sha1,
                    &material,
                    &mut rng(),
                ),
                WrappingAlgorithm::RsaesOaepSha256 => client.rsa_oaep.encrypt(
                    &parameters.public_key,
                    OaepHash::Sha256,
                    &material,
                    &mut rng(),
                ),
                WrappingAlgorithm::RsaAesKeyWrapSha1 => wrap::wrap_rsa_aes(
                    client,
                    &parameters.public_key,
                    OaepHash::Sha1,
                    &material,
                    &mut rng(),
                ),
                _ => wrap::wrap_rsa_aes(
                    client,
                    &parameters.public_key,
                    OaepHash::Sha256,
                    &material,
                    &mut rng(),
                ),
            }
            .unwrap();
            let request = ImportKeyMaterialRequest::new(key, parameters.import_token, wrapped);
            kms.import_key_material(&ctx, request)
                .unwrap_or_else(|e| panic!("{provider} {algorithm}: {e}"));
            let blob = kms.encrypt(&ctx, EncryptRequest::new(key, "ok")).unwrap().ciphertext_blob;
            kms.decrypt(&ctx, DecryptRequest::new(blob)).unwrap();
        }
    }
}

#[test]
fn import_tokens_and_material_are_checked() {
    let (mut kms, ctx) = (engine(), alice());
    let key = external_key(&mut kms, &ctx);
    let other = external_key(&mut kms, &ctx);
    let request = |k| {
        GetParametersForImportRequest::new(
            k,
            WrappingAlgorithm::RsaesOaepSha256,
            WrappingKeySpec::Rsa2048,
        )
    };
    let parameters = kms.get_parameters_for_import(&ctx, request(key)).unwrap();
    let client = ProviderKind::RustCrypto.provider();
    let wrapped = client
        .rsa_oaep
        .encrypt(&parameters.public_key, OaepHash::Sha256, &[9; 32], &mut rng())
        .unwrap();

    // A token for another key, a made-up token, an expired token.
    let import = |k, token: &[u8], blob: &[u8]| {
        ImportKeyMaterialRequest::new(k, token.to_vec(), blob.to_vec())
    };
    assert_eq!(
        kms.import_key_material(&ctx, import(other, &parameters.import_token, &wrapped))
            .unwrap_err()
            .kind,
        ErrorKind::InvalidImportToken
    );
    assert_eq!(
        kms.import_key_material(&ctx, import(key, b"forged", &wrapped)).unwrap_err().kind,
        ErrorKind::InvalidImportToken
    );
    let late = ctx.at(T0.plus_days(1).plus_nanos(1));
    let e = kms
        .import_key_material(&late, import(key, &parameters.import_token, &wrapped))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::ExpiredImportToken);
    // Material that does not unwrap, and material of the wrong length.
    let mut tampered = wrapped.clone();
    tampered[10] ^= 1;
    assert_eq!(
        kms.import_key_material(&ctx, import(key, &parameters.import_token, &tampered))
            .unwrap_err()
            .kind,
        ErrorKind::InvalidCiphertext
    );
    let short = client
        .rsa_oaep
        .encrypt(&parameters.public_key, OaepHash::Sha256, &[9; 16], &mut rng())
        .unwrap();
    assert_eq!(
        kms.import_key_material(&ctx, import(key, &parameters.import_token, &short))
            .unwrap_err()
            .kind,
        ErrorKind::Validation
    );
    // ValidTo in the past or more than 365 days ahead.
    for bad in [T0, T0.plus_days(366)] {
        let e = kms
            .import_key_material(
                &ctx,
                import(key, &parameters.import_token, &wrapped).with_valid_to(bad),
            )
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Validation);
    }
    assert_eq!(
        kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata.key_state,
        KeyState::PendingImport,
        "failed imports change nothing"
    );
    kms.import_key_material(&ctx, import(key, &parameters.import_token, &wrapped)).unwrap();

    // Keys with KMS-generated material take no import.
    let generated = symmetric_key(&mut kms, &ctx);
    assert_eq!(
        kms.get_parameters_for_import(&ctx, request(generated)).unwrap_err().kind,
        ErrorKind::UnsupportedOperation
    );
    let pkcs1 = GetParametersForImportRequest::new(
        key,
        WrappingAlgorithm::RsaesPkcs1V15,
        WrappingKeySpec::Rsa2048,
    );
    assert_eq!(
        kms.get_parameters_for_import(&ctx, pkcs1).unwrap_err().kind,
        ErrorKind::UnsupportedOperation
    );
    // Imported keys do not rotate automatically.
    assert_eq!(
        kms.enable_key_rotation(&ctx, EnableKeyRotationRequest::new(key)).unwrap_err().kind,
        ErrorKind::UnsupportedOperation
    );
}

#[test]
fn deleting_imported_material() {
    let (mut kms, ctx) = (engine(), alice());
    let key = external_key(&mut kms, &ctx);
    import_material(&mut kms, &ctx, key, &[1; 32], Some(T0.plus_days(30))).unwrap();
    let blob = kms.encrypt(&ctx, EncryptRequest::new(key, "x")).unwrap().ciphertext_blob;
    kms.delete_imported_key_material(&ctx, DeleteImportedKeyMaterialRequest::new(key)).unwrap();
    assert_eq!(
        kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata.key_state,
        KeyState::PendingImport
    );
    assert_eq!(
        kms.decrypt(&ctx, DecryptRequest::new(blob.clone())).unwrap_err().kind,
        ErrorKind::KmsInvalidState
    );
    // The cancelled expiry never fires.
    kms.advance_to(T0.plus_days(31));
    assert!(kms.drain_events().is_empty());
    let later = ctx.at(T0.plus_days(31));
    import_material(&mut kms, &later, key, &[1; 32], None).unwrap();
    kms.decrypt(&later, DecryptRequest::new(blob)).unwrap();
    // A key pending deletion stays pending deletion.
    kms.schedule_key_deletion(&later, ScheduleKeyDeletionRequest::new(key)).unwrap();
    kms.delete_imported_key_material(&later, DeleteImportedKeyMaterialRequest::new(key)).unwrap();
    assert_eq!(
        kms.describe_key(&later, DescribeKeyRequest::new(key)).unwrap().key_metadata.key_state,
        KeyState::PendingDeletion
    );
}

#[test]
fn cancelling_the_deletion_of_a_key_without_material_leaves_it_pending_import() {
    let (mut kms, ctx) = (engine(), alice());
    let key = external_key(&mut kms, &ctx);
    import_material(&mut kms, &ctx, key, &[1; 32], Some(T0.plus_days(2))).unwrap();
    kms.schedule_key_deletion(&ctx, ScheduleKeyDeletionRequest::new(key)).unwrap();
    let later = ctx.at(T0.plus_days(3));
    kms.cancel_key_deletion(&later, CancelKeyDeletionRequest::new(key)).unwrap();
    assert_eq!(
        kms.describe_key(&later, DescribeKeyRequest::new(key)).unwrap().key_metadata.key_state,
        KeyState::PendingImport
    );
    assert_eq!(
        kms.enable_key(&later, EnableKeyRequest::new(key)).unwrap_err().kind,
        ErrorKind::KmsInvalidState
    );
}
