"""``TrainingDashboard``: the view of a :class:`~nbkeras.training.monitor.LiveMonitor`.

Thin: it holds synced state (figure layouts, status, a bounded snapshot of the series)
and sends throttled deltas built by :mod:`.stream`. It never touches the model; control
requests are forwarded to the monitor, which applies them in the training thread at
the next step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import traitlets

from nbkeras.training.series import DecimatedSeries
from nbkeras.training.stream import ResyncNeeded, SeriesStream
from nbkeras.widgets.base import NbKerasWidget, command
from nbkeras.widgets.figure import to_wire
from nbkeras.widgets.static import bundle


class TrainingDashboard(NbKerasWidget):
    """Live charts of one training run, with Stop, learning-rate and checkpoint controls."""

    _esm = bundle("training_dashboard.js")

    title = traitlets.Unicode("").tag(sync=True)
    metric_panels = traitlets.List(traitlets.Dict(), help="one figure per metric: layout and traces naming their series").tag(sync=True)
    snapshot = traitlets.Dict(help="every held point of every series, for late views").tag(sync=True)
    status = traitlets.Dict(help="state, epoch/step, ETA, throughput, device, notices").tag(sync=True)
    histogram_figure = traitlets.Dict().tag(sync=True)
    health_figure = traitlets.Dict().tag(sync=True)
    controls = traitlets.Dict(help="{enabled: bool, reason: str}: whether Stop/LR/checkpoint act mid-run").tag(sync=True)
    smoothing = traitlets.Float(0.6, help="weight of the past in the smoothed curves, as TensorBoard's slider").tag(sync=True)
    log_scale = traitlets.Bool(False, help="metric axes on a log scale").tag(sync=True)

    _settable = ("smoothing", "log_scale")

    def __init__(
        self,
        *,
        on_command: Callable[[str, Any], None],
        figures: Callable[[], list[tuple[str, dict[str, Any]]]] | None = None,
        picture: Callable[[], dict[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        self._on_command = on_command
        self._figures = figures
        self._picture = picture
        self._stream = SeriesStream()
        super().__init__(**kwargs)

    @traitlets.validate("smoothing")
    def _valid_smoothing(self, proposal: Any) -> float:
        value = proposal["value"]
        if not (isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1):
            raise traitlets.TraitError(f"Invalid value for argument `smoothing`. Received: smoothing={value!r}. Expected a number in [0, 1).")
        return float(value)

    # -- controls (forwarded; the monitor applies them at the next step) ---------------
    @command("stop")
    def _on_stop(self) -> None:
        self._on_command("stop", None)

    @command("set_learning_rate")
    def _on_set_learning_rate(self, value: Any = None) -> None:
        from nbkeras.training.monitor import check_learning_rate  # monitor imports Keras: only when used

        self._on_command("learning_rate", check_learning_rate(value))

    @command("checkpoint")
    def _on_checkpoint(self) -> None:
        self._on_command("checkpoint", None)

    @command("resync")
    def _on_resync(self) -> None:
        self._on_command("resync", None)

    # -- transport -----------------------------------------------------------------------
    def begin(self, *, title: str, controls: Mapping[str, Any]) -> None:
        self._stream.reset()
        with self.hold_sync():
            self.title = title
            self.controls = dict(controls)
            self.snapshot = {"seq": 0, "series": {}}
            self.histogram_figure = {}
            self.health_figure = {}
            self.error = ""

    def push(self, series: Mapping[str, DecimatedSeries], status: Mapping[str, Any]) -> None:
        """Send the points appended since the last push (one message), or a snapshot."""
        try:
            delta = self._stream.delta(series)
        except ResyncNeeded:
            self.send_snapshot(series, status)
            return
        if delta is None:
            self.status = dict(status)
            return
        header, buffers = delta
        self.send({"type": "delta", **header, "status": dict(status)}, buffers)

    def send_snapshot(self, series: Mapping[str, DecimatedSeries], status: Mapping[str, Any]) -> None:
        with self.hold_sync():
            self.snapshot = self._stream.snapshot(series)
            self.status = dict(status)

    def set_metric_panels(self, panels: list[dict[str, Any]]) -> None:
        if panels != self.metric_panels:
            self.metric_panels = list(panels)

    def set_histograms(self, spec: Mapping[str, Any]) -> None:
        self.histogram_figure = to_wire(dict(spec))

    def set_health(self, spec: Mapping[str, Any]) -> None:
        self.health_figure = to_wire(dict(spec))

    def static_figures(self) -> list[tuple[str, dict[str, Any]]]:
        """The run's charts with their data (from the monitor), for standalone reports."""
        return self._figures() if self._figures is not None else []

    def static_bundle(self) -> dict[str, str]:
        """The run's picture as the monitor draws it (titled with its state), else the default."""
        return self._picture() if self._picture is not None else super().static_bundle()

    def _repr_fields(self) -> dict[str, Any]:
        return {"title": self.title}
