"""ActivationExplorer through the recording comm: what reaches the front end, and its values."""

from __future__ import annotations

import re

import numpy as np
import pytest
import traitlets

from nbkeras.activations import ActivationExplorer, activation_curves, activation_names
from nbkeras.testing import CommRecorder
from nbkeras.widgets.figure import to_static


def _request(widget, seq, name, value):
    message = {"type": "request", "seq": seq, "action": "set", "args": {"name": name, "value": value}}
    CommRecorder.send_from_frontend(widget, message)


def _curve(widget, trace_name):
    data = to_static(widget.curves_figure)["data"]
    (trace,) = [t for t in data if t["name"] == trace_name]
    return np.array(trace["x"], dtype=float), np.array([np.nan if v is None else v for v in trace["y"]])


def test_curves_reach_the_front_end_as_float32_buffers_equal_to_keras(wire):
    e = ActivationExplorer(activations=("sigmoid", "tanh"), x_range=(-3, 3), points=601)
    x, y = _curve(e, "sigmoid")
    _, dy = _curve(e, "sigmoid′")
    ref_y, ref_dy = activation_curves("sigmoid", np.linspace(-3, 3, 601))
    np.testing.assert_allclose(y, ref_y, rtol=1e-6)
    np.testing.assert_allclose(dy, ref_dy, rtol=1e-6)
    assert dy[300] == pytest.approx(0.25)  # x = 0
    _, tanh_dy = _curve(e, "tanh′")
    assert tanh_dy[300] == pytest.approx(1.0)
    opened = [m for m in wire.messages_for(e) if m.msg_type == "comm_open"][0]
    # 2 activations x (f, f') x (x, y) arrays, 601 float32 each
    assert opened.buffer_bytes >= 2 * 2 * 2 * 601 * 4


def test_a_control_change_answers_with_curves_first_then_the_depth_panel(wire):
    e = ActivationExplorer(activations=("leaky_relu",), points=1000)
    start = len(wire.messages)
    params = {"leaky_relu": {"negative_slope": 0.1}}
    _request(e, 1, "params", params)
    sent = wire.since(start)
    # the answer (new curves, cards and the ack) in one update; the slower depth panel after it
    assert [sorted(m.data["state"]) for m in sent] == [
        ["_ack", "cards", "curves_figure", "params"],
        ["depth_figure"],
    ]
    assert sent[0].data["state"]["_ack"] == 1
    x, dy = _curve(e, "leaky_relu′")
    assert np.all(dy[x < 0] == pytest.approx(0.1)) and np.all(dy[x > 0] == 1.0)
    assert e.negative_slope == 0.1  # the attribute follows the control
    # bytes per update do not depend on history: a second change costs the same
    start = len(wire.messages)
    _request(e, 2, "params", {"leaky_relu": {"negative_slope": 0.2}})
    assert abs(wire.since(start)[0].total_bytes - sent[0].total_bytes) < 200
    # a Python assignment is synchronous: the depth panel is current when it returns
    before = e.depth_figure
    e.negative_slope = 0.3
    assert e.depth_figure is not before


def test_python_attributes_update_the_widget_like_controls(wire):
    e = ActivationExplorer(activations=("relu", "leaky_relu"), negative_slope=0.1)
    assert e.params["leaky_relu"] == {"negative_slope": 0.1}
    e.set_params("relu", negative_slope=0.0)
    assert e.params["relu"]["negative_slope"] == 0.0 and e.params["leaky_relu"]["negative_slope"] == 0.1
    e.x_range = (-2, 2)
    x, _ = _curve(e, "relu")
    assert (x[0], x[-1]) == (-2.0, 2.0)
    e.activations = ["elu"]
    assert list(e.params) == ["elu"] and e.params["elu"] == {"alpha": 1.0}  # Keras's default, read from its signature
    e.alpha = 0.5
    assert _curve(e, "elu")[1][0] == pytest.approx(0.5 * (np.exp(-2) - 1), rel=1e-5)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("x_range", [3, -3], "Expected min < max"),
        ("x_range", [None, 3], "Expected two finite numbers"),
        ("points", None, "Received: points=None (of type NoneType). Expected an integer between 2 and 20000"),
        ("depth_width", 2.5, "Received: depth_width=2.5 (of type float). Expected an integer between 1 and 1024"),
        ("points", 10_000_000, "Received: points=10000000. Expected an integer between 2 and 20000"),
        ("activations", ["rlu"], "Did you mean one of 'relu'"),
        ("activations", ["softmax"], "'softmax' has no curve"),
        ("params", {"leaky_relu": {"slope": 0.1}}, "Invalid argument `slope` for activation 'leaky_relu'"),
        ("params", {"leaky_relu": {"negative_slope": "abc"}}, "Received: negative_slope='abc'"),
    ],
)
def test_bad_input_from_a_control_shows_in_the_widget_and_keeps_the_last_plot(wire, name, value, message):
    e = ActivationExplorer(activations=("leaky_relu",))
    before = to_static(e.curves_figure)
    _request(e, 7, name, value)
    assert message in e.error
    assert e._ack == 7
    assert to_static(e.curves_figure) == before
    # and the same value from Python raises with the same message
    with pytest.raises((traitlets.TraitError, ValueError), match=message.replace("(", r"\(")[:30]):
        setattr(e, name, value)


