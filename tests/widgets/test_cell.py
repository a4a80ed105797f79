"""The streaming output cell, headless: against the sandbox and a loopback preset."""

from __future__ import annotations

import asyncio
import json
import time

import openai
import pytest
from support.frontend import frontend_sends
from support.loopback import LoopbackServer
from support.waiting import until

from llmwidgets import CostMeter, StreamCell, chat, count_tokens

MODEL = "smollm2-135m-instruct"
HELLO = [{"role": "user", "content": "Say hello in five words."}]


def loopback_client(server: LoopbackServer, **options) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.origin + "/v1", api_key="test", **options)


def test_a_script_streams_to_the_end(sandbox_url: str, comm_log: list[dict]) -> None:
    client = openai.OpenAI(base_url=sandbox_url, api_key="unused")
    meter = CostMeter()
    cell = chat(client, HELLO, model=MODEL, max_tokens=20, seed=3, meter=meter, display=False)
    text, completion = cell.reply
    assert cell.status == "done"
    assert text and cell.text == text == completion.choices[0].message.content
    assert cell.finish_reason == completion.choices[0].finish_reason in ("stop", "length")
    assert cell.usage["completion_tokens"] == completion.usage.completion_tokens > 0
    assert cell.usage["estimated"] is False
    assert cell.ttft_s is not None and cell.ttft_s > 0
    assert cell.html.startswith("<p>")  # Markdown, rendered once the answer is complete
    (row,) = meter.records
    assert (row.provider, row.model, row.price, row.cost_usd) == ("local", MODEL, "free", 0.0)
    assert row.prompt_tokens == completion.usage.prompt_tokens
    # what reached the (recorded) frontend: the final text, and no request data
    states = [m["data"]["state"] for m in comm_log if m["data"].get("method") == "update"]
    assert states[-1].get("status") == "done" or any(s.get("status") == "done" for s in states)


def test_stop_keeps_the_partial_text_and_records_an_estimate(sandbox_url: str) -> None:
    meter = CostMeter()

    async def scenario() -> StreamCell:
        client = openai.AsyncOpenAI(base_url=sandbox_url, api_key="unused")
        story = [{"role": "user", "content": "Tell me a very long story about a dragon."}]
        cell = StreamCell().start(client, story, model=MODEL, max_tokens=400, seed=1, meter=meter)
        await until(
            lambda: len(cell.text) >= 20, "20 characters of the story"
        )  # as a student waits
        frontend_sends(cell, {"type": "stop"})  # the Stop button
        await cell
        await client.close()
        return cell

    cell = asyncio.run(scenario())
    reply = cell.reply
    assert cell.status == reply.status == "stopped"
    assert len(reply.text) >= 20 and cell.text == reply.text
    assert cell.finish_reason == ""
    assert reply.completion.choices[0].finish_reason is None
    (row,) = meter.records
    assert row.outcome == "stopped" and row.estimated
    assert row.completion_tokens > 0 and row.prompt_tokens > 0
    assert cell.usage["estimated"] is True


def test_redraws_are_batched(loopback: LoopbackServer, comm_log: list[dict]) -> None:
    loopback.stream_pieces = [f"t{i} " for i in range(3000)]
    cell = StreamCell()
    started = time.perf_counter()
    cell.start(loopback_client(loopback), HELLO, model="loopback-small")
    elapsed = time.perf_counter() - started
    assert cell.text == "".join(loopback.stream_pieces)
    assert cell.redraws <= elapsed * StreamCell.MAX_REDRAWS_PER_SECOND + 2
    updates = [m for m in comm_log if m["data"].get("method") == "update"]
    assert len(updates) <= cell.redraws + 3  # each redraw is one message (hold_sync)
    assert cell.usage["completion_tokens"] == 3000  # from the usage chunk, whose choices is []


