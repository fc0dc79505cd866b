"""Tests for nbkeras.training.series: bounded memory, exact recent window, honest means."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbkeras.training.series import DecimatedSeries


def _fill(series: DecimatedSeries, n: int, offset: int = 0) -> None:
    for i in range(offset, offset + n):
        series.append(i, 2.0 * i + 1.0)


def test_a_million_appends_stay_within_capacity_and_memory():
    s = DecimatedSeries(capacity=4096, recent=1024)
    nbytes = s.nbytes
    steps = np.arange(1_000_000, dtype=np.float64)
    # append() one by one for a part (the hot path), extend() for the rest.
    longest = 0
    for i in range(200_000):
        s.append(float(i), 2.0 * i + 1.0)
        longest = max(longest, len(s))
    assert longest == 4096
    s.extend(steps[200_000:], 2.0 * steps[200_000:] + 1.0)
    assert len(s) <= 4096
    assert s.total_appended == 1_000_000
    assert s.nbytes == nbytes == 3 * 4096 * 8  # allocated once, never grown
    # Every original is accounted for exactly once.
    assert s.counts.sum() == 1_000_000
    # Uniform resolution: all merged points stand for the same number of originals
    # (the stride) except the last merged bin, which may be partial.
    merged = s.counts[s.counts > 1]
    assert np.all(merged[:-1] == s.stride)
    assert len(s) > 4096 // 2  # and the budget is used, not wasted


def test_recent_window_is_exact():
    s = DecimatedSeries(capacity=64, recent=16)
    _fill(s, 10_000)
    np.testing.assert_array_equal(s.steps[-16:], np.arange(10_000 - 16, 10_000, dtype=float))
    np.testing.assert_array_equal(s.values[-16:], 2.0 * np.arange(10_000 - 16, 10_000) + 1.0)
    assert np.all(s.counts[-16:] == 1)


def test_linear_ramp_stays_a_ramp_of_means():
    s = DecimatedSeries(capacity=100, recent=20)
    _fill(s, 12_345)
    steps, values, counts = s.steps, s.values, s.counts
    # Mean of a linear function over originals = the function at their mean step.
    np.testing.assert_allclose(values, 2.0 * steps + 1.0, rtol=0, atol=1e-9)
    assert np.all(np.diff(steps) > 0)
    # Each merged point is the mean of a contiguous run of originals: its step is
    # the midpoint of the run its counts say it covers.
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    np.testing.assert_allclose(steps, starts + (counts - 1) / 2.0, atol=1e-9)


def test_decimated_values_are_means_of_the_originals():
    rng = np.random.default_rng(0)
    data = rng.standard_normal(5_000)
    s = DecimatedSeries(capacity=64, recent=8)
    s.extend(np.arange(data.size), data)
    counts = s.counts.astype(int)
    bounds = np.concatenate([[0], np.cumsum(counts)])
    expected = [data[a:b].mean() for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    np.testing.assert_allclose(s.values, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("marker", [math.nan, math.inf, -math.inf])
def test_non_finite_spikes_survive_decimation(marker):
    s = DecimatedSeries(capacity=32, recent=8)
    for i in range(100_000):
        s.append(i, marker if i == 777 else 1.0)
    values = s.values
    bad = ~np.isfinite(values)
    assert bad.sum() == 1, "the spike is merged into exactly one visible point"
    if math.isnan(marker):
        assert math.isnan(values[bad][0])
    else:
        assert values[bad][0] == marker
    # Its neighbours are not contaminated.
    assert np.all(values[~bad] == 1.0)
    # The point holding the spike covers original 777.
    starts = np.concatenate([[0], np.cumsum(s.counts)[:-1]])
    i = int(np.flatnonzero(bad)[0])
    assert starts[i] <= 777 < starts[i] + s.counts[i]


def test_since_returns_new_points_until_a_compaction_rewrites_them():
    s = DecimatedSeries(capacity=8, recent=4)
    s.extend(range(5), [10.0, 11.0, 12.0, 13.0, 14.0])
    steps, values = s.since(3)
    assert steps.tolist() == [3.0, 4.0] and values.tolist() == [13.0, 14.0]
    empty = s.since(5)
    assert empty[0].size == 0 and empty[1].size == 0
    seen, seen_compactions = s.total_appended, s.compactions
    s.extend([5, 6, 7], [15.0, 16.0, 17.0])  # 8 points: full, no compaction yet
    assert s.compactions == 0
    assert s.since(seen, compactions=seen_compactions)[1].tolist() == [15.0, 16.0, 17.0]
    s.append(8, 18.0)  # compaction: points 0..3 merged
    assert s.compactions == 1
    # New points are still exact ...
    assert s.since(seen)[1].tolist() == [15.0, 16.0, 17.0, 18.0]
    # ... but the consumer's older points were rewritten: resync.
    assert s.since(seen, compactions=seen_compactions) is None
    # Points that were themselves merged cannot be sent incrementally.
    assert s.since(0) is None
    assert s.since(s.total_appended - 4)[1].tolist() == [15.0, 16.0, 17.0, 18.0]


def test_since_rejects_impossible_counts():
    s = DecimatedSeries(capacity=8, recent=4)
    s.append(0, 1.0)
    with pytest.raises(ValueError, match=r"Received: n_total=2\. Expected an integer in \[0, 1\]"):
        s.since(2)
    with pytest.raises(ValueError, match="n_total=-1"):
        s.since(-1)


def test_version_and_compactions_track_changes():
    s = DecimatedSeries(capacity=4, recent=2)
    v0 = s.version
    s.append(0, 0.0)
    assert s.version > v0
    v1 = s.version
    s.extend([], [])
    assert s.version == v1
    s.extend([1, 2, 3, 4], [1.0, 2.0, 3.0, 4.0])
    assert s.compactions == 1 and s.version > v1
    s.clear()
    assert len(s) == 0 and s.total_appended == 0 and s.compactions == 0 and s.last_step is None


def test_docstring_example_values():
    s = DecimatedSeries(capacity=4, recent=2)
    s.extend([0, 1, 2, 3, 4], [0.0, 1.0, 2.0, 3.0, 4.0])
    assert s.steps.tolist() == [0.5, 2.0, 3.0, 4.0]
    assert s.values.tolist() == [0.5, 2.0, 3.0, 4.0]
    assert s.counts.tolist() == [2.0, 1.0, 1.0, 1.0]
    assert s.last_step == 4.0 and s.last_value == 4.0


def test_accessors_return_copies():
    s = DecimatedSeries(capacity=4, recent=2)
    s.append(0, 1.0)
    s.values[0] = 99.0
    assert s.values[0] == 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"capacity": 10, "recent": 6}, r"Received: capacity=10 with recent=6\. Expected capacity >= max"),
        ({"capacity": 3, "recent": 2}, r"Received: capacity=3 with recent=2\. Expected capacity >= max"),
        ({"capacity": 1, "recent": 0}, r"Received: capacity=1\. Expected an integer >= 2\."),
        ({"recent": -1}, r"Received: recent=-1\. Expected an integer >= 0\."),
        ({"capacity": 8.0, "recent": 2}, r"Received: capacity=8\.0\."),
    ],
)
def test_invalid_sizes_are_refused_in_keras_wording(kwargs, message):
    with pytest.raises(ValueError, match=r"Invalid value for argument `(capacity|recent)`\. " + message):
        DecimatedSeries(**kwargs)


def test_extend_refuses_mismatched_lengths():
    s = DecimatedSeries(capacity=8, recent=2)
    with pytest.raises(ValueError, match="Expected two 1-D arrays of the same length"):
        s.extend([1, 2], [1.0])


@settings(max_examples=60, deadline=None)
@given(
    recent=st.integers(0, 8),
    extra=st.integers(2, 24),
    chunks=st.lists(st.integers(1, 97), min_size=1, max_size=25),
)
def test_invariants_hold_for_any_sizes_and_chunking(recent, extra, chunks):
    capacity = max(2 * recent, recent + 2) + extra
    s = DecimatedSeries(capacity=capacity, recent=recent)
    n = 0
    for size in chunks:
        idx = np.arange(n, n + size, dtype=float)
        if size % 2:
            s.extend(idx, idx * 3.0)
        else:
            for i in idx:
                s.append(i, i * 3.0)
        n += size
        assert len(s) <= capacity
        assert s.total_appended == n
        assert s.counts.sum() == n
        k = min(recent, n)
        if k:
            np.testing.assert_array_equal(s.steps[-k:], np.arange(n - k, n, dtype=float))
        np.testing.assert_allclose(s.values, 3.0 * s.steps, atol=1e-9)
