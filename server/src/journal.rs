//! Durable state for `kmsim serve --state-dir`: a journal of every call that reached an
//! engine, appended and flushed to disk before the call runs, encrypted at rest.
//!
//! The engines are deterministic (same seed, same calls at the same times ⇒ same keys,
//! same ciphertexts, same state), so the journal needs no snapshot of keys: replaying its
//! calls in order through fresh engines rebuilds exactly the state every acknowledged
//! answer was given from. A call is acknowledged only after its record is on disk
//! (`sync_data`), so a crash at any moment (kill -9 included) loses nothing acknowledged;
//! a record torn by the crash was never acknowledged and is cut off on the next start.
//!
//! ```text
//! file   = header record*
//! header = "KMSIMJ01" (8) | file id (16, random) | seed (8, BE) | key check (16)
//! record = length (4, BE: of sealed) | sealed = AES-256-GCM(record body) ‖ tag (16)
//! body   = kind (1 call, 2 reset, 3 clock advance, 4 replication lag, 5 call through a
//!          service) | now_ns (8; for 3 and 4, the advance or the lag [ns])
//!          | access key | region | operation | request (calls only)
//!          | via service (5 only: the `x-kmsim-via-service` endpoint)
//!          (each string: length (2, BE; 0xFFFF = absent) ‖ bytes; request: length (4) ‖ bytes)
//! ```
//!
//! The file key is HKDF-SHA-256(root key, salt = file id, info = "kmsim journal v1"); record
//! `i` is sealed with nonce = `i` (12 bytes, BE) and AAD = header ‖ `i`, so records can be
//! neither reordered nor moved between journals. The key check is the tag of an empty
//! message under nonce 2^64 − 1: a wrong root key is refused at open, before any replay.
//! Request bodies hold plaintexts (Encrypt, ImportKeyMaterial): they never reach the disk
//! in the clear.

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use engine::Timestamp;
use engine::crypto::{CryptoProvider, ProviderKind};
use zeroize::Zeroizing;

use crate::kms::Caller;

const MAGIC: &[u8; 8] = b"KMSIMJ01";
const HEADER_LEN: usize = 8 + 16 + 8 + 16;
const TAG_LEN: usize = 16;
const INFO: &[u8] = b"kmsim journal v1";
const FILE_NAME: &str = "journal.kmsim";
/// A record is one request: far below this, so a larger length is corruption.
const MAX_RECORD_LEN: usize = 8 << 20;

/// The provider that seals the journal: the default, whatever the engines use.
fn crypto() -> &'static CryptoProvider {
    ProviderKind::AwsLcRs.provider()
}

/// The 256-bit key the journal is encrypted under. Never printed.
pub struct RootKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for RootKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RootKey(*** Sensitive Data Redacted ***)")
    }
}

impl RootKey {
    /// A root key from 64 hexadecimal digits (surrounding whitespace ignored).
    ///
    /// # Errors
    /// [`JournalError::RootKey`] if it is not exactly 64 hex digits; the message never
    /// echoes the input.
    pub fn from_hex(text: &str) -> Result<Self, JournalError> {
        let text = text.trim().as_bytes();
        let mut key = Zeroizing::new([0u8; 32]);
        if text.len() != 64 {
            return Err(JournalError::RootKey(format!(
                "a root key is 64 hexadecimal digits (32 bytes), got {} characters",
                text.len()
            )));
        }
        for (byte, pair) in key.iter_mut().zip(text.chunks_exact(2)) {
            let digit = |c: u8| char::from(c).to_digit(16);
            let (Some(hi), Some(lo)) = (digit(pair[0]), digit(pair[1])) else {
                return Err(JournalError::RootKey(
                    "a root key holds hexadecimal digits only".into(),
                ));
            };
            *byte = u8::try_from(hi * 16 + lo).unwrap_or_default();
        }
        Ok(Self(key))
    }
}

