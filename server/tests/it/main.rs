//! Integration tests of the server, through its public API and a real socket.

// Helpers outside `#[test]` functions unwrap too: a failure there is the test failing.
#![expect(clippy::unwrap_used, reason = "test helpers; a panic is the test failing")]

mod http;
mod sigv4;
mod tls;
