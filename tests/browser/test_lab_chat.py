"""The chat in real JupyterLab 4, in Debian's Chromium: ask with Enter, watch it stream, stop
with Escape, edit, fork and ask again, in the light and the dark theme; no key saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page
from support.lab import (
    ARTIFACTS,
    Lab,
    dark_theme,
    lab_with_notebook,
    open_notebook,
    page_for,
    run_cell,
    save_notebook,
    screenshot,
)

from llmwidgets import environment

CHAT = """import os
import openai
import llmwidgets

client = openai.OpenAI(base_url=os.environ["CHAT_URL"], api_key=os.environ["CHAT_KEY"])
chat = llmwidgets.Chat(
    client, model="smollm2-135m-instruct", system="You are brief.", max_reply_tokens=300,
    temperature=0,
)
chat"""


@pytest.fixture
def jupyterlab(tmp_path: Path, sandbox_url: str, canary_key: str):
    cells = [CHAT, "print(len(chat.messages), chat.status)"]
    env = {"CHAT_URL": sandbox_url, "CHAT_KEY": canary_key, environment.SANDBOX_URL: sandbox_url}
    with lab_with_notebook(tmp_path, "chat.ipynb", cells, env) as lab:
        yield lab


def test_a_student_chats_stops_edits_and_forks(jupyterlab: Lab, canary_key: str) -> None:
    with page_for("chat") as page:
        converse(page, jupyterlab)
    saved = (jupyterlab.root / "chat.ipynb").read_text()
    assert "Name two colours" in saved  # widget state was saved, the transcript with it
    assert canary_key not in saved


def converse(page: Page, lab: Lab) -> None:
    open_notebook(page, lab, "chat.ipynb")
    run_cell(page, 0)
    chat = page.locator(".llmw-chat")
    box = chat.locator(".llmw-chat-input")
    box.wait_for(timeout=60_000)
    answers = chat.locator(".llmw-chat-list .llmw-chat-message[data-role=assistant]")

    # Enter sends; the answer streams, then joins the history with its numbers
    box.fill("Name two colours.")
    box.press("Enter")
    answers.nth(0).wait_for(timeout=60_000)
    assert "tokens" in (answers.nth(0).locator(".llmw-chat-numbers").text_content() or "")
    assert "free (local)" in (answers.nth(0).text_content() or "")

    # a long answer, stopped with Escape: what came stays, marked
    box.fill("Tell me a very long story about a dragon who learns to bake bread.")
    box.press("Enter")
    page.wait_for_function(
        "() => (document.querySelector('.llmw-chat-live .llmw-chat-streaming .llmw-chat-text')"
        "?.textContent || '').length > 40",
        timeout=60_000,
    )
    box.press("Escape")
    answers.nth(1).wait_for(timeout=30_000)
    assert "stopped" in (answers.nth(1).locator(".llmw-chat-numbers").text_content() or "")

    # edit the first question (Ctrl+Enter saves), then ask it again from there
    questions = chat.locator(".llmw-chat-list .llmw-chat-message[data-role=user]")
    first = questions.nth(0)
    first.hover()
    first.get_by_role("button", name="Edit").click()
    editor = chat.locator(".llmw-chat-edit")
    editor.fill("Name two colours of the sea.")
    editor.press("Control+Enter")
    page.get_by_text("Name two colours of the sea.").wait_for(timeout=30_000)
    assert "edited" in (questions.nth(0).text_content() or "")

    # fork at the second question: the conversation so far is kept as a branch
    second = questions.nth(1)
    second.hover()
    second.get_by_role("button", name="Fork").click()
    chat.get_by_role("button", name="Switch branch").wait_for(timeout=30_000)
    assert questions.count() == 1
    screenshot(page, "chat-fork")

    # ask it again: the old answer goes, a new one streams in (the list is drawn anew)
    page.evaluate(
        "document.querySelectorAll('.llmw-chat-list .llmw-chat-message')"
        ".forEach((m) => (m.dataset.old = 'yes'))"
    )
    questions.nth(0).hover()
    questions.nth(0).get_by_role("button", name="Ask again").click()
    page.wait_for_function(
        "() => document.querySelector('.llmw-chat')?.dataset.status === 'idle' && "
        "document.querySelectorAll('.llmw-chat-list .llmw-chat-message:not([data-old])')"
        ".length === 2",
        timeout=60_000,
    )
    box.fill("And a third?")
    box.press("Enter")
    answers.nth(1).wait_for(timeout=60_000)
    box.click()  # the pointer away from the messages: no hover buttons in the picture
    page.wait_for_timeout(300)
    chat.screenshot(path=str(ARTIFACTS / "chat-light-widget.png"))

    dark_theme(page)
    chat.screenshot(path=str(ARTIFACTS / "chat-dark-widget.png"))
    run_cell(page, 1)
    page.get_by_text("5 idle").wait_for(timeout=30_000)  # system + two turns, in Python too
    save_notebook(page)
