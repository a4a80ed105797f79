"""Model discovery: the live list when the server offers one, the preset's hints otherwise."""

from __future__ import annotations

import asyncio
import time

import openai
import pytest
from support.loopback import LoopbackServer

from llmwidgets import PRESETS, aconnect, alist_models, connect, list_models
from llmwidgets.client import ausual_model, usual_model


def test_live_list_is_sorted_and_cached(loopback: LoopbackServer, canary_key: str) -> None:
    client = connect("groq", api_key=canary_key, base_url=loopback.url_for("http://x/openai/v1"))
    first = list_models(client)
    assert first.ids == ("loopback-large", "loopback-small")
    assert first.from_api
    assert first.note == ""
    assert list_models(client) is first
    assert loopback.paths() == ["/openai/v1/models"]
    list_models(client, refresh=True)
    assert len(loopback.requests) == 2


def test_failure_falls_back_to_hints_with_a_note(loopback: LoopbackServer, canary_key: str) -> None:
    client = connect("groq", api_key=canary_key, base_url=loopback.url_for("http://x/openai/v1"))
    loopback.fail_next(401, "Invalid API Key")
    listing = list_models(client, refresh=True)
    assert listing.ids == PRESETS["groq"].model_hints
    assert not listing.from_api
    assert listing.note == (
        "Could not list models (AuthenticationError 401: Invalid API Key): Groq's usual models."
    )
    assert len(loopback.requests) == 1, "listing must not retry"


def test_dead_address_falls_back_quickly(canary_key: str) -> None:
    client = connect("openrouter", api_key=canary_key, base_url="http://127.0.0.1:9/api/v1")
    started = time.monotonic()
    listing = list_models(client, timeout=2.0)
    assert time.monotonic() - started < 3.0
    assert listing.ids == PRESETS["openrouter"].model_hints
    assert listing.note.startswith("Could not list models (APIConnectionError")


def test_empty_list_falls_back(loopback: LoopbackServer, canary_key: str) -> None:
    loopback.model_ids = ()
    client = connect("ollama", api_key=canary_key, base_url=f"{loopback.origin}/v1")
    listing = list_models(client)
    assert listing.ids == PRESETS["ollama"].model_hints
    assert (
        listing.note
        == "Could not list models (the server listed no models): Ollama (local)'s usual models."
    )


def test_client_made_elsewhere_has_no_hints(loopback: LoopbackServer) -> None:
    import openai

    client = openai.OpenAI(api_key="x", base_url="http://127.0.0.1:9/v1", max_retries=0)
    listing = list_models(client, timeout=1.0)
    assert listing.ids == ()
    assert listing.note.endswith(": no suggestions.")


def test_async_listing(loopback: LoopbackServer, canary_key: str) -> None:
    async def run():
        client = aconnect("custom", api_key=canary_key, base_url=f"{loopback.origin}/v1")
        listing = await alist_models(client)
        await client.close()
        return listing

    assert asyncio.run(run()).ids == ("loopback-large", "loopback-small")


def test_the_chat_model_is_a_hint_or_its_dated_snapshot() -> None:
    """Anthropic lists dated ids, newest (and dearest) first: the hint's snapshot wins."""
    from llmwidgets.client import chat_model_among

    listed = ["claude-opus-4-7", "claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001"]
    assert chat_model_among(listed, ("claude-haiku-4-5",)) == "claude-haiku-4-5-20251001"
    assert chat_model_among(["gpt-4o-mini", "gpt-4o-mini-2024-07-18"], ("gpt-4o-mini",)) == (
        "gpt-4o-mini"
    )
    assert chat_model_among(["claude-haiku-4-5-latest"], ("claude-haiku-4-5",)) == (
        "claude-haiku-4-5-latest"
    )  # not a date: no hint matched, so the first chat model


def test_the_usual_model_for_a_sync_or_an_async_client(loopback: LoopbackServer) -> None:
    """What a widget uses when no model is named: the listing's chat model, awaited or not."""
    sync = openai.OpenAI(base_url=f"{loopback.origin}/v1", api_key="k", max_retries=0)
    assert usual_model(sync) == "loopback-large"

    async def on_the_loop() -> tuple[str, str]:
        lister = openai.AsyncOpenAI(base_url=f"{loopback.origin}/v1", api_key="k2")
        async with lister:
            return await ausual_model(sync), await ausual_model(lister)

    assert asyncio.run(on_the_loop()) == ("loopback-large", "loopback-large")


def test_no_usual_model_says_how_to_name_one(loopback: LoopbackServer) -> None:
    loopback.model_ids = ()
    bare = openai.OpenAI(base_url=f"{loopback.origin}/v1", api_key="k", max_retries=0)
    with pytest.raises(
        ValueError, match=r"No chat model listed \(.*\): say which, as X\(m=\.\.\.\)"
    ):
        usual_model(bare, name_it="X(m=...)")
    with pytest.raises(ValueError, match="No chat model listed"):
        asyncio.run(ausual_model(bare))
    unawaited = openai.AsyncOpenAI(base_url=f"{loopback.origin}/v1", api_key="k")
    with pytest.raises(ValueError, match="only when awaited: say which, as model="):
        usual_model(unawaited)
