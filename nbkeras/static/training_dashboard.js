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

// src/lib/smooth.js
function smooth(values, alpha) {
  if (!(alpha > 0)) return values.slice();
  let last = 0;
  let k = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * alpha + (1 - alpha) * v;
    k += 1;
    return last / (1 - alpha ** k);
  });
}

// src/lib/decimate.js
function minMax(x, y, maxPoints) {
  const n = x.length;
  if (n <= maxPoints) return { x: x.slice(), y: y.slice() };
  const buckets = Math.floor((maxPoints - 2) / 2);
  const size = n / buckets;
  const ox = [];
  const oy = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(n, Math.floor((b + 1) * size));
    let lo = -1;
    let hi = -1;
    let gap = -1;
    for (let i = start; i < end; i++) {
      const v = y[i];
      if (v === null || !Number.isFinite(v)) {
        if (gap < 0) gap = i;
        continue;
      }
      if (lo < 0 || v < y[lo]) lo = i;
      if (hi < 0 || v > y[hi]) hi = i;
    }
    const keep = [lo, hi, gap, b === 0 ? 0 : -1, b === buckets - 1 ? n - 1 : -1].filter((i) => i >= 0).sort((a, b2) => a - b2);
    for (let k = 0; k < keep.length; k++) {
      if (k > 0 && keep[k] === keep[k - 1]) continue;
      ox.push(x[keep[k]]);
      oy.push(keep[k] === gap ? null : y[keep[k]]);
    }
  }
  return { x: ox, y: oy };
}

// src/lib/surface_image.js
function colorLookup(colorscale, n = 256) {
  const stops = colorscale.map(([t, color]) => {
    const rgba = parseColor(color);
    if (!rgba) throw new Error(`unsupported color in a colorscale: ${color}`);
    return [Number(t), rgba.slice(0, 3)];
  });
  const lut = new Uint8Array(n * 3);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const t = i / (n - 1);
    while (s < stops.length - 2 && t > stops[s + 1][0]) s++;
    const [t0, c0] = stops[s];
    const [t1, c1] = stops[Math.min(s + 1, stops.length - 1)];
    const f = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 0;
    for (let k = 0; k < 3; k++) lut[i * 3 + k] = Math.round(c0[k] + f * (c1[k] - c0[k]));
  }
  return lut;
}
function heatmapPixels(z, zmin, zmax, lut) {
  const height = z.length;
  const width = height ? z[0].length : 0;
  const pixels = new Uint8ClampedArray(width * height * 4);
  const last = lut.length / 3 - 1;
  const span = zmax > zmin ? zmax - zmin : 1;
  for (let r = 0; r < height; r++) {
    const row = z[r];
    const out = (height - 1 - r) * width * 4;
    for (let c = 0; c < width; c++) {
      const v = row[c];
      const o = out + c * 4;
      if (!Number.isFinite(v)) continue;
      const i = Math.round(Math.min(1, Math.max(0, (v - zmin) / span)) * last) * 3;
      pixels[o] = lut[i];
      pixels[o + 1] = lut[i + 1];
      pixels[o + 2] = lut[i + 2];
      pixels[o + 3] = 255;
    }
  }
  return { width, height, pixels };
}
function imagePlacement(x, y) {
  const step = (v) => v.length > 1 ? (v[v.length - 1] - v[0]) / (v.length - 1) : 1;
  const dx = step(x);
  const dy = step(y);
  return { x: x[0] - dx / 2, y: y[y.length - 1] + dy / 2, sizex: dx * x.length, sizey: dy * y.length };
}
function pointsKey(traces) {
  return traces.map((t) => {
    const x = t.x || [];
    const y = t.y || [];
    return `${t.name}:${x.length}:${x[0]},${y[0]}:${x[x.length - 1]},${y[y.length - 1]}`;
  }).join("|");
}

