"""The package surface: light to import, exactly the names we mean to export."""

from __future__ import annotations

import subprocess
import sys

import llmwidgets


def test_public_surface() -> None:
    assert set(llmwidgets.__all__) == {
        "BudgetExceededError",
        "CallRecord",
        "CostMeter",
        "ProviderSelector",
        "Reply",
        "StreamCell",
        "chat",
        "count_message_tokens",
        "count_tokens",
        "price_of",
        "provider_id_of",
        "session_meter",
        "LLMWidgetsError",
        "MissingKeyError",
        "ModelListing",
        "PRESETS",
        "Provider",
        "ResolvedKey",
        "UnknownProviderError",
        "aconnect",
        "alist_models",
        "connect",
        "describe_error",
        "find_key",
        "get_provider",
        "list_models",
        "provider_of",
        "redact",
        "resolve_key",
        "split_model_id",
    }
    for name in llmwidgets.__all__:
        assert getattr(llmwidgets, name) is not None


def test_import_is_light() -> None:
    """`import llmwidgets` must not pull in the SDK, widgets or pandas, and stays < 0.3 s."""
    code = (
        "import sys, time\n"
        "t = time.perf_counter(); import llmwidgets; elapsed = time.perf_counter() - t\n"
        "heavy = sorted(m for m in ('openai', 'ipywidgets', 'anywidget', 'pandas', 'httpx2',"
        " 'dotenv', 'tiktoken', 'genai_prices') if m in sys.modules)\n"
        "print(elapsed, ','.join(heavy))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split(" ")
        for _ in range(3)
    ]
    assert all(heavy.strip() == "" for _, heavy in runs), runs
    assert min(float(elapsed) for elapsed, _ in runs) < 0.3, runs
