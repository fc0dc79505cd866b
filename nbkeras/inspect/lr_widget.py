"""The learning-rate finder as a widget: loss against rate, the suggestion, and an "apply" button.

A thin widget over :func:`nbkeras.inspect.lr_find`: the curve, the suggestion and the
restoring of the model are the core's. The widget draws loss against rate (log x; each
batch's loss and the smoothed curve), marks the suggestion and the minimum's rate / 10, lets
the user pick another rate by clicking the curve, and applies the chosen rate to the model's
optimizer (and, when started from :meth:`nbkeras.ModelBuilder.find_learning_rate`, to the
builder's compile ``learning_rate`` field).

Creating the widget runs the finder at once (the cell waits, as for ``model.fit``);
the view's "run again" runs it in a thread, with a "computing…" state, so the kernel keeps
answering. While the finder trains, the model must not be trained by anything else: a
finder refuses to start while a ``fit`` on the same model is running (in any thread), or
while another finder runs on it.

Example:

    >>> finder = nbkeras.LRFinder(model, x_train, y_train)  # doctest: +SKIP
    >>> finder.suggestion  # doctest: +SKIP
    0.0031...
    >>> finder.apply()  # doctest: +SKIP   (the model's optimizer now uses the suggestion)
"""

from __future__ import annotations

import sys
import threading
import weakref
from typing import Any, ClassVar

import numpy as np
import traitlets

from nbkeras._threads import cell_thread
from nbkeras._validate import check_number, invalid_value
from nbkeras.inspect._common import check_model
from nbkeras.inspect.lr_finder import LRFinderResult, lr_find
from nbkeras.widgets.base import NbKerasWidget, command
from nbkeras.widgets.figure import to_wire
from nbkeras.widgets.static import bundle

__all__ = ["LRFinder"]

RAW_COLOUR = "#9ecae1"
SMOOTH_COLOUR = "#1f77b4"
SUGGESTION_COLOUR = "#2ca02c"
MINIMUM_COLOUR = "#7f7f7f"
CHOSEN_COLOUR = "#ff7f0e"

# Finders running now, by model: two would step one optimizer at once.
_finding: weakref.WeakKeyDictionary[Any, LRFinder] = weakref.WeakKeyDictionary()
_finding_lock = threading.Lock()


def fit_running_on(model: Any) -> bool:
    """Whether another thread is inside ``fit`` of ``model`` now (``nbkeras.fit``, ``%load_ext``, a thread).

    Reads the other threads' Python stacks: a frame of a function named ``fit`` whose
    ``self`` is ``model`` (Keras's ``Trainer.fit``).
    """
    me = threading.get_ident()
    for ident, frame in sys._current_frames().items():
        if ident == me:
            continue
        while frame is not None:
            if frame.f_code.co_name == "fit" and frame.f_locals.get("self") is model:
                return True
            frame = frame.f_back
    return False


