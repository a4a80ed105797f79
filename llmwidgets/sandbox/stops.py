"""Stop sequences, matched on text as it streams, so no part of a stop is ever sent.

Text that could be the beginning of a stop sequence is held back until the next piece
decides: it is either the stop (cut there, generation ends) or ordinary text (sent).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["StopMatcher"]


class StopMatcher:
    """Holds back text that might be the start of a stop sequence until it is sure."""

    def __init__(self, stops: Sequence[str]) -> None:
        self.stops = [s for s in stops if s]
        self.held = ""

    def feed(self, text: str) -> tuple[str, bool]:
        self.held += text
        if not self.stops:
            out, self.held = self.held, ""
            return out, False
        hits = [i for i in (self.held.find(s) for s in self.stops) if i >= 0]
        if hits:
            out = self.held[: min(hits)]
            self.held = ""
            return out, True
        keep = max((_overlap(self.held, s) for s in self.stops), default=0)
        cut = len(self.held) - keep
        out, self.held = self.held[:cut], self.held[cut:]
        return out, False

    def flush(self, text: str) -> str:
        out, stopped = self.feed(text)
        if not stopped:
            out, self.held = out + self.held, ""
        return out


def _overlap(text: str, stop: str) -> int:
    """Length of the longest end of `text` that is a beginning of `stop`."""
    for size in range(min(len(text), len(stop) - 1), 0, -1):
        if text.endswith(stop[:size]):
            return size
    return 0
