"""Optional per-key rate limits, so that a notebook can meet a real 429 and back off.

Off unless configured (`--rpm`, `--tpm`). Each key (or, with no key, each client address)
gets a sliding 60-second window of requests and of tokens. A refused request is a 429 with
`Retry-After` and the `x-ratelimit-*` headers OpenAI sends; accepted ones carry them too.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

from .errors import SandboxAPIError

__all__ = ["RateLimiter"]

WINDOW_SECONDS = 60.0


@dataclass
class RateLimiter:
    rpm: int | None = None
    tpm: int | None = None
    _requests: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _tokens: dict[str, deque[tuple[float, int]]] = field(default_factory=lambda: defaultdict(deque))

    @property
    def enabled(self) -> bool:
        return bool(self.rpm or self.tpm)

    def admit(self, who: str, now: float | None = None) -> dict[str, str]:
        """Count one request for `who`, or raise the 429. Returns headers for the response."""
        now = time.monotonic() if now is None else now
        requests, tokens = self._prune(who, now)
        used_tokens = sum(n for _, n in tokens)
        if self.rpm and len(requests) >= self.rpm:
            wait = requests[0] + WINDOW_SECONDS - now
            raise self._refusal(
                "requests", f"{self.rpm} requests per minute", wait, self._headers(who, now)
            )
        if self.tpm and used_tokens >= self.tpm:
            wait = tokens[0][0] + WINDOW_SECONDS - now
            raise self._refusal(
                "tokens", f"{self.tpm} tokens per minute", wait, self._headers(who, now)
            )
        requests.append(now)
        return self._headers(who, now)

    def record_tokens(self, who: str, count: int, now: float | None = None) -> None:
        if self.tpm and count:
            self._tokens[who].append((time.monotonic() if now is None else now, count))

    def _prune(self, who: str, now: float) -> tuple[deque[float], deque[tuple[float, int]]]:
        requests, tokens = self._requests[who], self._tokens[who]
        while requests and requests[0] <= now - WINDOW_SECONDS:
            requests.popleft()
        while tokens and tokens[0][0] <= now - WINDOW_SECONDS:
            tokens.popleft()
        return requests, tokens

    def _headers(self, who: str, now: float) -> dict[str, str]:
        if not self.enabled:
            return {}
        requests, tokens = self._prune(who, now)
        headers = {}
        if self.rpm:
            reset = requests[0] + WINDOW_SECONDS - now if requests else 0.0
            headers |= {
                "x-ratelimit-limit-requests": str(self.rpm),
                "x-ratelimit-remaining-requests": str(max(0, self.rpm - len(requests))),
                "x-ratelimit-reset-requests": f"{reset:.3f}s",
            }
        if self.tpm:
            used = sum(n for _, n in tokens)
            reset = tokens[0][0] + WINDOW_SECONDS - now if tokens else 0.0
            headers |= {
                "x-ratelimit-limit-tokens": str(self.tpm),
                "x-ratelimit-remaining-tokens": str(max(0, self.tpm - used)),
                "x-ratelimit-reset-tokens": f"{reset:.3f}s",
            }
        return headers

    @staticmethod
    def _refusal(kind: str, limit: str, wait: float, headers: dict[str, str]) -> SandboxAPIError:
        seconds = max(1, math.ceil(wait))
        return SandboxAPIError(
            429,
            f"Rate limit reached for this key on {kind}: limit {limit}. "
            f"Please try again in {wait:.1f}s.",
            type=kind,
            code="rate_limit_exceeded",
            headers={
                **headers,
                "retry-after": str(seconds),
                "retry-after-ms": str(int(wait * 1000)),
            },
        )
