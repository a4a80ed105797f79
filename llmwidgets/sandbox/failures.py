"""Teaching switches: failures a lesson can show for real, raised where real ones are.

| switch                              | answer                                                |
|-------------------------------------|-------------------------------------------------------|
| header `X-Sandbox-Fail: 500`        | 500 `server_error`, `x-should-retry: true`            |
| header `X-Sandbox-Fail: 503`        | 503 `server_error` (overloaded), `x-should-retry: true` |
| header `X-Sandbox-Fail: 429`        | 429 whose `Retry-After` is an HTTP date, 2 s ahead    |
| header `X-Sandbox-Fail: 401`        | 401 `invalid_api_key`, as for a wrong key             |
| `--flaky N`                         | the first of every N model requests: that 503         |
| `--restricted-key KEY`              | a valid key that may list models but not use one: 403 |
| `--moderate WORD[,WORD]`            | a choice that writes one ends with `content_filter`   |

Each becomes a `SandboxAPIError` raised after the key and rate-limit checks, so it travels
the same path as every other error (OpenAI's envelope, its status, its headers), and the
official SDK reacts as it does to OpenAI: it retries the 5xx answers (`max_retries`) and
raises `InternalServerError`, `PermissionDeniedError`. `--moderate` is applied while the
model writes (`stops.py`). The messages are OpenAI's own.

The 429 switch exists because HTTP lets `Retry-After` be a date as well as seconds
(RFC 9110, section 10.2.3): retry code that assumes a number should meet one for real.
"""

from __future__ import annotations

import hashlib
import threading
import time
from email.utils import formatdate

from starlette.requests import Request

from .errors import SandboxAPIError

__all__ = ["FAIL_HEADER", "TeachingSwitches"]

FAIL_HEADER = "x-sandbox-fail"
RETRY_DATE_AHEAD_S = 2.0
_SERVER_ERRORS = {
    500: "The server had an error while processing your request. Sorry about that!",
    503: "The server is overloaded or not ready yet.",
}


class TeachingSwitches:
    def __init__(self, flaky: int | None, restricted_keys: frozenset[str]) -> None:
        self._flaky = flaky
        self._restricted = {_digest(k) for k in restricted_keys}
        self._count = 0
        self._lock = threading.Lock()

    def check(self, request: Request, model: str) -> None:
        """Raise the failure this request was switched to, if any."""
        if self._restricted:
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() == "bearer" and _digest(token.strip()) in self._restricted:
                raise SandboxAPIError(
                    403,
                    f"You are not allowed to sample from this model ({model}): this key is "
                    "restricted. Check the key's permissions, or use another key.",
                )
        asked = request.headers.get(FAIL_HEADER, "").strip()
        if asked:
            status = int(asked) if asked.isdigit() else 0
            if status == 429:
                raise _rate_limited_until(time.time() + RETRY_DATE_AHEAD_S)
            if status == 401:
                raise SandboxAPIError(401, "Incorrect API key provided.", code="invalid_api_key")
            if status not in _SERVER_ERRORS:
                raise SandboxAPIError(
                    400,
                    f"{FAIL_HEADER} takes 401, 429, 500 or 503, not {asked!r}.",
                    param=FAIL_HEADER,
                )
            raise _server_error(status)
        if self._flaky:
            with self._lock:
                self._count += 1
                fails = self._count % self._flaky == 1 or self._flaky == 1
            if fails:
                raise _server_error(503)


def _server_error(status: int) -> SandboxAPIError:
    return SandboxAPIError(
        status, _SERVER_ERRORS[status], type="server_error", headers={"x-should-retry": "true"}
    )


def _rate_limited_until(when: float) -> SandboxAPIError:
    """A 429 asking to come back at a moment given as an HTTP date (whole seconds, rounded up)."""
    return SandboxAPIError(
        429,
        "Rate limit reached for requests. Please try again later.",
        type="requests",
        code="rate_limit_exceeded",
        headers={"retry-after": formatdate(float(int(when) + 1), usegmt=True)},
    )


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
