"""Issue #11, live training: every way a fit is called or ends, under LiveMonitor, nbkeras.fit and %load_ext.

In-process (no kernel, no browser). Each test covers a class of inputs: data structures Keras
accepts, empty runs, every way a run ends, commands given between runs, the progress bar
under a dashboard, and what a run's cell shows.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

import nbkeras
from nbkeras.training import magic
from nbkeras.training.recorder import TrainingRecorder
from nbkeras.widgets.picture import picture_svg

rng = np.random.default_rng(0)
XA = rng.normal(size=(96, 3)).astype("float32")
XB = rng.normal(size=(96, 2)).astype("float32")
Y_REG = rng.normal(size=(96, 1)).astype("float32")
Y_CLS = rng.integers(0, 2, size=(96,)).astype("int32")


@pytest.fixture(autouse=True)
def _fresh_keras():
    yield
    magic.unload(None)
    keras.backend.clear_session()


def _two_outputs(seed=0):
    """Two named inputs, two named outputs: the targets can be a dict, a list or a tuple."""
    keras.utils.set_random_seed(seed)
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    h = keras.layers.Dense(8, activation="relu")(keras.layers.Concatenate()([a, b]))
    reg = keras.layers.Dense(1, name="reg")(h)
    cls = keras.layers.Dense(2, activation="softmax", name="cls")(h)
    m = keras.Model({"a": a, "b": b}, {"reg": reg, "cls": cls})
    m.compile(optimizer=keras.optimizers.SGD(0.05), loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"})
    return m


def _small(seed=0):
    keras.utils.set_random_seed(seed)
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    m.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return m


X_DICT = {"a": XA, "b": XB}
STRUCTURES = {
    "dict targets": (X_DICT, {"reg": Y_REG, "cls": Y_CLS}),
    "dict targets in another key order": (X_DICT, {"cls": Y_CLS, "reg": Y_REG}),
}


class _Batches(keras.utils.PyDataset):
    def __len__(self):
        return 3

    def __getitem__(self, i):
        s = slice(32 * i, 32 * (i + 1))
        return {"a": XA[s], "b": XB[s]}, {"reg": Y_REG[s], "cls": Y_CLS[s]}


def _dataset():
    import tensorflow as tf

    return tf.data.Dataset.from_tensor_slices(({"a": XA, "b": XB}, {"reg": Y_REG, "cls": Y_CLS})).batch(32)


def _generator():
    for i in range(3):
        s = slice(32 * i, 32 * (i + 1))
        yield {"a": XA[s], "b": XB[s]}, {"reg": Y_REG[s], "cls": Y_CLS[s]}


def _plain_history(x, y=None, **kw):
    return _two_outputs().fit(x, y, shuffle=False, verbose=0, **kw).history


def _close(a, b):
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_allclose(a[k], b[k], rtol=1e-5, atol=1e-6, err_msg=k)


# -- item 2: any data structure Keras accepts trains under the monitor as without it -------------


@pytest.mark.parametrize("name", list(STRUCTURES))
def test_structured_arrays_train_as_without_the_monitor_and_get_health(name):
    x, y = STRUCTURES[name]
    expected = _plain_history(x, y, epochs=2, batch_size=32)
    run = nbkeras.fit(_two_outputs(), x, y, epochs=2, batch_size=32, shuffle=False)  # its own monitor and probe
    run.wait(timeout=120)
    _close(run.keras_history.history, expected)
    _close(run.history, expected)
    assert [epoch for epoch, _ in run.monitor.health] == [0, 1]  # probe taken from dicts
    magic.load(None)  # %load_ext: a plain model.fit gets the same monitor
    _close(_two_outputs().fit(x, y, epochs=2, batch_size=32, shuffle=False, verbose=0).history, expected)


def _list_outputs(seed=0):
    keras.utils.set_random_seed(seed)
    a, b = keras.Input((3,)), keras.Input((2,))
    h = keras.layers.Dense(8, activation="relu")(keras.layers.Concatenate()([a, b]))
    m = keras.Model(
        [a, b], [keras.layers.Dense(1, name="reg")(h), keras.layers.Dense(2, activation="softmax", name="cls")(h)]
    )
    m.compile(optimizer=keras.optimizers.SGD(0.05), loss=["mse", "sparse_categorical_crossentropy"])
    return m


def test_list_and_tuple_inputs_and_targets_train_under_load_ext():
    for x, y in (([XA, XB], [Y_REG, Y_CLS]), ((XA, XB), (Y_REG, Y_CLS))):
        expected = _list_outputs().fit(x, y, epochs=2, batch_size=32, shuffle=False, verbose=0).history
        magic.load(None)
        m = _list_outputs()
        h = m.fit(x, y, epochs=2, batch_size=32, shuffle=False, verbose=0)
        magic.unload(None)
        _close(h.history, expected)


@pytest.mark.filterwarnings("ignore:Your input ran out of data")  # Keras, about a generator, with or without nbkeras
@pytest.mark.parametrize("source", ["tf.data", "generator", "PyDataset"])
def test_data_without_a_probe_batch_trains_and_says_health_is_skipped(source):
    make = {"tf.data": _dataset, "generator": _generator, "PyDataset": lambda: _Batches()}[source]
    expected = _plain_history(make(), epochs=1)
    run = nbkeras.fit(_two_outputs(), make(), epochs=1, shuffle=False)
    run.wait(timeout=120)
    _close(run.keras_history.history, expected)
    assert run.monitor.health == []
    assert sum("health" in n.lower() and "skipped" in n for n in run.monitor.notices) == 1
    magic.load(None)
    h = _two_outputs().fit(make(), epochs=1, shuffle=False, verbose=0)
    _close(h.history, expected)


# -- item 3: empty runs -----------------------------------------------------------------------


@pytest.mark.parametrize("kw", [{"epochs": 0}, {"epochs": 2, "initial_epoch": 2}])
def test_a_run_with_no_epochs_returns_an_empty_history_everywhere(kw):
    mon = nbkeras.LiveMonitor(display="none")
    assert _small().fit(XA, Y_REG, verbose=0, callbacks=[mon], **kw).history == {}
    assert mon.state == "finished" and not any("failed" in n for n in mon.notices)
    run = nbkeras.fit(_small(), XA, Y_REG, monitor=nbkeras.LiveMonitor(display="none"), **kw).wait(timeout=60)
    assert run.keras_history.history == {} and run.state == "finished"
    magic.load(None)
    assert _small().fit(XA, Y_REG, verbose=0, **kw).history == {}


@pytest.mark.parametrize("hook", ["begin", "epoch_begin", "batch_end", "epoch_end"])
def test_no_monitor_code_runs_outside_its_guard(hook, monkeypatch):
    mon = nbkeras.LiveMonitor(display="none")
    monkeypatch.setattr(TrainingRecorder, hook, lambda *a, **k: 1 / 0)
    h = _small().fit(XA, Y_REG, epochs=2, verbose=0, callbacks=[mon])
    assert len(h.history["loss"]) == 2 and mon.state == "finished"
    assert any("ZeroDivisionError" in n for n in mon.notices)


# -- item 4: every way a fit ends --------------------------------------------------------------


class _Raise(keras.callbacks.Callback):
    def __init__(self, exc, at=2):
        super().__init__()
        self.exc, self.at = exc, at

    def on_train_batch_end(self, batch, logs=None):
        if batch == self.at:
            raise self.exc


@pytest.mark.parametrize(("exc", "state"), [(RuntimeError("boom"), "failed"), (KeyboardInterrupt(), "interrupted")])
def test_a_plain_fit_that_raises_ends_the_run_with_its_state_badge_and_picture(exc, state, wire, outputs):
    mon = nbkeras.LiveMonitor(display="widget")
    with pytest.raises(type(exc)):
        _small().fit(XA, Y_REG, epochs=3, batch_size=8, verbose=0, callbacks=[_Raise(exc), mon])
    assert mon.state == state
    assert mon.dashboard.status["state"] == state  # the badge
    assert mon.dashboard.controls["enabled"] is False and state in mon.dashboard.controls["reason"]
    widget, picture = outputs
    assert f"{state} after" in picture_svg(picture.updates[-1]["text/html"])  # the picture names how it ended


@pytest.mark.parametrize(("exc", "state"), [(RuntimeError("boom"), "failed"), (KeyboardInterrupt(), "interrupted")])
def test_a_background_run_that_raises_ends_with_its_state(exc, state, wire):
    run = nbkeras.fit(
        _small(),
        XA,
        Y_REG,
        epochs=3,
        batch_size=8,
        callbacks=[_Raise(exc)],
        monitor=nbkeras.LiveMonitor(display="widget"),
    )
    with pytest.raises(type(exc)):
        run.wait(timeout=60)
    assert run.state == state and run.monitor.dashboard.status["state"] == state
    assert sum(state in n.lower() for n in run.monitor.notices) == 1


def test_a_load_ext_fit_that_raises_ends_failed():
    magic.load(None)
    m = _small()
    with pytest.raises(RuntimeError):
        m.fit(XA, Y_REG, epochs=3, batch_size=8, verbose=0, callbacks=[_Raise(RuntimeError("x"))])
    mon = nbkeras.LiveMonitor(display="none")
    with pytest.raises(RuntimeError):
        m.fit(XA, Y_REG, epochs=3, batch_size=8, verbose=0, callbacks=[_Raise(RuntimeError("x")), mon])
    assert mon.state == "failed"


# -- item 5: commands belong to their run -------------------------------------------------------


def test_a_stop_after_a_run_does_not_reach_the_next_run():
    m = _small()
    run = nbkeras.fit(m, XA, Y_REG, epochs=2, batch_size=8, monitor=nbkeras.LiveMonitor(display="none")).wait(
        timeout=60
    )
    run.stop()
    run.monitor.command("stop")  # a click on a finished dashboard
    again = nbkeras.fit(m, XA, Y_REG, epochs=2, batch_size=8, monitor=run.monitor).wait(timeout=60)
    assert again.state == "finished" and len(again.history["loss"]) == 2
    assert not any("Stop" in n for n in again.monitor.notices)


def test_commands_given_as_a_run_starts_belong_to_it_and_stop_twice_is_one_notice():
    m = _small()
    run = nbkeras.fit(m, XA, Y_REG, epochs=50, batch_size=8, monitor=nbkeras.LiveMonitor(display="none"))
    run.stop()
    run.stop()
    run.wait(timeout=60)
    assert run.state == "stopped" and len(run.history["loss"]) == 1
    assert sum(n.startswith("Stop requested") for n in run.monitor.notices) == 1


# -- item 15: the dashboard replaces Keras's progress bar ---------------------------------------


def test_load_ext_silences_the_progress_bar_under_a_dashboard(monkeypatch, wire, outputs):
    from nbkeras.training import presenter

    monkeypatch.setattr(presenter, "_in_kernel", lambda: True)
    magic.load(None)
    m = _small()
    m.fit(XA, Y_REG, epochs=1)
    assert m.history.params["verbose"] == 0
    m.fit(XA, Y_REG, epochs=1, verbose=2)  # said explicitly: kept
    assert m.history.params["verbose"] == 2
    m.fit(XA, Y_REG, 32, 1, 2)  # positionally too (batch_size, epochs, verbose)
    assert m.history.params["verbose"] == 2
    monkeypatch.setattr(presenter, "_in_kernel", lambda: False)  # a script: text lines, Keras's bar stays
    m.fit(XA, Y_REG, epochs=1)
    assert m.history.params["verbose"] == "auto"


# -- item 17: what a run's cell shows -------------------------------------------------------------


def _cell_result(obj, outputs):
    """What a cell ending in ``obj`` shows, as IPython's display hook would (see the outputs fixture)."""
    import IPython.display

    before = len(outputs)
    IPython.display.display(obj)
    return [o.data.get("text/plain") for o in outputs[before:]]


