"""A canary key must not show up in any repr, message, log line or listing we produce."""

from __future__ import annotations

import logging
import os

import openai
import pytest
from support.loopback import LoopbackServer

from llmwidgets import PRESETS, connect, describe_error, list_models, provider_of, resolve_key
from llmwidgets.redaction import redact


def test_reprs_hold_no_key(loopback: LoopbackServer, canary_key: str) -> None:
    client = connect("groq", api_key=canary_key, base_url=loopback.url_for("http://x/openai/v1"))
    resolved = resolve_key("groq", canary_key)
    shown = [
        repr(client),
        str(client),
        repr(resolved),
        str(resolved),
        repr(provider_of(client)),
        repr(PRESETS),
    ]
    assert all(canary_key not in text for text in shown)
    assert str(resolved) == "key from the api_key argument"


def test_logs_hold_no_key(
    loopback: LoopbackServer, canary_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = connect("openai", api_key=canary_key, base_url=f"{loopback.origin}/v1")
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    list_models(client, refresh=True)
    assert caplog.records, "debug logging was on, so something must have been logged"
    assert canary_key not in caplog.text
    assert all(canary_key not in repr(r.args) for r in caplog.records)


def test_errors_hold_no_key(loopback: LoopbackServer, canary_key: str) -> None:
    client = connect("openai", api_key=canary_key, base_url=f"{loopback.origin}/v1", max_retries=0)
    # A careless server that echoes the key back in its error message.
    loopback.fail_next(401, f"Incorrect API key provided: {canary_key}")
    with pytest.raises(openai.AuthenticationError) as raised:
        client.models.list()
    line = describe_error(raised.value)
    assert line == "AuthenticationError 401: Incorrect API key provided: [redacted]"
    assert canary_key not in line


def test_connection_error_line_names_the_address_not_the_key(canary_key: str) -> None:
    client = connect("custom", api_key=canary_key, base_url="http://127.0.0.1:9/v1", max_retries=0)
    with pytest.raises(openai.APIConnectionError) as raised:
        client.models.list()
    line = describe_error(raised.value)
    assert line.startswith("APIConnectionError: Connection error (http://127.0.0.1:9/v1/models: ")
    assert canary_key not in line


def test_redact_scrubs_every_resolved_key(canary_key: str) -> None:
    resolve_key("openai", canary_key)
    assert redact(f"key={canary_key}; again {canary_key}") == "key=[redacted]; again [redacted]"
    assert redact("ollama is not a secret") == "ollama is not a secret"


def test_no_test_can_reach_the_internet() -> None:
    """The network guard (tests/conftest.py): a test that would send a key to a real host
    fails here instead, also on a machine that has internet."""
    import socket

    from support.network import NetworkGuardError

    with pytest.raises(socket.gaierror, match="may not look up"):
        socket.create_connection(("api.groq.com", 443), timeout=1)
    with socket.socket() as raw, pytest.raises(NetworkGuardError, match="loopback only"):
        raw.connect(("8.8.8.8", 53))
    client = connect("groq", api_key="sk-guard-0123456789abcdef", max_retries=0)
    with pytest.raises(openai.APIConnectionError):
        client.models.list()
    assert not {"HTTPS_PROXY", "https_proxy", "ALL_PROXY"} & set(os.environ)  # no way around


def test_a_class_budget_refusal_is_said_for_a_student(loopback: LoopbackServer) -> None:
    # LiteLLM's proxy refuses a key over its budget with a 422 of type budget_exceeded
    client = connect("custom", api_key="sk-class-x", base_url=loopback.origin + "/v1")
    loopback.fail_next(
        422, "Budget has been exceeded! Current cost: 0.5, Max budget: 0.5", kind="budget_exceeded"
    )
    with pytest.raises(openai.UnprocessableEntityError) as raised:
        client.with_options(max_retries=0).models.list()
    assert describe_error(raised.value) == (
        "Your class budget is spent: ask your teacher to top it up "
        "(Budget has been exceeded! Current cost: 0.5, Max budget: 0.5)"
    )
