"""The kernel's training runs, for JupyterLab's runs sidebar: comm target ``nbkeras.runs``.

Every :class:`~nbkeras.training.monitor.LiveMonitor` registers here when it is created (all
ways a run starts: ``nbkeras.fit``, a ``LiveMonitor`` passed to ``model.fit``, ``%load_ext
nbkeras``), weakly: the registry never keeps a run alive. The lab extension
(``labextension/src/runs/``) opens a comm on target ``nbkeras.runs``; the kernel answers with
what it has, then keeps it current:

kernel → front end
    ``{"type": "hello"}``, once, on a comm the kernel opens when it registers the target (the
    sidebar answers by opening its own comm; nothing is sent on this one);
    ``{"type": "snapshot", "runs": [summary, ...]}`` on open and on ``resync``;
    ``{"type": "update", "run": summary}`` when a run's summary changed, at most
    :data:`UPDATES_PER_SECOND` per run (a change of state is sent at once);
    ``{"type": "removed", "id": id}`` when a run's monitor is garbage-collected;
    ``{"type": "reply", "seq": seq, "ok": bool, "error": str | None, "result": ...}``.
front end → kernel
    ``{"type": "request", "seq": seq, "action": "stop" | "stop_all" | "resync", "args": {"id": id}}``.

A summary only reads what the run already keeps (its recorder and presenter) and Stop goes
through the run's own :class:`~nbkeras.training.controls.RunControls`: the comm reports runs
and gives the one command nbkeras already validates, nothing else. With no comm open, the
training thread's call (:meth:`RunRegistry.changed`) returns at its first line.
"""

from __future__ import annotations

import itertools
import math
import queue
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

import comm as jupyter_comm  # its create_comm is the kernel's, looked up when called

from nbkeras._validate import check_choice, invalid_value, is_int

TARGET = "nbkeras.runs"
UPDATES_PER_SECOND = 2.0
SPARK_POINTS = 50
ACTIONS = ("stop", "stop_all", "resync")
STOPPABLE_STATES = ("running",)
# Runs whose monitor was garbage-collected after they ended stay listed with their last summary
# (the sidebar lists finished runs too); the oldest beyond this many are removed.
KEEP_ENDED = 20


