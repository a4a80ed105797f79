"""A sync client's async twin: the one place that reads the openai SDK's private options.

A widget streams with `AsyncOpenAI` so that the kernel stays free while text arrives; a
student hands it the `OpenAI` client `connect()` returned. The twin must carry every option
the student gave, and the SDK keeps some of them only in private attributes
(`_custom_headers`, `_custom_query`, `_api_key_provider`, `_strict_response_validation`,
`_provider`): tests/core/test_connect.py pins each, so an SDK release that moves one fails there.
(The only other private attribute read anywhere is the SDK's HTTP client, `inspection.py`.)
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any

from .errors import LLMWidgetsError

if TYPE_CHECKING:
    import openai

__all__ = ["async_twin", "close_twin"]


# A sync client's async twin, per event loop: a kernel's loop lives as long as the session,
# so the twin (and its open connections) is made once, not at every call (~60 ms each).
_twins: weakref.WeakKeyDictionary[Any, tuple[asyncio.AbstractEventLoop, Any]] = (
    weakref.WeakKeyDictionary()
)


def async_twin(
    client: openai.OpenAI | openai.AsyncOpenAI, *, keep: bool
) -> tuple[openai.AsyncOpenAI, bool]:
    """An AsyncOpenAI for `client` (itself when it is one), and whether we must close it.

    It carries every option the caller gave the sync client (key or key callable, headers,
    query, organization, project, timeout, retries, strict validation); the SDK keeps some
    of them only in private attributes, which `tests/core/test_connect.py` pins. With `keep`,
    the twin is remembered for this loop and stays open for the next call."""
    import openai

    if isinstance(client, openai.AsyncOpenAI):
        return client, False
    loop = asyncio.get_running_loop()
    cached = _twins.get(client)
    if keep and cached is not None and cached[0] is loop:
        return cached[1], False
    if client._provider is not None or client.workload_identity is not None:
        raise LLMWidgetsError(
            "This client authenticates through a provider or a workload identity, which has "
            "no async twin here: pass an openai.AsyncOpenAI made the same way instead."
        )
    api_key: Any = client.api_key
    rotating = client._api_key_provider  # a callable key is asked again at every request
    if rotating is not None:

        async def api_key() -> str:
            return rotating()

    twin = openai.AsyncOpenAI(
        api_key=api_key,
        admin_api_key=client.admin_api_key,
        organization=client.organization,
        project=client.project,
        webhook_secret=client.webhook_secret,
        base_url=client.base_url,
        websocket_base_url=client.websocket_base_url,
        timeout=client.timeout,
        max_retries=client.max_retries,
        # What the caller added, not the SDK's own headers (auth, platform), which the
        # twin makes itself; the SDK keeps both only on these attributes.
        default_headers=client._custom_headers,
        default_query=client._custom_query,
        _strict_response_validation=client._strict_response_validation,
    )
    from .inspection import link_twin

    link_twin(client, twin)  # whoever inspects the client sees what its twin sends
    if keep:
        _twins[client] = (loop, twin)
        return twin, False
    return twin, True


async def close_twin(client: openai.OpenAI | openai.AsyncOpenAI) -> None:
    """Close the async twin kept for `client` on this loop: a script's `asyncio.run` ends
    its loop, and a twin left open there would leak its connections."""
    cached = _twins.get(client)
    if cached is not None and cached[0] is asyncio.get_running_loop():
        del _twins[client]
        await cached[1].close()
