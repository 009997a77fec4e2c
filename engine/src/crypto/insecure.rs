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
//!
//! Key pairs ([`Asymmetric`]) are modelled the same way: a "private key" is random bytes as
//! long as the real PKCS#8 encoding, its "public key" a hash of them as long as the real
//! `SubjectPublicKeyInfo`, a "signature" a keyed hash of the public key and the message as
//! long as a real one (ECDSA: a typical DER length), an "encryption" a keyed XOR stream with
//! a tag, as long as a real RSA-OAEP or ML-KEM ciphertext, and "ECDH" a symmetric hash of
//! both public keys. Anyone holding a public key can forge everything: NO SECURITY. None of
//! these bytes parses as DER, and no real provider accepts them.

use rand_core::CryptoRng;

use super::asymmetric::{Asymmetric, AsymmetricError, KeyPair, SignInput};
use super::{Aes256Gcm, CryptoError, CryptoProvider, HkdfSha256, Hmac, ProviderKind, aws_lc};
use crate::key_pair;
use crate::secret::Plaintext;
use crate::spec::{EncryptionAlgorithmSpec, KeySpec, MacAlgorithmSpec, SigningAlgorithmSpec};

/// The insecure modelling provider.
pub static PROVIDER: CryptoProvider = CryptoProvider {
    kind: ProviderKind::InsecureModelling,
    aes_256_gcm: &InsecureAead,
    hkdf_sha256: &InsecureKdf,
    hmac: &InsecureMac,
    rsa_oaep: &aws_lc::AwsLcRsaOaep,
    aes_key_wrap: &aws_lc::AwsLcAesKeyWrap,
    asymmetric: &InsecureKeyPairs,
};

/// splitmix64's finaliser: a fast, well-mixed, non-cryptographic permutation of a word.
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A 128-bit non-cryptographic hash state: four lanes. Whole 32-byte blocks go one word per
/// lane, shorter inputs into the first two; `finish` folds the other two in once, so an input
/// costs its words and a length word, with no fixed mixing per call.
#[derive(Clone, Copy)]
struct Hash128 {
    a: u64,
    b: u64,
    c: u64,
    d: u64,
}

/// The little-endian word at `at` (the caller has checked `at + 8 <= bytes.len()`).
fn word_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default())
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

    /// One word into the first two lanes (the finaliser mixes them well; per word, cheap).
    fn word(&mut self, word: u64) {
        self.a = (self.a ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
        self.b =
            (self.b ^ word.rotate_left(32)).wrapping_mul(0xff51_afd7_ed55_8ccd).rotate_left(31);
    }

    /// Absorbs `bytes`, then its length, so `ab|c` and `a|bc` differ. Eight words per step,
    /// two per lane (one XORed in, one added: each alone changes the lane), so the four
    /// multiplications run in parallel and each covers 16 bytes.
    #[inline(always)]
    fn bytes(&mut self, bytes: &[u8]) {
        let mut blocks = bytes.chunks_exact(64);
        for block in &mut blocks {
            let lane = |lane: u64, at: usize, multiplier: u64, rotation: u32| {
                ((lane ^ word_at(block, at)).wrapping_add(word_at(block, at + 32)))
                    .wrapping_mul(multiplier)
                    .rotate_left(rotation)
            };
            self.a = lane(self.a, 0, 0x9e37_79b9_7f4a_7c15, 29);
            self.b = lane(self.b, 8, 0xff51_afd7_ed55_8ccd, 31);
            self.c = lane(self.c, 16, 0xc4ce_b9fe_1a85_ec53, 27);
            self.d = lane(self.d, 24, 0x94d0_49bb_1331_11eb, 33);
        }
        let mut halves = blocks.remainder().chunks_exact(32);
        for half in &mut halves {
            self.a =
                (self.a ^ word_at(half, 0)).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
            self.b =
                (self.b ^ word_at(half, 8)).wrapping_mul(0xff51_afd7_ed55_8ccd).rotate_left(31);
            self.c =
                (self.c ^ word_at(half, 16)).wrapping_mul(0xc4ce_b9fe_1a85_ec53).rotate_left(27);
            self.d =
                (self.d ^ word_at(half, 24)).wrapping_mul(0x94d0_49bb_1331_11eb).rotate_left(33);
        }
        let mut words = halves.remainder().chunks_exact(8);
        for chunk in &mut words {
            self.word(word_at(chunk, 0));
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            // The last eight bytes, overlapping words already absorbed when the input is
            // long enough (the length word below tells the cases apart), else the bytes
            // themselves: no copy through a buffer.
            let last = if bytes.len() >= 8 {
                word_at(bytes, bytes.len() - 8)
            } else {
                tail.iter().rev().fold(0, |word, &byte| (word << 8) | u64::from(byte))
            };
            self.word(last);
        }
        self.word(bytes.len() as u64);
    }

    /// The two lanes `finish` reads, with the other two folded in.
    fn folded(self) -> (u64, u64) {
        (self.a ^ mix(self.c), self.b ^ mix(self.d))
    }

    /// Sixteen output bytes from the two read lanes.
    fn squeeze(a: u64, b: u64) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&mix(a ^ b.rotate_left(7)).to_le_bytes());
        out[8..].copy_from_slice(&mix(b ^ a.rotate_left(41)).to_le_bytes());
        out
    }

    fn finish(self) -> [u8; 16] {
        let (a, b) = self.folded();
        Self::squeeze(a, b)
    }

    /// Fills `out` with output of arbitrary length, counter-mode over the state.
    fn expand(self, out: &mut [u8]) {
        let (a, b) = self.folded();
        for (counter, chunk) in (0u64..).zip(out.chunks_mut(16)) {
            let a = (a ^ counter).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
            let b = (b ^ counter.rotate_left(32)).wrapping_mul(0xff51_afd7_ed55_8ccd);
            chunk.copy_from_slice(&Self::squeeze(a, b)[..chunk.len()]);
        }
    }
}

