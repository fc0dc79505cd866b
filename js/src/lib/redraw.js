// Redraws that keep the page responsive while data streams in.
//
// A streaming chart must never own the main thread: a user typing a learning rate or
// scrolling the notebook needs it back within a frame. Each chart is a *panel* with a
// dirty flag. One scheduler per page (every view's panels, two dashboards included)
// draws dirty panels that are on screen, at most one panel per animation frame (draws
// never stack into one long task), and spaces its draws by what they cost: after a draw
// of d ms, the next draw of *any* panel waits d (1 - f) / f, f being the share of the
// main thread drawing may take (SHARE_SHORT for draws shorter than a long task, which
// a user does not feel; SHARE_LONG for longer ones, which are long tasks). However slow
// the machine or large the figure, drawing stays within that share; a faster machine
// just redraws more often. A user's own action (a slider) is drawn at the next frame.
// Panels off screen or in a hidden tab stay dirty; when one comes into view (the user
// scrolled to it: their own action) it is drawn at the next frames, one a frame, as is a
// panel's first draw: a dashboard scrolled to is never blank for seconds.
// A theme change (JupyterLab's Settings → Theme, lib/theme.js) marks every panel: the
// visible ones redraw at once in the new colors, the others when they come into view.

import { onThemeChange } from "./theme.js";

const LONG_TASK_MS = 50; // the browser's long-task threshold
const SHARE_SHORT = 0.15; // of the main thread, for draws under LONG_TASK_MS
const SHARE_LONG = 0.04; // for draws over it: long tasks stay under 5 % of the time
const MIN_INTERVAL_MS = 100; // no panel redraws more than 10 times a second
const MAX_WAIT_MS = 2000; // and the charts never stand still longer than this

/**
 * @typedef {object} Panel
 * @property {() => void} draw draws the panel's current state (synchronously)
 * @property {Element} [node] the element whose visibility gates drawing
 * @property {boolean} dirty whether the panel's data changed since its last draw
 * @property {number} cost smoothed draw time, ms
 * @property {number} last performance.now() at the end of the last draw
 * @property {boolean} visible whether `node` intersects the viewport
 * @property {number} draws number of draws so far (tests read it through `stats`)
 */

const SHARED = Symbol.for("nbkeras.redraw");

/**
 * The page's one redraw scheduler: every view on the page (two dashboards, say) draws
 * through it, so their draws never land in the same frame. Kept on globalThis because
 * each widget's bundle is a module of its own.
 */
function scheduler() {
  return (globalThis[SHARED] ??= createScheduler());
}

/**
 * A redraw loop for one view: its panels join the page's scheduler; `dispose` removes them.
 * @returns {{panel: (draw: () => void, node?: Element) => Panel, mark: (p: Panel, urgent?: boolean) => void, remove: (p: Panel) => void,
 *            stats: () => Record<string, {draws: number, cost: number}>, dispose: () => void}}
 */
export function redrawLoop() {
  const shared = scheduler();
  /** @type {Panel[]} */
  const own = [];
  return {
    panel(draw, node) {
      const p = shared.panel(draw, node);
      own.push(p);
      return p;
    },
    mark: shared.mark,
    remove(p) {
      own.splice(own.indexOf(p), 1);
      shared.remove(p);
    },
    stats() {
      return Object.fromEntries(own.map((p, i) => [p.node?.dataset?.panel ?? String(i), { draws: p.draws, cost: p.cost }]));
    },
    dispose() {
      for (const p of own.splice(0)) shared.remove(p);
    },
  };
}

function createScheduler() {
  /** @type {Panel[]} */
  const panels = [];
  let frame = 0;
  let timer = 0;
  let nextDraw = 0; // performance.now() before which no panel is drawn (but urgent ones)
  const io = typeof IntersectionObserver === "function"
    ? new IntersectionObserver((entries) => {
      for (const e of entries) {
        const p = panels.find((q) => q.node === e.target);
        if (!p) continue;
        if (e.isIntersecting && !p.visible && p.dirty) p.urgent = true; // scrolled into view: stale
        p.visible = e.isIntersecting;
      }
      wake();
    })
    : null;
  document.addEventListener("visibilitychange", () => wake());
  // The user switched the theme: their own action, so drawn at the next frames (one a frame).
  onThemeChange(() => {
    for (const p of panels) mark(p, true);
  });

  /** Mark a panel stale; `urgent` (a user's own action) draws it at the next frame. */
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
    timer = setTimeout(() => { timer = 0; wake(); }, Math.max(0, ms));
  }

  function tick() {
    frame = 0;
    if (document.hidden) return; // visibilitychange wakes us
    const now = performance.now();
    const waiting = panels.filter((p) => p.dirty && p.visible);
    if (!waiting.length) return;
    // A user's action (or a panel never drawn) first, then the panel that has waited longest.
    const urgent = waiting.find((p) => p.urgent || p.draws === 0);
    const ready = waiting.filter((p) => now - p.last >= MIN_INTERVAL_MS).sort((a, b) => a.last - b.last);
    const p = urgent ?? (now >= nextDraw ? ready[0] : undefined);
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
      reportError(error); // shown in the console; the other panels keep drawing
    }
    const t1 = performance.now();
    const took = t1 - t0;
    p.cost = p.draws === 0 ? took : 0.7 * p.cost + 0.3 * took;
    p.last = t1;
    p.draws += 1;
    const share = took < LONG_TASK_MS ? SHARE_SHORT : SHARE_LONG;
    nextDraw = Math.max(nextDraw, t1 + Math.min(MAX_WAIT_MS, (took * (1 - share)) / share));
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
    mark,
  };
}
