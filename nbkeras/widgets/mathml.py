"""LaTeX -> a JSON tree of MathML elements, which the browser builds with createElementNS.

Browsers render MathML natively (Chromium since 109, Firefox, Safari), so formulas need
no MathJax and no CDN. The tree is ``[tag, {attr: value}, [children...]]`` with text
children as plain strings; js/src/lib/mathml.js builds only allow-listed tags and
attributes, so a formula can never inject markup.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import Any

MathTree = list[Any]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _to_tree(element: ET.Element) -> MathTree:
    children: list[Any] = []
    if element.text:
        children.append(element.text)
    for child in element:
        children.append(_to_tree(child))
        if child.tail:
            children.append(child.tail)
    return [_local(element.tag), dict(element.attrib), children]


@lru_cache(maxsize=512)
def _cached(latex: str, display: str) -> tuple[str, ...]:
    import latex2mathml.converter

    return (latex2mathml.converter.convert(latex, display=display),)


def latex_to_mathml_tree(latex: str, *, block: bool = True) -> MathTree:
    """Convert a LaTeX formula to the MathML tree the front end renders.

    Example:
        >>> latex_to_mathml_tree("x^2")[0]
        'math'
    """
    (markup,) = _cached(latex, "block" if block else "inline")
    return _to_tree(ET.fromstring(markup))
