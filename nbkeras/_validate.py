"""The one validation vocabulary of nbkeras: error messages, "did you mean", checks, trait types.

Every folder checks user input with these, so a mistake reads the same whether a Keras
layer, a data loader, a widget assignment or a click in a view caught it (Keras's wording)::

    Invalid value for argument `noise`. Received: noise=-1. Expected a number >= 0.

- ``invalid_value`` / ``invalid_type`` build the exceptions (the caller raises them, so the
  traceback points at the caller);
- ``is_bool`` / ``is_int`` / ``is_number`` are the NumPy-aware predicates (NumPy scalars are
  accepted wherever the Python scalar is; ``bool`` is never a number);
- ``check_*`` return the value converted to its Python type, or raise;
- ``closest`` / ``did_you_mean`` are the one spelling-suggestion rule;
- ``IntTrait``, ``NumberTrait``, ``ChoiceTrait``, ``BoolTrait`` are traitlets types that run
  the same checks on assignment (from Python or from a view's request), in lonboard's style:
  the trait carries its validation, the widget does not repeat it.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
import traitlets

MAX_SHOWN = 80  # characters of a received value shown in a message


def show_value(value: Any) -> str:
    """Format a received value for an error message (``repr``, minus NumPy's scalar wrapper)."""
    # NumPy 2 scalars repr as "np.int64(5)"; users typed 5, so show 5.
    if isinstance(value, np.generic):
        value = value.item()
    shown = repr(value)
    # A received value can be anything (a 1 MB string, a long list): the message stays readable.
    return shown if len(shown) <= MAX_SHOWN else f"{shown[: MAX_SHOWN - 5]}…{shown[-4:]}"


def value_message(
    name: str, value: Any, expected: str, *, received: str | None = None, of: str | None = None, hint: str = ""
) -> str:
    """The sentence every "invalid value" error reads, in Keras's wording.

    Args:
        name: The argument's name as the user spells it.
        value: What the user passed.
        expected: What would have been accepted, as a phrase ("a number >= 0").
        received: Replaces ``name=value`` when the value itself is unhelpful to print
            (a large array: say its shape; two arguments that disagree: say both).
        of: Whose argument it is, when the name alone is ambiguous ("Dense at position 2",
            "activation 'elu'").
        hint: A last sentence: how to fix it, or "Did you mean …?".

    Example:
        >>> value_message("units", -3, "a positive integer", of="Dense at position 2")
        'Invalid value for argument `units` of Dense at position 2. Received: units=-3. Expected a positive integer.'
    """
    shown = received if received is not None else f"{name}={show_value(value)}"
    whose = f" of {of}" if of else ""
    message = f"Invalid value for argument `{name}`{whose}. Received: {shown}. Expected {expected}."
    return f"{message} {hint}" if hint else message


def invalid_value(
    name: str, value: Any, expected: str, *, received: str | None = None, of: str | None = None, hint: str = ""
) -> ValueError:
    """Build the ValueError raised for a bad argument value (see :func:`value_message`).

    Returns:
        The exception, for the caller to raise (so tracebacks point at the caller).
    """
    return ValueError(value_message(name, value, expected, received=received, of=of, hint=hint))


def invalid_type(name: str, value: Any, expected: str, *, of: str | None = None) -> TypeError:
    """Build the TypeError raised when an argument has the wrong type.

    Args:
        name: The argument's name.
        value: What the user passed.
        expected: What would have been accepted, as a phrase ("an integer >= 1").
        of: Whose argument it is (see :func:`value_message`).

    Returns:
        The exception, for the caller to raise.
    """
    whose = f" of {of}" if of else ""
    return TypeError(
        f"Invalid type for argument `{name}`{whose}. Received: {name}={show_value(value)} "
        f"(of type {type(value).__name__}). Expected {expected}."
    )


def is_bool(value: Any) -> bool:
    """True for ``True``/``False`` and NumPy booleans."""
    return isinstance(value, (bool, np.bool_))


def is_int(value: Any) -> bool:
    """True for Python and NumPy integers; False for bools (``bool`` subclasses ``int``) and floats."""
    # Without the bool test, n_samples=True would mean 1 sample.
    return isinstance(value, Integral) and not is_bool(value)


def is_number(value: Any) -> bool:
    """True for Python and NumPy real numbers (ints and floats, NaN included); False for bools."""
    return isinstance(value, Real) and not is_bool(value)


def closest(name: Any, choices: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` of ``choices`` spelled most like ``name`` (case-insensitive), best first.

    Example:
        >>> closest("Dens", ["Dense", "Dropout"])
        ['Dense']
    """
    if not isinstance(name, str):
        return []
    lowered = {c.lower(): c for c in choices}
    return [lowered[m] for m in difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.5)]


def did_you_mean(close: Sequence[str], *, quote: bool = True) -> str:
    """``"Did you mean 'relu'?"`` for the closest names (see :func:`closest`), or ``""``.

    Example:
        >>> did_you_mean(["relu", "relu6"])
        "Did you mean one of 'relu', 'relu6'?"
    """
    if not close:
        return ""
    names = ", ".join(repr(c) if quote else c for c in close)
    return f"Did you mean {names}?" if len(close) == 1 else f"Did you mean one of {names}?"


def check_int(name: str, value: Any, *, min_value: int = 1, max_value: int | None = None) -> int:
    """Return ``value`` as a Python int after checking it is an integer in range.

    Args:
        name: The argument's name, for the message.
        value: The user's value. Python and NumPy integers are accepted; bools and
            floats (even 10.0) are not, because they usually signal a mix-up.
        min_value: Smallest accepted value.
        max_value: Largest accepted value, or None for no upper bound.

    Returns:
        The value as a plain ``int``.

    Raises:
        TypeError: If ``value`` is not an integer.
        ValueError: If ``value`` is out of range.

    Example:

        >>> check_int("n_samples", 100)
        100
    """
    if max_value is None:
        expected = f"an integer >= {min_value}"
    else:
        expected = f"an integer between {min_value} and {max_value}"
    if not is_int(value):
        raise invalid_type(name, value, expected)
    value = int(value)
    if value < min_value or (max_value is not None and value > max_value):
        raise invalid_value(name, value, expected)
    return value


def check_number(
    name: str,
    value: Any,
    *,
    min_value: float | None = None,
    max_value: float | None = None,
    exclusive: bool = False,
) -> float:
    """Return ``value`` as a float after checking it is a finite real number in range.

    Args:
        name: The argument's name, for the message.
        value: The user's value (int or float, Python or NumPy; not bool).
        min_value: Lower bound, or None.
        max_value: Upper bound, or None.
        exclusive: If True the bounds themselves are rejected.

    Returns:
        The value as a plain ``float``.

    Raises:
        TypeError: If ``value`` is not a real number.
        ValueError: If ``value`` is NaN, infinite or out of range.

    Example:

        >>> check_number("noise", 0.1, min_value=0)
        0.1
    """
    if min_value is not None and max_value is not None:
        how = "strictly between" if exclusive else "between"
        expected = f"a number {how} {min_value:g} and {max_value:g}"
    elif min_value is not None:
        expected = f"a number {'>' if exclusive else '>='} {min_value:g}"
    elif max_value is not None:
        expected = f"a number {'<' if exclusive else '<='} {max_value:g}"
    else:
        expected = "a finite number"
    if not is_number(value):
        raise invalid_type(name, value, expected)
    number = float(value)
    too_low = min_value is not None and (number <= min_value if exclusive else number < min_value)
    too_high = max_value is not None and (number >= max_value if exclusive else number > max_value)
    if not math.isfinite(number) or too_low or too_high:
        raise invalid_value(name, value, expected)
    return number


def check_fraction(name: str, value: Any) -> float:
    """Check a split fraction such as ``test_size``: a number strictly between 0 and 1.

    Args:
        name: The argument's name.
        value: The user's value.

    Returns:
        The fraction as a float.

    Example:

        >>> check_fraction("test_size", 0.2)
        0.2
    """
    return check_number(name, value, min_value=0, max_value=1, exclusive=True)


def check_choice(name: str, value: Any, choices: Iterable[str]) -> str:
    """Check that ``value`` is one of a fixed set of strings, listing them if not.

    Args:
        name: The argument's name.
        value: The user's value.
        choices: The accepted strings.

    Returns:
        ``value`` unchanged.

    Example:

        >>> check_choice("encoding", "int", ("onehot", "int"))
        'int'
    """
    choices = tuple(choices)
    expected = "one of " + ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise invalid_type(name, value, expected)
    if value not in choices:
        raise invalid_value(name, value, expected, hint=did_you_mean(closest(value, choices)))
    return value


def check_bool(name: str, value: Any) -> bool:
    """Check a flag: only True or False (not 0/1, not "yes").

    Args:
        name: The argument's name.
        value: The user's value.

    Returns:
        The flag as a plain ``bool``.

    Example:

        >>> check_bool("reverse", False)
        False
    """
    if not is_bool(value):
        raise invalid_type(name, value, "True or False")
    return bool(value)


def check_seed(value: Any) -> int:
    """Check a ``seed`` argument: a non-negative integer (None is refused to stay reproducible).

    Args:
        value: The user's value.

    Returns:
        The seed as an int.

    Example:

        >>> check_seed(0)
        0
    """
    return check_int("seed", value, min_value=0)


# --- trait types that carry their validation ------------------------------------------------


class _CheckedTrait(traitlets.TraitType):
    """A trait whose ``validate`` is one of the checks above, named after the trait.

    A refused value raises ``traitlets.TraitError`` carrying the check's message, so an
    assignment from Python and a request from a view read the same error.
    """

    def _check(self, name: str, value: Any) -> Any:
        raise NotImplementedError

    def validate(self, obj: Any, value: Any) -> Any:
        if value is None and self.allow_none:
            return None
        try:
            return self._check(self.name, value)
        except (TypeError, ValueError) as exc:
            raise traitlets.TraitError(str(exc)) from None


class IntTrait(_CheckedTrait):
    """An integer trait in ``[min_value, max_value]`` (NumPy integers accepted, stored as ``int``)."""

    default_value = 0
    info_text = "an integer"

    def __init__(self, default_value: Any = 0, *, min_value: int = 0, max_value: int | None = None, **kwargs: Any):
        self.min_value, self.max_value = min_value, max_value
        super().__init__(default_value=default_value, **kwargs)

    def _check(self, name: str, value: Any) -> int:
        return check_int(name, value, min_value=self.min_value, max_value=self.max_value)


class NumberTrait(_CheckedTrait):
    """A finite real-number trait, optionally bounded (stored as ``float``)."""

    default_value = 0.0
    info_text = "a number"

    def __init__(
        self,
        default_value: Any = 0.0,
        *,
        min_value: float | None = None,
        max_value: float | None = None,
        exclusive: bool = False,
        **kwargs: Any,
    ):
        self.min_value, self.max_value, self.exclusive = min_value, max_value, exclusive
        super().__init__(default_value=default_value, **kwargs)

    def _check(self, name: str, value: Any) -> float:
        return check_number(name, value, min_value=self.min_value, max_value=self.max_value, exclusive=self.exclusive)


class ChoiceTrait(_CheckedTrait):
    """A string trait that must be one of ``choices`` (a sequence, or a callable returning one).

    A callable is read at each assignment: catalogs read from Keras at run time stay lazy.
    """

    default_value = ""
    info_text = "one of a set of names"

    def __init__(self, choices: Iterable[str] | Callable[[], Iterable[str]], default_value: Any = "", **kwargs: Any):
        self._choices = choices if callable(choices) else tuple(choices)
        super().__init__(default_value=default_value, **kwargs)

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self._choices()) if callable(self._choices) else self._choices

    def _check(self, name: str, value: Any) -> str:
        return check_choice(name, value, self.choices)


class BoolTrait(_CheckedTrait):
    """A flag trait: True or False (NumPy booleans accepted, stored as ``bool``)."""

    default_value = False
    info_text = "True or False"

    def _check(self, name: str, value: Any) -> bool:
        return check_bool(name, value)
