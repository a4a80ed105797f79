"""`inspect(client)`: the HTTP a client really sends and gets, shown as it happens.

    with llmwidgets.inspect(client) as wire:
        client.chat.completions.create(model=..., messages=..., stream=True)
    wire                      # each exchange: request, response, a stream's timeline
    print(wire.curl())        # the last request as curl, the key as $GROQ_API_KEY

The client is watched where it stands (`llmwidgets.inspection.Watch`: the SDK's own HTTP
hooks, no other HTTP client), so the calls in the block need no change, and a stream cell
or chat started in the block is watched too. Each exchange shows its method and URL, the
request headers (the key as `[redacted]`) and JSON body; the status and response headers,
rate-limit and retry headers marked; for a stream, every server-sent event on a timeline
(first byte, first token, the chunks, the usage chunk, `[DONE]`) with time to first token
and tokens per second; each retry the SDK made, with the wait before it. Copy as curl and
as Python give the same request with the key's variable in place of the key.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, ClassVar

import anywidget
import traitlets

from ..as_code import python_code
from ..client_record import record_of
from ..inspection import Watch
from ..recording import Exchange, Recording
from ..redaction import redact, register_key
from ..throttle import Throttle
from ..wire import Reading, as_curl, attempt_of, is_highlighted, read
from .bundle import SavedView, module, stylesheet
from .figures import duration, figures_line
from .page import PageMessages, PageTable, index_in

__all__ = ["Inspector", "inspect"]

_MAX_BODY = 20_000  # characters of a body or reply shown; the recording keeps them whole


@contextmanager
def watched(client: Any, enabled: bool | Inspector | None) -> Iterator[Inspector | None]:
    """A widget's `inspect=True`: what it starts in the block (its streams, as tasks that
    keep the block's context) is watched by a new inspector (or the one given), shown
    under the widget."""
    if not enabled:
        yield None
        return
    inspector = enabled if isinstance(enabled, Inspector) else Inspector(client)
    with inspector:
        yield inspector


def start_inspected(
    client: Any, inspect: bool, start: Callable[[], object], *, display: bool
) -> Inspector | None:
    """What `chat(..., inspect=True)` and `tool_loop(..., inspect=True)` do: `start()` the
    widget's work watched, and show the inspector under the widget (when it is shown).
    Returns the inspector, or None without `inspect`."""
    with watched(client, inspect) as inspector:
        start()
    if inspector is not None and display:
        from IPython.display import display as show

        show(inspector)
    return inspector


def inspect(client: Any, *, limit: int | None = None) -> Inspector:
    """A context manager and a widget: `with inspect(client) as wire: ...`, then `wire`.
    `limit` makes requests past that many fail (a backstop for a runaway loop)."""
    return Inspector(client, limit=limit)


class Inspector(PageMessages, SavedView, anywidget.AnyWidget):
    """The exchanges of one client while watched. Synced: text and numbers, never a key."""

    _esm = module("inspector")
    _css = stylesheet("inspector")
    _page_messages: ClassVar[PageTable] = {
        "open": lambda wire, message: wire._open_from_page(message)
    }

    exchanges = traitlets.List(traitlets.Dict(), help="one dict per request, as drawn").tag(
        sync=True
    )
    watching = traitlets.Bool(False, help="inside the `with` block").tag(sync=True)
    opened = traitlets.List(
        traitlets.Int(), help="the rows the student opened (a view drawn anew keeps them)"
    ).tag(sync=True)

    MAX_REDRAWS_PER_SECOND = 10.0

    def __init__(self, client: Any, *, limit: int | None = None) -> None:
        super().__init__()
        # A client made with the SDK alone has a key `keys` never saw: hide it all the same.
        register_key(str(getattr(client, "api_key", "") or ""))
        self._client = client
        self._watch = Watch(client, limit=limit)
        self._views: dict[int, dict[str, Any]] = {}  # ended exchanges never change
        self._readings: dict[int, Reading] = {}  # read when opened: a stream's timeline
        self.on_msg(self._on_page_message)
        self._throttle = Throttle(self._redraw_changes, self.MAX_REDRAWS_PER_SECOND)
        self._watch.log.on_change = self._throttle.soon
        self.redraws = 0

    # -- watching --------------------------------------------------------------------

    def __enter__(self) -> Inspector:
        self._watch.__enter__()
        self.watching = True
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._watch.__exit__(kind, error, trace)
        self.watching = False
        self.refresh()

    async def __aenter__(self) -> Inspector:
        return self.__enter__()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.__exit__(kind, error, trace)

    @property
    def log(self) -> Recording:
        """What was recorded: `log.exchanges`, each an `llmwidgets.recording.Exchange`."""
        return self._watch.log

    def details(self, index: int) -> dict[str, Any]:
        """Exchange `index` with everything read: a stream's timeline (each event parsed),
        its text, time to first token and tokens per second. The page asks for this when
        a row is opened; nothing is parsed before, so watching costs the stream nothing."""
        exchange = self.log.exchanges[index]
        if index not in self._readings or exchange.ended is None:  # unfinished: read again
            self._readings[index] = read(exchange)
            self._views.pop(index, None)
            self._redraw(save=False)
        return self.exchanges[index]

    def _open_from_page(self, message: dict[str, Any]) -> None:
        """A row opened in the page: read that exchange (a stale page's row may be gone)."""
        index = index_in(message.get("index"), len(self.log.exchanges))
        if index is not None:
            self.details(index)

    def refresh(self) -> None:
        """Draw every exchange now (a stream a task still reads is drawn as it ends)."""
        self._redraw(save=True)

    # -- the same request, to copy ---------------------------------------------------

    def curl(self, index: int = -1) -> str:
        """Exchange `index` (the last by default) as a curl command; the key as $VARIABLE."""
        return as_curl(self.log.exchanges[index], self._key_env())

    def python(self, index: int = -1) -> str:
        """Exchange `index` as a Python script with the official SDK."""
        exchange = self.log.exchanges[index]
        body = exchange.body if isinstance(exchange.body, dict) else {}
        return redact(python_code(self._client, body, exchange.path))

    def _key_env(self) -> str | None:
        return record_of(self._client).key_env

    # -- drawing ---------------------------------------------------------------------

    def _redraw_changes(self) -> None:
        """At most MAX_REDRAWS_PER_SECOND; a change in between is drawn when that is over
        (in a script, with no loop to wait on, at the end of the block). A stream that
        ends after the block (a task's) updates the saved view too."""
        self._redraw(save=not self.watching)

    def _redraw(self, save: bool = False) -> None:
        """Sync the rows. `save` also updates the saved view, which makes the notebook draw
        the widget anew: only when something ended, never as a row is opened."""
        self.redraws += 1
        views = []
        answered: dict[tuple[str, int], float] = {}  # (URL, attempt): its latest response
        for i, exchange in enumerate(self.log.exchanges):
            attempt = attempt_of(exchange)
            views.append(self._view(i, exchange, answered.get((exchange.url, attempt - 1))))
            if exchange.received is not None:
                answered[(exchange.url, attempt)] = exchange.received
        self.exchanges = views
        if save:
            self._update_saved_view()

    def _view(self, index: int, exchange: Exchange, retried: float | None) -> dict[str, Any]:
        """One row; `retried`: when the try this one retries (the same URL, one attempt
        earlier) was answered, for the wait between them."""
        if index in self._views:
            return self._views[index]
        attempt = attempt_of(exchange)
        waited = (exchange.sent - retried) * 1000 if attempt and retried is not None else None
        ended = exchange.ended is not None  # a whole body once it is read, a stream at its end
        view: dict[str, Any] = {
            "method": exchange.method,
            "url": exchange.url,
            "path": exchange.path,
            "status": exchange.status,
            "attempt": attempt,
            "waited_ms": waited,
            "retry_after_s": exchange.retry_after_s,
            "streamed": exchange.streamed,
            "ended": ended,
            "request_headers": [[k, v] for k, v in sorted(exchange.headers.items())]
            + [[k, "[redacted]"] for k in exchange.hidden],
            "body": _shown(exchange.body),
            "response_headers": [
                [k, v, is_highlighted(k)] for k, v in sorted(exchange.response_headers.items())
            ],
            "reply": _shown(exchange.reply) if exchange.reply is not None else "",
            "total_ms": (exchange.ended - exchange.sent) * 1000 if exchange.ended else None,
            "marks": [],
            "figures": {},
            "curl": "",
            "python": "",
            "facts": "",
        }
        reading = self._readings.get(index)
        if reading is not None:  # opened: everything, the exports too
            view["marks"] = [[m.t_ms, m.kind, redact(m.text)] for m in reading.marks]
            view["figures"] = {
                "ttft_ms": reading.ttft_ms,
                "tokens_per_s": reading.tokens_per_s,
                "frames": reading.frames,
            }
            if exchange.streamed and (exchange.status or 0) >= 400:  # an error, not events
                body = b"".join(piece for _, piece in exchange.frames)
                view["reply"] = redact(body.decode("utf-8", "replace"))[:_MAX_BODY]
            elif exchange.streamed:
                view["reply"] = redact(reading.text)
            view["curl"] = self.curl(index)
            view["python"] = _or_why(lambda: self.python(index))
            view["facts"] = _facts(view)
        if ended and reading is not None:
            self._views[index] = view
        return view

    # -- for viewers without widgets ---------------------------------------------------

    def _saved_view(self) -> tuple[str, str]:
        """Each exchange in one line (a stream read first, so its figures are in it)."""
        for index, exchange in enumerate(self.log.exchanges):  # a saved view shows it all
            if exchange.streamed and index not in self._readings:
                self.details(index)
        lines = [_line(v) for v in self.exchanges] or ["(nothing sent yet)"]
        as_html = (
            "<div><b>Inspector</b><ol>"
            + "".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines)
            + "</ol></div>"
        )
        as_text = "\n".join(["Inspector", *lines])
        return as_html, as_text

    def __repr__(self) -> str:
        return f"Inspector({len(self.log.exchanges)} exchanges)"


