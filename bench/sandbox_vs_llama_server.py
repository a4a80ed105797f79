"""The sandbox against llama-cpp-python's own server and against llama.cpp in-process.

    pip install -e ".[bench]"        # llama-cpp-python's server extra, for the baseline
    python bench/sandbox_vs_llama_server.py [runs]

Same model file, same threads, same context size, measured in one run. Each run streams one
completion of a ~30-token question, new each run, through the official openai SDK (the in-process
baseline calls `Llama.create_chat_completion` directly, with no HTTP at all) and records
time to first token and decode tokens/s. Prints medians and the sandbox's ratios to each
baseline (higher is better for tokens/s, lower for time to first token).

Greedy decoding (temperature 0) on both servers, so they generate the same kind of text;
`max_tokens` is fixed and `ignore_eos` is unavailable through the API, so the rate counts
the chunks actually received. Figures, not a test: nothing here can fail.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import openai

from llmwidgets.sandbox import start
from llmwidgets.sandbox.engine import CHAT_MODEL_ID, default_model_path
from llmwidgets.sandbox.threads import ThreadBudget

QUESTION = "List five animals that live in the ocean, one per line, with a fact about each."


def prompt(run: int) -> list[dict[str, str]]:
    """A new user message every run, so no server can answer from a cached prompt; the
    system prompt that SmolLM2's template adds stays the same, as in a real conversation."""
    return [{"role": "user", "content": f"Question {run}. {QUESTION}"}]


MAX_TOKENS = 120
CONTEXT = 4096


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


Contender = Callable[[int], Iterator[str]]


def measure(chunks: Contender, run: int) -> tuple[float, float]:
    """(seconds to the first text, text chunks per second after it) for one stream."""
    started = time.perf_counter()
    first = None
    count = 0
    for text in chunks(run):
        if not text:
            continue
        count += 1
        if first is None:
            first = time.perf_counter()
    ended = time.perf_counter()
    assert first is not None, "no text came back"
    return first - started, (count - 1) / (ended - first)


def over_http(client: openai.OpenAI, model: str) -> Contender:
    def chunks(run: int) -> Iterator[str]:
        stream = client.chat.completions.create(
            model=model, messages=prompt(run), max_tokens=MAX_TOKENS, temperature=0, stream=True
        )
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                yield chunk.choices[0].delta.content

    return chunks


def in_process() -> Contender:
    from llama_cpp import Llama

    threads = ThreadBudget().initial
    llm = Llama(
        str(default_model_path()),
        n_ctx=CONTEXT,
        n_threads=threads,
        n_threads_batch=threads,
        verbose=False,
    )

    def chunks(run: int) -> Iterator[str]:
        for chunk in llm.create_chat_completion(
            prompt(run), max_tokens=MAX_TOKENS, temperature=0, stream=True
        ):
            text = chunk["choices"][0]["delta"].get("content")
            if text:
                yield text

    return chunks


def llama_server() -> tuple[subprocess.Popen, str]:
    port = free_port()
    threads = str(ThreadBudget().initial)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(default_model_path()),
            "--model_alias",
            CHAT_MODEL_ID,
            "--n_ctx",
            str(CONTEXT),
            "--n_threads",
            threads,
            "--n_threads_batch",
            threads,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--verbose",
            "False",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0)
    deadline = time.monotonic() + 120
    while True:
        try:
            client.models.list()
            return process, url
        except openai.APIConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.5)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    server, server_url = llama_server()
    try:
        with start() as sandbox:
            contenders = {
                "sandbox (HTTP)": over_http(
                    openai.OpenAI(base_url=sandbox.url, api_key="unused"), CHAT_MODEL_ID
                ),
                "llama_cpp.server (HTTP)": over_http(
                    openai.OpenAI(base_url=server_url, api_key="unused"), CHAT_MODEL_ID
                ),
                "llama_cpp in-process": in_process(),
            }
            results: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
            for chunks in contenders.values():
                measure(chunks, 0)  # warm-up: page the model in, fill caches
            for run in range(1, runs + 1):  # interleaved, so drift hits everyone alike
                for name, chunks in contenders.items():
                    results[name].append(measure(chunks, run))
    finally:
        server.terminate()
        server.wait(10)

    print(f"{runs} runs each, {MAX_TOKENS} max tokens, {ThreadBudget().initial} threads, median")
    print(f"{'':26} {'first token':>12} {'tokens/s':>9}")
    medians = {}
    for name, rows in results.items():
        first = statistics.median(r[0] for r in rows)
        rate = statistics.median(r[1] for r in rows)
        medians[name] = (first, rate)
        print(f"{name:26} {first * 1000:9.0f} ms {rate:9.1f}")
    mine = medians["sandbox (HTTP)"]
    for name in ("llama_cpp.server (HTTP)", "llama_cpp in-process"):
        first, rate = medians[name]
        print(
            f"sandbox / {name:24} tokens/s {mine[1] / rate:5.2f}x   "
            f"first token {mine[0] / first:5.2f}x"
        )


if __name__ == "__main__":
    main()
