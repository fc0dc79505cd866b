"""Weight histograms computed where the weights live; only bin counts reach the host.

A histogram of every weight of a model, every batch, made training 2.8x slower in
our measurements, and TensorBoard's histogram summary builds a one-hot tensor of
about 240 bytes per weight (known OOMs on large models). Here, per variable, a few
eager TensorFlow ops compute min, max, a finiteness check and
``tf.histogram_fixed_width`` on the device that holds the weights (the GPU when there is
one); only ``L × (bins + 3)`` small numbers come back. Nothing is traced: a compiled
function over all variables ran ~1 ms faster per call but cost 1-3 s to trace at train
begin, more than a short run's whole budget. Extra memory while it runs: on the CPU,
``tf.histogram_fixed_width`` allocates about 8 bytes per value of the variable it bins
(one variable at a time), plus a float32 copy of variables that are not float32.

Measured on 2 CPU cores (shared, loaded): 1e8 float32 parameters in 4 large kernels,
32 bins: ~1.3 s, about as fast as ``.numpy()`` + ``np.histogram`` (bench/bench_training.py).

:class:`HistogramScheduler` decides *when*: so that histogram time stays within a
fraction of training time (1 % by default).

Example:

    >>> import keras
    >>> from nbkeras.training.histograms import weight_histograms
    >>> layer = keras.layers.Dense(4)
    >>> layer.build((None, 3))
    >>> snap = weight_histograms(layer.weights, bins=8)
    >>> snap.names, snap.counts.sum(axis=1).tolist()
    (('dense/kernel', 'dense/bias'), [12, 4])
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nbkeras._keras import tf
from nbkeras._validate import invalid_value, is_int, is_number

__all__ = ["HistogramScheduler", "HistogramSnapshot", "weight_histograms"]

# Compiled functions, one per (variables, bins): tracing costs 10-100 ms per
# variable, so a model's function is traced once and reused. Bounded, because a
# cached function holds its variables (and so its model) alive.


@dataclass(frozen=True)
class HistogramSnapshot:
    """Histograms of a list of variables at one moment of training.

    Attributes:
        step: Global step the snapshot was taken at (as given).
        epoch: Epoch index (as given).
        names: One name per variable (``variable.path`` for Keras variables).
        edges: ``(L, bins + 1)`` float32 bin edges; bins are ``[e_i, e_i+1)``, the
            last one closed. A constant variable gets a range of ±max(0.5,
            1e-3 × |value|) around its value.
        counts: ``(L, bins)`` int32 counts of the *finite* values.
        finite: ``(L,)`` bool, False when the variable holds NaN or ±inf (then
            ``counts`` sum to fewer than its size).
        seconds: Wall time the computation took, transfers included.
    """

    step: int
    epoch: int
    names: tuple[str, ...]
    edges: np.ndarray
    counts: np.ndarray
    finite: np.ndarray
    seconds: float = float("nan")

    @property
    def sizes(self) -> np.ndarray:
        """Finite values counted per variable, ``(L,)`` int64."""
        return self.counts.sum(axis=1, dtype=np.int64)


def _check_bins(bins: Any) -> int:
    if not is_int(bins) or bins < 1:
        raise invalid_value("bins", bins, "an integer >= 1")
    return int(bins)


def _name(v: Any, i: int) -> str:
    return str(getattr(v, "path", None) or getattr(v, "name", None) or f"variable_{i}")


def _tensor_of(v: Any) -> Any:
    # Keras variables wrap a tf.Variable (or a tf.distribute MirroredVariable) in
    # `.value`; reading that inside the function reads on the variable's device.
    t = tf()
    if isinstance(v, t.Variable):
        return v
    return getattr(v, "value", v)


def _ranges(sources: Sequence[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lo, hi, all_finite) per variable: three reductions each, on the variable's device,
    and one small transfer for all of them."""
    t = tf()
    flat = [t.reshape(t.cast(t.convert_to_tensor(s), t.float32), [-1]) for s in sources]
    stats = t.stack(
        [
            t.stack([t.reduce_min(x), t.reduce_max(x), t.cast(t.reduce_all(t.math.is_finite(x)), t.float32)])
            if x.shape[0]
            else t.constant([0.0, 0.0, 1.0])
            for x in flat
        ]
    ).numpy()
    return stats[:, 0], stats[:, 1], stats[:, 2] > 0.5


