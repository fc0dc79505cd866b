// Plotly figures in the colors of JupyterLab's theme (light, dark, high contrast), switching live.
//
// A figure spec from the kernel carries light colors (nbkeras/widgets/svg.py draws the same
// spec for the static pictures, which stay light). At draw time the theme's colors are read
// once from Lab's CSS variables and become a Plotly template, put under the figure's layout;
// the figure's own *theme-level* colors (paper and plot background, text, grid, zero and axis
// lines, legend and hover label boxes) are replaced by the theme's, everything else it sets
// (trace colors, colorscales, shapes) is kept. Outside JupyterLab (no --jp-* variables:
// nbconvert HTML, a plain page) figures are drawn exactly as specified.
//
// The theme is computed once per theme change and shared by every bundle on the page
// (globalThis): one MutationObserver watches <body>'s data-jp-theme-light/-name, and each
// listener (the redraw scheduler, lib/redraw.js) marks its panels for a redraw.

/** The CSS variables a theme is derived from (JupyterLab's names). */
export const THEME_VARS = Object.freeze([
  "--jp-layout-color0", // the notebook's background: paper and plot
  "--jp-ui-font-color1", // text: titles, tick labels, legend
  "--jp-ui-font-color2", // axis lines and ticks
  "--jp-border-color1", // zero lines
  "--jp-border-color2", // grid lines on a dark background
  "--jp-border-color3", // grid lines on a light background
]);

/** The <body> attributes JupyterLab (and Notebook 7) set when the theme changes. */
export const THEME_ATTRIBUTES = Object.freeze(["data-jp-theme-light", "data-jp-theme-name"]);

const NAMED = { white: [255, 255, 255, 1], black: [0, 0, 0, 1], transparent: [0, 0, 0, 0] };

/**
 * A CSS color as [r, g, b, a] (0–255, alpha 0–1): #rgb, #rgba, #rrggbb, #rrggbbaa,
 * rgb()/rgba() (commas or spaces, `/ alpha`, percent alpha), white, black, transparent.
 * @param {string | undefined | null} text
 * @returns {number[] | null} null when empty or not one of those forms
 */
export function parseColor(text) {
  const s = String(text ?? "").trim().toLowerCase();
  if (!s) return null;
  if (s in NAMED) return NAMED[s].slice();
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(s);
  if (hex) {
    let h = hex[1];
    if (h.length <= 4) h = [...h].map((c) => c + c).join("");
    const n = (i) => parseInt(h.slice(2 * i, 2 * i + 2), 16);
    return [n(0), n(1), n(2), h.length === 8 ? n(3) / 255 : 1];
  }
  const fn = /^rgba?\(([^)]*)\)$/.exec(s);
  if (!fn) return null;
  const parts = fn[1].split(/[\s,/]+/).filter(Boolean);
  if (parts.length < 3 || parts.length > 4) return null;
  const channel = (p) => (p.endsWith("%") ? (parseFloat(p) * 255) / 100 : parseFloat(p));
  const rgb = parts.slice(0, 3).map(channel);
  const alpha = parts.length === 4 ? (parts[3].endsWith("%") ? parseFloat(parts[3]) / 100 : parseFloat(parts[3])) : 1;
  if ([...rgb, alpha].some((v) => !Number.isFinite(v))) return null;
  return [...rgb.map((v) => Math.min(255, Math.max(0, v))), Math.min(1, Math.max(0, alpha))];
}

/**
 * `color` painted over an opaque `background`: what the eye sees (Lab's text colors are translucent).
 * @param {number[]} color
 * @param {number[]} background
 */
export function composite(color, background) {
  const a = color[3];
  return [0, 1, 2].map((i) => color[i] * a + background[i] * (1 - a)).concat(1);
}

/**
 * WCAG 2 relative luminance of an opaque color.
 * @param {number[]} color
 */
