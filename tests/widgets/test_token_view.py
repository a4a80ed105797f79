"""TokenView: a tokenizer's cut of any text, and an answer's tokens by probability, on the
sandbox's real model and tiktoken's shipped encodings."""

from __future__ import annotations

import math

import pytest

import llmwidgets
from llmwidgets.running import StreamRun
from llmwidgets.tokens import count_message_tokens, encoding_for

QUESTION = [{"role": "user", "content": "Complete with one word: The capital of France is"}]


@pytest.fixture
def sandbox(sandbox_url):
    return llmwidgets.connect("sandbox")


def test_an_answer_shows_each_token_with_its_probability_and_rivals(sandbox):
    completion = sandbox.chat.completions.create(
        model="smollm2-135m-instruct",
        messages=QUESTION,
        max_tokens=4,
        temperature=0,
        logprobs=True,
        top_logprobs=3,
    )
    view = llmwidgets.TokenView(completion)
    (group,) = view.groups
    content = completion.choices[0].logprobs.content
    assert [t["text"] for t in group["tokens"]] == [t.token for t in content]
    assert "".join(t["text"] for t in group["tokens"]) == completion.choices[0].message.content
    first = group["tokens"][0]
    assert first["p"] == pytest.approx(math.exp(content[0].logprob))
    assert len(first["top"]) == 3 and first["top"][0]["p"] >= first["top"][-1]["p"]
    assert first["text"] == first["top"][0]["text"]  # at temperature 0: the favourite
    assert view.mode == "logprobs" and "sure on average" in view.title and view.note == ""
    assert f"{first['text']} (" in view._repr_mimebundle_()[0]["text/plain"]


def test_a_streamed_reply_works_too(sandbox):
    run = StreamRun().start(
        sandbox, QUESTION, model="smollm2-135m-instruct", max_tokens=3, temperature=0, logprobs=True
    )
    view = llmwidgets.TokenView(run.reply)
    streamed = run.reply.completion.choices[0].logprobs.content  # joined from the chunks
    assert [t["text"] for t in view.groups[0]["tokens"]] == [t.token for t in streamed]
    assert "".join(t.token for t in streamed) == run.reply.text


def test_a_provider_that_drops_logprobs_gets_one_line(sandbox_url):
    anthropic = llmwidgets.connect("anthropic", rehearse=True)  # its layer ignores logprobs
    completion = anthropic.chat.completions.create(
        model="claude-haiku-4-5", messages=QUESTION, max_tokens=3, logprobs=True
    )
    view = llmwidgets.TokenView(completion)
    assert view.groups == [] and view.note.startswith("No logprobs in this completion")
    assert "\n" not in view.note


def test_a_tokenizer_cut_with_tiktoken_and_with_the_sandbox(sandbox):
    text = "Ein Eichhörnchen frisst 12345 Haselnüsse."
    openai_view = llmwidgets.TokenView.tokenize(text, model="gpt-4o-mini")
    (tokens,) = [g["tokens"] for g in openai_view.groups]
    assert [t["id"] for t in tokens] == encoding_for("gpt-4o-mini").encode(text)
    assert "".join(t["text"] for t in tokens) == text
    smol = llmwidgets.TokenView.tokenize(text, client=sandbox)
    smol_tokens = smol.groups[0]["tokens"]
    assert "".join(t["text"] for t in smol_tokens) == text
    assert len(smol_tokens) != len(tokens)  # two families, two cuts
    assert smol.title == f"{len(smol_tokens)} tokens (the sandbox's SmolLM2)"


def test_messages_are_counted_with_their_framing():
    messages = [{"role": "system", "content": "Be brief."}, *QUESTION]
    view = llmwidgets.TokenView.tokenize(messages, model="gpt-4o")
    assert [g["label"] for g in view.groups] == ["system", "user"]
    total = count_message_tokens(messages, "gpt-4o")
    text = sum(g["count"] for g in view.groups)
    assert view.title.startswith(f"{total} prompt tokens") and f"{text} of text" in view.title
    roles = len(messages)  # "system" and "user" are one token each
    assert total - text == roles + 3 * len(messages) + 3


def test_a_character_split_over_tokens_shows_on_the_token_that_completes_it():
    from llmwidgets.tokens import pieces

    found = pieces("fox 🦊", model="gpt-4o")
    assert "".join(piece for _, piece in found) == "fox 🦊"
    assert "�" not in "".join(piece for _, piece in found)


def test_wrong_input_is_one_readable_error(sandbox_url):
    with pytest.raises(TypeError, match=r"TokenView\.tokenize"):
        llmwidgets.TokenView("a text")
    with pytest.raises(TypeError, match="a text or a messages list"):
        llmwidgets.TokenView.tokenize(["not a message"])
    groq = llmwidgets.connect("groq", base_url="https://api.groq.com/openai/v1", api_key="x")
    with pytest.raises(ValueError, match="Only the sandbox"):
        llmwidgets.TokenView.tokenize("hi", client=groq)
