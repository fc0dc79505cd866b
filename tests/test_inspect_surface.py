"""Tests for nbkeras.inspect.surface: the grid covers the data, probabilities are the model's on that grid."""

from __future__ import annotations

import numpy as np
import pytest

from nbkeras import datasets
from nbkeras.inspect import decision_surface
from nbkeras.inspect.surface import surface_grid


@pytest.fixture(scope="module")
def k():
    from nbkeras._keras import keras

    mod = keras()
    mod.utils.set_random_seed(3)
    yield mod
    mod.backend.clear_session()


@pytest.fixture(scope="module")
def spirals():
    return datasets.spirals(n_samples=400, n_classes=3)


@pytest.fixture(scope="module")
def mlp(k, spirals):
    (x, y), _ = spirals
    model = k.Sequential(
        [k.Input((2,)), k.layers.Dense(16, activation="relu"), k.layers.Dense(3, activation="softmax")], name="mlp"
    )
    model.compile(k.optimizers.Adam(0.02), "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=5, verbose=0)
    return model


def test_surface_is_the_models_output_on_a_padded_grid(mlp, spirals):
    (x, y), _ = spirals
    surface = decision_surface(mlp, x, y, resolution=37)
    lo, hi = x.min(axis=0).astype(np.float64), x.max(axis=0).astype(np.float64)
    span = hi - lo
    np.testing.assert_allclose(surface.xs, np.linspace(lo[0] - 0.1 * span[0], hi[0] + 0.1 * span[0], 37))
    np.testing.assert_allclose(surface.ys, np.linspace(lo[1] - 0.1 * span[1], hi[1] + 0.1 * span[1], 37))
    assert surface.probabilities.shape == (37, 37, 3)
    # Row j, column i is the point (xs[i], ys[j]): compare with Keras's own predict there.
    gx, gy = np.meshgrid(surface.xs, surface.ys)
    points = np.stack([gx.ravel(), gy.ravel()], axis=1).astype("float32")
    expected = mlp.predict(points, verbose=0).reshape(37, 37, 3)
    np.testing.assert_allclose(surface.probabilities, expected, rtol=1e-5, atol=1e-7)
    j, i = 5, 30
    np.testing.assert_allclose(
        surface.probabilities[j, i],
        mlp.predict(np.array([[surface.xs[i], surface.ys[j]]], "float32"), verbose=0)[0],
        rtol=1e-5,
    )
    np.testing.assert_array_equal(surface.predicted_class, np.argmax(expected, axis=-1))
    assert len(np.unique(surface.predicted_class)) > 1  # the test looks at a real boundary
    # Small batches, same numbers; without y, same numbers.
    np.testing.assert_allclose(
        decision_surface(mlp, x, resolution=37, batch_size=100).probabilities, expected, rtol=1e-5
    )


def test_grid_padding_and_a_flat_axis():
    xs, ys = surface_grid(np.array([[0.0, 5.0], [2.0, 5.0]]), resolution=5, padding=0.25)
    np.testing.assert_allclose(xs, np.linspace(-0.5, 2.5, 5))
    np.testing.assert_allclose(ys, np.linspace(4.5, 5.5, 5))  # all points at 5: ±0.5
    np.testing.assert_allclose(surface_grid(np.array([[0.0, 0.0], [1.0, 1.0]]), 3, padding=0)[0], [0, 0.5, 1])


def test_a_single_sigmoid_unit_gives_two_classes(k):
    (x, y), _ = datasets.moons(n_samples=200)
    model = k.Sequential([k.Input((2,)), k.layers.Dense(1, activation="sigmoid")])
    surface = decision_surface(model, x, resolution=10)
    gx, gy = np.meshgrid(surface.xs, surface.ys)
    p = model.predict(np.stack([gx.ravel(), gy.ravel()], axis=1).astype("float32"), verbose=0).reshape(10, 10)
    np.testing.assert_allclose(surface.probabilities[..., 1], p, rtol=1e-6)
    np.testing.assert_allclose(surface.probabilities.sum(axis=-1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(surface.predicted_class, (p > 0.5).astype(int))


def test_only_two_dimensional_inputs(k, mlp, spirals):
    (x, y), _ = spirals
    three = k.Sequential([k.Input((3,)), k.layers.Dense(2)], name="three")
    with pytest.raises(ValueError, match=r"Received: a model with input shape \(None, 3\)\. Expected a model with 2"):
        decision_surface(three, np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"Received: x of shape \(4, 3\)\. Expected 2-D points of shape \(N, 2\)"):
        decision_surface(mlp, np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"y with 3 examples and x with 320"):
        decision_surface(mlp, x, y[:3])
    with pytest.raises(ValueError, match=r"`resolution`.*Expected an integer between 2 and 2000"):
        decision_surface(mlp, x, resolution=1)
    with pytest.raises(ValueError, match=r"finite coordinates"):
        decision_surface(mlp, np.array([[0.0, np.nan]]))
