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
var BUSY_DELAY_MS = 300;
function busyMarker(frame, text = "computing…") {
  const note = h("div", { class: "nbk-busy-note", text, attrs: { role: "status" } });
  note.hidden = true;
  frame.append(note);
  let timer = 0;
  const show = (on) => {
    frame.classList.toggle("nbk-busy", on);
    frame.setAttribute("aria-busy", String(on));
    note.hidden = !on;
  };
  show(false);
  return {
    set(busy) {
      if (!busy) {
        clearTimeout(timer);
        timer = 0;
        show(false);
      } else if (timer === 0 && !frame.classList.contains("nbk-busy")) {
        timer = setTimeout(() => {
          timer = 0;
          show(true);
        }, BUSY_DELAY_MS);
      }
    },
    dispose() {
      clearTimeout(timer);
    }
  };
}

// src/lib/channel.js
function channel(model, options = {}) {
  const SETTLE_KEY = "\0settle";
  const pending = /* @__PURE__ */ new Map();
  let inFlight = 0;
  let inFlightKey = null;
  let settling = false;
  let seq = model.get("_ack") || 0;
  const listeners = /* @__PURE__ */ new Set();
  let last = "";
  function activity() {
    const waiting = [...pending.keys()];
    if (inFlightKey !== null && inFlightKey !== SETTLE_KEY) waiting.unshift(inFlightKey);
    return { waiting: waiting.filter((k) => k !== SETTLE_KEY), settling };
  }
  function notify() {
    if (listeners.size === 0) return;
    const now = activity();
    const text = JSON.stringify(now);
    if (text === last) return;
    last = text;
    for (const fn of listeners) fn(now);
  }
  function pump() {
    if (inFlight !== 0 || pending.size === 0) return;
    const [key, req] = pending.entries().next().value;
    pending.delete(key);
    seq += 1;
    inFlight = seq;
    inFlightKey = key;
    model.send({ type: "request", seq, action: req.action, args: req.args });
  }
  function onAck() {
    if (inFlight === 0 || model.get("_ack") < inFlight) return;
    const answered = inFlightKey;
    inFlight = 0;
    inFlightKey = null;
    if (options.settle) {
      settling = answered !== SETTLE_KEY;
      if (settling && pending.size === 0) pending.set(SETTLE_KEY, { action: options.settle, args: {} });
    }
    pump();
    notify();
  }
  model.on("change:_ack", onAck);
  return {
    request(action, args, key = action) {
      pending.delete(key);
      pending.set(key, { action, args });
      pump();
      notify();
    },
    set(name, value) {
      this.request("set", { name, value }, `set:${name}`);
    },
    /** Whether a value for `key` waits to be sent (a newer one than any shown). */
    queued(key) {
      return pending.has(key);
    },
    activity,
    onActivity(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      model.off("change:_ack", onAck);
      pending.clear();
      listeners.clear();
    }
  };
}

// src/builder/state.js
function viewState() {
  const ui = {
    insertAt: null,
    open: /* @__PURE__ */ new Set(),
    more: /* @__PURE__ */ new Set(),
    metricsOpen: false,
    dragFrom: null,
    shownSelected: null
  };
  function remapOpen(map) {
    const moved = (key) => {
      const [p, rest] = key.split(/:(.*)/s);
      const q = map(Number(p));
      return q === null ? null : `${q}:${rest}`;
    };
    ui.open = new Set([...ui.open].map(map).filter((q) => q !== null));
    ui.more = new Set([...ui.more].map(moved).filter((k) => k !== null));
  }
  const structure = {
    add: (at) => remapOpen((p) => p >= at ? p + 1 : p),
    remove: (at) => remapOpen((p) => p === at ? null : p > at ? p - 1 : p),
    move: (from, to) => remapOpen((p) => {
      if (p === from) return to;
      if (from < to && p > from && p <= to) return p - 1;
      if (to < from && p >= to && p < from) return p + 1;
      return p;
    })
  };
  return { ui, structure };
}

