// A layer's argument form: one field per argument (main ones first, the rest under "more
// arguments"), a wrapped layer's own form, and the refused value marked at its field.
import { h } from "../lib/dom.js";
import { bindField } from "../lib/fields.js";
import { fieldText, parseIntTuple } from "./text.js";

/** @typedef {import("./state.js").BuilderContext} BuilderContext */
/** @typedef {import("./state.js").ArgSpec} ArgSpec */
/** @typedef {import("./state.js").LayerSpec} LayerSpec */

/**
 * The control(s) of one argument.
 * @param {BuilderContext} ctx  @param {ArgSpec} a  @param {any} value  @param {string} key unique per control
 * @param {(v: any) => void} send
 */
function control(ctx, a, value, key, send) {
  const attrs = { "aria-label": a.name, "data-key": key };
  if (a.kind === "bool") {
    const box = h("input", { attrs: { type: "checkbox", ...attrs }, on: { change: () => send(box.checked) } });
    box.checked = Boolean(value);
    return [box];
  }
  if (["choice", "activation", "initializer", "layer"].includes(a.kind)) return choiceControl(ctx, a, value, attrs, send);
  const input = /** @type {HTMLInputElement} */ (h("input", { attrs }));
  // The row is rebuilt on every new spec, so `value` is the value the kernel holds:
  // what Escape brings back after a refused or unfinished edit.
  let apply;
  if (a.kind === "int" || a.kind === "float") {
    input.type = "number";
    input.step = a.kind === "int" ? "1" : "any";
    if (a.minimum !== null && a.minimum_inclusive) input.min = String(a.minimum);
    if (a.maximum !== null && a.maximum_inclusive && a.maximum < 2 ** 31 - 1) input.max = String(a.maximum);
    // Sent as typed (an empty field is None): the kernel's check answers.
    apply = (text) => send(text.trim() === "" ? null : Number(text));
  } else if (a.kind === "int_tuple") {
    input.type = "text";
    input.size = 8;
    input.placeholder = a.length ? `e.g. 3 or ${Array(a.length).fill(3).join(",")}` : "e.g. -1, 8";
    apply = (text) => send(parseIntTuple(text, a.length === null));
  } else {
    input.type = "text";
    apply = (text) => send(text === "" && a.optional ? null : text);
  }
  bindField(input, { current: () => fieldText(value), apply });
  return [input];
}

/** A select of the catalog's choices (and "explore" for an activation). */
function choiceControl(ctx, a, value, attrs, send) {
  const choices = [...(a.choices || [])];
  const options = choices.map((c) => h("option", { text: String(c), attrs: { value: JSON.stringify(c) } }));
  if (a.optional) options.unshift(h("option", { text: "None", attrs: { value: "null" } }));
  if (value !== undefined && value !== null && !choices.includes(value)) {
    // A value the catalog does not offer (from a loaded spec): shown, so the report's error makes sense.
    options.unshift(h("option", { text: String(value), attrs: { value: JSON.stringify(value) } }));
  }
  if (value === undefined) options.unshift(h("option", { text: "—", attrs: { value: "" } }));
  const sel = h("select", { attrs, on: { change: () => { if (sel.value !== "") send(JSON.parse(sel.value)); } } }, options);
  sel.value = value === undefined ? "" : JSON.stringify(value);
  const nodes = [sel];
  if (a.kind === "activation") {
    const explorable = new Set(ctx.catalog().explorable_activations || []);
    const explore = h("button", {
      class: "nbk-explore-activation", text: "explore", title: "open the activation explorer below the builder",
      on: { click: (e) => { e.preventDefault(); ctx.requestOnce("explore_activation", { name: JSON.parse(sel.value) }); } },
    });
    explore.hidden = !explorable.has(value);
    sel.addEventListener("input", () => { explore.hidden = !explorable.has(JSON.parse(sel.value || "null")); });
    nodes.push(explore);
  }
  return nodes;
}

