"""activation_curves: f from Keras, f' from autodiff, checked against finite differences."""

from __future__ import annotations

import statistics
import time
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbkeras._keras import keras, tf
from nbkeras.activations import (
    MAX_POINTS,
    ActivationError,
    activation_curves,
    activation_names,
    activation_parameters,
)
from nbkeras.activations.formulas import formula

# 400 points: an even count, so the symmetric grid does not contain 0 (celu's autodiff
# is wrong at exactly 0, see FIELD-NOTES) or the integer kinks.
GRID = np.linspace(-4.0, 4.0, 400)


def _breaks(name: str, params: dict, x: np.ndarray, f) -> np.ndarray:
    """Where f is not differentiable: from the formula, else where f'' explodes."""
    known = formula(name, **params) if name in activation_names() else None
    if known is not None:
        return np.array(known.kinks + known.jumps, dtype=np.float64)
    h = 1e-4
    second = (f(x + h) - 2 * f(x) + f(x - h)) / h**2
    return x[np.abs(second) > 1e3]


def _central_difference(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    return (f(x + h) - f(x - h)) / (2 * h)


def _keras_f(name: str, params: dict):
    fn = getattr(keras().activations, name)
    full = {p.name: params.get(p.name, p.default) for p in activation_parameters(name)}
    return lambda x: np.asarray(fn(tf().constant(x), **full), dtype=np.float64)


CASES = [(name, {}) for name in activation_names()] + [
    ("leaky_relu", {"negative_slope": 0.1}),
    ("relu", {"negative_slope": 0.1, "max_value": 3.0, "threshold": -1.0}),
    ("relu", {"negative_slope": 0.05, "threshold": 1.0}),
    ("relu", {"max_value": 6.0}),
    ("elu", {"alpha": 2.0}),
    ("celu", {"alpha": 0.5}),
    ("gelu", {"approximate": True}),
    ("squareplus", {"b": 1.0}),
    ("hard_shrink", {"threshold": 1.2}),
    ("soft_shrink", {"threshold": 1.2}),
    ("threshold", {"threshold": -0.7, "default_value": 2.0}),
]


@pytest.mark.parametrize(("name", "params"), CASES, ids=lambda v: str(v))
def test_autodiff_matches_finite_differences_and_f_matches_keras(name, params):
    y, dy = activation_curves(name, GRID, **params)
    f = _keras_f(name, params)
    np.testing.assert_array_equal(y, f(GRID))

    breaks = _breaks(name, params, GRID, f)
    away = (
        np.all(np.abs(GRID[:, None] - breaks[None, :]) > 1e-3, axis=1) if breaks.size else (np.ones(GRID.shape, bool))
    )
    assert away.sum() > 300
    fd = _central_difference(f, GRID[away])
    np.testing.assert_allclose(dy[away], fd, rtol=1e-5, atol=1e-8)


def test_dtypes_follow_the_input():
    y, dy = activation_curves("gelu", np.linspace(-1, 1, 5))
    assert y.dtype == dy.dtype == np.float64
    y, dy = activation_curves("gelu", np.linspace(-1, 1, 5, dtype=np.float32))
    assert y.dtype == dy.dtype == np.float32
    y, dy = activation_curves("relu", np.arange(-2, 3))
    assert y.dtype == np.float32 and y.tolist() == [0, 0, 0, 1, 2]
    # float64 really is computed in float64: sigmoid(30) differs from 1 there.
    y, _ = activation_curves("sigmoid", np.array([30.0]))
    assert 0 < 1.0 - y[0] < 1e-12


def test_known_values():
    _, dy = activation_curves("sigmoid", np.array([0.0]))
    assert dy[0] == 0.25
    y, dy = activation_curves("tanh", np.array([0.0]))
    assert y[0] == 0.0 and dy[0] == 1.0
    _, dy = activation_curves("relu", np.array([-2.0, -1e-3, 1e-3, 2.0]))
    assert dy.tolist() == [0.0, 0.0, 1.0, 1.0]
    y, dy = activation_curves("leaky_relu", np.array([-3.0, -1.0, 1.0]), negative_slope=0.1)
    np.testing.assert_allclose(dy, [0.1, 0.1, 1.0])
    np.testing.assert_allclose(y, [-0.3, -0.1, 1.0])
    _, dy = activation_curves("leaky_relu", np.array([-1.0]))
    assert dy[0] == pytest.approx(0.2)  # Keras 3's default negative_slope
    y, _ = activation_curves("hard_sigmoid", np.array([-3.0, 0.0, 1.5, 3.0]))
    np.testing.assert_allclose(y, [0.0, 0.5, 0.75, 1.0])  # slope 1/6, not 0.2


def test_required_arguments_use_the_documented_defaults_and_can_be_set():
    (threshold, default_value) = activation_parameters("threshold")
    x = np.array([threshold.default - 0.5, threshold.default + 0.5])
    y, _ = activation_curves("threshold", x)
    assert y.tolist() == [default_value.default, threshold.default + 0.5]
    y, _ = activation_curves("threshold", np.array([-1.0, 1.0]), threshold=0.0, default_value=-5.0)
    assert y.tolist() == [-5.0, 1.0]


def test_bad_parameters_use_keras_wording():
    with pytest.raises(ValueError) as err:
        activation_curves("leaky_relu", GRID, slope=0.1)
    assert str(err.value) == (
        "Invalid argument `slope` for activation 'leaky_relu'. Received: slope=0.1. Expected one of: negative_slope."
    )
    with pytest.raises(ValueError, match="Expected no arguments"):
        activation_curves("tanh", GRID, alpha=1.0)
    with pytest.raises(ValueError, match=r"Received: approximate='yes'\. Expected True or False"):
        activation_curves("gelu", GRID, approximate="yes")
    with pytest.raises(ValueError, match=r"Received: alpha='big'\. Expected a finite float"):
        activation_curves("elu", GRID, alpha="big")
    with pytest.raises(ValueError, match="Expected a finite float"):
        activation_curves("elu", GRID, alpha=float("nan"))
    with pytest.raises(ValueError, match="Unknown activation 'rlu'. Did you mean one of 'relu'"):
        activation_curves("rlu", GRID)
    with pytest.raises(ValueError, match="cannot be drawn"):
        activation_curves("softmax", GRID)


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (np.zeros((2, 3)), r"x with shape \(2, 3\)\. Expected a 1-D array\."),
        (np.array([]), r"0 points\. Expected at least 1\."),
        (np.zeros(MAX_POINTS + 1), r"100001 points\. Expected at most 100000\."),
        (
            np.array([0.0, np.nan, np.inf]),
            r"x containing 2 non-finite values \(nan or inf\)\. Expected finite",
        ),
        (np.array(["a", "b"]), r"x with dtype <U1\. Expected a 1-D array of real numbers"),
        (np.array([1j]), r"x with dtype complex128\. Expected a 1-D"),
    ],
)
def test_x_is_validated(x, message):
    with pytest.raises(ValueError, match=r"^Invalid value for argument `x`\. Received: " + message):
        activation_curves("relu", x)