// src/lib/fields.js
function bindField(input, { apply, current }) {
  const settled = () => input.dataset.nbkSettled;
  const markDirty = () => input.toggleAttribute("data-lm-suppress-shortcuts", input.value !== settled());
  const settle = (text) => {
    input.dataset.nbkSettled = text;
    markDirty();
  };
  input.value = current();
  settle(input.value);
  const commit = () => {
    if (input.value === settled()) return;
    settle(input.value);
    apply(input.value);
  };
  const revert = () => {
    input.value = current();
    settle(input.value);
  };
  input.addEventListener("input", markDirty);
  input.addEventListener("change", commit);
  input.addEventListener("keydown", (event) => {
    if (event.isComposing) return;
    if (event.key === "Enter") {
      commit();
      handled(event);
    } else if (event.key === "Escape") {
      const changed = input.value !== current();
      revert();
      if (changed) handled(event);
    }
  });
  return {
    refresh() {
      if (input.value !== settled() && document.activeElement === input) return;
      revert();
    },
    show(text) {
      input.value = text;
      settle(text);
    },
    dirty: () => input.value !== settled()
  };
}
function handled(event) {
  event.preventDefault();
  event.stopPropagation();
}
function carryEdit(from, to) {
  if (!(from instanceof HTMLInputElement) || !(to instanceof HTMLInputElement)) return;
  if (from.dataset.nbkSettled === void 0 || to.dataset.nbkSettled === void 0) return;
  if (from.value === from.dataset.nbkSettled) return;
  to.value = from.value;
  to.toggleAttribute("data-lm-suppress-shortcuts", to.value !== to.dataset.nbkSettled);
}

// src/builder/text.js
function parseIntTuple(text, alwaysList) {
  const parts = text.trim().split(/[\s,()[\]]+/).filter((p) => p !== "");
  if (parts.length === 0) return null;
  const values = parts.map((p) => /^-?\d+$/.test(p) ? Number(p) : p);
  return values.length === 1 && !alwaysList ? values[0] : values;
}
function parseShape(text) {
  return text.trim().split(/[\s,()[\]]+/).filter((p) => p !== "").map((p) => /^(none|null|\?)$/i.test(p) ? null : /^-?\d+$/.test(p) ? Number(p) : p);
}
var shapeText = (shape) => shape ? `(${shape.map((d) => d === null ? "None" : d).join(", ")})` : "";
var fieldText = (value) => value === null || value === void 0 ? "" : Array.isArray(value) ? value.join(", ") : String(value);
var count = (n) => n === null || n === void 0 ? "" : Number(n).toLocaleString("en-US");
function restoreFocus(scope, active) {
  const key = active ? active.getAttribute("data-key") : null;
  if (key === null) return;
  const node = [...scope.querySelectorAll("[data-key]")].find((n) => n.getAttribute("data-key") === key);
  if (!node || node === active) return;
  carryEdit(active, node);
  node.focus();
  try {
    if (active instanceof HTMLInputElement && node instanceof HTMLInputElement && active.selectionStart !== null) {
      node.setSelectionRange(active.selectionStart, active.selectionEnd);
    }
  } catch {
  }
}

