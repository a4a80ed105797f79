"""How a chat request becomes what the model reads: plain-text messages in its own template.

The model has no notion of tools or content parts, so they are spelled out: tool definitions
become a system preamble, an assistant's tool calls become their JSON, a tool result says
which call it answers, and text parts are joined.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import SandboxAPIError
from .schemas import (
    AllowedToolsChoice,
    AssistantMessage,
    ChatRequest,
    CustomTool,
    NamedCustomToolChoice,
    NamedToolChoice,
    ToolMessage,
)

__all__ = ["template_messages", "text_of", "tools_in_play"]

_TOOL_PREAMBLE = (
    "You can call these functions. To call one, answer with only a JSON object "
    '{"name": <function name>, "arguments": <arguments object>}.'
)
_PARALLEL = " Only when one call is not enough, write several such objects, one per line."


def tools_in_play(request: ChatRequest) -> tuple[list[dict[str, Any]], str]:
    """The tools the model may call and how: "none", "auto", or "forced" (required/named)."""
    choice = request.tool_choice
    for i, t in enumerate(request.tools or []):
        if isinstance(t, CustomTool) and choice != "none":
            raise SandboxAPIError(
                400,
                f"Custom tools are not supported with the model '{request.model}' (custom tool "
                f"'{t.custom.name}'): describe it as a function tool instead.",
                param=f"tools[{i}]",
            )
    if isinstance(choice, NamedCustomToolChoice):
        raise SandboxAPIError(
            400,
            f"Custom tools are not supported with the model '{request.model}'.",
            param="tool_choice",
        )
    tools = [
        {
            "name": t.function.name,
            "description": t.function.description or "",
            "parameters": t.function.parameters,
            "strict": bool(t.function.strict),
        }
        for t in request.tools or []
        if not isinstance(t, CustomTool)
    ]
    if isinstance(choice, AllowedToolsChoice):
        allowed = choice.allowed_tools
        if any(isinstance(t, NamedCustomToolChoice) for t in allowed.tools):
            raise SandboxAPIError(
                400,
                f"Custom tools are not supported with the model '{request.model}'.",
                param="tool_choice.allowed_tools.tools",
            )
        names = [t.function.name for t in allowed.tools if isinstance(t, NamedToolChoice)]
        unknown = [n for n in names if n not in {t["name"] for t in tools}]
        if unknown:
            raise SandboxAPIError(
                400,
                f"Invalid value for 'tool_choice.allowed_tools.tools': no function named "
                f"{unknown[0]!r} in 'tools'.",
                param="tool_choice.allowed_tools.tools",
            )
        tools = [t for t in tools if t["name"] in names]
        return tools, "forced" if allowed.mode == "required" else "auto"
    if not tools:
        if choice not in (None, "none"):
            raise SandboxAPIError(
                400, "tool_choice is only allowed when 'tools' are specified.", param="tool_choice"
            )
        return [], "none"
    if isinstance(choice, NamedToolChoice):
        named = [t for t in tools if t["name"] == choice.function.name]
        if not named:
            raise SandboxAPIError(
                400,
                f"Invalid value for 'tool_choice': no function named '{choice.function.name}' "
                "in 'tools'.",
                param="tool_choice",
            )
        return named, "forced"
    if choice == "none":
        return [], "none"
    return tools, "forced" if choice == "required" else "auto"


def template_messages(
    request: ChatRequest, tools: list[dict[str, Any]], parallel: bool = True
) -> list[dict[str, str]]:
    """Messages as the model's template wants them: plain strings, tool traffic spelled out."""
    out = []
    named: dict[str, str] = {}  # a call's id -> how the model knows it: "add (call 1)"
    for message in request.messages:
        role = "system" if message.role == "developer" else message.role
        content = text_of(message.content)
        if isinstance(message, AssistantMessage) and message.tool_calls:
            calls = [
                {"name": c.function.name, "arguments": _arguments(c.function.arguments)}
                for c in message.tool_calls
            ]
            content = "\n".join(json.dumps(c) for c in calls)
            named |= {
                c.id: f"{c.function.name} (call {n})" for n, c in enumerate(message.tool_calls, 1)
            }
        if isinstance(message, ToolMessage):
            # The ids are random: spelled into the prompt they would make the same
            # conversation read differently each time, and a small model copies them out.
            content = (
                f"Result of {named.get(message.tool_call_id, message.tool_call_id)}: {content}"
            )
        out.append({"role": role, "content": content})
    if tools:
        described = "\n".join(
            f"- {t['name']}: {t['description']} Parameters: "
            f"{json.dumps(t['parameters'] or {'type': 'object'})}"
            for t in tools
        )
        preamble = _TOOL_PREAMBLE + (_PARALLEL if parallel else "") + "\nFunctions:\n" + described
        if out and out[0]["role"] == "system":
            out[0] = {"role": "system", "content": out[0]["content"] + "\n\n" + preamble}
        else:
            out.insert(0, {"role": "system", "content": preamble})
    return out


def text_of(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "".join(part.text for part in content)


def _arguments(raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw
