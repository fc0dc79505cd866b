// View of nbkeras.EmbeddingProjector (nbkeras/inspect/projector.py): the kernel builds the
// scatter (`figure`) and what is drawn over it (`overlay`: search matches, the picked word and
// its neighbours); this view draws them, and sends the search text, the 2-D/3-D switch and
// picks (a click on a point or on a listed neighbour).
import { h, clear, errorBanner, fmt } from "./lib/dom.js";
import { loadPlotly, fromWire } from "./lib/plotly.js";
import { channel } from "./lib/channel.js";
import { bindField } from "./lib/fields.js";
import { redrawLoop } from "./lib/redraw.js";

const PLOT_CONFIG = { responsive: true, displaylogo: false };

function render({ model, el }) {
  const rpc = channel(model);
  const search = h("input", {
    class: "nbk-projector-search",
    attrs: { type: "search", placeholder: "search a word", "aria-label": "search a word", size: "18" },
  });
  const field = bindField(search, { apply: (text) => rpc.set("query", text), current: () => model.get("query") });
  const dimButtons = [2, 3].map((d) =>
    h("button", {
      class: "nbk-button nbk-projector-dims",
      text: `${d}-D`,
      attrs: { "data-dims": String(d), type: "button" },
      on: { click: () => rpc.set("dims", d) },
    }),
  );
  const status = h("span", { class: "nbk-note nbk-projector-status", attrs: { "aria-live": "polite" } });
  const plot = h("div", { class: "nbk-plot nbk-projector-plot" });
  plot.dataset.panel = "projection";
  const pickedTitle = h("div", { class: "nbk-projector-picked", attrs: { style: "font-weight: 600; margin-bottom: 4px" } });
  const list = h("ol", { class: "nbk-projector-neighbours", attrs: { style: "margin: 0; padding-left: 1.8em" } });
  const side = h("div", { class: "nbk-projector-side", attrs: { style: "flex: 0 0 15em; min-width: 12em; font-size: 0.92em" } }, [
    pickedTitle,
    list,
  ]);
  const root = h("div", { class: "nbkeras-widget nbkeras-embedding-projector" }, [
    errorBanner(model),
    h("div", { class: "nbk-row nbk-controls", attrs: { style: "display: flex; gap: 8px; align-items: center; flex-wrap: wrap" } }, [
      h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: "search " }), search]),
      ...dimButtons,
      status,
    ]),
    h("div", { class: "nbk-projector-body", attrs: { style: "display: flex; gap: 12px; align-items: flex-start" } }, [
      h("div", { attrs: { style: "flex: 1 1 auto; min-width: 0" } }, [plot]),
      side,
    ]),
  ]);
  el.appendChild(root);

  function drawControls() {
    const dims = model.get("dims");
    for (const b of dimButtons) {
      const on = Number(b.dataset.dims) === dims;
      b.setAttribute("aria-pressed", String(on));
      b.style.fontWeight = on ? "700" : "400";
    }
    field.refresh();
    const query = model.get("query").trim();
    const matches = model.get("matches") || [];
    status.textContent = query === "" ? "click a point to list its nearest neighbours"
      : matches.length === 0 ? `no word contains “${query}”`
      : `${matches.length} word${matches.length === 1 ? "" : "s"} contain “${query}”`;
  }

  function drawNeighbours() {
    const picked = model.get("picked");
    const neighbours = model.get("neighbours") || [];
    clear(list);
    if (picked === null || picked === undefined) {
      pickedTitle.textContent = "No word picked";
      return;
    }
    pickedTitle.textContent = `Nearest to “${model.get("picked_word")}” (cosine similarity)`;
    for (const n of neighbours) {
      const item = h("li", { class: "nbk-projector-neighbour" }, [
        h("button", {
          class: "nbk-button nbk-projector-pick",
          text: n.word,
          attrs: { type: "button", "data-row": String(n.row) },
          on: { click: () => rpc.request("pick", { word: n.row }) },
        }),
        h("span", { class: "nbk-projector-similarity", text: ` ${fmt(n.similarity)}` }),
      ]);
      list.append(item);
    }
  }

  let Plotly = null;
  let clickBound = false;
  let spec = null;
  let overlay = [];
  const loop = redrawLoop();
  const panel = loop.panel(draw, plot);
  root.__nbkRedrawStats = loop.stats;
  function decode() {
    const f = model.get("figure");
    spec = f && f.data ? fromWire(f) : null;
    overlay = fromWire(model.get("overlay") || []);
    loop.mark(panel, true);
  }
  function draw() {
    if (!Plotly || !spec) return;
    Plotly.react(plot, [...spec.data, ...overlay], spec.layout, PLOT_CONFIG);
    if (!clickBound) {
      // `.on` exists once Plotly has drawn the node; customdata is each point's row.
      plot.on("plotly_click", (event) => {
        const point = event?.points?.[0];
        const row = Array.isArray(point?.customdata) ? point.customdata[0] : point?.customdata;
        if (Number.isFinite(row)) rpc.request("pick", { word: Math.round(row) });
      });
      clickBound = true;
    }
  }

  const listeners = [
    ["change:figure", decode],
    ["change:overlay", decode],
    ["change:dims", drawControls],
    ["change:query", drawControls],
    ["change:matches", drawControls],
    ["change:neighbours", drawNeighbours],
    ["change:picked", drawNeighbours],
  ];
  for (const [event, fn] of listeners) model.on(event, fn);
  drawControls();
  drawNeighbours();
  decode();
  loadPlotly(model).then((p) => {
    Plotly = p;
    loop.mark(panel, true);
  });

  return () => {
    for (const [event, fn] of listeners) model.off(event, fn);
    loop.dispose();
    rpc.dispose();
    if (Plotly) Plotly.purge(plot);
  };
}

export default { render };
