"""The live decision surface: a 2-input classifier's class probabilities over the input plane, during ``fit``.

TensorFlow Playground's picture for any Keras model whose one input has shape ``(batch, 2)``
(spirals, moons, circles, xor). The grid is :func:`nbkeras.inspect.surface.surface_grid`
over the training data (:data:`SURFACE_RESOLUTION` points per axis), placed once on the
model's device; one traced forward pass evaluates all of it, and only the grid's
probabilities (float32, ``resolution² × classes``) come back to the host. The points drawn
on top are a fixed sample (at most :data:`SURFACE_POINTS`) of the data the fit was given,
taken once.

*When*: :class:`LiveSurface` measures at train begin (the initial weights), then at most
once per :data:`SURFACE_SECONDS` and within :data:`SURFACE_BUDGET` of training time (the
budget scheduler of :mod:`~nbkeras.training.histograms`), and at train end (the final
weights). Measured on 2 shared CPU cores, Dense 64-64-2 on a 60 × 60 grid: 1.3 ms a
measurement, 25 ms to trace once per model (paid when the probe is built, not counted in
the budget).

Example:

    >>> import keras, numpy as np
    >>> from nbkeras.training.surface import SurfaceProbe, surface_data
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    >>> data, why = surface_data(np.random.rand(100, 2), np.arange(100) % 2, resolution=10)
    >>> SurfaceProbe(model, data).measure(step=0, epoch=0).probabilities.shape
    (10, 10, 2)
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from nbkeras._keras import tf
from nbkeras._validate import check_int
from nbkeras.inspect.surface import surface_grid
from nbkeras.training.histograms import HistogramScheduler

__all__ = ["LiveSurface", "SurfaceData", "SurfaceProbe", "SurfaceSnapshot", "surface_data", "takes_2d_points"]

SURFACE_RESOLUTION = 60  # grid points per axis: 3,600 points, 14 kB of float32 per class
SURFACE_POINTS = 300  # training points drawn on the surface (a fixed sample)
SURFACE_SECONDS = 1.0  # at most one measurement per second ...
SURFACE_BUDGET = 0.01  # ... and at most 1 % of training time


def takes_2d_points(model: Any) -> bool:
    """True when ``model`` has one input of shape ``(batch, 2)`` and one output: it has a decision surface."""
    try:
        inputs, outputs = model.inputs, model.outputs
    except (AttributeError, ValueError):  # an unbuilt or subclassed model
        return False
    if not inputs or len(inputs) != 1 or not outputs or len(outputs) != 1:
        return False
    return tuple(inputs[0].shape)[1:] == (2,) and len(outputs[0].shape) == 2


@dataclass(frozen=True)
class SurfaceData:
    """What a run's surface is drawn over, taken once from the data ``fit`` was given.

    Attributes:
        xs, ys: The grid's axes (:func:`~nbkeras.inspect.surface.surface_grid` over all of ``x``).
        points: (n, 2) float32, a fixed sample of ``x`` (n ≤ :data:`SURFACE_POINTS`), in data order.
        labels: (n,) int64 class of each point (one-hot targets: their argmax), or None without targets.
    """

    xs: np.ndarray
    ys: np.ndarray
    points: np.ndarray
    labels: np.ndarray | None


def _labels(y: Any, n: int) -> np.ndarray | None:
    if y is None:
        return None
    y = np.asarray(y)
    if y.shape[:1] != (n,) or y.dtype == object:
        return None
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1).astype(np.int64)
    y = y.reshape(n, -1)[:, 0] if y.ndim > 1 else y
    if not np.issubdtype(y.dtype, np.number) or not np.all(np.isfinite(y)):
        return None
    return np.rint(y).astype(np.int64)


def surface_data(
    x: Any, y: Any = None, *, resolution: int = SURFACE_RESOLUTION, max_points: int = SURFACE_POINTS, seed: int = 0
) -> tuple[SurfaceData | None, str]:
    """The grid and the points of a run's surface, or None and why there are none (shown as a notice).

    Args:
        x: The training inputs ``fit`` was given: an array of shape (N, 2).
        y: Their targets (class indices, 0/1, or one-hot), optional.
        resolution: Grid points per axis.
        max_points: Most points drawn; more are sampled without replacement (``seed``), kept in data order.
        seed: The sample's seed.

    Example:
        >>> data, why = surface_data(np.zeros((3, 2)), [0, 1, 1], resolution=2)
        >>> data.labels.tolist(), data.xs.tolist()
        ([0, 1, 1], [-0.5, 0.5])
    """
    if x is None or isinstance(x, (dict, list, tuple)) or not hasattr(x, "shape"):
        return None, (
            "the data is not one array of 2-D points (a dataset or generator): "
            "draw it after training with nbkeras.decision_surface(model, x, y)."
        )
    points = np.asarray(x.numpy() if hasattr(x, "numpy") else x)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0 or not np.issubdtype(points.dtype, np.number):
        return None, f"the data's points have shape {points.shape}, not (N, 2)."
    if not np.all(np.isfinite(points)):
        return None, "the data has NaN or inf coordinates."
    xs, ys = surface_grid(points, resolution)
    n = len(points)
    keep = np.arange(n)
    if n > max_points:
        keep = np.sort(np.random.default_rng(seed).choice(n, max_points, replace=False))
    labels = _labels(y.numpy() if hasattr(y, "numpy") else y, n)
    return SurfaceData(
        xs=xs, ys=ys, points=points[keep].astype(np.float32), labels=None if labels is None else labels[keep]
    ), ""


@dataclass(frozen=True)
class SurfaceSnapshot:
    """One measurement of the surface.

    Attributes:
        step, epoch: When it was taken.
        probabilities: (len(ys), len(xs), classes) float32, as
            :func:`nbkeras.decision_surface` returns them (a one-unit output ``p`` becomes ``(1 - p, p)``).
        data: The grid and points it was drawn over (also as ``xs``, ``ys``; ``predicted_class``:
            the argmax, as :class:`~nbkeras.inspect.surface.DecisionSurface` has them).
        seconds: Wall time of the measurement (transfer included).
    """

    step: int
    epoch: int
    probabilities: np.ndarray
    data: SurfaceData
    seconds: float

    @property
    def xs(self) -> np.ndarray:
        """The grid's coordinates along the first input (as :class:`~nbkeras.inspect.surface.DecisionSurface`)."""
        return self.data.xs

    @property
    def ys(self) -> np.ndarray:
        """Along the second input: ``probabilities[j, i]`` is at ``(xs[i], ys[j])``."""
        return self.data.ys

    @property
    def predicted_class(self) -> np.ndarray:
        """(len(ys), len(xs)) the class the model picks at each grid point."""
        return np.argmax(self.probabilities, axis=-1)


