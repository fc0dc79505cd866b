"""The activation explorer, driven like a user would in a real browser.

Kernel-side tests prove what the widget computes and sends; these prove the loop a user
sees: a control in the page -> a request to the kernel -> Keras -> a redrawn plot, with
the Python object following along. Every number asserted on the page comes from the
plot's own data (``el.data`` of the Plotly div), not from the DOM text.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from harness import FIGURE_LAYOUT_JS, NotebookRun, run_notebook, wait_until, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = ".nbkeras-widget.nbkeras-activation-explorer"
CURVES = f"{ROOT} .nbk-curves"
DEPTH = f"{ROOT} .nbk-depth"
SLOPE_SLIDER = f'{ROOT} fieldset[data-activation="leaky_relu"] label[data-param="negative_slope"] input[type=range]'

# The kernel imports TensorFlow (~5-10 s) before the first cell's widget exists.
RUN_TIMEOUT = 180.0
TOL = 1e-6  # the curves reach the page as float32


def _notebook(tmp_path: Path, name: str) -> Path:
    source = 'import nbkeras\ne = nbkeras.explore_activations("leaky_relu", x_range=(-3, 3))'
    return write_notebook(tmp_path / f"{name}.ipynb", source)


def _open(notebook_page, jupyter_server, tmp_path: Path, name: str, ui: str = "lab") -> NotebookRun:
    run = run_notebook(notebook_page, jupyter_server, _notebook(tmp_path, name), ui=ui, timeout=RUN_TIMEOUT)
    run.wait_for_selector(ROOT)
    assert run.page.locator(ROOT).count() == 1, "explore_activations(...) assigned to `e` must display exactly once"
    _wait_for(run, lambda: _derivative(run) is not None, "the f′ curve to be plotted")
    return run


def _derivative(run: NotebookRun) -> dict[str, Any] | None:
    """The plotted f′ trace of leaky_relu as {"x": [...], "y": [...]}, or None before the first draw."""
    plot = run.plotly_traces(CURVES)
    if not plot:
        return None
    traces = [t for t in plot["data"] if t["name"] == "leaky_relu′"]
    return traces[0] if traces and traces[0]["x"] else None


def _left_slopes(trace: dict[str, Any]) -> list[float]:
    """f′ on the negative half (away from the kink at 0)."""
    return [y for x, y in zip(trace["x"], trace["y"]) if x < -0.05]


def _left_slope(run: NotebookRun) -> float | None:
    trace = _derivative(run)
    return None if trace is None else trace["y"][0]


_wait_for = partial(wait_until, timeout=15.0)


def test_slider_drives_keras_and_the_kernel_attribute(notebook_page, jupyter_server, tmp_path):
    """Slider -> kernel -> Keras -> plot: the default slope comes from Keras, a drag changes it."""
    run = _open(notebook_page, jupyter_server, tmp_path, "explorer_slider")

    trace = _derivative(run)
    left = _left_slopes(trace)
    assert left and all(abs(v - 0.2) < TOL for v in left), (
        f"f′(x<0) of leaky_relu must be Keras's default negative_slope 0.2; plotted {sorted(set(left))[:5]}"
    )
    assert all(abs(v - 1.0) < TOL for x, v in zip(trace["x"], trace["y"]) if x > 0.05)

    slider = run.page.locator(SLOPE_SLIDER)
    assert slider.input_value() == "0.2", "the slider must start at the value Python chose"
    # Playwright's fill() on a range input focuses it, sets the value and dispatches the
    # same `input` and `change` events a drag ends with.
    slider.fill("0.5")
    _wait_for(
        run,
        lambda: abs((_left_slope(run) or 0) - 0.5) < TOL,
        "f′(x<0) to become 0.5",
        describe=lambda: f"plotted f′(-3) = {_left_slope(run)}",
    )
    assert all(abs(v - 0.5) < TOL for v in _left_slopes(_derivative(run)))

    assert run.execute("print(e.params)").strip() == "{'leaky_relu': {'negative_slope': 0.5}}"
    assert run.execute("print(e.negative_slope, e.error == '')").strip() == "0.5 True"
    run.assert_clean()


def test_bad_range_shows_error_and_keeps_last_good_plot(notebook_page, jupyter_server, tmp_path):
    """x min > x max is refused by the kernel's validator, shown in the widget; the plot stays."""
    run = _open(notebook_page, jupyter_server, tmp_path, "explorer_bad_range")
    page = run.page
    banner = page.locator(f"{ROOT} .nbk-error")
    x_min = page.get_by_label("x min", exact=True)
    assert banner.is_hidden()

    x_min.fill("5")
    x_min.press("Tab")  # `change` fires when the field loses focus, as when a user tabs away
    banner.wait_for(state="visible", timeout=15_000)
    assert "Expected min < max" in banner.inner_text(), banner.inner_text()
    page.wait_for_timeout(300)  # a (wrong) redraw would come with the same reply
    trace = _derivative(run)
    assert (trace["x"][0], trace["x"][-1]) == (-3, 3), "the last good curve must stay plotted"
    layout = run.plotly_traces(CURVES)["layout"]
    assert layout["xaxis"]["range"] == [-3, 3], layout["xaxis"]
    assert run.execute("print(e.x_range)").strip() == "(-3.0, 3.0)"

    x_min.fill("-2")
    x_min.press("Tab")
    banner.wait_for(state="hidden", timeout=15_000)
    _wait_for(
        run,
        lambda: abs(_derivative(run)["x"][0] + 2) < TOL,
        "the plot to start at x = -2",
        describe=lambda: f"plotted x[0] = {_derivative(run)['x'][0]}",
    )
    assert abs(_derivative(run)["x"][-1] - 3) < TOL
    assert run.plotly_traces(CURVES)["layout"]["xaxis"]["range"] == [-2, 3]
    run.assert_clean()


