"""ModelBuilder through the recording comm: each request's effect on spec and report, and what is sent."""

from __future__ import annotations

import copy
import json
import statistics
import time

import pytest
import traitlets

from nbkeras.activations import ActivationExplorer
from nbkeras.builder import SpecError, SpecReport, check_spec, spec_to_code, template
from nbkeras.builder.spec import insert_position, output_layer_position
from nbkeras.builder.widget import HISTORY_LIMIT, ModelBuilder
from nbkeras.testing import CommRecorder


def _request(widget, seq, action, **args):
    CommRecorder.send_from_frontend(widget, {"type": "request", "seq": seq, "action": action, "args": args})


def _rows(builder):
    return [(r["class_name"], r["output_shape"], r["params"], r["status"]) for r in builder.report["layers"]]


def _states(wire, start, widget):
    return [m.data["state"] for m in wire.since(start) if m.comm_id == widget.model_id and m.method == "update"]


def _dense_stack(n):
    layers = [{"class_name": "Dense", "config": {"units": 16, "activation": "relu"}} for _ in range(n)]
    return {"input_shape": [8], "layers": layers, "compile": {"optimizer": "adam", "loss": "mse"}}


# -- what the view receives ------------------------------------------------------------------


def test_opens_with_the_whole_state_in_one_message_and_sends_the_catalog_once(wire):
    b = ModelBuilder(template="cnn")
    (opened,) = [m for m in wire.messages_for(b) if m.msg_type == "comm_open"]
    state = opened.data["state"]
    assert state["spec"] == template("cnn")
    assert state["report"] == check_spec(template("cnn")).to_dict()
    assert state["code"] == spec_to_code(template("cnn"))
    assert state["summary"].startswith("Input: (None, 8, 8, 1) float32")
    dense = next(layer for layer in state["catalog"]["layers"] if layer["class_name"] == "Dense")
    assert [a["name"] for a in dense["args"] if a["main"]] == ["units", "activation"]
    assert dense["starter"] == {"units": 32, "activation": "relu"}
    assert "relu" in state["catalog"]["explorable_activations"] and "softmax" in state["catalog"]["activations"]
    assert "softmax" not in state["catalog"]["explorable_activations"]  # no single curve to explore
    assert state["catalog"]["templates"] == ["mlp", "cnn", "rnn", "text", "seq2seq"]
    _request(b, 1, "add_layer", class_name="Dense")
    _request(b, 2, "undo")
    assert len(wire.messages_for(b)) == 3
    assert all("catalog" not in m.data.get("state", {}) for m in wire.messages_for(b)[1:])


def test_repr_is_deterministic(wire):
    assert repr(ModelBuilder(template="cnn")) == "ModelBuilder(layers=5, params=1610)"
    broken = template("cnn")
    broken["layers"][4]["config"]["units"] = -3
    assert repr(ModelBuilder(spec=broken)) == "ModelBuilder(layers=5, params=160, errors=1)"


def test_without_arguments_it_starts_from_the_mlp_template(wire):
    assert ModelBuilder().spec == template("mlp")
    with pytest.raises(TypeError, match="a spec or a template, not both"):
        ModelBuilder(spec=template("cnn"), template="cnn")


# -- structure edits: never refused; the report marks the layer that breaks --------------------


def test_add_layer_from_the_palette_goes_above_the_output_layer_and_is_selected(wire):
    b = ModelBuilder(template="cnn")  # Conv2D, MaxPooling2D, Flatten, Dropout, Dense(10, softmax)
    assert (b.selected, b.insert_position) == (None, 5)
    start = len(wire.messages)
    _request(b, 1, "add_layer", class_name="Dense")
    assert b.error == "" and b._ack == 1
    assert [layer["class_name"] for layer in b.spec["layers"]] == [
        "Conv2D", "MaxPooling2D", "Flatten", "Dropout", "Dense", "Dense",
    ]  # fmt: skip
    assert b.spec["layers"][4] == {"class_name": "Dense", "config": {"units": 32, "activation": "relu"}}
    assert _rows(b)[4:] == [("Dense", [None, 32], 144 * 32 + 32, "ok"), ("Dense", [None, 10], 32 * 10 + 10, "ok")]
    assert b.report["total_params"] == 160 + 144 * 32 + 32 + 330
    # the view learns where the layer went in the same answer: it is the selected one
    (state,) = _states(wire, start, b)
    assert (state["selected"], state["insert_position"], state["_ack"]) == (5, 6, 1)


