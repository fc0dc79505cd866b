"""The one place nbkeras imports TensorFlow and Keras.

``import nbkeras`` must stay free of TensorFlow (3-5 s and ~600 MB per process), so
every feature that needs Keras calls :func:`keras` at use time instead of importing
it at module level.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from types import ModuleType


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


def keras() -> ModuleType:
    """Return the ``keras`` module, importing TensorFlow's backend on first use."""
    if "keras" in sys.modules and "tensorflow" in sys.modules:
        return sys.modules["keras"]
    # TensorFlow's C++ start-up chatter (oneDNN notes, "no CUDA drivers") buries what a
    # learner printed; keep it quiet unless the user set the level. Level 2 still lets
    # absl's INFO lines through on TF 2.21, so 3 it is.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    quiet = os.environ["TF_CPP_MIN_LOG_LEVEL"] >= "2" and "tensorflow" not in sys.modules
    with _quiet_native_stderr() if quiet else contextlib.nullcontext():
        import keras as _keras
        import tensorflow as _tf

        _tf.config.list_physical_devices()  # the device probe prints too ("cuInit failed")
    return _keras


def tf() -> ModuleType:
    """Return the ``tensorflow`` module (imported on first use)."""
    keras()
    import tensorflow as _tf

    return _tf
