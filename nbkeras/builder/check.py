"""Check a model spec layer by layer: output shapes, parameter counts, clear errors.

Shapes come from Keras itself: each layer is instantiated and called on a symbolic
``keras.KerasTensor`` of its input's shape (no model is created, no data flows). The
call runs inside ``keras.StatelessScope(initialize_variables=False)``, so weights are
declared with their shapes but never allocated: checking ``Dense(10**6)`` costs no
memory, and the parameter count is still exact.

Before Keras sees a layer, the common mistakes are caught and worded for a person
(wrong input rank, a kernel larger than its input, a Reshape that changes the size,
float input to an Embedding, an axis of unknown size). Anything else Keras raises is
reported too, with Keras's message.

Results are cached per (input shape, input dtype, class, config) in an LRU, so editing
one argument of a long stack re-checks only from the edited layer on (and not even
that when the edit leaves the shapes unchanged).
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from nbkeras._keras import keras, tf
from nbkeras.builder.catalog import layer_spec
from nbkeras.builder.compile_advice import advice_for
from nbkeras.builder.errors import SpecIssue, where
from nbkeras.builder.layers import make_layer
from nbkeras.builder.spec import CheckedLayer, CheckedSpec, check_form

__all__ = ["LayerReport", "SpecReport", "check_spec"]

# A teaching model with more weights than this is a typo (units=1000000), and building
# it would allocate gigabytes: 100 M float32 weights are 400 MB.
MAX_PARAMS = 100_000_000
# The same for activations: every layer's output for one sample, as float32. A model
# for teaching needs a few MB per sample (VGG16 about 60 MB); a spec needs no weights
# to ask for more than any machine has (RepeatVector(n=268435456) then Flatten), and
# one predict() on a single sample would then exhaust the memory.
MAX_ACTIVATION_BYTES = 2**30  # 1 GiB per sample
# The batch size fit() and predict() use when none is given.
FIT_BATCH_SIZE = 32
# Per-layer results kept; a result is a few hundred bytes.
_CACHE_SIZE = 4096
# The name every layer gets while being checked, so that checks do not advance Keras's
# automatic names ("dense_7") in the user's session.
_CHECK_NAME = "nbkeras_check"

NOT_CHECKED_EARLIER = "not checked: an earlier layer is invalid"
NOT_CHECKED_INPUT = "not checked: the input shape is invalid"

_RNN = ("SimpleRNN", "LSTM", "GRU")
# Layers whose weights are sized by the features axis, which must therefore be known.
_NEEDS_FEATURES = frozenset(
    {"Dense", "Conv1D", "Conv2D", *_RNN, "Bidirectional", "TimeDistributed", "BatchNormalization", "LayerNormalization"}
)
_CONV = frozenset({"Conv1D", "Conv2D"})
_POOL = frozenset({"MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D"})
_GLOBAL_POOL = frozenset(
    {"GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D"}
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class LayerReport:
    """What checking found for one layer.

    Attributes:
        position: 1-based position in the stack.
        class_name: The layer class as written in the spec.
        name: The user-given name, or None.
        output_shape: Output shape with None for the batch axis, e.g. ``(None, 6, 6,
            16)``; None when the layer was not checked or is invalid.
        params: Number of weights (trainable + non-trainable), or None.
        trainable_params: Number of trainable weights, or None.
        status: ``"ok"``, ``"error"`` or ``"not checked"``.
        message: The first error about this layer, or why it was not checked.
    """

    position: int
    class_name: str
    name: str | None
    output_shape: tuple[int | None, ...] | None
    params: int | None
    trainable_params: int | None
    status: str
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when the layer was checked and is valid."""
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form, sent to the builder's view."""
        return {
            "position": self.position,
            "class_name": self.class_name,
            "name": self.name,
            "output_shape": None if self.output_shape is None else list(self.output_shape),
            "params": self.params,
            "trainable_params": self.trainable_params,
            "status": self.status,
            "ok": self.ok,
            "message": self.message,
        }


