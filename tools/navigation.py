"""Where the curriculum is and how it is navigated: its notebooks in order, their titles,
the contents page and each notebook's previous/next links (`python tools/curriculum.py
links`), and how a notebook is written back (no widget state, no run timestamps)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = ROOT / "exercises"
NAME = re.compile(r"^(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb$")
NAV_TAG = "navigation"


def curriculum() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb") if NAME.match(p.name))


def title_of(notebook: nbformat.NotebookNode) -> str:
    first = notebook.cells[0]
    return first.source.splitlines()[0].removeprefix("# ").strip()


def links() -> None:
    """notebooks/README.md lists every notebook; each ends with previous/next links."""
    paths = curriculum()
    books = [nbformat.read(p, as_version=4) for p in paths]
    lines = [
        "# The curriculum",
        "",
        "Every notebook runs top to bottom on the offline sandbox, with no key. To run one on a",
        "real provider, change `PROVIDER` in its first code cell (or use papermill:",
        "`python tools/curriculum.py run --provider groq`).",
        "",
    ]
    for path, book in zip(paths, books, strict=True):
        lines.append(f"{int(path.name[:2])}. [{title_of(book)}]({path.name})")
    (NOTEBOOKS / "README.md").write_text("\n".join(lines) + "\n")
    for i, (path, book) in enumerate(zip(paths, books, strict=True)):
        parts = ["[Contents](README.md)"]
        if i > 0:
            parts.insert(0, f"← [{title_of(books[i - 1])}]({paths[i - 1].name})")
        if i + 1 < len(paths):
            parts.append(f"[{title_of(books[i + 1])}]({paths[i + 1].name}) →")
        source = " · ".join(parts)
        old = [c for c in book.cells if NAV_TAG in c.metadata.get("tags", [])]
        if [c.source for c in old] == [source] and book.cells[-1] is old[0]:
            continue  # already right: no rewrite, no new cell id in the diff
        cell = nbformat.v4.new_markdown_cell(source)
        cell.metadata["tags"] = [NAV_TAG]
        book.cells = [c for c in book.cells if c not in old]
        book.cells.append(cell)
        write_notebook(book, path)


def write_notebook(book: nbformat.NotebookNode, path: Path) -> None:
    book.metadata.pop("widgets", None)  # never commit widget state
    for cell in book.cells:
        cell.metadata.pop("execution", None)  # run timestamps: noise in every diff
    nbformat.write(book, path)
