"""From a request's bytes to one of `schemas.py`'s models, or the 400 OpenAI would answer.

The message and `param` follow OpenAI's words ("Missing required parameter: 'messages'.",
"Unrecognized request argument supplied: foo", "Unknown parameter: 'messages[0].foo'."),
with the parameter's path as a client wrote it: pydantic's union labels and discriminator
tags are left out of it.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from .errors import SandboxAPIError

__all__ = ["parse_body"]


def parse_body(model: type[BaseModel], raw: bytes) -> Any:
    """Parse and validate a JSON body, or raise the 400 OpenAI would answer with."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SandboxAPIError(
            400,
            f"We could not parse the JSON body of your request ({exc}). "
            "The body must be valid JSON.",
        ) from None
    if not isinstance(data, dict):
        raise SandboxAPIError(400, "The request body must be a JSON object.")
    try:
        return TypeAdapter(model).validate_python(data)
    except ValidationError as exc:
        raise _to_api_error(exc) from None


def _to_api_error(exc: ValidationError) -> SandboxAPIError:
    # For a union, pydantic reports each member's complaint; the deepest is the most telling.
    errors = exc.errors(include_url=False)
    first = max(errors, key=lambda e: len(e["loc"]))
    param = _param_path(first["loc"])
    kind = first["type"]
    if kind == "missing":
        return SandboxAPIError(400, f"Missing required parameter: '{param}'.", param=param)
    if kind == "extra_forbidden" and len(first["loc"]) == 1:
        return SandboxAPIError(400, f"Unrecognized request argument supplied: {param}", param=param)
    if kind == "extra_forbidden":  # inside a message, a part, a format: OpenAI's newer words
        return SandboxAPIError(
            400, f"Unknown parameter: '{param}'.", param=param, code="unknown_parameter"
        )
    return SandboxAPIError(400, f"Invalid value for '{param}': {first['msg']}.", param=param)


# Where a discriminated union puts its tag in pydantic's error path: after these fields, and
# after an item of these lists. A new discriminated union needs its name here.
_TAGGED_FIELDS = frozenset({"response_format", "tool_choice"})
_TAGGED_LISTS = frozenset({"messages", "tools"})  # wherever they are, as allowed_tools.tools


def _param_path(loc: tuple[Any, ...]) -> str:
    """('messages', 0, 'user', 'content') -> 'messages[0].content': union labels dropped,
    and the tag a discriminated union puts right after its field or list item."""
    out, tagged = "", ""  # `tagged`: the path whose union tag was already dropped
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _is_union_label(str(part)):
            continue
        elif out != tagged and _holds_tagged_union(out):
            tagged = out
        else:
            out += f".{part}" if out else str(part)
    return out


def _holds_tagged_union(path: str) -> bool:
    last = path.rpartition(".")[2]  # "tools[0]" in "tool_choice.allowed_tools.tools[0]" too
    field, _, index = last.partition("[")
    return path in _TAGGED_FIELDS or (field in _TAGGED_LISTS and index[:-1].isdigit())


def _is_union_label(part: str) -> bool:
    """Member labels such as `str`, `list[TextPart]`, `NamedToolChoice`, `constrained-float`."""
    return (
        part[:1].isupper()
        or part in {"str", "int", "float", "bool", "dict"}
        or any(ch in part for ch in "[]'-=")
    )
