"""``ModelInspector``: what a trained model gets wrong and what its layers see, in one widget.

A thin widget over the inspect core. Everything of the *Errors* section comes from one
batched forward pass at construction (:func:`~nbkeras.inspect.errors.classification_errors`
or :func:`~nbkeras.inspect.errors.regression_errors`); clicking a confusion-matrix cell only
selects indices among those numbers (no model call). The *Layers* section runs one small
forward pass when its layer or example changes (:func:`~nbkeras.inspect.layers.feature_maps`
and :func:`~nbkeras.inspect.layers.grad_cam` of that one example); the first convolution's
filters and the activation distributions are computed once.

Examples are drawn as what they are: images travel as thumbnails (uint8, at most
``THUMBNAIL_SIDE`` pixels a side, at most ``GALLERY_LIMIT`` per gallery) in one binary
buffer per gallery, drawn to ``<canvas>`` by the view; token sequences as text decoded with
``vocabulary=``; 2-D inputs as points of the data set; anything else as its first values.

Example:

    >>> inspector = nbkeras.ModelInspector(model, x_test, y_test)  # doctest: +SKIP
    >>> inspector.confusion_matrix, inspector.top_losses(9)  # doctest: +SKIP
    >>> inspector.select_cell(8, 1)  # the 8s read as 1s, highest loss first  # doctest: +SKIP
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import traitlets

from nbkeras._validate import check_choice, check_int, invalid_value, is_int
from nbkeras.inspect._common import as_array, check_model, resolve_layer, tap_model
from nbkeras.inspect.errors import (
    ClassificationErrors,
    ClassMetrics,
    RegressionErrors,
    TopLosses,
    classification_errors,
    regression_errors,
)
from nbkeras.inspect.layers import activation_histograms, conv_filters, grad_cam, spatial_layers
from nbkeras.widgets.base import NbKerasWidget, command
from nbkeras.widgets.figure import to_wire
from nbkeras.widgets.static import bundle

__all__ = ["GALLERY_LIMIT", "THUMBNAIL_SIDE", "ModelInspector"]

GALLERY_LIMIT = 48  # examples per gallery; a larger cell says "48 of 170, highest loss first"
THUMBNAIL_SIDE = 64  # larger images are subsampled (a stride) to at most this many pixels a side
TOP_LOSSES = 16  # the top-losses gallery
MAX_MAPS = 32  # feature maps (channels) drawn for one layer; filters of the first convolution
HISTOGRAM_EXAMPLES = 256  # examples in the one forward pass of the activation distributions
HISTOGRAM_BINS = 40
TEXT_CHARS = 200  # characters of a decoded example shown
MAX_POINTS = 3000  # background points of a 2-D data set drawn behind a gallery's points
TASKS = ("classification", "regression")

# Sequential, light to dark: small counts stay visible next to the diagonal's large ones.
_BLUES = [[0.0, "#f7fbff"], [0.1, "#deebf7"], [0.3, "#9ecae1"], [0.6, "#4292c6"], [1.0, "#08306b"]]
_MAPS = "Viridis"
_HEAT = [[0.0, "rgb(0,0,0)"], [0.3, "rgb(230,0,0)"], [0.6, "rgb(255,210,0)"], [1.0, "rgb(255,255,255)"]]  # Hot
_CLASSIFICATION_LOSSES = ("crossentropy", "hinge", "kl_divergence", "kld", "ce")


def _loss_name(model: Any) -> str:
    loss = getattr(model, "loss", None)
    if isinstance(loss, (list, tuple)) and len(loss) == 1:
        loss = loss[0]
    if isinstance(loss, str):
        return loss.lower()
    name = getattr(loss, "name", None) or getattr(loss, "__name__", None)
    return str(name).lower() if name else ""


def _guess_task(model: Any, y: np.ndarray) -> str:
    """Classification for a crossentropy/hinge loss; else by the targets: whole-number labels are classes."""
    name = _loss_name(model)
    if any(part in name for part in _CLASSIFICATION_LOSSES):
        return "classification"
    if name:
        return "regression"
    whole = np.issubdtype(y.dtype, np.integer) or (
        np.issubdtype(y.dtype, np.number) and y.size and np.all(np.isfinite(y)) and not np.any(y % 1)
    )
    return "classification" if whole else "regression"


def _example_kind(x: np.ndarray, vocabulary: Any) -> str:
    if x.ndim == 4 and 1 <= x.shape[-1] <= 4:
        return "image"
    if x.ndim == 2 and (vocabulary is not None or np.issubdtype(x.dtype, np.integer)):
        return "text"
    if x.ndim == 2 and x.shape[1] == 2:
        return "points"
    return "values"


def _words(vocabulary: Any) -> list[str]:
    """Index -> word, from a list of words or a {word: index} dict (as TextVectorization and datasets give)."""
    if isinstance(vocabulary, dict):
        size = max(vocabulary.values(), default=-1) + 1
        words = [""] * size
        for word, index in vocabulary.items():
            if not is_int(index) or index < 0:
                raise invalid_value("vocabulary", vocabulary, "a {word: index >= 0} dict or a list of words")
            words[int(index)] = str(word)
        return words
    if isinstance(vocabulary, (list, tuple)) and all(isinstance(w, str) for w in vocabulary):
        return list(vocabulary)
    raise invalid_value(
        "vocabulary", vocabulary, "a list of words (index -> word) or a {word: index} dict", received=None
    )


def _grid(n: int, cols: int, *, title_of: list[str], gap: float = 0.02, top: float = 0.0) -> dict[str, Any]:
    """Layout of ``n`` square image panels in rows of ``cols`` (row 0 of each image at the top)."""
    rows = max(1, math.ceil(n / cols))
    width = (1.0 - gap * (cols - 1)) / cols
    row_gap = 0.1 / rows if rows > 1 else 0.0
    height = (1.0 - top - row_gap * (rows - 1)) / rows
    layout: dict[str, Any] = {"annotations": []}
    for k in range(n):
        r, c = divmod(k, cols)
        suffix = "" if k == 0 else str(k + 1)
        x0 = c * (width + gap)
        y1 = 1.0 - top - r * (height + row_gap)
        layout[f"xaxis{suffix}"] = {
            "domain": [x0, x0 + width],
            "anchor": f"y{suffix}",
            "showticklabels": False,
            "showgrid": False,
            "zeroline": False,
            "ticks": "",
            "constrain": "domain",
        }
        layout[f"yaxis{suffix}"] = {
            "domain": [y1 - height, y1],
            "anchor": f"x{suffix}",
            "showticklabels": False,
            "showgrid": False,
            "zeroline": False,
            "ticks": "",
            "autorange": "reversed",
            "scaleanchor": f"x{suffix}",
        }
        if title_of[k]:
            layout["annotations"].append(
                {
                    "text": title_of[k],
                    "x": x0 + width / 2,
                    "y": y1,
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": "center",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "font": {"size": 10},
                }
            )
    return layout


def _axis_ref(k: int) -> tuple[str, str]:
    return ("x", "y") if k == 0 else (f"x{k + 1}", f"y{k + 1}")


class ModelInspector(NbKerasWidget):
    """Errors and layers of a trained Keras model on ``(x, y)``, in one widget.

    **Errors**: for a classifier, the confusion matrix (click a cell to see its examples,
    highest loss first), per-class precision/recall/F1 and the examples with the highest
    compiled loss; for a regression model, predicted against true values and the residuals.
    **Layers**: pick a layer and an example to see that layer's output (feature maps of a
    convolution), Grad-CAM over the image (image classifiers), the first convolution's
    filters and every layer's activation distribution.

    Args:
        model: A trained, compiled Keras model (Sequential or functional, one input, one output).
        x: Examples (N, ...): images (N, H, W, C), token sequences (N, steps), points (N, 2) or any array.
        y: Targets: integer labels or one-hot rows (classification), values (regression).
        labels: Class names, one per class (classification); default ``"0"``, ``"1"``, …
        vocabulary: For token sequences: a list of words (index -> word) or a ``{word: index}`` dict.
        task: ``"classification"`` or ``"regression"``; default from the compiled loss
            (crossentropy or hinge: classification), else from ``y`` (whole numbers: classes).
        layer: The layer the *Layers* section starts on (name or index); default the first
            convolution, else the first layer.
        example: The example it starts on (an index into ``x``).
        threshold: For a single sigmoid unit: class 1 above it.
        batch_size: Examples per forward pass.

    Raises:
        ValueError: The model has no compiled loss, x and y lengths differ, labels out of
            range, an unknown layer (the message lists the model's layers).

    Example:
        >>> inspector = nbkeras.ModelInspector(model, x_test, y_test)  # doctest: +SKIP
        >>> inspector.select_cell(3, 5)  # indices of the 3s read as 5s  # doctest: +SKIP
    """

    _esm = bundle("model_inspector.js")
    _picture_traits = ("cell", "layer", "example")

    task = traitlets.Unicode(help="'classification' or 'regression'").tag(sync=True)
    example_kind = traitlets.Unicode(help="how examples are drawn: image, text, points or values").tag(sync=True)
    summary = traitlets.Dict(help="headline numbers of the Errors section").tag(sync=True)
    errors_figure = traitlets.Dict(help="confusion matrix, or predicted-vs-true and residuals").tag(sync=True)
    metrics_table = traitlets.Dict(help="per-class precision, recall, F1, support (None: undefined)").tag(sync=True)
    cell = traitlets.List(help="[true, predicted] of the selected matrix cell, [] for none").tag(sync=True)
    cell_gallery = traitlets.Dict(help="the selected cell's examples (thumbnails as uint8 bytes)").tag(sync=True)
    top_gallery = traitlets.Dict(help="the examples with the highest losses").tag(sync=True)
    layer_names = traitlets.List(help="layers the Layers section can show").tag(sync=True)
    # Any: a name, an index into model.layers or the layer itself is accepted (as by the core); stored as its name.
    layer = traitlets.Any("", help="the layer shown in the Layers section (its name)").tag(sync=True)
    example = traitlets.Int(0, help="index into x of the example shown in the Layers section").tag(sync=True)
    example_caption = traitlets.Unicode(help="what the example is: its labels and loss").tag(sync=True)
    layer_figure = traitlets.Dict(help="the layer's output for the example").tag(sync=True)
    cam_figure = traitlets.Dict(help="Grad-CAM over the example ({} when it does not apply)").tag(sync=True)
    filters_figure = traitlets.Dict(help="the first convolution's filters ({} without one)").tag(sync=True)
    histogram_figure = traitlets.Dict(help="activation distribution of every layer").tag(sync=True)

    _settable = ("layer", "example")

    def __init__(
        self,
        model: Any,
        x: Any,
        y: Any,
        labels: Any = None,
        vocabulary: Any = None,
        *,
        task: str | None = None,
        layer: Any = None,
        example: int = 0,
        threshold: float = 0.5,
        batch_size: int = 1024,
        **kwargs: Any,
    ) -> None:
        check_model(model)
        self._model = model
        self._x = as_array("x", x)
        y_array = as_array("y", y)
        if task is not None:
            check_choice("task", task, TASKS)
        kind = task or _guess_task(model, y_array)
        self._words = None if vocabulary is None else _words(vocabulary)
        self._kind = _example_kind(self._x, vocabulary)
        if kind == "classification":
            errors: ClassificationErrors | RegressionErrors = classification_errors(
                model, self._x, y_array, threshold=threshold, batch_size=batch_size
            )
        else:
            errors = regression_errors(model, self._x, y_array, batch_size=batch_size)
        self._errors = errors
        self._labels = self._class_labels(labels)
        self._scale = self._pixel_scale() if self._kind == "image" else (0.0, 1.0)
        self._selected = np.zeros(0, np.int64)
        self._spatial = spatial_layers(model) if self._x.ndim == 4 else []
        sample = self._x[:HISTOGRAM_EXAMPLES]
        self._histograms = activation_histograms(model, sample, bins=HISTOGRAM_BINS)
        self._maps: np.ndarray | None = None
        self._cam: np.ndarray | None = None
        self._taps: dict[str, Any] = {}  # layer name -> sub-model from the input to it, built once
        self.task = kind
        self.example_kind = self._kind
        self.layer_names = [h.layer for h in self._histograms]
        self.histogram_figure = to_wire(self._histogram_spec())
        self.filters_figure = to_wire(self._filters_spec())
        top = errors.top_losses(TOP_LOSSES)
        self.top_gallery = self._gallery(top.indices, f"Top {len(top.indices)} losses", len(top.indices))
        if isinstance(errors, ClassificationErrors):
            for name, value in self._classification_state(errors).items():
                setattr(self, name, value)
            self._select_default_cell(errors)
        else:
            for name, value in self._regression_state(errors).items():
                setattr(self, name, value)
        try:  # a bad pick given to the constructor is an argument error, as in the core
            self.example = example
            self.layer = layer if layer is not None else (self._spatial[0] if self._spatial else self.layer_names[0])
        except traitlets.TraitError as exc:
            raise ValueError(str(exc)) from None
        self._refresh_layers()
        # The whole state before the comm opens: the view gets it in one message.
        super().__init__(**kwargs)
        self.observe(self._refresh_layers, names=["layer", "example"])

    # -- validation --------------------------------------------------------------------------
    @traitlets.validate("layer")
    def _valid_layer(self, proposal: Any) -> str:
        value = proposal["value"]
        try:
            found = resolve_layer(self._model, value)
        except (ValueError, TypeError) as exc:
            raise traitlets.TraitError(str(exc)) from None
        if found.name not in self.layer_names:  # an input layer: nothing to show
            raise traitlets.TraitError(
                invalid_value("layer", value, f"one of the model's layers: {', '.join(map(repr, self.layer_names))}")
            )
        return found.name

    @traitlets.validate("example")
    def _valid_example(self, proposal: Any) -> int:
        try:
            return check_int("example", proposal["value"], min_value=0, max_value=len(self._x) - 1)
        except (ValueError, TypeError) as exc:
            raise traitlets.TraitError(str(exc)) from None

    def _class_labels(self, labels: Any) -> list[str]:
        if not isinstance(self._errors, ClassificationErrors):
            return []
        classes = self._errors.num_classes
        if labels is None:
            return [str(c) for c in range(classes)]
        names = [str(name) for name in labels] if isinstance(labels, (list, tuple, np.ndarray)) else None
        if names is None or len(names) != classes:
            raise invalid_value(
                "labels", labels, f"one name per class: a list of {classes} names (the model's output width)"
            )
        return names

    # -- Python API --------------------------------------------------------------------------
    @property
    def errors(self) -> ClassificationErrors | RegressionErrors:
        """All the numbers of the Errors section (one forward pass at construction)."""
        return self._errors

    @property
    def confusion_matrix(self) -> np.ndarray:
        """Counts (classes, classes), rows true classes, columns predicted (a copy)."""
        if not isinstance(self._errors, ClassificationErrors):
            raise ValueError("A regression model has no confusion matrix: see `.errors.residuals`.")
        return self._errors.matrix.copy()

    @property
    def metrics(self) -> ClassMetrics:
        """Per-class precision, recall and F1."""
        if not isinstance(self._errors, ClassificationErrors):
            raise ValueError("A regression model has no per-class metrics: see `.errors.mse`, `.errors.r2`.")
        return self._errors.metrics

    def top_losses(self, k: int = 9) -> TopLosses:
        """The ``k`` examples with the highest compiled loss, highest first: ``(indices, losses)``."""
        return self._errors.top_losses(k)

    @property
    def selected(self) -> np.ndarray:
        """Indices of every example in the selected cell, highest loss first (empty for none)."""
        return self._selected.copy()

    @property
    def layer_output(self) -> np.ndarray | None:
        """The shown layer's output for the shown example (what the feature-map panel draws)."""
        return self._maps

    @property
    def cam(self) -> np.ndarray | None:
        """The Grad-CAM heatmap (H, W) of the shown example, or None where it does not apply."""
        return self._cam

    @command("select_cell")
    def select_cell(self, true_class: int, predicted_class: int) -> np.ndarray:
        """Show the examples of ``true_class`` predicted as ``predicted_class``; returns their indices.

        Only selects among the numbers computed at construction: no model call.
        """
        if not isinstance(self._errors, ClassificationErrors):
            raise ValueError("select_cell needs a classifier: a regression model has no confusion matrix.")
        found = self._errors.examples(true_class, predicted_class)
        t, p = int(true_class), int(predicted_class)
        self._selected = found
        title = f"true {self._labels[t]}, predicted {self._labels[p]}"
        with self.hold_sync():
            self.cell_gallery = self._gallery(found, title, len(found))
            self.cell = [t, p]
        return found.copy()

    def _select_default_cell(self, errors: ClassificationErrors) -> None:
        off = errors.matrix.copy()
        np.fill_diagonal(off, 0)
        if off.max() > 0:  # the most frequent mistake
            t, p = np.unravel_index(int(np.argmax(off)), off.shape)
            self.select_cell(int(t), int(p))
        else:
            self.cell_gallery = self._gallery(np.zeros(0, np.int64), "no mistakes", 0)

    # -- Errors section --------------------------------------------------------------------------
    def _classification_state(self, errors: ClassificationErrors) -> dict[str, Any]:
        matrix = errors.matrix
        m = errors.metrics
        labels = self._labels
        size = max(300, min(560, 120 + 36 * len(labels)))
        figure = {
            "data": [
                {
                    "type": "heatmap",
                    "z": matrix.astype(np.float64),
                    "x": labels,
                    "y": labels,
                    "colorscale": _BLUES,
                    "showscale": False,
                    "text": [[str(int(v)) for v in row] for row in matrix],
                    "texttemplate": "%{text}" if len(labels) <= 20 else "",
                    "hovertemplate": "true %{y}, predicted %{x}: %{z} examples<extra></extra>",
                    "xgap": 1,
                    "ygap": 1,
                }
            ],
            "layout": {
                "title": {"text": f"Confusion matrix ({len(errors.y_true)} examples)", "font": {"size": 14}},
                "xaxis": {"title": {"text": "predicted"}, "type": "category", "constrain": "domain"},
                "yaxis": {
                    "title": {"text": "true"},
                    "type": "category",
                    "autorange": "reversed",
                    "scaleanchor": "x",
                },
                "height": size,
                "width": size + 40,
                "margin": {"l": 60, "r": 10, "t": 40, "b": 50},
            },
        }

        def value(v: float, undefined: bool) -> float | None:
            return None if undefined else round(float(v), 4)

        rows = [
            [
                labels[c],
                value(m.precision[c], m.undefined_precision[c]),
                value(m.recall[c], m.undefined_recall[c]),
                value(m.f1[c], m.undefined_f1[c]),
                int(m.support[c]),
            ]
            for c in range(len(labels))
        ]
        mistakes = int(matrix.sum() - np.trace(matrix))
        return {
            "errors_figure": to_wire(figure),
            "metrics_table": {"columns": ["class", "precision", "recall", "F1", "support"], "rows": rows},
            "summary": {
                "examples": int(matrix.sum()),
                "classes": len(labels),
                "accuracy": round(m.accuracy, 4),
                "macro_f1": round(m.macro_f1, 4),
                "mistakes": mistakes,
            },
        }

    def _regression_state(self, errors: RegressionErrors) -> dict[str, Any]:
        true = errors.y_true.reshape(-1)
        pred = errors.y_pred.reshape(-1)
        residuals = errors.residuals.reshape(-1)
        finite = np.isfinite(true) & np.isfinite(pred)
        lo = float(min(true[finite].min(), pred[finite].min())) if finite.any() else 0.0
        hi = float(max(true[finite].max(), pred[finite].max())) if finite.any() else 1.0
        marker = {"size": 4, "opacity": 0.5, "color": "#4c78a8"}
        figure = {
            "data": [
                {"type": "scattergl", "mode": "markers", "x": true, "y": pred, "marker": marker, "name": "examples"},
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": np.array([lo, hi]),
                    "y": np.array([lo, hi]),
                    "line": {"color": "#d62728", "dash": "dash"},
                    "name": "predicted = true",
                },
                {
                    "type": "scattergl",
                    "mode": "markers",
                    "x": pred,
                    "y": residuals,
                    "marker": marker,
                    "xaxis": "x2",
                    "yaxis": "y2",
                    "showlegend": False,
                },
            ],
            "layout": {
                "title": {"text": "Predicted against true, and residuals", "font": {"size": 14}},
                "xaxis": {"domain": [0, 0.46], "title": {"text": "true"}},
                "yaxis": {"title": {"text": "predicted"}},
                "xaxis2": {"domain": [0.56, 1], "anchor": "y2", "title": {"text": "predicted"}},
                "yaxis2": {"anchor": "x2", "title": {"text": "true − predicted"}, "zeroline": True},
                "height": 360,
                "margin": {"l": 60, "r": 10, "t": 40, "b": 50},
                "showlegend": False,
            },
        }
        return {
            "errors_figure": to_wire(figure),
            "summary": {
                "examples": int(len(errors.y_true)),
                "mse": [round(float(v), 6) for v in errors.mse],
                "mae": [round(float(v), 6) for v in errors.mae],
                "r2": [None if not np.isfinite(v) else round(float(v), 4) for v in errors.r2],
            },
        }

    # -- galleries ---------------------------------------------------------------------------
    def _pixel_scale(self) -> tuple[float, float]:
        if self._x.dtype == np.uint8:
            return 0.0, 255.0
        finite = self._x[np.isfinite(self._x)] if not np.all(np.isfinite(self._x)) else self._x
        if finite.size == 0:
            return 0.0, 1.0
        lo, hi = float(finite.min()), float(finite.max())
        return (lo, hi) if hi > lo else (lo, lo + 1.0)

    def thumbnails(self, indices: Any) -> np.ndarray:
        """The uint8 thumbnails the view draws for ``indices``: (n, h, w, 1 or 3), from the data set's range.

        Pixels map the data set's minimum..maximum (computed once) to 0..255; images larger
        than ``THUMBNAIL_SIDE`` are subsampled by a stride; one channel is grey, three or
        more are RGB (the first three).
        """
        images = self._x[np.asarray(indices, dtype=np.int64)]
        stride = max(1, math.ceil(max(images.shape[1], images.shape[2]) / THUMBNAIL_SIDE))
        images = images[:, ::stride, ::stride, :]
        images = images[..., :3] if images.shape[-1] >= 3 else images[..., :1]
        lo, hi = self._scale
        scaled = (np.nan_to_num(images.astype(np.float64), nan=lo) - lo) * (255.0 / (hi - lo))
        return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)

    def _caption_parts(self, i: int) -> tuple[str, str]:
        """``(what, detail)``: ``("8 → 1", "#12 · loss 3.2")``; a correct example shows its class alone."""
        errors = self._errors
        detail = f"#{i}" if errors.losses is None else f"#{i} · loss {float(errors.losses[i]):.3g}"
        if isinstance(errors, ClassificationErrors):
            t, p = self._labels[errors.y_true[i]], self._labels[errors.y_pred[i]]
            return (f"{t} → {p}" if t != p else t), detail
        t = ", ".join(f"{v:.3g}" for v in errors.y_true[i][:3])
        p = ", ".join(f"{v:.3g}" for v in errors.y_pred[i][:3])
        return f"true {t}, predicted {p}", detail

    def _caption(self, i: int) -> str:
        what, detail = self._caption_parts(i)
        index, _, loss = detail.partition(" · ")
        return f"{index} · {what}" + (f" · {loss}" if loss else "")

    def decode(self, i: int) -> str:
        """Example ``i`` as text: words of a token sequence (padding 0 left out), or its first values."""
        row = self._x[int(i)]
        if self._kind == "text":
            tokens = [int(t) for t in np.asarray(row).reshape(-1) if t != 0]
            if self._words is None:
                text = " ".join(map(str, tokens))
            else:
                text = " ".join(self._words[t] if 0 <= t < len(self._words) else f"<{t}>" for t in tokens)
        else:
            flat = np.asarray(row, dtype=np.float64).reshape(-1)
            text = ", ".join(f"{v:.3g}" for v in flat[:24]) + (" …" if flat.size > 24 else "")
        return text if len(text) <= TEXT_CHARS else text[: TEXT_CHARS - 1] + "…"

    def _gallery(self, indices: np.ndarray, title: str, total: int) -> dict[str, Any]:
        shown = np.asarray(indices, dtype=np.int64)[:GALLERY_LIMIT]
        gallery: dict[str, Any] = {
            "title": title,
            "total": int(total),
            "indices": [int(i) for i in shown],
            "captions": [self._caption(int(i)) for i in shown],
            "labels": [self._caption_parts(int(i))[0] for i in shown],
            "details": [self._caption_parts(int(i))[1] for i in shown],
        }
        if self._kind == "image":
            thumbs = self.thumbnails(shown) if len(shown) else np.zeros((0, 1, 1, 1), np.uint8)
            gallery["shape"] = list(thumbs.shape)
            gallery["pixels"] = thumbs.tobytes()
        elif self._kind == "points":
            gallery["figure"] = to_wire(self._points_spec(shown))
        else:
            gallery["texts"] = [self.decode(int(i)) for i in shown]
        return gallery

    def _points_spec(self, shown: np.ndarray) -> dict[str, Any]:
        step = max(1, math.ceil(len(self._x) / MAX_POINTS))
        background = self._x[::step].astype(np.float64)
        chosen = self._x[shown].astype(np.float64) if len(shown) else np.zeros((0, 2))
        return {
            "data": [
                {
                    "type": "scattergl",
                    "mode": "markers",
                    "x": background[:, 0],
                    "y": background[:, 1],
                    "marker": {"size": 3, "color": "#c7c7c7"},
                    "hoverinfo": "skip",
                    "name": "data",
                },
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": chosen[:, 0],
                    "y": chosen[:, 1],
                    "text": [self._caption(int(i)) for i in shown],
                    "hovertemplate": "%{text}<extra></extra>",
                    "marker": {"size": 8, "color": "#d62728", "line": {"width": 1, "color": "white"}},
                    "name": "these examples",
                },
            ],
            "layout": {
                "height": 300,
                "margin": {"l": 40, "r": 10, "t": 10, "b": 30},
                "showlegend": False,
                "yaxis": {"scaleanchor": "x"},
            },
        }

    # -- Layers section -------------------------------------------------------------------------
    def _refresh_layers(self, _change: Any = None) -> None:
        example = self.example
        target = resolve_layer(self._model, self.layer)
        maps = self._layer_output(target, example)
        self._maps = maps
        cam_layer = None
        cam = None
        if self._spatial and isinstance(self._errors, ClassificationErrors):
            cam_layer = self.layer if self.layer in self._spatial else self._spatial[-1]
            cam = grad_cam(self._model, self._x[example], layer=cam_layer)
        self._cam = cam
        with self.hold_sync():
            self.example_caption = self._caption(example)
            self.layer_figure = to_wire(self._layer_spec(target, maps))
            self.cam_figure = {} if cam is None else to_wire(self._cam_spec(cam, cam_layer))

    def _layer_output(self, target: Any, example: int) -> np.ndarray:
        """What :func:`~nbkeras.inspect.layers.feature_maps` returns for one example, from a cached sub-model.

        One eager call of the sub-model (a few ms for a small CNN); ``feature_maps`` builds a
        new sub-model and traces its predict function at every call (70-120 ms, and
        TensorFlow's retracing warnings after a few picks).
        """
        sub = self._taps.get(target.name)
        if sub is None:
            sub = self._taps[target.name] = tap_model(self._model, [target])
        return np.asarray(sub(self._x[example : example + 1], training=False))[0]

    def _layer_spec(self, target: Any, maps: np.ndarray) -> dict[str, Any]:
        values = np.asarray(maps, dtype=np.float64)
        head = f"{target.name} ({type(target).__name__}), output {tuple(values.shape)}, example #{self.example}"
        if values.ndim == 3:  # (H, W, channels): one map per channel
            channels = min(values.shape[-1], MAX_MAPS)
            more = f" (first {channels} of {values.shape[-1]} maps)" if values.shape[-1] > channels else ""
            cols = 8 if channels > 4 else channels
            layout = _grid(channels, cols, title_of=[str(c) for c in range(channels)], top=0.02)
            finite = values[np.isfinite(values)]
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            data = []
            for c in range(channels):
                xa, ya = _axis_ref(c)
                data.append(
                    {
                        "type": "heatmap",
                        "z": values[:, :, c],
                        "coloraxis": "coloraxis",
                        "xaxis": xa,
                        "yaxis": ya,
                        "hovertemplate": f"map {c} [%{{y}}, %{{x}}]: %{{z:.3g}}<extra></extra>",
                    }
                )
            rows = math.ceil(channels / cols)
            layout.update(
                title={"text": head + more, "font": {"size": 13}},
                coloraxis={"colorscale": _MAPS, "cmin": lo, "cmax": hi if hi > lo else lo + 1},
                height=60 + 100 * rows if cols == 8 else 260,
                margin={"l": 10, "r": 10, "t": 50, "b": 10},
            )
            return {"data": data, "layout": layout}
        if values.ndim == 2:  # (steps, features): one heatmap, features down
            return {
                "data": [{"type": "heatmap", "z": values.T, "colorscale": _MAPS}],
                "layout": {
                    "title": {"text": head, "font": {"size": 13}},
                    "xaxis": {"title": {"text": "step"}},
                    "yaxis": {"title": {"text": "feature"}},
                    "height": 300,
                    "margin": {"l": 60, "r": 10, "t": 40, "b": 40},
                },
            }
        flat = values.reshape(-1)
        return {
            "data": [
                {"type": "bar", "x": np.arange(flat.size, dtype=np.float64), "y": flat, "marker": {"color": "#4c78a8"}}
            ],
            "layout": {
                "title": {"text": head, "font": {"size": 13}},
                "xaxis": {"title": {"text": "unit"}},
                "yaxis": {"title": {"text": "activation"}},
                "height": 280,
                "margin": {"l": 60, "r": 10, "t": 40, "b": 40},
            },
        }

    def _image_plane(self, example: int) -> np.ndarray:
        image = self._x[example].astype(np.float64)
        return image.mean(axis=-1) if image.shape[-1] != 1 else image[..., 0]

    def overlay(self, cam: np.ndarray, example: int) -> np.ndarray:
        """Grad-CAM over the image as one plane: ``0.6 × cam + 0.4 × image`` (image scaled to [0, 1]).

        On the heat colour scale the background stays black, the image's strokes show dark
        red and the heat brightens them towards yellow (the image in grey levels, channels
        averaged): one plane, so the live view and the picture draw the same thing.
        """
        lo, hi = self._scale
        image = np.clip((np.nan_to_num(self._image_plane(example), nan=lo) - lo) / (hi - lo), 0.0, 1.0)
        return 0.6 * np.asarray(cam, np.float64) + 0.4 * image

    def _cam_spec(self, cam: np.ndarray, cam_layer: str | None) -> dict[str, Any]:
        example = self.example
        assert isinstance(self._errors, ClassificationErrors)
        predicted = self._labels[self._errors.y_pred[example]]
        titles = ["image", f"Grad-CAM ({cam_layer})", "over the image"]
        layout = _grid(3, 3, title_of=titles, gap=0.04, top=0.02)
        lo, hi = self._scale
        planes = [
            (self._image_plane(example), {"colorscale": "Greys", "zmin": lo, "zmax": hi}),
            (np.asarray(cam, np.float64), {"colorscale": _HEAT, "zmin": 0.0, "zmax": 1.0}),
            (self.overlay(cam, example), {"colorscale": _HEAT, "zmin": 0.0, "zmax": 1.0}),
        ]
        data = []
        for k, (z, colours) in enumerate(planes):
            xa, ya = _axis_ref(k)
            data.append(
                {
                    "type": "heatmap",
                    "z": z,
                    "showscale": False,
                    "xaxis": xa,
                    "yaxis": ya,
                    "hovertemplate": "[%{y}, %{x}]: %{z:.3g}<extra></extra>",
                    **colours,
                }
            )
        layout.update(
            title={
                "text": f"Where the evidence for '{predicted}' (predicted) lies, example #{example}",
                "font": {"size": 13},
            },
            height=260,
            margin={"l": 10, "r": 10, "t": 50, "b": 10},
        )
        return {"data": data, "layout": layout}

    def _filters_spec(self) -> dict[str, Any]:
        try:
            filters = conv_filters(self._model)
        except ValueError:  # no convolution layer: nothing to show
            return {}
        kernel = np.asarray(filters.kernel, np.float64)
        if kernel.ndim != 4:  # Conv1D / Conv3D: the grid below is for 2-D filters
            return {}
        count = min(len(kernel), MAX_MAPS)
        planes = kernel[:count].mean(axis=-1) if kernel.shape[-1] > 1 else kernel[:count, ..., 0]
        limit = float(np.abs(planes).max()) or 1.0
        cols = 8 if count > 4 else count
        layout = _grid(count, cols, title_of=[str(k) for k in range(count)], top=0.02)
        data = []
        for k in range(count):
            xa, ya = _axis_ref(k)
            data.append({"type": "heatmap", "z": planes[k], "coloraxis": "coloraxis", "xaxis": xa, "yaxis": ya})
        channels = "" if kernel.shape[-1] == 1 else f", averaged over {kernel.shape[-1]} input channels"
        layout.update(
            title={
                "text": f"Filters of {filters.layer} ({kernel.shape[1]}×{kernel.shape[2]}{channels})",
                "font": {"size": 13},
            },
            coloraxis={"colorscale": "RdBu", "cmin": -limit, "cmax": limit, "showscale": False},
            height=60 + 100 * math.ceil(count / cols) if cols == 8 else 240,
            margin={"l": 10, "r": 10, "t": 50, "b": 10},
        )
        return {"data": data, "layout": layout}

    def _histogram_spec(self) -> dict[str, Any]:
        rows = self._histograms
        n = len(rows)
        if n == 0:
            return {}
        gap = 0.3 / n if n > 1 else 0.0
        height = (1.0 - gap * (n - 1)) / n
        data: list[dict[str, Any]] = []
        layout: dict[str, Any] = {"annotations": [], "showlegend": False, "bargap": 0}
        for k, h in enumerate(rows):
            suffix = "" if k == 0 else str(k + 1)
            xa, ya = _axis_ref(k)
            centres = (h.edges[:-1] + h.edges[1:]) / 2
            data.append(
                {
                    "type": "bar",
                    "x": centres,
                    "y": h.counts.astype(np.float64),
                    "xaxis": xa,
                    "yaxis": ya,
                    "marker": {"color": "#4c78a8"},
                    "hovertemplate": f"{h.layer}: %{{x:.3g}}: %{{y}} values<extra></extra>",
                }
            )
            top = 1.0 - k * (height + gap)
            layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "tickfont": {"size": 9}}
            layout[f"yaxis{suffix}"] = {"domain": [top - height, top], "anchor": f"x{suffix}", "showticklabels": False}
            layout["annotations"].append(
                {
                    "text": f"{h.layer}: mean {h.mean:.3g}, std {h.std:.3g}, zeros {h.zero_fraction:.0%}",
                    "x": 0,
                    "y": top,
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": "left",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "font": {"size": 10},
                }
            )
        layout.update(
            title={
                "text": f"Activations of each layer over {min(len(self._x), HISTOGRAM_EXAMPLES)} examples",
                "font": {"size": 13},
            },
            height=70 + 90 * n,
            margin={"l": 20, "r": 10, "t": 50, "b": 20},
        )
        return {"data": data, "layout": layout}

    # -- static form -------------------------------------------------------------------------------
    def static_figures(self) -> list[tuple[str, dict[str, Any]]]:
        figures = [("Errors", self.errors_figure)]
        if self.example_kind == "image" and self.top_gallery.get("indices"):
            figures.append(("Top losses", self._gallery_spec(self.top_gallery)))
        if self.example_kind == "image" and self.cell_gallery.get("indices"):
            figures.append((self.cell_gallery["title"], self._gallery_spec(self.cell_gallery)))
        figures.append(("Layer output", self.layer_figure))
        figures.append(("Grad-CAM", self.cam_figure))
        figures.append(("First convolution", self.filters_figure))
        return [(title, spec) for title, spec in figures if spec]

    def _gallery_spec(self, gallery: dict[str, Any]) -> dict[str, Any]:
        """A gallery's first 16 thumbnails as heatmaps (grey levels), for the picture."""
        shape = gallery["shape"]
        thumbs = np.frombuffer(gallery["pixels"], np.uint8).reshape(shape)[:16]
        grey = thumbs.astype(np.float64).mean(axis=-1)
        n = len(grey)
        cols = 8  # a short gallery keeps the thumbnails small, on the left
        layout = _grid(n, cols, title_of=gallery["labels"][:n], top=0.05)
        data = []
        for k in range(n):
            xa, ya = _axis_ref(k)
            data.append({"type": "heatmap", "z": grey[k], "coloraxis": "coloraxis", "xaxis": xa, "yaxis": ya})
        layout.update(
            coloraxis={"colorscale": "Greys", "cmin": 0, "cmax": 255, "showscale": False},
            height=40 + 90 * math.ceil(n / cols),
            margin={"l": 10, "r": 10, "t": 30, "b": 10},
        )
        return {"data": data, "layout": layout}

    def _repr_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"task": self.task, "examples": len(self._x)}
        if isinstance(self._errors, ClassificationErrors):
            fields["classes"] = self._errors.num_classes
        fields.update(layer=self.layer, example=self.example)
        return fields
