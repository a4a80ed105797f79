"""Every call's usage and price, as data: the ledger behind the cost meter.

    log = UsageLog(budget_usd=0.05)
    log.record(completion, provider="groq", latency_s=0.8)
    log.ledger                            # a DataFrame, one row a call
    log.to_csv("usage.csv")

Prices come from `pricing.price_of` (genai-prices): local servers are free, unknown models
"unknown", never an error. A stopped stream has no usage from the server, so its tokens are
counted with tiktoken and the row is marked `estimated`. Each row is one logical call: the
SDK's own retries happen inside it and are never counted twice.

With `budget_usd`, the log warns once when spending passes `warn_at` of the budget and
`check_budget` refuses (raises `BudgetExceededError`) a call whose worst-case price, prompt
counted with tiktoken and `max_tokens` of output, would go over it.

This module imports no widget library: `widgets.meter.CostMeter` is a `UsageLog` that also
displays itself, and redraws through `on_record`.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .errors import BudgetExceededError
from .pricing import price_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CallRecord", "UsageLog", "billed_cost", "billed_note", "token_counts", "unpriced_note"]


@dataclass(frozen=True)
class CallRecord:
    """One call: who answered, the tokens, what it cost and how it ended."""

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
    billed_usd: float | None = None  # what a proxy charged for it (LiteLLM's `usage.cost`)
    time: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class UsageLog:
    """Records calls and sums them up; thread-safe, since streams finish on any thread."""

    def __init__(self, budget_usd: float | None = None, *, warn_at: float = 0.8) -> None:
        self.budget_usd = budget_usd
        self.warn_at = warn_at
        self._records: list[CallRecord] = []
        self._lock = threading.Lock()
        self._warned = False
        self._listeners: list[Callable[[UsageLog], None]] = []

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
        billed_usd: float | None = None,
    ) -> CallRecord:
        """Record one call from its token counts; the price is looked up here. `billed_usd`
        is what a proxy (LiteLLM) said it charged, kept beside that estimate."""
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
            billed_usd=billed_usd,
        )
        with self._lock:
            self._records.append(record)
        self._after_record()
        return record

    def record(
        self, response: Any, *, provider: str, latency_s: float | None = None
    ) -> CallRecord | None:
        """Record a ChatCompletion, the usage chunk of a stream, a Responses API response,
        or an embeddings response.

        Returns None (and records nothing) for a response that carries no usage.
        """
        usage = getattr(response, "usage", None)
        if usage is None:
            return None
        counts = token_counts(usage)
        return self.add(
            provider,
            str(getattr(response, "model", "") or "unknown"),
            counts["prompt_tokens"],
            counts["completion_tokens"],
            cached_tokens=counts["cached_tokens"],
            latency_s=latency_s,
            billed_usd=billed_cost(usage),
        )

    def clear(self) -> None:
        """Forget every record (the budget stays)."""
        with self._lock:
            self._records.clear()
            self._warned = False
        self._changed()

    def on_record(self, callback: Callable[[UsageLog], None]) -> None:
        """Call `callback(log)` after every change: how a view stays current."""
        self._listeners.append(callback)

    # -- budget ----------------------------------------------------------------------

    @property
    def spent_usd(self) -> float:
        """Dollars spent so far (calls at an unknown price count as 0)."""
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
        self._changed()

    def _changed(self) -> None:
        for callback in self._listeners:
            callback(self)

    # -- reading ---------------------------------------------------------------------

    @property
    def records(self) -> list[CallRecord]:
        """A copy of every record, oldest first."""
        with self._lock:
            return list(self._records)

    @property
    def ledger(self) -> pd.DataFrame:
        """One row a call: the records' fields and `total_tokens`."""
        import pandas as pd

        columns = [*CallRecord.__dataclass_fields__, "total_tokens"]
        rows = [{**asdict(r), "total_tokens": r.total_tokens} for r in self.records]
        return pd.DataFrame(rows, columns=columns)

    def totals(self) -> dict[str, Any]:
        """Sums over every call: calls, tokens, cost, and how many were unpriced or estimated."""
        records = self.records
        return {
            "calls": len(records),
            "prompt_tokens": sum(r.prompt_tokens for r in records),
            "completion_tokens": sum(r.completion_tokens for r in records),
            "cached_tokens": sum(r.cached_tokens for r in records),
            "cost_usd": sum(r.cost_usd or 0.0 for r in records),
            "unpriced_calls": sum(r.price == "unknown" for r in records),
            "estimated_calls": sum(r.estimated for r in records),
            "billed_usd": sum(r.billed_usd or 0.0 for r in records),
            "billed_calls": sum(r.billed_usd is not None for r in records),
        }

    def to_csv(self, path: str) -> None:
        """Write the ledger to a CSV file (no index column)."""
        self.ledger.to_csv(path, index=False)

    def __repr__(self) -> str:
        t = self.totals()
        calls = f"{t['calls']} call{'s' * (t['calls'] != 1)}"
        return (
            f"{type(self).__name__}({calls}, {t['prompt_tokens']} prompt + "
            f"{t['completion_tokens']} completion tokens, ${t['cost_usd']:.6f}"
            f"{unpriced_note(t)}{billed_note(t)})"
        )


def token_counts(usage: Any) -> dict[str, int]:
    """The counts of a `usage` object as plain ints: a chat completion's, a stream's last
    chunk's, an embeddings response's (which has no completion tokens), or a Responses
    API response's, whose `input_tokens` and `output_tokens` are the same two counts
    under their new names (priced the same way)."""
    if _get(usage, "input_tokens") is not None:  # the Responses API's names
        prompt = _get(usage, "input_tokens") or 0
        completion = _get(usage, "output_tokens") or 0
        details = _get(usage, "input_tokens_details")
    else:
        prompt = _get(usage, "prompt_tokens") or 0
        completion = _get(usage, "completion_tokens") or 0
        details = _get(usage, "prompt_tokens_details")
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": _get(usage, "total_tokens") or prompt + completion,
        "cached_tokens": (_get(details, "cached_tokens") or 0) if details else 0,
    }


def _get(thing: Any, name: str) -> Any:
    """A field of an SDK object or of the JSON it came from."""
    return thing.get(name) if isinstance(thing, dict) else getattr(thing, name, None)


def billed_cost(usage: Any) -> float | None:
    """What a proxy says a call cost, when it says: LiteLLM adds `cost` to the usage (of a
    whole response, and of a stream's last chunk)."""
    extra = getattr(usage, "model_extra", None) or {}
    cost = extra.get("cost")
    return float(cost) if isinstance(cost, int | float) and not isinstance(cost, bool) else None


def billed_note(totals: dict[str, Any]) -> str:
    """What a proxy billed, beside our estimate ("" when no call was billed)."""
    n = totals["billed_calls"]
    if not n:
        return ""
    return f"; billed ${totals['billed_usd']:.6f} by the proxy for {n} call{'s' * (n != 1)}"


def unpriced_note(totals: dict[str, Any]) -> str:
    """Says how many calls had no known price ("" when every call was priced)."""
    n = totals["unpriced_calls"]
    return f" ({n} call{'s' * (n != 1)} at an unknown price)" if n else ""
