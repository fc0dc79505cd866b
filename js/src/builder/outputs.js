// What the model becomes: its Python code (with a copy button), its model.summary(), and
// the activation explorer the kernel opens below the builder (a child widget).
import { h, clear } from "../lib/dom.js";

/** @typedef {import("./state.js").BuilderContext} BuilderContext */

/** @param {BuilderContext} ctx  @param {any} host anywidget's host (composition API), if any */
export function outputsPart(ctx, host) {
  const { model } = ctx;
  const codePre = h("pre", { class: "nbk-mb-code" });
  const codeNote = h("p", { class: "nbk-note" });
  const summaryPre = h("pre", { class: "nbk-mb-summary" });
  const explorerBox = h("div", { class: "nbk-mb-explorer" });
  const copyButton = h("button", {
    class: "nbk-button nbk-copy-code", text: "copy", title: "copy the code to the clipboard",
    on: { click: () => navigator.clipboard?.writeText(model.get("code") || "") },
  });
  const els = [
    h("details", { class: "nbk-mb-output nbk-mb-code-panel" }, [h("summary", { text: "Python code" }), codeNote, copyButton, codePre]),
    h("details", { class: "nbk-mb-output nbk-mb-summary-panel" }, [h("summary", { text: "model.summary()" }), summaryPre]),
    explorerBox,
  ];

  function draw() {
    const code = model.get("code") || "";
    codePre.textContent = code;
    codePre.hidden = code === "";
    copyButton.hidden = code === "";
    codeNote.textContent = code === "" ? "The code appears when the model has no errors." : "";
    codeNote.hidden = code !== "";
    summaryPre.textContent = model.get("summary") || "";
  }

  let explorerView = null;
  async function drawExplorer() {
    explorerView?.abort();
    explorerView = null;
    clear(explorerBox);
    const ref = model.get("explorer");
    explorerBox.hidden = !ref;
    if (!ref) return;
    const id = String(ref).replace(/^IPY_MODEL_/, "");
    const slot = h("div", { class: "nbk-mb-explorer-view" });
    explorerBox.append(
      h("div", { class: "nbk-row nbk-mb-explorer-header" }, [
        h("span", { class: "nbk-section", text: "Activation explorer" }),
        h("button", { class: "nbk-button nbk-close-explorer", text: "close", on: { click: () => ctx.requestOnce("close_explorer", {}) } }),
      ]),
      slot,
    );
    const controller = new AbortController();
    explorerView = controller;
    try {
      if (host && typeof host.getWidget === "function") {
        // anywidget >= 0.11: its own composition API renders the child's ESM into our element.
        const child = await host.getWidget(`anywidget:${id}`);
        if (controller.signal.aborted) return;
        await child.render({ el: slot, signal: controller.signal });
      } else {
        const childModel = await model.widget_manager.get_model(id);
        const view = await model.widget_manager.create_view(childModel);
        if (controller.signal.aborted) { view.remove(); return; }
        slot.append(view.el);
        controller.signal.addEventListener("abort", () => view.remove());
      }
    } catch (err) {
      if (!controller.signal.aborted) slot.textContent = `The activation explorer could not be shown: ${err}`;
    }
  }
  return { els, draw, drawExplorer, dispose: () => explorerView?.abort() };
}
