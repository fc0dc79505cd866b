"""A static picture in a widget's output, for readers without its kernel.

A saved notebook is often read where no kernel runs: JupyterLab before "Run", GitHub,
nbviewer, an HTML export. There a widget view cannot show, so nbkeras puts a picture of
the widget's charts beside it in the same output. The picture travels as ``text/html``
holding an ``<img>`` with an SVG data URI, not as ``image/svg+xml``: JupyterLab and
Notebook 7 render ``image/svg+xml`` only in *trusted* notebooks (one the user ran or
signed) and fall back to ``text/plain`` otherwise, while sanitized HTML with a data-URI
image shows either way (checked in Chromium: tests/browser/test_course.py). Live front
ends still prefer the widget view, which ranks above HTML.
"""

from __future__ import annotations

import base64
import re
from xml.sax.saxutils import quoteattr

PICTURE_MIME = "text/html"


def picture_html(svg: str, alt: str) -> str:
    """An ``<img>`` tag showing ``svg`` (a standalone SVG document) with ``alt`` text."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img alt={quoteattr(alt)} src="data:image/svg+xml;base64,{data}"/>'


def picture_bundle(svg: str, alt: str) -> dict[str, str]:
    """The mime entries that carry a static picture in a display bundle."""
    return {PICTURE_MIME: picture_html(svg, alt)}


_PICTURE = re.compile(r'<img alt="[^"]*" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"/>')


def picture_svg(html: str) -> str | None:
    """The SVG document inside a picture made by :func:`picture_html`, or None if it is not one."""
    match = _PICTURE.fullmatch(html)
    return base64.b64decode(match.group(1)).decode("utf-8") if match else None
