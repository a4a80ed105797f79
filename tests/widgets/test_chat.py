"""The chat widget, headless: a loopback provider and a recording comm stand in for the page."""

from __future__ import annotations

import asyncio
import json
import time

import openai
import pytest
from support.frontend import frontend_sends
from support.loopback import LoopbackServer
from support.waiting import until

from llmwidgets import environment
from llmwidgets.client import connect
from llmwidgets.usage import UsageLog
from llmwidgets.widgets.chat import Chat


def client_of(server: LoopbackServer, api_key: str = "test") -> openai.OpenAI:
    return openai.OpenAI(base_url=server.origin + "/v1", api_key=api_key, max_retries=0)


def sent_messages(server: LoopbackServer) -> list[dict]:
    return [r.body["messages"] for r in server.requests if r.path.endswith("/chat/completions")]


def test_a_question_streams_in_and_joins_the_history_with_its_numbers(loopback, comm_log):
    meter = UsageLog()
    chat = Chat(client_of(loopback), model="loopback-small", system="Be brief.", meter=meter)
    frontend_sends(chat, {"type": "send", "text": "Hi"})  # Enter, in the page
    assert chat.messages == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "pong"},
    ]
    assert sent_messages(loopback) == [chat.messages[:2]]
    answer = chat.turns[-1]
    assert answer["status"] == "done" and answer["completion_tokens"] == 2
    assert answer["ttft_s"] is not None and answer["cost"]
    assert chat.status == "idle" and chat.live == {} and chat.error == ""
    assert chat.context["used"] > 0 and chat.context["window"] == 8192
    assert chat.context["last_prompt_tokens"] == answer["prompt_tokens"]
    (row,) = meter.records
    assert row.completion_tokens == 2 and row.outcome == "ok"
    updates = [m["data"]["state"] for m in comm_log if m["data"].get("method") == "update"]
    assert any(u.get("live", {}).get("text") == "pong" for u in updates)  # it was live


def test_a_rehearsal_is_free_and_says_what_the_provider_would_charge(loopback, monkeypatch):
    """As in compare() and the Playground: Groq's profile on the sandbox charges nothing."""
    monkeypatch.setenv(environment.SANDBOX_URL, loopback.origin + "/v1")  # the "sandbox"
    chat = Chat(connect("groq", rehearse=True), model="llama-3.1-8b-instant", meter=None)
    chat.send("Hi")
    assert chat.turns[-1]["cost"].startswith("free (rehearsed; Groq: $")


def test_the_next_question_carries_the_history(loopback):
    chat = Chat(client_of(loopback), model="loopback-small", system="", meter=None)
    chat.send("one")
    chat.send("two")
    assert sent_messages(loopback)[-1] == [
        {"role": "user", "content": "one"},
        {"role": "assistant", "content": "pong"},
        {"role": "user", "content": "two"},
    ]


def test_a_failed_call_shows_one_line_and_leaves_no_orphan_question(loopback):
    chat = Chat(client_of(loopback), model="loopback-small", meter=None)
    loopback.fail_next(401, "Incorrect API key provided")
    chat.send("Hi")
    assert chat.status == "error" and "401" in chat.error and "\n" not in chat.error
    assert chat.conversation.messages == [] and chat.live["question"] == "Hi"
    chat.send("Hi again")
    assert chat.status == "idle" and len(chat.conversation.messages) == 2


def test_a_dropped_stream_keeps_its_partial_answer_marked(loopback):
    loopback.stream_pieces = ["par", "tial", " answer"]
    loopback.drop_after = 2
    chat = Chat(client_of(loopback), model="loopback-small", meter=None)
    chat.send("Hi")
    assert chat.conversation.messages[-1] == {"role": "assistant", "content": "partial"}
    assert chat.turns[-1]["status"] == "error" and chat.turns[-1]["estimated"]
    assert chat.error


def test_stop_keeps_the_text_so_far_as_the_answer(loopback):
    loopback.stream_pieces = [f"w{i} " for i in range(20000)]
    meter = UsageLog()

    async def scenario() -> Chat:
        chat = Chat(
            openai.AsyncOpenAI(base_url=loopback.origin + "/v1", api_key="t"),
            model="loopback-small",
            meter=meter,
        )
        run = chat.send("Tell me everything")
        await until(lambda: chat.live.get("text"), "the answer's first text")
        frontend_sends(chat, {"type": "stop"})  # Escape, or the Stop button
        await run
        return chat

    chat = asyncio.run(scenario())
    answer = chat.conversation.messages[-1]["content"]
    assert answer and len(answer) < len("".join(loopback.stream_pieces))
    assert chat.turns[-1]["status"] == "stopped"
    assert meter.records[-1].outcome == "stopped"


