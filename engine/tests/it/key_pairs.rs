//! Key pairs through the engine: CreateKey's rules, DescribeKey and GetPublicKey, Sign and
//! Verify, Encrypt/Decrypt/ReEncrypt, DeriveSharedSecret, GenerateDataKeyPair, multi-Region
//! pairs, condition keys, audit, and the table of forbidden (key spec, usage, operation)
//! pairs.
//!
//! Every test runs against every provider whose key pairs are built: a provider is skipped
//! for a spec only when its generator answers `AsymmetricError::Unsupported` for it, and the
//! modelling provider (which implements every spec but SM2) must always have run, so these
//! tests cover the real providers as soon as they implement key pairs.

use engine::api::*;
use engine::crypto::ProviderKind;
use engine::crypto::asymmetric::AsymmetricError;
use engine::crypto::blob::EncryptionContext;
use engine::key_pair;
use engine::spec::{
    DataKeyPairSpec, EncryptionAlgorithmSpec, KeyAgreementAlgorithmSpec, KeySpec, KeyUsage,
    MacAlgorithmSpec, MessageType, SigningAlgorithmSpec,
};
use engine::{CallContext, Engine, ErrorKind, KeyId, KmsError, Region};

use crate::support::*;

/// Every provider, the modelling one included.
const PROVIDERS: [ProviderKind; 3] =
    [ProviderKind::AwsLcRs, ProviderKind::RustCrypto, ProviderKind::InsecureModelling];

/// Whether `provider` can make key pairs of `spec`: the one reason to skip.
fn builds(provider: ProviderKind, spec: KeySpec) -> bool {
    let mut rng: rand_chacha::ChaCha20Rng = rand_core::SeedableRng::seed_from_u64(1);
    !matches!(
        provider.provider().asymmetric.generate(spec, &mut rng),
        Err(AsymmetricError::Unsupported(_))
    )
}

/// The key-pair specs AWS offers outside China, and kmsim's extensions.
fn pair_specs() -> impl Iterator<Item = KeySpec> {
    KeySpec::ALL.iter().copied().filter(|s| s.is_asymmetric() && *s != KeySpec::Sm2)
}

/// Runs `test` for every (provider, spec) the provider builds; asserts the modelling
/// provider ran every spec.
fn for_each_built(mut test: impl FnMut(ProviderKind, KeySpec)) {
    let mut modelled = 0;
    for provider in PROVIDERS {
        for spec in pair_specs() {
            if !builds(provider, spec) {
                continue;
            }
            if provider == ProviderKind::InsecureModelling {
                modelled += 1;
            }
            test(provider, spec);
        }
    }
    assert_eq!(modelled, pair_specs().count(), "the modelling provider must build every spec");
}

fn pair_request(spec: KeySpec, usage: KeyUsage) -> CreateKeyRequest {
    CreateKeyRequest::new().with_key_spec(spec).with_key_usage(usage)
}

fn create(kms: &mut Engine, ctx: &CallContext, spec: KeySpec, usage: KeyUsage) -> KeyId {
    kms.create_key(ctx, pair_request(spec, usage))
        .unwrap_or_else(|e| panic!("create {spec} {usage}: {e}"))
        .key_id()
}

fn public_key(kms: &mut Engine, ctx: &CallContext, key: KeyId) -> Vec<u8> {
    kms.get_public_key(ctx, GetPublicKeyRequest::new(key)).expect("GetPublicKey").public_key
}

/// A message of the right length for `message_type` under `algorithm`.
fn message_for(algorithm: SigningAlgorithmSpec, message_type: MessageType) -> Vec<u8> {
    match message_type {
        MessageType::Raw => b"the message to sign".to_vec(),
        MessageType::Digest => vec![0x42; key_pair::digest_len(algorithm).expect("a digest")],
        MessageType::ExternalMu => vec![0x17; key_pair::EXTERNAL_MU_LEN],
    }
}

/// The message types `algorithm` takes.
fn message_types(algorithm: SigningAlgorithmSpec) -> &'static [MessageType] {
    match algorithm {
        SigningAlgorithmSpec::Ed25519Sha512 => &[MessageType::Raw],
        SigningAlgorithmSpec::Ed25519PhSha512 => &[MessageType::Digest],
        SigningAlgorithmSpec::MlDsaShake256 => &[MessageType::Raw, MessageType::ExternalMu],
        _ => &[MessageType::Raw, MessageType::Digest],
    }
}

#[test]
fn create_key_follows_awss_spec_and_usage_rules() {
    let mut kms = engine_with(ProviderKind::InsecureModelling, 1);
    let ctx = alice();
    // KeyUsage is required for every key pair.
    for spec in pair_specs() {
        let e = kms.create_key(&ctx, CreateKeyRequest::new().with_key_spec(spec)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Validation, "{spec}");
        assert_eq!(e.message, format!("You must specify a KeyUsage value when KeySpec is {spec}"));
    }
    // Each spec takes exactly the usages of AWS's table.
    let table: &[(KeySpec, &[KeyUsage])] = &[
        (KeySpec::Rsa2048, &[KeyUsage::EncryptDecrypt, KeyUsage::SignVerify]),
        (KeySpec::Rsa4096, &[KeyUsage::EncryptDecrypt, KeyUsage::SignVerify]),
        (KeySpec::EccNistP256, &[KeyUsage::SignVerify, KeyUsage::KeyAgreement]),
        (KeySpec::EccNistP521, &[KeyUsage::SignVerify, KeyUsage::KeyAgreement]),
        (KeySpec::EccSecgP256k1, &[KeyUsage::SignVerify]),
        (KeySpec::EccNistEdwards25519, &[KeyUsage::SignVerify]),
        (KeySpec::MlDsa65, &[KeyUsage::SignVerify]),
        (KeySpec::KmsimMlKem768, &[KeyUsage::EncryptDecrypt]),
    ];
    for &(spec, allowed) in table {
        for &usage in KeyUsage::ALL {
            let before = kms.key_count();
            let outcome = kms.create_key(&ctx, pair_request(spec, usage));
            if allowed.contains(&usage) {
                let metadata = outcome.unwrap().key_metadata;
                assert_eq!((metadata.key_spec, metadata.key_usage), (spec, usage));
                assert_eq!(metadata.customer_master_key_spec, spec);
            } else {
                let e = outcome.unwrap_err();
                assert_eq!(e.kind, ErrorKind::Validation, "{spec} {usage}");
                assert_eq!(
                    e.message,
                    format!("KeyUsage {usage} is not compatible with KeySpec {spec}")
                );
                assert_eq!(kms.key_count(), before, "a refused CreateKey creates nothing");
            }
        }
    }
    // SM2 exists in the China Regions only; there, the providers do not implement it.
    let e = kms.create_key(&ctx, pair_request(KeySpec::Sm2, KeyUsage::SignVerify)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnsupportedOperation);
    let mut china = Engine::new(
        engine::EngineConfig::new("cn-north-1".parse::<Region>().unwrap(), 1)
            .with_provider(ProviderKind::InsecureModelling),
    );
    let cn_ctx = CallContext::new("arn:aws-cn:iam::111122223333:role/alice".parse().unwrap(), T0);
    let e = china.create_key(&cn_ctx, pair_request(KeySpec::Sm2, KeyUsage::SignVerify));
    let e = e.unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnsupportedOperation);
    assert!(e.message.contains("insecure-modelling"), "names the provider: {}", e.message);
    assert_eq!(china.key_count(), 0);
    // Key pairs do not rotate, and are not imported (yet) nor held in custom key stores.
    let key = create(&mut kms, &ctx, KeySpec::Rsa2048, KeyUsage::SignVerify);
    let e = kms.enable_key_rotation(&ctx, EnableKeyRotationRequest::new(key)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnsupportedOperation);
    let e = kms.rotate_key_on_demand(&ctx, RotateKeyOnDemandRequest::new(key)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnsupportedOperation);
    let external = pair_request(KeySpec::Rsa2048, KeyUsage::SignVerify)
        .with_origin(engine::spec::OriginType::External);
    assert_eq!(kms.create_key(&ctx, external).unwrap_err().kind, ErrorKind::UnsupportedOperation);
}

