"""The whole truth, fast: every check `make test` runs, side by side where the cores are idle,
then one summary of what ran and where the minutes went.

    python tools/run_tests.py          # what `make test` runs once the venv is set up

Six jobs, each writing its log under build/test-report/, each started as soon as what it
needs is done:

- lint: ruff, ruff format, mypy;
- notebooks and solutions: nbval on every notebook and exercise solution, every output
  compared, on sandboxes that record each deterministic answer they compute
  (`llmwidgets/sandbox/memo.py`);
- tests: everything in tests/ but the exercises' notebook runs, on sandboxes that compute;
- then the notebook runs that replay what nbval computed: exercises (each student copy and
  known-wrong solution, once the solutions are done) and the provider matrix (every
  notebook and solution on every profile and through LiteLLM's real proxy, once both are).

Nothing is left out: the pytest runs add up to `pytest` with no arguments
(tests/test_make.py checks it). nbval's notebooks are never replayed, since several of them
time the model and compare it. The summary counts tests passed, skipped and failed,
notebook runs per target and known-wrong solutions rejected, with each job's time and CPU,
the slowest tests and notebook runs, and where the notebook runs' time went.

Nothing hangs: a test has two minutes (pytest-timeout), a matrix cell two; a job has
`--deadline` minutes, after which it is stopped with every process it started, as they all
are when the run is interrupted (Ctrl-C, or CI's own time running out).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llmwidgets.environment import SANDBOX_MEMO as MEMO

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "build" / "test-report"
PYTHON = sys.executable
EXERCISES = "tests/test_exercises.py"  # every run of an exercise notebook
WRONG = "test_the_check_rejects_a_known_wrong_solution"
DEADLINE_MINUTES = 40  # a job takes at most 10 on 2 cores; 4 times that is stuck


@dataclass
class Job:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    after: tuple[str, ...] = ()  # jobs that must end first
    seconds: float = 0.0
    cpu: float = 0.0  # seconds of CPU, its own and its processes' (the engine, kernels, ...)
    code: int | None = None

    @property
    def log(self) -> Path:
        return REPORT / f"{self.name}.log"


def pytest(
    name: str,
    *paths: str,
    memo: str | None = None,
    extra: tuple[str, ...] = (),
    after: tuple[str, ...] = (),
) -> Job:
    command = [PYTHON, "-m", "pytest", "-p", "no:cacheprovider", *extra]
    command += [f"--junitxml={REPORT / f'{name}.xml'}", *paths]
    return Job(name, command, {MEMO: f"{memo}:{REPORT / 'memo'}"} if memo else {}, after)


def jobs() -> list[Job]:
    checks = f"{PYTHON} -m ruff check . && {PYTHON} -m ruff format --check . && {PYTHON} -m mypy"
    matrix = [PYTHON, "tools/curriculum.py", "matrix", "--check", "--workers", "4"]
    return [
        pytest("notebooks", "notebooks", memo="record"),
        pytest("solutions", "exercises/solutions", memo="record"),
        pytest("tests", "tests", extra=("--ignore", EXERCISES)),
        Job("lint", ["sh", "-c", checks]),
        pytest("exercises", EXERCISES, memo="replay", after=("solutions",)),
        Job(
            "matrix",
            [*matrix, "--report", str(REPORT / "matrix.json")],
            {MEMO: f"replay:{REPORT / 'memo'}"},
            after=("notebooks", "solutions"),
        ),
    ]


def run(todo: list[Job], deadline: float) -> float:
    """Start each job once the jobs it comes after have ended; wait for all, stopping any
    that runs past `deadline` seconds. A job's output goes to its log; its CPU is counted
    from the kernel's accounts when it is reaped. Returns the CPU of processes whose
    parents left them (counted, not attributed)."""
    began = time.perf_counter()
    orphans = 0.0
    _adopt_orphans()
    running: dict[int, tuple[Job, subprocess.Popen[bytes], float]] = {}
    ended: set[str] = set()
    waiting = list(todo)
    try:
        while waiting or running:
            for job in [j for j in waiting if set(j.after) <= ended]:
                waiting.remove(job)
                with job.log.open("wb") as handle:
                    process = subprocess.Popen(
                        job.command,
                        cwd=ROOT,
                        stdout=handle,
                        stderr=subprocess.STDOUT,
                        env={**os.environ, **job.env},
                        start_new_session=True,  # a group of its own, to stop it whole
                    )
                running[process.pid] = (job, process, time.perf_counter())
                print(f"  {_clock(time.perf_counter() - began)}  {job.name} started", flush=True)
            pid, status, usage = os.wait4(-1, os.WNOHANG)
            if pid == 0:  # nothing ended: is anything past its deadline?
                for job, process, started in running.values():
                    late = time.perf_counter() - started - deadline
                    if late > 0 and job.code is None:
                        job.code = -signal.SIGTERM
                        print(f"  {job.name} ran past {deadline / 60:.0f} min: stopped", flush=True)
                    if late > 0:  # SIGTERM to its group, SIGKILL to what is left 10 s later
                        _signal(process, signal.SIGTERM if late < 10 else signal.SIGKILL)
                time.sleep(0.5)
                continue
            if pid not in running:
                orphans += usage.ru_utime + usage.ru_stime
                continue
            job, process, started = running.pop(pid)
            process.returncode = os.waitstatus_to_exitcode(status)
            job.code = process.returncode if job.code is None else job.code
            job.seconds = time.perf_counter() - started
            job.cpu = usage.ru_utime + usage.ru_stime
            ended.add(job.name)
            log = os.path.relpath(job.log, ROOT)
            mark = "ok" if job.code == 0 else f"FAILED ({job.code}): see {log}"
            print(f"  {_clock(time.perf_counter() - began)}  {job.name} ended: {mark}", flush=True)
    finally:  # interrupted (Ctrl-C, SIGTERM): nothing we started goes on without us
        for _, process, _ in running.values():
            _signal(process, signal.SIGTERM)
        for _, process, _ in running.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                _signal(process, signal.SIGKILL)
        _stop_adopted()
    return orphans


def _signal(process: subprocess.Popen[bytes], signum: int) -> None:
    """To a job's whole process group. What it started in sessions of their own ends with
    its parent (a kernel, by PR_SET_PDEATHSIG) or is stopped at the end (a sandbox)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def _stop_adopted() -> None:
    """Stop what our jobs left running (a sandbox whose test run was stopped before it could
    stop it): as their reaper, they are our children now."""
    mine = str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
            if parent == mine and state != "Z":
                os.kill(int(stat.parent.name), signal.SIGTERM)
                print(f"  stopped process {stat.parent.name}, left running by a job", flush=True)


