"""Checks made before routing: a loopback server answers only loopback Host names (against
DNS rebinding), and no body may be larger than the limit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from ..providers import LOOPBACK_HOSTS
from .errors import SandboxAPIError, error_response

__all__ = ["Guard", "too_large"]


def too_large(limit: int) -> SandboxAPIError:
    return SandboxAPIError(
        413,
        f"The request body is larger than this sandbox accepts ({limit} bytes).",
        code="request_too_large",
    )


class Guard:
    """Refuses, before routing: a non-loopback Host on a loopback server, an oversized body."""

    def __init__(self, app: ASGIApp, *, loopback_only: bool, max_body_bytes: int) -> None:
        self.app = app
        self.loopback_only = loopback_only
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        error = None
        if self.loopback_only and _hostname(headers.get("host", "")) not in LOOPBACK_HOSTS:
            error = SandboxAPIError(
                403,
                "This sandbox only answers requests addressed to localhost "
                "(the Host header names another host).",
                code="invalid_host",
            )
        elif _content_length(headers) > self.max_body_bytes:
            error = too_large(self.max_body_bytes)
        if error is not None:
            response: Callable[..., Awaitable[None]] = error_response(error)
            return await response(scope, receive, send)
        return await self.app(scope, receive, send)


def _content_length(headers: dict[str, str]) -> int:
    try:
        return int(headers.get("content-length") or 0)
    except ValueError:
        return 0  # unreadable: the body is measured again once read


def _hostname(host: str) -> str:
    """'127.0.0.1:8000' -> '127.0.0.1'; '[::1]:8000' -> '::1'."""
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host
