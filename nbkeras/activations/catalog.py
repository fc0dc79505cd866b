"""Which activations Keras exports, which of them have a curve, and their parameters.

Everything here is *read from Keras at run time* (``keras.activations``): nbkeras keeps
no list of activation names. What nbkeras does keep is small and documented:

* ``REQUIRED_DEFAULTS``: values for arguments Keras makes *required* (today only the
  ``threshold`` activation's ``threshold`` and ``default_value``), so that every
  element-wise activation can be drawn without the user typing anything first;
* ``_RANGES``: suggested slider ranges for known numeric arguments (a heuristic is used
  for arguments it does not know);
* ``_WHY``: a one-line explanation, for the excluded (not element-wise) activations it
  knows, of *why* they have no single curve. The decision to exclude is always made by
  evaluating the function (see :func:`_element_wise_problem`); the table only words it.

Example:

    >>> from nbkeras.activations import activation_names, activation_parameters
    >>> "relu" in activation_names()
    True
    >>> [p.name for p in activation_parameters("leaky_relu")]
    ['negative_slope']
"""

from __future__ import annotations

import functools
import inspect
import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nbkeras._keras import keras, tf
from nbkeras._validate import closest, did_you_mean, invalid_value, is_bool, is_int, is_number

__all__ = [
    "ActivationError",
    "ParameterSpec",
    "ResolvedActivation",
    "activation_aliases",
    "activation_names",
    "activation_parameters",
    "excluded_activations",
    "resolve_activation",
]


class ActivationError(ValueError):
    """An activation could not be evaluated (it raised, or returned something unusable).

    A ``ValueError`` subclass, so code that already catches bad input keeps working.
    """


# Keras makes these arguments required (no default in the signature). nbkeras supplies
# these values so the curve can be drawn at once; the parameter spec says so
# (``ParameterSpec.required`` is True and ``note`` explains).
# threshold(x, threshold=1, default_value=0): x above 1 passes, the rest become 0, which
# shows both the jump and the pass-through part on the default [-5, 5] view.
REQUIRED_DEFAULTS: dict[str, dict[str, Any]] = {
    "threshold": {"threshold": 1.0, "default_value": 0.0},
}

# Suggested slider ranges (min, max, step) for known numeric arguments.
_RANGES: dict[tuple[str, str], tuple[float, float, float]] = {
    ("relu", "negative_slope"): (0.0, 1.0, 0.01),
    ("relu", "max_value"): (0.5, 10.0, 0.1),
    ("relu", "threshold"): (-3.0, 3.0, 0.05),
    ("leaky_relu", "negative_slope"): (0.0, 1.0, 0.01),
    ("elu", "alpha"): (0.0, 3.0, 0.05),
    # celu divides by alpha: keep the slider away from 0.
    ("celu", "alpha"): (0.1, 3.0, 0.05),
    ("hard_shrink", "threshold"): (0.0, 3.0, 0.05),
    ("soft_shrink", "threshold"): (0.0, 3.0, 0.05),
    # b -> 0 turns squareplus into relu, which is worth seeing.
    ("squareplus", "b"): (0.0, 10.0, 0.1),
    ("threshold", "threshold"): (-3.0, 3.0, 0.05),
    ("threshold", "default_value"): (-3.0, 3.0, 0.05),
}

# Keras gives squareplus's smoothness ``b`` an int default (4), but it is a real number.
_KIND_OVERRIDES: dict[tuple[str, str], str] = {("squareplus", "b"): "float"}

# Wording only (the exclusion itself is measured): why an activation has no curve.
_WHY: dict[str, str] = {
    "softmax": "normalises across the last axis",
    "log_softmax": "normalises across the last axis (it is log(softmax(x)))",
    "sparsemax": "projects the last axis onto the probability simplex",
    "glu": "splits the last axis into halves a and b and returns a * sigmoid(b)",
}


@dataclass(frozen=True)
class ParameterSpec:
    """One argument of an activation (everything after the input ``x``).

    Attributes:
        name: The Keras argument name, e.g. ``"negative_slope"``.
        kind: ``"float"``, ``"int"``, ``"bool"`` or ``"choice"``.
        default: The Keras default, or nbkeras's value when Keras requires the argument.
        min: Suggested slider minimum (numbers only, else None).
        max: Suggested slider maximum (numbers only, else None).
        step: Suggested slider step (numbers only, else None).
        choices: Allowed values for ``kind == "choice"``.
        optional: True when ``None`` is a valid value (e.g. relu's ``max_value``).
        required: True when Keras requires the argument; ``default`` then comes from
            nbkeras's table of sensible values (see ``note``).
        note: Free text for display.
    """

    name: str
    kind: str
    default: Any
    min: float | None = None
    max: float | None = None
    step: float | None = None
    choices: tuple[Any, ...] | None = None
    optional: bool = False
    required: bool = False
    note: str = ""


