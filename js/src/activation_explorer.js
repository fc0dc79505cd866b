// View of nbkeras.ActivationExplorer (nbkeras/activations/widget.py). Every number it
// shows comes from the kernel; controls send requests through lib/channel.js and redraw
// when the kernel's answer changes the synced state.
import { h, clear, errorBanner } from "./lib/dom.js";
import { channel } from "./lib/channel.js";
import { bindFigure } from "./lib/plotly.js";
import { mathml, fixUnstretchedFences } from "./lib/mathml.js";

/**
 * A numeric control: a range slider with the value beside it. Sends while dragging.
 * @param {{name: string, min: number, max: number, step: number, value: number, label?: string}} spec
 * @param {(v: number) => void} onInput
 */
function slider(spec, onInput) {
  const out = h("output", { text: String(spec.value) });
  const input = h("input", {
    attrs: { type: "range", min: spec.min, max: spec.max, step: spec.step, value: spec.value, "aria-label": spec.name },
    on: {
      input: () => {
        out.textContent = input.value;
        onInput(Number(input.value));
      },
    },
  });
  input.value = String(spec.value); // after min/max, so the browser does not clamp it early
  return h("label", { class: "nbk-control", attrs: { "data-param": spec.name } }, [
    h("span", { class: "nbk-control-name", text: spec.label ?? spec.name }),
    input,
    out,
  ]);
}

/** @param {any} p parameter spec from the catalog  @param {any} value @param {(v:any)=>void} send */
function parameterControl(p, value, send) {
  if (p.kind === "bool") {
    const box = h("input", { attrs: { type: "checkbox", "aria-label": p.name }, on: { change: () => send(box.checked) } });
    box.checked = Boolean(value);
    return h("label", { class: "nbk-control", attrs: { "data-param": p.name } }, [h("span", { class: "nbk-control-name", text: p.name }), box]);
  }
  if (p.kind === "choice") {
    const sel = h("select", { attrs: { "aria-label": p.name }, on: { change: () => send(JSON.parse(sel.value)) } },
      p.choices.map((c) => h("option", { text: String(c), attrs: { value: JSON.stringify(c) } })));
    sel.value = JSON.stringify(value);
    return h("label", { class: "nbk-control", attrs: { "data-param": p.name } }, [h("span", { class: "nbk-control-name", text: p.name }), sel]);
  }
  if (value === null || value === undefined) {
    // An optional numeric argument left at None (e.g. relu's max_value): offer to set it.
    const btn = h("button", { class: "nbk-button", text: `set ${p.name}`, on: { click: () => send(p.suggested ?? p.min ?? 0) } });
    return h("label", { class: "nbk-control", attrs: { "data-param": p.name } }, [h("span", { class: "nbk-control-name", text: `${p.name} = None` }), btn]);
  }
  return slider({ name: p.name, min: p.min, max: p.max, step: p.step, value }, send);
}

