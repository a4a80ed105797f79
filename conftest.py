"""For every pytest item (tests/, and the notebooks and exercises nbval runs): a private
folder for the shared sandbox's state, so the notebooks start a sandbox of their own and
the session stops it at the end. A student's own sandbox is never touched."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_saved: dict[str, str | None] = {}


def pytest_configure(config: pytest.Config) -> None:
    for name in ("LLMWIDGETS_STATE_DIR", "LLMWIDGETS_SANDBOX_URL"):
        _saved[name] = os.environ.pop(name, None)
    os.environ["LLMWIDGETS_STATE_DIR"] = tempfile.mkdtemp(prefix="llmwidgets-pytest-")


def pytest_unconfigure(config: pytest.Config) -> None:
    from llmwidgets.sandbox import stop

    stop()  # the sandbox the notebooks shared, if they started one
    shutil.rmtree(os.environ.pop("LLMWIDGETS_STATE_DIR"), ignore_errors=True)
    os.environ.update({k: v for k, v in _saved.items() if v is not None})
