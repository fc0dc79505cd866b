"""The "through depth" experiment: what an activation does to signals and gradients.

A stack of ``n_layers`` dense layers (``width`` units, zero bias, Keras initializers)
is applied to a standard-normal batch. For every layer we report

* the distribution of its **activations** ``a_l = f(a_{l-1} W_l)`` (histogram, mean,
  std, fraction exactly zero, fraction saturated), and
* the distribution and Frobenius norm of the **gradient of the loss with respect to the
  layer's kernel** ``W_l``: the quantity an optimizer actually updates, so vanishing or
  exploding gradients show up where they hurt.

The loss is ``L = mean over the batch of sum over units of a_L`` (the sum of the last
layer's outputs, averaged over the batch). It has no target, so the last layer's
gradient reflects only ``f'`` and the weights, not how far outputs are from a label.

Computed with Keras (``keras.initializers`` for the weights, ``keras.ops.matmul`` for the
layers) on plain tensors: no ``keras.Model`` or layer objects are created, so repeated
runs do not accumulate Keras state (creating models in a loop leaks unless
``keras.backend.clear_session()`` is called). Deterministic: inputs come from
``numpy.random.default_rng(seed)`` and each layer's initializer gets the integer seed
``seed * 1009 + layer``, which Keras turns into stateless random ops.

Example:

    >>> from nbkeras.activations.depth import depth_experiment
    >>> r = depth_experiment("sigmoid", n_layers=20)
    >>> r.gradient_norms()[0] < 1e-3 * r.gradient_norms()[-1]   # vanishing gradients
    True
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nbkeras._keras import keras, tf
from nbkeras._validate import check_choice, check_int, check_number, invalid_value, show_value
from nbkeras.activations.catalog import ActivationError, ResolvedActivation, resolve_activation

__all__ = [
    "DEPTH_INITIALIZERS",
    "INITIALIZERS",
    "DepthResult",
    "Distribution",
    "LayerStats",
    "depth_experiment",
]

#: Initializers the experiment accepts -> Keras class name.
INITIALIZERS = {
    "glorot_uniform": "GlorotUniform",
    "he_normal": "HeNormal",
    "random_normal": "RandomNormal",
}
#: The accepted initializer names, in display order (what a widget offers).
DEPTH_INITIALIZERS: tuple[str, ...] = tuple(INITIALIZERS)
#: Keras's default stddev for RandomNormal, used when ``stddev`` is None.
DEFAULT_STDDEV = 0.05
#: |f'(z)| below this counts as saturated; for tanh it is |a| > 0.99, for sigmoid
#: a outside (0.0204, 0.9796).
SATURATED_DERIVATIVE = 0.0199


@dataclass(frozen=True)
class Distribution:
    """Summary of one tensor's values.

    Attributes:
        counts: Histogram counts (int64, ``bins`` long) of the finite values.
        edges: Bin edges (float64, ``bins + 1`` long), spanning min..max of the values.
        mean: Mean of the finite values (nan if none).
        std: Standard deviation of the finite values (nan if none).
        min: Smallest finite value (nan if none).
        max: Largest finite value (nan if none).
        fraction_zero: Fraction of values exactly 0.
        nonfinite: Number of inf/nan values (left out of everything else).
    """

    counts: np.ndarray
    edges: np.ndarray
    mean: float
    std: float
    min: float
    max: float
    fraction_zero: float
    nonfinite: int


@dataclass(frozen=True)
class LayerStats:
    """One layer's activations and kernel gradient.

    Attributes:
        index: 1 for the first layer.
        activations: Distribution of ``a_l`` over the batch and units.
        fraction_saturated: Fraction of units with ``|f'(z)| < 0.0199`` (see
            :data:`SATURATED_DERIVATIVE`).
        kernel_gradient: Distribution of ``dL/dW_l``.
        kernel_gradient_norm: Frobenius norm of ``dL/dW_l``.
    """

    index: int
    activations: Distribution
    fraction_saturated: float
    kernel_gradient: Distribution
    kernel_gradient_norm: float


@dataclass(frozen=True)
class DepthResult:
    """Result of :func:`depth_experiment`; arrays over layers via the helper methods."""

    activation: str
    params: dict[str, Any]
    n_layers: int
    width: int
    initializer: str
    stddev: float | None
    batch_size: int
    seed: int
    bins: int
    loss: str
    layers: tuple[LayerStats, ...] = field(repr=False)

    def activation_stds(self) -> np.ndarray:
        """Activation standard deviation per layer."""
        return np.array([s.activations.std for s in self.layers])

    def fraction_zero(self) -> np.ndarray:
        """Fraction of activations exactly 0, per layer."""
        return np.array([s.activations.fraction_zero for s in self.layers])

    def fraction_saturated(self) -> np.ndarray:
        """Fraction of saturated units (``|f'(z)| < 0.0199``), per layer."""
        return np.array([s.fraction_saturated for s in self.layers])

    def gradient_norms(self) -> np.ndarray:
        """Frobenius norm of ``dL/dW_l`` per layer (first layer first)."""
        return np.array([s.kernel_gradient_norm for s in self.layers])


def _distribution(values: np.ndarray, bins: int) -> Distribution:
    flat = values.ravel().astype(np.float64)
    finite = np.isfinite(flat)
    good = flat[finite]
    nonfinite = int(flat.size - good.size)
    if good.size == 0:
        nan = float("nan")
        return Distribution(
            np.zeros(bins, np.int64),
            np.linspace(0.0, 1.0, bins + 1),
            nan,
            nan,
            nan,
            nan,
            0.0,
            nonfinite,
        )
    counts, edges = np.histogram(good, bins=bins)
    return Distribution(
        counts=counts.astype(np.int64),
        edges=edges.astype(np.float64),
        mean=float(good.mean()),
        std=float(good.std()),
        min=float(good.min()),
        max=float(good.max()),
        fraction_zero=float(np.count_nonzero(flat == 0.0) / flat.size),
        nonfinite=nonfinite,
    )


# Moving an activation's parameter re-runs the experiment with the same weights: drawing
# them is a third of its cost, so the last two weight sets are kept (at most
# 100 x 1024^2 float32 each; the widget caps width at 1024).
@functools.lru_cache(maxsize=2)
def _kernels(initializer: str, stddev: float | None, n_layers: int, width: int, seed: int) -> tuple[Any, ...]:
    k = keras()
    cls = getattr(k.initializers, INITIALIZERS[initializer])
    kernels = []
    for layer in range(n_layers):
        layer_seed = seed * 1009 + layer
        init = cls(stddev=stddev, seed=layer_seed) if initializer == "random_normal" else (cls(seed=layer_seed))
        kernels.append(k.ops.convert_to_tensor(init((width, width), dtype="float32")))
    return tuple(kernels)


def depth_experiment(
    activation: str | Callable[..., Any],
    *,
    n_layers: int = 10,
    width: int = 64,
    initializer: str = "glorot_uniform",
    stddev: float | None = None,
    batch_size: int = 256,
    seed: int = 0,
    bins: int = 40,
    **params: Any,
) -> DepthResult:
    """Push a random batch through a stack of dense layers and watch every layer.

    Args:
        activation: A Keras activation name or a callable on tensors.
        n_layers: Number of dense layers, 1 to 100.
        width: Units per layer (and input features), 1 to 2048. Memory grows as
            ``n_layers * width**2``: the largest setting (100 layers of 2048) holds
            about 3.4 GB of kernels and gradients.
        initializer: ``"glorot_uniform"`` (Keras's Dense default), ``"he_normal"`` (meant
            for relu) or ``"random_normal"`` (see ``stddev``).
        stddev: Standard deviation for ``random_normal`` (default 0.05, as in Keras).
            Only valid with ``initializer="random_normal"``.
        batch_size: Number of input rows, 1 to 10,000.
        seed: Non-negative integer; the same seed gives the same result.
        bins: Histogram bins, 1 to 1,000.
        **params: Arguments of the activation (``negative_slope=0.1``).

    Returns:
        A :class:`DepthResult` with one :class:`LayerStats` per layer.

    Raises:
        ValueError: A bad argument value (the message names it and the valid values).
        TypeError: An argument of the wrong type (``n_layers=2.5``).
        ActivationError: The activation raised.

    Example:
        >>> r = depth_experiment("relu", initializer="he_normal", n_layers=10)
        >>> r.activation_stds().round(1)  # roughly stable
        array([...])
    """
    resolved = resolve_activation(activation, params)
    n_layers = check_int("n_layers", n_layers, min_value=1, max_value=100)
    width = check_int("width", width, min_value=1, max_value=2048)
    batch_size = check_int("batch_size", batch_size, min_value=1, max_value=10_000)
    bins = check_int("bins", bins, min_value=1, max_value=1000)
    seed = check_int("seed", seed, min_value=0, max_value=2**31 - 1)
    check_choice("initializer", initializer, DEPTH_INITIALIZERS)
    stddev = _checked_stddev(initializer, stddev)

    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((batch_size, width)).astype(np.float32)
    kernels = _kernels(initializer, stddev, n_layers, width, seed)
    outputs, gradients, derivatives = _forward_and_backward(resolved, inputs, kernels)
    return DepthResult(
        activation=resolved.name,
        params=dict(resolved.params),
        n_layers=n_layers,
        width=width,
        initializer=initializer,
        stddev=stddev,
        batch_size=batch_size,
        seed=seed,
        bins=bins,
        loss="mean over the batch of the sum of the last layer's outputs",
        layers=_layer_stats(outputs, gradients, derivatives, bins),
    )


def _checked_stddev(initializer: str, stddev: Any) -> float | None:
    """``stddev`` as the initializer takes it: a positive float for random_normal, else None."""
    if initializer != "random_normal":
        if stddev is not None:
            raise invalid_value(
                "stddev",
                stddev,
                "stddev=None: stddev applies only to initializer='random_normal'",
                received=f"stddev={show_value(stddev)} with initializer={initializer!r}",
            )
        return None
    if stddev is None:
        return DEFAULT_STDDEV
    return check_number("stddev", stddev, min_value=0, exclusive=True)


def _forward_and_backward(
    resolved: ResolvedActivation, inputs: np.ndarray, kernels: tuple[Any, ...]
) -> tuple[list[Any], list[Any], list[Any]]:
    """Each layer's activations, the loss's gradient per kernel, and f'(z) per unit."""
    t = tf()
    ops = keras().ops

    def act(z: Any) -> Any:
        return resolved.fn(z, **resolved.params)

    try:
        with t.GradientTape() as tape:
            for w in kernels:
                tape.watch(w)
            h = t.constant(inputs)
            pre, post = [], []
            for w in kernels:
                z = ops.matmul(h, w)
                h = act(z)
                pre.append(z)
                post.append(h)
            loss = ops.mean(ops.sum(h, axis=-1))
        grads = tape.gradient(loss, kernels, unconnected_gradients=t.UnconnectedGradients.ZERO)
        # f'(z) per unit, for the saturation fraction: element-wise, so the gradient of
        # sum(f(z)) is f'(z). A separate tape keeps it out of the loss's gradient.
        derivs = []
        for z in pre:
            with t.GradientTape() as inner:
                inner.watch(z)
                a = act(z)
            derivs.append(inner.gradient(a, z, unconnected_gradients=t.UnconnectedGradients.ZERO))
    except Exception as exc:
        label = f"Custom activation {resolved.name}" if resolved.custom else (f"Activation '{resolved.name}'")
        raise ActivationError(f"{label} raised {type(exc).__name__}: {exc} in the depth experiment") from exc
    return post, list(grads), derivs


def _layer_stats(outputs: list[Any], gradients: list[Any], derivatives: list[Any], bins: int) -> tuple[LayerStats, ...]:
    """One :class:`LayerStats` per layer, from its activations, kernel gradient and f'(z)."""
    layers = []
    for i, (a, g, d) in enumerate(zip(outputs, gradients, derivatives), start=1):
        g_np = np.asarray(g, dtype=np.float64)
        with np.errstate(all="ignore"):  # overflowing activations give inf, not warnings
            norm = float(np.sqrt(np.sum(g_np * g_np)))
        layers.append(
            LayerStats(
                index=i,
                activations=_distribution(np.asarray(a), bins),
                fraction_saturated=float(np.mean(np.abs(np.asarray(d)) < SATURATED_DERIVATIVE)),
                kernel_gradient=_distribution(g_np, bins),
                kernel_gradient_norm=norm,
            )
        )
    return tuple(layers)
