"""The cost meter: every call's usage and price in a pandas ledger, with totals on display.

    meter = llmwidgets.session_meter()   # the one `llmwidgets.chat` records into
    meter.record(completion, provider="groq", latency_s=0.8)
    meter.ledger                          # a DataFrame, one row a call
    meter.to_csv("usage.csv")

Prices come from `pricing.price_of` (genai-prices): local servers are free, unknown models
"unknown", never an error. A stopped stream has no usage from the server, so its tokens are
counted with tiktoken and the row is marked `estimated`. Each row is one logical call: the
SDK's own retries happen inside it and are never counted twice.

With `budget_usd`, the meter warns once when spending passes `warn_at` of the budget and
`check_budget` refuses (raises `BudgetExceededError`) a call whose worst-case price, prompt
counted with tiktoken and `max_tokens` of output, would go over it.
"""

from __future__ import annotations

import functools
import threading
import warnings
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .errors import BudgetExceededError
from .meter_view import render, unpriced_note
from .pricing import price_of

if TYPE_CHECKING:
    import ipywidgets
    import pandas as pd

__all__ = ["CallRecord", "CostMeter", "session_meter"]


@dataclass(frozen=True)
class CallRecord:
    provider: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int = 0
    latency_s: float | None = None
    cost_usd: float | None = None
    price: str = "unknown"  # "priced" | "free" | "unknown"
    estimated: bool = False
    outcome: str = "ok"  # "ok" | "stopped" | "error: <class>"
    time: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class CostMeter:
    """Records calls; displays as a live summary with a small cumulative plot."""

    def __init__(self, budget_usd: float | None = None, *, warn_at: float = 0.8) -> None:
        self.budget_usd = budget_usd
        self.warn_at = warn_at
        self._records: list[CallRecord] = []
        self._lock = threading.Lock()
        self._warned = False
        self._widget: ipywidgets.HTML | None = None

    # -- recording -------------------------------------------------------------------

    def add(
        self,
        provider: str,
        model: str,
        prompt_tokens: int,
        completion_tokens: int,
        *,
        cached_tokens: int = 0,
        latency_s: float | None = None,
        estimated: bool = False,
        outcome: str = "ok",
    ) -> CallRecord:
        """Record one call from its token counts; the price is looked up here."""
        price = price_of(provider, model, prompt_tokens, completion_tokens, cached_tokens)
        record = CallRecord(
            provider=provider,
            model=model,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            cached_tokens=cached_tokens,
            latency_s=latency_s,
            cost_usd=float(price.usd) if price.usd is not None else None,
            price=price.status,
            estimated=estimated,
            outcome=outcome,
        )
        with self._lock:
            self._records.append(record)
        self._after_record()
        return record

    def record(
        self, response: Any, *, provider: str, latency_s: float | None = None
    ) -> CallRecord | None:
        """Record a ChatCompletion, the usage chunk of a stream, or an embeddings response.

        Returns None (and records nothing) for a response that carries no usage.
        """
        usage = getattr(response, "usage", None)
        if usage is None:
            return None
        details = getattr(usage, "prompt_tokens_details", None)
        return self.add(
            provider,
            str(getattr(response, "model", "") or "unknown"),
            usage.prompt_tokens or 0,
            getattr(usage, "completion_tokens", 0) or 0,
            cached_tokens=(getattr(details, "cached_tokens", 0) or 0) if details else 0,
            latency_s=latency_s,
        )

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self._warned = False
        self._redraw()

    # -- budget ----------------------------------------------------------------------

    @property
    def spent_usd(self) -> float:
        return sum(r.cost_usd or 0.0 for r in self.records)

    def estimate_usd(
        self, provider: str, model: str, messages: list[dict[str, Any]], max_tokens: int | None
    ) -> float | None:
        """Worst-case price of a chat call before it is sent; None when the price is unknown."""
        from .tokens import count_message_tokens

        prompt = count_message_tokens(messages, model)
        price = price_of(provider, model, prompt, max_tokens or 0)
        return float(price.usd) if price.usd is not None else None

    def check_budget(
        self, provider: str, model: str, messages: list[dict[str, Any]], max_tokens: int | None
    ) -> None:
        """Raise BudgetExceededError if this call could take spending over the budget."""
        if self.budget_usd is None:
            return
        estimate = self.estimate_usd(provider, model, messages, max_tokens) or 0.0
        if self.spent_usd + estimate > self.budget_usd:
            raise BudgetExceededError(
                f"Not sent: this call could cost up to ${estimate:.6f} and ${self.spent_usd:.6f} "
                f"of the ${self.budget_usd:.6f} budget is spent. Raise meter.budget_usd to go on."
            )

    def _after_record(self) -> None:
        if (
            self.budget_usd  # None or 0: nothing to warn about in advance
            and not self._warned
            and self.spent_usd >= self.warn_at * self.budget_usd
        ):
            self._warned = True
            warnings.warn(
                f"llmwidgets: ${self.spent_usd:.6f} spent, {self.spent_usd / self.budget_usd:.0%}"
                f" of the ${self.budget_usd:.6f} budget.",
                UserWarning,
                stacklevel=3,
            )
        self._redraw()

    # -- reading ---------------------------------------------------------------------

    @property
    def records(self) -> list[CallRecord]:
        with self._lock:
            return list(self._records)

    @property
    def ledger(self) -> pd.DataFrame:
        import pandas as pd

        columns = [*CallRecord.__dataclass_fields__, "total_tokens"]
        rows = [{**asdict(r), "total_tokens": r.total_tokens} for r in self.records]
        return pd.DataFrame(rows, columns=columns)

    def totals(self) -> dict[str, Any]:
        records = self.records
        return {
            "calls": len(records),
            "prompt_tokens": sum(r.prompt_tokens for r in records),
            "completion_tokens": sum(r.completion_tokens for r in records),
            "cached_tokens": sum(r.cached_tokens for r in records),
            "cost_usd": sum(r.cost_usd or 0.0 for r in records),
            "unpriced_calls": sum(r.price == "unknown" for r in records),
            "estimated_calls": sum(r.estimated for r in records),
        }

    def to_csv(self, path: str) -> None:
        self.ledger.to_csv(path, index=False)

    # -- display ---------------------------------------------------------------------

    @property
    def widget(self) -> ipywidgets.HTML:
        """An ipywidgets.HTML that redraws on every record (no keys in it, ever)."""
        if self._widget is None:
            import ipywidgets

            self._widget = ipywidgets.HTML(render(self))
        return self._widget

    def _redraw(self) -> None:
        if self._widget is not None:
            self._widget.value = render(self)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The live widget for JupyterLab; the same summary as HTML and text for every
        place without widgets (GitHub, nbconvert, a terminal)."""
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/html"] = render(self)
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        t = self.totals()
        return (
            f"CostMeter({t['calls']} call{'s' * (t['calls'] != 1)}, {t['prompt_tokens']} prompt + "
            f"{t['completion_tokens']} completion tokens, ${t['cost_usd']:.6f}"
            f"{unpriced_note(t)})"
        )


@functools.cache
def session_meter() -> CostMeter:
    """The meter that `llmwidgets.chat` records into unless given another."""
    return CostMeter()
