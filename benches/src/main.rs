//! kmsim's criterion benches: one target, one module per area.
//!
//! `cargo bench -p benches` runs them; `cargo test -p benches --benches` runs each once as a
//! smoke test. Every benchmark asserts its result, so it never times wrong code.

#![expect(clippy::unwrap_used, reason = "a benchmark asserts its result: a failure must panic")]

use criterion::{criterion_group, criterion_main};

/// The simulated request path allocates a buffer or two per request through the engine's
/// API; mimalloc serves them faster than the system allocator (see the workspace manifest).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod asymmetric;
mod crypto;
mod engine;
mod envelope;
mod key_pairs;
mod public_key;
mod sim;

// `public_key`, `asymmetric` and `key_pairs` last: their setup (RSA key generation, large
// allocations) runs when their groups are defined or first run, and run before the
// simulator's micro-benchmarks it left the allocator in a state that made `sim/events/mm1`
// 4x slower (8 ms → 32 ms, no code change), so groups that measure allocation-sensitive
// loops come first.
criterion_group!(
    benches,
    crypto::define,
    engine::define,
    engine::define_authorize,
    envelope::define,
    sim::define,
    sim::define_kms,
    public_key::define,
    asymmetric::define,
    key_pairs::define
);
criterion_main!(benches);
