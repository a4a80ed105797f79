"""The teacher's desk: the class's spend per student, and buttons that change the class list.

    desk = Desk(Roster("build/classroom/roster.json"), "build/classroom/ledger.jsonl")
    desk                     # in a notebook: the table, and add / top up / revoke / new key

Nothing changes on "Run all": only a click (or a call: `desk.top_up("alice", 0.05)`)
touches the class list, and the proxy's gate reads it again at once. A new key is never
shown: the student's server gets it when it next starts (the hub's spawner).
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import ipywidgets as widgets
from roster import Roster, usage

__all__ = ["Desk"]


class Desk(widgets.VBox):
    """A table of spend per student over a row of actions on one student."""

    def __init__(self, roster: Roster, ledger: str | os.PathLike[str]) -> None:
        self.roster = roster
        self.ledger = Path(ledger)
        self.table = widgets.HTML()
        self.student = widgets.Dropdown(description="student")
        self.amount = widgets.BoundedFloatText(
            value=0.05, min=0.0, max=100.0, step=0.05, description="top up $"
        )
        self.newcomer = widgets.Text(placeholder="a new student's name")
        self.said = widgets.HTML()
        buttons = []
        for label, action in (
            ("Top up", lambda _: self.top_up(self.student.value, self.amount.value)),
            ("New key", lambda _: self.new_key(self.student.value)),
            ("Revoke", lambda _: self.revoke(self.student.value)),
        ):
            button = widgets.Button(description=label)
            button.on_click(action)
            buttons.append(button)
        add = widgets.Button(description="Add", tooltip="Add a student with the top-up budget")
        add.on_click(lambda _: self.add(self.newcomer.value, self.amount.value))
        super().__init__(
            [
                self.table,
                widgets.HBox([self.student, self.amount, *buttons]),
                widgets.HBox([self.newcomer, add]),
                self.said,
            ]
        )
        self.refresh()

    # -- actions (each also callable from code) ----------------------------------------

    def top_up(self, name: str, usd: float) -> None:
        budget = self.roster.top_up(name, usd)
        self._tell(f"{name}'s budget is now ${budget:.2f}.")

    def new_key(self, name: str) -> None:
        self.roster.issue(name)
        self._tell(f"{name} has a new key; the old one no longer works. "
                   "It reaches their server when it next starts.")  # fmt: skip

    def revoke(self, name: str) -> None:
        self.roster.revoke(name)
        self._tell(f"{name}'s key no longer works, and they can no longer log in.")

    def add(self, name: str, budget_usd: float) -> None:
        name = name.strip().lower()
        if not name.isidentifier():
            self._tell("A name is one word of letters, digits or _.")
            return
        self.roster.issue(name, budget_usd=budget_usd, rpm=30)
        self._tell(f"{name} is on the class list with ${budget_usd:.2f}: they can log in now.")

    # -- drawing ---------------------------------------------------------------------

    def refresh(self) -> None:
        frame = usage(self.roster, self.ledger)
        self.table.value = frame.to_html(float_format=lambda v: f"{v:.6f}", na_rep="")
        names = list(frame.index)
        self.student.options = names
        if names and self.student.value not in names:
            self.student.value = names[0]

    def _tell(self, message: str) -> None:
        self.said.value = f"<i>{html.escape(message)}</i>"
        self.refresh()
