"""The stream cell's tool calls and structured answers, checked against the request's
schemas as they stream: a loopback server sends the deltas real providers send."""

from __future__ import annotations

import json

import openai
from support.loopback import LoopbackServer

from llmwidgets import StreamCell, chat

CITY = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "unit": {"enum": ["celsius", "fahrenheit"]}},
    "required": ["city"],
    "additionalProperties": False,
}
TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "parameters": CITY}},
    {"type": "function", "function": {"name": "get_time", "parameters": CITY}},
]
ASK = [{"role": "user", "content": "Weather and time in Oslo?"}]


def _call(index: int, *, id: str | None = None, name: str | None = None, args: str = "") -> dict:
    function = {"arguments": args} | ({"name": name} if name else {})
    head = {"id": id, "type": "function"} if id else {}
    return {"tool_calls": [{"index": index, **head, "function": function}]}


def _run(server: LoopbackServer, key: str = "test", **params) -> StreamCell:
    client = openai.OpenAI(base_url=server.origin + "/v1", api_key=key)
    return chat(client, ASK, model="loopback-small", meter=None, display=False, **params)


def test_parallel_calls_interleaved_by_index_are_two_cards(
    loopback: LoopbackServer, comm_log: list[dict], canary_key: str
) -> None:
    loopback.stream_deltas = [
        _call(0, id="call_a", name="get_weather"),
        _call(1, id="call_b", name="get_time"),
        _call(0, args='{"city": "Os'),
        _call(1, args='{"city": "Oslo", "unit": '),
        _call(0, args='lo"}'),
        _call(1, args='"kelvin"}'),
    ]
    loopback.stream_finish = "tool_calls"
    cell = _run(loopback, canary_key, tools=TOOLS)
    weather, time = cell.tool_calls
    assert (weather["id"], weather["name"], weather["arguments"]) == (
        "call_a",
        "get_weather",
        '{"city": "Oslo"}',
    )
    assert (weather["state"], weather["summary"]) == ("valid", "✓ valid against get_weather")
    assert time["state"] == "invalid"
    assert time["problems"] == [
        {"path": "$.unit", "message": "'kelvin' is not one of ['celsius', 'fahrenheit']"}
    ]
    assert '<mark class="llmw-bad"' in time["html"]
    assert cell.finish_reason == "tool_calls" and cell.status == "done"
    # the saved view tells the same, for GitHub and nbconvert
    page = cell._repr_mimebundle_()[0]["text/html"]
    assert "get_time(…)" in page and "✗ invalid against get_time: 1 problem" in page
    assert canary_key not in json.dumps(comm_log) and canary_key not in page


def test_ollama_sends_each_call_whole(loopback: LoopbackServer) -> None:
    # Ollama's OpenAI layer streams a call in one chunk, arguments complete (ollama#11633)
    loopback.stream_deltas = [_call(0, id="call_1", name="get_weather", args='{"city":"Oslo"}')]
    loopback.stream_finish = "tool_calls"
    (call,) = _run(loopback, tools=TOOLS).tool_calls
    assert (call["name"], call["state"]) == ("get_weather", "valid")


def test_arguments_cut_by_max_tokens_are_cut_not_invalid(loopback: LoopbackServer) -> None:
    loopback.stream_deltas = [_call(0, id="call_1", name="get_weather", args='{"city": "Os')]
    loopback.stream_finish = "length"
    (call,) = _run(loopback, tools=TOOLS).tool_calls
    assert (call["state"], call["summary"]) == ("cut", "✗ cut off: max_tokens ended it mid-JSON")


def test_a_call_to_a_tool_never_offered_is_flagged(loopback: LoopbackServer) -> None:
    loopback.stream_deltas = [_call(0, id="call_1", name="send_email", args="{}")]
    loopback.stream_finish = "tool_calls"
    (call,) = _run(loopback, tools=TOOLS).tool_calls
    assert (call["state"], call["summary"]) == (
        "invalid",
        "✗ the request has no tool named send_email",
    )


def test_a_structured_answer_is_checked_against_its_schema(loopback: LoopbackServer) -> None:
    loopback.stream_pieces = ['{"city": ', "42, ", '"extra": true}']
    fmt = {"type": "json_schema", "json_schema": {"name": "place", "schema": CITY}}
    cell = _run(loopback, response_format=fmt)
    check = cell.json_check
    assert check["state"] == "invalid"
    assert [p["path"] for p in check["problems"]] == ["$", "$.city"]
    assert check["summary"] == "✗ invalid against place: 2 problems"
    text = cell._repr_mimebundle_()[0]["text/plain"]
    assert text.endswith("✗ invalid against place: 2 problems")


def test_a_text_answer_without_schema_has_no_check(loopback: LoopbackServer) -> None:
    cell = _run(loopback)
    assert (cell.json_check, cell.tool_calls) == ({}, [])
    assert cell.html == "<p>pong</p>\n"


def test_checks_are_drawn_while_streaming_at_most_ten_times_a_second(
    loopback: LoopbackServer,
) -> None:
    body = json.dumps({"city": "x" * 3000})
    loopback.stream_pieces = [body[i : i + 3] for i in range(0, len(body), 3)]
    fmt = {"type": "json_schema", "json_schema": {"name": "place", "schema": CITY}}
    seen: list[str] = []

    cell = StreamCell()
    cell.observe(lambda change: seen.append(change["new"]["state"]), "json_check")
    client = openai.OpenAI(base_url=loopback.origin + "/v1", api_key="test")
    cell.start(client, ASK, model="loopback-small", response_format=fmt)
    assert seen[0] == "partial" and seen[-1] == "valid"
    assert len(seen) <= 1 + cell.reply.latency_s * StreamCell.MAX_CHECKS_PER_SECOND + 1


def test_the_sandbox_streams_a_call_that_fits_its_tool(sandbox_url: str) -> None:
    client = openai.OpenAI(base_url=sandbox_url, api_key="unused")
    cell = chat(
        client,
        ASK,
        model="smollm2-135m-instruct",
        tools=TOOLS[:1],
        tool_choice="required",
        temperature=0,
        max_tokens=60,
        meter=None,
        display=False,
    )
    (call,) = cell.tool_calls
    assert call["name"] == "get_weather" and call["id"].startswith("call_")
    assert call["state"] == "valid", call
    assert json.loads(call["arguments"])["city"]
    assert cell.reply.completion.choices[0].message.tool_calls[0].id == call["id"]
