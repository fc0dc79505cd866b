"""Static pictures in saved outputs: what they cost at display time and in the notebook file.

    python bench/bench_pictures.py [--repeat 5]

Every nbkeras widget output carries a picture of its charts for readers without a kernel
(nbkeras/widgets/svg.py, nbkeras/widgets/picture.py). Measured, per figure, in this one run:

- nbkeras: time to draw the picture (``static_bundle()``, median of N) and its bytes in the
  output (``text/html``: an ``<img>`` with a base64 SVG data URI);
- what a user would otherwise store to make a Plotly chart readable without a kernel:
  plotly's own notebook HTML (``plotly.io.to_html``) with plotly.js inlined (the only offline
  choice: 'cdn' needs the internet, 'require'/False need a page that already has plotly.js),
  and the same without plotly.js (its figure JSON alone, which renders nowhere by itself).
  Time of ``to_html`` is reported too. (Kaleido PNG/SVG export needs a Chrome download, so
  it is not a choice offline and is not measured.)

Prints a Markdown table (copied into BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np


def _median_seconds(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def figures() -> list[tuple[str, Any]]:
    """(label, nbkeras widget) for the kinds of chart the course shows, plus two large ones."""
    import nbkeras
    from nbkeras import datasets

    rng = np.random.default_rng(0)
    (x, _), _ = datasets.digits()
    grid = {
        "data": [
            {
                "type": "heatmap",
                "z": x[i, :, :, 0],
                "xaxis": f"x{i + 1}",
                "yaxis": f"y{i + 1}",
                "coloraxis": "coloraxis",
            }
            for i in range(10)
        ],
        "layout": {
            **{f"xaxis{i + 1}": {"domain": [i / 10, (i + 0.9) / 10]} for i in range(10)},
            **{f"yaxis{i + 1}": {"autorange": "reversed", "anchor": f"x{i + 1}"} for i in range(10)},
            "coloraxis": {"colorscale": "Greys"},
            "height": 150,
        },
    }
    confusion = rng.integers(0, 40, size=(10, 10)).astype(float)
    return [
        (
            "ActivationExplorer (4 activations × 1,000 points, depth panel)",
            nbkeras.ActivationExplorer(activations=("sigmoid", "tanh", "relu", "leaky_relu")),
        ),
        ("10 digit images (8×8 heatmaps in subplots)", nbkeras.FigureView(grid)),
        (
            "confusion matrix 10×10 with cell labels",
            nbkeras.FigureView(
                {"data": [{"type": "heatmap", "z": confusion, "texttemplate": "%{z}", "colorscale": "Blues"}]}
            ),
        ),
        (
            "2-D embedding: 2,000 markers",
            nbkeras.FigureView(
                {
                    "data": [
                        {"type": "scatter", "mode": "markers", "x": rng.normal(size=2000), "y": rng.normal(size=2000)}
                    ]
                }
            ),
        ),
        (
            "loss curve: 100,000 points",
            nbkeras.FigureView(
                {
                    "data": [
                        {
                            "type": "scatter",
                            "x": np.arange(1e5),
                            "y": np.exp(-np.arange(1e5) / 3e4) + rng.normal(0, 0.05, 100_000),
                        }
                    ]
                }
            ),
        ),
        (
            "loss curve: 1,000,000 points",
            nbkeras.FigureView({"data": [{"type": "scatter", "x": np.arange(1e6), "y": rng.random(1_000_000)}]}),
        ),
        ("heatmap 500×300", nbkeras.FigureView({"data": [{"type": "heatmap", "z": rng.random((500, 300))}]})),
    ]


def plotly_html(widget: Any, inline: bool) -> str:
    import plotly.graph_objects as go
    import plotly.io as pio

    from nbkeras.widgets.figure import to_static

    spec = widget.static_figures()[0][1]
    figure = go.Figure(to_static(spec))
    return pio.to_html(figure, include_plotlyjs=inline, full_html=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import plotly

    from nbkeras.testing import CommRecorder

    print("## Static pictures in saved outputs\n")
    print(
        f"Command: `python bench/bench_pictures.py --repeat {args.repeat}`; plotly {plotly.__version__}; "
        f"{os.cpu_count()} CPU cores. Times are medians of {args.repeat}.\n"
    )
    print(
        "| figure | nbkeras picture: draw | nbkeras picture: bytes | plotly `to_html`, plotly.js inlined: time / bytes | plotly `to_html` without plotly.js (not viewable alone): bytes |"
    )
    print("|---|---|---|---|---|")
    with CommRecorder():
        for label, widget in figures():
            seconds, bundle = _median_seconds(widget.static_bundle, args.repeat)
            picture = len(bundle["text/html"].encode())
            inline_s, inline = _median_seconds(lambda w=widget: plotly_html(w, True), max(1, args.repeat // 2))
            bare = plotly_html(widget, False)
            print(
                f"| {label} | {seconds * 1000:,.0f} ms | {picture / 1e3:,.0f} kB | {inline_s * 1000:,.0f} ms / "
                f"{len(inline.encode()) / 1e6:,.2f} MB | {len(bare.encode()) / 1e3:,.0f} kB |"
            )


if __name__ == "__main__":
    main()
