"""The chat request's sampling and output parameters: their reference ranges, checked, and
what a provider does with each.

    sent, problems = check_parameters({"temperature": "0.3", "n": 0})
    # ({"temperature": 0.3}, {"n": "must be from 1 to 128 (got 0)"})
    warnings_by_parameter(get_provider("groq"), sent, model, messages)
    # {"logprobs": ["Groq rejects `logprobs` ...: the request will fail with 400."]}

The playground's controls stand on these, and so can any code that builds a request from
what a student typed. Nothing here imports the SDK or a widget library. The controls'
table and the checks built on it stay together, so that each range is written once.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from typing import Any

from .providers import Provider

__all__ = [
    "CLIENT_OPTIONS",
    "CONTROLS",
    "PARAMETERS",
    "Control",
    "check_parameters",
    "problems_line",
    "refuse_client_options",
    "refuse_unknown",
    "warnings_by_parameter",
]


@dataclass(frozen=True)
class Control:
    """A request parameter as the Playground's page shows it, and as it is checked here:
    its kind, the reference's range, the API's default (shown greyed while the control is
    unset) and what ticking the control fills in. The page gets this table as it is."""

    name: str
    kind: str  # slider, limit, int, lines, format or bool
    help: str
    min: float | None = None
    max: float | None = None
    step: float | None = None
    fallback: Any = None
    start: Any = None
    placeholder: str = ""
    names: tuple[str, ...] = ()  # a control that sets one of several parameters

    def for_page(self) -> dict[str, Any]:
        shown = {k: v for k, v in asdict(self).items() if v not in (None, "", ())}
        return {k: list(v) if isinstance(v, tuple) else v for k, v in shown.items()}


# In the order of the page and of the request. Ranges and defaults are the reference's
# (openai-openapi, CreateChatCompletionRequest and its ModelResponseProperties).
CONTROLS = (
    Control("temperature", "slider", min=0, max=2, step=0.1, fallback=1,
            help="How random the sampling is: 0 takes the likeliest token, 2 is wild."),
    Control("top_p", "slider", min=0, max=1, step=0.05, fallback=1,
            help="Sample only from the likeliest tokens whose probabilities add up to top_p."),
    Control("max_completion_tokens", "limit", min=1, start=256, placeholder="no limit",
            names=("max_completion_tokens", "max_tokens"),
            help="The most tokens the answer may have: it is cut there, with "
                 'finish_reason "length".'),
    Control("n", "int", min=1, max=128, fallback=1, start=2,
            help="How many answers to sample for the one prompt (you pay for every one)."),
    Control("stop", "lines",
            help="Up to 4 sequences, one a line, where the answer stops (\\n stands for a "
                 "new line)."),
    Control("frequency_penalty", "slider", min=-2, max=2, step=0.1, fallback=0,
            help="Above 0, a token is less likely the more often it has appeared already."),
    Control("presence_penalty", "slider", min=-2, max=2, step=0.1, fallback=0,
            help="Above 0, a token that has appeared at all is less likely: new topics."),
    Control("seed", "int", min=-(2**63), max=2**63 - 1, start=42, placeholder="random",
            help="The same seed with the same request samples the same answer, where "
                 "supported."),
    Control("response_format", "format",
            help="Ask for JSON: any object (json_object), or one that fits your schema "
                 "(json_schema)."),
    Control("logprobs", "bool", help="Return each token of the answer with its probability."),
    Control("top_logprobs", "int", min=0, max=20, fallback=0, start=3,
            help="Also the likeliest alternatives at each position (needs logprobs)."),
)  # fmt: skip
# Every parameter the controls set, in the request's order.
PARAMETERS = tuple(name for c in CONTROLS for name in (c.names or (c.name,)))

# What belongs to the client, not the request: given as a parameter it would be sent in
# the body (a key among them), and shown wherever the request is.
CLIENT_OPTIONS = frozenset(
    {
        "api_key",
        "admin_api_key",
        "base_url",
        "organization",
        "project",
        "default_headers",
        "default_query",
        "http_client",
        "max_retries",
        "timeout",
        "webhook_secret",
        "websocket_base_url",
    }
)


def refuse_unknown(params: dict[str, Any], where: str, *, also: tuple[str, ...] = ()) -> None:
    """A name that is no parameter is refused before its value is kept anywhere (a key
    given by mistake must not become widget state): a client option, or a misspelling."""
    refuse_client_options(params, where)
    unknown = sorted(set(params) - set(PARAMETERS) - set(also))
    if unknown:
        raise TypeError(
            f"{where}: {', '.join(unknown)} is not a parameter it sets "
            f"(it sets {', '.join(PARAMETERS)})"
        )


def problems_line(problems: dict[str, str]) -> str:
    """What will not be sent and why, in one line ("" when all is sent)."""
    if not problems:
        return ""
    return "Not sent: " + "; ".join(f"{name} {why}" for name, why in problems.items()) + "."


def refuse_client_options(names: Any, where: str) -> None:
    """TypeError, naming (never showing) any client option among request parameters."""
    found = sorted(CLIENT_OPTIONS.intersection(names))
    if found:
        raise TypeError(
            f"{where}: {', '.join(found)} belongs to the client, not the request: make the "
            "client with it (llmwidgets.connect(..., api_key=...)) and pass the client"
        )


def _range(control: Control) -> tuple[float, float]:
    """A control's range, unbounded where the reference sets no bound."""
    low = -math.inf if control.min is None else control.min
    return low, math.inf if control.max is None else control.max


