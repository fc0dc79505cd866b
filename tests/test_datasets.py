"""Tests for nbkeras.datasets: values, not just shapes. No TensorFlow is imported here."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import textwrap
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbkeras import datasets
from nbkeras.datasets import (
    addition,
    addition_vocabulary,
    blobs,
    circles,
    decode_addition,
    decode_sentiment,
    describe,
    digits,
    encode_addition,
    encode_sentiment,
    moons,
    sentiment,
    sentiment_vocabulary,
    sine_waves,
    spirals,
    xor,
)

TOY = {"spirals": spirals, "moons": moons, "circles": circles, "xor": xor, "blobs": blobs}


def _both(split):
    (x_train, y_train), (x_test, y_test) = split
    return np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])


def _nearest_neighbour_accuracy(split) -> float:
    (x_train, y_train), (x_test, y_test) = split
    distances = ((x_test[:, None, :] - x_train[None, :, :]) ** 2).sum(-1)
    return float((y_train[distances.argmin(1)] == y_test).mean())


def _logistic_regression_accuracy(x_train, y_train, x_test, y_test, steps=300, rate=0.5) -> float:
    mean, std = x_train.mean(0), x_train.std(0) + 1e-9
    a, b = (x_train - mean) / std, (x_test - mean) / std
    w, bias = np.zeros(a.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(a @ w + bias)))
        w -= rate * a.T @ (p - y_train) / len(a)
        bias -= rate * float(np.mean(p - y_train))
    return float((((b @ w + bias) > 0) == y_test).mean())


# --------------------------------------------------------------------------- package


def test_import_leaves_tensorflow_and_keras_unloaded():
    code = textwrap.dedent(
        """
        import sys
        import nbkeras.datasets as d
        d.spirals(n_samples=20); d.moons(n_samples=20); d.circles(n_samples=20)
        d.xor(n_samples=20); d.blobs(n_samples=20); d.digits(n_samples=50)
        d.sine_waves(n_samples=20); d.addition(n_samples=20); d.sentiment(n_samples=20)
        print(sorted(m for m in ("tensorflow", "keras") if m in sys.modules))
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"


def test_all_lists_public_functions_and_describe_covers_them():
    assert sorted(datasets.__all__) == sorted(set(datasets.__all__))
    text = describe()
    assert isinstance(text, str) and repr(text) == str(text)
    for name in datasets.__all__:
        assert callable(getattr(datasets, name))
        assert re.search(rf"^{name}\(", text, re.MULTILINE), name
        doc = getattr(datasets, name).__doc__
        assert "Returns:" in doc and "Example:" in doc, name
    assert "spirals(n_samples=1000, noise=0.05, n_classes=2, test_size=0.2, seed=0)" in text


# --------------------------------------------------------------------------- 2-D toy sets


@pytest.mark.parametrize("name", TOY)
def test_toy_shapes_dtypes_and_split_sizes(name):
    (x_train, y_train), (x_test, y_test) = TOY[name](n_samples=1001, test_size=0.25)
    assert x_train.shape == (751, 2) and x_test.shape == (250, 2)
    assert y_train.shape == (751,) and y_test.shape == (250,)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int32
    assert np.isfinite(x_train).all()
    assert np.abs(x_train).max() < 2.5


@pytest.mark.parametrize("name", TOY)
def test_toy_classes_are_balanced_overall_and_in_each_split(name):
    split = TOY[name](n_samples=1001)
    _, y = _both(split)
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1 and counts.sum() == 1001
    (_, y_train), (_, y_test) = split
    for part in (y_train, y_test):
        shares = np.bincount(part, minlength=len(counts)) / len(part)
        np.testing.assert_allclose(shares, 1 / len(counts), atol=0.01)


@pytest.mark.parametrize("name", TOY)
def test_toy_is_deterministic_per_seed(name):
    first, again, other = TOY[name](seed=3), TOY[name](seed=3), TOY[name](seed=4)
    for a, b in zip(_both(first), _both(again)):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0][0], other[0][0])


@pytest.mark.parametrize("name", TOY)
def test_toy_is_learnable_by_nearest_neighbour(name):
    assert _nearest_neighbour_accuracy(TOY[name]()) >= 0.9


