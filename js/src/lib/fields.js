// Text and number fields that behave like inputs, the same way in every nbkeras view:
//
// - Enter applies the typed value, and so does leaving the field (the `change` event);
// - Escape puts back the value the kernel holds (the last applied one) and applies nothing;
// - a field the user is typing in is never overwritten by a redraw.
//
// A value the kernel refuses is shown where the view shows errors (the banner, the
// field's message); the field keeps the refused text so it can be corrected, and Escape
// brings the good value back.
//
// JupyterLab's shortcuts: Lab 4 and Notebook 7 bind no Escape or Enter to a focused text
// field inside an output (their selectors exclude `:read-write`), and Lab handles keys
// after the field, so stopping the event there is enough. Notebook 7 handles them
// *before* the field, and Shift+Enter there runs the cell (re-creating the widget), so a
// field holding unapplied text carries `data-lm-suppress-shortcuts`, which Lumino honours:
// the keys are the field's until the text is applied or reverted.

/**
 * Make `input` apply on Enter and on change, and revert on Escape.
 *
 * @param {HTMLInputElement} input a text or number field
 * @param {{apply: (text: string) => void, current: () => string}} options
 *   apply: send the typed text to the kernel (parse it there or in the caller; a value
 *     the caller cannot parse is best sent as typed, so the kernel's message names it);
 *   current: the kernel's value as the field shows it (what Escape restores).
 * @returns {{refresh: () => void, show: (text: string) => void, dirty: () => boolean}}
 *   refresh: show current() unless the user has typed something not applied yet;
 *   show: show a value another control applied (a slider beside the field);
 *   dirty: whether the field holds text that was neither applied nor shown by the kernel.
 */
export function bindField(input, { apply, current }) {
  // The text last applied or shown from the kernel, i.e. what "unchanged" means. Kept on
  // the element, so carryEdit can tell an unfinished edit from a shown value.
  const settled = () => input.dataset.nbkSettled;
  const markDirty = () => input.toggleAttribute("data-lm-suppress-shortcuts", input.value !== settled());
  const settle = (text) => {
    input.dataset.nbkSettled = text;
    markDirty();
  };
  input.value = current();
  settle(input.value);

  const commit = () => {
    if (input.value === settled()) return; // Enter then blur, or a revert: nothing new
    settle(input.value);
    apply(input.value);
  };
  const revert = () => {
    input.value = current();
    settle(input.value);
  };

  input.addEventListener("input", markDirty);
  input.addEventListener("change", commit);
  input.addEventListener("keydown", (event) => {
    if (event.isComposing) return; // an IME is composing: Enter/Escape belong to it
    if (event.key === "Enter") {
      commit();
      handled(event);
    } else if (event.key === "Escape") {
      const changed = input.value !== current();
      revert();
      // A field with nothing to revert lets Escape through, so it still does what the
      // page does with it; one that reverted keeps it, so JupyterLab does not also act.
      if (changed) handled(event);
    }
  });

  return {
    refresh() {
      if (input.value !== settled() && document.activeElement === input) return;
      revert();
    },
    show(text) {
      input.value = text;
      settle(text);
    },
    dirty: () => input.value !== settled(),
  };
}

/**
 * Stop a key event here: neither the browser's default nor JupyterLab's shortcuts (which
 * skip events whose default was prevented) act on it.
 * @param {KeyboardEvent} event
 */
function handled(event) {
  event.preventDefault();
  event.stopPropagation();
}

/**
 * After a redraw replaced a field, give the new one the text the user was typing in the
 * old one (when it was not applied yet), so a reply arriving mid-typing loses nothing.
 * @param {Element | null} from the field before the redraw (a bindField field)
 * @param {Element | null} to the field that replaced it (a bindField field)
 */
export function carryEdit(from, to) {
  if (!(from instanceof HTMLInputElement) || !(to instanceof HTMLInputElement)) return;
  if (from.dataset.nbkSettled === undefined || to.dataset.nbkSettled === undefined) return;
  if (from.value === from.dataset.nbkSettled) return; // nothing unapplied there
  to.value = from.value;
  to.toggleAttribute("data-lm-suppress-shortcuts", to.value !== to.dataset.nbkSettled);
}
