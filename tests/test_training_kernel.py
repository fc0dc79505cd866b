"""The live-training layer in a REAL ipykernel, driven with jupyter_client (no browser).

The kernel is the one JupyterLab would start (``kernel_name="python3"``). A click on the
dashboard is sent as the exact message the front end sends: a ``comm_msg`` on the shell
channel carrying ``{"method": "custom", "content": {"type": "request", ...}}``. The
kernel's answers (``_ack`` updates, deltas, status) are read from iopub.

One kernel serves the whole module (TensorFlow takes seconds to import); every test starts
from a fresh model (``keras.backend.clear_session()``) with no run in progress and the
extension unloaded.
"""

from __future__ import annotations

import json
import os
import queue
import time
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pytest

from nbkeras.widgets.picture import picture_svg

jupyter_client = pytest.importorskip("jupyter_client")
pytest.importorskip("ipykernel")

from nbkeras.training.stream import unpack_points  # noqa: E402 - after the skips

pytestmark = pytest.mark.slow

Msg = dict[str, Any]

DASHBOARD_ID = "TrainingDashboard"  # anywidget's id is "<module>.<class>"
LONG_EPOCHS = 200  # ~30 s on 2 CPU cores: a test that needs the whole run has failed


# -- helpers: talking to the kernel --------------------------------------------------------


def is_dashboard_open(msg: Msg) -> bool:
    """A TrainingDashboard's comm_open (ipywidgets sends its full state there)."""
    if msg["msg_type"] != "comm_open" or msg["content"].get("target_name") != "jupyter.widget":
        return False
    state = msg["content"].get("data", {}).get("state", {})
    return str(state.get("_anywidget_id", "")).endswith(DASHBOARD_ID)


def comm_msgs(log: Iterable[Msg], comm_id: str) -> list[Msg]:
    """Kernel -> front-end comm_msg messages of one widget, in arrival order."""
    return [m for m in log if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id]


def is_delta(msg: Msg, comm_id: str) -> bool:
    if msg["msg_type"] != "comm_msg" or msg["content"]["comm_id"] != comm_id:
        return False
    data = msg["content"]["data"]
    return data.get("method") == "custom" and data.get("content", {}).get("type") == "delta"


def deltas(log: Iterable[Msg], comm_id: str) -> list[Msg]:
    return [m for m in log if is_delta(m, comm_id)]


def is_ack(msg: Msg, comm_id: str, seq: int) -> bool:
    """The kernel's answer to request ``seq``: a state update setting ``_ack``."""
    if msg["msg_type"] != "comm_msg" or msg["content"]["comm_id"] != comm_id:
        return False
    data = msg["content"]["data"]
    return data.get("method") == "update" and data.get("state", {}).get("_ack") == seq


def updates(log: Iterable[Msg], comm_id: str, key: str) -> list[Msg]:
    """State updates of one widget that carry ``key``."""
    return [
        m
        for m in comm_msgs(log, comm_id)
        if m["content"]["data"].get("method") == "update" and key in m["content"]["data"].get("state", {})
    ]


def state_of(msg: Msg) -> dict[str, Any]:
    return msg["content"]["data"]["state"]


def buffer_sizes(msg: Msg) -> list[int]:
    return [memoryview(b).nbytes for b in msg.get("buffers", [])]


def describe(msg: Msg) -> str:
    """One line per message, for assertion messages."""
    content = msg["content"]
    if msg["msg_type"] == "comm_msg":
        data = content["data"]
        body = data.get("state") if data.get("method") == "update" else data.get("content")
        return f"comm_msg {data.get('method')} {json.dumps(body, default=str)[:160]}"
    return f"{msg['msg_type']} {json.dumps(content, default=str)[:160]}"


