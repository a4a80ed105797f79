"""Server-sent events for a streamed chat completion, in the order OpenAI sends them.

Per choice: a first delta with the role, content deltas, one delta with the finish_reason;
then, with `stream_options.include_usage`, a chunk with `choices: []` and the usage; then
`data: [DONE]`. A tool call is sent whole, in one delta with `index`, once it is complete.
An error after the stream has started travels inside it, as OpenAI's envelope.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any

from .chat import ChatJob, ChoiceResult
from .engine import Engine, Finish
from .errors import SandboxAPIError, envelope
from .worker import EngineWorker

__all__ = ["absorb", "stream_events"]


async def stream_events(
    job: ChatJob,
    worker: EngineWorker,
    engine: Engine,
    include_usage: bool,
    record: Callable[[int], None],
) -> AsyncIterator[str]:
    """The chunk stream: role first, content deltas, one finish per choice, usage, [DONE]."""
    results = [ChoiceResult(i) for i in range(job.n)]
    buffering = [job.tool_mode == "forced"] * job.n
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
                job.finish_choice(result)
                if result.tool_call:
                    yield event([job.delta(index, {"tool_calls": [result.tool_call]})])
                elif buffering[index] and result.text:
                    yield event([job.delta(index, {"content": result.text})])
                yield event([job.delta(index, {}, result.finish_reason)])
                continue
            if job.tool_mode == "auto" and not result.text and item.text.lstrip().startswith("{"):
                buffering[index] = True
            absorb(result, item)
            if not buffering[index] and (item.text or item.logprobs):
                yield event([job.delta(index, {"content": item.text}, logprobs=item.logprobs)])
    except SandboxAPIError as exc:
        yield f"data: {json.dumps(exc.to_dict())}\n\n"
        return
    except Exception as exc:  # the stream has started: the error must travel inside it
        message = f"The sandbox failed while generating: {type(exc).__name__}: {exc}"
        yield f"data: {json.dumps(envelope(message, 'server_error'))}\n\n"
        return
    usage = job.usage(results)
    record(usage["total_tokens"])
    if include_usage:
        yield event([], usage)
    yield "data: [DONE]\n\n"


def absorb(result: ChoiceResult, item: Any) -> None:
    if isinstance(item, Finish):
        result.finish_reason = item.reason
        result.completion_tokens = item.completion_tokens
        result.cached_tokens = item.cached_tokens
    else:
        result.text += item.text
        result.logprobs.extend(item.logprobs)
