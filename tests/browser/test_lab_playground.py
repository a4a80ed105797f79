"""The playground in real JupyterLab 4, in Debian's Chromium: set a temperature and a seed
with the controls and watch the request change, meet Groq's warning and its 400 (rehearsed
on the sandbox: no key here), stop a long answer with Escape, stream one from the sandbox
with Ctrl+Enter, in the light and the dark theme; no key saved."""

from __future__ import annotations

import json
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
from llmwidgets.providers import PRESETS

PLAYGROUND = """import os
import llmwidgets
from llmwidgets.widgets.playground import Playground

client = llmwidgets.connect(api_key=os.environ["PLAYGROUND_KEY"])  # the sandbox
pg = Playground(
    client, system="You are brief.", prompt="Name two colours of the sea.", meter=None
)
pg"""


@pytest.fixture
def jupyterlab(tmp_path: Path, sandbox_url: str, canary_key: str):
    cells = [PLAYGROUND, "print(pg.status, pg.request.get('seed'), pg.request.get('temperature'))"]
    # No provider key in the kernel (an empty variable is no key): Groq is rehearsed.
    env = {n: "" for p in PRESETS.values() if p.key_env for n in (p.key_env, *p.key_env_aliases)}
    env |= {"PLAYGROUND_KEY": canary_key, environment.SANDBOX_URL: sandbox_url}
    with lab_with_notebook(tmp_path, "playground.ipynb", cells, env) as lab:
        yield lab


def test_a_student_sets_parameters_meets_warnings_and_runs(jupyterlab: Lab, canary_key: str):
    with page_for("playground") as page:
        play(page, jupyterlab)
    saved = (jupyterlab.root / "playground.ipynb").read_text()
    models = json.loads(saved)["metadata"]["widgets"]
    assert "Name two colours of the sea." in json.dumps(models)  # widget state was saved
    assert canary_key not in saved


def request_shows(page: Page, text: str) -> None:
    page.wait_for_function(
        "(text) => (document.querySelector('.llmw-pg-pre')?.textContent || '').includes(text)",
        arg=text,
        timeout=30_000,
    )