class KernelDriver:
    """A real ipykernel plus a jupyter_client client, with every iopub message kept.

    ``log`` holds every iopub message received so far, in order, each with
    ``_received`` (``time.monotonic()`` here) added.
    """

    def __init__(self, cwd: str) -> None:
        from jupyter_client import KernelManager

        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(env=env, cwd=cwd)
        self.client = self.km.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        self.log: list[Msg] = []
        self._replies: dict[str, Msg] = {}
        self.busy: set[str] = set()  # executes whose idle status has not been seen

    # iopub
    def _read(self, timeout: float) -> Msg | None:
        try:
            msg = self.client.get_iopub_msg(timeout=timeout)
        except queue.Empty:
            return None
        msg["_received"] = time.monotonic()
        self.log.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            self.busy.discard(msg["parent_header"].get("msg_id"))
        return msg

    def wait_for(self, pred: Callable[[Msg], bool], timeout: float, *, since: int = 0, what: str = "") -> Msg:
        """The first message of ``log[since:]`` (read more as needed) for which ``pred`` holds."""
        for msg in self.log[since:]:
            if pred(msg):
                return msg
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            msg = self._read(min(remaining, 0.5))
            if msg is not None and pred(msg):
                return msg
        recent = "\n".join(describe(m) for m in self.log[-15:])
        raise TimeoutError(f"no {what or 'matching message'} on iopub within {timeout} s; last messages:\n{recent}")

    def drain(self, seconds: float) -> None:
        """Read iopub for ``seconds`` (messages go to ``log``)."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            self._read(min(remaining, 0.2))

    # shell
    def execute(self, code: str) -> str:
        msg_id = self.client.execute(code, store_history=False)
        self.busy.add(msg_id)
        return msg_id

    def wait_idle(self, msg_id: str, timeout: float) -> Msg:
        """Wait for the cell's idle status on iopub, then return its execute_reply."""
        self.wait_for(
            lambda m: (
                m["msg_type"] == "status"
                and m["content"]["execution_state"] == "idle"
                and m["parent_header"].get("msg_id") == msg_id
            ),
            timeout,
            what=f"idle status of execute {msg_id}",
        )
        return self.reply(msg_id, timeout=10)

    def reply(self, msg_id: str, timeout: float) -> Msg:
        deadline = time.monotonic() + timeout
        while msg_id not in self._replies:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no shell reply to {msg_id} within {timeout} s")
            try:
                msg = self.client.get_shell_msg(timeout=remaining)
            except queue.Empty:
                continue
            self._replies[msg["parent_header"].get("msg_id")] = msg
        return self._replies[msg_id]

    def output_of(self, msg_id: str) -> str:
        return "".join(
            m["content"]["text"]
            for m in self.log
            if m["msg_type"] == "stream"
            and m["content"]["name"] == "stdout"
            and m["parent_header"].get("msg_id") == msg_id
        )

    def check_ok(self, msg_id: str, reply: Msg) -> None:
        if reply["content"]["status"] != "ok":
            errors = [m for m in self.log if m["msg_type"] == "error" and m["parent_header"].get("msg_id") == msg_id]
            tb = "\n".join(errors[-1]["content"]["traceback"]) if errors else json.dumps(reply["content"], default=str)
            raise AssertionError(f"cell failed in the kernel:\n{tb}")

    def run(self, code: str, timeout: float = 60) -> str:
        """Execute ``code``, wait for it, fail on an error; return its stdout."""
        msg_id = self.execute(code)
        self.check_ok(msg_id, self.wait_idle(msg_id, timeout))
        return self.output_of(msg_id)

    def run_json(self, code: str, timeout: float = 60) -> Any:
        """Execute ``code`` whose last printed line is JSON; return it parsed."""
        out = self.run(code, timeout)
        lines = [line for line in out.splitlines() if line.strip()]
        assert lines, f"no output from:\n{code}"
        return json.loads(lines[-1])

    def send_custom(self, comm_id: str, content: dict[str, Any]) -> float:
        """Send what a view's ``model.send(content)`` sends (a button click); return when."""
        msg = self.client.session.msg(
            "comm_msg", {"comm_id": comm_id, "data": {"method": "custom", "content": content}}
        )
        self.client.shell_channel.send(msg)
        return time.monotonic()

    def click(self, comm_id: str, seq: int, action: str, **args: Any) -> float:
        return self.send_custom(comm_id, {"type": "request", "seq": seq, "action": action, "args": args})

    # cleanup
    def settle(self, timeout: float = 60) -> None:
        """Get the kernel idle after a test, even one that failed mid-run.

        First every dashboard seen gets a Stop click (heard while a cell awaits a fit);
        then, if a cell is still running, the kernel is interrupted.
        """
        if not self.busy:
            return
        self.drain(0.2)
        for comm_id in {m["content"]["comm_id"] for m in self.log if is_dashboard_open(m)}:
            self.click(comm_id, 10_000, "stop")
        deadline = time.monotonic() + 15
        while self.busy and time.monotonic() < deadline:
            self._read(0.5)
        if self.busy:
            self.km.interrupt_kernel()
            deadline = time.monotonic() + timeout
            while self.busy and time.monotonic() < deadline:
                self._read(0.5)

    def shutdown(self) -> None:
        try:
            self.client.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

