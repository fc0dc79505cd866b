"""figure_svg: Plotly specs drawn as static SVG (pure Python), and the picture in widget outputs."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

import nbkeras
from nbkeras.widgets.figure import to_wire
from nbkeras.widgets.picture import picture_svg
from nbkeras.widgets.svg import MAX_LINE_POINTS, figure_svg, log_ticks

NS = "{http://www.w3.org/2000/svg}"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


# -- reading the picture back ------------------------------------------------------------------------
def _root(svg):
    assert svg is not None and svg.startswith("<svg")
    return ET.fromstring(svg)  # well-formed XML, or this raises


def _points(d):
    """[(command, x, y)] of a path's data."""
    return [(c, float(x), float(y)) for c, x, y in re.findall(r"([ML])(-?[\d.]+),(-?[\d.]+)", d)]


def _paths(root):
    return [p for p in root.iter(f"{NS}path")]


def _clip_box(root, element):
    """(left, top, right, bottom) of the subplot box (clip rect) an element is drawn in."""
    parents = {child: parent for parent in root.iter() for child in parent}
    node = element
    while node is not None and "clip-path" not in node.attrib:
        node = parents.get(node)
    assert node is not None, "drawn outside any subplot"
    clip_id = re.fullmatch(r"url\(#(.+)\)", node.get("clip-path")).group(1)
    (rect,) = [c.find(f"{NS}rect") for c in root.iter(f"{NS}clipPath") if c.get("id") == clip_id]
    x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
    return x, y, x + w, y + h


def _cells(root):
    """The heatmap cell rects: (x, y, width, height, fill)."""
    groups = [g for g in root.iter(f"{NS}g") if g.get("shape-rendering") == "crispEdges"]
    return [
        (*(float(r.get(k)) for k in ("x", "y", "width", "height")), r.get("fill"))
        for g in groups
        for r in g.iter(f"{NS}rect")
    ]


def _texts(root):
    return [t.text for t in root.iter(f"{NS}text")]


def _line(x, y, **trace):
    return {"type": "scatter", "mode": "lines", "x": x, "y": y, **trace}


# -- lines and axes ---------------------------------------------------------------------------------------
def test_a_line_goes_through_its_points_in_order_inside_its_subplot():
    spec = {
        "data": [_line([0, 1, 2, 3], [0, 2, 1, 2]), _line([0, 1], [5, 6], xaxis="x2", yaxis="y2")],
        "layout": {
            "xaxis": {"domain": [0, 0.45], "range": [0, 3]},
            "yaxis": {"range": [0, 2]},
            "xaxis2": {"domain": [0.55, 1]},
            "yaxis2": {"anchor": "x2"},
        },
    }
    root = _root(figure_svg(spec))
    left, right = _paths(root)
    l0, t0, r0, b0 = _clip_box(root, left)
    expected = [(l0 + x / 3 * (r0 - l0), b0 - y / 2 * (b0 - t0)) for x, y in [(0, 0), (1, 2), (2, 1), (3, 2)]]
    points = _points(left.get("d"))
    assert [c for c, _, _ in points] == ["M", "L", "L", "L"]
    assert [(x, y) for _, x, y in points] == [pytest.approx(p, abs=0.11) for p in expected]
    # side by side, per their domains: the second subplot's box and line are right of the first
    l1, t1, r1, b1 = _clip_box(root, right)
    assert r0 < l1 and (t0, b0) == (t1, b1)
    assert all(l1 <= x <= r1 and t1 <= y <= b1 for _, x, y in _points(right.get("d")))
    assert (r1 - l1) / (r0 - l0) == pytest.approx(1.0, abs=0.01)  # 0.45 of the width each


def test_none_and_nan_break_the_line_unless_gaps_are_connected():
    y = [1.0, None, 2.0, 3.0, None, 4.0, 5.0]
    for values in (y, np.array([np.nan if v is None else v for v in y])):
        (path,) = _paths(_root(figure_svg({"data": [_line(list(range(7)), values)]})))
        assert [c for c, _, _ in _points(path.get("d"))] == ["M", "M", "L", "M", "L"]
    (path,) = _paths(_root(figure_svg({"data": [_line(list(range(7)), y, connectgaps=True)]})))
    assert [c for c, _, _ in _points(path.get("d"))] == ["M", "L", "L", "L", "L"]


