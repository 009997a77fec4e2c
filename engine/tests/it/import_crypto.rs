//! The primitives behind importing key material, in both providers: RSA-OAEP (SHA-1, SHA-256)
//! decryption and AES key wrap with padding against Wycheproof, deterministic RSA key
//! generation, and the `RSA_AES_KEY_WRAP_SHA_*` format crossed between providers.
//!
//! Speed: RSA keys are generated once per size (2048 and 3072) per provider and shared through
//! [`fixture`]; no 4096-bit key is generated, the 4096-bit cases use a Wycheproof key.

use std::sync::OnceLock;

use engine::crypto::wrap::{EPHEMERAL_KEY_LEN, unwrap_rsa_aes, wrap_rsa_aes};
use engine::crypto::{CryptoProvider, OaepHash, ProviderKind, RsaBits, RsaKeyPair};
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng as _, SeedableRng as _};
use wycheproof::rsa_oaep::{TestGroup as OaepGroup, TestName as OaepName};
use wycheproof::{HashFunction, Mgf, TestResult};

fn provider(kind: ProviderKind) -> &'static CryptoProvider {
    kind.provider()
}

/// A generator seeded with `tag` in every byte.
fn seeded(tag: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([tag; 32])
}

/// `len` pseudo-random bytes from `tag`.
fn bytes(tag: u8, len: usize) -> Vec<u8> {
    let mut out = vec![0; len];
    seeded(tag).fill_bytes(&mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// RSA-OAEP against Wycheproof

/// The one documented deviation from Wycheproof: `rsa` 0.10 ignores the first octet of the
/// decoded OAEP block (draft-irtf-cfrg-rsa-guidance §7), so the RustCrypto provider accepts the
/// invalid vector whose first byte is 1 (tcId 23 of each `rsa_oaep_*` file). AWS-LC rejects it.
const RSA_CRATE_ACCEPTS: &str = "First byte is 1";

/// What one provider checked in one Wycheproof set.
#[derive(Debug, Default, PartialEq, Eq)]
struct OaepTally {
    /// Valid vectors decrypted to their message.
    valid: usize,
    /// Invalid vectors rejected.
    invalid: usize,
    /// Vectors encrypted under a non-empty label, rejected: AWS's OAEP uses the empty label.
    labelled: usize,
    /// Invalid vectors accepted as documented at [`RSA_CRATE_ACCEPTS`].
    deviations: usize,
}

fn oaep_hash(group: &OaepGroup) -> Option<OaepHash> {
    let hash = match group.hash {
        HashFunction::Sha1 => OaepHash::Sha1,
        HashFunction::Sha2_256 => OaepHash::Sha256,
        _ => return None,
    };
    let same_mgf = group.mgf == Mgf::Mgf1 && group.mgf_hash == group.hash;
    let aws_size = matches!(group.key_size, 2048 | 3072 | 4096);
    (same_mgf && aws_size).then_some(hash)
}

/// Decrypts every vector of `name` whose group AWS uses (SHA-1 or SHA-256 with MGF1 of the same
/// hash, 2048/3072/4096 bits) with `kind`.
#[track_caller]
fn check_oaep(kind: ProviderKind, name: OaepName) -> OaepTally {
    let set = wycheproof::rsa_oaep::TestSet::load(name).unwrap();
    let rsa = provider(kind).rsa_oaep;
    let mut tally = OaepTally::default();
    for group in &set.test_groups {
        let Some(hash) = oaep_hash(group) else { continue };
        assert_eq!(rsa.modulus_len(&group.pkcs8).unwrap() * 8, group.key_size, "{kind} {name:?}");
        for test in &group.tests {
            let what = format!("{kind} {name:?} tcId {} '{}'", test.tc_id, test.comment);
            let got = rsa.decrypt(&group.pkcs8, hash, &test.ct);
            if !test.label.is_empty() {
                assert!(got.is_err(), "{what}: encrypted under a label; the empty label must fail");
                tally.labelled += 1;
                continue;
            }
            match test.result {
                TestResult::Valid | TestResult::Acceptable => {
                    let got = got.unwrap_or_else(|_| panic!("{what}: must decrypt"));
                    assert_eq!(got.expose(), &test.pt[..], "{what}");
                    tally.valid += 1;
                }
                TestResult::Invalid
                    if kind == ProviderKind::RustCrypto && test.comment == RSA_CRATE_ACCEPTS =>
                {
                    let got = got.unwrap_or_else(|_| {
                        panic!("{what}: rsa no longer accepts this; drop the documented deviation")
                    });
                    assert_eq!(got.expose(), &test.pt[..], "{what}");
                    tally.deviations += 1;
                }
                TestResult::Invalid => {
                    assert!(got.is_err(), "{what}: must be rejected");
                    tally.invalid += 1;
                }
            }
        }
    }
    tally
}

/// Checks `name` in both providers against the expected tallies: `valid`, `invalid` (AWS-LC;
/// RustCrypto has `deviations` fewer), `labelled`.
#[track_caller]
fn check_oaep_both(
    name: OaepName,
    valid: usize,
    invalid: usize,
    labelled: usize,
    deviations: usize,
) {
    assert_eq!(
        check_oaep(ProviderKind::AwsLcRs, name),
        OaepTally { valid, invalid, labelled, deviations: 0 },
        "aws-lc-rs {name:?}"
    );
    assert_eq!(
        check_oaep(ProviderKind::RustCrypto, name),
        OaepTally { valid, invalid: invalid - deviations, labelled, deviations },
        "rustcrypto {name:?}"
    );
}

#[test]
fn rsa_oaep_2048_sha1_wycheproof() {
    check_oaep_both(OaepName::Rsa2048Sha1Mgf1Sha1, 10, 19, 7, 1);
}

#[test]
fn rsa_oaep_2048_sha256_wycheproof() {
    check_oaep_both(OaepName::Rsa2048Sha256Mgf1Sha256, 10, 19, 8, 1);
}

#[test]
fn rsa_oaep_3072_sha256_wycheproof() {
    check_oaep_both(OaepName::Rsa3072Sha256Mgf1Sha256, 10, 19, 8, 1);
}

#[test]
fn rsa_oaep_4096_sha256_wycheproof() {
    check_oaep_both(OaepName::Rsa4096Sha256Mgf1Sha256, 10, 19, 8, 1);
}

/// The misc file is where SHA-1 meets 3072- and 4096-bit keys: 3 valid vectors for each of
/// SHA-1 and SHA-256 at each size.
#[test]
fn rsa_oaep_misc_wycheproof() {
    check_oaep_both(OaepName::RsaMisc, 18, 0, 0, 0);
}

/// The public key derived from a private key is the same DER in both providers (AWS-LC's
/// encoder against the `rsa` crate's), for every Wycheproof key of the AWS sizes.
#[test]
fn public_key_der_agrees_across_providers() {
    let mut keys = 0;
    for name in [
        OaepName::Rsa2048Sha1Mgf1Sha1,
        OaepName::Rsa2048Sha256Mgf1Sha256,
        OaepName::Rsa3072Sha256Mgf1Sha256,
        OaepName::Rsa4096Sha256Mgf1Sha256,
        OaepName::RsaMisc,
    ] {
        let set = wycheproof::rsa_oaep::TestSet::load(name).unwrap();
        for group in set.test_groups.iter().filter(|g| oaep_hash(g).is_some()) {
            let from_lc =
                provider(ProviderKind::AwsLcRs).rsa_oaep.public_key(&group.pkcs8).unwrap();
            let from_rc =
                provider(ProviderKind::RustCrypto).rsa_oaep.public_key(&group.pkcs8).unwrap();
            assert_eq!(from_lc, from_rc, "{name:?} {}-bit key", group.key_size);
            keys += 1;
        }
    }
    assert_eq!(keys, 10, "one key per file, six in the misc file");
}

// ---------------------------------------------------------------------------------------------
// AES-KWP against Wycheproof

#[test]
fn aes_kwp_wycheproof() {
    let set =
        wycheproof::keywrap::TestSet::load(wycheproof::keywrap::TestName::AesKeyWrapWithPadding)
            .unwrap();
    for kind in ProviderKind::ALL {
        let kwp = provider(kind).aes_key_wrap;
        let (mut valid, mut invalid, mut aes_192) = (0, 0, 0);
        for group in &set.test_groups {
            for test in &group.tests {
                let what =
                    format!("{kind} AES-{} tcId {} '{}'", group.key_size, test.tc_id, test.comment);
                if group.key_size == 192 {
                    // Documented: both providers refuse AES-192 key-encryption keys, because
                    // aws-lc-rs' key_wrap has none (see `AesKeyWrap`).
                    assert!(kwp.wrap(&test.key, &test.pt).is_err(), "{what}: AES-192 refused");
                    assert!(kwp.unwrap(&test.key, &test.ct).is_err(), "{what}: AES-192 refused");
                    aes_192 += 1;
                    continue;
                }
                let unwrapped = kwp.unwrap(&test.key, &test.ct);
                match test.result {
                    TestResult::Valid | TestResult::Acceptable => {
                        assert_eq!(kwp.wrap(&test.key, &test.pt).unwrap(), &test.ct[..], "{what}");
                        let unwrapped = unwrapped.unwrap_or_else(|_| panic!("{what}: must unwrap"));
                        assert_eq!(unwrapped.expose(), &test.pt[..], "{what}");
                        valid += 1;
                    }
                    TestResult::Invalid => {
                        assert!(unwrapped.is_err(), "{what}: must be rejected");
                        invalid += 1;
                    }
                }
            }
        }
        assert_eq!((valid, invalid, aes_192), (50, 119, 85), "{kind}: AES-128 + AES-256 vectors");
    }
}

// ---------------------------------------------------------------------------------------------
// Differential: key generation, OAEP and KWP crossed between providers

/// The generator a fixture key of `bits` is drawn from.
fn key_rng(bits: RsaBits) -> ChaCha20Rng {
    seeded(match bits {
        RsaBits::Rsa2048 => 0x20,
        RsaBits::Rsa3072 => 0x30,
        RsaBits::Rsa4096 => 0x40,
    })
}

/// A wrapping key pair of `bits` generated once by the RustCrypto provider from
/// [`key_rng`], and the generator's next `u64` afterwards. 4096 bits is a Wycheproof key
/// instead (generating one can take seconds), with no generator state.
fn fixture(bits: RsaBits) -> &'static (RsaKeyPair, Option<u64>) {
    static KEYS: [OnceLock<(RsaKeyPair, Option<u64>)>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let index = RsaBits::ALL.iter().position(|b| *b == bits).unwrap();
    KEYS[index].get_or_init(|| {
        if bits == RsaBits::Rsa4096 {
            let set =
                wycheproof::rsa_oaep::TestSet::load(OaepName::Rsa4096Sha256Mgf1Sha256).unwrap();
            let private = set.test_groups[0].pkcs8.to_vec();
            let rsa = provider(ProviderKind::RustCrypto).rsa_oaep;
            let public_spki = rsa.public_key(&private).unwrap();
            return (RsaKeyPair { private_pkcs8: private.into(), public_spki }, None);
        }
        let mut rng = key_rng(bits);
        let pair = provider(ProviderKind::RustCrypto).rsa_oaep.generate(bits, &mut rng).unwrap();
        (pair, Some(rng.next_u64()))
    })
}

/// Same generator, either provider: the same key pair, and the generator left in the same
/// state. Both keys parse in both providers and have the right size.
#[test]
fn rsa_key_generation_is_deterministic_and_provider_independent() {
    for bits in [RsaBits::Rsa2048, RsaBits::Rsa3072] {
        let (expected, next) = fixture(bits);
        let mut rng = key_rng(bits);
        let pair = provider(ProviderKind::AwsLcRs).rsa_oaep.generate(bits, &mut rng).unwrap();
        assert_eq!(&pair, expected, "{bits:?}: aws-lc-rs and RustCrypto keys differ");
        assert_eq!(Some(rng.next_u64()), *next, "{bits:?}: generator state after generation");
        assert_eq!(format!("{pair:?}").matches("Redacted").count(), 1, "private key redacted");
        for kind in ProviderKind::ALL {
            let rsa = provider(kind).rsa_oaep;
            assert_eq!(rsa.modulus_len(pair.private_pkcs8.expose()).unwrap(), bits.modulus_len());
            assert_eq!(rsa.public_key(pair.private_pkcs8.expose()).unwrap(), pair.public_spki);
        }
        // DER SEQUENCE with a two-byte length, rsaEncryption (1.2.840.113549.1.1.1) inside.
        let rsa_encryption = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
        for der in [pair.private_pkcs8.expose(), pair.public_spki.as_slice()] {
            assert_eq!(der[..2], [0x30, 0x82], "{bits:?}");
            assert!(der.windows(rsa_encryption.len()).any(|w| w == rsa_encryption), "{bits:?}");
        }
    }
    let (k2048, _) = fixture(RsaBits::Rsa2048);
    let (k3072, _) = fixture(RsaBits::Rsa3072);
    assert_ne!(k2048.public_spki, k3072.public_spki);
}

/// What either provider encrypts, both decrypt; the ciphertexts are byte-identical for the
/// same generator (both encrypt with the `rsa` crate). Wrong hash, wrong key and oversized
/// plaintexts fail alike.
#[test]
fn rsa_oaep_crosses_providers() {
    for bits in RsaBits::ALL {
        let (pair, _) = fixture(bits);
        let (other, _) =
            fixture(if bits == RsaBits::Rsa2048 { RsaBits::Rsa3072 } else { RsaBits::Rsa2048 });
        for hash in OaepHash::ALL {
            let max = hash.max_plaintext_len(bits);
            for len in [1, EPHEMERAL_KEY_LEN, max] {
                let what = format!("{bits:?} {hash:?} {len} B");
                let plaintext = bytes(7, len);
                let ciphertexts = ProviderKind::ALL.map(|kind| {
                    provider(kind)
                        .rsa_oaep
                        .encrypt(&pair.public_spki, hash, &plaintext, &mut seeded(9))
                        .unwrap()
                });
                assert_eq!(ciphertexts[0], ciphertexts[1], "{what}: same generator, same bytes");
                let ciphertext = &ciphertexts[0];
                assert_eq!(ciphertext.len(), bits.modulus_len(), "{what}");
                let wrong_hash =
                    if hash == OaepHash::Sha1 { OaepHash::Sha256 } else { OaepHash::Sha1 };
                for kind in ProviderKind::ALL {
                    let rsa = provider(kind).rsa_oaep;
                    let private = pair.private_pkcs8.expose();
                    let opened = rsa.decrypt(private, hash, ciphertext).unwrap();
                    assert_eq!(opened.expose(), plaintext.as_slice(), "{kind} {what}");
                    assert!(rsa.decrypt(private, wrong_hash, ciphertext).is_err(), "{kind} {what}");
                    assert!(
                        rsa.decrypt(other.private_pkcs8.expose(), hash, ciphertext).is_err(),
                        "{kind} {what}: another key"
                    );
                    let mut flipped = ciphertext.clone();
                    flipped[len % ciphertext.len()] ^= 0x10;
                    assert!(rsa.decrypt(private, hash, &flipped).is_err(), "{kind} {what}: flip");
                }
            }
            let too_long = bytes(8, max + 1);
            for kind in ProviderKind::ALL {
                let sealed = provider(kind).rsa_oaep.encrypt(
                    &pair.public_spki,
                    hash,
                    &too_long,
                    &mut seeded(1),
                );
                assert!(sealed.is_err(), "{kind} {bits:?} {hash:?}: {} B is too long", max + 1);
            }
        }
    }
    for kind in ProviderKind::ALL {
        let rsa = provider(kind).rsa_oaep;
        assert!(
            rsa.encrypt(b"not a key", OaepHash::Sha256, b"x", &mut seeded(1)).is_err(),
            "{kind}"
        );
        assert!(rsa.decrypt(b"not a key", OaepHash::Sha256, &[0; 256]).is_err(), "{kind}");
        assert!(rsa.modulus_len(b"not a key").is_err(), "{kind}");
        assert!(rsa.public_key(b"not a key").is_err(), "{kind}");
    }
}

/// KWP is deterministic, so both providers wrap to the same bytes; each unwraps the other's;
/// a flipped byte fails; shapes outside the format fail in both.
#[test]
fn aes_kwp_crosses_providers() {
    let [lc, rc] = ProviderKind::ALL.map(|kind| provider(kind).aes_key_wrap);
    for kek_len in [16, 32] {
        for key_len in 1..=72 {
            let what = format!("AES-{} KEK, {key_len} B key", kek_len * 8);
            let kek = bytes(1, kek_len);
            let key = bytes(u8::try_from(key_len).unwrap(), key_len);
            let wrapped = lc.wrap(&kek, &key).unwrap();
            assert_eq!(rc.wrap(&kek, &key).unwrap(), wrapped, "{what}");
            assert_eq!(wrapped.len(), key_len.div_ceil(8) * 8 + 8, "{what}");
            for kwp in [lc, rc] {
                assert_eq!(kwp.unwrap(&kek, &wrapped).unwrap().expose(), key.as_slice(), "{what}");
                let mut flipped = wrapped.clone();
                flipped[key_len % wrapped.len()] ^= 1;
                assert!(kwp.unwrap(&kek, &flipped).is_err(), "{what}: flipped");
                assert!(kwp.unwrap(&bytes(2, kek_len), &wrapped).is_err(), "{what}: other KEK");
            }
        }
    }
    let key = bytes(3, 32);
    for (name, kwp) in [("aws-lc-rs", lc), ("rustcrypto", rc)] {
        for kek_len in [0, 15, 24, 33, 64] {
            assert!(kwp.wrap(&bytes(1, kek_len), &key).is_err(), "{name}: {kek_len} B KEK");
            assert!(kwp.unwrap(&bytes(1, kek_len), &[0; 40]).is_err(), "{name}: {kek_len} B KEK");
        }
        assert!(kwp.wrap(&bytes(1, 32), &[]).is_err(), "{name}: empty key");
        for wrapped_len in [0, 8, 15, 17, 39] {
            assert!(
                kwp.unwrap(&bytes(1, 32), &vec![0; wrapped_len]).is_err(),
                "{name}: {wrapped_len} B"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// RSA_AES_KEY_WRAP_SHA_1 / _SHA_256

/// Key material as ImportKeyMaterial receives it: 32 bytes for SYMMETRIC_DEFAULT, 64 for an
/// HMAC key, and an odd length for the KWP padding.
const MATERIAL_LENS: [usize; 3] = [32, 64, 45];

/// Wrap with either provider, unwrap with either, for each hash and key size; the layout is
/// `modulus_len` bytes of OAEP then the KWP wrapping.
#[test]
fn rsa_aes_key_wrap_crosses_providers() {
    for bits in RsaBits::ALL {
        let (pair, _) = fixture(bits);
        let private = pair.private_pkcs8.expose();
        for hash in OaepHash::ALL {
            for material_len in MATERIAL_LENS {
                let what = format!("{bits:?} {hash:?} {material_len} B");
                let material = bytes(5, material_len);
                let blobs = ProviderKind::ALL.map(|kind| {
                    wrap_rsa_aes(provider(kind), &pair.public_spki, hash, &material, &mut seeded(6))
                        .unwrap()
                });
                assert_eq!(blobs[0], blobs[1], "{what}: same generator, same bytes");
                let blob = &blobs[0];
                let kwp_len = material_len.div_ceil(8) * 8 + 8;
                assert_eq!(blob.len(), bits.modulus_len() + kwp_len, "{what}");
                for kind in ProviderKind::ALL {
                    let unwrapped = unwrap_rsa_aes(provider(kind), private, hash, blob).unwrap();
                    assert_eq!(unwrapped.expose(), material.as_slice(), "{kind} {what}");
                }
            }
        }
    }
}

/// The format built by hand from the primitives (what AWS's OpenSSL instructions do), with an
/// AES-256 and an AES-128 ephemeral key, unwraps in both providers; the reverse order does not.
#[test]
fn rsa_aes_key_wrap_layout_is_oaep_then_kwp() {
    let (pair, _) = fixture(RsaBits::Rsa2048);
    let material = bytes(11, 32);
    for hash in OaepHash::ALL {
        for kek_len in [32, 16] {
            let kek = bytes(12, kek_len);
            let lc = provider(ProviderKind::AwsLcRs);
            let rsa_part =
                lc.rsa_oaep.encrypt(&pair.public_spki, hash, &kek, &mut seeded(13)).unwrap();
            let kwp_part = lc.aes_key_wrap.wrap(&kek, &material).unwrap();
            let blob = [rsa_part.as_slice(), &kwp_part].concat();
            let reversed = [kwp_part.as_slice(), &rsa_part].concat();
            for kind in ProviderKind::ALL {
                let p = provider(kind);
                let private = pair.private_pkcs8.expose();
                let unwrapped = unwrap_rsa_aes(p, private, hash, &blob).unwrap();
                assert_eq!(
                    unwrapped.expose(),
                    material.as_slice(),
                    "{kind} {hash:?} AES-{}",
                    kek_len * 8
                );
                assert!(unwrap_rsa_aes(p, private, hash, &reversed).is_err(), "{kind} {hash:?}");
            }
        }
    }
}

/// Every way a blob can be wrong fails, in both providers, with the same opaque error.
#[test]
fn rsa_aes_key_wrap_rejects_tampering() {
    let (pair, _) = fixture(RsaBits::Rsa2048);
    let (other, _) = fixture(RsaBits::Rsa3072);
    let k = RsaBits::Rsa2048.modulus_len();
    let material = bytes(21, 32);
    for hash in OaepHash::ALL {
        let wrong_hash = if hash == OaepHash::Sha1 { OaepHash::Sha256 } else { OaepHash::Sha1 };
        let blob = wrap_rsa_aes(
            provider(ProviderKind::AwsLcRs),
            &pair.public_spki,
            hash,
            &material,
            &mut seeded(22),
        )
        .unwrap();
        let mut rsa_flipped = blob.clone();
        rsa_flipped[k / 2] ^= 0x01;
        let mut kwp_flipped = blob.clone();
        kwp_flipped[k + 3] ^= 0x01;
        let cases: [(&str, &[u8], &[u8], OaepHash); 8] = [
            ("wrong hash", pair.private_pkcs8.expose(), &blob, wrong_hash),
            ("other key", other.private_pkcs8.expose(), &blob, hash),
            ("RSA part flipped", pair.private_pkcs8.expose(), &rsa_flipped, hash),
            ("KWP part flipped", pair.private_pkcs8.expose(), &kwp_flipped, hash),
            ("one byte short", pair.private_pkcs8.expose(), &blob[..blob.len() - 1], hash),
            ("RSA part only", pair.private_pkcs8.expose(), &blob[..k], hash),
            ("shorter than the modulus", pair.private_pkcs8.expose(), &blob[..k - 1], hash),
            ("not a key", b"not a key", &blob, hash),
        ];
        for kind in ProviderKind::ALL {
            for (case, private, blob, hash) in cases {
                assert!(
                    unwrap_rsa_aes(provider(kind), private, hash, blob).is_err(),
                    "{kind} {case}"
                );
            }
        }
    }
}
