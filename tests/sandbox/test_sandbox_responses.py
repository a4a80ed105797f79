"""The sandbox's Responses API (`/v1/responses`): requests, items, events, stored state.

What needs no generated text runs on the fake engine (`fake`, `wire`); what the model must
write (function calls, JSON, the SDK's helpers end to end) runs on the real one.
"""

from __future__ import annotations

import json

import httpx2
import openai
import pydantic
import pytest

MODEL = "smollm2-135m-instruct"
WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Current weather for a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
    },
}


@pytest.fixture
def fake(fake_sandbox) -> openai.OpenAI:
    return openai.OpenAI(base_url=fake_sandbox(), api_key="unused", max_retries=0)


def sse_events(response: httpx2.Response) -> list[dict]:
    """Each event's data, checked against its `event:` line."""
    events = []
    for block in response.text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        data = json.loads(lines["data"])
        assert lines["event"] == data["type"]
        events.append(data)
    return events


# -- requests ---------------------------------------------------------------------------


def test_text_in_output_text_out(fake: openai.OpenAI) -> None:
    response = fake.responses.create(model=MODEL, instructions="Be brief.", input="Hello there")
    assert response.object == "response"
    assert response.status == "completed"
    assert [item.type for item in response.output] == ["message"]
    assert response.output_text.startswith("echo")
    assert response.instructions == "Be brief."
    usage = response.usage
    assert usage is not None
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens
    assert usage.output_tokens == len(response.output_text.split())


def test_items_as_input_read_as_a_conversation(fake: openai.OpenAI) -> None:
    """The fake engine echoes the prompt's last five words: the last item is the last line."""
    response = fake.responses.create(
        model=MODEL,
        input=[
            {"role": "developer", "content": "Answer in French."},
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "a"}]},
            {"role": "assistant", "content": "b"},
            {"role": "user", "content": "c"},
        ],
    )
    assert response.status == "completed"
    listed = fake.responses.input_items.list(response.id, order="asc")
    assert [(i.type, i.role) for i in listed.data] == [
        ("message", "developer"),
        ("message", "user"),
        ("message", "assistant"),
        ("message", "user"),
    ]
    assert listed.data[2].content[0].type == "output_text"  # an assistant's text is output


