// src/lib/dom.js
function h(tag, props = {}, children = []) {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.text !== void 0) el.textContent = String(props.text);
  if (props.title) el.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, String(v));
  for (const [k, v] of Object.entries(props.on ?? {})) el.addEventListener(k, v);
  for (const child of children) {
    if (child === null || child === void 0 || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return el;
}
function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}
function errorBanner(model) {
  const banner = h("div", { class: "nbk-error", attrs: { role: "alert" } });
  const update = () => {
    const message = model.get("error") || "";
    banner.textContent = message;
    banner.hidden = message === "";
  };
  update();
  model.on("change:error", update);
  return banner;
}
function fmt(v) {
  if (v === null || v === void 0) return "—";
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

// src/lib/channel.js
function channel(model) {
  const pending = /* @__PURE__ */ new Map();
  let inFlight = 0;
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
      pending.delete(key);
      pending.set(key, { action, args });
      pump();
    },
    set(name, value) {
      this.request("set", { name, value }, `set:${name}`);
    },
    dispose() {
      model.off("change:_ack", onAck);
      pending.clear();
    }
  };
}

// src/lib/plotly.js
var CACHE = Symbol.for("nbkeras.plotly");
async function loadPlotly(model) {
  const ref = model.get("_plotly");
  const runtime = await model.widget_manager.get_model(String(ref).replace(/^IPY_MODEL_/, ""));
  const version = runtime.get("version");
  const cache = globalThis[CACHE] ??= /* @__PURE__ */ new Map();
  if (!cache.has(version)) cache.set(version, injectScript(runtime.get("source")));
  return cache.get(version);
}
function injectScript(source) {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const saved = { Plotly: globalThis.Plotly, define: globalThis.define };
  globalThis.define = void 0;
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => {
      const plotly = globalThis.Plotly;
      restore();
      resolve(plotly);
    };
    script.onerror = () => {
      restore();
      reject(new Error("nbkeras: plotly.js failed to load from the kernel's PlotlyRuntime"));
    };
    document.head.appendChild(script);
  });
  function restore() {
    globalThis.define = saved.define;
    if (saved.Plotly === void 0) delete globalThis.Plotly;
    else globalThis.Plotly = saved.Plotly;
    URL.revokeObjectURL(url);
  }
}
function float32Points(view) {
  const arr = new Float32Array(view.buffer, view.byteOffset, view.byteLength / 4);
  return Array.from(arr, (v) => Number.isFinite(v) ? v : null);
}
function fromWire(spec) {
  if (spec instanceof DataView) return float32Points(spec);
  if (Array.isArray(spec)) return spec.map(fromWire);
  if (spec && typeof spec === "object") {
    if (spec.f32 instanceof DataView && Array.isArray(spec.shape) && spec.shape.length === 2) {
      const flat = float32Points(spec.f32);
      const [rows, cols] = spec.shape;
      return Array.from({ length: rows }, (_, r) => flat.slice(r * cols, (r + 1) * cols));
    }
    return Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, fromWire(v)]));
  }
  return spec;
}

// src/lib/smooth.js
function smooth(values, alpha) {
  if (!(alpha > 0)) return values.slice();
  let last = 0;
  let k = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * alpha + (1 - alpha) * v;
    k += 1;
    return last / (1 - alpha ** k);
  });
}

