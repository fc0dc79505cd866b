"""Figure specs of the training dashboard (one source of truth for live view and reports).

The metric panels are a *layout* whose traces name the series they show
(``meta.series``, or ``meta.smooth`` for the smoothed copy of a series); the view fills
them from the streamed points, and :func:`fill_metric_figure` fills them from the
recorder for a static report. Histogram and health figures carry their (small) data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nbkeras.training.recorder import smooth
from nbkeras.training.series import DecimatedSeries

TRAIN, VALIDATION, RAW = "#4c78a8", "#f58518", "rgba(76,120,168,0.28)"


def metric_names(log_keys: Sequence[str]) -> list[str]:
    """Base metric names in display order: loss first, validation keys folded in."""
    names = [k for k in log_keys if not k.startswith("val_") and k != "learning_rate"]
    names.sort(key=lambda k: (k != "loss", k))
    return names


def metric_layout(names: Sequence[str], *, log_scale: bool, nonfinite_steps: Sequence[float] = ()) -> dict[str, Any]:
    """The metric panels (one row per metric, then the learning rate), without data."""
    rows = [*names, "learning_rate"]
    gap = 0.06
    height = (1 - gap * (len(rows) - 1)) / len(rows)
    layout: dict[str, Any] = {
        "height": 170 * len(rows) + 80,
        "margin": {"l": 60, "r": 10, "t": 30, "b": 40},
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "y": 1.06 + 0.02 * (len(rows) < 3)},
        "uirevision": "metrics",
        "hovermode": "x unified",
    }
    traces: list[dict[str, Any]] = []
    for i, name in enumerate(rows):
        axis = "" if i == 0 else str(i + 1)
        top = 1 - i * (height + gap)
        is_lr = name == "learning_rate"
        layout[f"yaxis{axis}"] = {
            "domain": [max(top - height, 0), top], "title": {"text": "learning rate" if is_lr else name},
            "type": "log" if (log_scale or is_lr) else "linear", "gridcolor": "#eee", "exponentformat": "e" if is_lr else "none",
        }
        layout[f"xaxis{axis}"] = {"anchor": f"y{axis}", "gridcolor": "#eee", "matches": "x" if i else None,
                                  "showticklabels": i == len(rows) - 1, "title": {"text": "step"} if i == len(rows) - 1 else None}
        xy = {"xaxis": f"x{axis}", "yaxis": f"y{axis}"}
        if is_lr:
            traces.append({"type": "scatter", "mode": "lines", "name": "learning rate", "meta": {"series": "batch/learning_rate"},
                           "line": {"color": "#54a24b", "shape": "hv"}, "showlegend": False, **xy})
            continue
        first = i == 0
        traces += [
            {"type": "scatter", "mode": "lines", "name": "per batch", "legendgroup": "raw", "showlegend": first,
             "meta": {"series": f"batch/{name}"}, "line": {"color": RAW, "width": 1}, **xy},
            {"type": "scatter", "mode": "lines", "name": "per batch, smoothed", "legendgroup": "smooth", "showlegend": first,
             "meta": {"smooth": f"batch/{name}"}, "line": {"color": TRAIN, "width": 2}, **xy},
            {"type": "scatter", "mode": "lines+markers", "name": "epoch (train)", "legendgroup": "train", "showlegend": first,
             "meta": {"series": f"epoch/{name}"}, "line": {"color": TRAIN, "dash": "dot"}, "marker": {"size": 6}, **xy},
            {"type": "scatter", "mode": "lines+markers", "name": "epoch (validation)", "legendgroup": "val", "showlegend": first,
             "meta": {"series": f"epoch/val_{name}"}, "line": {"color": VALIDATION}, "marker": {"size": 6}, **xy},
        ]
    for axis_key in [k for k in layout if k.startswith("xaxis")]:
        layout[axis_key] = {k: v for k, v in layout[axis_key].items() if v is not None}
    # NaN/Inf in the loss or weights: a red line at the step where it first appeared.
    layout["shapes"] = [
        {"type": "line", "xref": "x", "yref": "paper", "x0": s, "x1": s, "y0": 0, "y1": 1, "line": {"color": "#d62728", "width": 1.5, "dash": "dash"}}
        for s in nonfinite_steps
    ]
    return {"data": traces, "layout": layout}


def fill_metric_figure(spec: Mapping[str, Any], series: Mapping[str, DecimatedSeries], *, smoothing: float) -> dict[str, Any]:
    """The metric figure with its traces' data filled from ``series`` (static reports)."""
    data = []
    for trace in spec["data"]:
        meta = trace.get("meta", {})
        key = meta.get("series") or meta.get("smooth")
        s = series.get(key)
        if s is None or len(s) == 0:
            data.append({**trace, "x": np.zeros(0), "y": np.zeros(0)})
            continue
        y = smooth(s.values, smoothing) if "smooth" in meta else s.values
        data.append({**trace, "x": s.steps, "y": y})
    return {"data": data, "layout": spec["layout"]}


