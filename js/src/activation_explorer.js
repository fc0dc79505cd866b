// View of nbkeras.ActivationExplorer (nbkeras/activations/widget.py). Every number it
// shows comes from the kernel; controls send requests through lib/channel.js and redraw
// when the kernel's answer changes the synced state.
//
// A control change must reach the screen fast (issue #10: median <= 150 ms with four
// activations), so an answer redraws only what it changed: controls are updated in
// place (rebuilt only when which controls exist changes), a card is rebuilt only when
// its content changed, and each chart only when its own figure arrives.
import { h, clear, errorBanner, busyMarker } from "./lib/dom.js";
import { channel } from "./lib/channel.js";
import { bindField } from "./lib/fields.js";
import { bindFigure } from "./lib/plotly.js";
import { mathml, fixUnstretchedFences } from "./lib/mathml.js";

/** A number as a field shows it; "" for None. @param {any} v */
const asText = (v) => (v === null || v === undefined ? "" : String(v));
/** A field's text as sent: "" is None, anything else a number (the kernel's check answers). @param {string} v */
const asNumber = (v) => (v.trim() === "" ? null : Number(v));

/**
 * A numeric control: a range slider that sends while dragging, and a number field beside
 * it for an exact value (Enter or leaving it applies, Escape reverts). Both show the
 * kernel's value, except while a newer value of this control waits to be sent.
 * @param {{name: string, label?: string, min: number, max: number, step: number}} spec
 * @param {() => any} current the kernel's value
 * @param {(v: number | null) => void} send
 * @param {() => boolean} newerQueued whether a newer value of this control waits to be sent
 * @returns {{node: HTMLElement, refresh: () => void}}
 */
function numeric(spec, current, send, newerQueued) {
  const slider = h("input", {
    attrs: { type: "range", min: spec.min, max: spec.max, step: spec.step, "aria-label": spec.name },
  });
  const field = h("input", {
    class: "nbk-value",
    attrs: { type: "number", step: "any", "aria-label": `${spec.label ?? spec.name} value`, "data-field": spec.name },
  });
  const text = bindField(/** @type {HTMLInputElement} */ (field), {
    current: () => asText(current()),
    apply: (v) => send(asNumber(v)),
  });
  slider.addEventListener("input", () => {
    text.show(slider.value);
    send(Number(slider.value));
  });
  const refresh = () => {
    if (newerQueued()) return; // the controls already show a newer value
    const v = current();
    if (typeof v === "number") slider.value = String(v); // after min/max, so the browser does not clamp it early
    text.refresh();
  };
  refresh();
  const node = h("label", { class: "nbk-control", attrs: { "data-param": spec.name } }, [
    h("span", { class: "nbk-control-name", text: spec.label ?? spec.name }),
    slider,
    field,
  ]);
  return { node, refresh };
}

