"""Issue #10, "The page stays responsive": the browser's main thread while models train.

    python bench/bench_browser.py --json bench-browser.json [--screenshots DIR]

(the whole default run: 7 training configurations plus the activation explorer; 6.7 minutes
on the 2-core development machine at load average 4-6). For development, shorter:

    python bench/bench_browser.py --only nbkeras.fit,livelossplot --epochs-scale 0.25 --long-steps 2000

What it measures. A real JupyterLab server (``tests/browser/harness.py``) and the system
Chromium driven by Playwright. For each configuration, one after the other in this one run
(same machine state), a fresh notebook with a fresh kernel:

1. a setup cell runs: imports, ``nbkeras.datasets.spirals(noise=0.05)`` (800 train / 200
   validation points), a Dense 64-64-2 softmax model (adam, sparse categorical
   cross-entropy, accuracy), and a 1-epoch warm-up ``fit`` on 2 batches with the same
   batch size and the full validation set, so TensorFlow's tracing is not measured;
2. the page gets a ``PerformanceObserver`` for ``longtask`` entries (main-thread blocks
   over 50 ms), one for ``long-animation-frame`` entries (which script entry points and
   how much style/layout made the long frames: the attribution), a wrapper around the
   ``Plotly.react`` of nbkeras's shared plotly.js (time per plot), and a 100 ms
   ``setInterval`` whose lateness it records;
3. the training cell runs. It stamps ``time.time()`` in the kernel when it starts and when
   training has really finished: after ``model.fit`` returns for a blocking cell; for
   ``nbkeras.fit`` (which returns at once and trains in a thread) a watcher thread waits on
   ``run.wait()`` for every run. The harness polls (page-side for a blocking cell, a tiny
   kernel request once a second for a background run) until the end stamp exists, then
   listens 2 s more;
4. the page's records are read back and cut to the window [start stamp, end stamp] (kernel
   and browser share the machine's clock: ``performance.timeOrigin + performance.now()``).

Reported per configuration: steps trained, wall time of that window, long-task time ÷ wall
time (% blocked; long tasks clipped to the window), the same for the window's last quarter
(does it get worse as the run grows?), the longest task, the number of long tasks, and the
p95 / max lateness of the 100 ms timer (how late a click or a keystroke would be handled).
The JSON has everything, including the attribution: top script entry points of the long
animation frames (``WebSocket.onmessage`` = kernel messages, ``FrameRequestCallback`` =
``requestAnimationFrame``, ...; blob: URLs named by their content: nbkeras bundle, plotly.js,
FigureWidget bundle), style/layout and render time, and ``Plotly.react`` time per plot.

Configurations (row names):

* ``nbkeras.fit``: ``run = nbkeras.fit(model, x, y, epochs=40, batch_size=32,
  validation_data=(x_val, y_val), verbose=0)``: 25 steps/epoch, 1,000 steps. Its inputs are
  2-D points, so the dashboard draws the live decision surface (on by default), as in every
  row of nbkeras here.
* ``nbkeras.fit, no decision surface``: the same with ``monitor=nbkeras.LiveMonitor(surface=False)``.
* ``LiveMonitor (blocking cell)``: ``model.fit(..., callbacks=[nbkeras.LiveMonitor()])``.
* ``two dashboards``: two models, two ``nbkeras.fit`` calls in one cell (2 x 1,000 steps).
* ``long run (nbkeras.fit)``: batch_size 8 (100 steps/epoch), 200 epochs: 20,000 steps
  (``--long-steps``).
* ``livelossplot``: ``PlotLossesKeras()`` (its default MatplotlibPlot + ExtremaPrinter:
  matplotlib's inline backend, one PNG per epoch via ``clear_output``; nothing fetched).
* ``naive FigureWidget``: a Keras callback assigning the growing list of batch losses to a
  displayed ``plotly.graph_objects.FigureWidget`` trace on every batch end.
* ``no callback``: plain ``model.fit``: what the bare page costs while the kernel trains.

Each page loads its chart library once (nbkeras: plotly.js from the kernel's PlotlyRuntime;
FigureWidget: its own bundle), in one long task of 0.5-2 s that no code of ours can split.
So the rows measure a page that has already shown one chart of that kind (the setup cell
shows a tiny one, outside the window), as every course notebook after its first chart;
the row ``nbkeras.fit, first chart of the page`` measures a cold page, load included
(``plotly_load_ms`` in the JSON).

Activation explorer (``--only explorer``): ``e = nbkeras.explore_activations("sigmoid",
"tanh", "relu", "leaky_relu")``; the leaky_relu ``negative_slope`` range slider is set to a
new value ~20 times (``input`` + ``change`` events, 0.6 s apart); per change the time from
the ``input`` event to (a) the ``plotly_afterplot`` of ``.nbk-curves`` whose ``data`` shows
f' = the new slope on x < 0 (falling back to a MutationObserver seeing that data), and (b)
the next animation frame after it. Median and p95 over the changes.

Scroll to a dashboard (``--only scroll``): an ``nbkeras.fit`` run (40 epochs) trains below the
fold (4,000 px of output above it), is scrolled to once a third of the way and left, and is
scrolled to after its run: the time and frames until every chart of it has drawn again.

Chromium shares the cores with TensorFlow, Jupyter and (here) other people's work: absolute
numbers are noisy; compare rows of one run. Options: ``--only`` (keys or row names,
comma-separated: fit, fit-nosurface, fit-cold, monitor, two, long, livelossplot, figurewidget, baseline,
explorer, scroll), ``--epochs-scale`` (scales the 40 epochs of the 1,000-step rows),
``--long-steps``, ``--explorer-changes``, ``--screenshots DIR`` (a full-page PNG and the
console log of each configuration at the end of its run), ``--json PATH``,
``--train-timeout``. Exits 1 if any configuration failed (the others still run).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shlex
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))

import harness  # noqa: E402 - tests/browser is put on sys.path just above
import nbformat  # noqa: E402

N_TRAIN = 800  # spirals(): 1000 samples, test_size 0.2
STEPS_1000_EPOCHS = 40  # 800 / 32 = 25 steps per epoch -> 1,000 steps
LONG_BATCH = 8  # 800 / 8 = 100 steps per epoch
SETTLE_S = 2.0  # listening after the end stamp (the page catching up, final pictures)

EXPLORER_ROOT = ".nbkeras-widget.nbkeras-activation-explorer"
EXPLORER_CURVES = f"{EXPLORER_ROOT} .nbk-curves"
EXPLORER_SLIDER = (
    f'{EXPLORER_ROOT} fieldset[data-activation="leaky_relu"] label[data-param="negative_slope"] input[type=range]'
)
EXPLORER_TRACE = "leaky_relu′"  # f' of leaky_relu: equals negative_slope for x < 0


# --------------------------------------------------------------------------------------
# Kernel code
# --------------------------------------------------------------------------------------

SETUP = '''\
import json, math, threading, time
import keras
import nbkeras
{extra_imports}
keras.utils.set_random_seed(0)
(x, y), (x_val, y_val) = nbkeras.datasets.spirals(noise=0.05)


def make_model(batch_size):
    model = keras.Sequential([
        keras.Input((2,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    # Warm-up outside the measurement: traces the train and evaluate functions (the
    # validation set's partial last batch included) for this batch size.
    model.fit(x[: 2 * batch_size], y[: 2 * batch_size], epochs=1, batch_size=batch_size,
              validation_data=(x_val, y_val), verbose=0)
    return model


def steps_per_epoch(batch_size):
    return math.ceil(len(x) / batch_size)


_bench = {{"n_train": len(x), "n_val": len(x_val), "versions": {{
    "keras": keras.__version__, "nbkeras": getattr(nbkeras, "__version__", "?")}}}}
_bench_runs = []


def _bench_watch(runs):
    """Stamp the end once every background run has really finished (run.wait())."""
    _bench_runs.extend(runs)

    def wait():
        for r in runs:
            try:
                r.wait()
            except BaseException as exc:  # reported by the benchmark
                _bench.setdefault("errors", []).append(repr(exc))
        _bench["end"] = time.time()
        _bench["steps"] = [int(r.monitor.recorder.step) for r in runs]

    threading.Thread(target=wait, name="bench-wait", daemon=True).start()


_ = (nbkeras.fit, nbkeras.LiveMonitor)  # resolve nbkeras's lazy imports here, not in the window
{models}
'''

FIT_ARGS = "x, y, epochs={epochs}, batch_size={batch}, validation_data=(x_val, y_val), verbose=0"


def _blocking(call: str, batch: int) -> str:
    return (
        '_bench["start"] = time.time()\n'
        f"hist = {call}\n"
        '_bench["end"] = time.time()\n'
        f'_bench["steps"] = [len(hist.history["loss"]) * steps_per_epoch({batch})]\n'
    )


def cell_fit(epochs: int) -> str:
    return (
        '_bench["start"] = time.time()\n'
        f"run = nbkeras.fit(model, {FIT_ARGS.format(epochs=epochs, batch=32)})\n"
        "_bench_watch([run])\n"
    )


def cell_fit_no_surface(epochs: int) -> str:
    return (
        '_bench["start"] = time.time()\n'
        f"run = nbkeras.fit(model, {FIT_ARGS.format(epochs=epochs, batch=32)}, "
        "monitor=nbkeras.LiveMonitor(surface=False))\n"
        "_bench_watch([run])\n"
    )


def cell_two(epochs: int) -> str:
    args = FIT_ARGS.format(epochs=epochs, batch=32)
    return (
        '_bench["start"] = time.time()\n'
        f"run = nbkeras.fit(model, {args})\n"
        f"run2 = nbkeras.fit(model2, {args})\n"
        "_bench_watch([run, run2])\n"
    )


def cell_long(epochs: int) -> str:
    return (
        '_bench["start"] = time.time()\n'
        f"run = nbkeras.fit(model, {FIT_ARGS.format(epochs=epochs, batch=LONG_BATCH)})\n"
        "_bench_watch([run])\n"
    )


def cell_monitor(epochs: int) -> str:
    args = FIT_ARGS.format(epochs=epochs, batch=32).replace("verbose=0", "callbacks=[nbkeras.LiveMonitor()], verbose=0")
    return _blocking(f"model.fit({args})", 32)


def cell_livelossplot(epochs: int) -> str:
    args = FIT_ARGS.format(epochs=epochs, batch=32).replace("verbose=0", "callbacks=[PlotLossesKeras()], verbose=0")
    return _blocking(f"model.fit({args})", 32)


def cell_figurewidget(epochs: int) -> str:
    args = FIT_ARGS.format(epochs=epochs, batch=32).replace("verbose=0", "callbacks=[NaiveLoss()], verbose=0")
    return (
        '_bench["start"] = time.time()\n'
        'fig = go.FigureWidget(data=[go.Scatter(y=[], mode="lines", name="batch loss")],\n'
        '                      layout=dict(height=350, title="loss per batch (naive FigureWidget)"))\n'
        "display(fig)\n\n\n"
        "class NaiveLoss(keras.callbacks.Callback):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.losses = []\n\n"
        "    def on_train_batch_end(self, batch, logs=None):\n"
        '        self.losses.append(float(logs["loss"]))\n'
        "        fig.data[0].y = list(self.losses)  # the whole trace crosses the wire on every batch\n\n\n"
        f"hist = model.fit({args})\n"
        '_bench["end"] = time.time()\n'
        '_bench["steps"] = [len(hist.history["loss"]) * steps_per_epoch(32)]\n'
    )


def cell_baseline(epochs: int) -> str:
    return _blocking(f"model.fit({FIT_ARGS.format(epochs=epochs, batch=32)})", 32)


EXPLORER_CELL = 'import nbkeras\ne = nbkeras.explore_activations("sigmoid", "tanh", "relu", "leaky_relu")\n'

# Scroll to a dashboard (``--only scroll``): room above it, so that it trains below the fold.
SCROLL_SPACER_CELL = (
    "from IPython.display import HTML\n"
    "HTML('<div style=\"height: 4000px\">room above the dashboard: it trains below the fold</div>')\n"
)


def cell_fit_and_wait(epochs: int) -> str:
    return f"run = nbkeras.fit(model, {FIT_ARGS.format(epochs=epochs, batch=32)})\nrun.wait()\n"


@dataclass(frozen=True)
class Config:
    key: str
    name: str
    cell: Callable[[int], str]  # epochs -> training cell
    batch: int = 32
    models: int = 1
    extra_imports: str = ""
    ms_per_step: float = 40.0  # generous budget for the training timeout
    # Shown by the setup cell, before the measured window: the chart library is loaded
    # (once per page) as in any session that already showed a chart. "" = a cold page.
    warm: str = ""
    # Open JupyterLab's nbkeras runs sidebar (right area) before the window: it redraws its row
    # on every summary the kernel sends while the run trains.
    runs_panel: bool = False

    def epochs(self, args: argparse.Namespace) -> int:
        if self.key == "long":
            return max(1, math.ceil(args.long_steps / (N_TRAIN // LONG_BATCH)))
        return max(1, round(STEPS_1000_EPOCHS * args.epochs_scale))

    def planned_steps(self, args: argparse.Namespace) -> int:
        return self.epochs(args) * math.ceil(N_TRAIN / self.batch) * self.models

    def setup_code(self) -> str:
        models = f"model = make_model({self.batch})"
        if self.models == 2:
            models += f"\nmodel2 = make_model({self.batch})"
        return SETUP.format(extra_imports=self.extra_imports, models=models) + self.warm


WARM_NBKERAS = (
    '\nnbkeras.show_figure({"data": [{"type": "scatter", "x": [0, 1], "y": [0, 1]}], "layout": {"height": 120}})\n'
)
WARM_FIGUREWIDGET = "\ndisplay(go.FigureWidget(data=[go.Scatter(y=[0, 1])], layout=dict(height=120)))\n"

CONFIGS: tuple[Config, ...] = (
    Config("fit", "nbkeras.fit", cell_fit, warm=WARM_NBKERAS),
    Config("fit-nosurface", "nbkeras.fit, no decision surface", cell_fit_no_surface, warm=WARM_NBKERAS),
    Config("fit-sidebar", "nbkeras.fit, runs sidebar open", cell_fit, warm=WARM_NBKERAS, runs_panel=True),
    Config("fit-cold", "nbkeras.fit, first chart of the page (plotly.js loads)", cell_fit),
    Config("monitor", "LiveMonitor (blocking cell)", cell_monitor, warm=WARM_NBKERAS),
    Config("two", "two dashboards (2 x nbkeras.fit)", cell_two, models=2, warm=WARM_NBKERAS),
    Config("long", "long run (nbkeras.fit, batch 8)", cell_long, batch=LONG_BATCH, warm=WARM_NBKERAS),
    Config("livelossplot", "livelossplot", cell_livelossplot, extra_imports="from livelossplot import PlotLossesKeras"),
    Config(
        "figurewidget",
        "naive FigureWidget",
        cell_figurewidget,
        ms_per_step=80.0,
        warm=WARM_FIGUREWIDGET,
        extra_imports="import plotly.graph_objects as go\nfrom IPython.display import display",
    ),
    Config("baseline", "no callback", cell_baseline),
)
EXPLORER_KEY, EXPLORER_NAME = "explorer", "activation explorer"
SCROLL_KEY, SCROLL_NAME = "scroll", "scroll to a dashboard"


# --------------------------------------------------------------------------------------
# Page instrumentation
# --------------------------------------------------------------------------------------

# Installed before the page loads (add_init_script). (1) nbkeras loads plotly.js into
# globalThis[Symbol.for("nbkeras.plotly")] ??= new Map(): a Map set here first is used, and
# its set() wraps the load so that Plotly.react and Plotly.relayout are timed per call
# (which plot, how long).
# (2) URL.createObjectURL is watched to name blob: script URLs (anywidget bundles, plotly.js)
# in the long-animation-frame attribution.
INIT_JS = r"""
(() => {
  const B = window.__bench = {plotlyLoads: [], react: [], blobs: {}};
  const KEY = Symbol.for('nbkeras.plotly');
  if (!globalThis[KEY]) {
    const cache = new Map();
    const set = cache.set.bind(cache);
    cache.set = (version, promise) => {
      const start = performance.now();
      const wrapped = Promise.resolve(promise).then((P) => {
        B.plotlyLoads.push({version, start, end: performance.now()});
        if (!P || typeof P.react !== 'function') return P;
        // plotly.js 4 exports an esbuild namespace (getter-only properties): P.react cannot
        // be reassigned, so nbkeras gets an object that inherits everything from P and has
        // its own, timed react.
        // Plotly.relayout is timed too (the live decision surface redraws by relayout),
        // listed as "<plot> relayout".
        const timed = Object.create(P);
        for (const name of ['react', 'relayout']) {
          const fn = P[name];
          Object.defineProperty(timed, name, {value: function (gd, ...rest) {
            const s = performance.now();
            try { return fn.call(P, gd, ...rest); }
            finally {
              const cls = gd && gd.classList ? Array.from(gd.classList).filter((c) => c.startsWith('nbk-') && c !== 'nbk-plot') : [];
              B.react.push([s, performance.now() - s, (cls.join('.') || 'plot') + (name === 'react' ? '' : ' relayout')]);
            }
          }});
        }
        return timed;
      });
      return set(version, wrapped);
    };
    globalThis[KEY] = cache;
  }
  const create = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (obj) => {
    const url = create(obj);
    try {
      if (obj instanceof Blob) {
        const entry = B.blobs[url] = {size: obj.size, type: obj.type, label: null};
        if (/javascript/.test(obj.type)) {
          obj.slice(0, 65536).text().then((head) => {
            const m = head.match(/nbkeras-(training-dashboard|activation-explorer|model-builder|figure-view|plotly-runtime)/);
            if (/^\s*\/\*\*?\s*\n?\s*\*?\s*plotly\.js v/.test(head)) entry.label = 'plotly.js (nbkeras runtime)';
            else if (m) entry.label = 'nbkeras ' + m[1];
            else if (head.includes('src/lib/dom.js')) entry.label = 'nbkeras bundle';
            else if (obj.size > 1e6 && /plotly/i.test(head)) entry.label = 'plotly FigureWidget bundle';
            else entry.label = `blob js ${Math.round(obj.size / 1024)} KB`;
          }).catch(() => {});
        }
      }
    } catch (e) { /* never break the page */ }
    return url;
  };
})();
"""

START_JS = r"""
() => {
  const M = window.__benchM = {t0: performance.now(), timeOrigin: performance.timeOrigin,
                               longtasks: [], loaf: [], ticks: [], errors: []};
  M.ltObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      M.longtasks.push([e.startTime, e.duration,
        (e.attribution || []).map((a) => `${a.containerType}:${a.containerName || a.containerSrc || a.name}`).join(',')]);
    }
  });
  M.ltObserver.observe({type: 'longtask'});
  try {
    M.loafObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        M.loaf.push({s: e.startTime, d: e.duration, blocking: e.blockingDuration,
          render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
          layout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
          scripts: (e.scripts || []).map((s) => [s.invokerType, s.invoker, s.sourceURL, s.sourceFunctionName, s.duration,
                                                  s.forcedStyleAndLayoutDuration || 0])});
      }
    });
    M.loafObserver.observe({type: 'long-animation-frame'});
  } catch (e) { M.errors.push('long-animation-frame: ' + e); }
  let last = performance.now();
  M.timer = setInterval(() => { const now = performance.now(); M.ticks.push([now, now - last - 100]); last = now; }, 100);
  return M.t0;
}
"""

STOP_JS = r"""
() => {
  const M = window.__benchM;
  if (!M) return null;
  clearInterval(M.timer);
  for (const e of M.ltObserver.takeRecords()) M.longtasks.push([e.startTime, e.duration, '']);
  M.ltObserver.disconnect();
  if (M.loafObserver) M.loafObserver.disconnect();
  const B = window.__bench || {plotlyLoads: [], react: [], blobs: {}};
  const blobs = {};
  for (const [url, b] of Object.entries(B.blobs)) blobs[url] = b.label || `blob ${b.type} ${Math.round(b.size / 1024)} KB`;
  // What the user could see at the end, and the dashboards' own redraw counters if they keep any.
  const widgets = Array.from(document.querySelectorAll('.nbkeras-widget, .js-plotly-plot, .jp-RenderedImage')).map((el) => {
    const r = el.getBoundingClientRect();
    let stats = null;
    try { if (typeof el.__nbkRedrawStats === 'function') stats = el.__nbkRedrawStats(); } catch (e) { stats = String(e); }
    return {cls: String(el.className).split(/\s+/).filter((c) => /^(nbk|js-plotly-plot$|jp-RenderedImage$)/.test(c)).join('.'),
            top: Math.round(r.top), height: Math.round(r.height),
            inView: r.bottom > 0 && r.top < window.innerHeight, redrawStats: stats};
  });
  return {t0: M.t0, timeOrigin: M.timeOrigin, now: performance.now(), longtasks: M.longtasks, loaf: M.loaf,
          ticks: M.ticks, errors: M.errors, plotlyLoads: B.plotlyLoads, react: B.react, blobs, widgets,
          viewport: [window.innerWidth, window.innerHeight]};
}
"""

_FIND_PANEL = r"""
  const app = window.jupyterapp;
  if (!app) return {phase: 'app'};
  let panels = [];
  try { panels = Array.from(app.shell.widgets('main')); } catch (e) {}
  if (app.shell.currentWidget) panels.push(app.shell.currentWidget);
  const panel = panels.find((w) => w && w.context && w.context.path === path && w.content && w.sessionContext);
  if (!panel) return {phase: 'panel'};
