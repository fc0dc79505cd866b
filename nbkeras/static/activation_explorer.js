// src/lib/dom.js
function h(tag, props = {}, children = []) {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.text !== void 0) el.textContent = String(props.text);
  if (props.title) el.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, String(v));
  for (const [k, v] of Object.entries(props.on ?? {})) el.addEventListener(k, v);
  for (const child of children) {
    if (child === null || child === void 0 || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return el;
}
function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}
function errorBanner(model) {
  const banner = h("div", { class: "nbk-error", attrs: { role: "alert" } });
  const update = () => {
    const message = model.get("error") || "";
    banner.textContent = message;
    banner.hidden = message === "";
  };
  update();
  model.on("change:error", update);
  return banner;
}

// src/lib/channel.js
function channel(model) {
  const pending = /* @__PURE__ */ new Map();
  let inFlight = 0;
  let seq = model.get("_ack") || 0;
  function pump() {
    if (inFlight !== 0 || pending.size === 0) return;
    const [key, req] = pending.entries().next().value;
    pending.delete(key);
    seq += 1;
    inFlight = seq;
    model.send({ type: "request", seq, action: req.action, args: req.args });
  }
  function onAck() {
    if (model.get("_ack") >= inFlight) {
      inFlight = 0;
      pump();
    }
  }
  model.on("change:_ack", onAck);
  return {
    request(action, args, key = action) {
      pending.delete(key);
      pending.set(key, { action, args });
      pump();
    },
    set(name, value) {
      this.request("set", { name, value }, `set:${name}`);
    },
    dispose() {
      model.off("change:_ack", onAck);
      pending.clear();
    }
  };
}

// src/lib/plotly.js
var CACHE = Symbol.for("nbkeras.plotly");
async function loadPlotly(model) {
  const ref = model.get("_plotly");
  const runtime = await model.widget_manager.get_model(String(ref).replace(/^IPY_MODEL_/, ""));
  const version = runtime.get("version");
  const cache = globalThis[CACHE] ??= /* @__PURE__ */ new Map();
  if (!cache.has(version)) cache.set(version, injectScript(runtime.get("source")));
  return cache.get(version);
}
function injectScript(source) {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const saved = { Plotly: globalThis.Plotly, define: globalThis.define };
  globalThis.define = void 0;
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => {
      const plotly = globalThis.Plotly;
      restore();
      resolve(plotly);
    };
    script.onerror = () => {
      restore();
      reject(new Error("nbkeras: plotly.js failed to load from the kernel's PlotlyRuntime"));
    };
    document.head.appendChild(script);
  });
  function restore() {
    globalThis.define = saved.define;
    if (saved.Plotly === void 0) delete globalThis.Plotly;
    else globalThis.Plotly = saved.Plotly;
    URL.revokeObjectURL(url);
  }
}
function float32Points(view) {
  const arr = new Float32Array(view.buffer, view.byteOffset, view.byteLength / 4);
  return Array.from(arr, (v) => Number.isFinite(v) ? v : null);
}
function fromWire(spec) {
  if (spec instanceof DataView) return float32Points(spec);
  if (Array.isArray(spec)) return spec.map(fromWire);
  if (spec && typeof spec === "object") {
    if (spec.f32 instanceof DataView && Array.isArray(spec.shape) && spec.shape.length === 2) {
      const flat = float32Points(spec.f32);
      const [rows, cols] = spec.shape;
      return Array.from({ length: rows }, (_, r) => flat.slice(r * cols, (r + 1) * cols));
    }
    return Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, fromWire(v)]));
  }
  return spec;
}
async function bindFigure(model, el, trait) {
  const Plotly = await loadPlotly(model);
  const draw = () => {
    const spec = model.get(trait);
    if (!spec || !spec.data) return;
    const { data, layout } = fromWire(spec);
    Plotly.react(el, data, layout, { responsive: true, displaylogo: false });
  };
  draw();
  model.on(`change:${trait}`, draw);
  return () => {
    model.off(`change:${trait}`, draw);
    Plotly.purge(el);
  };
}

