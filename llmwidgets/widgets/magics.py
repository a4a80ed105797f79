"""`%%chat` and `%llm`: the API from a cell, with a conversation kept across cells.

    %load_ext llmwidgets

    %%chat                                   # the sandbox, its usual chat model
    Explain HTTP status codes in one sentence.

    %%chat groq:llama-3.1-8b-instant --temperature 0.2 --max-tokens 200
    And 429 in particular?                   # the conversation goes on, on Groq now

    %%chat --api responses                   # the same conversation, by the Responses API
    And 503?

    %llm providers                           # the presets, and whose key is set
    %llm models [provider]                   # what a provider serves
    %llm history                             # the conversation as `messages`
    %llm reset                               # forget it

The cell's text is the user message; the answer streams into a stream cell and the cell
ends with it, so "Run all" keeps the order (interrupting the kernel is the Stop, and keeps
the text so far). The conversation is a `Conversation`: it trims whole turns to the
window and only answered turns join it. Options are parsed like a command line; a mistake
in them, or a failed call, is one line, never a traceback.
"""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from ..conversation import ContextOverflow, Conversation

__all__ = ["load_ipython_extension", "unload_ipython_extension"]


class _OneLine(Exception):
    """What to print instead of a traceback."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would exit the kernel's process
        raise _OneLine(f"{self.prog}: {message}")


def _chat_parser() -> _Parser:
    parser = _Parser(prog="%%chat", add_help=False)
    parser.add_argument("target", nargs="?", help="provider[:model], e.g. groq:llama-3.1-8b")
    parser.add_argument("--temperature", type=float)
    parser.add_argument("--top-p", type=float, dest="top_p")
    parser.add_argument("--max-tokens", type=int, dest="max_tokens", default=512)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--system", help="the system message (starts a new conversation)")
    parser.add_argument("--new", action="store_true", help="start a new conversation")
    parser.add_argument(
        "--api", choices=("chat", "responses"), default="chat", help="the endpoint to ask"
    )
    return parser


class ChatMagics:
    """The state behind the magics: one conversation, and a client per provider."""

    def __init__(self) -> None:
        self.conversation = Conversation(system="")  # what you write is all that is sent
        self.provider = "sandbox"
        self.model: str | None = None
        self._clients: dict[str, Any] = {}

    # -- %%chat --------------------------------------------------------------------------

    def chat(self, line: str, cell: str | None) -> None:
        try:
            self._chat(line, cell or "")
        except _OneLine as said:
            print(f"✗ {said}")
        except Exception as error:  # a wrong key, a dead URL: one line
            from ..errors import describe_error

            print(f"✗ {describe_error(error)}")

    def _chat(self, line: str, text: str) -> None:
        options = _chat_parser().parse_args(shlex.split(line))
        if not text.strip():
            raise _OneLine("%%chat: write the message in the cell, under the %%chat line")
        if options.target:
            self.provider, self.model = _target(options.target, self.provider)
        if options.new or options.system is not None:
            self.conversation = Conversation(
                system=options.system if options.system is not None else "",
                context_window=self.conversation.context_window,
            )
        self.conversation.max_reply_tokens = options.max_tokens
        from ..client import usual_model

        client = self._client(self.provider)
        model = self.model or usual_model(client, name_it=f"%%chat {self.provider}:MODEL")
        question = {"role": "user", "content": text.strip()}
        try:
            prompt = self.conversation.prompt(question)
        except ContextOverflow as overflow:
            raise _OneLine(str(overflow)) from None
        params = {
            k: v for k in ("temperature", "top_p", "seed") if (v := getattr(options, k)) is not None
        }
        from .cell import StreamCell
        from .meter import session_meter

        cell = StreamCell().show()
        cell.start(
            client,
            prompt,
            model=model,
            max_tokens=options.max_tokens,
            meter=session_meter(),
            wait=True,
            api=options.api,
            **params,
        )
        reply = cell.reply
        if reply.text and reply.completion.choices:
            self.conversation.add(question, reply.completion.choices[0].message)

    # -- %llm ----------------------------------------------------------------------------

    def llm(self, line: str) -> None:
        try:
            self._llm(shlex.split(line))
        except _OneLine as said:
            print(f"✗ {said}")
        except Exception as error:
            from ..errors import describe_error

            print(f"✗ {describe_error(error)}")

    def _llm(self, words: list[str]) -> None:
        command, rest = (words[0], words[1:]) if words else ("", [])
        if command == "providers":
            self._providers()
        elif command == "models":
            from ..client import list_models

            provider = rest[0].lower() if rest else self.provider
            listing = list_models(self._client(provider))
            print(
                f"{provider}: {len(listing.ids)} models"
                + (f" ({listing.note})" if listing.note else "")
            )
            for model_id in listing.ids:
                print(f"  {model_id}")
        elif command == "history":
            for message in self.conversation.to_messages():
                print(f"{message['role']:>9}: {message.get('content')}")
        elif command == "reset":
            self.conversation = Conversation(system=self.conversation.system)
            print("The conversation is empty again.")
        else:
            raise _OneLine("%llm: say providers, models [provider], history or reset")

    def _providers(self) -> None:
        import os

        from ..providers import PRESETS

        for preset in PRESETS.values():
            names = [preset.key_env, *preset.key_env_aliases] if preset.key_env else []
            if not preset.requires_key:
                key = "no key needed"
            elif any(os.environ.get(n) for n in names if n):
                key = f"key set ({next(n for n in names if n and os.environ.get(n))})"
            else:
                key = f"no key: set {preset.key_env}"
            mark = "→" if preset.id == self.provider else " "
            print(f"{mark} {preset.id:<11} {preset.label:<34} {key}")

    # -- shared --------------------------------------------------------------------------

    def _client(self, provider: str) -> Any:
        if provider not in self._clients:
            from ..client import connect

            self._clients[provider] = connect(provider)
        return self._clients[provider]


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext llmwidgets`: registers `%%chat` and `%llm`."""
    state = ChatMagics()
    ipython.register_magic_function(state.chat, magic_kind="cell", magic_name="chat")
    ipython.register_magic_function(state.llm, magic_kind="line", magic_name="llm")


def unload_ipython_extension(ipython: Any) -> None:
    """`%unload_ext llmwidgets`: the magics go, and their conversation with them."""
    ipython.magics_manager.magics["cell"].pop("chat", None)
    ipython.magics_manager.magics["line"].pop("llm", None)


def _target(target: str, current: str) -> tuple[str, str | None]:
    """`groq:llama-3.1-8b-instant` -> both; `groq` -> its usual model; a bare model id
    (`qwen2.5:0.5b` on Ollama) -> on the current provider."""
    from ..providers import PRESETS, split_model_id

    if target.lower() in PRESETS:
        return target.lower(), None
    return split_model_id(target, default_provider=current)