# 60 input events over ~1 s, values 0.01 .. 0.60, as a quick drag produces (one per
# 16 ms frame). Each event is due at t0 + i * 16 ms; when the page was busy (redrawing a
# reply) past that time, the overdue events are dispatched back to back, which is what a
# user's drag amounts to when the browser catches up with the pointer.
_DRAG_JS = r"""
async (selector) => {
  const input = document.querySelector(selector);
  input.focus();
  const t0 = performance.now();
  let late = 0;
  for (let i = 1; i <= 60; i++) {
    const wait = t0 + i * 16 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else late += 1;
    input.value = (i / 100).toFixed(2);
    input.dispatchEvent(new Event('input', {bubbles: true}));
  }
  input.dispatchEvent(new Event('change', {bubbles: true}));
  return {ms: performance.now() - t0, late, value: input.value};
}
"""


# Counts the curves' draws (Plotly's afterplot event) from now on, on the plot's own node.
_COUNT_DRAWS_JS = r"""
(selector) => {
  const plot = document.querySelector(selector);
  plot.__nbkDrawn = 0;
  plot.on('plotly_afterplot', () => { plot.__nbkDrawn += 1; });
}
"""


def test_fast_drag_settles_on_last_value_without_backlog(notebook_page, jupyter_server, tmp_path):
    """A 60-event drag ends on its last value quickly, and the kernel computed fewer than 60 times."""
    run = _open(notebook_page, jupyter_server, tmp_path, "explorer_drag")
    before = int(run.execute("print(e.computations)"))

    run.page.evaluate(_COUNT_DRAWS_JS, CURVES)
    drag = run.page.evaluate(_DRAG_JS, SLOPE_SLIDER)
    assert drag["value"] == "0.60" or drag["value"] == "0.6", drag
    released = time.monotonic()
    _wait_for(
        run,
        lambda: abs((_left_slope(run) or 0) - 0.6) < TOL,
        "the plot to settle on the last value 0.6",
        timeout=5.0,
        describe=lambda: f"plotted f′(-3) = {_left_slope(run)}",
    )
    settle = time.monotonic() - released
    run.page.wait_for_timeout(500)
    assert abs(_left_slope(run) - 0.6) < TOL, "a late (stale) reply overwrote the last value"
    drawn = run.page.evaluate("(sel) => document.querySelector(sel).__nbkDrawn", CURVES)

    after = int(run.execute("print(e.computations)"))
    computed = after - before
    assert run.execute("print(e.negative_slope)").strip() == "0.6"
    assert 1 <= computed < 60, (
        f"60 input events made the kernel compute the curves {computed} times "
        f"(computations {before} -> {after}); coalescing must keep it under 60"
    )
    # The page draws each reply once, as it comes: never a queue of draws behind the drag.
    # (How long the drag took depends on the machine's load and is printed, not asserted.)
    assert 1 <= drawn <= computed, f"{computed} computations were drawn {drawn} times"
    print(
        f"drag: 60 events in {drag['ms']:.0f} ms ({drag['late']} overdue) -> {computed} computations, "
        f"{drawn} draws; "
        f"settled {settle:.2f} s after release"
    )
    run.assert_clean()


