"""Model builder: editing one argument of a 30-layer stack, kernel side; memory over 1,000 edits.

    python bench/bench_builder.py [--edits 1000]

Compared in the same run with what a user would otherwise do after each edit: build the
``keras.Sequential`` again and read its shapes and parameter counts (with
``keras.backend.clear_session()`` so that it does not leak). The 30-layer stack and the edit
sequence are the ones tests/test_builder_check.py uses.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_builder_check import edits, thirty_layer_stack  # one definition of the workload

import nbkeras
from nbkeras.testing import CommRecorder


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=1000)
    args = parser.parse_args()
    import keras

    spec = thirty_layer_stack()
    for changed in edits(spec, 50, seed=1):  # warm-up: TensorFlow's own caches
        nbkeras.check_spec(changed)

    start_rss = rss_mb()
    times = []
    for changed in edits(spec, args.edits, seed=2):
        t0 = time.perf_counter()
        nbkeras.check_spec(changed)
        times.append(time.perf_counter() - t0)
    growth = rss_mb() - start_rss

    with CommRecorder() as wire:
        builder = nbkeras.ModelBuilder(spec=spec)
        widget_times = []
        for i, changed in enumerate(edits(spec, 60, seed=3)):
            # the same edit a form field sends: the first argument that differs
            position, name, value = next(
                (p + 1, k, v)
                for p, (a, b) in enumerate(zip(builder.spec["layers"], changed["layers"]))
                for k, v in b["config"].items()
                if a["config"].get(k) != v
            )
            t0 = time.perf_counter()
            CommRecorder.send_from_frontend(
                builder,
                {
                    "type": "request",
                    "seq": i + 1,
                    "action": "set_argument",
                    "args": {"position": position, "name": name, "value": value},
                },
            )
            widget_times.append(time.perf_counter() - t0)
        update_bytes = statistics.median(m.total_bytes for m in wire.messages_for(builder)[-60:])

    rebuild_times = []
    for changed in list(edits(spec, 30, seed=4)):
        t0 = time.perf_counter()
        keras.backend.clear_session()
        model = nbkeras.build_model(changed)
        [layer.output.shape for layer in model.layers], model.count_params()
        rebuild_times.append(time.perf_counter() - t0)

    ms = lambda xs: 1000 * statistics.median(xs)  # noqa: E731
    print("| one-argument edit of a 30-layer stack, kernel side (median) | ms |")
    print("|---|---|")
    print(
        f"| `check_spec` (per-layer shapes, params, errors), {args.edits} edits | {ms(times):.1f} (p95 {1000 * sorted(times)[int(0.95 * len(times))]:.1f}) |"
    )
    print(f"| `ModelBuilder` request -> updated report, code and summary sent (60 edits) | {ms(widget_times):.1f} |")
    print(f"| baseline: rebuild the keras.Sequential and read shapes/params (30 edits) | {ms(rebuild_times):.1f} |")
    print()
    print(
        f"RSS growth over {args.edits} `check_spec` edits: {growth:.1f} MB. Median bytes sent per builder edit: {update_bytes:,.0f}."
    )


if __name__ == "__main__":
    main()
