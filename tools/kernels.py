"""Jupyter kernels for running notebooks in tests and in the provider matrix: fast, no hangs.

    with fork_server():                      # once, around many notebook runs
        NotebookClient(book, kernel_manager_class=PatientKernelManager).execute()
        papermill.execute_notebook(..., kernel_manager_class=PatientKernelManager)

**Fast.** A kernel costs about 3 s of CPU before a notebook's first cell has done anything:
a Python process, IPython, and the imports every notebook of the course makes (openai,
pandas, matplotlib, llmwidgets). A test run starts some 370 of them. Inside `fork_server()`,
one process imports IPython's kernel and the openai SDK once and forks a fresh kernel for
each notebook, in a new session, with the notebook's own environment and folder: a real
IPython kernel from a clean process (nothing a notebook did is in it), which finds those
modules already imported. Outside `fork_server()`, or for any other kernel command, kernels
start as usual.

**No hangs.** nbclient waits for a cell's reply with one `poll(timeout)` on an asyncio
ZeroMQ socket, which wakes on an edge of ZeroMQ's file descriptor; once in some hundreds of
runs (a cell with widgets, whose comm messages travel beside the reply) that edge is missed:
the reply sits in the socket, the kernel is idle, and nbclient waits out the whole cell
timeout (jupyter/nbclient#312; seen in the matrix, ten minutes lost). The patient channels
poll in short steps, each looking at the socket afresh, so a missed wake-up costs a step.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_client import AsyncKernelClient, AsyncKernelManager, KernelManager
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.provisioning import LocalProvisioner
from traitlets import HasTraits, Type, default

__all__ = ["ForkingKernelManager", "PatientKernelManager", "fork_server", "set_environment"]

STEP_SECONDS = 0.5
# What the course's kernels import, loaded once by the fork server (2 s of a kernel's 2.5 s
# of imports), each as a kernel imports it: matplotlib reads MPLBACKEND, which ipykernel
# sets before any cell runs; pandas sets its display defaults by whether it runs in an
# IPython kernel. Besides the modules a notebook names, those that come later: the
# debugger a kernel sets up as it starts, the SDK's resources (lazy until a client uses
# them: `_warm_sdk`), prices, and jsonschema, which structured outputs and checks import:
# building its IRI grammars (rfc3987-syntax) costs 1.8 s of CPU in each process that
# imports it. Not here: modules that hook into the running IPython when imported
# (ipywidgets registers its comm targets, matplotlib_inline its figure display); each
# kernel imports those itself. tests/curriculum/test_kernels.py compares what a notebook
# can see.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.debugger",
    "openai",
    "llmwidgets",
    "matplotlib.pyplot",
    "genai_prices.data",
    "jsonschema",
    "markdown_it",
)
TIKTOKEN_MODEL = "gpt-4o"  # o200k_base, the encoding token counts use: 0.9 s of CPU to load
IN_A_KERNEL = ("pandas",)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
SERVER = "LLMWIDGETS_TEST_FORK_SERVER"  # the fork server's socket, for this process's kernels
ANSWER_SECONDS = 60  # the fork server starts, or answers a request, within this or is stuck
REQUEST_SECONDS = 5  # a client writes its one-line request at once, or is dropped


# -- patient channels --------------------------------------------------------------------


class PatientChannel(AsyncZMQSocketChannel):
    """`get_msg(timeout)` as a series of short polls, each one checking the socket anew."""

    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = STEP_SECONDS if deadline is None else deadline - time.monotonic()
            try:
                return await super().get_msg(timeout=max(0.0, min(STEP_SECONDS, left)))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise


class PatientKernelClient(AsyncKernelClient):
    shell_channel_class = Type(PatientChannel)
    iopub_channel_class = Type(PatientChannel)
    control_channel_class = Type(PatientChannel)


# -- kernel managers ---------------------------------------------------------------------


class _Forking(HasTraits):
    """Mixed into a kernel manager: a kernel comes from the fork server when one is running,
    and talks over Unix sockets. TCP would take five ports a kernel, picked free and bound a
    moment later: with kernels starting side by side, a port JupyterLab or LiteLLM's proxy
    had picked was sometimes taken meanwhile (and TCP warns that it is unencrypted)."""

    @default("transport")
    def _unix_sockets(self) -> str:
        return "ipc"

    @default("ip")
    def _socket_path(self) -> str:
        """Where its sockets are (`<ip>-<port>`): an absolute path of its own, since a kernel
        runs in its notebook's folder (jupyter_client removes the files at shutdown)."""
        import uuid

        return str(Path(tempfile.gettempdir()) / f"kernel-{uuid.uuid4().hex}")

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        address = os.environ.get(SERVER)
        if address and getattr(self, "provisioner", None) is None:
            import uuid

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))  # type: ignore[attr-defined]
            self.provisioner = ForkProvisioner(
                kernel_id=self.kernel_id,
                kernel_spec=self.kernel_spec,  # type: ignore[attr-defined]
                parent=self,
                server=address,
            )
        return await super()._async_pre_start_kernel(**kw)  # type: ignore[misc]