def test_add_layer_goes_below_the_selected_layer(wire):
    b = ModelBuilder(template="cnn")
    _request(b, 1, "select_layer", position=1)
    assert (b.selected, b.insert_position) == (1, 2)
    _request(b, 2, "add_layer", class_name="BatchNormalization")
    _request(b, 3, "add_layer", class_name="Dropout")  # below the new one: layers added in order
    assert [layer["class_name"] for layer in b.spec["layers"]][:4] == [
        "Conv2D", "BatchNormalization", "Dropout", "MaxPooling2D",
    ]  # fmt: skip
    assert b.selected == 3
    _request(b, 4, "select_layer", position=None)
    b.add_layer("Dense")  # the Python API: same default
    assert b.spec["layers"][-2]["config"] == {"units": 32, "activation": "relu"} and b.selected == 7


@pytest.mark.parametrize(
    ("classes", "expected"),
    [
        (["Dense", "Dense"], ["Dense", "Dropout", "Dense"]),  # the output Dense stays last
        (["Flatten", "Dense", "Activation"], ["Flatten", "Dropout", "Dense", "Activation"]),  # Dense + its softmax
        (["LSTM", "TimeDistributed"], ["LSTM", "Dropout", "TimeDistributed"]),
        (["Conv2D", "Flatten"], ["Conv2D", "Flatten", "Dropout"]),  # no output layer yet: at the end
        (["Dense", "Dropout"], ["Dense", "Dropout", "Dropout"]),
        ([], ["Dropout"]),
    ],
)
def test_without_a_selection_a_new_layer_goes_above_the_output_layer(classes, expected):
    layers = [{"class_name": c} for c in classes]
    place = insert_position(layers)
    assert [*classes[: place - 1], "Dropout", *classes[place - 1 :]] == expected
    assert output_layer_position(layers) == (place if place <= len(classes) else None)


def test_the_selection_follows_its_layer(wire):
    b = ModelBuilder(template="cnn")
    b.selected = 2  # MaxPooling2D
    b.move_layer(2, 4)
    assert b.selected == 4 and b.spec["layers"][3]["class_name"] == "MaxPooling2D"
    b.move_layer(1, 5)  # another layer moves past it
    assert b.selected == 3 and b.spec["layers"][2]["class_name"] == "MaxPooling2D"
    b.remove_layer(1)
    assert b.selected == 2 and b.spec["layers"][1]["class_name"] == "MaxPooling2D"
    b.duplicate_layer(2)
    assert b.selected == 3 and b.spec["layers"][2]["class_name"] == "MaxPooling2D"
    b.remove_layer(3)
    assert b.selected is None and b.insert_position == 5  # the last layer, Conv2D, is no output layer: at the end
    _request(b, 1, "select_layer", position=9)
    assert b.error == (
        "Invalid value for argument `selected`. Received: selected=9. "
        "Expected an integer from 1 to 4 (layer positions start at 1)."
    )
    assert b.selected is None
    with pytest.raises(traitlets.TraitError, match="Received: selected=True"):
        b.selected = True
    b.selected = 4
    b.load_template("mlp")
    assert b.selected is None and b.insert_position == 3
    with pytest.raises(traitlets.TraitError, match="read-only"):
        b.insert_position = 1  # it follows the spec and the selection


def test_add_layer_at_a_position_inserts_above_it(wire):
    b = ModelBuilder(template="cnn")
    _request(b, 1, "add_layer", class_name="Dropout", position=4)
    assert [layer["class_name"] for layer in b.spec["layers"]] == [
        "Conv2D",
        "MaxPooling2D",
        "Flatten",
        "Dropout",
        "Dropout",
        "Dense",
    ]
    assert b.spec["layers"][3]["config"] == {"rate": 0.5}


def test_add_layer_of_an_unknown_class_says_what_was_meant(wire):
    b = ModelBuilder(template="cnn")
    before = b.spec
    _request(b, 1, "add_layer", class_name="Dens")
    assert "Unknown layer class 'Dens'" in b.error and "Did you mean Dense?" in b.error
    assert b.spec == before