@dataclass(frozen=True)
class ResolvedActivation:
    """An activation ready to call: ``fn(x, **params)``.

    Attributes:
        name: Keras name (``"relu"``) or the custom callable's ``__name__``.
        fn: The callable.
        params: Every parameter to pass, defaults filled in (Keras activations only;
            for custom callables exactly what the caller gave).
        custom: True for a user callable, False for a ``keras.activations`` name.
    """

    name: str
    fn: Callable[..., Any]
    params: Mapping[str, Any] = field(default_factory=dict)
    custom: bool = False


@dataclass(frozen=True)
class _Catalog:
    names: tuple[str, ...]
    excluded: Mapping[str, str]  # activations without a single curve, with why
    aliases: Mapping[str, str]
    helpers: Mapping[str, str]  # get, serialize, deserialize: not activations, never listed


def _public_callables() -> dict[str, Callable[..., Any]]:
    module = keras().activations
    return {
        name: getattr(module, name)
        for name in sorted(dir(module))
        if not name.startswith("_") and callable(getattr(module, name))
    }


def _first_parameter(fn: Callable[..., Any]) -> inspect.Parameter | None:
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    return params[0] if params else None


def _element_wise_problem(name: str, fn: Callable[..., Any]) -> str | None:
    """Return why ``fn`` is not element-wise, or None when it is.

    Evaluates ``fn`` on a 2x4 input three ways: as is, as an 8x1 column (each element
    alone on the last axis) and with one element changed. An element-wise function
    keeps the shape, gives the same values both ways, and changing ``x[0, 0]`` changes
    no other output.
    """
    t = tf()
    params = dict(REQUIRED_DEFAULTS.get(name, {}))
    x = np.array([[-1.5, -0.5, 0.25, 2.0], [0.75, -2.5, 1.25, 3.0]], dtype=np.float32)
    with warnings.catch_warnings():
        # Keras warns about softmax over a size-1 axis: that is exactly the probe.
        warnings.simplefilter("ignore")
        return _probe(name, fn, t, x, params)


def _probe(name: str, fn: Callable[..., Any], t: Any, x: np.ndarray, params: dict) -> str | None:
    why = _WHY.get(name)
    try:
        y = np.asarray(fn(t.constant(x), **params))
    except Exception as exc:  # noqa: BLE001 - any failure on a 2-D input disqualifies it
        return (
            f"{name} {why or 'cannot be evaluated point by point'} (on a 2x4 input it "
            f"raised {type(exc).__name__}: {exc}), so it has no single curve"
        )
    if y.shape != x.shape:
        return (
            f"{name} {why or 'changes the shape of its input'} (a 2x4 input gave "
            f"{y.shape}), so an output depends on other elements: it has no single curve"
        )
    try:
        alone = np.asarray(fn(t.constant(x.reshape(-1, 1)), **params)).reshape(x.shape)
        bumped = x.copy()
        bumped[0, 0] += 1.0
        y_bumped = np.asarray(fn(t.constant(bumped), **params))
    except Exception as exc:  # noqa: BLE001 - Keras's own code: whatever it raises disqualifies it
        return f"{name} fails on a column input ({type(exc).__name__}: {exc})"
    others_changed = not np.array_equal(np.delete(y_bumped.ravel(), 0), np.delete(y.ravel(), 0))
    if others_changed or not np.allclose(alone, y, rtol=1e-6, atol=1e-6, equal_nan=True):
        return f"{name} {why or 'mixes elements along an axis'}, so f(x_i) depends on every x_j: it has no single curve"
    return None


@functools.lru_cache(maxsize=1)
def _catalog() -> _Catalog:
    names: list[str] = []
    excluded: dict[str, str] = {}
    helpers: dict[str, str] = {}
    by_function: dict[int, list[str]] = {}
    for name, fn in _public_callables().items():
        first = _first_parameter(fn)
        # An activation takes the tensor ``x`` first; ``get(identifier)``,
        # ``serialize(activation)`` and ``deserialize(config)`` are lookup helpers.
        if first is None or first.name != "x":
            arg = first.name if first is not None else "nothing"
            helpers[name] = (
                f"{name} is a helper of keras.activations, not an activation: its first "
                f"argument is `{arg}`, not an input tensor x"
            )
            continue
        problem = _element_wise_problem(name, fn)
        if problem is not None:
            excluded[name] = problem
            continue
        names.append(name)
        by_function.setdefault(id(fn), []).append(name)
    aliases: dict[str, str] = {}
    module = keras().activations
    for group in by_function.values():
        if len(group) < 2:
            continue
        # The canonical name is the function's own __name__ (silu for swish).
        own = getattr(getattr(module, group[0]), "__name__", group[0])
        canonical = own if own in group else group[0]
        aliases.update({alias: canonical for alias in group if alias != canonical})
    return _Catalog(tuple(names), excluded, aliases, helpers)


