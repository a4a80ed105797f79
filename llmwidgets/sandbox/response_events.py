"""Server-sent events for a streamed response, in the order OpenAI's Responses API sends them.

    response.created, response.in_progress
    for each output item:
        response.output_item.added
        a message:  response.content_part.added, response.output_text.delta ...,
                    response.output_text.done, response.content_part.done
        a call:     response.function_call_arguments.delta ..., .done
        response.output_item.done
    response.completed | response.incomplete | response.failed

Each event names its type twice (the SSE `event:` line and `type`) and carries a
`sequence_number` counted from 0. The same `CallReader` that reads a chat stream decides
what is text and what is a call, so the items streamed are the items a whole answer has.
A failure after the stream has begun ends it with `response.failed`, its error inside.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from .chat import ChoiceResult
from .engine import Engine, Finish
from .errors import SandboxAPIError
from .responding import ResponseJob
from .response_items import function_call_item, item_id, message_item
from .sse import absorb
from .toolcalls import Delta
from .worker import EngineWorker

__all__ = ["response_events"]


@dataclass
class _Events:
    """Numbers the events and keeps the items as they grow."""

    job: ResponseJob
    sequence: int = 0
    items: list[dict[str, Any]] = field(default_factory=list)
    open: dict[str, Any] | None = None  # the item being written

    def event(self, kind: str, **fields: Any) -> str:
        body = {"type": kind, "sequence_number": self.sequence, **fields}
        self.sequence += 1
        return f"event: {kind}\ndata: {json.dumps(body)}\n\n"

    def lifecycle(self, kind: str, result: ChoiceResult | None = None, **extra: Any) -> str:
        return self.event(kind, response=self.job.body(self.items, result, **extra))

    def where(self) -> dict[str, Any]:
        assert self.open is not None
        return {"item_id": self.open["id"], "output_index": len(self.items) - 1}

    def add(self, item: dict[str, Any]) -> list[str]:
        out = self.close()
        self.items.append(item)
        self.open = item
        out.append(
            self.event("response.output_item.added", output_index=len(self.items) - 1, item=item)
        )
        if item["type"] == "message":
            part = item["content"][0]
            out.append(
                self.event(
                    "response.content_part.added", **self.where(), content_index=0, part=part
                )
            )
        return out

    def text(self, delta: str, logprobs: list[dict[str, Any]]) -> list[str]:
        out = [] if self.open and self.open["type"] == "message" else self.add(_message_item())
        assert self.open is not None
        part = self.open["content"][0]
        part["text"] += delta
        part["logprobs"] += logprobs
        out.append(
            self.event(
                "response.output_text.delta",
                **self.where(),
                content_index=0,
                delta=delta,
                logprobs=logprobs,
            )
        )
        return out

    def arguments(self, delta: str) -> list[str]:
        assert self.open is not None
        self.open["arguments"] += delta
        return [self.event("response.function_call_arguments.delta", **self.where(), delta=delta)]

    def close(self, status: str = "completed") -> list[str]:
        """The open item's done events, with `status` (incomplete when it was cut off)."""
        item, out = self.open, list[str]()
        if item is None:
            return out
        where = self.where()
        if item["type"] == "message":
            part = item["content"][0]
            out.append(
                self.event(
                    "response.output_text.done",
                    **where,
                    content_index=0,
                    text=part["text"],
                    logprobs=part["logprobs"],
                )
            )
            out.append(
                self.event("response.content_part.done", **where, content_index=0, part=part)
            )
        else:
            out.append(
                self.event(
                    "response.function_call_arguments.done",
                    **where,
                    name=item["name"],
                    arguments=item["arguments"],
                )
            )
        item["status"] = status
        out.append(
            self.event("response.output_item.done", output_index=where["output_index"], item=item)
        )
        self.open = None
        return out


def _message_item() -> dict[str, Any]:
    return message_item(item_id("msg"), "", "in_progress")


async def response_events(
    job: ResponseJob,
    worker: EngineWorker,
    engine: Engine,
    finished: Callable[[dict[str, Any], ChoiceResult], None],
) -> AsyncIterator[str]:
    """The event stream of `job`; `finished(body, result)` is called with the final
    Response (to record usage, and to store it)."""
    events = _Events(job)
    result = ChoiceResult(0)
    reader = job.reader()
    yield events.lifecycle("response.created")
    yield events.lifecycle("response.in_progress")
    try:
        async for _, item in worker.stream(partial(job.chat_job.run, engine)):
            absorb(result, item)
            if isinstance(item, Finish):
                break
            deltas = reader.feed(item.text)
            if not deltas and item.logprobs:  # logprobs of tokens that wrote nothing yet
                deltas = [Delta("content")]
            for i, delta in enumerate(deltas):
                logprobs = item.logprobs if i == len(deltas) - 1 and job.logprobs else []
                for line in _wire(events, delta, logprobs):
                    yield line
    except Exception as exc:  # the stream has begun: the failure travels inside it
        for line in events.close("incomplete"):
            yield line
        yield events.lifecycle("response.failed", status="failed", error=_failure(exc))
        return
    job.chat_job.finish_choice(result, reader)  # the finish_reason, as for a whole answer
    status = "completed" if result.finish_reason in ("stop", "tool_calls") else "incomplete"
    if not events.items:  # nothing was written: still one (empty) message
        for line in events.add(_message_item()):
            yield line
    for line in events.close(status):
        yield line
    body = job.body(events.items, result)
    finished(body, result)
    kind = "response.completed" if body["status"] == "completed" else "response.incomplete"
    yield events.event(kind, response=body)


def _wire(events: _Events, delta: Delta, logprobs: list[dict[str, Any]]) -> list[str]:
    if delta.kind == "content":
        return events.text(delta.text, logprobs)
    if delta.kind == "call":
        call = {"id": delta.id, "function": {"name": delta.text, "arguments": ""}}
        return events.add(_call_item(call))
    return events.arguments(delta.text)


def _call_item(call: dict[str, Any]) -> dict[str, Any]:
    return function_call_item(item_id("fc"), call, "in_progress")


def _failure(exc: Exception) -> dict[str, str]:
    if isinstance(exc, SandboxAPIError):
        code = "rate_limit_exceeded" if exc.status == 429 else "server_error"
        return {"code": code, "message": exc.message}
    return {
        "code": "server_error",
        "message": f"The sandbox failed while generating: {type(exc).__name__}: {exc}",
    }
