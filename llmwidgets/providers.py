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

Longer than most modules because it is data: a block per preset, each difference cited
to the provider's own documentation; the logic around them is a page.
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
    "REHEARSABLE",
    "STANDARD_MAX_TEMPERATURE",
    "FreeTier",
    "Provider",
    "Refusal",
    "ResponsesAPI",
    "get_provider",
    "runs_locally",
    "split_model_id",
]

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# What `client.provider_id_of` calls a server on this machine that no preset names.
LOCAL_SERVER = "local"

# OpenAI's own upper bound for `temperature`; providers with a lower one say so.
STANDARD_MAX_TEMPERATURE = 2.0


@dataclass(frozen=True)
class Refusal:
    """A request field a provider refuses with an error where OpenAI would answer."""

    param: str  # a top-level field, or `messages[].name` for a field of any message
    message: str  # the provider's words where its documentation or issues quote them
    accepts: tuple[Any, ...] = ()  # values that still pass (Groq takes n=1)
    status: int = 400

    def refuses(self, value: Any) -> bool:
        return value is not None and not any(
            value == ok and type(value) is type(ok) for ok in self.accepts
        )


@dataclass(frozen=True)
class FreeTier:
    """Documented free-tier rate limits, per minute, for the models they apply to."""

    rpm: int | None = None
    tpm: int | None = None
    model_suffix: str = ""  # OpenRouter's apply to ids ending in `:free` only

    def applies_to(self, model: str) -> bool:
        return model.endswith(self.model_suffix)


@dataclass(frozen=True)
class ResponsesAPI:
    """How a provider serves `POST /responses` (OpenAI's Responses API), where it does."""

    stateful: bool = True  # keeps responses: previous_response_id, GET, DELETE, input_items
    refusals: tuple[Refusal, ...] = ()
    ignored_params: frozenset[str] = frozenset()
    notes: str = ""


# OpenAI's own: "Response objects are saved for 30 days by default ... You can disable
# this behavior by setting store to false" (https://platform.openai.com/docs/guides/conversation-state).
STATEFUL = ResponsesAPI(notes="Stores each response for 30 days unless `store: false`.")


