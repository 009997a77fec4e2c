//! The INSECURE modelling provider: NO SECURITY. For simulations too large to pay for real
//! cryptography on every request, never for data.
//!
//! It keeps what a simulation observes: every output has the real size (a blob is as long as
//! a real one, a MAC as long as a real MAC), every check that decides an outcome still
//! decides it (a wrong encryption context, a flipped bit or another key's blob fails to
//! open; a wrong MAC fails to verify), and the engine's state machine is unchanged. What it
//! drops is the security: the "cipher" is a keyed XOR stream and the "tag" a 128-bit
//! multiply-mix hash, both trivially breakable. RSA-OAEP and AES key wrap, which only the
//! rare import path uses, delegate to aws-lc-rs.

use super::{Aes256Gcm, CryptoError, CryptoProvider, HkdfSha256, Hmac, ProviderKind, aws_lc};
use crate::spec::MacAlgorithmSpec;

/// The insecure modelling provider.
pub static PROVIDER: CryptoProvider = CryptoProvider {
    kind: ProviderKind::InsecureModelling,
    aes_256_gcm: &InsecureAead,
    hkdf_sha256: &InsecureKdf,
    hmac: &InsecureMac,
    rsa_oaep: &aws_lc::AwsLcRsaOaep,
    aes_key_wrap: &aws_lc::AwsLcAesKeyWrap,
    asymmetric: &super::asymmetric::NotBuilt,
};

/// splitmix64's finaliser: a fast, well-mixed, non-cryptographic permutation of a word.
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A 128-bit non-cryptographic hash state: four lanes, eight bytes each, folded into two.
#[derive(Clone, Copy)]
struct Hash128 {
    a: u64,
    b: u64,
    c: u64,
    d: u64,
}

impl Hash128 {
    const fn new(domain: u64) -> Self {
        Self {
            a: mix(domain ^ 0x9e37_79b9_7f4a_7c15),
            b: mix(domain.wrapping_add(1)),
            c: mix(domain.wrapping_add(2)),
            d: mix(domain.wrapping_add(3)),
        }
    }

    /// One word into both lanes (the finaliser mixes them well; per word, cheap).
    fn word(&mut self, word: u64) {
        self.a = (self.a ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
        self.b =
            (self.b ^ word.rotate_left(32)).wrapping_mul(0xff51_afd7_ed55_8ccd).rotate_left(31);
    }

    /// Absorbs `bytes`, then its length, so `ab|c` and `a|bc` differ. Four words per step,
    /// one per lane, so the four multiplications run in parallel.
    fn bytes(&mut self, bytes: &[u8]) {
        let mut blocks = bytes.chunks_exact(32);
        let word =
            |b: &[u8], i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
        for block in &mut blocks {
            self.a = (self.a ^ word(block, 0)).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
            self.b = (self.b ^ word(block, 8)).wrapping_mul(0xff51_afd7_ed55_8ccd).rotate_left(31);
            self.c = (self.c ^ word(block, 16)).wrapping_mul(0xc4ce_b9fe_1a85_ec53).rotate_left(27);
            self.d = (self.d ^ word(block, 24)).wrapping_mul(0x94d0_49bb_1331_11eb).rotate_left(33);
        }
        // Fold the extra lanes in, so every byte reaches the two lanes `finish` reads.
        self.a ^= mix(self.c);
        self.b ^= mix(self.d);
        let rest = blocks.remainder();
        let mut words = rest.chunks_exact(8);
        for chunk in &mut words {
            self.word(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        }
        let mut tail = [0u8; 8];
        tail[..words.remainder().len()].copy_from_slice(words.remainder());
        self.word(u64::from_le_bytes(tail));
        self.word(bytes.len() as u64);
    }

    fn finish(self) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&mix(self.a ^ self.b.rotate_left(7)).to_le_bytes());
        out[8..].copy_from_slice(&mix(self.b ^ self.a.rotate_left(41)).to_le_bytes());
        out
    }

