"""Small, static Plotly figures for the course (confusion matrices, filters, embeddings).

:class:`FigureView` shows any Plotly figure through nbkeras's shared plotly.js (sent once
per kernel, offline), instead of plotly's own renderers, which either embed the 4.8 MB
library in every output or fetch it from a CDN.

Every nbkeras widget's output also carries a static picture of its charts (an SVG drawn
in pure Python by :mod:`nbkeras.widgets.svg`, see :mod:`nbkeras.widgets.picture`), for
readers without a kernel (GitHub, nbviewer, JupyterLab before Run); live front ends keep
showing the widget.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import traitlets

from nbkeras._validate import invalid_type
from nbkeras.widgets.base import NbKerasWidget
from nbkeras.widgets.figure import to_wire
from nbkeras.widgets.static import bundle


def _as_spec(figure: Any) -> dict[str, Any]:
    if hasattr(figure, "to_plotly_json"):  # a plotly.graph_objects.Figure
        figure = figure.to_plotly_json()
    if not isinstance(figure, dict) or "data" not in figure:
        raise invalid_type("figure", figure, "a plotly Figure or a dict with 'data' (and optionally 'layout')")
    return {"data": [_arrays(t) for t in figure["data"]], "layout": figure.get("layout", {})}


def _arrays(trace: dict[str, Any]) -> dict[str, Any]:
    # Numeric lists become numpy arrays so they travel as float32 binary, not JSON text.
    out = {}
    for key, value in trace.items():
        if isinstance(value, (list, tuple)) and value:
            try:
                array = np.asarray(value)
            except ValueError:  # ragged: leave it to Plotly
                array = None
            if array is not None and array.dtype.kind in "fiu":  # not bools, strings or objects
                value = array.astype(float)
        out[key] = value
    return out


class FigureView(NbKerasWidget):
    """Display a Plotly figure (or a figure dict) with nbkeras's shared, offline plotly.js.

    Example:
        >>> import plotly.graph_objects as go
        >>> nbkeras.show_figure(go.Figure(go.Heatmap(z=confusion)))
    """

    _esm = bundle("figure_view.js")
    _picture_traits = ("figure",)
    figure = traitlets.Dict(help="the figure spec, arrays as float32 buffers").tag(sync=True)

    def __init__(self, figure: Any, **kwargs: Any) -> None:
        self._spec = _as_spec(figure)
        super().__init__(figure=to_wire(self._spec), **kwargs)

    def update(self, figure: Any) -> None:
        """Replace the figure (the view redraws)."""
        self._spec = _as_spec(figure)
        self.figure = to_wire(self._spec)  # the outputs' pictures follow (see _picture_traits)

    def static_figures(self) -> list[tuple[str, dict[str, Any]]]:
        return [("", self._spec)]

    def _repr_fields(self) -> dict[str, Any]:
        return {"traces": len(self._spec["data"])}


def show_figure(figure: Any) -> FigureView:
    """Display ``figure`` (plotly Figure or dict) and return its :class:`FigureView`."""
    from IPython.display import display

    view = FigureView(figure)
    display(view)
    return view
