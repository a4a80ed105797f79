"""The sandbox's rate limits, on a fake clock: bursts, steady refill, token debt."""

from __future__ import annotations

import pytest

from llmwidgets.sandbox.errors import SandboxAPIError
from llmwidgets.sandbox.ratelimit import RateLimiter


def refused(limiter: RateLimiter, who: str, now: float) -> SandboxAPIError:
    with pytest.raises(SandboxAPIError) as raised:
        limiter.admit(who, now)
    return raised.value


def test_a_burst_then_one_request_per_refill() -> None:
    limiter = RateLimiter(rpm=12)  # refills one request every 5 s
    for _ in range(12):
        limiter.admit("ada", now=0.0)
    error = refused(limiter, "ada", now=1.0)
    assert error.status == 429
    assert error.headers["retry-after"] == "4"  # 5 s per request, 1 s already passed
    assert error.headers["x-ratelimit-remaining-requests"] == "0"
    limiter.admit("ada", now=5.0)
    refused(limiter, "ada", now=5.0)


def test_keys_have_their_own_buckets() -> None:
    limiter = RateLimiter(rpm=1)
    limiter.admit("ada", now=0.0)
    limiter.admit("grace", now=0.0)
    refused(limiter, "ada", now=0.0)


def test_headers_say_what_is_left_and_when_it_is_full() -> None:
    headers = RateLimiter(rpm=60, tpm=600).admit("ada", now=0.0)
    assert headers["x-ratelimit-remaining-requests"] == "59"
    assert headers["x-ratelimit-reset-requests"] == "1.000s"
    assert headers["x-ratelimit-remaining-tokens"] == "600"


def test_a_long_answer_overdraws_the_tokens() -> None:
    limiter = RateLimiter(tpm=600)  # ten tokens a second
    limiter.admit("ada", now=0.0)
    limiter.record_tokens("ada", 650, now=0.0)  # 50 tokens in debt
    error = refused(limiter, "ada", now=0.0)
    assert error.headers["retry-after-ms"] == "5100"  # back to 1 token at 10/s
    limiter.admit("ada", now=5.2)


def test_off_by_default() -> None:
    limiter = RateLimiter()
    assert not limiter.enabled
    assert limiter.admit("ada", now=0.0) == {}