@pytest.mark.parametrize("name", TOY)
def test_toy_noise_is_gaussian_with_the_requested_standard_deviation(name):
    # Same seed: same clean points and same split, only the added noise differs.
    clean, y_clean = _both(TOY[name](noise=0, n_samples=4000))
    noisy, y_noisy = _both(TOY[name](noise=0.1, n_samples=4000))
    np.testing.assert_array_equal(y_clean, y_noisy)
    shift = noisy - clean
    np.testing.assert_allclose(shift.std(0), 0.1, rtol=0.05)
    np.testing.assert_allclose(shift.mean(0), 0, atol=0.01)


def test_spirals_without_noise_follow_the_arm_formula():
    x, y = _both(spirals(n_samples=900, noise=0, n_classes=3))
    r, angle = np.hypot(x[:, 0], x[:, 1]), np.arctan2(x[:, 1], x[:, 0])
    assert r.max() <= 1.0
    # Unwinding each point by its radius leaves the arm's fixed rotation 2*pi*k/3.
    offset = (angle - 2 * np.pi * 1.75 * r) % (2 * np.pi)
    arm = np.round(offset / (2 * np.pi / 3)).astype(int) % 3
    assert np.array_equal(arm, y)
    assert set(y.tolist()) == {0, 1, 2}


def test_spirals_with_default_noise_keep_the_angle_by_radius_structure():
    x, y = _both(spirals())
    r, angle = np.hypot(x[:, 0], x[:, 1]), np.arctan2(x[:, 1], x[:, 0])
    offset = (angle - 2 * np.pi * 1.75 * r) % (2 * np.pi)
    predicted = np.round(offset / np.pi).astype(int) % 2
    assert (predicted == y).mean() >= 0.9


def test_moons_without_noise_lie_on_their_arcs():
    x, y = _both(moons(noise=0))
    upper, lower = x[y == 0] + [0.5, 0.25], x[y == 1] + [0.5, 0.25]
    np.testing.assert_allclose(np.hypot(*upper.T), 1, atol=1e-6)
    assert (upper[:, 1] >= -1e-6).all()
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1, atol=1e-6)
    assert (lower[:, 1] <= 0.5 + 1e-6).all()
    np.testing.assert_allclose(x.mean(0), 0, atol=0.1)


def test_moons_need_a_curve_but_polynomial_features_suffice():
    (a, y), (b, yt) = moons()

    def poly(v):
        return np.column_stack([v, v**2, v[:, :1] * v[:, 1:], v**3])

    linear = _logistic_regression_accuracy(a, y, b, yt)
    curved = _logistic_regression_accuracy(poly(a), y, poly(b), yt, steps=2000)
    assert linear < 0.92 and curved >= 0.95


def test_circles_are_separated_by_radius():
    (x_train, y_train), (x_test, y_test) = circles(factor=0.3)
    predicted = (np.hypot(*x_test.T) < 0.65).astype(int)
    assert (predicted == y_test).mean() >= 0.99
    assert _logistic_regression_accuracy(x_train, y_train, x_test, y_test) < 0.7


def test_xor_label_is_the_sign_disagreement():
    x, y = _both(xor(noise=0))
    assert np.array_equal((x[:, 0] * x[:, 1] < 0).astype(int), y)
    assert np.abs(x).min() >= 0.05 - 1e-7 and np.abs(x).max() <= 1.0
    x, y = _both(xor())
    assert ((x[:, 0] * x[:, 1] < 0) == y).mean() >= 0.95


def test_blobs_default_centres_are_on_the_unit_circle_and_nearest_centroid_works():
    (x_train, y_train), (x_test, y_test) = blobs(n_classes=4)
    centroids = np.stack([x_train[y_train == k].mean(0) for k in range(4)])
    np.testing.assert_allclose(np.hypot(*centroids.T), 1, atol=0.05)
    predicted = ((x_test[:, None] - centroids[None]) ** 2).sum(-1).argmin(1)
    assert (predicted == y_test).mean() >= 0.95


def test_blobs_with_explicit_centres_put_each_class_on_its_centre():
    centers = [[-1.0, 0.0], [1.0, 1.0], [0.0, -2.0]]
    x, y = _both(blobs(n_samples=300, centers=centers, noise=0))
    np.testing.assert_array_equal(x, np.asarray(centers, np.float32)[y])
    assert np.bincount(y).tolist() == [100, 100, 100]


def test_numpy_integers_are_accepted_as_sizes():
    (x_train, _), _ = spirals(n_samples=np.int64(100), seed=np.int32(1))
    assert x_train.shape == (80, 2)