// src/builder/toolbar.js
function toolbarPart(ctx) {
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
        class: "nbk-button nbk-template",
        text: name,
        attrs: { "data-template": name },
        on: { click: () => ctx.requestOnce("load_template", { name }) }
      }));
    }
    el.append(h("span", { class: "nbk-mb-spacer" }), undo, redo);
    drawHistory();
  }
  return { el, draw, drawHistory };
}
function inputPart(ctx) {
  const el = h("div", { class: "nbk-row nbk-mb-input" });
  function draw() {
    clear(el);
    const active = document.activeElement;
    const shape = h("input", { attrs: { type: "text", "aria-label": "input shape", "data-field": "input_shape", "data-key": "input_shape", size: 14 } });
    bindField(
      /** @type {HTMLInputElement} */
      shape,
      {
        current: () => (ctx.spec().input_shape || []).map((d) => d === null ? "None" : String(d)).join(", "),
        apply: (text) => ctx.rpc.request("set_input", { shape: parseShape(text) }, "set_input:shape")
      }
    );
    const dtype = h("select", {
      attrs: { "aria-label": "input dtype", "data-field": "input_dtype" },
      on: { change: () => ctx.rpc.request("set_input", { dtype: dtype.value }, "set_input:dtype") }
    }, (ctx.catalog().input_dtypes || []).map((d) => h("option", { text: d, attrs: { value: d } })));
    dtype.value = ctx.report().input_dtype;
    el.append(
      h("label", { class: "nbk-control nbk-field", attrs: { "data-field": "input_shape" } }, [
        h("span", { class: "nbk-control-name", text: "input shape", title: "per sample, without the batch axis; None for a length that varies" }),
        shape
      ]),
      h("label", { class: "nbk-control nbk-field", attrs: { "data-field": "input_dtype" } }, [
        h("span", { class: "nbk-control-name", text: "dtype" }),
        dtype
      ])
    );
    if (active && !active.isConnected) restoreFocus(el, active);
  }
  return { el, draw };
}

// src/builder/palette.js
function whereText(ctx) {
  const { ui, model } = ctx;
  if (ui.insertAt !== null) return `Insert above position ${ui.insertAt}`;
  const selected = model.get("selected");
  const at = model.get("insert_position");
  const layers = Array.isArray(ctx.spec().layers) ? ctx.spec().layers.length : 0;
  if (selected !== null && selected !== void 0) return `Add below position ${selected}`;
  return at <= layers ? `Add above the output layer (position ${at})` : "Add a layer at the end";
}
function palettePart(ctx) {
  const el = h("div", { class: "nbk-mb-palette" });
  function draw() {
    clear(el);
    const { ui } = ctx;
    const selected = ctx.model.get("selected");
    let cancel = null;
    if (ui.insertAt !== null) {
      cancel = h("button", {
        class: "nbk-button nbk-cancel-insert",
        text: "cancel",
        on: { click: () => {
          ui.insertAt = null;
          ctx.insertChanged();
        } }
      });
    } else if (selected !== null && selected !== void 0) {
      cancel = h("button", {
        class: "nbk-button nbk-unselect",
        text: "unselect",
        title: "add above the output layer instead",
        on: { click: () => ctx.rpc.request("select_layer", { position: null }, "select_layer") }
      });
    }
    el.append(h("div", { class: "nbk-mb-palette-title" }, [h("span", { class: "nbk-mb-palette-where", text: whereText(ctx) }), cancel]));
    for (const category of ctx.catalog().categories || []) {
      const group = h("div", { class: "nbk-mb-palette-group", attrs: { "data-category": category } }, [
        h("div", { class: "nbk-mb-palette-category", text: category })
      ]);
      for (const layer of ctx.catalog().layers || []) {
        if (layer.category !== category) continue;
        group.append(h("button", {
          class: "nbk-button nbk-palette-layer",
          text: layer.class_name,
          title: layer.doc,
          attrs: { "data-class": layer.class_name },
          on: { click: () => add(layer.class_name) }
        }));
      }
      el.append(group);
    }
  }
  function add(className) {
    const { ui } = ctx;
    ctx.requestOnce("add_layer", { class_name: className, position: ui.insertAt });
    ctx.structure.add(ui.insertAt ?? ctx.model.get("insert_position"));
    ui.insertAt = null;
    ctx.insertChanged();
  }
  return { el, draw };
}

