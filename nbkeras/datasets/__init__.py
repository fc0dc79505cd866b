"""Small offline data sets for learning Keras, loaded like ``keras.datasets``.

Every loader returns ``(x_train, y_train), (x_test, y_test)`` as NumPy arrays, is
deterministic for a given ``seed`` and never touches the network: the data are
generated, or (``digits``) ship with scikit-learn. This package imports only NumPy,
so loading data does not pay for importing TensorFlow.

Call :func:`describe` for a one-line summary of each loader and helper.

Example:

    >>> from nbkeras import datasets
    >>> (x_train, y_train), (x_test, y_test) = datasets.moons(n_samples=500, noise=0.1)
    >>> x_train.shape, y_test.shape
    ((400, 2), (100,))
"""

from __future__ import annotations

import inspect

from nbkeras.datasets._addition import addition, addition_vocabulary, decode_addition, encode_addition
from nbkeras.datasets._images import digits
from nbkeras.datasets._sentiment import decode_sentiment, encode_sentiment, sentiment, sentiment_vocabulary
from nbkeras.datasets._timeseries import sine_waves
from nbkeras.datasets._toy import blobs, circles, moons, spirals, xor

__all__ = [
    # 2-D classification (TensorFlow Playground style)
    "spirals",
    "moons",
    "circles",
    "xor",
    "blobs",
    # images
    "digits",
    # sequences
    "sine_waves",
    "addition",
    "addition_vocabulary",
    "encode_addition",
    "decode_addition",
    "sentiment",
    "sentiment_vocabulary",
    "encode_sentiment",
    "decode_sentiment",
    # discovery
    "describe",
]


class _Text(str):
    # A str whose repr is itself, so describe() reads as a table when it is the last
    # expression of a notebook cell, yet stays a plain string for code and tests.
    def __repr__(self) -> str:
        return str(self)


def _plain_signature(function) -> inspect.Signature:
    # Without annotations: "moons(n_samples=1000, noise=0.1, ...)" is what a learner needs.
    signature = inspect.signature(function)
    parameters = [p.replace(annotation=inspect.Parameter.empty) for p in signature.parameters.values()]
    return signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty)


def describe() -> str:
    """List what this package offers: each public function's signature and summary line.

    Returns:
        A multi-line string (displayed as-is in a notebook); ``help(datasets.name)`` has
        the full documentation of each entry.

    Example:

        >>> from nbkeras import datasets
        >>> "spirals(n_samples=1000" in datasets.describe()
        True
    """
    lines = []
    for name in __all__:
        function = globals()[name]
        summary = (inspect.getdoc(function) or "").split("\n", 1)[0]
        lines.append(f"{name}{_plain_signature(function)}\n    {summary}")
    return _Text("\n".join(lines))
