// View of nbkeras.training.dashboard.TrainingDashboard. Points arrive as binary deltas
// (custom messages) and snapshots (synced state) built by nbkeras/training/stream.py;
// the figure layouts come from Python (nbkeras/training/figures.py).
import { h, clear, errorBanner, fmt } from "./lib/dom.js";
import { channel } from "./lib/channel.js";
import { loadPlotly, fromWire } from "./lib/plotly.js";
import { smooth } from "./lib/smooth.js";
import { minMax } from "./lib/decimate.js";
import { redrawLoop } from "./lib/redraw.js";
import { colorLookup, heatmapPixels, imagePlacement, pointsKey } from "./lib/surface_image.js";
import { currentTheme, themeTraces } from "./lib/theme.js";
import { legendRoom, measureText } from "./lib/legend.js";

const BROWSER_CAP = 16384; // points per series kept in the page, whatever the run length
const MAX_DRAWN = 1000; // points per trace drawn (min/max per bucket beyond that)
// Not `responsive`: Plotly would measure its container (a forced layout of the whole
// notebook) on every draw. The view watches its width instead (ResizeObserver).
const PLOT_CONFIG = { responsive: false, displaylogo: false };

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
  const setLearningRate = () => rpc.request("set_learning_rate", { value: lrInput.value.trim() === "" ? null : Number(lrInput.value) });
  const lrSet = h("button", { class: "nbk-button nbk-set-lr", text: "set learning rate", on: { click: setLearningRate } });
  // Enter applies the typed rate as the button does; Escape clears what was typed.
  lrInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); event.stopPropagation(); setLearningRate(); }
    else if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); lrInput.value = ""; }
  });
  const ckpt = h("button", { class: "nbk-button nbk-checkpoint", text: "save checkpoint now", on: { click: () => rpc.request("checkpoint", {}) } });
  const reason = h("span", { class: "nbk-note nbk-controls-reason" });
  const smoothing = h("input", { attrs: { type: "range", min: "0", max: "0.99", step: "0.01", "aria-label": "smoothing" } });
  const smoothingOut = h("output");
  const logScale = h("input", { attrs: { type: "checkbox", "aria-label": "log scale" } });
  const metricsBox = h("div", { class: "nbk-metrics" });
  const surfacePlot = h("div", { class: "nbk-plot nbk-surface" });
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
    notices, metricsBox, surfacePlot, histPlot, healthPlot,
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
    redrawMetrics();
  });
  logScale.addEventListener("change", () => {
    logValue = logScale.checked;
    rpc.set("log_scale", logValue);
    redrawMetrics({ relayout: true });
  });

  function drawControls() {
    const c = model.get("controls") || {};
    for (const b of [stop, lrSet, ckpt, lrInput]) b.disabled = !c.enabled;
    reason.textContent = c.enabled ? "" : c.reason || "";
  }

  // Each chart is a panel of the page's redraw scheduler (lib/redraw.js): only what
  // changed is drawn, on an animation frame, within the page's drawing budget, and not
  // while it is off screen. A metric panel draws at most MAX_DRAWN points per trace
  // (min/max per bucket), so its cost does not grow with the run.
  let Plotly = null;
  const loop = redrawLoop();
  histPlot.dataset.panel = "histograms";
  healthPlot.dataset.panel = "health";
  surfacePlot.dataset.panel = "surface";
  const statusPanel = loop.panel(drawStatus);
  const figures = [["histogram_figure", histPlot], ["health_figure", healthPlot], ["surface_figure", surfacePlot]];
  const figurePanels = figures.map(([trait, node]) => {
    // A figure is decoded once per change of its trait, not once per draw.
    const panel = loop.panel(() => drawFigure(node, panel), node);
    panel.spec = null;
    panel.decode = () => {
      const spec = model.get(trait);
      panel.spec = spec && spec.data ? fromWire(spec) : null;
      node.hidden = !panel.spec; // no figure (no surface for this model, no probe): no room
      loop.mark(panel);
    };
    panel.decode();
    return panel;
  });
  root.__nbkRedrawStats = loop.stats; // read by the browser benchmark and tests

  // The charts' width follows the view's: read from ResizeObserver entries (no forced
  // layout), applied at each panel's next draw.
  let width = 0;
  const resize = new ResizeObserver((entries) => {
    const w = Math.floor(entries[entries.length - 1].contentRect.width);
    if (w <= 0 || w === width) return;
    width = w;
    redrawMetrics({ relayout: true });
    for (const panel of figurePanels) loop.mark(panel, true);
  });
  resize.observe(root);

  /** @type {{spec: any, node: HTMLElement, panel: any, layout: any}[]} */
  let metricPanels = [];
  // One small figure per metric (nbkeras/training/figures.py metric_panels): each is
  // redrawn on its own, so a draw is one panel's work, never all of them at once.
  function buildMetricPanels() {
    const specs = model.get("metric_panels") || [];
    const same = specs.length === metricPanels.length && specs.every((spec, i) => spec.name === metricPanels[i].spec.name);
    if (!same) {
      for (const m of metricPanels) { loop.remove(m.panel); if (Plotly) Plotly.purge(m.node); }
      clear(metricsBox);
      metricPanels = specs.map((spec) => {
        const node = h("div", { class: "nbk-plot nbk-metric", attrs: { "data-panel": `metric:${spec.name}` } });
        metricsBox.append(node);
        const m = { spec, node, panel: null, layout: null, linked: false };
        m.panel = loop.panel(() => drawMetric(m), node);
        return m;
      });
    } else {
      specs.forEach((spec, i) => { metricPanels[i].spec = spec; });
    }
    redrawMetrics({ relayout: true });
  }

  /** Every metric panel drawn at the next frame (a user's action, new layouts, a new width). */
  function redrawMetrics({ relayout = false } = {}) {
    for (const m of metricPanels) {
      if (relayout) m.layout = null;
      loop.mark(m.panel, true);
    }
  }

  function layoutOf(m) {
    if (!m.layout) {
      const layout = structuredClone(m.spec.layout || {});
      if (layout.meta?.log_scale_follows && layout.yaxis) layout.yaxis.type = logValue ? "log" : "linear";
      if (width) layout.width = width;
      m.layout = legendRoom(layout, m.spec.data, width, measureText); // a wrapped legend gets its rows
    }
    return m.layout;
  }

  function drawMetric(m) {
    if (!Plotly) return;
    const data = (m.spec.data || []).map((trace) => {
      const meta = trace.meta || {};
      const s = store.series.get(meta.series || meta.smooth) || { x: [], y: [] };
      const y = meta.smooth ? smooth(s.y, smoothingValue) : s.y;
      return { ...trace, ...minMax(s.x, y, MAX_DRAWN) };
    });
    // A new layout object each draw: Plotly.react compares it with the one it was last given.
    const base = layoutOf(m);
    const range = stepRange();
    // The step axis is the view's to set (the run's extent or the shared zoom): its own
    // uirevision follows the range, so Plotly applies ours instead of the last UI state.
    const xaxis = range ? { range, autorange: false, uirevision: range.join(":") } : { autorange: true, uirevision: "follow" };
    const layout = { ...base, xaxis: { ...base.xaxis, ...xaxis } };
    Plotly.react(m.node, data, layout, PLOT_CONFIG);
    if (!m.linked) { linkZoom(m.node); m.linked = true; } // `.on` exists once Plotly has drawn the node
  }

  // The panels share one step axis: all show the run's steps so far, or the steps the
  // user zoomed to in any of them (double-click: back to following the run).
  let zoom = null;
  function stepRange() {
    if (zoom) return zoom;
    let lo = Infinity;
    let hi = -Infinity;
    for (const m of metricPanels) {
      for (const trace of m.spec.data || []) {
        const s = store.series.get(trace.meta?.series || trace.meta?.smooth);
        if (s && s.x.length) { lo = Math.min(lo, s.x[0]); hi = Math.max(hi, s.x[s.x.length - 1]); }
      }
    }
    return lo < hi ? [lo, hi] : null;
  }
  function linkZoom(node) {
    node.on("plotly_relayout", (ev) => {
      if ("xaxis.range[0]" in ev && "xaxis.range[1]" in ev) zoom = [ev["xaxis.range[0]"], ev["xaxis.range[1]"]];
      else if (Array.isArray(ev["xaxis.range"])) zoom = ev["xaxis.range"].slice();
      else if (ev["xaxis.autorange"]) zoom = null;
      else return;
      redrawMetrics();
    });
  }

  // A figure fills the view's width, or at most its own layout's width where it has one
  // (the decision surface keeps its near-square shape).
  function drawFigure(node, panel) {
    if (!Plotly) return;
    if (!panel.spec) {
      if (node.data) Plotly.purge(node);
      return;
    }
    // At most its own width (the surface), at least its min_width (the health figure: the
    // panel scrolls sideways in a narrower view), else the view's.
    const own = panel.spec.layout.width;
    const least = Number(panel.spec.layout.meta?.min_width) || 0;
    const sized = width ? { ...panel.spec.layout, width: Math.max(least, own ? Math.min(own, width) : width) } : panel.spec.layout;
    const layout = legendRoom(sized, panel.spec.data, sized.width ?? 0, measureText);
    if (node === surfacePlot) {
      if (drawSurfaceImage(node, panel.spec, layout)) return;
      surfaceShown = null; // the heatmap replaces the image: the next image draw is a full one
    }
    Plotly.react(node, panel.spec.data, layout, PLOT_CONFIG);
  }

  // While its run trains, the decision surface is drawn as an image under the points
  // (lib/surface_image.js): a new surface is a relayout of that image and the title, the
  // points are not re-plotted. A full draw (the heatmap, with its hover) once the run is
  // not training, or when the points, the width or the theme changed.
  let surfaceShown = null; // what the image-mode draw on screen was drawn with
  const surfaceCanvas = document.createElement("canvas");
  function drawSurfaceImage(node, spec, layout) {
    const heat = spec.data[0];
    if ((store.status || {}).state !== "running" || !heat || heat.type !== "heatmap") return false;
    const points = spec.data.slice(1);
    const place = imagePlacement(heat.x, heat.y);
    const theme = currentTheme();
    const key = { width: layout.width, theme, points: pointsKey(points), place: Object.values(place).join() };
    const [colors] = themeTraces([heat], theme); // the pale colors mixed toward the theme's paper
    const pixels = heatmapPixels(heat.z, heat.zmin ?? 0, heat.zmax ?? 1, colorLookup(colors.colorscale));
    surfaceCanvas.width = pixels.width;
    surfaceCanvas.height = pixels.height;
    surfaceCanvas.getContext("2d").putImageData(new ImageData(pixels.pixels, pixels.width, pixels.height), 0, 0);
    const image = {
      source: surfaceCanvas.toDataURL(), xref: "x", yref: "y", ...place,
      xanchor: "left", yanchor: "top", sizing: "stretch", layer: "below",
    };
    const same = surfaceShown && Object.keys(key).every((k) => key[k] === surfaceShown[k]);
    // (`images[0]` given whole would add an image: only its source changes.)
    if (same) Plotly.relayout(node, { "images[0].source": image.source, "title.text": layout.title?.text ?? "" });
    else Plotly.react(node, points, { ...layout, images: [image] }, PLOT_CONFIG);
    surfaceShown = key;
    return true;
  }

  let shownStatus = "";
  let shownNotices = "";
  function drawStatus() {
    const st = store.status || {};
    title.textContent = model.get("title");
    badge.textContent = st.state || "";
    badge.dataset.state = st.state || "";
    const text = statusText(st);
    if (text !== shownStatus) statusLine.textContent = shownStatus = text;
    const total = st.epochs && st.steps_per_epoch ? st.epochs * st.steps_per_epoch : null;
    progress.value = total ? Math.min(1, (st.step || 0) / total) : 0;
    if (document.activeElement !== lrInput && st.learning_rate) lrInput.placeholder = fmt(st.learning_rate);
    const list = st.notices || [];
    if (list.join("\n") !== shownNotices) {
      shownNotices = list.join("\n");
      clear(notices);
      for (const n of list) notices.append(h("li", { text: n }));
    }
  }

  let shownState = "";
  const onData = () => {
    loop.mark(statusPanel, true);
    for (const m of metricPanels) loop.mark(m.panel);
    const state = (store.status || {}).state || "";
    if (state !== shownState) {
      // The surface is an image while the run trains, the heatmap (with its hover) after.
      if (shownState === "running" || state === "running") loop.mark(figurePanels[2]);
      shownState = state;
    }
  };
  const listeners = [
    ["change:controls", drawControls],
    ["change:title", () => loop.mark(statusPanel, true)],
    ["change:metric_panels", buildMetricPanels],
    ["change:histogram_figure", figurePanels[0].decode],
    ["change:health_figure", figurePanels[1].decode],
    ["change:surface_figure", figurePanels[2].decode],
  ];
  for (const [event, fn] of listeners) model.on(event, fn);
  store.listeners.add(onData);
  drawControls();
  drawStatus();
  buildMetricPanels();
  loadPlotly(model).then((p) => {
    Plotly = p;
    redrawMetrics();
    for (const panel of figurePanels) loop.mark(panel, true);
  });

  return () => {
    for (const [event, fn] of listeners) model.off(event, fn);
    store.listeners.delete(onData);
    loop.dispose();
    resize.disconnect();
    rpc.dispose();
    for (const node of [...metricPanels.map((m) => m.node), surfacePlot, histPlot, healthPlot]) if (Plotly) Plotly.purge(node);
  };
}

export default {
  initialize({ model }) { storeOf(model); },
  render,
};
