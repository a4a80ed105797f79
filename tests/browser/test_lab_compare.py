"""compare() in real JupyterLab 4, in Debian's Chromium: three providers at once (a server
reached by its URL with a key, Groq's and Anthropic's sandbox profiles), their notes, the
word diff and its picker, Stop on one lane and Escape for all; light and dark; no key saved."""

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
)

from llmwidgets import environment

COMPARE = """import os
import openai
import llmwidgets

mine = openai.OpenAI(base_url=os.environ["CMP_URL"], api_key=os.environ["CMP_KEY"])
grid = llmwidgets.compare(
    "Name three colours of the sea.",
    {"target": mine, "label": "My server"},
    "groq",
    "anthropic",
    rehearse=True, seed=7, n=2, temperature=0.7, max_tokens=60,
)
grid"""

LONG = """story = llmwidgets.compare(
    "Tell me a very long story about a dragon who learns to bake bread.",
    {"target": mine, "label": "My server"}, "groq", "openai",
    rehearse=True, max_tokens=1000, temperature=1.0,
)
story"""


@pytest.fixture
def jupyterlab(tmp_path: Path, sandbox_url: str, canary_key: str):
    cells = [
        COMPARE,
        "print('pair', grid.diff.get('a'), grid.diff.get('b'))",
        LONG,
        "print([lane['status'] for lane in story.lanes])",
    ]
    env = {"CMP_URL": sandbox_url, "CMP_KEY": canary_key, environment.SANDBOX_URL: sandbox_url}
    with lab_with_notebook(tmp_path, "compare.ipynb", cells, env) as lab:
        yield lab


def test_three_providers_side_by_side(jupyterlab: Lab, canary_key: str) -> None:
    with page_for("compare") as page:
        side_by_side(page, jupyterlab)
    saved = (jupyterlab.root / "compare.ipynb").read_text()
    assert "Anthropic (rehearsed)" in saved  # the grid was saved
    assert canary_key not in saved


def side_by_side(page: Page, lab: Lab) -> None:
    open_notebook(page, lab, "compare.ipynb")
    run_cell(page, 0)
    grid = page.locator(".llmw-compare").first
    lanes = grid.locator(".llmw-compare-lane")
    lanes.nth(2).wait_for(timeout=60_000)
    page.wait_for_function(
        "() => [...document.querySelector('.llmw-compare').querySelectorAll('.llmw-compare-lane')]"
        ".every((lane) => lane.dataset.status === 'done')",
        timeout=120_000,
    )
    labels = [lanes.nth(i).locator(".llmw-compare-label").text_content() for i in range(3)]
    assert labels == [
        "My server",
        "Groq (rehearsed)",
        "Anthropic (rehearsed)",
    ]
    assert "n left out" in (lanes.nth(1).locator(".llmw-compare-notes").text_content() or "")
    assert "ignores seed" in (lanes.nth(2).locator(".llmw-compare-notes").text_content() or "")
    assert lanes.nth(0).locator(".llmw-compare-notes").is_hidden()
    for i in range(3):
        figures = lanes.nth(i).locator(".llmw-compare-figures").text_content() or ""
        assert "first token" in figures and "tokens/s" in figures and "tokens" in figures
    assert "free (local)" in (lanes.nth(0).locator(".llmw-compare-figures").text_content() or "")
    groq_figures = lanes.nth(1).locator(".llmw-compare-figures").text_content() or ""
    assert "free (rehearsed; Groq: $" in groq_figures  # offline, and what Groq would charge
    assert "choice 1 of 2 shown" in (
        lanes.nth(0).locator(".llmw-compare-figures").text_content() or ""
    )

    # the word diff: of the first two, then of the first and the third, picked in the page
    diff = grid.locator(".llmw-compare-diff")
    assert "of words shared" in (diff.text_content() or "")
    diff.locator("select").nth(1).select_option("2")
    run_cell(page, 1)
    page.get_by_text("pair 0 2").wait_for(timeout=30_000)
    grid.click(position={"x": 5, "y": 5})  # no hover or focus ring in the picture
    page.wait_for_timeout(300)
    grid.screenshot(path=str(ARTIFACTS / "compare-light-widget.png"))
    dark_theme(page)
    grid.screenshot(path=str(ARTIFACTS / "compare-dark-widget.png"))

    # a long story: Stop one lane from its button, then Escape stops the rest
    run_cell(page, 2)
    story = page.locator(".llmw-compare").nth(1)
    story.locator(".llmw-compare-lane").nth(2).wait_for(timeout=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.llmw-compare')[1]"
        ".querySelectorAll('.llmw-compare-body')[1].textContent.length > 20",
        timeout=120_000,
    )
    story.locator(".llmw-compare-lane").nth(1).get_by_role("button", name="Stop").click()
    story.focus()
    story.press("Escape")
    page.wait_for_function(
        "() => document.querySelectorAll('.llmw-compare')[1].dataset.status === 'done'",
        timeout=60_000,
    )
    run_cell(page, 3)
    statuses = page.locator(".jp-OutputArea-output pre", has_text="['")
    statuses.wait_for(timeout=30_000)
    found = eval(statuses.text_content() or "")  # the kernel's own list of statuses
    assert found[1] == "stopped"  # its Stop button
    assert "stopped" in (found[0], found[2])  # Escape: what was still streaming stopped
    save_notebook(page)
