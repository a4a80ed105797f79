"""Does a 50-turn chat stay responsive? The Chat against a plain SDK loop, in one run.

    python bench/chat.py [turns] [chunks per answer]

A loopback server (tests/support/loopback.py) streams each answer as `chunks` one-token
chunks, as fast as the socket allows. The baseline keeps a history and reads each answer
with the async SDK in a plain loop (what the chat uses, so that Stop can work); the chat
does the same through `Chat.send`, drawing every answer live (batched redraws) and
redrawing its history once per turn, recorded by a comm with no frontend. Prints, for the
first and the last ten turns: milliseconds per turn, kernel CPU per token, and the state
messages per second sent to the page. Figures, not a test: nothing here can fail.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

import comm
import openai
from comm.base_comm import BaseComm

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the tests' helpers

from support.loopback import LoopbackServer

from llmwidgets import Chat

sent: list[str] = []


class CountingComm(BaseComm):
    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        sent.append(msg_type)


async def plain_turns(url: str, turns: int) -> list[tuple[float, float, int]]:
    """(wall s, CPU s, messages) per turn: a history kept by hand, each answer read plainly."""
    history: list[dict[str, str]] = []
    out = []
    async with openai.AsyncOpenAI(base_url=url, api_key="unused") as client:
        for n in range(turns):
            history.append({"role": "user", "content": f"question {n}"})
            wall, cpu = time.perf_counter(), time.process_time()
            stream = await client.chat.completions.create(
                model="loopback", messages=history, stream=True, max_tokens=10_000
            )
            parts = [c.choices[0].delta.content or "" async for c in stream if c.choices]
            history.append({"role": "assistant", "content": "".join(parts)})
            out.append((time.perf_counter() - wall, time.process_time() - cpu, 0))
    return out


async def chat_turns(url: str, turns: int) -> list[tuple[float, float, int]]:
    chat = Chat(
        openai.AsyncOpenAI(base_url=url, api_key="unused"),
        model="loopback",
        meter=None,
        context_window=1_000_000,
        max_reply_tokens=10_000,
    )
    out = []
    for n in range(turns):
        before = len(sent)
        wall, cpu = time.perf_counter(), time.process_time()
        run = chat.send(f"question {n}")
        assert run is not None, chat.error
        await run
        assert chat.status == "idle", chat.error
        out.append((time.perf_counter() - wall, time.process_time() - cpu, len(sent) - before))
    return out


def summary(name: str, rows: list[tuple[float, float, int]], chunks: int) -> None:
    for label, part in (("first 10", rows[:10]), ("last 10", rows[-10:])):
        wall = statistics.median(r[0] for r in part)
        cpu = statistics.median(r[1] for r in part)
        rate = statistics.median(r[2] / r[0] for r in part)
        print(
            f"{name:<11} {label:<9} {wall * 1000:7.1f} ms/turn   "
            f"{cpu / chunks * 1e6:6.1f} µs CPU/token   {rate:6.1f} messages/s"
        )


def main() -> None:
    turns = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    chunks = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    comm.create_comm = lambda *a, **k: CountingComm(*a, **k)
    server = LoopbackServer(stream_pieces=[f"w{i} " for i in range(chunks)]).start()
    url = server.origin + "/v1"
    asyncio.run(plain_turns(url, 2))  # warm-up
    base = asyncio.run(plain_turns(url, turns))
    chat = asyncio.run(chat_turns(url, turns))
    server.stop()
    print(f"{turns} turns of {chunks} one-token chunks each, medians")
    summary("plain loop", base, chunks)
    summary("Chat", chat, chunks)
    extra = statistics.median(c[0] for c in chat) / statistics.median(b[0] for b in base) - 1
    print(f"the chat's added wall time per turn: {100 * extra:+.1f} % over the plain loop")
    print(f"redraw cap: {Chat.MAX_REDRAWS_PER_SECOND:.0f} messages/s while streaming")


if __name__ == "__main__":
    main()
