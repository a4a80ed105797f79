"""Which provider a client is, answered once: the one place the widgets, copy-as-code, the
inspector, compare and pricing ask.

    record = record_of(client)
    record.provider_id   # "groq", "sandbox", "local" (a server on this machine) or "custom"
    record.rehearsal     # "groq" when the sandbox rehearses Groq, else None
    record.label         # "Groq (rehearsed)"
    record.key_env       # "GROQ_API_KEY"; None when no key is sent
    record.free          # runs here or rehearses: nothing to pay

`connect()` records what it was asked for; any other client (`openai.OpenAI(base_url=...)`)
is recognised by its address, once, and remembered with it.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from . import environment
from .providers import LOCAL_SERVER, LOOPBACK_HOSTS, PRESETS, Provider
from .redaction import shown_url

__all__ = ["ClientRecord", "copied", "record_of", "remember"]

_records: weakref.WeakKeyDictionary[Any, ClientRecord] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class ClientRecord:
    """A client's provider: its id, what it is known to do, and how it is reached."""

    provider_id: str  # a preset's id, LOCAL_SERVER, or "custom"
    preset: Provider | None  # what the provider is known to do; None for an unnamed server
    base_url: str  # as shown: credentials in it are hidden (redaction.shown_url)
    rehearsal: str | None = None  # the preset the sandbox rehearses for this client
    asked: Provider | None = None  # what connect() was asked for, as reached; None elsewhere

    @property
    def named(self) -> bool:
        """A preset, not a server only its address names."""
        return self.preset is not None

    @property
    def label(self) -> str:
        """ "Groq", "Anthropic (rehearsed)", "Local server" or "Custom server"."""
        if self.preset is None:
            return "Local server" if self.provider_id == LOCAL_SERVER else "Custom server"
        if self.rehearsal is not None:
            return f"{self.preset.label.split(' (')[0]} (rehearsed)"
        return self.preset.label

    @property
    def host(self) -> str:
        """The address's host and port, as shown (no credentials)."""
        return urlsplit(self.base_url).netloc

    @property
    def key_env(self) -> str | None:
        """The variable a script reads its key from; None when no key is sent."""
        if self.rehearsal is not None:
            return None  # the sandbox takes none
        if self.preset is None or (self.asked is not None and self.asked.id == "custom"):
            return environment.CUSTOM_API_KEY  # as connect("custom", ...) reads it
        return self.preset.key_env if self.preset.requires_key else None

    @property
    def local(self) -> bool:
        """Runs on this machine (the sandbox, Ollama, a server on a loopback address)."""
        return self.provider_id == LOCAL_SERVER or bool(self.preset and self.preset.local)

    @property
    def free(self) -> bool:
        """Nothing to pay: it runs here, or the sandbox rehearses it."""
        return self.local or self.rehearsal is not None


def remember(client: Any, asked: Provider, *, rehearsal: bool) -> None:
    """What `connect` made: the preset asked for, and whether the sandbox rehearses it."""
    if asked.id == "custom":  # only an address: recognised by it, as any client is
        _records[client] = replace(_recognised(client), asked=asked)
        return
    url = shown_url(str(client.base_url))
    _records[client] = ClientRecord(asked.id, asked, url, asked.id if rehearsal else None, asked)


def copied(original: Any, copy: Any) -> None:
    """`copy` (`client.copy(...)`: another HTTP client, the same address and key) is the
    same provider as `original`, rehearsal included."""
    _records[copy] = record_of(original)


def record_of(client: Any) -> ClientRecord:
    """The client's record: from `connect`, else recognised by its base URL's host (a
    loopback address no preset names is LOCAL_SERVER, anything else unknown "custom")."""
    found = _records.get(client)
    if found is None or (found.asked is None and found.base_url != shown_url(str(client.base_url))):
        found = _records[client] = _recognised(client)  # new, or given another address since
    return found


def _recognised(client: Any) -> ClientRecord:
    url = shown_url(str(client.base_url))
    host = urlsplit(url).hostname or ""
    for preset in PRESETS.values():
        if preset.base_url and urlsplit(preset.base_url).hostname == host and host != "localhost":
            return ClientRecord(preset.id, preset, url)
    return ClientRecord(LOCAL_SERVER if host in LOOPBACK_HOSTS else "custom", None, url)
