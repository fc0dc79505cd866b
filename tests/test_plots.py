"""FigureView: any Plotly figure through the shared, offline plotly.js."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

import nbkeras
from nbkeras.widgets.figure import to_static


def test_numeric_lists_travel_as_float32_buffers(wire):
    view = nbkeras.FigureView(
        {
            "data": [{"type": "scatter", "x": [0, 1, 2], "y": [1.5, float("nan"), 3.0]}],
            "layout": {"title": {"text": "t"}},
        }
    )
    (opened,) = [m for m in wire.messages_for(view) if m.msg_type == "comm_open"]
    assert opened.buffer_bytes == 2 * 3 * 4
    assert to_static(view.figure)["data"][0]["y"] == [1.5, None, 3.0]  # NaN is a gap, never a string


def test_plotly_figures_are_accepted_and_updated(wire):
    view = nbkeras.FigureView(go.Figure(go.Heatmap(z=np.eye(3))))
    assert view.figure["data"][0]["type"] == "heatmap"
    view.update(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])))
    assert view.figure["data"][0]["type"] == "bar" and view.figure["data"][0]["x"] == ["a", "b"]
    assert repr(view) == "FigureView(traces=1)"


def test_anything_else_is_refused_with_what_was_received(wire):
    with pytest.raises(TypeError, match=r"Received: figure=\[1, 2, 3\] \(of type list\)\. Expected a plotly Figure"):
        nbkeras.FigureView([1, 2, 3])


def test_update_redraws_the_picture_in_every_picture_output_never_the_view(wire, outputs, monkeypatch):
    import IPython

    from nbkeras.widgets.base import NbKerasWidget
    from nbkeras.widgets.picture import WIDGET_VIEW, picture_svg

    monkeypatch.setattr(NbKerasWidget, "PICTURE_SETTLE_SECONDS", 3600)  # the test says when changes settled
    cell = iter(range(1, 10))
    monkeypatch.setattr(IPython, "get_ipython", lambda: type("Shell", (), {"execution_count": next(cell)})())
    view = nbkeras.FigureView({"data": [{"type": "bar", "x": [1.0, 2.0], "y": [3.0, 4.0]}]})
    view.display_once()
    view.display_once()  # shown again by a later cell: a second widget output and picture output
    widgets, pictures = outputs[0::2], outputs[1::2]
    assert [o.data[WIDGET_VIEW]["model_id"] for o in outputs] == [view.model_id, "", view.model_id, ""]
    view.update({"data": [{"type": "scatter", "x": [0.0], "y": [0.0]}]})
    view.update({"data": [{"type": "heatmap", "z": [[1.0, 2.0], [3.0, 4.0]]}]})  # within the settle time
    assert all(o.updates == [] for o in outputs)  # nothing drawn while changes may still come
    assert view.flush_picture()
    # one redraw per picture output, showing the last figure; the widget outputs are never updated
    assert all(o.updates == [] for o in widgets) and all(len(o.updates) == 1 for o in pictures)
    update = pictures[0].updates[0]
    assert update[WIDGET_VIEW]["model_id"] == "" and "text/plain" not in update
    assert picture_svg(update["text/html"]).count("<rect") >= 4  # the heatmap's cells, not the bars
