"""Issue #11, the builder's core: each test names the item it covers.

1. layer names TensorFlow cannot train; 6. activations without a bound; 7. load_spec
on a FIFO; 8. names of Keras's automatic form read back from a model; 9. NumPy scalars.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

from nbkeras.builder import SpecError, build_model, check_spec, dump_spec, load_spec, normalize_spec, spec_from_model
from nbkeras.builder.check import MAX_ACTIVATION_BYTES
from nbkeras.builder.compile_advice import validate_compile
from nbkeras.builder.spec import check_layer, valid_layer_name


def layer(class_name, **config):
    return {"class_name": class_name, "config": config}


def named_dense_spec(name):
    return {"input_shape": [2], "layers": [layer("Dense", units=3), layer("Dense", units=1, name=name)]}


# --- 1. layer names TensorFlow cannot train ------------------------------------------

# Names Keras takes but TensorFlow then refuses in fit()/predict() (seen in issue #11,
# and by trying them: a backslash or a trailing '>' makes an invalid graph node name).
REFUSED_NAMES = [
    "hidden 1",
    "a:b",
    "layer(1)",
    "ümlaut",
    "<img src=x onerror=alert(1)>",
    "-lead.dot>",
    "a\\b",
    "x>",
    "a>-b",
    "a>>b",
    "_lead",
    ">x",
    "tab\there",
    "new\nline",
    "trailing\n",
    "",
    "a/b",
    "\ud800",
    "a" * 129,
]
# The edges of the rule, each trained for real in a subprocess below.
ACCEPTED_NAMES = ["hidden_1", "a.b-c", ".lead", "0abc", "a>b", "a>.b", "x.", "dense_7", "Z" * 128]


@pytest.mark.parametrize("name", REFUSED_NAMES)
def test_1_names_tensorflow_cannot_use_are_refused_at_the_layer_with_the_rule(name):
    report = check_spec(named_dense_spec(name))
    assert not report.ok
    (issue,) = report.errors
    assert (issue.position, issue.class_name, issue.argument) == (2, "Dense", "name")
    assert issue.message.startswith("Invalid value for argument `name` of Dense at position 2. Received: name=")
    assert "letters, digits, '.', '_' and '-', starting with a letter, digit or '.'" in issue.expected
    assert report.layers[1].status == "error" and report.layers[0].ok
    with pytest.raises(SpecError):
        build_model(named_dense_spec(name))


def test_1_a_refused_name_comes_with_a_valid_suggestion():
    (issue,) = check_spec(named_dense_spec("hidden 1")).errors
    assert issue.message == (
        "Invalid value for argument `name` of Dense at position 2. Received: name='hidden 1'. Expected "
        + issue.expected
        + ". For example name='hidden_1'."
    )
    for name, suggestion in [("ümlaut", "umlaut"), ("layer(1)", "layer_1"), ("-lead.dot>", "lead.dot")]:
        (issue,) = check_spec(named_dense_spec(name)).errors
        assert issue.fix == f"For example name={suggestion!r}.", name
        assert valid_layer_name(suggestion)


@pytest.mark.parametrize("name", ACCEPTED_NAMES)
def test_1_names_tensorflow_can_use_are_kept(name):
    assert check_spec(named_dense_spec(name)).ok
    assert normalize_spec(named_dense_spec(name))["layers"][1]["config"]["name"] == name


def test_1_the_rule_is_within_tensorflows_own_name_rules():
    from tensorflow.python.framework import ops

    samples = [chr(c) for c in range(32, 127)] + ["é", "\t", "a b"]
    for first in samples:
        for second in ["", "a", "-", "_", ">", ">a", "\\"]:
            name = first + second
            if valid_layer_name(name):
                assert ops._VALID_OP_NAME_REGEX.match(name), name  # a root scope name
                assert ops._VALID_SCOPE_NAME_REGEX.match(name), name  # a nested one
                assert "/" not in name and "\\" not in name, name  # Keras; graph node names


def test_1_a_refused_name_never_reaches_keras_and_training_still_works_afterwards():
    # A real subprocess: a name TensorFlow refuses during fit() leaves that process unable
    # to train at all, so this must run where nothing else depends on the session.
    script = textwrap.dedent(
        f"""
        import numpy as np
        from nbkeras._keras import keras
        from nbkeras.builder import SpecError, build_model, check_spec, layer_catalog

        k = keras()
        layer_catalog()  # read from Keras's real classes, before the spy replaces Dense
        real_dense = k.layers.Dense
        made = []

        def spy(*args, **kwargs):
            made.append(kwargs.get("name"))
            return real_dense(*args, **kwargs)

        k.layers.Dense = spy
        x, y = np.zeros((8, 2), "float32"), np.zeros((8, 1), "float32")
        for name in {REFUSED_NAMES!r}:
            spec = {{"input_shape": [2], "layers": [{{"class_name": "Dense", "config": {{"units": 1, "name": name}}}}],
                     "compile": {{"optimizer": "sgd", "loss": "mse"}}}}
            assert not check_spec(spec).ok, name
            try:
                build_model(spec)
            except SpecError:
                pass
            else:
                raise AssertionError(name)
        assert made == [], made  # no Dense was ever made with (or without) a refused name
        k.layers.Dense = real_dense
        for name in {ACCEPTED_NAMES!r}:
            spec = {{"input_shape": [2], "layers": [{{"class_name": "Dense", "config": {{"units": 1, "name": name}}}}],
                     "compile": {{"optimizer": "sgd", "loss": "mse"}}}}
            model = build_model(spec)
            model.fit(x, y, epochs=1, verbose=0)
            model.predict(x[:1], verbose=0)
        plain = k.Sequential([k.Input((2,)), k.layers.Dense(1)])
        plain.compile(optimizer="sgd", loss="mse")
        plain.fit(x, y, epochs=1, verbose=0)
        print("trained")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("trained")


