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
async function bindFigure(model, el, trait) {
  const Plotly = await loadPlotly(model);
  const draw = () => {
    const spec = model.get(trait);
    if (!spec || !spec.data) return;
    const { data, layout } = fromWire(spec);
    Plotly.react(el, data, layout, { responsive: true, displaylogo: false });
  };
  draw();
  model.on(`change:${trait}`, draw);
  return () => {
    model.off(`change:${trait}`, draw);
    Plotly.purge(el);
  };
}

// src/figure_view.js
function render({ model, el }) {
  const plot = h("div", { class: "nbk-plot nbk-figure" });
  el.appendChild(h("div", { class: "nbkeras-widget nbkeras-figure-view" }, [errorBanner(model), plot]));
  const stop = bindFigure(model, plot, "figure");
  return () => stop.then((fn) => fn());
}
var figure_view_default = { render };
export {
  figure_view_default as default
};
