"""`compare(...)`: one prompt, several providers, models or parameter sets, streamed side by side.

    grid = llmwidgets.compare("Name a colour.", "sandbox", "groq", {"temperature": 1.5},
                              seed=7, max_tokens=60)
    replies = await grid          # in a later cell: one Reply per lane, in order

Each lane is a `StreamRun` of its own, all on the kernel's loop at once, so a slow or failing
provider holds up no other: a lane that cannot connect or fails shows one line and the
rest carry on. Every lane shows its time to first token, tokens/s, usage and cost, and
the notes `Provider.check_params` gives for what it sent (a shared parameter a provider
rejects is left out of that lane, see `llmwidgets.comparing`). Once two lanes have
answered, a word-level diff shows how their answers differ; the page picks which two.
Redraws of all lanes together are batched to `MAX_REDRAWS_PER_SECOND` state messages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import anywidget
import traitlets

from ..client import ausual_model
from ..comparing import Lane, lanes_for, word_diff
from ..errors import describe_error
from ..pricing import cost_label_of
from ..running import Reply, StreamRun
from ..status import ENDED
from ..throttle import Throttle
from ..usage import UsageLog
from . import compare_view
from .bundle import SavedView, module, status_trait, stylesheet
from .cell import markdown_html
from .meter import SESSION, resolve_meter
from .page import PageMessages, PageTable, index_in

if TYPE_CHECKING:
    from ..running import Accumulator

__all__ = ["Compare", "compare"]


def compare(
    prompt: str | Sequence[dict[str, Any]],
    *targets: Any,
    system: str | None = None,
    rehearse: bool | None = None,
    meter: UsageLog | object | None = SESSION,
    **params: Any,
) -> Compare:
    """Send one prompt to every target at once and stream the answers side by side.

    A target is a preset id (`"groq"`), `"provider:model"`, a base URL, an SDK client, or
    a dict of that lane's own parameters, with an optional `target` (default: the sandbox)
    and `label`: `{"temperature": 1.5}` is the sandbox at 1.5, `{"api": "responses"}`
    the sandbox asked through the Responses API. Keywords are parameters
    for every lane (pass `seed=` to give all the same seed; providers that ignore it are
    noted). `rehearse=True` sends preset ids to the sandbox's profile of each provider.
    Returns the grid, already streaming; `await` it for the replies.
    """
    if not targets:
        raise ValueError("compare() needs something to compare: compare(prompt, 'sandbox', ...)")
    messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else list(prompt)
    if system is not None:
        messages = [{"role": "system", "content": system}, *messages]
    chosen = resolve_meter(meter)
    grid = Compare(messages, lanes_for(targets, params, rehearse=rehearse), meter=chosen)
    return grid.start()


class Compare(PageMessages, SavedView, anywidget.AnyWidget):
    """A grid of lanes. Holds no client and no key: only text and numbers are synced."""

    _esm = module("compare")
    _css = stylesheet("compare")
    _page_messages: ClassVar[PageTable] = {
        "stop": lambda grid, message: grid._stop_from_page(message)
    }

    prompt = traitlets.Unicode("", help="the last message sent, shown above the grid").tag(
        sync=True
    )
    lanes = traitlets.List(traitlets.Dict(), help="one dict per lane, as the page draws it").tag(
        sync=True
    )
    status = status_trait("idle, running or done")
    diff_pair = traitlets.List(
        traitlets.Int(), default_value=[0, 1], help="the two lanes the diff compares"
    ).tag(sync=True)
    diff = traitlets.Dict(help="runs of same/del/add words between the pair, and similarity").tag(
        sync=True
    )

    MAX_REDRAWS_PER_SECOND = 30.0

    def __init__(
        self, messages: list[dict[str, Any]], lanes: list[Lane], *, meter: UsageLog | None
    ) -> None:
        last = messages[-1].get("content") if messages else ""
        super().__init__(prompt=last if isinstance(last, str) else "")
        self._messages = messages
        self._lanes = lanes
        self._meter = meter
        self._drafts = [compare_view.card(lane) for lane in lanes]
        self._runs: list[StreamRun | None] = [None] * len(lanes)
        self._stopped: set[int] = set()
        self._task: asyncio.Task[None] | None = None
        # At most MAX_REDRAWS_PER_SECOND state messages for the whole grid.
        self._throttle = Throttle(self._redraw, self.MAX_REDRAWS_PER_SECOND)
        self.redraws = 0  # state messages sent while streaming (the benchmark reads it)
        self._diffed: tuple[int, int, str, str] | None = None
        self.lanes = [{**d, "figures": compare_view.figures(d)} for d in self._drafts]
        self.on_msg(self._on_page_message)
        self.observe(lambda _change: self._compute_diff(), names="diff_pair")

    # -- running ---------------------------------------------------------------------

    def start(self) -> Compare:
        """Stream every lane at once. In a kernel this returns at once (Stop still works);
        with no event loop running (a script) it returns when every lane has ended."""
        if self.status != "idle":
            raise RuntimeError("a comparison runs once; call compare() again")
        self.status = "running"
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(self._run_all())
        else:
            self._task = loop.create_task(self._run_all())
        return self

    def _stop_from_page(self, message: dict[str, Any]) -> None:
        """ "Stop all" (or Escape) names no lane, a lane's own button its index; a lane a
        stale page names that is not there is ignored."""
        if "lane" not in message:
            self.stop()
        elif (lane := index_in(message["lane"], len(self._lanes))) is not None:
            self.stop(lane)

    def stop(self, lane: int | None = None) -> None:
        """Stop one lane (by position), or all: the text so far stays in each."""
        chosen = range(len(self._lanes)) if lane is None else [lane]
        for i in chosen:
            self._stopped.add(i)
            run = self._runs[i]
            if run is not None:
                run.stop()

    def __await__(self) -> Generator[Any, None, list[Reply | None]]:
        if self._task is not None:
            yield from asyncio.wait([self._task]).__await__()
        # Again from here: the task's own update carries the parent header of the cell
        # that started it, which nbclient and papermill drop once that cell is done.
        self._update_saved_view()
        return self.replies

    @property
    def replies(self) -> list[Reply | None]:
        """Each lane's reply, in order; None for a lane that never sent (no key, stopped)."""
        return [_reply_of(run) for run in self._runs]

    async def _run_all(self) -> None:
        try:
            await asyncio.gather(*(self._run_lane(i) for i in range(len(self._lanes))))
        finally:
            self.status = "done"
            self._choose_pair()
            self._compute_diff()
            self._throttle.now()
            self._update_saved_view()

    async def _run_lane(self, i: int) -> None:
        lane, draft = self._lanes[i], self._drafts[i]
        if lane.client is None:
            return  # its error is already in its view
        try:
            model = lane.model or await ausual_model(
                lane.client, name_it="{'target': ..., 'model': ...}"
            )
        except Exception as failure:
            self._fail(i, describe_error(failure))
            return
        draft["model"] = model
        if i in self._stopped:
            self._fail(i, "Stopped before sending.", status="stopped")
            return
        run = StreamRun(
            lambda acc: self._progress(i, acc),
            lambda reply: self._finished(i, reply),
            max_per_second=self.MAX_REDRAWS_PER_SECOND,
        )
        self._runs[i] = run
        try:
            run.start(
                lane.client,
                self._messages,
                provider=lane.provider,
                meter=self._meter,
                model=model,
                **lane.params,
            )
        except Exception as failure:  # over budget: refused before sending
            self._runs[i] = None
            self._fail(i, describe_error(failure))
            return
        await run

    def _fail(self, i: int, error: str, status: str = "error") -> None:
        self._drafts[i].update(status=status, error=error)
        self._throttle.soon()

    # -- drawing ---------------------------------------------------------------------

    def _progress(self, i: int, acc: Accumulator) -> None:
        run = self._runs[i]
        self._drafts[i].update(
            status="streaming" if run is not None and run.streaming else "waiting",
            text=acc.text(),
            ttft_s=acc.time_to_first_token,
            tokens_per_s=acc.tokens_per_second(),
        )
        self._throttle.soon()

    def _finished(self, i: int, reply: Reply) -> None:
        lane, draft = self._lanes[i], self._drafts[i]
        usage = reply.usage or {}
        model = reply.completion.model or draft.get("model") or ""
        choices = reply.completion.choices
        draft.update(
            status=reply.status,
            model=model,
            text=reply.text,
            html=markdown_html(reply.text) if reply.status == "done" else "",
            error=reply.error or "",
            ttft_s=reply.ttft_s,
            tokens_per_s=reply.tokens_per_s,
            usage={**usage, "estimated": reply.estimated_usage},
            cost=cost_label_of(lane.client, model, usage),
            finish_reason=reply.ended_as or "",  # a Response's status, for a Responses lane
            choices=len(choices),  # n > 1: the first is shown, and the page says so
        )
        if i in self.diff_pair:
            self._compute_diff()
        self._throttle.soon()

    def _redraw(self) -> None:
        self.redraws += 1
        self.lanes = [{**d, "figures": compare_view.figures(d)} for d in self._drafts]

    def _choose_pair(self) -> None:
        """Diff two lanes that answered, if the chosen two did not."""
        answered = [i for i, d in enumerate(self._drafts) if d.get("text")]
        if len(answered) >= 2 and not all(i in answered for i in self.diff_pair):
            self.diff_pair = answered[:2]

    def _compute_diff(self) -> None:
        pair = [i for i in self.diff_pair if 0 <= i < len(self._drafts)]
        if len(pair) != 2 or pair[0] == pair[1]:
            self.diff, self._diffed = {}, None
            return
        a, b = (self._drafts[i] for i in pair)
        if a.get("status") not in ENDED or b.get("status") not in ENDED:
            self.diff, self._diffed = {}, None
            return
        key = (pair[0], pair[1], a.get("text", ""), b.get("text", ""))
        if key == self._diffed:
            return  # the same two texts: the diff shown is theirs
        self._diffed = key
        runs, share = word_diff(key[2], key[3])
        self.diff = {
            "a": pair[0],
            "b": pair[1],
            "runs": [list(r) for r in runs],
            "similarity": round(share, 3),
        }

    # -- for viewers without widgets ---------------------------------------------------

    def _saved_view(self) -> tuple[str, str]:
        """The lanes as an HTML table and as text, and the word diff."""
        return compare_view.saved_view(self.prompt, self.lanes, self.diff)

    def __repr__(self) -> str:
        ended = sum(d.get("status") in ENDED for d in self.lanes)
        return f"Compare({len(self.lanes)} lanes, {ended} ended, {self.status})"


def _reply_of(run: StreamRun | None) -> Reply | None:
    try:
        return None if run is None else run.reply
    except RuntimeError:  # still streaming
        return None
