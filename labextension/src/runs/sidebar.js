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
    /** @type {Map<string, RunRow>} one row per run, keyed by kernel and run id */
    this._rows = new Map();
    this.empty = el(
      "p",
      "nbkeras-runs-empty",
      "No training runs. Runs started with nbkeras.fit, a LiveMonitor callback or %load_ext nbkeras " +
        "in an open notebook or console show here.",
    );
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

  /**
   * One row per run, kept and updated in place: a row is built once, when its run first shows,
   * so a Stop under the pointer or the keyboard focus survives the updates that arrive while
   * the run trains (a row rebuilt between mousedown and mouseup gets no click).
   */
  render() {
    const entries = this.hub.runs();
    const keep = new Map();
    for (const entry of entries) {
      const key = `${entry.kernelId}:${entry.run.id}`;
      const row = this._rows.get(key) || new RunRow(this.actions);
      row.update(entry, this.hub.paths(entry.kernelId));
      keep.set(key, row);
    }
    this._rows = keep;
    const nodes = entries.length ? [...keep.values()].map((row) => row.node) : [this.empty];
    // Move only what is out of place: a node removed and re-inserted loses focus and hover.
    nodes.forEach((node, i) => {
      if (this.list.children[i] !== node) this.list.insertBefore(node, this.list.children[i] || null);
    });
    while (this.list.children.length > nodes.length) this.list.lastElementChild.remove();
  }
}

/** One run's row: its nodes are made once; update() sets their text, attributes and handlers' run. */
class RunRow {
  constructor(actions) {
    this.actions = actions;
    this.entry = null;
    this.node = el("div", "nbkeras-run");
    this.node.setAttribute("role", "listitem");

    const head = el("div", "nbkeras-run-head");
    this.model = head.appendChild(el("span", "nbkeras-run-model"));
    this.badge = head.appendChild(el("span", "nbkeras-run-state"));
    this.node.appendChild(head);
    this.where = el("div", "nbkeras-run-where"); // shown when the kernel's notebook is known

    this.facts = this.node.appendChild(el("div", "nbkeras-run-facts"));
    this.progress = this.facts.appendChild(el("span", "nbkeras-run-progress"));
    this.loss = this.facts.appendChild(el("span", "nbkeras-run-loss"));

    this.bar = el("div", "nbkeras-run-bar");
    this.bar.setAttribute("role", "progressbar");
    this.bar.setAttribute("aria-valuemin", "0");
    this.bar.setAttribute("aria-valuemax", "100");
    this.fill = this.bar.appendChild(el("div", "nbkeras-run-bar-fill"));
    this.spark = null;
    this.sparkKey = "";

    this.buttons = this.node.appendChild(el("div", "nbkeras-run-actions"));
    this.stop = this.buttons.appendChild(el("button", "jp-mod-styled nbkeras-run-stop", "Stop"));
    this.stop.type = "button";
    this.stopAsked = false;
    this.stop.addEventListener("click", () => this._stop());
    this.go = this.buttons.appendChild(el("button", "jp-mod-styled nbkeras-run-goto", "Go to cell"));
    this.go.type = "button";
    this.go.addEventListener("click", () => this._goToCell());
  }

  update(entry, where) {
    const { kernelId, run } = entry;
    this.entry = entry;
    const row = this.node;
    row.dataset.state = run.state;
    row.dataset.runId = String(run.id);
    row.dataset.kernelId = kernelId;
    setText(this.model, run.model);
    setText(this.badge, run.state);
    this.badge.dataset.state = run.state;

    if (where.length) {
      setText(this.where, where[0].split("/").pop());
      this.where.title = where.join("\n");
    }
    this._place(this.where, where.length > 0);

    setText(this.progress, progressText(run));
    let loss = `loss ${lossText(run.loss)}`;
    if (run.valLoss !== null) loss += ` · val ${lossText(run.valLoss)}`;
    setText(this.loss, loss);

    const done = fractionDone(run);
    const showBar = done !== null && !TERMINAL.has(run.state);
    if (showBar) {
      this.bar.setAttribute("aria-valuenow", String(Math.round(done * 100)));
      this.fill.style.width = `${(done * 100).toFixed(1)}%`;
    }
    this._place(this.bar, showBar);

    const sparkKey = run.spark.length > 1 ? run.spark.join(",") : "";
    if (sparkKey !== this.sparkKey) {
      const spark = sparkKey ? sparkline(run.spark) : null;
      if (this.spark) this.spark.replaceWith(...(spark ? [spark] : []));
      this.spark = spark;
      this.sparkKey = sparkKey;
    }
    this._place(this.spark, Boolean(this.spark));

    const training = run.state === "running" || run.state === "starting";
    this.stop.disabled = !run.stoppable || this.stopAsked;
    this.stop.title = run.stoppable
      ? "End training after the current step (history and weights are kept)"
      : training
        ? "The kernel cannot hear a Stop during a blocking model.fit: interrupt the kernel, " +
          "or train with nbkeras.fit(model, x, y, ...)"
        : `This run is ${run.state}`;
    this.go.disabled = !run.cellId;
    this.go.title = run.cellId
      ? "Show the cell that started this run"
      : "The kernel did not say which cell started this run";
  }

  /** Show or hide an optional part (where, bar, sparkline) in its place: head, where, facts, bar, sparkline, buttons. */
  _place(node, shown) {
    if (!node) return;
    if (!shown) {
      node.remove();
      return;
    }
    if (node.parentNode !== this.node) {
      const order = [this.where, this.facts, this.bar, this.spark, this.buttons];
      const after = order.slice(order.indexOf(node) + 1).find((n) => n && n.parentNode === this.node);
      this.node.insertBefore(node, after || null);
    }
  }

  _stop() {
    const { connection, run } = this.entry;
    this.stopAsked = true;
    this.stop.disabled = true;
    connection
      .request("stop", { id: run.id })
      .then((reply) => {
        if (!reply.ok) throw new Error(reply.error || "the kernel refused");
      })
      .catch((error) => {
        this.stopAsked = false;
        this.stop.disabled = !this.entry.run.stoppable;
        this.actions.report("Could not stop the run", error);
      });
  }

  _goToCell() {
    const { kernelId, run } = this.entry;
    this.actions
      .goToCell(kernelId, run.cellId)
      .then((found) => {
        if (!found) throw new Error("That cell is not in an open notebook (deleted, or its notebook is closed).");
      })
      .catch((error) => this.actions.report("Could not go to the cell", error));
  }
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
