"""The `llmwidgets` command.

| command                  | what it does                                        |
|--------------------------|-----------------------------------------------------|
| `llmwidgets providers`   | the preset table: id, base URL, key variable        |
| `... providers --markdown` | how each preset differs from OpenAI (README's table) |
| `llmwidgets sandbox`     | serve the offline sandbox (foreground; Ctrl-C ends) |
| `llmwidgets sandbox stop`| stop the shared sandbox that notebooks started      |
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from .providers import PRESETS, STANDARD_MAX_TEMPERATURE
from .sandbox import command as sandbox_command

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="llmwidgets", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("providers", help="list the provider presets")
    listing.add_argument(
        "--markdown", action="store_true", help="how each differs from OpenAI, as README's table"
    )
    sandbox_command.add_arguments(
        commands.add_parser("sandbox", help="serve the local OpenAI-compatible sandbox")
    )
    args = parser.parse_args(argv)
    if args.command == "providers":
        if args.markdown:
            print(markdown_table(), end="")
            return 0
        return _providers()
    return sandbox_command.run(args)


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


def markdown_table() -> str:
    """The presets and how each differs from OpenAI, as a Markdown table: README shows it,
    `llmwidgets providers --markdown` prints it, and a test keeps the two the same."""

    def code(items: object) -> str:
        return ", ".join(f"`{i}`" for i in sorted(items)) or "-"  # type: ignore[call-overload]

    rows = [
        "| id | base URL | key variable | embeddings | refuses | ignores | free-tier limits |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in PRESETS.values():
        keys = ", ".join(f"`{k}`" for k in (p.key_env, *p.key_env_aliases) if k) or "none"
        refuses = [
            f"{r.param} (only {', '.join(map(repr, r.accepts))})" if r.accepts else r.param
            for r in p.refusals
        ]
        ignores = set(p.ignored_params)
        if p.max_temperature < STANDARD_MAX_TEMPERATURE:
            ignores.add(f"temperature above {p.max_temperature:g} (capped)")
        limits = p.free_limits
        tier = (
            ", ".join(
                f"{v} {unit}/min"
                for v, unit in ((limits.rpm, "requests"), (limits.tpm, "tokens"))
                if v
            )
            + (f" on `*{limits.model_suffix}`" if limits.model_suffix else "")
            if limits
            else "-"
        )
        where = p.base_url or ("local, on demand" if p.local else "any `base_url=`")
        rows.append(
            f"| `{p.id}` | {where} | {keys} | "
            f"{'yes' if p.embedding_models else 'no' if p.base_url else '-'} | "
            f"{code(refuses)} | {code(ignores)} | {tier} |"
        )
    return "\n".join(rows) + "\n"
