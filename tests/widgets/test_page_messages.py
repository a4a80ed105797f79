"""Every widget hears its page through one table and one guard (widgets/page.py): a
message it does not know is ignored, a failure is one line in `error`, never a traceback,
and no key is in that line."""

from __future__ import annotations

from typing import Any, ClassVar

import anywidget
import pytest
import traitlets
from support.frontend import frontend_sends

from llmwidgets.redaction import register_key
from llmwidgets.widgets.page import PageMessages, PageTable, index_in


class Page(PageMessages, anywidget.AnyWidget):
    _esm = "export default { render() {} };"
    error = traitlets.Unicode("").tag(sync=True)
    _page_messages: ClassVar[PageTable] = {
        "ask": lambda page, message: page.heard.append(message["text"]),
        "break": lambda page, message: page.fail(message["why"]),
    }

    def __init__(self) -> None:
        super().__init__()
        self.heard: list[str] = []
        self.on_msg(self._on_page_message)

    def fail(self, why: str) -> None:
        raise RuntimeError(f"the server said: {why}")


@pytest.mark.parametrize("odd", [["ask"], "ask", {"type": "nope"}, {"no": "type"}, {"type": 3}])
def test_what_the_table_does_not_name_is_ignored(odd: Any) -> None:
    page = Page()
    frontend_sends(page, odd) if isinstance(odd, dict) else page._on_page_message(page, odd, [])
    assert page.heard == [] and page.error == ""


def test_a_failure_is_one_line_without_the_key(canary_key: str) -> None:
    register_key(canary_key)
    page = Page()
    frontend_sends(page, {"type": "ask", "text": "hello"})
    frontend_sends(page, {"type": "break", "why": f"bad key {canary_key}\nsecond line"})
    assert page.heard == ["hello"]
    assert page.error.startswith("RuntimeError") and "\n" not in page.error
    assert canary_key not in page.error
    frontend_sends(page, {"type": "ask"})  # a message missing its text: KeyError, one line
    assert "KeyError" in page.error and page.heard == ["hello"]


def test_an_index_names_one_of_the_things_shown() -> None:
    assert [index_in(v, 3) for v in (0, 2, 3, -1, True, "1", 1.0, None)] == [
        0,
        2,
        None,
        None,
        None,
        None,
        None,
        None,
    ]
