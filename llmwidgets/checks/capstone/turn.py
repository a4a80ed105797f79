"""Part 1: one streamed turn, its text, its tool calls joined by `index`, its usage."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from typing import Any

from ...recording import Exchange, Recording
from .._base import NotSolved, check, fail
from ..retries import sandbox_under_watch
from ._common import ADD_TOOL, GREEDY, TWO_SUMS, plain, streamed_parts


def _one_stream(log: Recording) -> Exchange:
    chats = log.to("/chat/completions")
    if not chats:
        raise NotSolved("stream_turn() sent no request")
    if len(chats) > 1:
        fail(f"one turn should be one request, not {len(chats)}")
    exchange = chats[0]
    if not exchange.streamed:
        fail("the request did not stream: send stream=True")
    return exchange


@check("one streamed turn")
def stream_turn(fn: Callable[..., Any]) -> None:
    """`fn(client, model, messages, **params)` streams one reply, printing its text as it
    arrives, and returns `(message, usage)`: the assistant message as a dict to append to
    `messages` (tool calls joined from their fragments) and the usage of the final chunk."""
    client, log, model = sandbox_under_watch()
    hello = [{"role": "user", "content": "Say hello to the class."}]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = fn(client, model, hello, max_tokens=24)
    if result in (None, Ellipsis):
        raise NotSolved("stream_turn() should return (message, usage)")
    message, usage = result
    exchange = _one_stream(log)
    if not (exchange.body.get("stream_options") or {}).get("include_usage"):
        fail('ask for the usage chunk: stream_options={"include_usage": True}')
    text, _ = streamed_parts(exchange)
    if not isinstance(message, dict) or message.get("role") != "assistant":
        fail(f"the message should be a dict with role 'assistant', not {message!r:.60}")
    if message.get("content") != text:
        fail(
            f"the message holds {message.get('content')!r:.60}, but the stream carried "
            f"{text!r:.60}: join every delta's content"
        )
    if message.get("tool_calls"):
        fail("a reply with no tool calls should not carry `tool_calls`")
    if printed.getvalue().strip() != text.strip():
        fail("print the text as it arrives (print(delta, end='', flush=True))")
    reported = exchange.usage or {}
    counts = ("prompt_tokens", "completion_tokens", "total_tokens")
    mine = plain(usage) if usage is not None else {}
    if not isinstance(mine, dict) or any(mine.get(k) != reported.get(k) for k in counts):
        fail(f"the usage should be the final chunk's ({reported.get('completion_tokens')} tokens)")

    log.clear()
    with contextlib.redirect_stdout(io.StringIO()):
        message, _ = fn(client, model, TWO_SUMS, tools=[ADD_TOOL], tool_choice="required", **GREEDY)
    _, streamed_calls = streamed_parts(_one_stream(log))
    calls = message.get("tool_calls") if isinstance(message, dict) else None
    if not calls:
        fail("the model called `add`, but the message has no `tool_calls`")
    if len(streamed_calls) > 1 and len(calls) != len(streamed_calls):
        fail(
            f"the model made {len(streamed_calls)} calls at once, and the message holds "
            f"{len(calls)}: keep one call per `index`"
        )
    want = [
        {
            "id": c["id"],
            "type": "function",
            "function": {"name": c["name"], "arguments": c["arguments"]},
        }
        for c in streamed_calls
    ]
    got = [plain(call) for call in calls]
    if got != want:
        fail(
            f"the tool calls should be {want!r:.120}, joined from the stream's fragments, "
            f"not {got!r:.120}"
        )