def test_a_reversed_y_axis_puts_larger_values_lower():
    up = _points(_paths(_root(figure_svg({"data": [_line([0, 1], [0, 1])]})))[0].get("d"))
    down = _points(
        _paths(_root(figure_svg({"data": [_line([0, 1], [0, 1])], "layout": {"yaxis": {"autorange": "reversed"}}})))[
            0
        ].get("d")
    )
    assert up[1][2] < up[0][2]  # SVG y grows downwards: y=1 above y=0
    assert down[1][2] > down[0][2]
    assert (up[0][2], up[1][2]) == (down[1][2], down[0][2])  # the same box, flipped


def test_a_log_axis_spaces_1_10_100_equally():
    spec = {
        "data": [{"type": "scatter", "mode": "markers", "x": [1, 10, 100], "y": [1, 2, 3]}],
        "layout": {"xaxis": {"type": "log"}},
    }
    root = _root(figure_svg(spec))
    xs = [float(c.get("cx")) for c in root.iter(f"{NS}circle")]
    assert len(xs) == 3 and xs[1] - xs[0] == pytest.approx(xs[2] - xs[1], abs=0.11) and xs[1] > xs[0]
    assert {"1", "10", "100"} <= set(_texts(root))  # tick labels at the powers of ten


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (0.5, 300, [1, 10, 100]),  # 1-2-5 would be 9 ticks: powers of ten
        (7, 130, [10, 20, 50, 100]),  # about a decade: 1-2-5, not every digit ("7 8 9 100 2 3")
        (60, 140, [60, 80, 100]),  # less than a decade: round digits, a factor >= 1.25 apart
        (1e-12, 1e3, [1e-12, 1e-9, 1e-6, 1e-3, 1, 1e3]),  # 16 decades: every third power
        (1.1, 1.3, [1.1, 1.15, 1.2, 1.25, 1.3]),  # narrower than a digit: a round linear step
    ],
)
def test_log_ticks_are_round_and_never_crowd(lo, hi, expected):
    ticks = log_ticks(lo, hi)
    assert ticks == pytest.approx(expected)
    assert 2 <= len(ticks) <= 6
    # Neighbours at least 15 % of the axis apart (Plotly's "7 8 9 100 2 3" over 7..300: 2.5 %).
    span = np.log10(hi / lo)
    assert all(np.log10(b / a) >= 0.15 * span for a, b in zip(ticks, ticks[1:]))


def test_a_log_axis_over_less_than_a_decade_labels_round_values():
    # Values 60..140: the picture used to label log-spaced points "63.1 79.4 100 126".
    spec = {"data": [_line([1, 2, 3], [60, 100, 140])], "layout": {"yaxis": {"type": "log"}}}
    texts = _texts(_root(figure_svg(spec)))
    assert {"60", "80", "100"} <= set(texts)
    assert not any("." in t for t in texts if t not in ("1", "1.5", "2", "2.5", "3"))  # x ticks aside


def test_a_long_line_is_decimated_and_keeps_its_extremes():
    n = 100_000
    y = np.sin(np.linspace(0, 60, n))
    y[54_321], y[77_777] = 50.0, -50.0
    spec = {"data": [_line(np.arange(n, dtype=float), y)], "layout": {"yaxis": {"range": [-60, 60]}}}
    svg = figure_svg(spec)
    root = _root(svg)
    (path,) = _paths(root)
    points = _points(path.get("d"))
    assert len(points) <= MAX_LINE_POINTS + 2
    _, top, _, bottom = _clip_box(root, path)
    ys = [y for _, _, y in points]
    assert min(ys) == pytest.approx(top + 10 / 120 * (bottom - top), abs=0.11)  # the spike at 50
    assert max(ys) == pytest.approx(top + 110 / 120 * (bottom - top), abs=0.11)  # the dip at -50
    assert len(svg) < 40_000
    assert figure_svg(spec) == svg  # deterministic


def test_markers_text_and_line_styles():
    spec = {
        "data": [
            {
                "type": "scatter",
                "mode": "markers+text",
                "x": [0, 1, 2],
                "y": [0, 1, 0],
                "text": ["a", "b", "c"],
                "marker": {"color": "#123456", "size": 10},
                "name": "words",
            },
            _line([0, 2], [1, 1], line={"color": "#abcdef", "width": 3, "dash": "dot"}, name="level"),
        ]
    }
    root = _root(figure_svg(spec))
    circles = [c for c in root.iter(f"{NS}circle") if c.get("r") == "5"]
    assert len(circles) == 3 and {c.get("fill") for c in circles} == {"#123456"}
    assert {"a", "b", "c"} <= set(_texts(root))
    (path,) = _paths(root)
    assert (path.get("stroke"), path.get("stroke-width"), path.get("stroke-dasharray")) == ("#abcdef", "3", "2,3")
    # two named traces: a compact legend names both
    assert {"words", "level"} <= set(_texts(root))