def test_renders_in_notebook7(notebook_page, jupyter_server, tmp_path):
    """Notebook 7: the widget, both Plotly plots with data, and formulas as native MathML."""
    run = _open(notebook_page, jupyter_server, tmp_path, "explorer_nb7", ui="notebook7")
    page = run.page

    for selector in (CURVES, DEPTH):
        run.wait_for_selector(f"{selector}.js-plotly-plot")
        _wait_for(run, lambda s=selector: bool((run.plotly_traces(s) or {}).get("data")), f"{selector} to have traces")
        plot = run.plotly_traces(selector)
        with_points = [t for t in plot["data"] if len(t["x"]) > 0 and len(t["y"]) > 0]
        assert with_points, f"{selector}: no trace has points: {[t['name'] for t in plot['data']]}"

    formulas = page.locator(f"{ROOT} .nbk-card .nbk-formula math")
    assert formulas.count() >= 1, "the formula card has no <math> element"
    info = formulas.first.evaluate(
        """m => { const r = m.getBoundingClientRect();
                  return {ns: m.namespaceURI, w: r.width, h: r.height, text: m.textContent}; }"""
    )
    assert info["ns"] == "http://www.w3.org/1998/Math/MathML", info
    assert info["w"] > 0 and info["h"] > 0, f"MathML is not laid out (rendered natively): {info}"
    assert info["text"].strip(), info
    run.assert_clean()


def test_piecewise_formula_has_a_brace_as_tall_as_its_cases(notebook_page, jupyter_server, tmp_path):
    """leaky_relu's formula is two cases: either the browser stretches the `{` (a math font)
    or nbkeras hides it and draws a bracket beside the table; never a one-line brace."""
    run = _open(notebook_page, jupyter_server, tmp_path, "explorer_cases")
    run.page.wait_for_timeout(300)  # the check runs one frame after the cards are drawn
    found = run.page.evaluate(
        """(root) => Array.from(document.querySelectorAll(`${root} .nbk-formula mo[form='prefix'][stretchy='true']`))
             .filter((mo) => mo.nextElementSibling && mo.nextElementSibling.localName === 'mtable')
             .map((mo) => {
               const table = mo.nextElementSibling;
               return {fence: mo.getBoundingClientRect().height, rows: table.getBoundingClientRect().height,
                       hidden: getComputedStyle(mo).display === 'none',
                       border: parseFloat(getComputedStyle(table).borderLeftWidth)};
             })""",
        ROOT,
    )
    assert len(found) >= 2, f"leaky_relu's f and f′ are both piecewise; found {found}"
    for item in found:
        assert item["rows"] > 0
        stretched = not item["hidden"] and item["fence"] >= 0.75 * item["rows"]
        drawn = item["hidden"] and item["border"] > 0
        assert stretched or drawn, f"a cases brace is neither stretched nor replaced: {item}"
    run.assert_clean()


_CARD_FIT_JS = """(root) => Array.from(document.querySelectorAll(`${root} .nbk-card`)).map((card) => ({
  name: card.dataset.activation,
  card: [card.scrollWidth, card.clientWidth],
  formulas: Array.from(card.querySelectorAll('.nbk-formula')).map((f) => [f.scrollWidth, f.clientWidth]),
  row: [card.parentElement.scrollWidth, card.parentElement.clientWidth],
}))"""


