"""The widgets' ES modules, read as text: what a browser test would only see as a slow leak."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[1] / "llmwidgets" / "widgets" / "static"


@pytest.mark.parametrize("path", sorted(STATIC.glob("*.js")), ids=lambda p: p.name)
def test_a_view_stops_listening_to_its_model_when_it_goes(path: Path) -> None:
    """A view goes when its cell is run again or its output cleared; the model stays. Each
    `model.on` in `render` needs its `model.off` in the function `render` returns, which
    anywidget calls then (else every old view goes on redrawing, unseen)."""
    source = path.read_text()
    added = len(re.findall(r"\bmodel\.on\(", source))
    removed = len(re.findall(r"\bmodel\.off\(", source))
    assert added == removed, f"{path.name}: {added} model.on, {removed} model.off"
    if added:
        assert re.search(r"return \(\) =>", source), f"{path.name}: render returns no cleanup"