/** A labelled field; `path` is what set_argument receives ("units", "layer.units"). */
function field(ctx, position, a, value, path) {
  const send = (v) => ctx.rpc.request("set_argument", { position, name: path, value: v }, `set_argument:${position}:${path}`);
  return h("label", { class: "nbk-control nbk-field", attrs: { "data-field": path, "data-kind": a.kind } }, [
    h("span", { class: "nbk-control-name", text: a.name, title: [a.doc, `Expected ${a.expected}.`].filter(Boolean).join("\n") }),
    ...control(ctx, a, value, `${position}:${path}`, send),
  ]);
}

/**
 * Main fields, then the rest in "more arguments"; `prefix` is "layer." for a wrapped layer.
 * @param {BuilderContext} ctx  @param {number} position  @param {LayerSpec} layerSpec  @param {object} config
 * @param {string} prefix
 */
export function argumentFields(ctx, position, layerSpec, config, prefix) {
  const main = h("div", { class: "nbk-mb-args nbk-mb-main-args" });
  const moreBody = h("div", { class: "nbk-mb-args" });
  if (!prefix) {
    const nameArg = { name: "name", kind: "str", optional: true, doc: "The layer's name (empty: Keras names it).", expected: "a unique name", choices: null };
    moreBody.append(field(ctx, position, nameArg, config.name ?? "", "name"));
  }
  for (const a of layerSpec.args) {
    const value = a.name in config ? config[a.name] : a.required ? undefined : a.default;
    const node = a.kind === "layer" ? wrappedLayer(ctx, position, a, config.layer) : field(ctx, position, a, value, prefix + a.name);
    (a.main ? main : moreBody).append(node);
  }
  const key = `${position}:${prefix}`;
  const more = h("details", { class: "nbk-mb-more" }, [
    h("summary", { text: prefix ? `more arguments of ${layerSpec.class_name}` : "more arguments" }), moreBody,
  ]);
  more.open = ctx.ui.more.has(key);
  more.addEventListener("toggle", () => { if (more.open) ctx.ui.more.add(key); else ctx.ui.more.delete(key); });
  return [main, moreBody.childElementCount ? more : null];
}

function wrappedLayer(ctx, position, a, inner) {
  const innerClass = inner && typeof inner === "object" ? inner.class_name : undefined;
  const innerConfig = (inner && typeof inner === "object" && inner.config) || {};
  const box = h("fieldset", { class: "nbk-mb-wrapped", attrs: { "data-field": "layer" } }, [
    h("legend", {}, [field(ctx, position, { ...a, name: "layer" }, innerClass, "layer.class_name")]),
  ]);
  const innerSpec = ctx.layerSpec(innerClass);
  if (innerSpec) box.append(...argumentFields(ctx, position, innerSpec, innerConfig, "layer."));
  return box;
}

/**
 * A refused value: its field marked, with the kernel's message under it (forms opened).
 * @param {BuilderContext} ctx  @param {Element} root the whole view  @param {Element} stack the layer list
 */
export function markErrorField(ctx, root, stack) {
  for (const node of root.querySelectorAll(".nbk-field-invalid")) node.classList.remove("nbk-field-invalid");
  for (const node of root.querySelectorAll(".nbk-field-message")) node.remove();
  const where = ctx.model.get("error_field") || {};
  if (!where.name) return;
  const scope = where.position === null || where.position === undefined
    ? root : stack.querySelector(`.nbk-layer[data-position="${Number(where.position)}"]`);
  if (!scope) return;
  const target = [...scope.querySelectorAll(".nbk-field")].find((n) => n.getAttribute("data-field") === where.name);
  if (!target) return;
  target.classList.add("nbk-field-invalid");
  target.after(h("div", { class: "nbk-field-message", text: ctx.model.get("error") || "" }));
  const form = target.closest("details.nbk-layer-form");
  if (form) form.open = true;
  const more = target.closest("details.nbk-mb-more");
  if (more) more.open = true;
}
