"""Small image sets that ship with a dependency (nothing is downloaded)."""

from __future__ import annotations

import numpy as np

from nbkeras._validate import check_fraction, check_int, check_seed
from nbkeras.datasets._split import stratified_split

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

# Size of scikit-learn's bundled copy of the UCI optical digits test set.
DIGITS_TOTAL = 1797


def digits(n_samples: int | None = None, test_size: float = 0.2, seed: int = 0) -> Split:
    """The 8x8 handwritten digits bundled with scikit-learn, shaped like a tiny MNIST.

    These are the 1,797 images of ``sklearn.datasets.load_digits`` (the UCI "optical
    recognition of handwritten digits" set): 8x8 grey levels 0..16, scaled here to
    [0, 1]. scikit-learn ships the file, so this works offline. The split is stratified
    (each digit keeps its share in both sets) and shuffled with ``seed``.

    Args:
        n_samples: Number of images to use (train + test), between 2 and 1797; None
            (default) uses all of them. A subset is a seeded random choice.
        test_size: Fraction of images held out for the test set, in (0, 1).
        seed: Seed for ``numpy.random.default_rng``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x float32 of shape ``(n, 8, 8, 1)``
        with values in [0, 1] (ready for ``Conv2D``), y int32 of shape ``(n,)`` in 0..9.

    Example:

        >>> (x_train, y_train), (x_test, y_test) = digits()
        >>> x_train.shape, x_test.shape
        ((1438, 8, 8, 1), (359, 8, 8, 1))
    """
    if n_samples is not None:
        n_samples = check_int("n_samples", n_samples, min_value=2, max_value=DIGITS_TOTAL)
    test_size = check_fraction("test_size", test_size)
    rng = np.random.default_rng(check_seed(seed))
    # Imported here: scikit-learn costs about a second to import, and only this loader needs it.
    from sklearn.datasets import load_digits

    images, labels = load_digits(return_X_y=True)
    if n_samples is not None:
        keep = rng.choice(len(labels), size=n_samples, replace=False)
        images, labels = images[keep], labels[keep]
    train, test = stratified_split(labels, test_size, rng)
    x = (images / 16.0).astype(np.float32).reshape(-1, 8, 8, 1)
    y = labels.astype(np.int32)
    return (x[train], y[train]), (x[test], y[test])
