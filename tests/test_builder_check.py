"""check_spec: shapes and parameter counts equal Keras's, errors a person can act on."""

from __future__ import annotations

import copy
import json
import os
import random
import statistics
import time

import numpy as np
import pytest

from nbkeras import datasets
from nbkeras._keras import keras
from nbkeras.builder import build_model, check_spec, template, template_names
from nbkeras.builder.check import NOT_CHECKED_EARLIER, _check_layer, _pending_variables, clear_cache


def dense(**config):
    return {"class_name": "Dense", "config": config}


def layer(class_name, **config):
    return {"class_name": class_name, "config": config}


def direct_template_model(name):
    """The template models written directly in Keras, as a person would."""
    L = keras().layers
    Input, Sequential = keras().Input, keras().Sequential
    if name == "mlp":
        hidden = [L.Dense(32, activation="relu"), L.Dense(32, activation="relu")]
        return Sequential([Input((2,)), *hidden, L.Dense(2, activation="softmax")])
    if name == "cnn":
        return Sequential(
            [
                Input((8, 8, 1)),
                L.Conv2D(16, 3, activation="relu"),
                L.MaxPooling2D(),
                L.Flatten(),
                L.Dropout(0.25),
                L.Dense(10, activation="softmax"),
            ]
        )
    if name == "rnn":
        return Sequential([Input((32, 1)), L.LSTM(32), L.Dense(1)])
    if name == "text":
        vocabulary = len(datasets.sentiment_vocabulary())
        return Sequential(
            [
                Input((16,), dtype="int32"),
                L.Embedding(vocabulary, 16, mask_zero=True),
                L.LSTM(32),
                L.Dense(1, activation="sigmoid"),
            ]
        )
    if name == "seq2seq":
        return Sequential(
            [
                Input((7, 12)),
                L.LSTM(128),
                L.RepeatVector(4),
                L.LSTM(128, return_sequences=True),
                L.TimeDistributed(L.Dense(12, activation="softmax")),
            ]
        )
    raise AssertionError(name)


@pytest.mark.parametrize("name", template_names())
def test_template_shapes_and_params_equal_the_same_model_built_in_keras(name):
    report = check_spec(template(name))
    model = direct_template_model(name)
    assert report.ok, report.errors
    assert [r.output_shape for r in report.layers] == [tuple(layer.output.shape) for layer in model.layers]
    assert [r.params for r in report.layers] == [layer.count_params() for layer in model.layers]
    assert report.total_params == model.count_params()
    assert report.trainable_params == sum(int(np.prod(w.shape)) for w in model.trainable_weights)


def test_batch_normalization_counts_non_trainable_weights():
    report = check_spec({"input_shape": [10], "layers": [layer("BatchNormalization")]})
    assert (report.layers[0].params, report.layers[0].trainable_params) == (40, 20)
    assert (report.total_params, report.trainable_params) == (40, 20)


def test_templates_fit_their_data_sets():
    # Each template trains on its data set with the loader's defaults, as is.
    data = {
        "mlp": datasets.spirals(n_samples=64),
        "cnn": datasets.digits(n_samples=64),
        "rnn": datasets.sine_waves(n_samples=64),
        "text": datasets.sentiment(n_samples=64),
        "seq2seq": datasets.addition(n_samples=64),
    }
    for name, ((x, y), _) in data.items():
        model = build_model(template(name))
        assert model.input_shape[1:] == x.shape[1:], name
        assert model.output_shape[1:] == (y.shape[1:] if y.ndim > 1 and name != "mlp" else model.output_shape[1:])
        logs = model.train_on_batch(x[:16], y[:16], return_dict=True)
        assert np.isfinite(logs["loss"]), name


def test_dense_on_a_sequence_applies_to_the_last_axis():
    report = check_spec({"input_shape": [5, 3], "layers": [dense(units=4)]})
    assert report.ok and report.layers[0].output_shape == (None, 5, 4) and report.total_params == 16


# --- errors: each names position, class, argument, received and expected -------------


def only_error(spec):
    report = check_spec(spec)
    assert len(report.errors) == 1, [e.message for e in report.errors]
    return report, report.errors[0]


def assert_issue(issue, *, position, class_name, argument, received, expected):
    assert (issue.position, issue.class_name, issue.argument) == (position, class_name, argument)
    message = issue.message
    if position is not None:
        assert f"{class_name} at position {position}" in message or f"at position {position}" in message
    assert received in message and received in issue.received
    assert expected in message and expected in issue.expected
    json.dumps(issue.to_dict(), allow_nan=False)


