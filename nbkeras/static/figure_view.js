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
  const channel = (p) => p.endsWith("%") ? parseFloat(p) * 255 / 100 : parseFloat(p);
  const rgb = parts.slice(0, 3).map(channel);
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

// src/figure_view.js
function render({ model, el }) {
  const plot = h("div", { class: "nbk-plot nbk-figure" });
  el.appendChild(h("div", { class: "nbkeras-widget nbkeras-figure-view" }, [errorBanner(model), plot]));
  const stop = bindFigure(model, plot, "figure");
  return () => stop.then((fn) => fn());
}
var figure_view_default = { render };
export {
  figure_view_default as default
};
