"""One thread owns the engine; requests queue for it in arrival order (first come, first served).

The event loop never blocks on the model: a job runs on the worker thread and sends what it
produces back through an asyncio queue. Leaving the `async for` early (the client went away)
sets the job's cancel flag, which the token loop checks between tokens; a job cancelled
while still queued never starts.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar

__all__ = ["EngineWorker"]

T = TypeVar("T")
_DONE = object()


class _Job:
    def __init__(
        self, produce: Callable[[threading.Event], Iterator[Any]], loop: asyncio.AbstractEventLoop
    ) -> None:
        self.produce = produce
        self.loop = loop
        self.cancel = threading.Event()
        self.out: asyncio.Queue[Any] = asyncio.Queue()

    def send(self, item: Any) -> None:
        self.loop.call_soon_threadsafe(self.out.put_nowait, item)


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class EngineWorker:
    """Runs generator functions on one dedicated thread, streaming their items to asyncio."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="sandbox-engine", daemon=True)
        self._thread.start()

    async def stream(self, produce: Callable[[threading.Event], Iterator[T]]) -> AsyncIterator[T]:
        """Items of `produce(cancel)`, run on the worker. Closing early cancels the job."""
        job = _Job(produce, asyncio.get_running_loop())
        self._jobs.put(job)
        try:
            while True:
                item = await job.out.get()
                if item is _DONE:
                    return
                if isinstance(item, _Failure):
                    raise item.error
                yield item
        finally:
            job.cancel.set()

    async def run(self, produce: Callable[[threading.Event], Iterator[T]]) -> list[T]:
        """All items of `produce(cancel)` as a list, once the job has finished."""
        return [item async for item in self.stream(produce)]

    def close(self) -> None:
        self._jobs.put(None)

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            if job.cancel.is_set():
                continue
            items = job.produce(job.cancel)
            try:
                for item in items:
                    job.send(item)
            except BaseException as exc:  # handed to the request, which answers for it
                job.send(_Failure(exc))
            else:
                job.send(_DONE)
            finally:
                close = getattr(items, "close", None)
                if close is not None:
                    close()  # a generator left mid-way releases the engine now
