"""The activation catalog: names read from Keras, exclusions, aliases, parameter specs."""

from __future__ import annotations

import inspect
import subprocess
import sys
import types

import pytest

import nbkeras.activations as acts
from nbkeras._keras import keras
from nbkeras.activations import (
    activation_aliases,
    activation_names,
    activation_parameters,
    excluded_activations,
)


def test_importing_the_core_imports_no_tensorflow_keras_or_widgets():
    code = (
        "import sys\n"
        "import nbkeras.activations\n"
        "import nbkeras.activations.catalog, nbkeras.activations.curves\n"
        "import nbkeras.activations.formulas, nbkeras.activations.properties\n"
        "import nbkeras.activations.depth\n"
        "from nbkeras.activations.formulas import formula\n"
        "assert formula('tanh').derivative([0.0])[0] == 1.0  # twins need no TF\n"
        "bad = sorted(m for m in sys.modules\n"
        "             if m.split('.')[0] in ('tensorflow', 'keras', 'ipywidgets', 'plotly'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_public_keras_activation_is_either_listed_or_excluded():
    module = keras().activations
    public = {n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n))}
    names = set(activation_names())
    excluded = set(excluded_activations())
    # The rest are the module's helpers: their first argument is not a tensor.
    first_argument = {n: next(iter(inspect.signature(getattr(module, n)).parameters)) for n in public}
    helpers = {n for n in public - names - excluded if first_argument[n] != "x"}
    assert names | excluded | helpers == public
    assert {"get", "serialize", "deserialize"} <= helpers
    assert not names & excluded
    assert list(activation_names()) == sorted(activation_names())


def test_the_non_element_wise_ones_are_excluded_with_reasons_and_helpers_are_not_listed():
    excluded = excluded_activations()
    for name in ("softmax", "log_softmax", "sparsemax", "glu"):
        assert name in excluded
        assert name not in activation_names()
    # get/serialize/deserialize are not activations: a reader of "Not plotted" never sees them.
    for name in ("get", "serialize", "deserialize"):
        assert name not in excluded and name not in activation_names()
    assert excluded["softmax"] == (
        "softmax normalises across the last axis, so f(x_i) depends on every x_j: it has no single curve"
    )
    assert "halves" in excluded["glu"] and "(2, 2)" in excluded["glu"]
    # Asked for by name, a helper still gets its reason.
    with pytest.raises(ValueError, match=r"cannot be drawn: get is a helper of keras.activations.*`identifier`"):
        activation_parameters("get")


def test_the_known_element_wise_activations_are_all_listed():
    # FIELD-NOTES lists these for keras 3.15; a newer Keras may add more, never fewer.
    expected = {
        "celu", "elu", "exponential", "gelu", "hard_shrink", "hard_sigmoid", "hard_silu",
        "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "mish", "relu",
        "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softplus", "softsign",
        "sparse_plus", "sparse_sigmoid", "squareplus", "swish", "tanh", "tanh_shrink",
        "threshold",
    }  # fmt: skip
    assert expected <= set(activation_names())


def test_aliases_are_the_same_function_and_both_names_are_kept():
    aliases = activation_aliases()
    assert aliases["swish"] == "silu"
    assert aliases["hard_swish"] == "hard_silu"
    module = keras().activations
    for alias, canonical in aliases.items():
        assert getattr(module, alias) is getattr(module, canonical)
        assert alias in activation_names() and canonical in activation_names()


def test_parameter_specs_are_read_from_the_signatures():
    for name in activation_names():
        fn = getattr(keras().activations, name)
        expected = list(inspect.signature(fn).parameters)[1:]
        assert [p.name for p in activation_parameters(name)] == expected, name

    (slope,) = activation_parameters("leaky_relu")
    assert (slope.name, slope.kind, slope.default) == ("negative_slope", "float", 0.2)
    assert slope.min == 0.0 and slope.max == 1.0 and slope.step > 0
    assert not slope.required

    relu = {p.name: p for p in activation_parameters("relu")}
    assert relu["max_value"].optional and relu["max_value"].default is None
    assert relu["max_value"].kind == "float" and relu["max_value"].min is not None

    (approx,) = activation_parameters("gelu")
    assert (approx.kind, approx.default, approx.min) == ("bool", False, None)

    (b,) = activation_parameters("squareplus")
    assert (b.kind, b.default) == ("float", 4.0)  # Keras's default is the int 4

    assert activation_parameters("sigmoid") == []


def test_required_arguments_get_documented_defaults():
    specs = {p.name: p for p in activation_parameters("threshold")}
    assert set(specs) == {"threshold", "default_value"}
    for spec in specs.values():
        assert spec.required
        assert spec.default is not None
        assert "Keras requires" in spec.note
        assert spec.min < spec.default < spec.max or spec.min <= spec.default <= spec.max


def test_parameters_of_a_custom_callable():
    def bent(x, k=2, soft=True, mode="a", scale=0.5):
        return x

    specs = activation_parameters(bent)
    assert [(s.name, s.kind, s.default) for s in specs] == [
        ("k", "int", 2),
        ("soft", "bool", True),
        ("mode", "choice", "a"),
        ("scale", "float", 0.5),
    ]
    assert specs[0].step == 1.0


def test_unknown_name_lists_close_matches_and_valid_names():
    with pytest.raises(ValueError) as err:
        activation_parameters("rlu")
    message = str(err.value)
    assert message.startswith("Unknown activation 'rlu'. Did you mean one of 'relu', ")
    assert "Valid names: celu, elu," in message

    with pytest.raises(ValueError, match="Did you mean one of 'tanh'"):
        activation_parameters("Tanh")
    with pytest.raises(ValueError, match=r"^Unknown activation 'zzzzzz'\. Valid names"):
        activation_parameters("zzzzzz")
    with pytest.raises(ValueError, match="cannot be drawn: softmax normalises"):
        activation_parameters("softmax")


def test_widget_names_are_lazy(monkeypatch):
    assert {"ActivationExplorer", "explore_activations"} <= set(acts.__all__)
    fake = types.ModuleType("nbkeras.activations.widget")
    fake.ActivationExplorer = object()
    fake.explore_activations = object()
    monkeypatch.setitem(sys.modules, "nbkeras.activations.widget", fake)
    monkeypatch.delitem(acts.__dict__, "ActivationExplorer", raising=False)
    assert acts.ActivationExplorer is fake.ActivationExplorer
    monkeypatch.delitem(acts.__dict__, "ActivationExplorer")
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        acts.nope  # noqa: B018


def test_package_level_lazy_exports():
    import nbkeras

    assert nbkeras.activation_names is activation_names
    assert nbkeras.activation_curves is acts.activation_curves


def test_a_keras_function_passed_as_a_callable_counts_as_its_name():
    from nbkeras.activations.catalog import resolve_activation

    module = keras().activations
    resolved = resolve_activation(module.threshold)
    assert (resolved.name, resolved.custom) == ("threshold", False)
    assert resolved.params == {"threshold": 1.0, "default_value": 0.0}
    assert resolve_activation(module.swish).name in ("swish", "silu")
    assert activation_parameters(module.leaky_relu)[0].default == 0.2
