"""Exercises 04 and 08 (first part): retry loops, met with real failures on the sandbox."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from ..recording import Exchange, Recording, record
from ._base import NotSolved, check, fail

__all__ = ["backoff", "safe_completion", "sandbox_under_watch"]


def _waits(exchanges: Sequence[Exchange]) -> None:
    """Every request after a 429 came no sooner than its Retry-After asked."""
    for before, after in itertools.pairwise(exchanges):
        if before.status == 429 and before.received is not None:
            waited = after.sent - before.received
            asked = before.retry_after_s or 0.0
            if waited + 0.05 < asked:
                fail(
                    f"a retry came {waited:.1f} s after a 429 whose Retry-After asked for "
                    f"{asked:.1f} s"
                )


@check("retry loop")
def backoff(with_backoff: Any, requests: int = 33) -> None:
    """Runs `with_backoff(call)` against a strict sandbox (30 requests a minute, a key):
    it must get through real 429s, waiting as long as `Retry-After` asks (seconds or an
    HTTP date), and must give up at once on a 400 or 401, which no retry can mend."""
    import openai

    from ..client import list_models
    from ..sandbox import start

    with start(rpm=30, api_keys=["exercise"]) as box:
        base = openai.OpenAI(base_url=box.url, api_key="exercise", max_retries=0)
        client, log = record(base)
        model = list_models(base).chat_model or ""
        first = [True]

        def dated_429() -> Any:
            headers = {"X-Sandbox-Fail": "429"} if first[0] else {}
            first[0] = False
            return client.chat.completions.create(
                model=model,
                messages=[{"role": "user", "content": "Hi"}],
                max_tokens=1,
                extra_headers=headers,
            )

        if with_backoff(dated_429) in (None, Ellipsis):
            raise NotSolved("with_backoff() should return what call() returns")
        if sum(e.status == 429 for e in log.exchanges) != 1 or len(log.exchanges) < 2:
            fail("a 429 was not retried: RateLimitError should be")
        _waits(log.exchanges)

        for status, doomed, error in (
            (401, base.copy(api_key="not-the-key").models.list, openai.AuthenticationError),
            (
                400,
                lambda: base.chat.completions.create(model=model, messages=[]),
                openai.BadRequestError,
            ),
        ):
            calls = [0]

            def once(doomed: Callable[[], Any] = doomed, calls: list[int] = calls) -> Any:
                calls[0] += 1
                return doomed()

            try:
                with_backoff(once)
            except error:
                pass
            else:
                fail(f"a {status} came back as a result: it should be raised")
            if calls[0] != 1:
                fail(f"a {status} was retried {calls[0] - 1} times: no retry can mend it")

        log.clear()
        for _ in range(requests):
            try:
                result = with_backoff(client.models.list)
            except openai.RateLimitError:
                fail("a 429 got through: keep retrying while the server says wait")
            if result is Ellipsis or result is None:
                raise NotSolved("with_backoff() should return what call() returns")
        if not any(e.status == 429 for e in log.exchanges):
            fail("the loop never met a 429: is call() being called?")
        _waits(log.exchanges)
        base.close()
        client.close()


def sandbox_under_watch() -> tuple[Any, Recording, str]:
    """A watched client of the shared sandbox, with no retries of its own: the sandbox can
    fail on request (`X-Sandbox-Fail`), whatever provider the exercise uses."""
    from ..client import connect, list_models

    base = connect("sandbox").with_options(max_retries=0)
    client, log = record(base)
    return client, log, list_models(base).chat_model or ""


@check("safe_completion fixed")
def safe_completion(fn: Any) -> None:
    """`fn(client, messages, max_retries=3, **kwargs)` answers a good request; retries 5xx
    and 429s with the model it was given, waiting as long as `Retry-After` asks; raises the
    real error when the retries run out; never retries a 400."""
    import openai

    client, log, model = sandbox_under_watch()
    hello = [{"role": "user", "content": "Hi"}]
    reply = fn(client, hello, model=model, max_tokens=5)
    if reply in (None, Ellipsis):
        raise NotSolved("safe_completion() should return the completion")
    if getattr(reply, "object", None) != "chat.completion":
        fail("a good request should return what client.chat.completions.create returned")

    for status, switch, error in (
        (503, "503", openai.InternalServerError),
        (429, "429", openai.RateLimitError),
    ):
        log.clear()
        try:
            fn(
                client,
                hello,
                max_retries=3,
                model=model,
                max_tokens=5,
                extra_headers={"X-Sandbox-Fail": switch},
            )
        except error:
            pass
        except Exception as other:  # which error escapes is the point
            sent = [e.body.get("model") for e in log.exchanges if isinstance(e.body, dict)]
            if any(m != model for m in sent):
                wrong = next(m for m in sent if m != model)
                fail(f"a retry sent model {wrong!r}, not {model!r}: is `model` popped in the loop?")
            fail(
                f"after {status}s it gave up with {type(other).__name__}, not the "
                f"{error.__name__} itself: raise the real error, it carries the status"
            )
        else:
            fail(f"every attempt got a {status}, yet nothing was raised")
        sent = [e.body.get("model") for e in log.exchanges if isinstance(e.body, dict)]
        if len(sent) != 3:
            fail(f"max_retries=3 should make 3 attempts at a {status}, not {len(sent)}")
        if any(m != model for m in sent):
            fail(f"a retry sent model {next(m for m in sent if m != model)!r}, not {model!r}")
        _waits(log.exchanges)

    log.clear()
    try:
        fn(client, hello, model=model, max_retries=3, extra_headers={"X-Sandbox-Fail": "401"})
    except openai.AuthenticationError:
        pass
    else:
        fail("a wrong key (401) should raise AuthenticationError")
    if len(log.exchanges) != 1:
        fail(f"a 401 was retried {len(log.exchanges) - 1} times: no wait makes a wrong key right")

    log.clear()
    try:
        fn(client, [], model=model, max_retries=3)
    except openai.BadRequestError:
        pass
    else:
        fail("an empty messages list should raise BadRequestError")
    if len(log.exchanges) != 1:
        fail(f"a 400 was retried {len(log.exchanges) - 1} times: it fails the same way every time")
