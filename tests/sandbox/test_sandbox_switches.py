"""The teaching switches: real 500, 503, 403 and content_filter, through the official SDK.

Wire behaviour on the sandbox's app with a fake engine (fast); content_filter, which the
engine applies while the model writes, on the real model, streamed and not.
"""

from __future__ import annotations

import openai
import pytest

MODEL = "smollm2-135m-instruct"
HELLO = [{"role": "user", "content": "Hello"}]


def client(url: str, key: str = "student", retries: int = 0) -> openai.OpenAI:
    return openai.OpenAI(base_url=url, api_key=key, max_retries=retries)


@pytest.mark.parametrize("status", [500, 503])
def test_a_header_asks_for_a_server_error(fake_sandbox, status: int) -> None:
    raw = client(fake_sandbox()).chat.completions.with_raw_response
    with pytest.raises(openai.InternalServerError) as raised:
        raw.create(model=MODEL, messages=HELLO, extra_headers={"X-Sandbox-Fail": str(status)})
    assert raised.value.status_code == status
    assert raised.value.type == "server_error"
    assert raised.value.response.headers["x-should-retry"] == "true"


def test_a_header_asks_for_a_429_whose_retry_after_is_an_http_date(fake_sandbox) -> None:
    import time
    from email.utils import parsedate_to_datetime

    with pytest.raises(openai.RateLimitError) as raised:
        client(fake_sandbox()).chat.completions.create(
            model=MODEL, messages=HELLO, extra_headers={"X-Sandbox-Fail": "429"}
        )
    asked = raised.value.response.headers["retry-after"]
    assert asked.endswith(" GMT")
    ahead = parsedate_to_datetime(asked).timestamp() - time.time()
    assert 1.0 < ahead <= 3.0
    assert raised.value.code == "rate_limit_exceeded"


def test_the_sdk_waits_for_a_retry_after_date_and_retries(fake_sandbox) -> None:
    import time

    started = time.monotonic()
    with pytest.raises(openai.RateLimitError):
        client(fake_sandbox(), retries=1).chat.completions.create(
            model=MODEL, messages=HELLO, extra_headers={"X-Sandbox-Fail": "429"}
        )
    assert time.monotonic() - started >= 1.0  # one retry, after the date


def test_a_header_asks_for_a_401(fake_sandbox) -> None:
    with pytest.raises(openai.AuthenticationError) as raised:
        client(fake_sandbox()).chat.completions.create(
            model=MODEL, messages=HELLO, extra_headers={"X-Sandbox-Fail": "401"}
        )
    assert raised.value.code == "invalid_api_key"


def test_a_bad_fail_header_is_a_400_naming_it(fake_sandbox) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client(fake_sandbox()).chat.completions.create(
            model=MODEL, messages=HELLO, extra_headers={"X-Sandbox-Fail": "418"}
        )
    assert raised.value.param == "x-sandbox-fail"


def test_flaky_fails_the_first_of_every_n_and_the_sdk_retries_it(fake_sandbox) -> None:
    url = fake_sandbox(flaky=2)
    hits: list[int] = []

    def count(response) -> None:
        hits.append(response.status_code)

    import httpx2

    patient = openai.OpenAI(
        base_url=url,
        api_key="x",
        max_retries=2,
        http_client=httpx2.Client(event_hooks={"response": [count]}),
    )
    reply = patient.chat.completions.create(model=MODEL, messages=HELLO)  # 503, then 200
    assert reply.choices[0].message.content
    assert hits == [503, 200]
    assert client(url).models.list().data  # listing never fails: it runs no model
    with pytest.raises(openai.InternalServerError):  # the 3rd model request: 503 again
        client(url).embeddings.create(model="all-minilm-l6-v2", input="x")


def test_a_restricted_key_may_list_but_not_use_a_model(fake_sandbox, canary_key: str) -> None:
    url = fake_sandbox(api_keys=frozenset({"sk-full-0123456789"}), restricted_keys={canary_key})
    restricted = client(url, canary_key)
    assert restricted.models.list().data
    with pytest.raises(openai.PermissionDeniedError) as raised:
        restricted.chat.completions.create(model=MODEL, messages=HELLO)
    assert raised.value.status_code == 403
    assert canary_key not in str(raised.value)
    assert client(url, "sk-full-0123456789").chat.completions.create(model=MODEL, messages=HELLO)
    with pytest.raises(openai.AuthenticationError):
        client(url, "sk-unknown-0123456789").models.list()


def test_moderation_on_the_real_model_streamed_and_not(start_sandbox) -> None:
    box = start_sandbox(moderate=["the"])
    ask = {"model": MODEL, "messages": [{"role": "user", "content": "Describe the sea."}]}
    ask |= {"max_tokens": 60, "seed": 4, "temperature": 0}
    whole = client(box.url).chat.completions.create(**ask)
    chunks = list(client(box.url).chat.completions.create(**ask, stream=True))
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert whole.choices[0].finish_reason == "content_filter"
    assert "the" not in whole.choices[0].message.content.lower()
    assert streamed == whole.choices[0].message.content
    assert [c.choices[0].finish_reason for c in chunks if c.choices[0].finish_reason] == [
        "content_filter"
    ]
    response = client(box.url).responses.create(
        model=MODEL, input=ask["messages"], max_output_tokens=60, temperature=0
    )
    assert response.status == "incomplete"
    assert response.incomplete_details.reason == "content_filter"
    assert "the" not in response.output_text.lower()
