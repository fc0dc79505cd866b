"""Plotly figure specs shared by live views and static reports (one source of truth).

A widget describes each chart once, in Python, as a plain Plotly figure dict. Numeric
arrays are numpy arrays; :func:`to_wire` turns them into float32 bytes, which ipywidgets
sends as binary buffers (NaN/Inf survive, unlike in JSON) and js/src/lib/plotly.js turns
back into arrays with gaps. :func:`to_static` inlines them as lists for a standalone HTML
report, so the live chart and the report are drawn from the same spec.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

FigureSpec = dict[str, Any]


def _is_numeric_array(value: Any) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.kind in "fiub"


def to_wire(spec: Any) -> Any:
    """Replace numeric numpy arrays in a figure spec by little-endian float32 bytes."""
    if _is_numeric_array(spec):
        # Values beyond float32's range (~3e38) become inf, drawn as a gap like any overflow.
        with np.errstate(over="ignore"):
            data = np.ascontiguousarray(spec, dtype="<f4").tobytes()
        # A 1-D array travels as bare bytes; a matrix (heatmap z) carries its shape.
        return data if spec.ndim == 1 else {"f32": data, "shape": list(spec.shape)}
    if isinstance(spec, dict):
        return {k: to_wire(v) for k, v in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [to_wire(v) for v in spec]
    if isinstance(spec, float) and not math.isfinite(spec):
        return None  # JSON has no NaN: a non-finite scalar is shown as "no value"
    return spec


def _finite_list(values: np.ndarray) -> list[float | None]:
    """A 1-D float array as a list with None for NaN/inf (done in C: 1e6 values in ~30 ms)."""
    finite = np.isfinite(values)
    if finite.all():
        return values.tolist()
    out = values.astype(object)
    out[~finite] = None
    return out.tolist()


def to_static(spec: Any) -> Any:
    """Replace numpy arrays (or wire bytes) by JSON lists with None for non-finite values."""
    if isinstance(spec, (bytes, bytearray, memoryview)):
        spec = np.frombuffer(spec, dtype="<f4")
    if isinstance(spec, dict) and set(spec) == {"f32", "shape"}:
        spec = np.frombuffer(spec["f32"], dtype="<f4").reshape(spec["shape"])
    if _is_numeric_array(spec):
        values = spec.astype(float)
        return _finite_list(values) if values.ndim == 1 else [to_static(row) for row in values]
    if isinstance(spec, dict):
        return {k: to_static(v) for k, v in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [to_static(v) for v in spec]
    if isinstance(spec, float) and not math.isfinite(spec):
        return None
    return spec
