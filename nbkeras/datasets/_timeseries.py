"""Synthetic sequences for recurrent models (SimpleRNN, GRU, LSTM, Conv1D)."""

from __future__ import annotations

import numpy as np

from nbkeras._validate import check_fraction, check_int, check_number, check_seed
from nbkeras.datasets._split import shuffle_split

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

# Periods between 8 and 32 steps: short enough that a 32-step window sees at least one
# full cycle of every component, long enough that each cycle has several samples.
_MIN_FREQUENCY = 1 / 32
_MAX_FREQUENCY = 1 / 8
# Each component's weight before normalising: no component is negligible.
_MIN_WEIGHT = 0.2


def sine_waves(
    n_samples: int = 1000,
    timesteps: int = 32,
    horizon: int = 1,
    n_components: int = 2,
    noise: float = 0.05,
    test_size: float = 0.2,
    seed: int = 0,
) -> Split:
    """Noisy sums of sine waves, cut into (window, next value) pairs for forecasting.

    Each sample is its own series, observed at integer steps ``t = 0, 1, 2, ...``::

        s(t) = sum_j a_j * sin(2 * pi * f_j * t + phi_j) + e(t)

    with, independently per sample and per component ``j < n_components``:

    - frequency ``f_j`` uniform in [1/32, 1/8] cycles per step (periods of 8 to 32 steps);
    - phase ``phi_j`` uniform in [0, 2 pi);
    - weight uniform in [0.2, 1], then the weights of a sample are divided by their sum,
      so the noise-free signal stays within [-1, 1];
    - noise ``e(t)`` Gaussian with standard deviation ``noise``, drawn for every step.

    ``x`` is the window ``s(0) .. s(timesteps - 1)`` and ``y`` is ``s(timesteps +
    horizon - 1)``, the value ``horizon`` steps after the window, noise included. So
    even a perfect model has a mean squared error of about ``noise ** 2``. Because the
    frequencies differ from sample to sample, a model has to infer them from the window,
    which is what makes this a sequence problem rather than a lookup.

    Args:
        n_samples: Number of windows (train + test), at least 2.
        timesteps: Length of each input window, at least 2.
        horizon: How many steps after the window the target lies, at least 1 (1 means
            the very next value).
        n_components: Number of sines summed per series, at least 1.
        noise: Standard deviation of the Gaussian observation noise, >= 0.
        test_size: Fraction of windows held out for the test set, in (0, 1).
        seed: Seed for ``numpy.random.default_rng``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x float32 of shape ``(n, timesteps, 1)``
        (the trailing feature axis that ``keras.layers.LSTM`` expects), y float32 of
        shape ``(n, 1)``.

    Example:

        >>> (x_train, y_train), (x_test, y_test) = sine_waves(n_samples=100, timesteps=16)
        >>> x_train.shape, y_train.shape
        ((80, 16, 1), (80, 1))
    """
    n_samples = check_int("n_samples", n_samples, min_value=2)
    timesteps = check_int("timesteps", timesteps, min_value=2)
    horizon = check_int("horizon", horizon, min_value=1)
    n_components = check_int("n_components", n_components, min_value=1)
    noise = check_number("noise", noise, min_value=0)
    test_size = check_fraction("test_size", test_size)
    rng = np.random.default_rng(check_seed(seed))

    shape = (n_samples, n_components, 1)
    frequency = rng.uniform(_MIN_FREQUENCY, _MAX_FREQUENCY, shape)
    phase = rng.uniform(0.0, 2 * np.pi, shape)
    weight = rng.uniform(_MIN_WEIGHT, 1.0, shape)
    weight /= weight.sum(axis=1, keepdims=True)
    # Split before drawing the noise, so changing `horizon` (which changes how much
    # noise is drawn) keeps the same rows in the same sets.
    train, test = shuffle_split(n_samples, test_size, rng)

    steps = np.arange(timesteps + horizon)
    series = (weight * np.sin(2 * np.pi * frequency * steps + phase)).sum(axis=1)
    series += rng.normal(0.0, noise, series.shape)
    x = series[:, :timesteps, None].astype(np.float32)
    y = series[:, -1:].astype(np.float32)
    return (x[train], y[train]), (x[test], y[test])
