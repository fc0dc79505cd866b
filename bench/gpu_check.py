"""GPU check of the live training monitor and the inspect core: where its histograms and health probe run, and what they cost.

    timeout 480 python bench/gpu_check.py            # on a machine with an NVIDIA GPU (< 6 min)
    python bench/gpu_check.py --quick                # anywhere: a smoke run at tiny sizes

Prints Markdown. On a GPU machine:

1. ``tf.config.list_physical_devices("GPU")`` and ``nbkeras.training.device.training_device()``.
2. ``weight_histograms`` on about 1e8 float32 parameters held on the GPU (first call, warm median
   of 5), against ``.numpy()`` + ``np.histogram`` and against the same function with variables and
   ops on ``CPU:0``; the variables' ``.device`` strings, the counts' sum, and the GPU allocator's peak
   during a call (memory allocated on the GPU while it ran: the computation was there).
3. ``HealthProbe.measure`` on a small CNN on the GPU vs the same model built under ``CPU:0``
   (time, variables' devices, GPU allocator peak).
4. ``LiveMonitor`` overhead on a small CNN (digits; Conv2D 16 + pool + Dense 10), steps_per_execution
   1 and 16: no callback / scalars only / histograms + health probe; interleaved repetitions,
   median ratios (the method of bench/bench_training.py).
5. The inspect core (#13) on the GPU against the same model on ``CPU:0``: confusion matrix and top
   losses on 100,000 examples, feature maps, Grad-CAM, a 200×200 decision surface (time, GPU
   allocator peak, same numbers), and ``lr_find`` leaving the weights byte-identical.

Without a GPU it says "no GPU" and stops, or with ``--quick`` runs every step at tiny sizes on the
CPU to check the script itself (those numbers mean nothing). Exit status 1 when a check fails on
a GPU (a variable not on the GPU, counts that do not sum to the parameter count, a monitor failure).
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
import shlex
import statistics
import sys
import time
import warnings
from collections import Counter
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
from _logs import LogCounter  # bench/ is on sys.path when a script here runs

BATCH = 32
DEADLINE_S = 300.0  # stop adding repetitions past this, so the whole script ends within 6 minutes
FAILURES: list[str] = []
LOGS = LogCounter()


class _Sink(io.TextIOBase):
    def write(self, s: str) -> int:
        return len(s)


def check(ok: bool, what: str) -> str:
    if not ok:
        FAILURES.append(what)
    return "yes" if ok else "**NO**"


def gpu_peak_during(fn, device: str | None) -> tuple[Any, int | None]:
    """(fn(), bytes the GPU allocator's peak rose above its level before the call)."""
    import tensorflow as tf

    if device is None:
        return fn(), None
    tf.config.experimental.reset_memory_stats(device)
    before = tf.config.experimental.get_memory_info(device)["current"]
    out = fn()
    return out, int(tf.config.experimental.get_memory_info(device)["peak"] - before)


def devices_of(variables) -> list[str]:
    return sorted({str(getattr(getattr(v, "value", v), "device", "?")) for v in variables})


# -- histograms ----------------------------------------------------------------------------------------
def section_histograms(args, gpu: str | None) -> None:
    import keras
    import tensorflow as tf

    from nbkeras.training import histograms as _h
    from nbkeras.training.histograms import weight_histograms

    clear_histogram_cache = getattr(
        _h, "clear_histogram_cache", lambda: None
    )  # only where the implementation caches compiled functions

    side = int(round(math.sqrt(args.params / 4)))

    def make(device: str | None):
        with tf.device(device) if device else contextlib.nullcontext():
            out = []
            for i in range(4):
                out.append(keras.Variable(tf.random.normal((side, side), stddev=0.02, seed=i), name=f"kernel_{i}"))
                out.append(keras.Variable(tf.zeros((side,)), name=f"bias_{i}"))
        return out

    variables = make(None)
    n = sum(int(np.prod(v.shape)) for v in variables)
    devs = devices_of(variables)
    clear_histogram_cache()
    t0 = time.perf_counter()
    snap = weight_histograms(variables, bins=32)
    first = time.perf_counter() - t0
    warm = []
    for _ in range(5):
        t0 = time.perf_counter()
        snap, peak = gpu_peak_during(lambda vs=variables: weight_histograms(vs, bins=32), gpu)
        warm.append(time.perf_counter() - t0)
    counted = int(snap.counts.sum(dtype=np.int64))
    host = []
    for _ in range(args.np_repeats):
        t0 = time.perf_counter()
        host_counts = [np.histogram(v.numpy(), bins=32)[0] for v in variables]
        host.append(time.perf_counter() - t0)
    diff = max(int(np.abs(h.astype(np.int64) - c.astype(np.int64)).max()) for h, c in zip(host_counts, snap.counts))
    cpu_first = cpu_warm = math.nan
    if gpu is not None:
        cpu_vars = make("/CPU:0")
        with tf.device("/CPU:0"):  # every op the call runs (eager or traced here) is placed on the CPU too
            t0 = time.perf_counter()
            weight_histograms(cpu_vars, bins=32)
            cpu_first = time.perf_counter() - t0
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                weight_histograms(cpu_vars, bins=32)
                times.append(time.perf_counter() - t0)
            cpu_warm = statistics.median(times)
        del cpu_vars
    clear_histogram_cache()
    del variables
    gc.collect()

    on_gpu = gpu is not None and all("GPU" in d for d in devs)
    print(f"### Weight histograms of {n:,} float32 parameters (4 kernels {side:,}×{side:,} + 4 biases), 32 bins")
    print()
    print("| measure | value |")
    print("|---|---|")
    print(f"| variables' `.device` | {', '.join(f'`{d}`' for d in devs)} |")
    if gpu is not None:
        print(f"| all variables on the GPU | {check(on_gpu, 'histogram variables not on the GPU')} |")
    print(f"| `weight_histograms`, first call | {first:.3f} s |")
    print(
        f"| `weight_histograms`, warm, median of 5 | **{statistics.median(warm) * 1000:.1f} ms** [{min(warm) * 1000:.1f}–{max(warm) * 1000:.1f}] |"
    )
    if gpu is not None:
        print(
            f"| GPU allocator peak above its prior level during a warm call | {peak / 1e6:,.1f} MB "
            f"({check(peak > 0, 'no GPU allocation during weight_histograms')}: computed on the GPU) |"
        )
        print(
            f"| same function, variables and ops on `CPU:0`: first / warm median of 3 | {cpu_first:.3f} s / {cpu_warm * 1000:.1f} ms |"
        )
        print(f"| GPU speed-up over `CPU:0` (warm) | {cpu_warm / statistics.median(warm):.1f}× |")
    print(
        f"| `.numpy()` + `np.histogram(bins=32)`, median of {args.np_repeats} | {statistics.median(host) * 1000:.1f} ms "
        f"({statistics.median(host) / statistics.median(warm):.1f}× the warm `weight_histograms`) |"
    )
    print(
        f"| counts sum to the parameter count | {check(counted == n, 'histogram counts do not sum to the parameter count')} ({counted:,}) |"
    )
    print(f"| largest per-bin difference vs `np.histogram` | {diff:,} |")
    print()


# -- health probe ---------------------------------------------------------------------------------------
def build_cnn(spe: int = 1, seed: int = 0):
    import keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="cnn_check",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=spe,
    )
    return model


