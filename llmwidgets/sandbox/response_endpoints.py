"""The Responses API's routes: create a response, and get, delete or list the input of a
stored one. Same guard, limits, switches and engine as chat (`endpoints.py`)."""

from __future__ import annotations

from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from .bodies import parse_body
from .chat import ChoiceResult
from .endpoints import Sandbox, _unless_abandoned
from .errors import SandboxAPIError
from .profiles import Profile
from .responding import ResponseJob
from .response_events import response_events
from .response_request import ResponsesRequest
from .response_store import Stored
from .sse import absorb

__all__ = ["create_response", "delete_response", "get_response", "list_input_items"]


async def create_response(request: Request, profile: Profile) -> Response:
    box = Sandbox.of(request)
    who, headers = box.guard(request)
    asked = parse_body(ResponsesRequest, await box.read(request))
    served = profile.responses(asked)  # what the provider runs: its model id the engine's
    headers |= box.use_model(request, profile, who, asked.model)
    if asked.stream_options is not None and not asked.stream:
        raise SandboxAPIError(
            400,
            "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
            param="stream_options",
        )
    if asked.background:
        raise SandboxAPIError(
            400,
            "The sandbox does not run responses in the background: leave out 'background'.",
            param="background",
        )
    previous = served.previous_response_id
    before = box.responses.previous(previous).context if previous else []
    job = ResponseJob.plan(
        served, box.engine, before=before, shown_model=asked.model, flagged=box.config.moderate
    )

    def finished(body: dict[str, Any], result: ChoiceResult) -> None:
        box.spent(who, profile, asked.model, body["usage"]["total_tokens"])
        if body["store"]:
            box.responses.keep(Stored(body, job.before, job.inputs))
        body["usage"] = profile.usage(body["usage"])

    if asked.stream:
        events = response_events(job, box.worker, box.engine, finished)
        return StreamingResponse(
            events,
            media_type="text/event-stream",
            headers={**headers, "cache-control": "no-cache"},
        )
    produced = await _unless_abandoned(
        request, box.worker.run(partial(job.chat_job.run, box.engine))
    )
    if produced is None:  # the client gave up: nobody reads an answer
        return Response(status_code=499)
    result = ChoiceResult(0)
    for _, item in produced:
        absorb(result, item)
    body = job.body(job.output(result), result)
    finished(body, result)
    return JSONResponse(body, headers=headers)


async def get_response(request: Request, profile: Profile) -> Response:
    box = Sandbox.of(request)
    _, headers = box.guard(request)
    stored = box.responses.get(request.path_params["response_id"])
    return JSONResponse(stored.body, headers=headers)


async def delete_response(request: Request, profile: Profile) -> Response:
    box = Sandbox.of(request)
    _, headers = box.guard(request)
    response_id = request.path_params["response_id"]
    box.responses.delete(response_id)
    return JSONResponse({"id": response_id, "object": "response", "deleted": True}, headers=headers)


async def list_input_items(request: Request, profile: Profile) -> Response:
    """What the response read before its output (earlier turns' items too), a page at a
    time: `limit` (1-100, 20), `order` (`desc` by default: newest first), `after` an id."""
    box = Sandbox.of(request)
    _, headers = box.guard(request)
    stored = box.responses.get(request.path_params["response_id"])
    query = request.query_params
    limit = _limit(query.get("limit", "20"))
    order = query.get("order", "desc")
    if order not in ("asc", "desc"):
        raise SandboxAPIError(
            400, f"Invalid value for 'order': {order!r}. Expected 'asc' or 'desc'.", param="order"
        )
    items = [*stored.before, *stored.inputs]
    if order == "desc":
        items.reverse()
    after = query.get("after")
    if after is not None:
        ids = [item["id"] for item in items]
        if after not in ids:
            raise SandboxAPIError(
                400, f"No input item with id '{after}' in this response.", param="after"
            )
        items = items[ids.index(after) + 1 :]
    page = items[:limit]
    return JSONResponse(
        {
            "object": "list",
            "data": page,
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None,
            "has_more": len(items) > limit,
        },
        headers=headers,
    )


def _limit(raw: str) -> int:
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if not 1 <= limit <= 100:
        raise SandboxAPIError(
            400,
            f"Invalid value for 'limit': {raw!r}. Expected an integer from 1 to 100.",
            param="limit",
        )
    return limit
