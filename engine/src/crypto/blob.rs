//! The symmetric ciphertext blob, format version 1.
//!
//! ```text
//! offset  size  field                                   (integers big-endian)
//!      0     1  format version = 0x01
//!      1     1  flags: bit 0 set = multi-Region key id; other bits zero
//!      2    16  key id
//!     18    32  key material id
//!     50    16  salt: random per request, the HKDF salt
//!     66    12  nonce: random per request, the AES-GCM nonce
//!     78     n  AES-256-GCM ciphertext of the n plaintext bytes
//!   78+n    16  AES-GCM tag
//! ```
//!
//! The data-encryption key is `HKDF-SHA-256(salt, key material, info = "kmsim/v1/dek")`,
//! fresh for every request, so the 2^32-messages-per-key limit of random 96-bit GCM nonces
//! never binds however many requests a KMS key serves.
//! The AAD is the 78-byte header followed by the canonical encoding of the encryption
//! context ([`encode_context`]), so the header cannot be altered and a context must match
//! exactly.

use std::collections::BTreeMap;
use std::sync::Arc;

use zeroize::Zeroizing;

use super::{CryptoError, CryptoProvider};
use crate::id::{KeyId, KeyMaterialId};
use crate::secret::Plaintext;

/// The current format version.
pub const FORMAT_VERSION: u8 = 0x01;
/// Header length [bytes]: everything before the ciphertext.
pub const HEADER_LEN: usize = 78;
/// AES-GCM tag length [bytes].
pub const TAG_LEN: usize = 16;
/// Bytes a blob adds to its plaintext.
pub const OVERHEAD: usize = HEADER_LEN + TAG_LEN;

const FLAG_MULTI_REGION: u8 = 0b0000_0001;
const DEK_INFO: &[u8] = b"kmsim/v1/dek";

/// An encryption context: string pairs, kept sorted, so iteration is canonical.
///
/// Shared, not copied: cloning one counts a reference, so a caller that sends the same
/// context with every request (a simulated tenant, a server's hot key) pays no allocation
/// for it. An empty context allocates nothing. Reads go through `Deref` to the map.
#[derive(Clone, Default)]
pub struct EncryptionContext(Option<Arc<BTreeMap<String, String>>>);

/// What an empty context reads as.
static NO_PAIRS: BTreeMap<String, String> = BTreeMap::new();

impl EncryptionContext {
    /// The empty context.
    #[must_use]
    pub const fn new() -> Self {
        Self(None)
    }

    /// Adds a pair, returning the value it replaces. Copies the pairs first if another
    /// holder shares them.
    pub fn insert(&mut self, key: String, value: String) -> Option<String> {
        Arc::make_mut(self.0.get_or_insert_with(Arc::default)).insert(key, value)
    }
}

impl std::ops::Deref for EncryptionContext {
    type Target = BTreeMap<String, String>;

    fn deref(&self) -> &Self::Target {
        self.0.as_deref().unwrap_or(&NO_PAIRS)
    }
}

impl PartialEq for EncryptionContext {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for EncryptionContext {}

impl std::fmt::Debug for EncryptionContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl From<BTreeMap<String, String>> for EncryptionContext {
    fn from(pairs: BTreeMap<String, String>) -> Self {
        if pairs.is_empty() { Self::new() } else { Self(Some(Arc::new(pairs))) }
    }
}

impl<const N: usize> From<[(String, String); N]> for EncryptionContext {
    fn from(pairs: [(String, String); N]) -> Self {
        BTreeMap::from(pairs).into()
    }
}

impl FromIterator<(String, String)> for EncryptionContext {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        pairs.into_iter().collect::<BTreeMap<_, _>>().into()
    }
}

impl<'a> IntoIterator for &'a EncryptionContext {
    type Item = (&'a String, &'a String);
    type IntoIter = std::collections::btree_map::Iter<'a, String, String>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl serde::Serialize for EncryptionContext {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

/// The authenticated, cleartext part of a blob.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlobHeader {
    /// The key that encrypted the blob.
    pub key_id: KeyId,
    /// The version of that key's material that encrypted it.
    pub key_material_id: KeyMaterialId,
    /// The HKDF salt.
    pub salt: [u8; 16],
    /// The AES-GCM nonce.
    pub nonce: [u8; 12],
}

impl BlobHeader {
    fn to_bytes(self) -> [u8; HEADER_LEN] {
        let mut bytes = [0u8; HEADER_LEN];
        bytes[0] = FORMAT_VERSION;
        bytes[1] = if self.key_id.is_multi_region() { FLAG_MULTI_REGION } else { 0 };
        bytes[2..18].copy_from_slice(self.key_id.as_bytes());
        bytes[18..50].copy_from_slice(self.key_material_id.as_bytes());
        bytes[50..66].copy_from_slice(&self.salt);
        bytes[66..78].copy_from_slice(&self.nonce);
        bytes
    }

