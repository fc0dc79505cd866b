"""Two-dimensional toy classification sets, in the spirit of the TensorFlow Playground.

Every set lives roughly in the square [-1.5, 1.5] x [-1.5, 1.5] (so a network needs no
input scaling), has balanced classes, and adds isotropic Gaussian noise of standard
deviation ``noise`` to both coordinates. With ``noise=0`` the classes are perfectly
separable (by a curve a small MLP can learn).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nbkeras._validate import (
    check_fraction,
    check_int,
    check_number,
    check_seed,
    invalid_value,
)
from nbkeras.datasets._split import balanced_counts, stratified_split

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

# Spiral arms wind 1.75 times from the centre to radius 1, as in the Playground.
_SPIRAL_TURNS = 1.75
# XOR points stay this far from the axes, so noise=0 gives no ambiguous labels.
_XOR_MARGIN = 0.05


def _common(n_samples: Any, noise: Any, test_size: Any, seed: Any, *, min_samples: int = 2):
    return (
        check_int("n_samples", n_samples, min_value=min_samples),
        check_number("noise", noise, min_value=0),
        check_fraction("test_size", test_size),
        np.random.default_rng(check_seed(seed)),
    )


def _finish(parts: list[np.ndarray], noise: float, test_size: float, rng: np.random.Generator) -> Split:
    # parts[k] holds the noise-free points of class k.
    x = np.concatenate(parts)
    y = np.concatenate([np.full(len(p), k) for k, p in enumerate(parts)])
    # Drawn even when noise == 0, so the same seed gives the same points and the same
    # split at every noise level: only the noise itself changes.
    x = x + rng.normal(0.0, noise, size=x.shape)
    train, test = stratified_split(y, test_size, rng)
    x = x.astype(np.float32)
    y = y.astype(np.int32)
    return (x[train], y[train]), (x[test], y[test])


def spirals(
    n_samples: int = 1000,
    noise: float = 0.05,
    n_classes: int = 2,
    test_size: float = 0.2,
    seed: int = 0,
) -> Split:
    """Interleaved spiral arms, one per class (the Playground's hardest set).

    Class ``k`` is the arm ``(r cos t, r sin t)`` with ``r`` uniform in [0, 1] and
    ``t = 2*pi*1.75*r + 2*pi*k/n_classes``: each arm winds 1.75 turns, and the arms are
    rotated copies of one another.

    Args:
        n_samples: Total number of points (train + test), at least ``n_classes``.
        noise: Standard deviation of the Gaussian noise added to each coordinate.
        n_classes: Number of arms (classes), at least 2.
        test_size: Fraction of points held out for the test set, in (0, 1).
        seed: Seed for ``numpy.random.default_rng``; same seed, same arrays.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x float32 of shape ``(n, 2)``, y int32
        of shape ``(n,)`` with labels ``0 .. n_classes - 1``.

    Example:

        >>> (x_train, y_train), (x_test, y_test) = spirals(n_samples=500)
        >>> x_train.shape, y_train.dtype
        ((400, 2), dtype('int32'))
    """
    n_classes = check_int("n_classes", n_classes, min_value=2)
    n_samples, noise, test_size, rng = _common(n_samples, noise, test_size, seed, min_samples=n_classes)
    parts = []
    for k, m in enumerate(balanced_counts(n_samples, n_classes)):
        r = rng.uniform(0.0, 1.0, m)
        t = 2 * np.pi * _SPIRAL_TURNS * r + 2 * np.pi * k / n_classes
        parts.append(np.column_stack([r * np.cos(t), r * np.sin(t)]))
    return _finish(parts, noise, test_size, rng)


def moons(n_samples: int = 1000, noise: float = 0.1, test_size: float = 0.2, seed: int = 0) -> Split:
    """Two interleaving half circles, like scikit-learn's ``make_moons`` but centred.

    Class 0 is the upper arc ``(cos t, sin t)``, class 1 the lower arc
    ``(1 - cos t, 0.5 - sin t)``, with ``t`` uniform in [0, pi]; both are shifted by
    ``(-0.5, -0.25)`` so the set is centred on the origin.

    Args:
        n_samples: Total number of points (train + test), at least 2.
        noise: Standard deviation of the Gaussian noise added to each coordinate.
        test_size: Fraction of points held out for the test set, in (0, 1).
        seed: Seed for ``numpy.random.default_rng``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x float32 ``(n, 2)``, y int32 ``(n,)``
        in {0, 1}.

    Example:

        >>> (x_train, y_train), _ = moons(n_samples=200, noise=0.05)
        >>> sorted(set(y_train.tolist()))
        [0, 1]
    """
    n_samples, noise, test_size, rng = _common(n_samples, noise, test_size, seed)
    upper, lower = balanced_counts(n_samples, 2)
    t0 = rng.uniform(0.0, np.pi, upper)
    t1 = rng.uniform(0.0, np.pi, lower)
    shift = np.array([0.5, 0.25])
    parts = [
        np.column_stack([np.cos(t0), np.sin(t0)]) - shift,
        np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)]) - shift,
    ]
    return _finish(parts, noise, test_size, rng)


def circles(
    n_samples: int = 1000,
    noise: float = 0.05,
    factor: float = 0.5,
    test_size: float = 0.2,
    seed: int = 0,
) -> Split:
    """Two concentric circles: class 0 on the outer one (radius 1), class 1 inside.

    Points are uniform in angle on a circle of radius 1 (class 0) or ``factor``
    (class 1), so the distance from the origin alone separates the classes.

    Args:
        n_samples: Total number of points (train + test), at least 2.
        noise: Standard deviation of the Gaussian noise added to each coordinate.
        factor: Radius of the inner circle relative to the outer one, in (0, 1).
        test_size: Fraction of points held out for the test set, in (0, 1).
        seed: Seed for ``numpy.random.default_rng``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x float32 ``(n, 2)``, y int32 ``(n,)``
        in {0, 1}.

    Example:

        >>> (x_train, y_train), _ = circles(noise=0)
        >>> float(abs(x_train[y_train == 0]).max()) <= 1.0
        True
    """
    factor = check_fraction("factor", factor)
    n_samples, noise, test_size, rng = _common(n_samples, noise, test_size, seed)
    parts = []
    for radius, m in zip((1.0, factor), balanced_counts(n_samples, 2)):
        t = rng.uniform(0.0, 2 * np.pi, m)
        parts.append(radius * np.column_stack([np.cos(t), np.sin(t)]))
    return _finish(parts, noise, test_size, rng)


def xor(n_samples: int = 1000, noise: float = 0.05, test_size: float = 0.2, seed: int = 0) -> Split:
    """The four-quadrant XOR pattern: the label is (x > 0) XOR (y > 0).

    Points are uniform in the square [-1, 1]^2 minus a thin band of width 0.05 along
    each axis (so noise-free labels are unambiguous). Class 1 holds the quadrants where
    the coordinates have opposite signs. No straight line separates the classes, which
    is why a model needs a hidden layer.

    Args:
        n_samples: Total number of points (train + test), at least 2.
        noise: Standard deviation of the Gaussian noise added to each coordinate (after
            labelling, so noisy points near the axes may sit in the "wrong" quadrant).
        test_size: Fraction of points held out for the test set, in (0, 1).
        seed: Seed for ``numpy.random.default_rng``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x float32 ``(n, 2)``, y int32 ``(n,)``
        in {0, 1}.

    Example:

        >>> (x_train, y_train), _ = xor(noise=0)
        >>> bool(((x_train[:, 0] * x_train[:, 1] < 0) == (y_train == 1)).all())
        True
    """
    n_samples, noise, test_size, rng = _common(n_samples, noise, test_size, seed)
    parts = []
    for k, m in enumerate(balanced_counts(n_samples, 2)):
        magnitude = rng.uniform(_XOR_MARGIN, 1.0, size=(m, 2))
        sign_x = rng.choice([-1.0, 1.0], size=m)
        sign_y = -sign_x if k == 1 else sign_x
        parts.append(magnitude * np.column_stack([sign_x, sign_y]))
    return _finish(parts, noise, test_size, rng)


def blobs(
    n_samples: int = 1000,
    noise: float = 0.2,
    n_classes: int | None = None,
    centers: Any = None,
    test_size: float = 0.2,
    seed: int = 0,
) -> Split:
    """Gaussian clusters, one per class.

    By default the centres sit evenly spaced on the unit circle, rotated by a random
    angle drawn from ``seed``; pass ``centers`` to place them yourself.

    Args:
        n_samples: Total number of points (train + test), at least the number of classes.
        noise: Standard deviation of each cluster along each coordinate.
        n_classes: Number of clusters, at least 2. Defaults to 3, or to
            ``len(centers)`` when ``centers`` is given (and must then agree with it).
        centers: Optional array-like of shape ``(n_classes, 2)`` with finite cluster centres.
        test_size: Fraction of points held out for the test set, in (0, 1).
        seed: Seed for ``numpy.random.default_rng``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x float32 ``(n, 2)``, y int32 ``(n,)``;
        label ``k`` is the cluster around ``centers[k]``.

    Example:

        >>> (x_train, y_train), _ = blobs(centers=[[-1, 0], [1, 0]], noise=0.1)
        >>> bool((x_train[y_train == 0, 0] < 0).mean() > 0.99)
        True
    """
    if centers is not None:
        try:
            centers = np.asarray(centers, dtype=np.float64)
        except (TypeError, ValueError):
            raise invalid_value(
                "centers", centers, "an array-like of shape (n_classes, 2)", received="centers that are not numeric"
            ) from None
        if centers.ndim != 2 or centers.shape[1] != 2 or len(centers) < 2 or not np.isfinite(centers).all():
            raise invalid_value(
                "centers",
                centers,
                "a finite array of shape (n_classes, 2) with n_classes >= 2",
                received=f"centers with shape {centers.shape}",
            )
        if n_classes is None:
            n_classes = len(centers)
        n_classes = check_int("n_classes", n_classes, min_value=2)
        if n_classes != len(centers):
            raise invalid_value("n_classes", n_classes, f"{len(centers)} (the number of rows of `centers`) or None")
    else:
        n_classes = check_int("n_classes", 3 if n_classes is None else n_classes, min_value=2)
    n_samples, noise, test_size, rng = _common(n_samples, noise, test_size, seed, min_samples=n_classes)
    if centers is None:
        angles = rng.uniform(0.0, 2 * np.pi) + 2 * np.pi * np.arange(n_classes) / n_classes
        centers = np.column_stack([np.cos(angles), np.sin(angles)])
    parts = [np.repeat(centers[k : k + 1], m, axis=0) for k, m in enumerate(balanced_counts(n_samples, n_classes))]
    return _finish(parts, noise, test_size, rng)