class SurfaceProbe:
    """Evaluates a model on a fixed grid where the model lives: one traced forward pass per measurement.

    Args:
        model: A Keras model with one ``(batch, 2)`` input.
        data: The grid and points (:func:`surface_data`).

    Building traces the pass once (a warm-up call), so a measurement costs a forward pass
    of ``resolution²`` points and one copy of their outputs to the host.
    """

    def __init__(self, model: Any, data: SurfaceData) -> None:
        t = tf()
        self.model = model
        self.data = data
        gx, gy = np.meshgrid(data.xs, data.ys)  # rows follow y, as decision_surface
        grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
        self._grid = t.constant(grid)  # on the default device: the GPU when there is one

        @t.function(autograph=False)
        def forward() -> Any:
            return t.cast(model(self._grid, training=False), t.float32)

        self._forward = forward
        forward()  # trace now, not in the first measurement

    def measure(self, *, step: int, epoch: int) -> SurfaceSnapshot:
        started = time.perf_counter()
        outputs = self._forward().numpy()
        seconds = time.perf_counter() - started
        outputs = outputs.reshape(len(outputs), -1)
        if outputs.shape[1] == 1:
            outputs = np.concatenate([1.0 - outputs, outputs], axis=1)
        probabilities = outputs.reshape(len(self.data.ys), len(self.data.xs), -1)
        return SurfaceSnapshot(int(step), int(epoch), probabilities, self.data, seconds)


class LiveSurface:
    """The monitor's surface: the data taken as a fit starts, the probe, and when to measure.

    Args:
        enabled: False: never a surface (``LiveMonitor(surface=False)``).
        resolution: Grid points per axis.
    """

    def __init__(self, *, enabled: bool = True, resolution: int = SURFACE_RESOLUTION) -> None:
        self.enabled = bool(enabled)
        self.resolution = check_int("surface_resolution", resolution, min_value=2, max_value=400)
        self.probe: SurfaceProbe | None = None
        self._data: tuple[SurfaceData | None, str] = (None, "")
        self._source: tuple[int, int] | None = None  # ids of the data the points came from
        self.scheduler = HistogramScheduler(SURFACE_BUDGET, min_interval_s=SURFACE_SECONDS)

    def take_data(self, x: Any, y: Any) -> None:
        """At the start of a fit: its points (kept when it is the same data as the last fit's)."""
        if self.enabled and self._source != (id(x), id(y)):
            self._data = surface_data(x, y, resolution=self.resolution)
            self._source = (id(x), id(y))

    def begin(self, model: Any, now: float) -> str:
        """A run begins: build the probe (kept across fits of one model on the same data).

        Returns:
            Why the surface is skipped though the model takes 2-D points, else "".
        """
        self.scheduler.begin(now)
        if not self.enabled or not takes_2d_points(model):
            self.probe = None
            return ""
        data, why = self._data
        if data is None:
            self.probe = None
            return why or "the data fit was given is not known (call fit with x and y)."
        if self.probe is None or self.probe.model is not model or self.probe.data is not data:
            self.probe = None  # should building fail, no probe of an earlier model stays
            self.probe = SurfaceProbe(model, data)
        return ""

    def due(self, step: int, now: float) -> bool:
        return self.probe is not None and self.scheduler.due(step, now)

    def measure(self, *, step: int, epoch: int, now: float) -> SurfaceSnapshot:
        snapshot = self.probe.measure(step=step, epoch=epoch)
        self.scheduler.record(snapshot.seconds, now + snapshot.seconds)
        return snapshot
