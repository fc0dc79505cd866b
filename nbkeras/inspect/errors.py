"""What a model gets wrong: confusion matrix, per-class precision/recall/F1, per-example losses, residuals.

The pure core of the inspector's *Errors* view. One batched forward pass feeds everything
(:func:`classification_errors`, :func:`regression_errors`); :func:`confusion_matrix`,
:func:`class_metrics` and :func:`top_losses` are the same numbers one at a time.

Conventions:

- Rows of a confusion matrix are the true classes, columns the predicted ones
  (``matrix[t, p]``: examples of class ``t`` predicted as ``p``), as scikit-learn.
- The number of classes is the model's output width (a single-unit output: 2 classes,
  class 1 when its output is above ``threshold``). Labels ``y`` are integers (N,) or
  (N, 1), or one-hot rows (N, classes).
- A per-example loss is the model's *compiled* loss (``model.loss``: a name such as
  ``"sparse_categorical_crossentropy"``, a ``keras.losses.Loss`` object with its own
  settings such as ``from_logits``, or a function) without reduction, averaged over the
  axes after the batch axis: the mean of the per-example losses over a batch is what
  Keras reports as the batch's loss (without regularisation penalties, sample weights or
  masks). ``"crossentropy"`` / ``"ce"`` are resolved as Keras resolves them (binary for a
  single-unit output, sparse for integer labels, categorical for one-hot).

Example:

    >>> import numpy as np
    >>> from nbkeras.inspect import confusion_matrix
    >>> confusion_matrix(np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]), y=[0, 1, 1])
    array([[1, 0],
           [1, 1]])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from nbkeras._keras import keras
from nbkeras._validate import check_int, check_number, invalid_value
from nbkeras.inspect._common import (
    DEFAULT_BATCH_SIZE,
    as_array,
    check_batch_size,
    check_model,
    check_not_empty,
    check_same_length,
    class_labels,
    is_model,
    predict,
    predicted_labels,
)

__all__ = [
    "ClassMetrics",
    "ClassificationErrors",
    "RegressionErrors",
    "TopLosses",
    "class_metrics",
    "classification_errors",
    "confusion_matrix",
    "per_example_loss",
    "regression_errors",
    "top_losses",
]


class TopLosses(NamedTuple):
    """The examples with the highest losses, highest first (unpacks as ``indices, losses``)."""

    indices: np.ndarray
    """Positions in ``x`` (int64)."""
    losses: np.ndarray
    """Their per-example losses (float64), descending."""


@dataclass(frozen=True)
class ClassMetrics:
    """Per-class precision, recall and F1 from a confusion matrix.

    Zero division: a class never predicted has no precision, a class absent from the
    labels no recall, and a class with both 0 no F1. Such values are reported as 0 (as
    scikit-learn's ``zero_division=0``) and flagged in ``undefined_precision`` /
    ``undefined_recall`` / ``undefined_f1``, so a view can show "n/a" rather than a 0 that
    looks measured.

    Attributes:
        precision: ``matrix[c, c] / matrix[:, c].sum()`` per class (float64).
        recall: ``matrix[c, c] / matrix[c, :].sum()`` per class.
        f1: Harmonic mean of precision and recall per class.
        support: True examples per class (int64).
        undefined_precision: True where no example was predicted as the class.
        undefined_recall: True where no example has the class.
        undefined_f1: True where precision + recall is 0 (includes both cases above).
        accuracy: Correct / all examples (0 for an empty matrix).
    """

    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray
    support: np.ndarray
    undefined_precision: np.ndarray
    undefined_recall: np.ndarray
    undefined_f1: np.ndarray
    accuracy: float

    @property
    def macro_f1(self) -> float:
        """Unweighted mean F1 over classes (undefined F1s count as 0)."""
        return float(self.f1.mean()) if self.f1.size else 0.0


@dataclass(frozen=True)
class ClassificationErrors:
    """Everything the errors view shows for a classifier, from one forward pass.

    Attributes:
        outputs: The model's outputs (N, classes) or (N, 1), as predicted.
        y_true: True class per example (int64, N).
        y_pred: Predicted class per example (int64, N).
        losses: Per-example compiled loss (float64, N); None when the model has no loss
            (``classification_errors(..., losses=False)`` or predictions given).
        matrix: Confusion matrix (classes, classes), int64, rows true.
        metrics: Per-class :class:`ClassMetrics`.
    """

    outputs: np.ndarray
    y_true: np.ndarray
    y_pred: np.ndarray
    losses: np.ndarray | None
    matrix: np.ndarray
    metrics: ClassMetrics

    @property
    def num_classes(self) -> int:
        return int(self.matrix.shape[0])

    def examples(self, true_class: int, predicted_class: int) -> np.ndarray:
        """Positions of the examples of ``true_class`` predicted as ``predicted_class`` (a matrix cell).

        Ordered by loss, highest first, when losses are known; else by position.

        Raises:
            ValueError: A class is out of range.
        """
        t = check_int("true_class", true_class, min_value=0, max_value=self.num_classes - 1)
        p = check_int("predicted_class", predicted_class, min_value=0, max_value=self.num_classes - 1)
        found = np.flatnonzero((self.y_true == t) & (self.y_pred == p))
        if self.losses is not None:
            found = found[np.argsort(-self.losses[found], kind="stable")]
        return found

    def top_losses(self, k: int = 9) -> TopLosses:
        """The ``k`` examples with the highest losses (all of them when fewer), highest first.

        Raises:
            ValueError: No losses were computed.
        """
        if self.losses is None:
            raise ValueError("No per-example losses: they need a model compiled with a loss.")
        return _top(self.losses, k)


@dataclass(frozen=True)
class RegressionErrors:
    """Predicted against true values for a regression model.

    Attributes:
        y_true: True values, flattened per example to (N, outputs) as float64.
        y_pred: Predicted values, same shape.
        residuals: ``y_true - y_pred``.
        losses: Per-example compiled loss (N,) or None (model without loss).
        mse: Mean squared residual per output.
        mae: Mean absolute residual per output.
        r2: Coefficient of determination per output (``1 - SS_res / SS_tot``; NaN where
            the true values are constant).
    """

    y_true: np.ndarray
    y_pred: np.ndarray
    residuals: np.ndarray
    losses: np.ndarray | None
    mse: np.ndarray
    mae: np.ndarray
    r2: np.ndarray

    def top_losses(self, k: int = 9) -> TopLosses:
        """The ``k`` examples with the highest losses (by squared residual when no loss is compiled)."""
        losses = self.losses if self.losses is not None else (self.residuals**2).mean(axis=1)
        return _top(losses, k)


def _top(losses: np.ndarray, k: Any) -> TopLosses:
    k = min(check_int("k", k, min_value=1), len(losses))
    # NaN losses first: a diverged example is the first thing to look at.
    key = np.where(np.isnan(losses), np.inf, losses)
    if k < len(losses):
        part = np.argpartition(-key, k - 1)[:k]
    else:
        part = np.arange(len(losses))
    order = part[np.lexsort((part, -key[part]))]  # highest first, ties by position
    return TopLosses(order.astype(np.int64), losses[order].astype(np.float64))


def confusion_matrix(
    model_or_predictions: Any,
    x: Any = None,
    y: Any = None,
    *,
    num_classes: int | None = None,
    threshold: float = 0.5,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> np.ndarray:
    """Confusion-matrix counts of a classifier on ``(x, y)``, or of given predictions against ``y``.

    Args:
        model_or_predictions: A Keras classifier, or its outputs for the examples
            (float scores (N, classes), or one score per example (N,) / (N, 1)), or
            predicted labels (an integer array (N,)).
        x: The examples, when a model is given (predicted in batches).
        y: True labels: integers (N,) / (N, 1) or one-hot rows (N, classes).
        num_classes: At least the output width (more adds empty rows and columns); default: the
            output width (for predicted labels: the largest label in them or ``y``, + 1).
        threshold: For a single-score output: class 1 when the score is above it.
        batch_size: Examples per forward pass.

    Returns:
        An int64 array (classes, classes): ``[t, p]`` counts examples of true class ``t``
        predicted as ``p``.

    Raises:
        ValueError: x and y lengths differ, labels out of range, ``x`` given with predictions.
        TypeError: ``model_or_predictions`` is neither a model nor an array.

    Example:
        >>> confusion_matrix(np.array([0.2, 0.7, 0.9]), y=[0, 0, 1]).tolist()
        [[1, 1], [0, 1]]
    """
    outputs, labels = _outputs_and_labels(model_or_predictions, x, y, threshold, batch_size)
    if outputs.ndim == 1 and np.issubdtype(outputs.dtype, np.integer):  # predicted labels, not scores
        predicted = class_labels(outputs)
        truth = class_labels(labels)
        width = int(max(predicted.max(), truth.max())) + 1
    else:
        predicted, width = predicted_labels(outputs, threshold)
        truth = None
    classes = width if num_classes is None else check_int("num_classes", num_classes, min_value=width)
    truth = class_labels(labels, classes) if truth is None else truth
    return _matrix(truth, predicted, classes)


def _matrix(truth: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    # bincount of the flat cell index: one pass in C, no per-example Python.
    return np.bincount(truth * classes + predicted, minlength=classes * classes).reshape(classes, classes)


def _outputs_and_labels(
    model_or_predictions: Any, x: Any, y: Any, threshold: Any, batch_size: Any
) -> tuple[np.ndarray, np.ndarray]:
    check_number("threshold", threshold)
    batch_size = check_batch_size(batch_size)
    if x is not None and not is_model(model_or_predictions):
        raise invalid_value(
            "x", x, "x only with a model: with predictions, pass the labels as `y=`", received="x with predictions"
        )
    if y is None:
        raise ValueError("Missing argument `y`: the true labels, integers (N,) or one-hot rows (N, classes).")
    labels = as_array("y", y)
    if is_model(model_or_predictions):
        if x is None:
            raise ValueError("Missing argument `x`: the examples to predict (a model was given).")
        xs = as_array("x", x)
        check_not_empty("x", xs)
        check_same_length(xs, labels)
        return predict(model_or_predictions, xs, batch_size), labels
    outputs = as_array("model_or_predictions", model_or_predictions)
    if not np.issubdtype(outputs.dtype, np.number):
        raise invalid_value(
            "model_or_predictions",
            model_or_predictions,
            "a Keras model or an array of its outputs",
            received=f"an array of dtype {outputs.dtype}",
        )
    check_not_empty("model_or_predictions", outputs)
    if len(outputs) != len(labels):
        raise invalid_value(
            "y",
            labels,
            "one label per prediction",
            received=f"y with {len(labels)} examples and predictions for {len(outputs)}",
        )
    return outputs, labels


def class_metrics(matrix: Any) -> ClassMetrics:
    """Per-class precision, recall and F1 (zero divisions: 0, flagged) from a confusion matrix.

    Args:
        matrix: Square counts, rows true classes, columns predicted (as :func:`confusion_matrix`).

    Returns:
        A :class:`ClassMetrics`.

    Raises:
        ValueError: ``matrix`` is not a square array of counts >= 0.

    Example:
        >>> m = class_metrics(np.array([[2, 0], [1, 0]]))
        >>> m.precision.tolist(), m.undefined_precision.tolist()
        ([0.6666666666666666, 0.0], [False, True])
    """
    counts = as_array("matrix", matrix)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or (counts.size and counts.min() < 0):
        raise invalid_value(
            "matrix", matrix, "a square array of counts >= 0", received=f"an array of shape {counts.shape}"
        )
    counts = counts.astype(np.float64)
    hits = np.diag(counts)
    predicted = counts.sum(axis=0)
    actual = counts.sum(axis=1)
    undefined_p = predicted == 0
    undefined_r = actual == 0
    precision = np.divide(hits, predicted, out=np.zeros_like(hits), where=~undefined_p)
    recall = np.divide(hits, actual, out=np.zeros_like(hits), where=~undefined_r)
    both = precision + recall
    undefined_f = both == 0
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(hits), where=~undefined_f)
    total = counts.sum()
    return ClassMetrics(
        precision=precision,
        recall=recall,
        f1=f1,
        support=actual.astype(np.int64),
        undefined_precision=undefined_p,
        undefined_recall=undefined_r,
        undefined_f1=undefined_f,
        accuracy=float(hits.sum() / total) if total else 0.0,
    )


# -- per-example losses ------------------------------------------------------------


def _loss_function(model: Any, y_true: Any, y_pred: Any) -> Any:
    """The model's compiled loss as a function returning unreduced values, or a clear error."""
    k = keras()
    identifier = getattr(model, "loss", None)
    if isinstance(identifier, (list, tuple)) and len(identifier) == 1:
        identifier = identifier[0]
    if identifier is None:
        raise invalid_value(
            "model",
            model,
            "a compiled model: call `model.compile(loss=...)` first",
            received=f"model {model.name!r} with no compiled loss",
        )
    if isinstance(identifier, (dict, list, tuple)):
        raise invalid_value(
            "model",
            model,
            "a model with one output and one loss",
            received=f"a model compiled with losses {identifier!r}",
        )
    if isinstance(identifier, str) and identifier.lower() in ("crossentropy", "ce"):
        # Keras's own rule (compile_utils.get_loss): binary for one unit, sparse for integer labels.
        if y_pred.shape[-1] == 1:
            identifier = "binary_crossentropy"
        elif y_true.ndim < y_pred.ndim or y_true.shape[-1] == 1:
            identifier = "sparse_categorical_crossentropy"
        else:
            identifier = "categorical_crossentropy"
    loss = k.losses.get(identifier) if isinstance(identifier, str) else identifier
    if isinstance(loss, k.losses.Loss):
        dtype = loss.dtype

        def call(t: Any, p: Any) -> Any:  # Loss.__call__ without its reduction
            return loss.call(k.ops.convert_to_tensor(t, dtype=dtype), k.ops.convert_to_tensor(p, dtype=dtype))

        return call
    if callable(loss):
        dtype = k.backend.floatx()

        def wrapped(t: Any, p: Any) -> Any:  # what compile's LossFunctionWrapper does around a function
            t, p = _same_rank(np.asarray(t), np.asarray(p))
            return loss(k.ops.convert_to_tensor(t, dtype=dtype), k.ops.convert_to_tensor(p, dtype=dtype))

        return wrapped
    raise invalid_value(
        "model", model, "a model whose loss is a name, a Loss or a function", received=f"loss={identifier!r}"
    )


def _same_rank(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keras's rank alignment before a loss function: labels (N,) against outputs (N, 1) become (N, 1)."""
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        return (y_true, y_pred[..., None]) if y_pred.ndim == 1 else (y_true[..., 0], y_pred)
    if y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        return (y_true[..., None], y_pred) if y_true.ndim == 1 else (y_true, y_pred[..., 0])
    return y_true, y_pred


def _losses_of(model: Any, y_true: np.ndarray, y_pred: np.ndarray, batch_size: int) -> np.ndarray:
    k = keras()
    function = _loss_function(model, y_true, y_pred)
    parts = []
    for start in range(0, len(y_pred), batch_size):
        values = function(y_true[start : start + batch_size], y_pred[start : start + batch_size])
        values = k.ops.convert_to_numpy(values).astype(np.float64)
        parts.append(values.reshape(len(values), -1).mean(axis=1) if values.ndim > 1 else values.reshape(-1))
    return np.concatenate(parts)


def per_example_loss(model: Any, x: Any, y: Any, *, batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
    """The model's compiled loss of each example (no reduction), from batched predictions.

    Args:
        model: A compiled single-output Keras model.
        x: Examples (N, ...).
        y: Targets as the model was compiled for (labels, one-hot rows, values).
        batch_size: Examples per forward pass.

    Returns:
        Float64 array (N,). Its mean is the loss Keras reports for ``(x, y)`` without
        regularisation penalties (see the module notes).

    Raises:
        ValueError: The model has no compiled loss, or x and y lengths differ.

    Example:
        >>> losses = per_example_loss(model, x_test, y_test)  # doctest: +SKIP
        >>> float(losses.mean())  # ≈ model.evaluate(x_test, y_test) without regularisers  # doctest: +SKIP
    """
    check_model(model)
    batch_size = check_batch_size(batch_size)
    xs, ys = as_array("x", x), as_array("y", y)
    check_not_empty("x", xs)
    check_same_length(xs, ys)
    _loss_function(model, ys, np.zeros((1, 1)))  # no compiled loss: fail before predicting
    return _losses_of(model, ys, predict(model, xs, batch_size), batch_size)


def top_losses(model: Any, x: Any, y: Any, k: int = 9, *, batch_size: int = DEFAULT_BATCH_SIZE) -> TopLosses:
    """The ``k`` examples the model gets most wrong by its compiled loss, highest loss first.

    Args:
        model: A compiled single-output Keras model.
        x: Examples (N, ...).
        y: Targets.
        k: How many (all examples when fewer). NaN losses rank first.
        batch_size: Examples per forward pass.

    Returns:
        :class:`TopLosses` ``(indices, losses)``; ties keep the examples' order.

    Raises:
        ValueError: No compiled loss, x/y length mismatch, ``k < 1``.

    Example:
        >>> indices, losses = top_losses(model, x_test, y_test, k=16)  # doctest: +SKIP
    """
    check_int("k", k, min_value=1)
    return _top(per_example_loss(model, x, y, batch_size=batch_size), k)


def classification_errors(
    model: Any,
    x: Any,
    y: Any,
    *,
    threshold: float = 0.5,
    losses: bool = True,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> ClassificationErrors:
    """Confusion matrix, per-class metrics and per-example losses of a classifier, from one forward pass.

    Args:
        model: A Keras classifier (outputs (N, classes), or one sigmoid unit).
        x: Examples (N, ...).
        y: Integer labels (N,) / (N, 1) or one-hot rows (N, classes).
        threshold: For a single-unit output: class 1 above it.
        losses: Compute per-example compiled losses (a model without a compiled loss
            then raises; pass False to skip them).
        batch_size: Examples per forward pass.

    Returns:
        A :class:`ClassificationErrors`.

    Raises:
        ValueError: x/y length mismatch, labels out of range, no compiled loss (with ``losses=True``).

    Example:
        >>> errors = classification_errors(model, x_test, y_test)  # doctest: +SKIP
        >>> errors.matrix, errors.metrics.f1, errors.top_losses(9)  # doctest: +SKIP
    """
    check_model(model)
    if losses:
        _loss_function(model, np.zeros((1,)), np.zeros((1, 2)))  # no compiled loss: fail before predicting
    outputs, raw_labels = _outputs_and_labels(model, x, y, threshold, batch_size)
    predicted, classes = predicted_labels(outputs, threshold)
    truth = class_labels(raw_labels, classes)
    matrix = _matrix(truth, predicted, classes)
    per_example = _losses_of(model, raw_labels, outputs, check_batch_size(batch_size)) if losses else None
    return ClassificationErrors(outputs, truth, predicted, per_example, matrix, class_metrics(matrix))


def regression_errors(
    model: Any, x: Any, y: Any, *, losses: bool = True, batch_size: int = DEFAULT_BATCH_SIZE
) -> RegressionErrors:
    """Predicted-vs-true values and residuals of a regression model, from one forward pass.

    Args:
        model: A Keras model whose outputs are values (any shape per example).
        x: Examples (N, ...).
        y: True values, same number of values per example as the outputs.
        losses: Also compute the per-example compiled loss.
        batch_size: Examples per forward pass.

    Returns:
        A :class:`RegressionErrors` (values flattened per example to (N, outputs)).

    Raises:
        ValueError: x/y length mismatch; y's values per example differ from the outputs'.

    Example:
        >>> errors = regression_errors(model, x_test, y_test)  # doctest: +SKIP
        >>> errors.residuals.std(), errors.r2  # doctest: +SKIP
    """
    check_model(model)
    batch_size = check_batch_size(batch_size)
    xs, ys = as_array("x", x), as_array("y", y)
    check_not_empty("x", xs)
    check_same_length(xs, ys)
    if losses:
        _loss_function(model, ys, np.zeros((1, 1)))
    outputs = predict(model, xs, batch_size)
    pred = outputs.reshape(len(outputs), -1).astype(np.float64)
    true = ys.reshape(len(ys), -1).astype(np.float64)
    if true.shape != pred.shape:
        raise invalid_value(
            "y",
            y,
            f"{pred.shape[1]} value(s) per example (the model's output {outputs.shape[1:]})",
            received=f"y of shape {ys.shape}",
        )
    residuals = true - pred
    ss_res = (residuals**2).sum(axis=0)
    ss_tot = ((true - true.mean(axis=0)) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(ss_tot > 0, 1.0 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0), np.nan)
    per_example = _losses_of(model, ys, outputs, batch_size) if losses else None
    return RegressionErrors(
        y_true=true,
        y_pred=pred,
        residuals=residuals,
        losses=per_example,
        mse=(residuals**2).mean(axis=0),
        mae=np.abs(residuals).mean(axis=0),
        r2=r2,
    )
