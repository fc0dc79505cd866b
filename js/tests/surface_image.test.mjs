// Unit tests of js/src/lib/surface_image.js (the decision surface drawn as an image), run by
// `node --test js/tests/` (tests/test_js_units.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { colorLookup, heatmapPixels, imagePlacement, pointsKey } from "../src/lib/surface_image.js";

test("a colorscale's colors read as Plotly writes them", () => {
  const color = (c) => Array.from(colorLookup([[0, c], [1, c]], 2).slice(0, 3)); // one stop's color
  assert.deepEqual(color("#1f77b4"), [31, 119, 180]);
  assert.deepEqual(color("#fff"), [255, 255, 255]);
  assert.deepEqual(color("rgb(214, 39, 40)"), [214, 39, 40]);
  assert.deepEqual(color("rgba(1,2,3,0.5)"), [1, 2, 3]);
  assert.throws(() => colorLookup([[0, "teal"], [1, "#fff"]]), /unsupported color in a colorscale: teal/);
});

test("a colorscale is sampled linearly between its stops", () => {
  const lut = colorLookup([[0, "rgb(0,0,0)"], [0.5, "rgb(255,255,255)"], [1, "rgb(255,0,0)"]], 5);
  const at = (i) => Array.from(lut.slice(i * 3, i * 3 + 3));
  assert.deepEqual(at(0), [0, 0, 0]);
  assert.deepEqual(at(1), [128, 128, 128]); // t = 0.25: halfway to white
  assert.deepEqual(at(2), [255, 255, 255]); // the middle stop exactly
  assert.deepEqual(at(3), [255, 128, 128]);
  assert.deepEqual(at(4), [255, 0, 0]);
});

test("pixels put z's first row at the bottom, values clipped to [zmin, zmax], gaps transparent", () => {
  const lut = colorLookup([[0, "rgb(0,0,0)"], [1, "rgb(255,255,255)"]], 3);
  const { width, height, pixels } = heatmapPixels([[0, 1], [0.5, NaN]], 0, 1, lut);
  assert.equal(width, 2);
  assert.equal(height, 2);
  const px = (row, col) => Array.from(pixels.slice((row * width + col) * 4, (row * width + col) * 4 + 4));
  assert.deepEqual(px(1, 0), [0, 0, 0, 255]); // z[0][0] = 0, bottom left
  assert.deepEqual(px(1, 1), [255, 255, 255, 255]); // z[0][1] = 1
  assert.deepEqual(px(0, 0), [128, 128, 128, 255]); // z[1][0] = 0.5, top left
  assert.deepEqual(px(0, 1), [0, 0, 0, 0]); // NaN: nothing drawn
  const clipped = heatmapPixels([[-3, 7]], 0, 1, lut).pixels;
  assert.deepEqual(Array.from(clipped), [0, 0, 0, 255, 255, 255, 255, 255]);
});

test("the image covers the heatmap's cells, half a cell beyond the outer centers", () => {
  assert.deepEqual(imagePlacement([0, 1, 2, 3], [10, 12, 14]), { x: -0.5, y: 15, sizex: 4, sizey: 6 });
});

test("the points key changes with the points", () => {
  const a = [{ name: "class 0", x: [0, 1], y: [2, 3] }];
  assert.equal(pointsKey(a), pointsKey([{ name: "class 0", x: [0, 1], y: [2, 3] }]));
  assert.notEqual(pointsKey(a), pointsKey([{ name: "class 0", x: [0, 1, 2], y: [2, 3, 4] }]));
});