# --- 6. activations without a bound --------------------------------------------------


def test_6_activation_memory_per_sample_is_reported():
    spec = {
        "input_shape": [8, 8, 1],
        "layers": [
            layer("Conv2D", filters=4, kernel_size=3),  # (6, 6, 4) = 144 values
            layer("Flatten"),  # 144
            layer("Dense", units=10),  # 10
        ],
    }
    report = check_spec(spec)
    assert report.ok
    assert report.activation_bytes == (144 + 144 + 10) * 4
    assert report.to_dict()["activation_bytes"] == 1192
    assert report.activation_bytes_per_batch(10) == 11920
    assert "Activations: 1.16 KB per sample, 37.25 KB per batch of 32 (float32)" in report.summary_text()


def test_6_a_weightless_spec_with_huge_activations_is_refused_where_the_cap_is_crossed():
    spec = {"input_shape": [1], "layers": [layer("RepeatVector", n=268435456), layer("Flatten")]}
    report = check_spec(spec)
    assert report.total_params == 0 and not report.ok
    (issue,) = report.errors
    assert (issue.position, issue.class_name) == (2, "Flatten")  # 1 GiB, then 2 GiB with the Flatten
    assert "Flatten at position 2 outputs 1.00 GB per sample" in issue.message
    assert "brings the model's activations to 2.00 GB per sample" in issue.message
    assert "at most 1.00 GB of activations per sample" in issue.expected
    assert report.layers[0].ok and report.layers[1].status == "error"
    with pytest.raises(SpecError, match="activations"):
        build_model(spec)
    wide = {"input_shape": [4], "layers": [layer("RepeatVector", n=268435456), layer("Flatten")]}
    (issue,) = check_spec(wide).errors
    assert issue.position == 1 and "RepeatVector at position 1 outputs 4.00 GB" in issue.message


def test_6_a_spec_exactly_at_the_cap_passes():
    n = MAX_ACTIVATION_BYTES // 4
    assert check_spec({"input_shape": [1], "layers": [layer("RepeatVector", n=n)]}).ok
    assert not check_spec({"input_shape": [1], "layers": [layer("RepeatVector", n=n + 1)]}).ok


# --- 7. load_spec on something that is not a regular file ---------------------------


def _load_in_thread(path):
    outcome = {}

    def run():
        try:
            outcome["value"] = load_spec(path)
        except Exception as error:  # noqa: BLE001 - the test inspects it
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=10)
    return thread, outcome


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_7_load_spec_refuses_a_fifo_without_waiting_on_it(tmp_path):
    fifo = tmp_path / "spec.json"
    os.mkfifo(fifo)
    thread, outcome = _load_in_thread(fifo)
    if thread.is_alive():  # the old code waits for a writer forever: give it one, then fail
        with open(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK), "wb"):
            pass
        thread.join(timeout=10)
        pytest.fail("load_spec blocked on a FIFO")
    error = outcome.get("error")
    assert isinstance(error, SpecError), outcome
    assert "it is a FIFO (named pipe). Expected a regular JSON file." in str(error)
    assert error.issues[0].received == "a FIFO (named pipe)"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_7_load_spec_refuses_devices_and_directories(tmp_path):
    assert stat.S_ISCHR(os.stat("/dev/zero").st_mode)
    with pytest.raises(SpecError, match="it is a character device"):
        load_spec("/dev/zero")
    with pytest.raises(SpecError, match="it is a directory"):
        load_spec(tmp_path)
    regular = tmp_path / "spec.json"
    regular.write_text(json.dumps(named_dense_spec("out")))
    assert load_spec(regular) == normalize_spec(named_dense_spec("out"))


# --- 8. names of Keras's automatic form --------------------------------------------

