#!/usr/bin/env bash
# kmsim load: Encrypt of 1 KiB, closed loop, 16 connections, 10 s after 1 s of warm-up,
# in-process, against kmsim serve and against moto_server on loopback, one after the
# other in one run. Needs ./target/release/kmsim and target/moto-venv (server/conformance/moto.sh).
set -euo pipefail
cd "$(dirname "$0")/../../.."
load() { ./target/release/kmsim load --duration-s 10 --warmup-s 1 --connections 16 --payload-bytes 1024 --json "$@"; }
load > "$1/in-process.json"
./target/release/kmsim serve --listen 127.0.0.1:4599 --seed 1 > /dev/null &
kmsim_pid=$!
target/moto-venv/bin/moto_server -H 127.0.0.1 -p 5001 > /dev/null 2>&1 &
moto_pid=$!
trap 'kill $kmsim_pid $moto_pid 2> /dev/null || true' EXIT
sleep 3
load --endpoint http://127.0.0.1:4599 > "$1/kmsim-serve.json"
load --endpoint http://127.0.0.1:5001 > "$1/moto-server.json"
