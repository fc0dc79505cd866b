"""Character-level addition ("535+61" -> "596") for sequence-to-sequence models.

This is the data of the Keras example "Sequence to sequence learning for performing
number addition": queries and answers are strings over the vocabulary
``"0123456789+ "``, right-padded with spaces to a fixed length.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from nbkeras._validate import (
    check_bool,
    check_choice,
    check_fraction,
    check_int,
    check_seed,
    invalid_type,
    invalid_value,
)
from nbkeras.datasets._split import shuffle_split

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

# Digits first, so that in the "int" encoding the index of a digit is its value.
_VOCABULARY = "0123456789+ "
_ENCODINGS = ("onehot", "int")
# 10 ** (2 * digits) distinct questions must fit in an int64 for the sampler.
_MAX_DIGITS = 9

# Byte -> vocabulary index (-1 for bytes outside the vocabulary), for vectorised encoding.
_LOOKUP = np.full(256, -1, dtype=np.int32)
for _index, _char in enumerate(_VOCABULARY):
    _LOOKUP[ord(_char)] = _index
del _index, _char


def addition_vocabulary() -> str:
    """The characters of the addition data set, in index order.

    Returns:
        ``"0123456789+ "``: index ``i < 10`` is the digit ``i``, 10 is ``"+"`` and 11 is
        the padding space. Its length is the size of the one-hot axis.

    Example:

        >>> addition_vocabulary().index("+")
        10
    """
    return _VOCABULARY


def _to_indices(padded: list[str], name: str) -> np.ndarray:
    width = len(padded[0]) if padded else 0
    try:
        raw = np.frombuffer("".join(padded).encode("ascii"), dtype=np.uint8)
    except UnicodeEncodeError:
        raw = None
    indices = None if raw is None else _LOOKUP[raw]
    if indices is None or (indices < 0).any():
        bad = sorted({c for s in padded for c in s if c not in _VOCABULARY})
        raise invalid_value(
            name,
            None,
            f"strings made only of the characters {_VOCABULARY!r}",
            received=f"{name} containing {bad!r}",
        )
    return indices.reshape(len(padded), width)


def _one_hot(indices: np.ndarray) -> np.ndarray:
    return np.eye(len(_VOCABULARY), dtype=np.float32)[indices]


def encode_addition(
    strings: str | Iterable[str],
    maxlen: int | None = None,
    *,
    encoding: str = "onehot",
    reverse: bool = False,
) -> np.ndarray:
    """Encode strings such as "12+345" the way the addition loader does.

    Each string is right-padded with spaces to ``maxlen`` and then, if ``reverse``,
    reversed (as the Keras example does to the queries).

    Args:
        strings: The strings to encode; a single ``str`` is encoded as a batch of one.
        maxlen: Length to pad to. Defaults to the longest string. Longer strings are an
            error rather than silently cut, since a cut number is a different number.
            For a model trained on ``addition(digits=d)`` use ``2 * d + 1`` for
            queries and ``d + 1`` for answers.
        encoding: ``"onehot"`` for float32 ``(n, maxlen, 12)`` or ``"int"`` for int32
            ``(n, maxlen)`` vocabulary indices.
        reverse: Reverse each padded string.

    Returns:
        The encoded batch.

    Example:

        >>> encode_addition(["1+2"], maxlen=7, encoding="int").tolist()
        [[1, 10, 2, 11, 11, 11, 11]]
    """
    encoding = check_choice("encoding", encoding, _ENCODINGS)
    reverse = check_bool("reverse", reverse)
    batch = [strings] if isinstance(strings, str) else list(strings)
    for item in batch:
        if not isinstance(item, str):
            raise invalid_type("strings", item, "a string or an iterable of strings")
    longest = max((len(s) for s in batch), default=0)
    if maxlen is None:
        maxlen = max(longest, 1)
    else:
        maxlen = check_int("maxlen", maxlen, min_value=1)
        if longest > maxlen:
            raise invalid_value("maxlen", maxlen, f"an integer >= {longest} (the longest string)")
    padded = [s.ljust(maxlen) for s in batch]
    if reverse:
        padded = [s[::-1] for s in padded]
    indices = _to_indices(padded, "strings")
    return _one_hot(indices) if encoding == "onehot" else indices


def decode_addition(array: Any, *, reverse: bool = False) -> list[str]:
    """Turn encoded queries, answers or model predictions back into strings.

    Args:
        array: Either int indices of shape ``(n, t)`` or vectors of shape ``(n, t, 12)``
            (one-hot encodings or softmax outputs; the most likely character wins).
        reverse: Undo ``reverse=True`` from :func:`addition` or :func:`encode_addition`.

    Returns:
        A list of ``n`` strings with the padding spaces stripped.

    Example:

        >>> decode_addition(encode_addition(["12+3", "7+45"]))
        ['12+3', '7+45']
    """
    reverse = check_bool("reverse", reverse)
    expected = f"an array of shape (n, t) of indices in [0, {len(_VOCABULARY)}) or (n, t, {len(_VOCABULARY)})"
    try:
        values = np.asarray(array)
    except (TypeError, ValueError):
        raise invalid_type("array", array, expected) from None
    if values.ndim == 3 and values.shape[-1] == len(_VOCABULARY) and values.dtype.kind in "biuf":
        indices = values.argmax(axis=-1)
    elif values.ndim == 2 and values.dtype.kind in "iuf":
        if values.size and (values.dtype.kind == "f" and not np.array_equal(values, np.round(values))):
            raise invalid_value("array", array, expected, received="array with non-integer values")
        indices = values.astype(np.int64)
        if values.size and (indices.min() < 0 or indices.max() >= len(_VOCABULARY)):
            raise invalid_value(
                "array",
                array,
                expected,
                received=f"array with values from {indices.min()} to {indices.max()}",
            )
    else:
        raise invalid_value(
            "array", array, expected, received=f"array with shape {values.shape} and dtype {values.dtype}"
        )
    chars = np.array(list(_VOCABULARY))[indices]
    if reverse:
        chars = chars[:, ::-1]
    return ["".join(row).strip() for row in chars]


def addition(
    n_samples: int = 50000,
    digits: int = 3,
    encoding: str = "onehot",
    reverse: bool = False,
    test_size: float = 0.2,
    seed: int = 0,
) -> Split:
    """Addition questions and answers as character sequences, for seq2seq models.

    Each question is ``f"{a}+{b}"`` with ``a`` and ``b`` drawn so that every pair in
    ``0 .. 10**digits - 1`` is equally likely, and no question appears twice (so
    train and test are disjoint). ``"3+5"`` and ``"5+3"`` count as different questions.
    Queries are right-padded with spaces to ``2 * digits + 1`` characters, answers
    (``str(a + b)``) to ``digits + 1``. With ``reverse=True`` the padded query is
    reversed, which the Keras example found to help LSTMs (the digits that are added
    together end up closer).

    Args:
        n_samples: Number of questions (train + test), between 2 and the number of
            distinct questions, ``10 ** (2 * digits)``.
        digits: Maximum number of digits of each operand, between 1 and 9.
        encoding: ``"onehot"``: float32 arrays of shape ``(n, length, 12)``; ``"int"``:
            int32 arrays of shape ``(n, length)`` holding indices into
            :func:`addition_vocabulary` (note the padding space is 11, not 0).
        reverse: Reverse the query strings (not the answers).
        test_size: Fraction of questions held out for the test set, in (0, 1).
        seed: Seed for ``numpy.random.default_rng``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x holds the encoded queries (length
        ``2 * digits + 1``), y the encoded answers (length ``digits + 1``). Use
        :func:`decode_addition` to read them.

    Example:

        >>> (x_train, y_train), _ = addition(n_samples=1000, digits=2)
        >>> x_train.shape, y_train.shape
        ((800, 5, 12), (800, 3, 12))
        >>> q, a = decode_addition(x_train[:1])[0], decode_addition(y_train[:1])[0]
        >>> sum(int(n) for n in q.split("+")) == int(a)
        True
    """
    digits = check_int("digits", digits, min_value=1, max_value=_MAX_DIGITS)
    n_questions = 10 ** (2 * digits)
    n_samples = check_int("n_samples", n_samples, min_value=2)
    if n_samples > n_questions:
        raise invalid_value(
            "n_samples",
            n_samples,
            f"at most {n_questions} (the number of distinct questions with digits={digits})",
        )
    encoding = check_choice("encoding", encoding, _ENCODINGS)
    reverse = check_bool("reverse", reverse)
    test_size = check_fraction("test_size", test_size)
    rng = np.random.default_rng(check_seed(seed))

    # Sampling question ids without replacement is what guarantees uniqueness.
    ids = rng.choice(n_questions, size=n_samples, replace=False)
    a, b = np.divmod(ids, 10**digits)
    queries = [f"{i}+{j}".ljust(2 * digits + 1) for i, j in zip(a.tolist(), b.tolist())]
    if reverse:
        queries = [q[::-1] for q in queries]
    answers = [str(s).ljust(digits + 1) for s in (a + b).tolist()]
    x = _to_indices(queries, "queries")
    y = _to_indices(answers, "answers")
    if encoding == "onehot":
        x, y = _one_hot(x), _one_hot(y)
    train, test = shuffle_split(n_samples, test_size, rng)
    return (x[train], y[train]), (x[test], y[test])
