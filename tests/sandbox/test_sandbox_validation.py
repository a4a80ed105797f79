"""Structured outputs the grammar cannot promise: bounded numbers become grammar, the rest
is checked after sampling and sampled again (validation.py)."""

from __future__ import annotations

import json
import threading

import jsonschema
import openai
import pytest

from llmwidgets.sandbox.chat import ChatJob
from llmwidgets.sandbox.engine import Finish, Piece, Sampling
from llmwidgets.sandbox.grammars import bounded
from llmwidgets.sandbox.schemas import ChatRequest
from llmwidgets.sandbox.validation import MAX_ATTEMPTS, retry_seed, schema_check

MODEL = "smollm2-135m-instruct"


def test_bounded_numbers_become_round_decimal_steps() -> None:
    assert bounded({"type": "number", "minimum": 0, "maximum": 1})["enum"][:3] == [0, 0.01, 0.02]
    assert bounded({"type": "number", "minimum": 0, "maximum": 100})["enum"][:3] == [0, 0.5, 1]
    assert "enum" not in bounded({"type": "number", "minimum": 0, "maximum": 1e9})  # checked


def test_only_what_the_grammar_cannot_enforce_is_checked() -> None:
    assert schema_check({"type": "number", "minimum": 0, "maximum": 1}) is None  # grammar
    assert schema_check({"type": "string", "pattern": "^[A-Z]+$"}) is None  # grammar
    check = schema_check({"type": "array", "items": {"type": "integer"}, "uniqueItems": True})
    assert check is not None
    assert check("[1, 2]") and not check("[1, 1]") and not check("[1,")


class ScriptedEngine:
    """Writes a fixed text per seed: what the resampling loop does with each is the point."""

    n_ctx = n_vocab = 4096
    fingerprint = "fp_scripted"

    def __init__(self, texts: dict[int | None, str]) -> None:
        self.texts = texts
        self.seeds: list[int | None] = []

    def render(self, messages: list[dict[str, str]]) -> str:
        return "prompt"

    def tokenize(self, text: str) -> list[int]:
        return [1, 2, 3]

    def token_id(self, key: str) -> int | None:
        return None

    def generate(self, prompt, sampling: Sampling, cancel=None):
        self.seeds.append(sampling.seed)
        yield Piece(self.texts.get(sampling.seed, "[1, 1]"))
        yield Finish("stop", 3)


def job_for(schema: dict, engine: ScriptedEngine, **extra) -> ChatJob:
    body = {"model": MODEL, "messages": [{"role": "user", "content": "json"}], "seed": 5, **extra}
    body["response_format"] = {
        "type": "json_schema",
        "json_schema": {"name": "x", "schema": schema},
    }
    return ChatJob.plan(ChatRequest.model_validate(body), engine)


UNIQUE = {"type": "array", "items": {"type": "integer"}, "uniqueItems": True}


def test_an_invalid_choice_is_sampled_again_with_a_derived_seed() -> None:
    engine = ScriptedEngine({retry_seed(5, 2): "[1, 2]"})
    items = list(job_for(UNIQUE, engine).run(engine, threading.Event()))
    assert engine.seeds == [5, retry_seed(5, 1), retry_seed(5, 2)]
    assert [item.text for _, item in items if isinstance(item, Piece)] == ["[1, 2]"]


def test_after_the_last_attempt_the_choice_is_sent_as_it_is() -> None:
    engine = ScriptedEngine({})
    items = list(job_for(UNIQUE, engine).run(engine, threading.Event()))
    assert len(engine.seeds) == MAX_ATTEMPTS
    assert isinstance(items[-1][1], Finish)


def test_a_strict_tool_is_checked_a_loose_one_is_not() -> None:
    parameters = {"type": "object", "properties": {"ids": UNIQUE}, "required": ["ids"]}
    call = '{"name": "f", "arguments": {"ids": [1, 1]}}'
    for strict, attempts in ((True, MAX_ATTEMPTS), (False, 1)):
        engine = ScriptedEngine({5: call})
        engine.texts.update({retry_seed(5, i): call for i in range(1, MAX_ATTEMPTS)})
        tool = {
            "type": "function",
            "function": {"name": "f", "parameters": parameters, "strict": strict},
        }
        body = {"model": MODEL, "messages": [{"role": "user", "content": "x"}], "seed": 5}
        job = ChatJob.plan(
            ChatRequest.model_validate({**body, "tools": [tool], "tool_choice": "required"}), engine
        )
        list(job.run(engine, threading.Event()))
        assert len(engine.seeds) == attempts


SCHEMA = {
    "type": "object",
    "properties": {
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "tags": {
            "type": "array",
            "items": {"type": "string", "maxLength": 12},
            "minItems": 2,
            "maxItems": 3,
        },
        "color": {"enum": ["red", "green"]},
    },
    "required": ["score", "code", "tags", "color"],
    "additionalProperties": False,
}


@pytest.mark.parametrize("seed", range(4))
def test_the_real_model_meets_bounds_patterns_and_sizes(sandbox: openai.OpenAI, seed: int) -> None:
    params = dict(
        model=MODEL,
        messages=[{"role": "user", "content": "Describe a movie as JSON."}],
        seed=seed,
        max_tokens=200,
        response_format={"type": "json_schema", "json_schema": {"name": "m", "schema": SCHEMA}},
    )
    whole = sandbox.chat.completions.create(**params)
    assert whole.choices[0].finish_reason == "stop"
    jsonschema.validate(json.loads(whole.choices[0].message.content), SCHEMA)
    chunks = sandbox.chat.completions.create(**params, stream=True)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content


def test_only_plain_bounds_become_an_enum_and_exclusive_bounds_hold() -> None:
    assert "enum" not in bounded({"type": "integer", "minimum": 0, "maximum": 100, "multipleOf": 5})
    assert 1 not in bounded({"type": "number", "minimum": 0, "exclusiveMaximum": 1})["enum"]
    assert bounded({"type": "integer", "minimum": 5, "exclusiveMinimum": 0, "maximum": 7}) == {
        "enum": [5, 6, 7]
    }


def test_a_property_named_definitions_is_kept() -> None:
    from llmwidgets.sandbox.grammars import tool_call_grammar

    parameters = {
        "type": "object",
        "properties": {"word": {"type": "string"}, "definitions": {"$ref": "#/$defs/Senses"}},
        "required": ["word", "definitions"],
        "$defs": {"Senses": {"type": "array", "items": {"type": "string"}}},
    }
    grammar = tool_call_grammar([{"name": "define", "parameters": parameters}], allow_text=False)
    assert '\\"definitions\\"' in grammar


def test_an_invalid_schema_is_a_400_not_a_failure_while_sampling(wire) -> None:
    schema = {"type": "object", "properties": {"x": {"type": "number", "minimum": "5"}}}
    body = {
        "model": MODEL,
        "messages": [{"role": "user", "content": "json"}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": schema}},
    }
    response = wire.post("/chat/completions", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "response_format.json_schema.schema"


def test_resampling_counts_every_attempt_and_the_first_cache() -> None:
    engine = ScriptedEngine({retry_seed(5, 1): "[1, 2]"})
    items = list(job_for(UNIQUE, engine).run(engine, threading.Event()))
    finish = items[-1][1]
    assert finish.completion_tokens == 2 * 3  # two attempts of 3 tokens each were generated


def test_formats_are_checked() -> None:
    check = schema_check({"type": "string", "format": "email"})
    assert check is not None and check('"ada@example.org"') and not check('"not an email"')
