"""The teacher's side of the classroom: the class list (roster.py), the desk's buttons
(desk.py) and the teacher's notebook, on a class folder with a ledger in it."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from desk import Desk
from roster import KEY_PREFIX, Roster, key_hash, refusals, usage

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def school(tmp_path: Path) -> tuple[Roster, Path]:
    roster = Roster(tmp_path / "roster.json")
    alice = roster.issue("alice", budget_usd=0.10, rpm=20)
    roster.issue("bob", budget_usd=0.10)
    ledger = tmp_path / "ledger.jsonl"
    lines = [
        {"student": "alice", "key_hash": key_hash(alice), "model": "gpt-4o-mini", "ok": True,
         "cost_usd": 0.004, "tokens": 120, "error": None, "status": None},
        {"student": "alice", "key_hash": key_hash(alice), "model": "gpt-4o-mini", "ok": False,
         "cost_usd": 0.0, "tokens": 0, "error": "ProxyRateLimitError", "status": 429},
    ]  # fmt: skip
    ledger.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return roster, ledger


def test_keys_are_issued_replaced_revoked_and_budgets_topped_up(school) -> None:
    roster, _ = school
    old = roster.key_of("bob")
    new = roster.issue("bob")
    assert new != old and new.startswith(KEY_PREFIX)
    assert roster.students()["bob"].budget_usd == 0.10  # a new key keeps the budget
    assert roster.top_up("bob", 0.05) == pytest.approx(0.15)
    roster.revoke("bob")
    assert roster.students()["bob"].revoked
    assert oct(roster.path.stat().st_mode)[-3:] == "600"  # keys: the teacher's eyes only
    with pytest.raises(KeyError, match="no student named 'zed'"):
        roster.revoke("zed")


def test_spend_requests_and_errors_per_student(school) -> None:
    roster, ledger = school
    table = usage(roster, ledger)
    assert table.loc["alice", ["requests", "errors", "tokens"]].tolist() == [2, 1, 120]
    assert table.loc["alice", "spend_usd"] == pytest.approx(0.004)
    assert table.loc["alice", "left_usd"] == pytest.approx(0.096)
    assert refusals(ledger).loc["alice", "ProxyRateLimitError"] == 1
    assert table.loc["bob", "requests"] == 0 and table.loc["bob", "left_usd"] == pytest.approx(0.10)


def test_the_desk_changes_the_list_only_on_a_click(school) -> None:
    roster, ledger = school
    desk = Desk(roster, ledger)
    before = roster.path.read_text()
    assert list(desk.student.options) == ["alice", "bob"] and "0.004000" in desk.table.value
    assert roster.path.read_text() == before  # showing it changed nothing
    desk.student.value, desk.amount.value = "bob", 0.25
    buttons = {
        b.description: b
        for box in desk.children[1:3]
        for b in box.children
        if hasattr(b, "on_click")
    }
    buttons["Top up"].click()
    assert roster.students()["bob"].budget_usd == pytest.approx(0.35)
    assert desk.said.value == "<i>bob&#x27;s budget is now $0.35.</i>"
    buttons["Revoke"].click()
    assert roster.students()["bob"].revoked
    desk.newcomer.value = "Erin"
    buttons["Add"].click()
    assert "erin" in roster.students() and "erin" in desk.student.options
    desk.newcomer.value = "not a name"
    buttons["Add"].click()
    assert "one word" in desk.said.value


@pytest.mark.kernel
def test_the_teacher_notebook_runs_and_shows_the_class(school, monkeypatch) -> None:
    from nbclient import NotebookClient

    roster, _ = school
    monkeypatch.setenv("CLASSROOM_STATE", str(roster.path.parent))
    notebook = nbformat.read(ROOT / "classroom" / "teacher.ipynb", as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "classroom")}},
    ).execute()  # fmt: skip
    html = "".join(
        o.get("data", {}).get("text/html", "")
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "alice" in html and "ProxyRateLimitError" in html
    assert any(
        "image/png" in o.get("data", {})
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert roster.key_of("alice") not in json.dumps(notebook)


def test_the_kubernetes_values_hold_a_hook_that_compiles() -> None:
    import yaml

    values = yaml.safe_load((ROOT / "classroom" / "values.yaml").read_text())
    hook = values["hub"]["extraConfig"]["classroom-keys"]
    compile(hook, "values.yaml:classroom-keys", "exec")  # the hub runs it as Python
    assert "c.KubeSpawner.pre_spawn_hook = give_key" in hook
    assert values["singleuser"]["extraEnv"]["LITELLM_PROXY_API_BASE"].endswith("/v1")


def test_a_home_is_furnished_once_with_the_course_set_to_the_proxy(tmp_path: Path) -> None:
    from homes import furnish

    home = tmp_path / "alice"
    assert furnish(home)
    copied = sorted(p.name for p in (home / "notebooks").glob("*.ipynb"))
    assert copied == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (home / "exercises").iterdir()) == sorted(
        p.name for p in (ROOT / "exercises").iterdir() if p.is_file()
    )  # the student copies only: no solutions, no known-wrong answers
    first = nbformat.read(home / "notebooks" / "09-streaming.ipynb", as_version=4)
    parameters = next(c for c in first.cells if "parameters" in c.metadata.get("tags", []))
    assert parameters.source.startswith('PROVIDER = "litellm"')
    (home / "notebooks" / "mine.ipynb").write_text("{}")
    assert not furnish(home)  # a later login leaves the home as the student left it
    assert (home / "notebooks" / "mine.ipynb").exists()
