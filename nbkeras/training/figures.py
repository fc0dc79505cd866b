"""Figure specs of the training dashboard (one source of truth for live view and reports).

The metric panels are a *layout* whose traces name the series they show
(``meta.series``, or ``meta.smooth`` for the smoothed copy of a series); the view fills
them from the streamed points, and :func:`fill_metric_figure` fills them from the
recorder for a static report. Histogram and health figures carry their (small) data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nbkeras.training.recorder import smooth
from nbkeras.training.series import DecimatedSeries
from nbkeras.widgets.svg import log_ticks

TRAIN, VALIDATION, RAW, LEARNING_RATE = "#4c78a8", "#f58518", "rgba(76,120,168,0.28)", "#54a24b"
LOG_AXIS_TICKS = 4  # at most this many labels on a log axis (the learning rate's is ~100 px tall) ...
LOG_AXIS_GAP = 0.2  # ... each at least this fraction of its range from the next (~20 px)


def _exponent_label(value: float) -> str:
    """``2.5e-4``: a learning rate as Plotly's ``exponentformat="e"`` writes it."""
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


def log_axis_ticks(values: np.ndarray) -> dict[str, Any]:
    """A log axis's ticks for the values it shows (the rates a run used, the layers' gradient
    norms): a few labels that never overlap.

    Plotly's own log ticks over about a decade label every digit ("2 3 4 5 ... 1e-3 2 3"),
    small and unlabelled digits that run together on a panel 100 px tall; these are at most
    :data:`LOG_AXIS_TICKS` values of :func:`~nbkeras.widgets.svg.log_ticks` within the
    values, each at least :data:`LOG_AXIS_GAP` of the range from the next (one, at
    the value, when it never changed), labelled as ``1e-3``. The live view
    and the picture draw the same ticks. Empty (Plotly's ticks) without a positive value.

    Example:
        >>> log_axis_ticks(np.array([1e-3, 1e-2]))["ticktext"]
        ['1e-3', '2e-3', '5e-3', '1e-2']
    """
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return {}
    lo, hi = float(values.min()), float(values.max())
    ticks: list[float] = []
    if hi <= lo * (1 + 1e-6):
        ticks = [lo]
    else:  # neighbours at least LOG_AXIS_GAP of the axis apart
        span = math.log10(hi / lo)
        # Rates are float32 in the optimizer (0.01 reads 0.0099999998): round ends stay in.
        candidates = log_ticks(lo * (1 - 1e-6), hi * (1 + 1e-6), max_ticks=LOG_AXIS_TICKS)
        for value in candidates[:: -(-len(candidates) // LOG_AXIS_TICKS)]:  # a narrow range: linear steps
            if not ticks or math.log10(value / ticks[-1]) >= LOG_AXIS_GAP * span:
                ticks.append(value)
    return {"tickmode": "array", "tickvals": ticks, "ticktext": [_exponent_label(v) for v in ticks]}


def metric_names(log_keys: Sequence[str]) -> list[str]:
    """Base metric names in display order: loss first, validation keys folded in."""
    names = [k for k in log_keys if not k.startswith("val_") and k != "learning_rate"]
    names.sort(key=lambda k: (k != "loss", k))
    return names


def metric_panels(
    names: Sequence[str],
    *,
    log_scale: bool,
    nonfinite_steps: Sequence[float] = (),
    learning_rate_axis: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """One figure per metric, then one for the learning rate (when it is known); layouts whose traces
    name their series.

    Separate small figures rather than one figure of subplots: a browser redraws each on
    its own (a live run updates them in turn, never all in one long task), and a
    standalone report stacks them. Each trace names the series it shows in ``meta``
    (``series``: the points as recorded, ``smooth``: that series smoothed by the view), each
    layout says what it is in ``meta`` (``panel``: the metric or ``"learning_rate"``;
    ``log_scale_follows``: whether the view's log-scale box switches its y axis): the view
    finds panels, axes and traces by ``meta``, never by their visible text.
    ``learning_rate_axis``: ticks for the learning-rate axis (:func:`log_axis_ticks`); None
    when the optimizer's rate could not be read: no learning-rate figure, rather than an empty one.
    """
    rows = [*names, *(["learning_rate"] if learning_rate_axis is not None else [])]
    # NaN/Inf in the loss or weights: a red line at the step where it first appeared.
    shapes = [_step_line(step) for step in nonfinite_steps]
    panels = []
    for i, name in enumerate(rows):
        first, last = i == 0, i == len(rows) - 1
        if name == "learning_rate":
            layout = _panel_layout(name, "learning rate", first=first, last=last, height=120)
            layout["yaxis"].update(type="log", exponentformat="e", **learning_rate_axis)
            traces = [_line("learning rate", series="batch/learning_rate", color=LEARNING_RATE, shape="hv")]
            traces[0]["showlegend"] = False
        else:
            layout = _panel_layout(name, name, first=first, last=last, height=200)
            layout["yaxis"].update(type="log" if log_scale else "linear", exponentformat="none")
            layout["shapes"] = shapes
            layout["meta"]["log_scale_follows"] = True  # the view's log-scale box switches this y axis
            traces = [
                _line("per batch", series=f"batch/{name}", color=RAW, width=1),
                _line("per batch, smoothed", smooth=f"batch/{name}", color=TRAIN, width=2),
                _line("epoch (train)", series=f"epoch/{name}", color=TRAIN, dash="dot", markers=True),
                _line("epoch (validation)", series=f"epoch/val_{name}", color=VALIDATION, markers=True),
            ]
        panels.append({"name": name, "data": traces, "layout": layout})
    return panels


def _panel_layout(name: str, title: str, *, first: bool, last: bool, height: int) -> dict[str, Any]:
    """A metric panel's layout: the legend on the first, the step axis's labels on the last."""
    xaxis: dict[str, Any] = {"gridcolor": "#eee", "showticklabels": last}  # one step axis for all panels
    if last:
        xaxis["title"] = {"text": "step"}
    return {
        "height": height + (40 if first else 0) + (30 if last else 0),
        "margin": {"l": 60, "r": 10, "t": 40 if first else 8, "b": 40 if last else 8},
        "plot_bgcolor": "white",
        "showlegend": first,
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom"},
        "uirevision": f"metric:{name}",
        "hovermode": "x unified",
        "xaxis": xaxis,
        "yaxis": {"title": {"text": title}, "gridcolor": "#eee"},
        "shapes": [],
        "meta": {"panel": name, "log_scale_follows": False},
    }


def _line(
    name: str, *, color: str, series: str = "", smooth: str = "", markers: bool = False, **line: Any
) -> dict[str, Any]:
    """A trace naming the series it shows (``meta.series``, or ``meta.smooth``: that series smoothed)."""
    trace: dict[str, Any] = {
        "type": "scatter",
        "mode": "lines+markers" if markers else "lines",
        "name": name,
        "meta": {"smooth": smooth} if smooth else {"series": series},
        "line": {"color": color, **line},
    }
    if markers:
        trace["marker"] = {"size": 6}
    return trace


def _step_line(step: float) -> dict[str, Any]:
    """A red dashed line across a panel at ``step``."""
    line = {"color": "#d62728", "width": 1.5, "dash": "dash"}
    return {"type": "line", "xref": "x", "yref": "paper", "x0": step, "x1": step, "y0": 0, "y1": 1, "line": line}


def fill_metric_figure(
    spec: Mapping[str, Any], series: Mapping[str, DecimatedSeries], *, smoothing: float
) -> dict[str, Any]:
    """The metric figure with its traces' data filled from ``series`` (static reports)."""
    data = []
    for trace in spec["data"]:  # one panel of metric_panels()
        meta = trace.get("meta", {})
        key = meta.get("series") or meta.get("smooth")
        s = series.get(key)
        if s is None or len(s) == 0:
            data.append({**trace, "x": np.zeros(0), "y": np.zeros(0)})
            continue
        y = smooth(s.values, smoothing) if "smooth" in meta else s.values
        data.append({**trace, "x": s.steps, "y": y})
    return {"data": data, "layout": spec["layout"]}


HEALTH_MIN_WIDTH = 560  # px: the narrowest the health figure reads at (see its layout's meta)


def gradient_norm_axis(norms: np.ndarray) -> dict[str, Any]:
    """The health figure's log axis of gradient norms: labelled ticks that stay apart
    (:func:`log_axis_ticks`), and a range that starts well left of the smallest bar, so a
    small norm reads as a short bar, not as none.

    Example:
        >>> gradient_norm_axis(np.array([0.01, 1.0]))["range"]
        [-2.5, 0.1]
    """
    values = np.asarray(norms, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return {"nticks": 5}
    lo, hi = math.log10(values.min()), math.log10(values.max())
    span = max(hi - lo, 1.0)
    return {**log_axis_ticks(values), "range": [round(lo - 0.25 * span, 3), round(hi + 0.05 * span, 3)]}


def health_figure(report: Any, *, epoch: int) -> dict[str, Any]:
    """Per-layer gradient norms (log) and dead / saturated fractions from a health probe."""
    layers = list(report.layers)
    names = [f"{layer.name} ({layer.class_name})" for layer in layers]
    norm = np.array([np.nan if layer.grad_norm is None else layer.grad_norm for layer in layers], dtype=float)
    dead = np.array([np.nan if layer.dead_fraction is None else layer.dead_fraction for layer in layers], dtype=float)
    sat = np.array(
        [np.nan if layer.saturated_fraction is None else layer.saturated_fraction for layer in layers], dtype=float
    )
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": names,
                "x": norm,
                "name": "‖∂loss/∂weights‖",
                "marker": {"color": TRAIN},
                "xaxis": "x",
                "yaxis": "y",
            },
            {
                "type": "bar",
                "orientation": "h",
                "y": names,
                "x": dead,
                "name": "dead ReLU units",
                "marker": {"color": "#e45756"},
                "xaxis": "x2",
                "yaxis": "y",
            },
            {
                "type": "bar",
                "orientation": "h",
                "y": names,
                "x": sat,
                "name": "saturated sigmoid/tanh",
                "marker": {"color": VALIDATION},
                "xaxis": "x2",
                "yaxis": "y",
            },
        ],
        "layout": {
            "height": 134 + 24 * len(names),
            "margin": {"l": 200, "r": 10, "t": 64, "b": 40},  # t: the title, then one legend row
            "barmode": "group",
            "title": {
                "text": f"training health on the probe batch after epoch {epoch + 1} (loss {report.loss:.4g})",
                "font": {"size": 13},
                # at the top, however many rows the legend under it takes (not centred in the margin)
                "yref": "container",
                "y": 1,
                "yanchor": "top",
                "pad": {"t": 12},
            },
            "xaxis": {
                "domain": [0, 0.48],
                "type": "log",
                "title": {"text": "gradient norm (log)"},
                "exponentformat": "e",
                **gradient_norm_axis(norm),
            },
            "xaxis2": {"domain": [0.52, 1], "range": [0, 1], "title": {"text": "fraction of units"}, "nticks": 5},
            "yaxis": {"autorange": "reversed", "automargin": True},
            "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom"},  # the view adds rows (lib/legend.js)
            "uirevision": "health",
            # Two bar charts side by side under long layer names: narrower, their labels collide.
            # A view narrower than this draws it this wide and scrolls it sideways.
            "meta": {"panel": "health", "min_width": HEALTH_MIN_WIDTH},
        },
    }


