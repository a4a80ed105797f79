"""A short quiz with instant feedback, for the end of a notebook.

    llmwidgets.quiz(Question(...), Question(...))

The view shows each prompt with its choices; picking one sends the choice to the kernel,
which answers with a verdict and the explanation. Only prompts and choices are synced, so
a saved notebook (widget state included) holds neither the right answers nor the
student's picks, and a static copy (GitHub, nbconvert) lists the questions to think about.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import anywidget
import traitlets

from ..questions import Question
from .bundle import module, split_bundle, stylesheet
from .page import PageMessages, PageTable, index_in

__all__ = ["Quiz", "quiz"]


class Quiz(PageMessages, anywidget.AnyWidget):
    """Questions in the page, answers in the kernel."""

    _esm = module("quiz")
    _css = stylesheet("quiz")
    _page_messages: ClassVar[PageTable] = {"answer": lambda quiz, m: quiz._answer(m)}

    questions: traitlets.List[dict[str, Any]] = traitlets.List(
        help="each question's prompt and choices as HTML; never the right answer"
    ).tag(sync=True)

    def __init__(self, questions: Sequence[Question], **kwargs: Any) -> None:
        self._questions = tuple(questions)
        if not self._questions:
            raise ValueError("a quiz needs at least one question")
        super().__init__(
            questions=[
                {
                    "prompt": _markdown(q.prompt),
                    "choices": [_markdown(c, inline=True) for c in q.choices],
                }
                for q in self._questions
            ],
            **kwargs,
        )
        self.on_msg(self._on_page_message)

    def _answer(self, message: dict[str, Any]) -> None:
        """A choice picked in the page: graded here, the verdict sent back as a message."""
        index = index_in(message.get("question"), len(self._questions))
        if index is None:
            return
        choice = index_in(message.get("choice"), len(self._questions[index].choices))
        if choice is None:
            return
        verdict = self._questions[index].grade(choice)
        self.send(
            {
                "type": "verdict",
                "question": index,
                "choice": choice,
                "correct": verdict.correct,
                "why": _markdown(verdict.why),
            }
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """The live quiz; for viewers without widgets, the questions to think about."""
        data, metadata = split_bundle(super()._repr_mimebundle_(**kwargs))
        items = "".join(
            f"<li>{q['prompt']}<ul>{''.join(f'<li>{c}</li>' for c in q['choices'])}</ul></li>"
            for q in self.questions
        )
        bundle = data
        bundle["text/html"] = (
            "<div><b>Quiz</b> <i>(run the notebook to check your answers)</i>"
            f"<ol>{items}</ol></div>"
        )
        bundle["text/plain"] = "\n".join(
            [f"Quiz: {len(self._questions)} questions (run the notebook to check your answers)"]
            + [f"{i}. {q.prompt}" for i, q in enumerate(self._questions, 1)]
        )
        return bundle, metadata

    def __repr__(self) -> str:
        return f"Quiz({len(self._questions)} questions)"


def quiz(*questions: Question) -> Quiz:
    """A quiz of these questions, to show as a cell's result."""
    return Quiz(questions)


def _markdown(text: str, inline: bool = False) -> str:
    """Markdown to HTML, raw HTML escaped (never run)."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": False})
    return renderer.renderInline(text) if inline else renderer.render(text)
