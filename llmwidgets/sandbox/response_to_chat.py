"""A Responses request as the chat request that runs it, on the items before it.

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

Function tools are strict unless `strict: false` is sent, as OpenAI documents for this
endpoint (chat's are not): their schema is made strict (every property required, no
others). An error the chat planner raises is reworded into what the client sent
(`in_responses_terms`).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from .errors import SandboxAPIError
from .response_request import (
    AllowedToolsChoice,
    BuiltInTool,
    FunctionChoice,
    ResponsesRequest,
    TextFormatJSONSchema,
)
from .schemas import ChatRequest

__all__ = ["LOGPROBS", "chat_messages", "chat_request", "in_responses_terms", "strict_schema"]

LOGPROBS = "message.output_text.logprobs"
_PARAMS = {
    "response_format": "text.format",
    "response_format.json_schema.schema": "text.format.schema",
    "max_completion_tokens": "max_output_tokens",
}


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
