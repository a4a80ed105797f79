"""What does watching a client cost? A 5,000-chunk stream read plainly, and inside
`llmwidgets.inspect(client)`, interleaved in one run.

    python bench/inspector.py [chunks] [runs]

A loopback server (tests/support/loopback.py) streams `chunks` one-token chunks as fast as
the socket allows, in HTTP writes of 64 events: far faster than any provider. The baseline
reads the stream with the official SDK in a plain loop; the watched run does the same
inside `inspect(client)`, whose hooks note every piece the SDK reads, and then draws the
exchange (its timeline parsed once, after the stream). Prints the medians, the added wall
and CPU time in percent (target: at most 5 %), and the redraws. Figures, not a test.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import comm
import openai
from comm.base_comm import BaseComm

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the tests' helpers

from support.loopback import LoopbackServer

import llmwidgets

MESSAGES = [{"role": "user", "content": "go"}]


class QuietComm(BaseComm):
    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        pass


def read(client: openai.OpenAI) -> None:
    parts = []
    for chunk in client.chat.completions.create(
        model="loopback", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    ):
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    "".join(parts)


def plain(client: openai.OpenAI) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    read(client)
    return time.perf_counter() - wall, time.process_time() - cpu


def watched(client: openai.OpenAI) -> tuple[float, float, int]:
    wall, cpu = time.perf_counter(), time.process_time()
    with llmwidgets.inspect(client) as wire:
        read(client)
    return time.perf_counter() - wall, time.process_time() - cpu, wire.redraws


def main() -> None:
    chunks = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    comm.create_comm = lambda *a, **k: QuietComm(*a, **k)
    server = LoopbackServer(stream_pieces=[f"t{i} " for i in range(chunks)]).start()
    client = openai.OpenAI(base_url=server.origin + "/v1", api_key="bench", max_retries=0)
    try:
        read(client)  # warm: connections, imports
        with llmwidgets.inspect(client):
            read(client)
        base, seen, redraws = [], [], []
        for _ in range(runs):  # interleaved, so that load on the machine hits both alike
            base.append(plain(client))
            wall, cpu, drawn = watched(client)
            seen.append((wall, cpu))
            redraws.append(drawn)
    finally:
        server.stop()
    for name, index in (("wall", 0), ("CPU", 1)):
        before = statistics.median(b[index] for b in base)
        after = statistics.median(s[index] for s in seen)
        print(
            f"{name:4}: plain {before * 1000:7.1f} ms · inspected {after * 1000:7.1f} ms · "
            f"{(after / before - 1) * 100:+5.1f} %"
        )
    print(f"{chunks} chunks, {runs} runs each; redraws per watched stream: {max(redraws)}")


if __name__ == "__main__":
    main()