def test_overflow_draws_gaps_never_crashes(wire):
    e = ActivationExplorer(activations=("exponential",), x_range=(0, 1000), points=11)
    _, y = _curve(e, "exponential")
    assert np.isfinite(y[0]) and np.isnan(y[-1])  # inf travels as float32 inf and is drawn as a gap
    assert e.error == ""


def test_a_custom_activation_that_raises_shows_its_error_and_keeps_the_last_plot(wire):
    state = {"fail": False}

    def flaky(x):
        if state["fail"]:
            raise ZeroDivisionError("boom")
        return x * x

    e = ActivationExplorer(activations=(flaky,), x_range=(-1, 1), points=3)
    assert _curve(e, "flaky")[1].tolist() == [1.0, 0.0, 1.0]
    state["fail"] = True
    _request(e, 1, "x_range", [-2, 2])
    assert "Custom activation flaky raised ZeroDivisionError: boom" in e.error
    assert _curve(e, "flaky")[0].tolist() == [-1.0, 0.0, 1.0]


def test_catalog_comes_from_keras_and_explains_exclusions(wire):
    e = ActivationExplorer()
    assert e.catalog["names"] == list(activation_names())
    assert "softmax" in e.catalog["excluded"] and "softmax" not in e.catalog["names"]
    # "Not plotted" lists activations only: keras.activations' helpers are not activations.
    assert not {"get", "serialize", "deserialize"} & set(e.catalog["excluded"])
    (slope,) = e.catalog["parameters"]["leaky_relu"]
    assert (slope["name"], slope["kind"], slope["default"]) == ("negative_slope", "float", 0.2)


def test_cards_carry_a_correct_formula_and_measured_properties(wire):
    e = ActivationExplorer(activations=("tanh", "relu"))
    tanh, relu = e.cards
    assert r"\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}" in tanh["latex"]
    assert tanh["formula"][0] == "math"  # MathML tree, built in the browser with createElementNS
    rows = dict(relu["properties"])
    assert "not differentiable" in " ".join(rows.values())
    rows = dict(tanh["properties"])
    assert any("yes" in v.lower() for k, v in rows.items() if "zero" in k.lower())


def test_depth_panel_shows_vanishing_gradients_for_sigmoid(wire):
    e = ActivationExplorer(activations=("sigmoid",), depth_layers=12)
    (norms,) = [t for t in to_static(e.depth_figure)["data"] if t["name"] == "‖dL/dW‖"]
    y = np.array(norms["y"])
    assert len(y) == 12 and y[0] < 1e-3 * y[-1]
    _request(e, 1, "depth_initializer", "he_normal")
    assert "he_normal" in e.depth_figure["layout"]["title"]["text"]
    _request(e, 2, "depth_initializer", "zeros")
    assert "Expected one of 'glorot_uniform', 'he_normal', 'random_normal'" in e.error