@dataclass(frozen=True)
class Provider:
    """One OpenAI-compatible service. Holds the *name* of the key's variable, never a key.

    Besides where to connect, it records how the service's surface differs from OpenAI's,
    as its documentation says: `check_params` warns with it, and the sandbox's profiles
    (`llmwidgets sandbox --profile groq`) behave by it, so that a notebook meets the
    differences offline. Each fact cites its source in a comment below."""

    id: str
    label: str
    base_url: str | None
    key_env: str | None
    requires_key: bool = True
    key_env_aliases: tuple[str, ...] = ()  # other names users keep the same key under
    base_url_env: str | None = None  # a variable that, when set, moves `base_url`
    docs_url: str = ""
    model_hints: tuple[str, ...] = ()  # chat models, the usual one first
    embedding_models: tuple[str, ...] = ()  # none: the service has no /embeddings
    json_schema_models: tuple[str, ...] | None = None  # None: every chat model
    free_tier: str = ""
    free_limits: FreeTier | None = None
    ignored_params: frozenset[str] = frozenset()
    refusals: tuple[Refusal, ...] = ()
    max_temperature: float = STANDARD_MAX_TEMPERATURE  # above it: capped (no error)
    reports_cached_tokens: bool = True
    responses: ResponsesAPI | None = STATEFUL  # None: no /responses (a 404)
    notes: str = ""
    local: bool = False  # runs on this machine: free, and no key leaves it

    @property
    def rejected_params(self) -> frozenset[str]:
        return frozenset(r.param for r in self.refusals)

    @property
    def max_n(self) -> int | None:
        """The largest `n` accepted; None when any (or when `n` is ignored)."""
        for refusal in self.refusals:
            if refusal.param == "n":
                return max((v for v in refusal.accepts if isinstance(v, int)), default=0)
        return None

    def json_schema_model(self, preferred: str) -> str:
        """`preferred` where it takes `response_format` of type json_schema, else the first
        of this provider's models that does (Groq: the gpt-oss models)."""
        capable = self.json_schema_models
        return preferred if capable is None or preferred in capable else capable[0]

    @property
    def rehearsal_path(self) -> str | None:
        """Where the sandbox rehearses this provider's surface (`/groq/openai/v1`: its id,
        then its own path), or None for one with no address of its own."""
        if self.base_url is None:
            return None
        from urllib.parse import urlsplit

        return f"/{self.id}{urlsplit(self.base_url).path.rstrip('/')}"

    def with_base_url(self, base_url: str) -> Provider:
        """The same provider reached at another address (a proxy, a tunnel, a test server)."""
        return replace(self, base_url=base_url)

    def check_params(self, params: Mapping[str, Any]) -> list[str]:
        """Warnings for request parameters this provider ignores, rejects or limits.

        Widgets show these next to a request so that a student learns why a knob did
        nothing (Anthropic ignores `seed`) or why a request failed (Groq rejects `logprobs`).
        """
        warnings = []
        refusals = {r.param: r for r in self.refusals}
        for name in sorted(params):
            value = params[name]
            if value is None:
                continue
            refusal = refusals.get(name)
            if refusal is not None and refusal.refuses(value):
                allowed = " or ".join(f"{v!r}" for v in refusal.accepts)
                only = f" (only {name}={allowed})" if allowed else ""
                warnings.append(
                    f"{self.label} rejects `{name}`{only}: the request will fail with "
                    f"{refusal.status}."
                )
            elif name in self.ignored_params:
                warnings.append(f"{self.label} ignores `{name}`.")
        for refusal in self.refusals:
            listed, _, field = refusal.param.partition("[].")
            items = params.get(listed) if field else None
            if items and any(isinstance(i, Mapping) and i.get(field) is not None for i in items):
                warnings.append(
                    f"{self.label} rejects `{refusal.param}`: the request will fail with "
                    f"{refusal.status}."
                )
        if params.get("api") == "responses":
            warnings += self._responses_warnings(params)
        temperature = params.get("temperature")
        if temperature is not None and temperature > self.max_temperature:
            warnings.append(f"{self.label} caps temperature at {self.max_temperature:g}.")
        return warnings

    def _responses_warnings(self, params: Mapping[str, Any]) -> list[str]:
        api = self.responses
        if api is None:
            return [f"{self.label} has no Responses API: /responses answers 404."]
        warnings = [
            f"{self.label} rejects `{r.param}` on /responses: the request will fail with "
            f"{r.status}."
            for r in api.refusals
            if r.refuses(params.get(r.param))
        ]
        warnings += [
            f"{self.label} ignores `{name}` on /responses."
            for name in sorted(api.ignored_params)
            if params.get(name) is not None
        ]
        return warnings


