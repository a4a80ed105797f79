"""A chat request as the Responses API takes it: the same question, asked the other way.

    body = responses_body(messages, {"model": m, "max_tokens": 50, "response_format": f})
    # {"model": m, "input": [...], "max_output_tokens": 50, "text": {"format": {...}}}

The widgets take one set of parameters, in Chat Completions' words, and send it to
whichever endpoint the student chose (`api="responses"`); the Playground shows both
bodies side by side. What moves, and what the Responses API has no place for:

| Chat Completions                         | Responses API                              |
|------------------------------------------|--------------------------------------------|
| `messages`                               | `input` (the same role/content messages)   |
| an assistant message's `tool_calls`      | `function_call` items (`call_id`)          |
| a `tool` message (`tool_call_id`)        | a `function_call_output` item (`call_id`)  |
| `max_tokens`, `max_completion_tokens`    | `max_output_tokens`                        |
| `response_format`                        | `text.format` (json_schema's fields flat)  |
| tools `{type, function: {name, ...}}`    | tools `{type, name, ...}`                  |
| `logprobs`                               | `include: [message.output_text.logprobs]`  |
| `stream_options.include_usage`           | nothing: `response.completed` has usage    |
| `n`, `stop`, `seed`, the two penalties, `logit_bias` | none: refused here, with why   |

Parameters only the Responses API has (`instructions`, `store`, `previous_response_id`,
`include`, `text`, `truncation`, `max_output_tokens`) pass through as they are.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

__all__ = ["API", "NOT_IN_RESPONSES", "chat_tool", "input_items", "responses_body"]

API = Literal["chat", "responses"]
LOGPROBS = "message.output_text.logprobs"
# Chat parameters the Responses API has no field for, and what to do instead.
NOT_IN_RESPONSES = {
    "n": "one response per request: send several requests",
    "stop": "no stop sequences: cut the text yourself, or use Chat Completions",
    "seed": "no seed: answers are not reproducible by request",
    "presence_penalty": "no penalties",
    "frequency_penalty": "no penalties",
    "logit_bias": "no logit_bias",
}
_DROPPED = frozenset({"stream", "stream_options", "messages"})


def responses_body(messages: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
    """The Responses API body for `messages` and chat-style `params` (a Responses
    parameter passes through). Raises ValueError, in one line, for a chat parameter the
    Responses API has no place for."""
    refused = [name for name in NOT_IN_RESPONSES if params.get(name) is not None]
    if refused:
        name = refused[0]
        raise ValueError(f"The Responses API has no `{name}` ({NOT_IN_RESPONSES[name]}).")
    body: dict[str, Any] = {"model": params["model"]} if "model" in params else {}
    body["input"] = input_items(messages)
    for name, value in params.items():
        if name in _DROPPED or name in body or value is None:
            continue
        if name in ("max_tokens", "max_completion_tokens"):
            body["max_output_tokens"] = value
        elif name == "response_format":
            body["text"] = {"format": _text_format(value)}
        elif name == "tools":
            body["tools"] = [_flat_tool(tool) for tool in value]
        elif name == "tool_choice":
            body["tool_choice"] = _flat_choice(value)
        elif name == "logprobs":
            if value:
                body["include"] = sorted({*body.get("include", []), LOGPROBS})
        else:
            body[name] = value
    return body


def input_items(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chat messages as input items: messages stay messages (an assistant's tool calls
    become `function_call` items, a tool message a `function_call_output`)."""
    items: list[dict[str, Any]] = []
    for message in messages:
        message = dict(message)
        role = message.get("role")
        calls = message.get("tool_calls") or []
        if role == "tool":
            items.append(
                {
                    "type": "function_call_output",
                    "call_id": message.get("tool_call_id", ""),
                    "output": _text(message.get("content")),
                }
            )
            continue
        if role == "assistant" and calls:
            if message.get("content"):
                items.append({"role": "assistant", "content": _text(message["content"])})
            for call in calls:
                function = call.get("function") or {}
                arguments = function.get("arguments", "")
                items.append(
                    {
                        "type": "function_call",
                        "call_id": call.get("id", ""),
                        "name": function.get("name", ""),
                        "arguments": arguments
                        if isinstance(arguments, str)
                        else json.dumps(arguments),
                    }
                )
            continue
        items.append({"role": role, "content": _content(message.get("content"))})
    return items


def _content(content: Any) -> Any:
    """A message's content: text stays text; chat's parts become input parts."""
    if content is None or isinstance(content, str):
        return content or ""
    parts = []
    for part in content:
        if part.get("type") == "text":
            parts.append({"type": "input_text", "text": part.get("text", "")})
        elif part.get("type") == "image_url":
            url = part.get("image_url") or {}
            parts.append({"type": "input_image", "image_url": url.get("url", "")})
        else:
            parts.append(part)
    return parts


def _text(content: Any) -> str:
    if content is None or isinstance(content, str):
        return content or ""
    return "".join(part.get("text", "") for part in content)


def _text_format(fmt: Any) -> dict[str, Any]:
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        return dict(fmt) if isinstance(fmt, dict) else fmt
    return {"type": "json_schema", **(fmt.get("json_schema") or {})}


def _flat_tool(tool: dict[str, Any]) -> dict[str, Any]:
    """`{type: function, function: {name, ...}}` as `{type: function, name, ...}`. Chat's
    tools are not strict unless they say so; the Responses API's are: so say which."""
    if tool.get("type") != "function" or "function" not in tool:
        return tool
    function = dict(tool["function"])
    function.setdefault("strict", False)
    return {"type": "function", **function}


def _flat_choice(choice: Any) -> Any:
    if isinstance(choice, dict) and choice.get("type") == "function" and "function" in choice:
        return {"type": "function", "name": choice["function"].get("name", "")}
    if isinstance(choice, dict) and choice.get("type") == "allowed_tools":
        allowed = choice.get("allowed_tools") or {}
        tools = [_flat_choice(t) for t in allowed.get("tools", [])]
        return {"type": "allowed_tools", "mode": allowed.get("mode", "auto"), "tools": tools}
    return choice


def chat_tool(tool: Mapping[str, Any]) -> dict[str, Any]:
    """A tool in either shape as chat's `{type, function: {...}}`. A flat one (the
    Responses API's) keeps its strictness: strict unless it says `strict: false`, as that
    API has it, so that sent back flat it means the same."""
    if tool.get("type") != "function" or "function" in tool:
        return dict(tool)
    function = {k: v for k, v in tool.items() if k != "type"}
    function["strict"] = function.get("strict") is not False
    return {"type": "function", "function": function}