def play(page: Page, lab: Lab) -> None:
    open_notebook(page, lab, "playground.ipynb")
    run_cell(page, 0)
    pg = page.locator(".llmw-pg")
    pg.locator(".llmw-pg-pre").wait_for(timeout=60_000)
    request_shows(page, '"model": "smollm2-135m-instruct"')
    pre = pg.locator(".llmw-pg-pre")
    assert '"temperature"' not in (pre.text_content() or "")  # unset: not in the request

    # a temperature typed by its slider, a seed ticked then typed: the request follows
    row = lambda name: pg.locator(f".llmw-pg-row[data-param={name}]")  # noqa: E731
    row("temperature").locator("input[type=number]").fill("0.3")
    request_shows(page, '"temperature": 0.3')
    row("seed").locator("input[type=checkbox]").check()
    request_shows(page, '"seed": 42')
    row("seed").locator("input[type=number]").fill("7")
    request_shows(page, '"seed": 7')
    row("max_completion_tokens").locator("input[type=number]").fill("40")
    request_shows(page, '"max_completion_tokens": 40')

    # Groq, rehearsed: logprobs gets its warning by the control, and Run meets the 400
    pg.locator(".llmw-pg-provider").select_option("groq")
    pg.locator(".llmw-pg-note").get_by_text("No GROQ_API_KEY here").wait_for(timeout=60_000)
    request_shows(page, '"model": "llama-3.1-8b-instant"')
    assert 'llmwidgets.connect("groq", rehearse=True)' in pg_code(page)
    row("logprobs").locator("input[type=checkbox]").check()
    warning = row("logprobs").locator(".llmw-pg-warn")
    warning.wait_for(timeout=30_000)
    assert "Groq rejects logprobs" in (warning.text_content() or "")
    prompt = pg.locator(".llmw-pg-prompt")
    prompt.press("Control+Enter")
    error = pg.locator(".llmw-pg-run-error")
    error.wait_for(timeout=60_000)
    line = error.text_content() or ""
    assert line == "BadRequestError 400: 'logprobs' : is not supported"
    screenshot(page, "playground-groq")
    pg.screenshot(path=str(ARTIFACTS / "playground-groq-widget.png"))

    # back to the sandbox: a long answer, stopped with Escape, keeps its text
    pg.locator(".llmw-pg-provider").select_option("sandbox")
    page.wait_for_function(
        "() => !document.querySelector('.llmw-pg-row[data-param=logprobs] .llmw-pg-warn')",
        timeout=60_000,
    )
    row("max_completion_tokens").locator("input[type=number]").fill("600")
    prompt.fill("Tell me a very long story about a dragon who learns to bake bread.")
    request_shows(page, "dragon")
    prompt.press("Control+Enter")
    page.wait_for_function(
        "() => (document.querySelector('.llmw-pg-answer[data-status=streaming] .llmw-pg-text')"
        "?.textContent || '').length > 40",
        timeout=60_000,
    )
    prompt.press("Escape")
    pg.locator(".llmw-pg-answer[data-status=stopped]").wait_for(timeout=30_000)

    # Run: the answer streams in (seen streaming), with its numbers and tokens
    row("max_completion_tokens").locator("input[type=number]").fill("40")
    prompt.fill("Name two colours of the sea.")
    request_shows(page, '"content": "Name two colours of the sea."')
    page.evaluate(
        """() => {
            window.seen = [];
            const answer = document.querySelector('.llmw-pg-answer');
            new MutationObserver(() => window.seen.push(answer.dataset.status))
                .observe(answer, {attributes: true, subtree: true, childList: true});
        }"""
    )
    pg.get_by_role("button", name="Run").click()
    pg.locator(".llmw-pg-answer[data-status=done]").wait_for(timeout=60_000)
    assert "streaming" in page.evaluate("() => window.seen")
    assert (pg.locator(".llmw-pg-text").first.text_content() or "").strip()
    numbers = pg.locator(".llmw-pg-numbers").text_content() or ""
    assert "first token" in numbers and "tokens" in numbers and "free (local)" in numbers
    assert pg.locator(".llmw-pg-token").count() > 0  # logprobs, from the sandbox
    run_cell(page, 1)
    page.get_by_text("done 7 0.3").wait_for(timeout=30_000)  # Python saw the same request

    # Copy as code: the code shows, and is copied (or selected, where there is no clipboard)
    pg.get_by_role("button", name="Copy as code").click()
    request_shows(page, "client.chat.completions.create(")
    code = pre.text_content() or ""
    assert "llmwidgets.connect()" in code and "seed=7," in code and "temperature=0.3," in code
    pg.screenshot(path=str(ARTIFACTS / "playground-code-widget.png"))
    pg.get_by_role("tab", name="Request JSON").click()
    request_shows(page, '"stream": true')

    page.set_viewport_size({"width": 1280, "height": 1400})  # the whole widget in view
    pg.locator(".llmw-pg-title").click()  # no focus ring, no hover in the picture
    page.wait_for_timeout(2000)  # the changed lines' flash fades
    screenshot(page, "playground-light")
    pg.screenshot(path=str(ARTIFACTS / "playground-light-widget.png"))
    dark_theme(page)
    screenshot(page, "playground-dark")
    pg.screenshot(path=str(ARTIFACTS / "playground-dark-widget.png"))
    save_notebook(page)


def pg_code(page: Page) -> str:
    """The Python tab's text (the tab is left as it was)."""
    return page.evaluate(
        """() => {
            const tabs = [...document.querySelectorAll('.llmw-pg-tab')];
            tabs[1].click();
            const text = document.querySelector('.llmw-pg-pre').textContent;
            tabs[0].click();
            return text;
        }"""
    )
