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

KEY_VARIABLES = sorted(
    {name for p in PRESETS.values() if p.key_env for name in (p.key_env, *p.key_env_aliases)}
    | {p.base_url_env for p in PRESETS.values() if p.base_url_env}
)

# fixture -> the markers a test that uses it (directly or through another fixture) gets
MARKED_BY: dict[str, tuple[str, ...]] = {
    "sandbox_url": ("sandbox",),  # the real model, in a server process
    "start_sandbox": ("sandbox", "slow"),  # a private server process of its own
    "sandbox_state": ("sandbox",),  # a shared sandbox started from scratch
    "embedder": ("sandbox",),  # MiniLM's weights
    "engine": ("sandbox",),  # SmolLM2 on llama.cpp, in this process
    "run_notebook": ("kernel", "sandbox"),  # a Jupyter kernel, on the shared sandbox
    "jupyterlab": ("browser", "kernel", "slow"),  # JupyterLab in Chromium
    "litellm_proxy_url": ("sandbox", "slow"),  # LiteLLM's proxy, in front of the sandbox
    "classroom_proxy": ("sandbox", "slow"),  # the same, gated by a class list
    "openai_node": ("slow",),  # the JavaScript SDK, from npm, run by Node.js
}


SLOW_TIMEOUT_S = 300


def pytest_configure(config: pytest.Config) -> None:
    """The network guard is on from the start (collection included) to the very end."""
    _session.enter_context(loopback_only())


def pytest_unconfigure(config: pytest.Config) -> None:
    _session.close()


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    # A renamed fixture must not silently lose its markers: each name is defined somewhere.
    sources = "".join(path.read_text() for path in Path(__file__).parent.rglob("*.py"))
    missing = [name for name in MARKED_BY if f"def {name}(" not in sources]
    assert not missing, f"MARKED_BY names no fixture: {missing}"
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        for fixture, markers in MARKED_BY.items():
            if fixture in names:
                for marker in markers:
                    item.add_marker(marker)
        if item.path.suffix == ".ipynb":  # nbval: a kernel running on the shared sandbox
            item.add_marker("sandbox")
            item.add_marker("kernel")
        if item.get_closest_marker("slow") and not item.get_closest_marker("timeout"):
            # a sandbox, JupyterLab, JupyterHub or LiteLLM's proxy to start first: 5 minutes
            item.add_marker(pytest.mark.timeout(SLOW_TIMEOUT_S))
        live = item.get_closest_marker("live")
        if live is not None:  # `@pytest.mark.live("groq")`: only where GROQ_API_KEY is set
            provider = PRESETS[live.args[0]]
            if not os.environ.get(provider.key_env or ""):
                item.add_marker(pytest.mark.skip(reason=f"live: {provider.key_env} is not set"))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test not marked `sandbox` cannot start a sandbox or load a model, from its body or
    from a fixture of any scope: `make check` stays model-free, and a test that needs the
    model without saying so (through a fixture in MARKED_BY) fails loudly."""
    if item.get_closest_marker("sandbox") is not None:
        return
    import llmwidgets.sandbox
    from llmwidgets.sandbox import embedder, engine, launcher

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(
            "this test needs the sandbox's model but has no `sandbox` marker: ask for it "
            f"through a fixture that gives one ({', '.join(MARKED_BY)})"
        )

    patches = pytest.MonkeyPatch()
    for module in (launcher, llmwidgets.sandbox):
        patches.setattr(module, "start", refuse)
    patches.setattr(engine.Engine, "__init__", refuse)
    patches.setattr(embedder.Embedder, "__init__", refuse)
    item.stash[_UNPATCH] = patches


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    patches = item.stash.get(_UNPATCH, None)
    if patches is not None:
        patches.undo()


_UNPATCH = pytest.StashKey[pytest.MonkeyPatch]()
_session = contextlib.ExitStack()


# -- no test reaches the internet ----------------------------------------------------------


@pytest.fixture
def internet() -> Iterator[None]:
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


@pytest.fixture(scope="module")
def litellm_proxy_url(sandbox_url: str) -> Iterator[tuple[str, str]]:
    """LiteLLM's real proxy in front of the run's sandbox: (base URL, master key)."""
    from litellm_proxy import litellm_proxy

    with litellm_proxy(sandbox_url) as proxy:
        yield proxy.url, proxy.master_key


@pytest.fixture(scope="module")
def classroom_proxy(sandbox_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """LiteLLM's proxy gated by a class list (classroom/classroom_gate.py): alice and bob
    with budgets, carol with none left, dave at 2 requests per 5-second window."""
    from types import SimpleNamespace

    from litellm_proxy import litellm_proxy
    from roster import Roster

    state = tmp_path_factory.mktemp("classroom")
    roster = Roster(state / "roster.json")
    keys = {
        "alice": roster.issue("alice", budget_usd=1.0),
        "bob": roster.issue("bob", budget_usd=1.0),
        "carol": roster.issue("carol", budget_usd=0.0),
        "dave": roster.issue("dave", budget_usd=1.0, rpm=2),
    }
    with litellm_proxy(sandbox_url, classroom=state, rate_window_s=5) as proxy:
        yield SimpleNamespace(
            url=proxy.url, master_key=proxy.master_key, log=proxy.log, state=state,
            roster=roster, keys=keys, ledger=state / "ledger.jsonl",
        )  # fmt: skip


@pytest.fixture(scope="session")
def openai_node() -> Path:
    """openai-node's folder (`make test` installs it from npm): NODE_PATH for a script."""
    folder = Path(__file__).resolve().parents[1] / "build" / "openai-node" / "node_modules"
    if not (folder / "openai" / "package.json").exists():
        pytest.fail("openai-node is not installed: run `make test` (it installs it from npm)")
    return folder


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


@pytest.fixture(scope="session")
def engine():
    """The sandbox's engine in this process, for what only the engine can show."""
    from llmwidgets.sandbox.engine import Engine

    return Engine()


@pytest.fixture(scope="session")
def embedder():
    """The sandbox's embedder (MiniLM) in this process."""
    from llmwidgets.sandbox.embedder import Embedder

    return Embedder()


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
    from kernels import PatientKernelManager  # tools/
    from nbclient import NotebookClient

    def run(notebook: Any, timeout: int = 120, cwd: Path | None = None) -> Any:
        NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            kernel_manager_class=PatientKernelManager,
            resources={"metadata": {"path": str(cwd)}} if cwd else {},
        ).execute()
        return notebook

    return run
