//! Known-answer tests of both crypto providers (Wycheproof AES-GCM, RFC 4231 HMAC, RFC 5869
//! HKDF) and differential tests between them.

use engine::api::*;
use engine::crypto::ProviderKind;
use engine::spec::{KeySpec, MacAlgorithmSpec};
use wycheproof::TestResult;

use crate::support::*;

/// Parses a file of `name = hex` blocks separated by blank lines (`#` lines are comments).
fn blocks(text: &str) -> Vec<Vec<(&str, &str)>> {
    text.split("\n\n")
        .map(|block| {
            block
                .lines()
                .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
                .map(|line| {
                    line.split_once(" = ").unwrap_or_else(|| (line.trim_end_matches(" ="), ""))
                })
                .map(|(k, v)| (k.trim(), v.trim()))
                .collect::<Vec<_>>()
        })
        .filter(|block| !block.is_empty())
        .collect()
}

fn field<'a>(block: &[(&str, &'a str)], name: &str) -> &'a str {
    block
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| *v)
        .unwrap_or_else(|| panic!("no {name} in {block:?}"))
}

fn bytes(block: &[(&str, &str)], name: &str) -> Vec<u8> {
    hex::decode(field(block, name)).unwrap()
}

#[test]
fn aes_256_gcm_wycheproof() {
    let set = wycheproof::aead::TestSet::load(wycheproof::aead::TestName::AesGcm).unwrap();
    for provider in ProviderKind::ALL {
        let aead = provider.provider().aes_256_gcm;
        let mut checked = 0;
        for group in set
            .test_groups
            .iter()
            .filter(|g| g.key_size == 256 && g.nonce_size == 96 && g.tag_size == 128)
        {
            for test in &group.tests {
                let key: &[u8; 32] = test.key.as_ref().try_into().unwrap();
                let nonce: &[u8; 12] = test.nonce.as_ref().try_into().unwrap();
                let mut sealed = test.pt.to_vec();
                let tag = aead.seal(key, nonce, &test.aad, &mut sealed).unwrap();
                let mut opened = [test.ct.as_ref(), test.tag.as_ref()].concat();
                let open_result = aead.open(key, nonce, &test.aad, &mut opened);
                match test.result {
                    TestResult::Valid | TestResult::Acceptable => {
                        assert_eq!(
                            sealed,
                            test.ct.as_ref(),
                            "{provider} tcId {} ciphertext",
                            test.tc_id
                        );
                        assert_eq!(
                            tag.as_slice(),
                            test.tag.as_ref(),
                            "{provider} tcId {} tag",
                            test.tc_id
                        );
                        assert!(open_result.is_ok(), "{provider} tcId {} must open", test.tc_id);
                        assert_eq!(
                            &opened[..test.pt.len()],
                            test.pt.as_ref(),
                            "{provider} tcId {}",
                            test.tc_id
                        );
                    }
                    TestResult::Invalid => {
                        assert!(
                            open_result.is_err(),
                            "{provider} tcId {} must not open",
                            test.tc_id
                        );
                    }
                }
                checked += 1;
            }
        }
        assert!(checked >= 60, "{provider}: only {checked} AES-256-GCM vectors checked");
    }
}

#[test]
fn hmac_rfc4231() {
    let vectors = blocks(include_str!("../data/rfc4231_hmac.txt"));
    assert_eq!(vectors.len(), 28, "7 cases x 4 algorithms");
    for provider in ProviderKind::ALL {
        let hmac = provider.provider().hmac;
        for v in &vectors {
            let algorithm: MacAlgorithmSpec = field(v, "alg").parse().unwrap();
            let (key, data, expected) = (bytes(v, "key"), bytes(v, "data"), bytes(v, "mac"));
            let mac = hmac.sign(algorithm, &key, &data);
            let what = format!("{provider} {algorithm} case {}", field(v, "case"));
            assert_eq!(&mac[..expected.len()], expected.as_slice(), "{what}");
            assert!(hmac.verify(algorithm, &key, &data, &mac), "{what}: own MAC verifies");
            let mut wrong = mac.clone();
            wrong[0] ^= 1;
            assert!(!hmac.verify(algorithm, &key, &data, &wrong), "{what}: flipped MAC fails");
            assert!(
                !hmac.verify(algorithm, &key, &data, &mac[..mac.len() - 1]),
                "{what}: short MAC fails"
            );
        }
    }
}

