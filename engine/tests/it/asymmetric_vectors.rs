//! Known-answer tests of both providers' `Asymmetric`: Wycheproof (RSA-OAEP decryption,
//! RSA-PSS and RSASSA-PKCS1-v1_5 verification, ECDSA P-256/P-384/P-521/secp256k1 DER
//! verification, ECDH P-256/P-384/P-521, Ed25519, ML-DSA verification and seeded key
//! generation, ML-KEM key generation, encapsulation and decapsulation), the IETF LAMPS example
//! keys for the FIPS 203/204 seed formats (tests/data/lamps, origin in its README), and RFC
//! 8032's Ed25519ph vector.
//!
//! Every test counts what it checked and fails if a file contributed nothing, so a renamed file
//! or a filter gone wrong cannot pass silently. Where Wycheproof says "acceptable", either
//! outcome passes, but both providers must not panic.

use engine::crypto::asymmetric::{AsymmetricError, SignInput};
use engine::crypto::{CryptoProvider, ProviderKind};
use engine::spec::{EncryptionAlgorithmSpec, KeySpec, MessageType, SigningAlgorithmSpec};
use pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use rand_core::{TryCryptoRng, TryRng};
use wycheproof::{HashFunction, Mgf, TestResult};

use SigningAlgorithmSpec as S;

/// A "generator" that returns fixed bytes, then fails the test if asked for more: it feeds a
/// known seed to key generation and a known message m to ML-KEM encapsulation.
struct FixedBytes {
    bytes: Vec<u8>,
    at: usize,
}

impl FixedBytes {
    fn new(parts: &[&[u8]]) -> Self {
        Self { bytes: parts.concat(), at: 0 }
    }
}

impl TryRng for FixedBytes {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        let end = self.at + dst.len();
        assert!(end <= self.bytes.len(), "the known-answer test drew more than its fixed bytes");
        dst.copy_from_slice(&self.bytes[self.at..end]);
        self.at = end;
        Ok(())
    }
}

impl TryCryptoRng for FixedBytes {}

