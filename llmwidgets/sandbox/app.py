"""The sandbox's HTTP face: OpenAI's routes on Starlette, every failure in OpenAI's envelope.

| route                          | answers                                            |
|--------------------------------|----------------------------------------------------|
| GET  /v1/models                | the chat and the embedding model                   |
| GET  /v1/models/{id}           | one of them, or 404 model_not_found                |
| POST /v1/chat/completions      | a completion, or SSE chunks with `stream: true`    |
| POST /v1/embeddings            | float or base64 vectors                            |
| POST /v1/responses             | a Response, or its semantic events with `stream`   |
| GET, DELETE /v1/responses/{id} | a stored response (`store`, on by default)         |
| GET  /v1/responses/{id}/input_items | the items it read, a page at a time           |

The same routes again under each provider profile's path (`/groq/openai/v1/...`), where
they answer as that provider documents (`profiles.py`); `/v1` is the sandbox itself, or
the profile chosen with `--profile`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from functools import partial

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .config import SandboxConfig
from .embedder import Embedder
from .endpoints import Sandbox, chat_completions, embeddings, get_model, list_models, tokenize
from .engine import Engine
from .errors import SandboxAPIError, error_response
from .guard import Guard
from .response_endpoints import create_response, delete_response, get_response, list_input_items

__all__ = ["SandboxConfig", "create_app"]


def create_app(config: SandboxConfig, engine: Engine, embedder: Embedder) -> Starlette:
    sandbox = Sandbox(config, engine, embedder)
    routes = [Route("/tokenize", tokenize, methods=["POST"])]
    for prefix, profile in sandbox.mounts.items():
        routes += [
            Route(f"{prefix}/models", partial(list_models, profile=profile), methods=["GET"]),
            Route(
                f"{prefix}/models/{{model:path}}",
                partial(get_model, profile=profile),
                methods=["GET"],
            ),
            Route(
                f"{prefix}/chat/completions",
                partial(chat_completions, profile=profile),
                methods=["POST"],
            ),
        ]
        if profile.serves_responses:
            routes.append(
                Route(
                    f"{prefix}/responses",
                    partial(create_response, profile=profile),
                    methods=["POST"],
                )
            )
        if profile.stores_responses:
            one = f"{prefix}/responses/{{response_id}}"
            routes += [
                Route(one, partial(get_response, profile=profile), methods=["GET"]),
                Route(one, partial(delete_response, profile=profile), methods=["DELETE"]),
                Route(
                    f"{one}/input_items",
                    partial(list_input_items, profile=profile),
                    methods=["GET"],
                ),
            ]
        if profile.embedding_models:
            route = Route(
                f"{prefix}/embeddings", partial(embeddings, profile=profile), methods=["POST"]
            )
            routes.append(route)
    middleware = [
        Middleware(Guard, loopback_only=config.loopback_only, max_body_bytes=config.max_body_bytes)
    ]
    if config.allow_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(config.allow_origins),
                allow_methods=["GET", "POST", "DELETE"],
                allow_headers=["*"],
            )
        )
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            SandboxAPIError: _api_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
        lifespan=_lifespan,
    )
    app.state.sandbox = sandbox
    return app


async def _api_error(request: Request, exc: Exception) -> Response:
    """In the envelope of the profile whose path was asked (OpenAI's at /v1)."""
    assert isinstance(exc, SandboxAPIError)
    profile = Sandbox.of(request).profile_at(request.url.path)
    return profile.error(exc) if profile else error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    profile = Sandbox.of(request).profile_at(request.url.path)
    if exc.status_code == 404 and profile is not None:
        own = profile.unknown_route(request.method, request.url.path)
        if own is not None:
            return own
    return await _api_error(request, _openai_words(request, exc))


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    yield
    app.state.sandbox.worker.close()


def _openai_words(request: Request, exc: HTTPException) -> SandboxAPIError:
    """Starlette's 404 and 405 as OpenAI words them (405 keeps its `Allow` header)."""
    if exc.status_code == 405:
        allow = (exc.headers or {}).get("Allow")
        return SandboxAPIError(
            405,
            f"Method {request.method} is not allowed for {request.url.path}.",
            code="method_not_allowed",
            headers={"Allow": allow} if allow else None,
        )
    return SandboxAPIError(
        exc.status_code,
        f"Unknown request URL: {request.method} {request.url.path}. Please check the URL for "
        "typos, or see the provider's documentation.",
        code="unknown_url",
    )


async def _server_error(request: Request, exc: Exception) -> Response:
    error = SandboxAPIError(500, f"The sandbox failed: {type(exc).__name__}.", type="server_error")
    return error_response(error)