# --------------------------------------------------------------------------- digits


def test_digits_shapes_range_and_scaling():
    (x_train, y_train), (x_test, y_test) = digits()
    assert x_train.shape == (1438, 8, 8, 1) and x_test.shape == (359, 8, 8, 1)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int32
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    # Raw grey levels are the integers 0..16, so the scaled values are multiples of 1/16.
    np.testing.assert_array_equal(x_train * 16, np.round(x_train * 16))
    assert set(y_train.tolist()) == set(range(10)) == set(y_test.tolist())


def test_digits_are_scikit_learns_images_all_of_them_once():
    from sklearn.datasets import load_digits

    images, labels = load_digits(return_X_y=True)
    x, y = _both(digits())
    ours = Counter(zip(map(bytes, (x.reshape(-1, 64) * 16).astype(np.uint8)), y.tolist()))
    theirs = Counter(zip(map(bytes, images.astype(np.uint8)), labels.tolist()))
    assert ours == theirs


def test_digits_split_is_stratified_and_seeded():
    (_, y_train), (_, y_test) = digits(seed=5)
    counts = np.bincount(np.concatenate([y_train, y_test]))
    assert np.abs(np.bincount(y_test) - 0.2 * counts).max() <= 1
    (x_again, _), _ = digits(seed=5)
    (x_other, _), _ = digits(seed=6)
    (x_seed5, _), _ = digits(seed=5)
    np.testing.assert_array_equal(x_again, x_seed5)
    assert not np.array_equal(x_again, x_other)


def test_digits_subset():
    (x_train, y_train), (x_test, _) = digits(n_samples=500, test_size=0.1)
    assert len(x_train) == 450 and len(x_test) == 50
    assert len(set(y_train.tolist())) == 10


# --------------------------------------------------------------------------- sine waves


def test_sine_waves_shapes_dtypes_and_bounds():
    (x_train, y_train), (x_test, y_test) = sine_waves(n_samples=200, timesteps=20)
    assert x_train.shape == (160, 20, 1) and y_train.shape == (160, 1)
    assert x_test.shape == (40, 20, 1) and y_test.shape == (40, 1)
    assert x_train.dtype == np.float32 and y_train.dtype == np.float32
    (x, _), _ = sine_waves(noise=0)
    assert np.abs(x).max() <= 1.0
    assert x.std() > 0.2  # a real signal, not a flat line


@pytest.mark.parametrize("n_components", [1, 2])
@pytest.mark.parametrize("horizon", [1, 3])
def test_sine_waves_target_is_the_series_value_horizon_steps_later(n_components, horizon):
    # A sum of c sines obeys a linear recurrence of order 2c: fit it on each window and
    # extrapolate; without noise that lands exactly on y.
    (x, y), _ = sine_waves(n_samples=100, n_components=n_components, horizon=horizon, noise=0)
    order = 2 * n_components
    for row, target in zip(x[:, :, 0].astype(np.float64), y[:, 0]):
        design = np.column_stack([row[order - i - 1 : len(row) - i - 1] for i in range(order)])
        coefficients = np.linalg.lstsq(design, row[order:], rcond=None)[0]
        values = list(row)
        for _ in range(horizon):
            values.append(float(np.dot(coefficients, values[-1 : -order - 1 : -1])))
        assert abs(values[-1] - target) < 1e-4


def test_sine_waves_noise_and_horizon_change_only_what_they_should():
    (clean, _), _ = sine_waves(noise=0, horizon=1)
    (far, _), _ = sine_waves(noise=0, horizon=5)
    (noisy, _), _ = sine_waves(noise=0.1, horizon=1)
    np.testing.assert_array_equal(clean, far)  # same rows, same windows
    assert 0.09 < float(np.std(noisy - clean)) < 0.11


def test_sine_waves_determinism():
    a, b, c = sine_waves(seed=1), sine_waves(seed=1), sine_waves(seed=2)
    for left, right in zip(_both(a), _both(b)):
        np.testing.assert_array_equal(left, right)
    assert not np.array_equal(a[0][0], c[0][0])


# --------------------------------------------------------------------------- addition


