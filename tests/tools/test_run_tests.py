"""tools/run_tests.py stops a stuck job whole: the job, and what it started in a session of
its own (as a notebook's kernel starts a sandbox), so a hang costs its deadline, not CI's
90 minutes, and leaves nothing running. The same when the run itself is stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from support.processes import gone

ROOT = Path(__file__).resolve().parents[2]

# A job that starts a process in a session of its own, says its pid, and never ends; with
# `stubborn`, it ignores SIGINT and SIGTERM, as a hung extension might.
STUCK = """
import signal, subprocess, sys, time
if "stubborn" in sys.argv:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"],
                           start_new_session=True)
print(sleeper.pid, flush=True)
time.sleep(600)
"""

# The driver on jobs of our own (in a process of its own: it becomes the reaper of what
# its jobs leave behind), each job's state printed at the end.
DRIVER = """
import json, sys
from pathlib import Path
import run_tests
report, deadline, stuck, *how = sys.argv[1:]
run_tests.REPORT = Path(report)
run_tests.GRACE_S = 1.0
jobs = [
    run_tests.Job("stuck", [sys.executable, "-c", stuck, *how]),
    run_tests.Job("fails", [sys.executable, "-c", "raise SystemExit(3)"]),
    run_tests.Job("after", [sys.executable, "-c", "pass"], after=("fails",)),
]
try:
    run_tests.run(jobs, deadline=float(deadline))
finally:
    print(json.dumps({job.name: vars(job) | {"passed": job.passed} for job in jobs}, default=str))
"""


def driver(report: Path, deadline: float, *how: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(report), str(deadline), STUCK, *how],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "tools")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def sleeper_of(report: Path, timeout: float = 30) -> int:
    """The pid the stuck job printed, once it has."""
    log = report / "stuck.log"
    deadline = time.monotonic() + timeout
    while not (log.exists() and log.read_text().strip()):
        assert time.monotonic() < deadline, "the stuck job never started its sleeper"
        time.sleep(0.05)
    return int(log.read_text().split()[0])


def outcome(process: subprocess.Popen[str]) -> dict:
    out, err = process.communicate(timeout=60)
    return json.loads(out.splitlines()[-1]) | {"said": out, "stderr": err}


def test_a_job_past_its_deadline_is_stopped_with_what_it_started(tmp_path: Path) -> None:
    started = time.monotonic()
    result = outcome(driver(tmp_path, 5))
    stuck = result["stuck"]
    assert stuck["stopped"] and not stuck["passed"]
    assert stuck["code"] != 0 and stuck["signalled"] == 0  # SIGINT was enough
    assert 5 <= stuck["seconds"] < 20 and time.monotonic() - started < 40
    assert "ran past" in result["said"]
    assert gone(sleeper_of(tmp_path)), "the job's own-session process was left running"


def test_a_job_that_ignores_sigint_and_sigterm_is_killed(tmp_path: Path) -> None:
    result = outcome(driver(tmp_path, 3, "stubborn"))
    stuck = result["stuck"]
    assert stuck["signalled"] == 2 and stuck["code"] == -signal.SIGKILL
    assert gone(sleeper_of(tmp_path))


def test_a_job_whose_prerequisite_failed_is_not_run(tmp_path: Path) -> None:
    result = outcome(driver(tmp_path, 2))
    assert result["fails"]["code"] == 3
    assert result["after"]["code"] is None and result["after"]["skipped"] == "fails failed"
    assert not (tmp_path / "after.log").exists()


def test_stopping_the_run_stops_its_jobs_and_what_they_started(tmp_path: Path) -> None:
    """CI's own limit, or Ctrl-C: SIGTERM to the driver ends every job, and their leftovers."""
    run = driver(tmp_path, 600)
    sleeper = sleeper_of(tmp_path)
    run.send_signal(signal.SIGTERM)
    result = outcome(run)
    assert run.returncode != 0 and result["stuck"]["code"] not in (None, 0)
    assert gone(sleeper), "a job's own-session process outlived the run"


# A run whose jobs fail in each way, its summary printed.
FAILING = """
import sys
from pathlib import Path
import run_tests
report, tests = sys.argv[1:]
run_tests.REPORT = Path(report)
run_tests.REPORT.mkdir()
jobs = [
    run_tests.pytest("unit", tests, extra=("-q", "-o", "addopts=")),
    run_tests.Job("lint", [sys.executable, "-c", "raise SystemExit(3)"]),
    run_tests.Job("matrix", [sys.executable, "-c", "pass"], after=("lint",)),
]
run_tests.run(jobs, deadline=60)
print(run_tests._summary(jobs, 1.0, 0.0))
"""


def test_the_summary_ends_with_what_failed(tmp_path: Path) -> None:
    """CI may show only the output's tail: its last lines name each failed test with the
    first line of why, each failed job, and each job not run."""
    (tmp_path / "test_sample.py").write_text(
        "def test_fine():\n    pass\n\n"
        "def test_odds():\n    assert 0.2558 == 0.269, 'the odds moved'\n"
    )
    report = tmp_path / "report"
    said = subprocess.run(
        [sys.executable, "-c", FAILING, str(report), str(tmp_path / "test_sample.py")],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "tools")},
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    tail = said.strip().splitlines()[-4:]
    assert tail[0] == "what failed:", said
    assert tail[1].endswith("test_sample::test_odds: AssertionError: the odds moved")
    assert tail[2] == "  lint: exit status 3 (build/test-report/lint.log)"
    assert tail[3] == "  matrix: not run (lint failed)"
    assert "tests       1 passed, 0 skipped, 1 failed" in said


def test_a_notebook_cell_that_differs_is_summed_up_in_nbvals_words() -> None:
    """nbval's message starts with "Notebook cell execution failed": the line says which
    cell, which output and how it differs (as its junit XML writes it, colours escaped)."""
    import run_tests

    nbval = (
        "#x1B[91mNotebook cell execution failed#x1B[0m\n#x1B[94mCell 5: Cell outputs differ\n\n"
        "Input:\n#x1B[0mprint(odds)\n\n#x1B[94mTraceback:#x1B[0m\n#x1B[94m mismatch 'stdout'"
        "#x1B[91m\n\n assert reference_output == test_output failed:\n\n"
        "  'The 26.9%' == 'The 25.6%'\n  \n  - The 26.9%\n  + The 25.6%\n#x1B[0m\n"
    )
    assert run_tests._one_line(nbval) == (
        "Cell 5: Cell outputs differ | mismatch 'stdout' | - The 26.9% | + The 25.6%"
    )
    assert run_tests._one_line("AssertionError: x\nmore") == "AssertionError: x"
