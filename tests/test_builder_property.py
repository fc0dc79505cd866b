"""Random and garbage specs: every outcome is a report or a SpecError, never a crash."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nbkeras._keras import keras
from nbkeras.builder import SpecError, build_model, check_spec, dump_spec, layer_catalog, load_spec, spec_to_code
from nbkeras.builder.catalog import activation_choices, layer_class_names, layer_spec

_CLASSES = list(layer_class_names())
_GARBAGE_CLASSES = ["Lambda", "Dens", "", "InputLayer", 3, None]


@pytest.fixture(autouse=True, scope="module")
def _keras_imported():
    # Importing TensorFlow raises the recursion limit, and building the catalog uses
    # Python's random module (Keras seeds): do both before Hypothesis watches.
    keras()
    layer_catalog()
    activation_choices()


# Values of every kind, valid and not: small sizes so valid specs stay cheap to build.
_values = st.one_of(
    st.integers(-3, 40),
    st.sampled_from([0, 1, 2, 3, 10**12, 2**31 - 1, -1]),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.sampled_from([0.0, 0.1, 0.5, 0.99, 1.0, 1.5]),
    st.booleans(),
    st.none(),
    st.text(max_size=6),
    st.sampled_from(["relu", "softmax", "same", "valid", "causal", "channels_first", "he_normal", "concat"]),
    st.lists(st.integers(-2, 5), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _plausible(arg, depth):
    """A value of the right kind for ``arg`` (which may still be wrong for the shapes)."""
    if arg.kind == "int":
        return st.integers(-1, 1) if arg.name == "axis" else st.integers(1, 12)
    if arg.kind == "float":
        return st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.9])
    if arg.kind == "bool":
        return st.booleans()
    if arg.kind in ("choice", "activation", "initializer"):
        return st.sampled_from(arg.choices)
    if arg.kind == "int_tuple":
        if arg.name == "target_shape":
            return st.sampled_from([[-1], [-1, 1], [2, -1], [4, 4], [-1, 2, 2]])
        return st.one_of(st.integers(1, 3), st.lists(st.integers(1, 3), min_size=arg.length, max_size=arg.length))
    if arg.kind == "layer" and depth == 0:
        return st.sampled_from(arg.choices).flatmap(lambda name: _layer(depth=1, class_name=name))
    return _values


@st.composite
def _layer(draw, depth=0, class_name=None):
    if class_name is None:
        garbage = draw(st.integers(0, 19)) == 7
        class_name = draw(st.sampled_from(_GARBAGE_CLASSES if garbage else _CLASSES))
    spec = layer_spec(class_name) if isinstance(class_name, str) else None
    config = {}
    if spec is not None:
        for arg in spec.args:
            if arg.required:
                config[arg.name] = draw(_plausible(arg, depth))
        for arg in draw(st.lists(st.sampled_from(spec.args), max_size=3)):
            config[arg.name] = draw(_plausible(arg, depth))
    # Now and then, garbage: an unknown key, a wrong value, a missing required argument.
    # (Middle values: Hypothesis favours the ends of a range.)
    roll = draw(st.integers(0, 19))
    if roll == 7:
        config[draw(st.sampled_from(["unit", "lr", "kwargs", "name", "layer"]))] = draw(_values)
    elif roll == 8 and config:
        config[draw(st.sampled_from(sorted(config)))] = draw(_values)
    elif roll == 9 and config:
        config.pop(draw(st.sampled_from(sorted(config))))
    entry = {"class_name": class_name, "config": config}
    if roll == 10:
        entry["extra"] = draw(_values)
    return entry


@st.composite
def _spec(draw):
    roll = draw(st.integers(0, 19))
    if roll == 7:
        input_shape = draw(st.one_of(st.lists(_values, max_size=3), _values))
    elif roll in (8, 9):
        input_shape = draw(st.lists(st.sampled_from([None, 1, 2, 3, 4, 8, 16]), min_size=1, max_size=4))
    else:
        input_shape = draw(st.lists(st.sampled_from([2, 4, 8, 12]), min_size=1, max_size=3))
    spec = {"input_shape": input_shape, "layers": draw(st.lists(_layer(), min_size=roll != 11, max_size=4))}
    if roll == 12:
        spec["input_dtype"] = draw(st.sampled_from(["int32", "float16", "str", 3]))
    if roll >= 13:
        required = {
            "optimizer": st.sampled_from(["adam", "sgd", "nope"]),
            "loss": st.sampled_from(["mse", "binary_crossentropy", "x"]),
        }
        optional = {
            "metrics": st.one_of(st.just(["accuracy"]), _values),
            "learning_rate": _values,
            "from_logits": _values,
        }
        spec["compile"] = draw(st.fixed_dictionaries(required, optional=optional))
    if roll == 14:
        spec[draw(st.text(max_size=4))] = draw(_values)
    return spec


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_spec())
def test_random_specs_give_a_report_or_a_spec_error(spec):
    report = check_spec(spec)
    json.dumps(report.to_dict(), allow_nan=False)
    report.summary_text()
    event("valid" if report.ok else "invalid")
    if not report.ok:
        assert report.errors and all(issue.message for issue in report.errors)
        try:
            build_model(spec)
        except SpecError as error:
            assert error.issues == report.errors
        else:
            raise AssertionError("build_model accepted a spec check_spec refused")
        return
    model = build_model(spec)
    assert model.count_params() == report.total_params
    assert [tuple(x.output.shape) for x in model.layers] == [r.output_shape for r in report.layers]
    # A valid spec survives JSON and code generation too.
    assert load_spec(dump_spec(spec)) == report.spec
    compile(spec_to_code(spec), "<spec>", "exec")


@settings(max_examples=40, deadline=None)
@given(
    st.recursive(
        _values, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    )
)
def test_any_json_value_loads_or_is_refused(value):
    try:
        text = json.dumps(value)
    except ValueError:
        text = json.dumps(value, allow_nan=True)
    try:
        spec = load_spec(text if text.lstrip().startswith(("{", "[")) else "[" + text + "]")
    except SpecError as error:
        assert error.issues
    else:
        assert check_spec(spec).spec == spec
