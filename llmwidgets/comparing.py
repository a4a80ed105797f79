"""One prompt, several providers: who each lane is, what it sends, and how two answers differ.

    lanes = lanes_for(["sandbox", "groq:llama-3.1-8b-instant", {"temperature": 1.5}],
                      {"seed": 7, "max_tokens": 80}, rehearse=None)
    word_diff("The sky is blue.", "The sky is grey.")
    # [("same", "The sky is "), ("del", "blue"), ("add", "grey"), ("same", ".")]

A lane is a target (a preset id, `provider:model`, a base URL, an SDK client, or a dict of
its own parameters with an optional `target` and `label`) and the request it will send.
Parameters given to every lane that a lane's provider *rejects* are left out of that lane,
so that one provider's 400 does not spoil a comparison; parameters it *ignores* are sent,
and both become notes beside the lane (from `Provider.check_params`). A lane's own
parameters are always sent: a student who asks Groq for `logprobs` meets its 400.
Nothing here imports a widget library: `widgets/compare.py` draws the lanes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

from ._constants import DEFAULT_PROVIDER
from .errors import describe_error
from .parameters import refuse_client_options
from .providers import PRESETS, Provider, split_model_id

if TYPE_CHECKING:
    import openai

__all__ = ["MAX_DIFF_WORDS", "Lane", "lanes_for", "word_diff"]


@dataclass
class Lane:
    """One column of a comparison. `client` is None when connecting failed (`error` says why)."""

    label: str
    provider: str  # the preset id ("groq", "sandbox", "local", "custom")
    client: openai.OpenAI | openai.AsyncOpenAI | None
    model: str | None  # None: the provider's usual chat model, looked up when it runs
    params: dict[str, Any]  # what the request carries besides model and messages
    own: dict[str, Any] = field(default_factory=dict)  # the lane's own, shown beside it
    notes: list[str] = field(default_factory=list)  # ignored, rejected or left out
    error: str = ""


def lanes_for(
    targets: Sequence[Any], shared: Mapping[str, Any], *, rehearse: bool | None = None
) -> list[Lane]:
    """A lane for each target; a target that cannot connect (no key) becomes a lane whose
    `error` says so, and the others carry on. A key or an address among the parameters is
    refused (TypeError) before it is kept anywhere: it belongs to a client."""
    refuse_client_options(shared, "compare()")
    for target in targets:
        if isinstance(target, Mapping):
            refuse_client_options(target, "compare()")
    return [_lane(target, shared, rehearse) for target in targets]


def _lane(target: Any, shared: Mapping[str, Any], rehearse: bool | None) -> Lane:
    own: dict[str, Any] = {}
    label = None
    if isinstance(target, Mapping):
        own = dict(target)
        target = own.pop("target", None)
        label = own.pop("label", None)
    if target is None:
        target = DEFAULT_PROVIDER
    if not isinstance(target, str) and not hasattr(target, "chat"):
        raise TypeError(
            f"compare() takes preset ids, 'provider:model', base URLs, SDK clients or "
            f"dicts, not {type(target).__name__}"
        )
    model = own.pop("model", None)
    provider, named_model = _target_of(target) if isinstance(target, str) else ("", None)
    model = model or named_model
    try:
        client = _connect(target, provider, rehearse) if isinstance(target, str) else target
    except Exception as failure:  # no key, no address: this lane says so, the rest run
        record = PRESETS.get(provider)
        return Lane(
            label or (record.label if record else str(target)),
            provider,
            None,
            model,
            {},
            own,
            error=describe_error(failure),
        )
    from .client_record import record_of

    found = record_of(client)
    model = model or shared.get("model")
    shared = {k: v for k, v in shared.items() if k != "model"}
    params, notes = _request_params(found.preset, shared, own)
    if label is None:
        label = found.label if found.named else found.host
        if params.get("api") == "responses":  # beside the same provider by chat, told apart
            label += " · Responses API"
    return Lane(label, found.provider_id, client, model, params, own, notes)


def _target_of(target: str) -> tuple[str, str | None]:
    """`groq` -> its usual model; `groq:llama-3.1-8b-instant` -> that one; a URL -> custom."""
    if target.startswith(("http://", "https://")):
        return "custom", None
    if target.lower() in PRESETS:
        return target.lower(), None
    return split_model_id(target, default_provider=DEFAULT_PROVIDER)


def _connect(target: str, provider: str, rehearse: bool | None) -> openai.OpenAI:
    from .client import connect

    if provider == "custom" and target.startswith(("http://", "https://")):
        return connect("custom", base_url=target, prompt=False)
    return connect(provider, prompt=False, rehearse=rehearse)


def _request_params(
    record: Provider | None, shared: dict[str, Any], own: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Shared parameters the provider rejects stay home; the lane's own always go."""
    if record is None:  # a server no preset describes: everything goes, nothing to note
        return {**shared, **own}, []
    refusals = {r.param: r for r in record.refusals}
    params, notes = {}, []
    for name, value in shared.items():
        refusal = refusals.get(name)
        if refusal is not None and refusal.refuses(value):
            notes.append(f"`{name}` left out: {record.label} rejects it with {refusal.status}.")
        else:
            params[name] = value
    params.update(own)
    return params, record.check_params(params) + notes


# A word with the spaces before it, or a mark with its spaces: few tokens repeat, so
# difflib stays fast, and the runs still read as whole words.
_WORDS = re.compile(r"\s*\w+|\s*[^\w\s]|\s+")
# Answers longer than this are compared on their beginning: difflib grows faster than
# linearly, and a diff of thousands of words teaches nothing a shorter one does not.
MAX_DIFF_WORDS = 2000


def word_diff(before: str, after: str) -> tuple[list[tuple[str, str]], float]:
    """The two texts as runs of ("same" | "del" | "add", text) in reading order, and the
    share of words they have in common (0 to 1, difflib's ratio). Words are compared
    without the spaces before them, so a line break where the other has a space is no
    change; a run that is the same is given as the second text writes it."""
    a, b = _WORDS.findall(before)[:MAX_DIFF_WORDS], _WORDS.findall(after)[:MAX_DIFF_WORDS]
    if a == b:
        return ([("same", "".join(a))] if a else []), 1.0
    words_a, words_b = [w.strip() or " " for w in a], [w.strip() or " " for w in b]
    matcher = SequenceMatcher(None, words_a, words_b, autojunk=False)
    runs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        pieces = [("same", b[j1:j2])] if tag == "equal" else [("del", a[i1:i2]), ("add", b[j1:j2])]
        for op, words in pieces:
            if not words:
                continue
            if runs and runs[-1][0] == op:
                runs[-1] = (op, runs[-1][1] + "".join(words))
            else:
                runs.append((op, "".join(words)))
    return runs, matcher.ratio()
