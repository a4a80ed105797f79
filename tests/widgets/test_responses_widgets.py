"""The widgets on the Responses API: the same request sent the other way, streamed,
metered, and read on the wire. On the fake engine: what is tested is the plumbing."""

from __future__ import annotations

import asyncio

import openai
import pytest
from support.frontend import frontend_sends
from support.waiting import until

from llmwidgets import CostMeter, StreamCell, chat
from llmwidgets.inspection import Watch
from llmwidgets.responses_api import input_items, responses_body
from llmwidgets.usage import token_counts
from llmwidgets.wire import read

MODEL = "smollm2-135m-instruct"
HELLO = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "one two three"}]
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


@pytest.fixture
def fake(fake_sandbox) -> openai.OpenAI:
    return openai.OpenAI(base_url=fake_sandbox(), api_key="unused", max_retries=0)


# -- the same request, the other way -----------------------------------------------------


def test_a_chat_request_as_the_responses_api_takes_it() -> None:
    params = {
        "model": MODEL,
        "max_tokens": 50,
        "temperature": 0.2,
        "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {}}},
        "tools": [WEATHER],
        "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
        "logprobs": True,
        "top_logprobs": 2,
        "stream_options": {"include_usage": True},
    }
    body = responses_body(HELLO, params)
    assert body["input"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "one two three"},
    ]
    assert body["max_output_tokens"] == 50
    assert body["text"] == {"format": {"type": "json_schema", "name": "x", "schema": {}}}
    assert body["tools"] == [{"type": "function", "strict": False, **WEATHER["function"]}]
    assert body["tool_choice"] == {"type": "function", "name": "get_weather"}
    assert body["include"] == ["message.output_text.logprobs"]
    assert "stream_options" not in body and "max_tokens" not in body


@pytest.mark.parametrize("name", ["n", "stop", "seed", "logit_bias"])
def test_what_the_responses_api_has_no_place_for_is_refused_with_why(name: str) -> None:
    with pytest.raises(ValueError, match=f"The Responses API has no `{name}`"):
        responses_body(HELLO, {"model": MODEL, name: 2})


def test_a_tool_round_trip_becomes_items() -> None:
    call = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    items = input_items(
        [
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "call_1", "content": "4"},
        ]
    )
    assert items[1:] == [
        {"type": "function_call", "call_id": "call_1", "name": "f", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "call_1", "output": "4"},
    ]


def test_usage_in_either_api_counts_the_same() -> None:
    chat_usage = {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}
    responses_usage = {
        "input_tokens": 12,
        "input_tokens_details": {"cached_tokens": 4},
        "output_tokens": 5,
        "total_tokens": 17,
    }
    assert token_counts(responses_usage) == {**token_counts(chat_usage), "cached_tokens": 4}


# -- streamed into the widgets ------------------------------------------------------------


def test_the_stream_cell_streams_a_response(fake: openai.OpenAI) -> None:
    meter = CostMeter()
    cell = chat(fake, HELLO, model=MODEL, api="responses", meter=meter, display=False)
    reply = cell.reply
    assert cell.status == reply.status == "done"
    assert reply.response.object == "response"
    assert reply.text == cell.text == reply.response.output_text
    assert reply.ended_as == cell.finish_reason == "completed"
    assert "finish_reason" not in cell.figures and "status" not in cell.figures
    (row,) = meter.records
    assert row.prompt_tokens == reply.response.usage.input_tokens
    assert row.completion_tokens == reply.response.usage.output_tokens
    assert reply.estimated_usage is False
    assert reply.completion.choices[0].message.content == reply.text  # a history can take it


def test_a_stopped_response_keeps_its_text_and_an_estimate(sandbox_url: str) -> None:
    meter = CostMeter()

    async def scenario() -> StreamCell:
        client = openai.AsyncOpenAI(base_url=sandbox_url, api_key="unused")
        story = [{"role": "user", "content": "Tell me a very long story about a dragon."}]
        cell = StreamCell().start(
            client, story, model=MODEL, max_tokens=400, meter=meter, api="responses"
        )
        await until(
            lambda: len(cell.text) >= 20, "20 characters of the story"
        )  # as a student waits
        frontend_sends(cell, {"type": "stop"})
        await cell
        await client.close()
        return cell

    cell = asyncio.run(scenario())
    assert cell.status == "stopped"
    assert len(cell.text) >= 20
    (row,) = meter.records
    assert row.estimated and row.outcome == "stopped" and row.completion_tokens > 0


def test_a_cut_off_response_says_so_in_its_own_words(sandbox_url: str) -> None:
    client = openai.OpenAI(base_url=sandbox_url, api_key="unused")
    story = [{"role": "user", "content": "Tell me a long story about a lighthouse."}]
    cell = chat(client, story, model=MODEL, api="responses", max_tokens=16, display=False)
    assert cell.finish_reason == "incomplete: max_output_tokens"
    assert "status incomplete: max_output_tokens" in cell.figures
    assert cell.reply.response.status == "incomplete"


# -- on the wire ---------------------------------------------------------------------------


