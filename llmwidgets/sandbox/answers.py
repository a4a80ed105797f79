"""How each provider words its answers, where they differ from OpenAI's: error envelopes,
model listings, the reply to an unknown model or path. Data for `profiles.py`, one entry
per provider, each with its source.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import PlainTextResponse, Response

from .errors import SandboxAPIError

__all__ = ["ANSWERS", "Answers", "openai_entry"]

MODEL_CREATED = 1738886400  # 2025-02-07, when the packaged SmolLM2 weights were published


@dataclass(frozen=True)
class Answers:
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


ANSWERS: dict[str, Answers] = {
    "sandbox": Answers(),
    "openai": Answers(entry=lambda model, owner: {**openai_entry(model), "owned_by": "system"}),
    # https://console.groq.com/docs/api-reference#models-list (extra fields); unknown model:
    # continuedev/continue#10832.
    "groq": Answers(
        unknown_model=(
            404,
            "The model `{model}` does not exist or you do not have access to it.",
            "invalid_request_error",
            "model_not_found",
        ),
        envelope=_without_nulls,
        entry=lambda model, owner: {
            **openai_entry(model),
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
    "openrouter": Answers(
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
    "ollama": Answers(
        unknown_model=(404, 'model "{model}" not found, try pulling it first', "", None),
        unknown_route=_ollama_route,
        entry=lambda model, owner: {**openai_entry(model), "owned_by": "library"},
    ),
    # https://platform.claude.com/docs/en/api/models-list: /v1/models is Anthropic's own.
    "anthropic": Answers(
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
    "vercel": Answers(
        unknown_model=(404, "Model '{model}' not found.", "model_not_found", None),
        envelope=_without_nulls,
        entry=lambda model, owner: {
            **openai_entry(model),
            "owned_by": model.split("/")[0],
            "name": model.split("/")[-1],
            "type": "embedding" if "embedding" in model else "language",
        },
    ),
    # LiteLLM's proxy 1.108.7, as tests/curriculum/test_litellm.py runs it: an unknown
    # model group is a 400; /v1/models lists the groups with placeholder `created` and
    # `owned_by`, and a `mode` for non-chat models (https://docs.litellm.ai/docs/proxy/model_management).
    "litellm": Answers(
        unknown_model=(
            400,
            "/chat/completions: Invalid model name passed in model={model}. Call `/v1/models` "
            "to view available models for your key.",
            "invalid_request_error",
            "400",
        ),
        entry=lambda model, owner: {
            **openai_entry(model),
            "created": 1677610602,
            "owned_by": "openai",
            **({"mode": "embedding"} if "embedding" in model else {}),
        },
    ),
}


def openai_entry(model: str) -> dict[str, Any]:
    return {"id": model, "object": "model", "created": MODEL_CREATED, "owned_by": "system"}
