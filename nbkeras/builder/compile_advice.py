"""The ``compile`` part of a spec: which optimizers, losses and metrics it may name,
and advice when the loss or metrics do not fit the model's last layer.

The allowed names are read from Keras at run time (``keras.optimizers``,
``keras.losses``, ``keras.metrics``), filtered to what a name alone can configure: an
optimizer class whose arguments all have defaults, a loss or metric function taking
``(y_true, y_pred)`` and nothing required besides. The spec never passes anything but
these names to Keras.

Example:

    >>> from nbkeras.builder import compile_warnings, template
    >>> spec = template("cnn")
    >>> spec["compile"]["loss"] = "binary_crossentropy"
    >>> any("softmax" in w for w in compile_warnings(spec))
    True
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import Mapping
from typing import Any

from nbkeras._keras import keras
from nbkeras.builder.catalog import closest_names
from nbkeras.builder.errors import SpecIssue, did_you_mean, invalid_value, show

__all__ = [
    "compile_warnings",
    "loss_names",
    "metric_names",
    "optimizer_names",
    "validate_compile",
]

COMPILE_KEYS = ("optimizer", "learning_rate", "loss", "metrics", "from_logits")

# Short names Keras resolves although no function of that name is exported
# (keras.losses.get("mse") works); kept only if Keras resolves them at run time.
_ALIAS_CANDIDATES = ("mse", "mae", "mape", "msle")
# compile() understands "accuracy" specially (it picks binary, categorical or sparse
# accuracy from the loss and output shape).
_COMPILE_METRICS = ("accuracy",)
# Not optimizers a name can configure: a wrapper, a container, the base class.
_NOT_NAMEABLE_OPTIMIZERS = ("Optimizer", "LossScaleOptimizer", "MultiOptimizer")

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


def _snake(class_name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", class_name).lower()


def _takes_y_true_y_pred(fn: Any) -> bool:
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return False
    if [p.name for p in params[:2]] != ["y_true", "y_pred"]:
        return False
    return all(p.default is not inspect.Parameter.empty or p.kind is p.VAR_KEYWORD for p in params[2:])


@functools.lru_cache(maxsize=1)
def _optimizers() -> dict[str, type]:
    module = keras().optimizers
    found: dict[str, type] = {}
    for name in dir(module):
        cls = getattr(module, name)
        if not isinstance(cls, type) or not issubclass(cls, module.Optimizer) or name in _NOT_NAMEABLE_OPTIMIZERS:
            continue
        params = list(inspect.signature(cls.__init__).parameters.values())[1:]
        if "learning_rate" not in {p.name for p in params}:
            continue
        variadic = (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
        if any(p.default is inspect.Parameter.empty and p.kind not in variadic for p in params):
            continue
        found[name.lower()] = cls
    return dict(sorted(found.items()))


def optimizer_names() -> tuple[str, ...]:
    """Optimizer names a spec may use: ``keras.optimizers`` classes, lower-cased.

    Example:
        >>> {"adam", "sgd", "rmsprop", "adamw"} <= set(optimizer_names())
        True
    """
    return tuple(_optimizers())


def optimizer_class(name: str) -> type:
    """The ``keras.optimizers`` class for an allowed name (``"adam"`` -> ``Adam``)."""
    return _optimizers()[name]


def default_learning_rate(name: str) -> float:
    """The learning rate Keras uses for optimizer ``name`` when none is given."""
    return float(inspect.signature(optimizer_class(name).__init__).parameters["learning_rate"].default)


def _resolvable(module: Any, name: str) -> bool:
    # compile() looks names up with module.get(); keras.metrics exports some functions
    # (binary_focal_crossentropy) that get() does not know.
    try:
        return module.get(name) is not None
    except Exception:  # noqa: BLE001 - "not resolvable" is all we need to know
        return False


def _function_names(module: Any) -> set[str]:
    return {
        n
        for n in dir(module)
        if not n.startswith("_")
        and n.islower()
        and callable(getattr(module, n))
        and _takes_y_true_y_pred(getattr(module, n))
        and _resolvable(module, n)
    }


def _resolvable_aliases(module: Any) -> set[str]:
    return {alias for alias in _ALIAS_CANDIDATES if _resolvable(module, alias)}


@functools.lru_cache(maxsize=1)
def loss_names() -> tuple[str, ...]:
    """Loss names a spec may use: ``keras.losses`` functions plus short aliases.

    Only names ``keras.losses.get`` resolves, as ``compile`` does.

    Example:
        >>> {"mse", "sparse_categorical_crossentropy"} <= set(loss_names())
        True
    """
    module = keras().losses
    return tuple(sorted(_function_names(module) | _resolvable_aliases(module)))


@functools.lru_cache(maxsize=1)
def metric_names() -> tuple[str, ...]:
    """Metric names a spec may use: ``keras.metrics`` functions, aliases, ``"accuracy"``.

    Only names ``keras.metrics.get`` resolves, as ``compile`` does.

    Example:
        >>> {"accuracy", "mae", "sparse_categorical_accuracy"} <= set(metric_names())
        True
    """
    module = keras().metrics
    return tuple(sorted(_function_names(module) | _resolvable_aliases(module) | set(_COMPILE_METRICS)))


@functools.lru_cache(maxsize=1)
def _loss_classes() -> dict[str, type]:
    """snake_case name -> ``keras.losses`` class, for losses configured by arguments."""
    module = keras().losses
    return {
        _snake(name): getattr(module, name)
        for name in dir(module)
        if isinstance(getattr(module, name), type) and issubclass(getattr(module, name), module.Loss) and name != "Loss"
    }


def logits_loss_class(loss: str) -> type | None:
    """The loss class that takes ``from_logits`` for ``loss``, or None."""
    cls = _loss_classes().get(loss)
    if cls is None or "from_logits" not in inspect.signature(cls.__init__).parameters:
        return None
    return cls


def _choice_issue(argument: str, value: Any, valid: tuple[str, ...], *, in_list: bool = False) -> SpecIssue:
    return invalid_value(
        "compile",
        argument,
        value,
        "one of: " + ", ".join(valid),
        fix=did_you_mean(closest_names(value, list(valid))),
        class_name="compile",
        received=f"{argument} containing {show(value)}" if in_list else None,
    )


def validate_compile(value: Any) -> tuple[dict[str, Any] | None, list[SpecIssue]]:
    """Check the ``compile`` part of a spec and return its canonical form.

    Canonical: ``optimizer``, ``learning_rate`` (Keras's default for the optimizer
    when not given), ``loss``, ``metrics`` (a list, maybe empty), and
    ``from_logits: true`` only when set.

    Args:
        value: The spec's ``"compile"`` entry.

    Returns:
        ``(canonical, [])`` when valid, ``(None, issues)`` otherwise.

    Example:
        >>> validate_compile({"optimizer": "adam", "loss": "mse"})[0]
        {'optimizer': 'adam', 'learning_rate': 0.001, 'loss': 'mse', 'metrics': []}
    """
    from nbkeras.builder.spec import python_scalars

    value = python_scalars(value)  # np.float32(1e-3), np.bool_(True): what the Python value means
    if not isinstance(value, Mapping):
        return None, [
            invalid_value(
                "the spec",
                "compile",
                value,
                "a mapping like {'optimizer': 'adam', 'loss': 'mse', 'metrics': ['mae']}",
            )
        ]
    issues: list[SpecIssue] = []
    for key in value:
        if key not in COMPILE_KEYS:
            shown = key if isinstance(key, str) and key.isidentifier() else show(key)
            close = closest_names(key, list(COMPILE_KEYS))
            issues.append(
                SpecIssue(
                    f"Unknown argument `{shown}` of compile. Received: {shown}={show(value[key])}. "
                    f"Expected one of: {', '.join(COMPILE_KEYS)}. {did_you_mean(close)}".rstrip(),
                    None,
                    "compile",
                    str(shown),
                    f"{shown}={show(value[key])}",
                    "one of: " + ", ".join(COMPILE_KEYS),
                    did_you_mean(close),
                )
            )
    optimizer = value.get("optimizer")
    if optimizer not in optimizer_names():
        issues.append(_choice_issue("optimizer", optimizer, optimizer_names()))
        optimizer = None
    learning_rate = value.get("learning_rate")
    if learning_rate is not None:
        ok = isinstance(learning_rate, (int, float)) and not isinstance(learning_rate, bool)
        if not ok or not math.isfinite(learning_rate) or learning_rate <= 0:
            issues.append(
                invalid_value("compile", "learning_rate", learning_rate, "a finite number > 0", class_name="compile")
            )
    loss = value.get("loss")
    if loss not in loss_names():
        issues.append(_choice_issue("loss", loss, loss_names()))
        loss = None
    metrics = value.get("metrics", [])
    if not isinstance(metrics, (list, tuple)):
        issues.append(
            invalid_value(
                "compile", "metrics", metrics, "a list of metric names, e.g. ['accuracy']", class_name="compile"
            )
        )
        metrics = []
    for metric in metrics:
        if metric not in metric_names():
            issues.append(_choice_issue("metrics", metric, metric_names(), in_list=True))
    if len({m for m in metrics if isinstance(m, str)}) != len(metrics) and not issues:
        issues.append(invalid_value("compile", "metrics", metrics, "each metric once", class_name="compile"))
    from_logits = value.get("from_logits", False)
    if not isinstance(from_logits, bool):
        issues.append(invalid_value("compile", "from_logits", from_logits, "a boolean", class_name="compile"))
    elif from_logits and loss is not None and logits_loss_class(loss) is None:
        takes = sorted(n for n in loss_names() if logits_loss_class(n) is not None)
        issues.append(
            invalid_value(
                "compile",
                "from_logits",
                from_logits,
                f"false: loss={loss!r} has no from_logits option (losses with it: {', '.join(takes)})",
                class_name="compile",
            )
        )
    if issues:
        return None, issues
    canonical: dict[str, Any] = {
        "optimizer": optimizer,
        "learning_rate": float(learning_rate) if learning_rate is not None else default_learning_rate(optimizer),
        "loss": loss,
        "metrics": list(metrics),
    }
    if from_logits:
        canonical["from_logits"] = True
    return canonical, []


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
    from nbkeras.builder.errors import SpecError
    from nbkeras.builder.spec import normalize_spec

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
                f"{'one-hot' if loss in _CATEGORICAL_LOSSES else '0/1'} labels: use \"accuracy\"."
            )
        elif metric == "accuracy" and loss in _REGRESSION_LOSSES:
            advice.append(
                f"accuracy counts exact matches, which real-valued predictions almost never hit; with a "
                f'regression loss such as {loss} use "mae" (mean absolute error).'
            )
    return advice
