"""Tests for nbkeras.inspect.errors: every number checked against NumPy or Keras on real models and data."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from nbkeras import datasets
from nbkeras.inspect import (
    class_metrics,
    classification_errors,
    confusion_matrix,
    per_example_loss,
    regression_errors,
    top_losses,
)


@pytest.fixture(scope="module")
def k():
    from nbkeras._keras import keras

    mod = keras()
    mod.utils.set_random_seed(0)
    yield mod
    mod.backend.clear_session()


@pytest.fixture(scope="module")
def digits():
    return datasets.digits()


@pytest.fixture(scope="module")
def cnn(k, digits):
    """A tiny CNN on digits, trained enough to make some mistakes and get most right."""
    (x, y), _ = digits
    model = k.Sequential(
        [
            k.Input((8, 8, 1)),
            k.layers.Conv2D(8, 3, activation="relu", name="conv"),
            k.layers.Flatten(name="flat"),
            k.layers.Dense(10, activation="softmax", name="probs"),
        ],
        name="cnn",
    )
    model.compile(k.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=3, batch_size=64, verbose=0)
    return model


def _reference_matrix(y_true, y_pred, classes):
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def test_confusion_matrix_of_a_cnn_equals_np_add_at_on_keras_predictions(cnn, digits):
    _, (x, y) = digits
    reference = _reference_matrix(y, np.argmax(cnn.predict(x, verbose=0), axis=1), 10)
    matrix = confusion_matrix(cnn, x, y)
    assert matrix.dtype == np.int64 and matrix.shape == (10, 10)
    np.testing.assert_array_equal(matrix, reference)
    assert matrix.sum() == len(y)
    assert 0 < np.trace(matrix) < len(y)  # the test means something: some right, some wrong
    # One-hot labels and (N, 1) labels give the same matrix; so do predictions passed instead of the model.
    np.testing.assert_array_equal(confusion_matrix(cnn, x, np.eye(10)[y]), reference)
    np.testing.assert_array_equal(confusion_matrix(cnn, x, y[:, None]), reference)
    np.testing.assert_array_equal(confusion_matrix(cnn.predict(x, verbose=0), y=y), reference)
    # Small batches change nothing.
    np.testing.assert_array_equal(confusion_matrix(cnn, x, y, batch_size=7), reference)


def test_confusion_matrix_of_single_scores_thresholds_and_keeps_every_class():
    scores = np.array([[0.2], [0.7], [0.9], [0.4]])
    np.testing.assert_array_equal(confusion_matrix(scores, y=[0, 0, 1, 1]), [[1, 1], [1, 1]])
    np.testing.assert_array_equal(confusion_matrix(scores, y=[0, 0, 1, 1], threshold=0.8), [[2, 0], [1, 1]])
    # Classes that never occur still get their row and column.
    probs = np.array([[0.9, 0.05, 0.05], [0.8, 0.1, 0.1]])
    np.testing.assert_array_equal(confusion_matrix(probs, y=[0, 0]), [[2, 0, 0], [0, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(confusion_matrix(probs, y=[0, 0], num_classes=4).shape, (4, 4))


def test_predicted_labels_are_counted_as_labels():
    y_true = np.array([0, 1, 2, 2, 1])
    y_pred = np.array([0, 2, 2, 1, 1])
    np.testing.assert_array_equal(confusion_matrix(y_pred, y=y_true), _reference_matrix(y_true, y_pred, 3))
    np.testing.assert_array_equal(confusion_matrix(np.array([0, 0]), y=[0, 3]).shape, (4, 4))  # y's classes count
    np.testing.assert_array_equal(
        confusion_matrix(y_pred, y=y_true, num_classes=5)[:3, :3], _reference_matrix(y_true, y_pred, 3)
    )


def test_predictions_need_no_tensorflow():
    code = (
        "import sys, json, numpy as np; from nbkeras.inspect import confusion_matrix, class_metrics;"
        "m = confusion_matrix(np.array([[0.9, 0.1], [0.3, 0.7]]), y=[0, 0]); class_metrics(m);"
        "print(json.dumps([m.tolist(), 'tensorflow' in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(out.stdout) == [[[1, 1], [0, 0]], False]


def test_class_metrics_match_their_definitions_and_flag_zero_divisions():
    # Class 2 is never predicted (no precision), class 3 never occurs and is never predicted (nothing).
    matrix = np.array([[5, 1, 0, 0], [2, 3, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0]])
    m = class_metrics(matrix)
    np.testing.assert_allclose(m.precision, [5 / 8, 3 / 5, 0, 0])
    np.testing.assert_allclose(m.recall, [5 / 6, 3 / 5, 0, 0])
    p, r = np.array([5 / 8, 3 / 5]), np.array([5 / 6, 3 / 5])
    np.testing.assert_allclose(m.f1, [*(2 * p * r / (p + r)), 0, 0])
    np.testing.assert_array_equal(m.support, [6, 5, 2, 0])
    np.testing.assert_array_equal(m.undefined_precision, [False, False, True, True])
    np.testing.assert_array_equal(m.undefined_recall, [False, False, False, True])
    np.testing.assert_array_equal(m.undefined_f1, [False, False, True, True])
    assert m.accuracy == pytest.approx(8 / 13)
    assert m.macro_f1 == pytest.approx(m.f1.mean())
    with pytest.raises(ValueError, match=r"Expected a square array of counts >= 0"):
        class_metrics(np.zeros((2, 3)))


def test_per_example_loss_is_the_compiled_loss_without_reduction(k, cnn, digits):
    _, (x, y) = digits
    probs = cnn.predict(x, verbose=0)
    reference = k.ops.convert_to_numpy(k.losses.sparse_categorical_crossentropy(y, probs))
    losses = per_example_loss(cnn, x, y)
    assert losses.shape == (len(y),) and losses.dtype == np.float64
    np.testing.assert_allclose(losses, reference, rtol=1e-5, atol=1e-6)
    # Their mean is what Keras reports for the whole set (no regularisers here).
    assert losses.mean() == pytest.approx(cnn.evaluate(x, y, verbose=0, batch_size=len(y)), rel=1e-5)


def test_per_example_loss_reads_loss_objects_functions_and_crossentropy(k, digits):
    (x, y), _ = digits
    x, y = x[:200], y[:200]
    logits_model = k.Sequential([k.Input((8, 8, 1)), k.layers.Flatten(), k.layers.Dense(10)])
    # A Loss object with its own setting (from_logits) is honoured.
    logits_model.compile("sgd", k.losses.SparseCategoricalCrossentropy(from_logits=True))
    logits = logits_model.predict(x, verbose=0)
    expected = k.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)(y, logits)
    np.testing.assert_allclose(per_example_loss(logits_model, x, y), k.ops.convert_to_numpy(expected), rtol=1e-5)

    # A plain function, applied per example; outputs with extra axes are averaged per example.
    def doubled_mse(y_true, y_pred):
        return 2.0 * k.ops.mean(k.ops.square(y_true - y_pred), axis=-1)

    onehot = np.eye(10, dtype="float32")[y]
    logits_model.compile("sgd", doubled_mse)
    np.testing.assert_allclose(
        per_example_loss(logits_model, x, onehot), 2 * ((onehot - logits) ** 2).mean(axis=1), rtol=1e-5
    )
    # "crossentropy" with one-hot targets is categorical crossentropy, as Keras resolves it.
    softmax_model = k.Sequential([k.Input((8, 8, 1)), k.layers.Flatten(), k.layers.Dense(10, activation="softmax")])
    softmax_model.compile("sgd", "crossentropy")
    probs = softmax_model.predict(x, verbose=0)
    expected = k.ops.convert_to_numpy(k.losses.categorical_crossentropy(onehot, probs))
    np.testing.assert_allclose(per_example_loss(softmax_model, x, onehot), expected, rtol=1e-5)
    np.testing.assert_allclose(per_example_loss(softmax_model, x, y), expected, rtol=1e-5)  # sparse


def test_labels_of_rank_one_against_one_output_unit_are_aligned_as_keras_aligns_them(k):
    # binary_crossentropy(y (N,), p (N, 1)) would broadcast to (N, N) without Keras's rank alignment.
    (x, y), _ = datasets.moons(n_samples=300)
    model = k.Sequential([k.Input((2,)), k.layers.Dense(8, activation="tanh"), k.layers.Dense(1, activation="sigmoid")])
    model.compile(k.optimizers.Adam(0.05), "binary_crossentropy")
    model.fit(x, y, epochs=3, verbose=0)
    p = model.predict(x, verbose=0)
    expected = -(y * np.log(p[:, 0]) + (1 - y) * np.log(1 - p[:, 0]))
    errors = classification_errors(model, x, y)
    assert errors.losses.shape == (len(y),)
    np.testing.assert_allclose(errors.losses, expected, rtol=1e-4)
    assert errors.losses.mean() == pytest.approx(model.evaluate(x, y, verbose=0, batch_size=len(y)), rel=1e-5)
    np.testing.assert_array_equal(errors.matrix, _reference_matrix(y, (p[:, 0] > 0.5).astype(int), 2))
    # The same for a regressor with one output and targets of shape (N,).
    regressor = k.Sequential([k.Input((2,)), k.layers.Dense(1)])
    regressor.compile("sgd", "mse")
    target = x[:, 0] - 2 * x[:, 1]
    out = regressor.predict(x, verbose=0)[:, 0]
    np.testing.assert_allclose(regression_errors(regressor, x, target).losses, (target - out) ** 2, rtol=1e-5)


def test_top_losses_are_the_highest_losses_highest_first(cnn, digits):
    _, (x, y) = digits
    losses = per_example_loss(cnn, x, y)
    indices, top = top_losses(cnn, x, y, k=12)
    np.testing.assert_array_equal(indices, np.argsort(-losses, kind="stable")[:12])
    np.testing.assert_allclose(top, losses[indices])
    assert np.all(np.diff(top) <= 0)
    # k larger than the data: everything, sorted.
    everything = top_losses(cnn, x[:5], y[:5], k=50)
    assert len(everything.indices) == 5 and sorted(everything.indices.tolist()) == [0, 1, 2, 3, 4]


def test_classification_errors_from_one_pass_agree_with_the_single_functions(cnn, digits):
    _, (x, y) = digits
    errors = classification_errors(cnn, x, y)
    np.testing.assert_array_equal(errors.matrix, confusion_matrix(cnn, x, y))
    np.testing.assert_allclose(errors.losses, per_example_loss(cnn, x, y))
    np.testing.assert_array_equal(errors.metrics.support, np.bincount(y, minlength=10))
    # A matrix cell's examples: exactly those (true, predicted) pairs, highest loss first.
    t, p = np.unravel_index(np.argmax(errors.matrix - np.diag(np.diag(errors.matrix))), errors.matrix.shape)
    cell = errors.examples(t, p)
    assert len(cell) == errors.matrix[t, p] > 0
    assert set(cell.tolist()) == set(np.flatnonzero((y == t) & (errors.y_pred == p)).tolist())
    assert np.all(np.diff(errors.losses[cell]) <= 0)
    np.testing.assert_array_equal(errors.top_losses(5).indices, top_losses(cnn, x, y, k=5).indices)
    with pytest.raises(ValueError, match=r"`predicted_class`.*Expected an integer between 0 and 9"):
        errors.examples(0, 10)


def test_regression_errors_are_residuals_and_their_statistics(k):
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, (300, 3)).astype("float32")
    y = (x @ np.array([[1.0, -2.0], [0.5, 0.0], [0.0, 3.0]]) + 0.3).astype("float32")
    model = k.Sequential([k.Input((3,)), k.layers.Dense(2)])
    model.compile(k.optimizers.Adam(0.05), "mse")
    model.fit(x, y, epochs=5, verbose=0)
    pred = model.predict(x, verbose=0).astype(np.float64)
    errors = regression_errors(model, x, y)
    np.testing.assert_allclose(errors.y_pred, pred, rtol=1e-6)
    np.testing.assert_allclose(errors.residuals, y - pred, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(errors.mse, ((y - pred) ** 2).mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(errors.mae, np.abs(y - pred).mean(axis=0), rtol=1e-5)
    ss_tot = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
    np.testing.assert_allclose(errors.r2, 1 - ((y - pred) ** 2).sum(axis=0) / ss_tot, rtol=1e-5)
    expected = k.ops.convert_to_numpy(k.losses.mean_squared_error(y, pred))
    np.testing.assert_allclose(errors.losses, expected, rtol=1e-5)
    assert errors.top_losses(3).indices.tolist() == np.argsort(-expected, kind="stable")[:3].tolist()


def test_bad_input_gets_a_clear_error(k, cnn, digits):
    _, (x, y) = digits
    uncompiled = k.Sequential([k.Input((8, 8, 1)), k.layers.Flatten(), k.layers.Dense(10)], name="raw")
    with pytest.raises(ValueError, match=r"model 'raw' with no compiled loss.*model\.compile\(loss=\.\.\.\)"):
        per_example_loss(uncompiled, x, y)
    with pytest.raises(ValueError, match=r"no compiled loss"):
        top_losses(uncompiled, x, y)
    with pytest.raises(ValueError, match=r"no compiled loss"):
        classification_errors(uncompiled, x, y)
    # Without losses, an uncompiled classifier still gets its matrix.
    assert classification_errors(uncompiled, x, y, losses=False).losses is None
    with pytest.raises(ValueError, match=r"Received: y with 359 examples and x with 100\. Expected as many labels"):
        confusion_matrix(cnn, x[:100], y)
    with pytest.raises(ValueError, match=r"y with 10 examples and x with 359"):
        top_losses(cnn, x, y[:10])
    with pytest.raises(ValueError, match=r"Received: y with a label 12\. Expected class labels below 10"):
        confusion_matrix(cnn, x[:2], [0, 12])
    with pytest.raises(ValueError, match=r"whole-number class labels"):
        confusion_matrix(cnn, x[:2], [0.5, 1.0])
    with pytest.raises(ValueError, match=r"one-hot rows of width 10"):
        confusion_matrix(cnn, x[:2], np.eye(3)[:2])
    with pytest.raises(ValueError, match=r"Missing argument `x`"):
        confusion_matrix(cnn, y=y)
    with pytest.raises(ValueError, match=r"pass the labels as `y=`"):
        confusion_matrix(np.zeros((2, 3)), [0, 1])
    with pytest.raises(ValueError, match=r"`k`.*Expected an integer >= 1"):
        top_losses(cnn, x, y, k=0)
    with pytest.raises(TypeError, match=r"Invalid type for argument `model`"):
        per_example_loss("cnn", x, y)
    with pytest.raises(ValueError, match=r"2 value\(s\) per example"):
        regression_errors(_compiled_regressor(k), np.zeros((4, 3), "float32"), np.zeros((4, 3), "float32"))


def _compiled_regressor(k):
    model = k.Sequential([k.Input((3,)), k.layers.Dense(2)])
    model.compile("sgd", "mse")
    return model
