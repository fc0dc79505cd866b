// Debiased exponential moving average, TensorBoard's smoothing: the same algorithm as
// nbkeras.training.recorder.smooth (the static report uses that one; a browser test
// checks the two agree).

/**
 * @param {(number | null)[]} values oldest first; null/non-finite values are gaps
 * @param {number} alpha weight of the past in [0, 1)
 * @returns {(number | null)[]}
 */
export function smooth(values, alpha) {
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
