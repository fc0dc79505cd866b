"""The learning-rate finder: train briefly on an exponential ramp of rates, then put everything back.

:func:`lr_find` trains the model for up to ``steps`` batches, the rate growing
geometrically from ``start_lr`` to ``end_lr``, and records each batch's own loss. Keras's
batch logs are running means over the epoch (tensorflow#58098), which drags the curve
behind the rate; the finder feeds them to :class:`~nbkeras.training.recorder.TrainingRecorder`,
which recovers each batch's value (so the curve is the same as the dashboard's).

Rules (documented, tested):

- **Divergence**: the run stops after the batch whose smoothed loss exceeds
  ``divergence`` × the lowest smoothed loss so far (default 4), or whose loss is NaN/inf.
- **Smoothing**: a debiased exponential moving average of the batch losses with weight
  ``smoothing`` on the past (:func:`nbkeras.training.recorder.smooth`, TensorBoard's rule).
- **Suggestion**: the rate where the smoothed loss falls fastest, i.e. the most negative
  slope of the smoothed loss against log10(rate), among the points up to the smoothed
  minimum (leaving out the first tenth of the curve, where the smoothing has seen too few
  batches and a noisy first step would win), never above a tenth of the minimum's rate (on
  a flat, noisy curve the steepest point can sit just before divergence: on the README's
  spirals it was 0.29 with Adam, which does not train; the cap gave 0.035, which does).
  When the minimum comes within the first 3 points (no descent to measure), a tenth of the
  minimum's rate.
  :attr:`LRFinderResult.minimum_rate` keeps the other classic rule (the minimum's rate / 10).
- **Restoring**: every model variable (weights, non-trainable state such as batch-norm
  statistics and dropout seeds), every optimizer variable (iterations, learning rate,
  moments: an optimizer not yet built is built first, with its zero moments), every metric
  variable (those a first fit creates are left at the zeros they start from),
  ``model.history`` and ``model.stop_training`` are as they were, byte for byte, after
  the call, also when training raised or was interrupted.

Example:

    >>> from nbkeras.inspect import lr_find
    >>> result = lr_find(model, x_train, y_train)  # doctest: +SKIP
    >>> result.suggestion  # doctest: +SKIP
    0.0031...
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from nbkeras._keras import keras
from nbkeras._validate import check_bool, check_int, check_number, invalid_value
from nbkeras.inspect._common import as_array, check_model, check_not_empty, check_same_length
from nbkeras.training.recorder import TrainingRecorder, smooth

__all__ = ["LRFinderResult", "lr_find", "suggest_rate"]


@dataclass(frozen=True)
class LRFinderResult:
    """What the finder saw.

    Attributes:
        learning_rates: The rate of each recorded batch (float64), increasing.
        losses: Each batch's own loss (not Keras's running mean).
        smoothed: The losses smoothed (see the module's rules).
        suggestion: The suggested rate (steepest descent of the smoothed curve, at most
            ``minimum_rate``), or None when
            fewer than 2 finite points were recorded.
        minimum_rate: A tenth of the rate at the smoothed minimum (the other classic rule),
            or None likewise.
        stopped: ``"completed"`` (all steps), ``"diverged"`` (smoothed loss above
            ``divergence`` × its best) or ``"nonfinite"`` (a NaN/inf loss).
        divergence: The factor used.
    """

    learning_rates: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    suggestion: float | None
    minimum_rate: float | None
    stopped: str
    divergence: float


def suggest_rate(learning_rates: Any, smoothed: Any) -> tuple[float | None, float | None]:
    """``(steepest, minimum / 10)`` from a smoothed loss curve (see the module's rules).

    Args:
        learning_rates: Increasing rates (> 0).
        smoothed: Smoothed loss at each rate; non-finite points are ignored.

    Returns:
        The rate of steepest descent before the minimum, capped at a tenth of the minimum's
        rate (that tenth when the minimum is among the first 3 finite points), and a tenth of
        the minimum's rate;
        ``(None, None)`` with fewer than 2 finite points.

    Example:
        >>> rates = np.logspace(-5, 0, 6)
        >>> suggest_rate(rates, np.array([2.0, 1.9, 1.0, 0.8, 0.7, 3.0]))
        (0.001, 0.01)
    """
    rates = np.asarray(learning_rates, dtype=np.float64)
    values = np.asarray(smoothed, dtype=np.float64)
    keep = np.isfinite(values) & np.isfinite(rates) & (rates > 0)
    rates, values = rates[keep], values[keep]
    if len(values) < 2:
        return None, None
    best = int(np.argmin(values))
    minimum_rate = float(rates[best] / 10)
    if best < 3:
        return minimum_rate, minimum_rate
    slope = np.gradient(values[: best + 1], np.log10(rates[: best + 1]))
    # The first tenth of the curve is left out: the smoothed average starts from a handful of
    # batches, and its first steps are noise (a "steepest descent" at the ramp's first rate).
    skip = max(1, len(values) // 10)
    if best <= skip:
        return minimum_rate, minimum_rate
    steepest = float(rates[skip + int(np.argmin(slope[skip:]))])
    # On a flat, noisy curve the steepest point can sit just before divergence: never above
    # a tenth of the minimum's rate (Smith's bound), which is where training stays stable.
    return min(steepest, minimum_rate), minimum_rate


class _Ramp:
    """The finder's Keras callback: sets each batch's rate, records its true loss, stops on divergence."""

    def __init__(self, rates: np.ndarray, samples: int, batch_size: int, divergence: float, smoothing: float):
        self.rates = rates
        self.samples = samples
        self.batch_size = batch_size
        self.divergence = divergence
        self.weight = smoothing
        self.recorder = TrainingRecorder()
        self.losses: list[float] = []
        self.used_rates: list[float] = []
        self.stopped = "completed"
        self._average = 0.0
        self._best = math.inf

    def callback(self) -> Any:
        ramp = self

        class Callback(keras().callbacks.Callback):
            def on_train_begin(self, logs: Any = None) -> None:
                ramp.recorder.begin(self.params, samples_per_epoch=ramp.samples, batch_size=ramp.batch_size)

            def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
                self.model.optimizer.learning_rate = float(ramp.rates[len(ramp.losses)])

            def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
                if ramp.record(self.model, batch, logs or {}, self._epoch):
                    self.model.stop_training = True

            def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
                self._epoch = epoch
                ramp.recorder.epoch_begin(epoch)

            def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
                ramp.recorder.epoch_end(epoch, logs)

        return Callback()

    def record(self, model: Any, batch: int, logs: dict[str, Any], epoch: int) -> bool:
        """Record one batch; True when the run should stop."""
        i = len(self.losses)
        record = self.recorder.batch_end(
            epoch, batch, logs, now=time.perf_counter(), learning_rate=float(self.rates[i])
        )
        loss = record.values.get("loss", math.nan)
        self.losses.append(loss)
        self.used_rates.append(float(self.rates[i]))
        if not math.isfinite(loss):
            self.stopped = "nonfinite"
            return True
        # The same debiased average as smooth(), kept incrementally for the stop test.
        k = len(self.losses)  # all finite: a non-finite loss stopped the run above
        self._average = self._average * self.weight + (1.0 - self.weight) * loss
        smoothed = self._average / (1.0 - self.weight**k) if self.weight else loss
        self._best = min(self._best, smoothed)
        if smoothed > self.divergence * self._best:
            self.stopped = "diverged"
            return True
        return len(self.losses) >= len(self.rates)


def _snapshot(variables: list[Any]) -> list[tuple[Any, np.ndarray]]:
    return [(v, np.array(v.numpy(), copy=True)) for v in variables]


def _restore(saved: list[tuple[Any, np.ndarray]]) -> None:
    for variable, value in saved:
        variable.assign(value)


def _ready_optimizer(model: Any) -> Any:
    """The model's optimizer, built, after checking the model can be searched (compiled, built, a fixed rate)."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or getattr(model, "loss", None) is None:
        raise invalid_value(
            "model",
            model,
            "a compiled model: call `model.compile(optimizer=..., loss=...)` first",
            received=f"model {model.name!r} with no compiled {'optimizer' if optimizer is None else 'loss'}",
        )
    if not model.built:
        raise invalid_value(
            "model",
            model,
            "a built model: start it with `keras.Input(shape)`, or call it on data once",
            received=f"model {model.name!r} not built yet (no weights to restore)",
        )
    if isinstance(getattr(optimizer, "_learning_rate", None), keras().optimizers.schedules.LearningRateSchedule):
        raise invalid_value(
            "model",
            model,
            "a fixed rate (a number) while finding a rate: compile with "
            "`optimizer=keras.optimizers.Adam(learning_rate=1e-3)` for the search",
            received="an optimizer whose learning rate is a LearningRateSchedule",
        )
    if not optimizer.built:
        # Built now, its moments are the zeros a fresh optimizer starts from: restorable.
        optimizer.build(model.trainable_variables)
    return optimizer


@contextlib.contextmanager
def _left_as_it_was(model: Any, optimizer: Any) -> Iterator[None]:
    """Restore every model, optimizer and metric variable, ``history`` and ``stop_training`` on exit."""
    saved = _snapshot(list(model.variables)) + _snapshot(list(optimizer.variables))
    saved += _snapshot(list(model.metrics_variables))
    had_history = "history" in vars(model)
    history = getattr(model, "history", None)
    stop_training = getattr(model, "stop_training", False)
    try:
        yield
    finally:
        _restore(saved)
        # Metrics a first fit builds (compile metrics) did not exist before: they go back to the
        # zeros they were built with.
        known = {id(variable) for variable, _ in saved}
        for variable in model.metrics_variables:
            if id(variable) not in known:
                variable.assign(np.zeros(variable.shape, dtype=variable.dtype))
        model.stop_training = stop_training
        if had_history:
            model.history = history
        elif "history" in vars(model):
            del model.history


def lr_find(
    model: Any,
    x: Any,
    y: Any,
    start_lr: float = 1e-7,
    end_lr: float = 10.0,
    steps: int = 100,
    *,
    batch_size: int = 32,
    divergence: float = 4.0,
    smoothing: float = 0.7,
    shuffle: bool = True,
) -> LRFinderResult:
    """Find a learning rate: a short run on an exponential ramp of rates, then the model as it was.

    Args:
        model: A compiled, built Keras model (its optimizer's rate a number, not a schedule).
        x: Training examples (arrays; as many batches are cycled as ``steps`` needs).
        y: Their targets.
        start_lr: The first batch's rate (> 0).
        end_lr: The last batch's rate (> ``start_lr``); batch ``i`` of ``steps`` trains at
            ``start_lr * (end_lr / start_lr) ** (i / (steps - 1))``.
        steps: Batches (>= 2); each is one point of the curve. With
            ``compile(steps_per_execution=N)`` a point is N batches at one rate.
        batch_size: Examples per batch.
        divergence: Stop once the smoothed loss exceeds this factor × its lowest value (> 1).
        smoothing: Weight of the past in the smoothed curve, in [0, 1).
        shuffle: Shuffle the examples as ``fit`` does.

    Returns:
        An :class:`LRFinderResult`. The model's weights, optimizer state (rate and iteration
        count included), metrics, ``history`` and ``stop_training`` are restored exactly.

    Raises:
        ValueError: Model not compiled or not built, a learning-rate schedule, x/y length
            mismatch, bad ramp bounds.

    Example:
        >>> result = lr_find(model, x_train, y_train, steps=80)  # doctest: +SKIP
        >>> model.optimizer.learning_rate.assign(result.suggestion)  # doctest: +SKIP
    """
    check_model(model)
    start_lr = check_number("start_lr", start_lr, min_value=0, exclusive=True)
    end_lr = check_number("end_lr", end_lr, min_value=start_lr, exclusive=True)
    steps = check_int("steps", steps, min_value=2)
    batch_size = check_int("batch_size", batch_size, min_value=1)
    divergence = check_number("divergence", divergence, min_value=1, exclusive=True)
    smoothing = check_number("smoothing", smoothing, min_value=0, max_value=1)
    if smoothing >= 1:
        raise invalid_value("smoothing", smoothing, "a number in [0, 1) (0: no smoothing)")
    shuffle = check_bool("shuffle", shuffle)
    xs, ys = as_array("x", x), as_array("y", y)
    check_not_empty("x", xs)
    check_same_length(xs, ys)
    optimizer = _ready_optimizer(model)
    rates = start_lr * (end_lr / start_lr) ** (np.arange(steps) / (steps - 1))
    ramp = _Ramp(rates, len(xs), batch_size, divergence, smoothing)
    per_epoch = -(-len(xs) // batch_size)
    execution = int(getattr(model, "steps_per_execution", 1) or 1)
    epochs = -(-steps * execution // per_epoch)
    with _left_as_it_was(model, optimizer):
        model.fit(xs, ys, batch_size=batch_size, epochs=epochs, shuffle=shuffle, verbose=0, callbacks=[ramp.callback()])
    used = np.array(ramp.used_rates, dtype=np.float64)
    losses = np.array(ramp.losses, dtype=np.float64)
    smoothed = smooth(losses, smoothing)
    suggestion, minimum_rate = suggest_rate(used, smoothed)
    return LRFinderResult(used, losses, smoothed, suggestion, minimum_rate, ramp.stopped, divergence)
