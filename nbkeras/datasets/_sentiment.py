"""Short synthetic reviews with positive/negative labels, for Embedding + RNN models.

Every sentence carries exactly one opinion word (an adjective), optionally negated:
"the movie was not good" is negative, "the food was never bad" is positive. Half the
sentences are negated, independently of the label, so neither the opinion word alone
nor the presence of "not" says anything about the label: the model has to combine the
negation with the adjective (an interaction no *linear* bag of words can express; an
LSTM, or a bag of words followed by a hidden layer, can). Intensifiers ("very", "really") and
neutral openings and endings ("honestly", "to be honest") add variety and length but
no signal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from nbkeras._validate import check_fraction, check_int, check_seed, invalid_type, invalid_value
from nbkeras.datasets._split import shuffle_split

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

PADDING = 0
OOV = 1
# Same reserved tokens as keras.layers.TextVectorization's vocabulary.
_RESERVED = ("", "[UNK]")

_POSITIVE = (
    "good", "great", "excellent", "wonderful", "fantastic",
    "amazing", "lovely", "delightful", "brilliant", "enjoyable",
)  # fmt: skip
_NEGATIVE = (
    "bad", "terrible", "awful", "boring", "horrible",
    "dull", "poor", "disappointing", "mediocre", "annoying",
)  # fmt: skip
_NEGATIONS = ("not", "never", "not at all")
_INTENSIFIERS = ("very", "really", "so", "quite", "truly", "extremely")
_SUBJECTS = (
    "the movie", "the film", "the book", "the food", "the service", "the hotel",
    "the show", "the game", "the music", "the plot", "the acting", "the ending",
    "this place", "this phone", "the trip", "the concert",
)  # fmt: skip
_VERBS = ("was", "is", "seemed", "felt")
_NOUNS = ("movie", "film", "book", "meal", "experience", "day", "trip", "show", "game", "evening")
_OPENINGS = ("honestly", "overall", "i think", "to be honest", "well", "in my opinion", "frankly")
_ENDINGS = ("overall", "to be honest", "i think", "in my opinion", "if you ask me", "in the end")

# Longest possible sentence: opening "to be honest" (3) + "the movie was not at all good"
# (7) + ending "if you ask me" (4). The default maxlen leaves room, so nothing is cut.
LONGEST = 14
DEFAULT_MAXLEN = 16


def _all_words() -> list[str]:
    phrases = _POSITIVE + _NEGATIVE + _NEGATIONS + _INTENSIFIERS + _SUBJECTS + _VERBS + _NOUNS + _OPENINGS + _ENDINGS
    words = {w for phrase in phrases for w in phrase.split()}
    words |= {"it", "a", "an"}
    return sorted(words)


_WORDS = _all_words()
_INDEX = {w: i for i, w in enumerate((*_RESERVED, *_WORDS))}


def sentiment_vocabulary() -> dict[str, int]:
    """The word -> index mapping of the sentiment data set (a fresh copy each call).

    Index 0 (``""``) is padding and index 1 (``"[UNK]"``) is for out-of-vocabulary words,
    the same convention as ``keras.layers.TextVectorization``; the other words follow in
    alphabetical order.

    Returns:
        A dict whose length is the ``input_dim`` to give ``keras.layers.Embedding``.

    Example:

        >>> vocab = sentiment_vocabulary()
        >>> vocab[""], vocab["[UNK]"], "good" in vocab
        (0, 1, True)
    """
    return dict(_INDEX)


def _tokenize(text: str) -> list[str]:
    # Letters and apostrophes only, lower-cased: "Not GOOD!" reads as "not good".
    return re.findall(r"[a-z']+", text.lower())


def encode_sentiment(texts: str | Iterable[str], maxlen: int = DEFAULT_MAXLEN) -> np.ndarray:
    """Encode sentences with the sentiment vocabulary, padded like the data set.

    Text is lower-cased and split into words (punctuation is dropped); unknown words map
    to 1. Sequences are padded with 0 and truncated at the front, as
    ``keras.utils.pad_sequences`` does by default, so the last word is always at the end.

    Args:
        texts: Sentences to encode; a single ``str`` is encoded as a batch of one.
        maxlen: Length of each encoded sequence, at least 1.

    Returns:
        int32 array of shape ``(n, maxlen)``.

    Example:

        >>> decode_sentiment(encode_sentiment(["The movie was NOT good!"], maxlen=6))
        ['the movie was not good']
    """
    maxlen = check_int("maxlen", maxlen, min_value=1)
    batch = [texts] if isinstance(texts, str) else list(texts)
    out = np.zeros((len(batch), maxlen), dtype=np.int32)
    for row, text in enumerate(batch):
        if not isinstance(text, str):
            raise invalid_type("texts", text, "a string or an iterable of strings")
        ids = [_INDEX.get(word, OOV) for word in _tokenize(text)][-maxlen:]
        if ids:
            out[row, -len(ids) :] = ids
    return out


def decode_sentiment(sequences: Any) -> str | list[str]:
    """Turn encoded sentences back into text (padding dropped, unknown words as "[UNK]").

    Args:
        sequences: One encoded sentence, shape ``(maxlen,)``, or a batch ``(n, maxlen)``.

    Returns:
        A string for one sentence, a list of strings for a batch.

    Example:

        >>> decode_sentiment(encode_sentiment("the food was not bad"))
        ['the food was not bad']
    """
    words = np.array((*_RESERVED, *_WORDS), dtype=object)
    expected = f"integers in [0, {len(words)}) of shape (maxlen,) or (n, maxlen)"
    values = np.asarray(sequences)
    if values.ndim not in (1, 2) or (values.size and values.dtype.kind not in "iu"):
        raise invalid_value(
            "sequences",
            sequences,
            expected,
            received=f"sequences with shape {values.shape} and dtype {values.dtype}",
        )
    if values.size and (values.min() < 0 or values.max() >= len(words)):
        raise invalid_value(
            "sequences",
            sequences,
            expected,
            received=f"sequences with values from {values.min()} to {values.max()}",
        )
    rows = values if values.ndim == 2 else values[None]
    texts = [" ".join(words[row[row != PADDING]]) for row in rows.astype(np.int64)]
    return texts if values.ndim == 2 else texts[0]


def _sentence(positive: bool, negated: bool, rng: np.random.Generator) -> str:
    def pick(options: tuple[str, ...]) -> str:
        return options[rng.integers(len(options))]

    adjective = pick(_POSITIVE if positive else _NEGATIVE)
    # Intensifiers only on plain sentences: "not very bad" has no clear polarity.
    if negated:
        modifier = pick(_NEGATIONS)
    else:
        modifier = pick(_INTENSIFIERS) if rng.random() < 0.5 else ""
    if rng.random() < 0.3:
        # "it was not a good movie": the negation sits two words from the adjective.
        # ("not at all" reads badly here, so it becomes plain "not".)
        modifier = "not" if modifier == "not at all" else modifier
        negation, intensity = (modifier, "") if negated else ("", modifier)
        described = f"{intensity} {adjective}".strip()
        article = "an" if described[0] in "aeiou" else "a"
        core = f"it was {negation} {article} {described} {pick(_NOUNS)}"
    else:
        core = f"{pick(_SUBJECTS)} {pick(_VERBS)} {modifier} {adjective}"
    opening = pick(_OPENINGS) if rng.random() < 0.3 else ""
    ending = pick(_ENDINGS) if rng.random() < 0.3 else ""
    return " ".join(f"{opening} {core} {ending}".split())


def sentiment(n_samples: int = 5000, maxlen: int = DEFAULT_MAXLEN, test_size: float = 0.2, seed: int = 0) -> Split:
    """Short synthetic reviews labelled positive (1) or negative (0), integer-encoded.

    Sentences look like "honestly the food was not bad" or "it was a really boring
    game". Each has one opinion word from 10 positive and 10 negative adjectives; half
    of the sentences negate it ("not", "never", "not at all"), which flips the label.
    Labels and negation are balanced and independent, so a bag of words is no better
    than chance at telling "not good" from "good": an order-aware model such as
    ``Embedding`` + ``LSTM`` is needed, and reaches well above 90% test accuracy.

    Sequences are padded with 0 at the front (and truncated at the front if ``maxlen``
    is shorter than a sentence, at most 14 words), like ``keras.utils.pad_sequences``.

    Args:
        n_samples: Number of sentences (train + test), at least 2. Labels are split as
            evenly as possible.
        maxlen: Length of each encoded sequence, at least 1.
        test_size: Fraction of sentences held out for the test set, in (0, 1).
        seed: Seed for ``numpy.random.default_rng``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x int32 of shape ``(n, maxlen)`` with
        indices from :func:`sentiment_vocabulary`, y int32 of shape ``(n,)``, 1 for
        positive. Read sentences back with :func:`decode_sentiment`.

    Example:

        >>> (x_train, y_train), _ = sentiment(n_samples=100)
        >>> x_train.shape, int(x_train.max()) < len(sentiment_vocabulary())
        ((80, 16), True)
    """
    n_samples = check_int("n_samples", n_samples, min_value=2)
    maxlen = check_int("maxlen", maxlen, min_value=1)
    test_size = check_fraction("test_size", test_size)
    rng = np.random.default_rng(check_seed(seed))

    # Exactly balanced, independent label and negation: each a shuffled half-and-half.
    labels = rng.permutation(np.arange(n_samples) % 2)
    negated = rng.permutation(np.arange(n_samples) % 2).astype(bool)
    positive = (labels == 1) != negated
    texts = [_sentence(bool(p), bool(n), rng) for p, n in zip(positive, negated)]
    x = encode_sentiment(texts, maxlen)
    y = labels.astype(np.int32)
    train, test = shuffle_split(n_samples, test_size, rng)
    return (x[train], y[train]), (x[test], y[test])