def test_rank_error_after_flatten_says_remove_the_flatten():
    spec = {
        "input_shape": [8, 8, 1],
        "layers": [
            layer("Conv2D", filters=4, kernel_size=3),
            layer("Flatten"),
            layer("Conv2D", filters=4, kernel_size=3),
        ],
    }
    report, issue = only_error(spec)
    assert issue.message == (
        "Conv2D at position 3 needs input of rank 4 (batch, height, width, channels); received (None, 144) "
        "from Flatten at position 2. Remove the Flatten or add a Reshape."
    )
    assert_issue(
        issue,
        position=3,
        class_name="Conv2D",
        argument="inputs",
        received="(None, 144)",
        expected="rank 4 (batch, height, width, channels)",
    )
    assert issue.fix == "Remove the Flatten or add a Reshape."


def test_one_bad_layer_keeps_the_report_of_the_layers_before_it():
    spec = {
        "input_shape": [8, 8, 1],
        "layers": [
            layer("Conv2D", filters=4, kernel_size=3),
            layer("MaxPooling2D"),
            layer("Flatten"),
            layer("LSTM", units=4),
            dense(units=10),
            dense(units=-1),
        ],
    }
    report = check_spec(spec)
    assert [r.status for r in report.layers] == ["ok", "ok", "ok", "error", "not checked", "error"]
    assert [r.output_shape for r in report.layers[:3]] == [(None, 6, 6, 4), (None, 3, 3, 4), (None, 36)]
    assert [r.params for r in report.layers[:3]] == [40, 0, 0]
    assert report.layers[4].message == NOT_CHECKED_EARLIER == "not checked: an earlier layer is invalid"
    # The later layer's own argument error is still reported.
    assert [e.position for e in report.errors] == [4, 6]
    assert not report.ok and report.total_params == 40


def test_rnn_after_rnn_without_return_sequences_says_so():
    spec = {"input_shape": [20, 3], "layers": [layer("LSTM", units=8), layer("GRU", units=8)]}
    _, issue = only_error(spec)
    assert_issue(
        issue,
        position=2,
        class_name="GRU",
        argument="inputs",
        received="(None, 8)",
        expected="rank 3 (batch, timesteps, features)",
    )
    assert issue.fix == "Set return_sequences=True on the LSTM at position 1."


def test_rank_error_on_the_input_says_how_many_entries_input_shape_needs():
    _, issue = only_error({"input_shape": [64], "layers": [layer("Conv1D", filters=2, kernel_size=3)]})
    assert_issue(issue, position=1, class_name="Conv1D", argument="inputs", received="(None, 64)", expected="rank 3")
    assert "from the input" in issue.message
    assert issue.fix == "Give input_shape 2 entries (steps, channels), or add a Reshape first."


def test_rank_too_high_for_repeat_vector():
    spec = {"input_shape": [4, 5], "layers": [layer("RepeatVector", n=3)]}
    _, issue = only_error(spec)
    assert_issue(
        issue, position=1, class_name="RepeatVector", argument="inputs", received="(None, 4, 5)", expected="rank 2"
    )
    assert "Flatten" in issue.fix


def test_kernel_larger_than_input():
    _, issue = only_error({"input_shape": [3, 3, 1], "layers": [layer("Conv2D", filters=4, kernel_size=5)]})
    assert issue.message.startswith(
        "Conv2D at position 1: kernel_size=(5, 5) is larger than its input (3, 3). Expected kernel_size <= (3, 3)"
    )
    assert_issue(
        issue,
        position=1,
        class_name="Conv2D",
        argument="kernel_size",
        received="kernel_size=(5, 5)",
        expected="kernel_size <= (3, 3)",
    )
    assert 'padding="same"' in issue.fix
    # padding="same" is the fix, and it works.
    assert check_spec(
        {"input_shape": [3, 3, 1], "layers": [layer("Conv2D", filters=4, kernel_size=5, padding="same")]}
    ).ok


def test_pool_larger_than_input():
    _, issue = only_error({"input_shape": [2, 2, 1], "layers": [layer("MaxPooling2D", pool_size=3)]})
    assert_issue(
        issue,
        position=1,
        class_name="MaxPooling2D",
        argument="pool_size",
        received="pool_size=(3, 3)",
        expected="pool_size <= (2, 2)",
    )


