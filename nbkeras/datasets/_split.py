"""Train/test splitting shared by the loaders (seeded, NumPy only)."""

from __future__ import annotations

import math

import numpy as np

from nbkeras._validate import invalid_value, show_value


def split_sizes(n_samples: int, test_size: float) -> tuple[int, int]:
    """Sizes of the training and test sets for ``n_samples`` rows.

    Rounds half up, and refuses splits that would leave either set empty, because
    every loader promises two non-empty sets.

    Args:
        n_samples: Total number of rows.
        test_size: Fraction in (0, 1), already checked.

    Returns:
        ``(n_train, n_test)``, both at least 1.

    Example:

        >>> split_sizes(100, 0.2)
        (80, 20)
    """
    n_test = int(math.floor(n_samples * test_size + 0.5))
    if not 1 <= n_test <= n_samples - 1:
        raise invalid_value(
            "test_size",
            test_size,
            "a fraction that leaves at least one sample in both the training and the test set",
            received=f"test_size={show_value(test_size)} with n_samples={n_samples}",
        )
    return n_samples - n_test, n_test


def shuffle_split(n_samples: int, test_size: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled row indices for a plain (unstratified) split.

    Args:
        n_samples: Total number of rows.
        test_size: Fraction of rows for the test set.
        rng: The loader's generator.

    Returns:
        ``(train_index, test_index)``, disjoint and covering ``range(n_samples)``.

    Example:

        >>> tr, te = shuffle_split(10, 0.2, np.random.default_rng(0))
        >>> len(tr), len(te)
        (8, 2)
    """
    n_train, _ = split_sizes(n_samples, test_size)
    order = rng.permutation(n_samples)
    return order[:n_train], order[n_train:]


def stratified_split(y: np.ndarray, test_size: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled row indices for a split that keeps class proportions in both sets.

    The test quota is shared out between classes by largest remainder, so the total
    is exactly what :func:`split_sizes` promises while each class gets its fair share.

    Args:
        y: Integer class labels, shape ``(n,)``.
        test_size: Fraction of rows for the test set.
        rng: The loader's generator.

    Returns:
        ``(train_index, test_index)``, each shuffled (classes interleaved).

    Example:

        >>> y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
        >>> tr, te = stratified_split(y, 0.25, np.random.default_rng(0))
        >>> sorted(y[te].tolist())
        [0, 1]
    """
    _, n_test = split_sizes(len(y), test_size)
    classes, counts = np.unique(y, return_counts=True)
    quota = counts * (n_test / len(y))
    take = np.floor(quota).astype(np.int64)
    leftover = n_test - int(take.sum())
    # Stable sort: ties go to the lower class id, so the split is reproducible.
    take[np.argsort(-(quota - take), kind="stable")[:leftover]] += 1
    train_parts, test_parts = [], []
    for label, k in zip(classes, take):
        rows = rng.permutation(np.flatnonzero(y == label))
        test_parts.append(rows[:k])
        train_parts.append(rows[k:])
    return rng.permutation(np.concatenate(train_parts)), rng.permutation(np.concatenate(test_parts))


def balanced_counts(n_samples: int, n_classes: int) -> list[int]:
    """Rows per class when ``n_samples`` are shared as evenly as possible.

    Args:
        n_samples: Total number of rows.
        n_classes: Number of classes.

    Returns:
        A list of ``n_classes`` counts that differ by at most one.

    Example:

        >>> balanced_counts(10, 3)
        [4, 3, 3]
    """
    base, extra = divmod(n_samples, n_classes)
    return [base + (k < extra) for k in range(n_classes)]
