"""Loopback only: while `loopback_only()` is active, this process reaches no other host.

Patched where every Python connection passes: `socket.getaddrinfo` (name lookups, also
asyncio's) and `socket.socket.connect` / `connect_ex` (sync and asyncio sockets alike).
Proxy variables are cleared too, since a proxy on loopback would carry a request onward;
child processes (kernels, the sandbox) inherit that, not the socket patches.
"""

from __future__ import annotations

import _socket
import ipaddress
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["NetworkGuardError", "loopback_only", "unguarded"]

_PROXIES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


class NetworkGuardError(OSError):
    """A test tried to reach a host that is not this machine."""


def is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(address: Any) -> None:
    if isinstance(address, tuple) and not is_loopback(address[0]):
        raise NetworkGuardError(f"tests may not reach {address[0]!r}: loopback only")


def _connect(self: socket.socket, address: Any) -> None:
    _check(address)
    return _socket.socket.connect(self, address)


def _connect_ex(self: socket.socket, address: Any) -> int:
    _check(address)
    return _socket.socket.connect_ex(self, address)


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host is not None and not is_loopback(host):
        raise socket.gaierror(socket.EAI_NONAME, f"tests may not look up {host!r}")
    return _socket.getaddrinfo(host, *args, **kwargs)


@contextmanager
def loopback_only() -> Iterator[None]:
    saved = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
    proxies = {name: os.environ.pop(name) for name in _PROXIES if name in os.environ}
    socket.socket.connect, socket.socket.connect_ex = _connect, _connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _getaddrinfo
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = saved  # type: ignore[method-assign]
        os.environ.update(proxies)


@contextmanager
def unguarded() -> Iterator[None]:
    """The real network again, inside a guarded run (for `live` tests)."""
    saved = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
    socket.socket.connect = _socket.socket.connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _socket.socket.connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _socket.getaddrinfo
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = saved  # type: ignore[method-assign]
