"""What the capstone's checks share: the tool, the questions that make the sandbox's model
call it (deterministic at temperature 0), and the calls a recorded stream carried."""

from __future__ import annotations

from typing import Any

from ...recording import Exchange

ADD_TOOL = {
    "type": "function",
    "function": {
        "name": "add",
        "description": "Add two integers exactly.",
        "parameters": {
            "type": "object",
            "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
            "required": ["a", "b"],
        },
    },
}
# At temperature 0 the sandbox's model calls `add` once for this, then answers in words;
ONE_SUM = "What are 1+2 and 3+4?"
# and twice for this (and then again, and again: a loop's bound is tested with it too).
TWO_SUMS = [
    {"role": "system", "content": "Call add once for each pair."},
    {"role": "user", "content": "1+2\n3+4"},
]
GREEDY = {"temperature": 0, "max_tokens": 80}
FORCED_AGAIN = (
    "the second request forced the tool again: a forced tool_choice is for the first round, "
    "or the model can never answer"
)


def streamed_parts(exchange: Exchange) -> tuple[str, list[dict[str, Any]]]:
    """The text and the tool calls a streamed exchange carried, joined from its chunks."""
    completion = exchange.completion()
    if completion is None or not completion.choices:
        return "", []
    message = completion.choices[0].message
    calls = [
        {"id": c.id, "name": c.function.name, "arguments": c.function.arguments}
        for c in message.tool_calls or []
        if c.type == "function"
    ]
    return message.content or "", calls


def plain(value: Any) -> Any:
    """A tool call as plain data, whether the solution kept dicts or SDK objects (a
    streamed call's `index` is the stream's bookkeeping, not part of the call)."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(exclude_none=True)
    if isinstance(value, dict) and "function" in value:
        value = {k: v for k, v in value.items() if k != "index"}
    return value
