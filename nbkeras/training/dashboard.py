"""``TrainingDashboard``: the view of a :class:`~nbkeras.training.monitor.LiveMonitor`'s run.

Thin: it holds synced state (figure layouts, status, a bounded snapshot of the series)
and sends throttled deltas built by :mod:`.stream`. It never touches the model. Its two
collaborators come in one way: the run's :class:`~nbkeras.training.controls.RunControls`
(a click gives a command, applied by the training thread at the next step) and a
:class:`RunSource` (the presenter: the run's figures, its picture, a resync).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import traitlets

from nbkeras._validate import BoolTrait, invalid_value, is_number
from nbkeras.training.controls import Checkpoint, RunControls, SetLearningRate, Stop
from nbkeras.training.series import DecimatedSeries
from nbkeras.training.stream import ResyncNeeded, SeriesStream
from nbkeras.widgets.base import NbKerasWidget, command
from nbkeras.widgets.figure import to_wire
from nbkeras.widgets.static import bundle


class RunSource(Protocol):
    """What the dashboard asks of the run it shows (``RunPresenter`` implements it)."""

    def figures(self) -> list[tuple[str, dict[str, Any]]]: ...

    def picture(self) -> dict[str, str]: ...

    def resync(self) -> None: ...


class TrainingDashboard(NbKerasWidget):
    """Live charts of one training run, with Stop, learning-rate and checkpoint controls."""

    _esm = bundle("training_dashboard.js")

    title = traitlets.Unicode("").tag(sync=True)
    metric_panels = traitlets.List(
        traitlets.Dict(), help="one figure per metric: layout and traces naming their series"
    ).tag(sync=True)
    snapshot = traitlets.Dict(help="every held point of every series, for late views").tag(sync=True)
    status = traitlets.Dict(help="state, epoch/step, ETA, throughput, device, notices").tag(sync=True)
    histogram_figure = traitlets.Dict().tag(sync=True)
    health_figure = traitlets.Dict().tag(sync=True)
    surface_figure = traitlets.Dict(help="the decision surface of a 2-input model ({} when there is none)").tag(
        sync=True
    )
    controls = traitlets.Dict(help="{enabled: bool, reason: str}: whether Stop/LR/checkpoint act mid-run").tag(
        sync=True
    )
    smoothing = traitlets.Float(0.6, help="weight of the past in the smoothed curves, as TensorBoard's slider").tag(
        sync=True
    )
    log_scale = BoolTrait(False, help="metric axes on a log scale").tag(sync=True)

    _settable = ("smoothing", "log_scale")

    def __init__(self, *, controls: RunControls | None = None, source: RunSource | None = None, **kwargs: Any) -> None:
        self._controls = controls
        self._source = source
        self._stream = SeriesStream()
        super().__init__(**kwargs)

    @traitlets.validate("smoothing")
    def _valid_smoothing(self, proposal: Any) -> float:
        value = proposal["value"]
        if not (is_number(value) and 0 <= value < 1):  # 1 would freeze the smoothed curves
            raise traitlets.TraitError(str(invalid_value("smoothing", value, "a number in [0, 1)")))
        return float(value)

    # -- controls: one name from the button to the run (controls.COMMANDS) ---------------
    def _give(self, kind: type[Stop | SetLearningRate | Checkpoint], *args: Any) -> None:
        if self._controls is None:
            raise ValueError("This dashboard shows no run: its controls act on nothing.")
        self._controls.give(kind(self._controls.run_id, *args))

    @command(Stop.name)
    def _on_stop(self) -> None:
        self._give(Stop)

    @command(SetLearningRate.name)
    def _on_set_learning_rate(self, value: Any = None) -> None:
        self._give(SetLearningRate, value)

    @command(Checkpoint.name)
    def _on_checkpoint(self) -> None:
        self._give(Checkpoint)

    @command("resync")
    def _on_resync(self) -> None:
        if self._source is not None:
            self._source.resync()

    # -- transport -----------------------------------------------------------------------
    def begin(self, *, title: str, controls: Mapping[str, Any]) -> None:
        self._stream.reset()
        with self.hold_sync():
            self.title = title
            self.controls = dict(controls)
            self.snapshot = {"seq": 0, "series": {}}
            self.histogram_figure = {}
            self.health_figure = {}
            self.surface_figure = {}
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

    def set_surface(self, spec: Mapping[str, Any]) -> None:
        self.surface_figure = to_wire(dict(spec))

    def static_figures(self) -> list[tuple[str, dict[str, Any]]]:
        """The run's charts with their data (from its presenter), for standalone reports."""
        return self._source.figures() if self._source is not None else []

    def static_bundle(self) -> dict[str, str]:
        """The run's picture as its presenter draws it (titled with its state), else the default."""
        return self._source.picture() if self._source is not None else super().static_bundle()

    def _repr_fields(self) -> dict[str, Any]:
        return {"title": self.title}
