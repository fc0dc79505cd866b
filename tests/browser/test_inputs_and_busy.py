"""Fields behave like inputs, slow answers show as busy, a first use says TensorFlow is loading.

Issue #10 ("The page stays responsive"), in a real JupyterLab:

* every text/number field of the activation explorer and the model builder applies on
  Enter and when it loses focus; Escape puts back the kernel's value, applies nothing and
  leaves the notebook as it was (JupyterLab's own Escape does not also act); a refused
  value shows its message and the kernel keeps the last good value;
* a kernel computation slower than 300 ms marks the part it will redraw as busy (the depth
  panel through 100 wide layers takes seconds) until the answer is drawn;
* a fresh kernel's first nbkeras cell shows a "loading TensorFlow" line while TensorFlow
  imports, and the widget then takes its place (no empty output is left).

Behaviour only: what the page shows and what the kernel holds (``run.execute``), never
timings. Screenshots of the busy state are saved beside the harness's own artifacts.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import harness
import pytest
from harness import NotebookRun, run_notebook, wait_until, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXPLORER = ".nbkeras-widget.nbkeras-activation-explorer"
BUILDER = ".nbkeras-widget.nbkeras-model-builder"
RUN_TIMEOUT = 180.0  # the kernel imports TensorFlow before the first widget exists
REPLY_TIMEOUT = 20.0


def _notebook(tmp_path: Path, name: str, *cells: str) -> Path:
    return write_notebook(tmp_path / f"{name}.ipynb", *cells)


_wait_for = partial(wait_until, timeout=REPLY_TIMEOUT)


def _kernel(run: NotebookRun, expression: str) -> str:
    return run.execute(f"print({expression})").strip()


def _active_label(run: NotebookRun) -> str | None:
    return run.page.evaluate("() => document.activeElement && document.activeElement.getAttribute('aria-label')")


def _notebook_mode(run: NotebookRun) -> str:
    return run.page.evaluate("() => window.jupyterapp.shell.currentWidget.content.mode")


def _screenshot(run: NotebookRun, name: str) -> Path:
    harness.ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    path = harness.ARTIFACTS_DIR / f"{name}.png"
    run.page.screenshot(path=str(path))
    return path


def _execution_count(run: NotebookRun) -> int | None:
    return run.page.evaluate("() => window.jupyterapp.shell.currentWidget.content.widgets[0].model.executionCount")


def _open_explorer(notebook_page, jupyter_server, tmp_path: Path, name: str, ui: str = "lab") -> NotebookRun:
    source = 'import nbkeras\ne = nbkeras.explore_activations("leaky_relu", x_range=(-3, 3))'
    run = run_notebook(notebook_page, jupyter_server, _notebook(tmp_path, name, source), ui=ui, timeout=RUN_TIMEOUT)
    run.wait_for_selector(f"{EXPLORER} .nbk-curves.js-plotly-plot")
    return run


@pytest.mark.parametrize("ui", ["lab", "notebook7"])
def test_explorer_fields_apply_on_enter_and_blur_and_escape_reverts(notebook_page, jupyter_server, tmp_path, ui):
    run = _open_explorer(notebook_page, jupyter_server, tmp_path, "fields_explorer", ui)
    page = run.page
    x_min = page.get_by_label("x min", exact=True)
    x_max = page.get_by_label("x max", exact=True)
    banner = page.locator(f"{EXPLORER} .nbk-error")

    # Enter applies, and the keyboard stays in the field (it is updated, not rebuilt).
    x_min.fill("-2")
    x_min.press("Enter")
    _wait_for(run, lambda: _kernel(run, "e.x_range") == "(-2.0, 3.0)", "Enter to apply x min = -2")
    assert _active_label(run) == "x min"
    assert x_min.input_value() == "-2"

    # Leaving the field applies too.
    x_max.fill("2.5")
    x_max.press("Tab")
    _wait_for(run, lambda: _kernel(run, "e.x_range") == "(-2.0, 2.5)", "blur to apply x max = 2.5")

    # Escape puts back the kernel's value and applies nothing, even when the field is left after.
    mode = _notebook_mode(run)
    x_min.fill("-1")
    x_min.press("Escape")
    assert x_min.input_value() == "-2", "Escape must put back the last applied value"
    assert _active_label(run) == "x min", "Escape must not take the keyboard out of the field"
    assert _notebook_mode(run) == mode, "JupyterLab must not also act on an Escape the field handled"
    x_min.press("Tab")
    page.wait_for_timeout(500)  # a (wrong) request would be answered by now
    assert _kernel(run, "e.x_range") == "(-2.0, 2.5)"

    # A refused value: its message in the banner, the last good value kept; Escape brings it back.
    x_min.fill("5")
    x_min.press("Enter")
    banner.wait_for(state="visible", timeout=REPLY_TIMEOUT * 1000)
    assert "Expected min < max" in banner.inner_text()
    assert _kernel(run, "e.x_range") == "(-2.0, 2.5)"
    assert x_min.input_value() == "5", "the refused text stays, to be corrected"
    x_min.press("Escape")
    assert x_min.input_value() == "-2"

    # Shift+Enter in a field being edited applies the value; it does not also run the cell
    # (Notebook 7 handles shortcuts before the page does: the field suppresses them).
    count = _execution_count(run)
    x_max.fill("2.75")
    x_max.press("Shift+Enter")
    _wait_for(run, lambda: _kernel(run, "e.x_range") == "(-2.0, 2.75)", "Shift+Enter to apply x max = 2.75")
    assert _execution_count(run) == count, "Shift+Enter in a field must not run the cell"
    assert _active_label(run) == "x max"

    # A parameter's number field (beside its slider) and a depth field: same rules.
    slope = page.locator(f'{EXPLORER} fieldset[data-activation="leaky_relu"] label[data-param="negative_slope"]')
    slope_field = slope.locator("input.nbk-value")
    slope_field.fill("0.35")
    slope_field.press("Enter")
    _wait_for(run, lambda: _kernel(run, "e.negative_slope") == "0.35", "Enter to apply negative_slope = 0.35")
    slider = slope.locator("input[type=range]")
    _wait_for(
        run,
        lambda: slider.input_value() == "0.35",
        "the slider to follow the field",
        describe=lambda: f"slider at {slider.input_value()}",
    )
    slope_field.fill("0.5")
    slope_field.press("Escape")
    assert slope_field.input_value() == "0.35"

    layers = page.locator(f'{EXPLORER} .nbk-depth-controls label[data-param="depth_layers"] input.nbk-value')
    layers.fill("12")
    layers.press("Enter")
    _wait_for(run, lambda: _kernel(run, "e.depth_layers") == "12", "Enter to apply depth_layers = 12")
    layers.fill("40")
    layers.press("Escape")
    layers.press("Tab")
    page.wait_for_timeout(500)
    assert _kernel(run, "e.depth_layers") == "12" and layers.input_value() == "12"
    assert _kernel(run, "e.negative_slope") == "0.35"
    x_min.scroll_into_view_if_needed()
    _screenshot(run, f"test_inputs_and_busy-explorer-fields-{ui}")
    run.assert_clean()


def test_depth_panel_is_marked_busy_while_a_slow_computation_runs(notebook_page, jupyter_server, tmp_path):
    run = _open_explorer(notebook_page, jupyter_server, tmp_path, "busy_depth")
    page = run.page
    depth = page.locator(f"{EXPLORER} .nbk-depth-frame")
    curves = page.locator(f"{EXPLORER} .nbk-curves-frame")
    run.execute("e.depth_width = 512")  # 100 layers of 512 units then take seconds
    assert depth.get_attribute("aria-busy") == "false"
    assert depth.locator(".nbk-busy-note").is_hidden()

    layers = page.locator(f'{EXPLORER} .nbk-depth-controls label[data-param="depth_layers"] input.nbk-value')
    layers.fill("100")
    layers.press("Enter")
    depth.locator(".nbk-busy-note").wait_for(state="visible", timeout=REPLY_TIMEOUT * 1000)
    assert depth.get_attribute("aria-busy") == "true"
    assert "computing" in depth.locator(".nbk-busy-note").inner_text()
    assert curves.get_attribute("aria-busy") == "false", "a depth control must not mark the curves busy"
    depth.scroll_into_view_if_needed()
    shot = _screenshot(run, "test_inputs_and_busy-depth-busy")

    _wait_for(
        run, lambda: depth.get_attribute("aria-busy") == "false", "the depth panel to stop being busy", timeout=120.0
    )
    assert depth.locator(".nbk-busy-note").is_hidden()
    title = page.evaluate("(s) => document.querySelector(s).layout.title.text", f"{EXPLORER} .nbk-depth")
    assert "through 100 Dense layers" in title, f"busy ended before the new panel was drawn: {title!r}"
    assert _kernel(run, "e.depth_layers") == "100"

    assert shot.exists()
    run.assert_clean()


def _open_builder(notebook_page, jupyter_server, tmp_path: Path, name: str) -> NotebookRun:
    source = 'import nbkeras\nb = nbkeras.ModelBuilder(template="cnn")\nb'
    run = run_notebook(notebook_page, jupyter_server, _notebook(tmp_path, name, source), timeout=RUN_TIMEOUT)
    run.wait_for_selector(f"{BUILDER} .nbk-mb-stack")
    return run


def _layer_field(run: NotebookRun, position: int, name: str, *, more: bool = False):
    row = run.page.locator(f'{BUILDER} .nbk-mb-stack > .nbk-layer[data-position="{position}"]')
    form = row.locator(":scope > details.nbk-layer-form")
    if form.get_attribute("open") is None:
        form.locator(":scope > summary").click()
    if more:
        details = form.locator("details.nbk-mb-more").first
        if details.get_attribute("open") is None:
            details.locator(":scope > summary").click()
    return row.locator(f'label.nbk-field[data-field="{name}"] input')


def test_builder_fields_apply_on_enter_and_blur_and_escape_reverts(notebook_page, jupyter_server, tmp_path):
    run = _open_builder(notebook_page, jupyter_server, tmp_path, "fields_builder")
    page = run.page
    units = _layer_field(run, 5, "units")
    assert units.input_value() == "10"

    # Enter applies; the row is redrawn with the new shape and the keyboard is back in the field.
    units.fill("12")
    units.press("Enter")
    _wait_for(run, lambda: _kernel(run, "b.spec['layers'][4]['config']['units']") == "12", "Enter to apply units = 12")
    _wait_for(
        run,
        lambda: "(None, 12)" in page.locator(f'{BUILDER} .nbk-layer[data-position="5"] .nbk-layer-shape').inner_text(),
        "the Dense row to show its new shape",
    )
    assert _active_label(run) == "units", "a redraw must give the keyboard back to the field"

    # Escape: the applied value comes back, nothing is sent, JupyterLab does not act.
    mode = _notebook_mode(run)
    units.fill("99")
    units.press("Escape")
    assert units.input_value() == "12"
    assert _notebook_mode(run) == mode
    units.press("Tab")
    page.wait_for_timeout(500)
    assert _kernel(run, "b.spec['layers'][4]['config']['units']") == "12"

    # A refused value: marked at its field with the kernel's message; the spec keeps 12; Escape reverts.
    units = _layer_field(run, 5, "units")
    units.fill("-3")
    units.press("Enter")
    message = page.locator(f'{BUILDER} .nbk-layer[data-position="5"] .nbk-field-message')
    message.wait_for(state="visible", timeout=REPLY_TIMEOUT * 1000)
    assert "units" in message.inner_text()
    assert _kernel(run, "b.spec['layers'][4]['config']['units']") == "12"
    assert units.input_value() == "-3"
    units.press("Escape")
    assert units.input_value() == "12"

    # A layer name (text, under "more arguments"): Enter applies it.
    name = _layer_field(run, 5, "name", more=True)
    name.fill("head")
    name.press("Enter")
    _wait_for(
        run, lambda: _kernel(run, "b.spec['layers'][4]['config'].get('name')") == "head", "the layer name to apply"
    )

    # The input shape and a compile field: leaving the field applies.
    shape = page.locator(f'{BUILDER} input[data-field="input_shape"]')
    shape.fill("10, 10, 1")
    shape.press("Tab")
    _wait_for(run, lambda: _kernel(run, "b.spec['input_shape']") == "[10, 10, 1]", "blur to apply the input shape")
    lr = page.locator(f'{BUILDER} input[aria-label="learning_rate"]')
    lr.fill("0.01")
    lr.press("Tab")
    _wait_for(
        run, lambda: _kernel(run, "b.spec['compile'].get('learning_rate')") == "0.01", "blur to apply learning_rate"
    )
    lr.fill("0.5")
    lr.press("Escape")
    assert lr.input_value() == "0.01"
    _screenshot(run, "test_inputs_and_busy-builder-fields")
    run.assert_clean()


def test_builder_marks_its_stack_busy_while_a_slow_check_runs(notebook_page, jupyter_server, tmp_path):
    run = _open_builder(notebook_page, jupyter_server, tmp_path, "busy_builder")
    page = run.page
    model = page.locator(f"{BUILDER} .nbk-mb-model")
    assert model.get_attribute("aria-busy") == "false"
    # A check made slow on purpose (a first Keras build of a big layer can take this long).
    run.execute(
        "import time\n"
        "_set_argument = b.set_argument\n"
        "def _slow(*args, **kwargs):\n"
        "    time.sleep(2.5)\n"
        "    return _set_argument(*args, **kwargs)\n"
        "b.set_argument = _slow"
    )
    units = _layer_field(run, 5, "units")
    units.fill("16")
    units.press("Enter")
    model.locator(".nbk-busy-note").wait_for(state="visible", timeout=REPLY_TIMEOUT * 1000)
    assert model.get_attribute("aria-busy") == "true"
    assert "checking" in model.locator(".nbk-busy-note").inner_text()
    _screenshot(run, "test_inputs_and_busy-builder-busy")
    _wait_for(run, lambda: model.get_attribute("aria-busy") == "false", "the stack to stop being busy")
    assert model.locator(".nbk-busy-note").is_hidden()
    assert "(None, 16)" in page.locator(f'{BUILDER} .nbk-layer[data-position="5"] .nbk-layer-shape').inner_text()
    run.assert_clean()


_NOTICE_WATCH = r"""
(() => {
  window.__nbkNoticeSeen = [];
  const look = (node) => {
    if (node.nodeType !== 1) return;
    const text = node.textContent || '';
    if (text.includes('loading TensorFlow') && node.closest && node.closest('.jp-OutputArea')) {
      window.__nbkNoticeSeen.push({
        text: text.trim().slice(0, 200), widgets: document.querySelectorAll('.nbkeras-widget').length,
      });
    }
  };
  new MutationObserver((records) => records.forEach((r) => r.addedNodes.forEach(look)))
    .observe(document, {childList: true, subtree: true});
})();
"""


def test_first_use_in_a_kernel_says_tensorflow_is_loading(notebook_page, jupyter_server, tmp_path):
    notebook_page.context.add_init_script(_NOTICE_WATCH)
    source = 'import nbkeras\nb = nbkeras.ModelBuilder(template="mlp")\nb'
    run = run_notebook(notebook_page, jupyter_server, _notebook(tmp_path, "tf_notice", source), timeout=RUN_TIMEOUT)
    run.wait_for_selector(f"{BUILDER} .nbk-mb-stack")
    seen = run.page.evaluate("() => window.__nbkNoticeSeen")
    assert seen and "nbkeras: loading TensorFlow" in seen[0]["text"], f"the notice was never shown: {seen}"
    assert seen[0]["widgets"] == 0, "the notice must show while there is no widget yet, not after"

    outputs = run.page.locator(".jp-Cell .jp-OutputArea")
    assert "loading TensorFlow" not in outputs.first.inner_text(), "the notice must be gone once TensorFlow is loaded"
    saved = run.page.evaluate("() => window.jupyterapp.shell.currentWidget.content.widgets[0].model.outputs.toJSON()")
    assert "loading TensorFlow" not in str(saved)
    # The builder took the notice's place: its output, then its (hidden) picture; nothing empty above.
    views = [o.get("data", {}).get("application/vnd.jupyter.widget-view+json", {}).get("model_id") for o in saved]
    assert len(saved) == 2 and views[0] and views[1] == "", saved
    _screenshot(run, "test_inputs_and_busy-after-tf-notice")
    run.assert_clean()
