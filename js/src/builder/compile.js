// The compile settings: optimizer, learning rate, loss, from_logits, metrics; the kernel's
// errors and advice on them below.
import { h, clear } from "../lib/dom.js";
import { bindField } from "../lib/fields.js";
import { fieldText, restoreFocus } from "./text.js";

/** @typedef {import("./state.js").BuilderContext} BuilderContext */

/** @param {BuilderContext} ctx */
export function compilePart(ctx) {
  const el = h("fieldset", { class: "nbk-mb-compile" });
  function draw() {
    const active = document.activeElement;
    const activeKey = active && el.contains(active) ? active.getAttribute("data-key") : null;
    clear(el);
    const c = ctx.spec().compile && typeof ctx.spec().compile === "object" ? ctx.spec().compile : {};
    const send = (name) => (value) => ctx.rpc.request("set_compile", { name, value }, `set_compile:${name}`);
    const select = (name, choices) => {
      const sel = h("select", { attrs: { "aria-label": name, "data-key": `compile.${name}` }, on: { change: () => { if (sel.value) send(name)(sel.value); } } }, [
        ...(choices.includes(c[name]) ? [] : [h("option", { text: c[name] === undefined ? "—" : String(c[name]), attrs: { value: "" } })]),
        ...choices.map((n) => h("option", { text: n, attrs: { value: n } })),
      ]);
      sel.value = choices.includes(c[name]) ? c[name] : "";
      return sel;
    };
    const lr = h("input", { attrs: { type: "number", step: "any", min: "0", "aria-label": "learning_rate", "data-key": "compile.learning_rate" } });
    bindField(/** @type {HTMLInputElement} */ (lr), {
      current: () => fieldText(c.learning_rate),
      apply: (text) => send("learning_rate")(text.trim() === "" ? null : Number(text)),
    });
    const logits = h("input", { attrs: { type: "checkbox", "aria-label": "from_logits", "data-key": "compile.from_logits" }, on: { change: () => send("from_logits")(logits.checked) } });
    logits.checked = Boolean(c.from_logits);
    const labelled = (name, node) => h("label", { class: "nbk-control nbk-field", attrs: { "data-field": `compile.${name}` } }, [h("span", { class: "nbk-control-name", text: name }), node]);
    el.append(
      h("legend", { text: "compile" }),
      h("div", { class: "nbk-row" }, [
        labelled("optimizer", select("optimizer", ctx.catalog().optimizers || [])),
        labelled("learning_rate", lr),
        labelled("loss", select("loss", ctx.catalog().losses || [])),
        labelled("from_logits", logits),
        h("div", { class: "nbk-control nbk-field", attrs: { "data-field": "compile.metrics" } }, [h("span", { class: "nbk-control-name", text: "metrics" }), metrics(c, send)]),
      ]),
    );
    const errors = (ctx.report().errors || []).filter((e) => e.class_name === "compile");
    if (errors.length) el.append(h("ul", { class: "nbk-mb-compile-errors" }, errors.map((e) => h("li", { class: "nbk-compile-error", text: e.message }))));
    const warnings = ctx.model.get("compile_warnings") || [];
    if (warnings.length) el.append(h("ul", { class: "nbk-notices nbk-compile-warnings" }, warnings.map((w) => h("li", { text: w }))));
    if (activeKey !== null) restoreFocus(el, active);
  }
  /** The metrics: a summary of the chosen ones that opens to one checkbox per metric. */
  function metrics(c, send) {
    const chosen = Array.isArray(c.metrics) ? c.metrics : [];
    const body = h("div", { class: "nbk-mb-metrics" }, (ctx.catalog().metrics || []).map((m) => {
      const box = h("input", {
        attrs: { type: "checkbox", "aria-label": m, "data-key": `compile.metrics.${m}` },
        on: { change: () => send("metrics")(box.checked ? [...chosen, m] : chosen.filter((x) => x !== m)) },
      });
      box.checked = chosen.includes(m);
      return h("label", { class: "nbk-control" }, [box, h("span", { text: m })]);
    }));
    const panel = h("details", { class: "nbk-mb-metrics-panel" }, [h("summary", { text: chosen.length ? chosen.join(", ") : "none" }), body]);
    panel.open = ctx.ui.metricsOpen === true;
    panel.addEventListener("toggle", () => { ctx.ui.metricsOpen = panel.open; });
    return panel;
  }
  return { el, draw };
}
