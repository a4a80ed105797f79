"""GBNF grammars that make a small model's output always parse (and, for a schema, validate).

| request                                   | grammar                                        |
|-------------------------------------------|------------------------------------------------|
| response_format json_object               | any JSON object                                |
| response_format json_schema               | that schema (llama.cpp's converter)            |
| tool_choice required / a named function   | `{"name": <one of them>, "arguments": {...}}`  |
| tool_choice auto                          | either such a call, or text not starting `{`   |
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

__all__ = ["bounded", "json_object_grammar", "json_schema_grammar", "tool_call_grammar"]

# llama.cpp's converter lets raw control characters into strings, which JSON forbids.
_LOOSE_CHAR = 'char ::= [^"\\\\]'
_STRICT_CHAR = 'char ::= [^"\\\\\\x7F\\x00-\\x1F]'


def json_object_grammar() -> str:
    from llama_cpp.llama_grammar import JSON_GBNF

    return JSON_GBNF


def json_schema_grammar(schema: dict[str, Any], prop_order: list[str] | None = None) -> str:
    """The grammar of a JSON schema; ValueError when the converter cannot handle it."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    try:
        grammar = json_schema_to_gbnf(json.dumps(bounded(schema)), prop_order=prop_order)
    except Exception as exc:  # the converter raises bare exceptions for unsupported schemas
        raise ValueError(f"unsupported JSON schema: {exc}") from None
    return grammar.replace(_LOOSE_CHAR, _STRICT_CHAR)


# Parallel calls: one per line, at most this many in one message.
MAX_PARALLEL_CALLS = 4


def tool_call_grammar(
    tools: list[dict[str, Any]], *, allow_text: bool, parallel: bool = True
) -> str:
    """A call of one of `tools` ({"name", "parameters"}), several one per line when
    `parallel`, or free text when allowed."""
    calls, definitions = [], {}
    for tool in tools:
        parameters, own = _hoisted(tool.get("parameters") or {"type": "object"}, tool["name"])
        definitions.update(own)
        calls.append(
            {
                "type": "object",
                "properties": {"name": {"const": tool["name"]}, "arguments": parameters},
                "required": ["name", "arguments"],
            }
        )
    schema: dict[str, Any] = calls[0] if len(calls) == 1 else {"oneOf": calls}
    if definitions:
        schema = {**schema, "$defs": definitions}
    grammar = json_schema_grammar(schema, prop_order=["name", "arguments"])
    renamed = re.sub(r"^root ::=", "tool-call ::=", grammar, flags=re.MULTILINE)
    more = f' ("\\n" tool-call){{0,{MAX_PARALLEL_CALLS - 1}}}' if parallel else ""
    root = f"tool-call{more}" + (" | free-text" if allow_text else "")
    free = "\nfree-text ::= [^{ \\t\\n] [^\\x00]*" if allow_text else ""
    return f"{renamed}\nroot ::= {root}{free}\n"


def _hoisted(parameters: dict[str, Any], tool: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A tool's schema with its `$defs` (or `definitions`) moved out, to sit at the root of
    the call schema that wraps it, named per tool; its `$ref`s follow them there. This is
    what `openai.pydantic_function_tool` makes for any Enum or nested model."""
    found: dict[str, Any] = {}
    for key in ("$defs", "definitions"):
        for name, schema in (parameters.get(key) or {}).items():
            found[f"#/{key}/{name}"] = (f"{tool}.{name}", schema)
    if not found:
        return parameters, {}

    def moved(node: Any) -> Any:
        if isinstance(node, list):
            return [moved(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {k: moved(v) for k, v in node.items()}
        if isinstance(out.get("$ref"), str) and out["$ref"] in found:
            out["$ref"] = "#/$defs/" + found[out["$ref"]][0]
        return out

    root = {k: v for k, v in parameters.items() if k not in ("$defs", "definitions")}
    return moved(root), {new: moved(schema) for new, schema in found.values()}


_MAX_ENUMERATED_RANGE = 1000


def bounded(schema: Any) -> Any:
    """Spell small bounded ranges as enums (integers exactly, numbers in round steps): the
    converter ignores minimum/maximum. What stays unbounded is checked after sampling."""
    if isinstance(schema, list):
        return [bounded(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: bounded(value) for key, value in schema.items()}
    if out.get("type") not in ("integer", "number") or not out.keys() <= _PLAIN_BOUNDS:
        return out  # anything else alongside (multipleOf, not, ...) is checked after sampling
    low = max(
        (out[k] for k in ("minimum", "exclusiveMinimum") if _is_number(out.get(k))), default=None
    )
    high = min(
        (out[k] for k in ("maximum", "exclusiveMaximum") if _is_number(out.get(k))), default=None
    )
    if low is None or high is None:
        return out
    if out["type"] == "integer":
        values: list[int | float] = list(range(math.ceil(low), math.floor(high) + 1))
        if len(values) > _MAX_ENUMERATED_RANGE:
            return out
    else:
        values = _decimal_steps(low, high)
    inside = [v for v in values if _within(v, out)]
    return {"enum": inside} if inside else out


_PLAIN_BOUNDS = frozenset(
    {"type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "title", "description"}
)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _within(value: float, node: dict[str, Any]) -> bool:
    """The bounds of `node`, as JSON Schema means them (exclusive ones strictly)."""
    checks = (
        ("minimum", lambda v, b: v >= b),
        ("maximum", lambda v, b: v <= b),
        ("exclusiveMinimum", lambda v, b: v > b),
        ("exclusiveMaximum", lambda v, b: v < b),
    )
    return all(ok(value, node[key]) for key, ok in checks if _is_number(node.get(key)))


# A bounded number becomes an enum of decimals on the finest of these steps that gives at
# most this many values: [0, 1] in hundredths, [0, 10] in tenths, [1, 5] in fiftieths...
_NUMBER_STEPS = ("0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2", "5", "10")
_MAX_NUMBER_VALUES = 201


def _decimal_steps(low: Any, high: Any) -> list[int | float]:
    """Every multiple of a round step from `low` to `high`, as JSON numbers; [] if too many."""
    from decimal import Decimal

    if not all(isinstance(v, int | float) and math.isfinite(v) for v in (low, high)):
        return []
    first, last = Decimal(str(low)), Decimal(str(high))
    for text in _NUMBER_STEPS:
        step = Decimal(text)
        start = math.ceil(first / step)
        count = math.floor(last / step) - start + 1
        if 0 < count <= _MAX_NUMBER_VALUES:
            values = (step * (start + i) for i in range(count))
            return [int(v) if v == v.to_integral_value() else float(v) for v in values]
    return []
