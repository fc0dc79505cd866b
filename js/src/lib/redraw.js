// Redraws that keep the page responsive while data streams in.
//
// A streaming chart must never own the main thread: a user typing a learning rate or
// scrolling the notebook needs it back within a frame. Each chart is a *panel* with a
// dirty flag; one animation-frame loop per view draws dirty panels that are on screen,
// at most one panel per frame (so draws never stack into one long task), and no panel
// more often than its own draw time allows: after a draw of d ms the panel waits
// `d / DUTY` before its next one, so drawing takes at most DUTY of the main thread
// however slow the machine or large the figure. Panels off screen or in a hidden tab
// stay dirty and are drawn when they come back into view.

const DUTY = 0.05; // most of the main thread a panel's redraws may take
const MIN_INTERVAL_MS = 100; // no panel redraws more than 10 times a second
const MAX_INTERVAL_MS = 3000; // a slow panel still redraws every few seconds

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
  const io = typeof IntersectionObserver === "function"
    ? new IntersectionObserver((entries) => {
      for (const e of entries) {
        const p = panels.find((q) => q.node === e.target);
        if (p) p.visible = e.isIntersecting;
      }
      wake();
    })
    : null;
  const onVisibility = () => wake();
  document.addEventListener("visibilitychange", onVisibility);

  function interval(p) {
    return Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, p.cost / DUTY));
  }

  function wake() {
    if (frame) return;
    frame = requestAnimationFrame(tick);
  }

  function tick() {
    frame = 0;
    if (document.hidden) return; // visibilitychange wakes us
    const now = performance.now();
    let soonest = Infinity;
    // The panel waiting longest goes first; one draw per frame.
    const due = panels
      .filter((p) => p.dirty && p.visible)
      .sort((a, b) => a.last - b.last);
    for (const p of due) {
      const wait = p.last + (p.urgent ? 0 : interval(p)) - now;
      if (wait > 0) { soonest = Math.min(soonest, wait); continue; }
      p.dirty = false;
      p.urgent = false;
      const t0 = performance.now();
      try {
        p.draw();
      } catch (error) {
        reportError(error); // shown in the console; the other panels keep drawing
      }
      const t1 = performance.now();
      p.cost = p.draws === 0 ? t1 - t0 : 0.7 * p.cost + 0.3 * (t1 - t0);
      globalThis.__nbkTimeline?.push([p.node?.dataset?.panel ?? "status", t0, t1 - t0]); // set by bench/bench_browser.py
      p.last = t1;
      p.draws += 1;
      if (panels.some((q) => q.dirty && q.visible)) wake();
      return;
    }
    if (soonest < Infinity && !timer) {
      timer = setTimeout(() => { timer = 0; wake(); }, soonest);
    }
  }

  return {
    panel(draw, node) {
      const p = { draw, node, dirty: false, urgent: false, cost: 0, last: -Infinity, visible: true, draws: 0 };
      panels.push(p);
      if (node && io) io.observe(node);
      return p;
    },
    /** Stop drawing a panel (its node left the view). */
    remove(p) {
      const i = panels.indexOf(p);
      if (i >= 0) panels.splice(i, 1);
      if (p.node && io) io.unobserve(p.node);
    },
    /** Mark a panel stale; `urgent` (a user's own action) skips the rate limit once. */
    mark(p, urgent = false) {
      p.dirty = true;
      if (urgent) p.urgent = true;
      wake();
    },
  };
}