#[test]
fn a_provider_without_key_pairs_says_so_and_creates_nothing() {
    for provider in PROVIDERS {
        if builds(provider, KeySpec::EccNistP256) {
            continue;
        }
        let mut kms = engine_with(provider, 1);
        let e = kms
            .create_key(&alice(), pair_request(KeySpec::EccNistP256, KeyUsage::SignVerify))
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnsupportedOperation);
        assert!(e.message.contains(provider.as_str()), "{}", e.message);
        assert_eq!(kms.key_count(), 0);
    }
}

#[test]
fn describe_key_and_get_public_key_list_each_specs_algorithms() {
    for_each_built(|provider, spec| {
        let mut kms = engine_with(provider, 2);
        let ctx = alice();
        for &usage in key_pair::usages(spec) {
            let key = create(&mut kms, &ctx, spec, usage);
            let metadata =
                kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata;
            let response = kms.get_public_key(&ctx, GetPublicKeyRequest::new(key)).unwrap();
            let (encryption, signing, agreement) = match usage {
                KeyUsage::EncryptDecrypt => {
                    (key_pair::encryption_algorithms(spec), &[][..], &[][..])
                }
                KeyUsage::SignVerify => (&[][..], key_pair::signing_algorithms(spec), &[][..]),
                KeyUsage::KeyAgreement => {
                    (&[][..], &[][..], key_pair::key_agreement_algorithms(spec))
                }
                KeyUsage::GenerateVerifyMac => unreachable!("no key pair is a MAC key"),
            };
            assert!(!(encryption.is_empty() && signing.is_empty() && agreement.is_empty()));
            assert_eq!(metadata.encryption_algorithms, encryption, "{provider} {spec} {usage}");
            assert_eq!(metadata.signing_algorithms, signing);
            assert_eq!(metadata.key_agreement_algorithms, agreement);
            assert!(metadata.mac_algorithms.is_empty());
            assert_eq!(response.encryption_algorithms, encryption);
            assert_eq!(response.signing_algorithms, signing);
            assert_eq!(response.key_agreement_algorithms, agreement);
            assert_eq!((response.key_spec, response.key_usage), (spec, usage));
            assert_eq!(response.key_id, metadata.arn);
            assert!(!response.public_key.is_empty());
        }
    });
}

/// What a real provider's backend does not have: aws-lc-rs 1.19 has pure Ed25519 only (no
/// Ed25519ph), and ML-DSA over whole messages only (no external μ).
const PROVIDER_LACKS: &[(ProviderKind, SigningAlgorithmSpec, MessageType)] = &[
    (ProviderKind::AwsLcRs, SigningAlgorithmSpec::Ed25519PhSha512, MessageType::Digest),
    (ProviderKind::AwsLcRs, SigningAlgorithmSpec::MlDsaShake256, MessageType::ExternalMu),
];

#[test]
fn sign_and_verify_every_algorithm_and_message_type() {
    for_each_built(|provider, spec| {
        if !key_pair::usages(spec).contains(&KeyUsage::SignVerify) {
            return;
        }
        let mut kms = engine_with(provider, 3);
        let ctx = alice();
        let key = create(&mut kms, &ctx, spec, KeyUsage::SignVerify);
        for &algorithm in key_pair::signing_algorithms(spec) {
            for &message_type in message_types(algorithm) {
                let message = message_for(algorithm, message_type);
                let signed = kms.sign(
                    &ctx,
                    SignRequest::new(key, message.clone(), algorithm)
                        .with_message_type(message_type),
                );
                if PROVIDER_LACKS.contains(&(provider, algorithm, message_type)) {
                    // The engine says so; it never signs with another provider instead.
                    let e = signed.unwrap_err();
                    assert_eq!(e.kind, ErrorKind::UnsupportedOperation, "{provider} {algorithm}");
                    assert!(e.message.contains(provider.as_str()), "{e}");
                    continue;
                }
                let signed = signed.unwrap_or_else(|e| {
                    panic!("{provider} {spec} {algorithm} {message_type}: {e}")
                });
                assert_eq!(signed.signing_algorithm, algorithm);
                let verify = |signature: Vec<u8>, message: Vec<u8>| {
                    VerifyRequest::new(key, message, signature, algorithm)
                        .with_message_type(message_type)
                };
                let ok =
                    kms.verify(&ctx, verify(signed.signature.clone(), message.clone())).unwrap();
                assert!(ok.signature_valid);
                // A flipped bit anywhere in the signature, or a changed message, is
                // KMSInvalidSignatureException, never a false flag.
                let mut flipped = signed.signature.clone();
                let last = flipped.len() - 1;
                flipped[last / 2] ^= 0x01;
                let e = kms.verify(&ctx, verify(flipped, message.clone())).unwrap_err();
                assert_eq!(e.kind, ErrorKind::KmsInvalidSignature, "{provider} {spec} {algorithm}");
                let mut other = message.clone();
                other[0] ^= 0x80;
                let e = kms.verify(&ctx, verify(signed.signature, other)).unwrap_err();
                assert_eq!(e.kind, ErrorKind::KmsInvalidSignature);
            }
        }
        // The last usage is tracked.
        let usage = kms.get_key_last_usage(&ctx, GetKeyLastUsageRequest::new(key)).unwrap();
        assert_eq!(usage.key_last_usage.map(|u| u.operation), Some(Operation::Verify));
    });
}

