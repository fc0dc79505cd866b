"""A live view is never re-created by nbkeras while the user works with it.

Why: every nbkeras widget keeps a picture of itself current for readers without a kernel
(nbkeras/widgets/picture.py), and JupyterLab re-creates a widget view whose output is
updated: focus, an open ``<details>``, a half-typed value and a Plotly zoom would be lost
under the user's hands each time the picture is redrawn. The picture therefore lives in an
output of its own, after the widget's, hidden by the widget renderer; only that output is
updated. These tests edit a field, wait longer than the settle delay (so the picture *is*
redrawn: the picture output's HTML in the page changes) and check that the view is the
same DOM node, with its open form, its focus and the typed values.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest
from harness import NotebookRun, run_notebook, wait_until, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BUILDER = ".nbkeras-widget.nbkeras-model-builder"
EXPLORER = ".nbkeras-widget.nbkeras-activation-explorer"
RUN_TIMEOUT = 180.0  # the kernel imports TensorFlow before the widget exists
REPLY_TIMEOUT = 20.0
# Longer than NbKerasWidget.PICTURE_SETTLE_SECONDS (1.5 s): a picture redraw happens meanwhile.
WATCH_MS = 5_000

# Per output of the code cell whose output area holds `selector`: its mime types, the
# widget-view model id, the picture HTML and the rendered child's box. Read from the
# notebook model (what would be saved), so an update_display_data shows up here.
_OUTPUTS_JS = r"""
(selector) => {
  const root = document.querySelector(selector);
  const app = window.jupyterapp;
  let panels = [];
  try { panels = Array.from(app.shell.widgets('main')); } catch (e) {}
  if (app.shell.currentWidget) panels.push(app.shell.currentWidget);
  for (const panel of panels) {
    if (!panel || !panel.content || !panel.content.widgets) continue;
    for (const cell of panel.content.widgets) {
      if (!cell.outputArea || !root || !cell.outputArea.node.contains(root)) continue;
      const children = Array.from(cell.outputArea.node.querySelectorAll(':scope > .jp-OutputArea-child'));
      return cell.model.outputs.toJSON().map((output, i) => {
        const data = output.data || {};
        const view = data['application/vnd.jupyter.widget-view+json'];
        const child = children[i];
        const box = child ? child.getBoundingClientRect() : null;
        const style = child ? getComputedStyle(child) : null;
        return {
          mimes: Object.keys(data).sort(),
          model_id: view ? view.model_id : null,
          html: data['text/html'] || null,
          height: box ? box.height : null,
          margin: style ? style.marginTop + ' ' + style.marginBottom : null,
          holds_root: child ? child.contains(root) : false,
        };
      });
    }
  }
  return null;
}
"""

# Tags the view's root element, so that a re-created view (a fresh render()) is seen.
_TAG_JS = "(selector) => { document.querySelector(selector).dataset.nbkProbe = 'first-render'; }"

# What a re-created view would lose: is the tagged root still in the page, what has focus.
_STATE_JS = r"""
(selector) => {
  const root = document.querySelector(selector);
  const tagged = document.querySelector('[data-nbk-probe="first-render"]');
  const active = document.activeElement;
  return {
    same_node: Boolean(tagged && tagged === root && tagged.isConnected),
    roots: document.querySelectorAll(selector).length,
    active_key: active && root && root.contains(active) ? active.getAttribute('data-key') : null,
    active_label: active && root && root.contains(active) ? active.getAttribute('aria-label') : null,
    active_value: active && 'value' in active ? active.value : null,
    active_probe: active && active.dataset ? active.dataset.nbkProbe || null : null,
  };
}
"""


def _notebook(tmp_path: Path, name: str, *cells: str) -> Path:
    return write_notebook(tmp_path / f"{name}.ipynb", *cells)


_wait_for = partial(wait_until, timeout=REPLY_TIMEOUT)


def _outputs(run: NotebookRun, selector: str) -> list[dict[str, Any]]:
    outputs = run.page.evaluate(_OUTPUTS_JS, selector)
    assert outputs is not None, f"no cell output holds {selector}"
    return outputs


def _picture_html(run: NotebookRun, selector: str) -> str:
    """The picture output's HTML, after checking the cell holds the widget then its hidden picture."""
    widget, picture = _outputs(run, selector)
    assert widget["holds_root"] and widget["model_id"] and "text/html" not in widget["mimes"], widget
    assert picture["model_id"] == "" and picture["html"], picture
    # hidden by the widget renderer: no box, no gap under the live view
    assert picture["height"] == 0 and picture["margin"] == "0px 0px", picture
    return picture["html"]