struct InsecureAead;

/// The length after which the modelled stream repeats [bytes].
const STREAM_PERIOD: usize = 64;

impl InsecureAead {
    /// The state after the key and nonce, which both the stream and the tag start from.
    fn keyed(key: &[u8; 32], nonce: &[u8; 12]) -> Hash128 {
        let mut hash = Hash128::new(1);
        hash.bytes(key);
        hash.bytes(nonce);
        hash
    }

    /// XORs `data` with a stream keyed by the `keyed` state (its own inverse).
    fn apply_stream(keyed: Hash128, data: &mut [u8]) {
        // A 64-byte pad from the key and nonce, repeated: no security at all, but its eight
        // words differ, and a loop that XORs whole blocks bytewise with a fixed pad is one
        // the compiler turns into vector operations.
        let mut pad = keyed;
        pad.word(1);
        let mut stream = [0u8; STREAM_PERIOD];
        pad.expand(&mut stream);
        let mut blocks = data.chunks_exact_mut(STREAM_PERIOD);
        for block in &mut blocks {
            for (byte, stream) in block.iter_mut().zip(&stream) {
                *byte ^= stream;
            }
        }
        for (byte, stream) in blocks.into_remainder().iter_mut().zip(&stream) {
            *byte ^= stream;
        }
    }

