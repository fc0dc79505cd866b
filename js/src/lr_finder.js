// View of nbkeras.LRFinder (nbkeras/inspect/lr_widget.py): the kernel builds the loss-vs-rate
// figure (each batch's loss, the smoothed curve, the suggestion, minimum / 10 and a picked
// rate); this view draws it, sends a click on the curve as the picked rate, and the "apply"
// and "run again" requests. While the finder runs, the chart is marked busy.
import { h, errorBanner, fmt, busyMarker } from "./lib/dom.js";
import { loadPlotly, fromWire } from "./lib/plotly.js";
import { channel } from "./lib/channel.js";
import { redrawLoop } from "./lib/redraw.js";

const PLOT_CONFIG = { responsive: true, displaylogo: false };

function render({ model, el }) {
  const rpc = channel(model);
  const apply = h("button", {
    class: "nbk-button nbk-lr-apply",
    attrs: { type: "button" },
    on: { click: () => rpc.request("apply", {}) },
  });
  const reset = h("button", {
    class: "nbk-button nbk-lr-reset",
    text: "use the suggestion",
    attrs: { type: "button" },
    on: { click: () => rpc.request("choose", { rate: null }) },
  });
  const rerun = h("button", {
    class: "nbk-button nbk-lr-run",
    text: "run again",
    attrs: { type: "button" },
    on: { click: () => rpc.request("run", {}) },
  });
  const summary = h("div", { class: "nbk-lr-summary", attrs: { "aria-live": "polite" } });
  const current = h("div", { class: "nbk-note nbk-lr-current" });
  const plot = h("div", { class: "nbk-plot nbk-lr-plot" });
  plot.dataset.panel = "lr";
  const frame = h("div", { class: "nbk-plot-frame" }, [plot]);
  const busy = busyMarker(frame, "finding a learning rate…");
  const root = h("div", { class: "nbkeras-widget nbkeras-lr-finder" }, [
    errorBanner(model),
    summary,
    h("div", { class: "nbk-row nbk-controls", attrs: { style: "display: flex; gap: 8px; align-items: center; flex-wrap: wrap" } }, [
      apply,
      reset,
      rerun,
      h("span", { class: "nbk-note", text: "click the curve to pick another rate" }),
    ]),
    current,
    frame,
  ]);
  el.appendChild(root);

  function drawControls() {
    const state = model.get("state");
    const suggestion = model.get("suggestion");
    const chosen = model.get("chosen");
    const rate = chosen ?? suggestion;
    const running = state === "running";
    busy.set(running);
    apply.textContent = rate === null || rate === undefined ? "apply" : `apply ${fmt(rate)}`;
    apply.disabled = running || rate === null || rate === undefined;
    reset.disabled = running || chosen === null || chosen === undefined;
    rerun.disabled = running;
    const stopped = model.get("stopped");
    summary.textContent = running ? "finding a learning rate…"
      : state === "failed" ? "the finder failed (see the message above)"
      : `suggested rate ${fmt(suggestion)} (steepest descent of the smoothed loss), minimum / 10 ${fmt(model.get("minimum_rate"))}`
        + (stopped ? `; the ramp ${stopped === "completed" ? "ran all its steps" : `stopped: ${stopped}`}` : "")
        + (chosen !== null && chosen !== undefined ? `; picked ${fmt(chosen)}` : "");
    const applied = model.get("applied");
    current.textContent = `learning rate now: ${fmt(model.get("model_rate"))}`
      + (applied !== null && applied !== undefined ? ` (applied to ${model.get("target")})` : ` — apply sets ${model.get("target")}`);
  }

  let Plotly = null;
  let clickBound = false;
  let spec = null;
  const loop = redrawLoop();
  const panel = loop.panel(draw, plot);
  root.__nbkRedrawStats = loop.stats;
  function decode() {
    const f = model.get("figure");
    spec = f && f.data ? fromWire(f) : null;
    loop.mark(panel, true);
  }
  function draw() {
    if (!Plotly || !spec) return;
    Plotly.react(plot, spec.data, spec.layout, PLOT_CONFIG);
    if (!clickBound) {
      // `.on` exists once Plotly has drawn the node: a click on the curve picks its rate.
      plot.on("plotly_click", (event) => {
        const point = event?.points?.[0];
        if (point && point.curveNumber <= 1 && Number.isFinite(point.x)) rpc.request("choose", { rate: point.x });
      });
      clickBound = true;
    }
  }

  const names = ["state", "suggestion", "minimum_rate", "chosen", "model_rate", "applied", "target", "stopped"];
  const listeners = [["change:figure", decode], ...names.map((n) => [`change:${n}`, drawControls])];
  for (const [event, fn] of listeners) model.on(event, fn);
  drawControls();
  decode();
  loadPlotly(model).then((p) => {
    Plotly = p;
    loop.mark(panel, true);
  });

  return () => {
    for (const [event, fn] of listeners) model.off(event, fn);
    loop.dispose();
    busy.dispose();
    rpc.dispose();
    if (Plotly) Plotly.purge(plot);
  };
}

export default { render };
