"""``ActivationExplorer``: a thin widget over the activation core.

Everything it shows is computed by the core (:mod:`.catalog`, :mod:`.curves`,
:mod:`.formulas`, :mod:`.properties`, :mod:`.depth`); this module holds validated,
synced attributes, turns results into figure specs, and forwards.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import traitlets

from nbkeras._validate import (
    ChoiceTrait,
    IntTrait,
    NumberTrait,
    check_choice,
    closest,
    did_you_mean,
    invalid_type,
    invalid_value,
    is_number,
    show_value,
)
from nbkeras.activations.catalog import (
    activation_names,
    activation_parameters,
    excluded_activations,
    resolve_activation,
)
from nbkeras.activations.curves import activation_curves
from nbkeras.activations.depth import DEFAULT_STDDEV, DEPTH_INITIALIZERS, DepthResult, depth_experiment
from nbkeras.activations.formulas import formula
from nbkeras.activations.properties import activation_properties
from nbkeras.widgets.base import NbKerasWidget
from nbkeras.widgets.figure import to_wire
from nbkeras.widgets.mathml import latex_to_mathml_tree
from nbkeras.widgets.static import bundle
from nbkeras.widgets.svg import log_ticks

MAX_POINTS = 20_000
DEPTH_LIMITS = {"layers": (1, 100), "width": (1, 1024)}
# The ridgeline shows at most this many layers (first and last always): at 28 layers one
# row each would be 9 px, outlines overlapping and labels unreadable.
MAX_RIDGES = 10
# One colour per overlaid activation, shared by f, f' and its formula card.
PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6", "#9d755d")


class _Validated(traitlets.Any):
    """A value checked only by its widget's ``@validate`` (its choices are the widget's own).

    Not ``Unicode``, whose generic message would come first for a wrong type; and unlike
    ``Any`` it sends None to the validator too (``allow_none=False`` cannot be passed).
    """

    allow_none = False


def _refused(error: Exception) -> traitlets.TraitError:
    """A check's error as the TraitError a validator raises (same message)."""
    return traitlets.TraitError(str(error))


def _spec_dict(spec: Any) -> dict[str, Any]:
    """A parameter spec from the catalog as a JSON-able dict for the front end."""
    return dataclasses.asdict(spec)


