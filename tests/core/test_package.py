"""The package surface: light to import, exactly the names we mean to export."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import llmwidgets


def test_public_names_come_from_one_table() -> None:
    """`_EXPORTS` is the table: `__all__` is made from it, each name is its module's own,
    and the block type checkers read names exactly the same modules (read from source)."""
    assert llmwidgets.__all__ == sorted(llmwidgets._EXPORTS)
    for name, module in llmwidgets._EXPORTS.items():
        defined = importlib.import_module(f"llmwidgets.{module}")
        assert name in defined.__all__, f"{name} is not in llmwidgets.{module}.__all__"
        assert getattr(llmwidgets, name) is getattr(defined, name)
    tree = ast.parse(Path(llmwidgets.__file__).read_text())
    checking = next(
        n for n in tree.body if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test)
    )
    typed = {
        alias.name: node.module
        for node in checking.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert typed == llmwidgets._EXPORTS


def test_version_is_the_installed_one() -> None:
    assert llmwidgets.__version__ == importlib.metadata.version("llmwidgets")
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", llmwidgets.__version__)


def test_import_is_light() -> None:
    """`import llmwidgets` must not pull in the SDK, widgets or pandas, and stays < 0.3 s."""
    code = (
        "import sys, time\n"
        "t = time.perf_counter(); import llmwidgets; elapsed = time.perf_counter() - t\n"
        "heavy = sorted(m for m in ('openai', 'ipywidgets', 'anywidget', 'pandas', 'httpx2',"
        " 'dotenv', 'tiktoken', 'genai_prices') if m in sys.modules)\n"
        "print(elapsed, ','.join(heavy))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split(" ")
        for _ in range(3)
    ]
    assert all(heavy.strip() == "" for _, heavy in runs), runs
    assert min(float(elapsed) for elapsed, _ in runs) < 0.3, runs
