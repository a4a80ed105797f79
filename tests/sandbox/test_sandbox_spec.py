"""Every kind of body the sandbox sends validates against OpenAI's own OpenAPI schemas."""

from __future__ import annotations

import json

import httpx2
import openai
import pytest
from support.openapi import assert_valid, assert_valid_event

MODEL = "smollm2-135m-instruct"
EMBED = "all-minilm-l6-v2"
HELLO = [{"role": "user", "content": "Say hello."}]
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
    },
}


def test_models(wire: httpx2.Client) -> None:
    listing = wire.get("/models").json()
    assert_valid(listing, "ListModelsResponse")
    for model in listing["data"]:
        assert_valid(wire.get(f"/models/{model['id']}").json(), "Model")


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="plain"),
        pytest.param({"n": 2, "logprobs": True, "top_logprobs": 2, "seed": 1}, id="n-logprobs"),
        pytest.param({"stop": ["."], "temperature": 0}, id="stop"),
        pytest.param({"response_format": {"type": "json_object"}}, id="json-object"),
        pytest.param(
            {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {
                        "name": "greeting",
                        "strict": True,
                        "schema": {
                            "type": "object",
                            "properties": {"text": {"type": "string"}},
                            "required": ["text"],
                            "additionalProperties": False,
                        },
                    },
                }
            },
            id="json-schema",
        ),
        pytest.param({"tools": [WEATHER], "tool_choice": "required"}, id="tool-call"),
    ],
)
def test_chat_completion(raw: httpx2.Client, params: dict) -> None:
    messages = HELLO
    if "response_format" in params:
        messages = [{"role": "user", "content": "Greet me in JSON."}]
    body = {"model": MODEL, "messages": messages, "max_tokens": 24, **params}
    response = raw.post("/chat/completions", json=body)
    assert response.status_code == 200, response.text
    assert_valid(response.json(), "CreateChatCompletionResponse")


def test_tool_result_round_trip(sandbox: openai.OpenAI, raw: httpx2.Client) -> None:
    question = [{"role": "user", "content": "What is the weather in Oslo?"}]
    first = sandbox.chat.completions.create(  # seeded, with room to finish the call
        model=MODEL,
        messages=question,
        tools=[WEATHER],
        tool_choice="required",
        max_tokens=80,
        seed=1,
    )
    call = first.choices[0].message.tool_calls[0]
    messages = [
        *question,
        first.choices[0].message.to_dict(),
        {"role": "tool", "tool_call_id": call.id, "content": '{"celsius": 4}'},
    ]
    response = raw.post(
        "/chat/completions", json={"model": MODEL, "messages": messages, "max_tokens": 24}
    )
    assert_valid(response.json(), "CreateChatCompletionResponse")


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"logprobs": True, "top_logprobs": 1, "n": 2}, id="text-logprobs"),
        pytest.param({"tools": [WEATHER], "tool_choice": "required"}, id="tool-call"),
    ],
)
def test_stream_chunks(sandbox: openai.OpenAI, params: dict) -> None:
    stream = sandbox.chat.completions.create(
        model=MODEL,
        messages=HELLO,
        max_tokens=24,
        stream=True,
        stream_options={"include_usage": True},
        **params,
    )
    chunks = [chunk.to_dict() for chunk in stream]  # exactly the fields that were sent
    assert chunks[-1]["choices"] == []
    for chunk in chunks:
        assert_valid(chunk, "CreateChatCompletionStreamResponse")


@pytest.mark.parametrize("encoding", ["float", "base64"])
def test_embeddings(raw: httpx2.Client, encoding: str) -> None:
    body = {"model": EMBED, "input": ["a cat", "a kitten"], "encoding_format": encoding}
    assert_valid(raw.post("/embeddings", json=body).json(), "CreateEmbeddingResponse")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/chat/completions", {"model": MODEL}),
        ("POST", "/chat/completions", {"model": "gpt-nothing", "messages": HELLO}),
        ("POST", "/chat/completions", {"model": MODEL, "messages": HELLO, "n": 99}),
        ("POST", "/embeddings", {"model": EMBED, "input": "word " * 300}),
        ("GET", "/models/gpt-nothing", None),
        ("GET", "/nowhere", None),
        ("DELETE", "/models", None),
    ],
)
def test_errors(wire: httpx2.Client, method: str, path: str, body: dict | None) -> None:
    response = wire.request(method, path, json=body)
    assert 400 <= response.status_code < 500
    assert_valid(response.json(), "ErrorResponse")


