"""Which strings are keys, so that nothing we show contains one.

A leaf module: `keys` registers every key it resolves, and `errors` (or anything else that
turns text into output) calls `redact`. Keys live in this process's memory only.
"""

from __future__ import annotations

__all__ = ["redact", "register_key"]

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
