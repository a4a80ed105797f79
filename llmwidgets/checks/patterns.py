"""Exercises 08 (second part) and 10: the conversation and fallback patterns, on sandbox
failures."""

from __future__ import annotations

from typing import Any

from ..recording import Recording, record
from ._base import NotSolved, check, fail
from .retries import sandbox_under_watch

__all__ = ["conversation", "fallback"]


@check("Conversation fixed")
def conversation(cls: Any) -> None:
    """`cls(client, system=...)` keeps `messages`, system first; `send` adds the user turn
    and the answer together, only once the answer came back."""
    import openai

    client, log, model = sandbox_under_watch()
    chat = cls(client, system="You are brief.")
    system = [{"role": "system", "content": "You are brief."}]
    if chat.messages != system:
        fail("a new conversation should hold just its system message")
    try:
        said = chat.send("Hi", model=model, max_tokens=5, extra_headers={"X-Sandbox-Fail": "500"})
    except openai.InternalServerError:
        pass
    else:
        if said in (None, Ellipsis) and not log.exchanges:
            raise NotSolved("send() sends nothing yet")
        fail("the request failed with a 500: send() should raise it")
    if chat.messages != system:
        orphans = len(chat.messages) - 1
        fail(
            f"a failed call left {orphans} message(s) behind: the next prompt would carry "
            "a question with no answer"
        )
    answer = chat.send("Hi", model=model, max_tokens=5)
    if [m["role"] for m in chat.messages] != ["system", "user", "assistant"]:
        fail(f"after one good send the roles are {[m['role'] for m in chat.messages]}")
    if chat.messages[-1]["content"] != answer:
        fail("send() should return the answer it added to the history")


@check("fallback chain")
def fallback(first_that_answers: Any) -> None:
    """`first_that_answers(candidates, messages, **params)` tries `(name, client, model)`
    candidates in order, once each: it passes on what belongs to one provider (unreachable,
    429, 5xx, unknown model), raises at once what every provider would refuse (a 400), and
    raises when every candidate failed."""
    import openai

    from ..client import connect, list_models

    base = connect("sandbox").with_options(max_retries=0)
    model = list_models(base).chat_model or ""
    hello = [{"role": "user", "content": "Hi"}]
    logs: dict[str, Recording] = {}

    def candidate(name: str, client: Any, model_id: str = model) -> tuple[str, Any, str]:
        watched, logs[name] = record(client)
        return name, watched, model_id

    dead = openai.OpenAI(base_url="http://127.0.0.1:9/v1", api_key="none", max_retries=0)
    chain = [
        candidate("unreachable", dead),
        candidate("overloaded", base.with_options(default_headers={"X-Sandbox-Fail": "503"})),
        candidate("no such model", base, "no-such-model"),
        candidate("rate-limited", base.with_options(default_headers={"X-Sandbox-Fail": "429"})),
        candidate("healthy", base),
        candidate("spare", base),
    ]
    try:
        answer = first_that_answers(chain, hello, max_tokens=5)
    except openai.APIError as error:
        fail(f"{type(error).__name__} stopped the chain: it belongs to one provider, pass it on")
    if answer in (None, Ellipsis):
        raise NotSolved("first_that_answers() should return (name, completion)")
    name, completion = answer
    tried = [n for n, log in logs.items() if log.exchanges]
    if name != "healthy":
        fail(f"the answer came from {name!r}, not the first healthy candidate")
    if tried != ["unreachable", "overloaded", "no such model", "rate-limited", "healthy"]:
        fail(f"tried {tried}: every candidate in order, up to the first that answers")
    if any(len(log.exchanges) > 1 for log in logs.values()):
        fail("a candidate was asked twice: pass on at once, the next provider is the retry")
    if getattr(completion, "object", None) != "chat.completion":
        fail("the second item should be the completion the healthy candidate returned")

    for log in logs.values():
        log.clear()
    try:
        first_that_answers(chain[4:], [], max_tokens=5)
    except openai.BadRequestError:
        pass
    else:
        fail("an empty messages list must raise BadRequestError: no provider would take it")
    if logs["spare"].exchanges:
        fail("a 400 for a bad request was passed on to the next provider: it fails everywhere")

    try:
        result = first_that_answers(chain[:2], hello, max_tokens=5)
    except openai.APIError:
        pass
    except Exception as other:  # which error escapes is the point
        fail(
            f"every candidate failed and it raised {type(other).__name__}: raise the last "
            "provider error itself, which carries the status"
        )
    else:
        fail(f"every candidate failed, yet it returned {result!r}: raise the last error")
