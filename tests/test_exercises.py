"""The exercises: student copies come from the solutions, and run without being solved."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from curriculum import student_copy  # tools/, on pytest's pythonpath

ROOT = Path(__file__).resolve().parents[1]

SOLUTIONS = sorted((ROOT / "exercises" / "solutions").glob("*.ipynb"))


def test_there_are_exercises() -> None:
    assert len(SOLUTIONS) >= 7


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_the_student_copy_is_generated_from_the_solution(solution: Path) -> None:
    expected = student_copy(nbformat.read(solution, as_version=4))
    expected.metadata.pop("widgets", None)
    student = nbformat.read(ROOT / "exercises" / solution.name, as_version=4)
    assert [c.source for c in student.cells] == [c.source for c in expected.cells], (
        "out of date: run `python tools/curriculum.py students`"
    )
    text = (ROOT / "exercises" / solution.name).read_text()
    assert "BEGIN SOLUTION" not in text
    assert "checks.strict" not in text


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_a_student_copy_runs_and_says_what_is_not_solved(solution: Path, run_notebook) -> None:
    student = run_notebook(nbformat.read(ROOT / "exercises" / solution.name, as_version=4))
    printed = "".join(
        o.get("text", "") for c in student.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "✗" in printed
    assert "not solved yet" in printed
    assert "✓" not in printed
