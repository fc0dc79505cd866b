"""Tests for nbkeras.training.histograms (and device.py): counts, odd weights, budget.

The MirroredStrategy check runs in one subprocess: logical CPU devices must be
configured before TensorFlow initialises.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from nbkeras.training.histograms import (
    HistogramScheduler,
    HistogramSnapshot,
    weight_histograms,
)


@pytest.fixture(scope="module")
def keras_mod():
    from nbkeras._keras import keras

    k = keras()
    yield k
    k.backend.clear_session()


def _var(k, array, dtype="float32"):
    return k.Variable(np.asarray(array, dtype=dtype), dtype=dtype)


def _assert_close_to_numpy(snapshot_row_edges, snapshot_row_counts, values, bins):
    ref_counts, ref_edges = np.histogram(values, bins=bins, range=(values.min(), values.max()))
    np.testing.assert_allclose(snapshot_row_edges, ref_edges.astype(np.float32), rtol=1e-6, atol=1e-6)
    assert snapshot_row_counts.sum() == values.size
    # float32 vs float64 binning may move a value that sits on an edge by one bin.
    assert np.abs(np.cumsum(snapshot_row_counts - ref_counts)).max() <= 1


# -- correctness --------------------------------------------------------------------------


def test_counts_match_numpy_histogram(keras_mod):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((30, 20)), rng.uniform(-3, 7, 1000), rng.exponential(2.0, (5, 5, 4))]
    variables = [_var(keras_mod, a) for a in arrays]
    snap = weight_histograms(variables, bins=16, step=7, epoch=2)
    assert isinstance(snap, HistogramSnapshot)
    assert snap.step == 7 and snap.epoch == 2
    assert snap.edges.shape == (3, 17) and snap.edges.dtype == np.float32
    assert snap.counts.shape == (3, 16) and snap.counts.dtype == np.int32
    assert snap.finite.tolist() == [True, True, True]
    for i, a in enumerate(arrays):
        _assert_close_to_numpy(snap.edges[i], snap.counts[i], a.astype(np.float32).ravel(), 16)
    assert snap.sizes.tolist() == [600, 1000, 100]
    assert snap.seconds > 0


def test_exact_counts_away_from_bin_edges(keras_mod):
    # Integers 0..9 in 4 bins of width 2.25: none sits on an inner edge.
    snap = weight_histograms([_var(keras_mod, np.arange(10))], bins=4)
    assert snap.counts.tolist() == [[3, 2, 2, 3]]
    np.testing.assert_allclose(snap.edges[0], [0.0, 2.25, 4.5, 6.75, 9.0])


def test_non_finite_weights_histogram_finite_values_only(keras_mod):
    k = keras_mod
    mixed = _var(k, [0.0, 1.0, 2.0, np.inf, -np.inf, np.nan, 3.0])
    all_nan = _var(k, np.full((2, 3), np.nan))
    fine = _var(k, [1.0, 2.0])
    snap = weight_histograms([mixed, all_nan, fine], bins=3)
    assert snap.finite.tolist() == [False, False, True]
    assert snap.counts.tolist() == [[1, 1, 2], [0, 0, 0], [1, 0, 1]]
    np.testing.assert_allclose(snap.edges[0], [0.0, 1.0, 2.0, 3.0])  # range of the finite values
    assert np.all(np.isfinite(snap.edges))
    np.testing.assert_allclose(snap.edges[1], [-0.5, -1 / 6, 1 / 6, 0.5], rtol=1e-6)


def test_constant_and_empty_variables_get_a_widened_range(keras_mod):
    k = keras_mod
    zeros = _var(k, np.zeros(5))
    big = _var(k, np.full(4, 1e6))
    empty = _var(k, np.zeros((0, 3)))
    snap = weight_histograms([zeros, big, empty], bins=4)
    np.testing.assert_allclose(snap.edges[0], [-0.5, -0.25, 0.0, 0.25, 0.5])
    assert snap.counts[0].tolist() == [0, 0, 5, 0]  # 0 sits in the bin that starts at 0
    np.testing.assert_allclose(snap.edges[1][[0, -1]], [1e6 - 1e3, 1e6 + 1e3])
    assert snap.counts[1].sum() == 4 and snap.counts[1].tolist() == [0, 0, 4, 0]
    assert snap.counts[2].tolist() == [0, 0, 0, 0] and bool(snap.finite[2])


def test_mixed_precision_variables_are_cast(keras_mod):
    k = keras_mod
    half = _var(k, np.linspace(-1, 1, 101), dtype="float16")
    snap = weight_histograms([half], bins=2)
    assert snap.counts.tolist() == [[50, 51]]


def test_values_are_read_live(keras_mod):
    k = keras_mod
    v = _var(k, [0.0, 1.0, 2.0, 3.0])
    first = weight_histograms([v], bins=2)
    v.assign(np.array([10.0, 10.0, 10.0, 20.0], dtype="float32"))
    second = weight_histograms([v], bins=2)
    assert first.counts.tolist() == [[2, 2]]
    assert second.counts.tolist() == [[3, 1]] and second.edges[0, 0] == 10.0
    assert weight_histograms([v], bins=3).counts.tolist() == [[3, 0, 1]]


def test_model_weights_are_named_by_path(keras_mod):
    k = keras_mod
    model = k.Sequential([k.Input((3,)), k.layers.Dense(4, name="hidden"), k.layers.Dense(1, name="out")])
    snap = weight_histograms(model.trainable_weights)
    assert snap.names[0].endswith("hidden/kernel") and snap.names[-1].endswith("out/bias")
    assert snap.counts.sum(axis=1).tolist() == [12, 4, 4, 1]
    assert weight_histograms(model.trainable_weights, names=["a", "b", "c", "d"]).names == ("a", "b", "c", "d")


@pytest.mark.slow
def test_ten_million_weights_run_and_count_every_value(keras_mod):
    k = keras_mod
    rng = np.random.default_rng(0)
    sizes = {"1M": [(1000, 1000)], "10M": [(2000, 2000), (2000, 2000), (1000, 2000)]}
    for label, shapes in sizes.items():
        variables = [_var(k, rng.standard_normal(shape, dtype=np.float32)) for shape in shapes]
        weight_histograms(variables)  # trace
        timings = [weight_histograms(variables).seconds for _ in range(5)]
        snap = weight_histograms(variables)
        n = sum(math.prod(s) for s in shapes)
        assert int(snap.counts.sum()) == n
        print(f"\nweight_histograms {label} ({n:,} float32, 64 bins): {1e3 * np.median(timings):.1f} ms median")
        del variables


# -- argument checks -------------------------------------------------------------------------


def test_invalid_arguments_use_keras_wording(keras_mod):
    v = _var(keras_mod, [1.0])
    exact = r"^Invalid value for argument `bins`\. Received: bins=0\. Expected an integer >= 1\.$"
    with pytest.raises(ValueError, match=exact):
        weight_histograms([v], bins=0)
    with pytest.raises(ValueError, match=r"Received: bins=2\.5"):
        weight_histograms([v], bins=2.5)
    with pytest.raises(ValueError, match=r"argument `variables`\. Received: an empty list"):
        weight_histograms([])
    with pytest.raises(ValueError, match=r"argument `names`\. Received: 2 names\. Expected one per variable \(1\)"):
        weight_histograms([v], names=["a", "b"])


# -- the scheduler ---------------------------------------------------------------------------


def _simulate(sched, *, step_s, cost_s, steps_per_epoch, epochs, jitter=0.0, seed=0):
    rng = np.random.default_rng(seed)
    now, step = 0.0, 0
    sched.begin(now=now)
    taken, epoch_end_taken, checks = [], [], []

    def take(epoch_end):
        nonlocal now
        cost = cost_s * (1 + jitter * rng.uniform(-1, 1))
        now += cost
        sched.record(cost, now=now)
        taken.append((step, epoch_end))
        checks.append((sched.spent_seconds, sched.training_seconds(now)))

    if sched.due(step, now):
        take(False)
    for _ in range(epochs):
        for _ in range(steps_per_epoch):
            now += step_s * (1 + jitter * rng.uniform(-1, 1))
            step += 1
            if sched.due(step, now):
                take(False)
        due = sched.due(step, now, epoch_end=True)
        epoch_end_taken.append(due)
        if due:
            take(True)
    return taken, epoch_end_taken, checks, now


def test_scheduler_keeps_cost_within_one_percent_for_a_small_model():
    # 1 M weights: ~3.5 ms a snapshot; 2 ms steps; 1 s epochs.
    sched = HistogramScheduler(0.01)
    taken, epoch_ends, checks, now = _simulate(sched, step_s=0.002, cost_s=0.0035, steps_per_epoch=500, epochs=20)
    assert taken[0] == (0, False)  # the baseline at train begin
    assert all(epoch_ends)  # affordable, so every epoch end gets one
    for spent, trained in checks[1:]:
        assert spent <= 0.01 * trained + 1e-12
    assert sched.fraction <= 0.01
    # The budget is used, not just respected: within a snapshot of 1 %.
    assert len(taken) >= int(0.01 * sched.training_seconds(now) / 0.0035) - 1
    assert sched.step_seconds == pytest.approx(0.002)
    assert sched.interval_steps == pytest.approx(0.0035 / (0.01 * 0.002))


def test_scheduler_spaces_out_snapshots_of_a_huge_model():
    # 100 M weights: ~300 ms a snapshot; 1 s epochs: one per epoch would be a 30 % slowdown.
    sched = HistogramScheduler(0.01)
    taken, epoch_ends, checks, now = _simulate(
        sched, step_s=0.002, cost_s=0.3, steps_per_epoch=500, epochs=120, jitter=0.2
    )
    assert taken[0] == (0, False)
    assert 2 <= len(taken) <= 5
    assert sum(epoch_ends) == len(taken) - 1  # the rest land on epoch ends (the reserve rule)
    spent, trained = checks[-1]
    assert (spent - checks[0][0]) / trained <= 0.01  # after paying back the baseline
    assert sched.spent_seconds / sched.training_seconds(now) <= 0.0125


def test_scheduler_min_interval_and_validation():
    sched = HistogramScheduler(1.0, min_interval_s=10.0)
    sched.begin(now=0.0)
    assert sched.due(0, 0.0)
    sched.record(0.001, now=0.001)
    assert not sched.due(1, 5.0, epoch_end=True)  # affordable, but too soon
    assert sched.due(2, 10.5, epoch_end=True)
    with pytest.raises(
        ValueError, match=r"`target_fraction`\. Received: target_fraction=0\. Expected a float in \(0, 1\]"
    ):
        HistogramScheduler(0)
    with pytest.raises(ValueError, match=r"argument `min_interval_s`\. Received: min_interval_s=-1"):
        HistogramScheduler(min_interval_s=-1)


def test_the_baseline_stays_due_until_recorded():
    sched = HistogramScheduler()
    sched.begin(now=0.0)
    assert sched.due(0, 0.0)
    assert sched.due(100, 1.0)  # the caller did not take it: still due
    sched.record(0.01, now=1.01)
    assert not sched.due(101, 1.02, epoch_end=True)  # 10 ms is 1 % of 1 s: not yet paid back
    assert sched.due(500, 3.0, epoch_end=True)
    assert sched.snapshots == 1 and sched.cost_seconds == 0.01


# -- device ------------------------------------------------------------------------------------


def test_training_device_on_cpu(keras_mod):
    from nbkeras.training.device import training_device

    info = training_device()
    assert set(info) == {"kind", "name", "count", "memory_in_use_bytes", "strategy", "replicas"}
    if info["kind"] == "CPU":
        assert info["memory_in_use_bytes"] is None
    else:
        assert isinstance(info["memory_in_use_bytes"], int)
    assert isinstance(info["name"], str) and info["name"]
    assert info["count"] >= 1
    assert info["strategy"] is None and info["replicas"] == 1


# -- tf.distribute -----------------------------------------------------------------------------

_MIRRORED = textwrap.dedent(
    """
    import json
    import numpy as np
    from nbkeras._keras import keras, tf
    t = tf()
    cpu = t.config.list_physical_devices("CPU")[0]
    t.config.set_logical_device_configuration(cpu, [t.config.LogicalDeviceConfiguration()] * 2)
    k = keras()
    from nbkeras.training.device import training_device
    from nbkeras.training.histograms import weight_histograms
    strategy = t.distribute.MirroredStrategy(["CPU:0", "CPU:1"])
    with strategy.scope():
        model = k.Sequential([k.Input((3,)), k.layers.Dense(8), k.layers.Dense(1)])
        model.compile(k.optimizers.SGD(0.1), loss="mse")
        inside = training_device()["strategy"]
    x = np.random.default_rng(0).standard_normal((64, 3)).astype("float32")
    model.fit(x, x[:, :1], epochs=1, batch_size=16, verbose=0)
    snap = weight_histograms(model.trainable_weights, bins=8)
    ok = []
    for w, edges, counts in zip(model.get_weights(), snap.edges, snap.counts):
        ref, _ = np.histogram(w, bins=edges.astype(np.float64))
        ok.append(bool(np.abs(np.cumsum(counts - ref)).max() <= 1 and counts.sum() == w.size))
    print(json.dumps({
        "replicas": strategy.num_replicas_in_sync,
        "variable_type": type(model.trainable_weights[0].value).__name__,
        "inside": inside,
        "outside": training_device()["strategy"],
        "ok": ok,
    }))
    """
)


@pytest.mark.slow
def test_mirrored_variables_in_a_subprocess():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")
    out = subprocess.run([sys.executable, "-c", _MIRRORED], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["replicas"] == 2
    assert result["variable_type"] == "MirroredVariable"
    assert result["ok"] == [True, True, True, True]
    assert result["inside"] == "MirroredStrategy" and result["outside"] is None


# -- histograms over time ---------------------------------------------------------------
def test_rebin_keeps_the_total_and_matches_a_histogram_of_the_same_values():
    from nbkeras.training.histograms import rebin

    rng = np.random.default_rng(0)
    values = rng.uniform(-1.0, 1.0, 200_000)
    counts, edges = np.histogram(values, bins=64, range=(-1.0, 1.0))
    wider = np.linspace(-2.0, 2.0, 17)
    spread = rebin(edges, counts, wider)
    assert spread.sum() == pytest.approx(values.size)
    np.testing.assert_allclose(spread, np.histogram(values, bins=wider)[0], rtol=0.02, atol=1)
    # bins outside the source range get nothing; a partial overlap gets its share
    assert spread[:4].sum() == 0 and spread[-4:].sum() == 0
    assert rebin(np.array([0.0, 1.0]), np.array([10]), np.array([0.5, 2.0])).tolist() == [5.0]


def _snapshot(step, names_edges_counts):
    from nbkeras.training.histograms import HistogramSnapshot

    names = tuple(n for n, _, _ in names_edges_counts)
    edges = np.array([e for _, e, _ in names_edges_counts], dtype=np.float32)
    counts = np.array([c for _, _, c in names_edges_counts], dtype=np.int32)
    return HistogramSnapshot(
        step=step, epoch=0, names=names, edges=edges, counts=counts, finite=np.ones(len(names), bool)
    )


def test_histogram_history_puts_each_weight_on_one_range_and_thins_rows():
    from nbkeras.training.histograms import histogram_history

    snaps = []
    for step in range(0, 100, 10):
        width = 1.0 + step / 10  # the kernel's distribution widens as it trains
        snaps.append(
            _snapshot(
                step,
                [
                    ("kernel", np.linspace(-width, width, 5), [1, 3, 3, 1]),
                    # a zero-initialised bias: constant (nominal ±0.5) at step 0, then small
                    (
                        "bias",
                        np.linspace(-0.5, 0.5, 5) if step == 0 else np.linspace(-0.1, 0.1, 5),
                        [0, 4, 0, 0] if step == 0 else [1, 1, 1, 1],
                    ),
                ],
            )
        )
    (kname, kedges, ksteps, kdensity), (bname, bedges, _, bdensity) = histogram_history(snaps, rows=4, bins=8)
    assert (kname, bname) == ("kernel", "bias")
    assert ksteps == [0, 30, 60, 90]  # first and last kept, evenly spaced
    assert kedges[0] == pytest.approx(-10.0) and kedges[-1] == pytest.approx(10.0)  # the union of ranges
    assert kdensity.shape == (4, 8) and np.allclose(kdensity.max(axis=1), 1.0)
    # the first snapshot is narrow: its mass sits in the middle bins of the common range
    assert kdensity[0, [0, 7]].tolist() == [0.0, 0.0] and kdensity[-1, 0] > 0
    # the constant start does not set the bias's range
    assert bedges[0] == pytest.approx(-0.1) and bedges[-1] == pytest.approx(0.1)
    assert bdensity.shape == (4, 8)


def test_histogram_history_figure_has_one_band_per_weight():
    from nbkeras.training.figures import histogram_history_figure
    from nbkeras.training.histograms import histogram_history

    snaps = [
        _snapshot(s, [("a", np.linspace(-1, 1, 5), [1, 2, 2, 1]), ("b", np.linspace(0, 1, 5), [4, 0, 0, 0])])
        for s in (0, 5, 9)
    ]
    fig = histogram_history_figure(histogram_history(snaps, rows=10, bins=4), step=9, epoch=2)
    (trace,) = fig["data"]
    assert trace["y"][:3] == ["a · step 0", "a · step 5", "a · step 9"] and trace["y"][4:] == [
        "b · step 0",
        "b · step 5",
        "b · step 9",
    ]
    assert np.isnan(trace["z"][3]).all()  # the gap between the bands
    assert trace["z"].shape == (7, 4)
    assert fig["layout"]["yaxis"]["ticktext"] == ["a  [-1, 1]", "b  [0, 1]"]
    assert "step 9 (epoch 3)" in fig["layout"]["title"]["text"]


def test_a_weights_band_keeps_a_readable_height_with_few_or_many_snapshots():
    """3 px a snapshot row, but never under 36 px a band (two snapshots) nor over 72 (forty)."""
    from nbkeras.training.figures import HISTOGRAM_BAND_PX, histogram_history_figure
    from nbkeras.training.histograms import histogram_history

    def band_px(n_snapshots: int, n_weights: int = 3) -> float:
        weights = [(f"w{i}", np.linspace(-1, 1, 5), [1, 2, 2, 1]) for i in range(n_weights)]
        snaps = [_snapshot(s, weights) for s in range(n_snapshots)]
        fig = histogram_history_figure(histogram_history(snaps, rows=40, bins=4), step=n_snapshots, epoch=0)
        return (fig["layout"]["height"] - 110) / n_weights

    # 10 snapshots: 10 rows and 2 gaps shared by 3 bands, 3 px each, plus 14 px: 46 px.
    assert [band_px(n) for n in (1, 2, 10, 40)] == [HISTOGRAM_BAND_PX[0], 36, 46, HISTOGRAM_BAND_PX[1]]
    assert band_px(40, n_weights=12) == 72  # the chart grows with the weights, not with the run


def test_histogram_history_has_one_row_per_step_the_later_snapshot_winning():
    from nbkeras.training.histograms import histogram_history

    snaps = [
        _snapshot(0, [("a", np.linspace(-1, 1, 5), [1, 2, 2, 1])]),
        _snapshot(7, [("a", np.linspace(-1, 1, 5), [4, 0, 0, 0])]),
        _snapshot(7, [("a", np.linspace(-1, 1, 5), [0, 0, 0, 4])]),  # the run's end, same step
    ]
    ((_, _, steps, density),) = histogram_history(snaps, rows=10, bins=4)
    assert steps == [0, 7]
    assert density[-1].tolist() == [0.0, 0.0, 0.0, 1.0]
