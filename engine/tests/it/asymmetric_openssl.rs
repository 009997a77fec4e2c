//! OpenSSL interoperability: signatures both providers make verify with the system `openssl`
//! against our DER `SubjectPublicKeyInfo` (`openssl dgst -verify` for RAW messages,
//! `openssl pkeyutl -verify` for DIGEST and for Ed25519), OpenSSL parses our PKCS#8 private keys,
//! and OpenSSL's RSA-OAEP encryption to our public key decrypts in both providers (offline
//! encryption, as a client would do it). The same checks go through an `Engine` too: its Sign
//! and Decrypt against its GetPublicKey output.
//!
//! `openssl` is required: without it these tests fail with a message saying so, never pass.
//!
//! Not covered here, for want of OpenSSL 3.0 support (this machine has 3.0): ML-DSA (OpenSSL
//! 3.5+; covered by the Wycheproof and LAMPS known answers in `asymmetric_vectors`) and
//! Ed25519ph (OpenSSL 3.2+ `instance` parameter; covered by RFC 8032's vector there).

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use engine::crypto::ProviderKind;
use engine::crypto::asymmetric::SignInput;
use engine::spec::{EncryptionAlgorithmSpec, KeySpec, MessageType, SigningAlgorithmSpec};

use super::asymmetric::{key_pair, message_for, seeded, signing_cases};
use crate::support::{alice, engine_with, key_pair_decrypt};

/// The key-pair specs OpenSSL reads and verifies here: RSA, ECDSA on every curve, Ed25519.
const OPENSSL_SPECS: [KeySpec; 6] = [
    KeySpec::Rsa2048,
    KeySpec::EccNistP256,
    KeySpec::EccNistP384,
    KeySpec::EccNistP521,
    KeySpec::EccSecgP256k1,
    KeySpec::EccNistEdwards25519,
];