def test_the_legend_needs_two_named_traces_and_showlegend():
    one = _texts(_root(figure_svg({"data": [_line([0, 1], [0, 1], name="only")]})))
    assert "only" not in one
    spec = {"data": [_line([0, 1], [0, 1], name="a"), _line([0, 1], [1, 0], name="b")], "layout": {"showlegend": False}}
    assert not {"a", "b"} & set(_texts(_root(figure_svg(spec))))
    spec = {"data": [_line([0, 1], [0, 1], name="a"), _line([0, 1], [1, 0], name="b", showlegend=False)]}
    assert "b" not in _texts(_root(figure_svg(spec)))


def test_a_legend_swatch_is_its_traces_own_colour():
    """The training-health picture's legend showed the colorway's orange and green for bars drawn red
    and orange: a swatch takes the trace's colour (a line's, else its one marker colour), as plotly.js."""
    bar = {"type": "bar", "orientation": "h", "y": ["a", "b"]}
    spec = {
        "data": [
            {**bar, "x": [1, 2], "name": "norm", "marker": {"color": "#4c78a8"}},
            {**bar, "x": [0.1, 0.2], "name": "dead", "marker": {"color": "#e45756"}},
            {**bar, "x": [0.3, 0.1], "name": "colorway"},  # no colour of its own: the colorway's third
        ]
    }
    root = _root(figure_svg(spec))
    swatches = [r.get("fill") for r in root.iter(f"{NS}rect") if r.get("width") == "10" and r.get("height") == "10"]
    assert swatches == ["#4c78a8", "#e45756", "#2ca02c"]
    fills = [r.get("fill") for r in root.iter(f"{NS}rect")]
    assert fills.count("#e45756") == 3  # two bars and the swatch


# -- heatmaps ------------------------------------------------------------------------------------------------
def test_a_heatmap_has_one_rect_per_cell_coloured_by_its_scale():
    z = np.arange(12, dtype=float).reshape(3, 4)
    z[1, 2] = np.nan
    root = _root(
        figure_svg({"data": [{"type": "heatmap", "z": z, "colorscale": "Greys"}]})
    )  # plotly.js Greys: black -> white
    cells = _cells(root)
    assert len(cells) == 11  # 3 x 4, the NaN cell left blank
    by_value = {v: c for v, c in zip([v for v in z.ravel() if np.isfinite(v)], cells)}
    assert by_value[0.0][4] == "#000000" and by_value[11.0][4] == "#ffffff"
    # rows go up (y increases upwards), columns to the right
    assert by_value[0.0][1] > by_value[4.0][1] and by_value[0.0][0] < by_value[1.0][0]


def test_zmin_zmax_zmid_and_colour_lists():
    scale = [[0, "rgb(0,0,255)"], [0.5, "#ffffff"], [1, "#ff0000"]]
    cells = _cells(
        _root(
            figure_svg(
                {"data": [{"type": "heatmap", "z": [[-1, 0, 1, 3]], "colorscale": scale, "zmin": -1, "zmax": 1}]}
            )
        )
    )
    assert [c[4] for c in cells] == ["#0000ff", "#ffffff", "#ff0000", "#ff0000"]  # clipped at zmax
    cells = _cells(
        _root(figure_svg({"data": [{"type": "heatmap", "z": [[-1, 0, 3]], "colorscale": scale, "zmid": 0}]}))
    )
    assert [c[4] for c in cells] == ["#aaaaff", "#ffffff", "#ff0000"]  # symmetric around zmid: [-3, 3]


def test_a_large_heatmap_is_drawn_from_block_means():
    z = np.zeros((280, 280))
    z[:, 140:] = 1.0
    z[:40, :40] = np.nan
    svg = figure_svg({"data": [{"type": "heatmap", "z": z, "colorscale": "Greys"}]})
    cells = _cells(_root(svg))
    assert len(cells) == 56 * 56 - 8 * 8  # 5 x 5 blocks; the all-NaN corner left blank
    assert {c[4] for c in cells} == {"#000000", "#ffffff"}  # means of blocks that do not straddle the edge
    assert len(svg) < 300_000


