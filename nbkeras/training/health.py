"""Per-layer health of a model on a fixed probe batch: gradients, dead and saturated units.

:class:`HealthProbe` answers the questions a learner asks when training stalls: do
gradients reach every layer (per-layer gradient norm), have ReLU units died (output
exactly 0 for every probe sample), are sigmoid/tanh units saturated (outputs pinned
near their limits, where the derivative vanishes)?

Everything is computed in one ``tf.function`` traced once, on the device that holds
the model; only one small float vector comes back to the host. The probe runs the
model in inference mode (``training=False``: no dropout, batch-norm moving
statistics), so two measurements differ only because the weights changed. It does
not disturb training: metric state that computing the loss touches (per-output
loss trackers of multi-output models) is saved and restored around it.

Which layers get which measure:

- dead fraction: layers whose output has exact zeros by construction: ``activation``
  of ``relu`` or ``relu6`` (``Dense``, ``Conv*``, ``Activation``, ...) and ``ReLU``
  layers with ``negative_slope=0``. A unit is a channel (last axis); it is dead when
  it is 0 for every sample (and every position, for convolutions).
- saturated fraction: ``sigmoid`` and ``hard_sigmoid`` outputs below 0.01 or above
  0.99, and ``tanh`` outputs with ``|a| > 0.99``, as a fraction of all outputs.
- Recurrent layers are skipped: their output is not their ``activation``'s output.

Example:

    >>> import keras, numpy as np
    >>> from nbkeras.training.health import HealthProbe
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="relu",
    ...     bias_initializer=keras.initializers.Constant(-100.0)), keras.layers.Dense(1)])
    >>> model.compile(loss="mse")
    >>> report = HealthProbe(model, np.ones((8, 2)), np.zeros((8, 1))).measure()
    >>> report.layers[0].dead_fraction
    1.0
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from nbkeras._keras import keras, tf
from nbkeras._validate import invalid_value, is_int

__all__ = ["HealthProbe", "HealthReport", "LayerHealth"]

_RELU_LIKE = {"relu": "relu", "relu6": "relu6"}
_SIGMOID_LIKE = {"sigmoid": "sigmoid", "hard_sigmoid": "hard_sigmoid"}


@dataclass(frozen=True)
class LayerHealth:
    """Health numbers of one top-level layer.

    Attributes:
        name: The layer's name.
        class_name: The layer's class (``"Dense"``).
        grad_norm: Global L2 norm of the loss gradient over the layer's trainable
            weights; ``None`` when it has none; NaN when non-finite.
        activation: ``"relu"``, ``"relu6"``, ``"sigmoid"``, ``"hard_sigmoid"``,
            ``"tanh"``, or ``None`` when no activation measure applies.
        dead_fraction: Fraction of units (channels) that output exactly 0 for every
            probe sample (relu-like layers only, else ``None``).
        saturated_fraction: Fraction of outputs in the flat tails (sigmoid-like and
            tanh layers only, else ``None``).
    """

    name: str
    class_name: str
    grad_norm: float | None
    activation: str | None = None
    dead_fraction: float | None = None
    saturated_fraction: float | None = None


@dataclass(frozen=True)
class HealthReport:
    """One measurement of :class:`HealthProbe`.

    Attributes:
        loss: The loss on the probe batch (NaN when non-finite).
        layers: One :class:`LayerHealth` per top-level layer, in model order.
        notes: Why something was not measured (a subclassed model, a shared layer).
        samples: Probe samples used.
        seconds: Wall time of the measurement.
    """

    loss: float
    layers: tuple[LayerHealth, ...]
    notes: tuple[str, ...]
    samples: int
    seconds: float

    def layer(self, name: str) -> LayerHealth:
        """The entry of the layer called ``name``.

        Raises:
            KeyError: No layer of that name was measured.
        """
        for entry in self.layers:
            if entry.name == name:
                return entry
        raise KeyError(f"No layer named {name!r} in this report. Layers: {[e.name for e in self.layers]}.")


def _activation_kind(layer: Any) -> str | None:
    k = keras()
    if isinstance(layer, k.layers.ReLU):
        return "relu" if float(layer.negative_slope) == 0.0 else None
    # Recurrent layers have an `activation` too, but output o * tanh(c), not it.
    if hasattr(layer, "cell") or hasattr(layer, "recurrent_activation"):
        return None
    name = getattr(getattr(layer, "activation", None), "__name__", None)
    if name in _RELU_LIKE:
        return _RELU_LIKE[name]
    if name in _SIGMOID_LIKE:
        return _SIGMOID_LIKE[name]
    if name == "tanh":
        return "tanh"
    return None


def _dense(grad: Any) -> Any:
    # Embedding gradients are IndexedSlices whose rows repeat when a token repeats;
    # densifying sums the repeats, so the norm is exact (one table-sized buffer).
    t = tf()
    return t.convert_to_tensor(grad) if isinstance(grad, t.IndexedSlices) else grad


def _slice(data: Any, n: int) -> Any:
    return keras().tree.map_structure(lambda a: tf().convert_to_tensor(np.asarray(a)[:n]), data)


def _num_samples(data: Any) -> int:
    return int(np.shape(keras().tree.flatten(data)[0])[0])


class HealthProbe:
    """Measures per-layer gradient norms and activation health on a fixed batch.

    Args:
        model: A compiled Keras model (the loss comes from ``model.compute_loss``).
            Sequential and functional models get activation measures; a subclassed
            model gets gradient norms only (see :attr:`HealthReport.notes`). An
            unbuilt model is built by calling it on the probe batch.
        x: Inputs; the first ``max_samples`` samples become the probe batch.
        y: Targets for those samples.
        max_samples: Most samples in the probe batch, >= 1.

    Raises:
        ValueError: ``max_samples`` is not a positive integer, ``x`` is empty, or the
            model has no loss to compute (not compiled).

    Example:

        >>> import keras, numpy as np
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="tanh")])
        >>> model.compile(loss="mse")
        >>> probe = HealthProbe(model, np.zeros((4, 2)), np.zeros((4, 1)))
        >>> probe.measure().layers[0].saturated_fraction
        0.0
    """

    def __init__(self, model: Any, x: Any, y: Any, *, max_samples: int = 64) -> None:
        if not is_int(max_samples) or max_samples < 1:
            raise invalid_value("max_samples", max_samples, "an integer >= 1")
        n = min(_num_samples(x), int(max_samples))
        if n < 1:
            raise invalid_value("x", x, "at least one sample", received="0 samples")
        self.model = model
        self.samples = n
        self._x = _slice(x, n)
        self._y = _slice(y, n)
        self._notes: list[str] = []
        if not model.built:
            model(self._x)
        self._layers = list(model.layers)
        self._tap, self._tapped = self._build_tap()
        self._warm_up()
        self._fn = self._build_function()

    # -- construction ----------------------------------------------------------------

    def _build_tap(self) -> tuple[Any, list[tuple[int, str]]]:
        k = keras()
        model = self.model
        try:
            inputs, outputs = model.inputs, model.outputs
            if not inputs or not outputs:
                raise ValueError("no symbolic inputs/outputs")
        except Exception:  # noqa: BLE001 - any model whose layer outputs cannot be tapped gets the notice
            self._notes.append(
                f"Activations not measured: {type(model).__name__} is a subclassed model, whose layer "
                "outputs cannot be tapped; gradient norms only. Build the model with the Sequential "
                "or functional API to see dead and saturated units."
            )
            return None, []
        tapped: list[tuple[int, str]] = []
        tensors = []
        for i, layer in enumerate(self._layers):
            kind = _activation_kind(layer)
            if kind is None:
                continue
            try:
                tensors.append(layer.output)
            except Exception:  # noqa: BLE001 - a layer called more than once has no single output
                self._notes.append(
                    f"Layer {layer.name!r} ({kind}) not measured: it has no single output (shared layer)."
                )
                continue
            tapped.append((i, kind))
        n_out = len(k.tree.flatten(outputs))
        tap = k.Model(inputs, [*k.tree.flatten(outputs), *tensors])
        self._n_out = n_out
        # ``model.output`` has the structure the model's call returns (a bare tensor for a
        # single-output model); ``model.outputs`` is always a list. Handing compute_loss a
        # one-element list where fit later passes a tensor makes Keras build its loss for
        # the wrong structure, and training then learns far less (seen: digits 0.96 -> 0.78).
        try:
            self._output_structure = outputs[0] if n_out == 1 else model.output
        except AttributeError:  # a Sequential has no ``output`` until called symbolically
            self._output_structure = outputs
        return tap, tapped

    def _forward(self, training: bool = False) -> tuple[Any, list[Any]]:
        k = keras()
        if self._tap is None:
            return self.model(self._x, training=training), []
        out = self._tap(self._x, training=training)
        out = list(out) if isinstance(out, (list, tuple)) else [out]
        y_pred = k.tree.pack_sequence_as(self._output_structure, out[: self._n_out])
        return y_pred, out[self._n_out :]

    def _loss(self, y_pred: Any) -> Any:
        model = self.model
        if hasattr(model, "compute_loss"):
            return model.compute_loss(x=self._x, y=self._y, y_pred=y_pred, training=False)
        return model.loss(self._y, y_pred)

    def _warm_up(self) -> None:
        # One eager loss computation, so that anything compute_loss builds lazily
        # (per-output loss trackers, with variables) exists before tracing, and so
        # that a model without a loss fails here rather than mid-training.
        model = self.model
        before = {id(v): np.array(v.numpy()) for v in model.metrics_variables}
        try:
            y_pred, _ = self._forward()
            self._loss(y_pred)
        except ValueError as exc:
            if "no loss" in str(exc).lower():  # Keras: "No loss to compute. Provide a `loss` ..."
                raise invalid_value(
                    "model",
                    self.model,
                    "a compiled model: call `model.compile(loss=...)` first",
                    received="a model with no loss to compute",
                ) from exc
            raise
        finally:
            for v in model.metrics_variables:
                v.assign(before.get(id(v), np.zeros(v.shape, dtype=v.dtype)))
        self._metric_variables = list(model.metrics_variables)

    def _build_function(self) -> Any:
        t = tf()
        model = self.model
        weights = list(model.trainable_weights)
        index = {id(w): i for i, w in enumerate(weights)}
        groups = [[index[id(w)] for w in layer.trainable_weights if id(w) in index] for layer in self._layers]
        self._has_weights = [bool(g) for g in groups]
        metric_variables = self._metric_variables
        tapped = self._tapped

        @t.function(autograph=False)
        def measure() -> Any:
            saved = [t.identity(v.value) for v in metric_variables]
            with t.GradientTape() as tape:
                y_pred, activations = self._forward()
                loss = t.cast(self._loss(y_pred), t.float32)
            grads = tape.gradient(loss, weights)
            parts = [t.reshape(loss, [1])]
            for group in groups:
                if not group:
                    continue
                squares = [
                    t.reduce_sum(t.square(t.cast(_dense(grads[i]), t.float32))) for i in group if grads[i] is not None
                ]
                norm = t.sqrt(t.add_n(squares)) if squares else t.constant(0.0)
                parts.append(t.reshape(norm, [1]))
            for (_, kind), a in zip(tapped, activations, strict=True):
                a = t.cast(a, t.float32)
                if kind in _RELU_LIKE:
                    per_unit = t.reshape(a, [-1, a.shape[-1]])
                    dead = t.reduce_all(t.equal(per_unit, 0.0), axis=0)
                    value = t.reduce_mean(t.cast(dead, t.float32))
                elif kind in _SIGMOID_LIKE:
                    value = t.reduce_mean(t.cast((a < 0.01) | (a > 0.99), t.float32))
                else:  # tanh
                    value = t.reduce_mean(t.cast(t.abs(a) > 0.99, t.float32))
                parts.append(t.reshape(value, [1]))
            result = t.concat(parts, axis=0)
            # Leave the model's metric state as it was: computing the loss may have
            # updated loss trackers that fit() reports.
            with t.control_dependencies([result]):
                restores = [v.assign(s) for v, s in zip(metric_variables, saved, strict=True)]
            with t.control_dependencies(restores):
                return t.identity(result)

        return measure

    # -- measuring ---------------------------------------------------------------------

    def measure(self) -> HealthReport:
        """Run the probe once (about a forward and a backward pass on the probe batch).

        Returns:
            A :class:`HealthReport`. Non-finite loss or gradient norms are NaN.
        """
        started = time.perf_counter()
        vector = self._fn().numpy().astype(np.float64)
        seconds = time.perf_counter() - started

        def clean(v: float) -> float:
            return v if math.isfinite(v) else math.nan

        pos = 0
        loss = clean(float(vector[pos]))
        pos += 1
        norms: list[float | None] = []
        for has in self._has_weights:
            if has:
                norms.append(clean(float(vector[pos])))
                pos += 1
            else:
                norms.append(None)
        activation_values = {i: (kind, float(vector[pos + j])) for j, (i, kind) in enumerate(self._tapped)}
        layers = []
        for i, layer in enumerate(self._layers):
            kind, value = activation_values.get(i, (None, None))
            layers.append(
                LayerHealth(
                    name=layer.name,
                    class_name=type(layer).__name__,
                    grad_norm=norms[i],
                    activation=kind,
                    dead_fraction=value if kind in _RELU_LIKE else None,
                    saturated_fraction=value if kind is not None and kind not in _RELU_LIKE else None,
                )
            )
        return HealthReport(
            loss=loss, layers=tuple(layers), notes=tuple(self._notes), samples=self.samples, seconds=seconds
        )


def num_samples(data: Any) -> int | None:
    """Samples in in-memory training data: any structure (dict, list, tuple, nested) of arrays
    that agree on their first dimension. None for a dataset, a generator or a PyDataset."""
    if data is None:
        return None
    try:
        leaves = keras().tree.flatten(data)
    except Exception:  # noqa: BLE001 - not a structure keras.tree knows
        return None
    counts = set()
    for leaf in leaves:
        shape = getattr(leaf, "shape", None)
        if shape is None or len(shape) == 0 or shape[0] is None:
            return None  # a dataset or generator (no shape), or a scalar
        counts.add(int(shape[0]))
    return counts.pop() if len(counts) == 1 else None


def probe_batch(x: Any, y: Any, n: int = 64) -> tuple[tuple[Any, Any] | None, str]:
    """The health probe's batch: the first ``n`` samples of ``(x, y)``, sliced in whatever
    structure Keras took them; or None and why none can be taken (shown as a notice)."""
    if num_samples(x) is None:
        return None, (
            "the data is a dataset or generator, and taking a batch from it would change what "
            "training sees. Pass LiveMonitor(probe=(x_batch, y_batch)) to measure it."
        )
    if y is None or num_samples(y) is None:
        return None, "the data has no targets (y) to compute the loss on."
    take = functools.partial(keras().tree.map_structure, lambda a: a[:n])
    return (take(x), take(y)), ""
