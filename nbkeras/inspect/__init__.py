"""Look inside a model: what it gets wrong, what its layers see, where its embedding puts words.

The pure core under the inspector widgets: numbers in, numbers out (NumPy arrays and frozen
dataclasses), no printing, no display. Each function runs the model batched where it lives
and checks its input in Keras's wording.

- :mod:`~nbkeras.inspect.errors`: :func:`confusion_matrix`, :func:`class_metrics`,
  :func:`per_example_loss`, :func:`top_losses`, :func:`classification_errors`,
  :func:`regression_errors`.
- :mod:`~nbkeras.inspect.layers`: :func:`feature_maps`, :func:`conv_filters`,
  :func:`activation_histograms`, :func:`grad_cam`.
- :mod:`~nbkeras.inspect.embeddings`: :func:`embedding_projection` (+ ``nearest_neighbours``).
- :mod:`~nbkeras.inspect.surface`: :func:`decision_surface`.
- :mod:`~nbkeras.inspect.lr_finder`: :func:`lr_find`.

Widgets over it: :class:`~nbkeras.inspect.inspector.ModelInspector`,
:class:`~nbkeras.inspect.projector.EmbeddingProjector`, :class:`~nbkeras.inspect.lr_widget.LRFinder`.

Example:

    >>> import nbkeras
    >>> errors = nbkeras.classification_errors(model, x_test, y_test)  # doctest: +SKIP
    >>> errors.matrix, errors.top_losses(9)  # doctest: +SKIP
"""

from __future__ import annotations

from nbkeras.inspect.embeddings import EmbeddingProjection, embedding_projection
from nbkeras.inspect.errors import (
    ClassificationErrors,
    ClassMetrics,
    RegressionErrors,
    TopLosses,
    class_metrics,
    classification_errors,
    confusion_matrix,
    per_example_loss,
    regression_errors,
    top_losses,
)
from nbkeras.inspect.layers import (
    ActivationHistogram,
    ConvFilters,
    activation_histograms,
    conv_filters,
    feature_maps,
    grad_cam,
    spatial_layers,
)
from nbkeras.inspect.lr_finder import LRFinderResult, lr_find, suggest_rate
from nbkeras.inspect.surface import DecisionSurface, decision_surface, surface_grid

__all__ = [
    "ActivationHistogram",
    "ClassMetrics",
    "ClassificationErrors",
    "ConvFilters",
    "DecisionSurface",
    "EmbeddingProjection",
    "LRFinderResult",
    "RegressionErrors",
    "TopLosses",
    "activation_histograms",
    "class_metrics",
    "classification_errors",
    "confusion_matrix",
    "conv_filters",
    "decision_surface",
    "embedding_projection",
    "feature_maps",
    "grad_cam",
    "lr_find",
    "per_example_loss",
    "regression_errors",
    "spatial_layers",
    "suggest_rate",
    "surface_grid",
    "top_losses",
]
