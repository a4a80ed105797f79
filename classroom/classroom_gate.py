"""LiteLLM's proxy, gated by the class list: a key, a budget and a rate limit per student,
with no database. Loaded by the proxy from its config (see `proxy_config.py`):

    general_settings: {custom_auth: classroom_gate.check_key, master_key: ...}
    litellm_settings: {callbacks: classroom_gate.ledger}

LiteLLM's own virtual keys keep keys, budgets and spend in Postgres through Prisma, whose
engines download at run time; its documented extension points do the same job offline:

- `check_key` (custom auth) finds the key in the roster (`roster.py`, re-read when the
  teacher changes it), refuses a revoked or unknown key (401), a route a student has no
  business on (403: key management, spend logs, health, which lists the backend), and a
  student whose spend has reached the budget (LiteLLM's own `BudgetExceededError`: 422,
  type `budget_exceeded`). LiteLLM checks a key's budget only on its database path, so the
  gate does it. It hands LiteLLM the student's `rpm_limit`, which LiteLLM's rate limiter
  enforces in memory (429 with `retry-after`).
- `ledger` (a success and failure callback) appends one line per request to the ledger:
  who, which model, tokens, what LiteLLM priced it at, or the error. Spend is summed from
  it, so a restarted proxy remembers what was spent.

The master key is the teacher's: every route. No key is written anywhere: the ledger
holds names and SHA-256 hashes (what LiteLLM itself calls a key in its logs).
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import litellm
from fastapi import Request
from litellm.integrations.custom_logger import CustomLogger
from litellm.proxy._types import LitellmUserRoles, ProxyException, UserAPIKeyAuth
from roster import Roster, Student, key_hash

__all__ = ["check_key", "ledger"]

STUDENT_ROUTES = frozenset(
    prefix + route
    for prefix in ("", "/v1")
    for route in ("/chat/completions", "/embeddings", "/models")
)


class _Spend:
    """Dollars spent per key hash, summed from the ledger file. Read on from where the last
    reading stopped, so any copy of this module (LiteLLM may load one per reference) and a
    restarted proxy agree."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self._totals: dict[str, float] = {}
        self._lock = threading.Lock()

    def of(self, hashed: str) -> float:
        with self._lock:
            if self.path.exists():
                with self.path.open("rb") as lines:
                    lines.seek(self._offset)
                    for line in lines:
                        if not line.endswith(b"\n"):
                            break  # being written: read it next time
                        self._offset += len(line)
                        entry = json.loads(line)
                        owner = entry.get("key_hash") or ""
                        self._totals[owner] = self._totals.get(owner, 0.0) + entry["cost_usd"]
            return self._totals.get(hashed, 0.0)


class _Gate:
    def __init__(self) -> None:
        self.roster = Roster(os.environ["CLASSROOM_ROSTER"])
        self.ledger = Path(os.environ["CLASSROOM_LEDGER"])
        self.spend = _Spend(self.ledger)
        self._seen: tuple[float, dict[str, tuple[str, Student]]] = (-1.0, {})
        self._lock = threading.Lock()

    def student_for(self, key: str) -> tuple[str, Student] | None:
        """(name, entry) for a key, from the roster as it is on disk now."""
        try:
            changed = self.roster.path.stat().st_mtime
        except FileNotFoundError:
            return None
        with self._lock:
            if changed != self._seen[0]:
                by_key = {s.key: (name, s) for name, s in self.roster.students().items()}
                self._seen = (changed, by_key)
            return self._seen[1].get(key)

    def write(self, entry: dict[str, Any]) -> None:
        line = json.dumps({"time": time.time(), **entry}) + "\n"
        with self._lock, self.ledger.open("a", encoding="utf-8") as out:
            out.write(line)


_gate: _Gate | None = None


def _the_gate() -> _Gate:
    global _gate
    if _gate is None:
        _gate = _Gate()
    return _gate


async def check_key(request: Request, api_key: str) -> UserAPIKeyAuth:
    """LiteLLM's custom auth: who is calling, and may they."""
    gate = _the_gate()
    if api_key and api_key == os.environ.get("LITELLM_MASTER_KEY"):
        return UserAPIKeyAuth(api_key=api_key, user_role=LitellmUserRoles.PROXY_ADMIN)
    found = gate.student_for(api_key)
    if found is None or found[1].revoked:
        raise ProxyException(
            message="This key is not (or no longer) on the class list: ask your teacher.",
            type="auth_error",
            param="api_key",
            code=401,
        )
    name, student = found
    hashed = key_hash(api_key)
    if request.url.path not in STUDENT_ROUTES:
        raise ProxyException(
            message=f"A student key may call only {', '.join(sorted(STUDENT_ROUTES))}.",
            type="permission_error",
            param=None,
            code=403,
        )
    spent = gate.spend.of(hashed)
    if student.budget_usd is not None and spent >= student.budget_usd:
        gate.write(
            {"student": name, "key_hash": hashed, "model": None, "ok": False, "cost_usd": 0.0,
             "tokens": 0, "error": "budget_exceeded", "status": 422}
        )  # fmt: skip
        raise litellm.BudgetExceededError(
            current_cost=spent,
            max_budget=student.budget_usd,
            message=(
                f"Budget has been exceeded! {name} has spent ${spent:.6f} "
                f"of a ${student.budget_usd:.6f} budget."
            ),
        )
    return UserAPIKeyAuth(
        api_key=api_key,
        user_id=name,
        key_alias=name,
        spend=spent,
        max_budget=student.budget_usd,
        rpm_limit=student.rpm,
    )


class _Ledger(CustomLogger):
    """One ledger line per request LiteLLM answered or failed (its rate limiter's 429s too)."""

    async def async_log_success_event(self, kwargs, response_obj, start_time, end_time):  # type: ignore[no-untyped-def]
        self._write(kwargs, ok=True)

    async def async_log_failure_event(self, kwargs, response_obj, start_time, end_time):  # type: ignore[no-untyped-def]
        self._write(kwargs, ok=False)

    def _write(self, kwargs: dict[str, Any], *, ok: bool) -> None:
        logged = kwargs.get("standard_logging_object") or {}
        metadata = logged.get("metadata") or {}
        name = metadata.get("user_api_key_user_id")
        if not name:  # the teacher's master key: not a student's spend
            return
        error = logged.get("error_information") or {}
        _the_gate().write(
            {
                "student": name,
                "key_hash": metadata.get("user_api_key_hash"),
                "model": logged.get("model_group"),
                "ok": ok,
                "cost_usd": float(logged.get("response_cost") or 0.0),
                "tokens": int(logged.get("total_tokens") or 0),
                "error": None if ok else (error.get("error_class") or "error"),
                "status": None if ok else _status(error.get("error_code")),
            }
        )


def _status(code: Any) -> int | None:
    try:
        return int(code)
    except (TypeError, ValueError):
        return None


ledger = _Ledger()
