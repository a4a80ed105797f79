"""Exercises 11 to 13: few-shot messages (roles), several answers on providers that honour,
refuse or ignore `n` (sampling), and the penalty formula (penalties)."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

from ..recording import record
from ._base import NotSolved, check, fail

__all__ = ["few_shot", "penalize", "several_answers"]


def _reference_few_shot(
    instruction: str | None, examples: list[tuple[str, str]], text: str
) -> list[dict[str, str]]:
    messages = [{"role": "system", "content": instruction}] if instruction else []
    for shown, answer in examples:
        messages += [{"role": "user", "content": shown}, {"role": "assistant", "content": answer}]
    return [*messages, {"role": "user", "content": text}]


@check("few-shot messages")
def few_shot(fn: Callable[..., Any]) -> None:
    """`fn(instruction, examples, text)`: the instruction as the system message, each
    example as a user message answered by an assistant message, then the text; no system
    message when there is no instruction; the examples list left as it was."""
    cases = [
        (
            "Label the review's mood: happy or sad.",
            [("Loved it!", "happy"), ("Broke in a day.", "sad"), ("Best gift ever.", "happy")],
            "The screen cracked.",
        ),
        ("Translate to French.", [("cat", "chat")], "dog"),
        ("Answer with one word.", [], "Capital of Peru?"),
        (None, [("2+2", "4"), ("3+5", "8")], "7+6"),
        ("Reply in JSON.", [("name: Ada\nage: 36", '{"name": "Ada", "age": 36}')], "name: Bo"),
    ]
    for instruction, examples, text in cases:
        given = copy.deepcopy(examples)
        messages = fn(instruction, examples, text)
        if messages in (None, Ellipsis):
            raise NotSolved("few_shot() should return the messages list")
        if examples != given:
            fail("few_shot() changed the examples it was given")
        want = _reference_few_shot(instruction, given, text)
        if messages == want:
            continue
        roles = [m.get("role") for m in messages] if isinstance(messages, list) else None
        shown = f"with {len(given)} example(s) and {'an' if instruction else 'no'} instruction"
        if roles != [m["role"] for m in want]:
            fail(f"{shown}, the roles should be {[m['role'] for m in want]}, not {roles}")
        fail(f"{shown}, a message's content differs: keep each text exactly as given")


def _contents(reply: Any) -> list[str]:
    return [c["message"]["content"] for c in reply.get("choices", [])]


@check("several answers, on every provider")
def several_answers(fn: Callable[..., Any]) -> None:
    """`fn(client, model, messages, n, **params)` returns `n` answers: all from one request
    where the provider honours `n`; one at a time where it refuses `n` (Groq: a 400) or
    quietly sends fewer (Ollama), drawing only the missing ones."""
    import openai

    from ..client import connect, list_models

    hello = [{"role": "user", "content": "Name a colour."}]
    for provider, how in (("sandbox", "honours n"), ("groq", "refuses n"), ("ollama", "ignores n")):
        base = connect(provider, rehearse=True)  # the SDK retries a free tier's 429s
        client, log = record(base)
        model = list_models(base).chat_model or ""
        where = f"on {provider.title()}'s profile ({how})"
        try:
            answers = fn(client, model, hello, 3, max_tokens=6)
        except openai.BadRequestError:
            fail(f"{where}: a refused n should not end it: draw the answers one at a time")
        if answers in (None, Ellipsis):
            raise NotSolved("several_answers() should return a list of answers")
        chats = [e for e in log.to("/chat/completions") if e.status != 429]
        if not chats or chats[0].body.get("n") != 3:
            fail(f"{where}: the first request should ask for all 3 at once, with n=3")
        first, rest = chats[0], chats[1:]
        if any((e.body.get("n") or 1) != 1 for e in rest):
            fail(f"{where}: after the first request, ask for one answer at a time")
        if first.status == 400:
            carried = [a for e in rest for a in _contents(e.reply or {})]
            expected_more = 3
        else:
            carried = _contents(first.reply or {}) + [
                a for e in rest for a in _contents(e.reply or {})
            ]
            expected_more = 3 - len(_contents(first.reply or {}))
        if len(rest) != expected_more:
            fail(
                f"{where}: {len(rest)} more request(s) after the first, where "
                f"{expected_more} would draw exactly what is missing"
            )
        if list(answers) != carried:
            fail(f"{where}: return the {len(carried)} answers the replies carried, in order")
        base.close()
        client.close()


def _reference_penalize(
    logits: dict[str, float], generated: list[str], presence: float, frequency: float
) -> dict[str, float]:
    return {
        token: score - generated.count(token) * frequency - (token in generated) * presence
        for token, score in logits.items()
    }


@check("the penalty formula")
def penalize(fn: Callable[..., Any]) -> None:
    """`fn(logits, generated, presence_penalty, frequency_penalty)`: each token's score
    less `count * frequency_penalty` and, if it appeared at all, `presence_penalty`."""
    logits = {"the": 2.0, "cat": 1.5, "sat": 1.0, "mat": 0.5, ".": 0.25}
    cases = [
        ([], 0.6, 0.4),
        (["the"], 0.6, 0.0),
        (["the"], 0.0, 0.4),
        (["the", "cat", "the", "the"], 0.0, 0.5),
        (["the", "cat", "the", "the"], 0.7, 0.0),
        (["the", "cat", "sat", "the", "mat", "the"], 0.5, 0.8),
        (["cat", "cat"], -1.0, -0.5),
        (["dog", "the"], 1.0, 1.0),  # a token not among the scores changes nothing
    ]
    for generated, presence, frequency in cases:
        given, scores_given = list(generated), dict(logits)
        scores = fn(scores_given, generated, presence, frequency)
        if scores in (None, Ellipsis):
            raise NotSolved("penalize() should return the new scores")
        if generated != given or scores_given != logits:
            fail("penalize() changed the scores or tokens it was given: return a new dict")
        want = _reference_penalize(logits, given, presence, frequency)
        if set(scores) != set(want):
            fail("return a score for every token that had one, and only those")
        wrong = [t for t in want if not math.isclose(scores[t], want[t], abs_tol=1e-9)]
        if wrong:
            token = wrong[0]
            fail(
                f"after {given} with presence_penalty={presence} and "
                f"frequency_penalty={frequency}, {token!r} should score {want[token]:.2f}, "
                f"not {scores[token]:.2f}"
            )