SETUP = """
import gc, json, math, time
import numpy as np
import keras
import nbkeras

(x, y), (x_test, y_test) = nbkeras.datasets.spirals(n_samples=4000)

def make_model():
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((2,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model

def stop_every_run(timeout=60):
    # A test that failed may leave a fit training in a thread: stop it, keep the kernel usable.
    running = lambda: [o for o in gc.get_objects() if isinstance(o, nbkeras.LiveMonitor) and o.state == "running"]
    for monitor in running():
        monitor.command("stop")
    deadline = time.monotonic() + timeout
    while running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not running(), "a training run did not stop"
"""

RESET = """
stop_every_run()
%unload_ext nbkeras
model = make_model()
loss0 = float(model.evaluate(x_test, y_test, verbose=0)[0])
print(json.dumps({"loss0": loss0, "fit_wrapped": hasattr(keras.Model.fit, "__nbkeras_wrapped__")}))
"""


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory):
    driver = KernelDriver(str(tmp_path_factory.mktemp("kernel")))
    try:
        driver.run(SETUP, timeout=120)
        yield driver
    finally:
        driver.shutdown()


def reset(kernel: KernelDriver) -> dict[str, Any]:
    """No run in progress, extension unloaded, a fresh model; its initial test loss."""
    kernel.settle()
    fresh = kernel.run_json(RESET, timeout=90)
    assert fresh["fit_wrapped"] is False
    assert np.isfinite(fresh["loss0"])
    return fresh


@pytest.fixture
def fresh(kernel: KernelDriver):
    info = reset(kernel)
    yield info
    kernel.settle()


def wait_epochs(kernel: KernelDriver, comm_id: str, n: int, *, since: int, timeout: float = 60) -> None:
    """Wait until ``n`` epoch ends were streamed (deltas that carry ``epoch/loss``)."""
    seen = 0

    def pred(m: Msg) -> bool:
        nonlocal seen
        if is_delta(m, comm_id) and "epoch/loss" in m["content"]["data"]["content"]["series"]:
            seen += 1
        return seen >= n

    kernel.wait_for(pred, timeout, since=since, what=f"{n} epoch-end deltas")


# -- a. %load_ext nbkeras: a plain `history = model.fit(...)` cell hears the Stop button --------


