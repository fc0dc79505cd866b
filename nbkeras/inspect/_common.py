"""What every inspection shares: recognising a model, batched prediction, labels, layers, data checks.

Private to :mod:`nbkeras.inspect`. Nothing here imports TensorFlow at module level: an
inspection given plain predictions (NumPy arrays) never loads it.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from nbkeras._keras import keras
from nbkeras._validate import check_int, closest, did_you_mean, invalid_type, invalid_value

#: Examples per forward pass: large enough that a small model's step overhead vanishes
#: (10,000 digits through a small CNN: 0.03 s in 1,024-example batches, 0.2 s through
#: ``model.predict``'s 256 with its data adapter), small enough for any model's activations.
DEFAULT_BATCH_SIZE = 1024


def is_model(value: Any) -> bool:
    """True when ``value`` is a Keras model (checked without importing Keras when it is not loaded)."""
    if "keras" not in sys.modules:  # nobody built a model in this process
        return False
    return isinstance(value, sys.modules["keras"].Model)


def check_model(value: Any, name: str = "model") -> Any:
    """``value`` if it is a Keras model, else a TypeError in Keras's wording."""
    if not is_model(value):
        raise invalid_type(name, value, "a Keras model (keras.Model, Sequential or functional)")
    return value


def check_batch_size(value: Any) -> int:
    return check_int("batch_size", value, min_value=1)


def as_array(name: str, value: Any) -> np.ndarray:
    """``value`` as a NumPy array (tensors are pulled to the host once, here), or a clear error."""
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "numpy") and callable(value.numpy):  # a TensorFlow/Keras tensor or variable
        return np.asarray(value.numpy())
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise invalid_type(name, value, "an array (NumPy array, tensor or nested list of numbers)") from exc
    if array.dtype == object:
        raise invalid_type(name, value, "an array of numbers (equal lengths, no None)")
    return array


def check_same_length(x: np.ndarray, y: np.ndarray) -> None:
    """x and y describe the same examples, or a ValueError naming both lengths."""
    if len(x) != len(y):
        raise invalid_value(
            "y",
            y,
            "as many labels as examples (the first axes of x and y must match)",
            received=f"y with {len(y)} examples and x with {len(x)}",
        )


def check_not_empty(name: str, array: np.ndarray) -> None:
    if array.ndim == 0 or len(array) == 0:
        raise invalid_value(name, array, "at least one example", received=f"{name} of shape {array.shape}")