def test_remove_and_duplicate(wire):
    b = ModelBuilder(template="cnn")
    _request(b, 1, "remove_layer", position=4)  # the Dropout
    assert [r[0] for r in _rows(b)] == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    assert b.report["total_params"] == 1610
    b.set_argument(1, "name", "features")
    _request(b, 2, "duplicate_layer", position=1)
    assert b.spec["layers"][1] == {
        "class_name": "Conv2D",
        "config": {"filters": 16, "kernel_size": 3, "activation": "relu"},
    }
    assert _rows(b)[:3] == [
        ("Conv2D", [None, 6, 6, 16], 160, "ok"),
        ("Conv2D", [None, 4, 4, 16], 16 * 9 * 16 + 16, "ok"),
        ("MaxPooling2D", [None, 2, 2, 16], 0, "ok"),
    ]


def test_a_move_that_breaks_the_model_marks_the_layer_that_breaks(wire):
    b = ModelBuilder(template="cnn")
    _request(b, 1, "move_layer", from_position=3, to_position=2)  # Flatten before the pooling
    assert b.error == ""  # a structure edit is never refused
    assert [layer["class_name"] for layer in b.spec["layers"]] == [
        "Conv2D",
        "Flatten",
        "MaxPooling2D",
        "Dropout",
        "Dense",
    ]
    rows = b.report["layers"]
    assert _rows(b)[:2] == [("Conv2D", [None, 6, 6, 16], 160, "ok"), ("Flatten", [None, 576], 0, "ok")]
    assert rows[2]["status"] == "error"
    assert rows[2]["message"].startswith("MaxPooling2D at position 3 needs input of rank 4")
    assert "from Flatten at position 2" in rows[2]["message"]
    assert [r["status"] for r in rows[3:]] == ["not checked", "not checked"]
    assert b.code == ""  # no code for a model that cannot be built
    _request(b, 2, "move_layer", from_position=2, to_position=3)
    assert b.report["ok"] and b.spec == template("cnn")


@pytest.mark.parametrize(
    ("action", "args", "message"),
    [
        ("remove_layer", {"position": 0}, "Received: position=0. Expected an integer from 1 to 5"),
        (
            "move_layer",
            {"from_position": 1, "to_position": 9},
            "Received: to_position=9. Expected an integer from 1 to 5",
        ),
        ("duplicate_layer", {"position": "2"}, "Received: position='2'"),
        ("add_layer", {"class_name": "Dense", "position": 7}, "Expected an integer from 1 to 6"),
    ],
)
def test_positions_are_checked(wire, action, args, message):
    b = ModelBuilder(template="cnn")
    _request(b, 3, action, **args)
    assert message in b.error
    assert b.spec == template("cnn") and b._ack == 3


def test_removing_every_layer_leaves_an_empty_stack_with_the_reason(wire):
    b = ModelBuilder(spec={"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": 2}}]})
    _request(b, 1, "remove_layer", position=1)
    assert b.spec["layers"] == [] and b.error == ""
    assert b.report["errors"][0]["message"].startswith("The spec has no layers.")
    assert b.code == ""
    _request(b, 2, "add_layer", class_name="Dense")
    assert b.report["ok"]


# -- field edits: a refused value never reaches the spec ----------------------------------------


def test_set_argument_changes_the_report(wire):
    b = ModelBuilder(template="cnn")
    _request(b, 1, "set_argument", position=1, name="filters", value=8)
    _request(b, 2, "set_argument", position=1, name="kernel_size", value=[5, 5])
    assert b.spec["layers"][0]["config"] == {"filters": 8, "kernel_size": 5, "activation": "relu"}  # canonical
    assert _rows(b)[0] == ("Conv2D", [None, 4, 4, 8], 8 * 25 + 8, "ok")
    assert _rows(b)[2] == ("Flatten", [None, 32], 0, "ok")
    _request(b, 3, "set_argument", position=1, name="activation", value="relu")
    assert b._ack == 3 and b.error == ""


