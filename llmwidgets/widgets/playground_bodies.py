"""The Playground's request for both endpoints: the same question as Chat Completions
and as the Responses API, side by side, each as JSON and as Python to copy.

    both = request_both_ways(client, messages, {"model": m, "max_tokens": 40})
    both["chat"]["body"]        # what /chat/completions is sent (streamed, with usage)
    both["responses"]["body"]   # the same as /responses takes it (`responses_api`)
    both["responses"]["error"]  # instead, when it has no place for a parameter (`stop`)
"""

from __future__ import annotations

from typing import Any

from ..as_code import python_code
from ..providers import Provider
from ..responses_api import API, responses_body
from ..running import streamed_body

__all__ = ["PATHS", "api_note", "request_both_ways"]

PATHS: dict[API, str] = {"chat": "/chat/completions", "responses": "/responses"}


def request_both_ways(
    client: Any, messages: list[dict[str, Any]], params: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """For each endpoint: the body Run would send (streamed) and a script making the same
    call (not streamed); or, for one that cannot take the request, why in one line."""
    chat_call = {"model": params.get("model"), "messages": messages, **params}
    both: dict[str, dict[str, Any]] = {
        "chat": {
            "body": streamed_body(messages, params, "chat"),
            "code": python_code(client, chat_call, PATHS["chat"]),
        }
    }
    try:
        call = responses_body(messages, params)
    except ValueError as refused:
        both["responses"] = {"error": str(refused)}
    else:
        both["responses"] = {
            "body": {**call, "stream": True},
            "code": python_code(client, call, PATHS["responses"]),
        }
    return both


def api_note(record: Provider | None, api: API) -> str:
    """What the provider does with the Responses API ("" for chat, or nothing to say)."""
    if api != "responses" or record is None:
        return ""
    if record.responses is None:
        return f"{record.label} has no Responses API: /responses answers 404."
    return record.responses.notes