HISTOGRAM_BAND_PX = (36, 72)  # a weight's band in the histograms-over-time chart, its label included


def histogram_band_px(rows: float) -> int:
    """Height of one weight's band of ``rows`` rows (snapshots and the gap): 3 px a row, kept
    within :data:`HISTOGRAM_BAND_PX` so that a band reads the same early and late in a run.

    Example:
        >>> histogram_band_px(3), histogram_band_px(11), histogram_band_px(41)
        (36, 47, 72)
    """
    low, high = HISTOGRAM_BAND_PX
    return int(min(high, max(low, 14 + 3 * rows)))


def histogram_history_figure(
    history: Sequence[tuple[str, np.ndarray, Sequence[int], np.ndarray]], *, step: int, epoch: int
) -> dict[str, Any]:
    """Each weight's distribution over the run: one band of rows per weight, time going down.

    ``history`` is :func:`nbkeras.training.histograms.histogram_history`'s result. Within a
    band every row is one snapshot on that weight's common range (oldest at the top, the
    newest at the bottom), scaled to its own maximum, as TensorBoard's histogram view
    stacks them. One heatmap trace, not one subplot per weight: it draws in one pass.
    """
    rows: list[str] = []
    z: list[np.ndarray] = []
    tickvals, ticktext = [], []
    bins = history[0][3].shape[1] if history else 0
    for i, (name, edges, steps, density) in enumerate(history):
        if i:
            rows.append("\u2002" * i)  # a blank row between bands (labels must be unique)
            z.append(np.full(bins, np.nan))
        labels = [f"{name} · step {s}" for s in steps]
        tickvals.append(labels[len(labels) // 2])
        ticktext.append(f"{name}  [{edges[0]:.2g}, {edges[-1]:.2g}]")
        rows += labels
        z += list(density)
    x = (np.arange(bins, dtype=float) + 0.5) / max(bins, 1)
    return {
        "data": [
            {
                "type": "heatmap",
                "z": np.array(z, dtype=float).reshape(len(rows), bins),
                "y": rows,
                "x": x,
                "colorscale": "Viridis",
                "showscale": False,
                "zsmooth": False,  # Plotly's default, stated: the saved picture draws it as one small image
                "hoverongaps": False,
                "hovertemplate": "%{y}<br>%{x:.0%} of its range<br>density %{z:.2f}<extra></extra>",
            }
        ],
        "layout": {
            "height": 110 + len(history) * histogram_band_px(len(rows) / max(len(history), 1)),
            "margin": {"l": 260, "r": 10, "t": 30, "b": 56},
            "title": {
                "text": f"up to step {step} (epoch {epoch + 1}) · a band per weight, oldest snapshot at its top",
                "font": {"size": 13},
            },
            "xaxis": {
                "title": {"text": "position in the weight's range (its min … max beside its name)"},
                "showgrid": False,
                "range": [0, 1],
                "tickformat": ".0%",
            },
            "yaxis": {
                "autorange": "reversed",
                "tickmode": "array",
                "tickvals": tickvals,
                "ticktext": ticktext,
                "automargin": True,
                "type": "category",
            },
            "uirevision": "histograms",
        },
    }


#: Class colors of the decision surface: class 0 orange and class 1 blue, as TensorFlow Playground.
CLASS_COLORS = ("#f58518", "#4c78a8", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#eeca3b", "#9d755d", "#bab0ac")
SURFACE_TINT = 0.55  # how far the surface's colors are mixed towards white (the points stay in full color)


def _tint(color: str, amount: float) -> str:
    """``color`` (``#rrggbb``) mixed with white: 0 keeps it, 1 is white (halves round up, as in the views)."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    r, g, b = (math.floor(c + (255 - c) * amount + 0.5) for c in rgb)
    return f"rgb({r},{g},{b})"


def surface_tints(classes: int) -> list[list[Any]]:
    """The surface's colorscale as ``[position, class color, amount]`` stops: the color mixed
    with the paper by ``amount`` (1 is the paper itself).

    The figure's ``colorscale`` is these mixed with white (the light paper, also the static
    pictures'); a view in a dark theme mixes them with its own paper (``meta.paper_tints``,
    js/src/lib/theme.js ``themeTraces``), so a pale region is dark there, not a white box.
    Two classes (``classes <= 2``): class 0's color through the paper (0.5, the boundary) to
    class 1's. More: a band per class, from nearly the paper (the model hesitates) to its color.
    """
    if classes <= 2:
        return [[0.0, CLASS_COLORS[0], SURFACE_TINT], [0.5, CLASS_COLORS[0], 1.0], [1.0, CLASS_COLORS[1], SURFACE_TINT]]
    stops: list[list[Any]] = []
    for c in range(classes):
        color = CLASS_COLORS[c % len(CLASS_COLORS)]
        stops += [[c / classes, color, 0.92], [(c + 0.999) / classes, color, SURFACE_TINT * 0.6]]
    stops[-1][0] = 1.0
    return stops


def surface_z(probabilities: np.ndarray) -> tuple[np.ndarray, list[list[Any]]]:
    """What the surface's heatmap shows, and its colorscale (the value range is [0, 1]).

    Two classes: ``P(class 1)``, from class 0's color through white (0.5, the boundary) to
    class 1's. More: each class gets a band of the range, ``(k + confidence) / K`` with
    ``confidence`` the top probability rescaled from ``[1/K, 1]`` to ``[0, 1]``: the predicted
    class's color, pale where the model hesitates. The colors: :func:`surface_tints` on white.

    Example:
        >>> z, scale = surface_z(np.array([[[0.2, 0.8]]]))
        >>> z.tolist(), scale[1]
        ([[0.800000011920929]], [0.5, 'rgb(255,255,255)'])
    """
    probabilities = np.asarray(probabilities, dtype=np.float32)
    k = probabilities.shape[-1]
    scale = [[t, _tint(color, amount)] for t, color, amount in surface_tints(k)]
    if k <= 2:
        return probabilities[..., -1], scale
    top = probabilities.argmax(axis=-1)
    confidence = np.clip((probabilities.max(axis=-1) - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)
    z = ((top + 0.999 * confidence) / k).astype(np.float32)
    return z, scale


def surface_figure(snapshot: Any, *, max_points: int | None = None) -> dict[str, Any]:
    """A :class:`~nbkeras.training.surface.SurfaceSnapshot` as TensorFlow Playground draws it.

    The class probabilities as a heatmap over the grid (:func:`surface_z`), the sampled
    training points on top in their class's color (``max_points``: at most that many of
    them, evenly spread over the sample: a saved picture keeps its bytes down). The layout says what it is in ``meta``
    (``panel: "surface"``) and keeps its own width (the view draws it at most that wide).
    """
    data = snapshot.data
    probabilities = snapshot.probabilities
    k = max(probabilities.shape[-1], 2)
    z, colorscale = surface_z(probabilities)
    heatmap: dict[str, Any] = {
        "type": "heatmap",
        "x": np.asarray(data.xs, dtype=float),
        "y": np.asarray(data.ys, dtype=float),
        "z": z,
        "zmin": 0.0,
        "zmax": 1.0,
        "zsmooth": "fast",  # smoothed by the browser as it scales the image; "best" interpolates in JS (~10x slower)
        "colorscale": colorscale,
        "showscale": False,
        "showlegend": False,
        "name": "surface",
        "meta": {"surface": True, "paper_tints": surface_tints(probabilities.shape[-1])},
    }
    if k == 2:
        heatmap["hovertemplate"] = "(%{x:.2f}, %{y:.2f})<br>P(class 1) %{z:.2f}<extra></extra>"
    else:
        heatmap["hoverinfo"] = "skip"
    traces = [heatmap]
    points, labels = data.points, data.labels
    if max_points is not None and len(points) > max_points:
        keep = np.linspace(0, len(points) - 1, max_points).round().astype(int)
        points, labels = points[keep], None if labels is None else labels[keep]
    groups = [(None, np.ones(len(points), dtype=bool))] if labels is None else []
    if labels is not None:
        groups = [(int(c), labels == c) for c in np.unique(labels)]
    for c, mask in groups:
        name = "points" if c is None else f"class {c}"
        color = "#555555" if c is None else CLASS_COLORS[c % len(CLASS_COLORS)]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": name,
                "x": points[mask, 0].astype(float),
                "y": points[mask, 1].astype(float),
                "marker": {"color": color, "size": 5},
                "hovertemplate": f"{name}<br>(%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
            }
        )
    x_range = [float(data.xs[0]), float(data.xs[-1])]
    y_range = [float(data.ys[0]), float(data.ys[-1])]
    return {
        "data": traces,
        "layout": {
            "width": 460,
            "height": 440,
            "margin": {"l": 50, "r": 10, "t": 40, "b": 70},
            "title": {
                "text": f"decision surface after step {snapshot.step} (epoch {snapshot.epoch + 1})",
                "font": {"size": 13},
            },
            "xaxis": {"title": {"text": "input 1"}, "range": x_range, "showgrid": False, "zeroline": False},
            "yaxis": {"title": {"text": "input 2"}, "range": y_range, "showgrid": False, "zeroline": False},
            "legend": {"orientation": "h", "y": -0.16, "yanchor": "top"},
            "uirevision": "surface",
            "meta": {"panel": "surface"},
        },
    }
