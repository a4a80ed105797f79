"""compare(): lanes streamed side by side, headless (a loopback provider, the sandbox's
profiles and a recording comm stand in for the providers and the page)."""

from __future__ import annotations

import asyncio
import json
import time

import openai
import pytest
from support.frontend import frontend_sends
from support.loopback import LoopbackServer
from support.waiting import until

from llmwidgets.comparing import lanes_for, word_diff
from llmwidgets.usage import UsageLog
from llmwidgets.widgets.compare import Compare, compare

DEAD_URL = "http://127.0.0.1:9/v1"  # the discard port: nothing listens, the connection is refused


def client_of(server: LoopbackServer, api_key: str = "test") -> openai.OpenAI:
    return openai.OpenAI(base_url=server.origin + "/v1", api_key=api_key, max_retries=0)


@pytest.fixture
def second() -> LoopbackServer:
    server = LoopbackServer(stream_pieces=["po", "ng", " again"]).start()
    yield server
    server.stop()


# -- the word diff ---------------------------------------------------------------------


def test_a_word_diff_reads_as_words_kept_removed_and_added():
    runs, share = word_diff("The sky is blue today.", "The sky is grey today!")
    assert runs == [
        ("same", "The sky is"),
        ("del", " blue"),
        ("add", " grey"),
        ("same", " today"),
        ("del", "."),
        ("add", "!"),
    ]
    assert share == pytest.approx(2 * 4 / 12)  # 4 of 6 words kept, on each side
    runs, _ = word_diff("a b c", "a x y c")
    assert "".join(t for op, t in runs if op != "add") == "a b c"
    assert "".join(t for op, t in runs if op != "del") == "a x y c"
    assert word_diff("same words", "same words") == ([("same", "same words")], 1.0)
    assert word_diff("", "") == ([], 1.0) and word_diff("one two", "three four")[1] == 0


def test_a_long_answer_is_diffed_on_its_beginning_and_quickly():
    import time

    words = [f"w{i}" for i in range(50_000)]
    changed = list(words)
    for i in (7, 700, 1500):
        changed[i] = "seven"
    changed[30_000] = "late"  # past the words compared
    started = time.perf_counter()
    runs, share = word_diff(" ".join(words), " ".join(changed))
    assert time.perf_counter() - started < 5  # minutes, if every word were compared
    assert [t for op, t in runs if op == "add"] == [" seven"] * 3
    assert [t for op, t in runs if op == "del"] == [" w7", " w700", " w1500"]
    assert "late" not in "".join(t for _, t in runs)
    assert 0.99 < share < 1


# -- who each lane is and what it sends ------------------------------------------------


def test_a_shared_parameter_a_provider_rejects_stays_home_and_its_own_goes(sandbox_url):
    groq_shared, groq_own, anthropic = lanes_for(
        ["groq", {"target": "groq", "logprobs": True}, "anthropic"],
        {"n": 2, "seed": 7},
        rehearse=True,
    )
    assert groq_shared.label == "Groq (rehearsed)" and groq_shared.error == ""
    assert groq_shared.params == {"seed": 7}
    assert any("`n` left out" in note for note in groq_shared.notes)
    assert groq_own.params == {"seed": 7, "logprobs": True}  # the student asked: it goes
    assert any("rejects `logprobs`" in note for note in groq_own.notes)
    assert anthropic.params == {"seed": 7}  # Anthropic's layer takes n=1 only
    assert any("ignores `seed`" in note for note in anthropic.notes)
    assert any("`n` left out" in note for note in anthropic.notes)


def test_a_lane_that_cannot_connect_says_why_and_the_rest_are_ready(no_keys, loopback):
    groq, url, own = lanes_for(
        ["groq:llama-3.1-8b-instant", loopback.origin + "/v1", {"temperature": 1.5}],
        {},
        rehearse=False,
    )
    assert groq.client is None and groq.label == "Groq" and groq.model == "llama-3.1-8b-instant"
    assert "GROQ_API_KEY" in groq.error and "\n" not in groq.error
    assert url.client is not None and url.label == loopback.origin.removeprefix("http://")
    assert own.provider == "sandbox" and own.own == {"temperature": 1.5}
    with pytest.raises(TypeError, match="compare\\(\\) takes"):
        lanes_for([42], {})


# -- the grid ------------------------------------------------------------------------


