// View of nbkeras.training.dashboard.TrainingDashboard. Points arrive as binary deltas
// (custom messages) and snapshots (synced state) built by nbkeras/training/stream.py;
// the figure layouts come from Python (nbkeras/training/figures.py).
import { h, clear, errorBanner, fmt } from "./lib/dom.js";
import { channel } from "./lib/channel.js";
import { loadPlotly, fromWire } from "./lib/plotly.js";
import { smooth } from "./lib/smooth.js";

const BROWSER_CAP = 16384; // points per series kept in the page, whatever the run length

/** @param {DataView} view @returns {{x: number[], y: (number|null)[]}} */
function unpack(view) {
  const flat = new Float32Array(view.buffer, view.byteOffset, view.byteLength / 4);
  const half = flat.length / 2;
  const x = Array.from(flat.subarray(0, half));
  const y = Array.from(flat.subarray(half), (v) => (Number.isFinite(v) ? v : null));
  return { x, y };
}

/** Keep every other old point when a series outgrows the cap (the kernel resyncs anyway). */
function bound(s) {
  if (s.x.length <= BROWSER_CAP) return;
  const keep = BROWSER_CAP / 2;
  const cut = s.x.length - keep;
  s.x = s.x.slice(0, cut).filter((_, i) => i % 2 === 0).concat(s.x.slice(cut));
  s.y = s.y.slice(0, cut).filter((_, i) => i % 2 === 0).concat(s.y.slice(cut));
}

/**
 * One store per model, created when the model is (anywidget `initialize`), so every
 * delta is kept even before a view renders.
 * @param {any} model
 */
function createStore(model) {
  /** @type {Map<string, {x: number[], y: (number|null)[]}>} */
  const series = new Map();
  const listeners = new Set();
  const store = { series, seq: 0, status: model.get("status") || {}, listeners };
  const notify = () => { for (const fn of listeners) fn(); };
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
      // A gap (this page missed messages): ask for a snapshot; until it comes, keep what we have.
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
  model.on("change:status", () => { store.status = model.get("status"); notify(); });
  model.on("msg:custom", onMessage);
  return store;
}

const stores = new WeakMap();
function storeOf(model) {
  if (!stores.has(model)) stores.set(model, createStore(model));
  return stores.get(model);
}

function duration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function statusText(st) {
  const parts = [];
  if (st.epoch) parts.push(`epoch ${st.epoch}/${st.epochs ?? "?"}`);
  if (st.step !== undefined) parts.push(`step ${st.step}`);
  if (st.throughput) parts.push(`${Math.round(st.throughput).toLocaleString()} ${st.throughput_unit}`);
  if (st.eta_run !== undefined && st.state === "running") parts.push(`ETA ${duration(st.eta_run)}`);
  if (st.elapsed !== undefined) parts.push(`elapsed ${duration(st.elapsed)}`);
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
    click: () => rpc.request("set_learning_rate", { value: lrInput.value.trim() === "" ? null : Number(lrInput.value) }),
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
      h("label", { class: "nbk-control" }, [logScale, h("span", { class: "nbk-control-name", text: "log scale" })]),
    ]),
    notices, metricsPlot, histPlot, healthPlot,
  ]);
  el.appendChild(root);

  // View settings start from the kernel's values; they act at once in the page (the
  // kernel may be busy running fit) and are sent so the Python attributes follow.
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
  logScale.addEventListener("change", () => { logValue = logScale.checked; rpc.set("log_scale", logValue); schedule(); });

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
    requestAnimationFrame(() => { pending = false; drawAll(); });
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
    ["change:title change:metrics_figure change:histogram_figure change:health_figure", schedule],
  ];
  for (const [event, fn] of listeners) model.on(event, fn);
  store.listeners.add(schedule);
  drawControls();
  drawStatus();
  loadPlotly(model).then((p) => { Plotly = p; drawAll(); });

  return () => {
    for (const [event, fn] of listeners) model.off(event, fn);
    store.listeners.delete(schedule);
    rpc.dispose();
    for (const node of [metricsPlot, histPlot, healthPlot]) if (Plotly) Plotly.purge(node);
  };
}

export default {
  initialize({ model }) { storeOf(model); },
  render,
};
