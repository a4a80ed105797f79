"""What every check shares: the ✓/✗ line, strict mode, and the watched clients' records."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn, ParamSpec, TypeVar

from ..errors import LLMWidgetsError
from ..recording import Exchange, Recording, record

__all__ = [
    "NotSolved",
    "chat_exchange",
    "check",
    "fail",
    "new_exchanges",
    "strict",
    "try_it",
    "watch",
]

_strict = False
_watched: list[tuple[Recording, list[int]]] = []  # each recording, and how much checks read
P = ParamSpec("P")
ClientT = TypeVar("ClientT")


class NotSolved(LLMWidgetsError):
    """The exercise still holds its placeholder."""


def strict(on: bool = True) -> None:
    """Raise on a failed check instead of printing it (for reference solutions)."""
    global _strict
    _strict = on


def watch(client: ClientT) -> ClientT:
    """A copy of `client` whose requests the checks can see. It sends exactly what
    `client` would; it only keeps a record (never the key)."""
    watched, recording = record(client)
    _watched.append((recording, [0]))
    return watched


def new_exchanges() -> list[Exchange]:
    """What the watched clients sent since the last check asked, oldest first."""
    fresh: list[Exchange] = []
    for recording, read in _watched:
        fresh += recording.exchanges[read[0] :]
        read[0] = len(recording.exchanges)
    return sorted(fresh, key=lambda e: e.sent)


def check(title: str) -> Callable[[Callable[P, Any]], Callable[P, None]]:
    """A check raises AssertionError with the reason; the decorated one prints ✓ or ✗."""

    def decorate(check: Callable[P, Any]) -> Callable[P, None]:
        @functools.wraps(check)
        def run(*args: P.args, **kwargs: P.kwargs) -> None:
            try:
                if any(a is Ellipsis or a is None for a in args):
                    raise NotSolved("the answer is still `...`")
                check(*args, **kwargs)
            except NotSolved as reason:
                if _strict:
                    raise
                print(f"✗ {title}: not solved yet ({reason})")
                return
            except AssertionError as reason:
                if _strict:
                    raise
                print(f"✗ {title}: {reason}")
                return
            except Exception as error:  # the student's code failed: say how, in one line
                if _strict:
                    raise
                from ..errors import describe_error

                print(f"✗ {title}: not solved yet ({describe_error(error)})")
                return
            print(f"✓ {title}")

        return run

    return decorate


@contextlib.contextmanager
def try_it() -> Iterator[None]:
    """For a cell that uses the solution after its checks: until the solution works, say
    so in one line instead of a traceback, so a student copy still runs top to bottom."""
    try:
        yield
    except Exception as error:
        if _strict:
            raise
        from ..errors import describe_error

        print(f"\n(this runs once the parts above are solved: {describe_error(error)})")


def fail(message: str) -> NoReturn:
    raise AssertionError(message)


def chat_exchange(reply_id: str | None, sent: Sequence[Exchange]) -> Exchange:
    """The watched request that produced the completion `reply_id`."""
    if not _watched:
        fail("run the setup cell first: it calls checks.watch(client)")
    for exchange in reversed(sent):
        if isinstance(exchange.reply, dict) and exchange.reply.get("id") == reply_id:
            return exchange
    fail("this reply did not come from a request `client` sent since the last check")
