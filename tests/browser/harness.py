"""Run notebooks in a real Chromium against a real JupyterLab / Notebook 7 server.

Why this exists: kernel-side tests (``nbkeras.testing.CommRecorder``, nbval) prove what a
widget *sends*, but not that the front end can *render* it. A broken ``_esm``, a model the
JavaScript cannot deserialize, or a Plotly figure that arrives empty all pass every
kernel-side test and still show the user "Error displaying widget" or a blank plot. Only a
browser sees that, so this module drives one, and treats every ``pageerror`` and every
``console.error`` as a failure unless it is on the short, documented list of messages the
Jupyter front ends themselves emit on this machine (``KNOWN_BENIGN``).

Nothing here imports Playwright at module level, so the test suite still collects (and the
browser tests skip with a useful reason) on machines without it.

Public API (the pytest fixtures wrapping it live in ``conftest.py``):

* :func:`missing_requirement` -- why browser tests cannot run here, or ``None``.
* :func:`start_jupyter_server` -> :class:`JupyterServer` (``.url()``, ``.shutdown_kernels()``,
  ``.stop()``).
* :func:`launch_browser` -- headless Chromium with the flags this machine needs.
* :func:`page_log` -- the console / page-error collector attached to a page.
* :func:`run_notebook` -> :class:`NotebookRun` (``.plotly_traces(selector)`` reads a plot's
  data, ``.execute(code)`` runs code in the notebook's kernel and returns its output).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pragma: no cover - typing only
    from playwright.sync_api import Browser, BrowserContext, ElementHandle, Page, Playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts" / "browser"

#: Overridable so a developer on another OS can point at their own Chromium build.
CHROMIUM_PATH = Path(os.environ.get("NBKERAS_CHROMIUM", "/usr/bin/chromium"))

#: --no-sandbox/--disable-gpu: Chromium refuses to start as root in a container without
#: them. The rest stop Chromium's own background traffic (component updates, sync, QUIC
#: probes), which on an offline machine only produces refused connections and noise.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)

#: A fixed token: the server only listens on 127.0.0.1 and lives for one test session.
SERVER_TOKEN = "nbkeras-browser-tests"

UI = Literal["lab", "notebook7"]

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_ERROR_TEXT = "Error displaying widget"

REQUIRE_ENV = "NBKERAS_REQUIRE_BROWSER"


# --------------------------------------------------------------------------------------
# Can we run at all?
# --------------------------------------------------------------------------------------


@cache
def missing_requirement() -> str | None:
    """Say why browser tests cannot run on this machine, or ``None`` when they can.

    The reasons are phrased as the fix, because the person reading a skip line wants to
    know what to install, not which import failed.
    """
    if importlib.util.find_spec("playwright") is None:
        return "playwright not installed: pip install -e .[test]"
    if not (CHROMIUM_PATH.is_file() and os.access(CHROMIUM_PATH, os.X_OK)):
        return f"Chromium not found at {CHROMIUM_PATH}: apt-get install -y chromium"
    for module in ("jupyterlab", "notebook", "ipykernel"):
        if importlib.util.find_spec(module) is None:
            return f"{module} not installed: pip install -e .[test]"
    return None


def browser_required() -> bool:
    """CI sets NBKERAS_REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping."""
    return os.environ.get(REQUIRE_ENV) == "1"


def require_browser() -> None:
    """Skip the calling test when browser tests cannot run here, or fail it in CI.

    Contributors without Chromium get a skip that says what to install; CI sets
    NBKERAS_REQUIRE_BROWSER=1, where the same gap must not pass silently.
    """
    import pytest

    reason = missing_requirement()
    if reason is None:
        return
    if browser_required():
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1 makes a missing browser a failure)", pytrace=False)
    pytest.skip(reason)


# --------------------------------------------------------------------------------------
# The Jupyter server
# --------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class JupyterServer:
    """A JupyterLab server (which also serves Notebook 7) started for the test session."""

    port: int
    token: str
    root_dir: Path
    log_path: Path
    process: subprocess.Popen[bytes]
    _log_file: Any = field(repr=False, default=None)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, *, reset: bool = False) -> str:
        """Browser URL for ``path`` with the token (and Lab's ``?reset`` to drop saved layout)."""
        query = ("reset&" if reset else "") + f"token={self.token}"
        return f"{self.base_url}/{path.lstrip('/')}?{query}"

    def api(self, method: str, path: str, timeout: float = 10.0) -> Any:
        """Call the REST API; returns the decoded JSON body (or ``None`` when empty).

        ``path`` is relative to ``/api/`` (``"kernels"``) unless it starts with ``/``
        (``"/lab/api/workspaces"``).
        """
        url = self.base_url + (path if path.startswith("/") else f"/api/{path}")
        request = urllib.request.Request(
            url,
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def kernelspec_names(self) -> set[str]:
        return set(self.api("GET", "kernelspecs")["kernelspecs"])

    def shutdown_kernels(self) -> None:
        """Shut down every kernel and session so the next test starts from a clean slate.

        Kernels run in their own process sessions (jupyter_client starts them with
        ``start_new_session``), so killing the server's process group would orphan them;
        each one holds a TensorFlow import (~0.5 GB), so they must go through the API.

        A kernel that imported TensorFlow takes ~1.5 s to exit (TensorFlow's own teardown;
        ``python -c "import tensorflow"`` alone exits 1.3 s after its last line), which the
        API waits for: ~2.5 minutes of a full run. Once the server has been asked to shut
        them down (it stops their restarters first), the kernels' processes are killed.
        """
        try:
            sessions = self.api("GET", "sessions")
            kernels = self.api("GET", "kernels")
        except (urllib.error.URLError, OSError):
            return  # the server is already gone; stop() reports that via its log
        paths = [f"sessions/{s['id']}" for s in sessions]
        in_sessions = {s["kernel"]["id"] for s in sessions if s.get("kernel")}
        paths += [f"kernels/{k['id']}" for k in kernels if k["id"] not in in_sessions]
        pids = _kernel_pids({k["id"] for k in kernels})
        with ThreadPoolExecutor(max_workers=max(1, len(paths))) as pool:
            deletes = [pool.submit(self._delete, path) for path in paths]
            if pids:
                time.sleep(0.3)  # the DELETEs have reached the server
                for pid in pids:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
            for delete in deletes:
                delete.result()

    def _delete(self, path: str) -> None:
        with contextlib.suppress(urllib.error.URLError, OSError):  # gone already (404), or the server is
            self.api("DELETE", path)

    def stop(self) -> None:
        """Shut down kernels, then the server's whole process group (SIGTERM, then SIGKILL)."""
        if self.process.poll() is None:
            self.shutdown_kernels()
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        if self._log_file is not None:
            self._log_file.close()


def _kernel_env(workdir: Path) -> dict[str, str]:
    """Environment for the server and therefore for every kernel it starts.

    TF_* silence TensorFlow's start-up lines. PYTHONPATH gets the repo root only when a fresh
    interpreter could not import ``nbkeras`` otherwise (not installed, or installed
    elsewhere is fine): that way CI testing an installed wheel still tests the wheel.
    JUPYTER_CONFIG_DIR / JUPYTER_RUNTIME_DIR / IPYTHONDIR keep a developer's personal
    configuration and startup scripts out of the test.
    """
    env = dict(os.environ)
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    env["TF_ENABLE_ONEDNN_OPTS"] = "0"
    env["PYTHONUNBUFFERED"] = "1"
    env["JUPYTER_CONFIG_DIR"] = str(workdir / "config")
    env["JUPYTER_RUNTIME_DIR"] = str(workdir / "runtime")
    env["IPYTHONDIR"] = str(workdir / "ipython")
    probe = subprocess.run(
        [sys.executable, "-c", "import importlib.util as u; print(u.find_spec('nbkeras') is not None)"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.stdout.strip() != "True":
        parts = [str(REPO_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
        env["PYTHONPATH"] = os.pathsep.join(parts)
    return env


# Written to the server's (isolated) JUPYTER_CONFIG_DIR. Works around a bug in
# jupyterlab_server 2.28 when Lab and Notebook 7 share one server: LabHandler.get() writes
# the URL's treePath/workspace/mode into the server-wide settings["page_config_data"] dict,
# and Notebook 7's handler copies that dict into its own pages. After any visit to
# /lab/tree/X.ipynb, every Notebook 7 page then tries to open X in a file browser it does
# not have and throws "Command 'filebrowser:open-path' not registered." Returning a copy
# from the (documented) page_config_hook keeps each request's config to itself.
_SERVER_CONFIG = """\
def _page_config_per_request(handler, page_config):
    return dict(page_config)


c.ServerApp.tornado_settings = {"page_config_hook": _page_config_per_request}
"""


def require_current_lab_extension() -> None:
    """Fail when Jupyter would serve another build of the lab extension than this checkout's.

    Why: ``pip install -e .`` copies ``nbkeras/labextension`` into ``share/jupyter/labextensions``
    (hatch shared-data): after ``npm run build`` the browser tests would otherwise exercise the
    previous build, and pass or fail for the wrong reason.
    """
    from jupyter_core.paths import jupyter_path

    built = (REPO_ROOT / "nbkeras" / "labextension" / "package.json").read_bytes()
    for directory in jupyter_path("labextensions"):
        installed = Path(directory) / "nbkeras" / "package.json"
        if installed.is_file():
            if installed.read_bytes() != built:
                raise RuntimeError(
                    f"{installed.parent} is another build of the lab extension than "
                    f"{REPO_ROOT / 'nbkeras' / 'labextension'}: run `pip install -e .` again after `npm run build`"
                )
            return
    raise RuntimeError("the nbkeras lab extension is not installed: run `pip install -e .`")


def start_jupyter_server(workdir: Path, log_path: Path, *, timeout: float = 60.0) -> JupyterServer:
    """Start ``python -m jupyterlab`` on a free loopback port and wait for ``/api/status``.

    The notebook tracker settings turn on ``autoStartDefaultKernel`` (otherwise a "Select Kernel"
    dialog blocks run-all forever) and ``windowingMode: none`` (otherwise cells scrolled out
    of view are not in the DOM and their widgets are never rendered). Lab and Notebook 7
    share the settings dir and both get ``expose_app_in_browser`` so that
    ``window.jupyterapp`` exists in either UI.
    """
    require_current_lab_extension()
    root = workdir / "root"
    settings = workdir / "settings"
    workspaces = workdir / "workspaces"
    workspaces_nb7 = workdir / "workspaces-notebook7"
    for directory in (root, settings, workspaces, workspaces_nb7, workdir / "config", workdir / "runtime"):
        directory.mkdir(parents=True, exist_ok=True)
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text(json.dumps({"autoStartDefaultKernel": True, "windowingMode": "none"}))
    # Otherwise a "get notified about Jupyter news?" toast covers part of every screenshot.
    notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))

    (workdir / "config" / "jupyter_server_config.py").write_text(_SERVER_CONFIG)
    env = _kernel_env(workdir)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    last_error = "not started"
    for _attempt in range(3):  # a free port can be taken between probing and binding
        port = _free_port()
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={SERVER_TOKEN}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            "--LabApp.expose_app_in_browser=True",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={workspaces}",
            # Notebook 7 (the `notebook` package) is a separate LabServerApp on the same
            # server; without these it reads ~/.jupyter settings and hides window.jupyterapp.
            # Its own workspaces dir, so Lab's saved layout never leaks into Notebook 7.
            "--JupyterNotebookApp.expose_app_in_browser=True",
            f"--JupyterNotebookApp.user_settings_dir={settings}",
            f"--JupyterNotebookApp.workspaces_dir={workspaces_nb7}",
            "--allow-root",
        ]
        log_file = open(log_path, "ab")  # closed by JupyterServer.stop()
        log_file.write(f"\n$ {' '.join(command)}\n".encode())
        log_file.flush()
        process = subprocess.Popen(
            command,
            cwd=workdir,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() can kill it all
        )
        server = JupyterServer(port, SERVER_TOKEN, root, log_path, process, log_file)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                last_error = f"exited with code {process.returncode}"
                break
            try:
                server.api("GET", "status", timeout=2)
                return server
            except (urllib.error.URLError, OSError) as exc:
                last_error = str(exc)
                time.sleep(0.25)
        else:
            server.stop()
            raise RuntimeError(f"JupyterLab did not answer /api/status in {timeout:.0f}s; see {log_path}")
        log_file.close()
    raise RuntimeError(f"JupyterLab failed to start ({last_error}); see {log_path}")


# --------------------------------------------------------------------------------------
# The browser and what it logs
# --------------------------------------------------------------------------------------


def launch_browser(playwright: Playwright, *, headless: bool = True) -> Browser:
    """Launch the system Chromium (``playwright install`` cannot download one offline)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=list(CHROMIUM_ARGS), headless=headless)


@dataclass(frozen=True)
class LogEntry:
    """One thing the page reported: a console message or an uncaught exception."""

    kind: Literal["console", "pageerror"]
    level: str  # console type ("error", "warning", ...) or "pageerror"
    text: str
    where: str = ""  # source URL:line for console messages, the stack for page errors
    t: float = 0.0  # seconds since the collector was attached

    def render(self) -> str:
        where = f"\n    at {self.where}" if self.where else ""
        return f"[{self.t:7.2f}s] {self.level}: {self.text}{where}"


@dataclass(frozen=True)
class KnownBenign:
    """A message a stock Jupyter front end emits on its own, with the evidence for it."""

    ui: frozenset[str]
    level: str
    text: re.Pattern[str]  # must match the whole message
    where: str  # substring the source URL / stack must contain
    why: str

    def matches(self, entry: LogEntry, ui: str) -> bool:
        return (
            ui in self.ui
            and entry.level == self.level
            and self.text.fullmatch(entry.text) is not None
            and self.where in entry.where
        )


#: Every entry here was observed on this machine and reproduced WITHOUT nbkeras and without
#: this harness's flags. Never add a pattern that could match a widget or model error.
KNOWN_BENIGN: tuple[KnownBenign, ...] = (
    KnownBenign(
        ui=frozenset({"notebook7"}),
        level="pageerror",
        text=re.compile(re.escape("Cannot read properties of undefined (reading 'schema')")),
        where="/static/notebook/notebook_core.",
        why=(
            "Notebook 7.6.5 start-up race in @jupyterlab/shortcuts-extension: its "
            "pluginChanged handler reads registry.plugins['@jupyterlab/shortcuts-extension:"
            "shortcuts'].schema before that plugin's settings are loaded. Thrown by the stock "
            "`jupyter notebook` /tree page with default flags and no notebook open."
        ),
    ),
)


class PageLog:
    """Everything a page logged, kept from the moment the collector is attached."""

    def __init__(self, page: Page) -> None:
        self.entries: list[LogEntry] = []
        self.ui: str | None = None  # set by run_notebook; used to mark benign entries in text()
        self._t0 = time.monotonic()
        page.on("console", self._on_console)
        page.on("pageerror", self._on_pageerror)

    def _on_console(self, message: Any) -> None:
        location = message.location or {}
        where = f"{location.get('url', '')}:{location.get('lineNumber', '')}" if location.get("url") else ""
        self.entries.append(LogEntry("console", message.type, message.text, where, time.monotonic() - self._t0))

    def _on_pageerror(self, error: Any) -> None:
        message = getattr(error, "message", None) or str(error)
        stack = getattr(error, "stack", None) or ""
        self.entries.append(LogEntry("pageerror", "pageerror", message, stack, time.monotonic() - self._t0))

    def problems(self, ui: str, since: int = 0) -> list[LogEntry]:
        """Page errors and console errors (from entry ``since`` on) not on the known-benign list."""
        return [
            entry
            for entry in self.entries[since:]
            if entry.level in ("pageerror", "error") and not any(benign.matches(entry, ui) for benign in KNOWN_BENIGN)
        ]

    def text(self, since: int = 0) -> str:
        """The log as text, known-benign entries marked as such (artifacts, timeout messages)."""
        lines = []
        for entry in self.entries[since:]:
            benign = self.ui is not None and any(b.matches(entry, self.ui) for b in KNOWN_BENIGN)
            lines.append(entry.render() + ("\n    (ignored: in KNOWN_BENIGN)" if benign else ""))
        return "\n".join(lines)


_PAGE_LOGS: weakref.WeakKeyDictionary[Any, PageLog] = weakref.WeakKeyDictionary()


def page_log(page: Page) -> PageLog:
    """The collector for ``page``, attached on first use (so fixtures and run_notebook share it)."""
    log = _PAGE_LOGS.get(page)
    if log is None:
        log = _PAGE_LOGS[page] = PageLog(page)
    return log


# --------------------------------------------------------------------------------------
# Running a notebook
# --------------------------------------------------------------------------------------

# Runs in the page. Finds the notebook panel for `path` in either UI and reports where it
# is: kernel state, which code cells still have to run, Python errors, widget outputs and
# whether each has rendered. Everything is read from the JupyterLab models rather than the
# DOM text so that it works the same in Lab and Notebook 7.
_STATE_JS = r"""
(path) => {
  const app = window.jupyterapp;
  if (!app) return {phase: 'app'};
  let panels = [];
  try { panels = Array.from(app.shell.widgets('main')); } catch (e) {}
  if (app.shell.currentWidget) panels.push(app.shell.currentWidget);
  const panel = panels.find(w => w && w.context && w.context.path === path && w.content && w.sessionContext);
  if (!panel) return {phase: 'panel'};
  const session = panel.sessionContext.session;
  const kernel = session ? session.kernel : null;
  const state = {
    phase: 'notebook',
    connection: kernel ? kernel.connectionStatus : 'no kernel',
    status: kernel ? kernel.status : 'no kernel',
    dialog: (document.querySelector('.jp-Dialog') || {}).innerText || null,
    runAllError: window.__nbkerasRunAllError || null,
    code: 0, executed: 0, running: 0,
    errors: [], widgetOutputs: 0, widgetRendered: 0, widgetErrors: [],
  };
  panel.content.widgets.forEach((cell, index) => {
    const model = cell.model;
    if (model.type !== 'code') return;
    const source = model.sharedModel.getSource();
    if (source.trim() === '') return;
    state.code += 1;
    if (model.executionCount !== null && model.executionCount !== undefined) state.executed += 1;
    const prompt = cell.node.querySelector('.jp-InputPrompt');
    if (model.executionState === 'running' || (prompt && prompt.textContent.includes('*'))) state.running += 1;
    const outputs = model.outputs.toJSON();
    const children = cell.outputArea
      ? Array.from(cell.outputArea.node.querySelectorAll(':scope > .jp-OutputArea-child')) : [];
    outputs.forEach((output, i) => {
      if (output.output_type === 'error') {
        state.errors.push(`cell ${index}: ${output.ename}: ${output.evalue}\n` + (output.traceback || []).join('\n'));
      }
      // A view naming no model is an nbkeras picture output, hidden on purpose (nbkeras/widgets/picture.py).
      if (output.data && output.data[WIDGET_VIEW_MIME] && output.data[WIDGET_VIEW_MIME].model_id !== '') {
        state.widgetOutputs += 1;
        const child = children.length === outputs.length ? children[i] : null;
        const rendered = child ? child.querySelector('.jp-OutputArea-output') : null;
        if (rendered && rendered.childElementCount > 0) state.widgetRendered += 1;
      }
    });
    if (cell.outputArea) {
      const text = cell.outputArea.node.textContent || '';
      let at = text.indexOf(WIDGET_ERROR_TEXT);
      if (at >= 0) state.widgetErrors.push(`cell ${index}: ` + text.slice(at, at + 300));
    }
  });
  return state;
}
""".replace("WIDGET_VIEW_MIME", json.dumps(WIDGET_VIEW_MIME)).replace(
    "WIDGET_ERROR_TEXT", json.dumps(WIDGET_ERROR_TEXT)
)

# Reads every Plotly graph div. `_fullData[i]._length` is Plotly's own point count after it
# decoded typed arrays; `data` alone can hold undecoded {dtype, bdata} objects.
_PLOTLY_JS = r"""
() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => {
  const data = Array.isArray(el.data) ? el.data : [];
  const full = Array.isArray(el._fullData) ? el._fullData : [];
  const points = data.map((trace, i) => {
    if (full[i] && typeof full[i]._length === 'number') return full[i]._length;
    let n = 0;
    for (const key of ['x', 'y', 'z', 'values', 'labels', 'r', 'theta', 'lat', 'lon']) {
      const v = trace[key];
      if (v && typeof v.length === 'number') n = Math.max(n, v.length);
    }
    return n;
  });
  return {traces: data.length, points, types: data.map(t => t.type || 'scatter')};
})
"""

# Reads one Plotly graph div (the `index`-th match of `selector`) as plain JSON: per trace
# its name, type, meta and x/y as number arrays (typed arrays decoded), and the user
# layout. For assertions on what is *plotted*, not just on how many points there are.
_PLOTLY_TRACES_JS = r"""
({selector, index}) => {
  const el = document.querySelectorAll(selector)[index];
  if (!el) return null;
  const plain = (v) => (v && typeof v.length === 'number' && typeof v !== 'string')
    ? Array.from(v, (n) => (typeof n === 'number' && !Number.isFinite(n) ? null : n)) : v;
  let layout = null;
  try { layout = JSON.parse(JSON.stringify(el.layout || {})); } catch (e) { layout = null; }
  return {
    plotted: Array.isArray(el.data),
    layout,
    data: (Array.isArray(el.data) ? el.data : []).map((t) => ({
      name: t.name ?? null, type: t.type || 'scatter', meta: t.meta ?? null,
      x: plain(t.x) ?? [], y: plain(t.y) ?? [],
    })),
  };
}
"""

# Runs code in the notebook's own kernel (the one its widgets talk to) outside any cell,
# and returns what it printed. Lets a test read the Python side after driving the page.
_KERNEL_EXECUTE_JS = r"""
async ({path, code, timeoutMs}) => {
  const app = window.jupyterapp;
  if (!app) throw new Error('window.jupyterapp is missing');
  let panels = [];
  try { panels = Array.from(app.shell.widgets('main')); } catch (e) {}
  if (app.shell.currentWidget) panels.push(app.shell.currentWidget);
  const panel = panels.find(w => w && w.context && w.context.path === path && w.sessionContext);
  if (!panel) throw new Error(`no notebook panel for ${path}`);
  const kernel = panel.sessionContext.session ? panel.sessionContext.session.kernel : null;
  if (!kernel) throw new Error(`the notebook ${path} has no kernel`);
  const future = kernel.requestExecute({code, silent: false, store_history: false, allow_stdin: false});
  const out = [];
  const errors = [];
  future.onIOPub = (msg) => {
    const type = msg.header.msg_type;
    if (type === 'stream') out.push(msg.content.text);
    else if (type === 'execute_result') out.push((msg.content.data || {})['text/plain'] || '');
    else if (type === 'error')
      errors.push(`${msg.content.ename}: ${msg.content.evalue}\n` + (msg.content.traceback || []).join('\n'));
  };
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`kernel execute timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const reply = await Promise.race([future.done, timeout]);
    return {out: out.join(''), errors, status: reply && reply.content ? reply.content.status : null};
  } finally {
    clearTimeout(timer);
  }
}
"""

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def write_notebook(path: str | os.PathLike[str], *sources: str) -> Path:
    """A notebook of code cells at ``path`` (python3 kernel), for a test to run."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(notebook, path)
    return Path(path)


def wait_until(
    run: NotebookRun, done: Any, what: str, *, timeout: float = 20.0, describe: Any = lambda: "", poll_ms: int = 50
) -> None:
    """Poll ``done()`` while the page keeps running; AssertionError naming ``what`` on timeout.

    ``describe()`` adds what was seen instead (called only on failure).
    """
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}; {describe()}")
        run.page.wait_for_timeout(poll_ms)


def _strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


@dataclass
class NotebookRun:
    """A notebook that has been opened, run to completion and checked in a browser."""

    page: Page
    ui: str
    path: str  # path of the copy, relative to the server root
    log: PageLog
    timings: dict[str, float]
    state: dict[str, Any]
    log_start: int = 0  # index of the first log entry that belongs to this run

    @property
    def console_errors(self) -> list[str]:
        return [e.text for e in self.log.problems(self.ui, self.log_start) if e.kind == "console"]

    @property
    def page_errors(self) -> list[str]:
        return [e.text for e in self.log.problems(self.ui, self.log_start) if e.kind == "pageerror"]

    def wait_for_selector(self, selector: str, *, timeout: float = 30.0) -> ElementHandle:
        """Wait until ``selector`` is visible; timeout in seconds, like run_notebook's."""
        handle = self.page.wait_for_selector(selector, timeout=timeout * 1000, state="visible")
        assert handle is not None
        return handle

    def plotly_figures(self) -> list[dict[str, Any]]:
        """``[{"traces": n, "points": [points per trace], "types": [...]}]`` per Plotly graph."""
        return self.page.evaluate(_PLOTLY_JS)

    def widget_errors(self) -> list[str]:
        return list(self.page.evaluate(_STATE_JS, self.path).get("widgetErrors", []))

    def assert_clean(self) -> None:
        """Re-check for errors; call after interacting with the page to fail on late ones."""
        _raise_if_problems(self.ui, self.path, self.log, self.log_start, self.widget_errors())

    def plotly_traces(self, selector: str, *, index: int = 0) -> dict[str, Any] | None:
        """One Plotly graph (the ``index``-th match of ``selector``) as plain JSON, or ``None``.

        ``{"plotted": bool, "layout": {...}, "data": [{"name", "type", "meta", "x", "y"}]}``
        with x/y as lists of numbers (non-finite values as ``None``).
        """
        return self.page.evaluate(_PLOTLY_TRACES_JS, {"selector": selector, "index": index})

    def execute(self, code: str, *, timeout: float = 30.0) -> str:
        """Run ``code`` in this notebook's kernel (not in a cell) and return its printed output.

        Raises AssertionError when the code raised, with the Python traceback.
        """
        result = self.page.evaluate(
            _KERNEL_EXECUTE_JS, {"path": self.path, "code": code, "timeoutMs": int(timeout * 1000)}
        )
        if result["errors"] or result["status"] != "ok":
            raise AssertionError(
                f"kernel code failed ({result['status']}):\n{code}\n" + _strip_ansi("\n".join(result["errors"]))
            )
        return result["out"]


def _as_page(page_or_context: Page | BrowserContext) -> Page:
    if hasattr(page_or_context, "goto"):
        return page_or_context  # type: ignore[return-value]
    return page_or_context.new_page()  # type: ignore[union-attr]


def _stage_notebook(server: JupyterServer, notebook_path: Path, ui: str, *, keep_outputs: bool = False) -> str:
    """Copy the notebook into the server root, cleared, and return its server-relative path.

    Execution counts are removed so that "every cell has an execution count" proves the cells
    ran in *this* browser session; outputs too (unless ``keep_outputs``: what a reader sees
    before running), so that stale widget outputs saved in the file cannot show "Error
    displaying widget: model not found". The kernelspec is pointed at ``python3`` (the server's own interpreter) when
    the notebook names one this server does not have, which would otherwise open a kernel
    dialog.
    """
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.execution_count = None
            if not keep_outputs:
                cell.outputs = []
    spec = notebook.metadata.get("kernelspec") or {}
    if spec.get("name") not in server.kernelspec_names():
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
        }
    name = f"{notebook_path.stem}-{ui}.ipynb"
    nbformat.write(notebook, server.root_dir / name)
    return name


def _kernel_pids(kernel_ids: set[str]) -> list[int]:
    """Process ids of the kernels whose connection files name these ids (Linux ``/proc``)."""
    if not kernel_ids:
        return []
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if "ipykernel" in cmdline and any(f"kernel-{kernel_id}.json" in cmdline for kernel_id in kernel_ids):
            pids.append(int(entry.name))
    return pids


def _raise_if_problems(ui: str, path: str, log: PageLog, since: int, widget_errors: list[str]) -> None:
    problems = log.problems(ui, since)
    if not problems and not widget_errors:
        return
    lines = [f"{path} in {ui}: the browser reported errors"]
    lines += [f"  widget: {text}" for text in widget_errors]
    lines += [f"  {entry.render()}" for entry in problems]
    raise AssertionError("\n".join(lines))


def _notebook_url(server: JupyterServer, path: str, ui: str) -> str:
    return server.url(f"lab/tree/{path}", reset=True) if ui == "lab" else server.url(f"notebooks/{path}")


#: A JS expression: the pictures (SVG data-URL <img>) in the notebook's outputs, as an Array.
STORED_PICTURES_JS = "Array.from(document.querySelectorAll('.jp-OutputArea-output img[src^=\"data:image/svg+xml\"]'))"


#: A JS function of a Plotly div's selector: how its legend and plots were laid out, as drawn.
#: ``items`` legend entries, ``legendTop``/``legendBottom`` their extent, ``plotTop`` the highest
#: plot area's top, ``plotHeight`` the first plot area's height and ``planned`` the one the figure
#: asked for (Plotly's own resize drops ``layout.height``: the full layout's is read), ``svgTop``
#: and ``svgWidth`` the figure's, ``title`` the figure title's box and ``axisTitles`` the x axes'
#: title boxes (left to right), ``firstPlotRight``/``title2Left`` where f's plot ends and the
#: second y axis's title begins. null before the figure's first draw.
FIGURE_LAYOUT_JS = """(sel) => {
  const gd = document.querySelector(sel);
  if (!gd || !gd.querySelector('svg.main-svg')) return null;
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  };
  const items = Array.from(gd.querySelectorAll('.legend .traces')).map(box);
  const plots = Array.from(gd.querySelectorAll('.draglayer .nsewdrag')).map((el) => el.getBoundingClientRect())
    .sort((a, b) => a.left - b.left);
  const svg = gd.querySelector('svg.main-svg').getBoundingClientRect();
  const title = gd.querySelector('.g-gtitle text');
  const title2 = gd.querySelector('.g-y2title text');
  return {
    items: items.length, legendBottom: Math.max(...items.map((r) => r.bottom)),
    legendTop: Math.min(...items.map((r) => r.top)), svgTop: svg.top, svgWidth: svg.width,
    plotTop: Math.min(...plots.map((r) => r.top)), plotHeight: plots[0].height,
    planned: gd._fullLayout.height - gd.layout.margin.t - gd.layout.margin.b,
    title: title ? box(title) : null,
    axisTitles: Array.from(gd.querySelectorAll('.g-xtitle text, .g-x2title text')).map(box)
      .sort((a, b) => a.left - b.left),
    firstPlotRight: plots[0].right, title2Left: title2 ? title2.getBoundingClientRect().left : null,
  };
}"""


def open_stored_notebook(
    page: Page, server: JupyterServer, notebook_path: str | os.PathLike[str], ui: UI = "lab", timeout: float = 60.0
) -> NotebookRun:
    """Open ``notebook_path`` as stored (outputs kept), run nothing; fail on any error shown.

    What a reader sees before running anything: the stored outputs. Waits until the
    notebook panel exists, then listens ``1 s`` more; wait for the outputs you expect.
    """
    if ui not in ("lab", "notebook7"):
        raise ValueError(f"ui must be 'lab' or 'notebook7', not {ui!r}")
    log = page_log(page)
    log_start = len(log.entries)
    log.ui = ui
    path = _stage_notebook(server, Path(notebook_path), ui, keep_outputs=True)
    page.goto(_notebook_url(server, path, ui), timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    state: dict[str, Any] = {}
    while True:
        state = page.evaluate(_STATE_JS, path)
        if state.get("phase") == "notebook":
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} in {ui}: not shown within {timeout:.0f}s; last state: {json.dumps(state)}")
        page.wait_for_timeout(200)
    page.wait_for_timeout(1000)
    state = page.evaluate(_STATE_JS, path)
    _raise_if_problems(ui, path, log, log_start, state.get("widgetErrors", []))
    return NotebookRun(page=page, ui=ui, path=path, log=log, timings={}, state=state, log_start=log_start)


def run_notebook(
    page_or_context: Page | BrowserContext,
    server: JupyterServer,
    notebook_path: str | os.PathLike[str],
    ui: UI = "lab",
    timeout: float = 180.0,
    *,
    settle: float = 1.0,
    keep_outputs: bool = False,
    before_run: Callable[[Page], None] | None = None,
) -> NotebookRun:
    """Open ``notebook_path`` in ``ui``, run all cells, wait for widgets, fail on any error.

    Raises AssertionError (with every message) on a ``pageerror``, a ``console.error`` not
    in ``KNOWN_BENIGN``, "Error displaying widget", or a Python exception in a cell; and
    on a timeout, with the state it was waiting in. ``timeout`` (seconds) covers the whole
    run; ``settle`` is how long to keep listening after everything rendered, so errors
    thrown just after the first paint (e.g. in an async render) are not missed.

    ``keep_outputs`` opens the notebook with its stored outputs (see ``open_stored_notebook``);
    ``before_run(page)`` is called once the kernel is ready, before any cell runs: what a
    reader sees on opening it, checked in the same page load.
    """
    if ui not in ("lab", "notebook7"):
        raise ValueError(f"ui must be 'lab' or 'notebook7', not {ui!r}")
    page = _as_page(page_or_context)
    log = page_log(page)
    log_start = len(log.entries)  # a reused page keeps its log; judge only this run
    log.ui = ui
    started = time.monotonic()
    deadline = started + timeout
    timings: dict[str, float] = {}
    path = _stage_notebook(server, Path(notebook_path), ui, keep_outputs=keep_outputs)
    page.goto(_notebook_url(server, path, ui), timeout=timeout * 1000)

    state: dict[str, Any] = {}

    def poll(what: str, done: Any) -> None:
        nonlocal state
        while True:
            state = page.evaluate(_STATE_JS, path)
            if state.get("runAllError"):
                raise AssertionError(f"{path} in {ui}: notebook:run-all-cells failed: {state['runAllError']}")
            if state.get("errors"):
                raise AssertionError(f"{path} in {ui}: a cell raised\n" + _strip_ansi("\n".join(state["errors"])))
            _raise_if_problems(ui, path, log, log_start, state.get("widgetErrors", []))
            if done(state):
                timings[what] = round(time.monotonic() - started, 2)
                return
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{path} in {ui}: timed out after {timeout:.0f}s waiting for {what}; "
                    f"last state: {json.dumps(state)}\n{log.text(log_start)}"
                )
            page.wait_for_timeout(200)

    poll(
        "kernel idle",
        lambda s: s.get("phase") == "notebook" and s["connection"] == "connected" and s["status"] == "idle",
    )
    if before_run is not None:
        before_run(page)
        poll("checked before running", lambda s: True)
    page.evaluate(
        """() => { window.jupyterapp.commands.execute('notebook:run-all-cells')
             .catch(e => { window.__nbkerasRunAllError = String(e); }); }"""
    )
    poll(
        "all cells executed",
        lambda s: s["executed"] == s["code"] and s["running"] == 0 and s["status"] == "idle",
    )
    poll("widgets rendered", lambda s: s["widgetRendered"] == s["widgetOutputs"])
    page.wait_for_timeout(settle * 1000)
    poll("settled", lambda s: True)
    return NotebookRun(page=page, ui=ui, path=path, log=log, timings=timings, state=state, log_start=log_start)


# --------------------------------------------------------------------------------------
# Artifacts
# --------------------------------------------------------------------------------------


def artifact_stem(nodeid_name: str) -> str:
    """``test_tour[notebook7]`` -> ``test_tour-notebook7``: safe on every file system."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", nodeid_name).strip("-")


def wait_frames(page: Page, n: int) -> None:
    """Let the page render ``n`` animation frames (however long they take on a loaded machine)."""
    page.evaluate(
        "(n) => new Promise((done) => { const next = (k) => k ? requestAnimationFrame(() => next(k - 1)) : done();"
        " next(n); })",
        n,
    )


MAX_SCREENSHOT_HEIGHT = 10_000  # px: a whole course notebook
_NOTEBOOK_SCROLLERS = "'.jp-WindowedPanel-outer, .jp-NotebookPanel-notebook, .jp-Notebook'"
_NOTEBOOK_OVERFLOW_JS = f"""() => Math.max(0, ...Array.from(document.querySelectorAll({_NOTEBOOK_SCROLLERS}))
    .map(el => el.scrollHeight - el.clientHeight))"""
_NOTEBOOK_TO_TOP_JS = f"() => document.querySelectorAll({_NOTEBOOK_SCROLLERS}).forEach(el => {{ el.scrollTop = 0; }})"
# True once nbkeras's page-wide redraw scheduler has no panel on screen waiting to be drawn.
_REDRAWS_PENDING_JS = "() => { const s = globalThis[Symbol.for('nbkeras.redraw')]; return !s || s.pending() === 0; }"


def save_artifacts(page: Page, stem: str, *, header: str = "", directory: Path = ARTIFACTS_DIR) -> list[Path]:
    """Write ``<stem>.png`` and ``<stem>.txt`` (console log); never raises.

    Lab and Notebook 7 scroll the notebook inside a panel, so ``full_page`` alone captures
    one screen; the viewport is grown to the notebook's height (capped) for the shot and
    restored afterwards, so the whole notebook is in the picture.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    png, txt = directory / f"{stem}.png", directory / f"{stem}.txt"
    viewport = page.viewport_size
    try:
        # Grown to the notebook's height until it fits: charts drawn once they are on screen
        # (js/src/lib/redraw.js) make the notebook taller than it was measured.
        height = viewport["height"] if viewport else 0
        for _ in range(3 if viewport else 0):
            extra = int(page.evaluate(_NOTEBOOK_OVERFLOW_JS))
            if extra <= 0 or height >= MAX_SCREENSHOT_HEIGHT:
                break
            height = min(height + extra, MAX_SCREENSHOT_HEIGHT)
            page.set_viewport_size({"width": viewport["width"], "height": height})
            page.evaluate(_NOTEBOOK_TO_TOP_JS)
            page.wait_for_timeout(300)  # let Plotly redraw at the new size
            # Every panel is on screen now: wait (a while, not for a run that still streams)
            # until nbkeras's redraw scheduler has drawn them.
            with contextlib.suppress(Exception):
                page.wait_for_function(_REDRAWS_PENDING_JS, timeout=10_000)
        page.screenshot(path=str(png), full_page=True, timeout=15_000)
        written.append(png)
    except Exception as exc:  # noqa: BLE001 - an artifact must not mask the real failure
        header += f"\n(screenshot failed: {exc})"
    finally:
        if viewport:
            try:
                page.set_viewport_size(viewport)
            except Exception:  # noqa: BLE001 - the page may already be gone
                pass
    txt.write_text(f"{header}\n{page_log(page).text()}\n")
    written.append(txt)
    return written


__all__ = [
    "ARTIFACTS_DIR",
    "CHROMIUM_ARGS",
    "CHROMIUM_PATH",
    "KNOWN_BENIGN",
    "JupyterServer",
    "KnownBenign",
    "LogEntry",
    "NotebookRun",
    "PageLog",
    "artifact_stem",
    "browser_required",
    "launch_browser",
    "missing_requirement",
    "page_log",
    "require_browser",
    "run_notebook",
    "save_artifacts",
    "start_jupyter_server",
]
