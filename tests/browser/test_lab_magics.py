"""%%chat in real JupyterLab 4, in Debian's Chromium: a conversation across cells on the
sandbox, %llm history, a mistyped option as one line; light and dark screenshots.

(Interrupting a %%chat cell is tested on a real kernel in test_magics.py: in this
JupyterLab the interrupt reached the kernel only once the cell had ended, for a plain
`time.sleep` cell too.)"""

from __future__ import annotations

import re
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

from llmwidgets import environment

CELLS = [
    "%load_ext llmwidgets",
    '%%chat sandbox --temperature 0 --max-tokens 40 --system "You are brief."\n'
    "Name two colours of the sea.",
    "%%chat --temperature 0 --max-tokens 40\nAnd one more?",
    "%llm history",
    "%%chat --temprature 2\nHi",
]


@pytest.fixture
def jupyterlab(tmp_path: Path, sandbox_url: str):
    env = {environment.SANDBOX_URL: sandbox_url}
    with lab_with_notebook(tmp_path, "magics.ipynb", CELLS, env) as lab:
        yield lab


def test_a_conversation_in_chat_cells(jupyterlab: Lab) -> None:
    with chromium_page() as page:
        try:
            converse(page, jupyterlab)
        except Exception:
            screenshot(page, "magics-failure")
            raise


def cell(page: Page, index: int):
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def wait_idle(page: Page) -> None:
    wait_for_kernel(page, timeout_s=120)


def converse(page: Page, lab: Lab) -> None:
    page.goto(lab.notebook_url("magics.ipynb"))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    wait_for_kernel(page)
    run_cell(page, 0)
    wait_idle(page)

    # two questions, one conversation: each answer streams into a stream cell
    for index in (1, 2):
        run_cell(page, index)
        cell(page, index).locator(".llmw-stream[data-status=done]").wait_for(timeout=120_000)
        wait_idle(page)
    first = cell(page, 1).locator(".llmw-stream")
    assert "smollm2-135m-instruct" in (first.locator(".llmw-status").text_content() or "")
    assert "tokens" in (first.locator(".llmw-metrics").text_content() or "")
    assert first.locator(".llmw-stop").is_hidden()  # the kernel reads it: interrupt stops

    # the history holds the system message and both turns
    run_cell(page, 3)
    history = cell(page, 3).locator(".jp-OutputArea-output")
    history.wait_for(timeout=30_000)
    wait_idle(page)
    roles = re.findall(r"^\s*(system|user|assistant):", history.text_content() or "", re.M)
    assert roles == ["system", "user", "assistant", "user", "assistant"]

    # a mistyped option is one line, not a traceback
    run_cell(page, 4)
    mistake = cell(page, 4).locator(".jp-OutputArea-output")
    mistake.wait_for(timeout=30_000)
    wait_idle(page)
    said = (mistake.text_content() or "").strip()
    assert said.startswith("✗") and "--temprature" in said and "\n" not in said

    page.locator(".jp-Notebook").click(position={"x": 5, "y": 5})
    cells = [cell(page, i) for i in (1, 3)]
    cells[0].scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = _around(cells)
    page.screenshot(path=str(ARTIFACTS / "magics-light-widget.png"), clip=box)
    page.evaluate(
        "window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=30_000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "magics-dark-widget.png"), clip=_around(cells))


def _around(cells: list) -> dict[str, float]:
    """The box holding the first cell to the end of the second (the history is below)."""
    top = cells[0].bounding_box()
    bottom = cells[1].bounding_box()
    assert top is not None and bottom is not None
    return {
        "x": top["x"],
        "y": top["y"],
        "width": top["width"],
        "height": bottom["y"] + bottom["height"] - top["y"],
    }
