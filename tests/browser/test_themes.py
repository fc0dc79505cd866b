"""Every nbkeras widget follows JupyterLab's light and dark themes, switching live.

The explorer, the builder (with a refused value and a layer error) and a dashboard of a
short ``nbkeras.fit`` are shown in JupyterLab; the theme is switched to JupyterLab Dark
through Lab's own command (what Settings → Theme runs) and back, without re-running a
cell. In each theme, read from *computed styles* (not by eye):

* every visible piece of widget text (labels, buttons, badges, table cells, fields, the
  error banner) has a WCAG contrast ratio ≥ 4.5 against the background it is painted on;
* no widget box stays light on the dark page (a "white box");
* every Plotly figure's paper is the theme's background, and its tick labels contrast with
  it by ≥ 3.

The same in Notebook 7 (the same theme manager and variables). Screenshots of both themes are
saved (``test-artifacts/browser/test_themes-{lab,notebook7}-{dark,light}.png``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import harness
import pytest
from harness import NotebookRun, run_notebook, wait_until, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# What the builder holds in the kernel, for a failure message.
KERNEL_BUILDER_STATE = "print(repr(b.error), b.error_field, len(b.report.get('errors', [])))"

DARK, LIGHT = "JupyterLab Dark", "JupyterLab Light"
TEXT_CONTRAST = 4.5  # WCAG AA, normal text
GRAPHIC_CONTRAST = 3.0  # WCAG AA, large text and graphics: a chart's tick labels against its paper

CELLS = (
    'import nbkeras\ne = nbkeras.explore_activations("leaky_relu", x_range=(-3, 3))',
    # A layer error (a Conv2D after Flatten) and a refused value (what the view sends for filters=-2).
    """\
from nbkeras.builder import template
spec = template("cnn")
spec["layers"].insert(3, {"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": 3}})
b = nbkeras.ModelBuilder(spec=spec)
b._on_frontend_msg(b, {"type": "request", "seq": 1, "action": "set_argument",
                       "args": {"position": 1, "name": "filters", "value": -2}}, [])
b""",
    """\
