"""Quiz questions as data: a prompt, choices, the right one, and why.

    Question("What does `finish_reason: \"length\"` mean?",
             ["the model finished", "max_tokens cut the answer", "a stop sequence matched"],
             answer=1, why="The answer hit the token limit; it is incomplete.")

The core holds questions and grades answers; `widgets.quiz.Quiz` shows them. The right
answer stays in Python: a view asks, and gets a verdict back as a message, so neither the
answers nor what a student picked is ever part of a widget's saved state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Question", "Verdict"]


@dataclass(frozen=True)
class Verdict:
    correct: bool
    why: str  # Markdown


@dataclass(frozen=True)
class Question:
    """One multiple-choice question; `prompt`, `choices` and `why` are Markdown."""

    prompt: str
    choices: Sequence[str]
    answer: int  # index into choices
    why: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", tuple(self.choices))
        if len(self.choices) < 2:
            raise ValueError("a question needs at least two choices")
        if not 0 <= self.answer < len(self.choices):
            raise ValueError(f"answer {self.answer} is not one of the {len(self.choices)} choices")

    def grade(self, choice: int) -> Verdict:
        """Whether `choice` is right, and the explanation (the same either way)."""
        if not 0 <= choice < len(self.choices):
            raise ValueError(f"choice {choice} is not one of the {len(self.choices)} choices")
        return Verdict(choice == self.answer, self.why)
