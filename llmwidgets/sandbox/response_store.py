"""Stored responses: what `store` keeps, for `previous_response_id`, `GET` and `DELETE`.

In memory and bounded: the oldest go first when the store is full, and everything goes
with the process. OpenAI keeps a stored response for 30 days; a sandbox restarted between
two lessons has forgotten them, which is the honest answer for a server on a laptop.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from .errors import SandboxAPIError

__all__ = ["ResponseStore", "Stored"]

# Enough for a class's worth of conversations; a response holds its whole context.
MAX_STORED = 512


@dataclass(frozen=True)
class Stored:
    """A response as created, with the items it was given and those before them."""

    body: dict[str, Any]
    before: list[dict[str, Any]]  # from its own previous_response_id, oldest first
    inputs: list[dict[str, Any]]

    @property
    def context(self) -> list[dict[str, Any]]:
        """What a response that continues this one reads before its own input: every
        earlier input and output, never the instructions (OpenAI does not carry them)."""
        return [*self.before, *self.inputs, *self.body["output"]]


class ResponseStore:
    def __init__(self, limit: int = MAX_STORED) -> None:
        self.limit = limit
        self._kept: OrderedDict[str, Stored] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, stored: Stored) -> None:
        with self._lock:
            self._kept[stored.body["id"]] = stored
            while len(self._kept) > self.limit:
                self._kept.popitem(last=False)

    def get(self, response_id: str) -> Stored:
        with self._lock:
            found = self._kept.get(response_id)
        if found is None:
            raise SandboxAPIError(
                404,
                f"Response with id '{response_id}' not found.",
                param="response_id",
                code="not_found",
            )
        return found

    def previous(self, response_id: str) -> Stored:
        """The response a request continues: unknown, it is a 400 naming the parameter."""
        try:
            return self.get(response_id)
        except SandboxAPIError:
            raise SandboxAPIError(
                400,
                f"Previous response with id '{response_id}' not found.",
                param="previous_response_id",
                code="previous_response_not_found",
            ) from None

    def delete(self, response_id: str) -> None:
        self.get(response_id)
        with self._lock:
            self._kept.pop(response_id, None)

    def __len__(self) -> int:
        return len(self._kept)
