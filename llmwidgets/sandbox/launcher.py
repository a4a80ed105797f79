"""Starting, reusing and stopping sandbox processes, with the standard library only.

Importing this never loads llama.cpp, NumPy or Starlette: those live in the server process
this module starts (`python -m llmwidgets sandbox`), so a notebook that only needs the
sandbox's address stays light.

`ensure_running` reuses a sandbox that is already answering (its address is kept in a small
state file), so every notebook can call it in its first cell. The server outlives the
kernel that started it; `stop()` ends it. `LLMWIDGETS_SANDBOX_URL` points everything at a
sandbox started elsewhere. `private_state()` gives tests and notebook regeneration a shared
sandbox of their own, stopped at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import environment

__all__ = [
    "SandboxError",
    "SandboxProcess",
    "ensure_running",
    "private_state",
    "start",
    "state_dir",
    "stop",
]

START_TIMEOUT_SECONDS = 120.0
# The shared sandboxes this process started, by state file: the server outlives us, but
# while we live we keep its handle, so that stop() can wait for it properly.
_started_here: dict[Path, SandboxProcess] = {}


class SandboxError(RuntimeError):
    """The sandbox could not be started; the message ends with the server's last log lines."""


@dataclass
class SandboxProcess:
    """A sandbox server running as a child process."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def state_dir() -> Path:
    """Where the shared sandbox's address and log live (per user)."""
    override = os.environ.get(environment.STATE_DIR)
    if override:
        return Path(override)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) if runtime else Path.home() / ".cache"
    return base / "llmwidgets"


def start(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    api_keys: Iterable[str] = (),
    rpm: int | None = None,
    tpm: int | None = None,
    threads: int | None = None,
    moderate: Iterable[str] = (),
    flaky: int | None = None,
    restricted_keys: Iterable[str] = (),
    profile: str | None = None,
    minute: float | None = None,
    timeout: float = START_TIMEOUT_SECONDS,
    state_file: Path | None = None,
    detach: bool = False,
) -> SandboxProcess:
    """Start a new sandbox process and wait until it answers. Keys travel by environment.

    `moderate`, `flaky` and `restricted_keys` are the teaching switches (`failures.py`);
    `profile` is whose surface `/v1` shows, `minute` how long a free tier's minute lasts
    (every profile is also served at its own path: `profiles.py`)."""
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    ready_file = state_file or folder / f"sandbox-{os.getpid()}-{time.monotonic_ns()}.json"
    ready_file.unlink(missing_ok=True)
    log = ready_file.with_suffix(".log")
    command = [
        sys.executable,
        "-m",
        "llmwidgets",
        "sandbox",
        "--host",
        host,
        "--port",
        str(port),
        "--state-file",
        str(ready_file),
    ]
    words = ",".join(w for w in moderate if w)
    options = {
        "--rpm": rpm,
        "--tpm": tpm,
        "--threads": threads,
        "--flaky": flaky,
        "--profile": profile,
        "--minute": minute,
    }
    for flag, value in [*options.items(), ("--moderate", words or None)]:
        if value is not None:
            command += [flag, str(value)]
    env = dict(os.environ)
    for variable, given in (
        (environment.SANDBOX_API_KEYS, api_keys),
        (environment.SANDBOX_RESTRICTED_KEYS, restricted_keys),
    ):
        env.pop(variable, None)
        keys = [k for k in given if k]
        if keys:
            env[variable] = ",".join(keys)
    with log.open("wb") as log_handle:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log_handle,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=detach,
        )
    try:
        url = _wait_until_answering(process, ready_file, log, timeout)
    except BaseException:
        process.kill()
        process.wait()
        raise
    if state_file is None:
        ready_file.unlink(missing_ok=True)
    return SandboxProcess(url, process, log)


def ensure_running(*, timeout: float = START_TIMEOUT_SECONDS) -> str:
    """The base URL of the shared sandbox, starting it if nothing answers yet."""
    external = os.environ.get(environment.SANDBOX_URL)
    if external:
        return external
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    state = folder / "sandbox.json"
    with _locked(folder / "sandbox.lock"):
        url = _answering_url(state)
        if url:
            return url
        gone = _started_here.pop(state, None)
        if gone is not None:  # ours, but no longer answering: end and reap it
            gone.stop()
        box = _started_here[state] = start(state_file=state, detach=True, timeout=timeout)
        return box.url


def stop() -> bool:
    """Stop the shared sandbox; True when one was running."""
    state = state_dir() / "sandbox.json"
    pid = _state(state).get("pid")
    if not isinstance(pid, int):
        return False
    mine = _started_here.pop(state, None)
    if mine is not None and mine.pid == pid:
        mine.stop()
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGINT)
        for _ in range(100):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)  # reap it, when this process started it
            os.kill(pid, 0)
            time.sleep(0.1)
    state.unlink(missing_ok=True)
    return True


def _answering_url(state: Path) -> str | None:
    url = _state(state).get("url")
    return url if isinstance(url, str) and _answers(url) else None


def _state(path: Path) -> dict[str, object]:
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return {}


def _answers(url: str) -> bool:
    """True when a sandbox answers `GET /models` at `url` (a 401 counts: it is there).

    A liveness probe, not an API call, so plain urllib: this module must stay stdlib-only.
    """
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    try:
        with direct.open(url.rstrip("/") + "/models", timeout=2.0) as response:
            return response.status == 200
    except urllib.error.HTTPError as error:
        return error.code == 401
    except (OSError, ValueError):
        return False


def _wait_until_answering(
    process: subprocess.Popen[bytes], ready_file: Path, log: Path, timeout: float
) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SandboxError(f"The sandbox exited with code {process.returncode}.\n" + _tail(log))
        state = _state(ready_file)
        url = state.get("url")
        if state.get("pid") == process.pid and isinstance(url, str) and _answers(url):
            return url
        time.sleep(0.1)
    raise SandboxError(f"The sandbox did not answer within {timeout:.0f} s.\n" + _tail(log))


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One process at a time decides whether to start the shared sandbox."""
    import fcntl

    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def private_state() -> Iterator[Path]:
    """A throwaway state folder for the shared sandbox, set in the environment (so child
    processes such as kernels inherit it). Whatever shared sandbox is started inside is
    stopped at the end, and the user's own is never touched."""
    import shutil
    import tempfile

    names = (environment.STATE_DIR, environment.SANDBOX_URL)
    saved = {name: os.environ.pop(name, None) for name in names}
    folder = Path(tempfile.mkdtemp(prefix="llmwidgets-state-"))
    os.environ[environment.STATE_DIR] = str(folder)
    try:
        yield folder
    finally:
        stop()
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(environment.STATE_DIR, None)
        os.environ.update({k: v for k, v in saved.items() if v is not None})
