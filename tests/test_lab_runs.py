"""The runs sidebar's kernel side (``nbkeras/training/registry.py``, comm target ``nbkeras.runs``).

In-process: the front end's comm is a recording comm (``nbkeras.testing``) opened on the
kernel's registry; requests are delivered as the front end's ``comm_msg`` would be. The
real kernel path (target registered, ``cellId`` from the request, Stop heard while
``nbkeras.fit`` trains) is in ``test_registry_in_a_real_kernel``.
"""

from __future__ import annotations

import gc
import json
import math
import queue
import shutil
import subprocess
import time
from pathlib import Path

import comm
import keras
import numpy as np
import pytest

import nbkeras
from nbkeras import datasets
from nbkeras.testing import CommRecorder
from nbkeras.training.registry import TARGET, UPDATES_PER_SECOND, registry, spark

(X, Y), _ = datasets.spirals(n_samples=640, seed=1)


# A real kernel's first cell in the tests below: nbkeras imported, spirals, a compiled model.
KERNEL_SETUP = (
    "import keras, nbkeras\n"
    "from nbkeras import datasets\n"
    "(x, y), _ = datasets.spirals(n_samples=640, seed=1)\n"
    "model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation='relu'),"
    " keras.layers.Dense(2, activation='softmax')], name='spirals_net')\n"
    "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
)


def _model(name="spirals_net"):
    keras.utils.set_random_seed(0)
    m = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(2, activation="softmax")],
        name=name,
    )
    m.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return m


class Frontend:
    """A front end's end of one ``nbkeras.runs`` comm: what it received, and its requests."""

    def __init__(self, wire: CommRecorder) -> None:
        self.wire = wire
        self.comm = comm.create_comm(target_name=TARGET, primary=False)
        self.seq = 0
        registry.open(self.comm, {})

    def received(self, kind: str | None = None) -> list[dict]:
        out = [m.data for m in self.wire.messages if m.comm_id == self.comm.comm_id and m.msg_type == "comm_msg"]
        return [d for d in out if kind is None or d["type"] == kind]

    def request(self, action: str, **args) -> dict:
        self.seq += 1
        data = {"type": "request", "seq": self.seq, "action": action, "args": args}
        self.comm.handle_msg({"content": {"data": data}})
        return [r for r in self.received("reply") if r["seq"] == self.seq][-1]

    def close(self) -> None:
        self.comm.handle_close({"content": {"data": {}}})


@pytest.fixture
def frontend():
    with CommRecorder() as wire:
        fe = Frontend(wire)
        yield fe
        fe.close()
    keras.backend.clear_session()


def _json_ok(data):
    json.dumps(data, allow_nan=False)  # NaN would reach the browser as a string


def test_snapshot_on_open_lists_runs_with_their_values(frontend):
    monitor = nbkeras.LiveMonitor(display="none", histograms=False, probe=None)
    _model().fit(X, Y, epochs=2, batch_size=64, callbacks=[monitor], verbose=0)
    frontend.request("resync")
    (snapshot,) = [s for s in frontend.received("snapshot")][-1:]
    (run,) = [r for r in snapshot["runs"] if r["id"] == registry.register(monitor)]
    _json_ok(snapshot)
    assert set(run) == {
        "id", "model", "kind", "state", "epoch", "epochs", "step", "steps", "loss", "val_loss", "spark",
        "cell_id", "started", "stoppable",
    }  # fmt: skip
    assert run["model"] == "spirals_net"
    assert run["kind"] == "callback" and run["state"] == "finished" and run["stoppable"] is False
    steps = math.ceil(len(X) / 64)
    assert (run["epoch"], run["epochs"], run["step"], run["steps"]) == (2, 2, 2 * steps, steps)
    assert run["loss"] == pytest.approx(monitor.history["loss"][-1])
    assert run["val_loss"] is None
    assert len(run["spark"]) == 2 * steps and run["spark"][0] == pytest.approx(monitor.batch_history["loss"].values[0])
    assert run["started"] == pytest.approx(time.time(), abs=60)