/// What went wrong opening or writing the journal.
#[derive(Debug)]
pub enum JournalError {
    /// The file system refused.
    Io(PathBuf, std::io::Error),
    /// The root key is malformed.
    RootKey(String),
    /// The journal was written under another root key.
    WrongRootKey(PathBuf),
    /// The journal is damaged before its last record (not a torn tail).
    Corrupt(PathBuf, String),
}

impl std::fmt::Display for JournalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(path, error) => write!(f, "{}: {error}", path.display()),
            Self::RootKey(why) => write!(f, "root key: {why}"),
            Self::WrongRootKey(path) => write!(
                f,
                "{}: the journal was written under another root key (or its header is damaged)",
                path.display()
            ),
            Self::Corrupt(path, why) => write!(f, "{}: corrupt journal: {why}", path.display()),
        }
    }
}

impl std::error::Error for JournalError {}

/// One journaled event, as read back.
#[derive(Clone, PartialEq, Eq)]
pub enum Entry {
    /// A call that reached an engine, as it arrived (`body` may hold a plaintext: zeroized
    /// when dropped, never printed).
    Call {
        /// When it ran (engine time).
        now: Timestamp,
        /// Who called, from the signature.
        caller: Caller,
        /// `TrentService.<operation>`'s operation.
        operation: String,
        /// The JSON request body.
        body: Zeroizing<Vec<u8>>,
    },
    /// `POST /moto-api/reset`.
    Reset {
        /// When it ran (engine time).
        now: Timestamp,
    },
    /// `POST /kmsim/clock`: the server's clock moved forward.
    Advance {
        /// By how much [ns].
        by_ns: u64,
    },
    /// The server started with another replication lag than the journal's last.
    ReplicationLag {
        /// The lag from then on [ns].
        lag_ns: u64,
    },
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Call { now, caller, operation, body } => f
                .debug_struct("Call")
                .field("now", now)
                .field("caller", caller)
                .field("operation", operation)
                .field("body", &format_args!("<{} bytes>", body.len()))
                .finish(),
            Self::Reset { now } => f.debug_struct("Reset").field("now", now).finish(),
            Self::Advance { by_ns } => f.debug_struct("Advance").field("by_ns", by_ns).finish(),
            Self::ReplicationLag { lag_ns } => {
                f.debug_struct("ReplicationLag").field("lag_ns", lag_ns).finish()
            }
        }
    }
}

/// An open journal, positioned to append.
pub struct Journal {
    file: File,
    path: PathBuf,
    header: [u8; HEADER_LEN],
    key: Zeroizing<[u8; 32]>,
    records: u64,
    seed: u64,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("path", &self.path)
            .field("records", &self.records)
            .finish_non_exhaustive()
    }
}

