"""What does checking a structured answer as it streams cost? One 5,000-chunk JSON answer
drawn by a stream cell with its schema, and without, interleaved in one run.

    python bench/structured.py [chunks] [runs]

A loopback server (tests/support/loopback.py) streams a JSON object of `chunks` pieces (an
array of short strings, about 40 KB) as fast as the socket allows. Both runs draw it in a
`StreamCell` (no frontend: messages are dropped); the checked run asks for a
`json_schema` response_format, so the cell reads the text so far with jiter and validates
it with jsonschema up to `MAX_CHECKS_PER_SECOND` times, and once at the end. Prints the
medians, the added wall and CPU time in percent, and how many checks ran. Figures, not a
test.
"""

from __future__ import annotations

import json
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
SCHEMA = {
    "type": "object",
    "properties": {"items": {"type": "array", "items": {"type": "string", "maxLength": 12}}},
    "required": ["items"],
    "additionalProperties": False,
}
FORMAT = {"type": "json_schema", "json_schema": {"name": "items", "schema": SCHEMA}}


class QuietComm(BaseComm):
    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        pass


def draw(client: openai.OpenAI, **params) -> tuple[float, float, int]:
    checks = []
    wall, cpu = time.perf_counter(), time.process_time()
    cell = StreamCell()
    cell.observe(checks.append, "json_check")
    cell.start(client, MESSAGES, model="loopback", **params)
    assert cell.status == "done", cell.error
    return time.perf_counter() - wall, time.process_time() - cpu, len(checks)


def main() -> None:
    chunks = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    comm.create_comm = lambda *a, **k: QuietComm(*a, **k)
    text = json.dumps({"items": [f"t{i}" for i in range(chunks)]})
    step = max(1, len(text) // chunks)
    pieces = [text[i : i + step] for i in range(0, len(text), step)]
    server = LoopbackServer(stream_pieces=pieces).start()
    client = openai.OpenAI(base_url=server.origin + "/v1", api_key="bench", max_retries=0)
    try:
        draw(client)  # warm: connections, imports
        draw(client, response_format=FORMAT)
        base, checked, counts = [], [], []
        for _ in range(runs):  # interleaved, so that load on the machine hits both alike
            base.append(draw(client))
            wall, cpu, count = draw(client, response_format=FORMAT)
            checked.append((wall, cpu))
            counts.append(count)
    finally:
        server.stop()
    for name, index in (("wall", 0), ("CPU", 1)):
        before = statistics.median(b[index] for b in base)
        after = statistics.median(s[index] for s in checked)
        print(
            f"{name:4}: unchecked {before * 1000:7.1f} ms · checked {after * 1000:7.1f} ms · "
            f"{(after / before - 1) * 100:+5.1f} %"
        )
    print(
        f"{len(pieces)} chunks ({len(text) / 1000:.0f} KB of JSON), {runs} runs each; "
        f"checks per stream: {min(counts)}-{max(counts)}"
    )


if __name__ == "__main__":
    main()