class PatientKernelManager(_Forking, AsyncKernelManager):
    """For nbclient and papermill: forked when it can be, patient channels always."""

    @default("client_factory")
    def _patient_client(self) -> type[PatientKernelClient]:
        return PatientKernelClient


class ForkingKernelManager(_Forking, KernelManager):
    """For nbval, whose blocking client polls ZeroMQ directly (no missed edges there)."""


class ForkProvisioner(LocalProvisioner):  # type: ignore[misc]
    """LocalProvisioner, with the kernel process asked of the fork server instead of Popen.
    Signals, polling and waiting go through `ForkedKernel`, which acts as the Popen."""

    def __init__(self, server: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.server = server

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or Path.cwd())
        forked = None
        if cmd[:3] == [sys.executable, "-m", "ipykernel_launcher"]:  # not another kernel
            forked = ForkedKernel.ask(self.server, cmd[3:], env, cwd)
        if forked is None:  # started as usual
            return await super().launch_kernel(cmd, **kwargs)
        self.process = forked
        self.pid = self.pgid = self.process.pid  # a session of its own: its group is its pid
        self.cwd = cwd
        return self.connection_info


class ForkedKernel:
    """What `subprocess.Popen` is to a launched kernel, for a forked one. The fork server is
    its parent: it says on this kernel's connection when the kernel has exited."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, connection: socket.socket) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._connection = connection

    @classmethod
    def ask(
        cls, server: str, args: list[str], env: dict[str, str], cwd: str
    ) -> ForkedKernel | None:
        """A kernel forked for this request; None when the fork server cannot make it as a
        launched kernel would be (an interpreter setting that differs from its own)."""
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(ANSWER_SECONDS)  # a stuck server fails the start, never hangs it
        try:
            connection.connect(server)
            request = {"args": args, "env": env, "cwd": cwd}
            connection.sendall(json.dumps(request).encode() + b"\n")
            answer = _read_line(connection)
        except BaseException:
            connection.close()
            raise
        if not answer.isdigit():
            connection.close()
            if answer == "launch":
                return None
            raise RuntimeError(f"the kernel fork server did not fork a kernel: {answer!r}")
        connection.settimeout(None)  # from now on, waited on with select()
        return cls(int(answer), connection)

    def poll(self) -> int | None:
        return self.returncode if self.returncode is not None else self._wait(0)

    def wait(self, timeout: float | None = None) -> int:
        code = self.returncode if self.returncode is not None else self._wait(timeout)
        if code is None:
            raise subprocess.TimeoutExpired(["forked kernel"], timeout or 0)
        return code

    def _wait(self, timeout: float | None) -> int | None:
        """The exit code once the fork server has said it (in one line, written whole)."""
        if select.select([self._connection], [], [], timeout)[0]:
            line = _read_line(self._connection)
            self.returncode = int(line.removeprefix("exit ")) if line else -signal.SIGKILL
            self._connection.close()
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _read_line(connection: socket.socket) -> str:
    """One line from a socket; "" when it closed first."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(1)
        if not chunk:
            return ""
        data += chunk
    return data.decode().strip()


# -- the fork server ---------------------------------------------------------------------


