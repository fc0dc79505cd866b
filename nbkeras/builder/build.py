"""Turn a checked spec into a compiled Keras model.

The spec passes :func:`~nbkeras.builder.check_spec` first; its layers are made one by
one by :func:`~nbkeras.builder.layers.make_layer` (catalog classes only, config as
keyword arguments, never through Keras's deserializer).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nbkeras._keras import keras
from nbkeras.builder.check import check_spec
from nbkeras.builder.compile_settings import logits_loss_class, optimizer_class
from nbkeras.builder.errors import SpecError, SpecIssue
from nbkeras.builder.layers import NAME_GIVEN, make_layer

__all__ = ["NAME_GIVEN", "build_model", "make_layer"]


def _unnamed_layer(class_name: str, config: Mapping[str, Any], taken: set[str]) -> Any:
    # Keras names unnamed layers "dense", "dense_1", ... from a session-wide counter; if
    # that clashes with a name the spec gives another layer, Sequential refuses the
    # model. A fresh instance takes the counter's next name.
    layer = make_layer(class_name, config)
    while layer.name in taken:
        layer = make_layer(class_name, config)
    return layer


def compile_model(model: Any, compile_: Mapping[str, Any]) -> None:
    """Compile ``model`` with canonical compile settings from a spec."""
    optimizer = optimizer_class(compile_["optimizer"])(learning_rate=compile_["learning_rate"])
    loss: Any = compile_["loss"]
    if compile_.get("from_logits"):
        loss = logits_loss_class(loss)(from_logits=True)
    model.compile(optimizer=optimizer, loss=loss, metrics=list(compile_["metrics"]))


def build_model(spec: Mapping[str, Any]) -> Any:
    """Build a fresh ``keras.Sequential`` model from a spec, compiled if it says how.

    The spec is checked first (:func:`~nbkeras.builder.check_spec`); the model starts
    with ``keras.Input(shape, dtype)`` and is compiled with the optimizer class (e.g.
    ``keras.optimizers.Adam(learning_rate=...)``) when the spec has ``compile``.

    Args:
        spec: A model spec.

    Returns:
        A new ``keras.Sequential``, with fresh weights.

    Raises:
        SpecError: With the same issues :func:`~nbkeras.builder.check_spec` reports.

    Example:
        >>> from nbkeras.builder import template
        >>> model = build_model(template("cnn"))
        >>> model.count_params(), type(model.optimizer).__name__
        (1610, 'Adam')
    """
    report = check_spec(spec)
    if not report.ok:
        raise SpecError(report.errors)
    canonical = report.spec
    k = keras()
    taken = {entry["config"]["name"] for entry in canonical["layers"] if "name" in entry["config"]}
    try:
        layers = [
            make_layer(e["class_name"], e["config"])
            if "name" in e["config"]
            else _unnamed_layer(e["class_name"], e["config"], taken)
            for e in canonical["layers"]
        ]
        for entry, layer in zip(canonical["layers"], layers):
            setattr(layer, NAME_GIVEN, "name" in entry["config"])
        model = k.Sequential(
            [k.Input(shape=tuple(canonical["input_shape"]), dtype=canonical.get("input_dtype", "float32")), *layers]
        )
        if "compile" in canonical:
            compile_model(model, canonical["compile"])
    except SpecError:
        raise
    except Exception as error:
        message = f"Keras could not build the model: {type(error).__name__}: {error}"
        raise SpecError([SpecIssue(message, received="the spec", expected="a model Keras can build")]) from error
    return model
