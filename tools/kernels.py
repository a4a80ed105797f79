"""Jupyter kernels for running notebooks in tests and in the provider matrix, without hangs.

    from kernels import PatientKernelManager
    NotebookClient(book, kernel_manager_class=PatientKernelManager).execute()
    papermill.execute_notebook(..., kernel_manager_class=PatientKernelManager)

nbclient waits for a cell's reply with one `poll(timeout)` on an asyncio ZeroMQ socket.
Such a socket wakes on an edge of ZeroMQ's file descriptor, and once in some hundreds of
runs (a cell with widgets, whose comm messages travel beside the reply) that edge is missed:
the reply sits in the socket, the kernel is idle, and nbclient waits out the whole cell
timeout (jupyter/nbclient#312; seen here in the matrix, ten minutes lost). The patient
channels poll in short steps instead, and each step looks at the socket afresh, so a missed
wake-up costs at most a step.
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

from jupyter_client import AsyncKernelClient, AsyncKernelManager
from jupyter_client.channels import AsyncZMQSocketChannel
from traitlets import Type, default

__all__ = ["PatientKernelClient", "PatientKernelManager"]

STEP_SECONDS = 0.5


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


class PatientKernelManager(AsyncKernelManager):
    @default("client_factory")
    def _patient_client(self) -> type[PatientKernelClient]:
        return PatientKernelClient
