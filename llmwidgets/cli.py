"""The `llmwidgets` command.

| command                  | what it does                                        |
|--------------------------|-----------------------------------------------------|
| `llmwidgets providers`   | the preset table: id, base URL, key variable        |
| `llmwidgets sandbox`     | serve the offline sandbox (foreground; Ctrl-C ends) |
| `llmwidgets sandbox stop`| stop the shared sandbox that notebooks started      |
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

from .providers import PRESETS

__all__ = ["main"]

_KEYS_VARIABLE = "LLMWIDGETS_SANDBOX_API_KEYS"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="llmwidgets", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("providers", help="list the provider presets")
    sandbox = commands.add_parser("sandbox", help="serve the local OpenAI-compatible sandbox")
    sandbox.add_argument("action", nargs="?", choices=["serve", "stop"], default="serve")
    sandbox.add_argument("--host", default="127.0.0.1", help="default: loopback only")
    sandbox.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    sandbox.add_argument(
        "--api-key",
        action="append",
        default=[],
        help=f"require this key (repeatable; or set {_KEYS_VARIABLE}, which `ps` cannot show)",
    )
    sandbox.add_argument("--rpm", type=int, help="requests per minute per key (429 beyond)")
    sandbox.add_argument("--tpm", type=int, help="tokens per minute per key (429 beyond)")
    sandbox.add_argument("--allow-origin", action="append", default=[], help="enable CORS")
    sandbox.add_argument("--threads", type=int, help="llama.cpp threads (default: measured)")
    sandbox.add_argument("--state-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.command == "providers":
        return _providers()
    return _sandbox(args)


def _sandbox(args: argparse.Namespace) -> int:
    if args.action == "stop":
        from .sandbox import stop

        print("stopped" if stop() else "no shared sandbox was running")
        return 0
    from .sandbox.app import SandboxConfig
    from .sandbox.server import serve

    keys = [*args.api_key, *filter(None, os.environ.get(_KEYS_VARIABLE, "").split(","))]
    config = SandboxConfig(
        host=args.host,
        api_keys=frozenset(keys),
        rpm=args.rpm,
        tpm=args.tpm,
        allow_origins=tuple(args.allow_origin),
    )
    with contextlib.suppress(KeyboardInterrupt):
        serve(config, args.port, state_file=args.state_file, n_threads=args.threads)
    return 0


def _providers() -> int:
    rows = [("id", "base URL", "key variable", "key set")]
    for p in PRESETS.values():
        key_set = (
            "yes"
            if p.key_env and os.environ.get(p.key_env)
            else ("-" if not p.requires_key else "no")
        )
        rows.append((p.id, p.base_url or "(on demand)", p.key_env or "(none)", key_set))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
    return 0
