"""Automatic checks for the exercises: what a solution sent, and what it got right.

    from llmwidgets import checks
    client = checks.watch(client)       # the checks see the requests this client sends
    checks.completion(reply)            # ✓ or ✗ with the reason, in plain words

A model's words change from run to run and from provider to provider, so a check never
compares prose. It looks at what the exercise teaches: the request really streamed, really
sent `stop`, really asked for the schema (`watch` records the requests through the SDK's
own HTTP hooks: `recording.py`); the answer is right where there is ground truth (the
email in the sentence, the amount and currencies in the question, the document a held-out
question is about); a retry loop waited as long as `Retry-After` asked and never retried
a request that cannot succeed.

Each check prints one line and returns nothing. An unsolved exercise (its answer still
`...`, or code that raises) gets "not solved yet" instead of a traceback, so a student
copy runs top to bottom. With `checks.strict(True)` (the solution notebooks set it), a
failing check raises instead, which is how CI knows the reference solutions work; CI also
runs known-wrong solutions (`exercises/wrong/`) and requires every one to be rejected.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from email.utils import parsedate_to_datetime
from typing import Any, ParamSpec, TypeVar

from .recording import Exchange, Recording, record

__all__ = [
    "backoff",
    "completion",
    "conversation",
    "cost",
    "fallback",
    "json_output",
    "model_list",
    "safe_completion",
    "search",
    "stop_sequence",
    "streamed",
    "strict",
    "tool_call",
    "watch",
    "worst_case",
]

_strict = False
_watched: list[tuple[Recording, list[int]]] = []  # each recording, and how much checks read
P = ParamSpec("P")
ClientT = TypeVar("ClientT")


class NotSolved(Exception):
    """The exercise still holds its placeholder."""


def strict(on: bool = True) -> None:
    """Raise on a failed check instead of printing it (for reference solutions)."""
    global _strict
    _strict = on


def watch(client: ClientT) -> ClientT:
    """A copy of `client` whose requests the checks can see. It sends exactly what
    `client` would; it only keeps a record (never the key)."""
    watched, recording = record(client)
    _watched.append((recording, [0]))
    return watched


def _new_exchanges() -> list[Exchange]:
    """What the watched clients sent since the last check asked, oldest first."""
    fresh: list[Exchange] = []
    for recording, read in _watched:
        fresh += recording.exchanges[read[0] :]
        read[0] = len(recording.exchanges)
    return sorted(fresh, key=lambda e: e.sent)


def _check(title: str) -> Callable[[Callable[P, Any]], Callable[P, None]]:
    """A check raises AssertionError with the reason; the decorated one prints ✓ or ✗."""

    def decorate(check: Callable[P, Any]) -> Callable[P, None]:
        @functools.wraps(check)
        def run(*args: P.args, **kwargs: P.kwargs) -> None:
            try:
                if any(a is Ellipsis or a is None for a in args):
                    raise NotSolved("the answer is still `...`")
                check(*args, **kwargs)
            except NotSolved as reason:
                if _strict:
                    raise
                print(f"✗ {title}: not solved yet ({reason})")
                return
            except AssertionError as reason:
                if _strict:
                    raise
                print(f"✗ {title}: {reason}")
                return
            except Exception as error:  # the student's code failed: say how, in one line
                if _strict:
                    raise
                from .errors import describe_error

                print(f"✗ {title}: not solved yet ({describe_error(error)})")
                return
            print(f"✓ {title}")

        return run

    return decorate


def _fail(message: str) -> None:
    raise AssertionError(message)


def _chat_exchange(reply_id: str | None, sent: Sequence[Exchange]) -> Exchange:
    """The watched request that produced the completion `reply_id`."""
    if not _watched:
        _fail("run the setup cell first: it calls checks.watch(client)")
    for exchange in reversed(sent):
        if isinstance(exchange.reply, dict) and exchange.reply.get("id") == reply_id:
            return exchange
    _fail("this reply did not come from a request `client` sent since the last check")
    raise AssertionError  # unreachable: _fail raises


@_check("model list")
def model_list(ids: Any) -> None:
    """`ids` are exactly the ids `client.models.list()` returned: strings, all of them."""
    if not isinstance(ids, list | tuple) or not ids:
        _fail("expected a non-empty list of model ids")
    if not all(isinstance(i, str) and i for i in ids):
        _fail("every model id should be a string, like model.id")
    listings = [e for e in _new_exchanges() if e.method == "GET" and e.path.endswith("/models")]
    if not listings or not isinstance(listings[-1].reply, dict):
        _fail("no model list was requested: ask the provider with client.models.list()")
    listed = [m.get("id") for m in listings[-1].reply.get("data", [])]
    if sorted(ids) != sorted(listed):
        _fail(f"the provider listed {len(listed)} models, and `ids` holds {len(ids)} others")


@_check("chat completion")
def completion(reply: Any) -> None:
    """`reply` is the whole chat completion a user message got: an assistant message, a
    real finish_reason, and usage whose total is prompt + completion tokens."""
    if getattr(reply, "object", None) != "chat.completion":
        _fail("expected the object returned by client.chat.completions.create(...)")
    sent = _chat_exchange(reply.id, _new_exchanges()).body
    if not any(m.get("role") == "user" for m in sent.get("messages", [])):
        _fail("the request holds no user message: ask something as the user")
    if not reply.choices:
        _fail("the completion has no choices")
    choice = reply.choices[0]
    if choice.message.role != "assistant":
        _fail("the first choice should hold the assistant's message")
    if choice.finish_reason not in ("stop", "length", "tool_calls", "content_filter"):
        _fail(f"unexpected finish_reason {choice.finish_reason!r}")
    usage = reply.usage
    if usage is None or usage.total_tokens != usage.prompt_tokens + usage.completion_tokens:
        _fail("usage is missing or does not add up")


_NUMBERED = re.compile(r"^\s*\d+\s*[.)]", re.MULTILINE)


@_check("stop sequence honoured")
def stop_sequence(reply: Any, stop: str, items: int | None = None) -> None:
    """The request sent `stop`, the answer ended there (finish_reason "stop") without
    showing it (a stop sequence is cut off), and, with `items`, holds that many numbered
    items."""
    sent = _chat_exchange(getattr(reply, "id", None), _new_exchanges()).body
    asked = sent.get("stop")
    if stop not in ([asked] if isinstance(asked, str) else asked or []):
        _fail(f"the request did not send stop={stop!r}: the model must be told where to stop")
    choice = reply.choices[0]
    text = choice.message.content or ""
    if stop in text:
        _fail(f"the answer still contains the stop sequence {stop!r}")
    if choice.finish_reason != "stop":
        _fail(f"finish_reason is {choice.finish_reason!r}: the answer ended for another reason")
    if items is not None and len(_NUMBERED.findall(text)) != items:
        _fail(f"the answer holds {len(_NUMBERED.findall(text))} numbered items, not {items}")


@_check("streamed text and usage")
def streamed(text: Any, usage: Any, reference: Any) -> None:
    """A request really streamed, asking for usage (`include_usage`); `text` is its deltas
    joined, `usage` the last chunk's. `reference` is the same request answered whole."""
    requests = [e for e in _new_exchanges() if e.path.endswith("/chat/completions")]
    streams = [e for e in requests if e.streamed]
    if not streams:
        _fail("no request streamed: pass stream=True")
    options = streams[-1].body.get("stream_options") or {}
    if not options.get("include_usage"):
        _fail("the stream never carried usage: ask with stream_options={'include_usage': True}")
    if not isinstance(text, str) or not text:
        _fail("expected the joined text of the stream, a non-empty string")
    whole = reference.choices[0].message.content or ""
    if text != whole:
        _fail("the joined deltas differ from the whole answer: is a delta skipped?")
    if getattr(usage, "completion_tokens", None) != reference.usage.completion_tokens:
        _fail("this usage is not the stream's: read it from the chunk whose choices is empty")