def test_reshape_that_changes_the_size():
    _, issue = only_error({"input_shape": [64], "layers": [layer("Reshape", target_shape=[5, 5])]})
    assert_issue(
        issue,
        position=1,
        class_name="Reshape",
        argument="target_shape",
        received="target_shape=(5, 5)",
        expected="dimensions whose product is 64",
    )
    assert "(8, 8)" in issue.expected and "-1" in issue.fix
    fixed = check_spec({"input_shape": [64], "layers": [layer("Reshape", target_shape=[-1, 8])]})
    assert fixed.layers[0].output_shape == (None, 8, 8)


def test_embedding_needs_integer_input():
    spec = {"input_shape": [20], "layers": [layer("Embedding", input_dim=100, output_dim=8)]}
    _, issue = only_error(spec)
    assert_issue(
        issue, position=1, class_name="Embedding", argument="inputs", received="float32", expected="integer token ids"
    )
    assert issue.fix == 'Set "input_dtype": "int32" in the spec.'
    assert check_spec({**spec, "input_dtype": "int32"}).ok


def test_unknown_size_of_the_features_axis():
    _, issue = only_error({"input_shape": [None], "layers": [dense(units=3)]})
    assert_issue(
        issue, position=1, class_name="Dense", argument="inputs", received="(None, None)", expected="a known size"
    )


def test_keras_errors_are_reported_with_keras_words():
    spec = {"input_shape": [10, 10, 3], "layers": [layer("Conv2D", filters=4, kernel_size=3, groups=2)]}
    _, issue = only_error(spec)
    assert_issue(
        issue,
        position=1,
        class_name="Conv2D",
        argument="inputs",
        received="(None, 10, 10, 3)",
        expected="divisible by the number of groups",
    )
    assert "Keras says:" in issue.message


def test_too_many_parameters_is_refused_without_allocating_them():
    _, issue = only_error({"input_shape": [1_000_000], "layers": [dense(units=1_000_000)]})
    assert issue.position == 1 and "1,000,001,000,000 parameters" in issue.message
    assert "at most 100,000,000 parameters" in issue.expected


def test_unknown_class_lists_the_catalog():
    _, issue = only_error({"input_shape": [4], "layers": [layer("Dens", units=3)]})
    assert_issue(
        issue,
        position=1,
        class_name="Dens",
        argument="class_name",
        received="class_name='Dens'",
        expected="one of the catalog's layers: Dense, Activation",
    )
    assert issue.fix == "Did you mean Dense?"
    _, issue = only_error({"input_shape": [4], "layers": [{"class_name": "Lambda", "config": {"function": "x"}}]})
    assert "Unknown layer class 'Lambda'" in issue.message and "TimeDistributed" in issue.expected


def test_unknown_argument_names_the_closest_valid_ones():
    _, issue = only_error({"input_shape": [4], "layers": [dense(units=3, activaton="relu")]})
    assert_issue(
        issue,
        position=1,
        class_name="Dense",
        argument="activaton",
        received="activaton='relu'",
        expected="one of the arguments of Dense: units, activation",
    )
    assert issue.fix == "Did you mean activation?"


@pytest.mark.parametrize(
    ("config", "argument", "received", "expected"),
    [
        ({"units": -3}, "units", "units=-3", "a positive integer"),
        ({"units": 2.5}, "units", "units=2.5", "a positive integer"),
        ({"units": "ten"}, "units", "units='ten'", "a positive integer"),
        ({"units": True}, "units", "units=True", "a positive integer"),
        ({"units": 3, "activation": "relux"}, "activation", "activation='relux'", "one of: 'celu'"),
        ({"units": 3, "use_bias": "yes"}, "use_bias", "use_bias='yes'", "a boolean"),
        ({"units": 3, "kernel_initializer": "he"}, "kernel_initializer", "kernel_initializer='he'", "'he_normal'"),
    ],
)
def test_invalid_dense_arguments(config, argument, received, expected):
    _, issue = only_error({"input_shape": [4], "layers": [dense(units=1), {"class_name": "Dense", "config": config}]})
    assert_issue(issue, position=2, class_name="Dense", argument=argument, received=received, expected=expected)


def test_error_wording_follows_keras():
    _, issue = only_error({"input_shape": [4], "layers": [dense(units=1), dense(units=-3)]})
    assert issue.message == (
        "Invalid value for argument `units` of Dense at position 2. Received: units=-3. Expected a positive integer."
    )


def test_unknown_activation_suggests_the_closest_names():
    _, issue = only_error({"input_shape": [4], "layers": [dense(units=3, activation="relux")]})
    assert issue.fix.startswith("Did you mean") and "'relu'" in issue.fix


