"""inspect(client): the exchanges a client really makes, headless (a loopback provider and
a recording comm stand in for the provider and the page)."""

from __future__ import annotations

import asyncio
import json

import openai
import pytest
from support.frontend import frontend_sends
from support.loopback import LoopbackServer

import llmwidgets
from llmwidgets.providers import PRESETS
from llmwidgets.running import StreamRun
from llmwidgets.wire import MAX_MARKS

ASK = {"model": "loopback-small", "messages": [{"role": "user", "content": "Hi"}]}


def client_of(server: LoopbackServer, api_key: str = "test", **options) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.origin + "/v1", api_key=api_key, **options)


def test_what_the_block_sends_is_seen_on_the_client_itself(loopback, canary_key):
    client = client_of(loopback, canary_key, max_retries=2)
    other = client_of(loopback)
    with llmwidgets.inspect(client) as wire:
        client.chat.completions.create(**ASK)
        usage = {"include_usage": True}
        for _ in client.chat.completions.create(**ASK, stream=True, stream_options=usage):
            pass
        loopback.fail_next(429, "slow down", retry=True)  # the SDK retries it itself
        client.with_options(timeout=5).models.list()  # a copy shares the HTTP client
        other.models.list()  # another client: not watched
    client.models.list()  # after the block: not watched
    calls = [(x["method"], x["path"], x["status"], x["attempt"]) for x in wire.exchanges]
    assert calls == [
        ("POST", "/v1/chat/completions", 200, 0),
        ("POST", "/v1/chat/completions", 200, 0),
        ("GET", "/v1/models", 429, 0),
        ("GET", "/v1/models", 200, 1),
    ]
    assert wire.exchanges[1]["marks"] == []  # nothing parsed until it is opened
    frontend_sends(wire, {"type": "open", "index": 1})  # the page opens the stream's row
    whole, stream, refused, retried = wire.exchanges
    assert json.loads(whole["body"])["messages"] == ASK["messages"]
    assert json.loads(whole["reply"])["choices"][0]["message"]["content"] == "pong"
    assert ["authorization", "[redacted]"] in whole["request_headers"]
    marked = {name for name, _, mark in refused["response_headers"] if mark}
    assert {"retry-after-ms", "x-should-retry"} <= marked
    assert retried["waited_ms"] is not None and retried["waited_ms"] >= 10  # retry-after-ms 10
    assert stream["streamed"] and stream["reply"] == "pong"
    kinds = [kind for _, kind, _ in stream["marks"]]
    assert kinds[:3] == ["sent", "headers", "first byte"]
    assert "first token" in kinds and kinds[-2:] == ["usage", "done"]
    assert stream["figures"]["frames"] == 6  # role, 2 pieces, finish, usage, [DONE]
    shown = json.dumps(wire.get_state(), default=str) + json.dumps(wire._repr_mimebundle_()[0])
    assert canary_key not in shown and canary_key not in wire.curl() + wire.python()


def test_a_stream_started_in_the_block_is_watched_through_its_async_twin(loopback):
    loopback.stream_pieces = [f"w{i} " for i in range(5000)]
    client = client_of(loopback)

    async def scenario() -> llmwidgets.Inspector:
        with llmwidgets.inspect(client) as wire:
            run = StreamRun().start(client, ASK["messages"], model="loopback-small")
        await run  # the task runs after the block, and is still watched
        wire.refresh()
        return wire

    wire = asyncio.run(scenario())
    stream = wire.details(0)
    assert (
        stream["ended"] and stream["figures"]["frames"] == 5004
    )  # role, 5000, finish, usage, DONE
    assert len([m for m in stream["marks"] if m[1] == "chunk"]) <= MAX_MARKS  # a sample
    assert stream["figures"]["ttft_ms"] > 0 and stream["figures"]["tokens_per_s"] > 0
    assert wire.redraws < 20  # at requests, responses and ends, never per chunk


def test_an_async_client_in_an_async_block(loopback):
    async def scenario() -> llmwidgets.Inspector:
        client = openai.AsyncOpenAI(base_url=loopback.origin + "/v1", api_key="t")
        async with llmwidgets.inspect(client) as wire:
            await client.chat.completions.create(**ASK)
            stream = await client.chat.completions.create(**ASK, stream=True)
            async for _ in stream:
                pass
        return wire

    wire = asyncio.run(scenario())
    assert [x["status"] for x in wire.exchanges] == [200, 200]
    assert wire.details(1)["reply"] == "pong"