def test_a_bad_field_value_is_refused_at_its_field_and_nothing_changes(wire):
    b = ModelBuilder(template="cnn")
    spec, report, code = copy.deepcopy(b.spec), copy.deepcopy(b.report), b.code
    start = len(wire.messages)
    _request(b, 9, "set_argument", position=5, name="units", value=-3)
    assert (
        b.error
        == "Invalid value for argument `units` of Dense at position 5. Received: units=-3. Expected a positive integer."
    )
    assert b.error_field == {"position": 5, "name": "units"}
    assert b.spec == spec and b.report == report and b.code == code
    (state,) = _states(wire, start, b)
    assert sorted(state) == ["_ack", "error", "error_field"]  # spec and report are not even re-sent
    # the next good edit clears the message and the mark
    _request(b, 10, "set_argument", position=5, name="units", value=12)
    assert b.error == "" and b.error_field == {} and _rows(b)[-1][1] == [None, 12]
    # from Python the same value raises the same message
    with pytest.raises(SpecError, match=r"Received: units=-3\. Expected a positive integer"):
        b.set_argument(5, "units", -3)


@pytest.mark.parametrize(
    ("position", "name", "value", "message"),
    [
        (
            1,
            "kernel_size",
            [3, 3, 3],
            "Invalid value for argument `kernel_size` of Conv2D at position 1. Received: kernel_size=[3, 3, 3]",
        ),
        (1, "padding", "sme", "Did you mean 'same'?"),
        (1, "activation", "rellu", "Expected one of: "),
        (4, "rate", 1.5, "Received: rate=1.5. Expected a number in [0, 1)"),
        (5, "units", 2.5, "Received: units=2.5. Expected a positive integer"),
        (5, "units", None, "Missing required argument `units` of Dense at position 5. Received: no units"),
        (5, "unitz", 3, "Unknown argument `unitz` of Dense at position 5"),
        (1, "layer.units", 3, "Invalid value for argument `name`"),
        (1, "name", "a/b", "that TensorFlow accepts"),
    ],
)
def test_bad_field_values_are_refused_in_kerass_words(wire, position, name, value, message):
    b = ModelBuilder(template="cnn")
    _request(b, 1, "set_argument", position=position, name=name, value=value)
    assert message in b.error
    assert b.spec == template("cnn")


def test_a_name_another_layer_has_is_refused_at_the_field(wire):
    b = ModelBuilder(template="cnn")
    b.set_argument(1, "name", "features")
    _request(b, 1, "set_argument", position=5, name="name", value="features")
    assert "Received: name='features'" in b.error and "The layer at position 1 is already called 'features'" in b.error
    assert "name" not in b.spec["layers"][4]["config"]
    _request(b, 2, "set_argument", position=1, name="name", value=None)  # an empty field: Keras names it
    assert "name" not in b.spec["layers"][0]["config"] and b.error == ""


def test_wrapped_layers_take_a_path_to_their_layer(wire):
    b = ModelBuilder(template="seq2seq")
    vocabulary = b.spec["input_shape"][1]
    _request(b, 1, "set_argument", position=4, name="layer.units", value=5)
    assert b.spec["layers"][3]["config"]["layer"] == {
        "class_name": "Dense",
        "config": {"units": 5, "activation": "softmax"},
    }
    assert _rows(b)[3][1] == [None, 4, 5]
    _request(b, 2, "set_argument", position=4, name="layer.units", value=0)
    assert "of Dense (the layer of TimeDistributed at position 4). Received: units=0" in b.error
    assert b.error_field == {"position": 4, "name": "layer.units"}
    assert b.spec["layers"][3]["config"]["layer"]["config"]["units"] == 5
    b.set_argument(4, "layer.units", vocabulary)
    assert b.report["ok"]

    rnn = ModelBuilder(
        spec={
            "input_shape": [10, 3],
            "layers": [
                {"class_name": "Bidirectional", "config": {"layer": {"class_name": "LSTM", "config": {"units": 8}}}},
            ],
        }
    )
    assert _rows(rnn)[0][1] == [None, 16]
    _request(rnn, 1, "set_argument", position=1, name="layer.class_name", value="GRU")
    assert rnn.spec["layers"][0]["config"]["layer"] == {"class_name": "GRU", "config": {"units": 8}}  # units kept
    _request(rnn, 2, "set_argument", position=1, name="layer.class_name", value="Dense")
    assert "Bidirectional wraps only these" in rnn.error
    _request(rnn, 3, "set_argument", position=1, name="merge_mode", value="sum")
    assert _rows(rnn)[0][1] == [None, 8]


