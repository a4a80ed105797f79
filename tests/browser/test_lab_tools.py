"""Tool calls and structured answers in real JupyterLab 4, in Debian's Chromium: a recipe
checked against its schema as it streams, a tool loop's rounds opened one by one, and a
rehearsal of Anthropic's layer, which ignores response_format, caught as "not JSON";
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
    wait_for_kernel,
)

from llmwidgets import environment

RECIPE = """import llmwidgets

client = llmwidgets.connect("sandbox")
recipe = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "minutes": {"type": "integer"},
        "ingredients": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["title", "minutes", "ingredients"],
    "additionalProperties": False,
}
note = "Pancakes take 20 minutes. You need flour, eggs and milk."
fmt = {"type": "json_schema", "json_schema": {"name": "recipe", "strict": True, "schema": recipe}}
ask = [{"role": "user", "content": f"Turn this into a recipe record: {note}"}]
llmwidgets.chat(client, ask, response_format=fmt, max_tokens=200, temperature=0)"""

LOOP = """def get_weather(city: str) -> dict:
    return {"celsius": 4, "sky": "cloudy"} if city.lower() == "oslo" else {"error": "unknown city"}

tools = [{"type": "function", "function": {
    "name": "get_weather", "description": "Current weather for a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"], "additionalProperties": False}}}]
llmwidgets.tool_loop(client, [{"role": "user", "content": "What is the weather like in Oslo?"}],
                     tools=tools, functions=[get_weather], tool_choice="required",
                     temperature=0, max_tokens=60)"""

IGNORED = """# the sandbox, rehearsing Anthropic's layer (which ignores response_format)
anthropic = llmwidgets.connect("anthropic", rehearse=True)
llmwidgets.chat(anthropic, ask, response_format=fmt, max_tokens=60, temperature=0)"""


@pytest.fixture
def jupyterlab(tmp_path: Path, sandbox_url: str):
    env = {environment.SANDBOX_URL: sandbox_url}
    with lab_with_notebook(tmp_path, "tools.ipynb", [RECIPE, LOOP, IGNORED], env) as lab:
        yield lab


def test_a_student_watches_tools_and_schemas(jupyterlab: Lab) -> None:
    with page_for("tools") as page:
        watch(page, jupyterlab)


def watch(page: Page, lab: Lab) -> None:
    open_notebook(page, lab, "tools.ipynb")
    outputs = page.locator(".jp-Notebook .jp-Cell .jp-OutputArea")

    run_cell(page, 0)
    cell = outputs.nth(0).locator(".llmw-stream")
    cell.locator('.llmw-check[data-state="valid"]').wait_for(timeout=90_000)
    assert cell.locator(".llmw-verdict").text_content() == "✓ valid against recipe"
    body = cell.locator(".llmw-body.llmw-json").text_content() or ""
    assert '"minutes": 20' in body  # indented JSON, not a paragraph of text

    run_cell(page, 1)
    loop = outputs.nth(1).locator(".llmw-loop")
    page.wait_for_function(
        "() => document.querySelector('.llmw-loop')?.dataset.status === 'done'", timeout=90_000
    )
    rounds = loop.locator(".llmw-loop-round")
    assert rounds.count() == 2
    headline = rounds.nth(0).locator(".llmw-loop-headline").text_content() or ""
    assert headline.startswith("get_weather(") and '✓ → {"celsius": 4, "sky": "cloudy"}' in headline
    assert loop.locator(".llmw-loop-answer").is_visible()
    rounds.nth(0).locator("summary").click()  # open the first round: the call and its result
    call = rounds.nth(0).locator(".llmw-loop-call")
    call.wait_for(timeout=10_000)
    assert "✓ valid against get_weather" in (call.text_content() or "")
    assert "get_weather returned in" in (call.text_content() or "")
    wait_for_kernel(page)

    run_cell(page, 2)
    ignored = outputs.nth(2).locator(".llmw-stream")
    ignored.locator('.llmw-check[data-state="not-json"]').wait_for(timeout=90_000)
    assert (ignored.locator(".llmw-verdict").text_content() or "").startswith("✗ not JSON")

    page.set_viewport_size({"width": 1100, "height": 1600})
    page.wait_for_timeout(300)
    outputs.nth(1).scroll_into_view_if_needed()
    for theme in ("light", "dark"):
        if theme == "dark":
            dark_theme(page)
        outputs.nth(0).screenshot(path=str(ARTIFACTS / f"structured-{theme}-widget.png"))
        outputs.nth(1).screenshot(path=str(ARTIFACTS / f"toolloop-{theme}-widget.png"))
