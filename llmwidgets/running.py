"""One streamed chat completion run as an asyncio task: what every live widget shares.

    run = StreamRun(on_progress=draw, on_finish=done)
    run.start(client, messages, model="smollm2-135m-instruct", meter=meter)
    run.stop()                     # from a button: the text so far stays
    reply = await run              # a Reply, whatever happened

A button only acts while the kernel is free, so in a notebook the stream runs as a task on
the kernel's event loop and `start` returns at once; with no loop running (a script) it
runs to the end first. Progress is batched: `on_progress` is called at most
`max_per_second` times, so a provider streaming thousands of tokens per second never
floods the frontend. Whatever ends the stream (done, Stop, a dropped connection, a 4xx),
the text so far stays, the error is one readable line, and the meter gets a row,
estimated with tiktoken when the server sent no usage. The stream cell and the chat draw
the same run, each in its own way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .client import provider_id_of
from .errors import describe_error
from .redaction import redact, register_key
from .response_streaming import ResponseStreamAccumulator
from .responses_api import API, responses_body
from .streaming import StreamAccumulator
from .tasks import start_task
from .throttle import Throttle
from .twins import async_twin
from .usage import billed_cost

if TYPE_CHECKING:
    import openai
    from openai.types.chat import ChatCompletion

    from .usage import UsageLog

__all__ = ["Accumulator", "Reply", "StreamRun", "streamed_body"]

# What a run reads its stream into: chat chunks, or the Responses API's events.
Accumulator = StreamAccumulator | ResponseStreamAccumulator

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """What one streamed call produced: `text, completion = reply` unpacks the two that matter."""

    text: str
    completion: ChatCompletion
    status: str  # "done" | "stopped" | "error"
    error: str | None = None
    estimated_usage: bool = False
    usage: dict[str, int] | None = None  # prompt, completion, total (and cached) tokens
    latency_s: float = 0.0
    ttft_s: float | None = None  # seconds from sending to the first token
    tokens_per_s: float | None = None  # completion tokens per second after the first
    response: Any = None  # with api="responses": the Response itself (`completion` is a view)
    ended_as: str | None = None  # how it ended in its own API's words ("stop", "completed", ...)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.text, self.completion))


class StreamRun:
    """Streams one completion; calls back with progress (batched) and once with the reply."""

    def __init__(
        self,
        on_progress: Callable[[Accumulator], None] = lambda acc: None,
        on_finish: Callable[[Reply], None] = lambda reply: None,
        *,
        max_per_second: float = 30.0,
    ) -> None:
        self.on_progress = on_progress
        self.on_finish = on_finish
        self.max_per_second = max_per_second
        self.progress_calls = 0  # how often progress was drawn (the benchmark reads it)
        self.acc: Accumulator = StreamAccumulator()
        self.api: API = "chat"
        self.model = ""
        self.streaming = False  # the first chunk has come
        self._task: asyncio.Task[None] | None = None
        self._reply: Reply | None = None
        self._stopping = False
        self._context: tuple[dict[str, Any], list[dict[str, Any]], str, UsageLog | None] | None = (
            None
        )
        self._throttle = Throttle(self._progress, max_per_second)

    def start(
        self,
        client: openai.OpenAI | openai.AsyncOpenAI,
        messages: list[dict[str, Any]],
        *,
        provider: str | None = None,
        meter: UsageLog | None = None,
        wait: bool = False,
        api: API = "chat",
        **params: Any,
    ) -> StreamRun:
        """Send the request and stream it. Returns self, already running; with `wait`, once
        the stream has ended (the kernel stays busy: interrupting it is the Stop). `api`:
        Chat Completions, or the Responses API with the same parameters (`responses_api`)."""
        if self._task is not None or self._reply is not None:
            raise RuntimeError("a StreamRun streams one completion; make a new one")
        if api not in ("chat", "responses"):
            raise ValueError(f"api is 'chat' or 'responses', not {api!r}")
        provider = provider or provider_id_of(client)
        # A client made with the SDK alone has a key `keys` never saw: whatever an error
        # echoes back of it must still be hidden.
        register_key(getattr(client, "api_key", "") or "")
        request = streamed_body(messages, params, api)
        self.api = api
        self.model = str(params.get("model", ""))
        if meter is not None:
            meter.check_budget(provider, self.model, messages, _max_tokens(params))
        self._context = (request, messages, provider, meter)
        self.acc = ResponseStreamAccumulator() if api == "responses" else StreamAccumulator()
        if wait:
            self._run_here(client)
            return self
        # In a kernel, one loop for the session: its async client can be kept.
        self._task = start_task(lambda in_kernel: self._run(client, keep_client=in_kernel))
        if self._task is not None:
            self._task.add_done_callback(self._ended)
        return self

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def stop(self) -> None:
        """Close the stream now; the text so far stays and the meter records an estimate.
        Once is enough: a second Stop while the stream closes changes nothing."""
        if self.running and not self._stopping:
            assert self._task is not None
            self._stopping = True
            self._task.cancel()

    def _ended(self, task: asyncio.Task[None]) -> None:
        """A task cancelled before its first step never ran `_run`: finish it here."""
        if self._reply is None:
            failure = None if task.cancelled() else task.exception()
            self._finish("stopped" if failure is None else "error", failure)

    def __await__(self) -> Generator[Any, None, Reply]:
        if self._task is not None:
            # Waits without raising the task's own cancellation (a Stop), and without
            # cancelling the task if the one who waits is cancelled.
            yield from asyncio.wait([self._task]).__await__()
        return self.reply

    @property
    def reply(self) -> Reply:
        if self._reply is None:
            raise RuntimeError("still streaming: `await run` waits for the reply")
        return self._reply

    async def _run(self, client: openai.OpenAI | openai.AsyncOpenAI, *, keep_client: bool) -> None:
        assert self._context is not None
        request = self._context[0]
        status: str = "done"
        failure: BaseException | None = None
        aclient, owned, stream = None, False, None
        try:
            aclient, owned = async_twin(client, keep=keep_client)
            stream = await self._endpoint(aclient)(**request)
            self.streaming = True
            async for chunk in stream:
                self.acc.add(chunk)
                self._throttle.soon()
        except asyncio.CancelledError:
            status = "stopped"
        except Exception as exc:  # every failure becomes one line; the text so far stays
            status, failure = "error", exc
        finally:
            # Closing must finish even if a late cancel arrives: the reply comes after it.
            with contextlib.suppress(Exception, asyncio.CancelledError):
                if stream is not None:
                    await stream.close()
                if owned and aclient is not None:
                    await aclient.close()
        self._finish(status, failure)

    def _run_here(self, client: openai.OpenAI | openai.AsyncOpenAI) -> None:
        """The same stream, read in this thread with the sync client: for magics, where a
        cell should end with its answer. An interrupt (KeyboardInterrupt) is the Stop."""
        import openai

        assert self._context is not None
        if isinstance(client, openai.AsyncOpenAI):
            raise TypeError("wait=True reads the stream here: give it an openai.OpenAI client")
        status: str = "done"
        failure: BaseException | None = None
        stream = None
        try:
            stream = self._endpoint(client)(**self._context[0])
            self.streaming = True
            for chunk in stream:
                self.acc.add(chunk)
                self._throttle.soon()
        except KeyboardInterrupt:
            status = "stopped"
        except Exception as exc:
            status, failure = "error", exc
        finally:
            if stream is not None:
                with contextlib.suppress(Exception):
                    stream.close()
        self._finish(status, failure)

    def _endpoint(self, client: Any) -> Any:
        """The SDK method this run streams from, on `client` (sync or async)."""
        return (
            client.responses.create if self.api == "responses" else client.chat.completions.create
        )

    def _progress(self) -> None:
        self.progress_calls += 1
        self.on_progress(self.acc)

    def _finish(self, status: str, failure: BaseException | None) -> None:
        if self._reply is not None or self._context is None:
            return
        request, messages, provider, meter = self._context
        acc = self.acc
        if (
            status == "done"
            and isinstance(acc, ResponseStreamAccumulator)
            and acc.status == "failed"
        ):
            status = "error"  # the stream ended `response.failed`: no exception, an error
        latency = time.perf_counter() - acc.started
        usage, estimated = acc.token_usage(
            messages, str(request.get("model", "")), failed=failure is not None
        )
        completion = acc.completion()
        if estimated and usage["total_tokens"]:
            from openai.types import CompletionUsage

            completion.usage = CompletionUsage(
                prompt_tokens=usage["prompt_tokens"],
                completion_tokens=usage["completion_tokens"],
                total_tokens=usage["total_tokens"],
            )
        error = describe_error(failure) if failure is not None else None
        if error is None and status == "error":
            said = getattr(acc, "error", None) or "no reason given"
            error = redact(f"The response failed: {said}.")
        if meter is not None:
            outcome = {"done": "ok", "stopped": "stopped"}.get(status, "error")
            if failure is not None:
                outcome = f"error: {type(failure).__name__}"
            meter.add(
                provider,
                completion.model or self.model,
                usage["prompt_tokens"],
                usage["completion_tokens"],
                cached_tokens=usage.get("cached_tokens", 0),
                latency_s=latency,
                estimated=estimated,
                outcome=outcome,
                billed_usd=None if acc.usage is None else billed_cost(acc.usage),
            )
        self._reply = Reply(
            acc.text(),
            completion,
            status,
            error,
            estimated,
            usage,
            latency,
            acc.time_to_first_token,
            acc.tokens_per_second(),
            acc.response() if isinstance(acc, ResponseStreamAccumulator) else None,
            acc.ended_as if isinstance(acc, ResponseStreamAccumulator) else acc.finish_reason,
        )
        for draw in (self._throttle.now, lambda: self.on_finish(self._reply)):
            try:
                draw()
            except Exception:  # a drawing bug must not leave the run unfinished
                _log.exception("drawing a finished stream failed")


def streamed_body(
    messages: list[dict[str, Any]], params: dict[str, Any], api: API = "chat"
) -> dict[str, Any]:
    """The body a StreamRun sends, and the Playground shows before it does: the model, the
    messages, the parameters, the stream, and usage in a last chunk (only sent when asked
    for; the meter needs it). With `api="responses"`, the same request as the Responses
    API takes it (whose last event always carries the usage)."""
    if api == "responses":
        return {**responses_body(messages, params), "stream": True}
    body: dict[str, Any] = {"model": params["model"]} if "model" in params else {}
    body["messages"] = messages
    body.update((k, v) for k, v in params.items() if k not in body)
    body["stream"] = True
    body["stream_options"] = {**params.get("stream_options", {}), "include_usage": True}
    return body


def _max_tokens(params: dict[str, Any]) -> int | None:
    value = params.get("max_completion_tokens", params.get("max_tokens"))
    value = params.get("max_output_tokens", value)  # the Responses API's name
    return value if isinstance(value, int) else None
