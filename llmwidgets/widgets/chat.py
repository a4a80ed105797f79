"""`Chat`: a conversation you can see, edit and replay, streamed live.

    chat = llmwidgets.Chat(client, system="You are brief.")
    chat                          # type, Enter to send, Escape to stop
    chat.send("Hi")               # or from code
    chat.messages                 # the `messages` list, to save, share or load again

Its model is a `Conversation` (the core's, usable without widgets): the history is data,
trimmed by whole turns to the window, and a turn joins it only once answered. Each answer
streams through a `StreamRun` (the stream cell's) with Stop, and keeps its own numbers:
time to first token, tokens/s, tokens and cost. Any message can be edited or its turn
deleted; a question can be asked again from where it stands, and a fork keeps the
current conversation as a branch to come back to. `Chat(client, inspect=True)` shows an
inspector under it with every answer's request on the wire; `Chat(client,
api="responses")` asks the Responses API instead, resending the history as `input` as
chat resends `messages`. Only text and numbers are synced: no key, ever.

About 350 lines: one widget's Python, its verbs (send, stop, ask again, edit, delete,
fork, restore, load) a few lines each; how the history is drawn is chat_view.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import anywidget
import traitlets

from ..client import provider_id_of, usual_model
from ..conversation import ContextOverflow, Conversation
from ..errors import describe_error
from ..pricing import cost_label_of
from ..running import Reply, StreamRun
from ..usage import UsageLog
from . import chat_view
from .bundle import SavedView, module, status_trait, stylesheet
from .figures import figures_line
from .inspector import Inspector, watched
from .meter import SESSION, resolve_meter
from .page import PageMessages, PageTable

if TYPE_CHECKING:
    import openai

    from ..running import Accumulator

__all__ = ["Chat"]


class Chat(PageMessages, SavedView, anywidget.AnyWidget):
    """A chat with its history as data. Holds no key: only text and numbers are synced."""

    _esm = module("chat")
    _css = stylesheet("chat")
    _page_messages: ClassVar[PageTable] = dict.fromkeys(
        ("send", "stop", "export", "edit", "delete", "fork", "rerun", "restore", "load"),
        lambda chat, message: chat._from_page(message),
    )

    system = traitlets.Unicode("", help="the system message").tag(sync=True)
    turns: traitlets.List[dict[str, Any]] = traitlets.List(
        help="the history as shown: role, content, and each answer's numbers"
    ).tag(sync=True)
    live = traitlets.Dict(help="the answer streaming now: text and numbers").tag(sync=True)
    status = status_trait("idle, waiting, streaming or error")
    error = traitlets.Unicode("", help="one readable line when the last call failed").tag(sync=True)
    context = traitlets.Dict(help="how much of the window the next request uses").tag(sync=True)
    llm_model = traitlets.Unicode("", help="the model answering").tag(sync=True)
    branches = traitlets.Int(0, help="conversations kept by forking").tag(sync=True)
    revision = traitlets.Int(0, help="bumped on every change: actions name the one they saw").tag(
        sync=True
    )

    MAX_REDRAWS_PER_SECOND = 30.0

    def __init__(
        self,
        client: openai.OpenAI | openai.AsyncOpenAI,
        *,
        model: str | None = None,
        system: str | None = None,
        messages: list[dict[str, Any]] | None = None,
        context_window: int = 8192,
        max_reply_tokens: int = 512,
        meter: UsageLog | object | None = SESSION,
        inspect: bool = False,
        **params: Any,
    ) -> None:
        if model is None:
            model = usual_model(client, name_it="Chat(client, model=...)")
        chosen = resolve_meter(meter)
        for name in ("max_tokens", "max_completion_tokens"):  # one cap: the reply's room
            if isinstance(params.get(name), int):
                max_reply_tokens = params.pop(name)
        settings: dict[str, Any] = {
            "context_window": context_window,
            "max_reply_tokens": max_reply_tokens,
        }
        if system is not None:
            settings["system"] = system
        if messages is not None:
            self.conversation = Conversation.from_messages(messages, **settings)
        else:
            self.conversation = Conversation(**settings)
        super().__init__(system=self.conversation.system, llm_model=model)
        self._client = client
        self._provider = provider_id_of(client)
        self._meter = chosen
        self._params = params
        self._notes: list[dict[str, Any]] = [{} for _ in self.conversation.messages]
        self._saved: list[tuple[Conversation, list[dict[str, Any]]]] = []
        self._run: StreamRun | None = None
        # inspect=True: every answer's request on the wire, shown under the chat
        self.inspector: Inspector | None = Inspector(client) if inspect else None
        self.on_msg(self._on_page_message)
        self.observe(self._system_edited, names="system")
        self._show_history()

    def _ipython_display_(self) -> None:
        super()._ipython_display_()
        if self.inspector is not None:
            from IPython.display import display

            display(self.inspector)

    # -- asking ----------------------------------------------------------------------

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The conversation as a chat request's `messages`, system first."""
        return self.conversation.to_messages()

    def send(self, text: str) -> StreamRun | None:
        """Ask `text`; the answer streams in. Returns the run (awaitable), or None when
        the question was refused before sending (one line says why)."""
        if self._run is not None and self._run.running:
            self.error = "Still answering: stop it first (Escape)."
            return None
        question = {"role": "user", "content": text}
        try:
            prompt = self.conversation.prompt(question)
        except ContextOverflow as overflow:
            self.error = str(overflow)
            return None
        talk = self.conversation
        run = self._run = StreamRun(
            self._progress,
            lambda reply: self._answered(talk, question, reply),
            max_per_second=self.MAX_REDRAWS_PER_SECOND,
        )
        with self.hold_sync():
            self.error = ""
            self.status = "waiting"
            self.live = {"question": text, "text": "", "status": "waiting", "figures": "waiting"}
        try:
            with watched(self._client, self.inspector):
                run.start(
                    self._client,
                    prompt,
                    provider=self._provider,
                    meter=self._meter,
                    model=self.llm_model,
                    max_tokens=self.conversation.max_reply_tokens,
                    **self._params,
                )
        except Exception as refused:  # the meter's budget, before anything was sent
            with self.hold_sync():
                self.status, self.live, self.error = "idle", {}, describe_error(refused)
            return None
        return run

    def stop(self) -> None:
        """Close the stream: the text so far stays, as the answer."""
        if self._run is not None:
            self._run.stop()

    def rerun(self, index: int) -> StreamRun | None:
        """Ask the question at `index` again, forgetting everything from it on."""
        self._require_idle()
        message = self.conversation.messages[index]
        if message.get("role") != "user":
            raise ValueError(f"message {index} is not a question (role {message.get('role')!r})")
        self.conversation.truncate(index)
        del self._notes[index:]
        self._show_history()
        return self.send(message.get("content") or "")

    # -- changing the history ------------------------------------------------------------

    def _require_idle(self) -> None:
        if self._run is not None and self._run.running:
            raise ValueError("Still answering: stop it first (Escape), then change the history.")

    def edit(self, index: int, content: str) -> None:
        """Change what message `index` says; ask again from it to see where it leads."""
        self._require_idle()
        self.conversation.edit(index, content)
        self._notes[index] = {**self._notes[index], "edited": True}
        self._show_history()

    def delete(self, index: int) -> None:
        """Delete the turn holding message `index` (its question and its answers)."""
        self._require_idle()
        start, end = self.conversation.delete_turn(index)
        del self._notes[start:end]
        self._show_history()

    def fork(self, index: int) -> None:
        """Keep the whole conversation as a branch, and go on from before message `index`
        (where `Conversation.fork` gives the copy; here the copy is what is kept)."""
        self._require_idle()
        self._saved.append((self.conversation.fork(), [dict(n) for n in self._notes]))
        self.conversation.truncate(index)
        del self._notes[index:]
        self.branches = len(self._saved)
        self._show_history()

    def restore(self) -> None:
        """Switch to the oldest kept branch; the conversation now is kept last, so
        switching again and again visits every branch in turn."""
        self._require_idle()
        self._saved.append((self.conversation.fork(), [dict(n) for n in self._notes]))
        self.conversation, notes = self._saved.pop(0)
        self._notes = [dict(n) for n in notes]
        with self.hold_sync():
            self.system = self.conversation.system
            self._show_history()

    def load(self, messages: list[dict[str, Any]]) -> None:
        """Replace the conversation with a `messages` list (a leading system message
        becomes the system prompt)."""
        self._require_idle()
        loaded = Conversation.from_messages(
            messages,
            context_window=self.conversation.context_window,
            max_reply_tokens=self.conversation.max_reply_tokens,
        )
        self.conversation = loaded
        self._notes = [{} for _ in loaded.messages]
        with self.hold_sync():
            self.system = loaded.system
            self._show_history()

    # -- drawing ---------------------------------------------------------------------

    def _progress(self, acc: Accumulator) -> None:
        with self.hold_sync():
            self.status = "streaming"
            self.live = {
                **self.live,
                "text": acc.text(),
                "status": "streaming",
                "figures": figures_line(
                    "streaming", acc.time_to_first_token, acc.tokens_per_second(), None
                ),
            }

    def _answered(self, talk: Conversation, question: dict[str, Any], reply: Reply) -> None:
        if talk is not self.conversation:
            return  # a history loaded meanwhile: this answer belongs to none shown
        if not reply.text:  # nothing came: the question stays out of the history
            error = reply.error or "Stopped before any text came."
            with self.hold_sync():
                self.status, self.error = "error", error
                asked = question["content"]
                self.live = {"question": asked, "text": "", "status": "error", "figures": "error"}
            return
        usage = reply.usage or {}
        model = reply.completion.model or self.llm_model
        choices = reply.completion.choices
        note = {
            "status": reply.status,
            "model": model,
            "ttft_s": reply.ttft_s,
            "tokens_per_s": reply.tokens_per_s,
            "prompt_tokens": usage.get("prompt_tokens"),
            "completion_tokens": usage.get("completion_tokens"),
            "estimated": reply.estimated_usage,
            "cost": cost_label_of(self._client, model, usage),
            "finish_reason": reply.ended_as,  # a Response's status, with api="responses"
        }
        # A stopped or broken answer joins the history as far as it went, marked: the
        # model said it, and the next question follows on from it.
        answer = choices[0].message if choices else {"role": "assistant", "content": reply.text}
        talk.add(question, answer)
        self._notes += [{}, note]
        with self.hold_sync():
            self.status = "idle"
            self.error = reply.error or ""
            self.live = {}
            self._show_history(last_prompt_tokens=usage.get("prompt_tokens"))
        self._update_saved_view()  # the transcript, for viewers without widgets

    def _show_history(self, last_prompt_tokens: int | None = None) -> None:
        talk = self.conversation
        self.turns = [
            chat_view.turn(message, note)
            for message, note in zip(talk.messages, self._notes, strict=True)
        ]
        over = False
        try:
            fit = talk.fit()
            used, left_out = fit.tokens, fit.left_out
        except ContextOverflow:  # the newest turn alone is over: say so, not a made-up count
            used, left_out, over = talk.prompt_budget, len(talk.messages), True
        self.revision += 1
        self.context = {
            "over": over,
            "used": used,
            "window": talk.context_window,
            "budget": talk.prompt_budget,
            "reply": talk.max_reply_tokens,
            "left_out": left_out,
            "last_prompt_tokens": last_prompt_tokens,
        }

    def _system_edited(self, change: dict[str, Any]) -> None:
        self.conversation.system = change["new"]
        self._show_history()

    def _from_page(self, message: dict[str, Any]) -> None:
        """What the page asks (the table above names each type); a change the page asks of
        a history that changed since it drew it is refused, not guessed at."""
        kind, index = message.get("type"), message.get("index")
        changes = {"edit", "delete", "fork", "rerun", "restore", "load"}
        if kind in changes and message.get("revision", self.revision) != self.revision:
            self.error = "The chat changed before that click arrived: nothing was done."
            return
        if kind == "send" and isinstance(message.get("text"), str):
            self.send(message["text"])
        elif kind == "stop":
            self.stop()
        elif kind == "export":
            self._tell_page({"type": "messages", "messages": self.messages})
        elif kind == "edit" and isinstance(index, int):
            self.edit(index, str(message.get("content", "")))
        elif kind == "delete" and isinstance(index, int):
            self.delete(index)
        elif kind == "fork" and isinstance(index, int):
            self.fork(index)
        elif kind == "rerun" and isinstance(index, int):
            self.rerun(index)
        elif kind == "restore" and self._saved:
            self.restore()
        elif kind == "load" and isinstance(message.get("messages"), list):
            self.load(message["messages"])

    def _tell_page(self, content: dict[str, Any]) -> None:
        """A custom message to the view (`send` here asks a question: the widget's own
        `send` is reached by name)."""
        anywidget.AnyWidget.send(self, content)

    # -- for viewers without widgets ---------------------------------------------------

    def _saved_view(self) -> tuple[str, str]:
        """The transcript as HTML and text."""
        as_html, as_text = chat_view.transcript(self.system, self.turns)
        return as_html, as_text or repr(self)

    def __repr__(self) -> str:
        return f"Chat({self.llm_model}, {len(self.turns)} messages, {self.status})"
