"""Reusing the model's memory of a prompt prefix, without changing a single output token.

A prompt is evaluated in slices whose boundaries depend on the prompt alone: every message
start (the chat template's `<|im_start|>` token), the end of its role line (`user\n`), and
every `slice_tokens` after that. A later
prompt that shares a prefix resumes at the last boundary both prompts have in common, and
evaluates the same slices an uncached run would. The model then sees bit for bit the same
batches whether a prefix was cached or not, so the same request and seed give the same
tokens either way (llama.cpp's numbers may differ in the last bits between a batch of 20
tokens and one of 40, which could flip a sampled token; equal batches cannot).

What this buys, as OpenAI's `usage.prompt_tokens_details.cached_tokens` reports it: the
template's system part, a growing conversation, a long document sent again, all skip the
part that was already evaluated. Only tokens evaluated as a prompt are reused, never
generated ones: those went through the model one at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["PromptCache", "Slice"]


@dataclass(frozen=True)
class Slice:
    start: int
    end: int


_ROLE_LINE_TOKENS = 4  # "<|im_start|>", the role (one or two tokens), "\n"


def slice_starts(
    prompt: Sequence[int],
    message_start: int | None,
    slice_tokens: int,
    line_end: int | None = None,
) -> list[int]:
    """Where each evaluation slice of `prompt` begins (always 0 first)."""
    messages = [i for i, token in enumerate(prompt) if token == message_start]
    if not messages or messages[0] != 0:
        messages.insert(0, 0)
    starts: list[int] = []
    for start, end in zip(messages, [*messages[1:], len(prompt)], strict=True):
        head = list(prompt[start : min(end, start + _ROLE_LINE_TOKENS)])
        body = start + head.index(line_end) + 1 if line_end in head else start
        starts.append(start)
        starts.extend(range(body, end, slice_tokens))
    return sorted(set(starts))


@dataclass
class PromptCache:
    """What the model's context holds of the last prompt, and where to resume the next."""

    message_start: int | None
    slice_tokens: int = 256
    line_end: int | None = None
    _tokens: list[int] = field(default_factory=list)  # evaluated prompt tokens, in order
    _boundaries: set[int] = field(default_factory=set)  # slice edges among them

    def plan(self, prompt: Sequence[int]) -> tuple[int, list[Slice]]:
        """(tokens to reuse, the slices left to evaluate). At least the last slice is always
        evaluated: sampling needs the logits of the prompt's last token."""
        starts = slice_starts(prompt, self.message_start, self.slice_tokens, self.line_end)
        common = 0
        for mine, theirs in zip(self._tokens, prompt, strict=False):
            if mine != theirs:
                break
            common += 1
        reuse = max(
            (s for s in starts if s <= common and s < len(prompt) and s in self._boundaries),
            default=0,
        )
        ends = [*starts[1:], len(prompt)]
        todo = [Slice(s, e) for s, e in zip(starts, ends, strict=True) if s >= reuse]
        self._forget_after(reuse)
        return reuse, todo

    def evaluated(self, prompt: Sequence[int], piece: Slice) -> None:
        """`prompt[piece.start:piece.end]` is now in the model's context."""
        assert len(self._tokens) == piece.start, "slices are evaluated in order"
        self._tokens.extend(prompt[piece.start : piece.end])
        self._boundaries.update((piece.start, piece.end))

    def clear(self) -> None:
        self._forget_after(0)

    def _forget_after(self, position: int) -> None:
        del self._tokens[position:]
        self._boundaries = {b for b in self._boundaries if b <= position}