def _finite(value: Any) -> float | None:
    """A float for JSON: None for a missing, NaN or infinite value."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def spark(values: Any, points: int = SPARK_POINTS) -> list[float | None]:
    """At most ``points`` values: the mean of each of ``points`` equal slices (NaN/inf → None).

    Example:
        >>> spark([1.0, 3.0, 2.0, 4.0], points=2)
        [2.0, 3.0]
    """
    values = [float(v) for v in values]
    if len(values) > points:
        edges = [round(i * len(values) / points) for i in range(points + 1)]
        values = [sum(values[a:b]) / (b - a) for a, b in itertools.pairwise(edges)]
    return [_finite(v) for v in values]


def _kernel_cell_id() -> str | None:
    """The ``cellId`` of the request this thread runs for (JupyterLab and Notebook 7 send it)."""
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        parent = kernel.get_parent() if kernel is not None else None
    except Exception:  # noqa: BLE001 - no kernel, or one without get_parent: no cell to go to
        return None
    cell_id = ((parent or {}).get("metadata") or {}).get("cellId")
    return cell_id if isinstance(cell_id, str) else None


class _Entry:
    """What the registry keeps for one monitor (never the monitor itself)."""

    def __init__(self, run_id: int, ref: weakref.ref[Any], cell_id: str | None) -> None:
        from nbkeras.training.presenter import Throttle  # the presenter's one "enough time passed?" rule

        self.id = run_id
        self.ref = ref
        self.cell_id = cell_id
        self.kind = "callback"
        self.started: float | None = None
        self.throttle = Throttle(1.0 / UPDATES_PER_SECOND)
        self.sent: dict[str, Any] | None = None  # the last summary sent
        self.last_state = ""
        self.final: dict[str, Any] | None = None  # its summary as it ended (kept after the monitor goes)


class RunRegistry:
    """The runs of this kernel and the front ends watching them (see the module docstring).

    Args:
        clock: ``time.perf_counter`` (tests pass a fake one).
    """

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._entries: dict[int, _Entry] = {}
        self._by_monitor: weakref.WeakKeyDictionary[Any, _Entry] = weakref.WeakKeyDictionary()
        self._ids = itertools.count(1)
        self._comms: list[Any] = []
        self._gone: queue.SimpleQueue[int] = queue.SimpleQueue()  # ids whose monitor was collected
        self.sent = 0  # messages sent to front ends (benchmarks)

    # -- monitors ------------------------------------------------------------------------------
    def register(self, monitor: Any) -> int:
        """Track ``monitor`` (weakly); returns its id. Called by ``LiveMonitor.__init__``."""
        with self._lock:
            entry = self._by_monitor.get(monitor)
            if entry is not None:
                return entry.id
            run_id = next(self._ids)
            entry = _Entry(run_id, weakref.ref(monitor), _kernel_cell_id())
            self._entries[run_id] = entry
            self._by_monitor[monitor] = entry
        # A finalizer may run in any thread, inside any code (the garbage collector): it only
        # queues the id; the removal is sent by whoever next holds the lock.
        weakref.finalize(monitor, self._collected, run_id)
        self.changed(monitor, force=True)
        return run_id

    def note_cell(self, monitor: Any) -> None:
        """A fit of ``monitor`` is being prepared in the cell's thread: go-to-cell follows it there."""
        entry = self._by_monitor.get(monitor)
        cell_id = _kernel_cell_id()
        if entry is not None and cell_id is not None:
            entry.cell_id = cell_id

    def began(self, monitor: Any) -> None:
        """A run of ``monitor`` begins (called first thing in ``on_train_begin``, in the training
        thread, before its state reads "running"): when and how. The monitor sends the summary
        once its run is set up (``changed(force=True)``)."""
        entry = self._by_monitor.get(monitor)
        if entry is not None:
            entry.started = time.time()
            entry.kind = _kind(monitor)

    def ids(self) -> list[int]:
        with self._lock:
            self._flush_gone()
            return [i for i, e in self._entries.items() if e.ref() is not None]

    def monitor(self, run_id: Any) -> Any:
        """The monitor with id ``run_id``, or a Keras-worded ValueError naming the ids there are."""
        with self._lock:
            entry = self._entries.get(run_id) if is_int(run_id) and not isinstance(run_id, bool) else None
            monitor = entry.ref() if entry is not None else None
            if monitor is None:
                ids = ", ".join(map(str, self.ids())) or "none (no run in this kernel)"
                raise invalid_value("id", run_id, f"the id of a run in this kernel: {ids}")
            return monitor

    def changed(self, monitor: Any, *, force: bool = False) -> None:
        """The run may have changed: send its summary if a front end watches, it changed, and
        the throttle allows (``force``, or a new state: at once). Cheap with no comm open."""
        if not self._comms:
            return
        entry = self._by_monitor.get(monitor)
        if entry is None:
            return
        state = "starting" if monitor.controls.armed else monitor.state
        if not entry.throttle.due(self._clock(), force=force or state != entry.last_state):
            return
        with self._lock:
            summary = self.summary(monitor, entry)
            if summary != entry.sent:
                entry.sent = summary
                self._broadcast({"type": "update", "run": summary})
            self._flush_gone()

    def ended(self, monitor: Any) -> None:
        """A run of ``monitor`` ended (any way): keep its final summary, which the sidebar lists
        after the monitor itself is garbage-collected, and send it at once."""
        entry = self._by_monitor.get(monitor)
        if entry is not None:
            with self._lock:
                entry.final = dict(self.summary(monitor, entry), stoppable=False)
        self.changed(monitor, force=True)

    def summary(self, monitor: Any, entry: _Entry | None = None) -> dict[str, Any]:
        """What the sidebar shows of one run, read from what the run already keeps."""
        entry = entry or self._by_monitor[monitor]
        presenter, recorder = monitor.presenter, monitor.recorder
        # Between a fit's start and Keras's first hook the run is armed: "starting", never a stale state.
        state = entry.last_state = "starting" if monitor.controls.armed else monitor.state
        history = recorder.history
        batches = recorder.batch_history.get("loss")
        loss = history.get("loss") or ([batches.last_value] if batches is not None and len(batches) else [None])
        running = state in STOPPABLE_STATES
        return {
            "id": entry.id,
            "model": str(getattr(monitor.model, "name", None) or presenter.model_name),
            "kind": entry.kind,
            "state": state,
            "epoch": presenter.epoch + 1 if state not in ("idle", "starting") else 0,
            "epochs": presenter.params.get("epochs"),
            "step": recorder.step,
            "steps": recorder.steps_per_epoch,
            "loss": _finite(loss[-1]),
            "val_loss": _finite((history.get("val_loss") or [None])[-1]),
            "spark": spark(batches.values) if batches is not None else [],
            "cell_id": entry.cell_id,
            "started": entry.started,
            "stoppable": bool(running and monitor.controls_live),
        }

    def summaries(self) -> list[dict[str, Any]]:
        with self._lock:
            self._flush_gone()
            out = []
            for entry in list(self._entries.values()):
                monitor = entry.ref()
                if monitor is not None:
                    entry.sent = self.summary(monitor, entry)
                    out.append(entry.sent)
                elif entry.final is not None:
                    out.append(entry.final)
            return out

    def _collected(self, run_id: int) -> None:
        self._gone.put(run_id)
        if self._lock.acquire(blocking=False):
            try:
                self._flush_gone()
            finally:
                self._lock.release()

    def _flush_gone(self) -> None:
        """Monitors collected: a run that ended stays listed (its final summary), up to
        ``KEEP_ENDED`` of them, oldest removed first; one that never ran goes."""
        if self._gone.empty():  # the common case, on every update sent: nothing to do
            return
        while not self._gone.empty():
            run_id = self._gone.get_nowait()
            entry = self._entries.get(run_id)
            if entry is not None and entry.final is None:
                del self._entries[run_id]
                self._broadcast({"type": "removed", "id": run_id})
        kept = [e for e in self._entries.values() if e.final is not None and e.ref() is None]
        for entry in kept[: max(0, len(kept) - KEEP_ENDED)]:  # ids grow: the first are the oldest
            del self._entries[entry.id]
            self._broadcast({"type": "removed", "id": entry.id})

    # -- front ends ------------------------------------------------------------------------------
    def open(self, comm: Any, msg: Any = None) -> None:
        """The comm target's handler: a front end opened a comm; send it the snapshot."""
        with self._lock:
            self._comms.append(comm)
        comm.on_msg(lambda message: self.handle(comm, message))
        comm.on_close(lambda _message: self._closed(comm))
        self._send(comm, {"type": "snapshot", "runs": self.summaries()})

    def _closed(self, comm: Any) -> None:
        with self._lock:
            if comm in self._comms:
                self._comms.remove(comm)

    def handle(self, comm: Any, message: dict[str, Any]) -> None:
        """A front end's request (a comm message): apply it and reply on the same comm."""
        data = ((message or {}).get("content") or {}).get("data")
        seq = data.get("seq") if isinstance(data, dict) else None
        try:
            if not isinstance(data, dict) or data.get("type") != "request":
                raise invalid_value("message", data, 'a request: {"type": "request", "seq", "action", "args"}')
            args = data.get("args") if isinstance(data.get("args"), dict) else {}
            result = self.request(check_choice("action", data.get("action"), ACTIONS), args, comm)
        except ValueError as exc:
            self._send(comm, {"type": "reply", "seq": seq, "ok": False, "error": str(exc), "result": None})
            return
        self._send(comm, {"type": "reply", "seq": seq, "ok": True, "error": None, "result": result})

    def request(self, action: str, args: dict[str, Any], comm: Any = None) -> Any:
        """Apply one request (``stop`` by ``args["id"]``, ``stop_all``, ``resync``); returns its result."""
        if action == "resync":
            if comm is not None:
                self._send(comm, {"type": "snapshot", "runs": self.summaries()})
            return None
        if action == "stop":
            monitor = self.monitor(args.get("id"))
            return {"stopped": [args["id"]] if self._stop(monitor) else []}
        with self._lock:
            entries = list(self._entries.values())
        stopped = [e.id for e in entries if (m := e.ref()) is not None and self._stop(m)]
        return {"stopped": stopped}

    @staticmethod
    def _stop(monitor: Any) -> bool:
        """Give the run its Stop (applied after its current step) when it trains and can hear it."""
        if monitor.state not in STOPPABLE_STATES:
            return False
        monitor.controls.stop()
        return True

    def _broadcast(self, data: dict[str, Any]) -> None:
        for comm in list(self._comms):
            self._send(comm, data)

    def _send(self, comm: Any, data: dict[str, Any]) -> None:
        self.sent += 1
        comm.send(data)


def _kind(monitor: Any) -> str:
    """How the run was started: ``nbkeras.fit`` (its thread), ``%load_ext`` (a top-level fit the
    kernel awaits: controls live) or ``callback`` (a blocking ``model.fit``)."""
    if threading.current_thread().name.startswith("nbkeras-fit-"):
        return "nbkeras.fit"
    return "%load_ext" if monitor.controls_live else "callback"


registry = RunRegistry()
# The comm this kernel opened to say it answers on TARGET (kept: a collected comm closes itself).
_announcement: Any = None


def register_target() -> bool:
    """Register the comm target ``nbkeras.runs`` with this kernel (once), then announce it:
    the kernel opens a comm on the same target name (``{"type": "hello"}``), and a sidebar
    already connected to this kernel, which found no target when it looked, opens its own comm
    at once (however the user imported nbkeras). False outside a kernel."""
    global _announcement
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        manager = getattr(kernel, "comm_manager", None)
    except ImportError:
        return False
    if manager is None:
        return False
    if manager.targets.get(TARGET) is not registry.open:
        manager.register_target(TARGET, registry.open)
        _announcement = jupyter_comm.create_comm(target_name=TARGET, data={"type": "hello"})
    return True


register_target()
