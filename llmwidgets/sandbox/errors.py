"""Errors the sandbox answers with, always in OpenAI's envelope.

    {"error": {"message": "...", "type": "invalid_request_error", "param": "n", "code": null}}

| status | type                   | when                                               |
|--------|------------------------|----------------------------------------------------|
| 400    | invalid_request_error  | malformed JSON, wrong types, missing fields        |
| 400    | invalid_request_error  | code `context_length_exceeded`: prompt too long    |
| 401    | invalid_request_error  | code `invalid_api_key`: missing or wrong key       |
| 403    | invalid_request_error  | code `invalid_host`: non-loopback Host on loopback |
| 403    | invalid_request_error  | a `--restricted-key` asks for a model              |
| 404    | invalid_request_error  | code `model_not_found`, or an unknown path         |
| 405    | invalid_request_error  | a wrong method                                     |
| 413    | invalid_request_error  | code `request_too_large`: body over the limit      |
| 429    | requests / tokens      | code `rate_limit_exceeded`, with Retry-After       |
| 500    | server_error           | a bug in the sandbox itself, never bad input       |
| 500/503| server_error           | asked for: `X-Sandbox-Fail`, `--flaky` (failures.py) |
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.responses import Response

__all__ = ["SandboxAPIError", "envelope", "error_response"]


class SandboxAPIError(Exception):
    """An error to answer with; raised anywhere in a request, rendered by the app."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = dict(headers or {})

    def to_dict(self) -> dict[str, object]:
        return envelope(self.message, self.type, self.param, self.code)


def envelope(
    message: str, type: str, param: str | None = None, code: str | None = None
) -> dict[str, object]:
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def error_response(error: SandboxAPIError, body: Mapping[str, object] | None = None) -> Response:
    """The error's status and headers; its body in OpenAI's envelope unless given another."""
    headers = dict(error.headers)
    # The SDK retries 408/409/429/5xx unless told not to; a bad request fails the same way again.
    if error.status < 500 and error.status not in (408, 409, 429):
        headers.setdefault("x-should-retry", "false")
    return Response(
        json.dumps(error.to_dict() if body is None else body),
        status_code=error.status,
        media_type="application/json",
        headers=headers,
    )
