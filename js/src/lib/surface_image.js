// A heatmap trace drawn as an image under a figure's other traces.
//
// Why: the training dashboard's decision surface changes about once a second while its
// training points never change. Plotly.react of a changed heatmap re-plots every trace of
// the subplot (the 300 points too): 60-110 ms a draw in JupyterLab, a long task. Drawn as a
// layout image instead, a new surface is one `Plotly.relayout` of `images[0]` (and the
// title): the points stay as they are. These are the pure parts (colors, pixels, where the
// image goes); the dashboard paints the pixels on a canvas.

import { parseColor } from "./theme.js";

/**
 * A colorscale ([[t, color], ...], t from 0 to 1) sampled at `n` evenly spaced points,
 * linear in RGB between its stops (as Plotly interpolates a heatmap's colors).
 * @param {Array<[number, string]>} colorscale
 * @param {number} [n]
 * @returns {Uint8Array} n * 3 bytes
 */
export function colorLookup(colorscale, n = 256) {
  const stops = colorscale.map(([t, color]) => {
    const rgba = parseColor(color); // the forms Plotly and the kernel write (lib/theme.js)
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

/**
 * RGBA pixels of a heatmap: z[row][col] with row 0 at the bottom (Plotly's y grows
 * upwards), so the image's first pixel row is z's last row.
 * @param {ArrayLike<number>[]} z rows of values
 * @param {number} zmin
 * @param {number} zmax
 * @param {Uint8Array} lut from colorLookup
 * @returns {{width: number, height: number, pixels: Uint8ClampedArray}}
 */
export function heatmapPixels(z, zmin, zmax, lut) {
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
      if (!Number.isFinite(v)) continue; // transparent, as Plotly leaves a gap
      const i = Math.round(Math.min(1, Math.max(0, (v - zmin) / span)) * last) * 3;
      pixels[o] = lut[i];
      pixels[o + 1] = lut[i + 1];
      pixels[o + 2] = lut[i + 2];
      pixels[o + 3] = 255;
    }
  }
  return { width, height, pixels };
}

/**
 * Where the image of a heatmap with cell centers `x` and `y` (evenly spaced, increasing)
 * goes: each cell one pixel, the image's edges half a cell beyond the outer centers.
 * @param {ArrayLike<number>} x
 * @param {ArrayLike<number>} y
 * @returns {{x: number, y: number, sizex: number, sizey: number}} the top-left corner and size, in data units
 */
export function imagePlacement(x, y) {
  const step = (v) => (v.length > 1 ? (v[v.length - 1] - v[0]) / (v.length - 1) : 1);
  const dx = step(x);
  const dy = step(y);
  return { x: x[0] - dx / 2, y: y[y.length - 1] + dy / 2, sizex: dx * x.length, sizey: dy * y.length };
}

/**
 * A short key for a figure's point traces: equal keys, the same points (a run's sampled
 * training points do not change while it trains).
 * @param {{name?: string, x?: ArrayLike<number>, y?: ArrayLike<number>}[]} traces
 * @returns {string}
 */
export function pointsKey(traces) {
  return traces
    .map((t) => {
      const x = t.x || [];
      const y = t.y || [];
      return `${t.name}:${x.length}:${x[0]},${y[0]}:${x[x.length - 1]},${y[y.length - 1]}`;
    })
    .join("|");
}
