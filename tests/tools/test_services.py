"""tools/services.py: a server for a test or a class is waited for, its failure explained,
and stopped whatever happens."""

from __future__ import annotations

import sys
import urllib.request
from pathlib import Path

import pytest
from services import ServiceFailed, free_port, service  # tools/
from support.processes import gone, running


def _answers(url: str) -> bool:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with direct.open(url, timeout=2) as response:
        return bool(response.status == 200)


def test_a_server_is_ready_when_it_answers_and_stopped_after(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    with service(
        command, log=tmp_path / "log", ready=lambda: _answers(url), what="a server", start_s=30
    ) as process:
        assert _answers(url) and running(process.pid)
    assert gone(process.pid)


def test_a_server_that_exits_fails_the_start_with_its_log(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "print('port 80 is not yours'); raise SystemExit(3)"]
    with (
        pytest.raises(ServiceFailed, match=r"(?s)a server exited \(3\):.*port 80 is not yours"),
        service(command, log=tmp_path / "log", ready=lambda: False, what="a server", start_s=30),
    ):
        pass


def test_a_server_that_never_answers_fails_in_time_and_is_stopped(tmp_path: Path) -> None:
    says_its_pid = "import os, time; print(os.getpid(), flush=True); time.sleep(60)"
    command = [sys.executable, "-c", says_its_pid]
    with (
        pytest.raises(ServiceFailed, match="did not answer within 1 s"),
        service(command, log=tmp_path / "log", ready=lambda: False, what="a server", start_s=1),
    ):
        pass
    assert gone(int((tmp_path / "log").read_text().split()[0]))
