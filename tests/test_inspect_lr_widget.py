"""LRFinder through the recording comm: the core's curve, apply (model and builder), a fit running, bad input."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import nbkeras
from nbkeras import datasets
from nbkeras.builder.widget import ModelBuilder
from nbkeras.inspect import lr_find
from nbkeras.inspect.lr_widget import LRFinder, fit_running_on
from nbkeras.testing import CommRecorder
from nbkeras.widgets.figure import to_static

FIND = {"start_lr": 1e-4, "end_lr": 1.0, "steps": 30, "batch_size": 40, "shuffle": False}


def _request(widget, seq, action, **args):
    CommRecorder.send_from_frontend(widget, {"type": "request", "seq": seq, "action": action, "args": args})


@pytest.fixture(scope="module")
def k():
    from nbkeras._keras import keras

    mod = keras()
    mod.utils.set_random_seed(5)
    yield mod
    mod.backend.clear_session()


@pytest.fixture(scope="module")
def spirals():
    (x, y), _ = datasets.spirals(n_samples=500)
    return x, y


def _model(k):
    model = k.Sequential(
        [k.Input((2,)), k.layers.Dense(16, activation="relu"), k.layers.Dense(2, activation="softmax")],
        name="spiral_mlp",
    )
    model.compile(k.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    return model


def _rate(model):
    return float(np.asarray(model.optimizer.learning_rate))


def test_public_name():
    assert nbkeras.LRFinder is LRFinder


def test_curve_and_suggestion_are_the_cores(wire, k, spirals):
    x, y = spirals
    model = _model(k)
    before = [w.copy() for w in model.get_weights()]
    core = lr_find(model, x, y, **FIND)  # restores the model exactly: the widget's run starts from the same state
    finder = LRFinder(model, x, y, **FIND)
    result = finder.result
    np.testing.assert_array_equal(result.learning_rates, core.learning_rates)
    np.testing.assert_allclose(result.losses, core.losses, rtol=1e-6)
    assert (finder.suggestion, finder.minimum_rate, finder.stopped) == (
        core.suggestion,
        core.minimum_rate,
        core.stopped,
    )
    assert finder.state == "done" and finder.suggestion is not None
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)  # the finder left the model as it was
    raw, smoothed, suggestion, minimum = to_static(finder.figure)["data"]
    np.testing.assert_allclose(raw["x"], result.learning_rates, rtol=1e-6)
    np.testing.assert_allclose(raw["y"], result.losses, rtol=1e-6)
    np.testing.assert_allclose(smoothed["y"], result.smoothed, rtol=1e-6)
    np.testing.assert_allclose(suggestion["x"], [finder.suggestion] * 2, rtol=1e-6)
    np.testing.assert_allclose(minimum["x"], [finder.minimum_rate] * 2, rtol=1e-6)
    assert to_static(finder.figure)["layout"]["xaxis"]["type"] == "log"
    assert repr(finder) == f"LRFinder(model='spiral_mlp', state='done', suggestion={float(f'{finder.suggestion:.3g}')})"


def test_apply_sets_the_models_learning_rate(wire, k, spirals):
    x, y = spirals
    model = _model(k)
    finder = LRFinder(model, x, y, **FIND)
    assert finder.model_rate == pytest.approx(1e-3)  # restored after the search
    _request(finder, 1, "apply")
    assert finder.error == "" and finder._ack == 1
    assert _rate(model) == pytest.approx(finder.suggestion, rel=1e-6)
    assert finder.applied == finder.suggestion and finder.model_rate == pytest.approx(finder.suggestion, rel=1e-6)
    # A click on the curve picks a rate; apply then uses it; "use the suggestion" goes back.
    _request(finder, 2, "choose", rate=0.0123)
    assert finder.chosen == 0.0123
    assert to_static(finder.figure)["data"][-1]["x"] == pytest.approx([0.0123, 0.0123])
    _request(finder, 3, "apply")
    assert _rate(model) == pytest.approx(0.0123, rel=1e-6)
    _request(finder, 4, "choose", rate=None)
    assert finder.chosen is None and len(to_static(finder.figure)["data"]) == 4
    assert finder.apply(0.002) == 0.002 and _rate(model) == pytest.approx(0.002, rel=1e-6)


def test_find_learning_rate_from_a_builder_sets_its_compile_field(wire, spirals):
    x, y = spirals
    builder = ModelBuilder(template="mlp")
    builder.set_input(shape=[2])
    builder.set_argument(len(builder.spec["layers"]) - 1, "units", 2)
    builder.set_compile("loss", "sparse_categorical_crossentropy")
    finder = builder.find_learning_rate(x, y, **FIND)
    assert isinstance(finder, LRFinder) and finder.suggestion is not None
    assert "builder" in finder.target
    _request(finder, 1, "apply")
    assert finder.error == ""
    assert builder.spec["compile"]["learning_rate"] == finder.suggestion
    assert _rate(finder.model) == pytest.approx(finder.suggestion, rel=1e-6)
    # The builder's own check refuses a bad rate: nothing is set.
    _request(finder, 2, "apply", rate=-1)
    assert "rate" in finder.error and builder.spec["compile"]["learning_rate"] == finder.suggestion


def test_run_again_from_the_view_runs_in_a_thread_and_refuses_while_busy(wire, k, spirals):
    x, y = spirals
    model = _model(k)
    finder = LRFinder(model, x, y, **FIND)
    first = finder.result
    _request(finder, 1, "run")
    assert finder.error == ""
    _request(finder, 2, "apply")  # while it runs (or just after): never a half-state
    result = finder.wait(timeout=120)
    assert finder.state == "done" and result is not first
    np.testing.assert_allclose(result.losses, first.losses, rtol=1e-5)  # the model was restored between runs
    states = [m.data["state"].get("state") for m in wire.messages_for(finder) if m.method == "update"]
    assert "running" in states and states[-1] in (None, "done")


def test_refuses_while_a_fit_is_training_the_model(wire, k, spirals):
    x, y = spirals
    model = _model(k)
    finder = LRFinder(model, x, y, **FIND)
    started, release = threading.Event(), threading.Event()

    class Hold(k.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            started.set()
            release.wait(30)

    thread = threading.Thread(target=lambda: model.fit(x, y, epochs=1, verbose=0, callbacks=[Hold()]))
    thread.start()
    try:
        assert started.wait(30)
        assert fit_running_on(model) and not fit_running_on(_model(k))
        _request(finder, 1, "run")
        assert finder.error.startswith("Invalid value for argument `model`.")
        assert "being trained by a fit running now" in finder.error and finder.state == "done"
        with pytest.raises(ValueError, match="stop the run"):
            LRFinder(model, x, y, **FIND)
    finally:
        release.set()
        thread.join(60)
    assert not fit_running_on(model)


def test_bad_input_is_refused(wire, k, spirals):
    x, y = spirals
    model = _model(k)
    with pytest.raises(ValueError, match=r"argument `y`. Received: y with 399 examples and x with 400"):
        LRFinder(model, x, y[:-1])
    with pytest.raises(TypeError, match="a Keras model"):
        LRFinder("model", x, y)
    with pytest.raises(TypeError, match="unexpected keyword arguments: epochs"):
        LRFinder(model, x, y, epochs=3)
    finder = LRFinder(model, x, y, **FIND)
    _request(finder, 1, "choose", rate=-0.1)
    assert finder.error.startswith("Invalid value for argument `chosen`. Received: chosen=-0.1")
    assert finder.chosen is None
    _request(finder, 2, "apply", rate="fast")
    assert "rate" in finder.error and _rate(model) == pytest.approx(1e-3)
