"""Server-sent events for a streamed chat completion, in the order OpenAI sends them.

Per choice: a first delta with the role, content deltas, one delta with the finish_reason;
then, with `stream_options.include_usage`, a chunk with `choices: []` and the usage; then
`data: [DONE]`. A tool call streams as OpenAI's do: a delta with its `index`, `id`, `type`
and name (empty arguments), then its arguments in fragments (`toolcalls.py` reads them).
An error after the stream has started travels inside it, as OpenAI's envelope.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any

from .chat import ChatJob, ChoiceResult
from .engine import Engine, Finish
from .errors import SandboxAPIError
from .profiles import Profile
from .toolcalls import Delta
from .worker import EngineWorker

__all__ = ["absorb", "stream_events"]


async def stream_events(
    job: ChatJob,
    worker: EngineWorker,
    engine: Engine,
    include_usage: bool,
    record: Callable[[int], None],
    profile: Profile,
) -> AsyncIterator[str]:
    """The chunk stream: role first, content deltas, one finish per choice, usage, [DONE];
    errors and usage as the `profile`'s provider words them."""
    results = [ChoiceResult(i) for i in range(job.n)]
    readers = [job.reader() for _ in range(job.n)]
    started: set[int] = set()

    def event(choices: list[dict[str, Any]], usage: dict[str, Any] | None = None) -> str:
        chunk = job.chunk(choices, usage, with_usage_field=include_usage)
        return f"data: {json.dumps(chunk)}\n\n"

    try:
        async for index, item in worker.stream(partial(job.run, engine)):
            result = results[index]
            if index not in started:
                started.add(index)
                yield event(
                    [job.delta(index, {"role": "assistant", "content": "", "refusal": None})]
                )
            if isinstance(item, Finish):
                absorb(result, item)
                job.finish_choice(result, readers[index])
                yield event([job.delta(index, {}, result.finish_reason)])
                continue
            absorb(result, item)
            deltas = readers[index].feed(item.text)
            if not deltas and item.logprobs:  # logprobs of tokens that wrote nothing yet
                deltas = [Delta("content")]
            for i, delta in enumerate(deltas):
                logprobs = item.logprobs if i == len(deltas) - 1 else None
                yield event([job.delta(index, _wire(delta), logprobs=logprobs)])
    except SandboxAPIError as exc:
        yield f"data: {json.dumps(profile.error_body(exc))}\n\n"
        return
    except Exception as exc:  # the stream has started: the error must travel inside it
        message = f"The sandbox failed while generating: {type(exc).__name__}: {exc}"
        failed = SandboxAPIError(500, message, type="server_error")
        yield f"data: {json.dumps(profile.error_body(failed))}\n\n"
        return
    usage = job.usage(results)
    record(usage["total_tokens"])
    if include_usage:
        yield event([], profile.usage(usage))
    yield "data: [DONE]\n\n"


def _wire(delta: Delta) -> dict[str, Any]:
    """A reader's delta as OpenAI sends it: a call starts with its id, type, name and empty
    arguments; its arguments follow in fragments, under the same `index`."""
    if delta.kind == "content":
        return {"content": delta.text}
    if delta.kind == "call":
        function = {"name": delta.text, "arguments": ""}
        call = {"index": delta.index, "id": delta.id, "type": "function", "function": function}
    else:
        call = {"index": delta.index, "function": {"arguments": delta.text}}
    return {"tool_calls": [call]}


def absorb(result: ChoiceResult, item: Any) -> None:
    if isinstance(item, Finish):
        result.finish_reason = item.reason
        result.completion_tokens = item.completion_tokens
        result.cached_tokens = item.cached_tokens
    else:
        result.text += item.text
        result.logprobs.extend(item.logprobs)
