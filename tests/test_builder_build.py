"""build_model and spec_from_model: specs become Keras models and come back unchanged."""

from __future__ import annotations

import pytest

from nbkeras._keras import keras
from nbkeras.builder import (
    SpecError,
    build_model,
    check_spec,
    normalize_spec,
    spec_from_model,
    template,
    template_names,
)


def layer(class_name, **config):
    return {"class_name": class_name, "config": config}


def layer_summary(model):
    """(class, output shape, params) per layer: what two equal models share."""
    return [(type(x).__name__, tuple(x.output.shape), x.count_params()) for x in model.layers]


def same_architecture(a, b):
    assert layer_summary(a) == layer_summary(b)
    assert a.count_params() == b.count_params()


# --- proof against the outside world: keras.io examples, rebuilt through specs ----------


def test_simple_mnist_convnet_from_keras_io():
    # https://keras.io/examples/vision/mnist_convnet/
    L = keras().layers
    direct = keras().Sequential(
        [
            keras().Input(shape=(28, 28, 1)),
            L.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            L.MaxPooling2D(pool_size=(2, 2)),
            L.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            L.MaxPooling2D(pool_size=(2, 2)),
            L.Flatten(),
            L.Dropout(0.5),
            L.Dense(10, activation="softmax"),
        ]
    )
    spec = {
        "input_shape": [28, 28, 1],
        "layers": [
            layer("Conv2D", filters=32, kernel_size=[3, 3], activation="relu"),
            layer("MaxPooling2D", pool_size=[2, 2]),
            layer("Conv2D", filters=64, kernel_size=[3, 3], activation="relu"),
            layer("MaxPooling2D", pool_size=[2, 2]),
            layer("Flatten"),
            layer("Dropout", rate=0.5),
            layer("Dense", units=10, activation="softmax"),
        ],
        "compile": {"optimizer": "adam", "loss": "categorical_crossentropy", "metrics": ["accuracy"]},
    }
    report = check_spec(spec)
    assert report.total_params == 34_826 == direct.count_params()
    assert [r.output_shape for r in report.layers] == [tuple(x.output.shape) for x in direct.layers]
    model = build_model(spec)
    same_architecture(model, direct)


def test_number_addition_seq2seq_from_keras_io():
    # https://keras.io/examples/nlp/addition_rnn/ : the decoder's Dense is applied to
    # every time step (Keras 3 Dense on a 3-D input); the spec says so with TimeDistributed.
    L = keras().layers
    direct = keras().Sequential(
        [
            keras().Input((7, 12)),
            L.LSTM(128),
            L.RepeatVector(4),
            L.LSTM(128, return_sequences=True),
            L.Dense(12, activation="softmax"),
        ]
    )
    model = build_model(template("seq2seq"))
    assert model.count_params() == direct.count_params() == 205_324
    assert model.output_shape == direct.output_shape == (None, 4, 12)
    assert [x.count_params() for x in model.layers] == [x.count_params() for x in direct.layers]
    # The same model written with a plain Dense, as in the example, is a valid spec too.
    plain = template("seq2seq")
    plain["layers"][-1] = layer("Dense", units=12, activation="softmax")
    same_architecture(build_model(plain), direct)


def test_bidirectional_lstm_on_imdb_from_keras_io():
    # https://keras.io/examples/nlp/bidirectional_lstm_imdb/ (its Sequential form)
    L = keras().layers
    direct = keras().Sequential(
        [
            keras().Input(shape=(None,), dtype="int32"),
            L.Embedding(20000, 128),
            L.Bidirectional(L.LSTM(64, return_sequences=True)),
            L.Bidirectional(L.LSTM(64)),
            L.Dense(1, activation="sigmoid"),
        ]
    )
    spec = {
        "input_shape": [None],
        "input_dtype": "int32",
        "layers": [
            layer("Embedding", input_dim=20000, output_dim=128),
            layer("Bidirectional", layer={"class_name": "LSTM", "config": {"units": 64, "return_sequences": True}}),
            layer("Bidirectional", layer={"class_name": "LSTM", "config": {"units": 64}}),
            layer("Dense", units=1, activation="sigmoid"),
        ],
    }
    report = check_spec(spec)
    assert report.total_params == 2_757_761 == direct.count_params()
    assert [r.params for r in report.layers] == [x.count_params() for x in direct.layers]
    same_architecture(build_model(spec), direct)


