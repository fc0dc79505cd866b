// Request/reply with the kernel (the Python half is nbkeras/widgets/base.py).
//
// Every request is answered by the kernel setting `_ack` to its sequence number, in the
// same state update as its effects. We keep at most one request in flight and, per key,
// only the newest pending value: a slider dragged at 60 events/s while the kernel needs
// 30 ms per update sends ~30 requests, not 60, and the last value always wins.
//
// Some answers have a second part: slow, secondary work the kernel sends in its own
// message right after the answer (`_defer` in base.py: the explorer's depth panel). With
// `settle: "<action>"` the channel follows the last answer with a request for that
// action, which the kernel answers without doing anything; as the kernel handles
// messages in order, its answer means every deferred part before it has been sent.

/**
 * What the channel is waiting for, given to `onActivity` listeners.
 * @typedef {{waiting: string[], settling: boolean}} Activity
 *   waiting: keys of the requests sent and not answered yet, or not sent yet;
 *   settling: the last answer may still be followed by deferred work (only with `settle`).
 */

/**
 * @param {any} model anywidget model proxy
 * @param {{settle?: string}} [options] settle: the action the kernel answers with nothing
 *   (see above); without it, `settling` is always false.
 * @returns {{request: (action: string, args: object, key?: string) => void,
 *            set: (name: string, value: any) => void,
 *            queued: (key: string) => boolean,
 *            activity: () => Activity,
 *            onActivity: (listener: (a: Activity) => void) => () => void,
 *            dispose: () => void}}
 */
export function channel(model, options = {}) {
  const SETTLE_KEY = "\u0000settle";
  /** @type {Map<string, {action: string, args: object}>} */
  const pending = new Map();
  let inFlight = 0; // seq of the request awaiting its ack, 0 when none
  let inFlightKey = null;
  let settling = false;
  let seq = model.get("_ack") || 0;
  /** @type {Set<(a: Activity) => void>} */
  const listeners = new Set();
  let last = "";

  function activity() {
    const waiting = [...pending.keys()];
    if (inFlightKey !== null && inFlightKey !== SETTLE_KEY) waiting.unshift(inFlightKey);
    return { waiting: waiting.filter((k) => k !== SETTLE_KEY), settling };
  }

  function notify() {
    if (listeners.size === 0) return;
    const now = activity();
    const text = JSON.stringify(now);
    if (text === last) return;
    last = text;
    for (const fn of listeners) fn(now);
  }

  function pump() {
    if (inFlight !== 0 || pending.size === 0) return;
    const [key, req] = pending.entries().next().value;
    pending.delete(key);
    seq += 1;
    inFlight = seq;
    inFlightKey = key;
    model.send({ type: "request", seq, action: req.action, args: req.args });
  }

  function onAck() {
    if (inFlight === 0 || model.get("_ack") < inFlight) return;
    const answered = inFlightKey;
    inFlight = 0;
    inFlightKey = null;
    if (options.settle) {
      settling = answered !== SETTLE_KEY;
      if (settling && pending.size === 0) pending.set(SETTLE_KEY, { action: options.settle, args: {} });
    }
    pump();
    notify();
  }
  model.on("change:_ack", onAck);

  return {
    request(action, args, key = action) {
      pending.delete(key); // re-insert so the newest value is sent, in arrival order
      pending.set(key, { action, args });
      pump();
      notify();
    },
    set(name, value) {
      this.request("set", { name, value }, `set:${name}`);
    },
    /** Whether a value for `key` waits to be sent (a newer one than any shown). */
    queued(key) {
      return pending.has(key);
    },
    activity,
    onActivity(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      model.off("change:_ack", onAck);
      pending.clear();
      listeners.clear();
    },
  };
}