def test_too_many_points_message_matches_the_brief():
    with pytest.raises(ValueError, match="Received: 200000 points. Expected at most 100000."):
        activation_curves("relu", np.zeros(200_000))


def test_overflow_gives_inf_without_exception_or_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for dtype in (np.float32, np.float64):
            y, dy = activation_curves("exponential", np.array([0.0, 1000.0], dtype=dtype))
            assert y[0] == 1.0 and np.isinf(y[1]) and np.isinf(dy[1])


def test_custom_callable():
    x = np.linspace(-2, 2, 9)
    y, dy = activation_curves(lambda t: t * t * t, x)
    np.testing.assert_allclose(y, x**3)
    np.testing.assert_allclose(dy, 3 * x**2)

    def scaled_tanh(t, k=1.0):
        return keras().ops.tanh(k * t)

    _, dy = activation_curves(scaled_tanh, np.array([0.0]), k=3.0)
    assert dy[0] == pytest.approx(3.0)
    with pytest.raises(ValueError, match=r"Invalid argument `q` for activation 'scaled_tanh'"):
        activation_curves(scaled_tanh, x, q=1)

    # A constant output still has a derivative: zero.
    _, dy = activation_curves(lambda t: tf().ones_like(t), x)
    assert dy.tolist() == [0.0] * 9


def test_raising_custom_callable_gives_activation_error():
    def my_fn(t):
        return 1 / 0

    with pytest.raises(ActivationError) as err:
        activation_curves(my_fn, np.array([-1.0, 0.5, 2.0]))
    assert isinstance(err.value, ValueError)
    assert str(err.value).startswith(
        "Custom activation my_fn raised ZeroDivisionError: division by zero for x in [-1, 2]"
    )
    assert isinstance(err.value.__cause__, ZeroDivisionError)


def test_unusable_custom_outputs_are_reported():
    with pytest.raises(ActivationError, match="returned ndarray, not a tensor"):
        activation_curves(lambda t: np.tanh(np.asarray(t)), GRID)
    with pytest.raises(ActivationError, match="is not element-wise"):
        activation_curves(lambda t: tf().reduce_sum(t), GRID)


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(["sigmoid", "gelu", "relu", "mish", "hard_silu"]),
    values=st.lists(st.floats(-50, 50, allow_nan=False), min_size=1, max_size=40),
    cut=st.integers(0, 40),
)
def test_curves_are_element_wise(name, values, cut):
    x = np.array(values, dtype=np.float64)
    y, dy = activation_curves(name, x)
    cut = min(cut, x.size - 1)
    y_part, dy_part = activation_curves(name, x[cut:])
    # Not bit-equal: TensorFlow's vectorised kernels round the tail of an array
    # differently (mish'(0) is 0.6 or 0.6000000000000001 depending on the length).
    np.testing.assert_allclose(y[cut:], y_part, rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(dy[cut:], dy_part, rtol=1e-13, atol=1e-300)
    if name == "sigmoid":
        assert np.all((y >= 0) & (y <= 1)) and np.all((dy >= 0) & (dy <= 0.25))


@pytest.mark.parametrize("name", ["relu", "gelu"])
def test_speed_1000_points(name):
    x = np.linspace(-5, 5, 1000, dtype=np.float32)
    for _ in range(20):
        activation_curves(name, x)
    times = []
    for _ in range(200):
        start = time.perf_counter()
        activation_curves(name, x)
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.020