def test_every_lane_streams_its_own_request_and_a_failing_one_is_one_line(
    loopback, second, canary_key
):
    meter = UsageLog()
    dead = openai.OpenAI(base_url=DEAD_URL, api_key=canary_key, max_retries=0)
    grid = compare(
        "Say pong.",
        {"target": client_of(loopback), "temperature": 0.2},
        {"target": client_of(second), "label": "second", "model": "loopback-small"},
        {"target": dead, "model": "any"},
        seed=7,
        meter=meter,
    )
    assert grid.status == "done"
    first, other, broken = grid.lanes
    assert (first["status"], first["text"], other["text"]) == ("done", "pong", "pong again")
    assert first["label"] == loopback.origin.removeprefix("http://")  # a bare client: its host
    assert first["model"] == "loopback-large"  # the first model the server lists
    assert other["label"] == "second" and other["model"] == "loopback-small"
    (sent_first,) = [r.body for r in loopback.requests if r.path.endswith("/completions")]
    (sent_other,) = [r.body for r in second.requests if r.path.endswith("/completions")]
    assert sent_first["seed"] == sent_other["seed"] == 7
    assert sent_first["temperature"] == 0.2 and "temperature" not in sent_other
    assert sent_first["messages"] == [{"role": "user", "content": "Say pong."}]
    assert broken["status"] == "error" and "Connection" in broken["error"]
    assert "\n" not in broken["error"] and canary_key not in broken["error"]
    assert first["ttft_s"] is not None and first["usage"]["completion_tokens"] == 2
    assert first["cost"] == "free (local)" and first["finish_reason"] == "stop"
    assert [r.outcome for r in meter.records].count("ok") == 2 and len(meter.records) == 3
    replies = grid.replies
    assert replies[0].text == "pong" and replies[2].status == "error"
    state = json.dumps(grid.get_state(), default=str)
    bundle = grid._repr_mimebundle_()[0]
    for shown in (state, bundle["text/html"], bundle["text/plain"]):
        assert canary_key not in shown
    assert "pong again" in bundle["text/plain"] and "second" in bundle["text/html"]


def test_the_diff_compares_two_answers_and_the_page_picks_which(loopback, second):
    grid = compare(
        "Say pong.", client_of(loopback), client_of(second), client_of(loopback), meter=None
    )
    assert grid.diff["a"] == 0 and grid.diff["b"] == 1
    assert grid.diff["runs"] == [["same", "pong"], ["add", " again"]]
    assert 0 < grid.diff["similarity"] < 1
    grid.set_state({"diff_pair": [0, 2]})  # the page's two selects
    assert grid.diff["runs"] == [["same", "pong"]] and grid.diff["similarity"] == 1.0


def test_lanes_stream_at_once_and_escape_stops_them_all_keeping_their_text(loopback, comm_log):
    loopback.stream_pieces = [f"w{i} " for i in range(20000)]
    meter = UsageLog()

    async def scenario() -> Compare:
        grid = compare(
            "Tell me everything.",
            client_of(loopback),
            {"target": client_of(loopback)},
            meter=meter,
        )
        # both lanes streaming together
        await until(lambda: all(d["text"] for d in grid.lanes), "text in every lane")
        frontend_sends(grid, {"type": "stop"})  # Escape, or "Stop all"
        await grid
        return grid

    grid = asyncio.run(scenario())
    whole = "".join(loopback.stream_pieces)
    assert [d["status"] for d in grid.lanes] == ["stopped", "stopped"]
    assert all(0 < len(d["text"]) < len(whole) for d in grid.lanes)
    assert [r.outcome for r in meter.records] == ["stopped", "stopped"]
    assert all(r.estimated for r in meter.records)


def test_stop_one_lane_and_the_other_finishes(loopback, second):
    loopback.stream_pieces = [f"w{i} " for i in range(20000)]

    async def scenario() -> Compare:
        grid = compare("Go.", client_of(loopback), client_of(second), meter=None)
        await until(lambda: grid.lanes[0]["text"], "text in the first lane")
        frontend_sends(grid, {"type": "stop", "lane": 0})
        await grid
        return grid

    grid = asyncio.run(scenario())
    assert [d["status"] for d in grid.lanes] == ["stopped", "done"]
    assert grid.lanes[1]["text"] == "pong again"


def test_redraws_of_the_whole_grid_are_batched(loopback, comm_log):
    loopback.stream_pieces = [f"w{i} " for i in range(5000)]
    started = time.perf_counter()
    grid = compare("Go.", client_of(loopback), client_of(loopback), client_of(loopback), meter=None)
    elapsed = time.perf_counter() - started
    assert all(len(d["text"]) == len("".join(loopback.stream_pieces)) for d in grid.lanes)
    lane_updates = [
        m for m in comm_log if m["data"].get("method") == "update" and "lanes" in m["data"]["state"]
    ]
    assert len(lane_updates) <= grid.redraws + 1  # one per redraw (and the first draw)
    # 15,000 chunks, and never more redraws than the rate allows, however busy the machine
    assert grid.redraws <= elapsed * Compare.MAX_REDRAWS_PER_SECOND + 2


