"""`/v1/embeddings`: inputs to the ids the model reads, vectors to OpenAI's shapes.

An input is a text or token ids of the embedding model's own vocabulary (OpenAI's four
shapes of `input`); every row is checked against the model's limits before it runs.
"""

from __future__ import annotations

import base64
import math
import struct
from typing import Any

from .embedder import Embedder
from .errors import SandboxAPIError
from .schemas import EmbeddingsRequest

__all__ = ["embedding_data", "token_rows"]


def token_rows(req: EmbeddingsRequest, embedder: Embedder) -> list[list[int]]:
    """The ids the model reads, one row per input; a 400 for what it cannot take."""
    rows = [_tokens(embedder, i, item) for i, item in enumerate(req.inputs)]
    for i, row in enumerate(rows):
        if len(row) > embedder.max_tokens:
            raise SandboxAPIError(
                400,
                f"This model's maximum context length is {embedder.max_tokens} "
                f"tokens, however input[{i}] has {len(row)} tokens.",
                param="input",
                code="context_length_exceeded",
            )
    if req.dimensions is not None and req.dimensions > embedder.dimensions:
        raise SandboxAPIError(
            400,
            f"This model gives at most {embedder.dimensions} dimensions.",
            param="dimensions",
        )
    return rows


def embedding_data(req: EmbeddingsRequest, vectors: list[list[float]]) -> list[dict[str, Any]]:
    """OpenAI's `data`: shortened to `dimensions` (and renormalised), float or base64."""
    if req.dimensions is not None:
        vectors = [_shorten(v, req.dimensions) for v in vectors]
    encode = _base64 if req.encoding_format == "base64" else list
    return [
        {"object": "embedding", "index": i, "embedding": encode(v)} for i, v in enumerate(vectors)
    ]


def _tokens(embedder: Embedder, index: int, item: str | list[int]) -> list[int]:
    """One `/embeddings` input as the ids the model reads: a text tokenized, or token ids
    (this model's own vocabulary) checked and framed like a text's."""
    if isinstance(item, str):
        if not item:
            raise SandboxAPIError(
                400, f"'input[{index}]' must be a non-empty string.", param="input"
            )
        return embedder.token_ids(item)
    bad = next((t for t in item if not 0 <= t < embedder.vocab_size), None)
    if bad is not None:
        raise SandboxAPIError(
            400,
            f"Invalid token id {bad} in 'input[{index}]': this model's ids run from 0 to "
            f"{embedder.vocab_size - 1}.",
            param="input",
        )
    return embedder.with_specials(item)


def _shorten(vector: list[float], dims: int) -> list[float]:
    head = vector[:dims]
    norm = math.sqrt(sum(x * x for x in head)) or 1.0
    return [x / norm for x in head]


def _base64(vector: list[float]) -> str:
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