fn providers() -> [(ProviderKind, &'static CryptoProvider); 2] {
    ProviderKind::ALL.map(|kind| (kind, kind.provider()))
}

/// What verification tallied.
#[derive(Debug, Default)]
struct Tally {
    valid: usize,
    invalid: usize,
}

/// Checks one Wycheproof verification vector in both providers.
fn check_verify(
    tally: &mut Tally,
    spec: KeySpec,
    algorithm: SigningAlgorithmSpec,
    spki: &[u8],
    input: SignInput<'_>,
    signature: &[u8],
    result: &TestResult,
    what: &str,
) {
    for (kind, provider) in providers() {
        let got = provider.asymmetric.verify(spec, algorithm, spki, input, signature);
        match result {
            TestResult::Valid => {
                assert_eq!(got, Ok(true), "{kind} {what}: must verify");
                tally.valid += 1;
            }
            // An invalid signature is `false`; an invalid key is `Failed`.
            TestResult::Invalid => {
                assert!(
                    matches!(got, Ok(false) | Err(AsymmetricError::Failed)),
                    "{kind} {what}: must not verify, got {got:?}"
                );
                tally.invalid += 1;
            }
            TestResult::Acceptable => {
                assert!(!matches!(got, Err(AsymmetricError::Unsupported(_))), "{kind} {what}");
            }
        }
    }
}

const fn sha(hash: HashFunction) -> Option<usize> {
    match hash {
        HashFunction::Sha2_256 => Some(256),
        HashFunction::Sha2_384 => Some(384),
        HashFunction::Sha2_512 => Some(512),
        _ => None,
    }
}

fn rsa_spec(bits: usize) -> Option<KeySpec> {
    match bits {
        2048 => Some(KeySpec::Rsa2048),
        3072 => Some(KeySpec::Rsa3072),
        4096 => Some(KeySpec::Rsa4096),
        _ => None,
    }
}

#[test]
fn rsa_pkcs1_v1_5_verify_wycheproof() {
    use wycheproof::rsa_pkcs1_verify::{TestName as N, TestSet};
    for name in [
        N::Rsa2048Sha256,
        N::Rsa2048Sha384,
        N::Rsa2048Sha512,
        N::Rsa3072Sha256,
        N::Rsa3072Sha384,
        N::Rsa3072Sha512,
        N::Rsa4096Sha256,
        N::Rsa4096Sha384,
        N::Rsa4096Sha512,
    ] {
        let set = TestSet::load(name).unwrap();
        let mut tally = Tally::default();
        for group in &set.test_groups {
            let spec = rsa_spec(group.key_size).unwrap();
            let algorithm = match sha(group.hash) {
                Some(256) => S::RsassaPkcs1V15Sha256,
                Some(384) => S::RsassaPkcs1V15Sha384,
                _ => S::RsassaPkcs1V15Sha512,
            };
            for test in &group.tests {
                let input = SignInput { message: &test.msg, message_type: MessageType::Raw };
                let what = format!("{name:?} tcId {} '{}'", test.tc_id, test.comment);
                check_verify(
                    &mut tally,
                    spec,
                    algorithm,
                    &group.der,
                    input,
                    &test.sig,
                    &test.result,
                    &what,
                );
            }
        }
        assert!(tally.valid > 0 && tally.invalid > 0, "{name:?}: {tally:?}");
    }
}

#[test]
fn rsa_pss_verify_wycheproof() {
    use wycheproof::rsa_pss_verify::{TestName as N, TestSet};
    let mut total = Tally::default();
    for name in [
        N::RsaPss2048Sha256Mgf1SaltLen32,
        N::RsaPss2048Sha384Mgf1SaltLen48,
        N::RsaPss3072Sha256Mgf1SaltLen32,
        N::RsaPss4096Sha256Mgf1SaltLen32,
        N::RsaPss4096Sha384Mgf1SaltLen48,
        N::RsaPss4096Sha512Mgf1SaltLen64,
        N::RsaPssmisc,
    ] {
        let set = TestSet::load(name).unwrap();
        let mut tally = Tally::default();
        for group in &set.test_groups {
            // AWS's PSS: MGF1 of the same hash, salt as long as the hash, 2048–4096 bits.
            let Some(bits) = sha(group.hash) else { continue };
            let Some(spec) = rsa_spec(group.key_size) else { continue };
            if group.mgf != Mgf::Mgf1
                || group.mgf_hash != Some(group.hash)
                || group.salt_size * 8 != bits
            {
                continue;
            }
            let algorithm = match bits {
                256 => S::RsassaPssSha256,
                384 => S::RsassaPssSha384,
                _ => S::RsassaPssSha512,
            };
            for test in &group.tests {
                let input = SignInput { message: &test.msg, message_type: MessageType::Raw };
                let what = format!("{name:?} tcId {} '{}'", test.tc_id, test.comment);
                check_verify(
                    &mut tally,
                    spec,
                    algorithm,
                    &group.der,
                    input,
                    &test.sig,
                    &test.result,
                    &what,
                );
            }
        }
        assert!(tally.valid > 0, "{name:?}: {tally:?}");
        total.valid += tally.valid;
        total.invalid += tally.invalid;
    }
    assert!(total.invalid > 0, "{total:?}");
}

#[test]
fn ecdsa_der_verify_wycheproof() {
    use wycheproof::ecdsa::{TestName as N, TestSet};
    for (name, spec, algorithm) in [
        (N::EcdsaSecp256r1Sha256, KeySpec::EccNistP256, S::EcdsaSha256),
        (N::EcdsaSecp384r1Sha384, KeySpec::EccNistP384, S::EcdsaSha384),
        (N::EcdsaSecp521r1Sha512, KeySpec::EccNistP521, S::EcdsaSha512),
        (N::EcdsaSecp256k1Sha256, KeySpec::EccSecgP256k1, S::EcdsaSha256),
    ] {
        let set = TestSet::load(name).unwrap();
        let mut tally = Tally::default();
        for group in &set.test_groups {
            for test in &group.tests {
                let input = SignInput { message: &test.msg, message_type: MessageType::Raw };
                let what = format!("{name:?} tcId {} '{}'", test.tc_id, test.comment);
                check_verify(
                    &mut tally,
                    spec,
                    algorithm,
                    &group.der,
                    input,
                    &test.sig,
                    &test.result,
                    &what,
                );
            }
        }
        assert!(tally.valid > 0 && tally.invalid > 100, "{name:?}: {tally:?}");
    }
}

#[test]
fn ed25519_verify_wycheproof() {
    use wycheproof::eddsa::{TestName, TestSet};
    let set = TestSet::load(TestName::Ed25519).unwrap();
    let mut tally = Tally::default();
    for group in &set.test_groups {
        for test in &group.tests {
            let input = SignInput { message: &test.msg, message_type: MessageType::Raw };
            let what = format!("Ed25519 tcId {} '{}'", test.tc_id, test.comment);
            check_verify(
                &mut tally,
                KeySpec::EccNistEdwards25519,
                S::Ed25519Sha512,
                &group.der,
                input,
                &test.sig,
                &test.result,
                &what,
            );
        }
    }
    assert!(tally.valid > 0 && tally.invalid > 0, "{tally:?}");
}

/// A PKCS#8 for a raw EC private scalar of `spec` (Wycheproof gives scalars, sometimes with a
/// leading zero or shorter than the field).
fn ec_pkcs8(spec: KeySpec, scalar: &[u8]) -> Vec<u8> {
    let field_len = match spec {
        KeySpec::EccNistP256 => 32,
        KeySpec::EccNistP384 => 48,
        _ => 66,
    };
    let trimmed: Vec<u8> = scalar.iter().copied().skip_while(|b| *b == 0).collect();
    let mut padded = vec![0; field_len - trimmed.len()];
    padded.extend_from_slice(&trimmed);
    let der = match spec {
        KeySpec::EccNistP256 => p256::SecretKey::from_slice(&padded).unwrap().to_pkcs8_der(),
        KeySpec::EccNistP384 => p384::SecretKey::from_slice(&padded).unwrap().to_pkcs8_der(),
        _ => p521::SecretKey::from_slice(&padded).unwrap().to_pkcs8_der(),
    };
    der.unwrap().as_bytes().to_vec()
}

#[test]
fn ecdh_wycheproof() {
    use wycheproof::ecdh::{TestName as N, TestSet};
    for (name, spec) in [
        (N::EcdhSecp256r1, KeySpec::EccNistP256),
        (N::EcdhSecp384r1, KeySpec::EccNistP384),
        (N::EcdhSecp521r1, KeySpec::EccNistP521),
    ] {
        let set = TestSet::load(name).unwrap();
        let (mut valid, mut invalid) = (0, 0);
        for group in &set.test_groups {
            for test in &group.tests {
                let private = ec_pkcs8(spec, &test.private_key);
                let what = format!("{name:?} tcId {} '{}'", test.tc_id, test.comment);
                for (kind, provider) in providers() {
                    let got =
                        provider.asymmetric.derive_shared_secret(spec, &private, &test.public_key);
                    match test.result {
                        TestResult::Valid => {
                            let got = got.unwrap_or_else(|e| panic!("{kind} {what}: {e}"));
                            assert_eq!(got.expose(), &test.shared_secret[..], "{kind} {what}");
                            valid += 1;
                        }
                        TestResult::Invalid => {
                            assert_eq!(got, Err(AsymmetricError::Failed), "{kind} {what}");
                            invalid += 1;
                        }
                        TestResult::Acceptable => {
                            if let Ok(got) = got {
                                assert_eq!(got.expose(), &test.shared_secret[..], "{kind} {what}");
                            }
                        }
                    }
                }
            }
        }
        assert!(valid > 0 && invalid > 0, "{name:?}: {valid} valid, {invalid} invalid");
    }
}

#[test]
fn rsa_oaep_decrypt_wycheproof() {
    use wycheproof::rsa_oaep::{TestName as N, TestSet};
    let mut valid = 0;
    for name in [
        N::Rsa2048Sha1Mgf1Sha1,
        N::Rsa2048Sha256Mgf1Sha256,
        N::Rsa3072Sha256Mgf1Sha256,
        N::Rsa4096Sha256Mgf1Sha256,
    ] {
        let set = TestSet::load(name).unwrap();
        for group in &set.test_groups {
            let algorithm = match group.hash {
                HashFunction::Sha1 => EncryptionAlgorithmSpec::RsaesOaepSha1,
                _ => EncryptionAlgorithmSpec::RsaesOaepSha256,
            };
            let Some(spec) = rsa_spec(group.key_size) else { continue };
            if group.mgf != Mgf::Mgf1 || group.mgf_hash != group.hash {
                continue;
            }
            for test in &group.tests {
                let what = format!("{name:?} tcId {} '{}'", test.tc_id, test.comment);
                for (kind, provider) in providers() {
                    let got = provider.asymmetric.decrypt(spec, algorithm, &group.pkcs8, &test.ct);
                    match test.result {
                        TestResult::Valid | TestResult::Acceptable if test.label.is_empty() => {
                            assert_eq!(got.unwrap().expose(), &test.pt[..], "{kind} {what}");
                            valid += 1;
                        }
                        // The documented `rsa` 0.10 deviation (see import_crypto.rs): it ignores
                        // the first octet of the OAEP block.
                        TestResult::Invalid
                            if kind == ProviderKind::RustCrypto
                                && test.comment == "First byte is 1" => {}
                        _ => assert_eq!(got, Err(AsymmetricError::Failed), "{kind} {what}"),
                    }
                }
            }
        }
    }
    assert!(valid > 0);
}

/// The raw ML-DSA or ML-KEM public key inside an SPKI (its last bytes).
fn spki_bits(spki: &[u8], len: usize) -> &[u8] {
    &spki[spki.len() - len..]
}

#[test]
fn ml_dsa_verify_wycheproof() {
    use wycheproof::mldsa_verify::{TestName as N, TestSet};
    for (name, spec) in [
        (N::MlDsa44Verify, KeySpec::MlDsa44),
        (N::MlDsa65Verify, KeySpec::MlDsa65),
        (N::MlDsa87Verify, KeySpec::MlDsa87),
    ] {
        let set = TestSet::load(name).unwrap();
        let mut tally = Tally::default();
        for group in &set.test_groups {
            for test in &group.tests {
                // AWS KMS signs with an empty context; vectors with a context are out of scope.
                if test.ctx.as_ref().is_some_and(|ctx| !ctx.is_empty()) {
                    continue;
                }
                let input = SignInput { message: &test.msg, message_type: MessageType::Raw };
                let what = format!("{name:?} tcId {} '{}'", test.tc_id, test.comment);
                check_verify(
                    &mut tally,
                    spec,
                    S::MlDsaShake256,
                    &group.der,
                    input,
                    &test.sig,
                    &test.result,
                    &what,
                );
            }
        }
        assert!(tally.valid > 0 && tally.invalid > 0, "{name:?}: {tally:?}");
    }
}

/// Seeded ML-DSA: key generation from the seed gives Wycheproof's public key (FIPS 204
/// Algorithm 6), and its deterministic signatures verify (RAW, and EXTERNAL_MU where the
/// vector gives μ, RustCrypto only: aws-lc-rs 1.19 has no external μ).
#[test]
fn ml_dsa_keygen_and_sign_wycheproof() {
    use wycheproof::mldsa_sign::{TestName as N, TestSet};
    for (name, spec) in [
        (N::MlDsa44SignSeed, KeySpec::MlDsa44),
        (N::MlDsa65SignSeed, KeySpec::MlDsa65),
        (N::MlDsa87SignSeed, KeySpec::MlDsa87),
    ] {
        let set = TestSet::load(name).unwrap();
        let (mut keys, mut signatures, mut mus) = (0, 0, 0);
        for group in &set.test_groups {
            let (Some(seed), Some(public)) = (&group.privseed, &group.pubkey) else { continue };
            let pairs = providers().map(|(kind, provider)| {
                let pair =
                    provider.asymmetric.generate(spec, &mut FixedBytes::new(&[seed])).unwrap();
                assert_eq!(
                    spki_bits(&pair.public_spki, public.len()),
                    &public[..],
                    "{kind} {name:?}"
                );
                keys += 1;
                pair
            });
            for test in &group.tests {
                if test.result != TestResult::Valid
                    || test.ctx.as_ref().is_some_and(|c| !c.is_empty())
                {
                    continue;
                }
                for (kind, provider) in providers() {
                    if let Some(message) = &test.msg {
                        let input = SignInput { message, message_type: MessageType::Raw };
                        let got = provider.asymmetric.verify(
                            spec,
                            S::MlDsaShake256,
                            &pairs[0].public_spki,
                            input,
                            &test.sig,
                        );
                        assert_eq!(got, Ok(true), "{kind} {name:?} tcId {}", test.tc_id);
                        signatures += 1;
                    }
                    if let (Some(mu), ProviderKind::RustCrypto) = (&test.mu, kind) {
                        let input =
                            SignInput { message: mu, message_type: MessageType::ExternalMu };
                        let got = provider.asymmetric.verify(
                            spec,
                            S::MlDsaShake256,
                            &pairs[0].public_spki,
                            input,
                            &test.sig,
                        );
                        assert_eq!(got, Ok(true), "{kind} {name:?} tcId {} (μ)", test.tc_id);
                        mus += 1;
                    }
                }
            }
        }
        // Every file gives μ for some signatures: a file whose μ all went unchecked fails.
        assert!(
            keys > 0 && signatures > 0 && mus > 0,
            "{name:?}: {keys} keys, {signatures} signatures, {mus} μ"
        );
    }
}

#[test]
fn ml_kem_keygen_wycheproof() {
    use wycheproof::mlkem::{TestName as N, TestSet};
    for (name, spec) in [
        (N::MlKem768KeyGenSeed, KeySpec::KmsimMlKem768),
        (N::MlKem1024KeyGenSeed, KeySpec::KmsimMlKem1024),
    ] {
        let set = TestSet::load(name).unwrap();
        let mut checked = 0;
        for group in &set.test_groups {
            for test in &group.tests {
                let (Some(seed), Some(ek)) = (&test.seed, &test.encaps_key) else { continue };
                for (kind, provider) in providers() {
                    let pair =
                        provider.asymmetric.generate(spec, &mut FixedBytes::new(&[seed])).unwrap();
                    assert_eq!(
                        spki_bits(&pair.public_spki, ek.len()),
                        &ek[..],
                        "{kind} {name:?} tcId {}",
                        test.tc_id
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 0, "{name:?}");
    }
}

/// The DEM key of kmsim's KEM-DEM for ML-KEM `spec` (ARCHITECTURE.md), computed here from the
/// documented format so the test pins the format, not just the code.
fn dem_key(provider: &CryptoProvider, spec: KeySpec, shared: &[u8], kem_ct: &[u8]) -> [u8; 32] {
    let info = [b"kmsim/v1/kem-dem\0".as_slice(), spec.as_str().as_bytes(), b"\0", kem_ct].concat();
    let mut key = [0; 32];
    provider.hkdf_sha256.derive(&[], shared, &info, &mut key).unwrap();
    key
}

/// ML-KEM encapsulation: with Wycheproof's m as the generator's first 32 bytes, the ciphertext
/// begins with Wycheproof's c, and the DEM opens under the key derived from its K.
#[test]
fn ml_kem_encaps_wycheproof() {
    use wycheproof::mlkem::{TestName as N, TestSet};
    for (name, spec) in
        [(N::MlKem768Encaps, KeySpec::KmsimMlKem768), (N::MlKem1024Encaps, KeySpec::KmsimMlKem1024)]
    {
        let set = TestSet::load(name).unwrap();
        let mut checked = 0;
        for group in &set.test_groups {
            for test in &group.tests {
                let (Some(ek), Some(m)) = (&test.encaps_key, &test.msg) else { continue };
                let spki = spki_for(spec, ek);
                for (kind, provider) in providers() {
                    let got = provider.asymmetric.encrypt(
                        spec,
                        EncryptionAlgorithmSpec::KmsimMlKemHkdfAes256Gcm,
                        &spki,
                        b"plaintext",
                        &mut FixedBytes::new(&[m, &[7; 12]]),
                    );
                    let what = format!("{kind} {name:?} tcId {} '{}'", test.tc_id, test.comment);
                    if test.result == TestResult::Invalid {
                        assert_eq!(got, Err(AsymmetricError::Failed), "{what}");
                        continue;
                    }
                    let got = got.unwrap_or_else(|e| panic!("{what}: {e}"));
                    let (c, k) = (test.ct.as_ref().unwrap(), test.shared_secret.as_ref().unwrap());
                    assert_eq!(&got[..c.len()], &c[..], "{what}");
                    let key = dem_key(provider, spec, k, c);
                    let mut body = got[c.len() + 12..].to_vec();
                    provider.aes_256_gcm.open(&key, &[7; 12], &[], &mut body).unwrap();
                    assert_eq!(&body[..9], b"plaintext", "{what}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 0, "{name:?}");
    }
}

/// A DER SPKI around a raw ML-KEM encapsulation key (SEQUENCE { AlgorithmIdentifier, BIT
/// STRING }), built by hand so malformed keys reach the providers.
fn spki_for(spec: KeySpec, ek: &[u8]) -> Vec<u8> {
    let oid_last = if spec == KeySpec::KmsimMlKem768 { 2 } else { 3 };
    let alg = [0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, oid_last];
    let mut bits = vec![0x03];
    der_len(&mut bits, ek.len() + 1);
    bits.push(0);
    bits.extend_from_slice(ek);
    let mut out = vec![0x30];
    der_len(&mut out, alg.len() + bits.len());
    out.extend_from_slice(&alg);
    out.extend_from_slice(&bits);
    out
}

fn der_len(out: &mut Vec<u8>, len: usize) {
    let bytes = u16::try_from(len).unwrap().to_be_bytes();
    out.extend_from_slice(&[0x82, bytes[0], bytes[1]]);
}

/// ML-KEM decapsulation, implicit rejection included: a ciphertext made of Wycheproof's c and
/// a DEM sealed under the key derived from its K decrypts exactly when K is what the provider
/// decapsulates.
#[test]
fn ml_kem_decaps_wycheproof() {
    use wycheproof::mlkem::{TestName as N, TestSet};
    for (name, spec) in
        [(N::MlKem768, KeySpec::KmsimMlKem768), (N::MlKem1024, KeySpec::KmsimMlKem1024)]
    {
        let set = TestSet::load(name).unwrap();
        let (mut valid, mut invalid) = (0, 0);
        for group in &set.test_groups {
            for test in &group.tests {
                let (Some(seed), Some(c)) = (&test.seed, &test.ct) else { continue };
                // Seeds of the wrong length (invalid vectors) cannot come out of `generate`; the
                // seed-form PKCS#8 is built by hand so they reach the providers.
                let private = ml_kem_pkcs8(spec, seed);
                for (kind, provider) in providers() {
                    if seed.len() == 64 {
                        let pair = provider
                            .asymmetric
                            .generate(spec, &mut FixedBytes::new(&[seed]))
                            .unwrap();
                        assert_eq!(pair.private_pkcs8.expose(), &private[..]);
                    }
                    let what = format!("{kind} {name:?} tcId {} '{}'", test.tc_id, test.comment);
                    let mut ciphertext = c.to_vec();
                    ciphertext.extend_from_slice(&[9; 12]);
                    let mut body = b"plaintext".to_vec();
                    if let Some(k) = &test.shared_secret {
                        let key = dem_key(provider, spec, k, c);
                        let tag =
                            provider.aes_256_gcm.seal(&key, &[9; 12], &[], &mut body).unwrap();
                        body.extend_from_slice(&tag);
                    } else {
                        body.extend_from_slice(&[0; 16]);
                    }
                    ciphertext.extend_from_slice(&body);
                    let got = provider.asymmetric.decrypt(
                        spec,
                        EncryptionAlgorithmSpec::KmsimMlKemHkdfAes256Gcm,
                        &private,
                        &ciphertext,
                    );
                    if test.result == TestResult::Valid {
                        assert_eq!(got.unwrap().expose(), b"plaintext", "{what}");
                        valid += 1;
                    } else {
                        assert_eq!(got, Err(AsymmetricError::Failed), "{what}");
                        invalid += 1;
                    }
                }
            }
        }
        assert!(valid > 0, "{name:?}: {valid} valid, {invalid} invalid");
    }
}

/// The seed-form PKCS#8 of an ML-KEM seed (RFC 5958 v1, `[0] IMPLICIT OCTET STRING`), for
/// seeds of any length below 128 bytes.
fn ml_kem_pkcs8(spec: KeySpec, seed: &[u8]) -> Vec<u8> {
    let oid_last = if spec == KeySpec::KmsimMlKem768 { 2 } else { 3 };
    let short = |n: usize| u8::try_from(n).unwrap();
    let mut inner = vec![0x80, short(seed.len())];
    inner.extend_from_slice(seed);
    let mut body = vec![0x02, 0x01, 0x00];
    body.extend_from_slice(&[
        0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, oid_last,
    ]);
    body.push(0x04);
    body.push(short(inner.len()));
    body.extend_from_slice(&inner);
    let mut out = vec![0x30];
    if body.len() < 128 {
        out.push(short(body.len()));
    } else {
        out.extend_from_slice(&[0x81, short(body.len())]);
    }
    out.extend_from_slice(&body);
    out
}

/// The PEM file's DER.
fn pem(file: &str) -> Vec<u8> {
    use base64::Engine as _;
    let path = format!("{}/tests/data/lamps/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD.decode(body).unwrap()
}

/// The IETF LAMPS example keys (seed-form PKCS#8 and SPKI): both providers generate them
/// byte for byte from their seeds, and load them.
#[test]
fn lamps_example_keys() {
    for (stem, spec, seed_len) in [
        ("ML-DSA-44", KeySpec::MlDsa44, 32),
        ("ML-DSA-65", KeySpec::MlDsa65, 32),
        ("ML-DSA-87", KeySpec::MlDsa87, 32),
        ("ML-KEM-768", KeySpec::KmsimMlKem768, 64),
        ("ML-KEM-1024", KeySpec::KmsimMlKem1024, 64),
    ] {
        let private = pem(&format!("{stem}-seed.priv"));
        let public = pem(&format!("{stem}.pub"));
        let seed = &private[private.len() - seed_len..];
        for (kind, provider) in providers() {
            let pair = provider.asymmetric.generate(spec, &mut FixedBytes::new(&[seed])).unwrap();
            assert_eq!(pair.private_pkcs8.expose(), &private[..], "{kind} {stem}: PKCS#8");
            assert_eq!(pair.public_spki, public, "{kind} {stem}: SPKI");
        }
        if seed_len == 32 {
            for (kind, provider) in providers() {
                let input = SignInput { message: b"lamps", message_type: MessageType::Raw };
                let signature = provider
                    .asymmetric
                    .sign(
                        spec,
                        S::MlDsaShake256,
                        &private,
                        input,
                        &mut FixedBytes::new(&[&[0; 32]]),
                    )
                    .unwrap();
                for (_, verifier) in providers() {
                    let ok = verifier.asymmetric.verify(
                        spec,
                        S::MlDsaShake256,
                        &public,
                        input,
                        &signature,
                    );
                    assert_eq!(ok, Ok(true), "{kind} {stem}");
                }
            }
        }
    }
}

/// RFC 8032 §7.3, Ed25519ph "abc": the DIGEST is SHA-512("abc"), signed as given (RustCrypto;
/// aws-lc-rs 1.19 has no Ed25519ph and says so).
#[test]
fn ed25519ph_rfc8032() {
    use sha2::Digest as _;
    let secret =
        hex::decode("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42").unwrap();
    let expected = hex::decode(
        "98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae41\
         31f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406",
    )
    .unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&secret.try_into().unwrap());
    let private = key.to_pkcs8_der().unwrap();
    let public = {
        use pkcs8::EncodePublicKey as _;
        key.verifying_key().to_public_key_der().unwrap().into_vec()
    };
    assert_eq!(
        hex::encode(key.verifying_key().as_bytes()),
        "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf"
    );
    let digest = sha2::Sha512::digest(b"abc");
    let input = SignInput { message: &digest, message_type: MessageType::Digest };
    let rust_crypto = ProviderKind::RustCrypto.provider().asymmetric;
    let signature = rust_crypto
        .sign(
            KeySpec::EccNistEdwards25519,
            S::Ed25519PhSha512,
            private.as_bytes(),
            input,
            &mut FixedBytes::new(&[&[0; 32]]),
        )
        .unwrap();
    assert_eq!(signature, expected);
    assert_eq!(
        rust_crypto.verify(
            KeySpec::EccNistEdwards25519,
            S::Ed25519PhSha512,
            &public,
            input,
            &expected
        ),
        Ok(true)
    );
    // Pure Ed25519 over the same bytes is another signature.
    let raw = SignInput { message: &digest, message_type: MessageType::Raw };
    assert_eq!(
        rust_crypto.verify(KeySpec::EccNistEdwards25519, S::Ed25519Sha512, &public, raw, &expected),
        Ok(false)
    );
    let aws_lc = ProviderKind::AwsLcRs.provider().asymmetric;
    assert!(matches!(
        aws_lc.verify(KeySpec::EccNistEdwards25519, S::Ed25519PhSha512, &public, input, &expected),
        Err(AsymmetricError::Unsupported(_))
    ));
    // The round trip through PKCS#8 decoding, for completeness.
    assert!(ed25519_dalek::SigningKey::from_pkcs8_der(private.as_bytes()).is_ok());
}