#[test]
fn sign_refuses_bad_messages_with_awss_exceptions_and_changes_nothing() {
    let mut kms = engine_with(ProviderKind::InsecureModelling, 4);
    let ctx = alice();
    let ecdsa = create(&mut kms, &ctx, KeySpec::EccNistP256, KeyUsage::SignVerify);
    let ed = create(&mut kms, &ctx, KeySpec::EccNistEdwards25519, KeyUsage::SignVerify);
    let ml = create(&mut kms, &ctx, KeySpec::MlDsa44, KeyUsage::SignVerify);
    let sign = |key, message: Vec<u8>, algorithm, message_type| {
        SignRequest::new(key, message, algorithm).with_message_type(message_type)
    };
    use MessageType::{Digest, ExternalMu, Raw};
    use SigningAlgorithmSpec as S;
    let cases: Vec<(SignRequest, ErrorKind, &str)> = vec![
        (
            sign(ecdsa, vec![1; 31], S::EcdsaSha256, Digest),
            ErrorKind::Validation,
            "Digest is invalid length for algorithm ECDSA_SHA_256.",
        ),
        (
            sign(ecdsa, vec![1; 33], S::EcdsaSha256, Digest),
            ErrorKind::Validation,
            "Digest is invalid length for algorithm ECDSA_SHA_256.",
        ),
        (sign(ecdsa, vec![1; 64], S::EcdsaSha256, ExternalMu), ErrorKind::Validation, ""),
        (
            sign(ecdsa, vec![1; 32], S::EcdsaSha384, Raw),
            ErrorKind::InvalidKeyUsage,
            "Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.",
        ),
        (sign(ecdsa, vec![1; 32], S::RsassaPssSha256, Raw), ErrorKind::InvalidKeyUsage, ""),
        (sign(ecdsa, vec![1; 4097], S::EcdsaSha256, Raw), ErrorKind::Validation, ""),
        (sign(ed, vec![1; 64], S::Ed25519Sha512, Digest), ErrorKind::Validation, ""),
        (sign(ed, b"m".to_vec(), S::Ed25519PhSha512, Raw), ErrorKind::Validation, ""),
        (
            sign(ed, vec![1; 32], S::Ed25519PhSha512, Digest),
            ErrorKind::Validation,
            "Digest is invalid length for algorithm ED25519_PH_SHA_512.",
        ),
        (
            sign(ml, vec![1; 63], S::MlDsaShake256, ExternalMu),
            ErrorKind::Validation,
            "An EXTERNAL_MU message must be 64 bytes long.",
        ),
        (sign(ml, vec![1; 32], S::MlDsaShake256, Digest), ErrorKind::Validation, ""),
    ];
    let audited = kms.audit_log().records().count();
    for (i, (request, kind, message)) in cases.into_iter().enumerate() {
        let key = request.key_id.clone();
        let e = kms.sign(&ctx, request).unwrap_err();
        assert_eq!(e.kind, kind, "case {i}: {e}");
        if !message.is_empty() {
            assert_eq!(e.message, message, "case {i}");
        }
        let usage = kms.get_key_last_usage(&ctx, GetKeyLastUsageRequest::new(key)).unwrap();
        assert!(usage.key_last_usage.is_none(), "case {i}: a failed Sign is no use");
    }
    // Every refusal is audited (plus the GetKeyLastUsage calls), as every call is.
    assert_eq!(kms.audit_log().records().count(), audited + 22);
    // A dry run that would succeed says so.
    let e = kms
        .sign(&ctx, SignRequest::new(ecdsa, "m", S::EcdsaSha256).with_dry_run(true))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::DryRunOperation);
}

#[test]
fn encrypt_and_decrypt_with_key_pairs_up_to_awss_plaintext_limits() {
    for_each_built(|provider, spec| {
        if key_pair::encryption_algorithms(spec).is_empty() {
            return;
        }
        let mut kms = engine_with(provider, 5);
        let ctx = alice();
        let key = create(&mut kms, &ctx, spec, KeyUsage::EncryptDecrypt);
        let symmetric = kms.create_key(&ctx, CreateKeyRequest::new()).unwrap().key_id();
        for &algorithm in key_pair::encryption_algorithms(spec) {
            let max = key_pair::max_plaintext_len(spec, algorithm).unwrap();
            let plaintext = vec![0x3c; max];
            let encrypted = kms
                .encrypt(
                    &ctx,
                    EncryptRequest::new(key, plaintext.clone())
                        .with_encryption_algorithm(algorithm),
                )
                .unwrap_or_else(|e| panic!("{provider} {spec} {algorithm}: {e}"));
            assert_eq!(encrypted.encryption_algorithm, algorithm);
            if let Some(k) = key_pair::rsa_modulus_len(spec) {
                assert_eq!(encrypted.ciphertext_blob.len(), k, "an OAEP ciphertext is k bytes");
            }
            let decrypt = || {
                DecryptRequest::new(encrypted.ciphertext_blob.clone())
                    .with_key_id(key)
                    .with_encryption_algorithm(algorithm)
            };
            let decrypted = kms.decrypt(&ctx, decrypt()).unwrap();
            assert_eq!(decrypted.plaintext.expose(), plaintext);
            assert_eq!(decrypted.encryption_algorithm, algorithm);
            // One byte over the limit is refused before any cryptography.
            let e = kms
                .encrypt(
                    &ctx,
                    EncryptRequest::new(key, vec![0u8; max + 1])
                        .with_encryption_algorithm(algorithm),
                )
                .unwrap_err();
            assert_eq!(e.kind, ErrorKind::Validation, "{spec} {algorithm} over {max}");
            // Decrypt needs the KeyId and the algorithm; no encryption context.
            let e = kms.decrypt(&ctx, DecryptRequest::new(encrypted.ciphertext_blob.clone()));
            assert_eq!(e.unwrap_err().kind, ErrorKind::InvalidCiphertext);
            let e = kms
                .decrypt(
                    &ctx,
                    DecryptRequest::new(encrypted.ciphertext_blob.clone()).with_key_id(key),
                )
                .unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidKeyUsage);
            assert_eq!(
                e.message,
                format!("Algorithm SYMMETRIC_DEFAULT is incompatible with key spec {spec}.")
            );
            let context = EncryptionContext::from(std::collections::BTreeMap::from([(
                "purpose".to_owned(),
                "test".to_owned(),
            )]));
            let e = kms.decrypt(&ctx, decrypt().with_encryption_context(context.clone()));
            assert_eq!(e.unwrap_err().kind, ErrorKind::Validation);
            let e = kms.encrypt(
                &ctx,
                EncryptRequest::new(key, "x")
                    .with_encryption_algorithm(algorithm)
                    .with_encryption_context(context),
            );
            assert_eq!(e.unwrap_err().kind, ErrorKind::Validation);
            // A corrupted ciphertext is the opaque InvalidCiphertextException.
            let mut corrupted = encrypted.ciphertext_blob.clone();
            let last = corrupted.len() - 1;
            corrupted[last] ^= 0x01;
            let e = kms.decrypt(
                &ctx,
                DecryptRequest::new(corrupted)
                    .with_key_id(key)
                    .with_encryption_algorithm(algorithm),
            );
            assert_eq!(e.unwrap_err().kind, ErrorKind::InvalidCiphertext);
            // ReEncrypt from the pair to a symmetric key and back.
            let to_symmetric = kms
                .re_encrypt(
                    &ctx,
                    ReEncryptRequest::new(encrypted.ciphertext_blob.clone(), symmetric)
                        .with_source_key_id(key)
                        .with_source_encryption_algorithm(algorithm),
                )
                .unwrap();
            assert_eq!(to_symmetric.source_encryption_algorithm, algorithm);
            let back = kms
                .re_encrypt(
                    &ctx,
                    ReEncryptRequest::new(to_symmetric.ciphertext_blob, key)
                        .with_destination_encryption_algorithm(algorithm),
                )
                .unwrap();
            assert_eq!(back.destination_encryption_algorithm, algorithm);
            let again = kms
                .decrypt(
                    &ctx,
                    DecryptRequest::new(back.ciphertext_blob)
                        .with_key_id(key)
                        .with_encryption_algorithm(algorithm),
                )
                .unwrap();
            assert_eq!(again.plaintext.expose(), plaintext);
        }
        // The symmetric default is not a key pair's algorithm.
        let e = kms.encrypt(&ctx, EncryptRequest::new(key, "x")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidKeyUsage);
    });
}

