"""Properties of an activation, measured from its curves (nothing here is typed in).

Definitions (all on the sampled interval ``[min(x), max(x)]``; non-finite samples, the
gaps left by overflow, are ignored):

* **output range**: ``(min, max)`` of the finite ``y``.
* **f(0)**: evaluated at exactly 0 with :func:`activation_curves` when the activation is
  given; otherwise read from the samples (exact if 0 is a sample, else interpolated).
* **one-sided derivatives at 0**: float64 second-order one-sided finite differences with
  ``h = 1e-6``, ``(3f(0) - 4f(-h) + f(-2h)) / 2h`` and ``(-3f(0) + 4f(h) - f(2h)) / 2h``
  (when f jumps at 0 the same stencils are used at -h and +h instead, so f(0) itself is
  not used). Without the activation, slopes between neighbouring samples are used
  (coarser; the tolerance is then 2% instead of 1e-6).
* **differentiable at 0**: continuous there and the one-sided derivatives agree
  (relative difference at most 1e-6, or 2% from samples).
* **autodiff at 0**: what Keras's gradient returns at exactly 0. It is *flagged* when
  f is differentiable at 0 and autodiff disagrees with the true derivative (TensorFlow
  says celu'(0) = 2.0; celu is smooth there with derivative 1), or when f has a kink
  and autodiff returns a value outside [left, right].
* **monotonic**: ``"non-decreasing"``, ``"non-increasing"``, ``"constant"`` or
  ``"neither"``, comparing consecutive finite samples with a tolerance of 16 units in
  the last place of the largest ``|y|`` (float rounding is not a change of direction).
* **zero-centred**: ``f(0) == 0`` (within 1e-6) *and* f takes both strictly negative
  and strictly positive values on the interval. tanh is; sigmoid (f(0) = 0.5) and relu
  (never negative) are not. None when f(0) is unknown.
* **saturating regions**: runs of consecutive samples where ``|f'| < 1e-3``; **dead
  regions**: runs where ``f' == 0`` exactly (a subset). A run is reported as the
  ``(first x, last x)`` of its samples when it has at least 2 samples and either touches
  an end of the interval or spans at least 2% of it, so the single point where f' crosses
  0 at a smooth minimum (silu near -1.28) is not called saturation.
* **the printed regions** (:class:`Region`, ``saturating_intervals``/``dead_intervals``):
  the region a run stands for, read from the grid. An end of the sampled interval is a
  closed end at that sample; an interior boundary lies between the run's last sample and
  the first sample outside it, and prints as the roundest number in between (fewest
  significant digits: relu's dead run ``-6 … -0.006006`` before ``0.006006`` reads
  ``[-6, 0)``). Interior ends are open: ``|f'| < 1e-3`` with f' continuous leaves
  ``|f'| = 1e-3`` at its boundary, and every boundary of ``f' = 0`` among Keras's
  activations is a kink, where f' is not defined.

Example:

    >>> import numpy as np
    >>> from nbkeras.activations import activation_curves, activation_properties
    >>> x = np.linspace(-5, 5, 1001)
    >>> props = activation_properties(x, *activation_curves("relu", x), activation="relu")
    >>> props.dead_regions
    ((-5.0, 0.0),)
    >>> props.derivative_at_0
    "not differentiable at 0 (left 0, right 1); Keras's autodiff returns 0"
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from nbkeras._validate import invalid_value
from nbkeras.activations.curves import activation_curves

__all__ = ["ActivationProperties", "Region", "activation_properties", "SATURATION_THRESHOLD"]

#: |f'| below this counts as saturated.
SATURATION_THRESHOLD = 1e-3
_H = 1e-6  # step of the one-sided differences at 0
_EXACT_TOL = 1e-6  # relative tolerance for derivatives from the activation itself
_SAMPLE_TOL = 0.02  # relative tolerance for derivatives from curve samples
_MIN_REGION_FRACTION = 0.02


@dataclass(frozen=True)
class Region:
    """A region of x read from a sampled grid, e.g. ``[-6, 0)``.

    Attributes:
        lo: Lower end.
        hi: Upper end.
        closed_lo: Whether ``lo`` belongs to the region (an end of the sampled interval).
        closed_hi: Whether ``hi`` belongs to the region.
    """

    lo: float
    hi: float
    closed_lo: bool
    closed_hi: bool

    def __str__(self) -> str:
        return f"{'[' if self.closed_lo else '('}{_fmt(self.lo)}, {_fmt(self.hi)}{']' if self.closed_hi else ')'}"


@dataclass(frozen=True)
class ActivationProperties:
    """What the curves say about an activation (see the module docstring for definitions).

    Attributes:
        interval: ``(min(x), max(x))``.
        output_range: ``(min, max)`` of finite y; ``(nan, nan)`` when none is finite.
        gaps: Number of samples where y is inf or nan (drawn as gaps).
        f0: f(0), or None when 0 is outside the interval and no activation is given.
        left_derivative_0: One-sided derivative from the left at 0 (None if unknown).
        right_derivative_0: One-sided derivative from the right at 0 (None if unknown).
        autodiff_derivative_0: Keras's autodiff value at exactly 0 (None if unknown).
        continuous_at_0: Whether f is continuous at 0 (None if unknown).
        differentiable_at_0: Whether f is differentiable at 0 (None if unknown).
        autodiff_agrees_at_0: False flags autodiff disagreeing with the one-sided
            derivatives (see module docstring); None where it cannot be judged.
        derivative_at_0: Human-readable summary, e.g. ``"not differentiable at 0 (left
            0, right 1); Keras's autodiff returns 0"``.
        monotonic: ``"non-decreasing"``, ``"non-increasing"``, ``"constant"`` or
            ``"neither"``.
        zero_centred: See the module docstring; None when f(0) is unknown.
        saturating_regions: ``((lo, hi), ...)`` where ``|f'| < 1e-3``.
        dead_regions: ``((lo, hi), ...)`` where ``f' == 0`` exactly.
        saturating_intervals: The saturating regions as the :class:`Region` they stand
            for (open at interior boundaries, rounded from the grid), as printed.
        dead_intervals: The dead regions as :class:`Region`.
        exact_at_0: True when the values at 0 come from evaluating the activation,
            False when read from the samples.
    """

    interval: tuple[float, float]
    output_range: tuple[float, float]
    gaps: int
    f0: float | None
    left_derivative_0: float | None
    right_derivative_0: float | None
    autodiff_derivative_0: float | None
    continuous_at_0: bool | None
    differentiable_at_0: bool | None
    autodiff_agrees_at_0: bool | None
    derivative_at_0: str
    monotonic: str
    zero_centred: bool | None
    saturating_regions: tuple[tuple[float, float], ...]
    dead_regions: tuple[tuple[float, float], ...]
    exact_at_0: bool
    saturating_intervals: tuple[Region, ...] = ()
    dead_intervals: tuple[Region, ...] = ()

    def rows(self) -> list[tuple[str, str]]:
        """``(label, value text)`` pairs for a two-column table.

        Example:
            >>> dict(props.rows())["Monotonic"]
            'non-decreasing'
        """
        lo, hi = self.output_range
        out = f"[{_fmt(lo)}, {_fmt(hi)}]"
        if self.gaps:
            out += f" ({self.gaps} points overflowed; drawn as gaps)"
        if self.zero_centred is None:
            centred = "unknown (0 is outside the interval)"
        elif self.zero_centred:
            centred = "yes: f(0) = 0 and f takes both signs"
        elif self.f0 is not None and abs(self.f0) > _EXACT_TOL:
            centred = f"no: f(0) = {_fmt(self.f0)}"
        else:
            centred = "no: f does not take both signs here"
        return [
            ("Interval", f"[{_fmt(self.interval[0])}, {_fmt(self.interval[1])}]"),
            ("Output range", out),
            ("f(0)", "unknown" if self.f0 is None else _fmt(self.f0)),
            ("f'(0)", self.derivative_at_0),
            ("Monotonic", self.monotonic),
            ("Zero-centred", centred),
            (f"Saturating (|f'| < {SATURATION_THRESHOLD:g})", _regions(self.saturating_intervals)),
            ("Dead (f' = 0)", _regions(self.dead_intervals)),
        ]


def _fmt(v: float | None) -> str:
    if v is None:
        return "unknown"
    if not np.isfinite(v):
        return str(v)
    if abs(v) < 1e-9:
        return "0"
    return f"{v:.6g}"


def _regions(regions: tuple[Region, ...]) -> str:
    return ", ".join(map(str, regions)) if regions else "none"


def _roundest(a: float, b: float) -> float:
    """The number in ``[a, b]`` with the fewest significant digits (nearest the middle on a tie)."""
    if a <= 0.0 <= b:
        return 0.0
    if not (math.isfinite(a) and math.isfinite(b)):
        return (a + b) / 2  # nothing rounder to say about a nan/inf grid point
    step = 10.0 ** math.floor(math.log10(max(abs(a), abs(b))))
    while True:
        first, last = math.ceil(a / step - 1e-9), math.floor(b / step + 1e-9)
        if first <= last:
            middle = (a + b) / 2 / step
            k = min(range(first, last + 1), key=lambda j: abs(j - middle))
            return float(round(k * step, 12))
        step /= 10.0


def _intervals(runs: tuple[tuple[int, int], ...], xs: np.ndarray) -> tuple[Region, ...]:
    """The region each run of samples stands for (see the module docstring)."""
    out = []
    for start, last in runs:
        closed_lo, closed_hi = start == 0, last == xs.size - 1
        lo = float(xs[0]) if closed_lo else _roundest(float(xs[start - 1]), float(xs[start]))
        hi = float(xs[-1]) if closed_hi else _roundest(float(xs[last]), float(xs[last + 1]))
        out.append(Region(lo, hi, closed_lo, closed_hi))
    return tuple(out)


def _as_1d(name: str, value: Any, n: int | None) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim != 1 or arr.size == 0 or (n is not None and arr.size != n):
        expected = "a non-empty 1-D array" if n is None else f"a 1-D array of {n} values like x"
        raise invalid_value(name, value, expected, received=f"{name} with shape {arr.shape}")
    if arr.dtype.kind not in "biuf":
        raise invalid_value(name, value, "real numbers", received=f"dtype {arr.dtype}")
    return arr


def _runs(mask: np.ndarray, xs: np.ndarray) -> tuple[tuple[int, int], ...]:
    """(first index, last index) of each qualifying run of True in ``mask`` (see module doc)."""
    n = mask.size
    if n == 0:
        return ()
    width = float(xs[-1] - xs[0])
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    out = []
    for start, stop in zip(edges[::2], edges[1::2]):  # stop is exclusive
        last = stop - 1
        if last - start + 1 < 2:
            continue
        touches_end = start == 0 or last == n - 1
        wide = width > 0 and (xs[last] - xs[start]) >= _MIN_REGION_FRACTION * width
        if touches_end or wide:
            out.append((int(start), int(last)))
    return tuple(out)


def _monotonic(y: np.ndarray) -> str:
    if y.size < 2:
        return "constant"
    d = np.diff(y.astype(np.float64))
    eps = np.finfo(y.dtype if y.dtype.kind == "f" else np.float64).eps
    tol = 16 * eps * max(1.0, float(np.max(np.abs(y))))
    if np.all(np.abs(d) <= tol):
        return "constant"
    if np.all(d >= -tol):
        return "non-decreasing"
    if np.all(d <= tol):
        return "non-increasing"
    return "neither"


@dataclass(frozen=True)
class _AtZero:
    f0: float | None
    left: float | None
    right: float | None
    autodiff: float | None
    continuous: bool | None
    f_minus: float | None
    f_plus: float | None
    exact: bool


def _at_zero_exact(activation: str | Callable[..., Any], params: Mapping[str, Any]) -> _AtZero:
    h = _H
    pts = np.array([-3 * h, -2 * h, -h, 0.0, h, 2 * h, 3 * h], dtype=np.float64)
    y, dy = activation_curves(activation, pts, **params)
    ym3, ym2, ym1, y0, yp1, yp2, yp3 = (float(v) for v in y)
    with np.errstate(all="ignore"):
        continuous = abs(yp1 - y0) <= 1e-4 and abs(y0 - ym1) <= 1e-4
        if continuous:
            left = (3 * y0 - 4 * ym1 + ym2) / (2 * h)
            right = (-3 * y0 + 4 * yp1 - yp2) / (2 * h)
        else:  # do not use f(0), which belongs to one side only
            left = (3 * ym1 - 4 * ym2 + ym3) / (2 * h)
            right = (-3 * yp1 + 4 * yp2 - yp3) / (2 * h)
    return _AtZero(y0, left, right, float(dy[3]), continuous, ym1, yp1, exact=True)


def _at_zero_samples(xs: np.ndarray, ys: np.ndarray, dys: np.ndarray) -> _AtZero:
    if not (xs[0] <= 0.0 <= xs[-1]) or xs.size < 2:
        return _AtZero(None, None, None, None, None, None, None, exact=False)
    zero = np.flatnonzero(xs == 0.0)
    with np.errstate(all="ignore"):
        if zero.size:
            i = int(zero[0])
            f0, ad = float(ys[i]), float(dys[i])
            left = float((ys[i] - ys[i - 1]) / (xs[i] - xs[i - 1])) if i > 0 else None
            right = float((ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i])) if i + 1 < xs.size else None
            f_minus = float(ys[i - 1]) if i > 0 else None
            f_plus = float(ys[i + 1]) if i + 1 < xs.size else None
        else:
            f0 = float(np.interp(0.0, xs, ys))
            ad = None
            j = int(np.searchsorted(xs, 0.0))  # xs[j-1] < 0 < xs[j]
            left = float((ys[j - 1] - ys[j - 2]) / (xs[j - 1] - xs[j - 2])) if j >= 2 else None
            right = float((ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j])) if j + 1 < xs.size else None
            f_minus, f_plus = float(ys[j - 1]), float(ys[j])
    return _AtZero(f0, left, right, ad, None, f_minus, f_plus, exact=False)


def _describe_at_zero(z: _AtZero) -> tuple[bool | None, bool | None, bool | None, str]:
    """Return (continuous, differentiable, autodiff agrees, text)."""
    if z.left is None or z.right is None:
        if z.f0 is None:
            return None, None, None, "unknown (0 is outside the interval)"
        return None, None, None, "unknown (0 is at the edge of the interval)"
    tol = _EXACT_TOL if z.exact else _SAMPLE_TOL
    left, right = z.left, z.right
    scale = max(1.0, abs(left), abs(right))
    continuous = z.continuous
    if continuous is None and z.f_minus is not None and z.f_plus is not None:
        # From samples: call it a jump when the step between the neighbours of 0 is far
        # larger than the slopes next to it explain.
        step = abs(z.f_plus - z.f_minus)
        continuous = not (step > 1e-3 and step > 10 * scale * _SAMPLE_TOL + 1e-3)
    ad_text = "" if z.autodiff is None else f"; Keras's autodiff returns {_fmt(z.autodiff)}"
    sides = f"(left {_fmt(left)}, right {_fmt(right)})"
    if continuous is False:
        text = (
            f"not continuous at 0 (jumps from {_fmt(z.f_minus)} to {_fmt(z.f_plus)}); one-sided slopes {sides}{ad_text}"
        )
        return False, False, None, text
    differentiable = abs(left - right) <= tol * scale
    agrees: bool | None = None
    if differentiable:
        value = 0.5 * (left + right)
        if z.autodiff is not None:
            agrees = abs(z.autodiff - value) <= max(tol, 1e-4) * scale
        if agrees is False:
            text = f"{_fmt(value)} {sides}{ad_text}, which is wrong here: f is differentiable at 0"
        else:
            text = _fmt(value)
        return continuous, True, agrees, text
    if z.autodiff is not None:
        slack = max(tol, 1e-4) * scale
        agrees = min(left, right) - slack <= z.autodiff <= max(left, right) + slack
    return continuous, False, agrees, f"not differentiable at 0 {sides}{ad_text}"


def activation_properties(
    x: Any,
    y: Any,
    dy: Any,
    *,
    activation: str | Callable[..., Any] | None = None,
    params: Mapping[str, Any] | None = None,
) -> ActivationProperties:
    """Measure an activation's properties from its curves.

    Args:
        x: 1-D sample points (any order).
        y: f(x), same length (e.g. from :func:`activation_curves`).
        dy: f'(x), same length.
        activation: Optional name or callable. When given, f(0) and the one-sided
            derivatives at 0 are computed exactly from it (float64, h = 1e-6) rather
            than read from the samples.
        params: Arguments of ``activation``.

    Returns:
        An :class:`ActivationProperties`; ``.rows()`` gives a display table.

    Raises:
        ValueError: Arrays of different lengths or not 1-D.

    Example:
        >>> x = np.linspace(-10, 10, 2001)
        >>> p = activation_properties(x, *activation_curves("tanh", x), activation="tanh")
        >>> p.zero_centred, p.monotonic, len(p.saturating_regions)
        (True, 'non-decreasing', 2)
    """
    xs = _as_1d("x", x, None)
    ys = _as_1d("y", y, xs.size)
    dys = _as_1d("dy", dy, xs.size)
    order = np.argsort(xs, kind="stable")
    xs, ys, dys = xs[order], ys[order], dys[order]
    finite_y = np.isfinite(ys)
    yf = ys[finite_y]
    if yf.size:
        output_range = (float(yf.min()), float(yf.max()))
    else:
        output_range = (float("nan"), float("nan"))

    if activation is not None:
        z = _at_zero_exact(activation, dict(params or {}))
    else:
        z = _at_zero_samples(xs, ys, dys)
    continuous, differentiable, agrees, text = _describe_at_zero(z)

    zero_centred: bool | None = None
    if z.f0 is not None and yf.size:
        zero_centred = bool(abs(z.f0) <= _EXACT_TOL and yf.min() < -_EXACT_TOL and yf.max() > _EXACT_TOL)

    finite_dy = np.isfinite(dys)
    with np.errstate(invalid="ignore"):
        saturating = finite_dy & (np.abs(dys) < SATURATION_THRESHOLD)
        dead = finite_dy & (dys == 0)
    saturating_runs, dead_runs = _runs(saturating, xs), _runs(dead, xs)
    return ActivationProperties(
        interval=(float(xs[0]), float(xs[-1])),
        output_range=output_range,
        gaps=int((~finite_y).sum()),
        f0=z.f0,
        left_derivative_0=z.left,
        right_derivative_0=z.right,
        autodiff_derivative_0=z.autodiff,
        continuous_at_0=continuous,
        differentiable_at_0=differentiable,
        autodiff_agrees_at_0=agrees,
        derivative_at_0=text,
        monotonic=_monotonic(yf),
        zero_centred=zero_centred,
        saturating_regions=tuple((float(xs[a]), float(xs[b])) for a, b in saturating_runs),
        dead_regions=tuple((float(xs[a]), float(xs[b])) for a, b in dead_runs),
        exact_at_0=z.exact,
        saturating_intervals=_intervals(saturating_runs, xs),
        dead_intervals=_intervals(dead_runs, xs),
    )
