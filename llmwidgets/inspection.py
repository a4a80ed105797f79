"""Watch a client's own HTTP traffic for a while: what `llmwidgets.inspect` shows.

    with Watch(client) as watch:          # the client you already have, not a copy
        client.chat.completions.create(...)
    watch.log.exchanges                    # every request the SDK sent, retries included

The SDK sends through one HTTP client (httpx), kept on `client._client` and shared by its
copies (`with_options`); httpx calls its `event_hooks` for every request and response,
and reads the hook lists again for each request. So a dispatcher is added to those lists
once per HTTP client, and does nothing (one ContextVar lookup) unless a `Watch` of that
client is open in the current context. A context, not a flag: a task started inside the
block (a stream cell's) is still watched when it runs, another thread or a call after the
block is not. The async twin a widget streams with (`twins.async_twin`) is linked to the
client it was made from, so watching one watches both. Nothing here speaks HTTP: the SDK
does, retries included (each one is a request of its own, numbered by the SDK's
`x-stainless-retry-count` header), and we note what passes.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Mapping
from contextvars import ContextVar, Token
from types import MappingProxyType, TracebackType
from typing import Any

from .recording import Recording

__all__ = ["Watch", "link_twin"]

# owner key -> the recording open for it in this context
_WATCHING: ContextVar[Mapping[int, Recording]] = ContextVar(
    "llmwidgets_watching", default=MappingProxyType({})
)
_LOCK = threading.Lock()
_KEYS = itertools.count(1)  # owner keys (an object's id can be reused once it is freed)
# HTTP client -> the owner key its dispatcher reports to (a twin reports to its original)
_OWNER_OF: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()


def _http_client_of(client: Any) -> Any:
    """The httpx client the SDK sends through (`_base_client.py` keeps it as `_client`)."""
    http = getattr(client, "_client", None)
    if http is None or not hasattr(http, "event_hooks"):
        raise TypeError(f"inspect() takes an openai.OpenAI or AsyncOpenAI, not {client!r:.60}")
    return http


def _hook(client: Any, owner: int | None = None) -> int:
    """Add the dispatcher to `client`'s HTTP client (once); returns its owner key."""
    import openai

    http = _http_client_of(client)
    with _LOCK:
        known = _OWNER_OF.get(http)
        if known is not None:
            return known
        key = owner if owner is not None else next(_KEYS)
        if isinstance(client, openai.AsyncOpenAI):
            on_request, on_response = _async_dispatchers(key)
        else:
            on_request, on_response = _sync_dispatchers(key)
        hooks = http.event_hooks
        # The setter makes new lists: a request walking the old ones is not disturbed.
        http.event_hooks = {
            "request": [*hooks.get("request", []), on_request],
            "response": [*hooks.get("response", []), on_response],
        }
        _OWNER_OF[http] = key
        return key


def _sync_dispatchers(key: int) -> tuple[Any, Any]:
    def on_request(request: Any) -> None:
        log = _WATCHING.get().get(key)
        if log is not None:
            log.on_request(request)

    def on_response(response: Any) -> None:
        log = _WATCHING.get().get(key)
        if log is None:
            return
        exchange = log.after_headers(response)
        if exchange is not None and not exchange.streamed:
            log.read_whole(exchange, response.read())

    return on_request, on_response


def _async_dispatchers(key: int) -> tuple[Any, Any]:
    async def on_request(request: Any) -> None:  # httpx awaits an async client's hooks
        log = _WATCHING.get().get(key)
        if log is not None:
            log.on_request(request)

    async def on_response(response: Any) -> None:
        log = _WATCHING.get().get(key)
        if log is None:
            return
        exchange = log.after_headers(response)
        if exchange is not None and not exchange.streamed:
            log.read_whole(exchange, await response.aread())

    return on_request, on_response


def link_twin(client: Any, twin: Any) -> None:
    """`twin` (an AsyncOpenAI made from `client`) reports to whoever watches `client`."""
    if twin is not client:
        _hook(twin, owner=_hook(client))


class Watch:
    """Record `client`'s exchanges while the block runs (and the tasks it starts)."""

    def __init__(self, client: Any, *, limit: int | None = None) -> None:
        self.log = Recording(limit=limit)
        self._key = _hook(client)
        self._tokens: list[Token[Mapping[int, Recording]]] = []

    def __enter__(self) -> Watch:
        watching = MappingProxyType({**_WATCHING.get(), self._key: self.log})
        self._tokens.append(_WATCHING.set(watching))
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        token = self._tokens.pop()
        try:
            _WATCHING.reset(token)
        except ValueError:  # left in another context (another task): stop watching there
            watching = dict(_WATCHING.get())
            watching.pop(self._key, None)
            _WATCHING.set(MappingProxyType(watching))

    async def __aenter__(self) -> Watch:
        return self.__enter__()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.__exit__(kind, error, trace)
