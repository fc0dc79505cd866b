"""``%load_ext nbkeras``: every ``model.fit`` in the notebook gets a live dashboard.

Two parts:

- ``keras.Model.fit`` is wrapped so its callbacks go through :func:`prepare_fit` (the same
  preparation as ``nbkeras.fit``: a :class:`LiveMonitor` unless the call has one, shown
  now), and Keras's progress bar is turned off while a dashboard shows (``verbose=0``,
  unless the call sets ``verbose``). ``%unload_ext nbkeras`` puts the original back.
- A cell whose top-level statement calls ``<something>.fit(...)`` is rewritten (before
  IPython decides how to run it) into ``await`` of that call running in a thread. The
  cell still waits for training to finish and gets the same ``History`` back, but the
  kernel hears the dashboard's buttons meanwhile (ipykernel handles comm messages while
  a cell awaits). Kernel → Interrupt during that await stops the run after its current
  step (it ends "interrupted", history and weights kept) and the cell raises
  KeyboardInterrupt. ``fit`` calls nested inside functions run as usual, with the buttons
  shown disabled and the reason given.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import functools
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

from nbkeras._keras import keras
from nbkeras.training.monitor import LiveMonitor, install_fit_hook, prepare_fit

_state: dict[str, Any] = {}
_thread = threading.local()  # .fit: the _BackgroundFit this thread runs (set by fit_in_thread)
_RUNNER = "__nbkeras_fit_in_thread__"


class _BackgroundFit:
    """One top-level ``model.fit`` of a cell, running in a thread while the cell awaits it.

    A kernel interrupt (SIGINT) during the await becomes a Stop of that fit's runs: the run
    ends "interrupted" after its current step, weights and history kept, and the cell then
    raises KeyboardInterrupt. (Without this, ipykernel cancels the awaiting cell, but the
    thread trains on to the end of the run.)
    """

    def __init__(self) -> None:
        self.monitors: list[LiveMonitor] = []
        self.interrupted = False

    def interrupt(self) -> None:
        self.interrupted = True
        for monitor in self.monitors:
            monitor.controls.stop(interrupt=True)

    @contextlib.contextmanager
    def stops_on_sigint(self) -> Iterator[None]:
        """While the cell awaits the fit, SIGINT stops it (a second SIGINT: as before)."""
        if threading.current_thread() is not threading.main_thread():
            yield  # signals reach the main thread only
            return
        previous = signal.getsignal(signal.SIGINT)

        def on_sigint(signum: int, frame: Any) -> None:
            if self.interrupted and callable(previous):
                previous(signum, frame)  # asked twice: the kernel's own handling
            self.interrupt()

        signal.signal(signal.SIGINT, on_sigint)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)


def _wrap_fit(original: Any) -> Any:
    @functools.wraps(original)
    def fit(self: Any, *args: Any, **kwargs: Any) -> Any:
        # `callbacks` is fit's sixth parameter: (x, y, batch_size, epochs, verbose, callbacks, ...)
        args = list(args)
        given = args.pop(5) if len(args) > 5 else kwargs.pop("callbacks", None)
        background = getattr(_thread, "fit", None)
        callbacks, monitors = prepare_fit(
            given,
            kwargs.get("x", args[0] if args else None),
            batch_size=kwargs.get("batch_size", args[2] if len(args) > 2 else None),
            validation_split=kwargs.get("validation_split"),
            controls_live=background is not None,
        )
        if background is not None:
            for monitor in monitors:
                monitor.controls.arm()  # an interrupt from now on stops this run
            background.monitors += monitors
            if background.interrupted:
                raise KeyboardInterrupt
        if len(args) < 5 and "verbose" not in kwargs and any(m.dashboard is not None for m in monitors):
            kwargs["verbose"] = 0  # the dashboard replaces Keras's progress bar (unless asked for)
        # Model.fit's own hook (monitor.install_fit_hook, under this wrapper) records how the
        # run ends, an exception or KeyboardInterrupt included.
        if len(args) >= 5:
            args.insert(5, callbacks)
        else:
            kwargs["callbacks"] = callbacks
        return original(self, *args, **kwargs)

    fit.__nbkeras_wrapped__ = original  # type: ignore[attr-defined]
    return fit


async def fit_in_thread(call: Callable[[], Any]) -> Any:
    """Run ``call()`` (a ``model.fit``) in a thread and await it: the kernel stays responsive.

    Interrupting the kernel stops the fit after its current step (see :class:`_BackgroundFit`).
    """
    background = _BackgroundFit()

    def run() -> Any:
        _thread.fit = background
        try:
            return call()
        finally:
            _thread.fit = None

    with background.stops_on_sigint():
        task = asyncio.ensure_future(asyncio.to_thread(run))
        try:
            result = await asyncio.shield(task)
        except (asyncio.CancelledError, KeyboardInterrupt):
            # The cell was cancelled (ipykernel's interrupt) or interrupted: stop the run, let
            # it end cleanly, then say so as an interrupt.
            background.interrupt()
            with contextlib.suppress(BaseException):
                await task
            raise KeyboardInterrupt from None
    if background.interrupted:
        raise KeyboardInterrupt
    return result


class _AwaitTopLevelFit(ast.NodeTransformer):
    """``h = model.fit(...)`` -> ``h = await __nbkeras_fit_in_thread__(lambda: model.fit(...))``."""

    changed = False

    @staticmethod
    def _is_fit(node: Any) -> bool:
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "fit"

    def _wrap(self, call: ast.Call) -> ast.Await:
        self.changed = True
        no_args = ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[])
        thunk = ast.Lambda(args=no_args, body=call)
        return ast.Await(value=ast.Call(func=ast.Name(id=_RUNNER, ctx=ast.Load()), args=[thunk], keywords=[]))

    def rewrite(self, module: ast.Module) -> ast.Module:
        for stmt in module.body:  # top level only: nested calls cannot be awaited
            if isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign)) and self._is_fit(stmt.value):
                stmt.value = self._wrap(stmt.value)
        return ast.fix_missing_locations(module)


def _rewrite_cell(lines: list[str]) -> list[str]:
    source = "".join(lines)
    if ".fit(" not in source:
        return lines
    try:
        module = ast.parse(source)
    except SyntaxError:
        return lines  # let IPython report it where the user wrote it
    rewriter = _AwaitTopLevelFit()
    module = rewriter.rewrite(module)
    if not rewriter.changed:
        return lines
    return (ast.unparse(module) + "\n").splitlines(keepends=True)


def load(ipython: Any) -> None:
    model_cls = keras().Model
    if "fit" in _state:
        return
    install_fit_hook()  # first: %unload_ext puts back a fit that still records how runs end
    _state["fit"] = model_cls.fit
    model_cls.fit = _wrap_fit(model_cls.fit)
    if ipython is not None:
        ipython.user_ns[_RUNNER] = fit_in_thread
        ipython.input_transformers_post.append(_rewrite_cell)


def unload(ipython: Any) -> None:
    original = _state.pop("fit", None)
    if original is not None:
        keras().Model.fit = original
    if ipython is not None:
        if _rewrite_cell in ipython.input_transformers_post:
            ipython.input_transformers_post.remove(_rewrite_cell)
        ipython.user_ns.pop(_RUNNER, None)
