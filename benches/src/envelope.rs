//! `envelope/…`: protecting a volume of data three ways, with the default provider:
//!
//! - `direct-encrypt`: an engine Encrypt per 4 KiB chunk (Encrypt takes at most 4 KiB);
//! - `envelope`: one GenerateDataKey per 1 MiB object, then local AES-256-GCM of the object;
//! - `envelope+cache`: one GenerateDataKey for the whole volume (a data-key cache that allows
//!   1,000 objects per key), then local AES-256-GCM per object.
//!
//! Each iteration protects the whole volume and asserts how many KMS calls it made.
//! Volumes of 1 MiB and 64 MiB are measured; 1 GiB is 16 × the 64 MiB figure (every
//! strategy is linear in the volume beyond one object), stated as such in curated results.

use std::hint::black_box;

use ::engine::api::{EncryptRequest, GenerateDataKeyRequest};
use ::engine::crypto::ProviderKind;
use ::engine::spec::DataKeySpec;
use criterion::{BenchmarkId, Criterion, Throughput};

/// Encrypt's largest plaintext [bytes].
const CHUNK: usize = 4_096;
/// The object size of the envelope strategies [bytes].
const OBJECT: usize = 1 << 20;
/// Objects one cached data key may encrypt.
const CACHE_MESSAGES: usize = 1_000;

pub(crate) fn define(c: &mut Criterion) {
    let provider = ProviderKind::default();
    let aead = provider.provider().aes_256_gcm;
    let mut group = c.benchmark_group("envelope");
    group.sample_size(10);
    for (volume, label) in [(1usize << 20, "1MiB"), (64 << 20, "64MiB")] {
        group.throughput(Throughput::Bytes(volume as u64));
        let (mut kms, ctx, key) =
            crate::engine::engine(provider, ::engine::audit::AuditSink::CountOnly);
        let data = vec![0x3cu8; volume];
        group.bench_function(BenchmarkId::new("direct-encrypt", label), |b| {
            b.iter(|| {
                let mut calls = 0usize;
                for chunk in data.chunks(CHUNK) {
                    let sealed = kms
                        .encrypt(&ctx, EncryptRequest::new(key, black_box(chunk).to_vec()))
                        .unwrap();
                    assert!(sealed.ciphertext_blob.len() > chunk.len());
                    calls += 1;
                }
                assert_eq!(calls, volume / CHUNK);
            });
        });
        let mut buffer = data.clone();
        group.bench_function(BenchmarkId::new("envelope", label), |b| {
            b.iter(|| {
                let mut calls = 0usize;
                for object in buffer.chunks_mut(OBJECT) {
                    let data_key = kms
                        .generate_data_key(
                            &ctx,
                            GenerateDataKeyRequest::new(key, DataKeySpec::Aes256),
                        )
                        .unwrap();
                    calls += 1;
                    let dek: [u8; 32] = data_key.plaintext.expose().try_into().unwrap();
                    let tag = aead.seal(&dek, &[0u8; 12], b"", black_box(object)).unwrap();
                    assert_ne!(tag, [0u8; 16]);
                }
                assert_eq!(calls, volume / OBJECT);
            });
        });
        group.bench_function(BenchmarkId::new("envelope+cache", label), |b| {
            b.iter(|| {
                let mut calls = 0usize;
                let mut dek = [0u8; 32];
                for (index, object) in buffer.chunks_mut(OBJECT).enumerate() {
                    if index % CACHE_MESSAGES == 0 {
                        let data_key = kms
                            .generate_data_key(
                                &ctx,
                                GenerateDataKeyRequest::new(key, DataKeySpec::Aes256),
                            )
                            .unwrap();
                        dek = data_key.plaintext.expose().try_into().unwrap();
                        calls += 1;
                    }
                    // One key, many objects: each object gets its own nonce.
                    let mut nonce = [0u8; 12];
                    nonce[..8].copy_from_slice(&(index as u64).to_le_bytes());
                    let tag = aead.seal(&dek, &nonce, b"", black_box(object)).unwrap();
                    assert_ne!(tag, [0u8; 16]);
                }
                assert_eq!(calls, volume.div_ceil(OBJECT * CACHE_MESSAGES));
            });
        });
    }
    group.finish();
}
