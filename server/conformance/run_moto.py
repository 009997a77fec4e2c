#!/usr/bin/env python3
"""moto's KMS test suite against `kmsim serve`, in moto's TEST_SERVER_MODE.

Usage: run_moto.py KMSIM MOTO_SRC [--junit FILE]

KMSIM is the kmsim binary; MOTO_SRC the unpacked moto source distribution (its
tests/test_kms). Starts `kmsim serve` on a free loopback port, runs the suite with pytest
(every test resets the server through POST /moto-api/reset), and compares the failures
with the reviewed list in moto-expected-failures.txt beside this script:

- a failure not on the list fails the run (a regression, or moto asserting something new);
- a listed test that now passes fails the run too, so the list only ever shrinks: take it
  off the list in the same change;
- a listed test that no longer exists fails the run (moto renamed it: update the list).
"""
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "moto-expected-failures.txt"


def expected_failures():
    """Test id -> reason, from the reviewed list; every entry must say why."""
    entries = {}
    for number, line in enumerate(EXPECTED.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        test, sep, reason = line.partition("#")
        if not sep or not reason.strip():
            sys.exit(f"{EXPECTED}:{number}: an expected failure needs a reason after '#'")
        entries[test.strip()] = reason.strip()
    return entries


def start_server(kmsim):
    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen(
        [kmsim, "serve", "--listen", "127.0.0.1:0", "--seed", "20261130"],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    line = server.stdout.readline()
    marker = "listening on "
    if marker not in line:
        server.kill()
        log.seek(0)
        sys.exit(f"kmsim serve did not start: {line!r} {log.read()}")
    return server, line.split(marker, 1)[1].split()[0]


def outcomes(junit):
    """(passed, failed) sets of test ids, `module.path::name` as pytest's junit names them."""
    passed, failed = set(), set()
    for case in ET.parse(junit).iter("testcase"):
        test = f"{case.get('classname')}::{case.get('name')}"
        kinds = {child.tag for child in case}
        if kinds & {"failure", "error"}:
            failed.add(test)
        elif "skipped" not in kinds:
            passed.add(test)
    return passed, failed


def main():
    args = sys.argv[1:]
    if len(args) not in (2, 4) or (len(args) == 4 and args[2] != "--junit"):
        sys.exit(__doc__)
    kmsim, moto_src = args[0], Path(args[1])
    junit = (Path(args[3]) if len(args) == 4 else Path(tempfile.mkdtemp()) / "moto-kms.xml").resolve()
    expected = expected_failures()

    server, endpoint = start_server(kmsim)
    env = dict(
        os.environ,
        TEST_SERVER_MODE="true",
        TEST_SERVER_MODE_ENDPOINT=endpoint,
        AWS_ACCESS_KEY_ID="FOOBARKEY",
        AWS_SECRET_ACCESS_KEY="FOOBARSECRET",
        AWS_DEFAULT_REGION="us-east-1",
    )
    started = time.monotonic()
    try:
        subprocess.run(
            [sys.executable, "-m", "pytest", "tests/test_kms", "-q", "-p", "no:cacheprovider",
             "--color=no", "-o", "junit_family=xunit2", f"--junitxml={junit}"],
            cwd=moto_src,
            env=env,
            stdout=subprocess.DEVNULL,
            check=False,
        )
    finally:
        server.kill()
        server.wait()
    seconds = time.monotonic() - started

    passed, failed = outcomes(junit)
    unexpected = sorted(failed - expected.keys())
    now_passing = sorted(passed & expected.keys())
    vanished = sorted(expected.keys() - passed - failed)
    print(
        f"moto tests/test_kms against kmsim serve: {len(passed)} passed, {len(failed)} failed "
        f"({len(failed & expected.keys())} expected failures, {len(unexpected)} unexpected) "
        f"in {seconds:.0f} s"
    )
    for test in unexpected:
        print(f"UNEXPECTED FAILURE: {test}")
    for test in now_passing:
        print(f"NOW PASSING, take it off {EXPECTED.name}: {test}")
    for test in vanished:
        print(f"NOT RUN, update {EXPECTED.name}: {test}")
    if unexpected:
        print(f"details: {junit}")
    sys.exit(1 if unexpected or now_passing or vanished else 0)


if __name__ == "__main__":
    main()
