"""What a run shows: the dashboard or text lines, throttled updates, figures, pictures and the report.

:class:`RunPresenter` is told what the run recorded (a batch, an epoch end, a histogram
snapshot, a health report, a notice) and decides what to show and when: at most
``update_rate`` dashboard updates per second, health, histogram and decision-surface figures at
most once per :data:`HEALTH_SECONDS`, a full snapshot every :data:`SNAPSHOT_SECONDS` (late views resync
from it). It keeps what it shows bounded (:func:`thin`) and draws the same figure specs for
the live view, the saved picture and the HTML report. It never touches the model.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from nbkeras.report import Block, write_html
from nbkeras.training.controls import RunControls
from nbkeras.training.dashboard import TrainingDashboard
from nbkeras.training.figures import (
    fill_metric_figure,
    health_figure,
    histogram_history_figure,
    log_axis_ticks,
    metric_names,
    metric_panels,
    surface_figure,
)
from nbkeras.training.histograms import HistogramSnapshot, histogram_history
from nbkeras.training.recorder import BatchRecord, EpochRecord, TrainingRecorder
from nbkeras.training.series import DecimatedSeries
from nbkeras.widgets.picture import picture_bundle
from nbkeras.widgets.svg import figures_svg

MAX_KEPT = 200  # histogram snapshots and health reports per run; older ones are thinned
SNAPSHOT_SECONDS = 5.0  # late views resync from a snapshot at most this old
HEALTH_SECONDS = 1.0  # health and histogram charts are redrawn at most this often (all data is kept)
HISTORY_ROWS = 40  # snapshots per weight in the histograms-over-time chart
HISTORY_BINS = 32  # bins of each weight's common range in that chart
PICTURE_POINTS = 200  # training points on the decision surface of the saved picture (the live view: all 300)
BLOCKING_REASON = (
    "This cell is running model.fit, so the kernel cannot hear the buttons until it ends. "
    "For live Stop / learning-rate / checkpoint controls run: run = nbkeras.fit(model, x, y, ...)"
)


class Throttle:
    """The one "has enough time passed?" rule: at most one go per ``seconds``.

    Example:
        >>> throttle = Throttle(0.1)
        >>> throttle.due(0.0), throttle.due(0.05), throttle.due(0.1)
        (True, False, True)
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = float(seconds)
        self._last = -math.inf

    def due(self, now: float, *, force: bool = False) -> bool:
        """Whether a go is allowed at ``now`` (``time.perf_counter`` clock); if so it is taken."""
        if force or now - self._last >= self.seconds:
            self._last = now
            return True
        return False

    def reset(self) -> None:
        self._last = -math.inf


def thin(items: list[Any], limit: int = MAX_KEPT, recent: int = 50) -> list[Any]:
    """``items`` bounded over any run: past ``limit``, the first, every other middle one, the last ``recent``.

    Example:
        >>> len(thin(list(range(201))))
        126
    """
    if len(items) <= limit:
        return items
    return items[:1] + items[1:-recent:2] + items[-recent:]