def test_magic_fit_cell_streams_live_and_hears_stop(kernel, fresh):
    kernel.run("%load_ext nbkeras")
    start = len(kernel.log)
    t0 = time.monotonic()
    fit_id = kernel.execute(f"history = model.fit(x, y, epochs={LONG_EPOCHS}, batch_size=32, verbose=0)")

    opened = kernel.wait_for(is_dashboard_open, 60, since=start, what="TrainingDashboard comm_open")
    comm_id = opened["content"]["comm_id"]
    # Live streaming while the cell runs: epoch ends arrive before we click.
    wait_epochs(kernel, comm_id, 2, since=start)
    assert fit_id in kernel.busy, "the fit cell ended before Stop was clicked"

    sent = kernel.click(comm_id, 1, "stop")
    reply = kernel.wait_idle(fit_id, timeout=60)
    kernel.check_ok(fit_id, reply)
    stop_latency = time.monotonic() - sent
    log = kernel.log[start:]

    # The kernel answered the click while the cell was still running.
    acks = [m for m in log if is_ack(m, comm_id, 1)]
    assert len(acks) == 1, [describe(m) for m in comm_msgs(log, comm_id)][-10:]
    assert state_of(acks[0]).get("error", "") == ""
    idle = next(
        m
        for m in log
        if m["msg_type"] == "status"
        and m["parent_header"].get("msg_id") == fit_id
        and m["content"]["execution_state"] == "idle"
    )
    assert log.index(acks[0]) < log.index(idle)
    assert acks[0]["header"]["date"] <= reply["header"]["date"]
    # Deltas were streamed while the fit cell ran (before its reply).
    live = [m for m in deltas(log, comm_id) if m["header"]["date"] < acks[0]["header"]["date"]]
    assert len(live) >= 2
    assert stop_latency < 10, f"the cell took {stop_latency:.1f} s to end after Stop"

    # The dashboard said the controls work during this run, then that the run stopped.
    controls = [state_of(m)["controls"] for m in updates(log, comm_id, "controls")]
    assert controls[0]["enabled"] is True, controls[0]
    assert controls[-1]["enabled"] is False and "stopped" in controls[-1]["reason"]
    statuses = [state_of(m)["status"] for m in updates(log, comm_id, "status")]
    assert statuses[-1]["state"] == "stopped"

    result = kernel.run_json(
        "_ev = model.evaluate(x_test, y_test, verbose=0)\n"
        "print(json.dumps({'epochs': len(history.history['loss']), 'history_type': type(history).__name__,"
        " 'loss': float(_ev[0]), 'accuracy': float(_ev[1])}))"
    )
    assert result["history_type"] == "History"  # the cell still gets Keras's History back
    assert 2 <= result["epochs"] < LONG_EPOCHS
    # Stopping kept the trained weights: finite, and better than the untrained model.
    assert np.isfinite(result["loss"])
    assert result["loss"] < fresh["loss0"]
    print(
        f"\n[a] stopped after {result['epochs']} epochs; stop->idle {stop_latency:.2f} s;"
        f" whole cell {time.monotonic() - t0:.1f} s"
    )


def test_interrupting_a_load_ext_fit_cell_stops_the_run_within_a_step(kernel, fresh):
    """Kernel -> Interrupt on a cell training under %load_ext ends the run at once, "interrupted", history kept.

    Before: ipykernel cancelled the awaiting cell, but the fit thread trained on to its last
    epoch (49 s here for 200 epochs), and the dashboard then said "finished".
    """
    kernel.run("%load_ext nbkeras")
    start = len(kernel.log)
    fit_id = kernel.execute(f"history = model.fit(x, y, epochs={LONG_EPOCHS}, batch_size=32, verbose=0)")
    opened = kernel.wait_for(is_dashboard_open, 60, since=start, what="TrainingDashboard comm_open")
    comm_id = opened["content"]["comm_id"]
    wait_epochs(kernel, comm_id, 2, since=start)
    assert fit_id in kernel.busy, "the fit cell ended before the interrupt"

    sent = time.monotonic()
    kernel.km.interrupt_kernel()
    reply = kernel.wait_idle(fit_id, timeout=60)
    latency = time.monotonic() - sent
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt", reply["content"]
    assert latency < 10, f"the cell took {latency:.1f} s to end after the interrupt"

    statuses = [state_of(m)["status"] for m in updates(kernel.log[start:], comm_id, "status")]
    assert statuses[-1]["state"] == "interrupted"
    assert any(n.startswith("Interrupted at step") for n in statuses[-1]["notices"])
    controls = [state_of(m)["controls"] for m in updates(kernel.log[start:], comm_id, "controls")]
    assert controls[-1] == {"enabled": False, "reason": "Run interrupted."}

    result = kernel.run_json(
        "_mon = [o for o in gc.get_objects() if isinstance(o, nbkeras.LiveMonitor) and o.state != 'idle'][-1]\n"
        "_ev = model.evaluate(x_test, y_test, verbose=0)\n"
        "print(json.dumps({'state': _mon.state, 'epochs': len(_mon.history['loss']), 'step': _mon.recorder.step,"
        " 'iterations': int(model.optimizer.iterations), 'loss': float(_ev[0])}))"
    )
    assert result["state"] == "interrupted"
    assert 2 <= result["epochs"] < LONG_EPOCHS  # the epochs before the interrupt are kept
    assert result["step"] == result["iterations"]  # the monitor saw every step the optimizer took
    assert result["loss"] < fresh["loss0"]  # the trained weights are kept
    print(f"\n[a2] interrupt->idle {latency:.2f} s after {result['epochs']} epochs")