class ActivationExplorer(NbKerasWidget):
    """Explore Keras activations: f and f′ (by autodiff), formulas, properties, depth.

    Args:
        activations: Keras activation names (see :func:`nbkeras.activation_names`) or
            Python callables on tensors (custom activations), overlaid on one chart.
        x_range: ``(min, max)`` of the plotted interval.
        points: number of points on the interval.
        **params: an activation's own keyword arguments (e.g. ``negative_slope=0.1``),
            applied to every chosen activation that accepts them (``relu`` has a
            ``negative_slope`` too); :meth:`set_params` targets one activation.

    ``activations``, ``x_range``, ``points``, ``params`` (per activation), each
    parameter name (``explorer.negative_slope = 0.1``), the depth panel's ``depth_*``
    settings and ``depth_activation`` (which chosen activation goes through the layers)
    are live attributes: setting them redraws the widget exactly as its controls do, and
    the controls set them.

    Example:
        >>> explorer = ActivationExplorer(activations=("relu", "leaky_relu"), negative_slope=0.1)
        >>> explorer.x_range = (-3, 3)
    """

    _esm = bundle("activation_explorer.js")

    activations = traitlets.List(traitlets.Unicode(), help="activation names, overlaid").tag(sync=True)
    x_range = traitlets.Tuple(default_value=(-6.0, 6.0), help="(min, max) of the plotted interval").tag(sync=True)
    points = IntTrait(1000, min_value=2, max_value=MAX_POINTS, help="points on the interval").tag(sync=True)
    params = traitlets.Dict(help="{activation: {parameter: value}} for every chosen activation").tag(sync=True)
    depth_activation = _Validated(
        "", help="the chosen activation the depth panel shows (the first when it is unchosen)"
    ).tag(sync=True)
    depth_layers = IntTrait(
        10,
        min_value=DEPTH_LIMITS["layers"][0],
        max_value=DEPTH_LIMITS["layers"][1],
        help="Dense layers in the depth experiment",
    ).tag(sync=True)
    depth_width = IntTrait(
        64,
        min_value=DEPTH_LIMITS["width"][0],
        max_value=DEPTH_LIMITS["width"][1],
        help="units per Dense layer in the depth experiment",
    ).tag(sync=True)
    depth_initializer = ChoiceTrait(
        DEPTH_INITIALIZERS, "glorot_uniform", help="kernel initializer of the depth experiment"
    ).tag(sync=True)
    depth_stddev = NumberTrait(
        DEFAULT_STDDEV, min_value=0, exclusive=True, help="stddev of random_normal in the depth experiment"
    ).tag(sync=True)

    # Results, computed in Python and read by the view.
    catalog = traitlets.Dict(help="names, parameter specs and exclusions (sent once)").tag(sync=True)
    _picture_traits = ("curves_figure", "depth_figure")
    curves_figure = traitlets.Dict().tag(sync=True)
    cards = traitlets.List(help="per activation: formula trees and properties rows").tag(sync=True)
    depth_figure = traitlets.Dict().tag(sync=True)

    _settable = (
        "activations",
        "x_range",
        "points",
        "params",
        "depth_activation",
        "depth_layers",
        "depth_width",
        "depth_initializer",
        "depth_stddev",
    )
    # A view sends "settle" after an answer: its answer (an `_ack` alone) comes after any
    # deferred depth panel, so the view knows when to stop showing the panel as busy. Not a
    # @command: a command clears `error`, and a settle must leave a refusal's message up.
    SETTLE_ACTION = "settle"

    def __init__(
        self,
        activations: Iterable[str | Callable[..., Any]] | str = ("relu",),
        x_range: tuple[float, float] = (-6.0, 6.0),
        **kwargs: Any,
    ) -> None:
        traits = {k: kwargs.pop(k) for k in list(kwargs) if self.has_trait(k)}
        depth_activation = traits.pop("depth_activation", None)
        self._custom: dict[str, Callable[..., Any]] = {}
        self._shared_params: dict[str, Any] = kwargs  # what is left are activation parameters
        self.computations = 0  # kernel-side curve computations: the drag benchmark reads it
        self._last_good: dict[str, Any] = {}
        # Per activation, its curves and card for the inputs they were computed from: a
        # control that changes one activation's parameter recomputes that one only.
        self._curve_cache: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray, dict[str, Any]]] = {}
        self._depth_inputs: tuple[Any, ...] | None = None  # what the depth panel shows
        given = [activations] if isinstance(activations, str) or callable(activations) else activations
        names = [self._register(a) for a in given]
        # Validate and compute the whole state before the comm opens, so the front end
        # receives it in the single comm_open message instead of a burst of updates.
        for name, value in traits.items():
            setattr(self, name, value)
        self.x_range = x_range
        self.activations = names
        self.depth_activation = self.activations[0] if depth_activation is None else depth_activation
        self._check_unused_shared_params()
        self.params = self._missing_params() or self.params
        self.catalog = self._catalog()  # from here on, input changes recompute
        self._refresh_curves()
        self._refresh_depth()
        super().__init__()

    # -- validation (one place for Python assignments and front-end controls) ----------
    def _register(self, activation: str | Callable[..., Any]) -> str:
        if isinstance(activation, str):
            return activation
        if not callable(activation):
            raise invalid_type("activations", activation, "a Keras activation name or a callable")
        name = getattr(activation, "__name__", "") or "custom"
        if name == "<lambda>":
            name = f"custom_{len(self._custom) + 1}"
        self._custom[name] = activation
        return name

    @traitlets.validate("activations")
    def _valid_activations(self, proposal: Any) -> list[str]:
        value = proposal["value"]
        if isinstance(value, str):
            value = [value]
        names: list[str] = []
        for item in value:
            name = self._register(item)
            if name not in self._custom:
                excluded = excluded_activations()
                if name in excluded:
                    why = f"element-wise activations: '{name}' has no curve: {excluded[name]}"
                    raise _refused(invalid_value("activations", value, why))
                try:
                    activation_parameters(name)  # raises with the closest valid names
                except ValueError as exc:
                    raise traitlets.TraitError(str(exc)) from None
            if name not in names:
                names.append(name)
        if not names:
            raise _refused(invalid_value("activations", value, "at least one activation", received="an empty list"))
        return names

    @traitlets.validate("x_range")
    def _valid_x_range(self, proposal: Any) -> tuple[float, float]:
        value = proposal["value"]
        pair = isinstance(value, (tuple, list)) and len(value) == 2
        if not pair or not all(is_number(v) and np.isfinite(v) for v in value):
            raise _refused(invalid_value("x_range", value, "two finite numbers (min, max)"))
        lo, hi = float(value[0]), float(value[1])
        if lo >= hi:
            raise _refused(invalid_value("x_range", value, "min < max", received=f"x_range=({lo:g}, {hi:g})"))
        return (lo, hi)

    @traitlets.validate("depth_activation")
    def _valid_depth_activation(self, proposal: Any) -> str:
        try:
            return check_choice("depth_activation", proposal["value"], self.activations)
        except (TypeError, ValueError) as exc:
            raise traitlets.TraitError(f"{exc} (the depth panel shows one of the chosen activations)") from None

    @traitlets.validate("params")
    def _valid_params(self, proposal: Any) -> dict[str, dict[str, Any]]:
        value = proposal["value"]
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            expected = "a dict {activation: {parameter: value}}"
            raise _refused(invalid_value("params", value, expected, received=show_value(value)))
        checked: dict[str, dict[str, Any]] = {}
        for name, given in value.items():
            try:
                # The core checks names and types (Keras wording) and fills defaults.
                resolved = resolve_activation(self._fn(name), given)
            except ValueError as exc:
                raise traitlets.TraitError(str(exc)) from None
            checked[name] = {k: resolved.params[k] for k in given} if name in self._custom else dict(resolved.params)
        return checked

    # -- parameters as attributes ---------------------------------------------------------
    def _parameters(self, name: str) -> list[Any]:
        return list(activation_parameters(self._fn(name)))

    def _missing_params(self) -> dict[str, dict[str, Any]] | None:
        """``params`` completed with Keras's defaults for newly chosen activations, or None."""
        params = {k: v for k, v in self.params.items() if k in self.activations}
        for name in self.activations:
            current = dict(params.get(name, {}))
            for spec in self._parameters(name):
                current.setdefault(spec.name, self._shared_params.get(spec.name, spec.default))
            params[name] = current
        return None if params == self.params else params

    def _check_unused_shared_params(self) -> None:
        known = {s.name for n in self.activations for s in self._parameters(n)}
        unknown = sorted(set(self._shared_params) - known)
        if unknown:
            raise TypeError(
                f"Invalid argument `{unknown[0]}` for ActivationExplorer. "
                f"Received: {unknown[0]}={self._shared_params[unknown[0]]!r}. "
                f"Expected a parameter of {', '.join(self.activations)}: {', '.join(sorted(known)) or '(none)'}."
            )

    def _param_owners(self, pname: str) -> list[str]:
        return [n for n in self.activations if any(s.name == pname for s in self._parameters(n))]

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails: expose activation parameters as attributes.
        if not name.startswith("_") and "_trait_values" in self.__dict__:
            for owner in self._param_owners(name):
                return self.params[owner][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        ready = "_trait_values" in self.__dict__
        if not name.startswith("_") and ready and not self.has_trait(name) and name not in self.__dict__:
            owners = self._param_owners(name)
            if owners:
                self.params = {n: {**p, name: value} if n in owners else p for n, p in self.params.items()}
                return
        super().__setattr__(name, value)

    def set_params(self, activation: str, **params: Any) -> None:
        """Set parameters of one chosen activation only, e.g. ``set_params("leaky_relu", negative_slope=0.1)``.

        (``explorer.negative_slope = 0.1`` sets it on every chosen activation that has it.)
        """
        if activation not in self.activations:
            expected = f"one of the chosen activations: {', '.join(self.activations)}"
            error = invalid_value("activation", activation, expected)
            hint = did_you_mean(closest(activation, self.activations))
            raise ValueError(f"{error} {hint}") if hint else error
        self.params = {**self.params, activation: {**self.params[activation], **params}}

    # -- computing what the view shows --------------------------------------------------
    def _catalog(self) -> dict[str, Any]:
        return {
            "names": list(activation_names()),
            "custom": sorted(self._custom),
            "excluded": dict(excluded_activations()),
            "parameters": {
                n: [_spec_dict(s) for s in self._parameters(n)] for n in [*activation_names(), *self._custom]
            },
            "depth": {"initializers": list(DEPTH_INITIALIZERS), **{k: list(v) for k, v in DEPTH_LIMITS.items()}},
            "max_points": MAX_POINTS,
        }

    def _fn(self, name: str) -> str | Callable[..., Any]:
        return self._custom.get(name, name)

    def _dispatch(self, action: Any, args: dict[str, Any]) -> None:
        if action == self.SETTLE_ACTION:
            return  # nothing to do: answering it in turn is the point (and `error` stays)
        super()._dispatch(action, args)

    @traitlets.observe(*_settable)
    def _on_inputs(self, change: Any) -> None:
        if "catalog" not in self._trait_values or not self.catalog:
            return  # still in __init__, which computes once at its end
        if change["name"] == "activations":
            completed = self._missing_params()
            if completed is not None:
                self.params = completed  # re-enters here as a "params" change, which redraws
                return
        if change["name"] in ("activations", "params") and self.depth_activation not in self.activations:
            self.depth_activation = self.activations[0]  # its panel was unchosen: show the first
        if change["name"] in ("activations", "x_range", "points", "params"):
            self._refresh_curves()
        if change["name"] not in ("x_range", "points"):
            # ~25 ms for 10 layers: after the curves, so a slider's curves are not held up.
            self._defer("depth", self._refresh_depth)

    def _refresh_curves(self) -> None:
        x = np.linspace(*self.x_range, self.points)
        traces: list[dict[str, Any]] = []
        cards: list[dict[str, Any]] = []
        cache: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray, dict[str, Any]]] = {}
        try:
            for i, name in enumerate(self.activations):
                params = self.params.get(name, {})
                key = self._curve_key(name, params)
                if key in self._curve_cache:
                    cache[key] = self._curve_cache[key]
                else:
                    y, dy = activation_curves(self._fn(name), x, **params)
                    y, dy = np.asarray(y), np.asarray(dy)
                    cache[key] = (y, dy, self._card(name, x, y, dy, params))
                y, dy, card = cache[key]
                color = PALETTE[i % len(PALETTE)]
                traces += [
                    {
                        "type": "scatter",
                        "mode": "lines",
                        "name": f"{name}",
                        "legendgroup": name,
                        "x": x,
                        "y": y,
                        "line": {"color": color, "width": 2},
                        "xaxis": "x",
                        "yaxis": "y",
                    },
                    {
                        "type": "scatter",
                        "mode": "lines",
                        "name": f"{name}′",
                        "legendgroup": name,
                        "showlegend": False,
                        "x": x,
                        "y": dy,
                        "line": {"color": color, "width": 2, "dash": "dot"},
                        "xaxis": "x2",
                        "yaxis": "y2",
                    },
                ]
                cards.append({**card, "color": color})
        except Exception as exc:  # noqa: BLE001 - a custom activation may raise anything; keep the last good plot
            self.error = f"{type(exc).__name__}: {exc}" if not isinstance(exc, ValueError) else str(exc)
            return
        self._curve_cache = cache  # only what is on screen: switching activations frees the rest
        self.computations += 1
        self.curves_figure = to_wire(self._curves_layout(traces))
        self.cards = cards

    def _curve_key(self, name: str, params: dict[str, Any]) -> tuple[Any, ...]:
        # repr keeps 0 and 0.0, 1 and True apart (a dict compare would not).
        return (name, repr(sorted(params.items())), self.x_range, self.points)

    def _curves_layout(self, traces: list[dict[str, Any]]) -> dict[str, Any]:
        lo, hi = self.x_range
        axis = {"range": [lo, hi], "zeroline": True, "zerolinecolor": "#bbb", "gridcolor": "#eee"}
        return {
            "data": traces,
            "layout": {
                "height": 340,
                "margin": {"l": 50, "r": 10, "t": 46, "b": 40},  # t: one legend row (the view adds the others)
                # The gap holds f′'s axis title and tick labels at a half-screen width too.
                "xaxis": {**axis, "domain": [0, 0.44], "title": {"text": "x"}},
                "xaxis2": {**axis, "domain": [0.58, 1], "title": {"text": "x"}},
                "yaxis": {"title": {"text": "f(x)"}, "gridcolor": "#eee"},
                "yaxis2": {"title": {"text": "f′(x) = df/dx  (autodiff)"}, "anchor": "x2", "gridcolor": "#eee"},
                # Above the plots; the view gives its rows room (js/src/lib/legend.js), however many curves.
                "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
                "plot_bgcolor": "white",
                "uirevision": "curves",
            },
        }

    def _card(self, name: str, x: np.ndarray, y: Any, dy: Any, params: dict[str, Any]) -> dict[str, Any]:
        """The formula card of one activation (without its colour, which depends on its place)."""
        props = activation_properties(x, np.asarray(y), np.asarray(dy), activation=self._fn(name), params=params)
        f = None if name in self._custom else formula(name, **params)
        return {
            "name": name,
            "formula": None if f is None else _mathml_tree(f.latex),
            "derivative": None if f is None or not f.derivative_latex else _mathml_tree(f.derivative_latex),
            "latex": None if f is None else f.latex,
            "properties": [[label, text] for label, text in props.rows()],
        }

    def _refresh_depth(self) -> None:
        name = self.depth_activation if self.depth_activation in self.activations else self.activations[0]
        # Only one activation goes through the layers: a parameter of another one, or
        # x_range, leaves the panel as it is (seconds saved with many wide layers).
        inputs = (
            self._curve_key(name, self.params.get(name, {}))[:2],
            self.depth_layers,
            self.depth_width,
            self.depth_initializer,
            self.depth_stddev if self.depth_initializer == "random_normal" else None,
        )
        if inputs == self._depth_inputs and self.depth_figure:
            return
        try:
            result = depth_experiment(
                self._fn(name),
                n_layers=self.depth_layers,
                width=self.depth_width,
                initializer=self.depth_initializer,
                stddev=self.depth_stddev if self.depth_initializer == "random_normal" else None,
                **self.params.get(name, {}),
            )
        except Exception as exc:  # noqa: BLE001
            self.error = f"Depth experiment: {type(exc).__name__}: {exc}"
            return
        title = f"{name} through {self.depth_layers} Dense layers ({self.depth_initializer})"
        self.depth_figure = to_wire(depth_figure(result, title=title))
        self._depth_inputs = inputs

    # -- static form -----------------------------------------------------------------------
    def static_figures(self) -> list[tuple[str, dict[str, Any]]]:
        return [("f and f′", self.curves_figure), ("Through depth", self.depth_figure)]

    def _repr_fields(self) -> dict[str, Any]:
        return {"activations": tuple(self.activations), "x_range": self.x_range}


