"""Argument validation shared by every loader: the one source of truth for error messages.

Messages follow Keras's wording so users see the same shape of error whether a mistake
is caught by a Keras layer or by an nbkeras loader::

    Invalid value for argument `noise`. Received: noise=-1. Expected a number >= 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any

import numpy as np


def show_value(value: Any) -> str:
    """Format a received value for an error message (``repr``, minus NumPy's scalar wrapper)."""
    # NumPy 2 scalars repr as "np.int64(5)"; users typed 5, so show 5.
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def invalid_value(name: str, value: Any, expected: str, *, received: str | None = None) -> ValueError:
    """Build the ValueError every loader raises for a bad argument value.

    Args:
        name: The argument's name as the user spells it.
        value: What the user passed.
        expected: What would have been accepted, as a phrase ("a number >= 0").
        received: Replaces ``name=value`` in the message when the value itself is
            unhelpful to print (for example a large array: say its shape instead).

    Returns:
        The exception, for the caller to raise (so tracebacks point at the caller).
    """
    shown = received if received is not None else f"{name}={show_value(value)}"
    return ValueError(f"Invalid value for argument `{name}`. Received: {shown}. Expected {expected}.")


def invalid_type(name: str, value: Any, expected: str) -> TypeError:
    """Build the TypeError raised when an argument has the wrong type.

    Args:
        name: The argument's name.
        value: What the user passed.
        expected: What would have been accepted, as a phrase ("an integer >= 1").

    Returns:
        The exception, for the caller to raise.
    """
    return TypeError(
        f"Invalid type for argument `{name}`. Received: {name}={show_value(value)} "
        f"(of type {type(value).__name__}). Expected {expected}."
    )


def _is_bool(value: Any) -> bool:
    # bool is a subclass of int: without this, n_samples=True would mean 1 sample.
    return isinstance(value, (bool, np.bool_))


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
    if _is_bool(value) or not isinstance(value, Integral):
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
    if _is_bool(value) or not isinstance(value, Real):
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
        raise invalid_value(name, value, expected)
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
    if not _is_bool(value):
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