@contextlib.contextmanager
def fork_server() -> Iterator[str]:
    """A fork server for the kernels this process (and its children) start, until the end
    of the block. Yields its socket's path."""
    if os.environ.get(SERVER):  # one already serves us (a parent's)
        yield os.environ[SERVER]
        return
    with tempfile.TemporaryDirectory(prefix="kernels-") as folder:
        address = str(Path(folder) / "fork.sock")
        process = subprocess.Popen(
            [sys.executable, __file__, "serve", address],
            stdout=subprocess.PIPE,
            start_new_session=True,  # Ctrl-C reaches it through us, not twice
        )
        assert process.stdout is not None
        started = select.select([process.stdout], [], [], ANSWER_SECONDS)[0]
        ready = process.stdout.readline().decode().strip() if started else "(no answer)"
        if ready != "ready":
            process.kill()
            process.wait()
            raise RuntimeError(f"the kernel fork server did not start: {ready!r}")
        process.stdout.close()
        os.environ[SERVER] = address
        try:
            yield address
        finally:
            del os.environ[SERVER]
            process.terminate()  # it stops its kernels, which also die with it
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def serve(address: str) -> None:
    """The fork server's loop: preload, then fork a kernel per request and report its exit."""
    _preload()
    assert threading.active_count() == 1, "a preloaded module started a thread: fork is unsafe"
    if sys.path and Path(sys.path[0]) == Path(__file__).parent:
        del sys.path[0]  # a kernel's sys.path has no tools/ in it
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(64)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    parent = os.getppid()
    parent_of_kernels = os.getpid()
    interpreter = _interpreter_settings(dict(os.environ))
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    kernels: dict[int, socket.socket] = {}
    print("ready", flush=True)
    # Kernels inherit our descriptors: no stdin, and stdout goes nowhere (jupyter_client gives
    # a kernel the same), not into the pipe that said "ready", which nobody reads any more.
    quiet = os.open(os.devnull, os.O_RDWR)
    os.dup2(quiet, 0)
    os.dup2(quiet, 1)
    try:
        while os.getppid() == parent:  # the process that started us is gone: so are we
            if selector.select(timeout=0.05):
                connection, _ = listener.accept()
                connection.settimeout(REQUEST_SECONDS)  # one silent client holds up no other
                try:
                    request = json.loads(_read_line(connection))
                    if {"args", "env", "cwd"} - set(request):  # all there, before a fork
                        raise ValueError(f"not a kernel request: {request!r}")
                    settings = _interpreter_settings(request["env"])
                except (OSError, ValueError, TypeError, AttributeError):
                    connection.close()
                    continue
                if settings != interpreter:
                    # PYTHONPATH, PYTHONHASHSEED, ...: read at start-up, so only a launch has them
                    with contextlib.suppress(OSError):
                        connection.sendall(b"launch\n")
                    connection.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    selector.close()
                    listener.close()
                    for other in kernels.values():
                        other.close()
                    connection.close()
                    _become_kernel(request, server=parent_of_kernels)
                kernels[pid] = connection
                with contextlib.suppress(OSError):
                    connection.sendall(f"{pid}\n".encode())
            _reap(kernels)
    finally:
        for pid in kernels:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGTERM)


@contextlib.contextmanager
def set_environment(values: dict[str, str]) -> Iterator[None]:
    """`values` set in this process's environment (which the kernels it starts inherit)
    for the block, and put back as they were after it."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _warm_sdk() -> None:
    """Import the SDK's resources as a notebook's first calls do: the SDK loads them when a
    client first uses them, from modules whose names are generated. Nothing is sent."""
    import openai

    client = openai.OpenAI(api_key="preload", base_url="http://127.0.0.1:9/v1")
    for resource in (client.chat.completions, client.responses, client.models, client.embeddings):
        assert resource is not None
    client.close()


def _preload() -> None:
    import builtins
    import importlib

    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)  # as ipykernel sets it
    # debugpy warns on stderr, as it imports, that Python's frozen modules may hide
    # breakpoints: said in every kernel's own log, not in the fork server's
    with set_environment({"PYDEVD_DISABLE_FILE_VALIDATION": "1"}):
        for name in PRELOAD:
            importlib.import_module(name)
    _warm_sdk()
    from llmwidgets.tokens import encoding_for

    encoding_for(TIKTOKEN_MODEL)

    class Kernel:  # what pandas looks at: `get_ipython().kernel`, `sys.stdout.encoding`
        kernel = True
        encoding = "UTF-8"  # ipykernel's OutStream's

    builtins.get_ipython = Kernel  # type: ignore[attr-defined]
    stdout, sys.stdout = sys.stdout, Kernel  # type: ignore[assignment]
    try:
        for name in IN_A_KERNEL:
            importlib.import_module(name)
    finally:
        sys.stdout = stdout
        del builtins.get_ipython  # type: ignore[attr-defined]


def _reap(kernels: dict[int, socket.socket]) -> None:
    while kernels:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        connection = kernels.pop(pid, None)
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
            connection.close()


def _interpreter_settings(env: dict[str, str]) -> dict[str, str]:
    """The environment Python reads when it starts: a forked kernel has the server's."""
    return {name: value for name, value in env.items() if name.startswith("PYTHON")}


def _become_kernel(request: dict[str, Any], server: int) -> None:
    """In the forked child: become `python -m ipykernel_launcher ARGS` started in `cwd`
    with `env`, as jupyter_client would have started it. Never returns."""
    code = 1
    try:
        os.setsid()
        _die_with(server)
        for signum in (signal.SIGTERM, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        _reseed()
        sys.argv = ["ipykernel_launcher", *request["args"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()  # onto the fork server's stderr, as a launched kernel's would
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _die_with(parent: int) -> None:
    """A kernel gets SIGTERM when the fork server ends, however it ends (Linux's
    PR_SET_PDEATHSIG; elsewhere the server's own cleanup stops its kernels)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it ended before the line above: nobody would say so
        os._exit(1)


def _reseed() -> None:
    """A forked process inherits its parent's random state: `random` reseeds itself on fork,
    NumPy's global generator does not."""
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2])