class LRFinder(NbKerasWidget):
    """Find a learning rate for ``model`` on ``(x, y)`` and apply it with a click.

    Args:
        model: A compiled, built Keras model (its optimizer's rate a number, not a schedule).
        x: Training examples.
        y: Their targets.
        builder: A :class:`~nbkeras.ModelBuilder` whose compile ``learning_rate`` field
            :meth:`apply` also sets (:meth:`ModelBuilder.find_learning_rate` passes itself).
        **find_kwargs: :func:`~nbkeras.inspect.lr_find`'s options (``start_lr``, ``end_lr``,
            ``steps``, ``batch_size``, ``divergence``, ``smoothing``, ``shuffle``).

    Attributes (synced with the view):
        state: ``"running"``, ``"done"`` or ``"failed"``.
        suggestion: The core's suggested rate (steepest descent, at most the minimum's rate / 10).
        minimum_rate: The smoothed minimum's rate / 10.
        chosen: A rate the user picked on the curve (None: the suggestion is used).
        model_rate: The model optimizer's learning rate now.
        applied: The rate the last :meth:`apply` set, or None.

    Raises:
        ValueError: What :func:`~nbkeras.inspect.lr_find` refuses (no compiled loss, x/y
            length mismatch, bad ramp bounds), or a ``fit`` running on the model.

    Example:
        >>> finder = nbkeras.LRFinder(model, x_train, y_train, steps=80)
        >>> finder.apply()          # or click "apply" (or click the curve first, then "apply")
        >>> float(model.optimizer.learning_rate) == finder.suggestion
        True
    """

    _esm = bundle("lr_finder.js")
    _settable: ClassVar[tuple[str, ...]] = ("chosen",)
    _picture_traits: ClassVar[tuple[str, ...]] = ("figure",)

    state = traitlets.Unicode("running", help="running, done or failed").tag(sync=True)
    stopped = traitlets.Unicode("", help="how the ramp ended: completed, diverged or nonfinite").tag(sync=True)
    suggestion = traitlets.Float(None, allow_none=True, help="the suggested rate").tag(sync=True)
    minimum_rate = traitlets.Float(None, allow_none=True, help="the smoothed minimum's rate / 10").tag(sync=True)
    chosen = traitlets.Float(None, allow_none=True, help="a rate picked on the curve, or None").tag(sync=True)
    model_rate = traitlets.Float(None, allow_none=True, help="the model's learning rate now").tag(sync=True)
    applied = traitlets.Float(None, allow_none=True, help="the rate the last apply set").tag(sync=True)
    target = traitlets.Unicode("", help="what apply sets, in words").tag(sync=True)
    figure = traitlets.Dict(help="loss against rate (wire form)").tag(sync=True)

    def __init__(self, model: Any, x: Any, y: Any, *, builder: Any = None, **find_kwargs: Any) -> None:
        check_model(model)
        unknown = set(find_kwargs) - {"start_lr", "end_lr", "steps", "batch_size", "divergence", "smoothing", "shuffle"}
        if unknown:
            raise TypeError(f"LRFinder got unexpected keyword arguments: {', '.join(sorted(unknown))}")
        self._model, self._x, self._y, self._kwargs = model, x, y, find_kwargs
        self._builder = builder
        self._result: LRFinderResult | None = None
        self._thread: threading.Thread | None = None
        self._done = threading.Event()
        super().__init__()
        where = f"the optimizer of model {model.name!r}"
        self.target = where + (" and the builder's compile learning_rate" if builder is not None else "")
        self._find()  # the cell waits, as for fit; errors are raised here

    # -- running the core -------------------------------------------------------------------------
    @property
    def model(self) -> Any:
        """The model the finder searches on (and :meth:`apply` sets)."""
        return self._model

    @property
    def result(self) -> LRFinderResult | None:
        """The core's :class:`~nbkeras.inspect.LRFinderResult` of the last finished run (None before)."""
        return self._result

    def _claim(self) -> None:
        model = self._model
        with _finding_lock:
            other = _finding.get(model)
            if other is not None:
                raise invalid_value(
                    "model",
                    model,
                    "a model no other learning-rate finder is training: wait for it to finish",
                    received=f"model {model.name!r}, already in a learning-rate search",
                )
            if fit_running_on(model):
                raise invalid_value(
                    "model",
                    model,
                    "a model that is not training: stop the run (run.stop(); run.wait()) and search again",
                    received=f"model {model.name!r}, being trained by a fit running now",
                )
            _finding[model] = self

    def _release(self) -> None:
        with _finding_lock:
            if _finding.get(self._model) is self:
                del _finding[self._model]

    def _find(self, *, in_thread: bool = False) -> None:
        self._claim()
        self._done.clear()
        self.state = "running"
        try:
            try:
                result = lr_find(self._model, self._x, self._y, **self._kwargs)
            finally:
                self._release()
            self._show(result)
        except Exception as exc:
            self.state = "failed"
            if not in_thread:
                raise
            self.error = f"{type(exc).__name__}: {exc}"  # shown in the view: a thread's exception would vanish
        finally:
            self._done.set()

    def _show(self, result: LRFinderResult) -> None:
        self._result = result
        with self.hold_sync():
            self.suggestion = result.suggestion
            self.minimum_rate = result.minimum_rate
            self.stopped = result.stopped
            self.chosen = None
            self.model_rate = self._model_rate()
            self.state = "done"
            self.figure = to_wire(self._figure())

    def _model_rate(self) -> float | None:
        rate = getattr(self._model.optimizer, "learning_rate", None)
        try:
            return float(np.asarray(rate))
        except (TypeError, ValueError):
            return None

    @command("run")
    def run(self) -> None:
        """Run the finder again. From the view, in a thread (the kernel keeps answering); the
        curve and suggestion follow when it ends. From Python, at once.

        Raises:
            ValueError: The finder is running, or a fit is running on the model.
        """
        if self.state == "running":
            raise ValueError("The learning-rate finder is already running; its curve comes when it ends.")
        if not self._in_request:
            self._find()
            return
        self._claim()  # refused now, in the banner, rather than in the thread
        self._release()
        self.state = "running"
        self._done.clear()
        self._thread = cell_thread(self._find, kwargs={"in_thread": True}, name="nbkeras-lr-find")
        self._thread.start()

    def wait(self, timeout: float | None = None) -> LRFinderResult | None:
        """Block until a run started from the view ends; the result (None if it failed)."""
        if not self._done.wait(timeout):
            raise TimeoutError(f"The learning-rate finder is still running after {timeout} s.")
        return self._result

    # -- choosing and applying --------------------------------------------------------------------
    @traitlets.validate("chosen")
    def _valid_chosen(self, proposal: Any) -> float | None:
        value = proposal["value"]
        if value is None:
            return None
        return check_number("chosen", value, min_value=0, exclusive=True)

    @traitlets.observe("chosen")
    def _on_chosen(self, _change: Any) -> None:
        if self._result is not None:
            self.figure = to_wire(self._figure())

    @command("choose")
    def choose(self, rate: Any) -> None:
        """Pick ``rate`` (a click on the curve sends the clicked point's rate); None: back to the suggestion."""
        self.chosen = rate

    @command("apply")
    def apply(self, rate: Any = None) -> float:
        """Set the model optimizer's learning rate (and the builder's field) to ``rate``.

        Args:
            rate: The rate to use; by default the picked rate (:attr:`chosen`), else the suggestion.

        Returns:
            The rate set.

        Raises:
            ValueError: The finder is running, found no rate, or ``rate`` is not a positive number.
        """
        if self.state == "running":
            raise ValueError("The learning-rate finder is running: apply a rate once its curve is drawn.")
        if rate is None:
            rate = self.chosen if self.chosen is not None else self.suggestion
        if rate is None:
            raise invalid_value(
                "rate", rate, "a positive number: the finder found no rate (too few finite losses)", of="apply"
            )
        rate = check_number("rate", rate, min_value=0, exclusive=True)
        if self._builder is not None:
            self._builder.set_compile("learning_rate", rate)  # validated by the builder; refused → nothing set
        self._model.optimizer.learning_rate = rate
        self.model_rate = self._model_rate()
        self.applied = rate
        return rate

    # -- figure ------------------------------------------------------------------------------------
    def _figure(self) -> dict[str, Any]:
        result = self._result
        assert result is not None
        rates, losses, smoothed = result.learning_rates, result.losses, result.smoothed
        finite = losses[np.isfinite(losses)]
        data: list[dict[str, Any]] = [
            {
                "type": "scatter",
                "mode": "lines",
                "name": "each batch's loss",
                "x": rates,
                "y": losses,
                "line": {"color": RAW_COLOUR, "width": 1},
                "hovertemplate": "rate %{x:.3g}<br>loss %{y:.4g}<extra></extra>",
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "smoothed",
                "x": rates,
                "y": smoothed,
                "line": {"color": SMOOTH_COLOUR, "width": 2.5},
                "hovertemplate": "rate %{x:.3g}<br>smoothed %{y:.4g}<extra></extra>",
            },
        ]
        lo, hi = self._loss_range(finite, smoothed)
        marks = [
            ("suggestion", result.suggestion, SUGGESTION_COLOUR, "dash"),
            ("minimum / 10", result.minimum_rate, MINIMUM_COLOUR, "dot"),
            ("chosen", self.chosen, CHOSEN_COLOUR, "solid"),
        ]
        for name, rate, colour, dash in marks:
            if rate is None:
                continue
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": f"{name} {rate:.3g}",
                    "x": np.array([rate, rate]),
                    "y": np.array([lo, hi]),
                    "line": {"color": colour, "width": 2, "dash": dash},
                    "hoverinfo": "skip",
                }
            )
        layout = {
            "height": 360,
            "margin": {"l": 60, "r": 10, "t": 30, "b": 45},
            "xaxis": {"type": "log", "title": {"text": "learning rate (log scale)"}},
            "yaxis": {"title": {"text": "loss"}, "range": [lo, hi]},
            "legend": {"orientation": "h", "y": 1.12},
            "hovermode": "closest",
        }
        return {"data": data, "layout": layout}

    def _loss_range(self, finite: np.ndarray, smoothed: np.ndarray) -> tuple[float, float]:
        """The loss axis: from the lowest loss to a little above the start, so a divergence's
        last huge losses do not flatten the part of the curve that matters."""
        if not len(finite):
            return 0.0, 1.0
        good = smoothed[np.isfinite(smoothed)]
        lo = float(finite.min())
        top = float(max(good[0], good.min() * self._result.divergence)) if len(good) else float(finite.max())
        hi = min(float(finite.max()), top)
        pad = 0.05 * (hi - lo) if hi > lo else max(abs(lo) * 0.05, 1e-3)
        return lo - pad, hi + pad

    def static_figures(self) -> list[tuple[str, dict[str, Any]]]:
        if self._result is None:
            return []
        return [("Learning-rate finder: loss against rate", self._figure())]

    def _repr_fields(self) -> dict[str, Any]:
        suggestion = None if self.suggestion is None else float(f"{self.suggestion:.3g}")
        return {"model": self._model.name, "state": self.state, "suggestion": suggestion}