@dataclass(frozen=True)
class SpecReport:
    """The result of :func:`check_spec`.

    Attributes:
        input_shape: The input's shape with None for the batch axis, or None when
            the spec's input_shape is invalid.
        input_dtype: The input's dtype.
        layers: One :class:`LayerReport` per layer, in order.
        errors: Every :class:`~nbkeras.builder.SpecIssue`, in spec order.
        warnings: Advice on the compile settings (see
            :func:`~nbkeras.builder.compile_warnings`).
        spec: The canonical spec when its form is valid, else None.
        total_params: Weights of all valid layers (trainable + non-trainable).
        trainable_params: Trainable weights of all valid layers.
        activation_bytes: Memory of one sample's activations: the sum of the output
            sizes of all valid layers, times 4 bytes (float32). An axis of varying
            length (None) counts as 1, so for such specs it is a lower bound per step.
            A batch of ``b`` samples needs ``b`` times this in the forward pass.
    """

    input_shape: tuple[int | None, ...] | None
    input_dtype: str
    layers: tuple[LayerReport, ...]
    errors: tuple[SpecIssue, ...]
    warnings: tuple[str, ...]
    spec: dict[str, Any] | None
    total_params: int
    trainable_params: int
    activation_bytes: int = 0

    @property
    def ok(self) -> bool:
        """True when the spec can be built (warnings do not count)."""
        return not self.errors

    def activation_bytes_per_batch(self, batch_size: int = FIT_BATCH_SIZE) -> int:
        """Memory of a batch's activations in the forward pass (float32).

        A spec says nothing about the batch size; ``fit()`` and ``predict()`` use 32
        unless told otherwise.
        """
        return self.activation_bytes * batch_size

    @property
    def output_shape(self) -> tuple[int | None, ...] | None:
        """The model's output shape, or None when the spec is not valid."""
        return self.layers[-1].output_shape if self.ok and self.layers else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (no NaN, no tuples), sent to the builder's view."""
        return {
            "ok": self.ok,
            "input_shape": None if self.input_shape is None else list(self.input_shape),
            "input_dtype": self.input_dtype,
            "layers": [layer.to_dict() for layer in self.layers],
            "errors": [issue.to_dict() for issue in self.errors],
            "warnings": list(self.warnings),
            "total_params": self.total_params,
            "trainable_params": self.trainable_params,
            "activation_bytes": self.activation_bytes,
        }

    def summary_text(self) -> str:
        """A ``model.summary()``-like table, with errors and warnings below it.

        Example:
            >>> from nbkeras.builder import template
            >>> print(check_spec(template("rnn")).summary_text())
            Input: (None, 32, 1) float32
            #  Layer (type)                  Output Shape          Param #
            ==============================================================
            1  lstm (LSTM)                   (None, 32)              4,352
            2  dense (Dense)                 (None, 1)                  33
            ==============================================================
            Total params: 4,385 (17.13 KB)
            Trainable params: 4,385
            Non-trainable params: 0
            Activations: 132 B per sample, 4.12 KB per batch of 32 (float32)
        """
        rows = []
        seen: dict[str, int] = {}  # unnamed layers numbered as Keras names them in a fresh session
        for layer in self.layers:
            spec = layer_spec(layer.class_name)
            label = layer.name
            if not label:
                base = spec.auto_name if spec else "?"
                label = base if base not in seen else f"{base}_{seen[base]}"
                seen[base] = seen.get(base, 0) + 1
            if layer.ok:
                shape, params = str(layer.output_shape), f"{layer.params:,}"
            else:
                shape, params = ("error" if layer.status == "error" else "not checked"), ""
            rows.append((str(layer.position), f"{label} ({layer.class_name})", shape, params))
        header = ("#", "Layer (type)", "Output Shape", "Param #")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
        widths[1], widths[2] = max(widths[1], 28), max(widths[2], 20)

        def line(cells: tuple[str, ...]) -> str:
            return f"{cells[0]:>{widths[0]}}  {cells[1]:<{widths[1]}}  {cells[2]:<{widths[2]}}  {cells[3]:>{widths[3]}}"

        rule_width = sum(widths) + 6
        shape = "invalid" if self.input_shape is None else str(self.input_shape)
        lines = [f"Input: {shape} {self.input_dtype}", line(header), "=" * rule_width]
        lines += [line(r) for r in rows]
        lines.append("=" * rule_width)
        lines.append(f"Total params: {self.total_params:,} ({_bytes(self.total_params * 4)})")
        lines.append(f"Trainable params: {self.trainable_params:,}")
        lines.append(f"Non-trainable params: {self.total_params - self.trainable_params:,}")
        lines.append(
            f"Activations: {_bytes(self.activation_bytes)} per sample, "
            f"{_bytes(self.activation_bytes_per_batch())} per batch of {FIT_BATCH_SIZE} (float32)"
        )
        if self.errors:
            lines.append("Errors:")
            lines += [f"  - {issue.message}" for issue in self.errors]
        if self.warnings:
            lines.append("Warnings:")
            lines += [f"  - {warning}" for warning in self.warnings]
        return "\n".join(lines)