"""

# Light-weight: read while training runs, so it must not serialise big outputs (PNG).
CELL_STATE_JS = (
    r"""
({path, index}) => {
"""
    + _FIND_PANEL
    + r"""
  const kernel = panel.sessionContext.session ? panel.sessionContext.session.kernel : null;
  const cell = panel.content.widgets[index];
  if (!cell) return {phase: 'cell'};
  const model = cell.model;
  const prompt = cell.node.querySelector('.jp-InputPrompt');
  const running = model.executionState === 'running' || Boolean(prompt && prompt.textContent.includes('*'));
  const errors = [];
  for (let i = 0; i < model.outputs.length; i++) {
    const o = model.outputs.get(i);
    if (o.type === 'error') {
      const j = o.toJSON();
      errors.push(`${j.ename}: ${j.evalue}\n` + (j.traceback || []).join('\n'));
    }
  }
  return {phase: 'notebook', connection: kernel ? kernel.connectionStatus : 'no kernel',
          status: kernel ? kernel.status : 'no kernel', count: model.executionCount ?? null, running, errors,
          runError: window.__benchRunError || null,
          dialog: (document.querySelector('.jp-Dialog') || {}).innerText || null};
}
"""
)

RUN_CELL_JS = (
    r"""
({path, index}) => {
"""
    + _FIND_PANEL
    + r"""
  app.shell.activateById(panel.id);
  panel.content.activeCellIndex = index;
  panel.content.deselectAll();
  window.__benchRunError = null;
  app.commands.execute('notebook:run-cell').catch((e) => { window.__benchRunError = String(e); });
  return {phase: 'started', active: panel.content.activeCellIndex};
}
"""
)

# Scrolls cell `index` to the top of the notebook view, as a user watching its output would.
# (The setup cell is taller than the window: without this the training output would sit
# below the fold, and views that only redraw what is on screen would draw nothing.)
SCROLL_TO_CELL_JS = (
    r"""
