"""`llmwidgets.chat`: one line in a notebook that streams a reply and records its cost.

    cell = llmwidgets.chat(client, [{"role": "user", "content": "Hi!"}])
    text, completion = await cell      # in the next cell (Stop works in between)
    llmwidgets.chat(client, messages, api="responses")   # the same, by the Responses API

It shows a new `StreamCell`, streams into it and records into the session's cost meter
(`llmwidgets.session_meter()`), unless given another meter or `meter=None`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..responses_api import API
from ..usage import UsageLog
from .cell import StreamCell
from .inspector import start_inspected
from .meter import SESSION, resolve_meter

if TYPE_CHECKING:
    import openai

__all__ = ["chat"]


def chat(
    client: openai.OpenAI | openai.AsyncOpenAI,
    messages: list[dict[str, Any]],
    *,
    model: str | None = None,
    meter: UsageLog | object | None = SESSION,
    display: bool = True,
    inspect: bool = False,
    api: API = "chat",
    **params: Any,
) -> StreamCell:
    """Stream a chat completion into a new output cell; returns the cell (awaitable).

    `model` defaults to the first model the provider lists (the preset's hint when listing
    fails). With `inspect=True` an inspector under the cell shows the request and its
    stream on the wire (`cell.inspector`). `api="responses"` sends it to the Responses
    API (`/responses`), the parameters moved to their places there (`responses_api`);
    `(await cell).response` is then the Response. Every other keyword is a request
    parameter, passed to the SDK unchanged.
    """
    if model is None:
        from ..client import usual_model

        model = usual_model(client, name_it="chat(client, messages, model=...)")
    chosen = resolve_meter(meter)
    cell = StreamCell()
    if display:
        cell.show()
    cell.inspector = start_inspected(
        client,
        inspect,
        lambda: cell.start(client, messages, model=model, meter=chosen, api=api, **params),
        display=display,
    )
    return cell
