"""Provider presets: every OpenAI-compatible service is the same SDK with another base URL.

A provider is data. Nothing here imports the SDK or touches the network, so reading the
table is free; `llmwidgets.client.connect` turns a record into a ready client.

| id         | base URL                          | key variable        |
|------------|-----------------------------------|---------------------|
| openai     | https://api.openai.com/v1         | OPENAI_API_KEY      |
| groq       | https://api.groq.com/openai/v1    | GROQ_API_KEY        |
| openrouter | https://openrouter.ai/api/v1      | OPENROUTER_API_KEY  |
| ollama     | http://localhost:11434/v1         | (none)              |
| litellm    | http://localhost:4000/v1          | LITELLM_API_KEY     |
| vercel     | https://ai-gateway.vercel.sh/v1   | AI_GATEWAY_API_KEY  |
| anthropic  | https://api.anthropic.com/v1/     | ANTHROPIC_API_KEY   |
| sandbox    | (the local sandbox, started on demand) | (none)         |
| custom     | (any, given by the caller)        | LLMWIDGETS_API_KEY  |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from . import environment
from .errors import UnknownProviderError

__all__ = [
    "LOCAL_SERVER",
    "LOOPBACK_HOSTS",
    "PRESETS",
    "Provider",
    "get_provider",
    "runs_locally",
    "split_model_id",
]

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# What `client.provider_id_of` calls a server on this machine that no preset names.
LOCAL_SERVER = "local"

# OpenAI's own upper bound for `temperature`; providers with a lower one say so.
_STANDARD_MAX_TEMPERATURE = 2.0


@dataclass(frozen=True)
class Provider:
    """One OpenAI-compatible service. Holds the *name* of the key's variable, never a key."""

    id: str
    label: str
    base_url: str | None
    key_env: str | None
    requires_key: bool = True
    docs_url: str = ""
    model_hints: tuple[str, ...] = ()
    free_tier: str = ""
    ignored_params: frozenset[str] = frozenset()
    rejected_params: frozenset[str] = frozenset()
    max_n: int | None = None
    max_temperature: float = _STANDARD_MAX_TEMPERATURE
    notes: str = ""
    local: bool = False  # runs on this machine: free, and no key leaves it

    def with_base_url(self, base_url: str) -> Provider:
        """The same provider reached at another address (a proxy, a tunnel, a test server)."""
        return replace(self, base_url=base_url)

    def check_params(self, params: Mapping[str, Any]) -> list[str]:
        """Warnings for request parameters this provider ignores, rejects or limits.

        Widgets show these next to a request so that a student learns why a knob did
        nothing (Anthropic ignores `seed`) or why a request failed (Groq rejects `logprobs`).
        """
        warnings = []
        for name in sorted(params):
            if params[name] is None:
                continue
            if name in self.rejected_params:
                warnings.append(f"{self.label} rejects `{name}`: the request will fail with 400.")
            elif name in self.ignored_params:
                warnings.append(f"{self.label} ignores `{name}`.")
        n = params.get("n")
        if self.max_n is not None and n is not None and n > self.max_n:
            warnings.append(f"{self.label} accepts at most n={self.max_n}.")
        temperature = params.get("temperature")
        if temperature is not None and temperature > self.max_temperature:
            warnings.append(f"{self.label} caps temperature at {self.max_temperature:g}.")
        return warnings


_ANTHROPIC_IGNORED = frozenset(
    {
        "audio",
        "frequency_penalty",
        "logit_bias",
        "logprobs",
        "metadata",
        "modalities",
        "prediction",
        "presence_penalty",
        "reasoning_effort",
        "response_format",
        "seed",
        "service_tier",
        "store",
        "top_logprobs",
        "user",
    }
)

