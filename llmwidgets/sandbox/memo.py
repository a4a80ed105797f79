"""Deterministic answers computed once: a switch for test runs, never on for a student.

A test run asks the sandbox much the same thing many times: nbval runs every notebook and
solution, the exercises' known-wrong solutions repeat their solution's requests, and the
provider matrix runs everything again on seven profiles and a proxy. A completion at
temperature 0 or with a seed, and any embedding, always comes out the same on one engine,
so with `LLMWIDGETS_SANDBOX_MEMO` set the sandbox keeps each such answer in a folder, and
with `replay:` answers the same request again from it, through the same streaming, usage
and profile code as a computed answer:

    LLMWIDGETS_SANDBOX_MEMO=record:build/memo   # compute everything, keep what is kept
    LLMWIDGETS_SANDBOX_MEMO=replay:build/memo   # and answer from it what it holds

- The key is everything that decides the answer: for a completion the prompt's token ids,
  every field of `Sampling` (temperature, top_p, penalties, seed, logit bias, stops,
  grammar, logprobs, max_tokens, flagged words), the context size and the engine's
  fingerprint (its build's numbers, `Engine.fingerprint`); for embeddings the token ids;
  and for both the code that computes them. A folder lives no longer than the test run
  that made it (tools/run_tests.py starts each run with an empty one).
- Nothing that is not deterministic is kept: a completion at a temperature above 0 without
  a seed is computed every time, and so is one that was cancelled or failed.
- What a replay cannot know, the engine still says: how many prompt tokens were cached is
  the engine's (`Engine.generate`), as if the answer had been computed. Only time differs:
  a replay streams at once. So nbval, which compares outputs that time the model, only
  records; the runs that replay (the exercises', the matrix) compare no timed output.
- A cancelled replay reports the pieces it sent as its completion tokens; a computed answer
  counts tokens, and a piece is one token or a few (a character split across tokens).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import environment

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["Memo", "MemoPlace"]


@dataclass(frozen=True)
class MemoPlace:
    """Where the memo lives, and whether answers are replayed from it or only kept."""

    folder: Path
    replay: bool

    @classmethod
    def from_environment(cls) -> MemoPlace | None:
        value = os.environ.get(environment.SANDBOX_MEMO, "")
        mode, _, folder = value.partition(":")
        if not value:
            return None
        if mode not in ("record", "replay") or not folder:
            raise ValueError(
                f"{environment.SANDBOX_MEMO} is `record:FOLDER` or `replay:FOLDER`, not {value!r}"
            )
        return cls(Path(folder), replay=mode == "replay")


class Memo:
    """Answers by a key of everything that decided them, in a folder that several sandbox
    processes may share (each answer is one file, written whole)."""

    def __init__(self, place: MemoPlace, scope: object, code: Sequence[str]) -> None:
        digest = hashlib.sha256()
        for name in (*code, "memo.py"):
            digest.update((Path(__file__).parent / name).read_bytes())
        self._scope = [scope, digest.hexdigest()]
        self.folder = place.folder
        self.replay = place.replay
        self.folder.mkdir(parents=True, exist_ok=True)
        self.hits = 0

    def key(self, request: object) -> str:
        text = json.dumps([self._scope, request], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def get(self, key: str) -> Any | None:
        """The kept answer, when answers are replayed and this one was kept."""
        if not self.replay:
            return None
        try:
            kept = json.loads((self.folder / f"{key}.json").read_text())
        except FileNotFoundError:
            return None
        self.hits += 1
        return kept

    def put(self, key: str, answer: Any) -> None:
        path = self.folder / f"{key}.json"
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(answer))
        partial.replace(path)  # readers never see half an answer
