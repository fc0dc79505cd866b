"""plotly.js reaches the browser once per kernel session, from the installed plotly package.

plotly's own ``FigureWidget`` sends its whole ~4.8 MB bundle with every figure. nbkeras
instead creates one :class:`PlotlyRuntime` widget per kernel whose synced state holds
``plotly.min.js`` as binary; every nbkeras widget holds a reference to it
(``widget_serialization``), and the front end loads the script from that model once per
page. ipywidgets sends a model's state when it opens, so the bytes cross the wire once
however many nbkeras widgets are shown; a reloaded page gets them again with the other
models' state, which is what it needs.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import anywidget
import traitlets

from nbkeras.widgets.static import bundle


@cache
def plotly_js_path() -> Path:
    """The plotly.js bundle shipped inside the installed ``plotly`` Python package."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():  # pragma: no cover - a broken plotly install
        raise FileNotFoundError(
            f"plotly.js was not found at {path}. nbkeras loads plotly.js from the installed "
            "plotly package (no CDN); reinstall it with `pip install --force-reinstall plotly`."
        )
    return path


def plotly_js_version() -> str:
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


class PlotlyRuntime(anywidget.AnyWidget):
    """Never displayed: a model whose state carries plotly.js for every nbkeras view."""

    _esm = bundle("plotly_runtime.js")
    source = traitlets.Bytes(help="plotly.min.js from the plotly package, as bytes").tag(sync=True)
    version = traitlets.Unicode(help="plotly.js version, so the page can reuse a loaded copy").tag(sync=True)

    def __repr__(self) -> str:
        return f"PlotlyRuntime(version={self.version!r})"


_runtime: PlotlyRuntime | None = None


def plotly_runtime() -> PlotlyRuntime:
    """The kernel's PlotlyRuntime, created (and its bytes sent) on first use."""
    global _runtime
    # A closed widget (``Widget.close_all()``, a test's teardown) has lost its front-end
    # model: make a new one rather than hand out a dangling reference.
    if _runtime is None or _runtime.comm is None:
        _runtime = PlotlyRuntime(source=plotly_js_path().read_bytes(), version=plotly_js_version())
    return _runtime
