"""EmbeddingsExplorer in real JupyterLab 4, in Debian's Chromium: a heatmap and a map of
six texts embedded by the sandbox, a query typed in the page marking its nearest texts;
light and dark screenshots."""

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
)

from llmwidgets import environment

EXPLORE = """import llmwidgets

explorer = llmwidgets.EmbeddingsExplorer(llmwidgets.connect("sandbox"), [
    "A kitten sleeps in the sun.",
    "The cat naps on the warm windowsill.",
    "A truck delivers bricks to the building site.",
    "The lorry unloads sand at the construction yard.",
    "Rain is expected in Paris tomorrow.",
    "The forecast says showers over the weekend.",
])
explorer"""


@pytest.fixture
def jupyterlab(tmp_path: Path, sandbox_url: str):
    env = {environment.SANDBOX_URL: sandbox_url}
    with lab_with_notebook(
        tmp_path, "embeddings.ipynb", [EXPLORE, "print(explorer.query)"], env
    ) as lab:
        yield lab


def test_a_student_explores_embeddings(jupyterlab: Lab) -> None:
    with page_for("embeddings") as page:
        explore(page, jupyterlab)


def explore(page: Page, lab: Lab) -> None:
    open_notebook(page, lab, "embeddings.ipynb")
    run_cell(page, 0)
    explorer = page.locator(".llmw-embed")
    explorer.locator(".llmw-embed-cell").nth(35).wait_for(timeout=60_000)  # six by six
    assert explorer.locator(".llmw-embed-dot").count() == 6
    assert "384 dimensions" in (explorer.locator(".llmw-embed-title").text_content() or "")
    box = explorer.locator(".llmw-embed-search input")
    box.fill("Will it be wet on Saturday?")
    box.press("Enter")
    found = explorer.locator(".llmw-embed-found li")
    found.nth(2).wait_for(timeout=30_000)
    texts = found.all_text_contents()
    assert any("forecast" in t or "Rain" in t for t in texts[:2]), texts
    assert explorer.locator(".llmw-embed-dot.llmw-embed-near").count() == 3
    assert explorer.locator(".llmw-embed-query").count() == 1
    run_cell(page, 1)
    page.get_by_text("Will it be wet on Saturday?", exact=True).wait_for(timeout=30_000)
    page.set_viewport_size({"width": 1280, "height": 1200})
    page.wait_for_timeout(300)
    explorer.screenshot(path=str(ARTIFACTS / "embeddings-light-widget.png"))
    dark_theme(page)
    explorer.screenshot(path=str(ARTIFACTS / "embeddings-dark-widget.png"))
