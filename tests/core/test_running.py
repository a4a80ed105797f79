"""`StreamRun` read in the caller's thread (`wait=True`, for magics): an interrupt is the Stop."""

from __future__ import annotations

import openai
import pytest

from llmwidgets.running import StreamRun
from llmwidgets.usage import UsageLog


def test_waiting_reads_the_whole_stream_here(loopback):
    client = openai.OpenAI(base_url=loopback.origin + "/v1", api_key="t", max_retries=0)
    run = StreamRun().start(client, [{"role": "user", "content": "Hi"}], model="m", wait=True)
    assert run.reply.status == "done" and run.reply.text == "pong" and not run.running
    assert run.reply.ttft_s is not None and run.reply.usage["completion_tokens"] == 2


def test_an_interrupt_while_waiting_keeps_the_text_so_far(loopback):
    loopback.stream_pieces = [f"w{i} " for i in range(5000)]
    client = openai.OpenAI(base_url=loopback.origin + "/v1", api_key="t", max_retries=0)
    seen: list[int] = []

    def interrupted(acc) -> None:  # what the kernel's interrupt does, between two chunks
        seen.append(acc.chunks)
        if acc.chunks > 100 and len(seen) < 10_000:
            seen.extend([0] * 10_000)  # once: the final drawing goes through
            raise KeyboardInterrupt

    meter = UsageLog()
    run = StreamRun(interrupted, max_per_second=10_000)
    run.start(client, [{"role": "user", "content": "Hi"}], model="m", meter=meter, wait=True)
    assert run.reply.status == "stopped" and 0 < len(run.reply.text) < 5000 * 3
    assert meter.records[-1].outcome == "stopped" and meter.records[-1].estimated


def test_waiting_needs_the_sync_client(loopback):
    client = openai.AsyncOpenAI(base_url=loopback.origin + "/v1", api_key="t")
    with pytest.raises(TypeError, match=r"openai\.OpenAI"):
        StreamRun().start(client, [{"role": "user", "content": "Hi"}], model="m", wait=True)
