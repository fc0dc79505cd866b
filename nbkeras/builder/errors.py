"""What goes wrong in a model spec, worded like Keras's own errors.

Every problem is a :class:`SpecIssue` that names where it is (layer position and
class, or ``compile``/``input_shape``), the argument, what was received, what was
expected and how to fix it. :class:`SpecError` carries a list of them. The pieces of
the wording (``show_value``, ``closest``, ``did_you_mean``) are the shared ones of
``nbkeras._validate``; the builder's messages add where in the spec the value is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nbkeras._validate import show_value, value_message

__all__ = ["SpecError", "SpecIssue"]

# Received values are shown with repr(); garbage can be huge (a 1 MB string), so cut it.
_MAX_SHOWN = 80


@dataclass(frozen=True)
class SpecIssue:
    """One problem in a spec.

    Attributes:
        message: The full sentence(s) to show, e.g. ``"Invalid value for argument
            `units` of Dense at position 2. Received: units=-3. Expected a positive
            integer."``
        position: 1-based layer position, or None for the input, the compile
            settings or the spec as a whole.
        class_name: The layer class at ``position`` (as written in the spec), or
            ``"compile"`` for the compile settings.
        argument: The argument at fault (``"units"``, ``"inputs"`` for the tensor a
            layer receives, ``"input_shape"``, ``"loss"``), or None.
        received: What was received, as shown to the user.
        expected: What would be accepted, as a phrase.
        fix: How to fix it, or ``""``.
    """

    message: str
    position: int | None = None
    class_name: str | None = None
    argument: str | None = None
    received: str | None = None
    expected: str | None = None
    fix: str = ""

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form, sent to the builder's view."""
        return {
            "message": self.message,
            "position": self.position,
            "class_name": self.class_name,
            "argument": self.argument,
            "received": self.received,
            "expected": self.expected,
            "fix": self.fix,
        }


class SpecError(ValueError):
    """A spec cannot be used: its ``issues`` say why, one :class:`SpecIssue` each.

    A ``ValueError`` subclass, like the errors Keras raises for bad arguments.

    Example:
        >>> try:
        ...     raise SpecError([SpecIssue("The spec has no layers.")])
        ... except SpecError as error:
        ...     [str(issue) for issue in error.issues]
        ['The spec has no layers.']
    """

    def __init__(self, issues: list[SpecIssue] | tuple[SpecIssue, ...]) -> None:
        self.issues: tuple[SpecIssue, ...] = tuple(issues)
        super().__init__("\n".join(issue.message for issue in self.issues) or "Invalid model spec.")


def show(value: Any) -> str:
    """Format a received value for a message: the shared ``show_value`` (repr, 5 for
    ``np.int64(5)``), cut to a readable length."""
    try:
        text = show_value(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real problem
        text = f"<{type(value).__name__}>"
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def where(position: int | None, class_name: str | None, inside: str | None = None) -> str:
    """Name a place in the spec: ``"Dense at position 2"``.

    Args:
        position: 1-based layer position, or None.
        class_name: Layer class, or None.
        inside: For a wrapped layer, the wrapper's class (``"Bidirectional"``).
    """
    if position is None:
        return class_name or "the spec"
    if inside:
        return f"{class_name} (the layer of {inside} at position {position})"
    return f"{class_name} at position {position}"


def invalid_value(
    place: str,
    argument: str,
    value: Any,
    expected: str,
    *,
    fix: str = "",
    position: int | None = None,
    class_name: str | None = None,
    received: str | None = None,
) -> SpecIssue:
    """The issue for a bad argument value, in Keras's wording.

    Example:
        >>> invalid_value("Dense at position 2", "units", -3, "a positive integer").message
        'Invalid value for argument `units` of Dense at position 2. Received: units=-3. Expected a positive integer.'
    """
    shown = received if received is not None else f"{argument}={show(value)}"
    message = value_message(argument, value, expected, received=shown, of=place, hint=fix)
    return SpecIssue(message, position, class_name, argument, shown, expected, fix)
