"""The sandbox's endpoints, one function each, as Starlette writes them: each reads the
sandbox's shared parts (`Sandbox`, on `app.state.sandbox`) from its request, and answers
as the profile whose path it was asked on (`profiles.py`). `app.py` routes to them."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Awaitable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from ..providers import PRESETS, REHEARSABLE
from .bodies import parse_body
from .chat import ChatJob, ChoiceResult
from .config import SandboxConfig
from .embedder import Embedder
from .embeddings import embedding_data, token_rows
from .engine import Engine
from .errors import SandboxAPIError
from .failures import TeachingSwitches
from .guard import too_large
from .profiles import Profile
from .ratelimit import RateLimiter
from .response_store import ResponseStore
from .schemas import ChatRequest, EmbeddingsRequest, TokenizeRequest
from .sse import absorb, stream_events
from .worker import EngineWorker

__all__ = ["Sandbox", "chat_completions", "embeddings", "get_model", "list_models", "tokenize"]
# How often a request waiting for a whole answer checks that its client is still there.
DISCONNECT_POLL_SECONDS = 0.25
T = TypeVar("T")


@dataclass
class Sandbox:
    """What every endpoint shares: the models, the one worker thread that runs them, the
    limits and switches, and a profile for each path the routes are mounted at."""

    config: SandboxConfig
    engine: Engine
    embedder: Embedder
    worker: EngineWorker = field(default_factory=EngineWorker)
    responses: ResponseStore = field(default_factory=ResponseStore)  # shared by every profile
    mounts: dict[str, Profile] = field(init=False)

    def __post_init__(self) -> None:
        config = self.config
        self.limiter = RateLimiter(config.rpm, config.tpm)
        self.switches = TeachingSwitches(config.flaky, config.restricted_keys)
        self.known_keys = (
            config.api_keys | config.restricted_keys if config.api_keys else frozenset()
        )
        self.mounts = {"/v1": Profile(config.profile, minute=config.minute)}
        for pid in REHEARSABLE:
            self.mounts[PRESETS[pid].rehearsal_path or ""] = Profile(pid, minute=config.minute)

    @staticmethod
    def of(request: Request) -> Sandbox:
        sandbox: Sandbox = request.app.state.sandbox
        return sandbox

    def guard(self, request: Request) -> tuple[str, dict[str, str]]:
        """Authenticate and rate-limit; returns who is asking and the rate-limit headers."""
        _check_key(request, self.known_keys)
        return (who := _caller(request)), self.limiter.admit(who)

    def use_model(self, request: Request, profile: Profile, who: str, model: str) -> dict[str, str]:
        """After the guard, for requests that run a model: the provider's free-tier limits
        and the teaching switches. Returns the limits' headers."""
        headers = profile.admit(who, model)
        self.switches.check(request, model)
        return headers

    async def read(self, request: Request) -> bytes:
        body = await request.body()
        if len(body) > self.config.max_body_bytes:
            raise too_large(self.config.max_body_bytes)
        return body

    def spent(self, who: str, profile: Profile, model: str, tokens: int) -> None:
        self.limiter.record_tokens(who, tokens)
        profile.record_tokens(who, model, tokens)

    def profile_at(self, path: str) -> Profile | None:
        """The profile whose path `path` is under: the longest prefix that matches."""
        found = [p for p in self.mounts if path == p or path.startswith(p + "/")]
        return self.mounts[max(found, key=len)] if found else None


async def list_models(request: Request, profile: Profile) -> Response:
    _, headers = Sandbox.of(request).guard(request)
    return JSONResponse(profile.listing(), headers=headers)


async def get_model(request: Request, profile: Profile) -> Response:
    _, headers = Sandbox.of(request).guard(request)
    model = request.path_params["model"]
    if not profile.answers.retrieves_models:
        raise HTTPException(404)
    kind = "embeddings" if model in profile.embedding_models else "chat"
    profile.check_model(model, kind=kind)
    return JSONResponse(profile.model_entry(model), headers=headers)


async def chat_completions(request: Request, profile: Profile) -> Response:
    box = Sandbox.of(request)
    who, headers = box.guard(request)
    asked = parse_body(ChatRequest, await box.read(request))
    chat = profile.chat(asked)
    headers |= box.use_model(request, profile, who, asked.model)
    job = ChatJob.plan(chat, box.engine, flagged=box.config.moderate)
    job.shown_model = asked.model
    spent = partial(box.spent, who, profile, asked.model)
    if chat.stream:
        asked_usage = bool(chat.stream_options and chat.stream_options.include_usage)
        include_usage = asked_usage or profile.answers.usage_always_streamed
        events = stream_events(job, box.worker, box.engine, include_usage, spent, profile)
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
    produced = await _unless_abandoned(request, box.worker.run(partial(job.run, box.engine)))
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
    box = Sandbox.of(request)
    who, headers = box.guard(request)
    asked = parse_body(EmbeddingsRequest, await box.read(request))
    req = profile.embeddings(asked)
    headers |= box.use_model(request, profile, who, asked.model)
    rows = token_rows(req, box.embedder)

    def produce(cancel: Any) -> Any:
        yield box.embedder.embed_ids(rows)

    (vectors,) = await box.worker.run(produce)
    data = embedding_data(req, vectors)
    total = sum(len(row) for row in rows)
    box.spent(who, profile, asked.model, total)
    usage = {"prompt_tokens": total, "total_tokens": total}
    return JSONResponse(
        {"object": "list", "data": data, "model": asked.model, "usage": usage},
        headers=headers,
    )


async def tokenize(request: Request) -> Response:
    """llama.cpp server's route: the sandbox model's token ids for a text, so that a
    lesson can ban or favour one with `logit_bias` (keys are the model's own ids)."""
    box = Sandbox.of(request)
    box.guard(request)
    asked = parse_body(TokenizeRequest, await box.read(request))
    engine = box.engine

    def produce(cancel: Any) -> Any:
        tokens = engine.tokenize(asked.content)
        yield tokens, (engine.pieces(tokens) if asked.with_pieces else None)

    ((tokens, pieces),) = await box.worker.run(produce)
    if pieces is None:
        return JSONResponse({"tokens": tokens})
    pairs = zip(tokens, pieces, strict=True)
    return JSONResponse({"tokens": [{"id": t, "piece": p} for t, p in pairs]})


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
