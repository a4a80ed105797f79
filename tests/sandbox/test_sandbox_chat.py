"""The sandbox through the official SDK: properties of real model output, never its wording."""

from __future__ import annotations

import json

import jsonschema
import openai
import pytest

MODEL = "smollm2-135m-instruct"
HELLO = [{"role": "user", "content": "Write one sentence about the sea."}]


def ask(client: openai.OpenAI, **params):
    return client.chat.completions.create(
        model=MODEL, messages=params.pop("messages", HELLO), **params
    )


def test_models(sandbox: openai.OpenAI) -> None:
    assert [m.id for m in sandbox.models.list()] == [MODEL, "all-minilm-l6-v2"]
    assert sandbox.models.retrieve(MODEL).owned_by == "llmwidgets-sandbox"
    with pytest.raises(openai.NotFoundError) as raised:
        sandbox.models.retrieve("gpt-9")
    assert raised.value.code == "model_not_found"


def test_completion_shape_and_usage(sandbox: openai.OpenAI) -> None:
    reply = ask(sandbox, max_tokens=12, seed=1)
    assert reply.object == "chat.completion"
    assert reply.id.startswith("chatcmpl-")
    assert reply.model == MODEL
    (choice,) = reply.choices
    assert choice.message.role == "assistant"
    assert choice.finish_reason in {"stop", "length"}
    usage = reply.usage
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert 0 < usage.completion_tokens <= 12
    assert ask(sandbox, max_tokens=1).usage.prompt_tokens == usage.prompt_tokens


def test_same_seed_same_text_streamed_or_not(sandbox: openai.OpenAI) -> None:
    first = ask(sandbox, max_tokens=24, seed=42, temperature=1.0).choices[0].message.content
    again = ask(sandbox, max_tokens=24, seed=42, temperature=1.0).choices[0].message.content
    stream = ask(sandbox, max_tokens=24, seed=42, temperature=1.0, stream=True)
    streamed = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert first == again == streamed
    others = {ask(sandbox, max_tokens=24, seed=s).choices[0].message.content for s in (1, 2, 3)}
    assert len(others) > 1, "different seeds at temperature 1 should not all agree"


def test_length_and_max_completion_tokens(sandbox: openai.OpenAI) -> None:
    for params in ({"max_tokens": 5}, {"max_completion_tokens": 5}):
        reply = ask(sandbox, temperature=0, **params)
        assert reply.choices[0].finish_reason == "length"
        assert reply.usage.completion_tokens == 5


def test_stop_sequence_is_honoured_and_not_included(sandbox: openai.OpenAI) -> None:
    greedy = ask(sandbox, temperature=0, max_tokens=30).choices[0].message.content
    words = greedy.split()
    assert len(words) > 4
    stop = " " + words[3]
    cut = ask(sandbox, temperature=0, max_tokens=30, stop=[stop, "@@never@@"])
    assert cut.choices[0].finish_reason == "stop"
    assert cut.choices[0].message.content == greedy[: greedy.index(stop)]
    stream = ask(sandbox, temperature=0, max_tokens=30, stop=stop, stream=True)
    assert "".join(c.choices[0].delta.content or "" for c in stream) == greedy[: greedy.index(stop)]


def test_n_choices_differ_and_count_in_usage(sandbox: openai.OpenAI) -> None:
    reply = ask(sandbox, n=3, seed=7, max_tokens=10)
    assert [c.index for c in reply.choices] == [0, 1, 2]
    assert len({c.message.content for c in reply.choices}) > 1
    assert 3 <= reply.usage.completion_tokens <= 30
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens


def test_stream_chunk_contract(sandbox: openai.OpenAI) -> None:
    chunks = list(
        ask(sandbox, n=2, seed=3, max_tokens=6, stream=True, stream_options={"include_usage": True})
    )
    assert {c.id for c in chunks} == {chunks[0].id}
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    body, last = chunks[:-1], chunks[-1]
    assert last.choices == []
    assert last.usage.completion_tokens == 12
    assert all(c.usage is None for c in body)
    for index in (0, 1):
        mine = [c.choices[0] for c in body if c.choices[0].index == index]
        assert mine[0].delta.role == "assistant"
        finishes = [c.finish_reason for c in mine if c.finish_reason]
        assert finishes == ["length"]
    plain = list(ask(sandbox, max_tokens=3, stream=True))
    assert all(c.usage is None for c in plain)


