// What the builder's view knows and the kernel does not: where "+ above" inserts, which
// forms are open, what is being dragged; and the one context every part of the view gets.

/** @typedef {{name: string, kind: string, default: any, choices: any[] | null, required: boolean, main: boolean,
 *             doc: string, optional: boolean, minimum: number | null, maximum: number | null, length: number | null,
 *             minimum_inclusive?: boolean, maximum_inclusive?: boolean, expected: string}} ArgSpec */
/** @typedef {{class_name: string, category: string, doc: string, args: ArgSpec[], starter: object,
 *             wraps: string[]}} LayerSpec */

/**
 * @typedef {object} BuilderContext
 * @property {any} model the anywidget model
 * @property {ReturnType<typeof import("../lib/channel.js").channel>} rpc
 * @property {(action: string, args: object) => void} requestOnce a structure edit: never replaced by a later one
 * @property {{insertAt: number | null, open: Set<number>, more: Set<string>, metricsOpen: boolean,
 *             dragFrom: number | null, shownSelected: number | null}} ui view-only state
 * @property {{add: (at: number) => void, remove: (at: number) => void, move: (from: number, to: number) => void}} structure
 *   keeps open forms with their layers when the view adds, removes or moves layers
 * @property {() => any} catalog
 * @property {() => any} spec
 * @property {() => any} report
 * @property {(className: string) => LayerSpec | undefined} layerSpec
 * @property {() => void} insertChanged redraws what shows where a new layer goes (palette title, stack)
 */

/** The view-only state and the structure remapping of open forms. */
export function viewState() {
  const ui = {
    insertAt: null, open: new Set(), more: new Set(), metricsOpen: false, dragFrom: null, shownSelected: null,
  };
  /** @param {(p: number) => number | null} map old position -> new (null: gone) */
  function remapOpen(map) {
    const moved = (key) => {
      const [p, rest] = key.split(/:(.*)/s);
      const q = map(Number(p));
      return q === null ? null : `${q}:${rest}`;
    };
    ui.open = new Set([...ui.open].map(map).filter((q) => q !== null));
    ui.more = new Set([...ui.more].map(moved).filter((k) => k !== null));
  }
  const structure = {
    add: (at) => remapOpen((p) => (p >= at ? p + 1 : p)),
    remove: (at) => remapOpen((p) => (p === at ? null : p > at ? p - 1 : p)),
    move: (from, to) => remapOpen((p) => {
      if (p === from) return to;
      if (from < to && p > from && p <= to) return p - 1;
      if (to < from && p >= to && p < from) return p + 1;
      return p;
    }),
  };
  return { ui, structure };
}