def _state(run: NotebookRun, selector: str) -> dict[str, Any]:
    return run.page.evaluate(_STATE_JS, selector)


@pytest.mark.parametrize("ui", ["lab", "notebook7"])
def test_a_builder_form_keeps_its_focus_and_values_while_the_picture_follows(
    notebook_page, jupyter_server, tmp_path, ui
):
    code = 'import nbkeras\nb = nbkeras.ModelBuilder(template="cnn")\nb'
    run = run_notebook(
        notebook_page, jupyter_server, _notebook(tmp_path, "builder_survives", code), ui=ui, timeout=RUN_TIMEOUT
    )
    page = run.page
    run.wait_for_selector(BUILDER)
    before = _picture_html(run, BUILDER)
    assert "160" in before and "240" not in before  # Conv2D(16): (9 + 1) * 16 params
    page.evaluate(_TAG_JS, BUILDER)

    conv = page.locator(f'{BUILDER} .nbk-layer[data-position="1"]')
    conv.locator(":scope > details.nbk-layer-form > summary").click()
    filters = conv.locator('[data-key="1:filters"]')
    filters.fill("24")
    filters.press("Tab")  # `change` fires as the field loses focus
    totals = page.locator(f"{BUILDER} .nbk-mb-totals")
    # (9 + 1) * 24 + (3 * 3 * 24 * 10 + 10) = 240 + 2,170
    _wait_for(
        run,
        lambda: totals.inner_text().startswith("Total params: 2,410"),
        "the kernel's answer to filters=24",
        describe=lambda: totals.inner_text(),
    )
    moved_to = _state(run, BUILDER)
    assert moved_to["active_key"] and moved_to["active_key"] != "1:filters", moved_to  # Tab moved on in the form
    next_field = page.locator(f'{BUILDER} [data-key="{moved_to["active_key"]}"]')
    half_typed = None
    if next_field.evaluate("n => n.tagName === 'INPUT' && n.type !== 'checkbox'"):
        page.keyboard.type("7")  # typed, not applied: no Tab, no Enter
        half_typed = next_field.input_value()

    page.wait_for_timeout(WATCH_MS)

    after = _picture_html(run, BUILDER)
    assert after != before and "240" in after, "the picture output was not redrawn after the edit settled"
    state = _state(run, BUILDER)
    assert state["same_node"] and state["roots"] == 1, f"the builder view was re-created: {state}"
    assert conv.locator(":scope > details.nbk-layer-form").get_attribute("open") is not None, "the open form closed"
    assert state["active_key"] == moved_to["active_key"], f"focus moved: {moved_to} -> {state}"
    assert filters.input_value() == "24"
    if half_typed is not None:
        assert next_field.input_value() == half_typed and state["active_value"] == half_typed, state
    assert run.execute("print(b.spec['layers'][0]['config']['filters'])").strip() == "24"
    run.assert_clean()


def test_an_explorer_keeps_a_half_typed_range_while_python_changes_it(notebook_page, jupyter_server, tmp_path):
    code = 'import nbkeras\ne = nbkeras.explore_activations("leaky_relu", x_range=(-3, 3))'
    run = run_notebook(
        notebook_page, jupyter_server, _notebook(tmp_path, "explorer_survives", code), ui="lab", timeout=RUN_TIMEOUT
    )
    page = run.page
    run.wait_for_selector(EXPLORER)
    before = _picture_html(run, EXPLORER)
    page.evaluate(_TAG_JS, EXPLORER)

    x_min = page.get_by_label("x min", exact=True)
    x_min.click()
    x_min.evaluate("n => { n.dataset.nbkProbe = 'x-min'; n.select(); }")
    page.keyboard.type("-2.5")  # half-typed: no Enter, focus stays
    # Meanwhile Python changes the curves (and so, once settled, the picture).
    run.execute("e.negative_slope = 0.5")

    page.wait_for_timeout(WATCH_MS)

    after = _picture_html(run, EXPLORER)
    assert after != before, "the picture output was not redrawn after negative_slope changed"
    state = _state(run, EXPLORER)
    assert state["same_node"] and state["roots"] == 1, f"the explorer view was re-created: {state}"
    assert state["active_probe"] == "x-min" and state["active_value"] == "-2.5", state
    assert x_min.input_value() == "-2.5"
    assert run.execute("print(e.x_range, e.negative_slope)").strip() == "(-3.0, 3.0) 0.5"  # typed, not applied
    run.assert_clean()