// src/builder/forms.js
function control(ctx, a, value, key, send) {
  const attrs = { "aria-label": a.name, "data-key": key };
  if (a.kind === "bool") {
    const box = h("input", { attrs: { type: "checkbox", ...attrs }, on: { change: () => send(box.checked) } });
    box.checked = Boolean(value);
    return [box];
  }
  if (["choice", "activation", "initializer", "layer"].includes(a.kind)) return choiceControl(ctx, a, value, attrs, send);
  const input = (
    /** @type {HTMLInputElement} */
    h("input", { attrs })
  );
  let apply;
  if (a.kind === "int" || a.kind === "float") {
    input.type = "number";
    input.step = a.kind === "int" ? "1" : "any";
    if (a.minimum !== null && a.minimum_inclusive) input.min = String(a.minimum);
    if (a.maximum !== null && a.maximum_inclusive && a.maximum < 2 ** 31 - 1) input.max = String(a.maximum);
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
function choiceControl(ctx, a, value, attrs, send) {
  const choices = [...a.choices || []];
  const options = choices.map((c) => h("option", { text: String(c), attrs: { value: JSON.stringify(c) } }));
  if (a.optional) options.unshift(h("option", { text: "None", attrs: { value: "null" } }));
  if (value !== void 0 && value !== null && !choices.includes(value)) {
    options.unshift(h("option", { text: String(value), attrs: { value: JSON.stringify(value) } }));
  }
  if (value === void 0) options.unshift(h("option", { text: "—", attrs: { value: "" } }));
  const sel = h("select", { attrs, on: { change: () => {
    if (sel.value !== "") send(JSON.parse(sel.value));
  } } }, options);
  sel.value = value === void 0 ? "" : JSON.stringify(value);
  const nodes = [sel];
  if (a.kind === "activation") {
    const explorable = new Set(ctx.catalog().explorable_activations || []);
    const explore = h("button", {
      class: "nbk-explore-activation",
      text: "explore",
      title: "open the activation explorer below the builder",
      on: { click: (e) => {
        e.preventDefault();
        ctx.requestOnce("explore_activation", { name: JSON.parse(sel.value) });
      } }
    });
    explore.hidden = !explorable.has(value);
    sel.addEventListener("input", () => {
      explore.hidden = !explorable.has(JSON.parse(sel.value || "null"));
    });
    nodes.push(explore);
  }
  return nodes;
}
function field(ctx, position, a, value, path) {
  const send = (v) => ctx.rpc.request("set_argument", { position, name: path, value: v }, `set_argument:${position}:${path}`);
  return h("label", { class: "nbk-control nbk-field", attrs: { "data-field": path, "data-kind": a.kind } }, [
    h("span", { class: "nbk-control-name", text: a.name, title: [a.doc, `Expected ${a.expected}.`].filter(Boolean).join("\n") }),
    ...control(ctx, a, value, `${position}:${path}`, send)
  ]);
}
function argumentFields(ctx, position, layerSpec, config, prefix) {
  const main = h("div", { class: "nbk-mb-args nbk-mb-main-args" });
  const moreBody = h("div", { class: "nbk-mb-args" });
  if (!prefix) {
    const nameArg = { name: "name", kind: "str", optional: true, doc: "The layer's name (empty: Keras names it).", expected: "a unique name", choices: null };
    moreBody.append(field(ctx, position, nameArg, config.name ?? "", "name"));
  }
  for (const a of layerSpec.args) {
    const value = a.name in config ? config[a.name] : a.required ? void 0 : a.default;
    const node = a.kind === "layer" ? wrappedLayer(ctx, position, a, config.layer) : field(ctx, position, a, value, prefix + a.name);
    (a.main ? main : moreBody).append(node);
  }
  const key = `${position}:${prefix}`;
  const more = h("details", { class: "nbk-mb-more" }, [
    h("summary", { text: prefix ? `more arguments of ${layerSpec.class_name}` : "more arguments" }),
    moreBody
  ]);
  more.open = ctx.ui.more.has(key);
  more.addEventListener("toggle", () => {
    if (more.open) ctx.ui.more.add(key);
    else ctx.ui.more.delete(key);
  });
  return [main, moreBody.childElementCount ? more : null];
}
function wrappedLayer(ctx, position, a, inner) {
  const innerClass = inner && typeof inner === "object" ? inner.class_name : void 0;
  const innerConfig = inner && typeof inner === "object" && inner.config || {};
  const box = h("fieldset", { class: "nbk-mb-wrapped", attrs: { "data-field": "layer" } }, [
    h("legend", {}, [field(ctx, position, { ...a, name: "layer" }, innerClass, "layer.class_name")])
  ]);
  const innerSpec = ctx.layerSpec(innerClass);
  if (innerSpec) box.append(...argumentFields(ctx, position, innerSpec, innerConfig, "layer."));
  return box;
}
function markErrorField(ctx, root, stack) {
  for (const node of root.querySelectorAll(".nbk-field-invalid")) node.classList.remove("nbk-field-invalid");
  for (const node of root.querySelectorAll(".nbk-field-message")) node.remove();
  const where = ctx.model.get("error_field") || {};
  if (!where.name) return;
  const scope = where.position === null || where.position === void 0 ? root : stack.querySelector(`.nbk-layer[data-position="${Number(where.position)}"]`);
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

// src/builder/stack.js
var INTERACTIVE = "button, input, select, textarea, summary, a, .nbk-drag";
function stackPart(ctx) {
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
      const slot = before(e) ? position : position + 1;
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
        class: "nbk-button nbk-insert-above",
        text: "+ above",
        title: "insert a layer above this one: then pick it in the palette",
        on: { click: () => {
          ui.insertAt = ui.insertAt === position ? null : position;
          ctx.insertChanged();
        } }
      }),
      h("button", {
        class: "nbk-button nbk-duplicate",
        text: "copy",
        title: "duplicate this layer below it",
        on: { click: () => {
          ctx.requestOnce("duplicate_layer", { position });
          ctx.structure.add(position + 1);
        } }
      }),
      h("button", {
        class: "nbk-button nbk-remove",
        text: "✕",
        title: "remove",
        on: { click: () => {
          ctx.requestOnce("remove_layer", { position });
          ctx.structure.remove(position);
        } }
      })
    ]);
  }
  function layerRow(entry, row, position, selected) {
    const className = entry && typeof entry === "object" ? String(entry.class_name) : "?";
    const config = entry && typeof entry === "object" && entry.config && typeof entry.config === "object" ? entry.config : {};
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
    const header = h("div", {
      class: "nbk-layer-header",
      title: selected ? "selected: the palette adds below this layer (click to unselect)" : "click to select: the palette adds below it",
      attrs: {
        // (No role="button": the header holds buttons of its own; its label says the state.)
        tabindex: "0",
        "data-key": `select:${position}`,
        "aria-label": `layer ${position}, ${className}${selected ? ", selected" : ""}`
      }
    }, [
      handle,
      h("span", { class: "nbk-layer-position", text: String(position) }),
      h("span", { class: "nbk-layer-class", text: className }),
      name,
      h("span", { class: "nbk-layer-shape", text: row && row.output_shape ? shapeText(row.output_shape) : "" }),
      h("span", { class: "nbk-layer-params", text: row && row.params !== null ? `${count(row.params)} params` : "" }),
      h("span", { class: "nbk-layer-status", text: statusText, attrs: { "data-status": status } }),
      actions(position)
    ]);
    const toggle = () => ctx.rpc.request("select_layer", { position: selected ? null : position }, "select_layer");
    header.addEventListener("click", (e) => {
      if (e.target instanceof Element && e.target.closest(INTERACTIVE)) return;
      toggle();
    });
    header.addEventListener("keydown", (e) => {
      if (e.target !== header || e.key !== "Enter" && e.key !== " ") return;
      e.preventDefault();
      e.stopPropagation();
      toggle();
    });
    li.append(header);
    if (status === "error") li.append(h("div", { class: "nbk-layer-error", attrs: { role: "note" }, text: row.message }));
    else if (status !== "ok") li.append(h("div", { class: "nbk-layer-note", text: row ? row.message : "not checked" }));
    const layerSpec = ctx.layerSpec(className);
    if (layerSpec) {
      const form = h("details", { class: "nbk-layer-form" }, [
        h("summary", { text: "arguments" }),
        ...argumentFields(ctx, position, layerSpec, config, "")
      ]);
      form.open = ui.open.has(position);
      form.addEventListener("toggle", () => {
        if (form.open) ui.open.add(position);
        else ui.open.delete(position);
      });
      li.append(form);
    }
    return li;
  }
  const insertMarker = (at) => h("li", {
    class: "nbk-insert-marker",
    attrs: { "aria-hidden": "true", "data-insert-position": at }
  });
  function draw() {
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
        h("span", { class: "nbk-layer-params", text: r.input_dtype || "" })
      ])
    ]));
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
    if (selected !== ui.shownSelected) {
      ui.shownSelected = selected;
      const node = selected ? stack.querySelector(`.nbk-layer[data-position="${Number(selected)}"]`) : null;
      if (node && typeof node.scrollIntoView === "function") node.scrollIntoView({ block: "nearest" });
    }
  }
  return { specErrors, stack, totals, draw };
}

