#!/usr/bin/env bash
# The gate's dry run with a real code change: adds one extra copy of the plaintext to the
# engine's Encrypt (the kind of regression a refactor slips in), rebuilds, runs the gate and
# expects it to fail on the workload where the copy is a measurable share of the work; then
# restores the source and checks the gate passes again.
#
#   benches/gate/dry-run.sh          # from the repository root; ~3 minutes on 2 cores
#
# CI runs the cheaper `kmsim-bench gate --slowdown` check on every change (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/../.."

target=engine/src/engine/data.rs
if ! git diff --quiet -- "$target"; then
  echo "dry-run: $target has uncommitted changes; commit or stash them first" >&2
  exit 2
fi
restore() { git checkout -q -- "$target"; }
trap restore EXIT

# The regression: Encrypt copies its plaintext once more before sealing it.
python3 - "$target" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
anchor = re.search(r"pub\(super\) fn encrypt\([^{]*\{\n", text)
assert anchor, "the encrypt function moved: update the dry run"
regression = "    let _copy = std::hint::black_box(req.plaintext.expose().to_vec());\n"
open(path, "w").write(text[: anchor.end()] + regression + text[anchor.end():])
PY

gate() { ./target/release/kmsim-bench gate --only "$@"; }
cargo build --release -p benches --bin kmsim-bench --locked
set +e
gate engine/Encrypt/1KiB/insecure-modelling --only engine/Encrypt/1KiB/aws-lc-rs
status=$?
set -e
restore
trap - EXIT
if [ "$status" -ne 1 ]; then
  echo "dry-run: the gate did not fail on the slowed-down Encrypt (exit $status)" >&2
  exit 1
fi
echo "dry-run: the gate caught the regression (exit 1); rebuilding the original source"
cargo build --release -p benches --bin kmsim-bench --locked
gate engine/Encrypt/1KiB/insecure-modelling --only engine/Encrypt/1KiB/aws-lc-rs
echo "dry-run: passed: the regression fails the gate, the original passes it"