def predict(model: Any, x: np.ndarray, batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
    """The model's outputs for ``x``, in batches: one traced predict step per batch, one copy to the host each.

    Uses ``predict_on_batch`` (Keras's compiled predict function) batch after batch rather
    than ``model.predict``, whose per-call data adapter and callbacks cost more than the
    forward pass of a small model.

    Raises:
        ValueError: The model has several outputs (inspections read one).
    """
    parts = []
    for start in range(0, len(x), batch_size):
        out = model.predict_on_batch(x[start : start + batch_size])
        if isinstance(out, (list, tuple, dict)):
            raise invalid_value("model", model, "a model with one output", received=f"a model with {len(out)} outputs")
        parts.append(np.asarray(out))
    return np.concatenate(parts, axis=0)


def input_rank(model: Any) -> int:
    """Rank of the model's (single) input, batch axis included; an error when it has no known input."""
    try:
        inputs = model.inputs
    except AttributeError:
        inputs = None
    if not inputs:
        raise invalid_value(
            "model",
            model,
            "a built model: start a Sequential with `keras.Input(shape)` or use the functional API",
            received=f"{type(model).__name__} {model.name!r} with no known input",
        )
    if len(inputs) != 1:
        raise invalid_value("model", model, "a model with one input", received=f"a model with {len(inputs)} inputs")
    return len(inputs[0].shape)


def as_batch(model: Any, x: Any) -> tuple[np.ndarray, bool]:
    """``(batch, single)``: ``x`` with a batch axis; ``single`` when ``x`` was one example (added the axis).

    One example is recognised by its rank: one less than the model's input rank.
    """
    array = as_array("x", x)
    rank = input_rank(model)
    if array.ndim == rank - 1:
        return array[None], True
    if array.ndim != rank:
        shape = tuple(model.inputs[0].shape)
        raise invalid_value(
            "x",
            x,
            f"a batch of shape {shape} or one example of shape {shape[1:]}",
            received=f"x of shape {array.shape}",
        )
    check_not_empty("x", array)
    return array, False


def class_labels(y: Any, num_classes: int | None = None) -> np.ndarray:
    """Integer class labels (N,) from integer labels (N,) / (N, 1) or one-hot / probability rows (N, C).

    Raises:
        ValueError: Labels are not whole numbers, are negative, or reach ``num_classes``.
    """
    array = as_array("y", y)
    if array.ndim == 2 and array.shape[1] > 1:  # one-hot (or soft) targets
        if num_classes is not None and array.shape[1] != num_classes:
            raise invalid_value(
                "y",
                y,
                f"one-hot rows of width {num_classes} (the model's classes) or integer labels",
                received=f"y of shape {array.shape}",
            )
        return np.argmax(array, axis=1)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise invalid_value(
            "y",
            y,
            "integer labels of shape (N,) or one-hot rows of shape (N, classes)",
            received=f"y of shape {array.shape}",
        )
    if array.size and not np.issubdtype(array.dtype, np.integer):
        if not np.issubdtype(array.dtype, np.number) or not np.all(np.isfinite(array)) or np.any(array % 1):
            raise invalid_value("y", y, "whole-number class labels", received=f"y of dtype {array.dtype}")
    labels = array.astype(np.int64)
    if labels.size and labels.min() < 0:
        raise invalid_value("y", y, "class labels >= 0", received=f"y with a label {labels.min()}")
    if num_classes is not None and labels.size and labels.max() >= num_classes:
        raise invalid_value(
            "y",
            y,
            f"class labels below {num_classes} (the model's output has {num_classes} classes)",
            received=f"y with a label {labels.max()}",
        )
    return labels


def predicted_labels(outputs: np.ndarray, threshold: float = 0.5) -> tuple[np.ndarray, int]:
    """``(labels, num_classes)`` from a classifier's outputs: argmax of (N, C), ``p > threshold`` for (N,) / (N, 1)."""
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        return np.argmax(outputs, axis=1), outputs.shape[1]
    if outputs.ndim == 1 or (outputs.ndim == 2 and outputs.shape[1] == 1):
        return (outputs.reshape(-1) > threshold).astype(np.int64), 2
    raise invalid_value(
        "predictions",
        outputs,
        "class scores of shape (N, classes) or one score per example (N,) / (N, 1)",
        received=f"outputs of shape {outputs.shape}",
    )


def layer_names(model: Any) -> list[str]:
    return [layer.name for layer in model.layers]


def resolve_layer(model: Any, layer: Any, name: str = "layer") -> Any:
    """The layer ``layer`` names: a name, an index into ``model.layers`` (negative from the end) or the layer.

    Raises:
        ValueError: No layer has that name (the message lists those that do) or the index is out of range.
        TypeError: ``layer`` is none of the three.
    """
    layers = list(model.layers)
    if isinstance(layer, str):
        for candidate in layers:
            if candidate.name == layer:
                return candidate
        names = layer_names(model)
        raise invalid_value(
            name,
            layer,
            f"the name of a layer of {model.name!r}: {', '.join(repr(n) for n in names)}",
            hint=did_you_mean(closest(layer, names)),
        )
    if isinstance(layer, (int, np.integer)) and not isinstance(layer, bool):
        if not -len(layers) <= layer < len(layers):
            raise invalid_value(
                name,
                layer,
                f"a layer index between {-len(layers)} and {len(layers) - 1} ({model.name!r} has {len(layers)} layers)",
            )
        return layers[int(layer)]
    if any(candidate is layer for candidate in layers):
        return layer
    if isinstance(layer, keras().layers.Layer):
        raise invalid_value(
            name, layer, f"a layer of {model.name!r}", received=f"layer {layer.name!r} of another model"
        )
    raise invalid_type(name, layer, "a layer name (str), an index into model.layers (int) or one of its layers")


def tap_model(model: Any, layers: list[Any]) -> Any:
    """A functional model from the model's input to the outputs of ``layers`` (sub-model, shared weights).

    Raises:
        ValueError: A subclassed model (its layers' outputs cannot be tapped) or a layer with no single output.
    """
    input_rank(model)
    outputs = []
    for layer in layers:
        try:
            outputs.append(layer.output)
        except (AttributeError, ValueError) as exc:
            raise ValueError(
                f"Layer {layer.name!r} of {model.name!r} has no single output to read (a subclassed model, or a "
                "layer called more than once). Expected a Sequential or functional model."
            ) from exc
    # The input as a tensor, not a one-element list: Keras warns when a model built on a list is called on a tensor.
    return keras().Model(model.inputs[0], outputs)
