//! Text formatted on the stack, for the per-call strings authorization compares (a key's
//! ARN, a role's ARN, an account id) and then drops.

use std::fmt::{self, Write as _};

/// Formats `args` into a 256-byte stack buffer and calls `f` with the text; longer text (a
/// role ARN with a long path) is formatted on the heap instead. A key ARN is at most 96
/// bytes, an i64 20, a date 20, an IPv6 address 45.
pub(crate) fn with_formatted<R>(args: fmt::Arguments<'_>, f: impl FnOnce(&str) -> R) -> R {
    struct Buf {
        bytes: [u8; 256],
        len: usize,
    }
    impl fmt::Write for Buf {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let end = self.len.checked_add(s.len()).filter(|&e| e <= self.bytes.len());
            let end = end.ok_or(fmt::Error)?;
            self.bytes[self.len..end].copy_from_slice(s.as_bytes());
            self.len = end;
            Ok(())
        }
    }
    let mut buf = Buf { bytes: [0; 256], len: 0 };
    // Writing whole `str`s keeps the buffer valid UTF-8.
    match buf.write_fmt(args).ok().and_then(|()| std::str::from_utf8(&buf.bytes[..buf.len]).ok()) {
        Some(text) => f(text),
        None => f(&fmt::format(args)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_and_long_text_read_the_same() {
        assert_eq!(with_formatted(format_args!("{:012}", 42), str::to_owned), "000000000042");
        let long = "x".repeat(300);
        assert_eq!(with_formatted(format_args!("a/{long}"), str::len), 302);
        assert_eq!(with_formatted(format_args!(""), str::len), 0);
    }
}
