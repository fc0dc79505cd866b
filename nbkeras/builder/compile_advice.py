"""Advice when a spec's loss or metrics do not fit the model's last layer.

The names a ``compile`` part may use and its validation are in
:mod:`.compile_settings` (re-exported here).

Example:

    >>> from nbkeras.builder import compile_warnings, template
    >>> spec = template("cnn")
    >>> spec["compile"]["loss"] = "binary_crossentropy"
    >>> any("softmax" in w for w in compile_warnings(spec))
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nbkeras.builder.compile_settings import (
    COMPILE_KEYS,
    default_learning_rate,
    logits_loss_class,
    loss_names,
    metric_names,
    optimizer_class,
    optimizer_names,
    validate_compile,
)
from nbkeras.builder.errors import SpecError
from nbkeras.builder.spec import normalize_spec

__all__ = [
    "COMPILE_KEYS",
    "advice_for",
    "compile_warnings",
    "default_learning_rate",
    "logits_loss_class",
    "loss_names",
    "metric_names",
    "optimizer_class",
    "optimizer_names",
    "validate_compile",
]

_BINARY_LOSSES = frozenset({"binary_crossentropy", "binary_focal_crossentropy"})
_CATEGORICAL_LOSSES = frozenset({"categorical_crossentropy", "categorical_focal_crossentropy"})
_SPARSE_LOSSES = frozenset({"sparse_categorical_crossentropy"})
_CLASSIFICATION_LOSSES = _BINARY_LOSSES | _CATEGORICAL_LOSSES | _SPARSE_LOSSES
_REGRESSION_LOSSES = frozenset(
    {
        "mean_squared_error", "mse", "mean_absolute_error", "mae", "mean_absolute_percentage_error",
        "mape", "mean_squared_logarithmic_error", "msle", "huber", "log_cosh",
    }
)  # fmt: skip
# Layers that pass their input's values through unchanged in kind: the activation that
# matters for the loss is the one before them.
_PASS_THROUGH = frozenset({"Dropout", "Flatten", "Reshape", "RepeatVector"})
# Activations whose outputs are what a crossentropy loss expects without from_logits:
# a distribution over the classes (each row in [0, 1], summing to 1), or one
# probability in [0, 1] per unit. Any other activation (relu, tanh, elu, ...) gives
# values that are not probabilities, and the loss then clips or mis-scores them.
_DISTRIBUTION_ACTIVATIONS = frozenset({"softmax", "sparsemax"})
_UNIT_PROBABILITY_ACTIVATIONS = frozenset({"sigmoid", "hard_sigmoid", "sparse_sigmoid"})


# --- advice ------------------------------------------------------------------------


def _output_activation(layers: list[dict[str, Any]]) -> tuple[str | None, int | None, str | None, int | None]:
    """(activation, position, class, units) of the layer that decides the output values."""
    for index in range(len(layers) - 1, -1, -1):
        layer = layers[index]
        class_name, config = layer.get("class_name"), layer.get("config") or {}
        if class_name in _PASS_THROUGH:
            continue
        if class_name == "TimeDistributed":
            inner = config.get("layer") or {}
            config = inner.get("config") or {}
            return config.get("activation", "linear"), index + 1, "TimeDistributed", config.get("units")
        if class_name == "Activation":
            return config.get("activation"), index + 1, class_name, None
        if class_name == "Dense":
            return config.get("activation", "linear"), index + 1, class_name, config.get("units")
        if class_name in ("Conv1D", "Conv2D"):
            return config.get("activation", "linear"), index + 1, class_name, config.get("filters")
        return None, index + 1, class_name, None
    return None, None, None, None


def compile_warnings(spec: Mapping[str, Any], report: Any = None) -> list[str]:
    """Say where the loss or metrics do not fit the model's output.

    Catches the classic mismatches: softmax with ``binary_crossentropy``, one sigmoid
    unit with ``categorical``/``sparse_categorical_crossentropy``, ``mse`` on softmax
    probabilities, a linear last layer with a crossentropy loss (a ``from_logits``
    hint), any other activation that gives no probabilities (relu, tanh, ...) with a
    crossentropy loss, ``from_logits`` on an output that already applies an
    activation, and
    accuracy metrics that do not match the labels the loss expects.

    Args:
        spec: A model spec with a ``compile`` part (any spec: an invalid one gives
            no advice rather than an error).
        report: Its :class:`~nbkeras.builder.SpecReport`, if already computed; gives
            the output width when the last layer's config does not.

    Returns:
        Advice sentences, empty when nothing looks wrong.

    Example:
        >>> spec = {"input_shape": [4], "layers": [{"class_name": "Dense",
        ...     "config": {"units": 3, "activation": "softmax"}}],
        ...     "compile": {"optimizer": "adam", "loss": "mse"}}
        >>> "regression loss" in compile_warnings(spec)[0]
        True
    """
    try:
        canonical = normalize_spec(spec)
    except SpecError:
        return []
    return advice_for(canonical, report)


def advice_for(canonical: Mapping[str, Any], report: Any = None) -> list[str]:
    """:func:`compile_warnings` for a spec already in canonical form."""
    compile_ = canonical.get("compile")
    if not compile_:
        return []
    loss, metrics = compile_["loss"], compile_["metrics"]
    from_logits = compile_.get("from_logits", False)
    activation, position, class_name, units = _output_activation(list(canonical["layers"]))
    if report is not None and getattr(report, "layers", None):
        last = report.layers[-1]
        if last.output_shape:
            units = last.output_shape[-1]
    place = f"{class_name} at position {position}" if position else "the last layer"
    advice = _loss_advice(loss, activation, units, from_logits, place)
    advice += _logits_advice(loss, activation, from_logits, place)
    advice += _metric_advice(metrics, loss, activation)
    return advice


def _loss_advice(loss: str, activation: str | None, units: Any, from_logits: bool, place: str) -> list[str]:
    """Where the last layer's activation and width do not fit the loss."""
    advice: list[str] = []
    if activation == "softmax" and units == 1:
        advice.append(
            f"The last layer ({place}) applies softmax to a single unit, which always outputs 1.0: "
            'use activation="sigmoid" for one yes/no output, or one unit per class with softmax.'
        )
    if loss in _BINARY_LOSSES and activation == "softmax" and units != 1:
        advice.append(
            f"{loss} treats each output unit as its own yes/no probability, but the last layer ({place}) "
            'uses softmax, which makes the units compete. For two classes use Dense(1, activation="sigmoid"); '
            "for more classes use categorical_crossentropy (one-hot labels) or "
            "sparse_categorical_crossentropy (integer labels)."
        )
    if loss in _CATEGORICAL_LOSSES | _SPARSE_LOSSES:
        if units == 1:
            advice.append(
                f"{loss} needs one output unit per class, but the last layer ({place}) has 1 unit. "
                'For two classes use binary_crossentropy with Dense(1, activation="sigmoid"), or give '
                "the last layer one unit per class with softmax."
            )
        elif activation == "sigmoid":
            advice.append(
                f"{loss} expects a probability distribution over the classes, but the last layer ({place}) "
                'uses sigmoid. Use activation="softmax".'
            )
        elif not from_logits and activation not in (None, "linear", *_DISTRIBUTION_ACTIVATIONS):
            advice.append(
                f"{loss} expects a probability distribution over the classes, but the last layer ({place}) "
                f'uses {activation}, whose outputs are not probabilities. Use activation="softmax", or no '
                'activation with "from_logits": true.'
            )
    if (
        loss in _BINARY_LOSSES
        and not from_logits
        and activation not in (None, "linear", "softmax", *_UNIT_PROBABILITY_ACTIVATIONS)
    ):
        advice.append(
            f"{loss} expects each output unit to give a probability between 0 and 1, but the last layer "
            f'({place}) uses {activation}, whose outputs are not probabilities. Use activation="sigmoid", or no '
            'activation with "from_logits": true.'
        )
    if loss in _REGRESSION_LOSSES and activation == "softmax":
        advice.append(
            f"{loss} is a regression loss, but the last layer ({place}) uses softmax, i.e. class "
            "probabilities. For classification use sparse_categorical_crossentropy (integer labels) or "
            "categorical_crossentropy (one-hot labels)."
        )
    if loss in _CLASSIFICATION_LOSSES and activation == "linear" and not from_logits:
        wanted = "sigmoid" if loss in _BINARY_LOSSES else "softmax"
        advice.append(
            f"The last layer ({place}) has no activation (linear), so it outputs logits, but {loss} "
            f'expects probabilities. Set "from_logits": true in compile, or give the last layer '
            f'activation="{wanted}".'
        )
    return advice