# -- b. nbkeras.fit: returns at once; learning-rate and Stop requests act mid-run ---------------


def test_nbkeras_fit_returns_at_once_and_applies_controls(kernel, fresh):
    start = len(kernel.log)
    t0 = time.monotonic()
    fit_id = kernel.execute(f"run = nbkeras.fit(model, x, y, epochs={LONG_EPOCHS}, batch_size=32)")
    kernel.check_ok(fit_id, kernel.wait_idle(fit_id, timeout=30))
    returned_after = time.monotonic() - t0
    assert returned_after < 10, f"nbkeras.fit took {returned_after:.1f} s to return"
    assert kernel.run_json("print(json.dumps(run.done))") is False

    opened = kernel.wait_for(is_dashboard_open, 10, since=start, what="TrainingDashboard comm_open")
    comm_id = opened["content"]["comm_id"]
    assert opened["parent_header"].get("msg_id") == fit_id  # displayed in the fit cell's output
    kernel.wait_for(lambda m: is_delta(m, comm_id), 60, since=start, what="first delta")

    mark = len(kernel.log)
    kernel.click(comm_id, 1, "set_learning_rate", value=0.0005)
    kernel.wait_for(lambda m: is_ack(m, comm_id, 1), 10, since=mark, what="_ack 1")
    # Training goes on with the new rate: the streamed status shows it.
    kernel.wait_for(
        lambda m: (
            is_delta(m, comm_id)
            and m["content"]["data"]["content"]["status"].get("learning_rate") == pytest.approx(0.0005)
        ),
        30,
        since=mark,
        what="a delta whose status has learning_rate 0.0005",
    )
    mark = len(kernel.log)
    kernel.click(comm_id, 2, "stop")
    kernel.wait_for(lambda m: is_ack(m, comm_id, 2), 10, since=mark, what="_ack 2")

    result = kernel.run_json(
        "run.wait(timeout=60)\n"
        "_lr = run.monitor.batch_history['learning_rate']\n"
        "print(json.dumps({'lr': float(model.optimizer.learning_rate), 'state': run.state, 'done': run.done,"
        " 'epochs': len(run.history['loss']), 'lr_first': float(_lr.values[0]), 'lr_last': float(_lr.values[-1]),"
        " 'notices': run.monitor.notices}))"
    )
    assert result["lr"] == pytest.approx(0.0005, rel=1e-6)
    assert result["state"] == "stopped" and result["done"] is True
    assert 0 < result["epochs"] < LONG_EPOCHS
    # The per-step learning-rate series shows the change at the step it happened.
    assert result["lr_first"] == pytest.approx(0.001, rel=1e-6)
    assert result["lr_last"] == pytest.approx(0.0005, rel=1e-6)
    assert any("Learning rate set to 0.0005" in n for n in result["notices"]), result["notices"]
    assert any("Stop requested" in n for n in result["notices"]), result["notices"]

    log = kernel.log[start:]
    assert [state_of(m)["controls"] for m in updates(log, comm_id, "controls")][0]["enabled"] is True
    print(f"\n[b] nbkeras.fit returned in {returned_after:.2f} s; stopped after {result['epochs']} epochs")


