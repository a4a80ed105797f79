"""The whole truth, fast: every check `make test` runs, side by side where the cores are idle,
then one summary of what ran and where the minutes went.

    python tools/run_tests.py          # what `make test` runs once the venv is set up

Seven jobs, each writing its log under build/test-report/, each started as soon as what it
needs is done:

- lint: ruff, ruff format, mypy, and TypeScript on the page kit's JSDoc types;
- notebooks and solutions: nbval on every notebook and exercise solution, every output
  compared, on sandboxes that record each deterministic answer they compute
  (`llmwidgets/sandbox/memo.py`);
- tests: everything in tests/ but the exercises' notebook runs and the browser tests, on
  sandboxes that compute;
- browser: JupyterLab in Chromium (tests/browser), beside it: mostly waiting on a page or
  a server starting, which another job's CPU fills;
- then the notebook runs that replay what nbval computed: exercises (each student copy and
  known-wrong solution, once the solutions are done) and the provider matrix (every
  notebook and solution on every profile and through LiteLLM's real proxy, once both are).

Nothing is left out: the pytest runs add up to `pytest` with no arguments
(tests/tools/test_make.py checks it). nbval's notebooks are never replayed, since several of them
time the model and compare it. The summary counts tests passed, skipped and failed,
notebook runs per target and known-wrong solutions rejected, with each job's time and CPU,
the slowest tests and notebook runs, and where the notebook runs' time went.

Nothing hangs: a test has two minutes (pytest-timeout), a matrix cell two; a job has
`--deadline` minutes, after which it is stopped (SIGINT, so that pytest says where it was,
then SIGTERM, then SIGKILL) with every process it started, as they all are when the run is
interrupted (Ctrl-C, or CI's own time running out). A job whose prerequisite failed is not
run: it would replay a partial memo and compute the rest, for nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
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
TSC = ROOT / "build" / "ts" / "node_modules" / ".bin" / "tsc"
EXERCISES = "tests/curriculum/test_exercises.py"  # every run of an exercise notebook
BROWSER = "tests/browser"  # JupyterLab in Chromium: a job of its own
WRONG = "test_the_check_rejects_a_known_wrong_solution"
DEADLINE_MINUTES = 40  # the longest job (tests) takes 14 on 2 cores; 40 is stuck
_ANSI = re.compile(r"(\x1b|#x1B)\[[0-9;]*m")  # colours, as pytest and its junit XML write them
MAX_FAILURES_SHOWN = 12  # in the summary's last lines; the rest are in the reports
GRACE_S = 10.0  # from SIGINT to SIGTERM, and from SIGTERM to SIGKILL


@dataclass
class Job:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    after: tuple[str, ...] = ()  # jobs that must end first
    seconds: float = 0.0
    cpu: float = 0.0  # seconds of CPU, its own and its processes' (the engine, kernels, ...)
    code: int | None = None  # its exit status; None when it did not run
    stopped: bool = False  # stopped at its deadline
    signalled: int = -1  # how far it was stopped: 0 SIGINT, 1 SIGTERM, 2 SIGKILL
    skipped: str = ""  # why it did not run (a job it needs failed)

    @property
    def passed(self) -> bool:
        return self.code == 0 and not self.stopped

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
    if TSC.exists():  # the page kit's JSDoc types (make installs TypeScript where Node is)
        checks += f" && {TSC} -p llmwidgets/widgets/static"
    matrix = [PYTHON, "tools/curriculum.py", "matrix", "--check", "--workers", "4"]
    return [
        pytest("notebooks", "notebooks", memo="record"),
        pytest("solutions", "exercises/solutions", memo="record"),
        pytest("tests", "tests", extra=("--ignore", EXERCISES, "--ignore", BROWSER)),
        pytest("browser", BROWSER),
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
    """Start each job once the jobs it comes after have ended well; wait for all, stopping
    any that runs past `deadline` seconds. A job's output goes to its log; its CPU is
    counted from the kernel's accounts when it is reaped. Returns the CPU of processes whose
    parents left them (counted, not attributed)."""
    runner = _Runner(deadline)
    # Stopped from outside (CI's own limit), we stop our jobs too, as on Ctrl-C.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        runner.run(todo)
    finally:  # ended, or interrupted: nothing we started goes on
        runner.stop_all()
        signal.signal(signal.SIGTERM, previous)
    return runner.orphans


class _Runner:
    """The jobs running, as a process group each, and what they left behind."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.began = time.perf_counter()
        self.orphans = 0.0  # CPU of processes adopted and reaped
        self.running: dict[int, tuple[Job, subprocess.Popen[bytes], float]] = {}
        _become_reaper()

    def run(self, todo: list[Job]) -> None:
        waiting, ended = list(todo), set()
        while waiting or self.running:
            for job in [j for j in waiting if set(j.after) <= ended]:
                waiting.remove(job)
                failed = [j.name for j in todo if j.name in job.after and not j.passed]
                if failed:  # what it needs is not there: say so, spend no time on it
                    job.skipped = f"{' and '.join(failed)} failed"
                    ended.add(job.name)
                    self._say(f"{job.name} not run: {job.skipped}")
                else:
                    self._start(job)
            ended |= self._reap(wait=0.5)
            self._enforce_deadline()

    def _start(self, job: Job) -> None:
        with job.log.open("wb") as handle:
            process = subprocess.Popen(
                job.command,
                cwd=ROOT,
                stdout=handle,
                stderr=subprocess.STDOUT,
                env={**os.environ, **job.env},
                start_new_session=True,  # a group of its own, to stop it whole
                preexec_fn=_die_with_us,
            )
        self.running[process.pid] = (job, process, time.perf_counter())
        self._say(f"{job.name} started")

    def _reap(self, wait: float) -> set[str]:
        """The names of the jobs that ended within `wait` seconds (adopted processes that
        ended are counted in `orphans`)."""
        ended: set[str] = set()
        until = time.monotonic() + wait
        while not ended and time.monotonic() < until:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                pid = 0
            if pid == 0:
                time.sleep(0.05)
                continue
            cpu = usage.ru_utime + usage.ru_stime
            if pid not in self.running:
                self.orphans += cpu
                continue
            job, process, started = self.running.pop(pid)
            process.returncode = job.code = os.waitstatus_to_exitcode(status)
            job.seconds, job.cpu = time.perf_counter() - started, cpu
            ended.add(job.name)
            log = os.path.relpath(job.log, ROOT)
            why = "stopped at its deadline" if job.stopped else f"exit {job.code}"
            self._say(f"{job.name} ended: " + ("ok" if job.passed else f"FAILED ({why}): {log}"))
        return ended

    def _enforce_deadline(self) -> None:
        """Past its deadline, a job's group gets SIGINT (pytest then tears down and says
        where it was), SIGTERM `GRACE_S` later, SIGKILL after as long again."""
        for job, process, started in self.running.values():
            late = time.perf_counter() - started - self.deadline
            if late <= 0:
                continue
            if not job.stopped:
                self._say(f"{job.name} ran past {self.deadline / 60:.0f} min: stopping it")
            job.stopped = True
            stage = min(2, int(late // GRACE_S))
            if stage != job.signalled:
                job.signalled = stage
                _signal(process, (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)[stage])

    def stop_all(self) -> None:
        """The jobs still running (interrupted), then whatever they left: SIGTERM, and
        SIGKILL to what is left `GRACE_S` later."""
        for _, process, _ in self.running.values():
            _signal(process, signal.SIGTERM)
        until = time.monotonic() + GRACE_S
        while self.running and time.monotonic() < until:
            self._reap(wait=0.1)
        for _, process, _ in self.running.values():
            _signal(process, signal.SIGKILL)
        self._stop_adopted()

    def _stop_adopted(self) -> None:
        """Stop what the jobs left running, as their reaper: a sandbox whose test run was
        stopped before it could stop it. Adopted as their parents end (a kernel ends a moment
        after its fork server), so looked for until none has come for a second."""
        signalled: dict[int, float] = {}
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < 1.0:
            self._reap(wait=0.1)
            left = _adopted()
            if left:
                quiet_since = time.monotonic()
            for pid in left:
                if pid not in signalled:
                    self._say(f"stopping process {pid}, left running by a job")
                first = signalled.setdefault(pid, time.monotonic())
                late = time.monotonic() - first > GRACE_S
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL if late else signal.SIGTERM)

    def _say(self, what: str) -> None:
        print(f"  {_clock(time.perf_counter() - self.began)}  {what}", flush=True)


def _signal(process: subprocess.Popen[bytes], signum: int) -> None:
    """To a job's whole process group. What it started in sessions of their own ends with
    its parent (a kernel, by PR_SET_PDEATHSIG) or is stopped at the end (a sandbox)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def _adopted() -> list[int]:
    """Our children that are not jobs: processes the jobs' processes left, still running."""
    mine, found = str(os.getpid()), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
            if parent == mine and state != "Z":
                found.append(int(stat.parent.name))
    return found


def _prctl(option: int, value: int) -> None:
    """Linux's prctl(2); elsewhere nothing (no reaping of orphans, no death signal)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def _become_reaper() -> None:
    """Become the reaper of processes our jobs' processes leave behind, as init would be: the
    sandbox a notebook's kernel starts outlives the kernel, and its CPU is counted only by
    whoever reaps it."""
    _prctl(36, 1)  # PR_SET_CHILD_SUBREAPER


def _die_with_us() -> None:
    """In a job, before it starts: SIGTERM when this driver ends, however it ends (SIGKILL
    included), so no job outlives the run."""
    _prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadline", type=float, default=DEADLINE_MINUTES, metavar="MINUTES")
    options = parser.parse_args(argv)
    shutil.rmtree(REPORT, ignore_errors=True)
    REPORT.mkdir(parents=True)
    began = time.perf_counter()
    done = jobs()
    orphans = run(done, options.deadline * 60)
    failed = [job for job in done if not job.passed]
    for job in [job for job in failed if not job.skipped]:
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
    verdict = "passed" if all(job.passed for job in done) else "FAILED"
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
    lines += [
        f"  {job.name:<10}  not run: {job.skipped}"
        if job.skipped
        else f"  {job.name:<10}  {_clock(job.seconds)}  {_clock(job.cpu)}"
        + ("  (stopped at its deadline)" if job.stopped else "")
        for job in done
    ]
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
    lines += _what_failed(done)
    return "\n".join(lines) + "\n"


def _junit_cases(done: list[Job]) -> list[tuple[str, float, str]]:
    """(test id, seconds, outcome) for every test case the pytest jobs reported."""
    return [(name, took, outcome) for _, name, took, outcome, _ in _junit_results(done)]


def _junit_results(done: list[Job]) -> list[tuple[str, str, float, str, str]]:
    """(job, test id, seconds, outcome, why it failed) for every test case reported."""
    cases = []
    for job in done:
        path = REPORT / f"{job.name}.xml"
        if not path.exists():
            continue
        for case in ET.parse(path).iter("testcase"):
            outcome, why = "passed", ""
            for child in case:
                if child.tag in ("failure", "error"):
                    outcome = "failed"
                    why = child.get("message") or ""
                    if why.startswith("#x1B") or not why:  # nbval's: its text has it all
                        why = child.text or why
                elif child.tag == "skipped":
                    outcome = "skipped"
            name = f"{case.get('classname', '')}::{case.get('name', '')}"
            cases.append((job.name, name, float(case.get("time") or 0), outcome, why))
    return cases


def _what_failed(done: list[Job]) -> list[str]:
    """The summary's last lines, so that a log's tail (all CI may show) says what failed:
    each failed test with the first line of why, and each failed job that reported none."""
    failed = [case for case in _junit_results(done) if case[3] == "failed"]
    shown = failed[:MAX_FAILURES_SHOWN]
    lines = [f"  {_one_line(f'{name}: {why}')}" for _, name, _, _, why in shown]
    if len(failed) > len(shown):
        lines.append(f"  and {len(failed) - len(shown)} more (build/test-report/*.xml)")
    reported = {job for job, *_ in failed}
    for job in done:
        if job.skipped:
            lines.append(f"  {job.name}: not run ({job.skipped})")
        elif not job.passed and job.name not in reported:
            why = "stopped at its deadline" if job.stopped else f"exit status {job.code}"
            lines.append(f"  {job.name}: {why} (build/test-report/{job.name}.log)")
    return ["", "what failed:", *lines] if lines else []


def _one_line(text: str, width: int = 300) -> str:
    """Why a test failed, in a line: the first line of its message; for a notebook cell,
    nbval's own words (which cell, which output, the first lines of the difference, or
    the exception the cell raised)."""
    lines = [line.strip() for line in _ANSI.sub("", text).splitlines() if line.strip()]
    if lines and lines[0] == "Notebook cell execution failed":
        said = [line for line in lines if line.startswith(("Cell ", "mismatch "))]
        diff = [line for line in lines if line.startswith(("- ", "+ "))][:2]
        raised = [lines[-1]] if any("caused an exception" in line for line in said) else []
        lines = [" | ".join(said + diff + raised)]
    line = lines[0] if lines else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def _matrix() -> dict[str, Any] | None:
    path = REPORT / "matrix.json"
    return json.loads(path.read_text()) if path.exists() else None


def _clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes:2d} min {rest:02d} s"


if __name__ == "__main__":
    sys.exit(main())
