"""`EmbeddingsExplorer`: texts as embeddings, compared, mapped and searched.

    explorer = llmwidgets.EmbeddingsExplorer(client, ["a cat", "a kitten", "a truck"])
    explorer                        # the similarity heatmap, the 2-D map, a query box
    explorer.search("a puppy", k=2) # [("a kitten", 0.61), ("a cat", 0.58)]

Every text is embedded in one request (`client.embeddings.create`, through the official
SDK); the query box embeds the query the same way and marks its nearest texts, on the map
and in a list. Cosine similarity is the dot product of vectors scaled to length 1; the
map is their two principal components (`llmwidgets.similarity`, NumPy), a picture of the
matrix and not a substitute for it. A provider with no embeddings endpoint (Groq,
Anthropic's layer) is one line saying so, before any request.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any, ClassVar

import anywidget
import traitlets

from ..client_record import record_of
from ..errors import describe_error
from .bundle import SavedView, module, stylesheet
from .page import PageMessages, PageTable

__all__ = ["EmbeddingsExplorer"]

MAX_TEXTS = 60  # a heatmap of more is a wall of colour, not a lesson


class EmbeddingsExplorer(PageMessages, SavedView, anywidget.AnyWidget):
    """Texts, their similarities and their map. Synced: text and numbers, no vectors."""

    _esm = module("embeddings")
    _css = stylesheet("embeddings")
    _page_messages: ClassVar[PageTable] = {"query": lambda view, m: view._query(m)}

    title = traitlets.Unicode("", help="the model, the vectors' size, the tokens").tag(sync=True)
    texts = traitlets.List(traitlets.Unicode(), help="the texts, in order").tag(sync=True)
    matrix: traitlets.List[list[float]] = traitlets.List(
        help="cosine similarity of every pair, rounded"
    ).tag(sync=True)
    points: traitlets.List[list[float]] = traitlets.List(help="each text's (x, y) on the map").tag(
        sync=True
    )
    query = traitlets.Unicode("", help="the last query").tag(sync=True)
    query_point: traitlets.List[float] = traitlets.List(help="the query's (x, y), or empty").tag(
        sync=True
    )
    neighbours = traitlets.List(traitlets.Dict(), help="[{index, score}], best first").tag(
        sync=True
    )
    error = traitlets.Unicode("", help="one line: why nothing could be embedded").tag(sync=True)

    def __init__(
        self,
        client: Any,
        texts: Sequence[str],
        *,
        model: str | None = None,
        k: int = 3,
    ) -> None:
        super().__init__()
        self._client = client
        self._k = k
        self._unit: Any = None
        self._plane: Any = None
        texts = [str(t) for t in texts]
        if not 2 <= len(texts) <= MAX_TEXTS:
            raise ValueError(
                f"EmbeddingsExplorer compares 2 to {MAX_TEXTS} texts, not {len(texts)}"
            )
        self.texts = texts
        record = record_of(client).preset
        if model is None and record is not None and record.embedding_models:
            model = record.embedding_models[0]
        if model is None:
            label = record.label if record is not None else "This server"
            self.error = (
                f"{label} has no embeddings model that llmwidgets knows of: pass model=... "
                "(Groq and Anthropic's layer serve no /embeddings at all)."
            )
            return
        self._model = model
        self.on_msg(self._on_page_message)
        try:
            self._embed_all()
        except Exception as failure:  # a 404 (no /embeddings), a wrong key: one line
            self.error = describe_error(failure)

    def _embed(self, texts: list[str]) -> Any:
        import numpy as np

        from ..similarity import normalized

        response = self._client.embeddings.create(model=self._model, input=texts)
        ordered = sorted(response.data, key=lambda item: item.index)
        return normalized(np.array([item.embedding for item in ordered])), response

    def _embed_all(self) -> None:
        from ..similarity import Plane

        unit, response = self._embed(list(self.texts))
        self._unit, self._plane = unit, Plane.fit(unit)
        usage = response.usage
        with self.hold_sync():
            self.matrix = [[round(float(v), 3) for v in row] for row in unit @ unit.T]
            self.points = [
                [round(float(x), 4), round(float(y), 4)] for x, y in self._plane.place(unit)
            ]
            tokens = f", {usage.prompt_tokens} tokens" if usage is not None else ""
            self.title = (
                f"{len(self.texts)} texts · {response.model or self._model} · "
                f"{unit.shape[1]} dimensions{tokens}"
            )

    def search(self, query: str, k: int | None = None) -> list[tuple[str, float]]:
        """The texts nearest to `query` (cosine similarity), best first; marked on the map."""
        from ..similarity import nearest

        if self._unit is None:
            raise ValueError(self.error or "nothing was embedded")
        unit, _ = self._embed([query])
        found = nearest(self._unit, unit[0], k or self._k)
        with self.hold_sync():
            self.query = query
            self.query_point = [round(float(v), 4) for v in self._plane.place(unit)[0]]
            self.neighbours = [{"index": i, "score": round(score, 3)} for i, score in found]
        self._update_saved_view()
        return [(self.texts[i], score) for i, score in found]

    def _query(self, message: dict[str, Any]) -> None:
        """A query typed in the page: its nearest texts marked (a failure: one line)."""
        text = str(message.get("text", "")).strip()
        if text:
            self.search(text)
            self.error = ""

    def _saved_view(self) -> tuple[str, str]:
        """The similarity table, and the last query's neighbours, as HTML and text."""
        short = [t if len(t) <= 24 else t[:23] + "…" for t in self.texts]
        lines = [self.title or "EmbeddingsExplorer"] + ([self.error] if self.error else [])
        if self.matrix:
            width = max(len(s) for s in short)
            lines.append(" " * width + "  " + " ".join(f"{i + 1:>5}" for i in range(len(short))))
            for i, row in enumerate(self.matrix):
                lines.append(f"{short[i]:>{width}}  " + " ".join(f"{v:5.2f}" for v in row))
        if self.neighbours:
            lines.append(f"nearest to {self.query!r}:")
            lines += [f"  {n['score']:.3f}  {self.texts[n['index']]}" for n in self.neighbours]
        head = "".join(f"<th>{i + 1}</th>" for i in range(len(short)))
        rows = "".join(
            f"<tr><th>{html.escape(short[i])}</th>"
            + "".join(f"<td>{v:.2f}</td>" for v in row)
            + "</tr>"
            for i, row in enumerate(self.matrix)
        )
        found = "".join(
            f"<li>{n['score']:.3f} {html.escape(self.texts[n['index']])}</li>"
            for n in self.neighbours
        )
        as_html = (
            f"<div><b>{html.escape(lines[0])}</b>"
            + (f"<p>{html.escape(self.error)}</p>" if self.error else "")
            + (f"<table><tr><th></th>{head}</tr>{rows}</table>" if rows else "")
            + (
                f"<p>Nearest to {html.escape(repr(self.query))}:</p><ol>{found}</ol>"
                if found
                else ""
            )
            + "</div>"
        )
        as_text = "\n".join(lines)
        return as_html, as_text

    def __repr__(self) -> str:
        return f"EmbeddingsExplorer({self.title or self.error})"
