"""The runs sidebar's cost to training: a spirals fit with and without a connected ``nbkeras.runs`` comm.

    python bench/bench_sidebar.py [--repeats 5] [--epochs 10]

The sidebar's kernel side (``nbkeras/training/registry.py``) is told of every step
(``registry.changed``, from ``LiveMonitor``); with no comm open it returns at its first line,
with one it sends a run's summary at most twice a second. Measured here, in one process:

1. Wall time of ``model.fit`` (spirals, 1,600 samples, Dense 64-64-2, batch 32) with a
   ``LiveMonitor(display="none", histograms=False, probe=None)`` (the smallest monitor: the
   largest share for the sidebar), (a) with no runs comm, (b) with one open (a recording comm:
   every message JSON-encoded as the kernel would). Each fit gets a fresh model (seed 0) and an
   untimed 1-epoch fit first (tracing); configurations are interleaved (a, b, a, b, ...); the
   ratio b ÷ a is taken within a repetition, then the median.
2. Messages per second the open comm carried during (b), and their size.
3. The cost of one ``registry.changed`` call (what each training step pays), with and without a
   comm open, over 100,000 calls.

Prints Markdown (copied into BENCHMARKS.md). Kernel-side figures: no browser.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import comm
import keras

import nbkeras
from nbkeras import datasets
from nbkeras.testing import CommRecorder
from nbkeras.training.registry import TARGET, registry


def _model() -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(2, activation="softmax"),
        ],
        name="spirals_mlp",
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


def _fit(x, y, epochs: int, *, connected: bool) -> tuple[float, int, int, int]:
    """(wall seconds, messages sent on the runs comm, their JSON bytes, steps) of one timed fit."""
    model = _model()
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)  # tracing, untimed
    monitor = nbkeras.LiveMonitor(display="none", histograms=False, probe=None)
    with CommRecorder() as wire:
        frontend = comm.create_comm(target_name=TARGET, primary=False) if connected else None
        if frontend is not None:
            registry.open(frontend, {})
        start_messages = len(wire.messages)
        t0 = time.perf_counter()
        model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, callbacks=[monitor])
        wall = time.perf_counter() - t0
        sent = wire.since(start_messages)
        if frontend is not None:
            frontend.handle_close({"content": {"data": {}}})
    keras.backend.clear_session()
    return wall, len(sent), sum(m.json_bytes for m in sent), monitor.recorder.step


def _per_call(monitor, *, connected: bool, calls: int = 100_000) -> float:
    """Nanoseconds per ``registry.changed(monitor)`` call."""
    with CommRecorder():
        frontend = comm.create_comm(target_name=TARGET, primary=False) if connected else None
        if frontend is not None:
            registry.open(frontend, {})
        t0 = time.perf_counter()
        for _ in range(calls):
            registry.changed(monitor)
        seconds = time.perf_counter() - t0
        if frontend is not None:
            frontend.handle_close({"content": {"data": {}}})
    return seconds / calls * 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()

    (x, y), _ = datasets.spirals(n_samples=2000, seed=0)
    walls: dict[bool, list[float]] = {False: [], True: []}
    ratios, rates, sizes = [], [], []
    steps = 0
    for _ in range(args.repeats):
        per_rep = {}
        for connected in (False, True):
            wall, messages, nbytes, steps = _fit(x, y, args.epochs, connected=connected)
            walls[connected].append(wall)
            per_rep[connected] = wall
            if connected:
                rates.append(messages / wall)
                sizes.append(nbytes / max(messages, 1))
        ratios.append(per_rep[True] / per_rep[False])

    model = _model()
    monitor = nbkeras.LiveMonitor(display="none", histograms=False, probe=None)
    model.fit(x[:64], y[:64], epochs=1, batch_size=32, verbose=0, callbacks=[monitor])
    idle_ns = _per_call(monitor, connected=False)
    open_ns = _per_call(monitor, connected=True)

    print(f"Python {platform.python_version()}, Keras {keras.__version__}, {os.cpu_count()} CPU cores, CPU only")
    print(
        f"\n### The runs sidebar's cost to training (spirals MLP, {steps} steps, median of {args.repeats} interleaved)\n"
    )
    print("| | fit wall time | ÷ without | messages/s on the runs comm | bytes/message |")
    print("|---|---:|---:|---:|---:|")
    print(f"| no runs comm | {statistics.median(walls[False]):.2f} s | 1 | 0 | – |")
    print(
        f"| runs comm open | {statistics.median(walls[True]):.2f} s | {statistics.median(ratios):.3f} "
        f"(range {min(ratios):.3f}–{max(ratios):.3f}) | {statistics.median(rates):.2f} | "
        f"{statistics.median(sizes):,.0f} |"
    )
    print(
        f"\n`registry.changed` per training step: {idle_ns:,.0f} ns with no comm open, {open_ns:,.0f} ns with one "
        "(the throttle lets at most 2 summaries a second through)."
    )


if __name__ == "__main__":
    main()
