"""The cost meter, prices and offline token counts."""

from __future__ import annotations

import gzip
import warnings
from decimal import Decimal
from pathlib import Path

import openai
import pandas as pd
import pytest
from support.loopback import LoopbackServer

from llmwidgets import BudgetExceededError, CostMeter, StreamCell, count_tokens, price_of
from llmwidgets.tokens import _load, count_message_tokens
from llmwidgets.usage import UsageLog
from llmwidgets.widgets.meter import SESSION, resolve_meter, session_meter

HELLO = [{"role": "user", "content": "Hello"}]


def test_bundled_encodings_give_tiktokens_ids() -> None:
    # tiktoken's own examples: "hello world" in each encoding
    assert _load("o200k_base").encode("hello world") == [24912, 2375]
    assert _load("cl100k_base").encode("hello world") == [15339, 1917]
    assert count_tokens("hello world", "gpt-4") == 2


def test_a_damaged_encoding_file_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import llmwidgets.tokens as tokens

    fake = tmp_path / "encodings"
    fake.mkdir()
    (fake / "o200k_base.tiktoken.gz").write_bytes(gzip.compress(b"aGVsbG8= 0\n"))
    monkeypatch.setattr(tokens.resources, "files", lambda _package: tmp_path)
    _load.cache_clear()
    try:
        with pytest.raises(ValueError, match="does not match tiktoken's sha256"):
            _load("o200k_base")
    finally:
        monkeypatch.undo()
        _load.cache_clear()


def test_message_tokens_follow_the_cookbook() -> None:
    # 3 to prime the reply, 3 per message, then the text of each field
    assert count_message_tokens(HELLO, "gpt-4o") == 3 + 3 + 1 + 1  # "user", "Hello"


def test_prices() -> None:
    priced = price_of("openai", "gpt-4o-mini", 1_000_000, 0)
    assert priced.status == "priced"
    assert priced.usd == priced.input_per_mtok > 0
    assert (
        price_of("vercel", "openai/gpt-4o-mini", 1000, 10).usd
        == price_of("openai", "gpt-4o-mini", 1000, 10).usd
    )
    assert price_of("sandbox", "smollm2-135m-instruct", 10, 10).usd == Decimal(0)
    assert str(price_of("ollama", "qwen2.5:0.5b", 10, 10)) == "free (local)"
    unknown = price_of("litellm", "my-own-model", 10, 10)
    assert (unknown.status, unknown.usd, str(unknown)) == ("unknown", None, "unknown")


def test_a_widgets_meter_argument() -> None:
    """Every widget's `meter=`: left out is the session meter, None is none, a log is itself."""
    assert resolve_meter(SESSION) is session_meter()
    assert resolve_meter(None) is None
    log = UsageLog()
    assert resolve_meter(log) is log
    with pytest.raises(TypeError, match="meter= takes a CostMeter or None, not str"):
        resolve_meter("session")


def test_ledger_totals_and_csv(tmp_path: Path) -> None:
    meter = CostMeter()
    meter.add("openai", "gpt-4o-mini", 1000, 200, cached_tokens=500, latency_s=0.5)
    meter.add("litellm", "<b>mystery</b>", 10, 5)
    meter.add("sandbox", "smollm2-135m-instruct", 30, 40, estimated=True, outcome="stopped")
    ledger = meter.ledger
    assert list(ledger["provider"]) == ["openai", "litellm", "sandbox"]
    assert list(ledger["total_tokens"]) == [1200, 15, 70]
    assert list(ledger["price"]) == ["priced", "unknown", "free"]
    totals = meter.totals()
    assert totals["calls"] == 3
    assert totals["cached_tokens"] == 500
    assert totals["unpriced_calls"] == 1
    assert totals["estimated_calls"] == 1
    assert totals["cost_usd"] == pytest.approx(ledger["cost_usd"].fillna(0).sum())
    path = tmp_path / "usage.csv"
    meter.to_csv(str(path))
    again = pd.read_csv(path)
    assert list(again["model"]) == list(ledger["model"])
    html = meter.widget.value
    assert "&lt;b&gt;mystery&lt;/b&gt;" in html
    assert "<b>mystery</b>" not in html
    assert "<svg" in html  # the cumulative plot
    assert "1 call at an unknown price" in html


def test_an_empty_ledger_has_its_columns() -> None:
    assert "cost_usd" in CostMeter().ledger.columns


def test_budget_warns_then_refuses(loopback: LoopbackServer) -> None:
    client = openai.OpenAI(base_url=loopback.origin + "/v1", api_key="test")
    meter = CostMeter(budget_usd=0.00001)
    with pytest.warns(UserWarning, match="of the \\$0.000010 budget"):
        meter.add("openai", "gpt-4o-mini", 60, 0)  # $0.000009: 90 %, over warn_at (80 %)
    with pytest.raises(BudgetExceededError, match="Not sent"):
        StreamCell().start(
            client, HELLO, model="gpt-4o-mini", max_tokens=100, provider="openai", meter=meter
        )
    assert loopback.requests == []  # refused before anything was sent
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # it warns once, not at every call
        meter.add("openai", "gpt-4o-mini", 1, 0)


def test_a_free_provider_never_hits_the_budget(loopback: LoopbackServer) -> None:
    client = openai.OpenAI(base_url=loopback.origin + "/v1", api_key="test")
    meter = CostMeter(budget_usd=0.0)
    cell = StreamCell().start(client, HELLO, model="loopback-small", meter=meter)
    assert cell.status == "done"
    assert meter.records[0].price == "free"


def test_record_a_plain_completion(loopback: LoopbackServer) -> None:
    client = openai.OpenAI(base_url=loopback.origin + "/v1", api_key="test")
    completion = client.chat.completions.create(model="loopback-small", messages=HELLO)
    meter = CostMeter()
    row = meter.record(completion, provider="local", latency_s=0.1)
    assert row is not None
    assert (row.prompt_tokens, row.completion_tokens) == (3, 1)
    assert repr(meter).startswith("CostMeter(1 call, 3 prompt + 1 completion tokens")