/// Offline encryption with the helper kmsim ships (`engine::crypto::offline`) to the SPKI
/// GetPublicKey returns, then Decrypt in the engine, for each real provider: RSA (both OAEP
/// hashes), ML-KEM-768, ML-KEM-1024 and the hybrid, at AWS's (or kmsim's) largest plaintext.
/// Another key of the spec, another OAEP hash, and another spec's algorithm fail with AWS's
/// exceptions. (`asymmetric_openssl` does the same for RSA with OpenSSL encrypting.)
#[test]
fn offline_encryption_to_get_public_key_decrypts_in_the_engine() {
    use engine::crypto::offline::encrypt_to_public_key;
    use rand_core::SeedableRng as _;
    let specs = [
        KeySpec::Rsa2048,
        KeySpec::Rsa3072,
        KeySpec::KmsimMlKem768,
        KeySpec::KmsimMlKem1024,
        KeySpec::KmsimEccNistP256MlKem768,
    ];
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(10);
    let mut round_trips = 0;
    for provider in ProviderKind::ALL {
        let mut kms = engine_with(provider, 10);
        let ctx = alice();
        for spec in specs {
            assert!(builds(provider, spec), "{provider} builds {spec}");
            let key = create(&mut kms, &ctx, spec, KeyUsage::EncryptDecrypt);
            let other_key = create(&mut kms, &ctx, spec, KeyUsage::EncryptDecrypt);
            let public = public_key(&mut kms, &ctx, key);
            for &algorithm in key_pair::encryption_algorithms(spec) {
                let what = format!("{provider} {spec} {algorithm}");
                let max = key_pair::max_plaintext_len(spec, algorithm).unwrap();
                let plaintext: Vec<u8> = (0..=250u8).cycle().take(max).collect();
                let ciphertext =
                    encrypt_to_public_key(spec, algorithm, &public, &plaintext, &mut rng)
                        .unwrap_or_else(|e| panic!("{what}: {e:?}"));
                let decrypt = |key, algorithm| key_pair_decrypt(&ciphertext, key, algorithm);
                let decrypted = kms
                    .decrypt(&ctx, decrypt(key, algorithm))
                    .unwrap_or_else(|e| panic!("{what}: {e}"));
                assert_eq!(decrypted.plaintext.expose(), plaintext, "{what}");
                assert_eq!(decrypted.encryption_algorithm, algorithm);
                assert_eq!(decrypted.key_id.key_id, key);
                round_trips += 1;
                // Another key of the same spec: the opaque InvalidCiphertextException.
                let e = kms.decrypt(&ctx, decrypt(other_key, algorithm)).unwrap_err();
                assert_eq!(e.kind, ErrorKind::InvalidCiphertext, "{what} with another key");
                // The other OAEP hash: InvalidCiphertextException too.
                let other_hash = match algorithm {
                    EncryptionAlgorithmSpec::RsaesOaepSha1 => {
                        Some(EncryptionAlgorithmSpec::RsaesOaepSha256)
                    }
                    EncryptionAlgorithmSpec::RsaesOaepSha256 => {
                        Some(EncryptionAlgorithmSpec::RsaesOaepSha1)
                    }
                    _ => None,
                };
                if let Some(wrong) = other_hash {
                    let e = kms.decrypt(&ctx, decrypt(key, wrong)).unwrap_err();
                    assert_eq!(e.kind, ErrorKind::InvalidCiphertext, "{what} as {wrong}");
                }
                // An algorithm of another spec: InvalidKeyUsageException, in AWS's words.
                let foreign = if spec.is_kmsim_extension() {
                    EncryptionAlgorithmSpec::RsaesOaepSha256
                } else {
                    EncryptionAlgorithmSpec::KmsimMlKemHkdfAes256Gcm
                };
                let e = kms.decrypt(&ctx, decrypt(key, foreign)).unwrap_err();
                assert_eq!(e.kind, ErrorKind::InvalidKeyUsage, "{what} as {foreign}");
                assert_eq!(
                    e.message,
                    format!("Algorithm {foreign} is incompatible with key spec {spec}.")
                );
            }
        }
    }
    // Per provider: RSA_2048 and RSA_3072 with two algorithms each, three ML-KEM specs.
    assert_eq!(round_trips, 2 * (2 * 2 + 3));
}