    /// Parses the header of `blob`; `None` if it is not a version-1 blob long enough to hold
    /// a header and a tag.
    #[must_use]
    pub fn parse(blob: &[u8]) -> Option<Self> {
        if blob.len() < OVERHEAD || blob[0] != FORMAT_VERSION || blob[1] & !FLAG_MULTI_REGION != 0 {
            return None;
        }
        let key_id = KeyId::from_parts(blob[2..18].try_into().ok()?, blob[1] == FLAG_MULTI_REGION);
        Some(Self {
            key_id,
            key_material_id: KeyMaterialId(blob[18..50].try_into().ok()?),
            salt: blob[50..66].try_into().ok()?,
            nonce: blob[66..78].try_into().ok()?,
        })
    }
}

/// Appends the canonical encoding of `context` to `out`: the pair count, then each pair in
/// sorted key order as length-prefixed key and value (u32 lengths).
///
/// Length prefixes make the encoding unambiguous: `{"ab":"c"}` and `{"a":"bc"}` differ.
pub fn encode_context(context: &EncryptionContext, out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + encoded_context_len(context), 0);
    write_context(context, &mut out[start..]);
}

/// Length of [`encode_context`]'s output [bytes].
fn encoded_context_len(context: &EncryptionContext) -> usize {
    4 + context.iter().map(|(k, v)| 8 + k.len() + v.len()).sum::<usize>()
}

/// Writes the canonical encoding into `out`, which is exactly [`encoded_context_len`] long.
fn write_context(context: &EncryptionContext, out: &mut [u8]) {
    let mut pos = 0;
    let mut put = |bytes: &[u8]| {
        out[pos..pos + bytes.len()].copy_from_slice(bytes);
        pos += bytes.len();
    };
    let len_prefix = |len: usize| u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes();
    put(&len_prefix(context.len()));
    for (key, value) in context {
        put(&len_prefix(key.len()));
        put(key.as_bytes());
        put(&len_prefix(value.len()));
        put(value.as_bytes());
    }
}

/// Calls `f` with the AAD: the header followed by the encoded context. Small AADs (the
/// common case) are built on the stack, so a request allocates nothing for them.
fn with_aad<R>(header: &[u8], context: &EncryptionContext, f: impl FnOnce(&[u8]) -> R) -> R {
    const STACK_AAD_LEN: usize = 512;
    let len = HEADER_LEN + encoded_context_len(context);
    let fill = |aad: &mut [u8]| {
        aad[..HEADER_LEN].copy_from_slice(header);
        write_context(context, &mut aad[HEADER_LEN..]);
    };
    if len <= STACK_AAD_LEN {
        let mut aad = [0u8; STACK_AAD_LEN];
        fill(&mut aad[..len]);
        f(&aad[..len])
    } else {
        let mut aad = vec![0u8; len];
        fill(&mut aad);
        f(&aad)
    }
}

fn derive_dek(
    provider: &CryptoProvider,
    material: &[u8],
    salt: &[u8; 16],
) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    let mut dek = Zeroizing::new([0u8; 32]);
    provider.hkdf_sha256.derive(salt, material, DEK_INFO, dek.as_mut())?;
    Ok(dek)
}

/// Encrypts `plaintext` under `material` into a version-1 blob.
///
/// The plaintext is sealed in its own buffer, which then holds ciphertext and needs no
/// zeroizing; the header is moved in before it and the tag after, in the same buffer when
/// its capacity allows (a caller that leaves [`OVERHEAD`] bytes spare saves an allocation).
///
/// # Errors
/// [`CryptoError`] if a primitive fails; the plaintext is then zeroized as it is dropped.
pub fn seal(
    provider: &CryptoProvider,
    material: &[u8],
    header: &BlobHeader,
    context: &EncryptionContext,
    plaintext: Plaintext,
) -> Result<Vec<u8>, CryptoError> {
    let dek = derive_dek(provider, material, &header.salt)?;
    let header_bytes = header.to_bytes();
    let (mut blob, tag) = plaintext.seal_in_place(|bytes| {
        with_aad(&header_bytes, context, |aad| {
            provider.aes_256_gcm.seal(&dek, &header.nonce, aad, bytes)
        })
    })?;
    // Ciphertext from here on: growing the buffer may copy it freely.
    let ciphertext_len = blob.len();
    blob.reserve_exact(OVERHEAD);
    blob.resize(HEADER_LEN + ciphertext_len, 0);
    blob.copy_within(..ciphertext_len, HEADER_LEN);
    blob[..HEADER_LEN].copy_from_slice(&header_bytes);
    blob.extend_from_slice(&tag);
    Ok(blob)
}