import keras
(x, y), _ = nbkeras.datasets.spirals(n_samples=1000)
model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
run = nbkeras.fit(model, x, y, epochs=3, batch_size=50, validation_split=0.2)""",
)

# Shared by the checks below: colors as [r, g, b, a], painted over what is behind them.
_COLOR_JS = r"""
// rgb()/rgba(), and color(srgb r g b / a): what Chromium computes for color-mix().
const parse = (s) => {
  const m = /(rgba?|color)\(\s*(?:srgb\s+)?([^)]*)\)/.exec(s || '');
  if (!m) throw new Error(`unexpected computed color: ${s}`);
  const p = m[2].split(/[\s,/]+/).filter(Boolean).map(Number);
  const k = m[1] === 'color' ? 255 : 1;
  return [p[0] * k, p[1] * k, p[2] * k, p.length > 3 ? p[3] : 1];
};
const over = (c, bg) => [0, 1, 2].map((i) => c[i] * c[3] + bg[i] * (1 - c[3])).concat(1);
const lum = (c) => {
  const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
};
const ratio = (a, b) => { const [h, l] = [lum(a), lum(b)].sort((x, y) => y - x); return (h + 0.05) / (l + 0.05); };
// What is painted behind an element: its own and its ancestors' backgrounds, composited.
const behind = (el) => {
  const layers = [];
  for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
    const c = parse(getComputedStyle(n).backgroundColor);
    if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
  }
  return layers.reverse().reduce((bg, c) => over(c, bg), [255, 255, 255, 1]);
};
const hex = (c) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
"""

# Every visible element of the widgets' own DOM that shows text (outside the Plotly charts):
# its text color over its background, and every box painted light (for the dark theme).
_TEXT_JS = (
    "() => {"
    + _COLOR_JS
    + r"""
  const out = {texts: [], lightBoxes: []};
  for (const root of document.querySelectorAll('.nbkeras-widget')) {
    for (const el of root.querySelectorAll('*')) {
      if (el.closest('.js-plotly-plot') || !shown(el)) continue;
      const field = el.matches('input:not([type=checkbox]):not([type=radio]):not([type=range]), select, textarea');
      const text = field ? (el.value || '') : Array.from(el.childNodes)
        .filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
      const bg = behind(el);
      const own = parse(getComputedStyle(el).backgroundColor);
      if (own[3] > 0.5 && lum(bg) > 0.4) {
        out.lightBoxes.push({tag: el.tagName.toLowerCase(), cls: String(el.className), bg: hex(bg)});
      }
      if (!text || el.closest(':disabled')) continue; // WCAG exempts inactive controls
      // A translucent ancestor (a "not checked" layer) fades the text toward what is behind it.
      let opacity = 1;
      for (let n = el; n && n !== root; n = n.parentElement) opacity *= Number(getComputedStyle(n).opacity);
      const fg = over(over(parse(getComputedStyle(el).color), bg).slice(0, 3).concat(opacity), bg);
      out.texts.push({
        tag: el.tagName.toLowerCase(), cls: String(el.className), text: text.slice(0, 40),
        fg: hex(fg), bg: hex(bg), ratio: Math.round(ratio(fg, bg) * 100) / 100,
      });
    }
  }
  return out;
}"""
)

# One Plotly chart (the index-th): its paper color and its tick labels' colors.
_PLOT_JS = (
    "(index) => {"
    + _COLOR_JS
    + r"""
  const gd = document.querySelectorAll('.nbkeras-widget .js-plotly-plot')[index];
  const svg = gd.querySelector('svg.main-svg');
  const paper = over(parse(getComputedStyle(svg).backgroundColor), behind(gd));
  const ticks = Array.from(gd.querySelectorAll('.xtick text, .ytick text, .x2tick text, .y2tick text'))
    .filter(shown).map((t) => over(parse(getComputedStyle(t).fill), paper));
  return {
    panel: gd.dataset.panel || gd.parentElement.className, paper: hex(paper), paperLum: lum(paper),
    ticks: ticks.length, worst: ticks.length ? Math.min(...ticks.map((t) => ratio(t, paper))) : null,
    worstColor: ticks.length ? hex(ticks.sort((a, b) => ratio(a, paper) - ratio(b, paper))[0]) : null,
  };
}"""
)


def _dashboard_draws(run: NotebookRun) -> dict[str, int]:
    """Draws so far of each of the dashboard's panels (the redraw scheduler's own count)."""
    return run.page.evaluate(
        """() => Object.fromEntries(Object.entries(document.querySelector('.nbkeras-training-dashboard')
             .__nbkRedrawStats()).map(([k, v]) => [k, v.draws]))"""
    )


# Counts, from the page, what may redraw a dashboard panel during a theme switch: the theme
# notifications nbkeras's views get (lib/theme.js: one when the colors change, one more if they
# changed again a moment later) and the dashboard's width changing (Lab's theme may restyle
# scrollbars, and so the notebook's width).
_WATCH_REDRAW_CAUSES_JS = """() => {
  const root = document.querySelector('.nbkeras-training-dashboard');
  const seen = {themes: 0, widths: [], last: Math.floor(root.getBoundingClientRect().width)};
  globalThis[Symbol.for('nbkeras.theme')].listeners.add(() => { seen.themes += 1; });
  new ResizeObserver((entries) => {
    const w = Math.floor(entries[entries.length - 1].contentRect.width);
    if (w > 0 && w !== seen.last) { seen.widths.push(w); seen.last = w; }
  }).observe(root);
  window.__nbkRedrawCauses = seen;
}"""


def _switch_theme(run: NotebookRun, theme: str) -> None:
    """What Settings → Theme does: Lab's own command; then wait for the new colors to apply."""
    run.page.evaluate(
        "(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})",
        theme,
    )
    light = "true" if theme == LIGHT else "false"
    wait_until(
        run,
        lambda: run.page.evaluate("() => document.body.dataset.jpThemeLight") == light,
        f"the theme to become {theme}",
        timeout=20,
    )


def _check_plots(run: NotebookRun, dark: bool) -> list[dict[str, Any]]:
    """Each chart, scrolled into view (off-screen ones redraw when seen), in the theme's colors."""
    panels = run.page.locator(".nbkeras-training-dashboard .nbk-metric")
    for i in range(panels.count()):  # a chart off screen is drawn when first seen: show each
        panel = panels.nth(i)
        panel.scroll_into_view_if_needed()
        wait_until(
            run,
            lambda panel=panel: "js-plotly-plot" in (panel.get_attribute("class") or ""),
            f"the dashboard's chart {i}",
        )
    count = run.page.locator(".nbkeras-widget .js-plotly-plot").count()
    assert count >= 4, f"expected the explorer's two charts and the dashboard's metrics, found {count}"
    seen = []
    for i in range(count):
        run.page.locator(".nbkeras-widget .js-plotly-plot").nth(i).scroll_into_view_if_needed()

        def themed(i: int = i) -> bool:
            plot = run.page.evaluate(_PLOT_JS, i)
            return plot["paperLum"] < 0.05 if dark else plot["paperLum"] > 0.8

        wait_until(
            run,
            themed,
            f"chart {i} to redraw in the {'dark' if dark else 'light'} theme",
            timeout=10,
            describe=lambda i=i: str(run.page.evaluate(_PLOT_JS, i)),
        )
        plot = run.page.evaluate(_PLOT_JS, i)
        seen.append(plot)
        if plot["ticks"]:
            assert plot["worst"] >= GRAPHIC_CONTRAST, f"tick labels hard to read: {plot}"
    assert sum(p["ticks"] for p in seen) > 10, f"no tick labels found: {seen}"
    return seen