// src/builder/compile.js
function compilePart(ctx) {
  const el = h("fieldset", { class: "nbk-mb-compile" });
  function draw() {
    const active = document.activeElement;
    const activeKey = active && el.contains(active) ? active.getAttribute("data-key") : null;
    clear(el);
    const c = ctx.spec().compile && typeof ctx.spec().compile === "object" ? ctx.spec().compile : {};
    const send = (name) => (value) => ctx.rpc.request("set_compile", { name, value }, `set_compile:${name}`);
    const select = (name, choices) => {
      const sel = h("select", { attrs: { "aria-label": name, "data-key": `compile.${name}` }, on: { change: () => {
        if (sel.value) send(name)(sel.value);
      } } }, [
        ...choices.includes(c[name]) ? [] : [h("option", { text: c[name] === void 0 ? "—" : String(c[name]), attrs: { value: "" } })],
        ...choices.map((n) => h("option", { text: n, attrs: { value: n } }))
      ]);
      sel.value = choices.includes(c[name]) ? c[name] : "";
      return sel;
    };
    const lr = h("input", { attrs: { type: "number", step: "any", min: "0", "aria-label": "learning_rate", "data-key": "compile.learning_rate" } });
    bindField(
      /** @type {HTMLInputElement} */
      lr,
      {
        current: () => fieldText(c.learning_rate),
        apply: (text) => send("learning_rate")(text.trim() === "" ? null : Number(text))
      }
    );
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
        h("div", { class: "nbk-control nbk-field", attrs: { "data-field": "compile.metrics" } }, [h("span", { class: "nbk-control-name", text: "metrics" }), metrics(c, send)])
      ])
    );
    const errors = (ctx.report().errors || []).filter((e) => e.class_name === "compile");
    if (errors.length) el.append(h("ul", { class: "nbk-mb-compile-errors" }, errors.map((e) => h("li", { class: "nbk-compile-error", text: e.message }))));
    const warnings = ctx.model.get("compile_warnings") || [];
    if (warnings.length) el.append(h("ul", { class: "nbk-notices nbk-compile-warnings" }, warnings.map((w) => h("li", { text: w }))));
    if (activeKey !== null) restoreFocus(el, active);
  }
  function metrics(c, send) {
    const chosen = Array.isArray(c.metrics) ? c.metrics : [];
    const body = h("div", { class: "nbk-mb-metrics" }, (ctx.catalog().metrics || []).map((m) => {
      const box = h("input", {
        attrs: { type: "checkbox", "aria-label": m, "data-key": `compile.metrics.${m}` },
        on: { change: () => send("metrics")(box.checked ? [...chosen, m] : chosen.filter((x) => x !== m)) }
      });
      box.checked = chosen.includes(m);
      return h("label", { class: "nbk-control" }, [box, h("span", { text: m })]);
    }));
    const panel = h("details", { class: "nbk-mb-metrics-panel" }, [h("summary", { text: chosen.length ? chosen.join(", ") : "none" }), body]);
    panel.open = ctx.ui.metricsOpen === true;
    panel.addEventListener("toggle", () => {
      ctx.ui.metricsOpen = panel.open;
    });
    return panel;
  }
  return { el, draw };
}

