"""Which strings are keys, so that nothing we show contains one.

A leaf module: `keys` registers every key it resolves, and `errors` (or anything else that
turns text into output) calls `redact`. Keys live in this process's memory only.
"""

from __future__ import annotations

__all__ = ["redact", "register_key", "shown_url"]

REDACTED = "[redacted]"
# Short strings ("x", "ollama") would redact ordinary words; they protect nothing anyway.
_MIN_KEY_LENGTH = 8
_known_keys: set[str] = set()


def register_key(value: str) -> None:
    """Remember `value` as a secret: from now on `redact` hides it."""
    if len(value) >= _MIN_KEY_LENGTH:
        _known_keys.add(value)


def redact(text: str) -> str:
    """Replace every key this process has resolved with a marker, for anything shown."""
    for key in sorted(_known_keys, key=len, reverse=True):
        text = text.replace(key, REDACTED)
    return text


def shown_url(url: str) -> str:
    """A URL as shown: without `user:password@`, which some proxies take as their key."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
