// The stack: the input row, then one row per layer (handle, position, class, name, shape,
// params, status badge, actions, message, form). A click on a row's header selects the
// layer (the palette then adds below it); a marker shows where the palette adds.
import { h, clear } from "../lib/dom.js";
import { argumentFields } from "./forms.js";
import { count, restoreFocus, shapeText } from "./text.js";

/** @typedef {import("./state.js").BuilderContext} BuilderContext */

/** What a click on the header must leave alone: its buttons, fields and the drag handle. */
const INTERACTIVE = "button, input, select, textarea, summary, a, .nbk-drag";

/** @param {BuilderContext} ctx */
export function stackPart(ctx) {
  const specErrors = h("ul", { class: "nbk-mb-spec-errors" });
  const stack = h("ol", { class: "nbk-mb-stack" });
  const totals = h("div", { class: "nbk-mb-totals" });
  const { ui } = ctx;

  function dragAndDrop(li, handle, position) {
    handle.addEventListener("dragstart", (e) => {
      ui.dragFrom = position;
      e.dataTransfer.setData("text/plain", String(position));
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setDragImage(li, 12, 12);
      li.classList.add("nbk-dragging");
    });
    handle.addEventListener("dragend", () => {
      ui.dragFrom = null;
      for (const node of stack.querySelectorAll(".nbk-dragging, .nbk-drop-before, .nbk-drop-after")) {
        node.classList.remove("nbk-dragging", "nbk-drop-before", "nbk-drop-after");
      }
    });
    const before = (e) => e.clientY < li.getBoundingClientRect().top + li.getBoundingClientRect().height / 2;
    li.addEventListener("dragover", (e) => {
      if (ui.dragFrom === null) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "move";
      const above = before(e);
      li.classList.toggle("nbk-drop-before", above);
      li.classList.toggle("nbk-drop-after", !above);
    });
    li.addEventListener("dragleave", () => li.classList.remove("nbk-drop-before", "nbk-drop-after"));
    li.addEventListener("drop", (e) => {
      if (ui.dragFrom === null) return;
      e.preventDefault();
      const from = ui.dragFrom;
      const slot = before(e) ? position : position + 1; // insert before this slot of the current stack
      const to = slot > from ? slot - 1 : slot;
      li.classList.remove("nbk-drop-before", "nbk-drop-after");
      ui.dragFrom = null;
      if (to !== from) {
        ctx.requestOnce("move_layer", { from_position: from, to_position: to });
        ctx.structure.move(from, to);
      }
    });
  }

  function actions(position) {
    return h("span", { class: "nbk-layer-actions" }, [
      h("button", {
        class: "nbk-button nbk-insert-above", text: "+ above", title: "insert a layer above this one: then pick it in the palette",
        on: { click: () => { ui.insertAt = ui.insertAt === position ? null : position; ctx.insertChanged(); } },
      }),
      h("button", {
        class: "nbk-button nbk-duplicate", text: "copy", title: "duplicate this layer below it",
        on: { click: () => { ctx.requestOnce("duplicate_layer", { position }); ctx.structure.add(position + 1); } },
      }),
      h("button", {
        class: "nbk-button nbk-remove", text: "✕", title: "remove",
        on: { click: () => { ctx.requestOnce("remove_layer", { position }); ctx.structure.remove(position); } },
      }),
    ]);
  }

  function layerRow(entry, row, position, selected) {
    const className = entry && typeof entry === "object" ? String(entry.class_name) : "?";
    const config = (entry && typeof entry === "object" && entry.config && typeof entry.config === "object") ? entry.config : {};
    const status = row ? row.status : "not checked";
    const li = h("li", { class: "nbk-layer", attrs: { "data-position": position, "data-status": status, "data-class": className } });
    if (ui.insertAt === position) li.classList.add("nbk-insert-target");
    if (selected) {
      li.classList.add("nbk-selected");
      li.setAttribute("aria-current", "true");
    }
    const handle = h("span", { class: "nbk-drag", text: "⠿", title: "drag to move", attrs: { draggable: "true", "aria-label": "move" } });
    dragAndDrop(li, handle, position);
    const name = config.name ? h("span", { class: "nbk-layer-name", text: String(config.name), title: String(config.name) }) : null;
    const statusText = status === "ok" ? "ok" : status === "error" ? "error" : "not checked";
    // The header selects its layer: a click, or Enter / Space where it has the keyboard focus
    // (Tab reaches it; it keeps the focus across the redraw that answers, by its data-key).
    const header = h("div", {
      class: "nbk-layer-header",
      title: selected ? "selected: the palette adds below this layer (click to unselect)" : "click to select: the palette adds below it",
      attrs: {
        // (No role="button": the header holds buttons of its own; its label says the state.)
        tabindex: "0", "data-key": `select:${position}`,
        "aria-label": `layer ${position}, ${className}${selected ? ", selected" : ""}`,
      },
    }, [
      handle,
      h("span", { class: "nbk-layer-position", text: String(position) }),
      h("span", { class: "nbk-layer-class", text: className }),
      name,
      h("span", { class: "nbk-layer-shape", text: row && row.output_shape ? shapeText(row.output_shape) : "" }),
      h("span", { class: "nbk-layer-params", text: row && row.params !== null ? `${count(row.params)} params` : "" }),
      h("span", { class: "nbk-layer-status", text: statusText, attrs: { "data-status": status } }),
      actions(position),
    ]);
    const toggle = () => ctx.rpc.request("select_layer", { position: selected ? null : position }, "select_layer");
    header.addEventListener("click", (e) => {
      if (e.target instanceof Element && e.target.closest(INTERACTIVE)) return;
      toggle();
    });
    header.addEventListener("keydown", (e) => {
      if (e.target !== header || (e.key !== "Enter" && e.key !== " ")) return;
      e.preventDefault(); // Space would scroll the notebook
      e.stopPropagation(); // Enter is Lab's "edit cell" in command mode
      toggle();
    });
    li.append(header);
    if (status === "error") li.append(h("div", { class: "nbk-layer-error", attrs: { role: "note" }, text: row.message }));
    else if (status !== "ok") li.append(h("div", { class: "nbk-layer-note", text: row ? row.message : "not checked" }));

    const layerSpec = ctx.layerSpec(className);
    if (layerSpec) {
      const form = h("details", { class: "nbk-layer-form" }, [
        h("summary", { text: "arguments" }),
        ...argumentFields(ctx, position, layerSpec, config, ""),
      ]);
      form.open = ui.open.has(position);
      form.addEventListener("toggle", () => { if (form.open) ui.open.add(position); else ui.open.delete(position); });
      li.append(form);
    }
    return li;
  }

  /** A line where the palette adds: above the row at `at`, or after the last row. */
  const insertMarker = (at) => h("li", {
    class: "nbk-insert-marker", attrs: { "aria-hidden": "true", "data-insert-position": at },
  });

  function draw() {
    // A redraw must not take the keyboard away from the field the user is in.
    const active = document.activeElement;
    const activeKey = active && stack.contains(active) ? active.getAttribute("data-key") : null;
    clear(stack);
    clear(specErrors);
    const r = ctx.report();
    const rows = r.layers || [];
    const layers = Array.isArray(ctx.spec().layers) ? ctx.spec().layers : [];
    const selected = ctx.model.get("selected");
    const insertAt = ui.insertAt ?? ctx.model.get("insert_position");
    stack.append(h("li", { class: "nbk-layer nbk-layer-input", attrs: { "data-position": 0 } }, [
      h("div", { class: "nbk-layer-header" }, [
        h("span", { class: "nbk-layer-class", text: "Input" }),
        h("span", { class: "nbk-layer-shape", text: shapeText(r.input_shape) }),
        h("span", { class: "nbk-layer-params", text: r.input_dtype || "" }),
      ]),
    ]));
    // The name column takes room only when some layer has a name (see nbkeras.css).
    stack.classList.toggle("nbk-has-names", layers.some((entry) => Boolean(entry && entry.config && entry.config.name)));
    layers.forEach((entry, i) => {
      if (insertAt === i + 1) stack.append(insertMarker(insertAt));
      stack.append(layerRow(entry, rows[i], i + 1, selected === i + 1));
    });
    if (insertAt === layers.length + 1) stack.append(insertMarker(insertAt));
    for (const issue of r.errors || []) {
      if (issue.position === null && issue.class_name !== "compile") {
        specErrors.append(h("li", { class: "nbk-layer-error", text: issue.message }));
      }
    }
    const trainable = r.trainable_params ?? 0;
    const total = r.total_params ?? 0;
    totals.textContent = `Total params: ${count(total)} · trainable: ${count(trainable)} · non-trainable: ${count(total - trainable)}`;
    totals.dataset.ok = String(Boolean(r.ok));
    if (activeKey !== null) restoreFocus(stack, active);
    // A layer that just became selected (one the palette added) is brought into view.
    if (selected !== ui.shownSelected) {
      ui.shownSelected = selected;
      const node = selected ? stack.querySelector(`.nbk-layer[data-position="${Number(selected)}"]`) : null;
      if (node && typeof node.scrollIntoView === "function") node.scrollIntoView({ block: "nearest" });
    }
  }
  return { specErrors, stack, totals, draw };
}
