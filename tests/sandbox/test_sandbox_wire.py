"""The sandbox's wire behaviour: errors in OpenAI's envelope, keys, limits, disconnects.

Checks that need no generated text run on `wire` / `fake_sandbox`: the sandbox's own app
served in-process on a fake engine (fast, in `make check`). The rest use the real model.
"""

from __future__ import annotations

import asyncio
import base64
import struct
import time

import httpx2
import numpy as np
import openai
import pytest

MODEL = "smollm2-135m-instruct"
EMBED = "all-minilm-l6-v2"
HELLO = [{"role": "user", "content": "Hello"}]


def envelope_of(response: httpx2.Response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "type", "param", "code"}
    return body["error"]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        (b"{not json", None),
        (b"[1, 2]", None),
        (b'{"model": "smollm2-135m-instruct"}', "messages"),
        (b'{"messages": [{"role": "user", "content": "x"}]}', "model"),
        (
            b'{"model": "smollm2-135m-instruct", "messages": [{"role": "user", "content": 5}]}',
            "messages[0].content",
        ),
        (
            b'{"model": "smollm2-135m-instruct", "messages": [{"role": "user", "content": "x"}],'
            b' "temperature": "hot"}',
            "temperature",
        ),
        (
            b'{"model": "smollm2-135m-instruct", "messages": [{"role": "user", "content": "x"}],'
            b' "n": 0}',
            "n",
        ),
        (
            b'{"model": "smollm2-135m-instruct", "messages": [{"role": "user", "content": "x"}],'
            b' "bogus": 1}',
            "bogus",
        ),
        (
            b'{"model": "smollm2-135m-instruct", "messages": [{"role": "user", "content": "x"}],'
            b' "logit_bias": {"not-a-token": 1}}',
            "logit_bias",
        ),
    ],
)
def test_bad_requests_are_400_naming_the_param(
    wire: httpx2.Client, body: bytes, param: str | None
) -> None:
    response = wire.post(
        "/chat/completions", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    error = envelope_of(response)
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param
    assert response.headers["x-should-retry"] == "false"


def test_unknown_path_wrong_method_and_unknown_model(wire: httpx2.Client) -> None:
    missing = wire.get("/completions/legacy")
    assert (missing.status_code, envelope_of(missing)["code"]) == (404, "unknown_url")
    wrong = wire.get("/chat/completions")
    assert (wrong.status_code, envelope_of(wrong)["code"]) == (405, "method_not_allowed")
    unknown = wire.post("/chat/completions", json={"model": "gpt-9", "messages": HELLO})
    assert (unknown.status_code, envelope_of(unknown)["code"]) == (404, "model_not_found")


def test_body_over_the_limit_is_413(wire: httpx2.Client) -> None:
    huge = {"model": MODEL, "messages": [{"role": "user", "content": "x" * 1_100_000}]}
    response = wire.post("/chat/completions", json=huge)
    assert response.status_code == 413
    assert envelope_of(response)["code"] == "request_too_large"


@pytest.fixture
def fake(fake_sandbox) -> openai.OpenAI:
    """The SDK on the in-process sandbox (fake engine): for errors raised before generation."""
    return openai.OpenAI(base_url=fake_sandbox(), api_key="unused", max_retries=0)


def test_prompt_over_the_context_is_context_length_exceeded(fake: openai.OpenAI) -> None:
    long = [{"role": "user", "content": "word " * 5000}]
    with pytest.raises(openai.BadRequestError) as raised:
        fake.chat.completions.create(model=MODEL, messages=long)
    assert raised.value.code == "context_length_exceeded"


def test_foreign_host_header_is_refused(wire: httpx2.Client) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 must get nothing."""
    response = wire.get("/models", headers={"host": "evil.example:8080"})
    assert response.status_code == 403
    assert envelope_of(response)["code"] == "invalid_host"
    assert wire.get("/models", headers={"host": "localhost:1234"}).status_code == 200
    assert (
        "access-control-allow-origin"
        not in wire.get("/models", headers={"origin": "http://evil.example"}).headers
    )


def test_embeddings_float_and_base64_agree(sandbox: openai.OpenAI, raw: httpx2.Client) -> None:
    texts = ["a cat", "a kitten", "interest rates"]
    sdk = sandbox.embeddings.create(model=EMBED, input=texts)  # the SDK asks for base64
    floats = raw.post(
        "/embeddings", json={"model": EMBED, "input": texts, "encoding_format": "float"}
    ).json()
    b64 = raw.post(
        "/embeddings", json={"model": EMBED, "input": texts, "encoding_format": "base64"}
    ).json()
    assert [d["index"] for d in floats["data"]] == [0, 1, 2]
    for i in range(3):
        vector = np.array(floats["data"][i]["embedding"])
        decoded = base64.b64decode(b64["data"][i]["embedding"])
        assert np.allclose(struct.unpack(f"<{len(vector)}f", decoded), vector, atol=1e-6)
        assert np.allclose(sdk.data[i].embedding, vector, atol=1e-6)
        assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-4)
    assert sdk.usage.prompt_tokens == sdk.usage.total_tokens > 0
    short = sandbox.embeddings.create(model=EMBED, input="a cat", dimensions=64)
    assert len(short.data[0].embedding) == 64


def test_token_arrays_embed_like_their_text(sandbox: openai.OpenAI) -> None:
    """OpenAI's other two `input` shapes: ids of the embedding model's own vocabulary (as
    its tokenizer gives them without [CLS]/[SEP]) embed exactly as the text they spell."""
    a_cat, a_kitten = [1037, 4937], [1037, 18401]  # WordPiece ids of "a cat", "a kitten"
    texts = sandbox.embeddings.create(model=EMBED, input=["a cat", "a kitten"])
    one = sandbox.embeddings.create(model=EMBED, input=a_cat)
    many = sandbox.embeddings.create(model=EMBED, input=[a_cat, a_kitten])
    assert np.allclose(one.data[0].embedding, texts.data[0].embedding, atol=1e-6)
    for i in range(2):
        assert np.allclose(many.data[i].embedding, texts.data[i].embedding, atol=1e-6)
    assert many.usage.prompt_tokens == texts.usage.prompt_tokens == 8


def test_a_long_token_array_is_too_long_not_the_wrong_type(fake: openai.OpenAI) -> None:
    """2048 is the most inputs one request takes, not the length of one token array: a
    long array is one input the model cannot read, as a long text is."""
    with pytest.raises(openai.BadRequestError) as caught:
        fake.embeddings.create(model=EMBED, input=[1000] * 3000)
    assert caught.value.code == "context_length_exceeded"
    assert "input[0] has 3002 tokens" in caught.value.message


def test_embedding_errors(fake: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="not a embeddings model"):
        fake.embeddings.create(model=MODEL, input="x")
    with pytest.raises(openai.BadRequestError, match="non-empty"):
        fake.embeddings.create(model=EMBED, input=[""])


def test_keys_are_checked_and_never_echoed(canary_key: str, start_sandbox) -> None:
    """A real server process, so that its real log is read too."""
    box = start_sandbox(api_keys=[canary_key])
    good = openai.OpenAI(base_url=box.url, api_key=canary_key, max_retries=0)
    assert good.models.list().data
    for key in ("sk-wrong-0123456789abcdef", canary_key[:-1]):
        bad = openai.OpenAI(base_url=box.url, api_key=key, max_retries=0)
        with pytest.raises(openai.AuthenticationError) as raised:
            bad.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=1)
        assert raised.value.code == "invalid_api_key"
        assert key not in str(raised.value.body)
    response = httpx2.get(f"{box.url}/models")
    assert response.status_code == 401
    assert envelope_of(response)["code"] == "missing_api_key"
    assert canary_key not in box.log.read_text()


def test_rate_limit_gives_429_with_retry_after(fake_sandbox) -> None:
    url = fake_sandbox(rpm=2)
    client = openai.OpenAI(base_url=url, api_key="student-1", max_retries=0)
    first = client.models.with_raw_response.list()
    assert first.headers["x-ratelimit-limit-requests"] == "2"
    assert first.headers["x-ratelimit-remaining-requests"] == "1"
    client.models.list()
    with pytest.raises(openai.RateLimitError) as raised:
        client.models.list()
    headers = raised.value.response.headers
    assert 1 <= int(headers["retry-after"]) <= 60
    assert headers["x-ratelimit-remaining-requests"] == "0"
    assert raised.value.code == "rate_limit_exceeded"


def test_disconnect_stops_generation(sandbox: openai.OpenAI) -> None:
    stream = sandbox.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "Tell a very long story."}],
        max_tokens=3000,
        stream=True,
        temperature=1.0,
        logit_bias={"2": -100},  # no end token
    )
    received = 0
    for chunk in stream:
        received += bool(chunk.choices and chunk.choices[0].delta.content)
        if received >= 3:
            break
    stream.close()
    started = time.monotonic()
    after = sandbox.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=1)
    assert after.choices[0].finish_reason in {"stop", "length"}
    assert time.monotonic() - started < 2.5, "the abandoned stream kept the model busy"


def test_twenty_concurrent_streams_all_complete(sandbox_url: str) -> None:
    async def one(client: openai.AsyncOpenAI, i: int) -> tuple[str, int]:
        stream = await client.chat.completions.create(
            model=MODEL,
            messages=HELLO,
            max_tokens=6,
            seed=i,
            stream=True,
            stream_options={"include_usage": True},
        )
        finish, total = None, 0
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].finish_reason:
                finish = chunk.choices[0].finish_reason
            if chunk.usage:
                total = chunk.usage.completion_tokens
        return finish, total

    async def run() -> list[tuple[str, int]]:
        async with openai.AsyncOpenAI(
            base_url=sandbox_url, api_key="x", max_retries=0, timeout=300
        ) as client:
            return await asyncio.gather(*(one(client, i) for i in range(20)))

    results = asyncio.run(run())
    assert all(finish in {"stop", "length"} and 0 < total <= 6 for finish, total in results)


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "TRACE", "OPTIONS"])
def test_an_undeclared_method_is_405_with_allow(wire: httpx2.Client, method: str) -> None:
    for path, allowed in (("/chat/completions", "POST"), ("/models", "GET")):
        response = wire.request(method, path)
        assert response.status_code == 405
        assert envelope_of(response)["code"] == "method_not_allowed"
        assert allowed in response.headers["allow"].split(", ")


def test_an_abandoned_whole_answer_frees_the_model(sandbox_url: str) -> None:
    """A client that stops waiting for a non-streamed answer (its timeout) must not keep
    the engine busy: the next request is served at once, not after the long answer."""
    impatient = openai.OpenAI(base_url=sandbox_url, api_key="x", max_retries=0, timeout=1.0)
    with pytest.raises(openai.APITimeoutError):
        impatient.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "Tell a very long story."}],
            max_tokens=3000,
            logit_bias={"2": -100},  # no end token: about 30 s of work if nobody stops it
        )
    patient = openai.OpenAI(base_url=sandbox_url, api_key="x", max_retries=0, timeout=60)
    started = time.monotonic()
    after = patient.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=1)
    assert after.choices[0].finish_reason in {"stop", "length"}
    assert time.monotonic() - started < 2.0, "the abandoned answer kept the model busy"


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("/embeddings", {"model": EMBED, "input": "x", "user": None}, "user"),
        ("/embeddings", {"model": EMBED, "input": "x", "dimensions": None}, "dimensions"),
        ("/embeddings", {"model": EMBED, "input": [[]]}, "input"),
        ("/embeddings", {"model": EMBED, "input": [1, "a"]}, "input"),
        ("/embeddings", {"model": EMBED, "input": [99999999]}, "input"),
        ("/chat/completions", {"model": MODEL, "messages": HELLO, "user": None}, "user"),
    ],
)
def test_null_where_the_schema_forbids_it_is_400(
    wire: httpx2.Client, path: str, body: dict, param: str
) -> None:
    response = wire.post(path, json=body)
    assert response.status_code == 400
    assert envelope_of(response)["param"].startswith(param)  # "input[0]" says where


def test_null_tools_and_tool_choice_mean_left_out(wire: httpx2.Client) -> None:
    """OpenAI answers `tools=None, tool_choice=None` passed on by a helper (its cookbook's
    `chat_completion_request`), although its schema does not make them nullable."""
    body = {"model": MODEL, "messages": HELLO, "tools": None, "tool_choice": None}
    response = wire.post("/chat/completions", json=body)
    assert response.status_code == 200, response.text


def test_strict_beside_function_is_ignored_as_openai_ignores_it(wire: httpx2.Client) -> None:
    tool = {
        "type": "function",
        "function": {"name": "add", "parameters": {"type": "object", "properties": {}}},
        "strict": True,  # one level too high: not the function's
    }
    body = {"model": MODEL, "messages": HELLO, "tools": [tool]}
    assert wire.post("/chat/completions", json=body).status_code == 200
    tool["function"]["bogus"] = 1  # inside the function, an unknown key is still refused
    error = envelope_of(wire.post("/chat/completions", json=body))
    assert error["param"] == "tools[0].function.bogus"
    assert error["message"] == "Unknown parameter: 'tools[0].function.bogus'."


def test_an_unknown_key_in_a_message_is_named(wire: httpx2.Client) -> None:
    body = {"model": MODEL, "messages": [{"role": "user", "content": "x", "mood": "happy"}]}
    error = envelope_of(wire.post("/chat/completions", json=body))
    assert (error["param"], error["code"]) == ("messages[0].mood", "unknown_parameter")


def test_null_where_the_schema_allows_it_is_accepted(wire: httpx2.Client) -> None:
    nullable = {"temperature", "top_p", "n", "max_tokens", "stop", "seed", "logit_bias"}
    body = {"model": MODEL, "messages": HELLO, **dict.fromkeys(nullable)}
    body |= {"stream": None, "stream_options": None, "logprobs": None, "store": None}
    assert wire.post("/chat/completions", json=body).status_code == 200


def test_a_tool_message_may_carry_a_name(wire: httpx2.Client) -> None:
    """Older SDK examples send `name` on tool messages; OpenAI accepts it, so must we."""
    call = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    messages = [
        *HELLO,
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_1", "name": "f", "content": "42"},
    ]
    assert (
        wire.post("/chat/completions", json={"model": MODEL, "messages": messages}).status_code
        == 200
    )


CUSTOM = {"type": "custom", "custom": {"name": "shell", "description": "Run a command."}}


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"tools": [CUSTOM]}, "tools[0]"),
        ({"tools": [CUSTOM], "tool_choice": {"type": "custom", "custom": {"name": "shell"}}}, None),
        ({"tools": [{"type": "function", "function": {"name": 5}}]}, "tools[0].function.name"),
        ({"tool_choice": {"type": "function", "function": {}}}, "tool_choice.function.name"),
    ],
)
def test_newer_tool_shapes_parse_and_get_openai_answers(
    wire: httpx2.Client, extra: dict, param: str | None
) -> None:
    """Custom tools and custom/allowed_tools choices are valid requests: the sandbox answers
    as OpenAI does for a model without custom tools (400 naming the tool), never with
    "unrecognized argument"; a malformed one names the exact field."""
    response = wire.post("/chat/completions", json={"model": MODEL, "messages": HELLO, **extra})
    assert response.status_code == 400
    error = envelope_of(response)
    assert "Unrecognized" not in error["message"]
    if param:
        assert error["param"] == param
    else:
        assert error["param"] in ("tools[0]", "tool_choice")


def test_tokenize_is_llama_cpp_servers_route(wire: httpx2.Client) -> None:
    url = str(wire.base_url).rstrip("/").removesuffix("/v1") + "/tokenize"  # at the root
    plain = wire.post(url, json={"content": "two words"}).json()["tokens"]
    pieces = wire.post(url, json={"content": "two words", "with_pieces": True}).json()
    assert [p["id"] for p in pieces["tokens"]] == plain and len(plain) == 2
    refused = wire.post(url, json={"text": "two words"})
    assert refused.status_code == 400
    assert envelope_of(refused)["param"] == "content"  # missing, named as OpenAI would


def test_a_token_with_part_of_a_character_is_written_as_openai_writes_it(
    raw: httpx2.Client,
) -> None:
    """Not "�" (which hides which bytes they were): `bytes:\\xf0\\x9f`, with `bytes` exact."""
    from llmwidgets.sandbox.engine import token_text

    assert token_text("😀".encode()[:2]) == "bytes:\\xf0\\x9f"
    assert token_text(b" Paris") == " Paris"
    url = str(raw.base_url).rstrip("/").removesuffix("/v1") + "/tokenize"  # at the root
    first = raw.post(url, json={"content": "😀"}).json()["tokens"][0]
    body = {
        "model": MODEL,
        "messages": HELLO,
        "max_tokens": 1,
        "logit_bias": {str(first): 100},
        "logprobs": True,
    }
    (entry,) = raw.post("/chat/completions", json=body).json()["choices"][0]["logprobs"]["content"]
    assert bytes(entry["bytes"]) == "😀".encode()[: len(entry["bytes"])]
    assert entry["token"] == token_text(bytes(entry["bytes"]))
    assert entry["token"].startswith("bytes:\\x")
