"""The embedding projector and the learning-rate finder in a real JupyterLab.

Kernel-side tests prove the numbers equal the inspect core's; this proves what a user sees:
the projector draws every row, a search typed in its field highlights the matching words,
a real mouse click on a point lists that word's nearest neighbours; the finder draws its
curve, "apply" changes the rate it shows (and the model's), and a click on the curve picks
another rate.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest
from harness import NotebookRun, run_notebook, save_artifacts, wait_until, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RUN_TIMEOUT = 300.0
_wait = partial(wait_until, timeout=30.0)

PROJECTOR = ".nbkeras-widget.nbkeras-embedding-projector"
PROJECTOR_PLOT = f"{PROJECTOR} .nbk-projector-plot"
FINDER = ".nbkeras-widget.nbkeras-lr-finder"
FINDER_PLOT = f"{FINDER} .nbk-lr-plot"

PROJECTOR_SETUP = """\
import keras, numpy as np
import nbkeras
from nbkeras import datasets
keras.utils.set_random_seed(0)
vocab = datasets.sentiment_vocabulary()
(x, y), _ = datasets.sentiment(n_samples=1000)
model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Embedding(len(vocab), 8),
                          keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1, activation="sigmoid")])
model.compile("adam", "binary_crossentropy")
model.fit(x, y, epochs=2, verbose=0)"""

FINDER_SETUP = """\
import keras
import nbkeras
from nbkeras import datasets
keras.utils.set_random_seed(0)
(x, y), _ = datasets.spirals(n_samples=2000)
model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(2, activation="softmax")])
model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")"""

# Page coordinates of data point (x, y) of a Plotly 2-D plot (c2p handles log axes).
_POINT_JS = r"""
({selector, x, y}) => {
  const gd = document.querySelector(selector);
  const box = gd.getBoundingClientRect();
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  return { x: box.left + xa._offset + xa.c2p(x), y: box.top + ya._offset + ya.c2p(y) };
}
"""
_TRACES_JS = r"""
(selector) => {
  const gd = document.querySelector(selector);
  if (!gd || !Array.isArray(gd.data) || !gd._fullLayout) return null;
  return gd.data.map((t) => ({ name: t.name, text: Array.from(t.text || []), x: Array.from(t.x || []),
                               y: Array.from(t.y || []), customdata: Array.from(t.customdata || []) }));
}
"""


def _kernel(run: NotebookRun, expression: str):
    return json.loads(run.execute(f"import json; print(json.dumps({expression}))").strip())


def test_projector_draws_every_word_search_highlights_and_a_click_lists_neighbours(
    notebook_page, jupyter_server, tmp_path: Path
):
    path = write_notebook(
        tmp_path / "projector.ipynb",
        PROJECTOR_SETUP,
        'projector = nbkeras.EmbeddingProjector(model, vocab, groups={"positive": ["good", "great"],'
        ' "negative": ["bad", "awful"]}, k=5)\nprojector',
    )
    run = run_notebook(notebook_page, jupyter_server, path, ui="lab", timeout=RUN_TIMEOUT)
    page = run.page
    run.wait_for_selector(PROJECTOR)
    _wait(run, lambda: page.evaluate(_TRACES_JS, PROJECTOR_PLOT) is not None, "the projection drawn")
    traces = page.evaluate(_TRACES_JS, PROJECTOR_PLOT)
    rows = _kernel(run, "len(vocab)")
    assert sum(len(t["customdata"]) for t in traces[:3]) == rows  # other words + the two groups: every row

    # Search: typed in the field, applied with Enter; the matches are ringed and counted.
    search = page.locator(f"{PROJECTOR} .nbk-projector-search")
    search.fill("ea")
    search.press("Enter")
    expected = _kernel(run, "sorted(w for w in vocab if 'ea' in w)")
    _wait(
        run,
        lambda: (
            sorted(page.evaluate(_TRACES_JS, PROJECTOR_PLOT)[3]["customdata"])
            == sorted(_kernel(run, "[m['row'] for m in projector.matches]"))
            and len(page.evaluate(_TRACES_JS, PROJECTOR_PLOT)[3]["customdata"]) == len(expected)
        ),
        "the search matches ringed",
    )
    status = page.locator(f"{PROJECTOR} .nbk-projector-status").inner_text()
    assert status.startswith(f"{len(expected)} words contain")

    # A real click on "awful"'s point lists its 5 nearest neighbours, as the kernel computed them.
    row = _kernel(run, "vocab['awful']")
    x, y = _kernel(run, f"projector.projection.coordinates[{row}].tolist()")
    page.locator(PROJECTOR_PLOT).scroll_into_view_if_needed()
    point = page.evaluate(_POINT_JS, {"selector": PROJECTOR_PLOT, "x": x, "y": y})
    page.mouse.click(point["x"], point["y"])
    _wait(run, lambda: _kernel(run, "projector.picked") == row, "awful picked by the click")
    items = f"{PROJECTOR} .nbk-projector-neighbour button"
    _wait(run, lambda: page.locator(items).count() == 5, "five neighbours listed")
    listed = page.locator(items).all_inner_texts()
    assert listed == _kernel(run, "[n['word'] for n in projector.neighbours]")
    assert page.locator(f"{PROJECTOR} .nbk-projector-picked").inner_text().startswith("Nearest to “awful”")
    # A listed neighbour is itself a pick.
    page.locator(items).first.click()
    _wait(run, lambda: _kernel(run, "projector.picked_word") == listed[0], "the first neighbour picked")

    # 3-D: the switch redraws the scatter as scatter3d.
    page.locator(f'{PROJECTOR} button[data-dims="3"]').click()
    _wait(
        run,
        lambda: page.evaluate(f"() => document.querySelector('{PROJECTOR_PLOT}').data[0].type") == "scatter3d",
        "the 3-D scatter",
    )
    page.locator(f'{PROJECTOR} button[data-dims="2"]').click()
    _wait(
        run,
        lambda: page.evaluate(f"() => document.querySelector('{PROJECTOR_PLOT}').data[0].type") == "scatter",
        "back to 2-D",
    )
    page.wait_for_timeout(500)
    save_artifacts(page, "test_projector_lr-projector")
    run.assert_clean()