// src/builder/outputs.js
function outputsPart(ctx, host) {
  const { model } = ctx;
  const codePre = h("pre", { class: "nbk-mb-code" });
  const codeNote = h("p", { class: "nbk-note" });
  const summaryPre = h("pre", { class: "nbk-mb-summary" });
  const explorerBox = h("div", { class: "nbk-mb-explorer" });
  const copyButton = h("button", {
    class: "nbk-button nbk-copy-code",
    text: "copy",
    title: "copy the code to the clipboard",
    on: { click: () => navigator.clipboard?.writeText(model.get("code") || "") }
  });
  const els = [
    h("details", { class: "nbk-mb-output nbk-mb-code-panel" }, [h("summary", { text: "Python code" }), codeNote, copyButton, codePre]),
    h("details", { class: "nbk-mb-output nbk-mb-summary-panel" }, [h("summary", { text: "model.summary()" }), summaryPre]),
    explorerBox
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
        h("button", { class: "nbk-button nbk-close-explorer", text: "close", on: { click: () => ctx.requestOnce("close_explorer", {}) } })
      ]),
      slot
    );
    const controller = new AbortController();
    explorerView = controller;
    try {
      if (host && typeof host.getWidget === "function") {
        const child = await host.getWidget(`anywidget:${id}`);
        if (controller.signal.aborted) return;
        await child.render({ el: slot, signal: controller.signal });
      } else {
        const childModel = await model.widget_manager.get_model(id);
        const view = await model.widget_manager.create_view(childModel);
        if (controller.signal.aborted) {
          view.remove();
          return;
        }
        slot.append(view.el);
        controller.signal.addEventListener("abort", () => view.remove());
      }
    } catch (err) {
      if (!controller.signal.aborted) slot.textContent = `The activation explorer could not be shown: ${err}`;
    }
  }
  return { els, draw, drawExplorer, dispose: () => explorerView?.abort() };
}

