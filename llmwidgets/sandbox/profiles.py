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
`llmwidgets/providers.py` (the single source, with a citation for every fact); how each
one words its answers (error envelope, model listing, unknown model) is `answers.py`'s.
A profile is a rehearsal built from documentation: a `live` run against the real
provider is the truth.
"""

from __future__ import annotations

import math
import time
from typing import Any

from starlette.responses import Response

from ..providers import PRESETS, Provider
from .answers import ANSWERS, openai_entry
from .embedder import EMBEDDING_MODEL_ID
from .engine import CHAT_MODEL_ID
from .errors import SandboxAPIError, error_response
from .ratelimit import RateLimiter
from .response_request import ResponsesRequest
from .schemas import ChatRequest, EmbeddingsRequest, JSONSchemaResponseFormat

__all__ = ["Profile"]


class Profile:
    """One provider's surface over the sandbox's two models."""

    def __init__(self, provider: Provider | str = "sandbox", *, minute: float = 60.0) -> None:
        self.provider = provider = PRESETS[provider] if isinstance(provider, str) else provider
        self.answers = ANSWERS[provider.id]
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
            return openai_entry(model) | {"owned_by": "llmwidgets-sandbox"}
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
        if "response_format" not in provider.ignored_params:
            wants = isinstance(request.response_format, JSONSchemaResponseFormat)
            self._json_schema_model(request.model, wants, "response_format")
        changes: dict[str, Any] = {"model": served}
        for name in provider.ignored_params:
            if name in type(request).model_fields and getattr(request, name) is not None:
                changes[name] = None
        if request.temperature is not None and request.temperature > provider.max_temperature:
            changes["temperature"] = provider.max_temperature
        return request.model_copy(update=changes)

    @property
    def serves_responses(self) -> bool:
        return self.provider.responses is not None

    @property
    def stores_responses(self) -> bool:
        return self.provider.responses is not None and self.provider.responses.stateful

    def responses(self, request: ResponsesRequest) -> ResponsesRequest:
        """A `/responses` request as this provider runs it, as `chat` does for chat: what
        it refuses raises, what it ignores is dropped, a stateless provider stores
        nothing; the model id becomes the engine's."""
        api = self.provider.responses
        assert api is not None, "the route is mounted only where the provider serves it"
        served = self.check_model(request.model, kind="chat")
        for refusal in api.refusals:
            if refusal.refuses(getattr(request, refusal.param, None)):
                raise SandboxAPIError(refusal.status, refusal.message, param=refusal.param)
        if "text" not in api.ignored_params:
            fmt = request.text.format if request.text else None
            wants = fmt is not None and fmt.type == "json_schema"
            self._json_schema_model(request.model, wants, "text.format")
        changes: dict[str, Any] = {"model": served}
        for name in api.ignored_params:
            if getattr(request, name, None) is not None:
                changes[name] = None
        if not api.stateful:
            changes["store"] = False
        if request.temperature is not None and request.temperature > self.provider.max_temperature:
            changes["temperature"] = self.provider.max_temperature
        return request.model_copy(update=changes)

    def _json_schema_model(self, model: str, wants: bool, param: str) -> None:
        """A json_schema format asked of a model the provider takes it with only for some
        models (Groq): its 400, naming where the format was asked (`param`)."""
        capable = self.provider.json_schema_models
        if wants and capable is not None and model not in capable:
            raise SandboxAPIError(
                400,
                f"This model does not support response format `json_schema`: use one of "
                f"{', '.join(capable)}, or `json_object`.",
                param=param,
            )

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