def _counts(sources: Sequence[Any], lo: np.ndarray, hi: np.ndarray, finite: np.ndarray, bins: int) -> np.ndarray:
    t = tf()
    out = []
    for source, a, b, ok in zip(sources, lo, hi, finite, strict=True):
        x = t.reshape(t.cast(t.convert_to_tensor(source), t.float32), [-1])
        if not ok:
            # NaN/inf would break the range: histogram the finite values only (rare path).
            x = t.boolean_mask(x, t.math.is_finite(x))
        out.append(t.histogram_fixed_width(x, [float(a), float(b)], nbins=bins, dtype=t.int32))
    return t.stack(out).numpy()


def weight_histograms(
    variables: Sequence[Any],
    *,
    bins: int = 64,
    step: int = 0,
    epoch: int = 0,
    names: Sequence[str] | None = None,
) -> HistogramSnapshot:
    """Histogram each variable on its device and bring back only the counts.

    A few eager ops per variable run on the variable's device (the GPU when there is
    one); only per-variable ranges and the bin counts reach the host. Nothing is
    traced, so the first call costs what later ones do. Values are cast to float32.

    Args:
        variables: Keras variables (``model.trainable_weights``), ``tf.Variable`` s
            or tensors; MirroredVariables of ``tf.distribute`` work too.
        bins: Bins per variable, >= 1.
        step: Global step to stamp on the snapshot.
        epoch: Epoch to stamp on the snapshot.
        names: One name per variable; default ``variable.path`` (Keras) or ``.name``.

    Returns:
        A :class:`HistogramSnapshot`.

    Raises:
        ValueError: ``bins`` is not a positive integer, ``variables`` is empty, or
            ``names`` has the wrong length.

    Example:

        >>> import keras
        >>> v = keras.Variable([[0.0, 1.0], [1.0, float("nan")]])
        >>> snap = weight_histograms([v], bins=2)
        >>> snap.counts.tolist(), snap.finite.tolist()
        ([[1, 2]], [False])
    """
    bins = _check_bins(bins)
    variables = list(variables)
    if not variables:
        raise invalid_value(
            "variables",
            variables,
            "at least one variable (e.g. `model.trainable_weights` of a built model)",
            received="an empty list",
        )
    if names is None:
        names = [_name(v, i) for i, v in enumerate(variables)]
    elif len(names) != len(variables):
        raise invalid_value("names", names, f"one per variable ({len(variables)})", received=f"{len(names)} names")
    started = time.perf_counter()
    # Eager ops, a handful per variable, each running where the variable lives; only the
    # ranges and the counts reach the host. (A tf.function over all variables runs ~1 ms
    # faster per call but costs 1-3 s to trace at train begin, more than a short run's
    # whole histogram budget.)
    sources = [_tensor_of(v) for v in variables]
    lo, hi, finite = _ranges(sources)
    bad = ~finite
    if bad.any():  # ranges of the finite values only
        t = tf()
        for i in np.flatnonzero(bad):
            x = t.reshape(t.cast(t.convert_to_tensor(sources[i]), t.float32), [-1])
            xf = t.boolean_mask(x, t.math.is_finite(x)).numpy()
            lo[i], hi[i] = (xf.min(), xf.max()) if xf.size else (0.0, 0.0)
    # Constant (or empty) variables: histogram_fixed_width needs lo < hi.
    pad = np.maximum(0.5, 1e-3 * np.maximum(np.abs(lo), np.abs(hi)))
    same = hi <= lo
    lo = np.where(same, lo - pad, lo).astype(np.float32)
    hi = np.where(same, hi + pad, hi).astype(np.float32)
    counts = _counts(sources, lo, hi, finite, bins)
    edges = np.linspace(lo, hi, bins + 1, axis=1).astype(np.float32)
    seconds = time.perf_counter() - started
    return HistogramSnapshot(
        step=int(step),
        epoch=int(epoch),
        names=tuple(str(n) for n in names),
        edges=edges,
        counts=counts,
        finite=finite,
        seconds=seconds,
    )


