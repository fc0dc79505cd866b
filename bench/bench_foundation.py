"""Foundation figures: import cost, and what plotly.js costs on the wire.

    python bench/bench_foundation.py [--widgets 5] [--repeat 7]

Prints a Markdown table (copied into BENCHMARKS.md). Compares, in the same run:
- ``import nbkeras`` against ``import tensorflow`` (fresh interpreter each time, median);
- bytes sent to the front end for N nbkeras widgets against N ``plotly.graph_objects.FigureWidget``s,
  both measured by the recording comm (nbkeras.testing.CommRecorder).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def import_seconds(module: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True, env=os.environ)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def wire_bytes(n_widgets: int) -> tuple[int, int, int]:
    """(nbkeras bytes, FigureWidget bytes, plotly.js size) for n widgets showing a small chart."""
    import numpy as np
    import plotly.graph_objects as go

    from nbkeras.activations import ActivationExplorer
    from nbkeras.testing import CommRecorder
    from nbkeras.widgets import runtime

    with CommRecorder() as wire:
        runtime._runtime = None  # a kernel that has not sent plotly.js yet
        for _ in range(n_widgets):
            ActivationExplorer(activations=("relu",))
        ours = wire.total_bytes
    with CommRecorder() as wire:
        for _ in range(n_widgets):
            go.FigureWidget(data=[go.Scatter(x=np.linspace(-6, 6, 1000), y=np.maximum(np.linspace(-6, 6, 1000), 0))])
        theirs = wire.total_bytes
    return ours, theirs, runtime.plotly_js_path().stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--widgets", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    t_python = import_seconds("sys", args.repeat)
    t_nbkeras = import_seconds("nbkeras", args.repeat)
    t_tf = import_seconds("tensorflow", args.repeat)
    ours, theirs, plotly_size = wire_bytes(args.widgets)
    mb = 1e6
    print("| measure | value |")
    print("|---|---|")
    print(
        f"| `import nbkeras` (fresh interpreter, median of {args.repeat}, minus bare `python -c ''`) | {1000 * (t_nbkeras - t_python):.0f} ms |"
    )
    print(f"| `import tensorflow` (same) | {1000 * (t_tf - t_python):.0f} ms |")
    print(f"| plotly.min.js in the installed plotly package | {plotly_size / mb:.2f} MB |")
    print(f"| bytes sent for {args.widgets} ActivationExplorers (plotly.js included once) | {ours / mb:.2f} MB |")
    print(f"| bytes sent for {args.widgets} plotly FigureWidgets with one 1,000-point line | {theirs / mb:.2f} MB |")


if __name__ == "__main__":
    main()