def _adopt_orphans() -> None:
    """Become the reaper of processes our jobs' processes leave behind, as init would be: the
    sandbox a notebook's kernel starts outlives the kernel, and its CPU is counted only by
    whoever reaps it (Linux's PR_SET_CHILD_SUBREAPER; elsewhere, not counted)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadline", type=float, default=DEADLINE_MINUTES, metavar="MINUTES")
    options = parser.parse_args(argv)
    shutil.rmtree(REPORT, ignore_errors=True)
    REPORT.mkdir(parents=True)
    # CI stopping us (SIGTERM) stops our jobs too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    began = time.perf_counter()
    done = jobs()
    orphans = run(done, options.deadline * 60)
    failed = [job for job in done if job.code != 0]
    for job in failed:
        print(f"\n---- {job.name}: the end of {os.path.relpath(job.log, ROOT)} ----")
        print("\n".join(job.log.read_text(errors="replace").splitlines()[-60:]))
    summary = _summary(done, time.perf_counter() - began, orphans)
    (REPORT / "summary.txt").write_text(summary)
    print("\n" + summary)
    return 1 if failed else 0


# -- the summary -------------------------------------------------------------------------


def _summary(done: list[Job], seconds: float, orphans: float) -> str:
    cases = _junit_cases(done)
    outcomes = Counter(outcome for _, _, outcome in cases)
    wrong = sum(1 for name, _, outcome in cases if WRONG in name and outcome == "passed")
    nbval = {name.split("::")[0] for name, _, _ in cases if ".ipynb::" in name}
    matrix = _matrix()
    verdict = "passed" if all(job.code == 0 for job in done) else "FAILED"
    lines = [
        f"make test {verdict} in {_clock(seconds)}",
        "",
        f"  tests       {outcomes['passed']} passed, {outcomes['skipped']} skipped, "
        f"{outcomes['failed']} failed",
        f"  nbval       {len(nbval)} notebooks and solutions, every output compared",
        f"  exercises   {wrong} known-wrong solutions rejected",
    ]
    if matrix:
        runs = {target: len(rows) for target, rows in matrix["targets"].items()}
        passed = sum(row["passed"] for rows in matrix["targets"].values() for row in rows)
        lines.append(
            f"  matrix      {sum(runs.values())} notebook runs ({passed} passed): "
            + ", ".join(f"{target} {count}" for target, count in runs.items())
        )
        lines += [f"  sandbox     {line}" for line in matrix["sandbox"]]
    lines += ["", "  job         time           CPU (every process it started)"]
    lines += [f"  {job.name:<10}  {_clock(job.seconds)}  {_clock(job.cpu)}" for job in done]
    lines.append(f"  {'and':<10}  {'':14}{_clock(orphans)}  (sandboxes kernels started)")
    total = sum(job.cpu for job in done) + orphans
    cores = f"({total / seconds:.2f} of the cores, on average)"
    lines.append(f"  {'all':<10}  {_clock(seconds)}  {_clock(total)}  {cores}")
    lines += ["", "the 20 slowest tests:"]
    for name, took, _ in sorted(cases, key=lambda case: -case[1])[:20]:
        lines.append(f"  {took:6.1f} s  {name}")
    if matrix:
        rows = [
            (row.get("seconds", 0.0), target, row)
            for target, target_rows in matrix["targets"].items()
            for row in target_rows
        ]
        lines += ["", "the 20 slowest notebook runs in the matrix:"]
        for took, target, row in sorted(rows, key=lambda entry: -entry[0])[:20]:
            lines.append(f"  {took:6.1f} s  {target}: {row['notebook']}")
        total = sum(took for took, _, _ in rows)
        start = sum(row.get("kernel_start", 0.0) for _, _, row in rows)
        setup = sum(row.get("setup", 0.0) for _, _, row in rows)
        lines += [
            "",
            f"where the matrix's {total:.0f} kernel-seconds went: kernel start {start:.0f} s, "
            f"setup cells (imports, connecting) {setup:.0f} s, the other cells "
            f"{total - start - setup:.0f} s (of which the engine computing: see `sandbox`)",
        ]
    return "\n".join(lines) + "\n"


def _junit_cases(done: list[Job]) -> list[tuple[str, float, str]]:
    """(test id, seconds, outcome) for every test case the pytest jobs reported."""
    cases = []
    for job in done:
        path = REPORT / f"{job.name}.xml"
        if not path.exists():
            continue
        for case in ET.parse(path).iter("testcase"):
            outcome = "passed"
            for child in case:
                if child.tag in ("failure", "error"):
                    outcome = "failed"
                elif child.tag == "skipped":
                    outcome = "skipped"
            name = f"{case.get('classname', '')}::{case.get('name', '')}"
            cases.append((name, float(case.get("time") or 0), outcome))
    return cases


def _matrix() -> dict[str, Any] | None:
    path = REPORT / "matrix.json"
    return json.loads(path.read_text()) if path.exists() else None


def _clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes:2d} min {rest:02d} s"


if __name__ == "__main__":
    sys.exit(main())
