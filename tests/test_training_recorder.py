"""Tests for nbkeras.training.recorder: recovered batch values, History parity, timing.

Synthetic tests replay Keras's running means exactly; the `slow` tests train real
(tiny) Keras models and compare with values computed independently.
"""

from __future__ import annotations

import json
import math
import statistics
import subprocess
import sys
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbkeras.training.recorder import BatchRecord, TrainingRecorder, smooth


def _running_means(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    # What Keras logs at each batch: the sample-weighted mean over the epoch so far.
    return np.cumsum(values * sizes) / np.cumsum(sizes)


def _batch_sizes(samples: int, batch_size: int) -> np.ndarray:
    full, rest = divmod(samples, batch_size)
    return np.array([batch_size] * full + ([rest] if rest else []), dtype=float)


# -- recovery from running means ---------------------------------------------------------


@pytest.mark.parametrize(
    ("samples", "batch_size", "every"),
    [(64, 8, 1), (60, 8, 1), (64, 8, 4), (60, 8, 4), (61, 8, 3), (10, 16, 1)],
)
def test_recovers_each_hooks_own_value_from_running_means(samples, batch_size, every):
    rng = np.random.default_rng(samples + every)
    sizes = _batch_sizes(samples, batch_size)
    steps = sizes.size
    rec = TrainingRecorder()
    rec.begin({"epochs": 2, "steps": steps}, samples_per_epoch=samples, batch_size=batch_size, now=0.0)
    for epoch in range(2):
        true = rng.uniform(0.1, 5.0, steps)
        means = _running_means(true, sizes)
        for begin in range(0, steps, every):
            end = begin + every - 1  # what Keras passes, even past the last batch
            last = min(end, steps - 1)
            record = rec.batch_end(epoch, end, {"loss": means[last]}, now=1.0 + begin, learning_rate=None)
            covered = slice(begin, last + 1)
            expected = np.sum(true[covered] * sizes[covered]) / np.sum(sizes[covered])
            assert record.values["loss"] == pytest.approx(expected, rel=1e-12)
            assert record.steps == last + 1 - begin
            assert record.step == epoch * steps + last + 1
        rec.epoch_end(epoch, {"loss": means[-1]})
    assert rec.step == 2 * steps
    assert rec.epoch_end_steps == [steps, 2 * steps]


def test_without_batch_size_every_hook_weighs_the_same():
    rec = TrainingRecorder()
    rec.begin({"epochs": 1, "steps": 3}, now=0.0)
    values = [
        rec.batch_end(0, b, {"loss": m}, now=b + 1.0, learning_rate=None).values["loss"]
        for b, m in enumerate([3.0, 2.0, 3.0])
    ]
    assert values == [3.0, 1.0, 5.0]
    assert rec.batch_history["loss"].values.tolist() == [3.0, 1.0, 5.0]
    assert "steps_per_second" in rec.batch_history and "samples_per_second" not in rec.batch_history


def test_batch_size_given_per_call_overrides_begin():
    rec = TrainingRecorder()
    rec.begin({"epochs": 1, "steps": 2}, samples_per_epoch=12, now=0.0)
    rec.batch_end(0, 0, {"loss": 2.0}, now=1.0, learning_rate=None, batch_size=8)
    # 8 samples at 2.0, then the last 4 at v: (8 * 2 + 4 * v) / 12 = 3.0, so v = 5.0.
    r = rec.batch_end(0, 1, {"loss": 3.0}, now=2.0, learning_rate=None, batch_size=8)
    assert r.values["loss"] == 5.0
    assert r.throughput == 4.0 and r.throughput_unit == "samples/s"
    assert rec.batch_history["samples_per_second"].values.tolist() == [4.0]


@settings(max_examples=40, deadline=None)
@given(
    samples=st.integers(1, 300),
    batch_size=st.integers(1, 40),
    every=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_recovery_property(samples, batch_size, every, seed):
    sizes = _batch_sizes(samples, batch_size)
    true = np.random.default_rng(seed).uniform(-3, 3, sizes.size)
    means = _running_means(true, sizes)
    rec = TrainingRecorder()
    rec.begin({"epochs": 1, "steps": sizes.size}, samples_per_epoch=samples, batch_size=batch_size, now=0.0)
    total = 0.0
    for begin in range(0, sizes.size, every):
        last = min(begin + every - 1, sizes.size - 1)
        r = rec.batch_end(0, begin + every - 1, {"m": means[last]}, now=1.0, learning_rate=None)
        total += r.values["m"] * sizes[begin : last + 1].sum()
    # The recovered hook values re-add to the epoch total.
    assert total == pytest.approx(float(np.sum(true * sizes)), rel=1e-9, abs=1e-9)


# -- non-finite values ---------------------------------------------------------------------


def test_non_finite_keys_are_reported_once_and_recorded_every_time():
    rec = TrainingRecorder()
    rec.begin({"epochs": 2, "steps": 4}, now=0.0)
    new = []
    for b, m in enumerate([1.0, 1.0, math.nan, math.nan]):
        r = rec.batch_end(0, b, {"loss": m, "acc": 0.5}, now=float(b + 1), learning_rate=0.1)
        new.append(r.new_nonfinite)
    assert new == [[], [], ["loss"], []]
    rec.epoch_end(0, {"loss": math.nan, "acc": 0.5, "val_loss": math.inf})
    r = rec.batch_end(1, 0, {"loss": math.inf, "acc": 0.5}, now=9.0, learning_rate=math.nan)
    assert r.new_nonfinite == ["learning_rate"]
    assert rec.nonfinite_events == [(3, "loss"), (4, "val_loss"), (5, "learning_rate")]
    loss = rec.batch_history["loss"].values
    assert loss[:2].tolist() == [1.0, 1.0]
    assert math.isnan(loss[2]) and math.isnan(loss[3]) and loss[4] == math.inf
    assert math.isnan(rec.history["loss"][0]) and rec.history["val_loss"] == [math.inf]


def test_first_batch_of_an_inf_is_kept_as_inf():
    rec = TrainingRecorder()
    rec.begin({"epochs": 1, "steps": 3}, now=0.0)
    rec.batch_end(0, 0, {"loss": 1.0}, now=1.0, learning_rate=None)
    assert rec.batch_end(0, 1, {"loss": math.inf}, now=2.0, learning_rate=None).values["loss"] == math.inf


# -- timing, throughput, ETA ---------------------------------------------------------------


def test_throughput_and_eta_on_a_replayed_timeline():
    rec = TrainingRecorder(smoothing=0.5)
    rec.begin({"epochs": 3, "steps": 10}, batch_size=32, samples_per_epoch=320, now=0.0)
    records: list[BatchRecord] = []
    now = 5.0  # the first step includes 5 s of tracing
    for epoch in range(2):
        rec.epoch_begin(epoch, now=now)
        for b in range(10):
            now += 0.1 if records else 0.0
            records.append(rec.batch_end(epoch, b, {"loss": 1.0}, now=now, learning_rate=1e-3))
        now += 2.0  # validation
        rec.epoch_end(epoch, {"loss": 1.0, "val_loss": 1.0}, now=now)
    first = records[0]
    assert math.isnan(first.throughput) and first.throughput_unit == "samples/s"
    assert first.elapsed == 5.0
    assert first.eta_epoch == pytest.approx(9 * 5.0)  # only the tracing-inclusive mean is known
    r = records[5]
    assert r.throughput == pytest.approx(320.0)
    assert r.eta_epoch == pytest.approx(4 * 0.1)
    assert r.eta_run == pytest.approx((4 + 2 * 10) * 0.1)  # no epoch overhead measured yet
    r = records[15]  # epoch 1: the 2 s overhead of epoch 0 is known
    assert r.throughput == pytest.approx(320.0)
    assert r.eta_run == pytest.approx((4 + 10) * 0.1 + 2 * 2.0)
    # The first hook of epoch 1 is timed from epoch_begin, not across validation.
    assert records[10].throughput == pytest.approx(320.0)
    sps = rec.batch_history["samples_per_second"]
    assert len(sps) == 19 and np.allclose(sps.values, 320.0)
    assert rec.step_seconds == pytest.approx(0.1)
    lr = rec.batch_history["learning_rate"]
    assert lr.steps.tolist() == list(range(1, 21)) and set(lr.values.tolist()) == {1e-3}


def test_interval_spanning_validation_is_not_a_step_time():
    rec = TrainingRecorder()
    rec.begin({"epochs": 2, "steps": 2}, now=0.0)
    rec.batch_end(0, 0, {"loss": 1.0}, now=1.0, learning_rate=None)
    rec.batch_end(0, 1, {"loss": 1.0}, now=1.5, learning_rate=None)
    rec.epoch_end(0, {"loss": 1.0})  # no `now`: the next interval includes validation
    r = rec.batch_end(1, 0, {"loss": 1.0}, now=100.0, learning_rate=None)
    assert math.isnan(r.throughput) and r.throughput_unit == "steps/s"
    assert rec.step_seconds == pytest.approx(0.5)


def test_begin_resets_everything_for_a_second_fit():
    rec = TrainingRecorder()
    rec.begin({"epochs": 1, "steps": 2}, now=0.0)
    rec.batch_end(0, 0, {"loss": math.nan}, now=1.0, learning_rate=0.1)
    rec.epoch_end(0, {"loss": math.nan})
    rec.begin({"epochs": 1, "steps": 2}, now=10.0)
    assert rec.history == {} and rec.batch_history == {} and rec.nonfinite_events == [] and rec.step == 0
    r = rec.batch_end(0, 0, {"loss": math.nan}, now=11.0, learning_rate=None)
    assert r.new_nonfinite == ["loss"] and r.step == 1 and r.elapsed == 1.0


def test_non_scalar_logs_are_skipped_in_batches_and_kept_in_history():
    rec = TrainingRecorder()
    rec.begin({"epochs": 1, "steps": 1}, now=0.0)
    per_class = np.array([0.1, 0.9])
    r = rec.batch_end(0, 0, {"loss": 1.0, "f1": per_class}, now=1.0, learning_rate=None)
    assert r.values == {"loss": 1.0} and "f1" not in rec.batch_history
    rec.epoch_end(0, {"loss": 1.0, "f1": per_class})
    assert rec.history["f1"][0] is per_class


def test_cumulative_keys_are_recorded_as_logged():
    rec = TrainingRecorder()
    rec.begin({"epochs": 1, "steps": 2}, cumulative_keys=["auc"], now=0.0)
    rec.batch_end(0, 0, {"loss": 1.0, "auc": 0.6}, now=1.0, learning_rate=None)
    r = rec.batch_end(0, 1, {"loss": 2.0, "auc": 0.7}, now=2.0, learning_rate=None)
    assert r.values == {"loss": 3.0, "auc": 0.7}


def test_a_run_of_no_epochs_is_valid_and_records_nothing():
    rec = TrainingRecorder()
    rec.begin({"epochs": 0, "steps": 3}, now=0.0)  # fit(epochs=0): Keras returns an empty History
    assert rec.history == {} and rec.step == 0
    with pytest.raises(ValueError, match=r"params\['epochs'\]=-1\. Expected an integer >= 0 or None\."):
        TrainingRecorder().begin({"epochs": -1})


def test_invalid_arguments_use_keras_wording():
    with pytest.raises(
        ValueError,
        match=r"Invalid value for argument `batch_size`\. Received: batch_size=0\. "
        r"Expected an integer >= 1 or None\.",
    ):
        TrainingRecorder().begin({"epochs": 1}, batch_size=0)
    with pytest.raises(ValueError, match=r"argument `params\['steps'\]`\. Received: params\['steps'\]=-1"):
        TrainingRecorder().begin({"epochs": 1, "steps": -1})
    with pytest.raises(ValueError, match=r"argument `capacity`"):
        TrainingRecorder(capacity=3, recent=2)
    with pytest.raises(ValueError, match=r"argument `smoothing`\. Received: smoothing=1\.0"):
        TrainingRecorder(smoothing=1.0)


def test_steps_per_epoch_follows_from_samples_and_batch_size():
    rec = TrainingRecorder()
    rec.begin({"epochs": 1, "steps": None}, samples_per_epoch=100, batch_size=32)
    assert rec.steps_per_epoch == 4


# -- smoothing -----------------------------------------------------------------------------


def _tensorboard_smoothing(values, weight):
    # A transcription of TensorBoard's debiased EMA (tf-line-chart-data-loader).
    last, num_accum, out = 0.0, 0, []
    for v in values:
        if not math.isfinite(v):
            out.append(v)
            continue
        last = last * weight + (1 - weight) * v
        num_accum += 1
        out.append(last / (1 - weight**num_accum))
    return out


def test_smoothed_matches_tensorboard_and_is_nan_safe():
    rec = TrainingRecorder()
    # A cumulative key is recorded as logged, so the series is exactly `raw`.
    rec.begin({"epochs": 1, "steps": 50}, cumulative_keys=["x"], now=0.0)
    rng = np.random.default_rng(1)
    raw = rng.uniform(0, 1, 50)
    raw[7] = math.nan
    raw[20] = math.inf
    for b in range(50):
        rec.batch_end(0, b, {"x": raw[b]}, now=1.0 + b, learning_rate=None)
    steps, smoothed = rec.smoothed("x", 0.6)
    expected = _tensorboard_smoothing(raw.tolist(), 0.6)
    assert steps.tolist() == list(range(1, 51))
    np.testing.assert_allclose(smoothed, expected, rtol=1e-12)
    assert math.isnan(smoothed[7]) and smoothed[20] == math.inf and np.isfinite(smoothed[8])
    # alpha = 0 is the raw series; a constant series stays constant (debiasing).
    np.testing.assert_array_equal(rec.smoothed("x", 0.0)[1], rec.batch_history["x"].values)
    assert smooth(np.full(5, 3.0), 0.9).tolist() == pytest.approx([3.0] * 5)
    with pytest.raises(ValueError, match=r"argument `alpha`\. Received: alpha=1\. Expected a float in \[0, 1\)"):
        rec.smoothed("x", 1)
    with pytest.raises(KeyError, match="No batch series named 'nope'"):
        rec.smoothed("nope")


# -- cost and import -----------------------------------------------------------------------


def test_batch_end_is_cheap():
    rec = TrainingRecorder()
    rec.begin({"epochs": 1, "steps": 100_000}, batch_size=32, samples_per_epoch=3_200_000, now=0.0)
    logs = {"loss": 0.5, "accuracy": 0.8, "val_like": 0.1, "mae": 0.2}
    timings = []
    for b in range(20_000):
        started = time.perf_counter()
        rec.batch_end(0, b, logs, now=b * 0.01, learning_rate=1e-3)
        timings.append(time.perf_counter() - started)
    median_us = statistics.median(timings) * 1e6
    print(f"\nbatch_end median: {median_us:.1f} us (4 metrics + learning rate)")
    assert median_us < 200  # the target is < 20 us; generous against noisy machines


def test_recorder_import_stays_free_of_tensorflow():
    code = (
        "import sys, json, nbkeras.training.recorder, nbkeras.training.series, nbkeras.training;"
        "from nbkeras.training import TrainingRecorder, DecimatedSeries;"
        "print(json.dumps(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_package_exports_resolve_lazily():
    import nbkeras.training as training

    for name in training.__all__:
        assert getattr(training, name) is not None
        assert name in dir(training)
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        training.nope  # noqa: B018


# -- against real Keras ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def keras_mod():
    from nbkeras._keras import keras

    k = keras()
    yield k
    k.backend.clear_session()


def _feeder(k, rec, **begin_kwargs):
    class Feed(k.callbacks.Callback):
        def on_train_begin(self, logs=None):
            rec.begin(self.params, now=time.perf_counter(), **begin_kwargs)
            self.records = []

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
            rec.epoch_begin(epoch, now=time.perf_counter())

        def on_train_batch_end(self, batch, logs=None):
            lr = float(self.model.optimizer.learning_rate)  # ~15 us; convert_to_numpy warns
            self.records.append(rec.batch_end(self.epoch, batch, logs, now=time.perf_counter(), learning_rate=lr))

        def on_epoch_end(self, epoch, logs=None):
            rec.epoch_end(epoch, logs, now=time.perf_counter())

    return Feed()


@pytest.mark.slow
# Keras's LearningRateScheduler itself triggers this numpy 2 deprecation (not nbkeras).
@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
def test_history_is_identical_to_keras_history(keras_mod):
    k = keras_mod
    k.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((96, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = k.Sequential([k.Input((4,)), k.layers.Dense(8, activation="relu"), k.layers.Dense(1, activation="sigmoid")])
    model.compile(k.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    rec = TrainingRecorder()
    # The scheduler writes `learning_rate` into the epoch logs; feed the recorder after it.
    scheduler = k.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    history = model.fit(
        x,
        y,
        batch_size=16,
        epochs=3,
        verbose=0,
        validation_data=(x[:32], y[:32]),
        shuffle=False,
        callbacks=[scheduler, _feeder(k, rec, batch_size=16, samples_per_epoch=96)],
    )
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"}
    assert rec.history == history.history
    assert rec.epochs == history.epoch == [0, 1, 2]
    assert rec.step == 18 and rec.epoch_end_steps == [6, 12, 18]
    # float32 in the optimizer, so compare as float32.
    lr = rec.batch_history["learning_rate"].values.astype(np.float32)
    np.testing.assert_array_equal(lr, np.float32([0.005] * 6 + [0.0025] * 6 + [0.00125] * 6))


def _fixed_model(k):
    # SGD with learning_rate=0: weights never change, so each batch's loss can be
    # computed independently from one forward pass over the data.
    k.utils.set_random_seed(1)
    model = k.Sequential([k.Input((3,)), k.layers.Dense(5, activation="tanh"), k.layers.Dense(1)])
    return model


@pytest.mark.slow
@pytest.mark.parametrize(
    ("samples", "batch_size", "spe"),
    [(64, 8, 1), (60, 8, 1), (64, 8, 4), (60, 8, 4)],
    ids=["divisible", "smaller-last-batch", "steps_per_execution=4", "spe=4-smaller-last"],
)
def test_recovered_values_match_directly_computed_batch_losses(keras_mod, samples, batch_size, spe):
    k = keras_mod
    rng = np.random.default_rng(samples + spe)
    x = rng.standard_normal((samples, 3)).astype("float32")
    y = rng.standard_normal((samples, 1)).astype("float32")
    model = _fixed_model(k)
    model.compile(k.optimizers.SGD(learning_rate=0.0), loss="mse", metrics=["mae"], steps_per_execution=spe)
    rec = TrainingRecorder()
    feed = _feeder(k, rec, batch_size=batch_size, samples_per_epoch=samples)
    model.fit(x, y, batch_size=batch_size, epochs=2, shuffle=False, verbose=0, callbacks=[feed])

    err = np.asarray(model(x, training=False), dtype=np.float64) - y
    sizes = _batch_sizes(samples, batch_size)
    bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    per_batch_mse = np.array([np.mean(err[a:b] ** 2) for a, b in zip(bounds[:-1], bounds[1:], strict=True)])
    per_batch_mae = np.array([np.mean(np.abs(err[a:b])) for a, b in zip(bounds[:-1], bounds[1:], strict=True)])
    n_batches = sizes.size
    hooks = list(range(0, n_batches, spe))
    assert len(feed.records) == 2 * len(hooks)
    for record in feed.records:
        first = hooks[(record.step - 1 - record.epoch * n_batches) // spe]
        covered = slice(first, first + record.steps)
        w = sizes[covered]
        expected_mse = np.sum(per_batch_mse[covered] * w) / w.sum()
        expected_mae = np.sum(per_batch_mae[covered] * w) / w.sum()
        assert record.values["loss"] == pytest.approx(expected_mse, rel=1e-5)
        assert record.values["mae"] == pytest.approx(expected_mae, rel=1e-5)
    assert rec.step == 2 * n_batches
    series = rec.batch_history["loss"]
    assert len(series) == 2 * len(hooks) and series.steps[-1] == 2 * n_batches


def test_smoothed_throughput_does_not_jump_with_one_slow_interval():
    rec = TrainingRecorder(smoothing=0.9)
    rec.begin({"epochs": 1, "steps": 20}, batch_size=10, samples_per_epoch=200, now=0.0)
    now, records = 1.0, []
    for b in range(20):
        now += 1.0 if b == 15 else 0.1  # one interval 10x slower (a pause, a Stop cutting in)
        records.append(rec.batch_end(0, b, {"loss": 1.0}, now=now, learning_rate=None))
    assert math.isnan(records[0].throughput_smoothed)  # the first hook has no interval
    assert records[14].throughput == pytest.approx(100.0) and records[14].throughput_smoothed == pytest.approx(100.0)
    slow = records[15]
    assert slow.throughput == pytest.approx(10.0)
    # EMA with weight 0.1 on the new value: 100 + 0.1 * (10 - 100)
    assert slow.throughput_smoothed == pytest.approx(91.0)
    assert records[19].throughput_smoothed == pytest.approx(100 - 9 * 0.9**4)
