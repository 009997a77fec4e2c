//! Benches live in the `main` bench target; this library is empty.