    fn tag(keyed: Hash128, aad: &[u8], ciphertext: &[u8]) -> [u8; 16] {
        let mut hash = keyed;
        hash.word(2);
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
        let keyed = Self::keyed(key, nonce);
        Self::apply_stream(keyed, in_out);
        Ok(Self::tag(keyed, aad, in_out))
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
        let keyed = Self::keyed(key, nonce);
        if Self::tag(keyed, aad, ciphertext) != *tag {
            return Err(CryptoError);
        }
        Self::apply_stream(keyed, ciphertext);
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

/// The sizes a modelled key pair of one spec has [bytes]: what a real provider's DER
/// encodings, signatures and ciphertexts measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PairSizes {
    /// The PKCS#8 private key (RSA: typical, it varies by a few bytes with the primes;
    /// ML-KEM and ML-DSA: the seed form).
    private: usize,
    /// The `SubjectPublicKeyInfo`.
    public: usize,
    /// A signature (ECDSA: a typical DER length; real ones vary by a byte or two).
    signature: usize,
    /// What an encryption adds before the plaintext: RSA's whole modulus (its ciphertexts
    /// have a fixed length), ML-KEM's encapsulation; 0 for specs that cannot encrypt.
    kem_ciphertext: usize,
    /// The ECDH shared secret (the curve's field size); 0 for specs without key agreement.
    shared_secret: usize,
}

impl PairSizes {
    fn of(spec: KeySpec) -> Option<Self> {
        let sizes = |private, public, signature, kem_ciphertext, shared_secret| {
            Some(Self { private, public, signature, kem_ciphertext, shared_secret })
        };
        match spec {
            KeySpec::Rsa2048 => sizes(1217, 294, 256, 256, 0),
            KeySpec::Rsa3072 => sizes(1793, 422, 384, 384, 0),
            KeySpec::Rsa4096 => sizes(2375, 550, 512, 512, 0),
            KeySpec::EccNistP256 => sizes(138, 91, 71, 0, 32),
            KeySpec::EccNistP384 => sizes(185, 120, 103, 0, 48),
            KeySpec::EccNistP521 => sizes(241, 158, 139, 0, 66),
            KeySpec::EccSecgP256k1 => sizes(135, 88, 71, 0, 0),
            KeySpec::EccNistEdwards25519 => sizes(48, 44, 64, 0, 0),
            KeySpec::MlDsa44 => sizes(54, 1334, 2420, 0, 0),
            KeySpec::MlDsa65 => sizes(54, 1974, 3309, 0, 0),
            KeySpec::MlDsa87 => sizes(54, 2614, 4627, 0, 0),
            // The KEM-DEM ciphertext is the encapsulation, then the AES-GCM nonce, the
            // sealed plaintext and its tag (ARCHITECTURE.md); the hybrid adds P-256's
            // uncompressed ephemeral point to ML-KEM-768's encapsulation.
            KeySpec::KmsimMlKem768 => sizes(86, 1206, 0, 1088, 0),
            KeySpec::KmsimMlKem1024 => sizes(86, 1590, 0, 1568, 0),
            KeySpec::KmsimEccNistP256MlKem768 => sizes(224, 1297, 0, 1088 + 65, 0),
            // SM2 is not modelled (as in the real providers); symmetric specs are no pairs.
            _ => None,
        }
    }
}

/// The modelled key pairs. NO SECURITY: see the module docs.
struct InsecureKeyPairs;

impl InsecureKeyPairs {
    fn sizes(spec: KeySpec) -> Result<PairSizes, AsymmetricError> {
        PairSizes::of(spec).ok_or(AsymmetricError::Unsupported("this key spec"))
    }

    /// The "public key" of a "private key": a hash of it, the real length long.
    fn public_of(spec: KeySpec, private: &[u8]) -> Result<Vec<u8>, AsymmetricError> {
        let sizes = Self::sizes(spec)?;
        if private.len() != sizes.private {
            return Err(AsymmetricError::Failed);
        }
        let mut hash = Hash128::new(10);
        hash.bytes(spec.as_str().as_bytes());
        hash.bytes(private);
        let mut public = vec![0u8; sizes.public];
        hash.expand(&mut public);
        Ok(public)
    }

    fn signature(
        spec: KeySpec,
        algorithm: SigningAlgorithmSpec,
        public: &[u8],
        input: SignInput<'_>,
    ) -> Result<Vec<u8>, AsymmetricError> {
        let sizes = Self::sizes(spec)?;
        let mut hash = Hash128::new(11);
        hash.bytes(algorithm.as_str().as_bytes());
        hash.bytes(input.message_type.as_str().as_bytes());
        hash.bytes(public);
        hash.bytes(input.message);
        let mut signature = vec![0u8; sizes.signature];
        hash.expand(&mut signature);
        Ok(signature)
    }

    /// The stream and tag key of an encryption to `public` with `salt`.
    fn encryption_key(public: &[u8], salt: &[u8]) -> [u8; 32] {
        let mut hash = Hash128::new(12);
        hash.bytes(public);
        hash.bytes(salt);
        let mut key = [0u8; 32];
        hash.expand(&mut key);
        key
    }

