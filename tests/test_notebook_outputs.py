"""`nbkeras share` / clean_outputs: a saved notebook that reads without its kernel."""

from __future__ import annotations

import json

import pytest

from nbkeras.cli import main
from nbkeras.notebook_outputs import WIDGET_VIEW, clean_outputs, notebook_pictures, share_notebook

PICTURE = '<img alt="FigureView charts" src="data:image/svg+xml;base64,PHN2Zy8+"/>'


def _saved_after_a_live_session() -> dict:
    """What JupyterLab saves after running a notebook with nbkeras widgets."""
    view = {"model_id": "abc", "version_major": 2, "version_minor": 1}
    return {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3"}, "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}}},
        "cells": [
            {"cell_type": "markdown", "source": "# title", "metadata": {}},
            {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": "show()", "outputs": [
                {"output_type": "display_data", "metadata": {WIDGET_VIEW: {"x": 1}, "other": 2},
                 "data": {WIDGET_VIEW: view, "text/plain": "FigureView(traces=1)", "text/html": PICTURE}},
                {"output_type": "display_data", "metadata": {}, "data": {WIDGET_VIEW: view}},  # a view and nothing else
                {"output_type": "display_data", "metadata": {}, "data": {WIDGET_VIEW: view, "text/plain": "Runtime()"}},
            ]},
            {"cell_type": "code", "execution_count": 2, "metadata": {}, "source": "fit()", "outputs": [
                {"output_type": "stream", "name": "stdout", "text": ["epoch 1\n"]},
                {"output_type": "stream", "name": "stderr", "text": "W0000 cuda not found\n"},
                {"output_type": "stream", "name": "stdout", "text": "epoch 2\n"},
                {"output_type": "execute_result", "execution_count": 2, "metadata": {}, "data": {"text/plain": "0.97"}},
            ]},
        ],
    }


def test_widget_views_and_state_go_pictures_and_text_stay():
    nb = _saved_after_a_live_session()
    report = clean_outputs(nb)
    assert (report.widget_views, report.kept, report.widget_state, report.stderr) == (3, 1, True, 0)
    assert "widgets" not in nb["metadata"] and nb["metadata"]["kernelspec"] == {"name": "python3"}
    first = nb["cells"][1]["outputs"]
    assert [sorted(o["data"]) for o in first] == [["text/html", "text/plain"], ["text/plain"]]
    assert first[0]["data"]["text/html"] == PICTURE and first[0]["metadata"] == {"other": 2}
    second = nb["cells"][2]["outputs"]  # untouched without drop_stderr
    assert [o.get("name") for o in second] == ["stdout", "stderr", "stdout", None]
    assert nb["cells"][0] == {"cell_type": "markdown", "source": "# title", "metadata": {}}
    assert notebook_pictures(nb) == [(PICTURE, "<svg/>")]


def test_drop_stderr_merges_the_streams_around_it():
    nb = _saved_after_a_live_session()
    report = clean_outputs(nb, drop_stderr=True)
    assert report.stderr == 1
    outputs = nb["cells"][2]["outputs"]
    assert outputs[0] == {"output_type": "stream", "name": "stdout", "text": "epoch 1\nepoch 2\n"}
    assert outputs[1]["data"] == {"text/plain": "0.97"} and len(outputs) == 2


def test_cleaning_twice_changes_nothing_more():
    nb = _saved_after_a_live_session()
    clean_outputs(nb, drop_stderr=True)
    once = json.dumps(nb, sort_keys=True)
    report = clean_outputs(nb, drop_stderr=True)
    assert json.dumps(nb, sort_keys=True) == once
    assert (report.widget_views, report.widget_state, report.stderr) == (0, False, 0)


def test_not_a_notebook_is_refused_with_what_was_received():
    with pytest.raises(ValueError, match=r"Expected a notebook .*Received: list"):
        clean_outputs([])


def test_share_command_writes_a_copy_beside_the_notebook(tmp_path, capsys):
    source = tmp_path / "lesson.ipynb"
    source.write_text(json.dumps(_saved_after_a_live_session()), encoding="utf-8")
    before = source.read_text(encoding="utf-8")
    assert main(["share", str(source)]) == 0
    assert source.read_text(encoding="utf-8") == before  # the original is kept
    shared = json.loads((tmp_path / "lesson.shared.ipynb").read_text(encoding="utf-8"))
    assert WIDGET_VIEW not in json.dumps(shared) and "widgets" not in shared["metadata"]
    assert "lesson.shared.ipynb: 3 widget views removed (1 keep a picture), widget state removed" in capsys.readouterr().out


def test_share_in_place_and_errors(tmp_path, capsys):
    source = tmp_path / "lesson.ipynb"
    source.write_text(json.dumps(_saved_after_a_live_session()), encoding="utf-8")
    path, report = share_notebook(source, source, drop_stderr=True)
    assert path == source and report.stderr == 1
    assert "stderr" not in source.read_text(encoding="utf-8")
    assert main(["share", str(tmp_path / "missing.ipynb")]) == 2
    assert "No notebook at" in capsys.readouterr().err
    (tmp_path / "bad.ipynb").write_text("{not json", encoding="utf-8")
    assert main(["share", str(tmp_path / "bad.ipynb")]) == 2
    assert "is not a notebook (invalid JSON" in capsys.readouterr().err
