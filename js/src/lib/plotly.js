// Load plotly.js from the kernel's single PlotlyRuntime model (nbkeras/widgets/runtime.py),
// once per page, without touching a Plotly global the page may already have. Views get it
// *themed*: its `react` and `newPlot` draw every figure in JupyterLab's theme (lib/theme.js).

import { currentTheme, themeLayout, themeTraces } from "./theme.js";
import { redrawLoop } from "./redraw.js";
import { legendRoom, measureText } from "./legend.js";

const CACHE = Symbol.for("nbkeras.plotly");

/**
 * @param {any} model an nbkeras widget model whose `_plotly` references the runtime
 * @returns {Promise<any>} the Plotly object, themed (see `themedPlotly`)
 */
export async function loadPlotly(model) {
  const ref = model.get("_plotly");
  const runtime = await model.widget_manager.get_model(String(ref).replace(/^IPY_MODEL_/, ""));
  const version = runtime.get("version");
  const cache = (globalThis[CACHE] ??= new Map());
  if (!cache.has(version)) cache.set(version, injectScript(runtime.get("source")));
  return themedPlotly(await cache.get(version));
}

const THEMED = new WeakMap();

/**
 * Plotly whose `react` and `newPlot` put the page's theme under each figure's layout
 * (`themeLayout`) and into the traces that follow the paper (`themeTraces`); every other
 * function is Plotly's own. One theme lookup per draw: the
 * theme itself is computed once per theme change.
 * @param {any} Plotly
 * @returns {any}
 */
export function themedPlotly(Plotly) {
  if (!THEMED.has(Plotly)) {
    const draw = (fn) => (gd, data, layout, config) => {
      const theme = currentTheme();
      if (data && !Array.isArray(data) && typeof data === "object") { // react(gd, {data, layout, config})
        return fn(gd, { ...data, data: themeTraces(data.data, theme), layout: themeLayout(data.layout ?? {}, theme) });
      }
      return fn(gd, themeTraces(data, theme), themeLayout(layout ?? {}, theme), config);
    };
    THEMED.set(Plotly, Object.freeze(Object.create(Plotly, {
      react: { value: draw(Plotly.react) },
      newPlot: { value: draw(Plotly.newPlot) },
    })));
  }
  return THEMED.get(Plotly);
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
 * Draw the figure held in a synced trait into `el`, and redraw whenever it changes (at once:
 * a change is a user's action). The figure is also a panel of the page's redraw scheduler,
 * which redraws it when the theme changes (once it is on screen). A horizontal legend above
 * the plots gets the rows it needs at the figure's width (lib/legend.js), again when the
 * width changes the number of rows.
 * @param {any} model
 * @param {HTMLElement} el
 * @param {string} trait name of a trait holding a figure spec ({data, layout})
 * @returns {Promise<() => void>} a function that stops listening
 */
export async function bindFigure(model, el, trait) {
  const Plotly = await loadPlotly(model);
  let figure = null; // decoded once per change of the trait
  let drawnHeight = null;
  const decode = () => {
    const spec = model.get(trait);
    figure = spec && spec.data ? fromWire(spec) : null;
  };
  const layoutAt = (width) => legendRoom(figure.layout, figure.data, width, measureText);
  const draw = () => {
    if (!figure) return;
    const layout = layoutAt(el.clientWidth);
    drawnHeight = layout.height;
    Plotly.react(el, figure.data, layout, { responsive: true, displaylogo: false });
  };
  const changed = () => {
    decode();
    draw();
  };
  const loop = redrawLoop();
  const panel = loop.panel(draw, el);
  // Plotly (responsive) follows the new width itself; a redraw only when the legend's rows change.
  const resize = new ResizeObserver((entries) => {
    const width = Math.floor(entries[entries.length - 1].contentRect.width);
    if (figure && width > 0 && layoutAt(width).height !== drawnHeight) loop.mark(panel, true);
  });
  resize.observe(el);
  changed();
  model.on(`change:${trait}`, changed);
  return () => {
    model.off(`change:${trait}`, changed);
    resize.disconnect();
    loop.dispose();
    Plotly.purge(el);
  };
}
