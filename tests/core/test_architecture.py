"""The package's layers, read from its source: no import circles, a core that imports no
widget library, and a sandbox launcher that loads no model. See ARCHITECTURE.md."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "llmwidgets"
WIDGET_LIBRARIES = ("ipywidgets", "anywidget", "traitlets", "comm", "IPython.display")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """Every module `name` imports, at the top or inside a function (lazily), but not the
    names imported under `if TYPE_CHECKING:`, which never run."""
    path = MODULES[name]
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in MODULES else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


GRAPH = {name: {m for m in imports_of(name) if m in MODULES} for name in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_the_import_graph_is_read() -> None:
    assert "llmwidgets.redaction" in GRAPH["llmwidgets.keys"]
    assert "llmwidgets.widgets.meter_view" in GRAPH["llmwidgets.widgets.meter"]
    assert "llmwidgets.sandbox.command" in GRAPH["llmwidgets.cli"]  # `from .sandbox import x`
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_no_import_circles() -> None:
    assert cycles(GRAPH) == []


LEAVES = {
    "llmwidgets.redaction",
    "llmwidgets.environment",
    "llmwidgets.errors",
    "llmwidgets._constants",
    "llmwidgets.throttle",
}


@pytest.mark.parametrize("name", sorted(LEAVES))
def test_leaves_need_only_the_standard_library(name: str) -> None:
    """What everything imports must be importable everywhere, cheaply."""
    for imported in imports_of(name):
        top = imported.partition(".")[0]
        assert imported in LEAVES or top in sys.stdlib_module_names or top == "__future__", (
            f"{name} imports {imported}"
        )


@pytest.mark.parametrize("name", [m for m in MODULES if not m.startswith("llmwidgets.widgets")])
def test_the_core_imports_no_widget_library(name: str) -> None:
    """Not at the top, not lazily: widgets live in llmwidgets/widgets/ only."""
    outside = {m for m in imports_of(name) if m.startswith(WIDGET_LIBRARIES)}
    inward = {m for m in GRAPH[name] if m.startswith("llmwidgets.widgets")}
    assert not outside, f"{name} imports {sorted(outside)}"
    assert not inward, f"{name} imports the widget layer: {sorted(inward)}"


def loaded_after(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {name.partition(".")[0] for name in done.stdout.split()}


def test_using_the_core_loads_no_widget_library(loopback) -> None:
    loaded = loaded_after(
        "import llmwidgets\n"
        f"client = llmwidgets.connect('custom', base_url='{loopback.origin}/v1')\n"
        "listing = llmwidgets.list_models(client)\n"
        "from llmwidgets.usage import UsageLog\n"
        "from llmwidgets.streaming import StreamAccumulator\n"
        "log = UsageLog(); log.add('openai', 'gpt-4o-mini', 10, 5); log.ledger\n"
        "StreamAccumulator()\n"
        "assert listing.from_api, listing.note"
    )
    assert "openai" in loaded and "pandas" in loaded  # the code above really ran
    assert not loaded & {"ipywidgets", "anywidget", "traitlets", "comm"}


def test_the_sandbox_launcher_loads_no_model() -> None:
    loaded = loaded_after(
        "import llmwidgets.sandbox, llmwidgets.sandbox.launcher, llmwidgets.sandbox.command\n"
        "import llmwidgets.cli\n"
        "llmwidgets.sandbox.state_dir()"
    )
    assert not loaded & {"llama_cpp", "numpy", "starlette", "uvicorn", "openai", "httpx2"}
