"""The streaming output cell: a chat completion drawn as it arrives, with a Stop button.

    cell = StreamCell().start(client, messages, model="smollm2-135m-instruct")
    reply = await cell            # in a later cell: Reply(text=..., completion=...)

A button only acts while the kernel is free, so in a notebook the stream runs as an asyncio
task on the kernel's event loop and `start` returns at once: the cell finishes, the kernel
is idle, and a click on Stop reaches Python, which cancels the task and closes the HTTP
stream. Awaiting the cell (from a later cell, or in the same one when Stop is not needed)
gives the reply. With no event loop running (a plain script) `start` runs to the end first.

Redraws are batched: at most `MAX_REDRAWS_PER_SECOND`, each one `hold_sync` message, so a
provider streaming thousands of tokens per second never floods the frontend. Whatever
happens (Stop, a dropped stream, a 401, a 429) the partial text stays, the error is one
readable line, and the meter gets a row, estimated with tiktoken when the server sent no
usage.
"""

from __future__ import annotations

import asyncio
import html
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import anywidget
import traitlets

from ..client import async_twin, provider_id_of
from ..errors import describe_error
from ..streaming import StreamAccumulator

if TYPE_CHECKING:
    import openai
    from openai.types.chat import ChatCompletion

    from ..usage import UsageLog

__all__ = ["Reply", "StreamCell"]

_STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class Reply:
    """What one streamed call produced: `text, completion = reply` unpacks the two that matter."""

    text: str
    completion: ChatCompletion
    status: str  # "done" | "stopped" | "error"
    error: str | None = None
    estimated_usage: bool = False

    def __iter__(self) -> Iterator[Any]:
        return iter((self.text, self.completion))


