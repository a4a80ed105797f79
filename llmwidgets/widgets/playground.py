"""`Playground`: every request parameter as a control, and the exact request beside it.

    pg = llmwidgets.Playground(client, temperature=0.2)
    pg                            # set controls; Ctrl/Cmd+Enter runs, Escape stops
    pg.set(seed=7, logprobs=True) # or from code: the same checks as the controls
    pg.request                    # the JSON body Run sends (the key is a header: never here)
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
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import anywidget
import traitlets

from .. import environment
from ..as_code import python_code
from ..client import list_models, provider_id_of, provider_of, rehearsal_of
from ..errors import MissingKeyError, describe_error
from ..keys import find_key
from ..parameters import (
    PARAMETERS,
    check_parameters,
    refuse_client_options,
    warnings_by_parameter,
)
from ..pricing import cost_label
from ..providers import LOCAL_SERVER, PRESETS, REHEARSABLE, Provider
from ..redaction import shown_url
from ..running import Reply, StreamRun
from ..usage import UsageLog
from .bundle import SavedView, figures_line, split_bundle
from .meter import SESSION, resolve_meter

if TYPE_CHECKING:
    import openai

    from ..streaming import StreamAccumulator

__all__ = ["Playground"]

_STATIC = Path(__file__).parent / "static"
_MAX_TOKENS_SHOWN = 400  # logprobs drawn in the page; the Reply keeps them all


class Playground(SavedView, anywidget.AnyWidget):
    """Every request parameter as a control, the request beside it. Holds no key: only
    text, numbers and dicts are synced, and the client stays in Python."""

    _esm = _STATIC / "playground.js"
    _css = _STATIC / "playground.css"

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
    request = traitlets.Dict(help="the exact JSON body Run sends").tag(sync=True)
    warnings = traitlets.Dict(help="parameter -> what this provider does with it").tag(sync=True)
    code = traitlets.Unicode("", help="the same call in Python, with the SDK").tag(sync=True)
    status = traitlets.Unicode(
        "idle", help="idle, waiting, streaming, then done, stopped or error"
    ).tag(sync=True)
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
        **params: Any,
    ) -> None:
        _refuse_unknown(params)
        if client is None:
            from ..client import connect

            client = connect()  # the local sandbox
        chosen = resolve_meter(meter)
        super().__init__(system=system, prompt=prompt)
        self._meter = chosen
        self._own_id = provider_id_of(client)
        self._clients: dict[str, openai.OpenAI | openai.AsyncOpenAI] = {self._own_id: client}
        self._client = client
        self._run: StreamRun | None = None
        self._reply: Reply | None = None
        self._switching = False
        with self.hold_sync():
            self.providers = _menu(self._own_id, client)
            self._use(self._own_id, client, model)
            self.params = {k: v for k, v in params.items() if v is not None}
            self._recompute()
        self.observe(self._recompute, names=["params", "llm_model", "system", "prompt"])
        self.observe(self._provider_chosen, names="provider")
        self.on_msg(self._on_frontend_message)

    # -- the request -------------------------------------------------------------------

    def set(self, **params: Any) -> None:
        """Set parameters as the controls do (None unsets one); `model`, `system` and
        `prompt` too. A value out of range is not sent: `error` says why, in one line.
        (Returns nothing: as a cell's last line it shows no second playground.)"""
        _refuse_unknown(params)
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
    def client(self) -> openai.OpenAI | openai.AsyncOpenAI:
        """The client Run uses: the one given, or the chosen provider's."""
        return self._client

    def _recompute(self, _change: Any = None) -> None:
        clean, problems = check_parameters(dict(self.params))
        record = self._record()
        warnings = warnings_by_parameter(record, clean, self.llm_model, self.messages)
        request = {
            "model": self.llm_model,
            "messages": self.messages,
            **clean,
            # What StreamRun adds: the stream, and usage in a last chunk (the meter's).
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        with self.hold_sync():
            self.problems = problems
            self.error = _one_line(problems)
            self.warnings = warnings
            self.request = request
            self.code = self._code(clean)

    def _record(self) -> Provider | None:
        """What this provider is known to do: its preset, or None for an unnamed server."""
        record = provider_of(self._client)
        if record is not None and record.id != "custom":
            return record
        return PRESETS.get(provider_id_of(self._client))

    def _code(self, clean: dict[str, Any]) -> str:
        """A script that makes the same call, not streamed (the key read by its name)."""
        return python_code(
            self._client, {"model": self.llm_model, "messages": self.messages, **clean}
        )

    # -- the provider ------------------------------------------------------------------

    def _use(self, provider: str, client: Any, model: str | None) -> None:
        """Draw for `client`: its models, a model to ask, the provider's notes."""
        import openai

        record = provider_of(client) or PRESETS.get(provider)
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
        rehearsal = rehearsal_of(client)
        if rehearsal is not None and not note:
            preset = PRESETS[rehearsal]
            if find_key(preset) is None:
                note = f"No {preset.key_env} here: {preset.label} rehearsed on the sandbox."
            else:
                note = f"{preset.label} rehearsed on the sandbox ({environment.REHEARSE})."
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
            client = self._clients.get(chosen) or self._connect(chosen)
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

    def _connect(self, provider: str) -> openai.OpenAI:
        """The preset's client, never prompting for a key (a prompt would block the
        kernel): with no key, its rehearsal on the sandbox."""
        from ..client import connect

        try:
            return connect(provider, prompt=False)
        except MissingKeyError:
            if provider not in REHEARSABLE:
                raise
            return connect(provider, prompt=False, rehearse=True)

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
        clean = {k: v for k, v in self.request.items() if k in PARAMETERS}
        run = self._run = StreamRun(
            self._progress, self._finished, max_per_second=self.MAX_REDRAWS_PER_SECOND
        )
        with self.hold_sync():
            self.status = "waiting"
            self.answer = {"status": "waiting", "model": self.llm_model, "choices": []}
        try:
            run.start(
                self._client,
                self.messages,
                provider=provider_id_of(self._client),
                meter=self._meter,
                wait=wait,
                model=self.llm_model,
                **clean,
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
            return _one_line(self.problems)
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

    def _progress(self, acc: StreamAccumulator) -> None:
        with self.hold_sync():
            if self._run is not None and self._run.streaming and self.status == "waiting":
                self.status = "streaming"
            self.answer = {
                **self.answer,
                "status": self.status,
                "choices": [{"text": text} for text in acc.texts()],
                "ttft_s": acc.time_to_first_token,
                "tokens_per_s": acc.tokens_per_second(),
            }

    def _finished(self, reply: Reply) -> None:
        self._reply = reply
        usage = reply.usage or {}
        model = reply.completion.model or self.llm_model
        cost = cost_label(
            provider_id_of(self._client), model, usage, rehearsal=rehearsal_of(self._client)
        )
        choices = [
            {"text": c.message.content or "", "finish_reason": c.finish_reason or ""}
            for c in reply.completion.choices
        ] or [{"text": reply.text, "finish_reason": ""}]
        with self.hold_sync():
            self.status = reply.status
            self.answer = {
                "status": reply.status,
                "model": model,
                "choices": choices,
                "ttft_s": reply.ttft_s,
                "tokens_per_s": reply.tokens_per_s,
                "latency_s": reply.latency_s,
                "usage": usage,
                "estimated": reply.estimated_usage,
                "cost": cost,
                "error": reply.error or "",
                "logprobs": _token_probabilities(reply),
            }
            self.error = _one_line(self.problems)  # a refusal's line is over
        self._update_saved_view()  # for viewers without widgets

    def _on_frontend_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        try:
            if content.get("type") == "run":
                self.run()
            elif content.get("type") == "stop":
                self.stop()
        except Exception as bad:  # one line in the page, never a traceback in the log
            self.error = describe_error(bad)

    # -- for viewers without widgets ---------------------------------------------------

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """The live widget, and the request, warnings and last answer as HTML and text:
        what GitHub, nbconvert and a terminal show of a saved notebook."""
        bundle, metadata = split_bundle(super()._repr_mimebundle_(**kwargs))
        request = json.dumps(self.request, indent=2, ensure_ascii=False)
        warned = [f"{name}: {w}" for name, found in self.warnings.items() for w in found]
        answer = self.answer or {}
        texts = [c.get("text", "") for c in answer.get("choices", [])]
        numbers = _numbers(answer)
        title = f"Playground · {self._label()} · {self.llm_model}"
        parts = [f"<p><b>{html.escape(title)}</b></p>"]
        if self.note:
            parts.append(f"<p><i>{html.escape(self.note)}</i></p>")
        if warned:
            items = "".join(f"<li>{html.escape(w)}</li>" for w in warned)
            parts.append(f"<p>Warnings:</p><ul>{items}</ul>")
        if self.error:
            parts.append(f"<p><b>{html.escape(self.error)}</b></p>")
        parts.append(f"<pre>{html.escape(request)}</pre>")
        if answer.get("status") in ("done", "stopped", "error"):
            parts.append(f"<p><b>Answer</b> ({html.escape(numbers)})</p>")
            for index, text in enumerate(texts):
                head = f"<p><i>choice {index}</i></p>" if len(texts) > 1 else ""
                parts.append(f"{head}<pre>{html.escape(text)}</pre>")
            if answer.get("error"):
                parts.append(f"<p><b>{html.escape(answer['error'])}</b></p>")
        bundle["text/html"] = "<div>" + "".join(parts) + "</div>"
        lines = [title, *([self.note] if self.note else [])]
        lines += [f"warning: {w}" for w in warned] + ([self.error] if self.error else [])
        lines += ["request:", request]
        if answer.get("status") in ("done", "stopped", "error"):
            lines.append(f"answer ({numbers}):")
            lines += texts + ([answer["error"]] if answer.get("error") else [])
        bundle["text/plain"] = "\n".join(lines)
        return bundle, metadata

    def _label(self) -> str:
        for item in self.providers:
            if item["id"] == self.provider:
                return item["label"]
        return self.provider

    def __repr__(self) -> str:
        set_ = len(self.request) - 4 if self.request else 0
        return f"Playground({self.provider}, {self.llm_model}, {set_} set, {self.status})"


def _refuse_unknown(params: dict[str, Any]) -> None:
    """A name that is no parameter is refused before its value is kept anywhere (a key
    given by mistake must not become widget state)."""
    refuse_client_options(params, "Playground")
    unknown = sorted(set(params) - set(PARAMETERS) - {"model", "system", "prompt"})
    if unknown:
        raise TypeError(
            f"Playground: {', '.join(unknown)} is not a parameter it sets "
            f"(it sets {', '.join(PARAMETERS)})"
        )


class _Refused(Exception):
    """An action the playground declines, in words for the student."""


def _one_line(problems: dict[str, str]) -> str:
    if not problems:
        return ""
    return "Not sent: " + "; ".join(f"{name} {why}" for name, why in problems.items()) + "."


def _menu(own: str, client: Any) -> list[dict[str, str]]:
    """This client first, then every preset, each with how it would be reached."""
    preset = PRESETS.get(own)
    rehearsal = rehearsal_of(client)
    label = preset.label if preset else "Local server" if own == LOCAL_SERVER else "Custom server"
    if rehearsal is not None:
        label = f"{label} (rehearsed)"
    host = urlsplit(shown_url(str(client.base_url))).netloc
    items = [{"id": own, "label": label, "hint": f"this client, {host}"}]
    for other in PRESETS.values():
        if other.id in (own, "custom"):
            continue
        if other.local or not other.requires_key:
            hint = "on this machine" if other.local else "no key needed"
        elif find_key(other) is not None:
            hint = "key found"
        else:
            hint = f"no {other.key_env}: rehearsed" if other.id in REHEARSABLE else "no key"
        items.append({"id": other.id, "label": other.label, "hint": hint})
    return items


def _token_probabilities(reply: Reply) -> list[dict[str, Any]]:
    """The first choice's tokens with their probabilities, and the alternatives asked for."""
    choices = reply.completion.choices
    logprobs = choices[0].logprobs if choices else None
    content = (logprobs.content if logprobs is not None else None) or []
    return [
        {
            "token": t.token,
            "p": math.exp(t.logprob),
            "top": [{"token": a.token, "p": math.exp(a.logprob)} for a in t.top_logprobs or []],
        }
        for t in content[:_MAX_TOKENS_SHOWN]
    ]


def _numbers(answer: dict[str, Any]) -> str:
    """The answer's numbers in one line, as the page shows them."""
    reasons = {c.get("finish_reason") for c in answer.get("choices", [])} - {"", None}
    return figures_line(
        answer.get("status", ""),
        answer.get("ttft_s"),
        answer.get("tokens_per_s"),
        answer.get("usage"),
        estimated=bool(answer.get("estimated")),
        cost=answer.get("cost", ""),
        more=("finish_reason " + ", ".join(sorted(reasons)),) if reasons else (),
    )