def test_no_formula_is_clipped_at_the_default_width(notebook_page, jupyter_server, tmp_path):
    """Every activation's card at once: each formula (f and f′) fits its card, each card its row;
    the curves' legend (one item per activation) takes rows of its own above the plots."""
    source = "import nbkeras\ne = nbkeras.explore_activations(*nbkeras.activation_names(), depth_layers=2)"
    run = run_notebook(
        notebook_page, jupyter_server, write_notebook(tmp_path / "explorer_cards.ipynb", source), timeout=RUN_TIMEOUT
    )
    run.wait_for_selector(f"{ROOT} .nbk-card")
    names = run.execute("print(len(e.cards))").strip()
    _wait_for(run, lambda: run.page.locator(f"{ROOT} .nbk-card").count() == int(names), f"{names} cards")
    # The test browser's size, then narrower windows (a laptop, a half screen): cards re-flow.
    for width in (1400, 1100, 900):
        run.page.set_viewport_size({"width": width, "height": 1000})
        run.page.wait_for_timeout(400)  # fences are fixed one frame after the cards are drawn
        cards = run.page.evaluate(_CARD_FIT_JS, ROOT)
        assert len(cards) == int(names) > 20
        clipped = [c for c in cards if c["card"][0] > c["card"][1] or any(s > w for s, w in c["formulas"])]
        assert not clipped, f"at {width} px, formulas wider than their card: {clipped}"
        assert cards[0]["row"][0] <= cards[0]["row"][1], f"at {width} px the cards overflow their row"

        def legend_clear(width: int = width) -> bool:
            at = run.page.evaluate(FIGURE_LAYOUT_JS, CURVES)
            return at is not None and at["items"] == int(names) and at["legendBottom"] <= at["plotTop"]

        _wait_for(
            run,
            legend_clear,
            f"the curves' legend above the plots at {width} px",
            describe=lambda: str(run.page.evaluate(FIGURE_LAYOUT_JS, CURVES)),
        )
        at = run.page.evaluate(FIGURE_LAYOUT_JS, CURVES)
        # every row drawn (not scrolled in a box), in the room the view made: the plots as tall as
        # the kernel's figure has them (Plotly did not have to push them down for the legend)
        assert at["legendTop"] >= at["svgTop"], at
        assert at["planned"] == 340 - 46 - 40 and abs(at["plotHeight"] - at["planned"]) <= 1, at
        assert at["title2Left"] >= at["firstPlotRight"], f"f′'s axis title over f's plot at {width} px: {at}"
    relu = next(c for c in cards if c["name"] == "relu")
    assert len(relu["formulas"]) == 2  # f and f′ (the one that was cut off)
    run.assert_clean()


def test_the_depth_panel_picks_among_the_chosen_activations(notebook_page, jupyter_server, tmp_path):
    """The depth picker sets `depth_activation`; Python's assignment moves the picker; 28 layers read as 10 rows."""
    source = "import nbkeras\ne = nbkeras.explore_activations('sigmoid', 'relu', depth_layers=28, depth_width=16)"
    run = run_notebook(
        notebook_page, jupyter_server, write_notebook(tmp_path / "explorer_depth.ipynb", source), timeout=RUN_TIMEOUT
    )
    run.wait_for_selector(f"{DEPTH}.js-plotly-plot")

    def title() -> str:
        return ((run.plotly_traces(DEPTH) or {}).get("layout") or {}).get("title", {}).get("text", "")

    _wait_for(run, lambda: title().startswith("sigmoid through 28"), "the depth panel to show sigmoid")
    picker = run.page.get_by_label("depth activation", exact=True)
    assert [o.strip() for o in picker.locator("option").all_inner_texts()] == ["sigmoid", "relu"]
    assert picker.input_value() == "sigmoid"
    layout = run.plotly_traces(DEPTH)["layout"]
    assert layout["yaxis"]["ticktext"] == ["1", "4", "7", "10", "13", "16", "19", "22", "25", "28"]
    # the plotted tick labels: 10 rows, none overlapping its neighbour
    boxes = run.page.evaluate(
        """(sel) => Array.from(document.querySelectorAll(`${sel} .yaxislayer-above .ytick text`))
             .map((t) => { const r = t.getBoundingClientRect(); return [t.textContent, r.top, r.bottom]; })""",
        DEPTH,
    )
    rows = sorted((b for b in boxes if b[0] in layout["yaxis"]["ticktext"]), key=lambda b: b[1])
    assert len(rows) == 10 and all(a[2] <= b[1] for a, b in zip(rows, rows[1:])), rows

    picker.select_option("relu")
    _wait_for(
        run,
        lambda: title().startswith("relu through 28"),
        "the depth panel to show relu",
        describe=lambda: f"title {title()!r}",
    )
    assert run.execute("print(e.depth_activation, e.error == '')").strip() == "relu True"
    run.execute("e.depth_activation = 'sigmoid'")
    _wait_for(
        run,
        lambda: picker.input_value() == "sigmoid" and title().startswith("sigmoid"),
        "the picker and panel to follow Python",
    )
    run.execute("e.activations = ['tanh', 'relu']")
    _wait_for(
        run,
        lambda: picker.input_value() == "tanh" and title().startswith("tanh"),
        "an unchosen depth activation to fall back to the first",
    )
    run.assert_clean()