class StreamCell(anywidget.AnyWidget):
    """One streamed chat completion. Holds no key: only text, numbers and status are synced."""

    _esm = _STATIC / "stream.js"
    _css = _STATIC / "stream.css"

    status = traitlets.Unicode("idle", help="idle, waiting, streaming, done, stopped or error").tag(
        sync=True
    )
    llm_model = traitlets.Unicode("", help="the model asked for").tag(sync=True)
    text = traitlets.Unicode("", help="the answer so far (first choice)").tag(sync=True)
    html = traitlets.Unicode(
        "", help="the finished answer as HTML (Markdown rendered, raw HTML escaped)"
    ).tag(sync=True)
    error = traitlets.Unicode("", help="one readable line when the call failed").tag(sync=True)
    finish_reason = traitlets.Unicode("", help="why the first choice ended").tag(sync=True)
    ttft_s = traitlets.Float(
        None, allow_none=True, help="seconds from sending to the first token"
    ).tag(sync=True)
    tokens_per_s = traitlets.Float(
        None, allow_none=True, help="completion tokens per second after the first"
    ).tag(sync=True)
    usage = traitlets.Dict(
        help="prompt, completion, total (and cached) tokens; `estimated` when counted here"
    ).tag(sync=True)

    MAX_REDRAWS_PER_SECOND: ClassVar[float] = 30.0

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.redraws = 0  # state messages sent while streaming (the benchmark reads it)
        self._task: asyncio.Task[None] | None = None
        self._reply: Reply | None = None
        self._acc: StreamAccumulator | None = None
        self._last_redraw = 0.0
        self._pending: asyncio.TimerHandle | None = None
        self._display: Any = None  # an IPython DisplayHandle, once shown by `show()`
        self.on_msg(self._on_frontend_message)

    def show(self) -> StreamCell:
        """Display the cell in the notebook and keep its handle, so that the finished text
        replaces the widget's output for viewers without widgets (GitHub, nbconvert)."""
        from IPython.display import display

        self._display = display(self, display_id=True)
        return self

    # -- running ---------------------------------------------------------------------

    def start(
        self,
        client: openai.OpenAI | openai.AsyncOpenAI,
        messages: list[dict[str, Any]],
        *,
        provider: str | None = None,
        meter: UsageLog | None = None,
        **params: Any,
    ) -> StreamCell:
        """Send the request and stream it into this cell. Returns self, already running."""
        if self._task is not None or self._reply is not None:
            raise RuntimeError("a StreamCell streams one completion; make a new one")
        provider = provider or provider_id_of(client)
        request = {
            **params,
            "messages": messages,
            "stream": True,
            # Usage arrives in a last chunk only when asked for; the meter needs it.
            "stream_options": {**params.get("stream_options", {}), "include_usage": True},
        }
        self.llm_model = str(params.get("model", ""))
        if meter is not None:
            meter.check_budget(provider, self.llm_model, messages, _max_tokens(params))
        self.status = "waiting"
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a script: nothing could press Stop anyway
            asyncio.run(self._run(client, request, provider, meter, keep_client=False))
        else:  # a kernel: one loop for the session, so its async client can be kept
            self._task = loop.create_task(
                self._run(client, request, provider, meter, keep_client=True)
            )
        return self

    def stop(self) -> None:
        """Close the stream now; the text so far stays and the meter records an estimate."""
        if self._task is not None and not self._task.done():
            self._task.cancel()

    def __await__(self) -> Generator[Any, None, Reply]:
        if self._task is not None:
            yield from asyncio.shield(self._task).__await__()
            # Again from here: the task's own update carries the parent header of the cell
            # that started it, which nbclient and papermill drop once that cell is done.
            if self._display is not None:
                self._display.update(self)
        return self.reply

    @property
    def reply(self) -> Reply:
        if self._reply is None:
            raise RuntimeError("still streaming: `await cell` waits for the reply")
        return self._reply

    def _on_frontend_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "stop":
            self.stop()

    async def _run(
        self,
        client: openai.OpenAI | openai.AsyncOpenAI,
        request: dict[str, Any],
        provider: str,
        meter: UsageLog | None,
        *,
        keep_client: bool,
    ) -> None:
        acc = self._acc = StreamAccumulator()
        status, failure = "done", None
        aclient, owned = async_twin(client, keep=keep_client)
        stream = None
        try:
            stream = await aclient.chat.completions.create(**request)
            self.status = "streaming"
            async for chunk in stream:
                acc.add(chunk)
                self._redraw_soon()
        except asyncio.CancelledError:
            status = "stopped"
        except Exception as exc:  # every failure becomes one line; the text so far stays
            status, failure = "error", exc
        finally:
            if stream is not None:
                await stream.close()
            if owned:
                await aclient.close()
        self._finish(status, failure, request, provider, meter)

    # -- drawing ---------------------------------------------------------------------

    def _redraw_soon(self) -> None:
        """Redraw now if the last redraw is old enough, else once, when it will be."""
        interval = 1.0 / self.MAX_REDRAWS_PER_SECOND
        wait = self._last_redraw + interval - time.perf_counter()
        if wait <= 0:
            self._redraw()
        elif self._pending is None:
            self._pending = asyncio.get_running_loop().call_later(wait, self._redraw)

    def _redraw(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        acc = self._acc
        if acc is None:
            return
        self._last_redraw = time.perf_counter()
        self.redraws += 1
        with self.hold_sync():
            self.text = acc.text()
            self.ttft_s = acc.time_to_first_token
            self.tokens_per_s = acc.tokens_per_second()

    def _finish(
        self,
        status: str,
        failure: BaseException | None,
        request: dict[str, Any],
        provider: str,
        meter: UsageLog | None,
    ) -> None:
        acc = self._acc
        assert acc is not None
        latency = time.perf_counter() - acc.started
        usage, estimated = acc.token_usage(
            request["messages"], str(request.get("model", "")), failed=failure is not None
        )
        completion = acc.completion()
        if estimated and usage["total_tokens"]:
            from openai.types import CompletionUsage

            completion.usage = CompletionUsage(
                prompt_tokens=usage["prompt_tokens"],
                completion_tokens=usage["completion_tokens"],
                total_tokens=usage["total_tokens"],
            )
        error = describe_error(failure) if failure is not None else None
        self._redraw()
        with self.hold_sync():
            self.status = status
            self.finish_reason = acc.finish_reason or ""
            self.usage = {**usage, "estimated": estimated}
            self.error = error or ""
            if status == "done":
                self.html = _markdown(acc.text())
        if meter is not None:
            outcome = {"done": "ok", "stopped": "stopped"}.get(status, "error")
            if failure is not None:
                outcome = f"error: {type(failure).__name__}"
            meter.add(
                provider,
                completion.model or self.llm_model,
                usage["prompt_tokens"],
                usage["completion_tokens"],
                cached_tokens=usage.get("cached_tokens", 0),
                latency_s=latency,
                estimated=estimated,
                outcome=outcome,
            )
        self._reply = Reply(acc.text(), completion, status, error, estimated)
        if self._display is not None:
            self._display.update(self)  # the finished text, for viewers without widgets

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """The live widget; once finished, also the text as HTML and plain text, which is
        what GitHub, nbconvert and a terminal show of a saved notebook."""
        found = super()._repr_mimebundle_(**kwargs)  # anywidget: (data, metadata)
        data, metadata = found if isinstance(found, tuple) else (found or {}, {})
        bundle = dict(data)
        if self._reply is not None:
            body = self.html or f"<pre>{html.escape(self.text)}</pre>"
            error = f"<p><b>{html.escape(self.error)}</b></p>" if self.error else ""
            bundle["text/html"] = f"<div><i>{html.escape(repr(self))}</i>{body}{error}</div>"
            bundle["text/plain"] = "\n".join(filter(None, [repr(self), self.text, self.error]))
        return bundle, metadata

    def __repr__(self) -> str:
        usage = self.usage or {}
        tokens = f", {usage.get('total_tokens')} tokens" if usage else ""
        return f"StreamCell({self.status}{tokens}, {len(self.text)} characters)"


def _max_tokens(params: dict[str, Any]) -> int | None:
    value = params.get("max_completion_tokens", params.get("max_tokens"))
    return value if isinstance(value, int) else None


def _markdown(text: str) -> str:
    """HTML for the finished answer. Raw HTML in the model's text is escaped, never run."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
