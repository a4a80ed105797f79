"""Against real providers: run only where the provider's key is set (never in CI)."""

from __future__ import annotations

import pytest

from llmwidgets import PRESETS, connect, list_models

LIVE = [pid for pid, p in PRESETS.items() if p.key_env and p.requires_key]


@pytest.mark.parametrize("pid", [pytest.param(pid, marks=pytest.mark.live(pid)) for pid in LIVE])
def test_live_models_and_one_chat(pid: str, internet: None) -> None:
    client = connect(pid, max_retries=1, timeout=60)
    listing = list_models(client)
    assert listing.from_api, listing.note
    model = next((m for m in PRESETS[pid].model_hints if m in listing.ids), listing.ids[0])
    reply = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "Say OK."}], max_tokens=16
    )
    assert reply.choices[0].finish_reason in {"stop", "length"}
    assert reply.usage is not None
    assert reply.usage.total_tokens > 0
