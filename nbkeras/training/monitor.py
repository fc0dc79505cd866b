"""``LiveMonitor``: a Keras callback that records a run and streams it to a dashboard.

Keras -> :class:`TrainingRecorder` (pure, per-step values) -> :class:`TrainingDashboard`
(throttled binary deltas) -> the view. Nothing in here may stop training: every hook
body runs under :meth:`LiveMonitor._guard`, which shows a failure once in the dashboard,
logs it, and lets ``fit`` go on.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import math
import os
import queue
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from nbkeras._keras import keras, tf
from nbkeras.training.figures import fill_metric_figure, health_figure, histogram_history_figure, metric_names, metric_panels
from nbkeras.training.health import probe_batch
from nbkeras.training.histograms import HistogramScheduler, HistogramSnapshot, histogram_history, weight_histograms
from nbkeras.training.recorder import TrainingRecorder
from nbkeras.training.series import DecimatedSeries

log = logging.getLogger("nbkeras")

MAX_HISTOGRAM_SNAPSHOTS = 200  # per run; older ones are thinned (every other one dropped)
SNAPSHOT_SECONDS = 5.0  # late views resync from a snapshot at most this old
HEALTH_SECONDS = 1.0  # health and histogram charts are redrawn at most this often (all data is kept)
HISTORY_ROWS = 40  # snapshots per weight in the histograms-over-time chart
HISTORY_BINS = 32  # bins of each weight's common range in that chart
BLOCKING_REASON = (
    "This cell is running model.fit, so the kernel cannot hear the buttons until it ends. "
    "For live Stop / learning-rate / checkpoint controls run: run = nbkeras.fit(model, x, y, ...)"
)


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


def check_learning_rate(value: Any) -> float:
    """A learning rate a user typed or passed, as a float; ValueError in Keras's wording otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"Invalid value for argument `learning_rate`. Received: learning_rate={value!r}. Expected a number > 0.")
    return float(value)


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
            monitor._arm()
            monitor._probe_from(x, y)
        try:
            return original(self, *args, **kwargs)
        except BaseException as exc:
            for monitor in monitors:
                if not monitor._ended:
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