def test_set_input(wire):
    b = ModelBuilder(template="cnn")
    _request(b, 1, "set_input", shape=[12, 12, 1])
    assert _rows(b)[0][1] == [None, 10, 10, 16] and b.report["input_shape"] == [None, 12, 12, 1]
    _request(b, 2, "set_input", shape=[0, 12, 1])
    assert "Invalid value for argument `input_shape` of the spec. Received: input_shape=[0, 12, 1]" in b.error
    assert b.error_field == {"position": None, "name": "input_shape"}
    assert b.spec["input_shape"] == [12, 12, 1]
    _request(b, 3, "set_input", dtype="float8")
    assert "Received: input_dtype='float8'" in b.error
    _request(b, 4, "set_input", shape=[2, 2, 1])  # too small for the kernel: allowed, shown at the layer
    assert b.error == "" and b.report["layers"][0]["status"] == "error"
    assert "kernel_size=(3, 3) is larger than its input (2, 2)" in b.report["layers"][0]["message"]


def test_set_compile_and_its_advice(wire):
    b = ModelBuilder(template="cnn")
    assert b.compile_warnings == []
    _request(b, 1, "set_compile", name="loss", value="binary_crossentropy")
    assert b.spec["compile"]["loss"] == "binary_crossentropy"
    assert any("uses softmax" in w for w in b.compile_warnings)
    _request(b, 2, "set_compile", name="loss", value="sparse_categorical_crossentropy")
    assert b.compile_warnings == []
    _request(b, 3, "set_compile", name="loss", value="msee")
    assert "Invalid value for argument `loss` of compile. Received: loss='msee'" in b.error
    assert b.error_field == {"position": None, "name": "compile.loss"}
    _request(b, 4, "set_compile", name="learning_rate", value=-1)
    assert "Received: learning_rate=-1. Expected a finite number > 0" in b.error
    _request(b, 5, "set_compile", name="optimizer", value="sgd")
    _request(b, 6, "set_compile", name="metrics", value=["accuracy", "sparse_categorical_accuracy"])
    assert b.spec["compile"] == {
        "optimizer": "sgd",
        "learning_rate": 0.001,
        "loss": "sparse_categorical_crossentropy",
        "metrics": ["accuracy", "sparse_categorical_accuracy"],
    }
    assert "keras.optimizers.SGD(learning_rate=0.001)" in b.code
    _request(b, 7, "set_compile", name="epochs", value=3)
    assert "Received: name='epochs'. Expected one of: optimizer" in b.error


def test_a_spec_without_compile_gets_one_setting_at_a_time(wire):
    b = ModelBuilder(spec={"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": 1}}]})
    _request(b, 1, "set_compile", name="optimizer", value="adam")
    assert b.error == ""  # the missing loss is the report's to show, under compile
    assert [e["argument"] for e in b.report["errors"]] == ["loss"]
    assert b.report["errors"][0]["class_name"] == "compile"
    _request(b, 2, "set_compile", name="loss", value="mse")
    assert b.report["ok"] and "model.compile(" in b.code


def test_load_template(wire):
    b = ModelBuilder(template="cnn")
    _request(b, 1, "load_template", name="rnn")
    assert b.spec == template("rnn") and b.can_undo
    _request(b, 2, "load_template", name="rnnn")
    assert "Received: name='rnnn'" in b.error and "Did you mean one of 'rnn'" in b.error


# -- history ---------------------------------------------------------------------------------------