#[test]
fn derive_shared_secret_agrees_between_two_keys() {
    for_each_built(|provider, spec| {
        if key_pair::key_agreement_algorithms(spec).is_empty() {
            return;
        }
        let mut kms = engine_with(provider, 6);
        let ctx = alice();
        let ours = create(&mut kms, &ctx, spec, KeyUsage::KeyAgreement);
        let theirs = create(&mut kms, &ctx, spec, KeyUsage::KeyAgreement);
        let (our_public, their_public) =
            (public_key(&mut kms, &ctx, ours), public_key(&mut kms, &ctx, theirs));
        let derive = |key, peer: Vec<u8>| {
            DeriveSharedSecretRequest::new(key, KeyAgreementAlgorithmSpec::Ecdh, peer)
        };
        let one = kms.derive_shared_secret(&ctx, derive(ours, their_public)).unwrap();
        let two = kms.derive_shared_secret(&ctx, derive(theirs, our_public)).unwrap();
        assert_eq!(one.shared_secret, two.shared_secret, "{provider} {spec}");
        assert_eq!(one.key_agreement_algorithm, KeyAgreementAlgorithmSpec::Ecdh);
        // A peer key of another curve is refused.
        let other_curve =
            if spec == KeySpec::EccNistP256 { KeySpec::EccNistP384 } else { KeySpec::EccNistP256 };
        let other = create(&mut kms, &ctx, other_curve, KeyUsage::KeyAgreement);
        let other_public = public_key(&mut kms, &ctx, other);
        let e = kms.derive_shared_secret(&ctx, derive(ours, other_public)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Validation, "{provider} {spec}");
        let usage = kms.get_key_last_usage(&ctx, GetKeyLastUsageRequest::new(ours)).unwrap();
        assert_eq!(usage.key_last_usage.map(|u| u.operation), Some(Operation::DeriveSharedSecret));
    });
}

#[test]
fn generate_data_key_pair_for_every_pair_spec() {
    let (mut modelled, mut matched) = (0, 0);
    for provider in PROVIDERS {
        let mut kms = engine_with(provider, 7);
        let ctx = alice();
        let wrapping = kms.create_key(&ctx, CreateKeyRequest::new()).unwrap().key_id();
        let context = EncryptionContext::from(std::collections::BTreeMap::from([(
            "app".to_owned(),
            "signer".to_owned(),
        )]));
        for &pair_spec in DataKeyPairSpec::ALL {
            let spec = pair_spec.key_spec();
            if pair_spec == DataKeyPairSpec::Sm2 {
                let e = kms
                    .generate_data_key_pair(
                        &ctx,
                        GenerateDataKeyPairRequest::new(wrapping, pair_spec),
                    )
                    .unwrap_err();
                assert_eq!(e.kind, ErrorKind::UnsupportedOperation, "SM2 outside China");
                continue;
            }
            if !builds(provider, spec) {
                continue;
            }
            modelled += usize::from(provider == ProviderKind::InsecureModelling);
            let pair = kms
                .generate_data_key_pair(
                    &ctx,
                    GenerateDataKeyPairRequest::new(wrapping, pair_spec)
                        .with_encryption_context(context.clone()),
                )
                .unwrap_or_else(|e| panic!("{provider} {pair_spec}: {e}"));
            assert_eq!(pair.key_pair_spec, pair_spec);
            assert!(!pair.public_key.is_empty());
            if provider != ProviderKind::InsecureModelling {
                let private = pair.private_key_plaintext.expose();
                assert_pair_matches(provider, pair_spec, private, &pair.public_key);
                matched += 1;
            }
            // The private key blob is an ordinary ciphertext of the wrapping key, bound to
            // the encryption context.
            let opened = kms
                .decrypt(
                    &ctx,
                    DecryptRequest::new(pair.private_key_ciphertext_blob.clone())
                        .with_encryption_context(context.clone()),
                )
                .unwrap();
            assert_eq!(opened.plaintext, pair.private_key_plaintext, "{provider} {pair_spec}");
            let e = kms.decrypt(&ctx, DecryptRequest::new(pair.private_key_ciphertext_blob));
            assert_eq!(e.unwrap_err().kind, ErrorKind::InvalidCiphertext);
            let without = kms
                .generate_data_key_pair_without_plaintext(
                    &ctx,
                    GenerateDataKeyPairWithoutPlaintextRequest::new(wrapping, pair_spec),
                )
                .unwrap();
            assert_ne!(without.public_key, pair.public_key, "a fresh pair each call");
        }
        let usage = kms.get_key_last_usage(&ctx, GetKeyLastUsageRequest::new(wrapping)).unwrap();
        let built_any = DataKeyPairSpec::ALL
            .iter()
            .any(|p| *p != DataKeyPairSpec::Sm2 && builds(provider, p.key_spec()));
        assert_eq!(usage.key_last_usage.is_some(), built_any, "{provider}");
    }
    assert_eq!(modelled, DataKeyPairSpec::ALL.len() - 1, "the modelling provider ran every spec");
    // Both real providers generate every pair but SM2; each private key matched its public key.
    assert_eq!(matched, 2 * (DataKeyPairSpec::ALL.len() - 1), "pairs checked");
}

/// ML-KEM with parameters `$params`: the shared secret encapsulated to `$public_spki` is
/// the one `$private_pkcs8` decapsulates, and the private key's encapsulation key is the
/// public key.
macro_rules! ml_kem_pair_matches {
    ($params:ty, $private_pkcs8:expr, $public_spki:expr, $what:expr) => {{
        use ml_kem::{Decapsulate as _, Encapsulate as _};
        use pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
        use rand_core::SeedableRng as _;
        let private =
            ml_kem::DecapsulationKey::<$params>::from_pkcs8_der($private_pkcs8).expect($what);
        let public =
            ml_kem::EncapsulationKey::<$params>::from_public_key_der($public_spki).expect($what);
        assert!(private.encapsulation_key() == &public, "{}: another public key", $what);
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(9);
        let (ciphertext, shared) = public.encapsulate_with_rng(&mut rng);
        assert_eq!(private.decapsulate(&ciphertext), shared, "{}", $what);
    }};
}

