"""A JSON verdict as the widgets draw it: the value indented, each value a problem points at
in a `<mark>` whose title says why, and the dicts the stream cell and the tool loop sync.

Everything the model wrote is escaped here, in Python: the pages set it as innerHTML.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from ..structured import JSONCheck, Problem

__all__ = ["call_views", "check_view", "pretty_html"]

Path = tuple[str | int, ...]


def check_view(check: JSONCheck) -> dict[str, Any]:
    """What a widget syncs of a verdict: text only, no value object."""
    return {
        "name": check.name,
        "state": check.state,
        "summary": check.summary(),
        "html": pretty_html(check.value, check.problems) if check.value is not None else "",
        "problems": [{"path": p.json_path, "message": p.message} for p in check.problems],
    }


def call_views(
    calls: Sequence[tuple[str | None, str, str]], verdicts: Sequence[JSONCheck]
) -> list[dict[str, Any]]:
    """Tool calls (id, name, arguments) beside their verdicts, as one card each."""
    return [
        {"id": call_id or "", "name": name, "arguments": arguments, **check_view(verdict)}
        for (call_id, name, arguments), verdict in zip(calls, verdicts, strict=True)
    ]


def pretty_html(value: Any, problems: Sequence[Problem] = ()) -> str:
    """The value as indented JSON in HTML, marked where problems point (the whole
    document's own problems, at `$`, are listed apart, not marked)."""
    marks: dict[Path, list[str]] = {}
    for problem in problems:
        if problem.path:
            marks.setdefault(problem.path, []).append(problem.message)
    out: list[str] = []
    _write(value, (), 0, marks, out)
    return "".join(out)


def _write(
    value: Any, path: Path, depth: int, marks: dict[Path, list[str]], out: list[str]
) -> None:
    why = marks.get(path)
    if why:
        out.append(f'<mark class="llmw-bad" title="{html.escape("; ".join(why))}">')
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict) and value:
        out.append("{\n")
        for i, (key, item) in enumerate(value.items()):
            out.append(f"{inner}{html.escape(json.dumps(key, ensure_ascii=False))}: ")
            _write(item, (*path, key), depth + 1, marks, out)
            out.append(",\n" if i < len(value) - 1 else "\n")
        out.append(f"{pad}}}")
    elif isinstance(value, list) and value:
        out.append("[\n")
        for i, item in enumerate(value):
            out.append(inner)
            _write(item, (*path, i), depth + 1, marks, out)
            out.append(",\n" if i < len(value) - 1 else "\n")
        out.append(f"{pad}]")
    else:
        out.append(html.escape(json.dumps(value, ensure_ascii=False)))
    if why:
        out.append("</mark>")
