"""LiveMonitor under tf.distribute: MirroredStrategy on 2 logical CPUs, and
MultiWorkerMirroredStrategy with 2 worker processes on loopback.

Both run in subprocesses: logical devices must be configured before TensorFlow starts,
and each worker of a multi-worker run is its own process with its own ``TF_CONFIG``.
Each script prints one line ``RESULT <json>`` that the test reads.
"""

from __future__ import annotations

import json
import math
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
TIMEOUT_S = 180

# Shared by both scripts: a small MLP on the spirals, compiled under the strategy's scope.
COMMON = """
import json, os, sys, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

def build(keras):
    model = keras.Sequential([
        keras.Input((2,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model

def result(**fields):
    print("RESULT " + json.dumps(fields, default=float), flush=True)
"""

MIRRORED = (
    COMMON
    + """
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras
import nbkeras
from nbkeras.training.device import training_device

EPOCHS = 3
keras.utils.set_random_seed(0)
(x, y), _ = nbkeras.datasets.spirals(n_samples=1000)
strategy = tf.distribute.MirroredStrategy(["CPU:0", "CPU:1"])
with strategy.scope():
    model = build(keras)
    in_scope = training_device()
monitor = nbkeras.LiveMonitor(display="none", probe=(x[:64], y[:64]))
shown = nbkeras.LiveMonitor(display="widget", histograms=False)  # what a dashboard would show


class SetRateAfterFirstEpoch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0:
            monitor.command("set_learning_rate", 0.005)  # what the dashboard's control sends


history = model.fit(x, y, epochs=EPOCHS, batch_size=32, verbose=0,
                    callbacks=[monitor, shown, SetRateAfterFirstEpoch()])

sizes = {w.path: int(w.numpy().size) for w in model.trainable_weights}
snapshots = monitor.weight_histograms
result(
    epochs=EPOCHS,
    replicas=strategy.num_replicas_in_sync,
    history=monitor.history,
    keras_history=history.history,
    batch_steps=[float(s) for s in monitor.batch_history["loss"].steps],
    steps_per_epoch=monitor.recorder.steps_per_epoch,
    histogram_snapshots={name: len(snaps) for name, snaps in snapshots.items()},
    histogram_counts={name: [int(c.sum()) for _, _, _, c in snaps] for name, snaps in snapshots.items()},
    weight_sizes=sizes,
    health=[{"epoch": e, "loss": r.loss, "grad_norms": [l.grad_norm for l in r.layers], "notes": list(r.notes)}
            for e, r in monitor.health],
    strategy_in_scope=in_scope["strategy"],
    dashboard_device=shown.dashboard.status["device"],
    dashboard_learning_rate=shown.dashboard.status.get("learning_rate"),
    learning_rates=[float(v) for v in monitor.batch_history["learning_rate"].values]
    if "learning_rate" in monitor.batch_history else None,
    optimizer_rate=float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)),
    state=monitor.state,
    notices=monitor.notices,
)
"""
)

