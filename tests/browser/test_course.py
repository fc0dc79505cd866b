"""Every course notebook, run for real in JupyterLab (and two of them in Notebook 7).

Why: the course is what users open. A notebook can pass nbval (kernel side) and still show
"Error displaying widget", throw in the page, or leave a dashboard broken in one front end
only. ``run_notebook`` fails on any of those and on any cell error; this adds that each
notebook shows at least one nbkeras widget and that no training it started in the
background ends "failed" (a dashboard can still be training after the last cell ran).
Before running, in the same page, the notebook as stored must show its pictures (what a
reader sees without a kernel). With a browser, this is the one run of each notebook: nbval
does not run it again (tests/browser/conftest.py).

Notebook 7 runs get a server of their own (``notebook7_server``), one Lab never visits.
Why: jupyter_server's ``FileFindHandler`` caches "where is static file X" in one
class-level dict keyed by the file name alone, shared by ``/static/lab/`` and
``/static/notebook/``. Lab and Notebook 7 ship the same content-hashed MathJax fonts
(``1a10595a47bb3cf2.woff``, ...), so once one front end has loaded a font, the other's
request for it resolves into the first one's directory and is refused: "403 GET
/static/notebook/1a10595a47bb3cf2.woff: ... is not in root static directory", a console
error in every notebook with $math$ in a markdown cell. (Reproduced with both orders; it is
not an nbkeras problem and users running one front end per server never see it.) Its log
is ``test-artifacts/browser/jupyter-server-<worker>-course-notebook7.log``; the artifact
header of a Notebook 7 test names the Lab server's log.

The notebooks are found by ``notebooks/[0-9][0-9]_*.ipynb`` at collection time, so a new
chapter is tested as soon as it exists; none is skipped. Slow (several train models on
CPU): run it with ``pytest -m course``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator

import harness
import pytest
from harness import REPO_ROOT, NotebookRun, run_notebook

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# Seconds for the whole run (open, TensorFlow import, every cell, widgets rendered).
# 300 s for every notebook: the slowest measured, 08_seq2seq_addition, took ~100 s on a
# 2-core machine (most take 20-60 s); raise one notebook's entry here, not the default.
DEFAULT_TIMEOUT = 300.0
TIMEOUTS: dict[str, float] = {}

# After the last cell: how long a training started with nbkeras.fit (in the background)
# may still run before the test gives up on it.
TRAINING_TIMEOUT = 240.0

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.course]

DASHBOARD_STATE = ".nbkeras-widget.nbkeras-training-dashboard .nbk-state"


@pytest.fixture(scope="module")
def notebook7_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[harness.JupyterServer]:
    """A second server, for Notebook 7 only (see the module docstring for why)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    log_path = harness.ARTIFACTS_DIR / f"jupyter-server-{worker}-course-notebook7.log"
    log_path.unlink(missing_ok=True)
    server = harness.start_jupyter_server(tmp_path_factory.mktemp("jupyter-notebook7"), log_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def course_servers(
    jupyter_server: harness.JupyterServer, notebook7_server: harness.JupyterServer
) -> Iterator[dict[str, harness.JupyterServer]]:
    """The server per front end. Requested before ``notebook_page``, so it is torn down after
    it: the screenshot is taken before this shuts down the Notebook 7 kernels."""
    try:
        yield {"lab": jupyter_server, "notebook7": notebook7_server}
    finally:
        notebook7_server.shutdown_kernels()


def _states(run: NotebookRun) -> list[str]:
    return run.page.evaluate(
        "(sel) => Array.from(document.querySelectorAll(sel)).map((el) => el.dataset.state || '')",
        DASHBOARD_STATE,
    )


def _wait_for_training(run: NotebookRun, timeout: float) -> None:
    """Wait until no dashboard on the page says "running" (errors meanwhile still fail)."""
    deadline = time.monotonic() + timeout
    while "running" in _states(run):
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{run.path} in {run.ui}: a dashboard still says 'running' {timeout:.0f}s after "
                f"the last cell ran; states: {_states(run)}"
            )
        run.assert_clean()
        run.page.wait_for_timeout(500)


