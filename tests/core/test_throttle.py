"""`Throttle`: the widgets' redraws, at most so many a second, the last state always drawn."""

from __future__ import annotations

import asyncio
import time

from llmwidgets.throttle import Throttle


def test_at_most_n_calls_a_second_and_the_last_state_drawn() -> None:
    state = {"value": 0}
    drawn: list[int] = []
    throttle = Throttle(lambda: drawn.append(state["value"]), per_second=20)

    async def change_fast() -> float:
        started = time.perf_counter()
        while time.perf_counter() - started < 0.5:
            state["value"] += 1
            throttle.soon()
            await asyncio.sleep(0.001)
        elapsed = time.perf_counter() - started
        await asyncio.sleep(0.1)  # longer than one interval: the last change is drawn
        return elapsed

    elapsed = asyncio.run(change_fast())
    assert state["value"] > 50, "the loop changed the state often"
    assert 2 <= len(drawn) <= elapsed * 20 + 2
    assert drawn[-1] == state["value"]
    assert drawn == sorted(drawn)


def test_now_draws_at_once_and_drops_the_later_call() -> None:
    drawn: list[str] = []
    throttle = Throttle(lambda: drawn.append("drawn"), per_second=10)

    async def end_early() -> None:
        throttle.soon()  # due: drawn at once
        throttle.soon()  # too soon: waits for later
        throttle.now()  # the end: drawn now, the later one dropped
        await asyncio.sleep(0.2)

    asyncio.run(end_early())
    assert drawn == ["drawn", "drawn"]


def test_with_no_loop_a_due_change_is_drawn_at_once() -> None:
    drawn: list[str] = []
    throttle = Throttle(lambda: drawn.append("drawn"), per_second=10)
    throttle.soon()  # no running loop (a script): nothing to wait on, and no error
    assert drawn == ["drawn"]
    throttle.soon()  # too soon, and no loop to draw it later: the next due soon() or now()
    assert drawn == ["drawn"]
    time.sleep(0.11)
    throttle.soon()
    assert drawn == ["drawn", "drawn"]


class _Clock:
    """time.perf_counter as the test says: work takes what the test makes it take."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_pacer_runs_at_most_so_many_a_second(monkeypatch) -> None:
    from llmwidgets import throttle

    clock = _Clock()
    monkeypatch.setattr(throttle.time, "perf_counter", clock)
    pacer = throttle.Pacer(per_second=10)
    ran = [pacer.run(lambda: None)]
    for _ in range(1000):  # a redraw every millisecond, for a second
        clock.now += 0.001
        ran.append(pacer.run(lambda: None))
    assert ran[0] and 1 + 9 <= sum(ran) <= 1 + 10


def test_a_pacer_spaces_costly_work_to_a_tenth_of_the_time(monkeypatch) -> None:
    """A check that takes 0.05 s (a long answer, read whole) runs at most every 0.5 s."""
    from llmwidgets import throttle

    clock = _Clock()
    monkeypatch.setattr(throttle.time, "perf_counter", clock)

    def costly() -> None:
        clock.now += 0.05

    pacer = throttle.Pacer(per_second=10)
    runs = 0
    began = clock.now
    while clock.now - began < 5:
        runs += pacer.run(costly)
        clock.now += 0.01
    busy = runs * 0.05
    assert 8 <= runs <= 11 and busy <= 0.1 * (clock.now - began) + 0.05