def _line(view: dict[str, Any]) -> str:
    """One exchange as a line: "POST /v1/chat/completions → 200 · stream of 54 events ·
    first token 120 ms", with the attempt and wait of a retry."""
    parts = [f"{view['method']} {view['path']} → {view['status'] or '…'}"]
    if view["attempt"]:
        waited = f" after {duration(view['waited_ms'] / 1000)}" if view["waited_ms"] else ""
        parts.append(f"retry {view['attempt']}{waited}")
    found = view.get("figures") or {}
    if view["streamed"] and found:
        parts.append(f"stream of {found['frames']} events")
        if found.get("ttft_ms") is not None:
            parts.append(f"first token {duration(found['ttft_ms'] / 1000)}")
    if view.get("total_ms") is not None:
        parts.append(f"{duration(view['total_ms'] / 1000)} in all")
    return " · ".join(parts)


def _facts(view: dict[str, Any]) -> str:
    """An opened exchange's figures in one line, as its details show them."""
    found = view.get("figures") or {}
    ttft = found.get("ttft_ms")
    parts = [
        figures_line("", None if ttft is None else ttft / 1000, found.get("tokens_per_s"), None),
        f"{found['frames']} events" if view["streamed"] and found.get("frames") is not None else "",
        f"{duration(view['total_ms'] / 1000)} in all" if view.get("total_ms") is not None else "",
        f"Retry-After: {view['retry_after_s']} s" if view.get("retry_after_s") is not None else "",
    ]
    return " · ".join(p for p in parts if p)


def _or_why(write: Any) -> str:
    """An export, or in one line why there is none (it must never break the view)."""
    try:
        return str(write())
    except Exception as failure:
        return f"# no Python for this request: {type(failure).__name__}: {failure}"


def _shown(value: Any) -> str:
    if value is None:
        return ""
    text = redact(json.dumps(value, indent=2, ensure_ascii=False))
    return text if len(text) <= _MAX_BODY else text[:_MAX_BODY] + "\n… (shortened)"
