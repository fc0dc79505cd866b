// How the sidebar finds nbkeras in a kernel (labextension/src/runs/connection.js), against a
// kernel connection that behaves as @jupyterlab/services' does for comms: a comm opened on a
// target the kernel has not registered is closed by the kernel; the kernel's own comm_open
// reaches the handler registered for its target on each connection.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Signal } from "@lumino/signaling";

import { RunsConnection, RunsHub, TARGET } from "../src/runs/connection.js";

/** The one kernel process: whether nbkeras registered the target, and the comms opened on it. */
class Kernel {
  constructor(id = "k1") {
    this.id = id;
    this.hasTarget = false;
    this.opens = 0; // comm_open requests that reached the kernel
    this.pending = []; // opens the kernel has not answered yet
    this.connections = [];
  }

  /** nbkeras's training is imported: the target is registered and every connection hears hello. */
  importNbkeras() {
    this.hasTarget = true;
    for (const connection of this.connections) connection.commOpenFromKernel(TARGET);
  }

  /** The kernel answers the opens queued so far (after the cell it was running). */
  answer(runs = []) {
    for (const comm of this.pending.splice(0)) {
      if (this.hasTarget) comm.onMsg({ content: { data: { type: "snapshot", runs } } });
      else comm.onClose({});
    }
  }

  idle() {
    for (const connection of this.connections) {
      connection.iopubMessage.emit({ header: { msg_type: "status" }, content: { execution_state: "idle" } });
    }
  }
}

/** One page-side connection to `kernel` (a notebook's or a console's). */
class Connection {
  constructor(kernel) {
    this.kernel = kernel;
    this.id = kernel.id;
    this.isDisposed = false;
    this.targets = new Map();
    this.errors = [];
    this.iopubMessage = new Signal(this);
    this.statusChanged = new Signal(this);
    this.connectionStatusChanged = new Signal(this);
    kernel.connections.push(this);
  }

  createComm(target) {
    const kernel = this.kernel;
    const comm = {
      target,
      isDisposed: false,
      onMsg: null,
      onClose: null,
      open() {
        kernel.opens += 1;
        kernel.pending.push(comm);
        return { done: Promise.resolve() };
      },
      send() {},
      close() {},
    };
    return comm;
  }

  registerCommTarget(target, handler) {
    this.targets.set(target, handler);
  }

  removeCommTarget(target, handler) {
    if (this.targets.get(target) === handler) this.targets.delete(target);
  }

  /** What services does with a kernel's comm_open: the target's handler, or an error and a close. */
  commOpenFromKernel(target) {
    const handler = this.targets.get(target);
    if (handler) handler({ target }, {});
    else this.errors.push(`no handler for ${target}`);
  }
}

const running = { id: 1, model: "spirals_net", state: "running", epoch: 3, epochs: 40 };

test("a kernel without nbkeras is asked once, however many cells run, until it says hello", () => {
  const kernel = new Kernel();
  const hub = new RunsHub();
  const connection = new Connection(kernel);
  hub.watch(fakeContext(connection));
  assert.equal(kernel.opens, 1);
  kernel.answer(); // no target: closed
  for (let i = 0; i < 5; i++) kernel.idle();
  assert.equal(kernel.opens, 1, "idle cells without a hello open nothing (each failed open is a kernel log line)");
  assert.deepEqual(hub.runs(), []);

  kernel.importNbkeras(); // e.g. `import nbkeras as nk` then `nk.fit(...)`: no word of it is needed
  assert.equal(kernel.opens, 2);
  kernel.answer([running]);
  assert.deepEqual(
    hub.runs().map((r) => [r.run.model, r.run.state]),
    [["spirals_net", "running"]],
  );
  kernel.idle();
  assert.equal(kernel.opens, 2, "a live connection opens nothing more");
  assert.deepEqual(connection.errors, []);
});

test("a hello while an open is on its way: that open answers, or one more at idle", () => {
  const kernel = new Kernel();
  const connection = new RunsConnection(new Connection(kernel));
  assert.equal(kernel.opens, 1); // on its way, not answered yet
  connection.hello();
  assert.equal(kernel.opens, 1, "one open at a time");
  kernel.answer(); // it reached the kernel before the target: closed
  kernel.hasTarget = true;
  kernel.idle();
  assert.equal(kernel.opens, 2, "once more at idle");
  kernel.answer([running]);
  assert.equal(connection.live, true);
  assert.deepEqual([...connection.runs.keys()], [1]);

  const stubborn = new Kernel("k2");
  new RunsConnection(new Connection(stubborn)).hello();
  stubborn.answer(); // turned down again (cannot happen after a real hello)
  stubborn.idle();
  stubborn.answer();
  stubborn.idle();
  stubborn.idle();
  assert.equal(stubborn.opens, 2, "one retry per hello, never a loop");
});

test("every connection to a kernel hears its hello; a closed document takes its handler with it", () => {
  const kernel = new Kernel();
  const hub = new RunsHub();
  const notebook = new Connection(kernel);
  const console_ = new Connection(kernel);
  const notebookContext = fakeContext(notebook);
  hub.watch(notebookContext);
  hub.watch(fakeContext(console_));
  kernel.answer();
  assert.deepEqual([notebook.targets.has(TARGET), console_.targets.has(TARGET)], [true, true]);

  notebookContext.dispose(); // the notebook closes; the console stays on the kernel
  assert.equal(notebook.targets.has(TARGET), false);
  kernel.answer(); // the console's connection replaced the notebook's: its own open, no target yet
  const opens = kernel.opens;
  kernel.importNbkeras();
  assert.equal(kernel.opens, opens + 1);
  kernel.answer([running]);
  assert.equal(hub.runs().length, 1);
  assert.deepEqual([notebook.errors, console_.errors], [[], []]);
});

/** A session context whose kernel is `connection` (what the hub watches). */
function fakeContext(connection) {
  const context = {
    path: `${connection.id}.ipynb`,
    session: { kernel: connection },
    kernelChanged: new Signal({}),
    disposed: new Signal({}),
    dispose() {
      context.disposed.emit(undefined);
      const kernel = connection.kernel;
      kernel.connections = kernel.connections.filter((c) => c !== connection); // its socket closed
      connection.isDisposed = true;
    },
  };
  return context;
}