PRESETS: dict[str, Provider] = {
    p.id: p
    for p in (
        Provider(
            id="sandbox",
            label="Sandbox (local)",
            base_url=None,
            key_env=None,
            requires_key=False,
            model_hints=("smollm2-135m-instruct",),
            free_tier="Free and offline: a small real model running on this machine.",
            notes="Started on demand by llmwidgets; the default provider everywhere.",
            local=True,
        ),
        Provider(
            id="openai",
            label="OpenAI",
            base_url="https://api.openai.com/v1",
            key_env="OPENAI_API_KEY",
            docs_url="https://platform.openai.com/docs/api-reference/chat",
            model_hints=("gpt-4.1-mini", "gpt-4o-mini", "text-embedding-3-small"),
            free_tier="No free tier: prepaid credits.",
        ),
        Provider(
            id="groq",
            label="Groq",
            base_url="https://api.groq.com/openai/v1",
            key_env="GROQ_API_KEY",
            docs_url="https://console.groq.com/docs/openai",
            model_hints=(
                "llama-3.3-70b-versatile",
                "llama-3.1-8b-instant",
                "openai/gpt-oss-120b",
                "openai/gpt-oss-20b",
            ),
            free_tier="Free tier with per-model requests- and tokens-per-minute limits.",
            rejected_params=frozenset({"logprobs", "logit_bias", "top_logprobs"}),
            max_n=1,
            notes="No embeddings endpoint. messages[].name is rejected.",
        ),
        Provider(
            id="openrouter",
            label="OpenRouter",
            base_url="https://openrouter.ai/api/v1",
            key_env="OPENROUTER_API_KEY",
            docs_url="https://openrouter.ai/docs/quickstart",
            model_hints=(
                "meta-llama/llama-3.3-70b-instruct:free",
                "openai/gpt-oss-20b:free",
                "openai/gpt-4o-mini",
            ),
            free_tier="Models whose id ends in `:free` cost nothing: 20 requests/min, 50/day.",
            notes="Routes to many upstream providers; model ids are `vendor/model`.",
        ),
        Provider(
            id="ollama",
            label="Ollama (local)",
            base_url="http://localhost:11434/v1",
            key_env=None,
            requires_key=False,
            docs_url="https://docs.ollama.com/api/openai-compatibility",
            model_hints=("llama3.2", "qwen2.5:0.5b", "nomic-embed-text"),
            free_tier="Free: runs models on your own machine (`ollama pull` them first).",
            local=True,
        ),
        Provider(
            id="litellm",
            label="LiteLLM proxy",
            base_url="http://localhost:4000/v1",
            key_env="LITELLM_API_KEY",
            docs_url="https://docs.litellm.ai/docs/proxy/user_keys",
            model_hints=("gpt-4o-mini",),
            free_tier="Self-hosted proxy: costs are those of the providers it routes to.",
            notes="Routes by model name to whatever its config maps it to.",
        ),
        Provider(
            id="vercel",
            label="Vercel AI Gateway",
            base_url="https://ai-gateway.vercel.sh/v1",
            key_env="AI_GATEWAY_API_KEY",
            docs_url="https://vercel.com/docs/ai-gateway/openai-compat",
            model_hints=("anthropic/claude-sonnet-4", "openai/gpt-4o-mini"),
            free_tier="Monthly free credit per team.",
            notes="Model ids are provider-prefixed, like anthropic/claude-sonnet-4.",
        ),
        Provider(
            id="anthropic",
            label="Anthropic (OpenAI compatibility)",
            base_url="https://api.anthropic.com/v1/",
            key_env="ANTHROPIC_API_KEY",
            docs_url="https://docs.claude.com/en/api/openai-sdk",
            model_hints=("claude-sonnet-4-5", "claude-haiku-4-5"),
            free_tier="No free tier: prepaid credits.",
            ignored_params=_ANTHROPIC_IGNORED,
            max_n=1,
            max_temperature=1.0,
            notes="A compatibility layer for trying Claude; no embeddings endpoint.",
        ),
        Provider(
            id="custom",
            label="Custom base URL",
            base_url=None,
            key_env=environment.CUSTOM_API_KEY,
            requires_key=False,
            notes="Any OpenAI-compatible server: pass base_url=...",
        ),
    )
}


def get_provider(provider: str | Provider) -> Provider:
    """Look a preset up by id (case-insensitive); a `Provider` passes through unchanged."""
    if isinstance(provider, Provider):
        return provider
    try:
        return PRESETS[provider.strip().lower()]
    except KeyError:
        known = ", ".join(PRESETS)
        raise UnknownProviderError(f"Unknown provider {provider!r}. Known: {known}.") from None


def runs_locally(provider_id: str) -> bool:
    """True for a server on this machine (a local preset, or any unnamed loopback server):
    it costs nothing to call, so the cost meter prices it as free."""
    preset = PRESETS.get(provider_id)
    return provider_id == LOCAL_SERVER or (preset is not None and preset.local)


def split_model_id(model: str, default_provider: str = "sandbox") -> tuple[str, str]:
    """Split `provider:model` on the first colon, when the prefix names a preset.

    `groq:llama-3.1-8b-instant` -> ("groq", "llama-3.1-8b-instant");
    `openrouter:openai/gpt-oss-20b:free` keeps its `:free`; a bare id such as
    `qwen2.5:0.5b` (whose prefix is no preset) belongs to `default_provider`.
    """
    prefix, sep, rest = model.partition(":")
    if sep and prefix.lower() in PRESETS and rest:
        return prefix.lower(), rest
    return default_provider, model
