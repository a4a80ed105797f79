"""The quiz in real JupyterLab 4, in Debian's Chromium: pick, get a verdict, by mouse and by
keyboard, in the light and the dark theme; the saved notebook holds no answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page
from support.lab import (
    ARTIFACTS,
    Lab,
    chromium_page,
    lab_with_notebook,
    run_cell,
    screenshot,
    wait_for_kernel,
)

QUIZ = """from llmwidgets import Question, quiz

quiz(
    Question(
        'What does `finish_reason: "length"` mean?',
        ["the model finished", "`max_tokens` cut the answer", "a stop sequence matched"],
        answer=1,
        why="The answer hit the token limit, so it is incomplete.",
    ),
    Question("Is 2 a prime?", ["yes", "no"], answer=0, why="Its only divisors are 1 and 2."),
)"""


@pytest.fixture
def jupyterlab(tmp_path: Path):
    with lab_with_notebook(tmp_path, "quiz.ipynb", [QUIZ], {}) as lab:
        yield lab


def test_a_student_answers_the_quiz(jupyterlab: Lab) -> None:
    with chromium_page() as page:
        try:
            answer(page, jupyterlab)
        except Exception:
            screenshot(page, "quiz-failure")
            raise
    saved = json.loads((jupyterlab.root / "quiz.ipynb").read_text())
    models = saved["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    state = json.dumps(  # the saved values, without the view's own code (_esm, _css)
        [
            {k: v for k, v in m["state"].items() if k not in ("_esm", "_css")}
            for m in models.values()
        ]
    )
    assert "Is 2 a prime?" in state  # saving widget state was on: the questions are there
    written = state + json.dumps([c.get("outputs", []) for c in saved["cells"]])
    for shown_only in ("token limit", "Not quite", "Right.", "of 2 right"):
        assert shown_only not in written  # verdicts and picks never reach the file


def answer(page: Page, lab: Lab) -> None:
    page.goto(lab.notebook_url("quiz.ipynb"))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    wait_for_kernel(page)
    run_cell(page, 0)
    page.locator(".llmw-quiz-question").nth(1).wait_for(timeout=60_000)
    first, second = page.locator(".llmw-quiz-question").all()

    # a wrong pick, then the right one: the kernel answers each
    first.locator(".llmw-quiz-choice").nth(0).click()
    first.get_by_text("Not quite.").wait_for(timeout=30_000)
    assert first.get_attribute("data-verdict") == "wrong"
    first.locator(".llmw-quiz-choice").nth(1).click()
    first.get_by_text("Right.").wait_for(timeout=30_000)
    assert "token limit" in (first.locator(".llmw-quiz-feedback").text_content() or "")

    # by keyboard: focus the choice, Space picks it
    second.locator("input").nth(0).focus()
    page.keyboard.press("Space")
    second.get_by_text("Right.").wait_for(timeout=30_000)
    page.get_by_text("2 of 2 right").wait_for(timeout=10_000)
    screenshot(page, "quiz-light")
    page.locator(".llmw-quiz").screenshot(path=str(ARTIFACTS / "quiz-light-widget.png"))

    page.evaluate(
        "window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=30_000)
    page.wait_for_timeout(500)
    screenshot(page, "quiz-dark")
    page.locator(".llmw-quiz").screenshot(path=str(ARTIFACTS / "quiz-dark-widget.png"))
    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_timeout(2000)
