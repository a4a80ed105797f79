"""Prompt-prefix reuse: where evaluation resumes, and that it never changes what is computed.

The invariant behind "cached or not, the same tokens": whatever was cached, the slices left
to evaluate are exactly the uncached run's slices from the resume point on, and the cached
part was itself evaluated in the uncached run's slices.
"""

from __future__ import annotations

import random

import pytest

from llmwidgets.sandbox.prefix import PromptCache, Slice, slice_starts

S = 1  # the message-start token in these prompts
N = 0  # the end of a role line


def cache() -> PromptCache:
    return PromptCache(message_start=S, slice_tokens=4, line_end=N)


def run(box: PromptCache, prompt: list[int]) -> tuple[int, list[Slice]]:
    reuse, todo = box.plan(prompt)
    for piece in todo:
        box.evaluated(prompt, piece)
    return reuse, todo


def test_slices_start_at_messages_and_every_n_tokens_within_one() -> None:
    prompt = [S, 5, 5, 5, 5, 5, S, 6, 6, S, 7]
    assert slice_starts(prompt, S, 4) == [0, 4, 6, 9]
    assert slice_starts([9, 9, 9, 9, 9], S, 4) == [0, 4]  # no message marker at all


def test_a_role_line_is_a_slice_of_its_own() -> None:
    """`<|im_start|>user\n` is the same in every user message: it can be reused too."""
    prompt = [S, 7, N, 5, 5, 5, 5, 5, S, 8, N, 6]
    assert slice_starts(prompt, S, 4, line_end=N) == [0, 3, 7, 8, 11]


def test_a_new_prompt_reuses_its_system_message() -> None:
    box = cache()
    system = [S, 2, 2, 2, 2, 2]
    assert run(box, [*system, S, 3, 3, S, 8])[0] == 0
    reuse, todo = run(box, [*system, S, 4, 4, 4, S, 8])
    assert reuse == len(system)
    assert todo[0].start == len(system)


def test_a_growing_conversation_reuses_every_earlier_message() -> None:
    box = cache()
    first = [S, 2, 2, S, 3, 3, 3, S, 9]  # ... ends with the assistant cue
    run(box, first)
    reply_then_next = [*first, 4, 4, 0, S, 5, 5, S, 9]
    reuse, _ = run(box, reply_then_next)
    assert reuse == first.index(S, 4 + 3)  # up to the assistant cue: generated text is new


def test_the_same_prompt_again_evaluates_only_its_last_slice() -> None:
    box = cache()
    prompt = [S, 2, 2, 2, 2, 2, 2, 2, 2, 2, S, 9]
    run(box, prompt)
    reuse, todo = run(box, prompt)
    assert todo == [Slice(10, 12)]  # the logits of the last token must be computed again
    assert reuse == 10


def test_resume_points_are_boundaries_of_both_prompts() -> None:
    """A prompt whose message starts where the cached one had text inside a slice must not
    resume there: that text was evaluated in a batch that spanned the point."""
    box = cache()
    run(box, [S, 2, 2, 2, 2, 2, 2, 2])  # slices [0,4) [4,8)
    reuse, _ = run(box, [S, 2, 2, 2, 2, 2, S, 7])  # message start at 6: inside [4,8)
    assert reuse == 4


@pytest.mark.parametrize("seed", range(60))
def test_cached_evaluation_equals_uncached_evaluation(seed: int) -> None:
    """Random conversations, edited and resent in turn: after each request, the context
    holds the prompt as evaluated in exactly the batches a fresh cache would have used."""
    rng = random.Random(seed)
    box = cache()
    context: list[Slice] = []  # the batches that produced what the context holds
    history: list[int] = []
    for _ in range(8):
        if history and rng.random() < 0.3:
            history = history[: rng.randrange(len(history))]  # an edit: a shorter prefix
        role = rng.choice([[7, N], [8, 8, N], [7]])  # a role line, or a head without one
        history += [S, *role, *(rng.choice([2, 3, 4, N]) for _ in range(rng.randrange(1, 9)))]
        prompt = [*history, S, 9, N]
        reuse, todo = box.plan(prompt)
        context = [p for p in context if p.end <= reuse]
        assert sum(p.end - p.start for p in context) == reuse, "a batch was cut in two"
        for piece in todo:
            box.evaluated(prompt, piece)
        context += todo
        assert context == run(cache(), prompt)[1]
        history = [*prompt, *(rng.choice([5, 6]) for _ in range(rng.randrange(4)))]
