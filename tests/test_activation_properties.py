"""activation_properties: measured from the curves, including where autodiff is wrong."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nbkeras.activations import activation_curves, activation_properties

X = np.linspace(-5.0, 5.0, 1001)  # contains 0 exactly
WIDE = np.linspace(-10.0, 10.0, 2001)


def props(name, x=X, *, exact=True, **params):
    y, dy = activation_curves(name, x, **params)
    return activation_properties(x, y, dy, activation=name if exact else None, params=params if exact else None)


def test_relu():
    p = props("relu")
    assert p.dead_regions == ((-5.0, 0.0),)
    assert p.saturating_regions == ((-5.0, 0.0),)
    assert p.f0 == 0.0
    assert p.left_derivative_0 == pytest.approx(0.0, abs=1e-9)
    assert p.right_derivative_0 == pytest.approx(1.0, abs=1e-6)
    assert p.differentiable_at_0 is False and p.continuous_at_0 is True
    assert p.autodiff_derivative_0 == 0.0 and p.autodiff_agrees_at_0 is True
    assert p.derivative_at_0 == ("not differentiable at 0 (left 0, right 1); Keras's autodiff returns 0")
    assert p.monotonic == "non-decreasing"
    assert p.zero_centred is False  # never negative
    assert p.output_range == (0.0, 5.0)


def test_relu_from_samples_only():
    p = props("relu", exact=False)
    assert p.exact_at_0 is False
    assert p.differentiable_at_0 is False
    assert p.left_derivative_0 == 0.0 and p.right_derivative_0 == pytest.approx(1.0)
    assert p.dead_regions == ((-5.0, 0.0),)
    # Without 0 among the samples f(0) is interpolated and autodiff at 0 is unknown.
    x = np.linspace(-5, 5, 1000)
    q = activation_properties(x, *activation_curves("relu", x))
    assert q.f0 == pytest.approx(0.0, abs=1e-2) and q.autodiff_derivative_0 is None
    assert q.differentiable_at_0 is False


def test_tanh():
    p = props("tanh", WIDE)
    assert p.zero_centred is True
    assert p.monotonic == "non-decreasing"
    assert p.differentiable_at_0 is True and p.derivative_at_0 == "1"
    (left, right) = p.saturating_regions
    assert left[0] == -10.0 and right[1] == 10.0
    assert -4.5 < left[1] < -3.5 and 3.5 < right[0] < 4.5  # |1 - tanh^2| < 1e-3
    assert p.dead_regions == ()
    assert -1 < p.output_range[0] < -0.99 and 0.99 < p.output_range[1] < 1


def test_sigmoid():
    p = props("sigmoid")
    assert p.f0 == 0.5
    assert p.zero_centred is False
    assert p.left_derivative_0 == pytest.approx(0.25, abs=1e-9)
    assert p.right_derivative_0 == pytest.approx(0.25, abs=1e-9)
    assert p.derivative_at_0 == "0.25" and p.autodiff_agrees_at_0 is True
    assert dict(p.rows())["Zero-centred"] == "no: f(0) = 0.5"
    assert len(props("sigmoid", WIDE).saturating_regions) == 2


def test_celu_autodiff_at_0_is_flagged():
    p = props("celu")
    assert p.left_derivative_0 == pytest.approx(1.0, abs=1e-6)
    assert p.right_derivative_0 == pytest.approx(1.0, abs=1e-6)
    assert p.differentiable_at_0 is True
    assert p.autodiff_derivative_0 == 2.0  # TensorFlow's value (FIELD-NOTES)
    assert p.autodiff_agrees_at_0 is False
    assert "Keras's autodiff returns 2" in p.derivative_at_0
    assert "wrong" in p.derivative_at_0


def test_leaky_relu_and_elu():
    p = props("leaky_relu", negative_slope=0.1)
    assert p.differentiable_at_0 is False and p.autodiff_agrees_at_0 is True
    assert p.left_derivative_0 == pytest.approx(0.1)
    assert p.zero_centred is True and p.dead_regions == ()
    assert props("elu").differentiable_at_0 is True
    assert props("elu", alpha=2.0).differentiable_at_0 is False


def test_jump_at_0():
    p = props("threshold", threshold=0.0, default_value=-1.0)
    assert p.continuous_at_0 is False and p.differentiable_at_0 is False
    assert p.derivative_at_0.startswith("not continuous at 0 (jumps from -1 to ")
    assert p.left_derivative_0 == pytest.approx(0.0) and p.right_derivative_0 == pytest.approx(1.0)
    assert p.dead_regions == ((-5.0, 0.0),)


def test_silu_is_not_monotonic_and_its_minimum_is_not_saturation():
    p = props("silu")
    assert p.monotonic == "neither"
    assert p.saturating_regions == ()


def test_decreasing_constant_and_custom():
    x = np.linspace(-2, 2, 101)
    p = activation_properties(x, *activation_curves(lambda t: -t, x), activation=lambda t: -t)
    assert p.monotonic == "non-increasing"
    c = activation_properties(x, np.ones_like(x), np.zeros_like(x))
    assert c.monotonic == "constant" and c.dead_regions == ((-2.0, 2.0),)
    cube = activation_properties(x, *activation_curves(lambda t: t * t * t, x), activation=lambda t: t * t * t)
    assert cube.differentiable_at_0 and cube.autodiff_derivative_0 == 0.0
    assert cube.monotonic == "non-decreasing" and cube.zero_centred


def test_interior_dead_zone():
    p = props("hard_shrink", threshold=1.0)
    assert len(p.dead_regions) == 1
    lo, hi = p.dead_regions[0]
    assert lo == pytest.approx(-1.0, abs=0.011) and hi == pytest.approx(1.0, abs=0.011)


def test_overflow_becomes_gaps():
    x = np.array([-1.0, 0.0, 1.0, 800.0, 1000.0])  # e^x overflows float64 above ~709.8
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y, dy = activation_curves("exponential", x)
        p = activation_properties(x, y, dy, activation="exponential")
    assert p.gaps == 2
    assert p.output_range == pytest.approx((np.exp(-1), np.e))
    assert "2 points overflowed" in dict(p.rows())["Output range"]


def test_zero_outside_the_interval():
    x = np.linspace(1, 3, 50)
    p = activation_properties(x, *activation_curves("tanh", x))
    assert p.f0 is None and p.zero_centred is None
    assert p.derivative_at_0.startswith("unknown")


def test_rows_and_unordered_input():
    order = np.random.default_rng(0).permutation(X.size)
    y, dy = activation_curves("relu", X)
    p = activation_properties(X[order], y[order], dy[order], activation="relu")
    rows = p.rows()
    assert [label for label, _ in rows] == [
        "Interval", "Output range", "f(0)", "f'(0)", "Monotonic", "Zero-centred",
        "Saturating (|f'| < 0.001)", "Dead (f' = 0)",
    ]  # fmt: skip
    assert all(isinstance(v, str) for _, v in rows)
    assert dict(rows)["Dead (f' = 0)"] == "[-5, 0)"
    assert dict(rows)["f'(0)"].startswith("not differentiable at 0 (left 0, right 1)")


def test_mismatched_arrays_are_rejected():
    message = r"Invalid value for argument `dy`.*Expected a 1-D array of 3"
    with pytest.raises(ValueError, match=message):
        activation_properties([0, 1, 2], [0, 1, 2], [0, 1])


GRID = np.linspace(-6.0, 6.0, 1000)  # the explorer's default: 0 is not a sample


@pytest.mark.parametrize(
    ("name", "saturating", "dead"),
    [
        # relu's dead run ends at the sample -0.006006: the region it stands for is [-6, 0).
        ("relu", "[-6, 0)", "[-6, 0)"),
        ("relu6", "[-6, 0)", "[-6, 0)"),
        ("hard_sigmoid", "[-6, -3), (3, 6]", "[-6, -3), (3, 6]"),
        ("hard_silu", "[-6, -3)", "[-6, -3)"),
        ("hard_shrink", "(-0.5, 0.5)", "(-0.5, 0.5)"),
        ("tanh", "[-6, -4.14), (4.14, 6]", "none"),
        ("gelu", "[-6, -3.81)", "none"),
        ("hard_tanh", "[-6, -1), (1, 6]", "[-6, -1), (1, 6]"),
        ("sparse_plus", "[-6, -1)", "[-6, -1)"),
    ],
)
def test_printed_regions_are_the_mathematical_regions(name, saturating, dead):
    """Interior ends print as the roundest number between the grid points around them, open."""
    rows = dict(props(name, GRID).rows())
    assert rows["Saturating (|f'| < 0.001)"] == saturating
    assert rows["Dead (f' = 0)"] == dead


def test_region_ends_lie_between_the_samples_around_them():
    p = props("sigmoid", np.linspace(-10.0, 10.0, 1000))
    left, right = p.saturating_intervals
    assert (left.lo, left.closed_lo, left.closed_hi) == (-10.0, True, False)
    assert (right.hi, right.closed_lo, right.closed_hi) == (10.0, False, True)
    # sigmoid'(x) = 1e-3 at |x| = 6.9058: the printed end is a round number within one grid step.
    assert left.hi == -6.9 and right.lo == 6.9
    (first, last) = p.saturating_regions[0]
    assert first == -10.0 and last < left.hi < last + 20 / 999
