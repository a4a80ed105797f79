"""What a client sent and what came back, recorded through the SDK's own HTTP hooks.

    watched, log = record(client)     # a copy of `client` that records; `client` unchanged
    watched.chat.completions.create(...)
    log.exchanges[-1].body["stream"]  # what really went over the wire

The official SDK takes an `http_client`; `openai.DefaultHttpxClient` accepts `event_hooks`,
called for every request and every response, retries included. So nothing here speaks
HTTP: the SDK does, and we watch. A streamed body is watched as the SDK reads it: each
piece of bytes is noted with its arrival time as it passes (`Exchange.frames`), and the SSE
`data:` lines are read from those notes only when asked (`Exchange.events`). The
exercises' checks use it to see what a solution really sent (did it stream, did it send
`stop`, how long did it wait after a 429, what usage came back). Keys
never enter a record: the `Authorization` header is not kept, and text is redacted.
"""

from __future__ import annotations

import json
import logging
import time
import weakref
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, TypeVar

from .redaction import redact, shown_url

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletion

__all__ = [
    "RESPONSE_ENDS",
    "Exchange",
    "Recording",
    "json_or_none",
    "record",
    "retry_after_seconds",
]

ClientT = TypeVar("ClientT")
_log = logging.getLogger(__name__)
_SECRET_HEADERS = frozenset({"authorization", "api-key", "x-api-key"})


@dataclass
class Exchange:
    """One HTTP request the SDK sent, and its response once one came."""

    method: str
    path: str
    body: Any  # the JSON body sent, parsed; None when there was none
    headers: dict[str, str]  # request headers, secrets left out
    sent: float  # time.monotonic() when the request left
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    received: float | None = None  # when the response's headers arrived
    reply: Any = None  # a whole (not streamed) JSON response, parsed
    retry_after_s: float | None = None  # how long the response asked to wait, in seconds
    frames: list[tuple[float, bytes]] = field(default_factory=list)  # a stream's bytes, timed
    url: str = ""  # the whole URL, any password in it left out
    hidden: tuple[str, ...] = ()  # secret headers that were sent (their values never kept)
    ended: float | None = None  # when the body was read to its end (or the stream closed)

    @property
    def streamed(self) -> bool:
        return isinstance(self.body, dict) and self.body.get("stream") is True

    @property
    def events(self) -> list[tuple[float, str]]:
        """A stream's `data:` payloads with when each arrived (`[DONE]` included), as the
        SDK read them. A gzip or deflate body (a proxy's choice) is unpacked piece by
        piece, keeping each piece's time; one in another encoding gives none."""
        encoding = self.response_headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("identity", "gzip", "deflate"):
            return []
        unpack = None if encoding == "identity" else zlib.decompressobj(47)  # gzip or zlib
        found: list[tuple[float, str]] = []
        pending = b""
        for when, piece in self.frames:
            try:
                pending += unpack.decompress(piece) if unpack is not None else piece
            except zlib.error:
                return found
            *lines, pending = pending.split(b"\n")
            found += [
                (when, line[5:].strip().decode("utf-8", "replace"))
                for line in lines
                if line.startswith(b"data:")
            ]
        return found

    @property
    def usage(self) -> dict[str, Any] | None:
        """The `usage` the server reported: in the whole reply, in a chat stream's last
        chunk, or in the Response a Responses stream ends with."""
        if isinstance(self.reply, dict):
            return self.reply.get("usage")
        for _, data in reversed(self.events):
            chunk = json_or_none(data)
            if not isinstance(chunk, dict):
                continue
            if chunk.get("usage"):
                return chunk["usage"]
            ended = chunk.get("response")
            if isinstance(ended, dict) and ended.get("usage"):
                return ended["usage"]
        return None

    def response(self) -> dict[str, Any] | None:
        """The Responses API's Response this exchange carried, as JSON: a whole reply, or
        the one a stream ended with (`response.completed`, `.incomplete`, `.failed`). None
        when it carried none (an error, another endpoint, a stream stopped early)."""
        if not self.streamed:
            reply = self.reply
            return reply if isinstance(reply, dict) and reply.get("object") == "response" else None
        for _, data in reversed(self.events):
            event = json_or_none(data)
            if isinstance(event, dict) and event.get("type") in RESPONSE_ENDS:
                found = event.get("response")
                return found if isinstance(found, dict) else None
        return None

    def completion(self) -> ChatCompletion | None:
        """The chat completion this exchange carried: a whole reply as it came, or a
        stream's chunks joined as the widgets join them (text, tool calls by `index`, the
        usage chunk). None when it carried none (an error, another endpoint)."""
        from openai.types.chat import ChatCompletion, ChatCompletionChunk

        from .streaming import StreamAccumulator

        if not self.streamed:
            return ChatCompletion.model_validate(self.reply) if _is_completion(self.reply) else None
        acc = StreamAccumulator()
        for _, data in self.events:
            chunk = json_or_none(data)
            if isinstance(chunk, dict) and chunk.get("object") == "chat.completion.chunk":
                acc.add(ChatCompletionChunk.model_validate(chunk))
        return acc.completion() if acc.chunks else None


# The events a Responses API stream ends with, each carrying the whole Response.
RESPONSE_ENDS = frozenset({"response.completed", "response.incomplete", "response.failed"})


def _is_completion(reply: Any) -> bool:
    return isinstance(reply, dict) and reply.get("object") == "chat.completion"


