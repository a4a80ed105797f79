"""README's two commands, as make sees them (a dry run: nothing is installed or started)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def dry_run(target: str) -> list[str]:
    return dry_run_with(target)


def dry_run_with(*arguments: str) -> list[str]:
    # CI runs this inside `make test`: the outer make's settings must not leak in.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", *arguments],
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


def test_make_test_runs_every_check_through_one_driver() -> None:
    assert dry_run("test")[-1].endswith("tools/run_tests.py")
    from run_tests import jobs  # tools/

    commands = [job.command for job in jobs()]
    lint = next(" ".join(c) for c in commands if "ruff" in " ".join(c))
    assert "ruff check" in lint and "ruff format --check" in lint and "mypy" in lint
    assert any("matrix" in c and "--check" in c for c in commands)  # every provider


def test_the_drivers_pytest_runs_add_up_to_the_whole_suite() -> None:
    """Split to run side by side, but nothing dropped: every test path is run, and whatever
    one run leaves out another runs."""
    import tomllib
    from run_tests import jobs

    runs = [job.command for job in jobs() if "pytest" in job.command]
    ran, ignored = set(), set()
    for command in runs:
        args = command[command.index("pytest") + 1 :]
        for i, arg in enumerate(args):
            if args[i - 1] == "--ignore":
                ignored.add(arg)
            elif not arg.startswith("-"):
                ran.add(arg)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    assert set(config["ini_options"]["testpaths"]) <= ran
    assert ignored <= ran
    assert not any(a in ("-m", "-k") for c in runs for a in c[c.index("pytest") :])


def test_llama_cpp_is_built_again_when_its_build_file_changes() -> None:
    """A venv made before keeps a llama.cpp built another way unless make sees the change."""
    changed = dry_run_with("-W", "tools/llama_cpp_sandbox.cmake", ".venv/.installed")
    assert any("--force-reinstall" in line and "llama-cpp-python" in line for line in changed)
    assert any("CMAKE_ARGS=" in line and "llama_cpp_sandbox.cmake" in line for line in changed)