def _asked_for(schema: Mapping[str, Any], body: Mapping[str, Any]) -> str | None:
    """How a request asked for output shaped by `schema`: "response_format", "tool" or None."""
    response_format = body.get("response_format") or {}
    if (response_format.get("json_schema") or {}).get("schema") == schema:
        return "response_format"
    forced = body.get("tool_choice")
    forced_name = (forced.get("function") or {}).get("name") if isinstance(forced, dict) else None
    for tool in body.get("tools") or []:
        function = tool.get("function") or {}
        if function.get("parameters") == schema and function.get("name") == forced_name:
            return "tool"
    return None


def _model_output(exchange: Exchange, how: str | None) -> str | None:
    message = (exchange.reply.get("choices") or [{}])[0].get("message") or {}
    if how == "response_format":
        return message.get("content")
    calls = message.get("tool_calls") or [{}]
    return (calls[0].get("function") or {}).get("arguments")


def _same(found: Any, expected: Any) -> bool:
    if isinstance(expected, str):
        return isinstance(found, str) and found.strip().casefold() == expected.casefold()
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        return isinstance(found, int | float) and float(found) == float(expected)
    return bool(found == expected)


def _compare(data: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    for key, value in expected.items():
        if not _same(data.get(key), value):
            _fail(f"{key} is {data.get(key)!r}, but the text says {value!r}")


@_check("output matches the schema")
def json_output(
    text: Any, schema: dict[str, Any], expected: Mapping[str, Any] | None = None
) -> None:
    """`text` is what the model wrote when a request asked for `schema` (as a json_schema
    response format, or a forced tool's parameters); it parses, validates, and, with
    `expected`, holds those values (strings compared without case)."""
    import jsonschema

    asked = [(e, _asked_for(schema, e.body)) for e in _new_exchanges() if isinstance(e.body, dict)]
    asked = [(e, how) for e, how in asked if how and isinstance(e.reply, dict)]
    if not asked:
        _fail(
            "no request asked for this schema: use response_format json_schema (or a forced tool)"
        )
    if text not in {_model_output(e, how) for e, how in asked}:
        _fail("`text` is not what the model answered: take it from the reply")
    try:
        data = json.loads(text)
    except (TypeError, json.JSONDecodeError) as error:
        _fail(f"the output does not parse as JSON ({error})")
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as error:
        _fail(f"the JSON does not match the schema: {error.message}")
    _compare(data, expected or {})


@_check("tool call")
def tool_call(
    reply: Any, name: str, parameters: dict[str, Any], arguments: Mapping[str, Any] | None = None
) -> None:
    """The model called the tool `name`, with arguments that parse, validate against its
    `parameters` schema and, with `arguments`, carry those values."""
    import jsonschema

    _chat_exchange(getattr(reply, "id", None), _new_exchanges())
    choice = reply.choices[0]
    # A call is in `message.tool_calls`: finish_reason is "tool_calls" for `auto` and
    # `required`, but "stop" on OpenAI when tool_choice names the function.
    if not choice.message.tool_calls:
        _fail(f"no tool was called (finish_reason {choice.finish_reason!r}): try tool_choice")
    call = choice.message.tool_calls[0]
    if call.function.name != name:
        _fail(f"{call.function.name!r} was called, not {name!r}")
    try:
        data = json.loads(call.function.arguments)
        jsonschema.validate(data, parameters)
    except (json.JSONDecodeError, jsonschema.ValidationError) as error:
        _fail(f"the arguments are not valid for {name}: {error}")
    _compare(data, arguments or {})


# Questions the student never sees, each about one document of exercise 07 (by its text).
# Few share a word with their document: a keyword search cannot answer them.
_HELD_OUT = {
    "The library opens at nine and closes at six.": [
        "What are the opening hours for borrowing books?",
        "Until what time can I read there in the evening?",
    ],
    "Our bakery sells sourdough, rye and croissants.": [
        "I'd like a fresh loaf, where should I go?",
        "Where can I get pastries for breakfast?",
    ],
    "Trains to the airport leave every fifteen minutes.": [
        "How frequently do rail services run to the terminal for flights?",
        "I need to catch a plane; is there a rail link?",
    ],
    "The museum has a large collection of Roman coins.": [
        "Where could I look at old Latin currency?",
        "Where are ancient artifacts from Italy displayed?",
    ],
}


@_check("semantic search")
def search(find: Any, documents: Sequence[str]) -> None:
    """`find(question)` returns the right document for questions it has never seen, and
    the documents were embedded once, not once per question."""
    cases = [(q, d) for d in documents for q in _HELD_OUT.get(d, [])]
    if not cases:
        _fail("these are not the exercise's DOCUMENTS")
    for question, expected in cases:
        found = find(question)
        if found is Ellipsis or found is None:
            raise NotSolved("find() still returns `...`")
        if found != expected:
            _fail(
                f"for a question the check keeps to itself ({question!r}) find() returned "
                f"{found!r}, expected {expected!r}"
            )
    embedded: list[str] = []
    for exchange in _new_exchanges():
        if exchange.path.endswith("/embeddings") and isinstance(exchange.body, dict):
            given = exchange.body.get("input")
            embedded += [given] if isinstance(given, str) else list(given or [])
    if not embedded:
        _fail("no text was embedded by a watched client: compare embeddings, not words")
    twice = sorted({d for d in documents if embedded.count(d) > 1})
    if twice:
        _fail(f"{len(twice)} documents were embedded more than once: embed them once, then reuse")


def _retry_after_seconds(exchange: Exchange) -> float:
    asked = exchange.retry_after() or "0"
    try:
        return float(asked)
    except ValueError:  # an HTTP date: how far ahead of when the answer came
        ahead = parsedate_to_datetime(asked).timestamp() - time.time()
        return max(0.0, ahead + (time.monotonic() - (exchange.received or time.monotonic())))


def _waits(exchanges: Sequence[Exchange], asked: dict[int, float]) -> None:
    """Every request after a 429 came no sooner than its Retry-After asked."""
    for before, after in itertools.pairwise(exchanges):
        if before.status == 429 and before.received is not None:
            waited = after.sent - before.received
            if waited + 0.05 < asked[id(before)]:
                _fail(
                    f"a retry came {waited:.1f} s after a 429 whose Retry-After asked for "
                    f"{asked[id(before)]:.1f} s"
                )


@_check("retry loop")
def backoff(with_backoff: Any, requests: int = 33) -> None:
    """Runs `with_backoff(call)` against a strict sandbox (30 requests a minute, a key):
    it must get through real 429s, waiting as long as `Retry-After` asks (seconds or an
    HTTP date), and must give up at once on a 400 or 401, which no retry can mend."""
    import openai

    from .client import list_models
    from .sandbox import start

    with start(rpm=30, api_keys=["exercise"]) as box:
        base = openai.OpenAI(base_url=box.url, api_key="exercise", max_retries=0)
        client, log = record(base)
        model = list_models(base).chat_model or ""
        asked: dict[int, float] = {}

        def note_waits() -> None:
            for exchange in log.exchanges:
                if exchange.status == 429 and id(exchange) not in asked:
                    asked[id(exchange)] = _retry_after_seconds(exchange)

        first = [True]

        def dated_429() -> Any:
            headers = {"X-Sandbox-Fail": "429"} if first[0] else {}
            first[0] = False
            try:
                return client.chat.completions.create(
                    model=model,
                    messages=[{"role": "user", "content": "Hi"}],
                    max_tokens=1,
                    extra_headers=headers,
                )
            finally:
                note_waits()

        if with_backoff(dated_429) in (None, Ellipsis):
            raise NotSolved("with_backoff() should return what call() returns")
        if sum(e.status == 429 for e in log.exchanges) != 1 or len(log.exchanges) < 2:
            _fail("a 429 was not retried: RateLimitError should be")
        _waits(log.exchanges, asked)

        for status, doomed, error in (
            (401, base.copy(api_key="not-the-key").models.list, openai.AuthenticationError),
            (
                400,
                lambda: base.chat.completions.create(model=model, messages=[]),
                openai.BadRequestError,
            ),
        ):
            calls = [0]

            def once(doomed: Callable[[], Any] = doomed, calls: list[int] = calls) -> Any:
                calls[0] += 1
                return doomed()

            try:
                with_backoff(once)
            except error:
                pass
            else:
                _fail(f"a {status} came back as a result: it should be raised")
            if calls[0] != 1:
                _fail(f"a {status} was retried {calls[0] - 1} times: no retry can mend it")

        log.clear()
        for _ in range(requests):
            try:
                result = with_backoff(lambda: _listed(client, note_waits))
            except openai.RateLimitError:
                _fail("a 429 got through: keep retrying while the server says wait")
            if result is Ellipsis or result is None:
                raise NotSolved("with_backoff() should return what call() returns")
        if not any(e.status == 429 for e in log.exchanges):
            _fail("the loop never met a 429: is call() being called?")
        _waits(log.exchanges, asked)
        base.close()
        client.close()


def _listed(client: Any, after: Callable[[], None]) -> Any:
    try:
        return client.models.list()
    finally:
        after()


# -- exercise 08: the reference document's own bugs ----------------------------------------


def _sandbox_under_watch() -> tuple[Any, Recording, str]:
    """A watched client of the shared sandbox, with no retries of its own: the sandbox can
    fail on request (`X-Sandbox-Fail`), whatever provider the exercise uses."""
    from .client import connect, list_models

    base = connect("sandbox").with_options(max_retries=0)
    client, log = record(base)
    return client, log, list_models(base).chat_model or ""


@_check("safe_completion fixed")
def safe_completion(fn: Any) -> None:
    """`fn(client, messages, max_retries=3, **kwargs)` answers a good request; retries 5xx
    and 429s with the model it was given, waiting as long as `Retry-After` asks; raises the
    real error when the retries run out; never retries a 400."""
    import openai

    client, log, model = _sandbox_under_watch()
    hello = [{"role": "user", "content": "Hi"}]
    reply = fn(client, hello, model=model, max_tokens=5)
    if reply in (None, Ellipsis):
        raise NotSolved("safe_completion() should return the completion")
    if getattr(reply, "object", None) != "chat.completion":
        _fail("a good request should return what client.chat.completions.create returned")

    for status, fail, error in (
        (503, "503", openai.InternalServerError),
        (429, "429", openai.RateLimitError),
    ):
        log.clear()
        asked: dict[int, float] = {}
        try:
            fn(
                client,
                hello,
                max_retries=3,
                model=model,
                max_tokens=5,
                extra_headers={"X-Sandbox-Fail": fail},
            )
        except error:
            pass
        except Exception as other:  # which error escapes is the point
            sent = [e.body.get("model") for e in log.exchanges if isinstance(e.body, dict)]
            if any(m != model for m in sent):
                wrong = next(m for m in sent if m != model)
                _fail(
                    f"a retry sent model {wrong!r}, not {model!r}: is `model` popped in the loop?"
                )
            _fail(
                f"after {status}s it gave up with {type(other).__name__}, not the "
                f"{error.__name__} itself: raise the real error, it carries the status"
            )
        else:
            _fail(f"every attempt got a {status}, yet nothing was raised")
        sent = [e.body.get("model") for e in log.exchanges if isinstance(e.body, dict)]
        if len(sent) != 3:
            _fail(f"max_retries=3 should make 3 attempts at a {status}, not {len(sent)}")
        if any(m != model for m in sent):
            _fail(f"a retry sent model {next(m for m in sent if m != model)!r}, not {model!r}")
        for exchange in log.exchanges:
            if exchange.status == 429:
                asked[id(exchange)] = _retry_after_seconds(exchange)
        _waits(log.exchanges, asked)

    log.clear()
    try:
        fn(client, [], model=model, max_retries=3)
    except openai.BadRequestError:
        pass
    else:
        _fail("an empty messages list should raise BadRequestError")
    if len(log.exchanges) != 1:
        _fail(f"a 400 was retried {len(log.exchanges) - 1} times: it fails the same way every time")


@_check("Conversation fixed")
def conversation(cls: Any) -> None:
    """`cls(client, system=...)` keeps `messages`, system first; `send` adds the user turn
    and the answer together, only once the answer came back."""
    import openai

    client, _, model = _sandbox_under_watch()
    chat = cls(client, system="You are brief.")
    system = [{"role": "system", "content": "You are brief."}]
    if chat.messages != system:
        _fail("a new conversation should hold just its system message")
    try:
        chat.send("Hi", model=model, max_tokens=5, extra_headers={"X-Sandbox-Fail": "500"})
    except openai.InternalServerError:
        pass
    else:
        _fail("the request failed with a 500: send() should raise it")
    if chat.messages != system:
        orphans = len(chat.messages) - 1
        _fail(
            f"a failed call left {orphans} message(s) behind: the next prompt would carry "
            "a question with no answer"
        )
    answer = chat.send("Hi", model=model, max_tokens=5)
    if [m["role"] for m in chat.messages] != ["system", "user", "assistant"]:
        _fail(f"after one good send the roles are {[m['role'] for m in chat.messages]}")
    if chat.messages[-1]["content"] != answer:
        _fail("send() should return the answer it added to the history")


# -- exercise 09: what a call costs ----------------------------------------------------------


def _dollars(prompt: int, completion: int, prices: Mapping[str, float]) -> float:
    return (prompt * prices["input_per_mtok"] + completion * prices["output_per_mtok"]) / 1e6


def _close(found: Any, expected: float) -> bool:
    return (
        isinstance(found, int | float) and abs(float(found) - expected) <= 1e-12 + 1e-9 * expected
    )


@_check("cost of a call")
def cost(cost_usd: Any, reply: Any, prices: Mapping[str, float]) -> None:
    """`cost_usd(usage)` prices a usage in dollars: prompt tokens at the input price, completion
    tokens at the output price, both per million; right for the real reply and for usages
    the check makes up."""
    from openai.types import CompletionUsage

    _chat_exchange(getattr(reply, "id", None), _new_exchanges())
    cases = [(1_000, 0), (0, 1_000), (1_234, 567)]
    cases.append((reply.usage.prompt_tokens, reply.usage.completion_tokens))
    for prompt, completion in cases:
        usage = CompletionUsage(
            prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
        )
        found = cost_usd(usage)
        if found is Ellipsis or found is None:
            raise NotSolved("cost_usd() still returns `...`")
        expected = _dollars(prompt, completion, prices)
        if not _close(found, expected):
            _fail(
                f"for {prompt:,} prompt and {completion:,} completion tokens cost_usd gave "
                f"{found!r}, expected ${expected:.8f}"
            )


@_check("worst case before sending")
def worst_case(
    worst_case_usd: Any, prices: Mapping[str, float], model: str = "gpt-4o-mini"
) -> None:
    """`worst_case_usd(messages, max_tokens)`: the prompt's tokens (tiktoken, as
    `count_message_tokens` counts them for `model`) at the input price, plus `max_tokens` at
    the output price, for conversations the check makes up."""
    from .tokens import count_message_tokens

    conversations = [
        [{"role": "user", "content": "Hi"}],
        [
            {"role": "system", "content": "You are a patient teacher of chemistry."},
            {"role": "user", "content": "Why does ice float on water? Explain it to a child."},
        ],
    ]
    for messages in conversations:
        for max_tokens in (1, 500):
            found = worst_case_usd(messages, max_tokens)
            if found is Ellipsis or found is None:
                raise NotSolved("worst_case_usd() still returns `...`")
            prompt = count_message_tokens(messages, model)
            expected = _dollars(prompt, max_tokens, prices)
            if not _close(found, expected):
                _fail(
                    f"for {len(messages)} message(s) ({prompt} prompt tokens) and max_tokens="
                    f"{max_tokens} it gave {found!r}, expected ${expected:.8f}"
                )


# -- exercise 10: fall back to the next provider --------------------------------------------


@_check("fallback chain")
def fallback(first_that_answers: Any) -> None:
    """`first_that_answers(candidates, messages, **params)` tries `(name, client, model)`
    candidates in order, once each: it passes on what belongs to one provider (unreachable,
    429, 5xx, unknown model), raises at once what every provider would refuse (a 400), and
    raises when every candidate failed."""
    import openai

    from .client import connect, list_models

    base = connect("sandbox").with_options(max_retries=0)
    model = list_models(base).chat_model or ""
    hello = [{"role": "user", "content": "Hi"}]
    logs: dict[str, Recording] = {}

    def candidate(name: str, client: Any, model_id: str = model) -> tuple[str, Any, str]:
        watched, logs[name] = record(client)
        return name, watched, model_id

    dead = openai.OpenAI(base_url="http://127.0.0.1:9/v1", api_key="none", max_retries=0)
    chain = [
        candidate("unreachable", dead),
        candidate("overloaded", base.with_options(default_headers={"X-Sandbox-Fail": "503"})),
        candidate("no such model", base, "no-such-model"),
        candidate("rate-limited", base.with_options(default_headers={"X-Sandbox-Fail": "429"})),
        candidate("healthy", base),
        candidate("spare", base),
    ]
    answer = first_that_answers(chain, hello, max_tokens=5)
    if answer in (None, Ellipsis):
        raise NotSolved("first_that_answers() should return (name, completion)")
    name, completion = answer
    tried = [n for n, log in logs.items() if log.exchanges]
    if name != "healthy":
        _fail(f"the answer came from {name!r}, not the first healthy candidate")
    if tried != ["unreachable", "overloaded", "no such model", "rate-limited", "healthy"]:
        _fail(f"tried {tried}: every candidate in order, up to the first that answers")
    if any(len(log.exchanges) > 1 for log in logs.values()):
        _fail("a candidate was asked twice: pass on at once, the next provider is the retry")
    if getattr(completion, "object", None) != "chat.completion":
        _fail("the second item should be the completion the healthy candidate returned")

    for log in logs.values():
        log.clear()
    try:
        first_that_answers(chain[4:], [], max_tokens=5)
    except openai.BadRequestError:
        pass
    else:
        _fail("an empty messages list must raise BadRequestError: no provider would take it")
    if logs["spare"].exchanges:
        _fail("a 400 for a bad request was passed on to the next provider: it fails everywhere")

    try:
        result = first_that_answers(chain[:2], hello, max_tokens=5)
    except openai.APIError:
        pass
    else:
        _fail(f"every candidate failed, yet it returned {result!r}: raise the last error")
