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

// src/lr_finder.js
var PLOT_CONFIG = { responsive: true, displaylogo: false };
function render({ model, el }) {
  const rpc = channel(model);
  const apply = h("button", {
    class: "nbk-button nbk-lr-apply",
    attrs: { type: "button" },
    on: { click: () => rpc.request("apply", {}) }
  });
  const reset = h("button", {
    class: "nbk-button nbk-lr-reset",
    text: "use the suggestion",
    attrs: { type: "button" },
    on: { click: () => rpc.request("choose", { rate: null }) }
  });
  const rerun = h("button", {
    class: "nbk-button nbk-lr-run",
    text: "run again",
    attrs: { type: "button" },
    on: { click: () => rpc.request("run", {}) }
  });
  const summary = h("div", { class: "nbk-lr-summary", attrs: { "aria-live": "polite" } });
  const current = h("div", { class: "nbk-note nbk-lr-current" });
  const plot = h("div", { class: "nbk-plot nbk-lr-plot" });
  plot.dataset.panel = "lr";
  const frame = h("div", { class: "nbk-plot-frame" }, [plot]);
  const busy = busyMarker(frame, "finding a learning rate…");
  const root = h("div", { class: "nbkeras-widget nbkeras-lr-finder" }, [
    errorBanner(model),
    summary,
    h("div", { class: "nbk-row nbk-controls", attrs: { style: "display: flex; gap: 8px; align-items: center; flex-wrap: wrap" } }, [
      apply,
      reset,
      rerun,
      h("span", { class: "nbk-note", text: "click the curve to pick another rate" })
    ]),
    current,
    frame
  ]);
  el.appendChild(root);
  function drawControls() {
    const state = model.get("state");
    const suggestion = model.get("suggestion");
    const chosen = model.get("chosen");
    const rate = chosen ?? suggestion;
    const running = state === "running";
    busy.set(running);
    apply.textContent = rate === null || rate === void 0 ? "apply" : `apply ${fmt(rate)}`;
    apply.disabled = running || rate === null || rate === void 0;
    reset.disabled = running || chosen === null || chosen === void 0;
    rerun.disabled = running;
    const stopped = model.get("stopped");
    summary.textContent = running ? "finding a learning rate…" : state === "failed" ? "the finder failed (see the message above)" : `suggested rate ${fmt(suggestion)} (steepest descent of the smoothed loss), minimum / 10 ${fmt(model.get("minimum_rate"))}` + (stopped ? `; the ramp ${stopped === "completed" ? "ran all its steps" : `stopped: ${stopped}`}` : "") + (chosen !== null && chosen !== void 0 ? `; picked ${fmt(chosen)}` : "");
    const applied = model.get("applied");
    current.textContent = `learning rate now: ${fmt(model.get("model_rate"))}` + (applied !== null && applied !== void 0 ? ` (applied to ${model.get("target")})` : ` — apply sets ${model.get("target")}`);
  }
  let Plotly = null;
  let clickBound = false;
  let spec = null;
  const loop = redrawLoop();
  const panel = loop.panel(draw, plot);
  root.__nbkRedrawStats = loop.stats;
  function decode() {
    const f = model.get("figure");
    spec = f && f.data ? fromWire(f) : null;
    loop.mark(panel, true);
  }
  function draw() {
    if (!Plotly || !spec) return;
    Plotly.react(plot, spec.data, spec.layout, PLOT_CONFIG);
    if (!clickBound) {
      plot.on("plotly_click", (event) => {
        const point = event?.points?.[0];
        if (point && point.curveNumber <= 1 && Number.isFinite(point.x)) rpc.request("choose", { rate: point.x });
      });
      clickBound = true;
    }
  }
  const names = ["state", "suggestion", "minimum_rate", "chosen", "model_rate", "applied", "target", "stopped"];
  const listeners = [["change:figure", decode], ...names.map((n) => [`change:${n}`, drawControls])];
  for (const [event, fn] of listeners) model.on(event, fn);
  drawControls();
  decode();
  loadPlotly(model).then((p) => {
    Plotly = p;
    loop.mark(panel, true);
  });
  return () => {
    for (const [event, fn] of listeners) model.off(event, fn);
    loop.dispose();
    busy.dispose();
    rpc.dispose();
    if (Plotly) Plotly.purge(plot);
  };
}
var lr_finder_default = { render };
export {
  lr_finder_default as default
};
