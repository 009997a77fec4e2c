//! Properties of the symmetric data plane over random plaintexts, contexts and bit flips.

use engine::api::*;
use engine::crypto::ProviderKind;
use engine::crypto::blob::EncryptionContext;
use engine::{Engine, ErrorKind};
use proptest::prelude::*;

use crate::support::*;

fn arb_context() -> impl Strategy<Value = EncryptionContext> {
    proptest::collection::btree_map(".{0,12}", ".{0,24}", 0..5).prop_map(EncryptionContext::from)
}

fn arb_plaintext() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 1..=4096)
}

fn setup(provider: ProviderKind) -> (Engine, engine::KeyId, engine::KeyId) {
    let mut kms = engine_with(provider, 77);
    let ctx = alice();
    let a = symmetric_key(&mut kms, &ctx);
    let b = symmetric_key(&mut kms, &ctx);
    (kms, a, b)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn decrypt_inverts_encrypt(plaintext in arb_plaintext(), ec in arb_context(), lc in any::<bool>()) {
        let provider = if lc { ProviderKind::AwsLcRs } else { ProviderKind::RustCrypto };
        let (mut kms, key, _) = setup(provider);
        let ctx = alice();
        let blob = kms.encrypt(&ctx, EncryptRequest::new(key, plaintext.as_slice()).with_encryption_context(ec.clone())).unwrap().ciphertext_blob;
        let opened = kms.decrypt(&ctx, DecryptRequest::new(blob).with_encryption_context(ec)).unwrap();
        prop_assert_eq!(opened.plaintext.expose(), plaintext.as_slice());
    }

    #[test]
    fn re_encrypt_preserves_the_plaintext(plaintext in arb_plaintext(), source_ec in arb_context(), destination_ec in arb_context()) {
        let (mut kms, a, b) = setup(ProviderKind::default());
        let ctx = alice();
        let blob = kms.encrypt(&ctx, EncryptRequest::new(a, plaintext.as_slice()).with_encryption_context(source_ec.clone())).unwrap().ciphertext_blob;
        let moved = kms.re_encrypt(&ctx, ReEncryptRequest::new(blob, b)
            .with_source_encryption_context(source_ec)
            .with_destination_encryption_context(destination_ec.clone())).unwrap();
        prop_assert_eq!(moved.key_id.key_id, b);
        let opened = kms.decrypt(&ctx, DecryptRequest::new(moved.ciphertext_blob).with_encryption_context(destination_ec)).unwrap();
        prop_assert_eq!(opened.plaintext.expose(), plaintext.as_slice());
    }

    #[test]
    fn any_flipped_bit_is_invalid_ciphertext(plaintext in arb_plaintext(), ec in arb_context(), bit in any::<usize>()) {
        let (mut kms, key, _) = setup(ProviderKind::default());
        let ctx = alice();
        let mut blob = kms.encrypt(&ctx, EncryptRequest::new(key, plaintext.as_slice()).with_encryption_context(ec.clone())).unwrap().ciphertext_blob;
        let bit = bit % (blob.len() * 8);
        blob[bit / 8] ^= 1 << (bit % 8);
        let e = kms.decrypt(&ctx, DecryptRequest::new(blob).with_encryption_context(ec)).unwrap_err();
        prop_assert_eq!(e.kind, ErrorKind::InvalidCiphertext);
    }
}

/// Every single bit of a blob, exhaustively, for both providers: a flip anywhere (header,
/// salt, nonce, body, tag) is InvalidCiphertextException, never a panic or a wrong plaintext.
#[test]
fn every_bit_of_a_blob_is_authenticated() {
    for provider in ProviderKind::ALL {
        let (mut kms, key, _) = setup(provider);
        let ctx = alice();
        let ec = context(&[("k", "v")]);
        let blob = kms
            .encrypt(
                &ctx,
                EncryptRequest::new(key, "twenty bytes of data")
                    .with_encryption_context(ec.clone()),
            )
            .unwrap()
            .ciphertext_blob;
        for bit in 0..blob.len() * 8 {
            let mut flipped = blob.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let e = kms
                .decrypt(&ctx, DecryptRequest::new(flipped).with_encryption_context(ec.clone()))
                .unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidCiphertext, "{provider}: bit {bit}");
        }
        // Truncations too.
        for len in 1..blob.len() {
            let e = kms
                .decrypt(
                    &ctx,
                    DecryptRequest::new(&blob[..len]).with_encryption_context(ec.clone()),
                )
                .unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidCiphertext, "{provider}: truncated to {len}");
        }
    }
}

/// The bug every existing emulator has: concatenated context pairs collide.
#[test]
fn contexts_that_concatenate_alike_do_not_collide() {
    let (mut kms, key, _) = setup(ProviderKind::default());
    let ctx = alice();
    let blob = kms
        .encrypt(
            &ctx,
            EncryptRequest::new(key, "x").with_encryption_context(context(&[("ab", "c")])),
        )
        .unwrap()
        .ciphertext_blob;
    let e = kms
        .decrypt(
            &ctx,
            DecryptRequest::new(blob.clone()).with_encryption_context(context(&[("a", "bc")])),
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidCiphertext);
    let e = kms
        .decrypt(
            &ctx,
            DecryptRequest::new(blob.clone()).with_encryption_context(context(&[("abc", "")])),
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidCiphertext);
    kms.decrypt(&ctx, DecryptRequest::new(blob).with_encryption_context(context(&[("ab", "c")])))
        .unwrap();
}
