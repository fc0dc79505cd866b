"""The one place nbkeras imports TensorFlow and Keras.

``import nbkeras`` must stay free of TensorFlow (3-5 s and ~600 MB per process), so
every feature that needs Keras calls :func:`keras` at use time instead of importing
it at module level.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from types import ModuleType
from typing import Any

#: What a notebook shows while the first TensorFlow import of a kernel runs (5-38 s seen).
LOADING_NOTICE = "nbkeras: loading TensorFlow (first use in this kernel, ~10 s)…"

# The emptied output of the last notice, with the execution count of its cell, until the
# widget that cell displays next takes it (claim_loading_notice).
_left_notice: dict[str, tuple[Any, Any]] = {}


@contextlib.contextmanager
def _quiet_native_stderr() -> Iterator[None]:
    """Silence what TensorFlow's C++ code writes to file descriptor 2 while it loads.

    Lines such as "All log messages before absl::InitializeLog() ..." and "Could not
    find cuda drivers" are written before TF_CPP_MIN_LOG_LEVEL is read, straight to the
    process's stderr, which a notebook shows under the learner's cell. Python-level
    errors still propagate normally.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no real stderr (some embedded interpreters)
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            sys.stderr.flush()
            os.dup2(devnull.fileno(), 2)
            try:
                yield
            finally:
                sys.stderr.flush()
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def _execution_count() -> Any:
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "execution_count", None)


def claim_loading_notice() -> Any:
    """The output this cell's "loading TensorFlow" line was shown in, once; else None.

    The line is emptied as soon as TensorFlow is loaded. The widget the same cell displays
    next can show itself in that output (``handle.update(bundle)``), where the line was,
    instead of below an empty output. Returns an IPython ``DisplayHandle``, or None when
    this cell showed no line or something already took its place.
    """
    left = _left_notice.pop("notice", None)
    if left is None or left[0] != _execution_count():
        return None
    return left[1]


def _kernel_display() -> Any:
    """IPython's ``display`` when this code runs in a Jupyter kernel's main thread, else None.

    Scripts, plain IPython and worker threads (a training thread: output from threads is
    misrouted in ipykernel 7) get no notice. IPython is never imported here: a kernel has
    it loaded already.
    """
    ipython = sys.modules.get("IPython")
    if ipython is None or threading.current_thread() is not threading.main_thread():
        return None
    shell = ipython.get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return None
    from IPython.display import display

    return display


@contextlib.contextmanager
def loading_notice(text: str = LOADING_NOTICE, *, display: Any = None) -> Iterator[None]:
    """In a Jupyter kernel, show ``text`` in the running cell's output while the body runs.

    The line appears before the slow work starts (so the first widget of a session does
    not leave an empty output for seconds) and is emptied when it ends, whether it
    succeeded or raised. The widget the cell then displays takes that output
    (:func:`claim_loading_notice`); otherwise the cell keeps an empty text output, not
    the line. (Empty text rather than no data at all: JupyterLab renders an output without
    any data as a bare element outside its list of outputs.) Outside a kernel it does
    nothing.

    Args:
        text: The line to show (plain text; shown as text and as escaped HTML).
        display: The ``IPython.display.display`` to use; found automatically (tests pass
            a recorder).

    Example:
        >>> with loading_notice("nbkeras: loading TensorFlow…"):
        ...     import tensorflow  # doctest: +SKIP
    """
    show = display if display is not None else _kernel_display()
    handle = None
    if show is not None:
        from html import escape

        html = f'<div class="nbk-loading-notice"><em>{escape(text)}</em></div>'
        try:
            handle = show({"text/plain": text, "text/html": html}, raw=True, display_id=True)
        except Exception:  # noqa: BLE001 - a courtesy line must never stop the import
            handle = None
    try:
        yield
    finally:
        if handle is not None:
            try:
                handle.update({"text/plain": ""}, raw=True)
            except Exception:  # noqa: BLE001, S110 - as above
                pass
            else:
                count = _execution_count()
                if display is None and count is not None:  # a real cell's line: a widget may take it
                    _left_notice["notice"] = (count, handle)


def keras() -> ModuleType:
    """Return the ``keras`` module, importing TensorFlow's backend on first use."""
    if "keras" in sys.modules and "tensorflow" in sys.modules:
        return sys.modules["keras"]
    # TensorFlow's C++ start-up chatter (oneDNN notes, "no CUDA drivers") buries what a
    # learner printed; keep it quiet unless the user set the level. Level 2 still lets
    # absl's INFO lines through on TF 2.21, so 3 it is.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    first = "tensorflow" not in sys.modules
    quiet = os.environ["TF_CPP_MIN_LOG_LEVEL"] >= "2" and first
    with loading_notice() if first else contextlib.nullcontext(), _quiet_native_stderr() if quiet else contextlib.nullcontext():
        import keras as _keras
        import tensorflow as _tf

        _tf.config.list_physical_devices()  # the device probe prints too ("cuInit failed")
    return _keras


def tf() -> ModuleType:
    """Return the ``tensorflow`` module (imported on first use)."""
    keras()
    import tensorflow as _tf

    return _tf