def activation_names() -> tuple[str, ...]:
    """Names of the element-wise activations ``keras.activations`` exports.

    Discovered at run time: every public callable of ``keras.activations`` whose first
    argument is ``x`` and which is element-wise when evaluated (see
    :func:`excluded_activations` for the rest). Aliases (``swish`` for ``silu``) are
    kept: both names are listed and accepted; :func:`activation_aliases` maps them.

    Returns:
        Sorted tuple of names, e.g. ``("celu", "elu", ..., "threshold")``.

    Example:
        >>> "softmax" in activation_names()
        False
    """
    return _catalog().names


def excluded_activations() -> dict[str, str]:
    """Activations of ``keras.activations`` that have no single curve, with why.

    Returns:
        ``{name: reason}``, e.g. ``{"softmax": "softmax normalises across the last
        axis, so f(x_i) depends on every x_j: it has no single curve", ...}``. The
        module's helpers (``get``, ``serialize``, ``deserialize``: their first argument
        is not a tensor) are not activations and are not listed.

    Example:
        >>> "normalises" in excluded_activations()["softmax"]
        True
    """
    return dict(_catalog().excluded)


def activation_aliases() -> dict[str, str]:
    """Map each alias to its canonical name, e.g. ``{"swish": "silu", ...}``.

    Two exported names are aliases when they are the same function object.

    Example:
        >>> activation_aliases()["swish"]
        'silu'
    """
    return dict(_catalog().aliases)


def _unknown_name_error(name: str) -> ValueError:
    names = activation_names()
    catalog = _catalog()
    valid = ", ".join(names)
    why = catalog.excluded.get(name) or catalog.helpers.get(name)
    if why:
        return ValueError(f"Activation '{name}' cannot be drawn: {why}. Valid names: {valid}.")
    hint = did_you_mean(closest(name, names))
    return ValueError(f"Unknown activation '{name}'.{' ' + hint if hint else ''} Valid names: {valid}.")


def _keras_function(name: str) -> Callable[..., Any]:
    if not isinstance(name, str) or name not in activation_names():
        raise _unknown_name_error(name)
    return getattr(keras().activations, name)


def _numeric_range(name: str, param: str, kind: str, default: Any) -> tuple[float | None, float | None, float | None]:
    if kind not in ("float", "int"):
        return None, None, None
    known = _RANGES.get((name, param))
    if known is not None:
        return known
    # Unknown argument: centre a range on the default, wide enough to see a change.
    d = float(default) if is_number(default) else 0.0
    span = max(1.0, 2.0 * abs(d))
    if kind == "int":
        return float(math.floor(d - span)), float(math.ceil(d + span)), 1.0
    return d - span, d + span, span / 50.0


def _kind_of(value: Any) -> str:
    if is_bool(value):
        return "bool"
    if is_int(value):
        return "int"
    if isinstance(value, str):
        return "choice"
    return "float"


def _specs_for(name: str, fn: Callable[..., Any], custom: bool) -> list[ParameterSpec]:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return []
    parameters = list(signature.parameters.values())
    specs: list[ParameterSpec] = []
    for p in parameters[1:]:  # everything after the input x
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        required = p.default is inspect.Parameter.empty
        note = ""
        if required:
            default = REQUIRED_DEFAULTS.get(name, {}).get(p.name) if not custom else None
            if default is not None:
                note = f"Keras requires `{p.name}`; nbkeras uses {default!r} until you choose a value"
            else:
                note = f"required: pass `{p.name}`"
        else:
            default = p.default
        optional = not required and p.default is None
        kind = _KIND_OVERRIDES.get((name, p.name)) or ("float" if default is None else _kind_of(default))
        if (name, p.name) in _KIND_OVERRIDES and default is not None:
            default = float(default) if kind == "float" else default
        lo, hi, step = _numeric_range(name, p.name, kind, default)
        choices = (default,) if kind == "choice" else None
        if optional:
            note = note or f"None (the default) means no {p.name.replace('_', ' ')}"
        specs.append(
            ParameterSpec(
                name=p.name,
                kind=kind,
                default=default,
                min=lo,
                max=hi,
                step=step,
                choices=choices,
                optional=optional,
                required=required,
                note=note,
            )
        )
    return specs


def _display_name(fn: Callable[..., Any]) -> str:
    name = getattr(fn, "__name__", None)
    if name is None and isinstance(fn, functools.partial):
        name = getattr(fn.func, "__name__", None)
    return name or type(fn).__name__


