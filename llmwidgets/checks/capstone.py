"""Exercise 14, the capstone: a streaming assistant with tools, trimming, fallback and a
budget. Each part is checked on the sandbox, whose failures and tool calls can be asked
for, whatever provider the exercise uses; the ground truth is what the wire carried."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
from collections.abc import Callable
from typing import Any

from ..recording import Exchange, Recording, record
from ._base import NotSolved, check, fail
from .retries import sandbox_under_watch

__all__ = ["ADD_TOOL", "assistant", "stream_turn", "trim"]

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
_GREEDY = {"temperature": 0, "max_tokens": 80}
_FORCED_AGAIN = (
    "the second request forced the tool again: a forced tool_choice is for the first round, "
    "or the model can never answer"
)


def _streamed_parts(exchange: Exchange) -> tuple[str, list[dict[str, Any]]]:
    """The text and the tool calls a streamed exchange carried, joined from its chunks."""
    text: list[str] = []
    calls: dict[int, dict[str, Any]] = {}
    for _, data in exchange.events:
        chunk = json.loads(data) if data != "[DONE]" else {}
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            text.append(delta.get("content") or "")
            for call in delta.get("tool_calls") or []:
                entry = calls.setdefault(call["index"], {"id": "", "name": "", "arguments": ""})
                entry["id"] = entry["id"] or call.get("id") or ""
                function = call.get("function") or {}
                entry["name"] = entry["name"] or function.get("name") or ""
                entry["arguments"] += function.get("arguments") or ""
    return "".join(text), [calls[i] for i in sorted(calls)]


def _one_stream(log: Recording) -> Exchange:
    chats = log.to("/chat/completions")
    if not chats:
        raise NotSolved("stream_turn() sent no request")
    if len(chats) > 1:
        fail(f"one turn should be one request, not {len(chats)}")
    exchange = chats[0]
    if not exchange.streamed:
        fail("the request did not stream: send stream=True")
    return exchange


@check("one streamed turn")
def stream_turn(fn: Callable[..., Any]) -> None:
    """`fn(client, model, messages, **params)` streams one reply, printing its text as it
    arrives, and returns `(message, usage)`: the assistant message as a dict to append to
    `messages` (tool calls joined from their fragments) and the usage of the final chunk."""
    client, log, model = sandbox_under_watch()
    hello = [{"role": "user", "content": "Say hello to the class."}]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = fn(client, model, hello, max_tokens=24)
    if result in (None, Ellipsis):
        raise NotSolved("stream_turn() should return (message, usage)")
    message, usage = result
    exchange = _one_stream(log)
    if not (exchange.body.get("stream_options") or {}).get("include_usage"):
        fail('ask for the usage chunk: stream_options={"include_usage": True}')
    text, _ = _streamed_parts(exchange)
    if not isinstance(message, dict) or message.get("role") != "assistant":
        fail(f"the message should be a dict with role 'assistant', not {message!r:.60}")
    if message.get("content") != text:
        fail(
            f"the message holds {message.get('content')!r:.60}, but the stream carried "
            f"{text!r:.60}: join every delta's content"
        )
    if message.get("tool_calls"):
        fail("a reply with no tool calls should not carry `tool_calls`")
    if printed.getvalue().strip() != text.strip():
        fail("print the text as it arrives (print(delta, end='', flush=True))")
    reported = exchange.usage or {}
    counts = ("prompt_tokens", "completion_tokens", "total_tokens")
    mine = _plain(usage) if usage is not None else {}
    if not isinstance(mine, dict) or any(mine.get(k) != reported.get(k) for k in counts):
        fail(f"the usage should be the final chunk's ({reported.get('completion_tokens')} tokens)")

    log.clear()
    with contextlib.redirect_stdout(io.StringIO()):
        message, _ = fn(
            client, model, TWO_SUMS, tools=[ADD_TOOL], tool_choice="required", **_GREEDY
        )
    _, streamed_calls = _streamed_parts(_one_stream(log))
    calls = message.get("tool_calls") if isinstance(message, dict) else None
    if not calls:
        fail("the model called `add`, but the message has no `tool_calls`")
    if len(streamed_calls) > 1 and len(calls) != len(streamed_calls):
        fail(
            f"the model made {len(streamed_calls)} calls at once, and the message holds "
            f"{len(calls)}: keep one call per `index`"
        )
    want = [
        {
            "id": c["id"],
            "type": "function",
            "function": {"name": c["name"], "arguments": c["arguments"]},
        }
        for c in streamed_calls
    ]
    got = [_plain(call) for call in calls]
    if got != want:
        fail(
            f"the tool calls should be {want!r:.120}, joined from the stream's fragments, "
            f"not {got!r:.120}"
        )


def _plain(value: Any) -> Any:
    """A tool call as plain data, whether the solution kept dicts or SDK objects (a
    streamed call's `index` is the stream's bookkeeping, not part of the call)."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(exclude_none=True)
    if isinstance(value, dict) and "function" in value:
        value = {k: v for k, v in value.items() if k != "index"}
    return value