def test_a_run_never_reads_idle_and_shows_nothing_under_its_live_dashboard(wire, outputs):
    m = _small()
    run = nbkeras.fit(m, XA, Y_REG, epochs=50, batch_size=8, monitor=nbkeras.LiveMonitor(display="widget"))
    assert "state='idle'" not in repr(run) and "state='finished'" not in repr(run)
    assert _cell_result(run, outputs) == []  # the dashboard above is what the cell shows
    run.stop()
    run.wait(timeout=60)
    assert "state='stopped'" in repr(run)
    (text,) = _cell_result(run, outputs)  # `run.wait()` as a cell's last line: the final state
    assert "state='stopped'" in text
    # a reused monitor that has finished a run does not make the next run read "finished" as it starts
    again = nbkeras.fit(m, XA, Y_REG, epochs=50, batch_size=8, monitor=run.monitor)
    assert "state='stopped'" not in repr(again) and "state='idle'" not in repr(again)
    again.stop()
    again.wait(timeout=60)
    no_dashboard = nbkeras.fit(m, XA, Y_REG, epochs=1, monitor=nbkeras.LiveMonitor(display="none"))
    (text,) = _cell_result(no_dashboard, outputs)  # no dashboard: the line says the run is on its way
    assert "state='idle'" not in text
    no_dashboard.wait(timeout=60)


