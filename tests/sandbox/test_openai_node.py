"""openai-node, the official JavaScript SDK, against the sandbox: the Responses API's
helpers (`responses.create`, `responses.stream` and its accumulated final response,
`output_text`) and a chat completion, as a JavaScript student would call them. openai-node
comes from npm (`make test` installs it under build/openai-node); it runs on the fake
engine, since what is tested is the wire, not the words."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

MODEL = "smollm2-135m-instruct"
CLIENT = Path(__file__).with_name("openai_node_client.js")


def test_openai_node_reads_responses_and_streams(openai_node: Path, fake_sandbox) -> None:
    env = {
        **os.environ,
        "NODE_PATH": str(openai_node),
        "SANDBOX_BASE_URL": fake_sandbox(),
        "SANDBOX_MODEL": MODEL,
    }
    done = subprocess.run(
        ["node", str(CLIENT)], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["status"] == "completed"
    assert seen["text"].startswith("echo")
    assert (
        seen["usage"]["total_tokens"]
        == seen["usage"]["input_tokens"] + seen["usage"]["output_tokens"]
    )
    assert seen["events"][0] == "response.created" and seen["events"][-1] == "response.completed"
    assert "response.output_text.delta" in seen["events"]
    assert seen["streamedText"].startswith("echo") and seen["streamedId"].startswith("resp_")
    assert seen["chat"].startswith("echo")
    assert seen["missing"] == {"status": 404, "type": "NotFoundError"}