# --- build_model ------------------------------------------------------------------------


def test_build_model_compiles_with_the_optimizer_class_and_learning_rate():
    spec = template("cnn")
    spec["compile"].update(optimizer="rmsprop", learning_rate=0.005)
    model = build_model(spec)
    assert isinstance(model, keras().Sequential)
    assert type(model.optimizer) is keras().optimizers.RMSprop
    assert float(model.optimizer.learning_rate) == pytest.approx(0.005)
    assert model.loss == "sparse_categorical_crossentropy"
    assert model.get_compile_config()["metrics"] == ["accuracy"]


def test_build_model_uses_the_input_dtype():
    model = build_model(template("text"))
    assert model.inputs[0].dtype == "int32"


def test_build_model_without_compile_returns_an_uncompiled_model():
    spec = template("mlp")
    del spec["compile"]
    assert not build_model(spec).compiled


def test_from_logits_builds_the_loss_class():
    spec = template("mlp")
    spec["layers"][-1]["config"].pop("activation")
    spec["compile"]["from_logits"] = True
    model = build_model(spec)
    assert isinstance(model.loss, keras().losses.SparseCategoricalCrossentropy)
    assert model.loss.get_config()["from_logits"] is True


def test_build_model_raises_the_same_message_as_check_spec():
    spec = {"input_shape": [64], "layers": [layer("Flatten"), layer("Conv2D", filters=2, kernel_size=3)]}
    with pytest.raises(SpecError) as caught:
        build_model(spec)
    assert caught.value.issues == check_spec(spec).errors
    assert str(caught.value) == check_spec(spec).errors[0].message


def test_user_names_do_not_clash_with_keras_automatic_names():
    # Whatever Keras's name counter says, a user name "dense" and an unnamed Dense coexist.
    spec = {"input_shape": [4], "layers": [layer("Dense", units=3), layer("Dense", units=2, name="dense")]}
    model = build_model(spec)
    assert len({x.name for x in model.layers}) == 2 and model.layers[1].name == "dense"


def test_every_build_is_a_fresh_model():
    a, b = build_model(template("mlp")), build_model(template("mlp"))
    assert a is not b and a.layers[0].kernel is not b.layers[0].kernel


# --- round trips ------------------------------------------------------------------------


@pytest.mark.parametrize("name", template_names())
def test_spec_build_spec_round_trip(name):
    spec = template(name)
    assert spec_from_model(build_model(spec)) == spec


def test_round_trip_keeps_names_and_non_default_arguments():
    spec = {
        "input_shape": [16, 3],
        "layers": [
            layer("Conv1D", filters=4, kernel_size=3, padding="causal", kernel_initializer="he_normal", name="conv"),
            layer("MaxPooling1D", pool_size=3, strides=1),
            layer("GRU", units=5, return_sequences=True, reset_after=False, dropout=0.25),
            layer("LayerNormalization", epsilon=0.01),
            layer("Bidirectional", layer={"class_name": "SimpleRNN", "config": {"units": 3}}, merge_mode="sum"),
            layer("BatchNormalization", momentum=0.9, center=False),
            layer("LeakyReLU", negative_slope=0.1),
            layer("Dense", units=2, activation="softmax", use_bias=False),
        ],
        "compile": {
            "optimizer": "sgd",
            "learning_rate": 0.05,
            "loss": "sparse_categorical_crossentropy",
            "metrics": [],
        },
    }
    assert spec_from_model(build_model(spec)) == normalize_spec(spec)