def test_addition_vocabulary_and_shapes():
    assert addition_vocabulary() == "0123456789+ "
    (x_train, y_train), (x_test, y_test) = addition(n_samples=1000)
    assert x_train.shape == (800, 7, 12) and y_train.shape == (800, 4, 12)
    assert x_test.shape == (200, 7, 12) and y_test.shape == (200, 4, 12)
    assert x_train.dtype == np.float32
    np.testing.assert_array_equal(x_train.sum(-1), 1)
    (xi, yi), _ = addition(n_samples=1000, encoding="int")
    assert xi.shape == (800, 7) and yi.shape == (800, 4) and xi.dtype == np.int32
    assert xi.min() >= 0 and xi.max() < 12
    np.testing.assert_array_equal(xi, x_train.argmax(-1))


@pytest.mark.parametrize("n_digits", [1, 2, 3, 4])
def test_addition_answers_are_correct_sums(n_digits):
    n = min(2000, 10 ** (2 * n_digits))
    split = addition(n_samples=n, digits=n_digits, encoding="int")
    x, y = _both(split)
    for query, answer in zip(decode_addition(x), decode_addition(y)):
        assert re.fullmatch(rf"\d{{1,{n_digits}}}\+\d{{1,{n_digits}}}", query), query
        a, b = query.split("+")
        assert int(a) + int(b) == int(answer)
        assert str(int(a)) == a and str(int(b)) == b  # no leading zeros


def test_addition_questions_are_unique_and_train_test_disjoint():
    (x_train, _), (x_test, _) = addition(n_samples=5000, digits=2, encoding="int")
    train, test = decode_addition(x_train), decode_addition(x_test)
    assert len(set(train)) == len(train) and len(set(test)) == len(test)
    assert not set(train) & set(test)


def test_addition_can_use_every_question():
    x, _ = _both(addition(n_samples=100, digits=1, encoding="int"))
    assert sorted(decode_addition(x)) == sorted(f"{a}+{b}" for a in range(10) for b in range(10))


def test_addition_reverse_reverses_the_padded_query_only():
    (plain_x, plain_y), _ = addition(n_samples=300, encoding="int")
    (rev_x, rev_y), _ = addition(n_samples=300, encoding="int", reverse=True)
    np.testing.assert_array_equal(rev_x, plain_x[:, ::-1])
    np.testing.assert_array_equal(rev_y, plain_y)
    assert decode_addition(rev_x, reverse=True) == decode_addition(plain_x)
    # Padding as in the Keras example: "1+2" becomes "1+2    ", reversed "    2+1".
    assert encode_addition("1+2", maxlen=7, encoding="int", reverse=True)[0].tolist() == [11] * 4 + [2, 10, 1]


def test_addition_determinism():
    a, b, c = addition(n_samples=500, seed=7), addition(n_samples=500, seed=7), addition(n_samples=500, seed=8)
    for left, right in zip(_both(a), _both(b)):
        np.testing.assert_array_equal(left, right)
    assert not np.array_equal(a[0][0], c[0][0])


def test_decode_addition_reads_model_probabilities():
    strings = ["12+3", "999+999", "0+0"]
    onehot = encode_addition(strings, maxlen=7)
    rng = np.random.default_rng(0)
    logits = 5 * onehot + rng.normal(0, 0.5, onehot.shape)
    softmax = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    assert decode_addition(softmax) == strings
    assert decode_addition(encode_addition(strings, encoding="int").tolist()) == strings


@given(st.lists(st.text(alphabet="0123456789+", min_size=1, max_size=9), min_size=1, max_size=5), st.booleans())
@settings(max_examples=50, deadline=None)
def test_addition_encode_decode_round_trip(strings, reverse):
    for encoding in ("onehot", "int"):
        encoded = encode_addition(strings, maxlen=9, encoding=encoding, reverse=reverse)
        assert decode_addition(encoded, reverse=reverse) == strings


# --------------------------------------------------------------------------- sentiment


def test_sentiment_vocabulary_reserves_padding_and_unknown():
    vocab = sentiment_vocabulary()
    assert vocab[""] == 0 and vocab["[UNK]"] == 1
    assert sorted(vocab.values()) == list(range(len(vocab)))
    for word in ("not", "good", "bad", "very", "never"):
        assert word in vocab
    vocab["good"] = -1
    assert sentiment_vocabulary()["good"] != -1  # callers get a copy