def test_undo_and_redo_round_trip(wire):
    b = ModelBuilder(template="cnn")
    assert (b.can_undo, b.can_redo) == (False, False)
    steps = [template("cnn")]
    _request(b, 1, "add_layer", class_name="Dense")
    steps.append(b.spec)
    _request(b, 2, "move_layer", from_position=3, to_position=2)
    steps.append(b.spec)
    _request(b, 3, "set_argument", position=1, name="filters", value=4)
    steps.append(b.spec)
    _request(b, 4, "set_argument", position=1, name="filters", value=-4)  # refused: not a step
    for seq, expected in zip(range(5, 8), reversed(steps[:-1])):
        _request(b, seq, "undo")
        assert b.spec == expected and b.report == check_spec(expected).to_dict()
    assert (b.can_undo, b.can_redo) == (False, True)
    _request(b, 8, "undo")
    assert b.error == "Nothing to undo."
    for seq, expected in zip(range(9, 12), steps[1:]):
        _request(b, seq, "redo")
        assert b.spec == expected
    assert (b.can_undo, b.can_redo) == (True, False)
    # a new edit after undo drops the redo steps
    b.undo()
    b.add_layer("Flatten")
    assert not b.can_redo


def test_history_is_bounded(wire):
    b = ModelBuilder(template="mlp")
    for i in range(HISTORY_LIMIT + 20):
        b.set_argument(1, "units", 1 + i % 50 + (50 if i % 2 else 0))
    undone = 0
    while b.can_undo:
        b.undo()
        undone += 1
    assert undone == HISTORY_LIMIT


# -- the spec as a Python attribute ------------------------------------------------------------


def test_assigning_spec_updates_report_and_code_in_one_message(wire):
    b = ModelBuilder(template="mlp")
    start = len(wire.messages)
    b.spec = template("cnn")
    (state,) = _states(wire, start, b)
    assert {"spec", "report", "code", "summary", "can_undo"} <= set(state)
    assert state["report"]["total_params"] == 1610 and state["code"] == spec_to_code(template("cnn"))
    assert b.check().total_params == 1610


def test_a_front_end_set_of_the_whole_spec_goes_through_the_same_checks(wire):
    b = ModelBuilder(template="cnn")
    _request(b, 1, "set", name="spec", value=template("rnn"))
    assert b.spec == template("rnn")
    _request(b, 2, "set", name="spec", value={"input_shape": [4], "layerz": []})
    assert "Unknown key `layerz` in the spec" in b.error and b.spec == template("rnn")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (None, "Expected a mapping with input_shape, layers"),
        ([1, 2], "Expected a mapping with input_shape, layers"),
        ({"input_shape": [4], "layers": [], "extra": 1}, "Unknown key `extra` in the spec"),
        ({"input_shape": "4", "layers": []}, "Invalid value for argument `input_shape` of the spec"),
        ({"input_shape": [4], "layers": {"a": 1}}, "Expected a non-empty list of layers"),
        ({"input_shape": [4], "layers": [], "compile": "adam"}, "Invalid value for argument `compile`"),
        (
            {"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": float("nan")}}]},
            "Expected a finite number",
        ),
        (
            {"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": object()}}]},
            "Expected JSON values",
        ),
    ],
)
def test_structural_problems_are_refused_with_the_cores_message(wire, spec, message):
    b = ModelBuilder(template="cnn")
    with pytest.raises(traitlets.TraitError, match=message.replace("(", r"\(")):
        b.spec = spec
    assert b.spec == template("cnn")


def test_layer_problems_in_a_spec_are_shown_in_place_not_refused(wire):
    spec = template("cnn")
    spec["layers"][1] = {"class_name": "Lambda", "config": {}}
    spec["layers"][4]["config"]["units"] = -3
    b = ModelBuilder(spec=spec)
    rows = b.report["layers"]
    assert rows[0]["status"] == "ok"
    assert rows[1]["status"] == "error" and "Unknown layer class 'Lambda' at position 2" in rows[1]["message"]
    assert rows[4]["status"] == "error" and "Received: units=-3" in rows[4]["message"]
    assert b.code == ""
    with pytest.raises(SpecError, match="Lambda"):
        b.model  # noqa: B018
    b.remove_layer(2)  # editing continues around the problems
    assert b.report["layers"][3]["message"].startswith("Invalid value for argument `units` of Dense at position 4")


