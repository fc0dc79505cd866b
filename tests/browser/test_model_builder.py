"""The model builder, driven like a user would in a real browser.

Kernel-side tests prove what ``ModelBuilder`` computes; these prove the loop a user sees:
a click, a drag or a typed value in the page -> a request to the kernel -> the core's
check -> a redrawn stack with shapes, parameter counts and errors in place. Every number
asserted is read from the page, and where it matters cross-checked with the kernel.

The notebook is ``b = nbkeras.ModelBuilder(template="cnn")`` on an (8, 8, 1) input:

====  ============  ================  ======
pos   layer         output            params
====  ============  ================  ======
1     Conv2D(16,3)  (None, 6, 6, 16)  160
2     MaxPooling2D  (None, 3, 3, 16)  0
3     Flatten       (None, 144)       0
4     Dropout       (None, 144)       0
5     Dense(10)     (None, 10)        1,450
====  ============  ================  ======
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from harness import ARTIFACTS_DIR, NotebookRun, run_notebook, wait_until, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = ".nbkeras-widget.nbkeras-model-builder"
ROWS = f"{ROOT} .nbk-mb-stack > .nbk-layer:not(.nbk-layer-input)"
TOTALS = f"{ROOT} .nbk-mb-totals"

# The kernel imports TensorFlow (~5-20 s) before the builder exists.
RUN_TIMEOUT = 180.0
# One request -> kernel check (a Keras build per changed layer) -> redraw.
REPLY_TIMEOUT = 20.0

XSS_NAME = "<img src=x onerror=alert(1)>"


def _notebook(tmp_path: Path, name: str) -> Path:
    return write_notebook(tmp_path / f"{name}.ipynb", 'import nbkeras\nb = nbkeras.ModelBuilder(template="cnn")\nb')


def _open(notebook_page, jupyter_server, tmp_path: Path, name: str, ui: str = "lab") -> NotebookRun:
    run = run_notebook(notebook_page, jupyter_server, _notebook(tmp_path, name), ui=ui, timeout=RUN_TIMEOUT)
    run.wait_for_selector(ROOT)
    assert run.page.locator(ROOT).count() == 1, "`b` as the cell's last expression must display exactly once"
    _wait_for(
        run, lambda: len(_rows(run)) == 5, "the five layers of the cnn template", describe=lambda: f"rows: {_rows(run)}"
    )
    return run


# Reads the stack as the user sees it: per layer row its position, class, name, shape,
# parameter count (text), status and error/note text.
_ROWS_JS = r"""
(selector) => Array.from(document.querySelectorAll(selector)).map((li) => {
  const text = (sel) => { const n = li.querySelector(sel); return n ? n.textContent : null; };
  return {
    position: Number(li.getAttribute('data-position')),
    cls: li.getAttribute('data-class'),
    status: li.getAttribute('data-status'),
    name: text(':scope > .nbk-layer-header .nbk-layer-name'),
    shape: text(':scope > .nbk-layer-header .nbk-layer-shape'),
    params: text(':scope > .nbk-layer-header .nbk-layer-params'),
    error: text(':scope > .nbk-layer-error'),
    note: text(':scope > .nbk-layer-note'),
  };
})
"""


def _rows(run: NotebookRun) -> list[dict[str, Any]]:
    return run.page.evaluate(_ROWS_JS, ROWS)


def _params(text: str | None) -> int | None:
    """``"1,450 params"`` -> 1450; an empty cell (not checked / error) -> None."""
    match = re.fullmatch(r"([\d,]+) params", (text or "").strip())
    return int(match.group(1).replace(",", "")) if match else None


def _total(run: NotebookRun) -> int:
    text = run.page.locator(TOTALS).inner_text()
    match = re.match(r"Total params: ([\d,]+)", text)
    assert match, f"unexpected totals line: {text!r}"
    return int(match.group(1).replace(",", ""))


_wait_for = partial(wait_until, timeout=REPLY_TIMEOUT)


def _row(run: NotebookRun, position: int):
    return run.page.locator(f'{ROWS}[data-position="{position}"]')


def _field(run: NotebookRun, position: int, name: str):
    """The input of argument ``name`` in the form of the layer at ``position`` (form opened)."""
    row = _row(run, position)
    form = row.locator(":scope > details.nbk-layer-form")
    if form.get_attribute("open") is None:
        form.locator(":scope > summary").click()
    field = row.locator(f'label.nbk-field[data-field="{name}"]')
    field.wait_for(state="visible")
    return field


def _cnn_rows() -> list[tuple[str, str, int]]:
    return [
        ("Conv2D", "(None, 6, 6, 16)", 160),
        ("MaxPooling2D", "(None, 3, 3, 16)", 0),
        ("Flatten", "(None, 144)", 0),
        ("Dropout", "(None, 144)", 0),
        ("Dense", "(None, 10)", 1450),
    ]


def _summary(rows: list[dict[str, Any]]) -> list[tuple[str, str, int | None]]:
    return [(r["cls"], r["shape"], _params(r["params"])) for r in rows]


def _selected(run: NotebookRun) -> list[int]:
    """Positions of the rows the page shows as selected."""
    return run.page.evaluate(
        "(sel) => Array.from(document.querySelectorAll(sel)).map((li) => Number(li.getAttribute('data-position')))",
        f'{ROWS}.nbk-selected[aria-current="true"]',
    )


def _marker(run: NotebookRun) -> int | None:
    """Where the page says the palette adds: the row the marker stands above (rows + 1: the end)."""
    marker = run.page.locator(f"{ROOT} .nbk-insert-marker")
    return int(marker.get_attribute("data-insert-position")) if marker.count() == 1 else None


def test_builder_add_layer_from_palette(notebook_page, jupyter_server, tmp_path):
    """A palette click adds the layer above the output layer, or below the selected layer; the new
    row is selected, with its shape and params; the total follows, as in the kernel."""
    run = _open(notebook_page, jupyter_server, tmp_path, "builder_add")
    page = run.page
    assert _summary(_rows(run)) == _cnn_rows()
    before = _total(run)
    assert before == 1610 == int(run.execute("print(b.check().total_params)"))
    # Nothing selected: the palette adds above the output Dense, and says so.
    assert _marker(run) == 5 and _selected(run) == []
    assert page.locator(f"{ROOT} .nbk-mb-palette-where").inner_text() == "Add above the output layer (position 5)"

    page.locator(f'{ROOT} .nbk-mb-palette button[data-class="Dense"]').click()
    _wait_for(run, lambda: len(_rows(run)) == 6, "a sixth row", describe=lambda: f"rows: {_rows(run)}")
    _wait_for(run, lambda: _selected(run) == [5], "the new row to be selected", describe=lambda: f"{_selected(run)}")

    rows = _rows(run)
    new, output = rows[4], rows[5]
    assert (new["position"], new["cls"], new["status"]) == (5, "Dense", "ok"), new
    units = int(run.execute("print(b.spec['layers'][4]['config']['units'])"))
    # Dense(units) on the 144 features of Dropout: 144 * units weights + units biases.
    assert new["shape"] == f"(None, {units})", new
    assert _params(new["params"]) == 144 * units + units, new
    # The output layer stays last, now on `units` features: units * 10 + 10.
    assert (output["cls"], output["shape"], _params(output["params"])) == ("Dense", "(None, 10)", units * 10 + 10)
    assert _summary(rows[:4]) == _cnn_rows()[:4], "adding above the output must not change earlier rows"
    assert _total(run) == 160 + 144 * units + units + units * 10 + 10
    assert _total(run) == int(run.execute("print(b.check().total_params)")), "the page and the kernel disagree"
    assert run.execute("print(b.selected, b.insert_position)").strip() == "5 6"
    assert _marker(run) == 6 and page.locator(f"{ROOT} .nbk-mb-palette-where").inner_text() == "Add below position 5"

    # Select the Conv2D by clicking its row (not a button): the next layer goes right below it.
    _row(run, 1).locator(":scope > .nbk-layer-header .nbk-layer-shape").click()
    _wait_for(run, lambda: _selected(run) == [1], "Conv2D to be selected", describe=lambda: f"{_selected(run)}")
    assert _marker(run) == 2
    page.locator(f'{ROOT} .nbk-mb-palette button[data-class="BatchNormalization"]').click()
    _wait_for(
        run,
        lambda: [r["cls"] for r in _rows(run)][:3] == ["Conv2D", "BatchNormalization", "MaxPooling2D"],
        "BatchNormalization below Conv2D",
        describe=lambda: f"rows: {_rows(run)}",
    )
    _wait_for(run, lambda: _selected(run) == [2], "the new row to be selected", describe=lambda: f"{_selected(run)}")
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.locator(ROOT).screenshot(path=str(ARTIFACTS_DIR / "builder_selected.png"))
    assert run.execute("print([l['class_name'] for l in b.spec['layers']][:3], b.selected)").strip() == (
        "['Conv2D', 'BatchNormalization', 'MaxPooling2D'] 2"
    )
    # A click on the selected row unselects it: back to "above the output layer".
    _row(run, 2).locator(":scope > .nbk-layer-header .nbk-layer-class").click()
    _wait_for(run, lambda: _selected(run) == [], "no selection", describe=lambda: f"{_selected(run)}")
    assert _marker(run) == 7

    # From the keyboard: Tab reaches a row's header, Enter selects it, Space unselects it; the
    # header keeps the focus across the redraw that answers, and the notebook does not scroll.
    header = _row(run, 3).locator(":scope > .nbk-layer-header")
    header.focus()
    page.keyboard.press("Enter")
    _wait_for(run, lambda: _selected(run) == [3], "row 3 selected by Enter", describe=lambda: f"{_selected(run)}")
    assert run.execute("print(b.selected)").strip() == "3" and _marker(run) == 4
    focused = "() => document.activeElement && document.activeElement.getAttribute('data-key')"
    assert page.evaluate(focused) == "select:3", "the selected row's header lost the keyboard focus"
    assert header.get_attribute("aria-label") == "layer 3, MaxPooling2D, selected"
    page.keyboard.press(" ")
    _wait_for(run, lambda: _selected(run) == [], "row 3 unselected by Space", describe=lambda: f"{_selected(run)}")
    assert page.evaluate(focused) == "select:3"
    assert run.execute("print(b.selected)").strip() == "None"
    run.assert_clean()


# The status badge and "+ above", from the page's geometry: per row, whether the badge's
# text is on one line, and whether its box meets the actions' box or leaves the row.
_BADGE_GEOMETRY_JS = r"""
(selector) => Array.from(document.querySelectorAll(selector)).map((li) => {
  const badge = li.querySelector(':scope > .nbk-layer-header .nbk-layer-status');
  const actions = li.querySelector(':scope > .nbk-layer-header .nbk-layer-actions');
  const above = li.querySelector(':scope > .nbk-layer-header .nbk-insert-above');
  const header = li.querySelector(':scope > .nbk-layer-header').getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(badge);
  const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size;
  const b = badge.getBoundingClientRect();
  const meets = (r) => b.left < r.right && r.left < b.right && b.top < r.bottom && r.top < b.bottom;
  return {
    position: Number(li.getAttribute('data-position')), text: badge.textContent, lines,
    overlapsActions: meets(actions.getBoundingClientRect()), overlapsAbove: meets(above.getBoundingClientRect()),
    inside: b.left >= header.left - 0.5 && b.right <= header.right + 0.5,
    clipped: badge.scrollWidth > badge.clientWidth + 1,
  };
})
"""


def test_builder_status_badges_stay_on_one_line_clear_of_the_buttons(notebook_page, jupyter_server, tmp_path):
    """ "not checked" (the widest badge) never wraps and "+ above" never covers it, at two widths."""
    run = _open(notebook_page, jupyter_server, tmp_path, "builder_badges")
    page = run.page
    run.execute("b.move_layer(3, 1)")  # Flatten first: Conv2D breaks, the three after it are not checked
    _wait_for(
        run,
        lambda: [r["status"] for r in _rows(run)] == ["ok", "error", "not checked", "not checked", "not checked"],
        "an error and three unchecked rows",
        describe=lambda: f"rows: {_rows(run)}",
    )
    for width in (1400, 1000):
        page.set_viewport_size({"width": width, "height": 1000})
        page.wait_for_timeout(300)
        rows = page.evaluate(_BADGE_GEOMETRY_JS, ROWS)
        assert [r["text"] for r in rows] == ["ok", "error", "not checked", "not checked", "not checked"], rows
        for row in rows:
            assert row["lines"] == 1, (width, row)
            assert not row["overlapsActions"] and not row["overlapsAbove"], (width, row)
            assert row["inside"] and not row["clipped"], (width, row)
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        page.locator(ROOT).screenshot(path=str(ARTIFACTS_DIR / f"builder_badges_{width}.png"))
    run.assert_clean()


# HTML5 drag and drop, as a browser fires it for a mouse drag: dragstart on the handle,
# dragover + drop on the target row at a given height, dragend on the handle, all sharing
# one DataTransfer. Used only if Playwright's mouse-driven drag_to does not reach the
# handlers (it does in Chromium; this is the fallback the brief allows).
_HTML5_DRAG_JS = r"""
({source, target, fraction}) => {
  const src = document.querySelector(source);
  const dst = document.querySelector(target);
  const data = new DataTransfer();
  const s = src.getBoundingClientRect();
  const d = dst.getBoundingClientRect();
  const at = (r, f) => ({clientX: r.left + 10, clientY: r.top + r.height * f});
  const fire = (el, type, where) =>
    el.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data, ...where}));
  fire(src, 'dragstart', at(s, 0.5));
  fire(dst, 'dragenter', at(d, fraction));
  fire(dst, 'dragover', at(d, fraction));
  fire(dst, 'drop', at(d, fraction));
  fire(src, 'dragend', at(d, fraction));
}
"""


def test_builder_drag_flatten_above_conv2d_then_undo(notebook_page, jupyter_server, tmp_path):
    """Dragging Flatten above Conv2D breaks Conv2D in place (rank 4); undo restores the stack."""
    run = _open(notebook_page, jupyter_server, tmp_path, "builder_drag")
    page = run.page
    assert [r["cls"] for r in _rows(run)] == ["Conv2D", "MaxPooling2D", "Flatten", "Dropout", "Dense"]

    handle = _row(run, 3).locator(":scope > .nbk-layer-header .nbk-drag")
    target = _row(run, 1)
    box = target.bounding_box()
    assert box is not None
    # Drop on the upper quarter of the Conv2D row: "insert before it".
    handle.drag_to(target, target_position={"x": 40, "y": max(2, box["height"] * 0.25)})
    moved = lambda: [r["cls"] for r in _rows(run)][:2] == ["Flatten", "Conv2D"]  # noqa: E731
    try:
        _wait_for(run, moved, "Flatten to move above Conv2D (mouse drag)", timeout=5)
        how = "mouse"
    except AssertionError:
        page.evaluate(
            _HTML5_DRAG_JS,
            {
                "source": f'{ROWS}[data-position="3"] .nbk-drag',
                "target": f'{ROWS}[data-position="1"]',
                "fraction": 0.25,
            },
        )
        _wait_for(
            run, moved, "Flatten to move above Conv2D (HTML5 drag events)", describe=lambda: f"rows: {_rows(run)}"
        )
        how = "dispatched"
    print(f"drag: {how}")

    rows = _rows(run)
    assert [r["cls"] for r in rows] == ["Flatten", "Conv2D", "MaxPooling2D", "Dropout", "Dense"], rows
    flatten, conv = rows[0], rows[1]
    # Earlier layers keep their shapes: Flatten on (8, 8, 1) -> 64 features, no weights.
    assert (flatten["status"], flatten["shape"], _params(flatten["params"])) == ("ok", "(None, 64)", 0), flatten
    assert flatten["error"] is None
    assert conv["status"] == "error", conv
    assert conv["error"] and "rank 4" in conv["error"], conv
    assert page.locator(f'{ROWS}[data-position="2"] > .nbk-layer-error').is_visible()
    assert all(r["status"] == "not checked" for r in rows[2:]), rows
    assert run.execute("print(b.check().ok, [l['class_name'] for l in b.spec['layers']][:2])").strip() == (
        "False ['Flatten', 'Conv2D']"
    )

    page.locator(f"{ROOT} .nbk-undo").click()
    _wait_for(
        run,
        lambda: page.locator(f"{ROOT} .nbk-layer-error").count() == 0,
        "the error to go after undo",
        describe=lambda: f"rows: {_rows(run)}",
    )
    assert _summary(_rows(run)) == _cnn_rows()
    assert all(r["status"] == "ok" for r in _rows(run))
    assert _total(run) == 1610
    run.assert_clean()


def test_builder_edit_argument_and_refused_value(notebook_page, jupyter_server, tmp_path):
    """filters=32 updates the row and the ones after it; filters=-3 is refused at the field."""
    run = _open(notebook_page, jupyter_server, tmp_path, "builder_edit")
    page = run.page

    filters = _field(run, 1, "filters").locator("input")
    assert filters.input_value() == "16"
    filters.fill("32")
    filters.press("Tab")  # `change` fires when the field loses focus
    _wait_for(
        run,
        lambda: _params(_rows(run)[0]["params"]) == 320,
        "Conv2D params to become 320",
        describe=lambda: f"rows: {_rows(run)}",
    )
    # (3*3*1 + 1) * 32 = 320; 3*3*32 = 288 features into Dense(10): 2,890.
    assert _summary(_rows(run)) == [
        ("Conv2D", "(None, 6, 6, 32)", 320),
        ("MaxPooling2D", "(None, 3, 3, 32)", 0),
        ("Flatten", "(None, 288)", 0),
        ("Dropout", "(None, 288)", 0),
        ("Dense", "(None, 10)", 2890),
    ]
    assert _total(run) == 3210 == int(run.execute("print(b.check().total_params)"))

    field = _field(run, 1, "filters")
    field.locator("input").fill("-3")
    field.locator("input").press("Tab")
    message = _row(run, 1).locator(".nbk-field-message")
    message.wait_for(state="visible", timeout=REPLY_TIMEOUT * 1000)
    assert "Received: filters=-3" in message.inner_text(), message.inner_text()
    assert "nbk-field-invalid" in (_field(run, 1, "filters").get_attribute("class") or "")
    page.wait_for_timeout(300)  # a (wrong) redraw would come with the same reply
    assert _params(_rows(run)[0]["params"]) == 320, "the last valid value must be kept"
    assert _total(run) == 3210
    assert run.execute("print(b.spec['layers'][0]['config']['filters'])").strip() == "32"

    field = _field(run, 1, "filters")
    field.locator("input").fill("24")
    field.locator("input").press("Tab")
    _wait_for(
        run,
        lambda: _params(_rows(run)[0]["params"]) == 240,
        "Conv2D params to become (9+1)*24 = 240",
        describe=lambda: f"rows: {_rows(run)}",
    )
    _wait_for(run, lambda: page.locator(f"{ROOT} .nbk-field-message").count() == 0, "the field message to go")
    assert page.locator(f"{ROOT} .nbk-field-invalid").count() == 0
    assert page.locator(f"{ROOT} > .nbk-error").is_hidden()
    run.assert_clean()


def test_builder_layer_name_with_html_is_refused_and_shown_as_text(notebook_page, jupyter_server, tmp_path):
    """A name with HTML in it, typed in the form: refused (TensorFlow could not train it), and
    the message that quotes it is text: no element is created and no script runs."""
    run = _open(notebook_page, jupyter_server, tmp_path, "builder_name")
    page = run.page
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    conv = page.locator(f'{ROOT} .nbk-layer[data-position="1"]')
    conv.locator(":scope > details.nbk-layer-form > summary").click()
    for summary in conv.locator("details.nbk-layer-form details > summary").all():
        summary.click()  # "more arguments", where the name is
    field = conv.locator('[data-key="1:name"]')
    field.fill(XSS_NAME)
    field.press("Enter")
    root = page.locator(ROOT)
    _wait_for(
        run,
        lambda: "Invalid value for argument `name`" in root.text_content(),
        "the refusal to be shown",
        describe=lambda: root.text_content()[:500],
    )
    assert XSS_NAME in root.text_content()  # quoted in the message, as text
    assert root.locator("img").count() == 0, "the layer name was parsed as HTML"
    assert page.locator("img[src=x]").count() == 0
    assert run.execute("print(b.spec['layers'][0]['config'].get('name'))").strip() != XSS_NAME  # the last good state
    page.wait_for_timeout(500)  # an onerror handler would fire right after the failed load
    assert dialogs == [], f"a dialog opened: {dialogs}"
    assert page.evaluate("() => document.querySelectorAll('img[onerror]').length") == 0
    run.assert_clean()


def test_builder_renders_in_notebook7(notebook_page, jupyter_server, tmp_path):
    """Notebook 7: the builder, its palette, its five rows with shapes and params, no errors."""
    run = _open(notebook_page, jupyter_server, tmp_path, "builder_nb7", ui="notebook7")
    assert _summary(_rows(run)) == _cnn_rows()
    assert run.page.locator(f'{ROOT} .nbk-mb-palette button[data-class="Dense"]').count() == 1
    assert _total(run) == 1610
    assert run.page.locator(f"{ROOT} .nbk-layer-error").count() == 0
    run.assert_clean()