def section_health(gpu: str | None, x, y) -> None:
    import tensorflow as tf

    from nbkeras.training.health import HealthProbe

    rows = []
    for label, device in (("default device", None), ("built and run under `CPU:0`", "/CPU:0")):
        if device is not None and gpu is None:
            continue
        with tf.device(device) if device else contextlib.nullcontext():
            model = build_cnn()
            model.fit(x[:256], y[:256], epochs=1, batch_size=BATCH, verbose=0)
            t0 = time.perf_counter()
            probe = HealthProbe(model, x[:64], y[:64])
            build_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            report = probe.measure()
            first_s = time.perf_counter() - t0
            times, peak = [], None
            for _ in range(5):
                report, peak = gpu_peak_during(probe.measure, gpu if device is None else None)
                times.append(report.seconds)
        rows.append(
            (label, devices_of(model.trainable_weights), build_s, first_s, statistics.median(times), peak, report)
        )
    print("### Health probe (`HealthProbe.measure`, 64 samples, CNN)")
    print()
    print(
        "| model | variables' `.device` | build | first measure (traces) | later measure, median of 5 | GPU allocator peak above prior level |"
    )
    print("|---|---|---|---|---|---|")
    for label, devs, build_s, first_s, later, peak, _ in rows:
        print(
            f"| {label} | {', '.join(f'`{d}`' for d in devs)} | {build_s * 1000:.0f} ms | {first_s * 1000:.0f} ms | {later * 1000:.2f} ms | "
            f"{'—' if peak is None else f'{peak / 1e3:,.1f} kB'} |"
        )
    if gpu is not None:
        devs, peak = rows[0][1], rows[0][5]
        print()
        print(
            f"Probe variables on the GPU: {check(all('GPU' in d for d in devs), 'probe model variables not on the GPU')}; "
            f"GPU memory allocated while measuring: {check(bool(peak and peak > 0), 'no GPU allocation during HealthProbe.measure')}."
        )
    print()


