"""For every pytest item (tests/, and the notebooks and exercises nbval runs): a private
folder for the shared sandbox's state, so the notebooks start a sandbox of their own and
the session stops it at the end (a student's own sandbox is never touched); and, when the
run has notebooks or kernels to run, a fork server for their kernels (tools/kernels.py),
so a kernel is ready in half a second."""

from __future__ import annotations

import contextlib

import pytest

_session = contextlib.ExitStack()


def pytest_configure(config: pytest.Config) -> None:
    import nbval.kernel
    from kernels import ForkingKernelManager  # tools/, on pytest's pythonpath

    from llmwidgets.sandbox import private_state

    _session.enter_context(private_state())
    # nbval starts its kernels with the KernelManager its module imported: ours forks them.
    patches = pytest.MonkeyPatch()
    patches.setattr(nbval.kernel, "KernelManager", ForkingKernelManager)
    _session.callback(patches.undo)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Only a run that starts kernels pays for the fork server (not `make check`)."""
    from kernels import fork_server

    if any(i.path.suffix == ".ipynb" or i.get_closest_marker("kernel") for i in session.items):
        _session.enter_context(fork_server())


def pytest_unconfigure(config: pytest.Config) -> None:
    _session.close()
