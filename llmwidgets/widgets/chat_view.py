"""The chat's history as its page draws it (each turn's text, rendered Markdown and
figures line) and as a saved notebook shows it (the transcript)."""

from __future__ import annotations

import html
from typing import Any

from .cell import markdown_html
from .figures import figures_line

__all__ = ["transcript", "turn"]


def turn(message: dict[str, Any], note: dict[str, Any]) -> dict[str, Any]:
    """One message as the page draws it: role, its text, the answer's numbers (`note`)
    and their line, and an answer's Markdown as HTML."""
    return {"role": message.get("role", ""), "content": _text(message), **note} | (
        _figures(note) | _rendered(message)
    )


def transcript(system: str, turns: list[dict[str, Any]]) -> tuple[str, str]:
    """(HTML, text) of the conversation, system prompt first ("" when there is none)."""
    rows = [("system", system)] if system else []
    rows += [(t["role"], t["content"]) for t in turns]
    as_html = "".join(f"<p><b>{html.escape(r)}</b>: {html.escape(t)}</p>" for r, t in rows)
    return f"<div>{as_html}</div>", "\n".join(f"{role}: {text}" for role, text in rows)


def _figures(note: dict[str, Any]) -> dict[str, str]:
    """An answer's numbers in one line (a question has none): its status unless done, and
    whether it was edited since."""
    if not note:
        return {}
    line = figures_line(
        "" if note.get("status") == "done" else note.get("status", ""),
        note.get("ttft_s"),
        note.get("tokens_per_s"),
        note,  # prompt_tokens and completion_tokens
        estimated=bool(note.get("estimated")),
        cost=note.get("cost", ""),
        finish_reason=note.get("finish_reason"),
        more=("edited",) if note.get("edited") else (),
    )
    return {"figures": line}


def _rendered(message: dict[str, Any]) -> dict[str, str]:
    """An answer's Markdown as HTML (raw HTML escaped), as the stream cell shows it."""
    content = message.get("content")
    if message.get("role") != "assistant" or not isinstance(content, str) or not content:
        return {}
    return {"html": markdown_html(content)}


def _text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):  # content parts: the text ones
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    if content is None and isinstance(message.get("tool_calls"), list):
        calls = [c.get("function") or {} for c in message["tool_calls"] if isinstance(c, dict)]
        return ", ".join(f"{c.get('name', '?')}({c.get('arguments', '')})" for c in calls)
    return str(content or "")
