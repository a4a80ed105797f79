"""How long the whole truth takes: `make test` from a fresh clone, against a baseline commit.

    python bench/make_test.py                       # HEAD against eb6be47, about 75 minutes
    python bench/make_test.py --baseline REF --warm  # and `make test` again on the warm venv

Clones this repository twice into a temporary folder, at HEAD and at the baseline commit,
and in each, one after the other on this machine, times what a newcomer runs: setting up
(`make setup-test`: a fresh venv, llama.cpp compiled) and every test. The baseline's phases
are run one by one, each to its end even when one fails, so that each phase has a time:
the baseline's `make test` stops at the first failing phase. HEAD runs `make test`, whose
summary (tools/run_tests.py) says what it ran. Prints both, phase by phase, with ratios.
Needs the package registries (pip, apt for chromium, npm for JupyterHub's proxy).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "eb6be47"  # main before issue #23: native llama.cpp, one kernel per notebook


def timed(label: str, command: str, cwd: Path, log: Path) -> tuple[float, int, str]:
    """Run `command` in a shell, its output into `log`; (seconds, exit code, output)."""
    print(f"  {label}: {command}", flush=True)
    started = time.perf_counter()
    with log.open("ab") as out:
        code = subprocess.run(command, shell=True, cwd=cwd, stdout=out, stderr=out).returncode
    seconds = time.perf_counter() - started
    print(f"    {seconds / 60:5.1f} min, exit {code}", flush=True)
    return seconds, code, log.read_text(errors="replace")


def clone(ref: str, into: Path) -> Path:
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(into)], check=True)
    subprocess.run(["git", "checkout", "-q", ref], cwd=into, check=True)
    return into


def pytest_counts(output: str) -> str:
    found = re.findall(r"=+ (.*?(?:passed|failed).*?) in [\d.]+s", output)
    return found[-1] if found else "?"


def baseline(ref: str, work: Path) -> dict[str, float]:
    tree = clone(ref, work / "baseline")
    log = work / "baseline.log"
    print(f"baseline {ref}:", flush=True)
    times = {}
    times["setup"], _, _ = timed("setup", "make setup-test browser chp", tree, log)
    times["lint"], _, _ = timed("lint", "make lint", tree, log)
    times["pytest"], _, out = timed("pytest", ".venv/bin/python -m pytest", tree, log)
    print(f"    {pytest_counts(out)}", flush=True)
    times["matrix"], _, out = timed(
        "matrix", ".venv/bin/python tools/curriculum.py matrix --check", tree, log
    )
    times["tests"] = times["lint"] + times["pytest"] + times["matrix"]
    return times


def head(work: Path, warm: bool) -> dict[str, float]:
    tree = clone("HEAD", work / "head")
    log = work / "head.log"
    print("HEAD:", flush=True)
    times = {}
    times["fresh"], code, _ = timed("make test (fresh clone)", "make test", tree, log)
    summary = (tree / "build" / "test-report" / "summary.txt").read_text()
    print(summary, flush=True)
    found = re.search(r"^make test \w+ in\s+(\d+) min (\d+) s", summary, re.M)
    assert found, "no summary from tools/run_tests.py"
    times["tests"] = int(found.group(1)) * 60 + int(found.group(2))
    times["setup"] = times["fresh"] - times["tests"]
    if warm:
        times["warm"], code, _ = timed("make test (warm venv)", "make test", tree, log)
        print((tree / "build" / "test-report" / "summary.txt").read_text(), flush=True)
    if code != 0:
        print(f"HEAD's make test failed: see {log}", flush=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--warm", action="store_true", help="run HEAD's make test twice")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="make-test-") as tmp:
        work = Path(tmp)
        after = head(work, args.warm)  # first: what CI runs, so a failure shows early
        before = baseline(args.baseline, work)
    print("\nphase                          baseline      HEAD   ratio")
    rows = [
        ("setup (venv, llama.cpp, apt, npm)", before["setup"], after["setup"]),
        ("tests (lint, pytest, matrix)", before["tests"], after["tests"]),
        ("fresh clone to green", before["setup"] + before["tests"], after["fresh"]),
    ]
    if "warm" in after:
        rows.append(("make test on a warm venv", before["tests"], after["warm"]))
    for label, old, new in rows:
        print(f"{label:<30} {old / 60:6.1f} min {new / 60:6.1f} min  {old / new:4.1f}x")


if __name__ == "__main__":
    main()
