// Unit tests of js/src/lib/theme.js (the Plotly theme from JupyterLab's CSS variables),
// run by `node --test js/tests/` (tests/test_js_units.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { contrastRatio, parseColor, plotlyTheme, themeLayout, themeTraces, THEME_VARS } from "../src/lib/theme.js";

// What Chromium computes for these variables in JupyterLab 4's own themes
// (themes/@jupyterlab/theme-{light,dark}-extension/index.css), normalized as the page reads them.
const LIGHT = {
  "--jp-layout-color0": "#ffffff",
  "--jp-ui-font-color1": "rgba(0, 0, 0, 0.87)",
  "--jp-ui-font-color2": "rgba(0, 0, 0, 0.54)",
  "--jp-border-color1": "#bdbdbd",
  "--jp-border-color2": "#e0e0e0",
  "--jp-border-color3": "#eeeeee",
};
const DARK = {
  "--jp-layout-color0": "#111111",
  "--jp-ui-font-color1": "rgba(255, 255, 255, 0.87)",
  "--jp-ui-font-color2": "rgba(255, 255, 255, 0.54)",
  "--jp-border-color1": "#616161",
  "--jp-border-color2": "#424242",
  "--jp-border-color3": "#212121",
};

// The explorer's curves figure as the kernel sends it (nbkeras/activations/widget.py): light colors.
const EXPLORER_LAYOUT = {
  plot_bgcolor: "white",
  xaxis: { range: [-5, 5], zeroline: true, zerolinecolor: "#bbb", gridcolor: "#eee" },
  yaxis: { title: { text: "f(x)" }, gridcolor: "#eee" },
  yaxis2: { title: { text: "f′(x)" }, anchor: "x2", gridcolor: "#eee" },
  legend: { orientation: "h" },
  shapes: [{ type: "line", line: { color: "#d62728", dash: "dash" } }],
};

test("parseColor reads the forms a browser computes, and says null to anything else", () => {
  assert.deepEqual(parseColor("#fff"), [255, 255, 255, 1]);
  assert.deepEqual(parseColor(" #11223380 "), [17, 34, 51, 128 / 255]);
  assert.deepEqual(parseColor("rgba(255, 255, 255, 0.87)"), [255, 255, 255, 0.87]);
  assert.deepEqual(parseColor("rgb(0 0 0 / 54%)"), [0, 0, 0, 0.54]);
  assert.deepEqual(parseColor("white"), [255, 255, 255, 1]);
  for (const bad of ["", "  ", undefined, "var(--x)", "#12", "rgb(1, 2)", "hsl(0 0% 0%)"]) {
    assert.equal(parseColor(bad), null, String(bad));
  }
});

test("contrastRatio is WCAG's: black on white 21, equal colors 1, #767676 on white 4.54", () => {
  assert.equal(contrastRatio([0, 0, 0, 1], [255, 255, 255, 1]), 21);
  assert.equal(contrastRatio([17, 17, 17, 1], [17, 17, 17, 1]), 1);
  assert.ok(Math.abs(contrastRatio([118, 118, 118, 1], [255, 255, 255, 1]) - 4.54) < 0.01);
});

test("no JupyterLab variables (nbconvert HTML, a plain page): no theme, the figure as specified", () => {
  assert.equal(plotlyTheme({}), null);
  assert.equal(plotlyTheme({ "--jp-layout-color0": "#111111" }), null);
  assert.equal(plotlyTheme({ ...LIGHT, "--jp-layout-color0": "transparent" }), null);
  assert.equal(themeLayout(EXPLORER_LAYOUT, null), EXPLORER_LAYOUT);
});

test("Lab's light theme gives the colors the figures already use: white, #eee grid, #bdbdbd zero line", () => {
  const theme = plotlyTheme(LIGHT);
  assert.equal(theme.dark, false);
  assert.deepEqual(theme.colors, {
    background: "#ffffff",
    text: "#212121", // rgba(0,0,0,.87) over white
    grid: "#eeeeee",
    zeroline: "#bdbdbd",
    line: "#757575",
  });
  assert.deepEqual(theme.template.layout.xaxis, {
    gridcolor: "#eeeeee", zerolinecolor: "#bdbdbd", linecolor: "#757575", tickcolor: "#757575",
  });
  assert.ok(Object.isFrozen(theme.template.layout.xaxis), "one template per theme, shared by every draw");
});

test("Lab's dark theme: dark paper, light text, a grid that shows on #111", () => {
  const theme = plotlyTheme(DARK);
  assert.equal(theme.dark, true);
  assert.deepEqual(theme.colors, {
    background: "#111111",
    text: "#e0e0e0", // rgba(255,255,255,.87) over #111
    grid: "#424242",
    zeroline: "#616161",
    line: "#929292",
  });
  const { layout } = theme.template;
  assert.equal(layout.paper_bgcolor, "#111111");
  assert.equal(layout.plot_bgcolor, "#111111");
  assert.equal(layout.font.color, "#e0e0e0");
  assert.equal(layout.legend.font.color, "#e0e0e0");
  assert.equal(layout.hoverlabel.bgcolor, "#111111");
  const rgb = (hex) => parseColor(hex);
  assert.ok(contrastRatio(rgb(theme.colors.text), rgb(theme.colors.background)) >= 4.5, "text readable");
  assert.ok(contrastRatio(rgb(theme.colors.line), rgb(theme.colors.background)) >= 3, "axis lines visible");
  assert.ok(contrastRatio(rgb(theme.colors.grid), rgb(theme.colors.background)) > 1.5, "grid visible");
  assert.notEqual(plotlyTheme(DARK).key, plotlyTheme(LIGHT).key);
  assert.equal(plotlyTheme(DARK).key, theme.key, "same variables, same key: no redraw");
});

