// The kernel side of the runs sidebar, seen from the page: one `nbkeras.runs` comm per kernel
// (nbkeras/training/registry.py). The kernel sends a snapshot when the comm opens, then an
// update per changed run (at most 2/s per run), `removed` when a run is dropped (a monitor
// collected before it ran, or the oldest of the ended runs kept after their monitor went:
// registry.py KEEP_ENDED), and a reply to each request. A kernel without nbkeras closes the
// comm at once: it lists nothing until the kernel says hello (it opens a comm on the same
// target when nbkeras's training is imported there, however it was imported), and the comm is
// opened again.
// Closing the page loses nothing in the kernel: the next page opens a new comm and gets a new
// snapshot.
import { Signal } from "@lumino/signaling";

export const TARGET = "nbkeras.runs";
const REQUEST_TIMEOUT_MS = 10000;

/** A finite number, or null (the kernel sends null for NaN/Inf; anything else is not trusted). */
export const num = (value) => (typeof value === "number" && Number.isFinite(value) ? value : null);
const str = (value, fallback = "") => (typeof value === "string" ? value : fallback);

/**
 * One run's summary as the kernel sent it, checked field by field (a kernel is not trusted).
 * @param {any} raw
 */
export function readRun(raw) {
  if (!raw || typeof raw !== "object" || num(raw.id) === null) return null;
  return {
    id: raw.id,
    model: str(raw.model, "model"),
    kind: str(raw.kind),
    state: str(raw.state, "idle"),
    epoch: num(raw.epoch),
    epochs: num(raw.epochs),
    step: num(raw.step),
    steps: num(raw.steps),
    loss: num(raw.loss),
    valLoss: num(raw.val_loss),
    spark: Array.isArray(raw.spark) ? raw.spark.slice(0, 50).map(num) : [],
    cellId: typeof raw.cell_id === "string" ? raw.cell_id : null,
    started: num(raw.started),
    stoppable: raw.stoppable === true,
  };
}

/** The runs of one kernel, through one KernelConnection that handles comms (a notebook's or a console's). */
export class RunsConnection {
  /** @param {import("@jupyterlab/services").Kernel.IKernelConnection} kernel */
  constructor(kernel) {
    this.kernel = kernel;
    /** @type {Map<number, ReturnType<typeof readRun>>} */
    this.runs = new Map();
    this.changed = new Signal(this);
    this.live = false; // a snapshot has arrived on the open comm
    this._comm = null;
    this._seq = 0;
    this._pending = new Map();
    this._retry = false;
    this._disposed = false;
    kernel.iopubMessage.connect(this._onIopub, this);
    kernel.statusChanged.connect(this._onStatus, this);
    kernel.connectionStatusChanged.connect(this._onConnection, this);
    this.open();
  }

  /** Open the comm (once at a time); the kernel answers with a snapshot, or closes it. */
  open() {
    if (this._disposed || this._comm || this.kernel.isDisposed) return;
    let comm;
    try {
      comm = this.kernel.createComm(TARGET);
    } catch {
      return; // a connection that does not handle comms: nothing to list
    }
    this._comm = comm;
    comm.onMsg = (msg) => this._onMessage(msg.content.data);
    comm.onClose = () => {
      if (this._comm === comm) this._lost();
    };
    try {
      const future = comm.open({});
      future.done.catch(() => undefined);
    } catch {
      this._lost();
    }
  }

