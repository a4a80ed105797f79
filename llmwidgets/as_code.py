"""A request as the Python that makes it with the official SDK, to copy into a script.

    print(python_code(client, {"model": "llama-3.1-8b-instant", "messages": [...], "seed": 7}))
    print(python_code(client, {"model": ..., "input": [...]}, "/responses"))

The key is never written: the script reads it from the environment by its variable's
name (`os.environ["GROQ_API_KEY"]`). The sandbox and its rehearsals move port from run to
run, so for them the script connects with `llmwidgets.connect(...)` instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .client_record import record_of
from .providers import LOCAL_SERVER, PRESETS
from .redaction import shown_url

__all__ = ["python_code"]


def python_code(client: Any, arguments: dict[str, Any], path: str = "/chat/completions") -> str:
    """A script that makes the same call (`path`: the endpoint, as the wire shows it) and
    prints what came back."""
    imports, making = _client_code(client)
    if path.endswith("/models"):
        call, show = (
            ["models = client.models.list()"],
            ["for model in models:", "    print(model.id)"],
        )
    elif path.endswith("/responses"):
        call = ["response = client.responses.create(", *_arguments(arguments, "responses"), ")"]
        show = _responses_show(arguments)
    elif path.endswith("/embeddings"):
        # The SDK asks for base64 on its own and decodes it; a script asking so gets text.
        asked = {k: v for k, v in arguments.items() if (k, v) != ("encoding_format", "base64")}
        call = ["response = client.embeddings.create(", *_arguments(asked, "embeddings"), ")"]
        show = ['print(len(response.data), "vectors of", len(response.data[0].embedding))']
    else:
        call = ["response = client.chat.completions.create(", *_arguments(arguments, "chat"), ")"]
        show = _chat_show(arguments)
        if arguments.get("logprobs") and not arguments.get("stream"):
            imports = ["import math", *imports]
    return "\n".join(
        [
            *sorted(imports, key=lambda line: (line.startswith("from"), line)),
            "",
            making,
            *call,
            *show,
            "",
        ]
    )


def _arguments(arguments: dict[str, Any], endpoint: str) -> list[str]:
    """Keyword arguments; a field the SDK's method does not name (a provider's own, such as
    OpenRouter's `provider`) goes in `extra_body`, as the SDK asks."""
    known = _sdk_parameters(endpoint)
    named = {k: v for k, v in arguments.items() if k in known}
    extra = {k: v for k, v in arguments.items() if k not in known}
    if extra:
        named["extra_body"] = extra
    return [f"    {name}={_python(value, 4)}," for name, value in named.items()]


def _sdk_parameters(endpoint: str) -> set[str]:
    import inspect

    from openai.resources.chat.completions import Completions
    from openai.resources.embeddings import Embeddings
    from openai.resources.responses import Responses

    methods: dict[str, Callable[..., Any]] = {
        "chat": Completions.create,
        "responses": Responses.create,
    }
    method = methods.get(endpoint, Embeddings.create)
    return set(inspect.signature(method).parameters) - {"self"}


def _responses_show(arguments: dict[str, Any]) -> list[str]:
    if arguments.get("stream"):
        return [
            "for event in response:  # each named event, as it comes",
            '    if event.type == "response.output_text.delta":',
            '        print(event.delta, end="", flush=True)',
            '    elif event.type in ("response.completed", "response.incomplete"):',
            '        print("\\n", event.response.status, event.response.usage)',
        ]
    return [
        "print(response.output_text)  # every message's text, whatever came first",
        "print(response.status, response.usage)",
    ]


def _chat_show(arguments: dict[str, Any]) -> list[str]:
    if arguments.get("stream"):
        return [
            "for chunk in response:  # each server-sent event, as it comes",
            "    if chunk.choices and chunk.choices[0].delta.content:",
            '        print(chunk.choices[0].delta.content, end="", flush=True)',
            "    if chunk.usage:  # the last chunk, when stream_options asks for it",
            '        print("\\n", chunk.usage)',
        ]
    if (arguments.get("n") or 1) > 1:
        show = [
            "for choice in response.choices:",
            '    print(f"--- choice {choice.index}")',
            "    print(choice.message.content)",
        ]
    else:
        show = ["print(response.choices[0].message.content)"]
    if arguments.get("logprobs"):
        show += [
            "for token in response.choices[0].logprobs.content:",
            "    print(repr(token.token), f'{math.exp(token.logprob):.1%}')",
        ]
    return [*show, "print(response.usage)"]


def _client_code(client: Any) -> tuple[list[str], str]:
    """(imports, the line that makes the client) for the script in `code`."""
    record = record_of(client)
    if record.rehearsal is not None:
        return ["import llmwidgets"], (
            f"# the sandbox, answering as {PRESETS[record.rehearsal].label} would (no key needed)\n"
            f"client = llmwidgets.connect({_flat(record.rehearsal)}, rehearse=True)"
        )
    if record.asked is not None and record.asked.id == "sandbox":
        return ["import llmwidgets"], (
            "# the local sandbox (started if it is not running; its port changes)\n"
            "client = llmwidgets.connect()"
        )
    url = shown_url(str(client.base_url)).rstrip("/")
    if record.key_env is None:
        placeholder = _flat(record.provider_id)
        return ["from openai import OpenAI"], (
            f"client = OpenAI(base_url={_flat(url)}, api_key={placeholder})  # no key needed"
        )
    variable = _flat(record.key_env)
    # A server on this machine may want no key: the script must run without one set.
    key = (
        f'os.environ.get({variable}, "none")'
        if record.provider_id == LOCAL_SERVER
        else (f"os.environ[{variable}]")
    )
    return ["import os", "from openai import OpenAI"], (
        f"client = OpenAI(base_url={_flat(url)}, api_key={key})"
    )


def _python(value: Any, indent: int) -> str:
    """`value` as a Python literal, on one line when short, else one item a line."""
    flat = _flat(value)
    if len(flat) + indent <= 88 or not isinstance(value, dict | list) or not value:
        return flat
    pad = " " * (indent + 4)
    if isinstance(value, dict):
        items = [f"{pad}{_flat(k)}: {_python(v, indent + 4)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{pad}{_python(v, indent + 4)}," for v in value]
    return "[\n" + "\n".join(items) + "\n" + " " * indent + "]"


def _flat(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a Python literal
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flat(k)}: {_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    return repr(value)  # numbers, True, False, None
