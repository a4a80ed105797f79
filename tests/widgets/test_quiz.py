"""The quiz: questions in the page, answers in the kernel, nothing answered saved."""

from __future__ import annotations

import json

import pytest
from support.frontend import frontend_sends

from llmwidgets.questions import Question
from llmwidgets.widgets.quiz import Quiz, quiz

RIGHT = "`max_tokens` cut the answer"
QUESTIONS = [
    Question(
        'What does `finish_reason: "length"` mean?',
        ["the model finished", RIGHT, "a stop sequence matched"],
        answer=1,
        why="The answer hit the token limit, so it is incomplete.",
    ),
    Question("Is 2 a prime?", ["yes", "no"], answer=0, why="Its only divisors are 1 and 2."),
]


def verdicts(comm_log: list[dict]) -> list[dict]:
    return [
        m["data"]["content"]
        for m in comm_log
        if m["data"].get("method") == "custom" and m["data"]["content"].get("type") == "verdict"
    ]


def test_a_pick_gets_a_verdict_and_the_explanation(comm_log: list[dict]) -> None:
    shown = quiz(*QUESTIONS)
    frontend_sends(shown, {"type": "answer", "question": 0, "choice": 2})
    frontend_sends(shown, {"type": "answer", "question": 0, "choice": 1})
    wrong, right = verdicts(comm_log)
    assert (wrong["correct"], right["correct"]) == (False, True)
    assert "token limit" in right["why"]
    assert wrong["question"] == 0 and wrong["choice"] == 2


def test_nonsense_from_the_page_is_ignored(comm_log: list[dict]) -> None:
    shown = quiz(*QUESTIONS)
    for nonsense in (
        {"type": "answer", "question": 7, "choice": 0},
        {"type": "answer", "question": 0, "choice": 9},
        {"type": "answer", "question": "0", "choice": True},
        {"type": "something else"},
    ):
        frontend_sends(shown, nonsense)
    assert verdicts(comm_log) == []


def test_the_saved_state_holds_no_answer_and_no_pick(comm_log: list[dict]) -> None:
    shown = quiz(*QUESTIONS)
    frontend_sends(shown, {"type": "answer", "question": 1, "choice": 0})
    assert all(set(q) == {"prompt", "choices"} for q in shown.get_state()["questions"])
    state = json.dumps(shown.get_state())
    assert "divisors" not in state and "token limit" not in state
    assert "<code>max_tokens</code> cut the answer" in state  # Markdown, rendered in Python
    synced = [m for m in comm_log if m["data"].get("method") != "custom"]
    assert "divisors" not in json.dumps(synced, default=str)  # the why travels as a message


def test_markdown_never_runs_html() -> None:
    shown = Quiz([Question("<script>alert(1)</script>?", ["<b>a</b>", "b"], 0, "x")])
    assert "<script>" not in json.dumps(shown.get_state())


def test_a_static_copy_lists_the_questions_without_answers() -> None:
    data, _ = quiz(*QUESTIONS)._repr_mimebundle_()
    assert "run the notebook to check your answers" in data["text/html"]
    assert "token limit" not in data["text/html"]
    assert data["text/plain"].splitlines()[1].startswith("1. What does")


@pytest.mark.parametrize(
    ("choices", "answer"), [(["only one"], 0), (["a", "b"], 2), (["a", "b"], -1)]
)
def test_a_malformed_question_is_refused(choices: list[str], answer: int) -> None:
    with pytest.raises(ValueError, match="choice"):
        Question("?", choices, answer, "why")
