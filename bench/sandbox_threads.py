"""How many llama.cpp threads should the sandbox use? Measures both choices in one run.

    python bench/sandbox_threads.py [runs]

Prints time to first token and decode tokens/s for 1 and 2 threads (the in-process engine,
no HTTP), and the ratio of 2 threads to 1. Figures, not a test: nothing here can fail.
"""

from __future__ import annotations

import statistics
import sys
import time

from llmwidgets.sandbox.engine import Engine, Finish, Piece, Sampling

PROMPT = [{"role": "user", "content": "Write a short poem about the sea and the sky at night."}]


def measure(threads: int, runs: int) -> tuple[float, float]:
    engine = Engine(n_threads=threads)
    prompt = engine.tokenize(engine.render(PROMPT))
    firsts, rates = [], []
    for seed in range(runs):
        started = time.perf_counter()
        first = None
        for item in engine.generate(prompt, Sampling(max_tokens=100, seed=seed, temperature=0.7)):
            if isinstance(item, Piece) and first is None:
                first = time.perf_counter() - started
            if isinstance(item, Finish):
                finish = item
        elapsed = time.perf_counter() - started
        firsts.append(first or elapsed)
        rates.append((finish.completion_tokens - 1) / max(elapsed - (first or 0), 1e-9))
    print(
        f"threads={threads}: prompt {len(prompt)} tokens, first token "
        f"{statistics.median(firsts) * 1000:.0f} ms, decode {statistics.median(rates):.1f} "
        f"tokens/s (median of {runs}; all: {[round(r) for r in rates]})"
    )
    return statistics.median(firsts), statistics.median(rates)


if __name__ == "__main__":
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    first_1, rate_1 = measure(1, runs)
    first_2, rate_2 = measure(2, runs)
    print(f"2 threads vs 1: decode {rate_2 / rate_1:.2f}x, first token {first_1 / first_2:.2f}x")
