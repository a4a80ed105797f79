"""A conversation as data: the history you resend, trimmed to fit the model's window.

    talk = Conversation(system="You are brief.", context_window=8192, max_reply_tokens=256)
    reply = client.chat.completions.create(model=m, messages=talk.prompt("Hi"), max_tokens=256)
    talk.add("Hi", reply.choices[0].message)      # only once the answer came back
    talk.to_messages()                            # the `messages` list, to save or share

The server remembers nothing, so a chat is a list you keep and send again each time, and
the list outgrows the window. These are the rules notebook 16 teaches, in one class that
the `Chat` widget and your own code share:

- the prompt budget is the window, less a margin for the estimate's error (tiktoken counts
  OpenAI's tokens; other models cut text differently), less the room the reply may take;
- old turns leave whole and oldest first: a turn is a user message and everything after it
  up to the next one, so a tool result never goes out without the call it answers;
- the newest question is always sent, or refused before sending when it alone overflows;
- building a prompt never changes the history, and a turn joins it only once answered.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .errors import LLMWidgetsError
from .tokens import count_message_tokens

if TYPE_CHECKING:
    import openai

__all__ = ["ContextOverflow", "Conversation", "Fit"]

Message = dict[str, Any]


class ContextOverflow(LLMWidgetsError, ValueError):
    """The newest message alone does not fit in the prompt budget."""


@dataclass(frozen=True)
class Fit:
    messages: list[Message]  # what to send
    left_out: int  # history messages with no room
    tokens: int  # the prompt's tokens, as tiktoken estimates them


@dataclass
class Conversation:
    system: str = "You are a helpful assistant."
    messages: list[Message] = field(default_factory=list)  # the history, system left out
    context_window: int = 8192  # the model's window (its model card says): prompt + reply
    max_reply_tokens: int = 256
    margin: float = 0.1  # tiktoken estimates other models' tokens: keep 10% spare
    tokenizer_model: str = "gpt-4o"  # whose tiktoken encoding counts the tokens

    # -- what to send ----------------------------------------------------------------

    def __post_init__(self) -> None:
        if self.prompt_budget <= 0:
            raise ValueError(
                f"a {self.context_window}-token window leaves no room for a prompt after "
                f"{self.max_reply_tokens} reply tokens and a {self.margin:.0%} margin"
            )

    @property
    def prompt_budget(self) -> int:
        """The window, less the margin and the room the reply may take."""
        return int(self.context_window * (1 - self.margin)) - self.max_reply_tokens

    def prompt(self, new: str | Message | None = None) -> list[Message]:
        """The system message, the newest whole turns that fit, then `new`. The history is
        left as it is; `ContextOverflow` when `new` alone is over the budget."""
        return self.fit(new).messages

    def left_out(self, new: str | Message | None = None) -> int:
        """How many history messages the prompt for `new` has no room for."""
        return self.fit(new).left_out

    def count_tokens(self, new: str | Message | None = None) -> int:
        """The prompt's tokens as tiktoken estimates them (the provider's own count comes
        back as `usage.prompt_tokens`, after the request)."""
        return self.fit(new).tokens

    def fit(self, new: str | Message | None = None) -> Fit:
        """The prompt for `new`, what it leaves out and its estimated tokens, in one pass."""
        system = [{"role": "system", "content": self.system}] if self.system else []
        tail = [_as_message(new)] if new is not None else []
        if not tail and not self.messages:
            return Fit(copy.deepcopy(system), 0, self._count(system))
        # With a new message the whole history may go; without one, its last turn is the
        # newest question, and stays.
        starts = self.turn_starts() + ([len(self.messages)] if tail else [])
        for start in starts:
            candidate = [*system, *self.messages[start:], *tail]
            tokens = self._count(candidate)
            if tokens <= self.prompt_budget:
                return Fit(copy.deepcopy(candidate), start, tokens)
        raise ContextOverflow(
            f"the newest message alone needs more than the {self.prompt_budget} prompt "
            f"tokens left of a {self.context_window}-token window"
        )

    def _count(self, messages: list[Message]) -> int:
        """`count_message_tokens`, one message at a time and remembered: a long chat is
        counted at every turn, and only its new messages cost anything."""
        return 3 + sum(_message_tokens(_key(m), self.tokenizer_model) for m in messages)

    def turn_starts(self) -> list[int]:
        """Where each whole turn starts: the index of every user message (and 0)."""
        starts = [i for i, m in enumerate(self.messages) if m.get("role") == "user"]
        return starts if starts[:1] == [0] else [0, *starts]

    # -- changing the history ------------------------------------------------------------

    def add(self, question: str | Message, *replies: Any) -> None:
        """A finished turn: the question, then what came back (assistant messages, as
        dicts or the SDK's objects, and any tool results)."""
        self.messages += [_as_message(question), *(_as_message(r) for r in replies)]

    def edit(self, index: int, content: str) -> None:
        """Change what message `index` says (a typo in a question, a better answer)."""
        self.messages[index] = {**self.messages[index], "content": content}

    def delete_turn(self, index: int) -> tuple[int, int]:
        """Remove the whole turn holding message `index`: its question and everything that
        answered it, so no answer is left without its question. Returns the slice removed."""
        start, end = self.turn_bounds(index)
        del self.messages[start:end]
        return start, end

    def truncate(self, index: int) -> list[Message]:
        """Keep the messages before `index`; return the ones removed (to ask again)."""
        removed, self.messages = self.messages[index:], self.messages[:index]
        return removed

    def fork(self, index: int | None = None) -> Conversation:
        """A copy holding the messages before `index` (all of them by default): try another
        path without losing this one."""
        kept = self.messages if index is None else self.messages[:index]
        return replace(self, messages=copy.deepcopy(kept))

    def turn_bounds(self, index: int) -> tuple[int, int]:
        """The slice of `messages` holding the whole turn of message `index`."""
        if not -len(self.messages) <= index < len(self.messages):
            raise IndexError(f"no message {index}: the history has {len(self.messages)}")
        index %= len(self.messages)
        starts = self.turn_starts()
        start = max(s for s in starts if s <= index)
        end = min((s for s in starts if s > index), default=len(self.messages))
        return start, end

    # -- as the API's `messages` -----------------------------------------------------

    def to_messages(self) -> list[Message]:
        """The whole conversation as a chat request's `messages`: system first."""
        system = [{"role": "system", "content": self.system}] if self.system else []
        return copy.deepcopy([*system, *self.messages])

    @classmethod
    def from_messages(cls, messages: Iterable[Mapping[str, Any]], **settings: Any) -> Conversation:
        """A conversation from a `messages` list: a leading system (or developer) message
        becomes `system`."""
        items = []
        for message in messages:
            if not isinstance(message, Mapping) and not hasattr(message, "model_dump"):
                raise ValueError(f"a message is a dict with a role, not {message!r:.60}")
            item = _as_message(message)
            if not isinstance(item.get("role"), str):
                raise ValueError(f"every message needs a role: {item!r:.80}")
            content = item.get("content")
            if content is not None and not isinstance(content, str | list):
                raise ValueError(f"a message's content is text or a list of parts: {item!r:.80}")
            items.append(item)
        if items and items[0]["role"] in ("system", "developer"):
            first = items.pop(0).get("content") or ""
            settings.setdefault("system", first if isinstance(first, str) else _parts(first))
        else:
            settings.setdefault("system", "")
        return cls(messages=items, **settings)

    # -- without widgets -------------------------------------------------------------

    def send(self, client: openai.OpenAI, text: str, *, model: str, **params: Any) -> str:
        """Ask `text` and return the answer; the turn joins the history only if it came."""
        question = _as_message(text)
        completion = client.chat.completions.create(
            model=model,
            messages=self.prompt(question),  # type: ignore[arg-type]
            max_tokens=self.max_reply_tokens,
            **params,
        )
        answer = completion.choices[0].message
        self.add(question, answer)
        return answer.content or ""


def _parts(content: list[Any]) -> str:
    return " ".join(p.get("text", "") for p in content if isinstance(p, dict))


def _key(message: Message) -> str:
    return json.dumps(message, sort_keys=True, default=str)


@functools.lru_cache(maxsize=8192)
def _message_tokens(key: str, model: str) -> int:
    # count_message_tokens of one message is 3 (priming the reply) + the message's own
    return count_message_tokens([json.loads(key)], model) - 3


_SENT_FIELDS = ("role", "content", "name", "tool_calls", "tool_call_id")


def _as_message(value: Any) -> Message:
    """A message as a plain dict: text becomes a user message. An SDK object keeps only
    what a request may carry back (a reply's `refusal` or `annotations` may not)."""
    if isinstance(value, str):
        return {"role": "user", "content": value}
    if hasattr(value, "model_dump"):
        dumped = value.model_dump(exclude_none=True)
        return {k: dumped[k] for k in _SENT_FIELDS if k in dumped}
    return dict(value)
