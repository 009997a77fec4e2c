//! kmsim's criterion benches: one target, one module per area.
//!
//! `cargo bench -p benches` runs them; `cargo test -p benches --benches` runs each once as a
//! smoke test. Every benchmark asserts its result, so it never times wrong code.

#![expect(clippy::unwrap_used, reason = "a benchmark asserts its result: a failure must panic")]

use criterion::{criterion_group, criterion_main};

mod crypto;
mod engine;
mod envelope;
mod public_key;
mod sim;

criterion_group!(
    benches,
    crypto::define,
    engine::define,
    envelope::define,
    public_key::define,
    sim::define,
    sim::define_kms
);
criterion_main!(benches);