    /// Fills `out` with output of arbitrary length, counter-mode over the state.
    fn expand(self, out: &mut [u8]) {
        for (counter, chunk) in (0u64..).zip(out.chunks_mut(16)) {
            let mut block = self;
            block.word(counter);
            let bytes = block.finish();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

struct InsecureAead;

impl InsecureAead {
    /// XORs `data` with a stream keyed by `key` and `nonce` (its own inverse).
    fn apply_stream(key: &[u8; 32], nonce: &[u8; 12], data: &mut [u8]) {
        let mut seed = Hash128::new(1);
        seed.bytes(key);
        seed.bytes(nonce);
        // A 16-byte pad from the key and nonce, XORed with a word counter: no security at
        // all, but every word differs and the loop costs next to nothing.
        let pad = seed.finish();
        let pad = [
            u64::from_le_bytes(pad[..8].try_into().unwrap_or_default()),
            u64::from_le_bytes(pad[8..].try_into().unwrap_or_default()),
        ];
        // Two words per step, the counter added rather than multiplied: word `i` is XORed
        // with `pad[i % 2] ^ i * K`, computed incrementally so the loop has no multiply.
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut counter = [0u64, K];
        let mut pairs = data.chunks_exact_mut(16);
        for pair in &mut pairs {
            let (first, second) = pair.split_at_mut(8);
            for (word, (lane, count)) in [first, second].into_iter().zip(pad.iter().zip(&counter)) {
                let value = u64::from_le_bytes((&*word).try_into().unwrap_or_default());
                word.copy_from_slice(&(value ^ lane ^ count).to_le_bytes());
            }
            counter = [
                counter[0].wrapping_add(K.wrapping_mul(2)),
                counter[1].wrapping_add(K.wrapping_mul(2)),
            ];
        }
        let rest = pairs.into_remainder();
        let mut words = rest.chunks_exact_mut(8);
        if let Some(word) = words.next() {
            let value = u64::from_le_bytes((&*word).try_into().unwrap_or_default());
            word.copy_from_slice(&(value ^ pad[0] ^ counter[0]).to_le_bytes());
        }
        let tail = words.into_remainder();
        for (byte, stream) in tail.iter_mut().zip(pad[0].to_le_bytes()) {
            *byte ^= stream;
        }
    }

    fn tag(key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], ciphertext: &[u8]) -> [u8; 16] {
        let mut hash = Hash128::new(2);
        hash.bytes(key);
        hash.bytes(nonce);
        hash.bytes(aad);
        hash.bytes(ciphertext);
        hash.finish()
    }
}

impl Aes256Gcm for InsecureAead {
    fn seal(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<[u8; 16], CryptoError> {
        Self::apply_stream(key, nonce, in_out);
        Ok(Self::tag(key, nonce, aad, in_out))
    }

    fn open(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        ciphertext_and_tag: &mut [u8],
    ) -> Result<(), CryptoError> {
        let split = ciphertext_and_tag.len().checked_sub(16).ok_or(CryptoError)?;
        let (ciphertext, tag) = ciphertext_and_tag.split_at_mut(split);
        // Not constant time: this provider makes no security claim at all.
        if Self::tag(key, nonce, aad, ciphertext) != *tag {
            return Err(CryptoError);
        }
        Self::apply_stream(key, nonce, ciphertext);
        Ok(())
    }
}

struct InsecureKdf;

impl HkdfSha256 for InsecureKdf {
    fn derive(
        &self,
        salt: &[u8],
        ikm: &[u8],
        info: &[u8],
        okm: &mut [u8],
    ) -> Result<(), CryptoError> {
        if okm.len() > 255 * 32 {
            return Err(CryptoError);
        }
        let mut hash = Hash128::new(3);
        hash.bytes(salt);
        hash.bytes(ikm);
        hash.bytes(info);
        hash.expand(okm);
        Ok(())
    }
}

struct InsecureMac;

impl Hmac for InsecureMac {
    fn sign(&self, algorithm: MacAlgorithmSpec, key: &[u8], message: &[u8]) -> Vec<u8> {
        let mut hash = Hash128::new(4);
        hash.bytes(algorithm.as_str().as_bytes());
        hash.bytes(key);
        hash.bytes(message);
        let mut mac = vec![0u8; algorithm.output_len()];
        hash.expand(&mut mac);
        mac
    }

    fn verify(&self, algorithm: MacAlgorithmSpec, key: &[u8], message: &[u8], mac: &[u8]) -> bool {
        self.sign(algorithm, key, message) == mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_sizes_and_every_check_that_decides_an_outcome() {
        let (key, nonce) = ([7u8; 32], [9u8; 12]);
        let plaintext = b"the quick brown fox jumps over".to_vec();
        let mut buffer = plaintext.clone();
        let tag = InsecureAead.seal(&key, &nonce, b"aad", &mut buffer).unwrap();
        assert_ne!(buffer, plaintext, "the payload is at least scrambled");
        let mut sealed = [buffer.clone(), tag.to_vec()].concat();
        InsecureAead.open(&key, &nonce, b"aad", &mut sealed.clone()).unwrap();
        let mut opened = sealed.clone();
        InsecureAead.open(&key, &nonce, b"aad", &mut opened).unwrap();
        assert_eq!(&opened[..plaintext.len()], plaintext);
        assert!(InsecureAead.open(&key, &nonce, b"aab", &mut sealed.clone()).is_err());
        assert!(InsecureAead.open(&[8u8; 32], &nonce, b"aad", &mut sealed.clone()).is_err());
        for bit in 0..sealed.len() * 8 {
            let mut flipped = sealed.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            assert!(InsecureAead.open(&key, &nonce, b"aad", &mut flipped).is_err(), "bit {bit}");
        }
        sealed.truncate(15);
        assert!(InsecureAead.open(&key, &nonce, b"aad", &mut sealed).is_err());

        let mac = InsecureMac.sign(MacAlgorithmSpec::HmacSha384, b"k", b"m");
        assert_eq!(mac.len(), 48);
        assert!(InsecureMac.verify(MacAlgorithmSpec::HmacSha384, b"k", b"m", &mac));
        assert!(!InsecureMac.verify(MacAlgorithmSpec::HmacSha384, b"k", b"n", &mac));
        assert!(!InsecureMac.verify(MacAlgorithmSpec::HmacSha512, b"k", b"m", &mac));

        let (mut one, mut two) = ([0u8; 32], [0u8; 32]);
        InsecureKdf.derive(b"salt", b"ikm", b"info", &mut one).unwrap();
        InsecureKdf.derive(b"salT", b"ikm", b"info", &mut two).unwrap();
        assert_ne!(one, two);
    }

    #[test]
    fn the_stream_round_trips_and_changes_every_word_at_every_length() {
        let (key, nonce) = ([3u8; 32], [5u8; 12]);
        for len in 0..80 {
            let zeros = vec![0u8; len];
            let mut data = zeros.clone();
            InsecureAead::apply_stream(&key, &nonce, &mut data);
            // A zero input shows the stream itself: no 8-byte word of it is left zero, and
            // no two full words repeat (the counter reaches every word).
            let words: Vec<&[u8]> = data.chunks_exact(8).collect();
            for (i, word) in words.iter().enumerate() {
                assert_ne!(*word, [0u8; 8], "len {len}, word {i}");
                assert!(!words[..i].contains(word), "len {len}, word {i} repeats");
            }
            InsecureAead::apply_stream(&key, &nonce, &mut data);
            assert_eq!(data, zeros, "len {len}");
        }
    }
}
