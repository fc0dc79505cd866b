"""The training dashboard's live decision surface (issue #13 item 3): measured where the model
lives, at most about once a second, only for 2-D inputs, drawn live and in the saved picture."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import nbkeras
from nbkeras import datasets
from nbkeras.training.figures import surface_figure, surface_tints, surface_z
from nbkeras.training.presenter import PICTURE_POINTS
from nbkeras.training.surface import (
    SURFACE_POINTS,
    SURFACE_RESOLUTION,
    LiveSurface,
    SurfaceProbe,
    surface_data,
    takes_2d_points,
)
from nbkeras.widgets.figure import to_static
from nbkeras.widgets.picture import picture_svg

(X, Y), _ = datasets.spirals(n_samples=800, seed=1)  # 640 training points


def _model(classes=2, width=2, seed=0, activation="softmax"):
    keras.utils.set_random_seed(seed)
    m = keras.Sequential(
        [
            keras.Input((width,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(classes, activation=activation),
        ]
    )
    loss = "binary_crossentropy" if classes == 1 else "sparse_categorical_crossentropy"
    m.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    return m


@pytest.fixture(autouse=True)
def _fresh_keras():
    yield
    keras.backend.clear_session()


class _SurfaceAt(keras.callbacks.Callback):
    """Copies the model's decision surface (the inspect core) each time the monitor measures one."""

    def __init__(self, monitor):
        super().__init__()
        self.monitor, self.seen = monitor, []

    def on_train_batch_end(self, batch, logs=None):  # placed after the monitor: it has measured
        s = self.monitor.surface  # measured at this very step (not the initial weights' of step 0)
        if s is not None and s.step == self.monitor.recorder.step and (not self.seen or self.seen[-1][0] is not s):
            self.seen.append((s, nbkeras.decision_surface(self.model, X, resolution=SURFACE_RESOLUTION)))


def test_the_panel_shows_the_models_probabilities_at_that_moment(wire):
    mon = nbkeras.LiveMonitor(display="widget", histograms=False, probe=None)
    spy = _SurfaceAt(mon)
    model = _model()
    model.fit(X, Y, epochs=40, batch_size=16, verbose=0, callbacks=[mon, spy])  # 1,600 steps: a few seconds
    assert spy.seen, "a surface was measured during the run"
    for snapshot, reference in spy.seen:  # taken at that step, from those weights
        np.testing.assert_array_equal(snapshot.data.xs, reference.xs)
        np.testing.assert_allclose(snapshot.probabilities, reference.probabilities, atol=1e-6)
    final = mon.surface
    assert final.step == mon.recorder.step and final.probabilities.shape == (60, 60, 2)
    after = nbkeras.decision_surface(model, X, resolution=60)
    np.testing.assert_allclose(final.probabilities, after.probabilities, atol=1e-6)
    np.testing.assert_array_equal(final.ys, after.ys)
    np.testing.assert_array_equal(final.predicted_class, after.predicted_class)
    # the view gets the same numbers: P(class 1) as the heatmap's z, float32 on the wire
    spec = mon.dashboard.surface_figure
    heatmap = spec["data"][0]
    z = np.frombuffer(heatmap["z"]["f32"], dtype="<f4").reshape(heatmap["z"]["shape"])
    np.testing.assert_array_equal(z, final.probabilities[..., 1])
    assert spec["layout"]["meta"] == {"panel": "surface"}
    # its colors, and how a dark view remakes them (test_the_colorscale_is_its_paper_tints_on_white...)
    assert heatmap["meta"]["paper_tints"] == surface_tints(2)
    assert heatmap["colorscale"] == surface_z(final.probabilities)[1]
    # the points: a fixed sample of the training data, coloured by class
    points = spec["data"][1:]
    assert [t["name"] for t in points] == ["class 0", "class 1"]
    assert sum(len(np.frombuffer(t["x"], dtype="<f4")) for t in points) == min(len(X), SURFACE_POINTS)


