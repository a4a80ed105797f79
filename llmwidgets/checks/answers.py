"""Exercises 05 to 07: structured output, tool calls, semantic search: answers with ground truth."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..recording import Exchange
from ._base import NotSolved, chat_exchange, check, fail, new_exchanges

__all__ = ["json_output", "search", "tool_call"]


def _asked_for(schema: Mapping[str, Any], body: Mapping[str, Any]) -> str | None:
    """How a request asked for output shaped by `schema`: "response_format", "tool" or None."""
    response_format = body.get("response_format") or {}
    if (response_format.get("json_schema") or {}).get("schema") == schema:
        return "response_format"
    forced = body.get("tool_choice")
    forced_name = (forced.get("function") or {}).get("name") if isinstance(forced, dict) else None
    for tool in body.get("tools") or []:
        function = tool.get("function") or {}
        if function.get("parameters") == schema and function.get("name") == forced_name:
            return "tool"
    return None


def _model_output(exchange: Exchange, how: str | None) -> str | None:
    message = (exchange.reply.get("choices") or [{}])[0].get("message") or {}
    if how == "response_format":
        return message.get("content")
    calls = message.get("tool_calls") or [{}]
    return (calls[0].get("function") or {}).get("arguments")


def _same(found: Any, expected: Any) -> bool:
    if isinstance(expected, str):
        return isinstance(found, str) and found.strip().casefold() == expected.casefold()
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        return isinstance(found, int | float) and float(found) == float(expected)
    return bool(found == expected)


def _compare(data: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    for key, value in expected.items():
        if not _same(data.get(key), value):
            fail(f"{key} is {data.get(key)!r}, but the text says {value!r}")


@check("output matches the schema")
def json_output(
    text: Any, schema: dict[str, Any], expected: Mapping[str, Any] | None = None
) -> None:
    """`text` is what the model wrote when a request asked for `schema` (as a json_schema
    response format, or a forced tool's parameters); it parses, validates, and, with
    `expected`, holds those values (strings compared without case)."""
    import jsonschema

    asked = [(e, _asked_for(schema, e.body)) for e in new_exchanges() if isinstance(e.body, dict)]
    asked = [(e, how) for e, how in asked if how and isinstance(e.reply, dict)]
    if not asked:
        fail("no request asked for this schema: use response_format json_schema (or a forced tool)")
    if text not in {_model_output(e, how) for e, how in asked}:
        fail("`text` is not what the model answered: take it from the reply")
    try:
        data = json.loads(text)
    except (TypeError, json.JSONDecodeError) as error:
        fail(f"the output does not parse as JSON ({error})")
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as error:
        fail(f"the JSON does not match the schema: {error.message}")
    _compare(data, expected or {})


@check("tool call")
def tool_call(
    reply: Any, name: str, parameters: dict[str, Any], arguments: Mapping[str, Any] | None = None
) -> None:
    """The model called the tool `name`, with arguments that parse, validate against its
    `parameters` schema and, with `arguments`, carry those values."""
    import jsonschema

    chat_exchange(getattr(reply, "id", None), new_exchanges())
    choice = reply.choices[0]
    # A call is in `message.tool_calls`: finish_reason is "tool_calls" for `auto` and
    # `required`, but "stop" on OpenAI when tool_choice names the function.
    if not choice.message.tool_calls:
        fail(f"no tool was called (finish_reason {choice.finish_reason!r}): try tool_choice")
    call = choice.message.tool_calls[0]
    if call.function.name != name:
        fail(f"{call.function.name!r} was called, not {name!r}")
    try:
        data = json.loads(call.function.arguments)
        jsonschema.validate(data, parameters)
    except (json.JSONDecodeError, jsonschema.ValidationError) as error:
        fail(f"the arguments are not valid for {name}: {error}")
    _compare(data, arguments or {})


# Questions the student never sees, each about one document of exercise 07 (by its text).
# Few share a word with their document: a keyword search cannot answer them.
_HELD_OUT = {
    "The library opens at nine and closes at six.": [
        "What are the opening hours for borrowing books?",
        "Until what time can I read there in the evening?",
    ],
    "Our bakery sells sourdough, rye and croissants.": [
        "I'd like a fresh loaf, where should I go?",
        "Where can I get pastries for breakfast?",
    ],
    "Trains to the airport leave every fifteen minutes.": [
        "How frequently do rail services run to the terminal for flights?",
        "I need to catch a plane; is there a rail link?",
    ],
    "The museum has a large collection of Roman coins.": [
        "Where could I look at old Latin currency?",
        "Where are ancient artifacts from Italy displayed?",
    ],
}


@check("semantic search")
def search(find: Any, documents: Sequence[str]) -> None:
    """`find(question)` returns the right document for questions it has never seen, and
    the documents were embedded once, not once per question."""
    cases = [(q, d) for d in documents for q in _HELD_OUT.get(d, [])]
    if not cases:
        fail("these are not the exercise's DOCUMENTS")
    for question, expected in cases:
        found = find(question)
        if found is Ellipsis or found is None:
            raise NotSolved("find() still returns `...`")
        if found != expected:
            fail(
                f"for a question the check keeps to itself ({question!r}) find() returned "
                f"{found!r}, expected {expected!r}"
            )
    embedded: list[str] = []
    for exchange in new_exchanges():
        if exchange.path.endswith("/embeddings") and isinstance(exchange.body, dict):
            given = exchange.body.get("input")
            embedded += [given] if isinstance(given, str) else list(given or [])
    if not embedded:
        fail("no text was embedded by a watched client: compare embeddings, not words")
    twice = sorted({d for d in documents if embedded.count(d) > 1})
    if twice:
        fail(f"{len(twice)} documents were embedded more than once: embed them once, then reuse")
