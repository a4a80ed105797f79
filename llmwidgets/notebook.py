"""What a curriculum notebook uses to stop early, in the open, on a provider that cannot
run the rest of it.

    if not message.tool_calls and "tool_choice" in provider.ignored_params:
        skip_rest(f"{provider.label} ignores tool_choice and the model answered in text.")

The cell shows one line instead of a traceback, Run All stops there, and
`tools/curriculum.py` records the notebook as skipped, with the reason, in
notebooks/PROVIDERS.md.
"""

from __future__ import annotations

from typing import NoReturn

__all__ = ["NotebookSkipped", "skip_rest"]


class NotebookSkipped(Exception):
    """The rest of this notebook cannot run on this provider; the message says why."""

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"⏭ The rest of this notebook is skipped: {self}"]


def skip_rest(reason: str) -> NoReturn:
    """Stop the notebook here, saying why, without a traceback."""
    raise NotebookSkipped(reason)
