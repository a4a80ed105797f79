"""`Playground`: every request parameter as a control, and the exact request beside it.

    pg = llmwidgets.Playground(client, temperature=0.2)
    pg                            # set controls; Ctrl/Cmd+Enter runs, Escape stops
    pg.set(seed=7, logprobs=True) # or from code: the same checks as the controls
    pg.request                    # the JSON body Run sends (the key is a header: never here)
    pg.api = "responses"          # send it to the Responses API; pg.both shows it both ways
    pg.warnings                   # {"logprobs": ["Groq rejects `logprobs` ..."]}
    print(pg.code)                # the same call with the SDK, to paste into a script
    run = pg.run()                # stream it; `await run` gives the Reply

Every parameter starts unset, and an unset one is not sent: the request holds exactly what
the student chose, plus the two stream fields `StreamRun` adds. A value out of the
reference's range is not sent and is one line in `error`, never a traceback. Next to each
control sits what the chosen provider does with it (`Provider.check_params`): Groq rejects
`logprobs` with a 400, Anthropic ignores `seed`. The provider menu offers every preset;
one with no key here is rehearsed on the sandbox (its profile refuses and ignores as the
provider documents), so that a student offline meets each provider's differences. Run
streams through a `StreamRun` (batched redraws, Stop, a meter row whatever happens). Only
text, numbers and dicts are synced: no client, no key.

About 340 lines: the widget's state and verbs; its controls are parameters.CONTROLS, its
provider menu reaching.py, its answer playground_answer.py.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

import anywidget
import traitlets

from ..client import list_models, provider_id_of
from ..client_record import record_of
from ..errors import describe_error
from ..parameters import (
    CONTROLS,
    check_parameters,
    problems_line,
    refuse_unknown,
    warnings_by_parameter,
)
from ..pricing import cost_label_of
from ..providers import Provider
from ..reaching import connect_or_rehearse, provider_menu, rehearsal_note
from ..responses_api import API
from ..running import Reply, StreamRun
from ..usage import UsageLog
from . import playground_answer
from .bundle import SavedView, module, status_trait, stylesheet
from .meter import SESSION, resolve_meter
from .page import PageMessages, PageTable
from .playground_bodies import api_note, request_both_ways

if TYPE_CHECKING:
    import openai

    from ..running import Accumulator

__all__ = ["Playground"]


class Playground(PageMessages, SavedView, anywidget.AnyWidget):
    """Every request parameter as a control, the request beside it. Holds no key: only
    text, numbers and dicts are synced, and the client stays in Python."""

    _esm = module("playground")
    _css = stylesheet("playground")
    _page_messages: ClassVar[PageTable] = {
        "run": lambda pg, _: pg.run(),
        "stop": lambda pg, _: pg.stop(),
    }

    controls: traitlets.List[dict[str, Any]] = traitlets.List(
        [c.for_page() for c in CONTROLS],
        help="each parameter's control: kind, range, default (parameters.CONTROLS)",
    ).tag(sync=True)
    providers: traitlets.List[dict[str, str]] = traitlets.List(
        help="the provider menu: id, label and how it is reached (this client first)"
    ).tag(sync=True)
    provider = traitlets.Unicode("", help="the chosen provider's id").tag(sync=True)
    note = traitlets.Unicode("", help="one line about the provider: rehearsed, unreachable").tag(
        sync=True
    )
    models: traitlets.List[str] = traitlets.List(help="the provider's chat models").tag(sync=True)
    llm_model = traitlets.Unicode("", help="the model asked for").tag(sync=True)
    system = traitlets.Unicode("", help="the system message (none when empty)").tag(sync=True)
    prompt = traitlets.Unicode("", help="the user message").tag(sync=True)
    params = traitlets.Dict(help="the parameters set, as the controls hold them").tag(sync=True)
    problems = traitlets.Dict(help="parameter -> why its value is not sent").tag(sync=True)
    error = traitlets.Unicode("", help="one line: what is not sent and why").tag(sync=True)
    api = traitlets.Enum(
        ["chat", "responses"], "chat", help="the endpoint Run sends to: chat or responses"
    ).tag(sync=True)
    api_note = traitlets.Unicode("", help="what this provider does with that endpoint").tag(
        sync=True
    )
    request = traitlets.Dict(help="the exact JSON body Run sends").tag(sync=True)
    both = traitlets.Dict(
        help="the same request for each endpoint: {chat|responses: {body, code} or {error}}"
    ).tag(sync=True)
    warnings = traitlets.Dict(help="parameter -> what this provider does with it").tag(sync=True)
    code = traitlets.Unicode("", help="the same call in Python, with the SDK").tag(sync=True)
    status = status_trait("idle, waiting, streaming, then done, stopped or error")
    answer = traitlets.Dict(help="the last run: each choice's text, the numbers, logprobs").tag(
        sync=True
    )

    MAX_REDRAWS_PER_SECOND = 30.0

    def __init__(
        self,
        client: openai.OpenAI | openai.AsyncOpenAI | None = None,
        *,
        model: str | None = None,
        system: str = "",
        prompt: str = "",
        meter: UsageLog | object | None = SESSION,
        api: API = "chat",
        **params: Any,
    ) -> None:
        refuse_unknown(params, "Playground", also=("model", "system", "prompt"))
        if client is None:
            from ..client import connect

            client = connect()  # the local sandbox
        chosen = resolve_meter(meter)
        super().__init__(system=system, prompt=prompt, api=api)
        self._meter = chosen
        self._own_id = provider_id_of(client)
        self._clients: dict[str, openai.OpenAI | openai.AsyncOpenAI] = {self._own_id: client}
        self._client = client
        self._run: StreamRun | None = None
        self._reply: Reply | None = None
        self._switching = False
        self._clean: dict[str, Any] = {}  # the parameters Run sends, checked
        with self.hold_sync():
            self.providers = provider_menu(client)
            self._use(self._own_id, client, model)
            self.params = {k: v for k, v in params.items() if v is not None}
            self._recompute()
        self.observe(self._recompute, names=["params", "llm_model", "system", "prompt", "api"])
        self.observe(self._provider_chosen, names="provider")
        self.on_msg(self._on_page_message)

    # -- the request -------------------------------------------------------------------

    def set(self, **params: Any) -> None:
        """Set parameters as the controls do (None unsets one); `model`, `system` and
        `prompt` too. A value out of range is not sent: `error` says why, in one line.
        (Returns nothing: as a cell's last line it shows no second playground.)"""
        refuse_unknown(params, "Playground", also=("model", "system", "prompt"))
        with self.hold_sync():
            for name in ("model", "system", "prompt"):
                if name in params:
                    value = params.pop(name)
                    setattr(self, "llm_model" if name == "model" else name, value or "")
            merged = {**self.params, **params}
            self.params = {k: v for k, v in merged.items() if v is not None}

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The request's messages: the system prompt (when there is one), then the user's."""
        first = [{"role": "system", "content": self.system}] if self.system else []
        return [*first, {"role": "user", "content": self.prompt}]

    @property
    def _api(self) -> API:
        return "responses" if self.api == "responses" else "chat"

    @property
    def client(self) -> openai.OpenAI | openai.AsyncOpenAI:
        """The client Run uses: the one given, or the chosen provider's."""
        return self._client

    def _recompute(self, _change: Any = None) -> None:
        clean, problems = check_parameters(dict(self.params))
        record = self._record()
        warnings = warnings_by_parameter(record, clean, self.llm_model, self.messages)
        both = request_both_ways(self._client, self.messages, {"model": self.llm_model, **clean})
        chosen = both[self.api]
        with self.hold_sync():
            self.problems = problems
            self.error = problems_line(problems) or chosen.get("error", "")
            self.warnings = warnings
            self.both = both
            self.request = chosen.get("body", {})
            self.code = chosen.get("code", "")
            self.api_note = api_note(record, self._api)
            self._clean = clean

    def _record(self) -> Provider | None:
        """What this provider is known to do: its preset, or None for an unnamed server."""
        return record_of(self._client).preset

    # -- the provider ------------------------------------------------------------------

    def _use(self, provider: str, client: Any, model: str | None) -> None:
        """Draw for `client`: its models, a model to ask, the provider's notes."""
        import openai

        record = record_of(client).preset
        hints = record.model_hints if record else ()
        skip = set(record.embedding_models) if record else set()
        note = ""
        if isinstance(client, openai.AsyncOpenAI):
            ids: tuple[str, ...] = hints
        else:
            listing = list_models(client)
            ids, note = listing.ids, listing.note
        chat = [i for i in ids if i not in skip]
        current = model or self.llm_model
        if not current or (model is None and chat and current not in chat):
            from ..client import chat_model_among

            current = chat_model_among(chat, hints) or ""
        self._client = client
        note = note or rehearsal_note(client)
        self._switching = True
        try:
            self.provider = provider
        finally:
            self._switching = False
        self.models = chat
        self.llm_model = current
        self.note = note

    def _provider_chosen(self, change: dict[str, Any]) -> None:
        if self._switching:
            return
        chosen, before = change["new"], change["old"]
        try:
            if self._run is not None and self._run.running:
                raise _Refused("Still answering: stop it first (Escape).")
            client = self._clients.get(chosen) or connect_or_rehearse(chosen)
            self._clients[chosen] = client
            with self.hold_sync():
                self._use(chosen, client, None)
                self._recompute()
        except Exception as failed:  # one line by the menu, and the provider it was
            line = str(failed) if isinstance(failed, _Refused) else describe_error(failed)
            self._switching = True
            try:
                with self.hold_sync():
                    self.provider = before
                    self.note = line
            finally:
                self._switching = False

    # -- running -----------------------------------------------------------------------

    def run(self, *, wait: bool = False) -> StreamRun | None:
        """Send the request shown and stream the answer in. Returns the run (awaitable),
        or None when it was not sent (`error` says why). With no event loop running (a
        script, a test) it streams to the end first; `wait=True` reads the stream in this
        thread (the kernel stays busy: interrupting it is the Stop)."""
        refusal = self._refusal()
        if refusal:
            self.error = refusal
            return None
        run = self._run = StreamRun(
            self._progress, self._finished, max_per_second=self.MAX_REDRAWS_PER_SECOND
        )
        with self.hold_sync():
            self.status = "waiting"
            self.answer = playground_answer.waiting(self.llm_model)
        try:
            run.start(
                self._client,
                self.messages,
                provider=provider_id_of(self._client),
                meter=self._meter,
                wait=wait,
                api=self._api,
                model=self.llm_model,
                **self._clean,
            )
        except Exception as refused:  # the meter's budget, before anything was sent
            with self.hold_sync():
                self.status, self.answer = "idle", {}
                self.error = describe_error(refused)
            return None
        return run

    def _refusal(self) -> str:
        if self._run is not None and self._run.running:
            return "Still answering: stop it first (Escape)."
        if self.problems:
            return problems_line(self.problems)
        if "error" in self.both.get(self.api, {}):
            return str(self.both[self.api]["error"])
        if not self.llm_model:
            return "Choose a model first."
        if not self.prompt.strip():
            return "Write a prompt first."
        return ""

    def stop(self) -> None:
        """Close the stream: the text so far stays."""
        if self._run is not None:
            self._run.stop()

    @property
    def reply(self) -> Reply | None:
        """The last finished run's Reply (text, completion, usage, error), or None."""
        return self._reply

    def _progress(self, acc: Accumulator) -> None:
        with self.hold_sync():
            if self._run is not None and self._run.streaming and self.status == "waiting":
                self.status = "streaming"
            self.answer = playground_answer.streaming(self.answer, self.status, acc)

    def _finished(self, reply: Reply) -> None:
        self._reply = reply
        model = reply.completion.model or self.llm_model
        cost = cost_label_of(self._client, model, reply.usage or {})
        with self.hold_sync():
            self.status = reply.status
            self.answer = playground_answer.finished(reply, model, cost)
            self.error = problems_line(self.problems)  # a refusal's line is over
        self._update_saved_view()  # for viewers without widgets

    # -- for viewers without widgets ---------------------------------------------------

    def _saved_view(self) -> tuple[str, str]:
        """The request, its warnings and the last answer, as HTML and text."""
        request = json.dumps(self.request, indent=2, ensure_ascii=False)
        warned = [f"{name}: {w}" for name, found in self.warnings.items() for w in found]
        title = f"Playground · {self._label()} · {self.llm_model}"
        return playground_answer.saved_view(
            title, self.note, warned, self.error, request, self.answer or {}
        )

    def _label(self) -> str:
        for item in self.providers:
            if item["id"] == self.provider:
                return item["label"]
        return self.provider

    def __repr__(self) -> str:
        chosen = len(self._clean)
        return f"Playground({self.provider}, {self.llm_model}, {chosen} set, {self.status})"


class _Refused(Exception):
    """An action the playground declines, in words for the student."""
