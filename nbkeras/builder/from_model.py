"""Read a spec back from a Keras model (the inverse of ``build_model``).

Works for ``keras.Sequential`` models and functional models that are a single chain
(one input, one output, every layer called once on the previous layer's output). A
layer's config is reduced to what differs from a default instance of its class; a
setting a spec cannot express (a regularizer, a custom initializer, a frozen layer)
raises rather than being dropped silently, so a spec read back always rebuilds the
same model.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from nbkeras._keras import keras
from nbkeras._validate import is_number
from nbkeras.builder.catalog import LayerSpec, layer_class_names, layer_spec, spec_value
from nbkeras.builder.compile_settings import (
    loss_classes,
    loss_names,
    metric_names,
    optimizer_class,
    optimizer_names,
    snake_case,
)
from nbkeras.builder.errors import SpecError, SpecIssue, show
from nbkeras.builder.layers import NAME_GIVEN, make_layer
from nbkeras.builder.spec import normalize_spec

__all__ = ["spec_from_model"]

# Config keys every layer has, handled on their own (name) or checked on their own
# (trainable, dtype).
_BASE_KEYS = frozenset({"name", "trainable", "dtype"})
# Keras sets these on a Bidirectional's layers itself, whatever the user passed.
_SET_BY_BIDIRECTIONAL = frozenset({"zero_output_for_mask"})
# Execution settings of compile(), not part of the model.
_EXECUTION_KEYS = frozenset({"run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss"})


def _refuse(message: str, argument: str | None = None, received: str | None = None, expected: str = "") -> SpecError:
    return SpecError([SpecIssue(message, None, None, argument, received, expected, "")])


@functools.cache
def _default_config(class_name: str) -> dict[str, Any]:
    """``get_config()`` of a default instance (required arguments from the starter)."""
    spec = layer_spec(class_name)
    required = {a.name for a in spec.args if a.required}
    starter = {k: v for k, v in spec.starter.items() if k in required}
    return make_layer(class_name, starter).get_config()


def _is_auto_name(layer: Any, spec: LayerSpec) -> bool:
    """True when Keras, not the user, named ``layer``.

    A layer made by build_model knows (``NAME_GIVEN``), so a spec's names come back
    exactly, "dense_7" included. For any other layer the name is all there is: one
    of the form Keras generates ("dense", "dense_7") is taken as automatic.
    """
    given = getattr(layer, NAME_GIVEN, None)
    if isinstance(given, bool):
        return not given
    return re.fullmatch(rf"{re.escape(spec.auto_name)}(_\d+)?", layer.name) is not None


def _layer_entry(layer: Any, label: str, *, inside: str | None = None) -> dict[str, Any]:
    """The spec entry ``{"class_name", "config"}`` of one Keras layer."""
    class_name = type(layer).__name__
    spec = layer_spec(class_name)
    if spec is None or type(layer) is not getattr(keras().layers, class_name, None):
        kind = "a custom subclass" if spec is not None else "not in the catalog"
        raise _refuse(
            f"{label} is a {class_name}, which is {kind}: a spec can only hold the catalog's layers "
            f"({', '.join(layer_class_names())}).",
            "class_name",
            class_name,
            "a catalog layer class",
        )
    config = layer.get_config()
    defaults = _default_config(class_name)
    if config.get("trainable") is False:
        raise _refuse(f"{label} is frozen (trainable=False), which a spec cannot express.", "trainable", "False")
    policy = getattr(getattr(layer, "dtype_policy", None), "name", "float32")
    if policy != "float32":
        raise _refuse(
            f"{label} uses the dtype policy {policy!r}; a spec describes float32 layers only.", "dtype", policy
        )
    entry: dict[str, Any] = {}
    for key, value in config.items():
        if key in _BASE_KEYS:
            continue
        arg = spec.arg(key)
        if arg is None:
            if class_name == "Bidirectional" and key == "backward_layer":
                _check_backward(layer, label)
                continue
            if inside == "Bidirectional" and key in _SET_BY_BIDIRECTIONAL:
                continue
            if key in defaults and value == defaults[key]:
                continue
            raise _refuse(
                f"{label} sets `{key}`={show(value)}, which a spec cannot express.",
                key,
                show(value),
                f"{key}={show(defaults.get(key))}",
            )
        if arg.kind == "layer":
            inner = layer.forward_layer if class_name == "Bidirectional" else layer.layer
            entry[key] = _layer_entry(inner, f"the layer inside {label}", inside=class_name)
            continue
        converted = spec_value(arg.kind, key, value)
        if arg.kind == "initializer" and converted is None:
            raise _refuse(
                f"{label} sets `{key}` to an initializer with custom settings ({show(value)}); a spec names "
                "initializers only with their default settings.",
                key,
                show(value),
                "one of: " + ", ".join(arg.choices or ()),
            )
        if arg.kind == "activation" and converted not in (arg.choices or ()):
            raise _refuse(
                f"{label} uses the activation {show(converted)}, which a spec cannot name.",
                key,
                show(converted),
                "one of: " + ", ".join(arg.choices or ()),
            )
        if arg.kind == "float" and isinstance(converted, int):
            converted = float(converted)
        pool_size = spec_value("int_tuple", "pool_size", config.get("pool_size"))
        if key == "strides" and arg.optional and converted == pool_size:
            converted = None  # Keras stores strides=None as "same as pool_size"
        if arg.required or converted != arg.default:
            entry[key] = converted
    order = {name: i for i, name in enumerate(spec.signature_order)}
    entry = {k: entry[k] for k in sorted(entry, key=lambda k: order.get(k, len(order)))}
    if inside is None and not _is_auto_name(layer, spec):
        entry["name"] = layer.name
    return {"class_name": class_name, "config": entry}


def _check_backward(layer: Any, label: str) -> None:
    forward, backward = layer.forward_layer.get_config(), layer.backward_layer.get_config()
    ignored = {"name", "go_backwards"}
    same_class = type(layer.forward_layer) is type(layer.backward_layer)
    if not same_class or {k: v for k, v in forward.items() if k not in ignored} != {
        k: v for k, v in backward.items() if k not in ignored
    }:
        raise _refuse(
            f"{label} has a backward_layer that is not a mirror of its forward layer; a spec cannot express it.",
            "backward_layer",
        )


def _histories(value: Any) -> list[list[Any]]:
    """Every ``keras_history`` ([layer, node, tensor]) inside a serialized node."""
    found: list[list[Any]] = []
    if isinstance(value, Mapping):
        config = value.get("config")
        if value.get("class_name") == "__keras_tensor__" and isinstance(config, Mapping):
            found.append(list(config.get("keras_history", [])))
        else:
            for item in value.values():
                found.extend(_histories(item))
    elif isinstance(value, (list, tuple)):
        for item in value:
            found.extend(_histories(item))
    return found


def _names(endpoints: Any) -> list[str]:
    # A single endpoint serializes as [name, node, tensor], several as a list of those.
    if endpoints and isinstance(endpoints[0], str):
        return [endpoints[0]]
    return [e[0] for e in endpoints or []]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _quoted(names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _functional_chain(model: Any) -> list[Any]:
    """The layers of a functional model in order, if they form a single chain."""
    config = model.get_config()
    inputs, outputs = _names(config.get("input_layers")), _names(config.get("output_layers"))
    if len(inputs) != 1 or len(outputs) != 1:
        raise _refuse(
            f"The model has {_count(len(inputs), 'input')} and {_count(len(outputs), 'output')}: only single chains "
            "(one input, one output) can be turned into a spec.",
            "inputs",
        )
    consumers: dict[str, list[str]] = {}
    non_input: list[str] = []
    for entry in config["layers"]:
        name = entry["name"]
        if entry.get("class_name") == "InputLayer":
            continue
        non_input.append(name)
        nodes = entry.get("inbound_nodes") or []
        if len(nodes) != 1:
            raise _refuse(
                f"layer {name!r} is called {len(nodes)} times (a shared layer): only single chains can be "
                "turned into a spec.",
                "layers",
            )
        sources = [history[0] for history in _histories(nodes[0])]
        if len(sources) != 1:
            raise _refuse(
                f"layer {name!r} has {len(sources)} inputs (from {_quoted(sources)}): only single chains can "
                "be turned into a spec.",
                "layers",
            )
        consumers.setdefault(sources[0], []).append(name)
    order: list[str] = []
    current = inputs[0]
    while consumers.get(current):
        following = consumers[current]
        if len(following) > 1:
            raise _refuse(
                f"layer {current!r} feeds {len(following)} layers ({_quoted(following)}): only single chains "
                "can be turned into a spec.",
                "layers",
            )
        current = following[0]
        order.append(current)
    if current != outputs[0] or len(order) != len(non_input):
        raise _refuse(
            f"The layers from {inputs[0]!r} to {outputs[0]!r} are not one chain through every layer: only "
            "single chains can be turned into a spec.",
            "layers",
        )
    return [model.get_layer(name) for name in order]


def _float32_shortest(value: float) -> float:
    # Keras keeps the learning rate in a float32 variable: 0.001 reads back as
    # 0.0010000000474974513. The shortest decimal that is the same float32 is what
    # the user wrote.
    return float(str(np.float32(value)))


def _compile_entry(model: Any) -> dict[str, Any] | None:
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        return None
    settings = model.get_compile_config() or {}
    optimizer = model.optimizer
    name = type(optimizer).__name__.lower()
    if name not in optimizer_names() or type(optimizer) is not optimizer_class(name):
        raise _refuse(
            f"The model is compiled with the optimizer {type(optimizer).__name__}, which a spec cannot name. "
            f"Expected one of: {', '.join(optimizer_names())}.",
            "optimizer",
            type(optimizer).__name__,
        )
    config = optimizer.get_config()
    learning_rate = config.get("learning_rate")
    if not is_number(learning_rate):
        raise _refuse(
            "The model's learning rate is a schedule; a spec holds a fixed learning_rate.",
            "learning_rate",
            show(learning_rate),
        )
    default = _default_optimizer_config(name)
    for key, value in config.items():
        if key not in ("name", "learning_rate") and value != default.get(key):
            raise _refuse(
                f"The model's optimizer sets `{key}`={show(value)}, which a spec cannot express (only learning_rate).",
                key,
                show(value),
            )
    loss = settings.get("loss")
    from_logits = False
    if isinstance(loss, Mapping):
        loss_name = snake_case(str(loss.get("class_name")))
        cls = loss_classes().get(loss_name)
        loss_config = dict(loss.get("config") or {})
        from_logits = bool(loss_config.pop("from_logits", False))
        default_loss = {k: v for k, v in cls().get_config().items() if k != "from_logits"} if cls else None
        if cls is None or loss_name not in loss_names() or loss_config != default_loss:
            raise _refuse(
                f"The model's loss {loss.get('class_name')} has settings a spec cannot express (only from_logits).",
                "loss",
                show(loss),
            )
        loss = loss_name
    if loss not in loss_names():
        raise _refuse(f"The model's loss {show(loss)} is not one a spec can name.", "loss", show(loss))
    metrics = settings.get("metrics") or []
    if not isinstance(metrics, (list, tuple)) or not all(m in metric_names() for m in metrics):
        raise _refuse(
            f"The model's metrics {show(metrics)} are not all names a spec can hold.", "metrics", show(metrics)
        )
    for key in ("loss_weights", "weighted_metrics"):
        if settings.get(key) is not None:
            raise _refuse(f"The model is compiled with {key}, which a spec cannot express.", key)
    entry: dict[str, Any] = {
        "optimizer": name,
        "learning_rate": _float32_shortest(learning_rate),
        "loss": loss,
        "metrics": list(metrics),
    }
    if from_logits:
        entry["from_logits"] = True
    return entry


@functools.cache
def _default_optimizer_config(name: str) -> dict[str, Any]:
    return optimizer_class(name)().get_config()


def spec_from_model(model: Any) -> dict[str, Any]:
    """Describe a Keras model as a spec (the inverse of :func:`build_model`).

    Args:
        model: A ``keras.Sequential`` with a known input shape, or a functional
            ``keras.Model`` whose layers form a single chain.

    Returns:
        The canonical spec: configs reduced to what differs from each class's
        defaults, auto-generated names dropped (for a model from
        :func:`build_model`, exactly the names its spec did not give; for others,
        names of Keras's automatic form such as "dense_7"), ``compile`` included
        when the model is compiled.

    Raises:
        SpecError: Naming the part of the model a spec cannot hold: a branch or merge
            ("layer 'add' has 2 inputs (from 'dense_1' and 'dense_2')"), a layer
            outside the catalog, or a setting a spec cannot express.

    Example:
        >>> from nbkeras._keras import keras
        >>> model = keras().Sequential([keras().Input((4,)), keras().layers.Dense(2, name="out")])
        >>> spec_from_model(model)
        {'input_shape': [4], 'layers': [{'class_name': 'Dense', 'config': {'units': 2, 'name': 'out'}}]}
    """
    k = keras()
    if not isinstance(model, k.Model):
        raise _refuse(f"Expected a keras.Model; received {type(model).__name__}.", "model", type(model).__name__)
    if isinstance(model, k.Sequential):
        layers = list(model.layers)
    else:
        layers = _functional_chain(model)
    try:
        inputs = model.inputs
    except Exception:  # noqa: BLE001 - Keras raises different errors for unbuilt models
        inputs = None
    if not inputs:
        raise _refuse(
            "The model has no input shape yet: start it with keras.Input(shape=...) or build it.", "input_shape"
        )
    tensor = inputs[0]
    spec: dict[str, Any] = {"input_shape": list(tensor.shape[1:])}
    dtype = str(tensor.dtype)
    if dtype != "float32":
        spec["input_dtype"] = dtype
    spec["layers"] = [
        _layer_entry(layer, f"layer {layer.name!r}") for layer in layers if type(layer).__name__ != "InputLayer"
    ]
    compile_ = _compile_entry(model)
    if compile_ is not None:
        spec["compile"] = compile_
    # The result must itself be a valid spec (and canonical): check rather than trust.
    return normalize_spec(spec)
