"""One bounded wait: a condition polled until it holds, or a failure naming what never came.

A test that waits for a stream to start (`while not ...: await asyncio.sleep(...)`) would
wait forever for a stream that never starts; this gives up after `timeout` seconds, so a
stuck stream fails in seconds with a sentence instead of using up CI's time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

__all__ = ["until"]

POLL_SECONDS = 0.01


async def until(condition: Callable[[], object], what: str, timeout: float = 10.0) -> None:
    """Return as soon as `condition()` is true; fail after `timeout` seconds saying `what`
    did not happen. The event loop runs between polls, so the awaited work goes on."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s: {what} never happened")
        await asyncio.sleep(POLL_SECONDS)
