"""From a provider id to a ready `openai` client, and the models it serves.

client = connect("groq")                  # key from GROQ_API_KEY, .env or a prompt
client = connect()                        # the local sandbox, no key needed
client = connect("groq", rehearse=True)   # the sandbox, behaving as Groq documents
aclient = aconnect("openrouter")          # the AsyncOpenAI twin
listing = list_models(client)             # GET /v1/models, cached; hints on failure
model = usual_model(client)               # its chat model, or a ValueError: name one

A rehearsal (`rehearse=True`, or LLMWIDGETS_REHEARSE=groq,anthropic or =all for every
`connect`) sends nothing to the provider and needs no key: the sandbox's small model
answers through that provider's profile (`llmwidgets/sandbox/profiles.py`), with its
model ids, refusals, ignored parameters and free-tier limits, so that a notebook meets
them offline. It is built from documentation; a real run is the truth.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import environment
from ._constants import DEFAULT_PROVIDER, MODELS_CACHE_SECONDS, MODELS_TIMEOUT_SECONDS
from .client_record import record_of, remember
from .errors import LLMWidgetsError, describe_error
from .keys import resolve_key
from .providers import (
    REHEARSABLE,
    Provider,
    get_provider,
)

if TYPE_CHECKING:
    import openai

__all__ = [
    "ModelListing",
    "aconnect",
    "alist_models",
    "ausual_model",
    "chat_model_among",
    "connect",
    "list_models",
    "provider_id_of",
    "provider_of",
    "rehearsal_of",
    "rehearsed",
    "usual_model",
]

_listing_cache: dict[tuple[str, str], tuple[float, ModelListing]] = {}


@dataclass(frozen=True)
class ModelListing:
    """Model ids a provider offers; `note` says why they are hints rather than a live list."""

    ids: tuple[str, ...]
    from_api: bool
    note: str = ""
    hints: tuple[str, ...] = ()
    error_type: str = ""  # the exception's class name when listing failed

    @property
    def chat_model(self) -> str | None:
        return chat_model_among(self.ids, self.hints)


def chat_model_among(ids: Sequence[str], hints: Sequence[str] = ()) -> str | None:
    """A sensible default for chat: the preset's first hint that is served (or a dated
    snapshot of it: Anthropic lists `claude-haiku-4-5-20251001`, newest models first),
    else the first id that is not an embedding, speech or moderation model."""
    for hint in hints:
        if hint in ids:
            return hint
        dated = sorted(i for i in ids if i.startswith(hint + "-") and i[len(hint) + 1 :].isdigit())
        if dated:
            return dated[-1]
    skip = ("embed", "minilm", "whisper", "tts", "moderation", "dall-e", "image")
    chat = [i for i in ids if not any(word in i.lower() for word in skip)]
    first = chat or list(ids)
    return first[0] if first else None


def connect(
    provider: str | Provider = DEFAULT_PROVIDER,
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    prompt: bool | None = None,
    rehearse: bool | None = None,
    **client_options: Any,
) -> openai.OpenAI:
    """An `openai.OpenAI` client for a preset; extra keywords go to the SDK unchanged.

    `rehearse=True` connects to the sandbox's profile of the provider instead (None: as
    LLMWIDGETS_REHEARSE says)."""
    import openai

    record, kwargs, rehearsal = _client_arguments(provider, api_key, base_url, prompt, rehearse)
    client = openai.OpenAI(**kwargs, **client_options)
    remember(client, record, rehearsal=rehearsal)
    return client


def aconnect(
    provider: str | Provider = DEFAULT_PROVIDER,
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    prompt: bool | None = None,
    rehearse: bool | None = None,
    **client_options: Any,
) -> openai.AsyncOpenAI:
    """The `openai.AsyncOpenAI` twin of `connect`, for widgets that stream while you click."""
    import openai

    record, kwargs, rehearsal = _client_arguments(provider, api_key, base_url, prompt, rehearse)
    client = openai.AsyncOpenAI(**kwargs, **client_options)
    remember(client, record, rehearsal=rehearsal)
    return client


def provider_of(client: Any) -> Provider | None:
    """The preset a client was made from by `connect`, or None for a client made elsewhere."""
    return record_of(client).asked


def provider_id_of(client: Any) -> str:
    """The preset id of any client (`client_record.record_of`): from `connect`, else
    recognised by its base URL's host; a loopback address no preset names is "local"."""
    return record_of(client).provider_id


def rehearsal_of(client: Any) -> str | None:
    """The preset a client rehearses on the sandbox (made by `connect(id, rehearse=True)`,
    or with LLMWIDGETS_REHEARSE), or None for a client that reaches the provider itself."""
    return record_of(client).rehearsal


def list_models(
    client: openai.OpenAI,
    *,
    timeout: float = MODELS_TIMEOUT_SECONDS,
    refresh: bool = False,
) -> ModelListing:
    """`GET /models`, cached for a few minutes; the preset's hints when listing fails."""
    cached = None if refresh else _cached(client)
    if cached:
        return cached
    try:
        page = client.with_options(timeout=timeout, max_retries=0).models.list()
    except Exception as exc:  # any failure means "fall back", and says why
        return _fallback(client, exc)
    return _remember(client, [m.id for m in page.data])


