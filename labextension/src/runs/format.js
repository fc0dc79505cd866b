// What a run's numbers read as, in the sidebar and the status bar (pure: no DOM, no Lab).

/** "epoch 12/40 · step 340" (what is known of it). */
export function progressText(run) {
  const parts = [];
  if (run.epoch) parts.push(`epoch ${run.epoch}${run.epochs ? `/${run.epochs}` : ""}`);
  if (run.step !== null && run.state !== "starting") parts.push(`step ${run.step}`);
  return parts.join(" · ");
}

/** A loss as the status bar shows it: 4 significant digits at most. */
export function lossText(value) {
  if (value === null) return "–";
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e4) ? value.toExponential(2) : String(Number(value.toPrecision(4)));
}

/** The part of the run done, in [0, 1], or null when its length is unknown. */
export function fractionDone(run) {
  if (run.epochs && run.steps && run.step !== null) return Math.min(1, run.step / (run.epochs * run.steps));
  if (run.epochs && run.epoch) return Math.min(1, (run.epoch - 1) / run.epochs);
  return null;
}

/**
 * SVG polyline points of a sparkline `width`×`height` (gaps split it: one string per piece).
 * @param {(number | null)[]} values
 */
export function sparkPaths(values, width, height, pad = 1.5) {
  const finite = values.filter((v) => v !== null);
  if (finite.length < 2) return [];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = hi - lo || 1;
  const dx = (width - 2 * pad) / (values.length - 1);
  const pieces = [];
  let piece = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (piece.length > 1) pieces.push(piece.join(" "));
      piece = [];
      return;
    }
    const x = pad + i * dx;
    const y = pad + (height - 2 * pad) * (1 - (v - lo) / span);
    piece.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  if (piece.length > 1) pieces.push(piece.join(" "));
  return pieces;
}

/** The run a status bar shows: the newest one still training, and how many others train. */
export function statusRun(entries) {
  const training = entries.filter((e) => e.run.state === "running" || e.run.state === "starting");
  if (!training.length) return null;
  return { entry: training[0], others: training.length - 1 };
}
