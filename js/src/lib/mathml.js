// Build MathML from the JSON tree the kernel sends (nbkeras/widgets/mathml.py). Only
// MathML element and attribute names on these lists are created; text goes through
// textContent. Nothing is parsed as markup.

const NS = "http://www.w3.org/1998/Math/MathML";
const TAGS = new Set([
  "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup",
  "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd",
  "mstyle", "mpadded", "mphantom", "menclose", "semantics", "annotation",
]);
const ATTRS = new Set([
  "display", "mathvariant", "stretchy", "fence", "form", "separator", "columnalign",
  "columnspacing", "rowspacing", "width", "lspace", "rspace", "linethickness",
  "displaystyle", "scriptlevel", "accent", "accentunder", "movablelimits", "notation",
  "encoding",
]);

/**
 * @param {[string, Record<string, string>, any[]] | string} node
 * @returns {Node}
 */
export function mathml(node) {
  if (typeof node === "string") return document.createTextNode(node);
  const [tag, attrs, children] = node;
  if (!TAGS.has(tag)) return document.createTextNode("");
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (ATTRS.has(k)) el.setAttribute(k, String(v));
  for (const child of children || []) el.appendChild(mathml(child));
  return el;
}

/**
 * Browsers stretch a fence such as the `{` of `\begin{cases}` only with an OpenType MATH
 * font; without one (many Linux machines) the brace stays one line tall beside a
 * two-row table. After layout, a prefix fence much shorter than the table that follows
 * it is hidden and the table gets a drawn left bracket instead (class `nbk-cases`).
 * Where a math font stretches the brace, nothing changes.
 * @param {Element} root an element that contains rendered <math>
 */
export function fixUnstretchedFences(root) {
  requestAnimationFrame(() => {
    for (const mo of root.querySelectorAll("mo[stretchy='true'][form='prefix']")) {
      const table = mo.nextElementSibling;
      if (!table || table.localName !== "mtable") continue;
      const fence = mo.getBoundingClientRect().height;
      const rows = table.getBoundingClientRect().height;
      if (rows > 0 && fence < 0.75 * rows) {
        mo.classList.add("nbk-unstretched");
        table.classList.add("nbk-cases");
      }
    }
  });
}