    fn check_encryption(
        spec: KeySpec,
        algorithm: EncryptionAlgorithmSpec,
    ) -> Result<PairSizes, AsymmetricError> {
        let sizes = Self::sizes(spec)?;
        if sizes.kem_ciphertext == 0 || key_pair::max_plaintext_len(spec, algorithm).is_none() {
            return Err(AsymmetricError::Failed);
        }
        Ok(sizes)
    }
}

/// The salt at the front of every modelled asymmetric ciphertext [bytes].
const SALT_LEN: usize = 16;

impl Asymmetric for InsecureKeyPairs {
    fn generate(&self, spec: KeySpec, rng: &mut dyn CryptoRng) -> Result<KeyPair, AsymmetricError> {
        let sizes = Self::sizes(spec)?;
        let mut private = Plaintext::new(vec![0u8; sizes.private]);
        rand_core::Rng::fill_bytes(rng, private.expose_mut());
        let public_spki = Self::public_of(spec, private.expose())?;
        Ok(KeyPair { private_pkcs8: private, public_spki })
    }

    fn sign(
        &self,
        spec: KeySpec,
        algorithm: SigningAlgorithmSpec,
        private_pkcs8: &[u8],
        input: SignInput<'_>,
        _rng: &mut dyn CryptoRng,
    ) -> Result<Vec<u8>, AsymmetricError> {
        if !key_pair::signing_algorithms(spec).contains(&algorithm) {
            return Err(AsymmetricError::Failed);
        }
        let public = Self::public_of(spec, private_pkcs8)?;
        Self::signature(spec, algorithm, &public, input)
    }

    fn verify(
        &self,
        spec: KeySpec,
        algorithm: SigningAlgorithmSpec,
        public_spki: &[u8],
        input: SignInput<'_>,
        signature: &[u8],
    ) -> Result<bool, AsymmetricError> {
        let sizes = Self::sizes(spec)?;
        if public_spki.len() != sizes.public
            || !key_pair::signing_algorithms(spec).contains(&algorithm)
        {
            return Err(AsymmetricError::Failed);
        }
        // Not constant time: this provider makes no security claim at all.
        Ok(Self::signature(spec, algorithm, public_spki, input)? == signature)
    }

    fn encrypt(
        &self,
        spec: KeySpec,
        algorithm: EncryptionAlgorithmSpec,
        public_spki: &[u8],
        plaintext: &[u8],
        rng: &mut dyn CryptoRng,
    ) -> Result<Vec<u8>, AsymmetricError> {
        let sizes = Self::check_encryption(spec, algorithm)?;
        let max = key_pair::max_plaintext_len(spec, algorithm).unwrap_or(0);
        if public_spki.len() != sizes.public || plaintext.len() > max {
            return Err(AsymmetricError::Failed);
        }
        let mut salt = [0u8; SALT_LEN];
        rand_core::Rng::fill_bytes(rng, &mut salt);
        let key = Self::encryption_key(public_spki, &salt);
        let nonce = [0u8; 12];
        let mut out = salt.to_vec();
        if key_pair::rsa_modulus_len(spec).is_some() {
            // RSA: one modulus-long block, salt ‖ tag ‖ (length ‖ plaintext ‖ zeros) sealed.
            let mut body = vec![0u8; sizes.kem_ciphertext - SALT_LEN - 16];
            let len = u16::try_from(plaintext.len()).map_err(|_| AsymmetricError::Failed)?;
            body[..2].copy_from_slice(&len.to_be_bytes());
            body[2..2 + plaintext.len()].copy_from_slice(plaintext);
            let tag = InsecureAead.seal(&key, &nonce, algorithm.as_str().as_bytes(), &mut body)?;
            out.extend_from_slice(&tag);
            out.extend_from_slice(&body);
        } else {
            // KEM-DEM: the encapsulation (salt, then padding), a nonce, the sealed plaintext
            // and its tag, as long as ML-KEM's.
            out.resize(sizes.kem_ciphertext, 0);
            out.extend_from_slice(&nonce);
            let mut body = plaintext.to_vec();
            let tag = InsecureAead.seal(&key, &nonce, algorithm.as_str().as_bytes(), &mut body)?;
            out.extend_from_slice(&body);
            out.extend_from_slice(&tag);
        }
        Ok(out)
    }

