"""EmbeddingsExplorer and the NumPy behind it: similarity, the 2-D map, the nearest texts,
on the sandbox's real embedding model."""

from __future__ import annotations

import numpy as np
import pytest

import llmwidgets
from llmwidgets.similarity import Plane, nearest, normalized

TEXTS = [
    "A kitten sleeps in the sun.",
    "The cat naps on the warm windowsill.",
    "A truck delivers bricks to the building site.",
    "The lorry unloads sand at the construction yard.",
]


def test_cosine_map_and_neighbours_in_numpy():
    vectors = np.array([[3.0, 0.0, 0.0], [0.0, 2.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    unit = normalized(vectors)
    assert np.allclose(np.linalg.norm(unit[:3], axis=1), 1) and not unit[3].any()
    assert nearest(unit, np.array([1.0, 0.9, 0.0]), k=2)[0][0] == 2  # between the two axes
    plane = Plane.fit(unit)
    again = Plane.fit(unit)
    assert np.array_equal(plane.place(unit), again.place(unit))  # the same map every time
    spread = plane.place(unit).var(axis=0)
    assert spread[0] >= spread[1]  # the first axis carries the most


def test_similar_texts_sit_together_and_a_query_finds_them(sandbox_url):
    explorer = llmwidgets.EmbeddingsExplorer(llmwidgets.connect("sandbox"), TEXTS)
    matrix = np.array(explorer.matrix)
    assert np.allclose(np.diag(matrix), 1, atol=1e-3) and np.allclose(matrix, matrix.T)
    assert matrix[0, 1] > matrix[0, 2] and matrix[2, 3] > matrix[1, 3]  # cats, then trucks
    assert "all-minilm-l6-v2" in explorer.title and "384 dimensions" in explorer.title
    found = explorer.search("a puppy dozing", k=2)
    assert {text for text, _ in found} == set(TEXTS[:2])
    assert [n["index"] for n in explorer.neighbours] == [TEXTS.index(t) for t, _ in found]
    assert len(explorer.query_point) == 2
    plain = explorer._repr_mimebundle_()[0]["text/plain"]
    assert "nearest to 'a puppy dozing':" in plain and "1.00" in plain


def test_a_provider_without_embeddings_is_one_line_and_no_request(sandbox_url):
    groq = llmwidgets.connect("groq", rehearse=True)
    with llmwidgets.inspect(groq) as wire:
        explorer = llmwidgets.EmbeddingsExplorer(groq, TEXTS)
    assert explorer.matrix == [] and explorer.error.startswith("Groq has no embeddings model")
    assert wire.log.exchanges == []  # said before any request
    with pytest.raises(ValueError, match="2 to 60 texts"):
        llmwidgets.EmbeddingsExplorer(groq, ["alone"])


def test_a_failed_request_is_one_line(sandbox_url):
    explorer = llmwidgets.EmbeddingsExplorer(
        llmwidgets.connect("sandbox"), TEXTS, model="no-such-embedder"
    )
    assert explorer.matrix == [] and "404" in explorer.error and "\n" not in explorer.error
