"""The one validation vocabulary (nbkeras/_validate.py): messages, predicates, checks, trait types."""

import math

import numpy as np
import pytest
import traitlets

from nbkeras import _validate as v


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3)])
def test_integers_python_and_numpy_are_integers(value):
    assert v.is_int(value) and v.is_number(value)
    assert v.check_int("n", value) == 3 and type(v.check_int("n", value)) is int


@pytest.mark.parametrize("value", [True, np.bool_(False), 3.0, "3", None])
def test_bools_floats_strings_are_not_integers(value):
    assert not v.is_int(value)
    with pytest.raises(TypeError, match=r"Invalid type for argument `n`\. Received: n="):
        v.check_int("n", value)


def test_numpy_scalars_are_shown_as_the_user_typed_them():
    with pytest.raises(ValueError, match=r"Received: n=0\. Expected an integer >= 1\."):
        v.check_int("n", np.int64(0))


@pytest.mark.parametrize("value", [math.nan, math.inf, -1.0])
def test_numbers_must_be_finite_and_in_range(value):
    with pytest.raises(ValueError, match="Expected a number >= 0"):
        v.check_number("noise", value, min_value=0)


def test_bool_accepts_numpy_booleans_and_refuses_integers():
    assert v.check_bool("use_bias", np.bool_(False)) is False
    with pytest.raises(TypeError, match="Expected True or False"):
        v.check_bool("use_bias", 0)


def test_a_misspelled_choice_gets_the_closest_names():
    with pytest.raises(ValueError) as caught:
        v.check_choice("activation", "rleu", ("relu", "tanh", "sigmoid"))
    assert str(caught.value) == (
        "Invalid value for argument `activation`. Received: activation='rleu'. "
        "Expected one of 'relu', 'tanh', 'sigmoid'. Did you mean 'relu'?"
    )
    assert v.closest("DENS", ["Dense", "Dropout"]) == ["Dense"]
    assert v.did_you_mean(["a", "b"]) == "Did you mean one of 'a', 'b'?"
    assert v.did_you_mean([]) == ""


def test_a_huge_received_value_is_cut_in_the_message():
    with pytest.raises(TypeError) as caught:
        v.check_choice("name", list(range(100_000)), ("a",))
    assert len(str(caught.value)) < 200 and "…" in str(caught.value)


class _Settings(traitlets.HasTraits):
    layers = v.IntTrait(3, min_value=1, max_value=64)
    rate = v.NumberTrait(0.5, min_value=0, max_value=1, exclusive=True)
    kind = v.ChoiceTrait(lambda: ("relu", "tanh"), "relu")
    flag = v.BoolTrait(False)


def test_trait_types_convert_numpy_and_refuse_with_the_checks_message():
    s = _Settings()
    s.layers, s.rate, s.flag = np.int32(8), np.float32(0.25), np.bool_(True)
    assert (s.layers, s.rate, s.flag) == (8, 0.25, True)
    assert (type(s.layers), type(s.rate), type(s.flag)) == (int, float, bool)
    with pytest.raises(traitlets.TraitError, match=r"Received: layers=65\. Expected an integer between 1 and 64\."):
        s.layers = 65
    with pytest.raises(traitlets.TraitError, match=r"Expected a number strictly between 0 and 1\."):
        s.rate = 1
    with pytest.raises(traitlets.TraitError, match="Did you mean 'tanh'"):
        s.kind = "tahn"
    assert (s.layers, s.rate, s.kind) == (8, 0.25, "relu")  # refused values leave the last good state