def test_updates_at_most_twice_a_second_and_the_end_at_once(frontend):
    monitor = nbkeras.LiveMonitor(display="none", histograms=False, probe=None)
    run_id = registry.register(monitor)
    start = len(frontend.wire.messages)
    t0 = time.perf_counter()
    _model().fit(X, Y, epochs=12, batch_size=16, callbacks=[monitor], verbose=0)
    wall = time.perf_counter() - t0
    sent = [m for m in frontend.wire.since(start) if m.data.get("type") == "update"]
    ours = [m for m in sent if m.data["run"]["id"] == run_id]
    assert ours[0].data["run"]["state"] == "running" and ours[-1].data["run"]["state"] == "finished"
    assert ours[-1].data["run"]["step"] == 12 * math.ceil(len(X) / 16)
    running = [m for m in ours if m.data["run"]["state"] == "running"]
    gaps = np.diff([m.sent_at for m in running])
    assert len(running) >= 2 and gaps.min() >= 1 / UPDATES_PER_SECOND - 0.01
    assert len(ours) <= wall * UPDATES_PER_SECOND + 3  # the begin, the end, and 2/s between
    for m in ours:
        _json_ok(m.data)


def test_a_run_reads_running_only_once_the_sidebar_knows_how_it_was_started(frontend):
    """A sidebar opening as a run begins (its snapshot taken in the kernel's main thread) must
    never list an ``nbkeras.fit`` run as a blocking "callback" one (no Stop, wrong hint)."""
    kinds = []

    def set_state(self, value):
        if value == "running":
            kinds.append(registry.summary(self)["kind"])
        nbkeras.LiveMonitor.state.fset(self, value)

    watched = type("Watched", (nbkeras.LiveMonitor,), {"state": property(nbkeras.LiveMonitor.state.fget, set_state)})
    monitor = watched(display="none", histograms=False, probe=None)
    nbkeras.fit(_model(), X, Y, epochs=1, batch_size=64, monitor=monitor).wait()
    assert kinds == ["nbkeras.fit"]


def test_stop_by_id_ends_the_run_stopped_with_history_kept(frontend):
    model = _model()
    run = nbkeras.fit(model, X, Y, epochs=500, batch_size=16, monitor=nbkeras.LiveMonitor(display="none"))
    run_id = registry.register(run.monitor)
    deadline = time.time() + 60
    while run.monitor.recorder.step < 50 and time.time() < deadline:
        time.sleep(0.05)
    (listed,) = [r for r in frontend.received("update") if r["run"]["id"] == run_id][-1:]
    assert listed["run"]["kind"] == "nbkeras.fit" and listed["run"]["stoppable"] is True
    reply = frontend.request("stop", id=run_id)
    assert reply == {"type": "reply", "seq": frontend.seq, "ok": True, "error": None, "result": {"stopped": [run_id]}}
    run.wait(60)
    assert run.state == "stopped"
    assert 0 < len(run.history["loss"]) < 500  # the epochs done are kept
    assert model.get_weights()  # and the model keeps its weights
    last = [r["run"] for r in frontend.received("update") if r["run"]["id"] == run_id][-1]
    assert last["state"] == "stopped" and last["stoppable"] is False
    assert last["step"] == run.monitor.recorder.step


def test_stop_all_stops_every_running_run(frontend):
    runs = [
        nbkeras.fit(_model(f"net_{i}"), X, Y, epochs=500, batch_size=16, monitor=nbkeras.LiveMonitor(display="none"))
        for i in range(2)
    ]
    deadline = time.time() + 60
    while any(r.monitor.state != "running" for r in runs) and time.time() < deadline:
        time.sleep(0.05)
    reply = frontend.request("stop_all")
    assert reply["ok"] and sorted(reply["result"]["stopped"]) == sorted(registry.register(r.monitor) for r in runs)
    for r in runs:
        assert r.wait(60).state == "stopped"


def test_unknown_id_and_bad_requests_get_keras_worded_errors(frontend):
    reply = frontend.request("stop", id=987654)
    assert reply["ok"] is False and reply["result"] is None
    assert reply["error"].startswith("Invalid value for argument `id`. Received: id=987654. Expected the id of a run")
    reply = frontend.request("stop", id="1; import os")
    assert "Received: id='1; import os'" in reply["error"]
    reply = frontend.request("stpo", id=1)
    assert reply["error"].startswith("Invalid value for argument `action`. Received: action='stpo'")
    assert reply["error"].endswith("Did you mean one of 'stop', 'stop_all'?")
    frontend.comm.handle_msg({"content": {"data": ["not", "a", "request"]}})
    assert frontend.received("reply")[-1]["ok"] is False and frontend.received("reply")[-1]["seq"] is None


