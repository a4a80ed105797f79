"""`tool_loop(...)`: a tool loop drawn as a timeline, one collapsible row per round trip.

    view = llmwidgets.tool_loop(client, messages, tools=tools, functions=[get_weather],
                                tool_choice="required")
    result = await view               # in a later cell: LoopResult(answer, messages, ...)

Each round shows what the model streamed (text, or tool calls whose arguments are checked
against the tool's schema as they arrive), then what each function returned and how long
it took, then the next round, until the model answers in text. A row reads as a sentence
when closed ("get_weather({"city": "Oslo"}) ✓ → {"celsius": 4}") and opens on its
details. The loop itself is the core's `ToolLoop`; this view draws it. Only text and
numbers are synced: no key, no client.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Generator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import anywidget
import traitlets

from ..client import usual_model
from ..pricing import cost_label_of
from ..structured import JSONCheck
from ..throttle import LIVE_CHECKS_PER_SECOND, Pacer
from ..toolloop import LoopResult, Round, ToolLoop
from .bundle import SavedView, module, status_trait, stylesheet
from .cell import markdown_html
from .figures import figures_line
from .inspector import Inspector, start_inspected
from .json_view import call_views, pretty_html
from .meter import SESSION, resolve_meter
from .page import PageMessages, PageTable

if TYPE_CHECKING:
    import openai

    from ..usage import UsageLog

__all__ = ["ToolLoopView", "tool_loop"]


class ToolLoopView(PageMessages, SavedView, anywidget.AnyWidget):
    """Draws a `ToolLoop`: a row per round, the answer under them, Stop while running."""

    _esm = module("toolloop")
    _css = stylesheet("checks", "toolloop")
    _page_messages: ClassVar[PageTable] = {"stop": lambda view, _: view.stop()}

    status = status_trait("running, done, gave-up, stopped or error")
    llm_model = traitlets.Unicode("", help="the model asked").tag(sync=True)
    rounds: traitlets.List[dict[str, Any]] = traitlets.List(
        help="each round: its text, calls with verdicts and results, its figures"
    ).tag(sync=True)
    answer_html = traitlets.Unicode("", help="the final answer, Markdown rendered").tag(sync=True)
    error = traitlets.Unicode("", help="one readable line when the loop ended early").tag(sync=True)
    opened = traitlets.List(
        traitlets.Int(), help="the rounds shown open (the running one; then the student's)"
    ).tag(sync=True)

    def __init__(self, loop: ToolLoop) -> None:
        super().__init__(llm_model=str(loop.params.get("model", "")))
        self.loop = loop
        self._finished_rounds: list[dict[str, Any]] = []  # drawn once, kept
        self._judged: tuple[Any, Any] | None = None  # the running round's last verdicts
        self._pacer = Pacer(LIVE_CHECKS_PER_SECOND)
        self._client = loop.client
        self.inspector: Inspector | None = None  # with inspect=True: the wire, shown under it
        loop.on_change = self._draw
        self.on_msg(self._on_page_message)

    def start(self) -> ToolLoopView:
        self.status = "running"
        self.loop.start()
        return self

    def stop(self) -> None:
        self.loop.stop()

    def __await__(self) -> Generator[Any, None, LoopResult]:
        return (yield from self.loop.__await__())

    @property
    def result(self) -> LoopResult:
        return self.loop.result

    # -- drawing ---------------------------------------------------------------------

    def _draw(self, loop: ToolLoop) -> None:
        rounds = loop.rounds
        while len(self._finished_rounds) < len(rounds) - 1:  # a round ends as the next starts
            self._finished_rounds.append(self._round(len(self._finished_rounds), rounds))
        shown = list(self._finished_rounds)
        if rounds:
            shown.append(self._round(len(rounds) - 1, rounds))
        with self.hold_sync():
            if len(shown) > len(self.rounds):  # a new round: it opens, the others close
                self.opened = [len(shown) - 1]
            self.rounds = shown
            if loop.status != "running":
                self.status = loop.status
                self.error = loop.error or ""
                answer = loop.result.answer if loop.ended else ""
                self.answer_html = markdown_html(answer) if answer else ""
                if loop.status == "done":
                    self.opened = []
        if loop.status != "running":
            self._update_saved_view()

    def _verdicts(
        self, index: int, round_: Round
    ) -> tuple[list[tuple[str | None, str, str]], list[JSONCheck]]:
        """The round's calls and verdicts. A redraw comes up to 30 times a second, and judging
        re-reads every call's arguments so far: while they grow they are judged again as
        the pacer allows (as a stream cell's checks are); a new or ended round at once."""
        key = (index, round_.reply is not None, round_.run.acc.tool_calls())

        def judge() -> None:
            self._judged = (key, self.loop.calls_so_far(round_))

        if self._judged is None or self._judged[0][:2] != key[:2]:
            judge()
        elif self._judged[0] != key:
            self._pacer.run(judge)
        assert self._judged is not None
        return self._judged[1]

    def _round(self, index: int, rounds: list[Round]) -> dict[str, Any]:
        round_ = rounds[index]
        reply = round_.reply
        acc = round_.run.acc
        written, verdicts = self._verdicts(index, round_)
        calls = call_views(written, verdicts)
        for call, result in zip(calls, round_.results, strict=False):
            call["result"] = result.content
            call["result_html"] = _json_html(result.content)
            call["failed"] = result.error or ""
            call["took"] = _took(result.seconds)
        usage = reply.usage if reply else None
        cost = ""
        if reply is not None and usage:
            model = reply.completion.model or self.llm_model
            cost = cost_label_of(self._client, model, usage)
        status = reply.status if reply else ("streaming" if round_.run.streaming else "waiting")
        return {
            "n": index + 1,
            "status": status,
            "text": acc.text(),
            "calls": calls,
            "error": (reply.error or "") if reply else "",
            "figures": figures_line(
                status,
                acc.time_to_first_token,
                acc.tokens_per_second(),
                usage,
                estimated=bool(reply and reply.estimated_usage),
                cost=cost,
            ),
        }

    # -- for viewers without widgets ---------------------------------------------------

    def _saved_view(self) -> tuple[str, str]:
        """Each round in a line (its calls and what they returned), then the answer."""
        rows, lines = [], [repr(self)]
        for r in self.rounds:
            said = [f"<p>{html.escape(r['text'])}</p>"] if r["text"] and r["calls"] else []
            for call in r["calls"]:
                line, summary = html.escape(_call_line(call)), html.escape(call["summary"])
                result = html.escape(call.get("result", ""))
                said.append(f"<p><code>{line}</code> {summary} → <code>{result}</code></p>")
                lines.append(f"  round {r['n']}: {_call_line(call)} → {call.get('result', '')}")
            rows.append(
                f"<li><b>Round {r['n']}</b> · {html.escape(r['figures'])}{''.join(said)}</li>"
            )
        answer = self.answer_html or ""
        error = f"<p><b>{html.escape(self.error)}</b></p>" if self.error else ""
        as_html = (
            f"<div><i>{html.escape(repr(self))}</i><ol>{''.join(rows)}</ol>{answer}{error}</div>"
        )
        if self.loop.ended and self.loop.result.answer:
            lines.append(self.loop.result.answer)
        as_text = "\n".join(filter(None, [*lines, self.error]))
        return as_html, as_text

    def __repr__(self) -> str:
        calls = sum(len(r["calls"]) for r in self.rounds)
        return f"ToolLoop({self.status}, {len(self.rounds)} rounds, {calls} tool calls)"


def _took(seconds: float) -> str:
    if seconds < 0.001:
        return "under 1 ms"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _call_line(call: dict[str, Any]) -> str:
    return f"{call['name']}({call['arguments']})"


def _json_html(content: str) -> str:
    """A tool's result, indented when it is JSON."""
    try:
        return pretty_html(json.loads(content))
    except ValueError:
        return html.escape(content)


def tool_loop(
    client: openai.OpenAI | openai.AsyncOpenAI,
    messages: Sequence[Mapping[str, Any]],
    *,
    tools: Sequence[Mapping[str, Any]],
    functions: Mapping[str, Callable[..., Any]] | Sequence[Callable[..., Any]],
    model: str | None = None,
    max_rounds: int = 4,
    meter: UsageLog | object | None = SESSION,
    display: bool = True,
    inspect: bool = False,
    **params: Any,
) -> ToolLoopView:
    """Run a tool loop and show it as it goes; returns the view (await it for the result).

    `functions` maps each tool's name to a Python function (a list uses their `__name__`);
    `tool_choice` applies to the first round only. Every other keyword is a request
    parameter. Each round is recorded into the session's cost meter unless told otherwise;
    with `inspect=True` an inspector under the timeline shows every request on the wire.
    """
    if model is None:
        model = usual_model(client, name_it="tool_loop(client, messages, model=...)")
    chosen = resolve_meter(meter)
    loop = ToolLoop(
        client,
        messages,
        tools=tools,
        functions=functions,
        model=model,
        max_rounds=max_rounds,
        meter=chosen,
        **params,
    )
    view = ToolLoopView(loop)
    if display:
        from IPython.display import display as show

        show(view)
    view.inspector = start_inspected(loop.client, inspect, view.start, display=display)
    return view
