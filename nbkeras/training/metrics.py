"""Metrics for sequence outputs: a whole answer right, not just most of its characters.

Keras's ``"accuracy"`` on a ``(batch, timesteps, vocab)`` output counts each timestep on
its own: a seq2seq model that gets two of three characters of every answer right scores
67 % while answering nothing correctly. :class:`SequenceExactMatch` counts a sample only
when every timestep is right, which is what "the model can add" means.
"""

from __future__ import annotations

from typing import Any

from nbkeras._keras import keras as _load_keras

keras = _load_keras()
ops = keras.ops

__all__ = ["SequenceExactMatch", "sequence_exact_match"]

_EXPECTED = (
    "y_pred of shape (batch, timesteps, vocab) (one-hot or probabilities) and y_true of shape "
    "(batch, timesteps, vocab) (one-hot or probabilities) or (batch, timesteps) (integer ids)"
)


def _dims(tensor: Any) -> tuple[int | None, ...]:
    return tuple(None if d is None else int(d) for d in tensor.shape)


def _compatible(a: tuple[int | None, ...], b: tuple[int | None, ...]) -> bool:
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))


def _shape_error(true_shape: tuple[int | None, ...], pred_shape: tuple[int | None, ...], why: str) -> ValueError:
    return ValueError(
        f"Invalid shapes for a sequence exact match: {why}. Received: y_true.shape={true_shape}, "
        f"y_pred.shape={pred_shape}. Expected {_EXPECTED}."
    )


def _timestep_matches(y_true: Any, y_pred: Any) -> Any:
    """Boolean ``(batch, timesteps)``: argmax of ``y_pred`` equals the target id at each step."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    pred_shape, true_shape = _dims(y_pred), _dims(y_true)
    if len(pred_shape) != 3:
        hint = " (one label per sample: use 'categorical_accuracy' instead)" if len(pred_shape) == 2 else ""
        raise _shape_error(true_shape, pred_shape, f"y_pred has rank {len(pred_shape)}, not 3{hint}")
    if len(true_shape) == 3 and true_shape[-1] == 1 and pred_shape[-1] != 1:
        # (batch, timesteps, 1) integer ids, as sparse losses also accept.
        y_true = ops.squeeze(y_true, axis=-1)
        true_shape = true_shape[:-1]
    if len(true_shape) == 3:
        if not _compatible(true_shape, pred_shape):
            raise _shape_error(true_shape, pred_shape, "one-hot y_true and y_pred differ in shape")
        true_ids = ops.argmax(y_true, axis=-1)
    elif len(true_shape) == 2:
        if not _compatible(true_shape, pred_shape[:2]):
            raise _shape_error(
                true_shape, pred_shape, "integer y_true must have shape (batch, timesteps) like y_pred's first two axes"
            )
        # Keras may hand targets over as floats (2.0): ids compare as integers.
        true_ids = y_true
    else:
        raise _shape_error(true_shape, pred_shape, f"y_true has rank {len(true_shape)}, not 2 or 3")
    pred_ids = ops.argmax(y_pred, axis=-1)
    return ops.equal(ops.cast(true_ids, "int32"), ops.cast(pred_ids, "int32"))


def sequence_exact_match(y_true: Any, y_pred: Any) -> Any:
    """Per sample, 1.0 when the most likely token is right at every timestep, else 0.0.

    Args:
        y_true: Targets, one-hot (or probabilities) of shape ``(batch, timesteps,
            vocab)``, or integer ids of shape ``(batch, timesteps)`` (or
            ``(batch, timesteps, 1)``).
        y_pred: Predictions of shape ``(batch, timesteps, vocab)``, e.g. a per-step
            softmax; the argmax over the last axis is the predicted token (ties go to
            the lowest index, like ``argmax``).

    Returns:
        A float32 tensor of shape ``(batch,)`` of 0.0 and 1.0.

    Raises:
        ValueError: The ranks or the known sizes of the shapes do not fit together.

    Example:

    >>> y_true = [[1, 2], [1, 2]]
    >>> y_pred = [[[0.1, 0.8, 0.1], [0.0, 0.2, 0.8]],
    ...           [[0.1, 0.8, 0.1], [0.0, 0.8, 0.2]]]
    >>> keras.ops.convert_to_numpy(sequence_exact_match(y_true, y_pred))
    array([1., 0.], dtype=float32)
    """
    return ops.cast(ops.all(_timestep_matches(y_true, y_pred), axis=-1), "float32")


@keras.saving.register_keras_serializable(package="nbkeras")
class SequenceExactMatch(keras.metrics.Mean):
    """Fraction of sequences predicted right at every timestep ("exact match").

    For models whose output is a sequence of token distributions, such as a seq2seq
    model ending in a per-step ``Dense(vocab, activation="softmax")``. A sample counts
    1 when the argmax over the vocabulary matches the target at every timestep and 0
    otherwise, so an answer with one wrong character is wrong. Keras's ``"accuracy"``
    on the same output averages over timesteps, and so is always at least as high.

    Targets may be one-hot (or probabilities), ``(batch, timesteps, vocab)``, or
    integer ids, ``(batch, timesteps)``. ``sample_weight`` weighs whole samples,
    ``(batch,)``. If the output carries a Keras mask (e.g. from
    ``Embedding(mask_zero=True)`` upstream), masked timesteps are not compared, and a
    sample with every timestep masked does not count.

    Args:
        name: Name of the metric, ``"exact_match"`` by default, so training logs
            ``exact_match`` and ``val_exact_match``.
        dtype: Data type of the result.

    Example:

    >>> m = SequenceExactMatch()
    >>> y_true = [[1, 2], [1, 2]]
    >>> y_pred = [[[0.1, 0.8, 0.1], [0.0, 0.2, 0.8]],
    ...           [[0.1, 0.8, 0.1], [0.0, 0.8, 0.2]]]
    >>> m.update_state(y_true, y_pred)
    >>> float(m.result())
    0.5

    Usage with ``compile()`` API:

    ```python
    model.compile(optimizer="adam", loss="categorical_crossentropy",
                  metrics=[SequenceExactMatch()])
    ```
    """

    def __init__(self, name: str = "exact_match", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"  # higher is better: EarlyStopping(mode="auto") maximises it

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        mask = _keras_mask(y_pred)
        matches = _timestep_matches(y_true, y_pred)
        if sample_weight is not None:
            sample_weight = ops.convert_to_tensor(sample_weight, dtype=self.dtype)
            if len(sample_weight.shape) > 1:  # (batch, 1) or per-timestep weights: one per sample
                sample_weight = ops.mean(ops.reshape(sample_weight, (ops.shape(sample_weight)[0], -1)), axis=-1)
        if mask is None:
            values = ops.all(matches, axis=-1)
        else:
            mask = ops.cast(mask, "bool")
            values = ops.all(ops.logical_or(matches, ops.logical_not(mask)), axis=-1)
            counted = ops.cast(ops.any(mask, axis=-1), self.dtype)
            sample_weight = counted if sample_weight is None else sample_weight * counted
        super().update_state(ops.cast(values, self.dtype), sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


def _keras_mask(tensor: Any) -> Any:
    # The timestep mask Keras attaches to a layer's output (None when there is none).
    # Keras reads it with keras.src.backend.get_keras_mask, which is not public API.
    try:
        from keras.src.backend import get_keras_mask
    except ImportError:  # pragma: no cover - a Keras that moved it
        return getattr(tensor, "_keras_mask", None)
    return get_keras_mask(tensor)
