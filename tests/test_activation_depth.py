"""The through-depth experiment: vanishing gradients, stable relu/He, saturating tanh."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nbkeras.activations import ActivationError, depth_experiment


def test_sigmoid_with_glorot_vanishes():
    r = depth_experiment("sigmoid", n_layers=20)
    norms = r.gradient_norms()
    assert norms.shape == (20,)
    assert norms[0] < 1e-6 * norms[-1]
    assert np.all(np.diff(np.log(norms)) > 0)  # shrinks at every layer going back


def test_relu_with_he_normal_keeps_the_scale():
    he = depth_experiment("relu", initializer="he_normal", n_layers=10)
    stds = he.activation_stds()
    assert 0.5 < stds[-1] / stds[0] < 2.0
    # The same relu with Glorot loses about half the variance per layer.
    glorot = depth_experiment("relu", initializer="glorot_uniform", n_layers=10)
    assert glorot.activation_stds()[-1] / glorot.activation_stds()[0] < 0.15
    # Half the relu units are exactly zero.
    assert np.all((he.fraction_zero() > 0.35) & (he.fraction_zero() < 0.65))


def test_tanh_with_large_random_normal_saturates():
    big = depth_experiment("tanh", initializer="random_normal", stddev=1.0, n_layers=10)
    assert np.all(big.fraction_saturated() > 0.5)  # |a| > 0.99 for most units
    last = big.layers[-1].activations
    outer = last.counts[(last.edges[:-1] <= -0.99) | (last.edges[1:] >= 0.99)].sum()
    assert outer / last.counts.sum() > 0.5
    calm = depth_experiment("tanh", n_layers=10)
    assert np.all(calm.fraction_saturated()[1:] < 0.05)


def test_histograms_and_metadata():
    r = depth_experiment("relu", n_layers=3, width=16, batch_size=32, bins=12, seed=3)
    assert (r.n_layers, r.width, r.batch_size, r.bins, r.seed) == (3, 16, 32, 12, 3)
    assert r.initializer == "glorot_uniform" and r.stddev is None
    assert "sum" in r.loss
    for i, layer in enumerate(r.layers, start=1):
        assert layer.index == i
        assert layer.activations.counts.shape == (12,) and layer.activations.edges.shape == (13,)
        assert layer.activations.counts.sum() == 32 * 16
        assert layer.kernel_gradient.counts.sum() == 16 * 16
        assert layer.activations.min >= 0.0 and layer.activations.nonfinite == 0
        assert layer.kernel_gradient_norm > 0


def test_deterministic_for_a_seed():
    a = depth_experiment("gelu", n_layers=4, seed=7)
    b = depth_experiment("gelu", n_layers=4, seed=7)
    c = depth_experiment("gelu", n_layers=4, seed=8)
    np.testing.assert_array_equal(a.gradient_norms(), b.gradient_norms())
    for la, lb in zip(a.layers, b.layers):
        np.testing.assert_array_equal(la.activations.counts, lb.activations.counts)
        np.testing.assert_array_equal(la.kernel_gradient.edges, lb.kernel_gradient.edges)
    assert not np.array_equal(a.gradient_norms(), c.gradient_norms())


def test_params_and_custom_activations():
    r = depth_experiment("leaky_relu", n_layers=2, negative_slope=0.0)
    assert r.params == {"negative_slope": 0.0}
    assert r.fraction_zero()[0] > 0.35  # slope 0 behaves like relu
    cube = depth_experiment(lambda t: t * t * t, n_layers=2, width=8)
    assert cube.activation == "<lambda>"
    with pytest.raises(ValueError, match="Invalid argument `slope`"):
        depth_experiment("leaky_relu", slope=0.1)

    def broken(t):
        raise RuntimeError("nope")

    with pytest.raises(ActivationError, match="Custom activation broken raised RuntimeError"):
        depth_experiment(broken, n_layers=2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"n_layers": 0},
            r"`n_layers`\. Received: n_layers=0\. Expected an integer between 1 and 100",
        ),
        ({"n_layers": 101}, "between 1 and 100"),
        ({"n_layers": 2.5}, r"Invalid type for argument `n_layers`\. Received: n_layers=2\.5 \(of type float\)"),
        ({"width": 0}, r"`width`.*between 1 and 2048"),
        ({"width": 4096}, "between 1 and 2048"),
        (
            {"initializer": "orthogonal"},
            "Expected one of 'glorot_uniform', 'he_normal', 'random_normal'",
        ),
        ({"stddev": 0.1}, "stddev applies only to initializer='random_normal'"),
        ({"initializer": "random_normal", "stddev": -1.0}, "Expected a number > 0"),
        ({"bins": 0}, "`bins`"),
        ({"seed": -1}, "`seed`"),
    ],
)
def test_arguments_are_validated(kwargs, message):
    # A value of the wrong type (n_layers=2.5) is a TypeError, as everywhere in nbkeras.
    with pytest.raises((ValueError, TypeError), match=message):
        depth_experiment("relu", **kwargs)


def test_initializer_names_are_exported():
    from nbkeras.activations.depth import DEPTH_INITIALIZERS

    assert DEPTH_INITIALIZERS == ("glorot_uniform", "he_normal", "random_normal")


def test_overflow_is_counted_not_raised():
    with warnings.catch_warnings():
        warnings.simplefilter("error", category=RuntimeWarning)
        r = depth_experiment("exponential", initializer="random_normal", stddev=3.0, n_layers=4)
    assert r.layers[-1].activations.nonfinite > 0
    assert r.stddev == 3.0