def test_a_dropped_stream_keeps_its_text_and_says_why(loopback: LoopbackServer) -> None:
    loopback.stream_pieces = ["one ", "two ", "three ", "four "]
    loopback.drop_after = 2
    meter = CostMeter()
    cell = StreamCell().start(loopback_client(loopback), HELLO, model="gpt-4o-mini", meter=meter)
    assert cell.status == "error"
    assert cell.text == "one two "
    assert "\n" not in cell.error and cell.error
    (row,) = meter.records
    assert row.estimated
    assert row.completion_tokens == count_tokens("one two ", "gpt-4o-mini") == 3
    assert row.outcome.startswith("error: ")


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (401, "AuthenticationError"),
        (404, "NotFoundError"),
        (429, "RateLimitError"),
        (500, "InternalServerError"),
    ],
)
def test_errors_are_one_readable_line(loopback: LoopbackServer, status: int, name: str) -> None:
    loopback.fail_next(status, "told to fail")
    meter = CostMeter()
    client = loopback_client(loopback, max_retries=0)
    cell = StreamCell().start(client, HELLO, model="loopback-small", meter=meter)
    assert cell.status == "error"
    assert cell.error == f"{name} {status}: told to fail"
    (row,) = meter.records
    assert row.outcome == f"error: {name}" and row.total_tokens == 0 and not row.estimated


def test_sdk_retries_are_not_counted_twice(loopback: LoopbackServer) -> None:
    loopback.fail_next(429, "slow down", retry=True)
    meter = CostMeter()
    cell = StreamCell().start(
        loopback_client(loopback, max_retries=2), HELLO, model="loopback-small", meter=meter
    )
    assert cell.status == "done" and cell.text == "pong"
    assert len(loopback.requests) == 2  # the SDK retried once...
    assert len(meter.records) == 1  # ...and the meter saw one call


def test_stream_options_are_asked_for_and_kept(loopback: LoopbackServer) -> None:
    StreamCell().start(loopback_client(loopback), HELLO, model="loopback-small", seed=7)
    body = loopback.requests[-1].body
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["seed"] == 7


def test_markdown_never_runs_html(loopback: LoopbackServer) -> None:
    loopback.stream_pieces = ["**bold** <script>alert(1)</script>"]
    cell = StreamCell().start(loopback_client(loopback), HELLO, model="loopback-small")
    assert "<strong>bold</strong>" in cell.html
    assert "<script>" not in cell.html and "&lt;script&gt;" in cell.html


def test_no_trait_shadows_the_widget_machinery(comm_log: list[dict]) -> None:
    # A trait named `model_id` once hid ipywidgets' own, and JupyterLab showed
    # "Loading widget..." forever. The frontend finds a view by this id.
    cell = StreamCell()
    assert cell.model_id == cell.comm.comm_id
    assert cell.model_id in {m["comm_id"] for m in comm_log if m["msg_type"] == "comm_open"}


def test_state_carries_no_request(
    loopback: LoopbackServer, canary_key: str, comm_log: list[dict]
) -> None:
    client = openai.OpenAI(base_url=loopback.origin + "/v1", api_key=canary_key)
    cell = StreamCell().start(client, HELLO, model="loopback-small")
    assert cell.status == "done"
    assert canary_key not in json.dumps(comm_log, default=str)
    assert canary_key not in json.dumps(cell.get_state(), default=str)
    assert canary_key not in repr(cell)


def test_chat_with_inspect_watches_its_stream(loopback: LoopbackServer, canary_key: str) -> None:
    cell = chat(
        openai.OpenAI(base_url=loopback.origin + "/v1", api_key=canary_key),
        HELLO,
        model="loopback-small",
        meter=None,
        display=False,
        inspect=True,
    )
    (exchange,) = cell.inspector.log.exchanges
    assert exchange.streamed and exchange.status == 200
    details = cell.inspector.details(0)
    assert dict(details["request_headers"])["authorization"] == "[redacted]"
    assert canary_key not in json.dumps(details, default=str)
    plain = chat(
        loopback_client(loopback), HELLO, model="loopback-small", meter=None, display=False
    )
    assert plain.inspector is None
