"""Stop sequences, and words a moderated sandbox refuses, matched on text as it streams, so
no part of either is ever sent.

Text that could be the beginning of one is held back until the next piece decides: it is
either the stop (cut there, generation ends with "stop"), a flagged word (cut there, ends
with "content_filter"; matched whatever its case), or ordinary text (sent).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["StopMatcher"]


class StopMatcher:
    """Holds back text that might be the start of a stop or a flagged word until it is sure."""

    def __init__(self, stops: Sequence[str], flagged: Sequence[str] = ()) -> None:
        self.stops = [s for s in stops if s]
        self.flagged = [w.lower() for w in flagged if w]
        self._flagged = [re.compile(re.escape(w), re.IGNORECASE) for w in self.flagged]
        self.held = ""

    def feed(self, text: str) -> tuple[str, str | None]:
        """(text safe to send, why generation must end: "stop", "content_filter" or None)."""
        self.held += text
        if not self.stops and not self.flagged:
            out, self.held = self.held, ""
            return out, None
        hits = [(i, "stop") for i in (self.held.find(s) for s in self.stops) if i >= 0]
        hits += [(m.start(), "content_filter") for p in self._flagged if (m := p.search(self.held))]
        if hits:
            at, reason = min(hits)
            out, self.held = self.held[:at], ""
            return out, reason
        lowered = self.held.lower()
        keep = max(
            [_overlap(self.held, s) for s in self.stops]
            + [_overlap(lowered, w) for w in self.flagged],
            default=0,
        )
        cut = len(self.held) - keep
        out, self.held = self.held[:cut], self.held[cut:]
        return out, None

    def flush(self, text: str) -> str:
        out, reason = self.feed(text)
        if reason is None:
            out, self.held = out + self.held, ""
        return out


def _overlap(text: str, stop: str) -> int:
    """Length of the longest end of `text` that is a beginning of `stop`."""
    for size in range(min(len(text), len(stop) - 1), 0, -1):
        if text.endswith(stop[:size]):
            return size
    return 0
