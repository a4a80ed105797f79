"""Exercises 01 to 03: the first requests, stop sequences, streams."""

from __future__ import annotations

import re
from typing import Any

from ._base import chat_exchange, check, fail, new_exchanges

__all__ = ["completion", "model_list", "stop_sequence", "streamed"]


@check("model list")
def model_list(ids: Any) -> None:
    """`ids` are exactly the ids `client.models.list()` returned: strings, all of them."""
    if not isinstance(ids, list | tuple) or not ids:
        fail("expected a non-empty list of model ids")
    if not all(isinstance(i, str) and i for i in ids):
        fail("every model id should be a string, like model.id")
    listings = [e for e in new_exchanges() if e.method == "GET" and e.path.endswith("/models")]
    if not listings or not isinstance(listings[-1].reply, dict):
        fail("no model list was requested: ask the provider with client.models.list()")
    listed = [m.get("id") for m in listings[-1].reply.get("data", [])]
    if sorted(ids) != sorted(listed):
        fail(f"the provider listed {len(listed)} models, and `ids` holds {len(ids)} others")


@check("chat completion")
def completion(reply: Any) -> None:
    """`reply` is the whole chat completion a user message got: an assistant message, a
    real finish_reason, and usage whose total is prompt + completion tokens."""
    if getattr(reply, "object", None) != "chat.completion":
        fail("expected the object returned by client.chat.completions.create(...)")
    sent = chat_exchange(reply.id, new_exchanges()).body
    if not any(m.get("role") == "user" for m in sent.get("messages", [])):
        fail("the request holds no user message: ask something as the user")
    if not reply.choices:
        fail("the completion has no choices")
    choice = reply.choices[0]
    if choice.message.role != "assistant":
        fail("the first choice should hold the assistant's message")
    if choice.finish_reason not in ("stop", "length", "tool_calls", "content_filter"):
        fail(f"unexpected finish_reason {choice.finish_reason!r}")
    usage = reply.usage
    if usage is None or usage.total_tokens != usage.prompt_tokens + usage.completion_tokens:
        fail("usage is missing or does not add up")


_NUMBERED = re.compile(r"^\s*\d+\s*[.)]", re.MULTILINE)


@check("stop sequence honoured")
def stop_sequence(reply: Any, stop: str, items: int | None = None) -> None:
    """The request sent `stop`, the answer ended there (finish_reason "stop") without
    showing it (a stop sequence is cut off), and, with `items`, holds that many numbered
    items."""
    sent = chat_exchange(getattr(reply, "id", None), new_exchanges()).body
    asked = sent.get("stop")
    if stop not in ([asked] if isinstance(asked, str) else asked or []):
        fail(f"the request did not send stop={stop!r}: the model must be told where to stop")
    choice = reply.choices[0]
    text = choice.message.content or ""
    if stop in text:
        fail(f"the answer still contains the stop sequence {stop!r}")
    if choice.finish_reason != "stop":
        fail(f"finish_reason is {choice.finish_reason!r}: the answer ended for another reason")
    if items is not None and len(_NUMBERED.findall(text)) != items:
        fail(f"the answer holds {len(_NUMBERED.findall(text))} numbered items, not {items}")


@check("streamed text and usage")
def streamed(text: Any, usage: Any, reference: Any) -> None:
    """A request really streamed, asking for usage (`include_usage`); `text` is its deltas
    joined, `usage` the last chunk's. `reference` is the same request answered whole."""
    requests = [e for e in new_exchanges() if e.path.endswith("/chat/completions")]
    streams = [e for e in requests if e.streamed]
    if not streams:
        fail("no request streamed: pass stream=True")
    options = streams[-1].body.get("stream_options") or {}
    if not options.get("include_usage"):
        fail("the stream never carried usage: ask with stream_options={'include_usage': True}")
    if not isinstance(text, str) or not text:
        fail("expected the joined text of the stream, a non-empty string")
    whole = reference.choices[0].message.content or ""
    if text != whole:
        fail("the joined deltas differ from the whole answer: is a delta skipped?")
    if getattr(usage, "completion_tokens", None) != reference.usage.completion_tokens:
        fail("this usage is not the stream's: read it from the chunk whose choices is empty")
