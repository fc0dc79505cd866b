"""The one place nbkeras imports TensorFlow and Keras.

``import nbkeras`` must stay free of TensorFlow (3-5 s and ~600 MB per process), so
every feature that needs Keras calls :func:`keras` at use time instead of importing
it at module level.
"""

from __future__ import annotations

import os
from types import ModuleType


def keras() -> ModuleType:
    """Return the ``keras`` module, importing TensorFlow's backend on first use."""
    # TensorFlow's C++ start-up chatter (oneDNN notes, "no CUDA drivers") buries what a
    # learner printed; keep it quiet unless the user set the level. Level 2 still lets
    # absl's INFO lines through on TF 2.21, so 3 it is.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras as _keras

    return _keras


def tf() -> ModuleType:
    """Return the ``tensorflow`` module (imported on first use)."""
    keras()
    import tensorflow as _tf

    return _tf