_SYSTEM = {"role": "system", "content": "You are brief."}


def _turn(n: int, tools: bool = False) -> list[dict[str, Any]]:
    question = {"role": "user", "content": f"Question {n}: " + "why " * (10 * n)}
    if not tools:
        return [question, {"role": "assistant", "content": f"Answer {n}."}]
    call = {
        "id": f"call_{n}",
        "type": "function",
        "function": {"name": "add", "arguments": '{"a": 1, "b": 2}'},
    }
    return [
        question,
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": f"call_{n}", "content": "3" * 40},
        {"role": "assistant", "content": f"Answer {n}: 3."},
    ]


def _count(messages: list[dict[str, Any]]) -> int:
    """The checks' own token count: a word is a token, every message costs 3 more."""
    return sum(3 + len(json.dumps(m).split()) for m in messages)


def _reference_trim(messages: list[dict[str, Any]], budget: int) -> list[dict[str, Any]]:
    system = [m for m in messages[:1] if m["role"] == "system"]
    rest = messages[len(system) :]
    starts = sorted({0} | {i for i, m in enumerate(rest) if m["role"] == "user"})
    kept = rest[starts[-1] :]
    for start in reversed(starts[:-1]):
        if _count(system + rest[start:]) > budget:
            break
        kept = rest[start:]
    return system + kept


@check("history trimmed by whole turns")
def trim(fn: Callable[..., Any]) -> None:
    """`fn(messages, budget, count)` keeps the system message and as many of the newest
    whole turns as fit in `budget` tokens by `count`; the newest turn always; never a tool
    result without the call it answers; and leaves `messages` as it was."""
    cases = [
        ("a short chat that fits", [_SYSTEM, *_turn(1), *_turn(2), *_turn(3)[:1]], 10_000),
        ("a chat with tool turns", [_SYSTEM, *_turn(1, True), *_turn(2, True), *_turn(3)[:1]], 0),
        ("no system message", [*_turn(1), *_turn(2), *_turn(3, True), *_turn(4)[:1]], 0),
        ("a long chat", [_SYSTEM, *(m for n in range(1, 7) for m in _turn(n, n % 2 == 0))], 0),
    ]
    for name, history, budget in cases:
        budgets = [budget] if budget else _interesting_budgets(history)
        for limit in budgets:
            before = copy.deepcopy(history)
            kept = fn(history, limit, _count)
            if kept in (None, Ellipsis):
                raise NotSolved("trim() should return the messages to send")
            if history != before:
                fail(f"{name}: trim() changed the history it was given; build a new list")
            kept = [_plain(m) for m in kept]
            want = _reference_trim(before, limit)
            if kept == want:
                continue
            _explain(name, limit, before, kept, want)


def _interesting_budgets(history: list[dict[str, Any]]) -> list[int]:
    """Budgets at each turn's edge, and one token under it: where a trim goes wrong."""
    system = [m for m in history[:1] if m["role"] == "system"]
    rest = history[len(system) :]
    edges = [_count(system + rest[i:]) for i, m in enumerate(rest) if m["role"] == "user"]
    return sorted({b for edge in edges for b in (edge, edge - 1)} | {1})


def _explain(
    name: str,
    limit: int,
    history: list[dict[str, Any]],
    kept: list[dict[str, Any]],
    want: list[dict[str, Any]],
) -> None:
    where = f"{name}, budget {limit}"
    if history[0]["role"] == "system" and (not kept or kept[0] != history[0]):
        fail(f"{where}: the system message must stay first")
    if not kept or kept[-1] != history[-1]:
        fail(f"{where}: the newest message was dropped; the question must always be sent")
    answered = {c["id"] for m in kept for c in m.get("tool_calls") or []}
    if any(m["role"] == "tool" and m["tool_call_id"] not in answered for m in kept):
        fail(
            f"{where}: a tool result was kept without the assistant message that called it "
            "(providers answer 400): drop whole turns"
        )
    system = history[:1] if history[0]["role"] == "system" else []
    first = kept[len(system)] if len(kept) > len(system) else {"role": "user"}
    if first["role"] != "user" and first not in want:
        fail(
            f"{where}: the request starts in the middle of a turn, with a {first['role']} "
            "message: drop whole turns"
        )
    if _count(kept) > limit and len(kept) > len(want):
        fail(f"{where}: {_count(kept)} tokens kept, over the budget")
    if len(kept) < len(want):
        fail(f"{where}: {len(want) - len(kept)} more message(s) fit; drop only what must go")
    fail(f"{where}: kept {len(kept)} messages, expected the newest {len(want)}")


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
            fail(_FORCED_AGAIN)
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
    _, calls = _streamed_parts(chats[0])
    if not added:
        fail("the model called `add`, but the function never ran")
    if len(chats) < 2:
        fail("after a tool call, send the result back and ask again")
    if chats[1].body.get("tool_choice") not in (None, "auto", "none"):
        fail(_FORCED_AGAIN)
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
    _, calls = _streamed_parts(chats[0])
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
    from ..tokens import count_message_tokens

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
