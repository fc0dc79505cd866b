"""LaTeX formulas of Keras activations, each with a numeric twin that is checked.

A formula is only worth showing if it is the one Keras computes. So every formula here
comes with a *numeric twin*: a float64 numpy function implementing exactly that formula
with the same parameters, and (where it can be given correctly) the derivative's LaTeX
and its twin. The tests compare the twins with ``keras.activations`` and with
TensorFlow's autodiff on a grid.

Formulas follow Keras 3's source, not folklore:

* ``hard_sigmoid`` is ``relu6(x + 3) / 6`` (slope 1/6), not Keras 2's ``0.2x + 0.5``;
* ``leaky_relu``'s slope is the argument ``negative_slope`` (default 0.2 here; the
  ``LeakyReLU`` layer's default is 0.3);
* tanh is ``(e^x - e^-x) / (e^x + e^-x)`` with ``tanh' = 1 - tanh^2`` (1 at 0).

Parameter symbols (alpha, theta, ...) appear in the LaTeX; :attr:`Formula.symbols` says
which Keras argument each symbol is and its value. The numeric twins use numerically
stable numpy forms of the same formulas where the literal form overflows
(``np.tanh``, ``np.logaddexp(0, x)`` for ``ln(1 + e^x)``, ``expm1``, ``erfc``).

Example:

    >>> from nbkeras.activations.formulas import formula
    >>> f = formula("leaky_relu", negative_slope=0.1)
    >>> f.symbols[0].argument, f.symbols[0].value
    ('negative_slope', 0.1)
    >>> f.numeric([-1.0, 2.0]).tolist()
    [-0.1, 2.0]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from nbkeras._validate import invalid_value, is_bool, is_number
from nbkeras.activations.catalog import REQUIRED_DEFAULTS, check_parameter_names

__all__ = ["Formula", "Symbol", "formula", "formula_names"]

Array = np.ndarray

# The constants tf.nn.selu uses (Klambauer et al., 2017).
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_GELU_C = 0.044715
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)

_erfc = np.frompyfunc(math.erfc, 1, 1)


@dataclass(frozen=True)
class Symbol:
    """A symbol in a formula and where its value comes from.

    Attributes:
        latex: The symbol as written in the LaTeX, e.g. ``r"\\alpha"``.
        argument: The Keras argument it stands for (``"negative_slope"``), or None for
            a fixed constant that is not an argument (selu's ``lambda``).
        value: Its value in this formula.
        meaning: A short description.
    """

    latex: str
    argument: str | None
    value: float
    meaning: str

    def describe(self) -> str:
        """One line for a legend, e.g. ``"α = negative_slope = 0.2 (slope for x ≤ 0)"``."""
        source = f"Keras argument `{self.argument}`" if self.argument else "fixed constant"
        return f"{self.latex} = {self.value:.10g} ({source}: {self.meaning})"


@dataclass(frozen=True)
class Formula:
    """An activation's formula, its derivative, and their numeric twins.

    Attributes:
        name: Canonical Keras name (``"silu"`` also for ``"swish"``).
        latex: ``f(x) = ...`` as LaTeX (no surrounding ``$``).
        derivative_latex: ``f'(x) = ...`` as LaTeX, or None where none is given.
        params: The parameter values this formula was built with.
        symbols: The symbols used and the Keras argument each one is.
        kinks: Points where f is continuous but not differentiable.
        jumps: Points where f is discontinuous.
        note: Remarks worth showing (e.g. how Keras 2 differed).
    """

    name: str
    latex: str
    derivative_latex: str | None
    params: Mapping[str, Any]
    symbols: tuple[Symbol, ...]
    kinks: tuple[float, ...]
    jumps: tuple[float, ...]
    note: str
    _f: Callable[[Array], Array] = field(repr=False)
    _df: Callable[[Array], Array] | None = field(repr=False)

    def numeric(self, x: Any, **params: Any) -> Array:
        """Evaluate the formula in float64.

        Args:
            x: Array-like of points.
            **params: Overrides of :attr:`params` (default: the formula's own).

        Returns:
            ``f(x)`` as a float64 array (inf/nan where the formula overflows).

        Example:
            >>> formula("relu").numeric([-1.0, 2.0]).tolist()
            [0.0, 2.0]
        """
        if params:
            return _rebuild(self, params).numeric(x)
        arr = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            return np.asarray(self._f(arr), dtype=np.float64)

    def derivative(self, x: Any, **params: Any) -> Array | None:
        """Evaluate the derivative formula in float64 (None when there is none).

        At :attr:`kinks` and :attr:`jumps` the result is nan: f is not differentiable
        there (TensorFlow's autodiff returns *some* value; see the properties module).

        Args:
            x: Array-like of points.
            **params: Overrides of :attr:`params`.

        Example:
            >>> formula("relu").derivative([-1.0, 0.0, 2.0]).tolist()
            [0.0, nan, 1.0]
        """
        if params:
            return _rebuild(self, params).derivative(x)
        if self._df is None:
            return None
        arr = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            out = np.asarray(self._df(arr), dtype=np.float64)
            out = np.where(np.isin(arr, self.kinks + self.jumps), np.nan, out)
        return out

    def legend(self) -> list[str]:
        """One line per symbol: which Keras argument it is and its value."""
        return [s.describe() for s in self.symbols]


# --------------------------------------------------------------------------- helpers


def _num(v: float) -> str:
    """Write a number for LaTeX: exact integers and small fractions exactly."""
    if not math.isfinite(v):
        return r"\infty" if v > 0 else (r"-\infty" if v < 0 else r"\text{nan}")
    if abs(v - round(v)) < 1e-9:
        return str(int(round(v)))
    frac = Fraction(v).limit_denominator(12)
    if abs(float(frac) - v) < 1e-9:
        sign = "-" if frac < 0 else ""
        return rf"{sign}\tfrac{{{abs(frac.numerator)}}}{{{frac.denominator}}}"
    return f"{v:.4g}"


def _cases(rows: list[tuple[str, str]]) -> str:
    body = r" \\ ".join(f"{expr} & {cond}" for expr, cond in rows)
    return r"\begin{cases} " + body + r" \end{cases}"


def _classify(
    f: Callable[[Array], Array], df: Callable[[Array], Array], points: list[tuple[float, str]]
) -> tuple[list[tuple[float, str, float, float]], list[tuple[float, str]]]:
    """Split candidate break points into kinks (with one-sided slopes) and jumps.

    Measured on the twin itself with float64 one-sided differences, so the LaTeX that
    says "left 0, right 1" is computed, not typed.
    """
    kinks: list[tuple[float, str, float, float]] = []
    jumps: list[tuple[float, str]] = []
    seen: set[float] = set()
    with np.errstate(all="ignore"):
        for c, label in sorted(points, key=lambda p: p[0]):
            if c in seen or not math.isfinite(c):
                continue
            seen.add(c)
            e = 1e-7 * max(1.0, abs(c))
            v = f(np.array([c - 2 * e, c - e, c + e, c + 2 * e], dtype=np.float64))
            if abs(v[2] - v[1]) > 1e-4:
                jumps.append((c, label))
                continue
            left = float(df(np.array([c - e]))[0])
            right = float(df(np.array([c + e]))[0])
            if abs(left - right) > 1e-4 * max(1.0, abs(left), abs(right)):
                kinks.append((c, label, round(left, 9), round(right, 9)))
    return kinks, jumps


def _break_rows(kinks: list[tuple[float, str, float, float]], jumps: list[tuple[float, str]]) -> list[tuple[str, str]]:
    rows = [
        (
            r"\text{not differentiable}",
            rf"x = {label}\ (\text{{left }} {_num(left)},\ \text{{right }} {_num(right)})",
        )
        for _, label, left, right in kinks
    ]
    rows += [(r"\text{undefined (jump)}", f"x = {label}") for _, label in jumps]
    return rows


@dataclass
class _Parts:
    latex: str
    f: Callable[[Array], Array]
    df: Callable[[Array], Array] | None
    derivative_rows: list[tuple[str, str]] | None = None  # smooth pieces of f'
    derivative_latex: str | None = None  # used as is when no rows
    symbols: tuple[Symbol, ...] = ()
    breaks: list[tuple[float, str]] = field(default_factory=list)
    note: str = ""


def _sigmoid(x: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-x))


def _softplus(x: Array) -> Array:
    return np.logaddexp(0.0, x)


# ----------------------------------------------------------------- the formulas


def _f_sigmoid(p: Mapping[str, Any]) -> _Parts:
    return _Parts(
        latex=r"\sigma(x) = \frac{1}{1 + e^{-x}}",
        f=_sigmoid,
        df=lambda x: _sigmoid(x) * (1.0 - _sigmoid(x)),
        derivative_latex=r"\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr) \le \tfrac{1}{4}",
        note="Output in (0, 1), not zero-centred; saturates on both sides.",
    )


def _f_tanh(p: Mapping[str, Any]) -> _Parts:
    return _Parts(
        latex=r"\tanh(x) = \frac{\sinh x}{\cosh x} = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
        f=np.tanh,
        df=lambda x: 1.0 - np.tanh(x) ** 2,
        derivative_latex=r"\tanh'(x) = 1 - \tanh^{2}(x)",
        note="tanh'(0) = 1: tanh is differentiable everywhere, including at 0.",
    )


def _f_relu(p: Mapping[str, Any]) -> _Parts:
    alpha, m, theta = p["negative_slope"], p["max_value"], p["threshold"]

    def f(x: Array) -> Array:
        # Keras's ReLU.static_call, step by step.
        a = np.where(x > theta, x, 0.0)
        if m is not None:
            a = np.clip(a, 0.0, m)
        if alpha != 0.0:
            a = a - alpha * np.maximum(theta - x, 0.0)
        return a

    def df(x: Array) -> Array:
        upper = np.ones_like(x)
        if m is not None:
            upper = np.where((x > 0.0) & (x < m), 1.0, 0.0)
        return np.where(x > theta, upper, alpha)

    symbols = []
    if alpha != 0.0:
        symbols.append(Symbol(r"\alpha", "negative_slope", alpha, "slope below the threshold"))
    if m is not None:
        symbols.append(Symbol("m", "max_value", m, "largest output"))
    if theta != 0.0:
        symbols.append(Symbol(r"\theta", "threshold", theta, "where the unit switches on"))
    t = r"\theta" if theta != 0.0 else "0"
    if m is None:
        upper = "x"
    elif theta >= 0.0:
        upper = r"\min(x, m)"
    else:
        upper = r"\min(\max(x, 0), m)"
    lower = "0" if alpha == 0.0 else (r"\alpha x" if theta == 0.0 else r"\alpha (x - \theta)")
    if alpha == 0.0 and m is None and theta == 0.0:
        latex = r"f(x) = \max(0, x) = " + _cases([("x", "x > 0"), ("0", r"x \le 0")])
    else:
        latex = "f(x) = " + _cases([(upper, f"x > {t}"), (lower, rf"x \le {t}")])
    rows: list[tuple[str, str]] = []
    if m is None:
        rows.append(("1", f"x > {t}"))
    else:
        lo = t if theta >= 0.0 else "0"
        rows.append(("1", f"{lo} < x < m"))
        rows.append(("0", "x > m"))
        if theta < 0.0:
            rows.append(("0", r"\theta < x < 0"))
    rows.append((r"\alpha" if alpha != 0.0 else "0", f"x < {t}"))
    breaks = [(theta, t), (0.0, "0")] + ([(m, "m")] if m is not None else [])
    return _Parts(
        latex=latex,
        f=f,
        df=df,
        derivative_rows=rows,
        symbols=tuple(symbols),
        breaks=breaks,
        note="Not differentiable at 0: the left derivative is 0, the right one 1; "
        "frameworks pick a value there (TensorFlow uses 0). Units whose input stays "
        "negative get zero gradient for good ('dead' units).",
    )


def _f_relu6(p: Mapping[str, Any]) -> _Parts:
    return _Parts(
        latex=r"f(x) = \min(\max(0, x), 6) = " + _cases([("0", r"x \le 0"), ("x", "0 < x < 6"), ("6", r"x \ge 6")]),
        f=lambda x: np.clip(x, 0.0, 6.0),
        df=lambda x: np.where((x > 0.0) & (x < 6.0), 1.0, 0.0),
        derivative_rows=[("1", "0 < x < 6"), ("0", r"x < 0 \text{ or } x > 6")],
        breaks=[(0.0, "0"), (6.0, "6")],
    )


def _f_leaky_relu(p: Mapping[str, Any]) -> _Parts:
    alpha = p["negative_slope"]
    return _Parts(
        latex=r"f(x) = " + _cases([("x", "x > 0"), (r"\alpha x", r"x \le 0")]),
        f=lambda x: np.where(x > 0.0, x, alpha * x),
        df=lambda x: np.where(x > 0.0, 1.0, alpha),
        derivative_rows=[("1", "x > 0"), (r"\alpha", "x < 0")],
        symbols=(Symbol(r"\alpha", "negative_slope", alpha, "slope for x ≤ 0"),),
        breaks=[(0.0, "0")],
        note="The negative side is αx, not 0: no information is lost there. Keras 3: "
        "negative_slope defaults to 0.2 in keras.activations.leaky_relu, 0.3 in the "
        "LeakyReLU layer.",
    )


def _f_elu(p: Mapping[str, Any]) -> _Parts:
    alpha = p["alpha"]
    return _Parts(
        latex=r"f(x) = " + _cases([("x", "x > 0"), (r"\alpha\,(e^{x} - 1)", r"x \le 0")]),
        f=lambda x: np.where(x > 0.0, x, alpha * np.expm1(np.minimum(x, 0.0))),
        df=lambda x: np.where(x > 0.0, 1.0, alpha * np.exp(np.minimum(x, 0.0))),
        derivative_rows=[("1", "x > 0"), (r"\alpha\, e^{x}", "x < 0")],
        symbols=(Symbol(r"\alpha", "alpha", alpha, "value approached as x → -∞ is -α"),),
        breaks=[(0.0, "0")],
    )


def _f_selu(p: Mapping[str, Any]) -> _Parts:
    def f(x: Array) -> Array:
        return SELU_SCALE * np.where(x > 0.0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0.0)))

    def df(x: Array) -> Array:
        return SELU_SCALE * np.where(x > 0.0, 1.0, SELU_ALPHA * np.exp(np.minimum(x, 0.0)))

    return _Parts(
        latex=r"f(x) = \lambda " + _cases([("x", "x > 0"), (r"\alpha\,(e^{x} - 1)", r"x \le 0")]),
        f=f,
        df=df,
        derivative_rows=[(r"\lambda", "x > 0"), (r"\lambda\alpha\, e^{x}", "x < 0")],
        symbols=(
            Symbol(r"\lambda", None, SELU_SCALE, "scale, chosen to keep variance at 1"),
            Symbol(r"\alpha", None, SELU_ALPHA, "chosen to keep the mean at 0"),
        ),
        breaks=[(0.0, "0")],
        note="Self-normalising with lecun_normal initialisation.",
    )


def _f_celu(p: Mapping[str, Any]) -> _Parts:
    alpha = p["alpha"]
    return _Parts(
        latex=r"f(x) = \max(0, x) + \alpha\,\bigl(e^{\min(0, x)/\alpha} - 1\bigr) = "
        + _cases([("x", r"x \ge 0"), (r"\alpha\,(e^{x/\alpha} - 1)", "x < 0")]),
        f=lambda x: np.maximum(x, 0.0) + alpha * np.expm1(np.minimum(x, 0.0) / alpha),
        df=lambda x: np.where(x >= 0.0, 1.0, np.exp(np.minimum(x, 0.0) / alpha)),
        derivative_rows=[("1", r"x \ge 0"), (r"e^{x/\alpha}", "x < 0")],
        symbols=(Symbol(r"\alpha", "alpha", alpha, "scale of the negative part"),),
        breaks=[(0.0, "0")],
        note="Differentiable at 0 with f'(0) = 1, but TensorFlow's autodiff returns 2 at "
        "exactly x = 0 (both branches of max/min pass the gradient).",
    )


def _f_gelu(p: Mapping[str, Any]) -> _Parts:
    if not p["approximate"]:

        def f(x: Array) -> Array:
            # x * Phi(x), Phi(x) = erfc(-x / sqrt 2) / 2: the same as (1 + erf(x/sqrt 2)) / 2
            # without the cancellation for very negative x (TensorFlow also uses erfc).
            return 0.5 * x * np.asarray(_erfc(-x / math.sqrt(2.0)), dtype=np.float64)

        def df(x: Array) -> Array:
            phi_cdf = 0.5 * np.asarray(_erfc(-x / math.sqrt(2.0)), dtype=np.float64)
            return phi_cdf + x * np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)

        return _Parts(
            latex=r"f(x) = x\,\Phi(x) = \tfrac{1}{2}\,x\left(1 + "
            r"\operatorname{erf}\!\left(\frac{x}{\sqrt{2}}\right)\right)",
            f=f,
            df=df,
            derivative_latex=r"f'(x) = \Phi(x) + x\,\varphi(x) = \tfrac{1}{2}\left(1 + "
            r"\operatorname{erf}\!\left(\frac{x}{\sqrt{2}}\right)\right) + "
            r"\frac{x}{\sqrt{2\pi}}\, e^{-x^{2}/2}",
            note="approximate=False (Keras argument `approximate`): the exact form, with Φ the standard normal CDF.",
        )

    def inner(x: Array) -> Array:
        return _SQRT_2_OVER_PI * (x + _GELU_C * x**3)

    def f_approx(x: Array) -> Array:
        return 0.5 * x * (1.0 + np.tanh(inner(x)))

    def df_approx(x: Array) -> Array:
        t = np.tanh(inner(x))
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_C * x * x)

    return _Parts(
        latex=r"f(x) = \tfrac{1}{2}\,x\left(1 + \tanh\!\left(\sqrt{2/\pi}\,"
        r"\bigl(x + c\,x^{3}\bigr)\right)\right)",
        f=f_approx,
        df=df_approx,
        derivative_latex=r"f'(x) = \tfrac{1}{2}\bigl(1 + t\bigr) + \tfrac{1}{2}\,x\,"
        r"\bigl(1 - t^{2}\bigr)\sqrt{2/\pi}\,\bigl(1 + 3c\,x^{2}\bigr),\quad "
        r"t = \tanh\!\left(\sqrt{2/\pi}\,(x + c\,x^{3})\right)",
        symbols=(Symbol("c", None, _GELU_C, "fixed constant of the tanh approximation"),),
        note="approximate=True (Keras argument `approximate`): the tanh approximation.",
    )


def _f_silu(p: Mapping[str, Any]) -> _Parts:
    return _Parts(
        latex=r"f(x) = x\,\sigma(x) = \frac{x}{1 + e^{-x}}",
        f=lambda x: x * _sigmoid(x),
        df=lambda x: _sigmoid(x) * (1.0 + x * (1.0 - _sigmoid(x))),
        derivative_latex=r"f'(x) = \sigma(x)\,\bigl(1 + x\,(1 - \sigma(x))\bigr)",
        note="Also exported as swish. Not monotonic: it dips below 0 (minimum near x = -1.28).",
    )


def _f_softplus(p: Mapping[str, Any]) -> _Parts:
    return _Parts(
        latex=r"f(x) = \ln\bigl(1 + e^{x}\bigr)",
        f=_softplus,
        df=_sigmoid,
        derivative_latex=r"f'(x) = \sigma(x) = \frac{1}{1 + e^{-x}}",
    )


def _f_softsign(p: Mapping[str, Any]) -> _Parts:
    return _Parts(
        latex=r"f(x) = \frac{x}{1 + |x|}",
        f=lambda x: x / (1.0 + np.abs(x)),
        df=lambda x: 1.0 / (1.0 + np.abs(x)) ** 2,
        derivative_latex=r"f'(x) = \frac{1}{(1 + |x|)^{2}}",
    )


def _f_mish(p: Mapping[str, Any]) -> _Parts:
    def df(x: Array) -> Array:
        t = np.tanh(_softplus(x))
        return t + x * _sigmoid(x) * (1.0 - t * t)

    return _Parts(
        latex=r"f(x) = x\,\tanh\bigl(\operatorname{softplus}(x)\bigr) = "
        r"x\,\tanh\bigl(\ln(1 + e^{x})\bigr)",
        f=lambda x: x * np.tanh(_softplus(x)),
        df=df,
        derivative_latex=r"f'(x) = \tanh(s) + x\,\sigma(x)\,\bigl(1 - \tanh^{2}(s)\bigr),"
        r"\quad s = \ln(1 + e^{x})",
    )


def _f_hard_sigmoid(p: Mapping[str, Any]) -> _Parts:
    return _Parts(
        latex=r"f(x) = \frac{\operatorname{relu6}(x + 3)}{6} = "
        + _cases([("0", r"x \le -3"), (r"\frac{x}{6} + \frac{1}{2}", "-3 < x < 3"), ("1", r"x \ge 3")]),
        f=lambda x: np.clip(x + 3.0, 0.0, 6.0) / 6.0,
        df=lambda x: np.where((x > -3.0) & (x < 3.0), 1.0 / 6.0, 0.0),
        derivative_rows=[(r"\frac{1}{6}", "-3 < x < 3"), ("0", "|x| > 3")],
        breaks=[(-3.0, "-3"), (3.0, "3")],
        note="Keras 3 definition (slope 1/6). Keras 2 / tf.keras used max(0, min(1, 0.2x + 0.5)).",
    )


def _f_hard_silu(p: Mapping[str, Any]) -> _Parts:
    return _Parts(
        latex=r"f(x) = x\,\frac{\operatorname{relu6}(x + 3)}{6} = "
        + _cases([("0", r"x \le -3"), (r"\frac{x\,(x + 3)}{6}", "-3 < x < 3"), ("x", r"x \ge 3")]),
        f=lambda x: x * np.clip(x + 3.0, 0.0, 6.0) / 6.0,
        df=lambda x: np.where(x <= -3.0, 0.0, np.where(x >= 3.0, 1.0, (2.0 * x + 3.0) / 6.0)),
        derivative_rows=[("0", "x < -3"), (r"\frac{2x + 3}{6}", "-3 < x < 3"), ("1", "x > 3")],
        breaks=[(-3.0, "-3"), (3.0, "3")],
        note="Also exported as hard_swish.",
    )


def _f_hard_tanh(p: Mapping[str, Any]) -> _Parts:
    return _Parts(
        latex=r"f(x) = \max(-1, \min(1, x)) = " + _cases([("-1", "x < -1"), ("x", r"-1 \le x \le 1"), ("1", "x > 1")]),
        f=lambda x: np.clip(x, -1.0, 1.0),
        df=lambda x: np.where((x > -1.0) & (x < 1.0), 1.0, 0.0),
        derivative_rows=[("1", "|x| < 1"), ("0", "|x| > 1")],
        breaks=[(-1.0, "-1"), (1.0, "1")],
    )


def _f_hard_shrink(p: Mapping[str, Any]) -> _Parts:
    th = p["threshold"]
    return _Parts(
        latex=r"f(x) = " + _cases([("x", r"|x| > \theta"), ("0", r"|x| \le \theta")]),
        f=lambda x: np.where(np.abs(x) > th, x, 0.0),
        df=lambda x: np.where(np.abs(x) > th, 1.0, 0.0),
        derivative_rows=[("1", r"|x| > \theta"), ("0", r"|x| < \theta")],
        symbols=(Symbol(r"\theta", "threshold", th, "inputs with |x| ≤ θ become 0"),),
        breaks=[(-th, r"-\theta"), (th, r"\theta")],
    )


def _f_soft_shrink(p: Mapping[str, Any]) -> _Parts:
    th = p["threshold"]
    return _Parts(
        latex=r"f(x) = "
        + _cases([(r"x - \theta", r"x > \theta"), (r"x + \theta", r"x < -\theta"), ("0", r"|x| \le \theta")]),
        f=lambda x: np.where(x > th, x - th, np.where(x < -th, x + th, 0.0)),
        df=lambda x: np.where(np.abs(x) > th, 1.0, 0.0),
        derivative_rows=[("1", r"|x| > \theta"), ("0", r"|x| < \theta")],
        symbols=(Symbol(r"\theta", "threshold", th, "shrinks every input towards 0 by θ"),),
        breaks=[(-th, r"-\theta"), (th, r"\theta")],
    )


def _f_sparse_plus(p: Mapping[str, Any]) -> _Parts:
    return _Parts(
        latex=r"f(x) = " + _cases([("0", r"x \le -1"), (r"\tfrac{1}{4}(x + 1)^{2}", "-1 < x < 1"), ("x", r"x \ge 1")]),
        f=lambda x: np.where(x <= -1.0, 0.0, np.where(x < 1.0, 0.25 * (x + 1.0) ** 2, x)),
        df=lambda x: np.where(x <= -1.0, 0.0, np.where(x < 1.0, 0.5 * (x + 1.0), 1.0)),
        derivative_rows=[("0", r"x \le -1"), (r"\tfrac{1}{2}(x + 1)", "-1 < x < 1"), ("1", r"x \ge 1")],
        breaks=[(-1.0, "-1"), (1.0, "1")],
        note="Continuously differentiable: f' is continuous at ±1 (only f'' jumps).",
    )


def _f_sparse_sigmoid(p: Mapping[str, Any]) -> _Parts:
    return _Parts(
        latex=r"f(x) = " + _cases([("0", r"x \le -1"), (r"\tfrac{1}{2}(x + 1)", "-1 < x < 1"), ("1", r"x \ge 1")]),
        f=lambda x: np.where(x <= -1.0, 0.0, np.where(x >= 1.0, 1.0, 0.5 * (x + 1.0))),
        df=lambda x: np.where((x > -1.0) & (x < 1.0), 0.5, 0.0),
        derivative_rows=[(r"\tfrac{1}{2}", "|x| < 1"), ("0", "|x| > 1")],
        breaks=[(-1.0, "-1"), (1.0, "1")],
    )


def _f_squareplus(p: Mapping[str, Any]) -> _Parts:
    b = p["b"]
    return _Parts(
        latex=r"f(x) = \frac{x + \sqrt{x^{2} + b}}{2}",
        f=lambda x: (x + np.sqrt(x * x + b)) / 2.0,
        df=lambda x: 0.5 * (1.0 + x / np.sqrt(x * x + b)),
        derivative_rows=[
            (r"\frac{1}{2}\left(1 + \frac{x}{\sqrt{x^{2} + b}}\right)", r"\text{all } x" if b > 0 else r"x \ne 0")
        ],
        symbols=(Symbol("b", "b", b, "smoothness; b = 0 gives relu"),),
        breaks=[(0.0, "0")],
    )


def _f_tanh_shrink(p: Mapping[str, Any]) -> _Parts:
    return _Parts(
        latex=r"f(x) = x - \tanh(x)",
        f=lambda x: x - np.tanh(x),
        df=lambda x: np.tanh(x) ** 2,
        derivative_latex=r"f'(x) = \tanh^{2}(x)",
    )


def _f_threshold(p: Mapping[str, Any]) -> _Parts:
    th, v = p["threshold"], p["default_value"]
    return _Parts(
        latex=r"f(x) = " + _cases([("x", r"x > \theta"), ("v", r"x \le \theta")]),
        f=lambda x: np.where(x > th, x, v),
        df=lambda x: np.where(x > th, 1.0, 0.0),
        derivative_rows=[("1", r"x > \theta"), ("0", r"x < \theta")],
        symbols=(
            Symbol(r"\theta", "threshold", th, "inputs above θ pass unchanged"),
            Symbol("v", "default_value", v, "output for x ≤ θ"),
        ),
        breaks=[(th, r"\theta")],
        note="Keras requires both arguments; the explorer starts from nbkeras's defaults.",
    )


def _f_exponential(p: Mapping[str, Any]) -> _Parts:
    return _Parts(
        latex=r"f(x) = e^{x}",
        f=np.exp,
        df=np.exp,
        derivative_latex=r"f'(x) = e^{x}",
        note="Overflows (inf) above x ≈ 88.7 in float32, 709.8 in float64.",
    )


def _f_linear(p: Mapping[str, Any]) -> _Parts:
    return _Parts(latex=r"f(x) = x", f=lambda x: x.copy(), df=np.ones_like, derivative_latex=r"f'(x) = 1")


def _f_log_sigmoid(p: Mapping[str, Any]) -> _Parts:
    return _Parts(
        latex=r"f(x) = \ln \sigma(x) = -\ln\bigl(1 + e^{-x}\bigr)",
        f=lambda x: -_softplus(-x),
        df=lambda x: _sigmoid(-x),
        derivative_latex=r"f'(x) = 1 - \sigma(x) = \frac{1}{1 + e^{x}}",
    )


# name -> (defaults, builder). Defaults mirror the Keras signatures (a test checks
# that); arguments Keras requires take nbkeras's values from the catalog table.
_TABLE: dict[str, tuple[dict[str, Any], Callable[[Mapping[str, Any]], _Parts]]] = {
    "celu": ({"alpha": 1.0}, _f_celu),
    "elu": ({"alpha": 1.0}, _f_elu),
    "exponential": ({}, _f_exponential),
    "gelu": ({"approximate": False}, _f_gelu),
    "hard_shrink": ({"threshold": 0.5}, _f_hard_shrink),
    "hard_sigmoid": ({}, _f_hard_sigmoid),
    "hard_silu": ({}, _f_hard_silu),
    "hard_tanh": ({}, _f_hard_tanh),
    "leaky_relu": ({"negative_slope": 0.2}, _f_leaky_relu),
    "linear": ({}, _f_linear),
    "log_sigmoid": ({}, _f_log_sigmoid),
    "mish": ({}, _f_mish),
    "relu": ({"negative_slope": 0.0, "max_value": None, "threshold": 0.0}, _f_relu),
    "relu6": ({}, _f_relu6),
    "selu": ({}, _f_selu),
    "sigmoid": ({}, _f_sigmoid),
    "silu": ({}, _f_silu),
    "soft_shrink": ({"threshold": 0.5}, _f_soft_shrink),
    "softplus": ({}, _f_softplus),
    "softsign": ({}, _f_softsign),
    "sparse_plus": ({}, _f_sparse_plus),
    "sparse_sigmoid": ({}, _f_sparse_sigmoid),
    "squareplus": ({"b": 4.0}, _f_squareplus),
    "tanh": ({}, _f_tanh),
    "tanh_shrink": ({}, _f_tanh_shrink),
    "threshold": (dict(REQUIRED_DEFAULTS["threshold"]), _f_threshold),
}
# Keras exports these twice; the formula is the canonical one's.
_ALIASES = {"swish": "silu", "hard_swish": "hard_silu"}


def formula_names() -> tuple[str, ...]:
    """Names :func:`formula` knows, aliases included (no Keras import needed)."""
    return tuple(sorted([*_TABLE, *_ALIASES]))


def _coerce_params(name: str, defaults: Mapping[str, Any], given: Mapping[str, Any]) -> dict:
    check_parameter_names(name, given, list(defaults))
    params = dict(defaults)
    for key, value in given.items():
        default = defaults[key]
        if isinstance(default, bool):
            if not is_bool(value):
                raise invalid_value(key, value, "True or False", of=f"activation '{name}'")
            params[key] = bool(value)
        elif value is None and default is None:
            params[key] = None
        else:
            if not is_number(value) or not math.isfinite(float(value)):
                raise invalid_value(key, value, "a finite float", of=f"activation '{name}'")
            params[key] = float(value)
    return params


def _rebuild(base: Formula, overrides: Mapping[str, Any]) -> Formula:
    built = formula(base.name, **{**base.params, **overrides})
    assert built is not None  # base.name is a known name
    return built


def formula(name: str, **params: Any) -> Formula | None:
    """The formula of a Keras activation, with its parameters, or None if unknown.

    Args:
        name: A Keras activation name (``"relu"``, ``"swish"``, ...).
        **params: Keras arguments (``negative_slope=0.1``); missing ones take Keras's
            defaults (or nbkeras's, where Keras requires the argument).

    Returns:
        A :class:`Formula`, or None when no formula is known for ``name`` (custom
        activations, or activations added to Keras after this was written).

    Raises:
        ValueError: An argument the activation does not take, or a value of the wrong
            type (same wording as :func:`~nbkeras.activations.activation_curves`).

    Example:
        >>> f = formula("tanh")
        >>> f.derivative([0.0]).tolist()
        [1.0]
    """
    if not isinstance(name, str):
        return None
    canonical = _ALIASES.get(name, name)
    entry = _TABLE.get(canonical)
    if entry is None:
        return None
    defaults, build = entry
    full = _coerce_params(name, defaults, params)
    parts = build(full)
    kinks: list[tuple[float, str, float, float]] = []
    jumps: list[tuple[float, str]] = []
    if parts.breaks and parts.df is not None:
        kinks, jumps = _classify(parts.f, parts.df, parts.breaks)
    derivative_latex = parts.derivative_latex
    if parts.derivative_rows is not None:
        derivative_latex = "f'(x) = " + _cases(parts.derivative_rows + _break_rows(kinks, jumps))
    return Formula(
        name=canonical,
        latex=parts.latex,
        derivative_latex=derivative_latex,
        params=full,
        symbols=parts.symbols,
        kinks=tuple(k[0] for k in kinks),
        jumps=tuple(j[0] for j in jumps),
        note=parts.note,
        _f=parts.f,
        _df=parts.df,
    )