# -- monitor overhead -------------------------------------------------------------------------------------
class Cell:
    """As in bench/bench_training.py: built once, warmed once, initial weights restored before each timed fit."""

    def __init__(self, spe: int, cfg: str, x, y, epochs: int) -> None:
        self.spe, self.cfg, self.x, self.y, self.epochs = spe, cfg, x, y, epochs
        self.model = build_cnn(spe)
        self.model.optimizer.build(self.model.trainable_variables)
        self.weights = [v.numpy() for v in self.model.weights]
        self.opt = [v.numpy() for v in self.model.optimizer.variables]

    def warm(self) -> None:
        import nbkeras

        if self.cfg == "a":
            self.callbacks, self.monitor = [], None
        else:
            kwargs = {"histograms": False, "probe": None} if self.cfg == "b" else {"probe": (self.x[:64], self.y[:64])}
            self.monitor = nbkeras.LiveMonitor(display="widget", **kwargs)
            self.callbacks = [self.monitor]
        with self.wire, contextlib.redirect_stdout(_Sink()):
            self.model.fit(self.x, self.y, epochs=1, batch_size=BATCH, verbose=0, callbacks=self.callbacks)

    def timed(self) -> tuple[float, float]:
        for v, w in zip(self.model.weights, self.weights, strict=True):
            v.assign(w)
        for v, w in zip(self.model.optimizer.variables, self.opt, strict=True):
            v.assign(w)
        gc.collect()
        with contextlib.redirect_stdout(_Sink()):
            t0, c0 = time.perf_counter(), time.process_time()
            self.model.fit(self.x, self.y, epochs=self.epochs, batch_size=BATCH, verbose=0, callbacks=self.callbacks)
            return time.perf_counter() - t0, time.process_time() - c0


