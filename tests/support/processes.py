"""Processes seen through Linux's /proc: for tests that prove nothing is left behind."""

from __future__ import annotations

import time
from pathlib import Path

__all__ = ["gone", "parent_of", "running"]


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command's name; None once it is reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):  # reaped before, or while, we read it
        return None


def running(pid: int) -> bool:
    """Alive and not a zombie (a zombie has ended; only its parent has not reaped it yet)."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def parent_of(pid: int) -> int:
    fields = _stat(pid)
    assert fields is not None, f"process {pid} is gone"
    return int(fields[1])


def gone(pid: int, timeout: float = 10.0) -> bool:
    """Whether the process ends within `timeout` seconds (a signal takes a moment)."""
    deadline = time.monotonic() + timeout
    while running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