def test_sentiment_shapes_dtypes_balance_and_padding():
    (x_train, y_train), (x_test, y_test) = sentiment(n_samples=1001)
    assert x_train.shape == (801, 16) and x_test.shape == (200, 16)
    assert x_train.dtype == np.int32 and y_train.dtype == np.int32
    x, y = _both(((x_train, y_train), (x_test, y_test)))
    assert x.min() >= 0 and x.max() < len(sentiment_vocabulary())
    assert (x != 1).all()  # generated words are all in the vocabulary
    assert sorted(np.bincount(y).tolist()) == [500, 501]
    # Padded at the front and never cut at the default length.
    assert (x[:, 0] == 0).all() and (x[:, -1] != 0).all()
    lengths = (x != 0).sum(1)
    assert lengths.min() >= 3 and lengths.max() <= 14


def test_sentiment_determinism():
    a, b, c = sentiment(n_samples=300, seed=2), sentiment(n_samples=300, seed=2), sentiment(n_samples=300, seed=3)
    for left, right in zip(_both(a), _both(b)):
        np.testing.assert_array_equal(left, right)
    assert not np.array_equal(a[0][0], c[0][0])


def test_sentiment_negation_flips_the_label():
    x, y = _both(sentiment(n_samples=4000))
    texts = decode_sentiment(x)
    labels = dict(zip(texts, y.tolist()))
    not_good = [t for t in texts if " not good" in f" {t}"]
    not_bad = [t for t in texts if " not bad" in f" {t}"]
    plain_good = [t for t in texts if "good" in t.split() and not {"not", "never"} & set(t.split())]
    assert not_good and not_bad and plain_good
    assert {labels[t] for t in not_good} == {0}
    assert {labels[t] for t in not_bad} == {1}
    assert {labels[t] for t in plain_good} == {1}


def test_sentiment_label_is_adjective_polarity_times_negation():
    from nbkeras.datasets._sentiment import _NEGATIVE, _POSITIVE

    x, y = _both(sentiment(n_samples=3000))
    for text, label in zip(decode_sentiment(x), y.tolist()):
        words = text.split()
        polar = [w for w in words if w in _POSITIVE or w in _NEGATIVE]
        assert len(polar) == 1, text
        negated = "not" in words or "never" in words
        assert label == int((polar[0] in _POSITIVE) != negated), text


def test_sentiment_is_not_solvable_by_any_single_word_or_a_bag_of_words():
    (x_train, y_train), (x_test, y_test) = sentiment(n_samples=4000)
    size = len(sentiment_vocabulary())

    def bag(x):
        counts = np.zeros((len(x), size))
        np.add.at(counts, (np.repeat(np.arange(len(x)), x.shape[1]), x.ravel()), 1)
        counts[:, 0] = 0
        return (counts > 0).astype(float)

    train, test = bag(x_train), bag(x_test)
    # Best rule "label = presence of one word" (or its absence): close to chance.
    agree = (train == y_train[:, None]).mean(0)
    assert max(agree.max(), (1 - agree).max()) < 0.6
    assert _logistic_regression_accuracy(train, y_train, test, y_test) < 0.6


def test_sentiment_encode_decode_round_trip_and_unknown_words():
    (x, _), _ = sentiment(n_samples=200)
    texts = decode_sentiment(x)
    np.testing.assert_array_equal(encode_sentiment(texts), x)
    assert decode_sentiment(encode_sentiment(texts)) == texts
    assert decode_sentiment(x[0]) == texts[0]
    encoded = encode_sentiment(["The Movie was NOT good, sadly!"], maxlen=8)
    assert decode_sentiment(encoded) == ["the movie was not good [UNK]"]
    assert encoded[0, :2].tolist() == [0, 0]
    # Truncation keeps the end, where the opinion usually is.
    assert decode_sentiment(encode_sentiment("honestly the food was not good", maxlen=3)) == ["was not good"]


# --------------------------------------------------------------------------- argument validation


def test_error_message_uses_keras_wording():
    with pytest.raises(
        ValueError,
        match=re.escape("Invalid value for argument `noise`. Received: noise=-1. Expected a number >= 0."),
    ):
        moons(noise=-1)