    fn decrypt(
        &self,
        spec: KeySpec,
        algorithm: EncryptionAlgorithmSpec,
        private_pkcs8: &[u8],
        ciphertext: &[u8],
    ) -> Result<Plaintext, AsymmetricError> {
        let sizes = Self::check_encryption(spec, algorithm)?;
        let public = Self::public_of(spec, private_pkcs8)?;
        let salt = ciphertext.get(..SALT_LEN).ok_or(AsymmetricError::Failed)?;
        let key = Self::encryption_key(&public, salt);
        let aad = algorithm.as_str().as_bytes();
        let nonce = [0u8; 12];
        if key_pair::rsa_modulus_len(spec).is_some() {
            if ciphertext.len() != sizes.kem_ciphertext {
                return Err(AsymmetricError::Failed);
            }
            let (tag, body) = ciphertext[SALT_LEN..].split_at(16);
            let mut sealed = Plaintext::new([body, tag].concat());
            InsecureAead.open(&key, &nonce, aad, sealed.expose_mut())?;
            let opened = &sealed.expose()[..body.len()];
            let len = usize::from(u16::from_be_bytes([opened[0], opened[1]]));
            let plaintext = opened.get(2..2 + len).ok_or(AsymmetricError::Failed)?;
            return Ok(Plaintext::new(plaintext.to_vec()));
        }
        let header = sizes.kem_ciphertext + 12;
        if ciphertext.len() < header + 16 {
            return Err(AsymmetricError::Failed);
        }
        let mut sealed = Plaintext::new(ciphertext[header..].to_vec());
        InsecureAead.open(&key, &nonce, aad, sealed.expose_mut())?;
        let len = sealed.len() - 16;
        sealed.truncate(len);
        Ok(sealed)
    }

    fn derive_shared_secret(
        &self,
        spec: KeySpec,
        private_pkcs8: &[u8],
        peer_spki: &[u8],
    ) -> Result<Plaintext, AsymmetricError> {
        let sizes = Self::sizes(spec)?;
        if sizes.shared_secret == 0 || peer_spki.len() != sizes.public {
            return Err(AsymmetricError::Failed);
        }
        let own = Self::public_of(spec, private_pkcs8)?;
        // Symmetric in the two public keys, so both sides agree (and so does anyone else).
        let (low, high) =
            if own.as_slice() <= peer_spki { (&own[..], peer_spki) } else { (peer_spki, &own[..]) };
        let mut hash = Hash128::new(13);
        hash.bytes(low);
        hash.bytes(high);
        let mut secret = Plaintext::new(vec![0u8; sizes.shared_secret]);
        hash.expand(secret.expose_mut());
        Ok(secret)
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
        // Long enough for whole 64-byte hash blocks, a 32-byte half and a tail: every bit
        // of every part is covered by the tag.
        let long: Vec<u8> = (0..=150u8).collect();
        let mut buffer = long.clone();
        let tag = InsecureAead.seal(&key, &nonce, &long[..70], &mut buffer).unwrap();
        let long_sealed = [buffer, tag.to_vec()].concat();
        for bit in 0..long_sealed.len() * 8 {
            let mut flipped = long_sealed.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            assert!(InsecureAead.open(&key, &nonce, &long[..70], &mut flipped).is_err());
        }
        for bit in 0..70 * 8 {
            let mut aad = long[..70].to_vec();
            aad[bit / 8] ^= 1 << (bit % 8);
            assert!(InsecureAead.open(&key, &nonce, &aad, &mut long_sealed.clone()).is_err());
        }
        let mut opened = long_sealed;
        InsecureAead.open(&key, &nonce, &long[..70], &mut opened).unwrap();
        assert_eq!(&opened[..long.len()], long);
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
        let keyed = InsecureAead::keyed(&key, &nonce);
        for len in 0..3 * STREAM_PERIOD {
            let zeros = vec![0u8; len];
            let mut data = zeros.clone();
            InsecureAead::apply_stream(keyed, &mut data);
            // A zero input shows the stream itself: no 8-byte word of it is left zero, and
            // no two words of one period repeat.
            let words: Vec<&[u8]> = data.chunks_exact(8).collect();
            for (i, word) in words.iter().enumerate() {
                assert_ne!(*word, [0u8; 8], "len {len}, word {i}");
                let period = i - i % (STREAM_PERIOD / 8);
                assert!(!words[period..i].contains(word), "len {len}, word {i} repeats");
            }
            InsecureAead::apply_stream(keyed, &mut data);
            assert_eq!(data, zeros, "len {len}");
        }
        let mut other = vec![0u8; STREAM_PERIOD];
        InsecureAead::apply_stream(InsecureAead::keyed(&key, &[6u8; 12]), &mut other);
        let mut ours = vec![0u8; STREAM_PERIOD];
        InsecureAead::apply_stream(keyed, &mut ours);
        assert_ne!(ours, other, "another nonce, another stream");
    }

