"""The completion memo (test runs only): a replay is exactly what the engine computes.

Two fresh engines get the same requests in the same order, one computing everything, one
replaying from the memo. Every piece, logprob and finish (cached prompt tokens included)
must be the same, whether the memo engine computed or replayed.
"""

from __future__ import annotations

import threading

import pytest

from llmwidgets import environment
from llmwidgets.sandbox.engine import Engine, Finish, Piece, Sampling
from llmwidgets.sandbox.memo import MemoPlace

RECIPE = '''root ::= "{" "\\"dish\\":" " \\"" [a-z ]+ "\\"" "}"'''


@pytest.fixture(scope="module")
def twins(engine: Engine, tmp_path_factory) -> tuple[Engine, Engine]:
    """A plain engine and one replaying from a memo, both fresh (asking for `engine` marks
    the tests that use them as needing the model)."""
    folder = tmp_path_factory.mktemp("memo")
    return Engine(), Engine(memo=MemoPlace(folder, replay=True))


def ask(engine: Engine, text: str, system: str | None = None) -> list[int]:
    messages = [{"role": "user", "content": text}]
    if system:
        messages.insert(0, {"role": "system", "content": system})
    return engine.tokenize(engine.render(messages))


def run(engine: Engine, prompt: list[int], sampling: Sampling) -> list[Piece | Finish]:
    return list(engine.generate(prompt, sampling))


DETERMINISTIC = [
    ("Name a colour.", None, Sampling(max_tokens=12, temperature=0)),
    ("Name a colour.", None, Sampling(max_tokens=12, seed=7)),
    ("Name a colour.", None, Sampling(max_tokens=12, seed=8, top_p=0.9, temperature=1.3)),
    ("Count to ten.", "You are brief.", Sampling(max_tokens=30, temperature=0, stop=["5"])),
    (
        "Say hi.",
        "You are brief.",
        Sampling(max_tokens=6, temperature=0, logprobs=True, top_logprobs=3),
    ),
    ("Name a dish.", None, Sampling(max_tokens=20, seed=1, grammar=RECIPE)),
    ("Name a colour.", None, Sampling(max_tokens=12, temperature=0, logit_bias={504: -100})),
    ("Say hi.", "You are brief.", Sampling(max_tokens=6, seed=3, presence_penalty=1.5)),
]


def test_a_replay_is_what_the_engine_computes_cached_tokens_included(twins) -> None:
    plain, memo = twins
    # Each request twice, in an order where the prompt cache's state differs each time:
    # the memo engine computes the first of each and replays the second.
    for round_ in range(2):
        for text, system, sampling in DETERMINISTIC:
            prompt = ask(plain, text, system)
            assert ask(memo, text, system) == prompt
            computed, remembered = run(plain, prompt, sampling), run(memo, prompt, sampling)
            assert remembered == computed, (round_, text, sampling)
    assert memo.memo is not None
    assert memo.memo.hits == len(DETERMINISTIC)
    assert memo.computed == len(DETERMINISTIC) == plain.computed / 2
    # A replay moves what the engine shows as cached, not what its context holds: here the
    # context holds the last computed prompt ("Say hi.", after "You are brief."), the shown
    # cache a replayed one. A computed answer then reports what the plain engine does.
    text, system, sampling = DETERMINISTIC[0]
    prompt = ask(plain, text, system)
    assert run(memo, prompt, sampling) == run(plain, prompt, sampling)
    assert memo.memo.hits == len(DETERMINISTIC) + 1
    prompt = ask(plain, "Name a colour.", "You are brief.")  # shares the context's system line
    computed = run(plain, prompt, Sampling(max_tokens=5, seed=99))
    assert run(memo, prompt, Sampling(max_tokens=5, seed=99)) == computed
    assert memo.computed == len(DETERMINISTIC) + 1


def test_what_is_not_deterministic_is_never_kept(twins) -> None:
    _, memo = twins
    assert memo.memo is not None
    prompt = ask(memo, "Tell me a story.")
    before = (memo.memo.hits, memo.computed)
    for _ in range(3):
        run(memo, prompt, Sampling(max_tokens=8))
    assert (memo.memo.hits, memo.computed) == (before[0], before[1] + 3)  # sampled afresh
    assert memo._memo_key(prompt, Sampling(temperature=0.7)) is None


def test_a_cancelled_answer_is_not_kept(twins) -> None:
    _, memo = twins
    assert memo.memo is not None
    prompt = ask(memo, "Write a long poem about the sea.")
    sampling = Sampling(max_tokens=40, temperature=0)
    cancel = threading.Event()
    items = []
    for item in memo.generate(prompt, sampling, cancel):
        items.append(item)
        cancel.set()
    finish = items[-1]
    assert isinstance(finish, Finish) and finish.reason == "cancelled"
    key = memo._memo_key(prompt, sampling)
    assert key is not None and memo.memo.get(key) is None
    whole = run(memo, prompt, sampling)
    assert whole[-1].reason == "length" and memo.memo.get(key) is not None  # type: ignore[union-attr]


def test_a_recording_sandbox_keeps_answers_another_replays(tmp_path, engine) -> None:
    """nbval's sandbox records (its notebooks time the model: nothing is replayed there);
    the matrix's sandbox, another process, replays from the same folder."""
    recorder = Engine(memo=MemoPlace(tmp_path, replay=False))
    prompt = ask(recorder, "Name a colour.")
    sampling = Sampling(max_tokens=10, seed=5)
    first, second = run(recorder, prompt, sampling), run(recorder, prompt, sampling)
    assert first[:-1] == second[:-1]  # the same text (the second found its prompt cached)
    assert recorder.computed == 2 and recorder.memo.hits == 0  # type: ignore[union-attr]
    assert len(list(tmp_path.glob("*.json"))) == 1
    player = Engine(memo=MemoPlace(tmp_path, replay=True))
    assert run(player, prompt, sampling) == first  # a fresh engine: nothing cached either
    assert player.computed == 0 and player.memo.hits == 1  # type: ignore[union-attr]


def test_the_memo_is_read_from_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv(environment.SANDBOX_MEMO, raising=False)
    assert MemoPlace.from_environment() is None
    monkeypatch.setenv(environment.SANDBOX_MEMO, f"replay:{tmp_path}")
    assert MemoPlace.from_environment() == MemoPlace(tmp_path, replay=True)
    monkeypatch.setenv(environment.SANDBOX_MEMO, str(tmp_path))
    with pytest.raises(ValueError, match="record:FOLDER"):
        MemoPlace.from_environment()


def test_embeddings_are_kept_and_replayed(tmp_path, embedder) -> None:
    """Embeddings are deterministic: recorded by one embedder, replayed by another, equal to
    what a plain one computes."""
    from llmwidgets.sandbox.embedder import Embedder

    rows = [embedder.token_ids(text) for text in ("Green tea.", "A flat tyre on my bike.")]
    plain = embedder.embed_ids(rows)
    recorder = Embedder(memo=MemoPlace(tmp_path, replay=False))
    assert recorder.embed_ids(rows) == plain and recorder.memo.hits == 0  # type: ignore[union-attr]
    player = Embedder(memo=MemoPlace(tmp_path, replay=True))
    player._embed = None  # type: ignore[assignment,method-assign]  # it must not compute
    assert player.embed_ids(rows) == plain and player.memo.hits == 1  # type: ignore[union-attr]
