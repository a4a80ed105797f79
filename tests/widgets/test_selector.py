"""The provider selector: status, models, and a key that never reaches widget state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.frontend import frontend_sends
from support.loopback import LoopbackServer

from llmwidgets import ProviderSelector, environment
from llmwidgets.client import rehearsal_of
from llmwidgets.widgets.playground import Playground


def all_state(selector: ProviderSelector, comm_log: list[dict]) -> str:
    from ipywidgets.embed import embed_data

    saved = embed_data(views=[selector])["manager_state"]  # what a notebook would save
    return json.dumps([saved, comm_log], default=str)


@pytest.fixture
def custom(loopback: LoopbackServer, no_keys: Path, comm_log: list[dict]) -> ProviderSelector:
    selector = ProviderSelector("custom")
    selector.base_url_text.value = loopback.origin + "/v1"
    return selector


def test_sandbox_is_ready_at_once(
    sandbox_url: str, monkeypatch: pytest.MonkeyPatch, comm_log: list[dict]
) -> None:
    monkeypatch.setenv(environment.SANDBOX_URL, sandbox_url)
    selector = ProviderSelector()
    assert selector.connection == "connected"
    assert selector.model == "smollm2-135m-instruct"
    reply = selector.client.chat.completions.create(
        model=selector.model, messages=[{"role": "user", "content": "Hi"}], max_tokens=3
    )
    assert reply.choices[0].message.content is not None


def test_a_typed_key_is_used_and_never_saved(
    custom: ProviderSelector, loopback: LoopbackServer, canary_key: str, comm_log: list[dict]
) -> None:
    assert custom.connection == "connected"  # a custom server may need no key at all
    frontend_sends(custom.key_field, {"type": "key", "key": canary_key})
    assert custom.connection == "connected"
    assert custom.model_dropdown.options == ("loopback-large", "loopback-small")
    assert loopback.requests[-1].headers["authorization"] == f"Bearer {canary_key}"
    assert "typed" in custom.key_field.source
    assert canary_key not in all_state(custom, comm_log)
    assert canary_key not in repr(custom)
    custom.client.chat.completions.create(model=custom.model, messages=[])
    assert loopback.requests[-1].headers["authorization"] == f"Bearer {canary_key}"


def test_a_wrong_key_says_authentication_failed(
    custom: ProviderSelector, loopback: LoopbackServer, canary_key: str, comm_log: list[dict]
) -> None:
    loopback.fail_next(401, "Incorrect API key provided.")
    custom.key_field.submit(canary_key)
    assert custom.connection == "auth-failed"
    assert "AuthenticationError 401" in custom.status.value
    assert canary_key not in all_state(custom, comm_log)


def test_a_dead_address_says_unreachable(no_keys: Path, comm_log: list[dict]) -> None:
    selector = ProviderSelector("custom")
    selector.key_field.submit("sk-whatever-key-123")
    selector.base_url_text.value = "http://127.0.0.1:9/v1"
    assert selector.connection == "unreachable"
    assert "127.0.0.1:9" in selector.status.value


def test_a_key_from_the_environment_is_preferred(
    monkeypatch: pytest.MonkeyPatch,
    sandbox_url: str,
    no_keys: Path,
    comm_log: list[dict],
    canary_key: str,
) -> None:
    monkeypatch.setenv("GROQ_API_KEY", canary_key)
    changes: list[str] = []
    selector = ProviderSelector("openai")  # no OPENAI_API_KEY: rehearsed, and it says so
    assert selector.connection == "rehearsed"
    assert "No OPENAI_API_KEY here: OpenAI rehearsed on the sandbox." in selector.status.value
    assert rehearsal_of(selector.client) == "openai"
    selector.on_change(lambda s: changes.append(s.provider))
    selector.provider_dropdown.value = "groq"  # the network guard refuses api.groq.com
    assert selector.connection == "unreachable"  # listing failed: the hints remain
    assert rehearsal_of(selector.client) is None  # its own key: Groq itself, never rehearsed
    assert "GROQ_API_KEY" in selector.key_field.source
    assert selector.model in selector.model_dropdown.options
    assert changes[-1] == "groq"
    assert canary_key not in all_state(selector, comm_log)


def test_both_provider_pickers_reach_each_provider_the_same_way(
    monkeypatch: pytest.MonkeyPatch, sandbox_url: str, no_keys: Path, canary_key: str
) -> None:
    """The Playground's menu and the selector follow one rule (reaching.py): a provider
    with its key is reached itself, one with none is rehearsed on the sandbox."""
    monkeypatch.setenv("GROQ_API_KEY", canary_key)
    pg = Playground(prompt="Hi", meter=None)
    hints = {item["id"]: item["hint"] for item in pg.providers}
    for provider in ("openai", "groq", "openrouter", "anthropic"):
        selector = ProviderSelector(provider)
        pg.provider = provider  # chosen in the menu
        rehearsed = rehearsal_of(selector.client) is not None
        assert rehearsed == (provider != "groq"), provider
        assert rehearsed == ("rehearsed" in pg.note), (provider, pg.note)
        assert rehearsed == ("rehearsed" in hints[provider]), hints[provider]
        assert rehearsed == (selector.connection == "rehearsed"), selector.connection


def test_a_rehearsal_that_cannot_start_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, no_keys: Path, comm_log: list[dict]
) -> None:
    from llmwidgets.sandbox.launcher import SandboxError
    from llmwidgets.widgets import selector as module

    def no_sandbox(*_args: object, **_kwargs: object) -> None:
        raise SandboxError("The sandbox did not start: no model here.")

    monkeypatch.setattr(module, "connect_or_rehearse", no_sandbox)
    selector = ProviderSelector("groq")
    assert selector.connection == "needs-setup"
    assert "did not start" in selector.status.value and "Traceback" not in selector.status.value