# -- item 16: a plain LiveMonitor callback gets its health probe from the fit's data ---------
def test_a_plain_livemonitor_takes_its_probe_from_the_data_fit_is_given():
    import keras
    import numpy as np

    import nbkeras

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(256, 4)).astype("float32"), rng.integers(0, 2, 256)
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2, activation="softmax")]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    monitor = nbkeras.LiveMonitor(display="none")
    model.fit(x, y, epochs=2, batch_size=32, callbacks=[monitor], verbose=0)
    assert [epoch for epoch, _ in monitor.health] == [0, 1]  # a health report per epoch
    probe_x, probe_y = monitor.probe
    np.testing.assert_array_equal(probe_x, x[:64])
    np.testing.assert_array_equal(probe_y, y[:64])
    # same data again: the same probe (built and traced once)
    first = monitor.probe
    model.fit(x, y, epochs=1, callbacks=[monitor], verbose=0)
    assert monitor.probe is first
    # a dataset: no batch is taken from it; the dashboard says why
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(32)
    model.fit(ds, epochs=1, callbacks=[monitor], verbose=0)
    assert monitor.probe is None and any(n.startswith("Training health skipped") for n in monitor.notices)
    # None: no health at all, and no notice
    quiet = nbkeras.LiveMonitor(display="none", probe=None)
    model.fit(x, y, epochs=1, callbacks=[quiet], verbose=0)
    assert quiet.health == [] and not any("health" in n for n in quiet.notices)


def test_probe_is_checked():
    import pytest

    import nbkeras

    with pytest.raises(ValueError, match="Invalid value for argument `probe`"):
        nbkeras.LiveMonitor(probe="first batch")


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"epoch": 3}, "Did you mean one of 'epochs', 'initial_epoch', 'steps_per_epoch'?"),
        (
            {"display": "none"},
            "display= is a LiveMonitor setting: nbkeras.fit(..., monitor=nbkeras.LiveMonitor(display=...))",
        ),
        ({"zzz": 1}, "model.fit takes x, y, batch_size, epochs,"),
    ],
)
def test_an_argument_model_fit_would_refuse_is_refused_in_the_cell(kwargs, says):
    """Not in the training thread, where it only showed as a failed run."""
    model = _small()
    with pytest.raises(TypeError, match="nbkeras.fit\\(\\) got an unexpected keyword argument") as caught:
        nbkeras.fit(model, XA, Y_REG, **kwargs)
    assert says in str(caught.value)
    run = nbkeras.fit(
        model, XA, Y_REG, epochs=1, batch_size=64, monitor=nbkeras.LiveMonitor(display="none")
    )  # nothing was started: the model trains
    assert run.wait().state == "finished"