({path, index}) => {
"""
    + _FIND_PANEL
    + r"""
  const cell = panel.content.widgets[index];
  if (!cell) return {phase: 'cell'};
  cell.node.scrollIntoView({block: 'start'});
  const r = cell.node.getBoundingClientRect();
  return {phase: 'scrolled', top: Math.round(r.top)};
}
"""
)

# The dashboard scrolled into view: time and frames until every chart panel of it has drawn
# again (its redraw stats; the status line is not a chart).
SCROLL_AND_TIME_JS = r"""
async (root) => {
  const el = document.querySelector(root);
  // The charts on screen after the scroll (a dashboard can be taller than the window).
  const onScreen = (k) => {
    const node = el.querySelector(`[data-panel="${k}"]`);
    const r = node ? node.getBoundingClientRect() : null;
    return Boolean(r && r.height > 0 && r.bottom > 0 && r.top < innerHeight);
  };
  const charts = (stats) => Object.keys(stats).filter((k) => Number.isNaN(Number(k)) && onScreen(k));
  const before = el.__nbkRedrawStats();
  const t0 = performance.now();
  el.scrollIntoView({block: 'start'});
  for (let frames = 1; ; frames++) {
    await new Promise((done) => requestAnimationFrame(done));
    const now = el.__nbkRedrawStats();
    const stale = charts(now).filter((k) => !before[k] || now[k].draws <= before[k].draws);
    const ms = performance.now() - t0;
    if (!stale.length) return {t0, ms, frames, panels: charts(now).length};
    if (ms > 20000) return {t0, ms: null, frames, panels: charts(now).length, stale};
  }
}
"""

DASHBOARD_ROOT = ".nbkeras-widget.nbkeras-training-dashboard"


def page_step(page: Any) -> int:
    """The step the dashboard's status line shows (its kernel is busy: the cell waits for the run)."""
    text = page.evaluate(f"() => (document.querySelector('{DASHBOARD_ROOT} .nbk-status') || {{}}).textContent || ''")
    found = re.search(r"step ([\d,]+)", text)
    return int(found.group(1).replace(",", "")) if found else 0