# TF_CONFIG is set by the test. Only the chief (worker 0) should show and stream a dashboard.
WORKER = (
    COMMON
    + """
import tensorflow as tf
import keras
import nbkeras

keras.utils.set_random_seed(0)
(x, y), _ = nbkeras.datasets.spirals(n_samples=1000)
strategy = tf.distribute.MultiWorkerMirroredStrategy()
resolver = strategy.cluster_resolver
print(f"STARTED {resolver.task_type}:{resolver.task_id}", file=sys.stderr, flush=True)
with strategy.scope():
    model = build(keras)

# Keras 3.15 cannot fit under MultiWorkerMirroredStrategy as shipped (keras-team/keras#20585,
# tensorflow/tensorflow#72388): `_maybe_symbolic_build` reduces a PerReplica batch and
# `reduce_per_replica` reduces scalar metrics with axis=0; both raise. Work around both
# (build eagerly first; reduce metrics per worker) so that nbkeras's own part is tested.
import keras.src.backend.tensorflow.trainer as keras_tf_trainer
with strategy.scope():
    model._symbolic_build(data_batch=(x[:32], y[:32]))
model._maybe_symbolic_build = lambda *args, **kwargs: None
keras_tf_trainer._collective_all_reduce_multi_worker = lambda strategy: False

text = nbkeras.LiveMonitor(display="auto", probe=(x[:64], y[:64]))  # a script: text mode
widget = nbkeras.LiveMonitor(display="widget", histograms=False)
history = model.fit(x, y, epochs=2, batch_size=32, verbose=0, callbacks=[text, widget])
result(
    task=[resolver.task_type, resolver.task_id],
    replicas=strategy.num_replicas_in_sync,
    is_chief=bool(strategy.extended.should_checkpoint),
    history=text.history,
    widget_history=widget.history,
    keras_history=history.history,
    text_state=text.state,
    widget_state=widget.state,
    widget_dashboard=widget.dashboard is not None,
    health_epochs=[e for e, _ in text.health],
    weight_norms=[float(abs(w).sum()) for w in model.get_weights()],
    notices=text.notices + widget.notices,
)
"""
)


def script_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.pop("TF_CONFIG", None)
    return env


def parse_result(stdout: str) -> dict[str, Any]:
    lines = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
    assert len(lines) == 1, f"expected one RESULT line in:\n{stdout}"
    return json.loads(lines[0][len("RESULT ") :])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- MirroredStrategy, 2 logical CPUs, one process ---------------------------------------------


@pytest.fixture(scope="module")
def mirrored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("mirrored")
    script = folder / "mirrored.py"
    script.write_text(textwrap.dedent(MIRRORED))
    t0 = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(script)], cwd=folder, env=script_env(), capture_output=True, text=True, timeout=TIMEOUT_S
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = parse_result(proc.stdout)
    out["seconds"] = time.monotonic() - t0
    return out


def test_mirrored_strategy_monitor_records_the_run(mirrored):
    r = mirrored
    assert r["replicas"] == 2
    assert r["state"] == "finished"
    # No hook failed (a failure would be noted, training going on); the one notice is the rate set below.
    assert r["notices"] == ["Learning rate set to 0.005 at step 26."]

    # Epoch history: the same keys and values as Keras's History, one entry per epoch.
    assert r["history"] == r["keras_history"]
    assert set(r["history"]) == {"loss", "accuracy"}
    assert len(r["history"]["loss"]) == r["epochs"]

    # Per-step values: one per global step (25 of 32 samples per epoch, 2 replicas).
    assert r["steps_per_epoch"] == 25
    assert r["batch_steps"] == [float(s) for s in range(1, r["epochs"] * 25 + 1)]

    # Weight histograms of the mirrored variables: taken, and counting every value.
    assert set(r["histogram_snapshots"]) == set(r["weight_sizes"])
    assert all(n > 0 for n in r["histogram_snapshots"].values())
    for name, counts in r["histogram_counts"].items():
        assert counts == [r["weight_sizes"][name]] * len(counts), name

    # Training health after every epoch, with a finite gradient norm per Dense layer.
    assert [h["epoch"] for h in r["health"]] == list(range(r["epochs"]))
    for h in r["health"]:
        assert math.isfinite(h["loss"]) and 0 < h["loss"] < 10
        assert len(h["grad_norms"]) == 3 and all(g is not None and 0 < g < 1e3 for g in h["grad_norms"])

    # The learning rate of the mirrored optimizer: read every step (the dashboard's chart and
    # status), and the dashboard's control sets it (after the first epoch's last step).
    rates = r["learning_rates"]
    assert rates is not None and len(rates) == r["epochs"] * 25, "no learning rate recorded"
    assert rates == pytest.approx([1e-3] * 26 + [5e-3] * (len(rates) - 26))  # set after step 26
    assert r["optimizer_rate"] == pytest.approx(5e-3) and r["dashboard_learning_rate"] == pytest.approx(5e-3)

    assert "Mirrored" in r["strategy_in_scope"]
    print(f"\n[mirrored] {r['epochs']} epochs on 2 replicas in {r['seconds']:.1f} s")


