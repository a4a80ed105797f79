"""Chat completion chunks in, a whole ChatCompletion out: the bookkeeping of one stream.

The SDK's own `ChatCompletionStreamState` re-serialises the whole message at every chunk, so
its cost grows with the square of the answer's length; a provider streaming thousands of
tokens would make the cell lag. This accumulator appends: every chunk costs the same.
It keeps what a finished stream needs (text, refusal, tool calls by `index`, logprobs,
finish_reason per choice, the final usage chunk, whose `choices` is empty) and can build a
`ChatCompletion` at any moment, also from a stream that was stopped half-way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .usage import token_counts

if TYPE_CHECKING:
    from openai.types import CompletionUsage
    from openai.types.chat import ChatCompletion, ChatCompletionChunk

__all__ = ["StreamAccumulator"]


@dataclass
class _Choice:
    index: int
    parts: list[str] = field(default_factory=list)
    refusal: list[str] = field(default_factory=list)
    tool_calls: dict[int, dict[str, Any]] = field(default_factory=dict)
    logprobs: list[Any] = field(default_factory=list)
    finish_reason: str | None = None


class StreamAccumulator:
    """Feed it every chunk with `add`; read `text`, `finish_reason`, `usage`, `completion()`."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.first_token_at: float | None = None
        self.last_token_at: float | None = None
        self.chunks = 0
        self.content_chunks = 0
        self.usage: CompletionUsage | None = None
        self._meta: dict[str, Any] = {}
        self._choices: dict[int, _Choice] = {}

    def add(self, chunk: ChatCompletionChunk) -> str:
        """Takes one chunk; returns the text it added to the first choice (often one token)."""
        self.chunks += 1
        if not self._meta:
            self._meta = {
                "id": chunk.id,
                "created": chunk.created,
                "model": chunk.model,
                "system_fingerprint": getattr(chunk, "system_fingerprint", None),
            }
        if chunk.usage is not None:
            self.usage = chunk.usage
        added = ""
        for choice in chunk.choices:  # empty for the final usage chunk
            draft = self._choices.get(choice.index)
            if draft is None:
                draft = self._choices[choice.index] = _Choice(choice.index)
            delta = choice.delta
            produced = False
            if delta.content:
                draft.parts.append(delta.content)
                produced = True
                if choice.index == 0:
                    added += delta.content
            refusal = getattr(delta, "refusal", None)
            if refusal:
                draft.refusal.append(refusal)
                produced = True
            for call in delta.tool_calls or ():
                slot = draft.tool_calls.setdefault(
                    call.index, {"id": None, "type": "function", "name": "", "arguments": []}
                )
                slot["id"] = call.id or slot["id"]
                if call.function is not None:
                    slot["name"] += call.function.name or ""
                    slot["arguments"].append(call.function.arguments or "")
                produced = True
            if choice.logprobs is not None and choice.logprobs.content:
                draft.logprobs.extend(choice.logprobs.content)
            if choice.finish_reason is not None:
                draft.finish_reason = choice.finish_reason
            if produced:
                now = time.perf_counter()
                self.first_token_at = self.first_token_at or now
                self.last_token_at = now
                self.content_chunks += 1
        return added

    # -- reading ---------------------------------------------------------------------

    def text(self, index: int = 0) -> str:
        draft = self._choices.get(index)
        return "".join(draft.parts) if draft else ""

    def texts(self) -> list[str]:
        """Every choice's text so far, by index (`n` > 1 streams several at once); a choice
        whose first chunk has not come yet is ""."""
        count = max(self._choices, default=-1) + 1
        return [self.text(index) for index in range(count)]

    def tool_calls(self, index: int = 0) -> list[tuple[str | None, str, str]]:
        """A choice's tool calls so far, in order: (id, name, arguments written so far)."""
        draft = self._choices.get(index)
        if draft is None:
            return []
        return [
            (slot["id"], slot["name"], "".join(slot["arguments"]))
            for _, slot in sorted(draft.tool_calls.items())
        ]

    @property
    def finish_reason(self) -> str | None:
        draft = self._choices.get(0)
        return draft.finish_reason if draft else None

    @property
    def time_to_first_token(self) -> float | None:
        return None if self.first_token_at is None else self.first_token_at - self.started

    def tokens_per_second(self) -> float | None:
        """Completion tokens (the server's count when it sent one, else chunks) per second
        after the first token."""
        if self.first_token_at is None or self.last_token_at is None:
            return None
        elapsed = self.last_token_at - self.first_token_at
        produced = self.usage.completion_tokens if self.usage else self.content_chunks
        return (produced - 1) / elapsed if elapsed > 0 and produced > 1 else None

    def token_usage(
        self, messages: list[dict[str, Any]], model: str, *, failed: bool
    ) -> tuple[dict[str, int], bool]:
        """(usage, estimated): the server's usage when it sent one, else a tiktoken estimate
        of what was exchanged. A request refused outright (401, 404, 429: no chunk at all)
        used no tokens."""
        if self.usage is not None:
            return token_counts(self.usage), False
        if failed and self.chunks == 0:
            return {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}, False
        from .tokens import count_message_tokens, count_tokens

        prompt = count_message_tokens(messages, model)
        produced = 0
        for draft in self._choices.values():
            produced += count_tokens("".join(draft.parts), model)
            for slot in draft.tool_calls.values():
                produced += count_tokens("".join(slot["arguments"]), model)
        return {
            "prompt_tokens": prompt,
            "completion_tokens": produced,
            "total_tokens": prompt + produced,
        }, True

    def completion(self) -> ChatCompletion:
        """The stream so far as a ChatCompletion; a stopped stream's choices have
        `finish_reason` None, which OpenAI never sends, so it is built without validation."""
        from openai.types.chat import ChatCompletion
        from openai.types.chat.chat_completion import Choice, ChoiceLogprobs
        from openai.types.chat.chat_completion_message import ChatCompletionMessage

        choices = []
        for draft in sorted(self._choices.values(), key=lambda c: c.index):
            calls = [
                {
                    "id": slot["id"] or f"call_{draft.index}_{i}",
                    "type": "function",
                    "function": {"name": slot["name"], "arguments": "".join(slot["arguments"])},
                }
                for i, slot in sorted(draft.tool_calls.items())
            ]
            message = ChatCompletionMessage.model_validate(
                {
                    "role": "assistant",
                    "content": "".join(draft.parts) if draft.parts or not calls else None,
                    "refusal": "".join(draft.refusal) or None,
                    "tool_calls": calls or None,
                }
            )
            logprobs = ChoiceLogprobs(content=draft.logprobs) if draft.logprobs else None
            choices.append(
                Choice.model_construct(
                    index=draft.index,
                    message=message,
                    finish_reason=draft.finish_reason,
                    logprobs=logprobs,
                )
            )
        return ChatCompletion.model_construct(
            id=self._meta.get("id", ""),
            object="chat.completion",
            created=self._meta.get("created", 0),
            model=self._meta.get("model", ""),
            system_fingerprint=self._meta.get("system_fingerprint"),
            choices=choices,
            usage=self.usage,
        )
