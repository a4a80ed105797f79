"""How many llama.cpp threads should the sandbox use? Measures the choices in one run.

    python bench/sandbox_threads.py [runs]

1. Alone: time to first token and decode tokens/s for 1 and 2 threads (the in-process
   engine, no HTTP), and the ratio of 2 threads to 1.
2. Two sandboxes answering at the same time (two notebook servers on one machine, or a
   benchmark beside a sandbox): fixed 2 threads each, fixed 1 each, and the default, which
   fits its threads to the cores others leave free (llmwidgets/sandbox/threads.py).

Figures, not a test: nothing here can fail.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time

import openai

from llmwidgets.sandbox import start
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


def stream_rate(url: str, seed: int, rates: list[float]) -> None:
    client = openai.OpenAI(base_url=url, api_key="bench", timeout=600)
    stream = client.chat.completions.create(
        model="smollm2-135m-instruct",
        messages=PROMPT,
        max_tokens=150,
        seed=seed,
        temperature=0.7,
        logit_bias={"2": -100},  # no end token: every stream writes all 150 tokens
        stream=True,
    )
    first = None
    count = 0
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            first = first or time.perf_counter()
            count += 1
    rates.append((count - 1) / (time.perf_counter() - first))


def side_by_side(threads: int | None, runs: int) -> float:
    """Two sandbox processes, each streaming at the same time: tokens/s of each stream."""
    with start(threads=threads) as one, start(threads=threads) as two:
        rates: list[float] = []
        for seed in range(runs):
            pair = [
                threading.Thread(target=stream_rate, args=(box.url, seed, rates))
                for box in (one, two)
            ]
            for t in pair:
                t.start()
            for t in pair:
                t.join()
    label = f"fixed {threads}" if threads else "fitted (default)"
    print(f"two at once, {label:16}: {statistics.median(rates):5.1f} tokens/s per stream")
    return statistics.median(rates)


if __name__ == "__main__":
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    first_1, rate_1 = measure(1, runs)
    first_2, rate_2 = measure(2, runs)
    print(f"2 threads vs 1: decode {rate_2 / rate_1:.2f}x, first token {first_1 / first_2:.2f}x")
    fixed_2 = side_by_side(2, 3)
    fixed_1 = side_by_side(1, 3)
    fitted = side_by_side(None, 3)
    print(f"two at once, fitted vs fixed 2: {fitted / fixed_2:.1f}x", end="; ")
    print(f"vs fixed 1: {fitted / fixed_1:.2f}x")