def test_a_one_unit_sigmoid_output_is_two_classes():
    mon = nbkeras.LiveMonitor(display="none", histograms=False, probe=None)
    model = _model(classes=1, activation="sigmoid")
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[mon])
    p = model.predict_on_batch(np.array([[mon.surface.data.xs[0], mon.surface.data.ys[0]]], dtype=np.float32))[0, 0]
    np.testing.assert_allclose(mon.surface.probabilities[0, 0], [1 - p, p], atol=1e-6)


def test_refreshed_at_most_once_a_second_over_a_run():
    mon = nbkeras.LiveMonitor(display="none", histograms=False, probe=None)
    times = []
    original = SurfaceProbe.measure

    def timed(self, **kwargs):
        times.append(__import__("time").perf_counter())
        return original(self, **kwargs)

    model = _model()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(SurfaceProbe, "measure", timed)
        model.fit(X, Y, epochs=60, batch_size=16, verbose=0, callbacks=[mon])  # 2,400 steps: a few seconds
    gaps = np.diff(times[:-1])  # the last one is the final weights', at train end
    assert len(times) >= 3  # the initial weights, during the run, the final weights
    # 1 s apart on the clock the hook reads at each step; a histogram snapshot between that reading and the
    # surface's measurement can shift one start by a few ms
    assert gaps.min() >= 0.95, gaps
    assert mon.surface.step == mon.recorder.step


def test_the_schedule_with_a_fake_clock_is_once_a_second_and_within_its_budget():
    live = LiveSurface()
    live.take_data(X, Y)
    live.begin(_model(), now=0.0)
    taken = []
    for step in range(1, 5001):  # 5,000 steps of 1 ms: 5 s
        now = step * 0.001
        if live.due(step, now):
            live.scheduler.record(0.002, now + 0.002)  # a measurement costing 2 ms
            taken.append(now)
    assert len(taken) >= 4 and np.diff(taken).min() >= 1.0  # the first at once, then at most 1/s
    slow = LiveSurface()
    slow.take_data(X, Y)
    slow.begin(_model(), now=0.0)
    taken = []
    for step in range(1, 5001):
        now = step * 0.001
        if slow.due(step, now):
            slow.scheduler.record(0.02, now + 0.02)  # a model whose grid pass costs 20 ms
            taken.append(now)
    assert len(taken) <= 3  # 1 % of 5 s is 50 ms: the budget spaces them out further


@pytest.mark.parametrize("width", [1, 3])
def test_no_panel_when_the_inputs_are_not_2d(width, wire):
    mon = nbkeras.LiveMonitor(display="widget", histograms=False, probe=None)
    x = np.random.default_rng(0).normal(size=(64, width)).astype("float32")
    model = _model(width=width)
    assert not takes_2d_points(model)
    model.fit(x, Y[:64], epochs=1, verbose=0, callbacks=[mon])
    assert mon.surface is None and mon.dashboard.surface_figure == {}
    assert "decision surface" not in [title for title, _ in mon.figures()]
    assert not any("surface" in n for n in mon.notices)


def test_surface_false_turns_it_off(wire):
    mon = nbkeras.LiveMonitor(display="widget", surface=False, histograms=False, probe=None)
    _model().fit(X, Y, epochs=1, verbose=0, callbacks=[mon])
    assert mon.surface is None and mon.dashboard.surface_figure == {}


def test_bad_switches_are_refused_in_keras_words():
    with pytest.raises(TypeError, match="surface"):
        nbkeras.LiveMonitor(surface="yes")
    with pytest.raises(ValueError, match="surface_resolution"):
        nbkeras.LiveMonitor(surface_resolution=1)


def test_a_dataset_says_why_there_is_no_surface():
    import tensorflow as tf

    mon = nbkeras.LiveMonitor(display="none", histograms=False, probe=None)
    data = tf.data.Dataset.from_tensor_slices((X, Y)).batch(32)
    _model().fit(data, epochs=1, verbose=0, shuffle=False, callbacks=[mon])
    assert mon.surface is None
    assert any(n.startswith("Decision surface skipped: the data is not one array") for n in mon.notices)


