"""The Responses API on the chat engine: a `/v1/responses` request becomes a chat job, and
the job's choice becomes output items and a Response.

The same engine, prefix reuse, grammars, limits and checks serve both endpoints: what
differs is only the shape of the request (`response_to_chat.py`) and of the answer. A
request is planned against the items that `previous_response_id` names (the stored items
before it, `response_items.py`), so a conversation kept by the server reads to the model
exactly as one resent by the client. A choice that ended on `length` or `content_filter`
is a response with status `incomplete` and `incomplete_details` saying which.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .chat import ChatJob, ChoiceResult
from .engine import Engine
from .errors import SandboxAPIError
from .response_items import (
    check_no_duplicates,
    check_outputs_answer_calls,
    function_call_item,
    item_id,
    message_item,
    resource_items,
)
from .response_request import ResponsesRequest
from .response_to_chat import LOGPROBS, chat_request, in_responses_terms
from .schemas import ChatRequest
from .toolcalls import CallReader

__all__ = ["ResponseJob"]


@dataclass
class ResponseJob:
    """One `/v1/responses` request, planned: the chat job that runs it, the items it was
    given (`before`: from `previous_response_id`; `inputs`: its own), and the answer's
    shapes. `before` and `inputs` are items as the API returns them (with ids)."""

    request: ResponsesRequest
    chat: ChatRequest
    chat_job: ChatJob
    before: list[dict[str, Any]]
    inputs: list[dict[str, Any]]
    shown_model: str
    id: str = field(default_factory=lambda: item_id("resp"))
    created_at: int = field(default_factory=lambda: int(time.time()))

    @classmethod
    def plan(
        cls,
        request: ResponsesRequest,
        engine: Engine,
        *,
        before: Sequence[dict[str, Any]] = (),
        shown_model: str | None = None,
        flagged: Sequence[str] = (),
    ) -> ResponseJob:
        """`request` as the profile runs it (its model the engine's); `before`: the items
        of the response it continues; `shown_model`: the id the client asked for."""
        inputs = resource_items(request)
        if not inputs and not before:
            raise SandboxAPIError(400, "Missing required parameter: 'input'.", param="input")
        check_no_duplicates(before, inputs)
        check_outputs_answer_calls([*before, *inputs])
        context = [*before, *inputs]
        while True:
            chat = chat_request(request, context)
            try:
                job = ChatJob.plan(chat, engine, flagged=flagged)
                break
            except SandboxAPIError as exc:
                # truncation "auto": drop the oldest items until the input fits.
                too_long = exc.code == "context_length_exceeded"
                if too_long and request.truncation == "auto" and len(context) > 1:
                    context = context[1:]
                    continue
                raise in_responses_terms(exc) from None
        shown = shown_model or request.model
        job.shown_model = shown
        return cls(request, chat, job, list(before), inputs, shown)

    # -- the answer -------------------------------------------------------------------------

    @property
    def logprobs(self) -> bool:
        return LOGPROBS in (self.request.include or [])

    def reader(self) -> CallReader:
        return self.chat_job.reader()

    def output(
        self, result: ChoiceResult, reader: CallReader | None = None
    ) -> list[dict[str, Any]]:
        """The choice as output items: function calls, or one message."""
        self.chat_job.finish_choice(result, reader)
        done = "completed" if result.finish_reason in ("stop", "tool_calls") else "incomplete"
        if result.tool_calls:
            return [function_call_item(item_id("fc"), call, done) for call in result.tool_calls]
        return [
            message_item(
                item_id("msg"), result.text, done, result.logprobs if self.logprobs else []
            )
        ]

    def body(
        self,
        output: list[dict[str, Any]],
        result: ChoiceResult | None,
        *,
        status: str | None = None,
        error: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """The Response object. With no `result` yet it is in progress (a stream's start)."""
        request = self.request
        incomplete = None
        if result is None:
            status = status or "in_progress"
        elif result.finish_reason == "length":
            status, incomplete = "incomplete", {"reason": "max_output_tokens"}
        elif result.finish_reason == "content_filter":
            status, incomplete = "incomplete", {"reason": "content_filter"}
        else:
            status = status or "completed"
        fmt = request.text.format if request.text else None
        return (
            {
                "id": self.id,
                "object": "response",
                "created_at": self.created_at,
                "status": status,
                "background": False,
                "completed_at": int(time.time()) if status == "completed" else None,
                "error": error,
                "incomplete_details": incomplete,
                "instructions": request.instructions,
                "max_output_tokens": request.max_output_tokens,
                "max_tool_calls": request.max_tool_calls,
                "model": self.shown_model,
                "output": output,
                "parallel_tool_calls": request.parallel_tool_calls is not False,
                "previous_response_id": request.previous_response_id,
                "prompt_cache_key": request.prompt_cache_key,
                "reasoning": {"effort": None, "summary": None},
                "safety_identifier": request.safety_identifier,
                "service_tier": "default",
                "store": request.store is not False,
                "temperature": 1.0 if request.temperature is None else request.temperature,
                "text": {
                    "format": fmt.model_dump(by_alias=True, exclude_none=True)
                    if fmt
                    else {"type": "text"},
                    "verbosity": (request.text.verbosity if request.text else None) or "medium",
                },
                "tool_choice": _tool_choice_echo(request),
                "tools": [_tool_echo(t) for t in self.chat.tools or []],
                "top_logprobs": request.top_logprobs or 0,
                "top_p": 1.0 if request.top_p is None else request.top_p,
                "truncation": request.truncation or "disabled",
                "metadata": request.metadata or {},
            }
            | ({"user": request.user} if request.user is not None else {})
            | ({"usage": self.usage(result)} if result is not None else {})
        )

    def usage(self, result: ChoiceResult) -> dict[str, Any]:
        chat = self.chat_job.usage([result])
        return {
            "input_tokens": chat["prompt_tokens"],
            "input_tokens_details": {
                "cached_tokens": chat["prompt_tokens_details"]["cached_tokens"],
                "cache_write_tokens": 0,
            },
            "output_tokens": chat["completion_tokens"],
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": chat["total_tokens"],
        }


def _tool_echo(tool: Any) -> dict[str, Any]:
    fn = tool.function
    return {
        "type": "function",
        "name": fn.name,
        "description": fn.description,
        "parameters": fn.parameters,
        "strict": bool(fn.strict),
    }


def _tool_choice_echo(request: ResponsesRequest) -> Any:
    choice = request.tool_choice
    if choice is None:
        return "auto"
    if isinstance(choice, str):
        return choice
    return choice.model_dump()
