"""The preset table is a contract: base URLs exactly as each provider documents them."""

from __future__ import annotations

import pytest

from llmwidgets import PRESETS, Provider, UnknownProviderError, get_provider, split_model_id

DOCUMENTED = {
    "openai": ("https://api.openai.com/v1", "OPENAI_API_KEY"),
    "groq": ("https://api.groq.com/openai/v1", "GROQ_API_KEY"),
    "openrouter": ("https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
    "ollama": ("http://localhost:11434/v1", None),
    "litellm": ("http://localhost:4000/v1", "LITELLM_API_KEY"),
    "vercel": ("https://ai-gateway.vercel.sh/v1", "AI_GATEWAY_API_KEY"),
    "anthropic": ("https://api.anthropic.com/v1/", "ANTHROPIC_API_KEY"),
}


@pytest.mark.parametrize(("pid", "expected"), DOCUMENTED.items())
def test_preset_base_url_and_key_variable(pid: str, expected: tuple[str, str | None]) -> None:
    provider = PRESETS[pid]
    assert (provider.base_url, provider.key_env) == expected
    assert provider.requires_key == (expected[1] is not None)
    assert provider.model_hints, "every real provider offers fallback model hints"
    assert provider.docs_url.startswith("https://")


def test_every_preset_is_present() -> None:
    assert set(PRESETS) == {*DOCUMENTED, "sandbox", "custom"}
    assert PRESETS["sandbox"].requires_key is False
    assert PRESETS["sandbox"].model_hints == ("smollm2-135m-instruct",)


def test_presets_are_frozen_data() -> None:
    with pytest.raises(AttributeError):
        PRESETS["groq"].base_url = "http://elsewhere/v1"  # type: ignore[misc]
    moved = PRESETS["groq"].with_base_url("http://127.0.0.1:9/openai/v1")
    assert moved.base_url == "http://127.0.0.1:9/openai/v1"
    assert PRESETS["groq"].base_url == "https://api.groq.com/openai/v1"


def test_get_provider_is_case_insensitive_and_passes_records_through() -> None:
    assert get_provider(" Groq ") is PRESETS["groq"]
    custom = Provider(id="mine", label="Mine", base_url="http://127.0.0.1:1/v1", key_env=None)
    assert get_provider(custom) is custom


def test_unknown_provider_lists_the_known_ones() -> None:
    with pytest.raises(UnknownProviderError, match=r"Unknown provider 'grok'\. Known: sandbox, "):
        get_provider("grok")


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("groq:llama-3.1-8b-instant", ("groq", "llama-3.1-8b-instant")),
        ("openrouter:openai/gpt-oss-20b:free", ("openrouter", "openai/gpt-oss-20b:free")),
        ("vercel:anthropic/claude-sonnet-4", ("vercel", "anthropic/claude-sonnet-4")),
        ("OLLAMA:qwen2.5:0.5b", ("ollama", "qwen2.5:0.5b")),
        ("qwen2.5:0.5b", ("sandbox", "qwen2.5:0.5b")),
        (
            "meta-llama/llama-3.3-70b-instruct:free",
            ("sandbox", "meta-llama/llama-3.3-70b-instruct:free"),
        ),
        ("smollm2-135m-instruct", ("sandbox", "smollm2-135m-instruct")),
        ("groq:", ("sandbox", "groq:")),
    ],
)
def test_split_model_id_on_the_first_colon(model: str, expected: tuple[str, str]) -> None:
    assert split_model_id(model) == expected


def test_split_model_id_default_provider() -> None:
    assert split_model_id("gpt-4o-mini", default_provider="openai") == ("openai", "gpt-4o-mini")


def test_anthropic_warnings_for_ignored_and_limited_parameters() -> None:
    warnings = PRESETS["anthropic"].check_params(
        {
            "seed": 1,
            "response_format": {"type": "json_object"},
            "n": 2,
            "temperature": 1.5,
            "max_tokens": 10,
            "logprobs": None,
        }
    )
    assert warnings == [
        "Anthropic (OpenAI compatibility) rejects `n` (only n=1): the request will fail with 400.",
        "Anthropic (OpenAI compatibility) ignores `response_format`.",
        "Anthropic (OpenAI compatibility) ignores `seed`.",
        "Anthropic (OpenAI compatibility) caps temperature at 1.",
    ]


def test_groq_warns_before_a_400() -> None:
    assert PRESETS["groq"].check_params({"logprobs": True, "temperature": 2.0}) == [
        "Groq rejects `logprobs` (only logprobs=False): the request will fail with 400."
    ]
    assert PRESETS["groq"].check_params({"logprobs": False, "n": 1}) == []
    named = {"messages": [{"role": "user", "content": "hi", "name": "ada"}]}
    assert PRESETS["groq"].check_params(named) == [
        "Groq rejects `messages[].name`: the request will fail with 400."
    ]
    assert PRESETS["openai"].check_params({"logprobs": True, "n": 3, "temperature": 2}) == []


def test_readme_shows_the_presets_as_they_are() -> None:
    """README's provider table is generated from the presets; regenerate it with
    `llmwidgets providers --markdown` when they change."""
    from pathlib import Path

    from llmwidgets.cli import markdown_table

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert markdown_table() in readme


def test_every_refusal_and_limit_cites_its_source() -> None:
    """Each preset's documented differences carry a source URL in a comment nearby."""
    import inspect
    import re

    from llmwidgets import providers

    source = inspect.getsource(providers)
    for preset in PRESETS.values():
        if not (preset.refusals or preset.ignored_params or preset.free_limits):
            continue
        block = source[source.index(f'id="{preset.id}"') :]
        block = block[: block.index("Provider(")]  # up to the next preset
        assert re.search(r"# https://", block), f"{preset.id}: no source cited"