def test_an_ended_run_stays_listed_after_its_monitor_is_collected_and_the_oldest_go(monkeypatch):
    """The sidebar lists finished runs too: ``nbkeras.fit(...)`` not kept in a variable (or a
    re-run cell) lets the monitor go, not the run's last summary. Bounded: KEEP_ENDED of them."""
    from nbkeras.training import registry as registry_module

    monkeypatch.setattr(registry_module, "KEEP_ENDED", 2)
    ids = []
    for name in ("first", "second", "third"):  # no front end is watching while they train
        monitor = nbkeras.LiveMonitor(display="none", histograms=False, probe=None)
        ids.append(registry.register(monitor))
        _model(name).fit(X[:64], Y[:64], epochs=2, batch_size=32, callbacks=[monitor], verbose=0)
        del monitor
        gc.collect()
    with CommRecorder() as wire:
        frontend = Frontend(wire)
        listed = {r["id"]: r for r in frontend.received("snapshot")[-1]["runs"]}
        assert ids[0] not in listed  # the oldest beyond KEEP_ENDED went
        for run_id, name in zip(ids[1:], ("second", "third"), strict=True):
            run = listed[run_id]
            assert (run["model"], run["state"], run["epoch"], run["step"], run["stoppable"]) == (
                name,
                "finished",
                2,
                4,
                False,
            )
            assert run["loss"] is not None and len(run["spark"]) == 4
        reply = frontend.request("stop", id=ids[2])  # nothing left to stop: a clear refusal
        assert reply["ok"] is False and f"Received: id={ids[2]}." in reply["error"]
        frontend.close()
    keras.backend.clear_session()


def test_a_monitor_that_never_ran_is_removed_when_collected(frontend):
    monitor = nbkeras.LiveMonitor(display="none", histograms=False, probe=None)
    run_id = registry.register(monitor)
    assert run_id in registry.ids()
    del monitor
    gc.collect()
    assert {"type": "removed", "id": run_id} in frontend.received("removed")
    assert run_id not in registry.ids()
    reply = frontend.request("stop", id=run_id)
    assert reply["ok"] is False and f"Received: id={run_id}." in reply["error"]


def test_no_comm_no_messages_and_a_closed_comm_hears_nothing():
    with CommRecorder() as wire:
        fe = Frontend(wire)
        fe.close()
        start = len(wire.messages)
        monitor = nbkeras.LiveMonitor(display="none", histograms=False, probe=None)
        _model().fit(X, Y, epochs=1, batch_size=64, callbacks=[monitor], verbose=0)
        assert wire.since(start) == []
    keras.backend.clear_session()


def test_spark_is_bounded_and_json_safe():
    assert spark([1.0, 3.0, 2.0, 4.0], points=2) == [2.0, 3.0]
    values = spark(np.linspace(0, 1, 1000))
    assert len(values) == 50 and values[0] == pytest.approx(np.linspace(0, 1, 1000)[:20].mean())
    assert spark([1.0, math.nan, math.inf]) == [1.0, None, None]


# -- a real kernel -------------------------------------------------------------------------------


