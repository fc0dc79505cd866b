"""A (step, value) series with bounded memory, for curves that grow every batch.

A training run can last millions of steps; a live chart needs a few thousand points.
:class:`DecimatedSeries` keeps the most recent ``recent`` points exactly and the older
part at a uniform, coarser resolution: when the buffer is full, older points are
merged into bins of ``stride`` consecutive originals (``stride`` doubles when needed),
each bin holding the *mean* step and the *mean* value of the originals it covers. The
x-axis density stays uniform over the whole run, and memory never exceeds
``capacity`` points (three float64 arrays of that length, allocated once).

Non-finite values stay visible: a bin that contains a NaN or an infinity shows it
(a loss that went to NaN for one batch still shows as a gap, however old), rather
than vanishing into a mean.

Consumers that mirror the series elsewhere (a browser) keep ``total_appended`` from
their last sync and ask :meth:`DecimatedSeries.since` for what is new; it answers
``None`` when a compaction has rewritten points they hold, meaning "resend all".

Speed: :meth:`~DecimatedSeries.append` is O(1) amortized (about 1 µs); a compaction
costs O(capacity) and happens at most once every ``(capacity - recent) / 2`` appends.

Example:

    >>> from nbkeras.training.series import DecimatedSeries
    >>> s = DecimatedSeries(capacity=8, recent=2)
    >>> for i in range(20):
    ...     s.append(i, 2.0 * i)
    >>> len(s) <= 8, s.values[-2:].tolist()
    (True, [36.0, 38.0])
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from nbkeras._validate import invalid_value, is_int

__all__ = ["DecimatedSeries"]


def _check_int(name: str, value: object, minimum: int) -> int:
    if not is_int(value) or value < minimum:
        raise invalid_value(name, value, f"an integer >= {minimum}")
    return int(value)


class DecimatedSeries:
    """An append-only (step, value) series that keeps at most ``capacity`` points.

    The newest ``recent`` points are always exact. Older points are bins of ``stride``
    consecutive originals (the first bins after a stride change may also be narrower:
    each point's ``counts`` entry says how many originals it stands for); a bin's step
    and value are the means of its originals, except that a bin containing NaN or
    ±inf shows that non-finite value.

    Args:
        capacity: Most points held. At least ``2 * recent`` and ``recent + 2``, so that
            a compaction always frees enough room for appends to stay O(1) amortized.
        recent: How many of the newest points are always kept at full resolution.

    Attributes:
        compactions: How many times older points were merged. A consumer holding a
            copy of the points must resync when this changes.
        version: Increases on every change (append, extend, compaction, clear): a
            cheap "has anything changed since I last looked" check.
        total_appended: How many points were ever appended (merged or not).

    Example:

        >>> s = DecimatedSeries(capacity=4, recent=2)
        >>> s.extend([0, 1, 2, 3, 4], [0.0, 1.0, 2.0, 3.0, 4.0])
        >>> s.steps.tolist(), s.values.tolist(), s.compactions
        ([0.5, 2.0, 3.0, 4.0], [0.5, 2.0, 3.0, 4.0], 1)
    """

    __slots__ = (
        "_capacity",
        "_recent",
        "_steps",
        "_values",
        "_counts",
        "_n",
        "_n_coarse",
        "_stride",
        "compactions",
        "version",
        "total_appended",
    )

    def __init__(self, capacity: int = 4096, recent: int = 1024) -> None:
        recent = _check_int("recent", recent, 0)
        capacity = _check_int("capacity", capacity, 2)
        if capacity < max(2 * recent, recent + 2):
            raise invalid_value(
                "capacity",
                capacity,
                "capacity >= max(2 * recent, recent + 2)",
                received=f"capacity={capacity} with recent={recent}",
            )
        self._capacity = capacity
        self._recent = recent
        # Allocated once: memory is bounded by construction, not by policy.
        self._steps = np.empty(capacity, dtype=np.float64)
        self._values = np.empty(capacity, dtype=np.float64)
        self._counts = np.empty(capacity, dtype=np.float64)
        self.clear()

    # -- state ---------------------------------------------------------------------

    def clear(self) -> None:
        """Forget every point (the buffers are kept)."""
        self._n = 0
        # Points [0, _n_coarse) are merged bins aligned on multiples of _stride in
        # original-index space; points [_n_coarse, _n) are originals (count 1).
        self._n_coarse = 0
        self._stride = 1
        self.compactions = 0
        self.version = getattr(self, "version", -1) + 1
        self.total_appended = 0

    @property
    def capacity(self) -> int:
        """Most points this series holds."""
        return self._capacity

    @property
    def recent(self) -> int:
        """How many of the newest points are always exact."""
        return self._recent

    @property
    def stride(self) -> int:
        """How many originals one merged (older) point stands for, at most."""
        return self._stride

    @property
    def nbytes(self) -> int:
        """Bytes held by the point buffers (constant for the life of the series)."""
        return self._steps.nbytes + self._values.nbytes + self._counts.nbytes

    def __len__(self) -> int:
        return self._n

    def __repr__(self) -> str:
        return (
            f"DecimatedSeries(points={self._n}, total_appended={self.total_appended}, "
            f"stride={self._stride}, capacity={self._capacity}, recent={self._recent})"
        )

    @property
    def steps(self) -> np.ndarray:
        """The points' steps, oldest first (a float64 copy)."""
        return self._steps[: self._n].copy()

    @property
    def values(self) -> np.ndarray:
        """The points' values, oldest first (a float64 copy; NaN/±inf kept)."""
        return self._values[: self._n].copy()

    @property
    def counts(self) -> np.ndarray:
        """How many appended originals each point stands for (float64 copy)."""
        return self._counts[: self._n].copy()

    @property
    def last_step(self) -> float | None:
        """Step of the newest point, or ``None`` when empty."""
        return float(self._steps[self._n - 1]) if self._n else None

    @property
    def last_value(self) -> float | None:
        """Value of the newest point, or ``None`` when empty."""
        return float(self._values[self._n - 1]) if self._n else None

    # -- appending -----------------------------------------------------------------

    def append(self, step: float, value: float) -> None:
        """Add one point at the end.

        Args:
            step: The x coordinate (a global training step, usually).
            value: The y coordinate; NaN and ±inf are kept.
        """
        n = self._n
        if n == self._capacity:
            self._compact()
            n = self._n
        # Plain item assignment into preallocated arrays: ~100 ns each.
        self._steps[n] = step
        self._values[n] = value
        self._counts[n] = 1.0
        self._n = n + 1
        self.total_appended += 1
        self.version += 1

    def extend(self, steps: Iterable[float], values: Iterable[float]) -> None:
        """Add many points at the end, in order (same result as repeated appends).

        Args:
            steps: 1-D sequence of steps.
            values: 1-D sequence of values, as long as ``steps``.

        Raises:
            ValueError: ``steps`` and ``values`` differ in length or are not 1-D.
        """
        s = np.asarray(steps, dtype=np.float64)
        v = np.asarray(values, dtype=np.float64)
        if s.ndim != 1 or v.shape != s.shape:
            raise invalid_value(
                "values",
                values,
                "two 1-D arrays of the same length (`steps` and `values`)",
                received=f"steps of shape {s.shape} and values of shape {v.shape}",
            )
        i = 0
        while i < s.size:
            if self._n == self._capacity:
                self._compact()
            take = min(self._capacity - self._n, s.size - i)
            n = self._n
            self._steps[n : n + take] = s[i : i + take]
            self._values[n : n + take] = v[i : i + take]
            self._counts[n : n + take] = 1.0
            self._n = n + take
            self.total_appended += take
            i += take
        if s.size:
            self.version += 1

    # -- reading what is new -------------------------------------------------------

    def since(self, n_total: int, *, compactions: int | None = None) -> tuple[np.ndarray, np.ndarray] | None:
        """The points appended after a consumer had seen ``n_total`` of them.

        Args:
            n_total: ``total_appended`` at the consumer's last sync.
            compactions: Optionally, ``compactions`` at that sync. When given and
                different from now, the consumer's older points were rewritten and
                the answer is ``None`` even if the new points are still exact.

        Returns:
            ``(steps, values)`` float64 copies of the points appended after the first
            ``n_total`` (empty arrays when nothing is new), or ``None`` when some of
            them (or, with ``compactions``, of the consumer's points) have been merged
            since: the consumer must resync from :attr:`steps` / :attr:`values`.

        Raises:
            ValueError: ``n_total`` is negative or larger than ``total_appended``.

        Example:

            >>> s = DecimatedSeries(capacity=4, recent=2)
            >>> s.extend([0, 1], [5.0, 6.0])
            >>> s.since(1)
            (array([1.]), array([6.]))
        """
        if not is_int(n_total) or not 0 <= n_total <= self.total_appended:
            raise invalid_value("n_total", n_total, f"an integer in [0, {self.total_appended}] (total_appended)")
        if compactions is not None and compactions != self.compactions:
            return None
        new = self.total_appended - n_total
        n_fine = self._n - self._n_coarse
        if new > n_fine:
            return None
        start = self._n - new
        return self._steps[start : self._n].copy(), self._values[start : self._n].copy()

    # -- compaction ----------------------------------------------------------------

    def _compact(self) -> None:
        # Fold everything older than the newest `recent` originals into bins aligned
        # on multiples of the stride in original-index space, doubling the stride
        # until the merged part takes at most half of the room left by `recent`.
        # That leaves >= (capacity - recent) / 2 free slots: O(1) amortized appends.
        n, nc, recent = self._n, self._n_coarse, self._recent
        n_fine = n - nc
        n_old = n - recent  # points to fold: the coarse ones plus aged originals
        first_fine_index = self.total_appended - n_fine  # original index of point nc
        budget = max(1, (self._capacity - recent) // 2)
        n_originals = first_fine_index + (n_fine - recent)  # originals being folded
        stride = self._stride
        while math.ceil(n_originals / stride) > budget:
            stride *= 2

        # Original index where each point to fold starts: coarse bin j starts at
        # j * old_stride (bins are aligned), aged original i sits at its own index.
        start_index = np.empty(n_old, dtype=np.int64)
        start_index[:nc] = np.arange(nc, dtype=np.int64) * self._stride
        start_index[nc:] = np.arange(first_fine_index, n_originals, dtype=np.int64)
        bins = start_index // stride
        n_bins = int(bins[-1]) + 1 if n_old else 0

        steps = self._steps[:n_old]
        values = self._values[:n_old]
        counts = self._counts[:n_old]
        finite = np.isfinite(values)
        w_all = np.bincount(bins, weights=counts, minlength=n_bins)
        step_sum = np.bincount(bins, weights=counts * steps, minlength=n_bins)
        w_fin = np.where(finite, counts, 0.0)
        value_sum = np.bincount(bins, weights=w_fin * np.where(finite, values, 0.0), minlength=n_bins)
        w_fin_sum = np.bincount(bins, weights=w_fin, minlength=n_bins)
        with np.errstate(invalid="ignore", divide="ignore"):
            new_values = value_sum / w_fin_sum
        # A bin with any non-finite original shows one (the last one wins): a NaN
        # spike must stay visible however far it is decimated.
        bad = np.flatnonzero(~finite)
        if bad.size:
            new_values[bins[bad]] = values[bad]
        new_steps = step_sum / w_all

        # Write the bins, then slide the recent originals down behind them.
        self._steps[:n_bins] = new_steps
        self._values[:n_bins] = new_values
        self._counts[:n_bins] = w_all
        self._steps[n_bins : n_bins + recent] = self._steps[n_old:n]
        self._values[n_bins : n_bins + recent] = self._values[n_old:n]
        self._counts[n_bins : n_bins + recent] = self._counts[n_old:n]
        self._n = n_bins + recent
        self._n_coarse = n_bins
        self._stride = stride
        self.compactions += 1
        self.version += 1