def _in_kernel() -> bool:
    """True inside a Jupyter kernel, where a widget can be displayed."""
    shell = sys.modules.get("IPython") and __import__("IPython").get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


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
        state: ``"idle"``, ``"running"``, ``"stopped"``, ``"finished"``,
            ``"interrupted"`` or ``"failed"``. Every end is recorded, also when another
            callback or the user ends ``fit`` (Keras then calls no callback): creating
            a LiveMonitor wraps ``keras.Model.fit`` once (see :func:`install_fit_hook`).
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
        update_rate: float = 10.0,
        display: str = "auto",
        title: str = "",
        checkpoint_dir: str | Path = "checkpoints",
    ) -> None:
        super().__init__()
        if display not in ("auto", "widget", "text", "none"):
            raise ValueError(f"Invalid value for argument `display`. Received: display={display!r}. Expected one of: auto, widget, text, none.")
        if not (isinstance(update_rate, (int, float)) and 0 < update_rate <= 100):
            raise ValueError(f"Invalid value for argument `update_rate`. Received: update_rate={update_rate!r}. Expected a number in (0, 100].")
        self.histograms_enabled = bool(histograms)
        self.histogram_bins = int(histogram_bins)
        self.histogram_budget = float(histogram_budget)
        if not (probe is None or probe == "auto" or (isinstance(probe, tuple) and len(probe) == 2)):
            raise ValueError(f"Invalid value for argument `probe`. Received: probe={type(probe).__name__}. "
                             'Expected "auto", None or a tuple (x_batch, y_batch).')
        self._auto_probe = isinstance(probe, str)
        self.probe = None if self._auto_probe else probe
        self._probe_source: tuple[int, int] | None = None  # ids of the data the auto probe came from
        self.update_interval = 1.0 / float(update_rate)
        self.display_mode = display
        self.title = title
        self.checkpoint_dir = Path(checkpoint_dir)
        self.recorder = TrainingRecorder()
        self.dashboard: Any = None
        self.state = "idle"
        self.exception: BaseException | None = None
        self.checkpoints: list[Path] = []
        self.notices: list[str] = []
        # Set by nbkeras.fit / %load_ext: the kernel is free while this run trains.
        self.controls_live = False
        self.run_info: dict[str, Any] = {}
        # Called with the monitor after each epoch is recorded (e.g. RunComparison redraws).
        self.epoch_listeners: list[Callable[[LiveMonitor], None]] = []
        self.probe_missing = ""
        # Commands are tagged with the run they were given in; a run id is taken when a
        # fit starts (_arm), so a Stop given after a run has ended never reaches the next.
        self._commands: queue.SimpleQueue[tuple[int, str, Any]] = queue.SimpleQueue()
        self._run_id = 0
        self._armed = False  # a fit has been called, its on_train_begin has not come yet
        self._ended = True  # the current run's end has been recorded
        self._reset_run()
        install_fit_hook()

    # -- run state -----------------------------------------------------------------------
    def _reset_run(self) -> None:
        self.epoch_series: dict[str, DecimatedSeries] = {}
        self._snapshots: list[HistogramSnapshot] = []
        self.health: list[tuple[int, Any]] = []
        self.notices = []
        self._nonfinite_steps: list[float] = []
        self._failures: set[str] = set()
        self._epoch = 0
        self._last_push = -math.inf
        self._last_snapshot = -math.inf
        self._metric_keys: tuple[str, ...] = ()
        self._probe = None
        self._scheduler = HistogramScheduler(self.histogram_budget)
        self._device: dict[str, Any] = {}
        self._last_record: Any = None
        self._stopped_by_user = False
        self._pending_health: Any = None
        self._pending_histogram: Any = None
        self._last_histogram_draw = -math.inf
        self._last_health_draw = -math.inf

    @property
    def history(self) -> dict[str, list[Any]]:
        return self.recorder.history

    @property
    def batch_history(self) -> dict[str, DecimatedSeries]:
        return self.recorder.batch_history

    @property
    def weight_histograms(self) -> dict[str, list[tuple[int, int, np.ndarray, np.ndarray]]]:
        out: dict[str, list[tuple[int, int, np.ndarray, np.ndarray]]] = {}
        for snap in self._snapshots:
            for i, name in enumerate(snap.names):
                out.setdefault(name, []).append((snap.step, snap.epoch, snap.edges[i], snap.counts[i]))
        return out

    def series(self) -> dict[str, DecimatedSeries]:
        """Every streamed series: ``batch/<key>`` per step and ``epoch/<key>`` per epoch end."""
        out = {f"batch/{k}": s for k, s in self.recorder.batch_history.items()}
        out.update(self.epoch_series)
        return out

    # -- failures never stop training ------------------------------------------------------
    def _guard(self, where: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001 - the dashboard must never end a run
            if where not in self._failures:
                self._failures.add(where)
                log.warning("nbkeras: %s failed (training continues): %s", where, exc, exc_info=True)
                message = f"{where} failed, training continues: {type(exc).__name__}: {exc}"
                self.notices.append(message)
                if self.dashboard is not None:
                    try:
                        self.dashboard.error = message
                    except Exception:  # noqa: BLE001
                        pass
            return None

    # -- Keras hooks ---------------------------------------------------------------------
    def _probe_from(self, x: Any, y: Any) -> None:
        """With ``probe="auto"``: the first 64 samples of this fit's data, or why not (a notice)."""
        if not self._auto_probe or self._probe_source == (id(x), id(y)):
            return  # a given probe, or the same data as the last fit (its probe is kept)
        self.probe, self.probe_missing = probe_batch(x, y)
        self._probe_source = (id(x), id(y))

    def _arm(self) -> int:
        """A fit with this monitor is starting: commands from now on belong to it."""
        if not self._armed:
            self._run_id += 1
            self._armed = True
            self._ended = False
        return self._run_id

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._guard("training start", self._train_begin)

    def _train_begin(self) -> None:
        self._arm()  # a fit that did not pass through Model.fit's hook (a custom loop)
        self._armed = False
        self._reset_run()
        self.state = "running"
        self.exception = None
        now = time.perf_counter()
        self.recorder.begin(self.params or {}, samples_per_epoch=self.run_info.get("samples"), batch_size=self.run_info.get("batch_size"), now=now)
        self._scheduler.begin(now)
        self._guard("device info", self._read_device)
        self._lr_cache = self._read_learning_rate()
        if self.probe is not None:
            self._probe = self._guard("health probe", self._build_probe)
        elif self.probe_missing:
            self.notices.append(f"Training health skipped: {self.probe_missing}")
        self._guard("dashboard", self._begin_display)
        # A snapshot before the first step: how the weights were initialised.
        self._guard("weight histograms", lambda: self._histograms(step=0, now=now, force=True))

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._guard("recording", lambda: self._epoch_begin(epoch))

    def _epoch_begin(self, epoch: int) -> None:
        self._epoch = epoch
        self._lr_cache = self._read_learning_rate()  # LearningRateScheduler & co. act between epochs
        if self._lr_schedule is not None:  # per-step schedules are evaluated on the host from here
            self._lr_iterations0 = self._guard("learning rate", lambda: int(self.model.optimizer.iterations)) or 0
        self.recorder.epoch_begin(epoch, now=time.perf_counter())

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._guard("recording", lambda: self._train_batch_end(batch, logs))
        self._guard("control", self._apply_commands)  # a Stop works even if recording fails

    def _train_batch_end(self, batch: int, logs: dict[str, Any] | None) -> None:
        now = time.perf_counter()
        record = self.recorder.batch_end(self._epoch, batch, logs or {}, now=now, learning_rate=self._learning_rate_now(batch))
        self._last_record = record
        if record.new_nonfinite:
            self._nonfinite(record.step, record.new_nonfinite, "batch")
        if self.histograms_enabled and self._scheduler.due(record.step, now):
            self._guard("weight histograms", lambda: self._histograms(step=record.step, now=now))
        if now - self._last_push >= self.update_interval:
            self._last_push = now
            self._guard("dashboard", lambda: self._push(now))

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._guard("recording", lambda: self._epoch_end(epoch, logs))

    def _epoch_end(self, epoch: int, logs: dict[str, Any] | None) -> None:
        now = time.perf_counter()
        record = self.recorder.epoch_end(epoch, logs or {}, now=now)
        for key, value in record.values.items():
            if isinstance(value, (int, float, np.floating)):
                self.epoch_series.setdefault(f"epoch/{key}", DecimatedSeries(1024, 256)).append(record.step, float(value))
        if record.new_nonfinite:
            self._nonfinite(record.step, record.new_nonfinite, "epoch")
        if self._probe is not None:
            self._guard("health probe", lambda: self._measure_health(epoch))
        if self.histograms_enabled and self._scheduler.due(record.step, now, epoch_end=True):
            self._guard("weight histograms", lambda: self._histograms(step=record.step, now=now))
        if now - self._last_push >= self.update_interval:  # the same throttle as batch ends
            self._last_push = now
            self._guard("dashboard", lambda: self._push(now))
        for listener in self.epoch_listeners:
            self._guard("epoch listener", lambda: listener(self))
        if self._text_mode():
            self._print_epoch(epoch, record.values)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self._guard("training end", self._train_end)

    def _train_end(self) -> None:
        self._ended = True
        # The final weights, whatever the budget allowed during the run: training is
        # over, so this costs no step time, and every run shows its first and last state.
        if self.histograms_enabled and (not self._snapshots or self._snapshots[-1].step != self.recorder.step):
            self._guard("weight histograms", lambda: self._histograms(step=self.recorder.step, now=time.perf_counter(), force=True))
        if self.state == "running":
            stopped = getattr(self.model, "stop_training", False)
            self.state = "stopped" if stopped and self._stopped_by_user else "finished"
            if stopped and not self._stopped_by_user:
                self.notices.append(f"Stopped early by a callback (e.g. EarlyStopping) after epoch {self._epoch + 1}.")
        self._guard("dashboard", self._finish_display)
        for listener in self.epoch_listeners:  # a last redraw with the final state
            self._guard("epoch listener", lambda: listener(self))
        self.controls_live = False  # the next fit says again whether the kernel is free

    # -- pieces --------------------------------------------------------------------------
    _lr_cache: float | None = None
    _lr_schedule: Any = None  # the optimizer's LearningRateSchedule, if it has one
    _lr_iterations0 = 0  # optimizer.iterations when the current epoch began

    def _read_learning_rate(self) -> float | None:
        optimizer = getattr(self.model, "optimizer", None)
        schedule_type = keras().optimizers.schedules.LearningRateSchedule
        schedule = getattr(optimizer, "_learning_rate", None)
        self._lr_schedule = schedule if isinstance(schedule, schedule_type) else None
        try:
            return float(optimizer.learning_rate)
        except Exception:  # noqa: BLE001 - an optimizer without a readable rate
            return None

    def _learning_rate_now(self, batch: int) -> float | None:
        # Reading the optimizer's variables is a device-to-host sync (on a GPU, one per step
        # that Keras does not do). They are read at train and epoch begin and after a
        # learning-rate command (ReduceLROnPlateau and schedulers act between epochs); a
        # per-step schedule is evaluated here on the host at this step's iteration count,
        # the value `optimizer.learning_rate` reads after the step.
        if self._lr_schedule is not None:
            try:
                with tf().device("/CPU:0"):
                    return float(self._lr_schedule(self._lr_iterations0 + batch + 1))
            except Exception:  # noqa: BLE001 - a schedule that needs more than a step number
                return self._lr_cache
        return self._lr_cache

    def _read_device(self) -> None:
        from nbkeras.training.device import training_device

        # Keras calls callbacks outside strategy.scope(): enter the model's own so the
        # device info names the strategy this run uses.
        strategy = getattr(self.model, "distribute_strategy", None)
        with strategy.scope() if strategy is not None else contextlib.nullcontext():
            self._device = training_device()

    def _build_probe(self) -> Any:
        from nbkeras.training.health import HealthProbe

        # Building a probe and tracing its measurement costs ~0.1 s: keep it across fits
        # of the same model with the same probe batch (a reused monitor, a continued run).
        key = (id(self.model), id(self.probe))
        cached = self.__dict__.get("_probe_cache")
        if cached is not None and cached[0] == key and cached[1].model is self.model:
            return cached[1]
        x, y = self.probe
        probe = HealthProbe(self.model, x, y)
        self._probe_cache = (key, probe)
        return probe

    def _measure_health(self, epoch: int) -> None:
        report = self._probe.measure()
        self.health.append((epoch, report))
        if len(self.health) > MAX_HISTOGRAM_SNAPSHOTS:  # bounded like the histograms
            self.health = self.health[:1] + self.health[1:-50:2] + self.health[-50:]
        self._pending_health = (report, epoch)
        self._draw_health(time.perf_counter())

    def _draw_health(self, now: float, *, force: bool = False) -> None:
        if self.dashboard is None or self._pending_health is None:
            return
        if force or now - self._last_health_draw >= HEALTH_SECONDS:
            report, epoch = self._pending_health
            self._pending_health = None
            self._last_health_draw = now
            self.dashboard.set_health(health_figure(report, epoch=epoch))

    def _histograms(self, *, step: int, now: float, force: bool = False) -> None:
        if not self.histograms_enabled or not self.model.trainable_weights:
            return
        snap = weight_histograms(self.model.trainable_weights, bins=self.histogram_bins, step=step, epoch=self._epoch)
        self._scheduler.record(snap.seconds, now)
        self._snapshots.append(snap)
        if len(self._snapshots) > MAX_HISTOGRAM_SNAPSHOTS:
            # Keep the first and the most recent, thin the middle: bounded over any run.
            self._snapshots = self._snapshots[:1] + self._snapshots[1:-50:2] + self._snapshots[-50:]
        if not snap.finite.all():
            bad = [n for n, ok in zip(snap.names, snap.finite) if not ok]
            self._nonfinite(step, [f"weights {', '.join(bad[:3])}"], "weights")
        self._pending_histogram = snap
        self._draw_histograms(now, force=force)

    def _draw_histograms(self, now: float, *, force: bool = False) -> None:
        # Redrawn at most once per HEALTH_SECONDS: a snapshot is cheap, its figure is not.
        snap = self._pending_histogram
        if self.dashboard is None or snap is None:
            return
        if force or now - self._last_histogram_draw >= HEALTH_SECONDS:
            self._pending_histogram = None
            self._last_histogram_draw = now
            self.dashboard.set_histograms(self._histogram_figure())

    def _nonfinite(self, step: int, keys: list[str], where: str) -> None:
        self._nonfinite_steps.append(float(step))
        self.notices.append(f"NaN/Inf in {', '.join(keys)} at step {step}: the run has diverged; "
                            "try a smaller learning rate or check the data.")
        if self._text_mode():
            print(f"nbkeras: {self.notices[-1]}", flush=True)

    # -- controls --------------------------------------------------------------------------
    def command(self, name: str, value: Any = None) -> None:
        """Queue a control for the training thread (applied after the current step).

        A command belongs to the run it was given in: given after that run ended (or before
        any fit), it is dropped when the next run begins.
        """
        if name == "resync" and self.state != "running":
            if self.dashboard is not None:  # no training thread to wait for
                self.dashboard.send_snapshot(self.series(), self._status())
            return
        self._commands.put((self._run_id, name, value))

    def _apply_commands(self) -> None:
        while not self._commands.empty():
            run_id, name, value = self._commands.get_nowait()
            if run_id != self._run_id:
                continue  # given during an earlier run, or after it ended
            if name == "stop":
                if self._stopped_by_user:
                    continue  # asked twice: one stop, one notice
                self._stopped_by_user = True
                self.model.stop_training = True
                self.notices.append(f"Stop requested at step {self.recorder.step}: training ends after this step.")
            elif name == "learning_rate":
                self._set_learning_rate(value)
            elif name == "checkpoint":
                self.save_checkpoint()
            elif name == "resync" and self.dashboard is not None:
                self.dashboard.send_snapshot(self.series(), self._status())

    def _set_learning_rate(self, value: float) -> None:
        try:
            # Keras assigns into the optimizer's learning-rate variable: the next step uses it.
            self.model.optimizer.learning_rate = value
        except TypeError as exc:  # compiled with a LearningRateSchedule
            raise ValueError(f"The learning rate cannot be set during this run: {exc}") from None
        self._lr_cache = self._read_learning_rate()
        self.notices.append(f"Learning rate set to {value:g} at step {self.recorder.step}.")

    def save_checkpoint(self) -> Path:
        """Save the model now (``checkpoint_dir/step-<n>.keras``) and return the path."""
        self.checkpoint_dir.mkdir(parents=True, exist_ok=True)
        path = self.checkpoint_dir / f"step-{self.recorder.step:07d}.keras"
        self.model.save(path)
        self.checkpoints.append(path)
        self.notices.append(f"Checkpoint saved: {path}")
        return path

    # -- display ---------------------------------------------------------------------------
    @property
    def is_chief(self) -> bool:
        """Whether this process shows the run (False on non-chief workers, which only record)."""
        return _is_chief(getattr(self, "_model", None))

    def _text_mode(self) -> bool:
        if not self.is_chief:
            return False
        return self.display_mode == "text" or (self.display_mode == "auto" and not _in_kernel())

    def show(self) -> Any:
        """Create and display the dashboard now (once per monitor); returns it or None.

        Called by ``nbkeras.fit`` from the cell's own thread before training starts;
        a plain ``model.fit`` reaches it from ``on_train_begin``.
        """
        if self.display_mode == "none" or not self.is_chief or self._text_mode() or self.dashboard is not None:
            return self.dashboard
        from nbkeras.training.dashboard import TrainingDashboard

        self.dashboard = TrainingDashboard(on_command=self.command, figures=self.figures, picture=self._picture)
        # The output gets a display id: the run's end redraws its picture from whichever
        # thread trains (see _finish_display).
        self.dashboard.display_once()
        return self.dashboard

    def _begin_display(self) -> None:
        if self._text_mode():
            print(f"nbkeras: training {self.params.get('epochs', '?')} epochs of {self.params.get('steps', '?')} steps", flush=True)
        if self.show() is None:
            return
        controls = {"enabled": True, "reason": ""} if self.controls_live else {"enabled": False, "reason": BLOCKING_REASON}
        self.dashboard.begin(title=self.title or f"{self.model.name}: {self.params.get('epochs', '?')} epochs", controls=controls)

    def _status(self) -> dict[str, Any]:
        r = self._last_record
        status: dict[str, Any] = {
            "state": self.state, "epoch": self._epoch + 1, "epochs": self.params.get("epochs") if self.params else None,
            "step": self.recorder.step, "steps_per_epoch": self.recorder.steps_per_epoch, "device": self._device,
            "notices": self.notices[-5:], "checkpoints": [str(p) for p in self.checkpoints[-3:]],
        }
        if r is not None:
            status.update(
                throughput=None if math.isnan(r.throughput_smoothed) else r.throughput_smoothed, throughput_unit=r.throughput_unit,
                eta_run=None if math.isnan(r.eta_run) else r.eta_run, elapsed=r.elapsed,
                learning_rate=r.learning_rate, last={k: (v if math.isfinite(v) else None) for k, v in r.values.items()},
            )
        return status

    def _push(self, now: float) -> None:
        if self.dashboard is None:
            return
        self._draw_health(now)
        self._draw_histograms(now)
        keys = tuple(self.recorder.batch_history)
        if keys != self._metric_keys or len(self._nonfinite_steps) != self.__dict__.get("_drawn_nonfinite", 0):
            self._metric_keys = keys
            self._drawn_nonfinite = len(self._nonfinite_steps)
            self.dashboard.set_metric_panels(self._panels())
        if now - self._last_snapshot >= SNAPSHOT_SECONDS:
            self._last_snapshot = now
            self.dashboard.send_snapshot(self.series(), self._status())
        else:
            self.dashboard.push(self.series(), self._status())

    def _metric_log_keys(self) -> list[str]:
        """The per-batch series that are Keras metrics (not the learning rate or throughput)."""
        return [k for k in self.recorder.batch_history if k != "learning_rate" and not k.endswith("_per_second")]

    def _panels(self, *, log_scale: bool | None = None) -> list[dict[str, Any]]:
        if log_scale is None:
            log_scale = self.dashboard.log_scale if self.dashboard else False
        return metric_panels(metric_names(self._metric_log_keys()), log_scale=log_scale, nonfinite_steps=self._nonfinite_steps)

    def _histogram_figure(self) -> dict[str, Any]:
        """Every weight's histograms over the run so far (one band per weight)."""
        last = self._snapshots[-1]
        history = histogram_history(self._snapshots, rows=HISTORY_ROWS, bins=HISTORY_BINS)
        return histogram_history_figure(history, step=last.step, epoch=last.epoch)

    def _finish_display(self) -> None:
        if self.dashboard is not None:
            self._draw_health(time.perf_counter(), force=True)
            self._draw_histograms(time.perf_counter(), force=True)
            self.dashboard.set_metric_panels(self._panels())
            self.dashboard.controls = {"enabled": False, "reason": f"Run {self.state}."}
            self.dashboard.send_snapshot(self.series(), self._status())
            # Live front ends keep rendering the widget (highest-ranked mime type); JupyterLab
            # without the kernel, GitHub, nbviewer and exports show the picture.
            self._guard("static snapshot", self.dashboard.refresh_static_output)
        elif self._text_mode() and self.state != "running":
            print(f"nbkeras: {self.state} after {self.recorder.step} steps", flush=True)

    def static_svg(self) -> str | None:
        """The dashboard's charts (metrics, last histograms, last health) as one standalone SVG.

        What a saved notebook shows without a kernel; drawn from the same figure specs as the
        live charts and the HTML report (:meth:`figures`). None before any data.
        """
        from nbkeras.widgets.svg import figures_svg

        figures = self.figures()
        title, spec = figures[0]
        figures[0] = (f"{self._caption()} · {title}", spec)
        return figures_svg(figures, width=720)

    def _caption(self) -> str:
        name = (self.dashboard.title if self.dashboard else self.title) or getattr(self.model, "name", "training")
        return f"{name} — {self.state} after {self.recorder.step} steps"

    def _picture(self) -> dict[str, str]:
        """The dashboard output's picture (see TrainingDashboard.static_bundle); none before a step."""
        from nbkeras.widgets.picture import picture_bundle

        svg = self.static_svg() if self.recorder.step else None
        return {} if svg is None else picture_bundle(svg, f"Training dashboard: {self._caption()}")

    def _print_epoch(self, epoch: int, values: dict[str, Any]) -> None:
        parts = [f"epoch {epoch + 1}/{self.params.get('epochs', '?')}"]
        parts += [f"{k} {v:.4g}" for k, v in values.items() if isinstance(v, (int, float)) and k != "learning_rate"]
        r = self._last_record
        if r is not None and not math.isnan(r.throughput_smoothed):
            parts.append(f"{r.throughput_smoothed:,.0f} {r.throughput_unit}")
        print("nbkeras: " + " · ".join(parts), flush=True)

    def mark(self, state: str, exception: BaseException | None = None) -> None:
        """Record how a run ended when Keras could not say (interrupt, exception).

        Args:
            state: ``"interrupted"`` or ``"failed"`` (or another final state).
            exception: What ended it; a KeyboardInterrupt is an interruption, not an error.
        """
        self._guard("end of run", lambda: self._mark(state, exception))

    def _mark(self, state: str, exception: BaseException | None) -> None:
        self._ended, self._armed = True, False
        self.state = state
        if isinstance(exception, KeyboardInterrupt):
            exception = None
        self.exception = exception
        if exception is not None:
            self.notices.append(f"Training {state}: {type(exception).__name__}: {exception}")
            if self.dashboard is not None:
                self.dashboard.error = self.notices[-1]
        elif state == "interrupted":
            self.notices.append(f"Training interrupted at step {self.recorder.step}.")
        self._guard("dashboard", self._finish_display)
        self.controls_live = False

    # -- static forms ------------------------------------------------------------------------
    def figures(self) -> list[tuple[str, dict[str, Any]]]:
        """(title, figure spec) of the dashboard's charts with their data, for reports."""
        smoothing = self.dashboard.smoothing if self.dashboard is not None else 0.6
        out = [(panel["name"].replace("_", " "), fill_metric_figure(panel, self.series(), smoothing=smoothing))
               for panel in self._panels(log_scale=False)]
        if self._snapshots:
            out.append(("weight histograms over time", self._histogram_figure()))
        if self.health:
            epoch, report = self.health[-1]
            out.append(("training health", health_figure(report, epoch=epoch)))
        return out

    def save_html(self, path: str | Path) -> Path:
        """Write a standalone interactive HTML report of this run (works offline)."""
        from nbkeras.report import Block, write_html

        status = self._status()
        summary = [f"state: {self.state}", f"steps: {self.recorder.step}"]
        summary += [f"{k}: {v[-1]:.4g}" for k, v in self.history.items() if v and isinstance(v[-1], (int, float))]
        summary += self.notices
        blocks = [Block("text", "\n".join(summary))] + [Block("figure", spec, title) for title, spec in self.figures()]
        return write_html(path, blocks, title=self.title or f"nbkeras training report ({status.get('device', {}).get('name', '')})")
