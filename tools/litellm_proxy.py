"""LiteLLM's proxy in front of a sandbox, offline: for tests and for the curriculum matrix.

    with litellm_proxy(sandbox_url) as proxy:           # http://127.0.0.1:PORT/v1
        client = openai.OpenAI(base_url=proxy.url, api_key=proxy.master_key)

    python tools/litellm_proxy.py SANDBOX_URL            # serve until Ctrl-C

The proxy is LiteLLM's own (`litellm[proxy]`, the `litellm` extra), in its own process.
Its config routes the names the `litellm` preset offers (`gpt-4o-mini`, and
`text-embedding-3-small` for embeddings) to the sandbox's two models, priced so that
LiteLLM reports a cost, and names a fallback: `flaky-model` is a deployment on a dead
port that falls back to the sandbox. Offline switches, each found by watching what a
start-up fetches (they are LiteLLM's own variables):

| variable                            | stops                                                |
|-------------------------------------|------------------------------------------------------|
| `LITELLM_LOCAL_MODEL_COST_MAP=True` | fetching the model price map from GitHub on import    |
| `HF_HUB_OFFLINE=1`                  | fetching a tokenizer for `llama-3`-like model names   |
| `LITELLM_MODE=PRODUCTION`           | loading a `.env` file (it could hold provider keys)   |

Without a database LiteLLM's virtual keys are off; the master key authenticates. For a
class (`classroom=` a state folder holding `roster.json`), the classroom's gate
(`classroom/classroom_gate.py`) authenticates each student's key instead, and keeps their
spend in the folder's `ledger.jsonl`.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from services import ServiceFailed, free_port, service

__all__ = ["PRICES", "Proxy", "config_for", "litellm_proxy"]

START_TIMEOUT_SECONDS = 90.0  # about 7 s on an idle 2-core machine, 11 s on a busy one
# Dollars per token the proxy charges for the sandbox's models (gpt-4o-mini's list prices,
# so the course's cost lessons read like a real bill).
PRICES = {"input": 0.15e-6, "output": 0.60e-6, "embedding": 0.02e-6}
CHAT_MODEL = "gpt-4o-mini"
EMBEDDING_MODEL = "text-embedding-3-small"
FLAKY_MODEL = "flaky-model"


@dataclass(frozen=True)
class Proxy:
    url: str  # the OpenAI-compatible base URL, ending in /v1
    master_key: str
    log: Path


CLASSROOM = Path(__file__).resolve().parents[1] / "classroom"


def config_for(
    sandbox_url: str, backend_key: str = "unused", *, classroom: bool = False
) -> dict[str, object]:
    """LiteLLM's config: the course's model names routed to the sandbox, priced; with
    `classroom`, each student's key checked and their spend kept by the classroom's gate."""
    backend = {"api_base": sandbox_url, "api_key": backend_key}
    general: dict[str, object] = {"master_key": "os.environ/LITELLM_MASTER_KEY"}
    settings: dict[str, object] = {}
    if classroom:
        general["custom_auth"] = "classroom_gate.check_key"
        settings["callbacks"] = "classroom_gate.ledger"
    return {
        "model_list": [
            {
                "model_name": CHAT_MODEL,
                "litellm_params": {"model": "openai/smollm2-135m-instruct", **backend},
                "model_info": {
                    "input_cost_per_token": PRICES["input"],
                    "output_cost_per_token": PRICES["output"],
                },
            },
            {
                "model_name": EMBEDDING_MODEL,
                "litellm_params": {
                    "model": "openai/all-minilm-l6-v2",
                    # LiteLLM passes `dimensions` only for models it knows take it.
                    "allowed_openai_params": ["dimensions"],
                    **backend,
                },
                "model_info": {"mode": "embedding", "input_cost_per_token": PRICES["embedding"]},
            },
            {  # a deployment that is down: requests for it fall back to the chat model
                "model_name": FLAKY_MODEL,
                "litellm_params": {
                    "model": "openai/smollm2-135m-instruct",
                    "api_base": "http://127.0.0.1:9/v1",
                    "api_key": backend_key,
                },
            },
        ],
        "router_settings": {
            "fallbacks": [{FLAKY_MODEL: [CHAT_MODEL]}],
            "num_retries": 0,  # with 1, each fallback first waits out a retry (2.5 s)
        },
        "general_settings": general,
        **({"litellm_settings": settings} if settings else {}),
    }


def executable() -> str:
    """The `litellm` command of this environment (the `litellm` extra)."""
    beside = Path(sys.executable).with_name("litellm")
    found = str(beside) if beside.exists() else shutil.which("litellm")
    if not found:
        raise RuntimeError("LiteLLM's proxy is not installed: pip install -e '.[litellm]'")
    return found


@contextlib.contextmanager
def litellm_proxy(
    sandbox_url: str,
    *,
    port: int = 0,
    master_key: str | None = None,
    classroom: Path | None = None,
    rate_window_s: int | None = None,
) -> Iterator[Proxy]:
    """Start LiteLLM's proxy in front of `sandbox_url`, wait until it answers, stop it after.
    The master key is made up for the run unless given. `classroom`: a state folder with
    the class's `roster.json` (its `ledger.jsonl` is written there); `rate_window_s`: the
    rate limiter's window (LiteLLM's default is a minute)."""
    folder = Path(tempfile.mkdtemp(prefix="llmwidgets-litellm-"))
    config = folder / "config.yaml"
    settings = config_for(sandbox_url, classroom=classroom is not None)
    config.write_text(json.dumps(settings, indent=2))  # JSON is YAML
    log = folder / "proxy.log"
    port = port or free_port()
    master_key = master_key or "sk-proxy-" + secrets.token_hex(12)
    env = {
        **os.environ,
        "LITELLM_MASTER_KEY": master_key,  # by environment: `ps` shows command lines
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "HF_HUB_OFFLINE": "1",
        "LITELLM_MODE": "PRODUCTION",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    if classroom is not None:
        # on the path, so that the gate is imported once (a module beside the config is
        # loaded afresh for each reference, and its two hooks would share nothing)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CLASSROOM), env.get("PYTHONPATH")]))
        env["CLASSROOM_ROSTER"] = str(classroom / "roster.json")
        env["CLASSROOM_LEDGER"] = str(classroom / "ledger.jsonl")
    if rate_window_s is not None:
        env["LITELLM_RATE_LIMIT_WINDOW_SIZE"] = str(rate_window_s)
    command = [executable(), "--config", str(config), "--host", "127.0.0.1"]
    with contextlib.ExitStack() as running:
        running.callback(shutil.rmtree, folder, ignore_errors=True)
        for attempt in range(3):  # a free port can be taken before the proxy binds it
            try:
                running.enter_context(
                    service(
                        [*command, "--port", str(port)],
                        log=log,
                        ready=partial(_live, f"http://127.0.0.1:{port}"),
                        what="LiteLLM's proxy",
                        start_s=START_TIMEOUT_SECONDS,
                        env=env,
                    )
                )
                break
            except ServiceFailed as failed:
                if "address already in use" not in str(failed).lower() or attempt == 2:
                    raise
                port = free_port()
        yield Proxy(f"http://127.0.0.1:{port}/v1", master_key, log)


def _live(root: str) -> bool:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with direct.open(root + "/health/liveliness", timeout=2) as response:
        return bool(response.status == 200)


if __name__ == "__main__":
    # The key comes from LITELLM_MASTER_KEY, or is made up and never shown: set it to choose.
    chosen = os.environ.get("LITELLM_MASTER_KEY")
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
    with litellm_proxy(sys.argv[1], port=port, master_key=chosen) as p:
        print(f"LiteLLM proxy at {p.url}; its key is LITELLM_MASTER_KEY", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
