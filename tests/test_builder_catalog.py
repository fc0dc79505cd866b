"""The layer catalog: what a spec may name, read from Keras and checked against it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nbkeras._keras import keras
from nbkeras.builder import layer_catalog
from nbkeras.builder.build import make_layer
from nbkeras.builder.catalog import activation_choices, initializer_choices, layer_spec

REQUIRED_CLASSES = {
    "Dense", "Dropout", "Activation", "LeakyReLU", "Flatten", "Reshape", "Conv1D", "Conv2D",
    "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D",
    "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "BatchNormalization",
    "LayerNormalization", "SimpleRNN", "LSTM", "GRU", "Bidirectional", "Embedding", "RepeatVector",
    "TimeDistributed",
}  # fmt: skip


def test_importing_the_builder_loads_no_tensorflow():
    code = (
        "import sys, json, nbkeras.builder;"
        "print(json.dumps([m in sys.modules for m in ('tensorflow', 'keras', 'ipywidgets', 'plotly')]))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [False, False, False, False]


def test_catalog_holds_every_required_class_and_nothing_unsafe():
    names = {spec.class_name for spec in layer_catalog()}
    assert REQUIRED_CLASSES <= names
    assert not names & {"Lambda", "InputLayer", "Sequential", "Functional", "TFSMLayer"}


def test_main_arguments_exist_in_keras_and_come_first():
    expected_main = {
        "Dense": ["units", "activation"],
        "Conv2D": ["filters", "kernel_size", "strides", "padding", "activation"],
        "Dropout": ["rate"],
        "LSTM": ["units", "return_sequences"],
        "Embedding": ["input_dim", "output_dim", "mask_zero"],
    }
    for class_name, main in expected_main.items():
        spec = layer_spec(class_name)
        assert [a.name for a in spec.args if a.main] == main
        assert [a.name for a in spec.args[: len(main)]] == main


@pytest.mark.parametrize("class_name", sorted(REQUIRED_CLASSES))
def test_defaults_are_what_keras_uses(class_name):
    # Building a layer with every default written out must give the same config as
    # building it with nothing but the required arguments: the defaults are Keras's.
    spec = layer_spec(class_name)
    required = {a.name: spec.starter[a.name] for a in spec.args if a.required}
    with_defaults = {**required, **{a.name: a.default for a in spec.args if not a.required and not a.optional}}
    plain, explicit = make_layer(class_name, required).get_config(), make_layer(class_name, with_defaults).get_config()
    for config in (plain, explicit):
        config.pop("name")
        if "layer" in config:
            config["layer"]["config"].pop("name")
        config.pop("backward_layer", None)
    assert explicit == plain


@pytest.mark.parametrize("class_name", sorted(REQUIRED_CLASSES))
def test_every_choice_is_accepted_by_keras(class_name):
    spec = layer_spec(class_name)
    required = {a.name: spec.starter[a.name] for a in spec.args if a.required}
    for arg in spec.args:
        if arg.kind in ("choice", "initializer") or (arg.kind == "activation" and arg.name == "activation"):
            for choice in arg.choices:
                layer = make_layer(class_name, {**required, arg.name: choice})
                assert layer.get_config()[arg.name] is not None


def test_rank_words_agree_with_keras_input_spec():
    # Where Keras declares an InputSpec, the catalog's rank must not contradict it.
    for spec in layer_catalog():
        required = {a.name: spec.starter[a.name] for a in spec.args if a.required}
        input_spec = make_layer(spec.class_name, required).input_spec
        if isinstance(input_spec, list):
            input_spec = input_spec[0]
        if input_spec is None:
            continue
        low, high = spec.input_rank
        if input_spec.ndim is not None:
            assert (low, high) == (input_spec.ndim, input_spec.ndim), spec.class_name
        elif input_spec.min_ndim is not None:
            # A spec's input always has rank >= 2 (batch + at least one axis).
            assert (low or 2) >= input_spec.min_ndim, spec.class_name


def test_argument_kinds_and_docs_come_from_keras():
    conv = layer_spec("Conv2D")
    assert conv.arg("kernel_size").kind == "int_tuple" and conv.arg("kernel_size").length == 2
    assert conv.arg("kernel_size").required and conv.arg("strides").default == 1
    assert conv.arg("padding").choices == ("valid", "same")
    assert layer_spec("Conv1D").arg("padding").choices == ("valid", "same", "causal")
    assert conv.arg("kernel_initializer").default == "glorot_uniform"
    assert layer_spec("Embedding").arg("embeddings_initializer").default == "random_uniform"
    assert layer_spec("Dense").arg("activation").default == "linear"
    assert layer_spec("MaxPooling2D").arg("strides").optional
    assert layer_spec("Dropout").arg("rate").expected() == "a number in [0, 1)"
    assert "dimensionality of the output space" in layer_spec("Dense").arg("units").doc
    assert layer_spec("Bidirectional").arg("layer").choices == ("SimpleRNN", "LSTM", "GRU")
    assert layer_spec("TimeDistributed").arg("layer").choices == ("Dense",)
    # Not expressible in a spec: objects, and RNN modes that break a Sequential.
    assert layer_spec("Dense").arg("kernel_regularizer") is None
    assert layer_spec("LSTM").arg("return_state") is None and layer_spec("LSTM").arg("stateful") is None
    assert {s.category for s in layer_catalog()} >= {"core", "conv", "pooling", "recurrent", "normalization"}


def test_activation_choices_include_whole_axis_activations_but_not_threshold():
    names = set(activation_choices())
    assert {"relu", "tanh", "sigmoid", "linear", "softmax", "log_softmax"} <= names
    assert "threshold" not in names  # needs arguments a name cannot give
    assert not names & {"get", "serialize", "deserialize"}


def test_activation_choices_fall_back_to_keras_without_the_activations_catalog(monkeypatch):
    with_catalog = activation_choices()
    activation_choices.cache_clear()
    # None in sys.modules makes "from nbkeras.activations.catalog import ..." raise ImportError.
    monkeypatch.setitem(sys.modules, "nbkeras.activations.catalog", None)
    try:
        assert activation_choices() == with_catalog
    finally:
        activation_choices.cache_clear()
        monkeypatch.undo()
        assert activation_choices() == with_catalog


def test_initializer_choices_resolve_in_keras():
    for name in initializer_choices():
        assert keras().initializers.get(name) is not None
    assert {"glorot_uniform", "he_normal", "zeros", "orthogonal"} <= set(initializer_choices())


def test_catalog_is_json_able():
    data = [spec.to_dict() for spec in layer_catalog()]
    text = json.dumps(data, allow_nan=False)
    dense = next(d for d in json.loads(text) if d["class_name"] == "Dense")
    assert dense["args"][0] == {
        **dense["args"][0],
        "name": "units",
        "kind": "int",
        "required": True,
        "main": True,
        "expected": "a positive integer",
    }
    assert dense["starter"] == {"units": 32, "activation": "relu"}
