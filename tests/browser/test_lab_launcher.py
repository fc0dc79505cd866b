"""The prebuilt lab extension in a real JupyterLab: launcher cards, palette, menu.

What only a browser shows: the extension loads (no console error), its launcher section has
the four cards, the "Course" card writes the course through the Contents API into a new
folder (never over an existing one) and opens the tour, and the palette's insert command
puts a cell below the active one that runs and shows the explorer. The wheel's layout is
tested without a browser in ``tests/test_lab_extension.py``.
"""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from harness import ARTIFACTS_DIR, REPO_ROOT, NotebookRun, page_log, run_notebook, wait_until, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COURSE = sorted(p.name for p in (REPO_ROOT / "notebooks").glob("*.ipynb"))
SNIPPETS = json.loads((REPO_ROOT / "labextension" / "src" / "snippets.json").read_text())
SECTION = ".jp-Launcher-section:has(.jp-Launcher-sectionTitle:text-is('nbkeras'))"
EXPLORER = ".nbkeras-widget.nbkeras-activation-explorer"

_CURRENT_PATH_JS = """() => { const w = window.jupyterapp.shell.currentWidget;
                               return w && w.context ? w.context.path : null; }"""


def _launcher_cards(page: Any) -> list[str]:
    page.wait_for_selector(f"{SECTION} .jp-LauncherCard", state="visible")
    return page.locator(f"{SECTION} .jp-LauncherCard-label").all_inner_texts()


def _click_course_card(page: Any) -> None:
    page.locator(f"{SECTION} .jp-LauncherCard", has_text="Course").first.click()


def _files(folder: Path) -> dict[str, bytes]:
    """The notebooks in ``folder`` (opening one adds Lab's .ipynb_checkpoints/ beside them)."""
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.ipynb"))}


def _cell_sources(notebook: dict[str, Any]) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in notebook["cells"]]


def test_course_card_copies_the_course_without_overwriting_and_opens_the_tour(notebook_page, jupyter_server):
    page = notebook_page
    root = jupyter_server.root_dir
    first, second = root / "nbkeras-course", root / "nbkeras-course-2"
    for folder in (first, second):
        shutil.rmtree(folder, ignore_errors=True)
    page.goto(jupyter_server.url("lab", reset=True))

    assert _launcher_cards(page) == ["Course", *(s["label"] for s in SNIPPETS.values())]
    page.wait_for_timeout(500)  # icons and fonts settle before the picture
    page.locator(".jp-Launcher").first.screenshot(path=str(ARTIFACTS_DIR / "lab_extension-launcher.png"))

    _click_course_card(page)
    log = page_log(page)
    run = NotebookRun(page=page, ui="lab", path="", log=log, timings={}, state={})  # what wait_until polls on
    wait_until(
        run,
        lambda: page.evaluate(_CURRENT_PATH_JS) == "nbkeras-course/00_tour.ipynb",
        "the tour to open from nbkeras-course/",
        timeout=30,
        describe=lambda: f"current document: {page.evaluate(_CURRENT_PATH_JS)}",
    )
    assert list(_files(first)) == COURSE
    for name in COURSE:  # the copies are the course's notebooks, cell for cell
        copied = json.loads((first / name).read_text())
        shipped = json.loads((REPO_ROOT / "notebooks" / name).read_text())
        assert _cell_sources(copied) == _cell_sources(shipped), name
    before = _files(first)

    # A second click never writes into the first copy: it makes nbkeras-course-2.
    page.evaluate("() => window.jupyterapp.commands.execute('launcher:create')")
    _click_course_card(page)
    wait_until(
        run,
        lambda: page.evaluate(_CURRENT_PATH_JS) == "nbkeras-course-2/00_tour.ipynb",
        "the second copy's tour to open",
        timeout=30,
        describe=lambda: f"current document: {page.evaluate(_CURRENT_PATH_JS)}",
    )
    assert list(_files(second)) == COURSE
    assert _files(first) == before, "the first copy was touched by the second click"

    problems = log.problems("lab")
    assert not problems, "\n".join(e.render() for e in problems)


