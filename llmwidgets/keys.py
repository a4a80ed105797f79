"""Finding a provider's API key without ever showing it.

Order of precedence, first hit wins:

| source                      | example                                  |
|-----------------------------|------------------------------------------|
| the `api_key=` argument     | `connect("groq", api_key=key)`           |
| the environment variable    | `GROQ_API_KEY=...` in the shell          |
| a `.env` file               | in the working folder or any parent      |

(A preset may know more than one name for its variable: LiteLLM's key is read from
`LITELLM_API_KEY`, then `LITELLM_PROXY_API_KEY`, the name LiteLLM's own SDK uses.)
| a hidden prompt (getpass)   | only when someone can answer it          |

With none of these, `MissingKeyError` names the variable to set. Every key found is
registered with `redaction` (in this process only), so that `redact()` scrubs it from any
text we show.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass, field

from .errors import MissingKeyError
from .providers import Provider, get_provider
from .redaction import register_key

__all__ = ["ResolvedKey", "find_key", "resolve_key"]

# Servers that need no key still need a non-empty string: the SDK refuses an empty one.
PLACEHOLDER_KEY = "no-key-needed"


@dataclass(frozen=True)
class ResolvedKey:
    """A key and where it came from. The repr names the source only."""

    value: str = field(repr=False)
    source: str

    def __str__(self) -> str:
        return f"key from {self.source}"


def find_key(provider: str | Provider, api_key: str | None = None) -> ResolvedKey | None:
    """The key from the argument, the environment or a `.env` file; None when there is none."""
    provider = get_provider(provider)
    if api_key:
        return _remember(ResolvedKey(api_key, "the api_key argument"))
    if provider.key_env is None:
        return None
    names = (provider.key_env, *provider.key_env_aliases)
    for name in names:
        value = os.environ.get(name)
        if value:
            return _remember(ResolvedKey(value, f"environment variable {name}"))
    for name in names:
        found = _from_dotenv(name)
        if found:
            return _remember(found)
    return None


def resolve_key(
    provider: str | Provider, api_key: str | None = None, *, prompt: bool | None = None
) -> ResolvedKey:
    """Like `find_key`, then a hidden prompt, then a clear error.

    `prompt=None` prompts only when someone can answer: a terminal, or a Jupyter kernel
    whose frontend accepts input (papermill and nbval do not, so they get the error).
    Providers that need no key get a placeholder, since the SDK insists on one.
    """
    provider = get_provider(provider)
    found = find_key(provider, api_key)
    if found:
        return found
    if not provider.requires_key:
        return ResolvedKey(PLACEHOLDER_KEY, "no key needed")
    if prompt is None:
        prompt = _can_prompt()
    if prompt:
        typed = getpass.getpass(f"{provider.label} API key (input hidden): ").strip()
        if typed:
            return _remember(ResolvedKey(typed, "the prompt"))
    raise MissingKeyError(
        f"No API key for {provider.label}. Set the {provider.key_env} environment variable "
        f"(or put {provider.key_env}=... in a .env file), or pass api_key=... ."
    )


def _remember(found: ResolvedKey) -> ResolvedKey:
    register_key(found.value)
    return found


def _from_dotenv(name: str) -> ResolvedKey | None:
    """Read one variable from the nearest `.env`, without loading it into os.environ."""
    from dotenv import dotenv_values, find_dotenv

    path = find_dotenv(usecwd=True)
    if not path:
        return None
    value = dotenv_values(path).get(name)
    return ResolvedKey(value, f".env file {path}") if value else None


def _can_prompt() -> bool:
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    kernel = getattr(shell, "kernel", None)
    if kernel is not None:
        return bool(getattr(kernel, "_allow_stdin", False))
    return sys.stdin is not None and sys.stdin.isatty()