def test_the_timeline_shows_the_semantic_events(fake: openai.OpenAI) -> None:
    with Watch(fake) as watch:
        list(fake.responses.create(model=MODEL, input="one two three", stream=True))
    (exchange,) = watch.log.exchanges
    reading = read(exchange)
    kinds = [m.kind for m in reading.marks]
    named = [m.text for m in reading.marks if m.kind in ("event", "done")]
    assert named[:2] == ["response.created", "response.in_progress"]
    assert "response.output_item.added · message" in named
    assert named[-1] == "response.completed"
    assert kinds.index("first token") < kinds.index("usage") < kinds.index("done")
    usage_mark = next(m for m in reading.marks if m.kind == "usage")
    assert usage_mark.text.endswith("tokens") and "input" in usage_mark.text
    assert reading.text == exchange.response()["output"][0]["content"][0]["text"]
    assert exchange.usage == exchange.response()["usage"]


# -- the other widgets, either way -----------------------------------------------------------


def test_the_playground_shows_both_bodies_and_runs_either(fake: openai.OpenAI) -> None:
    from llmwidgets import Playground

    pg = Playground(fake, model=MODEL, prompt="one two three", meter=None, max_tokens=20)
    assert pg.request["messages"][-1]["content"] == "one two three"
    responses = pg.both["responses"]["body"]
    assert responses["input"] == [{"role": "user", "content": "one two three"}]
    assert responses["max_output_tokens"] == 20
    assert "client.responses.create(" in pg.both["responses"]["code"]
    assert "client.chat.completions.create(" in pg.both["chat"]["code"]
    pg.api = "responses"
    assert pg.request == responses and pg.code == pg.both["responses"]["code"]
    pg.run()
    assert pg.status == "done"
    assert pg.reply.response is not None
    assert pg.answer["choices"][0]["label"] == "status"
    pg.set(stop=["."])  # a parameter the Responses API has no place for
    assert "The Responses API has no `stop`" in pg.both["responses"]["error"]
    assert pg.run() is None and "no `stop`" in pg.error
    pg.api = "chat"
    assert pg.error == "" and pg.run() is not None


def test_the_endpoint_note_says_what_a_provider_does_with_responses() -> None:
    from llmwidgets.providers import PRESETS
    from llmwidgets.widgets.playground_bodies import api_note

    assert "has no Responses API" in api_note(PRESETS["anthropic"], "responses")
    assert "stateless" in api_note(PRESETS["groq"], "responses")
    assert api_note(PRESETS["groq"], "chat") == ""
    assert PRESETS["anthropic"].check_params({"api": "responses"}) == [
        "Anthropic (OpenAI compatibility) has no Responses API: /responses answers 404."
    ]
    assert PRESETS["ollama"].check_params({"api": "responses", "previous_response_id": "r"}) == [
        "Ollama (local) ignores `previous_response_id` on /responses."
    ]


def test_a_compare_lane_through_the_responses_api(fake: openai.OpenAI) -> None:
    from llmwidgets import compare

    grid = compare("one two", fake, {"target": fake, "api": "responses"}, meter=None)
    replies = asyncio.run(_replies(grid)) if grid.status != "done" else grid.replies
    assert [r.response is not None for r in replies] == [False, True]
    assert grid.lanes[1]["label"].endswith("· Responses API")
    assert replies[0].text == replies[1].text  # the fake echoes the same prompt either way


async def _replies(grid):
    return await grid


def test_a_chat_on_the_responses_api_resends_its_history(fake: openai.OpenAI) -> None:
    from llmwidgets import Chat

    talk = Chat(fake, model=MODEL, meter=None, api="responses")
    with Watch(fake) as watch:
        talk.send("alpha")
        talk.send("beta")
    assert [x.path for x in watch.log.exchanges] == ["/v1/responses", "/v1/responses"]
    second = watch.log.exchanges[-1].body["input"]
    assert [m["role"] for m in second][-3:] == ["user", "assistant", "user"]
    assert second[-2]["content"] == talk.messages[-3]["content"]  # the first answer, resent
    assert talk.turns[-1]["finish_reason"] == "completed"
    assert "status" not in talk.turns[-1]["figures"]  # completed is no news


def test_a_tool_loop_on_the_responses_api_ties_results_by_call_id(sandbox_url: str) -> None:
    from llmwidgets.toolloop import ToolLoop

    client = openai.OpenAI(base_url=sandbox_url, api_key="unused", max_retries=0)
    flat = {
        "type": "function",
        "name": "get_weather",
        **{"parameters": WEATHER["function"]["parameters"]},
    }
    loop = ToolLoop(
        client,
        [{"role": "user", "content": "What is the weather in Oslo?"}],
        tools=[flat],
        functions={"get_weather": lambda city: {"city": city, "celsius": 4}},
        model=MODEL,
        tool_choice="required",
        temperature=0,
        max_tokens=60,
        api="responses",
    )
    with Watch(client) as watch:
        result = loop.start().result
    assert result.status == "done", result.error
    first, second = watch.log.exchanges[:2]
    assert first.path == second.path == "/v1/responses"
    called = [i for i in first.response()["output"] if i["type"] == "function_call"]
    answered = [i for i in second.body["input"] if i.get("type") == "function_call_output"]
    assert [c["call_id"] for c in called] == [a["call_id"] for a in answered]
    assert first.body["tools"][0]["strict"] is True  # flat, strict unless it says not
    assert "celsius" in answered[0]["output"]
