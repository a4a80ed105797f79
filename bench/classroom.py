"""The classroom's capacity, measured on this machine: what classroom/README.md's plan is
built on. Figures, not a test.

    python bench/classroom.py [proxy|memory|sandbox|all]

- proxy: LiteLLM's proxy, gated by the class list, in front of a backend that answers at
  once (tests/support/loopback.py, 200 chunks a stream): streamed requests per second and
  chunks per second at 10, 50 and 100 concurrent students, against the same backend
  reached directly in the same run. The proxy's own cost, without any model's.
- memory: the hub spawns two students' servers; each runs a kernel that imports llmwidgets
  and streams one answer through the proxy. The resident memory of each server and kernel,
  of the hub, its HTTP proxy and LiteLLM's proxy.
- sandbox: the shared sandbox's tokens per second for 1 and 4 students streaming at once
  (one engine: what a single small-model backend gives a class).
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tools"), str(ROOT / "classroom")]

import openai  # noqa: E402
from litellm_proxy import CHAT_MODEL, litellm_proxy  # noqa: E402
from roster import Roster  # noqa: E402
from support.loopback import LoopbackServer  # noqa: E402

HELLO = [{"role": "user", "content": "Write four lines about autumn."}]


async def _stream(
    client: openai.AsyncOpenAI, model: str, max_tokens: int = 200
) -> tuple[float, int]:
    started, chunks = time.perf_counter(), 0
    stream = await client.chat.completions.create(
        model=model, messages=HELLO, stream=True, max_tokens=max_tokens,
        stream_options={"include_usage": True},
    )  # fmt: skip
    async for chunk in stream:
        chunks += bool(chunk.choices and chunk.choices[0].delta.content)
    return time.perf_counter() - started, chunks


async def _wave(
    url: str, key: str, model: str, students: int, per_student: int = 2
) -> dict[str, float]:
    client = openai.AsyncOpenAI(base_url=url, api_key=key, max_retries=0, timeout=300)
    try:
        started = time.perf_counter()
        results = await asyncio.gather(
            *(_stream(client, model) for _ in range(students * per_student))
        )
        wall = time.perf_counter() - started
    finally:
        await client.close()
    latencies = [r[0] for r in results]
    return {
        "requests_per_s": len(results) / wall,
        "chunks_per_s": sum(r[1] for r in results) / wall,
        "p50_s": statistics.median(latencies),
        "p95_s": sorted(latencies)[int(0.95 * (len(latencies) - 1))],
    }


def proxy() -> None:
    backend = LoopbackServer(stream_pieces=[f"t{i} " for i in range(200)]).start()
    state = Path(tempfile.mkdtemp(prefix="classroom-bench-"))
    key = Roster(state / "roster.json").issue("student")  # no budget, no rate limit
    try:
        with litellm_proxy(backend.origin + "/v1", classroom=state) as gated:
            asyncio.run(_wave(gated.url, key, CHAT_MODEL, 2))  # warm
            print("proxy: 200-chunk streams, each student streaming 2 at once")
            for students in (10, 50, 100):
                direct = asyncio.run(_wave(backend.origin + "/v1", "x", "m", students))
                through = asyncio.run(_wave(gated.url, key, CHAT_MODEL, students))
                print(
                    f"  {students:3} students: direct {direct['requests_per_s']:6.1f} req/s · "
                    f"through the proxy {through['requests_per_s']:6.1f} req/s, "
                    f"{through['chunks_per_s']:7.0f} chunks/s, p50 {through['p50_s']:.2f} s, "
                    f"p95 {through['p95_s']:.2f} s"
                )
    finally:
        backend.stop()


def _rss_mb(pattern: str) -> list[float]:
    listing = subprocess.run(["ps", "-eo", "rss=,args="], capture_output=True, text=True).stdout
    return [int(line.split(None, 1)[0]) / 1024 for line in listing.splitlines()
            if pattern in line and "ps -eo" not in line]  # fmt: skip


def memory() -> None:
    import nbformat
    from hub import jupyterhub

    from llmwidgets.sandbox import ensure_running

    state = Path(tempfile.mkdtemp(prefix="classroom-bench-"))
    roster = Roster(state / "roster.json")
    for name in ("alice", "bob"):
        roster.issue(name)
    chp = ROOT / "build" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"
    code = (
        "import resource, llmwidgets\nclient = llmwidgets.connect('litellm')\n"
        "cell = llmwidgets.chat(client, [{'role': 'user', 'content': 'Hi'}], max_tokens=20)\n"
        "await cell\nprint(cell.status, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    with litellm_proxy(ensure_running(), classroom=state) as gated:
        env = {
            "CLASSROOM_PROXY_URL": gated.url,
            "CLASSROOM_PASSWORD": "bench-password",
            "CLASSROOM_CHP": str(chp),
        }
        with jupyterhub(state, env) as hub:
            kernels = []
            for name in ("alice", "bob"):
                notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
                said = hub.run(name, notebook).cells[0].outputs[-1]["text"].split()
                kernels.append(f"{int(said[-1]) / 1024:.0f} ({said[0]})")
            print("memory (resident, MB), two students each with a kernel that streamed an answer:")
            print(f"  a student's kernel at its peak (llmwidgets, openai): {', '.join(kernels)}")
            for label, pattern in (
                ("a student's server (jupyterhub-singleuser)", "jupyterhub-singleuser"),
                ("the hub", "bin/jupyterhub -f"),
                ("the hub's HTTP proxy (node)", "configurable-http-proxy"),
                ("LiteLLM's proxy", "litellm --config"),
            ):
                sizes = _rss_mb(pattern)
                shown = ", ".join(f"{s:.0f}" for s in sizes) or "not found"
                print(f"  {label}: {shown}")


def sandbox() -> None:
    from llmwidgets.sandbox import ensure_running

    url = ensure_running()
    print("sandbox: one engine shared (smollm2-135m-instruct), 200-token answers")
    for students in (1, 4):
        figures = asyncio.run(
            _wave(url, "unused", "smollm2-135m-instruct", students, per_student=1)
        )
        print(
            f"  {students} at once: {figures['chunks_per_s']:.0f} tokens/s in all, "
            f"{figures['chunks_per_s'] / students:.0f} per student, p50 {figures['p50_s']:.1f} s"
        )


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    for name, run in (("proxy", proxy), ("memory", memory), ("sandbox", sandbox)):
        if which in (name, "all"):
            run()
