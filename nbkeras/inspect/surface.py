"""A classifier's decision surface over a 2-D input plane (TensorFlow Playground's picture, for any Keras model).

Example:

    >>> from nbkeras.inspect import decision_surface
    >>> surface = decision_surface(model, x_train, y_train, resolution=100)  # doctest: +SKIP
    >>> surface.probabilities.shape  # (ys, xs, classes)  # doctest: +SKIP
    (100, 100, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from nbkeras._validate import check_int, check_number, invalid_value
from nbkeras.inspect._common import (
    as_array,
    check_batch_size,
    check_model,
    check_not_empty,
    check_same_length,
    input_rank,
    predict,
)

__all__ = ["DecisionSurface", "decision_surface", "surface_grid"]

#: Grid points per forward pass: a 200 × 200 grid is 10 passes.
SURFACE_BATCH_SIZE = 4096


@dataclass(frozen=True)
class DecisionSurface:
    """Class probabilities on a regular grid over the input plane.

    Attributes:
        xs: Grid coordinates along the first input feature (resolution,), increasing.
        ys: Along the second feature (resolution,).
        probabilities: (len(ys), len(xs), classes) float32: ``probabilities[j, i]`` is the
            model's output at ``(xs[i], ys[j])`` (rows follow y, as an image or a Plotly
            heatmap's ``z``). A single-unit output ``p`` becomes two classes ``(1 - p, p)``.
        predicted_class: (len(ys), len(xs)) int64, the argmax of ``probabilities``.
    """

    xs: np.ndarray
    ys: np.ndarray
    probabilities: np.ndarray
    predicted_class: np.ndarray


def surface_grid(x: Any, resolution: int = 100, padding: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """The grid :func:`decision_surface` evaluates: each axis spans the data's range, padded on both sides.

    Args:
        x: Points (N, 2).
        resolution: Points per axis (>= 2).
        padding: Added on each side, as a fraction of that axis's data range
            (0.1: 10 % beyond the extreme points). An axis whose points all have the same
            value spans ±0.5 around it.

    Returns:
        ``(xs, ys)``, each (resolution,) float64, increasing.

    Example:
        >>> xs, ys = surface_grid(np.array([[0.0, 0.0], [1.0, 2.0]]), resolution=3, padding=0.5)
        >>> xs.tolist(), ys.tolist()
        ([-0.5, 0.5, 1.5], [-1.0, 1.0, 3.0])
    """
    resolution = check_int("resolution", resolution, min_value=2, max_value=2000)
    padding = check_number("padding", padding, min_value=0)
    points = _points(x)
    axes = []
    for column in points.T:
        lo, hi = float(column.min()), float(column.max())
        span = hi - lo
        if span == 0:
            lo, hi = lo - 0.5, hi + 0.5
        else:
            lo, hi = lo - padding * span, hi + padding * span
        axes.append(np.linspace(lo, hi, resolution))
    return axes[0], axes[1]


def _points(x: Any) -> np.ndarray:
    points = as_array("x", x)
    if points.ndim != 2 or points.shape[1] != 2:
        raise invalid_value("x", x, "2-D points of shape (N, 2)", received=f"x of shape {points.shape}")
    check_not_empty("x", points)
    points = points.astype(np.float64)
    if not np.all(np.isfinite(points)):
        raise invalid_value("x", x, "finite coordinates", received="NaN or inf coordinates")
    return points


def decision_surface(
    model: Any,
    x: Any,
    y: Any = None,
    *,
    resolution: int = 100,
    padding: float = 0.1,
    batch_size: int = SURFACE_BATCH_SIZE,
) -> DecisionSurface:
    """Class probabilities of a 2-input classifier on a grid covering the data.

    Args:
        model: A Keras model whose input is (batch, 2).
        x: The data points (N, 2); the grid covers them (see :func:`surface_grid`).
        y: Their labels, optional: only checked to match ``x`` (a view draws them).
        resolution: Grid points per axis (2-2000); ``resolution²`` points are predicted
            in batches of ``batch_size``.
        padding: Margin beyond the data on each side, as a fraction of its range.
        batch_size: Grid points per forward pass.

    Returns:
        A :class:`DecisionSurface`.

    Raises:
        ValueError: The model's input or ``x`` is not 2-D points, or x/y lengths differ.

    Example:
        >>> surface = decision_surface(model, x_test, resolution=50)  # doctest: +SKIP
        >>> surface.predicted_class.shape  # doctest: +SKIP
        (50, 50)
    """
    check_model(model)
    batch_size = check_batch_size(batch_size)
    rank = input_rank(model)
    width = model.inputs[0].shape[-1]
    if rank != 2 or width != 2:
        raise invalid_value(
            "model",
            model,
            "a model with 2 input features, input shape (batch, 2): the surface is drawn over the input plane",
            received=f"a model with input shape {tuple(model.inputs[0].shape)}",
        )
    points = _points(x)
    if y is not None:
        check_same_length(points, as_array("y", y))
    xs, ys = surface_grid(points, resolution, padding)
    gx, gy = np.meshgrid(xs, ys)  # rows follow y
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    outputs = predict(model, grid, batch_size)
    outputs = outputs.reshape(len(grid), -1).astype(np.float32)
    if outputs.shape[1] == 1:
        outputs = np.concatenate([1.0 - outputs, outputs], axis=1)
    probabilities = outputs.reshape(len(ys), len(xs), -1)
    return DecisionSurface(xs, ys, probabilities, np.argmax(probabilities, axis=-1))
