"""The embedding projector: where an embedding puts its words, as a 2-D/3-D scatter you can search.

A thin widget over :func:`nbkeras.inspect.embedding_projection`: the coordinates, the words
and the nearest neighbours (cosine, in the full embedding space) are the core's; the widget
holds the view's state (dimensions, search text, the picked word) and builds the figure.

Example:

    >>> projector = nbkeras.EmbeddingProjector(model, datasets.sentiment_vocabulary())  # doctest: +SKIP
    >>> projector.pick("good")  # doctest: +SKIP
    >>> projector.neighbours[:2]  # doctest: +SKIP
    [{'row': 35, 'word': 'great', 'similarity': 0.93}, ...]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import traitlets

from nbkeras._validate import IntTrait, check_int, closest, did_you_mean, invalid_type, invalid_value
from nbkeras.inspect.embeddings import EmbeddingProjection, embedding_projection
from nbkeras.widgets.base import NbKerasWidget, command
from nbkeras.widgets.figure import to_wire
from nbkeras.widgets.static import bundle

__all__ = ["EmbeddingProjector"]

GROUP_COLOURS = ("#2ca02c", "#d62728", "#1f77b4", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
OTHER_COLOUR = "#aaaaaa"
MATCH_COLOUR = "#ff7f0e"
NEIGHBOUR_COLOUR = "#6a3d9a"
PICK_COLOUR = "#000000"
MAX_MATCHES = 200  # search results highlighted (and listed) at most


class EmbeddingProjector(NbKerasWidget):
    """An embedding's rows as a 2-D or 3-D scatter (PCA), with search and nearest neighbours.

    Args:
        model_or_layer: A Keras model (its first ``Embedding`` layer, or ``layer=``), an
            ``Embedding`` layer, or an embedding matrix (rows, dims): as
            :func:`~nbkeras.inspect.embedding_projection`.
        vocabulary: Words for the rows: a mapping word -> row (``datasets.sentiment_vocabulary()``)
            or a list of words in row order; None names rows by index (``#12``).
        method: ``"pca"``.
        dims: 2 or 3 (the view's switch changes it; so does assigning ``dims``).
        layer: With a model, which layer holds the embedding.
        groups: Optional ``{label: [word, ...]}``: those words are coloured and labelled by
            group (positive and negative adjectives, say); the rest are grey.
        k: How many nearest neighbours the picked word lists.

    Attributes (synced with the view):
        dims: 2 or 3.
        query: The search text: rows whose word contains it (case-insensitive) are highlighted;
            a query equal to a word picks that word.
        picked: The picked row (a click on a point, a search, :meth:`pick`), or None.
        neighbours: ``[{"row", "word", "similarity"}, ...]``: the picked row's ``k`` nearest
            neighbours by cosine similarity, most similar first (the core's
            ``nearest_neighbours``).
        matches: ``[{"row", "word"}, ...]``: the rows the query matches (at most 200).

    Example:
        >>> projector = nbkeras.EmbeddingProjector(model, vocab, groups={"positive": ["good", "great"]})
        >>> projector.query = "grea"   # highlights "great"; projector.pick("good") lists its neighbours
    """

    _esm = bundle("embedding_projector.js")
    _settable: ClassVar[tuple[str, ...]] = ("dims", "query", "k")
    _picture_traits: ClassVar[tuple[str, ...]] = ("figure", "overlay")

    dims = IntTrait(2, min_value=2, max_value=3, help="2 or 3 principal components").tag(sync=True)
    query = traitlets.Unicode("", help="search text; matching words are highlighted").tag(sync=True)
    k = IntTrait(10, min_value=1, max_value=100, help="how many neighbours the picked word lists").tag(sync=True)
    picked = traitlets.Int(None, allow_none=True, help="the picked row, or None").tag(sync=True)
    picked_word = traitlets.Unicode("", help="the picked row's word (#row without a vocabulary)").tag(sync=True)
    neighbours = traitlets.List(help="the picked row's nearest neighbours (cosine)").tag(sync=True)
    matches = traitlets.List(help="rows the search text matches").tag(sync=True)
    explained = traitlets.List(help="share of the variance along each axis").tag(sync=True)
    figure = traitlets.Dict(help="the scatter of every row (wire form)").tag(sync=True)
    overlay = traitlets.List(help="traces drawn over it: matches, neighbours, the picked word (wire form)").tag(
        sync=True
    )

    def __init__(
        self,
        model_or_layer: Any,
        vocabulary: Any = None,
        method: str = "pca",
        dims: int = 2,
        *,
        layer: Any = None,
        groups: Mapping[str, Any] | None = None,
        k: int = 10,
        **kwargs: Any,
    ) -> None:
        self._source = (model_or_layer, vocabulary, method, layer)
        self._projection = embedding_projection(model_or_layer, vocabulary, method, dims, layer=layer)
        self._groups = self._check_groups(groups)
        self._spec: dict[str, Any] = {}
        self._overlay_spec: list[dict[str, Any]] = []
        super().__init__(**kwargs)
        with self.hold_trait_notifications():
            self.k = k
            self.dims = dims
        self._redraw()

    # -- the core's results ------------------------------------------------------------------
    @property
    def projection(self) -> EmbeddingProjection:
        """The :class:`~nbkeras.inspect.EmbeddingProjection` drawn now (``dims`` columns)."""
        return self._projection

    def _name(self, row: int) -> str:
        words = self._projection.words
        return words[row] if words is not None and words[row] else f"#{row}"

    def _check_groups(self, groups: Any) -> list[tuple[str, list[int]]]:
        if groups is None:
            return []
        if not isinstance(groups, Mapping):
            raise invalid_type("groups", groups, "a mapping label -> list of words (or row indices)")
        out = []
        for label, members in groups.items():
            if isinstance(members, str) or not hasattr(members, "__iter__"):
                raise invalid_type(f"groups[{label!r}]", members, "a list of words (or row indices)")
            out.append((str(label), [self._group_member(label, member) for member in members]))
        return out

    def _group_member(self, label: Any, member: Any) -> int:
        try:
            return self._projection.index_of(member)
        except ValueError:
            words = [w for w in self._projection.words or [] if w]
            expected = "a word of the vocabulary" if words else "a row index (no vocabulary was given)"
            hint = did_you_mean(closest(member, words)) if isinstance(member, str) else ""
            raise invalid_value(f"groups[{label!r}]", member, expected, hint=hint) from None

    # -- view requests -----------------------------------------------------------------------------
    @command("pick")
    def pick(self, word: Any) -> None:
        """Pick a row (a vocabulary word or a row index; None clears): its neighbours are listed.

        Raises:
            ValueError: An unknown word (with close spellings) or a row out of range.
        """
        self.picked = None if word is None else self._projection.index_of(word)

    @traitlets.observe("dims")
    def _on_dims(self, change: Any) -> None:
        model_or_layer, vocabulary, method, layer = self._source
        self._projection = embedding_projection(model_or_layer, vocabulary, method, change["new"], layer=layer)
        if self._spec:
            self._redraw()

    @traitlets.validate("picked")
    def _valid_picked(self, proposal: Any) -> int | None:
        value = proposal["value"]
        if value is None:
            return None
        return check_int("picked", value, min_value=0, max_value=len(self._projection.vectors) - 1)

    @traitlets.observe("query")
    def _on_query(self, change: Any) -> None:
        text = change["new"].strip().lower()
        if not text:
            self.matches = []
        else:
            names = [self._name(row).lower() for row in range(len(self._projection.vectors))]
            rows = [row for row, name in enumerate(names) if text in name]
            self.matches = [{"row": row, "word": self._name(row)} for row in rows[:MAX_MATCHES]]
            exact = [row for row in rows if names[row] == text]
            if exact:
                self.picked = exact[0]
        self._draw_overlay()

    @traitlets.observe("picked", "k")
    def _on_picked(self, _change: Any) -> None:
        self.picked_word = "" if self.picked is None else self._name(self.picked)
        if self.picked is None:
            self.neighbours = []
        else:
            found = self._projection.nearest_neighbours(self.picked, k=self.k)
            rows = [self._row_of(name) for name, _ in found]
            self.neighbours = [
                {"row": row, "word": self._name(row), "similarity": similarity}
                for row, (_, similarity) in zip(rows, found)
            ]
        self._draw_overlay()

    def _row_of(self, name: str | int) -> int:
        return name if isinstance(name, int) else self._projection.index_of(name)

    # -- figures ---------------------------------------------------------------------------------
    def _trace(
        self,
        rows: list[int],
        *,
        name: str,
        colour: str,
        size: int,
        text: bool,
        symbol: str = "circle",
        unlabelled: Any = (),
    ):
        coordinates = self._projection.coordinates[rows] if rows else np.zeros((0, self.dims))
        flat = "scattergl" if len(self._projection.vectors) > 2000 else "scatter"  # WebGL for big vocabularies
        trace: dict[str, Any] = {
            "type": "scatter3d" if self.dims == 3 else flat,
            "name": name,
            "mode": "markers+text" if text else "markers",
            "x": coordinates[:, 0],
            "y": coordinates[:, 1],
            # Hover shows every point's word; a label is drawn unless the point already has one.
            "hovertext": [self._name(row) for row in rows],
            "text": ["" if row in unlabelled else self._name(row) for row in rows],
            "customdata": np.asarray(rows, dtype=np.float64),
            "hovertemplate": "%{hovertext}<extra></extra>",
            "textposition": "top center",
            "marker": {
                "color": colour,
                "size": size if self.dims == 2 else max(2, size - 3),
                "symbol": symbol,
                "line": {"color": colour, "width": 2.5 if symbol.endswith("-open") else 0},
            },
            "textfont": {"size": 10, "color": colour},
        }
        if self.dims == 3:
            trace["z"] = coordinates[:, 2]
        return trace

    def _base_figure(self) -> dict[str, Any]:
        grouped = {row for _, rows in self._groups for row in rows}
        others = [row for row in range(len(self._projection.vectors)) if row not in grouped]
        data = [
            self._trace(rows, name=label, colour=GROUP_COLOURS[i % len(GROUP_COLOURS)], size=8, text=True)
            for i, (label, rows) in enumerate(self._groups)
        ]
        data.insert(
            0,
            self._trace(
                others, name="other words" if self._groups else "words", colour=OTHER_COLOUR, size=6, text=False
            ),
        )
        ratio = self._projection.explained_variance_ratio
        titles = [f"PC{i + 1} ({share:.0%} of the variance)" for i, share in enumerate(ratio)]
        layout: dict[str, Any] = {
            "height": 480,
            "margin": {"l": 50, "r": 10, "t": 30, "b": 40},
            "legend": {"orientation": "h", "y": 1.08},
            "hovermode": "closest",
            "uirevision": f"dims{self.dims}",  # keep the user's zoom/camera while the overlay changes
        }
        if self.dims == 3:
            layout["scene"] = {f"{axis}axis": {"title": {"text": t}} for axis, t in zip("xyz", titles)}
        else:
            layout["xaxis"] = {"title": {"text": titles[0]}, "zeroline": False}
            layout["yaxis"] = {"title": {"text": titles[1]}, "zeroline": False}
        return {"data": data, "layout": layout}

    def _overlay_traces(self) -> list[dict[str, Any]]:
        matched = [m["row"] for m in self.matches]
        near = [n["row"] for n in self.neighbours]
        picked = [] if self.picked is None else [self.picked]
        labelled = {row for _, rows in self._groups for row in rows}
        # Rings around the points (a group's colour stays visible inside); a word is labelled once.
        rings = {"text": True, "symbol": "circle-open", "unlabelled": labelled}
        return [
            self._trace(matched, name="search", colour=MATCH_COLOUR, size=15, **rings),
            self._trace(
                near,
                name="neighbours",
                colour=NEIGHBOUR_COLOUR,
                size=14,
                **{**rings, "unlabelled": labelled | set(matched)},
            ),
            self._trace(picked, name="picked", colour=PICK_COLOUR, size=16, **rings),
        ]

    def _redraw(self) -> None:
        self._spec = self._base_figure()
        self.explained = [float(r) for r in self._projection.explained_variance_ratio]
        with self.hold_sync():
            self.figure = to_wire(self._spec)
            self._draw_overlay()

    def _draw_overlay(self) -> None:
        if not self._spec:
            return
        self._overlay_spec = self._overlay_traces()
        self.overlay = to_wire(self._overlay_spec)

    def static_figures(self) -> list[tuple[str, dict[str, Any]]]:
        # The picture draws every marker filled: the rings become small dots over the points.
        overlay = [{**t, "marker": {**t["marker"], "size": 5}} for t in self._overlay_spec]
        data = [*self._spec["data"], *overlay]
        layout = dict(self._spec["layout"])
        title = "Embedding projection (PCA)"
        if self.dims == 3:  # the picture is flat: the first two axes of the 3-D view
            data = [{**{k: v for k, v in t.items() if k != "z"}, "type": "scatter"} for t in data]
            layout.pop("scene", None)
            ratio = self._projection.explained_variance_ratio
            layout["xaxis"] = {"title": {"text": f"PC1 ({ratio[0]:.0%})"}}
            layout["yaxis"] = {"title": {"text": f"PC2 ({ratio[1]:.0%})"}}
            title += ", first two of three axes"
        return [(title, {"data": data, "layout": layout})]

    def _repr_fields(self) -> dict[str, Any]:
        return {"rows": len(self._projection.vectors), "dims": self.dims, "picked": self.picked}
