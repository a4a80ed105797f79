"""Automatic checks for the exercises: they verify structure, never wording.

    from llmwidgets import checks
    checks.completion(reply)            # ✓ or ✗ with the reason, in plain words

A model's words change from run to run and from provider to provider; the shape of a
correct answer does not. So the checks ask: does it parse, does it validate against the
schema, was the right tool called with valid arguments, was the stop sequence honoured, is
usage there, did the retry loop survive a real 429.

Each check prints one line and returns True or False. An unsolved exercise (its answer
still `...`, or code that raises) gets "not solved yet" instead of a traceback, so a
student copy runs top to bottom. With `checks.strict(True)` (the solution notebooks set
it), a failing check raises instead, which is how CI knows the reference solutions work.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, ParamSpec

__all__ = [
    "backoff",
    "completion",
    "json_output",
    "model_list",
    "search",
    "stop_sequence",
    "streamed",
    "strict",
    "tool_call",
]

_strict = False
P = ParamSpec("P")


class NotSolved(Exception):
    """The exercise still holds its placeholder."""


def strict(on: bool = True) -> None:
    """Raise on a failed check instead of printing it (for reference solutions)."""
    global _strict
    _strict = on


def _check(title: str) -> Callable[[Callable[P, Any]], Callable[P, bool]]:
    """A check raises AssertionError with the reason; the decorated one prints ✓ or ✗."""

    def decorate(check: Callable[P, Any]) -> Callable[P, bool]:
        @functools.wraps(check)
        def run(*args: P.args, **kwargs: P.kwargs) -> bool:
            try:
                if any(a is Ellipsis or a is None for a in args):
                    raise NotSolved("the answer is still `...`")
                check(*args, **kwargs)
            except NotSolved as reason:
                if _strict:
                    raise
                print(f"✗ {title}: not solved yet ({reason})")
                return False
            except AssertionError as reason:
                if _strict:
                    raise
                print(f"✗ {title}: {reason}")
                return False
            except Exception as error:  # the student's code failed: say how, in one line
                if _strict:
                    raise
                from .errors import describe_error

                print(f"✗ {title}: not solved yet ({describe_error(error)})")
                return False
            print(f"✓ {title}")
            return True

        return run

    return decorate


def _fail(message: str) -> None:
    raise AssertionError(message)


@_check("model list")
def model_list(ids: Any) -> None:
    """`ids` is what `client.models.list()` gave, as a non-empty list of id strings."""
    if not isinstance(ids, list | tuple) or not ids:
        _fail("expected a non-empty list of model ids")
    if not all(isinstance(i, str) and i for i in ids):
        _fail("every model id should be a non-empty string")


@_check("chat completion")
def completion(reply: Any) -> None:
    """`reply` is a whole chat completion: an assistant message, a real finish_reason, and
    usage whose total is prompt + completion tokens."""
    if getattr(reply, "object", None) != "chat.completion":
        _fail("expected the object returned by client.chat.completions.create(...)")
    if not reply.choices:
        _fail("the completion has no choices")
    choice = reply.choices[0]
    if choice.message.role != "assistant":
        _fail("the first choice should hold the assistant's message")
    if choice.finish_reason not in ("stop", "length", "tool_calls", "content_filter"):
        _fail(f"unexpected finish_reason {choice.finish_reason!r}")
    usage = reply.usage
    if usage is None or usage.total_tokens != usage.prompt_tokens + usage.completion_tokens:
        _fail("usage is missing or does not add up")


@_check("stop sequence honoured")
def stop_sequence(reply: Any, stop: str) -> None:
    """The answer ended because of `stop` (finish_reason "stop") and does not contain it:
    a stop sequence is cut off, never shown."""
    choice = reply.choices[0]
    text = choice.message.content or ""
    if stop in text:
        _fail(f"the answer still contains the stop sequence {stop!r}")
    if choice.finish_reason != "stop":
        _fail(f"finish_reason is {choice.finish_reason!r}: the answer ended for another reason")


@_check("streamed text and usage")
def streamed(text: Any, usage: Any, reference: str | None = None) -> None:
    """`text` is the stream's deltas joined, `usage` its last chunk's usage (asked for with
    `include_usage`); with `reference`, the joined text equals the whole answer."""
    if not isinstance(text, str) or not text:
        _fail("expected the joined text of the stream, a non-empty string")
    if usage is None or not getattr(usage, "completion_tokens", 0):
        _fail("no usage: ask for stream_options={'include_usage': True} and read the last chunk")
    if reference is not None and text != reference:
        _fail("the joined deltas differ from the whole answer: is a delta skipped?")


@_check("output matches the schema")
def json_output(text: Any, schema: dict[str, Any]) -> Any:
    """`text` parses as JSON and validates against `schema` (a JSON Schema)."""
    import jsonschema

    try:
        data = json.loads(text)
    except (TypeError, json.JSONDecodeError) as error:
        _fail(f"the output does not parse as JSON ({error})")
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as error:
        _fail(f"the JSON does not match the schema: {error.message}")


@_check("tool call")
def tool_call(reply: Any, name: str, parameters: dict[str, Any]) -> None:
    """The model called the tool `name`, with arguments that parse and validate against its
    `parameters` schema."""
    import jsonschema

    choice = reply.choices[0]
    # A call is in `message.tool_calls`: finish_reason is "tool_calls" for `auto` and
    # `required`, but "stop" on OpenAI when tool_choice names the function.
    if not choice.message.tool_calls:
        _fail(f"no tool was called (finish_reason {choice.finish_reason!r}): try tool_choice")
    call = choice.message.tool_calls[0]
    if call.function.name != name:
        _fail(f"{call.function.name!r} was called, not {name!r}")
    try:
        arguments = json.loads(call.function.arguments)
        jsonschema.validate(arguments, parameters)
    except (json.JSONDecodeError, jsonschema.ValidationError) as error:
        _fail(f"the arguments are not valid for {name}: {error}")


@_check("semantic search")
def search(find: Any, cases: dict[str, str]) -> None:
    """`find(question)` returns the expected document for every question in `cases`."""
    for question, expected in cases.items():
        found = find(question)
        if found is Ellipsis or found is None:
            raise NotSolved("search() still returns `...`")
        if found != expected:
            _fail(f"for {question!r} the search returned {found!r}, expected {expected!r}")


@_check("retry loop survives a real 429")
def backoff(with_backoff: Any, requests: int = 33) -> None:
    """Runs `with_backoff(call)` against a sandbox limited to 30 requests a minute: the
    31st request meets a real 429 and every request must still succeed."""
    import openai

    from .sandbox import start

    with start(rpm=30) as strict_box:
        client = openai.OpenAI(base_url=strict_box.url, api_key="exercise", max_retries=0)
        attempts = 0

        def call() -> Any:
            nonlocal attempts
            attempts += 1
            return client.models.list()

        for _ in range(requests):
            result = with_backoff(call)
            if result is Ellipsis or result is None:
                raise NotSolved("with_backoff() should return what call() returns")
        client.close()
    if attempts <= requests:
        _fail("no request was ever retried: did the loop meet the 429s?")
