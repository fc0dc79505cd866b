"""The model spec: a JSON-able description of a Sequential model in Keras's vocabulary.

::

    {"input_shape": [8, 8, 1],
     "layers": [{"class_name": "Conv2D", "config": {"filters": 16, "kernel_size": 3, "activation": "relu"}},
                {"class_name": "Flatten", "config": {}},
                {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}],
     "compile": {"optimizer": "adam", "learning_rate": 0.001,
                 "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}}

``input_dtype`` (e.g. ``"int32"`` before an ``Embedding``) is optional, and so is
``compile``. A layer's ``config`` holds only what differs from Keras's defaults, plus an
optional ``"name"`` that TensorFlow can use as a scope (``LAYER_NAME_PATTERN``: ASCII
letters, digits, ``._-``, and ``>`` between parts). NumPy scalars are read as the
Python scalars they hold. Wrappers hold their layer as a nested spec:
``{"class_name": "Bidirectional", "config": {"layer": {"class_name": "LSTM", "config":
{"units": 64}}}}``.

This module checks a spec's *form* (known classes and arguments, values of the right
kind and range) without building anything; :func:`nbkeras.builder.check_spec` adds the
shapes. :func:`load_spec` reads JSON text that may come from anyone: it refuses NaN,
Infinity, duplicate keys, oversize input, and anything outside the catalog, and it never
hands a config to Keras's deserializer.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbkeras._validate import closest, did_you_mean, is_bool, is_int, is_number
from nbkeras.builder.catalog import (
    COLLAPSIBLE,
    MAX_INT,
    ArgSpec,
    LayerSpec,
    layer_class_names,
    layer_spec,
)
from nbkeras.builder.compile_settings import validate_compile
from nbkeras.builder.errors import SpecError, SpecIssue, invalid_value, show, where
from nbkeras.builder.values import python_scalars

__all__ = ["dump_spec", "insert_position", "load_spec", "normalize_spec", "output_layer_position"]

SPEC_KEYS = ("input_shape", "input_dtype", "layers", "compile")
LAYER_KEYS = ("class_name", "config")
INPUT_DTYPES = ("float32", "float64", "float16", "bfloat16", "int32", "int64")
DEFAULT_INPUT_DTYPE = "float32"

# Limits that keep a hostile or mistyped spec from costing much. A real Sequential
# model for teaching has tens of layers and a rank of at most 5.
MAX_SPEC_BYTES = 1_000_000
MAX_LAYERS = 500
MAX_INPUT_RANK = 7
MAX_NAME_LENGTH = 128
MAX_TARGET_RANK = 7

# A layer's name becomes a TensorFlow name scope and a prefix of its graph nodes'
# names, so it must follow TensorFlow's rules, or fit()/predict() fail later ("'hidden 1'
# is not a valid scope name"), and the failed call can leave TensorFlow's scope stack
# broken for every later fit in the session. The rule is the strictest TensorFlow
# applies: a scope at the root (tensorflow/python/framework/ops.py,
# _VALID_OP_NAME_REGEX, ``[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*``) narrowed by the graph's
# node names (tensorflow/core/framework/node_def_util.cc, IsValidNodeName: no
# backslash, and a '>' must be followed by a letter, digit or '.'), without '/',
# which Keras forbids in a layer's name.
_NAME_PART = r"[A-Za-z0-9.][A-Za-z0-9_.-]*"
LAYER_NAME_PATTERN = rf"{_NAME_PART}(?:>{_NAME_PART})*"
_LAYER_NAME = re.compile(LAYER_NAME_PATTERN)
NAME_RULE = (
    f"a name of at most {MAX_NAME_LENGTH} characters that TensorFlow accepts: ASCII letters, digits, '.', "
    "'_' and '-', starting with a letter, digit or '.' (a '>' may join two such names)"
)


@dataclass
class CheckedLayer:
    """One layer of a spec after the form check (shapes are checked later).

    Attributes:
        position: 1-based.
        class_name: As written (a string for display even when invalid).
        config: Canonical config, or None when the layer has issues.
        issues: What is wrong with the layer's form.
    """

    position: int
    class_name: str
    config: dict[str, Any] | None
    issues: list[SpecIssue] = field(default_factory=list)

    @property
    def name(self) -> str | None:
        """The user-given layer name, if any."""
        return (self.config or {}).get("name")


@dataclass
class CheckedSpec:
    """A spec after the form check.

    Attributes:
        input_shape: Per-sample shape (no batch axis), or None when invalid.
        input_dtype: The input's dtype (``"float32"`` unless given).
        layers: One :class:`CheckedLayer` per layer entry.
        compile: Canonical compile settings, or None (absent or invalid).
        issues: Problems outside the layers (spec keys, input, compile).
    """

    input_shape: tuple[int | None, ...] | None
    input_dtype: str
    layers: list[CheckedLayer]
    compile: dict[str, Any] | None
    issues: list[SpecIssue]

    @property
    def all_issues(self) -> list[SpecIssue]:
        """Spec-level issues first, then each layer's, then compile's, in order."""
        layer_issues = [issue for layer in self.layers for issue in layer.issues]
        top = [i for i in self.issues if i.class_name != "compile"]
        compile_issues = [i for i in self.issues if i.class_name == "compile"]
        return top + layer_issues + compile_issues

    def canonical(self) -> dict[str, Any]:
        """The canonical spec (call only when there are no issues)."""
        spec: dict[str, Any] = {"input_shape": list(self.input_shape or ())}
        if self.input_dtype != DEFAULT_INPUT_DTYPE:
            spec["input_dtype"] = self.input_dtype
        spec["layers"] = [{"class_name": layer.class_name, "config": layer.config} for layer in self.layers]
        if self.compile is not None:
            spec["compile"] = self.compile
        return spec


# --- argument values ---------------------------------------------------------------


class _Bad(Exception):
    """A value does not fit its argument: ``expected`` says what would (and ``fix`` how)."""

    def __init__(self, expected: str, fix: str = "") -> None:
        super().__init__(expected)
        self.expected = expected
        self.fix = fix


def _in_bounds(arg: ArgSpec, number: float) -> bool:
    if arg.minimum is not None and (number < arg.minimum or (number == arg.minimum and not arg.minimum_inclusive)):
        return False
    return not (
        arg.maximum is not None and (number > arg.maximum or (number == arg.maximum and not arg.maximum_inclusive))
    )


def _coerce_int(arg: ArgSpec, value: Any) -> int:
    if not is_int(value):
        fix = f"Write {int(value)}." if is_number(value) and math.isfinite(value) and float(value).is_integer() else ""
        raise _Bad(arg.expected(), fix)
    number = int(value)
    if not _in_bounds(arg, number) or abs(number) > MAX_INT:
        raise _Bad(arg.expected())
    return number


def _coerce_float(arg: ArgSpec, value: Any) -> float:
    if not is_number(value) or not math.isfinite(float(value)):
        raise _Bad(arg.expected() + " (finite)")
    number = float(value)
    if not _in_bounds(arg, number):
        raise _Bad(arg.expected())
    return number


def _coerce_int_tuple(arg: ArgSpec, value: Any) -> int | list[int]:
    if is_int(value) and arg.name in COLLAPSIBLE:
        return _coerce_int(arg, value)
    if not isinstance(value, (list, tuple)) or not all(is_int(v) for v in value):
        raise _Bad(arg.expected())
    items = [int(v) for v in value]
    if arg.name == "target_shape":
        if not 1 <= len(items) <= MAX_TARGET_RANK:
            raise _Bad(f"a list of 1 to {MAX_TARGET_RANK} dimensions")
        if any(v == 0 or v < -1 or v > MAX_INT for v in items) or items.count(-1) > 1:
            raise _Bad(arg.expected(), "Only one dimension can be -1 (Keras infers it).")
        return items
    if arg.length is not None and len(items) != arg.length:
        raise _Bad(arg.expected())
    if any(not _in_bounds(arg, v) for v in items) or not items:
        raise _Bad(arg.expected())
    return items[0] if arg.name in COLLAPSIBLE and all(v == items[0] for v in items) else items


def _coerce(arg: ArgSpec, value: Any) -> Any:
    """Return ``value`` in canonical form for ``arg``, or raise :class:`_Bad`."""
    if value is None and arg.optional:
        return None
    kind = arg.kind
    if kind == "int":
        return _coerce_int(arg, value)
    if kind == "float":
        return _coerce_float(arg, value)
    if kind == "bool":
        if not is_bool(value):
            raise _Bad(arg.expected())
        return bool(value)
    if kind in ("choice", "activation", "initializer"):
        if not isinstance(value, str) or value not in (arg.choices or ()):
            raise _Bad(arg.expected(), did_you_mean(closest(value, list(arg.choices or ()))))
        return value
    if kind == "str":
        if not isinstance(value, str):
            raise _Bad(arg.expected())
        return value
    if kind == "int_tuple":
        return _coerce_int_tuple(arg, value)
    raise _Bad(f"a value of kind {kind}")  # pragma: no cover - every kind is handled above


# --- layers ------------------------------------------------------------------------


def valid_layer_name(value: Any) -> bool:
    """True when ``value`` is a layer name Keras and TensorFlow both accept (see ``NAME_RULE``)."""
    return isinstance(value, str) and len(value) <= MAX_NAME_LENGTH and _LAYER_NAME.fullmatch(value) is not None


def suggest_layer_name(value: Any) -> str | None:
    """A valid name close to ``value`` ("hidden 1" → "hidden_1", "ümlaut" → "umlaut"), or None."""
    if not isinstance(value, str):
        return None
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9_.-]+", "_", ascii_text)
    text = re.sub(r"_{2,}", "_", text).strip("_-")[:MAX_NAME_LENGTH]
    return text if valid_layer_name(text) else None


def _check_name(value: Any, place: str, position: int, class_name: str) -> SpecIssue | None:
    if valid_layer_name(value):
        return None
    suggestion = suggest_layer_name(value)
    return invalid_value(
        place,
        "name",
        value,
        NAME_RULE,
        fix=f"For example name={suggestion!r}." if suggestion else "",
        position=position,
        class_name=class_name,
    )


def _check_config(
    spec: LayerSpec, config: Any, position: int, outer: str | None
) -> tuple[dict[str, Any] | None, list[SpecIssue]]:
    """Canonical config of one layer (wrapped or not), or None with its issues."""
    class_name = spec.class_name
    place = where(position, class_name, outer)
    if config is None:
        config = {}
    if not isinstance(config, Mapping):
        expected = "a mapping of argument names to values, e.g. {'units': 32}"
        return None, [invalid_value(place, "config", config, expected, position=position, class_name=class_name)]
    issues: list[SpecIssue] = []
    values: dict[str, Any] = {}
    allowed = list(spec.arg_names) + ([] if outer else ["name"])
    for key, value in config.items():
        if key == "name" and not outer:
            issue = _check_name(value, place, position, class_name)
            if issue:
                issues.append(issue)
            else:
                values["name"] = value
            continue
        arg = spec.arg(key) if isinstance(key, str) else None
        if arg is None:
            shown = key if isinstance(key, str) and key.isidentifier() else show(key)
            close = closest(key, allowed)
            fix = did_you_mean(close, quote=False) if close else ""
            if isinstance(key, str) and key in ("name",) and outer:
                fix = f"Name the {outer} layer instead."
            expected = f"one of the arguments of {class_name}: {', '.join(allowed)}"
            received = f"{shown}={show(value)}"
            message = f"Unknown argument `{shown}` of {place}. Received: {received}. Expected {expected}."
            full = message + (f" {fix}" if fix else "")
            issues.append(SpecIssue(full, position, class_name, str(shown), received, expected, fix))
            continue
        if arg.kind == "layer":
            inner, inner_issues = _check_wrapped(spec, value, position)
            issues.extend(inner_issues)
            values[key] = inner
            continue
        try:
            values[key] = _coerce(arg, value)
        except _Bad as bad:
            issues.append(
                invalid_value(place, key, value, bad.expected, fix=bad.fix, position=position, class_name=class_name)
            )
    for arg in spec.args:
        if arg.required and arg.name not in config:
            example = spec.starter.get(arg.name)
            fix = f"Add {arg.name}={json.dumps(example)}." if example is not None and arg.kind != "layer" else ""
            received = f"no {arg.name}"
            message = (
                f"Missing required argument `{arg.name}` of {place}. Received: {received}. Expected {arg.expected()}."
            )
            issues.append(
                SpecIssue(
                    message + (f" {fix}" if fix else ""), position, class_name, arg.name, received, arg.expected(), fix
                )
            )
    if issues:
        return None, issues
    # Canonical: signature order, defaults dropped (a spec says only what differs).
    order = {name: i for i, name in enumerate(spec.signature_order)}
    canonical = {
        key: values[key]
        for key in sorted(values, key=lambda k: order.get(k, len(order)))
        if key == "name" or spec.arg(key).required or values[key] != spec.arg(key).default
    }
    return canonical, []


def _check_wrapped(wrapper: LayerSpec, value: Any, position: int) -> tuple[dict[str, Any] | None, list[SpecIssue]]:
    place = where(position, wrapper.class_name)
    allowed = wrapper.wraps
    expected = f"a layer spec {{'class_name': ..., 'config': {{...}}}} with class_name one of: {', '.join(allowed)}"
    if not isinstance(value, Mapping) or set(value) - set(LAYER_KEYS) or "class_name" not in value:
        return None, [invalid_value(place, "layer", value, expected, position=position, class_name=wrapper.class_name)]
    inner_class = value["class_name"]
    if inner_class not in allowed:
        fix = did_you_mean(closest(inner_class, list(allowed)))
        return None, [
            invalid_value(
                place,
                "layer",
                inner_class,
                f"class_name one of: {', '.join(allowed)} ({wrapper.class_name} wraps only these)",
                fix=fix,
                position=position,
                class_name=wrapper.class_name,
                received=f"layer.class_name={show(inner_class)}",
            )
        ]
    inner_spec = layer_spec(inner_class)
    assert inner_spec is not None  # wraps lists catalog classes only
    config, issues = _check_config(inner_spec, value.get("config"), position, wrapper.class_name)
    if config is None:
        return None, issues
    return {"class_name": inner_class, "config": config}, []


def check_layer(entry: Any, position: int) -> CheckedLayer:
    """Check the form of one layer entry ``{"class_name": ..., "config": {...}}``."""
    entry = python_scalars(entry)
    if not isinstance(entry, Mapping):
        expected = "a mapping {'class_name': ..., 'config': {...}}"
        issue = invalid_value(f"the layer at position {position}", "layer", entry, expected, position=position)
        return CheckedLayer(position, "?", None, [issue])
    class_name = entry.get("class_name")
    shown_class = class_name if isinstance(class_name, str) and len(class_name) <= 60 else show(class_name)
    issues: list[SpecIssue] = []
    for key in entry:
        if key not in LAYER_KEYS:
            shown = key if isinstance(key, str) and key.isidentifier() else show(key)
            received = f"{shown}={show(entry[key])}"
            fix = (
                f"Move `{shown}` into config."
                if isinstance(key, str) and class_name in layer_class_names() and layer_spec(class_name).arg(key)
                else ""
            )
            message = (
                f"Unknown key `{shown}` in the layer at position {position}. Received: {received}. "
                f"Expected only: class_name, config."
            )
            issues.append(
                SpecIssue(
                    message + (f" {fix}" if fix else ""),
                    position,
                    shown_class,
                    str(shown),
                    received,
                    "only class_name and config",
                    fix,
                )
            )
    if not isinstance(class_name, str) or class_name not in layer_class_names():
        names = layer_class_names()
        close = closest(class_name, list(names))
        fix = did_you_mean(close, quote=False)
        expected = f"one of the catalog's layers: {', '.join(names)}"
        received = f"class_name={show(class_name)}"
        message = (
            f"Unknown layer class {show(class_name)} at position {position}. Received: {received}. "
            f"Expected {expected}." + (f" {fix}" if fix else "")
        )
        issues.append(SpecIssue(message, position, shown_class, "class_name", received, expected, fix))
        return CheckedLayer(position, shown_class, None, issues)
    config, config_issues = _check_config(layer_spec(class_name), entry.get("config"), position, None)
    issues.extend(config_issues)
    return CheckedLayer(position, class_name, None if issues else config, issues)


# --- the whole spec ----------------------------------------------------------------


# Where a new layer goes when no position is given: above the model's output layer.
# Dense (or TimeDistributed, which wraps one) gives the outputs their width; an
# Activation right after it (Dense(10) then Activation("softmax")) belongs to it.
_OUTPUT_CLASSES = frozenset({"Dense", "TimeDistributed"})


def output_layer_position(layers: Any) -> int | None:
    """The 1-based position where the model's output part starts, or None if it has none.

    The output part is the last layer when it is a ``Dense`` or ``TimeDistributed``
    (the layer that produces the outputs), together with an ``Activation`` layer right
    after it. Anything else last (Flatten, an RNN, pooling) is not an output layer.

    Example:
        >>> output_layer_position([{"class_name": "Flatten"}, {"class_name": "Dense"}])
        2
        >>> output_layer_position([{"class_name": "Dense"}, {"class_name": "Activation"}])
        1
        >>> output_layer_position([{"class_name": "Dense"}, {"class_name": "Flatten"}]) is None
        True
    """
    classes = [entry.get("class_name") if isinstance(entry, Mapping) else None for entry in layers or []]
    end = len(classes)
    if end and classes[-1] == "Activation":
        end -= 1
    if end and classes[end - 1] in _OUTPUT_CLASSES:
        return end
    return None


def insert_position(layers: Any, selected: int | None = None) -> int:
    """Where a new layer goes (1-based, as ``add_layer``'s ``position``) when none is given.

    Below the selected layer when one is selected; else above the output layer (see
    :func:`output_layer_position`); else at the end.

    Example:
        >>> cnn = [{"class_name": "Conv2D"}, {"class_name": "Flatten"}, {"class_name": "Dense"}]
        >>> insert_position(cnn), insert_position(cnn, selected=1), insert_position(cnn[:2])
        (3, 2, 3)
    """
    count = len(layers or [])
    if selected is not None and 1 <= selected <= count:
        return selected + 1
    head = output_layer_position(layers)
    return head if head is not None else count + 1


def _check_input_shape(value: Any) -> tuple[tuple[int | None, ...] | None, list[SpecIssue]]:
    expected = (
        f"a list of 1 to {MAX_INPUT_RANK} positive integers (or null for a length that varies), "
        "one per axis of a sample without the batch axis, e.g. [28, 28, 1]"
    )
    ok = isinstance(value, (list, tuple)) and 1 <= len(value) <= MAX_INPUT_RANK
    ok = ok and all(v is None or (is_int(v) and 1 <= int(v) <= MAX_INT) for v in value)
    if not ok:
        fix = ""
        if isinstance(value, (list, tuple)) and not value:
            fix = "A Dense network on 2 features has input_shape [2]."
        elif is_int(value):
            fix = f"Write [{value}]."
        return None, [invalid_value("the spec", "input_shape", value, expected, fix=fix)]
    return tuple(None if v is None else int(v) for v in value), []


def check_form(spec: Any) -> CheckedSpec:
    """Check everything about a spec that needs no shapes; never raises.

    Args:
        spec: Anything (a dict is expected).

    Returns:
        A :class:`CheckedSpec`; ``all_issues`` is empty when the form is valid.
    """
    spec = python_scalars(spec)
    if not isinstance(spec, Mapping):
        expected = "a mapping with input_shape, layers and optionally input_dtype and compile"
        return CheckedSpec(None, DEFAULT_INPUT_DTYPE, [], None, [invalid_value("the model", "spec", spec, expected)])
    issues: list[SpecIssue] = []
    for key in spec:
        if key not in SPEC_KEYS:
            shown = key if isinstance(key, str) and key.isidentifier() else show(key)
            close = closest(key, list(SPEC_KEYS))
            fix = did_you_mean(close, quote=False)
            received = f"{shown}={show(spec[key])}"
            expected = "only: " + ", ".join(SPEC_KEYS)
            message = f"Unknown key `{shown}` in the spec. Received: {received}. Expected {expected}."
            issues.append(
                SpecIssue(message + (f" {fix}" if fix else ""), None, None, str(shown), received, expected, fix)
            )
    input_shape, shape_issues = _check_input_shape(spec.get("input_shape"))
    issues.extend(shape_issues)
    input_dtype = spec.get("input_dtype", DEFAULT_INPUT_DTYPE)
    if input_dtype not in INPUT_DTYPES:
        fix = did_you_mean(closest(input_dtype, list(INPUT_DTYPES)))
        issues.append(
            invalid_value("the spec", "input_dtype", input_dtype, "one of: " + ", ".join(INPUT_DTYPES), fix=fix)
        )
        input_dtype = DEFAULT_INPUT_DTYPE
    layers_value = spec.get("layers")
    layers: list[CheckedLayer] = []
    if not isinstance(layers_value, (list, tuple)) or not layers_value:
        fix = "Add a layer, e.g. {'class_name': 'Dense', 'config': {'units': 10}}."
        if isinstance(layers_value, (list, tuple)):
            issues.append(
                SpecIssue(
                    f"The spec has no layers. Received: layers=[]. Expected at least one layer. {fix}",
                    None,
                    None,
                    "layers",
                    "layers=[]",
                    "at least one layer",
                    fix,
                )
            )
        else:
            issues.append(invalid_value("the spec", "layers", layers_value, "a non-empty list of layers", fix=fix))
    elif len(layers_value) > MAX_LAYERS:
        issues.append(
            invalid_value(
                "the spec",
                "layers",
                layers_value,
                f"at most {MAX_LAYERS} layers",
                received=f"{len(layers_value)} layers",
            )
        )
    else:
        layers = [check_layer(entry, i + 1) for i, entry in enumerate(layers_value)]
        seen: dict[str, int] = {}
        for layer in layers:
            name = layer.name
            if name is None:
                continue
            if name in seen:
                layer.issues.append(
                    invalid_value(
                        where(layer.position, layer.class_name),
                        "name",
                        name,
                        "a name no other layer has (Keras requires unique names)",
                        fix=f"The layer at position {seen[name]} is already called {name!r}.",
                        position=layer.position,
                        class_name=layer.class_name,
                    )
                )
                layer.config = None
            else:
                seen[name] = layer.position
    compile_ = None
    if "compile" in spec:
        compile_, compile_issues = validate_compile(spec["compile"])
        issues.extend(compile_issues)
    return CheckedSpec(input_shape, input_dtype, layers, compile_, issues)


def normalize_spec(spec: Any) -> dict[str, Any]:
    """Check a spec's form and return its canonical form.

    Canonical means: configs hold only what differs from Keras's defaults, in
    signature order; window sizes with equal entries are one int (``kernel_size: 3``,
    not ``[3, 3]``); lists, not tuples; ``input_dtype`` only when not float32;
    ``compile`` with ``learning_rate`` and ``metrics`` filled in. Shapes are not
    checked here (see :func:`nbkeras.builder.check_spec`).

    Args:
        spec: A model spec.

    Returns:
        A new dict; the input is not modified.

    Raises:
        SpecError: When the spec names an unknown class or argument, or a value does
            not fit its argument.

    Example:
        >>> normalize_spec({"input_shape": (8, 8, 1), "layers": [{"class_name": "Conv2D",
        ...     "config": {"filters": 4, "kernel_size": [3, 3], "padding": "valid"}}]})
        {'input_shape': [8, 8, 1], 'layers': [{'class_name': 'Conv2D', 'config': {'filters': 4, 'kernel_size': 3}}]}
    """
    checked = check_form(spec)
    issues = checked.all_issues
    if issues:
        raise SpecError(issues)
    return checked.canonical()


# --- JSON --------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a spec can hold (JSON has no NaN or Infinity)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large for a float (it would be Infinity)")
    return value


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}: JSON would silently keep only the last value")
        result[key] = value
    return result


def _load_issue(message: str, expected: str, received: str) -> SpecError:
    return SpecError([SpecIssue(message, None, None, "spec", received, expected, "")])


# What a path may name instead of a regular file, for the message.
_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _read_regular_file(path: Path, max_bytes: int, limit: str) -> bytes:
    """At most ``max_bytes + 1`` bytes of a regular file; anything else is refused unread.

    Reading a FIFO, a socket or a device can block forever or never end, so the path
    is opened without blocking (opening a FIFO with no writer would wait for one) and
    the *opened* file is checked, so a path swapped after a check cannot slip through.
    """
    expected = "a regular JSON file"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as error:
        message = f"Cannot read the spec file {str(path)!r}: {error.strerror or error}."
        raise _load_issue(message, "a readable JSON file", str(path)) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = next((name for test, name in _FILE_KINDS if test(info.st_mode)), "not a regular file")
        message = f"Cannot read the spec file {str(path)!r}: it is {kind}. Expected {expected}."
        raise _load_issue(message, expected, kind)
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > max_bytes:
            message = f"The spec file {str(path)!r} is too large: {info.st_size:,} bytes. Expected {limit}."
            raise _load_issue(message, limit, f"{info.st_size:,} bytes")
        try:
            return handle.read(max_bytes + 1)  # the file may grow after fstat()
        except OSError as error:
            message = f"Cannot read the spec file {str(path)!r}: {error.strerror or error}."
            raise _load_issue(message, "a readable JSON file", str(path)) from None


def load_spec(source: str | bytes | os.PathLike[str], *, max_bytes: int = MAX_SPEC_BYTES) -> dict[str, Any]:
    """Read a spec from JSON text or a JSON file, refusing anything unsafe or unknown.

    JSON only: no code runs, no Keras deserializer is called. Refused: input larger
    than ``max_bytes``; a path that is not a regular file (a FIFO, a socket, a device,
    a directory: reading one could block forever), checked before reading;
    ``NaN``/``Infinity`` (and numbers that overflow to it);
    duplicate keys (JSON parsers silently keep the last); unknown keys, layer
    classes outside the catalog (``Lambda`` included) and unknown arguments.

    Args:
        source: JSON text (a string starting with ``{``), bytes, or a file path.
        max_bytes: Size cap, 1 MB by default.

    Returns:
        The canonical spec (see :func:`normalize_spec`).

    Raises:
        SpecError: Saying what was refused and why.

    Example:
        >>> load_spec('{"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": 2}}]}')
        {'input_shape': [4], 'layers': [{'class_name': 'Dense', 'config': {'units': 2}}]}
    """
    limit = f"at most {max_bytes:,} bytes of JSON"
    if isinstance(source, (bytes, bytearray)):
        if len(source) > max_bytes:
            size = f"{len(source):,} bytes"
            raise _load_issue(f"The spec is too large: {size}. Expected {limit}.", limit, size)
        try:
            text = bytes(source).decode("utf-8")
        except UnicodeDecodeError as error:
            message = f"The spec is not UTF-8 text ({error})."
            raise _load_issue(message, "UTF-8 JSON text", "undecodable bytes") from None
    elif isinstance(source, str) and source.lstrip().startswith(("{", "[")):
        text = source
    elif isinstance(source, (str, os.PathLike)):
        return load_spec(_read_regular_file(Path(source), max_bytes, limit), max_bytes=max_bytes)
    else:
        expected = "JSON text, bytes or a path"
        raise _load_issue(f"Cannot read a spec from {show(source)}. Expected {expected}.", expected, show(source))
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > max_bytes:
        raise _load_issue(f"The spec is too large: {size:,} bytes. Expected {limit}.", limit, f"{size:,} bytes")
    try:
        data = json.loads(
            text, parse_constant=_refuse_constant, parse_float=_finite_float, object_pairs_hook=_refuse_duplicates
        )
    except json.JSONDecodeError as error:
        raise _load_issue(
            f"The spec is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.",
            "valid JSON",
            "invalid JSON",
        ) from None
    except RecursionError:
        message = "The spec is nested too deeply to be a model spec."
        raise _load_issue(message, "a model spec", "deeply nested JSON") from None
    except ValueError as error:  # our hooks, or an integer with too many digits
        message = f"The spec was refused: {error}."
        raise _load_issue(message, "plain JSON numbers and unique keys", "refused JSON") from None
    return normalize_spec(data)


def dump_spec(spec: Any, path: str | os.PathLike[str] | None = None) -> str:
    """Write a spec as JSON (canonical form, 2-space indent).

    Args:
        spec: A model spec.
        path: If given, also write the text to this file (UTF-8).

    Returns:
        The JSON text.

    Raises:
        SpecError: When the spec's form is invalid (see :func:`normalize_spec`).

    Example:
        >>> print(dump_spec({"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": 2}}]}))
        {
          "input_shape": [
            4
          ],
          "layers": [
            {
              "class_name": "Dense",
              "config": {
                "units": 2
              }
            }
          ]
        }
    """
    text = json.dumps(normalize_spec(spec), indent=2, allow_nan=False, ensure_ascii=False)
    if path is not None:
        Path(path).write_text(text + "\n", encoding="utf-8")
    return text
