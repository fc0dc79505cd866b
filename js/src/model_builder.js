// View of nbkeras.ModelBuilder (nbkeras/builder/widget.py). The spec, the report (shapes,
// parameter counts, errors), the code, the selection and the catalog of layers and their
// arguments all come from the kernel; every control sends a request (lib/channel.js) and
// the view redraws from the kernel's answer. Values shown are the spec's, or the
// catalog's defaults (read from Keras in Python) for arguments the spec leaves out.
//
// This file wires the parts in builder/: toolbar (templates, undo, input), palette,
// stack (rows, selection, drag and drop), forms (argument fields), compile, outputs.
import { h, errorBanner, busyMarker } from "./lib/dom.js";
import { channel } from "./lib/channel.js";
import { viewState } from "./builder/state.js";
import { toolbarPart, inputPart } from "./builder/toolbar.js";
import { palettePart } from "./builder/palette.js";
import { stackPart } from "./builder/stack.js";
import { markErrorField } from "./builder/forms.js";
import { compilePart } from "./builder/compile.js";
import { outputsPart } from "./builder/outputs.js";

function render({ model, el, host }) {
  const rpc = channel(model);
  let unique = 0;
  let layerSpecs = new Map();
  const { ui, structure } = viewState();
  ui.shownSelected = model.get("selected");
  /** @type {import("./builder/state.js").BuilderContext} */
  const ctx = {
    model, rpc, ui, structure,
    // Structure edits each get their own key: none of them may replace another.
    requestOnce: (action, args) => rpc.request(action, args, `${action}:${++unique}`),
    catalog: () => model.get("catalog") || {},
    spec: () => model.get("spec") || {},
    report: () => model.get("report") || {},
    layerSpec: (className) => layerSpecs.get(className),
    insertChanged: () => { palette.draw(); drawStack(); },
  };
  const indexCatalog = () => { layerSpecs = new Map((ctx.catalog().layers || []).map((l) => [l.class_name, l])); };
  indexCatalog();

  const toolbar = toolbarPart(ctx);
  const input = inputPart(ctx);
  const palette = palettePart(ctx);
  const stack = stackPart(ctx);
  const compile = compilePart(ctx);
  const outputs = outputsPart(ctx, host);
  const root = h("div", { class: "nbkeras-widget nbkeras-model-builder" });
  const modelBox = h("div", { class: "nbk-mb-model" }, [stack.specErrors, stack.stack, stack.totals]);
  root.append(
    errorBanner(model), toolbar.el, input.el,
    h("div", { class: "nbk-mb-main" }, [palette.el, modelBox]),
    compile.el,
    ...outputs.els,
  );
  el.appendChild(root);

  const markError = () => markErrorField(ctx, root, stack.stack);
  const drawStack = () => { stack.draw(); markError(); };
  const drawCompile = () => { compile.draw(); markError(); };

  // One kernel answer changes several traits (spec, report, code, ...): each part is
  // redrawn once per answer, after all of them have arrived.
  const pending = new Set();
  const schedule = (...fns) => () => {
    if (pending.size === 0) queueMicrotask(() => { const fns = [...pending]; pending.clear(); for (const fn of fns) fn(); });
    for (const fn of fns) pending.add(fn);
  };
  const redrawAll = () => { indexCatalog(); toolbar.draw(); input.draw(); palette.draw(); drawStack(); drawCompile(); outputs.draw(); };
  redrawAll();
  outputs.drawExplorer();
  const listeners = [
    ["change:catalog", redrawAll],
    ["change:spec change:report", schedule(input.draw, drawStack, drawCompile)],
    ["change:selected change:insert_position", schedule(palette.draw, drawStack)],
    ["change:compile_warnings", schedule(drawCompile)],
    ["change:code change:summary", outputs.draw],
    ["change:can_undo change:can_redo", toolbar.drawHistory],
    ["change:error_field change:error", markError],
    ["change:explorer", outputs.drawExplorer],
  ];
  for (const [event, fn] of listeners) model.on(event, fn);
  // A check that takes longer than BUSY_DELAY_MS (a first Keras build of a layer class,
  // a big template) dims the stack until the answer arrives.
  const busy = busyMarker(modelBox, "checking…");
  const stopActivity = rpc.onActivity(({ waiting }) => busy.set(waiting.length > 0));
  return () => {
    for (const [event, fn] of listeners) model.off(event, fn);
    stopActivity();
    busy.dispose();
    outputs.dispose();
    rpc.dispose();
  };
}

export default { render };