// src/lib/mathml.js
var NS = "http://www.w3.org/1998/Math/MathML";
var TAGS = /* @__PURE__ */ new Set([
  "math",
  "mrow",
  "mi",
  "mn",
  "mo",
  "ms",
  "mtext",
  "mspace",
  "msup",
  "msub",
  "msubsup",
  "mfrac",
  "msqrt",
  "mroot",
  "mover",
  "munder",
  "munderover",
  "mtable",
  "mtr",
  "mtd",
  "mstyle",
  "mpadded",
  "mphantom",
  "menclose",
  "semantics",
  "annotation"
]);
var ATTRS = /* @__PURE__ */ new Set([
  "display",
  "mathvariant",
  "stretchy",
  "fence",
  "form",
  "separator",
  "columnalign",
  "columnspacing",
  "rowspacing",
  "width",
  "lspace",
  "rspace",
  "linethickness",
  "displaystyle",
  "scriptlevel",
  "accent",
  "accentunder",
  "movablelimits",
  "notation",
  "encoding"
]);
function mathml(node) {
  if (typeof node === "string") return document.createTextNode(node);
  const [tag, attrs, children] = node;
  if (!TAGS.has(tag)) return document.createTextNode("");
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (ATTRS.has(k)) el.setAttribute(k, String(v));
  for (const child of children || []) el.appendChild(mathml(child));
  return el;
}
function fixUnstretchedFences(root) {
  requestAnimationFrame(() => {
    for (const mo of root.querySelectorAll("mo[stretchy='true'][form='prefix']")) {
      const table = mo.nextElementSibling;
      if (!table || table.localName !== "mtable") continue;
      const fence = mo.getBoundingClientRect().height;
      const rows = table.getBoundingClientRect().height;
      if (rows > 0 && fence < 0.75 * rows) {
        mo.classList.add("nbk-unstretched");
        table.classList.add("nbk-cases");
      }
    }
  });
}