def _bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.2f} {unit}" if unit != "B" else f"{n} B"
        n /= 1024
    return f"{n:.2f} GB"  # pragma: no cover - the loop always returns


# --- one layer, cached -------------------------------------------------------------


@dataclass(frozen=True)
class _Problem:
    """Why a layer cannot take its input, before the context (position, source) is known."""

    kind: str
    argument: str
    received: str
    expected: str
    detail: str = ""
    note: str = ""


@dataclass(frozen=True)
class _Outcome:
    output_shape: tuple[int | None, ...] | None = None
    output_dtype: str | None = None
    params: int = 0
    trainable_params: int = 0
    problem: _Problem | None = None


def _as_tuple(value: Any, length: int) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (int(value),) * length


def _with_batch(shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
    return (None, *shape)


def _channels_first(config: dict[str, Any]) -> bool:
    return config.get("data_format") == "channels_first"


def _axes_words(class_name: str, config: dict[str, Any]) -> str:
    axes = layer_spec(class_name).input_axes
    if _channels_first(config) and axes.endswith(", channels)"):
        # (batch, height, width, channels) -> (batch, channels, height, width)
        inner = axes[len("(batch, ") : -len(", channels)")]
        return f"(batch, channels, {inner})"
    return axes


def _rank_problem(class_name: str, config: dict[str, Any], shape: tuple[int | None, ...]) -> _Problem | None:
    low, high = layer_spec(class_name).input_rank
    rank = len(shape) + 1
    if (low is None or rank >= low) and (high is None or rank <= high):
        return None
    needed = f"rank {low}" if low == high else f"rank >= {low}"
    return _Problem("rank", "inputs", str(_with_batch(shape)), f"{needed} {_axes_words(class_name, config)}".strip())


def _features_problem(class_name: str, config: dict[str, Any], shape: tuple[int | None, ...]) -> _Problem | None:
    if class_name not in _NEEDS_FEATURES:
        return None
    axis: int = config.get("axis", -1) if class_name in ("BatchNormalization", "LayerNormalization") else -1
    if class_name in _CONV and _channels_first(config):
        axis = 0
    full = _with_batch(shape)
    index = axis if axis >= 0 else len(full) + axis
    if not 1 <= index < len(full) or full[index] is not None:
        return None  # an out-of-range axis is Keras's to report
    return _Problem("features", "inputs", str(full), "a known size (not None) for the features axis")


def _window_problem(class_name: str, config: dict[str, Any], shape: tuple[int | None, ...]) -> _Problem | None:
    if class_name not in _CONV | _POOL or config.get("padding", "valid") != "valid":
        return None
    spatial = shape[1:] if _channels_first(config) else shape[:-1]
    name = "kernel_size" if class_name in _CONV else "pool_size"
    default = layer_spec(class_name).arg(name).default
    window = _as_tuple(config.get(name, default), len(spatial))
    dilation = _as_tuple(config.get("dilation_rate", 1), len(spatial))
    span = tuple((k - 1) * d + 1 for k, d in zip(window, dilation))
    if not any(dim is not None and s > dim for s, dim in zip(span, spatial)):
        return None
    note = f" with dilation_rate={dilation} spans {span}, which" if any(d > 1 for d in dilation) else ""
    return _Problem("window", name, str(tuple(spatial)), f"{name} <= {tuple(spatial)}", f"{name}={window}", note)


def _reshape_problem(config: dict[str, Any], shape: tuple[int | None, ...]) -> _Problem | None:
    if any(dim is None for dim in shape):
        return None  # the size varies per batch; Keras checks what it can
    size = math.prod(shape)
    target = tuple(config["target_shape"])
    known = math.prod(d for d in target if d != -1)
    if -1 in target:
        if size % known == 0:
            return None
        expected = f"the dimensions other than -1 to have a product that divides {size}"
    elif known == size:
        return None
    else:
        examples = [f"({size},)"]
        side = max((d for d in range(2, math.isqrt(size) + 1) if size % d == 0), default=None)
        if side is not None:
            examples.append(f"({side}, {size // side})")
        expected = f"dimensions whose product is {size}, e.g. {' or '.join(examples)}"
    return _Problem("reshape", "target_shape", str(_with_batch(shape)), expected, f"{size}|{known}|{target}")


def _dtype_problem(class_name: str, dtype: str) -> _Problem | None:
    if class_name != "Embedding" or "int" in dtype:
        return None
    return _Problem("integer_input", "inputs", dtype, "integer token ids (int32 or int64)")


def _keras_message(error: BaseException) -> str:
    text = _ANSI.sub("", str(error))
    # Keras wraps errors raised inside call(): "Exception encountered when calling
    # X.call().\n\n<the real message>\n\nArguments received by ...". Keep the middle.
    match = re.search(r"Exception encountered when calling [^\n]*\n\n(.*?)(\n\nArguments received|\Z)", text, re.S)
    if match:
        text = match.group(1)
    text = " ".join(text.split())
    return text if len(text) <= 400 else text[:397] + "..."


def _pending_variables() -> list[Any] | None:
    # Keras (keras/src/backend/common/variables.py) appends each variable created in a
    # StatelessScope to a per-thread list and allocates them all when the outermost
    # StatelessScope that initializes variables exits, which every later symbolic call
    # on the TensorFlow backend does. The checked layers are thrown away, so their
    # variables must leave that list; otherwise they would pile up and, later, be
    # allocated (a typo like Dense(10**6) on a 10**6-wide input would then take 4 TB).
    # Keras has no public API for this, hence the private import (guarded).
    try:
        from keras.src.backend.common import global_state
    except ImportError:  # pragma: no cover - a future Keras layout
        return None
    pending = global_state.get_global_attribute("uninitialized_variables")
    return pending if isinstance(pending, list) else None


def _sets_initializer(config: dict[str, Any]) -> bool:
    inner = config.get("layer", {}).get("config", {}) if isinstance(config.get("layer"), dict) else {}
    return any(key.endswith("_initializer") for key in (*config, *inner))


def _apply_symbolically(class_name: str, config: dict[str, Any], shape: tuple[int | None, ...], dtype: str) -> Any:
    k = keras()
    before = len(_pending_variables() or [])
    try:
        # The layer is made inside the scope too: Dropout and the RNNs create a seed
        # variable in __init__, and an eager TensorFlow variable made and dropped leaks
        # about 35 KB (measured), where a deferred one costs nothing.
        with k.StatelessScope(initialize_variables=False):
            layer = make_layer(class_name, config, check_name=_CHECK_NAME)
            output = layer(k.KerasTensor(_with_batch(shape), dtype=dtype, name=_CHECK_NAME))
            if _sets_initializer(config):
                # Deferred weights never run their initializer, yet some initializers
                # refuse some shapes (identity needs 2-D, orthogonal at least 2-D).
                # Reading a deferred weight calls its initializer; inside a scratch
                # graph that only builds ops, so a 10**6 x 10**6 kernel costs nothing.
                with tf().Graph().as_default():
                    for weight in layer.weights:
                        weight.value  # noqa: B018 - evaluated for its check
        params = sum(math.prod(w.shape) for w in layer.weights)
        trainable = sum(math.prod(w.shape) for w in layer.trainable_weights)
    finally:
        pending = _pending_variables()
        if pending is not None:
            del pending[before:]
    return output, params, trainable


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _check_layer(class_name: str, config_json: str, shape: tuple[int | None, ...], dtype: str) -> _Outcome:
    """Check one layer on one input; pure function of its arguments, hence cached."""
    config = json.loads(config_json)
    for find in (
        lambda: _rank_problem(class_name, config, shape),
        lambda: _dtype_problem(class_name, dtype),
        lambda: _features_problem(class_name, config, shape),
        lambda: _window_problem(class_name, config, shape),
        lambda: _reshape_problem(config, shape) if class_name == "Reshape" else None,
    ):
        problem = find()
        if problem is not None:
            return _Outcome(problem=problem)
    try:
        output, params, trainable = _apply_symbolically(class_name, config, shape, dtype)
    except Exception as error:  # noqa: BLE001 - anything Keras raises means "this input does not fit"
        return _Outcome(problem=_Problem("keras", "inputs", str(_with_batch(shape)), "", _keras_message(error)))
    out_shape = getattr(output, "shape", None)
    if not isinstance(out_shape, tuple):  # a list of tensors: cannot continue a Sequential
        return _Outcome(
            problem=_Problem("keras", "inputs", str(_with_batch(shape)), "", "the layer returns more than one tensor")
        )
    out_shape = tuple(None if d is None else int(d) for d in out_shape)
    if any(d is not None and d <= 0 for d in out_shape):
        return _Outcome(problem=_Problem("empty", "inputs", str(_with_batch(shape)), "", str(out_shape)))
    return _Outcome(out_shape, str(output.dtype), int(params), int(trainable))


def clear_cache() -> None:
    """Forget cached per-layer results (for tests and benchmarks)."""
    _check_layer.cache_clear()


# --- messages with context ---------------------------------------------------------


def _source(previous: CheckedLayer | None) -> str:
    return "from the input" if previous is None else f"from {previous.class_name} at position {previous.position}"


def _rank_fix(
    class_name: str, config: dict[str, Any], shape: tuple[int | None, ...], previous: CheckedLayer | None
) -> str:
    low, high = layer_spec(class_name).input_rank
    rank = len(shape) + 1
    axes = _axes_words(class_name, config)
    without_batch = "(" + axes[len("(batch, ") :] if axes.startswith("(batch, ") else axes
    too_low = low is not None and rank < low
    if previous is None:
        count = low - 1
        entries = f"{count} {'entry' if count == 1 else 'entries'}"
        entries = entries if low == high else f"at least {entries}"
        first = "a Flatten" if not too_low and high == 2 else "a Reshape"
        return f"Give input_shape {entries} {without_batch}, or add {first} first."
    prev_config = previous.config or {}
    if too_low:
        if previous.class_name == "Flatten":
            return "Remove the Flatten or add a Reshape."
        recurrent = previous.class_name in _RNN or previous.class_name == "Bidirectional"
        if recurrent and low == 3:
            rnn_config = prev_config
            if previous.class_name == "Bidirectional":
                rnn_config = prev_config.get("layer", {}).get("config", {})
            if not rnn_config.get("return_sequences", False):
                return f"Set return_sequences=True on the {previous.class_name} at position {previous.position}."
        if previous.class_name in _GLOBAL_POOL:
            return f"Remove the {previous.class_name} or set keepdims=True on it."
        return "Add a Reshape before it."
    if high == 2:
        return "Add a Flatten or a global pooling layer before it."
    return "Add a Reshape before it (or a Flatten or global pooling layer to drop axes)."


def _issue(
    problem: _Problem,
    layer: CheckedLayer,
    shape: tuple[int | None, ...],
    previous: CheckedLayer | None,
) -> SpecIssue:
    place = where(layer.position, layer.class_name)
    config = layer.config or {}
    source = _source(previous)
    kind = problem.kind
    expected = problem.expected
    if kind == "rank":
        fix = _rank_fix(layer.class_name, config, shape, previous)
        text = f"{place} needs input of {expected}; received {problem.received} {source}."
    elif kind == "window":
        fix = (
            'Use a smaller kernel_size, set padding="same", or remove a pooling layer before it.'
            if problem.argument == "kernel_size"
            else 'Use a smaller pool_size or set padding="same".'
        )
        text = (
            f"{place}: {problem.detail}{problem.note} is larger than its input {problem.received}. Expected {expected}."
        )
        return SpecIssue(
            f"{text} {fix}", layer.position, layer.class_name, problem.argument, problem.detail, expected, fix
        )
    elif kind == "reshape":
        size, known, target = problem.detail.split("|")
        if "-1" in target:
            near = min((d for d in range(1, int(size) + 1) if int(size) % d == 0), key=lambda d: abs(d - int(known)))
            fix = f"For example target_shape=(-1, {near})."
            holds = f"needs a multiple of {known} values per sample"
        else:
            fix = "Or write -1 for one dimension to let Keras infer it."
            holds = f"holds {known} values per sample"
        text = (
            f"{place}: target_shape={target} {holds}, but it receives {problem.received} {source}, "
            f"which holds {size}. Expected {expected}."
        )
        return SpecIssue(
            f"{text} {fix}", layer.position, layer.class_name, "target_shape", f"target_shape={target}", expected, fix
        )
    elif kind == "integer_input":
        fix = (
            'Set "input_dtype": "int32" in the spec.'
            if previous is None
            else "Put the Embedding first, on an integer input."
        )
        text = f"{place} needs {expected} as input; received {problem.received} values {source}."
    elif kind == "features":
        if previous is not None and previous.class_name == "Flatten":
            fix = (
                "Flatten cannot give a fixed size when an axis before it varies (None): give every axis a size, "
                "or use a global pooling layer instead."
            )
        elif previous is None:
            fix = "Give that entry of input_shape a number."
        else:
            fix = "Give that axis a fixed size."
        text = f"{place} needs {expected}; received {problem.received} {source}."
    elif kind == "empty":
        fix = 'Use a smaller window or stride, or padding="same".'
        expected = "an output with every axis at least 1"
        text = f"{place} produces an empty output {problem.detail} from its input {problem.received} {source}."
    else:
        fix = ""
        # Keras's own message says what it expected ("... must be evenly divisible ...").
        expected = problem.detail
        text = f"{place} cannot take its input {problem.received} {source}. Keras says: {problem.detail}"
    message = f"{text} {fix}".strip()
    return SpecIssue(message, layer.position, layer.class_name, problem.argument, problem.received, expected, fix)


def _too_many_params(layer: CheckedLayer, params: int, total: int) -> SpecIssue:
    place = where(layer.position, layer.class_name)
    expected = f"at most {MAX_PARAMS:,} parameters in the whole model ({_bytes(MAX_PARAMS * 4)} of float32 weights)"
    fix = "Use fewer units or filters, or a smaller input (a pooling layer before a Dense helps)."
    message = (
        f"{place} has {params:,} parameters, which brings the model to {total:,} ({_bytes(total * 4)}). "
        f"Expected {expected}. {fix}"
    )
    return SpecIssue(message, layer.position, layer.class_name, None, f"{total:,} parameters", expected, fix)


def _output_bytes(output_shape: tuple[int | None, ...]) -> int:
    """float32 bytes of one sample of a layer's output (an axis that varies counts as 1)."""
    return 4 * math.prod(1 if d is None else d for d in output_shape[1:])


def _too_many_activations(layer: CheckedLayer, output_bytes: int, total: int) -> SpecIssue:
    place = where(layer.position, layer.class_name)
    cap = _bytes(MAX_ACTIVATION_BYTES)
    expected = f"at most {cap} of activations per sample in the whole model (float32, summed over the layers)"
    fix = "Use smaller sizes (units, filters, RepeatVector's n, UpSampling's size) or reduce the input earlier."
    message = (
        f"{place} outputs {_bytes(output_bytes)} per sample, which brings the model's activations to "
        f"{_bytes(total)} per sample. Expected {expected}. {fix}"
    )
    return SpecIssue(message, layer.position, layer.class_name, None, f"{_bytes(total)} per sample", expected, fix)


# --- the whole spec ----------------------------------------------------------------


def _layer_report(layer: CheckedLayer, status: str, message: str, outcome: _Outcome | None = None) -> LayerReport:
    name = (layer.config or {}).get("name")
    if outcome is None or status != "ok":
        return LayerReport(layer.position, layer.class_name, name, None, None, None, status, message)
    return LayerReport(
        layer.position,
        layer.class_name,
        name,
        outcome.output_shape,
        outcome.params,
        outcome.trainable_params,
        status,
        message,
    )


def _shape_key(config: dict[str, Any]) -> str:
    # A layer's name does not change its shapes: leave it out of the cache key.
    return json.dumps({k: v for k, v in config.items() if k != "name"}, sort_keys=True)


def check_spec(spec: Any) -> SpecReport:
    """Check a model spec: each layer's output shape and parameter count, and errors.

    Every problem is reported where it is, in Keras's wording, with what was received,
    what was expected and how to fix it. Layers before a broken one keep their report;
    layers after it are reported as "not checked: an earlier layer is invalid" (their
    own argument errors are still listed).

    Args:
        spec: A model spec (anything: invalid input gives a report with errors,
            never an exception).

    Returns:
        A :class:`SpecReport`.

    Example:
        >>> report = check_spec({"input_shape": [8, 8, 1], "layers": [
        ...     {"class_name": "Conv2D", "config": {"filters": 16, "kernel_size": 3}},
        ...     {"class_name": "Flatten", "config": {}},
        ...     {"class_name": "Conv2D", "config": {"filters": 8, "kernel_size": 3}}]})
        >>> [(r.output_shape, r.params) for r in report.layers[:2]]
        [((None, 6, 6, 16), 160), ((None, 576), 0)]
        >>> need, received = report.errors[0].message.split("; ")
        >>> need
        'Conv2D at position 3 needs input of rank 4 (batch, height, width, channels)'
        >>> received
        'received (None, 576) from Flatten at position 2. Remove the Flatten or add a Reshape.'
    """
    checked: CheckedSpec = check_form(spec)
    form_issues = checked.all_issues
    errors: list[SpecIssue] = [i for i in checked.issues if i.class_name != "compile"]
    reports: list[LayerReport] = []
    shape, dtype = checked.input_shape, checked.input_dtype
    stop = None if shape is not None else NOT_CHECKED_INPUT
    previous: CheckedLayer | None = None
    total = trainable = activations = 0
    for layer in checked.layers:
        if layer.config is None:
            errors.extend(layer.issues)
            reports.append(_layer_report(layer, "error", layer.issues[0].message))
            stop = stop or NOT_CHECKED_EARLIER
            continue
        if stop is not None:
            reports.append(_layer_report(layer, "not checked", stop))
            continue
        assert shape is not None
        outcome = _check_layer(layer.class_name, _shape_key(layer.config), shape, dtype)
        output_bytes = _output_bytes(outcome.output_shape) if outcome.problem is None else 0
        if outcome.problem is None and total + outcome.params > MAX_PARAMS:
            issue = _too_many_params(layer, outcome.params, total + outcome.params)
        elif outcome.problem is None and activations + output_bytes > MAX_ACTIVATION_BYTES:
            issue = _too_many_activations(layer, output_bytes, activations + output_bytes)
        elif outcome.problem is not None:
            issue = _issue(outcome.problem, layer, shape, previous)
        else:
            issue = None
        if issue is not None:
            errors.append(issue)
            reports.append(_layer_report(layer, "error", issue.message))
            stop = NOT_CHECKED_EARLIER
            continue
        total += outcome.params
        trainable += outcome.trainable_params
        activations += output_bytes
        reports.append(_layer_report(layer, "ok", "", outcome))
        previous = layer
        shape, dtype = outcome.output_shape[1:], outcome.output_dtype
    errors.extend(i for i in checked.issues if i.class_name == "compile")
    canonical = checked.canonical() if not form_issues else None
    report = SpecReport(
        input_shape=None if checked.input_shape is None else _with_batch(checked.input_shape),
        input_dtype=checked.input_dtype,
        layers=tuple(reports),
        errors=tuple(errors),
        warnings=(),
        spec=canonical,
        total_params=total,
        trainable_params=trainable,
        activation_bytes=activations,
    )
    if canonical is not None and "compile" in canonical and not errors:
        report = SpecReport(**{**report.__dict__, "warnings": tuple(advice_for(canonical, report))})
    return report
