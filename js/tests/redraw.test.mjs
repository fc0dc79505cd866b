// The page's redraw scheduler (js/src/lib/redraw.js) under a fake clock, frames and viewport:
// one panel a frame, streaming draws spaced by their cost, and a panel that comes into view
// (or was never drawn) drawn at the next frames.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

const SHARED = Symbol.for("nbkeras.redraw");

let now = 0;
let frames = [];
let timers = [];
let observer = null;

Object.defineProperty(globalThis, "performance", { value: { now: () => now }, configurable: true });
globalThis.document = { hidden: false, addEventListener() {} };
globalThis.requestAnimationFrame = (fn) => frames.push(fn);
globalThis.setTimeout = (fn, ms) => timers.push({ fn, at: now + ms });
globalThis.IntersectionObserver = class {
  constructor(callback) {
    this.callback = callback;
    observer = this;
  }
  observe() {}
  unobserve() {}
  /** The viewport now shows (or no longer shows) `node`. */
  see(node, isIntersecting) {
    this.callback([{ target: node, isIntersecting }]);
  }
};

const { redrawLoop } = await import("../src/lib/redraw.js");

/** Run one animation frame (16 ms later), then any timer that fell due. */
function frame() {
  now += 16;
  const due = timers.filter((t) => t.at <= now);
  timers = timers.filter((t) => t.at > now);
  for (const t of due) t.fn();
  const run = frames;
  frames = [];
  for (const fn of run) fn();
}

/** A panel whose draw takes `cost` ms of the fake clock and records its name. */
function panel(loop, name, cost, drawn) {
  const node = { dataset: { panel: name } };
  const p = loop.panel(() => {
    now += cost;
    drawn.push(name);
  }, node);
  return { p, node };
}

beforeEach(() => {
  delete globalThis[SHARED];
  now = 1000;
  frames = [];
  timers = [];
});

test("a streaming panel's draws are spaced by their cost: long draws take 4 % of the time", () => {
  const loop = redrawLoop();
  const drawn = [];
  const { p } = panel(loop, "loss", 100, drawn); // a long task each draw
  for (let i = 0; i < 200; i++) {
    loop.mark(p);
    frame();
  }
  // 200 frames (3.2 s of frames, plus the draws' own time): first draw at once, then one
  // every 100 * 0.96 / 0.04 = 2,400 ms, capped at 2,000 ms.
  assert.ok(drawn.length >= 2 && drawn.length <= 3, `${drawn.length} draws`);
});

test("panels come into view stale: all drawn at the next frames, one a frame, even right after a long draw", () => {
  const loop = redrawLoop();
  const drawn = [];
  const shown = panel(loop, "loss", 100, drawn);
  const below = ["accuracy", "histograms", "health"].map((name) => panel(loop, name, 60, drawn));
  for (const { node } of below) observer.see(node, false); // below the fold
  for (const { p } of [shown, ...below]) loop.mark(p);
  frame(); // the panel on screen: its first draw
  assert.deepEqual(drawn, ["loss"]);
  for (let i = 0; i < 3; i++) frame(); // first draws, but off screen: nothing
  assert.deepEqual(drawn, ["loss"]);
  assert.equal(globalThis[SHARED].pending(), 0, "what is on screen is current");

  // Each drew once already; new data arrives for all of them while they stay off screen.
  for (const { node } of below) observer.see(node, true);
  for (let i = 0; i < 3; i++) frame();
  drawn.length = 0;
  for (const { node } of below) observer.see(node, false);
  for (const { p } of [shown, ...below]) loop.mark(p);
  frame(); // "loss" would draw now if it could; the long draws earlier keep it waiting
  drawn.length = 0;
  for (const { node } of below) observer.see(node, true); // the user scrolls down
  assert.equal(globalThis[SHARED].pending(), 4);
  frame();
  frame();
  frame();
  assert.deepEqual(drawn, ["accuracy", "histograms", "health"], "the three scrolled to, one a frame");
  assert.equal(globalThis[SHARED].pending(), 1, "the streaming panel keeps its cadence");
});

test("a panel never drawn is drawn at the next frame, whatever the last draw cost", () => {
  const loop = redrawLoop();
  const drawn = [];
  const first = panel(loop, "loss", 300, drawn);
  loop.mark(first.p);
  frame();
  const second = panel(loop, "surface", 80, drawn); // a panel added later (a new figure)
  loop.mark(second.p);
  frame();
  assert.deepEqual(drawn, ["loss", "surface"]);
});
