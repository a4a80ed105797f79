"""What anywidget's `_repr_mimebundle_` gives back, as the (data, metadata) pair IPython wants.

Every widget here adds a static view (HTML and text) to its live one, for GitHub, nbconvert
and papermill copies, which never run the widget's JavaScript.
"""

from __future__ import annotations

from typing import Any

__all__ = ["split_bundle"]


def split_bundle(found: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """anywidget returns (data, metadata), or a bare dict or None on some versions."""
    data, metadata = found if isinstance(found, tuple) else (found or {}, {})
    return dict(data), dict(metadata)
