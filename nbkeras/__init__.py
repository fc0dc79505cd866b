"""nbkeras: Jupyter-native widgets for learning, teaching and debugging Keras.

Importing ``nbkeras`` is cheap: TensorFlow, Keras, ipywidgets and Plotly are
imported only when a feature that needs them is first used (see ``_LAZY``).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# Public name -> module that defines it. One table, so the lazy loader, ``__all__``
# and ``dir(nbkeras)`` cannot disagree.
_LAZY: dict[str, str] = {
    # activations
    "activation_names": "nbkeras.activations",
    "activation_curves": "nbkeras.activations",
    "ActivationExplorer": "nbkeras.activations",
    "explore_activations": "nbkeras.activations",
    # builder
    **{
        name: "nbkeras.builder"
        for name in (
            "check_spec",
            "build_model",
            "spec_from_model",
            "spec_to_code",
            "load_spec",
            "dump_spec",
            "normalize_spec",
            "layer_catalog",
            "template",
            "template_names",
            "compile_warnings",
            "SpecError",
            "SpecIssue",
            "SpecReport",
        )
    },
    "ModelBuilder": "nbkeras.builder",
    # training
    "LiveMonitor": "nbkeras.training",
    "fit": "nbkeras.training",
    "TrainingRun": "nbkeras.training",
    "RunComparison": "nbkeras.training",
    "SequenceExactMatch": "nbkeras.training",
    "sequence_exact_match": "nbkeras.training",
    "compare_runs": "nbkeras.training",
    # inspect (look inside a model: pure functions, NumPy in and out)
    **{
        name: "nbkeras.inspect"
        for name in (
            "confusion_matrix",
            "class_metrics",
            "classification_errors",
            "regression_errors",
            "per_example_loss",
            "top_losses",
            "feature_maps",
            "conv_filters",
            "activation_histograms",
            "grad_cam",
            "embedding_projection",
            "decision_surface",
            "lr_find",
        )
    },
    # inspect widgets (#13)
    "EmbeddingProjector": "nbkeras.inspect.projector",
    "LRFinder": "nbkeras.inspect.lr_widget",
    "ModelInspector": "nbkeras.inspect.inspector",
    # plots
    "FigureView": "nbkeras.plots",
    "show_figure": "nbkeras.plots",
    # sub-packages
    "datasets": "nbkeras.datasets",
    "testing": "nbkeras.testing",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'nbkeras' has no attribute {name!r}")
    module = importlib.import_module(module_name)
    value = module if module_name == f"nbkeras.{name}" else getattr(module, name)
    globals()[name] = value  # cache: the next access skips __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where the prebuilt lab extension is, for ``jupyter labextension develop --overwrite .``."""
    return [{"src": "labextension", "dest": "nbkeras"}]


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext nbkeras``: every ``model.fit`` in the notebook gets a live dashboard."""
    from nbkeras.training import magic

    magic.load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext nbkeras``: ``model.fit`` is Keras's own again."""
    from nbkeras.training import magic

    magic.unload(ipython)
