"""Live training: what happened during ``fit``, recorded cheaply enough to watch live.

The pure core, usable from a script or a test with no widget and no browser:

- :mod:`~nbkeras.training.series`: :class:`DecimatedSeries`, a (step, value) curve
  with bounded memory (NumPy only).
- :mod:`~nbkeras.training.recorder`: :class:`TrainingRecorder`, fed by a Keras
  callback: per-batch values recovered from Keras's running means, throughput,
  ETAs, ``History``-identical epoch logs, NaN/inf events (NumPy only).
- :mod:`~nbkeras.training.histograms`: :func:`weight_histograms` on the weights'
  device, and :class:`HistogramScheduler` to keep their cost within 1 % of training.
- :mod:`~nbkeras.training.health`: :class:`HealthProbe`: per-layer gradient norms,
  dead ReLU units, saturated sigmoid/tanh units.
- :mod:`~nbkeras.training.device`: :func:`training_device`: CPU or GPU, which one.

Names resolve lazily (``_LAZY``), so ``import nbkeras.training`` stays free of
TensorFlow until a TensorFlow-backed name is used.

Example:

    >>> from nbkeras.training import TrainingRecorder
    >>> rec = TrainingRecorder()
    >>> rec.begin({"epochs": 1, "steps": 1}, now=0.0)
    >>> rec.epoch_end(0, {"loss": 0.25}).values
    {'loss': 0.25}
"""

from __future__ import annotations

import importlib
from typing import Any

# Public name -> module that defines it. One table, so the lazy loader, ``__all__``
# and ``dir()`` cannot disagree; a new public name is one line here.
_LAZY: dict[str, str] = {
    # series.py (numpy only)
    "DecimatedSeries": "nbkeras.training.series",
    # recorder.py (numpy only)
    "TrainingRecorder": "nbkeras.training.recorder",
    "BatchRecord": "nbkeras.training.recorder",
    "EpochRecord": "nbkeras.training.recorder",
    "smooth": "nbkeras.training.recorder",
    # histograms.py (TensorFlow)
    "weight_histograms": "nbkeras.training.histograms",
    "HistogramSnapshot": "nbkeras.training.histograms",
    "HistogramScheduler": "nbkeras.training.histograms",
    # health.py (TensorFlow)
    "HealthProbe": "nbkeras.training.health",
    "HealthReport": "nbkeras.training.health",
    "LayerHealth": "nbkeras.training.health",
    # device.py (TensorFlow)
    "training_device": "nbkeras.training.device",
    # the live layer: callback, background runs, dashboard widget
    "LiveMonitor": "nbkeras.training.monitor",
    "prepare_fit": "nbkeras.training.monitor",
    "RunControls": "nbkeras.training.controls",
    "RunPresenter": "nbkeras.training.presenter",
    "fit": "nbkeras.training.run",
    "TrainingRun": "nbkeras.training.run",
    "TrainingDashboard": "nbkeras.training.dashboard",
    "RunComparison": "nbkeras.training.compare",
    "SequenceExactMatch": "nbkeras.training.metrics",
    "sequence_exact_match": "nbkeras.training.metrics",
    "compare_runs": "nbkeras.training.compare",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'nbkeras.training' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value  # cache: the next access skips __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
