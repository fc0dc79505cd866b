// The status bar item: "nbkeras: epoch 12/40 · loss 0.31" and a progress bar while a run
// trains ("(+n)" when n more train); a click opens the runs sidebar. Text only, no HTML.
import { Widget } from "@lumino/widgets";

import { fractionDone, lossText, statusRun } from "./format.js";

export class RunsStatus extends Widget {
  /**
   * @param {import("./connection.js").RunsHub} hub
   * @param {() => void} open  shows the runs sidebar
   */
  constructor(hub, open) {
    super();
    this.hub = hub;
    this.addClass("nbkeras-runs-status");
    this.node.setAttribute("role", "button");
    this.node.tabIndex = 0;
    this.node.title = "nbkeras: training runs (click to show them)";
    this.label = document.createElement("span");
    this.label.className = "nbkeras-runs-status-label";
    this.bar = document.createElement("span");
    this.bar.className = "nbkeras-runs-status-bar";
    this.fill = document.createElement("span");
    this.fill.className = "nbkeras-runs-status-fill";
    this.bar.appendChild(this.fill);
    this.node.append(this.label, this.bar);
    this.node.addEventListener("click", open);
    this.node.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") open();
    });
    hub.changed.connect(this.render, this);
    this.render();
  }

  /** Whether a run trains (the status bar shows the item only then). */
  get active() {
    return statusRun(this.hub.runs()) !== null;
  }

  render() {
    const shown = statusRun(this.hub.runs());
    if (!shown) {
      this.label.textContent = "";
      return;
    }
    const { run } = shown.entry;
    const parts = [];
    if (run.epoch) parts.push(`epoch ${run.epoch}${run.epochs ? `/${run.epochs}` : ""}`);
    else parts.push(run.state);
    if (run.loss !== null) parts.push(`loss ${lossText(run.loss)}`);
    this.label.textContent = `nbkeras: ${parts.join(" · ")}${shown.others ? ` (+${shown.others})` : ""}`;
    const done = fractionDone(run);
    this.bar.hidden = done === null;
    this.fill.style.width = `${((done ?? 0) * 100).toFixed(1)}%`;
  }

  dispose() {
    this.hub.changed.disconnect(this.render, this);
    super.dispose();
  }
}
