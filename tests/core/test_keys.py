"""Key resolution, branch by branch: argument, environment, .env, prompt, clear error."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest

from llmwidgets import MissingKeyError, environment, find_key, resolve_key


def test_argument_wins_over_everything(
    no_keys: Path, monkeypatch: pytest.MonkeyPatch, canary_key: str
) -> None:
    monkeypatch.setenv("GROQ_API_KEY", "env-key-0123456789")
    (no_keys / ".env").write_text("GROQ_API_KEY=dotenv-key-0123456789\n")
    found = resolve_key("groq", canary_key)
    assert (found.value, found.source) == (canary_key, "the api_key argument")


def test_environment_wins_over_dotenv(no_keys: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROQ_API_KEY", "env-key-0123456789")
    (no_keys / ".env").write_text("GROQ_API_KEY=dotenv-key-0123456789\n")
    found = resolve_key("groq")
    assert (found.value, found.source) == (
        "env-key-0123456789",
        "environment variable GROQ_API_KEY",
    )


def test_dotenv_in_a_parent_folder_is_found_without_touching_environ(no_keys: Path) -> None:
    (no_keys.parent / ".env").write_text("# keys\nOPENROUTER_API_KEY='dotenv-key-0123456789'\n")
    (no_keys / "lesson").mkdir()
    import os

    os.chdir(no_keys / "lesson")
    found = resolve_key("openrouter")
    assert found.value == "dotenv-key-0123456789"
    assert found.source == f".env file {no_keys.parent / '.env'}"
    assert "OPENROUTER_API_KEY" not in os.environ


def test_dotenv_without_the_variable_falls_through(no_keys: Path) -> None:
    (no_keys / ".env").write_text("OTHER=1\n")
    assert find_key("groq") is None


def test_prompt_when_someone_can_answer(
    no_keys: Path, monkeypatch: pytest.MonkeyPatch, canary_key: str
) -> None:
    asked = []
    monkeypatch.setattr(getpass, "getpass", lambda text: asked.append(text) or f" {canary_key}\n")
    found = resolve_key("openai", prompt=True)
    assert (found.value, found.source) == (canary_key, "the prompt")
    assert asked == ["OpenAI API key (input hidden): "]


def test_empty_prompt_answer_is_the_missing_key_error(
    no_keys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(getpass, "getpass", lambda text: "")
    with pytest.raises(MissingKeyError, match="OPENAI_API_KEY"):
        resolve_key("openai", prompt=True)


def test_no_prompt_without_a_terminal(no_keys: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under pytest, papermill or CI nobody can type: no prompt, straight to the error."""
    monkeypatch.setattr(getpass, "getpass", lambda text: pytest.fail("must not prompt"))
    monkeypatch.setattr("sys.stdin", None)
    with pytest.raises(MissingKeyError):
        resolve_key("groq")


def test_missing_key_error_names_the_variable(no_keys: Path) -> None:
    with pytest.raises(MissingKeyError) as raised:
        resolve_key("vercel", prompt=False)
    assert str(raised.value) == (
        "No API key for Vercel AI Gateway. Set the AI_GATEWAY_API_KEY environment variable "
        "(or put AI_GATEWAY_API_KEY=... in a .env file), or pass api_key=... ."
    )
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("pid", ["sandbox", "ollama", "custom"])
def test_keyless_providers_get_a_placeholder(no_keys: Path, pid: str) -> None:
    found = resolve_key(pid, prompt=False)
    assert (found.value, found.source) == ("no-key-needed", "no key needed")


def test_custom_provider_reads_its_own_variable(
    no_keys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(environment.CUSTOM_API_KEY, "custom-key-0123456789")
    assert resolve_key("custom").value == "custom-key-0123456789"
