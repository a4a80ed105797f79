"""llmwidgets: learn, try and teach the OpenAI-compatible API in Jupyter.

    import llmwidgets
    client = llmwidgets.connect()          # the offline sandbox; or connect("groq"), ...

Names are imported on first use, so `import llmwidgets` stays light: the SDK, ipywidgets
and pandas load only when something needs them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# public name -> the module that defines it
_EXPORTS = {
    "PRESETS": "providers",
    "Provider": "providers",
    "get_provider": "providers",
    "split_model_id": "providers",
    "ModelListing": "client",
    "aconnect": "client",
    "alist_models": "client",
    "connect": "client",
    "list_models": "client",
    "provider_of": "client",
    "ResolvedKey": "keys",
    "find_key": "keys",
    "redact": "redaction",
    "resolve_key": "keys",
    "LLMWidgetsError": "errors",
    "MissingKeyError": "errors",
    "UnknownProviderError": "errors",
    "describe_error": "errors",
    "BudgetExceededError": "errors",
    "provider_id_of": "client",
    "StreamCell": "widgets.cell",
    "Reply": "running",
    "Chat": "widgets.chat",
    "Compare": "widgets.compare",
    "Playground": "widgets.playground",
    "Inspector": "widgets.inspector",
    "TokenView": "widgets.token_view",
    "EmbeddingsExplorer": "widgets.embeddings",
    "inspect": "widgets.inspector",
    "compare": "widgets.compare",
    "ToolLoop": "toolloop",
    "ToolLoopView": "widgets.toolloop",
    "tool_loop": "widgets.toolloop",
    "Conversation": "conversation",
    "ContextOverflow": "conversation",
    "CostMeter": "widgets.meter",
    "CallRecord": "usage",
    "session_meter": "widgets.meter",
    "ProviderSelector": "widgets.selector",
    "chat": "widgets.session",
    "price_of": "pricing",
    "count_tokens": "tokens",
    "count_message_tokens": "tokens",
    "Question": "questions",
    "Quiz": "widgets.quiz",
    "quiz": "widgets.quiz",
    "load_ipython_extension": "widgets.magics",
    "unload_ipython_extension": "widgets.magics",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name == "__version__":  # from the installed metadata: pyproject.toml is the one place
        from importlib.metadata import version

        return version(__name__)
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'llmwidgets' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__, "__version__"])


if TYPE_CHECKING:
    from .client import (
        ModelListing,
        aconnect,
        alist_models,
        connect,
        list_models,
        provider_id_of,
        provider_of,
    )
    from .conversation import ContextOverflow, Conversation
    from .errors import (
        BudgetExceededError,
        LLMWidgetsError,
        MissingKeyError,
        UnknownProviderError,
        describe_error,
    )
    from .keys import ResolvedKey, find_key, resolve_key
    from .pricing import price_of
    from .providers import PRESETS, Provider, get_provider, split_model_id
    from .questions import Question
    from .redaction import redact
    from .running import Reply
    from .tokens import count_message_tokens, count_tokens
    from .toolloop import ToolLoop
    from .usage import CallRecord
    from .widgets.cell import StreamCell
    from .widgets.chat import Chat
    from .widgets.compare import Compare, compare
    from .widgets.embeddings import EmbeddingsExplorer
    from .widgets.inspector import Inspector, inspect
    from .widgets.magics import load_ipython_extension, unload_ipython_extension
    from .widgets.meter import CostMeter, session_meter
    from .widgets.playground import Playground
    from .widgets.quiz import Quiz, quiz
    from .widgets.selector import ProviderSelector
    from .widgets.session import chat
    from .widgets.token_view import TokenView
    from .widgets.toolloop import ToolLoopView, tool_loop
