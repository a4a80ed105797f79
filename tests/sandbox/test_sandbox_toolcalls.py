"""Tool calls read from text as it streams: OpenAI's delta sequence, whatever the pieces."""

from __future__ import annotations

import json
import random

import pytest

from llmwidgets.sandbox.toolcalls import CallReader

TWO_CALLS = (
    '{"name": "get_weather", "arguments": {"city": "Paris", "note": "a } in {text\\" ok"}}\n'
    '{"name": "add", "arguments": {"a": [1, {"b": 2}], "c": 3}}'
)


def read(text: str, pieces: list[int], mode: str = "forced") -> tuple[CallReader, list]:
    reader = CallReader(mode)
    deltas, start = [], 0
    for end in [*pieces, len(text)]:
        deltas += reader.feed(text[start:end])
        start = end
    return reader, deltas


@pytest.mark.parametrize("seed", range(30))
def test_calls_come_out_the_same_however_the_text_is_split(seed: int) -> None:
    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, len(TWO_CALLS)), rng.randint(0, 25)))
    reader, deltas = read(TWO_CALLS, cuts)
    assert [c["function"]["name"] for c in reader.tool_calls] == ["get_weather", "add"]
    first, second = (json.loads(c["function"]["arguments"]) for c in reader.tool_calls)
    assert first == {"city": "Paris", "note": 'a } in {text" ok'}
    assert second == {"a": [1, {"b": 2}], "c": 3}
    starts = [d for d in deltas if d.kind == "call"]
    assert [(d.index, d.text) for d in starts] == [(0, "get_weather"), (1, "add")]
    for index, call in enumerate(reader.tool_calls):  # the fragments add up to the arguments
        fragments = [d.text for d in deltas if d.kind == "arguments" and d.index == index]
        assert "".join(fragments) == call["function"]["arguments"]
        assert starts[index].id == call["id"]
    assert deltas.index(starts[1]) > max(
        i for i, d in enumerate(deltas) if d.kind == "arguments" and d.index == 0
    )  # one call at a time, in order
    assert not reader.text


def test_auto_mode_text_stays_text() -> None:
    reader, deltas = read("The weather is fine.", [3, 8], mode="auto")
    assert reader.text == "The weather is fine."
    assert reader.tool_calls == []
    assert "".join(d.text for d in deltas if d.kind == "content") == reader.text


def test_a_cut_off_call_is_kept_as_far_as_it_got() -> None:
    """OpenAI returns a call cut by `length` with the arguments it got; the whole answer
    must say what the stream already sent."""
    reader, _ = read('{"name": "add", "arguments": {"a": 1, "b"', [10])
    assert [c["function"]["name"] for c in reader.tool_calls] == ["add"]
    assert reader.tool_calls[0]["function"]["arguments"] == '{"a": 1, "b"'
    assert not reader.complete


def test_only_what_the_grammar_allows_may_precede_a_call() -> None:
    reader, _ = read('\r{"name": "add", "arguments": {}}', [], mode="auto")
    assert reader.tool_calls == [] and reader.text.startswith("\r")
