"""Part 2: trimming by whole turns, against a reference on many budgets."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from .._base import NotSolved, check, fail
from ._common import plain

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
            kept = [plain(m) for m in kept]
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
