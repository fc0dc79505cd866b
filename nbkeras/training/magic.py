"""``%load_ext nbkeras``: every ``model.fit`` in the notebook gets a live dashboard.

Two parts:

- ``keras.Model.fit`` is wrapped so a :class:`LiveMonitor` is added unless the call
  already has one, and Keras's progress bar is turned off while a dashboard shows
  (``verbose=0``, unless the call sets ``verbose``). ``%unload_ext nbkeras`` puts the
  original back.
- A cell whose top-level statement calls ``<something>.fit(...)`` is rewritten (before
  IPython decides how to run it) into ``await`` of that call running in a thread. The
  cell still waits for training to finish and gets the same ``History`` back, but the
  kernel hears the dashboard's buttons meanwhile (ipykernel handles comm messages while
  a cell awaits). ``fit`` calls nested inside functions run as usual, with the buttons
  shown disabled and the reason given.
"""

from __future__ import annotations

import ast
import asyncio
import functools
import threading
from typing import Any

from nbkeras._keras import keras

_state: dict[str, Any] = {}
_thread = threading.local()  # .in_background: this thread is one fit_in_thread started
_RUNNER = "__nbkeras_fit_in_thread__"


def _has_monitor(callbacks: Any) -> bool:
    from nbkeras.training.monitor import LiveMonitor

    return any(isinstance(cb, LiveMonitor) for cb in (callbacks or []))


def _wrap_fit(original: Any) -> Any:
    @functools.wraps(original)
    def fit(self: Any, *args: Any, **kwargs: Any) -> Any:
        from nbkeras.training.monitor import LiveMonitor
        from nbkeras.training.health import num_samples

        # `callbacks` is fit's sixth parameter: (x, y, batch_size, epochs, verbose, callbacks, ...)
        args = list(args)
        given = args.pop(5) if len(args) > 5 else kwargs.pop("callbacks", None)
        callbacks = list(getattr(given, "callbacks", given) or [])  # a list or a CallbackList
        if not _has_monitor(callbacks):
            x = kwargs.get("x", args[0] if args else None)
            monitor = LiveMonitor()  # probe="auto": the health batch comes from x, y as fit starts
            monitor.controls_live = getattr(_thread, "in_background", False)
            batch_size = kwargs.get("batch_size") or (32 if num_samples(x) is not None else None)
            monitor.run_info = {"samples": None if kwargs.get("validation_split") else num_samples(x), "batch_size": batch_size}
            callbacks.append(monitor)
        monitors = [cb for cb in callbacks if isinstance(cb, LiveMonitor)]
        for monitor in monitors:
            monitor._guard("dashboard", monitor.show)  # shown now, before Keras prints anything
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


async def fit_in_thread(call: Any) -> Any:
    """Run ``call()`` (a ``model.fit``) in a thread and await it: the kernel stays responsive."""
    def run() -> Any:
        _thread.in_background = True
        try:
            return call()
        finally:
            _thread.in_background = False

    return await asyncio.to_thread(run)


class _AwaitTopLevelFit(ast.NodeTransformer):
    """``h = model.fit(...)`` -> ``h = await __nbkeras_fit_in_thread__(lambda: model.fit(...))``."""

    changed = False

    @staticmethod
    def _is_fit(node: Any) -> bool:
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "fit"

    def _wrap(self, call: ast.Call) -> ast.Await:
        self.changed = True
        thunk = ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]), body=call)
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
    from nbkeras.training.monitor import install_fit_hook

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
