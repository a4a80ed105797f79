"""`llmwidgets sandbox`: serve the sandbox in the foreground, or stop the shared one.

llmwidgets sandbox --port 8765 --api-key sk-class --rpm 30
llmwidgets sandbox stop
"""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path

from .. import environment
from ..providers import REHEARSABLE

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `sandbox` subcommand's options."""
    parser.add_argument("action", nargs="?", choices=["serve", "stop"], default="serve")
    parser.add_argument("--host", default="127.0.0.1", help="default: loopback only")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument(
        "--api-key",
        action="append",
        default=[],
        help=(
            f"require this key (repeatable; or set {environment.SANDBOX_API_KEYS}, "
            "which `ps` cannot show)"
        ),
    )
    parser.add_argument("--rpm", type=int, help="requests per minute per key (429 beyond)")
    parser.add_argument("--tpm", type=int, help="tokens per minute per key (429 beyond)")
    parser.add_argument("--allow-origin", action="append", default=[], help="enable CORS")
    teaching = parser.add_argument_group(
        "teaching switches",
        "real failures for lessons; also per request: header X-Sandbox-Fail: 500 or 503",
    )
    teaching.add_argument(
        "--moderate",
        metavar="WORD[,WORD]",
        help="a choice that writes one of these words ends with finish_reason content_filter",
    )
    teaching.add_argument(
        "--flaky",
        type=int,
        metavar="N",
        help="the first of every N model requests fails with a 503 (the SDK retries it)",
    )
    teaching.add_argument(
        "--restricted-key",
        action="append",
        default=[],
        metavar="KEY",
        help=(
            "a valid key that may list models but not use one: 403 "
            f"(or {environment.SANDBOX_RESTRICTED_KEYS})"
        ),
    )
    rehearsal = parser.add_argument_group(
        "provider profiles",
        "every profile is served at /<id>/<its path>, e.g. /groq/openai/v1 "
        "(a rehearsal from each provider's documentation: a live run is the truth)",
    )
    rehearsal.add_argument(
        "--profile",
        choices=["sandbox", *REHEARSABLE],
        default="sandbox",
        help="whose surface /v1 shows (default: the sandbox's own)",
    )
    rehearsal.add_argument(
        "--minute",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long a profile's per-minute free-tier limit lasts (e.g. 3 to meet it fast)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        help="llama.cpp threads (default: fitted to the free cores, at most 2)",
    )
    parser.add_argument("--state-file", type=Path, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C (the server's modules load only here), or stop the shared one."""
    if args.action == "stop":
        from .launcher import stop

        print("stopped" if stop() else "no shared sandbox was running")
        return 0
    from .app import SandboxConfig
    from .server import serve

    config = SandboxConfig(
        host=args.host,
        api_keys=_keys(args.api_key, environment.SANDBOX_API_KEYS),
        rpm=args.rpm,
        tpm=args.tpm,
        allow_origins=tuple(args.allow_origin),
        moderate=tuple(w.strip() for w in (args.moderate or "").split(",") if w.strip()),
        flaky=args.flaky,
        restricted_keys=_keys(args.restricted_key, environment.SANDBOX_RESTRICTED_KEYS),
        profile=args.profile,
        minute=args.minute,
    )
    with contextlib.suppress(KeyboardInterrupt):
        serve(config, args.port, state_file=args.state_file, n_threads=args.threads)
    return 0


def _keys(given: list[str], variable: str) -> frozenset[str]:
    """Keys from the command line and from the environment (which `ps` cannot show)."""
    return frozenset([*given, *filter(None, os.environ.get(variable, "").split(","))])
