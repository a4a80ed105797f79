"""The class list the proxy's gate reads: each student's key, budget and rate limit, and the
spend ledger the gate writes. The teacher's side: issue, revoke and top up keys, and read
spend, requests and errors per student.

    roster = Roster("classroom/state/roster.json")
    key = roster.issue("alice", budget_usd=0.50, rpm=20)   # a new key for alice
    roster.top_up("alice", 0.25)                            # her budget, raised
    roster.revoke("bob")                                    # his key stops working at once
    usage(roster, "classroom/state/ledger.jsonl")           # a DataFrame, one row a student

The roster is one JSON file, written whole and renamed into place, so the gate (another
process) never reads half a file; the gate reads it again whenever it changes. The ledger
is JSON lines, appended by the gate: one line per answered or refused request, with the
student's name and the SHA-256 of the key, never the key. Standard library only, but for
`usage` (pandas), so the gate can import this in LiteLLM's process.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Roster", "Student", "key_hash", "read_ledger", "refusals", "usage"]

KEY_PREFIX = "sk-class-"


def key_hash(key: str) -> str:
    """What the ledger and LiteLLM's logs call a key: its SHA-256, as LiteLLM hashes it."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass
class Student:
    key: str
    budget_usd: float | None = None  # None: no limit
    rpm: int | None = None  # requests per minute; None: no limit
    revoked: bool = False


class Roster:
    """The class list in a JSON file: {"students": {name: {key, budget_usd, rpm, revoked}}}."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def students(self) -> dict[str, Student]:
        if not self.path.exists():
            return {}
        data = json.loads(self.path.read_text(encoding="utf-8"))
        return {name: Student(**entry) for name, entry in data.get("students", {}).items()}

    def issue(self, name: str, *, budget_usd: float | None = None, rpm: int | None = None) -> str:
        """A new key for `name` (an existing one is replaced: the old key stops working).
        Returns the key, to hand to the student's server; it is shown nowhere else."""
        students = self.students()
        old = students.get(name)
        key = KEY_PREFIX + secrets.token_urlsafe(24)
        students[name] = Student(
            key,
            budget_usd if budget_usd is not None else (old.budget_usd if old else None),
            rpm if rpm is not None else (old.rpm if old else None),
        )
        self._write(students)
        return key

    def revoke(self, name: str) -> None:
        """`name`'s key is refused from the gate's next request on."""
        self._change(name, revoked=True)

    def top_up(self, name: str, usd: float) -> float:
        """Raise `name`'s budget by `usd`; returns the new budget."""
        student = self.students()[name]
        budget = round((student.budget_usd or 0.0) + usd, 6)
        self._change(name, budget_usd=budget)
        return budget

    def key_of(self, name: str) -> str:
        return self.students()[name].key

    def _change(self, name: str, **fields: Any) -> None:
        students = self.students()
        if name not in students:
            raise KeyError(f"no student named {name!r} in {self.path}")
        for field, value in fields.items():
            setattr(students[name], field, value)
        self._write(students)

    def _write(self, students: dict[str, Student]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"students": {name: asdict(s) for name, s in sorted(students.items())}}
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2)
        os.chmod(temporary, 0o600)  # keys: the teacher's, and the gate's, eyes only
        os.replace(temporary, self.path)


def read_ledger(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every line the gate wrote, oldest first."""
    ledger = Path(path)
    if not ledger.exists():
        return []
    lines = ledger.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def usage(roster: Roster, ledger: str | os.PathLike[str]) -> pd.DataFrame:
    """One row per student: requests, errors, tokens, spend and budget left (US dollars)."""
    import pandas as pd

    rows = read_ledger(ledger)
    frame = pd.DataFrame(rows, columns=["student", "ok", "cost_usd", "tokens", "error"])
    per = frame.groupby("student").agg(
        requests=("ok", "size"),
        errors=("ok", lambda ok: int((~ok.astype(bool)).sum())),
        tokens=("tokens", "sum"),
        spend_usd=("cost_usd", "sum"),
    )
    students = roster.students()
    table = per.reindex(sorted(set(students) | set(per.index)), fill_value=0)
    table["budget_usd"] = [students[n].budget_usd if n in students else None for n in table.index]
    table["left_usd"] = table["budget_usd"] - table["spend_usd"]
    table["revoked"] = [students[n].revoked if n in students else None for n in table.index]
    table.index.name = "student"
    return table


def refusals(ledger: str | os.PathLike[str]) -> pd.DataFrame:
    """Refused and failed requests per student (rows) and kind (columns)."""
    import pandas as pd

    rows = [entry for entry in read_ledger(ledger) if not entry["ok"]]
    frame = pd.DataFrame(rows, columns=["student", "error"])
    return frame.groupby(["student", "error"]).size().unstack(fill_value=0)