// src/training_dashboard.js
var BROWSER_CAP = 16384;
var MAX_DRAWN = 1e3;
var PLOT_CONFIG = { responsive: false, displaylogo: false };
function unpack(view) {
  const flat = new Float32Array(view.buffer, view.byteOffset, view.byteLength / 4);
  const half = flat.length / 2;
  const x = Array.from(flat.subarray(0, half));
  const y = Array.from(flat.subarray(half), (v) => Number.isFinite(v) ? v : null);
  return { x, y };
}
function bound(s) {
  if (s.x.length <= BROWSER_CAP) return;
  const keep = BROWSER_CAP / 2;
  const cut = s.x.length - keep;
  s.x = s.x.slice(0, cut).filter((_, i) => i % 2 === 0).concat(s.x.slice(cut));
  s.y = s.y.slice(0, cut).filter((_, i) => i % 2 === 0).concat(s.y.slice(cut));
}
function createStore(model) {
  const series = /* @__PURE__ */ new Map();
  const listeners = /* @__PURE__ */ new Set();
  const store = { series, seq: 0, status: model.get("status") || {}, listeners };
  const notify = () => {
    for (const fn of listeners) fn();
  };
  const fromSnapshot = () => {
    const snap = model.get("snapshot") || {};
    series.clear();
    for (const [key, view] of Object.entries(snap.series || {})) series.set(key, unpack(view));
    store.seq = snap.seq || 0;
    store.status = model.get("status") || store.status;
    notify();
  };
  const onMessage = (msg, buffers) => {
    if (!msg || msg.type !== "delta" || msg.seq <= store.seq) return;
    if (msg.seq !== store.seq + 1) {
      model.send({ type: "request", seq: null, action: "resync", args: {} });
      return;
    }
    msg.series.forEach((key, i) => {
      const add = unpack(buffers[i]);
      const s = series.get(key) ?? { x: [], y: [] };
      s.x.push(...add.x);
      s.y.push(...add.y);
      bound(s);
      series.set(key, s);
    });
    store.seq = msg.seq;
    store.status = msg.status || store.status;
    notify();
  };
  fromSnapshot();
  model.on("change:snapshot", fromSnapshot);
  model.on("change:status", () => {
    store.status = model.get("status");
    notify();
  });
  model.on("msg:custom", onMessage);
  return store;
}
var stores = /* @__PURE__ */ new WeakMap();
function storeOf(model) {
  if (!stores.has(model)) stores.set(model, createStore(model));
  return stores.get(model);
}
function duration(seconds) {
  if (seconds === null || seconds === void 0 || !Number.isFinite(seconds)) return "—";
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}:${String(Math.floor(s % 3600 / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
function statusText(st) {
  const parts = [];
  if (st.epoch) parts.push(`epoch ${st.epoch}/${st.epochs ?? "?"}`);
  if (st.step !== void 0) parts.push(`step ${st.step}`);
  if (st.throughput) parts.push(`${Math.round(st.throughput).toLocaleString()} ${st.throughput_unit}`);
  if (st.eta_run !== void 0 && st.state === "running") parts.push(`ETA ${duration(st.eta_run)}`);
  if (st.elapsed !== void 0) parts.push(`elapsed ${duration(st.elapsed)}`);
  if (st.learning_rate) parts.push(`lr ${fmt(st.learning_rate)}`);
  const d = st.device || {};
  if (d.kind) parts.push(`${d.kind}${d.name ? ` (${d.name})` : ""}${d.memory_in_use_bytes ? `, ${(d.memory_in_use_bytes / 2 ** 20).toFixed(0)} MiB in use` : ""}${d.count > 1 ? ` ×${d.count}` : ""}${d.strategy ? `, ${d.strategy}${d.replicas > 1 ? ` (${d.replicas} replicas)` : ""}` : ""}`);
  return parts.join(" · ");
}
function render({ model, el }) {
  const store = storeOf(model);
  const rpc = channel(model);
  const title = h("div", { class: "nbk-card-title nbk-title" });
  const badge = h("span", { class: "nbk-state" });
  const statusLine = h("span", { class: "nbk-status" });
  const progress = h("progress", { class: "nbk-progress", attrs: { max: "1", value: "0" } });
  const notices = h("ul", { class: "nbk-notices" });
  const stop = h("button", { class: "nbk-button nbk-stop", text: "■ Stop", on: { click: () => rpc.request("stop", {}) } });
  const lrInput = h("input", { attrs: { type: "number", step: "any", min: "0", "aria-label": "learning rate" } });
  const setLearningRate = () => rpc.request("set_learning_rate", { value: lrInput.value.trim() === "" ? null : Number(lrInput.value) });
  const lrSet = h("button", { class: "nbk-button nbk-set-lr", text: "set learning rate", on: { click: setLearningRate } });
  lrInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      event.stopPropagation();
      setLearningRate();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      lrInput.value = "";
    }
  });
  const ckpt = h("button", { class: "nbk-button nbk-checkpoint", text: "save checkpoint now", on: { click: () => rpc.request("checkpoint", {}) } });
  const reason = h("span", { class: "nbk-note nbk-controls-reason" });
  const smoothing = h("input", { attrs: { type: "range", min: "0", max: "0.99", step: "0.01", "aria-label": "smoothing" } });
  const smoothingOut = h("output");
  const logScale = h("input", { attrs: { type: "checkbox", "aria-label": "log scale" } });
  const metricsBox = h("div", { class: "nbk-metrics" });
  const surfacePlot = h("div", { class: "nbk-plot nbk-surface" });
  const histPlot = h("div", { class: "nbk-plot nbk-histograms" });
  const healthPlot = h("div", { class: "nbk-plot nbk-health" });
  const root = h("div", { class: "nbkeras-widget nbkeras-training-dashboard" }, [
    errorBanner(model),
    h("div", { class: "nbk-row" }, [title, badge, statusLine]),
    progress,
    h("div", { class: "nbk-row nbk-controls" }, [stop, h("label", { class: "nbk-control" }, [lrInput]), lrSet, ckpt, reason]),
    h("div", { class: "nbk-row" }, [
      h("label", { class: "nbk-control" }, [h("span", { class: "nbk-control-name", text: "smoothing" }), smoothing, smoothingOut]),
      h("label", { class: "nbk-control" }, [logScale, h("span", { class: "nbk-control-name", text: "log scale" })])
    ]),
    notices,
    metricsBox,
    surfacePlot,
    histPlot,
    healthPlot
  ]);
  el.appendChild(root);
  let smoothingValue = model.get("smoothing");
  let logValue = model.get("log_scale");
  smoothing.value = String(smoothingValue);
  smoothingOut.textContent = String(smoothingValue);
  logScale.checked = logValue;
  smoothing.addEventListener("input", () => {
    smoothingValue = Number(smoothing.value);
    smoothingOut.textContent = smoothing.value;
    rpc.set("smoothing", smoothingValue);
    redrawMetrics();
  });
  logScale.addEventListener("change", () => {
    logValue = logScale.checked;
    rpc.set("log_scale", logValue);
    redrawMetrics({ relayout: true });
  });
  function drawControls() {
    const c = model.get("controls") || {};
    for (const b of [stop, lrSet, ckpt, lrInput]) b.disabled = !c.enabled;
    reason.textContent = c.enabled ? "" : c.reason || "";
  }
  let Plotly = null;
  const loop = redrawLoop();
  histPlot.dataset.panel = "histograms";
  healthPlot.dataset.panel = "health";
  surfacePlot.dataset.panel = "surface";
  const statusPanel = loop.panel(drawStatus);
  const figures = [["histogram_figure", histPlot], ["health_figure", healthPlot], ["surface_figure", surfacePlot]];
  const figurePanels = figures.map(([trait, node]) => {
    const panel = loop.panel(() => drawFigure(node, panel), node);
    panel.spec = null;
    panel.decode = () => {
      const spec = model.get(trait);
      panel.spec = spec && spec.data ? fromWire(spec) : null;
      node.hidden = !panel.spec;
      loop.mark(panel);
    };
    panel.decode();
    return panel;
  });
  root.__nbkRedrawStats = loop.stats;
  let width = 0;
  const resize = new ResizeObserver((entries) => {
    const w = Math.floor(entries[entries.length - 1].contentRect.width);
    if (w <= 0 || w === width) return;
    width = w;
    redrawMetrics({ relayout: true });
    for (const panel of figurePanels) loop.mark(panel, true);
  });
  resize.observe(root);
  let metricPanels = [];
  function buildMetricPanels() {
    const specs = model.get("metric_panels") || [];
    const same = specs.length === metricPanels.length && specs.every((spec, i) => spec.name === metricPanels[i].spec.name);
    if (!same) {
      for (const m of metricPanels) {
        loop.remove(m.panel);
        if (Plotly) Plotly.purge(m.node);
      }
      clear(metricsBox);
      metricPanels = specs.map((spec) => {
        const node = h("div", { class: "nbk-plot nbk-metric", attrs: { "data-panel": `metric:${spec.name}` } });
        metricsBox.append(node);
        const m = { spec, node, panel: null, layout: null, linked: false };
        m.panel = loop.panel(() => drawMetric(m), node);
        return m;
      });
    } else {
      specs.forEach((spec, i) => {
        metricPanels[i].spec = spec;
      });
    }
    redrawMetrics({ relayout: true });
  }
  function redrawMetrics({ relayout = false } = {}) {
    for (const m of metricPanels) {
      if (relayout) m.layout = null;
      loop.mark(m.panel, true);
    }
  }
  function layoutOf(m) {
    if (!m.layout) {
      const layout = structuredClone(m.spec.layout || {});
      if (layout.meta?.log_scale_follows && layout.yaxis) layout.yaxis.type = logValue ? "log" : "linear";
      if (width) layout.width = width;
      m.layout = legendRoom(layout, m.spec.data, width, measureText);
    }
    return m.layout;
  }
  function drawMetric(m) {
    if (!Plotly) return;
    const data = (m.spec.data || []).map((trace) => {
      const meta = trace.meta || {};
      const s = store.series.get(meta.series || meta.smooth) || { x: [], y: [] };
      const y = meta.smooth ? smooth(s.y, smoothingValue) : s.y;
      return { ...trace, ...minMax(s.x, y, MAX_DRAWN) };
    });
    const base = layoutOf(m);
    const range = stepRange();
    const xaxis = range ? { range, autorange: false, uirevision: range.join(":") } : { autorange: true, uirevision: "follow" };
    const layout = { ...base, xaxis: { ...base.xaxis, ...xaxis } };
    Plotly.react(m.node, data, layout, PLOT_CONFIG);
    if (!m.linked) {
      linkZoom(m.node);
      m.linked = true;
    }
  }
  let zoom = null;
  function stepRange() {
    if (zoom) return zoom;
    let lo = Infinity;
    let hi = -Infinity;
    for (const m of metricPanels) {
      for (const trace of m.spec.data || []) {
        const s = store.series.get(trace.meta?.series || trace.meta?.smooth);
        if (s && s.x.length) {
          lo = Math.min(lo, s.x[0]);
          hi = Math.max(hi, s.x[s.x.length - 1]);
        }
      }
    }
    return lo < hi ? [lo, hi] : null;
  }
  function linkZoom(node) {
    node.on("plotly_relayout", (ev) => {
      if ("xaxis.range[0]" in ev && "xaxis.range[1]" in ev) zoom = [ev["xaxis.range[0]"], ev["xaxis.range[1]"]];
      else if (Array.isArray(ev["xaxis.range"])) zoom = ev["xaxis.range"].slice();
      else if (ev["xaxis.autorange"]) zoom = null;
      else return;
      redrawMetrics();
    });
  }
  function drawFigure(node, panel) {
    if (!Plotly) return;
    if (!panel.spec) {
      if (node.data) Plotly.purge(node);
      return;
    }
    const own = panel.spec.layout.width;
    const least = Number(panel.spec.layout.meta?.min_width) || 0;
    const sized = width ? { ...panel.spec.layout, width: Math.max(least, own ? Math.min(own, width) : width) } : panel.spec.layout;
    const layout = legendRoom(sized, panel.spec.data, sized.width ?? 0, measureText);
    if (node === surfacePlot) {
      if (drawSurfaceImage(node, panel.spec, layout)) return;
      surfaceShown = null;
    }
    Plotly.react(node, panel.spec.data, layout, PLOT_CONFIG);
  }
  let surfaceShown = null;
  const surfaceCanvas = document.createElement("canvas");
  function drawSurfaceImage(node, spec, layout) {
    const heat = spec.data[0];
    if ((store.status || {}).state !== "running" || !heat || heat.type !== "heatmap") return false;
    const points = spec.data.slice(1);
    const place = imagePlacement(heat.x, heat.y);
    const theme = currentTheme();
    const key = { width: layout.width, theme, points: pointsKey(points), place: Object.values(place).join() };
    const [colors] = themeTraces([heat], theme);
    const pixels = heatmapPixels(heat.z, heat.zmin ?? 0, heat.zmax ?? 1, colorLookup(colors.colorscale));
    surfaceCanvas.width = pixels.width;
    surfaceCanvas.height = pixels.height;
    surfaceCanvas.getContext("2d").putImageData(new ImageData(pixels.pixels, pixels.width, pixels.height), 0, 0);
    const image = {
      source: surfaceCanvas.toDataURL(),
      xref: "x",
      yref: "y",
      ...place,
      xanchor: "left",
      yanchor: "top",
      sizing: "stretch",
      layer: "below"
    };
    const same = surfaceShown && Object.keys(key).every((k) => key[k] === surfaceShown[k]);
    if (same) Plotly.relayout(node, { "images[0].source": image.source, "title.text": layout.title?.text ?? "" });
    else Plotly.react(node, points, { ...layout, images: [image] }, PLOT_CONFIG);
    surfaceShown = key;
    return true;
  }
  let shownStatus = "";
  let shownNotices = "";
  function drawStatus() {
    const st = store.status || {};
    title.textContent = model.get("title");
    badge.textContent = st.state || "";
    badge.dataset.state = st.state || "";
    const text = statusText(st);
    if (text !== shownStatus) statusLine.textContent = shownStatus = text;
    const total = st.epochs && st.steps_per_epoch ? st.epochs * st.steps_per_epoch : null;
    progress.value = total ? Math.min(1, (st.step || 0) / total) : 0;
    if (document.activeElement !== lrInput && st.learning_rate) lrInput.placeholder = fmt(st.learning_rate);
    const list = st.notices || [];
    if (list.join("\n") !== shownNotices) {
      shownNotices = list.join("\n");
      clear(notices);
      for (const n of list) notices.append(h("li", { text: n }));
    }
  }
  let shownState = "";
  const onData = () => {
    loop.mark(statusPanel, true);
    for (const m of metricPanels) loop.mark(m.panel);
    const state = (store.status || {}).state || "";
    if (state !== shownState) {
      if (shownState === "running" || state === "running") loop.mark(figurePanels[2]);
      shownState = state;
    }
  };
  const listeners = [
    ["change:controls", drawControls],
    ["change:title", () => loop.mark(statusPanel, true)],
    ["change:metric_panels", buildMetricPanels],
    ["change:histogram_figure", figurePanels[0].decode],
    ["change:health_figure", figurePanels[1].decode],
    ["change:surface_figure", figurePanels[2].decode]
  ];
  for (const [event, fn] of listeners) model.on(event, fn);
  store.listeners.add(onData);
  drawControls();
  drawStatus();
  buildMetricPanels();
  loadPlotly(model).then((p) => {
    Plotly = p;
    redrawMetrics();
    for (const panel of figurePanels) loop.mark(panel, true);
  });
  return () => {
    for (const [event, fn] of listeners) model.off(event, fn);
    store.listeners.delete(onData);
    loop.dispose();
    resize.disconnect();
    rpc.dispose();
    for (const node of [...metricPanels.map((m) => m.node), surfacePlot, histPlot, healthPlot]) if (Plotly) Plotly.purge(node);
  };
}
var training_dashboard_default = {
  initialize({ model }) {
    storeOf(model);
  },
  render
};
export {
  training_dashboard_default as default
};