@dataclass
class Recording:
    """The exchanges of one recorded client, oldest first."""

    exchanges: list[Exchange] = field(default_factory=list)
    limit: int | None = None  # refuse any request past this many (a loop's backstop)
    on_change: Callable[[], None] | None = None  # told of each request, response and end
    # requests sent and not yet answered, by the request object itself (an id can be reused)
    _open: weakref.WeakKeyDictionary[Any, Exchange] = field(
        default_factory=weakref.WeakKeyDictionary, repr=False
    )

    def to(self, path_suffix: str, method: str = "POST") -> list[Exchange]:
        """The exchanges with one endpoint, e.g. `to("/chat/completions")`."""
        return [e for e in self.exchanges if e.method == method and e.path.endswith(path_suffix)]

    def clear(self) -> None:
        self.exchanges.clear()

    def on_request(self, request: Any) -> None:
        if self.limit is not None and len(self.exchanges) >= self.limit:
            import httpx2  # the SDK's HTTP library: it reports this as APIConnectionError

            message = f"this client may send {self.limit} requests, and has"
            raise httpx2.ConnectError(message, request=request)
        exchange = Exchange(
            method=request.method,
            path=request.url.path,
            body=json_or_none(request.content) if request.content else None,
            headers={
                k.lower(): redact(v)
                for k, v in request.headers.items()
                if k.lower() not in _SECRET_HEADERS
            },
            sent=time.monotonic(),
            url=shown_url(str(request.url)),
            hidden=tuple(k.lower() for k in request.headers if k.lower() in _SECRET_HEADERS),
        )
        self.exchanges.append(exchange)
        self._open[request] = exchange
        self.changed()

    def on_response(self, response: Any) -> Exchange | None:
        exchange = self._open.pop(response.request, None)
        if exchange is None:
            return None
        exchange.status = response.status_code
        exchange.response_headers = {k.lower(): v for k, v in response.headers.items()}
        exchange.received = time.monotonic()
        exchange.retry_after_s = retry_after_seconds(exchange.response_headers.get("retry-after"))
        self.changed()
        return exchange

    def read_whole(self, exchange: Exchange | None, content: bytes) -> None:
        if exchange is not None and not exchange.streamed:
            exchange.reply = json_or_none(content)
            self.end(exchange)

    def end(self, exchange: Exchange) -> None:
        if exchange.ended is None:
            exchange.ended = time.monotonic()
            self.changed()

    def changed(self) -> None:
        """Tell whoever draws the log. A drawing bug must never break the call watched."""
        if self.on_change is not None:
            try:
                self.on_change()
            except Exception:
                _log.exception("drawing a recorded exchange failed")

    def after_headers(self, response: Any) -> Exchange | None:
        """A response's headers have come: note them, and a stream's pieces as the SDK
        reads them. Returns the exchange (a whole body is the caller's to read)."""
        exchange = self.on_response(response)
        if exchange is not None and exchange.streamed:
            noted = exchange
            response.stream = _noting(noted, response.stream, lambda: self.end(noted))
        return exchange


def _noting(exchange: Exchange, stream: Any, at_end: Callable[[], None] = lambda: None) -> Any:
    """`stream` (a response's byte stream) that notes each piece in `exchange` as it passes,
    and calls `at_end` once it is read to its end or closed."""
    import httpx2

    class Noting(httpx2.SyncByteStream, httpx2.AsyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            for piece in stream:
                exchange.frames.append((time.monotonic(), piece))
                yield piece
            at_end()

        async def __aiter__(self) -> AsyncIterator[bytes]:
            async for piece in stream:
                exchange.frames.append((time.monotonic(), piece))
                yield piece
            at_end()

        def close(self) -> None:
            stream.close()
            at_end()

        async def aclose(self) -> None:
            await stream.aclose()
            at_end()

    return Noting()


def record(client: ClientT, *, limit: int | None = None) -> tuple[ClientT, Recording]:
    """A copy of an `openai.OpenAI` or `AsyncOpenAI` client that records every exchange;
    with `limit`, requests past that many fail as if the server could not be reached."""
    import openai

    log = Recording(limit=limit)
    if isinstance(client, openai.AsyncOpenAI):

        async def on_request(request: Any) -> None:
            log.on_request(request)

        async def on_response(response: Any) -> None:
            exchange = log.after_headers(response)
            if exchange is not None and not exchange.streamed:
                log.read_whole(exchange, await response.aread())

        http: Any = openai.DefaultAsyncHttpxClient(
            event_hooks={"request": [on_request], "response": [on_response]}
        )
    else:

        def on_sync_request(request: Any) -> None:
            log.on_request(request)

        def on_sync_response(response: Any) -> None:
            exchange = log.after_headers(response)
            if exchange is not None and not exchange.streamed:
                log.read_whole(exchange, response.read())

        http = openai.DefaultHttpxClient(
            event_hooks={"request": [on_sync_request], "response": [on_sync_response]}
        )
    watched = client.copy(http_client=http)  # type: ignore[attr-defined]
    from .client_record import copied

    copied(client, watched)  # the same provider, for whatever asks which one it is
    return watched, log


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """A `Retry-After` header in seconds. HTTP allows two forms, both seen in the wild:
    delay-seconds (`"2"`) and an HTTP date (`"Wed, 21 Oct 2026 07:28:00 GMT"`), read
    against the clock when the response came (`now`, Unix time)."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None  # neither form: as if no header came
    return max(0.0, when - (time.time() if now is None else now))


def json_or_none(data: str | bytes) -> Any:
    """What a body or a `data:` line says as JSON, or None when it is not JSON: a broken
    stream or a proxy's HTML page is something to show, never a crash."""
    try:
        return json.loads(data)
    except ValueError:  # UnicodeDecodeError is one too
        return None