/// Fails unless `private_pkcs8` (GenerateDataKeyPair's `PrivateKeyPlaintext`) is a PKCS#8
/// private key of `pair_spec` whose public key is `public_spki` (its `PublicKey`). RSA_2048,
/// ECC_NIST_P256 and ML-KEM are checked with the RustCrypto crates alone (PKCS#1 v1.5 and
/// ECDSA signatures the public key verifies; ML-KEM encapsulation to the public key that the
/// private key decapsulates); every other spec signs with `provider`'s own signer and
/// verifies in the other real provider.
fn assert_pair_matches(
    provider: ProviderKind,
    pair_spec: DataKeyPairSpec,
    private_pkcs8: &[u8],
    public_spki: &[u8],
) {
    use pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
    use rand_core::SeedableRng as _;
    use sha2::Digest as _;
    use signature::hazmat::{PrehashSigner as _, PrehashVerifier as _};
    let what = format!("{provider} {pair_spec}");
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(8);
    let digest = sha2::Sha256::digest(b"signed with a data key pair");
    match pair_spec {
        DataKeyPairSpec::Rsa2048 => {
            let private = rsa::PrivateKey::from_pkcs8_der(private_pkcs8).expect(&what);
            let public = rsa::PublicKey::from_public_key_der(public_spki).expect(&what);
            let padding = || rsa::Pkcs1v15Sign::new::<sha2::Sha256>();
            let signature = private.sign_with_rng(&mut rng, padding(), &digest).expect(&what);
            public.verify(padding(), &digest, &signature).expect(&what);
        }
        DataKeyPairSpec::EccNistP256 => {
            let private = p256::ecdsa::SigningKey::from_pkcs8_der(private_pkcs8).expect(&what);
            let public = p256::ecdsa::VerifyingKey::from_public_key_der(public_spki).expect(&what);
            assert_eq!(private.verifying_key(), &public, "{what}");
            let signature: p256::ecdsa::Signature = private.sign_prehash(&digest).expect(&what);
            public.verify_prehash(&digest, &signature).expect(&what);
        }
        DataKeyPairSpec::KmsimMlKem768 => {
            ml_kem_pair_matches!(ml_kem::MlKem768, private_pkcs8, public_spki, &what);
        }
        DataKeyPairSpec::KmsimMlKem1024 => {
            ml_kem_pair_matches!(ml_kem::MlKem1024, private_pkcs8, public_spki, &what);
        }
        _ => {
            let spec = pair_spec.key_spec();
            let algorithm = key_pair::default_signing_algorithm(spec).expect("a signing pair");
            let input = engine::crypto::asymmetric::SignInput {
                message: b"signed with a data key pair",
                message_type: MessageType::Raw,
            };
            let signature = provider
                .provider()
                .asymmetric
                .sign(spec, algorithm, private_pkcs8, input, &mut rng)
                .expect(&what);
            let verifier = ProviderKind::ALL.into_iter().find(|k| *k != provider).unwrap();
            let verified = verifier
                .provider()
                .asymmetric
                .verify(spec, algorithm, public_spki, input, &signature)
                .expect(&what);
            assert!(verified, "{what}: {verifier} refuses the pair's signature");
        }
    }
}

#[test]
fn multi_region_key_pairs_share_their_pair() {
    for_each_built(|provider, spec| {
        if !key_pair::usages(spec).contains(&KeyUsage::SignVerify) {
            return;
        }
        let in_region = |region| {
            Engine::new(
                engine::EngineConfig::new(region, 8)
                    .with_provider(provider)
                    .with_quotas(engine::quota::QuotaConfig::disabled()),
            )
        };
        let (mut east, mut west) = (in_region(Region::US_EAST_1), in_region(Region::EU_WEST_1));
        let ctx = alice();
        let key = east
            .create_key(&ctx, pair_request(spec, KeyUsage::SignVerify).with_multi_region(true))
            .unwrap()
            .key_id();
        east.replicate_key(&ctx, ReplicateKeyRequest::new(key, Region::EU_WEST_1)).unwrap();
        for message in east.drain_outbox() {
            west.apply_replication(message, T0).unwrap();
        }
        assert_eq!(public_key(&mut east, &ctx, key), public_key(&mut west, &ctx, key));
        let algorithm = key_pair::signing_algorithms(spec)[0];
        let signed = east.sign(&ctx, SignRequest::new(key, "m", algorithm)).unwrap();
        let verified = west.verify(&ctx, VerifyRequest::new(key, "m", signed.signature, algorithm));
        assert!(verified.unwrap().signature_valid, "{provider} {spec}");
    });
}

#[test]
fn condition_keys_of_key_pair_requests_reach_the_key_policy() {
    let mut kms = engine_with(ProviderKind::InsecureModelling, 9);
    let ctx = alice();
    let policy = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
        {"Sid":"PssOnly","Effect":"Deny","Principal":"*","Action":"kms:Sign","Resource":"*",
         "Condition":{"StringNotEquals":{"kms:SigningAlgorithm":"RSASSA_PSS_SHA_256"}}},
        {"Sid":"NoDigest","Effect":"Deny","Principal":"*","Action":"kms:Sign","Resource":"*",
         "Condition":{"StringEquals":{"kms:MessageType":"DIGEST"}}},
        {"Sid":"NoRsaPairs","Effect":"Deny","Principal":"*","Action":"kms:GenerateDataKeyPair","Resource":"*",
         "Condition":{"StringLike":{"kms:DataKeyPairSpec":"RSA_*"}}}
    ]}"#;
    let key = kms
        .create_key(&ctx, pair_request(KeySpec::Rsa2048, KeyUsage::SignVerify).with_policy(policy))
        .unwrap()
        .key_id();
    let pss = SigningAlgorithmSpec::RsassaPssSha256;
    kms.sign(&ctx, SignRequest::new(key, "m", pss)).unwrap();
    let e = kms
        .sign(&ctx, SignRequest::new(key, "m", SigningAlgorithmSpec::RsassaPkcs1V15Sha256))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::AccessDenied);
    let digest = SignRequest::new(key, vec![0u8; 32], pss).with_message_type(MessageType::Digest);
    assert_eq!(kms.sign(&ctx, digest).unwrap_err().kind, ErrorKind::AccessDenied);
    let wrapping =
        kms.create_key(&ctx, CreateKeyRequest::new().with_policy(policy)).unwrap().key_id();
    let rsa = GenerateDataKeyPairRequest::new(wrapping, DataKeyPairSpec::Rsa2048);
    assert_eq!(kms.generate_data_key_pair(&ctx, rsa).unwrap_err().kind, ErrorKind::AccessDenied);
    let ecc = GenerateDataKeyPairRequest::new(wrapping, DataKeyPairSpec::EccNistP256);
    kms.generate_data_key_pair(&ctx, ecc).unwrap();
}

