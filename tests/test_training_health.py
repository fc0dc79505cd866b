"""Tests for nbkeras.training.health: dead ReLUs, saturation, gradient norms, side effects."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nbkeras.training.health import HealthProbe, HealthReport


@pytest.fixture(scope="module")
def k():
    from nbkeras._keras import keras

    mod = keras()
    mod.utils.set_random_seed(0)
    yield mod
    mod.backend.clear_session()


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (100, 4)).astype("float32")
    y = rng.standard_normal((100, 1)).astype("float32")
    return x, y


def _manual_grad_norms(k, model, x, y):
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = k.losses.MeanSquaredError()(y, model(x, training=False))
    norms = {}
    grads = tape.gradient(loss, model.trainable_weights)
    by_id = {id(w): g for w, g in zip(model.trainable_weights, grads, strict=True)}
    for layer in model.layers:
        if layer.trainable_weights:
            squares = [float(np.sum(np.square(by_id[id(w)].numpy()))) for w in layer.trainable_weights]
            norms[layer.name] = math.sqrt(sum(squares))
    return float(loss), norms


def test_dead_relu_saturated_tanh_and_gradient_norms(k, data):
    x, y = data
    model = k.Sequential(
        [
            k.Input((4,)),
            k.layers.Dense(6, activation="relu", name="healthy_relu"),
            # Inputs are in [0, 1] and kernels small: a -100 bias keeps every unit at 0.
            k.layers.Dense(5, activation="relu", name="dead_relu", bias_initializer=k.initializers.Constant(-100.0)),
            k.layers.Dense(
                8,
                activation="tanh",
                name="saturated_tanh",
                kernel_initializer=k.initializers.RandomNormal(stddev=100.0),
                bias_initializer=k.initializers.RandomNormal(stddev=100.0),
            ),
            k.layers.Dense(3, activation="sigmoid", name="sigmoid"),
            k.layers.Dropout(0.5, name="dropout"),
            k.layers.Dense(1, name="out"),
        ]
    )
    model.compile(loss="mse")
    probe = HealthProbe(model, x, y, max_samples=64)
    report = probe.measure()
    assert isinstance(report, HealthReport)
    assert report.samples == 64 and report.notes == ()
    assert [entry.name for entry in report.layers] == [layer.name for layer in model.layers]

    dead = report.layer("dead_relu")
    assert dead.activation == "relu" and dead.dead_fraction == 1.0 and dead.saturated_fraction is None
    assert dead.class_name == "Dense"
    healthy = report.layer("healthy_relu")
    assert healthy.dead_fraction is not None and healthy.dead_fraction < 1.0
    # Dead layer output is all zeros: the tanh layer sees only its bias, ~N(0, 100).
    tanh = report.layer("saturated_tanh")
    assert tanh.activation == "tanh" and tanh.saturated_fraction >= 0.75
    assert report.layer("sigmoid").activation == "sigmoid"
    dropout = report.layer("dropout")
    assert dropout.grad_norm is None and dropout.activation is None

    loss, norms = _manual_grad_norms(k, model, x[:64], y[:64])
    assert report.loss == pytest.approx(loss, rel=1e-5)
    for name, norm in norms.items():
        assert report.layer(name).grad_norm == pytest.approx(norm, rel=1e-5, abs=1e-12), name
    assert report.layer("dead_relu").grad_norm == 0.0  # no gradient flows through dead units
    assert report.layer("healthy_relu").grad_norm == 0.0  # ... nor past them

    # Traced once; weights are read live.
    probe.measure()
    assert probe._fn.experimental_get_tracing_count() == 1
    model.get_layer("dead_relu").bias.assign(np.zeros(5, dtype="float32"))
    assert probe.measure().layer("dead_relu").dead_fraction < 1.0


def test_relu_layers_and_activation_layers_are_measured(k, data):
    x, y = data
    inputs = k.Input((4,))
    h = k.layers.Dense(3, bias_initializer=k.initializers.Constant(-50.0), name="pre")(inputs)
    h = k.layers.ReLU(name="relu_layer")(h)
    h2 = k.layers.Dense(3, name="pre2")(inputs)
    h2 = k.layers.Activation("hard_sigmoid", name="act")(h2)
    h3 = k.layers.LeakyReLU(name="leaky")(h2)
    out = k.layers.Dense(1)(k.layers.Concatenate()([h, h3]))
    model = k.Model(inputs, out)
    model.compile(loss="mse")
    report = HealthProbe(model, x, y).measure()
    assert report.layer("relu_layer").dead_fraction == 1.0
    assert report.layer("act").activation == "hard_sigmoid"
    assert 0.0 <= report.layer("act").saturated_fraction <= 1.0
    assert report.layer("leaky").activation is None  # no exact zeros: not measured
    assert report.samples == 64


def test_subclassed_model_reports_gradients_and_says_why(k, data):
    x, y = data

    class Tiny(k.Model):
        def __init__(self):
            super().__init__()
            self.hidden = k.layers.Dense(4, activation="relu")
            self.out = k.layers.Dense(1)

        def call(self, inputs):
            return self.out(self.hidden(inputs))

    model = Tiny()
    model.compile(loss="mse")
    report = HealthProbe(model, x, y, max_samples=10).measure()
    assert len(report.notes) == 1 and "subclassed" in report.notes[0] and "gradient norms only" in report.notes[0]
    assert report.samples == 10
    assert all(entry.activation is None and entry.dead_fraction is None for entry in report.layers)
    loss, norms = _manual_grad_norms(k, model, x[:10], y[:10])
    for entry in report.layers:
        assert entry.grad_norm == pytest.approx(norms[entry.name], rel=1e-5)


def test_non_finite_weights_give_nan_not_a_crash(k, data):
    x, y = data
    model = k.Sequential([k.Input((4,)), k.layers.Dense(2, activation="sigmoid"), k.layers.Dense(1)])
    model.compile(loss="mse")
    kernel = model.layers[0].kernel
    kernel.assign(np.full(kernel.shape, np.nan, dtype="float32"))
    report = HealthProbe(model, x, y).measure()
    assert math.isnan(report.loss)
    assert math.isnan(report.layers[0].grad_norm) and math.isnan(report.layers[1].grad_norm)


def test_probe_leaves_metric_state_alone(k, data):
    x, y = data
    inputs = k.Input((4,))
    model = k.Model(inputs, [k.layers.Dense(1, name="a")(inputs), k.layers.Dense(1, name="b")(inputs)])
    model.compile(k.optimizers.SGD(0.01), loss=["mse", "mae"], metrics=[["mae"], ["mse"]])
    model.fit(x, [y, y], epochs=1, batch_size=50, verbose=0)
    before = [np.array(v.numpy()) for v in model.metrics_variables]
    assert any(np.any(b != 0) for b in before)  # fit left non-trivial state to protect
    probe = HealthProbe(model, x, [y, y])
    probe.measure()
    after = [np.array(v.numpy()) for v in model.metrics_variables]
    assert len(after) == len(before)
    for b, a in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)


def test_invalid_arguments(k, data):
    x, y = data
    model = k.Sequential([k.Input((4,)), k.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"`max_samples`\. Received: max_samples=0\. Expected an integer >= 1\."):
        HealthProbe(model, x, y, max_samples=0)
    with pytest.raises(ValueError, match=r"argument `model`\. Received: a model with no loss to compute"):
        HealthProbe(model, x, y)
    model.compile(loss="mse")
    with pytest.raises(ValueError, match=r"argument `x`\. Received: 0 samples"):
        HealthProbe(model, x[:0], y[:0])


def test_building_a_probe_does_not_change_how_the_model_trains():
    """Regression: the probe once built Keras's loss for a list output, and digits then
    trained to 0.78 instead of 0.96. Same seed, same data: identical losses with or without."""
    import keras

    from nbkeras import datasets

    (x, y), _ = datasets.digits()

    def losses(with_probe):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [
                keras.Input((8, 8, 1)),
                keras.layers.Flatten(),
                keras.layers.Dense(32, activation="relu"),
                keras.layers.Dense(10, activation="softmax"),
            ]
        )
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        if with_probe:
            HealthProbe(model, x[:64], y[:64]).measure()
        return model.fit(x, y, epochs=2, batch_size=64, shuffle=False, verbose=0).history["loss"]

    assert losses(True) == pytest.approx(losses(False), rel=1e-6)
