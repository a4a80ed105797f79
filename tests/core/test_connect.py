"""Each preset, pointed at a loopback server with its path prefix kept, hits the right paths."""

from __future__ import annotations

import asyncio

import openai
import pytest
from support.loopback import LoopbackServer

from llmwidgets import PRESETS, LLMWidgetsError, aconnect, connect, provider_of
from llmwidgets.twins import async_twin

PATHS = {
    "openai": "/v1",
    "groq": "/openai/v1",
    "openrouter": "/api/v1",
    "ollama": "/v1",
    "litellm": "/v1",
    "vercel": "/v1",
    "anthropic": "/v1",  # the documented trailing slash must not double up
}


@pytest.mark.parametrize(("pid", "prefix"), PATHS.items())
def test_preset_requests_reach_the_right_paths(
    pid: str, prefix: str, loopback: LoopbackServer, canary_key: str, no_keys: object
) -> None:
    preset = PRESETS[pid]
    assert preset.base_url is not None
    client = connect(pid, api_key=canary_key, base_url=loopback.url_for(preset.base_url))

    assert [m.id for m in client.models.list()] == ["loopback-small", "loopback-large"]
    reply = client.chat.completions.create(
        model="loopback-small", messages=[{"role": "user", "content": "ping"}]
    )
    vectors = client.embeddings.create(model="loopback-small", input=["a", "b"])

    assert loopback.paths() == [
        f"{prefix}/models",
        f"{prefix}/chat/completions",
        f"{prefix}/embeddings",
    ]
    assert reply.choices[0].message.content == "pong"
    assert vectors.data[1].embedding == [0.5, -0.25, 0.125]
    assert {r.headers["authorization"] for r in loopback.requests} == {f"Bearer {canary_key}"}
    assert provider_of(client).id == pid


def test_async_twin_reaches_the_same_paths(loopback: LoopbackServer, canary_key: str) -> None:
    base_url = loopback.url_for(PRESETS["groq"].base_url or "")

    async def run() -> str | None:
        client = aconnect("groq", api_key=canary_key, base_url=base_url)
        assert isinstance(client, openai.AsyncOpenAI)
        reply = await client.chat.completions.create(
            model="loopback-small", messages=[{"role": "user", "content": "ping"}]
        )
        await client.close()
        return reply.choices[0].message.content

    assert asyncio.run(run()) == "pong"
    assert loopback.paths() == ["/openai/v1/chat/completions"]


def test_keyless_local_provider_sends_a_placeholder(
    loopback: LoopbackServer, no_keys: object
) -> None:
    client = connect("ollama", base_url=loopback.url_for("http://localhost:11434/v1"))
    client.models.list()
    assert loopback.requests[0].headers["authorization"] == "Bearer no-key-needed"


def test_client_options_reach_the_sdk(loopback: LoopbackServer, canary_key: str) -> None:
    client = connect(
        "custom", api_key=canary_key, base_url=f"{loopback.origin}/v1", max_retries=0, timeout=3.0
    )
    assert client.max_retries == 0
    assert client.timeout == 3.0


def test_custom_needs_a_base_url(canary_key: str) -> None:
    with pytest.raises(LLMWidgetsError, match=r"Custom base URL needs an address: pass base_url="):
        connect("custom", api_key=canary_key)


def test_the_async_twin_keeps_every_client_option(loopback: LoopbackServer) -> None:
    """A widget streams through the async twin of the caller's sync client: whatever the
    caller set on it (headers a gateway needs, a query an Azure-style proxy needs) must
    reach the server too."""
    keys = iter(["rotated-key-0000000001", "rotated-key-0000000002"])
    client = openai.OpenAI(
        base_url=f"{loopback.origin}/v1",
        api_key=lambda: next(keys),  # a key callable: asked again at every request
        admin_api_key="admin-twin-0123456789",
        organization="org-twin",
        project="proj-twin",
        default_headers={"X-Gateway-Route": "classroom"},
        default_query={"api-version": "2026-01-01"},
        max_retries=0,
        timeout=7.0,
        _strict_response_validation=True,
    )

    async def call() -> None:
        twin, owned = async_twin(client, keep=False)
        assert owned
        assert (twin.max_retries, twin.timeout, twin.admin_api_key) == (
            0,
            7.0,
            client.admin_api_key,
        )
        assert twin._strict_response_validation
        await twin.models.list()
        await twin.models.list()
        await twin.close()

    asyncio.run(call())
    first, sent = loopback.requests[-2:]
    assert first.headers["authorization"] == "Bearer rotated-key-0000000001"
    assert sent.headers["authorization"] == "Bearer rotated-key-0000000002"
    assert sent.headers["x-gateway-route"] == "classroom"
    assert sent.headers["openai-organization"] == "org-twin"
    assert sent.headers["openai-project"] == "proj-twin"
    assert sent.query == "api-version=2026-01-01"


def test_a_rehearsal_is_known_as_one_for_every_rehearsable_provider(sandbox_url):
    import openai

    from llmwidgets.client import connect, rehearsal_of
    from llmwidgets.providers import REHEARSABLE

    for pid in REHEARSABLE:
        rehearsal = connect(pid, rehearse=True)
        assert rehearsal_of(rehearsal) == pid, pid  # Ollama's and LiteLLM's are local too
        same_url = openai.OpenAI(base_url=rehearsal.base_url, api_key="x")
        assert rehearsal_of(same_url) is None  # made elsewhere: no guess from its address
    assert rehearsal_of(connect("sandbox")) is None