// src/activation_explorer.js
function slider(spec, onInput) {
  const out = h("output", { text: String(spec.value) });
  const input = h("input", {
    attrs: { type: "range", min: spec.min, max: spec.max, step: spec.step, value: spec.value, "aria-label": spec.name },
    on: {
      input: () => {
        out.textContent = input.value;
        onInput(Number(input.value));
      }
    }
  });
  input.value = String(spec.value);
  return h("label", { class: "nbk-control", attrs: { "data-param": spec.name } }, [
    h("span", { class: "nbk-control-name", text: spec.label ?? spec.name }),
    input,
    out
  ]);
}
function parameterControl(p, value, send) {
  if (p.kind === "bool") {
    const box = h("input", { attrs: { type: "checkbox", "aria-label": p.name }, on: { change: () => send(box.checked) } });
    box.checked = Boolean(value);
    return h("label", { class: "nbk-control", attrs: { "data-param": p.name } }, [h("span", { class: "nbk-control-name", text: p.name }), box]);
  }
  if (p.kind === "choice") {
    const sel = h(
      "select",
      { attrs: { "aria-label": p.name }, on: { change: () => send(JSON.parse(sel.value)) } },
      p.choices.map((c) => h("option", { text: String(c), attrs: { value: JSON.stringify(c) } }))
    );
    sel.value = JSON.stringify(value);
    return h("label", { class: "nbk-control", attrs: { "data-param": p.name } }, [h("span", { class: "nbk-control-name", text: p.name }), sel]);
  }
  if (value === null || value === void 0) {
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
    errorBanner(model),
    picker,
    range,
    paramsBox,
    curves,
    cards,
    excluded,
    h("h4", { class: "nbk-section", text: "Through depth: signals and gradients in a stack of Dense layers" }),
    depthControls,
    depthPlot
  );
  el.appendChild(root);
  const catalog = () => model.get("catalog") || {};
  function drawPicker() {
    clear(picker);
    const chosen = model.get("activations");
    for (const name of chosen) {
      const remove = h("button", {
        class: "nbk-chip-remove",
        text: "×",
        title: `remove ${name}`,
        on: { click: () => rpc.set("activations", model.get("activations").filter((n) => n !== name)) }
      });
      picker.append(h("span", { class: "nbk-chip", attrs: { "data-activation": name } }, [name, remove]));
    }
    const all = [...catalog().names || [], ...catalog().custom || []].filter((n) => !chosen.includes(n));
    const add = h("select", { class: "nbk-add-activation", attrs: { "aria-label": "add activation" }, on: {
      change: () => {
        if (add.value) rpc.set("activations", [...model.get("activations"), add.value]);
      }
    } }, [h("option", { text: "+ overlay activation…", attrs: { value: "" } }), ...all.map((n) => h("option", { text: n, attrs: { value: n } }))]);
    const only = h("select", { class: "nbk-pick-activation", attrs: { "aria-label": "show activation" }, on: {
      change: () => {
        if (only.value) rpc.set("activations", [only.value]);
      }
    } }, [h("option", { text: "show only…", attrs: { value: "" } }), ...[...catalog().names || [], ...catalog().custom || []].map((n) => h("option", { text: n, attrs: { value: n } }))]);
    picker.append(add, only);
  }
  function drawRange() {
    clear(range);
    const [lo, hi] = model.get("x_range");
    const num = (label, value, onChange) => {
      const input = h("input", { attrs: { type: "number", value, step: "any", "aria-label": label }, on: { change: () => onChange(input.value) } });
      return h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: label }), input]);
    };
    const asNumber = (v) => v.trim() === "" ? null : Number(v);
    range.append(
      num("x min", lo, (v) => rpc.set("x_range", [asNumber(v), model.get("x_range")[1]])),
      num("x max", hi, (v) => rpc.set("x_range", [model.get("x_range")[0], asNumber(v)])),
      num("points", model.get("points"), (v) => rpc.set("points", asNumber(v)))
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
      const table = h("table", { class: "nbk-properties" }, (card.properties || []).map(([k, v]) => h("tr", {}, [h("th", { text: k }), h("td", { text: v })])));
      cards.append(h("div", { class: "nbk-card", attrs: { "data-activation": card.name, style: `border-left-color:${card.color}` } }, [
        h("div", { class: "nbk-card-title", text: card.name }),
        card.formula ? h("div", { class: "nbk-formula", title: card.latex || "" }, [mathml(card.formula)]) : h("div", { class: "nbk-note", text: "custom activation: no formula" }),
        card.derivative ? h("div", { class: "nbk-formula nbk-derivative" }, [mathml(card.derivative)]) : null,
        table
      ]));
    }
    fixUnstretchedFences(cards);
  }
  function drawExcluded() {
    const ex = catalog().excluded || {};
    const names = Object.keys(ex);
    excluded.textContent = names.length ? `Not plotted: ${names.map((n) => `${n} (${ex[n]})`).join("; ")}` : "";
  }
  function drawDepthControls() {
    clear(depthControls);
    const c = catalog().depth || { layers: [1, 100], width: [1, 1024], initializers: [] };
    depthControls.append(
      slider({ name: "depth_layers", label: "layers", min: c.layers[0], max: c.layers[1], step: 1, value: model.get("depth_layers") }, (v) => rpc.set("depth_layers", v)),
      slider({ name: "depth_width", label: "width", min: c.width[0], max: Math.min(c.width[1], 512), step: 1, value: model.get("depth_width") }, (v) => rpc.set("depth_width", v))
    );
    const init = h(
      "select",
      { attrs: { "aria-label": "initializer" }, on: { change: () => rpc.set("depth_initializer", init.value) } },
      c.initializers.map((n) => h("option", { text: n, attrs: { value: n } }))
    );
    init.value = model.get("depth_initializer");
    depthControls.append(h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: "initializer" }), init]));
    if (model.get("depth_initializer") === "random_normal") {
      depthControls.append(slider({ name: "depth_stddev", label: "stddev", min: 0.01, max: 3, step: 0.01, value: model.get("depth_stddev") }, (v) => rpc.set("depth_stddev", v)));
    }
  }
  const redrawAll = () => {
    drawPicker();
    drawRange();
    drawParams();
    drawCards();
    drawExcluded();
    drawDepthControls();
  };
  redrawAll();
  const listeners = [
    ["change:activations", () => {
      drawPicker();
      drawParams();
    }],
    ["change:catalog", redrawAll],
    ["change:x_range change:points", drawRange],
    ["change:params", drawParamsUnlessDragging],
    ["change:cards", drawCards],
    ["change:depth_layers change:depth_width change:depth_initializer change:depth_stddev", drawDepthControlsUnlessDragging]
  ];
  function drawParamsUnlessDragging() {
    if (!paramsBox.contains(document.activeElement)) drawParams();
  }
  function drawDepthControlsUnlessDragging() {
    if (!depthControls.contains(document.activeElement)) drawDepthControls();
  }
  for (const [event, fn] of listeners) model.on(event, fn);
  const unbind = [bindFigure(model, curves, "curves_figure"), bindFigure(model, depthPlot, "depth_figure")];
  return () => {
    for (const [event, fn] of listeners) model.off(event, fn);
    rpc.dispose();
    for (const p of unbind) p.then((stop) => stop());
  };
}
var activation_explorer_default = { render };
export {
  activation_explorer_default as default
};
