"""For every pytest item (tests/, and the notebooks and exercises nbval runs): a private
folder for the shared sandbox's state, so the notebooks start a sandbox of their own and
the session stops it at the end. A student's own sandbox is never touched."""

from __future__ import annotations

import contextlib

import pytest

_session = contextlib.ExitStack()


def pytest_configure(config: pytest.Config) -> None:
    from llmwidgets.sandbox import private_state

    _session.enter_context(private_state())


def pytest_unconfigure(config: pytest.Config) -> None:
    _session.close()
