from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from loopback import LoopbackServer

from llmwidgets.providers import PRESETS

KEY_VARIABLES = sorted({p.key_env for p in PRESETS.values() if p.key_env})


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    server = LoopbackServer().start()
    yield server
    server.stop()


@pytest.fixture
def canary_key() -> str:
    """A key-shaped string that must never be seen in anything we show or save."""
    return "sk-canary-" + secrets.token_hex(16)


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No provider key in the environment, and a working folder with no .env above it."""
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "work"
    home.mkdir()
    monkeypatch.chdir(home)
    return home


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`@pytest.mark.live("groq")` runs only when that provider's key variable is set."""
    for item in items:
        marker = item.get_closest_marker("live")
        if marker is None:
            continue
        provider = PRESETS[marker.args[0]]
        if not os.environ.get(provider.key_env or ""):
            item.add_marker(pytest.mark.skip(reason=f"live: {provider.key_env} is not set"))


@pytest.fixture(scope="session")
def sandbox_url() -> Iterator[str]:
    """A private sandbox server (a real child process) for the whole test session."""
    from llmwidgets.sandbox import start

    with start() as box:
        yield box.url


@pytest.fixture
def sandbox(sandbox_url: str):
    import openai

    client = openai.OpenAI(base_url=sandbox_url, api_key="unused", max_retries=0, timeout=120)
    yield client
    client.close()


@pytest.fixture
def raw(sandbox_url: str):
    """Plain HTTP to the sandbox, for what the SDK would hide: status lines, headers, bytes."""
    import httpx2

    with httpx2.Client(base_url=sandbox_url, timeout=120) as client:
        yield client


@pytest.fixture
def comm_log(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Every message widgets send to a frontend, recorded (there is no frontend in pytest)."""
    import comm
    from comm.base_comm import BaseComm

    sent: list[dict] = []

    class RecordingComm(BaseComm):
        def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
            sent.append({"msg_type": msg_type, "data": data, "comm_id": self.comm_id})

    monkeypatch.setattr(comm, "create_comm", lambda *a, **k: RecordingComm(*a, **k))
    return sent


def frontend_sends(widget, content: dict) -> None:
    """Deliver a custom message to `widget` as if its view in the browser sent it."""
    widget._handle_msg(
        {"content": {"data": {"method": "custom", "content": content}}, "buffers": []}
    )