def test_spec_from_a_functional_chain():
    k = keras()
    inputs = k.Input((4,))
    x = k.layers.Dense(8, activation="relu", name="hidden")(inputs)
    outputs = k.layers.Dense(3)(x)
    model = k.Model(inputs, outputs)
    model.compile(
        optimizer=k.optimizers.Adam(learning_rate=0.01),
        loss=k.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    assert spec_from_model(model) == {
        "input_shape": [4],
        "layers": [
            {"class_name": "Dense", "config": {"units": 8, "activation": "relu", "name": "hidden"}},
            {"class_name": "Dense", "config": {"units": 3}},
        ],
        "compile": {
            "optimizer": "adam",
            "learning_rate": 0.01,
            "loss": "sparse_categorical_crossentropy",
            "metrics": ["accuracy"],
            "from_logits": True,
        },
    }


# --- what spec_from_model refuses, and says so -------------------------------------------


def test_a_branch_is_refused_naming_the_layer():
    k = keras()
    inputs = k.Input((4,))
    a = k.layers.Dense(3, name="dense_a")(inputs)
    b = k.layers.Dense(3, name="dense_b")(inputs)
    model = k.Model(inputs, k.layers.Add(name="add")([a, b]))
    with pytest.raises(SpecError) as caught:
        spec_from_model(model)
    assert str(caught.value) == (
        "layer 'add' has 2 inputs (from 'dense_a' and 'dense_b'): only single chains can be turned into a spec."
    )


def test_two_outputs_are_refused():
    k = keras()
    inputs = k.Input((4,))
    hidden = k.layers.Dense(3, name="hidden")(inputs)
    model = k.Model(inputs, [k.layers.Dense(2, name="a")(hidden), k.layers.Dense(1, name="b")(hidden)])
    with pytest.raises(SpecError) as caught:
        spec_from_model(model)
    assert str(caught.value).startswith("The model has 1 input and 2 outputs: only single chains")


def test_a_merge_is_refused_naming_the_layer():
    k = keras()
    first, second = k.Input((4,), name="first"), k.Input((4,), name="second")
    merged = k.layers.Concatenate(name="concat")([first, second])
    model = k.Model([first, second], k.layers.Dense(1)(merged))
    with pytest.raises(SpecError, match="2 inputs"):
        spec_from_model(model)
    one = k.Input((4,))
    a = k.layers.Dense(3, name="left")(one)
    b = k.layers.Dense(3, name="right")(a)
    c = k.layers.Add(name="add")([a, b])
    with pytest.raises(SpecError) as caught:
        spec_from_model(k.Model(one, c))
    assert "layer 'add' has 2 inputs (from 'left' and 'right'): only single chains" in str(caught.value)


def test_layers_outside_the_catalog_are_refused_naming_layer_and_class():
    k = keras()
    model = k.Sequential([k.Input((4,)), k.layers.Lambda(lambda t: t * 2, name="double")])
    with pytest.raises(SpecError) as caught:
        spec_from_model(model)
    assert "layer 'double' is a Lambda, which is not in the catalog" in str(caught.value)


def test_settings_a_spec_cannot_express_are_refused_not_dropped():
    k = keras()
    cases = [
        (k.layers.Dense(3, kernel_regularizer="l2", name="reg"), "kernel_regularizer"),
        (k.layers.Dense(3, kernel_initializer=k.initializers.RandomNormal(stddev=1.0), name="init"), "custom settings"),
        (k.layers.Dense(3, name="frozen", trainable=False), "frozen"),
    ]
    for bad_layer, words in cases:
        with pytest.raises(SpecError, match=words):
            spec_from_model(k.Sequential([k.Input((4,)), bad_layer]))


def test_a_custom_subclass_is_not_its_base_class():
    k = keras()

    class MyDense(k.layers.Dense):
        pass

    MyDense.__name__ = "Dense"
    with pytest.raises(SpecError, match="custom subclass"):
        spec_from_model(k.Sequential([k.Input((4,)), MyDense(2)]))
