"""What a call cost, from `genai-prices` (maintained price data, bundled, works offline).

A price is never an error: a local server (the sandbox, Ollama) is free, and a model the
price data does not know is "unknown", shown as such, so a ledger never breaks a lesson.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from .providers import PRESETS, runs_locally

__all__ = ["Price", "cost_label", "price_of"]

# Our preset id -> genai-prices' provider id, where they differ or can be known at all.
# Gateways (vercel, litellm, custom) name the vendor in the model id instead: "openai/gpt-4o".
_PROVIDER_IDS = {
    "openai": "openai",
    "groq": "groq",
    "openrouter": "openrouter",
    "anthropic": "anthropic",
}

PriceStatus = Literal["priced", "free", "unknown"]


@dataclass(frozen=True)
class Price:
    usd: Decimal | None
    status: PriceStatus
    input_per_mtok: Decimal | None = None
    output_per_mtok: Decimal | None = None

    def __str__(self) -> str:
        if self.status == "free":
            return "free (local)"
        if self.usd is None:
            return "unknown"
        return f"${self.usd:.6f}"


def price_of(
    provider: str,
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    cached_tokens: int = 0,
) -> Price:
    """The price of one call. `prompt_tokens` includes `cached_tokens`, as OpenAI reports it."""
    if runs_locally(provider):
        return Price(Decimal(0), "free", Decimal(0), Decimal(0))
    from genai_prices import Usage, calc_price

    usage = Usage(
        input_tokens=prompt_tokens, output_tokens=completion_tokens, cache_read_tokens=cached_tokens
    )
    for provider_id, model_ref in _candidates(provider, model):
        try:
            result = calc_price(usage, model_ref, provider_id=provider_id)
        except LookupError:
            continue
        mp = result.model_price
        return Price(
            result.total_price,
            "priced",
            _per_mtok(getattr(mp, "input_mtok", None)),
            _per_mtok(getattr(mp, "output_mtok", None)),
        )
    return Price(None, "unknown")


def cost_label(
    provider: str, model: str, usage: Mapping[str, int], *, rehearsal: str | None = None
) -> str:
    """A call's cost as the widgets show it: "$0.000012", "free (local)" or "unknown"; ""
    when nothing was counted. A rehearsal runs on the sandbox and costs nothing, and says
    what the provider would have charged: "free (rehearsed; Groq: $0.000005)"."""
    if not usage.get("total_tokens"):
        return ""
    price = price_of(
        provider,
        model,
        usage.get("prompt_tokens", 0),
        usage.get("completion_tokens", 0),
        usage.get("cached_tokens", 0),
    )
    if rehearsal is None or rehearsal not in PRESETS:
        return str(price)
    name = PRESETS[rehearsal].label.split(" (")[0]
    return f"free (rehearsed; {name}: {price})" if price.status == "priced" else "free (rehearsed)"


def cost_label_of(client: Any, model: str, usage: Mapping[str, int]) -> str:
    """`cost_label` for a call a client made: its provider and rehearsal from its record."""
    from .client_record import record_of

    record = record_of(client)
    return cost_label(record.provider_id, model, usage, rehearsal=record.rehearsal)


def _candidates(provider: str, model: str) -> list[tuple[str | None, str]]:
    found: list[tuple[str | None, str]] = []
    if provider in _PROVIDER_IDS:
        found.append((_PROVIDER_IDS[provider], model))
    vendor, slash, bare = model.partition("/")
    if slash and bare:  # a gateway's "vendor/model" id
        found.append((vendor, bare.removesuffix(":free")))
    found.append((None, model))  # let genai-prices recognise the model by name
    return found


def _per_mtok(value: object) -> Decimal | None:
    return value if isinstance(value, Decimal) else None