impl Journal {
    /// Opens the journal in `dir` (created with `seed` if absent), and returns it with every
    /// entry it holds, oldest first. A record torn by a crash at the tail is cut off.
    ///
    /// # Errors
    /// [`JournalError`]: the directory or file cannot be used, the root key is not the one
    /// the journal was written under, or a record before the last one is damaged.
    pub fn open(
        dir: &Path,
        root: &RootKey,
        seed: u64,
        file_id: [u8; 16],
    ) -> Result<(Self, Vec<Entry>), JournalError> {
        let path = dir.join(FILE_NAME);
        let io = |e| JournalError::Io(path.clone(), e);
        std::fs::create_dir_all(dir).map_err(|e| JournalError::Io(dir.to_path_buf(), e))?;
        let mut file =
            OpenOptions::new().read(true).append(true).create(true).open(&path).map_err(io)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        if bytes.len() < HEADER_LEN {
            // New, or torn while its header was written (nothing was ever acknowledged).
            return Self::create(file, path, root, seed, file_id);
        }
        let mut header = [0u8; HEADER_LEN];
        header.copy_from_slice(&bytes[..HEADER_LEN]);
        if &header[..8] != MAGIC {
            return Err(JournalError::Corrupt(path, "not a kmsim journal".into()));
        }
        let key = file_key(root, &header[8..24])
            .map_err(|()| JournalError::WrongRootKey(path.clone()))?;
        if key_check(&key, &header[..32]).as_slice() != &header[32..] {
            return Err(JournalError::WrongRootKey(path));
        }
        let journal_seed = u64::from_be_bytes(header[24..32].try_into().unwrap_or_default());
        let mut journal = Self { file, path, header, key, records: 0, seed: journal_seed };
        let (entries, good_len) = journal.read_records(&bytes[HEADER_LEN..])?;
        if good_len + HEADER_LEN < bytes.len() {
            // A torn tail: never acknowledged. Cut it so the next record follows the last
            // good one.
            let keep = u64::try_from(good_len + HEADER_LEN).unwrap_or(u64::MAX);
            journal.file.set_len(keep).map_err(|e| JournalError::Io(journal.path.clone(), e))?;
            journal.file.sync_data().map_err(|e| JournalError::Io(journal.path.clone(), e))?;
        }
        journal
            .file
            .seek(SeekFrom::End(0))
            .map_err(|e| JournalError::Io(journal.path.clone(), e))?;
        Ok((journal, entries))
    }