def test_the_depth_panel_shows_the_chosen_activation_picked_from_python_or_the_view(wire):
    e = ActivationExplorer(activations=("sigmoid", "relu"), depth_layers=4)
    assert e.depth_activation == "sigmoid"  # the first, by default
    assert e.depth_figure["layout"]["title"]["text"].startswith("sigmoid through 4")
    start = len(wire.messages)
    _request(e, 1, "depth_activation", "relu")
    assert e.error == "" and e.depth_activation == "relu"
    assert e.depth_figure["layout"]["title"]["text"].startswith("relu through 4")
    sent = wire.since(start)
    assert sent[0].data["state"]["depth_activation"] == "relu" and "depth_figure" in sent[1].data["state"]
    # relu's dead half: about half of each layer's units are exactly 0 (sigmoid's never are)
    (zero,) = [t for t in to_static(e.depth_figure)["data"] if t["name"] == "fraction = 0"]
    assert all(0.3 < v < 0.7 for v in zero["y"])
    # only a chosen activation: refused from the view and from Python with the same message
    _request(e, 2, "depth_activation", "tanh")
    assert "Invalid value for argument `depth_activation`. Received: depth_activation='tanh'" in e.error
    assert "Expected one of 'sigmoid', 'relu'" in e.error and e.depth_activation == "relu"
    with pytest.raises(traitlets.TraitError, match="Expected one of 'sigmoid', 'relu'"):
        e.depth_activation = "tanh"
    for wrong in (3, None):
        with pytest.raises(traitlets.TraitError, match="Invalid type for argument `depth_activation`"):
            e.depth_activation = wrong
    # unchoosing it moves the panel to the first chosen activation
    e.activations = ["tanh", "sigmoid"]
    assert e.depth_activation == "tanh" and e.depth_figure["layout"]["title"]["text"].startswith("tanh through")
    # and it can be given at construction
    given = ActivationExplorer(activations=("sigmoid", "relu"), depth_activation="relu", depth_layers=2)
    assert given.depth_activation == "relu"
    with pytest.raises(traitlets.TraitError, match="depth_activation"):
        ActivationExplorer(activations=("sigmoid",), depth_activation="relu")


def test_the_ridgeline_stays_readable_at_28_layers(wire):
    e = ActivationExplorer(activations=("tanh",), depth_layers=28, depth_width=16)
    figure = to_static(e.depth_figure)
    ridges = [t for t in figure["data"] if t["name"].startswith("layer ")]
    # 10 rows, first and last layer kept, evenly spaced: one row per label, 26 px each at 380 px
    assert [t["name"] for t in ridges] == [f"layer {i}" for i in (1, 4, 7, 10, 13, 16, 19, 22, 25, 28)]
    yaxis = figure["layout"]["yaxis"]
    assert yaxis["tickvals"] == list(range(10))
    assert yaxis["ticktext"] == ["1", "4", "7", "10", "13", "16", "19", "22", "25", "28"]
    assert yaxis["title"]["text"] == "layer (10 of 28)"
    for row, trace in enumerate(ridges):  # each ridge within its own row
        assert row <= min(trace["y"]) and max(trace["y"]) <= row + 0.9 + 1e-6
    # the other panels keep every layer
    (norms,) = [t for t in figure["data"] if t["name"] == "‖dL/dW‖"]
    assert len(norms["y"]) == 28


def test_the_gradient_axis_has_log_ticks_that_do_not_crowd(wire):
    e = ActivationExplorer(activations=("relu",), depth_layers=6, depth_initializer="he_normal")
    figure = to_static(e.depth_figure)
    (norms,) = [t for t in figure["data"] if t["name"] == "‖dL/dW‖"]
    lo, hi = min(norms["y"]), max(norms["y"])
    axis = figure["layout"]["yaxis3"]
    ticks = axis["tickvals"]
    assert axis["tickmode"] == "array" and 2 <= len(ticks) <= 6
    assert all(lo <= t <= hi for t in ticks)
    span = np.log10(hi / lo)
    assert all(np.log10(b / a) >= 0.15 * span for a, b in zip(ticks, ticks[1:]))
    assert all(re.fullmatch(r"\d(e-?\d+|\d*)|0\.0*\d", t) for t in axis["ticktext"]), axis["ticktext"]


def test_repr_is_deterministic(wire):
    expected = "ActivationExplorer(activations=('relu',), x_range=(-6.0, 6.0))"
    assert repr(ActivationExplorer(activations=("relu",))) == expected


def test_unknown_keyword_is_refused_with_the_valid_ones(wire):
    with pytest.raises(TypeError, match=r"Received: slope=0.1\. Expected a parameter of leaky_relu: negative_slope"):
        ActivationExplorer(activations=("leaky_relu",), slope=0.1)


def test_the_saved_picture_follows_the_controls_once_they_settle(wire, outputs, monkeypatch):
    from nbkeras.widgets.base import NbKerasWidget
    from nbkeras.widgets.picture import picture_svg

    # The test says when the changes settled (flush_picture), however slow the machine.
    monkeypatch.setattr(NbKerasWidget, "PICTURE_SETTLE_SECONDS", 3600)
    explorer = ActivationExplorer(activations=("relu",))
    explorer.display_once()
    widget, picture = outputs
    explorer.activations = ["relu", "tanh"]
    explorer.activations = ["relu", "tanh", "sigmoid"]
    assert picture.updates == []  # still settling
    assert explorer.flush_picture()
    (update,) = picture.updates  # two quick changes, one redraw, in the picture output only
    assert widget.updates == []
    svg = picture_svg(update["text/html"])
    assert {"relu", "tanh", "sigmoid"} <= set(re.findall(r">(\w+)</text>", svg))


