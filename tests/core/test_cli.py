from __future__ import annotations

import pytest

from llmwidgets.cli import main


def test_providers_table(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, canary_key: str
) -> None:
    monkeypatch.setenv("GROQ_API_KEY", canary_key)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert main(["providers"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line.split() for line in out.splitlines()}
    assert lines["groq"] == ["groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", "yes"]
    assert lines["openai"][-1] == "no"
    assert lines["sandbox"] == ["sandbox", "(on", "demand)", "(none)", "-"]
    assert canary_key not in out
