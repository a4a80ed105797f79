"""From a validated chat request to engine work, and from engine output to OpenAI's shapes.

`ChatJob.plan(request, engine)` checks everything that can be checked before the model runs
(context length, logit_bias keys, schemas; the model id is the profile's to check), so that
bad input is a 400 up front and never a failure half-way through a stream.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .constraints import grammar_for, logit_bias
from .engine import Engine, Finish, Piece, Sampling
from .errors import SandboxAPIError
from .prompt import template_messages, tools_in_play
from .schemas import ChatRequest, JSONSchemaResponseFormat, NamedToolChoice
from .toolcalls import CallReader
from .validation import MAX_ATTEMPTS, Check, retry_seed, schema_check, tool_check

__all__ = ["ChatJob", "ChoiceResult"]


@dataclass
class ChoiceResult:
    index: int
    text: str = ""
    finish_reason: str = "stop"
    completion_tokens: int = 0
    cached_tokens: int = 0
    logprobs: list[dict[str, Any]] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ChatJob:
    request: ChatRequest
    prompt: list[int]
    sampling: Sampling
    tools: list[dict[str, Any]]
    tool_mode: str  # "none" | "auto" | "forced"
    check: Check | None = None  # validate-and-resample (validation.py), when needed
    shown_model: str | None = None  # the id the client asked for, when a profile maps it
    fingerprint: str = ""  # the engine's (`Engine.fingerprint`), as `system_fingerprint`
    id: str = field(default_factory=lambda: "chatcmpl-" + secrets.token_hex(12))
    created: int = field(default_factory=lambda: int(time.time()))

    @property
    def n(self) -> int:
        return self.request.n or 1

    @classmethod
    def plan(cls, request: ChatRequest, engine: Engine, *, flagged: Sequence[str] = ()) -> ChatJob:
        tools, tool_mode = tools_in_play(request)
        parallel = request.parallel_tool_calls is not False
        prompt = engine.tokenize(engine.render(template_messages(request, tools, parallel)))
        asked = request.token_limit
        if len(prompt) + (asked or 1) > engine.n_ctx:
            raise SandboxAPIError(
                400,
                f"This model's maximum context length is {engine.n_ctx} tokens. However, you "
                f"requested {len(prompt) + (asked or 0)} tokens ({len(prompt)} in the "
                f"messages, {asked or 0} in the completion). Please reduce the length of the "
                "messages or completion.",
                param="messages",
                code="context_length_exceeded",
            )
        sampling = Sampling(
            max_tokens=asked,
            temperature=1.0 if request.temperature is None else request.temperature,
            top_p=1.0 if request.top_p is None else request.top_p,
            presence_penalty=request.presence_penalty or 0.0,
            frequency_penalty=request.frequency_penalty or 0.0,
            seed=request.seed,
            logit_bias=logit_bias(request, engine),
            stop=request.stop_sequences,
            grammar=grammar_for(request, tools, tool_mode),
            logprobs=bool(request.logprobs),
            top_logprobs=request.top_logprobs or 0,
            flagged=flagged,
        )
        job = cls(request, prompt, sampling, tools, tool_mode, fingerprint=engine.fingerprint)
        job.check = job._output_check()
        return job

    def _output_check(self) -> Check | None:
        if self.tool_mode != "none":
            return tool_check(self.tools, lambda text: self.reader(text).tool_calls)
        fmt = self.request.response_format
        if isinstance(fmt, JSONSchemaResponseFormat):
            return schema_check(fmt.json_schema.schema_ or {"type": "object"})
        return None

    def choice_sampling(self, index: int) -> Sampling:
        """Choice i of n uses seed + i, so n choices differ and each is reproducible."""
        seed = self.sampling.seed
        return replace(self.sampling, seed=None if seed is None else seed + index)

    def run(self, engine: Engine, cancel: threading.Event) -> Iterator[tuple[int, Piece | Finish]]:
        """(choice index, piece or finish) for every choice in turn; runs on the worker."""
        for index in range(self.n):
            sampling = self.choice_sampling(index)
            if self.check is None:
                for item in engine.generate(self.prompt, sampling, cancel):
                    yield index, item
            else:
                for item in self._checked(engine, sampling, cancel):
                    yield index, item
            if cancel.is_set():
                return

    def _checked(
        self, engine: Engine, sampling: Sampling, cancel: threading.Event
    ) -> list[Piece | Finish]:
        """One choice sampled until it passes the check (validation.py), whole."""
        assert self.check is not None
        spent, cached = 0, None
        for attempt in range(MAX_ATTEMPTS):
            seed = retry_seed(sampling.seed, attempt)
            items = list(engine.generate(self.prompt, replace(sampling, seed=seed), cancel))
            last = items[-1]
            if not isinstance(last, Finish):
                raise RuntimeError("the engine ended a choice without a Finish")
            finish: Finish = last
            spent += finish.completion_tokens  # every attempt was generated, so it counts
            cached = finish.cached_tokens if cached is None else cached  # the first one's
            text = "".join(i.text for i in items if isinstance(i, Piece))
            if cancel.is_set() or finish.reason != "stop" or self.check(text):
                break
        return [*items[:-1], Finish(finish.reason, spent, cached or 0)]

    def reader(self, text: str = "") -> CallReader:
        """Reads a choice's text into content or tool calls, as it streams (toolcalls.py);
        given a whole text, it has read it already."""
        reader = CallReader(self.tool_mode)
        reader.feed(text)
        return reader

    def finish_choice(self, result: ChoiceResult, reader: CallReader | None = None) -> None:
        """Turn generated calls into `tool_calls` (a stream passes the reader it used, so the
        ids it sent are kept). The finish_reason is "tool_calls", except for a named
        `tool_choice`, which OpenAI ends with "stop" (streamed or not; vLLM copies this):
        clients must look at `message.tool_calls`. A call cut off (by `length`, a stop
        sequence, a filter) is returned as far as it got, with that finish_reason, as
        OpenAI returns one, and as the stream already sent it."""
        if self.tool_mode == "none":
            return
        reader = reader or self.reader(result.text)
        if not reader.tool_calls:
            return
        result.tool_calls = reader.tool_calls
        result.text = reader.text
        if result.finish_reason == "stop" and reader.complete:
            named = isinstance(self.request.tool_choice, NamedToolChoice)
            result.finish_reason = "stop" if named else "tool_calls"

    # -- response shapes ----------------------------------------------------------------

    def completion(self, results: list[ChoiceResult]) -> dict[str, Any]:
        choices = []
        for r in results:
            message: dict[str, Any] = {
                "role": "assistant",
                "content": r.text if r.text or not r.tool_calls else None,
                "refusal": None,
                "annotations": [],
            }
            if r.tool_calls:
                message["tool_calls"] = r.tool_calls
            choices.append(
                {
                    "index": r.index,
                    "message": message,
                    "logprobs": self._logprobs(r.logprobs),
                    "finish_reason": r.finish_reason,
                }
            )
        return {**self._head("chat.completion"), "choices": choices, "usage": self.usage(results)}

    def chunk(
        self,
        choices: list[dict[str, Any]],
        usage: dict[str, Any] | None = None,
        *,
        with_usage_field: bool = False,
    ) -> dict[str, Any]:
        body = {**self._head("chat.completion.chunk"), "choices": choices}
        if with_usage_field:
            body["usage"] = usage
        return body

    def delta(
        self,
        index: int,
        delta: dict[str, Any],
        finish_reason: str | None = None,
        logprobs: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        return {
            "index": index,
            "delta": delta,
            "logprobs": self._logprobs(logprobs) if logprobs else None,
            "finish_reason": finish_reason,
        }

    def usage(self, results: list[ChoiceResult]) -> dict[str, Any]:
        completion = sum(r.completion_tokens for r in results)
        return {
            "prompt_tokens": len(self.prompt),
            "completion_tokens": completion,
            "total_tokens": len(self.prompt) + completion,
            # The prompt is counted once however many choices: so is its cached part, the
            # first choice's (the others reuse what it evaluated).
            "prompt_tokens_details": {"cached_tokens": results[0].cached_tokens, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }

    def _head(self, kind: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": kind,
            "created": self.created,
            "model": self.shown_model or self.request.model,
            "service_tier": "default",
            "system_fingerprint": self.fingerprint,
        }

    def _logprobs(self, entries: list[dict[str, Any]]) -> dict[str, Any] | None:
        if not self.sampling.logprobs:
            return None
        return {"content": entries, "refusal": None}