def test_none_puts_an_argument_back_to_kerass_default(wire):
    spec = template("cnn")
    spec["layers"][3]["config"]["rat"] = 0.1  # a typo in a loaded spec: shown at the layer
    b = ModelBuilder(spec=spec)
    assert "Unknown argument `rat` of Dropout at position 4" in b.report["layers"][3]["message"]
    _request(b, 1, "set_argument", position=4, name="rat", value=None)
    assert b.report["ok"] and b.spec["layers"][3]["config"] == {"rate": 0.25}
    _request(b, 2, "set_argument", position=4, name="rate", value=None)
    assert "Missing required argument `rate` of Dropout at position 4" in b.error  # Keras requires it
    _request(b, 3, "set_argument", position=1, name="padding", value="same")
    assert _rows(b)[0][1] == [None, 8, 8, 16]
    _request(b, 4, "set_argument", position=1, name="padding", value=None)
    _request(b, 5, "set_argument", position=1, name="activation", value=None)
    assert b.spec["layers"][0]["config"] == {"filters": 16, "kernel_size": 3} and _rows(b)[0][1] == [None, 6, 6, 16]


# -- Python API ---------------------------------------------------------------------------------


def test_model_matches_the_report(wire):
    b = ModelBuilder(template="cnn")
    b.add_layer("Dense", position=5)
    model = b.model
    assert model.count_params() == b.report["total_params"] == b.check().total_params
    assert type(model.optimizer).__name__ == "Adam"
    assert b.model is not model  # fresh each time
    assert isinstance(b.check(), SpecReport)
    assert b.to_code() == b.code
    assert json.loads(b.to_json()) == b.spec


def test_from_model_save_and_load_round_trip(wire, tmp_path):
    b = ModelBuilder(template="seq2seq")
    b.set_argument(1, "name", "encoder")
    again = ModelBuilder.from_model(b.model)
    assert again.spec == b.spec
    path = tmp_path / "model.json"
    b.save(path)
    loaded = ModelBuilder.load(path)
    assert isinstance(loaded, ModelBuilder) and loaded.spec == b.spec
    other = ModelBuilder(template="mlp")
    assert other.load(path) is other and other.spec == b.spec and other.can_undo


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"input_shape": [4], "layers": [{"class_name": "Lambda", "config": {}}]}',
            "Unknown layer class 'Lambda' at position 1",
        ),
        (
            '{"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": NaN}}]}',
            "NaN is not a number a spec can hold",
        ),
    ],
)
def test_load_refuses_untrusted_files_and_keeps_the_spec(wire, tmp_path, text, message):
    path = tmp_path / "evil.json"
    path.write_text(text)
    with pytest.raises(SpecError, match=message):
        ModelBuilder.load(path)
    b = ModelBuilder(template="cnn")
    with pytest.raises(SpecError, match=message):
        b.load(path)
    assert b.spec == template("cnn") and not b.can_undo


def test_a_hostile_layer_name_travels_as_plain_text(wire):
    name = 'x"); import os; os.system("echo pwned") #'
    b = ModelBuilder(template="cnn")
    start = len(wire.messages)
    before = b.spec
    _request(b, 1, "set_argument", position=1, name="name", value=name)
    (state,) = _states(wire, start, b)
    # Refused at the layer (TensorFlow could not train it): the message quotes it as data,
    # and the stack, its summary and its code stay as they were.
    assert "Invalid value for argument `name`" in state["error"] and repr(name) in state["error"]
    assert "spec" not in state and "code" not in state
    assert b.spec == before and name not in b.to_code()


# -- the activation explorer ------------------------------------------------------------------


def test_explore_link_shows_an_activation_explorer_below_the_builder(wire):
    b = ModelBuilder(template="cnn")
    start = len(wire.messages)
    _request(b, 1, "explore_activation", name="relu")
    explorer = b.explorer
    assert isinstance(explorer, ActivationExplorer) and explorer.activations == ["relu"]
    sent = wire.since(start)
    opened_at = [i for i, m in enumerate(sent) if m.msg_type == "comm_open" and m.comm_id == explorer.model_id]
    updated_at = [i for i, m in enumerate(sent) if m.comm_id == b.model_id]
    assert len(opened_at) == 1 and opened_at[0] < updated_at[0]  # the child exists before the reference to it
    (state,) = _states(wire, start, b)
    assert state["explorer"] == f"IPY_MODEL_{explorer.model_id}"
    _request(b, 2, "explore_activation", name="tanh")
    assert b.explorer is explorer and explorer.activations == ["tanh"]  # one explorer, switched
    _request(b, 3, "explore_activation", name="softmax")
    assert "'softmax' has no curve" in b.error
    _request(b, 4, "close_explorer")
    assert b.explorer is None
    assert b.explore_activation("sigmoid") is explorer and b.explorer is explorer


