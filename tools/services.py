"""A server for a test run or a class (JupyterHub, LiteLLM's proxy): started with its output
in a log, waited for until it answers, and stopped afterwards, whatever happened.

    with service(command, log=log, ready=answers, what="LiteLLM's proxy", start_s=90):
        ...

A server that exits before it answers, or does not answer in time, fails the start with
the end of its log, so the reason is in the error and not in a file nobody opens.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["ServiceFailed", "free_port", "service"]


class ServiceFailed(RuntimeError):
    """The server exited before it answered, or did not answer in time."""


def free_port() -> int:
    """A port free now. Another process can take it before the server binds it: a caller
    that cannot give the server port 0 starts it again on another (see litellm_proxy.py)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def service(
    command: list[str],
    *,
    log: Path,
    ready: Callable[[], bool],
    what: str,
    start_s: float,
    stop_s: float = 10.0,
    **popen: Any,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` until the block ends, once `ready()` is true (an exception from it
    counts as not yet). `popen`: Popen's own arguments (env, cwd)."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, **popen
        )
    try:
        deadline = time.monotonic() + start_s
        while True:
            if process.poll() is not None:
                raise ServiceFailed(f"{what} exited ({process.returncode}):\n{_tail(log)}")
            with contextlib.suppress(Exception):
                if ready():
                    break
            if time.monotonic() > deadline:
                raise ServiceFailed(f"{what} did not answer within {start_s:.0f} s:\n{_tail(log)}")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(stop_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]
