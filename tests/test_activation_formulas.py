"""Formulas: LaTeX plus numeric twins, checked against Keras and against autodiff."""

from __future__ import annotations

import numpy as np
import pytest

from nbkeras.activations import (
    activation_aliases,
    activation_curves,
    activation_names,
    activation_parameters,
    formula,
)
from nbkeras.activations.formulas import formula_names

GRID = np.linspace(-4.0, 4.0, 400)  # avoids 0 and the integer kinks

REQUIRED = [
    "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "swish",
    "softplus", "softsign", "mish", "hard_sigmoid",
]  # fmt: skip

CASES = [(name, {}) for name in activation_names() if formula(name) is not None] + [
    ("gelu", {"approximate": True}),
    ("leaky_relu", {"negative_slope": 0.1}),
    ("relu", {"negative_slope": 0.1, "max_value": 3.0, "threshold": -1.0}),
    ("relu", {"negative_slope": 0.05, "max_value": 2.0, "threshold": 0.5}),
    ("relu", {"max_value": 6.0}),
    ("elu", {"alpha": 2.0}),
    ("celu", {"alpha": 0.5}),
    ("squareplus", {"b": 1.0}),
    ("squareplus", {"b": 0.0}),
    ("hard_shrink", {"threshold": 1.2}),
    ("soft_shrink", {"threshold": 1.2}),
    ("threshold", {"threshold": -0.7, "default_value": 2.0}),
]


def test_required_formulas_exist_and_most_keras_activations_have_one():
    for name in REQUIRED:
        assert formula(name) is not None, name
    missing = [n for n in activation_names() if formula(n) is None]
    assert missing == [], f"no formula yet for {missing}"


@pytest.mark.parametrize(("name", "params"), CASES, ids=lambda v: str(v))
def test_twins_match_keras_and_autodiff(name, params):
    f = formula(name, **params)
    y, dy = activation_curves(name, GRID, **params)
    np.testing.assert_allclose(f.numeric(GRID), y, rtol=1e-6, atol=1e-12)

    breaks = np.array(f.kinks + f.jumps)
    away = np.ones(GRID.shape, bool)
    if breaks.size:
        away = np.all(np.abs(GRID[:, None] - breaks[None, :]) > 1e-3, axis=1)
    twin = f.derivative(GRID)
    assert twin is not None
    # atol: TensorFlow's float64 gelu gradient has absolute errors up to ~6e-9 (checked
    # against mpmath: the twins are exact to ~1e-16), which matters where f' crosses 0.
    np.testing.assert_allclose(twin[away], dy[away], rtol=1e-6, atol=1e-8)
    # f' is undefined exactly at kinks and jumps: the twin says so.
    if breaks.size:
        assert np.all(np.isnan(f.derivative(breaks)))


def test_formula_defaults_are_the_keras_defaults():
    for name in activation_names():
        f = formula(name)
        expected = {p.name: p.default for p in activation_parameters(name)}
        assert dict(f.params) == expected, name


def test_aliases_agree_with_keras():
    for alias, canonical in activation_aliases().items():
        assert formula(alias).name == canonical
        assert formula(alias).latex == formula(canonical).latex
    assert set(formula_names()) >= set(activation_names())


def test_tanh_is_right_where_the_seed_article_was_wrong():
    f = formula("tanh")
    assert r"\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}" in f.latex
    assert f.derivative_latex == r"\tanh'(x) = 1 - \tanh^{2}(x)"
    assert f.derivative([0.0]).tolist() == [1.0]
    assert f.kinks == () and f.jumps == ()


def test_relu_derivative_states_it_is_not_differentiable_at_0():
    f = formula("relu")
    assert r"\text{not differentiable} & x = 0\ (\text{left } 0,\ \text{right } 1)" in (f.derivative_latex)
    assert f.kinks == (0.0,)
    assert np.isnan(f.derivative([0.0])[0])
    assert f.derivative([-1.0, 1.0]).tolist() == [0.0, 1.0]


def test_leaky_relu_symbol_is_negative_slope():
    f = formula("leaky_relu")
    (alpha,) = f.symbols
    assert (alpha.latex, alpha.argument, alpha.value) == (r"\alpha", "negative_slope", 0.2)
    assert r"\alpha x" in f.latex
    assert "negative_slope" in f.legend()[0]
    g = formula("leaky_relu", negative_slope=0.1)
    assert g.numeric([-1.0]).tolist() == [-0.1]
    assert g.derivative([-1.0]).tolist() == [0.1]
    assert "left } \\tfrac{1}{10}" in g.derivative_latex


def test_hard_sigmoid_is_keras_3_relu6_over_6():
    f = formula("hard_sigmoid")
    assert r"\operatorname{relu6}(x + 3)}{6}" in f.latex
    assert "0.2" not in f.latex
    assert f.derivative([0.0])[0] == pytest.approx(1 / 6)
    assert f.kinks == (-3.0, 3.0)


def test_gelu_exact_and_approximate_differ_and_say_which():
    exact, approx = formula("gelu"), formula("gelu", approximate=True)
    assert r"\operatorname{erf}" in exact.latex and r"\tanh" in approx.latex
    assert "approximate=False" in exact.note and "approximate=True" in approx.note
    assert np.max(np.abs(exact.numeric(GRID) - approx.numeric(GRID))) > 1e-4
    assert exact.numeric(GRID, approximate=True).tolist() == approx.numeric(GRID).tolist()


def test_selu_constants_are_fixed_not_arguments():
    f = formula("selu")
    assert all(s.argument is None for s in f.symbols)
    assert {s.latex for s in f.symbols} == {r"\lambda", r"\alpha"}
    assert "fixed constant" in f.legend()[0]


def test_celu_note_mentions_autodiff_at_0():
    f = formula("celu")
    assert f.kinks == () and "returns 2" in f.note
    assert f.derivative([0.0]).tolist() == [1.0]


def test_breakpoints_are_classified_from_the_twin():
    assert formula("relu6").kinks == (0.0, 6.0)
    assert formula("threshold").jumps == (1.0,)
    assert formula("hard_shrink").jumps == (-0.5, 0.5)
    assert formula("sparse_plus").kinks == ()  # C^1: f' is continuous at -1 and 1
    assert formula("elu").kinks == () and formula("elu", alpha=2.0).kinks == (0.0,)
    assert formula("squareplus").kinks == () and formula("squareplus", b=0).kinks == (0.0,)
    assert formula("selu").kinks == (0.0,)


def test_unknown_names_return_none_and_bad_params_raise():
    assert formula("nope") is None
    assert formula("softmax") is None
    assert formula(lambda x: x) is None  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Invalid argument `slope` for activation 'leaky_relu'"):
        formula("leaky_relu", slope=0.1)
    with pytest.raises(ValueError, match="Expected True or False"):
        formula("gelu", approximate=1)


def test_latex_is_well_formed():
    for name in formula_names():
        f = formula(name)
        for tex in (f.latex, f.derivative_latex):
            assert tex and tex.count("{") == tex.count("}"), (name, tex)
            assert tex.count(r"\begin{cases}") == tex.count(r"\end{cases}")
            assert "$" not in tex


def test_overflow_in_twins_is_silent():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in formula_names():
            f = formula(name)
            f.numeric([-1000.0, 1000.0])
            f.derivative([-1000.0, 1000.0])
    assert np.isinf(formula("exponential").numeric([1000.0])[0])