# Most formulas name their parameters (leaky_relu's `\alpha x`): a slider moves the curve,
# not the formula, and converting it again would cost ~8 ms per formula per update.
# The trees are only read (sent as JSON), so sharing them is safe.
_mathml_tree = functools.lru_cache(maxsize=256)(latex_to_mathml_tree)


def depth_figure(result: DepthResult, *, title: str) -> dict[str, Any]:
    """Figure spec for a depth experiment, drawn from the core's per-layer statistics.

    Left: each layer's distribution of activations as a ridgeline (layer 1 at the
    bottom), so collapsing or saturating signals are seen. Middle: activation std and the
    fractions of zero and saturated units per layer. Right: the norm of dL/dW per layer on
    a log axis, where vanishing or exploding gradients show as a slope.
    """
    layers = result.layers
    shown = [layers[i] for i in ridge_rows(len(layers))]
    ridges = _ridge_traces(shown)
    ridge_title = "layer" if len(shown) == len(layers) else f"layer ({len(shown)} of {len(layers)})"
    lines = _layer_stat_traces(result)
    return {
        "data": ridges + lines,
        "layout": {
            "title": {"text": title, "font": {"size": 13}},
            "height": 380,
            "margin": {"l": 50, "r": 10, "t": 64, "b": 44},
            "plot_bgcolor": "white",
            "xaxis": {"domain": [0, 0.3], "title": {"text": "activation value"}, "gridcolor": "#eee"},
            # One row per shown layer, labelled with its layer number.
            "yaxis": {
                "title": {"text": ridge_title},
                "gridcolor": "#eee",
                "tickmode": "array",
                "tickvals": list(range(len(shown))),
                "ticktext": [str(layer.index) for layer in shown],
                "range": [-0.3, len(shown) - 0.05],
            },
            "xaxis2": {"domain": [0.37, 0.64], "title": {"text": "layer"}, "gridcolor": "#eee"},
            "yaxis2": {"anchor": "x2", "gridcolor": "#eee", "rangemode": "tozero"},
            "xaxis3": {"domain": [0.72, 1], "title": {"text": "layer"}, "gridcolor": "#eee"},
            "yaxis3": {
                "anchor": "x3",
                "type": "log",
                "title": {"text": "‖dL/dW‖ (log)"},
                "gridcolor": "#eee",
                "exponentformat": "e",
                **_log_axis_ticks(result.gradient_norms()),
            },
            # Above the plots, under the title: below them it would cover the axis titles.
            "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
            "uirevision": "depth",
        },
    }


