"""How a cost meter looks: one HTML block, redrawn after every call, no plotting library."""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from ..usage import billed_note, unpriced_note

if TYPE_CHECKING:
    from ..usage import CallRecord, UsageLog

__all__ = ["render"]


def render(meter: UsageLog) -> str:
    """The meter as HTML: totals, the last five calls, a cumulative plot. Escapes every
    name, since model ids come from servers."""
    t = meter.totals()
    budget = f" of ${meter.budget_usd:.4f} budget" if meter.budget_usd is not None else ""
    head = (
        f"<b>{t['calls']}</b> call{'s' * (t['calls'] != 1)} &middot; "
        f"<b>{t['prompt_tokens']:,}</b> prompt + "
        f"<b>{t['completion_tokens']:,}</b> completion tokens ({t['cached_tokens']:,} cached)"
        f" &middot; <b>${t['cost_usd']:.6f}</b>{budget}{html.escape(unpriced_note(t))}"
        f"{html.escape(billed_note(t))}"
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(v))}</td>"
            for v in (
                r.provider,
                r.model,
                r.prompt_tokens,
                r.completion_tokens,
                "~" if r.estimated else "",
                f"{r.latency_s:.2f}s" if r.latency_s is not None else "",
                _cost_text(r),
                r.outcome,
            )
        )
        + "</tr>"
        for r in meter.records[-5:]
    )
    table = (
        "<table style='font-size:12px'><tr><th>provider</th><th>model</th><th>prompt</th>"
        "<th>completion</th><th>est.</th><th>latency</th><th>cost</th><th>outcome</th></tr>"
        f"{rows}</table>"
        if rows
        else ""
    )
    return (
        f"<div class='llmwidgets-meter' style='font-size:13px'>{head}"
        f"<div style='display:flex;gap:16px;align-items:center'>{table}"
        f"{_sparkline(meter.records)}</div></div>"
    )


def _cost_text(record: CallRecord) -> str:
    if record.billed_usd is not None:  # the proxy's bill first, our estimate beside it
        estimate = "" if record.cost_usd is None else f" (est. ${record.cost_usd:.6f})"
        return f"${Decimal(str(record.billed_usd)):.6f} billed{estimate}"
    if record.price == "free":
        return "free"
    if record.cost_usd is None:
        return "unknown"
    return f"${Decimal(str(record.cost_usd)):.6f}"


def _sparkline(records: list[CallRecord], width: int = 160, height: int = 40) -> str:
    """Cumulative tokens (blue) and cost (orange) as one small inline SVG; no plotting library."""
    if len(records) < 2:
        return ""
    tokens, cost, t, c = [], [], 0, 0.0
    for r in records:
        t += r.total_tokens
        c += r.cost_usd or 0.0
        tokens.append(t)
        cost.append(c)

    def line(values: Sequence[float], colour: str) -> str:
        top = max(values) or 1.0
        step = width / (len(values) - 1)
        points = " ".join(
            f"{i * step:.1f},{height - v / top * (height - 2) - 1:.1f}"
            for i, v in enumerate(values)
        )
        return f"<polyline fill='none' stroke='{colour}' stroke-width='1.5' points='{points}'/>"

    return (
        f"<svg width='{width}' height='{height}' role='img' "
        f"aria-label='cumulative tokens and cost'>{line(tokens, '#1f77b4')}"
        f"{line(cost, '#ff7f0e')}</svg>"
    )
