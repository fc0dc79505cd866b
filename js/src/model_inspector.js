// View of nbkeras.ModelInspector (nbkeras/inspect/inspector.py): an Errors tab and a Layers tab.
//
// Every number and every figure comes from the kernel. A click on a confusion-matrix cell
// asks the kernel for that cell's examples ("select_cell": it only selects among numbers
// computed once); a layer or example pick is a "set" the kernel answers with new figures.
// Thumbnails arrive as one uint8 buffer per gallery and are drawn to <canvas>.
import { h, clear, errorBanner, fmt, busyMarker } from "./lib/dom.js";
import { channel } from "./lib/channel.js";
import { bindField } from "./lib/fields.js";
import { loadPlotly, fromWire } from "./lib/plotly.js";
import { redrawLoop } from "./lib/redraw.js";

const STYLE_ID = "nbkeras-model-inspector-style";
const CSS = `
.nbkeras-model-inspector .nbk-mi-tabs { display: flex; gap: 2px; border-bottom: 1px solid var(--jp-border-color2, #ddd); margin: 2px 0 8px; }
.nbkeras-model-inspector .nbk-mi-tab { border: 1px solid transparent; border-bottom: none; background: none; color: inherit;
  font: inherit; padding: 3px 12px; cursor: pointer; border-radius: 3px 3px 0 0; }
.nbkeras-model-inspector .nbk-mi-tab[aria-selected="true"] { border-color: var(--jp-border-color2, #ddd);
  background: var(--jp-layout-color1, #fff); font-weight: 600; margin-bottom: -1px; }
.nbkeras-model-inspector .nbk-mi-top { display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: flex-start; }
.nbkeras-model-inspector .nbk-plot.nbk-mi-matrix { flex: 0 0 auto; width: auto; min-height: 0; }
.nbkeras-model-inspector .nbk-plot.nbk-mi-fig { min-height: 0; }
.nbkeras-model-inspector table.nbk-mi-metrics { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.92em; margin-top: 40px; }
.nbkeras-model-inspector table.nbk-mi-metrics th, .nbkeras-model-inspector table.nbk-mi-metrics td { padding: 1px 8px; text-align: right; }
.nbkeras-model-inspector table.nbk-mi-metrics th { font-weight: 600; border-bottom: 1px solid var(--jp-border-color2, #ddd); }
.nbkeras-model-inspector table.nbk-mi-metrics th:first-child, .nbkeras-model-inspector table.nbk-mi-metrics td:first-child { text-align: left; }
.nbkeras-model-inspector .nbk-mi-gallery { margin-top: 6px; }
.nbkeras-model-inspector .nbk-mi-items { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 4px; }
.nbkeras-model-inspector .nbk-mi-item { display: flex; flex-direction: column; align-items: center; gap: 2px;
  border: 1px solid var(--jp-border-color2, #ddd); border-radius: 3px; padding: 3px; background: none;
  color: inherit; font: inherit; cursor: pointer; }
.nbkeras-model-inspector .nbk-mi-item:hover { background: var(--jp-layout-color2, #eef1f5); }
.nbkeras-model-inspector .nbk-mi-item canvas { width: 64px; height: auto; image-rendering: pixelated; background: #000; }
.nbkeras-model-inspector .nbk-mi-caption { display: flex; flex-direction: column; align-items: center; font-size: 0.8em; line-height: 1.25; }
.nbkeras-model-inspector .nbk-mi-label { font-weight: 600; }
.nbkeras-model-inspector .nbk-mi-detail { color: var(--jp-ui-font-color2, #666); white-space: nowrap; }
.nbkeras-model-inspector .nbk-mi-item.nbk-mi-text { align-items: flex-start; text-align: left; max-width: 100%; }
.nbkeras-model-inspector .nbk-mi-item.nbk-mi-text .nbk-mi-caption { flex-direction: row; gap: 8px; }
.nbkeras-model-inspector .nbk-mi-controls { margin-bottom: 4px; }
.nbkeras-model-inspector .nbk-mi-controls select { max-width: 16em; }
`;

