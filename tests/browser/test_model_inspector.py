"""The model inspector in a real JupyterLab: the matrix drawn, a cell clicked, a layer picked.

Kernel-side tests prove that every number equals the inspect core's; this proves the loop a
user sees: the confusion matrix is drawn with the kernel's counts, a click on one of its
cells (a real mouse click on the Plotly heatmap) shows exactly that cell's examples as
thumbnails, and picking a layer in the Layers tab draws that layer's feature maps.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest
from harness import ARTIFACTS_DIR, NotebookRun, run_notebook, save_artifacts, wait_until, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = ".nbkeras-widget.nbkeras-model-inspector"
MATRIX = f'{ROOT} [data-panel="errors"]'
CELL_ITEMS = f'{ROOT} [data-gallery="cell"] .nbk-mi-item'
TOP_ITEMS = f'{ROOT} [data-gallery="top"] .nbk-mi-item'
LAYER_PLOT = f'{ROOT} [data-panel="layer"]'

# Imports TensorFlow and trains a small CNN for four epochs before the inspector exists.
RUN_TIMEOUT = 300.0
REPLY_TIMEOUT = 30.0

SETUP = """\
import keras, numpy as np
import nbkeras
from nbkeras import datasets
keras.utils.set_random_seed(0)
(x_train, y_train), (x_test, y_test) = datasets.digits()
model = keras.Sequential([
    keras.Input((8, 8, 1)),
    keras.layers.Conv2D(8, 3, activation="relu", name="conv"),
    keras.layers.MaxPooling2D(2, name="pool"),
    keras.layers.Flatten(name="flat"),
    keras.layers.Dense(10, activation="softmax", name="out"),
])
model.compile("adam", "sparse_categorical_crossentropy")
model.fit(x_train, y_train, epochs=4, batch_size=64, verbose=0)"""

_wait = partial(wait_until, timeout=REPLY_TIMEOUT)

# The heatmap's z as drawn, and the page coordinates of the centre of cell (row, col).
_MATRIX_JS = r"""
(selector) => {
  const gd = document.querySelector(selector);
  if (!gd || !Array.isArray(gd.data) || !gd._fullLayout) return null;
  return { z: gd.data[0].z.map((row) => Array.from(row)) };
}
"""
_CELL_POINT_JS = r"""
({selector, row, col}) => {
  const gd = document.querySelector(selector);
  const box = gd.getBoundingClientRect();
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  return { x: box.left + xa._offset + xa.l2p(col), y: box.top + ya._offset + ya.l2p(row) };
}
"""


def _open(notebook_page, jupyter_server, tmp_path: Path) -> NotebookRun:
    path = write_notebook(
        tmp_path / "inspector.ipynb", SETUP, "inspector = nbkeras.ModelInspector(model, x_test, y_test)\ninspector"
    )
    run = run_notebook(notebook_page, jupyter_server, path, ui="lab", timeout=RUN_TIMEOUT)
    run.wait_for_selector(ROOT)
    assert run.page.locator(ROOT).count() == 1
    return run


def _kernel(run: NotebookRun, expression: str):
    return json.loads(run.execute(f"import json; print(json.dumps({expression}))").strip())


def test_matrix_click_shows_that_cells_examples_and_a_layer_pick_draws_its_maps(
    notebook_page, jupyter_server, tmp_path
):
    run = _open(notebook_page, jupyter_server, tmp_path)
    page = run.page
    matrix = _kernel(run, "inspector.confusion_matrix.tolist()")
    _wait(run, lambda: page.evaluate(_MATRIX_JS, MATRIX) is not None, "the confusion matrix drawn")
    assert page.evaluate(_MATRIX_JS, MATRIX)["z"] == matrix
    # It opens on the most frequent mistake; then the top losses, as canvases.
    t, p = _kernel(run, "inspector.cell")
    _wait(run, lambda: page.locator(CELL_ITEMS).count() == min(48, matrix[t][p]), "the default cell's examples")
    assert page.locator(TOP_ITEMS).count() == 16
    assert page.locator(f"{TOP_ITEMS} canvas").count() == 16
    save_artifacts(page, "test_model_inspector-errors")

    # A real click on the diagonal cell of digit 4 (about 36 examples: all shown).
    row = 4
    point = page.evaluate(_CELL_POINT_JS, {"selector": MATRIX, "row": row, "col": row})
    page.locator(MATRIX).scroll_into_view_if_needed()
    point = page.evaluate(_CELL_POINT_JS, {"selector": MATRIX, "row": row, "col": row})
    page.mouse.click(point["x"], point["y"])
    expected = matrix[row][row]
    assert 0 < expected <= 48
    _wait(
        run,
        lambda: page.locator(CELL_ITEMS).count() == expected,
        f"{expected} thumbnails of true 4 predicted 4",
        describe=lambda: f"{page.locator(CELL_ITEMS).count()} shown, kernel cell {_kernel(run, 'inspector.cell')}",
    )
    assert _kernel(run, "inspector.cell") == [row, row]
    shown = [int(i) for i in page.locator(CELL_ITEMS).evaluate_all("els => els.map(e => e.dataset.index)")]
    assert shown == _kernel(run, "inspector.selected.tolist()")
    title = page.locator(f'{ROOT} [data-gallery="cell"] .nbk-mi-gallery-title').inner_text()
    assert title == f"true 4, predicted 4: {expected} examples"

    # Layers: pick "pool"; its 8 feature maps of 3×3 are drawn with the kernel's values.
    page.get_by_role("tab", name="Layers").click()
    _wait(run, lambda: (run.plotly_traces(LAYER_PLOT) or {}).get("plotted"), "the first layer's maps drawn")
    page.locator(f"{ROOT} select[aria-label=layer]").select_option("pool")
    rows_js = (
        "(s) => { const d = document.querySelector(s).data; return d ? Array.from(d[0].z, (r) => Array.from(r)) : []; }"
    )
    _wait(
        run,
        lambda: len(page.evaluate(rows_js, LAYER_PLOT)) == 3,
        "pool's 3×3 feature maps drawn (conv's are 6×6)",
        describe=lambda: f"{len(page.evaluate(rows_js, LAYER_PLOT))} rows",
    )
    assert len(run.plotly_traces(LAYER_PLOT)["data"]) == 8  # one map per channel
    drawn = page.evaluate(rows_js, LAYER_PLOT)
    maps = _kernel(run, "inspector.layer_output[:, :, 0].tolist()")
    assert all(abs(a - b) < 1e-5 for ra, rb in zip(drawn, maps) for a, b in zip(ra, rb))
    assert _kernel(run, "inspector.layer") == "pool"
    _wait(run, lambda: (run.plotly_traces(f'{ROOT} [data-panel="cam"]') or {}).get("plotted"), "Grad-CAM drawn")
    # Panels below the fold are drawn when they come into view (the page's redraw scheduler).
    for name in ("filters", "histograms"):
        page.locator(f'{ROOT} [data-panel="{name}"]').scroll_into_view_if_needed()
        _wait(run, lambda n=name: (run.plotly_traces(f'{ROOT} [data-panel="{n}"]') or {}).get("plotted"), f"{name}")
    assert len(run.plotly_traces(f'{ROOT} [data-panel="filters"]')["data"]) == 8  # conv's 8 filters
    assert len(run.plotly_traces(f'{ROOT} [data-panel="histograms"]')["data"]) == 4  # one per layer
    page.wait_for_timeout(500)
    save_artifacts(page, "test_model_inspector-layers")
    run.assert_clean()
    assert (ARTIFACTS_DIR / "test_model_inspector-layers.png").exists()
