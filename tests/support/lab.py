"""Real JupyterLab in Debian's Chromium, driven by Playwright, for the widget tests.

JupyterLab runs as a child process on 127.0.0.1 with its own settings folder, in which
widget state saving is switched on: a test that a key is not saved proves something only
when everything else is. Chromium is the system's (`/usr/bin/chromium`); Playwright never
downloads a browser here.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(os.environ.get("LLMWIDGETS_TEST_ARTIFACTS", "test-artifacts"))


@dataclass
class Lab:
    url: str
    token: str
    root: Path

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?token={self.token}&reset"


def write_notebook(path: Path, sources: list[str]) -> None:
    cells = [
        {"cell_type": "code", "metadata": {}, "source": s, "outputs": [], "execution_count": None}
        for s in sources
    ]
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook, indent=1))


@contextmanager
def jupyter_lab(root: Path, env: dict[str, str]) -> Iterator[Lab]:
    settings = root.parent / "lab-settings"
    plugin = settings / "@jupyter-widgets" / "jupyterlab-manager"
    plugin.mkdir(parents=True, exist_ok=True)
    (plugin / "plugin.jupyterlab-settings").write_text(json.dumps({"saveState": True}))
    news = settings / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True, exist_ok=True)  # no "get Jupyter news?" toast over the page
    (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    runtime = root.parent / "lab-runtime"  # where the server says which port it got
    token = secrets.token_hex(16)
    log = (root.parent / "jupyter-lab.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--allow-root",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.port=0",  # the system's pick, never a port a kernel took meanwhile
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        ],
        env={
            **os.environ,
            **env,
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(root.parent / "lab-workspaces"),
            "JUPYTER_RUNTIME_DIR": str(runtime),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = ""
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                url = url or _server_url(runtime, process.pid)
                with urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except (URLError, OSError, ValueError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "JupyterLab did not start:\n"
                        + (root.parent / "jupyter-lab.log").read_text()
                    ) from None
                time.sleep(0.5)
        yield Lab(url, token, root)
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _server_url(runtime: Path, pid: int) -> str:
    """The address a server started with port 0 got, from the file it writes once it
    listens (ValueError until then)."""
    info = runtime / f"jpserver-{pid}.json"
    if not info.exists():
        raise ValueError("not listening yet")
    return f"http://127.0.0.1:{json.loads(info.read_text())['port']}"


@contextmanager
def lab_with_notebook(
    tmp_path: Path, name: str, cells: list[str], env: dict[str, str]
) -> Iterator[Lab]:
    """JupyterLab on a fresh folder that holds one notebook, `name`, of these cells."""
    root = tmp_path / "work"
    root.mkdir()
    write_notebook(root / name, cells)
    with jupyter_lab(root, env) as lab:
        yield lab


@contextmanager
def chromium_page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            yield page
        finally:
            browser.close()


def run_cell(page: Any, index: int) -> None:
    """Run cell `index` of the open notebook. By index, not "the active cell": clicking in a
    widget makes its cell the active one."""
    page.evaluate(
        """async (index) => {
            const panel = window.jupyterapp.shell.currentWidget;
            panel.content.activeCellIndex = index;
            await window.jupyterapp.commands.execute('notebook:run-cell');
        }""",
        index,
    )


def wait_for_kernel(page: Any, timeout_s: float = 60) -> None:
    page.wait_for_function(
        "() => window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel"
        "?.status === 'idle'",
        timeout=timeout_s * 1000,
    )


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@contextmanager
def page_for(test: str) -> Iterator[Any]:
    """A Chromium page; if the block fails, the page is kept as `<test>-failure.png` first."""
    with chromium_page() as page:
        try:
            yield page
        except Exception:
            screenshot(page, f"{test}-failure")
            raise


def open_notebook(page: Any, lab: Lab, name: str) -> None:
    """Open notebook `name` and wait until its kernel is idle."""
    page.goto(lab.notebook_url(name))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    wait_for_kernel(page)


def dark_theme(page: Any) -> None:
    """Switch JupyterLab to its dark theme, and let the page settle for a picture."""
    page.evaluate(
        "window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=30_000)
    page.wait_for_timeout(800)


def save_notebook(page: Any) -> None:
    """Save the open notebook (with its widget state), and give the save time to land."""
    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_timeout(2000)