BAD_ARGUMENTS = [
    # (loader, kwargs, exception, pieces the message must contain)
    (spirals, {"n_samples": 0}, ValueError, ["`n_samples`", "n_samples=0", "integer >= 2"]),
    (spirals, {"n_samples": -5}, ValueError, ["`n_samples`", "n_samples=-5"]),
    (spirals, {"n_samples": 10.5}, TypeError, ["`n_samples`", "n_samples=10.5", "integer"]),
    (spirals, {"n_samples": 100.0}, TypeError, ["`n_samples`", "n_samples=100.0"]),
    (spirals, {"n_samples": True}, TypeError, ["`n_samples`", "n_samples=True"]),
    (spirals, {"n_samples": "100"}, TypeError, ["`n_samples`", "n_samples='100'"]),
    (spirals, {"n_classes": 1}, ValueError, ["`n_classes`", "n_classes=1"]),
    (spirals, {"n_classes": True}, TypeError, ["`n_classes`", "n_classes=True"]),
    (moons, {"noise": float("nan")}, ValueError, ["`noise`", "noise=nan"]),
    (moons, {"noise": float("inf")}, ValueError, ["`noise`", "noise=inf"]),
    (moons, {"noise": "0.1"}, TypeError, ["`noise`", "noise='0.1'"]),
    (moons, {"noise": False}, TypeError, ["`noise`", "noise=False"]),
    (circles, {"test_size": 0}, ValueError, ["`test_size`", "test_size=0", "strictly between 0 and 1"]),
    (circles, {"test_size": 1}, ValueError, ["`test_size`", "test_size=1"]),
    (circles, {"test_size": 1.5}, ValueError, ["`test_size`", "test_size=1.5"]),
    (circles, {"test_size": -0.1}, ValueError, ["`test_size`", "test_size=-0.1"]),
    (circles, {"test_size": "0.2"}, TypeError, ["`test_size`", "test_size='0.2'"]),
    (circles, {"factor": 1}, ValueError, ["`factor`", "factor=1"]),
    (moons, {"n_samples": 3, "test_size": 0.1}, ValueError, ["`test_size`", "test_size=0.1 with n_samples=3"]),
    (moons, {"n_samples": 3, "test_size": 0.9}, ValueError, ["`test_size`", "test_size=0.9 with n_samples=3"]),
    (xor, {"seed": -1}, ValueError, ["`seed`", "seed=-1", ">= 0"]),
    (xor, {"seed": 1.5}, TypeError, ["`seed`", "seed=1.5"]),
    (xor, {"seed": None}, TypeError, ["`seed`", "seed=None"]),
    (blobs, {"n_classes": 1}, ValueError, ["`n_classes`", "n_classes=1"]),
    (blobs, {"centers": [[0, 0]]}, ValueError, ["`centers`", "shape (1, 2)"]),
    (blobs, {"centers": [[0, 0, 0], [1, 1, 1]]}, ValueError, ["`centers`", "shape (2, 3)"]),
    (blobs, {"centers": [[0, 0], [1, float("nan")]]}, ValueError, ["`centers`", "shape (2, 2)", "finite"]),
    (blobs, {"centers": [["a", "b"], ["c", "d"]]}, ValueError, ["`centers`", "not numeric"]),
    (blobs, {"centers": [[0, 0], [1, 1]], "n_classes": 3}, ValueError, ["`n_classes`", "n_classes=3", "2 (the"]),
    (digits, {"n_samples": 1798}, ValueError, ["`n_samples`", "n_samples=1798", "between 2 and 1797"]),
    (digits, {"n_samples": 1}, ValueError, ["`n_samples`", "n_samples=1"]),
    (sine_waves, {"timesteps": 1}, ValueError, ["`timesteps`", "timesteps=1"]),
    (sine_waves, {"horizon": 0}, ValueError, ["`horizon`", "horizon=0"]),
    (sine_waves, {"n_components": 0}, ValueError, ["`n_components`", "n_components=0"]),
    (sine_waves, {"noise": -0.5}, ValueError, ["`noise`", "noise=-0.5"]),
    (addition, {"encoding": "ascii"}, ValueError, ["`encoding`", "encoding='ascii'", "one of 'onehot', 'int'"]),
    (addition, {"encoding": None}, TypeError, ["`encoding`", "encoding=None", "'onehot', 'int'"]),
    (addition, {"digits": 0}, ValueError, ["`digits`", "digits=0", "between 1 and 9"]),
    (addition, {"digits": 10}, ValueError, ["`digits`", "digits=10"]),
    (addition, {"n_samples": 101, "digits": 1}, ValueError, ["`n_samples`", "n_samples=101", "at most 100"]),
    (addition, {"reverse": 1}, TypeError, ["`reverse`", "reverse=1", "True or False"]),
    (sentiment, {"maxlen": 0}, ValueError, ["`maxlen`", "maxlen=0"]),
    (sentiment, {"n_samples": 1}, ValueError, ["`n_samples`", "n_samples=1"]),
    (encode_addition, {"strings": ["1+x"]}, ValueError, ["`strings`", "['x']"]),
    (encode_addition, {"strings": ["1+é"]}, ValueError, ["`strings`", "['é']"]),
    (encode_addition, {"strings": ["123+4"], "maxlen": 3}, ValueError, ["`maxlen`", "maxlen=3", ">= 5"]),
    (encode_addition, {"strings": [12]}, TypeError, ["`strings`", "strings=12"]),
    (encode_addition, {"strings": ["1+2"], "encoding": "hot"}, ValueError, ["`encoding`", "encoding='hot'"]),
    (decode_addition, {"array": np.zeros((2, 3, 5))}, ValueError, ["`array`", "shape (2, 3, 5)"]),
    (decode_addition, {"array": np.array([[12]])}, ValueError, ["`array`", "from 12 to 12"]),
    (decode_addition, {"array": np.array([[0.5]])}, ValueError, ["`array`", "non-integer"]),
    (decode_addition, {"array": np.zeros(3, int)}, ValueError, ["`array`", "shape (3,)"]),
    (encode_sentiment, {"texts": [1]}, TypeError, ["`texts`", "texts=1"]),
    (encode_sentiment, {"texts": ["ok"], "maxlen": -1}, ValueError, ["`maxlen`", "maxlen=-1"]),
    (decode_sentiment, {"sequences": [[-1, 2]]}, ValueError, ["`sequences`", "from -1 to 2"]),
    (decode_sentiment, {"sequences": [[0.5]]}, ValueError, ["`sequences`", "float64"]),
]