    fn create(
        mut file: File,
        path: PathBuf,
        root: &RootKey,
        seed: u64,
        file_id: [u8; 16],
    ) -> Result<(Self, Vec<Entry>), JournalError> {
        let io = |e| JournalError::Io(path.clone(), e);
        let mut header = [0u8; HEADER_LEN];
        header[..8].copy_from_slice(MAGIC);
        header[8..24].copy_from_slice(&file_id);
        header[24..32].copy_from_slice(&seed.to_be_bytes());
        let key = file_key(root, &file_id)
            .map_err(|()| JournalError::RootKey("key derivation failed".into()))?;
        let check = key_check(&key, &header[..32]);
        header[32..].copy_from_slice(&check);
        file.set_len(0).map_err(io)?;
        file.write_all(&header).map_err(io)?;
        file.sync_all().map_err(io)?;
        // The new file's directory entry must be durable too.
        if let Some(dir) = path.parent() {
            File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| JournalError::Io(dir.to_path_buf(), e))?;
        }
        Ok((Self { file, path, header, key, records: 0, seed }, Vec::new()))
    }

    /// The seed the journal's engines were created with.
    #[must_use]
    pub const fn seed(&self) -> u64 {
        self.seed
    }

    /// Records in the journal.
    #[must_use]
    pub const fn len(&self) -> u64 {
        self.records
    }

    /// Whether the journal holds no record.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.records == 0
    }

    /// Appends a call and flushes it to disk; when this returns `Ok`, the call survives any
    /// crash.
    ///
    /// # Errors
    /// [`JournalError::Io`] if the write or the flush fails; the entry must then not be
    /// acted on.
    pub fn append_call(
        &mut self,
        now: Timestamp,
        caller: &Caller,
        operation: &str,
        body: &[u8],
    ) -> Result<(), JournalError> {
        self.append(encode_call(now, caller, operation, body))
    }

    /// Appends a reset and flushes it to disk.
    ///
    /// # Errors
    /// As [`Journal::append_call`].
    pub fn append_reset(&mut self, now: Timestamp) -> Result<(), JournalError> {
        let mut out = Zeroizing::new(Vec::with_capacity(9));
        out.push(2);
        out.extend_from_slice(&now.unix_nanos().to_be_bytes());
        self.append(out)
    }

    /// Appends a move of the clock and flushes it to disk.
    ///
    /// # Errors
    /// As [`Journal::append_call`].
    pub fn append_advance(&mut self, by_ns: u64) -> Result<(), JournalError> {
        self.append_word(3, by_ns)
    }

    /// Appends a change of the replication lag and flushes it to disk.
    ///
    /// # Errors
    /// As [`Journal::append_call`].
    pub fn append_replication_lag(&mut self, lag_ns: u64) -> Result<(), JournalError> {
        self.append_word(4, lag_ns)
    }

    fn append_word(&mut self, kind: u8, word: u64) -> Result<(), JournalError> {
        let mut out = Zeroizing::new(Vec::with_capacity(9));
        out.push(kind);
        out.extend_from_slice(&word.to_be_bytes());
        self.append(out)
    }

    fn append(&mut self, mut sealed: Zeroizing<Vec<u8>>) -> Result<(), JournalError> {
        let tag = crypto()
            .aes_256_gcm
            .seal(&self.key, &nonce(self.records), &self.aad(self.records), &mut sealed)
            .map_err(|_| JournalError::Corrupt(self.path.clone(), "sealing failed".into()))?;
        let mut record = Vec::with_capacity(4 + sealed.len() + TAG_LEN);
        let len = u32::try_from(sealed.len() + TAG_LEN).unwrap_or(u32::MAX);
        record.extend_from_slice(&len.to_be_bytes());
        record.extend_from_slice(&sealed);
        record.extend_from_slice(&tag);
        let io = |e| JournalError::Io(self.path.clone(), e);
        self.file.write_all(&record).map_err(io)?;
        self.file.sync_data().map_err(io)?;
        self.records += 1;
        Ok(())
    }

    fn aad(&self, index: u64) -> [u8; HEADER_LEN + 8] {
        let mut aad = [0u8; HEADER_LEN + 8];
        aad[..HEADER_LEN].copy_from_slice(&self.header);
        aad[HEADER_LEN..].copy_from_slice(&index.to_be_bytes());
        aad
    }

    /// The entries of `bytes` (the records after the header) and how many bytes of it are
    /// whole, authentic records.
    fn read_records(&mut self, bytes: &[u8]) -> Result<(Vec<Entry>, usize), JournalError> {
        let mut entries = Vec::new();
        let mut at = 0;
        while bytes.len() - at >= 4 {
            let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap_or_default()) as usize;
            let end = at + 4 + len;
            if end > bytes.len() {
                break; // the last record, torn mid-write: its length runs past the end
            }
            if !(TAG_LEN..=MAX_RECORD_LEN).contains(&len) {
                return Err(JournalError::Corrupt(
                    self.path.clone(),
                    format!("record {} has length {len}", self.records),
                ));
            }
            let mut sealed = Zeroizing::new(bytes[at + 4..end].to_vec());
            let opened = crypto().aes_256_gcm.open(
                &self.key,
                &nonce(self.records),
                &self.aad(self.records),
                &mut sealed,
            );
            if opened.is_err() {
                if end == bytes.len() {
                    break; // the last record, torn mid-write
                }
                return Err(JournalError::Corrupt(
                    self.path.clone(),
                    format!("record {} fails authentication", self.records),
                ));
            }
            let plain = &sealed[..sealed.len() - TAG_LEN];
            let entry = decode(plain).ok_or_else(|| {
                JournalError::Corrupt(
                    self.path.clone(),
                    format!("record {} is malformed", self.records),
                )
            })?;
            entries.push(entry);
            self.records += 1;
            at = end;
        }
        Ok((entries, at))
    }
}

fn file_key(root: &RootKey, file_id: &[u8]) -> Result<Zeroizing<[u8; 32]>, ()> {
    let mut key = Zeroizing::new([0u8; 32]);
    crypto().hkdf_sha256.derive(file_id, root.0.as_ref(), INFO, key.as_mut()).map_err(|_| ())?;
    Ok(key)
}

fn key_check(key: &[u8; 32], header_prefix: &[u8]) -> [u8; 16] {
    crypto().aes_256_gcm.seal(key, &[0xff; 12], header_prefix, &mut []).unwrap_or_default()
}

fn nonce(index: u64) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[4..].copy_from_slice(&index.to_be_bytes());
    nonce
}