def _logits_advice(loss: str, activation: str | None, from_logits: bool, place: str) -> list[str]:
    """Where ``from_logits`` contradicts the last layer's activation."""
    advice: list[str] = []
    if from_logits and activation in _DISTRIBUTION_ACTIVATIONS | _UNIT_PROBABILITY_ACTIVATIONS:
        advice.append(
            f'"from_logits": true tells {loss} that the outputs are raw logits, but the last layer '
            f"({place}) already applies {activation}. Remove the activation or drop from_logits."
        )
    elif from_logits and activation not in (None, "linear"):
        advice.append(
            f'"from_logits": true tells {loss} that the outputs are raw logits (any real number), but the last '
            f"layer ({place}) applies {activation}, which limits them. Remove the activation."
        )
    return advice


def _metric_advice(metrics: Any, loss: str, activation: str | None) -> list[str]:
    """Metrics that do not fit the labels the loss takes or the outputs the model gives."""
    advice: list[str] = []
    for metric in metrics:
        if metric == "binary_accuracy" and (loss in _CATEGORICAL_LOSSES | _SPARSE_LOSSES or activation == "softmax"):
            advice.append(
                "binary_accuracy compares each output unit with 0.5 on its own, which does not fit "
                f'{activation or loss} class probabilities: use "accuracy".'
            )
        elif metric == "categorical_accuracy" and loss in _SPARSE_LOSSES:
            advice.append(
                f"categorical_accuracy expects one-hot labels, but {loss} takes integer labels: "
                'use "accuracy" or sparse_categorical_accuracy.'
            )
        elif metric == "sparse_categorical_accuracy" and loss in _CATEGORICAL_LOSSES | _BINARY_LOSSES:
            advice.append(
                f"sparse_categorical_accuracy expects integer class labels, but {loss} takes "
                f'{"one-hot" if loss in _CATEGORICAL_LOSSES else "0/1"} labels: use "accuracy".'
            )
        elif metric == "accuracy" and loss in _REGRESSION_LOSSES:
            advice.append(
                f"accuracy counts exact matches, which real-valued predictions almost never hit; with a "
                f'regression loss such as {loss} use "mae" (mean absolute error).'
            )
    return advice