def section_overhead(args, x, y, started: float) -> None:
    from nbkeras.testing import CommRecorder

    labels = {"a": "no callback", "b": "LiveMonitor, scalars only", "c": "LiveMonitor, histograms + health probe"}
    cells = {}
    for spe in (1, 16):
        for cfg in labels:
            cells[(spe, cfg)] = Cell(spe, cfg, x, y, args.epochs)
    for cell in cells.values():  # after every build: building seeds, and seeding clears TF's kernel cache
        cell.wire = CommRecorder()
        cell.warm()
    results: dict[tuple[int, str], list[tuple[float, float]]] = {k: [] for k in cells}
    done = 0
    for _ in range(args.repeats):
        if done >= 2 and time.perf_counter() - started > DEADLINE_S:
            break
        for key, cell in cells.items():
            results[key].append(cell.timed())
        done += 1
    print(
        f"### LiveMonitor overhead, CNN on digits (1,438 samples, batch {BATCH}), {args.epochs} epochs per timed fit, "
        f"median of {done} interleaved repetitions"
    )
    print()
    print(
        f'`jit_compile` as Keras chose it: {cells[(1, "a")].model.jit_compile}. Monitors use display="widget" under the recording comm.'
    )
    print()
    print(
        "| steps/exec | configuration | whole fit (s) | ratio [min–max] | ratio, CPU time | target | monitor saw device | snapshots / health measurements |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for spe in (1, 16):
        base = results[(spe, "a")]
        for cfg, label in labels.items():
            runs = results[(spe, cfg)]
            wall = [r[0] / b[0] for r, b in zip(runs, base)]
            cpu = [r[1] / b[1] for r, b in zip(runs, base)]
            mon = cells[(spe, cfg)].monitor
            ratio = "1" if cfg == "a" else f"**{statistics.median(wall):.3f}** [{min(wall):.3f}–{max(wall):.3f}]"
            cpu_s = "1" if cfg == "a" else f"{statistics.median(cpu):.3f}"
            target = {"b": "≤ 1.02", "c": "≤ 1.05"}.get(cfg, "")
            seen = snaps = ""
            if mon is not None:
                seen = f"{mon.device.get('kind')} ({mon.device.get('name')})"
                snaps = f"{len(mon.presenter.snapshots)} / {len(mon.health)}"
                bad = [n for n in mon.notices if "failed" in n]
                if bad:
                    FAILURES.append(f"monitor spe={spe} {cfg}: {bad[0]}")
            print(
                f"| {spe} | {label} | {statistics.median(r[0] for r in runs):.3f} | {ratio} | {cpu_s} | {target} | {seen} | {snaps} |"
            )
    print()


# -- look inside a model (#13) ------------------------------------------------------------------------
def _timed(fn, device: str | None):
    """(result, seconds, GPU allocator peak rise) of one call."""
    t = time.perf_counter()
    out, peak = gpu_peak_during(fn, device)
    return out, time.perf_counter() - t, peak


def _peak_text(peak: int | None) -> str:
    return "–" if peak is None else f"{peak / 2**20:,.1f} MiB"


def section_inspect(args, gpu: str | None, x, y) -> None:
    """The inspect core on the GPU: same numbers as on ``CPU:0``, computed where the model lives."""
    import keras
    import tensorflow as tf

    import nbkeras
    from nbkeras import datasets

    n = args.inspect_examples
    reps = -(-n // len(x))
    xs, ys = np.concatenate([x] * reps)[:n], np.concatenate([y] * reps)[:n]
    rows: list[tuple[str, str, str, str, str]] = []

    def both(name: str, fn, same) -> None:
        """fn(model) on the GPU model and on a CPU:0 copy: times, GPU peak, equal results."""
        out_gpu, t_gpu, peak = _timed(lambda: fn(models["gpu"]), gpu)
        fn(models["gpu"])  # warm (tracing paid above)
        _, t_warm, _ = _timed(lambda: fn(models["gpu"]), gpu)
        with tf.device("CPU:0"):
            fn(models["cpu"])
            _, t_cpu, _ = _timed(lambda: fn(models["cpu"]), None)
            out_cpu = fn(models["cpu"])
        ok, detail = same(out_gpu, out_cpu)
        rows.append(
            (
                name,
                f"{t_gpu:.2f} / {t_warm:.2f} s",
                f"{t_cpu:.2f} s",
                _peak_text(peak),
                check(ok, f"{name}: {detail}") + f" {detail}",
            )
        )

    models = {}
    for where in ("gpu", "cpu"):
        with tf.device("CPU:0") if where == "cpu" else contextlib.nullcontext():
            model = build_cnn()
            model.fit(x, y, epochs=2, batch_size=BATCH, verbose=0)
            models[where] = model
    models["cpu"].set_weights(models["gpu"].get_weights())
    if gpu is not None:
        devs = devices_of(models["gpu"].weights)
        rows.append(
            (
                "model variables",
                ", ".join(f"`{d}`" for d in devs),
                "",
                "",
                check(all("GPU" in d for d in devs), "inspect model not on the GPU"),
            )
        )

    both(
        f"`confusion_matrix`, {n:,} examples",
        lambda m: nbkeras.confusion_matrix(m, xs, ys),
        lambda a, b: (
            int(np.abs(a - b).sum()) <= 2 * max(1, n // 1000),
            f"{int(a.sum()):,} counted, {int(np.abs(a - b).sum())} cells' counts differ vs CPU",
        ),
    )
    both(
        "`top_losses(k=16)`",
        lambda m: nbkeras.top_losses(m, xs, ys, k=16),
        lambda a, b: (
            np.allclose(a.losses, b.losses, rtol=1e-3, atol=1e-5),
            f"max loss diff {float(np.max(np.abs(a.losses - b.losses))):.2e}",
        ),
    )
    both(
        "`feature_maps` (first conv, 256 images)",
        lambda m: nbkeras.feature_maps(m, m.layers[0].name, xs[:256]),
        lambda a, b: (
            np.allclose(a, b, rtol=1e-3, atol=1e-4),
            f"shape {a.shape}, max diff {float(np.max(np.abs(a - b))):.2e}",
        ),
    )
    both(
        "`grad_cam` (256 images)",
        lambda m: nbkeras.grad_cam(m, xs[:256]),
        lambda a, b: (
            a.min() >= 0 and a.max() <= 1 and np.allclose(a, b, atol=1e-3),
            f"range [{a.min():.2f}, {a.max():.2f}], max diff vs CPU {float(np.max(np.abs(a - b))):.2e}",
        ),
    )

    (sx, sy), _ = datasets.spirals(n_samples=800, seed=0)
    for where in ("gpu", "cpu"):
        with tf.device("CPU:0") if where == "cpu" else contextlib.nullcontext():
            keras.utils.set_random_seed(0)
            mlp = keras.Sequential(
                [
                    keras.Input((2,)),
                    keras.layers.Dense(32, activation="relu"),
                    keras.layers.Dense(2, activation="softmax"),
                ]
            )
            mlp.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            models[where] = mlp
    models["cpu"].set_weights(models["gpu"].get_weights())
    both(
        "`decision_surface(resolution=200)`",
        lambda m: nbkeras.decision_surface(m, sx, resolution=200),
        lambda a, b: (np.allclose(a.probabilities, b.probabilities, atol=1e-4), f"grid {a.probabilities.shape}"),
    )

    model = models["gpu"]
    before = [w.copy() for w in model.get_weights()]
    result, t_lr, peak = _timed(lambda: nbkeras.lr_find(model, sx, sy, steps=100), gpu)
    same = all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))
    rows.append(
        (
            "`lr_find(steps=100)`",
            f"{t_lr:.2f} s",
            "",
            _peak_text(peak),
            check(same, "lr_find changed the weights")
            + f" weights byte-identical after; suggestion {result.suggestion:.3g}, {result.stopped}",
        )
    )

    print(f"### Look inside a model (digits CNN of section 3, {n:,} examples)")
    print()
    print("| call | GPU: first / warm | `CPU:0`: warm | GPU allocator peak | check |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes; on a machine with no GPU, run anyway (on the CPU) to check the script",
    )
    args = parser.parse_args()
    args.params = 1e6 if args.quick else 1e8
    args.np_repeats = 1 if args.quick else 3
    args.epochs = 2 if args.quick else 10
    args.repeats = 1 if args.quick else 5
    args.inspect_examples = 2_000 if args.quick else 100_000
    for name in ("tensorflow", "nbkeras", "absl"):
        logging.getLogger(name).addFilter(LOGS)
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        for g in gpus:
            with contextlib.suppress(Exception):  # be polite to other processes on the GPU
                tf.config.experimental.set_memory_growth(g, True)
        import keras

        from nbkeras import datasets
        from nbkeras.training.device import training_device

        print("## GPU check: nbkeras live training monitor")
        print()
        print(f"Command: `{shlex.join(['python', *sys.argv])}`")
        print()
        print(
            f"Python {platform.python_version()}, tensorflow {tf.__version__}, keras {keras.__version__}; {os.cpu_count()} CPU cores; "
            f"built with CUDA: {tf.test.is_built_with_cuda()}."
        )
        print()
        print(f"- `tf.config.list_physical_devices('GPU')`: `{gpus}`")
        print(f"- `training_device()`: `{training_device()}`")
        print()
        gpu = "GPU:0" if gpus else None
        if gpu is None:
            print("**no GPU**: TensorFlow sees no GPU here, so nothing GPU-specific can be checked.")
            print()
            if not args.quick:
                print(f"Total time: {time.perf_counter() - started:.0f} s.")
                return 0
            print(
                "`--quick`: a smoke run of every step at tiny sizes on the CPU follows (checks this script, numbers are not meaningful)."
            )
            print()
        (x, y), _ = datasets.digits()
        section_histograms(args, gpu)
        section_health(gpu, x, y)
        section_overhead(args, x, y, started)
        section_inspect(args, gpu, x, y)
    captured = Counter(f"{w.category.__name__}: {str(w.message).splitlines()[0][:140]}" for w in caught) + LOGS.counts
    if captured:
        print(
            "Captured warnings and log records: " + "; ".join(f"{k} (×{v})" for k, v in captured.most_common(8)) + "."
        )
        print()
    if gpu is not None:
        print("**All GPU checks passed.**" if not FAILURES else "**GPU checks FAILED:** " + "; ".join(FAILURES))
        print()
    print(f"Total time: {time.perf_counter() - started:.0f} s.")
    return 1 if (FAILURES and gpu is not None) else 0


if __name__ == "__main__":
    sys.exit(main())
