"""Run the sandbox app under uvicorn on a socket bound before the model loads.

Binding first means port 0 works (the OS picks a free port) and the address can be written
to a state file for `ensure_running()` to find, while the engine loads.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

from .app import SandboxConfig, create_app

__all__ = ["serve"]


def serve(
    config: SandboxConfig,
    port: int = 0,
    *,
    state_file: Path | None = None,
    n_threads: int | None = None,
) -> None:
    import uvicorn

    from .embedder import Embedder
    from .engine import Engine
    from .memo import MemoPlace

    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((config.host, port))
    bound = sock.getsockname()[1]
    host = f"[{config.host}]" if family == socket.AF_INET6 else config.host
    url = f"http://{host}:{bound}/v1"

    memo = MemoPlace.from_environment()
    engine = Engine(n_threads=n_threads, memo=memo)
    app = create_app(config, engine, Embedder(memo=memo))
    if state_file is not None:
        _write_state(state_file, {"pid": os.getpid(), "url": url})
    print(f"llmwidgets sandbox serving at {url}", flush=True)
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=2)
    )
    try:
        server.run(sockets=[sock])
    finally:
        replayed = engine.memo.hits if engine.memo is not None else 0
        print(
            f"engine: {engine.busy_seconds:.0f} s computing {engine.computed} answers, "
            f"{replayed} replayed from its memo",
            flush=True,
        )
        if state_file is not None and _read_pid(state_file) == os.getpid():
            state_file.unlink(missing_ok=True)


def _write_state(path: Path, state: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(state))
    partial.replace(path)  # readers never see half a file


def _read_pid(path: Path) -> int | None:
    try:
        return int(json.loads(path.read_text())["pid"])
    except (OSError, ValueError, KeyError):
        return None
