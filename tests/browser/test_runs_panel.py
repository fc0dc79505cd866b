"""The runs sidebar, the status item, "stop all runs" and "share this notebook" in a real JupyterLab.

One notebook starts two ``nbkeras.fit`` runs. The status item must show them soon after the
cell's end (the kernel's clock against the page's, one machine: printed, #14's 2 s measured in
BENCHMARKS.md); the sidebar lists both with
Stop enabled; its Stop ends the first "stopped" with its history kept; "go to the cell"
activates the cell that started it; "nbkeras: stop all runs" stops the second; the status
item goes. Then "nbkeras: share this notebook" writes ``NAME.shared.ipynb`` beside it, the
very file ``nbkeras share`` writes from the saved notebook, and a second share never
overwrites it. The server endpoint's refusals are checked over HTTP.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import harness
import pytest

from nbkeras.notebook_outputs import WIDGET_VIEW, share_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SETUP = (
    "import time, keras, nbkeras\n"
    "from nbkeras import datasets\n"
    "(x, y), _ = datasets.spirals(n_samples=640, seed=1)\n"
    "def net(name):\n"
    "    keras.utils.set_random_seed(0)\n"
    "    m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation='relu'),\n"
    "                          keras.layers.Dense(2, activation='softmax')], name=name)\n"
    "    m.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
    "    return m"
)
FIT = (
    "first = nbkeras.fit(net('spirals_a'), x, y, epochs=400, batch_size=16)\n"
    "second = nbkeras.fit(net('spirals_b'), x, y, epochs=400, batch_size=16)\n"
    "fit_returned = time.time()"
)
ROW = ".nbkeras-runs .nbkeras-run"
STATUS = ".nbkeras-runs-status"

# Installed before each page load: when the status item first showed a run (starting or training).
_WATCH_STATUS = """
(() => {
  const seen = () => {
    const item = document.querySelector('.nbkeras-runs-status-label');
    if (item && item.textContent.startsWith('nbkeras: ') && !window.__nbkerasStatusSeen) {
      window.__nbkerasStatusSeen = Date.now() / 1000;
    }
  };
  new MutationObserver(seen).observe(document, { subtree: true, childList: true, characterData: true });
})();
"""


def _row(page, model: str):
    return page.locator(ROW, has=page.locator(".nbkeras-run-model", has_text=model))


def _command(page, command: str) -> None:
    page.evaluate("(c) => window.jupyterapp.commands.execute(c)", command)


def test_sidebar_lists_runs_stops_them_and_the_status_item_follows(notebook_page, jupyter_server, tmp_path):
    page = notebook_page
    page.add_init_script(_WATCH_STATUS)
    source = harness.write_notebook(tmp_path / "runs.ipynb", SETUP, FIT)
    run = harness.run_notebook(page, jupyter_server, source, ui="lab", timeout=240)

    fit_returned = float(run.execute("print(fit_returned)"))
    harness.wait_until(run, lambda: page.evaluate("window.__nbkerasStatusSeen || 0") > 0, "the status item")
    seen = page.evaluate("window.__nbkerasStatusSeen")
    # #14 asks for 2 s; this machine shares its cores with the suite's other worker and the two
    # runs' training threads, so the test holds a loose bound and prints the figure
    # (BENCHMARKS.md "The runs sidebar" has it measured on its own).
    print(f"status item {seen - fit_returned:.2f} s after nbkeras.fit returned")
    assert seen - fit_returned < 10.0, f"status item {seen - fit_returned:.2f} s after nbkeras.fit returned"

    _command(page, "nbkeras:show-runs")
    for model in ("spirals_a", "spirals_b"):
        badge = _row(page, model).locator(".nbkeras-run-state")
        harness.wait_until(run, lambda b=badge: b.count() == 1 and b.inner_text() == "running", f"{model} running")
    first = _row(page, "spirals_a")
    assert first.locator(".nbkeras-run-stop").is_enabled()
    assert first.locator(".nbkeras-run-progress").inner_text().startswith("epoch ")
    assert first.locator(".nbkeras-run-loss").inner_text().startswith("loss ")
    harness.wait_until(run, lambda: first.locator(".nbkeras-run-spark polyline").count() >= 1, "a sparkline")
    status = page.locator(STATUS)
    assert status.is_visible() and status.inner_text().endswith("(+1)")
    assert page.locator(".nbkeras-runs-status-fill").evaluate("e => parseFloat(e.style.width)") > 0
    page.wait_for_timeout(300)
    page.locator("#nbkeras-runs").screenshot(path=str(harness.ARTIFACTS_DIR / "lab_runs-sidebar.png"))
    page.locator(".jp-StatusBar-Widget, #jp-main-statusbar").first.screenshot(
        path=str(harness.ARTIFACTS_DIR / "lab_runs-statusbar.png")
    )

    # Go to the cell that started the run: the notebook's active cell becomes the fit cell (index 1).
    page.evaluate("() => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = 0; }")
    first.locator(".nbkeras-run-goto").click()
    harness.wait_until(
        run,
        lambda: page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCellIndex") == 1,
        "go to the cell",
    )

    # The rows are updated in place, not rebuilt: a focused Stop keeps its focus (and the
    # node under the pointer stays the same) while the steps and losses change under it.
    page.evaluate("() => document.querySelector('.nbkeras-run .nbkeras-run-stop').focus()")
    before = first.locator(".nbkeras-run-progress").inner_text()
    harness.wait_until(run, lambda: first.locator(".nbkeras-run-progress").inner_text() != before, "an update")
    focused = page.evaluate(
        "() => document.activeElement.classList.contains('nbkeras-run-stop') && document.activeElement.isConnected"
    )
    assert focused, "the row was rebuilt under the keyboard focus"

    # Stop from the sidebar: that run ends "stopped", history kept; the other trains on.
    first.locator(".nbkeras-run-stop").click()
    harness.wait_until(
        run, lambda: first.locator(".nbkeras-run-state").inner_text() == "stopped", "stopped", timeout=30
    )
    assert _row(page, "spirals_b").locator(".nbkeras-run-state").inner_text() == "running"
    out = run.execute("print(first.state, 0 < len(first.history['loss']) < 400, first.monitor.recorder.step)")
    state, kept, step = out.split()
    assert (state, kept) == ("stopped", "True")
    assert first.locator(".nbkeras-run-progress").inner_text().endswith(f"step {step}")
    assert first.locator(".nbkeras-run-stop").is_disabled()

    # "nbkeras: stop all runs" stops the second; the status item goes.
    _command(page, "nbkeras:stop-all-runs")
    second = _row(page, "spirals_b")
    harness.wait_until(
        run, lambda: second.locator(".nbkeras-run-state").inner_text() == "stopped", "stop all", timeout=30
    )
    assert run.execute("print(second.wait().state)").strip() == "stopped"
    harness.wait_until(run, lambda: not status.is_visible(), "the status item to go")

    # "nbkeras: share this notebook": the cleaned copy beside it, as `nbkeras share` writes it.
    page.wait_for_timeout(2000)  # the dashboards' final pictures (1.5 s debounce)
    root = jupyter_server.root_dir
    _command(page, "nbkeras:share-notebook")
    shared = root / run.path.replace(".ipynb", ".shared.ipynb")
    harness.wait_until(run, shared.exists, "the shared copy", timeout=30)
    expected, report = share_notebook(root / run.path, tmp_path / "expected.ipynb")
    got = json.loads(shared.read_text())
    assert got["cells"] == json.loads(expected.read_text())["cells"]
    assert report.widget_views >= 2 and report.kept >= 2  # the two dashboards became their pictures
    outputs = [o for c in got["cells"] for o in c.get("outputs", [])]
    assert not any(WIDGET_VIEW in o.get("data", {}) for o in outputs)
    assert sum("<img" in "".join(o.get("data", {}).get("text/html", "")) for o in outputs) >= 2
    assert "widgets" not in got["metadata"]
    before = shared.read_bytes()
    _command(page, "nbkeras:share-notebook")
    again = root / run.path.replace(".ipynb", ".shared-2.ipynb")
    harness.wait_until(run, again.exists, "a second shared copy", timeout=30)
    assert shared.read_bytes() == before  # never over an existing file

    # The panel follows Lab's dark theme: every text ≥ 4.5:1 on the panel's computed background.
    for theme, light in (("JupyterLab Dark", "false"), ("JupyterLab Light", "true")):
        page.evaluate("(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme)
        harness.wait_until(
            run, lambda want=light: page.evaluate("() => document.body.dataset.jpThemeLight") == want, theme
        )
        page.wait_for_timeout(500)
        contrasts = page.evaluate(_CONTRASTS_JS)
        assert len(contrasts) >= 8 and min(c for _, c in contrasts) >= 4.5, (theme, contrasts)
        if light == "false":
            page.locator("#nbkeras-runs").screenshot(path=str(harness.ARTIFACTS_DIR / "lab_runs-sidebar-dark.png"))
    run.assert_clean()


# (text, contrast ratio) of every text in the runs panel against the panel's background (WCAG).
_CONTRASTS_JS = r"""
() => {
  const rgb = (s) => s.match(/[\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const panel = document.querySelector('#nbkeras-runs');
  const bg = lum(rgb(getComputedStyle(panel).backgroundColor));
  const out = [];
  for (const el of panel.querySelectorAll('.nbkeras-runs-title, .nbkeras-run-model, .nbkeras-run-state, '
      + '.nbkeras-run-where, .nbkeras-run-progress, .nbkeras-run-loss')) {
    const fg = lum(rgb(getComputedStyle(el).color));
    out.push([el.textContent, (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05)]);
  }
  return out;
}
"""


def _post(server, body: bytes, token: bool = True) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"token {server.token}"
    request = urllib.request.Request(f"{server.base_url}/nbkeras/share", data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_share_endpoint_refuses_what_it_cannot_do(jupyter_server):
    assert _post(jupyter_server, b'{"path": "x.ipynb"}', token=False)[0] == 403
    code, body = _post(jupyter_server, b'{"path": "../etc/passwd"}')
    assert code == 400 and "Expected {'path': '<notebook>.ipynb'}" in json.loads(body)["message"]
    code, body = _post(jupyter_server, b'{"path": "no-such-notebook.ipynb"}')
    assert code == 404 and "No notebook at no-such-notebook.ipynb" in json.loads(body)["message"]
    code, body = _post(jupyter_server, b'{"path": "../outside.ipynb"}')
    assert code in (400, 404), body  # the contents manager keeps paths inside its root


def test_notebook7_lists_a_run_in_its_right_panel_and_stops_it(notebook_page, jupyter_server, tmp_path):
    """Notebook 7 has no status bar; the runs panel opens in its right area from the command, and
    lists the run again after the page is reloaded. The run is started through an alias (no cell
    names both nbkeras and training): the panel hears the kernel's hello, not the cells' words."""
    page = notebook_page
    fit = "run = nk.fit(net('spirals_n7'), x, y, epochs=400, batch_size=16)"
    source = harness.write_notebook(tmp_path / "runs_n7.ipynb", SETUP, "import nbkeras as nk", fit)
    run = harness.run_notebook(page, jupyter_server, source, ui="notebook7", timeout=240)
    _command(page, "nbkeras:show-runs")
    row = _row(page, "spirals_n7")
    harness.wait_until(run, lambda: row.locator(".nbkeras-run-state").inner_text() == "running", "the run listed")
    # Losing the page loses nothing in the kernel: reloaded, the panel lists the run again.
    page.reload()
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.commands.hasCommand('nbkeras:show-runs')")
    _command(page, "nbkeras:show-runs")
    harness.wait_until(
        run, lambda: row.count() == 1 and row.locator(".nbkeras-run-state").inner_text() == "running", "relisted"
    )
    # ... and follows it live (not a snapshot of a connection the reload left behind).
    progress = row.locator(".nbkeras-run-progress")
    seen = progress.inner_text()
    harness.wait_until(run, lambda: progress.inner_text() != seen, "an update after the reload", describe=lambda: seen)
    row.locator(".nbkeras-run-stop").click()
    harness.wait_until(run, lambda: row.locator(".nbkeras-run-state").inner_text() == "stopped", "stopped", timeout=30)
    assert run.execute("print(run.state)").strip() == "stopped"
    page.locator("#nbkeras-runs").screenshot(path=str(harness.ARTIFACTS_DIR / "lab_runs-notebook7-panel.png"))
    run.assert_clean()