# -- on the sandbox, as each provider ---------------------------------------------------


def test_rehearsed_providers_side_by_side_with_the_same_seed(sandbox_url):
    grid = compare(
        "Name a colour.",
        "sandbox",
        "groq",
        "anthropic",
        rehearse=True,
        seed=7,
        temperature=0.8,
        n=2,
        max_tokens=12,
        meter=None,
    )
    sandbox, groq, anthropic = grid.lanes
    assert [d["status"] for d in grid.lanes] == ["done"] * 3
    assert groq["model"] == "llama-3.1-8b-instant" and groq["label"] == "Groq (rehearsed)"
    # One model behind all three, and the same seed: the same words where seed is honoured.
    assert sandbox["text"] == groq["text"]
    assert any("ignores `seed`" in n for n in anthropic["notes"])
    assert any("`n` left out" in n for n in groq["notes"])
    assert len(grid.replies[0].completion.choices) == 2  # n=2 where it is honoured
    assert "Groq (rehearsed)" in grid._repr_mimebundle_()[0]["text/plain"]


def test_a_key_among_the_parameters_is_refused_and_never_shown(loopback, canary_key):
    for shared, lane in (({"api_key": canary_key}, {}), ({}, {"base_url": canary_key})):
        with pytest.raises(TypeError, match="belongs to the client") as refused:
            compare("Hi", {"target": client_of(loopback), **lane}, meter=None, **shared)
        assert canary_key not in str(refused.value)
    url = loopback.origin.replace("http://", f"http://student:{canary_key}@") + "/v1"
    grid = compare("Hi", openai.OpenAI(base_url=url, api_key="t", max_retries=0), meter=None)
    assert grid.lanes[0]["label"] == loopback.origin.removeprefix("http://")
    assert canary_key not in json.dumps(grid.get_state(), default=str)


def test_a_stop_naming_no_lane_stops_nothing(loopback):
    loopback.stream_pieces = [f"w{i} " for i in range(5000)]  # a second or more, streamed

    async def scenario() -> Compare:
        grid = compare("Go.", client_of(loopback), client_of(loopback), meter=None)
        await until(lambda: all(d["text"] for d in grid.lanes), "text in every lane")
        for stale in (7, -1, True, "0", None):
            frontend_sends(grid, {"type": "stop", "lane": stale})
        await asyncio.sleep(0.05)
        assert [d["status"] for d in grid.lanes] == ["streaming", "streaming"]
        frontend_sends(grid, {"type": "stop", "lane": 1})
        await grid
        return grid

    grid = asyncio.run(scenario())
    assert [d["status"] for d in grid.lanes] == ["done", "stopped"]


def test_a_line_break_is_no_change_and_the_saved_view_holds_the_diff(loopback, second):
    assert word_diff("Red\n\nBlue", "Red Blue") == ([("same", "Red Blue")], 1.0)
    grid = compare("Say pong.", client_of(loopback), client_of(second), meter=None)
    html, text = (grid._repr_mimebundle_()[0][kind] for kind in ("text/html", "text/plain"))
    assert "<ins> again</ins>" in html and "{+ again+}" in text
    assert "Word diff:" in text and "of words shared" in text


def test_several_choices_say_which_one_is_shown_and_a_rehearsal_is_free(sandbox_url):
    grid = compare(
        "Name a colour.", "groq", "sandbox", rehearse=True, n=2, max_tokens=8, meter=None
    )
    groq, sandbox = grid.lanes
    assert groq["cost"].startswith("free (rehearsed; Groq: $")  # what Groq would charge
    assert sandbox["cost"] == "free (local)"
    assert sandbox["choices"] == 2 and groq["choices"] == 1  # n left out on Groq
    assert "choice 1 of 2 shown" in grid._repr_mimebundle_()[0]["text/plain"]


def test_the_saved_view_is_written_after_a_notebooks_last_cell(loopback, run_notebook):
    """No cell comes after the last one to write what changed in it: the saved view is
    written once the cell has run (`post_run_cell`), so the saved notebook shows the end."""
    import nbformat

    sources = [
        f"import openai, llmwidgets\n"
        f"client = openai.OpenAI(base_url='{loopback.origin}/v1', api_key='test')",
        "grid = llmwidgets.compare('Go.', client, client, meter=None)\ndisplay(grid)\n"
        "replies = await grid",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    run_notebook(notebook)
    (shown,) = [o for o in notebook.cells[-1].outputs if "text/plain" in o.get("data", {})]
    assert shown["data"]["text/plain"].count("(done · first token") == 2, shown["data"]
