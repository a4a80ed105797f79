"""Fixtures for every test, the network guard, and markers derived from what a test uses.

Markers are never written by hand: a test that asks for a fixture in `MARKED_BY` gets that
fixture's markers, so `make check` (`-m "not (sandbox or kernel or browser or slow)"`) can
never run a test that quietly needs the model. Notebooks collected by nbval get `sandbox`
and `kernel`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.loopback import LoopbackServer
from support.network import loopback_only, unguarded

from llmwidgets import environment
from llmwidgets.providers import PRESETS

KEY_VARIABLES = sorted({p.key_env for p in PRESETS.values() if p.key_env})

# fixture -> the markers a test that uses it (directly or through another fixture) gets
MARKED_BY: dict[str, tuple[str, ...]] = {
    "sandbox_url": ("sandbox",),  # the real model, in a server process
    "start_sandbox": ("sandbox", "slow"),  # a private server process of its own
    "sandbox_state": ("sandbox",),  # a shared sandbox started from scratch
    "embedder": ("sandbox",),  # MiniLM's weights
    "run_notebook": ("kernel", "sandbox"),  # a Jupyter kernel, on the shared sandbox
    "jupyterlab": ("browser", "kernel", "slow"),  # JupyterLab in Chromium
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        for fixture, markers in MARKED_BY.items():
            if fixture in names:
                for marker in markers:
                    item.add_marker(marker)
        if item.path.suffix == ".ipynb":  # nbval: a kernel running on the shared sandbox
            item.add_marker("sandbox")
            item.add_marker("kernel")
        live = item.get_closest_marker("live")
        if live is not None:  # `@pytest.mark.live("groq")`: only where GROQ_API_KEY is set
            provider = PRESETS[live.args[0]]
            if not os.environ.get(provider.key_env or ""):
                item.add_marker(pytest.mark.skip(reason=f"live: {provider.key_env} is not set"))


@pytest.fixture(autouse=True)
def model_needs_its_marker(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test not marked `sandbox` cannot start one: `make check` stays model-free, and a
    test that needs the model without saying so (through a fixture) fails loudly."""
    if request.node.get_closest_marker("sandbox") is not None:
        return
    from llmwidgets.sandbox import launcher

    def refuse(**options: Any) -> None:
        raise AssertionError(
            "this test starts a sandbox without the `sandbox` marker: use the sandbox_url, "
            "start_sandbox or sandbox_state fixture"
        )

    monkeypatch.setattr(launcher, "start", refuse)


# -- no test reaches the internet ----------------------------------------------------------


@pytest.fixture(autouse=True, scope="session")
def network_guard() -> Iterator[None]:
    """Only loopback addresses, even on a machine with internet: a test that would send a
    key somewhere real fails instead (`live` tests ask for `internet`)."""
    with loopback_only():
        yield


@pytest.fixture
def internet(network_guard: None) -> Iterator[None]:
    """For `live` tests only: the real network, for this test."""
    with unguarded():
        yield


# -- keys ----------------------------------------------------------------------------------


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


# -- servers -------------------------------------------------------------------------------


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    server = LoopbackServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sandbox_url() -> str:
    """The run's shared sandbox (the real model), the same one the notebooks use: the root
    conftest gives the run a private state folder, and stops the sandbox at the end."""
    from llmwidgets.sandbox import ensure_running

    return ensure_running()


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
def start_sandbox() -> Iterator[Callable[..., Any]]:
    """Start private sandbox processes (`start_sandbox(api_keys=[...])`), stopped after."""
    from llmwidgets.sandbox import start

    with contextlib.ExitStack() as started:
        yield lambda **options: started.enter_context(start(**options))


@pytest.fixture
def sandbox_state(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty state folder: the shared sandbox must be started from scratch."""
    from llmwidgets.sandbox import stop

    monkeypatch.setenv(environment.STATE_DIR, str(tmp_path))
    monkeypatch.delenv(environment.SANDBOX_URL, raising=False)
    yield tmp_path
    stop()


@pytest.fixture
def fake_sandbox() -> Iterator[Callable[..., str]]:
    """The sandbox's real app (routes, guard, errors, limits) in this process, on a fake
    engine that needs no model: `url = fake_sandbox(rpm=2)`. For wire checks only."""
    from support.fake_engine import serve_fake_sandbox

    with contextlib.ExitStack() as started:
        yield lambda **config: started.enter_context(serve_fake_sandbox(**config))


@pytest.fixture
def wire(fake_sandbox: Callable[..., str]):
    """Plain HTTP to a fake-engine sandbox: status lines, headers and envelopes."""
    import httpx2

    with httpx2.Client(base_url=fake_sandbox(), timeout=30) as client:
        yield client


# -- widgets -------------------------------------------------------------------------------


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


@pytest.fixture
def run_notebook() -> Callable[..., Any]:
    """Execute a notebook in a real kernel, as nbval and papermill do."""
    from nbclient import NotebookClient

    def run(notebook: Any, timeout: int = 300) -> Any:
        NotebookClient(notebook, timeout=timeout, kernel_name="python3").execute()
        return notebook

    return run