#[test]
fn hkdf_sha256_rfc5869() {
    let vectors = blocks(include_str!("../data/rfc5869_hkdf.txt"));
    assert_eq!(vectors.len(), 3);
    for provider in ProviderKind::ALL {
        for v in &vectors {
            let expected = bytes(v, "okm");
            assert_eq!(expected.len(), field(v, "length").parse::<usize>().unwrap());
            let mut okm = vec![0u8; expected.len()];
            provider
                .provider()
                .hkdf_sha256
                .derive(&bytes(v, "salt"), &bytes(v, "ikm"), &bytes(v, "info"), &mut okm)
                .unwrap();
            assert_eq!(okm, expected, "{provider} case {}", field(v, "case"));
        }
    }
}

/// Same seed, different providers: the keys are the same, so each provider's ciphertexts and
/// MACs must be byte-identical and each must open the other's.
#[test]
fn providers_agree_byte_for_byte() {
    let mut lc = engine_with(ProviderKind::AwsLcRs, 99);
    let mut rc = engine_with(ProviderKind::RustCrypto, 99);
    let ctx = alice();
    let key = symmetric_key(&mut lc, &ctx);
    assert_eq!(symmetric_key(&mut rc, &ctx), key);
    let mac_key = hmac_key(&mut lc, &ctx, KeySpec::Hmac384);
    assert_eq!(hmac_key(&mut rc, &ctx, KeySpec::Hmac384), mac_key);

    let ec = context(&[("tenant", "acme"), ("purpose", "diff")]);
    for len in [1_u32, 31, 32, 33, 1000, 4096] {
        let plaintext: Vec<u8> = (0..len).map(|i| u8::try_from(i * 7 % 251).unwrap()).collect();
        let request =
            EncryptRequest::new(key, plaintext.as_slice()).with_encryption_context(ec.clone());
        let from_lc = lc.encrypt(&ctx, request.clone()).unwrap().ciphertext_blob;
        let from_rc = rc.encrypt(&ctx, request).unwrap().ciphertext_blob;
        assert_eq!(from_lc, from_rc, "{len} B: same key, salt and nonce give the same blob");
        // Each provider opens what the other sealed (a fresh blob from each, crossed over).
        let from_lc2 = lc
            .encrypt(
                &ctx,
                EncryptRequest::new(key, plaintext.as_slice()).with_encryption_context(ec.clone()),
            )
            .unwrap();
        let opened = rc
            .decrypt(
                &ctx,
                DecryptRequest::new(from_lc2.ciphertext_blob).with_encryption_context(ec.clone()),
            )
            .unwrap();
        assert_eq!(opened.plaintext.expose(), plaintext.as_slice());
        let from_rc2 = rc
            .encrypt(
                &ctx,
                EncryptRequest::new(key, plaintext.as_slice()).with_encryption_context(ec.clone()),
            )
            .unwrap();
        let opened = lc
            .decrypt(
                &ctx,
                DecryptRequest::new(from_rc2.ciphertext_blob).with_encryption_context(ec.clone()),
            )
            .unwrap();
        assert_eq!(opened.plaintext.expose(), plaintext.as_slice());

        let mac = lc
            .generate_mac(
                &ctx,
                GenerateMacRequest::new(
                    mac_key,
                    plaintext.as_slice(),
                    MacAlgorithmSpec::HmacSha384,
                ),
            )
            .unwrap()
            .mac;
        rc.verify_mac(
            &ctx,
            VerifyMacRequest::new(
                mac_key,
                plaintext.as_slice(),
                MacAlgorithmSpec::HmacSha384,
                mac.clone(),
            ),
        )
        .unwrap();
        assert_eq!(
            rc.generate_mac(
                &ctx,
                GenerateMacRequest::new(
                    mac_key,
                    plaintext.as_slice(),
                    MacAlgorithmSpec::HmacSha384
                )
            )
            .unwrap()
            .mac,
            mac
        );
    }
}