def test_lr_finder_draws_its_curve_and_apply_changes_the_rate(notebook_page, jupyter_server, tmp_path: Path):
    path = write_notebook(tmp_path / "finder.ipynb", FINDER_SETUP, "finder = nbkeras.LRFinder(model, x, y)\nfinder")
    run = run_notebook(notebook_page, jupyter_server, path, ui="lab", timeout=RUN_TIMEOUT)
    page = run.page
    run.wait_for_selector(FINDER)
    _wait(run, lambda: page.evaluate(_TRACES_JS, FINDER_PLOT) is not None, "the curve drawn")
    traces = page.evaluate(_TRACES_JS, FINDER_PLOT)
    smoothed = _kernel(run, "finder.result.smoothed.tolist()")
    assert len(traces[1]["y"]) == len(smoothed)
    assert all(abs(a - b) <= 1e-5 * max(1.0, abs(b)) for a, b in zip(traces[1]["y"], smoothed))
    suggestion = _kernel(run, "finder.suggestion")
    assert abs(traces[2]["x"][0] - suggestion) <= 1e-6 * suggestion  # the suggestion's mark

    current = page.locator(f"{FINDER} .nbk-lr-current")
    assert current.inner_text().startswith("learning rate now: 0.001")
    page.locator(f"{FINDER} .nbk-lr-apply").click()
    _wait(run, lambda: "applied to" in current.inner_text(), "the applied rate shown")
    rate = _kernel(run, "float(model.optimizer.learning_rate)")
    assert abs(rate - suggestion) <= 1e-6 * suggestion
    shown = float(current.inner_text().split()[3])  # "learning rate now: 0.0351 (applied to ...)"
    assert abs(shown - suggestion) <= 1e-3 * suggestion

    # A real click on the smoothed curve picks that point's rate; apply then uses it.
    i = len(smoothed) // 3
    rates = _kernel(run, "finder.result.learning_rates.tolist()")
    page.locator(FINDER_PLOT).scroll_into_view_if_needed()
    point = page.evaluate(_POINT_JS, {"selector": FINDER_PLOT, "x": rates[i], "y": smoothed[i]})
    page.mouse.click(point["x"], point["y"])
    _wait(run, lambda: _kernel(run, "finder.chosen") is not None, "a rate picked on the curve")
    chosen = _kernel(run, "finder.chosen")
    assert min(abs(chosen - r) for r in rates) <= 1e-6 * chosen  # one of the curve's rates
    page.locator(f"{FINDER} .nbk-lr-apply").click()
    _wait(run, lambda: abs(_kernel(run, "float(model.optimizer.learning_rate)") - chosen) <= 1e-6 * chosen, "applied")
    page.wait_for_timeout(500)
    save_artifacts(page, "test_projector_lr-finder")
    run.assert_clean()
