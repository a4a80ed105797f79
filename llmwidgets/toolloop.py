"""A tool loop: call the model; while it asks for tools, run them and send their results;
stop when it answers in text.

    loop = ToolLoop(client, messages, tools=tools, functions={"get_weather": get_weather},
                    model="smollm2-135m-instruct", tool_choice="required")
    result = await loop.start()            # or, in a script, loop.start() runs to the end
    result.answer, result.messages         # the text, and the whole conversation to go on with
    ToolLoop(..., api="responses")         # each round on the Responses API instead

On Chat Completions a call is a `tool_calls` entry and its result a `tool` message, tied
by `id`; with `api="responses"` a call is a `function_call` output item and its result a
`function_call_output` input item, tied by `call_id` (the wire carries the items; the
`messages` kept here stay in chat's shape, the one both endpoints' widgets share). Tools
may be given in either shape. This is the loop of notebook 13, kept honest: every round
streams through a `StreamRun` (Stop, batching, the meter's row, whatever happens), the
arguments are checked against the tool's schema before the function sees them, and what
goes wrong in a tool (bad arguments, an unknown name, an exception) goes back to the model
as that call's result, as real agents do, so the model can try again. `tool_choice`
applies to the first round only: after it, the model must be free to answer.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import describe_error
from .redaction import redact
from .responses_api import chat_tool
from .running import Reply, StreamRun
from .structured import JSONCheck, check_calls, schemas_for
from .tasks import start_task
from .twins import close_twin

if TYPE_CHECKING:
    import openai

    from .usage import UsageLog

__all__ = ["LoopResult", "Round", "ToolLoop", "ToolResult"]


@dataclass
class ToolResult:
    """One call run (or refused): what went back to the model as its `tool` message."""

    call_id: str
    name: str
    arguments: str
    content: str = ""  # the `tool` message's content
    error: str | None = None  # why the function did not run, or how it failed
    seconds: float = 0.0


@dataclass
class Round:
    """One request and what was done with its answer."""

    run: StreamRun
    results: list[ToolResult] = field(default_factory=list)

    @property
    def reply(self) -> Reply | None:
        """The round's reply once its stream has ended, else None."""
        try:
            return self.run.reply
        except RuntimeError:  # still streaming
            return None


@dataclass(frozen=True)
class LoopResult:
    answer: str  # the last round's text ("" when the loop gave up or was stopped)
    messages: list[dict[str, Any]]  # the conversation, every call and result included
    rounds: tuple[Round, ...]
    status: str  # done | gave-up | stopped | error
    error: str | None = None


