#!/usr/bin/env bash
# moto's KMS test suite against `kmsim serve`: installs moto (pinned) and its test
# dependencies into a venv under target/, unpacks moto's source distribution (which ships
# tests/test_kms), and runs run_moto.py. Needs ./target/release/kmsim built first.
#
#   server/conformance/moto.sh             # from the repository root
set -euo pipefail
cd "$(dirname "$0")/../.."

MOTO_VERSION=5.2.5
venv=target/moto-venv
src=target/moto-src
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  "moto[server]==$MOTO_VERSION" "pytest==9.2.0" "freezegun==1.5.5"
if [ ! -d "$src/moto-$MOTO_VERSION/tests/test_kms" ]; then
  rm -rf "$src"
  mkdir -p "$src"
  "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    --dest "$src" "moto==$MOTO_VERSION"
  tar -xzf "$src/moto-$MOTO_VERSION.tar.gz" -C "$src"
fi
"$venv/bin/python" server/conformance/run_moto.py ./target/release/kmsim "$src/moto-$MOTO_VERSION" \
  --junit target/moto-kms.xml