def test_notebook_cards_write_a_new_notebook_with_their_cell_and_open_it(notebook_page, jupyter_server):
    page = notebook_page
    root = jupyter_server.root_dir
    for name in ("activation-explorer.ipynb", "activation-explorer-2.ipynb"):
        (root / name).unlink(missing_ok=True)
    (root / "activation-explorer.ipynb").write_text("{}")  # a file of the user's, which must stay as it is
    page.goto(jupyter_server.url("lab", reset=True))
    _launcher_cards(page)
    page.locator(f"{SECTION} .jp-LauncherCard", has_text="Activation explorer").first.click()
    log = page_log(page)
    run = NotebookRun(page=page, ui="lab", path="", log=log, timings={}, state={})
    wait_until(
        run,
        lambda: page.evaluate(_CURRENT_PATH_JS) == "activation-explorer-2.ipynb",
        "the new notebook to open",
        timeout=30,
        describe=lambda: f"current document: {page.evaluate(_CURRENT_PATH_JS)}",
    )
    assert (root / "activation-explorer.ipynb").read_text() == "{}"
    written = json.loads((root / "activation-explorer-2.ipynb").read_text())
    assert _cell_sources(written) == [SNIPPETS["explorer"]["code"]]
    assert written["metadata"]["kernelspec"]["name"] == "python3"
    problems = log.problems("lab")
    assert not problems, "\n".join(e.render() for e in problems)


@pytest.mark.parametrize("ui", ["lab", "notebook7"])
def test_palette_command_inserts_a_cell_that_shows_the_explorer(notebook_page, jupyter_server, tmp_path, ui):
    run = run_notebook(notebook_page, jupyter_server, write_notebook(tmp_path / "insert.ipynb", "x = 1"), ui=ui)
    page = run.page

    # The menu bar has an "nbkeras" menu with the three insert commands.
    page.locator(".lm-MenuBar-itemLabel", has_text="nbkeras").click()
    menu_items = page.locator(".lm-Menu-content .lm-Menu-itemLabel").all_inner_texts()
    page.keyboard.press("Escape")
    inserts = ["nbkeras: insert activation explorer", "nbkeras: insert model builder", "nbkeras: insert training cell"]
    assert [item for item in menu_items if item in inserts] == inserts, menu_items

    # The palette finds the command by its words; clicking it inserts the explorer's cell.
    page.evaluate("() => window.jupyterapp.commands.execute('apputils:activate-command-palette')")
    page.locator(".lm-CommandPalette-input").fill("nbkeras: insert")
    labels = page.locator(".lm-CommandPalette-itemLabel").all_inner_texts()
    assert set(inserts) <= set(labels), labels
    page.locator(".lm-CommandPalette-item", has_text="insert activation explorer").first.click()

    cells = page.evaluate(
        """() => { const nb = window.jupyterapp.shell.currentWidget.content;
                   return {sources: nb.widgets.map(c => c.model.sharedModel.getSource()),
                           types: nb.widgets.map(c => c.model.type), active: nb.activeCellIndex}; }"""
    )
    assert cells == {"sources": ["x = 1", SNIPPETS["explorer"]["code"]], "types": ["code", "code"], "active": 1}

    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-cell')")
    run.wait_for_selector(EXPLORER, timeout=120)
    wait_until(
        run,
        lambda: bool((run.plotly_traces(f"{EXPLORER} .nbk-curves") or {}).get("data")),
        "the explorer's curves to be plotted",
        timeout=60,
    )
    names = [t["name"] for t in run.plotly_traces(f"{EXPLORER} .nbk-curves")["data"]]
    assert {"sigmoid", "tanh", "relu", "leaky_relu"} <= set(names), names
    run.assert_clean()


def test_course_endpoint_is_behind_the_servers_authentication(jupyter_server):
    url = f"{jupyter_server.base_url}/nbkeras/course"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)
    assert refused.value.code == 403
    body = jupyter_server.api("GET", "/nbkeras/course", timeout=30)
    assert [n["name"] for n in body["notebooks"]] == COURSE
    assert body["notebooks"][0]["content"] == json.loads((REPO_ROOT / "notebooks" / COURSE[0]).read_text())