class ToolLoop:
    """Rounds of model and tools; `on_change(loop)` is called as it progresses (batched)."""

    def __init__(
        self,
        client: openai.OpenAI | openai.AsyncOpenAI,
        messages: Sequence[Mapping[str, Any]],
        *,
        tools: Sequence[Mapping[str, Any]],
        functions: Mapping[str, Callable[..., Any]] | Sequence[Callable[..., Any]],
        model: str,
        max_rounds: int = 4,
        meter: UsageLog | None = None,
        on_change: Callable[[ToolLoop], None] = lambda loop: None,
        **params: Any,
    ) -> None:
        if not tools:
            raise ValueError("a tool loop needs tools=[...] to offer the model")
        if max_rounds < 1:
            raise ValueError("max_rounds must be at least 1")
        self.functions = _by_name(functions)
        tools = [chat_tool(t) for t in tools]  # the Responses API's flat ones too
        offered = {str(t.get("function", {}).get("name")) for t in tools}
        missing = sorted(offered - set(self.functions))
        if missing:
            raise ValueError(f"no function given for the tool(s) {', '.join(missing)}")
        self.client = client
        self.messages: list[dict[str, Any]] = [dict(m) for m in messages]
        self.params = {**params, "model": model, "tools": [dict(t) for t in tools]}
        self.max_rounds = max_rounds
        self.meter = meter
        self.on_change = on_change
        self.rounds: list[Round] = []
        self.status = "idle"  # running | done | gave-up | stopped | error
        self.error: str | None = None
        self._checks = schemas_for(self.params)[1]
        self._task: asyncio.Task[LoopResult] | None = None
        self._stopped = False
        self._result: LoopResult | None = None

    # -- running ---------------------------------------------------------------------

    def start(self) -> ToolLoop:
        """Begin; returns self. In a kernel the loop is a task (Stop works, `await` it);
        with no event loop running (a script) it runs to the end first."""
        if self.status != "idle":
            raise RuntimeError("a ToolLoop runs once; make a new one")
        self.status = "running"
        # in a script, the loop ends with the run, and so must its client
        self._task = start_task(lambda in_kernel: self._run() if in_kernel else self._run_closing())
        return self

    def stop(self) -> None:
        """Stop the round streaming now (its text stays) and run no further round."""
        self._stopped = True
        if self.rounds:
            self.rounds[-1].run.stop()

    def __await__(self) -> Any:
        if self._task is not None:
            yield from asyncio.wait([self._task]).__await__()
        return self.result

    @property
    def ended(self) -> bool:
        return self._result is not None

    @property
    def result(self) -> LoopResult:
        if self._result is None:
            raise RuntimeError("still running: `await loop` waits for the result")
        return self._result

    async def _run_closing(self) -> LoopResult:
        try:
            return await self._run()
        finally:
            await close_twin(self.client)

    async def _run(self) -> LoopResult:
        try:
            await self._rounds()
        except Exception as exc:  # a drawing or tool-running bug: one line, the rounds kept
            self.status, self.error = "error", describe_error(exc)
        answer = ""
        last = self.rounds[-1].reply if self.rounds else None
        if self.status == "done" and last is not None:
            answer = last.text
        self._result = LoopResult(
            answer, list(self.messages), tuple(self.rounds), self.status, self.error
        )
        self.on_change(self)
        return self._result

    async def _rounds(self) -> None:
        for number in range(self.max_rounds):
            if self._stopped:
                self.status = "stopped"
                return
            params = dict(self.params)
            if number > 0:
                params.pop("tool_choice", None)  # after the first round, the model may answer
            run = StreamRun(lambda acc: self.on_change(self), lambda reply: None)
            self.rounds.append(Round(run))
            run.start(self.client, list(self.messages), meter=self.meter, **params)
            reply = await run
            if reply.status != "done":
                self.status = reply.status
                self.error = reply.error
                return
            message = reply.completion.choices[0].message
            if not message.tool_calls:  # not finish_reason: a named choice ends with "stop"
                self.messages.append({"role": "assistant", "content": message.content or ""})
                self.status = "done"
                return
            from openai.types.chat import ChatCompletionMessageFunctionToolCall as Call

            calls = [c for c in message.tool_calls if isinstance(c, Call)]
            self.messages.append(_assistant_turn(message.content, calls))
            for call in calls:
                if self._stopped:  # every call still gets its result: the messages stay valid
                    result = ToolResult(call.id, call.function.name, call.function.arguments)
                    result.error = "stopped before it ran"
                    result.content = json.dumps({"error": result.error})
                else:
                    result = await self._call(call.id, call.function.name, call.function.arguments)
                self.rounds[-1].results.append(result)
                self.messages.append(
                    {"role": "tool", "tool_call_id": call.id, "content": result.content}
                )
                self.on_change(self)
            if self._stopped:
                self.status = "stopped"
                return
        self.status = "gave-up"
        self.error = f"the model still asked for tools after {self.max_rounds} rounds"

    async def _call(self, call_id: str, name: str, arguments: str) -> ToolResult:
        """Run one call; whatever goes wrong becomes the result the model reads."""
        result = ToolResult(call_id, name, arguments)
        function = self.functions.get(name)
        (verdict,) = check_calls(self._checks, [(call_id, name, arguments)], finished=True)
        if function is None:
            result.error = f"there is no tool named {name!r}"
        elif verdict.state != "valid":
            result.error = f"the arguments do not fit the tool's schema ({verdict.reason()})"
        else:
            started = time.perf_counter()
            try:
                value = function(**json.loads(arguments.strip() or "{}"))
                if inspect.isawaitable(value):
                    value = await value
                result.content = value if isinstance(value, str) else json.dumps(value, default=str)
            except Exception as exc:  # raised, or returned what JSON cannot hold
                # the model, the page and the saved notebook all read this: no key in it
                result.error = redact(f"{name} raised {type(exc).__name__}: {exc}")
            result.seconds = time.perf_counter() - started
        if result.error is not None:
            result.content = json.dumps({"error": result.error})
        return result

    # -- reading ---------------------------------------------------------------------

    def calls_so_far(
        self, round_: Round
    ) -> tuple[list[tuple[str | None, str, str]], list[JSONCheck]]:
        """A round's tool calls as written so far (id, name, arguments), and their verdicts."""
        calls = round_.run.acc.tool_calls()
        reply = round_.reply
        done = reply is not None and reply.status == "done"
        finish = None
        if done and reply is not None:
            finish = round_.run.acc.finish_reason or "stop"  # in chat's words: "length"
        verdicts = check_calls(self._checks, calls, finished=done, finish_reason=finish)
        return calls, verdicts


def _by_name(
    functions: Mapping[str, Callable[..., Any]] | Sequence[Callable[..., Any]],
) -> dict[str, Callable[..., Any]]:
    if isinstance(functions, Mapping):
        return dict(functions)
    return {function.__name__: function for function in functions}


def _assistant_turn(content: str | None, calls: Sequence[Any]) -> dict[str, Any]:
    """The assistant's tool-call message, as plain data every provider accepts back."""
    return {
        "role": "assistant",
        "content": content,
        "tool_calls": [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.function.name, "arguments": call.function.arguments},
            }
            for call in calls
        ],
    }