def test_a_run_cell_shows_its_dashboard_not_a_stale_repr_and_wait_shows_the_final_state(kernel, fresh):
    def shown(msg_id: str) -> list[str]:
        return [
            m["content"]["data"].get("text/plain", "")
            for m in kernel.log
            if m["msg_type"] in ("execute_result", "display_data") and m["parent_header"].get("msg_id") == msg_id
        ]

    fit_id = kernel.execute("run = nbkeras.fit(model, x, y, epochs=3, batch_size=32)\nrun")
    kernel.check_ok(fit_id, kernel.wait_idle(fit_id, timeout=30))
    kernel.drain(0.5)
    assert not [t for t in shown(fit_id) if t.startswith("TrainingRun(")]  # the dashboard says how the run goes
    wait_id = kernel.execute("run.wait(timeout=60)")
    kernel.check_ok(wait_id, kernel.wait_idle(wait_id, timeout=90))
    kernel.drain(0.5)
    (final,) = [t for t in shown(wait_id) if t.startswith("TrainingRun(")]
    assert final.endswith("state='finished', epochs_done=3)"), final


def test_load_ext_fit_prints_no_progress_bar_under_its_dashboard(kernel, fresh):
    def printed(since: int) -> str:  # every stream (the fit runs in a thread: do not trust parent ids)
        return "".join(m["content"]["text"] for m in kernel.log[since:] if m["msg_type"] == "stream")

    kernel.run("%load_ext nbkeras")
    start = len(kernel.log)
    kernel.run("h = model.fit(x, y, epochs=2, batch_size=32)", timeout=90)
    kernel.drain(0.5)
    assert "Epoch 1/2" not in printed(start)
    start = len(kernel.log)
    kernel.run("h = model.fit(x, y, epochs=2, batch_size=32, verbose=2)", timeout=90)
    kernel.drain(0.5)
    assert "Epoch 1/2" in printed(start)  # verbose set by the user: Keras prints as asked


# -- c. a blocking model.fit with a LiveMonitor, no extension: controls shown disabled ----------


def test_blocking_fit_shows_controls_disabled_with_the_reason(kernel, fresh):
    start = len(kernel.log)
    fit_id = kernel.execute(
        "monitor = nbkeras.LiveMonitor()\n"
        "history = model.fit(x, y, epochs=2, batch_size=32, verbose=0, callbacks=[monitor])"
    )
    kernel.check_ok(fit_id, kernel.wait_idle(fit_id, timeout=60))
    log = kernel.log[start:]
    (opened,) = [m for m in log if is_dashboard_open(m)]
    comm_id = opened["content"]["comm_id"]

    controls = [state_of(m)["controls"] for m in updates(log, comm_id, "controls")]
    assert controls, "the dashboard never said whether its controls work"
    first = controls[0]
    assert first["enabled"] is False
    assert "nbkeras.fit" in first["reason"]
    assert controls[-1]["enabled"] is False  # and the finished run keeps them off
    assert len(deltas(log, comm_id)) >= 1  # it still streamed the run

    # The run's end draws a static picture (what a saved notebook shows without a kernel)
    # into the dashboard's picture output, the output right after its own; the dashboard's
    # output is never updated (JupyterLab would re-create the live view).
    displays = [m for m in log if m["msg_type"] == "display_data"]
    (shown,) = [m for m in displays if m["content"]["data"].get(WIDGET_VIEW, {}).get("model_id") == comm_id]
    (picture,) = [m for m in displays if m["content"]["metadata"].get("nbkeras_picture_of") == comm_id]
    assert displays.index(picture) == displays.index(shown) + 1
    assert picture["content"]["data"][WIDGET_VIEW]["model_id"] == ""  # hidden where the widget shows
    (update,) = [m for m in log if m["msg_type"] == "update_display_data"]
    display_id = (picture["content"].get("transient") or {}).get("display_id")
    assert display_id and update["content"]["transient"]["display_id"] == display_id
    assert not (shown["content"].get("transient") or {}).get("display_id")
    assert update["content"]["data"][WIDGET_VIEW]["model_id"] == ""
    svg = picture_svg(update["content"]["data"]["text/html"])
    assert svg is not None and svg.startswith("<svg") and "finished after" in svg

    result = kernel.run_json(
        "print(json.dumps({'live': monitor.controls_live, 'state': monitor.state,"
        " 'same': monitor.history == history.history}))"
    )
    assert result == {"live": False, "state": "finished", "same": True}


