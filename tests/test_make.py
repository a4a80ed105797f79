"""README's two commands, as make sees them (a dry run: nothing is installed or started)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def dry_run(target: str) -> list[str]:
    # CI runs this inside `make test`: the outer make's settings must not leak in.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()


def test_make_lab_starts_the_sandbox_then_jupyterlab_on_the_curriculum() -> None:
    lines = dry_run("lab")
    start = next(i for i, line in enumerate(lines) if "ensure_running" in line)
    lab = next(i for i, line in enumerate(lines) if "jupyter lab" in line)
    assert start < lab
    assert lines[lab].rstrip().endswith("notebooks/")
    # JupyterLab refuses to run as root without the flag: the main command must not fail there
    assert ("--allow-root" in lines[lab]) == (os.getuid() == 0)


def test_make_test_lints_runs_pytest_then_the_provider_matrix() -> None:
    lines = dry_run("test")
    assert any("ruff check" in line for line in lines)
    assert any("ruff format --check" in line for line in lines)
    assert "-m pytest" in lines[-2]
    assert "curriculum.py matrix --check" in lines[-1]  # every notebook on every provider