def _ridge_traces(shown: list[Any]) -> list[dict[str, Any]]:
    """One ridge per shown layer: its activation histogram, scaled to its row (layer 1 at the bottom)."""
    ridges = []
    for row, layer in enumerate(shown):
        dist = layer.activations
        centers = (dist.edges[:-1] + dist.edges[1:]) / 2
        peak = max(int(dist.counts.max()), 1)
        ridges.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": centers,
                "y": row + 0.9 * dist.counts / peak,
                "line": {"width": 1.2, "color": "#4c78a8"},
                "fill": "none",
                "showlegend": False,
                "name": f"layer {layer.index}",
                "xaxis": "x",
                "yaxis": "y",
                "hoverinfo": "name+x",
            }
        )
    return ridges


def _layer_stat_traces(result: DepthResult) -> list[dict[str, Any]]:
    """Per-layer statistics: std and zero/saturated fractions (middle panel), gradient norms (right)."""
    index = np.array([layer.index for layer in result.layers], dtype=float)

    def line(name: str, y: np.ndarray, axis: str, style: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": index,
            "y": y,
            "xaxis": f"x{axis}",
            "yaxis": f"y{axis}",
            "line": style,
        }

    return [
        line("activation std", result.activation_stds(), "2", {"color": "#4c78a8"}),
        line("fraction = 0", result.fraction_zero(), "2", {"color": "#e45756", "dash": "dot"}),
        line("fraction saturated", result.fraction_saturated(), "2", {"color": "#f58518", "dash": "dash"}),
        line("‖dL/dW‖", result.gradient_norms(), "3", {"color": "#54a24b"}),
    ]


