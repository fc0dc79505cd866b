"""Live training monitor: what it costs training, the wire and the user, against the tools people use.

    python bench/bench_training.py [--quick] [--repeats 5] [--sections 1,2,3,4] [--configs a,c,g] [--models MLP]

Prints Markdown tables (copied into BENCHMARKS.md). Four measurements, each in this one run:

1. Training time with a callback / without, on a small MLP (spirals, Dense 64-64-2) and a small
   CNN (digits, Conv2D 16 + pool + Dense), with ``steps_per_execution`` 1 and 16, for:
   (a) no callback, (b) ``LiveMonitor`` scalars only (``histograms=False``, no probe,
   ``display="widget"`` under the recording comm, so the transport really runs), (c) ``LiveMonitor``
   with histograms and the health probe, (d) livelossplot's ``PlotLossesKeras`` (notebook mode,
   Agg backend, each figure rendered to PNG as the inline backend does), (e) Keras ``TensorBoard``
   with ``histogram_freq=1`` (when TensorBoard is installed), (f) a plotly ``FigureWidget`` whose
   trace gets each batch's loss (``fig.data[0].y = list + [v]``) under the recording comm, (g) as (c)
   with the live decision surface (MLP only: the CNN's inputs are not 2-D points; (b) and (c) have it
   off). ``--configs a,c,g --models MLP`` runs only those.
   Each (model, steps/exec, configuration) builds its model with seed 0 and fits 1 epoch untimed
   (tracing); before every timed fit of N epochs its initial weights and optimizer state are
   restored (a fresh model without the retrace). Repetitions are interleaved (a, b, c, d, e, f, a,
   b, ...); ratios are taken within a repetition, then the median over repetitions.
2. Transport: bytes and messages of a ``LiveMonitor(display="widget")`` over a real run of about
   10,000 steps, against a ``FigureWidget`` updated 2,000 times with one more point each.
3. ``weight_histograms`` on about 1e8 float32 parameters against ``.numpy()`` + ``np.histogram``.
4. Time from ``run.monitor.command("stop")`` to ``run.done`` for ``nbkeras.fit`` in the background.

Kernel-side figures only: messages are counted by nbkeras.testing.CommRecorder, not a browser.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import logging
import math
import os
import platform
import random
import shlex
import statistics
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["MPLBACKEND"] = "Agg"  # livelossplot draws with matplotlib; never open a window

import numpy as np
from _logs import LogCounter  # bench/ is on sys.path when a script here runs

import nbkeras
from nbkeras import datasets
from nbkeras.testing import CommRecorder

CONFIGS = {
    "a": "(a) no callback (baseline)",
    "b": "(b) LiveMonitor, scalars only",
    "c": "(c) LiveMonitor, histograms + health probe",
    "d": "(d) livelossplot PlotLossesKeras",
    "e": "(e) Keras TensorBoard(histogram_freq=1)",
    "f": "(f) naive plotly FigureWidget, y += [loss] per batch",
    "g": "(g) LiveMonitor, histograms + health + decision surface",
}
TARGETS = {"b": "≤ 1.02", "c": "≤ 1.05", "g": "≤ 1.05"}
SURFACE_ONLY = {"g": "MLP"}  # the decision surface needs 2-D inputs: not measured on the CNN
MONITORS = ("b", "c", "g")  # the configurations that are a LiveMonitor
BATCH = 32
MB = 1e6


# -- capture what would otherwise go to the terminal -----------------------------------------------
LOGS = LogCounter()


def _quiet_logs() -> None:
    for name in ("tensorflow", "nbkeras", "absl", "matplotlib"):
        logging.getLogger(name).addFilter(LOGS)


def _tensorboard_available() -> tuple[bool, str]:
    try:
        import tensorboard  # noqa: F401
    except Exception as exc:  # noqa: BLE001
        return (
            False,
            f"`import tensorboard` fails ({type(exc).__name__}: {exc}); Keras's callback then raises TBNotInstalledError",
        )
    return True, ""


class _Sink(io.TextIOBase):
    """stdout during fits: the widgets' reprs, livelossplot's text and clear_output escapes."""

    def __init__(self) -> None:
        self.chars = 0

    def write(self, s: str) -> int:
        self.chars += len(s)
        return len(s)


SINK = _Sink()


# -- models and data ---------------------------------------------------------------------------------
def _keras():
    from nbkeras._keras import keras

    return keras()


def _data():
    (xs, ys), _ = datasets.spirals(n_samples=8000)
    (xd, yd), _ = datasets.digits()
    return {"MLP": (xs, ys), "CNN": (xd, yd)}


def build(kind: str, spe: int, *, seed: int = 0, small: bool = False):
    keras = _keras()
    keras.utils.set_random_seed(seed)
    if kind == "MLP":
        width = 16 if small else 64
        layers = [
            keras.Input((2,)),
            keras.layers.Dense(width, activation="relu"),
            keras.layers.Dense(width, activation="relu"),
            keras.layers.Dense(2, activation="softmax"),
        ]
    else:
        layers = [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    model = keras.Sequential(layers, name=f"{kind.lower()}_bench")
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=spe,
    )
    return model


MODEL_LABEL = {
    "MLP": "MLP (spirals 6,400 × 2, Dense 64-64-2)",
    "CNN": "CNN (digits 1,438 × 8×8, Conv2D 16 + pool + Dense 10)",
}


# -- the callbacks under comparison ----------------------------------------------------------------
class EpochClock:
    """perf_counter at each epoch end (placed last, so after every other callback's epoch work)."""

    def __init__(self) -> None:
        keras = _keras()

        class _Clock(keras.callbacks.Callback):
            def __init__(inner) -> None:
                super().__init__()
                inner.ends: list[float] = []
                inner.cpu_ends: list[float] = []

            def on_epoch_end(inner, epoch, logs=None) -> None:
                inner.ends.append(time.perf_counter())
                inner.cpu_ends.append(time.process_time())

        self.cb = _Clock()

    def steady_epoch_seconds(self, cpu: bool = False) -> float:
        ends = self.cb.cpu_ends if cpu else self.cb.ends
        return statistics.median(np.diff(ends)) if len(ends) >= 2 else float("nan")


def figurewidget_callback():
    """What a learner writes with plotly: a FigureWidget, and one more point per batch."""
    import plotly.graph_objects as go

    keras = _keras()

    class FigureWidgetLoss(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.fig = go.FigureWidget(data=[go.Scatter(y=[], mode="lines", name="loss")])

        def on_train_begin(self, logs=None) -> None:
            self.fig.data[0].y = []

        def on_train_batch_end(self, batch, logs=None) -> None:
            self.fig.data[0].y = list(self.fig.data[0].y or ()) + [float(logs["loss"])]

    return FigureWidgetLoss()


class InlineShow:
    """While active, ``plt.show()`` does what Jupyter's inline backend does: render every open
    figure to PNG (``bbox_inches="tight"``) and close them all. Under plain Agg ``show`` is a
    no-op and livelossplot's script mode sleeps 0.1 s per epoch (``plt.pause``); neither is what a
    notebook user pays. PNG bytes (base64 on the wire: × 4/3) are counted."""

    def __init__(self) -> None:
        self.png_bytes = 0
        self.figures = 0

    def __enter__(self) -> InlineShow:
        import matplotlib.pyplot as plt

        self._plt, self._saved = plt, plt.show

        def show(*args: Any, **kwargs: Any) -> None:
            for num in plt.get_fignums():
                buf = io.BytesIO()
                plt.figure(num).canvas.print_figure(buf, format="png", bbox_inches="tight")
                self.png_bytes += buf.tell()
                self.figures += 1
            plt.close("all")

        plt.show = show
        return self

    def __exit__(self, *exc: object) -> None:
        self._plt.show = self._saved
        self._plt.close("all")


_TIMED_MONITOR = None


def timed_monitor(**kwargs: Any):
    """A LiveMonitor that also adds up the wall time spent inside each of its hooks (two
    perf_counter reads per hook): what the monitor itself costs, apart from load noise."""
    global _TIMED_MONITOR
    if _TIMED_MONITOR is None:
        base = nbkeras.LiveMonitor

        def timed(name: str):
            inner = getattr(base, name)

            def hook(self, *args: Any, **kw: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return inner(self, *args, **kw)
                finally:
                    self.hook_seconds[name] = self.hook_seconds.get(name, 0.0) + time.perf_counter() - t0
                    self.hook_calls[name] = self.hook_calls.get(name, 0) + 1

            return hook

        hooks = ("on_train_begin", "on_epoch_begin", "on_train_batch_end", "on_epoch_end", "on_train_end")
        _TIMED_MONITOR = type("TimedLiveMonitor", (base,), {h: timed(h) for h in hooks})
    mon = _TIMED_MONITOR(**kwargs)
    mon.hook_seconds, mon.hook_calls = {}, {}
    return mon


def make_callbacks(cfg: str, x, y, tmpdir: str) -> tuple[list[Any], Any]:
    keras = _keras()
    if cfg == "a":
        return [], None
    if cfg == "b":
        mon = timed_monitor(display="widget", histograms=False, probe=None, surface=False)
        return [mon], mon
    if cfg == "c":
        mon = timed_monitor(display="widget", probe=(x[:64], y[:64]), surface=False)
        return [mon], mon
    if cfg == "g":
        mon = timed_monitor(display="widget", probe=(x[:64], y[:64]))
        return [mon], mon
    if cfg == "d":
        from livelossplot import PlotLossesKeras

        return [PlotLossesKeras(mode="notebook")], None
    if cfg == "e":
        return [keras.callbacks.TensorBoard(log_dir=tempfile.mkdtemp(dir=tmpdir), histogram_freq=1)], None
    if cfg == "f":
        cb = figurewidget_callback()
        return [cb], cb
    raise ValueError(cfg)


class Cell:
    """One (model, steps/exec, configuration): its model and callbacks, built and traced once.

    A fresh Keras model retraces ``fit`` (1-3 s on 2 busy cores), which would leave time for
    only one or two repetitions. So each cell builds its model once (seed 0), keeps its initial
    weights and fresh optimizer state, and :meth:`timed_fit` restores both before each timed fit:
    every timed fit starts from the same weights as a fresh model, without the retrace. (The
    shuffling order is not reset: re-seeding clears TensorFlow's kernel cache, see ``_reset``.)
    """

    def __init__(self, kind: str, spe: int, cfg: str, x, y, epochs: int, tmpdir: str) -> None:
        self.kind, self.spe, self.cfg, self.x, self.y, self.epochs, self.tmpdir = kind, spe, cfg, x, y, epochs, tmpdir
        self.model = build(kind, spe)  # seeds: see warm()
        self.model.optimizer.build(self.model.trainable_variables)
        self.weights = [v.numpy() for v in self.model.weights]
        self.opt_state = [v.numpy() for v in self.model.optimizer.variables]

    def warm(self) -> None:
        """Untimed fit. Call after *every* cell is built: ``build`` seeds (``set_random_seed``), and
        seeding clears TensorFlow's kernel cache, so every tf.function (the train step, a compiled
        histogram function) would re-instantiate at its next call (0.4-1 s, seen here)."""
        x, y = self.x, self.y
        self.wire = CommRecorder()
        with self.wire, contextlib.redirect_stdout(SINK), InlineShow():
            self.callbacks, self.handle = make_callbacks(self.cfg, x, y, self.tmpdir)  # widgets record into self.wire
            # Untimed: traces the train step, the histogram function, creates the dashboard.
            self.model.fit(x, y, epochs=1, batch_size=BATCH, verbose=0, callbacks=self.callbacks)

    def _reset(self) -> None:
        for v, w in zip(self.model.weights, self.weights, strict=True):
            v.assign(w)
        for v, w in zip(self.model.optimizer.variables, self.opt_state, strict=True):
            v.assign(w)
        # Not keras.utils.set_random_seed: it clears TensorFlow's kernel cache, so every tf.function
        # (the train step, the monitor's compiled functions) would re-instantiate in the timed fit.
        if self.cfg == "d":  # a fresh livelossplot (cheap): its history would otherwise keep growing
            self.callbacks, _ = make_callbacks("d", self.x, self.y, self.tmpdir)

    def timed_fit(self) -> dict[str, Any]:
        self._reset()
        if self.cfg in MONITORS:
            self.handle.hook_seconds, self.handle.hook_calls = {}, {}
        clock = EpochClock()
        out: dict[str, Any] = {}
        with contextlib.redirect_stdout(SINK), InlineShow() as inline:
            n_msgs = len(self.wire.messages)
            gc.collect()
            t0, c0 = time.perf_counter(), time.process_time()
            self.model.fit(
                self.x, self.y, epochs=self.epochs, batch_size=BATCH, verbose=0, callbacks=[*self.callbacks, clock.cb]
            )
            out["fit_s"] = time.perf_counter() - t0
            out["cpu_s"] = time.process_time() - c0
        out["epoch_s"] = clock.steady_epoch_seconds()
        out["epoch_cpu_s"] = clock.steady_epoch_seconds(cpu=True)
        sent = self.wire.since(n_msgs)
        out["wire_bytes"] = sum(m.total_bytes for m in sent) + inline.png_bytes * 4 / 3
        out["wire_msgs"] = len(sent) + inline.figures
        if self.cfg in MONITORS:
            mon = self.handle
            out["failures"] = [n for n in mon.notices if "failed" in n]
            out["snapshots"] = len(mon.presenter.snapshots)
            out["snapshot_s"] = sum(s.seconds for s in mon.presenter.snapshots)
            out["health_s"] = [r.seconds for _, r in mon.health]
            out["hook_s"] = dict(mon.hook_seconds)
            out["hook_calls"] = dict(mon.hook_calls)
            out["surfaces"] = mon._surface.scheduler.snapshots
            out["surface_s"] = mon._surface.scheduler.spent_seconds
        return out


def probe_setup_cost(kind: str, spe: int, x, y) -> tuple[float, float, float]:
    """Seconds to build a HealthProbe (done at every fit's train begin), its first measure (traces)
    and a later measure."""
    from nbkeras.training.health import HealthProbe

    keras = _keras()
    keras.backend.clear_session()
    model = build(kind, spe)
    model.fit(x[:256], y[:256], epochs=1, batch_size=BATCH, verbose=0)
    t0 = time.perf_counter()
    probe = HealthProbe(model, x[:64], y[:64])
    t1 = time.perf_counter()
    probe.measure()
    t2 = time.perf_counter()
    later = statistics.median([probe.measure().seconds for _ in range(5)])
    return t1 - t0, t2 - t1, later


def section_overhead(args, data, tmpdir: str) -> None:
    tb_ok, tb_why = _tensorboard_available()
    configs = [c for c in CONFIGS if (c != "e" or tb_ok) and c in args.configs]
    epochs = {"MLP": args.epochs_mlp, "CNN": args.epochs_cnn}
    cells = [(kind, spe) for kind in args.models for spe in (1, 16)]
    keras = _keras()
    keras.backend.clear_session()
    load0 = os.getloadavg()
    t_setup = time.perf_counter()
    built_keys = [(kind, spe, cfg) for kind, spe in cells for cfg in configs if SURFACE_ONLY.get(cfg, kind) == kind]
    built = {key: Cell(*key, *data[key[0]], epochs[key[0]], tmpdir) for key in built_keys}
    for cell in built.values():
        cell.warm()
    t_setup = time.perf_counter() - t_setup
    results: dict[tuple[str, int, str], list[dict[str, Any]]] = {}
    for _ in range(args.repeats):
        for kind, spe in cells:
            for cfg in configs:
                if (kind, spe, cfg) in built:
                    results.setdefault((kind, spe, cfg), []).append(built[(kind, spe, cfg)].timed_fit())
    load1 = os.getloadavg()
    del built
    gc.collect()
    probe_costs = {(kind, spe): probe_setup_cost(kind, spe, *data[kind]) for kind, spe in cells}

    print(f"### 1. Training time with a callback ÷ without (median of {args.repeats} interleaved repetitions)")
    print()
    print(
        "Per (model, steps/exec, configuration): one model built with seed 0, its callbacks created, and `fit` 1 epoch "
        "untimed (tracing, dashboard creation). Before each timed `fit` the model's initial weights and fresh optimizer state "
        "are restored, so every timed fit starts from the weights a fresh seed-0 model has, without the 1–3 s retrace "
        f"(setup of all {len(built_keys)} cells: {t_setup:.0f} s). Timed: `fit` of N epochs "
        f"(MLP N = {epochs['MLP']}: {epochs['MLP'] * 200:,} steps; CNN N = {epochs['CNN']}: {epochs['CNN'] * 45:,} steps; "
        f"batch {BATCH}). *Whole fit*: wall time of the timed `fit` call, per-fit costs (train begin/end) included. "
        "*Best of each*: fastest timed fit of the configuration ÷ fastest baseline fit (robust to load spikes). "
        "*CPU*: process CPU time of the same call, median of the ratios (less sensitive to other load on the machine). "
        "*Per epoch*: median wall (and process CPU) time between consecutive epoch ends inside that fit "
        "(steady state: train begin/end costs excluded). "
        "Ratios are taken within each repetition, then the median; [min–max] over repetitions. "
        "Bytes: what reached the recording comm during the timed fit (livelossplot: its PNGs × 4/3 for base64). "
        f"Load average (1 min) {load0[0]:.1f} at the start, {load1[0]:.1f} at the end, on {os.cpu_count()} cores."
    )
    print()
    print(
        "| model | steps/exec | configuration | whole fit (s) | ratio, whole fit [min–max] | ratio, best of each | ratio, CPU | ratio per epoch, wall / CPU | target | bytes sent (messages) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    notes: list[str] = []
    hooks: list[tuple[str, int, str, list[dict[str, Any]], list[dict[str, Any]]]] = []
    for kind, spe in cells:
        base = results[(kind, spe, "a")]
        for cfg in CONFIGS:
            label = CONFIGS[cfg]
            if cfg in configs and (kind, spe, cfg) not in results:
                continue  # (g) on the CNN: no decision surface for its inputs
            if cfg not in configs:
                if cfg in args.configs:  # asked for, but not installed (TensorBoard)
                    print(f"| {kind} | {spe} | {label} | not measured | | | | | | |")
                continue
            runs = results[(kind, spe, cfg)]
            fit_r = [r["fit_s"] / b["fit_s"] for r, b in zip(runs, base)]
            cpu_r = [r["cpu_s"] / b["cpu_s"] for r, b in zip(runs, base)]
            ep_r = [r["epoch_s"] / b["epoch_s"] for r, b in zip(runs, base)]
            fit_med = statistics.median(r["fit_s"] for r in runs)
            ratio = "1" if cfg == "a" else f"**{statistics.median(fit_r):.3f}** [{min(fit_r):.3f}–{max(fit_r):.3f}]"
            cpu = "1" if cfg == "a" else f"{statistics.median(cpu_r):.3f}"
            best = "1" if cfg == "a" else f"{min(r['fit_s'] for r in runs) / min(b['fit_s'] for b in base):.3f}"
            ep_cpu = [r["epoch_cpu_s"] / b["epoch_cpu_s"] for r, b in zip(runs, base)]
            ep = "1" if cfg == "a" else f"{statistics.median(ep_r):.3f} / {statistics.median(ep_cpu):.3f}"
            wire = statistics.median(r["wire_bytes"] for r in runs)
            msgs = statistics.median(r["wire_msgs"] for r in runs)
            wire_s = "—" if cfg in ("a", "e") else f"{wire / 1e3:,.0f} kB ({msgs:,.0f})"
            print(
                f"| {kind} | {spe} | {label} | {fit_med:.3f} | {ratio} | {best} | {cpu} | {ep} | {TARGETS.get(cfg, '')} | {wire_s} |"
            )
            for r in runs:
                for f in r.get("failures", []):
                    notes.append(f"{kind} spe={spe} {cfg}: monitor notice: {f}")
            if cfg in MONITORS:
                hooks.append((kind, spe, cfg, runs, base))
            if cfg == "g":
                n = statistics.median(r["surfaces"] for r in runs)
                ms = 1000 * statistics.median(r["surface_s"] for r in runs)
                notes.append(
                    f"{kind}, steps/exec {spe}, (g): {n:.0f} decision surfaces per timed fit of "
                    f"{statistics.median(r['fit_s'] for r in runs):.2f} s ({ms:.1f} ms in all: the initial and final "
                    "weights' and at most one a second, 60 × 60 grid)."
                )
            if cfg == "c":
                snaps = statistics.median(r["snapshots"] for r in runs)
                snap_ms = 1000 * statistics.median(r["snapshot_s"] for r in runs)
                hs = [h for r in runs for h in r["health_s"]]
                build_s, first_s, later_s = probe_costs[(kind, spe)]
                notes.append(
                    f"{kind}, steps/exec {spe}, (c): {snaps:.0f} histogram snapshots per timed fit ({snap_ms:.0f} ms in all, "
                    f"budget 1 %); health probe: {len(hs) // len(runs)} measurements per fit, median {1000 * statistics.median(hs):.1f} ms, "
                    f"first of each timed fit median {1000 * statistics.median(r['health_s'][0] for r in runs):.1f} ms (the probe is kept "
                    f"across fits of one model; only the very first fit pays {1000 * build_s:.0f} ms to build it + {1000 * first_s:.0f} ms "
                    f"for its first, tracing, measure, vs {1000 * later_s:.1f} ms for a later one)."
                )
    print()
    if not tb_ok:
        print(f"(e) not measured: TensorBoard is not installed here: {tb_why}.")
        print()
    print(
        "Time spent inside the monitor's own hooks during each timed fit (summed wall time per hook, median over "
        "repetitions), as a fraction of the baseline fit's median wall time: the part of the overhead that is the monitor's "
        "Python, apart from load noise."
    )
    print()
    print(
        "| model | steps/exec | configuration | in hooks per fit | ÷ baseline fit | batch hook: calls, µs per call | train begin + end | epoch ends |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for kind, spe, cfg, runs, base in hooks:
        total = statistics.median(sum(r["hook_s"].values()) for r in runs)
        base_s = statistics.median(b["fit_s"] for b in base)
        calls = statistics.median(r["hook_calls"].get("on_train_batch_end", 0) for r in runs)
        per_call = statistics.median(
            r["hook_s"].get("on_train_batch_end", 0.0) / max(1, r["hook_calls"].get("on_train_batch_end", 0))
            for r in runs
        )
        begin_end = statistics.median(
            r["hook_s"].get("on_train_begin", 0.0) + r["hook_s"].get("on_train_end", 0.0) for r in runs
        )
        epochs_s = statistics.median(r["hook_s"].get("on_epoch_end", 0.0) for r in runs)
        print(
            f"| {kind} | {spe} | {CONFIGS[cfg]} | {1000 * total:.1f} ms | **{total / base_s:.3f}** | {calls:,.0f} × {1e6 * per_call:.0f} µs | "
            f"{1000 * begin_end:.1f} ms | {1000 * epochs_s:.1f} ms |"
        )
    print()
    for n in notes:
        print(f"- {n}")
    print()


# -- 2. transport ------------------------------------------------------------------------------------
def _classify(m) -> str:
    if m.msg_type != "comm_msg":
        return m.msg_type
    if m.method == "custom":
        return f"custom: {m.data.get('content', {}).get('type', '?')}"
    state = m.data.get("state", {})
    for key in ("snapshot", "histogram_figure", "health_figure", "metric_panels"):
        if key in state:
            return f"state update with {key}"
    return "state update: " + ",".join(sorted(state)) if state else "update (other)"


def _max_rate(times: list[float], window: float = 3.0) -> float:
    """Most messages in any `window`-second span, per second (jupyter_server's limit: 1000/s over 3 s)."""
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] < t - window:
            j += 1
        best = max(best, i - j + 1)
    span = (times[-1] - times[0]) if len(times) > 1 else window
    return best / min(window, max(span, 1e-9))


def section_transport(args, data) -> None:
    keras = _keras()
    keras.backend.clear_session()
    x, y = data["MLP"]
    steps_per_epoch = math.ceil(len(x) / BATCH)
    epochs = max(1, round(args.transport_steps / steps_per_epoch))
    model = build("MLP", 1, small=True)
    with CommRecorder() as wire, contextlib.redirect_stdout(SINK):
        mon = nbkeras.LiveMonitor(display="widget", probe=None)  # as measured before probes were automatic
        t0 = time.perf_counter()
        model.fit(x, y, epochs=epochs, batch_size=BATCH, verbose=0, callbacks=[mon])
        train_s = time.perf_counter() - t0
        sent = wire.messages_for(mon.dashboard)
    steps = mon.recorder.step
    deltas = [m for m in sent if _classify(m) == "custom: delta"]
    kinds: dict[str, list[int]] = {}
    for m in sent:
        kinds.setdefault(_classify(m), []).append(m.total_bytes)
    first = statistics.median(m.total_bytes for m in deltas[:10])
    last = statistics.median(m.total_bytes for m in deltas[-10:])
    first_buf = statistics.median(m.buffer_bytes for m in deltas[:10])
    last_buf = statistics.median(m.buffer_bytes for m in deltas[-10:])
    times = [m.sent_at for m in sent if m.msg_type == "comm_msg"]
    total = sum(m.total_bytes for m in sent)
    no_open = sum(m.total_bytes for m in sent if m.msg_type != "comm_open")
    duration = times[-1] - times[0]
    # Does the final snapshot hold what the monitor recorded?
    from nbkeras.training.stream import unpack_points

    _, values = unpack_points(mon.dashboard.snapshot["series"]["batch/loss"])
    same = np.allclose(values, mon.batch_history["loss"].values.astype(np.float32), equal_nan=True)
    fails = [n for n in mon.notices if "failed" in n]

    fw = figurewidget_loop(args.fw_updates)

    print(f'### 2. Transport: LiveMonitor(display="widget") over {steps:,} real training steps vs a FigureWidget loop')
    print()
    print(
        f"LiveMonitor: Dense 16-16-2 on spirals, steps_per_execution=1, batch {BATCH}, {epochs} epochs, "
        f"default settings (update_rate 10/s, histograms on); training took {train_s:.1f} s "
        f"({1000 * train_s / steps:.2f} ms/step). FigureWidget: one `go.Scatter` trace, "
        f"`fig.data[0].y = list(fig.data[0].y) + [v]` {args.fw_updates:,} times, as fast as it goes."
    )
    print()
    print("| measure | LiveMonitor dashboard | plotly FigureWidget loop |")
    print("|---|---|---|")
    print(
        f"| updates | {steps:,} training steps → {len(deltas):,} delta messages | {args.fw_updates:,} one-point updates |"
    )
    print(
        f"| bytes per delta / update: first 10 (median) | {first:,.0f} B ({first_buf:,.0f} B binary) | {fw['first']:,.0f} B |"
    )
    print(
        f"| bytes per delta / update: last 10 (median) | {last:,.0f} B ({last_buf:,.0f} B binary) | {fw['last']:,.0f} B |"
    )
    print(f"| messages, comm_open excluded | {len(times):,} | {fw['msgs']:,} |")
    print(f"| bytes, comm_open excluded | {no_open / MB:.2f} MB | {fw['bytes'] / MB:.2f} MB |")
    print(f"| comm_open (widget creation) | {(total - no_open) / MB:.2f} MB | {fw['open'] / MB:.2f} MB |")
    print(
        f"| messages per second: mean over the run | {len(times) / duration:.1f} /s over {duration:.1f} s | "
        f"{fw['msgs'] / fw['seconds']:,.0f} /s over {fw['seconds']:.1f} s |"
    )
    print(
        f"| messages per second: busiest 3 s (jupyter_server drops above 1000/s) | {_max_rate(times):.1f} /s | {fw['peak']:,.0f} /s |"
    )
    print(
        f"| extrapolated to {steps:,} one-point updates (bytes ∝ n²) | (measured above) | "
        f"{fw['bytes'] * (steps / args.fw_updates) ** 2 / 1e9:.1f} GB |"
    )
    print()
    print(
        "LiveMonitor messages by kind: "
        + "; ".join(
            f"{k}: {len(v):,} × median {statistics.median(v):,.0f} B = {sum(v) / 1e3:,.0f} kB"
            for k, v in sorted(kinds.items())
        )
        + "."
    )
    print(
        f"Final snapshot's batch/loss equals the monitor's per-step record: {same}. Monitor failures: {fails or 'none'}."
    )
    print()


def figurewidget_loop(n: int) -> dict[str, float]:
    import plotly.graph_objects as go

    rng = np.random.default_rng(0)
    with CommRecorder() as wire:
        fig = go.FigureWidget(data=[go.Scatter(y=[], mode="lines")])
        open_bytes = wire.total_bytes
        start = len(wire.messages)
        per_update = []
        t0 = time.perf_counter()
        for _ in range(n):
            before = len(wire.messages)
            fig.data[0].y = list(fig.data[0].y or ()) + [float(rng.random())]
            per_update.append(sum(m.total_bytes for m in wire.messages[before:]))
        seconds = time.perf_counter() - t0
        sent = wire.since(start)
    return {
        "first": statistics.median(per_update[:10]),
        "last": statistics.median(per_update[-10:]),
        "msgs": len(sent),
        "bytes": sum(m.total_bytes for m in sent),
        "open": open_bytes,
        "seconds": seconds,
        "peak": _max_rate([m.sent_at for m in sent]),
    }


# -- 3. histograms of 1e8 parameters -----------------------------------------------------------------
class PeakRSS:
    """Peak resident memory (sampled every 2 ms) above the level at entry."""

    def __init__(self) -> None:
        self._page = os.sysconf("SC_PAGE_SIZE")

    def _rss(self) -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * self._page

    def __enter__(self) -> PeakRSS:
        self.base = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, self._rss())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def extra(self) -> int:
        return self.peak - self.base


def big_variables(total: float):
    keras = _keras()
    side = int(round(math.sqrt(total / 4)))
    out = []
    for i in range(4):
        out.append(
            keras.Variable(keras.initializers.RandomNormal(stddev=0.02, seed=i)((side, side)), name=f"kernel_{i}")
        )
        out.append(keras.Variable(np.zeros(side, np.float32), name=f"bias_{i}"))
    return out, side


def section_histograms(args) -> None:
    from nbkeras.training import histograms as _h
    from nbkeras.training.histograms import weight_histograms

    clear_histogram_cache = getattr(
        _h, "clear_histogram_cache", lambda: None
    )  # only where the implementation caches compiled functions

    keras = _keras()
    keras.backend.clear_session()
    t0 = time.perf_counter()
    variables, side = big_variables(args.hist_params)
    n_params = sum(int(np.prod(v.shape)) for v in variables)
    create_s = time.perf_counter() - t0
    clear_histogram_cache()
    with PeakRSS() as mem_first:
        t0 = time.perf_counter()
        snap = weight_histograms(variables, bins=32)
        first_s = time.perf_counter() - t0
    warm = []
    with PeakRSS() as mem_warm:
        for _ in range(5):
            t0 = time.perf_counter()
            snap = weight_histograms(variables, bins=32)
            warm.append(time.perf_counter() - t0)
    counted = int(snap.counts.sum(dtype=np.int64))

    def host(v):
        a = v.numpy()
        return np.histogram(a, bins=32)

    np_times, np_counts = [], None
    with PeakRSS() as mem_np:
        for _ in range(args.np_repeats):
            t0 = time.perf_counter()
            np_counts = [host(v)[0] for v in variables]
            np_times.append(time.perf_counter() - t0)
    np_counted = int(sum(c.sum() for c in np_counts))
    diff = max(int(np.abs(c.astype(np.int64) - s.astype(np.int64)).max()) for c, s in zip(np_counts, snap.counts))
    mean_w, mean_np = statistics.median(warm), statistics.median(np_times)
    clear_histogram_cache()

    print(
        f"### 3. Weight histograms of {n_params:,} float32 parameters (4 kernels {side:,}×{side:,} + 4 biases), 32 bins"
    )
    print()
    print("| method | time | extra peak RSS | counts sum to the parameter count |")
    print("|---|---|---|---|")
    print(
        f"| `weight_histograms`, first call | {first_s:.2f} s | {mem_first.extra / MB:,.0f} MB | {counted == n_params} ({counted:,}) |"
    )
    print(
        f"| `weight_histograms`, warm, median of 5 | {mean_w:.3f} s [{min(warm):.3f}–{max(warm):.3f}] | {mem_warm.extra / MB:,.0f} MB | {counted == n_params} |"
    )
    print(
        f"| `.numpy()` + `np.histogram(bins=32)` per variable, median of {args.np_repeats} | {mean_np:.3f} s | {mem_np.extra / MB:,.0f} MB | {np_counted == n_params} |"
    )
    print()
    print(
        f"Warm `weight_histograms` is {mean_np / mean_w:.1f}× faster than the host copy + `np.histogram`; "
        f"largest per-bin count difference between the two: {diff:,} (float32 vs float64 bin edges). "
        f"Extra peak memory of a warm call: {mem_warm.extra / n_params:.1f} B per parameter "
        f"(CPU: `tf.histogram_fixed_width` allocates about 8 B per value of the variable it bins, plus 1 B for the finiteness check). "
        f"At the 1 % budget, one snapshot every {mean_w / 0.01:.0f} s of training. Creating the variables took {create_s:.1f} s; "
        f"process peak RSS {_max_rss_mb():,.0f} MB. No OOM."
    )
    print()
    del variables


def _max_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- 4. Stop latency ------------------------------------------------------------------------------------
def section_stop(args, data) -> None:
    keras = _keras()
    rng = random.Random(0)
    rows = []
    for kind, spe in (("MLP", 1), ("CNN", 16)):
        keras.backend.clear_session()
        x, y = data[kind]
        model = build(kind, spe)

        class Clock(keras.callbacks.Callback):
            def __init__(self) -> None:
                super().__init__()
                self.batch_ends: list[float] = []
                self.train_end = math.nan

            def on_train_batch_end(self, batch, logs=None) -> None:
                self.batch_ends.append(time.perf_counter())

            def on_train_end(self, logs=None) -> None:
                self.train_end = time.perf_counter()

        with CommRecorder(), contextlib.redirect_stdout(SINK):
            # warm-up: trace the train step once
            nbkeras.fit(
                model,
                x,
                y,
                epochs=1,
                batch_size=BATCH,
                monitor=nbkeras.LiveMonitor(display="widget", histograms=False, probe=None),
            ).wait(timeout=120)
            totals, to_hook, step_s, states, starts = [], [], [], [], []
            for _ in range(args.stops):
                clock = Clock()
                mon = nbkeras.LiveMonitor(display="widget", probe=(x[:64], y[:64]))
                t_call = time.perf_counter()
                run = nbkeras.fit(model, x, y, epochs=100_000, batch_size=BATCH, monitor=mon, callbacks=[clock])
                # Past the first epoch end: the health probe's first measure traces there (0.1-1 s),
                # and a Stop sent during it waits for it.
                while not mon.history.get("loss") and not run.done:
                    time.sleep(0.005)
                starts.append(clock.batch_ends[0] - t_call)
                time.sleep(rng.uniform(0.2, 0.8))
                t0 = time.perf_counter()
                run.monitor.command("stop")
                run.wait(timeout=120)
                t1 = time.perf_counter()
                totals.append(t1 - t0)
                after = [t for t in clock.batch_ends if t >= t0]
                to_hook.append((after[0] if after else clock.train_end) - t0)
                step_s.extend((np.diff(clock.batch_ends[1:]) / spe).tolist())
                states.append(run.state)
        rows.append((kind, spe, totals, to_hook, step_s, Counter(states), starts))
    load = os.getloadavg()[0]

    print(
        f'### 4. Stop: `run.monitor.command("stop")` → `run.done` (nbkeras.fit in a background thread, median of {args.stops})'
    )
    print()
    print(
        'Monitor as `nbkeras.fit` makes it (histograms + health probe), display="widget" under the recording comm; '
        "same model for every run (traced by one untimed run first); Stop sent 0.2–0.8 s (random) after the first epoch "
        "ended. *Start*: `nbkeras.fit(...)` call → first batch hook (a new monitor: its histogram function and probe "
        "build at train begin). Step times from the hooks (with steps_per_execution 16, the time between hooks ÷ 16); "
        f"load average (1 min) at the end: {load:.1f} on {os.cpu_count()} cores."
    )
    print()
    print(
        "| model | steps/exec | step time: median / p99 / longest gap between hooks | Start → first batch hook | Stop → next batch hook | Stop → `run.done` [min–max] | end states |"
    )
    print("|---|---|---|---|---|---|---|")
    for kind, spe, totals, to_hook, step_s, states, starts in rows:
        p50, p99, top = np.percentile(step_s, [50, 99, 100]) * 1000
        print(
            f"| {kind} | {spe} | {p50:.2f} ms / {p99:.1f} ms / {top * spe:.0f} ms | {1000 * statistics.median(starts):.0f} ms | "
            f"{1000 * statistics.median(to_hook):.1f} ms | "
            f"**{1000 * statistics.median(totals):.1f} ms** [{1000 * min(totals):.1f}–{1000 * max(totals):.1f}] | "
            f"{', '.join(f'{k} ×{v}' for k, v in states.items())} |"
        )
    print()


# -- main ---------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer epochs, repetitions and parameters")
    parser.add_argument(
        "--repeats", type=int, default=None, help="interleaved repetitions in section 1 (default 5; quick 1)"
    )
    parser.add_argument("--sections", default="1,2,3,4", help="which sections to run, e.g. 1,3")
    parser.add_argument("--configs", default=",".join(CONFIGS), help="section 1's configurations, e.g. a,c,g")
    parser.add_argument("--models", default="MLP,CNN", help="section 1's models, e.g. MLP")
    parser.add_argument("--epochs-mlp", type=int, default=None, help="section 1's MLP epochs (default 3; quick 1)")
    args = parser.parse_args()
    args.configs = {c.strip() for c in args.configs.split(",")} | {"a"}  # the baseline always runs
    args.models = [m.strip() for m in args.models.split(",") if m.strip() in ("MLP", "CNN")]
    q = args.quick
    args.repeats = args.repeats or (1 if q else 5)
    args.epochs_mlp = args.epochs_mlp or (1 if q else 3)
    args.epochs_cnn = 2 if q else 6
    args.transport_steps = 1_000 if q else 10_000
    args.fw_updates = 300 if q else 2_000
    args.hist_params = 1e6 if q else 1e8
    args.np_repeats = 1 if q else 3
    args.stops = 2 if q else 5
    sections = {s.strip() for s in args.sections.split(",")}

    _quiet_logs()
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        keras = _keras()
        import livelossplot
        import plotly
        import tensorflow as tf

        print("## Training monitor benchmark")
        print()
        print(f"Command: `{shlex.join(['python', *sys.argv])}`")
        print()
        print(
            f"Python {platform.python_version()}, tensorflow {tf.__version__}, keras {keras.__version__}, plotly {plotly.__version__}, "
            f"livelossplot {livelossplot.__version__}; {os.cpu_count()} CPU cores; "
            f"GPUs: {len(tf.config.list_physical_devices('GPU'))}."
        )
        print()
        data = _data()
        with tempfile.TemporaryDirectory() as tmpdir:
            if "1" in sections:
                section_overhead(args, data, tmpdir)
            if "2" in sections:
                section_transport(args, data)
            if "3" in sections:
                section_histograms(args)
            if "4" in sections:
                section_stop(args, data)
    elapsed = time.perf_counter() - started
    by_kind = Counter(
        f"{w.category.__name__} from {os.path.relpath(w.filename) if 'site-packages' not in w.filename else w.filename.split('site-packages/')[-1]}: {str(w.message).splitlines()[0][:140]}"
        for w in caught
    )
    print(
        "Captured during the run (not shown above): "
        + ("; ".join(f"{k} (×{v})" for k, v in (by_kind + LOGS.counts).most_common(12)) or "no warnings or log records")
        + f". stdout of fits (widget reprs, livelossplot text): {SINK.chars:,} characters, discarded."
    )
    print()
    print(f"Total bench time: {elapsed:.0f} s.")


if __name__ == "__main__":
    main()
