"""The NumPy MiniLM gives sentence-transformers' own vectors.

The reference values were computed once with transformers' `BertModel` on PyTorch 2.13
(mean pooling over real tokens, then L2 normalisation, as sentence-transformers does) from
the same weights, and rounded to six places.
"""

from __future__ import annotations

import numpy as np
import pytest

from llmwidgets.sandbox.embedder import Embedder

REFERENCE = {
    # text: (first four, last two) components
    "This is an example sentence": (
        [0.067657, 0.063496, 0.048713, 0.079305],
        [0.059965, -0.042229],
    ),
    "Each sentence is converted": ([0.086439, 0.102763, 0.005395, 0.002044], [0.074931, -0.084178]),
    "cat": ([0.03733, 0.051162, -0.000306, 0.06021], [0.060815, 0.04928]),
    "A much longer sentence, with punctuation; and some rare words like zymurgy and quixotic!": (
        [0.042258, 0.090996, 0.079028, 0.010533],
        [0.047962, -0.026558],
    ),
}


def test_vectors_match_sentence_transformers(embedder: Embedder) -> None:
    # One batch of texts of different lengths, so padding must not leak into any of them.
    vectors = np.array(embedder.embed(list(REFERENCE)))
    assert vectors.shape == (len(REFERENCE), 384)
    for vector, (head, tail) in zip(vectors, REFERENCE.values(), strict=True):
        assert np.allclose(vector[:4], head, atol=2e-6)
        assert np.allclose(vector[-2:], tail, atol=2e-6)
        assert np.linalg.norm(vector) == pytest.approx(1.0)


def test_a_text_alone_equals_the_same_text_in_a_batch(embedder: Embedder) -> None:
    alone = np.array(embedder.embed(["cat"]))[0]
    batched = np.array(embedder.embed(["cat", "a much longer text than a single word"]))[0]
    assert np.allclose(alone, batched, atol=1e-6)


def test_related_texts_are_closer(embedder: Embedder) -> None:
    cat, kitten, stocks = np.array(embedder.embed(["cat", "kitten", "stock market"]))
    assert cat @ kitten > 0.7 > 0.3 > cat @ stocks


def test_token_count_includes_cls_and_sep(embedder: Embedder) -> None:
    assert len(embedder.token_ids("cat")) == 3
    with pytest.raises(ValueError, match="longer than 256 tokens"):
        embedder.embed(["word " * 300])
