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
    ...         "application/vnd.jupyter.widget-view+json": hidden,
    ...         "text/html": "<img alt='chart' src='data:...'/>"}}]}]}
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
    check_notebook(notebook)
    code_cells = [c for c in notebook["cells"] if isinstance(c, dict) and c.get("cell_type") == "code"]
    # Widgets (model ids) whose picture output shows something.
    pictured = {
        output.get("metadata", {}).get(PICTURE_OF)
        for cell in code_cells
        for output in cell.get("outputs", [])
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
                output = {
                    **output,
                    "data": data,
                    "metadata": {k: v for k, v in output.get("metadata", {}).items() if k != WIDGET_VIEW},
                }
            if (
                outputs
                and output.get("output_type") == "stream"
                and outputs[-1].get("output_type") == "stream"
                and outputs[-1].get("name") == output.get("name")
            ):
                outputs[-1] = {**outputs[-1], "text": _text(outputs[-1].get("text")) + _text(output.get("text"))}
                continue
            outputs.append(output)
        cell["outputs"] = outputs
    metadata = notebook.setdefault("metadata", {})
    had_state = "widgets" in metadata
    metadata.pop("widgets", None)
    return CleanReport(widget_views=views, kept=kept, widget_state=had_state, stderr=stderr)


def _refuse(where: str, value: Any, expected: str) -> ValueError:
    shown = json.dumps(value, default=repr)  # ASCII: the message stays on one line
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return ValueError(
        f"Invalid notebook: `{where}`. Received: {shown} (JSON {_json_type(value)}). Expected: {expected}."
    )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return {dict: "object", list: "array", str: "string"}.get(
        type(value), "number" if isinstance(value, (int, float)) else type(value).__name__
    )


def _check_text(where: str, value: Any) -> None:
    if not isinstance(value, str) and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise _refuse(where, value, "a string or a list of strings")


def check_notebook(notebook: Any) -> None:
    """Raise ValueError unless ``notebook`` (a parsed .ipynb) has the structure nbkeras reads.

    Checked: the notebook and its ``metadata`` are objects; ``cells`` is a list of objects
    whose ``cell_type`` is a string; a code cell's ``outputs`` is a list of objects whose
    ``output_type``, ``name``, ``text``, ``data`` (a mime bundle: text entries are strings
    or lists of strings) and ``metadata`` have their nbformat types. Other fields are left
    alone. The message names the place (``cells[3].outputs[1].data``), what it holds and
    what was expected.

    Example:
        >>> check_notebook({"cells": [{"cell_type": "code", "outputs": None}]})
        Traceback (most recent call last):
        ...
        ValueError: Invalid notebook: `cells[0].outputs`. Received: null (JSON null). Expected: ...
    """
    if not isinstance(notebook, dict):
        raise _refuse("(the whole file)", notebook, "a notebook: a JSON object with a `cells` list")
    if not isinstance(notebook.get("cells"), list):
        raise _refuse("cells", notebook.get("cells"), "a list of cells (JSON objects)")
    if not isinstance(notebook.get("metadata", {}), dict):
        raise _refuse("metadata", notebook["metadata"], "a JSON object")
    for i, cell in enumerate(notebook["cells"]):
        where = f"cells[{i}]"
        if not isinstance(cell, dict):
            raise _refuse(where, cell, "a cell (a JSON object)")
        if not isinstance(cell.get("cell_type", ""), str):
            raise _refuse(f"{where}.cell_type", cell["cell_type"], 'a string ("code", "markdown" or "raw")')
        if cell.get("cell_type") != "code":
            continue
        outputs = cell.get("outputs", [])
        if not isinstance(outputs, list):
            raise _refuse(f"{where}.outputs", outputs, "a list of outputs (JSON objects)")
        for j, output in enumerate(outputs):
            at = f"{where}.outputs[{j}]"
            if not isinstance(output, dict):
                raise _refuse(at, output, "an output (a JSON object)")
            for key in ("output_type", "name"):
                if not isinstance(output.get(key, ""), str):
                    raise _refuse(f"{at}.{key}", output[key], "a string")
            if "text" in output:
                _check_text(f"{at}.text", output["text"])
            for key in ("data", "metadata"):
                if not isinstance(output.get(key, {}), dict):
                    raise _refuse(
                        f"{at}.{key}",
                        output[key],
                        "a JSON object" + (" (mime type → content)" if key == "data" else ""),
                    )
            for mime, content in output.get("data", {}).items():
                if not (
                    isinstance(mime, str) and mime.endswith("json")
                ):  # JSON mime types hold any JSON; the others text
                    _check_text(f"{at}.data[{mime!r}]", content)


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

    check_notebook(notebook)
    found = []
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            html = _text(output.get("data", {}).get("text/html"))
            svg = picture_svg(html)
            if svg is not None:
                found.append((html, svg))
    return found


def share_notebook(
    source: str | Path, out: str | Path | None = None, *, drop_stderr: bool = False
) -> tuple[Path, CleanReport]:
    """Write a copy of ``source`` that reads well without a kernel; returns (path, report).

    ``out`` defaults to ``NAME.shared.ipynb`` beside the source; it may be the source itself.

    Raises:
        FileNotFoundError, IsADirectoryError, OSError: a path cannot be read or written
            (checked before any work: ``source`` is a file, ``out`` is not a folder and
            its folder exists).
        ValueError: ``source`` is not a notebook (invalid JSON or structure, see
            :func:`check_notebook`).
    """
    source = Path(source)
    target = Path(out) if out is not None else source.with_name(f"{source.stem}.shared.ipynb")
    if source.is_dir():
        raise IsADirectoryError(f"{source} is a folder, not a notebook (.ipynb file).")
    if not source.exists():
        raise FileNotFoundError(f"No notebook at {source}.")
    if target.is_dir():
        raise IsADirectoryError(f"The output {target} is a folder: give a file name, e.g. {target / source.name}.")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"The output's folder {target.parent} does not exist.")
    try:
        notebook = json.loads(source.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{source} is not a notebook (not UTF-8 text: {exc.reason} at byte {exc.start}).") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{source} is not a notebook (invalid JSON: {exc}).") from None
    except OSError as exc:
        raise OSError(f"Cannot read {source}: {exc.strerror or exc}.") from None
    try:
        report = clean_outputs(notebook, drop_stderr=drop_stderr)
    except ValueError as exc:
        raise ValueError(f"{source}: {exc}") from None
    try:
        target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise OSError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    return target, report
