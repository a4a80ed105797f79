"""TokenView in real JupyterLab 4, in Debian's Chromium: an answer's tokens by probability
(a click keeps a token's rivals in view), and two tokenizers cutting the same sentence;
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

ANSWER = """import llmwidgets

client = llmwidgets.connect("sandbox")
completion = client.chat.completions.create(
    model="smollm2-135m-instruct",
    messages=[{"role": "user", "content": "Name the capital of France in one sentence."}],
    max_tokens=16,
    temperature=0,
    logprobs=True,
    top_logprobs=5,
)
llmwidgets.TokenView(completion)"""

CUTS = """text = "Ein Eichhörnchen frisst 12345 Haselnüsse."
display(llmwidgets.TokenView.tokenize(text, model="gpt-4o-mini"))
display(llmwidgets.TokenView.tokenize(text, client=client))"""


@pytest.fixture
def jupyterlab(tmp_path: Path, sandbox_url: str):
    env = {environment.SANDBOX_URL: sandbox_url}
    with lab_with_notebook(tmp_path, "tokens.ipynb", [ANSWER, CUTS], env) as lab:
        yield lab


def test_a_student_reads_tokens(jupyterlab: Lab) -> None:
    with page_for("token-view") as page:
        read_tokens(page, jupyterlab)


def read_tokens(page: Page, lab: Lab) -> None:
    open_notebook(page, lab, "tokens.ipynb")
    run_cell(page, 0)
    answer = page.locator(".llmw-tokens").first
    answer.locator(".llmw-tok").first.wait_for(timeout=60_000)
    assert "sure on average" in (answer.locator(".llmw-tok-title").text_content() or "")
    first = answer.locator(".llmw-tok").first
    assert "rivals" in (first.get_attribute("title") or "")
    first.click()  # its rivals stay in view
    rivals = answer.locator(".llmw-tok-rivals li")
    rivals.nth(4).wait_for(timeout=10_000)
    assert answer.locator(".llmw-tok-picked").count() == 1  # the token it wrote, among them

    run_cell(page, 1)
    cuts = page.locator(".llmw-tokens")
    cuts.nth(2).locator(".llmw-tok").first.wait_for(timeout=60_000)
    titles = [cuts.nth(i).locator(".llmw-tok-title").text_content() or "" for i in (1, 2)]
    assert "tiktoken, gpt-4o-mini" in titles[0] and "SmolLM2" in titles[1]
    tip = cuts.nth(1).locator(".llmw-tok").first.get_attribute("title") or ""
    assert tip.startswith("id ")  # a tokenizer's token: its id

    page.set_viewport_size({"width": 1280, "height": 1400})
    page.wait_for_timeout(300)
    cells = page.locator(".jp-Notebook .jp-Cell .jp-OutputArea")
    cells.nth(0).screenshot(path=str(ARTIFACTS / "token-view-light-widget.png"))
    cells.nth(1).screenshot(path=str(ARTIFACTS / "token-cuts-light-widget.png"))
    dark_theme(page)
    cells.nth(0).screenshot(path=str(ARTIFACTS / "token-view-dark-widget.png"))
