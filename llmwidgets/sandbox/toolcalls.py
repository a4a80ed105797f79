"""Reading tool calls out of a choice's text while the model writes it.

The grammar makes a call `{"name": "<tool>", "arguments": {...}}`, several of them one per
line when parallel calls are allowed. `CallReader` follows the text as it streams and says
what OpenAI would send: for each call, first its id, type and name with empty arguments,
then the arguments as they are written, fragment by fragment. A streamed answer and a
whole one are read by the same reader, so their `tool_calls` are the same, character for
character. With `tool_choice: auto` the model may write text instead: a first character
other than `{` makes the whole choice plain content.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CallReader", "Delta"]

_HEAD = re.compile(r'\s*\{\s*"name"\s*:\s*"((?:[^"\\]|\\.)*)"\s*,\s*"arguments"\s*:\s*')


@dataclass(frozen=True)
class Delta:
    """One thing to send: text, a call's start, or a fragment of a call's arguments."""

    kind: str  # "content" | "call" | "arguments"
    text: str = ""
    index: int = 0
    id: str = ""


@dataclass
class _Call:
    id: str
    name: str
    arguments: list[str] = field(default_factory=list)
    done: bool = False


@dataclass
class CallReader:
    mode: str  # "none" | "auto" | "forced"
    calls: list[_Call] = field(default_factory=list)
    content: list[str] = field(default_factory=list)
    _pending: str = ""  # text not yet decided
    _plain: bool | None = None  # decided: plain content (True) or calls (False)
    _depth: int = 0  # brace depth inside the current call's arguments
    _in_string: bool = False
    _escaped: bool = False

    def feed(self, text: str) -> list[Delta]:
        """What `text` adds, as deltas to send now."""
        if self.mode == "none" or self._plain:
            self.content.append(text)
            return [Delta("content", text)] if text else []
        self._pending += text
        if self._plain is None:
            start = self._pending.lstrip(" \t\n")  # what the grammar lets a call start with
            if not start:
                return []
            if self.mode == "auto" and not start.startswith("{"):
                self._plain = True
                held, self._pending = self._pending, ""
                self.content.append(held)
                return [Delta("content", held)]
            self._plain = False
        return self._advance()

    @property
    def tool_calls(self) -> list[dict[str, Any]]:
        """The calls as a message's `tool_calls`, a cut-off one with the arguments it got
        (as OpenAI returns a call cut by `length`): the same as what was streamed."""
        return [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": "".join(call.arguments)},
            }
            for call in self.calls
        ]

    @property
    def complete(self) -> bool:
        """Every call started was finished (nothing was cut off)."""
        return all(call.done for call in self.calls)

    @property
    def text(self) -> str:
        return "".join(self.content)

    def _advance(self) -> list[Delta]:
        out: list[Delta] = []
        while self._pending:
            current = self.calls[-1] if self.calls and not self.calls[-1].done else None
            if current is None:
                found = _HEAD.match(self._pending)
                if found is None:  # the head of the next call is not all here yet
                    if self.calls and self._pending.strip() in ("", "}"):
                        self._pending = ""  # the closing brace, the line break
                    elif self.calls and self._pending.lstrip().startswith("}"):
                        self._pending = self._pending.lstrip()[1:]
                        continue
                    break
                call = _Call("call_" + secrets.token_hex(12), found.group(1))
                self.calls.append(call)
                out.append(Delta("call", call.name, len(self.calls) - 1, call.id))
                self._pending = self._pending[found.end() :]
                self._depth, self._in_string, self._escaped = 0, False, False
                continue
            if not current.arguments:  # the arguments start at their opening brace
                self._pending = self._pending.lstrip()
                if not self._pending:
                    break
            end = self._arguments_end(self._pending)
            fragment = self._pending if end is None else self._pending[:end]
            if fragment:
                current.arguments.append(fragment)
                out.append(Delta("arguments", fragment, len(self.calls) - 1))
            if end is None:
                self._pending = ""
                break
            current.done = True
            self._pending = self._pending[end:]
        return out

    def _arguments_end(self, text: str) -> int | None:
        """Where the current call's arguments object ends in `text`, or None: not yet."""
        for i, ch in enumerate(text):
            if self._in_string:
                if self._escaped:
                    self._escaped = False
                elif ch == "\\":
                    self._escaped = True
                elif ch == '"':
                    self._in_string = False
            elif ch == '"':
                self._in_string = True
            elif ch in "{[":
                self._depth += 1
            elif ch in "}]":
                self._depth -= 1
                if self._depth == 0:
                    return i + 1
        return None
