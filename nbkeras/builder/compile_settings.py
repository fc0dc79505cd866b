"""The ``compile`` part of a spec: which optimizers, losses and metrics it may name,
and :func:`validate_compile`, which checks it and writes it in canonical form.

The allowed names are read from Keras at run time (``keras.optimizers``,
``keras.losses``, ``keras.metrics``), filtered to what a name alone can configure: an
optimizer class whose arguments all have defaults, a loss or metric function taking
``(y_true, y_pred)`` and nothing required besides. The spec never passes anything but
these names to Keras. Advice on whether they fit the model's output is in
:mod:`.compile_advice`.

Example:

    >>> validate_compile({"optimizer": "adam", "loss": "mse", "metrics": ["mae"]})[0]["learning_rate"]
    0.001
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import Mapping
from typing import Any

from nbkeras._keras import keras
from nbkeras._validate import closest, did_you_mean, is_bool, is_number
from nbkeras.builder.errors import SpecIssue, invalid_value, show
from nbkeras.builder.values import python_scalars

__all__ = [
    "COMPILE_KEYS",
    "default_learning_rate",
    "logits_loss_class",
    "loss_classes",
    "loss_names",
    "metric_names",
    "optimizer_class",
    "optimizer_names",
    "snake_case",
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


def snake_case(class_name: str) -> str:
    """``"SparseCategoricalCrossentropy"`` -> ``"sparse_categorical_crossentropy"``."""
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
def loss_classes() -> dict[str, type]:
    """snake_case name -> ``keras.losses`` class, for losses configured by arguments."""
    module = keras().losses
    return {
        snake_case(name): getattr(module, name)
        for name in dir(module)
        if isinstance(getattr(module, name), type) and issubclass(getattr(module, name), module.Loss) and name != "Loss"
    }


def logits_loss_class(loss: str) -> type | None:
    """The loss class that takes ``from_logits`` for ``loss``, or None."""
    cls = loss_classes().get(loss)
    if cls is None or "from_logits" not in inspect.signature(cls.__init__).parameters:
        return None
    return cls


def _choice_issue(argument: str, value: Any, valid: tuple[str, ...], *, in_list: bool = False) -> SpecIssue:
    return invalid_value(
        "compile",
        argument,
        value,
        "one of: " + ", ".join(valid),
        fix=did_you_mean(closest(value, valid)),
        class_name="compile",
        received=f"{argument} containing {show(value)}" if in_list else None,
    )


# --- validate_compile, one step per setting ------------------------------------------
# Each step reads the settings, appends what is wrong to `issues` and returns the value
# the canonical form keeps (None when refused).


def _unknown_keys(settings: Mapping[Any, Any], issues: list[SpecIssue]) -> None:
    for key in settings:
        if key in COMPILE_KEYS:
            continue
        shown = key if isinstance(key, str) and key.isidentifier() else show(key)
        hint = did_you_mean(closest(key, COMPILE_KEYS))
        issues.append(
            SpecIssue(
                f"Unknown argument `{shown}` of compile. Received: {shown}={show(settings[key])}. "
                f"Expected one of: {', '.join(COMPILE_KEYS)}. {hint}".rstrip(),
                None,
                "compile",
                str(shown),
                f"{shown}={show(settings[key])}",
                "one of: " + ", ".join(COMPILE_KEYS),
                hint,
            )
        )


def _optimizer(settings: Mapping[Any, Any], issues: list[SpecIssue]) -> str | None:
    optimizer = settings.get("optimizer")
    if optimizer in optimizer_names():
        return optimizer
    issues.append(_choice_issue("optimizer", optimizer, optimizer_names()))
    return None


def _learning_rate(settings: Mapping[Any, Any], issues: list[SpecIssue]) -> float | None:
    """The rate as given (None: the optimizer's default applies)."""
    learning_rate = settings.get("learning_rate")
    if learning_rate is None:
        return None
    if not is_number(learning_rate) or not math.isfinite(learning_rate) or learning_rate <= 0:
        issues.append(
            invalid_value("compile", "learning_rate", learning_rate, "a finite number > 0", class_name="compile")
        )
        return None
    return float(learning_rate)


def _loss(settings: Mapping[Any, Any], issues: list[SpecIssue]) -> str | None:
    loss = settings.get("loss")
    if loss in loss_names():
        return loss
    issues.append(_choice_issue("loss", loss, loss_names()))
    return None


def _metrics(settings: Mapping[Any, Any], issues: list[SpecIssue]) -> list[Any]:
    metrics = settings.get("metrics", [])
    if not isinstance(metrics, (list, tuple)):
        expected = "a list of metric names, e.g. ['accuracy']"
        issues.append(invalid_value("compile", "metrics", metrics, expected, class_name="compile"))
        return []
    for metric in metrics:
        if metric not in metric_names():
            issues.append(_choice_issue("metrics", metric, metric_names(), in_list=True))
    if len({m for m in metrics if isinstance(m, str)}) != len(metrics) and not issues:
        issues.append(invalid_value("compile", "metrics", metrics, "each metric once", class_name="compile"))
    return list(metrics)


def _from_logits(settings: Mapping[Any, Any], loss: str | None, issues: list[SpecIssue]) -> bool:
    from_logits = settings.get("from_logits", False)
    if not is_bool(from_logits):
        issues.append(invalid_value("compile", "from_logits", from_logits, "a boolean", class_name="compile"))
        return False
    if from_logits and loss is not None and logits_loss_class(loss) is None:
        takes = sorted(n for n in loss_names() if logits_loss_class(n) is not None)
        expected = f"false: loss={loss!r} has no from_logits option (losses with it: {', '.join(takes)})"
        issues.append(invalid_value("compile", "from_logits", from_logits, expected, class_name="compile"))
    return bool(from_logits)


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
    settings = python_scalars(value)  # np.float32(1e-3), np.bool_(True): what the Python value means
    if not isinstance(settings, Mapping):
        expected = "a mapping like {'optimizer': 'adam', 'loss': 'mse', 'metrics': ['mae']}"
        return None, [invalid_value("the spec", "compile", settings, expected)]
    issues: list[SpecIssue] = []
    _unknown_keys(settings, issues)
    optimizer = _optimizer(settings, issues)
    learning_rate = _learning_rate(settings, issues)
    loss = _loss(settings, issues)
    metrics = _metrics(settings, issues)
    from_logits = _from_logits(settings, loss, issues)
    if issues or optimizer is None or loss is None:
        return None, issues
    canonical: dict[str, Any] = {
        "optimizer": optimizer,
        "learning_rate": learning_rate if learning_rate is not None else default_learning_rate(optimizer),
        "loss": loss,
        "metrics": metrics,
    }
    if from_logits:
        canonical["from_logits"] = True
    return canonical, []
