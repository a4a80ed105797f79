"""Provider profiles: the sandbox's model behind another provider's documented surface.

A notebook that says "change PROVIDER and run it again" has to meet each provider's
differences: Groq refuses `n=4` with a 400, Anthropic's layer ignores `response_format`
and caps `temperature` at 1, Ollama drops `n` and answers one choice, OpenRouter calls an
unknown model a 400 and limits `:free` models to 20 requests a minute. A profile rehearses
that surface offline, on the same small model, at the provider's own path:

    http://127.0.0.1:8765/groq/openai/v1        (Groq's /openai/v1)
    http://127.0.0.1:8765/openrouter/api/v1     (OpenRouter's /api/v1)
    http://127.0.0.1:8765/v1                    (the sandbox itself, or `--profile NAME`)

What a profile refuses, ignores, caps and limits is the provider's record in
`llmwidgets/providers.py` (the single source, with a citation for every fact). What lives
here is how each one *answers*: its error envelope, its model listing, its words for an
unknown model. A profile is a rehearsal built from documentation: a `live` run against
the real provider is the truth.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import PlainTextResponse, Response

from ..providers import PRESETS, Provider
from .embedder import EMBEDDING_MODEL_ID
from .engine import CHAT_MODEL_ID
from .errors import SandboxAPIError, error_response
from .ratelimit import RateLimiter
from .schemas import ChatRequest, EmbeddingsRequest, JSONSchemaResponseFormat

__all__ = ["Profile"]

MODEL_CREATED = 1738886400  # 2025-02-07, when the packaged SmolLM2 weights were published


@dataclass(frozen=True)
class _Answers:
    """How a provider words what goes wrong, where that differs from OpenAI."""

    unknown_model: tuple[int, str, str, str | None] = (
        404,
        "The model '{model}' does not exist or you do not have access to it.",
        "invalid_request_error",
        "model_not_found",
    )
    envelope: Callable[[SandboxAPIError], dict[str, Any]] | None = None  # None: OpenAI's
    unknown_route: Callable[[str, str], Response] | None = None  # None: OpenAI's
    listing: Callable[[list[dict[str, Any]]], dict[str, Any]] = lambda data: {
        "object": "list",
        "data": data,
    }
    entry: Callable[[str, str], dict[str, Any]] = field(
        default=lambda model, owner: {
            "id": model,
            "object": "model",
            "created": MODEL_CREATED,
            "owned_by": owner,
        }
    )
    retrieves_models: bool = True  # GET /models/{id}
    usage_always_streamed: bool = False  # a usage chunk whether asked for or not


def _without_nulls(error: SandboxAPIError) -> dict[str, Any]:
    """Groq's and Vercel's shape: message and type, code and param only when set."""
    body = {"message": error.message, "type": error.type}
    body |= {k: v for k, v in (("code", error.code), ("param", error.param)) if v is not None}
    return {"error": body}


def _openrouter(error: SandboxAPIError) -> dict[str, Any]:
    # https://openrouter.ai/docs/api/reference/errors-and-debugging: the HTTP status as a
    # number in `code`, no `type` or `param`; typed reasons go in metadata.
    body: dict[str, Any] = {"code": error.status, "message": error.message}
    if error.code:
        body["metadata"] = {"error_type": error.code}
    return {"error": body}


def _anthropic(error: SandboxAPIError) -> dict[str, Any]:
    # Seen from the compatibility layer (yinzara/ha-config-ai-agent#5): OpenAI's shape
    # with Anthropic's error type repeated as `code`.
    return {
        "error": {
            "code": error.type,
            "message": error.message,
            "type": error.type,
            "param": error.param,
        }
    }


def _anthropic_route(method: str, path: str) -> Response:
    # Paths the layer does not serve answer in Anthropic's native envelope (OpenManus#447).
    body = {"type": "error", "error": {"type": "not_found_error", "message": "Not Found"}}
    return Response(json.dumps(body), status_code=404, media_type="application/json")


def _ollama_route(method: str, path: str) -> Response:
    return PlainTextResponse("404 page not found", status_code=404)  # Gin's default


_ANSWERS: dict[str, _Answers] = {
    "sandbox": _Answers(),
    "openai": _Answers(entry=lambda model, owner: {**_openai_entry(model), "owned_by": "system"}),
    # https://console.groq.com/docs/api-reference#models-list (extra fields); unknown model:
    # continuedev/continue#10832.
    "groq": _Answers(
        unknown_model=(
            404,
            "The model `{model}` does not exist or you do not have access to it.",
            "invalid_request_error",
            "model_not_found",
        ),
        envelope=_without_nulls,
        entry=lambda model, owner: {
            **_openai_entry(model),
            "owned_by": "Meta" if model.startswith("llama") else model.split("/")[0].title(),
            "active": True,
            "context_window": 131072,
            "public_apps": None,
            "max_completion_tokens": 131072 if model.startswith("llama") else 65536,
        },
    ),
    # https://openrouter.ai/docs/models (fields; no object or owned_by, no GET /models/{id});
    # an unknown model is a 400 (sipeed/picoclaw#1790); usage comes with every stream
    # (https://openrouter.ai/docs/use-cases/usage-accounting).
    "openrouter": _Answers(
        unknown_model=(400, "{model} is not a valid model ID", "invalid_request_error", None),
        envelope=_openrouter,
        listing=lambda data: {"data": data},
        entry=lambda model, owner: {
            "id": model,
            "canonical_slug": model.removesuffix(":free"),
            "name": model.split("/")[-1],
            "created": MODEL_CREATED,
            "description": "Rehearsed by the llmwidgets sandbox.",
            "context_length": 131072,
            "architecture": {
                "modality": "text->text",
                "input_modalities": ["text"],
                "output_modalities": ["text"] if "embedding" not in model else ["embeddings"],
                "tokenizer": "Other",
                "instruct_type": None,
            },
            "pricing": {"prompt": "0", "completion": "0"},
            "top_provider": {
                "context_length": 131072,
                "max_completion_tokens": None,
                "is_moderated": False,
            },
            "per_request_limits": None,
            "supported_parameters": ["max_tokens", "temperature", "top_p", "stop", "seed"],
        },
        retrieves_models=False,
        usage_always_streamed=True,
    ),
    # https://docs.ollama.com/api/openai-compatibility: OpenAI's four fields, owned_by the
    # library; unknown model and error types from ollama/openai/openai.go.
    "ollama": _Answers(
        unknown_model=(404, 'model "{model}" not found, try pulling it first', "", None),
        unknown_route=_ollama_route,
        entry=lambda model, owner: {**_openai_entry(model), "owned_by": "library"},
    ),
    # https://platform.claude.com/docs/en/api/models-list: /v1/models is Anthropic's own.
    "anthropic": _Answers(
        unknown_model=(404, "model: {model}", "not_found_error", None),
        envelope=_anthropic,
        unknown_route=_anthropic_route,
        listing=lambda data: {
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "has_more": False,
            "last_id": data[-1]["id"] if data else None,
        },
        entry=lambda model, owner: {
            "id": model,
            "type": "model",
            "display_name": model.replace("-", " ").title(),
            "created_at": "2025-10-15T00:00:00Z",
        },
    ),
    # Vercel's gateway errors are {message, type} (https://vercel.com/docs/ai-gateway/rate-limits).
    "vercel": _Answers(
        unknown_model=(404, "Model '{model}' not found.", "model_not_found", None),
        envelope=_without_nulls,
        entry=lambda model, owner: {
            **_openai_entry(model),
            "owned_by": model.split("/")[0],
            "name": model.split("/")[-1],
            "type": "embedding" if "embedding" in model else "language",
        },
    ),
    # LiteLLM's proxy 1.108.7, as tests/test_litellm.py runs it: an unknown model group is
    # a 400; /v1/models lists the groups with placeholder `created` and `owned_by`, and a
    # `mode` for non-chat models (https://docs.litellm.ai/docs/proxy/model_management).
    "litellm": _Answers(
        unknown_model=(
            400,
            "/chat/completions: Invalid model name passed in model={model}. Call `/v1/models` "
            "to view available models for your key.",
            "invalid_request_error",
            "400",
        ),
        entry=lambda model, owner: {
            **_openai_entry(model),
            "created": 1677610602,
            "owned_by": "openai",
            **({"mode": "embedding"} if "embedding" in model else {}),
        },
    ),
}


def _openai_entry(model: str) -> dict[str, Any]:
    return {"id": model, "object": "model", "created": MODEL_CREATED, "owned_by": "system"}


class Profile:
    """One provider's surface over the sandbox's two models."""

    def __init__(self, provider: Provider | str = "sandbox", *, minute: float = 60.0) -> None:
        self.provider = provider = PRESETS[provider] if isinstance(provider, str) else provider
        self.answers = _ANSWERS[provider.id]
        own = provider.id == "sandbox"
        self.chat_models = (CHAT_MODEL_ID,) if own else provider.model_hints
        self.embedding_models = (EMBEDDING_MODEL_ID,) if own else provider.embedding_models
        limits = provider.free_limits
        self._limits = limits
        self.limiter = RateLimiter(limits.rpm, limits.tpm, minute) if limits else None

    @property
    def id(self) -> str:
        return self.provider.id

    # ---- models ------------------------------------------------------------------------

    def check_model(self, model: str, *, kind: str) -> str:
        """The engine's id for `model`, or the provider's answer to an id it does not serve."""
        if model in self.chat_models:
            served, wanted = CHAT_MODEL_ID, "chat"
        elif model in self.embedding_models:
            served, wanted = EMBEDDING_MODEL_ID, "embeddings"
        else:
            status, message, type_, code = self.answers.unknown_model
            if self.id == "sandbox":
                message = (
                    f"The model '{model}' does not exist. This sandbox serves "
                    f"'{CHAT_MODEL_ID}' (chat) and '{EMBEDDING_MODEL_ID}' (embeddings)."
                )
            if not type_:
                type_ = "not_found_error" if status == 404 else "invalid_request_error"
            raise SandboxAPIError(
                status, message.format(model=model), type=type_, param="model", code=code
            )
        if kind != wanted:
            others = self.chat_models if kind == "chat" else self.embedding_models
            raise SandboxAPIError(
                400,
                f"'{model}' is not a {kind} model: use '{others[0]}' with this endpoint."
                if others
                else f"'{model}' is not a {kind} model.",
                param="model",
                code="model_not_supported",
            )
        return served

    def listing(self) -> dict[str, Any]:
        models = [*self.chat_models, *self.embedding_models]
        return self.answers.listing([self.model_entry(m) for m in models])

    def model_entry(self, model: str) -> dict[str, Any]:
        if self.id == "sandbox":
            return _openai_entry(model) | {"owned_by": "llmwidgets-sandbox"}
        return self.answers.entry(model, self.id)

    # ---- requests ----------------------------------------------------------------------

    def chat(self, request: ChatRequest) -> ChatRequest:
        """The request as this provider runs it: what it refuses raises its error, what it
        ignores is dropped, a temperature above its range is capped, and the model id
        becomes the engine's."""
        provider = self.provider
        served = self.check_model(request.model, kind="chat")
        for refusal in provider.refusals:
            listed, _, item_field = refusal.param.partition("[].")
            if item_field:
                for index, item in enumerate(getattr(request, listed) or []):
                    if refusal.refuses(getattr(item, item_field, None)):
                        role = getattr(item, "role", "")
                        raise SandboxAPIError(
                            refusal.status,
                            refusal.message.format(index=index, role=role),
                            param=f"{listed}[{index}].{item_field}",
                        )
            elif refusal.refuses(getattr(request, refusal.param, None)):
                raise SandboxAPIError(refusal.status, refusal.message, param=refusal.param)
        fmt = request.response_format
        capable = provider.json_schema_models
        if (
            isinstance(fmt, JSONSchemaResponseFormat)
            and capable is not None
            and request.model not in capable
            and "response_format" not in provider.ignored_params
        ):
            raise SandboxAPIError(
                400,
                f"This model does not support response format `json_schema`: use one of "
                f"{', '.join(capable)}, or `json_object`.",
                param="response_format",
            )
        changes: dict[str, Any] = {"model": served}
        for name in provider.ignored_params:
            if name in type(request).model_fields and getattr(request, name) is not None:
                changes[name] = None
        if "max_completion_tokens" in provider.ignored_params:
            changes["max_completion_tokens"] = None
        if (
            request.temperature is not None
            and request.temperature > provider.max_temperature
            and provider.id != "sandbox"
        ):
            changes["temperature"] = provider.max_temperature
        return request.model_copy(update=changes)

    def embeddings(self, request: EmbeddingsRequest) -> EmbeddingsRequest:
        served = self.check_model(request.model, kind="embeddings")
        return request.model_copy(update={"model": served})

    def usage(self, usage: dict[str, Any]) -> dict[str, Any]:
        """Usage as this provider reports it (some never report cached tokens)."""
        if self.provider.reports_cached_tokens:
            return usage
        return {k: v for k, v in usage.items() if not k.endswith("_details")}

    # ---- limits and errors ---------------------------------------------------------------

    def admit(self, who: str, model: str) -> dict[str, str]:
        """Count a request against the free tier's limits; the headers to answer with."""
        if self.limiter is None or self._limits is None or not self._limits.applies_to(model):
            return {}
        try:
            headers = self.limiter.admit(who)
        except SandboxAPIError as refused:
            if self.id == "openrouter":  # https://openrouter.ai/docs/api_reference/limits
                wait = float(refused.headers.get("retry-after", "1"))
                refused.message = "Rate limit exceeded: free-models-per-min."
                refused.code = "rate_limit_exceeded"
                refused.headers = {
                    "X-RateLimit-Limit": str(self._limits.rpm),
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": str(math.ceil((time.time() + wait) * 1000)),
                    "retry-after": refused.headers.get("retry-after", "1"),
                }
            raise
        # OpenRouter sends no rate-limit headers on success; Groq always does.
        return {} if self.id == "openrouter" else headers

    def record_tokens(self, who: str, model: str, count: int) -> None:
        if self.limiter is not None and self._limits and self._limits.applies_to(model):
            self.limiter.record_tokens(who, count)

    def error_body(self, error: SandboxAPIError) -> dict[str, Any]:
        """The error in this provider's envelope."""
        envelope = self.answers.envelope
        return error.to_dict() if envelope is None else envelope(error)

    def error(self, error: SandboxAPIError) -> Response:
        return error_response(error, self.error_body(error))

    def unknown_route(self, method: str, path: str) -> Response | None:
        """This provider's answer to a path it does not serve; None for OpenAI's."""
        if self.answers.unknown_route is None:
            return None
        return self.answers.unknown_route(method, path)
