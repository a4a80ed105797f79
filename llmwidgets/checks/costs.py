"""Exercise 09: what a call costs, and its worst case before sending."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ._base import NotSolved, chat_exchange, check, fail, new_exchanges

__all__ = ["cost", "worst_case"]


def _dollars(prompt: int, completion: int, prices: Mapping[str, float]) -> float:
    return (prompt * prices["input_per_mtok"] + completion * prices["output_per_mtok"]) / 1e6


def _close(found: Any, expected: float) -> bool:
    """Equal to the cent's billionth; any real number will do (float, Decimal, NumPy)."""
    if isinstance(found, bool) or not isinstance(found, numbers.Real | Decimal):
        return False
    return abs(float(found) - expected) <= 1e-12 + 1e-9 * expected


@check("cost of a call")
def cost(cost_usd: Any, reply: Any, prices: Mapping[str, float]) -> None:
    """`cost_usd(usage)` prices a usage in dollars: prompt tokens at the input price, completion
    tokens at the output price, both per million; right for the real reply and for usages
    the check makes up."""
    from openai.types import CompletionUsage

    chat_exchange(getattr(reply, "id", None), new_exchanges())
    cases = [(1_000, 0), (0, 1_000), (1_234, 567)]
    cases.append((reply.usage.prompt_tokens, reply.usage.completion_tokens))
    for prompt, completion in cases:
        usage = CompletionUsage(
            prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
        )
        found = cost_usd(usage)
        if found is Ellipsis or found is None:
            raise NotSolved("cost_usd() still returns `...`")
        expected = _dollars(prompt, completion, prices)
        if not _close(found, expected):
            fail(
                f"for {prompt:,} prompt and {completion:,} completion tokens cost_usd gave "
                f"{found!r}, expected ${expected:.8f}"
            )


@check("worst case before sending")
def worst_case(
    worst_case_usd: Any, prices: Mapping[str, float], model: str = "gpt-4o-mini"
) -> None:
    """`worst_case_usd(messages, max_tokens)`: the prompt's tokens (tiktoken, as
    `count_message_tokens` counts them for `model`) at the input price, plus `max_tokens` at
    the output price, for conversations the check makes up."""
    from ..tokens import count_message_tokens

    conversations = [
        [{"role": "user", "content": "Hi"}],
        [
            {"role": "system", "content": "You are a patient teacher of chemistry."},
            {"role": "user", "content": "Why does ice float on water? Explain it to a child."},
        ],
    ]
    for messages in conversations:
        for max_tokens in (1, 500):
            found = worst_case_usd(messages, max_tokens)
            if found is Ellipsis or found is None:
                raise NotSolved("worst_case_usd() still returns `...`")
            prompt = count_message_tokens(messages, model)
            expected = _dollars(prompt, max_tokens, prices)
            if not _close(found, expected):
                fail(
                    f"for {len(messages)} message(s) ({prompt} prompt tokens) and max_tokens="
                    f"{max_tokens} it gave {found!r}, expected ${expected:.8f}"
                )
