//! Response bodies: JSON written member by member into one buffer.
//!
//! Written by hand rather than through a `serde_json::Value`, so that a secret's base64 is
//! written once, into the body itself, and nowhere else.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use engine::time::NANOS_PER_SECOND;
use engine::{Plaintext, Timestamp};

/// Writes one JSON object. Members are written in call order; [`ObjectWriter::close`] ends it.
#[must_use = "an object must be closed"]
pub(super) struct ObjectWriter<'o> {
    out: &'o mut Vec<u8>,
    empty: bool,
}

impl<'o> ObjectWriter<'o> {
    /// Starts an object at the end of `out`.
    pub(super) fn open(out: &'o mut Vec<u8>) -> Self {
        out.push(b'{');
        Self { out, empty: true }
    }

    /// Ends the object.
    pub(super) fn close(self) {
        self.out.push(b'}');
    }

    /// Writes `"name":`, after a comma unless it is the first member.
    fn key(&mut self, name: &str) {
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        write_string(self.out, name);
        self.out.push(b':');
    }

    /// A string member.
    pub(super) fn str(&mut self, name: &str, value: &str) {
        self.key(name);
        write_string(self.out, value);
    }

    /// A string member, if present.
    pub(super) fn opt_str(&mut self, name: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.str(name, value);
        }
    }

    /// A string member written with `Display` (ids, ARNs).
    pub(super) fn display(&mut self, name: &str, value: &impl fmt::Display) {
        self.str(name, &value.to_string());
    }

    /// A `Display` string member, if present.
    pub(super) fn opt_display(&mut self, name: &str, value: Option<&impl fmt::Display>) {
        if let Some(value) = value {
            self.display(name, value);
        }
    }

    /// A boolean member.
    pub(super) fn bool(&mut self, name: &str, value: bool) {
        self.key(name);
        self.out.extend_from_slice(if value { b"true" } else { b"false" });
    }

    /// An integer member.
    pub(super) fn integer(&mut self, name: &str, value: u32) {
        self.key(name);
        self.out.extend_from_slice(value.to_string().as_bytes());
    }

    /// An integer member, if present.
    pub(super) fn opt_integer(&mut self, name: &str, value: Option<u32>) {
        if let Some(value) = value {
            self.integer(name, value);
        }
    }

    /// A timestamp member: a number of seconds since the epoch, whole when the timestamp
    /// is, with as many decimals as it needs otherwise (`1796025600.25`).
    pub(super) fn timestamp(&mut self, name: &str, value: Timestamp) {
        self.key(name);
        let nanos = value.unix_nanos();
        self.out.extend_from_slice((nanos / NANOS_PER_SECOND).to_string().as_bytes());
        let fraction = nanos % NANOS_PER_SECOND;
        if fraction != 0 {
            // Written as decimal digits rather than through an f64: exact, and a number
            // every JSON parser reads.
            let digits = format!("{fraction:09}");
            self.out.push(b'.');
            self.out.extend_from_slice(digits.trim_end_matches('0').as_bytes());
        }
    }

    /// A timestamp member, if present.
    pub(super) fn opt_timestamp(&mut self, name: &str, value: Option<Timestamp>) {
        if let Some(value) = value {
            self.timestamp(name, value);
        }
    }

    /// A blob member: standard, padded base64.
    pub(super) fn blob(&mut self, name: &str, bytes: &[u8]) {
        self.key(name);
        write_base64(self.out, bytes);
    }

    /// A list-of-strings member.
    pub(super) fn strs<'s>(&mut self, name: &str, items: impl IntoIterator<Item = &'s str>) {
        self.key(name);
        self.out.push(b'[');
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            write_string(self.out, item);
        }
        self.out.push(b']');
    }

    /// A structure member, written by `write`.
    pub(super) fn object(&mut self, name: &str, write: impl FnOnce(&mut ObjectWriter<'_>)) {
        self.key(name);
        let mut object = ObjectWriter::open(self.out);
        write(&mut object);
        object.close();
    }

    /// A list-of-structures member, each item written by `write`.
    pub(super) fn objects<T>(
        &mut self,
        name: &str,
        items: impl IntoIterator<Item = T>,
        mut write: impl FnMut(&mut ObjectWriter<'_>, T),
    ) {
        self.key(name);
        self.out.push(b'[');
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            let mut object = ObjectWriter::open(self.out);
            write(&mut object, item);
            object.close();
        }
        self.out.push(b']');
    }

    /// Writes the secret member `name` last and ends the object.
    ///
    /// The buffer is grown first for everything still to come, so no later reallocation
    /// can leave a copy of the secret's base64 in freed memory.
    pub(super) fn close_with_secret(mut self, name: &str, secret: &Plaintext) {
        // `,"name":"<base64>"}`: a comma, four quotes, a colon and the brace.
        self.out.reserve(name.len() + base64_len(secret.len()) + 7);
        self.key(name);
        write_base64(self.out, secret.expose());
        self.close();
    }
}

/// Length of the padded base64 of `len` bytes.
const fn base64_len(len: usize) -> usize {
    len.div_ceil(3) * 4
}

/// Writes `bytes` as a quoted base64 string, encoding straight into `out`.
fn write_base64(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    let start = out.len();
    out.resize(start + base64_len(bytes.len()), 0);
    // The slice is exactly the padded length, so the encoder cannot run out of room; if it
    // ever did, the string is left empty rather than holding zeros.
    let written = STANDARD.encode_slice(bytes, &mut out[start..]).unwrap_or(0);
    out.truncate(start + written);
    out.push(b'"');
}

/// Writes `text` as a JSON string, escaping what JSON requires.
fn write_string(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for &byte in text.as_bytes() {
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x00..=0x1f => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(byte >> 4)]);
                out.push(HEX[usize::from(byte & 0x0f)]);
            }
            // Multi-byte UTF-8 passes through: JSON text is UTF-8.
            _ => out.push(byte),
        }
    }
    out.push(b'"');
}