function render({ model, el }) {
  const rpc = channel(model);
  const root = h("div", { class: "nbkeras-widget nbkeras-activation-explorer" });
  const picker = h("div", { class: "nbk-row nbk-picker" });
  const range = h("div", { class: "nbk-row nbk-range" });
  const paramsBox = h("div", { class: "nbk-params" });
  const curves = h("div", { class: "nbk-plot nbk-curves" });
  const cards = h("div", { class: "nbk-cards" });
  const excluded = h("p", { class: "nbk-note nbk-excluded" });
  const depthControls = h("div", { class: "nbk-row nbk-depth-controls" });
  const depthPlot = h("div", { class: "nbk-plot nbk-depth" });
  root.append(
    errorBanner(model), picker, range, paramsBox, curves, cards, excluded,
    h("h4", { class: "nbk-section", text: "Through depth: signals and gradients in a stack of Dense layers" }),
    depthControls, depthPlot,
  );
  el.appendChild(root);

  const catalog = () => model.get("catalog") || {};

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
    const [lo, hi] = model.get("x_range");
    const num = (label, value, onChange) => {
      const input = h("input", { attrs: { type: "number", value, step: "any", "aria-label": label }, on: { change: () => onChange(input.value) } });
      return h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: label }), input]);
    };
    // Sent as typed (even "" or "abc"): the kernel's validator answers with the message.
    const asNumber = (v) => (v.trim() === "" ? null : Number(v));
    range.append(
      num("x min", lo, (v) => rpc.set("x_range", [asNumber(v), model.get("x_range")[1]])),
      num("x max", hi, (v) => rpc.set("x_range", [model.get("x_range")[0], asNumber(v)])),
      num("points", model.get("points"), (v) => rpc.set("points", asNumber(v))),
    );
  }

  function drawParams() {
    clear(paramsBox);
    const params = model.get("params") || {};
    const specs = catalog().parameters || {};
    for (const name of model.get("activations")) {
      const list = specs[name] || [];
      if (!list.length) continue;
      const group = h("fieldset", { class: "nbk-param-group", attrs: { "data-activation": name } }, [h("legend", { text: name })]);
      for (const p of list) {
        group.append(parameterControl(p, params[name]?.[p.name], (v) => {
          const next = structuredClone(model.get("params"));
          next[name] = { ...next[name], [p.name]: v };
          rpc.set("params", next);
        }));
      }
      paramsBox.append(group);
    }
  }

  function drawCards() {
    clear(cards);
    for (const card of model.get("cards") || []) {
      const table = h("table", { class: "nbk-properties" }, (card.properties || []).map(([k, v]) =>
        h("tr", {}, [h("th", { text: k }), h("td", { text: v })])));
      cards.append(h("div", { class: "nbk-card", attrs: { "data-activation": card.name, style: `border-left-color:${card.color}` } }, [
        h("div", { class: "nbk-card-title", text: card.name }),
        card.formula ? h("div", { class: "nbk-formula", title: card.latex || "" }, [mathml(card.formula)]) : h("div", { class: "nbk-note", text: "custom activation: no formula" }),
        card.derivative ? h("div", { class: "nbk-formula nbk-derivative" }, [mathml(card.derivative)]) : null,
        table,
      ]));
    }
    fixUnstretchedFences(cards);
  }

  function drawExcluded() {
    const ex = catalog().excluded || {};
    const names = Object.keys(ex);
    excluded.textContent = names.length
      ? `Not plotted: ${names.map((n) => `${n} (${ex[n]})`).join("; ")}`
      : "";
  }

  function drawDepthControls() {
    clear(depthControls);
    const c = catalog().depth || { layers: [1, 100], width: [1, 1024], initializers: [] };
    depthControls.append(
      slider({ name: "depth_layers", label: "layers", min: c.layers[0], max: c.layers[1], step: 1, value: model.get("depth_layers") }, (v) => rpc.set("depth_layers", v)),
      slider({ name: "depth_width", label: "width", min: c.width[0], max: Math.min(c.width[1], 512), step: 1, value: model.get("depth_width") }, (v) => rpc.set("depth_width", v)),
    );
    const init = h("select", { attrs: { "aria-label": "initializer" }, on: { change: () => rpc.set("depth_initializer", init.value) } },
      c.initializers.map((n) => h("option", { text: n, attrs: { value: n } })));
    init.value = model.get("depth_initializer");
    depthControls.append(h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: "initializer" }), init]));
    if (model.get("depth_initializer") === "random_normal") {
      depthControls.append(slider({ name: "depth_stddev", label: "stddev", min: 0.01, max: 3, step: 0.01, value: model.get("depth_stddev") }, (v) => rpc.set("depth_stddev", v)));
    }
  }

  const redrawAll = () => { drawPicker(); drawRange(); drawParams(); drawCards(); drawExcluded(); drawDepthControls(); };
  redrawAll();
  const listeners = [
    ["change:activations", () => { drawPicker(); drawParams(); }],
    ["change:catalog", redrawAll],
    ["change:x_range change:points", drawRange],
    ["change:params", drawParamsUnlessDragging],
    ["change:cards", drawCards],
    ["change:depth_layers change:depth_width change:depth_initializer change:depth_stddev", drawDepthControlsUnlessDragging],
  ];
  // Rebuilding a slider under the pointer would end the drag: while a control has focus
  // its own value is already on screen, so only redraw when nothing inside is active.
  function drawParamsUnlessDragging() { if (!paramsBox.contains(document.activeElement)) drawParams(); }
  function drawDepthControlsUnlessDragging() { if (!depthControls.contains(document.activeElement)) drawDepthControls(); }
  for (const [event, fn] of listeners) model.on(event, fn);

  const unbind = [bindFigure(model, curves, "curves_figure"), bindFigure(model, depthPlot, "depth_figure")];
  return () => {
    for (const [event, fn] of listeners) model.off(event, fn);
    rpc.dispose();
    for (const p of unbind) p.then((stop) => stop());
  };
}

export default { render };