/// Decrypts a version-1 blob whose header names `material`.
///
/// # Errors
/// [`CryptoError`] if the blob is malformed, or the tag does not verify (wrong material,
/// wrong context, any altered byte).
pub fn open(
    provider: &CryptoProvider,
    material: &[u8],
    blob: &[u8],
    context: &EncryptionContext,
) -> Result<Plaintext, CryptoError> {
    open_owned(provider, material, blob.to_vec(), context)
}

/// [`open`] in the blob's own buffer, which becomes the plaintext's: no allocation, no copy
/// of the ciphertext.
///
/// # Errors
/// As [`open`]. The buffer is zeroized whatever the outcome: a tag that fails may leave
/// plaintext in it (a real AES-GCM decrypts before it compares).
pub fn open_owned(
    provider: &CryptoProvider,
    material: &[u8],
    blob: Vec<u8>,
    context: &EncryptionContext,
) -> Result<Plaintext, CryptoError> {
    let header = BlobHeader::parse(&blob).ok_or(CryptoError)?;
    let dek = derive_dek(provider, material, &header.salt)?;
    let plaintext_len = blob.len() - OVERHEAD;
    let mut bytes = Plaintext::new(blob);
    let (header_bytes, sealed) = bytes.expose_mut().split_at_mut(HEADER_LEN);
    with_aad(header_bytes, context, |aad| {
        provider.aes_256_gcm.open(&dek, &header.nonce, aad, sealed)
    })?;
    bytes.expose_mut().copy_within(HEADER_LEN..HEADER_LEN + plaintext_len, 0);
    bytes.truncate(plaintext_len);
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(pairs: &[(&str, &str)]) -> EncryptionContext {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn context_encoding_is_unambiguous() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        encode_context(&context(&[("ab", "c")]), &mut a);
        encode_context(&context(&[("a", "bc")]), &mut b);
        assert_ne!(a, b);
        let mut c = Vec::new();
        encode_context(&context(&[("a", "b"), ("c", "d")]), &mut c);
        let mut d = Vec::new();
        encode_context(&context(&[("a", "bcd")]), &mut d);
        assert_ne!(c, d);
    }

    #[test]
    fn header_round_trips() {
        let header = BlobHeader {
            key_id: KeyId::multi_region([7; 16]),
            key_material_id: KeyMaterialId([9; 32]),
            salt: [1; 16],
            nonce: [2; 12],
        };
        for kind in crate::crypto::ProviderKind::ALL {
            let blob =
                seal(kind.provider(), &[3; 32], &header, &context(&[]), b"hi".into()).unwrap();
            assert_eq!(blob.len(), OVERHEAD + 2);
            assert_eq!(BlobHeader::parse(&blob), Some(header));
        }
    }

    #[test]
    fn sealing_in_place_or_not_gives_the_same_blob_and_it_opens_in_place() {
        let header = BlobHeader {
            key_id: KeyId::single_region([4; 16]),
            key_material_id: KeyMaterialId([5; 32]),
            salt: [6; 16],
            nonce: [7; 12],
        };
        let ec = context(&[("tenant", "a")]);
        for kind in crate::crypto::ProviderKind::ALL {
            let provider = kind.provider();
            for len in [0, 1, 100, 1024] {
                let message: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
                // Exactly as long (the buffer must grow) and with room to spare.
                let tight = seal(provider, &[3; 32], &header, &ec, Plaintext::new(message.clone()));
                let mut roomy = Vec::with_capacity(len + OVERHEAD);
                roomy.extend_from_slice(&message);
                let roomy = seal(provider, &[3; 32], &header, &ec, Plaintext::new(roomy));
                let blob = tight.unwrap();
                assert_eq!(Some(&blob), roomy.as_ref().ok(), "{kind} {len}");
                assert_eq!(BlobHeader::parse(&blob), Some(header));
                let opened = open_owned(provider, &[3; 32], blob.clone(), &ec).unwrap();
                assert_eq!(opened.expose(), message, "{kind} {len}");
                assert!(open_owned(provider, &[3; 32], blob.clone(), &context(&[])).is_err());
                assert!(open_owned(provider, &[8; 32], blob.clone(), &ec).is_err());
                let mut flipped = blob.clone();
                flipped[HEADER_LEN] ^= 1;
                assert!(open_owned(provider, &[3; 32], flipped, &ec).is_err());
                assert!(
                    open_owned(provider, &[3; 32], blob[..OVERHEAD - 1].to_vec(), &ec).is_err()
                );
            }
        }
    }
}
