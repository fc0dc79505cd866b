"""Standalone HTML reports: offline, plotly.js once, figures from the live specs."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from nbkeras.report import Block, render_html
from nbkeras.widgets.figure import to_static, to_wire
from nbkeras.widgets.runtime import plotly_js_path


def _spec(y):
    return {
        "data": [{"type": "scatter", "x": np.arange(len(y), dtype=float), "y": np.asarray(y, dtype=float)}],
        "layout": {},
    }


def test_wire_and_static_forms_agree_and_keep_gaps():
    spec = _spec([1.0, np.nan, np.inf, -2.5])
    wire = to_wire(spec)
    assert isinstance(wire["data"][0]["y"], bytes) and len(wire["data"][0]["y"]) == 16
    assert to_static(wire)["data"][0]["y"] == [1.0, None, None, -2.5]
    assert to_static(spec) == to_static(wire)


def test_matrices_keep_their_shape():
    z = np.arange(6, dtype=float).reshape(2, 3)
    wire = to_wire({"z": z})
    assert wire["z"]["shape"] == [2, 3]
    assert to_static(wire)["z"] == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


def test_report_inlines_plotly_once_and_no_network():
    page = render_html(
        [Block("markdown", "# Title"), Block("figure", _spec([1, 2]), "one"), Block("figure", _spec([3]), "two")]
    )
    assert page.count(plotly_js_path().read_text(encoding="utf-8")[:2000]) == 1
    # nothing is fetched: no external script or stylesheet
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?:', page)
    figures = json.loads(re.search(r'id="nbk-figures">(.*?)</script>', page, re.S).group(1))
    assert [f["data"][0]["y"] for f in figures] == [[1.0, 2.0], [3.0]]
    assert page.count('class="nbk-report-figure"') == 2


def test_user_text_cannot_break_out_of_the_page():
    evil = "</script><script>alert(1)</script>"
    page = render_html([Block("code", evil), Block("figure", {"data": [{"name": evil}], "layout": {}}, evil)])
    assert "<script>alert(1)" not in page


def test_unknown_block_kind_is_refused():
    with pytest.raises(ValueError, match="Received: kind='video'"):
        render_html([Block("video", "x")])
