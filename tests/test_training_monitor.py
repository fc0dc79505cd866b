"""LiveMonitor, nbkeras.fit and the dashboard's transport, in-process (no kernel, no browser)."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

import nbkeras
from nbkeras import datasets
from nbkeras.training.series import DecimatedSeries
from nbkeras.training.stream import ResyncNeeded, SeriesStream, unpack_points
from nbkeras.widgets.picture import picture_svg

(X, Y), (XT, YT) = datasets.spirals(n_samples=640, seed=1)


def _model(lr=0.01, seed=0):
    keras.utils.set_random_seed(seed)
    m = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(16, activation="tanh"),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    m.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


class _At(keras.callbacks.Callback):
    """Call ``action(monitor)`` once, after batch ``step`` of the first epoch."""

    def __init__(self, step, action):
        super().__init__()
        self.step, self.action, self.done = step, action, False

    def on_train_batch_begin(self, batch, logs=None):
        if batch == self.step and not self.done:
            self.done = True
            self.action()


@pytest.fixture(autouse=True)
def _fresh_keras():
    yield
    keras.backend.clear_session()


def test_records_history_like_keras_per_batch_values_histograms_and_health():
    mon = nbkeras.LiveMonitor(display="none", probe=(X[:64], Y[:64]))
    h = _model().fit(X, Y, epochs=3, batch_size=32, validation_data=(XT, YT), callbacks=[mon], verbose=0)
    assert mon.history == h.history
    assert mon.state == "finished"
    steps = 3 * math.ceil(len(X) / 32)
    assert len(mon.batch_history["loss"]) == steps
    # per-batch values, not Keras's running means: they vary more than the running means do
    per_batch = mon.batch_history["loss"].values
    assert np.std(np.diff(per_batch[:20])) > 0
    assert mon.batch_history["learning_rate"].values[-1] == pytest.approx(0.01)
    hist = mon.weight_histograms
    assert set(hist) == {w.path for w in mon.model.trainable_weights}
    step0, epoch0, edges, counts = hist[mon.model.layers[0].kernel.path][0]
    assert (step0, counts.sum()) == (0, 2 * 16)  # the snapshot before training covers every weight
    assert [epoch for epoch, _ in mon.health] == [0, 1, 2]
    assert all(layer.grad_norm > 0 for layer in mon.health[-1][1].layers if layer.grad_norm is not None)


def test_one_monitor_serves_several_fits():
    mon = nbkeras.LiveMonitor(display="none")
    m = _model()
    m.fit(X, Y, epochs=3, callbacks=[mon], verbose=0)
    h2 = m.fit(X, Y, epochs=2, callbacks=[mon], verbose=0)
    assert mon.history == h2.history and len(mon.history["loss"]) == 2
    assert len(mon.batch_history["loss"]) == 2 * math.ceil(len(X) / 32)


def test_stop_ends_after_the_current_step_and_keeps_weights_and_history():
    mon = nbkeras.LiveMonitor(display="none")
    m = _model()
    h = m.fit(X, Y, epochs=50, callbacks=[_At(5, lambda: mon.command("stop")), mon], verbose=0)
    assert mon.state == "stopped"
    assert mon.recorder.step == 6  # batches 0..5 ran; the stop applied at the end of batch 5
    assert len(h.history["loss"]) == 1 and mon.history == h.history
    assert np.isfinite(m.evaluate(X, Y, verbose=0)[0])


def test_learning_rate_set_mid_run_is_applied_and_recorded():
    mon = nbkeras.LiveMonitor(display="none")
    m = _model(lr=0.01)
    m.fit(
        X,
        Y,
        epochs=1,
        batch_size=32,
        callbacks=[_At(4, lambda: mon.command("set_learning_rate", 0.001)), mon],
        verbose=0,
    )
    lr = mon.batch_history["learning_rate"].values
    # requested during step 5 (index 4): applied after it, so step 6 is the first at the new rate
    assert lr[4] == pytest.approx(0.01) and lr[5] == pytest.approx(0.001) and lr[-1] == pytest.approx(0.001)
    assert float(m.optimizer.learning_rate) == pytest.approx(0.001)
    assert any("Learning rate set to 0.001" in n for n in mon.notices)


def test_learning_rate_schedule_cannot_be_set_and_says_why():
    mon = nbkeras.LiveMonitor(display="none")
    m = _model()
    m.compile(
        optimizer=keras.optimizers.SGD(keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9)),
        loss="sparse_categorical_crossentropy",
    )
    m.fit(X, Y, epochs=1, callbacks=[_At(2, lambda: mon.command("set_learning_rate", 0.5)), mon], verbose=0)
    assert mon.state == "finished"  # training went on
    assert any("cannot be set during this run" in n for n in mon.notices)


@pytest.mark.parametrize("steps_per_execution", [1, 4])
def test_a_per_step_schedule_is_recorded_at_every_step_without_reading_the_optimizer(steps_per_execution, monkeypatch):
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5)
    m = _model()
    m.compile(
        optimizer=keras.optimizers.SGD(schedule),
        loss="sparse_categorical_crossentropy",
        steps_per_execution=steps_per_execution,
    )
    mon = nbkeras.LiveMonitor(display="none", histograms=False, probe=None)
    reads = []
    optimizer_type = type(m.optimizer)
    real = optimizer_type.learning_rate
    monkeypatch.setattr(
        optimizer_type, "learning_rate", property(lambda self: reads.append(1) or real.fget(self), real.fset)
    )
    m.fit(X, Y, epochs=2, batch_size=32, callbacks=[mon], verbose=0)
    lr = mon.batch_history["learning_rate"]
    # the value the optimizer's schedule gives after each recorded step (what it uses next)
    expected = [float(schedule(step)) for step in lr.steps]
    np.testing.assert_allclose(lr.values, expected, rtol=1e-6)
    assert lr.steps[-1] == int(m.optimizer.iterations)
    assert len(set(np.round(lr.values, 8))) > 2  # it really changes step by step
    # read at train and epoch begins (a device-to-host sync each on a GPU), never once per step
    assert len(reads) <= 6 < len(lr.values)


def test_checkpoint_now_saves_a_loadable_model(tmp_path):
    mon = nbkeras.LiveMonitor(display="none", checkpoint_dir=tmp_path)
    m = _model()
    m.fit(X, Y, epochs=1, callbacks=[_At(3, lambda: mon.command("checkpoint")), mon], verbose=0)
    (path,) = mon.checkpoints
    assert path.name == "step-0000004.keras"
    assert keras.saving.load_model(path).count_params() == m.count_params()


def test_nan_is_reported_once_and_streams_as_float_nan(wire):
    mon = nbkeras.LiveMonitor(display="widget")
    m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(2)])
    m.compile(optimizer=keras.optimizers.SGD(1e6), loss="mse")  # diverges within a few steps
    m.fit(X, np.eye(2)[Y], epochs=2, callbacks=[mon], verbose=0)
    loss_notices = [n for n in mon.notices if n.startswith("NaN/Inf in loss")]
    assert len(loss_notices) == 1
    (loss_panel,) = [p for p in mon.dashboard.metric_panels if p["name"] == "loss"]
    # a marker at each step where it happened (loss, then the weights)
    assert {shape["x0"] for shape in loss_panel["layout"]["shapes"]} == set(mon.presenter.nonfinite_steps)
    snap = mon.dashboard.snapshot["series"]["batch/loss"]
    _, values = unpack_points(snap)
    assert np.isnan(values).any() or np.isinf(values).any()  # IEEE values in the buffer, never strings


def test_a_failing_dashboard_never_stops_training(wire, monkeypatch):
    mon = nbkeras.LiveMonitor(display="widget")
    from nbkeras.training.dashboard import TrainingDashboard

    monkeypatch.setattr(TrainingDashboard, "push", lambda *a, **k: 1 / 0)
    monkeypatch.setattr(TrainingDashboard, "send_snapshot", lambda *a, **k: 1 / 0)
    h = _model().fit(X, Y, epochs=2, callbacks=[mon], verbose=0)
    assert len(h.history["loss"]) == 2 and mon.state == "finished"
    assert sum("dashboard failed, training continues: ZeroDivisionError" in n for n in mon.notices) == 1
    assert "ZeroDivisionError" in mon.dashboard.error


def test_deltas_stay_the_same_size_as_history_grows_and_resync_after_compaction():
    series = {"batch/loss": DecimatedSeries(capacity=64, recent=16)}
    stream = SeriesStream()
    sizes, resyncs = [], 0
    for step in range(1, 2001):
        series["batch/loss"].append(step, 1.0 / step)
        if step % 10 == 0:
            try:
                delta = stream.delta(series)
            except ResyncNeeded:
                resyncs += 1
                snap = stream.snapshot(series)
                assert len(snap["series"]["batch/loss"]) <= 64 * 2 * 4  # bounded by capacity
                continue
            sizes.append(sum(len(b) for b in delta[1]))
    assert set(sizes) == {10 * 2 * 4}  # 10 new points x (step, value) x float32, at step 10 or 2,000
    assert 0 < resyncs < len(sizes)  # most updates are deltas; a merge of old points costs one snapshot


def test_dashboard_sends_binary_deltas_and_snapshots(wire):
    mon = nbkeras.LiveMonitor(display="widget", update_rate=100)
    _model().fit(X, Y, epochs=2, callbacks=[mon], verbose=0)
    sent = wire.messages_for(mon.dashboard)
    deltas = [m for m in sent if m.method == "custom" and m.data["content"]["type"] == "delta"]
    assert deltas, "points stream as custom messages"
    for m in deltas:
        header = m.data["content"]
        assert len(m.buffers) == len(header["series"]) and all(len(b) % 8 == 0 for b in m.buffers)
        assert m.json_bytes < 2000  # only the header and status travel as JSON
    final = mon.dashboard.snapshot["series"]
    steps, values = unpack_points(final["batch/loss"])
    np.testing.assert_allclose(values, mon.batch_history["loss"].values.astype(np.float32))
    assert mon.dashboard.controls["enabled"] is False  # a plain blocking fit: buttons shown disabled


def test_blocking_fit_shows_controls_disabled_with_the_alternative(wire):
    mon = nbkeras.LiveMonitor(display="widget")
    seen = []
    _model().fit(X, Y, epochs=1, callbacks=[_At(2, lambda: seen.append(dict(mon.dashboard.controls))), mon], verbose=0)
    assert seen[0]["enabled"] is False and "nbkeras.fit(model, x, y" in seen[0]["reason"]


def _widget_monitor():
    return nbkeras.LiveMonitor(display="widget")


def test_fit_runs_in_the_background_and_refuses_a_second_run(wire):
    m = _model()
    run = nbkeras.fit(m, X, Y, epochs=400, batch_size=32, monitor=_widget_monitor())
    assert run.monitor.dashboard is not None  # displayed from the calling thread, before training
    with pytest.raises(RuntimeError, match="is already training"):
        nbkeras.fit(m, X, Y, epochs=1)
    while run.monitor.recorder.step < 3:
        run._done.wait(0.05)
    assert run.monitor.dashboard.controls == {"enabled": True, "reason": ""}  # the kernel is free: buttons act
    run.stop()
    run.wait(timeout=120)
    assert run.done and run.state == "stopped" and 0 < len(run.history.get("loss", [0])) < 400
    assert run.monitor.batch_history["samples_per_second"].values[-1] > 0  # batch size known: samples/s
    again = nbkeras.fit(m, X, Y, epochs=1, batch_size=32, monitor=_widget_monitor()).wait(timeout=120)
    assert again.state == "finished" and len(again.history["loss"]) == 1


def test_an_exception_in_training_is_raised_again_by_wait_and_shown(wire):
    m = _model()
    run = nbkeras.fit(m, X, np.zeros((len(X), 7, 3)), epochs=1, monitor=_widget_monitor())  # targets of the wrong shape
    with pytest.raises(ValueError):
        run.wait(timeout=120)
    assert run.state == "failed"
    assert "ValueError" in run.monitor.dashboard.error


def test_a_run_can_be_awaited(wire):
    import asyncio

    async def cell():
        run = nbkeras.fit(_model(), X, Y, epochs=2, batch_size=64, monitor=_widget_monitor())
        return run, await run

    # In a thread of its own: the test runner may already have an event loop in this one.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        run, done = pool.submit(asyncio.run, cell()).result()
    assert done is run and len(run.history["loss"]) == 2


def test_wait_interrupted_stops_the_run_and_keeps_what_it_learned(wire, monkeypatch):
    run = nbkeras.fit(_model(), X, Y, epochs=400, monitor=_widget_monitor())
    calls = {"n": 0}
    real_wait = run._done.wait

    def interrupted_once(timeout=None):
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyboardInterrupt
        return real_wait(timeout)

    monkeypatch.setattr(run._done, "wait", interrupted_once)
    with pytest.raises(KeyboardInterrupt):
        run.wait()
    assert run.done and run.state == "interrupted"
    assert run.monitor.recorder.step > 0


def test_text_progress_when_no_front_end(capsys):
    mon = nbkeras.LiveMonitor(display="text")
    _model().fit(X, Y, epochs=2, callbacks=[mon], verbose=0)
    out = capsys.readouterr().out.splitlines()
    steps = math.ceil(len(X) / 32)
    assert out[0] == f"nbkeras: training 2 epochs of {steps} steps"
    assert out[1].startswith("nbkeras: epoch 1/2 · accuracy ") and " loss " in out[1]
    assert out[-1] == f"nbkeras: finished after {2 * steps} steps"


def test_save_html_writes_a_standalone_report(tmp_path):
    mon = nbkeras.LiveMonitor(display="none", probe=(X[:32], Y[:32]))
    _model().fit(X, Y, epochs=2, validation_data=(XT, YT), callbacks=[mon], verbose=0)
    page = mon.save_html(tmp_path / "run.html").read_text(encoding="utf-8")
    titles = [title for title, _ in mon.figures()]
    assert titles == [
        "loss",
        "accuracy",
        "learning rate",
        "decision surface",
        "weight histograms over time",
        "training health",
    ]
    assert page.count('class="nbk-report-figure"') == len(titles)
    assert "state: finished" in page and '"name": "epoch (validation)"' in page


def test_a_finished_run_leaves_a_static_picture_in_its_output(wire, outputs):
    mon = nbkeras.LiveMonitor(display="widget")
    _model().fit(X, Y, epochs=2, validation_data=(XT, YT), callbacks=[mon], verbose=0)
    widget, picture = outputs  # the dashboard's output, then its picture output
    assert "text/html" not in picture.data  # shown before any step: nothing to picture yet
    (bundle,) = picture.updates
    assert widget.updates == []  # the live view's output is never updated (it would be re-created)
    # hidden where the live widget shows; renderers without widget state show the SVG
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == ""
    svg = picture_svg(bundle["text/html"])
    assert svg.startswith("<svg") and "finished after" in svg and svg.count("<path") >= 2 * 3  # loss + accuracy panels
    assert "<script" not in svg


# -- the learning-rate axis: labels that never overlap (issue #11 item 19) ----------------------------


def _plot_height(panel):
    layout = panel["layout"]
    return layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]


@pytest.mark.parametrize("decades", [0.05, 0.3, 0.7, 1.0, 1.3, 2.0, 3.5, 6.0])
def test_learning_rate_ticks_stay_apart_on_the_panel_at_any_range(decades):
    from nbkeras.training.figures import log_axis_ticks, metric_panels

    for lo in np.geomspace(1e-6, 0.5, 37):
        axis = log_axis_ticks(np.array([lo, lo * 10**decades, lo * 10 ** (decades / 3)]))
        lr_panel = metric_panels(["loss"], log_scale=False, learning_rate_axis=axis)[-1]
        yaxis = lr_panel["layout"]["yaxis"]
        assert lr_panel["layout"]["meta"]["panel"] == "learning_rate" and yaxis["tickmode"] == "array"
        ticks = np.log10(yaxis["tickvals"])
        assert (
            2 <= len(ticks) <= 4
            and lo * 0.999 <= yaxis["tickvals"][0]
            and yaxis["tickvals"][-1] <= lo * 10**decades * 1.001
        )
        gaps_px = np.diff(ticks) / decades * _plot_height(lr_panel)  # the axis spans the rates used
        assert gaps_px.min() >= 20, (lo, decades, yaxis["ticktext"])  # 12 px labels: a clear gap between them
        assert len(set(yaxis["ticktext"])) == len(ticks)


def test_an_unknown_learning_rate_gets_no_chart_and_the_last_chart_carries_the_step_axis():
    """An optimizer whose rate could not be read: no empty learning-rate chart (it read 0.1 .. 1e4)."""
    from nbkeras.training.figures import log_axis_ticks, metric_panels

    panels = metric_panels(["loss", "accuracy"], log_scale=False)
    assert [p["layout"]["meta"]["panel"] for p in panels] == ["loss", "accuracy"]
    assert panels[-1]["layout"]["xaxis"]["showticklabels"] and panels[-1]["layout"]["xaxis"]["title"]["text"] == "step"
    known = metric_panels(["loss"], log_scale=False, learning_rate_axis=log_axis_ticks(np.array([1e-3])))
    assert [p["layout"]["meta"]["panel"] for p in known] == ["loss", "learning_rate"]
    assert not known[0]["layout"]["xaxis"]["showticklabels"]


def test_a_constant_learning_rate_gets_one_label_at_its_value():
    from nbkeras.training.figures import log_axis_ticks

    assert log_axis_ticks(np.full(50, 1e-3)) == {"tickmode": "array", "tickvals": [1e-3], "ticktext": ["1e-3"]}
    assert log_axis_ticks(np.array([np.nan, 0.0])) == {}  # no usable rate yet: Plotly's own


def test_the_learning_rate_panel_labels_the_rates_of_the_run_live_and_in_its_picture(wire):
    mon = nbkeras.LiveMonitor(display="widget", histograms=False, probe=None)
    m = _model(lr=0.01)
    change = _At(8, lambda: mon.command("set_learning_rate", 0.001))
    m.fit(X, Y, epochs=1, batch_size=32, callbacks=[change, mon], verbose=0)
    lr_panel = [p for p in mon.dashboard.metric_panels if p["layout"]["meta"]["panel"] == "learning_rate"][0]
    assert lr_panel["layout"]["yaxis"]["ticktext"] == ["1e-3", "2e-3", "5e-3", "1e-2"]  # what the live view draws
    # The picture draws the same labels, each well clear of the next.
    import xml.etree.ElementTree as ET

    root = ET.fromstring(picture_svg(mon.presenter.picture()["text/html"]))
    labels = {
        t.text: float(t.get("y"))
        for t in root.iter("{http://www.w3.org/2000/svg}text")
        if t.text in {"1e-3", "2e-3", "5e-3", "1e-2"}
    }
    assert set(labels) == {"1e-3", "2e-3", "5e-3", "1e-2"}
    ys = sorted(labels.values())
    assert min(np.diff(ys)) >= 14, labels  # font-size 10-12: no two labels touch


def test_each_control_is_one_name_from_the_button_to_the_run():
    """The view's request name = the dashboard's @command = the run's command name (issue #12 item 4)."""
    import re
    from pathlib import Path

    from nbkeras.training.controls import COMMANDS
    from nbkeras.training.dashboard import TrainingDashboard

    js = (Path(nbkeras.__file__).parent.parent / "js" / "src" / "training_dashboard.js").read_text()
    sent = set(re.findall(r'rpc\.request\("(\w+)"', js))
    assert sent == set(COMMANDS) == {"stop", "set_learning_rate", "checkpoint"}
    assert set(COMMANDS) | {"resync"} == set(TrainingDashboard._commands)
    old_name = r"argument `command`\. Received: command='learning_rate'.*'set_learning_rate'"
    with pytest.raises(ValueError, match=old_name):
        nbkeras.LiveMonitor(display="none").command("learning_rate", 0.1)  # the old second name is gone


def test_a_click_gives_the_run_a_typed_command_and_refuses_a_bad_rate(wire):
    from nbkeras.training.controls import RunControls, SetLearningRate, Stop
    from nbkeras.training.dashboard import TrainingDashboard

    controls = RunControls()
    run_id = controls.arm()
    board = TrainingDashboard(controls=controls)

    def click(seq, action, **args):  # the message the view sends (js/src/lib/channel.js)
        board._on_frontend_msg(board, {"type": "request", "seq": seq, "action": action, "args": args}, [])

    click(1, "set_learning_rate", value=0.002)
    click(2, "set_learning_rate", value=-1)
    assert board.error == (
        "Invalid value for argument `learning_rate`. Received: learning_rate=-1. Expected a number > 0."
    )
    click(3, "stop")
    assert controls.take() == [SetLearningRate(run_id, 0.002), Stop(run_id)]
    controls.end()
    click(4, "stop")
    controls.arm()  # the next run: a Stop clicked after the last one ended never reaches it
    assert controls.take() == []