def histogram_figure(names: Sequence[str], edges: np.ndarray, counts: np.ndarray, *, step: int, epoch: int) -> dict[str, Any]:
    """Weights × bins heatmap of one snapshot; each row scaled to its own maximum.

    Every weight has its own value range (its bins span its min..max), so the x axis is
    the bin position and the hover text gives each bin's value range.
    """
    counts = np.asarray(counts, dtype=float)
    peak = np.maximum(counts.max(axis=1, keepdims=True), 1.0)
    lo, hi = edges[:, :-1], edges[:, 1:]
    hover = [[f"{n}<br>[{a:.3g}, {b:.3g})<br>{int(c)} weights" for a, b, c in zip(la, lb, lc)] for n, la, lb, lc in zip(names, lo, hi, counts)]
    ranges = [f"{n}  [{e[0]:.2g}, {e[-1]:.2g}]" for n, e in zip(names, edges)]
    return {
        "data": [{"type": "heatmap", "z": counts / peak, "y": ranges, "x": np.arange(counts.shape[1], dtype=float),
                  "text": hover, "hoverinfo": "text", "colorscale": "Viridis", "showscale": False}],
        # b: room for the tick labels *and* the axis title under them.
        "layout": {"height": 110 + 22 * len(names), "margin": {"l": 260, "r": 10, "t": 30, "b": 56},
                   "title": {"text": f"weight histograms at step {step} (epoch {epoch + 1})", "font": {"size": 13}},
                   "xaxis": {"title": {"text": "bin (each row spans that weight's own min … max)"}, "showgrid": False},
                   "yaxis": {"autorange": "reversed", "automargin": True}, "uirevision": "histograms"},
    }


def health_figure(report: Any, *, epoch: int) -> dict[str, Any]:
    """Per-layer gradient norms (log) and dead / saturated fractions from a health probe."""
    layers = list(report.layers)
    names = [f"{layer.name} ({layer.class_name})" for layer in layers]
    norm = np.array([np.nan if layer.grad_norm is None else layer.grad_norm for layer in layers], dtype=float)
    dead = np.array([np.nan if layer.dead_fraction is None else layer.dead_fraction for layer in layers], dtype=float)
    sat = np.array([np.nan if layer.saturated_fraction is None else layer.saturated_fraction for layer in layers], dtype=float)
    return {
        "data": [
            {"type": "bar", "orientation": "h", "y": names, "x": norm, "name": "‖∂loss/∂weights‖", "marker": {"color": TRAIN}, "xaxis": "x", "yaxis": "y"},
            {"type": "bar", "orientation": "h", "y": names, "x": dead, "name": "dead ReLU units", "marker": {"color": "#e45756"}, "xaxis": "x2", "yaxis": "y"},
            {"type": "bar", "orientation": "h", "y": names, "x": sat, "name": "saturated sigmoid/tanh", "marker": {"color": VALIDATION}, "xaxis": "x2", "yaxis": "y"},
        ],
        "layout": {"height": 110 + 24 * len(names), "margin": {"l": 200, "r": 10, "t": 40, "b": 40}, "barmode": "group",
                   "title": {"text": f"training health on the probe batch after epoch {epoch + 1} (loss {report.loss:.4g})", "font": {"size": 13}},
                   "xaxis": {"domain": [0, 0.48], "type": "log", "title": {"text": "gradient norm (log)"}, "exponentformat": "e"},
                   "xaxis2": {"domain": [0.52, 1], "range": [0, 1], "title": {"text": "fraction of units"}},
                   "yaxis": {"autorange": "reversed", "automargin": True}, "legend": {"orientation": "h", "y": 1.12}, "uirevision": "health"},
    }
