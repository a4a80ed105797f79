"""What a browser would send a widget, for tests that have no browser."""

from __future__ import annotations

from typing import Any


def frontend_sends(widget: Any, content: dict[str, Any]) -> None:
    """Deliver a custom message to `widget` as if its view in the browser sent it."""
    widget._handle_msg(
        {"content": {"data": {"method": "custom", "content": content}}, "buffers": []}
    )
