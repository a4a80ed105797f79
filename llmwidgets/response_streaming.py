"""The Responses API's stream events in, the same readings as a chat stream out.

A chat stream sends deltas in choices; a Responses stream sends named events: an output
item is added (a message, or a function call), its text or arguments arrive in deltas,
it is done, and the response ends `response.completed`, `response.incomplete` or
`response.failed`, carrying the whole Response with its usage. This accumulator reads
them into what `StreamAccumulator` offers (text, tool calls, timings, usage, a
`ChatCompletion` view for widgets that append the answer to a history), and keeps the
Response itself (`response()`), the one a student would print.

How it ended is kept in both words: `finish_reason` as Chat Completions would say it
(what the widgets' logic reads: "length" is a cut-off answer), and `ended_as` as the
Responses API says it ("incomplete: max_output_tokens"), which is what they show.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .usage import token_counts

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletion
    from openai.types.responses import Response

__all__ = ["ResponseStreamAccumulator"]

# A Response's end, in Chat Completions' words.
_FINISH = {"max_output_tokens": "length", "content_filter": "content_filter"}


@dataclass
class _Item:
    type: str  # "message" | "function_call" | another item type (reasoning, ...)
    id: str = ""
    call_id: str = ""
    name: str = ""
    parts: list[str] = field(default_factory=list)
    logprobs: list[Any] = field(default_factory=list)


class ResponseStreamAccumulator:
    """Feed it every event with `add`; read it as a `StreamAccumulator` is read."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.first_token_at: float | None = None
        self.last_token_at: float | None = None
        self.chunks = 0  # events
        self.content_chunks = 0  # events that carried text or arguments
        self.usage: Any = None
        self.events: list[str] = []  # each event's type, in order
        self.status: str | None = None  # the Response's, once it ended
        self.error: str | None = None  # a failed response's message
        self._items: dict[int, _Item] = {}
        self._response: Any = None  # the latest Response the stream carried

    def add(self, event: Any) -> str:
        """Takes one event; returns the message text it added (often one token)."""
        self.chunks += 1
        kind = getattr(event, "type", "")
        self.events.append(kind)
        response = getattr(event, "response", None)
        if response is not None:
            self._response = response
            self.status = getattr(response, "status", None)
            if getattr(response, "usage", None) is not None:
                self.usage = response.usage
            error = getattr(response, "error", None)
            if error is not None:
                self.error = getattr(error, "message", None) or str(error)
        if kind == "response.output_item.added":
            item = event.item
            self._items[event.output_index] = _Item(
                item.type,
                getattr(item, "id", "") or "",
                getattr(item, "call_id", "") or "",
                getattr(item, "name", "") or "",
            )
        elif kind == "response.output_text.delta":
            self._item(event.output_index, "message").parts.append(event.delta)
            self._item(event.output_index, "message").logprobs.extend(event.logprobs or [])
            self._produced()
            return str(event.delta)
        elif kind == "response.function_call_arguments.delta":
            self._item(event.output_index, "function_call").parts.append(event.delta)
            self._produced()
        elif kind == "response.refusal.delta":
            self._item(event.output_index, "message").parts.append(event.delta)
            self._produced()
        elif kind == "error":
            self.error = getattr(event, "message", None) or "the stream reported an error"
        return ""

    def _item(self, index: int, kind: str) -> _Item:
        return self._items.setdefault(index, _Item(kind))

    def _produced(self) -> None:
        now = time.perf_counter()
        self.first_token_at = self.first_token_at or now
        self.last_token_at = now
        self.content_chunks += 1

    # -- reading, as StreamAccumulator is read -----------------------------------------------

    def text(self, index: int = 0) -> str:
        """The messages' text so far (`index` is chat's choice: a response has one)."""
        if index:
            return ""
        return "".join(
            "".join(item.parts) for _, item in sorted(self._items.items()) if item.type == "message"
        )

    def texts(self) -> list[str]:
        return [self.text()] if self._items else []

    def tool_calls(self, index: int = 0) -> list[tuple[str | None, str, str]]:
        """Function calls so far, in order: (call_id, name, arguments written so far)."""
        if index:
            return []
        return [
            (item.call_id or None, item.name, "".join(item.parts))
            for _, item in sorted(self._items.items())
            if item.type == "function_call"
        ]

    @property
    def finish_reason(self) -> str | None:
        """How it ended in Chat Completions' words (None while it runs, or if it failed)."""
        if self.status == "completed":
            return "tool_calls" if self.tool_calls() else "stop"
        if self.status == "incomplete":
            details = getattr(self._response, "incomplete_details", None)
            return _FINISH.get(getattr(details, "reason", None) or "", "length")
        return None

    @property
    def ended_as(self) -> str | None:
        """How it ended in the Responses API's words: "completed",
        "incomplete: max_output_tokens", "failed"."""
        if self.status == "incomplete":
            details = getattr(self._response, "incomplete_details", None)
            reason = getattr(details, "reason", None)
            return f"incomplete: {reason}" if reason else "incomplete"
        return self.status

    @property
    def time_to_first_token(self) -> float | None:
        return None if self.first_token_at is None else self.first_token_at - self.started

    def tokens_per_second(self) -> float | None:
        if self.first_token_at is None or self.last_token_at is None:
            return None
        elapsed = self.last_token_at - self.first_token_at
        produced = (
            token_counts(self.usage)["completion_tokens"] if self.usage else self.content_chunks
        )
        return (produced - 1) / elapsed if elapsed > 0 and produced > 1 else None

    def token_usage(
        self, messages: list[dict[str, Any]], model: str, *, failed: bool
    ) -> tuple[dict[str, int], bool]:
        """(usage, estimated), as `StreamAccumulator.token_usage`: the server's when the
        stream ended with one, else a tiktoken estimate of what was exchanged."""
        if self.usage is not None:
            return token_counts(self.usage), False
        if failed and self.chunks == 0:
            return {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}, False
        from .tokens import count_message_tokens, count_tokens

        prompt = count_message_tokens(messages, model)
        produced = sum(count_tokens("".join(i.parts), model) for i in self._items.values())
        return {
            "prompt_tokens": prompt,
            "completion_tokens": produced,
            "total_tokens": prompt + produced,
        }, True

    def response(self) -> Response | None:
        """The Response the stream ended with (its last snapshot, if it was stopped)."""
        return self._response

    def completion(self) -> ChatCompletion:
        """The answer as a ChatCompletion, for what appends it to a chat history: the
        messages' text, the function calls as `tool_calls` (their `call_id` as `id`)."""
        from openai.types import CompletionUsage
        from openai.types.chat import ChatCompletion
        from openai.types.chat.chat_completion import Choice
        from openai.types.chat.chat_completion_message import ChatCompletionMessage

        calls = [
            {
                "id": call_id or f"call_{n}",
                "type": "function",
                "function": {"name": name, "arguments": args},
            }
            for n, (call_id, name, args) in enumerate(self.tool_calls())
        ]
        message = ChatCompletionMessage.model_validate(
            {
                "role": "assistant",
                "content": self.text() if self.text() or not calls else None,
                "tool_calls": calls or None,
            }
        )
        logprobs = [lp for item in self._items.values() for lp in item.logprobs]
        response = self._response
        return ChatCompletion.model_construct(
            id=getattr(response, "id", "") or "",
            object="chat.completion",
            created=int(getattr(response, "created_at", 0) or 0),
            model=getattr(response, "model", "") or "",
            choices=[
                Choice.model_construct(
                    index=0,
                    message=message,
                    finish_reason=self.finish_reason,
                    logprobs=_chat_logprobs(logprobs),
                )
            ],
            usage=CompletionUsage.model_validate(_plain(token_counts(self.usage)))
            if self.usage
            else None,
        )


def _chat_logprobs(entries: list[Any]) -> Any:
    """A Response's logprobs (the same token, logprob, bytes and top_logprobs) as a chat
    choice's, for the views that draw a chat's."""
    if not entries:
        return None
    from openai.types.chat.chat_completion import ChoiceLogprobs

    content = [e.to_dict() if hasattr(e, "to_dict") else dict(e) for e in entries]
    return ChoiceLogprobs.model_validate({"content": content})


def _plain(counts: dict[str, int]) -> dict[str, int]:
    return {k: counts[k] for k in ("prompt_tokens", "completion_tokens", "total_tokens")}
