"""compare()'s lanes as their cards show them, and the grid as a saved notebook shows it
(an HTML table and text, with the word diff of two lanes)."""

from __future__ import annotations

import html
from typing import Any

from ..comparing import Lane
from ..redaction import redact
from .figures import figures_line

__all__ = ["card", "figures", "saved_view"]


def card(lane: Lane) -> dict[str, Any]:
    """A lane's card before it has answered: who it asks, with what, and what was left out."""
    return {
        "label": lane.label,
        "provider": lane.provider,
        "model": lane.model or "",
        "own": {k: _shown(v) for k, v in lane.own.items()},
        "notes": list(lane.notes),
        "status": "error" if lane.error else "waiting",
        "text": "",
        "html": "",
        "error": lane.error,
        "ttft_s": None,
        "tokens_per_s": None,
        "usage": {},
        "cost": "",
        "finish_reason": "",
        "choices": 0,
    }


def figures(view: dict[str, Any]) -> str:
    """A lane's numbers, as its card's foot shows them (its status is in its head)."""
    choices = view.get("choices", 0)
    return figures_line(
        "",
        view.get("ttft_s"),
        view.get("tokens_per_s"),
        view.get("usage"),
        cost=view.get("cost", ""),
        finish_reason=view.get("finish_reason"),
        more=(f"choice 1 of {choices} shown",) if choices > 1 else (),
    )


def saved_view(prompt: str, lanes: list[dict[str, Any]], diff: dict[str, Any]) -> tuple[str, str]:
    """(HTML, text): the lanes side by side, then the word diff of the two chosen."""
    head = "".join(f"<th>{html.escape(_title(d))}</th>" for d in lanes)
    notes = "".join(
        f"<td>{'<br>'.join(html.escape(n) for n in d.get('notes', []))}</td>" for d in lanes
    )
    body = "".join(
        f"<td>{d.get('html') or '<pre>' + html.escape(d.get('text', '')) + '</pre>'}"
        + (f"<p><b>{html.escape(d['error'])}</b></p>" if d.get("error") else "")
        + "</td>"
        for d in lanes
    )
    outcomes = "".join(f"<td><small>{html.escape(_outcome(d))}</small></td>" for d in lanes)
    diff_html, diff_text = _static_diff(lanes, diff)
    as_html = (
        f"<div><p><b>Prompt</b>: {html.escape(prompt)}</p><table>"
        f"<tr>{head}</tr><tr>{notes}</tr><tr>{body}</tr><tr>{outcomes}</tr></table>"
        f"{diff_html}</div>"
    )
    blocks = [
        [
            f"── {_title(d)} ({_outcome(d)})",
            *(f"   note: {n}" for n in d.get("notes", [])),
            d.get("text", ""),
            d.get("error", ""),
        ]
        for d in lanes
    ]
    as_text = "\n".join("\n".join(filter(None, block)) for block in blocks) + diff_text
    return as_html, as_text


def _static_diff(lanes: list[dict[str, Any]], diff: dict[str, Any]) -> tuple[str, str]:
    """The word diff as HTML (<del>, <ins>) and as text ([-removed-] {+added+})."""
    runs = diff.get("runs")
    if not runs:
        return "", ""
    a, b = (_title(lanes[diff[k]]) for k in ("a", "b"))
    share = f"{diff['similarity']:.0%} of words shared"
    head = f"Word diff: {a} → {b} ({share})"
    tag = {"same": "{}", "del": "<del>{}</del>", "add": "<ins>{}</ins>"}
    mark = {"same": "{}", "del": "[-{}-]", "add": "{{+{}+}}"}
    body = "".join(tag[op].format(html.escape(text)) for op, text in runs)
    html_part = f"<p><b>{html.escape(head)}</b></p><p>{body}</p>"
    return html_part, f"\n{head}\n" + "".join(mark[op].format(t) for op, t in runs)


def _shown(value: Any) -> str | int | float | bool:
    """A lane's own parameter as shown beside it (any known key hidden, as everywhere)."""
    if isinstance(value, bool | int | float):
        return value
    return redact(value if isinstance(value, str) else repr(value))


def _title(view: dict[str, Any]) -> str:
    own = ", ".join(f"{k}={v}" for k, v in view.get("own", {}).items())
    return " · ".join(filter(None, [view.get("label", ""), view.get("model", ""), own]))


def _outcome(lane: dict[str, Any]) -> str:
    """A lane as the saved view sums it up: its status, then the figures its card shows."""
    return " · ".join(p for p in (lane.get("status", ""), lane.get("figures", "")) if p)
