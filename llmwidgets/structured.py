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
shown on the value still open (and on the objects and arrays that hold it): a wrong type,
an extra key, too many items or characters. Everything closed is judged in full, and at
the end everything is.

`schemas_for(params)` finds what a request asked for: its `response_format` and the
parameters of each of its tools.
"""

from __future__ import annotations

import html
import json
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
        """`$.ingredients[2]`: the path as jsonschema and most validators print it."""
        parts = ["$"]
        for step in self.path:
            parts.append(f"[{step}]" if isinstance(step, int) else f".{step}")
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

    def as_dict(self) -> dict[str, Any]:
        """What a widget syncs: no value object, only text."""
        return {
            "name": self.name,
            "state": self.state,
            "summary": self.summary(),
            "html": pretty_html(self.value, self.problems) if self.value is not None else "",
            "problems": [{"path": p.json_path, "message": p.message} for p in self.problems],
        }


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


def pretty_html(value: Any, problems: Sequence[Problem] = ()) -> str:
    """The value as indented JSON in HTML, each value a problem points at in a `<mark>`
    whose title says why (the whole document's problems are listed apart)."""
    marks: dict[tuple[str | int, ...], list[str]] = {}
    for problem in problems:
        if problem.path:
            marks.setdefault(problem.path, []).append(problem.message)
    out: list[str] = []
    _write(value, (), 0, marks, out)
    return "".join(out)


def _write(
    value: Any,
    path: tuple[str | int, ...],
    depth: int,
    marks: dict[tuple[str | int, ...], list[str]],
    out: list[str],
) -> None:
    why = marks.get(path)
    if why:
        out.append(f'<mark class="llmw-bad" title="{html.escape("; ".join(why))}">')
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict) and value:
        out.append("{\n")
        for i, (key, item) in enumerate(value.items()):
            out.append(f"{inner}{html.escape(json.dumps(key, ensure_ascii=False))}: ")
            _write(item, (*path, key), depth + 1, marks, out)
            out.append(",\n" if i < len(value) - 1 else "\n")
        out.append(f"{pad}}}")
    elif isinstance(value, list) and value:
        out.append("[\n")
        for i, item in enumerate(value):
            out.append(inner)
            _write(item, (*path, i), depth + 1, marks, out)
            out.append(",\n" if i < len(value) - 1 else "\n")
        out.append(f"{pad}]")
    else:
        out.append(html.escape(json.dumps(value, ensure_ascii=False)))
    if why:
        out.append("</mark>")


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
) -> list[dict[str, Any]]:
    """Each tool call so far (id, name, arguments) with its verdict, as a widget draws it.
    A call to a tool the request never offered is invalid, whatever its arguments."""
    drawn = []
    for call_id, name, arguments in calls:
        check = tools.get(name) or LiveJSON(None, name=name)
        verdict = check.read(arguments, finished=finished, finish_reason=finish_reason).as_dict()
        if name and tools and name not in tools:
            verdict["state"] = "invalid"
            verdict["summary"] = f"✗ the request has no tool named {name}"
        drawn.append({"id": call_id or "", "name": name, "arguments": arguments, **verdict})
    return drawn
