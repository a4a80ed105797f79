"""`record(client)`: what the SDK sent and got, through its own HTTP hooks, never the key."""

from __future__ import annotations

import asyncio
import time
from email.utils import formatdate

import openai
import pytest

from llmwidgets.recording import json_or_none, record, retry_after_seconds


@pytest.fixture
def clients(loopback):
    """Clients of the loopback server, and their recorded copies, closed after the test."""
    made = []

    def client(api_key="k", max_retries=0):
        made.append(
            openai.OpenAI(
                base_url=loopback.origin + "/v1", api_key=api_key, max_retries=max_retries
            )
        )
        watched, log = record(made[-1])
        made.append(watched)
        return made[-2], watched, log

    yield client
    for each in made:
        each.close()


def test_a_recording_holds_the_request_and_the_reply_but_not_the_key(loopback, clients, canary_key):
    _, watched, log = clients(api_key=canary_key)
    reply = watched.chat.completions.create(
        model="loopback-small", messages=[{"role": "user", "content": "Hi"}], stop=["."]
    )
    (exchange,) = log.to("/chat/completions")
    assert exchange.body["stop"] == ["."] and not exchange.streamed
    assert exchange.status == 200 and exchange.reply["id"] == reply.id
    assert exchange.received is not None and exchange.received >= exchange.sent
    assert canary_key not in repr(log)
    assert "authorization" not in exchange.headers
    assert loopback.requests[-1].headers["authorization"] == f"Bearer {canary_key}"


def test_a_body_or_data_line_is_read_as_json_or_none() -> None:
    """Bodies come as bytes and `data:` lines as text; neither may break a recording."""
    assert json_or_none(b'{"a": 1}') == {"a": 1} == json_or_none('{"a": 1}')
    for broken in ('{"a": ', b"<html>502</html>", b"\xff\xfe\x00", ""):
        assert json_or_none(broken) is None


def test_the_original_client_is_left_alone(clients):
    client, _, log = clients()
    client.models.list()
    assert log.exchanges == []


def test_a_stream_is_recorded_as_streamed_and_left_for_the_sdk_to_read(clients):
    _, watched, log = clients()
    chunks = watched.chat.completions.create(
        model="loopback-small", messages=[{"role": "user", "content": "Hi"}], stream=True
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "pong"
    assert log.exchanges[-1].streamed and log.exchanges[-1].reply is None


def test_the_sdks_own_retries_are_each_recorded(loopback, clients):
    _, watched, log = clients(max_retries=2)
    loopback.fail_next(429, "slow down", retry=True)
    watched.models.list()
    assert [e.status for e in log.exchanges] == [429, 200]


def test_an_async_client_is_recorded_too(loopback):
    async def listed():
        async with openai.AsyncOpenAI(base_url=loopback.origin + "/v1", api_key="k") as client:
            watched, log = record(client)
            async with watched:
                return [m.id async for m in watched.models.list()], log

    ids, log = asyncio.run(listed())
    assert ids and [(e.method, e.path, e.status) for e in log.exchanges] == [
        ("GET", "/v1/models", 200)
    ]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [(None, None), ("2", 2.0), ("0.5", 0.5), ("-3", 0.0), ("soon", None)],
)
def test_retry_after_in_seconds(header, seconds):
    assert retry_after_seconds(header) == seconds


def test_retry_after_as_an_http_date_is_read_against_the_clock():
    now = time.time()
    assert retry_after_seconds(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(
        30, abs=1
    )
    assert retry_after_seconds(formatdate(now - 30, usegmt=True), now=now) == 0.0


def test_a_streams_events_and_usage_are_seen_as_the_sdk_reads_them(clients):
    _, watched, log = clients()
    chunks = watched.chat.completions.create(
        model="loopback-small",
        messages=[{"role": "user", "content": "Hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    read = [c for c in chunks]
    exchange = log.exchanges[-1]
    data = [payload for _, payload in exchange.events]
    assert data[-1] == "[DONE]" and len(data) == len(read) + 1
    assert exchange.usage == read[-1].usage.model_dump(exclude_none=True)
    times = [t for t, _ in exchange.events]
    assert times == sorted(times) and times[0] >= exchange.received


def test_a_limit_stops_a_runaway_loop_as_a_connection_error(loopback):
    client = openai.OpenAI(base_url=loopback.origin + "/v1", api_key="k", max_retries=0)
    watched, log = record(client, limit=2)
    watched.models.list()
    watched.models.list()
    with pytest.raises(openai.APIConnectionError):
        watched.models.list()
    assert len(log.exchanges) == 2 and len(loopback.requests) == 2
    watched.close()
    client.close()


def test_a_gzipped_stream_is_read_piece_by_piece():
    import gzip

    from llmwidgets.recording import Exchange

    body = b"".join(f'data: {{"n": {i}}}\n\n'.encode() for i in range(3)) + b"data: [DONE]\n\n"
    packed = gzip.compress(body)
    exchange = Exchange("POST", "/v1/chat/completions", {"stream": True}, {}, sent=0.0)
    exchange.response_headers = {"content-encoding": "gzip"}
    exchange.frames = [(1.0, packed[:10]), (2.0, packed[10:])]
    assert [data for _, data in exchange.events] == ['{"n": 0}', '{"n": 1}', '{"n": 2}', "[DONE]"]
    exchange.response_headers = {"content-encoding": "br"}  # no brotli here: nothing made up
    assert exchange.events == []
