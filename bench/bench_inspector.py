"""ModelInspector: kernel time to a ready widget on 10,000 examples, clicks, picks, and bytes on the wire.

    python bench/bench_inspector.py [--repeat 3]

The model is notebook 05's CNN (Conv2D(32, same) → MaxPooling2D → Flatten → Dropout → Dense(64)
→ Dense(10)), trained 3 epochs on the digits' training images; the 10,000 examples are the
1,797 real digits repeated. "Ready" is the time from the call to the widget's whole state
being handed to the comm (its one comm_open message), measured through the recording comm.

Beside it, the hand-written alternative notebook 05 used before: ``model.predict`` +
``np.add.at`` confusion matrix + a Plotly heatmap, the first layer's 32 feature maps of one
digit as Plotly subplots (``keras`` sub-call + ``make_subplots``), each shown through
``nbkeras.show_figure`` (the same transport). It has no per-class metrics, no galleries, no
Grad-CAM, no clicks.

"cold" is a fresh process's first call after training (each in its own subprocess, so
neither pays the other's tracing); "warm" is the median of later calls in one process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np

N_EXAMPLES = 10_000


def _setup():
    import keras

    from nbkeras import datasets

    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = datasets.digits()
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=3, batch_size=32, verbose=0)
    x_all, y_all = np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])
    reps = -(-N_EXAMPLES // len(x_all))
    return model, np.tile(x_all, (reps, 1, 1, 1))[:N_EXAMPLES], np.tile(y_all, reps)[:N_EXAMPLES]


def _request(widget, seq, action, **args):
    from nbkeras.testing import CommRecorder

    CommRecorder.send_from_frontend(widget, {"type": "request", "seq": seq, "action": action, "args": args})


def inspector_ready(model, x, y):
    """(seconds from the call to the comm_open carrying the whole state, bytes of that state, the widget)."""
    from nbkeras.inspect.inspector import ModelInspector
    from nbkeras.testing import CommRecorder

    with CommRecorder() as wire:
        t0 = time.perf_counter()
        inspector = ModelInspector(model, x, y)
        (opened,) = [m for m in wire.messages_for(inspector) if m.msg_type == "comm_open"]
        return opened.sent_at - t0, opened.total_bytes, inspector


def hand_written(model, x, y):
    """Notebook 05 before the inspector: (seconds, bytes of the two FigureView states)."""
    import keras
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from nbkeras.plots import FigureView
    from nbkeras.testing import CommRecorder

    with CommRecorder() as wire:
        t0 = time.perf_counter()
        predicted = np.argmax(model.predict(x, verbose=0), axis=1)
        confusion = np.zeros((10, 10), dtype=int)
        np.add.at(confusion, (y, predicted), 1)
        labels = [str(d) for d in range(10)]
        fig = go.Figure(
            go.Heatmap(
                z=confusion,
                x=labels,
                y=labels,
                colorscale="Blues",
                text=[[str(v) for v in row] for row in confusion],
                texttemplate="%{text}",
            )
        )
        views = [FigureView(fig)]
        maps = keras.ops.convert_to_numpy(model.layers[0](x[1:2]))[0]
        grid = make_subplots(rows=4, cols=8)
        for k in range(32):
            grid.add_trace(go.Heatmap(z=maps[:, :, k], coloraxis="coloraxis"), row=k // 8 + 1, col=k % 8 + 1)
        views.append(FigureView(grid))
        seconds = time.perf_counter() - t0
        sent = sum(m.total_bytes for v in views for m in wire.messages_for(v) if m.msg_type == "comm_open")
    return seconds, sent


def _cold(which: str) -> None:
    model, x, y = _setup()
    if which == "inspector":
        seconds, sent, _ = inspector_ready(model, x, y)
    else:
        import plotly.graph_objects  # noqa: F401 - its import is not the method's cost

        seconds, sent = hand_written(model, x, y)
    print(json.dumps({"seconds": seconds, "bytes": sent}))


def _run_cold(which: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--cold", which], capture_output=True, text=True, check=True, timeout=600
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cold", choices=["inspector", "hand"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold:
        _cold(args.cold)
        return

    cold_inspector, cold_hand = _run_cold("inspector"), _run_cold("hand")
    import plotly.graph_objects  # noqa: F401

    from nbkeras.inspect.inspector import GALLERY_LIMIT, THUMBNAIL_SIDE, ModelInspector
    from nbkeras.testing import CommRecorder

    model, x, y = _setup()
    warm = [inspector_ready(model, x, y) for _ in range(args.repeat + 1)][1:]
    hand = [hand_written(model, x, y) for _ in range(args.repeat + 1)][1:]

    with CommRecorder() as wire:
        inspector = ModelInspector(model, x, y)
        timings: dict[str, list[float]] = {"cell click": [], "layer pick": [], "example pick": []}
        sizes: dict[str, list[int]] = {k: [] for k in timings}
        diagonal = [(c, c) for c in range(10)]
        layer_names = inspector.layer_names
        for i in range(args.repeat * 3):
            for kind, action, kwargs in (
                ("cell click", "select_cell", dict(zip(("true_class", "predicted_class"), diagonal[i % 10]))),
                ("layer pick", "set", {"name": "layer", "value": layer_names[i % len(layer_names)]}),
                ("example pick", "set", {"name": "example", "value": 17 * i + 1}),
            ):
                start = len(wire.messages)
                t0 = time.perf_counter()
                _request(inspector, len(wire.messages) + 1, action, **kwargs)
                timings[kind].append(time.perf_counter() - t0)
                sizes[kind].append(sum(m.total_bytes for m in wire.since(start)))
                assert inspector.error == "", inspector.error

    top = inspector.top_gallery
    digit_bytes = len(top["pixels"])
    print(f"ModelInspector on {N_EXAMPLES:,} digits (notebook 05's CNN, {model.count_params():,} params), CPU")
    print(f"{'':34}{'cold (1st call)':>17}{'warm (median)':>15}{'bytes sent':>12}")
    print(
        f"{'ModelInspector ready':34}{cold_inspector['seconds']:>16.2f}s"
        f"{statistics.median(w[0] for w in warm):>14.2f}s{statistics.median(w[1] for w in warm):>12,}"
    )
    print(
        f"{'hand-written (predict+np+Plotly)':34}{cold_hand['seconds']:>16.2f}s"
        f"{statistics.median(h[0] for h in hand):>14.2f}s{statistics.median(h[1] for h in hand):>12,}"
    )
    for kind, values in timings.items():
        print(f"{kind:34}{'':17}{1000 * statistics.median(values):>13.0f}ms{statistics.median(sizes[kind]):>12,}")
    n = len(top["indices"])
    print(
        f"thumbnails: {n} digits (8×8×1 uint8) = {digit_bytes:,} bytes; 16 colour 32×32×3 = {16 * 32 * 32 * 3:,} bytes;"
    )
    most = GALLERY_LIMIT * THUMBNAIL_SIDE**2 * 3
    print(
        f"            at most {GALLERY_LIMIT} a gallery, at most {THUMBNAIL_SIDE}×{THUMBNAIL_SIDE}×3 each: {most:,} bytes"
    )


if __name__ == "__main__":
    main()