class HistogramScheduler:
    """Decides when a histogram snapshot is affordable, within a training-time budget.

    Policy (budget accounting, so the guarantee holds whatever the step time):

    1. The first snapshot is due at once (train begin): a baseline to compare with,
       and the first measurement of what a snapshot costs.
    2. After that, histogram time may spend ``target_fraction`` of the *training*
       time elapsed since :meth:`begin` (histogram time itself excluded). A snapshot
       is due when the unspent budget covers its expected cost (a moving average of
       measured costs).
    3. Epoch ends come first: mid-epoch snapshots additionally keep one snapshot's
       cost in reserve, so the next epoch end stays affordable. When even that is
       not affordable (a very large model, short epochs), epoch ends are skipped
       until the budget has been earned back.
    4. ``min_interval_s`` spaces snapshots out further (default 0: budget only).

    After the first snapshot has been paid back, histogram time stays within
    ``target_fraction`` of training time, up to how well the last cost predicts the
    next. ``step_seconds`` (a moving average of seconds per step, histogram time
    excluded) and :attr:`interval_steps` tell how often that will be, in steps.

    Args:
        target_fraction: Histogram time allowed per second of training, in (0, 1].
        min_interval_s: Least seconds between two snapshots.
        smoothing: Weight of the past in the cost and step-time averages, in [0, 1).

    Example:

        >>> sched = HistogramScheduler(0.01)
        >>> sched.begin(now=0.0)
        >>> sched.due(0, now=0.0)  # the baseline
        True
        >>> sched.record(0.05)
        >>> sched.due(10, now=1.0), sched.due(1000, now=20.0, epoch_end=True)
        (False, True)
    """

    def __init__(self, target_fraction: float = 0.01, *, min_interval_s: float = 0.0, smoothing: float = 0.5) -> None:
        if not (is_number(target_fraction) and 0 < target_fraction <= 1):
            raise invalid_value(
                "target_fraction", target_fraction, "a float in (0, 1], e.g. 0.01 for 1 % of training time"
            )
        if not (is_number(min_interval_s) and min_interval_s >= 0):
            raise invalid_value("min_interval_s", min_interval_s, "a number of seconds >= 0")
        if not (is_number(smoothing) and 0 <= smoothing < 1):
            raise invalid_value("smoothing", smoothing, "a float in [0, 1)")
        self.target_fraction = float(target_fraction)
        self.min_interval_s = float(min_interval_s)
        self._alpha_new = 1.0 - float(smoothing)
        self.begin(now=0.0)

    def begin(self, now: float | None = None) -> None:
        """Start a run (train begin): forget costs and spending.

        Args:
            now: Time (:func:`time.perf_counter` clock); default: now.
        """
        self._t0 = time.perf_counter() if now is None else float(now)
        self.snapshots = 0
        self.spent_seconds = 0.0
        self.cost_seconds = math.nan
        self.step_seconds = math.nan
        self._last_snapshot = -math.inf
        self._last_due: tuple[int, float, float] | None = None  # (step, now, spent)
        self._now = self._t0

    def training_seconds(self, now: float | None = None) -> float:
        """Seconds since :meth:`begin`, histogram time excluded."""
        now = self._now if now is None else now
        return max(now - self._t0 - self.spent_seconds, 0.0)

    @property
    def fraction(self) -> float:
        """Histogram time / training time so far (at the last :meth:`due` call)."""
        trained = self.training_seconds()
        return self.spent_seconds / trained if trained > 0 else (math.inf if self.spent_seconds else 0.0)

    @property
    def interval_steps(self) -> float:
        """Expected steps between snapshots at the current costs (NaN until known)."""
        return self.cost_seconds / (self.target_fraction * self.step_seconds)

    def due(self, step: int, now: float, *, epoch_end: bool = False) -> bool:
        """Whether to take a snapshot now.

        Args:
            step: Global step (used to measure seconds per step).
            now: Time (:func:`time.perf_counter` clock).
            epoch_end: True at an epoch end (needs no reserve, see the policy).

        Returns:
            True when a snapshot is affordable; then call :meth:`record` with its cost.
        """
        now = float(now)
        last = self._last_due
        if last is not None and step > last[0]:
            per_step = (now - last[1] - (self.spent_seconds - last[2])) / (step - last[0])
            st = self.step_seconds
            self.step_seconds = per_step if st != st else st + self._alpha_new * (per_step - st)
        self._last_due = (step, now, self.spent_seconds)
        self._now = now
        if self.snapshots == 0:
            return True
        if now - self._last_snapshot < self.min_interval_s:
            return False
        cost = self.cost_seconds
        if cost != cost:  # record() was never called: nothing known, be frugal
            return False
        budget = self.target_fraction * self.training_seconds(now) - self.spent_seconds
        return budget >= (cost if epoch_end else 2.0 * cost)

    def record(self, seconds: float, now: float | None = None) -> None:
        """Account for a snapshot that was taken.

        Args:
            seconds: What it cost (e.g. :attr:`HistogramSnapshot.seconds`).
            now: When it ended; default: the time of the last :meth:`due` call
                plus ``seconds``.
        """
        seconds = max(float(seconds), 0.0)
        self.snapshots += 1
        self.spent_seconds += seconds
        c = self.cost_seconds
        self.cost_seconds = seconds if c != c else c + self._alpha_new * (seconds - c)
        self._now = (self._now + seconds) if now is None else float(now)
        self._last_snapshot = self._now


