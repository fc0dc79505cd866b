"""SequenceExactMatch / sequence_exact_match: hand-made arrays with known answers, then in a real fit."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import nbkeras
from nbkeras.training.metrics import SequenceExactMatch, sequence_exact_match

V = 4  # vocabulary size of the hand-made examples


def _onehot(ids):
    return np.eye(V, dtype=np.float32)[np.asarray(ids)]


def _probs(ids, confidence=0.7):
    # Soft predictions whose argmax is `ids`: the rest of the mass spread evenly.
    ids = np.asarray(ids)
    out = np.full((*ids.shape, V), (1 - confidence) / (V - 1), dtype=np.float32)
    np.put_along_axis(out, ids[..., None], confidence, axis=-1)
    return out


def _values(y_true, y_pred):
    return keras.ops.convert_to_numpy(sequence_exact_match(y_true, y_pred))


def _metric(y_true, y_pred, sample_weight=None):
    m = SequenceExactMatch()
    m.update_state(y_true, y_pred, sample_weight=sample_weight)
    return float(m.result())


@pytest.fixture(autouse=True)
def _fresh_keras():
    yield
    keras.backend.clear_session()


def test_all_right_is_one():
    ids = [[0, 1, 2], [3, 3, 0]]
    np.testing.assert_array_equal(_values(_onehot(ids), _probs(ids)), [1.0, 1.0])
    assert _metric(_onehot(ids), _probs(ids)) == 1.0


def test_one_wrong_step_makes_the_whole_sample_wrong():
    ids = [[0, 1, 2], [3, 3, 0]]
    pred = [[0, 1, 2], [3, 2, 0]]  # second sample: one character of three wrong
    np.testing.assert_array_equal(_values(_onehot(ids), _probs(pred)), [1.0, 0.0])
    assert _metric(_onehot(ids), _probs(pred)) == 0.5
    # Keras's per-timestep accuracy calls the same predictions 5/6 right.
    per_step = keras.metrics.CategoricalAccuracy()
    per_step.update_state(_onehot(ids), _probs(pred))
    assert float(per_step.result()) == pytest.approx(5 / 6)


def test_integer_targets_match_one_hot_targets():
    ids = np.array([[0, 1, 2], [3, 3, 0], [1, 1, 1]])
    pred = [[0, 1, 2], [3, 3, 1], [1, 1, 1]]
    expected = [1.0, 0.0, 1.0]
    np.testing.assert_array_equal(_values(ids, _probs(pred)), expected)
    np.testing.assert_array_equal(_values(ids.astype(np.float32), _probs(pred)), expected)  # Keras may pass floats
    np.testing.assert_array_equal(_values(ids[..., None], _probs(pred)), expected)  # (batch, timesteps, 1)
    np.testing.assert_array_equal(_values(_onehot(ids), _probs(pred)), expected)
    assert _metric(ids, _probs(pred)) == pytest.approx(2 / 3)


def test_mixed_batch_and_accumulation_over_batches():
    ids = np.array([[0, 1], [2, 3], [1, 1], [3, 0], [0, 0]])
    pred = np.array([[0, 1], [2, 0], [1, 1], [0, 3], [0, 0]])  # right, one wrong, right, both wrong, right
    np.testing.assert_array_equal(_values(ids, _probs(pred)), [1, 0, 1, 0, 1])
    m = SequenceExactMatch()
    m.update_state(ids[:2], _probs(pred[:2]))  # 1 of 2
    m.update_state(ids[2:], _probs(pred[2:]))  # 2 of 3
    assert float(m.result()) == pytest.approx(3 / 5)
    m.reset_state()
    assert float(m.result()) == 0.0


def test_sample_weight_weighs_whole_samples():
    ids = np.array([[0, 1], [2, 3], [1, 1]])
    pred = np.array([[0, 1], [2, 0], [1, 1]])  # right, wrong, right
    assert _metric(ids, _probs(pred), sample_weight=[1.0, 2.0, 0.0]) == pytest.approx(1 / 3)
    assert _metric(ids, _probs(pred), sample_weight=[[1.0], [2.0], [0.0]]) == pytest.approx(1 / 3)


def test_probability_targets_use_their_argmax():
    y_true = _probs([[2, 0]], confidence=0.4)
    assert _metric(y_true, _probs([[2, 0]], confidence=0.9)) == 1.0
    assert _metric(y_true, _probs([[2, 1]], confidence=0.9)) == 0.0


@pytest.mark.parametrize(
    ("y_true_shape", "y_pred_shape", "message"),
    [
        ((2, 3), (2, 4), "y_pred has rank 2, not 3.*categorical_accuracy"),
        ((2, 3, 5), (2, 3, 4), "one-hot y_true and y_pred differ in shape"),
        ((2, 2, 4), (2, 3, 4), "one-hot y_true and y_pred differ in shape"),
        ((2, 2), (2, 3, 4), r"integer y_true must have shape \(batch, timesteps\)"),
        ((3, 3), (2, 3, 4), r"integer y_true must have shape \(batch, timesteps\)"),
        ((2,), (2, 3, 4), "y_true has rank 1, not 2 or 3"),
    ],
)
def test_shapes_that_do_not_fit_are_a_clear_error(y_true_shape, y_pred_shape, message):
    y_true, y_pred = np.zeros(y_true_shape, np.float32), np.zeros(y_pred_shape, np.float32)
    with pytest.raises(ValueError, match=message) as info:
        sequence_exact_match(y_true, y_pred)
    assert f"y_true.shape={y_true_shape}" in str(info.value) and f"y_pred.shape={y_pred_shape}" in str(info.value)
    with pytest.raises(ValueError, match=message):
        SequenceExactMatch().update_state(y_true, y_pred)


@pytest.mark.slow
def test_name_config_and_saving_round_trip(tmp_path):
    m = SequenceExactMatch()
    assert m.name == "exact_match"
    assert SequenceExactMatch(name="answers_right").name == "answers_right"
    clone = SequenceExactMatch.from_config(m.get_config())
    assert clone.name == "exact_match"
    model = _seq_model()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=[SequenceExactMatch()])
    model.fit(*_copy_task(64), epochs=1, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)  # no custom_objects: the class is registered
    x, y = _copy_task(32, seed=1)
    assert loaded.evaluate(x, y, verbose=0, return_dict=True)["exact_match"] == pytest.approx(
        model.evaluate(x, y, verbose=0, return_dict=True)["exact_match"]
    )


def _copy_task(n, seed=0, steps=3):
    # Output the input sequence: learnable in a few epochs by a per-step Dense.
    ids = np.random.default_rng(seed).integers(V, size=(n, steps))
    return _onehot(ids), _onehot(ids)


def _seq_model(steps=3):
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((steps, V)),
            keras.layers.LSTM(16, return_sequences=True),
            keras.layers.Dense(V, activation="softmax"),
        ]
    )


@pytest.mark.slow
def test_in_compile_the_monitor_sees_exact_match_and_val_exact_match_live():
    x, y = _copy_task(256)
    xv, yv = _copy_task(64, seed=1)
    model = _seq_model()
    model.compile(
        optimizer=keras.optimizers.Adam(0.02),
        loss="categorical_crossentropy",
        metrics=["accuracy", SequenceExactMatch()],
    )
    monitor = nbkeras.LiveMonitor(display="none")
    history = model.fit(x, y, epochs=8, batch_size=32, validation_data=(xv, yv), callbacks=[monitor], verbose=0)
    assert monitor.history == history.history
    assert {"exact_match", "val_exact_match"} <= set(monitor.history)
    assert len(monitor.history["val_exact_match"]) == 8
    assert "exact_match" in monitor.batch_history  # per step, as the dashboard draws it
    assert "epoch/val_exact_match" in monitor.series()
    # never above the per-step accuracy, and the copy task gets learned
    for exact, per_step in zip(monitor.history["exact_match"], monitor.history["accuracy"]):
        assert exact <= per_step + 1e-6
    assert monitor.history["val_exact_match"][-1] > 0.9
    # the logged value is the mean of the per-sample function over the validation set
    manual = _values(yv, model.predict(xv, verbose=0)).mean()
    assert model.evaluate(xv, yv, verbose=0, return_dict=True)["exact_match"] == pytest.approx(manual)


def test_integer_targets_in_fit_and_early_stopping_maximises_it():
    x, y = _copy_task(128)
    model = _seq_model()
    model.compile(
        optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy", metrics=[SequenceExactMatch()]
    )
    stop = keras.callbacks.EarlyStopping(monitor="val_exact_match", patience=2)  # mode "auto" must work
    history = model.fit(x, y.argmax(-1), epochs=3, validation_split=0.25, callbacks=[stop], verbose=0)
    assert stop.monitor_op is keras.ops.greater
    assert "val_exact_match" in history.history


def test_a_keras_mask_leaves_padded_timesteps_out():
    # Embedding(mask_zero=True) -> LSTM(return_sequences) -> Dense: the output carries the mask.
    keras.utils.set_random_seed(0)
    inputs = keras.Input((3,), dtype="int32")
    hidden = keras.layers.LSTM(8, return_sequences=True)(keras.layers.Embedding(5, 4, mask_zero=True)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(V, activation="softmax")(hidden))
    x = np.array([[0, 0, 0], [0, 2, 3], [1, 2, 3]])  # all padding, one padded step, none
    pred_ids = model.predict(x, verbose=0).argmax(-1)
    y = pred_ids.copy()
    y[1, 0] = (y[1, 0] + 1) % V  # wrong only where sample 1 is padded
    y[2, 0] = (y[2, 0] + 1) % V  # wrong where sample 2 is real
    model.compile(loss="sparse_categorical_crossentropy", metrics=[SequenceExactMatch()])
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    # sample 0: fully masked, not counted; sample 1: right where it counts; sample 2: wrong
    assert result["exact_match"] == pytest.approx(0.5)