# -- d. %unload_ext nbkeras: model.fit is Keras's own again --------------------------------------


def test_unload_ext_restores_plain_fit(kernel, fresh):
    kernel.run("%load_ext nbkeras")
    start = len(kernel.log)
    kernel.run("h1 = model.fit(x, y, epochs=1, batch_size=32, verbose=0)")
    assert sum(is_dashboard_open(m) for m in kernel.log[start:]) == 1  # loaded: one dashboard

    kernel.run("%unload_ext nbkeras")
    start = len(kernel.log)
    result = kernel.run_json(
        "h2 = model.fit(x, y, epochs=1, batch_size=32, verbose=0)\n"
        "print(json.dumps({'type': type(h2).__name__, 'wrapped': hasattr(keras.Model.fit, '__nbkeras_wrapped__'),"
        " 'runner': '__nbkeras_fit_in_thread__' in globals(), 'epochs': len(h2.history['loss'])}))"
    )
    log = kernel.log[start:]
    assert not any(is_dashboard_open(m) for m in log), [describe(m) for m in log if m["msg_type"] == "comm_open"]
    assert not any(m["msg_type"] == "comm_msg" for m in log)
    assert result["type"] == "History" and result["epochs"] == 1
    assert result["wrapped"] is False and result["runner"] is False


# -- e. what the dashboard sends while a run streams ---------------------------------------------


def stream_run(kernel: KernelDriver, fit_args: str, seconds: float) -> dict[str, Any]:
    """Start ``run = nbkeras.fit(model, <fit_args>)``, read iopub for ``seconds`` once the
    first delta came, click Stop; return the dashboard's messages."""
    reset(kernel)
    start = len(kernel.log)
    fit_id = kernel.execute(f"run = nbkeras.fit(model, {fit_args})")
    kernel.check_ok(fit_id, kernel.wait_idle(fit_id, timeout=30))
    opened = kernel.wait_for(is_dashboard_open, 10, since=start, what="TrainingDashboard comm_open")
    comm_id = opened["content"]["comm_id"]
    first = kernel.wait_for(lambda m: is_delta(m, comm_id), 60, since=start, what="first delta")
    kernel.drain(seconds)
    stop_mark = len(kernel.log)
    kernel.click(comm_id, 1, "stop")
    result = kernel.run_json(
        "run.wait(timeout=60)\n"
        "print(json.dumps({'steps': run.monitor.recorder.step, 'epochs': len(run.history['loss']),"
        " 'state': run.state}))"
    )
    kernel.drain(0.5)
    assert result["state"] == "stopped"
    return {
        "comm_id": comm_id,
        "log": kernel.log[start:],
        "streaming": kernel.log[kernel.log.index(first) : stop_mark],  # first delta .. the Stop click
        **result,
    }


@pytest.fixture(scope="module")
def streamed(kernel: KernelDriver) -> dict[str, Any]:
    """The full data set (100 steps per epoch) streamed for ~6 s."""
    return stream_run(kernel, f"x, y, epochs={LONG_EPOCHS}, batch_size=32", seconds=6.0)


