"""spec_to_code: readable Keras 3 code that rebuilds the model, and nothing else."""

from __future__ import annotations

import os

import pytest

from nbkeras.builder import (
    SpecError,
    build_model,
    normalize_spec,
    spec_from_model,
    spec_to_code,
    template,
    template_names,
)


def run(code):
    namespace: dict = {}
    exec(compile(code, "<spec_to_code>", "exec"), namespace)
    return namespace["model"]


def test_code_reads_as_a_person_would_write_it():
    assert spec_to_code(template("cnn")) == (
        "import keras\n"
        "\n"
        "model = keras.Sequential([\n"
        "    keras.Input(shape=(8, 8, 1)),\n"
        '    keras.layers.Conv2D(16, 3, activation="relu"),\n'
        "    keras.layers.MaxPooling2D(),\n"
        "    keras.layers.Flatten(),\n"
        "    keras.layers.Dropout(0.25),\n"
        '    keras.layers.Dense(10, activation="softmax"),\n'
        "])\n"
        "model.compile(\n"
        "    optimizer=keras.optimizers.Adam(learning_rate=0.001),\n"
        '    loss="sparse_categorical_crossentropy",\n'
        '    metrics=["accuracy"],\n'
        ")\n"
    )


def test_wrappers_dtypes_and_keywords():
    code = spec_to_code(template("text"))
    assert 'keras.Input(shape=(16,), dtype="int32"),' in code
    assert "keras.layers.Embedding(78, 16, mask_zero=True)," in code
    code = spec_to_code(template("seq2seq"))
    assert 'keras.layers.TimeDistributed(keras.layers.Dense(12, activation="softmax")),' in code
    spec = {
        "input_shape": [10, 3],
        "layers": [
            {
                "class_name": "Bidirectional",
                "config": {"layer": {"class_name": "LSTM", "config": {"units": 4}}, "merge_mode": "sum"},
            },
            {"class_name": "Reshape", "config": {"target_shape": [-1, 1]}},
            {"class_name": "MaxPooling1D", "config": {"pool_size": 3, "strides": 1}},
        ],
    }
    code = spec_to_code(spec)
    assert 'keras.layers.Bidirectional(keras.layers.LSTM(4), merge_mode="sum"),' in code
    assert "keras.layers.Reshape((-1, 1))," in code and "keras.layers.MaxPooling1D(3, strides=1)," in code
    assert "model.compile" not in code


def test_from_logits_becomes_the_loss_class():
    spec = template("mlp")
    spec["layers"][-1]["config"].pop("activation")
    spec["compile"]["from_logits"] = True
    assert "loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)," in spec_to_code(spec)


@pytest.mark.parametrize("name", template_names())
def test_executed_code_builds_the_same_model(name):
    spec = template(name)
    model = run(spec_to_code(spec))
    assert spec_from_model(model) == normalize_spec(spec)
    assert model.count_params() == build_model(spec).count_params()


def test_floats_round_trip_exactly():
    spec = {"input_shape": [4], "layers": [{"class_name": "Dropout", "config": {"rate": 0.1 + 0.2}}]}
    assert "Dropout(0.30000000000000004)" in spec_to_code(spec)
    assert spec_from_model(run(spec_to_code(spec))) == normalize_spec(spec)


def test_nan_cannot_reach_the_code():
    with pytest.raises(SpecError, match="rate"):
        spec_to_code({"input_shape": [4], "layers": [{"class_name": "Dropout", "config": {"rate": float("nan")}}]})


NASTY_NAMES = [
    'x"); import os; os.system("echo pwned") #',
    "x'); import os; os.system('echo pwned') #",
    'x\\"); os.system("echo pwned") #',
    "x\n__import__('os').system('echo pwned')",
    '"""; import os; os.system("echo pwned"); """',
    "\u2028x\u00e9\U0001f600",
]


@pytest.mark.parametrize("name", NASTY_NAMES)
def test_a_layer_name_cannot_run_code(name, monkeypatch):
    # Such names are refused by the spec (TensorFlow could not train them either, issue
    # #11), so they never reach the code; the writer quotes names as literals besides.
    def refuse(*args, **kwargs):
        raise AssertionError(f"code from the spec ran: os.system{args}")

    monkeypatch.setattr(os, "system", refuse)
    spec = {
        "input_shape": [4],
        "layers": [{"class_name": "Dense", "config": {"units": 2, "name": name}}],
        "compile": {"optimizer": "adam", "loss": "mse", "metrics": ["mae"]},
    }
    with pytest.raises(SpecError) as caught:
        spec_to_code(spec)
    assert [issue.argument for issue in caught.value.issues] == ["name"]


@pytest.mark.parametrize("name", [".a-b_c>d.", "0", "x>y>z"])
def test_every_character_a_name_may_hold_arrives_as_data(name):
    spec = {
        "input_shape": [4],
        "layers": [{"class_name": "Dense", "config": {"units": 2, "name": name}}],
        "compile": {"optimizer": "adam", "loss": "mse", "metrics": ["mae"]},
    }
    model = run(spec_to_code(spec))
    assert model.layers[0].name == name  # the name arrived as data, unchanged
    assert spec_from_model(model) == normalize_spec(spec)


def test_a_name_tensorflow_cannot_encode_is_refused():
    # "\ud800" is valid JSON; TensorFlow fails on it when it names the weights.
    with pytest.raises(SpecError, match="name"):
        spec_to_code(
            {"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": 2, "name": "x\ud800"}}]}
        )


def test_nothing_but_catalog_names_reaches_the_code():
    for bad in ({"class_name": "Lambda", "config": {}}, {"class_name": "Dense); import os; (", "config": {}}):
        with pytest.raises(SpecError):
            spec_to_code({"input_shape": [4], "layers": [bad]})
    with pytest.raises(SpecError):
        spec_to_code({"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": 2, "os.system": 1}}]})
