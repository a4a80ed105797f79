"""Forked kernels (tools/kernels.py) are kernels like any other, only ready sooner.

The whole run uses them (the root conftest starts the fork server): a notebook must not be
able to tell. Each check runs the same cells in a forked kernel and in one launched as
jupyter_client launches it, and compares what a notebook could see.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time

import nbformat
import pytest
from kernels import (
    REQUEST_SECONDS,
    SERVER,
    ForkedKernel,
    ForkingKernelManager,
    ForkProvisioner,
    fork_server,
)
from support.processes import gone, parent_of

PROBE = """\
import json, os, sys, threading
import matplotlib, pandas as pd, ipywidgets
import matplotlib.pyplot as plt
plt.plot([1, 2])  # draws through the inline backend, as a notebook's figure does
print(json.dumps({
    "cwd": os.getcwd(),
    "path": sys.path,
    "variable": os.environ.get("KERNEL_PROBE"),
    "pandas": {name: repr(pd.get_option(name)) for name in pd._config.config._registered_options},
    "matplotlib": {name: repr(value) for name, value in matplotlib.rcParams.items()},
    "backend": matplotlib.get_backend(),
    "own_session": os.getsid(0) == os.getpid(),
    "stdin": sys.stdin is None or not sys.stdin.isatty(),
    "user_names": sorted(n for n in get_ipython().user_ns if not n.startswith("_")),
    "comm_targets": sorted(get_ipython().kernel.comm_manager.targets),
    "post_execute": sorted(f.__name__ for f in get_ipython().events.callbacks["post_execute"]),
}))
"""


def probe(run_notebook, tmp_path, monkeypatch, forked: bool) -> dict:
    if not forked:
        monkeypatch.delenv(SERVER)
    monkeypatch.setenv("KERNEL_PROBE", "forked" if forked else "launched")
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(PROBE)]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    run_notebook(book, cwd=tmp_path)
    printed = [o for o in book.cells[0].outputs if o.get("name") == "stdout"]
    return json.loads(printed[0]["text"])


def test_a_forked_kernel_sees_what_a_launched_one_sees(run_notebook, tmp_path, monkeypatch):
    assert os.environ.get(SERVER), "the run's kernels are not forked: the root conftest"
    forked = probe(run_notebook, tmp_path, monkeypatch, forked=True)
    launched = probe(run_notebook, tmp_path, monkeypatch, forked=False)
    assert forked.pop("variable") == "forked" and launched.pop("variable") == "launched"
    assert forked == launched
    assert forked["cwd"] == str(tmp_path) and forked["own_session"]


def test_a_forked_kernel_is_interrupted_and_shut_down_as_a_launched_one(run_notebook):
    manager = ForkingKernelManager(kernel_name="python3")
    manager.start_kernel()
    assert isinstance(manager.provisioner, ForkProvisioner)
    assert isinstance(manager.provisioner.process, ForkedKernel)
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=30)
        pid = manager.provisioner.pid
        os.kill(pid, 0)  # alive, and ours to signal
        msg_id = client.execute("import time; time.sleep(60)")
        time.sleep(1)
        manager.interrupt_kernel()  # SIGINT, as Kernel → Interrupt sends it
        reply = client.get_shell_msg(timeout=10)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["ename"] == "KeyboardInterrupt"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)
    assert not manager.is_alive()
    with pytest.raises(ProcessLookupError):  # reaped by the fork server, not a zombie
        os.kill(pid, 0)


def test_a_kernel_with_other_interpreter_settings_is_launched(run_notebook, tmp_path, monkeypatch):
    """Python reads PYTHONPATH and the like as it starts: a fork has the server's, so such a
    kernel is launched, and sees its own."""
    extra = tmp_path / "extra"
    extra.mkdir()
    monkeypatch.setenv("PYTHONPATH", str(extra))
    manager = ForkingKernelManager(kernel_name="python3")
    manager.start_kernel()
    try:
        assert isinstance(manager.provisioner, ForkProvisioner)
        assert not isinstance(manager.provisioner.process, ForkedKernel)
    finally:
        manager.shutdown_kernel(now=True)
    seen = probe(run_notebook, tmp_path, monkeypatch, forked=True)
    assert str(extra) in seen["path"]


def test_kernels_end_with_their_fork_server(run_notebook, monkeypatch):
    """However the fork server ends (here SIGKILL, as a deadline ends a stuck run), its
    kernels end too: none is left running on a CI machine."""
    monkeypatch.delenv(SERVER)
    with fork_server():
        manager = ForkingKernelManager(kernel_name="python3")
        manager.start_kernel()
        kernel = manager.provisioner.process
        assert isinstance(kernel, ForkedKernel)
        os.kill(parent_of(kernel.pid), signal.SIGKILL)  # the fork server
        assert gone(kernel.pid), "a kernel outlived its fork server"
        assert kernel.wait(10) == -signal.SIGKILL  # as ForkedKernel says when none can tell
        manager.cleanup_resources()


def test_a_bad_client_holds_up_no_kernel(run_notebook):
    """A request that is not one is dropped, and a client that never writes is dropped after
    a few seconds: the fork server goes on forking for the others."""
    with (
        socket.socket(socket.AF_UNIX) as garbage,
        socket.socket(socket.AF_UNIX) as silent,
    ):
        garbage.settimeout(10)
        garbage.connect(os.environ[SERVER])
        garbage.sendall(b'{"args": []}\n')
        assert garbage.recv(1) == b""  # closed, no kernel
        silent.connect(os.environ[SERVER])  # and says nothing
        manager = ForkingKernelManager(kernel_name="python3")
        started = time.monotonic()
        manager.start_kernel()
        try:
            assert isinstance(manager.provisioner.process, ForkedKernel)
            assert time.monotonic() - started < REQUEST_SECONDS + 10
        finally:
            manager.shutdown_kernel(now=True)