/// `openssl version`, or a failure saying openssl is required.
fn openssl_version() -> String {
    let out = Command::new("openssl").arg("version").output().unwrap_or_else(|e| {
        panic!(
            "the OpenSSL interoperability tests require the `openssl` command line tool, which \
             could not be run ({e}); install OpenSSL 3 (e.g. `apt-get install openssl`)"
        )
    });
    assert!(out.status.success(), "`openssl version` failed");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A fresh scratch directory under the system temp dir.
fn scratch() -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("kmsim-openssl-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str], what: &str) -> (bool, String) {
    let out = Command::new("openssl").args(args).output().unwrap();
    let text = format!(
        "{what}: openssl {}\nstdout: {}\nstderr: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// `openssl pkeyutl -encrypt` of `plaintext` to the DER `SubjectPublicKeyInfo`
/// `public_der` with RSAES-OAEP, `hash` (OpenSSL's name) for both OAEP and MGF1.
fn openssl_oaep_encrypt(public_der: &[u8], plaintext: &[u8], hash: &str, what: &str) -> Vec<u8> {
    let dir = scratch();
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let (pub_der, pt, ct) = (path("pub.der"), path("pt.bin"), path("ct.bin"));
    std::fs::write(&pub_der, public_der).unwrap();
    std::fs::write(&pt, plaintext).unwrap();
    let md = format!("rsa_oaep_md:{hash}");
    let mgf = format!("rsa_mgf1_md:{hash}");
    let args = [
        "pkeyutl",
        "-encrypt",
        "-pubin",
        "-keyform",
        "DER",
        "-inkey",
        &pub_der,
        "-in",
        &pt,
        "-out",
        &ct,
        "-pkeyopt",
        "rsa_padding_mode:oaep",
        "-pkeyopt",
        &md,
        "-pkeyopt",
        &mgf,
    ];
    let (ok, text) = run(&args, what);
    assert!(ok, "{text}");
    let ciphertext = std::fs::read(&ct).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    ciphertext
}

/// OpenSSL's name of the hash of a hashed signing algorithm.
fn openssl_hash(algorithm: SigningAlgorithmSpec) -> &'static str {
    use SigningAlgorithmSpec as S;
    match algorithm {
        S::RsassaPssSha384 | S::RsassaPkcs1V15Sha384 | S::EcdsaSha384 => "sha384",
        S::RsassaPssSha512 | S::RsassaPkcs1V15Sha512 | S::EcdsaSha512 => "sha512",
        _ => "sha256",
    }
}

fn is_pss(algorithm: SigningAlgorithmSpec) -> bool {
    use SigningAlgorithmSpec as S;
    matches!(algorithm, S::RsassaPssSha256 | S::RsassaPssSha384 | S::RsassaPssSha512)
}

/// The `openssl` arguments that verify `dir/sig.bin` over `dir/msg.bin` with the DER SPKI
/// `dir/pub.der` (`dgst -verify` for RAW messages, `pkeyutl -verify` for DIGEST and for
/// Ed25519).
fn verify_args(
    spec: KeySpec,
    algorithm: SigningAlgorithmSpec,
    message_type: MessageType,
    dir: &std::path::Path,
) -> Vec<String> {
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let hash = openssl_hash(algorithm);
    let (pub_der, msg, sig) = (path("pub.der"), path("msg.bin"), path("sig.bin"));
    let pss_opts = |flag: &'static str| -> Vec<String> {
        if is_pss(algorithm) {
            ["rsa_padding_mode:pss", "rsa_pss_saltlen:digest", &format!("rsa_mgf1_md:{hash}")]
                .iter()
                .flat_map(|opt| [flag.to_owned(), (*opt).to_owned()])
                .collect()
        } else {
            Vec::new()
        }
    };
    let mut args: Vec<String> = if spec == KeySpec::EccNistEdwards25519 {
        ["pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", &pub_der, "-rawin"]
            .map(String::from)
            .into()
    } else if message_type == MessageType::Raw {
        ["dgst", &format!("-{hash}"), "-verify", &pub_der, "-keyform", "DER"]
            .map(String::from)
            .into()
    } else {
        let digest_opt = format!("digest:{hash}");
        ["pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", &pub_der, "-pkeyopt"]
            .map(String::from)
            .into_iter()
            .chain([digest_opt])
            .collect()
    };
    if spec == KeySpec::EccNistEdwards25519 || message_type == MessageType::Digest {
        args.extend(pss_opts("-pkeyopt"));
        args.extend(["-in", &msg, "-sigfile", &sig].map(String::from));
    } else {
        args.extend(pss_opts("-sigopt"));
        args.extend(["-signature", &sig, &msg].map(String::from));
    }
    args
}

#[test]
fn openssl_verifies_our_signatures() {
    let version = openssl_version();
    let mut verified = 0;
    for (spec, algorithm, message_type) in signing_cases() {
        // OpenSSL 3.0 has no ML-DSA and no Ed25519ph (module docs).
        if matches!(spec, KeySpec::MlDsa44 | KeySpec::MlDsa65 | KeySpec::MlDsa87)
            || algorithm == SigningAlgorithmSpec::Ed25519PhSha512
        {
            continue;
        }
        let pair = key_pair(spec);
        let message = message_for(algorithm, message_type);
        for kind in ProviderKind::ALL {
            let signature = kind
                .provider()
                .asymmetric
                .sign(
                    spec,
                    algorithm,
                    pair.private_pkcs8.expose(),
                    SignInput { message: &message, message_type },
                    &mut seeded(2),
                )
                .unwrap();
            let dir = scratch();
            let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
            std::fs::write(path("pub.der"), &pair.public_spki).unwrap();
            std::fs::write(path("msg.bin"), &message).unwrap();
            std::fs::write(path("sig.bin"), &signature).unwrap();
            let args = verify_args(spec, algorithm, message_type, &dir);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let what = format!("{version}: {kind} {spec} {algorithm} {message_type}");
            let (ok, text) = run(&args, &what);
            assert!(ok, "{text}");
            // And a flipped bit fails in OpenSSL too.
            let mut flipped = signature.clone();
            flipped[signature.len() / 2] ^= 1;
            std::fs::write(path("sig.bin"), &flipped).unwrap();
            let (ok, text) = run(&args, &what);
            assert!(!ok, "flipped signature verified: {text}");
            std::fs::remove_dir_all(&dir).unwrap();
            verified += 1;
        }
    }
    assert!(verified >= 80, "only {verified} signatures went through OpenSSL");
}

/// The acceptance line itself: keys created in an `Engine` of each real provider, signed
/// through the engine's Sign, verify in OpenSSL against the engine's GetPublicKey output
/// (RSA PSS and PKCS #1 v1.5 and ECDSA on every curve, RAW and DIGEST; Ed25519 RAW), and a
/// flipped bit does not.
#[test]
fn openssl_verifies_engine_signatures_against_get_public_key() {
    use engine::api::{CreateKeyRequest, GetPublicKeyRequest, SignRequest};
    use engine::key_pair::signing_algorithms;
    use engine::spec::KeyUsage;
    let version = openssl_version();
    let mut verified = 0;
    for kind in ProviderKind::ALL {
        let mut kms = engine_with(kind, 11);
        let ctx = alice();
        for spec in OPENSSL_SPECS {
            let request =
                CreateKeyRequest::new().with_key_spec(spec).with_key_usage(KeyUsage::SignVerify);
            let key = kms.create_key(&ctx, request).unwrap().key_id();
            let public = kms.get_public_key(&ctx, GetPublicKeyRequest::new(key)).unwrap();
            for &algorithm in signing_algorithms(spec) {
                // OpenSSL 3.0 has no Ed25519ph (module docs).
                if algorithm == SigningAlgorithmSpec::Ed25519PhSha512 {
                    continue;
                }
                let types: &[MessageType] = if spec == KeySpec::EccNistEdwards25519 {
                    &[MessageType::Raw]
                } else {
                    &[MessageType::Raw, MessageType::Digest]
                };
                for &message_type in types {
                    let message = message_for(algorithm, message_type);
                    let signed = kms
                        .sign(
                            &ctx,
                            SignRequest::new(key, message.clone(), algorithm)
                                .with_message_type(message_type),
                        )
                        .unwrap_or_else(|e| panic!("{kind} {spec} {algorithm}: {e}"));
                    let dir = scratch();
                    let path = |name: &str| dir.join(name);
                    std::fs::write(path("pub.der"), &public.public_key).unwrap();
                    std::fs::write(path("msg.bin"), &message).unwrap();
                    std::fs::write(path("sig.bin"), &signed.signature).unwrap();
                    let args = verify_args(spec, algorithm, message_type, &dir);
                    let args: Vec<&str> = args.iter().map(String::as_str).collect();
                    let what =
                        format!("{version}: engine on {kind}, {spec} {algorithm} {message_type}");
                    let (ok, text) = run(&args, &what);
                    assert!(ok, "{text}");
                    let mut flipped = signed.signature.clone();
                    let middle = flipped.len() / 2;
                    flipped[middle] ^= 1;
                    std::fs::write(path("sig.bin"), &flipped).unwrap();
                    let (ok, text) = run(&args, &what);
                    assert!(!ok, "flipped signature verified: {text}");
                    std::fs::remove_dir_all(&dir).unwrap();
                    verified += 1;
                }
            }
        }
    }
    // Per provider: RSA 6 algorithms × 2 message types, ECDSA 4 curves × 2, Ed25519 1.
    assert_eq!(verified, 2 * (12 + 8 + 1), "signatures OpenSSL verified");
}

/// Offline encryption as a client does it: OpenSSL's RSAES-OAEP to the SPKI an `Engine`'s
/// GetPublicKey returned, then the engine's Decrypt, for each real provider. The other OAEP
/// hash, another key of the same spec, and kmsim's ML-KEM algorithm fail with AWS's
/// exceptions.
#[test]
fn openssl_oaep_to_get_public_key_decrypts_in_the_engine() {
    use engine::ErrorKind;
    use engine::api::{CreateKeyRequest, GetPublicKeyRequest};
    use engine::spec::KeyUsage;
    let version = openssl_version();
    let plaintext = b"an offline secret for the engine";
    for kind in ProviderKind::ALL {
        let mut kms = engine_with(kind, 12);
        let ctx = alice();
        for spec in [KeySpec::Rsa2048, KeySpec::Rsa3072] {
            let create = |kms: &mut engine::Engine| {
                let request = CreateKeyRequest::new()
                    .with_key_spec(spec)
                    .with_key_usage(KeyUsage::EncryptDecrypt);
                kms.create_key(&ctx, request).unwrap().key_id()
            };
            let (key, other_key) = (create(&mut kms), create(&mut kms));
            let public = kms.get_public_key(&ctx, GetPublicKeyRequest::new(key)).unwrap();
            for (algorithm, hash, wrong) in [
                (
                    EncryptionAlgorithmSpec::RsaesOaepSha1,
                    "sha1",
                    EncryptionAlgorithmSpec::RsaesOaepSha256,
                ),
                (
                    EncryptionAlgorithmSpec::RsaesOaepSha256,
                    "sha256",
                    EncryptionAlgorithmSpec::RsaesOaepSha1,
                ),
            ] {
                let what = format!("{version}: engine on {kind}, {spec} {algorithm}");
                let ciphertext = openssl_oaep_encrypt(&public.public_key, plaintext, hash, &what);
                let decrypt = |key, algorithm| key_pair_decrypt(&ciphertext, key, algorithm);
                let decrypted = kms
                    .decrypt(&ctx, decrypt(key, algorithm))
                    .unwrap_or_else(|e| panic!("{what}: {e}"));
                assert_eq!(decrypted.plaintext.expose(), plaintext, "{what}");
                assert_eq!(decrypted.encryption_algorithm, algorithm);
                // The other OAEP hash, or another key of the spec: the opaque
                // InvalidCiphertextException.
                let e = kms.decrypt(&ctx, decrypt(key, wrong)).unwrap_err();
                assert_eq!(e.kind, ErrorKind::InvalidCiphertext, "{what} as {wrong}");
                let e = kms.decrypt(&ctx, decrypt(other_key, algorithm)).unwrap_err();
                assert_eq!(e.kind, ErrorKind::InvalidCiphertext, "{what} with another key");
                // An algorithm of another spec: InvalidKeyUsageException, in AWS's words.
                let ml_kem = EncryptionAlgorithmSpec::KmsimMlKemHkdfAes256Gcm;
                let e = kms.decrypt(&ctx, decrypt(key, ml_kem)).unwrap_err();
                assert_eq!(e.kind, ErrorKind::InvalidKeyUsage, "{what} as {ml_kem}");
                assert_eq!(
                    e.message,
                    format!("Algorithm {ml_kem} is incompatible with key spec {spec}.")
                );
            }
        }
    }
}

#[test]
fn openssl_reads_our_private_keys() {
    let version = openssl_version();
    for spec in OPENSSL_SPECS {
        let pair = key_pair(spec);
        let dir = scratch();
        let private = dir.join("key.der").to_string_lossy().into_owned();
        let public = dir.join("pub.der").to_string_lossy().into_owned();
        std::fs::write(&private, pair.private_pkcs8.expose()).unwrap();
        let args = [
            "pkey", "-inform", "DER", "-in", &private, "-pubout", "-outform", "DER", "-out",
            &public,
        ];
        let (ok, text) = run(&args, &format!("{version}: {spec}"));
        assert!(ok, "{text}");
        // OpenSSL derives the same public key.
        assert_eq!(std::fs::read(&public).unwrap(), pair.public_spki, "{spec}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// Offline encryption with OpenSSL (RSAES-OAEP to our SPKI), then decryption in both
/// providers.
#[test]
fn openssl_oaep_encryption_decrypts_in_both_providers() {
    let version = openssl_version();
    for spec in [KeySpec::Rsa2048, KeySpec::Rsa3072] {
        for (algorithm, hash) in [
            (EncryptionAlgorithmSpec::RsaesOaepSha1, "sha1"),
            (EncryptionAlgorithmSpec::RsaesOaepSha256, "sha256"),
        ] {
            let pair = key_pair(spec);
            let what = format!("{version}: {spec} {algorithm}");
            let ciphertext =
                openssl_oaep_encrypt(&pair.public_spki, b"an offline secret", hash, &what);
            for kind in ProviderKind::ALL {
                let plaintext = kind
                    .provider()
                    .asymmetric
                    .decrypt(spec, algorithm, pair.private_pkcs8.expose(), &ciphertext)
                    .unwrap_or_else(|e| panic!("{kind} {spec} {algorithm}: {e}"));
                assert_eq!(plaintext.expose(), b"an offline secret", "{kind} {spec} {algorithm}");
            }
        }
    }
}