def _keras_name_of(fn: Callable[..., Any]) -> str | None:
    """The exported name of ``fn`` if it *is* a ``keras.activations`` function.

    So ``keras.activations.relu`` passed as a callable gets the same checks and
    defaults as the name ``"relu"``.
    """
    if not str(getattr(fn, "__module__", "")).startswith("keras"):
        return None
    module = keras().activations
    name = getattr(fn, "__name__", None)
    if name in activation_names() and getattr(module, name) is fn:
        return name
    return next((n for n in activation_names() if getattr(module, n) is fn), None)


def activation_parameters(activation: str | Callable[..., Any]) -> list[ParameterSpec]:
    """Describe the arguments of an activation, read from its signature.

    Args:
        activation: A name from :func:`activation_names` or a Python callable whose
            first argument is the input tensor (a ``keras.activations`` function counts
            as its name).

    Returns:
        One :class:`ParameterSpec` per argument after ``x``, in signature order; empty
        for activations without arguments.

    Raises:
        ValueError: Unknown name; the message lists the closest valid names.

    Example:
        >>> spec, = activation_parameters("leaky_relu")
        >>> spec.name, spec.kind, spec.default
        ('negative_slope', 'float', 0.2)
    """
    if callable(activation) and not isinstance(activation, str):
        activation = _keras_name_of(activation) or activation
    if callable(activation) and not isinstance(activation, str):
        return _specs_for(_display_name(activation), activation, custom=True)
    return _specs_for(activation, _keras_function(activation), custom=False)


def _format_received(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in params.items())


def _coerce(name: str, spec: ParameterSpec, value: Any) -> Any:
    """Check one parameter value against its spec; return it in a canonical type."""

    def bad(expected: str) -> ValueError:
        return invalid_value(spec.name, value, expected, of=f"activation '{name}'")

    if value is None:
        if spec.optional:
            return None
        raise bad(f"a {spec.kind}, not None")
    if spec.kind == "bool":
        if is_bool(value):
            return bool(value)
        raise bad("True or False")
    if spec.kind in ("float", "int"):
        if not is_number(value):
            raise bad(f"a finite {spec.kind}")
        if not math.isfinite(float(value)):
            raise bad(f"a finite {spec.kind}")
        if spec.kind == "int":
            if float(value) != int(value):
                raise bad("an integer")
            return int(value)
        return float(value)
    # "choice": the signature only tells us the default, so accept any string.
    if not isinstance(value, str):
        raise bad("a string")
    return value


def check_parameter_names(name: str, given: Mapping[str, Any], valid: list[str]) -> None:
    """Refuse parameters ``given`` to activation ``name`` that are not among ``valid``, naming them all."""
    unknown = [k for k in given if k not in valid]
    if not unknown:
        return
    shown = {k: given[k] for k in unknown}
    expected = f"one of: {', '.join(valid)}" if valid else f"no arguments ('{name}' takes only x)"
    plural = "s" if len(unknown) > 1 else ""
    raise ValueError(
        f"Invalid argument{plural} {', '.join(f'`{k}`' for k in unknown)} for activation "
        f"'{name}'. Received: {_format_received(shown)}. Expected {expected}."
    )


def resolve_activation(
    activation: str | Callable[..., Any], params: Mapping[str, Any] | None = None
) -> ResolvedActivation:
    """Turn a name or callable plus keyword arguments into something ready to call.

    Keras activations get their arguments checked (names and types) and their defaults
    filled in, including nbkeras's values for arguments Keras requires. Custom
    callables get their argument *names* checked against their signature (when it has
    no ``**kwargs``); values are passed as given.

    Args:
        activation: A name from :func:`activation_names` or a callable on tensors.
        params: Keyword arguments for the activation.

    Returns:
        A :class:`ResolvedActivation`.

    Raises:
        ValueError: Unknown name, unknown argument, or a value of the wrong type.

    Example:
        >>> resolve_activation("leaky_relu", {"negative_slope": 0.1}).params
        {'negative_slope': 0.1}
    """
    given = dict(params or {})
    if callable(activation) and not isinstance(activation, str):
        activation = _keras_name_of(activation) or activation
    if callable(activation) and not isinstance(activation, str):
        name = _display_name(activation)
        try:
            signature = inspect.signature(activation)
        except (TypeError, ValueError):
            return ResolvedActivation(name, activation, given, custom=True)
        parameters = list(signature.parameters.values())
        if not any(p.kind is p.VAR_KEYWORD for p in parameters):
            check_parameter_names(name, given, [p.name for p in parameters[1:]])
        return ResolvedActivation(name, activation, given, custom=True)
    fn = _keras_function(activation)
    specs = _specs_for(activation, fn, custom=False)
    check_parameter_names(activation, given, [s.name for s in specs])
    full = {s.name: _coerce(activation, s, given.get(s.name, s.default)) for s in specs}
    return ResolvedActivation(activation, fn, full, custom=False)
