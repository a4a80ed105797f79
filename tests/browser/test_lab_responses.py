"""The Responses API in real JupyterLab 4, in Debian's Chromium: a response streamed into
the stream cell, its semantic events on the inspector's timeline, and the Playground's
two bodies side by side; light and dark; no key saved."""

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
    wait_for_kernel,
)

from llmwidgets import environment

SETUP = """import os
import openai
import llmwidgets

client = openai.OpenAI(base_url=os.environ["WIRE_URL"], api_key=os.environ["WIRE_KEY"])
wire = llmwidgets.inspect(client)
with wire:
    cell = llmwidgets.chat(
        client,
        [{"role": "user", "content": "Name three colours of the sea, in one sentence."}],
        model="smollm2-135m-instruct",
        api="responses",
        max_tokens=40,
        temperature=0,
    )"""
AWAIT = "reply = await cell\nwire"
PLAYGROUND = """pg = llmwidgets.Playground(client, model="smollm2-135m-instruct",
    prompt="Name a colour of the sea.", max_tokens=30, api="responses")
pg"""


@pytest.fixture
def jupyterlab(tmp_path: Path, sandbox_url: str, canary_key: str):
    env = {"WIRE_URL": sandbox_url, "WIRE_KEY": canary_key, environment.SANDBOX_URL: sandbox_url}
    cells = [SETUP, AWAIT, PLAYGROUND]
    with lab_with_notebook(tmp_path, "responses.ipynb", cells, env) as lab:
        yield lab


def test_a_response_streamed_and_watched(jupyterlab: Lab, canary_key: str) -> None:
    with page_for("responses") as page:
        drive(page, jupyterlab)
    saved = (jupyterlab.root / "responses.ipynb").read_text()
    assert "/v1/responses" in saved  # the exchange was saved with the notebook
    assert canary_key not in saved


def drive(page: Page, lab: Lab) -> None:
    open_notebook(page, lab, "responses.ipynb")
    run_cell(page, 0)
    stream = page.locator(".llmw-stream").first
    stream.wait_for(timeout=60_000)
    run_cell(page, 1)
    wait_for_kernel(page, timeout_s=120)
    page.wait_for_function(
        "() => document.querySelector('.llmw-stream')?.dataset.status === 'done'",
        timeout=60_000,
    )
    assert len(stream.text_content() or "") > 20

    wire = page.locator(".llmw-inspector")
    item = wire.locator(".llmw-insp-item").first
    item.wait_for(timeout=30_000)
    assert "/v1/responses" in (item.text_content() or "")
    item.locator("summary").click()
    marks = item.locator(".llmw-insp-marks li")
    marks.nth(8).wait_for(timeout=30_000)
    names = marks.all_text_contents()
    for event in ("response.created", "response.output_item.added", "response.completed"):
        assert any(event in name for name in names), names
    legend = item.locator(".llmw-insp-legend").text_content() or ""
    for kind in ("first token", "event", "usage", "done"):
        assert kind in legend

    run_cell(page, 2)
    pg = page.locator(".llmw-pg")
    pg.wait_for(timeout=60_000)
    pg.get_by_role("tab", name="Both endpoints").click()
    sides = pg.locator(".llmw-pg-side")
    sides.nth(1).wait_for(timeout=30_000)
    assert "POST /chat/completions" in (sides.nth(0).text_content() or "")
    assert '"max_output_tokens": 30' in (sides.nth(1).text_content() or "")
    assert sides.nth(1).get_attribute("data-chosen") == "yes"

    page.set_viewport_size({"width": 1280, "height": 1800})
    page.wait_for_timeout(300)
    pictures = {"responses-stream": stream, "responses-inspector": wire, "playground-both": pg}
    for name, widget in pictures.items():
        widget.scroll_into_view_if_needed()
        widget.screenshot(path=str(ARTIFACTS / f"{name}-light-widget.png"))
    dark_theme(page)
    for name, widget in pictures.items():
        widget.scroll_into_view_if_needed()
        widget.screenshot(path=str(ARTIFACTS / f"{name}-dark-widget.png"))
    save_notebook(page)
