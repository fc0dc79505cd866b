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

// src/lib/legend.js
var SYMBOL_PX = 40;
var ITEM_GAP_PX = 5;
var ROW_PX = 20;
var GROUP_GAP_PX = 10;
var DEFAULT_FAMILY = '"Open Sans", verdana, arial, sans-serif';
function legendNames(data) {
  const names = [];
  const groups = /* @__PURE__ */ new Set();
  for (const trace of data || []) {
    if (!trace || trace.showlegend === false || trace.name == null) continue;
    if (trace.legendgroup != null) {
      if (groups.has(trace.legendgroup)) continue;
      groups.add(trace.legendgroup);
    }
    names.push(String(trace.name));
  }
  return names;
}
function legendRows(itemWidths, width) {
  let rows = itemWidths.length ? 1 : 0;
  let x = 0;
  for (const text of itemWidths) {
    const w = SYMBOL_PX + text + ITEM_GAP_PX;
    if (x > 0 && x + w > width) {
      rows += 1;
      x = 0;
    }
    x += w;
  }
  return rows;
}
function legendRoom(layout, data, width, measure) {
  const legend = layout?.legend;
  if (!width || !legend || legend.orientation !== "h" || !(Number(legend.y) >= 1) || !layout.height) return layout;
  if (layout.showlegend === false) return layout;
  const margin = { l: 80, r: 80, t: 100, b: 80, ...layout.margin };
  const size = legend.font?.size ?? layout.font?.size ?? 12;
  const font = `${size}px ${legend.font?.family ?? layout.font?.family ?? DEFAULT_FAMILY}`;
  const rows = legendRows(legendNames(data).map((name) => measure(name, font)), width - margin.l - margin.r);
  if (rows <= 1) return layout;
  const grouped = (data || []).some((trace) => trace?.legendgroup != null);
  const row = ROW_PX * size / 12 + (grouped ? legend.tracegroupgap ?? GROUP_GAP_PX : 0);
  const extra = Math.ceil((rows - 1) * row);
  return { ...layout, height: layout.height + extra, margin: { ...margin, t: margin.t + extra } };
}
var canvas = null;
function measureText(text, font) {
  canvas ??= document.createElement("canvas").getContext("2d");
  canvas.font = font;
  return canvas.measureText(text).width;
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
async function bindFigure(model, el, trait) {
  const Plotly = await loadPlotly(model);
  let figure = null;
  let drawnHeight = null;
  const decode = () => {
    const spec = model.get(trait);
    figure = spec && spec.data ? fromWire(spec) : null;
  };
  const layoutAt = (width) => legendRoom(figure.layout, figure.data, width, measureText);
  const draw = () => {
    if (!figure) return;
    const layout = layoutAt(el.clientWidth);
    drawnHeight = layout.height;
    Plotly.react(el, figure.data, layout, { responsive: true, displaylogo: false });
  };
  const changed = () => {
    decode();
    draw();
  };
  const loop = redrawLoop();
  const panel = loop.panel(draw, el);
  const resize = new ResizeObserver((entries) => {
    const width = Math.floor(entries[entries.length - 1].contentRect.width);
    if (figure && width > 0 && layoutAt(width).height !== drawnHeight) loop.mark(panel, true);
  });
  resize.observe(el);
  changed();
  model.on(`change:${trait}`, changed);
  return () => {
    model.off(`change:${trait}`, changed);
    resize.disconnect();
    loop.dispose();
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
var asText = (v) => v === null || v === void 0 ? "" : String(v);
var asNumber = (v) => v.trim() === "" ? null : Number(v);
function numeric(spec, current, send, newerQueued) {
  const slider = h("input", {
    attrs: { type: "range", min: spec.min, max: spec.max, step: spec.step, "aria-label": spec.name }
  });
  const field = h("input", {
    class: "nbk-value",
    attrs: { type: "number", step: "any", "aria-label": `${spec.label ?? spec.name} value`, "data-field": spec.name }
  });
  const text = bindField(
    /** @type {HTMLInputElement} */
    field,
    {
      current: () => asText(current()),
      apply: (v) => send(asNumber(v))
    }
  );
  slider.addEventListener("input", () => {
    text.show(slider.value);
    send(Number(slider.value));
  });
  const refresh = () => {
    if (newerQueued()) return;
    const v = current();
    if (typeof v === "number") slider.value = String(v);
    text.refresh();
  };
  refresh();
  const node = h("label", { class: "nbk-control", attrs: { "data-param": spec.name } }, [
    h("span", { class: "nbk-control-name", text: spec.label ?? spec.name }),
    slider,
    field
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
    errorBanner(model),
    picker,
    range,
    paramsBox,
    curvesFrame,
    cards,
    excluded,
    h("h4", { class: "nbk-section", text: "Through depth: signals and gradients in a stack of Dense layers" }),
    depthControls,
    depthFrame
  );
  el.appendChild(root);
  const catalog = () => model.get("catalog") || {};
  let paramRefresh = [];
  let depthRefresh = [];
  let rangeRefresh = [];
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
    const num = (label, current, send) => {
      const input = h("input", { attrs: { type: "number", step: "any", "aria-label": label, "data-field": label } });
      const field = bindField(
        /** @type {HTMLInputElement} */
        input,
        { current: () => asText(current()), apply: (v) => send(asNumber(v)) }
      );
      rangeRefresh.push(field.refresh);
      return h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: label }), input]);
    };
    rangeRefresh = [];
    range.append(
      num("x min", () => model.get("x_range")[0], (v) => rpc.set("x_range", [v, model.get("x_range")[1]])),
      num("x max", () => model.get("x_range")[1], (v) => rpc.set("x_range", [model.get("x_range")[0], v])),
      num("points", () => model.get("points"), (v) => rpc.set("points", v))
    );
  }
  function parameterControl(p, name) {
    const current = () => (model.get("params") || {})[name]?.[p.name];
    const send = (v) => {
      const next = structuredClone(model.get("params"));
      next[name] = { ...next[name], [p.name]: v };
      rpc.set("params", next);
    };
    const label = (control2, text = p.name) => h("label", { class: "nbk-control", attrs: { "data-param": p.name } }, [
      h("span", { class: "nbk-control-name", text }),
      control2
    ]);
    if (p.kind === "bool") {
      const box = h("input", { attrs: { type: "checkbox", "aria-label": p.name }, on: { change: () => send(box.checked) } });
      paramRefresh.push(() => {
        if (!rpc.queued("set:params")) box.checked = Boolean(current());
      });
      box.checked = Boolean(current());
      return label(box);
    }
    if (p.kind === "choice") {
      const sel = h(
        "select",
        { attrs: { "aria-label": p.name }, on: { change: () => send(JSON.parse(sel.value)) } },
        p.choices.map((c) => h("option", { text: String(c), attrs: { value: JSON.stringify(c) } }))
      );
      sel.value = JSON.stringify(current());
      paramRefresh.push(() => {
        if (!rpc.queued("set:params")) sel.value = JSON.stringify(current());
      });
      return label(sel);
    }
    if (current() === null || current() === void 0) {
      const btn = h("button", { class: "nbk-button", text: `set ${p.name}`, on: { click: () => send(p.suggested ?? p.min ?? 0) } });
      return label(btn, `${p.name} = None`);
    }
    const control = numeric({ name: p.name, min: p.min, max: p.max, step: p.step }, current, send, () => rpc.queued("set:params"));
    paramRefresh.push(control.refresh);
    return control.node;
  }
  const paramsShape = () => {
    const params = model.get("params") || {};
    return JSON.stringify(model.get("activations").map((name) => [name, (catalog().parameters?.[name] || []).map((p) => [p.name, p.kind, params[name]?.[p.name] === null || params[name]?.[p.name] === void 0])]));
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
  let cardNodes = /* @__PURE__ */ new Map();
  function drawCards() {
    const next = /* @__PURE__ */ new Map();
    const fresh = [];
    for (const card of model.get("cards") || []) {
      const key = JSON.stringify(card);
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
    const table = h("table", { class: "nbk-properties" }, (card.properties || []).map(([k, v]) => h("tr", {}, [h("th", { text: k }), h("td", { text: v })])));
    return h("div", { class: "nbk-card", attrs: { "data-activation": card.name, style: `border-left-color:${card.color}` } }, [
      h("div", { class: "nbk-card-title", text: card.name }),
      card.formula ? h("div", { class: "nbk-formula", title: card.latex || "" }, [mathml(card.formula)]) : h("div", { class: "nbk-note", text: "custom activation: no formula" }),
      card.derivative ? h("div", { class: "nbk-formula nbk-derivative" }, [mathml(card.derivative)]) : null,
      table
    ]);
  }
  function drawExcluded() {
    const ex = catalog().excluded || {};
    const names = Object.keys(ex);
    excluded.textContent = names.length ? `Not plotted: ${names.map((n) => `${n} (${ex[n]})`).join("; ")}` : "";
  }
  const depthShape = () => JSON.stringify([model.get("activations"), model.get("depth_initializer") === "random_normal"]);
  let drawnDepthShape = "";
  function drawDepthControls() {
    clear(depthControls);
    depthRefresh = [];
    drawnDepthShape = depthShape();
    const c = catalog().depth || { layers: [1, 100], width: [1, 1024], initializers: [] };
    const which = h(
      "select",
      { attrs: { "aria-label": "depth activation" }, on: { change: () => rpc.set("depth_activation", which.value) } },
      model.get("activations").map((n) => h("option", { text: n, attrs: { value: n } }))
    );
    which.value = model.get("depth_activation");
    depthRefresh.push(() => {
      if (!rpc.queued("set:depth_activation")) which.value = model.get("depth_activation");
    });
    depthControls.append(h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: "activation" }), which]));
    const depthNumeric = (name, label, min, max, step) => {
      const control = numeric({ name, label, min, max, step }, () => model.get(name), (v) => rpc.set(name, v), () => rpc.queued(`set:${name}`));
      depthRefresh.push(control.refresh);
      return control.node;
    };
    depthControls.append(
      depthNumeric("depth_layers", "layers", c.layers[0], c.layers[1], 1),
      depthNumeric("depth_width", "width", c.width[0], Math.min(c.width[1], 512), 1)
    );
    const init = h(
      "select",
      { attrs: { "aria-label": "initializer" }, on: { change: () => rpc.set("depth_initializer", init.value) } },
      c.initializers.map((n) => h("option", { text: n, attrs: { value: n } }))
    );
    init.value = model.get("depth_initializer");
    depthRefresh.push(() => {
      if (!rpc.queued("set:depth_initializer")) init.value = model.get("depth_initializer");
    });
    depthControls.append(h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: "initializer" }), init]));
    if (model.get("depth_initializer") === "random_normal") {
      depthControls.append(depthNumeric("depth_stddev", "stddev", 0.01, 3, 0.01));
    }
  }
  function updateDepthControls() {
    if (depthShape() !== drawnDepthShape) drawDepthControls();
    else for (const refresh of depthRefresh) refresh();
  }
  const curvesBusy = busyMarker(curvesFrame);
  const depthBusy = busyMarker(depthFrame);
  const isDepthKey = (key) => key.startsWith("set:depth_");
  const stopActivity = rpc.onActivity(({ waiting, settling }) => {
    curvesBusy.set(waiting.some((k) => !isDepthKey(k)));
    depthBusy.set(settling || waiting.some(isDepthKey));
  });
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
      updateParams();
      updateDepthControls();
    }],
    ["change:catalog", redrawAll],
    ["change:x_range change:points", () => {
      for (const refresh of rangeRefresh) refresh();
    }],
    ["change:params", updateParams],
    ["change:cards", drawCards],
    ["change:depth_activation change:depth_layers change:depth_width change:depth_initializer change:depth_stddev", updateDepthControls]
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
var activation_explorer_default = { render };
export {
  activation_explorer_default as default
};