    fn rng() -> rand_chacha::ChaCha20Rng {
        rand_core::SeedableRng::seed_from_u64(7)
    }

    #[test]
    fn modelled_key_pairs_keep_sizes_and_outcomes() {
        use crate::spec::MessageType;
        let pairs = InsecureKeyPairs;
        for &spec in KeySpec::ALL {
            let Some(sizes) = PairSizes::of(spec) else {
                assert!(matches!(
                    pairs.generate(spec, &mut rng()),
                    Err(AsymmetricError::Unsupported(_))
                ));
                continue;
            };
            let pair = pairs.generate(spec, &mut rng()).unwrap();
            assert_eq!(pair.private_pkcs8.len(), sizes.private, "{spec}");
            assert_eq!(pair.public_spki.len(), sizes.public, "{spec}");
            let other = pairs
                .generate(
                    spec,
                    &mut <rand_chacha::ChaCha20Rng as rand_core::SeedableRng>::seed_from_u64(8),
                )
                .unwrap();
            assert_ne!(pair.public_spki, other.public_spki, "{spec}");
            for &algorithm in key_pair::signing_algorithms(spec) {
                let input = SignInput { message: b"message", message_type: MessageType::Raw };
                let private = pair.private_pkcs8.expose();
                let signature = pairs.sign(spec, algorithm, private, input, &mut rng()).unwrap();
                assert_eq!(signature.len(), sizes.signature, "{spec}");
                let public = &pair.public_spki;
                assert!(pairs.verify(spec, algorithm, public, input, &signature).unwrap());
                for bit in [0, 7, signature.len() * 8 - 1] {
                    let mut flipped = signature.clone();
                    flipped[bit / 8] ^= 1 << (bit % 8);
                    assert!(!pairs.verify(spec, algorithm, public, input, &flipped).unwrap());
                }
                let other_message = SignInput { message: b"messagE", ..input };
                assert!(!pairs.verify(spec, algorithm, public, other_message, &signature).unwrap());
                let other_key = &other.public_spki;
                assert!(!pairs.verify(spec, algorithm, other_key, input, &signature).unwrap());
            }
            for &algorithm in key_pair::encryption_algorithms(spec) {
                let max = key_pair::max_plaintext_len(spec, algorithm).unwrap();
                for len in [1, max] {
                    let plaintext = vec![0x5a; len];
                    let ciphertext = pairs
                        .encrypt(spec, algorithm, &pair.public_spki, &plaintext, &mut rng())
                        .unwrap();
                    let expected = match key_pair::rsa_modulus_len(spec) {
                        Some(k) => k,
                        None => sizes.kem_ciphertext + 12 + len + 16,
                    };
                    assert_eq!(ciphertext.len(), expected, "{spec} {algorithm}");
                    let private = pair.private_pkcs8.expose();
                    let opened = pairs.decrypt(spec, algorithm, private, &ciphertext).unwrap();
                    assert_eq!(opened.expose(), plaintext);
                    let mut flipped = ciphertext.clone();
                    *flipped.last_mut().unwrap() ^= 1;
                    assert!(pairs.decrypt(spec, algorithm, private, &flipped).is_err());
                    let wrong = other.private_pkcs8.expose();
                    assert!(pairs.decrypt(spec, algorithm, wrong, &ciphertext).is_err());
                }
                let too_long = vec![0u8; max + 1];
                assert!(
                    pairs
                        .encrypt(spec, algorithm, &pair.public_spki, &too_long, &mut rng())
                        .is_err()
                );
            }
            if !key_pair::key_agreement_algorithms(spec).is_empty() {
                let ours = pairs
                    .derive_shared_secret(spec, pair.private_pkcs8.expose(), &other.public_spki)
                    .unwrap();
                let theirs = pairs
                    .derive_shared_secret(spec, other.private_pkcs8.expose(), &pair.public_spki)
                    .unwrap();
                assert_eq!(ours, theirs, "{spec}");
                assert_eq!(ours.len(), sizes.shared_secret);
            }
        }
    }
}
