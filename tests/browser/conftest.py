"""Fixtures for tests that drive a real Chromium against a real JupyterLab server.

Why a skip rule with an override: most contributors have no Chromium, and a test suite
that fails for them teaches them to ignore failures; CI must never silently skip, so it
sets ``NBKERAS_REQUIRE_BROWSER=1`` and a missing browser becomes a failure there.

Fixtures (see ``harness.py`` for the objects they return):

* ``jupyter_server`` (session): a :class:`harness.JupyterServer` serving Lab and Notebook 7.
* ``browser`` (session): a headless Playwright ``Browser`` on the system Chromium.
* ``browser_context`` (function): a fresh context (own cookies/storage) per test.
* ``notebook_page`` (function): a page in that context whose screenshot and console log
  are saved to ``test-artifacts/browser/<test-name>.{png,txt}`` whatever the outcome;
  kernels started during the test are shut down afterwards.

Typical use::

    from harness import run_notebook

    @pytest.mark.browser
    def test_x(notebook_page, jupyter_server):
        run = run_notebook(notebook_page, jupyter_server, "notebooks/x.ipynb", ui="lab")
        run.wait_for_selector(".nbkeras-widget")
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import harness
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(trylast=True)  # after -m/-k deselection: only what will run counts
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip browser tests up front where they cannot run; run each course notebook once.

    Without a browser, ``@pytest.mark.browser`` tests are skipped here, so the skip line
    points at the test (in CI, NBKERAS_REQUIRE_BROWSER=1, they fail instead).

    With one, a course notebook the browser course runs in JupyterLab is not run again under
    nbval: both execute every cell and fail on any error, the browser run also on widget and
    page errors, so the nbval run of the same notebook would add only minutes (about 280 s of
    the suite). Without a browser the browser course skips and nbval runs every notebook.
    """
    reason = harness.missing_requirement()
    if reason is not None:
        if not harness.browser_required():
            for item in items:
                if item.get_closest_marker("browser") is not None:
                    item.add_marker(pytest.mark.skip(reason=reason))
        return
    in_lab = {
        item.callspec.params["notebook"].resolve()
        for item in items
        if getattr(item, "originalname", "") == "test_course_notebook" and item.callspec.params.get("ui") == "lab"
    }
    twice = [item for item in items if item.path.suffix == ".ipynb" and item.path.resolve() in in_lab]
    if twice:
        config.hook.pytest_deselected(items=twice)
        dropped = set(twice)
        items[:] = [item for item in items if item not in dropped]


def pytest_runtest_setup(item: pytest.Item) -> None:
    """In CI (NBKERAS_REQUIRE_BROWSER=1) a browser test with no browser fails before its fixtures."""
    if item.get_closest_marker("browser") is not None:
        harness.require_browser()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[Any]:
    """Keep each phase's report so ``notebook_page`` can write the outcome into its log."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[harness.JupyterServer]:
    """One JupyterLab server per session (per xdist worker): starting one costs ~3 s."""
    harness.require_browser()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    log_path = harness.ARTIFACTS_DIR / f"jupyter-server-{worker}.log"
    log_path.unlink(missing_ok=True)
    server = harness.start_jupyter_server(tmp_path_factory.mktemp("jupyter"), log_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium per session; tests get isolation from ``browser_context`` instead."""
    harness.require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = harness.launch_browser(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def browser_context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh context per test, big enough that a dashboard fits in the screenshot."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def notebook_page(
    request: pytest.FixtureRequest,
    browser_context: BrowserContext,
    jupyter_server: harness.JupyterServer,
) -> Iterator[Page]:
    """A page whose screenshot + console log become artifacts, pass or fail.

    Artifacts are written before the kernels are shut down, so the screenshot shows the
    notebook as the test left it rather than a "kernel dead" banner.
    """
    page = browser_context.new_page()
    harness.page_log(page)  # attach before the first navigation so nothing is missed
    try:
        yield page
    finally:
        reports = request.node.stash.get(_REPORTS, {})
        outcome = ", ".join(f"{when}: {rep.outcome}" for when, rep in reports.items()) or "unknown"
        header = f"{request.node.nodeid}\noutcome: {outcome}\nserver log: {jupyter_server.log_path}\n"
        harness.save_artifacts(page, harness.artifact_stem(request.node.name), header=header)
        page.close()
        jupyter_server.shutdown_kernels()