  /**
   * Ask the kernel: `stop` (args.id), `stop_all` or `resync`; resolves with its reply.
   * @param {"stop" | "stop_all" | "resync"} action
   * @param {Record<string, unknown>} [args]
   * @returns {Promise<{ok: boolean, error: string | null, result: any}>}
   */
  request(action, args = {}) {
    if (!this._comm || !this.live) return Promise.reject(new Error("nbkeras is not connected to this kernel"));
    const seq = ++this._seq;
    const message = { type: "request", seq, action, args };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this._pending.delete(seq);
        reject(new Error(`the kernel did not answer "${action}" within ${REQUEST_TIMEOUT_MS / 1000} s`));
      }, REQUEST_TIMEOUT_MS);
      this._pending.set(seq, { resolve, reject, timer, message });
      this._comm.send(message);
    });
  }

  dispose() {
    if (this._disposed) return;
    this._disposed = true;
    this.kernel.iopubMessage.disconnect(this._onIopub, this);
    this.kernel.statusChanged.disconnect(this._onStatus, this);
    this.kernel.connectionStatusChanged.disconnect(this._onConnection, this);
    const comm = this._comm;
    this._lost();
    if (comm && !comm.isDisposed && !this.kernel.isDisposed) {
      try {
        comm.close();
      } catch {
        /* the kernel is gone */
      }
    }
    Signal.clearData(this);
  }

  _onMessage(data) {
    if (!data || typeof data !== "object") return;
    if (data.type === "snapshot" && Array.isArray(data.runs)) {
      this.runs = new Map();
      for (const raw of data.runs) {
        const run = readRun(raw);
        if (run) this.runs.set(run.id, run);
      }
      this.live = true;
      this._retry = false;
    } else if (data.type === "update") {
      const run = readRun(data.run);
      if (!run) return;
      this.runs.set(run.id, run);
    } else if (data.type === "removed") {
      if (!this.runs.delete(data.id)) return;
    } else if (data.type === "reply") {
      const pending = this._pending.get(data.seq);
      if (pending) {
        this._pending.delete(data.seq);
        clearTimeout(pending.timer);
        pending.resolve({ ok: data.ok === true, error: str(data.error) || null, result: data.result });
      }
      return;
    } else {
      return;
    }
    this.changed.emit(undefined);
  }

  /** The comm is gone (closed by the kernel, a restart, dispose): nothing is listed. */
  _lost() {
    this._comm = null;
    this.live = false;
    for (const { reject, timer } of this._pending.values()) {
      clearTimeout(timer);
      reject(new Error("the kernel closed the nbkeras runs connection"));
    }
    this._pending.clear();
    if (this.runs.size) {
      this.runs = new Map();
      this.changed.emit(undefined);
    }
  }

  /**
   * The kernel registered the target (its hello comm): open ours. The kernel takes the open
   * after the cell that imported nbkeras (one queue), so the snapshot leaves when that cell
   * ends. An open already on its way answers for itself; if it was turned down, once more at idle.
   */
  hello() {
    if (this.live || this._disposed) return;
    this._retry = true;
    this.open();
  }

  _onIopub(_sender, msg) {
    if (this.live || !this._retry) return;
    if (msg.header.msg_type === "status" && msg.content.execution_state === "idle" && !this._comm) {
      this._retry = false;
      this.open();
    }
  }

  /**
   * The page's socket to the kernel came back (the same comm lives on): what was sent while it
   * was down may be lost, so unanswered requests go again (each is idempotent: stop, stop_all,
   * resync; a second reply is ignored) and a resync catches up the runs.
   */
  _onConnection(_sender, status) {
    if (status !== "connected" || !this._comm || !this.live) return;
    for (const { message } of this._pending.values()) this._comm.send(message);
    this._comm.send({ type: "request", seq: ++this._seq, action: "resync", args: {} });
  }

  _onStatus(_sender, status) {
    if (status === "restarting" || status === "autorestarting" || status === "dead") {
      this._lost(); // a new kernel process has no nbkeras yet: its first nbkeras cell reconnects
    }
  }
}

/**
 * Every kernel behind an open notebook or console, one RunsConnection each (a notebook and a
 * console on one kernel share it). `changed` fires when any run changes.
 */
export class RunsHub {
  constructor() {
    this.changed = new Signal(this);
    /** @type {Map<string, {connection: RunsConnection, sources: Map<any, any>}>} */
    this._kernels = new Map();
    this._contexts = new Map(); // sessionContext -> kernel it is counted for
    this._hellos = new Map(); // kernel connection -> its hello handler (comm target TARGET)
  }