# -- the Responses API ---------------------------------------------------------------------

RESPONSE_TOOL = {"type": "function", **WEATHER["function"]}
GREETING_FORMAT = {
    "type": "json_schema",
    "name": "greeting",
    "schema": {
        "type": "object",
        "properties": {"text": {"type": "string"}},
        "required": ["text"],
        "additionalProperties": False,
    },
}
RESPONSE_CASES = [
    pytest.param({}, id="plain"),
    pytest.param({"include": ["message.output_text.logprobs"], "top_logprobs": 2}, id="logprobs"),
    pytest.param({"max_output_tokens": 16}, id="incomplete"),
    pytest.param({"text": {"format": GREETING_FORMAT}}, id="json-schema"),
    pytest.param({"tools": [RESPONSE_TOOL], "tool_choice": "required"}, id="function-call"),
]


@pytest.mark.parametrize("params", RESPONSE_CASES)
def test_response(raw: httpx2.Client, params: dict) -> None:
    body = {"model": MODEL, "input": "Say hello, briefly.", "temperature": 0}
    body |= {"max_output_tokens": 32, **params}
    response = raw.post("/responses", json=body)
    assert response.status_code == 200, response.text
    assert_valid(response.json(), "Response")
    items = raw.get(f"/responses/{response.json()['id']}/input_items").json()
    assert_valid(items, "ResponseItemList")


@pytest.mark.parametrize("params", RESPONSE_CASES)
def test_response_events(raw: httpx2.Client, params: dict) -> None:
    body = {"model": MODEL, "input": "Say hello, briefly.", "temperature": 0, "stream": True}
    body["max_output_tokens"] = 32
    with raw.stream("POST", "/responses", json=body | params) as response:
        lines = [line for line in response.iter_lines() if line.startswith("data: ")]
    events = [json.loads(line.removeprefix("data: ")) for line in lines]
    assert events[-1]["type"] in ("response.completed", "response.incomplete")
    for event in events:
        assert_valid_event(event)


def test_a_function_call_output_round_trip_validates(raw: httpx2.Client) -> None:
    question = {"role": "user", "content": "What is the weather in Oslo?"}
    first = raw.post(
        "/responses",
        json={
            "model": MODEL,
            "input": [question],
            "tools": [RESPONSE_TOOL],
            "tool_choice": "required",
        },
    ).json()
    call = first["output"][0]
    output = {"type": "function_call_output", "call_id": call["call_id"], "output": "4 C"}
    body = {"model": MODEL, "input": [question, call, output], "max_output_tokens": 24}
    assert_valid(body, "CreateResponse")  # what the lesson sends is OpenAI's shape too
    second = raw.post("/responses", json=body)
    assert second.status_code == 200, second.text
    assert_valid(second.json(), "Response")
    items = raw.get(f"/responses/{second.json()['id']}/input_items", params={"order": "asc"})
    assert [i["type"] for i in items.json()["data"]] == [
        "message",
        "function_call",
        "function_call_output",
    ]
    assert_valid(items.json(), "ResponseItemList")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/responses", {"model": MODEL}),
        ("POST", "/responses", {"model": MODEL, "input": "x", "tools": [{"type": "web_search"}]}),
        ("GET", "/responses/resp_nothing", None),
        ("DELETE", "/responses/resp_nothing", None),
    ],
)
def test_response_errors(wire: httpx2.Client, method: str, path: str, body: dict | None) -> None:
    response = wire.request(method, path, json=body)
    assert 400 <= response.status_code < 500
    assert_valid(response.json(), "ErrorResponse")
