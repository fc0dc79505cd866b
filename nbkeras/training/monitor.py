"""``LiveMonitor``: the Keras callback that records a run, takes its commands and shows it.

A thin adapter from Keras's hooks onto three parts with one-way arrows:

- :class:`~nbkeras.training.recorder.TrainingRecorder` (pure): the numbers of the run;
- :class:`~nbkeras.training.controls.RunControls`: the commands given to the run (Stop,
  learning rate, checkpoint), applied here between steps;
- :class:`~nbkeras.training.presenter.RunPresenter`: what is shown, and when (the dashboard
  or text lines, figures, the picture, the HTML report).

Nothing in here may stop training: every hook body runs under :meth:`LiveMonitor._guard`,
which shows a failure once, logs it, and lets ``fit`` go on. :func:`prepare_fit` is the
one preparation of a ``fit`` call that ``nbkeras.fit`` and ``%load_ext nbkeras`` share.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from nbkeras._keras import keras
from nbkeras._validate import check_bool, check_choice, invalid_value, is_number
from nbkeras.training.controls import Checkpoint, Command, LearningRate, RunControls, SetLearningRate, Stop
from nbkeras.training.device import training_device
from nbkeras.training.health import HealthProbe, num_samples, probe_batch
from nbkeras.training.histograms import HistogramScheduler, weight_histograms
from nbkeras.training.presenter import RunPresenter
from nbkeras.training.recorder import TrainingRecorder
from nbkeras.training.registry import registry
from nbkeras.training.series import DecimatedSeries
from nbkeras.training.surface import SURFACE_RESOLUTION, LiveSurface, SurfaceSnapshot

log = logging.getLogger("nbkeras")

DISPLAYS = ("auto", "widget", "text", "none")


def _is_chief(model: Any = None) -> bool:
    """False on the non-chief workers of a multi-worker run: they record but show nothing.

    The model's strategy decides when it has one (``extended.should_checkpoint`` is the
    chief test of MultiWorkerMirroredStrategy and True for single-worker strategies);
    else ``TF_CONFIG`` (the chief, or worker 0 when the cluster names no chief). Keras
    runs callbacks outside ``strategy.scope()``, so ``tf.distribute.get_strategy()``
    there would call every worker the chief.
    """
    extended = getattr(getattr(model, "distribute_strategy", None), "extended", None)
    if extended is not None and hasattr(extended, "should_checkpoint"):
        return bool(extended.should_checkpoint)
    try:
        config = json.loads(os.environ.get("TF_CONFIG") or "{}")
    except ValueError:
        return True
    task = config.get("task") or {}
    kind = task.get("type")
    if kind in (None, "chief"):
        return True
    return kind == "worker" and int(task.get("index", 0)) == 0 and "chief" not in (config.get("cluster") or {})


def _monitors_in(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[LiveMonitor]:
    """The LiveMonitors among a ``fit`` call's callbacks (keyword, positional or a CallbackList)."""
    callbacks = kwargs.get("callbacks", args[5] if len(args) > 5 else None)
    callbacks = getattr(callbacks, "callbacks", callbacks)  # a keras.callbacks.CallbackList
    if not isinstance(callbacks, (list, tuple)):
        return []
    return [cb for cb in callbacks if isinstance(cb, LiveMonitor)]


def _ends_runs(original: Any) -> Any:
    """``Model.fit`` that tells its LiveMonitors how it ended when Keras cannot.

    Keras calls ``on_train_end`` only when ``fit`` completes; when another callback, the
    data or the user (KeyboardInterrupt) ends it, no callback hears of it. The run's
    commands also start here: a Stop given before this call belongs to an earlier run.
    """

    @functools.wraps(original)
    def fit(self: Any, *args: Any, **kwargs: Any) -> Any:
        monitors = _monitors_in(args, kwargs)
        x = args[0] if args else kwargs.get("x")
        y = args[1] if len(args) > 1 else kwargs.get("y")
        for monitor in monitors:
            monitor.controls.arm()
            monitor._probe_from(x, y)
            monitor._surface.take_data(x, y)
        try:
            return original(self, *args, **kwargs)
        except BaseException as exc:
            for monitor in monitors:
                if not monitor.controls.ended:
                    monitor.mark("interrupted" if isinstance(exc, KeyboardInterrupt) else "failed", exc)
            raise

    fit.__nbkeras_ends_runs__ = True  # type: ignore[attr-defined]
    return fit


