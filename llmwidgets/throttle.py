"""Drawing at a bounded rate: a stream may change a thousand times a second, a page cannot.

    redraw = Throttle(draw, per_second=30)
    redraw.soon()    # on every change: draws now, or once later on the running loop
    redraw.now()     # at the end: draws now, and drops the later one

A change that comes too soon after a drawing is drawn once, when the interval is over, so
the last state is always drawn. With no running loop (a script) there is no later: such
a change waits for the next `soon()` that is due, or for `now()`.

    checks = Pacer(per_second=10)
    checks.run(check)  # on a redraw: checks if due; whether it did

A live check re-reads the whole answer so far, so it costs more as the answer grows: a
`Pacer` spaces the runs so that checking never takes more than a tenth of the time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

__all__ = ["LIVE_CHECKS_PER_SECOND", "Pacer", "Throttle"]

LIVE_CHECKS_PER_SECOND = 10.0  # a structured answer or a tool call, judged as it streams


class Throttle:
    """Calls `callback` at most `per_second` times a second (see the module's docstring)."""

    def __init__(self, callback: Callable[[], object], per_second: float) -> None:
        self.callback = callback
        self.interval = 1.0 / per_second
        self._last = float("-inf")
        self._pending: asyncio.TimerHandle | None = None

    def soon(self) -> None:
        """Call back now if the last call is old enough, else once when it will be."""
        wait = self._last + self.interval - time.perf_counter()
        if wait <= 0:
            self.now()
        elif self._pending is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # no loop to wait on: the next due soon() or now() draws it
            self._pending = loop.call_later(wait, self.now)

    def now(self) -> None:
        """Call back now; a call waiting for later is no longer needed."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        self._last = time.perf_counter()
        self.callback()


class Pacer:
    """Runs work at most `per_second` times a second, and spaced so that it takes no more
    than `share` of the time (see the module's docstring)."""

    def __init__(self, per_second: float, share: float = 0.1) -> None:
        self.interval = 1.0 / per_second
        self.share = share
        self._last = float("-inf")
        self._cost = 0.0  # seconds the last run took

    def run(self, work: Callable[[], object]) -> bool:
        """Do `work` now if it is due; whether it ran."""
        started = time.perf_counter()
        if started - self._last < max(self.interval, self._cost / self.share):
            return False
        work()
        self._last = time.perf_counter()
        self._cost = self._last - started
        return True
