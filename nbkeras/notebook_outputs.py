"""Make a saved notebook read well without its kernel: widget views out, their pictures kept.

A notebook saved after a live session holds, for each nbkeras widget, two outputs: the
widget's (a widget view, ``application/vnd.jupyter.widget-view+json``, and its one-line
``text/plain``), then its picture output (the picture as ``text/html``, behind a widget view
naming no model, which live front ends hide: see :mod:`nbkeras.widgets.picture`).
Reopened without the kernel, JupyterLab and Notebook 7 show "Error displaying widget: model
not found" for the first and still hide the second. Cleaning leaves the picture alone in
place of the pair, so every reader (JupyterLab before Run, GitHub, nbviewer, exports) sees
it; running a cell again brings the live widget back. Other widget outputs keep what they
carry besides the view (text, or a picture from an older nbkeras in the same output).

Plain JSON in, plain JSON out: no nbformat, no kernel.

    nbkeras share lesson.ipynb                # writes lesson.shared.ipynb
    nbkeras share lesson.ipynb -o lesson.ipynb  # in place

Example:

    >>> view = {"model_id": "m", "version_major": 2, "version_minor": 0}
    >>> hidden = {**view, "model_id": ""}
    >>> nb = {"metadata": {"widgets": {}}, "cells": [{"cell_type": "code", "outputs": [
    ...     {"output_type": "display_data", "metadata": {}, "data": {
    ...         "application/vnd.jupyter.widget-view+json": view, "text/plain": "FigureView(traces=1)"}},
    ...     {"output_type": "display_data", "metadata": {"nbkeras_picture_of": "m"}, "data": {
    ...         "application/vnd.jupyter.widget-view+json": hidden, "text/html": "<img alt='chart' src='data:...'/>"}}]}]}
    >>> report = clean_outputs(nb)
    >>> report.widget_views, report.kept, [sorted(o["data"]) for o in nb["cells"][0]["outputs"]]
    (1, 1, [['text/html']])
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nbkeras.widgets.picture import PICTURE_OF, WIDGET_VIEW, is_picture_output
# What a reader can see in place of a widget (beyond its one-line text/plain repr).
_VISIBLE = ("text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown")


@dataclass(frozen=True)
class CleanReport:
    """What :func:`clean_outputs` changed.

    Attributes:
        widget_views: widget-view entries removed.
        kept: of those outputs, how many still show something besides text (a picture).
        widget_state: whether saved widget state (``metadata.widgets``) was removed.
        stderr: stderr stream outputs removed (only with ``drop_stderr``).
    """

    widget_views: int
    kept: int
    widget_state: bool
    stderr: int


def clean_outputs(notebook: dict[str, Any], *, drop_stderr: bool = False) -> CleanReport:
    """Remove widget views and saved widget state from ``notebook`` (a parsed .ipynb), in place.

    A widget whose picture output shows something is replaced by that picture: its own
    output goes, the picture output loses its hidden view. A picture output with nothing
    to show goes. Other outputs with a widget view lose the view and keep what else they
    carry (text, or a picture); those left empty go. With ``drop_stderr`` stderr streams go
    too (machine-specific warnings that do not belong in a published notebook);
    consecutive stream outputs of the same name are merged.
    """
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError(f"Expected a notebook (a JSON object with a 'cells' list). Received: {type(notebook).__name__}.")
    code_cells = [c for c in notebook["cells"] if isinstance(c, dict) and c.get("cell_type") == "code"]
    # Widgets (model ids) whose picture output shows something.
    pictured = {
        output.get("metadata", {}).get(PICTURE_OF)
        for cell in code_cells for output in cell.get("outputs", [])
        if is_picture_output(output) and _visible(output["data"])
    }
    views = kept = stderr = 0
    for cell in code_cells:
        outputs: list[dict[str, Any]] = []
        for output in cell.get("outputs", []):
            if drop_stderr and output.get("output_type") == "stream" and output.get("name") == "stderr":
                stderr += 1
                continue
            data = output.get("data")
            if isinstance(data, dict) and WIDGET_VIEW in data:
                picture = is_picture_output(output)
                if not picture:
                    views += 1
                    view = data[WIDGET_VIEW]
                    if isinstance(view, dict) and view.get("model_id") in pictured:
                        kept += 1
                        continue  # its picture output shows it
                data = {k: v for k, v in data.items() if k != WIDGET_VIEW}
                if not data or (picture and not _visible(data)):
                    continue
                kept += not picture and _visible(data)
                output = {**output, "data": data, "metadata": {k: v for k, v in output.get("metadata", {}).items() if k != WIDGET_VIEW}}
            if (outputs and output.get("output_type") == "stream" and outputs[-1].get("output_type") == "stream"
                    and outputs[-1].get("name") == output.get("name")):
                outputs[-1] = {**outputs[-1], "text": _text(outputs[-1].get("text")) + _text(output.get("text"))}
                continue
            outputs.append(output)
        cell["outputs"] = outputs
    metadata = notebook.setdefault("metadata", {})
    had_state = "widgets" in metadata
    metadata.pop("widgets", None)
    return CleanReport(widget_views=views, kept=kept, widget_state=had_state, stderr=stderr)


def _visible(data: dict[str, Any]) -> bool:
    """Whether a reader sees something in ``data`` beyond a one-line text repr."""
    return any(k in data for k in _VISIBLE)


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def notebook_pictures(notebook: dict[str, Any]) -> list[tuple[str, str]]:
    """Every nbkeras picture a (parsed) notebook's outputs carry, as ``(html, svg)`` in order.

    ``html`` is the output's ``<img>`` tag (its ``alt`` says what it shows, e.g. "Training
    dashboard: ..."); ``svg`` the picture itself.
    """
    from nbkeras.widgets.picture import picture_svg

    found = []
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            html = _text(output.get("data", {}).get("text/html"))
            svg = picture_svg(html)
            if svg is not None:
                found.append((html, svg))
    return found


def share_notebook(source: str | Path, out: str | Path | None = None, *, drop_stderr: bool = False) -> tuple[Path, CleanReport]:
    """Write a copy of ``source`` that reads well without a kernel; returns (path, report).

    ``out`` defaults to ``NAME.shared.ipynb`` beside the source; it may be the source itself.
    """
    source = Path(source)
    try:
        notebook = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"No notebook at {source}.") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{source} is not a notebook (invalid JSON: {exc}).") from None
    report = clean_outputs(notebook, drop_stderr=drop_stderr)
    target = Path(out) if out is not None else source.with_name(f"{source.stem}.shared.ipynb")
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return target, report