def install_fit_hook() -> None:
    """Wrap ``keras.Model.fit`` once per process with :func:`_ends_runs` (idempotent).

    Done when a LiveMonitor is created, so every fit that can carry one is covered;
    ``%load_ext nbkeras`` installs it before wrapping ``fit`` itself.
    """
    model_cls = keras().Model
    if not getattr(model_cls.fit, "__nbkeras_ends_runs__", False):
        model_cls.fit = _ends_runs(model_cls.fit)


class LiveMonitor(keras().callbacks.Callback):
    """Watch a Keras ``fit`` live: loss and metrics per step and per epoch, weight
    histograms, training health, with Stop / learning-rate / checkpoint controls.

    Args:
        histograms: Take weight histograms (on the weights' device; only bin counts
            reach the host), as often as ``histogram_budget`` allows.
        histogram_bins: Bins per weight histogram.
        histogram_budget: Largest fraction of training time histograms may take.
        probe: The batch on which per-layer gradient norms and dead or saturated units
            are measured after each epoch: ``"auto"`` (the first 64 samples of the data
            ``fit`` is given; with a dataset or generator, health is skipped with a
            notice), a tuple ``(x_batch, y_batch)``, or None (no health panel).
        surface: A live decision-surface panel when the model has one input of shape
            ``(batch, 2)`` (spirals, moons, circles, xor): its class probabilities on a grid
            covering the data, under a fixed sample of at most 300 training points, as
            TensorFlow Playground draws it. Evaluated on the model's device in one traced
            pass (only the grid's probabilities reach the host) at train begin, at most once
            a second and within 1 % of training time, and at train end; the saved picture
            shows the final one. False: no panel.
        surface_resolution: Grid points per axis of the surface (60: 3,600 points).
        update_rate: Most dashboard updates per second.
        display: ``"auto"`` (a dashboard in a notebook, a text line per epoch in a
            script), ``"widget"``, ``"text"`` or ``"none"``.
        title: Shown above the dashboard.
        checkpoint_dir: Where "save checkpoint now" writes ``.keras`` files.

    Attributes:
        history: Per epoch, the same keys and values as Keras's ``History``.
        batch_history: Per step: each metric's own value for that batch (recovered from
            Keras's running means), ``learning_rate`` and throughput, as
            :class:`DecimatedSeries` (bounded memory).
        weight_histograms: Per weight: ``[(step, epoch, edges, counts), ...]``.
        health: ``[(epoch, HealthReport), ...]``.
        surface: The last decision surface (:class:`~nbkeras.training.surface.SurfaceSnapshot`:
            ``probabilities`` as :func:`nbkeras.decision_surface` returns them), or None.
        state: ``"idle"``, ``"running"``, ``"stopped"``, ``"finished"``,
            ``"interrupted"`` or ``"failed"``. Every end is recorded, also when another
            callback or the user ends ``fit`` (Keras then calls no callback): creating
            a LiveMonitor wraps ``keras.Model.fit`` once (see :func:`install_fit_hook`).
        controls: The run's :class:`RunControls` (what the dashboard's buttons use).
        presenter: The run's :class:`RunPresenter` (dashboard, figures, picture, report).
        device: Where the run trains (kind, name, memory, strategy).
        probe_missing: Why ``probe="auto"`` found no probe batch in the data ``fit`` was
            given (a dataset or generator, no targets); shown as a notice.

    Example:
        >>> monitor = nbkeras.LiveMonitor()
        >>> model.fit(x, y, epochs=5, callbacks=[monitor])
        >>> monitor.history["loss"][-1]
    """

    def __init__(
        self,
        *,
        histograms: bool = True,
        histogram_bins: int = 32,
        histogram_budget: float = 0.01,
        probe: tuple[Any, Any] | str | None = "auto",
        surface: bool = True,
        surface_resolution: int = SURFACE_RESOLUTION,
        update_rate: float = 10.0,
        display: str = "auto",
        title: str = "",
        checkpoint_dir: str | Path = "checkpoints",
    ) -> None:
        super().__init__()
        check_choice("display", display, DISPLAYS)
        if not (is_number(update_rate) and 0 < update_rate <= 100):
            raise invalid_value("update_rate", update_rate, "a number in (0, 100]")
        if not (probe is None or probe == "auto" or (isinstance(probe, tuple) and len(probe) == 2)):
            raise invalid_value(
                "probe", probe, '"auto", None or a tuple (x_batch, y_batch)', received=f"probe={type(probe).__name__}"
            )
        self.histograms_enabled = bool(histograms)
        self.histogram_bins = int(histogram_bins)
        self.histogram_budget = float(histogram_budget)
        self._auto_probe = isinstance(probe, str)
        self.probe = None if self._auto_probe else probe
        self._probe_source: tuple[int, int] | None = None  # ids of the data the auto probe came from
        self._probe_cache: tuple[tuple[int, int], HealthProbe] | None = None
        self.update_interval = 1.0 / float(update_rate)
        self.checkpoint_dir = Path(checkpoint_dir)
        self.recorder = TrainingRecorder()
        self.controls = RunControls()
        self.presenter = RunPresenter(
            self.recorder, self.controls, display=display, title=title, update_rate=update_rate
        )
        self.exception: BaseException | None = None
        self.run_info: dict[str, Any] = {}  # samples and batch size of the coming fit (prepare_fit)
        # Called with the monitor after each epoch is recorded (e.g. RunComparison redraws).
        self.epoch_listeners: list[Callable[[LiveMonitor], None]] = []
        self.probe_missing = ""
        self._learning_rate = LearningRate()
        self._scheduler = HistogramScheduler(self.histogram_budget)
        self._surface = LiveSurface(enabled=check_bool("surface", surface), resolution=surface_resolution)
        self._probe: HealthProbe | None = None
        self._epoch = 0
        self._stop_asked: Stop | None = None  # the Stop this run heard, if any
        self._failures: set[str] = set()
        install_fit_hook()
        registry.register(self)  # the runs sidebar lists it (weakly)

    # -- what the presenter shows, under the monitor's names --------------------------------
    state = property(
        lambda self: self.presenter.state,
        lambda self, v: setattr(self.presenter, "state", v),
        doc="The run's state: idle, running, stopped, finished, interrupted or failed.",
    )
    dashboard = property(lambda self: self.presenter.dashboard, doc="The live dashboard, once shown.")
    notices = property(lambda self: self.presenter.notices, doc="What the run said (stops, NaN, skipped health).")
    checkpoints = property(lambda self: self.presenter.checkpoints, doc="Checkpoints saved, oldest first.")
    health = property(lambda self: self.presenter.health, doc="``[(epoch, HealthReport), ...]``.")
    surface = property(lambda self: self.presenter.surface, doc="The last decision surface, or None.")
    epoch_series = property(lambda self: self.presenter.epoch_series, doc="``epoch/<key>`` series, per epoch end.")
    device = property(lambda self: self.presenter.device, doc="Where the run trains.")
    title = property(lambda self: self.presenter.title, lambda self, v: setattr(self.presenter, "title", v))
    display_mode = property(
        lambda self: self.presenter.display_mode,
        lambda self, v: setattr(self.presenter, "display_mode", check_choice("display", v, DISPLAYS)),
    )
    controls_live = property(
        lambda self: self.presenter.controls_live,
        lambda self, v: setattr(self.presenter, "controls_live", bool(v)),
        doc="Set by nbkeras.fit / %load_ext: the kernel is free while this run trains.",
    )

    @property
    def history(self) -> dict[str, list[Any]]:
        return self.recorder.history

    @property
    def batch_history(self) -> dict[str, DecimatedSeries]:
        return self.recorder.batch_history

    @property
    def weight_histograms(self) -> dict[str, list[tuple[int, int, np.ndarray, np.ndarray]]]:
        out: dict[str, list[tuple[int, int, np.ndarray, np.ndarray]]] = {}
        for snap in self.presenter.snapshots:
            for i, name in enumerate(snap.names):
                out.setdefault(name, []).append((snap.step, snap.epoch, snap.edges[i], snap.counts[i]))
        return out

    def series(self) -> dict[str, DecimatedSeries]:
        """Every streamed series: ``batch/<key>`` per step and ``epoch/<key>`` per epoch end."""
        return self.presenter.series()

    def figures(self) -> list[tuple[str, dict[str, Any]]]:
        """(title, figure spec) of the dashboard's charts with their data, for reports."""
        return self.presenter.figures()

    def static_svg(self) -> str | None:
        """The dashboard's charts as one standalone SVG (what a saved notebook shows)."""
        return self.presenter.static_svg()

    def save_html(self, path: str | Path) -> Path:
        """Write a standalone interactive HTML report of this run (works offline)."""
        return self.presenter.save_html(path)

    @property
    def is_chief(self) -> bool:
        """Whether this process shows the run (False on non-chief workers, which only record)."""
        return _is_chief(getattr(self, "_model", None))

    def show(self) -> Any:
        """Create and display the dashboard now (once per monitor); returns it or None.

        Called by :func:`prepare_fit` from the cell's own thread before training starts;
        a plain ``model.fit`` reaches it from ``on_train_begin``.
        """
        self.presenter.chief = self.is_chief
        registry.note_cell(self)
        return self._guard("dashboard", self.presenter.show)

    # -- failures never stop training ------------------------------------------------------
    def _guard(self, where: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except Exception as exc:  # the dashboard must never end a run
            if where not in self._failures:
                self._failures.add(where)
                log.warning("nbkeras: %s failed (training continues): %s", where, exc, exc_info=True)
                message = f"{where} failed, training continues: {type(exc).__name__}: {exc}"
                try:
                    self.presenter.notice(message, error=True)
                except Exception:  # noqa: BLE001 - a broken view: the log has it
                    pass
            return None

    # -- Keras hooks ---------------------------------------------------------------------
    def _probe_from(self, x: Any, y: Any) -> None:
        """With ``probe="auto"``: the first 64 samples of this fit's data, or why not (a notice)."""
        if not self._auto_probe or self._probe_source == (id(x), id(y)):
            return  # a given probe, or the same data as the last fit (its probe is kept)
        self.probe, self.probe_missing = probe_batch(x, y)
        self._probe_source = (id(x), id(y))

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._guard("training start", self._train_begin)

    def _train_begin(self) -> None:
        self.controls.begin()
        self._failures = set()
        self._stop_asked = None
        self._epoch = 0
        # How the run was started, before anything can read it as running (a sidebar opening now).
        self._guard("runs sidebar", lambda: registry.began(self))
        self.state = "running"
        self.exception = None
        now = time.perf_counter()
        params = self.params or {}
        self.recorder.begin(
            params, samples_per_epoch=self.run_info.get("samples"), batch_size=self.run_info.get("batch_size"), now=now
        )
        self._scheduler = HistogramScheduler(self.histogram_budget)
        self._scheduler.begin(now)
        self.presenter.chief = self.is_chief
        self.presenter.reset(params, model_name=self.model.name)
        self.presenter.device = self._guard("device info", self._read_device) or {}
        self._guard("learning rate", lambda: self._learning_rate.read(self.model.optimizer))
        self._probe = None
        if self.probe is not None:
            self._probe = self._guard("health probe", self._build_probe)
        elif self.probe_missing:
            self.presenter.notice(f"Training health skipped: {self.probe_missing}")
        self._guard("dashboard", self.presenter.begin)
        self._guard("decision surface", lambda: self._begin_surface(now))
        # A snapshot before the first step: how the weights were initialised.
        self._guard("weight histograms", lambda: self._histograms(step=0, now=now, force=True))
        self._guard("runs sidebar", lambda: registry.changed(self, force=True))

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch = self.presenter.epoch = epoch
        # LearningRateScheduler & co. act between epochs.
        self._guard("learning rate", lambda: self._learning_rate.epoch_begin(self.model.optimizer))
        self._guard("recording", lambda: self.recorder.epoch_begin(epoch, now=time.perf_counter()))

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._guard("recording", lambda: self._batch_end(batch, logs))
        for command in self.controls.take():  # a Stop works even if recording fails
            self._guard("control", lambda command=command: self._apply(command))

    def _batch_end(self, batch: int, logs: dict[str, Any] | None) -> None:
        now = time.perf_counter()
        learning_rate = self._learning_rate.at(batch)
        record = self.recorder.batch_end(self._epoch, batch, logs or {}, now=now, learning_rate=learning_rate)
        if self.histograms_enabled and self._scheduler.due(record.step, now):
            self._guard("weight histograms", lambda: self._histograms(step=record.step, now=now))
        if self._surface.due(record.step, now):
            self._guard("decision surface", lambda: self._measure_surface(record.step, now))
        self._guard("dashboard", lambda: self.presenter.batch(record, now))
        self._guard("runs sidebar", lambda: registry.changed(self))

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        now = time.perf_counter()
        record = self._guard("recording", lambda: self.recorder.epoch_end(epoch, logs or {}, now=now))
        if record is None:
            return
        if self._probe is not None:
            self._guard("health probe", lambda: self.presenter.health_report(self._probe.measure(), epoch, now))
        if self.histograms_enabled and self._scheduler.due(record.step, now, epoch_end=True):
            self._guard("weight histograms", lambda: self._histograms(step=record.step, now=now))
        self._guard("dashboard", lambda: self.presenter.epoch_end(record, now))
        for listener in self.epoch_listeners:
            self._guard("epoch listener", lambda listener=listener: listener(self))

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self._guard("training end", self._train_end)

    def _train_end(self) -> None:
        self.controls.end()
        # The final weights, whatever the budget allowed during the run: training is
        # over, so this costs no step time, and every run shows its first and last state.
        snapshots = self.presenter.snapshots
        if self.histograms_enabled and (not snapshots or snapshots[-1].step != self.recorder.step):
            now = time.perf_counter()
            self._guard("weight histograms", lambda: self._histograms(step=self.recorder.step, now=now, force=True))
        last = self.presenter.surface
        if self._surface.probe is not None and (last is None or last.step != self.recorder.step):  # the final one
            self._guard("decision surface", lambda: self._measure_surface(self.recorder.step, time.perf_counter()))
        if self.state == "running":
            self.state = self._end_state()
        self._finish()

    def _end_state(self) -> str:
        """How a run that Keras ended normally ended: finished, stopped (by whom) or interrupted."""
        if not getattr(self.model, "stop_training", False):
            return "finished"
        if self._stop_asked is None:
            self.presenter.notice(f"Stopped early by a callback (e.g. EarlyStopping) after epoch {self._epoch + 1}.")
            return "finished"
        return "interrupted" if self._stop_asked.interrupt else "stopped"

    def _finish(self) -> None:
        self._guard("dashboard", self.presenter.finish)
        self._guard("static snapshot", self.presenter.redraw_picture)
        for listener in self.epoch_listeners:  # a last redraw with the final state
            self._guard("epoch listener", lambda listener=listener: listener(self))
        self.controls_live = False  # the next fit says again whether the kernel is free
        self._guard("runs sidebar", lambda: registry.ended(self))

    def mark(self, state: str, exception: BaseException | None = None) -> None:
        """Record how a run ended when Keras could not say (interrupt, exception).

        Args:
            state: ``"interrupted"`` or ``"failed"`` (or another final state).
            exception: What ended it; a KeyboardInterrupt is an interruption, not an error.
        """
        self._guard("end of run", lambda: self._mark(state, exception))

    def _mark(self, state: str, exception: BaseException | None) -> None:
        self.controls.end()
        self.state = state
        self.exception = None if isinstance(exception, KeyboardInterrupt) else exception
        if self.exception is not None:
            self.presenter.notice(f"Training {state}: {type(exception).__name__}: {exception}", error=True)
        elif state == "interrupted":
            self.presenter.notice(f"Training interrupted at step {self.recorder.step}.")
        self._finish()

    # -- recording pieces --------------------------------------------------------------------
    def _read_device(self) -> dict[str, Any]:
        # Keras calls callbacks outside strategy.scope(): enter the model's own so the
        # device info names the strategy this run uses.
        strategy = getattr(self.model, "distribute_strategy", None)
        with strategy.scope() if strategy is not None else contextlib.nullcontext():
            return training_device()

    def _build_probe(self) -> HealthProbe:
        # Building a probe and tracing its measurement costs ~0.1 s: keep it across fits
        # of the same model with the same probe batch (a reused monitor, a continued run).
        key = (id(self.model), id(self.probe))
        if self._probe_cache is not None and self._probe_cache[0] == key and self._probe_cache[1].model is self.model:
            return self._probe_cache[1]
        x, y = self.probe
        probe = HealthProbe(self.model, x, y)
        self._probe_cache = (key, probe)
        return probe

    def _histograms(self, *, step: int, now: float, force: bool = False) -> None:
        if not self.histograms_enabled or not self.model.trainable_weights:
            return
        snap = weight_histograms(self.model.trainable_weights, bins=self.histogram_bins, step=step, epoch=self._epoch)
        self._scheduler.record(snap.seconds, now)
        self.presenter.histograms(snap, now, force=force)

    def _begin_surface(self, now: float) -> None:
        why = self._surface.begin(self.model, now)
        if why:
            self.presenter.notice(f"Decision surface skipped: {why}")
        elif self._surface.probe is not None:
            self._measure_surface(0, now)  # the initial weights

    def _measure_surface(self, step: int, now: float) -> SurfaceSnapshot:
        snapshot = self._surface.measure(step=step, epoch=self._epoch, now=now)
        self.presenter.surface_snapshot(snapshot, now, force=step == 0)
        return snapshot

    # -- controls ----------------------------------------------------------------------------
    def command(self, name: str, value: Any = None) -> None:
        """Give the current run a command: ``"stop"``, ``"set_learning_rate"`` (with ``value``)
        or ``"checkpoint"`` (the dashboard's request names); applied after the current step.

        A command belongs to the run it was given in: given after that run ended (or before
        any fit), it is dropped when the next run begins. Same as ``monitor.controls.request``.
        """
        self.controls.request(name, value)

    def _apply(self, command: Command) -> None:
        """Apply one command in the training thread, between two steps."""
        if isinstance(command, Stop):
            if self._stop_asked is not None:
                return  # asked twice: one stop, one notice
            self._stop_asked = command
            self.model.stop_training = True
            how = "Interrupted" if command.interrupt else "Stop requested"
            self.presenter.notice(f"{how} at step {self.recorder.step}: training ends after this step.")
        elif isinstance(command, SetLearningRate):
            self._learning_rate.set(self.model.optimizer, command.value)
            self.presenter.notice(f"Learning rate set to {command.value:g} at step {self.recorder.step}.")
        elif isinstance(command, Checkpoint):
            self.save_checkpoint()

    def save_checkpoint(self) -> Path:
        """Save the model now (``checkpoint_dir/step-<n>.keras``) and return the path."""
        self.checkpoint_dir.mkdir(parents=True, exist_ok=True)
        path = self.checkpoint_dir / f"step-{self.recorder.step:07d}.keras"
        self.model.save(path)
        self.presenter.checkpoint_saved(path)
        return path


def prepare_fit(
    callbacks: Any,
    x: Any,
    *,
    batch_size: Any = None,
    validation_split: Any = None,
    controls_live: bool,
    monitor: LiveMonitor | None = None,
) -> tuple[list[Any], list[LiveMonitor]]:
    """Get a ``fit`` call's callbacks ready for live training (``nbkeras.fit`` and ``%load_ext``).

    Args:
        callbacks: The call's callbacks: a list, a ``CallbackList`` or None.
        x: The call's training data (its sample count sizes the ETA and the last batch).
        batch_size, validation_split: As given to ``fit``.
        controls_live: Whether the kernel hears the dashboard's buttons during this fit.
        monitor: A monitor to add (when not among ``callbacks`` already).

    Returns:
        ``(callbacks, monitors)``: the callbacks as a list, with ``monitor``, or a new
        :class:`LiveMonitor` when they had none; the LiveMonitors among them, each told the
        data's size and whether its controls are live, and shown (in the calling thread:
        a display from the training thread may land nowhere).
    """
    callbacks = list(getattr(callbacks, "callbacks", callbacks) or [])  # a list or a CallbackList
    if monitor is not None and not any(cb is monitor for cb in callbacks):
        callbacks.append(monitor)
    monitors = [cb for cb in callbacks if isinstance(cb, LiveMonitor)]
    if not monitors:
        monitors = [LiveMonitor()]  # probe="auto": the health batch comes from x, y as fit starts
        callbacks += monitors
    samples = num_samples(x)
    run_info = {
        "samples": None if validation_split else samples,
        "batch_size": batch_size or (32 if samples is not None else None),
    }
    for each in monitors:
        each.run_info = dict(run_info)
        each.controls_live = controls_live
        each.show()
    return callbacks, monitors
