// View of nbkeras.plots.FigureView: one Plotly figure from the kernel's spec.
import { h, errorBanner } from "./lib/dom.js";
import { bindFigure } from "./lib/plotly.js";

function render({ model, el }) {
  const plot = h("div", { class: "nbk-plot nbk-figure" });
  el.appendChild(h("div", { class: "nbkeras-widget nbkeras-figure-view" }, [errorBanner(model), plot]));
  const stop = bindFigure(model, plot, "figure");
  return () => stop.then((fn) => fn());
}

export default { render };
