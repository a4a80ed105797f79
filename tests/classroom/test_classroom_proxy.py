"""A class behind LiteLLM's real proxy, gated by the class list (classroom/classroom_gate.py):
each student's own key, budget and rate limit, the spend in a ledger, the teacher's
changes taking effect at once. Everything a student does goes through
`llmwidgets.connect("litellm")` and the official SDK, as in the curriculum."""

from __future__ import annotations

import json
import time

import httpx
import openai
import pytest
from litellm_proxy import CHAT_MODEL, PRICES
from roster import key_hash, read_ledger, usage

import llmwidgets
from llmwidgets import CostMeter

HELLO = [{"role": "user", "content": "Say hello."}]


@pytest.fixture
def student(classroom_proxy, monkeypatch: pytest.MonkeyPatch):
    """`connect("litellm")` on a student's server: the proxy's address and their own key in
    the environment, as the hub's spawner puts them."""

    def connect(name: str, **options) -> openai.OpenAI:
        monkeypatch.setenv("LITELLM_PROXY_API_BASE", classroom_proxy.url)
        monkeypatch.setenv("LITELLM_API_KEY", classroom_proxy.roster.key_of(name))
        return llmwidgets.connect("litellm", **options)

    return connect


def test_a_student_streams_and_the_meter_shows_what_the_proxy_charged(
    classroom_proxy, student
) -> None:
    meter = CostMeter()
    cell = llmwidgets.chat(
        student("alice"), HELLO, model=CHAT_MODEL, max_tokens=8, seed=1, meter=meter, display=False
    )
    assert cell.status == "done" and cell.text
    (row,) = meter.records
    usage_ = cell.reply.completion.usage
    charged = usage_.prompt_tokens * PRICES["input"] + usage_.completion_tokens * PRICES["output"]
    assert row.billed_usd == pytest.approx(charged, rel=1e-6)
    (line,) = [e for e in read_ledger(classroom_proxy.ledger) if e["student"] == "alice"]
    assert line["ok"] and line["cost_usd"] == pytest.approx(charged, rel=1e-6)
    assert line["key_hash"] == key_hash(classroom_proxy.keys["alice"])
    assert "; billed $0.0000" in repr(meter) and "by the proxy for 1 call" in repr(meter)


def test_a_spent_budget_is_one_friendly_line(classroom_proxy, student) -> None:
    meter = CostMeter()
    cell = llmwidgets.chat(
        student("carol"), HELLO, model=CHAT_MODEL, max_tokens=8, meter=meter, display=False
    )
    assert cell.status == "error"
    assert cell.error.startswith("Your class budget is spent: ask your teacher to top it up")
    assert "\n" not in cell.error
    assert meter.records[-1].outcome.startswith("error")
    classroom_proxy.roster.top_up("carol", 0.01)  # the teacher's top-up works at once
    again = llmwidgets.chat(student("carol"), HELLO, model=CHAT_MODEL, max_tokens=4, display=False)
    assert again.status == "done", again.error


def test_a_rate_limit_meets_real_429s_and_the_sdk_backs_off(classroom_proxy, student) -> None:
    hasty = student("dave", max_retries=0)
    for _ in range(2):
        hasty.chat.completions.create(model=CHAT_MODEL, messages=HELLO, max_tokens=2)
    with pytest.raises(openai.RateLimitError) as refused:
        hasty.chat.completions.create(model=CHAT_MODEL, messages=HELLO, max_tokens=2)
    wait = float(refused.value.response.headers["retry-after"])
    assert 0 < wait <= 5  # the window the class's limiter counts in
    patient = student("dave", max_retries=4)
    started = time.monotonic()
    reply = patient.chat.completions.create(model=CHAT_MODEL, messages=HELLO, max_tokens=2)
    assert reply.choices[0].message.content is not None
    assert time.monotonic() - started >= 1  # it waited: the SDK read retry-after
    statuses = [e["status"] for e in read_ledger(classroom_proxy.ledger) if e["student"] == "dave"]
    assert 429 in statuses


def test_a_student_key_reaches_only_the_api(classroom_proxy) -> None:
    root = classroom_proxy.url.removesuffix("/v1")
    alice = {"Authorization": f"Bearer {classroom_proxy.keys['alice']}"}
    for path in ("/key/info", "/key/generate", "/spend/logs", "/health", "/user/info"):
        method = "POST" if path == "/key/generate" else "GET"
        answer = httpx.request(
            method, root + path, headers=alice, json={} if method == "POST" else None
        )
        assert answer.status_code == 403, (path, answer.text)
    teacher = {"Authorization": f"Bearer {classroom_proxy.master_key}"}
    assert httpx.get(root + "/v1/models", headers=teacher).status_code == 200


def test_revoking_a_key_stops_it_at_once(classroom_proxy, student) -> None:
    bob = student("bob", max_retries=0)
    bob.chat.completions.create(model=CHAT_MODEL, messages=HELLO, max_tokens=2)
    classroom_proxy.roster.revoke("bob")
    with pytest.raises(openai.AuthenticationError) as refused:
        bob.chat.completions.create(model=CHAT_MODEL, messages=HELLO, max_tokens=2)
    assert "not (or no longer) on the class list" in str(refused.value)
    unknown = openai.OpenAI(base_url=classroom_proxy.url, api_key="sk-class-made-up")
    with pytest.raises(openai.AuthenticationError):
        unknown.with_options(max_retries=0).models.list()


def test_the_teacher_reads_spend_per_student_and_no_key_is_written(classroom_proxy, student):
    student("alice").chat.completions.create(model=CHAT_MODEL, messages=HELLO, max_tokens=2)
    table = usage(classroom_proxy.roster, classroom_proxy.ledger)
    assert {"alice", "bob", "carol", "dave"} <= set(table.index)
    assert table.loc["alice", "requests"] >= 1 and table.loc["alice", "spend_usd"] > 0
    assert table.loc["alice", "left_usd"] == pytest.approx(1.0 - table.loc["alice", "spend_usd"])
    written = classroom_proxy.ledger.read_text() + classroom_proxy.log.read_text(errors="replace")
    for key in classroom_proxy.keys.values():
        assert key not in written
    assert json.loads(classroom_proxy.ledger.read_text().splitlines()[0])["key_hash"]