@pytest.mark.parametrize(
    ("loader", "kwargs", "error", "pieces"),
    BAD_ARGUMENTS,
    ids=[f"{f.__name__}-{'-'.join(map(str, k))}-{i}" for i, (f, k, _, _) in enumerate(BAD_ARGUMENTS)],
)
def test_bad_arguments_are_named_with_received_value(loader, kwargs, error, pieces):
    with pytest.raises(error, match=r"^Invalid (value|type) for argument `") as info:
        loader(**kwargs)
    for piece in pieces:
        assert piece in str(info.value), (piece, str(info.value))


@pytest.mark.parametrize("name", TOY)
@given(
    n_samples=st.one_of(
        st.integers(max_value=1),
        st.floats(allow_nan=True),
        st.booleans(),
        st.text(max_size=3),
        st.none(),
    )
)
@settings(max_examples=40, deadline=None)
def test_property_invalid_sizes_are_rejected_with_the_argument_named(name, n_samples):
    with pytest.raises((ValueError, TypeError), match=r"`n_samples`\. Received: n_samples=") as info:
        TOY[name](n_samples=n_samples)
    if isinstance(n_samples, int) and not isinstance(n_samples, bool):
        assert isinstance(info.value, ValueError)
    else:
        assert isinstance(info.value, TypeError)


@given(
    n_samples=st.integers(min_value=2, max_value=300),
    test_size=st.floats(min_value=0, max_value=1, exclude_min=True, exclude_max=True),
)
@settings(max_examples=60, deadline=None)
def test_property_split_sizes_add_up_or_the_split_is_refused(n_samples, test_size):
    n_test = math.floor(n_samples * test_size + 0.5)
    if 1 <= n_test <= n_samples - 1:
        (x_train, _), (x_test, _) = moons(n_samples=n_samples, test_size=test_size)
        assert len(x_train) == n_samples - n_test and len(x_test) == n_test
    else:
        with pytest.raises(ValueError, match=rf"test_size={re.escape(repr(test_size))} with n_samples={n_samples}"):
            moons(n_samples=n_samples, test_size=test_size)


@given(noise=st.floats(max_value=0, exclude_max=True, allow_infinity=True) | st.just(float("nan")))
@settings(max_examples=30, deadline=None)
def test_property_negative_or_nan_noise_is_rejected(noise):
    for loader in (*TOY.values(), sine_waves):
        with pytest.raises(ValueError, match=re.escape(f"Received: noise={noise!r}. Expected a number >= 0.")):
            loader(noise=noise)
