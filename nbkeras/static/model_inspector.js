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
function fmt(v) {
  if (v === null || v === void 0) return "—";
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
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

// src/lib/theme.js
var THEME_VARS = Object.freeze([
  "--jp-layout-color0",
  // the notebook's background: paper and plot
  "--jp-ui-font-color1",
  // text: titles, tick labels, legend
  "--jp-ui-font-color2",
  // axis lines and ticks
  "--jp-border-color1",
  // zero lines
  "--jp-border-color2",
  // grid lines on a dark background
  "--jp-border-color3"
  // grid lines on a light background
]);
var THEME_ATTRIBUTES = Object.freeze(["data-jp-theme-light", "data-jp-theme-name"]);
var NAMED = { white: [255, 255, 255, 1], black: [0, 0, 0, 1], transparent: [0, 0, 0, 0] };
function parseColor(text) {
  const s = String(text ?? "").trim().toLowerCase();
  if (!s) return null;
  if (s in NAMED) return NAMED[s].slice();
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(s);
  if (hex) {
    let h2 = hex[1];
    if (h2.length <= 4) h2 = [...h2].map((c) => c + c).join("");
    const n = (i) => parseInt(h2.slice(2 * i, 2 * i + 2), 16);
    return [n(0), n(1), n(2), h2.length === 8 ? n(3) / 255 : 1];
  }
  const fn = /^rgba?\(([^)]*)\)$/.exec(s);
  if (!fn) return null;
  const parts = fn[1].split(/[\s,/]+/).filter(Boolean);
  if (parts.length < 3 || parts.length > 4) return null;
  const channel2 = (p) => p.endsWith("%") ? parseFloat(p) * 255 / 100 : parseFloat(p);
  const rgb = parts.slice(0, 3).map(channel2);
  const alpha = parts.length === 4 ? parts[3].endsWith("%") ? parseFloat(parts[3]) / 100 : parseFloat(parts[3]) : 1;
  if ([...rgb, alpha].some((v) => !Number.isFinite(v))) return null;
  return [...rgb.map((v) => Math.min(255, Math.max(0, v))), Math.min(1, Math.max(0, alpha))];
}
function composite(color, background) {
  const a = color[3];
  return [0, 1, 2].map((i) => color[i] * a + background[i] * (1 - a)).concat(1);
}
function luminance(color) {
  const lin = (v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(color[0]) + 0.7152 * lin(color[1]) + 0.0722 * lin(color[2]);
}
function toHex(color) {
  return `#${color.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;
}
function plotlyTheme(vars) {
  const bg = parseColor(vars["--jp-layout-color0"]);
  const fg = parseColor(vars["--jp-ui-font-color1"]);
  if (!bg || !fg || bg[3] === 0) return null;
  const background = composite(bg, [255, 255, 255, 1]);
  const dark = luminance(background) < 0.18;
  const over = (name, fallback) => composite(parseColor(vars[name]) ?? fallback, background);
  const text = composite(fg, background);
  const muted = over("--jp-ui-font-color2", text);
  const grid = over(dark ? "--jp-border-color2" : "--jp-border-color3", muted);
  const zeroline = over("--jp-border-color1", muted);
  const colors = {
    background: toHex(background),
    text: toHex(text),
    grid: toHex(grid),
    zeroline: toHex(zeroline),
    line: toHex(muted)
  };
  const axis = { gridcolor: colors.grid, zerolinecolor: colors.zeroline, linecolor: colors.line, tickcolor: colors.line };
  const template = {
    layout: {
      paper_bgcolor: colors.background,
      plot_bgcolor: colors.background,
      font: { color: colors.text },
      xaxis: axis,
      yaxis: axis,
      legend: { bgcolor: colors.background, bordercolor: colors.line, font: { color: colors.text } },
      // hover boxes of the unified hover (a single trace's box keeps its trace's color)
      hoverlabel: { bgcolor: colors.background, bordercolor: colors.line, font: { color: colors.text } }
    }
  };
  return { key: Object.values(colors).join(" "), dark, colors, template: deepFreeze(template) };
}
var AXIS = /^[xy]axis\d*$/;
function themeLayout(layout, theme) {
  if (!theme) return layout;
  const c = theme.colors;
  const out = { ...layout, template: layout?.template ?? theme.template };
  replace(out, { paper_bgcolor: c.background, plot_bgcolor: c.background });
  fontColor(out, "font", c.text);
  if (out.title && typeof out.title === "object") out.title = fontColor({ ...out.title }, "font", c.text);
  for (const key of Object.keys(out)) {
    if (!AXIS.test(key) || !out[key] || typeof out[key] !== "object") continue;
    const axis = replace({ ...out[key] }, {
      gridcolor: c.grid,
      zerolinecolor: c.zeroline,
      linecolor: c.line,
      tickcolor: c.line,
      color: c.text
    });
    fontColor(axis, "tickfont", c.text);
    if (axis.title && typeof axis.title === "object") axis.title = fontColor({ ...axis.title }, "font", c.text);
    out[key] = axis;
  }
  for (const key of ["legend", "hoverlabel"]) {
    if (!out[key] || typeof out[key] !== "object") continue;
    out[key] = fontColor(replace({ ...out[key] }, { bgcolor: c.background, bordercolor: c.line }), "font", c.text);
  }
  return out;
}
function themeTraces(data, theme) {
  if (!theme || !Array.isArray(data) || !data.some((t) => t?.meta?.paper_tints)) return data;
  const paper = parseColor(theme.colors.background);
  return data.map((trace) => {
    const tints = trace?.meta?.paper_tints;
    if (!Array.isArray(tints)) return trace;
    const mixed = (color, amount) => toHex(composite([...parseColor(color).slice(0, 3), 1 - amount], paper));
    return { ...trace, colorscale: tints.map(([t, color, amount]) => [t, mixed(color, amount)]) };
  });
}
function replace(obj, colors) {
  for (const [k, v] of Object.entries(colors)) if (obj[k] !== void 0) obj[k] = v;
  return obj;
}
function fontColor(obj, key, color) {
  if (obj[key] && typeof obj[key] === "object" && obj[key].color !== void 0) obj[key] = { ...obj[key], color };
  return obj;
}
function deepFreeze(obj) {
  for (const v of Object.values(obj)) if (v && typeof v === "object") deepFreeze(v);
  return Object.freeze(obj);
}
var SHARED = Symbol.for("nbkeras.theme");
var RECHECK_MS = 400;
function shared() {
  return globalThis[SHARED] ??= { theme: void 0, listeners: /* @__PURE__ */ new Set(), observer: null };
}
function readThemeVars(el) {
  const style = getComputedStyle(el);
  const ctx = document.createElement("canvas").getContext("2d");
  const vars = {};
  for (const name of THEME_VARS) {
    const raw = style.getPropertyValue(name).trim();
    if (!raw || !ctx) {
      vars[name] = raw;
      continue;
    }
    ctx.fillStyle = "#000001";
    ctx.fillStyle = raw;
    vars[name] = ctx.fillStyle === "#000001" ? "" : ctx.fillStyle;
  }
  return vars;
}
function currentTheme() {
  const s = shared();
  if (s.theme === void 0) {
    watch(s);
    s.theme = typeof document === "undefined" || !document.body ? null : plotlyTheme(readThemeVars(document.body));
  }
  return s.theme;
}
function onThemeChange(fn) {
  const s = shared();
  s.listeners.add(fn);
  watch(s);
  return () => s.listeners.delete(fn);
}
function watch(s) {
  if (s.observer || typeof MutationObserver !== "function" || typeof document === "undefined" || !document.body) return;
  const check = () => {
    const before = s.theme?.key;
    s.theme = void 0;
    if (currentTheme()?.key === before) return;
    for (const listener of [...s.listeners]) {
      try {
        listener();
      } catch (error) {
        reportError(error);
      }
    }
  };
  s.observer = new MutationObserver(() => {
    check();
    setTimeout(check, RECHECK_MS);
  });
  s.observer.observe(document.body, { attributes: true, attributeFilter: [...THEME_ATTRIBUTES] });
}

// src/lib/redraw.js
var LONG_TASK_MS = 50;
var SHARE_SHORT = 0.15;
var SHARE_LONG = 0.04;
var MIN_INTERVAL_MS = 100;
var MAX_WAIT_MS = 2e3;
var SHARED2 = Symbol.for("nbkeras.redraw");
function scheduler() {
  return globalThis[SHARED2] ??= createScheduler();
}
function redrawLoop() {
  const shared2 = scheduler();
  const own = [];
  return {
    panel(draw, node) {
      const p = shared2.panel(draw, node);
      own.push(p);
      return p;
    },
    mark: shared2.mark,
    remove(p) {
      own.splice(own.indexOf(p), 1);
      shared2.remove(p);
    },
    stats() {
      return Object.fromEntries(own.map((p, i) => [p.node?.dataset?.panel ?? String(i), { draws: p.draws, cost: p.cost }]));
    },
    dispose() {
      for (const p of own.splice(0)) shared2.remove(p);
    }
  };
}
function createScheduler() {
  const panels = [];
  let frame = 0;
  let timer = 0;
  let nextDraw = 0;
  const io = typeof IntersectionObserver === "function" ? new IntersectionObserver((entries) => {
    for (const e of entries) {
      const p = panels.find((q) => q.node === e.target);
      if (!p) continue;
      if (e.isIntersecting && !p.visible && p.dirty) p.urgent = true;
      p.visible = e.isIntersecting;
    }
    wake();
  }) : null;
  document.addEventListener("visibilitychange", () => wake());
  onThemeChange(() => {
    for (const p of panels) mark(p, true);
  });
  function mark(p, urgent = false) {
    p.dirty = true;
    if (urgent) p.urgent = true;
    wake();
  }
  function wake() {
    if (frame) return;
    frame = requestAnimationFrame(tick);
  }
  function later(ms) {
    if (timer) return;
    timer = setTimeout(() => {
      timer = 0;
      wake();
    }, Math.max(0, ms));
  }
  function tick() {
    frame = 0;
    if (document.hidden) return;
    const now = performance.now();
    const waiting = panels.filter((p2) => p2.dirty && p2.visible);
    if (!waiting.length) return;
    const urgent = waiting.find((p2) => p2.urgent || p2.draws === 0);
    const ready = waiting.filter((p2) => now - p2.last >= MIN_INTERVAL_MS).sort((a, b) => a.last - b.last);
    const p = urgent ?? (now >= nextDraw ? ready[0] : void 0);
    if (!p) {
      const soonest = Math.min(...waiting.map((q) => q.last + MIN_INTERVAL_MS));
      later(Math.max(nextDraw, soonest) - now);
      return;
    }
    p.dirty = false;
    p.urgent = false;
    const t0 = performance.now();
    try {
      p.draw();
    } catch (error) {
      reportError(error);
    }
    const t1 = performance.now();
    const took = t1 - t0;
    p.cost = p.draws === 0 ? took : 0.7 * p.cost + 0.3 * took;
    p.last = t1;
    p.draws += 1;
    const share = took < LONG_TASK_MS ? SHARE_SHORT : SHARE_LONG;
    nextDraw = Math.max(nextDraw, t1 + Math.min(MAX_WAIT_MS, took * (1 - share) / share));
    if (panels.some((q) => q.dirty && q.visible)) wake();
  }
  return {
    panel(draw, node) {
      const p = { draw, node, dirty: false, urgent: false, cost: 0, last: -Infinity, visible: true, draws: 0 };
      panels.push(p);
      if (node && io) io.observe(node);
      return p;
    },
    /** How many panels on screen wait to be drawn (0: what is on screen is current). */
    pending() {
      return panels.filter((p) => p.dirty && p.visible).length;
    },
    /** Stop drawing a panel (its node left the view). */
    remove(p) {
      const i = panels.indexOf(p);
      if (i >= 0) panels.splice(i, 1);
      if (p.node && io) io.unobserve(p.node);
    },
    mark
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
  return themedPlotly(await cache.get(version));
}
var THEMED = /* @__PURE__ */ new WeakMap();
function themedPlotly(Plotly) {
  if (!THEMED.has(Plotly)) {
    const draw = (fn) => (gd, data, layout, config) => {
      const theme = currentTheme();
      if (data && !Array.isArray(data) && typeof data === "object") {
        return fn(gd, { ...data, data: themeTraces(data.data, theme), layout: themeLayout(data.layout ?? {}, theme) });
      }
      return fn(gd, themeTraces(data, theme), themeLayout(layout ?? {}, theme), config);
    };
    THEMED.set(Plotly, Object.freeze(Object.create(Plotly, {
      react: { value: draw(Plotly.react) },
      newPlot: { value: draw(Plotly.newPlot) }
    })));
  }
  return THEMED.get(Plotly);
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

// src/model_inspector.js
var STYLE_ID = "nbkeras-model-inspector-style";
var CSS = `
.nbkeras-model-inspector .nbk-mi-tabs { display: flex; gap: 2px; border-bottom: 1px solid var(--jp-border-color2, #ddd); margin: 2px 0 8px; }
.nbkeras-model-inspector .nbk-mi-tab { border: 1px solid transparent; border-bottom: none; background: none; color: inherit;
  font: inherit; padding: 3px 12px; cursor: pointer; border-radius: 3px 3px 0 0; }
.nbkeras-model-inspector .nbk-mi-tab[aria-selected="true"] { border-color: var(--jp-border-color2, #ddd);
  background: var(--jp-layout-color1, #fff); font-weight: 600; margin-bottom: -1px; }
.nbkeras-model-inspector .nbk-mi-top { display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: flex-start; }
.nbkeras-model-inspector .nbk-plot.nbk-mi-matrix { flex: 0 0 auto; width: auto; min-height: 0; }
.nbkeras-model-inspector .nbk-plot.nbk-mi-fig { min-height: 0; }
.nbkeras-model-inspector table.nbk-mi-metrics { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.92em; margin-top: 40px; }
.nbkeras-model-inspector table.nbk-mi-metrics th, .nbkeras-model-inspector table.nbk-mi-metrics td { padding: 1px 8px; text-align: right; }
.nbkeras-model-inspector table.nbk-mi-metrics th { font-weight: 600; border-bottom: 1px solid var(--jp-border-color2, #ddd); }
.nbkeras-model-inspector table.nbk-mi-metrics th:first-child, .nbkeras-model-inspector table.nbk-mi-metrics td:first-child { text-align: left; }
.nbkeras-model-inspector .nbk-mi-gallery { margin-top: 6px; }
.nbkeras-model-inspector .nbk-mi-items { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 4px; }
.nbkeras-model-inspector .nbk-mi-item { display: flex; flex-direction: column; align-items: center; gap: 2px;
  border: 1px solid var(--jp-border-color2, #ddd); border-radius: 3px; padding: 3px; background: none;
  color: inherit; font: inherit; cursor: pointer; }
.nbkeras-model-inspector .nbk-mi-item:hover { background: var(--jp-layout-color2, #eef1f5); }
.nbkeras-model-inspector .nbk-mi-item canvas { width: 64px; height: auto; image-rendering: pixelated; background: #000; }
.nbkeras-model-inspector .nbk-mi-caption { display: flex; flex-direction: column; align-items: center; font-size: 0.8em; line-height: 1.25; }
.nbkeras-model-inspector .nbk-mi-label { font-weight: 600; }
.nbkeras-model-inspector .nbk-mi-detail { color: var(--jp-ui-font-color2, #666); white-space: nowrap; }
.nbkeras-model-inspector .nbk-mi-item.nbk-mi-text { align-items: flex-start; text-align: left; max-width: 100%; }
.nbkeras-model-inspector .nbk-mi-item.nbk-mi-text .nbk-mi-caption { flex-direction: row; gap: 8px; }
.nbkeras-model-inspector .nbk-mi-controls { margin-bottom: 4px; }
.nbkeras-model-inspector .nbk-mi-controls select { max-width: 16em; }
`;
function ensureStyle() {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = CSS;
  document.head.append(style);
}
function drawThumbnail(canvas, pixels, shape, index) {
  const [, height, width, channels] = shape;
  const size = height * width * channels;
  const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset + index * size, size);
  canvas.width = width;
  canvas.height = height;
  const image = new ImageData(width, height);
  for (let p = 0; p < width * height; p += 1) {
    const at = p * channels;
    const grey = channels === 1;
    image.data[4 * p] = bytes[at];
    image.data[4 * p + 1] = grey ? bytes[at] : bytes[at + 1];
    image.data[4 * p + 2] = grey ? bytes[at] : bytes[at + 2];
    image.data[4 * p + 3] = 255;
  }
  canvas.getContext("2d").putImageData(image, 0, 0);
}
function render({ model, el }) {
  ensureStyle();
  const ch = channel(model);
  const loop = redrawLoop();
  const cleanups = [];
  const on = (name, fn) => {
    model.on(`change:${name}`, fn);
    cleanups.push(() => model.off(`change:${name}`, fn));
  };
  let plotly = null;
  function figurePanel(trait, cls, name, onFirstDraw) {
    const node = h("div", { class: `nbk-plot ${cls}`, attrs: { "data-panel": name } });
    let hooked = false;
    const draw = () => {
      const spec2 = trait();
      node.hidden = !spec2 || !spec2.data;
      if (!plotly || node.hidden) return;
      node.style.minHeight = "";
      const { data, layout } = fromWire(spec2);
      plotly.react(node, data, layout, { responsive: true, displaylogo: false });
      if (!hooked && onFirstDraw) {
        hooked = true;
        onFirstDraw(node);
      }
    };
    const panel = loop.panel(draw, node);
    const mark = (urgent = false) => loop.mark(panel, urgent);
    const spec = trait();
    node.hidden = !spec || !spec.data;
    if (!node.hidden && spec.layout?.height) node.style.minHeight = `${spec.layout.height}px`;
    return { node, mark };
  }
  const errorsTab = h("button", { class: "nbk-mi-tab", text: "Errors", attrs: { role: "tab", type: "button" } });
  const layersTab = h("button", { class: "nbk-mi-tab", text: "Layers", attrs: { role: "tab", type: "button" } });
  const errorsSection = h("div", { class: "nbk-mi-section nbk-mi-errors", attrs: { role: "tabpanel" } });
  const layersSection = h("div", { class: "nbk-mi-section nbk-mi-layers", attrs: { role: "tabpanel" } });
  function showTab(which) {
    const errors = which === "errors";
    errorsTab.setAttribute("aria-selected", String(errors));
    layersTab.setAttribute("aria-selected", String(!errors));
    errorsSection.hidden = !errors;
    layersSection.hidden = errors;
  }
  errorsTab.addEventListener("click", () => showTab("errors"));
  layersTab.addEventListener("click", () => showTab("layers"));
  const summary = h("p", { class: "nbk-note nbk-mi-summary" });
  const drawSummary = () => {
    const s = model.get("summary") || {};
    const parts = [`${s.examples} examples`];
    if (model.get("task") === "classification") {
      parts.push(`accuracy ${(100 * s.accuracy).toFixed(1)} %`, `macro F1 ${fmt(s.macro_f1)}`, `${s.mistakes} mistakes`);
      parts.push("click a cell of the matrix to see its examples");
    } else {
      parts.push(`MSE ${(s.mse || []).map(fmt).join(", ")}`, `MAE ${(s.mae || []).map(fmt).join(", ")}`);
      parts.push(`R² ${(s.r2 || []).map(fmt).join(", ")}`);
    }
    summary.textContent = parts.join(" · ");
  };
  const matrix = figurePanel(
    () => model.get("errors_figure"),
    model.get("task") === "classification" ? "nbk-mi-matrix" : "nbk-mi-fig",
    "errors",
    (node) => {
      if (model.get("task") !== "classification") return;
      node.on("plotly_click", (event) => {
        const point = event?.points?.[0];
        const cell = point?.pointNumber ?? point?.pointIndex;
        if (!Array.isArray(cell)) return;
        const [row, col] = cell;
        ch.request("select_cell", { true_class: row, predicted_class: col });
      });
    }
  );
  const metrics = h("table", { class: "nbk-mi-metrics" });
  const drawMetrics = () => {
    clear(metrics);
    const table = model.get("metrics_table") || {};
    metrics.hidden = !table.columns;
    if (!table.columns) return;
    metrics.append(h("tr", {}, table.columns.map((c) => h("th", { text: c }))));
    for (const row of table.rows) {
      const [label, precision, recall, f1, support] = row;
      const tr = h("tr", {}, [
        h("td", { text: label }),
        ...[precision, recall, f1].map((v) => h("td", { text: v === null ? "n/a" : v.toFixed(3) })),
        h("td", { text: String(support) })
      ]);
      metrics.append(tr);
    }
  };
  function gallery(trait, name) {
    const title = h("div", { class: "nbk-section nbk-mi-gallery-title" });
    const items = h("div", { class: "nbk-mi-items" });
    const box = h("div", { class: "nbk-mi-gallery", attrs: { "data-gallery": name } }, [title, items]);
    const pointsPanel = figurePanel(() => model.get(trait)?.figure, "nbk-mi-fig", `${name}-points`);
    box.append(pointsPanel.node);
    const draw = () => {
      const g = model.get(trait) || {};
      const shown = (g.indices || []).length;
      title.textContent = g.title === void 0 ? "" : `${g.title}: ${g.total} example${g.total === 1 ? "" : "s"}` + (shown < g.total ? ` (the first ${shown}, highest loss first)` : "");
      clear(items);
      (g.indices || []).forEach((index, k) => {
        const caption2 = h("span", { class: "nbk-mi-caption" }, [
          h("span", { class: "nbk-mi-label", text: g.labels[k] }),
          h("span", { class: "nbk-mi-detail", text: g.details[k] })
        ]);
        const item = h("button", {
          class: "nbk-mi-item",
          title: `${g.captions[k]}: click to look at it in Layers`,
          attrs: { type: "button", "data-index": String(index) },
          on: { click: () => {
            ch.set("example", index);
            showTab("layers");
          } }
        });
        if (g.pixels && g.shape) {
          const canvas = h("canvas");
          drawThumbnail(
            /** @type {HTMLCanvasElement} */
            canvas,
            g.pixels,
            g.shape,
            k
          );
          item.append(canvas, caption2);
        } else if (g.texts) {
          item.classList.add("nbk-mi-text");
          item.append(caption2, h("span", { class: "nbk-mi-example-text", text: g.texts[k] }));
        } else {
          item.append(caption2);
        }
        items.append(item);
      });
      pointsPanel.mark();
    };
    return { box, draw };
  }
  const cellGallery = gallery("cell_gallery", "cell");
  const topGallery = gallery("top_gallery", "top");
  errorsSection.append(
    summary,
    h("div", { class: "nbk-mi-top" }, [matrix.node, metrics]),
    model.get("task") === "classification" ? cellGallery.box : null,
    topGallery.box
  );
  const layerSelect = h("select", { attrs: { "aria-label": "layer" } });
  const drawLayerChoices = () => {
    clear(layerSelect);
    for (const name of model.get("layer_names") || []) layerSelect.append(h("option", { text: name, attrs: { value: name } }));
    layerSelect.value = model.get("layer");
  };
  layerSelect.addEventListener("change", () => ch.set("layer", layerSelect.value));
  const exampleInput = (
    /** @type {HTMLInputElement} */
    h("input", { attrs: { type: "number", min: "0", step: "1", "aria-label": "example" } })
  );
  const exampleField = bindField(exampleInput, {
    apply: (text) => ch.set("example", /^\s*-?\d+\s*$/.test(text) ? Number(text) : text),
    current: () => String(model.get("example"))
  });
  const step = (delta) => {
    ch.set("example", Math.max(0, model.get("example") + delta));
  };
  const caption = h("span", { class: "nbk-status nbk-mi-example-caption" });
  const controls = h("div", { class: "nbk-row nbk-mi-controls" }, [
    h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: "layer" }), layerSelect]),
    h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: "example" }), exampleInput]),
    h("button", { class: "nbk-button", text: "◀", title: "previous example", attrs: { type: "button" }, on: { click: () => step(-1) } }),
    h("button", { class: "nbk-button", text: "▶", title: "next example", attrs: { type: "button" }, on: { click: () => step(1) } }),
    caption
  ]);
  const layerFigure = figurePanel(() => model.get("layer_figure"), "nbk-mi-fig", "layer");
  const camFigure = figurePanel(() => model.get("cam_figure"), "nbk-mi-fig", "cam");
  const filtersFigure = figurePanel(() => model.get("filters_figure"), "nbk-mi-fig", "filters");
  const histogramFigure = figurePanel(() => model.get("histogram_figure"), "nbk-mi-fig", "histograms");
  const layerFrame = h("div", { class: "nbk-mi-layer-frame" }, [layerFigure.node, camFigure.node]);
  const busy = busyMarker(layerFrame);
  layersSection.append(controls, layerFrame, filtersFigure.node, histogramFigure.node);
  cleanups.push(ch.onActivity((a) => busy.set(a.waiting.some((k) => k === "set:layer" || k === "set:example"))));
  const root = h("div", { class: "nbkeras-widget nbkeras-model-inspector" }, [
    errorBanner(model),
    h("div", { class: "nbk-mi-tabs", attrs: { role: "tablist" } }, [errorsTab, layersTab]),
    errorsSection,
    layersSection
  ]);
  el.appendChild(root);
  showTab("errors");
  drawSummary();
  drawMetrics();
  cellGallery.draw();
  topGallery.draw();
  drawLayerChoices();
  caption.textContent = model.get("example_caption");
  on("summary", drawSummary);
  on("metrics_table", drawMetrics);
  on("cell_gallery", cellGallery.draw);
  on("top_gallery", topGallery.draw);
  on("errors_figure", () => matrix.mark());
  on("layer_names", drawLayerChoices);
  on("layer", () => {
    layerSelect.value = model.get("layer");
  });
  on("example", () => exampleField.refresh());
  on("example_caption", () => {
    caption.textContent = model.get("example_caption");
  });
  on("layer_figure", () => layerFigure.mark(true));
  on("cam_figure", () => camFigure.mark(true));
  on("filters_figure", () => filtersFigure.mark());
  on("histogram_figure", () => histogramFigure.mark());
  on("error", () => {
    layerSelect.value = model.get("layer");
  });
  loadPlotly(model).then((P) => {
    plotly = P;
    for (const panel of [matrix, layerFigure, camFigure, filtersFigure, histogramFigure]) panel.mark();
    cellGallery.draw();
    topGallery.draw();
  });
  return () => {
    for (const fn of cleanups) fn();
    busy.dispose();
    ch.dispose();
    loop.dispose();
    for (const node of root.querySelectorAll(".js-plotly-plot")) plotly?.purge(node);
  };
}
var model_inspector_default = { render };
export {
  model_inspector_default as default,
  drawThumbnail
};
