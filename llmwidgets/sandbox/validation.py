"""Validate-and-resample: what a grammar cannot promise, a check after sampling can.

llama.cpp's JSON-schema converter turns types, `enum`, `pattern`, `minItems`/`maxItems`,
string lengths and small integer ranges (spelled out as enums, grammars.py) into grammar,
so the output always has them. It cannot bound a number (`minimum`/`maximum` on a float,
`multipleOf`), make items unique, or check a `format`. For a schema that asks for one of
those (`response_format` json_schema, or the parameters of a tool with `strict: true`),
the choice is checked with jsonschema when it ends, and sampled again with another seed
(derived from the request's, so still reproducible) until it passes, a few times at most.
Such a choice is then sent whole at the end, also when streamed: nothing unchecked leaves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["MAX_ATTEMPTS", "retry_seed", "schema_check", "schema_problem", "tool_check"]

MAX_ATTEMPTS = 4
# Keywords the grammar does not enforce: their presence asks for a check after sampling.
_UNENFORCED = frozenset(
    {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "uniqueItems"}
    | {"format", "not", "if", "dependentRequired", "dependentSchemas", "contains"}
)

Check = Callable[[str], bool]


def schema_problem(schema: dict[str, Any]) -> str | None:
    """Why `schema` is not a JSON Schema, or None: a client's mistake is a 400, never a
    failure half-way through sampling."""
    import jsonschema

    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        return error.message
    return None


def needs_check(schema: Any) -> bool:
    if isinstance(schema, list):
        return any(needs_check(item) for item in schema)
    if not isinstance(schema, dict):
        return False
    return bool(_UNENFORCED & schema.keys()) or any(needs_check(v) for v in schema.values())


def schema_check(schema: dict[str, Any]) -> Check | None:
    """A check of output text against `schema`, or None when the grammar suffices."""
    from .grammars import bounded

    if not needs_check(bounded(schema)):  # what the grammar will enforce needs no check
        return None
    import jsonschema

    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )

    def check(text: str) -> bool:
        try:
            return validator.is_valid(json.loads(text))
        except Exception:  # undecodable, too deep, a pattern the validator cannot compile
            return False

    return check


def tool_check(
    tools: list[dict[str, Any]], read: Callable[[str], list[dict[str, Any]]]
) -> Check | None:
    """A check of generated calls against the schemas of the `strict` tools among `tools`."""
    strict = {t["name"]: t["parameters"] for t in tools if t.get("strict") and t.get("parameters")}
    checks = {name: schema_check(schema) for name, schema in strict.items()}
    checks = {name: c for name, c in checks.items() if c is not None}
    if not checks:
        return None

    def check(text: str) -> bool:
        for call in read(text):
            own = checks.get(call["function"]["name"])
            if own is not None and not own(call["function"]["arguments"]):
                return False
        return True

    return check


def retry_seed(seed: int | None, attempt: int) -> int | None:
    """The seed of attempt N: the request's own first, then others derived from it."""
    if seed is None or attempt == 0:
        return seed
    return (seed + 7919 * attempt) & 0x7FFFFFFF