function render({ model, el }) {
  const rpc = channel(model, { settle: "settle" });
  const root = h("div", { class: "nbkeras-widget nbkeras-activation-explorer" });
  const picker = h("div", { class: "nbk-row nbk-picker" });
  const range = h("div", { class: "nbk-row nbk-range" });
  const paramsBox = h("div", { class: "nbk-params" });
  const curves = h("div", { class: "nbk-plot nbk-curves" });
  const curvesFrame = h("div", { class: "nbk-plot-frame nbk-curves-frame" }, [curves]);
  const cards = h("div", { class: "nbk-cards" });
  const excluded = h("p", { class: "nbk-note nbk-excluded" });
  const depthControls = h("div", { class: "nbk-row nbk-depth-controls" });
  const depthPlot = h("div", { class: "nbk-plot nbk-depth" });
  const depthFrame = h("div", { class: "nbk-plot-frame nbk-depth-frame" }, [depthPlot]);
  root.append(
    errorBanner(model), picker, range, paramsBox, curvesFrame, cards, excluded,
    h("h4", { class: "nbk-section", text: "Through depth: signals and gradients in a stack of Dense layers" }),
    depthControls, depthFrame,
  );
  el.appendChild(root);

  const catalog = () => model.get("catalog") || {};
  // Functions that show the kernel's current values in the controls on screen.
  /** @type {(() => void)[]} */
  let paramRefresh = [];
  /** @type {(() => void)[]} */
  let depthRefresh = [];
  /** @type {(() => void)[]} */
  let rangeRefresh = [];

  function drawPicker() {
    clear(picker);
    const chosen = model.get("activations");
    for (const name of chosen) {
      const remove = h("button", {
        class: "nbk-chip-remove", text: "×", title: `remove ${name}`,
        on: { click: () => rpc.set("activations", model.get("activations").filter((n) => n !== name)) },
      });
      picker.append(h("span", { class: "nbk-chip", attrs: { "data-activation": name } }, [name, remove]));
    }
    const all = [...(catalog().names || []), ...(catalog().custom || [])].filter((n) => !chosen.includes(n));
    const add = h("select", { class: "nbk-add-activation", attrs: { "aria-label": "add activation" }, on: {
      change: () => { if (add.value) rpc.set("activations", [...model.get("activations"), add.value]); },
    } }, [h("option", { text: "+ overlay activation…", attrs: { value: "" } }), ...all.map((n) => h("option", { text: n, attrs: { value: n } }))]);
    const only = h("select", { class: "nbk-pick-activation", attrs: { "aria-label": "show activation" }, on: {
      change: () => { if (only.value) rpc.set("activations", [only.value]); },
    } }, [h("option", { text: "show only…", attrs: { value: "" } }), ...[...(catalog().names || []), ...(catalog().custom || [])].map((n) => h("option", { text: n, attrs: { value: n } }))]);
    picker.append(add, only);
  }

  function drawRange() {
    clear(range);
    const num = (label, current, send) => {
      const input = h("input", { attrs: { type: "number", step: "any", "aria-label": label, "data-field": label } });
      const field = bindField(/** @type {HTMLInputElement} */ (input), { current: () => asText(current()), apply: (v) => send(asNumber(v)) });
      rangeRefresh.push(field.refresh);
      return h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: label }), input]);
    };
    rangeRefresh = [];
    // Sent as typed (even "" or "abc"): the kernel's validator answers with the message.
    range.append(
      num("x min", () => model.get("x_range")[0], (v) => rpc.set("x_range", [v, model.get("x_range")[1]])),
      num("x max", () => model.get("x_range")[1], (v) => rpc.set("x_range", [model.get("x_range")[0], v])),
      num("points", () => model.get("points"), (v) => rpc.set("points", v)),
    );
  }

  /** @param {any} p parameter spec from the catalog  @param {string} name activation */
  function parameterControl(p, name) {
    const current = () => (model.get("params") || {})[name]?.[p.name];
    const send = (v) => {
      const next = structuredClone(model.get("params"));
      next[name] = { ...next[name], [p.name]: v };
      rpc.set("params", next);
    };
    const label = (control, text = p.name) => h("label", { class: "nbk-control", attrs: { "data-param": p.name } }, [
      h("span", { class: "nbk-control-name", text }), control,
    ]);
    if (p.kind === "bool") {
      const box = h("input", { attrs: { type: "checkbox", "aria-label": p.name }, on: { change: () => send(box.checked) } });
      paramRefresh.push(() => { if (!rpc.queued("set:params")) box.checked = Boolean(current()); });
      box.checked = Boolean(current());
      return label(box);
    }
    if (p.kind === "choice") {
      const sel = h("select", { attrs: { "aria-label": p.name }, on: { change: () => send(JSON.parse(sel.value)) } },
        p.choices.map((c) => h("option", { text: String(c), attrs: { value: JSON.stringify(c) } })));
      sel.value = JSON.stringify(current());
      paramRefresh.push(() => { if (!rpc.queued("set:params")) sel.value = JSON.stringify(current()); });
      return label(sel);
    }
    if (current() === null || current() === undefined) {
      // An optional numeric argument left at None (e.g. relu's max_value): offer to set it.
      const btn = h("button", { class: "nbk-button", text: `set ${p.name}`, on: { click: () => send(p.suggested ?? p.min ?? 0) } });
      return label(btn, `${p.name} = None`);
    }
    const control = numeric({ name: p.name, min: p.min, max: p.max, step: p.step }, current, send, () => rpc.queued("set:params"));
    paramRefresh.push(control.refresh);
    return control.node;
  }

  // Which controls exist (not their values): when only values change, controls are
  // updated in place, so a slider being dragged or a field being typed in stays put.
  const paramsShape = () => {
    const params = model.get("params") || {};
    return JSON.stringify(model.get("activations").map((name) => [name, (catalog().parameters?.[name] || [])
      .map((p) => [p.name, p.kind, params[name]?.[p.name] === null || params[name]?.[p.name] === undefined])]));
  };
  let drawnParamsShape = "";

  function drawParams() {
    drawnParamsShape = paramsShape();
    clear(paramsBox);
    paramRefresh = [];
    const specs = catalog().parameters || {};
    for (const name of model.get("activations")) {
      const list = specs[name] || [];
      if (!list.length) continue;
      const group = h("fieldset", { class: "nbk-param-group", attrs: { "data-activation": name } }, [h("legend", { text: name })]);
      for (const p of list) group.append(parameterControl(p, name));
      paramsBox.append(group);
    }
  }

  function updateParams() {
    if (paramsShape() !== drawnParamsShape) drawParams();
    else for (const refresh of paramRefresh) refresh();
  }

  // A card is rebuilt only when its content changed: formulas are the costly part to lay out.
  /** @type {Map<string, HTMLElement>} */
  let cardNodes = new Map();
  function drawCards() {
    const next = new Map();
    const fresh = [];
    for (const card of model.get("cards") || []) {
      const key = JSON.stringify(card); // names are unique, so keys are too
      let node = cardNodes.get(key);
      if (!node) {
        node = cardNode(card);
        fresh.push(node);
      }
      next.set(key, node);
    }
    cardNodes = next;
    const nodes = [...next.values()];
    if (nodes.length !== cards.childElementCount || nodes.some((n, i) => cards.children[i] !== n)) cards.replaceChildren(...nodes);
    for (const node of fresh) fixUnstretchedFences(node);
  }

  function cardNode(card) {
    const table = h("table", { class: "nbk-properties" }, (card.properties || []).map(([k, v]) =>
      h("tr", {}, [h("th", { text: k }), h("td", { text: v })])));
    return h("div", { class: "nbk-card", attrs: { "data-activation": card.name, style: `border-left-color:${card.color}` } }, [
      h("div", { class: "nbk-card-title", text: card.name }),
      card.formula ? h("div", { class: "nbk-formula", title: card.latex || "" }, [mathml(card.formula)]) : h("div", { class: "nbk-note", text: "custom activation: no formula" }),
      card.derivative ? h("div", { class: "nbk-formula nbk-derivative" }, [mathml(card.derivative)]) : null,
      table,
    ]);
  }

  function drawExcluded() {
    const ex = catalog().excluded || {};
    const names = Object.keys(ex);
    excluded.textContent = names.length
      ? `Not plotted: ${names.map((n) => `${n} (${ex[n]})`).join("; ")}`
      : "";
  }

  // Which depth controls exist: the activation picker's options, and stddev for random_normal.
  const depthShape = () => JSON.stringify([model.get("activations"), model.get("depth_initializer") === "random_normal"]);
  let drawnDepthShape = "";
  function drawDepthControls() {
    clear(depthControls);
    depthRefresh = [];
    drawnDepthShape = depthShape();
    const c = catalog().depth || { layers: [1, 100], width: [1, 1024], initializers: [] };
    // Which chosen activation goes through the layers (the kernel's `depth_activation`).
    const which = h("select", { attrs: { "aria-label": "depth activation" }, on: { change: () => rpc.set("depth_activation", which.value) } },
      model.get("activations").map((n) => h("option", { text: n, attrs: { value: n } })));
    which.value = model.get("depth_activation");
    depthRefresh.push(() => { if (!rpc.queued("set:depth_activation")) which.value = model.get("depth_activation"); });
    depthControls.append(h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: "activation" }), which]));
    const depthNumeric = (name, label, min, max, step) => {
      const control = numeric({ name, label, min, max, step }, () => model.get(name), (v) => rpc.set(name, v), () => rpc.queued(`set:${name}`));
      depthRefresh.push(control.refresh);
      return control.node;
    };
    depthControls.append(
      depthNumeric("depth_layers", "layers", c.layers[0], c.layers[1], 1),
      depthNumeric("depth_width", "width", c.width[0], Math.min(c.width[1], 512), 1),
    );
    const init = h("select", { attrs: { "aria-label": "initializer" }, on: { change: () => rpc.set("depth_initializer", init.value) } },
      c.initializers.map((n) => h("option", { text: n, attrs: { value: n } })));
    init.value = model.get("depth_initializer");
    depthRefresh.push(() => { if (!rpc.queued("set:depth_initializer")) init.value = model.get("depth_initializer"); });
    depthControls.append(h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: "initializer" }), init]));
    if (model.get("depth_initializer") === "random_normal") {
      depthControls.append(depthNumeric("depth_stddev", "stddev", 0.01, 3, 0.01));
    }
  }

  function updateDepthControls() {
    if (depthShape() !== drawnDepthShape) drawDepthControls();
    else for (const refresh of depthRefresh) refresh();
  }

  // -- busy: a chart whose answer takes longer than BUSY_DELAY_MS is dimmed, with a note ---
  const curvesBusy = busyMarker(curvesFrame);
  const depthBusy = busyMarker(depthFrame);
  const isDepthKey = (key) => key.startsWith("set:depth_");
  const stopActivity = rpc.onActivity(({ waiting, settling }) => {
    // The curves are answered with the request; the depth panel may follow in a second
    // message (`settling`), or is itself what a depth control asked for.
    curvesBusy.set(waiting.some((k) => !isDepthKey(k)));
    depthBusy.set(settling || waiting.some(isDepthKey));
  });

  const redrawAll = () => { drawPicker(); drawRange(); drawParams(); drawCards(); drawExcluded(); drawDepthControls(); };
  redrawAll();
  const listeners = [
    ["change:activations", () => { drawPicker(); updateParams(); updateDepthControls(); }],
    ["change:catalog", redrawAll],
    ["change:x_range change:points", () => { for (const refresh of rangeRefresh) refresh(); }],
    ["change:params", updateParams],
    ["change:cards", drawCards],
    ["change:depth_activation change:depth_layers change:depth_width change:depth_initializer change:depth_stddev", updateDepthControls],
  ];
  for (const [event, fn] of listeners) model.on(event, fn);

  const unbind = [bindFigure(model, curves, "curves_figure"), bindFigure(model, depthPlot, "depth_figure")];
  return () => {
    for (const [event, fn] of listeners) model.off(event, fn);
    stopActivity();
    curvesBusy.dispose();
    depthBusy.dispose();
    rpc.dispose();
    for (const p of unbind) p.then((stop) => stop());
  };
}

export default { render };
