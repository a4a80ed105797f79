"""Items, as the Responses API lists them back: each with an id and a status, a message's
text in parts (`input_text`, or `output_text` for an assistant's). What a request sent is
kept in this form, and so is what a response wrote, so that `previous_response_id` and
`input_items` hand back exactly what was read. And the two rules on them OpenAI checks: a
`function_call_output` answers a call made before it, and no item comes twice."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from .errors import SandboxAPIError
from .response_request import (
    FunctionCallItem,
    FunctionCallOutputItem,
    MessageItem,
    Refusal,
    ResponsesRequest,
)

__all__ = [
    "check_no_duplicates",
    "check_outputs_answer_calls",
    "function_call_item",
    "item_id",
    "message_item",
    "output_text",
    "resource_items",
]


def item_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(16)}"


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


def check_no_duplicates(before: Sequence[dict[str, Any]], inputs: list[dict[str, Any]]) -> None:
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


def check_outputs_answer_calls(items: list[dict[str, Any]]) -> None:
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
