// Small DOM helpers. Every string from the kernel is set with textContent, never parsed
// as HTML: layer names, activation names and error messages are user data.

/**
 * Create an element.
 * @param {string} tag
 * @param {{class?: string, text?: string, title?: string, attrs?: Record<string, string>,
 *          on?: Record<string, EventListener>}} [props]
 * @param {(Node | string | null | undefined | false)[]} [children]
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, children = []) {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.text !== undefined) el.textContent = String(props.text);
  if (props.title) el.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, String(v));
  for (const [k, v] of Object.entries(props.on ?? {})) el.addEventListener(k, v);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return el;
}

/** Remove all children of an element. @param {Element} el */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/**
 * The error banner every nbkeras view shows above its content; hidden when empty.
 * @param {any} model anywidget model proxy with an `error` trait
 * @returns {HTMLElement}
 */
export function errorBanner(model) {
  const banner = h("div", { class: "nbk-error", attrs: { role: "alert" } });
  const update = () => {
    const message = model.get("error") || "";
    banner.textContent = message;
    banner.hidden = message === "";
  };
  update();
  model.on("change:error", update);
  return banner;
}

/**
 * Format a number for display: short, no trailing noise.
 * @param {number | null | undefined} v
 * @returns {string}
 */
export function fmt(v) {
  if (v === null || v === undefined) return "—";
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** How long work must be pending before it is shown: quicker answers never flicker. */
export const BUSY_DELAY_MS = 300;

/**
 * A "computing…" state for a part of a view (a chart, a layer stack): once `set(true)`
 * has held for BUSY_DELAY_MS, `frame` gets `aria-busy="true"` and the class `nbk-busy`
 * (nbkeras.css dims what it holds) and shows its note; `set(false)` ends it at once.
 * @param {HTMLElement} frame the element to mark; its last child becomes the note
 * @param {string} [text] what the note says
 * @returns {{set: (busy: boolean) => void, dispose: () => void}}
 */
export function busyMarker(frame, text = "computing…") {
  const note = h("div", { class: "nbk-busy-note", text, attrs: { role: "status" } });
  note.hidden = true;
  frame.append(note);
  let timer = 0;
  const show = (on) => {
    frame.classList.toggle("nbk-busy", on);
    frame.setAttribute("aria-busy", String(on));
    note.hidden = !on;
  };
  show(false);
  return {
    set(busy) {
      if (!busy) {
        clearTimeout(timer);
        timer = 0;
        show(false);
      } else if (timer === 0 && !frame.classList.contains("nbk-busy")) {
        timer = setTimeout(() => { timer = 0; show(true); }, BUSY_DELAY_MS);
      }
    },
    dispose() { clearTimeout(timer); },
  };
}
