// Unit tests of js/src/lib/legend.js (room for a horizontal legend's rows above the plots),
// run by `node --test js/tests/` (tests/test_js_units.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { legendNames, legendRoom, legendRows } from "../src/lib/legend.js";

// 7 px a character: what a test can reason about (the view measures with the page's canvas).
const measure = (text, font) => {
  assert.match(font, /^12px /);
  return 7 * text.length;
};

// The explorer's curves figure as the kernel sends it (nbkeras/activations/widget.py).
const LAYOUT = {
  height: 340,
  margin: { l: 50, r: 10, t: 46, b: 40 },
  legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
};
const curves = (names) => names.flatMap((name) => [
  { name, legendgroup: name, xaxis: "x", yaxis: "y" },
  { name, legendgroup: name, showlegend: false, xaxis: "x2", yaxis: "y2" }, // its derivative
]);

test("legendNames lists each legend group once and skips what the legend hides", () => {
  assert.deepEqual(legendNames(curves(["relu", "tanh"])), ["relu", "tanh"]);
  assert.deepEqual(legendNames([{ name: "a" }, { name: "b", showlegend: false }, { name: "c", legendgroup: "g" },
    { name: "d", legendgroup: "g" }, { x: [1] }]), ["a", "c"]);
});

test("legendRows wraps items as Plotly does: symbol, text and gap, at the plot area's width", () => {
  assert.equal(legendRows([], 500), 0);
  assert.equal(legendRows([55], 10), 1, "an item wider than the row still takes one row");
  // each item 40 + 55 + 5 = 100 px
  assert.equal(legendRows([55, 55, 55, 55, 55], 500), 1);
  assert.equal(legendRows([55, 55, 55, 55, 55], 499), 2);
  assert.equal(legendRows(Array(24).fill(55), 440), 6);
});

test("legendRoom grows the top margin and the height by the extra rows: the plots keep their size", () => {
  const names = Array.from({ length: 24 }, (_, i) => `act${String(i).padStart(4, "0")}`); // 7 chars: 49 + 45 = 94 px
  const layout = legendRoom(LAYOUT, curves(names), 900, measure); // 840 px: 8 items a row, 3 rows
  // a row: 20 px, and 10 more between legend groups (each curve is one, with its derivative)
  assert.equal(layout.margin.t, 46 + 2 * 30);
  assert.equal(layout.height, 340 + 2 * 30);
  assert.equal(layout.height - layout.margin.t - layout.margin.b, 340 - 46 - 40);
  assert.deepEqual(LAYOUT.margin, { l: 50, r: 10, t: 46, b: 40 }, "the input is not modified");
  const narrow = legendRoom(LAYOUT, curves(names), 480, measure); // 420 px: 4 a row, 6 rows
  assert.equal(narrow.margin.t, 46 + 5 * 30);
  // without legend groups, or with the figure's own gap between them
  const plain = names.map((name) => ({ name }));
  assert.equal(legendRoom(LAYOUT, plain, 480, measure).margin.t, 46 + 5 * 20);
  const gap = { ...LAYOUT, legend: { ...LAYOUT.legend, tracegroupgap: 4 } };
  assert.equal(legendRoom(gap, curves(names), 480, measure).margin.t, 46 + 5 * 24);
});

test("legendRoom leaves a layout alone when its legend fits or is not a row above the plots", () => {
  assert.equal(legendRoom(LAYOUT, curves(["relu", "tanh"]), 900, measure), LAYOUT);
  const many = curves(Array(30).fill("x").map((x, i) => x + i));
  for (const layout of [
    { ...LAYOUT, legend: { orientation: "v", y: 1 } },
    { ...LAYOUT, legend: { orientation: "h", y: -0.2 } },
    { ...LAYOUT, height: undefined }, // a figure that follows its container's height
    { ...LAYOUT, legend: undefined },
    { ...LAYOUT, showlegend: false }, // a dashboard's metric panels but the first
  ]) assert.equal(legendRoom(layout, many, 900, measure), layout);
  assert.equal(legendRoom(LAYOUT, many, 0, measure), LAYOUT, "no width yet (not on the page)");
});