def test_a_reply_beyond_the_context_is_refused_up_front(fake: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        fake.responses.create(model=MODEL, input="x", max_output_tokens=10_000)
    assert caught.value.code == "context_length_exceeded"
    assert "in the input" in caught.value.body["message"]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"input": "x"}, "model"),
        ({"model": MODEL}, "input"),
        ({"model": MODEL, "input": "x", "bogus": 1}, "bogus"),
        ({"model": MODEL, "input": "x", "max_output_tokens": 5}, "max_output_tokens"),
        ({"model": MODEL, "input": "x", "temperature": 3}, "temperature"),
        ({"model": MODEL, "input": [{"role": "robot", "content": "x"}]}, "input[0].role"),
        (
            {"model": MODEL, "input": "x", "tools": [{"type": "web_search"}]},
            "tools[0].type",
        ),
        (
            {"model": MODEL, "input": "x", "text": {"format": {"type": "json_object"}}},
            "input",
        ),
        (
            {
                "model": MODEL,
                "input": [{"type": "function_call_output", "call_id": "call_1", "output": "4"}],
            },
            "input",
        ),
        (
            {"model": MODEL, "input": "x", "previous_response_id": "resp_nope"},
            "previous_response_id",
        ),
        ({"model": MODEL, "input": "x", "background": True}, "background"),
        ({"model": MODEL, "input": "x", "stream_options": {}}, "stream_options"),
    ],
)
def test_bad_requests_are_400_naming_the_param(wire: httpx2.Client, body: dict, param: str) -> None:
    response = wire.post("/responses", json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["param"] == param, error


def test_json_object_needs_json_in_the_input(wire: httpx2.Client) -> None:
    body = {"model": MODEL, "input": "x", "text": {"format": {"type": "json_object"}}}
    error = wire.post("/responses", json=body).json()["error"]
    assert "'text.format' of type 'json_object'" in error["message"]


def test_nulls_mean_left_out(fake: openai.OpenAI, wire: httpx2.Client) -> None:
    body = {"model": MODEL, "input": "x", "instructions": None, "tool_choice": "auto"}
    body |= {k: None for k in ("temperature", "top_p", "max_output_tokens", "store", "metadata")}
    body |= {"previous_response_id": None, "truncation": None, "include": None}
    response = wire.post("/responses", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["temperature"] == 1.0


# -- state ---------------------------------------------------------------------------------


def test_previous_response_id_continues_without_resending(fake: openai.OpenAI) -> None:
    first = fake.responses.create(model=MODEL, instructions="Be kind.", input="alpha beta")
    second = fake.responses.create(model=MODEL, input="gamma", previous_response_id=first.id)
    items = fake.responses.input_items.list(second.id, order="asc").data
    # the first turn's input and output, then this one's input; not the instructions
    assert [i.type for i in items] == ["message", "message", "message"]
    assert items[1].id == first.output[0].id
    assert second.usage.input_tokens > first.usage.input_tokens  # it read the history
    assert second.previous_response_id == first.id


def test_resending_stored_items_with_previous_response_id_is_a_400(fake: openai.OpenAI) -> None:
    first = fake.responses.create(model=MODEL, input="alpha")
    with pytest.raises(openai.BadRequestError) as caught:
        fake.responses.create(
            model=MODEL,
            input=[*first.output, {"role": "user", "content": "again"}],
            previous_response_id=first.id,
        )
    assert "Duplicate item found" in caught.value.body["message"]


def test_get_delete_and_store_false(fake: openai.OpenAI) -> None:
    kept = fake.responses.create(model=MODEL, input="x", metadata={"lesson": "11"})
    assert fake.responses.retrieve(kept.id).metadata == {"lesson": "11"}
    fake.responses.delete(kept.id)
    with pytest.raises(openai.NotFoundError):
        fake.responses.retrieve(kept.id)
    unkept = fake.responses.create(model=MODEL, input="x", store=False)
    assert unkept.store is False
    with pytest.raises(openai.NotFoundError):
        fake.responses.retrieve(unkept.id)
    with pytest.raises(openai.BadRequestError) as caught:
        fake.responses.create(model=MODEL, input="y", previous_response_id=unkept.id)
    assert caught.value.code == "previous_response_not_found"


def test_input_items_page_by_page(fake: openai.OpenAI) -> None:
    many = [{"role": "user", "content": str(i)} for i in range(5)]
    response = fake.responses.create(model=MODEL, input=many)
    ids = [i.id for i in fake.responses.input_items.list(response.id, order="asc").data]
    assert len(ids) == 5
    page = fake.responses.input_items.list(response.id, order="asc", limit=2)
    assert [i.id for i in page.data] == ids[:2]
    assert page.has_more is True
    assert [i.id for i in fake.responses.input_items.list(response.id, limit=100)] == ids[::-1]
    assert [i.id for i in fake.responses.input_items.list(response.id, order="asc")] == ids


def test_the_store_is_bounded() -> None:
    from llmwidgets.sandbox.response_store import ResponseStore, Stored

    store = ResponseStore(limit=3)
    for n in range(5):
        store.keep(Stored({"id": f"resp_{n}", "output": []}, [], []))
    assert len(store) == 3
    with pytest.raises(Exception, match="not found"):
        store.get("resp_0")
    store.get("resp_4")


# -- streaming -------------------------------------------------------------------------------


def test_stream_events_in_order_with_sequence_numbers(wire: httpx2.Client) -> None:
    response = wire.post("/responses", json={"model": MODEL, "input": "one two", "stream": True})
    events = sse_events(response)
    kinds = [e["type"] for e in events]
    assert kinds[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert set(kinds[4:-4]) == {"response.output_text.delta"}
    assert kinds[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    text = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
    final = events[-1]["response"]
    assert final["output"][0]["content"][0]["text"] == text
    assert final["usage"]["output_tokens"] == len(text.split())
    item_ids = {e.get("item_id") for e in events[3:-2]}
    assert item_ids == {final["output"][0]["id"]}


def test_the_sdk_stream_helper_accumulates_the_events(fake: openai.OpenAI) -> None:
    with fake.responses.stream(model=MODEL, input="alpha beta") as stream:
        deltas = [e.delta for e in stream if e.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert final.output_text == "".join(deltas)
    assert fake.responses.retrieve(final.id).output_text == final.output_text


def test_profiles_serve_responses_as_their_providers_do(fake_sandbox) -> None:
    base = fake_sandbox().removesuffix("/v1")

    def client(path: str) -> openai.OpenAI:
        return openai.OpenAI(base_url=base + path, api_key="unused", max_retries=0)

    groq = client("/groq/openai/v1")
    answer = groq.responses.create(model="llama-3.1-8b-instant", input="hi", store=True)
    assert answer.store is False  # Groq keeps nothing
    again = groq.responses.create(
        model="llama-3.1-8b-instant", input="hi", previous_response_id=answer.id
    )
    assert again.previous_response_id is None  # dropped: the conversation is lost, silently
    assert again.usage.input_tokens == answer.usage.input_tokens
    with pytest.raises(openai.NotFoundError):
        groq.responses.retrieve(answer.id)
    openrouter = client("/openrouter/api/v1")
    for asked in ({"previous_response_id": "resp_1"}, {"store": True}):
        with pytest.raises(openai.BadRequestError):  # documented: a 400
            openrouter.responses.create(model="openai/gpt-4o-mini", input="x", **asked)
    assert openrouter.responses.create(model="openai/gpt-4o-mini", input="x", store=False)
    with pytest.raises(openai.NotFoundError):  # Anthropic's layer has no Responses API
        client("/anthropic/v1").responses.create(model="claude-haiku-4-5", input="x")
    openai_profile = client("/openai/v1")
    first = openai_profile.responses.create(model="gpt-4.1-mini", input="x")
    assert first.model == "gpt-4.1-mini"
    assert openai_profile.responses.retrieve(first.id).id == first.id


# -- the real model ------------------------------------------------------------------------


def test_function_calls_by_call_id_and_back(sandbox: openai.OpenAI) -> None:
    question = [{"role": "user", "content": "What is the weather in Oslo?"}]
    first = sandbox.responses.create(
        model=MODEL, input=question, tools=[WEATHER], tool_choice="required", temperature=0
    )
    calls = [item for item in first.output if item.type == "function_call"]
    assert calls, first.output
    assert calls[0].name == "get_weather"
    assert json.loads(calls[0].arguments)["city"]
    assert first.tools[0].strict is True
    results = [
        {"type": "function_call_output", "call_id": call.call_id, "output": "12 C, rain"}
        for call in calls
    ]
    second = sandbox.responses.create(
        model=MODEL, input=[*question, *first.output, *results], tools=[WEATHER], temperature=0
    )
    assert second.status == "completed"
    assert second.output_text


def test_streamed_function_call_events(raw: httpx2.Client) -> None:
    body = {
        "model": MODEL,
        "input": "What is the weather in Oslo?",
        "tools": [WEATHER],
        "tool_choice": {"type": "function", "name": "get_weather"},
        "stream": True,
        "temperature": 0,
    }
    events = sse_events(raw.post("/responses", json=body))
    kinds = [e["type"] for e in events]
    assert "response.function_call_arguments.delta" in kinds
    done = next(e for e in events if e["type"] == "response.function_call_arguments.done")
    deltas = [e["delta"] for e in events if e["type"] == "response.function_call_arguments.delta"]
    assert done["arguments"] == "".join(deltas)
    assert json.loads(done["arguments"])["city"]
    assert kinds[-1] == "response.completed"


class Greeting(pydantic.BaseModel):
    greeting: str
    language: str


def test_parse_with_a_pydantic_model(sandbox: openai.OpenAI) -> None:
    response = sandbox.responses.parse(
        model=MODEL, input="Greet me in Spanish.", text_format=Greeting, temperature=0
    )
    assert isinstance(response.output_parsed, Greeting)


def test_a_cut_off_answer_is_incomplete_on_the_model(sandbox: openai.OpenAI) -> None:
    response = sandbox.responses.create(
        model=MODEL, input="Write a long story about a lighthouse.", max_output_tokens=16
    )
    assert response.status == "incomplete"
    assert response.incomplete_details.reason == "max_output_tokens"
    assert response.usage.output_tokens == 16
    assert response.output[0].status == "incomplete"


# -- the same switches, limits and cancelling as chat ----------------------------------------


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, openai.InternalServerError),
        (429, openai.RateLimitError),
        (401, openai.AuthenticationError),
    ],
)
def test_teaching_switches_apply(fake: openai.OpenAI, status: int, error: type) -> None:
    with pytest.raises(error):
        fake.responses.create(model=MODEL, input="x", extra_headers={"X-Sandbox-Fail": str(status)})


def test_rate_limits_count_responses_too(fake_sandbox) -> None:
    client = openai.OpenAI(base_url=fake_sandbox(rpm=1), api_key="student-1", max_retries=0)
    client.responses.create(model=MODEL, input="x")
    with pytest.raises(openai.RateLimitError):
        client.responses.create(model=MODEL, input="x")


def test_a_stream_left_early_frees_the_model(sandbox_url: str) -> None:
    import time

    client = openai.OpenAI(base_url=sandbox_url, api_key="x", max_retries=0, timeout=60)
    stream = client.responses.create(
        model=MODEL, input="Tell a very long story.", max_output_tokens=3000, stream=True
    )
    deltas = 0
    for event in stream:
        deltas += event.type == "response.output_text.delta"
        if deltas >= 3:
            break
    stream.close()
    started = time.monotonic()
    after = client.responses.create(model=MODEL, input="Hi", max_output_tokens=16)
    assert after.status in {"completed", "incomplete"}
    assert time.monotonic() - started < 3.0, "the abandoned stream kept the model busy"


@pytest.mark.parametrize(
    ("item", "param", "named"),
    [
        ({"type": "item_reference", "id": "msg_1"}, "input[0]", "'function_call_output'"),
        (
            {"role": "user", "content": [{"type": "input_image", "image_url": "http://x"}]},
            "input[0].content[0]",
            "'input_text'",
        ),
    ],
)
def test_an_item_or_part_it_cannot_read_is_named_in_words(
    wire: httpx2.Client, item: dict, param: str, named: str
) -> None:
    error = wire.post("/responses", json={"model": MODEL, "input": [item]}).json()["error"]
    assert error["param"] == param
    assert named in error["message"] and "Item" not in error["message"]  # no class names


def test_a_call_sent_back_as_a_proxy_returned_it_is_read(wire: httpx2.Client) -> None:
    """LiteLLM's proxy adds `namespace`, `caller` and `async` to a call, as nulls; a lesson
    that sends `response.output` back must not fail on them."""
    call = {"type": "function_call", "call_id": "call_1", "name": "f", "arguments": "{}"}
    call |= {"namespace": None, "caller": None, "async": None, "id": "fc_1", "status": "completed"}
    answer = {"type": "function_call_output", "call_id": "call_1", "output": "4"}
    response = wire.post("/responses", json={"model": MODEL, "input": [call, answer]})
    assert response.status_code == 200, response.text
    call["async_"] = call.pop("async")  # as LiteLLM 1.108.7 writes it
    response = wire.post("/responses", json={"model": MODEL, "input": [call, answer]})
    assert response.status_code == 200, response.text
