// The training runs panel (right area): one row per run of every kernel behind an open notebook
// or console — model, state, epoch/step, last loss, a sparkline — with Stop and "go to the cell".
// Built with createElement/textContent only: nothing a kernel sends is read as HTML.
import { Widget } from "@lumino/widgets";

import { fractionDone, lossText, progressText, sparkPaths } from "./format.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const SPARK_W = 120;
const SPARK_H = 28;
const TERMINAL = new Set(["finished", "stopped", "interrupted", "failed"]);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function sparkline(values) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("class", "nbkeras-run-spark");
  svg.setAttribute("viewBox", `0 0 ${SPARK_W} ${SPARK_H}`);
  svg.setAttribute("preserveAspectRatio", "none"); // the row's width; the stroke keeps its own
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "loss per step");
  for (const points of sparkPaths(values, SPARK_W, SPARK_H)) {
    const line = document.createElementNS(SVG_NS, "polyline");
    line.setAttribute("points", points);
    svg.appendChild(line);
  }
  return svg;
}

export class RunsSidebar extends Widget {
  /**
   * @param {import("./connection.js").RunsHub} hub
   * @param {{goToCell: (kernelId: string, cellId: string) => Promise<boolean>, report: (title: string, error: unknown) => void}} actions
   */
  constructor(hub, actions) {
    super();
    this.hub = hub;
    this.actions = actions;
    this.id = "nbkeras-runs";
    this.addClass("nbkeras-runs");
    this.title.caption = "nbkeras: training runs";
    const head = el("div", "nbkeras-runs-head");
    head.appendChild(el("h2", "nbkeras-runs-title", "Training runs"));
    this.node.appendChild(head);
    this.list = el("div", "nbkeras-runs-list");
    this.list.setAttribute("role", "list");
    this.node.appendChild(this.list);
    this._frame = 0;
    hub.changed.connect(this._schedule, this);
    this.render();
  }

  dispose() {
    this.hub.changed.disconnect(this._schedule, this);
    if (this._frame) cancelAnimationFrame(this._frame);
    super.dispose();
  }

  onAfterShow() {
    this.render();
  }

  /** Redraw at most once a frame, and only while the panel shows. */
  _schedule() {
    if (this._frame || !this.isVisible) return;
    this._frame = requestAnimationFrame(() => {
      this._frame = 0;
      this.render();
    });
  }

  render() {
    const entries = this.hub.runs();
    const rows = entries.map((entry) => this._row(entry));
    if (!rows.length) {
      rows.push(
        el(
          "p",
          "nbkeras-runs-empty",
          "No training runs. Runs started with nbkeras.fit, a LiveMonitor callback or %load_ext nbkeras " +
            "in an open notebook or console show here.",
        ),
      );
    }
    this.list.replaceChildren(...rows);
  }

  _row({ kernelId, connection, run }) {
    const row = el("div", "nbkeras-run");
    row.setAttribute("role", "listitem");
    row.dataset.state = run.state;
    row.dataset.runId = String(run.id);
    row.dataset.kernelId = kernelId;

    const head = el("div", "nbkeras-run-head");
    head.appendChild(el("span", "nbkeras-run-model", run.model));
    const badge = el("span", "nbkeras-run-state", run.state);
    badge.dataset.state = run.state;
    head.appendChild(badge);
    row.appendChild(head);

    const where = this.hub.paths(kernelId);
    if (where.length) {
      const source = el("div", "nbkeras-run-where", where[0].split("/").pop());
      source.title = where.join("\n");
      row.appendChild(source);
    }

    const facts = el("div", "nbkeras-run-facts");
    facts.appendChild(el("span", "nbkeras-run-progress", progressText(run)));
    let loss = `loss ${lossText(run.loss)}`;
    if (run.valLoss !== null) loss += ` · val ${lossText(run.valLoss)}`;
    facts.appendChild(el("span", "nbkeras-run-loss", loss));
    row.appendChild(facts);

    const done = fractionDone(run);
    if (done !== null && !TERMINAL.has(run.state)) {
      const bar = el("div", "nbkeras-run-bar");
      bar.setAttribute("role", "progressbar");
      bar.setAttribute("aria-valuemin", "0");
      bar.setAttribute("aria-valuemax", "100");
      bar.setAttribute("aria-valuenow", String(Math.round(done * 100)));
      const fill = el("div", "nbkeras-run-bar-fill");
      fill.style.width = `${(done * 100).toFixed(1)}%`;
      bar.appendChild(fill);
      row.appendChild(bar);
    }
    if (run.spark.length > 1) row.appendChild(sparkline(run.spark));

    const buttons = el("div", "nbkeras-run-actions");
    const stop = el("button", "jp-mod-styled nbkeras-run-stop", "Stop");
    stop.type = "button";
    const training = run.state === "running" || run.state === "starting";
    stop.disabled = !run.stoppable;
    stop.title = run.stoppable
      ? "End training after the current step (history and weights are kept)"
      : training
        ? "The kernel cannot hear a Stop during a blocking model.fit: interrupt the kernel, " +
          "or train with nbkeras.fit(model, x, y, ...)"
        : `This run is ${run.state}`;
    stop.addEventListener("click", () => {
      stop.disabled = true;
      connection
        .request("stop", { id: run.id })
        .then((reply) => {
          if (!reply.ok) throw new Error(reply.error || "the kernel refused");
        })
        .catch((error) => this.actions.report("Could not stop the run", error));
    });
    buttons.appendChild(stop);

    const go = el("button", "jp-mod-styled nbkeras-run-goto", "Go to cell");
    go.type = "button";
    go.disabled = !run.cellId;
    go.title = run.cellId ? "Show the cell that started this run" : "The kernel did not say which cell started this run";
    go.addEventListener("click", () => {
      this.actions
        .goToCell(kernelId, run.cellId)
        .then((found) => {
          if (!found) throw new Error("That cell is not in an open notebook (deleted, or its notebook is closed).");
        })
        .catch((error) => this.actions.report("Could not go to the cell", error));
    });
    buttons.appendChild(go);
    row.appendChild(buttons);
    return row;
  }
}
