"""The exercises: student copies come from the solutions, and run without being solved."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from exercise_copies import expected_rejection, student_copy, wrong_copy  # tools/

ROOT = Path(__file__).resolve().parents[2]

SOLUTIONS = sorted((ROOT / "exercises" / "solutions").glob("*.ipynb"))
WRONG = sorted((ROOT / "exercises" / "wrong").glob("*/*.py"))


def printed(notebook) -> str:
    return "".join(
        o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs
    )


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
    said = printed(student)
    assert "✗" in said
    assert "not solved yet" in said
    assert "✓" not in said


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_every_exercise_has_three_known_wrong_solutions(solution: Path) -> None:
    assert len([w for w in WRONG if w.parent.name == solution.stem]) >= 3


@pytest.mark.parametrize("wrong", WRONG, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_check_rejects_a_known_wrong_solution(wrong: Path, run_notebook) -> None:
    """Each file under exercises/wrong/ is a mistake the exercise's check must catch, and
    say so in its own words: the ✗ line holds the file's `# expect:` text."""
    solution = nbformat.read(ROOT / "exercises" / "solutions" / f"{wrong.parent.name}.ipynb", 4)
    text = wrong.read_text()
    lines = printed(run_notebook(wrong_copy(solution, text))).splitlines()
    rejections = [line for line in lines if line.startswith("✗")]
    assert any(expected_rejection(text) in line for line in rejections), lines


def test_a_check_prints_its_line_and_returns_nothing(capsys) -> None:
    from llmwidgets import checks

    assert checks.model_list(...) is None
    assert capsys.readouterr().out.startswith("✗ model list: not solved yet")


def test_a_strict_check_raises_one_of_llmwidgets_errors_on_a_placeholder() -> None:
    """Reference solutions run checks strictly: a placeholder left in raises `NotSolved`,
    which `except LLMWidgetsError` catches as it catches every error llmwidgets raises."""
    from llmwidgets import checks
    from llmwidgets.errors import LLMWidgetsError

    checks.strict()
    try:
        with pytest.raises(LLMWidgetsError, match=r"still `\.\.\.`") as raised:
            checks.model_list(...)
    finally:
        checks.strict(False)
    assert isinstance(raised.value, checks.NotSolved)
