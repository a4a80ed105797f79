"""The `litellm` preset against LiteLLM's own proxy, started in front of the sandbox.

The proxy is the real `litellm[proxy]` (the `litellm` extra), offline; its config is
`tools/litellm_proxy.py`'s: the course's model names routed to the sandbox's models,
priced, plus a deployment that is down and falls back. Everything goes through
`llmwidgets.connect("litellm")` and the official SDK.
"""

from __future__ import annotations

import math

import openai
import pytest
from litellm_proxy import CHAT_MODEL, EMBEDDING_MODEL, FLAKY_MODEL, PRICES

import llmwidgets
from llmwidgets.streaming import StreamAccumulator

HELLO = [{"role": "user", "content": "Say hello."}]


@pytest.fixture
def client(litellm_proxy_url: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> openai.OpenAI:
    """`connect("litellm")` as a student would have it: the proxy's address and a key in the
    variables LiteLLM's own clients read."""
    url, key = litellm_proxy_url
    monkeypatch.setenv("LITELLM_PROXY_API_BASE", url)
    monkeypatch.setenv("LITELLM_API_KEY", key)
    return llmwidgets.connect("litellm")


def test_routes_the_course_model_names_to_the_sandbox(client, sandbox_url) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model=CHAT_MODEL, messages=HELLO, max_tokens=8, seed=1
    )
    reply = raw.parse()
    assert reply.choices[0].message.content
    assert raw.headers["x-litellm-model-group"] == CHAT_MODEL
    assert raw.headers["x-litellm-model-api-base"].rstrip("/") == sandbox_url.rstrip("/")
    listed = {m.id for m in client.models.list().data}
    assert {CHAT_MODEL, EMBEDDING_MODEL} <= listed


def test_reports_what_the_call_cost(client) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model=CHAT_MODEL, messages=HELLO, max_tokens=8, seed=1
    )
    usage = raw.parse().usage
    assert usage is not None
    expected = usage.prompt_tokens * PRICES["input"] + usage.completion_tokens * PRICES["output"]
    assert math.isclose(float(raw.headers["x-litellm-response-cost"]), expected, rel_tol=1e-6)


def test_streams_with_usage_and_its_cost(client) -> None:
    stream = client.chat.completions.create(
        model=CHAT_MODEL,
        messages=HELLO,
        max_tokens=8,
        seed=1,
        stream=True,
        stream_options={"include_usage": True},
    )
    accumulator = StreamAccumulator()
    chunks = list(stream)
    for chunk in chunks:
        accumulator.add(chunk)
    last = chunks[-1]
    # LiteLLM's usage chunk keeps an empty choice (OpenAI's has none) and adds the cost.
    assert last.usage is not None and last.usage.completion_tokens > 0
    assert (last.usage.model_extra or {}).get("cost", 0) > 0
    assert accumulator.usage == last.usage
    assert accumulator.text


def test_falls_back_when_a_deployment_is_down(client) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model=FLAKY_MODEL, messages=HELLO, max_tokens=5
    )
    assert raw.parse().choices[0].message.content
    assert raw.headers["x-litellm-attempted-fallbacks"] == "1"
    assert raw.headers["x-litellm-model-group"] == CHAT_MODEL


def test_embeddings_through_the_proxy(client) -> None:
    response = client.embeddings.create(model=EMBEDDING_MODEL, input=["a cat", "a kitten"])
    assert [len(d.embedding) for d in response.data] == [384, 384]
    short = client.embeddings.create(model=EMBEDDING_MODEL, input="a cat", dimensions=64)
    assert len(short.data[0].embedding) == 64


def test_an_unknown_model_is_a_400_not_a_404(client) -> None:
    """LiteLLM answers an unknown model group with 400, where OpenAI says 404: a difference
    the sandbox's `litellm` profile rehearses."""
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model="no-such-model", messages=HELLO, max_tokens=5)
    assert "Invalid model name" in raised.value.message


def test_the_sdks_variable_name_works_too(litellm_proxy_url, monkeypatch) -> None:
    url, key = litellm_proxy_url
    monkeypatch.setenv("LITELLM_PROXY_API_BASE", url)
    monkeypatch.delenv("LITELLM_API_KEY", raising=False)
    monkeypatch.setenv("LITELLM_PROXY_API_KEY", key)  # what litellm's own SDK reads
    client = llmwidgets.connect("litellm", prompt=False)
    assert client.models.list().data


def test_the_responses_api_passes_through_to_the_sandbox(client) -> None:
    """For an `openai/` model LiteLLM forwards /responses as it is, so the sandbox keeps the
    state; the ids it hands out are its own (encrypted, different each time they are
    shown), and each of them still names the stored response."""
    first = client.responses.create(
        model=CHAT_MODEL, input="My name is Ada. Say hello.", max_output_tokens=20, temperature=0
    )
    assert first.status in {"completed", "incomplete"}
    assert not first.id.startswith("resp_") or len(first.id) > 40  # not the sandbox's own id
    second = client.responses.create(
        model=CHAT_MODEL, previous_response_id=first.id, input="My name?", max_output_tokens=16
    )
    assert second.usage.input_tokens > first.usage.input_tokens  # it read the first turn
    kinds = [e.type for e in client.responses.create(
        model=CHAT_MODEL, input="Hi", max_output_tokens=16, stream=True
    )]  # fmt: skip
    assert kinds[0] == "response.created" and kinds[-1] in {
        "response.completed",
        "response.incomplete",
    }
    assert client.responses.retrieve(second.id).output_text == second.output_text
