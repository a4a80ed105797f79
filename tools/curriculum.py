"""The curriculum's housekeeping: regenerate outputs, contents and links; run on a provider.

    python tools/curriculum.py regenerate [NAMES...]   # notebooks and solutions, on the sandbox
    python tools/curriculum.py links                    # contents page + previous/next links
    python tools/curriculum.py run --provider groq      # papermill copies + a pass/fail table
    python tools/curriculum.py run --provider groq --rehearse   # the same, offline
    python tools/curriculum.py students                 # exercises: student copies

`regenerate` is the one command that produces the outputs committed with the notebooks:
every notebook runs top to bottom on the sandbox, then widget state is dropped (it could
carry what was typed into a widget, and nbval does not need it) and the links are redone.
`run` never touches the committed notebooks: it writes executed copies of the notebooks
and exercise solutions under `build/curriculum/<provider>/` and prints which passed, for
checking real providers when keys are at hand. With `--rehearse` it needs no key: the
kernels connect to the sandbox's profile of that provider (`LLMWIDGETS_REHEARSE`), on a
sandbox started for the run.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = ROOT / "exercises"
NAME = re.compile(r"^(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb$")
NAV_TAG = "navigation"
SOLUTION_TAG = "solution"
REFERENCE_TAG = "reference-only"  # removed from student copies altogether
SOLUTION_LINES = re.compile(r"^(\s*)### BEGIN SOLUTION\n.*?^\s*### END SOLUTION\n", re.M | re.S)


def curriculum() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb") if NAME.match(p.name))


def title_of(notebook: nbformat.NotebookNode) -> str:
    first = notebook.cells[0]
    return first.source.splitlines()[0].removeprefix("# ").strip()


# -- links -------------------------------------------------------------------------------


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
        _write(book, path)


# -- regenerate --------------------------------------------------------------------------


def regenerate(names: list[str]) -> None:
    """Outputs come from a sandbox started for this run, from the code in this tree: never
    from one left running by an older version."""
    from nbclient import NotebookClient

    from llmwidgets.sandbox import private_state

    solutions = sorted((EXERCISES / "solutions").glob("*.ipynb"))
    everything = {p.name: p for p in [*curriculum(), *solutions]}
    paths = [everything[n] for n in names] if names else list(everything.values())
    with private_state():  # the kernels inherit it
        for path in paths:
            book = nbformat.read(path, as_version=4)
            started = time.perf_counter()
            NotebookClient(
                book,
                timeout=600,
                kernel_name="python3",
                resources={"metadata": {"path": path.parent}},
            ).execute()
            _write(book, path)
            print(f"{path.name}: {time.perf_counter() - started:.1f} s")
    links()
    students()


def _write(book: nbformat.NotebookNode, path: Path) -> None:
    book.metadata.pop("widgets", None)  # never commit widget state
    for cell in book.cells:
        cell.metadata.pop("execution", None)  # run timestamps: noise in every diff
    nbformat.write(book, path)


# -- run on a provider -------------------------------------------------------------------


def run(provider: str, model: str | None, names: list[str], rehearse: bool = False) -> int:
    import os

    import pandas as pd
    import papermill

    from llmwidgets import environment
    from llmwidgets.sandbox import private_state

    out = ROOT / "build" / "curriculum" / (f"{provider}-rehearsal" if rehearse else provider)
    out.mkdir(parents=True, exist_ok=True)
    solutions = sorted((EXERCISES / "solutions").glob("*.ipynb"))
    everything = {p.name: p for p in [*curriculum(), *solutions]}
    paths = [everything[n] for n in names] if names else list(everything.values())
    rows = []
    saved = os.environ.get(environment.REHEARSE)
    if rehearse:
        os.environ[environment.REHEARSE] = provider  # the kernels inherit it
    try:
        with private_state() if rehearse else _nothing():
            for path in paths:
                rows.append(_run_one(papermill, path, out, provider, model))
    finally:
        if saved is None:
            os.environ.pop(environment.REHEARSE, None)
        else:
            os.environ[environment.REHEARSE] = saved
    summary = pd.DataFrame(rows)
    summary.to_csv(out / "summary.csv", index=False)
    print(summary.to_string(index=False))
    return 0 if summary["passed"].all() else 1


def _run_one(
    papermill: Any, path: Path, out: Path, provider: str, model: str | None
) -> dict[str, Any]:
    started = time.perf_counter()
    error = ""
    try:
        papermill.execute_notebook(
            str(path),
            str(out / path.name),
            parameters={"PROVIDER": provider, "MODEL": model},
            cwd=str(path.parent),
            progress_bar=False,
        )
    except Exception as exc:
        error = " ".join(str(exc).split())[:300]
    return {
        "notebook": path.name,
        "passed": not error,
        "seconds": round(time.perf_counter() - started, 1),
        "error": error,
    }


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield


# -- exercises ---------------------------------------------------------------------------


def student_copy(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The solution with the solution cut: cells tagged `solution` become a TODO, lines
    between `### BEGIN SOLUTION` and `### END SOLUTION` become `...` (a placeholder that
    runs), cells tagged `reference-only` go, and no outputs are kept."""
    book = copy.deepcopy(solution)
    book.cells = [c for c in book.cells if REFERENCE_TAG not in c.metadata.get("tags", [])]
    for cell in book.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if SOLUTION_TAG in cell.metadata.get("tags", []):
            cell.source = "# TODO: your code here\n..."
        else:
            cell.source = SOLUTION_LINES.sub(r"\1...  # TODO: your code here\n", cell.source)
    return book


def students() -> None:
    """Each `exercises/solutions/NN-*.ipynb` gives the student copy `exercises/NN-*.ipynb`."""
    for path in sorted((EXERCISES / "solutions").glob("*.ipynb")):
        _write(student_copy(nbformat.read(path, as_version=4)), EXERCISES / path.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    regen = commands.add_parser("regenerate", help="execute notebooks in place on the sandbox")
    regen.add_argument("names", nargs="*")
    commands.add_parser("links", help="contents page and previous/next links")
    runner = commands.add_parser("run", help="papermill copies on a provider, and a summary")
    runner.add_argument("--provider", default="sandbox")
    runner.add_argument("--model", default=None)
    runner.add_argument(
        "--rehearse", action="store_true", help="on the sandbox's profile of the provider"
    )
    runner.add_argument("names", nargs="*")
    commands.add_parser("students", help="student copies of the exercise solutions")
    args = parser.parse_args(argv)
    if args.command == "regenerate":
        regenerate(args.names)
    elif args.command == "links":
        links()
    elif args.command == "run":
        return run(args.provider, args.model, args.names, args.rehearse)
    elif args.command == "students":
        students()
    return 0


if __name__ == "__main__":
    sys.exit(main())
