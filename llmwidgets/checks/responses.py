"""Exercise 15: the Responses API. Reading a response whatever its items, and keeping a
conversation as the provider can: `previous_response_id` where it keeps responses, the
history resent where it does not, never both."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..recording import record
from ._base import NotSolved, check, fail

__all__ = ["read_answer", "responses_conversation"]

_ASK = "Tell me a long story about a lighthouse keeper and her cat."


def _response(
    output: list[dict[str, Any]], status: str = "completed", reason: str | None = None
) -> Any:
    from openai.types.responses import Response

    return Response.model_validate(
        {
            "id": "resp_check",
            "object": "response",
            "created_at": 0,
            "model": "checked",
            "status": status,
            "output": output,
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
            "incomplete_details": {"reason": reason} if reason else None,
        }
    )


def _message(text: str, id: str = "msg_1") -> dict[str, Any]:
    part = {"type": "output_text", "text": text, "annotations": []}
    return {
        "id": id,
        "type": "message",
        "role": "assistant",
        "status": "completed",
        "content": [part],
    }


_CALL = {
    "type": "function_call",
    "id": "fc_1",
    "call_id": "call_1",
    "name": "get_weather",
    "arguments": "{}",
}
_REASONING = {"type": "reasoning", "id": "rs_1", "summary": []}
# (what comes first, the output, the text expected)
_WHOLE = [
    ("a message alone", [_message("Four.")], "Four."),
    ("a function_call item came first", [_CALL, _message("It is 4 C.")], "It is 4 C."),
    ("a reasoning item came first", [_REASONING, _message("Paris.")], "Paris."),
    ("two message items", [_message("One. ", "msg_1"), _message("Two.", "msg_2")], "One. Two."),
]


@check("reading a response")
def read_answer(read: Callable[[Any], Any], client: Any, model: str) -> None:
    """`read(response)` gives the text of every message item, whatever comes before it, and
    raises when the response did not complete (cut off, filtered, failed), rather than
    passing a piece off as the whole answer."""
    for what, output, text in _WHOLE:
        try:
            found = read(_response(output))
        except Exception as error:
            fail(
                f"{what} (output[0] is not always a message): your code raised "
                f"{type(error).__name__}"
            )
        if found is None or found is Ellipsis:
            raise NotSolved("read_answer() returns nothing yet")
        if found != text:
            fail(f"{what}: expected {text!r}, got {found!r}")
    for status, reason in (
        ("incomplete", "max_output_tokens"),
        ("incomplete", "content_filter"),
        ("failed", None),
    ):
        try:
            found = read(_response([_message("Once upon a")], status, reason))
        except Exception:
            continue
        why = f"status {status}" + (f", {reason}" if reason else "")
        fail(
            f"a response that did not complete ({why}) came back as if it were whole: "
            "check `status`"
        )
    watched, _ = record(client)
    cut = watched.responses.create(model=model, input=_ASK, max_output_tokens=16, temperature=0)
    if cut.status == "completed":
        return  # a provider that ignores the limit: nothing more to check here
    try:
        read(cut)
    except Exception:
        return
    fail(
        f"a real response cut by max_output_tokens (status {cut.status}) came back as if it "
        "were whole"
    )


@check("a conversation on /responses")
def responses_conversation(ask: Callable[..., Any], client: Any) -> None:
    """`ask(client, question, previous=None, history=())` asks `question` after the
    response `previous`: with `previous_response_id` and only the new question where the
    provider keeps responses, with `history` (everything said so far) and the question
    where it does not; never both."""
    import openai

    from ..client_record import record_of

    preset = record_of(client).preset
    api = preset.responses if preset is not None else None
    keeps = api is None or api.stateful
    label = preset.label if preset is not None else "this server"
    watched, log = record(client)
    first_question = "My name is Ada. Say hello to me in one short sentence."
    first = ask(watched, first_question)
    if first is None or first is Ellipsis:
        raise NotSolved("ask() returns nothing yet")
    if not log.exchanges or not log.exchanges[-1].path.endswith("/responses"):
        fail("ask() should send its question to the Responses API (client.responses.create)")
    if log.exchanges[-1].body.get("previous_response_id"):
        fail("the first question has nothing to continue from: leave previous_response_id out")
    history = [{"role": "user", "content": first_question}, *first.output]
    second_question = "What is my name?"
    try:
        second = ask(watched, second_question, previous=first, history=history)
    except openai.BadRequestError:
        second = None  # judged below from what was sent
    body = log.exchanges[-1].body or {}
    texts = _texts(body.get("input"))
    resent = first_question in texts
    if body.get("previous_response_id") and resent:
        fail(
            "sent the history and previous_response_id together: the server already holds "
            "the history, so the model would read it twice (OpenAI refuses items it already has)"
        )
    if keeps:
        if body.get("previous_response_id") != first.id:
            fail(
                f"{label} keeps responses: continue with previous_response_id and send only "
                "the new question, instead of resending the history"
            )
        sent = body.get("input")
        items = 1 if isinstance(sent, str) else len(sent or [])
        if items != 1 or texts != [second_question]:
            fail(f"with previous_response_id, send only the new question (sent {items} items)")
    else:
        if body.get("previous_response_id"):
            fail(
                f"{label} keeps no responses (previous_response_id is not supported there): "
                "resend the history"
            )
        if not resent or texts[-1:] != [second_question]:
            fail(f"{label} keeps no responses: send the history, then the new question")
        if not _carries_output(body.get("input"), first):
            fail("the history should hold the first answer too (the items in first.output)")
    if second is None or getattr(second, "object", None) != "response":
        fail("ask() should return the Response")


def _texts(items: Any) -> list[str]:
    """The user messages' texts in an `input` (a plain text is one user message)."""
    if isinstance(items, str):
        return [items]
    found = []
    for item in items or []:
        if isinstance(item, dict) and item.get("role") == "user":
            content = item.get("content")
            if isinstance(content, str):
                found.append(content)
            else:
                found.append(
                    "".join(p.get("text", "") for p in content or [] if isinstance(p, dict))
                )
    return found


def _carries_output(items: Any, first: Any) -> bool:
    """Whether `input` holds the first response's answer (its items, or their text)."""
    said = first.output_text
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        if item.get("id") in {o.id for o in first.output}:
            return True
        content = item.get("content")
        if item.get("role") == "assistant" and said and (content == said or said in str(content)):
            return True
    return False