def test_edit_delete_rerun_fork_and_restore_from_the_page(loopback):
    chat = Chat(client_of(loopback), model="loopback-small", system="", meter=None)
    for question in ("one", "two", "three"):
        chat.send(question)
    frontend_sends(chat, {"type": "edit", "index": 2, "content": "TWO"})
    assert chat.turns[2]["content"] == "TWO" and chat.turns[2]["edited"]
    frontend_sends(chat, {"type": "delete", "index": 1})  # the first answer: its turn goes
    assert [t["content"] for t in chat.turns] == ["TWO", "pong", "three", "pong"]
    frontend_sends(chat, {"type": "rerun", "index": 0})  # ask "TWO" again, from there
    assert sent_messages(loopback)[-1] == [{"role": "user", "content": "TWO"}]
    assert [t["content"] for t in chat.turns] == ["TWO", "pong"]
    chat.send("four")
    frontend_sends(chat, {"type": "fork", "index": 2})
    assert chat.branches == 1 and len(chat.turns) == 2
    frontend_sends(chat, {"type": "restore"})
    assert [t["content"] for t in chat.turns] == ["TWO", "pong", "four", "pong"]
    frontend_sends(chat, {"type": "rerun", "index": 1})  # not a question
    assert "not a question" in chat.error


def test_messages_load_and_export_as_the_api_list(loopback):
    history = [
        {"role": "system", "content": "You are a pirate."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Arr"},
    ]
    chat = Chat(client_of(loopback), model="loopback-small", messages=history, meter=None)
    assert chat.system == "You are a pirate." and chat.messages == history
    frontend_sends(chat, {"type": "load", "messages": [{"role": "user", "content": "x"}]})
    assert chat.system == "" and chat.messages == [{"role": "user", "content": "x"}]
    frontend_sends(chat, {"type": "load", "messages": [{"content": "no role"}]})
    assert "role" in chat.error
    chat.system = "Edited in the page."  # the system box syncs back
    assert chat.messages[0] == {"role": "system", "content": "Edited in the page."}


def test_a_question_over_the_window_is_refused_before_sending(loopback):
    chat = Chat(
        client_of(loopback), model="loopback-small", context_window=300, max_reply_tokens=100
    )
    chat.send("word " * 400)
    assert "prompt tokens" in chat.error and loopback.requests == []
    assert chat.conversation.messages == []


def test_redraws_are_batched(loopback, comm_log):
    loopback.stream_pieces = [f"t{i} " for i in range(3000)]
    chat = Chat(client_of(loopback), model="loopback-small", meter=None)
    started = time.perf_counter()
    run = chat.send("Hi")
    elapsed = time.perf_counter() - started
    assert chat.conversation.messages[-1]["content"] == "".join(loopback.stream_pieces)
    assert run is not None and run.progress_calls <= elapsed * Chat.MAX_REDRAWS_PER_SECOND + 2
    updates = [m for m in comm_log if m["data"].get("method") == "update"]
    assert len(updates) <= run.progress_calls + 5


def test_no_key_in_state_messages_or_reprs(loopback, comm_log, canary_key):
    chat = Chat(client_of(loopback, canary_key), model="loopback-small", meter=None)
    chat.send("Hi")
    loopback.fail_next(401, f"Incorrect API key provided: {canary_key}")
    chat.send("again")
    everything = json.dumps([m["data"] for m in comm_log], default=str)
    everything += repr(chat) + json.dumps(chat._repr_mimebundle_()[0], default=str)
    assert chat.error and canary_key not in everything


def test_the_saved_view_is_the_transcript(loopback):
    chat = Chat(client_of(loopback), model="loopback-small", system="Be <brief>.", meter=None)
    chat.send("Hi")
    data, _ = chat._repr_mimebundle_()
    assert data["text/plain"].splitlines() == ["system: Be <brief>.", "user: Hi", "assistant: pong"]
    assert "Be &lt;brief&gt;." in data["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in data


@pytest.mark.parametrize("bad", [{"type": "edit", "index": 9, "content": "x"}, {"type": "nope"}])
def test_a_bad_message_from_the_page_is_one_line_not_a_crash(loopback, bad):
    chat = Chat(client_of(loopback), model="loopback-small", meter=None)
    frontend_sends(chat, bad)
    assert chat.conversation.messages == []


def test_stop_twice_or_before_the_first_step_still_finishes(loopback):
    loopback.stream_pieces = [f"w{i} " for i in range(20000)]

    async def scenario() -> tuple[Chat, Chat]:
        fast = Chat(
            openai.AsyncOpenAI(base_url=loopback.origin + "/v1", api_key="t"),
            model="loopback-small",
            meter=None,
        )
        run = fast.send("go")
        fast.stop()  # before the task took its first step
        await run
        twice = Chat(
            openai.AsyncOpenAI(base_url=loopback.origin + "/v1", api_key="t"),
            model="loopback-small",
            meter=None,
        )
        run = twice.send("go")
        await until(lambda: twice.live.get("text"), "the answer's first text")
        frontend_sends(twice, {"type": "stop"})
        frontend_sends(twice, {"type": "stop"})  # Escape in the box, and again on the chat
        await run
        return fast, twice

    fast, twice = asyncio.run(scenario())
    assert fast.status == "error" and "Stopped before any text" in fast.error
    assert fast.conversation.messages == []  # no empty answer in the history
    assert twice.status == "idle" and twice.turns[-1]["status"] == "stopped"


def test_the_history_holds_still_while_an_answer_streams(loopback):
    loopback.stream_pieces = [f"w{i} " for i in range(20000)]

    async def scenario() -> Chat:
        chat = Chat(
            openai.AsyncOpenAI(base_url=loopback.origin + "/v1", api_key="t"),
            model="loopback-small",
            meter=None,
            messages=[{"role": "user", "content": "one"}, {"role": "assistant", "content": "1"}],
        )
        run = chat.send("two")
        await until(lambda: chat.live.get("text"), "the answer's first text")
        for action in (
            {"type": "delete", "index": 0},
            {"type": "rerun", "index": 0},
            {"type": "fork", "index": 0},
            {"type": "load", "messages": []},
        ):
            frontend_sends(chat, action)
            assert "stop it first" in chat.error
        chat.stop()
        await run
        return chat

    chat = asyncio.run(scenario())
    assert [m["content"] for m in chat.conversation.messages][:3] == ["one", "1", "two"]


def test_a_click_on_a_stale_list_changes_nothing(loopback):
    chat = Chat(client_of(loopback), model="loopback-small", meter=None)
    chat.send("one")
    seen = chat.revision
    frontend_sends(chat, {"type": "delete", "index": 0, "revision": seen})
    frontend_sends(chat, {"type": "delete", "index": 0, "revision": seen})  # a double click
    assert "changed before that click" in chat.error and chat.conversation.messages == []


@pytest.mark.parametrize(
    "bad",
    [["x"], [{"role": "user", "content": 3}], [{"role": "assistant", "tool_calls": [{}]}]],
)
def test_a_bad_messages_list_is_refused_whole(loopback, bad):
    chat = Chat(client_of(loopback), model="loopback-small", meter=None, system="Kept.")
    chat.send("one")
    before = chat.messages
    frontend_sends(chat, {"type": "load", "messages": bad})
    if chat.error:
        assert chat.messages == before
    else:  # a tool-call message with no function is odd, but shown without a crash
        assert chat.turns[0]["content"].startswith("?(")


def test_switching_branches_brings_back_their_system_prompt(loopback):
    chat = Chat(client_of(loopback), model="loopback-small", meter=None, system="First.")
    chat.send("one")
    chat.fork(0)
    chat.system = "Second."
    chat.restore()
    assert chat.system == "First." and chat.messages[0] == {"role": "system", "content": "First."}
    chat.restore()
    assert chat.system == "Second."


def test_copy_messages_comes_whole_from_python(loopback, comm_log):
    chat = Chat(client_of(loopback), model="loopback-small", meter=None, system="S.")
    chat.send("one")
    frontend_sends(chat, {"type": "export"})
    custom = [m["data"]["content"] for m in comm_log if m["data"].get("method") == "custom"]
    assert custom[-1] == {"type": "messages", "messages": chat.messages}


def test_max_tokens_given_as_a_parameter_is_the_replys_room(loopback):
    chat = Chat(client_of(loopback), model="loopback-small", meter=None, max_tokens=7)
    chat.send("one")
    assert loopback.requests[-1].body["max_tokens"] == 7 == chat.context["reply"]


def test_an_answer_shows_as_markdown_and_its_html_never_runs(loopback):
    loopback.stream_pieces = ["**bold** and ", "<script>alert(1)</script>"]
    chat = Chat(client_of(loopback), model="loopback-small", meter=None)
    chat.send("Hi")
    answer = chat.turns[-1]
    assert "<strong>bold</strong>" in answer["html"]
    assert "<script>" not in answer["html"] and "&lt;script&gt;" in answer["html"]
    assert answer["content"] == "**bold** and <script>alert(1)</script>"  # edits start here
    assert "html" not in chat.turns[0]  # questions stay as typed


def test_inspect_watches_every_answer(loopback, comm_log, canary_key):
    chat = Chat(client_of(loopback, canary_key), model="loopback-small", meter=None, inspect=True)
    chat.send("Hi")
    chat.send("Again")
    exchanges = chat.inspector.log.exchanges
    assert [x.status for x in exchanges] == [200, 200]
    assert [m["content"] for m in exchanges[1].body["messages"]][-3:] == ["Hi", "pong", "Again"]
    assert canary_key not in json.dumps(comm_log)
