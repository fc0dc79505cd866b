"""Standalone HTML reports: the live charts as static, interactive Plotly figures.

plotly.js is inlined once from the installed plotly package, so a report opens offline
in any browser. Figures come from the same specs the live widgets draw
(:meth:`NbKerasWidget.static_figures`), through :func:`nbkeras.widgets.figure.to_static`.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nbkeras._validate import check_choice
from nbkeras.widgets.figure import to_static

BLOCK_KINDS = ("markdown", "code", "text", "figure", "image")


@dataclass(frozen=True)
class Block:
    """One piece of a report: ``kind`` is "markdown", "code", "text", "figure" or "image"."""

    kind: str
    content: Any
    title: str = ""

    def __post_init__(self) -> None:
        check_choice("kind", self.kind, BLOCK_KINDS)  # refused where the block is made


_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222}
pre{background:#f6f8fa;padding:.6em .8em;border-radius:4px;overflow-x:auto;font-size:13px}
pre.code{border-left:3px solid #4c78a8}
.figure{border:1px solid #e3e3e3;border-radius:4px;margin:.8em 0;padding:.3em}
.figure h4{margin:.2em .4em;font-weight:600;font-size:14px;color:#444}
img{max-width:100%}
"""


def _json_for_script(value: Any) -> str:
    # "</script" would end the element early and "<!--" changes how it is parsed:
    # escape every "<" (JSON allows \u003c), so no user string can leave the element.
    return json.dumps(value, allow_nan=False).replace("<", "\\u003c")


def _markdown(text: str) -> str:
    try:
        import mistune
    except ImportError:  # mistune comes with the lab extra; fall back to plain text
        return f"<pre>{html.escape(text)}</pre>"
    return mistune.html(text)


def render_html(blocks: list[Block], *, title: str = "nbkeras report") -> str:
    """Render blocks to one self-contained HTML page (plotly.js inlined once)."""
    from nbkeras.widgets.runtime import plotly_js_path

    body: list[str] = []
    figures: list[Any] = []
    for block in blocks:
        if block.kind == "markdown":
            body.append(_markdown(block.content))
        elif block.kind == "code":
            body.append(f'<pre class="code">{html.escape(block.content)}</pre>')
        elif block.kind == "text":
            body.append(f"<pre>{html.escape(block.content)}</pre>")
        elif block.kind == "image":
            body.append(f'<img alt="{html.escape(block.title)}" src="data:image/png;base64,{block.content}">')
        elif block.kind == "figure":
            figures.append(to_static(block.content))
            heading = f"<h4>{html.escape(block.title)}</h4>" if block.title else ""
            body.append(
                f'<div class="figure">{heading}'
                f'<div class="nbk-report-figure" data-index="{len(figures) - 1}"></div></div>'
            )
    plotly_js = plotly_js_path().read_text(encoding="utf-8")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{html.escape(title)}</title>",
            f"<style>{_STYLE}</style>",
            f"<script>{plotly_js}</script>",
            "</head><body>",
            f"<h1>{html.escape(title)}</h1>",
            *body,
            f'<script type="application/json" id="nbk-figures">{_json_for_script(figures)}</script>',
            "<script>"
            "const specs=JSON.parse(document.getElementById('nbk-figures').textContent);"
            "for(const el of document.querySelectorAll('.nbk-report-figure')){"
            "const s=specs[Number(el.dataset.index)];"
            "Plotly.newPlot(el,s.data,s.layout||{},{responsive:true,displaylogo:false});}"
            "</script>",
            "</body></html>",
        ]
    )


def write_html(path: str | Path, blocks: list[Block], *, title: str = "nbkeras report") -> Path:
    """Write :func:`render_html` to ``path`` and return it."""
    path = Path(path)
    path.write_text(render_html(blocks, title=title), encoding="utf-8")
    return path


def dump_live_figures(path: str | Path) -> None:
    """Write the static figures of every live nbkeras widget in this kernel to JSON.

    Run inside the kernel at the end of a headless notebook execution; the CLI reads the
    file and places each widget's figures where the widget was displayed.
    """
    from nbkeras.widgets.base import live_widgets

    out = {
        model_id: [{"title": t, "spec": to_static(spec)} for t, spec in widget.static_figures()]
        for model_id, widget in live_widgets().items()
    }
    Path(path).write_text(json.dumps(out, allow_nan=False), encoding="utf-8")
