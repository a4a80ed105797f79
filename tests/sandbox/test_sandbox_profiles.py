"""Provider profiles: the sandbox behind each provider's documented surface.

Through the official SDK against the sandbox's real app on a fake engine (the surface is
what is tested here: ids, refusals, envelopes, limits), plus `Profile.chat` directly for
what a provider silently changes in a request before the model sees it.
"""

from __future__ import annotations

import os

import openai
import pytest

import llmwidgets
from llmwidgets.providers import PRESETS, REHEARSABLE
from llmwidgets.sandbox.profiles import Profile
from llmwidgets.sandbox.schemas import ChatRequest

HELLO = [{"role": "user", "content": "Hello"}]


def rehearsal(url: str, provider: str, **options) -> openai.OpenAI:
    root = url.removesuffix("/v1")
    return openai.OpenAI(
        base_url=root + (PRESETS[provider].rehearsal_path or ""),
        api_key="x",
        max_retries=0,
        **options,
    )


def request(**fields) -> ChatRequest:
    return ChatRequest.model_validate({"messages": HELLO, **fields})


@pytest.mark.parametrize("provider", REHEARSABLE)
def test_each_profile_serves_its_models_at_the_providers_path(fake_sandbox, provider) -> None:
    client = rehearsal(fake_sandbox(), provider)
    preset = PRESETS[provider]
    listed = [m.id for m in client.models.list().data]
    assert listed == [*preset.model_hints, *preset.embedding_models]
    reply = client.chat.completions.create(model=preset.model_hints[0], messages=HELLO)
    assert reply.model == preset.model_hints[0]  # the id asked for, not the engine's
    assert reply.choices[0].message.content


def test_the_sandboxs_own_surface_is_unchanged_at_v1(fake_sandbox) -> None:
    client = openai.OpenAI(base_url=fake_sandbox(), api_key="x", max_retries=0)
    assert [m.id for m in client.models.list().data] == [
        "smollm2-135m-instruct",
        "all-minilm-l6-v2",
    ]
    assert client.models.retrieve("smollm2-135m-instruct").owned_by == "llmwidgets-sandbox"


def test_profile_chosen_for_v1(fake_sandbox) -> None:
    client = openai.OpenAI(base_url=fake_sandbox(profile="groq"), api_key="x", max_retries=0)
    assert client.models.list().data[0].id == "llama-3.1-8b-instant"
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="llama-3.1-8b-instant", messages=HELLO, n=2)


@pytest.mark.parametrize(
    ("fields", "message", "param"),
    [
        ({"n": 4}, "'n' : number must be at most 1", "n"),
        ({"logprobs": True}, "'logprobs' : is not supported", "logprobs"),
        ({"logit_bias": {"42": 5}}, "'logit_bias' : is not supported", "logit_bias"),
        (
            {"messages": [{"role": "user", "content": "Hi", "name": "ada"}]},
            "'messages.0' : for 'role:user' the following must be satisfied"
            "[('messages.0' : property 'name' is unsupported)]",
            "messages[0].name",
        ),
    ],
)
def test_groq_refuses_what_its_docs_say_with_a_400(fake_sandbox, fields, message, param) -> None:
    client = rehearsal(fake_sandbox(), "groq")
    body = {"model": "llama-3.1-8b-instant", "messages": HELLO, **fields}
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(**body)
    assert raised.value.message.endswith(message)
    assert raised.value.body == {
        "message": message,
        "type": "invalid_request_error",
        "param": param,
    }  # Groq's envelope: no null code


def test_groq_accepts_the_values_it_allows(fake_sandbox) -> None:
    client = rehearsal(fake_sandbox(), "groq")
    reply = client.chat.completions.create(
        model="llama-3.1-8b-instant", messages=HELLO, n=1, logprobs=False
    )
    assert len(reply.choices) == 1


def test_groq_has_no_embeddings_endpoint(fake_sandbox) -> None:
    client = rehearsal(fake_sandbox(), "groq")
    with pytest.raises(openai.NotFoundError) as raised:
        client.embeddings.create(model="nomic-embed-text", input="hi")
    assert raised.value.code == "unknown_url"
    assert "/groq/openai/v1/embeddings" in raised.value.message


