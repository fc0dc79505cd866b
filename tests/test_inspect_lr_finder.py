"""Tests for nbkeras.inspect.lr_finder: true per-batch losses on the ramp, the stop and suggestion rules,
and a model left byte-identical (weights, optimizer state, rate, iterations, metrics, history)."""

from __future__ import annotations

import numpy as np
import pytest

from nbkeras import datasets
from nbkeras.inspect import lr_find
from nbkeras.inspect import lr_finder as lr_finder_module
from nbkeras.inspect.lr_finder import suggest_rate
from nbkeras.training.recorder import smooth


@pytest.fixture(scope="module")
def k():
    from nbkeras._keras import keras

    mod = keras()
    mod.utils.set_random_seed(4)
    yield mod
    mod.backend.clear_session()


@pytest.fixture(scope="module")
def spirals():
    (x, y), _ = datasets.spirals(n_samples=500)
    return x, y  # 400 training points


def _model(k, *, dropout=False, batchnorm=False, optimizer=None):
    layers = [k.Input((2,)), k.layers.Dense(16, activation="relu")]
    if batchnorm:
        layers.append(k.layers.BatchNormalization())
    if dropout:
        layers.append(k.layers.Dropout(0.3))
    layers.append(k.layers.Dense(2, activation="softmax"))
    model = k.Sequential(layers, name="spiral_mlp")
    model.compile(optimizer or k.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _state(model):
    """Every byte the finder must leave as it found it."""
    return (
        [v.numpy().tobytes() for v in model.variables],
        [v.numpy().tobytes() for v in model.optimizer.variables],
        [v.numpy().tobytes() for v in model.metrics_variables],
    )


def test_losses_are_each_batchs_own_on_an_exponential_ramp(k, spirals):
    x, y = spirals
    model = _model(k)
    reference = k.models.clone_model(model)
    reference.set_weights(model.get_weights())
    reference.compile(k.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    steps, batch_size = 30, 50  # 8 batches per epoch: the ramp runs across 4 epochs
    result = lr_find(model, x, y, start_lr=1e-4, end_lr=0.1, steps=steps, batch_size=batch_size, shuffle=False)
    assert result.stopped == "completed" and len(result.losses) == steps
    np.testing.assert_allclose(result.learning_rates, 1e-4 * 1000.0 ** (np.arange(steps) / (steps - 1)), rtol=1e-12)
    # The same batches, one train_on_batch each (it resets metrics: its loss is the batch's own).
    expected = []
    for i, rate in enumerate(result.learning_rates):
        reference.optimizer.learning_rate = rate
        start = (i % 8) * batch_size
        logs = reference.train_on_batch(x[start : start + batch_size], y[start : start + batch_size], return_dict=True)
        expected.append(logs["loss"])
    expected = np.array(expected)
    np.testing.assert_allclose(result.losses, expected, rtol=2e-4)
    # Keras's batch logs (running means over each epoch) would be a different curve.
    running = np.concatenate([np.cumsum(e) / np.arange(1, len(e) + 1) for e in np.split(expected, [8, 16, 24])])
    assert np.max(np.abs(running - expected)) > 1e-3
    np.testing.assert_allclose(result.smoothed, smooth(result.losses, 0.7))


def test_the_model_is_left_byte_identical(k, spirals):
    x, y = spirals
    # Dropout (a seed generator's state) and batch norm (moving statistics) carry state beyond weights.
    model = _model(k, dropout=True, batchnorm=True)
    model.fit(x, y, epochs=1, batch_size=64, verbose=0)  # a built optimizer with moments and iterations
    history = model.history
    before = _state(model)
    rate, iterations = float(model.optimizer.learning_rate), int(model.optimizer.iterations)
    assert iterations > 0
    result = lr_find(model, x, y, steps=40)
    assert len(result.losses) > 10
    assert _state(model) == before
    assert float(model.optimizer.learning_rate) == rate and int(model.optimizer.iterations) == iterations
    assert model.history is history and model.stop_training is False


def test_a_fresh_optimizer_is_restored_to_a_fresh_state(k, spirals):
    x, y = spirals
    model = _model(k, optimizer=k.optimizers.SGD(0.01, momentum=0.9))
    assert not model.optimizer.built
    weights = [v.numpy().tobytes() for v in model.variables]
    lr_find(model, x, y, steps=20)
    assert [v.numpy().tobytes() for v in model.variables] == weights
    assert int(model.optimizer.iterations) == 0
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    momenta = [v for v in model.optimizer.variables if "momentum" in v.path]
    assert momenta and all(not np.any(v.numpy()) for v in momenta)  # the zeros a fresh optimizer starts from
    # The compile metrics the first fit built hold nothing from the finder's batches.
    assert model.metrics_variables and all(not np.any(v.numpy()) for v in model.metrics_variables)


def test_restored_even_when_the_run_is_interrupted(k, spirals, monkeypatch):
    x, y = spirals
    model = _model(k)
    model.fit(x, y, epochs=1, verbose=0)
    before = _state(model)
    real_record = lr_finder_module._Ramp.record

    def interrupted(self, *args):
        if len(self.losses) == 5:
            raise KeyboardInterrupt
        return real_record(self, *args)

    monkeypatch.setattr(lr_finder_module._Ramp, "record", interrupted)
    with pytest.raises(KeyboardInterrupt):
        lr_find(model, x, y, steps=20)
    assert _state(model) == before


def test_divergence_stops_the_run_by_the_documented_rule(k, spirals):
    x, y = spirals
    model = _model(k, optimizer=k.optimizers.SGD(0.01))
    result = lr_find(model, x, y, start_lr=1e-3, end_lr=1e4, steps=100)
    assert result.stopped in ("diverged", "nonfinite") and len(result.losses) < 100
    s = result.smoothed
    if result.stopped == "diverged":
        assert s[-1] > 4 * np.nanmin(s[:-1])
    else:
        assert not np.isfinite(result.losses[-1])
    # No earlier point met the rule.
    assert all(s[j] <= 4 * s[: j + 1].min() for j in range(len(s) - 1))
    assert np.all(np.isfinite(result.losses[:-1]))
    # The suggestion is the documented rule applied to the recorded curve.
    assert (result.suggestion, result.minimum_rate) == suggest_rate(result.learning_rates, result.smoothed)
    assert result.learning_rates[0] <= result.suggestion <= result.learning_rates[-1]


def test_suggest_rate_is_steepest_descent_before_the_minimum():
    rates = np.logspace(-6, 1, 8)  # one point per decade
    curve = np.array([2.0, 2.0, 1.9, 1.2, 0.6, 0.5, 0.45, 5.0])
    slope = np.gradient(curve[:7], np.log10(rates[:7]))
    assert np.argmin(slope) == 3
    assert suggest_rate(rates, curve) == (pytest.approx(1e-3), pytest.approx(1e-1))
    # Minimum among the first three points: a tenth of its rate.
    assert suggest_rate(rates[:4], np.array([1.0, 0.5, 2.0, 3.0])) == (pytest.approx(1e-6), pytest.approx(1e-6))
    assert suggest_rate([1e-3], [1.0]) == (None, None)
    assert suggest_rate(rates, np.full(8, np.nan)) == (None, None)
    # A flat, noisy curve whose steepest point sits just before divergence: capped at the minimum's rate / 10.
    late = np.array([0.70, 0.70, 0.70, 0.70, 0.70, 0.69, 0.60, 5.0])
    assert suggest_rate(rates, late) == (pytest.approx(1e-1), pytest.approx(1e-1))
    # A noisy first step (the smoothing has seen one batch) is not the steepest descent.
    ramp = np.logspace(-7, 1, 81)
    noisy = np.concatenate([[0.71, 0.66], np.full(59, 0.66), np.linspace(0.66, 0.4, 15), np.linspace(0.4, 3.0, 5)])
    steepest, minimum = suggest_rate(ramp, noisy)
    assert steepest > 1e-6 and steepest <= minimum


def test_bad_input_gets_a_clear_error(k, spirals):
    x, y = spirals
    raw = k.Sequential([k.Input((2,)), k.layers.Dense(2)], name="raw")
    with pytest.raises(ValueError, match=r"model 'raw' with no compiled optimizer.*model\.compile"):
        lr_find(raw, x, y)
    unbuilt = k.Sequential([k.layers.Dense(2)], name="unbuilt")
    unbuilt.compile("adam", "mse")
    with pytest.raises(ValueError, match=r"model 'unbuilt' not built yet.*keras\.Input"):
        lr_find(unbuilt, x, y)
    schedule = k.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    with pytest.raises(ValueError, match=r"LearningRateSchedule.*Expected a fixed rate"):
        lr_find(_model(k, optimizer=k.optimizers.Adam(schedule)), x, y)
    model = _model(k)
    with pytest.raises(ValueError, match=r"y with 10 examples and x with 400"):
        lr_find(model, x, y[:10])
    with pytest.raises(ValueError, match=r"`end_lr`.*Expected a number > 0\.1"):
        lr_find(model, x, y, start_lr=0.1, end_lr=0.01)
    with pytest.raises(ValueError, match=r"`steps`.*Expected an integer >= 2"):
        lr_find(model, x, y, steps=1)
    with pytest.raises(ValueError, match=r"`smoothing`.*\[0, 1\)"):
        lr_find(model, x, y, smoothing=1)
    with pytest.raises(TypeError, match=r"`shuffle`"):
        lr_find(model, x, y, shuffle="yes")
    with pytest.raises(ValueError, match=r"`divergence`.*Expected a number > 1"):
        lr_find(model, x, y, divergence=1)
