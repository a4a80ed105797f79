"""The sandbox's HTTP face: OpenAI's routes on Starlette, every failure in OpenAI's envelope.

| route                          | answers                                            |
|--------------------------------|----------------------------------------------------|
| GET  /v1/models                | the chat and the embedding model                   |
| GET  /v1/models/{id}           | one of them, or 404 model_not_found                |
| POST /v1/chat/completions      | a completion, or SSE chunks with `stream: true`    |
| POST /v1/embeddings            | float or base64 vectors                            |
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import math
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .chat import ChatJob, ChoiceResult, check_model
from .engine import CHAT_MODEL_ID, EMBEDDING_MODEL_ID, Engine, Finish
from .errors import SandboxAPIError, envelope, error_response
from .ratelimit import RateLimiter
from .schemas import ChatRequest, EmbeddingsRequest, parse_body
from .worker import EngineWorker

__all__ = ["SandboxConfig", "create_app"]

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
MODEL_CREATED = 1738886400  # 2025-02-07, when the packaged SmolLM2 weights were published


@dataclass(frozen=True)
class SandboxConfig:
    host: str = "127.0.0.1"
    api_keys: frozenset[str] = frozenset()
    rpm: int | None = None
    tpm: int | None = None
    allow_origins: tuple[str, ...] = ()
    max_body_bytes: int = 1_000_000

    @property
    def loopback_only(self) -> bool:
        return self.host in LOOPBACK_HOSTS


def create_app(config: SandboxConfig, engine: Engine) -> Starlette:
    worker = EngineWorker()
    limiter = RateLimiter(config.rpm, config.tpm)
    embedding_dims = len(engine.embed(["dimension probe"])[0])

    def guard(request: Request) -> tuple[str, dict[str, str]]:
        """Authenticate and rate-limit; returns who is asking and the rate-limit headers."""
        _check_key(request, config.api_keys)
        return (who := _caller(request)), limiter.admit(who)

    async def read(request: Request) -> bytes:
        body = await request.body()
        if len(body) > config.max_body_bytes:
            raise _too_large(config.max_body_bytes)
        return body

    async def list_models(request: Request) -> Response:
        _, headers = guard(request)
        models = [_model(CHAT_MODEL_ID), _model(EMBEDDING_MODEL_ID)]
        return JSONResponse({"object": "list", "data": models}, headers=headers)

    async def get_model(request: Request) -> Response:
        _, headers = guard(request)
        model = request.path_params["model"]
        check_model(model, kind="chat" if model != EMBEDDING_MODEL_ID else "embeddings")
        return JSONResponse(_model(model), headers=headers)

    async def chat_completions(request: Request) -> Response:
        who, headers = guard(request)
        chat = parse_body(ChatRequest, await read(request))
        job = ChatJob.plan(chat, engine)
        if chat.stream:
            include_usage = bool(chat.stream_options and chat.stream_options.include_usage)
            events = _sse(job, worker, engine, include_usage, partial(limiter.record_tokens, who))
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
        for index, item in await worker.run(partial(job.run, engine)):
            _absorb(results[index], item)
        results = [job.finish_choice(r) for r in results]
        body = job.completion(results)
        limiter.record_tokens(who, body["usage"]["total_tokens"])
        return JSONResponse(body, headers=headers)

    async def embeddings(request: Request) -> Response:
        who, headers = guard(request)
        req = parse_body(EmbeddingsRequest, await read(request))
        check_model(req.model, kind="embeddings")
        texts = req.texts
        counts = [engine.count_tokens(t) for t in texts]
        for i, (text, count) in enumerate(zip(texts, counts, strict=True)):
            if not text:
                raise SandboxAPIError(
                    400, f"'input[{i}]' must be a non-empty string.", param="input"
                )
            if count > engine.embedding_context:
                raise SandboxAPIError(
                    400,
                    f"This model's maximum context length is {engine.embedding_context} "
                    f"tokens, however input[{i}] has {count} tokens.",
                    param="input",
                    code="context_length_exceeded",
                )
        if req.dimensions is not None and req.dimensions > embedding_dims:
            raise SandboxAPIError(
                400, f"This model gives at most {embedding_dims} dimensions.", param="dimensions"
            )

        def produce(cancel: Any) -> Any:
            yield engine.embed(texts)

        (vectors,) = await worker.run(produce)
        if req.dimensions is not None:
            vectors = [_shorten(v, req.dimensions) for v in vectors]
        encode = _base64 if req.encoding_format == "base64" else list
        data = [
            {"object": "embedding", "index": i, "embedding": encode(v)}
            for i, v in enumerate(vectors)
        ]
        total = sum(counts)
        limiter.record_tokens(who, total)
        usage = {"prompt_tokens": total, "total_tokens": total}
        return JSONResponse(
            {"object": "list", "data": data, "model": req.model, "usage": usage}, headers=headers
        )

    routes = [
        Route("/v1/models", list_models, methods=["GET"]),
        Route("/v1/models/{model:path}", get_model, methods=["GET"]),
        Route("/v1/chat/completions", chat_completions, methods=["POST"]),
        Route("/v1/embeddings", embeddings, methods=["POST"]),
    ]
    middleware = [Middleware(_Guard, config=config)]
    if config.allow_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(config.allow_origins),
                allow_methods=["GET", "POST"],
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
        lifespan=partial(_lifespan, worker=worker),
    )
    app.state.engine = engine
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette, worker: EngineWorker) -> AsyncIterator[None]:
    yield
    worker.close()


async def _sse(
    job: ChatJob,
    worker: EngineWorker,
    engine: Engine,
    include_usage: bool,
    record: Callable[[int], None],
) -> AsyncIterator[str]:
    """The chunk stream: role first, content deltas, one finish per choice, usage, [DONE]."""
    results = [ChoiceResult(i) for i in range(job.n)]
    buffering = [job.tool_mode == "forced"] * job.n
    started: set[int] = set()

    def event(choices: list[dict[str, Any]], usage: dict[str, Any] | None = None) -> str:
        chunk = job.chunk(choices, usage, with_usage_field=include_usage)
        return f"data: {json.dumps(chunk)}\n\n"

    try:
        async for index, item in worker.stream(partial(job.run, engine)):
            result = results[index]
            if index not in started:
                started.add(index)
                yield event(
                    [job.delta(index, {"role": "assistant", "content": "", "refusal": None})]
                )
            if isinstance(item, Finish):
                _absorb(result, item)
                job.finish_choice(result)
                if result.tool_call:
                    yield event([job.delta(index, {"tool_calls": [result.tool_call]})])
                elif buffering[index] and result.text:
                    yield event([job.delta(index, {"content": result.text})])
                yield event([job.delta(index, {}, result.finish_reason)])
                continue
            if job.tool_mode == "auto" and not result.text and item.text.lstrip().startswith("{"):
                buffering[index] = True
            _absorb(result, item)
            if not buffering[index] and (item.text or item.logprobs):
                yield event([job.delta(index, {"content": item.text}, logprobs=item.logprobs)])
    except SandboxAPIError as exc:
        yield f"data: {json.dumps(exc.to_dict())}\n\n"
        return
    except Exception as exc:  # the stream has started: the error must travel inside it
        message = f"The sandbox failed while generating: {type(exc).__name__}: {exc}"
        yield f"data: {json.dumps(envelope(message, 'server_error'))}\n\n"
        return
    usage = job.usage(results)
    record(usage["total_tokens"])
    if include_usage:
        yield event([], usage)
    yield "data: [DONE]\n\n"


def _absorb(result: ChoiceResult, item: Any) -> None:
    if isinstance(item, Finish):
        result.finish_reason = item.reason
        result.completion_tokens = item.completion_tokens
    else:
        result.text += item.text
        result.logprobs.extend(item.logprobs)


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


def _model(model_id: str) -> dict[str, Any]:
    return {
        "id": model_id,
        "object": "model",
        "created": MODEL_CREATED,
        "owned_by": "llmwidgets-sandbox",
    }


def _shorten(vector: list[float], dims: int) -> list[float]:
    head = vector[:dims]
    norm = math.sqrt(sum(x * x for x in head)) or 1.0
    return [x / norm for x in head]


def _base64(vector: list[float]) -> str:
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()


def _too_large(limit: int) -> SandboxAPIError:
    return SandboxAPIError(
        413,
        f"The request body is larger than this sandbox accepts ({limit} bytes).",
        code="request_too_large",
    )


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SandboxAPIError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        error = SandboxAPIError(
            405,
            f"Method {request.method} is not allowed for {request.url.path}.",
            code="method_not_allowed",
        )
        return error_response(error)
    error = SandboxAPIError(
        exc.status_code,
        f"Unknown request URL: {request.method} {request.url.path}. Please check the URL for "
        "typos; this sandbox serves /v1/models, /v1/chat/completions and /v1/embeddings.",
        code="unknown_url",
    )
    return error_response(error)


async def _server_error(request: Request, exc: Exception) -> Response:
    error = SandboxAPIError(500, f"The sandbox failed: {type(exc).__name__}.", type="server_error")
    return error_response(error)


class _Guard:
    """Refuses, before routing: a non-loopback Host on a loopback server, an oversized body."""

    def __init__(self, app: ASGIApp, config: SandboxConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        error = None
        if self.config.loopback_only and _hostname(headers.get("host", "")) not in LOOPBACK_HOSTS:
            error = SandboxAPIError(
                403,
                "This sandbox only answers requests addressed to localhost "
                "(the Host header names another host).",
                code="invalid_host",
            )
        elif _content_length(headers) > self.config.max_body_bytes:
            error = _too_large(self.config.max_body_bytes)
        if error is not None:
            response: Callable[..., Awaitable[None]] = error_response(error)
            return await response(scope, receive, send)
        return await self.app(scope, receive, send)


def _content_length(headers: dict[str, str]) -> int:
    try:
        return int(headers.get("content-length") or 0)
    except ValueError:
        return 0  # unreadable: the body is measured again once read


def _hostname(host: str) -> str:
    """'127.0.0.1:8000' -> '127.0.0.1'; '[::1]:8000' -> '::1'."""
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host