def test_the_points_are_a_fixed_sample_with_their_classes():
    x = np.random.default_rng(1).normal(size=(2000, 2))
    y = keras.utils.to_categorical(np.arange(2000) % 3, 3)  # one-hot targets
    data, why = surface_data(x, y, resolution=10)
    assert why == "" and data.points.shape == (SURFACE_POINTS, 2)
    again, _ = surface_data(x, y, resolution=10)
    np.testing.assert_array_equal(data.points, again.points)  # the same sample every time
    rows = [int(np.flatnonzero((x.astype(np.float32) == p).all(axis=1))[0]) for p in data.points[:20]]
    assert rows == sorted(rows) and data.labels[:20].tolist() == [r % 3 for r in rows]
    assert (data.xs[0], data.xs[-1]) == pytest.approx(
        (x[:, 0].min() - 0.1 * np.ptp(x[:, 0]), x[:, 0].max() + 0.1 * np.ptp(x[:, 0]))
    )


def test_the_static_picture_contains_the_final_surface(wire, outputs):
    mon = nbkeras.LiveMonitor(display="widget", histograms=False, probe=None)
    _model().fit(X, Y, epochs=2, verbose=0, callbacks=[mon])
    titles = [title for title, _ in mon.figures()]
    assert titles[-1] == "decision surface"
    spec = to_static(dict(mon.figures())["decision surface"])
    np.testing.assert_allclose(np.array(spec["data"][0]["z"]), mon.surface.probabilities[..., 1], atol=1e-6)
    assert f"decision surface after step {mon.recorder.step}" in spec["layout"]["title"]["text"]
    assert sum(len(t["x"]) for t in spec["data"][1:]) == SURFACE_POINTS  # the report: every sampled point
    pictured = to_static(dict(mon.presenter.figures(picture=True))["decision surface"])
    assert sum(len(t["x"]) for t in pictured["data"][1:]) == PICTURE_POINTS  # the picture keeps its bytes down
    _, picture = outputs
    svg = picture_svg(picture.updates[-1]["text/html"])
    assert f"decision surface after step {mon.recorder.step}" in svg and "class 1" in svg


@pytest.mark.parametrize("classes", [1, 2, 3, 5])
def test_the_colorscale_is_its_paper_tints_on_white_and_the_figure_carries_them(classes):
    """A dark view mixes ``meta.paper_tints`` with its own paper (js/src/lib/theme.js themeTraces):
    on white they must give exactly the figure's colorscale, halves rounded up as the view does."""
    p = np.full((1, 2, max(classes, 2)) if classes > 1 else (1, 2, 1), 0.5, dtype=np.float32)
    _, scale = surface_z(p)
    tints = surface_tints(p.shape[-1])
    assert [t for t, _, _ in tints] == [t for t, _ in scale]
    for (_, color, amount), (_, mixed) in zip(tints, scale, strict=True):
        base = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
        assert mixed == "rgb({},{},{})".format(*(int(c + (255 - c) * amount + 0.5) for c in base))
    if classes <= 2:  # the boundary is the paper itself, whatever its color
        assert tints[1] == [0.5, tints[1][1], 1.0] and scale[1][1] == "rgb(255,255,255)"
    # 245 + 10 * 0.55 = 250.5: rounded up (Python's round() would give 250, the view 251).
    assert surface_tints(2)[0][1:] == ["#f58518", 0.55]
    assert surface_z(np.zeros((1, 1, 2)))[1][0][1] == "rgb(251,200,151)"


