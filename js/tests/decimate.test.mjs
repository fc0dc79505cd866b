// Unit tests of js/src/lib/decimate.js, run by `node --test js/tests/` (tests/test_js_units.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { minMax } from "../src/lib/decimate.js";

const range = (n) => Array.from({ length: n }, (_, i) => i);

test("a series within the budget is returned whole, as new arrays", () => {
  const x = range(10);
  const y = x.map((v) => v * 2);
  const out = minMax(x, y, 10);
  assert.deepEqual(out, { x, y });
  // Plotly.react would see the same objects as "unchanged" once the store appends to them
  assert.notEqual(out.x, x);
  assert.notEqual(out.y, y);
});

test("a long series keeps at most maxPoints, in step order, with every spike and dip", () => {
  const x = range(100_000);
  const y = x.map((i) => Math.sin(i / 500));
  y[31_337] = 50; // a spike
  y[77_777] = -50; // a dip
  const out = minMax(x, y, 1000);
  assert.ok(out.x.length <= 1000, `${out.x.length} points`);
  assert.ok(out.x.every((v, i) => i === 0 || v > out.x[i - 1]), "steps ascending");
  assert.ok(out.y.includes(50) && out.y.includes(-50));
  assert.equal(Math.max(...out.y), 50);
  const i = out.y.indexOf(50);
  assert.equal(out.x[i], 31_337, "a kept point keeps its own step");
});

test("a gap (NaN/Inf in the run) survives as null however long the run", () => {
  const x = range(50_000);
  const y = x.map((i) => (i === 12_345 ? null : 1));
  const out = minMax(x, y, 500);
  const gaps = out.y.map((v, k) => [v, out.x[k]]).filter(([v]) => v === null);
  assert.deepEqual(gaps, [[null, 12_345]]);
});

test("the first and the last step are always drawn", () => {
  const x = range(1901).map((i) => i + 1);
  const y = x.map((i) => Math.cos(i)); // extremes anywhere but at the ends
  y[0] = 0;
  y[1900] = 0;
  const out = minMax(x, y, 1000);
  assert.ok(out.x.length <= 1000);
  assert.equal(out.x[0], 1);
  assert.equal(out.x[out.x.length - 1], 1901);
});
