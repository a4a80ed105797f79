"""The widgets in real JupyterLab 4, in Debian's Chromium: stream, Stop, meter, no key saved.

One notebook, driven the way a student uses it: show a selector, type a key into it, start
a long answer, watch it stream, press Stop, look at the meter, save. Screenshots go to
`test-artifacts/` (LLMWIDGETS_TEST_ARTIFACTS).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page
from support.lab import (
    Lab,
    chromium_page,
    lab_with_notebook,
    run_cell,
    screenshot,
    wait_for_kernel,
)

from llmwidgets import environment

STORY = "Tell me a very long story about a dragon who learns to bake bread."


@pytest.fixture
def jupyterlab(tmp_path: Path, sandbox_url: str):
    with lab_with_notebook(
        tmp_path,
        "stream.ipynb",
        [
            "import llmwidgets\n"
            "selector = llmwidgets.ProviderSelector('custom')\n"
            f"selector.base_url_text.value = {sandbox_url!r}\n"
            "selector",
            "cell = llmwidgets.chat(selector.client, [{'role': 'user', 'content': "
            f"{STORY!r}}}], model='smollm2-135m-instruct', max_tokens=800, seed=1)",
            "llmwidgets.session_meter()",
            "print(cell.status, len(cell.text), cell.usage['estimated'])",
        ],
        {environment.SANDBOX_URL: sandbox_url},
    ) as lab:
        yield lab


def test_stream_stop_meter_and_no_saved_key(jupyterlab: Lab, canary_key: str) -> None:
    lab = jupyterlab
    with chromium_page() as page:
        try:
            partial = drive(page, lab, canary_key)
        except Exception:
            screenshot(page, "lab-failure")
            raise
    saved = (lab.root / "stream.ipynb").read_text()
    state = json.loads(saved)["metadata"].get("widgets", {})
    assert "application/vnd.jupyter.widget-state+json" in state  # saving really was on
    assert partial[:40] in saved  # the stopped text was saved with the widget
    assert canary_key not in saved


def drive(page: Page, lab: Lab, canary_key: str) -> str:
    """The student's steps; returns the text kept after Stop."""
    page.goto(lab.notebook_url("stream.ipynb"))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    wait_for_kernel(page)

    # 1. the selector: type a key, as a student would, and press Enter
    run_cell(page, 0)
    key_input = page.locator(".llmw-key-input")
    key_input.wait_for(timeout=60_000)
    page.get_by_text("connected:").wait_for(timeout=30_000)
    key_input.fill(canary_key)
    key_input.press("Enter")
    page.get_by_text("using the key you typed").wait_for(timeout=30_000)
    assert key_input.input_value() == ""  # the field cleared itself

    # 2. stream a long answer; Stop it while tokens arrive
    run_cell(page, 1)
    body = page.locator(".llmw-stream .llmw-body")
    page.wait_for_function(
        "() => (document.querySelector('.llmw-stream .llmw-body')?.textContent || '').length > 80",
        timeout=60_000,
    )
    assert page.locator(".llmw-stream").get_attribute("data-status") == "streaming"
    screenshot(page, "lab-streaming")
    page.locator(".llmw-stop").click()
    page.wait_for_selector(".llmw-stream[data-status='stopped']", timeout=10_000)
    partial = body.text_content() or ""
    assert len(partial) > 80
    page.wait_for_timeout(1500)  # nothing more arrives after Stop
    assert body.text_content() == partial
    assert "~" in (page.locator(".llmw-metrics").text_content() or "")  # estimated usage

    # 3. the meter shows the stopped call; the kernel agrees with the page
    run_cell(page, 2)
    page.locator(".llmwidgets-meter").get_by_text("stopped").wait_for(timeout=30_000)
    run_cell(page, 3)
    page.get_by_text(f"stopped {len(partial)} True").wait_for(timeout=30_000)
    screenshot(page, "lab-stopped")

    # 4. save, with widget state saving on: the key is nowhere in the file
    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_timeout(2000)
    return partial
