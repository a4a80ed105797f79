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

from ._base import NotSolved, strict, try_it, watch
from .answers import json_output, search, tool_call
from .basics import completion, model_list, stop_sequence, streamed
from .capstone import assistant, stream_turn, trim
from .costs import cost, worst_case
from .patterns import conversation, fallback
from .prompting import few_shot, penalize, several_answers
from .responses import read_answer, responses_conversation
from .retries import backoff, safe_completion

__all__ = [
    "NotSolved",
    "assistant",
    "backoff",
    "completion",
    "conversation",
    "cost",
    "fallback",
    "few_shot",
    "json_output",
    "model_list",
    "penalize",
    "read_answer",
    "responses_conversation",
    "safe_completion",
    "search",
    "several_answers",
    "stop_sequence",
    "stream_turn",
    "streamed",
    "strict",
    "tool_call",
    "trim",
    "try_it",
    "watch",
    "worst_case",
]