fn put_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            let len = u16::try_from(s.len()).unwrap_or(u16::MAX - 1).min(u16::MAX - 1);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(&s.as_bytes()[..usize::from(len)]);
        }
        None => out.extend_from_slice(&u16::MAX.to_be_bytes()),
    }
}

/// A call's record body; zeroized when dropped (a request may hold a plaintext).
fn encode_call(
    now: Timestamp,
    caller: &Caller,
    operation: &str,
    body: &[u8],
) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(64 + body.len()));
    // A call through a service is kind 5, so journals without one read as before.
    out.push(if caller.via_service.is_some() { 5 } else { 1 });
    out.extend_from_slice(&now.unix_nanos().to_be_bytes());
    put_str(&mut out, caller.access_key.as_deref());
    put_str(&mut out, caller.region.as_deref());
    put_str(&mut out, Some(operation));
    let len = u32::try_from(body.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body);
    if let Some(via_service) = &caller.via_service {
        put_str(&mut out, Some(via_service));
    }
    out
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }

    fn string(&mut self) -> Option<Option<String>> {
        let len = u16::from_be_bytes(self.take(2)?.try_into().ok()?);
        if len == u16::MAX {
            return Some(None);
        }
        let bytes = self.take(usize::from(len))?;
        Some(Some(String::from_utf8(bytes.to_vec()).ok()?))
    }
}

