"""What a chat request asks of the sampler besides its numbers: a token bias, a grammar.

Both are worked out before the model runs, so that a bad key or schema is a 400 that names
the parameter, never a failure half-way through a stream.
"""

from __future__ import annotations

from typing import Any

from .engine import Engine
from .errors import SandboxAPIError
from .grammars import json_object_grammar, json_schema_grammar, tool_call_grammar
from .prompt import text_of
from .schemas import ChatRequest
from .validation import schema_problem

__all__ = ["grammar_for", "logit_bias"]


def logit_bias(request: ChatRequest, engine: Engine) -> dict[int, float]:
    """`logit_bias` keys as this model's token ids; a key that is not one is a 400."""
    bias = {}
    for key, value in (request.logit_bias or {}).items():
        token = engine.token_id(key)
        if token is None:
            raise SandboxAPIError(
                400,
                f"Invalid key in 'logit_bias': {key!r} is not a token id of this model "
                f"(0 to {engine.n_vocab - 1}).",
                param="logit_bias",
            )
        bias[token] = value
    return bias


def grammar_for(request: ChatRequest, tools: list[dict[str, Any]], tool_mode: str) -> str | None:
    """The GBNF grammar the output must follow (tool calls, JSON mode, a JSON schema), or
    None. Every schema is checked here: a client's mistake is a 400 before sampling."""
    for tool in tools:
        problem = schema_problem(tool["parameters"] or {})
        if problem:
            raise SandboxAPIError(
                400,
                f"Invalid schema for function '{tool['name']}': {problem}",
                param="tools",
                code="invalid_function_parameters",
            )
    if tool_mode != "none":
        try:
            return tool_call_grammar(
                tools,
                allow_text=tool_mode == "auto",
                parallel=request.parallel_tool_calls is not False,
            )
        except ValueError as exc:
            raise SandboxAPIError(
                400, f"Invalid function parameters: {exc}", param="tools"
            ) from None
    fmt = request.response_format
    if fmt is None or fmt.type == "text":
        return None
    if fmt.type == "json_object":
        if not any("json" in text_of(m.content).lower() for m in request.messages):
            raise SandboxAPIError(
                400,
                "'messages' must contain the word 'json' in some form, to use "
                "'response_format' of type 'json_object'.",
                param="messages",
            )
        return json_object_grammar()
    schema = fmt.json_schema.schema_ or {"type": "object"}
    problem = schema_problem(schema)
    if problem:
        raise SandboxAPIError(
            400,
            f"Invalid schema for response_format '{fmt.json_schema.name}': {problem}",
            param="response_format.json_schema.schema",
        )
    try:
        return json_schema_grammar(schema)
    except ValueError as exc:
        raise SandboxAPIError(
            400,
            f"Invalid schema for response_format: {exc}",
            param="response_format.json_schema.schema",
        ) from None