  /**
   * Follow a notebook's or console's session context (its kernel may change or restart).
   * @param {import("@jupyterlab/apputils").ISessionContext} context
   */
  watch(context) {
    if (this._contexts.has(context)) return;
    this._contexts.set(context, null);
    const follow = () => this._follow(context);
    context.kernelChanged.connect(follow);
    context.disposed.connect(() => {
      context.kernelChanged.disconnect(follow);
      this._forget(context);
      this._contexts.delete(context);
    });
    follow();
  }

  /** @returns {{kernelId: string, connection: RunsConnection, run: ReturnType<typeof readRun>}[]} */
  runs() {
    const out = [];
    for (const [kernelId, { connection }] of this._kernels) {
      for (const run of connection.runs.values()) out.push({ kernelId, connection, run });
    }
    return out.sort((a, b) => (b.run.started ?? Infinity) - (a.run.started ?? Infinity) || b.run.id - a.run.id);
  }

  /** The notebook or console paths on a kernel (where its runs come from). */
  paths(kernelId) {
    const entry = this._kernels.get(kernelId);
    return entry ? [...entry.sources.keys()].map((c) => c.path).filter(Boolean) : [];
  }

  /** Stop every run that can hear it; resolves with how many were asked. */
  async stopAll() {
    const replies = await Promise.allSettled(
      [...this._kernels.values()].filter((e) => e.connection.live).map((e) => e.connection.request("stop_all")),
    );
    return replies.reduce((n, r) => n + (r.status === "fulfilled" && r.value.ok ? r.value.result.stopped.length : 0), 0);
  }

  _follow(context) {
    this._forget(context);
    const kernel = context.session ? context.session.kernel : null;
    if (!kernel) return;
    this._contexts.set(context, kernel);
    this._listen(kernel);
    let entry = this._kernels.get(kernel.id);
    if (!entry) {
      const connection = new RunsConnection(kernel);
      connection.changed.connect(() => this.changed.emit(undefined));
      entry = { connection, sources: new Map() };
      this._kernels.set(kernel.id, entry);
    }
    entry.sources.set(context, kernel);
    this.changed.emit(undefined);
  }

  /**
   * Hear the kernel's hello on every connection to it (a notebook and a console on one kernel
   * each have one, and each receives the kernel's comm_open): a connection with no handler for
   * the target would turn the kernel's comm down with an error.
   */
  _listen(kernel) {
    if (this._hellos.has(kernel)) return;
    const hello = () => {
      const entry = this._kernels.get(kernel.id);
      if (entry) entry.connection.hello();
    };
    try {
      kernel.registerCommTarget(TARGET, hello);
    } catch {
      return; // a connection that does not handle comms
    }
    this._hellos.set(kernel, hello);
  }

  _unlisten(kernel) {
    const hello = this._hellos.get(kernel);
    if (!hello || [...this._contexts.values()].includes(kernel)) return; // still another's connection
    this._hellos.delete(kernel);
    if (!kernel.isDisposed) kernel.removeCommTarget(TARGET, hello);
  }

  _forget(context) {
    const kernel = this._contexts.get(context);
    if (!kernel) return;
    this._contexts.set(context, null);
    this._unlisten(kernel);
    const entry = this._kernels.get(kernel.id);
    if (!entry) return;
    entry.sources.delete(context);
    if (entry.connection.kernel === kernel) {
      entry.connection.dispose();
      const next = [...entry.sources.values()].find((k) => !k.isDisposed);
      if (next) {
        entry.connection = new RunsConnection(next); // the same kernel through another document
        entry.connection.changed.connect(() => this.changed.emit(undefined));
      } else {
        this._kernels.delete(kernel.id);
      }
    }
    this.changed.emit(undefined);
  }
}
