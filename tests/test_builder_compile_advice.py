"""compile settings: allow-lists read from Keras, and advice when the loss does not fit."""

from __future__ import annotations

import pytest

from nbkeras._keras import keras
from nbkeras.builder import check_spec, compile_warnings, loss_names, metric_names, optimizer_names, template
from nbkeras.builder.compile_advice import optimizer_class, validate_compile


def model(units, activation, loss, metrics=(), **compile_extra):
    config = {"units": units}
    if activation != "linear":
        config["activation"] = activation
    return {
        "input_shape": [4],
        "layers": [
            {"class_name": "Dense", "config": {"units": 8, "activation": "relu"}},
            {"class_name": "Dense", "config": config},
        ],
        "compile": {"optimizer": "adam", "loss": loss, "metrics": list(metrics), **compile_extra},
    }


def test_allow_lists_are_read_from_keras():
    expected = {"adam", "sgd", "rmsprop", "adamw", "adagrad", "adadelta", "adamax", "nadam", "lion"}
    assert expected <= set(optimizer_names())
    assert "lossscaleoptimizer" not in optimizer_names()
    for name in optimizer_names():
        # build_model instantiates the class itself (keras.optimizers.get("lamb") fails).
        optimizer = optimizer_class(name)(learning_rate=0.01)
        assert isinstance(optimizer, keras().optimizers.Optimizer) and type(optimizer).__name__.lower() == name
    for name in loss_names():
        assert callable(keras().losses.get(name))
    for name in metric_names():
        assert keras().metrics.get(name) is not None
    assert {"mse", "binary_crossentropy", "sparse_categorical_crossentropy"} <= set(loss_names())
    assert "categorical_generalized_cross_entropy" not in loss_names()  # needs q: a name cannot give it


def test_validate_compile_fills_in_the_learning_rate():
    assert validate_compile({"optimizer": "sgd", "loss": "mse"}) == (
        {"optimizer": "sgd", "learning_rate": 0.01, "loss": "mse", "metrics": []},
        [],
    )


@pytest.mark.parametrize(
    ("compile_", "argument", "received", "expected"),
    [
        ({"optimizer": "adamm", "loss": "mse"}, "optimizer", "optimizer='adamm'", "one of: adadelta"),
        ({"optimizer": "adam", "loss": "mse", "learning_rate": 0}, "learning_rate", "learning_rate=0", "> 0"),
        ({"optimizer": "adam", "loss": "mse", "learning_rate": float("inf")}, "learning_rate", "=inf", "finite"),
        ({"optimizer": "adam", "loss": "mse", "lr": 0.1}, "lr", "lr=0.1", "one of: optimizer, learning_rate"),
        ({"optimizer": "adam", "loss": "msee"}, "loss", "loss='msee'", "one of:"),
        ({"optimizer": "adam", "loss": "mse", "metrics": ["acuracy"]}, "metrics", "'acuracy'", "accuracy"),
        ({"optimizer": "adam", "loss": "mse", "metrics": "mae"}, "metrics", "metrics='mae'", "a list of metric names"),
        ({"optimizer": "adam", "loss": "mse", "from_logits": True}, "from_logits", "=True", "no from_logits"),
    ],
)
def test_invalid_compile_settings(compile_, argument, received, expected):
    spec = template("mlp")
    spec["compile"] = compile_
    report = check_spec(spec)
    assert len(report.errors) == 1
    issue = report.errors[0]
    assert issue.argument == argument and issue.class_name == "compile" and issue.position is None
    assert received in issue.message and expected in issue.message and "compile" in issue.message
    assert all(layer.ok for layer in report.layers)  # the layers are still reported


