"""The sandbox's HTTP face: OpenAI's routes on Starlette, every failure in OpenAI's envelope.

| route                          | answers                                            |
|--------------------------------|----------------------------------------------------|
| GET  /v1/models                | the chat and the embedding model                   |
| GET  /v1/models/{id}           | one of them, or 404 model_not_found                |
| POST /v1/chat/completions      | a completion, or SSE chunks with `stream: true`    |
| POST /v1/embeddings            | float or base64 vectors                            |

The same routes again under each provider profile's path (`/groq/openai/v1/...`), where
they answer as that provider documents (`profiles.py`); `/v1` is the sandbox itself, or
the profile chosen with `--profile`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ..providers import LOOPBACK_HOSTS, PRESETS, REHEARSABLE
from .bodies import parse_body
from .chat import ChatJob, ChoiceResult
from .embedder import Embedder
from .embeddings import embedding_data, token_rows
from .engine import Engine
from .errors import SandboxAPIError, error_response
from .failures import TeachingSwitches
from .guard import Guard, too_large
from .profiles import Profile
from .ratelimit import RateLimiter
from .schemas import ChatRequest, EmbeddingsRequest, TokenizeRequest
from .sse import absorb, stream_events
from .worker import EngineWorker

__all__ = ["SandboxConfig", "create_app"]
# How often a request waiting for a whole answer checks that its client is still there.
DISCONNECT_POLL_SECONDS = 0.25
T = TypeVar("T")


@dataclass(frozen=True)
class SandboxConfig:
    """How a sandbox behaves. The last three are teaching switches: each makes a real
    failure through the same code path as any other (see `failures.py`)."""

    host: str = "127.0.0.1"
    api_keys: frozenset[str] = frozenset()
    rpm: int | None = None
    tpm: int | None = None
    allow_origins: tuple[str, ...] = ()
    max_body_bytes: int = 1_000_000
    moderate: tuple[str, ...] = ()  # words that end a choice with "content_filter"
    flaky: int | None = None  # the first of every N model requests fails with a 503
    restricted_keys: frozenset[str] = frozenset()  # valid keys with no access to models
    profile: str = "sandbox"  # whose surface /v1 shows (every profile has its own path too)
    minute: float = 60.0  # seconds a rate-limit minute lasts, for the profiles' free tiers

    @property
    def loopback_only(self) -> bool:
        return self.host in LOOPBACK_HOSTS


def create_app(config: SandboxConfig, engine: Engine, embedder: Embedder) -> Starlette:
    worker = EngineWorker()
    limiter = RateLimiter(config.rpm, config.tpm)
    switches = TeachingSwitches(config.flaky, config.restricted_keys)
    known_keys = config.api_keys | config.restricted_keys if config.api_keys else frozenset()
    mounts = {"/v1": Profile(config.profile, minute=config.minute)}
    for pid in REHEARSABLE:
        mounts[PRESETS[pid].rehearsal_path or ""] = Profile(pid, minute=config.minute)

    def guard(request: Request) -> tuple[str, dict[str, str]]:
        """Authenticate and rate-limit; returns who is asking and the rate-limit headers."""
        _check_key(request, known_keys)
        return (who := _caller(request)), limiter.admit(who)

    def use_model(request: Request, profile: Profile, who: str, model: str) -> dict[str, str]:
        """After the guard, for requests that run a model: the provider's free-tier limits
        and the teaching switches. Returns the limits' headers."""
        headers = profile.admit(who, model)
        switches.check(request, model)
        return headers

    async def read(request: Request) -> bytes:
        body = await request.body()
        if len(body) > config.max_body_bytes:
            raise too_large(config.max_body_bytes)
        return body

    async def list_models(request: Request, profile: Profile) -> Response:
        _, headers = guard(request)
        return JSONResponse(profile.listing(), headers=headers)

    async def get_model(request: Request, profile: Profile) -> Response:
        _, headers = guard(request)
        model = request.path_params["model"]
        if not profile.answers.retrieves_models:
            raise HTTPException(404)
        kind = "embeddings" if model in profile.embedding_models else "chat"
        profile.check_model(model, kind=kind)
        return JSONResponse(profile.model_entry(model), headers=headers)

    async def chat_completions(request: Request, profile: Profile) -> Response:
        who, headers = guard(request)
        asked = parse_body(ChatRequest, await read(request))
        chat = profile.chat(asked)
        headers |= use_model(request, profile, who, asked.model)
        job = ChatJob.plan(chat, engine, flagged=config.moderate)
        job.shown_model = asked.model

        def spent(tokens: int) -> None:
            limiter.record_tokens(who, tokens)
            profile.record_tokens(who, asked.model, tokens)

        if chat.stream:
            asked_usage = bool(chat.stream_options and chat.stream_options.include_usage)
            include_usage = asked_usage or profile.answers.usage_always_streamed
            events = stream_events(job, worker, engine, include_usage, spent, profile)
            return StreamingResponse(
                events,
                media_type="text/event-stream",
                headers={**headers, "cache-control": "no-cache"},
            )
        if chat.stream_options is not None:
            raise SandboxAPIError(
                400,
                "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                param="stream_options",
            )
        results = [ChoiceResult(i) for i in range(job.n)]
        produced = await _unless_abandoned(request, worker.run(partial(job.run, engine)))
        if produced is None:  # the client gave up (a timeout, a closed connection)
            return Response(status_code=499)  # nobody reads it: the connection is gone
        for index, item in produced:
            absorb(results[index], item)
        for result in results:
            job.finish_choice(result)
        body = job.completion(results)
        spent(body["usage"]["total_tokens"])
        body["usage"] = profile.usage(body["usage"])
        return JSONResponse(body, headers=headers)

    async def embeddings(request: Request, profile: Profile) -> Response:
        who, headers = guard(request)
        asked = parse_body(EmbeddingsRequest, await read(request))
        req = profile.embeddings(asked)
        headers |= use_model(request, profile, who, asked.model)
        rows = token_rows(req, embedder)

        def produce(cancel: Any) -> Any:
            yield embedder.embed_ids(rows)

        (vectors,) = await worker.run(produce)
        data = embedding_data(req, vectors)
        total = sum(len(row) for row in rows)
        limiter.record_tokens(who, total)
        profile.record_tokens(who, asked.model, total)
        usage = {"prompt_tokens": total, "total_tokens": total}
        return JSONResponse(
            {"object": "list", "data": data, "model": asked.model, "usage": usage},
            headers=headers,
        )

    async def tokenize(request: Request) -> Response:
        """llama.cpp server's route: the sandbox model's token ids for a text, so that a
        lesson can ban or favour one with `logit_bias` (keys are the model's own ids)."""
        guard(request)
        asked = parse_body(TokenizeRequest, await read(request))

        def produce(cancel: Any) -> Any:
            tokens = engine.tokenize(asked.content)
            yield tokens, (engine.pieces(tokens) if asked.with_pieces else None)

        ((tokens, pieces),) = await worker.run(produce)
        if pieces is None:
            return JSONResponse({"tokens": tokens})
        pairs = zip(tokens, pieces, strict=True)
        return JSONResponse({"tokens": [{"id": t, "piece": p} for t, p in pairs]})

    routes = [Route("/tokenize", tokenize, methods=["POST"])]
    for prefix, profile in mounts.items():
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
                allow_methods=["GET", "POST"],
                allow_headers=["*"],
            )
        )

    def profile_at(path: str) -> Profile | None:
        """The profile whose path `path` is under: the longest prefix that matches."""
        found = [p for p in mounts if path == p or path.startswith(p + "/")]
        return mounts[max(found, key=len)] if found else None

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SandboxAPIError)
        profile = profile_at(request.url.path)
        return profile.error(exc) if profile else error_response(exc)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        profile = profile_at(request.url.path)
        if exc.status_code == 404 and profile is not None:
            own = profile.unknown_route(request.method, request.url.path)
            if own is not None:
                return own
        return await api_error(request, _http_error(request, exc))

    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            SandboxAPIError: api_error,
            HTTPException: http_error,
            Exception: _server_error,
        },
        lifespan=partial(_lifespan, worker=worker),
    )
    app.state.engine = engine
    return app


