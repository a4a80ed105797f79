"""The widgets with no browser at all: a notebook executed by nbclient, as nbval and
papermill run the curriculum. Awaiting a cell in a later cell gives the whole reply."""

from __future__ import annotations

import nbformat

CELLS = [
    "import llmwidgets, openai\n"
    "client = openai.OpenAI(base_url=SANDBOX, api_key='unused')\n"
    "cell = llmwidgets.chat(client, [{'role': 'user', 'content': 'Say hi.'}],\n"
    "                       model='smollm2-135m-instruct', max_tokens=16, seed=1)",
    "text, completion = await cell\n"
    "print(cell.status, text == completion.choices[0].message.content,\n"
    "      completion.usage.total_tokens == cell.usage['total_tokens'] > 0)",
    "meter = llmwidgets.session_meter()\nprint(len(meter.ledger), meter.records[0].price)",
    "meter",
]


def test_a_notebook_runs_headless(sandbox_url: str, run_notebook) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(f"SANDBOX = {sandbox_url!r}")]
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in CELLS]
    run_notebook(notebook, timeout=120)
    outputs = [cell.outputs for cell in notebook.cells]
    shown = outputs[1][0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in shown
    assert shown["text/plain"].startswith("StreamCell(")
    assert outputs[2][0]["text"] == "done True True\n"
    assert outputs[3][0]["text"] == "1 free\n"
    meter_bundle = outputs[4][0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in meter_bundle
    assert meter_bundle["text/plain"].startswith("CostMeter(1 call, ")
    assert "llmwidgets-meter" in meter_bundle["text/html"]  # what GitHub shows
