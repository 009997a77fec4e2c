//! Integration tests of the engine, through its public API only.

// Helpers outside `#[test]` functions unwrap too: a failure there is the test failing.
#![expect(clippy::unwrap_used, reason = "test helpers; a panic is the test failing")]

mod support;

mod alarms;
mod aliases_and_tags;
mod asymmetric;
mod asymmetric_openssl;
mod asymmetric_vectors;
mod audit;
mod aws_managed_keys;
mod custom_key_stores;
mod data_plane;
mod determinism;
mod grants;
mod import;
mod import_crypto;
mod key_pairs;
mod key_states;
mod lifecycle;
mod multi_region;
mod policies;
mod policy;
mod properties;
mod quotas;
mod rotation;
mod vectors;
