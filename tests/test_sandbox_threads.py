"""The engine fits its llama.cpp threads to the cores others leave free, never changing a
token: bench/sandbox_threads.py measures two sandboxes at once (1.6 tokens/s each with a
fixed 2 threads, about 57 fitted, on 2 cores)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmwidgets.sandbox import threads
from llmwidgets.sandbox.engine import Sampling
from llmwidgets.sandbox.threads import ThreadBudget


@pytest.fixture
def loadavg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write what /proc/loadavg says: `loadavg(runnable)`."""
    fake = tmp_path / "loadavg"
    monkeypatch.setattr(threads, "LOADAVG", fake)
    monkeypatch.delenv("LLMWIDGETS_SANDBOX_THREADS", raising=False)

    def says(runnable: int) -> None:
        fake.write_text(f"0.50 0.40 0.30 {runnable}/300 12345\n")

    return says


def two_cores(budget: ThreadBudget) -> ThreadBudget:
    budget.cores, budget.ceiling = 2, 2
    return budget


def test_an_idle_machine_gets_every_thread(loadavg) -> None:
    loadavg(1)  # only the reader
    assert two_cores(ThreadBudget()).now(ours=2) == 2


def test_another_model_busy_on_both_cores_leaves_one_thread(loadavg) -> None:
    loadavg(4)  # our 2 threads and another model's 2
    assert two_cores(ThreadBudget()).now(ours=2) == 1
    loadavg(3)  # our 1 thread and its 2
    assert two_cores(ThreadBudget()).now(ours=1) == 1


def test_when_the_other_stops_the_threads_come_back(loadavg) -> None:
    loadavg(1)
    assert two_cores(ThreadBudget()).now(ours=1) == 2


def test_a_fixed_count_is_kept(loadavg, monkeypatch: pytest.MonkeyPatch) -> None:
    loadavg(9)
    assert ThreadBudget(fixed=2).now(ours=2) == 2
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