# -- speed --------------------------------------------------------------------------------------


def test_a_field_edit_on_a_30_layer_stack_answers_quickly(wire):
    b = ModelBuilder(spec=_dense_stack(30))
    times = []
    for seq in range(1, 42):
        start = time.perf_counter()
        _request(b, seq, "set_argument", position=15, name="units", value=17 + seq % 2)
        times.append(time.perf_counter() - start)
        assert b._ack == seq and b.error == ""
    median_ms = statistics.median(times[1:]) * 1000
    print(f"\nset_argument on a 30-layer stack, kernel side: median {median_ms:.1f} ms over {len(times) - 1} requests")
    assert b.report["layers"][14]["output_shape"] == [None, 17 + 41 % 2]
    assert median_ms < 500  # a loose bound: tests assert behaviour, the number is printed


def test_saved_output_shows_the_stack_as_a_summary_table(wire, outputs, monkeypatch):
    """Read without a kernel (GitHub, JupyterLab before Run) the builder shows its layers."""
    import IPython

    b = ModelBuilder(template="cnn")
    b.display_once()
    widget, picture = outputs
    assert "text/html" not in widget.data  # live front ends: the widget, in its own output
    assert picture.data["application/vnd.jupyter.widget-view+json"]["model_id"] == ""  # hidden where the widget shows
    html = picture.data["text/html"]
    assert html.startswith('<pre class="nbk-builder-summary">') and html.endswith("</pre>")
    report = b.check()
    assert f"Total params: {report.total_params:,}" in html
    for layer in report.layers:
        assert str(layer.output_shape) in html
    # a broken stack shows the error at its layer, escaped
    b.spec = {**b.spec, "layers": [*b.spec["layers"][:1], {"class_name": "Dense", "config": {"units": "<b>x</b>"}}]}
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    b.display_once()
    html = outputs[3].data["text/html"]
    assert "<b>" not in html and "&lt;b&gt;" in html and "error" in html


def test_saved_summary_table_follows_the_edits(wire, outputs, monkeypatch):
    from nbkeras.widgets.base import NbKerasWidget

    monkeypatch.setattr(NbKerasWidget, "PICTURE_SETTLE_SECONDS", 3600)  # settled when the test says
    b = ModelBuilder(template="mlp")
    b.display_once()
    widget, picture = outputs
    b.add_layer("Dropout")
    b.add_layer("Dense")  # two quick edits, one redraw
    assert picture.updates == [] and b.flush_picture()
    (update,) = picture.updates
    assert widget.updates == []  # the live view's output is never updated
    assert f"Total params: {b.check().total_params:,}" in update["text/html"]
    assert update["text/html"].count("(Dropout)") == 1 and "dense_2 (Dense)" in update["text/html"]


def test_the_first_builder_of_a_kernel_shows_itself_where_loading_tensorflow_was(wire, outputs, monkeypatch):
    """A cell whose builder imported TensorFlow keeps two outputs: the builder (in the
    notice's output), then its picture; no empty output is left above the builder."""
    import nbkeras._keras as keras_door

    class Notice:
        def __init__(self):
            self.updates = []

        def update(self, data, **kwargs):
            self.updates.append(data)

    notice = Notice()
    monkeypatch.setattr(keras_door, "_execution_count", lambda: 4)
    monkeypatch.setattr(keras_door, "_left_notice", {"notice": (4, notice)})
    b = ModelBuilder(template="mlp")
    b.display_once()
    (data,) = notice.updates
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == b.model_id
    (picture,) = outputs
    assert picture.data["text/html"].startswith('<pre class="nbk-builder-summary">')
    b.add_layer("Dropout")
    assert b.flush_picture() and len(picture.updates) == 1 and len(notice.updates) == 1  # the view's output stays
    # a second builder in the same cell gets outputs of its own
    ModelBuilder(template="mlp").display_once()
    assert len(outputs) == 3 and len(notice.updates) == 1