#[test]
fn audit_records_of_key_pair_calls_hold_no_secret() {
    let mut kms = engine_with(ProviderKind::InsecureModelling, 10);
    let ctx = alice();
    let wrapping = kms.create_key(&ctx, CreateKeyRequest::new()).unwrap().key_id();
    let pair = kms
        .generate_data_key_pair(
            &ctx,
            GenerateDataKeyPairRequest::new(wrapping, DataKeyPairSpec::EccNistP256),
        )
        .unwrap();
    let agreement = create(&mut kms, &ctx, KeySpec::EccNistP256, KeyUsage::KeyAgreement);
    let secret = kms
        .derive_shared_secret(
            &ctx,
            DeriveSharedSecretRequest::new(
                agreement,
                KeyAgreementAlgorithmSpec::Ecdh,
                pair.public_key,
            ),
        )
        .unwrap()
        .shared_secret;
    let rsa = create(&mut kms, &ctx, KeySpec::Rsa2048, KeyUsage::EncryptDecrypt);
    let plaintext = b"a secret plaintext of some length".to_vec();
    kms.encrypt(
        &ctx,
        EncryptRequest::new(rsa, plaintext.clone())
            .with_encryption_algorithm(EncryptionAlgorithmSpec::RsaesOaepSha256),
    )
    .unwrap();
    let log = serde_json::to_string(&kms.audit_log().records().collect::<Vec<_>>()).unwrap();
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    for (name, bytes) in [
        ("private key", pair.private_key_plaintext.expose()),
        ("shared secret", secret.expose()),
        ("plaintext", &plaintext[..]),
    ] {
        let b64 = base64_standard(bytes);
        assert!(!log.contains(&b64[..16.min(b64.len())]), "the {name} leaked in base64");
        assert!(!log.contains(&hex(bytes)[..16]), "the {name} leaked in hex");
    }
    assert!(
        !format!("{:?}", pair.private_key_plaintext)
            .contains(&hex(pair.private_key_plaintext.expose())[..8])
    );
}

