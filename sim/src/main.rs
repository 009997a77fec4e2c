//! `kmsim`: placeholder until the simulator lands.
fn main() {}