async def alist_models(
    client: openai.AsyncOpenAI,
    *,
    timeout: float = MODELS_TIMEOUT_SECONDS,
    refresh: bool = False,
) -> ModelListing:
    """The async twin of `list_models`, sharing its cache."""
    cached = None if refresh else _cached(client)
    if cached:
        return cached
    try:
        page = await client.with_options(timeout=timeout, max_retries=0).models.list()
    except Exception as exc:
        return _fallback(client, exc)
    return _remember(client, [m.id for m in page.data])


def usual_model(client: openai.OpenAI | openai.AsyncOpenAI, *, name_it: str = "model=...") -> str:
    """The chat model a widget uses when none is named (`ModelListing.chat_model`), for
    code that cannot await. A ValueError says how to name one (`name_it`) when none is
    listed, or when `client` is an AsyncOpenAI, whose listing must be awaited."""
    import openai

    if isinstance(client, openai.AsyncOpenAI):
        raise ValueError(
            f"An AsyncOpenAI client lists its models only when awaited: say which, as {name_it}"
        )
    return _chat_model_of(list_models(client), name_it)


async def ausual_model(
    client: openai.OpenAI | openai.AsyncOpenAI, *, name_it: str = "model=..."
) -> str:
    """`usual_model` on the event loop, for either client: a sync one lists in a thread."""
    import openai

    if isinstance(client, openai.AsyncOpenAI):
        listing = await alist_models(client)
    else:
        listing = await asyncio.to_thread(list_models, client)
    return _chat_model_of(listing, name_it)


def _chat_model_of(listing: ModelListing, name_it: str) -> str:
    if listing.chat_model is None:
        why = f" ({listing.note})" if listing.note else ""
        raise ValueError(f"No chat model listed{why}: say which, as {name_it}")
    return listing.chat_model


def rehearsed(provider_id: str) -> bool:
    """Whether LLMWIDGETS_REHEARSE asks for this provider to be rehearsed on the sandbox."""
    asked = {p.strip().lower() for p in os.environ.get(environment.REHEARSE, "").split(",")}
    return provider_id in asked or ("all" in asked and provider_id in REHEARSABLE)


def _client_arguments(
    provider: str | Provider,
    api_key: str | None,
    base_url: str | None,
    prompt: bool | None,
    rehearse: bool | None = None,
) -> tuple[Provider, dict[str, Any], bool]:
    """The preset as reached, the SDK's arguments, and whether it is a rehearsal."""
    record = get_provider(provider)
    if rehearse is None:
        rehearse = base_url is None and rehearsed(record.id)
    if rehearse and record.id != "sandbox":
        path = record.rehearsal_path
        if path is None:
            raise LLMWidgetsError(f"{record.label} has no profile to rehearse in the sandbox.")
        from .sandbox import ensure_running

        rehearsal = ensure_running().rstrip("/").removesuffix("/v1") + path
        # No key leaves for the sandbox: a placeholder stands in for the provider's, one per
        # process, so that a free tier's limits apply to each kernel alone, as a provider's
        # apply to each student's key (not to a whole class sharing one sandbox).
        placeholder = {"api_key": f"rehearsal-{os.getpid()}", "base_url": rehearsal}
        return record.with_base_url(rehearsal), placeholder, True
    moved = os.environ.get(record.base_url_env) if record.base_url_env else None
    url = base_url or moved or record.base_url
    if url is None and record.id == "sandbox":
        from .sandbox import ensure_running

        url = ensure_running()
    if url is None:
        raise LLMWidgetsError(f"{record.label} needs an address: pass base_url='http://.../v1'.")
    record = record.with_base_url(url)
    key = resolve_key(record, api_key, prompt=prompt)
    return record, {"api_key": key.value, "base_url": url}, False


def _cache_key(client: Any) -> tuple[str, str]:
    # A digest, not the key: the cache must not become one more place a key lives in clear.
    digest = hashlib.sha256(str(client.api_key).encode()).hexdigest()
    return str(client.base_url), digest


def _cached(client: Any) -> ModelListing | None:
    hit = _listing_cache.get(_cache_key(client))
    if hit and time.monotonic() - hit[0] < MODELS_CACHE_SECONDS:
        return hit[1]
    return None


def _remember(client: Any, ids: list[str]) -> ModelListing:
    """Cache what the server listed (an empty list means the hints, with a note)."""
    record = provider_of(client)
    hints = record.model_hints if record else ()
    listing = (
        ModelListing(tuple(sorted(ids)), from_api=True, hints=hints)
        if ids
        else _fallback(client, None)
    )
    _listing_cache[_cache_key(client)] = (time.monotonic(), listing)
    return listing


def _fallback(client: Any, exc: BaseException | None) -> ModelListing:
    record = provider_of(client)
    hints = record.model_hints if record else ()
    reason = describe_error(exc) if exc else "the server listed no models"
    what = f"{record.label}'s usual models" if record and hints else "no suggestions"
    return ModelListing(
        hints,
        from_api=False,
        note=f"Could not list models ({reason}): {what}.",
        hints=hints,
        error_type=type(exc).__name__ if exc else "",
    )