test("themeLayout replaces the figure's theme-level colors and keeps its own ones", () => {
  const theme = plotlyTheme(DARK);
  const before = structuredClone(EXPLORER_LAYOUT);
  const out = themeLayout(EXPLORER_LAYOUT, theme);
  assert.deepEqual(EXPLORER_LAYOUT, before, "the spec is not modified");
  assert.equal(out.template, theme.template);
  assert.equal(out.plot_bgcolor, "#111111");
  assert.equal(out.paper_bgcolor, undefined, "unset keys come from the template");
  assert.deepEqual(out.xaxis, { range: [-5, 5], zeroline: true, zerolinecolor: "#616161", gridcolor: "#424242" });
  assert.equal(out.yaxis.gridcolor, "#424242");
  assert.equal(out.yaxis2.gridcolor, "#424242");
  assert.deepEqual(out.yaxis2.title, { text: "f′(x)" });
  assert.deepEqual(out.legend, { orientation: "h" });
  assert.equal(out.shapes, EXPLORER_LAYOUT.shapes, "a figure's own colors stay");
  assert.notEqual(out.xaxis, EXPLORER_LAYOUT.xaxis, "new axis objects: Plotly writes autoranges into them");
});

test("themeLayout replaces explicit text, legend and hover label colors", () => {
  const theme = plotlyTheme(DARK);
  const out = themeLayout({
    paper_bgcolor: "white",
    font: { size: 13, color: "#444" },
    title: { text: "t", font: { color: "#222", size: 14 } },
    xaxis: { tickfont: { color: "#444", size: 10 }, linecolor: "#444", color: "#444", title: { font: { color: "#333" } } },
    legend: { bgcolor: "rgba(255,255,255,0.8)", bordercolor: "#ccc", font: { color: "#222" } },
    hoverlabel: { bgcolor: "white", font: { size: 12 } },
    coloraxis: { colorscale: "Viridis" },
  }, theme);
  assert.equal(out.paper_bgcolor, "#111111");
  assert.deepEqual(out.font, { size: 13, color: "#e0e0e0" });
  assert.deepEqual(out.title.font, { color: "#e0e0e0", size: 14 });
  assert.deepEqual(out.xaxis.tickfont, { color: "#e0e0e0", size: 10 });
  assert.equal(out.xaxis.linecolor, "#929292");
  assert.equal(out.xaxis.color, "#e0e0e0");
  assert.deepEqual(out.xaxis.title.font, { color: "#e0e0e0" });
  assert.deepEqual(out.legend, { bgcolor: "#111111", bordercolor: "#929292", font: { color: "#e0e0e0" } });
  assert.deepEqual(out.hoverlabel, { bgcolor: "#111111", font: { size: 12 } });
  assert.deepEqual(out.coloraxis, { colorscale: "Viridis" });
});

test("a figure's own template is kept", () => {
  const own = { layout: { font: { family: "serif" } } };
  assert.equal(themeLayout({ template: own }, plotlyTheme(LIGHT)).template, own);
});

test("THEME_VARS names every variable the derivation reads", () => {
  assert.deepEqual(Object.keys(LIGHT).sort(), [...THEME_VARS].sort());
});

// The decision surface's heatmap as the kernel sends it (nbkeras/training/figures.py): its
// colorscale mixed toward white, and the same stops as paper tints.
const SURFACE = {
  type: "heatmap",
  z: [[0.2, 0.8]],
  colorscale: [[0, "rgb(251,200,151)"], [0.5, "rgb(255,255,255)"], [1, "rgb(174,194,216)"]],
  meta: { surface: true, paper_tints: [[0, "#f58518", 0.55], [0.5, "#f58518", 1], [1, "#4c78a8", 0.55]] },
};

test("themeTraces mixes a surface's pale colors toward the theme's paper, not white", () => {
  const points = { type: "scatter", x: [0], y: [0], marker: { color: "#f58518" } };
  const dark = themeTraces([SURFACE, points], plotlyTheme(DARK));
  assert.equal(dark[1], points, "a trace without paper tints is kept as it is");
  assert.deepEqual(SURFACE.colorscale[1], [0.5, "rgb(255,255,255)"], "the input is not modified");
  const [low, mid, high] = dark[0].colorscale;
  assert.deepEqual(mid, [0.5, "#111111"], "the boundary is the dark paper itself");
  // Class 0 stays orange and class 1 blue, each darker than on white, both distinct from the paper.
  assert.deepEqual(low, [0, "#784514"]);
  assert.deepEqual(high, [1, "#2c3f55"]);
  for (const [, color] of [low, high]) assert.ok(contrastRatio(parseColor(color), parseColor("#111111")) > 1.5, color);
  // On a light page the colors are the kernel's (white is the paper).
  const light = themeTraces([SURFACE], plotlyTheme(LIGHT))[0].colorscale;
  assert.deepEqual(light.map(([t, c]) => [t, parseColor(c)]), SURFACE.colorscale.map(([t, c]) => [t, parseColor(c)]));
  // No theme (outside JupyterLab), or no trace that follows the paper: the same array.
  const data = [SURFACE];
  assert.equal(themeTraces(data, null), data);
  assert.equal(themeTraces([points], plotlyTheme(DARK)).length, 1);
});
