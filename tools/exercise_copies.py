"""Exercise notebooks made from their reference solutions: the student copy (the solution
cut out), and a copy with known-wrong code in its place, which the exercise's check must
reject (tests/curriculum/test_exercises.py)."""

from __future__ import annotations

import copy
import re

import nbformat
from navigation import EXERCISES, write_notebook

SOLUTION_TAG = "solution"
REFERENCE_TAG = "reference-only"  # removed from student copies altogether
SOLUTION_LINES = re.compile(r"^(\s*)### BEGIN SOLUTION\n.*?^\s*### END SOLUTION\n", re.M | re.S)


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


WRONG_BLOCK = re.compile(r"^### BEGIN WRONG(?: (\d+))?\n(.*?)^### END WRONG\n", re.M | re.S)


def wrong_copy(solution: nbformat.NotebookNode, wrong: str) -> nbformat.NotebookNode:
    """The solution with known-wrong code in place of its solution lines, run as a student
    would (no `checks.strict`). `wrong` holds blocks between `### BEGIN WRONG [N]` and
    `### END WRONG`: block N replaces the Nth `### BEGIN SOLUTION` region (the first when N
    is left out); the other regions keep the reference code."""
    replacements = {int(n or 1): code for n, code in WRONG_BLOCK.findall(wrong)}
    if not replacements:
        raise ValueError("no `### BEGIN WRONG` block")
    book = copy.deepcopy(solution)
    book.cells = [c for c in book.cells if REFERENCE_TAG not in c.metadata.get("tags", [])]
    region = 0

    def swap(found: re.Match[str]) -> str:
        nonlocal region
        region += 1
        if region not in replacements:
            return found.group(0)
        indent = found.group(1)
        return "".join(
            indent + line if line.strip() else line
            for line in replacements[region].splitlines(keepends=True)
        )

    for cell in book.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.source = SOLUTION_LINES.sub(swap, cell.source)
    if max(replacements) > region:
        raise ValueError(
            f"the solution has {region} regions, the wrong code names {max(replacements)}"
        )
    return book


def expected_rejection(wrong: str) -> str:
    """What the ✗ line must say for a wrong solution: its `# expect:` line."""
    found = re.search(r"^# expect: (.+)$", wrong, re.M)
    if found is None:
        raise ValueError("a wrong solution says what its check must answer: `# expect: ...`")
    return found.group(1).strip()


def students() -> None:
    """Each `exercises/solutions/NN-*.ipynb` gives the student copy `exercises/NN-*.ipynb`."""
    for path in sorted((EXERCISES / "solutions").glob("*.ipynb")):
        write_notebook(student_copy(nbformat.read(path, as_version=4)), EXERCISES / path.name)
