"""How many threads llama.cpp may use right now: the cores nobody else is using.

Two llama.cpp processes on two cores, each with two threads, fall to a few tokens a second:
their spinning threads fight for the cores. So the engine asks before each prompt and
every few tokens how busy the machine is (Linux's count of runnable threads, in
/proc/loadavg), takes the cores left over by others, and changes its thread count between
two steps. That never changes a token: llama.cpp computes the same numbers with one thread
or two (checked in tests/test_sandbox_threads.py), so seeds stay reproducible.

`--threads N` (or LLMWIDGETS_SANDBOX_THREADS) fixes the count instead.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from .. import environment

__all__ = ["ThreadBudget"]

# Measured on 2 idle cores with bench/sandbox_threads.py: 2 threads decode about 1.4x
# faster than 1 and halve the time to first token. Beyond 2 is not measured: not taken.
MAX_THREADS = 2
LOADAVG = Path("/proc/loadavg")


class ThreadBudget:
    def __init__(self, fixed: int | None = None) -> None:
        env = os.environ.get(environment.SANDBOX_THREADS)
        self.fixed = fixed or (max(1, int(env)) if env else None)
        if hasattr(os, "sched_getaffinity"):  # Linux: the cores this process may run on
            self.cores = len(os.sched_getaffinity(0))
        else:
            self.cores = os.cpu_count() or 1
        self.ceiling = max(1, min(MAX_THREADS, self.cores))

    @property
    def initial(self) -> int:
        return self.fixed or self.ceiling

    def now(self, ours: int) -> int:
        """Threads to use for the next step, given that `ours` of ours may be running."""
        if self.fixed:
            return self.fixed
        runnable = _runnable()
        if runnable is None:
            return self.ceiling
        others = max(0, runnable - ours)
        return max(1, min(self.ceiling, self.cores - others))


def _runnable(samples: int = 3, gap_s: float = 0.0005) -> int | None:
    """Threads runnable on the machine (the reader included), or None where unknown. The
    least of a few readings: a client that wakes briefly to read a chunk is not a rival,
    another model's threads, busy all the time, are."""
    counts = []
    for i in range(samples):
        if i:
            time.sleep(gap_s)
        try:
            counts.append(int(LOADAVG.read_text().split()[3].partition("/")[0]))
        except (OSError, IndexError, ValueError):
            return None
    return min(counts)