def _in_kernel() -> bool:
    """True inside a Jupyter kernel, where a widget can be displayed."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class RunPresenter:
    """Shows one monitor's runs: a :class:`TrainingDashboard` in a notebook, text lines in a script.

    Args:
        recorder: The run's numbers (read, never written).
        controls: Handed to the dashboard, whose buttons give commands through it.
        display: ``"auto"``, ``"widget"``, ``"text"`` or ``"none"``.
        title: Shown above the dashboard (default: the model's name and epochs).
        update_rate: Most dashboard updates per second.

    Attributes:
        state: The run's state as shown (the monitor's ``state``).
        chief: False on the non-chief workers of a multi-worker run: they show nothing.
        controls_live: The kernel is free while this run trains: the buttons act.
        notices, health, snapshots, checkpoints, epoch_series: what the run showed so far.
        surface: The last :class:`~nbkeras.training.surface.SurfaceSnapshot` (the decision
            surface of a 2-input model), or None.
    """

    def __init__(
        self,
        recorder: TrainingRecorder,
        controls: RunControls,
        *,
        display: str = "auto",
        title: str = "",
        update_rate: float = 10.0,
    ) -> None:
        self.recorder = recorder
        self.controls = controls
        self.display_mode = display
        self.title = title
        self.dashboard: TrainingDashboard | None = None
        self.state = "idle"
        self.chief = True
        self.controls_live = False
        self.checkpoints: list[Path] = []
        self._push_throttle = Throttle(1.0 / update_rate)
        self.reset({}, model_name="training")

    def reset(self, params: dict[str, Any], *, model_name: str, device: dict[str, Any] | None = None) -> None:
        """Forget the last run's pictures: a new one begins."""
        self.params = params
        self.model_name = model_name
        self.device = device or {}
        self.epoch = 0
        self.epoch_series: dict[str, DecimatedSeries] = {}
        self.snapshots: list[HistogramSnapshot] = []
        self.health: list[tuple[int, Any]] = []
        self.notices: list[str] = []
        self.nonfinite_steps: list[float] = []
        self.surface: Any = None
        self._pending_surface = False
        self._last_record: BatchRecord | None = None
        self._pending_health: tuple[Any, int] | None = None
        self._pending_histograms = False
        self._shown_panels: tuple[Any, ...] = ()
        self._resync = False
        self._push_throttle.reset()
        self._snapshot_throttle = Throttle(SNAPSHOT_SECONDS)
        self._figure_throttle = Throttle(HEALTH_SECONDS)  # health, histograms and surface: one message

    # -- what is on screen ------------------------------------------------------------------
    @property
    def text_mode(self) -> bool:
        """Text lines instead of a dashboard (a script, or ``display="text"``)."""
        return self.chief and (self.display_mode == "text" or (self.display_mode == "auto" and not _in_kernel()))

    def show(self) -> TrainingDashboard | None:
        """Create and display the dashboard now (once); returns it, or None where none shows."""
        if self.display_mode == "none" or not self.chief or self.text_mode or self.dashboard is not None:
            return self.dashboard
        self.dashboard = TrainingDashboard(controls=self.controls, source=self)
        # The output gets a display id: the run's end redraws its picture from whichever
        # thread trains (see finish).
        self.dashboard.display_once()
        return self.dashboard

    def begin(self) -> None:
        """A run begins (after :meth:`reset`): the dashboard's fresh state, or a text line."""
        epochs = self.params.get("epochs", "?")
        if self.text_mode:
            print(f"nbkeras: training {epochs} epochs of {self.params.get('steps', '?')} steps", flush=True)
        if self.show() is None:
            return
        live = self.controls_live
        controls = {"enabled": live, "reason": "" if live else BLOCKING_REASON}
        self.dashboard.begin(title=self.title or f"{self.model_name}: {epochs} epochs", controls=controls)

    # -- what the run recorded -------------------------------------------------------------
    def notice(self, text: str, *, error: bool = False) -> None:
        """A line under the status (the last five show); ``error``: also the dashboard's banner."""
        self.notices.append(text)
        if error and self.dashboard is not None:
            self.dashboard.error = text

    def nonfinite(self, step: int, keys: list[str]) -> None:
        """NaN/Inf appeared in ``keys`` at ``step``: a red line on the charts and a notice."""
        self.nonfinite_steps.append(float(step))
        self.notice(
            f"NaN/Inf in {', '.join(keys)} at step {step}: the run has diverged; "
            "try a smaller learning rate or check the data."
        )
        if self.text_mode:
            print(f"nbkeras: {self.notices[-1]}", flush=True)

    def checkpoint_saved(self, path: Path) -> None:
        self.checkpoints.append(path)
        self.notice(f"Checkpoint saved: {path}")

    def batch(self, record: BatchRecord, now: float) -> None:
        self._last_record = record
        if record.new_nonfinite:
            self.nonfinite(record.step, record.new_nonfinite)
        self.update(now)

    def epoch_end(self, record: EpochRecord, now: float) -> None:
        for key, value in record.values.items():
            if isinstance(value, (int, float, np.floating)):
                series = self.epoch_series.setdefault(f"epoch/{key}", DecimatedSeries(1024, 256))
                series.append(record.step, float(value))
        if record.new_nonfinite:
            self.nonfinite(record.step, record.new_nonfinite)
        self.update(now)
        if self.text_mode:
            self._print_epoch(record.epoch, record.values)

    def histograms(self, snap: HistogramSnapshot, now: float, *, force: bool = False) -> None:
        self.snapshots = thin([*self.snapshots, snap])
        if not snap.finite.all():
            bad = [n for n, ok in zip(snap.names, snap.finite, strict=True) if not ok]
            self.nonfinite(snap.step, [f"weights {', '.join(bad[:3])}"])
        self._pending_histograms = True
        self._draw_figures(now, force=force)

    def health_report(self, report: Any, epoch: int, now: float) -> None:
        self.health = thin([*self.health, (epoch, report)])
        self._pending_health = (report, epoch)
        self._draw_figures(now)

    def surface_snapshot(self, snapshot: Any, now: float, *, force: bool = False) -> None:
        """A new decision surface (:class:`~nbkeras.training.surface.SurfaceSnapshot`): only the last is kept."""
        self.surface = snapshot
        self._pending_surface = True
        self._draw_figures(now, force=force)

    def finish(self) -> None:
        """The run ended (``state`` says how): final charts, controls off, the picture redrawn."""
        if self.dashboard is not None:
            now = time.perf_counter()
            self._draw_figures(now, force=True)
            self.dashboard.set_metric_panels(self._panels())
            self.dashboard.controls = {"enabled": False, "reason": f"Run {self.state}."}
            self.dashboard.send_snapshot(self.series(), self.status())
        elif self.text_mode and self.state != "running":
            print(f"nbkeras: {self.state} after {self.recorder.step} steps", flush=True)

    def redraw_picture(self) -> None:
        """Redraw the saved picture of the dashboard's output with the run's final charts.

        Live front ends keep rendering the widget (highest-ranked mime type); JupyterLab
        without the kernel, GitHub, nbviewer and exports show the picture.
        """
        if self.dashboard is not None:
            self.dashboard.refresh_static_output()

    # -- updates ---------------------------------------------------------------------------
    def update(self, now: float) -> None:
        """Send what changed, at most ``update_rate`` times a second (a resync asked for: now)."""
        if self.dashboard is None or not (self._resync or self._push_throttle.due(now)):
            return
        self._draw_figures(now)
        lr_axis = self._learning_rate_axis() or {}
        shown = (tuple(self.recorder.batch_history), len(self.nonfinite_steps), tuple(lr_axis.get("tickvals", ())))
        if shown != self._shown_panels:  # new metrics, a NaN line, other learning-rate ticks
            self._shown_panels = shown
            self.dashboard.set_metric_panels(self._panels())
        if self._snapshot_throttle.due(now, force=self._resync):
            self._resync = False
            self.dashboard.send_snapshot(self.series(), self.status())
        else:
            self.dashboard.push(self.series(), self.status())

    def resync(self) -> None:
        """A view missed messages: a snapshot now, or with the next update while the run trains."""
        if self.state == "running":
            self._resync = True  # the training thread owns the stream while it runs
        elif self.dashboard is not None:
            self.dashboard.send_snapshot(self.series(), self.status())

    def _draw_figures(self, now: float, *, force: bool = False) -> None:
        """The health, histogram and decision-surface figures waiting to be drawn, in one message, at most
        once per :data:`HEALTH_SECONDS` (a snapshot or a measurement is cheap, a figure is not)."""
        pending = self._pending_health is not None or self._pending_histograms or self._pending_surface
        if self.dashboard is None or not pending or not self._figure_throttle.due(now, force=force):
            return
        with self.dashboard.hold_sync():
            if self._pending_health is not None:
                report, epoch = self._pending_health
                self._pending_health = None
                self.dashboard.set_health(health_figure(report, epoch=epoch))
            if self._pending_histograms:
                self._pending_histograms = False
                self.dashboard.set_histograms(self._histogram_figure())
            if self._pending_surface:
                self._pending_surface = False
                self.dashboard.set_surface(surface_figure(self.surface))

    def status(self) -> dict[str, Any]:
        """The status line's facts (state, epoch, step, ETA, throughput, device, notices)."""
        status: dict[str, Any] = {
            "state": self.state,
            "epoch": self.epoch + 1,
            "epochs": self.params.get("epochs"),
            "step": self.recorder.step,
            "steps_per_epoch": self.recorder.steps_per_epoch,
            "device": self.device,
            "notices": self.notices[-5:],
            "checkpoints": [str(p) for p in self.checkpoints[-3:]],
        }
        r = self._last_record
        if r is not None:
            status.update(
                throughput=None if math.isnan(r.throughput_smoothed) else r.throughput_smoothed,
                throughput_unit=r.throughput_unit,
                eta_run=None if math.isnan(r.eta_run) else r.eta_run,
                elapsed=r.elapsed,
                learning_rate=r.learning_rate,
                last={k: (v if math.isfinite(v) else None) for k, v in r.values.items()},
            )
        return status

    def _print_epoch(self, epoch: int, values: dict[str, Any]) -> None:
        parts = [f"epoch {epoch + 1}/{self.params.get('epochs', '?')}"]
        parts += [f"{k} {v:.4g}" for k, v in values.items() if isinstance(v, (int, float)) and k != "learning_rate"]
        r = self._last_record
        if r is not None and not math.isnan(r.throughput_smoothed):
            parts.append(f"{r.throughput_smoothed:,.0f} {r.throughput_unit}")
        print("nbkeras: " + " · ".join(parts), flush=True)

    # -- figures, pictures, report -----------------------------------------------------------
    def series(self) -> dict[str, DecimatedSeries]:
        """Every streamed series: ``batch/<key>`` per step and ``epoch/<key>`` per epoch end."""
        out = {f"batch/{k}": s for k, s in self.recorder.batch_history.items()}
        out.update(self.epoch_series)
        return out

    def _learning_rate_axis(self) -> dict[str, Any] | None:
        """Ticks for the learning-rate chart; None while the optimizer's rate is not known (no chart)."""
        series = self.recorder.batch_history.get("learning_rate")
        return log_axis_ticks(series.values) if series is not None else None

    def _panels(self, *, log_scale: bool | None = None) -> list[dict[str, Any]]:
        if log_scale is None:
            log_scale = self.dashboard.log_scale if self.dashboard is not None else False
        metrics = [k for k in self.recorder.batch_history if k != "learning_rate" and not k.endswith("_per_second")]
        return metric_panels(
            metric_names(metrics),
            log_scale=log_scale,
            nonfinite_steps=self.nonfinite_steps,
            learning_rate_axis=self._learning_rate_axis(),
        )

    def _histogram_figure(self) -> dict[str, Any]:
        """Every weight's histograms over the run so far (one band per weight)."""
        last = self.snapshots[-1]
        history = histogram_history(self.snapshots, rows=HISTORY_ROWS, bins=HISTORY_BINS)
        return histogram_history_figure(history, step=last.step, epoch=last.epoch)

    def figures(self, *, picture: bool = False) -> list[tuple[str, dict[str, Any]]]:
        """(title, figure spec) of the dashboard's charts with their data, for reports.

        ``picture``: for the saved picture (the decision surface draws :data:`PICTURE_POINTS` points).
        """
        smoothing = self.dashboard.smoothing if self.dashboard is not None else 0.6
        out = [
            (panel["name"].replace("_", " "), fill_metric_figure(panel, self.series(), smoothing=smoothing))
            for panel in self._panels(log_scale=False)
        ]
        if self.surface is not None:
            points = PICTURE_POINTS if picture else None
            out.append(("decision surface", surface_figure(self.surface, max_points=points)))
        if self.snapshots:
            out.append(("weight histograms over time", self._histogram_figure()))
        if self.health:
            epoch, report = self.health[-1]
            out.append(("training health", health_figure(report, epoch=epoch)))
        return out

    def caption(self) -> str:
        name = (self.dashboard.title if self.dashboard else self.title) or self.model_name
        return f"{name} — {self.state} after {self.recorder.step} steps"

    def static_svg(self) -> str | None:
        """The dashboard's charts (metrics, last histograms, last health) as one standalone SVG.

        What a saved notebook shows without a kernel; drawn from the same figure specs as the
        live charts and the HTML report (:meth:`figures`). None before any data.
        """
        figures = self.figures(picture=True)
        title, spec = figures[0]
        figures[0] = (f"{self.caption()} · {title}", spec)
        return figures_svg(figures, width=720)

    def picture(self) -> dict[str, str]:
        """The dashboard output's picture (see TrainingDashboard.static_bundle); none before a step."""
        svg = self.static_svg() if self.recorder.step else None
        return {} if svg is None else picture_bundle(svg, f"Training dashboard: {self.caption()}")

    def save_html(self, path: str | Path) -> Path:
        """Write a standalone interactive HTML report of this run (works offline)."""
        summary = [f"state: {self.state}", f"steps: {self.recorder.step}"]
        history = self.recorder.history
        summary += [f"{k}: {v[-1]:.4g}" for k, v in history.items() if v and isinstance(v[-1], (int, float))]
        summary += self.notices
        blocks = [Block("text", "\n".join(summary))] + [Block("figure", spec, title) for title, spec in self.figures()]
        title = self.title or f"nbkeras training report ({self.device.get('name', '')})"
        return write_html(path, blocks, title=title)
