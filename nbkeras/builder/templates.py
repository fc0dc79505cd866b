"""Starting points for the builder: one spec per kind of model in the course.

Each template fits one of :mod:`nbkeras.datasets` with its default arguments (the
sizes are read from the loaders, not restated), so ``model.fit`` works on it as is:

* ``mlp``: a small Dense network for the 2-D toy sets (``datasets.spirals``);
* ``cnn``: a small convnet for the 8x8 digits (``datasets.digits``), shaped like
  keras.io's "Simple MNIST convnet";
* ``rnn``: an LSTM forecasting the next value of a sine-wave window
  (``datasets.sine_waves``);
* ``text``: an Embedding + LSTM sentiment classifier (``datasets.sentiment``);
* ``seq2seq``: keras.io's "Sequence to sequence learning for performing number
  addition" (``datasets.addition``): LSTM encoder, RepeatVector, LSTM decoder,
  TimeDistributed Dense softmax.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from nbkeras._validate import closest, did_you_mean
from nbkeras.builder.errors import SpecError, invalid_value
from nbkeras.datasets import addition, addition_vocabulary, sentiment, sentiment_vocabulary, sine_waves, spirals

__all__ = ["template", "template_names"]


def _default(loader: Callable[..., Any], argument: str) -> Any:
    return inspect.signature(loader).parameters[argument].default


def _mlp() -> dict[str, Any]:
    return {
        "input_shape": [2],
        "layers": [
            {"class_name": "Dense", "config": {"units": 32, "activation": "relu"}},
            {"class_name": "Dense", "config": {"units": 32, "activation": "relu"}},
            {"class_name": "Dense", "config": {"units": _default(spirals, "n_classes"), "activation": "softmax"}},
        ],
        "compile": {
            "optimizer": "adam",
            "learning_rate": 0.01,
            "loss": "sparse_categorical_crossentropy",
            "metrics": ["accuracy"],
        },
    }


def _cnn() -> dict[str, Any]:
    return {
        "input_shape": [8, 8, 1],
        "layers": [
            {"class_name": "Conv2D", "config": {"filters": 16, "kernel_size": 3, "activation": "relu"}},
            {"class_name": "MaxPooling2D", "config": {}},
            {"class_name": "Flatten", "config": {}},
            {"class_name": "Dropout", "config": {"rate": 0.25}},
            {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}},
        ],
        "compile": {
            "optimizer": "adam",
            "learning_rate": 0.001,
            "loss": "sparse_categorical_crossentropy",
            "metrics": ["accuracy"],
        },
    }


def _rnn() -> dict[str, Any]:
    return {
        "input_shape": [_default(sine_waves, "timesteps"), 1],
        "layers": [
            {"class_name": "LSTM", "config": {"units": 32}},
            {"class_name": "Dense", "config": {"units": _default(sine_waves, "horizon")}},
        ],
        "compile": {"optimizer": "adam", "learning_rate": 0.001, "loss": "mse", "metrics": ["mae"]},
    }


def _text() -> dict[str, Any]:
    return {
        "input_shape": [_default(sentiment, "maxlen")],
        "input_dtype": "int32",
        "layers": [
            {
                "class_name": "Embedding",
                # Index 0 is padding: mask_zero lets the LSTM skip it.
                "config": {"input_dim": len(sentiment_vocabulary()), "output_dim": 16, "mask_zero": True},
            },
            {"class_name": "LSTM", "config": {"units": 32}},
            {"class_name": "Dense", "config": {"units": 1, "activation": "sigmoid"}},
        ],
        "compile": {
            "optimizer": "adam",
            "learning_rate": 0.001,
            "loss": "binary_crossentropy",
            "metrics": ["accuracy"],
        },
    }


def _seq2seq() -> dict[str, Any]:
    digits = _default(addition, "digits")
    vocabulary = len(addition_vocabulary())
    return {
        # Queries "123+456" are 2 * digits + 1 one-hot characters, answers digits + 1.
        "input_shape": [2 * digits + 1, vocabulary],
        "layers": [
            {"class_name": "LSTM", "config": {"units": 128}},
            {"class_name": "RepeatVector", "config": {"n": digits + 1}},
            {"class_name": "LSTM", "config": {"units": 128, "return_sequences": True}},
            {
                "class_name": "TimeDistributed",
                "config": {"layer": {"class_name": "Dense", "config": {"units": vocabulary, "activation": "softmax"}}},
            },
        ],
        "compile": {
            "optimizer": "adam",
            "learning_rate": 0.001,
            "loss": "categorical_crossentropy",
            "metrics": ["accuracy"],
        },
    }


_TEMPLATES: dict[str, Callable[[], dict[str, Any]]] = {
    "mlp": _mlp,
    "cnn": _cnn,
    "rnn": _rnn,
    "text": _text,
    "seq2seq": _seq2seq,
}


def template_names() -> tuple[str, ...]:
    """Names :func:`template` accepts.

    Example:
        >>> template_names()
        ('mlp', 'cnn', 'rnn', 'text', 'seq2seq')
    """
    return tuple(_TEMPLATES)


def template(name: str) -> dict[str, Any]:
    """A ready-to-train spec for one kind of model (a fresh copy each call).

    Args:
        name: One of :func:`template_names`: ``"mlp"``, ``"cnn"``, ``"rnn"``,
            ``"text"``, ``"seq2seq"``.

    Returns:
        A canonical model spec with ``compile`` settings.

    Raises:
        SpecError: For an unknown name, listing the valid ones.

    Example:
        >>> template("rnn")["input_shape"]
        [32, 1]
    """
    make = _TEMPLATES.get(name) if isinstance(name, str) else None
    if make is None:
        names = template_names()
        issue = invalid_value(
            "template",
            "name",
            name,
            "one of: " + ", ".join(names),
            fix=did_you_mean(closest(name, list(names))),
        )
        raise SpecError([issue])
    return make()
