"""Work that streams runs as a task on the kernel's event loop, or to its end in a script.

In a kernel (ipykernel runs an asyncio loop for the session) a cell that starts a stream
returns at once: the stream goes on as a task, a Stop button can cancel it, and the next
cell may `await` it. A script has no loop running: the same work runs to its end with
`asyncio.run`, and whatever it opened on that loop must close with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["start_task"]

T = TypeVar("T")


def start_task(work: Callable[[bool], Coroutine[Any, Any, T]]) -> asyncio.Task[T] | None:
    """`work(in_kernel)` as a task on the running loop, returned; with no loop running, run
    to its end here (None). `in_kernel` says whether the loop outlives this work, so that
    what it opens (an async client) may be kept for the next call."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(work(False))
        return None
    return loop.create_task(work(True))
