"""The curriculum's structure: names, titles, parameters, links, and nothing secret saved."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EVERY_NOTEBOOK = NOTEBOOKS + sorted((ROOT / "exercises").rglob("*.ipynb"))
KEY_LIKE = re.compile(
    r"(sk-(?:proj-|or-v1-|ant-)?[A-Za-z0-9_-]{20,}|gsk_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16})"
)


def test_there_is_a_curriculum() -> None:
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_shape_of_a_notebook(path: Path) -> None:
    assert re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*\.ipynb", path.name)
    book = nbformat.read(path, as_version=4)
    assert book.cells[0].cell_type == "markdown"
    assert book.cells[0].source.startswith("# ")
    first_code = next(c for c in book.cells if c.cell_type == "code")
    assert "parameters" in first_code.metadata.get("tags", [])
    assert 'PROVIDER = "sandbox"' in first_code.source
    assert all(c.execution_count for c in book.cells if c.cell_type == "code"), "not executed"
    last = book.cells[-1]
    assert "navigation" in last.metadata.get("tags", [])
    assert "[Contents](README.md)" in last.source


def test_contents_lists_every_notebook_in_order() -> None:
    contents = (ROOT / "notebooks" / "README.md").read_text()
    listed = re.findall(r"\]\((\d\d-[^)]+\.ipynb)\)", contents)
    assert listed == [p.name for p in NOTEBOOKS]


def test_links_point_to_the_neighbours() -> None:
    for i, path in enumerate(NOTEBOOKS):
        nav = nbformat.read(path, as_version=4).cells[-1].source
        if i > 0:
            assert f"({NOTEBOOKS[i - 1].name})" in nav
        if i + 1 < len(NOTEBOOKS):
            assert f"({NOTEBOOKS[i + 1].name})" in nav


@pytest.mark.parametrize("path", EVERY_NOTEBOOK, ids=lambda p: p.name)
def test_nothing_secret_is_saved(path: Path) -> None:
    text = path.read_text()
    assert not KEY_LIKE.search(text), "a key-like string is saved in the notebook"
    book = json.loads(text)
    assert "widgets" not in book["metadata"], "widget state is saved in the notebook"
