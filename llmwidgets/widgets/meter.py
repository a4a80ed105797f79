"""The cost meter: a `UsageLog` that shows itself as a live summary with a small plot.

    meter = llmwidgets.session_meter()   # the one `llmwidgets.chat` records into
    meter                                 # shows it; it redraws after every call
    meter.ledger                          # the data, as a DataFrame (see usage.py)

In JupyterLab it is an `ipywidgets.HTML` redrawn on every record; everywhere without
widgets (GitHub, nbconvert, a terminal) the same summary as HTML and text.
"""

from __future__ import annotations

import functools
from typing import Any

import ipywidgets

from ..usage import UsageLog
from .meter_view import render

__all__ = ["SESSION", "CostMeter", "resolve_meter", "session_meter"]

SESSION = object()
"""A widget's default `meter=`: "the session meter", told apart from an explicit None."""


class CostMeter(UsageLog):
    """Records calls (see `UsageLog`); displays as a live summary. No key is ever in it."""

    def __init__(self, budget_usd: float | None = None, *, warn_at: float = 0.8) -> None:
        super().__init__(budget_usd, warn_at=warn_at)
        self._widget: ipywidgets.HTML | None = None
        self.on_record(self._redraw)

    @property
    def widget(self) -> ipywidgets.HTML:
        """The live view: an `ipywidgets.HTML` redrawn after every record."""
        if self._widget is None:
            self._widget = ipywidgets.HTML(render(self))
        return self._widget

    def _redraw(self, _log: UsageLog) -> None:
        if self._widget is not None:
            self._widget.value = render(self)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The live widget for JupyterLab; the same summary as HTML and text for every
        place without widgets (GitHub, nbconvert, a terminal)."""
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/html"] = render(self)
        bundle["text/plain"] = repr(self)
        return bundle


@functools.cache
def session_meter() -> CostMeter:
    """The meter that `llmwidgets.chat` records into unless given another."""
    return CostMeter()


def resolve_meter(meter: object) -> UsageLog | None:
    """The meter a widget records into: `SESSION` is the session meter, None is none.

    Anything else but a `UsageLog` is refused here, at the call, not at the first record.
    """
    chosen = session_meter() if meter is SESSION else meter
    if chosen is not None and not isinstance(chosen, UsageLog):
        raise TypeError(f"meter= takes a CostMeter or None, not {type(chosen).__name__}")
    return chosen