# https://platform.claude.com/docs/en/api/openai-sdk, "Request fields": each of these is
# "Ignored" (and tools[].function.strict, and messages[].name on every role).
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
            embedding_models=("all-minilm-l6-v2",),
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
            model_hints=("gpt-4.1-mini", "gpt-4o-mini"),
            # https://platform.openai.com/docs/guides/embeddings
            embedding_models=("text-embedding-3-small", "text-embedding-3-large"),
            free_tier="No free tier: prepaid credits.",
        ),
        Provider(
            id="groq",
            label="Groq",
            base_url="https://api.groq.com/openai/v1",
            key_env="GROQ_API_KEY",
            docs_url="https://console.groq.com/docs/openai",
            # https://console.groq.com/docs/rate-limits (the free plan's table)
            model_hints=(
                "llama-3.1-8b-instant",
                "llama-3.3-70b-versatile",
                "openai/gpt-oss-20b",
                "openai/gpt-oss-120b",
            ),
            # https://console.groq.com/docs/structured-outputs: json_schema on these only;
            # strict (constrained decoding) on the gpt-oss ones, best effort on the others.
            json_schema_models=(
                "openai/gpt-oss-20b",
                "openai/gpt-oss-120b",
                "moonshotai/kimi-k2-instruct-0905",
                "meta-llama/llama-4-scout-17b-16e-instruct",
            ),
            free_tier="Free tier with per-model requests- and tokens-per-minute limits.",
            # https://console.groq.com/docs/rate-limits: llama-3.1-8b-instant, 30 RPM, 6K TPM
            free_limits=FreeTier(rpm=30, tpm=6000),
            # https://console.groq.com/docs/openai: "not supported and will result in a 400
            # error (yikes) if they are supplied: logprobs, logit_bias, top_logprobs,
            # messages[].name. If N is supplied, it must be equal to 1." The messages are
            # Groq's as reported in issues (dspy#1155 for n, ServiceStack/llms#17 for
            # messages); for the other three, the wording is ours.
            refusals=(
                Refusal("n", "'n' : number must be at most 1", accepts=(1,)),
                Refusal("logprobs", "'logprobs' : is not supported", accepts=(False,)),
                Refusal("top_logprobs", "'top_logprobs' : is not supported"),
                Refusal("logit_bias", "'logit_bias' : is not supported"),
                Refusal(
                    "messages[].name",
                    "'messages.{index}' : for 'role:{role}' the following must be satisfied"
                    "[('messages.{index}' : property 'name' is unsupported)]",
                ),
            ),
            # https://console.groq.com/docs/responses-api (beta): "doesn't support stateful
            # conversations yet"; "we don't support just yet: previous_response_id, store,
            # truncation, include, safety_identifier, prompt_cache_key, prompt". Whether
            # those are refused or dropped it does not say: rehearsed as dropped, so a
            # previous_response_id sent there loses the conversation without a word, and a
            # response is never stored (its own sample answers `"store": false`).
            responses=ResponsesAPI(
                stateful=False,
                ignored_params=frozenset(
                    {"previous_response_id", "store", "truncation", "include"}
                    | {"safety_identifier", "prompt_cache_key"}
                ),
                notes="Beta, stateless: resend the history in `input`.",
            ),
            notes="No embeddings endpoint. Temperature 0 is sent as 1e-8.",
        ),
        Provider(
            id="openrouter",
            label="OpenRouter",
            base_url="https://openrouter.ai/api/v1",
            key_env="OPENROUTER_API_KEY",
            docs_url="https://openrouter.ai/docs/quickstart",
            # https://openrouter.ai/docs/guides/routing/model-variants/free.md (":free")
            model_hints=(
                "meta-llama/llama-3.3-70b-instruct:free",
                "openai/gpt-oss-20b:free",
                "openai/gpt-4o-mini",
            ),
            # https://openrouter.ai/docs/api_reference/embeddings
            embedding_models=("openai/text-embedding-3-small",),
            free_tier="Models whose id ends in `:free` cost nothing: 20 requests/min, 50/day.",
            # https://openrouter.ai/docs/api_reference/limits: 20 requests per minute on
            # `:free` variants (and 50 a day under 10 credits bought, 1000 above).
            free_limits=FreeTier(rpm=20, model_suffix=":free"),
            # https://openrouter.ai/docs/api-reference/responses-api/overview (beta): "This
            # API is stateless - each request is independent and no conversation state is
            # persisted between requests."; .../responses/error-handling: "Requests that
            # set store: true or a non-null previous_response_id are rejected with a 400
            # error" (the words of the 400 are ours).
            responses=ResponsesAPI(
                stateful=False,
                refusals=(
                    Refusal(
                        "previous_response_id",
                        "previous_response_id is not supported: this API is stateless, "
                        "include the full conversation history in each request",
                    ),
                    Refusal(
                        "store",
                        "store: true is not supported: this API is stateless",
                        accepts=(False,),
                    ),
                ),
                notes="Beta, stateless: resend the history in `input`.",
            ),
            notes=(
                "Routes to many upstream providers; model ids are `vendor/model`. A parameter "
                "the chosen model does not support is ignored (logit_bias on non-OpenAI "
                "models); an unknown model id is a 400."
            ),
        ),
        Provider(
            id="ollama",
            label="Ollama (local)",
            base_url="http://localhost:11434/v1",
            key_env=None,
            requires_key=False,
            docs_url="https://docs.ollama.com/api/openai-compatibility",
            model_hints=("llama3.2", "qwen2.5:0.5b"),
            embedding_models=("nomic-embed-text", "all-minilm"),
            free_tier="Free: runs models on your own machine (`ollama pull` them first).",
            # https://docs.ollama.com/api/openai-compatibility: tool_choice, logit_bias,
            # user and n are unsupported (dropped, not refused); max_completion_tokens is
            # ignored, only max_tokens limits a reply (ollama/ollama#7125).
            ignored_params=frozenset(
                {"n", "tool_choice", "logit_bias", "user", "max_completion_tokens"}
            ),
            reports_cached_tokens=False,
            # https://docs.ollama.com/api/openai-compatibility (v0.13.3+): "Only the
            # non-stateful flavor is supported (i.e., there is no previous_response_id or
            # conversation support)"; the fields it lists are model, input, instructions,
            # tools, stream, temperature, top_p and max_output_tokens. Its request type
            # (ollama/openai/responses.go) has no previous_response_id: dropped, not refused.
            # It does read text.format there, although the docs' list leaves it out.
            responses=ResponsesAPI(
                stateful=False,
                ignored_params=frozenset(
                    {"previous_response_id", "store", "truncation", "include", "top_logprobs"}
                    | {"metadata", "tool_choice", "parallel_tool_calls"}
                ),
                notes="Stateless; reads model, input, instructions, tools, stream, "
                "temperature, top_p and max_output_tokens.",
            ),
            local=True,
        ),
        Provider(
            id="litellm",
            label="LiteLLM proxy",
            base_url="http://localhost:4000/v1",
            # https://docs.litellm.ai/docs/proxy/api_key_auth holds a virtual key in
            # LITELLM_API_KEY; the litellm SDK's litellm_proxy/ provider reads the proxy's key
            # and address from LITELLM_PROXY_API_KEY and LITELLM_PROXY_API_BASE
            # (https://docs.litellm.ai/docs/providers/litellm_proxy).
            key_env="LITELLM_API_KEY",
            key_env_aliases=("LITELLM_PROXY_API_KEY",),
            base_url_env="LITELLM_PROXY_API_BASE",
            docs_url="https://docs.litellm.ai/docs/proxy/user_keys",
            model_hints=("gpt-4o-mini",),
            embedding_models=("text-embedding-3-small",),
            free_tier="Self-hosted proxy: costs are those of the providers it routes to.",
            # https://docs.litellm.ai/docs/response_api: create, get and delete; a model
            # without its own Responses API is bridged to chat completions, and
            # previous_response_id needs the proxy's session storage configured. Run for
            # real in front of the sandbox (1.108.7): `openai/` models pass through to its
            # /responses, so the sandbox keeps the state; unknown fields are dropped.
            responses=ResponsesAPI(
                notes="Passed through where the provider has it (state kept there), else "
                "bridged to chat completions; its response ids are its own."
            ),
            notes="Routes by model name to whatever its config maps it to.",
        ),
        Provider(
            id="vercel",
            label="Vercel AI Gateway",
            base_url="https://ai-gateway.vercel.sh/v1",
            key_env="AI_GATEWAY_API_KEY",
            # https://vercel.com/docs/ai-gateway/sdks-and-apis/openai-compat: `creator/model`
            # ids, with dots in versions (anthropic/claude-haiku-4.5).
            docs_url="https://vercel.com/docs/ai-gateway/openai-compat",
            model_hints=("openai/gpt-4o-mini", "anthropic/claude-haiku-4.5"),
            # https://vercel.com/docs/ai-gateway/modalities/embeddings
            embedding_models=("openai/text-embedding-3-small",),
            free_tier="Monthly free credit per team.",
            # https://vercel.com/docs/ai-gateway/sdks-and-apis/responses: text, streaming,
            # tools, structured output; its docs describe no stored responses, and say
            # nothing of previous_response_id: rehearsed as stateless, the field dropped.
            responses=ResponsesAPI(
                stateful=False,
                ignored_params=frozenset({"previous_response_id", "store"}),
                notes="Stateless as far as its docs say: resend the history in `input`.",
            ),
            notes="Model ids are provider-prefixed, like anthropic/claude-haiku-4.5.",
        ),
        Provider(
            id="anthropic",
            label="Anthropic (OpenAI compatibility)",
            base_url="https://api.anthropic.com/v1/",
            key_env="ANTHROPIC_API_KEY",
            docs_url="https://platform.claude.com/docs/en/api/openai-sdk",
            # https://platform.claude.com/docs/en/about-claude/models/overview
            model_hints=("claude-haiku-4-5", "claude-sonnet-4-5"),
            free_tier="No free tier: prepaid credits.",
            # https://platform.claude.com/docs/en/api/openai-sdk: the fields marked Ignored;
            # n "must be exactly 1" (the wording of the error is ours); temperature "values
            # greater than 1 are capped at 1"; usage.prompt_tokens_details "always empty".
            ignored_params=_ANTHROPIC_IGNORED,
            refusals=(Refusal("n", "n: must be exactly 1", accepts=(1,)),),
            max_temperature=1.0,
            reports_cached_tokens=False,
            responses=None,  # the layer serves chat completions only: /responses is a 404
            notes=(
                "A compatibility layer for trying Claude: no embeddings endpoint, "
                "response_format and tool strict are ignored, no prompt caching."
            ),
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


# The presets the sandbox can rehearse (`llmwidgets sandbox --profile ID`).
REHEARSABLE = tuple(p.id for p in PRESETS.values() if p.rehearsal_path is not None)


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
