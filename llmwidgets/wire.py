"""One recorded exchange as a student reads it: a stream's timeline, and the same request
as a `curl` command.

    reading = read(exchange)     # marks: sent, headers, first byte, first token, chunks, usage,
                                 # [DONE]; the stream's text, time to first token, tokens/s
    print(as_curl(exchange, "GROQ_API_KEY"))

The timeline is read from the `data:` lines as the SDK read them (`Exchange.events`), with
when each was read (a program slow to read a stream makes its moments late). A Responses
API stream's named events (`response.created`, an output item added, its deltas,
`response.completed`) are marks of their own. A long stream keeps every landmark and a
sample of its chunks, so that 5,000 chunks draw as quickly as 50. The curl command names
the key's variable, never the key (`-H "Authorization: Bearer $GROQ_API_KEY"`).
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import Any

from .recording import RESPONSE_ENDS, Exchange, json_or_none
from .redaction import redact

__all__ = ["MAX_MARKS", "Mark", "Reading", "as_curl", "attempt_of", "is_highlighted", "read"]

MAX_MARKS = 300  # chunks drawn on a timeline; the landmarks always are
# Response headers a student should see first: how much is left, and how long to wait.
_HIGHLIGHT = re.compile(r"ratelimit|retry-after|x-should-retry")


@dataclass(frozen=True)
class Mark:
    t_ms: float  # since the request was sent
    kind: str  # sent | headers | first byte | first token | chunk | event | usage | done
    text: str = ""  # what the chunk carried (a token, the usage), shortened


@dataclass(frozen=True)
class Reading:
    """A finished exchange read once: its moments, and the figures a student looks for."""

    marks: list[Mark]
    text: str  # a stream's text, joined from its deltas (the first choice)
    ttft_ms: float | None  # from sending to the first chunk that carried text
    tokens_per_s: float | None  # tokens after the first (usage's count), per second
    total_ms: float | None  # from sending to the end of the body
    frames: int  # server-sent events, [DONE] included


def read(exchange: Exchange) -> Reading:
    """One pass over the exchange (each event parsed once): 5,000 chunks read in a few
    tens of milliseconds, and only when someone looks."""
    marks = [Mark(0.0, "sent", f"{exchange.method} {exchange.url}")]

    def since(when: float) -> float:
        return round((when - exchange.sent) * 1000, 1)

    if exchange.received is not None:
        marks.append(Mark(since(exchange.received), "headers", f"{exchange.status}"))
    if exchange.frames:
        marks.append(Mark(since(exchange.frames[0][0]), "first byte"))
    events: list[Mark] = []  # in the order they came (many can share a millisecond)
    usage: dict[str, Any] = {}
    texts: list[str] = []
    token_times: list[float] = []
    found = exchange.events
    for when, data in found:
        if data == "[DONE]":
            events.append(Mark(since(when), "done", "[DONE]"))
            continue
        chunk = json_or_none(data)
        if not isinstance(chunk, dict):
            continue
        if isinstance(chunk.get("type"), str):  # a Responses API event: named, not a chunk
            text = _event_delta(chunk)
            if not text:
                ended = chunk.get("response") if chunk["type"] in RESPONSE_ENDS else None
                if isinstance(ended, dict) and isinstance(ended.get("usage"), dict):
                    usage = ended["usage"]
                    events.append(Mark(since(when), "usage", _usage_text(usage)))
                kind = "done" if chunk["type"] in RESPONSE_ENDS else "event"
                events.append(Mark(since(when), kind, _event_name(chunk)))
                continue
            token_times.append(when)
            if chunk["type"] == "response.output_text.delta":
                texts.append(text)
            kind = "first token" if len(token_times) == 1 else "chunk"
            events.append(Mark(since(when), kind, text[:40]))
            continue
        text = _delta_text(chunk)
        if chunk.get("usage") and not text:  # LiteLLM's usage chunk keeps a choice: no text
            usage = chunk["usage"] if isinstance(chunk["usage"], dict) else {}
            events.append(Mark(since(when), "usage", _usage_text(usage)))
            continue
        if text:
            token_times.append(when)
            texts.append(_first_choice_text(chunk))
        kind = "first token" if text and len(token_times) == 1 else "chunk"
        events.append(Mark(since(when), kind, text[:40]))
    chunks = [i for i, m in enumerate(events) if m.kind == "chunk"]
    if len(chunks) > MAX_MARKS:  # an even sample of the chunks, the last one kept
        step = len(chunks) / MAX_MARKS
        kept = {chunks[int(i * step)] for i in range(MAX_MARKS - 1)} | {chunks[-1]}
        events = [m for i, m in enumerate(events) if m.kind != "chunk" or i in kept]
    spread = token_times[-1] - token_times[0] if token_times else 0.0
    # Tokens as the provider counted them (the usage chunk), else one per chunk with text.
    tokens = usage.get("completion_tokens") or usage.get("output_tokens") or len(token_times)
    return Reading(
        marks=sorted(marks + events, key=lambda m: m.t_ms),  # stable: ties keep their order
        text="".join(texts),
        ttft_ms=since(token_times[0]) if token_times else None,
        tokens_per_s=(tokens - 1) / spread if spread > 0 and tokens > 1 else None,
        total_ms=since(exchange.ended) if exchange.ended is not None else None,
        frames=len(found),
    )


def attempt_of(exchange: Exchange) -> int:
    """Which try this request was: 0 first, then each retry the SDK made (its own count)."""
    try:
        return int(exchange.headers.get("x-stainless-retry-count", "0"))
    except ValueError:
        return 0


def is_highlighted(header: str) -> bool:
    return bool(_HIGHLIGHT.search(header.lower()))


def as_curl(exchange: Exchange, key_env: str | None) -> str:
    """The request as a `curl` command; the key as `$VARIABLE`, never its value."""
    lines = [f"curl {shlex.quote(exchange.url)}"]
    if exchange.method != "GET" or exchange.body is not None:
        lines[0] = f"curl -X {exchange.method} {shlex.quote(exchange.url)}"
    if exchange.streamed:
        lines[0] += " -N"  # print each event as it comes
    if key_env and "authorization" in exchange.hidden:
        lines.append(f'-H "Authorization: Bearer ${key_env}"')
    if exchange.body is not None:
        lines.append('-H "Content-Type: application/json"')
        lines.append(f"-d {shlex.quote(json.dumps(exchange.body, ensure_ascii=False))}")
    return redact(" \\\n  ".join(lines))


def _delta_text(chunk: dict[str, Any]) -> str:
    parts = []
    for choice in chunk.get("choices") or []:
        delta = choice.get("delta") or {}
        parts.append(delta.get("content") or "")
        for call in delta.get("tool_calls") or []:
            function = call.get("function") or {}
            parts.append(function.get("name") or "")
            parts.append(function.get("arguments") or "")
    return "".join(parts)


def _first_choice_text(chunk: dict[str, Any]) -> str:
    for choice in chunk.get("choices") or []:
        if choice.get("index", 0) == 0:
            return (choice.get("delta") or {}).get("content") or ""
    return ""


def _usage_text(usage: dict[str, Any]) -> str:
    if "input_tokens" in usage:  # the Responses API's names
        return (
            f"{usage.get('input_tokens')} input + {usage.get('output_tokens')} output "
            f"= {usage.get('total_tokens')} tokens"
        )
    return (
        f"{usage.get('prompt_tokens')} prompt + {usage.get('completion_tokens')} completion "
        f"= {usage.get('total_tokens')} tokens"
    )


_DELTAS = frozenset(
    {
        "response.output_text.delta",
        "response.function_call_arguments.delta",
        "response.refusal.delta",
    }
)


def _event_delta(event: dict[str, Any]) -> str:
    return str(event.get("delta") or "") if event.get("type") in _DELTAS else ""


def _event_name(event: dict[str, Any]) -> str:
    """An event as the timeline names it: its type, and what it is about (an item's type,
    a call's name, how a response ended)."""
    kind = str(event["type"])
    item = event.get("item")
    if isinstance(item, dict):
        about = item.get("name") or item.get("type") or ""
        return f"{kind} · {about}" if about else kind
    ended = event.get("response")
    if kind in RESPONSE_ENDS and isinstance(ended, dict):
        reason = (ended.get("incomplete_details") or {}).get("reason")
        error = (ended.get("error") or {}).get("message")
        return f"{kind} · {reason or error}" if reason or error else kind
    return kind