def test_json_object_mode_always_parses(sandbox: openai.OpenAI) -> None:
    for seed in (1, 2):
        reply = ask(
            sandbox,
            seed=seed,
            max_tokens=200,
            response_format={"type": "json_object"},
            messages=[{"role": "user", "content": "Describe a cat as a JSON object."}],
        )
        if reply.choices[0].finish_reason == "stop":
            assert isinstance(json.loads(reply.choices[0].message.content), dict)
    with pytest.raises(openai.BadRequestError, match="must contain the word 'json'"):
        ask(sandbox, response_format={"type": "json_object"})


PERSON = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 20},
        "age": {"type": "integer", "minimum": 0, "maximum": 120},
    },
    "required": ["name", "age"],
    "additionalProperties": False,
}


def test_json_schema_output_validates(sandbox: openai.OpenAI) -> None:
    fmt = {
        "type": "json_schema",
        "json_schema": {"name": "person", "schema": PERSON, "strict": True},
    }
    for seed in (1, 2, 3):
        reply = ask(
            sandbox,
            seed=seed,
            max_tokens=60,
            response_format=fmt,
            messages=[{"role": "user", "content": "Invent a person."}],
        )
        assert reply.choices[0].finish_reason == "stop"
        jsonschema.validate(json.loads(reply.choices[0].message.content), PERSON)


WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
ADD = {
    "type": "function",
    "function": {
        "name": "add",
        "parameters": {
            "type": "object",
            "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
            "required": ["a", "b"],
        },
    },
}
WEATHER_QUESTION = [{"role": "user", "content": "What is the weather in Paris?"}]


@pytest.mark.parametrize("stream", [False, True])
def test_required_tool_calls_validate(sandbox: openai.OpenAI, stream: bool) -> None:
    params = dict(
        messages=WEATHER_QUESTION,
        tools=[WEATHER, ADD],
        tool_choice="required",
        seed=1,
        max_tokens=80,
    )
    if stream:
        chunks = list(ask(sandbox, stream=True, **params))
        assert [c.choices[0].finish_reason for c in chunks if c.choices[0].finish_reason] == [
            "tool_calls"
        ]
        calls = streamed_calls(chunks)
    else:
        choice = ask(sandbox, **params).choices[0]
        assert choice.finish_reason == "tool_calls"
        assert choice.message.content is None
        calls = [(c.id, c.function.name, c.function.arguments) for c in choice.message.tool_calls]
    assert calls
    for _, name, arguments in calls:
        tool = {"get_weather": WEATHER, "add": ADD}[name]
        jsonschema.validate(json.loads(arguments), tool["function"]["parameters"])


def streamed_calls(chunks: list) -> list[tuple[str, str, str]]:
    """(id, name, arguments) per call, checking OpenAI's delta shape on the way: a call's
    first delta has its id, type and name with empty arguments; then only argument pieces."""
    calls: dict[int, list] = {}
    for chunk in chunks:
        for delta in chunk.choices[0].delta.tool_calls or () if chunk.choices else ():
            if delta.index not in calls:
                assert delta.id and delta.type == "function" and delta.function.name
                assert delta.function.arguments == ""
                calls[delta.index] = [delta.id, delta.function.name, ""]
            else:
                assert delta.id is None and delta.function.name is None
                calls[delta.index][2] += delta.function.arguments
    assert sorted(calls) == list(range(len(calls)))
    return [tuple(calls[i]) for i in sorted(calls)]


def test_parallel_calls_one_per_line_unless_turned_off(sandbox: openai.OpenAI) -> None:
    """`parallel_tool_calls` (default true) lets one message hold several calls, streamed
    with an `index` each; false allows one. Seed 1 makes the small model write two."""
    two_cities = [{"role": "user", "content": "What is the weather in Paris and in Rome?"}]
    params = dict(messages=two_cities, tools=[WEATHER], tool_choice="required", seed=1)
    whole = ask(sandbox, max_tokens=120, **params).choices[0].message.tool_calls
    streamed = streamed_calls(list(ask(sandbox, max_tokens=120, stream=True, **params)))
    single = ask(sandbox, max_tokens=120, parallel_tool_calls=False, **params)
    cities = [json.loads(c.function.arguments)["city"] for c in whole]
    assert cities == ["Paris", "Rome"]
    assert [(name, args) for _, name, args in streamed] == [
        (c.function.name, c.function.arguments) for c in whole
    ]
    assert len(single.choices[0].message.tool_calls) == 1
    assert len({c.id for c in whole}) == 2


