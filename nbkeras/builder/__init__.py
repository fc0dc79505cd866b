"""Model builder: describe a Sequential model as a JSON-able spec, check it, build it.

The pure core (no widgets): :func:`check_spec` reports each layer's output shape and
parameter count, or an error a person can act on; :func:`build_model` turns a spec
into a compiled ``keras.Sequential``; :func:`spec_from_model` reads a spec back from a
model; :func:`spec_to_code` writes the Keras code; :func:`load_spec` and
:func:`dump_spec` read and write JSON safely. ``ModelBuilder`` (the widget) is
imported on first use.

Importing this package does not import TensorFlow; each function imports Keras when
it runs.

Example:

    >>> from nbkeras.builder import check_spec, template
    >>> report = check_spec(template("cnn"))
    >>> report.ok, report.total_params
    (True, 1610)
"""

from __future__ import annotations

import importlib
from typing import Any

from nbkeras.builder.build import build_model
from nbkeras.builder.catalog import ArgSpec, LayerSpec, layer_catalog
from nbkeras.builder.check import LayerReport, SpecReport, check_spec
from nbkeras.builder.code import spec_to_code
from nbkeras.builder.compile_advice import compile_warnings, loss_names, metric_names, optimizer_names
from nbkeras.builder.errors import SpecError, SpecIssue
from nbkeras.builder.from_model import spec_from_model
from nbkeras.builder.spec import dump_spec, load_spec, normalize_spec
from nbkeras.builder.templates import template, template_names

# ``ModelBuilder`` resolves lazily (see __getattr__), so importing the core never
# imports ipywidgets.
__all__ = [
    "ArgSpec",
    "LayerReport",
    "LayerSpec",
    "ModelBuilder",
    "SpecError",
    "SpecIssue",
    "SpecReport",
    "build_model",
    "check_spec",
    "compile_warnings",
    "dump_spec",
    "layer_catalog",
    "load_spec",
    "loss_names",
    "metric_names",
    "normalize_spec",
    "optimizer_names",
    "spec_from_model",
    "spec_to_code",
    "template",
    "template_names",
]


def __getattr__(name: str) -> Any:
    # The widget pulls in ipywidgets/anywidget: load it only when someone asks for it.
    if name == "ModelBuilder":
        value = importlib.import_module("nbkeras.builder.widget").ModelBuilder
        globals()[name] = value
        return value
    raise AttributeError(f"module 'nbkeras.builder' has no attribute {name!r}")
