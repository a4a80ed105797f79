"""The class's JupyterHub (jupyterhub_config.py), started and driven from Python: by
`run.py` (`make classroom`) and by the end-to-end test.

    with jupyterhub(state, env) as hub:                      # free ports, stopped after
        notebook = hub.run("alice", nbformat_notebook)      # outputs filled in, saved
        hub.stop("alice")

`Hub` drives it as a script would, with a service token: start a student's server through
the hub's REST API, run a notebook cell by cell in a kernel there (Jupyter's kernel
websocket, through the hub's own proxy), save it with the Contents API, stop the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from services import free_port, service  # tools/

HUB_START_TIMEOUT_S = 90.0
SERVER_START_TIMEOUT_S = 180.0


@dataclass
class Hub:
    url: str  # where students connect
    token: str  # the classroom-driver service's token
    log: Path

    def _request(self, method: str, url: str, body: Any = None) -> tuple[int, Any]:
        from tornado.httpclient import HTTPClient, HTTPRequest

        request = HTTPRequest(
            url,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
            body=None if body is None else json.dumps(body),
            allow_nonstandard_methods=True,
            request_timeout=120,
        )
        client = HTTPClient()
        try:
            answer = client.fetch(request, raise_error=False)
        finally:
            client.close()
        return answer.code, json.loads(answer.body) if answer.body else None

    def api(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        return self._request(method, f"{self.url}/hub/api{path}", body)

    def start(self, user: str) -> str:
        """Start `user`'s server; returns its URL prefix (`/user/alice/`) once it is ready."""
        if self.api("GET", f"/users/{user}")[0] == 404:  # added to the class list since
            self.api("POST", f"/users/{user}")
        status, answer = self.api("POST", f"/users/{user}/server", {})
        if status not in (201, 202, 400):  # 400: already running
            raise RuntimeError(f"starting {user}'s server: {status} {answer}")
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            _, info = self.api("GET", f"/users/{user}")
            server = (info or {}).get("servers", {}).get("", {})
            if server.get("ready"):
                return str(server["url"])
            time.sleep(0.5)
        raise RuntimeError(f"{user}'s server did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self, user: str) -> None:
        self.api("DELETE", f"/users/{user}/server")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.api("GET", f"/users/{user}")[1]["servers"]:
            time.sleep(0.3)

    def run(
        self, user: str, notebook: Any, *, path: str = "run.ipynb", timeout_s: float = 600
    ) -> Any:
        """Run every code cell in a fresh kernel on `user`'s server (started if need be),
        fill in the outputs, stop at the first error, save the notebook there as `path`."""
        prefix = self.start(user)
        base = self.url + prefix.rstrip("/")
        status, kernel = self._request("POST", f"{base}/api/kernels", {"name": "python3"})
        assert status == 201, (status, kernel)
        try:
            asyncio.run(self._execute(base, kernel["id"], notebook, timeout_s))
        finally:
            self._request("DELETE", f"{base}/api/kernels/{kernel['id']}")
        content = {"type": "notebook", "format": "json", "content": notebook}
        status, _ = self._request("PUT", f"{base}/api/contents/{path}", content)
        assert status in (200, 201), status
        return notebook

    def saved(self, user: str, path: str) -> str:
        """A notebook as saved on `user`'s server, as its raw JSON text."""
        prefix = self.start(user)
        status, answer = self._request(
            "GET",
            f"{self.url}{prefix.rstrip('/')}/api/contents/{path}?content=1&format=text&type=file",
        )
        assert status == 200, status
        return str(answer["content"])

    async def _execute(self, base: str, kernel_id: str, notebook: Any, timeout_s: float) -> None:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        url = base.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels"
        socket_ = await websocket_connect(
            HTTPRequest(url, headers={"Authorization": f"token {self.token}"}),
            max_message_size=64 * 1024 * 1024,
        )
        deadline = time.monotonic() + timeout_s
        try:
            for cell in notebook.cells:
                if cell.cell_type != "code":
                    continue
                cell.outputs = []
                msg_id = uuid.uuid4().hex
                socket_.write_message(json.dumps(_execute_request(msg_id, cell.source)))
                while True:
                    left = deadline - time.monotonic()
                    raw = await asyncio.wait_for(socket_.read_message(), max(left, 0.1))
                    if raw is None:
                        raise RuntimeError("the kernel's websocket closed")
                    message = json.loads(raw)
                    if message.get("parent_header", {}).get("msg_id") != msg_id:
                        continue
                    kind = message["msg_type"]
                    if message["channel"] == "iopub" and kind in _OUTPUTS:
                        cell.outputs.append(nbformat.v4.output_from_msg(message))
                    if kind == "status" and message["content"]["execution_state"] == "idle":
                        break
                if any(o.output_type == "error" for o in cell.outputs):
                    error = next(o for o in cell.outputs if o.output_type == "error")
                    raise RuntimeError(f"{error.ename}: {error.evalue}\nin:\n{cell.source}")
        finally:
            # Closing only starts the websocket's closing handshake: wait for its end (the
            # read gives None), or this loop ends with the socket still open.
            socket_.close()
            with contextlib.suppress(Exception):
                while await asyncio.wait_for(socket_.read_message(), 10) is not None:
                    pass


_OUTPUTS = ("stream", "execute_result", "display_data", "error")


def _execute_request(msg_id: str, code: str) -> dict[str, Any]:
    return {
        "header": {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "username": "",
            "session": uuid.uuid4().hex,
            "version": "5.3",
            "date": "",
        },
        "parent_header": {},
        "metadata": {},
        "channel": "shell",
        "content": {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },
    }


@contextlib.contextmanager
def jupyterhub(state: Path, env: dict[str, str], *, port: int = 0) -> Iterator[Hub]:
    """Start jupyterhub_config.py's hub (on free ports unless `port` is given), stopped
    (servers too) after."""
    here = Path(__file__).resolve().parent
    port = port or free_port()
    token = "hub-driver-" + secrets.token_hex(16)
    log = state / "jupyterhub.log"
    environment = {
        **os.environ,
        **env,
        "CLASSROOM_STATE": str(state),
        "CLASSROOM_HUB_PORT": str(port),
        "CLASSROOM_HUB_API_PORT": str(free_port()),
        "CLASSROOM_CHP_API_PORT": str(free_port()),
        "CLASSROOM_SERVICE_TOKEN": token,
        "PYTHONPATH": os.pathsep.join([str(here), os.environ.get("PYTHONPATH", "")]),
    }
    command = [
        str(Path(sys.executable).with_name("jupyterhub")),
        "-f",
        str(here / "jupyterhub_config.py"),
    ]
    hub = Hub(f"http://127.0.0.1:{port}", token, log)
    with service(
        command,
        log=log,
        ready=lambda: hub.api("GET", "/")[0] == 200,
        what="JupyterHub",
        start_s=HUB_START_TIMEOUT_S,
        stop_s=30,  # stopped, the hub stops the servers it spawned
        cwd=state,
        env=environment,
    ):
        yield hub
