"""How many threads llama.cpp may use right now: the cores nobody else is using.

Two llama.cpp processes on two cores, each with two threads, fall to a few tokens a second:
their spinning threads fight for the cores. So the engine asks before each prompt and
every few tokens who else is busy, and takes the cores they leave free. A rival is a
process that both kept a core busy since the last ask (the machine's CPU time on our cores
in /proc/stat, minus this process's own) *and* is runnable now (/proc/loadavg). The
notebook reading our stream wakes a moment per chunk: runnable at times, never busy for
long, so not a rival. A benchmark that just finished its own run was busy but is idle now:
not a rival either. Either test alone halved the speed of a sandbox that was, in fact,
alone (measured with bench/sandbox_vs_llama_server.py).

Changing the count between two steps never changes a token: llama.cpp computes the same
numbers with one thread or two (checked in tests/sandbox/test_sandbox_threads.py), so seeds stay
reproducible. `--threads N` (or LLMWIDGETS_SANDBOX_THREADS) fixes the count instead.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from .. import environment

__all__ = ["ThreadBudget"]

# Measured on 2 idle cores with bench/sandbox_threads.py: 2 threads decode about 1.4x
# faster than 1 and halve the time to first token. Beyond 2 is not measured: not taken.
MAX_THREADS = 2
PROC_STAT = Path("/proc/stat")
LOADAVG = Path("/proc/loadavg")
# Shorter windows are mostly clock-tick noise (/proc/stat counts in 10 ms ticks).
MIN_WINDOW_S = 0.1
# Of /proc/stat's cpu fields: user, nice, system, (idle, iowait,) irq, softirq.
_BUSY_FIELDS = (0, 1, 2, 5, 6)


class ThreadBudget:
    def __init__(
        self,
        fixed: int | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        own_cpu: Callable[[], float] = time.process_time,
    ) -> None:
        env = os.environ.get(environment.SANDBOX_THREADS)
        self.fixed = fixed or (max(1, int(env)) if env else None)
        if hasattr(os, "sched_getaffinity"):  # Linux: the cores this process may run on
            self.cpus: set[int] | None = set(os.sched_getaffinity(0))
            self.cores = len(self.cpus)
        else:
            self.cpus, self.cores = None, os.cpu_count() or 1
        self.ceiling = max(1, min(MAX_THREADS, self.cores))
        self._clock, self._own_cpu = clock, own_cpu
        self._threads = self.initial
        self._last: tuple[float, float, float] | None = None  # wall, busy, own (seconds)

    @property
    def initial(self) -> int:
        return self.fixed or self.ceiling

    def now(self, ours: int) -> int:
        """Threads to use for the next step, given that `ours` of ours may be running: the
        cores others kept busy since the last ask, and still do, are theirs (a core counts
        once it is busy half the time)."""
        if self.fixed:
            return self.fixed
        busy, runnable = self._busy_seconds(), _runnable()
        if busy is None or runnable is None:
            return self.ceiling
        sample = (self._clock(), busy, self._own_cpu())
        if self._last is not None and sample[0] - self._last[0] < MIN_WINDOW_S:
            return self._threads
        if self._last is not None:
            wall, machine, own = (now - then for now, then in zip(sample, self._last, strict=True))
            others = min(max(0.0, machine - own) / wall, max(0, runnable - ours))
            self._threads = max(1, min(self.ceiling, self.cores - int(others + 0.5)))
        self._last = sample
        return self._threads

    def _busy_seconds(self) -> float | None:
        """CPU seconds spent so far on our cores by everyone, or None where unknown."""
        try:
            lines = PROC_STAT.read_text().splitlines()
        except OSError:
            return None
        ticks = 0
        seen = 0
        for line in lines:
            name, _, rest = line.partition(" ")
            if not name.startswith("cpu") or name == "cpu":
                continue
            if self.cpus is not None and int(name[3:]) not in self.cpus:
                continue
            fields = rest.split()
            ticks += sum(int(fields[i]) for i in _BUSY_FIELDS)
            seen += 1
        if not seen:
            return None
        return ticks / os.sysconf("SC_CLK_TCK")


def _runnable(samples: int = 3, gap_s: float = 0.0005) -> int | None:
    """Threads runnable on the machine (the reader included), or None where unknown. The
    least of a few readings: a thread that wakes briefly is not counted, a busy one is."""
    counts = []
    for i in range(samples):
        if i:
            time.sleep(gap_s)
        try:
            counts.append(int(LOADAVG.read_text().split()[3].partition("/")[0]))
        except (OSError, IndexError, ValueError):
            return None
    return min(counts)
