"""For every pytest item (tests/, and the notebooks and exercises nbval runs): a private
folder for the shared sandbox's state, so the notebooks start a sandbox of their own and
the session stops it at the end (a student's own sandbox is never touched); and a fork
server for their kernels (tools/kernels.py), so a kernel is ready in half a second."""

from __future__ import annotations

import contextlib

import pytest

_session = contextlib.ExitStack()


def pytest_configure(config: pytest.Config) -> None:
    import nbval.kernel
    from kernels import ForkingKernelManager, fork_server  # tools/, on pytest's pythonpath

    from llmwidgets.sandbox import private_state

    _session.enter_context(private_state())
    _session.enter_context(fork_server())
    # nbval starts its kernels with the KernelManager its module imported: ours forks them.
    patches = pytest.MonkeyPatch()
    patches.setattr(nbval.kernel, "KernelManager", ForkingKernelManager)
    _session.callback(patches.undo)


def pytest_unconfigure(config: pytest.Config) -> None:
    _session.close()