def rebin(edges: np.ndarray, counts: np.ndarray, new_edges: np.ndarray) -> np.ndarray:
    """Counts of one histogram spread onto other bins, assuming values uniform within each bin.

    Snapshots of one weight taken at different steps each have their own range; to show
    them on one axis (a weight's histograms over time) they are redrawn on common bins.
    The total is kept for the part of the range ``new_edges`` covers.

    Args:
        edges: ``(bins + 1,)`` ascending edges of the source histogram.
        counts: ``(bins,)`` its counts.
        new_edges: ``(m + 1,)`` ascending edges to spread the counts onto.

    Returns:
        ``(m,)`` float64 counts.

    Example:
        >>> rebin(np.array([0.0, 1.0]), np.array([4]), np.array([0.0, 0.5, 1.0, 2.0])).tolist()
        [2.0, 2.0, 0.0]
    """
    edges = np.asarray(edges, dtype=float)
    cumulative = np.concatenate([[0.0], np.cumsum(np.asarray(counts, dtype=float))])
    # The cumulative count is piecewise linear in the value; read it at the new edges.
    at = np.interp(np.asarray(new_edges, dtype=float), edges, cumulative, left=0.0, right=cumulative[-1])
    return np.diff(at)


def histogram_history(
    snapshots: list[HistogramSnapshot], *, rows: int, bins: int
) -> list[tuple[str, np.ndarray, list[int], np.ndarray]]:
    """Each weight's histograms over time, on one range per weight.

    Args:
        snapshots: Oldest first (as a monitor keeps them); of two at one step, the later counts.
        rows: Most snapshots per weight (evenly spaced in the list; the first and the
            last always kept).
        bins: Bins of the common range.

    Returns:
        Per weight of the newest snapshot: ``(name, edges (bins + 1,), steps, density
        (len(steps), bins))``; each density row is scaled to its own maximum (1).
    """
    if not snapshots:
        return []
    # One row per step: a snapshot forced at a run's end can share the last scheduled one's step.
    snapshots = list({snap.step: snap for snap in snapshots}.values())
    picked = (
        snapshots
        if len(snapshots) <= rows
        else [snapshots[int(round(i))] for i in np.linspace(0, len(snapshots) - 1, rows)]
    )
    out = []
    for name in snapshots[-1].names:
        found = [
            (snap.step, snap.edges[snap.names.index(name)], snap.counts[snap.names.index(name)])
            for snap in picked
            if name in snap.names
        ]
        # A constant weight (a zero-initialised bias) gets a nominal ±0.5 range; it would
        # squeeze the trained distribution into a few bins, so it counts only if all are.
        spread = [(e, c) for _, e, c in found if np.count_nonzero(c) > 1] or [(e, c) for _, e, c in found]
        lo = min(float(e[0]) for e, _ in spread)
        hi = max(float(e[-1]) for e, _ in spread)
        common = np.linspace(lo, hi, bins + 1)
        density = np.array([rebin(e, c, common) for _, e, c in found])
        density /= np.maximum(density.max(axis=1, keepdims=True), 1e-12)
        out.append((name, common, [int(step) for step, _, _ in found], density))
    return out