def test_a_confusion_matrix_from_plotly_has_labels_categories_and_a_reversed_y():
    labels = ["cat", "dog", "<b>"]
    counts = np.array([[5, 1, 0], [2, 7, 1], [0, 0, 9]])
    fig = go.Figure(
        go.Heatmap(
            z=counts,
            x=labels,
            y=labels,
            colorscale="Viridis",
            text=[[str(v) for v in r] for r in counts],
            texttemplate="%{text}",
        )
    )
    fig.update_layout(title="Confusion <b>matrix</b>", yaxis={"autorange": "reversed"})
    svg = figure_svg(fig)  # a plotly Figure's typed arrays ({dtype, bdata}) are read too
    root = _root(svg)
    cells = _cells(root)
    assert len(cells) == 9
    assert cells[8][4] == "#fde725" and cells[2][4] == "#440154"  # Viridis ends at zmax (9) and zmin (0)
    assert cells[0][1] < cells[3][1]  # reversed: the first row on top
    texts = _texts(root)
    assert sorted(t for t in texts if t.isdigit()) == sorted(str(v) for v in counts.ravel())
    assert {"cat", "dog"} <= set(texts)
    assert "Confusion <b>matrix</b>" in texts and "&lt;b&gt;" in svg and "<b>" not in svg


def test_square_subplots_of_images_land_left_to_right():
    fig = make_subplots(rows=1, cols=2, subplot_titles=["left", "right"])
    fig.add_trace(go.Heatmap(z=np.eye(2), coloraxis="coloraxis"), row=1, col=1)
    fig.add_trace(go.Heatmap(z=np.eye(2) * 2, coloraxis="coloraxis"), row=1, col=2)
    fig.update_layout(coloraxis={"colorscale": [[0, "#000000"], [1, "#ffffff"]]})
    fig.update_yaxes(scaleanchor="x", row=1, col=1)
    fig.update_yaxes(scaleanchor="x2", row=1, col=2)
    root = _root(figure_svg(fig.to_plotly_json()))
    cells = _cells(root)
    assert len(cells) == 8
    assert all(c[2] == pytest.approx(c[3]) for c in cells)  # scaleanchor: square cells
    assert max(c[0] for c in cells[:4]) < min(c[0] for c in cells[4:])
    # one colour axis shared by both: 1 is mid-grey on the left, 2 white on the right
    assert {c[4] for c in cells[:4]} == {"#000000", "#808080"} and {c[4] for c in cells[4:]} == {"#000000", "#ffffff"}
    titles = {t.text: float(t.get("x")) for t in root.iter(f"{NS}text") if t.text in ("left", "right")}
    assert titles["left"] < 640 / 2 < titles["right"]


def test_bars_grow_from_zero_in_category_order():
    root = _root(figure_svg({"data": [{"type": "bar", "x": ["a", "b", "c"], "y": [1, 3, -1]}]}))
    bars = [r for r in root.iter(f"{NS}rect") if r.get("fill") not in ("white", None)]
    assert len(bars) == 3
    x = [float(b.get("x")) for b in bars]
    heights = [float(b.get("height")) for b in bars]
    assert (
        x == sorted(x)
        and heights[1] == pytest.approx(3 * heights[0], abs=0.3)
        and heights[2] == pytest.approx(heights[0], abs=0.3)
    )
    assert float(bars[2].get("y")) == pytest.approx(
        float(bars[0].get("y")) + heights[0], abs=0.2
    )  # -1 hangs below the 0 line


# -- safety, notes and empty figures ---------------------------------------------------------------------
def test_text_is_escaped_and_nothing_runs():
    evil = "<script>alert(1)</script>"
    spec = {
        "data": [
            _line([0, 1], [0, 1], name=evil, line={"color": '"><script>'}),
            _line([0, 1], [1, 0], name="<b>two</b>"),
        ],
        "layout": {
            "title": {"text": evil},
            "xaxis": {"title": {"text": "<b>x</b>"}},
            "annotations": [{"text": evil, "x": 0.5, "y": 1, "xref": "paper", "yref": "paper"}],
        },
    }
    svg = figure_svg(spec, title="<b>title</b>")
    root = _root(svg)
    assert "<script" not in svg.lower()
    assert "&lt;b&gt;title&lt;/b&gt;" in svg and "&lt;b&gt;x&lt;/b&gt;" in svg
    assert _texts(root).count(evil) == 3  # title, legend, annotation: shown as text


