"""What a widget's page may send it, as a table, behind one guard.

    class Compare(PageMessages, anywidget.AnyWidget):
        _page_messages = {"stop": lambda grid, message: grid.stop()}

A message that is not a dict, or whose "type" the table does not name, is ignored (a stale
page, another version). A handler's failure becomes one readable line in the widget's
`error`, never a traceback in the kernel's log: a click must not break the widget (one
with no `error` to show it in, the stream cell's Stop, lets it rise).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from ..errors import describe_error
from ..redaction import redact

__all__ = ["PageMessages", "PageTable", "index_in", "one_line"]

# A message's type -> what to do with it: handler(widget, message).
PageTable = Mapping[str, Callable[[Any, dict[str, Any]], None]]


class PageMessages:
    """Mixin for an anywidget: `_page_messages` maps a message's type to its handler,
    `handler(widget, message)`; `__init__` calls `self.on_msg(self._on_page_message)`."""

    _page_messages: ClassVar[PageTable] = {}

    def _on_page_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        handler = self._page_messages.get(str(content.get("type")))
        if handler is None:
            return
        try:
            handler(self, content)
        except Exception as failure:  # one line in the page, never a traceback in the log
            if not hasattr(self, "error"):
                raise
            self.error = one_line(failure)


def one_line(failure: BaseException) -> str:
    """A failure as the page shows it: our own refusals (ValueError, IndexError) in their
    words, anything else as `describe_error` puts it (its class, status, keys redacted)."""
    if isinstance(failure, ValueError | IndexError):
        return redact(str(failure))
    return describe_error(failure)


def index_in(value: Any, size: int) -> int | None:
    """`value` when it is a whole number naming one of `size` things (a bool is not)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < size:
        return value
    return None