_NAMES = ["dense", "dense_7", "dense_1", "my_dense", "dense_07", "dense_x", "conv2d", "lstm_3", "Dense_2"]


@pytest.mark.parametrize("name", _NAMES)
def test_8_every_name_a_spec_gives_comes_back_from_the_model(name):
    spec = {
        "input_shape": [6, 1],
        "layers": [
            layer("Conv1D", filters=2, kernel_size=3),  # Keras names it
            layer("Flatten", name=f"{name}_f"),
            layer("Dense", units=4),  # Keras names it, maybe "dense_7" itself
            layer("Dense", units=1, name=name),
        ],
    }
    model = build_model(spec)
    assert spec_from_model(model) == normalize_spec(spec)


def test_8_round_trip_over_random_name_choices():
    rng = np.random.default_rng(11)
    for _ in range(6):
        names = rng.choice(_NAMES, size=3, replace=False)
        given = rng.random(3) < 0.6
        layers = [layer("Dense", units=2, **({"name": str(n)} if g else {})) for n, g in zip(names, given)]
        spec = {"input_shape": [3], "layers": layers}
        assert spec_from_model(build_model(spec)) == normalize_spec(spec), (names, given)


def test_8_a_model_made_elsewhere_still_drops_keras_automatic_names():
    from nbkeras._keras import keras

    k = keras()
    model = k.Sequential([k.Input((3,)), k.layers.Dense(2), k.layers.Dense(1, name="out")])
    assert spec_from_model(model)["layers"] == [
        {"class_name": "Dense", "config": {"units": 2}},
        {"class_name": "Dense", "config": {"units": 1, "name": "out"}},
    ]


# --- 9. NumPy scalars --------------------------------------------------------------


def _python_only(value):
    if isinstance(value, dict):
        return all(type(k) is str and _python_only(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_python_only(v) for v in value)
    return type(value) in (str, int, float, bool, type(None))


def test_9_numpy_scalars_mean_what_the_python_scalars_mean():
    numpy_spec = {
        "input_shape": [np.int64(8), np.int32(8), np.uint8(1)],
        "layers": [
            {
                "class_name": np.str_("Conv2D"),
                "config": {
                    "filters": np.int16(4),
                    "kernel_size": [np.int64(3), np.int64(3)],
                    "use_bias": np.bool_(False),
                    "activation": np.str_("relu"),
                    "name": np.str_("conv"),
                },
            },
            {"class_name": "Flatten", "config": {}},
            {"class_name": "Dropout", "config": {"rate": np.float32(0.1)}},
            {"class_name": "Dense", "config": {"units": np.int64(10), "use_bias": np.bool_(True)}},
        ],
        "compile": {
            "optimizer": "adam",
            "learning_rate": np.float32(0.001),
            "loss": "sparse_categorical_crossentropy",
            "from_logits": np.bool_(True),
        },
    }
    python_spec = {
        "input_shape": [8, 8, 1],
        "layers": [
            layer("Conv2D", filters=4, kernel_size=3, use_bias=False, activation="relu", name="conv"),
            layer("Flatten"),
            layer("Dropout", rate=0.1),
            layer("Dense", units=10),
        ],
        "compile": {
            "optimizer": "adam",
            "learning_rate": 0.001,
            "loss": "sparse_categorical_crossentropy",
            "from_logits": True,
        },
    }
    canonical = normalize_spec(numpy_spec)
    assert canonical == normalize_spec(python_spec)
    assert _python_only(canonical), canonical
    assert json.loads(dump_spec(numpy_spec)) == canonical
    assert check_spec(numpy_spec).ok


def test_9_numpy_scalars_in_each_entry_point():
    checked = check_layer({"class_name": "Dense", "config": {"units": np.int64(3), "use_bias": np.bool_(False)}}, 1)
    assert checked.issues == [] and checked.config == {"units": 3, "use_bias": False}
    assert type(checked.config["units"]) is int and type(checked.config["use_bias"]) is bool
    compile_, issues = validate_compile({"optimizer": "sgd", "loss": "mse", "learning_rate": np.float64(0.5)})
    assert issues == [] and type(compile_["learning_rate"]) is float


def test_9_numpy_values_still_meet_the_same_rules():
    for config, argument in [
        ({"units": np.float64(3.0)}, "units"),  # a float where an int is expected, as with 3.0
        ({"units": np.int64(0)}, "units"),
        ({"units": 3, "use_bias": np.int64(1)}, "use_bias"),  # 1 is not a boolean
        ({"units": 3, "name": np.str_("a b")}, "name"),
    ]:
        (issue,) = check_spec({"input_shape": [2], "layers": [layer("Dense", **config)]}).errors
        assert issue.argument == argument, config
    (issue,) = check_spec({"input_shape": [2], "layers": [layer("Dropout", rate=np.float32("nan"))]}).errors
    assert issue.argument == "rate"
