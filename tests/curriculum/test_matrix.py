"""The notebook x provider table (`tools/curriculum.py matrix`): what it reads and writes."""

from __future__ import annotations

from pathlib import Path

import nbformat
from provider_matrix import _adaptations, _table


def row(name: str, passed: bool = True, adapted: tuple[str, ...] = (), error: str = "") -> dict:
    return {"notebook": name, "passed": passed, "adapted": list(adapted), "error": error}


def test_a_notebook_that_printed_an_arrow_line_adapted(tmp_path: Path) -> None:
    book = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(...)")
    cell.outputs = [
        nbformat.v4.new_output(
            "stream", name="stdout", text="groq: x\n↪ Groq has no n above 1: a loop.\nok\n"
        ),
        nbformat.v4.new_output("stream", name="stdout", text="↪ Groq has no n above 1: a loop.\n"),
    ]
    book.cells = [cell]
    executed = tmp_path / "06-sampling.ipynb"
    nbformat.write(book, executed)
    assert _adaptations(executed) == ["Groq has no n above 1: a loop."]  # once, not twice
    assert _adaptations(tmp_path / "never-written.ipynb") == []


def test_the_table_marks_passed_adapted_and_failed_and_says_why() -> None:
    results = {
        "groq": [
            row("01-what-is-an-openai-compatible-api.ipynb"),
            row("06-sampling.ipynb", adapted=("a loop instead of n=4.",)),
        ],
        "anthropic": [
            row("01-what-is-an-openai-compatible-api.ipynb"),
            row("06-sampling.ipynb", passed=False, error="BadRequestError: n: must be exactly 1"),
        ],
    }
    table = _table(results, live=False)
    assert "| notebook | Groq | Anthropic (OpenAI compatibility) |" in table
    first = "01-what-is-an-openai-compatible-api"
    assert f"| [{first}]({first}.ipynb) | ✓ | ✓ |" in table
    assert "| [06-sampling](06-sampling.ipynb) | ↪ | ✗ |" in table
    assert "- **06-sampling.ipynb** on Groq: a loop instead of n=4." in table
    assert "on Anthropic (OpenAI compatibility) failed: BadRequestError" in table


def test_a_notebook_that_stopped_early_says_why() -> None:
    results = {
        "ollama": [
            {
                "notebook": "13-function-calling.ipynb",
                "passed": True,
                "adapted": [],
                "error": "",
                "skipped": "Ollama ignores tool_choice and the model answered in text.",
            }
        ]
    }
    table = _table(results, live=False)
    assert "| [13-function-calling](13-function-calling.ipynb) | ⏭ |" in table
    assert "stopped early: Ollama ignores tool_choice" in table
