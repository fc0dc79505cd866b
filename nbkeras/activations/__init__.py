"""Activation explorer: the pure core (curves, formulas, properties, depth experiment).

Importing this package is cheap: TensorFlow/Keras are imported on first *use* (through
:mod:`nbkeras._keras`), and the widget (:class:`ActivationExplorer`,
:func:`explore_activations`, which need ipywidgets) is imported on first *access*.

Example:

    >>> import numpy as np
    >>> from nbkeras.activations import activation_curves, formula
    >>> y, dy = activation_curves("tanh", np.linspace(-3, 3, 7))
    >>> formula("tanh").derivative_latex
    "\\\\tanh'(x) = 1 - \\\\tanh^{2}(x)"
"""

from __future__ import annotations

import importlib
from typing import Any

from nbkeras.activations.catalog import (
    ActivationError,
    ParameterSpec,
    activation_aliases,
    activation_names,
    activation_parameters,
    excluded_activations,
)
from nbkeras.activations.curves import MAX_POINTS, activation_curves
from nbkeras.activations.depth import DepthResult, depth_experiment
from nbkeras.activations.formulas import Formula, Symbol, formula
from nbkeras.activations.properties import ActivationProperties, Region, activation_properties

# Defined in .widget (ipywidgets, plotly): imported only when first accessed.
_WIDGET_NAMES = ("ActivationExplorer", "explore_activations")

__all__ = [
    "MAX_POINTS",
    "ActivationError",
    "ActivationProperties",
    "DepthResult",
    "Formula",
    "ParameterSpec",
    "Region",
    "Symbol",
    "activation_aliases",
    "activation_curves",
    "activation_names",
    "activation_parameters",
    "activation_properties",
    "depth_experiment",
    "excluded_activations",
    "formula",
    *_WIDGET_NAMES,
]


def __getattr__(name: str) -> Any:
    if name in _WIDGET_NAMES:
        widget = importlib.import_module("nbkeras.activations.widget")
        value = getattr(widget, name)
        globals()[name] = value  # cache: the next access skips __getattr__
        return value
    raise AttributeError(f"module 'nbkeras.activations' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