# -- issue #10: busy feedback, work only where something changed, first-use notice ----------


def _settle(widget, seq):
    CommRecorder.send_from_frontend(widget, {"type": "request", "seq": seq, "action": "settle", "args": {}})


def test_a_settle_request_is_answered_after_the_deferred_depth_panel_and_changes_nothing(wire):
    e = ActivationExplorer(activations=("leaky_relu",))
    start = len(wire.messages)
    _request(e, 1, "params", {"leaky_relu": {"negative_slope": 0.1}})
    _settle(e, 2)
    sent = wire.since(start)
    # the answer, the deferred depth panel, then the settle's answer: an `_ack` alone
    expected = [["_ack", "cards", "curves_figure", "params"], ["depth_figure"], ["_ack"]]
    assert [sorted(m.data["state"]) for m in sent] == expected
    assert sent[-1].data["state"] == {"_ack": 2}
    # a refused value's message stays up: settling is not a new request that clears it
    _request(e, 3, "x_range", [3, -3])
    _settle(e, 4)
    assert "Expected min < max" in e.error and e._ack == 4


def test_a_parameter_of_another_activation_recomputes_only_that_activation(wire, monkeypatch):
    import nbkeras.activations.widget as widget_module

    computed = []
    real = widget_module.activation_curves
    monkeypatch.setattr(widget_module, "activation_curves", lambda fn, x, **p: computed.append(fn) or real(fn, x, **p))
    e = ActivationExplorer(activations=("sigmoid", "tanh", "leaky_relu"), x_range=(-3, 3), points=301)
    sigmoid_before = _curve(e, "sigmoid")
    depth_before = e.depth_figure
    computed.clear()
    start = len(wire.messages)
    _request(e, 1, "params", {**e.params, "leaky_relu": {"negative_slope": 0.3}})
    assert computed == ["leaky_relu"]
    # one message: the depth panel (sigmoid goes through the layers) is left as it is
    assert [sorted(m.data["state"]) for m in wire.since(start)] == [["_ack", "cards", "curves_figure", "params"]]
    assert e.depth_figure is depth_before
    np.testing.assert_array_equal(_curve(e, "sigmoid")[1], sigmoid_before[1])
    x, dy = _curve(e, "leaky_relu′")
    assert np.all(dy[x < 0] == pytest.approx(0.3))
    assert [c["name"] for c in e.cards] == ["sigmoid", "tanh", "leaky_relu"]
    assert [c["color"] for c in e.cards] == ["#4c78a8", "#f58518", "#54a24b"]  # colours follow the order
    assert "left 0.3," in dict(e.cards[2]["properties"])["f'(0)"]  # the card is the new one
    # the depth activation's parameter, or a depth control, does recompute the panel
    e.activations = ["leaky_relu", "sigmoid"]
    assert e.depth_activation == "sigmoid"  # still chosen: the panel stays on it
    e.depth_activation = "leaky_relu"
    before = e.depth_figure
    e.negative_slope = 0.05
    assert e.depth_figure is not before and "leaky_relu through" in e.depth_figure["layout"]["title"]["text"]
    before = e.depth_figure
    e.depth_layers = 3
    ridges = [t for t in to_static(e.depth_figure)["data"] if t["name"].startswith("layer ")]
    assert e.depth_figure is not before and len(ridges) == 3
    # order changes recolour without recomputing
    computed.clear()
    e.activations = ["sigmoid", "leaky_relu"]
    assert computed == [] and [c["color"] for c in e.cards] == ["#4c78a8", "#f58518"]


class _FakeHandle:
    def __init__(self):
        self.updates = []

    def update(self, data, **kwargs):
        self.updates.append((data, kwargs))