@pytest.fixture(scope="module")
def streamed_short_epochs(kernel: KernelDriver) -> dict[str, Any]:
    """Short epochs (10 steps), as in a small teaching notebook, streamed for ~4 s."""
    return stream_run(kernel, f"x[:320], y[:320], epochs={50 * LONG_EPOCHS}, batch_size=32", seconds=4.0)


def max_per_second(dates: list[Any]) -> int:
    """Most messages in any 1-second window [t, t + 1 s)."""
    secs = sorted(d.timestamp() for d in dates)
    best, lo = 0, 0
    for hi, t in enumerate(secs):
        while secs[lo] <= t - 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def test_delta_bytes_do_not_grow_with_the_run(streamed):
    comm_id, log = streamed["comm_id"], streamed["log"]
    ds = deltas(log, comm_id)
    assert len(ds) >= 20, f"only {len(ds)} deltas in ~6 s of training"

    sizes = [sum(buffer_sizes(m)) for m in ds]
    third = len(sizes) // 3
    early, late = max(sizes[:third]), max(sizes[-third:])
    assert late < 4 * early + 1024, f"delta bytes grew with the run: early max {early} B, late max {late} B"
    assert max(sizes) < 16 * 1024

    # Each buffer is float32 [steps..., values...]; a series' deltas never resend a step.
    last_step: dict[str, float] = {}
    for m in ds:
        content = m["content"]["data"]["content"]
        assert len(content["series"]) == len(m["buffers"])
        for key, buf in zip(content["series"], m["buffers"]):
            assert memoryview(buf).nbytes % 8 == 0
            steps, values = unpack_points(bytes(buf))
            assert len(steps) >= 1 and np.all(np.diff(steps) > 0)
            assert steps[0] > last_step.get(key, -1), f"{key}: delta {content['seq']} resends step {steps[0]}"
            last_step[key] = float(steps[-1])
            if key in ("batch/loss", "epoch/loss"):
                assert np.all(np.isfinite(values))
    assert last_step["batch/loss"] <= streamed["steps"]

    # Deltas and snapshots share one sequence: a view can tell when it missed one.
    seqs = [m["content"]["data"]["content"]["seq"] for m in ds]
    seqs += [
        state_of(m)["snapshot"]["seq"] for m in updates(log, comm_id, "snapshot") if state_of(m)["snapshot"]["seq"] > 0
    ]
    assert sorted(seqs) == list(range(1, max(seqs) + 1))
    print(f"\n[e] {len(ds)} deltas over {streamed['steps']} steps; bytes per delta: early max {early}, late max {late}")


def test_dashboard_messages_stay_within_the_update_rate(streamed_short_epochs):
    run = streamed_short_epochs
    comm_id, streaming = run["comm_id"], run["streaming"]
    sent = comm_msgs(streaming, comm_id)
    rate = max_per_second([m["header"]["date"] for m in sent])
    delta_rate = max_per_second([m["header"]["date"] for m in sent if is_delta(m, comm_id)])
    kinds: dict[str, int] = {}
    for m in sent:
        data = m["content"]["data"]
        kind = "delta" if is_delta(m, comm_id) else "update " + ",".join(sorted(data.get("state", {})))
        kinds[kind] = kinds.get(kind, 0) + 1
    seconds = (sent[-1]["header"]["date"] - sent[0]["header"]["date"]).total_seconds()
    print(
        f"\n[e] {len(sent)} messages in {seconds:.1f} s ({run['epochs']} epochs of 10 steps);"
        f" busiest second {rate} (deltas {delta_rate}); {kinds}"
    )
    # update_rate=10/s, plus the odd status/figure update.
    assert rate <= 12, (
        f"{rate} dashboard messages in one second (deltas: {delta_rate}); by kind over {seconds:.1f} s: {kinds}"
    )
