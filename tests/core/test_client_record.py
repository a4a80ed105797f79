"""One answer to "which provider is this client" (llmwidgets/client_record.py), whoever
asks: copy-as-code, the inspector's curl, compare's lanes, the Playground's menu, prices."""

from __future__ import annotations

import httpx
import openai
import pytest

import llmwidgets
from llmwidgets.as_code import python_code
from llmwidgets.client_record import record_of
from llmwidgets.comparing import lanes_for
from llmwidgets.pricing import cost_label_of
from llmwidgets.reaching import provider_menu

GROQ_URL = "https://api.groq.com/openai/v1"
ASK = {"model": "llama-3.1-8b-instant", "messages": [{"role": "user", "content": "Hi"}]}


def answered(request: httpx.Request) -> httpx.Response:
    """Groq's answer, without leaving the machine (the SDK's own transport is swapped)."""
    completion = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": ASK["model"],
        "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hi"}}
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 1, "total_tokens": 10},
    }
    return httpx.Response(200, json=completion)


def plain_groq(api_key: str) -> openai.OpenAI:
    """A client made with the SDK alone, on Groq's address."""
    transport = httpx.MockTransport(answered)
    return openai.OpenAI(
        base_url=GROQ_URL, api_key=api_key, http_client=httpx.Client(transport=transport)
    )


def test_a_client_made_elsewhere_is_recognised_by_its_address(canary_key):
    record = record_of(plain_groq(canary_key))
    assert (record.provider_id, record.label, record.key_env) == ("groq", "Groq", "GROQ_API_KEY")
    assert record.asked is None and not record.free and record.host == "api.groq.com"
    local = record_of(openai.OpenAI(base_url="http://127.0.0.1:8080/v1", api_key="x"))
    assert (local.provider_id, local.label, local.free) == ("local", "Local server", True)
    assert local.key_env == "LLMWIDGETS_API_KEY"
    away = record_of(openai.OpenAI(base_url="https://llm.example.org/v1", api_key="x"))
    assert (away.provider_id, away.label, away.free) == ("custom", "Custom server", False)


def test_copy_as_code_and_the_inspectors_curl_read_the_same_key_variable(canary_key):
    """They disagreed for a client made with the SDK alone: GROQ_API_KEY in the script,
    LLMWIDGETS_API_KEY in curl."""
    client = plain_groq(canary_key)
    with llmwidgets.inspect(client) as wire:
        client.chat.completions.create(**ASK)
    assert '-H "Authorization: Bearer $GROQ_API_KEY"' in wire.curl()
    assert 'os.environ["GROQ_API_KEY"]' in python_code(client, ASK) == wire.python()
    assert canary_key not in wire.curl() + wire.python()


def test_a_rehearsal_is_labelled_priced_and_keyless_the_same_everywhere(sandbox_url, no_keys):
    client = llmwidgets.connect("anthropic", rehearse=True)
    record = record_of(client)
    assert record.rehearsal == "anthropic" and record.key_env is None and record.free
    (lane,) = lanes_for([client], {})
    (mine, *_) = provider_menu(client)
    assert lane.label == mine["label"] == record.label == "Anthropic (rehearsed)"
    usage = {"prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100}
    assert cost_label_of(client, "claude-haiku-4-5", usage).startswith("free (rehearsed; ")
    assert "rehearse=True" in python_code(client, ASK)


@pytest.mark.parametrize("provider", ["openai", "groq", "openrouter", "vercel"])
def test_connect_records_what_it_was_asked_for(provider, canary_key):
    client = llmwidgets.connect(provider, api_key=canary_key)
    record = record_of(client)
    assert record.provider_id == provider and record.asked is not None
    assert record.key_env == record.asked.key_env and record.rehearsal is None


def test_a_record_shows_no_credentials_and_follows_a_new_address(canary_key):
    client = openai.OpenAI(
        base_url=f"https://user:{canary_key}@api.groq.com/openai/v1", api_key="x"
    )
    record = record_of(client)
    assert record.provider_id == "groq" and canary_key not in repr(record)
    client.base_url = "http://127.0.0.1:8080/v1"  # the SDK lets a client move
    assert record_of(client).provider_id == "local"


def test_a_custom_connection_reads_its_key_where_connect_did(canary_key):
    """connect("custom", base_url=...) reads LLMWIDGETS_API_KEY, whatever the address: the
    inspector's curl and copy-as-code say so, even on a preset's address."""
    client = llmwidgets.connect("custom", base_url=GROQ_URL, api_key=canary_key)
    record = record_of(client)
    assert record.provider_id == "groq"  # what Groq is known to do still applies
    assert record.key_env == "LLMWIDGETS_API_KEY"
    assert 'os.environ["LLMWIDGETS_API_KEY"]' in python_code(client, ASK)
