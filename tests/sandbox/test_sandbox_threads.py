"""The engine fits its llama.cpp threads to the cores others leave free, never changing a
token: bench/sandbox_threads.py measures two sandboxes at once (14 tokens/s each with a
fixed 2 threads, about 61 fitted, on 2 cores)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from llmwidgets.sandbox import threads
from llmwidgets.sandbox.engine import Sampling
from llmwidgets.sandbox.threads import ThreadBudget


class Machine:
    """Two cores whose CPU time we script: `run(seconds, ours=, others=)` advances the clock
    and charges each side that many busy cores, as /proc/stat and process_time would; then
    /proc/loadavg counts our threads and the others' still running (`still`, by default
    as many as were busy, rounded up). `ask(budget)` is the engine asking, and obeying."""

    def __init__(self, folder: Path) -> None:
        self.stat, self.loadavg = folder / "stat", folder / "loadavg"
        self.wall, self.ours, self.everyone = 0.0, 0.0, 0.0
        self.threads = 2
        self._write(runnable=1)

    def run(self, seconds: float, *, ours: float, others: float, still: int | None = None) -> None:
        self.wall += seconds
        self.ours += ours * seconds
        self.everyone += (ours + others) * seconds
        self._write(runnable=self.threads + (math.ceil(others) if still is None else still))

    def _write(self, runnable: int) -> None:
        self.loadavg.write_text(f"0.50 0.40 0.30 {runnable}/300 12345\n")
        self._stat()

    def _stat(self) -> None:
        ticks = round(self.everyone * os.sysconf("SC_CLK_TCK"))
        half, rest = divmod(ticks, 2)
        self.stat.write_text(
            f"cpu  {ticks} 0 0 999 0 0 0 0 0 0\n"
            f"cpu0 {half + rest} 0 0 500 7 0 0 0 0 0\n"
            f"cpu1 {half} 0 0 499 3 0 0 0 0 0\n"
            "intr 12345\n"
        )

    def ask(self, budget: ThreadBudget) -> int:
        self.threads = budget.now(ours=self.threads)
        return self.threads

    def budget(self, fixed: int | None = None) -> ThreadBudget:
        budget = ThreadBudget(fixed, clock=lambda: self.wall, own_cpu=lambda: self.ours)
        budget.cpus, budget.cores, budget.ceiling = {0, 1}, 2, 2
        return budget


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Machine:
    monkeypatch.setattr(threads, "PROC_STAT", tmp_path / "stat")
    monkeypatch.setattr(threads, "LOADAVG", tmp_path / "loadavg")
    monkeypatch.delenv("LLMWIDGETS_SANDBOX_THREADS", raising=False)
    return Machine(tmp_path)


def test_an_idle_machine_gets_every_thread(machine: Machine) -> None:
    budget = machine.budget()
    assert machine.ask(budget) == 2
    machine.run(1.0, ours=2.0, others=0.0)
    assert machine.ask(budget) == 2


def test_a_reader_waking_for_each_chunk_is_not_a_rival(machine: Machine) -> None:
    """The notebook (or bench) reading our stream uses a sliver of a core: keep both."""
    budget = machine.budget()
    machine.ask(budget)
    machine.run(0.3, ours=2.0, others=0.2)
    assert machine.ask(budget) == 2


def test_another_model_busy_on_a_core_leaves_us_the_other(machine: Machine) -> None:
    budget = machine.budget()
    machine.ask(budget)
    machine.run(0.5, ours=1.0, others=1.0)
    assert machine.ask(budget) == 1
    machine.run(0.5, ours=1.0, others=1.0)  # it keeps going: so do we, on one
    assert machine.ask(budget) == 1


def test_a_rival_that_just_stopped_is_not_counted(machine: Machine) -> None:
    """Busy until a moment ago (a benchmark's other contender) but idle now: take both."""
    budget = machine.budget()
    machine.ask(budget)
    machine.run(0.5, ours=0.0, others=2.0, still=0)
    assert machine.ask(budget) == 2


def test_when_the_other_stops_the_threads_come_back(machine: Machine) -> None:
    budget = machine.budget()
    machine.ask(budget)
    machine.run(0.5, ours=1.0, others=1.0)
    assert machine.ask(budget) == 1
    machine.run(0.5, ours=1.0, others=0.0)
    assert machine.ask(budget) == 2


def test_too_short_a_window_keeps_the_last_answer(machine: Machine) -> None:
    budget = machine.budget()
    machine.ask(budget)
    machine.run(0.5, ours=1.0, others=1.0)
    assert machine.ask(budget) == 1
    machine.run(0.01, ours=0.0, others=0.0)  # one clock tick: noise, not news
    assert machine.ask(budget) == 1


def test_cores_outside_our_affinity_do_not_count(machine: Machine) -> None:
    """In a container pinned to some of the host's cores, others' work elsewhere is not
    ours to avoid."""
    budget = machine.budget()
    budget.cpus = {0}
    machine.ask(budget)
    machine.run(1.0, ours=0.0, others=2.0)  # split evenly: one core's worth on cpu0
    assert machine.ask(budget) == 1
    budget.cpus = {7}
    assert machine.ask(budget) == budget.ceiling  # none of ours listed: unknown, not starved


def test_a_fixed_count_is_kept(machine: Machine, monkeypatch: pytest.MonkeyPatch) -> None:
    budget = machine.budget(fixed=2)
    machine.ask(budget)
    machine.run(1.0, ours=0.0, others=2.0)
    assert machine.ask(budget) == 2
    monkeypatch.setenv("LLMWIDGETS_SANDBOX_THREADS", "1")
    assert ThreadBudget().now(ours=2) == 1


def test_one_thread_or_two_write_the_same_tokens(engine) -> None:
    """Why fitting threads is safe: llama.cpp's numbers do not depend on the count."""
    from llama_cpp import llama_cpp as C

    prompt = engine.tokenize(engine.render([{"role": "user", "content": "Tell me a story."}]))
    outputs = []
    for count in (1, 2, 1):
        engine._thread_budget.fixed = count
        C.llama_set_n_threads(engine.chat._ctx.ctx, count, count)
        engine.threads = count
        engine._prompt_cache.clear()
        sampling = Sampling(max_tokens=40, seed=11, temperature=1.0, logprobs=True)
        *pieces, finish = engine.generate(prompt, sampling)
        outputs.append(([(p.text, p.logprobs) for p in pieces], finish.completion_tokens))
    engine._thread_budget.fixed = None
    assert outputs[0] == outputs[1] == outputs[2]
