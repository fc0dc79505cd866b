"""Tests of the browser harness itself: it must see what the user sees, and it must fail.

A harness that cannot fail proves nothing, so besides the happy path (a value set in
Python shows up in the DOM) each way a widget can break in the front end -- an exception
in ``render``, a syntax error in ``_esm``, a ``console.error``, an "Error displaying
widget" placeholder, a Python exception in a cell -- is provoked on purpose and
``run_notebook`` must raise AssertionError naming it.

The notebooks are generated here with nbformat and import only ipywidgets/anywidget, so
each costs one kernel start (~3-5 s), not a TensorFlow import.
"""

from __future__ import annotations

import json
import textwrap

import harness
import pytest
from harness import run_notebook, write_notebook

# A tiny anywidget: a <div class="probe-widget"> showing the synced `text` trait, kept in
# sync on change. The class is how the test finds it (anywidget adds no class of its own).
PROBE_ESM = """
function render({ model, el }) {
  const div = document.createElement("div");
  div.className = "probe-widget";
  const show = () => { div.textContent = model.get("text"); };
  show();
  model.on("change:text", show);
  el.appendChild(div);
}
export default { render };
"""


def probe_cell(esm: str, text: str = "hello from python") -> str:
    return textwrap.dedent(
        f"""\
        import anywidget
        import traitlets

        class Probe(anywidget.AnyWidget):
            _esm = {esm!r}
            text = traitlets.Unicode("").tag(sync=True)

        probe = Probe(text={text!r})
        probe
        """
    )


@pytest.mark.parametrize("ui", ["lab", "notebook7"])
@pytest.mark.browser
@pytest.mark.slow
def test_widgets_render_values_set_in_python(notebook_page, jupyter_server, tmp_path, ui):
    """ipywidgets, anywidget and Plotly all render, and state set in Python reaches the DOM.

    The probe's text is set at creation and changed by a later cell, so the assertion
    proves the comm channel is live, not just that the initial state was serialized.
    """
    final_text = "updated from python: 42"
    notebook = write_notebook(
        tmp_path / "probe.ipynb",
        "import ipywidgets as widgets\nslider = widgets.IntSlider(value=7, description='probe')\nslider",
        probe_cell(PROBE_ESM, text="first value"),
        f"probe.text = {final_text!r}\nprint('done')",
        "import plotly.graph_objects as go\n"
        "go.FigureWidget(data=[go.Scatter(x=[1, 2, 3], y=[4, 5, 6]), go.Bar(x=['a', 'b'], y=[1, 2])])",
    )
    run = run_notebook(notebook_page, jupyter_server, notebook, ui=ui, timeout=90)

    run.wait_for_selector(".jupyter-widgets.widget-slider")
    assert run.page.inner_text(".widget-readout").strip() == "7"
    run.page.wait_for_function(
        "t => document.querySelector('.probe-widget').textContent === t", arg=final_text, timeout=10_000
    )
    assert run.page.inner_text(".probe-widget") == final_text
    # The Plotly reader the tour test relies on sees what Python sent (typed arrays included).
    run.wait_for_selector(".js-plotly-plot")
    figures = run.plotly_figures()
    assert [(f["traces"], f["points"], f["types"]) for f in figures] == [(2, [3, 2], ["scatter", "bar"])]
    assert run.console_errors == [] and run.page_errors == []
    run.assert_clean()


BROKEN_WIDGETS = {
    "render-throws": (
        "export default { render({ el }) { el.className = 'probe-widget';"
        " throw new Error('probe render exploded'); } };",
        "probe render exploded",
    ),
    "esm-syntax-error": (
        "export default { render({ el }) { el.textContent = ; } };",
        "SyntaxError",
    ),
    "console-error": (
        "export default { render({ el }) { el.className = 'probe-widget'; el.textContent = 'ok';"
        " console.error('probe widget complained'); } };",
        "probe widget complained",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN_WIDGETS))
@pytest.mark.browser
@pytest.mark.slow
def test_broken_widget_fails_the_run(notebook_page, jupyter_server, tmp_path, case):
    """Each way an anywidget breaks in the browser makes run_notebook raise, naming the error."""
    esm, expected = BROKEN_WIDGETS[case]
    notebook = write_notebook(tmp_path / f"broken-{case}.ipynb", probe_cell(esm))
    with pytest.raises(AssertionError, match=expected) as failure:
        run_notebook(notebook_page, jupyter_server, notebook, ui="lab", timeout=90)
    assert "the browser reported errors" in str(failure.value)


@pytest.mark.browser
@pytest.mark.slow
def test_error_displaying_widget_and_cell_exception_fail_the_run(notebook_page, jupyter_server, tmp_path):
    """A widget view whose model does not exist shows "Error displaying widget": that must fail."""
    dangling_view = json.dumps(
        {
            "application/vnd.jupyter.widget-view+json": {
                "model_id": "no-such-model",
                "version_major": 2,
                "version_minor": 0,
            }
        }
    )
    notebook = write_notebook(
        tmp_path / "dangling.ipynb",
        f"from IPython.display import display\ndisplay({dangling_view}, raw=True)",
    )
    with pytest.raises(AssertionError, match="Error displaying widget"):
        run_notebook(notebook_page, jupyter_server, notebook, ui="lab", timeout=90)

    notebook = write_notebook(tmp_path / "raises.ipynb", "raise ValueError('probe cell failed')")
    with pytest.raises(AssertionError, match="ValueError: probe cell failed"):
        run_notebook(notebook_page, jupyter_server, notebook, ui="lab", timeout=90)


# ---- the rules themselves; no browser needed ------------------------------------------


def test_missing_browser_skips_locally_and_fails_in_ci(monkeypatch):
    """Contributors without Chromium get a skip saying what to install; CI gets a failure."""
    reason = "Chromium not found at /usr/bin/chromium: apt-get install -y chromium"
    monkeypatch.setattr(harness, "missing_requirement", lambda: reason)

    monkeypatch.delenv(harness.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        harness.require_browser()

    monkeypatch.setenv(harness.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        harness.require_browser()


@pytest.mark.parametrize(
    "level, text, where",
    [
        ("error", "Error: probe render exploded", "http://x/lab/extensions/anywidget/static/528.js:215"),
        ("pageerror", "[anywidget] Failed to initialize model.", "at http://x/static/notebook/notebook_core.js"),
        ("pageerror", "Cannot read properties of undefined (reading 'model')", "/static/notebook/notebook_core.x.js"),
        ("error", "Cannot read properties of undefined (reading 'schema')", "/static/notebook/notebook_core.x.js"),
        ("error", "Could not create a view for model id abc", ""),
    ],
)
@pytest.mark.parametrize("ui", ["lab", "notebook7"])
def test_known_benign_list_never_hides_widget_errors(level, text, where, ui):
    """The benign filter is exact: a near miss (other property, other level, widget code) still fails."""
    entry = harness.LogEntry("pageerror" if level == "pageerror" else "console", level, text, where)
    assert not any(benign.matches(entry, ui) for benign in harness.KNOWN_BENIGN)
