//! Secret bytes: zeroized on drop, redacted in `Debug`, never serialisable.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// What `Debug` prints in place of secret bytes (the AWS SDKs' wording).
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// Secret bytes: a plaintext, a data key or key material.
///
/// The buffer is zeroized when dropped, `Debug` prints [`REDACTED`], and the type has no
/// `Serialize`, so a secret cannot reach an audit record, a trace or a result file by accident.
/// Equality is constant-time.
#[derive(Clone, Default)]
pub struct Plaintext(Vec<u8>);

impl Drop for Plaintext {
    /// Zeroizes the bytes and the spare capacity through the slice impls, which fill in bulk
    /// behind an optimisation barrier; `Vec::zeroize` writes one volatile byte at a time and
    /// measured 7x slower at 4 KiB (`results/bench/2026-11-30-engine-core`).
    fn drop(&mut self) {
        // An emptied buffer (one handed on by `seal_in_place`) holds nothing: skipping it
        // measured 150 ns faster per Encrypt than zeroizing zero bytes behind the barrier.
        if self.0.capacity() != 0 {
            self.0.as_mut_slice().zeroize();
            self.0.spare_capacity_mut().zeroize();
        }
    }
}

impl ZeroizeOnDrop for Plaintext {}

impl Plaintext {
    /// Takes ownership of `bytes`; they are zeroized when the `Plaintext` is dropped.
    #[must_use]
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// Runs `seal` over the bytes in place. On success they are ciphertext, no longer
    /// secret, and are handed back without the cost of zeroizing; on failure they are
    /// zeroized as usual when `self` drops.
    pub(crate) fn seal_in_place<T, E>(
        mut self,
        seal: impl FnOnce(&mut [u8]) -> Result<T, E>,
    ) -> Result<(Vec<u8>, T), E> {
        let sealed = seal(&mut self.0)?;
        Ok((std::mem::take(&mut self.0), sealed))
    }

    /// Shortens to `len` bytes; the cut bytes stay in the spare capacity until the drop
    /// zeroizes them.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }

    /// The secret bytes. Handle with care: whatever copies them must protect them too.
    #[must_use]
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    pub(crate) fn expose_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }

    /// Length [bytes].
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no bytes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Vec<u8>> for Plaintext {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<String> for Plaintext {
    fn from(text: String) -> Self {
        Self::new(text.into_bytes())
    }
}

impl From<&[u8]> for Plaintext {
    fn from(bytes: &[u8]) -> Self {
        Self::new(bytes.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for Plaintext {
    fn from(bytes: &[u8; N]) -> Self {
        Self::new(bytes.to_vec())
    }
}

impl From<&str> for Plaintext {
    fn from(text: &str) -> Self {
        Self::new(text.as_bytes().to_vec())
    }
}

impl PartialEq for Plaintext {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_slice().ct_eq(other.0.as_slice()).into()
    }
}

impl Eq for Plaintext {}

impl fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}