// src/training_dashboard.js
var BROWSER_CAP = 16384;
function unpack(view) {
  const flat = new Float32Array(view.buffer, view.byteOffset, view.byteLength / 4);
  const half = flat.length / 2;
  const x = Array.from(flat.subarray(0, half));
  const y = Array.from(flat.subarray(half), (v) => Number.isFinite(v) ? v : null);
  return { x, y };
}
function bound(s) {
  if (s.x.length <= BROWSER_CAP) return;
  const keep = BROWSER_CAP / 2;
  const cut = s.x.length - keep;
  s.x = s.x.slice(0, cut).filter((_, i) => i % 2 === 0).concat(s.x.slice(cut));
  s.y = s.y.slice(0, cut).filter((_, i) => i % 2 === 0).concat(s.y.slice(cut));
}
function createStore(model) {
  const series = /* @__PURE__ */ new Map();
  const listeners = /* @__PURE__ */ new Set();
  const store = { series, seq: 0, status: model.get("status") || {}, listeners };
  const notify = () => {
    for (const fn of listeners) fn();
  };
  const fromSnapshot = () => {
    const snap = model.get("snapshot") || {};
    series.clear();
    for (const [key, view] of Object.entries(snap.series || {})) series.set(key, unpack(view));
    store.seq = snap.seq || 0;
    store.status = model.get("status") || store.status;
    notify();
  };
  const onMessage = (msg, buffers) => {
    if (!msg || msg.type !== "delta" || msg.seq <= store.seq) return;
    if (msg.seq !== store.seq + 1) {
      model.send({ type: "request", seq: null, action: "resync", args: {} });
      return;
    }
    msg.series.forEach((key, i) => {
      const add = unpack(buffers[i]);
      const s = series.get(key) ?? { x: [], y: [] };
      s.x.push(...add.x);
      s.y.push(...add.y);
      bound(s);
      series.set(key, s);
    });
    store.seq = msg.seq;
    store.status = msg.status || store.status;
    notify();
  };
  fromSnapshot();
  model.on("change:snapshot", fromSnapshot);
  model.on("change:status", () => {
    store.status = model.get("status");
    notify();
  });
  model.on("msg:custom", onMessage);
  return store;
}
var stores = /* @__PURE__ */ new WeakMap();
function storeOf(model) {
  if (!stores.has(model)) stores.set(model, createStore(model));
  return stores.get(model);
}
function duration(seconds) {
  if (seconds === null || seconds === void 0 || !Number.isFinite(seconds)) return "—";
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}:${String(Math.floor(s % 3600 / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
function statusText(st) {
  const parts = [];
  if (st.epoch) parts.push(`epoch ${st.epoch}/${st.epochs ?? "?"}`);
  if (st.step !== void 0) parts.push(`step ${st.step}`);
  if (st.throughput) parts.push(`${Math.round(st.throughput).toLocaleString()} ${st.throughput_unit}`);
  if (st.eta_run !== void 0 && st.state === "running") parts.push(`ETA ${duration(st.eta_run)}`);
  if (st.elapsed !== void 0) parts.push(`elapsed ${duration(st.elapsed)}`);
  if (st.learning_rate) parts.push(`lr ${fmt(st.learning_rate)}`);
  const d = st.device || {};
  if (d.kind) parts.push(`${d.kind}${d.name ? ` (${d.name})` : ""}${d.memory_in_use_bytes ? `, ${(d.memory_in_use_bytes / 2 ** 20).toFixed(0)} MiB in use` : ""}${d.count > 1 ? ` ×${d.count}` : ""}${d.strategy ? `, ${d.strategy}${d.replicas > 1 ? ` (${d.replicas} replicas)` : ""}` : ""}`);
  return parts.join(" · ");
}
function render({ model, el }) {
  const store = storeOf(model);
  const rpc = channel(model);
  const title = h("div", { class: "nbk-card-title nbk-title" });
  const badge = h("span", { class: "nbk-state" });
  const statusLine = h("span", { class: "nbk-status" });
  const progress = h("progress", { class: "nbk-progress", attrs: { max: "1", value: "0" } });
  const notices = h("ul", { class: "nbk-notices" });
  const stop = h("button", { class: "nbk-button nbk-stop", text: "■ Stop", on: { click: () => rpc.request("stop", {}) } });
  const lrInput = h("input", { attrs: { type: "number", step: "any", min: "0", "aria-label": "learning rate" } });
  const lrSet = h("button", { class: "nbk-button nbk-set-lr", text: "set learning rate", on: {
    click: () => rpc.request("set_learning_rate", { value: lrInput.value.trim() === "" ? null : Number(lrInput.value) })
  } });
  const ckpt = h("button", { class: "nbk-button nbk-checkpoint", text: "save checkpoint now", on: { click: () => rpc.request("checkpoint", {}) } });
  const reason = h("span", { class: "nbk-note nbk-controls-reason" });
  const smoothing = h("input", { attrs: { type: "range", min: "0", max: "0.99", step: "0.01", "aria-label": "smoothing" } });
  const smoothingOut = h("output");
  const logScale = h("input", { attrs: { type: "checkbox", "aria-label": "log scale" } });
  const metricsPlot = h("div", { class: "nbk-plot nbk-metrics" });
  const histPlot = h("div", { class: "nbk-plot nbk-histograms" });
  const healthPlot = h("div", { class: "nbk-plot nbk-health" });
  const root = h("div", { class: "nbkeras-widget nbkeras-training-dashboard" }, [
    errorBanner(model),
    h("div", { class: "nbk-row" }, [title, badge, statusLine]),
    progress,
    h("div", { class: "nbk-row nbk-controls" }, [stop, h("label", { class: "nbk-control" }, [lrInput]), lrSet, ckpt, reason]),
    h("div", { class: "nbk-row" }, [
      h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: "smoothing" }), smoothing, smoothingOut]),
      h("label", { class: "nbk-control" }, [logScale, h("span", { class: "nbk-control-name", text: "log scale" })])
    ]),
    notices,
    metricsPlot,
    histPlot,
    healthPlot
  ]);
  el.appendChild(root);
  let smoothingValue = model.get("smoothing");
  let logValue = model.get("log_scale");
  smoothing.value = String(smoothingValue);
  smoothingOut.textContent = String(smoothingValue);
  logScale.checked = logValue;
  smoothing.addEventListener("input", () => {
    smoothingValue = Number(smoothing.value);
    smoothingOut.textContent = smoothing.value;
    rpc.set("smoothing", smoothingValue);
    schedule();
  });
  logScale.addEventListener("change", () => {
    logValue = logScale.checked;
    rpc.set("log_scale", logValue);
    schedule();
  });
  function drawControls() {
    const c = model.get("controls") || {};
    for (const b of [stop, lrSet, ckpt, lrInput]) b.disabled = !c.enabled;
    reason.textContent = c.enabled ? "" : c.reason || "";
  }
  function drawStatus() {
    const st = store.status || {};
    title.textContent = model.get("title");
    badge.textContent = st.state || "";
    badge.dataset.state = st.state || "";
    statusLine.textContent = statusText(st);
    const total = st.epochs && st.steps_per_epoch ? st.epochs * st.steps_per_epoch : null;
    progress.value = total ? Math.min(1, (st.step || 0) / total) : 0;
    if (document.activeElement !== lrInput && st.learning_rate) lrInput.placeholder = fmt(st.learning_rate);
    clear(notices);
    for (const n of st.notices || []) notices.append(h("li", { text: n }));
  }
  let Plotly = null;
  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      drawAll();
    });
  }
  function metricsData() {
    const spec = model.get("metrics_figure") || {};
    const data = (spec.data || []).map((trace) => {
      const meta = trace.meta || {};
      const s = store.series.get(meta.series || meta.smooth) || { x: [], y: [] };
      return { ...trace, x: s.x, y: meta.smooth ? smooth(s.y, smoothingValue) : s.y };
    });
    const layout = structuredClone(spec.layout || {});
    for (const [key, axis] of Object.entries(layout)) {
      if (key.startsWith("yaxis") && axis.title?.text !== "learning rate") axis.type = logValue ? "log" : "linear";
    }
    return { data, layout };
  }
  function drawAll() {
    drawStatus();
    if (!Plotly) return;
    const { data, layout } = metricsData();
    if (data.length) Plotly.react(metricsPlot, data, layout, { responsive: true, displaylogo: false });
    for (const [trait, node] of [["histogram_figure", histPlot], ["health_figure", healthPlot]]) {
      const spec = model.get(trait);
      if (spec && spec.data) {
        const { data: d, layout: l } = fromWire(spec);
        Plotly.react(node, d, l, { responsive: true, displaylogo: false });
      } else if (node.data) {
        Plotly.purge(node);
      }
    }
  }
  const listeners = [
    ["change:controls", drawControls],
    ["change:title change:metrics_figure change:histogram_figure change:health_figure", schedule]
  ];
  for (const [event, fn] of listeners) model.on(event, fn);
  store.listeners.add(schedule);
  drawControls();
  drawStatus();
  loadPlotly(model).then((p) => {
    Plotly = p;
    drawAll();
  });
  return () => {
    for (const [event, fn] of listeners) model.off(event, fn);
    store.listeners.delete(schedule);
    rpc.dispose();
    for (const node of [metricsPlot, histPlot, healthPlot]) if (Plotly) Plotly.purge(node);
  };
}
var training_dashboard_default = {
  initialize({ model }) {
    storeOf(model);
  },
  render
};
export {
  training_dashboard_default as default
};
