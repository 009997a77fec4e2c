#!/usr/bin/env python3
"""Best-of-N medians from criterion's terminal output, and the ratios the issues ask for.

Usage: best-of.py RUN1.log [RUN2.log ...] > table.md
Each log is the output of one `cargo bench -p benches` run. For every benchmark the
smallest of the runs' medians is kept (the closest estimate of the machine's limit on a
shared, noisy host), as reference/crates.md does.
"""
import re
import sys

UNIT_NS = {"ps": 1e-3, "ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}
PATTERN = re.compile(r"^(\S.*?)\s*\n?\s+time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", re.M)


def medians(path):
    text = open(path, encoding="utf-8").read()
    return {m.group(1).strip(): float(m.group(2)) * UNIT_NS[m.group(3)] for m in PATTERN.finditer(text)}


runs = [medians(p) for p in sys.argv[1:]]
names = sorted({n for run in runs for n in run})
best = {n: min(run[n] for run in runs if n in run) for n in names}

print(f"| benchmark | best median of {len(runs)} runs [ns] | each run [ns] |")
print("|---|---:|---|")
for n in names:
    each = ", ".join(f"{run[n]:.0f}" for run in runs if n in run)
    print(f"| `{n}` | {best[n]:.0f} | {each} |")

print()
print("| ratio | 32B | 4KiB |")
print("|---|---:|---:|")
for provider in ("aws-lc-rs", "rustcrypto"):
    cells = []
    for size in ("32B", "4KiB"):
        engine = best.get(f"engine/encrypt/SYMMETRIC_DEFAULT/{provider}/{size}")
        floor = best.get(f"crypto/hkdf+aes256gcm/seal/{provider}/{size}")
        cells.append(f"{engine / floor:.2f}x" if engine and floor else "n/a")
    print(f"| engine Encrypt ÷ (HKDF + AES-GCM seal), {provider} | {cells[0]} | {cells[1]} |")