def test_invalid_values_of_other_layers():
    cases = [
        (layer("Conv2D", filters=2, kernel_size=0), "kernel_size", "kernel_size=0", "a positive integer"),
        (layer("Conv2D", filters=2, kernel_size=[3, 3, 3]), "kernel_size", "kernel_size=[3, 3, 3]", "a list of 2"),
        (layer("Dropout", rate=1.5), "rate", "rate=1.5", "a number in [0, 1)"),
        (layer("Dropout", rate=float("nan")), "rate", "rate=nan", "a number in [0, 1)"),
        (layer("Conv2D", filters=2, kernel_size=3, padding="full"), "padding", "padding='full'", "'valid', 'same'"),
        (layer("Reshape", target_shape=[-1, -1]), "target_shape", "target_shape=[-1, -1]", "one of which may be -1"),
        (layer("LSTM", units=4, return_state=True), "return_state", "return_state=True", "one of the arguments"),
    ]
    for entry, argument, received, expected in cases:
        _, issue = only_error({"input_shape": [8, 8, 1], "layers": [entry]})
        assert_issue(
            issue, position=1, class_name=entry["class_name"], argument=argument, received=received, expected=expected
        )


def test_missing_required_argument():
    _, issue = only_error({"input_shape": [4], "layers": [layer("Dense")]})
    assert_issue(issue, position=1, class_name="Dense", argument="units", received="no units", expected="positive")
    assert "Missing required argument `units` of Dense at position 1" in issue.message
    assert issue.fix == "Add units=32."


def test_wrapped_layers_are_checked_too():
    spec = {"input_shape": [10, 3], "layers": [layer("Bidirectional", layer={"class_name": "Dense", "config": {}})]}
    _, issue = only_error(spec)
    assert issue.position == 1 and issue.argument == "layer" and "SimpleRNN, LSTM, GRU" in issue.expected
    lstm = {"class_name": "LSTM", "config": {"units": 0}}
    spec = {"input_shape": [10, 3], "layers": [layer("Bidirectional", layer=lstm)]}
    _, issue = only_error(spec)
    assert issue.message.startswith(
        "Invalid value for argument `units` of LSTM (the layer of Bidirectional at position 1). Received: units=0."
    )


def test_empty_stack_and_wrong_input_shapes():
    report = check_spec({"input_shape": [4], "layers": []})
    assert [e.argument for e in report.errors] == ["layers"] and "no layers" in report.errors[0].message
    for bad, received in [([], "input_shape=[]"), ([-1, 3], "input_shape=[-1, 3]"), ([2.5], "input_shape=[2.5]"),
                          (["a"], "input_shape=['a']"), (4, "input_shape=4"), (None, "input_shape=None")]:  # fmt: skip
        report = check_spec({"input_shape": bad, "layers": [dense(units=1)]})
        assert len(report.errors) == 1
        issue = report.errors[0]
        assert_issue(
            issue,
            position=None,
            class_name=None,
            argument="input_shape",
            received=received,
            expected="positive integers",
        )
        assert report.layers[0].status == "not checked"


def test_duplicate_names_are_refused():
    report = check_spec({"input_shape": [4], "layers": [dense(units=2, name="out"), dense(units=2, name="out")]})
    assert len(report.errors) == 1 and report.errors[0].position == 2 and report.errors[0].argument == "name"
    assert "already called 'out'" in report.errors[0].message


def test_garbage_is_a_report_not_an_exception():
    for garbage in (None, 3, "spec", [], {"layers": "x"}, {"input_shape": [4], "layers": [7]}):
        report = check_spec(garbage)
        assert not report.ok and report.errors
        json.dumps(report.to_dict(), allow_nan=False)


# --- report forms ----------------------------------------------------------------------


def test_report_to_dict_is_json_and_summary_reads_like_keras():
    report = check_spec(template("cnn"))
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert data["ok"] and data["total_params"] == 1610
    assert data["layers"][0] == {
        "position": 1,
        "class_name": "Conv2D",
        "name": None,
        "output_shape": [None, 6, 6, 16],
        "params": 160,
        "trainable_params": 160,
        "status": "ok",
        "ok": True,
        "message": "",
    }
    text = report.summary_text()
    assert "conv2d (Conv2D)" in text and "(None, 6, 6, 16)" in text and "Total params: 1,610" in text
    broken = check_spec({"input_shape": [4], "layers": [dense(units=2), dense(units=-1), dense(units=3)]})
    text = broken.summary_text()
    assert "error" in text and "not checked" in text and "Errors:" in text and "units=-1" in text


