// The rows above the model: templates and undo / redo; the input's shape and dtype.
import { h, clear } from "../lib/dom.js";
import { bindField } from "../lib/fields.js";
import { parseShape, restoreFocus } from "./text.js";

/** @typedef {import("./state.js").BuilderContext} BuilderContext */

/** @param {BuilderContext} ctx */
export function toolbarPart(ctx) {
  const el = h("div", { class: "nbk-row nbk-mb-toolbar" });
  const undo = h("button", { class: "nbk-button nbk-undo", text: "↶ undo", on: { click: () => ctx.requestOnce("undo", {}) } });
  const redo = h("button", { class: "nbk-button nbk-redo", text: "↷ redo", on: { click: () => ctx.requestOnce("redo", {}) } });
  function drawHistory() {
    undo.disabled = !ctx.model.get("can_undo");
    redo.disabled = !ctx.model.get("can_redo");
  }
  function draw() {
    clear(el);
    el.append(h("span", { class: "nbk-control-name", text: "start from" }));
    for (const name of ctx.catalog().templates || []) {
      el.append(h("button", {
        class: "nbk-button nbk-template", text: name, attrs: { "data-template": name },
        on: { click: () => ctx.requestOnce("load_template", { name }) },
      }));
    }
    el.append(h("span", { class: "nbk-mb-spacer" }), undo, redo);
    drawHistory();
  }
  return { el, draw, drawHistory };
}

/** @param {BuilderContext} ctx */
export function inputPart(ctx) {
  const el = h("div", { class: "nbk-row nbk-mb-input" });
  function draw() {
    clear(el);
    const active = document.activeElement;
    const shape = h("input", { attrs: { type: "text", "aria-label": "input shape", "data-field": "input_shape", "data-key": "input_shape", size: 14 } });
    bindField(/** @type {HTMLInputElement} */ (shape), {
      current: () => (ctx.spec().input_shape || []).map((d) => (d === null ? "None" : String(d))).join(", "),
      apply: (text) => ctx.rpc.request("set_input", { shape: parseShape(text) }, "set_input:shape"),
    });
    const dtype = h("select", {
      attrs: { "aria-label": "input dtype", "data-field": "input_dtype" },
      on: { change: () => ctx.rpc.request("set_input", { dtype: dtype.value }, "set_input:dtype") },
    }, (ctx.catalog().input_dtypes || []).map((d) => h("option", { text: d, attrs: { value: d } })));
    dtype.value = ctx.report().input_dtype;
    el.append(
      h("label", { class: "nbk-control nbk-field", attrs: { "data-field": "input_shape" } }, [
        h("span", { class: "nbk-control-name", text: "input shape", title: "per sample, without the batch axis; None for a length that varies" }),
        shape,
      ]),
      h("label", { class: "nbk-control nbk-field", attrs: { "data-field": "input_dtype" } }, [
        h("span", { class: "nbk-control-name", text: "dtype" }), dtype,
      ]),
    );
    if (active && !active.isConnected) restoreFocus(el, active);
  }
  return { el, draw };
}