async def _unless_abandoned(request: Request, work: Awaitable[T]) -> T | None:
    """`await work`, unless the client goes away first: then cancel it, which frees the
    engine between two tokens, and return None. A stream notices a closed connection when
    it next writes; a request waiting for a whole answer has to ask."""
    task = asyncio.ensure_future(work)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=DISCONNECT_POLL_SECONDS)
            if done:
                return task.result()
            if await request.is_disconnected():
                return None
    finally:
        task.cancel()


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette, worker: EngineWorker) -> AsyncIterator[None]:
    yield
    worker.close()


def _caller(request: Request) -> str:
    """Whom limits apply to: the bearer key (as a digest) when one is sent, else the address."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "key:" + hashlib.sha256(token.strip().encode()).hexdigest()[:16]
    return "addr:" + (request.client.host if request.client else "unknown")


def _check_key(request: Request, keys: frozenset[str]) -> None:
    if not keys:
        return
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise SandboxAPIError(
            401,
            "You didn't provide an API key. You need to provide your API key in an "
            "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            code="missing_api_key",
        )
    token = token.strip()
    if not any(hmac.compare_digest(token.encode(), key.encode()) for key in keys):
        # Never echo the key back: not even a masked part of it.
        raise SandboxAPIError(401, "Incorrect API key provided.", code="invalid_api_key")


def _http_error(request: Request, exc: HTTPException) -> SandboxAPIError:
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
