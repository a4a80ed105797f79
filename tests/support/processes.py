"""Whether a process still runs: for tests that prove nothing is left behind."""

from __future__ import annotations

from pathlib import Path

__all__ = ["running"]


def running(pid: int) -> bool:
    """Alive and not a zombie (a zombie has ended; only its parent has not reaped it yet).
    Linux's /proc: the machines CI runs on."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