NAMED = {"type": "function", "function": {"name": "add"}}


def test_named_tool_choice_and_round_trip(sandbox: openai.OpenAI) -> None:
    choice = ask(
        sandbox, messages=WEATHER_QUESTION, tools=[WEATHER, ADD], seed=2, tool_choice=NAMED
    ).choices[0]
    (call,) = choice.message.tool_calls
    assert call.function.name == "add"
    assert choice.finish_reason == "stop"  # as OpenAI ends a named choice: not "tool_calls"
    jsonschema.validate(json.loads(call.function.arguments), ADD["function"]["parameters"])
    history = [
        *WEATHER_QUESTION,
        {"role": "assistant", "content": None, "tool_calls": [call.model_dump()]},
        {"role": "tool", "tool_call_id": call.id, "content": "42"},
    ]
    final = ask(sandbox, messages=history, tools=[WEATHER, ADD], max_tokens=20, seed=1)
    assert final.choices[0].finish_reason in {"stop", "length"}
    assert final.choices[0].message.role == "assistant"


def test_a_streamed_named_choice_also_ends_with_stop(sandbox: openai.OpenAI) -> None:
    chunks = list(
        ask(
            sandbox,
            messages=WEATHER_QUESTION,
            tools=[WEATHER, ADD],
            seed=2,
            tool_choice=NAMED,
            stream=True,
        )
    )
    assert [c.choices[0].finish_reason for c in chunks if c.choices[0].finish_reason] == ["stop"]
    assert any(c.choices[0].delta.tool_calls for c in chunks)


def test_tool_choice_none_never_calls(sandbox: openai.OpenAI) -> None:
    choice = ask(
        sandbox, messages=WEATHER_QUESTION, tools=[WEATHER], tool_choice="none", max_tokens=10
    ).choices[0]
    assert choice.message.tool_calls is None
    assert choice.finish_reason in {"stop", "length"}


def test_logit_bias_bans_the_greedy_first_token(sandbox: openai.OpenAI) -> None:
    greedy = ask(sandbox, temperature=0, max_tokens=3, logprobs=True)
    first = greedy.choices[0].logprobs.content[0]
    # logit_bias takes the model's own token ids: /tokenize (llama.cpp's route) gives them.
    [token] = tokens_of(sandbox, first.token)
    assert token["piece"] == first.token
    banned = ask(
        sandbox, temperature=0, max_tokens=3, logprobs=True, logit_bias={str(token["id"]): -100}
    )
    assert banned.choices[0].logprobs.content[0].token != first.token


def tokens_of(client: openai.OpenAI, text: str) -> list[dict]:
    root = str(client.base_url).rstrip("/").removesuffix("/v1")
    body = {"content": text, "with_pieces": True}
    return client.post(f"{root}/tokenize", body=body, cast_to=object)["tokens"]


def test_tokenize_gives_the_ids_that_spell_the_text(sandbox: openai.OpenAI) -> None:
    pieces = tokens_of(sandbox, "The capital of France is Paris.")
    assert "".join(p["piece"] for p in pieces) == "The capital of France is Paris."
    assert all(isinstance(p["id"], int) for p in pieces)


def test_logprobs(sandbox: openai.OpenAI) -> None:
    reply = ask(sandbox, max_tokens=5, temperature=0, logprobs=True, top_logprobs=3)
    entries = reply.choices[0].logprobs.content
    assert len(entries) == 5
    for entry in entries:
        assert entry.logprob <= 0
        assert len(entry.top_logprobs) == 3
        assert entry.top_logprobs[0].logprob >= entry.top_logprobs[-1].logprob
        assert entry.logprob == pytest.approx(entry.top_logprobs[0].logprob)  # greedy
    assert ask(sandbox, max_tokens=2).choices[0].logprobs is None


