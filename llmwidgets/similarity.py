"""Comparing embeddings: cosine similarity, a 2-D map, the nearest neighbours. NumPy only.

    unit = normalized(vectors)             # rows of length 1
    unit @ unit.T                          # every pair's cosine similarity
    plane = Plane.fit(unit)                # the two directions the texts differ along most
    plane.place(unit)                      # each text as (x, y)
    nearest(unit, query, k=3)              # [(index, similarity), ...], best first

The map is principal component analysis: the two directions along which the vectors vary
most, found with NumPy's SVD. It keeps what separates these texts and drops the rest, so
two points close on the map may still differ along a dropped direction: the similarity
matrix is the truth, the map a picture of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Plane", "nearest", "normalized"]


def normalized(vectors: Any) -> np.ndarray:
    """Rows scaled to length 1 (a zero row stays zero), so that a dot product is a cosine."""
    array = np.asarray(vectors, dtype=float)
    norms = np.linalg.norm(array, axis=-1, keepdims=True)
    return np.divide(array, norms, out=np.zeros_like(array), where=norms > 0)


def nearest(unit: np.ndarray, query: np.ndarray, k: int = 3) -> list[tuple[int, float]]:
    """The `k` rows most similar to `query` (both normalized), best first."""
    scores = unit @ normalized(query)
    order = np.argsort(-scores, kind="stable")[:k]
    return [(int(i), float(scores[i])) for i in order]


@dataclass(frozen=True)
class Plane:
    """The first two principal components of a set of vectors."""

    center: np.ndarray
    axes: np.ndarray  # shape (2, dims)

    @classmethod
    def fit(cls, vectors: np.ndarray) -> Plane:
        center = vectors.mean(axis=0)
        _, _, rows = np.linalg.svd(vectors - center, full_matrices=False)
        axes = rows[:2]
        if axes.shape[0] < 2:  # one text: a second axis of zeros
            axes = np.vstack([axes, np.zeros((2 - axes.shape[0], vectors.shape[1]))])
        # SVD's signs are arbitrary: fix them so the same texts draw the same map each time.
        signs = np.sign(axes[np.arange(2), np.abs(axes).argmax(axis=1)])
        return cls(center, axes * np.where(signs == 0, 1, signs)[:, None])

    def place(self, vectors: np.ndarray) -> np.ndarray:
        """Each vector as (x, y) on the plane."""
        return np.asarray((vectors - self.center) @ self.axes.T)