def test_closest_optimizer_is_suggested():
    _, issues = validate_compile({"optimizer": "Adam", "loss": "mse"})
    assert issues[0].fix.startswith("Did you mean") and "'adam'" in issues[0].fix


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        (model(3, "softmax", "binary_crossentropy"), "binary_crossentropy treats each output unit"),
        (model(1, "sigmoid", "categorical_crossentropy"), "categorical_crossentropy needs one output unit per class"),
        (model(1, "sigmoid", "sparse_categorical_crossentropy"), "has 1 unit"),
        (model(3, "sigmoid", "categorical_crossentropy"), 'Use activation="softmax"'),
        (model(3, "softmax", "mse"), "mse is a regression loss"),
        (model(3, "linear", "sparse_categorical_crossentropy"), '"from_logits": true'),
        (model(1, "linear", "binary_crossentropy"), 'activation="sigmoid"'),
        (model(3, "softmax", "sparse_categorical_crossentropy", from_logits=True), "already applies softmax"),
        (model(1, "softmax", "binary_crossentropy"), "always outputs 1.0"),
        (model(3, "softmax", "sparse_categorical_crossentropy", ["categorical_accuracy"]), "categorical_accuracy"),
        (model(3, "softmax", "categorical_crossentropy", ["sparse_categorical_accuracy"]), "integer class labels"),
        (model(3, "softmax", "categorical_crossentropy", ["binary_accuracy"]), "binary_accuracy"),
        (model(1, "linear", "mse", ["accuracy"]), 'use "mae"'),
    ],
)
def test_loss_and_metrics_that_do_not_fit_the_output(spec, words):
    warnings = compile_warnings(spec)
    assert any(words in w for w in warnings), warnings
    assert check_spec(spec).warnings == tuple(warnings)


@pytest.mark.parametrize(
    "spec",
    [
        model(3, "softmax", "sparse_categorical_crossentropy", ["accuracy"]),  # sparse + one-hot sized: fine
        model(3, "softmax", "categorical_crossentropy", ["accuracy", "categorical_accuracy"]),
        model(1, "sigmoid", "binary_crossentropy", ["accuracy"]),
        model(3, "sigmoid", "binary_crossentropy"),  # multi-label
        model(3, "linear", "sparse_categorical_crossentropy", ["accuracy"], from_logits=True),
        model(1, "linear", "mse", ["mae"]),
        template("cnn"),
        template("rnn"),
        template("text"),
        template("seq2seq"),
        template("mlp"),
    ],
)
def test_fitting_settings_get_no_advice(spec):
    assert compile_warnings(spec) == []


def test_advice_reads_through_dropout_and_time_distributed():
    spec = model(3, "softmax", "binary_crossentropy")
    spec["layers"].append({"class_name": "Dropout", "config": {"rate": 0.1}})
    assert any("Dense at position 2" in w for w in compile_warnings(spec))
    seq = template("seq2seq")
    seq["compile"]["loss"] = "binary_crossentropy"
    assert any("TimeDistributed at position 4" in w for w in compile_warnings(seq))


def test_invalid_specs_get_no_advice_rather_than_an_error():
    assert compile_warnings({"input_shape": "x"}) == []
    assert compile_warnings({"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": 2}}]}) == []


def _not_probabilities():
    from nbkeras.builder.catalog import activation_choices

    probabilities = {"softmax", "sparsemax", "sigmoid", "hard_sigmoid", "sparse_sigmoid"}
    return [a for a in activation_choices() if a not in probabilities | {"linear"}]


@pytest.mark.parametrize("activation", _not_probabilities())
def test_an_output_that_gives_no_probabilities_gets_advice_with_crossentropy(activation):
    # Issue #11 item 18: relu then sparse_categorical_crossentropy got no advice; so did
    # every activation that is neither linear (logits) nor a probability.
    for units, loss, wanted in [
        (3, "sparse_categorical_crossentropy", "softmax"),
        (3, "categorical_crossentropy", "softmax"),
        (1, "binary_crossentropy", "sigmoid"),
    ]:
        advice = compile_warnings(model(units, activation, loss))
        assert len(advice) == 1, (loss, advice)
        assert f"uses {activation}, whose outputs are not probabilities" in advice[0]
        assert f'activation="{wanted}"' in advice[0] and loss in advice[0]
        logits = compile_warnings(model(units, activation, loss, from_logits=True))
        assert len(logits) == 1 and f"applies {activation}, which limits them" in logits[0], logits


@pytest.mark.parametrize(
    ("units", "activation", "loss"),
    [
        (3, "softmax", "sparse_categorical_crossentropy"),
        (3, "sparsemax", "categorical_crossentropy"),
        (1, "sigmoid", "binary_crossentropy"),
        (1, "hard_sigmoid", "binary_crossentropy"),
        (1, "relu", "mse"),
    ],
)
def test_outputs_that_fit_their_loss_get_no_advice(units, activation, loss):
    assert compile_warnings(model(units, activation, loss)) == []
