"""Where an embedding puts its words: a PCA projection to 2-D or 3-D, and nearest neighbours by cosine.

The pure core of the embedding projector. Coordinates come from a principal component
analysis computed by SVD of the centred embedding matrix; neighbours are measured in the
full embedding space (not in the projection, which loses distances).

Example:

    >>> import numpy as np
    >>> from nbkeras.inspect import embedding_projection
    >>> p = embedding_projection(np.array([[1.0, 0.0], [0.9, 0.1], [-1.0, 0.0]]), vocabulary=["good", "fine", "bad"])
    >>> p.nearest_neighbours("good", k=1)[0][0]
    'fine'
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from nbkeras._keras import keras
from nbkeras._validate import check_choice, check_int, closest, did_you_mean, invalid_type, invalid_value
from nbkeras.inspect._common import as_array, is_model, layer_names, resolve_layer

__all__ = ["EmbeddingProjection", "embedding_projection"]

METHODS = ("pca",)


@dataclass(frozen=True)
class EmbeddingProjection:
    """An embedding matrix projected to a few dimensions.

    Attributes:
        coordinates: (rows, dims) float64: row ``i`` is token ``i``'s place. Axis ``d`` is
            the ``d``-th principal component; its sign is fixed so that the component's
            largest-magnitude loading is positive (the same rule as scikit-learn's
            ``svd_flip``), so two runs on the same matrix agree.
        words: Token ``i``'s word, or ``""`` where the vocabulary names no word for ``i``
            (padding, ids it lacks); None without a vocabulary.
        explained_variance_ratio: Share of the total variance along each axis (dims,).
        vectors: The embedding matrix (rows, embedding dim) as float64.
        method: ``"pca"``.
    """

    coordinates: np.ndarray
    words: list[str] | None
    explained_variance_ratio: np.ndarray
    vectors: np.ndarray
    method: str = "pca"

    def index_of(self, word: Any) -> int:
        """The row of ``word`` (a vocabulary word, or a row index).

        Raises:
            ValueError: An unknown word (with close spellings) or an index out of range.
        """
        rows = len(self.vectors)
        if isinstance(word, str):
            if self.words is None:
                raise invalid_value(
                    "word",
                    word,
                    "a row index: this projection has no vocabulary (pass `vocabulary=` to embedding_projection)",
                )
            try:
                if not word:  # "" marks rows without a word
                    raise ValueError(word)
                return self.words.index(word)
            except ValueError:
                raise invalid_value(
                    "word",
                    word,
                    f"a word of the vocabulary ({sum(1 for w in self.words if w)} words)",
                    hint=did_you_mean(closest(word, [w for w in self.words if w])),
                ) from None
        return check_int("word", word, min_value=0, max_value=rows - 1)

    def nearest_neighbours(self, word: Any, k: int = 10) -> list[tuple[str | int, float]]:
        """The ``k`` rows most similar to ``word`` by cosine similarity in the embedding space.

        Args:
            word: A vocabulary word or a row index.
            k: How many neighbours (the word itself excluded; fewer when there are fewer rows).

        Returns:
            ``[(word or index, cosine similarity), ...]``, most similar first; rows without a
            word are named by their index. A zero vector has similarity 0 to everything.

        Raises:
            ValueError: Unknown word or index, ``k < 1``.
        """
        row = self.index_of(word)
        k = check_int("k", k, min_value=1)
        vectors = self.vectors
        norms = np.linalg.norm(vectors, axis=1)
        safe = np.where(norms > 0, norms, 1.0)
        similarity = (vectors @ vectors[row]) / (safe * safe[row])
        similarity[(norms == 0) | (norms[row] == 0)] = 0.0
        similarity[row] = -np.inf
        k = min(k, len(vectors) - 1)
        order = np.argsort(-similarity, kind="stable")[:k]
        names = self.words
        return [(names[i] if names is not None and names[i] else int(i), float(similarity[i])) for i in order]


def _matrix_of(model_or_layer: Any, layer: Any) -> np.ndarray:
    if is_model(model_or_layer):
        model = model_or_layer
        if layer is None:
            embedding = keras().layers.Embedding
            found = next((candidate for candidate in model.layers if isinstance(candidate, embedding)), None)
            if found is None:
                raise invalid_value(
                    "model_or_layer",
                    model,
                    "a model with an Embedding layer, the layer, or its matrix",
                    received=f"model {model.name!r} with no Embedding layer "
                    f"(layers: {', '.join(repr(n) for n in layer_names(model))})",
                )
            target = found
        else:
            target = resolve_layer(model, layer)
        return _matrix_of(target, None)
    if "keras" in sys.modules and isinstance(model_or_layer, keras().layers.Layer):
        if isinstance(model_or_layer, keras().layers.Embedding):
            return np.asarray(model_or_layer.embeddings.numpy())
        raise invalid_value(
            "model_or_layer",
            model_or_layer,
            "an Embedding layer, a model with one, or an embedding matrix (rows, dims)",
            received=f"layer {model_or_layer.name!r} ({type(model_or_layer).__name__})",
        )
    matrix = as_array("model_or_layer", model_or_layer)
    if matrix.ndim != 2 or not np.issubdtype(matrix.dtype, np.number):
        raise invalid_value(
            "model_or_layer",
            model_or_layer,
            "a Keras model with an Embedding layer, the layer, or an embedding matrix (rows, dims)",
            received=f"an array of shape {matrix.shape}",
        )
    return matrix


def _words(vocabulary: Any, rows: int) -> list[str] | None:
    if vocabulary is None:
        return None
    words = [""] * rows
    if isinstance(vocabulary, Mapping):  # word -> index, as datasets.sentiment_vocabulary()
        for word, index in vocabulary.items():
            if not isinstance(word, str):
                raise invalid_type("vocabulary", vocabulary, "a mapping word (str) -> row index (int)")
            words[check_int(f"vocabulary[{word!r}]", index, min_value=0, max_value=rows - 1)] = word
        return words
    if isinstance(vocabulary, (list, tuple)):  # row i's word
        if len(vocabulary) > rows or not all(isinstance(w, str) for w in vocabulary):
            raise invalid_value(
                "vocabulary",
                vocabulary,
                f"at most {rows} words (one per embedding row), as strings",
                received=f"a sequence of {len(vocabulary)} items",
            )
        words[: len(vocabulary)] = list(vocabulary)
        return words
    raise invalid_type("vocabulary", vocabulary, "a mapping word -> index, a list of words by index, or None")


def embedding_projection(
    model_or_layer: Any,
    vocabulary: Any = None,
    method: str = "pca",
    dims: int = 2,
    *,
    layer: Any = None,
) -> EmbeddingProjection:
    """Project an embedding's rows to ``dims`` principal components.

    Args:
        model_or_layer: A Keras model (its first ``Embedding`` layer, or ``layer=``), an
            ``Embedding`` layer, or an embedding matrix (rows, dims).
        vocabulary: Words for the rows: a mapping word -> index (such as
            ``nbkeras.datasets.sentiment_vocabulary()``; an index beyond the embedding's rows is
            refused: the vocabulary is not this embedding's) or a list of words in row order; None.
        method: ``"pca"``: principal components by SVD of the centred matrix.
        dims: 2 or 3.
        layer: With a model, which layer (name, index or layer) holds the embedding.

    Returns:
        An :class:`EmbeddingProjection` (coordinates, words, explained variance,
        ``nearest_neighbours``). ``coordinates = U[:, :dims] * S[:dims]`` where
        ``U S Vᵀ`` is the SVD of the centred matrix.

    Raises:
        ValueError: No Embedding layer, bad ``dims`` / ``method``, fewer rows or columns than ``dims``.

    Example:
        >>> from nbkeras import datasets
        >>> projection = embedding_projection(model, datasets.sentiment_vocabulary())  # doctest: +SKIP
        >>> projection.nearest_neighbours("great", k=5)  # doctest: +SKIP
    """
    check_choice("method", method, METHODS)
    dims = check_int("dims", dims, min_value=2, max_value=3)
    matrix = _matrix_of(model_or_layer, layer).astype(np.float64)
    rows, width = matrix.shape
    if rows < dims or width < dims:
        raise invalid_value(
            "model_or_layer",
            model_or_layer,
            f"an embedding with at least {dims} rows and {dims} dimensions for dims={dims}",
            received=f"an embedding of shape {matrix.shape}",
        )
    if not np.all(np.isfinite(matrix)):
        raise invalid_value("model_or_layer", model_or_layer, "finite embedding values", received="NaN or inf values")
    words = _words(vocabulary, rows)
    centred = matrix - matrix.mean(axis=0)
    u, s, vt = np.linalg.svd(centred, full_matrices=False)
    # Fix each component's sign (svd_flip): its largest-magnitude loading positive.
    signs = np.sign(vt[np.arange(len(vt)), np.argmax(np.abs(vt), axis=1)])
    signs[signs == 0] = 1.0
    u, vt = u * signs, vt * signs[:, None]
    variance = s**2
    total = variance.sum()
    ratio = variance[:dims] / total if total > 0 else np.zeros(dims)
    return EmbeddingProjection(
        coordinates=u[:, :dims] * s[:dims],
        words=words,
        explained_variance_ratio=ratio,
        vectors=matrix,
        method=method,
    )