_NUMBERS = {c.name: _range(c) for c in CONTROLS if c.kind == "slider"}
_WHOLE = {
    name: _range(c) for c in CONTROLS if c.kind in ("int", "limit") for name in c.names or (c.name,)
}
_MAX_STOP = 4  # StopConfiguration: "Up to 4 sequences"
_SCHEMA_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")  # ResponseFormatJsonSchema.name


class _Bad(ValueError):
    """Why one parameter's value is not sent."""


def check_parameters(params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(what will be sent, in the controls' order; why each other one will not be).

    Types and ranges are the reference's; a value given in a looser form (a numeric string,
    `response_format="json_object"`, a schema as JSON text) is normalised to the API's."""
    clean: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name in params:
        if name not in PARAMETERS:
            problems[name] = "is not a parameter the playground sets"
    for name in PARAMETERS:
        value = params.get(name)
        if value is None:
            continue
        try:
            checked = _check(name, value)
        except _Bad as bad:
            problems[name] = str(bad)
            continue
        if checked is not None:
            clean[name] = checked
    if "top_logprobs" in clean and clean.get("logprobs") is not True:
        # The reference: "`logprobs` must be set to `true` if this parameter is used."
        del clean["top_logprobs"]
        problems["top_logprobs"] = "needs logprobs set to true"
    return clean, problems


def _check(name: str, value: Any) -> Any:
    if name in _NUMBERS:
        low, high = _NUMBERS[name]
        number = _as_number(value)
        if not low <= number <= high:
            raise _Bad(f"must be from {low:g} to {high:g} (got {number:g})")
        return number
    if name in _WHOLE:
        lowest, highest = _WHOLE[name]
        whole = _as_whole(value)
        if not lowest <= whole <= highest:
            span = f"from {lowest} to {highest}" if highest < math.inf else f"at least {lowest}"
            raise _Bad(f"must be {span} (got {whole})")
        return whole
    if name == "stop":
        return _check_stop(value)
    if name == "logprobs":
        if not isinstance(value, bool):
            raise _Bad(f"must be true or false (got {value!r})")
        return value
    if name == "response_format":
        return _check_format(value)
    raise _Bad("is not a parameter the playground sets")  # pragma: no cover


def _as_number(value: Any) -> int | float:
    if isinstance(value, str) and value.strip():
        try:
            value = float(value)
        except ValueError:
            raise _Bad(f"must be a number (got {value!r})") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Bad(f"must be a number (got {value!r})")
    return value


def _as_whole(value: Any) -> int:
    number = _as_number(value)
    if isinstance(number, float):
        if not number.is_integer():
            raise _Bad(f"must be a whole number (got {number:g})")
        number = int(number)
    return number


def _check_stop(value: Any) -> str | list[str] | None:
    sequences = [value] if isinstance(value, str) else value
    if not isinstance(sequences, list | tuple) or not all(isinstance(s, str) for s in sequences):
        raise _Bad("must be a text or a list of texts")
    sequences = [s for s in sequences if s]
    if len(sequences) > _MAX_STOP:
        raise _Bad(f"takes up to {_MAX_STOP} sequences (got {len(sequences)})")
    if not sequences:
        return None  # nothing to stop at: not sent
    return value if isinstance(value, str) else sequences


def _check_format(value: Any) -> dict[str, Any] | None:
    if isinstance(value, str):
        value = {"type": value} if value not in ("", "none") else None
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _Bad("must be text, json_object or json_schema")
    kind = value.get("type")
    if kind in ("text", "json_object"):
        return {"type": kind}
    if kind != "json_schema":
        raise _Bad(f"must have type text, json_object or json_schema (got {kind!r})")
    spec = value.get("json_schema")
    if not isinstance(spec, dict) or spec.get("schema") in (None, ""):
        raise _Bad("needs a schema for json_schema")
    schema = spec["schema"]
    if isinstance(schema, str):
        try:
            schema = json.loads(schema)
        except json.JSONDecodeError as bad:
            raise _Bad(
                f"has a schema that is not JSON ({bad.msg}, line {bad.lineno} column {bad.colno})"
            ) from None
    if not isinstance(schema, dict):
        raise _Bad("needs a schema that is a JSON object")
    name = spec.get("name") or "answer"
    if not isinstance(name, str) or not _SCHEMA_NAME.match(name):
        raise _Bad("needs a schema name of letters, digits, _ and - (64 at most)")
    checked: dict[str, Any] = {"name": name}
    if isinstance(spec.get("description"), str) and spec["description"]:
        checked["description"] = spec["description"]
    checked["schema"] = schema
    if isinstance(spec.get("strict"), bool):
        checked["strict"] = spec["strict"]
    return {"type": "json_schema", "json_schema": checked}


def warnings_by_parameter(
    record: Provider | None, sent: dict[str, Any], model: str, messages: list[dict[str, Any]]
) -> dict[str, list[str]]:
    """parameter -> what this provider does with it (`Provider.check_params`, one at a
    time so that each warning can sit by its control), and what depends on the rest of
    the request."""
    warnings: dict[str, list[str]] = {}
    for name, value in sent.items():
        found = record.check_params({name: value}) if record is not None else []
        found += _request_dependent(record, name, value, model, messages)
        if found:
            warnings[name] = found
    return warnings


def _request_dependent(
    record: Provider | None, name: str, value: Any, model: str, messages: list[dict[str, Any]]
) -> list[str]:
    """What depends on the rest of the request: JSON mode needs the messages to ask for
    JSON, and some providers take json_schema with some models only (Groq)."""
    if name != "response_format" or (record is not None and name in record.ignored_params):
        return []
    if value.get("type") == "json_object":
        # The reference: "you **must** also instruct the model to produce JSON yourself via
        # a system or user message"; OpenAI (and the sandbox) refuse it without the word.
        if any("json" in str(m.get("content", "")).lower() for m in messages):
            return []
        return [
            "`json_object` needs the messages to ask for JSON: without the word, OpenAI "
            "answers 400."
        ]
    if record is None or value.get("type") != "json_schema":
        return []
    capable = record.json_schema_models
    if capable is None or model in capable:
        return []
    return [
        f"{record.label} takes `json_schema` only with {', '.join(capable)}: "
        f"with {model or 'this model'} the request will fail with 400."
    ]
