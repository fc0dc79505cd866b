// Request/reply with the kernel (the Python half is nbkeras/widgets/base.py).
//
// Every request is answered by the kernel setting `_ack` to its sequence number, in the
// same state update as its effects. We keep at most one request in flight and, per key,
// only the newest pending value: a slider dragged at 60 events/s while the kernel needs
// 30 ms per update sends ~30 requests, not 60, and the last value always wins.

/**
 * @param {any} model anywidget model proxy
 * @returns {{request: (action: string, args: object, key?: string) => void, set: (name: string, value: any) => void, dispose: () => void}}
 */
export function channel(model) {
  /** @type {Map<string, {action: string, args: object}>} */
  const pending = new Map();
  let inFlight = 0; // seq of the request awaiting its ack, 0 when none
  let seq = model.get("_ack") || 0;

  function pump() {
    if (inFlight !== 0 || pending.size === 0) return;
    const [key, req] = pending.entries().next().value;
    pending.delete(key);
    seq += 1;
    inFlight = seq;
    model.send({ type: "request", seq, action: req.action, args: req.args });
  }

  function onAck() {
    if (model.get("_ack") >= inFlight) {
      inFlight = 0;
      pump();
    }
  }
  model.on("change:_ack", onAck);

  return {
    request(action, args, key = action) {
      pending.delete(key); // re-insert so the newest value is sent, in arrival order
      pending.set(key, { action, args });
      pump();
    },
    set(name, value) {
      this.request("set", { name, value }, `set:${name}`);
    },
    dispose() {
      model.off("change:_ack", onAck);
      pending.clear();
    },
  };
}
