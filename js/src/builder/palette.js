// The palette: one button per catalog layer, by category. A click adds the layer where
// the title says: above the row "+ above" picked, else where the kernel's
// `insert_position` says (below the selected layer, or above the output layer, or at the
// end); the kernel then selects the new layer, so the stack shows where it went.
import { h, clear } from "../lib/dom.js";

/** @typedef {import("./state.js").BuilderContext} BuilderContext */

/** The title's words for where a click adds a layer.  @param {BuilderContext} ctx */
function whereText(ctx) {
  const { ui, model } = ctx;
  if (ui.insertAt !== null) return `Insert above position ${ui.insertAt}`;
  const selected = model.get("selected");
  const at = model.get("insert_position");
  const layers = Array.isArray(ctx.spec().layers) ? ctx.spec().layers.length : 0;
  if (selected !== null && selected !== undefined) return `Add below position ${selected}`;
  return at <= layers ? `Add above the output layer (position ${at})` : "Add a layer at the end";
}

/** @param {BuilderContext} ctx */
export function palettePart(ctx) {
  const el = h("div", { class: "nbk-mb-palette" });
  function draw() {
    clear(el);
    const { ui } = ctx;
    const selected = ctx.model.get("selected");
    let cancel = null;
    if (ui.insertAt !== null) {
      cancel = h("button", {
        class: "nbk-button nbk-cancel-insert", text: "cancel",
        on: { click: () => { ui.insertAt = null; ctx.insertChanged(); } },
      });
    } else if (selected !== null && selected !== undefined) {
      cancel = h("button", {
        class: "nbk-button nbk-unselect", text: "unselect", title: "add above the output layer instead",
        on: { click: () => ctx.rpc.request("select_layer", { position: null }, "select_layer") },
      });
    }
    el.append(h("div", { class: "nbk-mb-palette-title" }, [h("span", { class: "nbk-mb-palette-where", text: whereText(ctx) }), cancel]));
    for (const category of ctx.catalog().categories || []) {
      const group = h("div", { class: "nbk-mb-palette-group", attrs: { "data-category": category } }, [
        h("div", { class: "nbk-mb-palette-category", text: category }),
      ]);
      for (const layer of ctx.catalog().layers || []) {
        if (layer.category !== category) continue;
        group.append(h("button", {
          class: "nbk-button nbk-palette-layer", text: layer.class_name, title: layer.doc,
          attrs: { "data-class": layer.class_name },
          on: { click: () => add(layer.class_name) },
        }));
      }
      el.append(group);
    }
  }
  function add(className) {
    const { ui } = ctx;
    // position null: the kernel puts it at its insert_position (the same rule as add_layer in Python).
    ctx.requestOnce("add_layer", { class_name: className, position: ui.insertAt });
    ctx.structure.add(ui.insertAt ?? ctx.model.get("insert_position"));
    ui.insertAt = null;
    ctx.insertChanged();
  }
  return { el, draw };
}