def test_groq_json_schema_only_on_the_models_that_support_it(fake_sandbox) -> None:
    client = rehearsal(fake_sandbox(), "groq")
    schema = {
        "type": "json_schema",
        "json_schema": {"name": "x", "schema": {"type": "object"}, "strict": True},
    }
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(
            model="llama-3.1-8b-instant", messages=HELLO, response_format=schema
        )
    assert raised.value.param == "response_format"
    reply = client.chat.completions.create(
        model="openai/gpt-oss-20b", messages=HELLO, response_format=schema, max_tokens=5
    )
    assert reply.model == "openai/gpt-oss-20b"


def test_anthropic_ignores_caps_and_refuses_as_documented() -> None:
    profile = Profile("anthropic")
    ran = profile.chat(
        request(
            model="claude-haiku-4-5",
            temperature=1.7,
            seed=7,
            presence_penalty=1.0,
            response_format={"type": "json_object"},
            logprobs=True,
            user="u1",
        )
    )
    assert ran.temperature == 1.0  # "values greater than 1 are capped at 1"
    assert ran.seed is ran.presence_penalty is ran.response_format is ran.logprobs is None
    assert ran.user is None
    assert ran.model == "smollm2-135m-instruct"
    from llmwidgets.sandbox.errors import SandboxAPIError

    with pytest.raises(SandboxAPIError) as raised:
        profile.chat(request(model="claude-haiku-4-5", n=2))
    assert (raised.value.status, raised.value.param) == (400, "n")


def test_anthropic_lists_models_in_its_own_shape(fake_sandbox) -> None:
    client = rehearsal(fake_sandbox(), "anthropic")
    page = client.models.list()
    raw = page.model_dump()
    assert raw["has_more"] is False and raw["first_id"] == "claude-haiku-4-5"
    first = page.data[0]
    assert first.model_extra and first.model_extra["type"] == "model"
    assert first.owned_by is None  # no OpenAI `owned_by`: code that prints it must cope
    with pytest.raises(openai.NotFoundError) as raised:
        client.embeddings.create(model="voyage-3", input="hi")
    assert raised.value.response.json() == {
        "type": "error",
        "error": {"type": "not_found_error", "message": "Not Found"},
    }


def test_anthropic_reports_no_cached_tokens(fake_sandbox) -> None:
    client = rehearsal(fake_sandbox(), "anthropic")
    reply = client.chat.completions.create(model="claude-haiku-4-5", messages=HELLO)
    assert reply.usage is not None and reply.usage.prompt_tokens_details is None


def test_ollama_drops_n_and_max_completion_tokens() -> None:
    ran = Profile("ollama").chat(request(model="llama3.2", n=4, max_completion_tokens=5))
    assert ran.n is None and ran.max_completion_tokens is None


def test_ollama_answers_one_choice_for_n_and_a_plain_404_off_its_routes(fake_sandbox) -> None:
    client = rehearsal(fake_sandbox(), "ollama")
    reply = client.chat.completions.create(model="llama3.2", messages=HELLO, n=3)
    assert len(reply.choices) == 1
    with pytest.raises(openai.NotFoundError) as raised:
        client.chat.completions.create(model="llama3.3", messages=HELLO)
    assert raised.value.message.endswith('model "llama3.3" not found, try pulling it first')
    with pytest.raises(openai.NotFoundError) as raised:
        client.post("/nowhere", cast_to=object)
    assert raised.value.response.text == "404 page not found"


def test_openrouter_unknown_model_is_a_400_in_its_envelope(fake_sandbox) -> None:
    client = rehearsal(fake_sandbox(), "openrouter")
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model="claude-sonnet-4-5", messages=HELLO)
    assert raised.value.body == {
        "code": 400,
        "message": "claude-sonnet-4-5 is not a valid model ID",
    }
    with pytest.raises(openai.NotFoundError):  # no GET /models/{id} on OpenRouter
        client.models.retrieve("openai/gpt-4o-mini")


def test_openrouter_streams_usage_unasked(fake_sandbox) -> None:
    client = rehearsal(fake_sandbox(), "openrouter")
    chunks = list(
        client.chat.completions.create(model="openai/gpt-4o-mini", messages=HELLO, stream=True)
    )
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0