def test_curl_and_python_name_the_key_by_its_variable(loopback):
    url = loopback.url_for(PRESETS["groq"].base_url or "")
    groq = llmwidgets.connect("groq", base_url=url, api_key="gsk-secret-value-1234", max_retries=0)
    with llmwidgets.inspect(groq) as wire:
        for _ in groq.chat.completions.create(**ASK, stream=True):
            pass
    curl = wire.curl()
    assert curl.startswith(f"curl -X POST {url}/chat/completions -N")
    assert '-H "Authorization: Bearer $GROQ_API_KEY"' in curl
    assert '"stream": true' in curl and "gsk-secret" not in curl
    script = wire.python()
    assert 'os.environ["GROQ_API_KEY"]' in script and "for chunk in response:" in script
    compile(script, "<inspector>", "exec")


def test_a_limit_stops_a_runaway_loop(loopback):
    client = client_of(loopback, max_retries=0)
    with llmwidgets.inspect(client, limit=2) as wire:
        client.models.list()
        client.models.list()
        with pytest.raises(openai.APIConnectionError):
            client.models.list()
    assert len(wire.exchanges) == 2


def test_the_saved_view_says_each_exchange_in_a_line(loopback):
    client = client_of(loopback, max_retries=1)
    with llmwidgets.inspect(client) as wire:
        loopback.fail_next(429, retry=True)
        client.models.list()
    text = wire._repr_mimebundle_()[0]["text/plain"].splitlines()
    assert text[0] == "Inspector"
    assert text[1].startswith("GET /v1/models → 429")
    assert text[2].startswith("GET /v1/models → 200 · retry 1 after")


def test_what_a_student_pastes_is_redacted_and_odd_requests_still_export(loopback, canary_key):
    client = client_of(loopback, canary_key, max_retries=0)
    pasted = [{"role": "user", "content": f"my key is {canary_key}"}]
    with llmwidgets.inspect(client) as wire:
        client.chat.completions.create(model="m", messages=pasted, n=None)  # None: unset
        loopback.fail_next(400, "bad request on purpose")
        with pytest.raises(openai.BadRequestError):
            client.chat.completions.create(model="m", messages=pasted, stream=True)
    for index in range(2):
        view = wire.details(index)
        assert view["curl"] and view["python"].startswith("import os")
    shown = json.dumps(wire.get_state(), default=str) + wire.curl(0) + wire.python(0)
    assert canary_key not in shown and "[redacted]" in wire.curl(0)
    assert "bad request on purpose" in wire.exchanges[1]["reply"]  # a stream's error, whole


def test_a_stream_left_unread_can_still_be_opened(loopback):
    loopback.stream_pieces = [f"w{i} " for i in range(300)]
    client = client_of(loopback)
    with llmwidgets.inspect(client) as wire:
        stream = client.chat.completions.create(**ASK, stream=True)
        next(iter(stream))  # one chunk read, then left as it is
    view = wire.details(0)
    assert not view["ended"] and view["marks"][0][1] == "sent"
    stream.close()


def test_a_usage_chunk_that_keeps_a_choice_is_still_the_usage():
    from llmwidgets.recording import Exchange
    from llmwidgets.wire import read

    events = [
        {"choices": [{"index": 0, "delta": {"content": "Hi"}}]},
        {"choices": [{"index": 0, "delta": {"content": " there"}}]},
        # LiteLLM's last chunk: usage, and a choice with an empty delta
        {"choices": [{"index": 0, "delta": {}}], "usage": {"completion_tokens": 2}},
    ]
    exchange = Exchange("POST", "/v1/chat/completions", {"stream": True}, {}, sent=0.0)
    exchange.frames = [
        (0.1 * (i + 1), f"data: {json.dumps(e)}\n\n".encode()) for i, e in enumerate(events)
    ] + [(0.5, b"data: [DONE]\n\n")]
    reading = read(exchange)
    assert [m.kind for m in reading.marks] == [
        "sent",
        "first byte",
        "first token",
        "chunk",
        "usage",
        "done",
    ]
    assert reading.text == "Hi there" and reading.tokens_per_s == pytest.approx(10.0)


def test_python_for_embeddings_and_a_providers_own_fields():
    from llmwidgets.as_code import python_code

    client = openai.OpenAI(base_url="https://openrouter.ai/api/v1", api_key="x")
    script = python_code(
        client, {"model": "m", "input": ["a"], "encoding_format": "base64"}, "/v1/embeddings"
    )
    assert "encoding_format" not in script  # the SDK asks for base64 itself, and decodes it
    chat = python_code(client, {"model": "m", "messages": [], "provider": {"sort": "price"}})
    assert 'extra_body={"provider": {"sort": "price"}}' in chat
    compile(chat, "<chat>", "exec")
