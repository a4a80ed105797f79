"""The Responses API on the chat engine: a `/v1/responses` request becomes a chat job, and
the job's choice becomes output items.

The same engine, prefix reuse, grammars, limits and checks serve both endpoints: what
differs is only the shape of the request and of the answer. A request is planned against
the history that `previous_response_id` names (the stored items before it), so a
conversation kept by the server reads to the model exactly as one resent by the client.

| Responses                              | Chat Completions                           |
|----------------------------------------|--------------------------------------------|
| `instructions`                         | a first `system` message (not carried over) |
| `input` text or message items          | `messages`                                 |
| `function_call` item (`call_id`)       | an assistant message's `tool_calls` (`id`) |
| `function_call_output` item            | a `tool` message (`tool_call_id`)          |
| tools `{type, name, parameters}`       | tools `{type, function: {name, ...}}`      |
| `text.format`                          | `response_format`                          |
| `max_output_tokens`                    | `max_completion_tokens`                    |
| `include: [message.output_text.logprobs]` | `logprobs: true`                        |
| status `incomplete`, `incomplete_details` | finish_reason `length`, `content_filter` |

Function tools are strict unless `strict: false` is sent, as OpenAI documents for this
endpoint (chat's are not): their schema is made strict (every property required, no
others), and the echo says so.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .chat import ChatJob, ChoiceResult
from .engine import Engine
from .errors import SandboxAPIError
from .response_request import (
    AllowedToolsChoice,
    BuiltInTool,
    FunctionCallItem,
    FunctionCallOutputItem,
    FunctionChoice,
    MessageItem,
    Refusal,
    ResponsesRequest,
    TextFormatJSONSchema,
)
from .schemas import ChatRequest
from .toolcalls import CallReader

__all__ = ["ResponseJob", "item_id", "resource_items"]

LOGPROBS = "message.output_text.logprobs"
# Chat's parameter names, as a Responses client wrote them (errors from the chat planner).
_PARAMS = {
    "response_format": "text.format",
    "response_format.json_schema.schema": "text.format.schema",
    "max_completion_tokens": "max_output_tokens",
}


def item_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(16)}"


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
        _check_no_duplicates(before, inputs)
        _check_outputs_answer_calls([*before, *inputs])
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


# -- items -------------------------------------------------------------------------------


def message_item(
    id: str, text: str, status: str, logprobs: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "id": id,
        "type": "message",
        "status": status,
        "role": "assistant",
        "content": [output_text(text, logprobs or [])],
    }


def output_text(text: str, logprobs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"type": "output_text", "text": text, "annotations": [], "logprobs": logprobs or []}


def function_call_item(id: str, call: dict[str, Any], status: str) -> dict[str, Any]:
    return {
        "id": id,
        "type": "function_call",
        "status": status,
        "call_id": call["id"],
        "name": call["function"]["name"],
        "arguments": call["function"]["arguments"],
    }


def resource_items(request: ResponsesRequest) -> list[dict[str, Any]]:
    """The request's input items as the API lists them back: each with an id and a status,
    a message's content as parts (`input_text`, or `output_text` for an assistant's)."""
    out = []
    for item in request.items:
        if isinstance(item, MessageItem):
            if isinstance(item.content, str):
                texts = [item.content]
            else:
                texts = [p.refusal if isinstance(p, Refusal) else p.text for p in item.content]
            own = item.role == "assistant"
            parts = [output_text(t) if own else {"type": "input_text", "text": t} for t in texts]
            out.append(
                {
                    "id": item.id or item_id("msg"),
                    "type": "message",
                    "role": item.role,
                    "content": parts,
                    "status": item.status or "completed",
                }
            )
        elif isinstance(item, FunctionCallItem):
            out.append(
                {
                    "id": item.id or item_id("fc"),
                    "type": "function_call",
                    "call_id": item.call_id,
                    "name": item.name,
                    "arguments": item.arguments,
                    "status": item.status or "completed",
                }
            )
        else:
            assert isinstance(item, FunctionCallOutputItem)
            output = (
                item.output
                if isinstance(item.output, str)
                else "".join(p.text for p in item.output)
            )
            out.append(
                {
                    "id": item.id or item_id("fco"),
                    "type": "function_call_output",
                    "call_id": item.call_id,
                    "output": output,
                    "status": item.status or "completed",
                }
            )
    return out


def _check_no_duplicates(before: Sequence[dict[str, Any]], inputs: list[dict[str, Any]]) -> None:
    """Items that `previous_response_id` already brings may not be sent again (OpenAI's
    400): with it, send only what is new."""
    known = {item["id"] for item in before}
    for item in inputs:
        if item["id"] in known:
            raise SandboxAPIError(
                400,
                f"Duplicate item found with id {item['id']}. Remove duplicate items from your "
                "input and try again.",
                param="input",
            )


def _check_outputs_answer_calls(items: list[dict[str, Any]]) -> None:
    """A `function_call_output` must answer a call made before it, as OpenAI checks."""
    calls: set[str] = set()
    for item in items:
        if item["type"] == "function_call":
            calls.add(item["call_id"])
        elif item["type"] == "function_call_output" and item["call_id"] not in calls:
            raise SandboxAPIError(
                400,
                f"No tool call found for function call output with call_id {item['call_id']}.",
                param="input",
            )


# -- to chat ---------------------------------------------------------------------------------


def chat_request(request: ResponsesRequest, context: list[dict[str, Any]]) -> ChatRequest:
    """The chat request that runs `request` on `context` (earlier items, then its own)."""
    body: dict[str, Any] = {"model": request.model, "messages": chat_messages(request, context)}
    tools = []
    for index, tool in enumerate(request.tools or []):
        if isinstance(tool, BuiltInTool):
            raise SandboxAPIError(
                400,
                f"The tool '{tool.type}' is one of OpenAI's built-in tools, which the "
                "sandbox's model does not have: describe what you need as a function tool.",
                param=f"tools[{index}].type",
            )
        strict = tool.strict is not False
        parameters = tool.parameters or {"type": "object", "properties": {}}
        function = {
            "name": tool.name,
            "description": tool.description,
            "parameters": strict_schema(parameters) if strict else parameters,
            "strict": strict,
        }
        tools.append({"type": "function", "function": function})
    if tools:
        body["tools"] = tools
    choice = request.tool_choice
    if isinstance(choice, FunctionChoice):
        body["tool_choice"] = {"type": "function", "function": {"name": choice.name}}
    elif isinstance(choice, AllowedToolsChoice):
        named = [{"type": "function", "function": {"name": t.name}} for t in choice.tools]
        body["tool_choice"] = {
            "type": "allowed_tools",
            "allowed_tools": {"mode": choice.mode, "tools": named},
        }
    elif choice is not None and (tools or choice == "required"):  # "auto" is the default
        body["tool_choice"] = choice
    if request.parallel_tool_calls is not None and tools:
        body["parallel_tool_calls"] = request.parallel_tool_calls
    fmt = request.text.format if request.text else None
    if isinstance(fmt, TextFormatJSONSchema):
        schema = fmt.model_dump(by_alias=True, exclude_none=True, exclude={"type"})
        body["response_format"] = {"type": "json_schema", "json_schema": schema}
    elif fmt is not None:
        body["response_format"] = {"type": fmt.type}
    for ours, theirs in (
        ("temperature", "temperature"),
        ("top_p", "top_p"),
        ("max_output_tokens", "max_completion_tokens"),
    ):
        if getattr(request, ours) is not None:
            body[theirs] = getattr(request, ours)
    if LOGPROBS in (request.include or []):
        body["logprobs"] = True
        body["top_logprobs"] = request.top_logprobs or 0
    try:
        return ChatRequest.model_validate(body)
    except ValidationError as exc:  # a shape the translation let through: name the field
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SandboxAPIError(400, f"Invalid request: {where}: {first['msg']}.") from None


def chat_messages(request: ResponsesRequest, context: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items as chat messages: consecutive calls are one assistant turn's `tool_calls`."""
    messages: list[dict[str, Any]] = []
    if request.instructions:
        messages.append({"role": "system", "content": request.instructions})
    for item in context:
        kind = item["type"]
        if kind == "message":
            text = "".join(p.get("text", p.get("refusal", "")) for p in item["content"])
            messages.append({"role": item["role"], "content": text})
        elif kind == "function_call":
            call = {
                "id": item["call_id"],
                "type": "function",
                "function": {"name": item["name"], "arguments": item["arguments"]},
            }
            last = messages[-1] if messages else None
            if last is not None and last["role"] == "assistant" and "tool_calls" in last:
                last["tool_calls"].append(call)
            elif last is not None and last["role"] == "assistant":
                last["tool_calls"] = [call]
            else:
                messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        else:
            messages.append(
                {"role": "tool", "tool_call_id": item["call_id"], "content": item["output"]}
            )
    return messages


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` as OpenAI's Responses API makes a function's when `strict` is left out:
    every object's properties all required, and no others allowed."""
    if not isinstance(schema, dict):
        return schema
    out = {k: _strict_value(v) for k, v in schema.items()}
    if out.get("type") == "object" or "properties" in out:
        out.setdefault("additionalProperties", False)
        out["required"] = list(out.get("properties", {}))
        out.setdefault("properties", {})
    return out


def _strict_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: strict_schema(v) if isinstance(v, dict) else _strict_value(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [strict_schema(v) if isinstance(v, dict) else v for v in value]
    return value


def in_responses_terms(exc: SandboxAPIError) -> SandboxAPIError:
    """An error from the chat planner, naming what a Responses client sent."""
    param = exc.param
    if param is not None and param.startswith("messages"):
        param = "input"  # its indexes count the instructions: they would mislead
    elif param is not None:
        head, dot, rest = param.partition(".")
        param = _PARAMS.get(param) or (_PARAMS[head] + dot + rest if head in _PARAMS else param)
    message = exc.message.replace("'messages'", "'input'").replace(
        "in the messages", "in the input"
    )
    if message.startswith("'input' must contain the word 'json'"):
        message = (
            "Response input messages must contain the word 'json' in some form to use "
            "'text.format' of type 'json_object'."
        )
    exc.param, exc.message = param, message
    return exc


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
