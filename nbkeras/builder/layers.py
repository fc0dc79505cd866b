"""One catalog layer as a Keras object: :func:`make_layer`.

Shared by the check (which applies each layer to a symbolic input), the model build and
``spec_from_model`` (which compares a layer with a default instance), so it sits below
all three. Only classes from the catalog are ever instantiated, by name lookup in
``keras.layers``; a config is passed as keyword arguments, never through Keras's
deserializer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nbkeras._keras import keras
from nbkeras.builder.catalog import layer_spec
from nbkeras.builder.errors import SpecError, SpecIssue

__all__ = ["NAME_GIVEN", "make_layer"]

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