@pytest.mark.parametrize("penalty", ["presence_penalty", "frequency_penalty"])
def test_penalties_reduce_repetition(sandbox: openai.OpenAI, penalty: str) -> None:
    def repeated_share(**params: float) -> float:
        text = (
            ask(
                sandbox,
                messages=[{"role": "user", "content": "Write a paragraph about the sea."}],
                max_tokens=100,
                temperature=0,
                **params,
            )
            .choices[0]
            .message.content
        )
        words = text.lower().split()
        return 1 - len(set(words)) / len(words)

    assert repeated_share(**{penalty: 1.5}) < repeated_share()


def test_content_as_text_parts_and_developer_role(sandbox: openai.OpenAI) -> None:
    reply = ask(
        sandbox,
        max_tokens=4,
        messages=[
            {"role": "developer", "content": "Answer briefly."},
            {
                "role": "user",
                "content": [{"type": "text", "text": "Hello"}, {"type": "text", "text": " there"}],
            },
        ],
    )
    assert reply.choices[0].finish_reason in {"stop", "length"}


def test_a_cached_prefix_is_reported_and_changes_no_token(sandbox: openai.OpenAI) -> None:
    """OpenAI's `cached_tokens`, for real: the second request with the same long system
    message skips it, and samples exactly the tokens it would have without the cache."""
    system = {"role": "system", "content": "You answer in one short sentence. " * 12}

    def ask(question: str, **params):
        messages = [system, {"role": "user", "content": question}]
        return ask_sandbox(sandbox, messages, **params)

    ask_sandbox(sandbox, [{"role": "system", "content": "Nothing alike."}, *HELLO])
    cold = ask("Name a colour.")
    ask("Name a fruit.")
    warm = ask("Name a colour.")
    streamed = ask("Name a colour.", stream=True, stream_options={"include_usage": True})
    chunks = list(streamed)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)

    assert cold.usage.prompt_tokens_details.cached_tokens <= 4  # "<|im_start|>system\n" only
    cached = warm.usage.prompt_tokens_details.cached_tokens
    assert 60 < cached < warm.usage.prompt_tokens  # the system message, not the question
    assert warm.choices[0].message.content == cold.choices[0].message.content
    assert text == cold.choices[0].message.content
    assert chunks[-1].usage.prompt_tokens_details.cached_tokens >= cached


def ask_sandbox(client: openai.OpenAI, messages: list, **params):
    return client.chat.completions.create(
        model=MODEL, messages=messages, max_tokens=24, seed=7, temperature=1.0, **params
    )


def test_a_pydantic_function_tool_with_defs_is_called(sandbox: openai.OpenAI) -> None:
    """`openai.pydantic_function_tool` puts every Enum and nested model in `$defs`: the
    call must still be constrained to that schema (its `$ref`s used to point nowhere)."""
    import enum

    import pydantic

    class Unit(enum.Enum):
        CELSIUS = "celsius"
        FAHRENHEIT = "fahrenheit"

    class Place(pydantic.BaseModel):
        city: str
        country: str

    class GetWeather(pydantic.BaseModel):
        place: Place
        unit: Unit

    tool = openai.pydantic_function_tool(GetWeather)
    assert "$defs" in tool["function"]["parameters"]
    reply = ask(sandbox, messages=WEATHER_QUESTION, tools=[tool], tool_choice="required", seed=3)
    for call in reply.choices[0].message.tool_calls:
        arguments = json.loads(call.function.arguments)
        jsonschema.validate(arguments, tool["function"]["parameters"])
        assert GetWeather.model_validate(arguments).unit in Unit


def test_allowed_tools_limit_the_calls_to_a_subset(sandbox: openai.OpenAI) -> None:
    """`allowed_tools` keeps the tool list whole (a provider's prompt cache still matches)
    and lets the model call only some of it."""
    only_add = {
        "type": "allowed_tools",
        "allowed_tools": {
            "mode": "required",
            "tools": [{"type": "function", "function": {"name": "add"}}],
        },
    }
    reply = ask(
        sandbox, messages=WEATHER_QUESTION, tools=[WEATHER, ADD], tool_choice=only_add, seed=1
    )
    calls = reply.choices[0].message.tool_calls
    assert calls and {c.function.name for c in calls} == {"add"}
    assert reply.choices[0].finish_reason == "tool_calls"
    with pytest.raises(openai.BadRequestError) as raised:
        ask(sandbox, messages=WEATHER_QUESTION, tools=[WEATHER], tool_choice=only_add)
    assert raised.value.param == "tool_choice.allowed_tools.tools"