def ridge_rows(n_layers: int, max_rows: int = MAX_RIDGES) -> list[int]:
    """Indices of the layers the ridgeline shows: all up to ``max_rows``, else evenly spaced, first and last kept.

    Example:
        >>> [i + 1 for i in ridge_rows(28)]
        [1, 4, 7, 10, 13, 16, 19, 22, 25, 28]
    """
    if n_layers <= max_rows:
        return list(range(n_layers))
    return sorted({round(i * (n_layers - 1) / (max_rows - 1)) for i in range(max_rows)})


def _log_axis_ticks(values: np.ndarray) -> dict[str, Any]:
    """``tickvals``/``ticktext`` for a log axis over ``values`` (see :func:`log_ticks`); {} to let Plotly choose.

    Plotly's own log ticks label every digit over about a decade ("7 8 9 100 2 3"),
    which runs the labels together.
    """
    positive = values[np.isfinite(values) & (values > 0)]
    ticks = log_ticks(float(positive.min()), float(positive.max())) if positive.size else []
    if len(ticks) < 2:
        return {}
    labels = [f"{v:.3g}".replace("e-0", "e-").replace("e+0", "e+") for v in ticks]  # 1e-5, as Plotly writes it
    return {"tickmode": "array", "tickvals": ticks, "ticktext": labels}


def explore_activations(*activations: str | Callable[..., Any], **kwargs: Any) -> ActivationExplorer:
    """Build an :class:`ActivationExplorer` and display it. Returns the explorer.

    Example:
        >>> explorer = explore_activations("sigmoid", "tanh", "relu", "leaky_relu")
    """
    from IPython.display import display

    explorer = ActivationExplorer(activations=activations or ("relu",), **kwargs)
    display(explorer)
    return explorer