def _surface_colors(run: NotebookRun) -> dict[str, Any]:
    """The decision surface's heatmap as drawn: its type and colorscale (the run has ended)."""
    return run.page.evaluate(
        """() => { const gd = document.querySelector('.nbkeras-training-dashboard [data-panel=surface]');
                   const t = gd.data[0]; return {type: t.type, colorscale: t.colorscale}; }"""
    )


def _check_text(run: NotebookRun, dark: bool) -> None:
    found = run.page.evaluate(_TEXT_JS)
    texts = found["texts"]
    classes = " ".join(t["cls"] for t in texts)
    # What the page shows: the explorer's cards and table, the builder's layers with its error
    # badge and banner, the dashboard's badge and controls.
    for part in ("nbk-card-title", "nbk-layer-class", "nbk-layer-status", "nbk-error", "nbk-state", "nbk-button"):
        assert part in classes, f"no visible .{part} text to check"
    assert any(t["tag"] in ("td", "th") for t in texts), "no table cells to check"
    poor = [t for t in texts if t["ratio"] < TEXT_CONTRAST]
    assert not poor, f"{len(poor)} of {len(texts)} texts under {TEXT_CONTRAST}:1:\n" + "\n".join(map(str, poor[:15]))
    if dark:
        assert not found["lightBoxes"], f"light boxes on the dark page: {found['lightBoxes'][:10]}"


@pytest.mark.parametrize("ui", ["lab", "notebook7"])
def test_widgets_and_charts_follow_light_and_dark_themes(notebook_page, jupyter_server, tmp_path: Path, ui) -> None:
    path = write_notebook(tmp_path / "themes.ipynb", *CELLS)
    run = run_notebook(notebook_page, jupyter_server, path, ui=ui, timeout=240)
    page = run.page
    badge = page.locator(".nbkeras-training-dashboard .nbk-state")
    wait_until(
        run,
        lambda: badge.inner_text() == "finished",
        "the run to finish",
        timeout=120,
        describe=lambda: f"the badge reads {badge.inner_text()!r}; in the kernel: {run.execute('print(run.state)')}",
    )
    builder = page.locator(".nbkeras-model-builder")
    for what, selector in (("error banner", ".nbk-error"), ("layer error", ".nbk-layer-error")):
        shown = builder.locator(f"{selector}:visible")
        wait_until(
            run,
            lambda shown=shown: shown.count() > 0 and shown.first.inner_text().strip() != "",
            f"the builder's {what}",
            timeout=30,
            describe=lambda selector=selector: (
                f"{builder.count()} builder view(s) on the page; {selector} texts: "
                f"{builder.locator(selector).all_inner_texts()!r}; "
                f"in the kernel: {run.execute(KERNEL_BUILDER_STATE)}"
            ),
        )
    try:
        # Light first: the theme the test server starts in.
        assert page.evaluate("() => document.body.dataset.jpThemeLight") == "true"
        _check_plots(run, dark=False)
        _check_text(run, dark=False)

        draws_before = _dashboard_draws(run)
        page.evaluate(_WATCH_REDRAW_CAUSES_JS)
        _switch_theme(run, DARK)
        dark_plots = _check_plots(run, dark=True)
        _check_text(run, dark=True)
        # Every panel drawn before (all were shown, above) redrawn, at most once per cause: a theme
        # notification (at most two for one change, not one per attribute Lab sets) or a new width;
        # not once per check or frame. A panel never drawn yet (its figure came after, off screen)
        # is drawn when first seen, in the theme of then.
        drawn = {k: n - draws_before.get(k, 0) for k, n in _dashboard_draws(run).items()}
        causes = page.evaluate("() => window.__nbkRedrawCauses")
        assert 1 <= causes["themes"] <= 2, f"theme notifications for one theme change: {causes}"
        most = causes["themes"] + len(causes["widths"])
        redrawn = {k: n for k, n in drawn.items() if draws_before.get(k, 0) > 0}
        assert all(1 <= n <= most for n in redrawn.values()) and all(n <= most for n in drawn.values()), (
            f"draws per panel for one theme change: {drawn} (drawn before: {draws_before}); {causes}"
        )
        harness.save_artifacts(page, f"test_themes-{ui}-dark")
        # The charts' papers are the notebook's background, not a box on it; so is the decision
        # surface's boundary (its pale colors mixed toward the dark paper, not white).
        assert {p["paper"] for p in dark_plots} == {"#111111"}, dark_plots
        surface = _surface_colors(run)
        assert surface["type"] == "heatmap" and surface["colorscale"][1] == [0.5, "#111111"], surface

        _switch_theme(run, LIGHT)
        light_plots = _check_plots(run, dark=False)
        _check_text(run, dark=False)
        harness.save_artifacts(page, f"test_themes-{ui}-light")
        assert {p["paper"] for p in light_plots} == {"#ffffff"}, light_plots
        assert _surface_colors(run)["colorscale"][1] == [0.5, "#ffffff"]
        run.assert_clean()
    finally:
        # The theme is a user setting of the session's server: later tests start in light.
        if page.evaluate("() => document.body.dataset.jpThemeLight") != "true":
            _switch_theme(run, LIGHT)
