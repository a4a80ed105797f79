"""The sandbox's own app on a fake engine, served in this process: wire checks need no model.

Routing, validation, the Host guard, keys, rate limits and error envelopes are the real
code (`llmwidgets.sandbox.app`); only the engine and the embedder are stand-ins with the
same interface. The fake engine "generates" the words of the prompt's last line back, one
word a piece, so tests can count what they asked for; nothing here says anything about
the real model, which the `sandbox`-marked tests exercise.
"""

from __future__ import annotations

import gc
import hashlib
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from llmwidgets.sandbox.app import SandboxConfig, create_app
from llmwidgets.sandbox.engine import Finish, Piece, Sampling

__all__ = ["FakeEmbedder", "FakeEngine", "serve_fake_sandbox"]


class FakeEngine:
    """The `Engine` interface, word by word: one word is one token."""

    n_ctx = 4096
    n_vocab = 49152
    fingerprint = "fp_fake"

    def render(self, messages: list[dict[str, str]]) -> str:
        return "\n".join(f"{m['role']}: {m['content']}" for m in messages) + "\nassistant:"

    def tokenize(self, text: str) -> list[int]:
        return [_word_id(word, self.n_vocab) for word in text.split()]

    def pieces(self, tokens: list[int]) -> list[str]:
        return [f"<{t}>" for t in tokens]

    def token_id(self, key: str) -> int | None:
        return int(key) if key.isdigit() and int(key) < self.n_vocab else None

    def generate(
        self, prompt: list[int], sampling: Sampling, cancel: threading.Event | None = None
    ) -> Iterator[Piece | Finish]:
        words = ["echo", *[str(token) for token in prompt[-5:]]]
        limit = len(words) if sampling.max_tokens is None else sampling.max_tokens
        for produced, word in enumerate(words[:limit], start=1):
            if cancel is not None and cancel.is_set():
                yield Finish("cancelled", produced - 1)
                return
            yield Piece(("" if produced == 1 else " ") + word)
        yield Finish("length" if limit < len(words) else "stop", min(limit, len(words)))


class FakeEmbedder:
    """The `Embedder` interface: unit vectors from a hash of the text."""

    dimensions = 384
    max_tokens = 256
    vocab_size = 30522

    def token_ids(self, text: str) -> list[int]:
        return [101, *(_word_id(w, self.vocab_size) for w in text.split()), 102]

    def with_specials(self, ids: list[int]) -> list[int]:
        return [101, *ids, 102]  # [CLS] ... [SEP], as MiniLM frames a text

    def embed_ids(self, rows: list[list[int]]) -> list[list[float]]:
        vectors = []
        for row in rows:
            digest = hashlib.sha512(repr(row).encode()).digest() * 8
            raw = [b - 127.5 for b in digest[: self.dimensions]]
            norm = sum(x * x for x in raw) ** 0.5
            vectors.append([x / norm for x in raw])
        return vectors


def _word_id(word: str, vocab: int) -> int:
    return int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "big") % vocab


@contextmanager
def serve_fake_sandbox(**config: Any) -> Iterator[str]:
    """Serve `create_app(SandboxConfig(**config), FakeEngine(), FakeEmbedder())` with uvicorn
    on a free loopback port, in a thread of this process; yields the base URL."""
    import uvicorn

    app = create_app(SandboxConfig(**config), FakeEngine(), FakeEmbedder())  # type: ignore[arg-type]
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the in-process sandbox did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        # uvicorn leaves the transports of connections it closed at shutdown to the garbage
        # collector; collected here, their ResourceWarnings are not blamed on a later test.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect(1)  # the young generations hold them: a full collection costs 0.1 s
