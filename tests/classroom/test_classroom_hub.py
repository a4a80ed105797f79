"""The classroom end to end on one machine: the sandbox, LiteLLM's real proxy gated by the
class list, and real JupyterHub (classroom/jupyterhub_config.py, configurable-http-proxy
from npm). Two students' servers spawn; each runs a curriculum notebook headless through
the hub's API (the copy in the student's home, set to `PROVIDER = "litellm"`), and gets its answers
through the proxy with its own key, which no notebook, log or ledger line holds."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from hub import jupyterhub
from roster import key_hash, read_ledger

ROOT = Path(__file__).resolve().parents[2]
CHP = ROOT / "build" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"


@pytest.fixture(scope="module")
def hub(classroom_proxy):
    assert CHP.exists(), "configurable-http-proxy is installed by `make chp` (npm)"
    env = {
        "CLASSROOM_PROXY_URL": classroom_proxy.url,
        "CLASSROOM_PASSWORD": "a-class-password",
        "CLASSROOM_CHP": str(CHP),
    }
    with jupyterhub(classroom_proxy.state, env) as running:
        yield running


def text_of(cell: nbformat.NotebookNode) -> str:
    return "".join(
        o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in cell.outputs
    )


def test_two_students_run_the_curriculum_through_the_proxy(hub, classroom_proxy) -> None:
    before = len(read_ledger(classroom_proxy.ledger))
    ran = {}
    for name in ("alice", "bob"):
        hub.start(name)  # the first login: the course is copied into the home, set to litellm
        text = hub.saved(name, "notebooks/04-your-first-chat-completion.ipynb")
        copy = nbformat.reads(text, as_version=4)
        parameters = next(c for c in copy.cells if "parameters" in c.metadata.get("tags", []))
        assert parameters.source.startswith('PROVIDER = "litellm"')
        ran[name] = hub.run(name, copy, path="04.ipynb")
    for notebook in ran.values():
        assert text_of(notebook.cells[2]).startswith("litellm: gpt-4o-mini")
        assert "finish_reason" in text_of(notebook.cells[8])
    # every answer was paid for by the student who asked, with their own key
    lines = read_ledger(classroom_proxy.ledger)[before:]
    for name in ("alice", "bob"):
        mine = [e for e in lines if e["student"] == name]
        assert mine and all(e["ok"] for e in mine)
        assert {e["key_hash"] for e in mine} == {key_hash(classroom_proxy.keys[name])}
    # no key in what was saved, or in any log
    saved = [hub.saved(name, "04.ipynb") for name in ("alice", "bob")]
    written = "".join(saved) + hub.log.read_text(errors="replace")
    written += classroom_proxy.log.read_text(errors="replace") + classroom_proxy.ledger.read_text()
    for key in [*classroom_proxy.keys.values(), classroom_proxy.master_key]:
        assert key not in written
    assert json.loads(saved[0])["cells"][2]["outputs"]


def test_the_class_list_decides_who_logs_in_and_gets_a_server(hub, classroom_proxy) -> None:
    from run import log_in

    classroom_proxy.roster.issue("erin", budget_usd=0.05)  # added while the hub runs
    assert log_in(hub.url, "erin", "a-class-password")
    assert not log_in(hub.url, "erin", "not-the-password")
    classroom_proxy.roster.revoke("carol")
    assert not log_in(hub.url, "carol", "a-class-password")
    status, answer = hub.api("POST", "/users/carol/server", {})
    assert status == 403, answer
    assert answer["message"] == "carol has no key on the class list: ask your teacher"
    _, info = hub.api("GET", "/users/carol")
    assert not info["servers"].get("", {}).get("ready")
    assert "carol has no key on the class list" in hub.log.read_text()


def test_make_classroom_opens_a_class_two_students_can_log_into(tmp_path, sandbox_url) -> None:
    """What `make classroom` runs, with `--check`: start it all, log in as the two demo
    students through the hub's login form (and not with a wrong password), stop."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "CLASSROOM_STATE": str(tmp_path / "class")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "classroom" / "run.py"), "--check"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "The class is open at http://127.0.0.1:" in done.stdout
    assert "students: alice, bob; the class password: " in done.stdout
    assert (
        "logins: {'alice': True, 'bob': True}; a wrong password gets in: False; "
        "a name not on the list: False"
    ) in done.stdout
