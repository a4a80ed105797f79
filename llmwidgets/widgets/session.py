"""`llmwidgets.chat`: one line in a notebook that streams a reply and records its cost.

    cell = llmwidgets.chat(client, [{"role": "user", "content": "Hi!"}])
    text, completion = await cell      # in the next cell (Stop works in between)

It shows a new `StreamCell`, streams into it and records into the session's cost meter
(`llmwidgets.session_meter()`), unless given another meter or `meter=None`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .cell import StreamCell
from .meter import CostMeter, session_meter

if TYPE_CHECKING:
    import openai

__all__ = ["chat"]

_SESSION = object()  # "the session meter", told apart from an explicit meter=None


def chat(
    client: openai.OpenAI | openai.AsyncOpenAI,
    messages: list[dict[str, Any]],
    *,
    model: str | None = None,
    meter: CostMeter | object | None = _SESSION,
    display: bool = True,
    **params: Any,
) -> StreamCell:
    """Stream a chat completion into a new output cell; returns the cell (awaitable).

    `model` defaults to the first model the provider lists (the preset's hint when listing
    fails). Every other keyword is a request parameter, passed to the SDK unchanged.
    """
    if model is None:
        from .client import list_models

        listing = list_models(client) if not _is_async(client) else None
        model = listing.chat_model if listing else None
        if model is None:
            raise ValueError("Say which model: chat(client, messages, model=...)")
    cell = StreamCell()
    if display:
        from IPython.display import display as show

        cell._display = show(cell, display_id=True)  # updated with the text at the end
    chosen = session_meter() if meter is _SESSION else meter
    assert chosen is None or isinstance(chosen, CostMeter)
    return cell.start(client, messages, model=model, meter=chosen, **params)


def _is_async(client: Any) -> bool:
    import openai

    return isinstance(client, openai.AsyncOpenAI)
