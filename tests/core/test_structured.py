"""JSON read against its schema while it is written: what a stream cell shows of it."""

from __future__ import annotations

import json

import pytest

from llmwidgets.structured import LiveJSON, Problem, check_calls, schemas_for
from llmwidgets.widgets.json_view import check_view, pretty_html

RECIPE = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "minutes": {"type": "integer", "minimum": 1},
        "diet": {"type": "string", "enum": ["vegetarian", "vegan", "any"]},
        "steps": {
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "properties": {"text": {"type": "string"}, "minutes": {"type": "integer"}},
                "required": ["text", "minutes"],
            },
        },
    },
    "required": ["title", "minutes", "diet", "steps"],
    "additionalProperties": False,
}
GOOD = {
    "title": "Pancakes",
    "minutes": 20,
    "diet": "vegetarian",
    "steps": [{"text": "Mix", "minutes": 5}, {"text": "Fry", "minutes": 15}],
}


@pytest.mark.parametrize("indent", [None, 2])
def test_no_prefix_of_a_valid_answer_is_called_wrong(indent: int | None) -> None:
    text = json.dumps(GOOD, indent=indent)
    check = LiveJSON(RECIPE, name="recipe")
    for end in range(len(text)):
        seen = check.read(text[:end])
        assert seen.ok and not seen.problems, (text[:end], seen.problems)
        assert seen.state in ("empty", "partial")
    done = check.read(text, finished=True, finish_reason="stop")
    assert (done.state, done.value, done.summary()) == ("valid", GOOD, "✓ valid against recipe")


def test_a_wrong_type_shows_while_the_value_is_still_written() -> None:
    check = LiveJSON(RECIPE)
    seen = check.read('{"title": "Pancakes", "minutes": "twe')
    assert seen.state == "partial"
    assert [str(p) for p in seen.problems] == ["$.minutes: 'twe' is not of type 'integer'"]


def test_what_more_text_may_mend_waits_for_the_end() -> None:
    check = LiveJSON(RECIPE)
    # a half-typed enum, a missing key, too few steps: all still possible to mend
    assert not check.read('{"title": "P", "minutes": 20, "diet": "veg').problems
    assert not check.read('{"title": "P", "minutes": 20, "diet": "vegetarian", "steps": [').problems
    ended = check.read('{"title": "P", "minutes": 20, "diet": "veg", "steps": []}', finished=True)
    assert ended.state == "invalid"
    assert [p.json_path for p in ended.problems] == ["$.diet", "$.steps"]


def test_a_closed_object_is_judged_whole_while_the_rest_streams() -> None:
    text = '{"title": "P", "minutes": 20, "diet": "any", "steps": [{"text": "Mix"}, {"te'
    seen = LiveJSON(RECIPE).read(text)
    assert seen.state == "partial"
    assert [str(p) for p in seen.problems] == ["$.steps[0]: 'minutes' is a required property"]


def test_a_key_the_schema_forbids_is_wrong_at_once() -> None:
    seen = LiveJSON(RECIPE).read('{"title": "P", "calories": 300, "mi')
    assert [p.message for p in seen.problems] == [
        "Additional properties are not allowed ('calories' was unexpected)"
    ]
    assert seen.summary() == "… 1 problem already"


def test_cut_by_max_tokens_is_not_called_invalid() -> None:
    seen = LiveJSON(RECIPE).read('{"title": "Panc', finished=True, finish_reason="length")
    assert (seen.state, seen.value) == ("cut", {"title": "Panc"})
    assert seen.summary() == "✗ cut off: max_tokens ended it mid-JSON"


def test_prose_is_not_json_with_where_it_broke() -> None:
    seen = LiveJSON(RECIPE).read("Sure! Here is the recipe:", finished=True, finish_reason="stop")
    assert seen.state == "not-json" and "line 1 column 1" in seen.detail
    unfinished = LiveJSON(RECIPE).read('{"title": "Panc', finished=True, finish_reason="stop")
    assert unfinished.state == "not-json" and "Unterminated string" in unfinished.detail
    assert LiveJSON(RECIPE).read("", finished=True).state == "not-json"


def test_json_mode_asks_only_for_an_object() -> None:
    answer, tools = schemas_for({"response_format": {"type": "json_object"}})
    assert answer is not None and tools == {}
    assert answer.read('{"any": ["thing"]}', finished=True).state == "valid"
    assert answer.read("[1, 2]", finished=True).state == "invalid"


def test_schemas_come_from_the_request() -> None:
    tool = {"type": "function", "function": {"name": "get_weather", "parameters": RECIPE}}
    bare = {"type": "function", "function": {"name": "now"}}
    answer, tools = schemas_for(
        {
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "r", "schema": RECIPE},
            },
            "tools": [tool, bare],
        }
    )
    assert answer is not None and (answer.name, answer.schema) == ("r", RECIPE)
    assert sorted(tools) == ["get_weather", "now"]
    assert tools["now"].read("{}", finished=True).state == "valid"
    assert schemas_for({"messages": []}) == (None, {})
    assert schemas_for({"response_format": {"type": "text"}}) == (None, {})


def test_a_broken_schema_is_said_not_raised() -> None:
    seen = LiveJSON({"type": "strng"}).read('"x"', finished=True)
    assert seen.state == "no-schema" and "not valid JSON Schema" in seen.detail


def test_the_marked_view_escapes_the_model_text() -> None:
    value = {"title": "<script>alert(1)</script>", "minutes": "20"}
    seen = LiveJSON(RECIPE).read(json.dumps(value), finished=True)
    page = pretty_html(seen.value, seen.problems)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert (
        '<mark class="llmw-bad" title="&#x27;20&#x27; is not of type &#x27;integer&#x27;">' in page
    )
    assert check_view(seen)["problems"][0] == {
        "path": "$",
        "message": "'diet' is a required property",
    }


def test_paths_read_as_jsonschema_prints_them() -> None:
    assert Problem(("steps", 2, "text"), "").json_path == "$.steps[2].text"
    assert Problem(("a.b", "x y", "it's"), "").json_path == "$['a.b']['x y'][\"it's\"]"


def test_a_bare_number_is_not_judged_before_it_ends() -> None:
    check = LiveJSON({"type": "integer", "minimum": 100})
    assert [check.read(t).state for t in ("-", "1", "12", "tru")] == ["partial"] * 4
    assert check.read("12", finished=True).state == "invalid"
    assert check.read("123", finished=True).state == "valid"


def test_calls_are_judged_by_name_and_arguments() -> None:
    _, tools = schemas_for(
        {
            "tools": [
                {"type": "function", "function": {"name": "get_weather", "parameters": RECIPE}},
                {"type": "function", "function": {"name": "now"}},
            ]
        }
    )
    half = check_calls(tools, [("c1", "get_wea", "")])
    assert half[0].state == "empty"  # a name still being written is not a wrong name
    (wrong,) = check_calls(tools, [("c1", "get_wea", "{}")], finished=True)
    assert (wrong.state, wrong.summary()) == ("invalid", "✗ the request has no tool named get_wea")
    (bare,) = check_calls(tools, [("c2", "now", "")], finished=True)
    assert bare.state == "valid"  # no parameters: "" means {}