def test_more_than_two_classes_band_the_colors_by_predicted_class():
    p = np.array([[[0.8, 0.1, 0.1], [1 / 3, 1 / 3, 1 / 3], [0.0, 0.0, 1.0]]], dtype=np.float32)
    z, scale = surface_z(p)
    np.testing.assert_allclose(z[0], [(0 + 0.999 * 0.7) / 3, 0.0, (2 + 0.999) / 3], atol=1e-6)
    assert [s[0] for s in scale][::2] == pytest.approx([0, 1 / 3, 2 / 3]) and scale[-1][0] == 1.0
    model = _model(classes=3)
    data, _ = surface_data(X, Y + (X[:, 0] > 0), resolution=8)
    snapshot = SurfaceProbe(model, data).measure(step=0, epoch=0)
    spec = surface_figure(snapshot)
    assert [t["name"] for t in spec["data"][1:]] == ["class 0", "class 1", "class 2"]
    assert spec["data"][0]["hoverinfo"] == "skip"  # z is an encoding: no misleading hover value


def _png_pixels(svg: str) -> np.ndarray:
    """The (h, w, 4) pixels of the one PNG image in ``svg`` (8-bit RGBA, unfiltered rows)."""
    import base64
    import re
    import struct
    import zlib

    (data,) = re.findall(r'href="data:image/png;base64,([^"]+)"', svg)
    png = base64.b64decode(data)
    w, h = struct.unpack(">II", png[16:24])
    idat = png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8]
    rows = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + 4 * w)
    assert not rows[:, 0].any()  # no filter
    return rows[:, 1:].reshape(h, w, 4)


def test_the_static_surface_is_one_small_image_of_its_probabilities(wire):
    from nbkeras.widgets.svg import figures_svg

    mon = nbkeras.LiveMonitor(display="none", histograms=False, probe=None)
    _model().fit(X, Y, epochs=2, verbose=0, callbacks=[mon])
    svg = figures_svg([("decision surface", surface_figure(mon.surface))], width=720)
    assert svg.count("<image") == 1 and "<rect x" not in svg.split("<image")[1]  # not 3,600 rects
    assert len(svg) < 40_000  # the picture of 60 × 60 probabilities and 300 points
    pixels = _png_pixels(svg)
    assert pixels.shape == (60, 60, 4) and (pixels[..., 3] == 255).all()
    p1 = mon.surface.probabilities[..., 1]
    _, scale = surface_z(mon.surface.probabilities)
    stops = np.array([s[0] for s in scale])
    rgb = np.array([[int(v) for v in s[1][4:-1].split(",")] for s in scale], dtype=float)
    for row, col in [(0, 0), (0, 59), (59, 0), (30, 30)]:  # the image's top row is the grid's highest y
        expected = [np.interp(p1[59 - row, col], stops, rgb[:, k]) for k in range(3)]
        np.testing.assert_allclose(pixels[row, col, :3], expected, atol=1.0)


def test_the_saved_histograms_are_one_crisp_image_too():
    from nbkeras.training.figures import histogram_history_figure
    from nbkeras.training.histograms import histogram_history, weight_histograms
    from nbkeras.widgets.svg import figures_svg

    model, snapshots = _model(), []
    for step in range(6):  # the weights drift between snapshots
        snapshots.append(weight_histograms(model.trainable_weights, bins=32, step=step, epoch=0))
        for w in model.trainable_weights:
            w.assign(w * 1.1 + 0.01)
    spec = histogram_history_figure(histogram_history(snapshots, rows=40, bins=32), step=5, epoch=0)
    svg = figures_svg([("weight histograms over time", spec)], width=720)
    assert svg.count("<image") == 1 and "image-rendering:pixelated" in svg and len(svg) < 30_000
    z = np.asarray(spec["data"][0]["z"], dtype=float)
    pixels = _png_pixels(svg)
    assert pixels.shape[:2] == z.shape  # every snapshot row and bin, no block means
    # blank rows between the weights' bands are transparent; drawn rows are opaque
    np.testing.assert_array_equal(pixels[..., 3] == 0, ~np.isfinite(z))