def test_openrouter_free_models_meet_20_a_minute(fake_sandbox) -> None:
    client = rehearsal(fake_sandbox(), "openrouter")
    free, paid = "openai/gpt-oss-20b:free", "openai/gpt-4o-mini"
    for _ in range(20):
        raw = client.chat.completions.with_raw_response.create(model=free, messages=HELLO)
        assert "x-ratelimit-limit" not in raw.headers  # none on success, per its docs
    with pytest.raises(openai.RateLimitError) as raised:
        client.chat.completions.create(model=free, messages=HELLO)
    headers = raised.value.response.headers
    assert headers["x-ratelimit-limit"] == "20" and headers["x-ratelimit-remaining"] == "0"
    assert int(headers["x-ratelimit-reset"]) > 1_600_000_000_000  # epoch milliseconds
    assert int(headers["retry-after"]) >= 1
    assert raised.value.body == {
        "code": 429,
        "message": "Rate limit exceeded: free-models-per-min.",
        "metadata": {"error_type": "rate_limit_exceeded"},
    }
    assert client.chat.completions.create(model=paid, messages=HELLO)  # paid: no limit


def test_groq_free_tier_limits_come_with_its_headers(fake_sandbox) -> None:
    client = rehearsal(fake_sandbox(minute=120), "groq")  # a "minute" twice as long
    for _ in range(30):
        raw = client.chat.completions.with_raw_response.create(
            model="llama-3.1-8b-instant", messages=HELLO
        )
        assert raw.headers["x-ratelimit-limit-tokens"] == "6000"  # Groq always sends them
    with pytest.raises(openai.RateLimitError) as raised:
        client.chat.completions.create(model="llama-3.1-8b-instant", messages=HELLO)
    headers = raised.value.response.headers
    assert headers["x-ratelimit-limit-requests"] == "30"
    assert 2 < float(headers["retry-after-ms"]) / 1000 <= 4  # a request's worth: 120 s / 30


def test_a_shorter_minute_refills_sooner() -> None:
    from llmwidgets.sandbox.ratelimit import RateLimiter

    limiter = RateLimiter(rpm=20, minute=3)  # `--minute 3`: 20 every 3 seconds
    for _ in range(20):
        limiter.admit("k", now=0.0)
    from llmwidgets.sandbox.errors import SandboxAPIError

    with pytest.raises(SandboxAPIError) as raised:
        limiter.admit("k", now=0.0)
    assert raised.value.headers["retry-after-ms"] == "150"
    limiter.admit("k", now=0.15)


def test_connect_rehearses_without_the_real_key(fake_sandbox, monkeypatch) -> None:
    """`connect("groq", rehearse=True)` reaches the sandbox's Groq profile; the student's
    real GROQ_API_KEY stays home."""
    url = fake_sandbox()
    monkeypatch.setenv("LLMWIDGETS_SANDBOX_URL", url)
    monkeypatch.setenv("GROQ_API_KEY", "gsk_canary_never_sent")
    client = llmwidgets.connect("groq", rehearse=True)
    assert str(client.base_url).startswith(url.removesuffix("/v1") + "/groq/openai/v1")
    assert client.api_key == f"rehearsal-{os.getpid()}"  # each kernel meets its own limits
    assert llmwidgets.client.provider_id_of(client) == "groq"
    assert client.models.list().data[0].id == "llama-3.1-8b-instant"


def test_the_environment_turns_rehearsal_on(fake_sandbox, monkeypatch, no_keys) -> None:
    url = fake_sandbox()
    monkeypatch.setenv("LLMWIDGETS_SANDBOX_URL", url)
    monkeypatch.setenv("LLMWIDGETS_REHEARSE", "all")
    for provider in ("groq", "anthropic", "ollama"):
        client = llmwidgets.connect(provider)
        assert PRESETS[provider].rehearsal_path in str(client.base_url)
    explicit = llmwidgets.connect("openai", base_url="http://127.0.0.1:9/v1", api_key="k")
    assert str(explicit.base_url) == "http://127.0.0.1:9/v1/"  # an address given wins
    monkeypatch.setenv("LLMWIDGETS_REHEARSE", "ollama")
    with pytest.raises(llmwidgets.errors.MissingKeyError):
        llmwidgets.connect("groq", prompt=False)  # not rehearsed: the real thing