def test_registry_in_a_real_kernel():
    """The target is registered by the kernel's nbkeras import; the cell id comes from the
    request that started the run; Stop by id is heard while ``nbkeras.fit`` trains."""
    jupyter_client = pytest.importorskip("jupyter_client")
    pytest.importorskip("ipykernel")
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="python3")
    try:
        msgs: queue.Queue = queue.Queue()
        kernel_opens: list[tuple[str, dict]] = []  # (the cell's code, comm_open content)

        def run(code: str, cell_id: str = "") -> dict:
            msg = kc.session.msg("execute_request", {"code": code, "silent": False, "store_history": True})
            if cell_id:
                msg["metadata"]["cellId"] = cell_id
            kc.shell_channel.send(msg)
            reply = kc.get_shell_msg(timeout=120)
            while True:
                m = kc.get_iopub_msg(timeout=120)
                msgs.put(m)
                if m["msg_type"] == "comm_open":
                    kernel_opens.append((code, m["content"]))
                if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                    if m["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                        break
            return reply

        def comm_data(comm_id: str, timeout: float = 30) -> list[dict]:
            out, end = [], time.time() + timeout
            while time.time() < end:
                try:
                    m = kc.get_iopub_msg(timeout=0.2)
                except queue.Empty:
                    if out:
                        return out
                    continue
                if m["msg_type"] in ("comm_msg", "comm_close") and m["content"]["comm_id"] == comm_id:
                    out.append({"msg_type": m["msg_type"], **m["content"].get("data", {})})
            return out

        def open_comm() -> str:
            msg = kc.session.msg("comm_open", {"comm_id": f"c{time.time_ns()}", "target_name": TARGET, "data": {}})
            kc.shell_channel.send(msg)
            return msg["content"]["comm_id"]

        # Before nbkeras's training is imported there is no target: the kernel closes the comm.
        first = open_comm()
        assert [m["msg_type"] for m in comm_data(first, timeout=10)] == ["comm_close"]

        setup = KERNEL_SETUP
        assert run(setup)["content"]["status"] == "ok"
        assert (
            run("run = nbkeras.fit(model, x, y, epochs=500, batch_size=16)", cell_id="cell-fit")["content"]["status"]
            == "ok"
        )
        # The kernel said hello once, from the cell that first used nbkeras's training (`import
        # nbkeras` alone is lazy): a sidebar that found no target reconnects on it.
        hellos = [(c, o) for c, o in kernel_opens if o["target_name"] == TARGET]
        assert [(c.split(" =")[0], o["data"]) for c, o in hellos] == [("run", {"type": "hello"})], kernel_opens
        comm_id = open_comm()
        seen, end = [], time.time() + 60
        while time.time() < end and not any(r["model"] == "spirals_net" and r["state"] == "running" for r in seen):
            for m in comm_data(comm_id, timeout=2):
                seen += m.get("runs", []) + ([m["run"]] if "run" in m else [])
        listed = [r for r in seen if r["model"] == "spirals_net" and r["state"] == "running"][0]
        assert listed["cell_id"] == "cell-fit" and listed["kind"] == "nbkeras.fit"
        seq = 7
        kc.shell_channel.send(
            kc.session.msg(
                "comm_msg",
                {
                    "comm_id": comm_id,
                    "data": {"type": "request", "seq": seq, "action": "stop", "args": {"id": listed["id"]}},
                },
            )
        )
        end, replies, states = time.time() + 60, [], []
        while time.time() < end and not (replies and "stopped" in states):
            for m in comm_data(comm_id, timeout=2):
                if m.get("type") == "reply":
                    replies.append(m)
                if m.get("type") == "update" and m["run"]["id"] == listed["id"]:
                    states.append(m["run"]["state"])
        assert replies == [{"msg_type": "comm_msg", "type": "reply", "seq": seq, "ok": True, "error": None,
                            "result": {"stopped": [listed["id"]]}}]  # fmt: skip
        assert states[-1] == "stopped"
        reply = run("run.wait(); print(run.state, 0 < len(run.history['loss']) < 500)")
        assert reply["content"]["status"] == "ok"
        printed = ""
        while not msgs.empty():
            m = msgs.get()
            if m["msg_type"] == "stream":
                printed += m["content"]["text"]
        assert "stopped True" in printed

        # %load_ext nbkeras: a top-level model.fit the cell awaits is listed, stoppable, from its cell.
        assert run("%load_ext nbkeras")["content"]["status"] == "ok"
        assert sum(o["target_name"] == TARGET for _, o in kernel_opens) == 1, "hello is said once per kernel"
        fit = kc.session.msg("execute_request", {"code": "h = model.fit(x, y, epochs=500, batch_size=16)"})
        fit["metadata"]["cellId"] = "cell-load-ext"
        kc.shell_channel.send(fit)
        seen, end = [], time.time() + 60
        while time.time() < end and not any(r["cell_id"] == "cell-load-ext" and r["state"] == "running" for r in seen):
            for m in comm_data(comm_id, timeout=2):
                seen += [m["run"]] if "run" in m else []
        awaited = [r for r in seen if r["cell_id"] == "cell-load-ext" and r["state"] == "running"][-1]
        assert (awaited["kind"], awaited["stoppable"]) == ("%load_ext", True)
        data = {"type": "request", "seq": 8, "action": "stop", "args": {"id": awaited["id"]}}
        kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data}))
        assert kc.get_shell_msg(timeout=60)["content"]["status"] == "ok"  # the cell ends, its History kept
        while True:
            m = kc.get_iopub_msg(timeout=30)
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                if m["parent_header"].get("msg_id") == fit["header"]["msg_id"]:
                    break
        assert run("assert 0 < len(h.history['loss']) < 500, h.history")["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_a_stop_is_heard_after_a_front_end_subshell_came_and_went():
    """What ``nbkeras.fit``'s thread sends carries the cell that started it as parent.

    ipykernel 7 routes a front end's messages on a comm to the subshell that last sent on it, as
    its thread sees it; a plain thread sees the last request of *any* shell. Notebook 7 opens
    subshells after a page reload: the runs sidebar's Stop then went to a subshell that no longer
    existed and was dropped (the CI failure of tests/browser/test_runs_panel.py)."""
    jupyter_client = pytest.importorskip("jupyter_client")
    pytest.importorskip("ipykernel")
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="python3")
    try:
        info = kc.kernel_info(reply=True, timeout=30)["content"]
        if "kernel subshells" not in info.get("supported_features", []):
            pytest.skip("this ipykernel has no subshells (the routing this guards against needs them)")

        def execute(code: str, subshell_id: str | None = None) -> dict:
            msg = kc.session.msg("execute_request", {"code": code, "silent": False, "store_history": False})
            if subshell_id:
                msg["header"]["subshell_id"] = subshell_id
            kc.shell_channel.send(msg)
            while True:
                reply = kc.get_shell_msg(timeout=120)
                if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                    return reply

        def control(msg_type: str, content: dict) -> dict:
            msg = kc.session.msg(msg_type, content)
            kc.control_channel.send(msg)
            while True:
                reply = kc.get_control_msg(timeout=30)
                if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                    return reply["content"]

        setup = KERNEL_SETUP + (
            "run = nbkeras.fit(model, x, y, epochs=500, batch_size=16, monitor=nbkeras.LiveMonitor(display='none'))\n"
        )
        assert execute(setup)["content"]["status"] == "ok"
        comm_id = f"c{time.time_ns()}"
        kc.shell_channel.send(kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": TARGET, "data": {}}))

        # A front end's subshell runs a request, then goes; the run's thread sends on meanwhile.
        subshell = control("create_subshell_request", {})["subshell_id"]
        assert execute("1 + 1", subshell_id=subshell)["content"]["status"] == "ok"
        assert control("delete_subshell_request", {"subshell_id": subshell})["status"] == "ok"

        def comm_messages(until, timeout: float) -> list[dict]:
            out, end = [], time.time() + timeout
            while time.time() < end and not until(out):
                try:
                    m = kc.get_iopub_msg(timeout=0.5)
                except queue.Empty:
                    continue
                if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id:
                    out.append(m)
            return out

        updates = comm_messages(lambda out: sum(m["content"]["data"].get("type") == "update" for m in out) >= 3, 30)
        assert all(m["parent_header"].get("subshell_id") is None for m in updates), [
            m["parent_header"] for m in updates
        ]
        run_id = next(m["content"]["data"]["run"]["id"] for m in updates if m["content"]["data"]["type"] == "update")
        data = {"type": "request", "seq": 1, "action": "stop", "args": {"id": run_id}}
        kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data}))
        replies = [
            m["content"]["data"]
            for m in comm_messages(lambda out: any(m["content"]["data"]["type"] == "reply" for m in out), 15)
            if m["content"]["data"]["type"] == "reply"
        ]
        assert replies and replies[0]["ok"] and replies[0]["result"] == {"stopped": [run_id]}, "the Stop was lost"
        assert execute("run.wait(); assert run.state == 'stopped', run.state")["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


# -- the lab extension's other half ----------------------------------------------------------------


def test_shared_copies_never_take_an_existing_name():
    from nbkeras.lab.handlers import shared_names

    names = shared_names("course/01 intro.ipynb")
    assert [next(names) for _ in range(3)] == [
        "course/01 intro.shared.ipynb",
        "course/01 intro.shared-2.ipynb",
        "course/01 intro.shared-3.ipynb",
    ]
    assert next(shared_names("top.ipynb")) == "top.shared.ipynb"


def test_runs_front_end_writes_no_html_and_fetches_nothing():
    """Nothing a kernel sends is read as HTML: the sidebar and status item build text nodes."""
    import re
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "labextension" / "src"
    files = sorted(src.rglob("*.js"))
    assert {"runs/connection.js", "runs/sidebar.js", "runs/status.js", "share.js"} <= {
        str(p.relative_to(src)) for p in files
    }
    for path in files:
        text = path.read_text()
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|DOMParser|eval\(", text), path.name


LAB_TESTS = Path(__file__).resolve().parents[1] / "labextension" / "tests"


def _node_test(name: str) -> str:
    done = subprocess.run(["node", "--test", name], capture_output=True, text=True, timeout=120, cwd=LAB_TESTS)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_sidebar_formatting_under_node():
    """``labextension/tests/runs_format.test.mjs``: progress, loss, part done, sparkline, status run."""
    assert "# pass 5" in _node_test("runs_format.test.mjs")


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.skipif(
    not (LAB_TESTS.parent / "node_modules" / "@lumino" / "signaling").is_dir(),
    reason="the lab extension's packages are not installed (`cd labextension && npm ci`, as .ci/run does)",
)
def test_sidebar_connection_under_node():
    """``labextension/tests/runs_connection.test.mjs``: a kernel without nbkeras is asked once
    until it says hello; every connection to a kernel hears the hello."""
    assert "# pass 3" in _node_test("runs_connection.test.mjs")
