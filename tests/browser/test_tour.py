"""The tour notebook, run for real in both front ends a user might open it in.

Why both: JupyterLab and Notebook 7 share the widget manager but not the shell, the
output-area wiring or the CSS, so a widget can render in one and break in the other. The
kernel-side notebook test (nbval) cannot see any of that; this can.

What is asserted is deliberately what a user would notice first: nbkeras widgets are on
the page, at least one Plotly figure actually has data in it, and nothing logged an error
(``run_notebook`` fails the test on any page error, console error or "Error displaying
widget").
"""

from __future__ import annotations

import pytest
from harness import REPO_ROOT, run_notebook

TOUR = REPO_ROOT / "notebooks" / "00_tour.ipynb"

# Imports TensorFlow (~5 s) and may train a tiny model; generous, but bounded.
TOUR_TIMEOUT = 180.0


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("ui", ["lab", "notebook7"])
def test_tour_renders_widgets_and_plots(notebook_page, jupyter_server, ui):
    """Every tour cell runs, nbkeras widgets appear, and Plotly figures carry data."""
    assert TOUR.is_file(), f"{TOUR} is missing: the tour is what new users open first"
    run = run_notebook(notebook_page, jupyter_server, TOUR, ui=ui, timeout=TOUR_TIMEOUT)

    run.wait_for_selector(".nbkeras-widget", timeout=30)
    assert run.page.locator(".nbkeras-widget").count() >= 1

    run.wait_for_selector(".js-plotly-plot", timeout=30)
    figures = run.plotly_figures()
    with_data = [f for f in figures if f["traces"] > 0 and f["points"] and f["points"][0] > 0]
    assert with_data, f"no Plotly figure has a first trace with points: {figures}"

    run.assert_clean()  # errors logged while we were looking still fail the test
