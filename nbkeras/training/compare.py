"""``RunComparison``: several runs overlaid on one live chart.

For teaching what a choice changes (batch size, optimizer, learning-rate schedule...):
the same model trained several ways, each run's epoch curves drawn on the same axes
as they arrive. Each run is recorded by its own :class:`LiveMonitor` (created by
:meth:`RunComparison.monitor`), which calls back after every epoch.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import traitlets

from nbkeras._validate import invalid_value
from nbkeras.training.figures import log_axis_ticks
from nbkeras.training.presenter import Throttle
from nbkeras.widgets.base import NbKerasWidget
from nbkeras.widgets.figure import to_wire
from nbkeras.widgets.static import bundle

PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac", "#eeca3b")


class RunComparison(NbKerasWidget):
    """One chart per metric, one line per run, updated live at each epoch end.

    Args:
        metrics: Epoch-log keys to draw, e.g. ``("loss", "val_loss", "val_accuracy")``.
        log_scale: Log y axes (useful for losses).
        title: Shown above the chart.

    Example:
        >>> board = nbkeras.compare_runs(("loss", "val_loss"))
        >>> for opt in ("sgd", "adam"):
        ...     model.compile(optimizer=opt, loss="mse")
        ...     nbkeras.fit(model, x, y, epochs=10, validation_split=0.2, monitor=board.monitor(opt)).wait()
    """

    _esm = bundle("figure_view.js")
    figure = traitlets.Dict().tag(sync=True)

    @property
    def min_interval(self) -> float:
        """Seconds between redraws while runs train (0.5)."""
        return self._throttle.seconds

    @min_interval.setter
    def min_interval(self, seconds: float) -> None:
        self._throttle.seconds = float(seconds)

    def __init__(
        self, metrics: Sequence[str] = ("loss", "val_loss"), *, log_scale: bool = False, title: str = "", **kwargs: Any
    ) -> None:
        if isinstance(metrics, str) or not metrics or not all(isinstance(m, str) for m in metrics):
            raise invalid_value(
                "metrics", metrics, "a non-empty sequence of epoch-log keys such as ('loss', 'val_loss')"
            )
        self.metrics = tuple(metrics)
        self.log_scale = bool(log_scale)
        self.title = title
        self.runs: dict[str, Any] = {}  # label -> LiveMonitor
        self._throttle = Throttle(0.5)
        self._pictured_epochs = 0  # epochs (over all runs) in the last picture sent to the outputs
        super().__init__(**kwargs)
        self.figure = to_wire(self.figure_spec())

    def monitor(self, label: str, **monitor_kwargs: Any) -> Any:
        """A new :class:`LiveMonitor` whose run is drawn here as ``label`` (no dashboard of its own by default)."""
        from nbkeras.training.monitor import LiveMonitor

        monitor_kwargs.setdefault("display", "none")
        monitor_kwargs.setdefault("histograms", False)  # the board draws epoch curves only
        mon = LiveMonitor(**monitor_kwargs)
        self.add(mon, label)
        return mon

    def add(self, monitor: Any, label: str) -> None:
        """Draw ``monitor``'s run (this one and its later fits) as ``label``."""
        if not isinstance(label, str) or not label:
            raise invalid_value("label", label, "a non-empty string")
        if label in self.runs:
            raise invalid_value(
                "label",
                label,
                f"a new name; used: {', '.join(self.runs)}",
                received=f"label={label!r}, which is already used",
            )
        self.runs[label] = monitor
        monitor.epoch_listeners.append(lambda _mon: self._redraw())
        self._redraw(force=True)

    def _redraw(self, force: bool = False) -> None:
        now = time.perf_counter()
        idle = all(m.state != "running" for m in self.runs.values())
        if self._throttle.due(now, force=force or idle):
            self.figure = to_wire(self.figure_spec())
        epochs = sum(len(next(iter(m.history.values()), ())) for m in self.runs.values())
        if idle and epochs != self._pictured_epochs:
            # A run ended: the saved output keeps a picture of every run so far.
            self._pictured_epochs = epochs
            self.refresh_static_output()

    def refresh(self) -> None:
        """Redraw now (runs call this themselves at epoch ends, throttled)."""
        self._redraw(force=True)

    def figure_spec(self) -> dict[str, Any]:
        n = len(self.metrics)
        gap = 0.08
        width = (1 - gap * (n - 1)) / n
        layout: dict[str, Any] = {
            "height": 380,
            # t: the title, then one legend row (the view adds the rows a long legend wraps to)
            "margin": {"l": 55, "r": 10, "t": 66 if self.title else 36, "b": 45},
            "plot_bgcolor": "white",
            # above the charts: below them it ran into their "epoch" titles
            "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
            "uirevision": "compare",
        }
        if self.title:  # at the top, however many rows the legend under it takes
            layout["title"] = {
                "text": self.title,
                "font": {"size": 14},
                "yref": "container",
                "y": 1,
                "yanchor": "top",
                "pad": {"t": 10},
            }
        data: list[dict[str, Any]] = []
        for i, metric in enumerate(self.metrics):
            axis = "" if i == 0 else str(i + 1)
            layout[f"xaxis{axis}"] = {
                "domain": [i * (width + gap), i * (width + gap) + width],
                "title": {"text": "epoch"},
                "gridcolor": "#eee",
                "anchor": f"y{axis}",
            }
            layout[f"yaxis{axis}"] = {
                "title": {"text": metric},
                "type": "log" if self.log_scale else "linear",
                "gridcolor": "#eee",
                "anchor": f"x{axis}",
            }
            shown = {label: np.asarray(mon.history.get(metric, []), dtype=float) for label, mon in self.runs.items()}
            if self.log_scale:  # labelled ticks that stay apart, not Plotly's small digits
                layout[f"yaxis{axis}"].update(log_axis_ticks(np.concatenate([np.empty(0), *shown.values()])))
            for j, (label, values) in enumerate(shown.items()):
                data.append(
                    {
                        "type": "scatter",
                        "mode": "lines+markers",
                        "name": label,
                        "legendgroup": label,
                        "showlegend": i == 0,
                        "x": np.arange(1, len(values) + 1, dtype=float),
                        "y": values,
                        "line": {"color": PALETTE[j % len(PALETTE)], "width": 2},
                        "marker": {"size": 5},
                        "xaxis": f"x{axis}",
                        "yaxis": f"y{axis}",
                    }
                )
        return {"data": data, "layout": layout}

    def table(self) -> dict[str, dict[str, float]]:
        """Last value of each metric per run: ``{label: {metric: value}}``."""
        return {
            label: {m: mon.history[m][-1] for m in self.metrics if mon.history.get(m)}
            for label, mon in self.runs.items()
        }

    def static_figures(self) -> list[tuple[str, dict[str, Any]]]:
        return [(self.title, self.figure_spec())]

    def _repr_fields(self) -> dict[str, Any]:
        return {"metrics": self.metrics, "runs": tuple(self.runs)}


def compare_runs(metrics: Sequence[str] = ("loss", "val_loss"), **kwargs: Any) -> RunComparison:
    """Build a :class:`RunComparison`, display it, and return it."""
    from IPython.display import display

    board = RunComparison(metrics, **kwargs)
    display(board)
    return board
