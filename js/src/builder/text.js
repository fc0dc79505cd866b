// Text <-> values for the builder's fields, and keeping the keyboard across redraws.
import { carryEdit } from "../lib/fields.js";

/** "3, 3" -> [3, 3]; "3" -> 3 (or [3] where a list is expected); "" -> null. Anything
 * else is sent as typed, so the kernel's message says what it received.
 * @param {string} text  @param {boolean} alwaysList */
export function parseIntTuple(text, alwaysList) {
  const parts = text.trim().split(/[\s,()[\]]+/).filter((p) => p !== "");
  if (parts.length === 0) return null;
  const values = parts.map((p) => (/^-?\d+$/.test(p) ? Number(p) : p));
  return values.length === 1 && !alwaysList ? values[0] : values;
}

/** "28, 28, 1" -> [28, 28, 1]; "None, 8" -> [null, 8].  @param {string} text */
export function parseShape(text) {
  return text.trim().split(/[\s,()[\]]+/).filter((p) => p !== "")
    .map((p) => (/^(none|null|\?)$/i.test(p) ? null : /^-?\d+$/.test(p) ? Number(p) : p));
}

/** [null, 8] -> "(None, 8)"; nothing -> "".  @param {Array<number | null> | null | undefined} shape */
export const shapeText = (shape) => (shape ? `(${shape.map((d) => (d === null ? "None" : d)).join(", ")})` : "");

/** A value as its field shows it: "" for absent or None. */
export const fieldText = (value) =>
  (value === null || value === undefined ? "" : Array.isArray(value) ? value.join(", ") : String(value));

/** 1450 -> "1,450"; nothing -> "". */
export const count = (n) => (n === null || n === undefined ? "" : Number(n).toLocaleString("en-US"));

/**
 * Put the keyboard back where it was after a redraw replaced the fields: the field with
 * the same `data-key`, with the text the user had not applied yet and the caret kept.
 * @param {Element} scope where the new fields are  @param {Element | null} active the old focused field
 */
export function restoreFocus(scope, active) {
  const key = active ? active.getAttribute("data-key") : null;
  if (key === null) return;
  const node = [...scope.querySelectorAll("[data-key]")].find((n) => n.getAttribute("data-key") === key);
  if (!node || node === active) return;
  carryEdit(active, node);
  /** @type {HTMLElement} */ (node).focus();
  try {
    if (active instanceof HTMLInputElement && node instanceof HTMLInputElement && active.selectionStart !== null) {
      node.setSelectionRange(active.selectionStart, active.selectionEnd);
    }
  } catch { /* number fields have no caret position to restore */ }
}
