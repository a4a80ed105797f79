"""`Conversation`: the history as data, trimmed by whole turns, changed only when answered."""

from __future__ import annotations

import copy

import openai
import pytest

from llmwidgets.conversation import ContextOverflow, Conversation
from llmwidgets.errors import LLMWidgetsError
from llmwidgets.tokens import count_message_tokens


def chat_of(turns: int, words: int = 40, **settings) -> Conversation:
    talk = Conversation(system="You are brief.", **settings)
    for n in range(turns):
        talk.add(
            f"question {n}: " + "why " * words, {"role": "assistant", "content": f"answer {n}"}
        )
    return talk


def test_a_prompt_is_system_history_and_question_when_everything_fits():
    talk = chat_of(2)
    prompt = talk.prompt("and now?")
    assert prompt[0] == {"role": "system", "content": "You are brief."}
    assert prompt[1:-1] == talk.messages
    assert prompt[-1] == {"role": "user", "content": "and now?"}
    assert talk.left_out("and now?") == 0


def test_building_a_prompt_never_changes_the_history():
    talk = chat_of(6, context_window=300, max_reply_tokens=50)
    before = copy.deepcopy(talk.messages)
    prompt = talk.prompt("next")
    prompt[1]["content"] = "scribbled on"
    assert talk.messages == before


def test_old_turns_leave_whole_and_oldest_first_until_the_prompt_fits():
    talk = chat_of(6, context_window=400, max_reply_tokens=60)
    prompt = talk.prompt("next")
    assert count_message_tokens(prompt) <= talk.prompt_budget
    kept = prompt[1:-1]
    assert kept == talk.messages[-len(kept) :] and kept[0]["role"] == "user"
    assert talk.left_out("next") == len(talk.messages) - len(kept) > 0
    one_more = talk.messages[-len(kept) - 2 :]
    assert count_message_tokens([prompt[0], *one_more, prompt[-1]]) > talk.prompt_budget


def test_a_tool_result_never_goes_without_its_call():
    talk = Conversation(system="s", context_window=260, max_reply_tokens=40, margin=0)
    call = {"id": "c1", "type": "function", "function": {"name": "add", "arguments": "{}"}}
    talk.add(
        "add these " + "please " * 60,
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "c1", "content": "3 " * 60},
        {"role": "assistant", "content": "3"},
    )
    talk.add("and this?", {"role": "assistant", "content": "4"})
    roles = [m["role"] for m in talk.prompt("last")]
    assert roles == ["system", "user", "assistant", "user"]


def test_the_newest_question_is_refused_before_sending_when_it_alone_overflows():
    talk = chat_of(1, context_window=200, max_reply_tokens=50)
    with pytest.raises(ContextOverflow, match="prompt tokens") as raised:
        talk.prompt("word " * 500)
    # one of llmwidgets' own errors, and a ValueError as before
    assert isinstance(raised.value, LLMWidgetsError) and isinstance(raised.value, ValueError)


def test_without_a_new_message_the_last_turn_is_the_question_and_stays():
    talk = chat_of(5, context_window=300, max_reply_tokens=50)
    talk.truncate(len(talk.messages) - 1)  # ask the last question again
    prompt = talk.prompt()
    assert prompt[-1] == talk.messages[-1] and prompt[-1]["role"] == "user"


def test_edit_delete_truncate_and_fork_keep_turns_whole():
    talk = chat_of(3)
    talk.edit(0, "question zero, reworded")
    assert talk.messages[0] == {"role": "user", "content": "question zero, reworded"}
    fork = talk.fork(2)
    assert len(fork.messages) == 2 and len(talk.messages) == 6
    fork.messages[0]["content"] = "changed in the fork"
    assert talk.messages[0]["content"] == "question zero, reworded"
    talk.delete_turn(3)  # the answer of turn 1: its question goes too
    assert [m["content"][:10] for m in talk.messages] == [
        "question z",
        "answer 0",
        "question 2",
        "answer 2",
    ]
    removed = talk.truncate(2)
    assert len(removed) == 2 and len(talk.messages) == 2
    with pytest.raises(IndexError):
        talk.delete_turn(9)


def test_messages_round_trip_with_the_system_message_first():
    talk = chat_of(2)
    again = Conversation.from_messages(talk.to_messages(), context_window=1000)
    assert again.system == "You are brief." and again.messages == talk.messages
    assert again.context_window == 1000
    assert Conversation.from_messages([{"role": "user", "content": "hi"}]).system == ""
    with pytest.raises(ValueError, match="role"):
        Conversation.from_messages([{"content": "no role"}])


def test_an_sdk_message_is_kept_as_what_a_request_may_carry(loopback):
    client = openai.OpenAI(base_url=loopback.origin + "/v1", api_key="k", max_retries=0)
    talk = Conversation(system="")
    answer = talk.send(client, "Hi", model="loopback-small")
    client.close()
    assert talk.messages[-1] == {"role": "assistant", "content": answer}
    assert loopback.requests[-1].body["messages"] == [{"role": "user", "content": "Hi"}]
    assert loopback.requests[-1].body["max_tokens"] == talk.max_reply_tokens


def test_a_failed_send_leaves_no_orphan_question(loopback):
    client = openai.OpenAI(base_url=loopback.origin + "/v1", api_key="k", max_retries=0)
    talk = chat_of(1)
    before = copy.deepcopy(talk.messages)
    loopback.fail_next(429, "slow down")
    with pytest.raises(openai.RateLimitError):
        talk.send(client, "Hi", model="loopback-small")
    client.close()
    assert talk.messages == before
