#!/usr/bin/env python3
"""Best-of-N ratio tables from criterion's terminal output of whole-suite runs.

Usage: ratios.py RUN1.log [RUN2.log ...] > tables.md

For every benchmark the smallest of the runs' medians is kept (the closest estimate of the
machine's limit on a shared, noisy host). Prints:
  1. each primitive: the default provider (aws-lc-rs) beside every other implementation
     measured, the fastest, and default ÷ fastest;
  2. envelope encryption against direct Encrypt per volume, with 1 GiB extrapolated as
     16 × the measured 64 MiB (each strategy is linear in the volume there);
  3. every benchmark's best median and each run's median, for the record.
"""
import re
import sys

UNIT_NS = {"ps": 1e-3, "ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}
PATTERN = re.compile(r"^(\S.*?)\s*\n?\s+time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", re.M)
DEFAULT = "aws-lc-rs"
IMPLEMENTATIONS = ["aws-lc-rs", "rustcrypto", "ring", "ring+keyinit"]


def medians(path):
    text = open(path, encoding="utf-8").read()
    return {m.group(1).strip(): float(m.group(2)) * UNIT_NS[m.group(3)] for m in PATTERN.finditer(text)}


def human(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


runs = [medians(p) for p in sys.argv[1:]]
if not runs:
    sys.exit(__doc__)
names = sorted({n for run in runs for n in run})
best = {n: min(run[n] for run in runs if n in run) for n in names}

# 1. Primitives: crypto/<primitive…>/<implementation>[/<size>].
primitives = {}
for name in names:
    parts = name.split("/")
    if parts[0] != "crypto":
        continue
    impl = next((p for p in parts if p in IMPLEMENTATIONS), None)
    if impl is None:
        continue
    key = "/".join(p for p in parts[1:] if p != impl)
    primitives.setdefault(key, {})[impl] = best[name]

print(f"| primitive | {' | '.join(IMPLEMENTATIONS)} | fastest | default ÷ fastest |")
print("|---|" + "---:|" * len(IMPLEMENTATIONS) + "---|---:|")
ratios = []
for key, by_impl in primitives.items():
    if DEFAULT not in by_impl or len(by_impl) < 2:
        continue
    fastest = min(by_impl, key=by_impl.get)
    ratio = by_impl[DEFAULT] / by_impl[fastest]
    ratios.append((ratio, key, fastest))
    cells = " | ".join(human(by_impl[i]) if i in by_impl else "" for i in IMPLEMENTATIONS)
    print(f"| `{key}` | {cells} | {fastest} | {ratio:.2f}x |")

print()
print("Worst ratios:")
for ratio, key, fastest in sorted(ratios, reverse=True)[:6]:
    print(f"- `{key}`: {ratio:.2f}x {fastest}")

# 2. Envelope vs direct.
print()
print("| volume | strategy | time | KMS calls | MiB/s |")
print("|---|---|---:|---:|---:|")
MIB = 1 << 20
CALLS = {
    "direct-encrypt": lambda size: size // 4096,
    "envelope": lambda size: size // MIB,
    "envelope+cache": lambda size: -(-(size // MIB) // 1000),
}
for label, size, scale in (("1MiB", MIB, 1), ("64MiB", 64 * MIB, 1), ("64MiB", 1024 * MIB, 16)):
    for strategy, calls in CALLS.items():
        ns = best.get(f"envelope/{strategy}/{label}")
        if ns is None:
            continue
        ns *= scale
        volume = label if scale == 1 else "1 GiB (16 × 64 MiB, extrapolated)"
        print(f"| {volume} | {strategy} | {human(ns)} | {calls(size):,} | {size / MIB / (ns / 1e9):,.0f} |")

# 3. Everything.
print()
print(f"| benchmark | best median of {len(runs)} runs | each run |")
print("|---|---:|---|")
for n in names:
    each = ", ".join(human(run[n]) for run in runs if n in run)
    print(f"| `{n}` | {human(best[n])} | {each} |")
