"""An answer's figures are written once, in Python (llmwidgets/widgets/figures.py), and
the page shows them as they are: the live view and the saved view of a widget print the
same line, and every widget writes a time the same way."""

from __future__ import annotations

import openai
import pytest
from support.frontend import frontend_sends
from support.loopback import LoopbackServer

from llmwidgets.widgets.cell import StreamCell
from llmwidgets.widgets.chat import Chat
from llmwidgets.widgets.compare import compare
from llmwidgets.widgets.figures import duration, figures_line
from llmwidgets.widgets.playground import Playground


def client_of(server: LoopbackServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.origin + "/v1", api_key="test", max_retries=0)


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(None, ""), (0.0004, "0 ms"), (0.412, "412 ms"), (0.9994, "999 ms"), (1.0, "1.00 s"),
     (1.234, "1.23 s"), (75.5, "75.50 s")],
)  # fmt: skip
def test_a_time_reads_in_milliseconds_under_a_second_and_in_seconds_from_one(seconds, said):
    assert duration(seconds) == said


def test_the_figures_line_leaves_out_what_is_missing_and_a_normal_ending():
    usage = {"prompt_tokens": 25, "completion_tokens": 40, "total_tokens": 65}
    line = figures_line("done", 1.234, 61.23, usage, cost="free (local)", finish_reason="stop")
    assert line == "done · first token 1.23 s · 61.2 tokens/s · 25 + 40 tokens · free (local)"
    cut = figures_line("", None, None, {**usage, "estimated": True}, finish_reason="length")
    assert cut == "~25 + ~40 tokens · finish_reason length"
    assert figures_line("", None, None, None) == ""


def test_each_widget_syncs_the_line_its_page_shows(loopback, comm_log):
    """The stream cell, the chat, compare and the Playground: the page gets the line."""
    cell = StreamCell().start(client_of(loopback), [{"role": "user", "content": "Hi"}],
                              model="loopback-small", meter=None, wait=True)  # fmt: skip
    assert cell.figures.startswith("first token ") and cell.figures.endswith("3 + 2 tokens")
    chat = Chat(client_of(loopback), model="loopback-small", meter=None)
    frontend_sends(chat, {"type": "send", "text": "Hi"})
    answer = chat.turns[-1]
    assert answer["figures"].startswith("first token ") and "3 + 2 tokens" in answer["figures"]
    assert "figures" not in chat.turns[-2]  # a question has no numbers
    synced = [m["data"]["state"] for m in comm_log if m["data"].get("method") == "update"]
    assert any("figures" in s.get("live", {}) for s in synced)  # while it streamed, too


def test_the_saved_view_prints_the_figures_the_live_view_shows(loopback, comm_log):
    grid = compare("Go.", client_of(loopback), client_of(loopback), meter=None)
    saved = grid._repr_mimebundle_()[0]["text/plain"]
    for lane in grid.lanes:  # the synced state: what each card's foot shows
        assert lane["figures"] and f"({lane['status']} · {lane['figures']})" in saved
    pg = Playground(client_of(loopback), model="loopback-small", prompt="Sky?", meter=None)
    frontend_sends(pg, {"type": "run"})
    figures = pg.answer["figures"]
    assert figures.startswith("loopback-small · first token ") and "free (local)" in figures
    assert f"done · {figures}" in pg._repr_mimebundle_()[0]["text/plain"]
