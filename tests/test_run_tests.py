"""tools/run_tests.py stops a stuck job whole: the job, and what it started in a session of
its own (as a notebook's kernel starts a sandbox), so a hang costs its deadline, not CI's
90 minutes, and leaves nothing running."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from support.processes import running

ROOT = Path(__file__).resolve().parents[1]

# A job that starts a process in a session of its own, says its pid, and never ends.
STUCK = """
import subprocess, sys, time
sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"],
                           start_new_session=True)
print(sleeper.pid, flush=True)
time.sleep(600)
"""

# The driver, on that one job, with a deadline of a second (in a process of its own: it
# becomes the reaper of what its jobs leave behind).
DRIVER = """
import json, sys
from pathlib import Path
import run_tests
run_tests.REPORT = Path(sys.argv[1])
job = run_tests.Job("stuck", [sys.executable, "-c", sys.argv[2]])
run_tests.run([job], deadline=1.0)
print(json.dumps({"code": job.code, "seconds": job.seconds}))
"""


def test_a_job_past_its_deadline_is_stopped_with_what_it_started(tmp_path: Path) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(tmp_path), STUCK],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "tools")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["code"] == -15  # stopped by SIGTERM, not ended by itself
    assert 1.0 <= result["seconds"] < 15 and time.monotonic() - started < 30
    assert "ran past" in done.stdout
    sleeper = int((tmp_path / "stuck.log").read_text().split()[0])
    assert not running(sleeper), "the job's own-session process was left running"
