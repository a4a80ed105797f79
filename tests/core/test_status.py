"""One status vocabulary (llmwidgets/status.py) for every widget, its page and its CSS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import traitlets

from llmwidgets.status import ENDED, Status
from llmwidgets.widgets.cell import StreamCell

STATIC = Path(__file__).resolve().parents[2] / "llmwidgets" / "widgets" / "static"
WORDS = {s.value for s in Status}


def test_a_widget_takes_only_the_vocabularys_words():
    cell = StreamCell()
    cell.status = "streaming"
    cell.status = Status.DONE
    with pytest.raises(traitlets.TraitError):
        cell.status = "finished"


def test_the_pages_style_only_statuses_that_exist():
    """A widget's root (`classList.add("llmw", "llmw-chat")`) shows its status as
    data-status; a word its CSS styles that no widget can have would never be drawn."""
    roots = {
        name
        for js in STATIC.glob("*.js")
        for name in re.findall(r'classList\.add\("llmw", "(llmw-[\w-]+)"\)', js.read_text())
    }
    styled = {
        word
        for css in STATIC.glob("*.css")
        for root, word in re.findall(r'\.(llmw-[\w-]+)\[data-status="([^"]+)"\]', css.read_text())
        if root in roots
    }
    assert len(roots) >= 9 and styled and styled <= WORDS, styled - WORDS


def test_an_ended_status_is_known_by_its_word():
    assert "done" in ENDED and Status.STOPPED in ENDED and "streaming" not in ENDED
