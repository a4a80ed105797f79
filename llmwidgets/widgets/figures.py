"""An answer's figures in words, written once for every view, live or saved.

Python writes the line and syncs it; the page shows it as it is, so the stream cell, the
chat, compare, the Playground and the tool loop's rounds never disagree with each other
or with what a saved notebook shows ("first token 412 ms · 61.2 tokens/s · 25 + 40
tokens · free (local)").
"""

from __future__ import annotations

from typing import Any

__all__ = ["duration", "figures_line"]


def duration(seconds: float | None) -> str:
    """A time as a student reads it: "412 ms" under a second, "1.23 s" from one ("" for
    none). The page kit's `duration` (static/kit.js) writes the same, but for a time that
    falls exactly on a half (JavaScript rounds it up, Python to even)."""
    if seconds is None:
        return ""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


_CHAT_FINISHES = frozenset({"length", "tool_calls", "content_filter", "function_call"})


def figures_line(
    lead: str,
    ttft_s: float | None,
    tokens_per_s: float | None,
    usage: dict[str, Any] | None,
    *,
    estimated: bool = False,
    cost: str = "",
    finish_reason: str | None = None,
    more: tuple[str, ...] = (),
) -> str:
    """One answer's numbers: "done · first token 412 ms · 61.2 tokens/s · 25 + 40 tokens ·
    free (local)", led by a status or a model; ~ marks tiktoken's estimates. Empty parts
    are left out, and so is finish_reason "stop" (status "completed" for the Responses
    API): an answer that ended well is no news. Another Responses status is shown as one:
    "status incomplete: max_output_tokens"."""
    parts = [lead]
    if ttft_s is not None:
        parts.append(f"first token {duration(ttft_s)}")
    if tokens_per_s is not None:
        parts.append(f"{tokens_per_s:.1f} tokens/s")
    usage = usage or {}
    if usage.get("prompt_tokens") is not None and usage.get("completion_tokens") is not None:
        mark = "~" if estimated or usage.get("estimated") else ""
        parts.append(f"{mark}{usage['prompt_tokens']} + {mark}{usage['completion_tokens']} tokens")
    parts.append(cost)
    if finish_reason and finish_reason not in ("stop", "completed"):
        word = "finish_reason" if finish_reason in _CHAT_FINISHES else "status"
        parts.append(f"{word} {finish_reason}")
    return " · ".join(p for p in [*parts, *more] if p)
