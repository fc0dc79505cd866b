"""``nbkeras.fit``: train in a background thread so the notebook (and its buttons) stay live.

A cell that runs ``model.fit`` blocks the kernel: the browser's clicks wait until it
ends. ``nbkeras.fit`` runs the same ``model.fit`` in a thread with a
:class:`LiveMonitor`, returns a :class:`TrainingRun` at once, and the Stop,
learning-rate and checkpoint controls act within a step.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import weakref
from collections.abc import Generator
from typing import Any

from nbkeras._threads import cell_thread
from nbkeras._validate import closest, did_you_mean, invalid_value
from nbkeras.training.monitor import LiveMonitor, prepare_fit

# One run per model at a time: two threads stepping one optimizer corrupt it silently.
_active: weakref.WeakKeyDictionary[Any, TrainingRun] = weakref.WeakKeyDictionary()
_active_lock = threading.Lock()


class TrainingRun:
    """A ``model.fit`` running in a background thread.

    In a notebook, a cell ending in a run shows nothing more while the run's dashboard is
    live (the dashboard is its display); once the run is over (``run.wait()`` as the last
    line) it shows ``TrainingRun(model=..., state=..., epochs_done=...)`` with the final
    state. ``state`` reads ``"starting"`` until Keras begins the run, never a stale one.

    Attributes:
        model: The model being trained (its weights are the live ones).
        monitor: The :class:`LiveMonitor` recording the run.
        exception: What ``fit`` raised, if it did (also raised again by :meth:`wait`).
    """

    def __init__(self, model: Any, monitor: LiveMonitor, fit_kwargs: dict[str, Any]) -> None:
        self.model = model
        self.monitor = monitor
        self.exception: BaseException | None = None
        self.keras_history: Any = None
        self._run_id = monitor.controls.arm()  # commands given from now on belong to this run
        self._final_state = ""
        self._done = threading.Event()
        self._thread = cell_thread(self._train, args=(fit_kwargs,), name=f"nbkeras-fit-{model.name}")

    def _start(self) -> TrainingRun:
        self._thread.start()
        return self

    def _train(self, fit_kwargs: dict[str, Any]) -> None:
        try:
            self.keras_history = self.model.fit(**fit_kwargs)
        except BaseException as exc:  # noqa: BLE001 - surfaced by wait() and in the dashboard
            self.exception = exc
            if not self.monitor.controls.ended:  # Model.fit's hook has already said how it ended
                self.monitor.mark("interrupted" if isinstance(exc, KeyboardInterrupt) else "failed", exc)
        finally:
            self._final_state = self.monitor.state
            with _active_lock:
                if _active.get(self.model) is self:
                    del _active[self.model]
            self._done.set()

    # -- control ---------------------------------------------------------------------------
    def stop(self) -> None:
        """End training after the current step; weights and history are kept."""
        self.monitor.controls.stop()

    def set_learning_rate(self, value: float) -> None:
        """Use ``value`` from the next step on (drawn on the learning-rate chart)."""
        self.monitor.controls.set_learning_rate(value)

    def save_checkpoint(self) -> None:
        """Save the model at the next step boundary (``monitor.checkpoints`` lists the files)."""
        self.monitor.controls.checkpoint()

    # -- waiting ---------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def history(self) -> dict[str, list[Any]]:
        """Per-epoch lists, growing while the run trains (same keys as Keras's History)."""
        return self.monitor.history

    @property
    def state(self) -> str:
        """``"starting"`` until Keras begins the run, then the monitor's state (``"running"``,
        ``"finished"``, ``"stopped"``, ``"interrupted"``, ``"failed"``)."""
        if self.monitor.controls.run_id != self._run_id:  # the monitor has moved on to another run
            return self._final_state or self.monitor.state
        if self.monitor.controls.armed or self.monitor.state == "idle":
            return "starting"
        return self.monitor.state

    def wait(self, timeout: float | None = None) -> TrainingRun:
        """Block until training ends; raise what training raised. A kernel interrupt stops the run.

        Raises:
            TimeoutError: ``timeout`` seconds passed first (training goes on).
        """
        try:
            if not self._done.wait(timeout):
                raise TimeoutError(f"Training is still running after {timeout} s; call run.stop() to end it.")
        except KeyboardInterrupt:
            # The interrupt reached the waiting thread, not the training one: stop it
            # cleanly (the run ends "interrupted", weights and history kept), then let the
            # interrupt go on.
            self.monitor.controls.stop(interrupt=True)
            self._done.wait()
            raise
        if self.exception is not None:
            raise self.exception
        return self

    def __await__(self) -> Generator[Any, None, TrainingRun]:
        return self._await().__await__()

    async def _await(self) -> TrainingRun:
        await asyncio.to_thread(self._done.wait)
        return self.wait()

    def __repr__(self) -> str:
        epochs = len(self.history.get("loss", []))
        return f"TrainingRun(model={self.model.name!r}, state={self.state!r}, epochs_done={epochs})"

    def _ipython_display_(self) -> None:
        # A cell ending in `nbkeras.fit(...)` shows the live dashboard above; a text line
        # taken as the run starts would read "starting, 0 epochs" under a finished run.
        # Once the run is over (`run.wait()` as the last line) its repr is the final word.
        if not self.done and self.monitor.dashboard is not None:
            return
        from IPython.display import display

        display({"text/plain": repr(self)}, raw=True)


def _check_fit_arguments(model: Any, fit_kwargs: dict[str, Any]) -> None:
    """Refuse, in the calling cell, an argument ``model.fit`` would refuse in the thread."""
    try:
        parameters = inspect.signature(model.fit).parameters
    except (TypeError, ValueError):  # no signature to check against: model.fit will say
        return
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return
    for name in fit_kwargs:
        if name in parameters:
            continue
        if name in inspect.signature(LiveMonitor).parameters:
            hint = f"{name}= is a LiveMonitor setting: nbkeras.fit(..., monitor=nbkeras.LiveMonitor({name}=...))"
        else:
            hint = did_you_mean(closest(name, parameters)) or "model.fit takes " + ", ".join(parameters)
        raise TypeError(f"nbkeras.fit() got an unexpected keyword argument {name!r}. {hint}")


def fit(
    model: Any, x: Any = None, y: Any = None, *, monitor: LiveMonitor | None = None, **fit_kwargs: Any
) -> TrainingRun:
    """Run ``model.fit`` in the background with a live dashboard; return at once.

    Args:
        model: A compiled Keras model.
        x, y: As for ``model.fit``.
        monitor: A :class:`LiveMonitor` to use (a new one by default; the health probe
            uses the first 64 training samples).
        **fit_kwargs: Anything ``model.fit`` takes (``epochs``, ``batch_size``,
            ``validation_data``, ``callbacks``...). ``verbose`` defaults to 0: the
            dashboard shows progress.

    Returns:
        A :class:`TrainingRun`: ``run.stop()``, ``run.wait()``, ``await run``,
        ``run.history`` (live).

    Raises:
        RuntimeError: The model is already training in another run.

    Example:
        >>> run = nbkeras.fit(model, x, y, epochs=20, validation_split=0.2)
        >>> run.stop()          # or click Stop
        >>> run.wait().history["loss"][-1]
    """
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", True):
        raise invalid_value(
            "model",
            model,
            "a compiled model: call model.compile(optimizer=..., loss=...) first",
            received=f"model={getattr(model, 'name', model)!r}, not compiled",
        )
    _check_fit_arguments(model, fit_kwargs)
    fit_kwargs.setdefault("verbose", 0)  # printing from a thread misbehaves in ipykernel 7
    monitor = monitor or LiveMonitor()  # probe="auto": the health batch comes from x, y as fit starts
    callbacks, _ = prepare_fit(
        fit_kwargs.pop("callbacks", None),
        x,
        batch_size=fit_kwargs.get("batch_size"),
        validation_split=fit_kwargs.get("validation_split"),
        controls_live=True,
        monitor=monitor,
    )
    with _active_lock:
        running = _active.get(model)
        if running is not None and not running.done:
            raise RuntimeError(
                f"Model {model.name!r} is already training (step {running.monitor.recorder.step}). "
                "Two runs on one model would corrupt its weights: call run.stop() and run.wait() first."
            )
        run = TrainingRun(model, monitor, {"x": x, "y": y, "callbacks": callbacks, **fit_kwargs})
        _active[model] = run
    return run._start()