// src/model_builder.js
function render({ model, el, host }) {
  const rpc = channel(model);
  let unique = 0;
  let layerSpecs = /* @__PURE__ */ new Map();
  const { ui, structure } = viewState();
  ui.shownSelected = model.get("selected");
  const ctx = {
    model,
    rpc,
    ui,
    structure,
    // Structure edits each get their own key: none of them may replace another.
    requestOnce: (action, args) => rpc.request(action, args, `${action}:${++unique}`),
    catalog: () => model.get("catalog") || {},
    spec: () => model.get("spec") || {},
    report: () => model.get("report") || {},
    layerSpec: (className) => layerSpecs.get(className),
    insertChanged: () => {
      palette.draw();
      drawStack();
    }
  };
  const indexCatalog = () => {
    layerSpecs = new Map((ctx.catalog().layers || []).map((l) => [l.class_name, l]));
  };
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
    errorBanner(model),
    toolbar.el,
    input.el,
    h("div", { class: "nbk-mb-main" }, [palette.el, modelBox]),
    compile.el,
    ...outputs.els
  );
  el.appendChild(root);
  const markError = () => markErrorField(ctx, root, stack.stack);
  const drawStack = () => {
    stack.draw();
    markError();
  };
  const drawCompile = () => {
    compile.draw();
    markError();
  };
  const pending = /* @__PURE__ */ new Set();
  const schedule = (...fns) => () => {
    if (pending.size === 0) queueMicrotask(() => {
      const fns2 = [...pending];
      pending.clear();
      for (const fn of fns2) fn();
    });
    for (const fn of fns) pending.add(fn);
  };
  const redrawAll = () => {
    indexCatalog();
    toolbar.draw();
    input.draw();
    palette.draw();
    drawStack();
    drawCompile();
    outputs.draw();
  };
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
    ["change:explorer", outputs.drawExplorer]
  ];
  for (const [event, fn] of listeners) model.on(event, fn);
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
var model_builder_default = { render };
export {
  model_builder_default as default
};
