"""A student's home on first login: the curriculum and the exercises, set to the class's proxy.

The hub's spawner calls `furnish(home)` before each server starts. The first time, it
copies `notebooks/` and the exercises' student copies (never their solutions) into the
home, each notebook's parameters cell set as papermill's `-p PROVIDER litellm` would set
it, so "Run all" goes through the proxy with the student's own key. Later logins leave the
home as the student left it. Standard library only: the hub imports it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

__all__ = ["furnish"]

ROOT = Path(__file__).resolve().parents[1]
PARAMETERS = 'PROVIDER = "{provider}"  # the class\'s proxy, with your own key\nMODEL = None'


def furnish(home: Path, *, provider: str = "litellm") -> bool:
    """Copy the course into `home` unless it is there already; True when it copied."""
    if (home / "notebooks").exists():
        return False
    home.mkdir(parents=True, exist_ok=True)
    for folder in ("notebooks", "exercises"):
        target = home / folder
        target.mkdir()
        for source in sorted((ROOT / folder).iterdir()):
            if source.suffix == ".ipynb":
                _copy_notebook(source, target / source.name, provider)
            elif source.name in ("README.md", "PROVIDERS.md"):
                shutil.copy2(source, target / source.name)
    return True


def _copy_notebook(source: Path, target: Path, provider: str) -> None:
    notebook = json.loads(source.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            cell["source"] = PARAMETERS.format(provider=provider)
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
