"""The one place nbkeras imports TensorFlow and Keras.

``import nbkeras`` must stay free of TensorFlow (3-5 s and ~600 MB per process), so
every feature that needs Keras calls :func:`keras` at use time instead of importing
it at module level.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from types import ModuleType
from typing import Any

#: What a notebook shows while the first TensorFlow import of a kernel runs (5-38 s seen).
LOADING_NOTICE = "nbkeras: loading TensorFlow (first use in this kernel, ~10 s)…"

# The emptied output of the last notice, with the execution count of its cell, until the
# widget that cell displays next takes it (claim_loading_notice).
_left_notice: dict[str, tuple[Any, Any]] = {}


# TensorFlow's native log lines: absl/glog ("I0000 00:00:1796614786.296661   21654 port.cc:153] ..."),
# TensorFlow's older format ("2024-01-02 03:04:05.678901: I tensorflow/core/util/port.cc:113] ..."),
# and absl's notice (a warning) that it logs to stderr until InitializeLog is called.
_NATIVE_LINE = re.compile(
    rb"(?P<notice>WARNING): All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    rb"|(?P<glog>[IWEF])\d{4} \d+:\d+:\d+\.\d+ +\d+ [^\s\]]+:\d+\] .*"
    rb"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: (?P<tf>[IWEF]) [^\s\]]+:\d+\] .*"
)
# TF_CPP_MIN_LOG_LEVEL: 0 shows all, 1 hides INFO, 2 also WARNING, 3 also ERROR.
_SEVERITY = {b"I": 0, b"W": 1, b"WARNING": 1, b"E": 2, b"F": 3}


def _log_level() -> int:
    """TF_CPP_MIN_LOG_LEVEL as TensorFlow reads it (0 when unset or not a number)."""
    try:
        return int(os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0"))
    except ValueError:
        return 0


def _keep_stderr(captured: bytes, min_level: int = 3) -> bytes:
    """``captured`` without the native log lines TF_CPP_MIN_LOG_LEVEL=``min_level`` hides.

    Fatal lines and everything that is not a native log line (Python warnings, tracebacks,
    prints) are always kept.
    """
    kept = []
    for line in captured.splitlines(keepends=True):
        match = _NATIVE_LINE.fullmatch(line.rstrip(b"\r\n"))
        if match is None or _SEVERITY[next(g for g in match.groups() if g)] >= min(min_level, 3):
            kept.append(line)
    return b"".join(kept)


@contextlib.contextmanager
def _quiet_native_stderr(min_level: int = 3) -> Iterator[None]:
    """Make TensorFlow's native lines written to file descriptor 2 while it loads obey ``min_level``.

    Lines such as "All log messages before absl::InitializeLog() ..." and "Could not
    find cuda drivers" are written before TF_CPP_MIN_LOG_LEVEL is read, straight to the
    process's stderr, which a notebook shows (in red) under the learner's cell. Everything
    written to fd 2 meanwhile goes to a temporary file; when the body ends (or raises),
    all but the native log lines below ``min_level`` is written back, in order: a Python warning, an error or
    a line a script prints to ``sys.stderr`` (fd 2 too) during the import still shows.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no real stderr (some embedded interpreters)
        yield
        return
    try:
        with tempfile.TemporaryFile() as captured:
            _flush_stderr()
            os.dup2(captured.fileno(), 2)
            try:
                yield
            finally:
                _flush_stderr()
                os.dup2(saved, 2)
                captured.seek(0)
                kept = _keep_stderr(captured.read(), min_level)
                while kept:
                    kept = kept[os.write(2, kept) :]
    finally:
        os.close(saved)


def _flush_stderr() -> None:
    try:
        sys.stderr.flush()
    except (AttributeError, OSError, ValueError):  # None, or closed
        pass


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
            except Exception:  # noqa: BLE001 - as above
                pass
            else:
                count = _execution_count()
                if display is None and count is not None:  # a real cell's line: a widget may take it
                    _left_notice["notice"] = (count, handle)


def keras() -> ModuleType:
    """Return the ``keras`` module, importing TensorFlow's backend on first use."""
    if "keras" in sys.modules and "tensorflow" in sys.modules:
        return sys.modules["keras"]
    # TensorFlow's C++ start-up chatter (oneDNN notes, "no CUDA drivers", "cuInit") buries
    # what a learner printed; keep it quiet unless the user set the level (then they see
    # what their level shows). Level 2 still lets absl's INFO lines through on TF 2.21, so 3
    # it is; the lines absl writes before it reads the level (whatever the level) are made
    # to obey it by _quiet_native_stderr. TF_ENABLE_ONEDNN_OPTS is left alone: it would
    # silence a line but change the numbers.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    first = "tensorflow" not in sys.modules
    level = _log_level()
    quiet = first and level > 0
    with (
        loading_notice() if first else contextlib.nullcontext(),
        _quiet_native_stderr(level) if quiet else contextlib.nullcontext(),
    ):
        import keras as _keras
        import tensorflow as _tf

        _tf.config.list_physical_devices()  # the device probe prints too ("cuInit failed")
    return _keras


def tf() -> ModuleType:
    """Return the ``tensorflow`` module (imported on first use)."""
    keras()
    import tensorflow as _tf

    return _tf
