//! `kmsim serve`: the engine behind AWS KMS's wire protocol.
//!
//! - [`wire`]: AWS JSON 1.1 bodies to engine requests and engine responses (and errors) back
//!   to bodies, for every operation the engine implements.
//! - [`kms`]: one engine per Region behind one lock, and the path of a call.
//! - [`http`]: HTTP/1.1 (hyper on tokio) in front of it, plain or over TLS.
//! - [`sigv4`]: `--sigv4 strict`: every request's SigV4 signature checked against its
//!   access key's secret.
//! - [`tls`]: `--tls-cert`/`--tls-key`: rustls on aws-lc-rs, hybrid post-quantum key
//!   exchange first.
//! - [`journal`]: `--state-dir`: every call on disk, encrypted, before it runs; replayed on
//!   start.

pub mod http;
pub mod journal;
pub mod kms;
pub mod sigv4;
pub mod tls;
pub mod wire;
