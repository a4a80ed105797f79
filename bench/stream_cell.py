"""What does the streaming cell cost on top of reading the stream? One run, two ways.

    python bench/stream_cell.py [chunks] [runs]

A loopback server (tests/support/loopback.py) streams `chunks` one-token chunks as fast as the
socket allows: far faster than any provider. The baseline reads the stream with the
official SDK in a plain loop and joins the text; the cell reads the same stream, keeps the
same text and draws it (batched redraws, recorded by a comm with no frontend). Prints the
medians, the added wall time in percent (target: at most 5 %) and the redraw messages per
second (target: at most 30). Figures, not a test: nothing here can fail.
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

from llmwidgets import StreamCell

MESSAGES = [{"role": "user", "content": "go"}]
sent: list[str] = []


class CountingComm(BaseComm):
    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        sent.append(msg_type)


def plain_loop(client: openai.OpenAI) -> float:
    started = time.perf_counter()
    parts = []
    for chunk in client.chat.completions.create(
        model="loopback", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    ):
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    "".join(parts)
    return time.perf_counter() - started


def plain_async_loop(client: openai.OpenAI) -> float:
    """The same loop on AsyncOpenAI, which the cell uses so that Stop can work: it splits
    the cell's cost into the async SDK's share and the cell's own."""
    import asyncio

    async def read() -> None:
        async with openai.AsyncOpenAI(base_url=client.base_url, api_key="unused") as aclient:
            stream = await aclient.chat.completions.create(
                model="loopback",
                messages=MESSAGES,
                stream=True,
                stream_options={"include_usage": True},
            )
            parts = []
            async for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    parts.append(chunk.choices[0].delta.content)
            "".join(parts)

    started = time.perf_counter()
    asyncio.run(read())
    return time.perf_counter() - started


def stream_cell(client: openai.OpenAI) -> tuple[float, int]:
    started = time.perf_counter()
    cell = StreamCell().start(client, MESSAGES, model="loopback")
    elapsed = time.perf_counter() - started
    assert cell.status == "done", cell.error
    return elapsed, cell.redraws


def main() -> None:
    chunks = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    comm.create_comm = lambda *a, **k: CountingComm(*a, **k)
    server = LoopbackServer(stream_pieces=[f"w{i} " for i in range(chunks)]).start()
    client = openai.OpenAI(base_url=server.origin + "/v1", api_key="unused")
    plain_loop(client)  # warm-up
    stream_cell(client)
    base, abase, cell, redraws = [], [], [], []
    for _ in range(runs):  # interleaved, so drift hits all alike
        base.append(plain_loop(client))
        abase.append(plain_async_loop(client))
        seconds, count = stream_cell(client)
        cell.append(seconds)
        redraws.append(count / seconds)
    server.stop()
    b, a, c = (statistics.median(x) for x in (base, abase, cell))
    print(f"{chunks} chunks, {runs} runs, median")
    print(f"plain SDK loop        {b * 1000:8.1f} ms   {chunks / b:9.0f} chunks/s")
    print(f"plain async SDK loop  {a * 1000:8.1f} ms   {chunks / a:9.0f} chunks/s")
    print(f"StreamCell            {c * 1000:8.1f} ms   {chunks / c:9.0f} chunks/s")
    print(f"added wall time       {100 * (c - b) / b:+8.1f} % over the plain loop")
    print(f"                      {100 * (c - a) / a:+8.1f} % over the async loop")
    cap = StreamCell.MAX_REDRAWS_PER_SECOND
    print(f"redraws/s        {statistics.median(redraws):8.1f}  (cap {cap:.0f})")


if __name__ == "__main__":
    main()
