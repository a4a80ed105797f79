"""Optional per-key rate limits, so that a notebook can meet a real 429 and back off.

Off unless configured (`--rpm`, `--tpm`). Limits replenish continuously, as OpenAI
describes its own: each key (or, with no key, each client address) has a bucket of `rpm`
requests that refills at `rpm` per minute, and one of `tpm` tokens likewise. So with
`--rpm 12` a burst of 12 requests goes through, then one more every 5 seconds: a notebook
meets a 429 quickly and waits seconds, not a minute. A provider profile may shorten the
minute itself (`--minute 3`: a free tier's 20 requests a minute become 20 every 3 seconds),
so that a notebook meets that provider's limits in seconds. A refused request is a 429 with
`Retry-After` and the `x-ratelimit-*` headers OpenAI sends; accepted ones carry them too.
Tokens are counted after a response, so a long answer can overdraw the token bucket; the
next request then waits until it is back above zero.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from .errors import SandboxAPIError

__all__ = ["RateLimiter"]

MINUTE = 60.0


@dataclass
class _Bucket:
    capacity: float
    level: float
    updated: float
    minute: float = MINUTE

    def refill(self, now: float) -> None:
        rate = self.capacity / self.minute
        self.level = min(self.capacity, self.level + (now - self.updated) * rate)
        self.updated = now

    def wait_for(self, amount: float) -> float:
        """Seconds until `amount` is available (0 when it is now)."""
        return max(0.0, (amount - self.level) * self.minute / self.capacity)

    def seconds_to_full(self) -> float:
        return (self.capacity - self.level) * self.minute / self.capacity


@dataclass
class RateLimiter:
    rpm: int | None = None
    tpm: int | None = None
    minute: float = MINUTE  # seconds a "minute" lasts: shorter to meet limits sooner
    _requests: dict[str, _Bucket] = field(default_factory=dict)
    _tokens: dict[str, _Bucket] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        return bool(self.rpm or self.tpm)

    def admit(self, who: str, now: float | None = None) -> dict[str, str]:
        """Count one request for `who`, or raise the 429. Returns headers for the response."""
        now = time.monotonic() if now is None else now
        requests, tokens = self._buckets(who, now)
        if requests is not None and requests.level < 1:
            raise self._refusal(
                "requests", f"{self.rpm} requests per minute", requests.wait_for(1), who, now
            )
        if tokens is not None and tokens.level < 1:
            raise self._refusal(
                "tokens", f"{self.tpm} tokens per minute", tokens.wait_for(1), who, now
            )
        if requests is not None:
            requests.level -= 1
        return self._headers(who, now)

    def record_tokens(self, who: str, count: int, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        _, tokens = self._buckets(who, now)
        if tokens is not None:
            tokens.level -= count

    def _buckets(self, who: str, now: float) -> tuple[_Bucket | None, _Bucket | None]:
        found: list[_Bucket | None] = []
        for limit, buckets in ((self.rpm, self._requests), (self.tpm, self._tokens)):
            if not limit:
                found.append(None)
                continue
            bucket = buckets.setdefault(who, _Bucket(float(limit), float(limit), now, self.minute))
            bucket.refill(now)
            found.append(bucket)
        return found[0], found[1]

    def _headers(self, who: str, now: float) -> dict[str, str]:
        requests, tokens = self._buckets(who, now)
        headers: dict[str, str] = {}
        if requests is not None:
            headers |= {
                "x-ratelimit-limit-requests": str(self.rpm),
                "x-ratelimit-remaining-requests": str(max(0, math.floor(requests.level))),
                "x-ratelimit-reset-requests": f"{requests.seconds_to_full():.3f}s",
            }
        if tokens is not None:
            headers |= {
                "x-ratelimit-limit-tokens": str(self.tpm),
                "x-ratelimit-remaining-tokens": str(max(0, math.floor(tokens.level))),
                "x-ratelimit-reset-tokens": f"{tokens.seconds_to_full():.3f}s",
            }
        return headers

    def _refusal(self, kind: str, limit: str, wait: float, who: str, now: float) -> SandboxAPIError:
        return SandboxAPIError(
            429,
            f"Rate limit reached for this key on {kind}: limit {limit}. "
            f"Please try again in {wait:.1f}s.",
            type=kind,
            code="rate_limit_exceeded",
            headers={
                **self._headers(who, now),
                "retry-after": str(max(1, math.ceil(wait))),
                "retry-after-ms": str(math.ceil(wait * 1000)),
            },
        )
