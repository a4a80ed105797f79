"""Exercise 14, the capstone: a streaming assistant with tools, trimming, fallback and a
budget. Each part is checked on the sandbox, whose failures and tool calls can be asked
for, whatever provider the exercise uses; the ground truth is what the wire carried."""

from __future__ import annotations

from ._common import ADD_TOOL, ONE_SUM, TWO_SUMS
from .assistant import assistant
from .trimming import trim
from .turn import stream_turn

__all__ = ["ADD_TOOL", "ONE_SUM", "TWO_SUMS", "assistant", "stream_turn", "trim"]