def test_mirrored_strategy_is_named_in_the_dashboard_status(mirrored):
    assert "Mirrored" in (mirrored["dashboard_device"]["strategy"] or ""), mirrored["dashboard_device"]


# -- MultiWorkerMirroredStrategy, 2 worker processes on loopback -------------------------------


def _run_workers(script: Path, cwd: Path) -> list[tuple[int, str, str]]:
    ports = [free_port(), free_port()]
    cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
    procs = []
    for index in range(2):
        env = script_env()
        env["TF_CONFIG"] = json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})
        procs.append(
            subprocess.Popen(
                [sys.executable, str(script)],
                cwd=cwd,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    deadline = time.monotonic() + TIMEOUT_S
    results = []
    try:
        for proc in procs:
            try:
                out, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
                results.append((-9, out, err))
                continue
            results.append((proc.returncode, out, err))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return results


BIND_ERRORS = ("Address already in use", "Failed to add port", "Could not start gRPC server", "bind")


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("multiworker")
    script = folder / "worker.py"
    script.write_text(textwrap.dedent(WORKER))
    t0 = time.monotonic()
    for attempt in range(2):  # a port taken between free_port() and the bind: once more
        results = _run_workers(script, folder)
        if all(rc == 0 for rc, _, _ in results):
            break
        errors = "\n".join(err[-2000:] for _, _, err in results)
        started = all("STARTED" in err for _, _, err in results)
        if not started and any(e in errors for e in BIND_ERRORS):
            if attempt == 0:
                continue
            pytest.skip(f"MultiWorkerMirroredStrategy could not bind its loopback ports here:\n{errors}")
        if not started and any(rc == -9 for rc, _, _ in results):
            pytest.skip(f"the collective ops did not start within {TIMEOUT_S} s:\n{errors}")
        raise AssertionError(
            "a worker failed:\n"
            + "\n".join(
                f"--- worker {i} rc={rc}\n{out[-2000:]}\n{err[-4000:]}" for i, (rc, out, err) in enumerate(results)
            )
        )
    seconds = time.monotonic() - t0
    out = []
    for index, (_, stdout, _) in enumerate(results):
        r = parse_result(stdout)
        r["stdout"] = stdout
        r["index"] = index
        r["seconds"] = seconds
        out.append(r)
    return out


def test_multiworker_run_trains_in_sync_and_every_worker_records(workers):
    for r in workers:
        assert r["task"] == ["worker", r["index"]]
        assert r["replicas"] == 2
        assert r["is_chief"] is (r["index"] == 0)
        assert r["history"] == r["keras_history"] == r["widget_history"]
        assert len(r["history"]["loss"]) == 2
        assert r["text_state"] == r["widget_state"] == "finished"
        assert r["health_epochs"] == [0, 1]
        assert r["notices"] == []
    # Synchronous data parallelism: both workers end with the same weights.
    assert workers[0]["weight_norms"] == pytest.approx(workers[1]["weight_norms"], rel=1e-6)
    print(f"\n[multiworker] 2 workers, 2 epochs in {workers[0]['seconds']:.1f} s")


def nbkeras_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("nbkeras:")]


def test_multiworker_only_the_chief_displays(workers):
    chief, other = workers
    # The chief shows the run: text progress (a script) and a dashboard when asked for one.
    lines = nbkeras_lines(chief["stdout"])
    assert any(line.startswith("nbkeras: epoch 1/2") for line in lines), chief["stdout"]
    assert any(line.startswith("nbkeras: epoch 2/2") for line in lines), chief["stdout"]
    assert chief["widget_dashboard"] is True
    # The other worker records (previous test) but shows nothing.
    assert nbkeras_lines(other["stdout"]) == [], other["stdout"]
    assert "TrainingDashboard" not in other["stdout"]
    assert other["widget_dashboard"] is False
