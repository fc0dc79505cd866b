// Fewer points to draw than a series holds, without hiding what matters.
//
// A chart a few hundred pixels wide cannot show more than a couple of points per pixel,
// but drawing every held point costs the page time in proportion to the run's length.
// `minMax` keeps, per bucket of consecutive points, the lowest and the highest (in step
// order), so spikes and dips survive; a bucket holding a gap (null: NaN/Inf in the run)
// keeps the gap, so a diverged step stays visible however long the run; the first and the
// last point are always kept, so the curve spans the steps the run has reached.

/**
 * @param {number[]} x steps, ascending
 * @param {(number | null)[]} y values; null is a gap
 * @param {number} maxPoints most points to return (>= 4), plus one per bucket that holds a gap
 * @returns {{x: number[], y: (number | null)[]}} new arrays, never `x` or `y` themselves
 */
export function minMax(x, y, maxPoints) {
  const n = x.length;
  // Always new arrays: Plotly.react skips a trace whose arrays are the same objects as at
  // its last draw, and the caller's arrays keep growing after this returns.
  if (n <= maxPoints) return { x: x.slice(), y: y.slice() };
  const buckets = Math.floor((maxPoints - 2) / 2); // two points each, plus the first and last
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
      if (v === null || !Number.isFinite(v)) { if (gap < 0) gap = i; continue; }
      if (lo < 0 || v < y[lo]) lo = i;
      if (hi < 0 || v > y[hi]) hi = i;
    }
    const keep = [lo, hi, gap, b === 0 ? 0 : -1, b === buckets - 1 ? n - 1 : -1].filter((i) => i >= 0).sort((a, b) => a - b);
    for (let k = 0; k < keep.length; k++) {
      if (k > 0 && keep[k] === keep[k - 1]) continue;
      ox.push(x[keep[k]]);
      oy.push(keep[k] === gap ? null : y[keep[k]]);
    }
  }
  return { x: ox, y: oy };
}
