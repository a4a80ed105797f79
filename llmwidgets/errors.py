"""llmwidgets' own exceptions. Errors from a provider stay the SDK's (`openai.APIError` tree).

LLMWidgetsError
├── UnknownProviderError (also ValueError)
├── MissingKeyError      (also ValueError)
├── BudgetExceededError  (a call refused before it was sent)
├── ContextOverflow      (also ValueError; `conversation.py`: the newest message alone
│                         does not fit the prompt budget)
└── NotSolved            (`checks`: an exercise still holds its placeholder)

The last two live beside the code that raises them; `except LLMWidgetsError` catches them.
"""

from __future__ import annotations

from .redaction import redact

__all__ = [
    "BudgetExceededError",
    "LLMWidgetsError",
    "MissingKeyError",
    "UnknownProviderError",
    "describe_error",
]


class LLMWidgetsError(Exception):
    """Base class of every error llmwidgets raises itself."""


class UnknownProviderError(LLMWidgetsError, ValueError):
    """A provider id that is not a preset."""


class MissingKeyError(LLMWidgetsError, ValueError):
    """No API key was found for a provider that needs one. The message names the variable."""


class BudgetExceededError(LLMWidgetsError):
    """A cost meter's budget would be exceeded by this call, so it was not sent."""


def describe_error(exc: BaseException) -> str:
    """One readable line for any error: class, status, the server's message. Keys redacted.

    `AuthenticationError 401: Incorrect API key provided.`
    `APIConnectionError: Connection error (http://127.0.0.1:9/v1/models: connection refused).`

    A class proxy's budget refusal (LiteLLM's `budget_exceeded`) is said as a student needs
    to hear it: `Your class budget is spent: ask your teacher to top it up (...)`.
    """
    name = type(exc).__name__
    if _server_field(exc, "type") == "budget_exceeded":
        said = " ".join((_server_message(exc) or "").split())
        return redact(f"Your class budget is spent: ask your teacher to top it up ({said})")
    status = getattr(exc, "status_code", None)
    message = _server_message(exc) or str(exc) or name
    head = f"{name} {status}" if status else name
    cause = exc.__cause__ or exc.__context__
    request = getattr(exc, "request", None)
    if status is None and (cause or request is not None):
        where = f"{request.url}: " if request is not None else ""
        detail = str(cause) if cause else ""
        if where or detail:
            message = f"{message.rstrip('.')} ({where}{detail})".replace(": )", ")")
    return redact(f"{head}: {' '.join(message.split())}")


def _server_field(exc: BaseException, name: str) -> str | None:
    """A field (`type`, `code`) of an OpenAI-style error body, when there is one."""
    body = getattr(exc, "body", None)
    inner = body.get("error", body) if isinstance(body, dict) else None
    value = inner.get(name) if isinstance(inner, dict) else None
    return value if isinstance(value, str) else None


def _server_message(exc: BaseException) -> str | None:
    """The `error.message` of an OpenAI-style error body, when there is one."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return inner["message"]
        if isinstance(inner, str):
            return inner
    return None