export function luminance(color) {
  const lin = (v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(color[0]) + 0.7152 * lin(color[1]) + 0.0722 * lin(color[2]);
}

/**
 * WCAG 2 contrast ratio of two opaque colors (1 to 21).
 * @param {number[]} a
 * @param {number[]} b
 */
export function contrastRatio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** @param {number[]} color an opaque color @returns {string} "#rrggbb" */
export function toHex(color) {
  return `#${color.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;
}

/**
 * @typedef {object} PlotlyTheme
 * @property {string} key the colors, joined: equal keys are the same theme
 * @property {boolean} dark whether the background is dark
 * @property {{background: string, text: string, grid: string, zeroline: string, line: string}} colors
 * @property {{layout: any}} template a Plotly template (`layout.template`)
 */

/**
 * The Plotly theme for a set of JupyterLab CSS variable values (pure: what the tests feed it).
 * Every color comes out opaque (translucent text composited over the background), so the
 * figure reads the same over any page.
 * @param {Record<string, string>} vars values of THEME_VARS (colors the browser computed)
 * @returns {PlotlyTheme | null} null when the page has no JupyterLab theme variables
 */
export function plotlyTheme(vars) {
  const bg = parseColor(vars["--jp-layout-color0"]);
  const fg = parseColor(vars["--jp-ui-font-color1"]);
  if (!bg || !fg || bg[3] === 0) return null;
  const background = composite(bg, [255, 255, 255, 1]);
  const dark = luminance(background) < 0.18;
  const over = (name, fallback) => composite(parseColor(vars[name]) ?? fallback, background);
  const text = composite(fg, background);
  const muted = over("--jp-ui-font-color2", text);
  // Lab's subtlest border is a faint line on white (#eee) but close to nothing on #111:
  // a dark theme's grid takes the next one (#424242).
  const grid = over(dark ? "--jp-border-color2" : "--jp-border-color3", muted);
  const zeroline = over("--jp-border-color1", muted);
  const colors = {
    background: toHex(background),
    text: toHex(text),
    grid: toHex(grid),
    zeroline: toHex(zeroline),
    line: toHex(muted),
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
      hoverlabel: { bgcolor: colors.background, bordercolor: colors.line, font: { color: colors.text } },
    },
  };
  return { key: Object.values(colors).join(" "), dark, colors, template: deepFreeze(template) };
}

const AXIS = /^[xy]axis\d*$/;

/**
 * A figure's layout in the theme: `theme.template` under it (what it leaves unset), and its own
 * theme-level colors replaced; every other key (trace colors, shapes, colorscales) is kept.
 * Returns a new object (Plotly.react diffs by value); the input is not modified.
 * @param {any} layout
 * @param {PlotlyTheme | null} theme
 */
export function themeLayout(layout, theme) {
  if (!theme) return layout;
  const c = theme.colors;
  const out = { ...layout, template: layout?.template ?? theme.template };
  replace(out, { paper_bgcolor: c.background, plot_bgcolor: c.background });
  fontColor(out, "font", c.text);
  if (out.title && typeof out.title === "object") out.title = fontColor({ ...out.title }, "font", c.text);
  for (const key of Object.keys(out)) {
    if (!AXIS.test(key) || !out[key] || typeof out[key] !== "object") continue;
    const axis = replace({ ...out[key] }, {
      gridcolor: c.grid, zerolinecolor: c.zeroline, linecolor: c.line, tickcolor: c.line, color: c.text,
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

/**
 * A figure's traces in the theme: a trace whose colors were mixed toward the light paper
 * (`meta.paper_tints`, a colorscale as `[position, color, amount]` stops: `color` mixed with
 * the paper by `amount`, 1 being the paper itself; nbkeras/training/figures.py surface_tints)
 * gets its colorscale mixed toward the theme's background instead, so that a pale region is
 * dark on a dark page, not a white box. Other traces are kept (the same objects); the input
 * is not modified.
 * @param {any[]} data
 * @param {PlotlyTheme | null} theme
 * @returns {any[]}
 */
export function themeTraces(data, theme) {
  if (!theme || !Array.isArray(data) || !data.some((t) => t?.meta?.paper_tints)) return data;
  const paper = parseColor(theme.colors.background);
  return data.map((trace) => {
    const tints = trace?.meta?.paper_tints;
    if (!Array.isArray(tints)) return trace;
    // `color` with opacity 1 - amount over the paper: mixed toward it by `amount`
    const mixed = (color, amount) => toHex(composite([...parseColor(color).slice(0, 3), 1 - amount], paper));
    return { ...trace, colorscale: tints.map(([t, color, amount]) => [t, mixed(color, amount)]) };
  });
}

/** Replace the keys of `colors` that `obj` sets (only those). */
function replace(obj, colors) {
  for (const [k, v] of Object.entries(colors)) if (obj[k] !== undefined) obj[k] = v;
  return obj;
}

/** obj[key].color replaced when set. */
function fontColor(obj, key, color) {
  if (obj[key] && typeof obj[key] === "object" && obj[key].color !== undefined) obj[key] = { ...obj[key], color };
  return obj;
}

function deepFreeze(obj) {
  for (const v of Object.values(obj)) if (v && typeof v === "object") deepFreeze(v);
  return Object.freeze(obj);
}

// ---- the page's theme: read once per change, shared by every bundle --------------------

const SHARED = Symbol.for("nbkeras.theme");
const RECHECK_MS = 400;

function shared() {
  return (globalThis[SHARED] ??= { theme: undefined, listeners: new Set(), observer: null });
}

/**
 * The values of THEME_VARS on `el`, each normalized by the browser to rgb()/#hex (a theme
 * may write `white` or `var(--md-grey-900)`).
 * @param {Element} el
 */
export function readThemeVars(el) {
  const style = getComputedStyle(el);
  const ctx = document.createElement("canvas").getContext("2d");
  const vars = {};
  for (const name of THEME_VARS) {
    const raw = style.getPropertyValue(name).trim();
    if (!raw || !ctx) {
      vars[name] = raw;
      continue;
    }
    ctx.fillStyle = "#000001"; // a sentinel: an unparsable value leaves it unchanged
    ctx.fillStyle = raw;
    vars[name] = ctx.fillStyle === "#000001" ? "" : ctx.fillStyle;
  }
  return vars;
}

/**
 * The page's Plotly theme (null outside JupyterLab), computed once per theme change.
 * @returns {PlotlyTheme | null}
 */
export function currentTheme() {
  const s = shared();
  if (s.theme === undefined) {
    watch(s); // the cached theme must be dropped when the theme changes, listeners or not
    s.theme = typeof document === "undefined" || !document.body ? null : plotlyTheme(readThemeVars(document.body));
  }
  return s.theme;
}

/**
 * Call `fn` after the page's theme changed (JupyterLab's Settings → Theme), once the new
 * colors are in place.
 * @param {() => void} fn
 * @returns {() => void} stops listening
 */
export function onThemeChange(fn) {
  const s = shared();
  s.listeners.add(fn);
  watch(s);
  return () => s.listeners.delete(fn);
}

/** One MutationObserver per page on <body>'s theme attributes, whatever the number of listeners. */
function watch(s) {
  if (s.observer || typeof MutationObserver !== "function" || typeof document === "undefined" || !document.body) return;
  // A changed theme is seen once its colors differ: nothing is redrawn for an attribute that
  // changed nothing (Lab sets both attributes). Checked again a moment later, in case a
  // front end sets the attributes before its theme's style sheet applies.
  const check = () => {
    const before = s.theme?.key;
    s.theme = undefined;
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