def test_course_notebooks_are_found():
    """The glob must find the course; an empty parametrization would pass silently."""
    assert NOTEBOOKS, f"no notebooks match {REPO_ROOT / 'notebooks'}/[0-9][0-9]_*.ipynb"


# Every notebook in Lab; in Notebook 7 the tour (what a new user opens first) and the live
# dashboards. The two front ends render widgets with the same renderer (jupyterlab_widgets);
# what differs is the shell around them. The explorer and the builder in Notebook 7 are also
# driven by test_live_views_survive, test_inputs_and_busy, test_themes and test_lab_launcher.
NOTEBOOK7 = ("00_tour", "03_live_training")
RUNS = [(path, "lab") for path in NOTEBOOKS] + [(path, "notebook7") for path in NOTEBOOKS if path.stem in NOTEBOOK7]


def test_the_notebook7_subset_exists():
    assert {path.stem for path, ui in RUNS if ui == "notebook7"} == set(NOTEBOOK7)


def _stored_pictures(path) -> int:
    from nbkeras.notebook_outputs import notebook_pictures

    return len(notebook_pictures(json.loads(path.read_text(encoding="utf-8"))))


def _check_stored_pictures(page, notebook) -> None:
    """A reader who opens the notebook sees its stored dashboards (SVG), not widget errors.

    Checked in the page the course run opens, before any cell runs: the copy is untrusted
    (nobody ran it here) and no kernel has made a widget, so only the pictures can show.
    """
    expected = _stored_pictures(notebook)
    if notebook.stem != "02_build_a_model":  # the builder has no chart to picture
        assert expected >= 1, f"{notebook.name} stores no picture (run tools/store_notebook_outputs.py)"
    images = harness.STORED_PICTURES_JS
    page.wait_for_function(f"() => {images}.length >= {expected} && {images}.every(i => i.complete)", timeout=30_000)
    sizes = page.evaluate(f"() => {images}.map(i => [i.naturalWidth, i.naturalHeight])")
    assert len(sizes) == expected, sizes
    assert all(w > 200 and h > 100 for w, h in sizes), f"a stored picture did not render: {sizes}"
    assert page.locator(".nbkeras-widget").count() == 0  # no live widget without running


@pytest.mark.parametrize(("notebook", "ui"), RUNS, ids=[f"{path.stem}-{ui}" for path, ui in RUNS])
def test_course_notebook(course_servers, notebook_page, notebook, ui):
    """Opened as stored, its pictures show; then every cell runs without error, widgets
    render, the page logs no error."""
    started = time.monotonic()
    timeout = TIMEOUTS.get(notebook.stem, DEFAULT_TIMEOUT)
    server = course_servers[ui]
    run = run_notebook(
        notebook_page,
        server,
        notebook,
        ui=ui,
        timeout=timeout,
        keep_outputs=True,
        before_run=lambda page: _check_stored_pictures(page, notebook),
    )

    widgets = run.page.locator(".nbkeras-widget").count()
    assert widgets >= 1, f"{notebook.name} in {ui}: no nbkeras widget rendered"
    if notebook.stem == "00_tour":  # what a new user opens first: its charts carry data
        run.wait_for_selector(".js-plotly-plot", timeout=30)
        figures = run.plotly_figures()
        with_data = [f for f in figures if f["traces"] > 0 and f["points"] and f["points"][0] > 0]
        assert with_data, f"{notebook.name} in {ui}: no Plotly figure has a trace with points: {figures}"

    _wait_for_training(run, TRAINING_TIMEOUT)
    states = _states(run)
    assert "failed" not in states, f"{notebook.name} in {ui}: a training dashboard says 'failed': {states}"

    run.assert_clean()  # errors logged after the first paint still fail the test
    total = time.monotonic() - started
    print(
        f"\n{notebook.stem} [{ui}]: {total:.1f}s total; {run.timings}; "
        f"{widgets} nbkeras widgets; dashboards: {states or 'none'}"
    )
