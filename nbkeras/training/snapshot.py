"""A static SVG picture of a finished run, kept in the saved notebook.

When a run ends, the dashboard's output is updated (by its display id) to carry this
SVG beside the live widget. Renderers without a kernel or widget state (GitHub,
nbviewer, an exported HTML or PDF) show the SVG; a live notebook keeps showing the
interactive dashboard. Plain SVG written here, so no browser and no kaleido are needed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

import numpy as np

from nbkeras.training.recorder import smooth
from nbkeras.training.series import DecimatedSeries

_W, _H, _PAD = 340, 190, 38
_COLORS = {"smooth": "#4c78a8", "raw": "#c6d4e6", "train": "#1f3b63", "val": "#f58518"}


def _path(xs: np.ndarray, ys: np.ndarray, x0: float, x1: float, y0: float, y1: float) -> str:
    """SVG path data, broken at non-finite values (gaps)."""
    sx = (_W - _PAD - 8) / ((x1 - x0) or 1.0)
    sy = (_H - 2 * _PAD + 14) / ((y1 - y0) or 1.0)
    parts, pen = [], "M"
    for x, y in zip(xs, ys):
        if not (math.isfinite(x) and math.isfinite(y)):
            pen = "M"
            continue
        parts.append(f"{pen}{_PAD + (x - x0) * sx:.1f},{_H - _PAD + 6 - (y - y0) * sy:.1f}")
        pen = "L"
    return " ".join(parts)


def _panel(title: str, lines: Sequence[tuple[str, np.ndarray, np.ndarray, str, float]]) -> str:
    finite = [v for _, x, y, _, _ in lines for v in y if math.isfinite(v)]
    steps = [v for _, x, _, _, _ in lines for v in x if math.isfinite(v)]
    if not finite or not steps:
        return ""
    y0, y1, x0, x1 = min(finite), max(finite), min(steps), max(steps)
    body = [f'<rect x="0" y="0" width="{_W}" height="{_H}" fill="white" stroke="#ddd"/>',
            f'<text x="{_PAD}" y="16" font-size="12" font-weight="600">{escape(title)}</text>',
            f'<text x="4" y="{_PAD}" font-size="9" fill="#666">{y1:.3g}</text>',
            f'<text x="4" y="{_H - _PAD + 6}" font-size="9" fill="#666">{y0:.3g}</text>',
            f'<text x="{_W - 8}" y="{_H - 8}" font-size="9" fill="#666" text-anchor="end">step {x1:.0f}</text>']
    for name, x, y, color, width in lines:
        d = _path(x, y, x0, x1, y0, y1)
        if d:
            dash = ' stroke-dasharray="5,3"' if name.startswith("epoch/") and "/val_" not in name else ""
            body.append(f'<path d="{d}" fill="none" stroke="{color}" stroke-width="{width}"{dash}><title>{escape(name)}</title></path>')
    return "".join(body)


def run_svg(series: Mapping[str, DecimatedSeries], metrics: Sequence[str], *, title: str, smoothing: float = 0.6) -> str:
    """One small chart per metric: per-batch (raw and smoothed) and per-epoch train/validation."""
    panels = []
    for name in metrics:
        lines = []
        batch = series.get(f"batch/{name}")
        if batch is not None and len(batch):
            lines.append((f"{name} per batch", batch.steps, batch.values, _COLORS["raw"], 1.0))
            lines.append((f"{name} smoothed", batch.steps, smooth(batch.values, smoothing), _COLORS["smooth"], 1.8))
        for key, color in ((f"epoch/{name}", _COLORS["train"]), (f"epoch/val_{name}", _COLORS["val"])):
            s = series.get(key)
            if s is not None and len(s):
                lines.append((key, s.steps, s.values, color, 2.2))
        svg = _panel(name, lines)
        if svg:
            panels.append(svg)
    cols = 2
    rows = max(1, math.ceil(len(panels) / cols))
    width, height = cols * (_W + 10), rows * (_H + 10) + 24
    groups = [f'<g transform="translate({(i % cols) * (_W + 10)},{24 + (i // cols) * (_H + 10)})">{p}</g>' for i, p in enumerate(panels)]
    legend = "per batch (light), smoothed (blue); per epoch: train (dashed), validation (orange)"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif">'
            f'<text x="0" y="14" font-size="13" font-weight="600">{escape(title)}</text>'
            f'<text x="{width - 4}" y="14" font-size="10" fill="#666" text-anchor="end">{escape(legend)}</text>'
            + "".join(groups) + "</svg>")
