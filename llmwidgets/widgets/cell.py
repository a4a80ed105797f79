"""The streaming output cell: a chat completion drawn as it arrives, with a Stop button.

    cell = StreamCell().start(client, messages, model="smollm2-135m-instruct")
    reply = await cell            # in a later cell: Reply(text=..., completion=...)
    StreamCell().start(client, messages, model=..., api="responses")   # the Responses API

A button only acts while the kernel is free, so in a notebook the stream runs as an asyncio
task on the kernel's event loop and `start` returns at once: the cell finishes, the kernel
is idle, and a click on Stop reaches Python, which cancels the task and closes the HTTP
stream. Awaiting the cell (from a later cell, or in the same one when Stop is not needed)
gives the reply. With no event loop running (a plain script) `start` runs to the end first.

The run itself (the task, Stop, batching, the usage estimate, the meter's row) is the
core's `StreamRun`, which the chat shares; this widget draws it. Redraws are batched: at
most `MAX_REDRAWS_PER_SECOND`, each one `hold_sync` message, so a provider streaming
thousands of tokens per second never floods the frontend. Whatever happens (Stop, a
dropped stream, a 401, a 429) the partial text stays, the error is one readable line, and
the meter gets a row, estimated with tiktoken when the server sent no usage.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Generator
from typing import TYPE_CHECKING, Any, ClassVar

import anywidget
import traitlets

from ..running import Reply, StreamRun
from ..structured import LiveJSON, check_calls, schemas_for
from ..throttle import LIVE_CHECKS_PER_SECOND, Pacer
from .bundle import SavedView, module, shown_in_this_cell, status_trait, stylesheet
from .figures import figures_line
from .json_view import call_views, check_view
from .page import PageMessages, PageTable

if TYPE_CHECKING:
    import openai

    from ..running import Accumulator
    from ..usage import UsageLog

__all__ = ["Reply", "StreamCell"]


class StreamCell(PageMessages, SavedView, anywidget.AnyWidget):
    """One streamed chat completion. Holds no key: only text, numbers and status are synced."""

    _esm = module("stream")
    _css = stylesheet("checks", "stream")
    _page_messages: ClassVar[PageTable] = {"stop": lambda cell, _: cell.stop()}

    status = status_trait("idle, waiting, streaming, done, stopped or error")
    llm_model = traitlets.Unicode("", help="the model asked for").tag(sync=True)
    api = traitlets.Unicode("chat", help="the endpoint asked: chat or responses").tag(sync=True)
    text = traitlets.Unicode("", help="the answer so far (first choice)").tag(sync=True)
    html = traitlets.Unicode(
        "", help="the finished answer as HTML (Markdown rendered, raw HTML escaped)"
    ).tag(sync=True)
    error = traitlets.Unicode("", help="one readable line when the call failed").tag(sync=True)
    finish_reason = traitlets.Unicode(
        "", help="why the first choice ended (a Response's status: 'incomplete: max_output_tokens')"
    ).tag(sync=True)
    ttft_s = traitlets.Float(
        None, allow_none=True, help="seconds from sending to the first token"
    ).tag(sync=True)
    tokens_per_s = traitlets.Float(
        None, allow_none=True, help="completion tokens per second after the first"
    ).tag(sync=True)
    figures = traitlets.Unicode(
        "", help="the numbers above in words, as every view writes them (figures.figures_line)"
    ).tag(sync=True)
    stoppable = traitlets.Bool(
        True, help="False while the kernel reads the stream itself: interrupting it stops"
    ).tag(sync=True)
    usage = traitlets.Dict(
        help="prompt, completion, total (and cached) tokens; `estimated` when counted here"
    ).tag(sync=True)
    json_check = traitlets.Dict(
        help="the answer against the request's response_format: state, summary, marked HTML"
    ).tag(sync=True)
    tool_calls: traitlets.List[dict[str, Any]] = traitlets.List(
        help="each tool call so far: id, name, arguments, and its check against the tool's schema"
    ).tag(sync=True)

    MAX_REDRAWS_PER_SECOND: ClassVar[float] = 30.0
    # Validating costs more than drawing (jsonschema on the value so far): less often.
    MAX_CHECKS_PER_SECOND: ClassVar[float] = LIVE_CHECKS_PER_SECOND

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._run = StreamRun(self._draw, self._finish, max_per_second=self.MAX_REDRAWS_PER_SECOND)
        self._checks: tuple[LiveJSON | None, dict[str, LiveJSON]] = (None, {})
        self._pacer = Pacer(self.MAX_CHECKS_PER_SECOND)  # live checks, spaced as they grow
        self.inspector: Any = None  # chat(..., inspect=True): the Inspector watching it
        self.on_msg(self._on_page_message)

    @property
    def redraws(self) -> int:
        """State messages sent while streaming (the benchmark reads it)."""
        return self._run.progress_calls

    def show(self) -> StreamCell:
        """Display the cell in the notebook (its saved view follows it: the finished text
        for viewers without widgets, GitHub and nbconvert). Shown again by the same cell,
        as its last line's value (`chat(...)`), it is not shown twice."""
        shown_in_this_cell(self)
        self._display_kept()
        return self

    # -- running ---------------------------------------------------------------------

    def start(
        self,
        client: openai.OpenAI | openai.AsyncOpenAI,
        messages: list[dict[str, Any]],
        *,
        provider: str | None = None,
        meter: UsageLog | None = None,
        wait: bool = False,
        **params: Any,
    ) -> StreamCell:
        """Send the request and stream it into this cell. Returns self, already running (with
        `wait`, finished: the kernel reads the stream and an interrupt stops it)."""
        if self._run.running or self.status != "idle":
            raise RuntimeError("a StreamCell streams one completion; make a new one")
        self.llm_model = str(params.get("model", ""))
        self.api = str(params.get("api", "chat"))
        self.stoppable = not wait
        self.status = "waiting"
        self._checks = schemas_for(params)
        try:
            self._run.start(client, messages, provider=provider, meter=meter, wait=wait, **params)
        except BaseException:
            self.status = "idle"
            raise
        return self

    def stop(self) -> None:
        """Close the stream now; the text so far stays and the meter records an estimate."""
        self._run.stop()

    def __await__(self) -> Generator[Any, None, Reply]:
        reply = yield from self._run.__await__()
        # Again from here: the task's own update carries the parent header of the cell
        # that started it, which nbclient and papermill drop once that cell is done.
        self._write_saved_view()
        return reply

    @property
    def reply(self) -> Reply:
        return self._run.reply

    # -- drawing ---------------------------------------------------------------------

    def _draw(self, acc: Accumulator) -> None:
        with self.hold_sync():
            if self._run.streaming:
                self.status = "streaming"
            self.text = acc.text()
            self.ttft_s = acc.time_to_first_token
            self.tokens_per_s = acc.tokens_per_second()
            self.figures = figures_line("", self.ttft_s, self.tokens_per_s, None)
            if any(self._checks) and acc.first_token_at:
                self._pacer.run(lambda: self._check(self.text, acc.tool_calls()))

    def _check(
        self, text: str, calls: list[tuple[str | None, str, str]], finish_reason: str | None = None
    ) -> None:
        """The answer and each tool call against what the request asked for; with a
        `finish_reason`, the stream has ended and everything is judged in full."""
        answer, tools = self._checks
        finished = finish_reason is not None
        if answer is not None and (text or finished) and not calls:
            verdict = answer.read(text, finished=finished, finish_reason=finish_reason)
            self.json_check = check_view(verdict)
        verdicts = check_calls(tools, calls, finished=finished, finish_reason=finish_reason)
        drawn = call_views(calls, verdicts)
        if drawn or self.tool_calls:
            self.tool_calls = drawn

    def _finish(self, reply: Reply) -> None:
        with self.hold_sync():
            self.status = reply.status
            self.finish_reason = reply.ended_as or ""  # in its API's words
            self.usage = {**(reply.usage or {}), "estimated": reply.estimated_usage}
            self.figures = figures_line(
                "", self.ttft_s, self.tokens_per_s, self.usage, finish_reason=self.finish_reason
            )
            self.error = reply.error or ""
            if reply.status == "done":
                finish = self._run.acc.finish_reason or "stop"  # in chat's words: "length"
                self._check(reply.text, self._run.acc.tool_calls(), finish)
            elif any(self._checks):  # stopped or failed: what came, as far as it went
                self._check(reply.text, self._run.acc.tool_calls())
            if reply.status == "done":
                self.html = markdown_html(reply.text)
        self._update_saved_view()  # the finished text, for viewers without widgets (at once)

    def _saved_view(self) -> tuple[str, str] | None:
        """Once finished, the text as HTML and plain text; before, the live widget's own
        line says enough."""
        if self.status not in ("done", "stopped", "error"):
            return None
        body = self.html or f"<pre>{html.escape(self.text)}</pre>"
        error = f"<p><b>{html.escape(self.error)}</b></p>" if self.error else ""
        checks = "".join(_check_html(c) for c in [self.json_check, *self.tool_calls] if c)
        as_html = f"<div><i>{html.escape(repr(self))}</i>{body}{checks}{error}</div>"
        lines = [
            repr(self),
            self.text,
            *map(_check_text, self.tool_calls),
            self.json_check.get("summary", ""),
            self.error,
        ]
        return as_html, "\n".join(filter(None, lines))

    def __repr__(self) -> str:
        usage = self.usage or {}
        tokens = f", {usage.get('total_tokens')} tokens" if usage else ""
        return f"StreamCell({self.status}{tokens}, {len(self.text)} characters)"


def _check_html(check: dict[str, Any]) -> str:
    """A tool call or a structured answer, for viewers without widgets."""
    title = f"{check['name']}(…)" if "arguments" in check else check.get("name", "")
    body = check.get("html") or html.escape(check.get("arguments", ""))
    problems = "".join(
        f"<li><code>{html.escape(p['path'])}</code>: {html.escape(p['message'])}</li>"
        for p in check.get("problems", ())
    )
    return (
        f"<div><b>{html.escape(title)}</b> {html.escape(check.get('summary', ''))}"
        f"<pre>{body}</pre>{f'<ul>{problems}</ul>' if problems else ''}</div>"
    )


def _check_text(call: dict[str, Any]) -> str:
    return f"{call['name']}({call['arguments']}) {call.get('summary', '')}"


@functools.lru_cache(maxsize=1024)
def markdown_html(text: str) -> str:
    """HTML for a finished answer. Raw HTML in the model's text is escaped, never run.
    Remembered: a chat draws its whole history again at every turn."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
