"""Write a spec as Keras 3 source code, as a person would write it.

::

    import keras

    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        keras.layers.Conv2D(16, 3, activation="relu"),
        ...
    ])
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.001),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )

Every value is written as a Python literal and checked to read back as the same value
(:func:`ast.literal_eval`), so a string from the spec (a layer name such as
``x"); import os; os.system("...") #``) can only ever be a string in the code. Class
and argument names come from the catalog, never from the spec's text.
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Mapping
from typing import Any

from nbkeras.builder.catalog import layer_spec
from nbkeras.builder.compile_settings import logits_loss_class, optimizer_class
from nbkeras.builder.spec import normalize_spec

__all__ = ["spec_to_code"]

_INDENT = "    "
# Arguments written without their name when present, as in Keras's own examples:
# every required argument, and the window of a pooling layer (MaxPooling2D(2)).
_POSITIONAL_WHEN_FIRST = frozenset({"pool_size"})


def _literal(value: Any) -> str:
    """Python source for a JSON value; raises if it would not read back identically."""
    if isinstance(value, bool) or value is None:
        text = repr(value)
    elif isinstance(value, int):
        text = str(int(value))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("a spec never holds NaN or Infinity")  # normalize_spec refuses them first
        text = repr(float(value))
    elif isinstance(value, str):
        # Double quotes read like the Keras docs; json.dumps escapes quotes and
        # backslashes. The literal_eval check below catches the rare string where
        # JSON and Python escapes differ (lone surrogates); repr() is always exact.
        text = json.dumps(value)
        try:
            if ast.literal_eval(text) != value:
                text = repr(value)
        except (ValueError, SyntaxError):
            text = repr(value)
    elif isinstance(value, (list, tuple)):
        items = [_literal(v) for v in value]
        text = "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    else:
        raise TypeError(f"cannot write {type(value).__name__} as a literal")
    if ast.literal_eval(text) != (tuple(value) if isinstance(value, list) else value):
        raise ValueError(f"the literal {text!r} does not read back as the value")  # pragma: no cover
    return text


def _layer_call(class_name: str, config: Mapping[str, Any]) -> str:
    spec = layer_spec(class_name)
    assert spec is not None  # canonical specs name catalog classes only
    order = list(spec.signature_order)
    positional: list[str] = []
    keywords: list[str] = []
    # Leading arguments, in signature order, are positional while they are present and
    # required (Dense(32), Conv2D(16, 3)) or a pooling window (MaxPooling2D(2)).
    leading = True
    for index, name in enumerate(order):
        if name not in config:
            leading = False
            continue
        arg = spec.arg(name)
        value = config[name]
        if arg is not None and arg.kind == "layer":
            rendered = _layer_call(value["class_name"], value["config"])
        else:
            rendered = _literal(value)
        is_leading = leading and arg is not None and (arg.required or (index == 0 and name in _POSITIONAL_WHEN_FIRST))
        if is_leading:
            positional.append(rendered)
        else:
            leading = False
            keywords.append(f"{name}={rendered}")
    if "name" in config:
        keywords.append(f"name={_literal(config['name'])}")
    return f"keras.layers.{class_name}({', '.join(positional + keywords)})"


def spec_to_code(spec: Mapping[str, Any]) -> str:
    """Keras 3 Python source that builds (and compiles) the model a spec describes.

    Args:
        spec: A model spec (its form is checked; shapes are not).

    Returns:
        Source code ending in a newline; running it defines ``model``.

    Raises:
        SpecError: When the spec's form is invalid.

    Example:
        >>> print(spec_to_code({"input_shape": [4], "layers": [
        ...     {"class_name": "Dense", "config": {"units": 2, "activation": "softmax"}}],
        ...     "compile": {"optimizer": "adam", "loss": "sparse_categorical_crossentropy"}}))
        import keras
        <BLANKLINE>
        model = keras.Sequential([
            keras.Input(shape=(4,)),
            keras.layers.Dense(2, activation="softmax"),
        ])
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=0.001),
            loss="sparse_categorical_crossentropy",
            metrics=[],
        )
        <BLANKLINE>
    """
    canonical = normalize_spec(spec)
    input_args = f"shape={_literal(canonical['input_shape'])}"
    if "input_dtype" in canonical:
        input_args += f", dtype={_literal(canonical['input_dtype'])}"
    lines = ["import keras", "", "model = keras.Sequential([", f"{_INDENT}keras.Input({input_args}),"]
    lines += [f"{_INDENT}{_layer_call(e['class_name'], e['config'])}," for e in canonical["layers"]]
    lines.append("])")
    compile_ = canonical.get("compile")
    if compile_:
        optimizer = optimizer_class(compile_["optimizer"]).__name__
        loss = _literal(compile_["loss"])
        if compile_.get("from_logits"):
            loss = f"keras.losses.{logits_loss_class(compile_['loss']).__name__}(from_logits=True)"
        metrics = "[" + ", ".join(_literal(m) for m in compile_["metrics"]) + "]"
        lines += [
            "model.compile(",
            f"{_INDENT}optimizer=keras.optimizers.{optimizer}(learning_rate={_literal(compile_['learning_rate'])}),",
            f"{_INDENT}loss={loss},",
            f"{_INDENT}metrics={metrics},",
            ")",
        ]
    return "\n".join(lines) + "\n"
