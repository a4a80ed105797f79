"""One vocabulary for what a run or a widget is doing, as ipywidgets keeps its button
styles in one enumeration: every widget's `status` trait takes only these words, and the
pages (data-status in CSS) and the saved views read the same ones."""

from __future__ import annotations

import enum

__all__ = ["ENDED", "Status"]


class Status(str, enum.Enum):
    IDLE = "idle"  # nothing asked yet
    WAITING = "waiting"  # sent; no token yet
    STREAMING = "streaming"  # tokens arriving
    RUNNING = "running"  # several runs under way (compare's lanes, a tool loop's rounds)
    DONE = "done"
    STOPPED = "stopped"  # by Stop, Escape or the kernel's interrupt: what came is kept
    ERROR = "error"  # one readable line says why
    GAVE_UP = "gave-up"  # a tool loop out of rounds

    def __str__(self) -> str:
        return self.value

    # Equal to its word, so hashed as it is: "done" in ENDED, as Status.DONE in ENDED.
    __hash__ = str.__hash__


ENDED = frozenset({Status.DONE, Status.STOPPED, Status.ERROR, Status.GAVE_UP})
