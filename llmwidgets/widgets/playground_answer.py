"""The Playground's answer: a run as its page draws it (each choice's text, the figures
line, the logprob chips) and as its saved view sums it up, built from the run's
accumulator while it streams and from its Reply once it has ended."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from ..status import ENDED
from .figures import figures_line
from .token_view import probable_tokens

if TYPE_CHECKING:
    from ..running import Accumulator, Reply

__all__ = ["answer_line", "finished", "saved_view", "streaming", "waiting"]

MAX_TOKENS_SHOWN = 400  # logprobs drawn in the page; the Reply keeps them all


def waiting(model: str) -> dict[str, Any]:
    """A run sent, before its first token: the model asked for leads the figures line."""
    answer = {"status": "waiting", "model": model, "choices": []}
    return {**answer, "figures": _figures(answer)}


def streaming(before: dict[str, Any], status: str, acc: Accumulator) -> dict[str, Any]:
    """The answer so far: each choice's text and the figures known yet."""
    answer = {
        **before,
        "status": status,
        "choices": [{"text": text} for text in acc.texts()],
        "ttft_s": acc.time_to_first_token,
        "tokens_per_s": acc.tokens_per_second(),
    }
    return {**answer, "figures": _figures(answer)}


def finished(reply: Reply, model: str, cost: str) -> dict[str, Any]:
    """The whole answer: each choice and why it ended, usage, cost, the first choice's
    token probabilities, and the run's error in one line."""
    usage = reply.usage or {}
    if reply.response is not None:  # the Responses API: one answer, ended as its status says
        choices = [{"text": reply.text, "finish_reason": reply.ended_as or "", "label": "status"}]
    else:
        choices = [
            {"text": c.message.content or "", "finish_reason": c.finish_reason or ""}
            for c in reply.completion.choices
        ] or [{"text": reply.text, "finish_reason": ""}]
    first = reply.completion.choices[:1]
    logprobs = first[0].logprobs if first else None
    content = (logprobs.content if logprobs is not None else None) or []
    answer = {
        "status": reply.status,
        "model": model,
        "choices": choices,
        "ttft_s": reply.ttft_s,
        "tokens_per_s": reply.tokens_per_s,
        "latency_s": reply.latency_s,
        "usage": usage,
        "estimated": reply.estimated_usage,
        "cost": cost,
        "error": reply.error or "",
        "logprobs": probable_tokens(content[:MAX_TOKENS_SHOWN]),
    }
    return {**answer, "figures": _figures(answer)}


def _figures(answer: dict[str, Any]) -> str:
    """The answer's numbers in one line, led by the model that answered: what the page
    shows above the choices (each choice says its own finish_reason)."""
    return figures_line(
        answer.get("model", ""),
        answer.get("ttft_s"),
        answer.get("tokens_per_s"),
        answer.get("usage"),
        estimated=bool(answer.get("estimated")),
        cost=answer.get("cost", ""),
    )


def answer_line(answer: dict[str, Any]) -> str:
    """The answer in one line for viewers without widgets: its status, the page's figures
    and why each choice ended."""
    reasons = {c.get("finish_reason") for c in answer.get("choices", [])} - {"", None}
    ended = ("finish_reason " + ", ".join(sorted(reasons)),) if reasons else ()
    return " · ".join(filter(None, (answer.get("status", ""), answer.get("figures", ""), *ended)))


def saved_view(
    title: str, note: str, warned: list[str], error: str, request: str, answer: dict[str, Any]
) -> tuple[str, str]:
    """(HTML, text) of the playground for a saved notebook: the provider and model, the
    notes and warnings, the request, and the last answer once it has ended."""
    texts = [c.get("text", "") for c in answer.get("choices", [])]
    ended = answer.get("status") in ENDED
    parts = [f"<p><b>{html.escape(title)}</b></p>"]
    if note:
        parts.append(f"<p><i>{html.escape(note)}</i></p>")
    if warned:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in warned)
        parts.append(f"<p>Warnings:</p><ul>{items}</ul>")
    if error:
        parts.append(f"<p><b>{html.escape(error)}</b></p>")
    parts.append(f"<pre>{html.escape(request)}</pre>")
    if ended:
        parts.append(f"<p><b>Answer</b> ({html.escape(answer_line(answer))})</p>")
        for index, text in enumerate(texts):
            head = f"<p><i>choice {index}</i></p>" if len(texts) > 1 else ""
            parts.append(f"{head}<pre>{html.escape(text)}</pre>")
        if answer.get("error"):
            parts.append(f"<p><b>{html.escape(answer['error'])}</b></p>")
    lines = [title, *([note] if note else [])]
    lines += [f"warning: {w}" for w in warned] + ([error] if error else [])
    lines += ["request:", request]
    if ended:
        lines.append(f"answer ({answer_line(answer)}):")
        lines += texts + ([answer["error"]] if answer.get("error") else [])
    return "<div>" + "".join(parts) + "</div>", "\n".join(lines)