fn decode(bytes: &[u8]) -> Option<Entry> {
    let mut r = Reader(bytes);
    let kind = r.take(1)?[0];
    let now = Timestamp::from_unix_nanos(r.u64()?);
    let entry = match kind {
        1 | 5 => {
            let access_key = r.string()?;
            let region = r.string()?;
            let operation = r.string()??;
            let len = u32::from_be_bytes(r.take(4)?.try_into().ok()?) as usize;
            let body = Zeroizing::new(r.take(len)?.to_vec());
            let via_service = if kind == 5 { Some(r.string()??) } else { None };
            Entry::Call { now, caller: Caller { access_key, region, via_service }, operation, body }
        }
        2 => Entry::Reset { now },
        3 => Entry::Advance { by_ns: now.unix_nanos() },
        4 => Entry::ReplicationLag { lag_ns: now.unix_nanos() },
        _ => return None,
    };
    r.0.is_empty().then_some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> RootKey {
        RootKey::from_hex(&"ab".repeat(32)).unwrap()
    }

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kmsim-journal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn call(n: u64) -> Entry {
        Entry::Call {
            now: Timestamp::from_unix_seconds(1_796_000_000 + n),
            caller: Caller {
                access_key: Some("AKID".into()),
                region: None,
                // Every third call comes through a service: both record kinds round-trip.
                via_service: n.is_multiple_of(3).then(|| "s3.us-east-1.amazonaws.com".to_owned()),
            },
            operation: "Encrypt".into(),
            body: Zeroizing::new(
                format!(r#"{{"KeyId":"k","Plaintext":"c2VjcmV0{n}"}}"#).into_bytes(),
            ),
        }
    }

    fn append(journal: &mut Journal, entry: &Entry) {
        match entry {
            Entry::Call { now, caller, operation, body } => {
                journal.append_call(*now, caller, operation, body).unwrap();
            }
            Entry::Reset { now } => journal.append_reset(*now).unwrap(),
            Entry::Advance { by_ns } => journal.append_advance(*by_ns).unwrap(),
            Entry::ReplicationLag { lag_ns } => journal.append_replication_lag(*lag_ns).unwrap(),
        }
    }

    #[test]
    fn entries_survive_reopening_and_are_encrypted_at_rest() {
        let dir = dir("reopen");
        let (mut journal, entries) = Journal::open(&dir, &root(), 42, [1; 16]).unwrap();
        assert!(entries.is_empty() && journal.is_empty());
        for n in 0..3 {
            append(&mut journal, &call(n));
        }
        append(&mut journal, &Entry::Reset { now: Timestamp::from_unix_seconds(9) });
        append(&mut journal, &Entry::Advance { by_ns: 86_400_000_000_000 });
        append(&mut journal, &Entry::ReplicationLag { lag_ns: 1_500_000_000 });
        drop(journal);
        let bytes = std::fs::read(dir.join(FILE_NAME)).unwrap();
        assert!(
            !bytes.windows(6).any(|w| w == b"c2VjcmV"),
            "a request reached the disk in the clear"
        );
        assert!(!bytes.windows(7).any(|w| w == b"Encrypt"));

        // The seed given on reopening is ignored: the journal's own is kept.
        let (journal, entries) = Journal::open(&dir, &root(), 7, [2; 16]).unwrap();
        assert_eq!(journal.seed(), 42);
        assert_eq!(journal.len(), 6);
        assert_eq!(entries[..3], [call(0), call(1), call(2)]);
        assert_eq!(entries[3], Entry::Reset { now: Timestamp::from_unix_seconds(9) });
        assert_eq!(entries[4], Entry::Advance { by_ns: 86_400_000_000_000 });
        assert_eq!(entries[5], Entry::ReplicationLag { lag_ns: 1_500_000_000 });
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_torn_tail_is_cut_and_the_journal_goes_on() {
        let dir = dir("torn");
        let (mut journal, _) = Journal::open(&dir, &root(), 1, [3; 16]).unwrap();
        append(&mut journal, &call(0));
        append(&mut journal, &call(1));
        drop(journal);
        let path = dir.join(FILE_NAME);
        let full = std::fs::read(&path).unwrap();
        // Every cut inside the last record leaves the first one intact.
        let second_starts = {
            let first_len =
                u32::from_be_bytes(full[HEADER_LEN..HEADER_LEN + 4].try_into().unwrap());
            HEADER_LEN + 4 + first_len as usize
        };
        for cut in second_starts..full.len() {
            std::fs::write(&path, &full[..cut]).unwrap();
            let (mut journal, entries) = Journal::open(&dir, &root(), 1, [3; 16]).unwrap();
            assert_eq!(entries, [call(0)], "cut at {cut}");
            append(&mut journal, &call(5));
            drop(journal);
            let (_, entries) = Journal::open(&dir, &root(), 1, [3; 16]).unwrap();
            assert_eq!(entries, [call(0), call(5)], "cut at {cut}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn damage_and_a_wrong_root_key_are_refused() {
        let dir = dir("damage");
        let (mut journal, _) = Journal::open(&dir, &root(), 1, [4; 16]).unwrap();
        append(&mut journal, &call(0));
        append(&mut journal, &call(1));
        drop(journal);
        let other = RootKey::from_hex(&"cd".repeat(32)).unwrap();
        assert!(matches!(
            Journal::open(&dir, &other, 1, [4; 16]),
            Err(JournalError::WrongRootKey(_))
        ));
        let path = dir.join(FILE_NAME);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[HEADER_LEN + 10] ^= 1; // inside the first record, not the tail
        std::fs::write(&path, &bytes).unwrap();
        let error = Journal::open(&dir, &root(), 1, [4; 16]).unwrap_err();
        assert!(error.to_string().contains("record 0 fails authentication"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn root_keys_are_64_hex_digits_and_never_echoed() {
        assert!(RootKey::from_hex(&format!("  {}\n", "0f".repeat(32))).is_ok());
        let short = RootKey::from_hex("abcd").unwrap_err().to_string();
        assert!(short.contains("64 hexadecimal digits") && !short.contains("abcd"), "{short}");
        let bad = RootKey::from_hex(&"zz".repeat(32)).unwrap_err().to_string();
        assert!(!bad.contains("zz"), "{bad}");
        assert_eq!(format!("{:?}", root()), "RootKey(*** Sensitive Data Redacted ***)");
    }
}
