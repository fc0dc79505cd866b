"""RunComparison: several runs on one live chart."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import nbkeras
from nbkeras import datasets
from nbkeras.widgets.figure import to_static

(X, Y), (XT, YT) = datasets.moons(n_samples=400, seed=2)


def _model(optimizer):
    keras.utils.set_random_seed(0)
    m = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2, activation="softmax")]
    )
    m.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


def test_each_run_is_a_line_per_metric_with_its_history(wire):
    board = nbkeras.RunComparison(("loss", "val_accuracy"), title="optimizers")
    for name in ("sgd", "adam"):
        _model(name).fit(X, Y, epochs=3, validation_data=(XT, YT), callbacks=[board.monitor(name)], verbose=0)
    data = to_static(board.figure)["data"]
    assert [(t["name"], t["yaxis"]) for t in data] == [("sgd", "y"), ("adam", "y"), ("sgd", "y2"), ("adam", "y2")]
    for trace, (label, metric) in zip(
        data, [("sgd", "loss"), ("adam", "loss"), ("sgd", "val_accuracy"), ("adam", "val_accuracy")]
    ):
        np.testing.assert_allclose(trace["y"], board.runs[label].history[metric], rtol=1e-6)
        assert trace["x"] == [1.0, 2.0, 3.0]
    assert set(board.table()) == {"sgd", "adam"}


def test_the_legend_sits_above_the_charts_and_log_axes_get_labelled_ticks(wire):
    """Below the charts the legend ran into their "epoch" titles; on a log axis Plotly labelled
    bare digits ("7 6 5 4 3 2 0.1 9 8"): a few labelled ticks within the values instead."""
    board = nbkeras.RunComparison(("loss", "val_loss"), log_scale=True, title="batch size")
    for name in ("sgd", "adam"):
        _model(name).fit(X, Y, epochs=4, validation_data=(XT, YT), callbacks=[board.monitor(name)], verbose=0)
    layout = to_static(board.figure)["layout"]
    assert layout["legend"]["y"] >= 1 and layout["legend"]["yanchor"] == "bottom"
    assert layout["title"]["yref"] == "container" and layout["title"]["yanchor"] == "top"
    for axis, metric in (("yaxis", "loss"), ("yaxis2", "val_loss")):
        values = np.concatenate([board.runs[n].history[metric] for n in ("sgd", "adam")])
        ticks = layout[axis]["tickvals"]
        assert layout[axis]["type"] == "log" and 1 <= len(ticks) <= 4, layout[axis]
        assert values.min() * 0.999 <= min(ticks) and max(ticks) <= values.max() * 1.001
        assert len(set(layout[axis]["ticktext"])) == len(ticks) and all("e" in t for t in layout[axis]["ticktext"])
    linear = nbkeras.RunComparison(("loss",)).figure_spec()["layout"]["yaxis"]
    assert linear["type"] == "linear" and "tickvals" not in linear


def test_live_updates_arrive_during_the_run(wire):
    board = nbkeras.RunComparison(("loss",))
    board.min_interval = 0.0
    mon = board.monitor("adam")
    start = len(wire.messages_for(board))
    _model("adam").fit(X, Y, epochs=4, callbacks=[mon], verbose=0)
    updates = [m for m in wire.messages_for(board)[start:] if "figure" in m.data.get("state", {})]
    assert len(updates) >= 4  # one per epoch (plus the final redraw)


def test_bad_arguments_are_refused(wire):
    with pytest.raises(ValueError, match="Received: metrics='loss'"):
        nbkeras.RunComparison("loss")
    board = nbkeras.RunComparison()
    board.monitor("a")
    with pytest.raises(ValueError, match="already used"):
        board.monitor("a")


def test_the_saved_output_keeps_a_picture_of_every_finished_run(wire, outputs):
    from nbkeras.widgets.picture import WIDGET_VIEW, picture_svg

    board = nbkeras.compare_runs(("loss",), title="two optimizers")
    widget, picture = outputs
    assert "text/html" not in picture.data  # nothing trained yet: no picture
    for name in ("sgd", "adam"):
        _model(name).fit(X, Y, epochs=2, callbacks=[board.monitor(name)], verbose=0)
    # one update of the picture output per finished run, each carrying the runs so far;
    # the widget's own output (its live view) is never updated
    assert widget.updates == [] and len(picture.updates) == 2
    last = picture.updates[-1]
    assert last[WIDGET_VIEW]["model_id"] == "" and board.model_id == widget.data[WIDGET_VIEW]["model_id"]
    svg = picture_svg(last["text/html"])
    assert svg is not None and "two optimizers" in svg and "sgd" in svg and "adam" in svg
    assert "adam" not in picture_svg(picture.updates[0]["text/html"])
