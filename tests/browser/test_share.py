"""`nbkeras share`, end to end: run in JupyterLab, save, share, reopen without the kernel.

Why: a notebook saved after a live session, reopened once its kernel is gone, shows
"Error displaying widget: model not found" where each widget was, and keeps each picture
output hidden (nbkeras/widgets/picture.py). `nbkeras share` must turn it into one where
every widget is replaced by its picture; this proves it with the file JupyterLab itself
saved.
"""

from __future__ import annotations

import json
import time

import harness
import nbformat
import pytest

from nbkeras.notebook_outputs import WIDGET_VIEW, notebook_pictures, share_notebook
from nbkeras.widgets.picture import is_picture_output

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELLS = [
    "import numpy as np, keras, nbkeras\n"
    "nbkeras.show_figure({'data': [{'type': 'scatter', 'x': [0, 1, 2, 3], 'y': [0, 1, 4, 9]}]})",
    "keras.utils.set_random_seed(0)\n"
    "model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation='relu'), keras.layers.Dense(1)])\n"
    "model.compile('adam', 'mse')\n"
    "x = np.random.default_rng(0).normal(size=(256, 2)).astype('float32')\n"
    "history = model.fit(x, x[:, :1] * 2, epochs=3, batch_size=32, verbose=0, callbacks=[nbkeras.LiveMonitor()])",
]


def test_a_notebook_saved_live_and_shared_shows_its_pictures_without_the_kernel(
    jupyter_server, notebook_page, tmp_path
):
    source = tmp_path / "lesson.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, source)

    run = harness.run_notebook(notebook_page, jupyter_server, source, ui="lab", timeout=180)
    run.page.wait_for_selector(".nbkeras-training-dashboard .nbk-state[data-state='finished']", timeout=60_000)
    saved_path = jupyter_server.root_dir / run.path
    before = saved_path.stat().st_mtime
    run.page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    deadline = time.monotonic() + 30
    while saved_path.stat().st_mtime == before and time.monotonic() < deadline:
        time.sleep(0.2)
    saved = json.loads(saved_path.read_text(encoding="utf-8"))
    # What JupyterLab saved: each widget's view, then its picture output (hidden while live),
    # the dashboard's holding the end-of-run picture it was updated with.
    assert len(notebook_pictures(saved)) == 2, "the figure's and the finished dashboard's pictures"
    for cell in saved["cells"]:
        shown = [o for o in cell["outputs"] if WIDGET_VIEW in o.get("data", {})]
        assert [is_picture_output(o) for o in shown] == [False, True], [sorted(o["data"]) for o in shown]
        assert "text/html" not in shown[0]["data"] and "text/html" in shown[1]["data"]

    shared_path, report = share_notebook(saved_path, tmp_path / "lesson-shared.ipynb")
    assert report.widget_views == 2 and report.kept == 2
    shared = json.loads(shared_path.read_text(encoding="utf-8"))
    # each widget became its picture alone: no view, no "FigureView(...)" line above it
    assert [sorted(o["data"]) for c in shared["cells"] for o in c["outputs"] if "data" in o] == [["text/html"]] * 2
    run.page.close()
    jupyter_server.shutdown_kernels()

    page = notebook_page.context.new_page()
    reopened = harness.open_stored_notebook(page, jupyter_server, shared_path, ui="lab")
    images = harness.STORED_PICTURES_JS
    page.wait_for_function(
        f"() => {images}.length === 2 && {images}.every(i => i.complete && i.naturalWidth > 200)", timeout=30_000
    )
    page.wait_for_timeout(500)
    reopened.assert_clean()  # no "Error displaying widget", no console error
    page.close()
