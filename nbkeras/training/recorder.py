"""What happened during a training run, recorded from Keras's callback events.

:class:`TrainingRecorder` is the pure core under the live dashboard: a Keras callback
forwards ``on_train_begin`` / ``on_train_batch_end`` / ``on_epoch_end`` here and the
recorder keeps the numbers a chart needs. It imports only NumPy.

Batch values are the batch's own, not Keras's. Keras's batch-level logs are running
means over the epoch so far (weighted by samples), so a raw batch-loss curve flattens
as the epoch goes on and jumps at every epoch start. With ``S`` the samples seen in
the epoch (or the batches, when sizes are unknown) and ``m`` the logged mean, the
value of the steps between two hooks ``j`` and ``k`` is::

    v = (S_k * m_k - S_j * m_j) / (S_k - S_j)

With ``steps_per_execution=N`` the hook fires every ``N`` steps and ``v`` is the mean
of those ``N`` steps. Precision: Keras logs float32 means, so ``v`` carries a relative
error of about ``k × 6e-8`` (``k``: batches into the epoch): 1e-5 after ~150
batches, 1e-4 after ~1,500. Plenty for a chart; not a replacement for exact
per-batch values. Metrics whose batch log is *not* a running mean (``AUC``,
``Precision``: stateful results over the epoch so far) must be named in
``begin(cumulative_keys=...)``; they are recorded as logged.

Timing: ``now`` is a :func:`time.perf_counter` reading supplied by the caller (so
tests can replay a timeline). The first interval of a run includes tracing and
compilation, so it is left out of throughput and step-time estimates, as Keras's
progress bar does.

Example:

    >>> from nbkeras.training.recorder import TrainingRecorder
    >>> rec = TrainingRecorder()
    >>> rec.begin({"epochs": 1, "steps": 2}, batch_size=10, samples_per_epoch=15, now=0.0)
    >>> rec.batch_end(0, 0, {"loss": 4.0}, now=1.0, learning_rate=0.1).values
    {'loss': 4.0}
    >>> rec.batch_end(0, 1, {"loss": 3.0}, now=1.5, learning_rate=0.1).values  # 5 samples at 1.0
    {'loss': 1.0}
    >>> rec.epoch_end(0, {"loss": 3.0}).values
    {'loss': 3.0}
    >>> rec.history
    {'loss': [3.0]}
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nbkeras._validate import invalid_value, is_int, is_number
from nbkeras.training.series import DecimatedSeries

__all__ = ["BatchRecord", "EpochRecord", "TrainingRecorder", "smooth"]

_NAN = float("nan")
_isfinite = math.isfinite


@dataclass(slots=True)
class BatchRecord:
    """One batch hook, as the recorder understood it.

    Attributes:
        step: Global step after this hook: optimizer steps completed in this run,
            across epochs (1 after the first batch).
        epoch: Keras's epoch index.
        batch: Keras's batch index passed to the hook (the last batch it covers).
        steps: Optimizer steps covered by this hook (``steps_per_execution``, fewer
            at an epoch's end).
        values: Each logged metric's value for the steps covered by this hook (not
            Keras's running mean). NaN/±inf are kept.
        learning_rate: As given to :meth:`TrainingRecorder.batch_end`.
        elapsed: Seconds since :meth:`TrainingRecorder.begin`.
        throughput: Samples per second (``throughput_unit == "samples/s"``) when the
            batch size is known, else steps per second (``"steps/s"``), over this
            hook's interval; NaN when not measurable (the run's first hook).
        throughput_unit: ``"samples/s"`` or ``"steps/s"``.
        throughput_smoothed: The same, as an exponential moving average over the run's
            training intervals (what a status line shows: one slow interval, e.g. the
            one a Stop cut short, does not make it jump). NaN until measurable.
        eta_epoch: Seconds left in this epoch's training steps (NaN when unknown).
        eta_run: Seconds left in the run, including the measured per-epoch overhead
            (validation, epoch-end callbacks) when known (NaN when unknown).
        new_nonfinite: Keys that are NaN/±inf for the first time in this run.
    """

    step: int
    epoch: int
    batch: int
    steps: int
    values: dict[str, float]
    learning_rate: float | None
    elapsed: float
    throughput: float
    throughput_unit: str
    eta_epoch: float
    eta_run: float
    new_nonfinite: list[str]
    throughput_smoothed: float = _NAN


@dataclass(slots=True)
class EpochRecord:
    """One epoch end.

    Attributes:
        epoch: Keras's epoch index.
        step: Global step at the end of the epoch (steps completed in this run).
        values: The epoch logs as floats (what :attr:`TrainingRecorder.history` got).
        elapsed: Seconds since begin (NaN when ``now`` was not given).
        new_nonfinite: Keys that are NaN/±inf for the first time in this run.
    """

    epoch: int
    step: int
    values: dict[str, Any]
    elapsed: float
    new_nonfinite: list[str] = field(default_factory=list)


def _count_or_none(name: str, value: Any, *, minimum: int = 1) -> int | None:
    """A count Keras may not know (None), else an integer >= ``minimum``."""
    if value is None:
        return None
    if not is_int(value) or value < minimum:
        raise invalid_value(name, value, f"an integer >= {minimum} or None")
    return int(value)


def smooth(values: np.ndarray, alpha: float) -> np.ndarray:
    """Debiased exponential moving average, as TensorBoard's smoothing slider.

    Args:
        values: 1-D values, oldest first.
        alpha: Weight of the past, in [0, 1): 0 returns the values unchanged, 0.6 is
            TensorBoard's default, 0.99 is very smooth.

    Returns:
        A float64 array of the same length. Non-finite inputs are passed through
        where they are and do not enter the average (a NaN stays visible as a gap
        and does not poison what follows). Debiasing divides by ``1 - alpha**k``
        (``k``: finite values so far), so the start is not pulled towards 0.

    Raises:
        ValueError: ``alpha`` is not in [0, 1).

    Example:
        >>> smooth(np.array([1.0, float("nan"), 3.0]), 0.5).tolist()
        [1.0, nan, 2.3333333333333335]
    """
    if not (is_number(alpha) and 0 <= alpha < 1):
        raise invalid_value("alpha", alpha, "a float in [0, 1) (0: no smoothing)")
    src = np.asarray(values, dtype=np.float64)
    out = src.copy()
    if alpha == 0:
        return out
    w = float(alpha)
    last = 0.0
    k = 0
    for i, v in enumerate(src.tolist()):
        if _isfinite(v):
            last = last * w + (1.0 - w) * v
            k += 1
            out[i] = last / (1.0 - w**k)
    return out


class TrainingRecorder:
    """Numbers of one training run, fed by a Keras callback; reusable across fits.

    Call :meth:`begin` at train begin (it resets everything), :meth:`batch_end` at
    every batch hook and :meth:`epoch_end` at every epoch end; :meth:`epoch_begin`
    is optional and makes the first step time of each epoch measurable.

    Args:
        capacity: Points kept per batch series (see
            :class:`~nbkeras.training.series.DecimatedSeries`).
        recent: Newest points per batch series kept at full resolution.
        smoothing: Weight of the past in the step-time moving average used for
            ETAs (0.9: about the last 10 hooks).

    Attributes:
        nonfinite_events: ``(step, key)`` for the first NaN/±inf of each key, in
            order (batch and epoch logs, and the learning rate).

    Example:

        >>> rec = TrainingRecorder()
        >>> rec.begin({"epochs": 2, "steps": 10, "verbose": 0}, now=0.0)
        >>> rec.batch_end(0, 0, {"loss": 0.5}, now=0.1, learning_rate=1e-3).step
        1
    """

    def __init__(self, *, capacity: int = 4096, recent: int = 1024, smoothing: float = 0.9) -> None:
        # Validate once here, by building a throwaway series, rather than at the
        # first metric key of the first batch.
        DecimatedSeries(capacity, recent)
        if not (is_number(smoothing) and 0 <= smoothing < 1):
            raise invalid_value("smoothing", smoothing, "a float in [0, 1)")
        self._capacity = capacity
        self._recent = recent
        self._alpha_new = 1.0 - float(smoothing)
        self.begin({})

    # -- lifecycle -----------------------------------------------------------------

    def begin(
        self,
        params: Mapping[str, Any],
        *,
        samples_per_epoch: int | None = None,
        batch_size: int | None = None,
        cumulative_keys: Iterable[str] = (),
        now: float | None = None,
    ) -> None:
        """Start a run: forget everything recorded before.

        Args:
            params: The Keras callback's ``params`` (``epochs``, ``steps`` per epoch
                or None when unknown, ``verbose``).
            samples_per_epoch: Training samples per epoch, when known. With
                ``batch_size`` it makes the smaller last batch of an epoch exact.
            batch_size: Samples per step, when known (``fit``'s ``batch_size``).
                Without it every hook weighs the same (exact unless the last batch
                is smaller) and throughput is in steps/s.
            cumulative_keys: Log keys whose batch values are not running means
                (e.g. ``"auc"``); recorded as logged.
            now: Start time (:func:`time.perf_counter` clock); default: now.

        Raises:
            ValueError: A count is not a positive integer (``epochs`` may be 0).
        """
        # Keras runs (and returns an empty History for) fit(epochs=0): so does the recorder.
        self._epochs = _count_or_none("params['epochs']", params.get("epochs"), minimum=0)
        steps = _count_or_none("params['steps']", params.get("steps"))
        self._samples_per_epoch = _count_or_none("samples_per_epoch", samples_per_epoch)
        self._batch_size = _count_or_none("batch_size", batch_size)
        if steps is None and self._samples_per_epoch and self._batch_size:
            steps = -(-self._samples_per_epoch // self._batch_size)
        self._steps_per_epoch = steps
        self._cumulative = frozenset(cumulative_keys)
        self._t0 = time.perf_counter() if now is None else float(now)

        self._series: dict[str, DecimatedSeries] = {}
        self._history: dict[str, list[Any]] = {}
        self._epoch_list: list[int] = []
        self._epoch_end_steps: list[int] = []
        self.nonfinite_events: list[tuple[int, str]] = []
        self._nonfinite_keys: set[str] = set()

        self._base_step = 0  # steps completed in epochs already ended
        self._step = 0
        self._epoch: int | None = None
        self._epoch_open = False
        self._prev_n = 0  # batches into the epoch at the previous hook
        self._prev_weight = 0.0  # S_j: samples (or batches) at the previous hook
        self._prev_means: dict[str, float] = {}
        self._last_time = self._t0
        # Whether the interval from _last_time to the next hook is one of pure
        # training steps: not the run's first (tracing) nor one spanning validation.
        self._interval_ok = False
        self._step_seconds = _NAN  # EMA of seconds per optimizer step
        self._throughput = _NAN  # EMA of samples (or steps) per second
        self._overhead_seconds = _NAN  # EMA of epoch-end overhead (validation, ...)

    def epoch_begin(self, epoch: int, *, now: float | None = None) -> None:
        """Mark an epoch start (optional; makes its first interval measurable).

        Args:
            epoch: Keras's epoch index.
            now: Time of the event; when given, the first hook's interval is timed
                from here instead of from the previous epoch's last hook.
        """
        self._open_epoch(epoch)
        if now is not None:
            self._last_time = float(now)
            self._interval_ok = self._step > 0  # still compiling before the first step

    def _open_epoch(self, epoch: int) -> None:
        if self._epoch_open and epoch == self._epoch:
            return
        if self._epoch_open:  # epoch_end was never called for the previous epoch
            self._base_step += self._prev_n
        self._epoch = epoch
        self._epoch_open = True
        self._prev_n = 0
        self._prev_weight = 0.0
        self._prev_means = {}

    # -- the hot path --------------------------------------------------------------

    def batch_end(
        self,
        epoch: int,
        batch: int,
        logs: Mapping[str, Any],
        *,
        now: float,
        learning_rate: float | None,
        batch_size: int | None = None,
    ) -> BatchRecord:
        """Record one batch hook (``on_train_batch_end``).

        Args:
            epoch: Keras's epoch index.
            batch: The 0-based batch index Keras passed to the hook (with
                ``steps_per_execution=N``: the last of the N batches).
            logs: Keras's batch logs: running means over the epoch so far.
            now: Time of the hook (:func:`time.perf_counter` clock).
            learning_rate: The optimizer's current learning rate, or None.
            batch_size: Samples per step, overriding the one given to :meth:`begin`
                (for callers that learn it only once batches arrive).

        Returns:
            The :class:`BatchRecord` of this hook.
        """
        n_k, prev_n = self._batches_into_epoch(epoch, batch)
        bs = batch_size or self._batch_size
        s_k = self._samples_at(n_k, bs)
        s_j = self._prev_weight
        step = self._step = self._base_step + n_k
        values, means, new_nonfinite = self._batch_values(logs, s_k, s_j, step)
        lr = self._record_learning_rate(learning_rate, step, new_nonfinite)
        dn = n_k - prev_n
        throughput = self._record_timing(dn, s_k - s_j, bs, now, step)
        eta_epoch, eta_run = self._etas(epoch, n_k, now, step)
        self._prev_n = n_k
        self._prev_weight = s_k
        self._prev_means = means
        self._last_time = now
        self._interval_ok = True
        return BatchRecord(
            step,
            epoch,
            batch,
            dn,
            values,
            lr,
            now - self._t0,
            throughput,
            "samples/s" if bs else "steps/s",
            eta_epoch,
            eta_run,
            new_nonfinite,
            self._throughput,
        )

    # The steps of batch_end, in order.

    def _batches_into_epoch(self, epoch: int, batch: int) -> tuple[int, int]:
        """(batches into the epoch at this hook, at the previous hook), starting over on a restart."""
        if not self._epoch_open or epoch != self._epoch:
            self._open_epoch(epoch)
        n_k = batch + 1
        if self._steps_per_epoch is not None and n_k > self._steps_per_epoch:
            # The last execution of an epoch runs fewer than N steps but Keras still
            # reports batch = begin + N - 1.
            n_k = self._steps_per_epoch
        if n_k <= self._prev_n:  # a restarted epoch iterator: start over
            self._base_step += self._prev_n
            self._prev_n = 0
            self._prev_weight = 0.0
            self._prev_means = {}
        return n_k, self._prev_n

    def _samples_at(self, n_k: int, batch_size: int | None) -> float:
        """S_k: samples seen in the epoch after ``n_k`` batches (batches, when sizes are unknown)."""
        if not batch_size:
            return float(n_k)
        s_k = float(n_k * batch_size)
        if self._samples_per_epoch is not None and s_k > self._samples_per_epoch:
            s_k = float(self._samples_per_epoch)  # the last batch is smaller
        return s_k

    def _batch_values(
        self, logs: Mapping[str, Any], s_k: float, s_j: float, step: int
    ) -> tuple[dict[str, float], dict[str, float], list[str]]:
        """Each metric's value for the steps since the last hook, from Keras's running means
        (appended to its series); the means themselves; keys NaN/Inf for the first time."""
        d_s = s_k - s_j
        prev_means = self._prev_means
        cumulative = self._cumulative
        new_nonfinite: list[str] = []
        means: dict[str, float] = {}
        values: dict[str, float] = {}
        for key, raw in logs.items():
            try:
                m = float(raw)
            except (TypeError, ValueError):
                continue  # a non-scalar metric (e.g. per-class F1): not a curve
            means[key] = m
            if not _isfinite(m):
                v = m
                if self._first_nonfinite(key, step):
                    new_nonfinite.append(key)
            elif key in cumulative or d_s <= 0:
                v = m
            else:
                m_j = prev_means.get(key)
                v = m if m_j is None else (s_k * m - s_j * m_j) / d_s
            values[key] = v
            self._series_of(key).append(step, v)
        return values, means, new_nonfinite

    def _record_learning_rate(self, learning_rate: float | None, step: int, new_nonfinite: list[str]) -> float | None:
        if learning_rate is None:
            return None
        lr = float(learning_rate)
        self._series_of("learning_rate").append(step, lr)
        if not _isfinite(lr) and self._first_nonfinite("learning_rate", step):
            new_nonfinite.append("learning_rate")
        return lr

    def _record_timing(self, dn: int, d_s: float, batch_size: int | None, now: float, step: int) -> float:
        """This interval's throughput (NaN unless it was one of pure training); updates the step-time EMA."""
        dt = now - self._last_time
        if not (self._interval_ok and dt > 0):
            return _NAN
        throughput = (d_s if batch_size else dn) / dt
        tp = self._throughput
        self._throughput = throughput if tp != tp else tp + self._alpha_new * (throughput - tp)
        per_step = dt / dn
        st = self._step_seconds
        self._step_seconds = per_step if st != st else st + self._alpha_new * (per_step - st)
        self._series_of("samples_per_second" if batch_size else "steps_per_second").append(step, throughput)
        return throughput

    def _etas(self, epoch: int, n_k: int, now: float, step: int) -> tuple[float, float]:
        """Seconds left in this epoch's steps and in the run (NaN when unknown)."""
        steps_per_epoch = self._steps_per_epoch
        if steps_per_epoch is None:
            return _NAN, _NAN
        st = self._step_seconds
        if st != st and step:  # no clean interval yet: the mean so far (incl. tracing)
            st = (now - self._t0) / step
        left = steps_per_epoch - n_k
        eta_epoch = left * st
        if self._epochs is None:
            return eta_epoch, _NAN
        epochs_after = max(self._epochs - epoch - 1, 0)
        eta_run = (left + epochs_after * steps_per_epoch) * st
        oh = self._overhead_seconds
        if oh == oh:
            eta_run += (epochs_after + 1) * oh
        return eta_epoch, eta_run

    def _series_of(self, key: str) -> DecimatedSeries:
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = DecimatedSeries(self._capacity, self._recent)
        return series

    def _first_nonfinite(self, key: str, step: int) -> bool:
        """Note ``key``'s first NaN/Inf of the run; False if it had one already."""
        if key in self._nonfinite_keys:
            return False
        self._nonfinite_keys.add(key)
        self.nonfinite_events.append((step, key))
        return True

    def epoch_end(self, epoch: int, logs: Mapping[str, Any] | None, *, now: float | None = None) -> EpochRecord:
        """Record an epoch end (``on_epoch_end``), as Keras's ``History`` does.

        Args:
            epoch: Keras's epoch index.
            logs: The epoch logs (``loss``, metrics, ``val_*``, maybe
                ``learning_rate``).
            now: Time of the event; when given, the time since the epoch's last
                batch hook (validation, other callbacks) enters the run ETA.

        Returns:
            The :class:`EpochRecord`.
        """
        if not self._epoch_open or epoch != self._epoch:
            self._open_epoch(epoch)
        step = self._base_step + self._prev_n
        new_nonfinite: list[str] = []
        values: dict[str, Any] = {}
        for key, raw in (logs or {}).items():
            try:
                v: Any = float(raw)
            except (TypeError, ValueError):
                v = raw  # History keeps whatever Keras logged; so do we
            else:
                if not _isfinite(v) and self._first_nonfinite(key, step):
                    new_nonfinite.append(key)
            values[key] = v
            self._history.setdefault(key, []).append(v)
        self._epoch_list.append(epoch)
        self._epoch_end_steps.append(step)
        elapsed = _NAN
        if now is not None:
            now = float(now)
            elapsed = now - self._t0
            if self._prev_n:
                overhead = now - self._last_time
                oh = self._overhead_seconds
                self._overhead_seconds = overhead if oh != oh else oh + self._alpha_new * (overhead - oh)
            self._last_time = now
            self._interval_ok = self._step > 0
        else:
            self._interval_ok = False  # the next interval would span validation
        self._base_step = step
        self._prev_n = 0
        self._prev_weight = 0.0
        self._prev_means = {}
        self._epoch_open = False
        return EpochRecord(epoch, step, values, elapsed, new_nonfinite)

    # -- reading -------------------------------------------------------------------

    @property
    def history(self) -> dict[str, list[Any]]:
        """Epoch logs, key -> list: the same keys and values as Keras's ``History.history``."""
        return {k: list(v) for k, v in self._history.items()}

    @property
    def epochs(self) -> list[int]:
        """Epoch indices that ended, like ``History.epoch``."""
        return list(self._epoch_list)

    @property
    def epoch_end_steps(self) -> list[int]:
        """Global step at each epoch end (puts epoch values on the batch step axis)."""
        return list(self._epoch_end_steps)

    @property
    def batch_history(self) -> dict[str, DecimatedSeries]:
        """Per-hook series on the global-step axis: each metric key, ``learning_rate``
        and ``samples_per_second`` (or ``steps_per_second``). The series are live
        objects: read them, do not append."""
        return dict(self._series)

    @property
    def step(self) -> int:
        """Optimizer steps completed in this run so far."""
        return self._step

    @property
    def step_seconds(self) -> float:
        """Smoothed seconds per optimizer step (NaN until measurable)."""
        return self._step_seconds

    @property
    def steps_per_epoch(self) -> int | None:
        """Steps per epoch, from ``params`` or samples / batch size; None if unknown."""
        return self._steps_per_epoch

    def smoothed(self, name: str, alpha: float = 0.6) -> tuple[np.ndarray, np.ndarray]:
        """A batch series smoothed like TensorBoard's slider (see :func:`smooth`).

        Args:
            name: A key of :attr:`batch_history`.
            alpha: Weight of the past in [0, 1) (0.6 is TensorBoard's default).

        Returns:
            ``(steps, smoothed_values)`` as float64 arrays.

        Raises:
            KeyError: No batch series has this name.
        """
        series = self._series.get(name)
        if series is None:
            raise KeyError(f"No batch series named {name!r}. Available: {sorted(self._series)}.")
        return series.steps, smooth(series.values, alpha)
