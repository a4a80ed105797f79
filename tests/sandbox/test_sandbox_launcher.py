"""Starting, reusing and stopping the shared sandbox, as notebooks do in their first cell."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import llmwidgets
from llmwidgets import environment, sandbox


def test_ensure_running_starts_once_then_reuses(sandbox_state: Path) -> None:
    tmp_path = sandbox_state
    try:
        url = sandbox.ensure_running()
        assert urlsplit(url).hostname == "127.0.0.1"
        started = time.monotonic()
        assert sandbox.ensure_running() == url
        assert time.monotonic() - started < 1.5, "a running sandbox must be reused, not started"

        client = llmwidgets.connect()  # the default provider is the sandbox
        listing = llmwidgets.list_models(client)
        assert listing.from_api
        assert "smollm2-135m-instruct" in listing.ids
        assert llmwidgets.provider_of(client).base_url == url
    finally:
        assert sandbox.stop() is True
    assert not (tmp_path / "sandbox.json").exists()
    assert sandbox.stop() is False


def test_external_sandbox_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(environment.SANDBOX_URL, "http://127.0.0.1:9/v1")
    assert sandbox.ensure_running() == "http://127.0.0.1:9/v1"


def test_a_failed_start_says_why(
    sandbox_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(environment.STATE_DIR, str(tmp_path))
    busy_port = urlsplit(sandbox_url).port
    with pytest.raises(sandbox.SandboxError, match="exited with code") as raised:
        sandbox.start(port=busy_port, timeout=60)
    assert "Address already in use" in str(raised.value)
