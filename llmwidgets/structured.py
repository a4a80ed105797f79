"""JSON checked against its schema while it is still being written.

    check = LiveJSON(recipe_schema, name="recipe")
    check.read('{"title": "Pancakes", "minutes": "twe')          # partial: nothing wrong yet
    check.read('{"title": "Pancakes", "minutes": "twenty"}', finished=True)
    # invalid: $.minutes: 'twenty' is not of type 'integer'

A structured answer or a tool call's arguments arrive a few characters at a time. The text
so far is read with `jiter` (it ships with the SDK), whose partial mode returns the value
written so far; that value is validated with `jsonschema`. What is still being written is
not yet wrong: a `required` key may come next, a number may gain digits, an enum's string
is half typed. So while the stream runs, only the problems that more text cannot mend are
shown on the last value written (it may still be open) and on the objects and arrays that
hold it: a wrong type, an extra key, too many items or characters. Every earlier value is
judged in full, and at the end everything is.

`schemas_for(params)` finds what a request asked for: its `response_format` and the
parameters of each of its tools; `check_calls` judges tool calls against them. How a
verdict is drawn (marked HTML) is the widgets' business: `widgets/json_view.py`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["JSONCheck", "LiveJSON", "Problem", "check_calls", "schemas_for"]

# Problems more text cannot mend, even on the value still being written.
_FINAL_WHILE_OPEN = frozenset(
    {
        "type",
        "additionalProperties",
        "unevaluatedProperties",
        "maxItems",
        "maxProperties",
        "maxLength",
    }
)
_SCALAR_STARTS = frozenset("-0123456789tfn")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SUMMARY = {
    "empty": "nothing yet",
    "partial": "so far so good",
    "valid": "valid",
    "invalid": "invalid",
    "not-json": "not JSON",
    "cut": "cut off",
    "no-schema": "not checked",
}


@dataclass(frozen=True)
class Problem:
    """One way the value breaks its schema: where (a path of keys and indexes) and why."""

    path: tuple[str | int, ...]
    message: str

    @property
    def json_path(self) -> str:
        """`$.ingredients[2]`, `$['a key']`: the path as jsonschema prints it."""
        parts = ["$"]
        for step in self.path:
            if isinstance(step, int):
                parts.append(f"[{step}]")
            elif _NAME.fullmatch(step):
                parts.append(f".{step}")
            else:
                parts.append("[" + repr(step) + "]")
        return "".join(parts)

    def __str__(self) -> str:
        return f"{self.json_path}: {self.message}"


@dataclass(frozen=True)
class JSONCheck:
    """What a text says against its schema at one moment."""

    name: str
    state: str  # empty | partial | valid | invalid | not-json | cut | no-schema
    value: Any = None
    problems: tuple[Problem, ...] = ()
    detail: str = ""  # why it is not JSON, or was cut, or was not checked

    @property
    def ok(self) -> bool:
        return self.state in ("empty", "partial", "valid")

    def summary(self) -> str:
        """One line: `✓ valid against recipe`, `✗ invalid: 2 problems (recipe)`, ..."""
        mark = {"valid": "✓", "invalid": "✗", "not-json": "✗", "cut": "✗"}.get(self.state, "…")
        against = f" against {self.name}" if self.name else ""
        if self.state == "invalid" and not self.problems and self.detail:
            return f"{mark} {self.detail}"
        if self.state == "invalid":
            count = len(self.problems)
            return f"{mark} invalid{against}: {count} problem{'s' * (count != 1)}"
        if self.state == "valid":
            return f"{mark} valid{against}"
        words = _SUMMARY[self.state]
        if self.state == "partial" and self.problems:
            words = f"{len(self.problems)} problem{'s' * (len(self.problems) != 1)} already"
        detail = f": {self.detail}" if self.detail else ""
        return f"{mark} {words}{detail}"

    def reason(self) -> str:
        """Why it is not valid, in words a model can read back (no marks, every problem)."""
        if self.problems:
            return "; ".join(map(str, self.problems))
        return self.detail or _SUMMARY[self.state]


@dataclass
class LiveJSON:
    """A schema to read a growing text against; `schema=None` checks only that it is JSON."""

    schema: dict[str, Any] | None
    name: str = ""
    _validator: Any = field(default=None, init=False, repr=False)
    _schema_error: str = field(default="", init=False, repr=False)

    def __post_init__(self) -> None:
        if self.schema is None:
            return
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        try:
            Draft202012Validator.check_schema(self.schema)
        except SchemaError as error:
            self._schema_error = f"the schema itself is not valid JSON Schema ({error.message})"
        else:
            self._validator = Draft202012Validator(self.schema)

    def read(
        self, text: str, *, finished: bool = False, finish_reason: str | None = None
    ) -> JSONCheck:
        """The text so far against the schema; `finished` once no more will come."""
        if not text.strip():
            state = "cut" if finished and finish_reason == "length" else "empty"
            detail = "no text before max_tokens" if state == "cut" else ""
            return JSONCheck(
                self.name, "not-json" if finished and state == "empty" else state, detail=detail
            )
        if not finished and text.lstrip()[0] in _SCALAR_STARTS:
            return JSONCheck(self.name, "partial")  # a bare number or word: more may come
        value, complete, error = _parse(text, finished)
        if error is not None:
            if finished and finish_reason == "length":
                return JSONCheck(self.name, "cut", value, detail="max_tokens ended it mid-JSON")
            return JSONCheck(self.name, "not-json", value, detail=error)
        if self._validator is None:
            state = "no-schema" if self._schema_error else ("valid" if complete else "partial")
            return JSONCheck(self.name, state, value, detail=self._schema_error)
        problems = self._problems(value, None if complete else _open_path(value))
        if complete:
            return JSONCheck(self.name, "invalid" if problems else "valid", value, problems)
        return JSONCheck(self.name, "partial", value, problems)

    def _problems(self, value: Any, open_path: tuple[str | int, ...] | None) -> tuple[Problem, ...]:
        found = []
        for error in self._validator.iter_errors(value):
            path = tuple(error.absolute_path)
            still_open = open_path is not None and open_path[: len(path)] == path
            if still_open and error.validator not in _FINAL_WHILE_OPEN:
                continue
            found.append(Problem(path, error.message))
        return tuple(sorted(found, key=lambda p: [str(step) for step in p.path]))


def _parse(text: str, finished: bool) -> tuple[Any, bool, str | None]:
    """(value so far, complete, why it is not JSON)."""
    import jiter

    try:
        return json.loads(text), True, None
    except json.JSONDecodeError as error:
        complete_error = f"{error.msg} (line {error.lineno}, column {error.colno})"
    try:
        value = jiter.from_json(text.encode(), partial_mode="trailing-strings")
    except ValueError as error:
        return None, False, str(error)
    # Parsed only as a prefix: fine while writing, not JSON once finished.
    return value, False, complete_error if finished else None


def _open_path(value: Any) -> tuple[str | int, ...] | None:
    """The path of the value still being written: the last key or item, all the way down
    (the root's, `()`, when the text so far is a scalar)."""
    path: list[str | int] = []
    while True:
        if isinstance(value, dict) and value:
            key = next(reversed(value))
            path.append(key)
            value = value[key]
        elif isinstance(value, list) and value:
            path.append(len(value) - 1)
            value = value[-1]
        else:
            return tuple(path)


def schemas_for(params: dict[str, Any]) -> tuple[LiveJSON | None, dict[str, LiveJSON]]:
    """(the answer's check, each tool's arguments check by name) for a request's parameters.
    JSON mode asks only for an object; a request without either gives (None, {})."""
    answer = None
    response_format = params.get("response_format")
    if isinstance(response_format, dict):
        kind = response_format.get("type")
        if kind == "json_schema":
            spec = response_format.get("json_schema") or {}
            answer = LiveJSON(spec.get("schema") or {}, name=str(spec.get("name", "")))
        elif kind == "json_object":
            answer = LiveJSON({"type": "object"}, name="JSON mode")
    tools: dict[str, LiveJSON] = {}
    for tool in params.get("tools") or ():
        function = tool.get("function") if isinstance(tool, dict) else None
        if isinstance(function, dict) and function.get("name"):
            name = str(function["name"])
            schema = function.get("parameters") or {"type": "object"}
            tools[name] = LiveJSON(schema, name=name)
    return answer, tools


def check_calls(
    tools: dict[str, LiveJSON],
    calls: Sequence[tuple[str | None, str, str]],
    *,
    finished: bool = False,
    finish_reason: str | None = None,
) -> list[JSONCheck]:
    """Each tool call so far (id, name, arguments) judged against its tool's schema. A
    call to a tool the request never offered is invalid, whatever its arguments (while the
    stream runs, a name may still be half written: only one no tool starts with is). A
    tool without parameters may get "" as its arguments, which means `{}`."""
    verdicts = []
    for _, name, arguments in calls:
        check = tools.get(name) or LiveJSON(None, name=name)
        if finished and not arguments.strip():
            arguments = "{}"
        verdict = check.read(arguments, finished=finished, finish_reason=finish_reason)
        unknown = tools and name not in tools
        if unknown and (finished or not any(offered.startswith(name) for offered in tools)):
            why = f"the request has no tool named {name}"
            verdict = JSONCheck(name, "invalid", verdict.value, detail=why)
        verdicts.append(verdict)
    return verdicts