def test_loading_notice_shows_a_line_then_empties_it_even_when_the_work_fails():
    from nbkeras._keras import LOADING_NOTICE, loading_notice

    shown = []

    def display(data, **kwargs):
        handle = _FakeHandle()
        shown.append((data, kwargs, handle))
        return handle

    with pytest.raises(RuntimeError), loading_notice(display=display):
        assert len(shown) == 1  # shown before the work starts
        raise RuntimeError("import failed")
    ((data, kwargs, handle),) = shown
    assert data["text/plain"] == LOADING_NOTICE and "loading TensorFlow" in LOADING_NOTICE
    assert "<em>nbkeras: loading TensorFlow" in data["text/html"]
    assert kwargs == {"raw": True, "display_id": True}
    assert handle.updates == [({"text/plain": ""}, {"raw": True})]
    # outside a kernel (this test process) nothing is displayed and nothing imported
    from nbkeras._keras import _kernel_display

    assert _kernel_display() is None
    with loading_notice("html <b>escaped</b>", display=display):
        pass
    assert "&lt;b&gt;" in shown[-1][0]["text/html"]


@pytest.mark.slow
def test_a_fresh_kernel_says_it_is_loading_tensorflow_before_the_first_widget_only_once():
    jupyter_client = pytest.importorskip("jupyter_client")
    pytest.importorskip("ipykernel")
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="python3")
    try:
        kc.execute_interactive("import nbkeras, sys; assert 'tensorflow' not in sys.modules", timeout=60)
        first: list[dict] = []
        kc.execute_interactive('e = nbkeras.explore_activations("relu")', timeout=300, output_hook=first.append)
        again: list[dict] = []
        kc.execute_interactive("b = nbkeras.ModelBuilder(); b", timeout=300, output_hook=again.append)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    kinds = ("display_data", "update_display_data", "comm_open", "error")
    shown = [(m["msg_type"], m["content"]) for m in first if m["msg_type"] in kinds]
    kinds = [kind for kind, _ in shown]
    assert "error" not in kinds, shown
    notice_id = shown[0][1]["transient"]["display_id"]
    assert shown[0][0] == "display_data" and "nbkeras: loading TensorFlow" in shown[0][1]["data"]["text/plain"]
    # emptied (same output) before any widget exists; the widget comes after
    assert shown[1][0] == "update_display_data" and shown[1][1]["transient"]["display_id"] == notice_id
    assert shown[1][1]["data"] == {"text/plain": ""}
    # the widget then shows itself in that output, where the line was: no empty output above it
    widget = [(kind, c) for kind, c in shown if "ActivationExplorer" in c.get("data", {}).get("text/plain", "")]
    assert [kind for kind, _ in widget] == ["update_display_data"]
    assert widget[0][1]["transient"]["display_id"] == notice_id
    assert "application/vnd.jupyter.widget-view+json" in widget[0][1]["data"]
    assert kinds.index("comm_open") > 1 and kinds[-1] == "display_data"  # its picture output, after it
    # TensorFlow is loaded now: the next widget shows no notice, and gets outputs of its own
    assert not any("loading TensorFlow" in str(m["content"]) for m in again)
    assert not any(m["msg_type"] == "update_display_data" for m in again)
    assert any(m["msg_type"] == "display_data" and "ModelBuilder" in str(m["content"]["data"]) for m in again)


def test_the_widget_a_cell_displays_next_takes_the_notices_output_once(monkeypatch):
    import nbkeras._keras as keras_door

    handle = _FakeHandle()
    monkeypatch.setattr(keras_door, "_execution_count", lambda: 7)
    monkeypatch.setattr(keras_door, "_left_notice", {"notice": (7, handle)})
    assert keras_door.claim_loading_notice() is handle
    assert keras_door.claim_loading_notice() is None  # once
    keras_door._left_notice["notice"] = (6, handle)  # an earlier cell's notice is not this cell's
    assert keras_door.claim_loading_notice() is None


def test_a_widget_takes_the_notices_output_and_keeps_its_picture_output(wire, outputs, monkeypatch):
    import nbkeras._keras as keras_door

    notice = _FakeHandle()
    monkeypatch.setattr(keras_door, "_execution_count", lambda: 3)
    monkeypatch.setattr(keras_door, "_left_notice", {"notice": (3, notice)})
    e = ActivationExplorer(activations=("relu",))
    e.display_once()
    ((data, kwargs),) = notice.updates  # the widget's own output is the notice's
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == e.model_id and kwargs["raw"]
    (picture,) = outputs  # and its picture output follows, as for any widget
    assert picture.data["application/vnd.jupyter.widget-view+json"]["model_id"] == ""
    e.x_range = (-1, 1)
    assert e.flush_picture() and len(picture.updates) == 1 and len(notice.updates) == 1


def test_a_script_gets_no_notice():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", "import nbkeras; nbkeras.activation_names()"], capture_output=True, text=True, check=True
    )
    assert "loading TensorFlow" not in out.stdout + out.stderr
