"""A static picture of a widget, for readers without its kernel, in an output of its own.

A saved notebook is often read where no kernel runs: JupyterLab before "Run", GitHub,
nbviewer, an HTML export. There a widget view cannot show, so nbkeras displays a picture of
the widget's charts right after it, in a second output of the same cell.

Why a second output: keeping the picture current means updating its output
(``update_display_data``), and JupyterLab and Notebook 7 re-render an updated output. Were
the picture in the widget's own output, the live view would be re-created (a fresh
``render()``) under the user's hands: focus, open ``<details>``, scroll, half-typed values
and Plotly zoom lost. So the widget's output is never updated; only the picture output is.

Why it does not show twice in a live front end: the picture output's first choice is a
widget view naming no model (``model_id: ""``), which the Jupyter widgets renderer of
JupyterLab and Notebook 7 hides (``if (model_id === "") this.hide()``, in
@jupyter-widgets/jupyterlab-manager). Renderers without widget support (GitHub, nbviewer,
nbconvert: it skips a view whose model is not in the saved state) show the picture, and
``nbkeras share`` turns the output into the picture alone (:mod:`nbkeras.notebook_outputs`).

The picture travels as ``text/html`` holding an ``<img>`` with an SVG data URI, not as
``image/svg+xml``: JupyterLab and Notebook 7 render ``image/svg+xml`` only in *trusted*
notebooks (one the user ran or signed) and fall back to ``text/plain`` otherwise, while
sanitized HTML with a data-URI image shows either way (checked in Chromium:
tests/browser/test_course.py).
"""

from __future__ import annotations

import base64
import re
from xml.sax.saxutils import quoteattr

PICTURE_MIME = "text/html"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# The key in a picture output's metadata that names the widget it pictures (its model id).
PICTURE_OF = "nbkeras_picture_of"


def picture_html(svg: str, alt: str) -> str:
    """An ``<img>`` tag showing ``svg`` (a standalone SVG document) with ``alt`` text."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img alt={quoteattr(alt)} src="data:image/svg+xml;base64,{data}"/>'


def picture_bundle(svg: str, alt: str) -> dict[str, str]:
    """The mime entries that carry a static picture in a display bundle."""
    return {PICTURE_MIME: picture_html(svg, alt)}


# quoteattr quotes with ' an alt text holding " and no ' (and with " otherwise, escaping
# " inside as &quot;): both forms are pictures. The SVG may be empty (no base64 at all).
_PICTURE = re.compile(r"""<img alt=(?:"[^"]*"|'[^']*') src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]*)"/>""")


def picture_svg(html: str) -> str | None:
    """The SVG document inside a picture made by :func:`picture_html`, or None if it is not one."""
    match = _PICTURE.fullmatch(html)
    return base64.b64decode(match.group(1)).decode("utf-8") if match else None


def picture_output(entries: dict[str, str], model_id: str) -> tuple[dict[str, object], dict[str, object]]:
    """The (data, metadata) of the picture output of widget ``model_id`` showing ``entries``.

    ``entries`` are the mime entries that show the widget without a kernel (a picture, a
    table; may be empty before there is anything to show). The first choice is a widget
    view naming no model, which live JupyterLab and Notebook 7 hide; there is no
    ``text/plain``, so a terminal prints nothing for it.
    """
    data: dict[str, object] = {WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": ""}, **entries}
    return data, {PICTURE_OF: model_id}


def is_picture_output(output: dict[str, object]) -> bool:
    """Whether a saved notebook output (a JSON object) is a picture output (see :func:`picture_output`)."""
    data = output.get("data")
    view = data.get(WIDGET_VIEW) if isinstance(data, dict) else None
    return isinstance(view, dict) and view.get("model_id") == ""