function ensureStyle() {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = CSS;
  document.head.append(style);
}

/**
 * Draw thumbnail `index` of a gallery's uint8 pixels (n, height, width, 1 or 3) into `canvas`.
 * @param {HTMLCanvasElement} canvas
 * @param {DataView} pixels
 * @param {number[]} shape [n, height, width, channels]
 * @param {number} index
 */
export function drawThumbnail(canvas, pixels, shape, index) {
  const [, height, width, channels] = shape;
  const size = height * width * channels;
  const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset + index * size, size);
  canvas.width = width;
  canvas.height = height;
  const image = new ImageData(width, height);
  for (let p = 0; p < width * height; p += 1) {
    const at = p * channels;
    const grey = channels === 1;
    image.data[4 * p] = bytes[at];
    image.data[4 * p + 1] = grey ? bytes[at] : bytes[at + 1];
    image.data[4 * p + 2] = grey ? bytes[at] : bytes[at + 2];
    image.data[4 * p + 3] = 255;
  }
  canvas.getContext("2d").putImageData(image, 0, 0);
}

function render({ model, el }) {
  ensureStyle();
  const ch = channel(model);
  const loop = redrawLoop();
  const cleanups = [];
  const on = (name, fn) => {
    model.on(`change:${name}`, fn);
    cleanups.push(() => model.off(`change:${name}`, fn));
  };
  let plotly = null;

  /** A figure trait drawn into its own div through the page's redraw scheduler. */
  function figurePanel(trait, cls, name, onFirstDraw) {
    const node = h("div", { class: `nbk-plot ${cls}`, attrs: { "data-panel": name } });
    let hooked = false;
    const draw = () => {
      const spec = trait();
      node.hidden = !spec || !spec.data;
      if (!plotly || node.hidden) return;
      node.style.minHeight = "";
      const { data, layout } = fromWire(spec);
      plotly.react(node, data, layout, { responsive: true, displaylogo: false });
      if (!hooked && onFirstDraw) {
        hooked = true;
        onFirstDraw(node);
      }
    };
    const panel = loop.panel(draw, node);
    const mark = (urgent = false) => loop.mark(panel, urgent);
    const spec = trait();
    node.hidden = !spec || !spec.data;
    // Until the scheduler draws it (on screen), the panel keeps the figure's height: no jumps.
    if (!node.hidden && spec.layout?.height) node.style.minHeight = `${spec.layout.height}px`;
    return { node, mark };
  }

  // ---- tabs -------------------------------------------------------------------------------
  const errorsTab = h("button", { class: "nbk-mi-tab", text: "Errors", attrs: { role: "tab", type: "button" } });
  const layersTab = h("button", { class: "nbk-mi-tab", text: "Layers", attrs: { role: "tab", type: "button" } });
  const errorsSection = h("div", { class: "nbk-mi-section nbk-mi-errors", attrs: { role: "tabpanel" } });
  const layersSection = h("div", { class: "nbk-mi-section nbk-mi-layers", attrs: { role: "tabpanel" } });
  function showTab(which) {
    const errors = which === "errors";
    errorsTab.setAttribute("aria-selected", String(errors));
    layersTab.setAttribute("aria-selected", String(!errors));
    errorsSection.hidden = !errors;
    layersSection.hidden = errors;
  }
  errorsTab.addEventListener("click", () => showTab("errors"));
  layersTab.addEventListener("click", () => showTab("layers"));

  // ---- Errors -------------------------------------------------------------------------------
  const summary = h("p", { class: "nbk-note nbk-mi-summary" });
  const drawSummary = () => {
    const s = model.get("summary") || {};
    const parts = [`${s.examples} examples`];
    if (model.get("task") === "classification") {
      parts.push(`accuracy ${(100 * s.accuracy).toFixed(1)} %`, `macro F1 ${fmt(s.macro_f1)}`, `${s.mistakes} mistakes`);
      parts.push("click a cell of the matrix to see its examples");
    } else {
      parts.push(`MSE ${(s.mse || []).map(fmt).join(", ")}`, `MAE ${(s.mae || []).map(fmt).join(", ")}`);
      parts.push(`R² ${(s.r2 || []).map(fmt).join(", ")}`);
    }
    summary.textContent = parts.join(" · ");
  };

  const matrix = figurePanel(
    () => model.get("errors_figure"),
    model.get("task") === "classification" ? "nbk-mi-matrix" : "nbk-mi-fig",
    "errors",
    (node) => {
      if (model.get("task") !== "classification") return;
      node.on("plotly_click", (event) => {
        const point = event?.points?.[0];
        const cell = point?.pointNumber ?? point?.pointIndex;
        if (!Array.isArray(cell)) return;
        const [row, col] = cell;
        ch.request("select_cell", { true_class: row, predicted_class: col });
      });
    },
  );

  const metrics = h("table", { class: "nbk-mi-metrics" });
  const drawMetrics = () => {
    clear(metrics);
    const table = model.get("metrics_table") || {};
    metrics.hidden = !table.columns;
    if (!table.columns) return;
    metrics.append(h("tr", {}, table.columns.map((c) => h("th", { text: c }))));
    for (const row of table.rows) {
      const [label, precision, recall, f1, support] = row;
      const tr = h("tr", {}, [
        h("td", { text: label }),
        ...[precision, recall, f1].map((v) => h("td", { text: v === null ? "n/a" : v.toFixed(3) })),
        h("td", { text: String(support) }),
      ]);
      metrics.append(tr);
    }
  };

  function gallery(trait, name) {
    const title = h("div", { class: "nbk-section nbk-mi-gallery-title" });
    const items = h("div", { class: "nbk-mi-items" });
    const box = h("div", { class: "nbk-mi-gallery", attrs: { "data-gallery": name } }, [title, items]);
    const pointsPanel = figurePanel(() => model.get(trait)?.figure, "nbk-mi-fig", `${name}-points`);
    box.append(pointsPanel.node);
    const draw = () => {
      const g = model.get(trait) || {};
      const shown = (g.indices || []).length;
      title.textContent = g.title === undefined ? "" : `${g.title}: ${g.total} example${g.total === 1 ? "" : "s"}` +
        (shown < g.total ? ` (the first ${shown}, highest loss first)` : "");
      clear(items);
      (g.indices || []).forEach((index, k) => {
        const caption = h("span", { class: "nbk-mi-caption" }, [
          h("span", { class: "nbk-mi-label", text: g.labels[k] }),
          h("span", { class: "nbk-mi-detail", text: g.details[k] }),
        ]);
        const item = h("button", {
          class: "nbk-mi-item",
          title: `${g.captions[k]}: click to look at it in Layers`,
          attrs: { type: "button", "data-index": String(index) },
          on: { click: () => { ch.set("example", index); showTab("layers"); } },
        });
        if (g.pixels && g.shape) {
          const canvas = h("canvas");
          drawThumbnail(/** @type {HTMLCanvasElement} */ (canvas), g.pixels, g.shape, k);
          item.append(canvas, caption);
        } else if (g.texts) {
          item.classList.add("nbk-mi-text");
          item.append(caption, h("span", { class: "nbk-mi-example-text", text: g.texts[k] }));
        } else {
          item.append(caption);
        }
        items.append(item);
      });
      pointsPanel.mark();
    };
    return { box, draw };
  }
  const cellGallery = gallery("cell_gallery", "cell");
  const topGallery = gallery("top_gallery", "top");

  errorsSection.append(
    summary,
    h("div", { class: "nbk-mi-top" }, [matrix.node, metrics]),
    model.get("task") === "classification" ? cellGallery.box : null,
    topGallery.box,
  );

  // ---- Layers -------------------------------------------------------------------------------
  const layerSelect = h("select", { attrs: { "aria-label": "layer" } });
  const drawLayerChoices = () => {
    clear(layerSelect);
    for (const name of model.get("layer_names") || []) layerSelect.append(h("option", { text: name, attrs: { value: name } }));
    layerSelect.value = model.get("layer");
  };
  layerSelect.addEventListener("change", () => ch.set("layer", layerSelect.value));
  const exampleInput = /** @type {HTMLInputElement} */ (h("input", { attrs: { type: "number", min: "0", step: "1", "aria-label": "example" } }));
  const exampleField = bindField(exampleInput, {
    apply: (text) => ch.set("example", /^\s*-?\d+\s*$/.test(text) ? Number(text) : text),
    current: () => String(model.get("example")),
  });
  const step = (delta) => {
    ch.set("example", Math.max(0, model.get("example") + delta));
  };
  const caption = h("span", { class: "nbk-status nbk-mi-example-caption" });
  const controls = h("div", { class: "nbk-row nbk-mi-controls" }, [
    h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: "layer" }), layerSelect]),
    h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: "example" }), exampleInput]),
    h("button", { class: "nbk-button", text: "◀", title: "previous example", attrs: { type: "button" }, on: { click: () => step(-1) } }),
    h("button", { class: "nbk-button", text: "▶", title: "next example", attrs: { type: "button" }, on: { click: () => step(1) } }),
    caption,
  ]);
  const layerFigure = figurePanel(() => model.get("layer_figure"), "nbk-mi-fig", "layer");
  const camFigure = figurePanel(() => model.get("cam_figure"), "nbk-mi-fig", "cam");
  const filtersFigure = figurePanel(() => model.get("filters_figure"), "nbk-mi-fig", "filters");
  const histogramFigure = figurePanel(() => model.get("histogram_figure"), "nbk-mi-fig", "histograms");
  const layerFrame = h("div", { class: "nbk-mi-layer-frame" }, [layerFigure.node, camFigure.node]);
  const busy = busyMarker(layerFrame);
  layersSection.append(controls, layerFrame, filtersFigure.node, histogramFigure.node);
  cleanups.push(ch.onActivity((a) => busy.set(a.waiting.some((k) => k === "set:layer" || k === "set:example"))));

  // ---- wiring ---------------------------------------------------------------------------------
  const root = h("div", { class: "nbkeras-widget nbkeras-model-inspector" }, [
    errorBanner(model),
    h("div", { class: "nbk-mi-tabs", attrs: { role: "tablist" } }, [errorsTab, layersTab]),
    errorsSection,
    layersSection,
  ]);
  el.appendChild(root);
  showTab("errors");
  drawSummary();
  drawMetrics();
  cellGallery.draw();
  topGallery.draw();
  drawLayerChoices();
  caption.textContent = model.get("example_caption");
  on("summary", drawSummary);
  on("metrics_table", drawMetrics);
  on("cell_gallery", cellGallery.draw);
  on("top_gallery", topGallery.draw);
  on("errors_figure", () => matrix.mark());
  on("layer_names", drawLayerChoices);
  on("layer", () => { layerSelect.value = model.get("layer"); });
  on("example", () => exampleField.refresh());
  on("example_caption", () => { caption.textContent = model.get("example_caption"); });
  on("layer_figure", () => layerFigure.mark(true));
  on("cam_figure", () => camFigure.mark(true));
  on("filters_figure", () => filtersFigure.mark());
  on("histogram_figure", () => histogramFigure.mark());
  // A refused value leaves the field showing the kernel's own value after Escape; the
  // select always shows the kernel's layer.
  on("error", () => { layerSelect.value = model.get("layer"); });

  loadPlotly(model).then((P) => {
    plotly = P;
    for (const panel of [matrix, layerFigure, camFigure, filtersFigure, histogramFigure]) panel.mark();
    cellGallery.draw();
    topGallery.draw();
  });

  return () => {
    for (const fn of cleanups) fn();
    busy.dispose();
    ch.dispose();
    loop.dispose();
    for (const node of root.querySelectorAll(".js-plotly-plot")) plotly?.purge(node);
  };
}

export default { render };
