"""How a provider is reached from here, by the one rule both provider pickers follow (the
Playground's menu and `ProviderSelector`): with its key when one is found or typed, on
this machine for a local server, and rehearsed on the sandbox when its key is missing, so
that choosing Groq with no GROQ_API_KEY still answers, offline, as Groq documents, and
says so. Never a prompt for a key: a prompt would block the kernel under a widget.

    client = connect_or_rehearse("groq")   # Groq itself, or its rehearsal
    how_reached("groq")                    # "key found", or "no GROQ_API_KEY: rehearsed"
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import environment
from .client import connect
from .client_record import record_of
from .errors import MissingKeyError
from .keys import find_key
from .providers import PRESETS, REHEARSABLE, get_provider

if TYPE_CHECKING:
    import openai

__all__ = ["connect_or_rehearse", "how_reached", "provider_menu", "rehearsal_note"]


def connect_or_rehearse(
    provider: str, *, api_key: str | None = None, base_url: str | None = None
) -> openai.OpenAI:
    """The provider's client, with the key given or found; with none, its rehearsal on the
    sandbox (`rehearsal_of(client)` says so). MissingKeyError for a provider the sandbox
    cannot rehearse."""
    try:
        return connect(provider, api_key=api_key, base_url=base_url, prompt=False)
    except MissingKeyError:
        if provider not in REHEARSABLE or base_url is not None:
            raise
        return connect(provider, prompt=False, rehearse=True)


def how_reached(provider: str) -> str:
    """A menu's hint for a provider not yet chosen: how choosing it would reach it."""
    record = get_provider(provider)
    if record.local:
        return "on this machine"
    if not record.requires_key:
        return "no key needed"
    if find_key(record) is not None:
        return "key found"
    return f"no {record.key_env}: rehearsed" if record.id in REHEARSABLE else "no key"


def provider_menu(client: Any) -> list[dict[str, str]]:
    """A menu of providers: this client first (its host, and whether it rehearses), then
    every preset with how choosing it would reach it."""
    this = record_of(client)
    items = [{"id": this.provider_id, "label": this.label, "hint": f"this client, {this.host}"}]
    for other in PRESETS.values():
        if other.id not in (this.provider_id, "custom"):
            items.append({"id": other.id, "label": other.label, "hint": how_reached(other.id)})
    return items


def rehearsal_note(client: Any) -> str:
    """One line for a client that rehearses its provider on the sandbox, saying why ("" for
    one that reaches its provider itself)."""
    rehearsal = record_of(client).rehearsal
    if rehearsal is None:
        return ""
    preset = PRESETS[rehearsal]
    if find_key(preset) is None:
        return f"No {preset.key_env} here: {preset.label} rehearsed on the sandbox."
    return f"{preset.label} rehearsed on the sandbox ({environment.REHEARSE})."