# One slider change in the explorer, timed in the page (see the module docstring).
EXPLORER_CHANGE_JS = r"""
async ({slider, curves, trace, value, timeoutMs}) => {
  const input = document.querySelector(slider);
  if (!input) throw new Error(`slider not found: ${slider}`);
  const root = input.closest('.nbkeras-activation-explorer');
  input.focus();
  input.value = String(value);
  const expected = Number(input.value);  // what the browser made of it (step, min, max)
  const shows = () => {
    const el = document.querySelector(curves);
    if (!el || !Array.isArray(el.data)) return false;
    const t = el.data.find((d) => d.name === trace);
    return Boolean(t && t.y && t.y.length && Math.abs(Number(t.y[0]) - expected) < 1e-6);
  };
  if (shows()) throw new Error(`the plot already shows ${expected}`);
  const el0 = document.querySelector(curves);
  const r = {value: expected, asked: value, step: input.step, min: input.min, max: input.max};
  let t0 = 0;
  return await new Promise((resolve, reject) => {
    let mo = null;
    const onAfter = () => { if (r.afterplot === undefined && shows()) r.afterplot = performance.now() - t0; };
    const cleanup = () => {
      clearTimeout(timer);
      if (mo) mo.disconnect();
      try { if (el0 && el0.removeListener) el0.removeListener('plotly_afterplot', onAfter); } catch (e) {}
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no redraw showing negative_slope=${expected} within ${timeoutMs} ms`));
    }, timeoutMs);
    try { if (el0 && el0.on) el0.on('plotly_afterplot', onAfter); } catch (e) {}
    mo = new MutationObserver(() => {
      if (r.observed !== undefined || !shows()) return;
      r.observed = performance.now() - t0;
      requestAnimationFrame(() => {
        r.frame = performance.now() - t0;
        r.recreated = !(root && root.isConnected);
        r.drawn = r.afterplot !== undefined ? r.afterplot : r.observed;
        cleanup();
        resolve(r);
      });
    });
    mo.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
    t0 = performance.now();
    input.dispatchEvent(new Event('input', {bubbles: true}));
    input.dispatchEvent(new Event('change', {bubbles: true}));
  });
}
"""

EXPLORER_READY_JS = r"""
({curves, trace}) => {
  const el = document.querySelector(curves);
  if (!el || !Array.isArray(el.data)) return false;
  const t = el.data.find((d) => d.name === trace);
  return Boolean(t && t.y && t.y.length);
}
"""


# --------------------------------------------------------------------------------------
# Driving JupyterLab
# --------------------------------------------------------------------------------------


class BenchError(RuntimeError):
    """A configuration could not be measured; the message says where and why."""


def write_notebook(server: harness.JupyterServer, name: str, cells: list[str]) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, server.root_dir / name)
    return name


def _state(page: Any, path: str, index: int) -> dict[str, Any]:
    return page.evaluate(CELL_STATE_JS, {"path": path, "index": index})


