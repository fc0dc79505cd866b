// Load plotly.js from the kernel's single PlotlyRuntime model (nbkeras/widgets/runtime.py),
// once per page, without touching a Plotly global the page may already have.

const CACHE = Symbol.for("nbkeras.plotly");

/**
 * @param {any} model an nbkeras widget model whose `_plotly` references the runtime
 * @returns {Promise<any>} the Plotly object
 */
export async function loadPlotly(model) {
  const ref = model.get("_plotly");
  const runtime = await model.widget_manager.get_model(String(ref).replace(/^IPY_MODEL_/, ""));
  const version = runtime.get("version");
  const cache = (globalThis[CACHE] ??= new Map());
  if (!cache.has(version)) cache.set(version, injectScript(runtime.get("source")));
  return cache.get(version);
}

/**
 * @param {DataView} source plotly.min.js bytes
 * @returns {Promise<any>}
 */
function injectScript(source) {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const saved = { Plotly: globalThis.Plotly, define: globalThis.define };
  // plotly.min.js is a UMD bundle: with an AMD loader on the page (classic Notebook, some
  // VS Code setups) it would register itself there instead of returning to us.
  globalThis.define = undefined;
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
    if (saved.Plotly === undefined) delete globalThis.Plotly;
    else globalThis.Plotly = saved.Plotly;
    URL.revokeObjectURL(url);
  }
}

/**
 * A Float32 array from a binary trait value (bytes in Python arrive as DataView).
 * Non-finite values become null, which Plotly draws as a gap.
 * @param {DataView} view
 * @returns {(number | null)[]}
 */
export function float32Points(view) {
  const arr = new Float32Array(view.buffer, view.byteOffset, view.byteLength / 4);
  return Array.from(arr, (v) => (Number.isFinite(v) ? v : null));
}

/**
 * Turn a figure spec from the kernel (nbkeras/widgets/figure.py `to_wire`) into one
 * Plotly accepts: DataView -> array, {f32, shape} -> rows of arrays.
 * @param {any} spec
 * @returns {any}
 */
export function fromWire(spec) {
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

/**
 * Draw the figure held in a synced trait into `el`, and redraw whenever it changes.
 * @param {any} model
 * @param {HTMLElement} el
 * @param {string} trait name of a trait holding a figure spec ({data, layout})
 * @returns {Promise<() => void>} a function that stops listening
 */
export async function bindFigure(model, el, trait) {
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