/// Standard base64 with padding (the audit log's encoding of any blob it might hold).
fn base64_standard(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// What a call of the forbidden-pairs table answers: success, or AWS's exception.
type Outcome = Result<(), ErrorKind>;

/// The operations of the table.
const CRYPTO_OPERATIONS: [Operation; 13] = [
    Operation::Encrypt,
    Operation::Decrypt,
    Operation::ReEncrypt,
    Operation::GenerateDataKey,
    Operation::GenerateDataKeyWithoutPlaintext,
    Operation::GenerateDataKeyPair,
    Operation::GenerateDataKeyPairWithoutPlaintext,
    Operation::Sign,
    Operation::Verify,
    Operation::GenerateMac,
    Operation::VerifyMac,
    Operation::DeriveSharedSecret,
    Operation::GetPublicKey,
];

/// AWS's answer to `operation` on a key of `spec` and `usage`, each request otherwise
/// well-formed for the key (its own algorithms): the table under test.
fn expected(spec: KeySpec, usage: KeyUsage, operation: Operation) -> Outcome {
    use ErrorKind::{InvalidKeyUsage as Iku, UnsupportedOperation as Unsupported};
    use Operation as O;
    let symmetric = spec == KeySpec::SymmetricDefault;
    let allowed = match operation {
        // Symmetric encryption keys only.
        O::GenerateDataKey
        | O::GenerateDataKeyWithoutPlaintext
        | O::GenerateDataKeyPair
        | O::GenerateDataKeyPairWithoutPlaintext => symmetric,
        // Any ENCRYPT_DECRYPT key, symmetric or pair.
        O::Encrypt | O::Decrypt | O::ReEncrypt => usage == KeyUsage::EncryptDecrypt,
        O::Sign | O::Verify => usage == KeyUsage::SignVerify,
        O::GenerateMac | O::VerifyMac => usage == KeyUsage::GenerateVerifyMac,
        O::DeriveSharedSecret => usage == KeyUsage::KeyAgreement,
        // A symmetric or HMAC key has no public key: UnsupportedOperationException.
        O::GetPublicKey => {
            return if spec.is_asymmetric() { Ok(()) } else { Err(Unsupported) };
        }
        other => panic!("{other} is not in the table"),
    };
    if allowed { Ok(()) } else { Err(Iku) }
}

/// Runs `operation` on `key` (of `spec` and `usage`) with the key's own algorithms, inputs
/// prepared with `helper` (a symmetric key) and `hmac` and `peer` keys where one is needed.
fn attempt(
    kms: &mut Engine,
    ctx: &CallContext,
    key: KeyId,
    spec: KeySpec,
    helper: KeyId,
    operation: Operation,
) -> Result<(), KmsError> {
    let encryption = key_pair::encryption_algorithms(spec).first().copied();
    let signing = key_pair::signing_algorithms(spec).first().copied();
    let mac = spec.mac_algorithm().unwrap_or(MacAlgorithmSpec::HmacSha256);
    // A ciphertext of the key when it can make one, else noise.
    let ciphertext = |kms: &mut Engine| {
        let mut request = EncryptRequest::new(key, "x");
        if let Some(algorithm) =
            encryption.filter(|a| *a != EncryptionAlgorithmSpec::SymmetricDefault)
        {
            request = request.with_encryption_algorithm(algorithm);
        }
        kms.encrypt(ctx, request).map_or_else(|_| vec![0x5a; 256], |r| r.ciphertext_blob)
    };
    let with_algorithm = |request: DecryptRequest| match encryption {
        Some(algorithm) if algorithm != EncryptionAlgorithmSpec::SymmetricDefault => {
            request.with_encryption_algorithm(algorithm)
        }
        _ => request,
    };
    let signing_algorithm = signing.unwrap_or(SigningAlgorithmSpec::EcdsaSha256);
    match operation {
        Operation::Encrypt => {
            let mut request = EncryptRequest::new(key, "x");
            if let Some(algorithm) =
                encryption.filter(|a| *a != EncryptionAlgorithmSpec::SymmetricDefault)
            {
                request = request.with_encryption_algorithm(algorithm);
            }
            kms.encrypt(ctx, request).map(drop)
        }
        Operation::Decrypt => {
            let blob = ciphertext(kms);
            kms.decrypt(ctx, with_algorithm(DecryptRequest::new(blob).with_key_id(key))).map(drop)
        }
        Operation::ReEncrypt => {
            let blob = ciphertext(kms);
            let mut request = ReEncryptRequest::new(blob, helper).with_source_key_id(key);
            if let Some(algorithm) =
                encryption.filter(|a| *a != EncryptionAlgorithmSpec::SymmetricDefault)
            {
                request = request.with_source_encryption_algorithm(algorithm);
            }
            kms.re_encrypt(ctx, request).map(drop)
        }
        Operation::GenerateDataKey => kms
            .generate_data_key(
                ctx,
                GenerateDataKeyRequest::new(key, engine::spec::DataKeySpec::Aes256),
            )
            .map(drop),
        Operation::GenerateDataKeyWithoutPlaintext => kms
            .generate_data_key_without_plaintext(
                ctx,
                GenerateDataKeyRequest::new(key, engine::spec::DataKeySpec::Aes256).into(),
            )
            .map(drop),
        Operation::GenerateDataKeyPair => kms
            .generate_data_key_pair(
                ctx,
                GenerateDataKeyPairRequest::new(key, DataKeyPairSpec::EccNistP256),
            )
            .map(drop),
        Operation::GenerateDataKeyPairWithoutPlaintext => kms
            .generate_data_key_pair_without_plaintext(
                ctx,
                GenerateDataKeyPairWithoutPlaintextRequest::new(key, DataKeyPairSpec::EccNistP256),
            )
            .map(drop),
        Operation::Sign => kms.sign(ctx, SignRequest::new(key, "m", signing_algorithm)).map(drop),
        Operation::Verify => {
            let signature = kms
                .sign(ctx, SignRequest::new(key, "m", signing_algorithm))
                .map_or_else(|_| vec![0x30; 64], |r| r.signature);
            kms.verify(ctx, VerifyRequest::new(key, "m", signature, signing_algorithm)).map(drop)
        }
        Operation::GenerateMac => {
            kms.generate_mac(ctx, GenerateMacRequest::new(key, "m", mac)).map(drop)
        }
        Operation::VerifyMac => {
            let tag = kms
                .generate_mac(ctx, GenerateMacRequest::new(key, "m", mac))
                .map_or_else(|_| vec![0u8; mac.output_len()], |r| r.mac);
            kms.verify_mac(ctx, VerifyMacRequest::new(key, "m", mac, tag)).map(drop)
        }
        Operation::DeriveSharedSecret => {
            // A peer on the key's own curve when it has one (P-256 otherwise).
            let curve = if matches!(spec, KeySpec::EccNistP384 | KeySpec::EccNistP521) {
                spec
            } else {
                KeySpec::EccNistP256
            };
            let peer = create(kms, ctx, curve, KeyUsage::KeyAgreement);
            let peer_public = public_key(kms, ctx, peer);
            let request =
                DeriveSharedSecretRequest::new(key, KeyAgreementAlgorithmSpec::Ecdh, peer_public);
            kms.derive_shared_secret(ctx, request).map(drop)
        }
        Operation::GetPublicKey => kms.get_public_key(ctx, GetPublicKeyRequest::new(key)).map(drop),
        other => panic!("{other} is not in the table"),
    }
}

#[test]
fn every_forbidden_spec_usage_operation_triple_answers_awss_exception() {
    let mut kms = engine_with(ProviderKind::InsecureModelling, 11);
    let ctx = alice();
    let helper = kms.create_key(&ctx, CreateKeyRequest::new()).unwrap().key_id();
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for &spec in KeySpec::ALL {
        if spec == KeySpec::Sm2 {
            continue; // not in us-east-1: CreateKey refuses it (tested above)
        }
        for &usage in key_pair::usages(spec) {
            let key = kms
                .create_key(&ctx, CreateKeyRequest::new().with_key_spec(spec).with_key_usage(usage))
                .unwrap()
                .key_id();
            for operation in CRYPTO_OPERATIONS {
                let want = expected(spec, usage, operation);
                let before =
                    kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata;
                let last_usage_before = kms
                    .get_key_last_usage(&ctx, GetKeyLastUsageRequest::new(key))
                    .unwrap()
                    .key_last_usage;
                let got = attempt(&mut kms, &ctx, key, spec, helper, operation);
                let got_kind = got.as_ref().map(|_| ()).map_err(|e| e.kind);
                if got_kind != want {
                    mismatches
                        .push(format!("{spec} {usage} {operation}: want {want:?}, got {got:?}"));
                }
                if got.is_err() {
                    let after =
                        kms.describe_key(&ctx, DescribeKeyRequest::new(key)).unwrap().key_metadata;
                    assert_eq!(
                        format!("{after:?}"),
                        format!("{before:?}"),
                        "{spec} {operation} changed the key"
                    );
                    let last_usage_after = kms
                        .get_key_last_usage(&ctx, GetKeyLastUsageRequest::new(key))
                        .unwrap()
                        .key_last_usage;
                    assert_eq!(
                        last_usage_after.map(|u| u.kms_request_id),
                        last_usage_before.map(|u| u.kms_request_id),
                        "{spec} {operation}: a refused call is no use of the key"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} cell(s) disagree:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert!(checked >= 13 * 20, "the table covers every spec and usage ({checked} cells)");
}

#[test]
fn key_pair_calls_count_against_awss_quotas() {
    use engine::quota::QuotaConfig;
    let mut kms = Engine::new(
        engine::EngineConfig::new(Region::US_EAST_1, 12)
            .with_provider(ProviderKind::InsecureModelling)
            .with_quotas(QuotaConfig::default()),
    );
    let ctx = alice();
    let wrapping = kms.create_key(&ctx, CreateKeyRequest::new()).unwrap().key_id();
    // GenerateDataKeyPair RSA_4096: 1 request/s, whatever the wrapping key's quota.
    let rsa = || GenerateDataKeyPairRequest::new(wrapping, DataKeyPairSpec::Rsa4096);
    kms.generate_data_key_pair(&ctx, rsa()).unwrap();
    let e = kms.generate_data_key_pair(&ctx, rsa()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Throttling);
    // The ECC pairs have their own bucket (100/s).
    let ecc = GenerateDataKeyPairRequest::new(wrapping, DataKeyPairSpec::EccNistP256);
    kms.generate_data_key_pair(&ctx, ecc).unwrap();
    // Sign on an ECC key: the shared 1,000/s ECC bucket, so the 1,001st at one instant is
    // throttled.
    let later = ctx.at(T0.plus_nanos(10_000_000_000));
    let key = kms
        .create_key(&later, pair_request(KeySpec::EccNistP256, KeyUsage::SignVerify))
        .unwrap()
        .key_id();
    for _ in 0..1000 {
        kms.sign(&later, SignRequest::new(key, "m", SigningAlgorithmSpec::EcdsaSha256)).unwrap();
    }
    let e = kms.sign(&later, SignRequest::new(key, "m", SigningAlgorithmSpec::EcdsaSha256));
    assert_eq!(e.unwrap_err().kind, ErrorKind::Throttling);
}
