"""Turn a checked spec into Keras objects: single layers, and the compiled model.

Only classes from the catalog are ever instantiated, by name lookup in
``keras.layers`` after the spec has passed :func:`~nbkeras.builder.check_spec`; a
config is passed as keyword arguments, never through Keras's deserializer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nbkeras._keras import keras
from nbkeras.builder.catalog import layer_spec
from nbkeras.builder.errors import SpecError, SpecIssue

__all__ = ["build_model", "make_layer"]

# Set on each layer build_model makes: True when the spec named the layer, False when
# Keras did. A name alone cannot say which ("dense_7" may be either), and
# spec_from_model must keep exactly the names the spec gave.
NAME_GIVEN = "_nbkeras_name_given"


def make_layer(class_name: str, config: Mapping[str, Any], *, check_name: str | None = None) -> Any:
    """Instantiate one catalog layer from its canonical spec config.

    Args:
        class_name: A class from the catalog (anything else raises SpecError).
        config: Its canonical config (see :func:`~nbkeras.builder.normalize_spec`).
        check_name: Name this layer and any layer it wraps ``check_name`` instead of
            the config's name or an automatic one. Checks use it so that they leave
            Keras's automatic names ("dense_7") in the user's session alone.

    Returns:
        A new, unbuilt ``keras.layers.Layer``.

    Example:
        >>> make_layer("Conv2D", {"filters": 8, "kernel_size": 3}).kernel_size
        (3, 3)
    """
    spec = layer_spec(class_name)
    if spec is None:  # defence in depth: callers pass checked specs only
        raise SpecError([SpecIssue(f"Layer class {class_name!r} is not in the catalog.", argument="class_name")])
    kwargs: dict[str, Any] = {}
    for key, value in config.items():
        arg = spec.arg(key)
        if arg is not None and arg.kind == "layer":
            value = make_layer(value["class_name"], value["config"], check_name=check_name)
        elif isinstance(value, list):
            value = tuple(value)  # Keras documents tuples for shapes and windows
        kwargs[key] = value
    if check_name is not None:
        kwargs["name"] = check_name
    return getattr(keras().layers, class_name)(**kwargs)


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
    from nbkeras.builder.compile_advice import logits_loss_class, optimizer_class

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
    from nbkeras.builder.check import check_spec

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
    except Exception as error:  # noqa: BLE001 - whatever Keras raises, the spec is at fault
        message = f"Keras could not build the model: {type(error).__name__}: {error}"
        raise SpecError([SpecIssue(message, received="the spec", expected="a model Keras can build")]) from error
    return model