def test_other_trace_types_are_named_in_a_note():
    spec = {"data": [_line([0, 1], [0, 1]), {"type": "pie", "values": [1, 2]}, {"type": "pie", "values": [3]}]}
    texts = _texts(_root(figure_svg(spec)))
    assert texts.count("(pie trace not drawn)") == 1
    assert figure_svg({"data": [{"type": "pie", "values": [1, 2]}]}) is None  # nothing drawable


@pytest.mark.parametrize(
    "spec",
    [
        {"data": []},
        {"data": [], "layout": {"title": {"text": "empty"}}},
        {"data": [_line([], [])]},
        {"data": [_line([0, 1, 2], [None, None, None])]},
        {"data": [_line(np.arange(3.0), np.full(3, np.nan))]},
        {"data": [{"type": "heatmap", "z": [[None, None]]}]},
    ],
)
def test_a_figure_without_finite_data_has_no_picture(spec):
    assert figure_svg(spec) is None


def test_the_wire_form_draws_the_same_picture():
    spec = {
        "data": [
            _line(np.arange(5.0), np.array([1.0, np.nan, 3.0, 2.0, 5.0])),
            {"type": "heatmap", "z": np.arange(6.0).reshape(2, 3), "xaxis": "x2", "yaxis": "y2"},
        ],
        "layout": {"xaxis": {"domain": [0, 0.4]}, "xaxis2": {"domain": [0.6, 1]}, "yaxis2": {"anchor": "x2"}},
    }
    assert figure_svg(to_wire(spec)) == figure_svg(spec)


# -- widget outputs ----------------------------------------------------------------------------------------
@pytest.fixture
def shown(monkeypatch):
    """The bundles widgets display (display_once imports IPython's display at call time)."""
    import IPython.display

    bundles = []
    monkeypatch.setattr(IPython.display, "display", lambda data, **kwargs: bundles.append(data))
    return bundles


def test_a_figure_view_output_carries_its_picture(wire, shown):
    view = nbkeras.FigureView(go.Figure(go.Heatmap(z=np.arange(12).reshape(3, 4))))
    view.display_once()
    widget, picture = shown  # the live view's output, then its picture output (hidden while live)
    assert WIDGET_MIME in widget and widget["text/plain"] == "FigureView(traces=1)" and "text/html" not in widget
    assert picture[WIDGET_MIME]["model_id"] == ""
    assert len(_cells(_root(picture_svg(picture["text/html"])))) == 12


def test_an_activation_explorer_output_shows_its_curves(wire, shown):
    explorer = nbkeras.ActivationExplorer(activations=("relu", "tanh"))
    explorer.display_once()
    _, picture = shown
    root = _root(picture_svg(picture["text/html"]))
    curves = [p for p in _paths(root) if p.get("stroke-width") == "2"]
    assert len(curves) >= 4  # f and f' of each activation
    assert {"f and f′", "Through depth", "relu", "tanh"} <= set(_texts(root))


def test_a_fresh_training_dashboard_has_no_picture(wire, shown):
    from nbkeras.training.controls import RunControls
    from nbkeras.training.dashboard import TrainingDashboard
    from nbkeras.training.presenter import RunPresenter
    from nbkeras.training.recorder import TrainingRecorder

    TrainingDashboard().display_once()
    # as the monitor shows it at the start of a run: its panels, no points yet
    TrainingDashboard(source=RunPresenter(TrainingRecorder(), RunControls())).display_once()
    assert len(shown) == 4 and all(
        WIDGET_MIME in b and "text/html" not in b for b in shown
    )  # two widget + picture pairs


def test_a_failing_picture_never_stops_the_widget_from_showing(wire, shown, caplog, monkeypatch):
    from nbkeras.widgets import base

    monkeypatch.setattr(base, "_svg_failure_reported", False)
    view = nbkeras.FigureView({"data": [_line([0, 1], [0, 1])]})
    monkeypatch.setattr(view, "static_figures", lambda: 1 / 0)
    with caplog.at_level(logging.DEBUG, logger="nbkeras"):
        view.display_once()
        view.display_once()
    assert len(shown) == 4 and all(
        WIDGET_MIME in b and "text/html" not in b for b in shown
    )  # two widget + picture pairs
    assert [r.levelname for r in caplog.records] == ["WARNING", "DEBUG"]  # said once, then quietly