def test_warnings_come_with_the_report():
    spec = template("cnn")
    spec["compile"]["loss"] = "binary_crossentropy"
    report = check_spec(spec)
    assert report.ok and len(report.warnings) == 1 and "softmax" in report.warnings[0]


# --- cost -----------------------------------------------------------------------------


def thirty_layer_stack():
    layers = [layer("Reshape", target_shape=[8, 8, 1])]
    conv = layer("Conv2D", filters=8, kernel_size=3, padding="same", activation="relu")
    layers += [conv, layer("BatchNormalization")] * 3
    layers += [layer("MaxPooling2D"), layer("Flatten")]
    layers += [dense(units=32, activation="relu"), layer("Dropout", rate=0.1)] * 9
    layers += [layer("Reshape", target_shape=[-1, 8]), layer("LSTM", units=16), dense(units=10, activation="softmax")]
    assert len(layers) == 30
    return {"input_shape": [64], "layers": copy.deepcopy(layers)}


def edits(spec, count, seed=0):
    """Specs as a person editing ``spec`` makes them: one argument changes each time.

    Edits accumulate, so almost every spec is new (the cache cannot serve it whole),
    while sizes stay small.
    """
    rng = random.Random(seed)
    spec = copy.deepcopy(spec)
    for i in range(count):
        position = rng.randrange(1, 28)  # any layer but the last two
        entry = spec["layers"][position]
        config = entry["config"]
        if entry["class_name"] == "Dense":
            config["units"] = 8 * rng.randrange(1, 64)  # keeps the final Reshape((-1, 8)) valid
        elif entry["class_name"] == "Conv2D":
            config["filters"] = rng.randrange(2, 64)
        elif entry["class_name"] == "Dropout":
            config["rate"] = rng.randrange(1000) / 1000
        elif entry["class_name"] == "BatchNormalization":
            config["momentum"] = rng.randrange(1000) / 1000
        else:
            config["name"] = f"edited_{i}"
        yield copy.deepcopy(spec)


def test_one_argument_edit_of_a_thirty_layer_stack_is_fast():
    spec = thirty_layer_stack()
    assert check_spec(spec).ok
    clear_cache()
    check_spec(spec)  # the stack as it is before the edits
    times = []
    for changed in edits(spec, 40):
        start = time.perf_counter()
        report = check_spec(changed)
        times.append(time.perf_counter() - start)
        assert report.ok, report.errors
    assert statistics.median(times) <= 0.050


def test_an_edit_rechecks_only_from_the_edited_layer_on():
    spec = thirty_layer_stack()
    clear_cache()
    check_spec(spec)
    before = _check_layer.cache_info()
    changed = copy.deepcopy(spec)
    assert changed["layers"][28]["class_name"] == "LSTM"
    changed["layers"][28]["config"]["units"] = 24  # the second to last layer
    check_spec(changed)
    after = _check_layer.cache_info()
    assert after.misses - before.misses == 2  # the LSTM and the Dense after it
    assert after.hits - before.hits == 28


def _rss_mb():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="reads RSS from /proc")
def test_memory_stays_flat_over_a_thousand_edits():
    spec = thirty_layer_stack()
    for changed in edits(spec, 100, seed=1):  # warm up TensorFlow's own caches
        check_spec(changed)
    pending_before = len(_pending_variables() or [])
    start = _rss_mb()
    misses = _check_layer.cache_info().misses
    for changed in edits(spec, 1000, seed=2):
        assert check_spec(changed).ok
    assert _check_layer.cache_info().misses - misses > 1000  # layers were really re-checked
    growth = _rss_mb() - start
    assert growth < 100, f"RSS grew by {growth:.1f} MB over 1,000 edits"
    # The checked layers' deferred weights never pile up in Keras's global list.
    assert len(_pending_variables() or []) == pending_before


def test_summary_numbers_repeated_layer_names_as_keras_does():
    spec = {
        "input": {"shape": [2]},
        "layers": [
            {"class_name": "Dense", "config": {"units": 3}},
            {"class_name": "Dense", "config": {"units": 3, "name": "hidden"}},
            {"class_name": "Dense", "config": {"units": 3}},
            {"class_name": "Dense", "config": {"units": 1}},
        ],
    }
    lines = check_spec(spec).summary_text().splitlines()
    names = [line.split()[1] for line in lines if line[:1].isdigit()]
    assert names == ["dense", "hidden", "dense_1", "dense_2"]