def wait_kernel_idle(page: Any, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    state: dict[str, Any] = {}
    while True:
        state = _state(page, path, 0)
        if state.get("phase") == "notebook" and state["connection"] == "connected" and state["status"] == "idle":
            return
        if time.monotonic() > deadline:
            raise BenchError(
                f"{path}: the kernel was not connected and idle within {timeout:.0f}s; last state {json.dumps(state)}"
            )
        page.wait_for_timeout(250)


def run_cell(page: Any, path: str, index: int) -> None:
    started = page.evaluate(RUN_CELL_JS, {"path": path, "index": index})
    if started.get("phase") != "started" or started.get("active") != index:
        raise BenchError(f"{path}: could not run cell {index}: {json.dumps(started)}")


def wait_cell_done(page: Any, path: str, index: int, timeout: float, what: str, poll_s: float = 0.25) -> None:
    """Wait until cell `index` has an execution count, is not running and the kernel is idle."""
    deadline = time.monotonic() + timeout
    # JupyterLab clears the count when the cell is queued; wait for that first (briefly).
    seen_running = False
    while True:
        state = _state(page, path, index)
        if state.get("runError"):
            raise BenchError(f"{path}: notebook:run-cell failed for {what}: {state['runError']}")
        if state.get("errors"):
            raise BenchError(f"{path}: {what} raised\n" + harness._strip_ansi("\n".join(state["errors"])))
        if state.get("phase") == "notebook":
            seen_running = seen_running or state["running"] or state["count"] is None
            if seen_running and not state["running"] and state["count"] is not None and state["status"] == "idle":
                return
        if time.monotonic() > deadline:
            raise BenchError(f"{path}: {what} did not finish within {timeout:.0f}s; last state {json.dumps(state)}")
        page.wait_for_timeout(poll_s * 1000)


def kernel_json(nbrun: harness.NotebookRun, expression: str, timeout: float = 60.0) -> Any:
    return json.loads(nbrun.execute(f"import json as _j; print(_j.dumps({expression}))", timeout=timeout))


def open_notebook(
    context: Any, server: harness.JupyterServer, name: str, timeout: float
) -> tuple[Any, harness.NotebookRun]:
    page = context.new_page()
    log = harness.page_log(page)
    log.ui = "lab"
    page.goto(server.url(f"lab/tree/{name}", reset=True), timeout=timeout * 1000)
    wait_kernel_idle(page, name, timeout)
    return page, harness.NotebookRun(page=page, ui="lab", path=name, log=log, timings={}, state={})


def widget_errors(page: Any) -> list[str]:
    return page.evaluate(
        """(text) => Array.from(document.querySelectorAll('.jp-OutputArea-output'))
             .map((el) => el.textContent || '').filter((t) => t.includes(text)).map((t) => t.slice(0, 300))""",
        harness.WIDGET_ERROR_TEXT,
    )


# --------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100.0
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def blocked_in(longtasks: list[list[Any]], ws: float, we: float) -> tuple[float, list[float]]:
    """Long-task ms clipped to [ws, we], and the (unclipped) durations of those overlapping it."""
    total, durations = 0.0, []
    for start, duration, *_ in longtasks:
        if start < we and start + duration > ws:
            total += min(start + duration, we) - max(start, ws)
            durations.append(duration)
    return total, durations


def _source_label(url: str, blobs: dict[str, str]) -> str:
    if not url:
        return "(no source)"
    if url.startswith("blob:"):
        return blobs.get(url, "blob (unnamed)")
    tail = url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    return tail or url


def attribution(data: dict[str, Any], ws: float, we: float, top: int = 6) -> dict[str, Any]:
    """Where the long animation frames in [ws, we] went, and Plotly.react/relayout time per plot."""
    frames = [f for f in data["loaf"] if f["s"] < we and f["s"] + f["d"] > ws]
    scripts: dict[str, dict[str, float]] = {}
    for frame in frames:
        for inv_type, invoker, url, fn, duration, forced in frame["scripts"]:
            where = _source_label(url, data["blobs"])
            if invoker and "://" in invoker:  # a script's own evaluation: the invoker is its URL
                key = f"{inv_type} {where}"
            else:
                key = f"{invoker or inv_type} @ {where}" + (f" ({fn})" if fn and fn != invoker else "")
            entry = scripts.setdefault(key, {"ms": 0.0, "count": 0, "max_ms": 0.0, "forced_layout_ms": 0.0})
            entry["ms"] += duration
            entry["count"] += 1
            entry["max_ms"] = max(entry["max_ms"], duration)
            entry["forced_layout_ms"] += forced
    ranked = sorted(scripts.items(), key=lambda kv: -kv[1]["ms"])[:top]
    react: dict[str, dict[str, float]] = {}
    for start, duration, plot in data["react"]:
        if ws <= start <= we:
            entry = react.setdefault(plot, {"calls": 0, "ms": 0.0, "max_ms": 0.0})
            entry["calls"] += 1
            entry["ms"] += duration
            entry["max_ms"] = max(entry["max_ms"], duration)
    rnd = lambda d: {k: (round(v, 1) if isinstance(v, float) else v) for k, v in d.items()}  # noqa: E731
    return {
        "long_frames": len(frames),
        "long_frames_ms": round(sum(f["d"] for f in frames), 1),
        "blocking_ms": round(sum(f["blocking"] for f in frames), 1),
        "style_layout_ms": round(sum(f["layout"] for f in frames), 1),
        "render_ms": round(sum(f["render"] for f in frames), 1),
        "scripts": [{"entry": k, **rnd(v)} for k, v in ranked],
        "plotly_react": {k: rnd(v) for k, v in sorted(react.items(), key=lambda kv: -kv[1]["ms"])},
    }


def summarize(data: dict[str, Any], start_s: float, end_s: float) -> dict[str, Any]:
    """Everything about the window [start_s, end_s] (kernel time.time() stamps)."""
    origin = data["timeOrigin"]
    ws, we = start_s * 1000 - origin, end_s * 1000 - origin
    if ws < data["t0"] - 50:
        raise BenchError(f"the training started {data['t0'] - ws:.0f} ms before the page instrumentation")
    wall = we - ws
    blocked, durations = blocked_in(data["longtasks"], ws, we)
    last_q, _ = blocked_in(data["longtasks"], ws + 0.75 * wall, we)
    tail, tail_durations = blocked_in(data["longtasks"], we, we + SETTLE_S * 1000)
    lateness = [max(0.0, late) for t, late in data["ticks"] if ws < t <= we + 100]
    loads = [load for load in data["plotlyLoads"] if ws - 1 <= load["start"] <= we]
    return {
        "wall_s": round(wall / 1000, 2),
        "blocked_pct": round(100 * blocked / wall, 1) if wall > 0 else None,
        "blocked_last_quarter_pct": round(100 * last_q / (0.25 * wall), 1) if wall > 0 else None,
        "blocked_ms": round(blocked, 1),
        "longest_task_ms": round(max(durations), 1) if durations else 0.0,
        "long_tasks": len(durations),
        "timer_late_p95_ms": round(percentile(lateness, 95) or 0.0, 1),
        "timer_late_max_ms": round(max(lateness), 1) if lateness else 0.0,
        "timer_ticks": len(lateness),
        "after_end": {"seconds": SETTLE_S, "blocked_ms": round(tail, 1), "long_tasks": len(tail_durations)},
        "plotly_load_ms": [round(load["end"] - load["start"], 1) for load in loads],
        "plotly_react_calls_whole_page": len(data["react"]),
        "attribution": attribution(data, ws, we),
        "observer_errors": data["errors"],
    }


# --------------------------------------------------------------------------------------
# One configuration
# --------------------------------------------------------------------------------------


def new_context(browser: Any, args: argparse.Namespace) -> Any:
    width, height = (int(v) for v in args.viewport.lower().split("x"))
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(60_000)
    context.add_init_script(INIT_JS)
    return context


def finish(
    context: Any, page: Any, server: harness.JupyterServer, key: str, args: argparse.Namespace, result: dict[str, Any]
) -> None:
    """Screenshot (if asked), problems the page logged, then close the page and the kernels."""
    try:
        if page is not None:
            log = harness.page_log(page)
            problems = [entry.render() for entry in log.problems("lab")]
            if problems:
                result["page_problems"] = problems[:20]
            if args.screenshots:
                header = f"{key}: {json.dumps({k: v for k, v in result.items() if k != 'attribution'}, default=str)}"
                harness.save_artifacts(
                    page, harness.artifact_stem(f"bench-{key}"), header=header, directory=Path(args.screenshots)
                )
    except Exception as exc:  # noqa: BLE001 - never mask the measurement
        result.setdefault("notes", []).append(f"artifacts failed: {exc}")
    finally:
        try:
            context.close()
        except Exception:  # noqa: BLE001 - already gone
            pass
        server.shutdown_kernels()


def measure_training(
    browser: Any, server: harness.JupyterServer, cfg: Config, args: argparse.Namespace
) -> dict[str, Any]:
    epochs = cfg.epochs(args)
    planned = cfg.planned_steps(args)
    result: dict[str, Any] = {
        "key": cfg.key,
        "name": cfg.name,
        "epochs": epochs,
        "batch_size": cfg.batch,
        "planned_steps": planned,
        "models": cfg.models,
    }
    train_timeout = args.train_timeout or (120 + planned * cfg.ms_per_step / 1000)
    context = new_context(browser, args)
    page = None
    t_begin = time.monotonic()
    try:
        name = write_notebook(server, f"bench-{cfg.key}.ipynb", [cfg.setup_code(), cfg.cell(epochs)])
        page, nbrun = open_notebook(context, server, name, timeout=180)
        run_cell(page, name, 0)
        wait_cell_done(page, name, 0, timeout=300, what="the setup cell (imports, data, model, warm-up fit)")
        if cfg.warm:  # the warm-up chart drawn: its library is loaded before the window opens
            page.wait_for_function("() => document.querySelector('.js-plotly-plot')", timeout=120_000)
            page.wait_for_timeout(1000)
        if cfg.runs_panel:
            page.evaluate("() => window.jupyterapp.commands.execute('nbkeras:show-runs')")
            page.wait_for_selector("#nbkeras-runs .nbkeras-runs-list", state="visible", timeout=30_000)
        page.evaluate(START_JS)
        page.wait_for_timeout(300)  # observers and timer running before the cell starts
        page.evaluate(SCROLL_TO_CELL_JS, {"path": name, "index": 1})
        run_cell(page, name, 1)
        deadline = time.monotonic() + train_timeout
        bench: dict[str, Any] = {}
        scrolls = 0
        while True:
            if scrolls < 3:  # again once outputs exist (the output area grows below the cell top)
                page.evaluate(SCROLL_TO_CELL_JS, {"path": name, "index": 1})
                scrolls += 1
            state = _state(page, name, 1)
            if state.get("runError"):
                raise BenchError(f"notebook:run-cell failed for the training cell: {state['runError']}")
            if state.get("errors"):
                raise BenchError("the training cell raised\n" + harness._strip_ansi("\n".join(state["errors"]))[-3000:])
            if not state.get("running") and state.get("count") is not None and state.get("status") == "idle":
                bench = kernel_json(nbrun, "_bench")
                if "end" in bench:
                    break
            if time.monotonic() > deadline:
                raise BenchError(
                    f"training did not finish within {train_timeout:.0f}s (planned {planned} steps; "
                    f"--train-timeout raises it); last cell state {json.dumps(state)[:500]}; "
                    f"kernel's _bench: {json.dumps(bench)[:300] if bench else 'not read (cell still running)'}"
                )
            page.wait_for_timeout(1000 if state.get("count") is not None else 500)
        page.wait_for_timeout(SETTLE_S * 1000)
        data = page.evaluate(STOP_JS)
        if data is None:
            raise BenchError("the page instrumentation is gone (the page reloaded?)")
        result.update(summarize(data, bench["start"], bench["end"]))
        result["widgets_at_end"] = data["widgets"]
        result["viewport"] = data["viewport"]
        dashboards = [w for w in data["widgets"] if "nbkeras-training-dashboard" in w["cls"]]
        hidden = [w for w in dashboards if not w["inView"]]
        if hidden:
            result.setdefault("notes", []).append(
                f"{len(hidden)} of {len(dashboards)} dashboards below the fold at the end "
                f"(viewport {data['viewport'][0]}x{data['viewport'][1]}, the training cell scrolled to the top)"
            )
        result["steps"] = sum(bench.get("steps") or [0])
        result["steps_per_run"] = bench.get("steps")
        result["versions"] = bench.get("versions")
        if bench.get("errors"):
            raise BenchError("training raised in the background: " + "; ".join(bench["errors"]))
        if result["steps"] != planned:
            result.setdefault("notes", []).append(f"trained {result['steps']} steps, planned {planned}")
        errors = widget_errors(page)
        if errors:
            result.setdefault("notes", []).append("widget errors: " + " | ".join(errors))
    except Exception as exc:  # noqa: BLE001 - one failing configuration must not stop the others
        result["error"] = f"{type(exc).__name__}: {exc}"
        result["traceback"] = traceback.format_exc()
    finally:
        finish(context, page, server, cfg.key, args, result)
        result["total_s"] = round(time.monotonic() - t_begin, 1)
    return result


def measure_explorer(browser: Any, server: harness.JupyterServer, args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {
        "key": EXPLORER_KEY,
        "name": EXPLORER_NAME,
        "changes": args.explorer_changes,
        "control": "leaky_relu negative_slope range slider (input + change events)",
    }
    context = new_context(browser, args)
    page = None
    t_begin = time.monotonic()
    try:
        name = write_notebook(server, "bench-explorer.ipynb", [EXPLORER_CELL])
        page, _ = open_notebook(context, server, name, timeout=180)
        run_cell(page, name, 0)
        wait_cell_done(page, name, 0, timeout=300, what="the explore_activations cell")
        deadline = time.monotonic() + 60
        while not page.evaluate(EXPLORER_READY_JS, {"curves": EXPLORER_CURVES, "trace": EXPLORER_TRACE}):
            if time.monotonic() > deadline:
                raise BenchError(f"{EXPLORER_CURVES} never plotted a {EXPLORER_TRACE!r} trace within 60 s")
            page.wait_for_timeout(200)
        page.wait_for_timeout(2500)  # first depth panel, first picture
        page.evaluate(START_JS)
        t_start = page.evaluate("performance.now()")
        samples = []
        for i in range(args.explorer_changes):
            value = round(0.31 + 0.01 * i + (0.3 if i % 2 else 0.0), 2)  # alternate halves; all differ from 0.2
            sample = page.evaluate(
                EXPLORER_CHANGE_JS,
                {
                    "slider": EXPLORER_SLIDER,
                    "curves": EXPLORER_CURVES,
                    "trace": EXPLORER_TRACE,
                    "value": value,
                    "timeoutMs": 15000,
                },
            )
            samples.append(sample)
            page.wait_for_timeout(args.explorer_pause * 1000)
        t_end = page.evaluate("performance.now()")
        data = page.evaluate(STOP_JS)
        drawn = [s["drawn"] for s in samples]
        frames = [s["frame"] for s in samples]
        result.update(
            {
                "drawn_median_ms": round(percentile(drawn, 50), 1),
                "drawn_p95_ms": round(percentile(drawn, 95), 1),
                "drawn_max_ms": round(max(drawn), 1),
                "frame_median_ms": round(percentile(frames, 50), 1),
                "frame_p95_ms": round(percentile(frames, 95), 1),
                "afterplot_seen": sum(1 for s in samples if "afterplot" in s),
                "views_recreated_during_a_change": sum(1 for s in samples if s.get("recreated")),
                "samples": [
                    {k: (round(v, 1) if k in ("observed", "afterplot", "frame", "drawn") else v) for k, v in s.items()}
                    for s in samples
                ],
            }
        )
        origin = data["timeOrigin"]
        page_stats = summarize(data, (origin + t_start) / 1000, (origin + t_end) / 1000)
        result["page_during_changes"] = {
            k: page_stats[k]
            for k in (
                "wall_s",
                "blocked_pct",
                "longest_task_ms",
                "long_tasks",
                "timer_late_p95_ms",
                "timer_late_max_ms",
                "attribution",
            )
        }
        errors = widget_errors(page)
        if errors:
            result.setdefault("notes", []).append("widget errors: " + " | ".join(errors))
    except Exception as exc:  # noqa: BLE001
        result["error"] = f"{type(exc).__name__}: {exc}"
        result["traceback"] = traceback.format_exc()
    finally:
        finish(context, page, server, EXPLORER_KEY, args, result)
        result["total_s"] = round(time.monotonic() - t_begin, 1)
    return result


def measure_scroll(browser: Any, server: harness.JupyterServer, args: argparse.Namespace) -> dict[str, Any]:
    """A dashboard trains below the fold, is seen once a third of the way, and is scrolled to
    after its run: how long until every chart of it is drawn again (its panels are stale)."""
    epochs = max(1, round(STEPS_1000_EPOCHS * args.epochs_scale))
    result: dict[str, Any] = {"key": SCROLL_KEY, "name": SCROLL_NAME, "epochs": epochs}
    setup = SETUP.format(extra_imports="", models="model = make_model(32)") + WARM_NBKERAS
    context = new_context(browser, args)
    page = None
    t_begin = time.monotonic()
    try:
        name = write_notebook(server, "bench-scroll.ipynb", [setup, SCROLL_SPACER_CELL, cell_fit_and_wait(epochs)])
        page, nbrun = open_notebook(context, server, name, timeout=180)
        for index in (0, 1):
            run_cell(page, name, index)
            wait_cell_done(page, name, index, timeout=300, what=f"cell {index}")
        page.wait_for_function("() => document.querySelector('.js-plotly-plot')", timeout=120_000)
        run_cell(page, name, 2)
        page.wait_for_selector(DASHBOARD_ROOT, state="attached", timeout=120_000)
        page.evaluate(SCROLL_TO_CELL_JS, {"path": name, "index": 0})
        planned = epochs * math.ceil(N_TRAIN / 32)
        deadline = time.monotonic() + 120 + planned * 0.04
        while page_step(page) < planned // 3:  # a third of the way: seen once, then left
            if time.monotonic() > deadline:
                raise BenchError("the run did not reach a third of its steps in time")
            page.wait_for_timeout(250)
        page.evaluate(SCROLL_TO_CELL_JS, {"path": name, "index": 2})
        page.wait_for_timeout(1500)
        page.evaluate(SCROLL_TO_CELL_JS, {"path": name, "index": 0})
        wait_cell_done(page, name, 2, timeout=max(10.0, deadline - time.monotonic()), what="the training cell")
        page.wait_for_timeout(SETTLE_S * 1000)  # the last updates reached the page, below the fold
        page.evaluate(START_JS)
        timed = page.evaluate(SCROLL_AND_TIME_JS, DASHBOARD_ROOT)
        page.wait_for_timeout(500)
        data = page.evaluate(STOP_JS)
        if timed["ms"] is None:
            raise BenchError(f"panels never redrawn after the scroll: {timed['stale']}")
        blocked, durations = blocked_in(data["longtasks"], timed["t0"], timed["t0"] + timed["ms"])
        result.update(
            {
                "all_drawn_ms": round(timed["ms"]),
                "frames": timed["frames"],
                "panels": timed["panels"],
                "blocked_ms": round(blocked),
                "longest_task_ms": round(max(durations, default=0.0)),
            }
        )
    except Exception as exc:  # noqa: BLE001
        result["error"] = f"{type(exc).__name__}: {exc}"
        result["traceback"] = traceback.format_exc()
    finally:
        finish(context, page, server, SCROLL_KEY, args, result)
        result["total_s"] = round(time.monotonic() - t_begin, 1)
    return result


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


def _fmt(value: Any, digits: int = 0) -> str:
    if value is None:
        return "–"
    if isinstance(value, (int, float)):
        return f"{value:,.{digits}f}"
    return str(value)


def markdown(
    results: list[dict[str, Any]], explorer: dict[str, Any] | None, scroll: dict[str, Any] | None, meta: dict[str, Any]
) -> str:
    lines = [
        f"`{meta['command']}`",
        "",
        f"{meta['machine']}; Chromium {meta['chromium']}; {meta['versions_text']}; "
        f"load average {meta['load_start']} at start, {meta['load_end']} at end; total {meta['total_s']:.0f} s.",
        "",
    ]
    if results:
        lines += [
            "| configuration | steps | wall s | % blocked | % blocked, last quarter | longest task ms | long tasks "
            "| timer lateness p95 / max ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in results:
            if "error" in r:
                lines.append(
                    f"| {r['name']} | {_fmt(r['planned_steps'])} | failed: {r['error'].splitlines()[0][:160]} "
                    "| | | | | |"
                )
                continue
            lines.append(
                f"| {r['name']} | {_fmt(r['steps'])} | {_fmt(r['wall_s'], 1)} | {_fmt(r['blocked_pct'], 1)} "
                f"| {_fmt(r['blocked_last_quarter_pct'], 1)} | {_fmt(r['longest_task_ms'])} | {_fmt(r['long_tasks'])} "
                f"| {_fmt(r['timer_late_p95_ms'])} / {_fmt(r['timer_late_max_ms'])} |"
            )
        lines.append("")
    if explorer is not None:
        if "error" in explorer:
            lines.append(f"Activation explorer: failed: {explorer['error'].splitlines()[0]}")
        else:
            e, p = explorer, explorer["page_during_changes"]
            lines.append(
                f"Activation explorer (sigmoid, tanh, relu, leaky_relu overlaid), leaky_relu negative_slope slider, "
                f"{len(e['samples'])} changes: input event -> curves redrawn with the new data median "
                f"{e['drawn_median_ms']:.0f} ms, p95 {e['drawn_p95_ms']:.0f} ms (max {e['drawn_max_ms']:.0f}); "
                f"-> next frame median {e['frame_median_ms']:.0f} ms, p95 {e['frame_p95_ms']:.0f} ms. "
                f"Page meanwhile: {p['blocked_pct']}% blocked, longest task {p['longest_task_ms']:.0f} ms."
            )
        lines.append("")
    if scroll is not None:
        if "error" in scroll:
            lines.append(f"Scroll to a dashboard: failed: {scroll['error'].splitlines()[0]}")
        else:
            lines.append(
                f"Scroll to a dashboard that trained below the fold ({scroll['epochs']} epochs, seen once a third of "
                f"the way): all {scroll['panels']} charts then on screen drawn {scroll['all_drawn_ms']:,} ms "
                f"({scroll['frames']} frames) after the scroll; long tasks meanwhile {scroll['blocked_ms']} ms, "
                f"longest {scroll['longest_task_ms']} ms."
            )
        lines.append("")
    attributed = [r for r in results if "attribution" in r]
    if attributed:
        lines.append(
            "Where the long frames went (long-animation-frame scripts, top 3; then every Plotly.react and relayout of the run):"
        )
        lines.append("")
        for r in attributed:
            a = r["attribution"]
            parts = [
                f"{s['entry']} {s['ms'] / 1000:.1f} s ({s['count']}x, max {s['max_ms']:.0f} ms)"
                for s in a["scripts"][:3]
            ]
            parts.append(f"style/layout {a['style_layout_ms'] / 1000:.1f} s")
            react = "; ".join(
                f"{k} {v['ms'] / 1000:.1f} s in {v['calls']} calls (max {v['max_ms']:.0f} ms)"
                for k, v in a["plotly_react"].items()
            )
            load = (
                f"; plotly.js load {', '.join(f'{x:.0f}' for x in r['plotly_load_ms'])} ms"
                if r["plotly_load_ms"]
                else ""
            )
            lines.append(f"- {r['name']}: " + "; ".join(parts) + (f"; Plotly: {react}" if react else "") + load)
        lines.append("")
    noted = [r for r in results if r.get("notes")]
    if noted:
        lines += ["Notes:", ""] + [f"- {r['name']}: " + "; ".join(r["notes"]) for r in noted] + [""]
    failed = [r for r in [*results, *(x for x in (explorer, scroll) if x)] if "error" in r]
    for r in failed:
        lines.append(f"FAILED {r['name']}:\n{r.get('traceback', r['error'])}")
    return "\n".join(lines)


def _load() -> str:
    try:
        return "/".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def select(only: str | None) -> tuple[list[Config], bool, bool]:
    """The training configurations, and whether the explorer and the scroll are measured."""
    if not only:
        return list(CONFIGS), True, True
    wanted = [w.strip().lower() for w in only.split(",") if w.strip()]
    chosen, explorer, scroll = [], False, False
    for w in wanted:
        if w in (EXPLORER_KEY, EXPLORER_NAME):
            explorer = True
            continue
        if w in (SCROLL_KEY, SCROLL_NAME):
            scroll = True
            continue
        match = [c for c in CONFIGS if w in (c.key.lower(), c.name.lower())] or [
            c for c in CONFIGS if c.name.lower().startswith(w)
        ]
        if not match:
            names = ", ".join([*(c.key for c in CONFIGS), EXPLORER_KEY, SCROLL_KEY])
            raise SystemExit(f"--only: unknown configuration {w!r}; choose from {names} (or a row name)")
        chosen += [c for c in match if c not in chosen]
    order = [c for c in CONFIGS if c in chosen]
    return order, explorer, scroll


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only",
        help="comma-separated keys or row names (fit, monitor, two, long, livelossplot, "
        "figurewidget, baseline, explorer, scroll); default: all",
    )
    parser.add_argument(
        "--epochs-scale",
        type=float,
        default=1.0,
        help="scale the 40 epochs (1,000 steps) of the short rows, e.g. 0.25 while developing",
    )
    parser.add_argument("--long-steps", type=int, default=20_000, help="steps of the long run (batch 8: 100 per epoch)")
    parser.add_argument("--explorer-changes", type=int, default=20)
    parser.add_argument("--explorer-pause", type=float, default=0.6, help="seconds between explorer changes")
    parser.add_argument(
        "--train-timeout",
        type=float,
        default=None,
        help="seconds per training cell (default 120 s + 40-80 ms per planned step)",
    )
    parser.add_argument("--screenshots", metavar="DIR", help="save bench-<key>.png/.txt per configuration here")
    parser.add_argument("--json", metavar="PATH", help="write every figure (and the attribution) here")
    parser.add_argument("--viewport", default="1400x1000", help="browser window, WIDTHxHEIGHT (default 1400x1000)")
    parser.add_argument("--headed", action="store_true", help="show the browser (needs a display)")
    args = parser.parse_args(argv)
    if args.epochs_scale <= 0 or args.long_steps <= 0 or args.explorer_changes < 1:
        parser.error("--epochs-scale, --long-steps and --explorer-changes must be positive")
    if not re.fullmatch(r"\d+x\d+", args.viewport.lower()):
        parser.error("--viewport must look like 1400x1000")
    configs, explorer_wanted, scroll_wanted = select(args.only)

    reason = harness.missing_requirement()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    command = " ".join(["python bench/bench_browser.py", shlex.join(sys.argv[1:] if argv is None else argv)]).strip()
    meta: dict[str, Any] = {
        "command": command,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "load_start": _load(),
        "versions": {
            p: _version(p)
            for p in (
                "tensorflow",
                "keras",
                "jupyterlab",
                "ipykernel",
                "ipywidgets",
                "anywidget",
                "plotly",
                "livelossplot",
                "playwright",
                "matplotlib",
            )
        },
    }
    meta["versions_text"] = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    t_all = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="nbkeras-bench-browser-"))
    results: list[dict[str, Any]] = []
    explorer: dict[str, Any] | None = None
    scroll: dict[str, Any] | None = None
    server = harness.start_jupyter_server(workdir, workdir / "jupyter-server.log")
    try:
        with sync_playwright() as playwright:
            browser = harness.launch_browser(playwright, headless=not args.headed)
            meta["chromium"] = browser.version
            try:
                for cfg in configs:
                    print(
                        f"[{time.monotonic() - t_all:6.0f}s] {cfg.name}: {cfg.planned_steps(args)} steps ...",
                        file=sys.stderr,
                        flush=True,
                    )
                    result = measure_training(browser, server, cfg, args)
                    results.append(result)
                    brief = result.get("error") or (
                        f"{result['blocked_pct']}% blocked, longest {result['longest_task_ms']:.0f} ms, "
                        f"wall {result['wall_s']} s"
                    )
                    print(
                        f"[{time.monotonic() - t_all:6.0f}s]   -> {brief.splitlines()[0]}", file=sys.stderr, flush=True
                    )
                if explorer_wanted:
                    print(
                        f"[{time.monotonic() - t_all:6.0f}s] {EXPLORER_NAME}: {args.explorer_changes} changes ...",
                        file=sys.stderr,
                        flush=True,
                    )
                    explorer = measure_explorer(browser, server, args)
                if scroll_wanted:
                    print(f"[{time.monotonic() - t_all:6.0f}s] {SCROLL_NAME} ...", file=sys.stderr, flush=True)
                    scroll = measure_scroll(browser, server, args)
            finally:
                browser.close()
    finally:
        server.stop()
        failed = any("error" in r for r in [*results, *(x for x in (explorer, scroll) if x is not None)])
        if failed:
            print(
                f"a configuration failed: JupyterLab's log is kept in {workdir / 'jupyter-server.log'}", file=sys.stderr
            )
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    meta["load_end"] = _load()
    meta["total_s"] = time.monotonic() - t_all
    print(markdown(results, explorer, scroll, meta))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"meta": meta, "configs": results, "explorer": explorer, "scroll": scroll}, indent=1, default=str
            )
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
