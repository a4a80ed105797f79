"""Part 3: the assistant: fallback in order, every tool call answered, a budget, a bound."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
from typing import Any

from ...recording import Recording, record
from .._base import NotSolved, check, fail
from ..retries import sandbox_under_watch
from ._common import ADD_TOOL, FORCED_AGAIN, ONE_SUM, TWO_SUMS, streamed_parts


@check("the assistant")
def assistant(cls: Any, budget_spent: type[Exception]) -> None:
    """`cls(candidates, system=, tools=, functions=, budget_usd=, window=, reply_tokens=,
    prices=)` answers with `ask(text, tool_choice=None, **params)`: it streams, passes on
    to the next candidate when one is unreachable or busy (in order, and never on a wrong
    key), runs every tool the model calls and sends each result back (forcing a tool on
    the first round only), trims the history to the window, counts what each request
    cost, refuses once the budget is spent, and keeps nothing of a question that failed."""
    import openai

    base, _, model = sandbox_under_watch()
    dead, dead_log = record(
        openai.OpenAI(base_url="http://127.0.0.1:9/v1", api_key="none", max_retries=0)
    )
    healthy, log = record(base)
    candidates = [("unreachable", dead, model), ("sandbox", healthy, model)]
    prices = (150.0, 600.0)  # USD per million tokens: large, so a budget trips quickly
    added: list[tuple[int, int]] = []

    def add(a: int, b: int) -> int:
        added.append((a, b))
        return a + b

    bot = cls(
        candidates,
        system="You are brief.",
        tools=[ADD_TOOL],
        functions={"add": add},
        budget_usd=10.0,
        window=2048,
        reply_tokens=80,
        prices=prices,
    )
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            answer = bot.ask(ONE_SUM, tool_choice="required", temperature=0)
    except Exception:
        chats = log.to("/chat/completions")
        if len(chats) > 1 and chats[1].body.get("tool_choice") == "required":
            fail(FORCED_AGAIN)
        raise
    if answer in (None, Ellipsis):
        raise NotSolved("ask() should return the answer's text")
    chats = log.to("/chat/completions")
    if not chats:
        fail("nothing reached the healthy candidate: pass on when one is unreachable")
    if not dead_log.exchanges or dead_log.exchanges[0].sent > chats[0].sent:
        fail("try the candidates in order: the first one was not asked first")
    if not all(e.streamed for e in chats):
        fail("every request should stream")
    if chats[0].body.get("tool_choice") != "required":
        fail("the first request should carry the tool_choice ask() was given")
    if chats[0].body.get("max_tokens") != 80:
        fail("send reply_tokens as max_tokens: the window keeps that room for the reply")
    _, calls = streamed_parts(chats[0])
    if not added:
        fail("the model called `add`, but the function never ran")
    if len(chats) < 2:
        fail("after a tool call, send the result back and ask again")
    if chats[1].body.get("tool_choice") not in (None, "auto", "none"):
        fail(FORCED_AGAIN)
    sent = chats[1].body["messages"]
    results = {m.get("tool_call_id"): m for m in sent if m.get("role") == "tool"}
    for call in calls:
        result = results.get(call["id"])
        if result is None:
            fail(
                f"the model made {len(calls)} call(s) and {len(results)} came back: send one "
                "`tool` message per call, with the call's tool_call_id"
            )
        arguments = json.loads(call["arguments"])
        if str(arguments["a"] + arguments["b"]) not in str(result.get("content")):
            fail(f"a tool message should hold what add returned, not {result.get('content')!r}")
    roles = [m["role"] for m in bot.messages]
    if roles[:3] != ["system", "user", "assistant"] or roles[-1] != "assistant":
        fail(f"after one question the history's roles are {roles}")
    if "tool" not in roles:
        fail("keep the tool call and its result in the history: they are part of the turn")
    if bot.messages[-1].get("content") != answer:
        fail("ask() should return the answer it added to the history")
    paid = sum(
        (e.usage or {}).get("prompt_tokens", 0) * prices[0] / 1e6
        + (e.usage or {}).get("completion_tokens", 0) * prices[1] / 1e6
        for e in chats
    )
    if not math.isclose(bot.spent_usd, paid, rel_tol=1e-3, abs_tol=1e-9):
        fail(
            f"spent_usd is {bot.spent_usd:.6f}, but the usage of the {len(chats)} requests "
            f"costs {paid:.6f} at these prices: count every round"
        )

    _check_every_call_answered(cls, base, model)
    _check_tool_failures(bot)
    _check_wrong_key(cls, base, model)
    _check_trimming(cls, candidates, log, model)
    _check_budget_and_failures(cls, candidates, log, dead, model, budget_spent)


def _check_every_call_answered(cls: Any, base: Any, model: str) -> None:
    """Two calls at once: each gets its result. (This model then calls again, and again:
    `max_rounds` must end that, and `limit` ends a loop that ignores it.)"""
    healthy, log = record(base, limit=4)
    bot = cls(
        [("sandbox", healthy, model)],
        system=TWO_SUMS[0]["content"],
        tools=[ADD_TOOL],
        functions={"add": lambda a, b: a + b},
        budget_usd=10.0,
        reply_tokens=80,
    )
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            bot.ask(TWO_SUMS[1]["content"], tool_choice="required", max_rounds=2, temperature=0)
    except Exception:  # no answer after two rounds: expected here
        pass
    chats = log.to("/chat/completions")
    if len(chats) > 2:
        fail("max_rounds=2 should mean at most 2 requests for one question")
    if len(chats) < 2:
        fail("after a tool call, send the results back and ask again")
    _, calls = streamed_parts(chats[0])
    answered = {m.get("tool_call_id") for m in chats[1].body["messages"] if m.get("role") == "tool"}
    missing = [c["id"] for c in calls if c["id"] not in answered]
    if missing:
        fail(
            f"the model made {len(calls)} calls at once and {len(calls) - len(missing)} "
            "result(s) went back: send one `tool` message per call, with its tool_call_id"
        )


def _check_tool_failures(bot: Any) -> None:
    """A tool that is unknown or raises, or arguments cut off mid-way: a result to read."""
    cases = [
        ("an unknown tool", "divide", '{"a": 1, "b": 0}'),
        ("arguments cut off by max_tokens", "add", '{"a": 1, "b'),
        ("a function that raises", "add", '{"a": 1}'),
    ]
    for what, name, arguments in cases:
        call = {
            "id": "call_x",
            "type": "function",
            "function": {"name": name, "arguments": arguments},
        }
        try:
            result = bot._run(call)
        except Exception as error:
            fail(
                f"{what} made _run raise {type(error).__name__}: return the error as the "
                "tool's result, so the model can read it"
            )
        if not isinstance(result, str) or not result:
            fail(f"for {what}, _run should return text saying what went wrong")


def _check_wrong_key(cls: Any, base: Any, model: str) -> None:
    """A 401 is this question's end, not the next candidate's turn: every provider has its
    own key, and a wrong one is a mistake to show, not to hide behind a fallback."""
    import openai

    wrong_key, _ = record(base.with_options(default_headers={"X-Sandbox-Fail": "401"}))
    spare, spare_log = record(base)
    bot = cls([("wrong key", wrong_key, model), ("spare", spare, model)], system="", budget_usd=1.0)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            bot.ask("Hi", max_tokens=4)
    except openai.AuthenticationError:
        pass
    except Exception as other:  # which error escapes is the point
        fail(f"a wrong key should raise AuthenticationError, not {type(other).__name__}")
    else:
        fail("a wrong key (401) was passed on to the next candidate: raise it, and fix the key")
    if spare_log.exchanges:
        fail("a wrong key (401) was passed on to the next candidate: raise it, and fix the key")


def _check_trimming(cls: Any, candidates: list[Any], log: Recording, model: str) -> None:
    from ...tokens import count_message_tokens

    bot = cls(candidates, system="You are brief.", budget_usd=10.0, window=600, reply_tokens=40)
    long = "Tell me about the sea. " * 20
    for n in range(6):
        bot.messages += [
            {"role": "user", "content": f"{n}: {long}"},
            {"role": "assistant", "content": "It is wide."},
        ]
    history = copy.deepcopy(bot.messages)
    log.clear()
    with contextlib.redirect_stdout(io.StringIO()):
        bot.ask("And the sky?", max_tokens=8)
    chats = log.to("/chat/completions")
    if len(chats) != 1:
        fail(f"one question with no tools should be one request, not {len(chats)}")
    sent = chats[0].body["messages"]
    if sent[0] != history[0] or sent[-1] != {"role": "user", "content": "And the sky?"}:
        fail("a trimmed request still starts with the system message and ends with the question")
    if count_message_tokens(sent) > 600 - 40:
        fail(
            f"the request holds {count_message_tokens(sent)} tokens: trim to the window "
            "less the reply's tokens (560)"
        )
    if len(sent) < 4:
        fail("the request was trimmed further than the window needs")
    if bot.messages[: len(history)] != history:
        fail("trimming is for the request: the history itself keeps every turn")


def _check_budget_and_failures(
    cls: Any,
    candidates: list[Any],
    log: Recording,
    dead: Any,
    model: str,
    budget_spent: type[Exception],
) -> None:
    import openai

    bot = cls(candidates, system="You are brief.", budget_usd=1e-9, prices=(0.15, 0.6))
    with contextlib.redirect_stdout(io.StringIO()):
        bot.ask("Hi", max_tokens=4)
    history = copy.deepcopy(bot.messages)
    log.clear()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            bot.ask("Hi again", max_tokens=4)
    except budget_spent:
        pass
    else:
        fail(f"spent {bot.spent_usd:.6f} of a {1e-9} budget, yet ask() went on: raise BudgetSpent")
    if log.exchanges:
        fail("once the budget is spent, nothing more should be sent")
    if bot.messages != history:
        fail("a refused question should leave the history as it was")

    lonely = cls([("unreachable", dead, model)], system="You are brief.", budget_usd=1.0)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            lonely.ask("Hi")
    except openai.APIConnectionError:
        pass
    except Exception as other:  # which error escapes is the point
        fail(f"when every candidate fails, raise the last error itself, not {type(other).__name__}")
    else:
        fail("every candidate failed, yet ask() returned")
    if lonely.messages != [{"role": "system", "content": "You are brief."}]:
        fail("a question that failed left messages behind: the next prompt would carry it")
