"""inspect(client) in real JupyterLab 4, in Debian's Chromium: a stream and a call the SDK
retries, watched on the client itself; a stream's timeline opened, the key redacted, the
retry and its wait, the marked headers, copy as curl; light and dark; no key saved."""

from __future__ import annotations

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

SETUP = """import os
import openai
import llmwidgets

client = openai.OpenAI(base_url=os.environ["WIRE_URL"], api_key=os.environ["WIRE_KEY"])
wire = llmwidgets.inspect(client)
wire"""

CALLS = """with wire:
    stream = client.chat.completions.create(
        model="smollm2-135m-instruct",
        messages=[{"role": "user", "content": "Name two colours of the sea."}],
        max_tokens=30,
        temperature=0,
        stream=True,
        stream_options={"include_usage": True},
    )
    for chunk in stream:
        pass
    try:  # the sandbox answers 503 on request; the SDK retries once, then gives up
        client.with_options(max_retries=1).chat.completions.create(
            model="smollm2-135m-instruct",
            messages=[{"role": "user", "content": "Hi"}],
            extra_headers={"X-Sandbox-Fail": "503"},
        )
    except openai.InternalServerError as error:
        print(llmwidgets.describe_error(error))"""


@pytest.fixture
def jupyterlab(tmp_path: Path, sandbox_url: str, canary_key: str):
    env = {"WIRE_URL": sandbox_url, "WIRE_KEY": canary_key, environment.SANDBOX_URL: sandbox_url}
    with lab_with_notebook(tmp_path, "wire.ipynb", [SETUP, CALLS], env) as lab:
        yield lab


def test_a_student_watches_the_wire(jupyterlab: Lab, canary_key: str) -> None:
    with chromium_page() as page:
        try:
            watch(page, jupyterlab)
        except Exception:
            screenshot(page, "inspector-failure")
            raise
    saved = (jupyterlab.root / "wire.ipynb").read_text()
    assert "/v1/chat/completions" in saved  # the exchanges were saved with the notebook
    assert canary_key not in saved


def watch(page: Page, lab: Lab) -> None:
    page.goto(lab.notebook_url("wire.ipynb"))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    wait_for_kernel(page)
    run_cell(page, 0)
    wire = page.locator(".llmw-inspector")
    wire.wait_for(timeout=60_000)
    run_cell(page, 1)
    items = wire.locator(".llmw-insp-item")
    items.nth(2).wait_for(timeout=120_000)
    wait_for_kernel(page, timeout_s=120)
    assert "3 requests · 1 retry" in (wire.locator(".llmw-insp-state").text_content() or "")
    assert "retry 1 after" in (items.nth(2).text_content() or "")
    assert [items.nth(i).get_attribute("data-status") for i in range(3)] == ["ok", "error", "error"]

    # the failed call: its retry headers are marked
    items.nth(1).locator("summary").click()
    marked = items.nth(1).locator(".llmw-insp-marked")
    marked.first.wait_for(timeout=30_000)
    rows = marked.all_text_contents()
    assert any("x-should-retry" in row for row in rows), rows
    items.nth(1).locator("summary").click()  # closed again

    # the stream: its timeline, read when opened
    items.nth(0).locator("summary").click()
    ticks = items.nth(0).locator(".llmw-insp-tick")
    ticks.nth(5).wait_for(timeout=30_000)
    facts = items.nth(0).locator(".llmw-insp-facts").text_content() or ""
    assert "first token" in facts and "tokens/s" in facts and "events" in facts
    legend = items.nth(0).locator(".llmw-insp-legend").text_content() or ""
    for kind in ("first byte", "first token", "usage", "done"):
        assert kind in legend
    headers = items.nth(0).locator(".llmw-insp-headers").first.text_content() or ""
    assert "authorization[redacted]" in headers.replace(" ", "")
    items.nth(0).get_by_role("button", name="Copy as curl").click()
    curl = items.nth(0).locator(".llmw-insp-code").text_content() or ""
    assert curl.startswith("curl -X POST") and "$LLMWIDGETS_API_KEY" in curl

    page.set_viewport_size({"width": 1280, "height": 1800})  # the open row, whole
    page.wait_for_timeout(300)
    wire.screenshot(path=str(ARTIFACTS / "inspector-light-widget.png"))
    page.evaluate(
        "window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=30_000)
    page.wait_for_timeout(500)
    wire.screenshot(path=str(ARTIFACTS / "inspector-dark-widget.png"))
    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_timeout(2000)
