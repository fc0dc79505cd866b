"""What the layers see: feature maps, convolution filters, activation distributions, Grad-CAM.

The pure core of the inspector's *Layers* view. Layers are named as the user knows them: a
name, an index into ``model.layers`` (negative from the end) or the layer object; an unknown
name is refused with the names that exist. Reading a layer's output needs a Sequential or
functional model (a subclassed model's inner outputs cannot be tapped).

Everything runs batched where the model lives (GPU when there is one); only results come
back to the host: whole feature maps, per-layer histogram counts, one heatmap per example.

Example:

    >>> from nbkeras.inspect import feature_maps, grad_cam
    >>> maps = feature_maps(model, "conv2d", x_test[:1])  # doctest: +SKIP
    >>> heat = grad_cam(model, x_test[0])  # (8, 8) in [0, 1]  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from nbkeras._keras import keras, tf
from nbkeras._validate import check_int, invalid_value
from nbkeras.inspect._common import (
    DEFAULT_BATCH_SIZE,
    as_batch,
    check_batch_size,
    check_model,
    layer_names,
    resolve_layer,
    tap_model,
)

__all__ = [
    "ActivationHistogram",
    "ConvFilters",
    "activation_histograms",
    "conv_filters",
    "feature_maps",
    "grad_cam",
    "spatial_layers",
]


@dataclass(frozen=True)
class ConvFilters:
    """The filters of one convolution layer, one per output channel.

    Attributes:
        layer: The layer's name.
        kernel: Float array (filters, *kernel_size, in_channels): filter ``i`` is ``kernel[i]``
            (Keras stores (*kernel_size, in_channels, filters)).
        bias: (filters,) or None when the layer has no bias.
    """

    layer: str
    kernel: np.ndarray
    bias: np.ndarray | None


@dataclass(frozen=True)
class ActivationHistogram:
    """The distribution of one layer's outputs over a batch.

    Attributes:
        layer: The layer's name.
        edges: Bin edges (bins + 1,), float64, from the output's minimum to its maximum
            (a constant output gets the bins of [value - 0.5, value + 0.5]).
        counts: Values per bin (bins,), int64; the last bin includes the maximum. Non-finite
            values are not binned.
        size: Values in the output (batch × values per example).
        nonfinite: NaN/±inf values among them.
        zero_fraction: Fraction of values exactly 0 (dead ReLUs show here).
        mean: Mean of the finite values (NaN when none).
        std: Their standard deviation.
    """

    layer: str
    edges: np.ndarray
    counts: np.ndarray
    size: int
    nonfinite: int
    zero_fraction: float
    mean: float
    std: float


def feature_maps(model: Any, layer: Any, x: Any, *, batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
    """A layer's outputs for ``x``: what a Keras sub-model from the input to that layer returns.

    Args:
        model: A Sequential or functional Keras model.
        layer: The layer's name, index in ``model.layers`` or the layer itself.
        x: A batch (N, ...) or one example (the model's input shape without the batch axis).
        batch_size: Examples per forward pass.

    Returns:
        The outputs as a NumPy array, (N, *layer output shape), or without the batch axis
        for one example. A convolution's maps are (N, H, W, channels).

    Raises:
        ValueError: Unknown layer (the message lists the model's layer names), a subclassed
            model, or ``x`` of the wrong shape.

    Example:
        >>> maps = feature_maps(model, "conv2d", x_test[:4])  # doctest: +SKIP
        >>> maps.shape  # doctest: +SKIP
        (4, 6, 6, 8)
    """
    check_model(model)
    batch_size = check_batch_size(batch_size)
    target = resolve_layer(model, layer)
    batch, single = as_batch(model, x)
    sub = tap_model(model, [target])
    parts = [np.asarray(sub.predict_on_batch(batch[i : i + batch_size])) for i in range(0, len(batch), batch_size)]
    out = np.concatenate(parts, axis=0)
    return out[0] if single else out


def _is_conv(layer: Any) -> bool:
    conv = keras().layers
    return isinstance(layer, (conv.Conv1D, conv.Conv2D, conv.Conv3D)) and not isinstance(
        layer, (conv.Conv1DTranspose, conv.Conv2DTranspose, conv.Conv3DTranspose)
    )


def conv_filters(model: Any, layer: Any = None) -> ConvFilters:
    """The filters of a convolution layer (default: the model's first ``Conv1D/2D/3D``).

    Args:
        model: A Keras model.
        layer: Name, index or layer; None for the first convolution.

    Returns:
        :class:`ConvFilters` with the kernel as (filters, *kernel_size, in_channels).

    Raises:
        ValueError: The model has no convolution layer, or ``layer`` is not one.

    Example:
        >>> conv_filters(model).kernel.shape  # 8 filters of 3×3 over 1 channel  # doctest: +SKIP
        (8, 3, 3, 1)
    """
    check_model(model)
    if layer is None:
        found = next((candidate for candidate in model.layers if _is_conv(candidate)), None)
        if found is None:
            raise invalid_value(
                "model",
                model,
                "a model with a Conv1D, Conv2D or Conv3D layer",
                received=f"model {model.name!r} with no convolution layer "
                f"(layers: {', '.join(repr(n) for n in layer_names(model))})",
            )
        target = found
    else:
        target = resolve_layer(model, layer)
        if not _is_conv(target):
            raise invalid_value(
                "layer",
                layer,
                "a Conv1D, Conv2D or Conv3D layer",
                received=f"layer {target.name!r} ({type(target).__name__})",
            )
    kernel = np.asarray(target.kernel.numpy())
    bias = np.asarray(target.bias.numpy()) if getattr(target, "use_bias", False) else None
    return ConvFilters(target.name, np.moveaxis(kernel, -1, 0), bias)


def activation_histograms(model: Any, x: Any, *, layers: Any = None, bins: int = 50) -> list[ActivationHistogram]:
    """Histogram counts of each layer's outputs on one batch, counted on the model's device.

    Args:
        model: A Sequential or functional Keras model.
        x: A batch (N, ...) (or one example), run in one forward pass in inference mode
            (``training=False``: no dropout): a few hundred examples are plenty.
        layers: Names / indices / layers to measure; None for every layer of
            ``model.layers`` but input layers (a functional model lists its ``Input``).
        bins: Bins per layer, each histogram over that layer's own [min, max].

    Returns:
        One :class:`ActivationHistogram` per layer, in the model's order. Only
        ``layers × (bins + 6)`` numbers leave the device.

    Raises:
        ValueError: Unknown layer, subclassed model, ``x`` of the wrong shape, ``bins < 1``.

    Example:
        >>> for h in activation_histograms(model, x_test[:256]):  # doctest: +SKIP
        ...     print(h.layer, h.zero_fraction)
    """
    check_model(model)
    bins = check_int("bins", bins, min_value=1)
    chosen = (
        _inner_layers(model) if layers is None else [resolve_layer(model, item, "layers") for item in _as_list(layers)]
    )
    batch, _ = as_batch(model, x)
    if not chosen:
        return []
    t = tf()
    sub = tap_model(model, chosen)
    outputs = sub(batch, training=False)
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    rows = []
    for tensor in outputs:
        values = t.reshape(t.cast(tensor, t.float32), [-1])
        finite_mask = t.math.is_finite(values)
        finite = t.boolean_mask(values, finite_mask)
        n = t.size(finite)
        lo = t.cond(n > 0, lambda f=finite: t.reduce_min(f), lambda: t.constant(0.0))
        hi = t.cond(n > 0, lambda f=finite: t.reduce_max(f), lambda: t.constant(0.0))
        same = t.equal(lo, hi)
        lo = t.where(same, lo - 0.5, lo)
        hi = t.where(same, hi + 0.5, hi)
        counts = t.histogram_fixed_width(finite, t.stack([lo, hi]), nbins=bins, dtype=t.int64)
        mean = t.cond(n > 0, lambda f=finite: t.reduce_mean(f), lambda: t.constant(np.nan, t.float32))
        std = t.cond(n > 0, lambda f=finite: t.math.reduce_std(f), lambda: t.constant(np.nan, t.float32))
        zeros = t.reduce_sum(t.cast(t.equal(values, 0.0), t.int64))
        summary = t.stack([lo, hi, mean, std, t.cast(zeros, t.float32), t.cast(n, t.float32)])
        rows.append((t.size(values), counts, summary))
    # One transfer per layer: counts and six numbers.
    result = []
    for layer, (size, counts, summary) in zip(chosen, rows):
        lo, hi, mean, std, zeros, n_finite = (float(v) for v in summary.numpy())
        size = int(size)
        result.append(
            ActivationHistogram(
                layer=layer.name,
                edges=np.linspace(lo, hi, bins + 1),
                counts=counts.numpy().astype(np.int64),
                size=size,
                nonfinite=size - int(n_finite),
                zero_fraction=zeros / size if size else 0.0,
                mean=mean,
                std=std,
            )
        )
    return result


def _inner_layers(model: Any) -> list[Any]:
    """``model.layers`` without input layers (a functional model lists its ``Input``; a Sequential does not)."""
    input_layer = keras().layers.InputLayer
    return [layer for layer in model.layers if not isinstance(layer, input_layer)]


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _spatial(layer: Any) -> bool:
    try:
        shape = layer.output.shape
    except (AttributeError, ValueError):  # no single output (shared layer, subclassed model)
        return False
    return len(shape) == 4


def spatial_layers(model: Any) -> list[str]:
    """Names of the layers whose output is spatial, (batch, height, width, channels): Grad-CAM's candidates.

    Args:
        model: A Sequential or functional Keras model.

    Returns:
        Layer names in the model's order (:func:`grad_cam` uses the last by default).

    Example:
        >>> spatial_layers(model)  # doctest: +SKIP
        ['conv1', 'conv2', 'pool']
    """
    check_model(model)
    return [layer.name for layer in _inner_layers(model) if _spatial(layer)]


def grad_cam(
    model: Any,
    x: Any,
    class_index: Any = None,
    layer: Any = None,
    *,
    batch_size: int = 256,
) -> np.ndarray:
    """Grad-CAM: where in the image the evidence for a class lies, as a heatmap in [0, 1].

    For a spatial layer with maps ``A`` (H', W', K) and the model's output ``y_c`` for
    class ``c``: weights ``α_k = mean over (i, j) of ∂y_c / ∂A[i, j, k]``, map
    ``relu(Σ_k α_k A[:, :, k])``, resized (bilinear) to the input's height and width and
    divided by its maximum (Selvaraju et al., 2017). ``y_c`` is the model's output as it is
    (a probability after a softmax). A map that is 0 everywhere (no positive evidence)
    stays 0.

    Args:
        model: A Sequential or functional image model with channels-last input
            (batch, height, width, channels).
        x: One image (H, W, C) or a batch (N, H, W, C).
        class_index: The class to explain: an int for all examples, a sequence of one int
            per example, or None for each example's predicted class (a single sigmoid unit
            has one score: its heatmap explains the positive class).
        layer: Name / index / layer with a spatial output; None for the last such layer
            before the output.
        batch_size: Examples per gradient pass.

    Returns:
        Float32 heatmap (H, W) for one image, (N, H, W) for a batch, in [0, 1].

    Raises:
        ValueError: The model has no layer with a spatial output (the message lists its
            layers), ``layer`` is not spatial, ``class_index`` out of range, wrong ``x`` shape.

    Example:
        >>> heat = grad_cam(model, x_test[0])  # doctest: +SKIP
        >>> heat.shape, float(heat.max())  # doctest: +SKIP
        ((8, 8), 1.0)
    """
    check_model(model)
    batch_size = check_batch_size(batch_size)
    batch, single = as_batch(model, x)
    if batch.ndim != 4:
        raise invalid_value(
            "x",
            x,
            "images: a model whose input is (batch, height, width, channels)",
            received=f"x of shape {batch.shape}",
        )
    target = _grad_cam_layer(model, layer)
    if len(model.outputs) != 1:
        raise invalid_value(
            "model", model, "a model with one output (class scores)", received=f"{len(model.outputs)} outputs"
        )
    grad_model = keras().Model(model.inputs[0], [target.output, model.outputs[0]])
    n = len(batch)
    classes = None if class_index is None else _class_indices(class_index, n, model.outputs[0].shape[-1])
    parts = [
        _grad_cam_chunk(grad_model, batch[start : start + batch_size], None if classes is None else classes[start:])
        for start in range(0, n, batch_size)
    ]
    heat = np.clip(np.concatenate(parts, axis=0), 0.0, 1.0)
    return heat[0] if single else heat


def _grad_cam_layer(model: Any, layer: Any) -> Any:
    """The layer whose maps Grad-CAM weighs: ``layer``, checked to be spatial, or the last spatial one."""
    if layer is None:
        candidates = spatial_layers(model)
        if not candidates:
            raise invalid_value(
                "model",
                model,
                "a layer whose output is (batch, height, width, channels), such as Conv2D: Grad-CAM weighs its maps",
                received=f"model {model.name!r} with no layer with a spatial output "
                f"(layers: {', '.join(repr(n) for n in layer_names(model))})",
            )
        return resolve_layer(model, candidates[-1])
    target = resolve_layer(model, layer)
    if not _spatial(target):
        raise invalid_value(
            "layer",
            layer,
            f"a layer with a spatial output (batch, height, width, channels): {spatial_layers(model)}",
            received=f"layer {target.name!r} with output shape {tuple(target.output.shape)}",
        )
    return target


def _grad_cam_chunk(grad_model: Any, chunk: np.ndarray, classes: np.ndarray | None) -> np.ndarray:
    """Heatmaps of one chunk: gradients of the class score with respect to the layer's maps."""
    t = tf()
    height, width = chunk.shape[1], chunk.shape[2]
    images = t.convert_to_tensor(chunk)
    with t.GradientTape() as tape:
        maps, output = grad_model(images, training=False)
        output = t.reshape(output, [t.shape(output)[0], -1])
        if classes is None:
            index = t.argmax(output, axis=1, output_type=t.int32)
        else:
            index = t.constant(classes[: len(chunk)], dtype=t.int32)
        score = t.gather(output, index, axis=1, batch_dims=1)
    grads = tape.gradient(score, maps)
    weights = t.reduce_mean(grads, axis=(1, 2), keepdims=True)
    cam = t.nn.relu(t.reduce_sum(weights * maps, axis=-1, keepdims=True))
    cam = t.image.resize(cam, (height, width), method="bilinear")[..., 0]
    top = t.reduce_max(cam, axis=(1, 2), keepdims=True)
    return t.math.divide_no_nan(cam, top).numpy().astype(np.float32)


def _class_indices(class_index: Any, n: int, classes: Any) -> np.ndarray:
    limit = int(classes) - 1 if classes is not None else None
    if not isinstance(class_index, (list, tuple, np.ndarray)):
        return np.full(n, check_int("class_index", class_index, min_value=0, max_value=limit))
    values = np.asarray(class_index)
    expected = f"one class index per example ({n}), each between 0 and {limit}"
    if values.shape != (n,) or (values.size and not np.issubdtype(values.dtype, np.integer)):
        raise invalid_value(
            "class_index", class_index, expected, received=f"class_index of shape {values.shape}, dtype {values.dtype}"
        )
    if values.size and (values.min() < 0 or (limit is not None and values.max() > limit)):
        bad = values.min() if values.min() < 0 else values.max()
        raise invalid_value("class_index", class_index, expected, received=f"a class index {bad}")
    return values.astype(np.int64)
